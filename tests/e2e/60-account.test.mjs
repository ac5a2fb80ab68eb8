// Account life cycle and the sign-in details: the server's own registration
// form, XEP-0156 discovery, "Remember me" without the password, sign-out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, uniqueName } from './lib/env.js';
import { withBrowser, appUrl } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { eventually, expectText, expectVisible } from './lib/wait.js';
import { ui, T, openSignIn, signIn, waitOnline } from './lib/ui.js';

test("Create account renders the server's form when it asks for more than a password", { timeout: 120_000 }, async (t) => {
  await withBrowser(t, async ({ open }) => {
    const s = await open('form');
    const user = uniqueName('form');
    await openSignIn(s.page);
    await ui.address(s.page).fill(`${user}@form.localhost`);
    await ui.password(s.page).fill('form-pass-1');
    await ui.createAccountButton(s.page).click();
    // form.localhost asks for a required e-mail address (scripts/prosody/confab.cfg.lua).
    const dialog = s.page.getByRole('dialog', { name: 'Create account' });
    await expectVisible(dialog, { timeout: T.ui });
    const email = dialog.getByRole('textbox', { name: /mail/i });
    await expectVisible(email);
    // Username and password were carried over from the sign-in form.
    const username = dialog.getByRole('textbox', { name: /user/i });
    assert.equal(await username.inputValue(), user);
    await email.fill(`${user}@example.org`);
    await dialog.getByRole('button', { name: 'Register', exact: true }).click();
    await waitOnline(s.page);
  });
});

test('a taken username is refused with a clear error', { timeout: 120_000 }, async (t) => {
  const taken = await prosody.newAccount('taken');
  await withBrowser(t, async ({ open }) => {
    const s = await open('taken');
    await openSignIn(s.page);
    await ui.address(s.page).fill(taken.jid);
    await ui.password(s.page).fill('another-password');
    await ui.createAccountButton(s.page).click();
    await expectText(ui.alert(s.page), /taken|exists|conflict/i, { timeout: T.connect });
    await expectVisible(ui.address(s.page));
  });
});

test('XEP-0156: with no server set, the WebSocket endpoint is discovered from the domain', { timeout: 120_000 }, async (t) => {
  const me = await prosody.newAccount('disco');
  await withBrowser(t, async ({ open }) => {
    const s = await open('disco');
    // The domain's web server publishes host-meta (the XMPP server stays real).
    await s.context.route('https://localhost/.well-known/host-meta.json', (route) => route.fulfill({
      status: 200,
      headers: { 'access-control-allow-origin': '*', 'content-type': 'application/json' },
      body: JSON.stringify({ links: [{ rel: 'urn:xmpp:alt-connections:websocket', href: env.wsUrl }] }),
    }));
    await s.page.goto(appUrl({ server: null }));
    await expectVisible(ui.address(s.page), { timeout: T.ui });
    await ui.server(s.page).fill('');
    await ui.address(s.page).fill(me.jid);
    await ui.password(s.page).fill(me.password);
    await ui.signInButton(s.page).click();
    await waitOnline(s.page);
  });
});

test('Remember me keeps the session without the password, and Sign out forgets it', { timeout: 120_000 }, async (t) => {
  const me = await prosody.newAccount('keep');
  await withBrowser(t, async ({ open }) => {
    const s = await open('keep');
    await signIn(s.page, { address: me.jid, password: me.password, remember: true });
    // Everything this origin stored, as text: the password must not be in it.
    const dump = async () => s.page.evaluate(async () => {
      const out = [];
      for (const { name } of await indexedDB.databases()) {
        const db = await new Promise((ok, err) => { const r = indexedDB.open(name); r.onsuccess = () => ok(r.result); r.onerror = () => err(r.error); });
        for (const store of db.objectStoreNames) {
          const all = await new Promise((ok) => { const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => ok(r.result); });
          out.push(`${name}/${store}: ${JSON.stringify(all)}`);
        }
        db.close();
      }
      out.push(`localStorage: ${JSON.stringify({ ...localStorage })}`);
      return out.join('\n');
    });
    const stored = await dump();
    assert.match(stored, /Scram/, 'the SCRAM keys are remembered');
    assert.ok(!stored.includes(me.password), 'the plain password is not stored');

    await s.page.reload();
    await waitOnline(s.page);

    await ui.signOut(s.page).click();
    await expectVisible(ui.address(s.page), { timeout: T.ui });
    await s.page.reload();
    await expectVisible(ui.address(s.page), { timeout: T.ui });
    assert.equal(await ui.chats(s.page).count(), 0, 'no chat list after sign-out and reload');
    assert.ok(!(await dump()).includes('Scram'), 'the keys are gone after sign-out');
  });
});

test('a deployment config.json sets the default server', { timeout: 120_000 }, async (t) => {
  const me = await prosody.newAccount('deploy');
  await withBrowser(t, async ({ open }) => {
    const s = await open('deploy');
    // What an operator puts beside index.html.
    await s.context.route('**/config.json', (route) => route.fulfill({
      status: 200, contentType: 'application/json', body: JSON.stringify({ server: env.wsUrl }),
    }));
    await s.page.goto(appUrl({ server: null }));
    await expectVisible(ui.address(s.page), { timeout: T.ui });
    await eventually(async () => (await ui.server(s.page).inputValue()) === env.wsUrl,
      { timeout: T.ui, what: 'Server prefilled from config.json' });
    await ui.address(s.page).fill(me.jid);
    await ui.password(s.page).fill(me.password);
    await ui.signInButton(s.page).click();
    await waitOnline(s.page);
  });
});
