// A gateway on node:http in front of a chain, against the local simulator (no AWS account needed).
// Run: pnpm turbo run build --filter=@bedrock-ha/http... && node packages/http/examples/node-http.mjs
import { once } from 'node:events';
import { createServer } from 'node:http';
import { createBedrockHA } from '@bedrock-ha/core';
import { createGateway } from '@bedrock-ha/http';
import { startSimulator } from '@bedrock-ha/simulator';

const sim = await startSimulator(); // against AWS: leave `client` out of the config below
const ha = createBedrockHA({
  client: { endpoint: sim.url, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' } },
  chains: {
    claude: { endpoints: [{ region: 'us-west-2', modelId: 'anthropic.claude-3-haiku-20240307-v1:0' }] },
  },
});
const gateway = createGateway(ha, { apiKeys: ['local-key'], onRequestLog: (entry) => console.log(entry) });

const server = createServer(async (req, res) => {
  const disconnect = new AbortController(); // the client went away: the upstream call stops too
  res.on('close', () => res.writableFinished || disconnect.abort());
  const body = [];
  for await (const chunk of req) body.push(chunk); // an adapter would stop at gateway.maxBodyBytes
  const headers = Object.entries(req.headers).map(([name, value]) => [name, [value].flat().join(', ')]);
  const response = await gateway.handle({
    method: req.method,
    path: req.url.split('?')[0],
    headers: Object.fromEntries(headers),
    body: Buffer.concat(body),
    signal: disconnect.signal,
  });
  res.writeHead(response.status, response.headers);
  if (typeof response.body === 'string' || response.body instanceof Uint8Array) return res.end(response.body);
  // Pull a chunk only when the socket took the last one; leaving the loop releases the stream.
  for await (const chunk of response.body) {
    if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    if (res.destroyed) break;
  }
  res.end();
});
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  console.log(`gateway on http://127.0.0.1:${server.address().port}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.closeAllConnections();
    server.close(async () => {
      gateway.close();
      ha.destroy();
      await sim.close();
    });
  });
}
