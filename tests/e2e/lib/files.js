// Shared set-up of the file-sharing tests (issue 5): two signed-in people
// with their chat open, big files on disk, and the bytes a URL serves.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prosody } from './prosody.js';
import { makeContacts } from './xmpp.js';
import { signIn, openChat } from './ui.js';

export const MiB = 1024 * 1024;

/** "Attach file", the composer's file input. */
export const attach = (page) => page.getByLabel('Attach file', { exact: true });

/** Alice and Bob (new accounts, contacts, remembered), each with the other's chat open. */
export async function pair(open, prefix) {
  const alice = await prosody.newAccount(`${prefix}a`);
  const bob = await prosody.newAccount(`${prefix}b`);
  await makeContacts(alice, bob);
  const a = await open('alice');
  const b = await open('bob');
  await signIn(a.page, { address: alice.jid, password: alice.password, remember: true });
  await signIn(b.page, { address: bob.jid, password: bob.password, remember: true });
  await openChat(a.page, bob.jid);
  await openChat(b.page, alice.jid);
  return { alice, bob, a, b };
}

/** A file of `size` bytes of a repeating pattern in a fresh temp dir. */
export function bigFile(name, size) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'confab-files-')), name);
  const block = Buffer.alloc(MiB);
  for (let i = 0; i < block.length; i++) block[i] = (i * 7) & 0xff;
  const fd = fs.openSync(file, 'w');
  for (let done = 0; done < size; done += block.length) fs.writeSync(fd, block, 0, Math.min(block.length, size - done));
  fs.closeSync(fd);
  return file;
}

/** The bytes at `url`, fetched by the page from the server (not from any cache). */
export async function serverBytes(page, url) {
  const b64 = await page.evaluate(async (u) => {
    const r = await fetch(u, { cache: 'no-store' });
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    const bytes = new Uint8Array(await r.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }, url);
  return Buffer.from(b64, 'base64');
}
