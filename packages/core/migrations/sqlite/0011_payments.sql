CREATE TABLE `checkout_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`payment_request_uuid` text NOT NULL,
	`invoice_uuid` text NOT NULL,
	`dealer_uuid` text NOT NULL,
	`stripe_account` text,
	`number` integer NOT NULL,
	`amount_cents` integer NOT NULL,
	`currency` text NOT NULL,
	`url` text NOT NULL,
	`status` text NOT NULL,
	`payment_intent_id` text,
	`paid_amount_cents` integer,
	`refund` text,
	`refund_id` text,
	`refund_error` text,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`payment_request_uuid`) REFERENCES `payment_requests`(`uuid`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invoice_uuid`) REFERENCES `invoices`(`uuid`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `checkout_sessions_payment_request` ON `checkout_sessions` (`payment_request_uuid`,`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `checkout_sessions_one_open` ON `checkout_sessions` (`payment_request_uuid`) WHERE status = 'open';--> statement-breakpoint
CREATE INDEX `checkout_sessions_payment_intent` ON `checkout_sessions` (`payment_intent_id`) WHERE payment_intent_id is not null;--> statement-breakpoint
CREATE INDEX `checkout_sessions_refund_pending` ON `checkout_sessions` (`updated_at`) WHERE refund = 'pending';--> statement-breakpoint
CREATE TABLE `receipts` (
	`uuid` text PRIMARY KEY NOT NULL,
	`invoice_uuid` text NOT NULL,
	`payment_request_uuid` text NOT NULL,
	`status` text NOT NULL,
	`owner_id` integer,
	`text_result` text,
	`email_result` text,
	`reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`invoice_uuid`) REFERENCES `invoices`(`uuid`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`payment_request_uuid`) REFERENCES `payment_requests`(`uuid`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `receipts_invoice` ON `receipts` (`invoice_uuid`);--> statement-breakpoint
CREATE INDEX `receipts_open` ON `receipts` (`created_at`) WHERE status in ('PENDING', 'SENDING');--> statement-breakpoint
CREATE TABLE `stripe_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`account` text,
	`outcome` text NOT NULL,
	`deferred_payment_intent_id` text,
	`deferred_refunded_cents` integer,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stripe_events_deferred` ON `stripe_events` (`deferred_payment_intent_id`) WHERE deferred_payment_intent_id is not null;--> statement-breakpoint
ALTER TABLE `dealers` ADD `stripe_account` text;--> statement-breakpoint
ALTER TABLE `dealers` ADD `currency` text DEFAULT 'usd' NOT NULL;--> statement-breakpoint
ALTER TABLE `invoices` ADD `payment_intent_id` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `provider_status` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `provider_status_at` integer;--> statement-breakpoint
CREATE INDEX `outbox_provider_ref` ON `outbox` (`provider`,`provider_ref`) WHERE provider_ref is not null;