ALTER TABLE "jobs" ADD COLUMN "confirmation" text;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "confirmed_count" integer;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "failed_count" integer;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "unresolved_count" integer;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "settled_at" timestamp with time zone;