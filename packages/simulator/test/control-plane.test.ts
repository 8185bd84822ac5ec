import {
  type BedrockClient,
  ConflictException,
  CreateProvisionedModelThroughputCommand,
  type CreateProvisionedModelThroughputCommandInput,
  DeleteProvisionedModelThroughputCommand,
  GetFoundationModelCommand,
  GetInferenceProfileCommand,
  GetProvisionedModelThroughputCommand,
  type GetProvisionedModelThroughputCommandOutput,
  type InferenceType,
  ListFoundationModelsCommand,
  ListInferenceProfilesCommand,
  ListProvisionedModelThroughputsCommand,
  type ListProvisionedModelThroughputsCommandInput,
  ResourceNotFoundException,
  ThrottlingException,
  UpdateProvisionedModelThroughputCommand,
  ValidationException,
} from '@aws-sdk/client-bedrock';
import {
  type BedrockRuntimeClient,
  ConverseCommand,
  ModelNotReadyException,
  ResourceNotFoundException as RuntimeResourceNotFoundException,
} from '@aws-sdk/client-bedrock-runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, type SimulatorOptions, startSimulator } from '../src/index.js';
import { controlPlaneClient, HAIKU_48K, pollUntil, rejectionOf } from './control-plane-client.js';
import { HAIKU, runtimeClient, userMessage } from './sdk.js';

// Long enough that a test reads Creating before it ends, even on a busy 2-core machine.
const DELAY_MS = 150;
const PT_ARN = /^arn:aws:bedrock:us-east-1:123456789012:provisioned-model\/[a-z0-9]{12}$/;

let sim: Simulator;
let clients: { destroy(): void }[];

async function start(options: SimulatorOptions = {}): Promise<void> {
  sim = await startSimulator({ provisioning: { delayMs: DELAY_MS }, ...options });
}

function bedrock(region = 'us-east-1'): BedrockClient {
  const client = controlPlaneClient(sim, region);
  clients.push(client);
  return client;
}

function runtime(region = 'us-east-1'): BedrockRuntimeClient {
  const client = runtimeClient(sim, region);
  clients.push(client);
  return client;
}

async function create(
  input: Partial<CreateProvisionedModelThroughputCommandInput> = {},
  client = bedrock(),
): Promise<string> {
  const output = await client.send(
    new CreateProvisionedModelThroughputCommand({
      modelUnits: 1,
      provisionedModelName: 'ha-test-model',
      modelId: HAIKU_48K,
      ...input,
    }),
  );
  return output.provisionedModelArn!;
}

function get(id: string, client = bedrock()): Promise<GetProvisionedModelThroughputCommandOutput> {
  return client.send(new GetProvisionedModelThroughputCommand({ provisionedModelId: id }));
}

function waitForStatus(id: string, status: string, client = bedrock()) {
  return pollUntil(
    () => get(id, client),
    (pt) => pt.status === status,
  );
}

async function listNames(input: ListProvisionedModelThroughputsCommandInput = {}, client = bedrock()) {
  const output = await client.send(new ListProvisionedModelThroughputsCommand(input));
  return output.provisionedModelSummaries!.map((summary) => summary.provisionedModelName);
}

function converse(modelId: string, client = runtime()) {
  return client.send(new ConverseCommand({ modelId, messages: userMessage('capital of France?') }));
}

beforeEach(() => {
  clients = [];
});

afterEach(async () => {
  for (const client of clients) client.destroy();
  await sim?.close();
});

