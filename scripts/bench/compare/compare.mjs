#!/usr/bin/env node
// Confab beside the floor ("raw") and Converse.js, in one run (used by
// `bash scripts/bench.sh --only compare`, through compare.sh, which starts the
// harness Prosody and creates the fixtures first).
//
//   node compare.mjs [--runs 2] [--clients raw,confab,converse]
//                    [--scenarios cold,history,roster,latency,warm]
//                    [--history-sizes 1000,5000] [--latency-count 50]
//                    [--scrollback-seconds 10] [--out DIR]
//   node compare.mjs --report DIR      (print the tables of an earlier run again)
//
// For each scenario, each client in turn: `node measure.mjs --client C
// --scenarios S --runs N --out DIR/S` (same Prosody, same fixtures; the
// clients of one scenario run back to back so that they share the machine's
// load of the moment). Then one table per scenario: the medians of the three
// clients and the ratios Confab/raw and Confab/Converse. Every run's figures
// stay in DIR/<scenario>/<client>-<stamp>.json (measure.mjs's format); the
// tables also go to DIR/compare.md.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const arg = (k, d) => { const i = argv.indexOf(`--${k}`); return i >= 0 && i + 1 < argv.length ? argv[i + 1] : d; };
const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);

const FLOOR = 1.5; // the project's target: within 1.5× of the raw floor client
const report = arg('report', null);
const CFG = {
  runs: Number(arg('runs', 2)),
  clients: list(arg('clients', 'raw,confab,converse')),
  scenarios: list(arg('scenarios', 'cold,history,roster,latency,warm')),
  historySizes: arg('history-sizes', '1000,5000'),
  latencyCount: arg('latency-count', '50'),
  scrollbackSeconds: arg('scrollback-seconds', '10'),
  out: path.resolve(report || arg('out', path.join(HERE, 'data', 'results', new Date().toISOString().replace(/[:]/g, '').replace(/\..*/, '')))),
};

function runMeasure(client, scenario, logFile) {
  const args = [path.join(HERE, 'measure.mjs'), '--client', client, '--scenarios', scenario, '--runs', String(CFG.runs),
    '--history-sizes', CFG.historySizes, '--latency-count', CFG.latencyCount,
    '--scrollback-seconds', CFG.scrollbackSeconds, '--out', path.join(CFG.out, scenario)];
  return new Promise((resolve) => {
    const out = fs.openSync(logFile, 'a');
    const child = spawn(process.execPath, args, { cwd: HERE, stdio: ['ignore', out, out], env: { ...process.env, HARNESS_SERVE_PORT: '0' } });
    child.on('exit', (code) => { fs.closeSync(out); resolve(code); });
  });
}

// ------------------------------------------------------------------ figures
const get = (o, key) => key.split('.').reduce((x, k) => (x == null ? undefined : x[k]), o);
function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = (v.length - 1) / 2;
  return (v[Math.floor(m)] + v[Math.ceil(m)]) / 2;
}
function quantile(xs, q) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const pos = (v.length - 1) * q; const lo = Math.floor(pos); const hi = Math.ceil(pos);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}
const okRuns = (runs) => (runs || []).filter((r) => !r.error);
const medOf = (runs, f) => median(okRuns(runs).map((r) => (typeof f === 'function' ? f(r) : get(r, f))));
// JS heap + ArrayBuffer backing stores + wasm linear memory (not in the former)
const heapPlusAb = (h) => (h && h.js_heap_used_mb != null ? h.js_heap_used_mb + (h.array_buffers_mb || 0) + (h.wasm_memory_mb || 0) : null);
const formMs = (r) => {
  const ev = r.client_events || [];
  const f = ev.find((e) => e.name === 'form'); const s = ev.find((e) => e.name === 'submit');
  return f && s ? s.t - f.t : null;
};

function load(scenario) {
  const dir = path.join(CFG.out, scenario);
  const by = {};
  if (!fs.existsSync(dir)) return by;
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    const res = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    if (res.scenarios && res.scenarios[scenario]) by[res.client.name] = { res, data: res.scenarios[scenario] };
  }
  return by;
}

