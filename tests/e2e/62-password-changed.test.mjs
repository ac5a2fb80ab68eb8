// A remembered session whose keys stop working (the password was changed
// elsewhere, so the server has a new salt): the app asks for the password
// again and keeps the address, instead of claiming a wrong password.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { expectText, expectVisible } from './lib/wait.js';
import { ui, T, signIn, waitOnline } from './lib/ui.js';

test('a remembered sign-in the server no longer accepts asks for the password, address kept', { timeout: 120_000 }, async (t) => {
  const alice = await prosody.newAccount('pwchg');
  await withBrowser(t, async ({ open }) => {
    const s = await open('alice');
    await signIn(s.page, { address: alice.jid, password: alice.password, remember: true });
    await prosody.register(alice.user, 'a-new-password');
    await s.page.reload();
    await expectText(ui.alert(s.page), /Enter your password again/, { timeout: T.connect, what: 'asked for the password again' });
    assert.equal(await ui.address(s.page).inputValue(), alice.jid, 'the address is kept');
    await ui.password(s.page).fill('a-new-password');
    await ui.signInButton(s.page).click();
    await waitOnline(s.page);
    await expectVisible(ui.chats(s.page), { timeout: T.ui });
  });
});
