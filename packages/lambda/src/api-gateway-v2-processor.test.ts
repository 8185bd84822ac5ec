import { describe, expect, it } from 'vitest';
import { apiGatewayV1Processor } from './api-gateway-v1-processor.js';
import { apiGatewayV2Processor } from './api-gateway-v2-processor.js';
import type { HttpEventV2 } from './lambda-types.js';

function v2(extra: Partial<HttpEventV2> = {}): HttpEventV2 {
  return {
    version: '2.0',
    rawPath: '/v1/models',
    headers: { 'Content-Type': 'application/json' },
    isBase64Encoded: false,
    requestContext: { http: { method: 'get' }, stage: '$default' },
    ...extra,
  };
}

describe('apiGatewayV2Processor', () => {
  it('recognises payload 2.0 events only', () => {
    expect(apiGatewayV2Processor.matches(v2())).toBe(true);
    expect(apiGatewayV2Processor.matches({ ...v2(), version: '1.0' })).toBe(false);
    expect(apiGatewayV2Processor.matches({ chain: 'x', input: {} })).toBe(false);
  });

  it('upper-cases the method, lower-cases header names and puts cookies back in a header', () => {
    const request = apiGatewayV2Processor.toRequest(v2({ cookies: ['a=1', 'b=2'] }));

    expect(request).toMatchObject({
      method: 'GET',
      path: '/v1/models',
      headers: { 'content-type': 'application/json', cookie: 'a=1; b=2' },
      body: undefined,
    });
  });

  it('cuts a named stage from the path, and only a whole segment', () => {
    const staged = (rawPath: string) =>
      apiGatewayV2Processor.toRequest(
        v2({ rawPath, requestContext: { http: { method: 'GET' }, stage: 'prod' } }),
      ).path;

    expect(staged('/prod/v1/models')).toBe('/v1/models');
    expect(staged('/prod')).toBe('/');
    expect(staged('/production/v1/models')).toBe('/production/v1/models');
  });

  it('decodes a base64 body to its bytes', () => {
    const body = Buffer.from([0, 159, 146, 150]);
    const request = apiGatewayV2Processor.toRequest(
      v2({ body: body.toString('base64'), isBase64Encoded: true }),
    );

    expect(Buffer.from(request.body!)).toEqual(body);
  });
});

describe('apiGatewayV1Processor', () => {
  it('joins repeated headers from multiValueHeaders', () => {
    const event = {
      httpMethod: 'POST',
      path: '/model/chat/converse',
      headers: { Accept: 'b' },
      multiValueHeaders: { Accept: ['a', 'b'] },
      body: '{}',
    };

    expect(apiGatewayV1Processor.matches(event)).toBe(true);
    expect(apiGatewayV1Processor.toRequest(event)).toMatchObject({
      method: 'POST',
      path: '/model/chat/converse',
      headers: { accept: 'a, b' },
    });
  });
});
