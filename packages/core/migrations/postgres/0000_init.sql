CREATE TABLE "api_grants" (
	"user_id" integer NOT NULL,
	"scope" text NOT NULL,
	"department_uuid" text NOT NULL,
	CONSTRAINT "api_grants_user_id_scope_department_uuid_pk" PRIMARY KEY("user_id","scope","department_uuid")
);
--> statement-breakpoint
CREATE TABLE "api_users" (
	"id" serial PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"password_hash" text NOT NULL,
	"disabled" smallint DEFAULT 0 NOT NULL,
	"auth_version" integer DEFAULT 0 NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "api_users_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "audit_chain_anchors" (
	"id" serial PRIMARY KEY NOT NULL,
	"first_seq" bigint NOT NULL,
	"prev_hash" text NOT NULL,
	"pruned_before" bigint NOT NULL,
	"rows_removed" bigint NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"request_id" text NOT NULL,
	"received_at" bigint NOT NULL,
	"recorded_at" bigint NOT NULL,
	"duration_ms" bigint NOT NULL,
	"transport" text NOT NULL,
	"operation" text NOT NULL,
	"client_address" text,
	"username" text,
	"department_uuid" text,
	"outcome" text NOT NULL,
	"http_status" integer NOT NULL,
	"error_code" integer,
	"error_codes" text NOT NULL,
	"warning_codes" text NOT NULL,
	"order_number" text,
	"order_uuid" text,
	"order_created" smallint,
	"invoice_uuid" text,
	"invoice_created" smallint,
	"payment_request_uuid" text,
	"customer_uuid" text,
	"text_sent" text,
	"email_sent" text,
	"idempotency_key" text,
	"request_body" text,
	"response_body" text,
	"timeline" text NOT NULL,
	"prev_hash" text NOT NULL,
	"row_hash" text NOT NULL,
	CONSTRAINT "audit_log_request_id_unique" UNIQUE("request_id")
);
--> statement-breakpoint
CREATE TABLE "audit_pruning" (
	"id" integer PRIMARY KEY NOT NULL,
	"active" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "auth_failures" (
	"key" text PRIMARY KEY NOT NULL,
	"count" integer NOT NULL,
	"window_start" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"uuid" text PRIMARY KEY NOT NULL,
	"dealer_uuid" text NOT NULL,
	"first_name" text NOT NULL,
	"last_name" text NOT NULL,
	"phone" text,
	"email" text,
	"text_opt_in" smallint DEFAULT 0 NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dealer_associates" (
	"uuid" text PRIMARY KEY NOT NULL,
	"user_uuid" text NOT NULL,
	"department_uuid" text NOT NULL,
	"name" text NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "dealer_associates_user_uuid_unique" UNIQUE("user_uuid")
);
--> statement-breakpoint
CREATE TABLE "dealer_orders" (
	"uuid" text PRIMARY KEY NOT NULL,
	"department_uuid" text NOT NULL,
	"order_type" text NOT NULL,
	"order_number" text NOT NULL,
	"customer_uuid" text NOT NULL,
	"dealer_associate_uuid" text,
	"amount_cents" bigint NOT NULL,
	"status" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dealers" (
	"uuid" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "departments" (
	"uuid" text PRIMARY KEY NOT NULL,
	"dealer_uuid" text NOT NULL,
	"name" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"department_uuid" text NOT NULL,
	"state" text NOT NULL,
	"recovery_point" text NOT NULL,
	"locked_by" bigint,
	"locked_until" bigint,
	"prepared" text,
	"response_status" integer,
	"response_body" text,
	"first_request_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoices" (
	"uuid" text PRIMARY KEY NOT NULL,
	"order_uuid" text NOT NULL,
	"department_uuid" text NOT NULL,
	"status" text NOT NULL,
	"amount_cents" bigint NOT NULL,
	"description" text,
	"refunded_amount_cents" bigint,
	"paid_date" text,
	"signature_file_name" text,
	"reminder_date" text,
	"reminder_mileage" bigint,
	"file_name" text,
	"payment_declines" text,
	"invoice_attributes" text,
	"attach_invoice" smallint DEFAULT 0 NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_templates" (
	"dealer_uuid" text NOT NULL,
	"kind" text NOT NULL,
	"body" text NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "message_templates_dealer_uuid_kind_pk" PRIMARY KEY("dealer_uuid","kind")
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"uuid" text PRIMARY KEY NOT NULL,
	"payment_request_uuid" text NOT NULL,
	"customer_uuid" text NOT NULL,
	"channel" text NOT NULL,
	"recipient" text NOT NULL,
	"subject" text,
	"body" text NOT NULL,
	"status" text NOT NULL,
	"provider" text NOT NULL,
	"provider_ref" text,
	"error" text,
	"length" integer,
	"segments" integer,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_requests" (
	"uuid" text PRIMARY KEY NOT NULL,
	"invoice_uuid" text NOT NULL,
	"department_uuid" text NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" bigint NOT NULL,
	"attach_invoice" smallint DEFAULT 0 NOT NULL,
	"esign_required" smallint DEFAULT 0 NOT NULL,
	"send_as_text" smallint DEFAULT 0 NOT NULL,
	"send_as_email" smallint DEFAULT 0 NOT NULL,
	"text_result" text,
	"email_result" text,
	"request_id" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_grants" ADD CONSTRAINT "api_grants_user_id_api_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."api_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_dealer_uuid_dealers_uuid_fk" FOREIGN KEY ("dealer_uuid") REFERENCES "public"."dealers"("uuid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dealer_associates" ADD CONSTRAINT "dealer_associates_department_uuid_departments_uuid_fk" FOREIGN KEY ("department_uuid") REFERENCES "public"."departments"("uuid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dealer_orders" ADD CONSTRAINT "dealer_orders_department_uuid_departments_uuid_fk" FOREIGN KEY ("department_uuid") REFERENCES "public"."departments"("uuid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dealer_orders" ADD CONSTRAINT "dealer_orders_customer_uuid_customers_uuid_fk" FOREIGN KEY ("customer_uuid") REFERENCES "public"."customers"("uuid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dealer_orders" ADD CONSTRAINT "dealer_orders_dealer_associate_uuid_dealer_associates_uuid_fk" FOREIGN KEY ("dealer_associate_uuid") REFERENCES "public"."dealer_associates"("uuid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "departments" ADD CONSTRAINT "departments_dealer_uuid_dealers_uuid_fk" FOREIGN KEY ("dealer_uuid") REFERENCES "public"."dealers"("uuid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_order_uuid_dealer_orders_uuid_fk" FOREIGN KEY ("order_uuid") REFERENCES "public"."dealer_orders"("uuid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_department_uuid_departments_uuid_fk" FOREIGN KEY ("department_uuid") REFERENCES "public"."departments"("uuid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_templates" ADD CONSTRAINT "message_templates_dealer_uuid_dealers_uuid_fk" FOREIGN KEY ("dealer_uuid") REFERENCES "public"."dealers"("uuid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_payment_request_uuid_payment_requests_uuid_fk" FOREIGN KEY ("payment_request_uuid") REFERENCES "public"."payment_requests"("uuid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_requests" ADD CONSTRAINT "payment_requests_invoice_uuid_invoices_uuid_fk" FOREIGN KEY ("invoice_uuid") REFERENCES "public"."invoices"("uuid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_recorded" ON "audit_log" USING btree ("recorded_at");--> statement-breakpoint
CREATE INDEX "audit_department" ON "audit_log" USING btree ("department_uuid","seq");--> statement-breakpoint
CREATE INDEX "audit_username" ON "audit_log" USING btree ("username","seq");--> statement-breakpoint
CREATE INDEX "audit_outcome" ON "audit_log" USING btree ("outcome","seq");--> statement-breakpoint
CREATE INDEX "audit_status" ON "audit_log" USING btree ("http_status","seq");--> statement-breakpoint
CREATE INDEX "audit_error_code" ON "audit_log" USING btree ("error_code","seq");--> statement-breakpoint
CREATE INDEX "audit_order_number" ON "audit_log" USING btree ("order_number","seq");--> statement-breakpoint
CREATE INDEX "audit_order" ON "audit_log" USING btree ("order_uuid","seq");--> statement-breakpoint
CREATE INDEX "audit_invoice" ON "audit_log" USING btree ("invoice_uuid","seq");--> statement-breakpoint
CREATE INDEX "audit_customer" ON "audit_log" USING btree ("customer_uuid","seq");--> statement-breakpoint
CREATE INDEX "audit_idempotency_key" ON "audit_log" USING btree ("idempotency_key","seq");--> statement-breakpoint
CREATE INDEX "customers_dealer" ON "customers" USING btree ("dealer_uuid");--> statement-breakpoint
CREATE UNIQUE INDEX "dealer_orders_number" ON "dealer_orders" USING btree ("department_uuid","order_type","order_number");--> statement-breakpoint
CREATE UNIQUE INDEX "idempotency_keys_user_key" ON "idempotency_keys" USING btree ("user_id","key");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "invoices_order" ON "invoices" USING btree ("order_uuid");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_one_open_per_order" ON "invoices" USING btree ("order_uuid") WHERE status = 'OPEN';--> statement-breakpoint
CREATE INDEX "outbox_payment_request" ON "outbox" USING btree ("payment_request_uuid");--> statement-breakpoint
CREATE INDEX "payment_requests_invoice" ON "payment_requests" USING btree ("invoice_uuid");