// A metric: label, unit, value(data of one client) -> number|null; hb: higher is better.
function tables() {
  const T = [];
  const cold = load('cold');
  if (Object.keys(cold).length) {
    const runsOf = (d, client) => {
      if (!d) return null;
      // Converse: the no-OMEMO variant, as in all its other scenarios
      const v = d[client === 'converse' ? 'no-omemo' : 'default'] || Object.values(d)[0];
      return v ? v.runs : null;
    };
    const m = (label, unit, f, hb) => ({ label, unit, hb, f: (d, c) => medOf(runsOf(d, c), f) });
    T.push({
      short: 'cold start',
      title: 'cold start: fresh profile -> the peer (bob) shown in the roster / chat list (Converse without OMEMO)',
      data: cold,
      metrics: [
        m('roster entry visible', 'ms', 'roster_visible_ms'),
        m('  of which form shown -> Sign in (driver typing)', 'ms', formMs),
        m('first contentful paint', 'ms', 'nav.first_contentful_paint_ms'),
        m('renderer CPU until roster', 'ms', 'cpu_until_roster.renderer_cpu_ms'),
        m('main-thread task time until quiet', 'ms', 'heap_after_load.task_duration_ms'),
        m('JS heap (after GC)', 'MB', 'heap_after_load.js_heap_used_mb', 'info'),
        m('ArrayBuffers', 'MB', 'heap_after_load.array_buffers_mb', 'info'),
        m('wasm linear memory', 'MB', 'heap_after_load.wasm_memory_mb', 'info'),
        m('JS heap + ArrayBuffers + wasm', 'MB', (r) => heapPlusAb(r.heap_after_load)),
        m('renderer PSS', 'MB', 'heap_after_load.renderer_pss_mb'),
        m('DOM nodes', 'nodes', 'heap_after_load.dom_nodes'),
        m('all transferred', 'KB', (r) => get(r, 'network.transferred_bytes') / 1024),
      ],
      extra: () => {
        const as = cold.converse && cold.converse.data['as-shipped'];
        const v = as ? medOf(as.runs, 'roster_visible_ms') : null;
        return v != null ? [`Converse as shipped (OMEMO key generation at first login): roster entry visible ${fmt(v)} ms`] : [];
      },
    });
    const code = (k) => ({ label: k.label, unit: 'KB', f: (d, c) => medOf(runsOf(d, c), (r) => get(r, `code.${k.key}`) / 1024) });
    T.push({
      short: 'bundle',
      title: 'bundle: JS + wasm loaded by the page (fetched again and sized by the harness)',
      data: cold,
      metrics: [
        code({ label: 'wasm + js raw', key: 'total_raw' }),
        code({ label: 'wasm + js gzip -9', key: 'total_gzip9' }),
        code({ label: 'wasm + js brotli 11', key: 'total_brotli11' }),
        code({ label: '  of which wasm raw', key: 'wasm_raw' }),
        code({ label: '  of which wasm gzip -9', key: 'wasm_gzip9' }),
        code({ label: '  of which js raw', key: 'js_raw' }),
        code({ label: '  of which js gzip -9', key: 'js_gzip9' }),
      ],
    });
  }
  const hist = load('history');
  if (Object.keys(hist).length) {
    const sizes = [...new Set(Object.values(hist).flatMap((x) => Object.keys(x.data)))];
    for (const n of sizes) {
      const m = (label, unit, f, hb) => ({ label, unit, hb, f: (d) => medOf(d && d[n] && d[n].runs, f) });
      T.push({
        short: `history ${n}`,
        title: `history: ${n} archived messages (hist${Number(n) / 1000}k): click the chat -> newest message on screen; then scroll to the top every 400 ms`,
        data: hist,
        metrics: [
          m('click -> newest message visible', 'ms', 'open_to_newest_visible_ms'),
          m('renderer CPU for the open', 'ms', 'cpu_open.renderer_cpu_ms'),
          m('messages in DOM after open', 'msgs', 'messages_in_dom_after_open', 'info'),
          m('MAM queries for the open', 'queries', 'mam_queries_open'),
          m('scroll-back: top -> first older rendered', 'ms', 'scrollback.first_older_rendered_ms'),
          m('scroll-back: older messages reached in 5 s', 'msgs', 'scrollback.depth_after_5s', true),
          m(`scroll-back: older messages reached at end (${CFG.scrollbackSeconds} s)`, 'msgs', 'scrollback.depth_at_end', true),
          m('JS heap + ArrayBuffers + wasm after open', 'MB', (r) => heapPlusAb(r.heap_after_open)),
          m('JS heap + ArrayBuffers + wasm after scroll-back', 'MB', (r) => heapPlusAb(r.heap_after_scrollback)),
          m('renderer PSS after scroll-back', 'MB', 'heap_after_scrollback.renderer_pss_mb'),
        ],
        extra: () => {
          const any = Object.values(hist).map((x) => x.data[n] && x.data[n].server_mam_page).find((s) => s && s.median_ms != null);
          return any ? [`server alone (peer.py mam-bench, no browser): one 50-message MAM page ${any.median_ms} ms`] : [];
        },
      });
    }
  }
  const roster = load('roster');
  if (Object.keys(roster).length) {
    const m = (label, unit, f, hb) => ({ label, unit, hb, f: (d) => medOf(d && d.runs, f) });
    T.push({
      short: 'roster',
      title: 'roster: 200 contacts (roster200): navigation -> first / all contacts rendered',
      data: roster,
      metrics: [
        m('first contact rendered', 'ms', 'first_contact_visible_ms'),
        m('all 200 rendered', 'ms', 'all_contacts_rendered_ms'),
        m('renderer CPU until all', 'ms', 'cpu_until_all.renderer_cpu_ms'),
        m('main-thread task time until quiet', 'ms', 'heap_after.task_duration_ms'),
        m('JS heap + ArrayBuffers + wasm', 'MB', (r) => heapPlusAb(r.heap_after)),
        m('renderer PSS', 'MB', 'heap_after.renderer_pss_mb'),
        m('DOM nodes', 'nodes', 'heap_after.dom_nodes'),
      ],
    });
  }
  const lat = load('latency');
  if (Object.keys(lat).length) {
    const all = (d) => okRuns(d && d.runs).flatMap((r) => r.samples || []);
    const q = (label, key, p) => ({ label, unit: 'ms', f: (d) => quantile(all(d).map((x) => x[key]), p) });
    T.push({
      short: 'round trip',
      title: `round trip through the UI: ${CFG.latencyCount} messages per run to an echo peer (all samples)`,
      data: lat,
      metrics: [
        q('Enter -> echo shown, p50', 'send_to_echo_ms', 0.5),
        q('Enter -> echo shown, p95', 'send_to_echo_ms', 0.95),
        q('Enter -> own message shown, p50', 'send_to_own_rendered_ms', 0.5),
        q('Enter -> receipt shown, p50', 'send_to_receipt_ms', 0.5),
        q('Enter -> peer received, p50', 'client_to_peer_ms', 0.5),
        q('peer replied -> echo shown, p50', 'peer_to_client_ms', 0.5),
        { label: 'renderer CPU per message', unit: 'ms', f: (d) => medOf(d && d.runs, (r) => r.cpu && r.messages ? r.cpu.renderer_cpu_ms / (r.messages + (d.warmup || 0)) : null) },
        { label: 'JS heap + ArrayBuffers + wasm after', unit: 'MB', f: (d) => medOf(d && d.runs, (r) => heapPlusAb(r.heap_after)) },
        { label: 'lost (no echo within 10 s)', unit: 'msgs', hb: 'info', f: (d) => okRuns(d && d.runs).reduce((a, r) => a + (r.lost || 0), 0) },
      ],
    });
  }
  const warm = load('warm');
  if (Object.keys(warm).length) {
    const m = (label, unit, f, hb) => ({ label, unit, hb, f: (d) => medOf(d && d.runs, f) });
    T.push({
      short: 'warm start',
      title: 'warm start: reload of a signed-in page (remembered session, HTTP cache) -> roster entry and newest message on screen',
      data: warm,
      metrics: [
        m('roster entry visible', 'ms', 'roster_visible_ms'),
        m('newest message visible (Confab: chat-list preview)', 'ms', 'last_message_visible_ms'),
        m('renderer CPU until visible', 'ms', 'cpu_until_visible.renderer_cpu_ms'),
        m('transferred on reload', 'KB', (r) => get(r, 'network.transferred_bytes') / 1024),
        m('JS heap + ArrayBuffers + wasm after', 'MB', (r) => heapPlusAb(r.heap_after)),
      ],
    });
  }
  return T;
}

