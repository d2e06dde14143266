import '../polyfills';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type LocalStack, startLocalStack } from '../runtime/local-stack';

/**
 * `npm run proof`: runs the seed's Sprint-10 scenario end to end and writes
 * proofs/<date>_<stage>_<scenario>/report.md. Against a running stack or a deployed stage:
 *   npm run proof -- --api https://…/prod --api-key KEY [--stage prod] [--connection-id ID]
 * Without --api it starts a local stack (fresh data dir under the proof folder) and stops it after.
 * Every value in the report comes from the run; the API key is never written.
 */
const { values: args } = parseArgs({
  options: {
    api: { type: 'string' },
    'api-key': { type: 'string' },
    stage: { type: 'string' },
    'connection-id': { type: 'string' },
    barcode: { type: 'string', default: '8696947006698' },
    scenario: { type: 'string', default: 'sprint10' },
    'timeout-seconds': { type: 'string', default: '120' },
  },
});

interface Exchange {
  status: number;
  statusText: string;
  headers: Headers;
  text: string;
  json: unknown;
}

const sections: string[] = [];
const fence = (body: string, lang = '') => `~~~${lang}\n${body}\n~~~`;
const section = (title: string, body: string) => sections.push(`## ${title}\n${body}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rawHttp(exchange: Exchange): string {
  const headers = [...exchange.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
  return `HTTP/1.1 ${exchange.status} ${exchange.statusText}\n${headers}\n\n${exchange.text}`;
}

async function main() {
  const timeoutMs = Number(args['timeout-seconds']) * 1000;
  const date = new Date().toISOString().slice(0, 10);
  let stack: LocalStack | undefined;
  let apiUrl = args.api?.replace(/\/+$/, '');
  let apiKey = args['api-key'];
  const stage = args.stage ?? (apiUrl ? (new URL(apiUrl).hostname.split('.')[0] ?? 'remote') : 'local');
  const dir = path.resolve('proofs', `${date}_${stage}_${args.scenario}`);
  mkdirSync(dir, { recursive: true });

  if (!apiUrl) {
    console.log('No --api given: starting a local stack for the proof…');
    stack = await startLocalStack({
      port: 0,
      simulatorPort: 0,
      // Engine data stays out of the proof folder: only the report and its payloads are kept.
      dataDir: mkdtempSync(path.join(tmpdir(), 'eci-proof-')),
      apiKey: `proof-${Date.now()}`,
    });
    apiUrl = stack.apiUrl;
    apiKey = stack.apiKey;
  }
  if (!apiKey) throw new Error('--api-key is required with --api');
  const key = apiKey;
  const base = apiUrl;

  const call = async (method: string, route: string, body?: unknown): Promise<Exchange> => {
    const response = await fetch(`${base}${route}`, {
      method,
      headers: { 'x-api-key': key, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      text,
      json,
    };
  };
  const expectStatus = (exchange: Exchange, allowed: number[], what: string) => {
    if (!allowed.includes(exchange.status))
      throw new Error(`${what}: HTTP ${exchange.status} ${exchange.text}`);
  };
  const pollJob = async (jobId: string) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = (await call('GET', `/v1/jobs/${jobId}`)).json as Record<string, unknown>;
      if (job.status === 'success' || job.status === 'failed' || Date.now() > deadline) return job;
      await sleep(500);
    }
  };

  try {
    section(
      '0) Infra',
      fence(
        stack
          ? [
              `local stack (npm start topology) in one process`,
              `api=${stack.apiUrl}`,
              `trendyol-simulator=${stack.simulator.url}`,
              `database=${stack.container.database.kind}`,
              `queue=${stack.queueUrl}`,
              `dlq=${stack.dlqUrl}`,
              `state-machine=synthesized from the CDK stack, run by aws-local-stepfunctions`,
            ].join('\n')
          : `api=${base}\nstage=${stage}`,
      ),
    );

    const health = await fetch(`${base}/health`);
    const healthText = await health.text();
    section(
      '1) API — GET /health',
      fence(
        rawHttp({
          status: health.status,
          statusText: health.statusText,
          headers: health.headers,
          text: healthText,
          json: null,
        }),
      ),
    );

    const list = await call('GET', '/v1/connections');
    expectStatus(list, [200], 'GET /v1/connections');
    section('2) API — GET /v1/connections', fence(list.text, 'json'));
    const connections = list.json as Array<{ id: string; name: string; status: string }>;
    const connectionId =
      args['connection-id'] ?? stack?.demoConnectionId ?? connections.find((c) => c.status === 'active')?.id;
    if (!connectionId) throw new Error('no active connection to use: pass --connection-id');
    section('2.1) Picked connectionId', fence(`connectionId=${connectionId}`));

    const status = await call('GET', `/v1/connections/${connectionId}/status`);
    section('3) API — GET /v1/connections/:id/status', fence(status.text, 'json'));

    const table = await call('GET', `/v1/inventory/state?connectionId=${connectionId}`);
    expectStatus(table, [200], 'GET /v1/inventory/state');
    const tableItems = (table.json as { items: unknown[] }).items.length;
    section(
      '3.1) DB — inventory_confirmed_state reachable',
      fence(
        `GET /v1/inventory/state?connectionId=${connectionId} → HTTP ${table.status}, ${tableItems} barcode(s) on the first page`,
      ),
    );

    const barcode = String(args.barcode);
    const before = await call('GET', `/v1/inventory/state?connectionId=${connectionId}&barcode=${barcode}`);
    section('4) Picked barcode — state before the push', fence(before.text, 'json'));

    const payload = {
      items: [{ listPrice: 0.0, quantity: 0, currencyType: 'TRY', barcode, salePrice: 0.0 }],
      connectionId,
    };
    const payloadPath = path.join(dir, 'eci_inventory_push.json');
    writeFileSync(payloadPath, JSON.stringify(payload, null, 2));
    section('5) Payload (file)', fence(`path=${payloadPath}\n${readFileSync(payloadPath, 'utf8')}`, 'json'));

    const push1 = await call('POST', '/v1/inventory/push?force=1&forceWrite=1', payload);
    expectStatus(push1, [200, 202], 'push #1');
    section('6) Push #1 — POST /v1/inventory/push?force=1&forceWrite=1', fence(rawHttp(push1)));
    const push1Body = push1.json as { jobId: string; bodyHash: string };
    section('6.1) jobId', fence(push1Body.jobId));
    section('6.2) bodyHash', fence(push1Body.bodyHash));

    const job = await pollJob(push1Body.jobId);
    section(
      '7) Job status+summary (polled)',
      fence(`attempts=${job.attempts}\nstatus=${job.status}\nsummary=${JSON.stringify(job.summary)}`),
    );
    const batchRequestId = String(job.batchRequestId ?? '');
    section('7.1) batchRequestId', fence(batchRequestId || '(none: the job did not reach Trendyol)'));

    let batchAttempts = 0;
    let batch: Exchange | undefined;
    if (batchRequestId) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        batchAttempts += 1;
        batch = await call('GET', `/v1/inventory/batch/${batchRequestId}`);
        const eci = (batch.json as { _eci?: { status?: string } } | null)?._eci;
        if (eci?.status !== 'PENDING' || Date.now() > deadline) break;
        await sleep(1000);
      }
    }
    if (batch) {
      section(
        `8) Poll — GET /v1/inventory/batch/:batchId (attempts=${batchAttempts})`,
        fence(rawHttp(batch)),
      );
      const items = ((batch.json as { items?: Array<{ status: string }> }).items ?? []).map((i) => i.status);
      const counts = new Map<string, number>();
      for (const s of items) counts.set(s, (counts.get(s) ?? 0) + 1);
      section(
        '8.0) Poll — status summary',
        fence([...counts.entries()].map(([s, n]) => `${s}:${n}`).join('\n') || '(no items yet)'),
      );
    }

    const after = await call('GET', `/v1/inventory/state?connectionId=${connectionId}&barcode=${barcode}`);
    const confirmed = (
      after.json as {
        items: Array<{
          confirmed: {
            quantity: number;
            salePrice: number;
            listPrice: number;
            batchRequestId: string;
            confirmedAt: string;
          } | null;
        }>;
      }
    ).items[0]?.confirmed;
    const row = confirmed
      ? `${barcode}|${confirmed.quantity}|${confirmed.salePrice}|${confirmed.listPrice}||${confirmed.batchRequestId}|${confirmed.confirmedAt}`
      : '(no confirmed row)';
    const matches =
      confirmed !== null &&
      confirmed !== undefined &&
      confirmed.quantity === 0 &&
      confirmed.salePrice === 0 &&
      confirmed.listPrice === 0;
    section(
      '8.1) DB — inventory_confirmed_state row',
      fence(`${row}\nequals pushed values (quantity 0, salePrice 0, listPrice 0): ${matches}`),
    );

    const push2 = await call('POST', '/v1/inventory/push?force=1&forceWrite=1', payload);
    section('9) Push #2 (same-body) — dedup proof', fence(rawHttp(push2)));
    const dedup = await call(
      'GET',
      `/v1/inventory/dedup?connectionId=${connectionId}&bodyHash=${push1Body.bodyHash}`,
    );
    const record = dedup.json as { jobId?: string; ttlSeconds?: number; expiresAt?: string };
    section(
      '9.1) Dedup record (DynamoDB, TTL = the 15-minute window)',
      fence(
        `key=dedup#${connectionId}#${push1Body.bodyHash}\nGET=${record.jobId ?? '(none)'}\nTTL=${record.ttlSeconds ?? '(none)'}\nexpiresAt=${record.expiresAt ?? '(none)'}`,
      ),
    );

    const chunkItems = Array.from({ length: 1001 }, (_, i) => ({
      barcode: `PROOF${String(i).padStart(6, '0')}`,
      quantity: i % 100,
      salePrice: 100 + (i % 7),
      listPrice: 120 + (i % 7),
    }));
    const chunkPath = path.join(dir, 'eci_inventory_chunk_1001.json');
    writeFileSync(chunkPath, JSON.stringify({ connectionId, items: chunkItems }));
    section(
      '10) Chunking payload (1001 items, dry-run)',
      fence(`path=${chunkPath}\nitems=${chunkItems.length}`),
    );
    const chunked = await call('POST', '/v1/inventory/push?dryRun=1', { connectionId, items: chunkItems });
    section('10.1) Chunking — POST /v1/inventory/push?dryRun=1', fence(rawHttp(chunked)));
    for (const chunkJob of (chunked.json as { jobs: Array<{ jobId: string }> }).jobs) {
      const done = await pollJob(chunkJob.jobId);
      section(
        `10.2) Chunk job status+summary (jobId=${chunkJob.jobId}, attempts=${done.attempts})`,
        fence(`status=${done.status}\nsummary=${JSON.stringify(done.summary)}`),
      );
    }

    if (stack?.logFile) {
      const lines = readFileSync(stack.logFile, 'utf8')
        .split('\n')
        .filter((line) => line.includes(push1Body.jobId));
      section(
        '11) Worker excerpt (jobId context)',
        fence(
          lines.length > 0
            ? lines.join('\n')
            : `No lines found for jobId=${push1Body.jobId} in ${stack.logFile}`,
        ),
      );
    } else {
      section(
        '11) Worker excerpt (jobId context)',
        fence(
          `CloudWatch Logs Insights (log groups of the push-consumer and poll-batch functions):\n` +
            `fields @timestamp, message, outcome, batchRequestId | filter jobId = '${push1Body.jobId}' | sort @timestamp`,
        ),
      );
    }

    section(
      'Done',
      [
        `- proof: ${path.join(dir, 'report.md')}`,
        `- connectionId: ${connectionId}`,
        `- jobId: ${push1Body.jobId}`,
        `- batchRequestId: ${batchRequestId}`,
      ].join('\n'),
    );
  } finally {
    await stack?.stop();
  }

  const report = `# ECI — Proof Pack (${args.scenario}, stage ${stage})\n> Generated by \`npm run proof\` on ${new Date().toISOString()}\n\n${sections.join('\n')}`;
  // The API key is never part of the report, whatever a response echoed.
  const safe = report.split(key).join('[redacted]');
  writeFileSync(path.join(dir, 'report.md'), safe);
  console.log(`proof written: ${path.join(dir, 'report.md')}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error('proof failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
