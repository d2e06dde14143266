import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { SingleBar } from 'cli-progress';
import { Command, CommanderError, Option } from 'commander';
import { ApiError, createClient, type EciClient } from './api-client';
import { type CliItem, InputFileError, parseItemsFile } from './read-items';

/**
 * `eci`: push files and follow them, read a connection's status and a barcode's state, start a catalog
 * sync and approve held items — over ECI's HTTP API (ECI_API_URL, ECI_API_KEY or --api-url/--api-key).
 *
 * Exit codes: 0 all good; 1 something failed (an item refused by Trendyol, a failed chunk, an API
 * error); 2 bad usage or a bad input file (nothing was sent).
 */

/** The push route takes at most this many items per request (DESIGN.md); larger files are split. */
export const MAX_ITEMS_PER_PUSH = 50_000;

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
  /** Between two polls of --watch (ms). */
  pollIntervalMs?: number;
}

interface PushAnswer {
  pushId: string;
  chunkCount: number;
  changedCount: number;
  skippedCount: number;
  dedupCount: number;
  scheduledCount: number;
  enqueuedCount: number;
  writeEnabled: boolean;
  note?: string;
}

/** GET /v1/pushes/:pushId (see lambdas/use-cases/pushes.ts). */
export interface PushView {
  pushId: string;
  done: boolean;
  chunkCount: number;
  counts: Record<string, number>;
  items: {
    total: number;
    confirmed: number;
    failed: number;
    scheduled: number;
    held: number;
    notSent?: number;
    pending: number;
  };
  failedItems: Array<{ barcode: string; failureReasons: string[] }>;
}

const FINAL_STATES = ['confirmed', 'partial', 'failed', 'unconfirmed', 'notSent'];

/** Chunks that will not move before the push's scheduled ones are released (watch stops there). */
function settledChunks(view: PushView): number {
  return FINAL_STATES.reduce((sum, s) => sum + (view.counts[s] ?? 0), 0);
}

class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

function line(stream: Writable, text = '') {
  stream.write(`${text}\n`);
}

function printSummary(out: Writable, views: PushView[]) {
  const sum = (f: (v: PushView) => number) => views.reduce((a, v) => a + f(v), 0);
  line(out, 'Summary');
  line(out, `  items      ${sum((v) => v.items.total)}`);
  line(out, `  confirmed  ${sum((v) => v.items.confirmed)}`);
  line(out, `  failed     ${sum((v) => v.items.failed)}`);
  line(out, `  held       ${sum((v) => v.items.held)}`);
  line(out, `  scheduled  ${sum((v) => v.items.scheduled)}`);
  line(out, `  not sent   ${sum((v) => v.items.notSent ?? 0)}   (dry run, or writes off: see --force-write)`);
  line(out, `  pending    ${sum((v) => v.items.pending)}`);
  const failed = views.flatMap((v) => v.failedItems);
  if (failed.length > 0) {
    line(out, 'Failed items');
    for (const item of failed) line(out, `  ${item.barcode}: ${item.failureReasons.join('; ')}`);
  }
  for (const v of views) line(out, `push ${v.pushId}: GET /v1/pushes/${v.pushId}`);
}

async function watchPushes(
  client: EciClient,
  io: CliIo,
  pushIds: string[],
  totalChunks: number,
  timeoutMs: number,
): Promise<PushView[]> {
  const bar = new SingleBar({
    format: 'chunks {bar} {value}/{total} settled | confirmed {confirmed} failed {failed} items',
    stream: io.stderr as NodeJS.WritableStream,
    hideCursor: true,
    // Piped or logged (CI): a progress line every 2 s instead of redrawing one.
    noTTYOutput: true,
    notTTYSchedule: 2_000,
  });
  bar.start(totalChunks, 0, { confirmed: 0, failed: 0 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const views: PushView[] = [];
      for (const id of pushIds)
        views.push(await client.get<PushView>(`/v1/pushes/${encodeURIComponent(id)}`));
      const settled = views.reduce((a, v) => a + settledChunks(v), 0);
      const waiting = views.reduce((a, v) => a + (v.counts.scheduled ?? 0), 0);
      bar.update(settled, {
        confirmed: views.reduce((a, v) => a + v.items.confirmed, 0),
        failed: views.reduce((a, v) => a + v.items.failed, 0),
      });
      // Scheduled chunks wait out Trendyol's 15-minute window: reported, not waited for.
      if (settled + waiting >= totalChunks) return views;
      if (Date.now() > deadline) {
        throw new CliFailure(`gave up watching after ${Math.round(timeoutMs / 1000)} s; the push goes on`, 1);
      }
      await new Promise((r) => setTimeout(r, io.pollIntervalMs ?? 500));
    }
  } finally {
    bar.stop();
  }
}

