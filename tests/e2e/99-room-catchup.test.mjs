// Issue 4, room catch-up: Alice's remembered session joined a group once
// (so it stored the room's archive cursor) and was closed; meanwhile 600
// messages were posted to the room (more than two archive pages of 250,
// sent for real by a peer: tests/e2e/lib/crowd.js). When the app opens
// again it catches the room up page after page from the cursor: the group
// shows "600 unread", Connection reads "Updating…" while the room's pages
// come in, the store holds every message once, and scrolling back through
// the group reaches the message from before, with all 600 once and in
// order in between.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, appUrl } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { connectPeer } from './lib/xmpp.js';
import { createRoom, sendRoomMessages } from './lib/crowd.js';
import { storedCount, storedSetting } from './lib/idb.js';
import { eventually, expectVisible } from './lib/wait.js';
import { ui, T, signIn, waitOnline } from './lib/ui.js';
import { unreadBadge } from './lib/delivery.js';

const N = 600;
const button = (scope, name) => scope.getByRole('button', { name, exact: true });

test('a room caught up after the app was closed: 600 messages paged in, "Updating…", each once and in order', { timeout: 150_000 }, async (t) => {
  const alice = await prosody.newAccount('rca');
  const ownerAccount = await prosody.newAccount('rco');
  const owner = await connectPeer(ownerAccount);
  try {
    const title = `Catch-up ${Date.now().toString(36)}`;
    const room = await createRoom(owner, { nick: 'owner', title });
    const [welcome] = await sendRoomMessages(owner, room, 1, { prefix: 'welcome' });

    await withBrowser(t, async ({ open }) => {
      const { page, context } = await open('alice');
      // What the Connection status and the group's chat-list preview show,
      // each time the page changes: [status, newest message number seen].
      await context.addInitScript(() => {
        window.__states = [];
        const rec = () => {
          const st = document.querySelector('[role="status"][aria-label="Connection"]');
          const nav = document.querySelector('nav[aria-label="Chats"]');
          const nums = [...(nav ? nav.innerText : '').matchAll(/#(\d{5})\/00600/g)].map((m) => Number(m[1]));
          window.__states.push([st ? st.innerText.trim() : '', Math.max(0, ...nums)]);
        };
        new MutationObserver(rec).observe(document, { subtree: true, childList: true, characterData: true });
      });
      await signIn(page, { address: alice.jid, password: alice.password, remember: true });
      await button(page, 'Join group').click();
      const dialog = page.getByRole('dialog', { name: 'Join group' });
      await dialog.getByRole('textbox', { name: 'Group address' }).fill(room);
      await button(dialog, 'Join').click();
      await expectVisible(ui.message(page, welcome), { timeout: T.connect });
      await eventually(async () => !!(await storedSetting(page, alice.jid, `mam_last:${room}`)),
        { timeout: T.ui, what: "the room's archive cursor stored" });

      // The app is closed; the room goes on without it.
      await page.goto('about:blank');
      const t0 = Date.now();
      const bodies = await sendRoomMessages(owner, room, N, { prefix: 'rc' });
      t.diagnostic(`${N} room messages sent and archived in ${Date.now() - t0} ms`);
      const number = (text) => { const m = /#(\d{5})\/00600/.exec(text); return m ? Number(m[1]) : 0; };

      const t1 = Date.now();
      await page.goto(appUrl());
      await expectVisible(unreadBadge(page, title, N), { timeout: 60_000 });
      t.diagnostic(`reopen -> "${N} unread" in ${Date.now() - t1} ms`);
      await waitOnline(page, 60_000);
      await eventually(async () => (await storedCount(page, alice.jid, room)) === N + 1,
        { timeout: T.ui, what: `the store holding ${N + 1} messages of the room` });

      // "Updating…" showed while the room's pages came in: with part of the
      // 600 in (the preview at the end of a page), not yet the last.
      const states = await page.evaluate(() => window.__states);
      const during = states.filter(([st, n]) => /^Updating/.test(st) && n > 0 && n < N);
      assert.ok(during.length > 0, `"Updating…" while the room was partly caught up; seen: ${JSON.stringify(
        states.filter(([, n], i) => i === 0 || n !== states[i - 1][1]).slice(0, 20))}`);
      assert.ok(/^Online/.test(states[states.length - 1][0]), 'Online once caught up');

      // Open the group and scroll back to the message from before the break.
      await ui.chat(page, title).first().click();
      await expectVisible(ui.message(page, bodies[N - 1]), { timeout: T.ui });
      const older = button(page, 'Load older messages');
      const first = ui.message(page, welcome);
      await eventually(async () => {
        if (await first.count()) return true;
        if (await older.first().isVisible()) await older.first().click();
        else {
          await ui.log(page).hover();
          await page.mouse.wheel(0, -20_000);
        }
        return false;
      }, { timeout: 60_000, interval: 100, what: 'the message from before, after scrolling back' });

      const texts = await ui.messages(page).allInnerTexts();
      assert.ok(texts[0].includes(welcome.split(' ').slice(0, 2).join(' ')), `the message from before is at the top: ${texts[0]}`);
      const nums = texts.slice(1).map(number);
      assert.equal(nums.length, N, `${N} room messages after it (${texts.length} articles)`);
      assert.ok(nums.every((x, i) => x === i + 1), `each once and in order: ${nums.filter((x, i) => x !== i + 1).slice(0, 10)}`);
    });
  } finally {
    await owner.stop();
  }
});
