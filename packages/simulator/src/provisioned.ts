import { type FoundationModel, findFoundationModel, foundationModelArn } from './catalog.js';
import { SimulatedError, validationError } from './errors.js';
import type { Quota, ResolvedOptions } from './options.js';

/** Lifecycle of a Provisioned Throughput, as Bedrock reports it. */
export type ProvisionedStatus = 'Creating' | 'InService' | 'Updating' | 'Failed';

/** A Provisioned Throughput: a model's reserved capacity, billed hourly, invoked by its ARN. */
export interface ProvisionedThroughput {
  id: string;
  arn: string;
  name: string;
  region: string;
  model: FoundationModel;
  /** The model ARN as bought, with its context suffix (`...:0:48k`). */
  modelArn: string;
  modelUnits: number;
  commitmentDuration?: 'OneMonth' | 'SixMonths' | undefined;
  createdAt: number;
  modifiedAt: number;
  /** Until this time the status is Creating or Updating. */
  readyAt: number;
  /** Creation fails instead of completing. */
  fails: boolean;
  clientRequestToken?: string | undefined;
  tags: { key: string; value: string }[];
  /** Capacity; fixed when the PT is created from model units or options. */
  quota: Quota;
}

/** What a create call or a scenario entry asks for. */
export interface ProvisionRequest {
  region: string;
  name: string;
  modelId: string;
  modelUnits: number;
  id?: string | undefined;
  commitmentDuration?: 'OneMonth' | 'SixMonths' | undefined;
  clientRequestToken?: string | undefined;
  tags?: { key: string; value: string }[] | undefined;
  quota: Quota;
  /** Time spent in Creating (ms). */
  delayMs: number;
  fails: boolean;
}

/** Every Provisioned Throughput of every region. */
export class ProvisionedThroughputs {
  private readonly byArn = new Map<string, ProvisionedThroughput>();

  constructor(
    private readonly accountId: string,
    private readonly models: readonly FoundationModel[],
    private readonly now: () => number,
    private readonly random: () => number,
  ) {}

  /** Creates a PT; the same `clientRequestToken` returns the PT it created before. */
  create(request: ProvisionRequest): ProvisionedThroughput {
    if (request.clientRequestToken) {
      const earlier = [...this.byArn.values()].find(
        (pt) => pt.clientRequestToken === request.clientRequestToken && pt.region === request.region,
      );
      if (earlier) return earlier;
    }
    if (this.find(request.region, request.name)) {
      throw new SimulatedError(
        'ConflictException',
        `A provisioned model throughput with the name ${request.name} already exists.`,
      );
    }
    const { model, modelId } = this.provisionableModel(request.modelId);
    const id = request.id ?? this.newId();
    const now = this.now();
    const pt: ProvisionedThroughput = {
      id,
      arn: `arn:aws:bedrock:${request.region}:${this.accountId}:provisioned-model/${id}`,
      name: request.name,
      region: request.region,
      model,
      modelArn: foundationModelArn(request.region, modelId),
      modelUnits: request.modelUnits,
      commitmentDuration: request.commitmentDuration,
      createdAt: now,
      modifiedAt: now,
      readyAt: now + request.delayMs,
      fails: request.fails,
      clientRequestToken: request.clientRequestToken,
      tags: request.tags ?? [],
      quota: request.quota,
    };
    this.byArn.set(pt.arn, pt);
    return pt;
  }

  /** Finds a PT of a region by name, id or ARN. */
  find(region: string, identifier: string): ProvisionedThroughput | undefined {
    const byArn = this.byArn.get(identifier);
    if (byArn) return byArn.region === region ? byArn : undefined;
    for (const pt of this.byArn.values()) {
      if (pt.region === region && (pt.name === identifier || pt.id === identifier)) return pt;
    }
    return undefined;
  }

  /** Finds a PT or throws Bedrock's ResourceNotFoundException. */
  get(region: string, identifier: string): ProvisionedThroughput {
    const pt = this.find(region, identifier);
    if (!pt) {
      throw new SimulatedError('ResourceNotFoundException', `Provisioned model ${identifier} was not found.`);
    }
    return pt;
  }

  /** Every PT of every region, oldest first. */
  all(): ProvisionedThroughput[] {
    return [...this.byArn.values()];
  }

  /** Every PT of a region, oldest first. */
  list(region: string): ProvisionedThroughput[] {
    return [...this.byArn.values()].filter((pt) => pt.region === region);
  }

