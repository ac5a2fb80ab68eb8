#!/usr/bin/env node
// Start-up timing of Confab in headless Chromium (used by scripts/bench.sh).
// Times are read in the page (performance.now(), origin = navigation start)
// right after playwright sees the condition, so they include a few ms of
// polling. Prints a table with min / median / max; a step the UI does not
// support yet is reported as n/a. Never fails.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(root, 'tests/e2e/package.json'));
const { chromium } = require('playwright-core');

const arg = (k, d) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? process.argv[i + 1] : d; };
const app = arg('app'); const server = arg('server');
const jid = arg('jid'); const password = arg('password');
const runs = Number(arg('runs', 5));
const profiles = arg('profiles', fs.mkdtempSync('/tmp/confab-profiles-'));
const url = `${app}?server=${server}`;
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TIMEOUT = 30_000;

const now = (page) => page.evaluate(() => performance.now());
const samples = { form: [], signin: [], cold: [], warm: [] };
const notes = new Set();

for (let i = 0; i < runs; i++) {
  const dir = path.join(profiles, `run${i}`);
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ARGS,
    viewport: { width: 1280, height: 800 },
  });
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    page.setDefaultTimeout(TIMEOUT);
    await page.goto(url);
    const address = page.getByRole('textbox', { name: 'Address', exact: true });
    try { await address.waitFor({ state: 'visible' }); } catch { notes.add('sign-in form (textbox "Address") not shown'); continue; }
    samples.form.push(await now(page));
    await address.fill(jid);
    await page.getByLabel('Password', { exact: true }).fill(password);
    const remember = page.getByRole('checkbox', { name: 'Remember me' });
    const hasRemember = (await remember.count()) > 0;
    if (hasRemember) await remember.setChecked(true); else notes.add('no "Remember me" checkbox: no warm run');
    const tClick = await now(page);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const chats = page.getByRole('navigation', { name: 'Chats' });
    try { await chats.waitFor({ state: 'visible' }); } catch { notes.add('chat list (navigation "Chats") not shown after sign-in'); continue; }
    const tChats = await now(page);
    samples.signin.push(tChats - tClick);
    samples.cold.push(tChats);
    if (!hasRemember) continue;
    await page.reload();
    try { await chats.waitFor({ state: 'visible' }); samples.warm.push(await now(page)); }
    catch { notes.add('remembered session: chat list not shown after reload'); }
  } finally {
    await ctx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (xs) => {
  if (!xs.length) return 'n/a';
  const s = [...xs].sort((a, b) => a - b);
  const med = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return `median ${med.toFixed(0).padStart(6)} ms   (min ${s[0].toFixed(0)}, max ${s[s.length - 1].toFixed(0)}, n=${s.length})`;
};
console.log(`  app ${url}, account ${jid}, ${runs} runs, fresh profile each`);
console.log(`  cold: navigation -> sign-in form shown        ${fmt(samples.form)}`);
console.log(`  cold: click "Sign in" -> chat list shown      ${fmt(samples.signin)}`);
console.log(`  cold: navigation -> chat list (incl. form)    ${fmt(samples.cold)}`);
console.log(`  warm: reload, remembered -> chat list shown   ${fmt(samples.warm)}`);
for (const n of notes) console.log(`  note: ${n}`);
