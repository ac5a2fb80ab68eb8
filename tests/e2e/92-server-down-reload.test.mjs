// Issue 3 (never lose a message): messages typed while the server is down
// survive a page reload (they are in IndexedDB, shown Pending) and go out
// exactly once, in order, when the server is back; the ticks advance.
import { test } from 'node:test';
import { uniqueName } from './lib/env.js';
import { withBrowser } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { connectPeer, makeContacts } from './lib/xmpp.js';
import { expectText, expectVisible } from './lib/wait.js';
import { ui, T, signIn, openChat, waitOnline } from './lib/ui.js';
import {
  messageRun, typeMessages, waitLogComplete, waitTicks, autoReceipts, waitReceivedAll,
  assertExactlyOnceInOrder,
} from './lib/delivery.js';

test('10 messages typed while Prosody is down survive a reload and are delivered once when it is back', { timeout: 300_000 }, async (t) => {
  const alice = await prosody.newAccount('down');
  const bob = await prosody.newAccount('downpeer');
  await makeContacts(alice, bob);
  const run = messageRun(uniqueName('down'), 10);

  await withBrowser(t, async ({ open }) => {
    const s = await open('alice');
    await signIn(s.page, { address: alice.jid, password: alice.password, remember: true });
    await openChat(s.page, bob.user);

    let pb = null;
    let stopReceipts = () => {};
    await prosody.stop();
    try {
      await expectText(ui.connection(s.page), /Offline|Connecting/, { timeout: 60_000, what: 'Connection: Offline/Connecting' });
      await typeMessages(s.page, run.bodies);
      assertExactlyOnceInOrder(await waitLogComplete(s.page, run), 10, 'log before the reload');
      await waitTicks(s.page, run, { states: ['Pending'] });

      // Reload while still offline: the remembered session, the chat and the
      // 10 Pending messages come back from IndexedDB.
      await s.page.reload();
      await expectVisible(ui.chats(s.page), { timeout: T.ui });
      await expectText(ui.connection(s.page), /Offline|Connecting/, { timeout: T.ui });
      await openChat(s.page, bob.user);
      assertExactlyOnceInOrder(await waitLogComplete(s.page, run), 10, 'log after the reload');
      await waitTicks(s.page, run, { states: ['Pending'] });
    } finally {
      await prosody.start();
    }
    // Bob is online (answering receipts) by the time alice's back-off retries.
    pb = await connectPeer(bob);
    stopReceipts = autoReceipts(pb);
    try {
      await waitOnline(s.page, 120_000);
      assertExactlyOnceInOrder(await waitReceivedAll(pb, alice.jid, run), 10, 'bob (on the wire)');
      await waitTicks(s.page, run, { states: ['Delivered', 'Read'], timeout: 60_000 });
      assertExactlyOnceInOrder(await waitLogComplete(s.page, run), 10, 'log at the end');
    } finally {
      stopReceipts();
      await pb.stop();
    }
  });
});
