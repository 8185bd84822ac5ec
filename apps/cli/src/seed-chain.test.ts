import { describe, expect, it } from 'vitest';
import { CliError } from './exit-code.js';
import { HAIKU, SEED_CHAIN, seedConfig } from './seed-chain.js';

const ARN = 'arn:aws:bedrock:eu-west-1:123456789012:provisioned-model/abc123def456';

describe('seedConfig', () => {
  it("builds the sample's chain: the PT, then Haiku on demand in us-west-2", () => {
    expect(seedConfig({ provisionedArn: ARN }).chains[SEED_CHAIN]?.endpoints).toEqual([
      { id: 'provisioned', modelId: ARN },
      { id: 'on-demand', region: 'us-west-2', modelId: HAIKU },
    ]);
  });

  it('takes the fallback region and model from the flags', () => {
    const config = seedConfig({
      provisionedArn: ARN,
      fallbackRegion: 'eu-central-1',
      fallbackModel: 'amazon.nova-lite-v1:0',
    });
    expect(config.chains[SEED_CHAIN]?.endpoints[1]).toEqual({
      id: 'on-demand',
      region: 'eu-central-1',
      modelId: 'amazon.nova-lite-v1:0',
    });
  });

  it('rejects a primary region that is not the ARN region, as a usage error with a fix', () => {
    expect(() => seedConfig({ provisionedArn: ARN, primaryRegion: 'us-east-1' })).toThrow(
      expect.objectContaining({
        exitCode: 2,
        message: expect.stringMatching(/does not match the ARN's region eu-west-1/),
      }),
    );
    expect(() => seedConfig({ fallbackRegion: 'us-west-2' })).toThrow(CliError);
  });
});
