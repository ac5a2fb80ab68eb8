// Self-check of the end-to-end harness, independent of Confab's UI: the
// static server, the browser, the test Prosody (incl. restart on the same
// data dir) and the @xmpp/client peer all work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env } from './lib/env.js';
import { appUrl, withBrowser } from './lib/browser.js';
import { prosody, portOpen } from './lib/prosody.js';
import { connectPeer, makeContacts, bare } from './lib/xmpp.js';

test('the built app is served: index.html, JS and wasm (application/wasm)', async () => {
  const res = await fetch(env.appBase);
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /<title>Confab<\/title>/);
  const wasm = html.match(/["']([^"']+_bg\.wasm)["']/);
  assert.ok(wasm, 'index.html references the wasm module');
  const w = await fetch(new URL(wasm[1], env.appBase));
  assert.equal(w.status, 200);
  assert.equal(w.headers.get('content-type'), 'application/wasm');
  const bytes = new Uint8Array(await w.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 4)], [0x00, 0x61, 0x73, 0x6d], 'wasm magic');
});

test('the page loads in headless Chromium, the wasm starts, and it can reach Prosody over WebSocket', { timeout: 90_000 }, async (t) => {
  await withBrowser(t, async ({ open }) => {
    const s = await open('app');
    await s.page.goto(appUrl());
    assert.equal(await s.page.title(), 'Confab');
    // index.html's boot placeholder goes away once Trunk reports the app started
    // (it would turn into an error text if the module failed to load).
    await s.page.locator('#confab-boot').waitFor({ state: 'detached', timeout: 30_000 });
    // A WebSocket from the app's origin to the test Prosody gets stream features.
    const features = await s.page.evaluate(async (url) => new Promise((resolve, reject) => {
      const ws = new WebSocket(url, 'xmpp');
      const timer = setTimeout(() => reject(new Error('no stream features within 10 s')), 10_000);
      ws.onopen = () => ws.send("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>");
      ws.onmessage = (m) => { if (String(m.data).includes('stream:features')) { clearTimeout(timer); ws.close(); resolve(String(m.data)); } };
      ws.onerror = () => reject(new Error('websocket error'));
    }), env.wsUrl);
    assert.match(features, /SCRAM-SHA-1/);
    assert.match(features, /jabber:iq:register|register/);
  });
});

test('@xmpp/client accounts connect, exchange a message, and survive a Prosody restart', { timeout: 90_000 }, async () => {
  const a = await prosody.newAccount('harness_a');
  const b = await prosody.newAccount('harness_b');
  let pa = await connectPeer(a);
  let pb = await connectPeer(b);
  try {
    await pa.sendChat(pb.jid, 'ping from a');
    const msg = await pb.waitForChat(pa.jid, { body: 'ping from a', timeout: 10_000 });
    assert.equal(bare(msg.attrs.from), pa.jid);

    await pa.stop(); await pb.stop();
    await prosody.restart();
    assert.ok(await portOpen(env.c2sPort), 'c2s port answers after restart');
    assert.ok(await portOpen(env.httpPort), 'http port answers after restart');
    // Accounts live in the data dir, so they survive the restart.
    pa = await connectPeer(a);
    pb = await connectPeer(b);
    await pb.sendChat(pa.jid, 'pong from b');
    await pa.waitForChat(pb.jid, { body: 'pong from b', timeout: 10_000 });
  } finally {
    await pa.stop(); await pb.stop();
  }
});

test('makeContacts gives two accounts a mutual subscription (set-up used by UI tests)', { timeout: 60_000 }, async () => {
  const a = await prosody.newAccount('harness_c');
  const b = await prosody.newAccount('harness_d');
  await makeContacts(a, b);
  const pa = await connectPeer(a, { acceptSubscriptions: false });
  try {
    assert.equal(await pa.subscription(b.jid), 'both');
  } finally {
    await pa.stop();
  }
});
