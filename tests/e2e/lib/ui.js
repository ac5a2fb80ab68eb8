// Confab's UI through its accessible-name contract: everything is found by
// ARIA role + accessible name, never by CSS class or DOM structure.
//
//   sign-in      textbox Server / Address / Password, checkbox "Remember me",
//                buttons "Sign in", "Create account"; errors in role=alert
//   connection   role=status named "Connection": Online | Connecting | Offline
//   chat list    navigation "Chats"; a chat = button or link named with the contact
//   new chat     button "New chat" -> dialog: textbox "Address", button "Start chat"
//   requests     buttons "Accept" / "Decline"
//   chat         log "Messages", one article per message; own messages carry an
//                img named Pending | Sent | Delivered | Read | Failed
//                a separator "New messages" before the first unread message;
//                button "Load older messages" while older history may exist
//   composer     textbox "Message" (Enter sends), button "Send"; button "Sign out"
//   settings     button "Settings" -> dialog "Settings": checkboxes "Send read
//                receipts", "Send receipts to people not in my contacts"; "Close"
//   connection   also "Updating…" while the archive catch-up runs
//   my status    combobox "My status" (Online | Away | Busy), textbox "Status
//                message" (applied on Enter or leaving the box); ?idle_seconds=N
//                shortens the 5-minute idle time-out
import { env } from './env.js';
import { appUrl } from './browser.js';
import { eventually, expectText, expectVisible } from './wait.js';

export const T = { ui: 30_000, connect: 45_000 };

export const ui = {
  server: (p) => p.getByRole('textbox', { name: 'Server', exact: true }),
  address: (p) => p.getByRole('textbox', { name: 'Address', exact: true }),
  // <input type=password> has no ARIA role (not "textbox"), so by its label.
  password: (p) => p.getByLabel('Password', { exact: true }),
  remember: (p) => p.getByRole('checkbox', { name: 'Remember me' }),
  signInButton: (p) => p.getByRole('button', { name: 'Sign in', exact: true }),
  createAccountButton: (p) => p.getByRole('button', { name: 'Create account', exact: true }),
  alert: (p) => p.getByRole('alert'),
  connection: (p) => p.getByRole('status', { name: 'Connection' }),
  chats: (p) => p.getByRole('navigation', { name: 'Chats' }),
  /** The chat-list entry whose accessible name contains `who` (address or name). */
  chat: (p, who) => {
    const nav = ui.chats(p);
    return nav.getByRole('button', { name: who }).or(nav.getByRole('link', { name: who }));
  },
  newChatButton: (p) => p.getByRole('button', { name: 'New chat', exact: true }),
  accept: (p) => p.getByRole('button', { name: 'Accept', exact: true }),
  decline: (p) => p.getByRole('button', { name: 'Decline', exact: true }),
  log: (p) => p.getByRole('log', { name: 'Messages' }),
  messages: (p) => ui.log(p).getByRole('article'),
  message: (p, text) => ui.log(p).getByRole('article').filter({ hasText: text }),
  composer: (p) => p.getByRole('textbox', { name: 'Message', exact: true }),
  sendButton: (p) => p.getByRole('button', { name: 'Send', exact: true }),
  signOut: (p) => p.getByRole('button', { name: 'Sign out', exact: true }),
  settingsButton: (p) => p.getByRole('button', { name: 'Settings', exact: true }),
  myStatus: (p) => p.getByRole('combobox', { name: 'My status', exact: true }),
  statusMessage: (p) => p.getByRole('textbox', { name: 'Status message', exact: true }),
};

export const RECEIPT_STATES = ['Pending', 'Sent', 'Delivered', 'Read', 'Failed'];

/** Opens the app with ?server= the test Prosody and waits for the sign-in form. */
export async function openSignIn(page, { server = env.wsUrl, params = {} } = {}) {
  await page.goto(appUrl({ server, params }));
  await expectVisible(ui.address(page), { timeout: T.ui });
}

async function fillSignIn(page, { address, password, server, remember = false }) {
  if (server !== undefined) await ui.server(page).fill(server);
  await ui.address(page).fill(address);
  await ui.password(page).fill(password);
  const box = ui.remember(page);
  if ((await box.isChecked()) !== remember) await box.setChecked(remember);
}

/** Fills the sign-in form and clicks "Sign in" (does not wait for the result). */
export async function submitSignIn(page, creds) {
  await fillSignIn(page, creds);
  await ui.signInButton(page).click();
}

/** Signs in and waits until Connection shows Online and the chat list is there. */
export async function signIn(page, creds) {
  await openSignIn(page, { ...(creds.server ? { server: creds.server } : {}), params: creds.params || {} });
  await submitSignIn(page, { ...creds, address: creds.address || creds.jid });
  await waitOnline(page);
}

/**
 * "Create account": fills Address + Password, clicks "Create account"; if the
 * server's form needs more, the app shows a dialog "Create account" with a
 * "Register" button, which is clicked. Waits until Online.
 */
export async function createAccount(page, { address, password, remember = false }) {
  await openSignIn(page);
  await fillSignIn(page, { address, password, remember });
  await ui.createAccountButton(page).click();
  const dialog = page.getByRole('dialog', { name: 'Create account' });
  await eventually(async () => {
    if (await dialog.isVisible()) {
      await dialog.getByRole('button', { name: 'Register', exact: true }).click();
      return false;
    }
    if (await ui.alert(page).isVisible()) {
      throw new Error(`alert: ${await ui.alert(page).first().innerText()}`);
    }
    return isOnline(page);
  }, { timeout: T.connect, what: `account ${address} created and online` });
  await expectVisible(ui.chats(page), { timeout: T.ui });
}

export async function isOnline(page) {
  const st = ui.connection(page);
  if (!(await st.count())) return false;
  return /Online/.test(await st.first().innerText());
}

export async function waitOnline(page, timeout = T.connect) {
  await expectText(ui.connection(page), /Online/, { timeout, what: 'Connection: Online' });
  await expectVisible(ui.chats(page), { timeout: T.ui });
}

/** "New chat" -> Address -> "Start chat". */
export async function startChat(page, address) {
  await ui.newChatButton(page).click();
  const dialog = page.getByRole('dialog');
  await expectVisible(dialog);
  await dialog.getByRole('textbox', { name: 'Address', exact: true }).fill(address);
  await dialog.getByRole('button', { name: 'Start chat', exact: true }).click();
  await expectVisible(ui.composer(page), { timeout: T.ui });
}

/** Opens the chat with `who` from the chat list. */
export async function openChat(page, who, timeout = T.ui) {
  const item = await expectVisible(ui.chat(page, who), { timeout });
  await item.click();
  await expectVisible(ui.log(page), { timeout: T.ui });
}

/** Types text into the composer and presses Enter. */
export async function sendMessage(page, text) {
  const box = ui.composer(page);
  await box.fill(text);
  await box.press('Enter');
}

/** Waits for a message article containing text in the open chat. */
export async function waitForMessage(page, text, timeout = T.ui) {
  return expectVisible(ui.message(page, text), { timeout });
}

/** The receipt state of an own message article (one of RECEIPT_STATES), or null. */
export async function receiptState(article) {
  for (const s of RECEIPT_STATES) {
    if (await article.getByRole('img', { name: s, exact: true }).count()) return s;
  }
  return null;
}
