// Issue 3 (never lose a message): the socket dies while messages are in
// flight. Alice's app talks to Prosody through a proxy the test controls;
// bob is an @xmpp/client peer that answers receipts. Every message arrives
// exactly once, in order; every own message ends Delivered or Read.
//
// "Exactly once" is checked on the wire (bob's stanzas), which is strict:
// the proxy only drops the TCP connection, Prosody keeps the session for
// XEP-0198 resumption (smacks_hibernation_time = 60 s), and <resumed h=…/>
// tells the app which stanzas the server already has, so nothing needs to be
// sent twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, uniqueName } from './lib/env.js';
import { withBrowser } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { connectPeer, makeContacts } from './lib/xmpp.js';
import { startProxy } from './lib/proxy.js';
import { signIn, openChat, waitOnline } from './lib/ui.js';
import {
  messageRun, typeMessages, waitLogComplete, waitTicks, autoReceipts, waitReceivedAll,
  assertExactlyOnceInOrder, waitNotOnline, logNumbers, tickCounts,
} from './lib/delivery.js';

async function setup(t, fn) {
  const alice = await prosody.newAccount('cut');
  const bob = await prosody.newAccount('cutpeer');
  await makeContacts(alice, bob);
  const proxy = await startProxy(env.httpPort);
  const pb = await connectPeer(bob);
  const stop = autoReceipts(pb);
  try {
    await withBrowser(t, async ({ open }) => {
      const s = await open('alice');
      await signIn(s.page, { address: alice.jid, password: alice.password, server: proxy.wsUrl });
      await openChat(s.page, bob.user);
      await fn({ page: s.page, alice, bob, proxy, pb });
    });
  } finally {
    stop();
    await pb.stop();
    await proxy.close();
  }
}

test('socket cut while 20 messages are in flight: all arrive once, in order, and end Delivered', { timeout: 240_000 }, async (t) => {
  await setup(t, async ({ page, alice, proxy, pb }) => {
    const run = messageRun(uniqueName('cut'), 20);
    const before = proxy.stats().accepted;
    // On loopback a message is through the proxy within a millisecond, so
    // "in flight" is made explicit: 5 go through normally; the next 5 are
    // written to a socket whose bytes are being dropped (blackhole: they left
    // the app but the server never sees them), then the connection is cut;
    // the last 10 are typed straight away, while the app notices and
    // reconnects. Only XEP-0198 (unacked stanzas resent on resume / rebind)
    // brings #06-#10 through.
    await typeMessages(page, run.bodies.slice(0, 5));
    proxy.blackhole();
    await typeMessages(page, run.bodies.slice(5, 10));
    await new Promise((r) => setTimeout(r, 300)); // they have left the app
    proxy.cut();
    proxy.release();
    await typeMessages(page, run.bodies.slice(10));

    // Alice sees her 20 messages once each, in order, at once (from her own state).
    assertExactlyOnceInOrder(await waitLogComplete(page, run), 20, "alice's log");

    // The app reconnects (and resumes) by itself.
    await waitOnline(page, 90_000);
    assert.ok(proxy.stats().accepted > before, 'the app opened a new connection after the cut');

    // Bob gets each message exactly once, in order.
    assertExactlyOnceInOrder(await waitReceivedAll(pb, alice.jid, run), 20, 'bob (on the wire)');

    // Every own message ends Delivered (bob's receipts) or Read; none Pending/Sent/Failed.
    await waitTicks(page, run, { states: ['Delivered', 'Read'], timeout: 60_000 });
    assertExactlyOnceInOrder(await logNumbers(page, run), 20, "alice's log at the end");
  });
});

test('a silently dead connection (blackhole) is found by ping; queued messages arrive once after it', { timeout: 300_000 }, async (t) => {
  await setup(t, async ({ page, alice, proxy, pb }) => {
    const run = messageRun(uniqueName('dead'), 10);
    await typeMessages(page, run.bodies.slice(0, 5));
    await waitReceivedAll(pb, alice.jid, { ...run, n: 5 }, { settle: 0 });
    // Their receipts are back too, before the network dies.
    await waitTicks(page, { ...run, n: 5 });

    // The network dies without TCP noticing: only the app's keepalive finds out.
    proxy.blackhole();
    await typeMessages(page, run.bodies.slice(5));
    const status = await waitNotOnline(page, { timeout: 180_000 });
    t.diagnostic(`Connection after the dead socket was found: ${status}`);
    // Nothing typed after the blackhole can have been confirmed by the server.
    const c = await tickCounts(page, run);
    assert.equal(c.Delivered + c.Read, 5, `only the first 5 are Delivered/Read while dead: ${JSON.stringify(c)}`);

    proxy.release();
    await waitOnline(page, 120_000);
    assertExactlyOnceInOrder(await waitReceivedAll(pb, alice.jid, run), 10, 'bob (on the wire)');
    await waitTicks(page, run, { states: ['Delivered', 'Read'], timeout: 60_000 });
    assertExactlyOnceInOrder(await logNumbers(page, run), 10, "alice's log");
  });
});
