import { SimulatedError, validationError } from '../errors.js';
import { type ProvisionedThroughput, provisionedQuota } from '../provisioned.js';
import { type ControlPlaneCall, jsonBody, paginate } from './serve-control-plane.js';

const NAME = /^([0-9a-zA-Z][_-]?){1,63}$/;

/** The Provisioned Throughput object of Get and of list summaries. */
function describe(call: ControlPlaneCall, pt: ProvisionedThroughput) {
  const status = call.context.provisioned.status(pt);
  const foundationModelArn = pt.modelArn.replace(/:\d+k$/, '');
  return {
    modelUnits: pt.modelUnits,
    desiredModelUnits: pt.modelUnits,
    provisionedModelName: pt.name,
    provisionedModelArn: pt.arn,
    modelArn: pt.modelArn,
    desiredModelArn: pt.modelArn,
    foundationModelArn,
    status,
    creationTime: new Date(pt.createdAt).toISOString(),
    lastModifiedTime: new Date(pt.modifiedAt).toISOString(),
    ...(status === 'Failed' && {
      failureMessage: 'Insufficient capacity to provision the requested model units.',
    }),
    ...(pt.commitmentDuration && {
      commitmentDuration: pt.commitmentDuration,
      commitmentExpirationTime: new Date(
        pt.createdAt + (pt.commitmentDuration === 'OneMonth' ? 30 : 182) * 86_400_000,
      ).toISOString(),
    }),
  };
}

/** CreateProvisionedModelThroughput: 201 with the new ARN; Creating until the provisioning delay passes. */
export async function createProvisionedThroughput(call: ControlPlaneCall) {
  const body = await jsonBody(call.exchange);
  const {
    modelUnits,
    provisionedModelName: name,
    modelId,
    commitmentDuration,
    clientRequestToken,
    tags,
  } = body;
  if (typeof modelUnits !== 'number' || !Number.isInteger(modelUnits) || modelUnits < 1) {
    throw validationError('modelUnits: must be a positive integer.');
  }
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw validationError(
      "1 validation error detected: Value at 'provisionedModelName' failed to satisfy constraint: Member must satisfy regular expression pattern: ([0-9a-zA-Z][_-]?){1,63}",
    );
  }
  if (typeof modelId !== 'string' || modelId === '') throw validationError('modelId: is required.');
  if (
    commitmentDuration !== undefined &&
    commitmentDuration !== 'OneMonth' &&
    commitmentDuration !== 'SixMonths'
  ) {
    throw validationError('commitmentDuration: must be OneMonth or SixMonths.');
  }
  const tagList = Array.isArray(tags) ? (tags as { key: string; value: string }[]) : [];
  const { provisioning } = call.context.options;
  const pt = call.context.provisioned.create({
    region: call.region,
    name,
    modelId,
    modelUnits,
    commitmentDuration,
    clientRequestToken: typeof clientRequestToken === 'string' ? clientRequestToken : undefined,
    tags: tagList,
    quota: provisionedQuota({ modelUnits }, call.context.options),
    delayMs: provisioning.delayMs,
    fails: provisioning.failNames.includes(name) || tagList.some((tag) => tag.key === 'simulator:fail'),
  });
  return { status: 201, body: { provisionedModelArn: pt.arn } };
}

/** GetProvisionedModelThroughput by name or ARN. */
export function getProvisionedThroughput(call: ControlPlaneCall) {
  return { status: 200, body: describe(call, call.context.provisioned.get(call.region, call.identifier)) };
}

/** ListProvisionedModelThroughputs with Bedrock's filters, sorting and pagination. */
export function listProvisionedThroughputs(call: ControlPlaneCall) {
  const query = call.exchange.query;
  const status = query.get('statusEquals');
  const nameContains = query.get('nameContains');
  const modelArn = query.get('modelArnEquals');
  const after = query.has('creationTimeAfter') ? Date.parse(query.get('creationTimeAfter')!) : undefined;
  const before = query.has('creationTimeBefore') ? Date.parse(query.get('creationTimeBefore')!) : undefined;
  const items = call.context.provisioned
    .list(call.region)
    .map((pt) => ({ pt, summary: describe(call, pt) }))
    .filter(({ summary }) => status === null || summary.status === status)
    .filter(({ pt }) => nameContains === null || pt.name.includes(nameContains))
    .filter(({ pt }) => modelArn === null || pt.modelArn === modelArn)
    .filter(({ pt }) => after === undefined || pt.createdAt > after)
    .filter(({ pt }) => before === undefined || pt.createdAt < before);
  const ascending = query.get('sortOrder') === 'Ascending';
  items.sort((a, b) => (ascending ? 1 : -1) * (a.pt.createdAt - b.pt.createdAt));
  const { page, nextToken } = paginate(items, query);
  return {
    status: 200,
    body: { provisionedModelSummaries: page.map(({ summary }) => summary), ...(nextToken && { nextToken }) },
  };
}

/** UpdateProvisionedModelThroughput: rename or change model; Updating for the provisioning delay. */
export async function updateProvisionedThroughput(call: ControlPlaneCall) {
  const pt = call.context.provisioned.get(call.region, call.identifier);
  const body = await jsonBody(call.exchange);
  const name = body.desiredProvisionedModelName;
  const modelId = body.desiredModelId;
  if (name !== undefined && (typeof name !== 'string' || !NAME.test(name))) {
    throw validationError('desiredProvisionedModelName: must match ([0-9a-zA-Z][_-]?){1,63}.');
  }
  if (call.context.provisioned.status(pt) === 'Creating') {
    throw new SimulatedError('ConflictException', `Provisioned model ${pt.name} is still being created.`);
  }
  call.context.provisioned.update(
    pt,
    { ...(typeof name === 'string' && { name }), ...(typeof modelId === 'string' && { modelId }) },
    call.context.options.provisioning.delayMs,
  );
  return { status: 200, body: {} };
}

/** DeleteProvisionedModelThroughput: gone at once; its ARN then gives ResourceNotFoundException. */
export function deleteProvisionedThroughput(call: ControlPlaneCall) {
  const pt = call.context.provisioned.get(call.region, call.identifier);
  call.context.provisioned.delete(pt);
  call.context.capacity.forget(`provisioned:${pt.arn}`);
  return { status: 200, body: {} };
}
