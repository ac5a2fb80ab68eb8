// Client adapter: Confab (this repository), a release build served from
// CONFAB_DIST (default: <repo>/dist, built by `trunk build --release`).
// Written for scripts/bench/compare after the shared harness's adapters
// (clients/converse.mjs, clients/raw.mjs); see README.md, "Client adapters".
//
// Confab takes the websocket URL from ?server= and the credentials from its
// sign-in form (no URL credentials), and its UI is reached through accessible
// names (tests/e2e/lib/ui.js): sign-in textbox "Address", field "Password",
// checkbox "Remember me", button "Sign in"; chat list navigation "Chats" with
// one button per chat (roster contacts are chats too) named with the contact's
// display name (its roster name, else its address); the open chat's log
// "Messages" with one article per message, the body in its <p class="body">;
// composer textbox "Message" (Enter sends). The CSS selectors below are the
// DOM those names sit on, because the harness's in-page probe matches CSS.
//
// The sign-in form costs Confab the time Playwright takes to fill it (the two
// other clients log in from the URL). `login` records it as client events
// `form` (form shown) and `submit` (just before the click) in page time, so the
// comparison can report how much of the cold start is the driver typing.
import fs from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const repo = path.resolve(here, '..', '..', '..', '..');
const root = path.resolve(process.env.CONFAB_DIST || path.join(repo, 'dist'));

function cargoVersion() {
  try {
    return /^version\s*=\s*"([^"]+)"/m.exec(fs.readFileSync(path.join(repo, 'Cargo.toml'), 'utf8'))[1];
  } catch {
    return null;
  }
}

const CHATS = 'nav[aria-label="Chats"]';
const LOG = '[role="log"][aria-label="Messages"]';

export default {
  name: 'confab',
  displayName: 'Confab',
  version: cargoVersion(),

  serve: { root, port: 18082 },
  baseUrl: 'http://127.0.0.1:18082/index.html',

  // Only the server comes from the URL; credentials go through the form.
  url({ wsUrl }) {
    return `${this.baseUrl}?${new URLSearchParams({ server: wsUrl })}`;
  },

  // Fills and submits the sign-in form if it appears; does nothing when the
  // chat list comes first (a remembered session: the warm reload).
  async login(page, { jid, password }) {
    const address = page.getByRole('textbox', { name: 'Address', exact: true });
    const chats = page.getByRole('navigation', { name: 'Chats' });
    await address.or(chats).first().waitFor({ state: 'visible', timeout: 60000 });
    if (!(await address.isVisible())) return;
    await page.evaluate(() => { (window.__clientEvents ||= []).push({ name: 'form', t: performance.now() }); });
    await address.fill(jid);
    await page.getByLabel('Password', { exact: true }).fill(password);
    const remember = page.getByRole('checkbox', { name: 'Remember me' });
    if ((await remember.count()) && !(await remember.isChecked())) await remember.setChecked(true);
    await page.evaluate(() => { window.__clientEvents.push({ name: 'submit', t: performance.now() }); });
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  },

  selectors: {
    // The roster: one chat-list button per contact. No element carries the
    // JID, so entries are told apart by their shown name ('#text', an
    // addition of this copy of lib/probe.js): the roster name if there is one.
    rosterItem: `${CHATS} button.chat-row .name`,
    rosterItemAttr: '#text',
    rosterItemFor: (jid) => ({ selector: `${CHATS} button.chat-row .name`, text: jid }),
    messageText: `${LOG} article .body`,
    // own messages whose tick says Delivered (XEP-0184 receipt) or Read
    receiptText: `${LOG} article.own:has(.tick.delivered, .tick.read) .body`,
    composer: 'textarea[aria-label="Message"]',
    historyScroller: LOG,
    // After a reload Confab shows the chat list with no chat open (it does not
    // reopen the last chat), so in the warm scenario the newest message is on
    // screen as the chat's preview in the list, or in the log if one is open.
    warmMessageText: `${LOG} article .body, ${CHATS} button.chat-row .preview`,
  },

  // roster200's contacts have roster names "Contact NNN", which Confab shows.
  rosterContactRegex: (user) => `^(${user}_c\\d+@\\S+|Contact \\d+)$`,

  eventsGlobal: '__clientEvents',
};
