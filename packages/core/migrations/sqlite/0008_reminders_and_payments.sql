CREATE TABLE `reminders` (
	`uuid` text PRIMARY KEY NOT NULL,
	`invoice_uuid` text NOT NULL,
	`department_uuid` text NOT NULL,
	`payment_request_uuid` text NOT NULL,
	`reminder_date` text NOT NULL,
	`due_at` integer NOT NULL,
	`status` text NOT NULL,
	`payment_url` text,
	`invoice_url` text,
	`owner_id` integer,
	`claimed_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`text_result` text,
	`email_result` text,
	`reason` text,
	`request_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`invoice_uuid`) REFERENCES `invoices`(`uuid`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`payment_request_uuid`) REFERENCES `payment_requests`(`uuid`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reminders_invoice_date` ON `reminders` (`invoice_uuid`,`reminder_date`);--> statement-breakpoint
CREATE UNIQUE INDEX `reminders_one_pending_per_invoice` ON `reminders` (`invoice_uuid`) WHERE status = 'PENDING';--> statement-breakpoint
CREATE INDEX `reminders_due` ON `reminders` (`status`,`due_at`);--> statement-breakpoint
ALTER TABLE `invoices` ADD `paid_amount_cents` integer;--> statement-breakpoint
ALTER TABLE `outbox` ADD `purpose` text DEFAULT 'request' NOT NULL;--> statement-breakpoint
ALTER TABLE `outbox` ADD `attachment` text;