// Issue 4, group chat (XEP-0045 on Prosody's conference.localhost): three
// browser sessions. Alice creates a group and invites two contacts; Bob
// joins from the invitation; they talk; Carol, offline meanwhile, joins
// later and sees the history from the room archive; Bob leaves; Alice
// removes Carol; the group comes back for Alice after a reload and on a
// second session of her account (bookmarks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName } from './lib/env.js';
import { withBrowser } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { makeContacts } from './lib/xmpp.js';
import { eventually, expectText, expectVisible } from './lib/wait.js';
import { ui, T, signIn, openChat, sendMessage, waitForMessage } from './lib/ui.js';

const button = (page, name) => page.getByRole('button', { name, exact: true });
const dialog = (page, name) => page.getByRole('dialog', { name });
const members = (page) => page.getByRole('region', { name: 'Members' });
const invitations = (page) => page.getByRole('region', { name: 'Group invitations' });

async function invite(page, address) {
  await button(page, 'Invite').click();
  const d = dialog(page, 'Invite');
  await d.getByRole('textbox', { name: 'Address' }).fill(address);
  await button(d, 'Invite').click();
  await eventually(async () => (await d.count()) === 0, { timeout: T.ui, what: 'invite dialog closed' });
}

async function joinFromInvitation(page) {
  const list = invitations(page);
  await expectVisible(list, { timeout: T.connect });
  await button(list, 'Join').click();
}

