import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { getEndpointFromInstructions } from '@smithy/core/endpoints';
import { toEndpointV1 } from '@smithy/core/transport';

/** A client's endpoint as the SDK's serializer takes it, and the SigV4 scope the endpoint asks for. */
export interface ResolvedEndpoint {
  readonly endpoint: ReturnType<typeof toEndpointV1>;
  readonly signingRegion: string;
  readonly signingName: string;
  /** The auth scheme object the SDK hands its signer factory (which keys its cache on it). */
  readonly authScheme: { name?: string; signingRegion?: string; signingName?: string } | undefined;
}

type EndpointConfig = Parameters<typeof getEndpointFromInstructions>[2] & {
  region: () => Promise<string>;
};

/**
 * Resolves a client's endpoint once, with the SDK's own resolution: its endpoint rules over the
 * client's resolved config (region, FIPS, dual-stack, a custom `endpoint`, `AWS_ENDPOINT_URL_*`
 * and the shared config file's `endpoint_url`). The four operations have no endpoint parameters of
 * their own (no model id or body field reaches the rules), so every request of a client gets this
 * one endpoint; the SDK computes it again for each request.
 */
export async function resolveEndpoint(config: unknown): Promise<ResolvedEndpoint> {
  const clientConfig = config as EndpointConfig;
  const endpointV2 = await getEndpointFromInstructions({}, ConverseCommand, clientConfig);
  const region = await clientConfig.region();
  const schemes = (endpointV2.properties as { authSchemes?: ResolvedEndpoint['authScheme'][] } | undefined)
    ?.authSchemes;
  // What the SDK hands its signer factory: the endpoint's first auth scheme (none for Bedrock's rules).
  const authScheme = schemes?.[0];
  return {
    endpoint: toEndpointV1(endpointV2),
    signingRegion: authScheme?.signingRegion ?? region,
    signingName: authScheme?.signingName ?? 'bedrock',
    authScheme,
  };
}
