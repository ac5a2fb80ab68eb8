// The fault-injecting proxy (lib/proxy.js) itself: cut / hold / blackhole,
// seen by a raw TCP XMPP client (c2s port) and by a browser WebSocket
// (HTTP port, /xmpp-websocket), the way the app will see them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { env } from './lib/env.js';
import { launchBrowser } from './lib/browser.js';
import { startProxy } from './lib/proxy.js';
import { eventually } from './lib/wait.js';

const STREAM = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' " +
  "xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";

/** A raw TCP client: collects what it receives, records when it closed. */
function tcpClient(port) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const c = { sock, text: '', closedAt: null, error: null };
    c.closed = new Promise((res) => sock.on('close', () => { c.closedAt = Date.now(); res(); }));
    sock.on('data', (d) => { c.text += d.toString('utf8'); });
    sock.on('error', (e) => { c.error = e; });
    sock.once('connect', () => resolve(c));
    sock.once('error', reject);
  });
}

async function streamOpens(c, timeout = 5_000) {
  c.sock.write(STREAM);
  await eventually(() => c.text.includes('<stream:features'), { timeout, what: 'stream features through the proxy' });
}

const within = (p, ms, what) => Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(`${what} not within ${ms} ms`)), ms))]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('TCP: pass-through, cut, hold/release and blackhole', { timeout: 60_000 }, async () => {
  const p = await startProxy(env.c2sPort);
  try {
    // Pass-through: a full stream header round trip.
    const a = await tcpClient(p.port);
    await streamOpens(a);
    assert.equal(p.connections(), 1);

    // cut(): the client sees its socket close (reset) at once; new connections work.
    const t0 = Date.now();
    p.cut();
    await within(a.closed, 1_000, 'close after cut()');
    assert.ok(a.closedAt - t0 < 1_000);
    assert.equal(p.connections(), 0);
    const b = await tcpClient(p.port);
    await streamOpens(b);

    // hold(): the open connection is cut; a new one is closed at once, unanswered.
    p.hold();
    await within(b.closed, 1_000, 'close of the open connection on hold()');
    const c = await tcpClient(p.port).catch(() => null); // accepted and reset (or refused)
    if (c) {
      c.sock.write(STREAM);
      await within(c.closed, 1_000, 'close of a new connection while held');
      assert.equal(c.text, '', 'nothing is answered while held');
    }
    assert.equal(p.connections(), 0);
    assert.ok(p.stats().refused >= 1);
    p.release();
    const d = await tcpClient(p.port);
    await streamOpens(d);

    // blackhole(): the connection stays open, but nothing gets through either way.
    p.blackhole();
    const before = d.text.length;
    d.sock.write("<iq type='get' id='bh1'><ping xmlns='urn:xmpp:ping'/></iq>");
    await sleep(1_500);
    assert.equal(d.text.length, before, 'no bytes come back through a blackhole');
    assert.equal(d.closedAt, null, 'the socket is still open');
    assert.equal(p.connections(), 1);
    // A new connection during the blackhole is accepted and silent too.
    const e = await tcpClient(p.port);
    e.sock.write(STREAM);
    await sleep(1_000);
    assert.equal(e.text, '');
    assert.equal(e.closedAt, null);
    // The client giving up on a dead socket frees the proxy's (and the server's) side.
    d.sock.destroy();
    await eventually(() => p.connections() === 1, { timeout: 3_000, what: 'proxy side closed with the client' });
    // release(): the remaining blackholed connection is reset; new ones work.
    p.release();
    await within(e.closed, 1_000, 'blackholed connection reset on release()');
    const f = await tcpClient(p.port);
    await streamOpens(f);
    f.sock.destroy();
  } finally {
    await p.close();
  }
});

test('TCP: Prosody unreachable behind the proxy looks like a refused connection', { timeout: 30_000 }, async () => {
  const dead = net.createServer();
  await new Promise((r) => dead.listen(0, '127.0.0.1', r));
  const deadPort = dead.address().port;
  await new Promise((r) => dead.close(r));
  const p = await startProxy(deadPort);
  try {
    const c = await tcpClient(p.port).catch(() => null);
    if (c) await within(c.closed, 1_000, 'close when the target is down');
    assert.equal(p.connections(), 0);
  } finally {
    await p.close();
  }
});

