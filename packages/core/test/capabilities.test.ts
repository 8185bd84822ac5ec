import type { SimulatorOptions } from '@bedrock-ha/simulator';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import {
  AllEndpointsFailedError,
  type AttemptMiddleware,
  type BedrockHAConfig,
  type Strippable,
} from '../src/index.js';
import {
  attemptRows,
  HAIKU,
  harness,
  NOVA,
  rejection,
  requestCount,
  streamText,
  TOKYO_PROMPT,
  userMessage,
} from './harness.js';

const { simulator, engine } = harness();

const HAIKU_3_5 = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const NOVA_LITE = 'amazon.nova-lite-v1:0';
const BREAK_AT_ONCE = {
  breaker: { mode: 'consecutive', failures: 1, halfOpenAfterMs: 60_000, maxHalfOpenAfterMs: 60_000 },
} as const;

const weather = {
  tools: [
    {
      toolSpec: {
        name: 'weather',
        description: 'The weather in a city',
        inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } },
      },
    },
  ],
};

/**
 * `count` one-letter words: the simulator counts a token a word (`count`), bedrock-ha's estimate
 * four bytes a token (about count / 2), so the request passes the engine's window check and meets
 * the model's own.
 */
const words = (count: number) => Array.from({ length: count }, () => 'a').join(' ');

/** A middleware that records the JSON body of every request an attempt sends. */
function bodies(): { sent: Record<string, unknown>[]; middleware: AttemptMiddleware } {
  const sent: Record<string, unknown>[] = [];
  return {
    sent,
    middleware: {
      applyToStack: (stack) =>
        stack.add(
          ((next: (args: { request: { body?: unknown } }) => unknown) =>
            (args: { request: { body?: unknown } }) => {
              const { body } = args.request;
              sent.push(
                JSON.parse(body instanceof Uint8Array ? new TextDecoder().decode(body) : String(body)),
              );
              return next(args);
            }) as never,
          { step: 'finalizeRequest', name: 'recordBody' },
        ),
    },
  };
}

