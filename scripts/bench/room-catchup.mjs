#!/usr/bin/env node
// Room catch-up timing of Confab in headless Chromium (used by
// scripts/bench.sh; issue 4, "load 10,000 room messages"). Figures only,
// never fails.
//
// Set-up (per run, fresh profile and accounts; a fresh room per part
// below): an owner (@xmpp/client) creates a room (persistent, archived)
// with --occupants occupants in all (the owner, the app's user, and raw
// sessions from tests/e2e/lib/crowd.js) and posts one message. The app
// signs in with "Remember me", joins the room (so it stores the room's
// archive cursor) and is closed (navigates away). Then the owner posts
// --messages - 1 groupchat messages for real (crowd.js sendRoomMessages;
// mod_muc_mam archives them: the archive holds --messages, within Prosody's
// default storage_archive_item_limit of 10,000) and the app is opened again
// (the remembered session). Two parts, on the same profile:
//
//  (i) chat list only: from that navigation (performance.now() origin) to
//        - Connection "Updating…" first seen,
//        - the group's chat-list badge "N unread" (N = --messages - 1),
//        - Connection "Online" after "Updating…" (the catch-up is over),
//        - IndexedDB holding all N of them (count of the room's messages);
//      main-thread long tasks (PerformanceObserver 'longtask', > 50 ms)
//      until then, in total and the longest.
// (ii) the group opened during the catch-up (the user clicks it as soon as
//      the chat list shows): click -> the group's log shown (responsiveness),
//      navigation -> the group joined ("… members" under its name), -> the
//      newest message shown, -> "Online" after "Updating…"; typing 21
//      characters into the composer right after the click (Playwright
//      pressSequentially, 0 ms delay: the time is the page's input latency);
//      long tasks until caught up; then "Load older messages" -> an older
//      page shown.
//
// Needs the environment bench.sh sets for the test Prosody (PROSODY_DATA,
// PROSODY_C2S_PORT, PROSODY_HTTP_PORT).
//
//   node scripts/bench/room-catchup.mjs --app URL [--runs 1] [--messages 10000] [--occupants 5]
import {
  arg, lib, now, register, server, signIn, sleep, statusText, waitOnline, withProfile,
} from './common.mjs';

const withLongTasks = (fn) => withProfile('roomcu', fn, { longtasks: true });
const { connectPeer } = await lib('xmpp.js');
const { createRoom, sendRoomMessages, fillRoom } = await lib('crowd.js');
const { storedSetting, storedCount } = await lib('idb.js');

const app = arg('app');
const runs = Number(arg('runs', 1));
const MESSAGES = Number(arg('messages', 10000));
const OCCUPANTS = Math.max(2, Number(arg('occupants', 5)));
// The room's archive ends up with MESSAGES: one from before the break, the
// rest posted while the app is closed.
const NEW = MESSAGES - 1;
const STEP = 300_000; // give up on a step after this long
const notes = new Set();


const button = (scope, name) => scope.getByRole('button', { name, exact: true });
/** Long tasks between t0 and t1 (performance.now()): { total, max, n }. */
const longTasks = (page, t0, t1 = Infinity) => page.evaluate(([a, b]) => {
  const xs = (window.__longtasks || []).filter((t) => t.start >= a && t.start <= b);
  return { total: xs.reduce((s, t) => s + t.duration, 0), max: Math.max(0, ...xs.map((t) => t.duration)), n: xs.length };
}, [t0, t1]);
const setting = storedSetting;




