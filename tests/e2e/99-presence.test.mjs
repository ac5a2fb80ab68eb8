// Issue 4, presence: the user picks Online / Away / Busy and a status
// message in "My status"; the other side sees it (conversation header and
// chat list) and a plain XMPP client receives the matching <show/> and
// <status/>; the choice survives a reload. With no interaction for the
// idle time-out (?idle_seconds=N here) the app goes Away with XEP-0319
// <idle/>, and any interaction brings it back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { connectPeer, makeContacts, bare } from './lib/xmpp.js';
import { eventually, expectText, expectVisible } from './lib/wait.js';
import { ui, T, signIn, openChat, waitOnline } from './lib/ui.js';

const IDLE_NS = 'urn:xmpp:idle:1';
const header = (page) => page.getByRole('region', { name: /^Chat with / }).locator('header');

/** A presence of `from` (bare JID) matching `pred`, received after index `after`. */
function presenceFrom(peer, from, pred, { after = 0, what = `presence from ${from}` } = {}) {
  return peer.waitFor((st) => {
    if (!st.is('presence') || bare(st.attrs.from) !== from || st.attrs.type) return false;
    const index = peer.stanzas.indexOf(st);
    return (index < 0 || index >= after) && pred(st);
  }, { timeout: T.ui, what });
}

/** The conversation header's text, one line per part (name, status line, buttons). */
const headerText = async (page) => header(page).innerText();

const show = (st) => st.getChildText('show');
const status = (st) => st.getChildText('status');

async function setStatus(page, choice, message) {
  await ui.myStatus(page).selectOption({ label: choice });
  if (message !== undefined) {
    await ui.statusMessage(page).fill(message);
    await ui.statusMessage(page).press('Enter');
  }
}

test('Away and Busy with a status message show on the other side and survive a reload', { timeout: 240_000 }, async (t) => {
  const alice = await prosody.newAccount('prsa');
  const bob = await prosody.newAccount('prsb');
  await makeContacts(alice, bob);
  const pb = await connectPeer(bob);
  try {
    await withBrowser(t, async ({ open }) => {
      const a = await open('alice');
      const b = await open('bob');
      await signIn(a.page, { address: alice.jid, password: alice.password, remember: true });
      await signIn(b.page, { address: bob.jid, password: bob.password });
      await openChat(b.page, alice.user);
      await expectText(header(b.page), /^online$/m, { timeout: T.ui, what: 'alice online at first' });

      await setStatus(a.page, 'Away', '  In a meeting ');
      const away = await presenceFrom(pb, alice.jid, (st) => show(st) === 'away' && status(st) === 'In a meeting');
      assert.equal(away.getChild('idle', IDLE_NS), undefined, 'chosen, not idle: no <idle/>');
      assert.equal(await ui.statusMessage(a.page).inputValue(), 'In a meeting', 'the message is trimmed');
      await expectText(header(b.page), /away · In a meeting/, { timeout: T.ui, what: 'bob sees "away · In a meeting"' });
      await expectText(ui.chat(b.page, alice.user), /away/, { timeout: T.ui, what: 'away in the chat list' });
      await expectText(ui.chat(b.page, alice.user), /In a meeting/, { timeout: T.ui, what: 'status message in the chat list' });

      await setStatus(a.page, 'Busy');
      await presenceFrom(pb, alice.jid, (st) => show(st) === 'dnd' && status(st) === 'In a meeting', { what: 'dnd presence' });
      await expectText(header(b.page), /busy · In a meeting/, { timeout: T.ui, what: 'bob sees "busy · In a meeting"' });

      // A reload announces the same again as the first presence.
      const before = pb.stanzas.length;
      await a.page.reload();
      await waitOnline(a.page);
      assert.equal(await ui.myStatus(a.page).inputValue(), 'busy', 'Busy kept after a reload');
      assert.equal(await ui.statusMessage(a.page).inputValue(), 'In a meeting', 'message kept after a reload');
      await presenceFrom(pb, alice.jid, (st) => show(st) === 'dnd' && status(st) === 'In a meeting',
        { after: before, what: 'dnd presence after the reload' });
      await expectText(header(b.page), /busy · In a meeting/, { timeout: T.ui, what: 'bob still sees busy after the reload' });

      // Back to Online without a message.
      await ui.statusMessage(a.page).fill('');
      await ui.statusMessage(a.page).press('Enter');
      await setStatus(a.page, 'Online');
      await presenceFrom(pb, alice.jid, (st) => !show(st) && !status(st), { what: 'plain available presence' });
      await eventually(async () => /^online$/m.test(await headerText(b.page)),
        { timeout: T.ui, what: 'bob sees plain "online"' });
    });
  } finally {
    await pb.stop();
  }
});

