CREATE TABLE "checkout_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"payment_request_uuid" text NOT NULL,
	"invoice_uuid" text NOT NULL,
	"dealer_uuid" text NOT NULL,
	"stripe_account" text,
	"number" integer NOT NULL,
	"amount_cents" bigint NOT NULL,
	"currency" text NOT NULL,
	"url" text NOT NULL,
	"status" text NOT NULL,
	"payment_intent_id" text,
	"paid_amount_cents" bigint,
	"refund" text,
	"refund_id" text,
	"refund_error" text,
	"expires_at" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "receipts" (
	"uuid" text PRIMARY KEY NOT NULL,
	"invoice_uuid" text NOT NULL,
	"payment_request_uuid" text NOT NULL,
	"status" text NOT NULL,
	"owner_id" bigint,
	"text_result" text,
	"email_result" text,
	"reason" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stripe_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"account" text,
	"outcome" text NOT NULL,
	"deferred_payment_intent_id" text,
	"deferred_refunded_cents" bigint,
	"received_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dealers" ADD COLUMN "stripe_account" text;--> statement-breakpoint
ALTER TABLE "dealers" ADD COLUMN "currency" text DEFAULT 'usd' NOT NULL;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "payment_intent_id" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "provider_status" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "provider_status_at" bigint;--> statement-breakpoint
ALTER TABLE "checkout_sessions" ADD CONSTRAINT "checkout_sessions_payment_request_uuid_payment_requests_uuid_fk" FOREIGN KEY ("payment_request_uuid") REFERENCES "public"."payment_requests"("uuid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkout_sessions" ADD CONSTRAINT "checkout_sessions_invoice_uuid_invoices_uuid_fk" FOREIGN KEY ("invoice_uuid") REFERENCES "public"."invoices"("uuid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "receipts" ADD CONSTRAINT "receipts_invoice_uuid_invoices_uuid_fk" FOREIGN KEY ("invoice_uuid") REFERENCES "public"."invoices"("uuid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "receipts" ADD CONSTRAINT "receipts_payment_request_uuid_payment_requests_uuid_fk" FOREIGN KEY ("payment_request_uuid") REFERENCES "public"."payment_requests"("uuid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "checkout_sessions_payment_request" ON "checkout_sessions" USING btree ("payment_request_uuid","number");--> statement-breakpoint
CREATE UNIQUE INDEX "checkout_sessions_one_open" ON "checkout_sessions" USING btree ("payment_request_uuid") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "checkout_sessions_payment_intent" ON "checkout_sessions" USING btree ("payment_intent_id") WHERE payment_intent_id is not null;--> statement-breakpoint
CREATE INDEX "checkout_sessions_refund_pending" ON "checkout_sessions" USING btree ("updated_at") WHERE refund = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "receipts_invoice" ON "receipts" USING btree ("invoice_uuid");--> statement-breakpoint
CREATE INDEX "receipts_open" ON "receipts" USING btree ("created_at") WHERE status in ('PENDING', 'SENDING');--> statement-breakpoint
CREATE INDEX "stripe_events_deferred" ON "stripe_events" USING btree ("deferred_payment_intent_id") WHERE deferred_payment_intent_id is not null;--> statement-breakpoint
CREATE INDEX "outbox_provider_ref" ON "outbox" USING btree ("provider","provider_ref") WHERE provider_ref is not null;