import { z } from 'zod';

/** Bedrock's service tiers, as the `serviceTier.type` field and the InvokeModel header name them. */
export const SERVICE_TIERS = ['priority', 'default', 'flex', 'reserved'] as const;

/** One service tier. */
export type ServiceTierName = (typeof SERVICE_TIERS)[number];

const tierEnum = z.enum(SERVICE_TIERS);

const speedSchema = z.strictObject({
  /** Multiplies the model's `firstTokenMs`. */
  firstTokenFactor: z.number().positive().optional(),
  /** Multiplies the model's `tokensPerSecond`. */
  tokensPerSecondFactor: z.number().positive().optional(),
});

/** Service-tier options: which tiers each model offers, reservations, and each tier's speed. */
export const serviceTiersSchema = z
  .strictObject({
    /**
     * Tiers offered per model (and region); the first entry matching a request's model id (as
     * resolved: the base model id or a profile id) and region wins. Models without an entry offer
     * `default` for Provisioned Throughput and `priority`, `default` and `flex` otherwise.
     */
    supported: z
      .array(
        z.strictObject({
          model: z.string().min(1),
          region: z.string().optional(),
          tiers: z.array(tierEnum).min(1),
        }),
      )
      .default([]),
    /**
     * Reserved-tier capacity per model (and region): its own per-minute quota. Requests beyond it
     * spill to the shared on-demand quota and are served at `default`. Without a reservation the
     * `reserved` tier is refused (`Reservation not found.`).
     */
    reservations: z
      .array(
        z.strictObject({
          model: z.string().min(1),
          region: z.string().optional(),
          tokensPerMinute: z.number().positive(),
          requestsPerMinute: z.number().positive().optional(),
          burstSeconds: z.number().positive().optional(),
        }),
      )
      .default([]),
    /** Each tier's speed relative to the model's behaviour: priority faster, flex slower. */
    speed: z.partialRecord(tierEnum, speedSchema).default({}),
  })
  .default({ supported: [], reservations: [], speed: {} });

/** Service-tier options with defaults applied. */
export type ServiceTierOptions = z.output<typeof serviceTiersSchema>;

/**
 * Default speed of each tier. Bedrock states priority gives up to ~25% more output tokens a
 * second; flex may wait, so its first token comes later and its output is slower.
 */
export const DEFAULT_TIER_SPEED: Record<
  ServiceTierName,
  { firstTokenFactor: number; tokensPerSecondFactor: number }
> = {
  priority: { firstTokenFactor: 0.75, tokensPerSecondFactor: 1.25 },
  default: { firstTokenFactor: 1, tokensPerSecondFactor: 1 },
  flex: { firstTokenFactor: 2, tokensPerSecondFactor: 0.5 },
  reserved: { firstTokenFactor: 1, tokensPerSecondFactor: 1 },
};
