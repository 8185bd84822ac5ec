import type { SimulatorContext } from '../context.js';
import { SimulatedError } from '../errors.js';
import type { Exchange } from '../exchange.js';
import { applyFaultPlan, serveLogged } from '../logged-request.js';
import type { ControlPlaneOperation } from '../operations.js';
import {
  getFoundationModel,
  getInferenceProfile,
  listFoundationModels,
  listInferenceProfiles,
} from './catalog-api.js';
import {
  createProvisionedThroughput,
  deleteProvisionedThroughput,
  getProvisionedThroughput,
  listProvisionedThroughputs,
  updateProvisionedThroughput,
} from './provisioned-api.js';

/** A matched control-plane request: the operation and its path label, if any. */
export interface ControlPlaneRoute {
  operation: ControlPlaneOperation;
  identifier?: string;
}

/** One control-plane request: its context, region, body and query. */
export interface ControlPlaneCall {
  context: SimulatorContext;
  region: string;
  exchange: Exchange;
  identifier: string;
}

type Operation = (
  call: ControlPlaneCall,
) => Promise<{ status: number; body: unknown }> | { status: number; body: unknown };

const OPERATIONS: Record<ControlPlaneOperation, Operation> = {
  CreateProvisionedModelThroughput: createProvisionedThroughput,
  GetProvisionedModelThroughput: getProvisionedThroughput,
  ListProvisionedModelThroughputs: listProvisionedThroughputs,
  UpdateProvisionedModelThroughput: updateProvisionedThroughput,
  DeleteProvisionedModelThroughput: deleteProvisionedThroughput,
  GetFoundationModel: getFoundationModel,
  ListFoundationModels: listFoundationModels,
  GetInferenceProfile: getInferenceProfile,
  ListInferenceProfiles: listInferenceProfiles,
};

/** Matches `@aws-sdk/client-bedrock`'s paths (segments already split and decoded). */
export function matchControlPlane(
  method: string,
  segments: (string | undefined)[],
): ControlPlaneRoute | undefined {
  // A segment that does not decode (`%E0`) is no identifier: that path matches nothing.
  if (segments.some((segment) => segment === undefined)) return undefined;
  const [, resource, identifier, extra] = segments;
  if (extra !== undefined || resource === undefined) return undefined;
  if (identifier === undefined) {
    if (resource === 'provisioned-model-throughput' && method === 'POST') {
      return { operation: 'CreateProvisionedModelThroughput' };
    }
    if (method !== 'GET') return undefined;
    if (resource === 'provisioned-model-throughputs') return { operation: 'ListProvisionedModelThroughputs' };
    if (resource === 'foundation-models') return { operation: 'ListFoundationModels' };
    if (resource === 'inference-profiles') return { operation: 'ListInferenceProfiles' };
    return undefined;
  }
  if (resource === 'provisioned-model-throughput') {
    const byMethod: Record<string, ControlPlaneOperation> = {
      GET: 'GetProvisionedModelThroughput',
      PATCH: 'UpdateProvisionedModelThroughput',
      DELETE: 'DeleteProvisionedModelThroughput',
    };
    const operation = byMethod[method];
    return operation ? { operation, identifier } : undefined;
  }
  if (method !== 'GET') return undefined;
  if (resource === 'foundation-models') return { operation: 'GetFoundationModel', identifier };
  if (resource === 'inference-profiles') return { operation: 'GetInferenceProfile', identifier };
  return undefined;
}

/** Serves a control-plane request, with the same fault injection and logging as the runtime. */
export function serveControlPlane(
  context: SimulatorContext,
  exchange: Exchange,
  route: ControlPlaneRoute,
): Promise<void> {
  const identifier = route.identifier ?? '';
  return serveLogged(context, exchange, { operation: route.operation, model: identifier }, async (record) => {
    const { region } = record;
    const plan = context.faults.plan({
      region,
      operation: route.operation,
      models: identifier ? [identifier] : [],
    });
    if (plan.rules.length > 0) record.faults = plan.rules;
    const ended = await applyFaultPlan(exchange, plan);
    if (ended !== undefined) return ended;
    const { status, body } = await OPERATIONS[route.operation]({ context, region, exchange, identifier });
    if (plan.action?.type === 'malformed') {
      exchange.send(status, JSON.stringify(body).slice(0, 10), { 'content-type': 'application/json' });
      return 'malformed';
    }
    exchange.json(status, body);
    return 'success';
  });
}

/** Reads a JSON object body; an empty body is `{}`. */
export async function jsonBody(exchange: Exchange): Promise<Record<string, unknown>> {
  const raw = (await exchange.body()).toString('utf8');
  if (raw.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new SimulatedError('ValidationException', 'The request body is not a JSON object.');
}

/** Applies `maxResults` and `nextToken` (an opaque offset) to a list. */
export function paginate<T>(items: T[], query: URLSearchParams): { page: T[]; nextToken?: string } {
  const maxResults = query.has('maxResults') ? Number(query.get('maxResults')) : 1000;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) {
    throw new SimulatedError('ValidationException', 'maxResults must be an integer between 1 and 1000.');
  }
  const token = query.get('nextToken');
  const start = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) {
    throw new SimulatedError('ValidationException', 'The nextToken is not valid.');
  }
  const page = items.slice(start, start + maxResults);
  const next = start + maxResults;
  return next < items.length
    ? { page, nextToken: Buffer.from(String(next)).toString('base64url') }
    : { page };
}
