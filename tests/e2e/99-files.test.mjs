// Issue 5: photos, files, voice messages and locations between two browser
// sessions against the real Prosody with mod_http_file_share (50 MiB limit);
// a third-party client (@xmpp/client) sees the XEP-0066 URL and its own
// OOB file shows as a picture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { uniqueName } from './lib/env.js';
import { withBrowser } from './lib/browser.js';
import { prosody } from './lib/prosody.js';
import { connectPeer, makeContacts, xml } from './lib/xmpp.js';
import { attach, bigFile, pair, serverBytes, MiB } from './lib/files.js';
import { png } from './lib/png.js';
import { eventually, expectText, expectVisible } from './lib/wait.js';
import { ui, T, signIn, openChat, waitOnline } from './lib/ui.js';

const sha1 = (b) => createHash('sha1').update(b).digest('hex');

test('a photo arrives as a photo whose bytes on the server are the sent ones', { timeout: 240_000 }, async (t) => {
  await withBrowser(t, async ({ open }) => {
    const { a, b } = await pair(open, 'fp');
    const image = png(64, 48, (x, y) => [x * 4, y * 5, 200]);
    await attach(a.page).setInputFiles({ name: 'sunset.png', mimeType: 'image/png', buffer: image });
    const photoOnB = ui.log(b.page).getByRole('button', { name: 'Open image sunset.png' });
    await expectVisible(photoOnB, { timeout: T.ui });
    // Its size is known before it loads (no jump), and it loads.
    const img = photoOnB.locator('img');
    assert.equal(await img.getAttribute('width'), '64');
    assert.equal(await img.getAttribute('height'), '48');
    await eventually(() => img.evaluate((el) => el.complete && el.naturalWidth === 64), { timeout: T.ui, what: 'image decoded on Bob\'s side' });
    // The viewer offers the file from the server: the same bytes.
    await photoOnB.click();
    const viewer = b.page.getByRole('dialog', { name: 'Image viewer' });
    const url = await viewer.getByRole('link', { name: 'Download' }).getAttribute('href');
    assert.match(url, /^https?:\/\//);
    assert.equal(sha1(await serverBytes(b.page, url)), sha1(image));
    await viewer.getByRole('button', { name: 'Close' }).click();
    // Alice's own bubble shows it too, and it is Sent.
    const mine = ui.log(a.page).getByRole('article').filter({ has: a.page.getByRole('button', { name: 'Open image sunset.png' }) });
    await eventually(async () => ['Sent', 'Delivered', 'Read'].includes(
      await mine.getByRole('img', { name: /^(Sent|Delivered|Read)$/ }).first().getAttribute('aria-label').catch(() => '')),
    { timeout: T.ui, what: 'photo message acknowledged' });
    // After a reload it is still a photo (cached, no second fetch needed).
    await b.page.reload();
    await waitOnline(b.page);
    await openChat(b.page, 'fpa');
    await expectVisible(ui.log(b.page).getByRole('button', { name: 'Open image sunset.png' }), { timeout: T.ui });
    assert.deepEqual(a.dialogs.concat(b.dialogs), []);
  });
});

test('a 20 MB file shows its progress and arrives; one over the limit is refused before upload', { timeout: 300_000 }, async (t) => {
  await withBrowser(t, async ({ open }) => {
    const { a, b } = await pair(open, 'fb');
    const big = bigFile('big-data.bin', 20 * 1000 * 1000);
    await attach(a.page).setInputFiles(big);
    const bar = a.page.getByRole('progressbar', { name: 'Uploading big-data.bin' });
    await expectVisible(bar, { timeout: T.ui });
    const seen = new Set();
    await eventually(async () => {
      if (!(await bar.count())) return true;
      seen.add(await bar.getAttribute('value').catch(() => null));
      return false;
    }, { timeout: 120_000, interval: 100, what: 'upload finished' });
    assert.ok([...seen].filter((v) => v !== null && v !== '0').length >= 1, `progress moved: ${[...seen]}`);
    const link = ui.log(b.page).getByRole('link', { name: 'Download big-data.bin' });
    await expectVisible(link, { timeout: T.ui });
    await expectText(link, /\b20 MB/);
    const bytes = await serverBytes(b.page, await link.getAttribute('href'));
    assert.equal(bytes.length, 20 * 1000 * 1000);
    assert.equal(sha1(bytes), sha1(fs.readFileSync(big)));

    // 51 MiB: refused at once with the server's limit, nothing is sent.
    const huge = bigFile('huge.bin', 51 * MiB);
    const before = await ui.messages(a.page).count();
    await attach(a.page).setInputFiles(huge);
    await expectText(a.page.getByRole('alert'), /huge\.bin.*too large.*52\.4 MB/, { timeout: T.ui });
    assert.equal(await ui.messages(a.page).count(), before);
    assert.equal(await a.page.getByRole('progressbar').count(), 0);
  });
});

test('a reload during an upload does not lose the message: it is uploaded and sent once', { timeout: 300_000 }, async (t) => {
  await withBrowser(t, async ({ open }) => {
    const { a, b } = await pair(open, 'fr');
    const big = bigFile('reload-me.bin', 20 * 1000 * 1000);
    await attach(a.page).setInputFiles(big);
    await expectVisible(a.page.getByRole('progressbar', { name: 'Uploading reload-me.bin' }), { timeout: T.ui });
    await a.page.reload();
    await waitOnline(a.page);
    await openChat(a.page, 'frb');
    const link = ui.log(b.page).getByRole('link', { name: 'Download reload-me.bin' });
    await expectVisible(link, { timeout: 120_000 });
    assert.equal(sha1(await serverBytes(b.page, await link.getAttribute('href'))), sha1(fs.readFileSync(big)));
    // Exactly once on both sides.
    await a.page.waitForTimeout(2000);
    assert.equal(await link.count(), 1);
    assert.equal(await ui.log(a.page).getByRole('link', { name: 'Download reload-me.bin' }).count(), 1);
  });
});

test('a voice message plays on the other side; a location links to a map', { timeout: 240_000 }, async (t) => {
  await withBrowser(t, async ({ open }) => {
    const { a, b } = await pair(open, 'fv');
    const record = a.page.getByRole('button', { name: 'Record voice message' });
    await record.click(); // tap: starts
    await expectVisible(a.page.getByRole('timer', { name: 'Recording time' }), { timeout: T.ui });
    await a.page.waitForTimeout(1600);
    await record.click(); // tap again: sends
    const audio = ui.log(b.page).locator('audio[aria-label^="Voice message"]');
    await expectVisible(audio, { timeout: 60_000 });
    const label = await audio.getAttribute('aria-label');
    const [, m, s] = label.match(/(\d+):(\d\d)$/);
    assert.ok(Number(m) * 60 + Number(s) >= 1, `duration shown: ${label}`);
    // It plays: time moves.
    await eventually(() => audio.evaluate((el) => el.readyState >= 1), { timeout: T.ui, what: 'voice metadata loaded' });
    await audio.evaluate((el) => { el.muted = true; return el.play(); });
    await eventually(() => audio.evaluate((el) => el.currentTime > 0), { timeout: T.ui, what: 'voice message playing' });

    // Hold and release sends too.
    const voices = () => ui.log(b.page).locator('audio[aria-label^="Voice message"]').count();
    await record.hover();
    await a.page.mouse.down();
    await expectVisible(a.page.getByRole('timer', { name: 'Recording time' }), { timeout: T.ui });
    await a.page.waitForTimeout(1500);
    await a.page.mouse.up();
    await eventually(async () => (await voices()) === 2, { timeout: 60_000, what: 'the held recording arrives' });

    // Cancel discards a recording.
    const count = await ui.messages(a.page).count();
    await record.click();
    await expectVisible(a.page.getByRole('timer', { name: 'Recording time' }), { timeout: T.ui });
    await a.page.getByRole('group', { name: 'Recording' }).getByRole('button', { name: 'Cancel' }).click();
    await a.page.waitForTimeout(1000);
    assert.equal(await ui.messages(a.page).count(), count);

    // Location.
    await a.context.grantPermissions(['geolocation']);
    await a.context.setGeolocation({ latitude: 48.8584, longitude: 2.2945, accuracy: 12 });
    await a.page.getByRole('button', { name: 'Share location' }).click();
    const place = ui.log(b.page).getByRole('group', { name: 'Location' });
    await expectText(place, /48\.8584\d?, 2\.2945/, { timeout: T.ui });
    const map = await place.getByRole('link', { name: 'Open in map' }).getAttribute('href');
    assert.match(map, /openstreetmap\.org\/\?mlat=48\.8584/);
  });
});

test('another client sees the OOB URL, and its OOB picture shows as a picture', { timeout: 180_000 }, async (t) => {
  const alice = await prosody.newAccount('foa');
  const dave = await prosody.newAccount('fod');
  await makeContacts(alice, dave);
  const peer = await connectPeer(dave);
  try {
    await withBrowser(t, async ({ open }) => {
      const a = await open('alice');
      await signIn(a.page, { address: alice.jid, password: alice.password });
      await openChat(a.page, dave.jid);
      await attach(a.page).setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello file') });
      const got = await peer.waitFor((st) => st.is('message') && st.getChild('x', 'jabber:x:oob'), { what: 'OOB message' });
      const url = got.getChild('x', 'jabber:x:oob').getChildText('url');
      assert.equal(got.getChildText('body'), url);
      assert.equal((await serverBytes(a.page, url)).toString(), 'hello file');

      // Dave shares Alice's picture back the Conversations way (body = URL + OOB).
      const pic = png(20, 10, () => [255, 0, 0]);
      await attach(a.page).setInputFiles({ name: 'red.png', mimeType: 'image/png', buffer: pic });
      const second = await peer.waitFor((st) => st.is('message') && st.getChild('x', 'jabber:x:oob') &&
        st.getChild('x', 'jabber:x:oob').getChildText('url').endsWith('red.png'), { what: 'second OOB message' });
      const picUrl = second.getChild('x', 'jabber:x:oob').getChildText('url');
      await peer.send(xml('message', { to: alice.jid, type: 'chat', id: uniqueName('oob') },
        xml('body', {}, picUrl), xml('x', { xmlns: 'jabber:x:oob' }, xml('url', {}, picUrl))));
      const fromDave = ui.log(a.page).getByRole('article').filter({ hasNot: a.page.getByRole('img', { name: /^(Pending|Sent|Delivered|Read)$/ }) })
        .getByRole('button', { name: 'Open image red.png' });
      await expectVisible(fromDave, { timeout: T.ui });
      await eventually(() => fromDave.locator('img').evaluate((el) => el.complete && el.naturalWidth === 20), { timeout: T.ui, what: 'Dave\'s picture decoded' });
    });
  } finally {
    await peer.stop();
  }
});

test('a video plays inline on the other side, sized before it loads; a photo has its preview', { timeout: 180_000 }, async (t) => {
  await withBrowser(t, async ({ open }) => {
    const { a, b } = await pair(open, 'fw');
    // A 1 s WebM recorded from a canvas in Alice's page, dropped on the chat.
    await a.page.evaluate(async () => {
      const canvas = Object.assign(document.createElement('canvas'), { width: 160, height: 90 });
      const g = canvas.getContext('2d');
      const stream = canvas.captureStream(25);
      const rec = new MediaRecorder(stream, { mimeType: 'video/webm' });
      const chunks = [];
      rec.ondataavailable = (e) => chunks.push(e.data);
      const done = new Promise((r) => { rec.onstop = r; });
      rec.start();
      const t0 = performance.now();
      await new Promise((resolve) => {
        const draw = () => {
          const dt = performance.now() - t0;
          g.fillStyle = `hsl(${dt / 5}, 80%, 50%)`;
          g.fillRect(0, 0, 160, 90);
          if (dt < 1200) requestAnimationFrame(draw); else resolve();
        };
        draw();
      });
      rec.stop();
      await done;
      const dt = new DataTransfer();
      dt.items.add(new File(chunks, 'clip.webm', { type: 'video/webm' }));
      document.querySelector('[role="log"]').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    const video = ui.log(b.page).locator('video[aria-label="Video clip.webm"]');
    await expectVisible(video, { timeout: T.ui });
    assert.equal(await video.getAttribute('width'), '160');
    assert.equal(await video.getAttribute('height'), '90');
    await eventually(() => video.evaluate((el) => el.readyState >= 1), { timeout: T.ui, what: 'video metadata loaded' });
    await video.evaluate((el) => { el.muted = true; return el.play(); });
    await eventually(() => video.evaluate((el) => el.currentTime > 0), { timeout: T.ui, what: 'video playing' });

    // A photo carries a tiny preview (XEP-0264) that shows until it loads.
    await attach(a.page).setInputFiles({ name: 'preview.png', mimeType: 'image/png', buffer: png(80, 40, (x) => [x * 3, 0, 0]) });
    const img = ui.log(b.page).getByRole('button', { name: 'Open image preview.png' }).locator('img');
    await expectVisible(img, { timeout: T.ui });
    assert.match(await img.getAttribute('style'), /background-image: url\("data:image\/jpeg;base64,/);
  });
});
