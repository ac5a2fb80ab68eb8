// Issue 5: reply, react, edit, delete (for everyone and for me), forward,
// copy and /me, between two browser sessions against the real Prosody;
// everything is still there after a reload. A third-party client
// (@xmpp/client) sees the standard stanzas (XEP-0461, XEP-0444, XEP-0308,
// XEP-0424) and its own are shown by the app.
import { test } from 'node:test';
import * as require_fs from 'node:fs';
import assert from 'node:assert/strict';
import { uniqueName } from './lib/env.js';
import { withBrowser } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { connectPeer, makeContacts, xml, bare } from './lib/xmpp.js';
import { eventually, expectText, expectVisible } from './lib/wait.js';
import { ui, T, signIn, openChat, sendMessage, waitForMessage, waitOnline } from './lib/ui.js';
import { choose, react, reaction, reactionCount } from './lib/actions.js';
import { storedSetting } from './lib/idb.js';

const gone = (locator, what) => eventually(async () => (await locator.count()) === 0, { timeout: T.ui, what });

test('reply, react, edit, delete, forward and /me show on both sides and after reload', { timeout: 300_000 }, async (t) => {
  const alice = await prosody.newAccount('maa');
  const bob = await prosody.newAccount('mab');
  const carol = await prosody.newAccount('mac');
  await makeContacts(alice, bob);
  await makeContacts(bob, carol);
  const carolPeer = await connectPeer(carol);
  try {
    await withBrowser(t, async ({ open }) => {
      const a = await open('alice');
      const b = await open('bob');
      await signIn(a.page, { address: alice.jid, password: alice.password, remember: true });
      await signIn(b.page, { address: bob.jid, password: bob.password, remember: true });
      await openChat(a.page, bob.jid);

      const first = `first ${uniqueName('m')}`;
      await sendMessage(a.page, first);
      await openChat(b.page, alice.jid);
      const onB = await waitForMessage(b.page, first);

      // Bob replies: the banner says what he answers; the reply quotes it on both sides.
      await choose(onB, 'Reply');
      await expectText(b.page.getByRole('status', { name: 'Replying to' }), new RegExp(first), { timeout: T.ui });
      const answer = `answer ${uniqueName('m')}`;
      await sendMessage(b.page, answer);
      await gone(b.page.getByRole('status', { name: 'Replying to' }), 'reply banner closed');
      const replyOnA = await waitForMessage(a.page, answer);
      await expectText(replyOnA.getByRole('button', { name: new RegExp(first) }), new RegExp(first));
      const bodyOnA = await replyOnA.innerText();
      assert.ok(!bodyOnA.includes(`> ${first}`), 'the fallback quote is not shown as text');

      // Reactions: Alice 👍 on the answer, Bob too → 2; Alice takes hers back → 1.
      await react(replyOnA, '👍');
      const replyOnB = await waitForMessage(b.page, answer);
      await eventually(async () => (await reactionCount(replyOnB, '👍')) === 1, { timeout: T.ui, what: 'Bob sees 👍 1' });
      await reaction(replyOnB, '👍').click();
      await eventually(async () => (await reactionCount(replyOnA, '👍')) === 2, { timeout: T.ui, what: 'Alice sees 👍 2' });
      await react(replyOnA, '🎉'); // from the picker ("More reactions")
      await eventually(async () => (await reactionCount(replyOnB, '🎉')) === 1, { timeout: T.ui, what: 'Bob sees 🎉' });
      await reaction(replyOnA, '👍').click();
      await eventually(async () => (await reactionCount(replyOnB, '👍')) === 1, { timeout: T.ui, what: 'Bob sees 👍 back to 1' });

      // Alice edits her first message: Bob sees the new text marked "edited", not the old one.
      const mine = ui.message(a.page, first).first();
      await choose(mine, 'Edit');
      assert.equal(await ui.composer(a.page).inputValue(), first);
      const fixed = `fixed ${uniqueName('m')}`;
      await ui.composer(a.page).fill(fixed);
      await ui.composer(a.page).press('Enter');
      const fixedOnB = await waitForMessage(b.page, fixed);
      await expectVisible(fixedOnB.getByText('edited', { exact: true }));
      await gone(ui.log(b.page).getByText(first, { exact: true }), 'old text gone on Bob\'s side');
      // Bob's reply quote follows the edit.
      await expectText(replyOnB.getByRole('button', { name: new RegExp(fixed) }), new RegExp(fixed));

      // /me
      await sendMessage(a.page, '/me waves');
      await waitForMessage(b.page, '* ');
      await expectText(ui.log(b.page).getByRole('article').last(), /^\*\s.+\swaves/m);

      // Alice deletes "fixed" for everyone.
      await choose(ui.message(a.page, fixed).first(), "Delete");
      await a.page.getByRole('dialog', { name: 'Delete message' }).getByRole('button', { name: 'Delete for everyone' }).click();
      await expectVisible(ui.message(b.page, 'This message was deleted'), { timeout: T.ui });
      await expectVisible(ui.message(a.page, 'This message was deleted'), { timeout: T.ui });
      await gone(ui.message(b.page, fixed), 'deleted text gone on Bob\'s side');

      // Bob deletes Alice's /me message only for himself.
      await choose(ui.message(b.page, 'waves'), 'Delete');
      const del = b.page.getByRole('dialog', { name: 'Delete message' });
      assert.equal(await del.getByRole('button', { name: 'Delete for everyone' }).count(), 0, 'not his to delete for everyone');
      await del.getByRole('button', { name: 'Delete for me' }).click();
      await gone(ui.message(b.page, 'waves'), '/me message gone for Bob');
      await expectVisible(ui.message(a.page, 'waves'));

      // Bob forwards his answer to Carol.
      await choose(replyOnB, 'Forward');
      const fwd = b.page.getByRole('dialog', { name: 'Forward message' });
      await fwd.getByRole('button', { name: carol.jid }).click();
      const got = await carolPeer.waitForChat(bob.jid, { body: answer });
      assert.equal(got.getChildText('body'), answer);
      await expectVisible(b.page.getByRole('status').filter({ hasText: `Forwarded to ${carol.jid}` }), { timeout: T.ui });

      // After a reload everything is as it was.
      for (const p of [a.page, b.page]) {
        await p.reload();
        await waitOnline(p);
      }
      await openChat(a.page, bob.jid);
      await openChat(b.page, alice.jid);
      const againA = await waitForMessage(a.page, answer);
      const againB = await waitForMessage(b.page, answer);
      await expectText(againA.getByRole('button', { name: /./ }).filter({ hasText: 'This message was deleted' }), /deleted/);
      assert.equal(await reactionCount(againA, '👍'), 1);
      assert.equal(await reactionCount(againB, '🎉'), 1);
      await expectVisible(ui.message(b.page, 'This message was deleted'));
      assert.equal(await ui.message(b.page, 'waves').count(), 0, 'deleted for me stays deleted');
      await expectVisible(ui.message(a.page, 'waves'));
      assert.deepEqual(a.dialogs.concat(b.dialogs), []);
    });
  } finally {
    await carolPeer.stop();
  }
});

