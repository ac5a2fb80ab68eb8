// (c) Sign-in errors are shown in role=alert with a useful text.
import { test } from 'node:test';
import { env } from './lib/env.js';
import { withBrowser } from './lib/browser.js';
import { prosody, closedPort } from './lib/prosody.js';
import { expectText } from './lib/wait.js';
import { ui, T, openSignIn, submitSignIn } from './lib/ui.js';

test('sign-in errors: wrong password, unreachable server, invalid address', { timeout: 180_000 }, async (t) => {
  const acc = await prosody.newAccount('err');
  await withBrowser(t, async ({ open }) => {
    await t.test('wrong password -> alert mentions "password"', async () => {
      const s = await open('wrongpw');
      await openSignIn(s.page);
      await submitSignIn(s.page, { address: acc.jid, password: 'definitely-wrong' });
      await expectText(ui.alert(s.page), /password/i, { timeout: T.connect });
    });

    await t.test('unreachable server -> alert mentions "reach"', async () => {
      const s = await open('unreachable');
      const port = await closedPort();
      await openSignIn(s.page, { server: `ws://127.0.0.1:${port}/xmpp-websocket` });
      await submitSignIn(s.page, { address: acc.jid, password: acc.password, server: `ws://127.0.0.1:${port}/xmpp-websocket` });
      await expectText(ui.alert(s.page), /reach/i, { timeout: T.connect });
    });

    await t.test('invalid address -> alert says "not a valid address"', async () => {
      const s = await open('badaddr');
      await openSignIn(s.page);
      await submitSignIn(s.page, { address: `@${env.domain}`, password: 'whatever' });
      await expectText(ui.alert(s.page), /not a valid address/i, { timeout: T.ui });
    });
  });
});