describe('Provisioned Throughput lifecycle', () => {
  beforeEach(() => start({ provisioning: { delayMs: DELAY_MS, failNames: ['doomed-model'] } }));

  it('creates a PT with 201 and an ARN naming the region, the account and a 12-character id', async () => {
    const output = await bedrock().send(
      new CreateProvisionedModelThroughputCommand({
        modelUnits: 1,
        provisionedModelName: 'ha-test-model',
        modelId: HAIKU_48K,
      }),
    );
    expect(output.$metadata.httpStatusCode).toBe(201);
    expect(output.provisionedModelArn).toMatch(PT_ARN);
  });

  it('reports Creating by name and by ARN, then InService once the provisioning delay has passed', async () => {
    const createdAt = Date.now();
    const arn = await create();

    const byName = await get('ha-test-model');
    const byArn = await get(arn);
    expect(byName.status).toBe('Creating');
    expect(byArn).toMatchObject({
      status: 'Creating',
      provisionedModelArn: arn,
      provisionedModelName: 'ha-test-model',
      modelUnits: 1,
      desiredModelUnits: 1,
      modelArn: HAIKU_48K,
      desiredModelArn: HAIKU_48K,
      foundationModelArn: `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}`,
    });
    expect(byArn.creationTime).toBeInstanceOf(Date);
    expect(byArn.lastModifiedTime).toBeInstanceOf(Date);
    expect(Math.abs(byArn.creationTime!.getTime() - createdAt)).toBeLessThan(1_000);
    expect(byArn.failureMessage).toBeUndefined();

    const ready = await waitForStatus(arn, 'InService');
    expect(Date.now() - createdAt).toBeGreaterThanOrEqual(DELAY_MS);
    expect(ready.provisionedModelArn).toBe(arn);
  });

  it('answers ModelNotReadyException to a Converse on the PT while Creating, and the answer once InService', async () => {
    const arn = await create();

    const error = await rejectionOf(converse(arn));
    expect(error).toBeInstanceOf(ModelNotReadyException);
    expect((error as unknown as ModelNotReadyException).$metadata.httpStatusCode).toBe(429);

    await waitForStatus(arn, 'InService');
    const output = await converse(arn);
    expect(output.output?.message?.content?.[0]?.text).toBe('Paris');
  });

  it.each([
    { how: 'a name in provisioning.failNames', input: { provisionedModelName: 'doomed-model' } },
    {
      how: 'the simulator:fail tag',
      input: { tags: [{ key: 'simulator:fail', value: 'true' }] },
    },
  ])('fails provisioning on request ($how) with a failure message', async ({ input }) => {
    const arn = await create(input);
    expect((await get(arn)).status).toBe('Creating');

    const failed = await waitForStatus(arn, 'Failed');
    expect(failed.failureMessage).toEqual(expect.any(String));
    expect(failed.failureMessage!.length).toBeGreaterThan(0);
  });

  it('returns the ARN it created before for a repeated clientRequestToken, creating nothing new', async () => {
    const first = await create({ clientRequestToken: 'token-1' });
    const second = await create({ clientRequestToken: 'token-1' });
    expect(second).toBe(first);
    expect(await listNames()).toEqual(['ha-test-model']);
  });

  it('refuses a second PT with the same name with ConflictException', async () => {
    await create();
    const error = await rejectionOf(create());
    expect(error).toBeInstanceOf(ConflictException);
    expect((error as unknown as ConflictException).$metadata.httpStatusCode).toBe(400);
  });

  it.each([
    { what: 'a name with spaces', input: { provisionedModelName: 'bad name!' } },
    // 65 characters that the pattern alone accepts (33 groups of a letter and an optional dash).
    { what: 'a name longer than 63 characters', input: { provisionedModelName: `${'a-'.repeat(32)}a` } },
    { what: 'zero model units', input: { modelUnits: 0 } },
    { what: 'an unknown model', input: { modelId: 'anthropic.no-such-model-v1:0' } },
    {
      what: 'a model without Provisioned Throughput',
      input: { modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0' },
    },
    { what: 'a context variant the model lacks', input: { modelId: `${HAIKU}:999k` } },
  ])('refuses $what with a 400 ValidationException', async ({ input }) => {
    const error = await rejectionOf(create(input));
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as unknown as ValidationException).$metadata.httpStatusCode).toBe(400);
    expect(error.message).not.toBe('UnknownError');
    expect(await listNames()).toEqual([]);
  });

  it('sets commitmentExpirationTime about a month out for a OneMonth commitment, and none without', async () => {
    const committed = await create({ provisionedModelName: 'committed', commitmentDuration: 'OneMonth' });
    const flexible = await create({ provisionedModelName: 'flexible' });

    const pt = await get(committed);
    expect(pt.commitmentDuration).toBe('OneMonth');
    expect(pt.commitmentExpirationTime).toBeInstanceOf(Date);
    const days = (pt.commitmentExpirationTime!.getTime() - pt.creationTime!.getTime()) / 86_400_000;
    expect(days).toBeGreaterThanOrEqual(28);
    expect(days).toBeLessThanOrEqual(31);

    const none = await get(flexible);
    expect(none.commitmentDuration).toBeUndefined();
    expect(none.commitmentExpirationTime).toBeUndefined();
  });

  it('lists PTs filtered by status and name, sorted by creation time, in pages', async () => {
    await create({ provisionedModelName: 'alpha-one' });
    await create({ provisionedModelName: 'doomed-model' });
    await create({ provisionedModelName: 'alpha-two' });
    await pollUntil(
      () => listNames({ statusEquals: 'Creating' }),
      (names) => names.length === 0,
    );

    expect(await listNames({ statusEquals: 'Failed' })).toEqual(['doomed-model']);
    expect(await listNames({ statusEquals: 'InService', sortOrder: 'Ascending' })).toEqual([
      'alpha-one',
      'alpha-two',
    ]);
    expect(await listNames({ nameContains: 'alpha', sortOrder: 'Descending' })).toEqual([
      'alpha-two',
      'alpha-one',
    ]);
    await create({ provisionedModelName: 'beta' });
    expect(await listNames({ statusEquals: 'Creating' })).toEqual(['beta']);

    const client = bedrock();
    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new ListProvisionedModelThroughputsCommand({ maxResults: 3, sortOrder: 'Ascending', nextToken }),
      );
      pages.push(page.provisionedModelSummaries!.map((summary) => summary.provisionedModelName!));
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    expect(pages).toEqual([['alpha-one', 'doomed-model', 'alpha-two'], ['beta']]);
  });

  it('summarises each PT with the fields of Get, dates as Date objects', async () => {
    const arn = await create();
    const output = await bedrock().send(new ListProvisionedModelThroughputsCommand({}));
    const [summary] = output.provisionedModelSummaries!;
    expect(summary).toMatchObject({
      provisionedModelArn: arn,
      provisionedModelName: 'ha-test-model',
      modelArn: HAIKU_48K,
      status: 'Creating',
      modelUnits: 1,
    });
    expect(summary!.creationTime).toBeInstanceOf(Date);
    expect(summary!.lastModifiedTime).toBeInstanceOf(Date);
  });

  it('renames a PT: Updating, then InService under the new name, the old name gone', async () => {
    const arn = await create();
    await waitForStatus(arn, 'InService');

    await bedrock().send(
      new UpdateProvisionedModelThroughputCommand({
        provisionedModelId: 'ha-test-model',
        desiredProvisionedModelName: 'ha-renamed',
      }),
    );
    const updating = await get('ha-renamed');
    expect(updating.status).toBe('Updating');
    expect(updating.provisionedModelArn).toBe(arn);
    expect(updating.lastModifiedTime!.getTime()).toBeGreaterThan(updating.creationTime!.getTime());
    // A PT keeps serving while it is updated.
    await expect(converse(arn)).resolves.toBeDefined();

    await waitForStatus(arn, 'InService');
    expect((await get(arn)).provisionedModelName).toBe('ha-renamed');
    expect(await rejectionOf(get('ha-test-model'))).toBeInstanceOf(ResourceNotFoundException);
  });

  it('refuses to update a PT that is still being created with ConflictException', async () => {
    const arn = await create();
    const error = await rejectionOf(
      bedrock().send(
        new UpdateProvisionedModelThroughputCommand({
          provisionedModelId: arn,
          desiredProvisionedModelName: 'too-early',
        }),
      ),
    );
    expect(error).toBeInstanceOf(ConflictException);
    expect((await get(arn)).provisionedModelName).toBe('ha-test-model');
  });

  it('refuses to move a base-model PT to another model, changing nothing', async () => {
    const arn = await create();
    await waitForStatus(arn, 'InService');
    const error = await rejectionOf(
      bedrock().send(
        new UpdateProvisionedModelThroughputCommand({
          provisionedModelId: arn,
          desiredProvisionedModelName: 'renamed',
          desiredModelId: 'amazon.nova-lite-v1:0:300k',
        }),
      ),
    );
    expect(error).toBeInstanceOf(ValidationException);
    expect(await get(arn)).toMatchObject({ provisionedModelName: 'ha-test-model', status: 'InService' });
  });

  it('deletes a PT: Get then gives a 404 ResourceNotFoundException and invoking its ARN fails', async () => {
    const arn = await create();
    await waitForStatus(arn, 'InService');
    await expect(converse(arn)).resolves.toBeDefined();

    const deleted = await bedrock().send(
      new DeleteProvisionedModelThroughputCommand({ provisionedModelId: arn }),
    );
    expect(deleted.$metadata.httpStatusCode).toBe(200);

    const error = await rejectionOf(get(arn));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as unknown as ResourceNotFoundException).$metadata.httpStatusCode).toBe(404);
    expect(await rejectionOf(converse(arn))).toBeInstanceOf(RuntimeResourceNotFoundException);
    expect(await listNames()).toEqual([]);
  });

  it('keeps PTs per region: one created in us-west-2 is invisible from us-east-1', async () => {
    const west = bedrock('us-west-2');
    const arn = await create({}, west);
    expect(arn).toMatch(/^arn:aws:bedrock:us-west-2:123456789012:provisioned-model\/[a-z0-9]{12}$/);

    expect(await listNames({}, west)).toEqual(['ha-test-model']);
    expect(await listNames()).toEqual([]);
    expect(await rejectionOf(get(arn))).toBeInstanceOf(ResourceNotFoundException);
    expect(await rejectionOf(get('ha-test-model'))).toBeInstanceOf(ResourceNotFoundException);
    // The name is free in another region.
    await expect(create()).resolves.toMatch(PT_ARN);
  });
});

