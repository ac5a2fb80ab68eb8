// Headless Chromium through playwright-core, using the system browser
// (/usr/bin/chromium): playwright never downloads one here.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { env } from './env.js';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // Voice messages: a fake microphone (a beep), and no permission prompt.
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
];

export function launchBrowser({ args = CHROMIUM_ARGS } = {}) {
  return chromium.launch({
    executablePath: env.chromium,
    headless: true,
    args,
    timeout: 60_000,
  });
}

/**
 * The app's URL. `server` (default: the test Prosody's WebSocket) becomes the
 * `?server=` query parameter, which prefills the "Server" field; pass
 * server: null for none.
 */
export function appUrl({ server = env.wsUrl, params = {} } = {}) {
  const u = new URL(env.appBase);
  const q = new URLSearchParams(params);
  let query = q.toString();
  if (server) query = `server=${server}` + (query ? `&${query}` : '');
  return `${u.origin}${u.pathname}${query ? `?${query}` : ''}`;
}

/**
 * A fresh browser context (its own IndexedDB, like a separate browser
 * profile) with one page, recording console errors, page errors and JS
 * dialogs (alert/confirm: a rendering test fails on any) for diagnostics.
 */
export async function newSession(browser, label = 'page') {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const log = [];
  const dialogs = [];
  page.on('console', (m) => log.push(`[${label} console.${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log.push(`[${label} pageerror] ${e.message}`));
  page.on('dialog', (d) => { dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
  return { context, page, log, dialogs, label };
}

/**
 * Saves a screenshot, the page's HTML and its console log under
 * tests/e2e/artifacts/ (git-ignored) so a failure can be looked at.
 */
export async function saveArtifacts(session, name) {
  try {
    fs.mkdirSync(env.artifacts, { recursive: true });
    const base = path.join(env.artifacts, `${name}-${session.label}`.replace(/[^\w.-]+/g, '_'));
    await session.page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 5_000 }).catch(() => {});
    const html = await session.page.content().catch(() => '');
    fs.writeFileSync(`${base}.html`, html);
    fs.writeFileSync(`${base}.log`, session.log.join('\n') + '\n');
    return base;
  } catch {
    return null;
  }
}

/**
 * Runs fn with a browser and tracked sessions; on failure writes artifacts
 * for every session; always closes the browser.
 */
export async function withBrowser(t, fn, options = {}) {
  const browser = await launchBrowser(options);
  const sessions = [];
  const open = async (label) => { const s = await newSession(browser, label); sessions.push(s); return s; };
  try {
    await fn({ browser, open });
  } catch (e) {
    const name = (t && t.name) || 'test';
    const saved = [];
    for (const s of sessions) { const b = await saveArtifacts(s, name); if (b) saved.push(b); }
    const logs = sessions.flatMap((s) => s.log).slice(-40).join('\n');
    let note = '';
    if (saved.length) note += `\n  artifacts: ${saved.join(', ')}.{png,html,log}`;
    if (logs) note += `\n  last browser console lines:\n${logs}`;
    if (note && e instanceof Error) {
      e.message += note;
      if (typeof e.stack === 'string') e.stack += note;
    }
    if (note && t && typeof t.diagnostic === 'function') t.diagnostic(note.trim());
    throw e;
  } finally {
    await browser.close().catch(() => {});
  }
}
