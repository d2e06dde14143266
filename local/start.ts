import './polyfills';
import { startBanner } from './banner';
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
  console.log(
    startBanner({
      title: 'ECI local stack is up.',
      apiUrl,
      apiKey,
      simulatorUrl: stack.simulator.url,
      dataDir: stack.dataDir,
      logFile: stack.logFile,
      demoConnectionId,
      resumed: stack.resumed,
    }),
  );
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
