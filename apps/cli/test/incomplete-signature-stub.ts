import { createServer, type Server } from 'node:http';

/**
 * Answers every request as AWS does for a malformed signature: 403 IncompleteSignatureException
 * with a message that repeats the request's Authorization header (key id and signature included).
 * Each signature seen is added to `signatures`.
 */
export function startIncompleteSignatureStub(signatures = new Set<string>()): Promise<Server> {
  const server = createServer((request, response) => {
    const authorization = request.headers.authorization ?? '';
    const signature = /Signature=([0-9a-f]+)/.exec(authorization)?.[1];
    if (signature) signatures.add(signature);
    request.resume();
    request.on('end', () => {
      const body = JSON.stringify({
        message: `'x' not a valid key=value pair (missing equal-sign) in Authorization header: '${authorization}'.`,
      });
      response.writeHead(403, {
        'x-amzn-errortype': 'IncompleteSignatureException',
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      response.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
