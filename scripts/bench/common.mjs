// What the bench scenarios (delivery.mjs, rooms.mjs, room-catchup.mjs)
// share: arguments, accounts on the test Prosody, a fresh Chromium profile
// per run (optionally recording long tasks), the app's sign-in and its
// Connection status. Figures only: nothing here fails a run on its own.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(root, 'tests/e2e/package.json'));
export const { chromium } = require('playwright-core');
/** A module of tests/e2e/lib. */
export const lib = (f) => import(path.join(root, 'tests/e2e/lib', f));

/** `--name value` from the command line, else `fallback`. */
export const arg = (k, fallback) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};

export const httpPort = Number(process.env.PROSODY_HTTP_PORT);
export const server = `ws://127.0.0.1:${httpPort}/xmpp-websocket`;

export const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A fresh account on the test Prosody. */
export function register(prefix) {
  const user = `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const password = `pw-${user}`;
  execFileSync('bash', [path.join(root, 'scripts/prosody.sh'), 'register', user, password], { stdio: 'ignore' });
  return { user, password, jid: `${user}@localhost` };
}

export const now = (page) => page.evaluate(() => performance.now());
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const connection = (page) => page.getByRole('status', { name: 'Connection' });

export async function statusText(page) {
  try { const st = connection(page); return (await st.count()) ? (await st.first().innerText({ timeout: 1_000 })).trim() : ''; }
  catch { return ''; }
}

/** Waits until the Connection status reads "Online". */
export async function waitOnline(page, timeout = 45_000) {
  const end = Date.now() + timeout;
  while (!/^Online/.test(await statusText(page))) {
    if (Date.now() > end) throw new Error('not Online');
    await sleep(100);
  }
}

/**
 * Runs `fn(page)` in a fresh Chromium profile (its own IndexedDB), removed
 * afterwards. With `longtasks`, the page records main-thread long tasks in
 * `window.__longtasks` ({ start, duration }).
 */
export async function withProfile(prefix, fn, { longtasks = false } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `confab-bench-${prefix}-`));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ARGS,
    viewport: { width: 1280, height: 800 },
  });
  try {
    if (longtasks) {
      await ctx.addInitScript(() => {
        window.__longtasks = [];
        try {
          new PerformanceObserver((l) => {
            for (const e of l.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration });
          }).observe({ type: 'longtask', buffered: true });
        } catch { /* no long task API */ }
      });
    }
    const page = ctx.pages()[0] || await ctx.newPage();
    page.setDefaultTimeout(30_000);
    return await fn(page);
  } finally {
    await ctx.close().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Signs `who` in at `url` with "Remember me", until "Online". */
export async function signIn(page, url, who) {
  await page.goto(url);
  await page.getByRole('textbox', { name: 'Address', exact: true }).fill(who.jid);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  const remember = page.getByRole('checkbox', { name: 'Remember me' });
  if (await remember.count()) await remember.setChecked(true);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('navigation', { name: 'Chats' }).waitFor({ state: 'visible' });
  await waitOnline(page);
}