test('another client sees the standard stanzas, and the app shows the other client\'s', { timeout: 240_000 }, async (t) => {
  const alice = await prosody.newAccount('mia');
  const dave = await prosody.newAccount('mid');
  await makeContacts(alice, dave);
  const peer = await connectPeer(dave);
  try {
    await withBrowser(t, async ({ open }) => {
      const a = await open('alice');
      await signIn(a.page, { address: alice.jid, password: alice.password });
      await openChat(a.page, dave.jid);
      const text = `hello dave ${uniqueName('m')}`;
      await sendMessage(a.page, text);
      const original = await peer.waitForChat(alice.jid, { body: text }).catch((e) => {
        require_fs.writeFileSync('/tmp/peer-stanzas.txt', peer.stanzas.map(String).join('\n'));
        throw e;
      });
      const originId = original.getChild('origin-id', 'urn:xmpp:sid:0').attrs.id;

      // Correction
      await choose(ui.message(a.page, text), 'Edit');
      await ui.composer(a.page).fill(`${text} (fixed)`);
      await ui.composer(a.page).press('Enter');
      const correction = await peer.waitForChat(alice.jid, { body: `${text} (fixed)` });
      assert.equal(correction.getChild('replace', 'urn:xmpp:message-correct:0').attrs.id, originId);

      // Dave writes; Alice reacts; Dave sees XEP-0444 naming his message id.
      const daveId = `dave-${uniqueName('x')}`;
      await peer.send(xml('message', { to: alice.jid, type: 'chat', id: daveId }, xml('body', {}, 'react to me'),
        xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id: daveId })));
      const daveMsg = await waitForMessage(a.page, 'react to me');
      await react(daveMsg, '❤️');
      const reactions = await peer.waitFor((st) => st.is('message') && st.getChild('reactions', 'urn:xmpp:reactions:0'),
        { what: 'reactions stanza' });
      const r = reactions.getChild('reactions', 'urn:xmpp:reactions:0');
      assert.equal(r.attrs.id, daveId);
      assert.deepEqual(r.getChildren('reaction').map((x) => x.text()), ['❤️']);

      // Retraction
      await choose(ui.message(a.page, `${text} (fixed)`), 'Delete');
      await a.page.getByRole('dialog', { name: 'Delete message' }).getByRole('button', { name: 'Delete for everyone' }).click();
      const retraction = await peer.waitFor((st) => st.is('message') && st.getChild('retract', 'urn:xmpp:message-retract:1'),
        { what: 'retraction' });
      assert.equal(retraction.getChild('retract', 'urn:xmpp:message-retract:1').attrs.id, originId);
      assert.ok(retraction.getChild('fallback', 'urn:xmpp:fallback:0'), 'fallback marker for old clients');
      assert.ok(retraction.getChildText('body'), 'a fallback body for old clients');

      // Dave's own: a reply with a fallback quote, a reaction, a correction and a retraction.
      const quoted = `> react to me\n`;
      await peer.send(xml('message', { to: alice.jid, type: 'chat', id: 'd-reply' },
        xml('body', {}, `${quoted}thanks!`),
        xml('reply', { xmlns: 'urn:xmpp:reply:0', to: alice.jid, id: originId }),
        xml('fallback', { xmlns: 'urn:xmpp:fallback:0', for: 'urn:xmpp:reply:0' }, xml('body', { start: '0', end: String([...quoted].length) }))));
      const replyArticle = await waitForMessage(a.page, 'thanks!');
      assert.ok(!(await replyArticle.innerText()).includes('> react to me'));
      await expectVisible(replyArticle.getByRole('button').filter({ hasText: 'This message was deleted' }));
      await peer.send(xml('message', { to: alice.jid, type: 'chat', id: 'd-react' },
        xml('reactions', { xmlns: 'urn:xmpp:reactions:0', id: daveId }, xml('reaction', {}, '😂')),
        xml('store', { xmlns: 'urn:xmpp:hints' })));
      await eventually(async () => (await reactionCount(daveMsg, '😂')) === 1 && (await reactionCount(daveMsg, '❤️')) === 1,
        { timeout: T.ui, what: 'Dave\'s 😂 beside Alice\'s ❤️' });
      await peer.send(xml('message', { to: alice.jid, type: 'chat', id: 'd-fix' },
        xml('body', {}, 'react to me, please'),
        xml('replace', { xmlns: 'urn:xmpp:message-correct:0', id: daveId })));
      const fixed = await waitForMessage(a.page, 'react to me, please');
      await expectVisible(fixed.getByText('edited', { exact: true }));
      await peer.send(xml('message', { to: alice.jid, type: 'chat', id: 'd-del' },
        xml('body', {}, 'retracted (fallback)'),
        xml('retract', { xmlns: 'urn:xmpp:message-retract:1', id: 'd-reply' }),
        xml('fallback', { xmlns: 'urn:xmpp:fallback:0', for: 'urn:xmpp:message-retract:1' })));
      await gone(ui.message(a.page, 'thanks!'), 'Dave\'s reply retracted');
      assert.equal(await ui.message(a.page, 'retracted (fallback)').count(), 0, 'fallback body not shown');
      assert.equal(bare(retraction.attrs.from), alice.jid);
    });
  } finally {
    require_fs.writeFileSync('/tmp/peer-stanzas.txt', peer.stanzas.map(String).join('\n'));
    await peer.stop();
  }
});

