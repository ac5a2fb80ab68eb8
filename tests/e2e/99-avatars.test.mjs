// Issue 4, people: a photo and a nickname set in Settings show on the
// contact's side (XEP-0084, XEP-0172), are cached in IndexedDB by hash (they
// show after a reload with the network down), reach vCard-only clients
// (XEP-0153/XEP-0398 through Prosody's mod_vcard_legacy), and avatars that
// other clients publish, by PEP or by vCard, show in the app.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { env } from './lib/env.js';
import { connectPeer, makeContacts, xml } from './lib/xmpp.js';
import { eventually, expectText, expectVisible } from './lib/wait.js';
import { ui, T, signIn, openChat, isOnline } from './lib/ui.js';
import { startProxy } from './lib/proxy.js';
import { png, solid, sha1 } from './lib/png.js';
import { expectPicture } from './lib/avatars.js';

const AVATAR_DATA = 'urn:xmpp:avatar:data';
const AVATAR_METADATA = 'urn:xmpp:avatar:metadata';
const PUBSUB = 'http://jabber.org/protocol/pubsub';

const settings = (page) => page.getByRole('dialog', { name: 'Settings' });
const headerAvatar = (page) => page.getByRole('img', { name: /^Avatar of / });
const listAvatar = (page, who) => ui.chat(page, who).locator('.avatar');

/** The avatar hash `jid` announces in PEP (XEP-0084 metadata), via a peer. */
async function announcedHash(peer, jid) {
  const r = await peer.xmpp.iqCaller.get(
    xml('pubsub', { xmlns: PUBSUB }, xml('items', { node: AVATAR_METADATA })), jid);
  const info = r.getChild('items')?.getChild('item')?.getChild('metadata', AVATAR_METADATA)?.getChild('info');
  return info?.attrs ?? null;
}

test('a photo and nickname set in Settings show on the contact\'s side, from the cache after an offline reload, and to vCard clients', { timeout: 240_000 }, async (t) => {
  const alice = await prosody.newAccount('ava');
  const bob = await prosody.newAccount('avb');
  await makeContacts(alice, bob);
  const proxy = await startProxy(env.httpPort);
  // Bob's other client: a vCard-only one (XEP-0054/XEP-0153).
  const pb = await connectPeer(bob);
  try {
    await withBrowser(t, async ({ open }) => {
      const a = await open('alice');
      const b = await open('bob');
      await signIn(a.page, { address: alice.jid, password: alice.password });
      await signIn(b.page, { address: bob.jid, password: bob.password, server: proxy.wsUrl, remember: true });
      await expectVisible(ui.chat(b.page, alice.user), { timeout: T.ui });

      // A 96×64 picture: left half red, right half blue, cropped to the
      // centred 64×64 square (a blue-and-red square, centre pixel blue).
      const photo = png(96, 64, (x) => (x < 48 ? [220, 30, 30] : [20, 40, 210]));
      await ui.settingsButton(a.page).click();
      const dialog = settings(a.page);
      // A file that is not an image: a clear error, nothing published.
      await dialog.getByLabel('Choose photo').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('just text') });
      await expectText(dialog.getByRole('alert'), /not an image/, { timeout: T.ui, what: 'the refusal of a non-image' });
      assert.equal(await dialog.getByRole('img', { name: 'My photo' }).locator('img').count(), 0, 'no photo from a non-image');
      await dialog.getByLabel('Choose photo').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: photo });
      await expectPicture(dialog.getByRole('img', { name: 'My photo' }), { side: 64, rgb: [20, 40, 210], what: 'my photo in Settings' });
      await dialog.getByRole('textbox', { name: 'Nickname' }).fill('Alice Liddell');
      await dialog.getByRole('button', { name: 'Save nickname' }).click();
      await dialog.getByRole('button', { name: 'Close' }).click();

      // Bob sees the name and the picture in the chat list and the header.
      await expectVisible(ui.chat(b.page, 'Alice Liddell'), { timeout: T.ui });
      await expectPicture(listAvatar(b.page, 'Alice Liddell'), { side: 64, rgb: [20, 40, 210], what: 'Alice\'s picture in Bob\'s chat list' });
      await openChat(b.page, 'Alice Liddell');
      await expectPicture(headerAvatar(b.page), { side: 64, rgb: [20, 40, 210], what: 'Alice\'s picture in Bob\'s chat header' });

      // What the app published is standard: XEP-0084 metadata whose hash is
      // the SHA-1 of the data, and the same image in the vCard for clients
      // that only know vCards (XEP-0398 conversion by the server).
      const info = await announcedHash(pb, alice.jid);
      assert.ok(info?.id, 'the avatar metadata names a hash');
      assert.equal(info.width, '64');
      const vcard = await pb.xmpp.iqCaller.get(xml('vCard', { xmlns: 'vcard-temp' }), alice.jid);
      const binval = vcard.getChild('PHOTO')?.getChildText('BINVAL');
      assert.ok(binval, 'the vCard carries the photo');
      assert.equal(sha1(Buffer.from(binval.replace(/\s+/g, ''), 'base64')), info.id, 'the vCard photo is the published image');

      // Network down, Bob reloads: name and picture come from IndexedDB.
      proxy.hold();
      await b.page.reload();
      await expectVisible(ui.chat(b.page, 'Alice Liddell'), { timeout: T.ui });
      await expectPicture(listAvatar(b.page, 'Alice Liddell'), { side: 64, rgb: [20, 40, 210], what: 'the cached picture offline' });
      assert.equal(await isOnline(b.page), false, 'Bob is really offline');
      proxy.release();

      // Removing the photo brings back the initial on Bob's side.
      await ui.settingsButton(a.page).click();
      await settings(a.page).getByRole('button', { name: 'Remove photo' }).click();
      await settings(a.page).getByRole('button', { name: 'Close' }).click();
      await eventually(async () => (await listAvatar(b.page, 'Alice Liddell').locator('img').count()) === 0,
        { timeout: T.connect, what: 'the picture gone on Bob\'s side after removal' });
      await expectText(listAvatar(b.page, 'Alice Liddell'), /^A$/, { timeout: T.ui, what: 'the initial instead' });
    });
  } finally {
    await pb.stop();
    await proxy.close();
  }
});

