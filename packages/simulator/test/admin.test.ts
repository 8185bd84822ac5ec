import { CreateProvisionedModelThroughputCommand } from '@aws-sdk/client-bedrock';
import {
  type BedrockRuntimeClient,
  ConverseCommand,
  ServiceUnavailableException,
  ThrottlingException,
} from '@aws-sdk/client-bedrock-runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/index.js';
import { controlPlaneClient, HAIKU_48K, rejectionOf } from './control-plane-client.js';
import { HAIKU, NOVA, runtimeClient, userMessage } from './sdk.js';

let sim: Simulator;
let clients: { destroy(): void }[];

function runtime(region = 'us-east-1'): BedrockRuntimeClient {
  const client = runtimeClient(sim, region);
  clients.push(client);
  return client;
}

function converse(modelId = HAIKU, client = runtime()) {
  return client.send(new ConverseCommand({ modelId, messages: userMessage('capital of France?') }));
}

/** Calls the admin API; answers the status and the parsed JSON body (`{}` when empty). */
async function admin(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${sim.url}/_simulator/${path}`, {
    method,
    ...(body !== undefined && {
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : JSON.parse(text) };
}

beforeEach(async () => {
  clients = [];
  sim = await startSimulator({
    provisioning: { delayMs: 0 },
    // Slow refill, so the capacity a request took is still missing when the test reads it.
    quotas: { onDemand: { requestsPerMinute: 60, tokensPerMinute: 600 } },
    provisionedThroughputs: [
      { name: 'declared-pt', region: 'us-west-2', modelId: HAIKU_48K, id: 'declared0001', modelUnits: 2 },
    ],
  });
});

afterEach(async () => {
  for (const client of clients) client.destroy();
  await sim.close();
});

describe('admin API', () => {
  it('answers health with ok', async () => {
    expect(await admin('GET', 'health')).toEqual({ status: 200, body: { ok: true } });
  });

  it('adds a fault with 201 and an id; the next runtime request through the SDK gets it', async () => {
    const added = await admin('POST', 'faults', {
      match: { model: HAIKU, operation: 'Converse' },
      fault: { type: 'error', error: 'ServiceUnavailableException', message: 'injected by the test' },
    });
    expect(added.status).toBe(201);
    expect(added.body.id).toEqual(expect.any(String));

    const error = await rejectionOf(converse());
    expect(error).toBeInstanceOf(ServiceUnavailableException);
    expect(error.message).toBe('injected by the test');
    // Another model does not match the rule.
    await expect(converse(NOVA)).resolves.toBeDefined();
  });

  it('lists faults with how many requests each matched and was applied to', async () => {
    const { body } = await admin('POST', 'faults', {
      id: 'second-only',
      match: { model: HAIKU },
      when: { requests: [2] },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    expect(body.id).toBe('second-only');

    await converse();
    expect(await rejectionOf(converse())).toBeInstanceOf(ThrottlingException);
    await converse();

    const listed = await admin('GET', 'faults');
    expect(listed.status).toBe(200);
    expect(listed.body.faults).toEqual([
      expect.objectContaining({
        id: 'second-only',
        matched: 3,
        applied: 1,
        fault: { type: 'error', error: 'ThrottlingException' },
      }),
    ]);
  });

  it('deletes one fault by id, and 404s an unknown id', async () => {
    const throttle = await admin('POST', 'faults', {
      match: { model: HAIKU },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    await admin('POST', 'faults', { id: 'nova-down', match: { model: NOVA }, fault: { type: 'reset' } });

    expect((await admin('DELETE', `faults/${throttle.body.id}`)).status).toBe(204);
    await expect(converse()).resolves.toBeDefined();
    const remaining = (await admin('GET', 'faults')).body.faults as { id: string }[];
    expect(remaining.map((fault) => fault.id)).toEqual(['nova-down']);

    const unknown = await admin('DELETE', 'faults/no-such-fault');
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('no-such-fault');
  });

  it('deletes every fault at once', async () => {
    for (const model of [HAIKU, NOVA]) {
      await admin('POST', 'faults', {
        match: { model },
        fault: { type: 'error', error: 'ThrottlingException' },
      });
    }
    expect((await admin('DELETE', 'faults')).status).toBe(204);
    expect((await admin('GET', 'faults')).body.faults).toEqual([]);
    await expect(converse()).resolves.toBeDefined();
    await expect(converse(NOVA)).resolves.toBeDefined();
  });

  it('refuses an invalid rule with 400 and problems naming each bad path', async () => {
    const invalid = await admin('POST', 'faults', {
      match: { operation: 'Converze' },
      fault: { type: 'error', error: 'TeapotException' },
    });
    expect(invalid.status).toBe(400);
    const problems = invalid.body.problems as string[];
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^fault\.error: /),
        expect.stringMatching(/^match\.operation/),
      ]),
    );
    expect(invalid.body.message).toContain('fault.error');
    expect((await admin('GET', 'faults')).body.faults).toEqual([]);

    const notJson = await admin('POST', 'faults', '{not json');
    expect(notJson.status).toBe(400);
    expect(notJson.body.message).toMatch(/JSON/);
  });

  it('refuses a second rule with an id already in use', async () => {
    const rule = { id: 'same', fault: { type: 'hang' } };
    expect((await admin('POST', 'faults', rule)).status).toBe(201);
    const again = await admin('POST', 'faults', rule);
    expect(again.status).toBe(400);
    expect(again.body.message).toContain('same');
  });

  it('counts requests and outcomes per region and model, filtered by the query', async () => {
    await admin('POST', 'faults', {
      match: { region: 'us-west-2' },
      when: { times: 1 },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    await converse();
    await converse();
    const west = runtime('us-west-2');
    await rejectionOf(converse(HAIKU, west));
    await converse(HAIKU, west);
    await converse(NOVA, west);

    const all = (await admin('GET', 'counters')).body.counters as unknown[];
    expect(all).toHaveLength(3);
    const westHaiku = await admin('GET', `counters?region=us-west-2&model=${HAIKU}`);
    expect(westHaiku.body.counters).toMatchObject([
      { region: 'us-west-2', model: HAIKU, requests: 2, outcomes: { ThrottlingException: 1, success: 1 } },
    ]);
    const east = await admin('GET', 'counters?region=us-east-1');
    expect(east.body.counters).toMatchObject([
      { region: 'us-east-1', model: HAIKU, requests: 2, outcomes: { success: 2 } },
    ]);
  });

  it('logs each request, oldest first, with its operation, outcome, status and tokens', async () => {
    await converse();
    await rejectionOf(converse('acme.unknown-v1:0'));

    const { body } = await admin('GET', 'requests');
    expect(body.requests).toEqual([
      expect.objectContaining({
        region: 'us-east-1',
        operation: 'Converse',
        model: HAIKU,
        outcome: 'success',
        status: 200,
        inputTokens: expect.any(Number),
        outputTokens: expect.any(Number),
        requestId: expect.any(String),
      }),
      expect.objectContaining({ model: 'acme.unknown-v1:0', outcome: 'ValidationException', status: 400 }),
    ]);
  });

  it('reset clears counters and the request log but keeps the faults', async () => {
    await admin('POST', 'faults', {
      match: { model: NOVA },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    await converse();
    expect((await admin('GET', 'requests')).body.requests).toHaveLength(1);

    expect((await admin('POST', 'reset')).status).toBe(204);
    expect((await admin('GET', 'counters')).body.counters).toEqual([]);
    expect((await admin('GET', 'requests')).body.requests).toEqual([]);
    expect((await admin('GET', 'faults')).body.faults).toHaveLength(1);
    expect((await admin('GET', 'capacity')).body.capacity).toEqual({});
  });

  it('reports remaining capacity of each endpoint that has been used', async () => {
    expect((await admin('GET', 'capacity')).body.capacity).toEqual({});
    const output = await converse();

    const { body } = await admin('GET', 'capacity');
    const capacity = body.capacity as Record<
      string,
      { requests?: number; tokens?: number; inFlight: number }
    >;
    expect(Object.keys(capacity)).toEqual([`on-demand:us-east-1:${HAIKU}`]);
    const used = output.usage!.totalTokens!;
    const remaining = capacity[`on-demand:us-east-1:${HAIKU}`]!;
    // 60 requests and 600 tokens a minute: one request and one token refill in 1 s and 100 ms.
    expect(remaining).toMatchObject({ requests: 59, inFlight: 0 });
    expect(remaining.tokens).toBeGreaterThanOrEqual(600 - used);
    expect(remaining.tokens).toBeLessThanOrEqual(600 - used + 1);
  });

  it('lists every Provisioned Throughput of every region with its status', async () => {
    const east = controlPlaneClient(sim, 'us-east-1');
    clients.push(east);
    const { provisionedModelArn } = await east.send(
      new CreateProvisionedModelThroughputCommand({
        modelUnits: 1,
        provisionedModelName: 'created-pt',
        modelId: HAIKU_48K,
      }),
    );

    const { status, body } = await admin('GET', 'provisioned-throughputs');
    expect(status).toBe(200);
    expect(body.provisionedThroughputs).toEqual([
      {
        arn: 'arn:aws:bedrock:us-west-2:123456789012:provisioned-model/declared0001',
        name: 'declared-pt',
        region: 'us-west-2',
        modelId: HAIKU,
        modelUnits: 2,
        tokensPerMinute: 40_000,
        // Not set: the buckets hold, and start with, a minute's worth.
        burstSeconds: 60,
        status: 'InService',
      },
      {
        arn: provisionedModelArn,
        name: 'created-pt',
        region: 'us-east-1',
        modelId: HAIKU,
        modelUnits: 1,
        tokensPerMinute: 20_000,
        burstSeconds: 60,
        status: 'InService',
      },
    ]);
  });

  it('answers an unknown admin route with 404 and the list of routes', async () => {
    for (const [method, path] of [
      ['GET', 'nope'],
      ['GET', 'reset'],
    ] as const) {
      const { status, body } = await admin(method, path);
      expect(status).toBe(404);
      expect(body.message).toContain(`${method} /_simulator/${path}`);
      expect(body.message).toContain('GET /_simulator/faults');
    }
  });

  it('does not count admin calls as Bedrock traffic', async () => {
    await admin('GET', 'health');
    await admin('GET', 'nope');
    expect((await admin('GET', 'requests')).body.requests).toEqual([]);
  });
});
