import * as z from 'zod';

/** Bedrock's service tiers, as Converse's `serviceTier.type` and InvokeModel's header name them. */
export const SERVICE_TIERS = ['priority', 'default', 'flex', 'reserved'] as const;

/** One Bedrock service tier. */
export type ServiceTier = (typeof SERVICE_TIERS)[number];

/** An endpoint's service tier. */
export const serviceTierSchema = z
  .enum(SERVICE_TIERS)
  .describe(
    "Bedrock's service tier for this endpoint's requests (Converse's serviceTier, InvokeModel's header). The default id gains @tier, so one model may sit in a chain at several tiers. A tier the model or region refuses fails over (reason unsupported-tier).",
  );
