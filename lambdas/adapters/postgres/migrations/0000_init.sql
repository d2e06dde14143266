CREATE SEQUENCE "public"."job_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "connection_state" (
	"connection_id" text PRIMARY KEY NOT NULL,
	"last_attempt_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_status" text DEFAULT 'IDLE' NOT NULL,
	"last_job_id" text,
	"last_error" text,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "connections" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"name" text NOT NULL,
	"seller_id" bigint NOT NULL,
	"base_url" text NOT NULL,
	"integrator_name" text,
	"secret_ref" text NOT NULL,
	"status" text NOT NULL,
	"write_rate_limit_per_minute" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inventory_confirmed_state" (
	"connection_id" text NOT NULL,
	"barcode" text NOT NULL,
	"quantity" integer,
	"sale_price" numeric(12, 2),
	"list_price" numeric(12, 2),
	"batch_request_id" text NOT NULL,
	"confirmed_at" timestamp with time zone NOT NULL,
	"quantity_seq" bigint,
	"price_seq" bigint,
	CONSTRAINT "inventory_confirmed_state_connection_id_barcode_pk" PRIMARY KEY("connection_id","barcode")
);
--> statement-breakpoint
CREATE TABLE "inventory_intent" (
	"connection_id" text NOT NULL,
	"barcode" text NOT NULL,
	"quantity" integer,
	"sale_price" numeric(12, 2),
	"list_price" numeric(12, 2),
	"status" text NOT NULL,
	"job_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"accepted_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "inventory_intent_connection_id_barcode_pk" PRIMARY KEY("connection_id","barcode")
);
--> statement-breakpoint
CREATE TABLE "inventory_item_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "inventory_item_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"connection_id" text NOT NULL,
	"barcode" text NOT NULL,
	"event" text NOT NULL,
	"job_id" text NOT NULL,
	"batch_request_id" text,
	"quantity" integer,
	"sale_price" numeric(12, 2),
	"list_price" numeric(12, 2),
	"failure_reasons" jsonb,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"connection_id" text NOT NULL,
	"push_id" text NOT NULL,
	"chunk_index" integer NOT NULL,
	"item_count" integer NOT NULL,
	"body_hash" text NOT NULL,
	"body" text NOT NULL,
	"items" jsonb NOT NULL,
	"options" jsonb NOT NULL,
	"seq" bigint DEFAULT nextval('job_seq') NOT NULL,
	"batch_request_id" text,
	"summary" jsonb,
	"error" jsonb,
	"not_before" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "connection_state" ADD CONSTRAINT "connection_state_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_confirmed_state" ADD CONSTRAINT "inventory_confirmed_state_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_intent" ADD CONSTRAINT "inventory_intent_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_intent" ADD CONSTRAINT "inventory_intent_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_item_history" ADD CONSTRAINT "inventory_item_history_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inventory_confirmed_state_connectionId_idx" ON "inventory_confirmed_state" USING btree ("connection_id");--> statement-breakpoint
CREATE INDEX "inventory_confirmed_state_barcode_idx" ON "inventory_confirmed_state" USING btree ("barcode");--> statement-breakpoint
CREATE INDEX "inventory_item_history_barcode_idx" ON "inventory_item_history" USING btree ("connection_id","barcode","id" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "inventory_item_history_job_event_barcode_uq" ON "inventory_item_history" USING btree ("job_id","event","barcode");--> statement-breakpoint
CREATE INDEX "jobs_connection_id_created_at_idx" ON "jobs" USING btree ("connection_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "jobs_batch_request_id_idx" ON "jobs" USING btree ("batch_request_id");--> statement-breakpoint
CREATE INDEX "jobs_status_not_before_idx" ON "jobs" USING btree ("status","not_before");