import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresConnectionRepository } from '../../../lambdas/adapters/postgres/connection-repository';
import { defaultMigrationsFolder } from '../../../lambdas/adapters/postgres/database';
import { PostgresInventoryRepository } from '../../../lambdas/adapters/postgres/inventory-repository';
import { PostgresJobRepository } from '../../../lambdas/adapters/postgres/job-repository';
import { PostgresPushReadRepository } from '../../../lambdas/adapters/postgres/push-read-repository';
import { schema } from '../../../lambdas/adapters/postgres/schema';
import { at, newConnection, pagedTimeline, pushJob, T0 } from './fixtures';

/** The migrations folder as it stood before migration `tag` (its files and journal entries cut there). */
function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'eci-migrations-'));
  cpSync(defaultMigrationsFolder(), dir, { recursive: true });
  const journalPath = path.join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
  const cut = journal.entries.findIndex((entry) => entry.tag === tag);
  if (cut < 0) throw new Error(`no migration ${tag}`);
  journal.entries = journal.entries.slice(0, cut);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

// Data written by the code before migration 0008 (a `pushed` history row per item, identity ids),
// then the migration: nothing shown twice or lost, and every new id after every old one.
describe('migration 0008 (pushed entries read from the jobs)', () => {
  const client = new PGlite();
  const db = drizzle({ client, schema });
  let before: string;

  beforeAll(async () => {
    before = migrationsBefore('0008_pushed_entries_from_jobs');
    await migrate(db, { migrationsFolder: before });
    await new PostgresConnectionRepository(db).create(newConnection('conn-1'), T0);
    const job = (id: string, barcodes: string[], status = 'success') => {
      const items = JSON.stringify(barcodes.map((barcode) => ({ barcode, quantity: 1 })));
      return sql`INSERT INTO jobs (id, type, status, attempts, connection_id, push_id, chunk_index, item_count,
                   body_hash, body, items, options, created_at, updated_at)
                 VALUES (${id}, 'TRENDYOL_PUSH_PRICE_STOCK', ${status}, 1, 'conn-1', ${`push-${id}`}, 0,
                   ${barcodes.length}, 'h', '{}', ${items}::jsonb, '{}'::jsonb, ${T0.toISOString()},
                   ${T0.toISOString()})`;
    };
    const history = (event: string, jobId: string, barcode: string) =>
      sql`INSERT INTO inventory_item_history (connection_id, barcode, event, job_id, quantity, at)
          VALUES ('conn-1', ${barcode}, ${event}, ${jobId}, 1, ${T0.toISOString()})`;
    // Old history ids run ahead of the job seqs (a push wrote one row per item), as they do in use.
    for (let i = 0; i < 5; i += 1) await db.execute(history('held', `push-${i}`, 'Z'));
    await db.execute(job('job-old', ['A', 'B']));
    await db.execute(job('job-dry', ['C']));
    await db.execute(history('pushed', 'job-old', 'A'));
    await db.execute(history('pushed', 'job-old', 'B'));
    await db.execute(history('sent', 'job-old', 'A'));
    await db.execute(sql`INSERT INTO inventory_intent (connection_id, barcode, quantity, status, job_id, seq,
                           accepted_at, updated_at)
                         VALUES ('conn-1', 'A', 1, 'sent', 'job-old', 1, ${T0.toISOString()}, ${T0.toISOString()})`);
    // A scheduled revert waiting at the upgrade, whose S2 a later push took over.
    await db.execute(job('job-s', ['S1', 'S2'], 'scheduled'));
    await db.execute(history('pushed', 'job-s', 'S1'));
    await db.execute(history('pushed', 'job-s', 'S2'));
    await db.execute(job('job-x', ['S2']));
    await db.execute(history('superseded', 'job-s', 'S2'));
    await db.execute(history('pushed', 'job-x', 'S2'));
    await migrate(db, { migrationsFolder: defaultMigrationsFolder() });
  });

  afterAll(async () => {
    await client.close();
    rmSync(before, { recursive: true, force: true });
  });

  it('marks only the jobs that wrote pushed rows as having recorded intents', async () => {
    const rows = await db.execute(sql`SELECT id, records_intent FROM jobs ORDER BY id`);
    expect(rows.rows).toEqual([
      { id: 'job-dry', records_intent: false },
      { id: 'job-old', records_intent: true },
      { id: 'job-s', records_intent: true },
      { id: 'job-x', records_intent: true },
    ]);
  });

  it('releases a scheduled job from before the upgrade narrowed without showing its push twice', async () => {
    const reads = new PostgresPushReadRepository(db);
    const story = async () =>
      (await reads.timeline('conn-1', 'S2', null, 50)).map((e) => [e.event, e.jobId, e.id]);
    const before = await story();
    expect(before.map(([event, jobId]) => [event, jobId])).toEqual([
      ['pushed', 'job-s'],
      ['superseded', 'job-s'],
      ['pushed', 'job-x'],
    ]);
    await new PostgresJobRepository(db).releaseScheduled(
      'job-s',
      { items: [{ barcode: 'S1', quantity: 1 }], body: '{}', bodyHash: 'h2' },
      at(2000),
    );
    expect(await story()).toEqual(before);
    // Paged one entry at a time, the story is the same: no id is shared, none skipped.
    const paged = await pagedTimeline(reads, 'conn-1', 'S2', 1);
    expect(paged.map((e) => [e.event, e.jobId, e.id])).toEqual(before);
  });

  it('shows an old push once, and a new push after everything written before', async () => {
    const reads = new PostgresPushReadRepository(db);
    const story = async () =>
      (await reads.timeline('conn-1', 'A', null, 50)).map((e) => [e.event, e.jobId, e.id]);
    expect(await story()).toEqual([
      ['pushed', 'job-old', 6],
      ['sent', 'job-old', 8],
    ]);
    const [created] = await new PostgresJobRepository(db).createPushJobs(
      [pushJob('job-new', [{ barcode: 'A', quantity: 2 }])],
      at(1000),
    );
    // job_seq moved past the highest history id (12): the new job and its events follow the old ones.
    expect(created?.seq).toBe(13);
    expect(await story()).toEqual([
      ['pushed', 'job-old', 6],
      ['sent', 'job-old', 8],
      ['pushed', 'job-new', 13],
      ['superseded', 'job-old', 14],
    ]);
    const [b] = await new PostgresInventoryRepository(db).getBarcodeStates('conn-1', ['B'], 10);
    expect(b?.history.map((h) => [h.event, h.jobId])).toEqual([['pushed', 'job-old']]);
  });
});
