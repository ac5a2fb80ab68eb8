// (b) With "Remember me", a reload while the server is down shows the chat
// list and history from IndexedDB; Connection says Offline/Connecting; after
// the server is back the app is online again.
import { test } from 'node:test';
import { env } from './lib/env.js';
import { withBrowser } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { connectPeer, makeContacts } from './lib/xmpp.js';
import { expectText, expectVisible } from './lib/wait.js';
import { ui, T, signIn, openChat, sendMessage, waitForMessage, waitOnline } from './lib/ui.js';

test('remembered session shows chats and history from IndexedDB while the server is down', { timeout: 240_000 }, async (t) => {
  const me = await prosody.newAccount('rem');
  const friend = await prosody.newAccount('friend');
  await makeContacts(me, friend);

  await withBrowser(t, async ({ open }) => {
    const s = await open('me');
    await signIn(s.page, { address: me.jid, password: me.password, remember: true });

    const peer = await connectPeer(friend);
    const incoming = `from friend ${Date.now()}`;
    const outgoing = `to friend ${Date.now()}`;
    try {
      await peer.sendChat(me.jid, incoming);
      await openChat(s.page, friend.user);
      await waitForMessage(s.page, incoming);
      await sendMessage(s.page, outgoing);
      await peer.waitForChat(me.jid, { body: outgoing });
      await waitForMessage(s.page, outgoing);
    } finally {
      await peer.stop();
    }

    await prosody.stop();
    try {
      await s.page.reload();
      // Straight from IndexedDB: no sign-in form, the chat list and the history.
      await expectVisible(ui.chats(s.page), { timeout: T.ui });
      await expectText(ui.connection(s.page), /Offline|Connecting/, { timeout: T.ui });
      await openChat(s.page, friend.user);
      await waitForMessage(s.page, incoming);
      await waitForMessage(s.page, outgoing);
    } finally {
      await prosody.start();
    }
    // Back online by itself (reconnect with back-off).
    await waitOnline(s.page, 90_000);
  });
});