test('browser WebSocket through the proxy: cut and hold close it at once, blackhole keeps it silent', { timeout: 90_000 }, async () => {
  const p = await startProxy(env.httpPort);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    // A page of the (loopback) app server, not about:blank: Chromium's local
    // network access checks block ws://127.0.0.1 from about:blank. Any path
    // will do (a 404 page has the origin too), and the app does not start.
    await page.goto(new URL('proxy-probe-not-found', env.appBase).href);
    // A tiny XMPP-over-WebSocket probe living in the page.
    await page.evaluate(() => {
      window.probe = (url) => new Promise((resolve) => {
        const ws = new WebSocket(url, ['xmpp']);
        const s = { ws, text: '', openedAt: null, closedAt: null, code: null, error: false };
        ws.onopen = () => {
          s.openedAt = performance.now();
          ws.send('<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="localhost" version="1.0"/>');
        };
        ws.onmessage = (ev) => { s.text += ev.data; };
        ws.onerror = () => { s.error = true; };
        ws.onclose = (ev) => { s.closedAt = performance.now(); s.code = ev.code; resolve(s); };
        window.probes = window.probes || [];
        window.probes.push(s);
      });
      window.probeState = (i) => {
        const s = window.probes[i];
        return { text: s.text, open: s.ws.readyState === 1, openedAt: s.openedAt, closedAt: s.closedAt, code: s.code, error: s.error };
      };
    });
    const start = (i) => page.evaluate((url) => { window.probe(url); return window.probes.length - 1; }, p.wsUrl)
      .then((idx) => { assert.equal(idx, i); return idx; });
    const state = (i) => page.evaluate((k) => window.probeState(k), i);
    const now = () => page.evaluate(() => performance.now());

    // Pass-through: the WebSocket opens and the stream features arrive.
    await start(0);
    await eventually(async () => (await state(0)).text.includes('features'), { timeout: 10_000, what: 'WebSocket stream features' });

    // cut(): the page sees the socket close abnormally (1006) within a second.
    let t0 = await now();
    p.cut();
    await eventually(async () => (await state(0)).closedAt !== null, { timeout: 2_000, what: 'WebSocket closed after cut()' });
    let s = await state(0);
    assert.equal(s.code, 1006);
    assert.ok(s.closedAt - t0 < 1_000, `closed ${Math.round(s.closedAt - t0)} ms after cut()`);

    // hold(): a new WebSocket fails at once (never opens).
    p.hold();
    t0 = await now();
    await start(1);
    await eventually(async () => (await state(1)).closedAt !== null, { timeout: 2_000, what: 'WebSocket failed while held' });
    s = await state(1);
    assert.equal(s.openedAt, null, 'never opened while held');
    assert.ok(s.closedAt - t0 < 1_000, `failed ${Math.round(s.closedAt - t0)} ms after the attempt`);

    // release(): works again.
    p.release();
    await start(2);
    await eventually(async () => (await state(2)).text.includes('features'), { timeout: 10_000, what: 'features after release()' });

    // blackhole(): stays open, nothing comes back.
    p.blackhole();
    const before = (await state(2)).text.length;
    await page.evaluate(() => window.probes[2].ws.send("<iq xmlns='jabber:client' type='get' id='bh'><ping xmlns='urn:xmpp:ping'/></iq>"));
    await sleep(1_500);
    s = await state(2);
    assert.equal(s.text.length, before, 'nothing comes back through a blackhole');
    assert.ok(s.open, 'the WebSocket is still open');
    assert.equal(p.connections(), 1);
    // release(): the dead connection is reset (the page sees it close), new ones work.
    p.release();
    await eventually(async () => (await state(2)).closedAt !== null, { timeout: 2_000, what: 'blackholed WebSocket closed on release()' });
    assert.equal(p.connections(), 0);
    await start(3);
    await eventually(async () => (await state(3)).text.includes('features'), { timeout: 10_000, what: 'features after the blackhole' });
  } finally {
    await browser.close().catch(() => {});
    await p.close();
  }
});
