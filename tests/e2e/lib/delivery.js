// Helpers for the "never lose a message" tests (issue 3): numbered message
// runs, what a peer received, what the app's log shows, the ticks on own
// messages, receipts/markers from an @xmpp/client peer. Everything in the
// page is read through roles and accessible names (see ui.js).
import assert from 'node:assert/strict';
import { xml, bare } from './xmpp.js';
import { ui, T } from './ui.js';
import { eventually } from './wait.js';

export const TICKS = ['Pending', 'Sent', 'Delivered', 'Read', 'Failed'];

/**
 * A run of n numbered, unique message bodies: `${tag} #01 ...`. run.re finds
 * the numbers in any text (global), run.index(text) -> 1-based number or 0.
 */
export function messageRun(tag, n, { words = 'the quick brown fox' } = {}) {
  const width = Math.max(2, String(n).length);
  const bodies = Array.from({ length: n }, (_, i) => `${tag} #${String(i + 1).padStart(width, '0')} ${words}`);
  const re = new RegExp(`${tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} #(\\d{${width}})\\b`, 'g');
  return {
    tag, n, bodies, re,
    /** All message numbers found in a text, in order. */
    numbers(text) { return [...String(text).matchAll(re)].map((m) => Number(m[1])); },
  };
}

/** Types each body into the composer and presses Enter, as fast as the UI takes it. */
export async function typeMessages(page, bodies) {
  const box = ui.composer(page);
  for (const b of bodies) {
    await box.fill(b);
    await box.press('Enter');
  }
}

/**
 * The message numbers of `run` shown in the open chat's log, one entry per
 * article in document order (an article without a number of this run is
 * left out; one with two numbers fails).
 */
export async function logNumbers(page, run) {
  const texts = await ui.messages(page).allInnerTexts();
  const out = [];
  for (const t of texts) {
    const ns = run.numbers(t);
    assert.ok(ns.length <= 1, `one message per article, got ${JSON.stringify(t.slice(0, 200))}`);
    if (ns.length) out.push(ns[0]);
  }
  return out;
}

/** Asserts numbers is exactly 1..n (or first..last), each once, in order. */
export function assertExactlyOnceInOrder(numbers, n, what, { first = 1 } = {}) {
  const dups = numbers.filter((x, i) => numbers.indexOf(x) !== i);
  assert.deepEqual([...new Set(dups)], [], `${what}: duplicates`);
  const missing = [];
  for (let i = first; i <= n; i++) if (!numbers.includes(i)) missing.push(i);
  assert.deepEqual(missing, [], `${what}: missing messages`);
  assert.deepEqual(numbers, Array.from({ length: n - first + 1 }, (_, i) => first + i), `${what}: order`);
}

/** Waits until the open chat's log shows all n messages of run; returns their numbers. */
export async function waitLogComplete(page, run, { timeout = T.ui } = {}) {
  let nums = [];
  await eventually(async () => {
    nums = await logNumbers(page, run);
    return new Set(nums).size >= run.n;
  }, { timeout, what: `all ${run.n} messages of ${run.tag} in the log` }).catch((e) => {
    throw new Error(`${e.message}; log shows ${JSON.stringify(nums)}`);
  });
  return nums;
}

/**
 * Counts of each tick over the own messages of `run` in the open chat:
 * { Pending, Sent, Delivered, Read, Failed, none } (none: an article of the
 * run without a tick img).
 */
export async function tickCounts(page, run) {
  const counts = Object.fromEntries([...TICKS, 'none'].map((k) => [k, 0]));
  const articles = ui.messages(page).filter({ hasText: run.tag });
  const n = await articles.count();
  for (let i = 0; i < n; i++) {
    const a = articles.nth(i);
    let state = 'none';
    for (const s of TICKS) {
      if (await a.getByRole('img', { name: s, exact: true }).count()) { state = s; break; }
    }
    counts[state] += 1;
  }
  return counts;
}

/**
 * Waits until every one of the run's n own messages has a tick in `states`
 * (default Delivered or Read); returns the last counts.
 */