function fmt(v) {
  if (v == null || Number.isNaN(v)) return 'n/a';
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
}
function ratio(a, b) { return a != null && b != null && b !== 0 ? a / b : null; }

function render() {
  const names = { raw: 'raw', confab: 'Confab', converse: 'Converse' };
  const cols = CFG.clients;
  const text = []; const md = [];
  const over = [];
  for (const t of tables()) {
    text.push(`  ${t.title}`);
    const head = `  ${'metric'.padEnd(50)} ${'unit'.padEnd(7)}${cols.map((c) => (names[c] || c).padStart(10)).join('')} ${'C/raw'.padStart(7)} ${'C/Conv'.padStart(7)}`;
    text.push(head);
    md.push(`### ${t.title}`, '', `| metric | unit | ${cols.map((c) => names[c] || c).join(' | ')} | Confab/raw | Confab/Converse |`,
      `|---|---|${cols.map(() => '---:').join('|')}|---:|---:|`);
    for (const m of t.metrics) {
      const v = Object.fromEntries(cols.map((c) => [c, t.data[c] ? m.f(t.data[c].data, c) : null]));
      const r1 = ratio(v.confab, v.raw); const r2 = ratio(v.confab, v.converse);
      // over the target: 1.5× the floor, the other way round where more is better
      const bad = m.hb === 'info' ? false : m.hb ? r1 != null && r1 < 1 / FLOOR : r1 != null && r1 > FLOOR;
      if (bad) over.push(`${t.short}: ${m.label.trim()} ${fmt(v.confab)} ${m.unit} vs raw ${fmt(v.raw)} (${r1.toFixed(2)}×)`);
      const rs = (r) => (r == null ? 'n/a' : `${r.toFixed(2)}`);
      text.push(`  ${m.label.padEnd(50)} ${m.unit.padEnd(7)}${cols.map((c) => fmt(v[c]).padStart(10)).join('')} ${rs(r1).padStart(7)} ${rs(r2).padStart(7)}${bad ? '  > 1.5x floor' : ''}`);
      md.push(`| ${m.label.trim()}${m.hb === true ? ' (more is better)' : ''} | ${m.unit} | ${cols.map((c) => fmt(v[c])).join(' | ')} | ${rs(r1)}${bad ? ' **>1.5×**' : ''} | ${rs(r2)} |`);
    }
    for (const e of (t.extra ? t.extra() : [])) { text.push(`  note: ${e}`); md.push('', e); }
    text.push('');
    md.push('');
  }
  if (over.length) {
    text.push('  Confab over 1.5x the raw floor:', ...over.map((o) => `    ${o}`));
    md.push('Confab over 1.5× the raw floor:', '', ...over.map((o) => `- ${o}`), '');
  }
  return { text: text.join('\n'), md: md.join('\n') };
}

