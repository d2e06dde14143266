ALTER TABLE "inventory_intent" DROP CONSTRAINT "inventory_intent_connection_id_connections_id_fk";
--> statement-breakpoint
ALTER TABLE "inventory_intent" DROP CONSTRAINT "inventory_intent_job_id_jobs_id_fk";
--> statement-breakpoint
ALTER TABLE "inventory_item_history" DROP CONSTRAINT "inventory_item_history_connection_id_connections_id_fk";
--> statement-breakpoint
ALTER TABLE "price_send" DROP CONSTRAINT "price_send_connection_id_connections_id_fk";
