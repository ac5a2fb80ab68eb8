// Issue 5 in a group (XEP-0045 on Prosody): reply, react, edit, delete for
// everyone and a photo between two members; after a reload the group shows
// the same. In a room, messages are named by the room's stanza-id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName } from './lib/env.js';
import { withBrowser } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { makeContacts } from './lib/xmpp.js';
import { png } from './lib/png.js';
import { eventually, expectText, expectVisible } from './lib/wait.js';
import { ui, T, signIn, openChat, sendMessage, waitForMessage, waitOnline } from './lib/ui.js';
import { choose, react, reactionCount } from './lib/actions.js';

const button = (page, name) => page.getByRole('button', { name, exact: true });
const dialog = (page, name) => page.getByRole('dialog', { name });

test('in a group: reply, react, edit, delete for everyone and a photo, kept after reload', { timeout: 300_000 }, async (t) => {
  const alice = await prosody.newAccount('gxa');
  const bob = await prosody.newAccount('gxb');
  await makeContacts(alice, bob);
  const group = `Rich ${uniqueName('g')}`;
  await withBrowser(t, async ({ open }) => {
    const a = await open('alice');
    const b = await open('bob');
    await signIn(a.page, { address: alice.jid, password: alice.password, remember: true });
    await signIn(b.page, { address: bob.jid, password: bob.password, remember: true });

    await button(a.page, 'New group').click();
    const create = dialog(a.page, 'New group');
    await create.getByRole('textbox', { name: 'Group name' }).fill(group);
    await button(create, 'Create').click();
    await expectVisible(a.page.getByRole('region', { name: `Chat with ${group}` }), { timeout: T.connect });
    await button(a.page, 'Invite').click();
    const inv = dialog(a.page, 'Invite');
    await inv.getByRole('textbox', { name: 'Address' }).fill(bob.jid);
    await button(inv, 'Invite').click();
    const invitations = b.page.getByRole('region', { name: 'Group invitations' });
    await expectVisible(invitations, { timeout: T.connect });
    await button(invitations, 'Join').click();
    await expectVisible(b.page.getByRole('region', { name: `Chat with ${group}` }), { timeout: T.connect });

    const hello = `hello group ${uniqueName('m')}`;
    await sendMessage(a.page, hello);
    const helloOnB = await waitForMessage(b.page, hello);

    // Bob replies; Alice sees the quote.
    await choose(helloOnB, 'Reply');
    const answer = `answer ${uniqueName('m')}`;
    await sendMessage(b.page, answer);
    const answerOnA = await waitForMessage(a.page, answer);
    await expectText(answerOnA.getByRole('button', { name: new RegExp(hello) }), new RegExp(hello));

    // Alice reacts to it; Bob sees who.
    await react(answerOnA, '👍');
    const answerOnB = await waitForMessage(b.page, answer);
    await eventually(async () => (await reactionCount(answerOnB, '👍')) === 1, { timeout: T.ui, what: 'Bob sees 👍 1' });
    const label = await answerOnB.getByRole('group', { name: 'Reactions' }).getByRole('button').first().getAttribute('aria-label');
    assert.match(label, new RegExp(alice.user), 'the reaction names who reacted');

    // Alice edits, then deletes her message for everyone.
    await choose(ui.message(a.page, hello).first(), 'Edit');
    const fixed = `fixed ${uniqueName('m')}`;
    await ui.composer(a.page).fill(fixed);
    await ui.composer(a.page).press('Enter');
    const fixedOnB = await waitForMessage(b.page, fixed);
    await expectVisible(fixedOnB.getByText('edited', { exact: true }));
    await choose(ui.message(a.page, fixed).first(), 'Delete');
    await dialog(a.page, 'Delete message').getByRole('button', { name: 'Delete for everyone' }).click();
    await expectVisible(ui.message(b.page, 'This message was deleted').first(), { timeout: T.ui });
    await eventually(async () => (await ui.message(b.page, fixed).count()) === 0, { timeout: T.ui, what: 'deleted on Bob\'s side' });

    // Bob shares a photo.
    const pic = png(30, 20, (x) => [x * 8, 100, 50]);
    await b.page.getByLabel('Attach file', { exact: true }).setInputFiles({ name: 'group.png', mimeType: 'image/png', buffer: pic });
    const photo = ui.log(a.page).getByRole('button', { name: 'Open image group.png' });
    await expectVisible(photo, { timeout: T.ui });
    await eventually(() => photo.locator('img').evaluate((el) => el.complete && el.naturalWidth === 30), { timeout: T.ui, what: 'photo decoded' });

    // After a reload Alice sees the same.
    await a.page.reload();
    await waitOnline(a.page);
    await openChat(a.page, group);
    const again = await waitForMessage(a.page, answer);
    await eventually(async () => (await reactionCount(again, '👍')) === 1, { timeout: T.ui, what: '👍 kept' });
    await expectVisible(ui.message(a.page, 'This message was deleted').first());
    await expectVisible(ui.log(a.page).getByRole('button', { name: 'Open image group.png' }), { timeout: T.ui });
    assert.deepEqual(a.dialogs.concat(b.dialogs), []);
  });
});
