// The chat list and composer as a person uses them: unread counts, ordering
// by last activity, previews, Shift+Enter for a new line, day separators.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { connectPeer, makeContacts, xml } from './lib/xmpp.js';
import { eventually, expectVisible } from './lib/wait.js';
import { ui, T, signIn, openChat, waitForMessage } from './lib/ui.js';

test('chats are ordered by last activity and count unread messages until opened', { timeout: 180_000 }, async (t) => {
  const me = await prosody.newAccount('list');
  const ann = await prosody.newAccount('ann');
  const ben = await prosody.newAccount('ben');
  await makeContacts(me, ann);
  await makeContacts(me, ben);
  const pa = await connectPeer(ann);
  const pb = await connectPeer(ben);
  try {
    await withBrowser(t, async ({ open }) => {
      const s = await open('list');
      await signIn(s.page, { address: me.jid, password: me.password });
      await expectVisible(ui.chat(s.page, ann.user));
      await expectVisible(ui.chat(s.page, ben.user));

      await pa.sendChat(me.jid, 'ann one');
      await pa.sendChat(me.jid, 'ann two');
      await expectVisible(ui.chat(s.page, ann.user).filter({ hasText: '2' }), { timeout: T.ui });
      // Servers stamp delayed messages (XEP-0203) to the second: let ben's
      // message be later than ann's by more than that rounding.
      await new Promise((r) => setTimeout(r, 1_500));
      await pb.sendChat(me.jid, 'ben latest');
      const order = async () => (await ui.chats(s.page).getByRole('button').allInnerTexts()).map((x) => x.replace(/\s+/g, ' '));
      await eventually(async () => {
        const o = await order();
        return o.length >= 2 && o[0].includes(ben.user) && o[0].includes('ben latest') && o[1].includes(ann.user);
      }, { timeout: T.ui, what: 'ben on top with his preview, then ann' });
      const annRow = ui.chat(s.page, ann.user);
      assert.equal(await annRow.getByLabel('2 unread').count(), 1, 'ann shows 2 unread');

      await openChat(s.page, ann.user);
      await waitForMessage(s.page, 'ann two');
      await eventually(async () => (await annRow.getByLabel(/unread/).count()) === 0,
        { timeout: T.ui, what: 'unread count cleared on open' });
      // A day separator heads today's messages.
      await expectVisible(ui.log(s.page).getByRole('separator', { name: 'Today' }));
    });
  } finally {
    await pa.stop();
    await pb.stop();
  }
});

test('Shift+Enter makes a new line and Enter sends both lines as one message', { timeout: 120_000 }, async (t) => {
  const me = await prosody.newAccount('multi');
  const pal = await prosody.newAccount('pal');
  await makeContacts(me, pal);
  const peer = await connectPeer(pal);
  try {
    await withBrowser(t, async ({ open }) => {
      const s = await open('multi');
      await signIn(s.page, { address: me.jid, password: me.password });
      await openChat(s.page, pal.user);
      const box = ui.composer(s.page);
      await box.click();
      await box.pressSequentially('first line');
      await box.press('Shift+Enter');
      await box.pressSequentially('second line');
      assert.equal(await box.inputValue(), 'first line\nsecond line');
      await box.press('Enter');
      const got = await peer.waitForChat(me.jid, { body: 'first line\nsecond line' });
      assert.ok(got.getChild('origin-id', 'urn:xmpp:sid:0'));
      await waitForMessage(s.page, 'second line');
      assert.equal(await box.inputValue(), '', 'the composer is empty after sending');
    });
  } finally {
    await peer.stop();
  }
});

test("contacts' presence shows as online, away and offline; a declined request is refused", { timeout: 120_000 }, async (t) => {
  const me = await prosody.newAccount('pres');
  const mate = await prosody.newAccount('mate');
  const stranger = await prosody.newAccount('stranger');
  await makeContacts(me, mate);
  await withBrowser(t, async ({ open }) => {
    const s = await open('pres');
    await signIn(s.page, { address: me.jid, password: me.password });
    const row = ui.chat(s.page, mate.user);
    await expectVisible(row.filter({ hasText: 'offline' }), { timeout: T.ui });
    const peer = await connectPeer(mate);
    try {
      await expectVisible(row.filter({ hasText: 'online' }), { timeout: T.ui });
      await peer.send(xml('presence', {}, xml('show', {}, 'away')));
      await expectVisible(row.filter({ hasText: 'away' }), { timeout: T.ui });
    } finally {
      await peer.stop();
    }
    await expectVisible(row.filter({ hasText: 'offline' }), { timeout: T.ui });

    // A stranger asks; Decline answers with "unsubscribed".
    const asker = await connectPeer(stranger, { acceptSubscriptions: false });
    try {
      await asker.roster(); // a resource that fetched its roster gets roster-related presence (RFC 6121)
      await asker.subscribe(me.jid);
      await ui.decline(s.page).click({ timeout: T.ui });
      await asker.waitFor((st) => st.is('presence') && st.attrs.type === 'unsubscribed', { what: 'unsubscribed' });
      assert.equal(await ui.decline(s.page).count(), 0, 'the request is gone');
    } finally {
      await asker.stop();
    }
  });
});
