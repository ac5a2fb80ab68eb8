#!/usr/bin/env node
// Big-room timing of Confab in headless Chromium (used by scripts/bench.sh;
// issue 4, "a room with 2,000 occupants and 10,000 archived messages without
// freezing"). Figures only, never fails.
//
// Set-up (once): an owner (@xmpp/client) creates a room on the test
// Prosody's MUC service (persistent, non-anonymous, archived) and sends
// --messages groupchat messages into it (mod_muc_mam archives them). The
// crowd (tests/e2e/lib/crowd.js: raw c2s sessions, one per occupant) joins
// later, so the messages are not broadcast to every occupant.
//
//  (i) presence burst: a signed-in app joins the room while only the owner
//      is in, opens Members; then the crowd of --occupants - 1 joins (the
//      owner makes --occupants). Measured: main-thread long tasks
//      (PerformanceObserver 'longtask', > 50 ms each) during the fill, in
//      total and the longest; and fill end -> Members heading shows the
//      whole count.
// (ii) joining the full room (--runs runs, fresh profile and account each):
//      from the click on "Join" (dialog "Join group") to
//        - the group open (region "Chat with …"),
//        - the Members heading "N members" with N = occupants + us,
//        - a member row rendered (the owner's nickname in the list),
//        - the newest archived message shown in the log,
//      long tasks from the click until all of these, in total and the
//      longest; then "Load older messages" -> more messages in the log.
//      Each run ends with "Leave group", so the next one sees the same count.
//
// Needs the environment bench.sh sets for the test Prosody (PROSODY_DATA,
// PROSODY_C2S_PORT, PROSODY_HTTP_PORT).
//
//   node scripts/bench/rooms.mjs --app URL --runs N [--occupants 2000] [--messages 10000]
import {
  arg, lib, now, register, server, signIn, sleep, withProfile,
} from './common.mjs';

const withLongTasks = (fn) => withProfile('rooms', fn, { longtasks: true });
const { connectPeer } = await lib('xmpp.js');
const { createRoom, sendRoomMessages, fillRoom } = await lib('crowd.js');

const app = arg('app');
const runs = Number(arg('runs', 2));
const OCCUPANTS = Number(arg('occupants', 2000));
const MESSAGES = Number(arg('messages', 10000));
const STEP = 180_000; // give up on a step after this long
const notes = new Set();


const button = (scope, name) => scope.getByRole('button', { name, exact: true });
const members = (page) => page.getByRole('region', { name: 'Members' });
/** Long tasks since `t0` (performance.now()): { total, max, n }. */
const longTasks = (page, t0, t1 = Infinity) => page.evaluate(([a, b]) => {
  const xs = (window.__longtasks || []).filter((t) => t.start >= a && t.start <= b);
  return { total: xs.reduce((s, t) => s + t.duration, 0), max: Math.max(0, ...xs.map((t) => t.duration)), n: xs.length };
}, [t0, t1]);
/** The count in the Members heading ("2001 members"), or null. */
async function memberCount(page) {
  try {
    const h = members(page).getByRole('heading');
    if (!(await h.count())) return null;
    const m = /(\d+) members/.exec(await h.first().innerText({ timeout: 1_000 }));
    return m ? Number(m[1]) : null;
  } catch { return null; }
}



/** "Join group" -> address -> "Join"; resolves with performance.now() just before the click. */
async function join(page, room) {
  await button(page, 'Join group').click();
  const d = page.getByRole('dialog', { name: 'Join group' });
  await d.getByRole('textbox', { name: 'Group address' }).fill(room);
  const t0 = await now(page);
  await button(d, 'Join').click();
  return t0;
}

async function leave(page) {
  await button(page, 'Leave group').click().catch(() => {});
  await sleep(500);
}

/** (i) Returns { total, max, n, shown } (ms; shown from the fill's end). */
async function burstRun(room, fill) {
  const who = register('rmb');
  return withLongTasks(async (page) => {
    await signIn(page, `${app}?server=${server}`, who);
    await join(page, room);
    await page.getByRole('region', { name: /^Chat with / }).waitFor({ state: 'visible', timeout: 60_000 });
    await button(page, 'Members').click();
    await members(page).waitFor({ state: 'visible' });
    const t0 = await now(page);
    const crowd = await fill();
    const t1 = await now(page);
    const want = OCCUPANTS + 1;
    let shown = null;
    const end = Date.now() + STEP;
    while (Date.now() < end) {
      const c = await memberCount(page);
      if (c !== null && c >= want) { shown = (await now(page)) - t1; break; }
      await sleep(25);
    }
    if (shown === null) notes.add(`(i) the Members heading did not reach ${want} within ${STEP / 1000} s (last: ${await memberCount(page)})`);
    const lt = await longTasks(page, t0);
    await leave(page);
    return { crowd, r: { ...lt, shown, fill: t1 - t0 } };
  });
}

