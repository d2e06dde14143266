-- A push no longer writes a `pushed` history row per item: that row and its two index entries were
-- about a third of a 50,000-item push (PGlite). A job's items already hold what the row held, so a
-- timeline reads a job's `pushed` entry from them, placed at the job's seq. For that, history ids
-- and job seqs become one order: history ids are drawn from job_seq from now on.
--
-- Which jobs' items are `pushed` entries: those whose values became intents (not dry runs, not pushes
-- whose writes were gated off). Rows written before this migration keep their `pushed` rows; a job
-- that has none recorded nothing (dry run, gated), which is what the backfill below says.
ALTER TABLE "jobs" ADD COLUMN "records_intent" boolean DEFAULT true NOT NULL;--> statement-breakpoint
-- What a push's upsert replaced, read from the row version it locked (see the schema's comment): a
-- push that waited for a concurrent one records that push's value as superseded, which its snapshot
-- cannot show it.
ALTER TABLE "inventory_intent" ADD COLUMN "replaced" jsonb;--> statement-breakpoint
UPDATE "jobs" SET "records_intent" = false
WHERE NOT EXISTS (
  SELECT 1 FROM "inventory_item_history" h WHERE h."job_id" = "jobs"."id" AND h."event" = 'pushed'
);--> statement-breakpoint
-- The `pushed` rows still written (the ones above, a push that lost a race to a newer one, a scheduled
-- job narrowed before release) are probed per job and barcode, so a timeline never shows one twice.
-- IF NOT EXISTS: on a large history an operator builds it CONCURRENTLY by hand, under this name, first.
CREATE INDEX IF NOT EXISTS "inventory_item_history_pushed_job_barcode_idx" ON "inventory_item_history" USING btree ("job_id","barcode") WHERE "inventory_item_history"."event" = 'pushed';--> statement-breakpoint
DROP INDEX "inventory_item_history_pushed_job_idx";--> statement-breakpoint
ALTER TABLE "inventory_item_history" ALTER COLUMN "id" DROP IDENTITY;--> statement-breakpoint
ALTER TABLE "inventory_item_history" ALTER COLUMN "id" SET DEFAULT nextval('job_seq');--> statement-breakpoint
-- Every later id and seq after every earlier one: job_seq moves past the highest history id (a fresh
-- database, with no history, keeps job_seq where it is, so its first job is still seq 1).
SELECT setval('job_seq', m.id)
FROM (SELECT max("id") AS id FROM "inventory_item_history") m, job_seq s
WHERE m.id IS NOT NULL AND m.id > (CASE WHEN s.is_called THEN s.last_value ELSE s.last_value - 1 END);
