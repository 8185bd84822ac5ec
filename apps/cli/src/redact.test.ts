import { describe, expect, it } from 'vitest';
import { redactSecrets, registerSecret } from './redact.js';

const HEADER =
  "Authorization header: 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261126/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0'";

describe('redactSecrets', () => {
  it('hides the credential scope, the signature and a bare access key id', () => {
    const redacted = redactSecrets(`${HEADER} (key ASIAIOSFODNN7EXAMPLE)`, {});
    expect(redacted).toBe(
      "Authorization header: 'AWS4-HMAC-SHA256 Credential=[redacted], SignedHeaders=host;x-amz-date, Signature=[redacted]' (key [redacted])",
    );
  });

  it('hides registered secrets and the AWS credential variables, leaving other text alone', () => {
    registerSecret('my-config-secret');
    registerSecret('abc');
    const redacted = redactSecrets('my-config-secret env-secret AKIDTEST abc', {
      AWS_ACCESS_KEY_ID: 'AKIDTEST',
      AWS_SECRET_ACCESS_KEY: 'env-secret',
    });
    expect(redacted).toBe('[redacted] [redacted] [redacted] abc');
  });
});