  /**
   * Renames a PT; it is Updating for `delayMs`. Every PT here serves a base model, and Bedrock only
   * lets a PT of a custom model change model, so `modelId` may only name the model it already has.
   * Nothing changes unless the whole update is valid.
   */
  update(pt: ProvisionedThroughput, change: { name?: string; modelId?: string }, delayMs: number): void {
    if (change.modelId !== undefined) {
      const modelId = change.modelId.replace(/^arn:aws:bedrock:[^:]*::foundation-model\//, '');
      if (foundationModelArn(pt.region, modelId) !== pt.modelArn) {
        throw validationError(
          `The provisioned model ${pt.name} serves the base model ${pt.model.modelId}; only a provisioned model of a custom model can change its model.`,
        );
      }
    }
    if (change.name !== undefined && change.name !== pt.name && this.find(pt.region, change.name)) {
      throw new SimulatedError(
        'ConflictException',
        `A provisioned model throughput with the name ${change.name} already exists.`,
      );
    }
    if (change.name !== undefined) pt.name = change.name;
    pt.modifiedAt = this.now();
    pt.readyAt = pt.modifiedAt + delayMs;
  }

  /** Deletes a PT; invoking its ARN afterwards gives ResourceNotFoundException. */
  delete(pt: ProvisionedThroughput): void {
    this.byArn.delete(pt.arn);
  }

  /** The status now. */
  status(pt: ProvisionedThroughput): ProvisionedStatus {
    if (this.now() >= pt.readyAt) return pt.fails ? 'Failed' : 'InService';
    return pt.modifiedAt === pt.createdAt ? 'Creating' : 'Updating';
  }

  /**
   * The model a PT may be bought for: a known model that offers Provisioned Throughput, and, when
   * the id names a context-length variant (`:48k`), one the model offers.
   */
  private provisionableModel(requested: string): { model: FoundationModel; modelId: string } {
    const modelId = requested.replace(/^arn:aws:bedrock:[^:]*::foundation-model\//, '');
    const model = findFoundationModel(this.models, modelId);
    const variant = /:(\d+k)$/.exec(modelId)?.[1];
    if (
      !model ||
      model.provisionedVariants.length === 0 ||
      (variant !== undefined && !model.provisionedVariants.includes(variant))
    ) {
      const offered =
        model && model.provisionedVariants.length > 0
          ? ` Variants offered: ${model.provisionedVariants.map((each) => `${model.modelId}:${each}`).join(', ')}.`
          : '';
      throw validationError(`The model ${requested} does not support Provisioned Throughput.${offered}`);
    }
    return { model, modelId };
  }

  private newId(): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    let id = '';
    for (let index = 0; index < 12; index++) id += alphabet[Math.floor(this.random() * alphabet.length)];
    return [...this.byArn.values()].some((pt) => pt.id === id) ? this.newId() : id;
  }
}

/**
 * Tokens per minute of one model unit, per model. AWS does not publish these figures (it quotes a
 * PT's throughput per model and commitment on request); they are illustrative, in proportion to
 * each model's speed, and every one can be overridden with `provisioning.tokensPerMinutePerModelUnit`.
 */
export const PT_TOKENS_PER_MINUTE_PER_UNIT: Readonly<Record<string, number>> = {
  'anthropic.claude-3-haiku-20240307-v1:0': 20_000,
  'anthropic.claude-3-5-sonnet-20241022-v2:0': 10_000,
  'amazon.nova-micro-v1:0': 60_000,
  'amazon.nova-lite-v1:0': 40_000,
  'amazon.nova-pro-v1:0': 15_000,
};

/** Tokens per minute per model unit when neither the table nor options name the model. */
export const DEFAULT_TOKENS_PER_MINUTE_PER_UNIT = 20_000;

/** One model unit's tokens per minute for a model (base id, without a `:48k` suffix). */
export function tokensPerModelUnit(modelId: string, options: Pick<ResolvedOptions, 'provisioning'>): number {
  const configured = options.provisioning.tokensPerMinutePerModelUnit;
  if (typeof configured === 'number') return configured;
  return (
    configured[modelId] ??
    configured['*'] ??
    PT_TOKENS_PER_MINUTE_PER_UNIT[modelId] ??
    DEFAULT_TOKENS_PER_MINUTE_PER_UNIT
  );
}

/** The capacity of a PT: its own figures where given, else its model units' worth. */
export function provisionedQuota(
  pt: {
    /** The base model id (no context suffix). */
    modelId: string;
    modelUnits?: number;
    tokensPerMinute?: number;
    requestsPerMinute?: number;
    maxConcurrent?: number;
    burstSeconds?: number;
  },
  options: Pick<ResolvedOptions, 'provisioning'>,
): Quota {
  return {
    tokensPerMinute:
      pt.tokensPerMinute ?? (pt.modelUnits ?? 1) * tokensPerModelUnit(baseModelId(pt.modelId), options),
    ...(pt.requestsPerMinute !== undefined && { requestsPerMinute: pt.requestsPerMinute }),
    ...(pt.maxConcurrent !== undefined && { maxConcurrent: pt.maxConcurrent }),
    ...(pt.burstSeconds !== undefined && { burstSeconds: pt.burstSeconds }),
  };
}

/** A model id as a PT is bought for (foundation-model ARN, `:48k` suffix) back to its base id. */
function baseModelId(modelId: string): string {
  return modelId.replace(/^arn:aws:bedrock:[^:]*::foundation-model\//, '').replace(/:\d+k$/, '');
}