async function push(
  clientOf: () => EciClient,
  io: CliIo,
  file: string,
  options: {
    connection: string;
    dryRun?: boolean;
    force?: boolean;
    forceWrite?: boolean;
    watch?: boolean;
    timeout: string;
  },
): Promise<number> {
  let items: CliItem[];
  try {
    items = parseItemsFile(file, readFileSync(file, 'utf8'));
  } catch (error) {
    if (error instanceof InputFileError) throw new CliFailure(`${file}: ${error.message}`, 2);
    throw new CliFailure(`${file}: ${(error as Error).message}`, 2);
  }
  const client = clientOf();
  const query = [
    options.dryRun && 'dryRun=1',
    options.force && 'force=1',
    options.forceWrite && 'forceWrite=1',
  ]
    .filter(Boolean)
    .join('&');
  const answers: PushAnswer[] = [];
  for (let start = 0; start < items.length; start += MAX_ITEMS_PER_PUSH) {
    const part = items.slice(start, start + MAX_ITEMS_PER_PUSH);
    const answer = await client.post<PushAnswer>(`/v1/inventory/push${query ? `?${query}` : ''}`, {
      connectionId: options.connection,
      items: part,
    });
    answers.push(answer);
    line(
      io.stdout,
      `push ${answer.pushId}: ${part.length} items, ${answer.changedCount} changed, ${answer.skippedCount} unchanged, ` +
        `${answer.chunkCount} chunks (${answer.enqueuedCount} queued, ${answer.scheduledCount} scheduled, ` +
        `${answer.dedupCount} duplicate)${answer.note ? ` — ${answer.note}` : ''}`,
    );
  }
  if (!options.watch) return 0;
  const pushIds = answers.filter((a) => a.chunkCount > 0).map((a) => a.pushId);
  const totalChunks = answers.reduce((a, p) => a + p.chunkCount - p.dedupCount, 0);
  if (pushIds.length === 0 || totalChunks === 0) {
    line(io.stdout, 'nothing to follow: every item was unchanged or a duplicate');
    return 0;
  }
  const views = await watchPushes(client, io, pushIds, totalChunks, Number(options.timeout) * 1000);
  printSummary(io.stdout, views);
  const anyFailed = views.some((v) => v.items.failed > 0 || (v.counts.unconfirmed ?? 0) > 0);
  return anyFailed ? 1 : 0;
}

function printJson(io: CliIo, data: unknown) {
  line(io.stdout, JSON.stringify(data, null, 2));
}

/** Runs `eci` with `argv` (without node and the script); resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = new Command('eci')
    .description("ECI's command line: push prices and stock to Trendyol and follow them")
    .addOption(new Option('--api-url <url>', "ECI's API base URL").env('ECI_API_URL'))
    .addOption(new Option('--api-key <key>', 'the x-api-key').env('ECI_API_KEY'))
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  // commander reads .env() from process.env; the io's env wins so tests and callers can pass their own.
  for (const [name, value] of Object.entries(io.env)) {
    if ((name === 'ECI_API_URL' || name === 'ECI_API_KEY') && value !== undefined) process.env[name] = value;
  }
  const client = (): EciClient => {
    const { apiUrl, apiKey } = program.opts<{ apiUrl?: string; apiKey?: string }>();
    if (!apiUrl) throw new CliFailure('set ECI_API_URL or --api-url (e.g. http://localhost:3000)', 2);
    if (!apiKey) throw new CliFailure('set ECI_API_KEY or --api-key', 2);
    return createClient(apiUrl, apiKey);
  };
  const enc = encodeURIComponent;

  program
    .command('push')
    .description('push a CSV (barcode,quantity,salePrice,listPrice) or JSON file of items')
    .argument('<file>', '.csv or .json')
    .requiredOption('--connection <id>', 'connection id')
    .option('--dry-run', 'go through every step without sending to Trendyol')
    .option('--force', 'send unchanged values too')
    .option(
      '--force-write',
      'write to Trendyol on a stage whose writes are off (forceWrite=1, where allowed)',
    )
    .option('--watch', 'follow the push to the end and print a summary')
    .option('--timeout <seconds>', 'give up watching after this long', '900')
    .action(async (file: string, options) => {
      exitCode = await push(client, io, file, options);
    });

  program
    .command('status')
    .description('connections, or one connection with its last job and state')
    .argument('[connection]')
    .action(async (connection?: string) => {
      const api = client();
      printJson(
        io,
        await api.get(connection ? `/v1/connections/${enc(connection)}/status` : '/v1/connections'),
      );
    });

  program
    .command('state')
    .description("a barcode's confirmed value, the value in flight and its history")
    .argument('<connection>')
    .argument('<barcode>')
    .action(async (connection: string, barcode: string) => {
      printJson(
        io,
        await client().get(`/v1/inventory/state?connectionId=${enc(connection)}&barcode=${enc(barcode)}`),
      );
    });

  program
    .command('sync')
    .description("sync a connection's catalog now: what differs from Trendyol's values is pushed")
    .argument('<connection>')
    .action(async (connection: string) => {
      // The route takes no body (its only option, dryRun, is a query flag).
      printJson(io, await client().post(`/v1/connections/${enc(connection)}/sync`, undefined));
    });

  program
    .command('held')
    .description('items held back for approval')
    .command('approve')
    .description('approve held items so they are sent')
    .argument('<connection>')
    .argument('<barcodes...>')
    .action(async (connection: string, barcodes: string[]) => {
      printJson(
        io,
        await client().post('/v1/inventory/held/approve', { connectionId: connection, barcodes }),
      );
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof CliFailure) {
      line(io.stderr, `eci: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof ApiError) {
      line(io.stderr, `eci: ${error.status} ${error.code}: ${error.message}`);
      for (const d of error.details) line(io.stderr, `  ${JSON.stringify(d)}`);
      return 1;
    }
    line(io.stderr, `eci: ${(error as Error).message}`);
    return 1;
  }
}