test('a reaction and an edit made offline are sent once the server is back', { timeout: 240_000 }, async (t) => {
  const alice = await prosody.newAccount('moa');
  const bob = await prosody.newAccount('mob');
  await makeContacts(alice, bob);
  await withBrowser(t, async ({ open }) => {
    const a = await open('alice');
    const b = await open('bob');
    await signIn(a.page, { address: alice.jid, password: alice.password, remember: true });
    await signIn(b.page, { address: bob.jid, password: bob.password, remember: true });
    await openChat(a.page, bob.jid);
    await openChat(b.page, alice.jid);
    const mine = `mine ${uniqueName('m')}`;
    const theirs = `theirs ${uniqueName('m')}`;
    await sendMessage(a.page, mine);
    await sendMessage(b.page, theirs);
    await waitForMessage(b.page, mine);
    const theirsOnA = await waitForMessage(a.page, theirs);

    await prosody.stop();
    await expectText(ui.connection(a.page), /Offline|Connecting/, { timeout: T.ui });
    await react(theirsOnA, '😂');
    await choose(ui.message(a.page, mine).first(), 'Edit');
    const fixed = `${mine} (written offline)`;
    await ui.composer(a.page).fill(fixed);
    await ui.composer(a.page).press('Enter');
    await waitForMessage(a.page, fixed);
    // Both wait in the queue of unsent actions, kept across a reload while
    // still offline (the reload waits until they are stored: a page closed
    // within milliseconds of a click is beyond what any store can keep).
    await eventually(async () => {
      const queued = JSON.parse((await storedSetting(a.page, alice.jid, 'outbox_actions')) || '[]');
      return queued.some((q) => q.extras.reactions) && queued.some((q) => q.extras.replaces);
    }, { timeout: T.ui, what: 'the reaction and the correction queued in the store' });
    await a.page.reload();
    await expectVisible(ui.log(a.page).or(ui.chats(a.page)).first(), { timeout: T.ui });
    await prosody.start();
    await waitOnline(a.page);
    await waitOnline(b.page);
    await openChat(a.page, bob.jid);
    const onB = await waitForMessage(b.page, fixed, T.connect);
    await expectVisible(onB.getByText('edited', { exact: true }));
    await eventually(async () => (await reactionCount(ui.message(b.page, theirs).first(), '😂')) === 1,
      { timeout: T.connect, what: 'Bob sees the offline reaction' });
  });
});