async function main() {
  if (!report) {
    fs.mkdirSync(CFG.out, { recursive: true });
    const logFile = path.join(CFG.out, 'measure.log');
    console.log(`  ${CFG.clients.join(', ')}; ${CFG.runs} run(s) per scenario and client, fresh profile each; figures are medians; logs and JSON in ${CFG.out}`);
    for (const sc of CFG.scenarios) {
      for (const c of CFG.clients) {
        const t0 = Date.now();
        const code = await runMeasure(c, sc, logFile);
        const secs = ((Date.now() - t0) / 1000).toFixed(0);
        console.log(`  measured ${sc.padEnd(8)} ${c.padEnd(9)} ${secs.padStart(4)} s${code ? `  (measure.mjs exit ${code}; see measure.log)` : ''}`);
      }
    }
    // failed runs, from the JSON files
    for (const sc of CFG.scenarios) {
      for (const [c, { res }] of Object.entries(load(sc))) {
        const errs = JSON.stringify(res.scenarios[sc]).match(/"error":"[^"]{0,160}/g) || [];
        for (const e of new Set(errs)) console.log(`  note: ${sc}/${c} run failed: ${e.slice(9)}`);
        for (const [k, v] of Object.entries(res.errors || {})) console.log(`  note: ${k}/${c} failed: ${String(v).split('\n')[0]}`);
      }
    }
    console.log('');
  }
  const { text, md } = render();
  console.log(text);
  const first = Object.values(load(CFG.scenarios[0] || 'cold'))[0];
  const envLine = first ? `${first.res.env.chromium}, ${first.res.env.cpus}× ${first.res.env.cpu_model}, Prosody ${first.res.env.prosody}, load average at start ${first.res.env.loadavg_start.join(' / ')}` : '';
  fs.writeFileSync(path.join(CFG.out, 'compare.md'), `Runs per scenario and client: ${CFG.runs}. ${envLine}\n\n${md}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
