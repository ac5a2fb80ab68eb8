// A message the server bounces becomes Failed with its reason and a Retry
// action; Retry sends it again (same origin-id) once the recipient exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, uniqueName } from './lib/env.js';
import { withBrowser } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { connectPeer } from './lib/xmpp.js';
import { expectVisible } from './lib/wait.js';
import { ui, T, signIn, startChat, sendMessage, waitForMessage } from './lib/ui.js';

test('a bounced message is Failed with a Retry that delivers it later', { timeout: 180_000 }, async (t) => {
  const me = await prosody.newAccount('bounce');
  const ghost = uniqueName('ghost'); // no such account yet: the server bounces messages to it
  await withBrowser(t, async ({ open }) => {
    const s = await open('bounce');
    await signIn(s.page, { address: me.jid, password: me.password });
    await startChat(s.page, `${ghost}@${env.domain}`);
    const text = `to nobody ${Date.now()}`;
    await sendMessage(s.page, text);
    const bubble = await waitForMessage(s.page, text);
    await expectVisible(bubble.getByRole('img', { name: 'Failed', exact: true }), { timeout: T.ui });
    const retry = bubble.getByRole('button', { name: 'Retry', exact: true });
    await expectVisible(retry);

    // The recipient now exists and is online: Retry delivers the same message.
    const account = await prosody.register(ghost, 'ghost-pass');
    const peer = await connectPeer(account);
    try {
      await retry.click();
      const got = await peer.waitForChat(me.jid, { body: text });
      assert.ok(got.getChild('origin-id', 'urn:xmpp:sid:0'), 'the retried message keeps its origin-id');
      await expectVisible(bubble.getByRole('img', { name: /^(Sent|Delivered|Read)$/ }), { timeout: T.ui });
      assert.equal(await retry.count(), 0, 'no Retry once it went through');
    } finally {
      await peer.stop();
    }
  });
});
