// lib/seed.js: big archives are seeded fast and read back through MAM
// (XEP-0313, paged with RSM) exactly as seeded: count, order, no duplicates,
// real-looking messages (type chat, origin-id), in both parties' archives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prosody } from './lib/prosody.js';
import { connectPeer, makeContacts, bare } from './lib/xmpp.js';
import { seedArchive } from './lib/seed.js';
import { mamAll } from './lib/mam.js';
import { eventually } from './lib/wait.js';

function checkSame(t, items, bodies, what) {
  const got = items.map((it) => it.message && it.message.getChildText('body'));
  assert.equal(got.length, bodies.length, `${what}: count`);
  assert.equal(new Set(got).size, got.length, `${what}: no duplicates`);
  const firstDiff = got.findIndex((b, i) => b !== bodies[i]);
  assert.equal(firstDiff, -1, `${what}: order (first difference at ${firstDiff}: ${JSON.stringify(got[firstDiff])} vs ${JSON.stringify(bodies[firstDiff])})`);
  t.diagnostic(`${what}: ${got.length} messages in order`);
}

test('5,000 messages seeded directly in a few seconds, read back in order through MAM', { timeout: 120_000 }, async (t) => {
  const alice = await prosody.newAccount('seedto');
  const bob = await prosody.newAccount('seedfrom');
  await makeContacts(alice, bob);

  const t0 = Date.now();
  const bodies = await seedArchive({ from: bob, to: alice, count: 5000 });
  const seedMs = Date.now() - t0;
  t.diagnostic(`seeded 5000 in ${seedMs} ms`);
  assert.ok(seedMs < 5_000, `seeding took ${seedMs} ms`);
  assert.equal(bodies.length, 5000);
  assert.equal(bodies.ids.length, 5000);

  const pa = await connectPeer(alice);
  try {
    const t1 = Date.now();
    const items = await mamAll(pa, { with: bob.jid });
    t.diagnostic(`read back 5000 through MAM (250 a page) in ${Date.now() - t1} ms`);
    checkSame(t, items, bodies, "recipient's archive");
    // They look like real messages: type chat, from bob's full JID, origin-id = id.
    for (const [k, it] of items.entries()) {
      const m = it.message;
      assert.equal(m.attrs.type, 'chat');
      assert.equal(bare(m.attrs.from), bob.jid);
      assert.equal(bare(m.attrs.to), alice.jid);
      assert.equal(m.attrs.id, bodies.ids[k]);
      assert.equal(m.getChild('origin-id', 'urn:xmpp:sid:0').attrs.id, bodies.ids[k]);
      assert.ok(m.getChild('request', 'urn:xmpp:receipts'));
      assert.ok(m.getChild('markable', 'urn:xmpp:chat-markers:0'));
      assert.equal(it.id, bodies.keys[k], 'archive id');
      assert.match(it.stamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    // Time stamps never go backwards.
    const stamps = items.map((it) => Date.parse(it.stamp));
    assert.ok(stamps.every((s, i) => i === 0 || s >= stamps[i - 1]), 'stamps are non-decreasing');
    // Nothing was queued for offline delivery (direct seeding, offline: false).
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(pa.stanzas.filter((s) => s.is('message') && s.getChild('body') && !s.getChild('result', 'urn:xmpp:mam:2')).length, 0);
  } finally {
    await pa.stop();
  }

  // The sender's archive has the outgoing copies, in the same order.
  const pb = await connectPeer(bob);
  try {
    checkSame(t, await mamAll(pb, { with: alice.jid }), bodies, "sender's archive");
  } finally {
    await pb.stop();
  }
});

test('seeded bodies survive any characters; offline: true also queues them for offline delivery', { timeout: 60_000 }, async (t) => {
  const alice = await prosody.newAccount('seedoff');
  const bob = await prosody.newAccount('seedoffb');
  const odd = ['quotes " and \' and \\ backslash', 'xml <b>&amp;</b> & < >', 'ünïcödé ✓ 🎉 中文', 'two\nlines\tand tab', '123 digits after \u00e9 é9'];
  const bodies = await seedArchive({ from: bob, to: alice, count: odd.length, body: (i) => odd[i - 1], offline: true });
  assert.deepEqual([...bodies], odd);
  const pa = await connectPeer(alice); // its initial presence gets the offline messages
  try {
    const bodyMessages = () => pa.stanzas.filter((s) => s.is('message') && s.getChild('body'));
    await eventually(() => bodyMessages().length >= odd.length, { timeout: 10_000, what: 'offline messages' });
    const off = bodyMessages();
    assert.deepEqual(off.map((m) => m.getChildText('body')), odd, 'offline delivery, in order');
    off.forEach((m, k) => {
      assert.ok(m.getChild('delay', 'urn:xmpp:delay'), 'offline messages carry a delay');
      const sid = m.getChildren('stanza-id', 'urn:xmpp:sid:0').find((s) => s.attrs.by === alice.jid);
      assert.equal(sid && sid.attrs.id, bodies.keys[k], 'offline copy has the archive id as stanza-id');
    });
    checkSame(t, await mamAll(pa, { with: bob.jid }), odd, 'archive');
  } finally {
    await pa.stop();
  }
});

test("live seeding through @xmpp/client (recipient offline) is archived in order", { timeout: 120_000 }, async (t) => {
  const alice = await prosody.newAccount('seedlive');
  const bob = await prosody.newAccount('seedliveb');
  await makeContacts(alice, bob);
  const n = 2000;
  const t0 = Date.now();
  const bodies = await seedArchive({ from: bob, to: alice, count: n, method: 'live' });
  t.diagnostic(`live-seeded ${n} in ${Date.now() - t0} ms (incl. sign-in)`);
  const pa = await connectPeer(alice);
  try {
    checkSame(t, await mamAll(pa, { with: bob.jid }), bodies, 'archive (live)');
  } finally {
    await pa.stop();
  }
});