test('a group: create, invite two, talk, a late member reads the history, leave, back after reload', { timeout: 300_000 }, async (t) => {
  const alice = await prosody.newAccount('gra');
  const bob = await prosody.newAccount('grb');
  const carol = await prosody.newAccount('grc');
  await makeContacts(alice, bob);
  await makeContacts(alice, carol);
  const group = `Hikers ${uniqueName('g')}`;

  await withBrowser(t, async ({ open }) => {
    const a = await open('alice');
    const b = await open('bob');
    await signIn(a.page, { address: alice.jid, password: alice.password, remember: true });
    await signIn(b.page, { address: bob.jid, password: bob.password });

    // Alice creates the group: it opens, with her as its only member.
    await button(a.page, 'New group').click();
    const create = dialog(a.page, 'New group');
    await create.getByRole('textbox', { name: 'Group name' }).fill(group);
    await create.getByRole('textbox', { name: 'Description' }).fill('Sunday walks');
    await button(create, 'Create').click();
    await expectVisible(a.page.getByRole('region', { name: `Chat with ${group}` }), { timeout: T.connect });
    await button(a.page, 'Members').click();
    await expectText(members(a.page), /\b1 member\b/, { timeout: T.ui });

    // Invitations: Bob (online) and Carol (offline for now).
    await invite(a.page, bob.jid);
    await invite(a.page, carol.jid);
    await joinFromInvitation(b.page);
    await expectVisible(b.page.getByRole('region', { name: `Chat with ${group}` }), { timeout: T.connect });
    await expectText(members(a.page), /2 members/, { timeout: T.ui, what: 'Bob in the member list' });
    // Each member with a picture (or initial) and presence.
    const bobRow = members(a.page).getByRole('listitem').filter({ hasText: bob.user });
    await expectVisible(bobRow.getByRole('img', { name: 'online' }), { timeout: T.ui });
    await expectText(bobRow.locator('.avatar'), /^[A-Z]$/i, { timeout: T.ui, what: 'Bob\'s initial' });

    // Typing shows in the group header on the other side, with who types.
    await ui.composer(b.page).pressSequentially('typing a');
    await expectText(a.page.getByRole('region', { name: `Chat with ${group}` }).locator('header'),
      new RegExp(`${bob.user} is typing`), { timeout: T.ui, what: 'who is typing in the group' });
    await ui.composer(b.page).fill('');

    // "@" offers the members; Tab takes the first.
    await ui.composer(a.page).pressSequentially(`@${bob.user.slice(0, 4)}`);
    const option = a.page.getByRole('listbox', { name: 'Mention' }).getByRole('option', { name: `@${bob.user}` });
    await expectVisible(option, { timeout: T.ui });
    await ui.composer(a.page).press('Tab');
    assert.equal(await ui.composer(a.page).inputValue(), `@${bob.user} `);
    await ui.composer(a.page).pressSequentially('look here');
    await ui.composer(a.page).press('Enter');
    await waitForMessage(b.page, `@${bob.user} look here`);

    // Messages both ways, with the author's nickname on the other side.
    const hello = `hello group ${uniqueName('m')}`;
    await sendMessage(a.page, hello);
    const got = await waitForMessage(b.page, hello);
    assert.match(await got.innerText(), new RegExp(alice.user), 'the author is named');
    const reply = `hi all ${uniqueName('m')}`;
    await sendMessage(b.page, reply);
    await waitForMessage(a.page, reply);
    // Alice's own message shows once (the room's reflection is not a second copy).
    assert.equal(await ui.message(a.page, hello).count(), 1);
    // Bob has the group open: his displayed marker shows as "Read by" under it.
    await b.page.bringToFront();
    await expectText(ui.message(a.page, hello), new RegExp(`Read by ${bob.user}`), { timeout: T.ui, what: '"Read by" under Alice\'s message' });

    // Carol signs in later: the invitation waits for her; joining shows the history.
    const c = await open('carol');
    await signIn(c.page, { address: carol.jid, password: carol.password });
    await joinFromInvitation(c.page);
    await expectVisible(c.page.getByRole('region', { name: `Chat with ${group}` }), { timeout: T.connect });
    await waitForMessage(c.page, hello, T.connect);
    await waitForMessage(c.page, reply, T.connect);
    assert.equal(await ui.message(c.page, hello).count(), 1, 'history once');

    // Bob leaves: the others see him go.
    await expectText(members(a.page), /3 members/, { timeout: T.ui });
    await button(b.page, 'Leave group').click();
    await expectText(members(a.page), /2 members/, { timeout: T.ui, what: 'Bob gone from the member list' });

    // Bob comes back by address ("Join group"), under another nickname.
    const address = /Group address: (\S+)/.exec(await members(a.page).innerText())[1];
    await button(b.page, 'Join group').click();
    const join = dialog(b.page, 'Join group');
    await join.getByRole('textbox', { name: 'Group address' }).fill(address);
    await join.getByRole('textbox', { name: 'Nickname' }).fill('bobby');
    await button(join, 'Join').click();
    await expectText(members(a.page), /bobby/, { timeout: T.ui, what: 'Bob back as bobby' });
    await expectText(members(a.page), /3 members/, { timeout: T.ui });
    await button(b.page, 'Leave group').click();
    await expectText(members(a.page), /2 members/, { timeout: T.ui });

    // Alice (owner) removes Carol: Carol is told, the list shrinks.
    await button(members(a.page), 'Remove').click();
    await expectText(c.page.getByRole('alert'), /removed/, { timeout: T.ui, what: 'Carol told she was removed' });
    await expectText(members(a.page), /\b1 member\b/, { timeout: T.ui, what: 'Carol gone from the member list' });

    // Alice reloads: the bookmark brings the group back, joined, with its history.
    await a.page.reload();
    await expectVisible(ui.chats(a.page), { timeout: T.ui });
    await openChat(a.page, group, T.connect);
    await waitForMessage(a.page, reply, T.connect);
    await button(a.page, 'Members').click();
    await expectText(members(a.page), /\b1 member\b/, { timeout: T.connect, what: 'rejoined after reload' });

    // A second session of Alice's account (another device, nothing cached):
    // the bookmark brings the group there too, joined, with its history.
    const a2 = await open('alice-2');
    await signIn(a2.page, { address: alice.jid, password: alice.password });
    await openChat(a2.page, group, T.connect);
    await waitForMessage(a2.page, reply, T.connect);
    await button(a2.page, 'Members').click();
    // Both sessions share Alice's nickname (one occupant, XEP-0045 §7.2.8
    // multi-session nick), as owner.
    await expectText(members(a2.page), /owner, you/, { timeout: T.connect, what: 'the second session joined as owner' });
    await expectText(members(a2.page), /\b1 member\b/, { timeout: T.ui });
  });
});