test('avatars published by other clients show: XEP-0084 by PEP, and a vCard photo', { timeout: 180_000 }, async (t) => {
  const alice = await prosody.newAccount('avc');
  const carol = await prosody.newAccount('avd');
  const dave = await prosody.newAccount('ave');
  await makeContacts(alice, carol);
  await makeContacts(alice, dave);
  const pc = await connectPeer(carol);
  const pd = await connectPeer(dave);
  try {
    // Carol: a modern client publishing XEP-0084 data, then metadata.
    const green = solid(40, 40, [30, 200, 60]);
    const hash = sha1(green);
    await pc.xmpp.iqCaller.set(xml('pubsub', { xmlns: PUBSUB },
      xml('publish', { node: AVATAR_DATA }, xml('item', { id: hash }, xml('data', { xmlns: AVATAR_DATA }, green.toString('base64'))))));
    await pc.xmpp.iqCaller.set(xml('pubsub', { xmlns: PUBSUB },
      xml('publish', { node: AVATAR_METADATA }, xml('item', { id: hash },
        xml('metadata', { xmlns: AVATAR_METADATA },
          xml('info', { id: hash, bytes: String(green.length), type: 'image/png', width: '40', height: '40' }))))));
    // Dave: an old client that only sets a vCard photo (XEP-0054).
    const yellow = solid(50, 50, [230, 200, 20]);
    await pd.xmpp.iqCaller.set(xml('vCard', { xmlns: 'vcard-temp' },
      xml('FN', {}, 'Dave'),
      xml('PHOTO', {}, xml('TYPE', {}, 'image/png'), xml('BINVAL', {}, yellow.toString('base64')))));
    await pd.send(xml('presence', {}, xml('x', { xmlns: 'vcard-temp:x:update' }, xml('photo', {}, sha1(yellow)))));

    await withBrowser(t, async ({ open }) => {
      const a = await open('alice');
      await signIn(a.page, { address: alice.jid, password: alice.password });
      await expectPicture(listAvatar(a.page, carol.user), { side: 40, rgb: [30, 200, 60], what: 'Carol\'s PEP avatar' });
      await expectPicture(listAvatar(a.page, dave.user), { side: 50, rgb: [230, 200, 20], what: 'Dave\'s vCard avatar' });

      // A new picture while Alice is online replaces the old one.
      const red = solid(30, 30, [210, 20, 20]);
      const redHash = sha1(red);
      await pc.xmpp.iqCaller.set(xml('pubsub', { xmlns: PUBSUB },
        xml('publish', { node: AVATAR_DATA }, xml('item', { id: redHash }, xml('data', { xmlns: AVATAR_DATA }, red.toString('base64'))))));
      await pc.xmpp.iqCaller.set(xml('pubsub', { xmlns: PUBSUB },
        xml('publish', { node: AVATAR_METADATA }, xml('item', { id: redHash },
          xml('metadata', { xmlns: AVATAR_METADATA },
            xml('info', { id: redHash, bytes: String(red.length), type: 'image/png', width: '30', height: '30' }))))));
      await expectPicture(listAvatar(a.page, carol.user), { side: 30, rgb: [210, 20, 20], what: 'Carol\'s new avatar' });
      await openChat(a.page, carol.user);
      await expectPicture(headerAvatar(a.page), { side: 30, rgb: [210, 20, 20], what: 'Carol\'s avatar in the header' });
    });
  } finally {
    await pc.stop();
    await pd.stop();
  }
});
