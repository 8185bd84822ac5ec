import { SimulatedError, validationError } from '../errors.js';
import { type ProvisionedThroughput, provisionedQuota } from '../provisioned.js';
import { type ControlPlaneCall, jsonBody, paginate } from './serve-control-plane.js';

const NAME_PATTERN = '([0-9a-zA-Z][_-]?){1,63}';
const NAME = new RegExp(`^${NAME_PATTERN}$`);
const STATUSES = ['Creating', 'InService', 'Updating', 'Failed'];

/** Whether a name is a valid provisioned model name: the pattern, and at most 63 characters. */
function isValidName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 63 && NAME.test(name);
}

/** Bedrock's wording of a request that breaks a constraint of the API model. */
function constraintError(member: string, value: unknown, constraint: string) {
  return validationError(
    `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}

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
    throw constraintError('modelUnits', modelUnits, 'Member must have value greater than or equal to 1');
  }
  if (!isValidName(name)) {
    throw constraintError(
      'provisionedModelName',
      name,
      `Member must satisfy regular expression pattern: ${NAME_PATTERN} and have length less than or equal to 63`,
    );
  }
  if (typeof modelId !== 'string' || modelId === '') {
    throw constraintError('modelId', modelId, 'Member must not be null');
  }
  if (
    commitmentDuration !== undefined &&
    commitmentDuration !== 'OneMonth' &&
    commitmentDuration !== 'SixMonths'
  ) {
    throw constraintError(
      'commitmentDuration',
      commitmentDuration,
      'Member must satisfy enum value set: [OneMonth, SixMonths]',
    );
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
    quota: provisionedQuota({ modelId, modelUnits }, call.context.options),
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
  const after = timeQuery(query, 'creationTimeAfter');
  const before = timeQuery(query, 'creationTimeBefore');
  if (status !== null && !STATUSES.includes(status)) {
    throw constraintError(
      'statusEquals',
      status,
      `Member must satisfy enum value set: [${STATUSES.join(', ')}]`,
    );
  }
  const items = call.context.provisioned
    .list(call.region)
    .map((pt, index) => ({ pt, index, summary: describe(call, pt) }))
    .filter(({ summary }) => status === null || summary.status === status)
    .filter(({ pt }) => nameContains === null || pt.name.includes(nameContains))
    .filter(({ pt }) => modelArn === null || pt.modelArn === modelArn)
    .filter(({ pt }) => after === undefined || pt.createdAt > after)
    .filter(({ pt }) => before === undefined || pt.createdAt < before);
  const ascending = query.get('sortOrder') === 'Ascending';
  // PTs created in the same millisecond keep their creation order (reversed when descending).
  items.sort((a, b) => (ascending ? 1 : -1) * (a.pt.createdAt - b.pt.createdAt || a.index - b.index));
  const { page, nextToken } = paginate(items, query);
  return {
    status: 200,
    body: { provisionedModelSummaries: page.map(({ summary }) => summary), ...(nextToken && { nextToken }) },
  };
}

function timeQuery(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const time = Date.parse(raw);
  if (Number.isNaN(time)) throw constraintError(name, raw, 'Member must be an ISO-8601 date-time');
  return time;
}

/** UpdateProvisionedModelThroughput: rename or change model; Updating for the provisioning delay. */
export async function updateProvisionedThroughput(call: ControlPlaneCall) {
  const pt = call.context.provisioned.get(call.region, call.identifier);
  const body = await jsonBody(call.exchange);
  const name = body.desiredProvisionedModelName;
  const modelId = body.desiredModelId;
  if (name !== undefined && !isValidName(name)) {
    throw constraintError(
      'desiredProvisionedModelName',
      name,
      `Member must satisfy regular expression pattern: ${NAME_PATTERN} and have length less than or equal to 63`,
    );
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
