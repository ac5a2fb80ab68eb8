// Issue 3: 5,000 messages arrive while alice's app is signed in but cut off
// (proxy held). After reconnecting, the catch-up ("Updating…") brings the
// chat with "5000 unread"; opening it and paging back ("Load older messages"
// or scrolling to the top) reaches the very first message; no message is
// shown twice and none is missing in between.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env } from './lib/env.js';
import { withBrowser } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { makeContacts } from './lib/xmpp.js';
import { startProxy } from './lib/proxy.js';
import { seedArchive } from './lib/seed.js';
import { eventually, expectVisible } from './lib/wait.js';
import { ui, T, signIn, openChat, waitOnline } from './lib/ui.js';
import { unreadBadge, waitNotOnline } from './lib/delivery.js';

const N = 5000;

test('5,000 messages archived while offline: caught up, 5000 unread, paged back to the first, no duplicates', { timeout: 600_000 }, async (t) => {
  const alice = await prosody.newAccount('big');
  const bob = await prosody.newAccount('bigpeer');
  await makeContacts(alice, bob);
  const proxy = await startProxy(env.httpPort);
  try {
    await withBrowser(t, async ({ open }) => {
      const s = await open('alice');
      const page = s.page;
      await signIn(page, { address: alice.jid, password: alice.password, server: proxy.wsUrl });

      // Cut off; the history piles up meanwhile (time-stamped after this point).
      proxy.hold();
      await waitNotOnline(page);
      const heldAt = Math.floor(Date.now() / 1000);
      const t0 = Date.now();
      const bodies = await seedArchive({ from: bob, to: alice, count: N, start: heldAt });
      t.diagnostic(`seeded ${N} in ${Date.now() - t0} ms`);
      const number = (text) => { const m = /#(\d{5})\/05000/.exec(text); return m ? Number(m[1]) : 0; };

      proxy.release();
      const tRelease = Date.now();
      // The catch-up shows as "Updating…" and ends "Online".
      await waitOnline(page, 300_000);
      await expectVisible(unreadBadge(page, bob.user, N), { timeout: 300_000 });
      t.diagnostic(`release -> "${N} unread" in ${Date.now() - tRelease} ms`);

      await openChat(page, bob.user);
      await expectVisible(ui.log(page).getByRole('separator', { name: 'New messages' }), { timeout: T.ui });
      // The newest message is there.
      await expectVisible(ui.message(page, bodies[N - 1]), { timeout: 60_000 });

      // Page back until the first message shows.
      const older = ui.log(page).getByRole('button', { name: 'Load older messages' })
        .or(page.getByRole('button', { name: 'Load older messages' }));
      const first = ui.message(page, bodies[0]);
      const tBack = Date.now();
      await eventually(async () => {
        if (await first.count()) return true;
        if (await older.first().isVisible()) await older.first().click();
        else {
          await ui.log(page).hover();
          await page.mouse.wheel(0, -20_000);
        }
        return false;
      }, { timeout: 300_000, interval: 100, what: 'the first message after paging back' });
      t.diagnostic(`paged back to the first message in ${Date.now() - tBack} ms`);
      // Nothing older exists: the button goes away (after at most a few more tries).
      await eventually(async () => {
        if (!(await older.count())) return true;
        if (await older.first().isVisible()) await older.first().click();
        return false;
      }, { timeout: 60_000, interval: 500, what: '"Load older messages" gone at the start of the history' });

      // No duplicates and no holes: one article per message, consecutive numbers.
      const texts = await ui.messages(page).allInnerTexts();
      const nums = texts.map(number).filter((x) => x > 0);
      assert.equal(nums.length, texts.length, 'every article is one of the seeded messages');
      assert.equal(new Set(nums).size, nums.length, 'no message shown twice');
      assert.equal(nums[0], 1, 'the first message is at the top');
      assert.ok(nums.every((x, i) => i === 0 || x === nums[i - 1] + 1), 'consecutive, in order: no message missing');
      t.diagnostic(`${nums.length} articles rendered (${nums[0]}..${nums[nums.length - 1]})`);
      if (nums.length === N) assert.equal(nums[N - 1], N);
    });
  } finally {
    await proxy.close();
  }
});
