// Big rooms for the "2,000 occupants" benchmark and the big-room e2e test:
// a real XEP-0045 room on the test Prosody's MUC service, filled with real
// occupants (one c2s session each), and its archive (mod_muc_mam) filled
// with real groupchat messages.
//
//   const owner = await connectPeer(account);                 // lib/xmpp.js
//   const room = await createRoom(owner, { name: 'big' });    // room@conference.localhost
//   await sendRoomMessages(owner, room, 10_000);              // archived by mod_muc_mam
//   const crowd = await fillRoom(room, { count: 1999 });      // + the owner = 2,000
//   ...
//   await crowd.close();
//
// Why it looks like this (Prosody 0.12, confab.cfg.lua):
// * One full JID is one occupant (joining again under another nick is a
//   nick change), so N occupants need N sessions. They are cheap raw TCP
//   sessions (stream, SASL PLAIN, bind, the MUC join presence; no roster, no
//   initial presence, no XEP-0198), shared by a few accounts (`perAccount`
//   resources each; accounts are registered in-band, loopback is
//   allow-listed). No initial presence: otherwise each resource's presence
//   goes to every other resource of its account (quadratic).
// * Joining is still quadratic on the server: occupant k's presence goes to
//   the k-1 already there (that is what a room is). The sessions never parse
//   what they receive; each only looks for its own self-presence (status
//   110) while joining, then discards its input.
// * Messages are sent while the room holds only the sender (each is
//   reflected once, not to every occupant), in bursts each followed by a
//   ping round trip: the MUC component runs in Prosody's process, so when
//   the pong is back the burst is archived. No rate limit applies (no
//   mod_limits / muc limits loaded).
import net from 'node:net';
import crypto from 'node:crypto';
import { env } from './env.js';
import { xml } from './xmpp.js';
import { seedBody } from './seed.js';

const MUC = 'http://jabber.org/protocol/muc';
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  .replace(/'/g, '&apos;').replace(/"/g, '&quot;');
const header = (domain) => `<?xml version='1.0'?><stream:stream to='${domain}' version='1.0' ` +
  "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

/** The MUC service of the test server (confab.cfg.lua: conference.localhost). */
export const mucService = () => `conference.${env.domain}`;

/**
 * Creates a room as `owner` (a lib/xmpp.js peer): joins as `nick`, and on
 * status 201 submits the owner form (persistent, non-anonymous, archived,
 * open to anyone). Resolves with the room's bare JID.
 */
export async function createRoom(owner, { name = `big${crypto.randomBytes(4).toString('hex')}`, nick = 'owner', title } = {}) {
  const room = `${name}@${mucService()}`;
  const self = owner.waitFor((st) => st.is('presence') && st.attrs.from === `${room}/${nick}` &&
    (st.getChild('x', `${MUC}#user`)?.getChildren('status') || []).some((s) => s.attrs.code === '110'),
  { what: `self-presence from ${room}` });
  await owner.send(xml('presence', { to: `${room}/${nick}` }, xml('x', { xmlns: MUC }, xml('history', { maxstanzas: '0' }))));
  const pres = await self;
  const created = pres.getChild('x', `${MUC}#user`).getChildren('status').some((s) => s.attrs.code === '201');
  if (created) {
    const field = (v, value) => xml('field', { var: v }, xml('value', {}, value));
    await owner.xmpp.iqCaller.request(xml('iq', { type: 'set', to: room },
      xml('query', { xmlns: `${MUC}#owner` },
        xml('x', { xmlns: 'jabber:x:data', type: 'submit' },
          field('FORM_TYPE', `${MUC}#roomconfig`),
          field('muc#roomconfig_roomname', title || name),
          field('muc#roomconfig_persistentroom', '1'),
          field('muc#roomconfig_publicroom', '0'),
          field('muc#roomconfig_membersonly', '0'),
          field('muc#roomconfig_whois', 'anyone'),
          field('muc#roomconfig_enablearchiving', '1')))), 30_000);
  }
  return room;
}

/**
 * Sends `count` groupchat messages from `peer` (an occupant of `room`) in
 * bursts of `burst`, each burst followed by a ping round trip. Resolves with
 * the bodies, oldest first (lib/seed.js's seedBody).
 */
export async function sendRoomMessages(peer, room, count, { prefix = `room-${crypto.randomBytes(3).toString('hex')}`, burst = 500 } = {}) {
  const bodies = [];
  for (let i = 0; i < count; i += burst) {
    const sends = [];
    for (let k = i; k < Math.min(count, i + burst); k++) {
      const body = seedBody(prefix, k + 1, count);
      bodies.push(body);
      const id = `rs-${crypto.randomBytes(8).toString('base64url')}`;
      sends.push(peer.send(xml('message', { to: room, type: 'groupchat', id },
        xml('body', {}, body), xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id }))));
    }
    await Promise.all(sends);
    await peer.xmpp.iqCaller.request(xml('iq', { type: 'get', to: env.domain }, xml('ping', { xmlns: 'urn:xmpp:ping' })), 120_000);
  }
  return bodies;
}

