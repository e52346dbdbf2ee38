CREATE TABLE "reminders" (
	"uuid" text PRIMARY KEY NOT NULL,
	"invoice_uuid" text NOT NULL,
	"department_uuid" text NOT NULL,
	"payment_request_uuid" text NOT NULL,
	"reminder_date" text NOT NULL,
	"due_at" bigint NOT NULL,
	"status" text NOT NULL,
	"payment_url" text,
	"invoice_url" text,
	"owner_id" bigint,
	"claimed_at" bigint,
	"attempts" integer DEFAULT 0 NOT NULL,
	"text_result" text,
	"email_result" text,
	"reason" text,
	"request_id" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "paid_amount_cents" bigint;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "purpose" text DEFAULT 'request' NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "attachment" text;--> statement-breakpoint
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_invoice_uuid_invoices_uuid_fk" FOREIGN KEY ("invoice_uuid") REFERENCES "public"."invoices"("uuid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_payment_request_uuid_payment_requests_uuid_fk" FOREIGN KEY ("payment_request_uuid") REFERENCES "public"."payment_requests"("uuid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "reminders_invoice_date" ON "reminders" USING btree ("invoice_uuid","reminder_date");--> statement-breakpoint
CREATE UNIQUE INDEX "reminders_one_pending_per_invoice" ON "reminders" USING btree ("invoice_uuid") WHERE status = 'PENDING';--> statement-breakpoint
CREATE INDEX "reminders_due" ON "reminders" USING btree ("status","due_at");