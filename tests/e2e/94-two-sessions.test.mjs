// Issue 3: the same account in two browsers (two contexts = separate
// IndexedDB, like two devices). Carbons (XEP-0280) show a message sent in one
// as alice's own in the other; an incoming message is unread in both; reading
// it in one clears the badge in the other (XEP-0333 displayed marker, carbon-
// copied to alice's other session).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName } from './lib/env.js';
import { withBrowser } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { connectPeer, makeContacts } from './lib/xmpp.js';
import { eventually, expectVisible } from './lib/wait.js';
import { ui, T, signIn, openChat, sendMessage, waitForMessage, receiptState } from './lib/ui.js';
import { sendMarkable, unreadBadge, autoReceipts } from './lib/delivery.js';

test('two sessions of one account: own messages, unread counts and read state stay in step', { timeout: 240_000 }, async (t) => {
  const alice = await prosody.newAccount('twin');
  const bob = await prosody.newAccount('twinpeer');
  await makeContacts(alice, bob);
  const pb = await connectPeer(bob);
  const stopReceipts = autoReceipts(pb);
  try {
    await withBrowser(t, async ({ open }) => {
      const s1 = await open('alice-1');
      const s2 = await open('alice-2');
      await signIn(s1.page, { address: alice.jid, password: alice.password });
      await signIn(s2.page, { address: alice.jid, password: alice.password });

      // Bob writes (markable, like a real client): unread in both sessions.
      const incoming = `from bob ${uniqueName('in')}`;
      await sendMarkable(pb, alice.jid, incoming);
      await expectVisible(unreadBadge(s1.page, bob.user, 1), { timeout: T.ui });
      await expectVisible(unreadBadge(s2.page, bob.user, 1), { timeout: T.ui });

      // Session 1 reads it: the badge goes in session 2 too, without opening it there.
      await openChat(s1.page, bob.user);
      await waitForMessage(s1.page, incoming);
      await eventually(async () => (await unreadBadge(s1.page, bob.user).count()) === 0,
        { timeout: T.ui, what: 'badge cleared in session 1' });
      await eventually(async () => (await unreadBadge(s2.page, bob.user).count()) === 0,
        { timeout: T.ui, what: 'badge cleared in session 2 (marker carbon)' });

      // Session 1 sends: bob gets it once; session 2 shows it as alice's own.
      const outgoing = `from alice-1 ${uniqueName('out')}`;
      await sendMessage(s1.page, outgoing);
      await pb.waitForChat(alice.jid, { body: outgoing });
      await openChat(s2.page, bob.user);
      const mine = await waitForMessage(s2.page, outgoing);
      const tick = await eventually(() => receiptState(mine), { timeout: T.ui, what: 'a tick on the carbon-copied own message' });
      assert.ok(['Sent', 'Delivered', 'Read'].includes(tick), `own message in session 2 has tick ${tick}`);
      // Both messages once each in session 2, in order.
      const texts = await ui.messages(s2.page).allInnerTexts();
      const idxIn = texts.findIndex((x) => x.includes(incoming));
      const idxOut = texts.findIndex((x) => x.includes(outgoing));
      assert.equal(texts.filter((x) => x.includes(incoming)).length, 1);
      assert.equal(texts.filter((x) => x.includes(outgoing)).length, 1);
      assert.ok(idxIn >= 0 && idxIn < idxOut, 'bob\'s message before alice\'s reply');
      // And it arrived at bob only once.
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(pb.stanzas.filter((st) => st.is('message') && st.getChildText('body') === outgoing).length, 1);
      // Session 2 opening the chat did not make bob's message unread again in session 1.
      assert.equal(await unreadBadge(s1.page, bob.user).count(), 0);
    });
  } finally {
    stopReceipts();
    await pb.stop();
  }
});
