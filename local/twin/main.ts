import '../polyfills';
import { startBanner } from '../banner';
import { startTwin } from './twin';

/**
 * `npm run twin`: the synthesized dev stage with every function running from its bundle on local
 * AWS endpoints. Same configuration as `npm start`: PORT, SIM_PORT, ECI_API_KEY, ECI_DATA_DIR,
 * DATABASE_URL, TRENDYOL_WRITE_ENABLED, TRENDYOL_FORCE_WRITE_ALLOWED. Always the dev stage (see startTwin).
 */
async function main() {
  const templateEnvOverrides: Record<string, string> = {};
  for (const key of ['TRENDYOL_WRITE_ENABLED', 'TRENDYOL_FORCE_WRITE_ALLOWED']) {
    const value = process.env[key];
    if (value !== undefined) templateEnvOverrides[key] = value;
  }
  const twin = await startTwin({
    port: Number(process.env.PORT ?? 3000),
    simulatorPort: Number(process.env.SIM_PORT ?? 4010),
    dataDir: process.env.ECI_DATA_DIR || '.eci',
    ...(process.env.ECI_API_KEY && { apiKey: process.env.ECI_API_KEY }),
    ...(process.env.DATABASE_URL && { databaseUrl: process.env.DATABASE_URL }),
    templateEnvOverrides,
  });
  console.log(
    startBanner({
      title: `ECI twin is up: ${twin.functions.size} functions from their bundles (${[...twin.functions.keys()].join(', ')}).`,
      apiUrl: twin.apiUrl,
      apiKey: twin.apiKey,
      simulatorUrl: twin.simulator.url,
      dataDir: twin.dataDir,
      logFile: twin.logDir,
      demoConnectionId: twin.demoConnectionId,
      resumed: twin.resumed,
    }),
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the ECI twin…`);
    await twin.stop();
    console.log('stopped; data kept in', twin.dataDir);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  console.error('the ECI twin failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
