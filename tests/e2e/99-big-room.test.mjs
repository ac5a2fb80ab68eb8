// Issue 4, big rooms: the member list of a room with hundreds of occupants
// is virtualized (only the rows in view, plus a margin, are in the DOM) and
// still complete: the right count, owners first, the last member reachable
// by scrolling, Remove working, and presences arriving in a burst after we
// joined all counted. The room is a real Prosody room filled with real
// occupants (tests/e2e/lib/crowd.js); a peer owns it and makes Alice an
// owner before she joins it by address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { connectPeer, xml } from './lib/xmpp.js';
import { createRoom, fillRoom } from './lib/crowd.js';
import { eventually, expectText, expectVisible } from './lib/wait.js';
import { T, signIn } from './lib/ui.js';

const button = (scope, name) => scope.getByRole('button', { name, exact: true });
const members = (page) => page.getByRole('region', { name: 'Members' });
const rows = (page) => members(page).getByRole('listitem');
const row = (page, nick) => rows(page).filter({ has: page.getByText(nick, { exact: true }) });
/** Scrolls the scrollable element inside the Members region to its end. */
const scrollToEnd = (page) => members(page).evaluate((region) => {
  const box = [region, ...region.querySelectorAll('*')]
    .find((e) => e.scrollHeight > e.clientHeight + 1 && /auto|scroll/.test(getComputedStyle(e).overflowY));
  if (!box) throw new Error('no scrollable element in the Members region');
  box.scrollTop = box.scrollHeight;
});

const BEFORE = 250; // occupants in the room when Alice joins (+ the host)
const LATER = 50; // joining in a burst while she is in

test('a room with 300 occupants: virtualized member list, complete, scrollable, Remove works', { timeout: 180_000 }, async (t) => {
  const alice = await prosody.newAccount('bra');
  const hostAccount = await prosody.newAccount('brh');
  const host = await connectPeer(hostAccount);
  const crowds = [];
  try {
    const room = await createRoom(host, { nick: 'host' });
    // Alice becomes an owner (XEP-0045 §10.3), so she may remove people.
    await host.xmpp.iqCaller.request(xml('iq', { type: 'set', to: room },
      xml('query', { xmlns: 'http://jabber.org/protocol/muc#admin' },
        xml('item', { affiliation: 'owner', jid: alice.jid }))), 20_000);
    crowds.push(await fillRoom(room, { count: BEFORE, nickPrefix: 'guest' }));

    await withBrowser(t, async ({ open }) => {
      const { page } = await open('alice');
      await signIn(page, { address: alice.jid, password: alice.password });
      await button(page, 'Join group').click();
      const join = page.getByRole('dialog', { name: 'Join group' });
      await join.getByRole('textbox', { name: 'Group address' }).fill(room);
      await button(join, 'Join').click();
      await expectVisible(page.getByRole('region', { name: /^Chat with / }), { timeout: T.connect });
      await button(page, 'Members').click();
      await expectText(members(page), new RegExp(`\\b${BEFORE + 2} members`), { timeout: T.connect, what: 'the whole count' });

      // Owners first (host and Alice, by nickname), then the guests by nickname.
      const texts = (await rows(page).locator('.nick').allInnerTexts()).map((s) => s.trim());
      const owners = [alice.user, 'host'].sort();
      assert.ok(texts[0].startsWith(owners[0]) && texts[1].startsWith(owners[1]),
        `owners first, by nickname: ${JSON.stringify(texts.slice(0, 3))}`);
      assert.ok(texts[2].startsWith('guest0001'), `then the guests in order: ${JSON.stringify(texts.slice(0, 3))}`);

      // A burst of presences while we are in: all counted.
      crowds.push(await fillRoom(room, { count: LATER, nickPrefix: 'late' }));
      await expectText(members(page), new RegExp(`\\b${BEFORE + LATER + 2} members`), { timeout: T.ui, what: 'the burst counted' });

      // Virtualized: a bounded number of rows in the DOM.
      const n = await rows(page).count();
      assert.ok(n > 5 && n <= 80, `${n} member rows in the DOM for ${BEFORE + LATER + 2} members`);
      assert.equal(await row(page, 'late0050').count(), 0, 'the last member is not rendered before scrolling');

      // Scrolling to the end shows the last member (by sort order) and drops the first ones.
      await scrollToEnd(page);
      await expectVisible(row(page, 'late0050'), { timeout: T.ui });
      await eventually(async () => (await row(page, 'guest0001').count()) === 0, { timeout: T.ui, what: 'first rows gone after scrolling' });
      assert.ok((await rows(page).count()) <= 80, 'still bounded after scrolling');

      // Remove still works from a virtualized row.
      await button(row(page, 'late0050'), 'Remove').click();
      await expectText(members(page), new RegExp(`\\b${BEFORE + LATER + 1} members`), { timeout: T.ui, what: 'late0050 removed' });
      await eventually(async () => (await row(page, 'late0050').count()) === 0, { timeout: T.ui, what: 'late0050 row gone' });
      await expectVisible(row(page, 'late0049'), { timeout: T.ui });
    });
  } finally {
    for (const c of crowds) await c.close();
    await host.stop();
  }
});
