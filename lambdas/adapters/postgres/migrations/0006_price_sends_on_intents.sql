ALTER TABLE "inventory_intent" ADD COLUMN "price_sent_at" jsonb;--> statement-breakpoint
-- The recent price sends move onto the intents before their table goes, so the per-barcode budget
-- keeps counting the sends of the last minute. Every barcode with a price send has an intent (both
-- are written only by pushes that really write).
UPDATE "inventory_intent" AS i SET "price_sent_at" = p."sent_at"
FROM "price_send" AS p
WHERE p."connection_id" = i."connection_id" AND p."barcode" = i."barcode";--> statement-breakpoint
DROP TABLE "price_send" CASCADE;
