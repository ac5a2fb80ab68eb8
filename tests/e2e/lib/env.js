// Where the test servers are. scripts/e2e.sh starts a throw-away XMPP server
// (Prosody by default, ejabberd with CONFAB_E2E_SERVER=ejabberd) and a static
// server for the built app and exports these variables; the tests never
// start their own (they only stop/restart the server they are given).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function need(name) {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set: run the end-to-end tests with \`bash scripts/e2e.sh\` ` +
      '(or `bash scripts/test.sh`), which start the XMPP server and serve the app first');
  }
  return v;
}

/** The server software under test: 'prosody' (default) or 'ejabberd'. */
function serverName() {
  const s = (process.env.CONFAB_E2E_SERVER || 'prosody').toLowerCase();
  if (s !== 'prosody' && s !== 'ejabberd') throw new Error(`CONFAB_E2E_SERVER=${s}: expected prosody or ejabberd`);
  return s;
}
/** PROSODY_X or EJABBERD_X, after the server under test. */
function serverVar(suffix) { return `${serverName().toUpperCase()}_${suffix}`; }

export const env = {
  get root() { return process.env.CONFAB_ROOT || path.resolve(here, '../../..'); },
  /** Base URL of the served app, e.g. http://127.0.0.1:41234/ */
  get appBase() { return need('CONFAB_E2E_APP_URL'); },
  /** 'prosody' or 'ejabberd' (CONFAB_E2E_SERVER). */
  get server() { return serverName(); },
  get c2sPort() { return Number(need(serverVar('C2S_PORT'))); },
  get httpPort() { return Number(need(serverVar('HTTP_PORT'))); },
  /** The data directory of the test server (PROSODY_DATA or EJABBERD_DATA). */
  get serverData() { return need(serverVar('DATA')); },
  get prosodyData() { return need('PROSODY_DATA'); },
  /** The test server's WebSocket endpoint. */
  get wsUrl() { return `ws://127.0.0.1:${this.httpPort}/xmpp-websocket`; },
  domain: 'localhost',
  get chromium() { return process.env.CHROMIUM || '/usr/bin/chromium'; },
  get artifacts() { return process.env.CONFAB_E2E_ARTIFACTS || path.resolve(here, '../artifacts'); },
};

/** A fresh, valid localpart, unique per call and per run: `${prefix}_<random>`. */
export function uniqueName(prefix = 'u') {
  const r = Math.random().toString(36).slice(2, 8);
  return `${prefix}_${Date.now().toString(36)}${r}`.toLowerCase();
}
