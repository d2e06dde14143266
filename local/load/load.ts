import { type LocalStack, startLocalStack } from '../runtime/local-stack';

export interface LoadOptions {
  /** Concurrent clients, each with its own connection and simulator seller. @default 20 */
  clients: number;
  /** How long the clients push, in s. @default 60 */
  seconds: number;
  /** Least time between two pushes of one client, in ms. @default 250 */
  intervalMs: number;
  /** Barcodes per push (each client has its own). @default 3 */
  barcodesPerClient: number;
  /** Longest wait for quiescence after the last push, in s. @default 600 */
  settleSeconds: number;
  /** Progress lines; silent when absent. */
  log?: (line: string) => void;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

/**
 * Runs the load against a fresh in-memory local stack (writes enabled, towards its simulator) and
 * returns the figures; the stack is stopped afterwards. `ok` is true when no push answered 5xx (or
 * failed on the network), every job is terminal and every barcode holds the last value pushed.
 */
export async function runLoad(options: LoadOptions) {
  const { clients, seconds, intervalMs, barcodesPerClient } = options;
  const log = options.log ?? (() => undefined);
  const stack: LocalStack = await startLocalStack({
    port: 0,
    simulatorPort: 0,
    inMemory: true,
    writeEnabled: true,
    simulatorProcessingDelayMs: 0,
    waitOverridesMs: { PollBatch: 0 },
    releaseIntervalMs: 1000,
  });
  const headers = { 'x-api-key': stack.apiKey, 'content-type': 'application/json' };
  const post = async (route: string, body: unknown) => {
    const started = performance.now();
    const response = await fetch(`${stack.apiUrl}${route}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    return { status: response.status, json, ms: performance.now() - started };
  };

  try {
    const sellers = Array.from({ length: clients }, (_, i) => ({
      sellerId: 300_000 + i,
      apiKey: `load-key-${i}`,
      apiSecret: `load-secret-${i}`,
    }));
    const connectionIds: string[] = [];
    for (const seller of sellers) {
      stack.simulator.addSeller({ ...seller, approvedBarcodes: 'any' });
      const created = await post('/v1/connections', {
        type: 'trendyol',
        name: `Load ${seller.sellerId}`,
        baseUrl: stack.simulator.url,
        ...seller,
      });
      if (created.status !== 201) throw new Error(`connection not created: ${JSON.stringify(created.json)}`);
      connectionIds.push(String(created.json.id));
    }

    const latencies: number[] = [];
    const byStatus: Record<string, number> = {};
    const jobIds: string[] = [];
    const lastPushed = new Map<string, { sellerId: number; quantity: number }>();
    const deadline = Date.now() + seconds * 1000;
    console.log(
      `${clients} clients pushing for ${seconds} s (one push per client every ≥ ${intervalMs} ms)…`,
    );

    await Promise.all(
      connectionIds.map(async (connectionId, c) => {
        let quantity = 0;
        while (Date.now() < deadline) {
          const started = Date.now();
          quantity = (quantity % 20_000) + 1;
          const items = Array.from({ length: barcodesPerClient }, (_, b) => ({
            barcode: `LOAD-${c}-${b}`,
            quantity,
          }));
          try {
            const res = await post('/v1/inventory/push', { connectionId, items });
            latencies.push(res.ms);
            byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
            if (res.status === 202) {
              for (const job of (res.json.jobs as Array<{ jobId: string }>) ?? []) jobIds.push(job.jobId);
              for (const item of items) {
                lastPushed.set(item.barcode, { sellerId: sellers[c]?.sellerId ?? 0, quantity });
              }
            }
          } catch (error) {
            byStatus.network = (byStatus.network ?? 0) + 1;
            log(`push failed: ${String(error)}`);
          }
          const rest = intervalMs - (Date.now() - started);
          if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
        }
      }),
    );
    const pushDone = Date.now();
    log(`pushes done (${latencies.length}); waiting for quiescence…`);
    await stack.settle(options.settleSeconds * 1000);
    const settleMs = Date.now() - pushDone;

    const statuses: Record<string, number> = {};
    for (const id of jobIds) {
      const job = await stack.container.jobs.get(id);
      const status = job?.status ?? 'missing';
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
    const nonTerminal = jobIds.length - (statuses.success ?? 0) - (statuses.failed ?? 0);
    const mismatches: Array<{ barcode: string; pushed: number; live: number | null }> = [];
    for (const [barcode, { sellerId, quantity }] of lastPushed) {
      const live = stack.simulator.liveValue(sellerId, barcode)?.quantity ?? null;
      if (live !== quantity) mismatches.push({ barcode, pushed: quantity, live });
    }

    const sorted = [...latencies].sort((a, b) => a - b);
    const round = (n: number) => Math.round(n * 10) / 10;
    const result = {
      measuredAt: new Date().toISOString(),
      clients,
      seconds,
      intervalMs,
      barcodesPerClient,
      pushes: latencies.length,
      pushesPerSecond: round(latencies.length / seconds),
      answersByStatus: byStatus,
      serverErrors: Object.entries(byStatus)
        .filter(([status]) => status.startsWith('5') || status === 'network')
        .reduce((sum, [, n]) => sum + n, 0),
      latencyMs: {
        p50: round(percentile(sorted, 50)),
        p95: round(percentile(sorted, 95)),
        p99: round(percentile(sorted, 99)),
        max: round(sorted.at(-1) ?? 0),
      },
      quiescenceMs: settleMs,
      jobs: jobIds.length,
      jobsByStatus: statuses,
      nonTerminalJobs: nonTerminal,
      barcodes: lastPushed.size,
      barcodesNotAtLastValue: mismatches.length,
      mismatchSample: mismatches.slice(0, 10),
      trendyolUpdateRequests: stack.simulator.requests.filter((r) => r.path.includes('price-and-inventory'))
        .length,
    };
    const ok = result.serverErrors === 0 && nonTerminal === 0 && mismatches.length === 0;
    return { ...result, ok };
  } finally {
    await stack.stop();
  }
}
