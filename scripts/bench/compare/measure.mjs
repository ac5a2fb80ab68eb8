#!/usr/bin/env node
// Copied from the shared harness /work/shared/bench/measure.mjs (2026-11-26) for
// Confab's `bash scripts/bench.sh --only compare` (scripts/bench/compare/).
// Changes from the original, all marked "compare:" below:
//   * selectors.rosterItemFor(jid) may return { selector, text } (a client
//     whose roster entries carry no JID attribute: Confab, by accessible name)
//   * adapter.rosterContactRegex(user) overrides which roster entries count
//   * HARNESS_SERVE_PORT (0 = any free port) overrides the adapter's port
//   * selectors.warmMessageText: where the warm scenario looks for the marker
//   * heap(): wasm_memory_mb, the linear memory of a Trunk-built wasm app
//
// Measurement driver: runs a browser XMPP client (through a client adapter in
// clients/) in headless Chromium against the harness Prosody and measures
// cold start, history, roster, round-trip latency and warm start.
//
//   node measure.mjs [--client converse] [--scenarios cold,history,roster,latency,warm]
//                    [--runs 3] [--history-sizes 1000,5000] [--latency-count 50]
//                    [--roster-size 200] [--scrollback-seconds 20] [--out results]
//                    [--screenshots] [--keep-profiles] [--headful]
//   node measure.mjs --report results/<file>.json   (re-render the .md only)
//
// Prerequisites: prosody/start-prosody.sh and ./fixtures.sh (see README.md).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServer } from './lib/serve.mjs';

const HARNESS = path.dirname(fileURLToPath(import.meta.url));
const DATA = path.join(HARNESS, 'data');

