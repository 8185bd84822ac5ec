import type { NodeRequest } from './node-message.js';

/** How reading a request body ended. */
export type BodyRead =
  | { readonly kind: 'read'; readonly body: Uint8Array | string | undefined }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'failed'; readonly message: string };

/** A request that an earlier middleware (a body parser) may already have read. */
type ParsedRequest = NodeRequest & { body?: unknown };

/**
 * Reads a request's raw body into memory, up to `limitBytes`. The gateway parses and validates it,
 * so no body parser runs first. A body declared or found larger than the limit stops the read at
 * once: nothing more is buffered, and the caller answers with a 413 and drops the rest (see
 * `answerUnread`).
 */
export async function readRequestBody(request: ParsedRequest, limitBytes: number): Promise<BodyRead> {
  if (request.readableEnded) return alreadyRead(request);
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) return { kind: 'too-large' };
  return new Promise<BodyRead>((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (result: BodyRead) => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) {
        chunks.length = 0;
        // Stop the flow: the 413's drain reads what follows, within its budget.
        request.pause();
        finish({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish({ kind: 'read', body: received === 0 ? undefined : Buffer.concat(chunks) });
    const onError = (error: Error) =>
      finish({ kind: 'failed', message: `could not read the body: ${error.message}` });
    // A client that goes away mid-body never sends `end`.
    const onClose = () => {
      if (!request.complete) finish({ kind: 'failed', message: 'the client closed the connection mid-body' });
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}

/**
 * A body parser mounted before the router consumed the stream: take what it left. Raw parsers
 * (`express.raw`, `express.text`) keep the bytes; a parsed JSON object is serialized again.
 */
function alreadyRead(request: ParsedRequest): BodyRead {
  const { body } = request;
  if (body === undefined || body === null) return { kind: 'read', body: undefined };
  if (typeof body === 'string' || body instanceof Uint8Array) return { kind: 'read', body };
  return { kind: 'read', body: JSON.stringify(body) };
}
