import { appendFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';

export interface AppLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Keys whose values must never reach a log line, whatever a caller passes. */
const SECRET_KEYS = /^(apikey|apisecret|authorization|password|secret|x-api-key)$/i;

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value))
    out[key] = SECRET_KEYS.test(key) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

/**
 * On Lambda: Powertools' structured logger. Locally (`ECI_LOG_FILE`): the same JSON lines appended to
 * a file, so `npm start` keeps the terminal readable and the proof can quote the lines of a job.
 */
export function createLogger(env: Readonly<Record<string, string | undefined>>, service = 'eci'): AppLogger {
  const file = env.ECI_LOG_FILE;
  if (file) {
    const write = (level: string, message: string, extra?: Record<string, unknown>) =>
      appendFileSync(
        file,
        `${JSON.stringify({ level, message, service, timestamp: new Date().toISOString(), ...(redact(extra) as object) })}\n`,
      );
    return {
      info: (m, e) => write('INFO', m, e),
      warn: (m, e) => write('WARN', m, e),
      error: (m, e) => write('ERROR', m, e),
    };
  }
  const logger = new Logger({ serviceName: env.POWERTOOLS_SERVICE_NAME ?? service });
  return {
    info: (m, e) => logger.info(m, (redact(e) ?? {}) as Record<string, unknown>),
    warn: (m, e) => logger.warn(m, (redact(e) ?? {}) as Record<string, unknown>),
    error: (m, e) => logger.error(m, (redact(e) ?? {}) as Record<string, unknown>),
  };
}
