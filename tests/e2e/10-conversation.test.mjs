// (a) Two people create accounts in the app ("Create account", XEP-0077),
// add each other ("New chat" + "Accept") and talk both ways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, uniqueName } from './lib/env.js';
import { withBrowser } from './lib/browser.js';
import { eventually, expectVisible } from './lib/wait.js';
import { ui, T, createAccount, startChat, openChat, sendMessage, waitForMessage, receiptState, RECEIPT_STATES } from './lib/ui.js';

test('two new accounts add each other and exchange messages both ways', { timeout: 240_000 }, async (t) => {
  await withBrowser(t, async ({ open }) => {
    const a = await open('alice');
    const b = await open('bob');
    const accA = { address: `${uniqueName('ann')}@${env.domain}`, password: 'ann-secret-1' };
    const accB = { address: `${uniqueName('ben')}@${env.domain}`, password: 'ben-secret-2' };

    await createAccount(a.page, accA);
    await createAccount(b.page, accB);

    // Ann starts a chat with Ben: roster add + subscription request.
    await startChat(a.page, accB.address);

    // Ben sees the request in the chat list area and accepts it.
    await expectVisible(ui.accept(b.page), { timeout: T.ui });
    await ui.accept(b.page).first().click();
    // If Ann is (already) asked to approve Ben's subscription back, she accepts too.
    if (await ui.accept(a.page).first().isVisible()) await ui.accept(a.page).first().click();

    // Ann -> Ben
    const hello = `hello Ben ${uniqueName('m')}`;
    await sendMessage(a.page, hello);
    const mine = await waitForMessage(a.page, hello);
    const state = await eventually(() => receiptState(mine), { timeout: T.ui, what: 'a receipt state img on an own message' });
    assert.ok(RECEIPT_STATES.includes(state));
    await openChat(b.page, accA.address.split('@')[0]);
    await waitForMessage(b.page, hello);

    // Ben -> Ann
    const reply = `hi Ann ${uniqueName('m')}`;
    await sendMessage(b.page, reply);
    await waitForMessage(b.page, reply);
    await waitForMessage(a.page, reply);

    // The own message ends up at least "Sent" (never stuck on "Failed").
    await eventually(async () => ['Sent', 'Delivered', 'Read'].includes(await receiptState(mine)),
      { timeout: T.ui, what: 'own message acknowledged' });
    assert.deepEqual(a.dialogs.concat(b.dialogs), []);
  });
});
