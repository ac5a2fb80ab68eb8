// Issue 4, group administration (XEP-0045 §9–10 on Prosody): "Group
// settings" changes the subject, lists the members (also those not in the
// room), adds and removes members, makes and revokes admins, and deletes
// the group. Every action ends in a visible result or error. The group's
// photo (XEP-0486, set at creation and changed later) shows for members.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName } from './lib/env.js';
import { withBrowser } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { makeContacts } from './lib/xmpp.js';
import { eventually, expectText, expectVisible } from './lib/wait.js';
import { T, signIn, ui } from './lib/ui.js';
import { solid } from './lib/png.js';
import { expectPicture } from './lib/avatars.js';

const button = (scope, name) => scope.getByRole('button', { name, exact: true });
const dialog = (page, name) => page.getByRole('dialog', { name });
const result = (page) => page.getByRole('status', { name: 'Result' });
const chatRegion = (page, group) => page.getByRole('region', { name: `Chat with ${group}` });

async function openSettings(page) {
  await button(page, 'Group settings').click();
  return dialog(page, 'Group settings');
}

async function close(d) {
  await button(d, 'Close').click();
}

test('group settings: subject, membership, admins and deleting the group, each with a result', { timeout: 300_000 }, async (t) => {
  const alice = await prosody.newAccount('gsa');
  const bob = await prosody.newAccount('gsb');
  const carol = await prosody.newAccount('gsc');
  await makeContacts(alice, bob);
  const group = `Admins ${uniqueName('g')}`;

  await withBrowser(t, async ({ open }) => {
    const a = await open('alice');
    const b = await open('bob');
    await signIn(a.page, { address: alice.jid, password: alice.password });
    await signIn(b.page, { address: bob.jid, password: bob.password, remember: true });

    await button(a.page, 'New group').click();
    const create = dialog(a.page, 'New group');
    await create.getByRole('textbox', { name: 'Group name' }).fill(group);
    await create.getByLabel('Choose group photo').setInputFiles({ name: 'g.png', mimeType: 'image/png', buffer: solid(40, 40, [30, 200, 60]) });
    await expectVisible(create.getByRole('img', { name: 'Group photo' }), { timeout: T.ui });
    await button(create, 'Create').click();
    await expectVisible(chatRegion(a.page, group), { timeout: T.connect });

    await button(a.page, 'Invite').click();
    await dialog(a.page, 'Invite').getByRole('textbox', { name: 'Address' }).fill(bob.jid);
    await button(dialog(a.page, 'Invite'), 'Invite').click();
    const inv = b.page.getByRole('region', { name: 'Group invitations' });
    await expectVisible(inv, { timeout: T.connect });
    await button(inv, 'Join').click();
    await expectVisible(chatRegion(b.page, group), { timeout: T.connect });
    // The photo chosen at creation reached the room: Bob sees it.
    await expectPicture(ui.chat(b.page, group).locator('.avatar'), { side: 40, rgb: [30, 200, 60], what: 'the group photo on Bob\'s side' });

    // A member who is not an admin cannot change the subject: a clear error.
    let d = await openSettings(b.page);
    assert.equal(await d.getByRole('region', { name: 'Membership' }).count(), 0, 'no membership tools for a plain member');
    await d.getByRole('textbox', { name: 'Subject' }).fill('from bob');
    await button(d, 'Change subject').click();
    await expectText(b.page.getByRole('alert').filter({ hasText: 'Could not' }), /Could not change the subject of .*: /, { timeout: T.ui, what: 'the refusal' });
    await close(d);

    // The owner changes it: a result, and the header changes on both sides.
    d = await openSettings(a.page);
    await d.getByRole('textbox', { name: 'Subject' }).fill('Sunday at nine');
    await button(d, 'Change subject').click();
    await expectText(result(a.page), /Subject of .* changed/, { timeout: T.ui });
    await expectText(chatRegion(b.page, group).locator('header'), /Sunday at nine/, { timeout: T.ui, what: 'the subject on Bob\'s side' });

    // The owner changes the photo: a result, and Bob sees the new one.
    await d.getByLabel('Choose group photo').setInputFiles({ name: 'h.png', mimeType: 'image/png', buffer: solid(60, 60, [20, 40, 210]) });
    await expectText(result(a.page), /Photo of .* changed/, { timeout: T.ui });
    await expectPicture(ui.chat(b.page, group).locator('.avatar'), { side: 60, rgb: [20, 40, 210], what: 'the new group photo on Bob\'s side' });

    // Membership: the server's list, with Bob; Carol (never in the room) added.
    const membership = d.getByRole('region', { name: 'Membership' });
    await expectText(membership, new RegExp(bob.jid), { timeout: T.ui, what: 'Bob in the member list' });
    await membership.getByRole('textbox', { name: 'Member address' }).fill(carol.jid);
    await button(membership, 'Add member').click();
    await expectText(result(a.page), new RegExp(`${carol.jid} is now a member`), { timeout: T.ui });
    await expectText(membership, new RegExp(carol.jid), { timeout: T.ui, what: 'Carol listed though not in the room' });
    // An invalid address is refused before anything is sent.
    await membership.getByRole('textbox', { name: 'Member address' }).fill('not an address');
    await button(membership, 'Add member').click();
    await expectVisible(membership.getByRole('alert'), { timeout: T.ui });

    // Bob becomes an admin while his Group settings are open: the
    // membership tools appear there, with the server's list.
    const db = await openSettings(b.page);
    assert.equal(await db.getByRole('region', { name: 'Membership' }).count(), 0, 'no tools before');
    const bobRow = membership.getByRole('listitem').filter({ hasText: bob.jid });
    await button(bobRow, 'Make admin').click();
    await expectText(result(a.page), new RegExp(`${bob.jid} is now an admin`), { timeout: T.ui });
    await expectText(bobRow, /admin/, { timeout: T.ui });
    await expectVisible(db.getByRole('region', { name: 'Membership' }), { timeout: T.ui });
    await expectText(db.getByRole('region', { name: 'Membership' }), new RegExp(carol.jid), { timeout: T.ui });
    await close(db);

    // Alice revokes it, and removes Carol from the members.
    await button(bobRow, 'Revoke admin').click();
    await expectText(result(a.page), new RegExp(`${bob.jid} is now a member`), { timeout: T.ui });
    const carolRow = membership.getByRole('listitem').filter({ hasText: carol.jid });
    await button(carolRow, 'Remove from group').click();
    await expectText(result(a.page), new RegExp(`${carol.jid} is no longer a member`), { timeout: T.ui });
    await eventually(async () => (await membership.getByRole('listitem').filter({ hasText: carol.jid }).count()) === 0,
      { timeout: T.ui, what: 'Carol gone from the list' });

    // Alice deletes the group, after a confirmation.
    await button(d, 'Delete group').click();
    await button(d, 'Delete for everyone').click();
    await expectText(result(a.page), /was deleted/, { timeout: T.ui });
    await expectText(b.page.getByRole('alert').filter({ hasText: 'deleted' }), /You left .*: the group was deleted/, { timeout: T.ui, what: 'Bob told' });

    // Bob reloads: the group's history stays, but it is not joined again.
    await b.page.reload();
    await b.page.getByRole('navigation', { name: 'Chats' }).getByRole('button', { name: new RegExp(group) }).click();
    await expectText(chatRegion(b.page, group).locator('header'), /not joined/, { timeout: T.ui });
    await new Promise((r) => setTimeout(r, 2_000));
    await expectText(chatRegion(b.page, group).locator('header'), /not joined/, { timeout: T.ui, what: 'still not joined after a while' });
  });
});