describe('model catalog', () => {
  beforeEach(() => start());

  it('describes a foundation model by id and by ARN, with the inference types it supports', async () => {
    const client = bedrock('us-west-2');
    const byId = await client.send(new GetFoundationModelCommand({ modelIdentifier: HAIKU }));
    const byArn = await client.send(
      new GetFoundationModelCommand({
        modelIdentifier: `arn:aws:bedrock:us-west-2::foundation-model/${HAIKU}`,
      }),
    );
    expect(byId.modelDetails).toMatchObject({
      modelId: HAIKU,
      modelArn: `arn:aws:bedrock:us-west-2::foundation-model/${HAIKU}`,
      providerName: 'Anthropic',
      inferenceTypesSupported: ['ON_DEMAND', 'PROVISIONED'],
      responseStreamingSupported: true,
    });
    expect(byArn.modelDetails).toEqual(byId.modelDetails);
  });

  it('answers ResourceNotFoundException for an unknown foundation model', async () => {
    const error = await rejectionOf(
      bedrock().send(new GetFoundationModelCommand({ modelIdentifier: 'acme.unknown-v1:0' })),
    );
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });

  it('lists foundation models filtered by provider and by inference type', async () => {
    const client = bedrock();
    const all = (await client.send(new ListFoundationModelsCommand({}))).modelSummaries!;
    const amazon = (await client.send(new ListFoundationModelsCommand({ byProvider: 'Amazon' })))
      .modelSummaries!;
    const provisioned = (
      await client.send(new ListFoundationModelsCommand({ byInferenceType: 'PROVISIONED' }))
    ).modelSummaries!;
    // Bedrock answers INFERENCE_PROFILE for profile-only models; the SDK's InferenceType enum lacks it.
    const profileOnly = (
      await client.send(
        new ListFoundationModelsCommand({ byInferenceType: 'INFERENCE_PROFILE' as InferenceType }),
      )
    ).modelSummaries!;

    expect(amazon.length).toBeGreaterThan(0);
    expect(amazon.length).toBeLessThan(all.length);
    expect(amazon.every((model) => model.providerName === 'Amazon')).toBe(true);
    expect(provisioned.map((model) => model.modelId)).toContain(HAIKU);
    expect(provisioned.map((model) => model.modelId)).not.toContain(
      'anthropic.claude-3-5-haiku-20241022-v1:0',
    );
    expect(provisioned.every((model) => model.inferenceTypesSupported?.includes('PROVISIONED'))).toBe(true);
    expect(profileOnly.map((model) => model.modelId)).toContain('anthropic.claude-sonnet-4-20250514-v1:0');
    expect(profileOnly.map((model) => model.modelId)).not.toContain(HAIKU);
  });

  it('lists the us. and global. profiles to us-west-2, routing to several regions', async () => {
    const output = await bedrock('us-west-2').send(new ListInferenceProfilesCommand({}));
    const profiles = output.inferenceProfileSummaries!;
    const prefixes = new Set(profiles.map((profile) => profile.inferenceProfileId!.split('.')[0]));
    expect([...prefixes].sort()).toEqual(['global', 'us']);

    const usHaiku = profiles.find((profile) => profile.inferenceProfileId === `us.${HAIKU}`)!;
    expect(usHaiku).toMatchObject({
      inferenceProfileArn: `arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.${HAIKU}`,
      status: 'ACTIVE',
      type: 'SYSTEM_DEFINED',
    });
    const regions = usHaiku.models!.map((model) => model.modelArn!.split(':')[3]);
    expect(regions).toEqual(expect.arrayContaining(['us-east-1', 'us-east-2', 'us-west-2']));
    expect(usHaiku.createdAt).toBeInstanceOf(Date);

    const globalHaiku = profiles.find((profile) => profile.inferenceProfileId === `global.${HAIKU}`)!;
    expect(new Set(globalHaiku.models!.map((model) => model.modelArn!.split(':')[3])).size).toBeGreaterThan(
      3,
    );
  });

  it('lists eu. profiles, not us. ones, to eu-west-1', async () => {
    const output = await bedrock('eu-west-1').send(new ListInferenceProfilesCommand({}));
    const ids = output.inferenceProfileSummaries!.map((profile) => profile.inferenceProfileId!);
    expect(ids).toContain(`eu.${HAIKU}`);
    expect(ids.some((id) => id.startsWith('us.'))).toBe(false);
    const eu = output.inferenceProfileSummaries!.find(
      (profile) => profile.inferenceProfileId === `eu.${HAIKU}`,
    );
    expect(eu!.models!.every((model) => model.modelArn!.split(':')[3]!.startsWith('eu-'))).toBe(true);
  });

  it('pages inference profiles and lists no APPLICATION profiles', async () => {
    const client = bedrock('us-west-2');
    const all = (await client.send(new ListInferenceProfilesCommand({}))).inferenceProfileSummaries!;
    const first = await client.send(new ListInferenceProfilesCommand({ maxResults: 5 }));
    const second = await client.send(
      new ListInferenceProfilesCommand({ maxResults: 5, nextToken: first.nextToken }),
    );
    expect(first.inferenceProfileSummaries).toEqual(all.slice(0, 5));
    expect(second.inferenceProfileSummaries).toEqual(all.slice(5, 10));

    const applications = await client.send(new ListInferenceProfilesCommand({ typeEquals: 'APPLICATION' }));
    expect(applications.inferenceProfileSummaries).toEqual([]);
  });

  it('gets a profile by id or ARN in its geography and answers ResourceNotFoundException elsewhere', async () => {
    const west = bedrock('us-west-2');
    const byId = await west.send(
      new GetInferenceProfileCommand({ inferenceProfileIdentifier: `us.${HAIKU}` }),
    );
    const byArn = await west.send(
      new GetInferenceProfileCommand({ inferenceProfileIdentifier: byId.inferenceProfileArn! }),
    );
    expect(byArn.inferenceProfileId).toBe(`us.${HAIKU}`);
    expect(byArn.models!.length).toBeGreaterThan(1);

    for (const [client, identifier] of [
      [west, `eu.${HAIKU}`],
      [bedrock('eu-west-1'), `us.${HAIKU}`],
      [west, 'us.acme.unknown-v1:0'],
    ] as const) {
      const error = await rejectionOf(
        client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: identifier })),
      );
      expect(error, identifier).toBeInstanceOf(ResourceNotFoundException);
    }
  });
});

