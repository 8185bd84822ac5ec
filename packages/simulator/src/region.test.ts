import { describe, expect, it } from 'vitest';
import { REGION_HEADER, regionOf } from './region.js';

const sigv4 = (scope: string) => ({
  authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/${scope}, SignedHeaders=host;x-amz-date, Signature=abc`,
});

describe('regionOf', () => {
  it('reads the region from the SigV4 credential scope', () => {
    expect(regionOf(sigv4('us-west-2/bedrock/aws4_request'), 'us-east-1')).toBe('us-west-2');
    expect(regionOf(sigv4('ap-southeast-2/bedrock/aws4_request'), 'us-east-1')).toBe('ap-southeast-2');
  });

  it('falls back to the region header, then the default, for bearer tokens', () => {
    expect(regionOf({ authorization: 'Bearer abc', [REGION_HEADER]: 'eu-west-1' }, 'us-east-1')).toBe(
      'eu-west-1',
    );
    expect(regionOf({ authorization: 'Bearer abc' }, 'us-east-1')).toBe('us-east-1');
    expect(regionOf({}, 'us-east-2')).toBe('us-east-2');
  });

  it('ignores a scope that is not a SigV4 credential scope', () => {
    expect(regionOf(sigv4('us-west-2/bedrock'), 'us-east-1')).toBe('us-east-1');
    expect(
      regionOf({ authorization: 'Credential=x/notadate/us-west-2/bedrock/aws4_request' }, 'us-east-1'),
    ).toBe('us-east-1');
  });
});
