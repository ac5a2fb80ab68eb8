// Issue 3 (never lose a message): 50 messages to a recipient who is offline
// (never signed in in the app yet) are all there, once each and in order,
// when they sign in; the sender's ticks go Delivered when the recipient's app
// has them, and Read once the chat is opened.
//
// Bob's app gets these messages twice from the server (Prosody's offline
// storage at initial presence AND the archive catch-up), so this is also the
// de-duplication test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName } from './lib/env.js';
import { withBrowser } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { makeContacts } from './lib/xmpp.js';
import { eventually, expectVisible } from './lib/wait.js';
import { ui, T, signIn, openChat, waitOnline } from './lib/ui.js';
import {
  messageRun, typeMessages, waitLogComplete, waitTicks, tickCounts, unreadBadge,
  assertExactlyOnceInOrder,
} from './lib/delivery.js';

test('50 messages to an offline contact: all shown once and in order on sign-in; Delivered, then Read on open', { timeout: 300_000 }, async (t) => {
  const alice = await prosody.newAccount('offs');
  const bob = await prosody.newAccount('offr');
  await makeContacts(alice, bob);
  const run = messageRun(uniqueName('off'), 50);

  await withBrowser(t, async ({ open }) => {
    const a = await open('alice');
    await signIn(a.page, { address: alice.jid, password: alice.password });
    await openChat(a.page, bob.user);
    await typeMessages(a.page, run.bodies);
    assertExactlyOnceInOrder(await waitLogComplete(a.page, run), 50, "alice's log");
    // The server has them all (Sent); nobody could confirm delivery yet.
    await waitTicks(a.page, run, { states: ['Sent'], timeout: 60_000 });

    const b = await open('bob');
    await signIn(b.page, { address: bob.jid, password: bob.password });
    // Catch-up done: the chat with alice counts exactly 50 unread.
    await expectVisible(unreadBadge(b.page, alice.user, 50), { timeout: 90_000 });
    await waitOnline(b.page, 90_000);

    // Bob's app has them: XEP-0184 receipts make alice's ticks Delivered; not
    // Read, since bob has not looked at them.
    await waitTicks(a.page, run, { states: ['Delivered'], timeout: 60_000 });
    assert.equal((await tickCounts(a.page, run)).Read, 0, 'nothing is Read before bob opens the chat');

    await openChat(b.page, alice.user);
    // "New messages" precedes the first unread message, #01.
    const sep = await expectVisible(ui.log(b.page).getByRole('separator', { name: 'New messages' }), { timeout: T.ui });
    const first = ui.message(b.page, run.bodies[0]).first();
    assert.ok(await sep.evaluate((el, f) => !!(el.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING), await first.elementHandle()),
      '"New messages" comes before the first unread message');
    assertExactlyOnceInOrder(await waitLogComplete(b.page, run, { timeout: 60_000 }), 50, "bob's log");
    await eventually(async () => (await unreadBadge(b.page, alice.user).count()) === 0,
      { timeout: T.ui, what: 'unread badge cleared on open' });

    // Displayed markers: alice's ticks go Read.
    await waitTicks(a.page, run, { states: ['Read'], timeout: 60_000 });
    // Bob's app did not double anything while it marked them read.
    assertExactlyOnceInOrder(await waitLogComplete(b.page, run), 50, "bob's log at the end");
  });
});
