// XEP-0313 (MAM) queries with an @xmpp/client peer (lib/xmpp.js), for
// checking what the server archived, independently of the app.
import { xml } from './xmpp.js';

const NS_MAM = 'urn:xmpp:mam:2';
const NS_RSM = 'http://jabber.org/protocol/rsm';
const NS_FORWARD = 'urn:xmpp:forward:0';
const NS_DELAY = 'urn:xmpp:delay';

/**
 * One MAM page from the peer's own archive. Options: with (bare JID),
 * max (Prosody caps it at max_archive_query_results = 250), after / before
 * (archive ids; before: '' = the last page). Resolves with
 * { items: [{ id, stamp, message }], first, last, complete, count }.
 */
export async function mamPage(peer, { with: withJid, max = 250, after, before } = {}) {
  const queryid = `q${Math.random().toString(36).slice(2, 10)}`;
  const items = [];
  const onStanza = (st) => {
    if (!st.is('message')) return;
    const r = st.getChild('result', NS_MAM);
    if (!r || r.attrs.queryid !== queryid) return;
    const fwd = r.getChild('forwarded', NS_FORWARD);
    const delay = fwd && fwd.getChild('delay', NS_DELAY);
    items.push({ id: r.attrs.id, stamp: delay ? delay.attrs.stamp : null, message: fwd && fwd.getChild('message') });
  };
  peer.xmpp.on('stanza', onStanza);
  try {
    const fields = [xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS_MAM))];
    if (withJid) fields.push(xml('field', { var: 'with' }, xml('value', {}, withJid)));
    const rsm = [xml('max', {}, String(max))];
    if (after !== undefined) rsm.push(xml('after', {}, after));
    if (before !== undefined) rsm.push(xml('before', {}, before));
    const res = await peer.xmpp.iqCaller.request(xml('iq', { type: 'set' },
      xml('query', { xmlns: NS_MAM, queryid },
        xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, ...fields),
        xml('set', { xmlns: NS_RSM }, ...rsm))), 60_000);
    const fin = res.getChild('fin', NS_MAM);
    if (!fin) throw new Error(`MAM query: no <fin/> in ${res}`);
    const set = fin.getChild('set', NS_RSM);
    return {
      items,
      first: set && set.getChildText('first'),
      last: set && set.getChildText('last'),
      count: set && set.getChildText('count') ? Number(set.getChildText('count')) : null,
      complete: fin.attrs.complete === 'true',
    };
  } finally {
    peer.xmpp.removeListener('stanza', onStanza);
  }
}

/** The whole archive (optionally with one JID), oldest first, paging forward. */
export async function mamAll(peer, { with: withJid, max = 250 } = {}) {
  const all = [];
  let after;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = await mamPage(peer, { with: withJid, max, after });
    all.push(...page.items);
    if (page.complete || !page.items.length || !page.last) break;
    after = page.last;
  }
  return all;
}
