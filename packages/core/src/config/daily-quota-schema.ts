import * as z from 'zod';

import { DAY_MS } from './defaults.js';

/** When an endpoint parked by a tokens-per-day quota may be tried again. */
export const dailyQuotaSchema = z.strictObject({
  resetsAt: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a UTC time of day as HH:MM, for example "00:00"')
    .optional()
    .describe(
      'UTC time (HH:MM) at which the daily quota window resets; an endpoint that answered "Too many tokens per day" is parked until then. Default 00:00.',
    ),
  windowMs: z
    .number()
    .int()
    .min(1_000)
    .max(DAY_MS)
    .optional()
    .describe(
      'Length of the daily window (ms), for tests and demos against a simulator with short days. Default one day.',
    ),
});
