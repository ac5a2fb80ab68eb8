// Seeding big MAM archives fast, for the "never lose a message" tests and
// the delivery benchmark.
//
//   const bodies = await seedArchive({ from: bob, to: alice, count: 5000 });
//
// `from` / `to` are accounts as lib/prosody.js returns them ({ user, password,
// jid }) or bare JIDs (the direct method needs no password). Resolves with the
// bodies in archive order (oldest first); the array also carries `.ids` (the
// stanza id = XEP-0359 origin-id of each message) and `.keys` (their archive
// ids in `to`'s archive; null for the live method).
//
// Two methods:
//
// * method: 'direct' (the default on Prosody): appends the messages to the archive files of
//   the running test Prosody (storage = "internal" in confab.cfg.lua: one
//   Lua file per user, $PROSODY_DATA/localhost/archive/<user>.list, read
//   afresh by every MAM query), exactly as mod_mam writes a live message:
//   type chat, from `from`'s full JID, an id, <body/>, <origin-id/> (same id),
//   <request xmlns='urn:xmpp:receipts'/> and <markable/> (like a real client;
//   options receipts / markable), an archive key like Prosody's, whole-second
//   time stamps. The incoming copy goes to `to`'s archive and, unless
//   senderArchive: false, the outgoing copy to `from`'s archive (as with a
//   real message). With offline: true it is also queued in `to`'s offline
//   store (mod_offline: delivered at `to`'s next initial presence, with the
//   same stanza-id as in the archive), as when `to` had no session at all.
//   5,000 messages take well under a second. Time stamps: spread from
//   `start` to `end` (epoch seconds; default end = now, start = end - count *
//   interval, interval default 1 s); several messages may share a second,
//   as live ones do. Must not run while Prosody itself appends to the same
//   user's archive (e.g. while that user is chatting); seed first.
//
// * method: 'live': `from` signs in with @xmpp/client and sends the messages
//   for real (needs from.password), in bursts of `burst` each followed by a
//   ping round trip (Prosody handles a session's stanzas in order, so when
//   the pong is back the burst is archived). If `to` is offline Prosody also
//   puts every message into its offline store. No rate limit applies:
//   confab.cfg.lua loads no mod_limits. Roughly 1,000-3,000 messages/s here.
//
// On ejabberd (CONFAB_E2E_SERVER=ejabberd) only 'live' exists (its archive
// is in Mnesia, out of reach of a file write; the HTTP API cannot back-date
// archive entries): it is the default there, and 'direct' throws. Live
// messages carry the time they were sent (start / end / interval do not
// apply) and archive ids are the server's (keys: null). With the live
// method on either server, an offline recipient also gets every message
// from its offline store (the offline option is implied).
//
// Prosody keeps at most storage_archive_item_limit (default 10,000) items per
// archive: do not seed more than that into one account.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { env } from './env.js';
import { connectPeer, xml } from './xmpp.js';

const WORDS = ('lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ' +
  'incididunt ut labore et dolore magna aliqua ut enim ad minim veniam quis nostrud').split(' ');

function jidOf(x) { return typeof x === 'string' ? x : x.jid || `${x.user}@${env.domain}`; }

/** util.datamanager's file-name encoding: every non-alphanumeric byte as %xx. */
export function dmEncode(s) {
  return [...Buffer.from(s, 'utf8')].map((b) => {
    const c = String.fromCharCode(b);
    return /[A-Za-z0-9]/.test(c) ? c : `%${b.toString(16).padStart(2, '0')}`;
  }).join('');
}

/**
 * A Lua string literal, byte-exact: printable ASCII as is, every other byte
 * as a three-digit decimal escape (\ddd; always three digits so a following
 * digit is not read as part of it).
 */
