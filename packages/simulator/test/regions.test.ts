import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, test } from 'vitest';
import { SimulatorConfigError } from '../src/index.js';
import { HAIKU, rejection, runtimeClient, simulators, TRANSPORTS, userMessage } from './sdk.js';

const startSimulator = simulators();

const converse = (url: string, region: string, http1 = false) =>
  runtimeClient({ url }, region, { http1 }).send(
    new ConverseCommand({ modelId: HAIKU, messages: userMessage('hi') }),
  );

describe.each(TRANSPORTS)('regional ports over $transport', ({ http1 }) => {
  test('a region’s own port serves that region whatever the signature says', async () => {
    const sim = await startSimulator();
    const east = await sim.regions.url('us-east-1');
    expect(east).not.toBe(sim.url);
    expect(new URL(east).port).not.toBe(String(sim.port));

    await converse(east, 'us-west-2', http1);
    expect(sim.counters()).toEqual([expect.objectContaining({ region: 'us-east-1', requests: 1 })]);
  });

  test('a region taken down refuses connections, the rest keeps answering, and up brings it back', async () => {
    const sim = await startSimulator();
    const east = await sim.regions.url('us-east-1');
    const west = await sim.regions.url('us-west-2');
    await sim.regions.down('us-east-1');

    const refused = await rejection(converse(east, 'us-east-1', http1));
    expect(refused.$metadata?.httpStatusCode).toBeUndefined();
    // HTTP/2 wraps it: ERR_HTTP2_STREAM_CANCEL "pending stream has been canceled", cause ECONNREFUSED.
    if (http1) expect(refused.code).toBe('ECONNREFUSED');
    else expect(refused).toMatchObject({ code: 'ERR_HTTP2_STREAM_CANCEL', cause: { code: 'ECONNREFUSED' } });
    await expect(converse(west, 'us-west-2', http1)).resolves.toBeDefined();
    await expect(converse(sim.url, 'us-east-1', http1)).resolves.toBeDefined();
    expect(sim.regions.list()).toEqual([
      { region: 'us-east-1', url: east, up: false },
      { region: 'us-west-2', url: west, up: true },
    ]);

    await sim.regions.up('us-east-1');
    expect(await sim.regions.url('us-east-1')).toBe(east);
    await expect(converse(east, 'us-east-1', http1)).resolves.toBeDefined();
  });

  test('taking a region down cuts a request in flight there', async () => {
    const sim = await startSimulator({
      faults: [{ match: { region: 'us-east-1' }, fault: { type: 'hang' } }],
    });
    const east = await sim.regions.url('us-east-1');
    const call = rejection(converse(east, 'us-east-1', http1));
    await expect.poll(() => sim.faults.list()[0]?.matched).toBe(1);

    await sim.regions.down('us-east-1');
    expect((await call).$metadata?.httpStatusCode).toBeUndefined();
    await expect.poll(() => sim.requests()[0]?.outcome).toBe('hang');
  });
});

describe('regional ports', () => {
  test('refuse a name that is not a region, and down/up before the port exists', async () => {
    const sim = await startSimulator();
    await expect(sim.regions.url('not a region')).rejects.toThrow(SimulatorConfigError);
    await expect(sim.regions.down('eu-west-1')).rejects.toThrow(/no port of its own yet/);
    await expect(sim.regions.up('eu-west-1')).rejects.toThrow(SimulatorConfigError);
  });

  test('close() closes every regional port', async () => {
    const sim = await startSimulator();
    const east = await sim.regions.url('us-east-1');
    await sim.close();
    const refused = await rejection(converse(east, 'us-east-1', true));
    expect(refused.code).toBe('ECONNREFUSED');
  });

  test('the admin API opens, downs and ups a region', async () => {
    const sim = await startSimulator();
    const admin = (path: string, method = 'POST') =>
      fetch(`${sim.url}/_simulator/regions${path}`, { method });
    const opened = await admin('/eu-west-1/open');
    const { url } = (await opened.json()) as { url: string };
    expect(opened.status).toBe(200);
    await expect(converse(url, 'eu-west-1')).resolves.toBeDefined();

    expect((await admin('/eu-west-1/down')).status).toBe(204);
    expect((await rejection(converse(url, 'eu-west-1'))).$metadata?.httpStatusCode).toBeUndefined();
    expect(await (await admin('', 'GET')).json()).toEqual({
      regions: [{ region: 'eu-west-1', url, up: false }],
    });
    expect((await admin('/eu-west-1/up')).status).toBe(204);
    await expect(converse(url, 'eu-west-1')).resolves.toBeDefined();

    const bad = await admin('/Not_A_Region/down');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('is not a region name');
  });
});
