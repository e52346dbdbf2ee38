CREATE TABLE `api_grants` (
	`user_id` integer NOT NULL,
	`scope` text NOT NULL,
	`department_uuid` text NOT NULL,
	PRIMARY KEY(`user_id`, `scope`, `department_uuid`),
	FOREIGN KEY (`user_id`) REFERENCES `api_users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `api_users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`password_hash` text NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_users_username_unique` ON `api_users` (`username`);--> statement-breakpoint
CREATE TABLE `audit_chain_anchors` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`first_seq` integer NOT NULL,
	`prev_hash` text NOT NULL,
	`pruned_before` integer NOT NULL,
	`rows_removed` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `audit_log` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` text NOT NULL,
	`received_at` integer NOT NULL,
	`recorded_at` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`transport` text NOT NULL,
	`operation` text NOT NULL,
	`client_address` text,
	`username` text,
	`department_uuid` text,
	`outcome` text NOT NULL,
	`http_status` integer NOT NULL,
	`error_code` integer,
	`error_codes` text NOT NULL,
	`warning_codes` text NOT NULL,
	`order_number` text,
	`order_uuid` text,
	`order_created` integer,
	`invoice_uuid` text,
	`invoice_created` integer,
	`payment_request_uuid` text,
	`customer_uuid` text,
	`text_sent` text,
	`email_sent` text,
	`idempotency_key` text,
	`request_body` text,
	`response_body` text,
	`timeline` text NOT NULL,
	`prev_hash` text NOT NULL,
	`row_hash` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_log_request_id_unique` ON `audit_log` (`request_id`);--> statement-breakpoint
CREATE INDEX `audit_recorded` ON `audit_log` (`recorded_at`);--> statement-breakpoint
CREATE INDEX `audit_department` ON `audit_log` (`department_uuid`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_username` ON `audit_log` (`username`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_outcome` ON `audit_log` (`outcome`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_status` ON `audit_log` (`http_status`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_error_code` ON `audit_log` (`error_code`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_order_number` ON `audit_log` (`order_number`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_order` ON `audit_log` (`order_uuid`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_invoice` ON `audit_log` (`invoice_uuid`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_customer` ON `audit_log` (`customer_uuid`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_idempotency_key` ON `audit_log` (`idempotency_key`,`seq`);--> statement-breakpoint
CREATE TABLE `audit_pruning` (
	`id` integer PRIMARY KEY NOT NULL,
	`active` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `customers` (
	`uuid` text PRIMARY KEY NOT NULL,
	`dealer_uuid` text NOT NULL,
	`first_name` text NOT NULL,
	`last_name` text NOT NULL,
	`phone` text,
	`email` text,
	`text_opt_in` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`dealer_uuid`) REFERENCES `dealers`(`uuid`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `customers_dealer` ON `customers` (`dealer_uuid`);--> statement-breakpoint
CREATE TABLE `dealer_associates` (
	`uuid` text PRIMARY KEY NOT NULL,
	`user_uuid` text NOT NULL,
	`department_uuid` text NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`department_uuid`) REFERENCES `departments`(`uuid`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dealer_associates_user_uuid_unique` ON `dealer_associates` (`user_uuid`);--> statement-breakpoint
CREATE TABLE `dealer_orders` (
	`uuid` text PRIMARY KEY NOT NULL,
	`department_uuid` text NOT NULL,
	`order_type` text NOT NULL,
	`order_number` text NOT NULL,
	`customer_uuid` text NOT NULL,
	`dealer_associate_uuid` text,
	`amount_cents` integer NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`department_uuid`) REFERENCES `departments`(`uuid`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_uuid`) REFERENCES `customers`(`uuid`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`dealer_associate_uuid`) REFERENCES `dealer_associates`(`uuid`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dealer_orders_number` ON `dealer_orders` (`department_uuid`,`order_type`,`order_number`);--> statement-breakpoint
CREATE TABLE `dealers` (
	`uuid` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `departments` (
	`uuid` text PRIMARY KEY NOT NULL,
	`dealer_uuid` text NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`dealer_uuid`) REFERENCES `dealers`(`uuid`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `invoices` (
	`uuid` text PRIMARY KEY NOT NULL,
	`order_uuid` text NOT NULL,
	`department_uuid` text NOT NULL,
	`status` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`description` text,
	`refunded_amount_cents` integer,
	`paid_date` text,
	`signature_file_name` text,
	`reminder_date` text,
	`reminder_mileage` integer,
	`file_name` text,
	`payment_declines` text,
	`invoice_attributes` text,
	`attach_invoice` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`order_uuid`) REFERENCES `dealer_orders`(`uuid`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`department_uuid`) REFERENCES `departments`(`uuid`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `invoices_order` ON `invoices` (`order_uuid`);--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_one_open_per_order` ON `invoices` (`order_uuid`) WHERE status = 'OPEN';--> statement-breakpoint
CREATE TABLE `outbox` (
	`uuid` text PRIMARY KEY NOT NULL,
	`payment_request_uuid` text NOT NULL,
	`customer_uuid` text NOT NULL,
	`channel` text NOT NULL,
	`recipient` text NOT NULL,
	`subject` text,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`provider` text NOT NULL,
	`provider_ref` text,
	`error` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`payment_request_uuid`) REFERENCES `payment_requests`(`uuid`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `outbox_payment_request` ON `outbox` (`payment_request_uuid`);--> statement-breakpoint
CREATE TABLE `payment_requests` (
	`uuid` text PRIMARY KEY NOT NULL,
	`invoice_uuid` text NOT NULL,
	`department_uuid` text NOT NULL,
	`token_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	`attach_invoice` integer DEFAULT false NOT NULL,
	`esign_required` integer DEFAULT false NOT NULL,
	`send_as_text` integer DEFAULT false NOT NULL,
	`send_as_email` integer DEFAULT false NOT NULL,
	`text_result` text,
	`email_result` text,
	`request_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`invoice_uuid`) REFERENCES `invoices`(`uuid`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payment_requests_token_hash_unique` ON `payment_requests` (`token_hash`);--> statement-breakpoint
CREATE INDEX `payment_requests_invoice` ON `payment_requests` (`invoice_uuid`);