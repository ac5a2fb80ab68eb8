// A loopback TCP proxy the test controls, to put network faults between the
// app and the test Prosody. Node `net` only.
//
//   const p = await startProxy(env.httpPort);       // in front of HTTP/WebSocket
//   appUrl({ server: p.wsUrl })                     // ws://127.0.0.1:<p.port>/xmpp-websocket
//
//   p.cut()        every open connection is reset at once, on both sides (TCP RST):
//                  the browser's WebSocket closes (code 1006) as on a network
//                  failure; Prosody sees a dropped connection (XEP-0198:
//                  the session hibernates and can be resumed). New
//                  connections work normally right after.
//   p.hold()       the network is down: existing connections are cut, and
//                  every new connection is accepted and reset at once, so the
//                  browser's WebSocket fails immediately (a refused
//                  connection, not a hanging one: the app sees "offline" as
//                  soon as it tries, and retries on its own back-off).
//                  The listening port stays bound, so no other process can
//                  take it meanwhile.
//                  p.hold({ hang: true }) instead accepts new connections and
//                  leaves them hanging (bytes dropped, nothing answered): for
//                  testing the app's own connect time-out.
//   p.release()    back to normal for new connections. Connections that
//                  were blackholed are reset now (bytes were dropped, so they
//                  can never carry a valid stream again): the browser sees
//                  them close, as when a real network comes back and TCP
//                  finds the peer gone.
//   p.blackhole()  a dead network that TCP does not notice: open connections
//                  stay open but every byte is dropped in both directions,
//                  and new connections are accepted and treated alike. Only an
//                  application-level ping (XEP-0199/XEP-0198 <r/>) finds out.
//                  When one side closes its TCP socket, the other side is
//                  closed too. (Note: a browser's WebSocket.close() on a dead
//                  socket waits for the closing handshake, up to a minute in
//                  Chromium, before it closes TCP; release() ends that.)
//   p.connections()   number of open connections (client sockets) right now
//   p.stats()         { accepted, refused, cut, open, bytesUp, bytesDown }
//   p.waitForConnections(n, { timeout })  resolves when `accepted` reaches n
//   p.close()      cuts everything and stops listening.
//
// Bytes are relayed as they come, with back-pressure; no latency is added.
import net from 'node:net';

/**
 * Starts a proxy listening on 127.0.0.1 (a free port unless `port` is given)
 * that relays to targetHost:targetPort.
 */
export async function startProxy(targetPort, { targetHost = '127.0.0.1', port = 0 } = {}) {
  let mode = 'pass'; // 'pass' | 'refuse' | 'hang' | 'blackhole'
  const open = new Set();
  const stats = { accepted: 0, refused: 0, cut: 0, bytesUp: 0, bytesDown: 0 };
  const waiters = new Set();

  function reset(sock) {
    if (sock.destroyed) return;
    if (typeof sock.resetAndDestroy === 'function' && sock._handle) {
      try { sock.resetAndDestroy(); return; } catch { /* fall through */ }
    }
    sock.destroy();
  }

  function relay(conn, from, to, counter) {
    from.on('data', (chunk) => {
      if (conn.dead) return; // blackholed: swallow
      stats[counter] += chunk.length;
      if (!to.destroyed && !to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    });
    from.on('end', () => { if (!conn.dead && !to.destroyed) to.end(); });
    from.on('close', () => { conn.close(); });
    from.on('error', () => {}); // 'close' follows
  }

  const server = net.createServer({ pauseOnConnect: false }, (client) => {
    stats.accepted += 1;
    for (const w of waiters) w();
    client.setNoDelay(true);
    if (mode === 'refuse') {
      stats.refused += 1;
      client.on('error', () => {});
      reset(client);
      return;
    }
    const upstream = net.connect({ host: targetHost, port: targetPort });
    upstream.setNoDelay(true);
    const conn = {
      client, upstream,
      dead: mode === 'hang' || mode === 'blackhole',
      closed: false,
      close() {
        if (conn.closed) return;
        conn.closed = true;
        open.delete(conn);
        // A normal close on one side closes the other; a reset stays a reset.
        if (!client.destroyed) client.destroy();
        if (!upstream.destroyed) upstream.destroy();
      },
      cut() {
        if (conn.closed) return;
        conn.closed = true;
        open.delete(conn);
        stats.cut += 1;
        reset(client);
        reset(upstream);
      },
      kill() { // drop everything from now on, keep both sockets open
        conn.dead = true;
        client.resume(); upstream.resume();
      },
    };
    open.add(conn);
    // Prosody down: fail the client at once, like a refused connection.
    upstream.once('error', () => { if (!conn.closed) conn.cut(); });
    relay(conn, client, upstream, 'bytesUp');
    relay(conn, upstream, client, 'bytesDown');
  });
  server.on('error', () => {});
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  const boundPort = server.address().port;

  const proxy = {
    port: boundPort,
    /** The XMPP WebSocket URL through this proxy (when it fronts Prosody's HTTP port). */
    get wsUrl() { return `ws://127.0.0.1:${boundPort}/xmpp-websocket`; },
    get mode() { return mode; },
    cut() { for (const c of [...open]) c.cut(); },
    hold({ hang = false } = {}) {
      mode = hang ? 'hang' : 'refuse';
      for (const c of [...open]) c.cut();
    },
    release() {
      mode = 'pass';
      for (const c of [...open]) if (c.dead) c.cut();
    },
    blackhole() {
      mode = 'blackhole';
      for (const c of open) c.kill();
    },
    connections: () => open.size,
    stats: () => ({ ...stats, open: open.size }),
    waitForConnections(n, { timeout = 30_000 } = {}) {
      if (stats.accepted >= n) return Promise.resolve(stats.accepted);
      return new Promise((resolve, reject) => {
        const w = () => {
          if (stats.accepted >= n) { clearTimeout(t); waiters.delete(w); resolve(stats.accepted); }
        };
        const t = setTimeout(() => { waiters.delete(w); reject(new Error(`proxy: ${stats.accepted} of ${n} connections within ${timeout} ms`)); }, timeout);
        waiters.add(w);
      });
    },
    close() {
      mode = 'refuse';
      for (const c of [...open]) c.cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
