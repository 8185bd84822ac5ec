/** The PT ARN `config init` writes when none is given: a placeholder in the sample's format. */
export const PLACEHOLDER_PT_ARN = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123def456';

/**
 * A commented starter configuration: the AWS sample's two endpoints as one chain. The PT ARN can
 * come from the environment, so that one file serves every stage.
 */
export function starterConfig(provisionedArn: string | undefined): string {
  const arn = provisionedArn ?? `\${BEDROCK_HA_PT_ARN:-${PLACEHOLDER_PT_ARN}}`;
  return `# bedrock-ha configuration: the AWS sample's setup as one chain.
# Check it with \`bedrock-ha config validate\` and \`bedrock-ha doctor\`; the JSON Schema
# (\`bedrock-ha config schema\`) gives editors completion.
# yaml-language-server: $schema=./node_modules/@bedrock-ha/core/bedrock-ha.schema.json

chains:
  # Call a chain by its name: bedrock-ha converse --config bedrock-ha.yaml --chain claude-haiku "Hello"
  claude-haiku:
    endpoints:
      # 1. Your Provisioned Throughput (bedrock-ha provision create ...). Kind and region come
      #    from the ARN. \${NAME:-default} reads an environment variable.
      - id: pt-east
        modelId: ${arn}
      # 2. When the PT throttles or fails: Claude 3 Haiku on demand in a second region.
      - id: haiku-west
        region: us-west-2
        modelId: anthropic.claude-3-haiku-20240307-v1:0
    # The most a request may take, retries and failovers included (ms).
    # deadlineMs: 30000

# Resilience policy for every endpoint (these are the defaults); chains and endpoints can override it.
# policy:
#   retry: { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 2000, provisionedThrottling: failover }
#   breaker: { mode: consecutive, failures: 5, halfOpenAfterMs: 5000, maxHalfOpenAfterMs: 60000 }
#   timeouts: { attemptMs: 60000, firstTokenMs: 20000, idleMs: 30000 }

# How the AWS SDK connects. Leave it out to use the default credential chain and endpoints.
# client:
#   profile: my-profile
#   endpoint: http://127.0.0.1:4010   # a simulator: bedrock-ha simulate
`;
}
