import './polyfills';
import { startLocalStack } from './runtime/local-stack';

/**
 * `npm start`: the whole ECI topology on this machine. Configuration: PORT, ECI_API_KEY,
 * ECI_DATA_DIR, DATABASE_URL, TRENDYOL_WRITE_ENABLED, TRENDYOL_FORCE_WRITE_ALLOWED, SIM_PORT.
 */
async function main() {
  const stack = await startLocalStack({
    port: Number(process.env.PORT ?? 3000),
    simulatorPort: Number(process.env.SIM_PORT ?? 4010),
    dataDir: process.env.ECI_DATA_DIR || '.eci',
    ...(process.env.ECI_API_KEY && { apiKey: process.env.ECI_API_KEY }),
  });
  const { apiUrl, apiKey, demoConnectionId } = stack;
  console.log(`
ECI local stack is up.
  API               ${apiUrl}            (x-api-key: ${apiKey})
  Trendyol sim      ${stack.simulator.url}
  data dir          ${stack.dataDir}   (delete it to start from scratch)
  logs              ${stack.logFile}
  demo connection   ${demoConnectionId}
  resumed           ${stack.resumed.requeued} queued chunk(s), ${stack.resumed.followed} batch(es) to confirm

Try it:
  curl -s ${apiUrl}/health
  curl -s -H 'x-api-key: ${apiKey}' ${apiUrl}/v1/connections/${demoConnectionId}/status
  curl -s -X POST '${apiUrl}/v1/inventory/push?force=1&forceWrite=1' \\
       -H 'x-api-key: ${apiKey}' -H 'content-type: application/json' \\
       -d '{"connectionId":"${demoConnectionId}","items":[{"barcode":"8696947006698","quantity":0,"salePrice":0,"listPrice":0}]}'
  curl -s -H 'x-api-key: ${apiKey}' ${apiUrl}/v1/pushes/<pushId>
  curl -s -H 'x-api-key: ${apiKey}' '${apiUrl}/v1/inventory/state?connectionId=${demoConnectionId}&barcode=8696947006698'
  ECI_API_URL=${apiUrl} ECI_API_KEY=${apiKey} npx eci push stock.csv --connection ${demoConnectionId} --watch

  status page       ${apiUrl}/   (type the API key)
  OpenAPI           ${apiUrl}/openapi.json

Writes to Trendyol: TRENDYOL_WRITE_ENABLED=${process.env.TRENDYOL_WRITE_ENABLED ?? 'false'}, forceWrite=1 allowed: ${process.env.TRENDYOL_FORCE_WRITE_ALLOWED ?? 'true'}.
Stop with Ctrl-C; data is kept for the next start.
`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping ECI…`);
    await stack.stop();
    console.log('stopped; data kept in', stack.dataDir);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  console.error('ECI failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
