// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the tests write ${NAME} references, not templates.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema } from './config-schema.js';
import { zodIssues } from './zod-issues.js';

const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';

/** The config issues of an invalid config, with the schema and input for the best messages. */
function issuesOf(input: unknown) {
  const parsed = configSchema.safeParse(input);
  if (parsed.success) throw new Error('expected the config to be invalid');
  return zodIssues(parsed.error, { input, schema: configSchema });
}

/** A config with one chain holding one endpoint. */
function withEndpoint(endpoint: Record<string, unknown>) {
  return { chains: { haiku: { endpoints: [{ region: 'us-west-2', modelId: MODEL, ...endpoint }] } } };
}

const AT = 'chains.haiku.endpoints.0';

describe('zodIssues', () => {
  it('names an unknown key and suggests the known key it misspells, instead of "modelId is required"', () => {
    const input = { chains: { haiku: { endpoints: [{ region: 'us-west-2', modelID: MODEL }] } } };
    expect(issuesOf(input)).toEqual([
      { path: AT, message: 'unknown key "modelID"', fix: 'did you mean "modelId"?' },
    ]);
  });

  it('lists the known keys when an unknown key resembles none', () => {
    const [issue] = issuesOf(withEndpoint({ colour: 'blue' }));
    expect(issue).toEqual({
      path: AT,
      message: 'unknown key "colour"',
      fix: 'known keys: id, kind, region, modelId, serviceTier, capacity, capabilities, weight, policy, client',
    });
  });

  it('suggests keys of nested objects, through unions', () => {
    const input = withEndpoint({ policy: { bulkhead: { maxConcurrent: 2, maxQueue: 4 } } });
    expect(issuesOf(input)).toEqual([
      { path: `${AT}.policy.bulkhead`, message: 'unknown key "maxQueue"', fix: 'did you mean "maxQueued"?' },
    ]);
  });

  it('lists the options of an enum and what was received', () => {
    expect(issuesOf(withEndpoint({ kind: 'pt' }))).toEqual([
      {
        path: `${AT}.kind`,
        message: 'expected one of "provisioned", "on-demand", "inference-profile", got "pt"',
      },
    ]);
  });

  it('suggests the enum option a value misspells', () => {
    expect(issuesOf(withEndpoint({ kind: 'on_demand' }))[0]?.fix).toBe('did you mean "on-demand"?');
  });

  it('says a quoted number should be written without quotes', () => {
    const input = {
      chains: { haiku: { endpoints: [{ region: 'us-west-2', modelId: MODEL }], deadlineMs: '5000' } },
    };
    expect(issuesOf(input)).toEqual([
      {
        path: 'chains.haiku.deadlineMs',
        message: 'expected number, got string "5000"',
        fix: 'write it without quotes',
      },
    ]);
  });

  it('says a quoted boolean should be written without quotes', () => {
    const input = {
      chains: { haiku: { endpoints: [{ region: 'us-west-2', modelId: MODEL }], resume: 'true' } },
    };
    expect(issuesOf(input)[0]).toMatchObject({
      message: 'expected boolean, got string "true"',
      fix: 'write it without quotes',
    });
  });

  it('asks for an integer where a fraction was given', () => {
    expect(issuesOf(withEndpoint({ policy: { retry: { maxAttempts: 1.5 } } }))).toEqual([
      { path: `${AT}.policy.retry.maxAttempts`, message: 'expected an integer, got number 1.5' },
    ]);
  });

  it('says a missing field is required', () => {
    const input = { chains: { haiku: { endpoints: [{ region: 'us-west-2' }] } } };
    expect(issuesOf(input)).toEqual([{ path: `${AT}.modelId`, message: 'is required' }]);
  });

  it('says a missing field is required even without the input', () => {
    const parsed = configSchema.safeParse({});
    expect(parsed.success).toBe(false);
    expect(zodIssues(parsed.error!)).toEqual([{ path: 'chains', message: 'is required' }]);
  });

  it('keeps the message of a regex and shows the value', () => {
    expect(issuesOf(withEndpoint({ region: 'mars' }))).toEqual([
      { path: `${AT}.region`, message: 'an AWS region such as us-east-1, got "mars"' },
    ]);
  });

  it('reports a range with its bound', () => {
    expect(issuesOf(withEndpoint({ policy: { retry: { maxAttempts: 50 } } }))).toEqual([
      { path: `${AT}.policy.retry.maxAttempts`, message: 'must be at most 10, got 50' },
    ]);
    expect(issuesOf(withEndpoint({ weight: 0 }))[0]?.message).toBe('must be greater than 0, got 0');
  });

  it('rejects a timeout a Node.js timer cannot wait, naming the limit', () => {
    const input = { ...withEndpoint({}), policy: { timeouts: { attemptMs: 2 ** 31 } } };
    expect(issuesOf(input)).toEqual([
      {
        path: 'policy.timeouts.attemptMs',
        message:
          'must be at most 2147483647 ms (about 24.8 days, the longest a Node.js timer can wait), got 2147483648',
      },
    ]);
    const longest = { ...withEndpoint({}), policy: { timeouts: { attemptMs: 2 ** 31 - 1 } } };
    expect(configSchema.safeParse(longest).success).toBe(true);
  });

  it('caps every delay and deadline at the longest timer', () => {
    const tooLong = 2 ** 31;
    const input = {
      deadlineMs: tooLong,
      policy: {
        retry: { baseDelayMs: tooLong, maxDelayMs: tooLong },
        breaker: { mode: 'consecutive', failures: 3, halfOpenAfterMs: tooLong, maxHalfOpenAfterMs: tooLong },
        timeouts: { firstTokenMs: tooLong, idleMs: tooLong },
      },
      chains: {
        haiku: {
          deadlineMs: tooLong,
          hedge: { afterMs: tooLong },
          endpoints: [{ region: 'us-west-2', modelId: MODEL, client: { connectTimeoutMs: tooLong } }],
        },
      },
    };
    const paths = issuesOf(input).map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'deadlineMs',
        'policy.retry.baseDelayMs',
        'policy.retry.maxDelayMs',
        'policy.breaker.halfOpenAfterMs',
        'policy.breaker.maxHalfOpenAfterMs',
        'policy.timeouts.firstTokenMs',
        'policy.timeouts.idleMs',
        'chains.haiku.deadlineMs',
        'chains.haiku.hedge.afterMs',
        'chains.haiku.endpoints.0.client.connectTimeoutMs',
      ]),
    );
  });

  it('names the reference, not the value, of a setting that came from the environment', () => {
    const input = withEndpoint({ kind: 'hunter2-secret' });
    const parsed = configSchema.safeParse(input);
    if (parsed.success) throw new Error('expected the config to be invalid');
    const issues = zodIssues(parsed.error, {
      input,
      schema: configSchema,
      interpolated: new Map([[`${AT}.kind`, '${KIND}']]),
    });
    expect(issues).toEqual([
      {
        path: `${AT}.kind`,
        message:
          'expected one of "provisioned", "on-demand", "inference-profile", got a string from "${KIND}" (value not shown)',
      },
    ]);
  });

  it('says an empty list needs an entry', () => {
    expect(issuesOf({ chains: { haiku: { endpoints: [] } } })).toEqual([
      { path: 'chains.haiku.endpoints', message: 'needs at least one entry' },
    ]);
  });

  it('names the modes of a breaker whose mode is wrong or missing', () => {
    expect(issuesOf(withEndpoint({ policy: { breaker: { mode: 'consequtive' } } }))).toEqual([
      {
        path: `${AT}.policy.breaker`,
        message: 'mode must be one of "consecutive", "sampling", "off", got "consequtive"',
        fix: 'did you mean "consecutive"?',
      },
    ]);
    expect(issuesOf(withEndpoint({ policy: { breaker: { failures: 3 } } }))).toEqual([
      { path: `${AT}.policy.breaker`, message: 'mode must be one of "consecutive", "sampling", "off"' },
    ]);
  });

  it('shows how to write a breaker given as a bare mode', () => {
    expect(issuesOf(withEndpoint({ policy: { breaker: 'off' } }))).toEqual([
      {
        path: `${AT}.policy.breaker`,
        message: 'expected object, got string "off"',
        fix: 'write { mode: off }',
      },
    ]);
  });

  it('reports the fields of the breaker mode that was chosen', () => {
    const input = withEndpoint({
      policy: { breaker: { mode: 'consecutive', failures: 3, halfOpenAfterMs: 1000 } },
    });
    expect(issuesOf(input)).toEqual([
      { path: `${AT}.policy.breaker.maxHalfOpenAfterMs`, message: 'is required' },
    ]);
  });

  it('lists every branch of a union when the value fits none', () => {
    expect(issuesOf(withEndpoint({ policy: { bulkhead: true } }))).toEqual([
      { path: `${AT}.policy.bulkhead`, message: 'expected object or false, got boolean true' },
    ]);
    expect(issuesOf({ chains: { haiku: { endpoints: [42] } } })).toEqual([
      { path: AT, message: 'expected string or object, got number 42' },
    ]);
  });

  it('reports refinements with their path', () => {
    const input = withEndpoint({ policy: { retry: { baseDelayMs: 500, maxDelayMs: 100 } } });
    expect(issuesOf(input)).toEqual([
      { path: `${AT}.policy.retry.maxDelayMs`, message: 'must be at least baseDelayMs' },
    ]);
    const breaker = { mode: 'consecutive', failures: 3, halfOpenAfterMs: 10_000, maxHalfOpenAfterMs: 1_000 };
    expect(issuesOf(withEndpoint({ policy: { breaker } }))).toEqual([
      { path: `${AT}.policy.breaker.maxHalfOpenAfterMs`, message: 'must be at least halfOpenAfterMs' },
    ]);
    expect(issuesOf({ chains: {} })).toEqual([{ path: 'chains', message: 'at least one chain is required' }]);
  });

  it('names a chain name that is not allowed', () => {
    const input = { chains: { 'claude haiku': { endpoints: [{ region: 'us-west-2', modelId: MODEL }] } } };
    expect(issuesOf(input)).toEqual([
      {
        path: 'chains.claude haiku',
        message: 'name "claude haiku" is not allowed: letters, digits and . _ : @ / - only',
      },
    ]);
  });

  it('says what a URL should be', () => {
    expect(issuesOf(withEndpoint({ client: { endpoint: 'bedrock endpoint' } }))).toEqual([
      { path: `${AT}.client.endpoint`, message: 'expected a URL, got "bedrock endpoint"' },
    ]);
  });

  it('never quotes a credential', () => {
    const credentials = { accessKeyId: 'AKIACANARY123', secretAccessKey: 12345, sessionToken: '' };
    const issues = issuesOf({ chains: { haiku: { endpoints: ['x'] } }, client: { credentials } });
    expect(issues).toEqual([
      { path: 'client.credentials.secretAccessKey', message: 'expected string, got a number' },
      { path: 'client.credentials.sessionToken', message: 'must not be empty' },
    ]);
    const wrong = issuesOf({
      chains: { haiku: { endpoints: ['x'] } },
      client: { credentials: 'AKIACANARY123' },
    });
    expect(JSON.stringify(wrong)).not.toContain('CANARY');
    const format = issuesOf({
      chains: { haiku: { endpoints: ['x'] } },
      client: { credentials: { accessKeyId: 99_123, secretAccessKey: 'AKIACANARY123' } },
    });
    expect(format).toEqual([
      { path: 'client.credentials.accessKeyId', message: 'expected string, got a number' },
    ]);
  });

  it('falls back to zod messages for schemas it does not know', () => {
    const schema = z.object({ name: z.string().startsWith('x') });
    const parsed = schema.safeParse({ name: 'y' });
    expect(zodIssues(parsed.error!, { input: { name: 'y' } })).toEqual([
      { path: 'name', message: 'Invalid string: must start with "x", got "y"' },
    ]);
  });
});
