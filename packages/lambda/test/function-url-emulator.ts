import { once } from 'node:events';
import http2, { type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { LambdaContext, StreamingHandler } from '../src/index.js';
import { lambdaContext } from './harness.js';
import { LambdaResponseStream } from './lambda-runtime-emulator.js';

// A local stand-in for a Lambda Function URL in RESPONSE_STREAM mode, so real HTTP clients (the
// AWS SDK) can call the streaming handler: each request becomes a payload 2.0 event, and the
// handler's response stream is read as the service reads it — the JSON prelude, the 8-byte null
// delimiter, then the body, relayed as it is written. HTTP/2 cleartext, as the runtime client of
// the AWS SDK speaks by default.

/** Relays what the handler writes to an HTTP response. */
class HttpResponseStream extends LambdaResponseStream {
  private state: 'prelude' | 'delimiter' | 'body' = 'prelude';

  constructor(private readonly response: Http2ServerResponse) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.state === 'prelude') {
      const prelude = JSON.parse(chunk.toString('utf8'));
      this.response.writeHead(prelude.statusCode, prelude.headers ?? {});
      this.state = 'delimiter';
      callback();
    } else if (this.state === 'delimiter') {
      if (chunk.length !== 8 || chunk.some((byte) => byte !== 0)) callback(new Error('no 8-byte delimiter'));
      else {
        this.state = 'body';
        callback();
      }
    } else if (this.response.write(chunk)) callback();
    else this.response.once('drain', () => callback());
  }

  override _final(callback: () => void): void {
    this.response.end(callback);
  }
}

/** Starts the emulated Function URL; `close()` stops it. */
export async function startFunctionUrl(
  handler: StreamingHandler,
  context: () => LambdaContext = () => lambdaContext(),
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http2.createServer(async (request: Http2ServerRequest, response: Http2ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url, 'http://function-url');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers))
      if (!name.startsWith(':') && value !== undefined) headers[name] = String(value);
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      requestContext: { http: { method: request.method, path: url.pathname }, stage: '$default' },
      body: Buffer.concat(chunks).toString('base64'),
      isBase64Encoded: true,
    };
    await handler(event, new HttpResponseStream(response), context()).catch(() => response.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
