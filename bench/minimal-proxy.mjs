// The floor a Node gateway is measured against: node:http in front of an undici Pool to the
// simulator, forwarding method, path, content type and body as they are, and the answer's status,
// content type and bytes back. No signing, no parsing, no routing. Argument: the simulator's URL.
// Prints `{ url }` as one JSON line, then serves until SIGTERM.
import http from 'node:http';
import { Pool } from 'undici';

const [upstreamUrl] = process.argv.slice(2);
const pool = new Pool(upstreamUrl, { connections: 256, pipelining: 1 });
const server = http.createServer((request, response) => {
  pool.request(
    {
      method: request.method,
      path: request.url,
      headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
      body: request,
    },
    (error, upstream) => {
      if (error) {
        response.writeHead(502, { 'content-type': 'text/plain' }).end(String(error));
        return;
      }
      response.writeHead(upstream.statusCode, {
        'content-type': upstream.headers['content-type'] ?? 'application/json',
      });
      upstream.body.pipe(response);
    },
  );
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` }));
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  pool.close().then(() => process.exit(0));
});
