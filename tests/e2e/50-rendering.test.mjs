// (e) Message text is rendered as text (no HTML injection); links are safe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { connectPeer, makeContacts } from './lib/xmpp.js';
import { expectVisible } from './lib/wait.js';
import { ui, T, signIn, openChat, waitForMessage } from './lib/ui.js';

const EVIL = '<b>x</b><img src=x onerror=alert(1)>';

test('markup in a message body is shown literally; links get rel=noopener noreferrer', { timeout: 180_000 }, async (t) => {
  const me = await prosody.newAccount('render');
  const peerAcc = await prosody.newAccount('sender');
  await makeContacts(me, peerAcc);
  const peer = await connectPeer(peerAcc);
  try {
    await withBrowser(t, async ({ open }) => {
      const s = await open('render');
      await signIn(s.page, { address: me.jid, password: me.password });
      const link = 'https://example.org/confab-e2e?x=1';
      await peer.sendChat(me.jid, EVIL);
      await peer.sendChat(me.jid, `see ${link} please`);

      await openChat(s.page, peerAcc.user);
      const article = await waitForMessage(s.page, EVIL);
      assert.ok((await article.innerText()).includes(EVIL), 'body shown literally');

      const log = ui.log(s.page);
      assert.equal(await log.locator('b').count(), 0, 'no <b> element in the log');
      assert.equal(await log.locator('img[src="x"], img[onerror]').count(), 0, 'no injected <img> in the log');
      assert.equal(await article.locator('img').count(), 0, 'no <img> inside the received message');

      await waitForMessage(s.page, 'please');
      const a = await expectVisible(log.getByRole('link', { name: /example\.org\/confab-e2e/ }), { timeout: T.ui });
      assert.equal(await a.evaluate((el) => el.tagName), 'A');
      assert.equal(await a.getAttribute('href'), link);
      const rel = (await a.getAttribute('rel')) || '';
      assert.match(rel, /\bnoopener\b/);
      assert.match(rel, /\bnoreferrer\b/);
      assert.deepEqual(s.dialogs, [], 'no alert() ran');
    });
  } finally {
    await peer.stop();
  }
});
