// Issue 3, privacy of ticks: receipts (XEP-0184) and read markers (XEP-0333)
// go to people who are not contacts only when the user allows it in
// Settings, and read markers not at all when "Send read receipts" is off.
// Checked on the wire, with @xmpp/client peers as the senders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName } from './lib/env.js';
import { withBrowser } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { connectPeer, makeContacts, bare } from './lib/xmpp.js';
import { expectVisible } from './lib/wait.js';
import { ui, T, signIn, openChat, waitForMessage } from './lib/ui.js';
import { sendMarkable } from './lib/delivery.js';

const RECEIPTS = 'urn:xmpp:receipts';
const MARKERS = 'urn:xmpp:chat-markers:0';

/** Answers of `kind` ('received' | 'displayed') that `peer` got from `from`. */
function answers(peer, from, kind, ns) {
  return peer.stanzas.filter((st) => st.is('message') && bare(st.attrs.from) === from && st.getChild(kind, ns));
}

const settle = (ms) => new Promise((r) => setTimeout(r, ms));

async function setCheckbox(page, name, on) {
  await ui.settingsButton(page).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await expectVisible(dialog, { timeout: T.ui });
  const box = dialog.getByRole('checkbox', { name });
  if ((await box.isChecked()) !== on) await box.setChecked(on);
  assert.equal(await box.isChecked(), on);
  await dialog.getByRole('button', { name: 'Close' }).click();
}

test('no receipts or read markers to a stranger until Settings allows them', { timeout: 180_000 }, async (t) => {
  const alice = await prosody.newAccount('priv');
  const carol = await prosody.newAccount('stranger');
  const pc = await connectPeer(carol);
  try {
    await withBrowser(t, async ({ open }) => {
      const s = await open('alice');
      await signIn(s.page, { address: alice.jid, password: alice.password });

      const first = `hello from a stranger ${uniqueName('a')}`;
      await sendMarkable(pc, alice.jid, first);
      await openChat(s.page, carol.user);
      await waitForMessage(s.page, first);
      await settle(2_000);
      assert.equal(answers(pc, alice.jid, 'received', RECEIPTS).length, 0, 'no delivery receipt to a stranger');
      assert.equal(answers(pc, alice.jid, 'displayed', MARKERS).length, 0, 'no read marker to a stranger');

      await setCheckbox(s.page, 'Send receipts to people not in my contacts', true);
      const second = `again ${uniqueName('b')}`;
      await sendMarkable(pc, alice.jid, second);
      await waitForMessage(s.page, second);
      // The chat is open and visible: a receipt and a read marker come back.
      await pc.waitFor((st) => st.is('message') && st.getChild('received', RECEIPTS), { timeout: T.ui, what: 'receipt once allowed' });
      await pc.waitFor((st) => st.is('message') && st.getChild('displayed', MARKERS), { timeout: T.ui, what: 'read marker once allowed' });
    });
  } finally {
    await pc.stop();
  }
});

test('"Send read receipts" off: delivery receipts still go, read markers do not; the choice survives a reload', { timeout: 180_000 }, async (t) => {
  const alice = await prosody.newAccount('priv2');
  const bob = await prosody.newAccount('friend');
  await makeContacts(alice, bob);
  const pb = await connectPeer(bob);
  try {
    await withBrowser(t, async ({ open }) => {
      const s = await open('alice');
      await signIn(s.page, { address: alice.jid, password: alice.password, remember: true });
      await setCheckbox(s.page, 'Send read receipts', false);

      const body = `read me ${uniqueName('r')}`;
      await sendMarkable(pb, alice.jid, body);
      await openChat(s.page, bob.user);
      await waitForMessage(s.page, body);
      await pb.waitFor((st) => st.is('message') && st.getChild('received', RECEIPTS), { timeout: T.ui, what: 'delivery receipt from a contact' });
      await settle(2_000);
      assert.equal(answers(pb, alice.jid, 'displayed', MARKERS).length, 0, 'no read marker with read receipts off');

      await s.page.reload();
      await expectVisible(ui.chats(s.page), { timeout: T.ui });
      await ui.settingsButton(s.page).click();
      const dialog = s.page.getByRole('dialog', { name: 'Settings' });
      assert.equal(await dialog.getByRole('checkbox', { name: 'Send read receipts' }).isChecked(), false, 'still off after a reload');
      assert.equal(await dialog.getByRole('checkbox', { name: 'Send receipts to people not in my contacts' }).isChecked(), false);
    });
  } finally {
    await pb.stop();
  }
});
