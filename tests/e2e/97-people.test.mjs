// Issue 4, typing and people: "typing…" shows while the other side types
// (XEP-0085), an offline contact shows when it was last seen (XEP-0012), and
// a blocked address's messages never appear (XEP-0191).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName } from './lib/env.js';
import { withBrowser } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { connectPeer, makeContacts } from './lib/xmpp.js';
import { eventually, expectText, expectVisible } from './lib/wait.js';
import { ui, T, signIn, openChat, waitForMessage } from './lib/ui.js';
import { sendMarkable } from './lib/delivery.js';

const header = (page) => page.getByRole('region', { name: /^Chat with / }).locator('header');

test('typing shows on the other side, in the chat and in the chat list, and stops', { timeout: 180_000 }, async (t) => {
  const alice = await prosody.newAccount('typa');
  const bob = await prosody.newAccount('typb');
  await makeContacts(alice, bob);
  await withBrowser(t, async ({ open }) => {
    const a = await open('alice');
    const b = await open('bob');
    await signIn(a.page, { address: alice.jid, password: alice.password });
    await signIn(b.page, { address: bob.jid, password: bob.password });
    await openChat(a.page, bob.user);
    await openChat(b.page, alice.user);

    await ui.composer(b.page).pressSequentially('hello the');
    await expectText(header(a.page), /typing/, { timeout: T.ui, what: 'typing in the chat header' });
    await expectText(ui.chat(a.page, bob.user), /typing/, { timeout: T.ui, what: 'typing in the chat list' });

    // Clearing the draft stops it at once.
    await ui.composer(b.page).fill('');
    await ui.composer(b.page).press('Backspace');
    await eventually(async () => !/typing/.test(await header(a.page).innerText()), { timeout: T.ui, what: 'typing gone after clearing' });

    // Typing again, then sending: the message ends it.
    await ui.composer(b.page).pressSequentially('hi');
    await expectText(header(a.page), /typing/, { timeout: T.ui });
    await ui.composer(b.page).press('Enter');
    await waitForMessage(a.page, 'hi');
    await eventually(async () => !/typing/.test(await header(a.page).innerText()), { timeout: T.ui, what: 'typing gone after the message' });
  });
});

test('an offline contact shows when it was last seen', { timeout: 120_000 }, async (t) => {
  const alice = await prosody.newAccount('seena');
  const bob = await prosody.newAccount('seenb');
  await makeContacts(alice, bob);
  const pb = await connectPeer(bob);
  await pb.stop();
  await withBrowser(t, async ({ open }) => {
    const a = await open('alice');
    await signIn(a.page, { address: alice.jid, password: alice.password });
    await openChat(a.page, bob.user);
    await expectText(header(a.page), /last seen today at \d\d:\d\d/, { timeout: T.ui, what: '"last seen today at hh:mm"' });
  });
});

test('a blocked address never shows messages; unblocking lets new ones through', { timeout: 180_000 }, async (t) => {
  const alice = await prosody.newAccount('blka');
  const carol = await prosody.newAccount('blkc');
  const pc = await connectPeer(carol);
  try {
    await withBrowser(t, async ({ open }) => {
      const a = await open('alice');
      await signIn(a.page, { address: alice.jid, password: alice.password, remember: true });
      const first = `first ${uniqueName('m')}`;
      await sendMarkable(pc, alice.jid, first);
      await openChat(a.page, carol.user);
      await waitForMessage(a.page, first);

      await a.page.getByRole('button', { name: 'Block', exact: true }).click();
      await expectVisible(a.page.getByRole('button', { name: 'Unblock', exact: true }), { timeout: T.ui });
      const hidden = `while blocked ${uniqueName('m')}`;
      await sendMarkable(pc, alice.jid, hidden);
      await new Promise((r) => setTimeout(r, 2_000));
      assert.equal(await ui.message(a.page, hidden).count(), 0, 'a blocked address\'s message does not show');

      // After a reload the block still holds (the server's list).
      await a.page.reload();
      await expectVisible(ui.chats(a.page), { timeout: T.ui });
      await openChat(a.page, carol.user);
      await expectVisible(a.page.getByRole('button', { name: 'Unblock', exact: true }), { timeout: T.connect });
      assert.equal(await ui.message(a.page, hidden).count(), 0);

      await a.page.getByRole('button', { name: 'Unblock', exact: true }).click();
      await expectVisible(a.page.getByRole('button', { name: 'Block', exact: true }), { timeout: T.ui });
      const after = `after unblocking ${uniqueName('m')}`;
      await sendMarkable(pc, alice.jid, after);
      await waitForMessage(a.page, after);
      assert.equal(await ui.message(a.page, hidden).count(), 0, 'what came while blocked stays away');
    });
  } finally {
    await pc.stop();
  }
});

test('contact details show the address and presence sharing; Remove contact ends both subscriptions', { timeout: 120_000 }, async (t) => {
  const alice = await prosody.newAccount('deta');
  const bob = await prosody.newAccount('detb');
  await makeContacts(alice, bob);
  const pb = await connectPeer(bob);
  try {
    await withBrowser(t, async ({ open }) => {
      const a = await open('alice');
      await signIn(a.page, { address: alice.jid, password: alice.password });
      await openChat(a.page, bob.user);
      await a.page.getByRole('button', { name: 'Details', exact: true }).click();
      const details = a.page.getByRole('region', { name: 'Contact details' });
      await expectText(details, new RegExp(bob.jid.replace(/[.]/g, '\\.')), { timeout: T.ui });
      await expectText(details, /You see each other's presence/, { timeout: T.ui });
      await details.getByRole('button', { name: 'Remove contact', exact: true }).click();
      await expectText(details, /Not in your contacts/, { timeout: T.ui, what: 'removed from the roster' });
      await eventually(async () => (await pb.subscription(alice.jid)) === 'none',
        { timeout: T.ui, what: "bob no longer subscribed with alice" });
    });
  } finally {
    await pb.stop();
  }
});
