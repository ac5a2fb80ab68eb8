// Control of the test Prosody started by scripts/e2e.sh (same data dir and
// ports, through scripts/prosody.sh), and account creation with prosodyctl.
import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { env, uniqueName } from './env.js';

const run = promisify(execFile);

async function prosodySh(...args) {
  const script = path.join(env.root, 'scripts/prosody.sh');
  const { stdout } = await run('bash', [script, ...args], {
    env: {
      ...process.env,
      PROSODY_DATA: env.prosodyData,
      PROSODY_C2S_PORT: String(env.c2sPort),
      PROSODY_HTTP_PORT: String(env.httpPort),
    },
    timeout: 30_000,
  });
  return stdout.trim();
}

export const prosody = {
  start: () => prosodySh('start'),
  stop: () => prosodySh('stop'),
  async restart() { await prosodySh('stop'); return prosodySh('start'); },
  async isRunning() {
    try { await prosodySh('status'); return true; } catch { return false; }
  },
  /** Creates (or resets) user@localhost with prosodyctl; returns its account. */
  async register(user, password) {
    await prosodySh('register', user, password, env.domain);
    return { user, password, jid: `${user}@${env.domain}` };
  },
  /** A new account with a unique name. */
  async newAccount(prefix = 'u') {
    return this.register(uniqueName(prefix), `pw-${uniqueName('p')}`);
  },
};

/** Resolves with a TCP port on 127.0.0.1 that nothing listens on (for "unreachable"). */
export function closedPort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** True if something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('error', () => resolve(false));
  });
}