/** One run: returns { closed, open } (see the header). */
async function run() {
  const member = register('rcm');
  const ownerAccount = register('rco');
  const owner = await connectPeer(ownerAccount);
  const crowds = [];
  try {
    return await withLongTasks(async (page) => {
      const url = `${app}?server=${server}`;
      await signIn(page, url, member);
      const out = {};
      for (const mode of ['closed', 'open']) {
        // A room of its own per mode, so its archive stays within Prosody's
        // storage_archive_item_limit (10,000 by default).
        const title = `Catch-up ${mode} ${Math.random().toString(36).slice(2, 7)}`;
        const room = await createRoom(owner, { nick: 'owner', title });
        if (OCCUPANTS > 2) crowds.push(await fillRoom(room, { count: OCCUPANTS - 2, nickPrefix: 'guest' }));
        await sendRoomMessages(owner, room, 1, { prefix: 'welcome' });
        if (mode !== 'closed') { await page.goto(url); await waitOnline(page); }
        await button(page, 'Join group').click();
        const d = page.getByRole('dialog', { name: 'Join group' });
        await d.getByRole('textbox', { name: 'Group address' }).fill(room);
        await button(d, 'Join').click();
        await page.getByRole('region', { name: /^Chat with / }).waitFor({ state: 'visible', timeout: 60_000 });
        const cursorKey = `mam_last:${room}`;
        const end0 = Date.now() + 30_000;
        while (!(await setting(page, member.jid, cursorKey)) && Date.now() < end0) await sleep(100);
        if (!(await setting(page, member.jid, cursorKey))) notes.add(`(${mode}) the room cursor was not stored after the first join`);
        const chats = page.getByRole('navigation', { name: 'Chats' });
        const row = chats.getByRole('button', { name: title }).or(chats.getByRole('link', { name: title })).first();
        const expected = 1 + NEW; // the welcome message and the new ones
        await page.goto('about:blank'); // the app is closed: its socket goes
        await sleep(1_000);
        const t0 = Date.now();
        const bodies = await sendRoomMessages(owner, room, NEW, { prefix: `rc${mode}` });
        const seed = Date.now() - t0;
        const newest = bodies[bodies.length - 1];
        await page.goto(url);
        const r = { seed, updating: null, badge: null, online: null, stored: null, clicked: null, shown: null,
          joined: null, newest: null, typing: null, older: null, lt: null };
        const badge = row.getByLabel(`${NEW} unread`, { exact: true });
        const log = page.getByRole('log', { name: 'Messages' });
        const group = page.getByRole('region', { name: /^Chat with / });
        const newestMsg = log.getByRole('article').filter({ hasText: newest });
        const box = page.getByRole('textbox', { name: 'Message', exact: true });
        let done = false;
        let polls = 0;
        const end = Date.now() + STEP;
        while (Date.now() < end && !done) {
          const t = await now(page);
          const text = await statusText(page);
          if (r.updating === null && /^Updating/.test(text)) r.updating = t;
          if (r.online === null && r.updating !== null && /^Online/.test(text)) r.online = t;
          // Everything stored (all pages, not only the newest).
          if (r.stored === null && polls++ % 8 === 0 && (await storedCount(page, member.jid, room)) >= expected) r.stored = t;
          // Over: the UI signal, all stored, and "Online" again if "Updating…" showed.
          const over = r.stored !== null && (r.updating === null || r.online !== null);
          if (mode === 'closed') {
            if (r.badge === null && await badge.count().catch(() => 0)) r.badge = t;
            done = r.badge !== null && over;
          } else {
            if (r.clicked === null && await row.count().catch(() => 0)) {
              await row.click();
              r.clicked = t;
              await log.waitFor({ state: 'visible', timeout: 60_000 }).catch(() => {});
              r.shown = (await now(page)) - t;
              // Typing at once, while the catch-up runs.
              if (await box.count()) {
                const a = await now(page);
                await box.pressSequentially('typing while updating', { delay: 0 });
                r.typing = (await now(page)) - a;
                await box.fill('');
              }
            }
            if (r.clicked !== null && r.joined === null && /\d+ members/.test(await group.first().innerText({ timeout: 1_000 }).catch(() => ''))) r.joined = t;
            if (r.newest === null && await newestMsg.count().catch(() => 0)) r.newest = t;
            done = r.newest !== null && over;
          }
          await sleep(25);
        }
        const tDone = await now(page);
        r.lt = await longTasks(page, 0, tDone);
        r.count = await storedCount(page, member.jid, room);
        if (r.count !== expected) notes.add(`(${mode}) IndexedDB holds ${r.count} messages of the room, expected ${expected}`);
        if (r.updating === null) notes.add(`(${mode}) Connection never read "Updating…"`);
        if (mode === 'closed' && r.badge === null) notes.add(`(i) no badge "${NEW} unread" within ${STEP / 1000} s`);
        if (mode === 'open' && r.newest === null) notes.add(`(ii) the newest message was not shown within ${STEP / 1000} s`);
        if (mode === 'open' && r.newest !== null) {
          const older = button(page, 'Load older messages');
          if (await older.count()) {
            const before = await log.getByRole('article').count();
            r.articles = before;
            const t1 = await now(page);
            await older.click();
            const end3 = Date.now() + 60_000;
            while (Date.now() < end3) {
              if ((await log.getByRole('article').count()) > before) { r.older = (await now(page)) - t1; break; }
              await sleep(25);
            }
            if (r.older === null) notes.add('(ii) "Load older messages" showed nothing more within 60 s');
          } else {
            r.articles = await log.getByRole('article').count();
            notes.add(`(ii) no "Load older messages" button (${r.articles} articles in the log)`);
          }
        }
        out[mode] = r;
      }
      return out;
    });
  } finally {
    for (const c of crowds) await c.close();
    await owner.stop();
  }
}

