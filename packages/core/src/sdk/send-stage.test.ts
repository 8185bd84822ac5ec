import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyError } from '../policies/error-classification.js';
import { trackSend, wasNeverSent } from './send-stage.js';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const clients: BedrockRuntimeClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

/** A real SDK client whose HTTP handler is `handle`: the transport, not our code, is the fake. */
function client(handle: () => Promise<never>) {
  const created = new BedrockRuntimeClient({
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { handle },
  });
  clients.push(created);
  return created;
}

/** An object nested `depth` levels deep. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
}

function converse(schema: Record<string, unknown>) {
  return new ConverseCommand({
    modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
    messages: [{ role: 'user', content: [{ text: 'hi' }] }],
    toolConfig: { tools: [{ toolSpec: { name: 'tool', inputSchema: { json: schema as never } } }] },
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('trackSend', () => {
  it('marks the error the SDK serializer throws on 20,000-deep JSON as never sent: a request error', async () => {
    let called = 0;
    const sdk = client(async () => {
      called++;
      throw new Error('unreachable');
    });
    const error = await rejection(sdk.send(trackSend(converse(nested(20_000)))));
    expect(error).toBeInstanceOf(RangeError);
    expect(called).toBe(0);
    expect(wasNeverSent(error)).toBe(true);
    expect(classifyError(error)).toEqual({ errorClass: 'request', reason: 'local-error' });
  });

  it('leaves an error raised in the HTTP handler unmarked: it still counts against the endpoint', async () => {
    const sdk = client(async () => {
      throw new Error('the exchange broke');
    });
    const error = await rejection(sdk.send(trackSend(converse(nested(3)))));
    expect(wasNeverSent(error)).toBe(false);
    expect(classifyError(error)).toEqual({ errorClass: 'endpoint', reason: 'unknown' });
  });

  it('leaves errors unmarked when the command was not tracked (a stubbed send keeps its old meaning)', async () => {
    const sdk = client(async () => {
      throw new Error('unreachable');
    });
    const error = await rejection(sdk.send(converse(nested(20_000))));
    expect(wasNeverSent(error)).toBe(false);
    expect(classifyError(error)).toEqual({ errorClass: 'endpoint', reason: 'unknown' });
  });
});
