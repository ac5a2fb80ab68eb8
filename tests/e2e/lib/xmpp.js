// A third-party XMPP client (@xmpp/client, xmpp.js) for interoperability
// tests and UI-independent set-up, connecting over TCP to the test Prosody.
import { client, xml } from '@xmpp/client';
import { env } from './env.js';
import { eventually } from './wait.js';

export { xml };

/**
 * Connects account ({user, password}) and sends initial presence. Options:
 *   acceptSubscriptions  answer every <presence type='subscribe'/> with 'subscribed' (default true)
 *   subscribeBack        and send our own 'subscribe' back, once per contact (default true)
 *   transport            'tcp' (default) or 'websocket'
 * Returns a peer: { xmpp, jid, stanzas, waitFor(pred, opts), send(el), roster(), subscribe(jid),
 *                   sendChat(to, body, extra), stop() }.
 */
export async function connectPeer(account, { acceptSubscriptions = true, subscribeBack = true, transport = 'tcp' } = {}) {
  const service = transport === 'websocket' ? env.wsUrl : `xmpp://127.0.0.1:${env.c2sPort}`;
  const xmpp = client({
    service,
    domain: env.domain,
    username: account.user,
    password: account.password,
    resource: `e2e-${Math.random().toString(36).slice(2, 8)}`,
  });
  xmpp.reconnect.delay = 500;
  const stanzas = [];
  const waiters = new Set();
  const subscribedBack = new Set();
  xmpp.on('error', () => {}); // connection errors surface through start()/waitFor()
  // @xmpp/client 0.14's stream management miscounts acks against Prosody 0.12
  // ("client says it handled -1 new stanzas") and its session is then torn
  // down mid-test. The peer is a test tool that does not need XEP-0198, so it
  // is not offered to it (the app under test still uses it).
  xmpp.prependListener('element', (el) => {
    if (el.is('features', 'http://etherx.jabber.org/streams')) {
      el.children = el.children.filter((c) => !(typeof c.is === 'function' && c.is('sm', 'urn:xmpp:sm:3')));
    }
  });
  xmpp.on('stanza', (st) => {
    stanzas.push(st);
    if (st.is('presence') && st.attrs.type === 'subscribe' && acceptSubscriptions) {
      const from = bare(st.attrs.from);
      xmpp.send(xml('presence', { to: from, type: 'subscribed' })).catch(() => {});
      if (subscribeBack && !subscribedBack.has(from)) {
        subscribedBack.add(from);
        xmpp.send(xml('presence', { to: from, type: 'subscribe' })).catch(() => {});
      }
    }
    for (const w of waiters) w(st);
  });
  // Available presence on every (re)connection, so the peer is reachable.
  const online = new Promise((resolve) => xmpp.on('online', () => {
    xmpp.send(xml('presence')).then(resolve, resolve);
  }));
  await withTimeout(xmpp.start(), 20_000, `@xmpp/client connect as ${account.user}`);
  await online;

  const peer = {
    xmpp,
    jid: `${account.user}@${env.domain}`,
    stanzas,
    /** Resolves with the first stanza (already received or coming) that matches pred. */
    waitFor(pred, { timeout = 30_000, what = 'stanza' } = {}) {
      const seen = stanzas.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const w = (st) => { if (pred(st)) { clearTimeout(timer); waiters.delete(w); resolve(st); } };
        const timer = setTimeout(() => { waiters.delete(w); reject(new Error(`${peer.jid}: no ${what} within ${timeout} ms`)); }, timeout);
        waiters.add(w);
      });
    },
    send: (el) => xmpp.send(el),
    /** The roster as [{jid, subscription, ask, name}]. */
    async roster() {
      const q = await xmpp.iqCaller.get(xml('query', { xmlns: 'jabber:iq:roster' }));
      return q.getChildren('item').map((i) => ({ jid: i.attrs.jid, subscription: i.attrs.subscription, ask: i.attrs.ask, name: i.attrs.name }));
    },
    async subscription(jid) {
      const item = (await peer.roster()).find((i) => i.jid === jid);
      return item ? item.subscription : 'none';
    },
    subscribe: (jid) => xmpp.send(xml('presence', { to: jid, type: 'subscribe' })),
    sendChat(to, body, ...extra) {
      const id = `e2e-${Math.random().toString(36).slice(2, 10)}`;
      return xmpp.send(xml('message', { to, type: 'chat', id }, xml('body', {}, body), ...extra));
    },
    /** Waits for a chat message with a body from `from` (bare JID); returns it. */
    waitForChat(from, { body, timeout = 30_000 } = {}) {
      return peer.waitFor((st) => st.is('message') && bare(st.attrs.from) === from && st.getChild('body') &&
        (body === undefined || st.getChildText('body') === body), { timeout, what: `message from ${from}` });
    },
    async stop() {
      try { await xmpp.reconnect.stop(); } catch {}
      try { await withTimeout(xmpp.stop(), 5_000, 'stop'); } catch {}
    },
  };
  return peer;
}

/**
 * Makes a and b mutual contacts (subscription "both" on both rosters) using
 * two library sessions: server-side set-up that does not depend on the UI.
 */
export async function makeContacts(a, b, { timeout = 20_000 } = {}) {
  const pa = await connectPeer(a);
  const pb = await connectPeer(b);
  try {
    await pa.subscribe(pb.jid);
    await eventually(async () => (await pa.subscription(pb.jid)) === 'both' && (await pb.subscription(pa.jid)) === 'both',
      { timeout, what: `mutual subscription ${pa.jid} <-> ${pb.jid}` });
  } finally {
    await pa.stop();
    await pb.stop();
  }
}

export function bare(jid) { return String(jid || '').split('/')[0]; }

function withTimeout(p, ms, what) {
  let t;
  return Promise.race([p, new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`${what}: timed out after ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(t));
}
