// The tests' handle on the test XMPP server started by scripts/e2e.sh. It is
// called `prosody` for history; it controls whichever server runs
// (CONFAB_E2E_SERVER=prosody|ejabberd, see lib/server.js):
// stop/start/restart/isRunning, register, newAccount.
import net from 'node:net';
import { server } from './server.js';

export const prosody = server;
export { server };

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
