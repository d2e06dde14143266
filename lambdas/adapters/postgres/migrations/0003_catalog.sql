CREATE TABLE "connection_settings" (
	"connection_id" text PRIMARY KEY NOT NULL,
	"settings" jsonb NOT NULL,
	"reconcile_after" text,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inventory_drift" (
	"connection_id" text NOT NULL,
	"barcode" text NOT NULL,
	"kind" text NOT NULL,
	"confirmed_quantity" integer,
	"confirmed_sale_price" numeric(12, 2),
	"confirmed_list_price" numeric(12, 2),
	"live_quantity" integer,
	"live_sale_price" numeric(12, 2),
	"live_list_price" numeric(12, 2),
	"action" text NOT NULL,
	"detected_at" timestamp with time zone NOT NULL,
	CONSTRAINT "inventory_drift_connection_id_barcode_pk" PRIMARY KEY("connection_id","barcode")
);
--> statement-breakpoint
CREATE TABLE "inventory_hold" (
	"connection_id" text NOT NULL,
	"barcode" text NOT NULL,
	"sale_price" numeric(12, 2),
	"list_price" numeric(12, 2),
	"reason" text NOT NULL,
	"message" text NOT NULL,
	"reference_sale_price" numeric(12, 2),
	"retry_at" timestamp with time zone,
	"held_at" timestamp with time zone NOT NULL,
	CONSTRAINT "inventory_hold_connection_id_barcode_pk" PRIMARY KEY("connection_id","barcode")
);
--> statement-breakpoint
CREATE TABLE "price_send" (
	"connection_id" text NOT NULL,
	"barcode" text NOT NULL,
	"sent_at" jsonb NOT NULL,
	CONSTRAINT "price_send_connection_id_barcode_pk" PRIMARY KEY("connection_id","barcode")
);
--> statement-breakpoint
CREATE TABLE "product_variant" (
	"connection_id" text NOT NULL,
	"barcode" text NOT NULL,
	"quantity" integer,
	"sale_price" numeric(12, 2),
	"list_price" numeric(12, 2),
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "product_variant_connection_id_barcode_pk" PRIMARY KEY("connection_id","barcode")
);
--> statement-breakpoint
ALTER TABLE "connection_settings" ADD CONSTRAINT "connection_settings_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_drift" ADD CONSTRAINT "inventory_drift_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_hold" ADD CONSTRAINT "inventory_hold_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_send" ADD CONSTRAINT "price_send_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_variant" ADD CONSTRAINT "product_variant_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;