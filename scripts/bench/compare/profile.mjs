#!/usr/bin/env node
// Diagnosis aid (not part of the bench output): a CPU profile of one Confab
// scenario of the comparison, summarised by function (self time). Run it with
// the harness Prosody up and the fixtures made (compare.sh leaves neither, so:
//   HARNESS_C2S_PORT=.. HARNESS_HTTP_PORT=.. bash fixtures.sh   first), and a
// Confab build whose wasm keeps its function names for readable output
// (`cargo build --release --target wasm32-unknown-unknown` then
// `wasm-bindgen --target web --keep-debug --out-dir D` and an index.html that
// loads D/confab.js; Trunk's release build strips the names).
//
//   node profile.mjs --app http://127.0.0.1:PORT/index.html --user roster200|alice
//                    [--top 40] [--seconds 8] [--frames N]   (N: print the first N websocket frames)
//
// Signs in as --user (fresh profile), profiles from navigation until the
// network has been quiet for a second (max --seconds), prints the top
// functions by self time, the main-thread split (script / layout / style) and
// how many DOM mutation records the chat list received.
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, 'converse', 'package.json'));
const { chromium } = require('playwright-core');
const arg = (k, d) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? process.argv[i + 1] : d; };
const app = arg('app'); const user = arg('user', 'roster200');
const top = Number(arg('top', 40)); const seconds = Number(arg('seconds', 8));
const ws = `ws://127.0.0.1:${process.env.HARNESS_HTTP_PORT || 15280}/xmpp-websocket`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-profile-'));
const ctx = await chromium.launchPersistentContext(dir, {
  executablePath: process.env.HARNESS_CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  viewport: { width: 1280, height: 800 },
});
await ctx.addInitScript(() => {
  window.__mut = 0;
  new MutationObserver((l) => { window.__mut += l.length; }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
});
const page = ctx.pages()[0] || await ctx.newPage();
const cdp = await ctx.newCDPSession(page);
let last = Date.now();
await cdp.send('Network.enable');
for (const e of ['Network.webSocketFrameReceived', 'Network.webSocketFrameSent', 'Network.loadingFinished']) cdp.on(e, () => { last = Date.now(); });
// websocket frames with the browser's own timestamps (seconds, monotonic)
const frames = [];
cdp.on('Network.webSocketWillSendHandshakeRequest', (e) => frames.push({ t: e.timestamp * 1000, dir: '--', p: 'websocket handshake' }));
cdp.on('Network.webSocketFrameSent', (e) => frames.push({ t: e.timestamp * 1000, dir: '->', p: e.response.payloadData || '' }));
cdp.on('Network.webSocketFrameReceived', (e) => frames.push({ t: e.timestamp * 1000, dir: '<-', p: e.response.payloadData || '' }));
await cdp.send('Performance.enable');
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
await page.goto(`${app}?server=${encodeURIComponent(ws)}`);
const address = page.getByRole('textbox', { name: 'Address', exact: true });
await address.fill(`${user}@localhost`);
await page.getByLabel('Password', { exact: true }).fill('pass');
await page.getByRole('button', { name: 'Sign in', exact: true }).click();
await page.getByRole('navigation', { name: 'Chats' }).waitFor();
const t0 = Date.now();
while (Date.now() - t0 < seconds * 1000 && Date.now() - last < 1000) await new Promise((r) => setTimeout(r, 100));
while (Date.now() - t0 < seconds * 1000 && Date.now() - last < 1000) await new Promise((r) => setTimeout(r, 100));
const { profile } = await cdp.send('Profiler.stop');
const { metrics } = await cdp.send('Performance.getMetrics');
const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
const mut = await page.evaluate(() => window.__mut);
const rows = await page.evaluate(() => document.querySelectorAll('nav[aria-label="Chats"] button').length);
await ctx.close();
fs.rmSync(dir, { recursive: true, force: true });

// self time per function from the samples
const dt = new Map();
for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], (dt.get(profile.samples[i]) || 0) + (profile.timeDeltas[i + 1] || 0));
const self = new Map();
let total = 0;
for (const n of profile.nodes) {
  const t = (dt.get(n.id) || 0) / 1000;
  if (!t) continue;
  const cf = n.callFrame;
  const kind = /^wasm:|\.wasm(\?|$)/.test(cf.url) || /wasm-function/.test(cf.functionName) ? 'wasm' : cf.url ? 'js' : '';
  const key = `${kind ? `[${kind}] ` : ''}${cf.functionName || '(anonymous)'}`;
  self.set(key, (self.get(key) || 0) + t);
  if (!/^\((idle|program)\)$/.test(cf.functionName)) total += t;
}
console.log(`user ${user}: ${rows} chat-list buttons; ${mut} DOM mutation records; main thread: script ${(m.ScriptDuration * 1000).toFixed(0)} ms, layout ${(m.LayoutDuration * 1000).toFixed(0)} ms, style ${(m.RecalcStyleDuration * 1000).toFixed(0)} ms, tasks ${(m.TaskDuration * 1000).toFixed(0)} ms`);
if (process.argv.includes('--frames')) {
  console.log('websocket frames (ms from the handshake, direction, start of the payload):');
  const t0f = frames.length ? frames[0].t : 0;
  for (const f of frames.slice(0, Number(arg('frames', 40)) || 40)) console.log(`  ${(f.t - t0f).toFixed(1).padStart(7)} ${f.dir} ${f.p.replace(/\s+/g, ' ').slice(0, 110)}`);
}
console.log(`profiled busy time (excl. idle/program) ${total.toFixed(0)} ms; top ${top} by self time:`);
for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${v.toFixed(1).padStart(8)} ms  ${k.slice(0, 150)}`);
