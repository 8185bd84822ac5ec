import { randomUUID } from 'node:crypto';

type Headers = Record<string, string>;
type Request = { headers: Headers; hostname: string; port?: number | undefined; body?: unknown };
type Pair = [string, string | undefined];

/**
 * The user agent the lean transport sends, built once per client from the SDK's own default
 * (`aws-sdk-js/<version>`, the platform, the service): the same sections as the SDK's header,
 * without its per-request feature list, plus `md/bedrock-ha#lean` so a request log can tell the paths apart.
 */
export async function leanUserAgent(provider: (() => Promise<Pair[]>) | undefined): Promise<Headers> {
  const pairs = provider ? await provider() : [];
  const sections = pairs.map(([name, version]) => (version ? `${name}/${version}` : name));
  const sdk = sections.filter((section) => section.startsWith('aws-sdk-'));
  const headers: Headers = { 'user-agent': [...sections, 'md/bedrock-ha#lean'].join(' ') };
  if (sdk.length > 0) headers['x-amz-user-agent'] = sdk.join(' ');
  return headers;
}

/**
 * Adds what the SDK's build and retry middleware add to a serialized request, in the same form:
 * `host` (`:authority` over HTTP/2), `content-length`, the user agent, the Lambda trace header
 * (recursion detection), and the one-attempt `amz-sdk-invocation-id` / `amz-sdk-request`.
 */
export function addRequestHeaders(
  request: Request,
  userAgent: Headers,
  http2: boolean,
  bodyLength: (body: unknown) => number | undefined,
): void {
  const { headers } = request;
  if (request.body && headers['content-length'] === undefined) {
    try {
      const length = bodyLength(request.body);
      if (length != null) headers['content-length'] = String(length);
    } catch {
      // As the SDK: a body whose length cannot be told is sent without the header.
    }
  }
  const traceId = process.env._X_AMZN_TRACE_ID;
  if (traceId && process.env.AWS_LAMBDA_FUNCTION_NAME && headers['X-Amzn-Trace-Id'] === undefined)
    headers['X-Amzn-Trace-Id'] = traceId;
  Object.assign(headers, userAgent);
  if (http2) headers[':authority'] = request.hostname + (request.port ? `:${request.port}` : '');
  else headers.host = request.hostname + (request.port != null ? `:${request.port}` : '');
  headers['amz-sdk-invocation-id'] = randomUUID();
  headers['amz-sdk-request'] = 'attempt=1; max=1';
}
