-- The push's write path: every push of n items writes n intents and n `pushed` history rows in one
-- statement, so each index on those rows costs a 50,000-item push ~170 ms (PGlite).
--
-- History ids stay unique through their identity sequence; only the index on them goes. Nothing looks
-- a row up by id alone: timelines page by (connection_id, barcode, id) and a job's rows are found by
-- job id, both indexed. (The constraint is 0000_init's inline primary key, named by PostgreSQL's
-- default; the identity column stays NOT NULL.)
ALTER TABLE "inventory_item_history" DROP CONSTRAINT "inventory_item_history_pkey";--> statement-breakpoint
-- `pushed` rows leave the unique (job_id, event, barcode) index: only the push's own statement writes
-- them, once per barcode of a job created in the same transaction, so nothing can repeat them. Later
-- events (sent, confirmed, failed, held, ...) stay unique there, which their ON CONFLICT DO NOTHING
-- relies on. A job's `pushed` rows, which those later events copy, are found by a narrow index on the
-- job id alone (one key shared by the job's ~1,000 rows, deduplicated by the B-tree).
DROP INDEX "inventory_item_history_job_event_barcode_uq";--> statement-breakpoint
CREATE UNIQUE INDEX "inventory_item_history_job_event_barcode_uq" ON "inventory_item_history" USING btree ("job_id","event","barcode") WHERE "inventory_item_history"."event" <> 'pushed';--> statement-breakpoint
CREATE INDEX "inventory_item_history_pushed_job_idx" ON "inventory_item_history" USING btree ("job_id") WHERE "inventory_item_history"."event" = 'pushed';--> statement-breakpoint
-- A job's intents are found by primary key from the job's items (markSent, finish), so the index on
-- their job id, one entry per item of every push, goes.
DROP INDEX "inventory_intent_job_idx";--> statement-breakpoint
-- A job's body and items (~70 KB each per 1,000-item chunk) are stored out of line uncompressed:
-- compressing them was ~70 ms of a 50,000-item push (PGlite), and the consumer reads the body back in
-- slices (substr), which on an uncompressed value fetches only the slice's TOAST chunks instead of
-- decompressing the whole value. The cost is storage: the JSON is no longer compressed (~3-4x).
ALTER TABLE "jobs" ALTER COLUMN "body" SET STORAGE EXTERNAL;--> statement-breakpoint
ALTER TABLE "jobs" ALTER COLUMN "items" SET STORAGE EXTERNAL;