// ---------------------------------------------------------------- settings
function loadLocalEnv() {
  const f = path.join(HARNESS, 'local.env');
  if (!fs.existsSync(f)) return;
  for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && process.env[m[1]] === undefined) process.env[m[1]] = m[2].replace(/^["']|["']$/g, '');
  }
}
loadLocalEnv();

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  const src = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
  console.log(src.slice(1, src.findIndex((l, i) => i > 0 && !l.startsWith('//'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
const arg = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : def;
};
const flag = (name) => argv.includes(`--${name}`);

const CFG = {
  client: arg('client', 'converse'),
  scenarios: arg('scenarios', 'cold,history,roster,latency,warm').split(',').map((s) => s.trim()).filter(Boolean),
  runs: Number(arg('runs', 3)),
  historySizes: arg('history-sizes', '1000,5000').split(',').map(Number),
  latencyCount: Number(arg('latency-count', 50)),
  latencyWarmup: Number(arg('latency-warmup', 3)),
  rosterSize: Number(arg('roster-size', 200)),
  scrollbackSeconds: Number(arg('scrollback-seconds', 20)),
  out: path.resolve(HARNESS, arg('out', 'results')),
  chromium: process.env.HARNESS_CHROMIUM || '/usr/bin/chromium',
  host: process.env.HARNESS_PROSODY_HOST || '127.0.0.1',
  c2sPort: Number(process.env.HARNESS_C2S_PORT || 15222),
  httpPort: Number(process.env.HARNESS_HTTP_PORT || 15280),
  domain: process.env.HARNESS_DOMAIN || 'localhost',
  password: process.env.HARNESS_PASSWORD || 'pass',
  headful: flag('headful'),
  keepProfiles: flag('keep-profiles'),
  screenshots: flag('screenshots'),
};
CFG.wsUrl = `ws://${CFG.host}:${CFG.httpPort}/xmpp-websocket`;

// Fixture accounts (created by fixtures.sh).
const ACCOUNTS = {
  main: 'alice',
  peer: 'bob',
  history: (n) => `hist${n % 1000 === 0 ? `${n / 1000}k` : n}`,
  roster: (n) => `roster${n}`,
};
const jidOf = (u) => `${u}@${CFG.domain}`;
const pad = (n, w) => String(n).padStart(w, '0');
const histTag = (i, total) => {
  const w = Math.max(5, String(total).length);
  return `#${pad(i, w)}/${pad(total, w)}`;
};

const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // belt and braces next to the page's CSP: no name resolves except loopback
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
  '--disable-extensions', '--disable-default-apps', '--metrics-recording-only',
  '--password-store=basic', '--use-mock-keychain',
];

// ---------------------------------------------------------------- utils
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (x, d = 1) => (x == null || Number.isNaN(x) ? null : Math.round(x * 10 ** d) / 10 ** d);
const MB = (b) => round(b / (1024 * 1024), 2);
const log = (...a) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

function quantile(sorted, q) {
  if (!sorted.length) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
function stats(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return { n: 0 };
  return {
    n: v.length, min: round(v[0]), median: round(quantile(v, 0.5)), max: round(v[v.length - 1]),
    p95: round(quantile(v, 0.95)), mean: round(v.reduce((a, b) => a + b, 0) / v.length),
  };
}
// compare: a roster-entry spec is a CSS selector or { selector, text }.
const forSpec = (x) => (typeof x === 'string' ? { selector: x } : x);
const pick = (runs, key) => runs.map((r) => key.split('.').reduce((o, k) => (o == null ? undefined : o[k]), r));

async function loadPlaywright() {
  try {
    return await import('playwright-core');
  } catch {
    // installed with the Converse client's package.json (converse/)
    const req = createRequire(path.join(HARNESS, 'converse', 'package.json'));
    return req('playwright-core');
  }
}

function portOpen(port, host = CFG.host) {
  return new Promise((resolve) => {
    import('node:net').then(({ default: net }) => {
      const s = net.connect(port, host);
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
      setTimeout(() => { s.destroy(); resolve(false); }, 1000);
    });
  });
}

// ---------------------------------------------------------------- process metrics (/proc)
const CLK_TCK = 100;
function readProc(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(rest[1]);
    const cpuMs = ((Number(rest[11]) + Number(rest[12])) * 1000) / CLK_TCK;
    // Chromium rewrites the command line of forked children into one
    // space-separated string, so search the raw text rather than argv.
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    const type = (/--type=(\S+)/.exec(cmd) || [null, 'browser'])[1];
    return { pid, ppid, cpuMs, cmd, type };
  } catch {
    return null;
  }
}
function pssKb(pid) {
  try {
    const t = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const m = /^Pss:\s+(\d+)/m.exec(t);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}
/** All processes of the Chromium started with this user-data-dir. */
function chromiumProcs(profileDir) {
  const all = [];
  for (const d of fs.readdirSync('/proc')) if (/^\d+$/.test(d)) { const p = readProc(Number(d)); if (p) all.push(p); }
  const root = all.find((p) => p.type === 'browser' && p.cmd.includes(`--user-data-dir=${profileDir} `));
  if (!root) return null;
  const byParent = new Map();
  for (const p of all) { if (!byParent.has(p.ppid)) byParent.set(p.ppid, []); byParent.get(p.ppid).push(p); }
  const out = [];
  const walk = (p) => { out.push(p); for (const c of byParent.get(p.pid) || []) walk(c); };
  walk(root);
  return out.map((p) => ({ pid: p.pid, type: p.type, cpuMs: p.cpuMs }));
}
function procSample(profileDir) {
  const procs = chromiumProcs(profileDir) || [];
  const renderers = procs.filter((p) => p.type === 'renderer').map((p) => ({ ...p, pssKb: pssKb(p.pid) }));
  return {
    totalCpuMs: procs.reduce((a, p) => a + p.cpuMs, 0),
    rendererCpuMs: renderers.reduce((a, p) => a + p.cpuMs, 0),
    rendererPssMaxMb: renderers.length ? MB(Math.max(...renderers.map((r) => (r.pssKb || 0) * 1024))) : null,
    rendererPssSumMb: MB(renderers.reduce((a, r) => a + (r.pssKb || 0) * 1024, 0)),
    renderers: renderers.length,
  };
}
const cpuDelta = (a, b) => ({ total_cpu_ms: round(b.totalCpuMs - a.totalCpuMs, 0), renderer_cpu_ms: round(b.rendererCpuMs - a.rendererCpuMs, 0) });

// ---------------------------------------------------------------- browser session
class Session {
  static async open(pw, label) {
    const s = new Session();
    fs.mkdirSync(path.join(DATA, 'profiles'), { recursive: true });
    s.dir = fs.mkdtempSync(path.join(DATA, 'profiles', `${label}-`));
    s.ctx = await pw.chromium.launchPersistentContext(s.dir, {
      executablePath: CFG.chromium,
      headless: false, // headless mode is chosen explicitly with --headless=new below
      args: CFG.headful ? CHROMIUM_ARGS.filter((a) => !a.startsWith('--headless')) : CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: 1,
      timeout: 60000,
    });
    await s.ctx.addInitScript({ path: path.join(HARNESS, 'lib', 'probe.js') });
    s.page = s.ctx.pages()[0] || (await s.ctx.newPage());
    s.page.setDefaultTimeout(60000);
    s.console = [];
    s.page.on('console', (m) => { if (['error', 'warning'].includes(m.type())) s.console.push(`${m.type()}: ${m.text().slice(0, 300)}`); });
    s.page.on('pageerror', (e) => s.console.push(`pageerror: ${String(e.message).slice(0, 300)}`));
    s.cdp = await s.ctx.newCDPSession(s.page);
    await s.cdp.send('Performance.enable');
    s.net = new NetTracker(s.cdp);
    await s.cdp.send('Network.enable');
    return s;
  }
  arm(specs) { return this.ctx.addInitScript({ content: `window.__h && window.__h.armAll(${JSON.stringify(specs)});` }); }
  armNow(name, spec) { return this.page.evaluate(([n, sp]) => window.__h.arm(n, sp), [name, spec]); }
  wait(name, timeoutMs = 60000) { return this.page.evaluate(([n, t]) => window.__h.wait(n, t), [name, timeoutMs]); }
  get(name) { return this.page.evaluate((n) => window.__h.get(n), name); }
  async heap({ gc = true } = {}) {
    if (gc) { await this.cdp.send('HeapProfiler.collectGarbage'); await sleep(100); await this.cdp.send('HeapProfiler.collectGarbage'); }
    const { metrics } = await this.cdp.send('Performance.getMetrics');
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
    // V8 heap, Blink's (Oilpan) heap for DOM objects, and ArrayBuffer backing
    // stores, which is where a wasm client's linear memory lives.
    const hu = await this.cdp.send('Runtime.getHeapUsage').catch(() => ({}));
    // compare: a Trunk-built app's wasm linear memory (lib/probe.js), if any
    const wasmBytes = await this.page.evaluate(() => (window.__h && window.__h.wasmMemoryBytes ? window.__h.wasmMemoryBytes() : null)).catch(() => null);
    return {
      js_heap_used_mb: MB(m.JSHeapUsedSize), js_heap_total_mb: MB(m.JSHeapTotalSize),
      embedder_heap_mb: hu.embedderHeapUsedSize != null ? MB(hu.embedderHeapUsedSize) : null,
      array_buffers_mb: hu.backingStorageSize != null ? MB(hu.backingStorageSize) : null,
      wasm_memory_mb: wasmBytes != null ? MB(wasmBytes) : null,
      dom_nodes: m.Nodes, js_event_listeners: m.JSEventListeners,
      script_duration_ms: round(m.ScriptDuration * 1000, 0), task_duration_ms: round(m.TaskDuration * 1000, 0),
      layout_duration_ms: round(m.LayoutDuration * 1000, 0), style_duration_ms: round(m.RecalcStyleDuration * 1000, 0),
      ...(() => { const p = procSample(this.dir); return { renderer_pss_mb: p.rendererPssMaxMb, renderer_processes: p.renderers }; })(),
    };
  }
  proc() { return procSample(this.dir); }
  async clientEvents(adapter) {
    if (!adapter.eventsGlobal) return null;
    return this.page.evaluate((g) => (window[g] || []).map((e) => ({ name: e.name, t: Math.round(e.t) })), adapter.eventsGlobal).catch(() => null);
  }
  async navTiming() {
    return this.page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return {
        response_end_ms: n ? Math.round(n.responseEnd) : null,
        dom_content_loaded_ms: n ? Math.round(n.domContentLoadedEventEnd) : null,
        load_event_ms: n ? Math.round(n.loadEventEnd) : null,
        first_contentful_paint_ms: fcp ? Math.round(fcp.startTime) : null,
      };
    });
  }
  async screenshot(name) {
    if (!CFG.screenshots) return;
    fs.mkdirSync(path.join(CFG.out, 'screenshots'), { recursive: true });
    await this.page.screenshot({ path: path.join(CFG.out, 'screenshots', `${name}.png`) }).catch(() => {});
  }
  async close() {
    await this.ctx.close().catch(() => {});
    if (!CFG.keepProfiles) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

class NetTracker {
  constructor(cdp) {
    this.reset();
    cdp.on('Network.requestWillBeSent', (e) => {
      this.last = Date.now();
      this.reqs.set(e.requestId, { url: e.request.url, type: e.type, status: null, mime: null, encoded: 0, fromCache: false });
    });
    cdp.on('Network.responseReceived', (e) => {
      const r = this.reqs.get(e.requestId); if (!r) return;
      r.status = e.response.status; r.mime = e.response.mimeType; r.type = e.type || r.type;
      if (e.response.fromDiskCache || e.response.fromPrefetchCache) r.fromCache = true;
    });
    cdp.on('Network.requestServedFromCache', (e) => { const r = this.reqs.get(e.requestId); if (r) r.fromCache = true; });
    cdp.on('Network.loadingFinished', (e) => { this.last = Date.now(); const r = this.reqs.get(e.requestId); if (r) r.encoded = e.encodedDataLength; });
    cdp.on('Network.loadingFailed', (e) => { const r = this.reqs.get(e.requestId); if (r) { r.failed = e.errorText; r.blocked = e.blockedReason || null; } });
    cdp.on('Network.webSocketFrameSent', (e) => {
      const p = e.response.payloadData || '';
      this.last = Date.now(); this.ws.sent++; this.ws.bytesSent += Buffer.byteLength(p);
      if (p.includes('urn:xmpp:mam:2') && /<query[\s>]/.test(p)) this.mam.queries++;
    });
    cdp.on('Network.webSocketFrameReceived', (e) => {
      const p = e.response.payloadData || '';
      this.last = Date.now(); this.ws.recv++; this.ws.bytesRecv += Buffer.byteLength(p);
      if (p.includes('urn:xmpp:mam:2')) this.mam.results += (p.match(/<result[\s>]/g) || []).length;
    });
  }
  reset() {
    this.reqs = new Map(); this.ws = { sent: 0, recv: 0, bytesSent: 0, bytesRecv: 0 }; this.last = Date.now();
    this.mam = { queries: 0, results: 0 }; // XEP-0313 traffic seen on the websocket
  }
  /** Resolve once no request finished and no websocket frame moved for quietMs (max maxMs). */
  async quiet(quietMs = 1000, maxMs = 10000) {
    const t0 = Date.now();
    while (Date.now() - t0 < maxMs) {
      if (Date.now() - this.last >= quietMs) return Date.now() - t0;
      await sleep(100);
    }
    return null;
  }
  snapshot() {
    const all = [...this.reqs.values()].filter((r) => !r.url.startsWith('data:'));
    const isWasm = (r) => /wasm/.test(r.mime || '') || /\.wasm(\?|$)/.test(r.url);
    const isJs = (r) => !isWasm(r) && (r.type === 'Script' || /javascript|ecmascript/.test(r.mime || '') || /\.m?js(\?|$)/.test(r.url));
    const local = (r) => /^(https?|wss?):\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(r.url);
    const byType = {};
    for (const r of all) {
      const k = isWasm(r) ? 'wasm' : (r.type || 'Other');
      byType[k] = byType[k] || { requests: 0, transferred_bytes: 0 };
      byType[k].requests++; byType[k].transferred_bytes += r.encoded || 0;
    }
    return {
      requests: all.length,
      transferred_bytes: all.reduce((a, r) => a + (r.encoded || 0), 0),
      by_type: byType,
      code: all.filter((r) => isJs(r) || isWasm(r)).map((r) => ({ url: r.url, kind: isWasm(r) ? 'wasm' : 'js', status: r.status, transferred: r.encoded, fromCache: r.fromCache })),
      external_attempts: all.filter((r) => !local(r)).map((r) => ({ url: r.url, blocked: r.blocked || r.failed || null })),
      failed_local: all.filter((r) => local(r) && (r.failed || (r.status && r.status >= 400))).map((r) => ({ url: r.url, status: r.status, error: r.failed || null })),
      websocket: { ...this.ws, mam_queries: this.mam.queries, mam_results: this.mam.results },
    };
  }
}

/** Sizes of the distinct JS/wasm files a page loaded: raw, gzip -9, brotli q11. */
async function codeSizes(code) {
  const seen = new Map();
  for (const c of code) {
    if (seen.has(c.url) || !/^https?:\/\/(127\.0\.0\.1|localhost)/.test(c.url)) continue;
    try {
      const res = await fetch(c.url);
      const buf = Buffer.from(await res.arrayBuffer());
      seen.set(c.url, {
        url: c.url.replace(/^https?:\/\/[^/]+/, ''), kind: c.kind, raw: buf.length,
        gzip9: zlib.gzipSync(buf, { level: 9 }).length,
        brotli11: zlib.brotliCompressSync(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
        fetches: code.filter((x) => x.url === c.url).length,
      });
    } catch (e) {
      seen.set(c.url, { url: c.url, kind: c.kind, error: String(e) });
    }
  }
  const files = [...seen.values()];
  const sum = (k, kind) => files.filter((f) => !kind || f.kind === kind).reduce((a, f) => a + (f[k] || 0), 0);
  return {
    files,
    js_raw: sum('raw', 'js'), js_gzip9: sum('gzip9', 'js'), js_brotli11: sum('brotli11', 'js'),
    wasm_raw: sum('raw', 'wasm'), wasm_gzip9: sum('gzip9', 'wasm'), wasm_brotli11: sum('brotli11', 'wasm'),
    total_raw: sum('raw'), total_gzip9: sum('gzip9'), total_brotli11: sum('brotli11'),
    transferred_incl_refetches: code.reduce((a, c) => a + (c.transferred || 0), 0),
  };
}

// ---------------------------------------------------------------- client helpers (adapter defaults)
function clientApi(adapter) {
  const sel = adapter.selectors;
  return {
    url: (user, opts) => adapter.url({ jid: jidOf(user), password: CFG.password, wsUrl: CFG.wsUrl, opts: { ...(adapter.defaultOpts || {}), ...(opts || {}) } }),
    async login(s, user) { if (adapter.login) await adapter.login(s.page, { jid: jidOf(user), password: CFG.password, wsUrl: CFG.wsUrl }); },
    async openChat(s, jid) {
      if (adapter.openChat) return adapter.openChat(s.page, jid);
      const f = forSpec(sel.rosterItemFor(jid)); // compare
      let loc = s.page.locator(f.selector);
      if (f.text != null) loc = loc.filter({ hasText: f.text });
      await loc.first().click();
    },
    async sendMessage(s, text) {
      if (adapter.sendMessage) return adapter.sendMessage(s.page, text);
      const c = s.page.locator(sel.composer).first();
      await c.fill(text);
      await c.press('Enter');
    },
    async scrollHistoryToTop(s) {
      if (adapter.scrollHistoryToTop) return adapter.scrollHistoryToTop(s.page);
      return s.page.evaluate((q) => {
        const el = document.querySelector(q);
        if (!el) return null;
        const t = performance.now();
        el.scrollTop = -1e9; // clamps to the top for normal and column-reverse scrollers
        return t;
      }, sel.historyScroller);
    },
  };
}

// ---------------------------------------------------------------- peer (python) helpers
const PEER = path.join(HARNESS, 'peer', 'peer.sh');
function peerRun(args, timeoutMs = 120000) {
  return execFileSync(PEER, args, { cwd: HARNESS, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
}
async function startEcho(user, logFile) {
  const child = spawn(PEER, ['echo', '--user', user, '--log', logFile], { cwd: HARNESS, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const t0 = Date.now();
  while (!out.includes('READY')) {
    if (child.exitCode !== null) throw new Error(`echo peer exited: ${out}`);
    if (Date.now() - t0 > 30000) { child.kill('SIGTERM'); throw new Error(`echo peer not ready: ${out}`); }
    await sleep(100);
  }
  return {
    child,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        for (let i = 0; i < 50 && child.exitCode === null; i++) await sleep(100);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
  };
}

// ---------------------------------------------------------------- scenarios
async function loginAndWaitRoster(s, api, user, contactJid, opts, extraSpecs = {}) {
  const sel = s.adapter.selectors;
  await s.arm({ roster: { ...forSpec(sel.rosterItemFor(contactJid)), visible: 'rendered' }, ...extraSpecs });
  await s.page.goto(api.url(user, opts), { waitUntil: 'commit' });
  await api.login(s, user);
  const r = await s.wait('roster', 60000);
  if (!r || r.t == null) throw new Error(`roster entry ${contactJid} not visible within 60 s`);
  return r;
}

async function scenarioCold(pw, adapter, api) {
  const variants = adapter.coldVariants || [{ name: 'default', opts: {} }];
  const out = {};
  for (const v of variants) {
    const runs = [];
    for (let i = 1; i <= CFG.runs; i++) {
      const s = await Session.open(pw, 'cold'); s.adapter = adapter;
      try {
        const p0 = s.proc();
        const r = await loginAndWaitRoster(s, api, ACCOUNTS.main, jidOf(ACCOUNTS.peer), v.opts);
        const p1 = s.proc();
        const settled = await s.net.quiet(1500, 15000);
        const net = s.net.snapshot();
        const run = {
          run: i,
          roster_visible_ms: round(r.tFrame, 0),
          roster_in_dom_ms: round(r.t, 0),
          nav: await s.navTiming(),
          cpu_until_roster: cpuDelta(p0, p1),
          settle_ms: settled,
          cpu_until_settled: cpuDelta(p0, s.proc()),
          heap_after_load: await s.heap(),
          network: { requests: net.requests, transferred_bytes: net.transferred_bytes, by_type: net.by_type, websocket: net.websocket,
                     external_attempts: net.external_attempts, failed_local: net.failed_local },
          code: await codeSizes(net.code),
          client_events: await s.clientEvents(adapter),
          loadavg: os.loadavg().map((x) => round(x, 2)),
        };
        runs.push(run);
        await s.screenshot(`cold-${v.name}-${i}`);
        log(`cold[${v.name}] run ${i}: roster visible ${run.roster_visible_ms} ms, heap ${run.heap_after_load.js_heap_used_mb} MB, code ${MB(run.code.total_raw)} MB raw / ${MB(run.code.total_gzip9)} MB gz`);
      } catch (e) {
        runs.push({ run: i, error: String(e), console: s.console.slice(-10) });
        log(`cold[${v.name}] run ${i} failed: ${e}`);
      } finally { await s.close(); }
    }
    const ok = runs.filter((r) => !r.error);
    out[v.name] = {
      opts: v.opts,
      runs,
      summary: {
        roster_visible_ms: stats(pick(ok, 'roster_visible_ms')),
        first_contentful_paint_ms: stats(pick(ok, 'nav.first_contentful_paint_ms')),
        renderer_cpu_until_roster_ms: stats(pick(ok, 'cpu_until_roster.renderer_cpu_ms')),
        total_cpu_until_settled_ms: stats(pick(ok, 'cpu_until_settled.total_cpu_ms')),
        js_heap_used_mb: stats(pick(ok, 'heap_after_load.js_heap_used_mb')),
        renderer_pss_mb: stats(pick(ok, 'heap_after_load.renderer_pss_mb')),
        dom_nodes: stats(pick(ok, 'heap_after_load.dom_nodes')),
        code_raw_bytes: stats(pick(ok, 'code.total_raw')),
        code_gzip9_bytes: stats(pick(ok, 'code.total_gzip9')),
        code_brotli11_bytes: stats(pick(ok, 'code.total_brotli11')),
        js_raw_bytes: stats(pick(ok, 'code.js_raw')),
        wasm_raw_bytes: stats(pick(ok, 'code.wasm_raw')),
        transferred_bytes_all: stats(pick(ok, 'network.transferred_bytes')),
        requests: stats(pick(ok, 'network.requests')),
      },
    };
  }
  return out;
}

async function scenarioHistory(pw, adapter, api) {
  const sel = adapter.selectors;
  const out = {};
  for (const size of CFG.historySizes) {
    const user = ACCOUNTS.history(size);
    const runs = [];
    // the server's share: the same 50-message MAM pages fetched by a bare XMPP client
    let server = null;
    try {
      server = JSON.parse(peerRun(['mam-bench', '--user', user, '--with', ACCOUNTS.peer, '--pages', '5']).trim().split('\n').pop());
      delete server.cmd;
      log(`history[${size}] server baseline: MAM page of 50 in ${server.median_ms} ms (median of ${server.pages})`);
    } catch (e) { server = { error: String(e) }; }
    for (let i = 1; i <= CFG.runs; i++) {
      const s = await Session.open(pw, 'history'); s.adapter = adapter;
      try {
        const peer = jidOf(ACCOUNTS.peer);
        const r0 = await loginAndWaitRoster(s, api, user, peer);
        await s.net.quiet(1000, 10000);
        const newest = histTag(size, size);
        await s.armNow('newest', { selector: sel.messageText, text: newest, visible: 'viewport' });
        const p0 = s.proc();
        s.net.reset();
        await api.openChat(s, peer);
        const click = await s.page.evaluate(() => window.__h.lastInput('mousedown') || window.__h.lastInput('keydown'));
        const r = await s.wait('newest', 60000);
        if (!r || r.t == null) throw new Error(`newest message ${newest} not visible within 60 s`);
        const t0 = click ? click.t : r.armedAt;
        const p1 = s.proc();
        await s.net.quiet(1000, 10000);
        const idx = await s.page.evaluate(([q]) => window.__h.indices(q, '#(\\d+)/'), [sel.messageText]);
        const run = {
          run: i,
          roster_visible_ms: round(r0.tFrame, 0),
          open_to_newest_visible_ms: round(r.tFrame - t0, 0),
          open_to_newest_in_dom_ms: round(r.t - t0, 0),
          messages_in_dom_after_open: idx.length,
          oldest_index_after_open: idx.length ? Math.min(...idx) : null,
          cpu_open: cpuDelta(p0, p1),
          ws_after_open: { ...s.net.snapshot().websocket },
          mam_queries_open: s.net.mam.queries,
          heap_after_open: await s.heap(),
          scrollback: [],
        };
        await s.screenshot(`history-${size}-${i}-open`);
        // scroll-back: like a user flinging upwards, scroll to the top every
        // 400 ms for --scrollback-seconds and follow the oldest message rendered.
        const initialMin = run.oldest_index_after_open;
        await s.armNow('older', { selector: sel.messageText, regex: '#(\\d+)/', below: initialMin, visible: 'rendered' });
        const mam0 = { ...s.net.mam };
        const sbStart = await api.scrollHistoryToTop(s);
        const timeline = [];
        const tEnd = Date.now() + CFG.scrollbackSeconds * 1000;
        while (Date.now() < tEnd) {
          await sleep(400);
          const snap = await s.page.evaluate(([q]) => {
            const idx = window.__h.indices(q, '#(\\d+)/', 'rendered');
            return { t: performance.now(), min: idx.length ? Math.min(...idx) : null, n: idx.length };
          }, [sel.messageText]);
          timeline.push({ t_ms: round(snap.t - sbStart, 0), min: snap.min, in_dom: snap.n });
          if (snap.min === 1) break; // reached the start of the archive
          await api.scrollHistoryToTop(s);
        }
        const older = await s.get('older');
        const depthAt = (ms) => {
          const m = timeline.filter((x) => x.t_ms <= ms && x.min != null).map((x) => x.min);
          return m.length ? initialMin - Math.min(...m) : 0;
        };
        run.scrollback = {
          first_older_rendered_ms: older && older.tFrame != null ? round(older.tFrame - sbStart, 0) : null,
          depth_after_5s: depthAt(5000), depth_after_10s: depthAt(10000),
          depth_at_end: depthAt(Infinity),
          reached_start: timeline.some((x) => x.min === 1),
          seconds: round((timeline.length ? timeline[timeline.length - 1].t_ms : 0) / 1000, 1),
          mam_queries: s.net.mam.queries - mam0.queries,
          mam_results: s.net.mam.results - mam0.results,
          timeline,
        };
        run.heap_after_scrollback = await s.heap();
        run.client_events = await s.clientEvents(adapter);
        run.loadavg = os.loadavg().map((x) => round(x, 2));
        runs.push(run);
        log(`history[${size}] run ${i}: newest visible ${run.open_to_newest_visible_ms} ms after click, ${run.messages_in_dom_after_open} msgs in DOM; scroll-back: first older ${run.scrollback.first_older_rendered_ms} ms, depth ${run.scrollback.depth_after_5s}/${run.scrollback.depth_after_10s}/${run.scrollback.depth_at_end} msgs at 5s/10s/end, ${run.scrollback.mam_queries} MAM queries; heap ${run.heap_after_open.js_heap_used_mb} -> ${run.heap_after_scrollback.js_heap_used_mb} MB`);
      } catch (e) {
        runs.push({ run: i, error: String(e), console: s.console.slice(-10) });
        log(`history[${size}] run ${i} failed: ${e}`);
      } finally { await s.close(); }
    }
    const ok = runs.filter((r) => !r.error);
    out[size] = {
      account: jidOf(user),
      server_mam_page: server,
      runs,
      summary: {
        open_to_newest_visible_ms: stats(pick(ok, 'open_to_newest_visible_ms')),
        renderer_cpu_open_ms: stats(pick(ok, 'cpu_open.renderer_cpu_ms')),
        messages_in_dom_after_open: stats(pick(ok, 'messages_in_dom_after_open')),
        scrollback_first_older_ms: stats(pick(ok, 'scrollback.first_older_rendered_ms')),
        scrollback_depth_5s_msgs: stats(pick(ok, 'scrollback.depth_after_5s')),
        scrollback_depth_10s_msgs: stats(pick(ok, 'scrollback.depth_after_10s')),
        scrollback_depth_end_msgs: stats(pick(ok, 'scrollback.depth_at_end')),
        scrollback_mam_queries: stats(pick(ok, 'scrollback.mam_queries')),
        mam_queries_open: stats(pick(ok, 'mam_queries_open')),
        js_heap_after_open_mb: stats(pick(ok, 'heap_after_open.js_heap_used_mb')),
        js_heap_after_scrollback_mb: stats(pick(ok, 'heap_after_scrollback.js_heap_used_mb')),
        renderer_pss_after_scrollback_mb: stats(pick(ok, 'heap_after_scrollback.renderer_pss_mb')),
      },
    };
  }
  return out;
}

async function scenarioRoster(pw, adapter, api) {
  const sel = adapter.selectors;
  const user = ACCOUNTS.roster(CFG.rosterSize);
  const runs = [];
  for (let i = 1; i <= CFG.runs; i++) {
    const s = await Session.open(pw, 'roster'); s.adapter = adapter;
    const contactRe = adapter.rosterContactRegex ? adapter.rosterContactRegex(user) : `^${user}_c\\d+@`; // compare
    try {
      await s.arm({
        // count only the seeded contacts (a client may also list the user's own JID)
        first: { selector: sel.rosterItem, distinctAttr: sel.rosterItemAttr, attrRegex: contactRe, visible: 'rendered' },
        all: { selector: sel.rosterItem, minCount: CFG.rosterSize, distinctAttr: sel.rosterItemAttr, attrRegex: contactRe, visible: 'rendered' },
      });
      const p0 = s.proc();
      await s.page.goto(api.url(user), { waitUntil: 'commit' });
      await api.login(s, user);
      const all = await s.wait('all', 90000);
      if (!all || all.t == null) {
        const n = await s.page.evaluate((q) => window.__h.count(q), sel.rosterItem);
        throw new Error(`only ${n} of ${CFG.rosterSize} roster entries rendered within 90 s`);
      }
      const p1 = s.proc();
      const first = await s.get('first');
      await s.net.quiet(1000, 10000);
      const run = {
        run: i,
        first_contact_visible_ms: round(first.tFrame, 0),
        all_contacts_rendered_ms: round(all.tFrame, 0),
        cpu_until_all: cpuDelta(p0, p1),
        heap_after: await s.heap(),
        client_events: await s.clientEvents(adapter),
        loadavg: os.loadavg().map((x) => round(x, 2)),
      };
      runs.push(run);
      await s.screenshot(`roster-${i}`);
      log(`roster[${CFG.rosterSize}] run ${i}: first ${run.first_contact_visible_ms} ms, all ${run.all_contacts_rendered_ms} ms, heap ${run.heap_after.js_heap_used_mb} MB, ${run.heap_after.dom_nodes} nodes`);
    } catch (e) {
      runs.push({ run: i, error: String(e), console: s.console.slice(-10) });
      log(`roster run ${i} failed: ${e}`);
    } finally { await s.close(); }
  }
  const ok = runs.filter((r) => !r.error);
  return {
    account: jidOf(user), contacts: CFG.rosterSize, runs,
    summary: {
      first_contact_visible_ms: stats(pick(ok, 'first_contact_visible_ms')),
      all_contacts_rendered_ms: stats(pick(ok, 'all_contacts_rendered_ms')),
      renderer_cpu_until_all_ms: stats(pick(ok, 'cpu_until_all.renderer_cpu_ms')),
      js_heap_used_mb: stats(pick(ok, 'heap_after.js_heap_used_mb')),
      dom_nodes: stats(pick(ok, 'heap_after.dom_nodes')),
    },
  };
}

async function scenarioLatency(pw, adapter, api) {
  const sel = adapter.selectors;
  const peer = jidOf(ACCOUNTS.peer);
  fs.mkdirSync(path.join(DATA, 'runs'), { recursive: true });
  const echoLog = path.join(DATA, 'runs', `echo-${Date.now()}.jsonl`);
  const echo = await startEcho(ACCOUNTS.peer, echoLog);
  const runs = [];
  try {
    for (let i = 1; i <= CFG.runs; i++) {
      const s = await Session.open(pw, 'latency'); s.adapter = adapter;
      try {
        await loginAndWaitRoster(s, api, ACCOUNTS.main, peer);
        await s.net.quiet(1000, 10000);
        await api.openChat(s, peer);
        await s.page.locator(sel.composer).first().waitFor({ state: 'visible', timeout: 30000 });
        await s.net.quiet(1000, 10000);
        const nonce = crypto.randomBytes(3).toString('hex');
        const samples = [];
        const p0 = s.proc();
        for (let m = -CFG.latencyWarmup + 1; m <= CFG.latencyCount; m++) {
          const body = `lat ${nonce} r${i} m${m} ${crypto.randomBytes(4).toString('hex')}`;
          await s.page.evaluate(([b, q, qr]) => {
            window.__h.arm('own', { selector: q, text: b, exact: true, visible: 'dom' });
            window.__h.arm('echo', { selector: q, text: `echo: ${b}`, exact: true, visible: 'dom' });
            if (qr) window.__h.arm('receipt', { selector: qr, text: b, exact: true, visible: 'dom' });
          }, [body, sel.messageText, sel.receiptText || null]);
          await api.sendMessage(s, body);
          const kd = await s.page.evaluate(() => window.__h.lastInput('keydown', 'Enter'));
          const e = await s.wait('echo', 10000);
          const [own, rc, origin] = await s.page.evaluate(() => [window.__h.get('own'), window.__h.get('receipt'), performance.timeOrigin]);
          if (m >= 1) {
            samples.push({
              m, body,
              send_epoch_ms: kd ? origin + kd.t : null,
              echo_epoch_ms: e && e.t != null ? origin + e.t : null,
              send_to_own_rendered_ms: own && own.tFrame != null && kd ? round(own.tFrame - kd.t) : null,
              send_to_receipt_ms: rc && rc.tFrame != null && kd ? round(rc.tFrame - kd.t) : null,
              send_to_echo_ms: e && e.tFrame != null && kd ? round(e.tFrame - kd.t) : null,
              send_to_echo_dom_ms: e && e.t != null && kd ? round(e.t - kd.t) : null,
            });
          }
          await sleep(50);
        }
        const p1 = s.proc();
        const lat = samples.map((x) => x.send_to_echo_ms);
        const run = {
          run: i,
          messages: samples.length,
          lost: samples.filter((x) => x.send_to_echo_ms == null).length,
          echo_ms: stats(lat),
          own_rendered_ms: stats(samples.map((x) => x.send_to_own_rendered_ms)),
          receipt_ms: stats(samples.map((x) => x.send_to_receipt_ms)),
          cpu: cpuDelta(p0, p1),
          heap_after: await s.heap(),
          samples,
          loadavg: os.loadavg().map((x) => round(x, 2)),
        };
        runs.push(run);
        log(`latency run ${i}: echo p50 ${run.echo_ms.median} ms p95 ${run.echo_ms.p95} ms (own ${run.own_rendered_ms.median}, receipt ${run.receipt_ms.median}), lost ${run.lost}`);
      } catch (e) {
        runs.push({ run: i, error: String(e), console: s.console.slice(-10) });
        log(`latency run ${i} failed: ${e}`);
      } finally { await s.close(); }
    }
  } finally {
    await echo.stop();
  }
  // split the round trip with the peer's own timestamps (same machine clock)
  const peerLog = fs.existsSync(echoLog) ? fs.readFileSync(echoLog, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  const byBody = new Map(peerLog.map((p) => [p.body, p]));
  for (const r of runs) {
    for (const x of r.samples || []) {
      const p = byBody.get(x.body);
      if (!p) continue;
      x.client_to_peer_ms = x.send_epoch_ms != null ? round(p.t_recv * 1000 - x.send_epoch_ms) : null;
      x.peer_to_client_ms = x.echo_epoch_ms != null ? round(x.echo_epoch_ms - p.t_reply * 1000) : null;
    }
  }
  const ok = runs.filter((r) => !r.error);
  const all = ok.flatMap((r) => r.samples);
  return {
    count_per_run: CFG.latencyCount, warmup: CFG.latencyWarmup,
    runs,
    summary: {
      echo_p50_ms: stats(ok.map((r) => r.echo_ms.median)),
      echo_p95_ms: stats(ok.map((r) => r.echo_ms.p95)),
      echo_all_samples_ms: stats(all.map((x) => x.send_to_echo_ms)),
      own_rendered_all_ms: stats(all.map((x) => x.send_to_own_rendered_ms)),
      receipt_all_ms: stats(all.map((x) => x.send_to_receipt_ms)),
      client_to_peer_all_ms: stats(all.map((x) => x.client_to_peer_ms)),
      peer_to_client_all_ms: stats(all.map((x) => x.peer_to_client_ms)),
      lost: ok.reduce((a, r) => a + r.lost, 0),
      js_heap_after_mb: stats(pick(ok, 'heap_after.js_heap_used_mb')),
    },
  };
}

async function scenarioWarm(pw, adapter, api) {
  const sel = adapter.selectors;
  const peer = jidOf(ACCOUNTS.peer);
  const runs = [];
  for (let i = 1; i <= CFG.runs; i++) {
    const s = await Session.open(pw, 'warm'); s.adapter = adapter;
    try {
      // prime: log in, open the chat, receive a marker message, let storage settle
      const cold = await loginAndWaitRoster(s, api, ACCOUNTS.main, peer);
      await s.net.quiet(1000, 10000);
      await api.openChat(s, peer);
      const marker = `warm marker ${crypto.randomBytes(4).toString('hex')}`;
      await s.armNow('marker', { selector: sel.messageText, text: marker, visible: 'viewport' });
      peerRun(['send', '--from', ACCOUNTS.peer, '--to', ACCOUNTS.main, '--body', marker]);
      const mk = await s.wait('marker', 30000);
      if (!mk || mk.t == null) throw new Error('marker message not shown before reload');
      await s.net.quiet(1500, 10000);
      await sleep(1000);
      // reload and watch the same things come back
      await s.arm({
        w_roster: { ...forSpec(sel.rosterItemFor(peer)), visible: 'rendered' },
        // compare: selectors.warmMessageText, where a client shows the newest
        // message after a reload if that is not the open chat (Confab: the
        // chat-list preview; it does not reopen the last chat)
        w_marker: { selector: sel.warmMessageText || sel.messageText, text: marker, visible: 'viewport' },
      });
      s.net.reset();
      const p0 = s.proc();
      await s.page.reload({ waitUntil: 'commit' });
      await api.login(s, ACCOUNTS.main);
      const wr = await s.wait('w_roster', 60000);
      const wm = await s.wait('w_marker', 60000);
      if (!wr || wr.t == null) throw new Error('roster not visible after reload');
      const p1 = s.proc();
      await s.net.quiet(1000, 10000);
      const net = s.net.snapshot();
      const events = await s.clientEvents(adapter);
      const connected = events && events.find((e) => e.name === 'connected');
      const run = {
        run: i,
        cold_roster_visible_ms: round(cold.tFrame, 0),
        roster_visible_ms: round(wr.tFrame, 0),
        last_message_visible_ms: wm && wm.tFrame != null ? round(wm.tFrame, 0) : null,
        last_message_before_connected: connected && wm && wm.t != null ? wm.t < connected.t : null,
        nav: await s.navTiming(),
        cpu_until_visible: cpuDelta(p0, p1),
        network: { requests: net.requests, transferred_bytes: net.transferred_bytes, by_type: net.by_type, websocket: net.websocket },
        heap_after: await s.heap(),
        client_events: events,
        loadavg: os.loadavg().map((x) => round(x, 2)),
      };
      runs.push(run);
      await s.screenshot(`warm-${i}`);
      log(`warm run ${i}: roster ${run.roster_visible_ms} ms, last message ${run.last_message_visible_ms} ms (cold roster was ${run.cold_roster_visible_ms} ms), ${net.requests} requests / ${net.transferred_bytes} B`);
    } catch (e) {
      runs.push({ run: i, error: String(e), console: s.console.slice(-10) });
      log(`warm run ${i} failed: ${e}`);
    } finally { await s.close(); }
  }
  const ok = runs.filter((r) => !r.error);
  return {
    runs,
    summary: {
      roster_visible_ms: stats(pick(ok, 'roster_visible_ms')),
      last_message_visible_ms: stats(pick(ok, 'last_message_visible_ms')),
      renderer_cpu_until_visible_ms: stats(pick(ok, 'cpu_until_visible.renderer_cpu_ms')),
      transferred_bytes: stats(pick(ok, 'network.transferred_bytes')),
      js_heap_used_mb: stats(pick(ok, 'heap_after.js_heap_used_mb')),
    },
  };
}

// ---------------------------------------------------------------- report
function markdown(res) {
  const L = [];
  const row = (label, s, unit = 'ms') => (s && s.n ? `| ${label} | ${s.min} | ${s.median} | ${s.max} | ${unit} | ${s.n} |` : `| ${label} | – | – | – | ${unit} | 0 |`);
  const head = ['| metric | min | median | max | unit | n |', '|---|---:|---:|---:|---|---:|'];
  L.push(`# ${res.client.displayName} ${res.client.version ?? ''} — harness results ${res.env.date}`, '');
  L.push(`Chromium ${res.env.chromium}, ${res.env.cpus}× ${res.env.cpu_model}, Prosody ${res.env.prosody}, Node ${res.env.node}, runs per scenario: ${res.config.runs}.`);
  L.push(`Load average at start: ${res.env.loadavg_start.join(' / ')}; at end: ${(res.env.loadavg_end || []).join(' / ')}.`, '');
  L.push('Times are from the triggering event (navigation start, mousedown, Enter keydown) to the first animation frame after the DOM condition held.', '');
  const S = res.scenarios;
  if (S.cold) {
    L.push('## a. Cold start (fresh profile → roster shown)', '');
    for (const [name, v] of Object.entries(S.cold)) {
      L.push(`### ${name} (${JSON.stringify(v.opts)})`, '', ...head);
      const s = v.summary;
      L.push(row('roster visible', s.roster_visible_ms), row('first contentful paint', s.first_contentful_paint_ms),
        row('renderer CPU until roster', s.renderer_cpu_until_roster_ms), row('all Chromium CPU until network quiet', s.total_cpu_until_settled_ms),
        row('JS heap used after load (after GC)', s.js_heap_used_mb, 'MB'), row('renderer PSS after load', s.renderer_pss_mb, 'MB'),
        row('DOM nodes', s.dom_nodes, 'nodes'), row('JS+wasm raw', s.code_raw_bytes, 'bytes'), row('JS+wasm gzip -9', s.code_gzip9_bytes, 'bytes'),
        row('JS+wasm brotli 11', s.code_brotli11_bytes, 'bytes'), row('  of which wasm raw', s.wasm_raw_bytes, 'bytes'),
        row('all transferred (incl. CSS, fonts, JSON, refetches)', s.transferred_bytes_all, 'bytes'), row('requests', s.requests, 'req'), '');
      const r0 = v.runs.find((r) => !r.error);
      if (r0) {
        L.push('Files: ' + r0.code.files.map((f) => `\`${f.url}\` ${f.raw} B raw / ${f.gzip9} B gz${f.fetches > 1 ? ` (fetched ${f.fetches}×)` : ''}`).join('; ') + '.', '');
        if (r0.network.external_attempts.length) L.push(`External requests attempted and blocked: ${r0.network.external_attempts.map((x) => `\`${x.url}\``).join(', ')}.`, '');
      }
    }
  }
  if (S.history) {
    L.push('## b. History (MAM) — open chat → newest message visible; scroll-back', '');
    for (const [size, v] of Object.entries(S.history)) {
      L.push(`### ${size} messages in the archive (${v.account})`, '');
      if (v.server_mam_page && v.server_mam_page.median_ms != null) L.push(`Server baseline (peer.py mam-bench, no browser): one 50-message MAM page takes ${v.server_mam_page.median_ms} ms (median of ${v.server_mam_page.pages}).`, '');
      L.push(...head);
      const s = v.summary;
      L.push(row('open chat → newest message visible', s.open_to_newest_visible_ms), row('renderer CPU for open', s.renderer_cpu_open_ms),
        row('messages in DOM after open', s.messages_in_dom_after_open, 'msgs'), row('MAM queries for open', s.mam_queries_open, 'queries'),
        row('scroll-back: top → first older message rendered', s.scrollback_first_older_ms),
        row('scroll-back: older messages reached after 5 s', s.scrollback_depth_5s_msgs, 'msgs'),
        row('scroll-back: older messages reached after 10 s', s.scrollback_depth_10s_msgs, 'msgs'),
        row(`scroll-back: older messages reached at end (${res.config.scrollbackSeconds} s)`, s.scrollback_depth_end_msgs, 'msgs'),
        row('scroll-back: MAM queries sent', s.scrollback_mam_queries, 'queries'), row('JS heap after open', s.js_heap_after_open_mb, 'MB'),
        row('JS heap after scroll-back', s.js_heap_after_scrollback_mb, 'MB'), row('renderer PSS after scroll-back', s.renderer_pss_after_scrollback_mb, 'MB'), '');
    }
  }
  if (S.roster) {
    const s = S.roster.summary;
    L.push(`## c. Roster (${S.roster.contacts} contacts, ${S.roster.account})`, '', ...head,
      row('first contact rendered', s.first_contact_visible_ms), row(`all ${S.roster.contacts} rendered`, s.all_contacts_rendered_ms),
      row('renderer CPU until all', s.renderer_cpu_until_all_ms), row('JS heap after', s.js_heap_used_mb, 'MB'), row('DOM nodes', s.dom_nodes, 'nodes'), '');
  }
  if (S.latency) {
    const s = S.latency.summary;
    L.push(`## d. Round trip through the UI (${S.latency.count_per_run} messages per run, echo peer)`, '', ...head,
      row('per-run p50 send → echo shown', s.echo_p50_ms), row('per-run p95 send → echo shown', s.echo_p95_ms),
      row('all samples send → echo shown', s.echo_all_samples_ms), row('all samples send → own message shown', s.own_rendered_all_ms),
      row('all samples send → receipt shown', s.receipt_all_ms), row('all samples Enter → peer received', s.client_to_peer_all_ms),
      row('all samples peer replied → echo shown', s.peer_to_client_all_ms), row('JS heap after', s.js_heap_after_mb, 'MB'), '',
      `Over all samples: send → echo p50 ${s.echo_all_samples_ms.median} ms, p95 ${s.echo_all_samples_ms.p95} ms; ` +
      `send → own message p50 ${s.own_rendered_all_ms.median} / p95 ${s.own_rendered_all_ms.p95} ms; ` +
      `send → receipt p50 ${s.receipt_all_ms.median ?? '–'} / p95 ${s.receipt_all_ms.p95 ?? '–'} ms. Lost (no echo within 10 s): ${s.lost}.`, '');
  }
  if (S.warm) {
    const s = S.warm.summary;
    L.push('## e. Warm start (reload with IndexedDB + HTTP cache)', '', ...head,
      row('roster visible', s.roster_visible_ms), row('last message visible', s.last_message_visible_ms),
      row('renderer CPU until visible', s.renderer_cpu_until_visible_ms), row('transferred on reload', s.transferred_bytes, 'bytes'),
      row('JS heap after', s.js_heap_used_mb, 'MB'), '');
    const before = S.warm.runs.filter((r) => r.last_message_before_connected === true).length;
    const known = S.warm.runs.filter((r) => r.last_message_before_connected != null).length;
    if (known) L.push(`Last message on screen before the client reported "connected" (i.e. rendered from its cache first): ${before} of ${known} runs.`, '');
  }
  const errors = Object.entries(res.errors || {});
  if (errors.length) L.push('## Errors', '', ...errors.map(([k, v]) => `- ${k}: ${v}`), '');
  return L.join('\n');
}

// ---------------------------------------------------------------- main
async function main() {
  // --report FILE.json: only re-render the markdown summary of an earlier run
  const reportOnly = arg('report', null);
  if (reportOnly) {
    const res = JSON.parse(fs.readFileSync(reportOnly, 'utf8'));
    const mdPath = reportOnly.replace(/\.json$/, '') + '.md';
    fs.writeFileSync(mdPath, markdown(res));
    log(`wrote ${mdPath}`);
    return;
  }
  const adapterPath = /\.m?js$/.test(CFG.client) ? path.resolve(CFG.client) : path.join(HARNESS, 'clients', `${CFG.client}.mjs`);
  const adapter = (await import(pathToFileURL(adapterPath).href)).default;
  const api = clientApi(adapter);
  const pw = await loadPlaywright();

  if (!(await portOpen(CFG.c2sPort)) || !(await portOpen(CFG.httpPort))) {
    console.error(`Prosody is not answering on ${CFG.host}:${CFG.c2sPort}/${CFG.httpPort}; run prosody/start-prosody.sh and ./fixtures.sh first`);
    process.exit(2);
  }
  let server = null;
  if (adapter.serve) {
    // compare: HARNESS_SERVE_PORT overrides the adapter's port; 0 = any free one
    if (process.env.HARNESS_SERVE_PORT != null) adapter.serve.port = Number(process.env.HARNESS_SERVE_PORT);
    if (adapter.serve.port && await portOpen(adapter.serve.port)) {
      console.error(`port ${adapter.serve.port} is already in use`); process.exit(2);
    }
    server = await startServer({ root: adapter.serve.root, port: adapter.serve.port });
    adapter.serve.port = server.address().port;
    adapter.baseUrl = adapter.baseUrl.replace(/^(http:\/\/[^/:]+):\d+/, `$1:${adapter.serve.port}`);
  }

  let chromiumVersion = null;
  try { chromiumVersion = execFileSync(CFG.chromium, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { /* ignore */ }
  let prosodyVersion = null;
  try { prosodyVersion = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'prosody'], { encoding: 'utf8' }).trim(); } catch { /* ignore */ }

  const stamp = new Date().toISOString().replace(/[:]/g, '').replace(/\..*/, '');
  const res = {
    client: { name: adapter.name, displayName: adapter.displayName || adapter.name, version: adapter.version || null, defaultOpts: adapter.defaultOpts || {} },
    env: {
      date: new Date().toISOString(), chromium: chromiumVersion, chromium_args: CHROMIUM_ARGS, node: process.version,
      playwright: (() => { try { return createRequire(path.join(HARNESS, 'converse', 'package.json'))('playwright-core/package.json').version; } catch { return null; } })(),
      prosody: prosodyVersion, cpu_model: os.cpus()[0]?.model, cpus: os.cpus().length, mem_gb: round(os.totalmem() / 2 ** 30, 1),
      loadavg_start: os.loadavg().map((x) => round(x, 2)),
      viewport: '1280x800',
    },
    config: { ...CFG, out: path.relative(HARNESS, CFG.out) || '.', chromium: undefined, password: undefined },
    scenarios: {},
    errors: {},
  };
  const table = { cold: scenarioCold, history: scenarioHistory, roster: scenarioRoster, latency: scenarioLatency, warm: scenarioWarm };
  try {
    for (const sc of CFG.scenarios) {
      if (!table[sc]) { res.errors[sc] = 'unknown scenario'; continue; }
      log(`=== scenario ${sc}`);
      try {
        res.scenarios[sc] = await table[sc](pw, adapter, api);
      } catch (e) {
        res.errors[sc] = String(e && e.stack ? e.stack : e);
        log(`scenario ${sc} failed: ${e}`);
      }
    }
  } finally {
    if (server) server.close();
  }
  res.env.loadavg_end = os.loadavg().map((x) => round(x, 2));
  fs.mkdirSync(CFG.out, { recursive: true });
  const base = path.join(CFG.out, `${adapter.name}-${stamp}`);
  fs.writeFileSync(`${base}.json`, JSON.stringify(res, null, 2));
  fs.writeFileSync(`${base}.md`, markdown(res));
  log(`wrote ${path.relative(HARNESS, base)}.json and .md`);
}

main().catch((e) => { console.error(e); process.exit(1); });
