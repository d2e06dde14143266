import { Logger } from '@aws-lambda-powertools/logger';

/** What handlers and compositions log through: structured lines, extra fields redacted. */
export interface AppLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Keys whose values must never reach a log line, whatever a caller passes. */
const SECRET_KEYS = /^(apikey|apisecret|authorization|password|secret|x-api-key)$/i;

/** A copy of `value` with every secret-looking key's value replaced by `[redacted]` (6 levels deep). */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value))
    out[key] = SECRET_KEYS.test(key) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

/**
 * Powertools' structured logger (JSON lines to stdout, which Lambda ships to the function's log
 * group). The local runtime's file logger lives in `local/runtime/file-logger.ts`.
 */
export function createLogger(serviceName = 'eci'): AppLogger {
  const logger = new Logger({ serviceName });
  return {
    info: (m, e) => logger.info(m, (redact(e) ?? {}) as Record<string, unknown>),
    warn: (m, e) => logger.warn(m, (redact(e) ?? {}) as Record<string, unknown>),
    error: (m, e) => logger.error(m, (redact(e) ?? {}) as Record<string, unknown>),
  };
}
