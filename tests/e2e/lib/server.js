// Control of the test XMPP server started by scripts/e2e.sh (same data dir
// and ports), whichever it is: Prosody through scripts/prosody.sh (accounts
// with prosodyctl), ejabberd through scripts/ejabberd.sh (accounts through
// its HTTP API on loopback: a few ms each, where every ejabberdctl call would
// boot an Erlang VM). Same interface for both:
//   server.start() / stop() / restart() / isRunning()
//   server.register(user, password) -> { user, password, jid }   (creates or resets)
//   server.newAccount(prefix)       -> a new account with a unique name
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { env, uniqueName } from './env.js';

const run = promisify(execFile);

function scriptEnv() {
  const name = env.server.toUpperCase();
  return {
    ...process.env,
    [`${name}_DATA`]: env.serverData,
    [`${name}_C2S_PORT`]: String(env.c2sPort),
    [`${name}_HTTP_PORT`]: String(env.httpPort),
  };
}

/** Runs scripts/<server>.sh with the test server's data dir and ports. */
export async function serverSh(...args) {
  const script = path.join(env.root, `scripts/${env.server}.sh`);
  const { stdout } = await run('bash', [script, ...args], { env: scriptEnv(), timeout: 60_000 });
  return stdout.trim();
}

/** One ejabberd HTTP API call (mod_http_api, loopback only): { status, body }. */
export async function ejabberdApi(command, args) {
  const res = await fetch(`http://127.0.0.1:${env.httpPort}/api/${command}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let body = text;
  try { body = JSON.parse(text); } catch {}
  return { status: res.status, body };
}

async function registerEjabberd(user, password, host) {
  const r = await ejabberdApi('register', { user, host, password });
  if (r.status === 200) return;
  // Already there (409): reset the password, as prosodyctl register does.
  const c = await ejabberdApi('change_password', { user, host, newpass: password });
  if (c.status !== 200) {
    throw new Error(`ejabberd: cannot register ${user}@${host}: ${JSON.stringify(r.body)} / ${JSON.stringify(c.body)}`);
  }
}

export const server = {
  get name() { return env.server; },
  start: () => serverSh('start'),
  stop: () => serverSh('stop'),
  async restart() { await serverSh('stop'); return serverSh('start'); },
  async isRunning() {
    try { await serverSh('status'); return true; } catch { return false; }
  },
  /** Creates (or resets) user@localhost; returns its account. */
  async register(user, password) {
    if (env.server === 'ejabberd') await registerEjabberd(user, password, env.domain);
    else await serverSh('register', user, password, env.domain);
    return { user, password, jid: `${user}@${env.domain}` };
  },
  /** A new account with a unique name. */
  async newAccount(prefix = 'u') {
    return this.register(uniqueName(prefix), `pw-${uniqueName('p')}`);
  },
};
