#!/usr/bin/env node
// Tiny static file server for a built Confab (dist/), loopback by default.
// No dependencies. Serves .wasm as application/wasm, revalidates with ETags
// (Cache-Control: no-cache), answers unknown paths with 404.
//
//   node scripts/serve.mjs [--root dist] [--port 8080] [--host 127.0.0.1]
//
// Prints "serving ROOT at http://HOST:PORT/" once listening (--port 0 picks a
// free port and prints it).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2', '.webmanifest': 'application/manifest+json', '.map': 'application/json',
};

export function startServer({ root = 'dist', port = 8080, host = '127.0.0.1', log = false } = {}) {
  const absRoot = path.resolve(root);
  const server = http.createServer((req, res) => {
    let rel;
    try { rel = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { res.writeHead(400).end(); return; }
    let file = path.join(absRoot, rel);
    if (file !== absRoot && !file.startsWith(absRoot + path.sep)) { res.writeHead(403).end(); return; }
    let st = null;
    try { st = fs.statSync(file); if (st.isDirectory()) { file = path.join(file, 'index.html'); st = fs.statSync(file); } } catch { st = null; }
    if (!st) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' }).end('not found');
      if (log) console.log(404, req.method, rel);
      return;
    }
    const etag = `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
    const headers = {
      'content-type': MIME[path.extname(file).toLowerCase()] || 'application/octet-stream',
      'cache-control': 'no-cache', etag, 'x-content-type-options': 'nosniff',
    };
    if (req.headers['if-none-match'] === etag) { res.writeHead(304, headers).end(); return; }
    headers['content-length'] = st.size;
    res.writeHead(200, headers);
    if (log) console.log(200, req.method, rel);
    if (req.method === 'HEAD') { res.end(); return; }
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (k, d) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? process.argv[i + 1] : d; };
  const root = arg('root', 'dist');
  const host = arg('host', '127.0.0.1');
  startServer({ root, port: Number(arg('port', 8080)), host, log: process.argv.includes('--verbose') })
    .then((s) => console.log(`serving ${root} at http://${host}:${s.address().port}/`))
    .catch((e) => { console.error(`serve: ${e.message}`); process.exit(1); });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
}