describe('capability-aware fallback', () => {
  it('skips an endpoint whose model takes no tools, without calling it, and serves on the next', async () => {
    const sim = await simulator();
    const ha = engine(sim, {
      chains: {
        main: {
          endpoints: [
            { id: 'no-tools', region: 'us-east-1', modelId: HAIKU, capabilities: { tools: false } },
            { id: 'nova', region: 'us-west-2', modelId: NOVA },
          ],
        },
      },
    });
    const result = await ha.converse('main', { messages: userMessage(TOKYO_PROMPT), toolConfig: weather });
    expect(result.servedBy.endpointId).toBe('nova');
    expect(attemptRows(result.attempts)).toEqual([
      ['no-tools', 'skipped', 'unsupported-capability'],
      ['nova', 'success', undefined],
    ]);
    expect(result.attempts[0]?.unsupported).toEqual(['tools']);
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(0);
    // A request without tools is served where it always was.
    const plain = await ha.converse('main', { messages: userMessage(TOKYO_PROMPT) });
    expect(plain.servedBy.endpointId).toBe('no-tools');
  });

  it('records the skip and what was missing on the attempt span', async () => {
    const sim = await simulator();
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const ha = engine(
      sim,
      {
        chains: {
          main: {
            endpoints: [
              { id: 'no-tools', region: 'us-east-1', modelId: HAIKU, capabilities: { tools: false } },
              { id: 'nova', region: 'us-west-2', modelId: NOVA },
            ],
          },
        },
      },
      { telemetry: { tracerProvider } },
    );
    await ha.converse('main', { messages: userMessage(TOKYO_PROMPT), toolConfig: weather });
    const skipped = exporter
      .getFinishedSpans()
      .find((span) => span.attributes['bedrock_ha.failure.reason'] === 'unsupported-capability');
    expect(skipped?.attributes).toMatchObject({
      'bedrock_ha.attempt.outcome': 'skipped',
      'bedrock_ha.unsupported': ['tools'],
    });
  });

  it('skips by the built-in table: Claude 3.5 Haiku takes no images, Claude 3 Haiku does', async () => {
    const sim = await simulator();
    const ha = engine(sim, {
      chains: {
        main: {
          endpoints: [
            { region: 'us-east-1', modelId: HAIKU_3_5 },
            { region: 'us-east-1', modelId: HAIKU },
          ],
        },
      },
    });
    const image = { image: { format: 'png' as const, source: { bytes: new Uint8Array([137, 80, 78, 71]) } } };
    const result = await ha.converse('main', {
      messages: [{ role: 'user', content: [{ text: TOKYO_PROMPT }, image] }],
    });
    expect(result.servedBy.modelId).toBe(HAIKU);
    expect(result.attempts[0]).toMatchObject({ reason: 'unsupported-capability', unsupported: ['images'] });
  });

  describe('stripping optional fields', () => {
    // The simulator offers Nova Micro at the default tier only, and so does the config.
    const TIERS: SimulatorOptions = { serviceTiers: { supported: [{ model: NOVA, tiers: ['default'] }] } };
    const config = (strip?: true | Strippable[]): BedrockHAConfig => ({
      chains: {
        main: {
          ...(strip && { stripUnsupported: strip }),
          endpoints: [
            {
              id: 'nova',
              region: 'us-east-1',
              modelId: NOVA,
              capabilities: { cachePoint: false, performanceConfig: false, serviceTiers: ['default'] },
            },
          ],
        },
      },
    });
    const cached = {
      system: [{ text: 'You answer in one word.' }, { cachePoint: { type: 'default' as const } }],
      messages: userMessage(TOKYO_PROMPT),
      serviceTier: { type: 'priority' as const },
    };

    it('with the chain’s consent, removes cachePoint and the caller’s tier for an endpoint that lacks them', async () => {
      const sim = await simulator(TIERS);
      const ha = engine(sim, config(['cachePoint', 'serviceTier']));
      const { sent, middleware } = bodies();
      const result = await ha.converse('main', cached, { middleware });
      expect(result.servedBy.endpointId).toBe('nova');
      expect(result.attempts[0]).toMatchObject({
        outcome: 'success',
        stripped: ['cachePoint', 'serviceTier'],
      });
      expect(sent).toHaveLength(1);
      expect(sent[0]?.system).toEqual([{ text: 'You answer in one word.' }]);
      expect(sent[0]).not.toHaveProperty('serviceTier');
      expect(sim.requests().at(-1)?.serviceTier).toBeUndefined();
      // The caller's input is left as it was.
      expect(cached.system).toHaveLength(2);
    });

    it('without it, skips every endpoint and says which capability each lacks', async () => {
      const sim = await simulator(TIERS);
      const ha = engine(sim, config());
      const error = await rejection(ha.converse('main', cached));
      expect(AllEndpointsFailedError.isInstance(error)).toBe(true);
      const failed = error as AllEndpointsFailedError;
      expect(failed.reason).toBe('unsupported');
      expect(failed.message).toMatch(
        /^No endpoint of chain "main" can serve this request: nova skipped \(unsupported-capability: cachePoint, serviceTier\)\. Remove/,
      );
      expect(failed.attempts[0]?.unsupported).toEqual(['cachePoint', 'serviceTier']);
      expect(sim.requests()).toHaveLength(0);
    });

    it('strips for a stream too: ConverseStream gets the same request', async () => {
      const sim = await simulator(TIERS);
      const ha = engine(sim, config(['cachePoint', 'serviceTier']));
      const { sent, middleware } = bodies();
      const result = await ha.converseStream('main', cached, { middleware });
      expect(await streamText(result.stream)).toBe('Tokyo');
      expect(result.attempts[0]?.stripped).toEqual(['cachePoint', 'serviceTier']);
      expect(sent[0]?.system).toEqual([{ text: 'You answer in one word.' }]);
    });

    it('`true` strips all three, performanceConfig included', async () => {
      const sim = await simulator(TIERS);
      const ha = engine(sim, config(true));
      const { sent, middleware } = bodies();
      const result = await ha.converse(
        'main',
        { ...cached, performanceConfig: { latency: 'optimized' } },
        { middleware },
      );
      expect(result.attempts[0]?.stripped).toEqual(['cachePoint', 'performanceConfig', 'serviceTier']);
      expect(sent[0]).not.toHaveProperty('performanceConfig');
    });
  });

  describe('context length', () => {
    const SMALL: SimulatorOptions = {
      models: { [HAIKU]: { contextWindow: 100 }, [NOVA]: { contextWindow: 100 } },
    };

    it('fails over past every window no larger than the one that refused, without counting against it', async () => {
      const sim = await simulator(SMALL);
      const ha = engine(sim, {
        policy: BREAK_AT_ONCE,
        chains: {
          main: {
            endpoints: [
              { id: 'small', region: 'us-east-1', modelId: HAIKU, capabilities: { contextWindow: 100 } },
              { id: 'also-small', region: 'us-east-1', modelId: NOVA, capabilities: { contextWindow: 100 } },
              { id: 'large', region: 'us-west-2', modelId: NOVA_LITE },
            ],
          },
        },
      });
      const result = await ha.converse('main', { messages: userMessage(words(150)) });
      expect(result.servedBy.endpointId).toBe('large');
      expect(attemptRows(result.attempts)).toEqual([
        ['small', 'failure', 'context-length'],
        ['also-small', 'skipped', 'unsupported-capability'],
        ['large', 'success', undefined],
      ]);
      expect(result.attempts[0]).toMatchObject({ errorClass: 'endpoint', errorName: 'ValidationException' });
      expect(result.attempts[1]?.unsupported).toEqual(['contextWindow']);
      // Tried once (no retry), and its breaker (opening at one failure) stayed closed.
      expect(requestCount(sim, { region: 'us-east-1' })).toBe(1);
      expect(ha.health().find((each) => each.endpointId === 'small')?.breaker).toBe('closed');
      const short = await ha.converse('main', { messages: userMessage(TOKYO_PROMPT) });
      expect(short.servedBy.endpointId).toBe('small');
    });

    it("reads the token count of Anthropic's refusal: a window below it is skipped too", async () => {
      const sim = await simulator(SMALL);
      const ha = engine(sim, {
        chains: {
          main: {
            endpoints: [
              { id: 'small', region: 'us-east-1', modelId: HAIKU, capabilities: { contextWindow: 100 } },
              { id: 'medium', region: 'us-west-2', modelId: HAIKU, capabilities: { contextWindow: 120 } },
              { id: 'large', region: 'us-east-1', modelId: HAIKU_3_5 },
            ],
          },
        },
      });
      const body = JSON.stringify({
        anthropic_version: 'bedrock-2023-05-31',
        max_tokens: 20,
        messages: [{ role: 'user', content: words(150) }],
      });
      const result = await ha.invokeModel('main', { body });
      expect(result.servedBy.endpointId).toBe('large');
      expect(result.attempts[0]?.errorMessage).toMatch(/prompt is too long: 150 tokens > 100 maximum/);
      expect(attemptRows(result.attempts).map((row) => row[2])).toEqual([
        'context-length',
        'unsupported-capability',
        undefined,
      ]);
    });

    it('skips, before sending, an endpoint whose known window the estimate already exceeds', async () => {
      const sim = await simulator();
      const ha = engine(sim, {
        chains: {
          main: {
            endpoints: [
              { id: 'tiny', region: 'us-east-1', modelId: HAIKU, capabilities: { contextWindow: 50 } },
              { id: 'nova', region: 'us-west-2', modelId: NOVA },
            ],
          },
        },
      });
      const result = await ha.converse('main', {
        messages: userMessage(TOKYO_PROMPT),
        inferenceConfig: { maxTokens: 100 },
      });
      expect(result.servedBy.endpointId).toBe('nova');
      expect(result.attempts[0]?.unsupported).toEqual(['contextWindow']);
      expect(requestCount(sim, { region: 'us-east-1' })).toBe(0);
    });

    it('a request too long for every endpoint fails as unsupported, with the last refusal', async () => {
      const sim = await simulator(SMALL);
      const ha = engine(sim, {
        chains: {
          main: {
            endpoints: [
              { id: 'small', region: 'us-east-1', modelId: HAIKU, capabilities: { contextWindow: 100 } },
              { id: 'also-small', region: 'us-west-2', modelId: NOVA, capabilities: { contextWindow: 100 } },
            ],
          },
        },
      });
      const error = (await rejection(
        ha.converse('main', { messages: userMessage(words(150)) }),
      )) as AllEndpointsFailedError;
      expect(error.reason).toBe('unsupported');
      expect(error.message).toContain('small ValidationException (context-length), also-small skipped');
      expect((error.lastError as Error).message).toMatch(/Input is too long for requested model/);
    });
  });

  it('any other ValidationException is still the caller’s: one attempt, no failover', async () => {
    const sim = await simulator();
    const ha = engine(sim, {
      chains: {
        main: {
          endpoints: [
            { region: 'us-east-1', modelId: HAIKU },
            { region: 'us-west-2', modelId: HAIKU },
          ],
        },
      },
    });
    const error = await rejection(
      ha.converse('main', { messages: userMessage(TOKYO_PROMPT), inferenceConfig: { temperature: 2 } }),
    );
    expect((error as Error).name).toBe('ValidationException');
    expect(AllEndpointsFailedError.isInstance(error)).toBe(false);
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(1);
    expect(requestCount(sim, { region: 'us-west-2' })).toBe(0);
  });
});
