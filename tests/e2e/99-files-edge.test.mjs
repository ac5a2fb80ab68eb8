// Issue 5, the edges of sharing: Cancel and Retry of an upload (the server
// goes away mid-upload), files dropped on the chat and pasted into the
// composer, "Copy text", a reply's quote scrolling to the original,
// "Clear stored files" in Settings, and a refused microphone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName } from './lib/env.js';
import { withBrowser, CHROMIUM_ARGS } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { makeContacts } from './lib/xmpp.js';
import { png } from './lib/png.js';
import { eventually, expectText, expectVisible } from './lib/wait.js';
import { ui, T, signIn, openChat, sendMessage, waitForMessage, waitOnline } from './lib/ui.js';
import { attach, bigFile, pair } from './lib/files.js';
import { choose } from './lib/actions.js';

test('Cancel stops an upload; an upload cut by the server failing is Failed and Retry sends it', { timeout: 300_000 }, async (t) => {
  await withBrowser(t, async ({ open }) => {
    const { a, b } = await pair(open, 'ec');
    await attach(a.page).setInputFiles(bigFile('cancel-me.bin', 45 * 1000 * 1000));
    const bar = a.page.getByRole('progressbar', { name: 'Uploading cancel-me.bin' });
    await expectVisible(bar, { timeout: T.ui });
    const bubble = ui.log(a.page).getByRole('article').filter({ has: bar });
    await bubble.getByRole('button', { name: 'Cancel', exact: true }).click();
    await eventually(async () => (await ui.log(a.page).getByText('cancel-me.bin').count()) === 0, { timeout: T.ui, what: 'cancelled file gone' });
    await b.page.waitForTimeout(2000);
    assert.equal(await ui.log(b.page).getByText('cancel-me.bin').count(), 0, 'nothing arrived');

    // The server stops during an upload: the message fails with a reason…
    await attach(a.page).setInputFiles(bigFile('retry-me.bin', 20 * 1000 * 1000));
    await expectVisible(a.page.getByRole('progressbar', { name: 'Uploading retry-me.bin' }), { timeout: T.ui });
    await prosody.stop();
    const failed = ui.log(a.page).getByRole('article').filter({ hasText: 'retry-me.bin' });
    await expectVisible(failed.getByRole('img', { name: 'Failed', exact: true }), { timeout: T.ui });
    await expectVisible(failed.getByRole('button', { name: 'Retry' }));
    // …and Retry, once the server is back, uploads and sends it.
    await prosody.start();
    await waitOnline(a.page);
    await failed.getByRole('button', { name: 'Retry' }).click();
    const link = ui.log(b.page).getByRole('link', { name: 'Download retry-me.bin' });
    await expectVisible(link, { timeout: 120_000 });
    await expectText(link, /\b20 MB/);
  });
});

test('files dropped on the chat or pasted are sent; Copy text; a quote scrolls to its message; Clear stored files', { timeout: 240_000 }, async (t) => {
  await withBrowser(t, async ({ open }) => {
    const { a, b } = await pair(open, 'ed');
    // Drop
    await a.page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['dropped text'], 'dropped.txt', { type: 'text/plain' }));
      document.querySelector('[role="log"]').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await expectVisible(ui.log(b.page).getByRole('link', { name: 'Download dropped.txt' }), { timeout: T.ui });
    // Paste an image into the composer
    const pic = [...png(12, 8, () => [0, 0, 255])];
    await ui.composer(a.page).evaluate((el, bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'pasted.png', { type: 'image/png' }));
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, pic);
    await expectVisible(ui.log(b.page).getByRole('button', { name: 'Open image pasted.png' }), { timeout: T.ui });
    assert.equal(await ui.composer(a.page).inputValue(), '', 'nothing typed by the paste');

    // Copy text
    await a.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const words = `copy me ${uniqueName('c')}`;
    await sendMessage(a.page, words);
    await choose(await waitForMessage(a.page, words), 'Copy text');
    assert.equal(await a.page.evaluate(() => navigator.clipboard.readText()), words);

    // A reply far below its original: clicking the quote brings the original into view.
    const original = `the original ${uniqueName('o')}`;
    await sendMessage(b.page, original);
    await choose(await waitForMessage(a.page, original), 'Reply');
    await sendMessage(a.page, 'about that');
    for (let i = 0; i < 30; i++) await sendMessage(a.page, `filler ${i}`);
    await waitForMessage(a.page, 'filler 29');
    const target = ui.message(a.page, original).first();
    const inView = () => target.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const log = el.closest('[role="log"]').getBoundingClientRect();
      return r.bottom > log.top && r.top < log.bottom;
    });
    await eventually(async () => !(await inView()), { timeout: T.ui, what: 'original scrolled out of view' });
    await ui.message(a.page, 'about that').getByRole('button', { name: new RegExp(original) }).click();
    await eventually(inView, { timeout: T.ui, what: 'original scrolled into view' });

    // Settings: the stored received files, and clearing them.
    await b.page.getByRole('button', { name: 'Settings', exact: true }).click();
    const size = b.page.getByRole('status', { name: 'Stored files size' });
    await expectText(size, /stored on this device: [1-9][\d.]* (bytes|kB)/, { timeout: T.ui });
    await b.page.getByRole('button', { name: 'Clear stored files' }).click();
    await expectText(size, /stored on this device: 0 bytes/, { timeout: T.ui });
  });
});

test('a refused microphone gets a clear message', { timeout: 120_000 }, async (t) => {
  // No fake permission prompt: headless Chromium refuses the microphone.
  const args = CHROMIUM_ARGS.filter((a) => a !== '--use-fake-ui-for-media-stream');
  await withBrowser(t, async ({ open }) => {
    const alice = await prosody.newAccount('ema');
    const bob = await prosody.newAccount('emb');
    await makeContacts(alice, bob);
    const a = await open('alice');
    await signIn(a.page, { address: alice.jid, password: alice.password });
    await openChat(a.page, bob.jid);
    await a.page.getByRole('button', { name: 'Record voice message' }).click();
    await expectText(a.page.getByRole('alert'), /Microphone permission was denied/, { timeout: T.ui });
    assert.equal(await a.page.getByRole('timer', { name: 'Recording time' }).count(), 0);
  }, { args });
});
