// (d) Interoperability with another XMPP client (@xmpp/client over TCP).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { connectPeer } from './lib/xmpp.js';
import { eventually } from './lib/wait.js';
import { ui, T, signIn, startChat, sendMessage, waitForMessage, openChat } from './lib/ui.js';

test('app and @xmpp/client add each other and exchange messages', { timeout: 240_000 }, async (t) => {
  const app = await prosody.newAccount('app');
  const lib = await prosody.newAccount('lib');
  const peer = await connectPeer(lib, { acceptSubscriptions: true, subscribeBack: true });
  try {
    await withBrowser(t, async ({ open }) => {
      const s = await open('app');
      await signIn(s.page, { address: app.jid, password: app.password });

      // App adds the library user; the library accepts and subscribes back;
      // the app accepts that request if it asks.
      await startChat(s.page, lib.jid);
      await peer.waitFor((st) => st.is('presence') && st.attrs.type === 'subscribe', { what: 'subscription request from the app' });
      await eventually(async () => {
        const accept = ui.accept(s.page).first();
        if (await accept.isVisible()) await accept.click().catch(() => {});
        return (await peer.subscription(app.jid)) === 'both';
      }, { timeout: T.connect, what: 'mutual subscription app <-> library' });

      // App -> library, with an origin-id (XEP-0359).
      const out = `app to lib ${Date.now()}`;
      await sendMessage(s.page, out);
      const msg = await peer.waitForChat(app.jid, { body: out });
      assert.equal(msg.attrs.type, 'chat');
      const originId = msg.getChild('origin-id', 'urn:xmpp:sid:0');
      assert.ok(originId, `message carries <origin-id xmlns='urn:xmpp:sid:0'/>: ${msg.toString()}`);
      assert.ok(originId.attrs.id, 'origin-id has an id');

      // Library -> app.
      const back = `lib to app ${Date.now()}`;
      await peer.sendChat(app.jid, back);
      await waitForMessage(s.page, back).catch(async () => {
        await openChat(s.page, lib.user);
        await waitForMessage(s.page, back);
      });
    });
  } finally {
    await peer.stop();
  }
});