const fmt = (xs) => {
  xs = xs.filter((x) => typeof x === 'number');
  if (!xs.length) return 'n/a';
  const s = [...xs].sort((a, b) => a - b);
  const med = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return `median ${med.toFixed(0).padStart(6)} ms   (min ${s[0].toFixed(0)}, max ${s[s.length - 1].toFixed(0)}, n=${s.length})`;
};

const results = [];
for (let i = 0; i < runs; i++) {
  try { results.push(await run()); } catch (e) { notes.add(`run failed: ${e.message.split('\n')[0]}`); }
}
const C = results.map((r) => r.closed).filter(Boolean);
const O = results.map((r) => r.open).filter(Boolean);
const N = NEW;
console.log(`  app ${app}; room of ${OCCUPANTS} occupants, ${MESSAGES} archived: ${N} posted while the app was closed, ${runs} runs`);
console.log(`  set-up: ${N} messages sent and archived in                ${fmt([...C, ...O].map((r) => r.seed))}`);
console.log(`  (i) reopen -> Connection "Updating…"                     ${fmt(C.map((r) => r.updating))}`);
console.log(`  (i) reopen -> group badge "${N} unread"                 ${fmt(C.map((r) => r.badge))}`);
console.log(`  (i) reopen -> "Online" after the catch-up                ${fmt(C.map((r) => r.online))}`);
console.log(`  (i) reopen -> all ${N} in IndexedDB                     ${fmt(C.map((r) => r.stored))}`);
console.log(`  (i) long tasks until caught up, total                    ${fmt(C.map((r) => r.lt && r.lt.total))}`);
console.log(`  (i) long tasks until caught up, longest                  ${fmt(C.map((r) => r.lt && r.lt.max))}`);
console.log(`  (ii) click the group -> its log shown                    ${fmt(O.map((r) => r.shown))}`);
console.log(`  (ii) reopen -> group joined ("… members")                ${fmt(O.map((r) => r.joined))}`);
console.log(`  (ii) reopen -> newest message shown                      ${fmt(O.map((r) => r.newest))}`);
console.log(`  (ii) reopen -> "Online" after the catch-up               ${fmt(O.map((r) => r.online))}`);
console.log(`  (ii) reopen -> all in IndexedDB                          ${fmt(O.map((r) => r.stored))}`);
console.log(`  (ii) typing 21 characters right after the click            ${fmt(O.map((r) => r.typing))}`);
console.log(`  (ii) long tasks until caught up, total                   ${fmt(O.map((r) => r.lt && r.lt.total))}`);
console.log(`  (ii) long tasks until caught up, longest                 ${fmt(O.map((r) => r.lt && r.lt.max))}`);
console.log(`  (ii) articles in the log when caught up                  ${O.map((r) => r.articles ?? 'n/a').join(', ')}`);
console.log(`  (ii) "Load older messages" -> older page shown           ${fmt(O.map((r) => r.older))}`);
for (const n of notes) console.log(`  note: ${n}`);
process.exit(0);