/** Reads from `sock` until `pred(buffer)` holds (buffer = what came so far, the tail only). */
function until(sock, state, pred, what, timeout = 60_000) {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (pred(state.buf)) { cleanup(); resolve(); return true; }
      if (/<stream:error|<failure|type=['"]error['"]/.test(state.buf)) {
        cleanup(); reject(new Error(`${what}: ${state.buf.slice(-400)}`)); return true;
      }
      return false;
    };
    const timer = setTimeout(() => { cleanup(); reject(new Error(`${what}: timed out; got ${state.buf.slice(-300)}`)); }, timeout);
    const onClose = () => { cleanup(); reject(new Error(`${what}: connection closed; got ${state.buf.slice(-300)}`)); };
    const cleanup = () => { clearTimeout(timer); state.wake = null; sock.off('close', onClose); };
    sock.on('close', onClose);
    if (!check()) state.wake = check;
  });
}

/** One bare-bones session that registers (if asked), binds `resource` and joins `room` as `nick`. */
async function occupant({ user, password, resource, room, nick, register }) {
  const sock = net.connect({ host: '127.0.0.1', port: env.c2sPort });
  sock.setNoDelay(true);
  const state = { buf: '', wake: null, joined: false };
  sock.setEncoding('utf8');
  sock.on('data', (d) => {
    if (state.joined) return; // everything after the join is ignored
    state.buf += d;
    if (state.wake) state.wake();
    if (state.buf.length > 16384) state.buf = state.buf.slice(-8192);
  });
  sock.on('error', () => {});
  await new Promise((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject); });
  const restart = async () => {
    state.buf = '';
    sock.write(header(env.domain));
    await until(sock, state, (b) => b.includes('</stream:features>'), `${user}/${resource}: features`);
  };
  await restart();
  if (register) {
    state.buf = '';
    sock.write(`<iq type='set' id='reg'><query xmlns='jabber:iq:register'><username>${esc(user)}</username>` +
      `<password>${esc(password)}</password></query></iq>`);
    await until(sock, state, (b) => /<iq[^>]*id=['"]reg['"][^>]*type=['"]result['"]|<iq[^>]*type=['"]result['"][^>]*id=['"]reg['"]/.test(b), `${user}: register`);
  }
  state.buf = '';
  const plain = Buffer.from(`\0${user}\0${password}`).toString('base64');
  sock.write(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plain}</auth>`);
  await until(sock, state, (b) => b.includes('<success'), `${user}: SASL PLAIN`);
  await restart();
  state.buf = '';
  sock.write(`<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>${esc(resource)}</resource></bind></iq>`);
  await until(sock, state, (b) => b.includes('</bind>'), `${user}/${resource}: bind`);
  state.buf = '';
  sock.write(`<presence to='${esc(room)}/${esc(nick)}'><x xmlns='${MUC}'><history maxstanzas='0'/></x></presence>`);
  // Our self-presence carries status 110; others' presences may come first.
  // Only our own self-presence carries status 110 for this session.
  await until(sock, state, (b) => /code=['"]110['"]/.test(b), `${nick}: join ${room}`, 120_000);
  state.joined = true;
  state.buf = '';
  return {
    nick,
    jid: `${user}@${env.domain}/${resource}`,
    /** Leaves the room (unavailable presence) and closes the stream. */
    leave() {
      sock.write(`<presence type='unavailable' to='${esc(room)}/${esc(nick)}'/>`);
    },
    close() {
      return new Promise((resolve) => {
        if (sock.destroyed) { resolve(); return; }
        sock.once('close', resolve);
        sock.end('</stream:stream>');
        setTimeout(() => { sock.destroy(); resolve(); }, 2_000).unref();
      });
    },
  };
}

/** The nick of occupant i (0-based) of a crowd: fixed width, so it sorts by number. */
export const crowdNick = (prefix, i) => `${prefix}${String(i + 1).padStart(4, '0')}`;

/**
 * Puts `count` occupants into `room` (already created), `concurrency` joins
 * at a time, `perAccount` sessions per account (accounts registered in-band
 * as `${accountPrefix}NN`). Nicks are crowdNick(nickPrefix, i). Resolves
 * with { occupants, nicks, close() } once every one of them is in.
 */
export async function fillRoom(room, { count, nickPrefix = 'guest', perAccount = 100, concurrency = 24, accountPrefix } = {}) {
  const prefix = accountPrefix || `crowd${crypto.randomBytes(3).toString('hex')}`;
  const password = `pw-${prefix}`;
  const occupants = [];
  const nicks = Array.from({ length: count }, (_, i) => crowdNick(nickPrefix, i));
  let next = 0;
  const registered = new Map(); // account index -> promise of its registration (first session)
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const a = Math.floor(i / perAccount);
      const user = `${prefix}${String(a).padStart(3, '0')}`;
      const first = !registered.has(a);
      let done;
      if (first) registered.set(a, new Promise((r) => { done = r; }));
      else await registered.get(a);
      try {
        occupants.push(await occupant({ user, password, resource: `r${i}`, room, nick: nicks[i], register: first }));
      } finally {
        if (first) done();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  } catch (e) {
    await Promise.all(occupants.map((o) => o.close()));
    throw e;
  }
  return {
    occupants,
    nicks,
    async close() { await Promise.all(occupants.map((o) => o.close())); },
  };
}
