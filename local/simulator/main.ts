import { createOffsetClock } from './clock';
import { createTrendyolSimulator } from './simulator';

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer, got ${raw}`);
  return value;
}

async function main(): Promise<void> {
  const port = intFromEnv('SIM_PORT', 4010);
  const sellerId = intFromEnv('SIM_SELLER_ID', 100001);
  const apiKey = process.env.SIM_API_KEY ?? 'demo-key';
  const apiSecret = process.env.SIM_API_SECRET ?? 'demo-secret';
  // An offset clock, so an out-of-process client can jump past the 15-minute and 4-hour windows.
  const sim = await createTrendyolSimulator({
    port,
    clock: createOffsetClock(),
    sellers: [{ sellerId, apiKey, apiSecret, approvedBarcodes: 'any' }],
  });
  const auth = Buffer.from(`${apiKey}:${apiSecret}`).toString('base64');
  console.log(`Trendyol simulator listening, base URL: ${sim.url}`);
  console.log(`Demo seller ${sellerId} (apiKey ${apiKey}), every well-formed barcode is approved.`);
  console.log('Try:');
  console.log(
    `  curl -s -X POST ${sim.url}/inventory/sellers/${sellerId}/products/price-and-inventory \\\n` +
      `    -H 'Authorization: Basic ${auth}' -H 'User-Agent: ${sellerId} - SelfIntegration' \\\n` +
      `    -H 'Content-Type: application/json' -d '{"items":[{"barcode":"DEMO1","quantity":5,"salePrice":10.5,"listPrice":12}]}'`,
  );
  console.log(`Inspection: GET ${sim.origin}/__sim/requests, GET ${sim.origin}/__sim/live/${sellerId}/DEMO1`);
  console.log(
    `Faults: POST ${sim.origin}/__sim/faults {"kind":"status","status":503}; see local/simulator/README.md`,
  );

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, stopping the simulator`);
    sim
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error(error);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