describe('faults and routing', () => {
  beforeEach(() => start());

  it('surfaces a ThrottlingException fault on CreateProvisionedModelThroughput as the SDK exception', async () => {
    sim.faults.add({
      match: { operation: 'CreateProvisionedModelThroughput' },
      when: { times: 1 },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    const error = await rejectionOf(create());
    expect(error).toBeInstanceOf(ThrottlingException);
    expect((error as unknown as ThrottlingException).$metadata.httpStatusCode).toBe(429);
    expect(await listNames()).toEqual([]);

    // The rule applied once; the next create goes through.
    await expect(create()).resolves.toMatch(PT_ARN);
  });

  it('leaves other control-plane operations alone when a fault matches one operation', async () => {
    sim.faults.add({
      match: { operation: 'GetProvisionedModelThroughput' },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
    });
    const arn = await create();
    expect(await listNames()).toEqual(['ha-test-model']);
    const error = await rejectionOf(get(arn));
    expect(error.name).toBe('ServiceUnavailableException');
  });

  it('keeps a region-wide runtime fault off the control plane unless it names an operation', async () => {
    sim.faults.add({
      match: { region: 'us-east-1' },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    const arn = await create();
    expect(await listNames()).toEqual(['ha-test-model']);
    const runtime = runtimeClient(sim, 'us-east-1');
    const error = await rejectionOf(
      runtime.send(new ConverseCommand({ modelId: HAIKU, messages: userMessage('hello') })),
    );
    expect(error.name).toBe('ThrottlingException');
    expect(sim.faults.list()[0]).toMatchObject({ matched: 1, applied: 1 });
    runtime.destroy();
    await get(arn);
  });

  it('answers an unknown path with a 404 UnknownOperationException', async () => {
    const response = await fetch(`${sim.url}/no-such-operation`);
    expect(response.status).toBe(404);
    // The service's own form; SDKs cut the name at the first colon.
    expect(response.headers.get('x-amzn-errortype')).toBe(
      'UnknownOperationException:http://internal.amazon.com/coral/com.amazon.bedrock/',
    );
    expect(await response.json()).toEqual({ message: expect.stringContaining('/no-such-operation') });
  });
});
