// Issue 4, public channels: a room another client (@xmpp/client) opened
// to everyone is listed under "Browse public groups" in Join group; Alice
// picks it and joins with a nickname of her choice, and they talk. And
// xmpp: links (protocol handler ?uri=, links in messages) stay in the app.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, uniqueName } from './lib/env.js';
import { withBrowser, appUrl } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { connectPeer, xml } from './lib/xmpp.js';
import { expectVisible } from './lib/wait.js';
import { T, signIn, sendMessage, waitForMessage } from './lib/ui.js';

const MUC = 'http://jabber.org/protocol/muc';
const MUC_USER = `${MUC}#user`;

/** The peer opens a public room named `name` (Prosody: created, then unlocked by the owner form). */
async function openPublicRoom(peer, room, name) {
  const created = peer.waitFor((st) => st.is('presence') && st.attrs.from === `${room}/host` &&
    st.getChild('x', MUC_USER)?.getChildren('status').some((s) => s.attrs.code === '110'),
  { what: 'own presence in the new room' });
  await peer.send(xml('presence', { to: `${room}/host` }, xml('x', { xmlns: MUC })));
  await created;
  const field = (v, value) => xml('field', { var: v }, xml('value', {}, value));
  await peer.xmpp.iqCaller.set(xml('query', { xmlns: `${MUC}#owner` },
    xml('x', { xmlns: 'jabber:x:data', type: 'submit' },
      field('FORM_TYPE', `${MUC}#roomconfig`),
      field('muc#roomconfig_roomname', name),
      field('muc#roomconfig_publicroom', '1'),
      field('muc#roomconfig_membersonly', '0'))), room);
}

test('a public group is listed, joined with a chosen nickname, and talked in', { timeout: 180_000 }, async (t) => {
  const alice = await prosody.newAccount('pga');
  const host = await prosody.newAccount('pgh');
  const peer = await connectPeer(host);
  const room = `${uniqueName('lobby')}@conference.${env.domain}`.toLowerCase();
  const name = `Lobby ${uniqueName('n')}`;
  try {
    await openPublicRoom(peer, room, name);
    await withBrowser(t, async ({ open }) => {
      const a = await open('alice');
      await signIn(a.page, { address: alice.jid, password: alice.password });
      await a.page.getByRole('button', { name: 'Join group', exact: true }).click();
      const dialog = a.page.getByRole('dialog', { name: 'Join group' });
      await dialog.getByRole('button', { name: 'Browse public groups' }).click();
      const listed = dialog.getByRole('list', { name: 'Public groups' }).getByRole('button', { name: new RegExp(name) });
      await expectVisible(listed, { timeout: T.ui });
      await listed.click();
      assert.equal(await dialog.getByRole('textbox', { name: 'Group address' }).inputValue(), room, 'choosing fills the address');
      await dialog.getByRole('textbox', { name: 'Nickname' }).fill('wanderer');
      const arrived = peer.waitFor((st) => st.is('presence') && st.attrs.from === `${room}/wanderer` && !st.attrs.type,
        { what: 'Alice in the room as wanderer' });
      await dialog.getByRole('button', { name: 'Join', exact: true }).click();
      await arrived;
      await expectVisible(a.page.getByRole('region', { name: `Chat with ${name}` }), { timeout: T.connect });

      const hello = `welcome ${uniqueName('m')}`;
      await peer.send(xml('message', { to: room, type: 'groupchat' }, xml('body', {}, hello)));
      await waitForMessage(a.page, hello);
      const reply = `thanks ${uniqueName('m')}`;
      const got = peer.waitFor((st) => st.is('message') && st.attrs.from === `${room}/wanderer` && st.getChildText('body') === reply,
        { what: 'Alice\'s message under her nickname' });
      await sendMessage(a.page, reply);
      await got;
    });
  } finally {
    await peer.stop();
  }
});

test('xmpp: links open the Join group dialog or a chat, from the address bar and from messages', { timeout: 180_000 }, async (t) => {
  const alice = await prosody.newAccount('lka');
  const host = await prosody.newAccount('lkh');
  const carol = await prosody.newAccount('lkc');
  const peer = await connectPeer(host);
  const room = `${uniqueName('links')}@conference.${env.domain}`.toLowerCase();
  const name = `Links ${uniqueName('n')}`;
  try {
    await openPublicRoom(peer, room, name);
    await withBrowser(t, async ({ open }) => {
      const a = await open('alice');
      await signIn(a.page, { address: alice.jid, password: alice.password, remember: true });

      // The browser's protocol handler opens the app with ?uri=xmpp:…?join.
      await a.page.goto(appUrl({ params: { uri: `xmpp:${room}?join` } }));
      const dialog = a.page.getByRole('dialog', { name: 'Join group' });
      await expectVisible(dialog, { timeout: T.connect });
      assert.equal(await dialog.getByRole('textbox', { name: 'Group address' }).inputValue(), room);
      assert.ok(!new URL(a.page.url()).searchParams.has('uri'), 'the link is taken out of the address bar');
      await dialog.getByRole('button', { name: 'Join', exact: true }).click();
      await expectVisible(a.page.getByRole('region', { name: `Chat with ${name}` }), { timeout: T.connect });

      // Links in messages stay in the app: an address opens a chat with it.
      await peer.send(xml('message', { to: room, type: 'groupchat' }, xml('body', {}, `write to xmpp:${carol.jid} please`)));
      const link = a.page.getByRole('log', { name: 'Messages' }).getByRole('link', { name: `xmpp:${carol.jid}` });
      await expectVisible(link, { timeout: T.ui });
      const pages = a.page.context().pages().length;
      await link.click();
      await expectVisible(a.page.getByRole('region', { name: `Chat with ${carol.jid}` }), { timeout: T.ui });
      assert.equal(a.page.context().pages().length, pages, 'no new tab');

      // A malformed link is refused with a clear notice.
      await a.page.goto(appUrl({ params: { uri: 'xmpp:not a valid@@address?join' } }));
      await expectVisible(a.page.getByRole('alert').filter({ hasText: 'not a valid xmpp: address' }), { timeout: T.connect });
    });
  } finally {
    await peer.stop();
  }
});