test('no interaction for the idle time-out: away with <idle/>; interacting brings online back', { timeout: 240_000 }, async (t) => {
  const alice = await prosody.newAccount('idla');
  const bob = await prosody.newAccount('idlb');
  await makeContacts(alice, bob);
  const pb = await connectPeer(bob);
  try {
    await withBrowser(t, async ({ open }) => {
      const b = await open('bob');
      await signIn(b.page, { address: bob.jid, password: bob.password });
      const a = await open('alice');
      await signIn(a.page, { address: alice.jid, password: alice.password, params: { idle_seconds: '3' } });
      await openChat(b.page, alice.user);

      // Leave alice's page alone: after 3 s it says away, idle since then.
      const idle = await presenceFrom(pb, alice.jid, (st) => show(st) === 'away' && st.getChild('idle', IDLE_NS),
        { what: 'away presence with <idle/>' });
      const since = Date.parse(idle.getChild('idle', IDLE_NS).attrs.since);
      assert.ok(Math.abs(Date.now() - since) < 120_000, `idle since is recent: ${idle.getChild('idle', IDLE_NS).attrs.since}`);
      await expectText(header(b.page), /away since today at \d\d:\d\d/, { timeout: T.ui, what: 'bob sees "away since today at hh:mm"' });
      assert.equal(await ui.myStatus(a.page).inputValue(), 'online', 'the choice stays Online');

      // Moving the pointer is an interaction: online again, without <idle/>.
      const before = pb.stanzas.length;
      let x = 10;
      await eventually(async () => {
        x = x === 10 ? 40 : 10;
        await a.page.mouse.move(x, 200);
        return pb.stanzas.slice(before).some((st) => st.is('presence') && bare(st.attrs.from) === alice.jid &&
          !st.attrs.type && !show(st) && !st.getChild('idle', IDLE_NS));
      }, { timeout: T.ui, interval: 500, what: 'available presence without <idle/> after moving the pointer' });
      await eventually(async () => {
        await a.page.mouse.move(x = x === 10 ? 40 : 10, 200);
        return /^online$/m.test(await headerText(b.page));
      }, { timeout: T.ui, interval: 500, what: 'bob sees alice online again' });
    });
  } finally {
    await pb.stop();
  }
});

test('Busy stays busy when idle (with the idle time), and the message with it', { timeout: 180_000 }, async (t) => {
  const alice = await prosody.newAccount('idbz');
  const bob = await prosody.newAccount('idbb');
  await makeContacts(alice, bob);
  const pb = await connectPeer(bob);
  try {
    await withBrowser(t, async ({ open }) => {
      const a = await open('alice');
      await signIn(a.page, { address: alice.jid, password: alice.password, params: { idle_seconds: '3' } });
      await expectVisible(ui.myStatus(a.page), { timeout: T.ui });
      await setStatus(a.page, 'Busy', 'Writing');
      await presenceFrom(pb, alice.jid, (st) => show(st) === 'dnd' && status(st) === 'Writing' && st.getChild('idle', IDLE_NS),
        { what: 'dnd presence with <idle/> and the status' });
    });
  } finally {
    await pb.stop();
  }
});

test('"Share my last seen" off: idle still shows away, but without <idle/>', { timeout: 180_000 }, async (t) => {
  const alice = await prosody.newAccount('idpr');
  const bob = await prosody.newAccount('idpb');
  await makeContacts(alice, bob);
  const pb = await connectPeer(bob);
  try {
    await withBrowser(t, async ({ open }) => {
      const a = await open('alice');
      await signIn(a.page, { address: alice.jid, password: alice.password, params: { idle_seconds: '3' } });
      await ui.settingsButton(a.page).click();
      const dialog = a.page.getByRole('dialog', { name: 'Settings' });
      await expectVisible(dialog, { timeout: T.ui });
      await dialog.getByRole('checkbox', { name: 'Share my last seen' }).setChecked(false);
      await dialog.getByRole('button', { name: 'Close' }).click();
      const after = pb.stanzas.length;
      const away = await presenceFrom(pb, alice.jid, (st) => show(st) === 'away', { after, what: 'away presence once idle' });
      assert.equal(away.getChild('idle', IDLE_NS), undefined, 'no idle time when it is not shared');
    });
  } finally {
    await pb.stop();
  }
});