export async function waitTicks(page, run, { states = ['Delivered', 'Read'], timeout = T.ui } = {}) {
  let c = {};
  await eventually(async () => {
    c = await tickCounts(page, run);
    return states.reduce((sum, s) => sum + c[s], 0) === run.n;
  }, { timeout, what: `${run.n} messages of ${run.tag} all ${states.join(' or ')}` }).catch((e) => {
    throw new Error(`${e.message}; ticks: ${JSON.stringify(c)}`);
  });
  return c;
}

/**
 * Makes an @xmpp/client peer behave like a receiving client: answers every
 * XEP-0184 receipt request, and with displayed: true also sends a XEP-0333
 * displayed marker for every markable message. Returns a function that stops it.
 */
export function autoReceipts(peer, { displayed = false } = {}) {
  const on = (st) => {
    if (!st.is('message') || st.attrs.type === 'error' || !st.getChild('body')) return;
    if (st.getChild('result', 'urn:xmpp:mam:2')) return;
    const to = st.attrs.from;
    const id = st.attrs.id;
    if (!id) return;
    if (st.getChild('request', 'urn:xmpp:receipts')) {
      peer.send(xml('message', { to, id: `rcpt-${id}` }, xml('received', { xmlns: 'urn:xmpp:receipts', id }))).catch(() => {});
    }
    if (displayed && st.getChild('markable', 'urn:xmpp:chat-markers:0')) {
      peer.send(xml('message', { to: bare(to), type: 'chat', id: `dsp-${id}` },
        xml('displayed', { xmlns: 'urn:xmpp:chat-markers:0', id }))).catch(() => {});
    }
  };
  peer.xmpp.on('stanza', on);
  return () => peer.xmpp.removeListener('stanza', on);
}

/**
 * The message numbers of `run` a peer received from `from` (bare JID), in
 * arrival order, one per stanza (so duplicates on the wire show up).
 */
export function receivedNumbers(peer, from, run) {
  return peer.stanzas
    .filter((st) => st.is('message') && st.attrs.type !== 'error' && bare(st.attrs.from) === from && st.getChild('body'))
    .flatMap((st) => run.numbers(st.getChildText('body')));
}

/** Waits until the peer got all n of the run, then a little longer for late duplicates. */
export async function waitReceivedAll(peer, from, run, { timeout = 90_000, settle = 2_000 } = {}) {
  await eventually(() => new Set(receivedNumbers(peer, from, run)).size >= run.n,
    { timeout, what: `${peer.jid} received all ${run.n} of ${run.tag}` }).catch((e) => {
    throw new Error(`${e.message}; got ${JSON.stringify(receivedNumbers(peer, from, run))}`);
  });
  await new Promise((r) => setTimeout(r, settle));
  return receivedNumbers(peer, from, run);
}

/** Sends a chat message that asks for receipts and is markable, like a real client. */
export function sendMarkable(peer, to, body) {
  const id = `e2e-${Math.random().toString(36).slice(2, 10)}`;
  return peer.send(xml('message', { to, type: 'chat', id },
    xml('body', {}, body),
    xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id }),
    xml('request', { xmlns: 'urn:xmpp:receipts' }),
    xml('markable', { xmlns: 'urn:xmpp:chat-markers:0' })));
}

/** The "N unread" badge (aria-label) inside a chat-list entry. */
export function unreadBadge(page, who, n) {
  return ui.chat(page, who).getByLabel(n === undefined ? /^\d+ unread$/ : `${n} unread`, { exact: n !== undefined });
}

/** The Connection status text right now ('' if not shown). */
export async function connectionText(page) {
  const st = ui.connection(page);
  if (!(await st.count())) return '';
  return (await st.first().innerText()).trim();
}

/** Waits until Connection is no longer "Online" (the app noticed a fault). */
export async function waitNotOnline(page, { timeout = 60_000 } = {}) {
  let text = '';
  await eventually(async () => {
    text = await connectionText(page);
    return text && !/^Online/.test(text);
  }, { timeout, what: 'Connection not Online' }).catch((e) => { throw new Error(`${e.message}; status ${JSON.stringify(text)}`); });
  return text;
}

