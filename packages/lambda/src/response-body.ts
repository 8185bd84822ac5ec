import type { GatewayResponse } from '@bedrock-ha/http';
import type { HttpResult } from './lambda-types.js';

const TEXT = /^text\/|[/+]json\b|[/+]xml\b|javascript|x-www-form-urlencoded|charset=/i;

/**
 * True when a body of this content type can travel as a UTF-8 string. Anything else (Bedrock's
 * `application/vnd.amazon.eventstream`, octet streams) is base64-encoded in the Lambda result.
 */
export function isTextContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && TEXT.test(contentType);
}

/** Reads a gateway body to its end. */
export async function collectBody(body: GatewayResponse['body']): Promise<Uint8Array> {
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * A gateway response as a buffered Lambda HTTP result (API Gateway, or a Function URL in
 * BUFFERED mode). A streamed body is read to its end first: use the streaming handler to send it
 * as it comes.
 */
export async function toHttpResult(response: GatewayResponse): Promise<HttpResult> {
  const bytes = await collectBody(response.body);
  const text = isTextContentType(response.headers['content-type']);
  return {
    statusCode: response.status,
    headers: { ...response.headers },
    body: Buffer.from(bytes).toString(text ? 'utf8' : 'base64'),
    isBase64Encoded: !text,
  };
}
