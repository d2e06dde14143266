import * as z from 'zod';
import { settingsPatchSchema } from './connection-settings';
import { safeText } from './text';

/** Trendyol's inventory-write tiers (requests per minute), lowest first (trendyol-contract.md, rate limits). */
export const WRITE_RATE_TIERS = [350, 500, 1000, 1500, 2000] as const;

/** Longest API key or secret ECI stores; Trendyol's are far shorter, this only bounds what is kept. */
export const MAX_CREDENTIAL_LENGTH = 256;
/** Longest base URL ECI stores. */
export const MAX_BASE_URL_LENGTH = 2048;

/**
 * A Trendyol seller id: a positive integer (trendyol-contract.md: "`sellerId` is an integer"), given as a
 * JSON number or as a string of decimal digits. Nothing is coerced: `true`, `[5]`, `"0x10"`, `"1e3"`,
 * `"5.0"`, `" 5"` and `1.5` are refused rather than read as 1, 5, 16, 1000 or 5.
 */
export const sellerIdSchema = z
  .union([z.number(), z.string()], { error: 'must be a positive integer (a JSON number or decimal digits)' })
  .transform((value, ctx) => {
    const n = typeof value === 'number' ? value : /^[0-9]{1,16}$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a positive integer (a JSON number or decimal digits)',
      });
      return z.NEVER;
    }
    return n;
  });

/**
 * An API key or secret: 1–256 visible ASCII characters (U+0021–U+007E), no spaces, nothing trimmed.
 * Trendyol's credentials are alphanumeric; they travel in an HTTP Basic header, which carries only
 * Latin-1 and splits user and password at the first `:` (RFC 7617), so a key must not contain `:`.
 */
function credential(what: 'apiKey' | 'apiSecret') {
  const pattern = what === 'apiKey' ? /^[\x21-\x39\x3b-\x7e]+$/ : /^[\x21-\x7e]+$/;
  const allowed =
    what === 'apiKey' ? 'visible ASCII characters other than ":"' : 'visible ASCII characters (no spaces)';
  return z
    .string({ error: 'must be a string' })
    .refine((s) => s.trim().length > 0, 'must not be blank')
    .refine((s) => s.length <= MAX_CREDENTIAL_LENGTH, `must be at most ${MAX_CREDENTIAL_LENGTH} characters`)
    .refine((s) => s.trim().length === 0 || pattern.test(s), `must be ${allowed}`);
}

export const apiKeySchema = credential('apiKey');
export const apiSecretSchema = credential('apiSecret');

/** A connection's display name: 1–200 characters of safe text (see text.ts), trimmed. */
export const connectionNameSchema = safeText(200);

/** Trendyol's User-Agent rule: `"{sellerId} - {IntegratorName}"`, the name alphanumeric, ≤ 30 characters. */
export const integratorNameSchema = z
  .string({ error: 'must be a string' })
  .regex(/^[A-Za-z0-9]{1,30}$/, 'must be 1–30 letters or digits (Trendyol User-Agent rule)');

/** The body of POST /v1/connections; unknown fields are refused with their path. */
export const createConnectionBodySchema = z.strictObject({
  type: z.literal('trendyol', { error: 'must be "trendyol"' }),
  name: connectionNameSchema,
  sellerId: sellerIdSchema,
  apiKey: apiKeySchema,
  apiSecret: apiSecretSchema,
  /** Checked against the stage's rules by the use case (base-url.ts); here only its text. */
  baseUrl: safeText(MAX_BASE_URL_LENGTH).optional(),
  integratorName: integratorNameSchema.optional(),
  writeRateLimitPerMinute: z
    .number({ error: `must be one of ${WRITE_RATE_TIERS.join(', ')}` })
    .refine(
      (n) => (WRITE_RATE_TIERS as readonly number[]).includes(n),
      `must be one of ${WRITE_RATE_TIERS.join(', ')}`,
    )
    .optional(),
});

export type CreateConnectionInput = z.output<typeof createConnectionBodySchema>;

/** The body of PATCH /v1/connections/:id; credentials are rotated as a pair. */
export const updateConnectionBodySchema = z
  .strictObject({
    name: connectionNameSchema.optional(),
    status: z.enum(['active', 'paused'], { error: 'must be "active" or "paused"' }).optional(),
    apiKey: apiKeySchema.optional(),
    apiSecret: apiSecretSchema.optional(),
    settings: settingsPatchSchema
      .refine(
        (s) => Object.values(s).some((v) => v !== undefined),
        'nothing to update: give at least one setting',
      )
      .optional(),
  })
  .refine(
    (p) => Object.values(p).some((v) => v !== undefined),
    'nothing to update: give name, status, credentials or settings',
  )
  .refine(
    (p) =>
      p.settings?.writeRateLimitPerMinute === undefined ||
      (WRITE_RATE_TIERS as readonly number[]).includes(p.settings.writeRateLimitPerMinute),
    {
      message: `must be one of ${WRITE_RATE_TIERS.join(', ')}`,
      path: ['settings', 'writeRateLimitPerMinute'],
    },
  )
  .refine((p) => (p.apiKey === undefined) === (p.apiSecret === undefined), {
    message: 'apiKey and apiSecret must be rotated together',
    path: ['apiSecret'],
  });

export type UpdateConnectionInput = z.output<typeof updateConnectionBodySchema>;
