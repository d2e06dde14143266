import * as z from 'zod';

/** What ECI does when Trendyol's live price differs from the price Trendyol confirmed. */
export type DriftPolicy = 'correct' | 'report';

/**
 * Per-connection behaviour of the catalog sync and its guards (stored beside the connection).
 * - `autoSync`: the scheduled sync pushes this connection's catalog (default true).
 * - `priceGuardPercent`: a salePrice moving more than this percentage away from the last confirmed
 *   salePrice is held for approval (integer 1–1000, default 50).
 * - `stockBuffer`: units of safety stock subtracted from every quantity before it is sent, never
 *   below 0 (integer 0–20,000, default 0).
 * - `driftPolicy`: `report` only lists a drifted price; `correct` also sends the seller's value again
 *   (default `report`: a price edited in Trendyol's panel may be the seller's own decision).
 */
export interface ConnectionSettings {
  autoSync: boolean;
  priceGuardPercent: number;
  stockBuffer: number;
  driftPolicy: DriftPolicy;
}

export const DEFAULT_CONNECTION_SETTINGS: Readonly<ConnectionSettings> = Object.freeze({
  autoSync: true,
  priceGuardPercent: 50,
  stockBuffer: 0,
  driftPolicy: 'report',
});

/** The zod shape of `settings` in `PATCH /v1/connections/:id`; unknown keys are refused (strict edge). */
export const settingsPatchSchema = z
  .object({
    autoSync: z.boolean({ error: 'must be true or false' }).optional(),
    priceGuardPercent: z
      .number({ error: 'must be an integer' })
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(1000, 'must be at most 1000')
      .optional(),
    stockBuffer: z
      .number({ error: 'must be an integer' })
      .int('must be an integer')
      .min(0, 'must not be negative')
      .max(20_000, 'must be at most 20000')
      .optional(),
    writeRateLimitPerMinute: z.number({ error: 'must be a number' }).optional(),
    integratorName: z
      .string({ error: 'must be a string' })
      .regex(/^[A-Za-z0-9]{1,30}$/, 'must be 1–30 letters or digits (Trendyol User-Agent rule)')
      .nullable()
      .optional(),
    driftPolicy: z.enum(['correct', 'report'], { error: 'must be "correct" or "report"' }).optional(),
  })
  .strict();

export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** Stored settings over the defaults: a key never written keeps its documented default. */
export function withDefaults(stored: Partial<ConnectionSettings> | undefined): ConnectionSettings {
  return { ...DEFAULT_CONNECTION_SETTINGS, ...stored };
}
