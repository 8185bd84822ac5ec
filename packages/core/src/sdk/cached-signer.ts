import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';

type AuthScheme = { name?: string; signingRegion?: string; signingName?: string } | undefined;
type Signer = (authScheme?: AuthScheme) => Promise<unknown>;

/**
 * Makes a client reuse its SigV4 signer. The SDK's `signer` builds a new `SignatureV4` for every
 * request, from a copy of the whole client config (issue 20: a few percent of a gateway's CPU);
 * the signer it builds depends only on the config, which does not change, and the auth scheme,
 * which is the key here. The signer resolves the credentials at each signing as before, so
 * refreshed credentials still apply; signatures are the same (a test signs side by side).
 */
export function withCachedSigner(client: BedrockRuntimeClient): BedrockRuntimeClient {
  const config = client.config as unknown as { signer: Signer };
  const build = config.signer;
  if (typeof build !== 'function') return client;
  const signers = new Map<string, Promise<unknown>>();
  config.signer = (authScheme) => {
    const key = authScheme
      ? `${authScheme.name}\n${authScheme.signingRegion}\n${authScheme.signingName}`
      : '';
    let signer = signers.get(key);
    if (!signer) {
      signer = build(authScheme);
      // A failed build (a region provider that threw) is not kept: the next request tries again.
      signer.catch(() => signers.delete(key));
      if (signers.size < 16) signers.set(key, signer);
    }
    return signer;
  };
  return client;
}
