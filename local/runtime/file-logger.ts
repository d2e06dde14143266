import { appendFileSync } from 'node:fs';
import { type AppLogger, redact } from '../../lambdas/composition/logger';

/**
 * The local runtime's logger: the same JSON lines Powertools writes on Lambda, appended to a file
 * (`<ECI_DATA_DIR>/eci.log`), so `npm start` keeps the terminal readable and the proof can quote the
 * lines of a job. Secret-looking fields are redacted exactly as on Lambda.
 */
export function createFileLogger(file: string, service = 'eci'): AppLogger {
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