/** (ii) Returns ms from the click: { open, count, row, newest, older, lt }. */
async function joinRun(room, owner, newest) {
  const who = register('rmj');
  return withLongTasks(async (page) => {
    await signIn(page, `${app}?server=${server}`, who);
    const t0 = await join(page, room);
    const want = OCCUPANTS + 1;
    const r = { open: null, count: null, row: null, newest: null, older: null, lt: null };
    const group = page.getByRole('region', { name: /^Chat with / });
    const log = page.getByRole('log', { name: 'Messages' });
    const newestMsg = log.getByRole('article').filter({ hasText: newest });
    const ownerRow = members(page).getByText(owner, { exact: true });
    let clicked = false;
    const end = Date.now() + STEP;
    while (Date.now() < end && (r.open === null || r.count === null || r.row === null || r.newest === null)) {
      const t = (await now(page)) - t0;
      if (r.open === null && await group.count()) r.open = t;
      if (r.open !== null && !clicked) { await button(page, 'Members').click(); clicked = true; }
      if (clicked && r.count === null) {
        const c = await memberCount(page);
        if (c !== null && c >= want) { r.count = t; r.rows = await members(page).getByRole('listitem').count(); }
      }
      if (clicked && r.row === null && await ownerRow.count()) r.row = t;
      if (r.newest === null && await newestMsg.count()) r.newest = t;
      await sleep(25);
    }
    r.lt = await longTasks(page, t0);
    if (r.count === null) notes.add(`(ii) the Members heading did not reach ${want} within ${STEP / 1000} s (last: ${await memberCount(page)})`);
    if (r.newest === null) notes.add('(ii) the newest archived message was not shown');
    // Scrolling back: one older page.
    const older = button(page, 'Load older messages');
    if (r.newest !== null && await older.count()) {
      const before = await log.getByRole('article').count();
      const t1 = await now(page);
      await older.click();
      const end2 = Date.now() + 60_000;
      while (Date.now() < end2) {
        if ((await log.getByRole('article').count()) > before) { r.older = (await now(page)) - t1; break; }
        await sleep(25);
      }
      if (r.older === null) notes.add('(ii) "Load older messages" showed nothing more within 60 s');
    } else if (r.newest !== null) notes.add('(ii) no "Load older messages" button');
    await leave(page);
    return r;
  });
}

const fmt = (xs) => {
  xs = xs.filter((x) => typeof x === 'number');
  if (!xs.length) return 'n/a';
  const s = [...xs].sort((a, b) => a - b);
  const med = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return `median ${med.toFixed(0).padStart(6)} ms   (min ${s[0].toFixed(0)}, max ${s[s.length - 1].toFixed(0)}, n=${s.length})`;
};

const ownerAccount = register('rmo');
const owner = await connectPeer(ownerAccount);
let crowd = null;
const burst = [];
const joins = [];
let setup = {};
try {
  const t0 = Date.now();
  const room = await createRoom(owner, { nick: 'owner' });
  const bodies = await sendRoomMessages(owner, room, MESSAGES);
  setup.seed = Date.now() - t0;
  const fill = async () => {
    const t = Date.now();
    crowd = await fillRoom(room, { count: OCCUPANTS - 1, nickPrefix: 'guest' });
    setup.fill = Date.now() - t;
    return crowd;
  };
  try {
    burst.push((await burstRun(room, fill)).r);
  } catch (e) { notes.add(`(i) run failed: ${e.message.split('\n')[0]}`); }
  if (!crowd) crowd = await fill();
  for (let i = 0; i < runs; i++) {
    try { joins.push(await joinRun(room, 'owner', bodies[bodies.length - 1])); } catch (e) { notes.add(`(ii) run failed: ${e.message.split('\n')[0]}`); }
  }
} catch (e) {
  notes.add(`set-up failed: ${e.message.split('\n')[0]}`);
} finally {
  if (crowd) await crowd.close();
  await owner.stop();
}
const ms = (x) => (typeof x === 'number' ? `${x.toFixed(0)} ms` : 'n/a');
console.log(`  app ${app}; room of ${OCCUPANTS} occupants + us, ${MESSAGES} archived messages`);
console.log(`  set-up: ${MESSAGES} messages sent and archived in ${ms(setup.seed)}, ${OCCUPANTS - 1} occupants joined in ${ms(setup.fill)}`);
for (const b of burst) {
  console.log(`  burst: ${OCCUPANTS - 1} joining while Members is open: long tasks ${b.total.toFixed(0)} ms in total ` +
    `(${b.n}, longest ${b.max.toFixed(0)} ms) over ${ms(b.fill)}; fill end -> "${OCCUPANTS + 1} members" ${ms(b.shown)}`);
}
console.log(`  join (${runs} runs, fresh profile each): click Join -> group open          ${fmt(joins.map((r) => r.open))}`);
console.log(`  join: click Join -> "${OCCUPANTS + 1} members"                             ${fmt(joins.map((r) => r.count))}`);
console.log(`  join: click Join -> member row shown                           ${fmt(joins.map((r) => r.row))}`);
console.log(`  join: member rows in the DOM then                              ${joins.map((r) => r.rows ?? 'n/a').join(', ')}`);
console.log(`  join: click Join -> newest archived message shown              ${fmt(joins.map((r) => r.newest))}`);
console.log(`  join: long tasks until then, total                             ${fmt(joins.map((r) => r.lt && r.lt.total))}`);
console.log(`  join: long tasks until then, longest                           ${fmt(joins.map((r) => r.lt && r.lt.max))}`);
console.log(`  join: "Load older messages" -> older page shown                ${fmt(joins.map((r) => r.older))}`);
for (const n of notes) console.log(`  note: ${n}`);
process.exit(0);