function luaStr(s) {
  let out = '"';
  for (const b of Buffer.from(String(s), 'utf8')) {
    if (b === 0x22) out += '\\"';
    else if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\${String(b).padStart(3, '0')}`;
  }
  return out + '"';
}
function luaAttrs(attrs) {
  return '{' + Object.entries(attrs).filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `[${luaStr(k)}]=${luaStr(v)};`).join('') + '}';
}

/** A preserialized stanza child: { name, attr, text? } -> Lua table. */
function luaChild({ name, attr = {}, text }) {
  return `{${text !== undefined ? `${luaStr(text)};` : ''}["name"]=${luaStr(name)};["attr"]=${luaAttrs(attr)};};`;
}

function luaItem({ attr, children, with: withJid, when, key }) {
  return `item({${children.map(luaChild).join('')}["name"]="message";["with"]=${luaStr(withJid)};` +
    `["attr"]=${luaAttrs(attr)};["when"]=${when};["key"]=${luaStr(key)};});\n`;
}

/** An archive key like Prosody's util.id.medium(): 18 random bytes, base64url. */
export function archiveKey() { return crypto.randomBytes(18).toString('base64url'); }

function stamp(when) { return new Date(when * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'); }

function storeFile(store, jid) {
  const [node, host] = jid.split('@');
  return path.join(env.prosodyData, dmEncode(host), store, `${dmEncode(node)}.list`);
}

function appendList(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // One write of the whole batch with O_APPEND, like datamanager.list_append.
  fs.appendFileSync(file, text, { mode: 0o640 });
}

/** The default body of message i (1-based) of count: "<prefix> #00042/05000 lorem ipsum ...". */
export function seedBody(prefix, i, count) {
  const width = Math.max(5, String(count).length);
  const n = 3 + (i * 7) % 9;
  const words = Array.from({ length: n }, (_, k) => WORDS[(i * 13 + k * 5) % WORDS.length]);
  return `${prefix} #${String(i).padStart(width, '0')}/${String(count).padStart(width, '0')} ${words.join(' ')}`;
}

/**
 * Puts `count` chat messages from `from` to `to` into the archive (see the
 * file header for the methods and options). Returns the bodies in order.
 */
export async function seedArchive({
  from, to, count, method = env.server === 'ejabberd' ? 'live' : 'direct',
  prefix = `seed-${crypto.randomBytes(3).toString('hex')}`,
  body = (i, n) => seedBody(prefix, i, n),
  receipts = true, markable = true,
  senderArchive = true, offline = false,
  end, start, interval = 1,
  burst = 250, resource = 'seed',
} = {}) {
  if (!from || !to || !(count > 0)) throw new Error('seedArchive: from, to and count > 0 are needed');
  const fromJid = jidOf(from);
  const toJid = jidOf(to);
  const bodies = [];
  const ids = [];
  for (let i = 1; i <= count; i++) {
    bodies.push(body(i, count));
    ids.push(`seed-${crypto.randomBytes(9).toString('base64url')}`);
  }
  const extras = () => [
    ...(receipts ? [{ name: 'request', attr: { xmlns: 'urn:xmpp:receipts' } }] : []),
    ...(markable ? [{ name: 'markable', attr: { xmlns: 'urn:xmpp:chat-markers:0' } }] : []),
  ];

  if (method === 'live') {
    if (!from.password) throw new Error("seedArchive method 'live' needs from = { user, password }");
    const peer = await connectPeer(from);
    try {
      for (let i = 0; i < count; i += burst) {
        const batch = [];
        for (let k = i; k < Math.min(count, i + burst); k++) {
          batch.push(peer.send(xml('message', { to: toJid, type: 'chat', id: ids[k] },
            xml('body', {}, bodies[k]),
            xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id: ids[k] }),
            ...extras().map((c) => xml(c.name, c.attr)))));
        }
        await Promise.all(batch);
        await peer.xmpp.iqCaller.request(xml('iq', { type: 'get', to: env.domain }, xml('ping', { xmlns: 'urn:xmpp:ping' })), 60_000);
      }
    } finally {
      await peer.stop();
    }
    return Object.assign(bodies, { ids, keys: null });
  }
  if (method !== 'direct') throw new Error(`seedArchive: unknown method ${method}`);
  if (env.server !== 'prosody') {
    throw new Error(`seedArchive: method 'direct' writes Prosody's archive files; on ${env.server} use method 'live'`);
  }

  const endT = Math.floor(end ?? Date.now() / 1000);
  const startT = start ?? endT - count * interval;
  const fromFull = `${fromJid}/${resource}`;
  const keys = [];
  const inChunks = [];
  const outChunks = [];
  const offChunks = [];
  for (let k = 0; k < count; k++) {
    // Whole seconds, non-decreasing, the last one at `end`.
    const when = count === 1 ? endT : Math.floor(startT + ((endT - startT) * (k + 1)) / count);
    const attr = { type: 'chat', from: fromFull, to: toJid, id: ids[k], 'xml:lang': 'en', stamp: stamp(when) };
    const children = [
      { name: 'body', attr: {}, text: bodies[k] },
      { name: 'origin-id', attr: { xmlns: 'urn:xmpp:sid:0', id: ids[k] } },
      ...extras(),
    ];
    const key = archiveKey();
    keys.push(key);
    inChunks.push(luaItem({ attr, children, with: fromJid, when, key }));
    if (senderArchive) outChunks.push(luaItem({ attr, children, with: toJid, when, key: archiveKey() }));
    if (offline) {
      offChunks.push(luaItem({
        attr, when, key: archiveKey(), with: '',
        children: [...children, { name: 'stanza-id', attr: { xmlns: 'urn:xmpp:sid:0', by: toJid, id: key } }],
      }));
    }
  }
  appendList(storeFile('archive', toJid), inChunks.join(''));
  if (senderArchive) appendList(storeFile('archive', fromJid), outChunks.join(''));
  if (offline) appendList(storeFile('offline', toJid), offChunks.join(''));
  return Object.assign(bodies, { ids, keys });
}
