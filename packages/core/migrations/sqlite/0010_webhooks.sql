CREATE TABLE `webhook_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`at` integer NOT NULL,
	`status_code` integer,
	`latency_ms` integer NOT NULL,
	`response` text,
	`error` text,
	FOREIGN KEY (`delivery_id`) REFERENCES `webhook_deliveries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_attempts_delivery` ON `webhook_attempts` (`delivery_id`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`endpoint_id` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`owner_id` integer,
	`claimed_until` integer,
	`replaying` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `webhook_events`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`endpoint_id`) REFERENCES `webhook_endpoints`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_event_endpoint` ON `webhook_deliveries` (`event_id`,`endpoint_id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due` ON `webhook_deliveries` (`next_attempt_at`) WHERE status in ('pending', 'delivering');--> statement-breakpoint
CREATE INDEX `webhook_deliveries_endpoint` ON `webhook_deliveries` (`endpoint_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `webhook_endpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`dealer_uuid` text NOT NULL,
	`department_uuid` text,
	`url` text NOT NULL,
	`events` text,
	`description` text,
	`enabled` integer DEFAULT false NOT NULL,
	`disabled_reason` text,
	`secret` text NOT NULL,
	`previous_secret` text,
	`previous_secret_expires_at` integer,
	`failing_since` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`dealer_uuid`) REFERENCES `dealers`(`uuid`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`department_uuid`) REFERENCES `departments`(`uuid`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `webhook_endpoints_dealer` ON `webhook_endpoints` (`dealer_uuid`);--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`dealer_uuid` text NOT NULL,
	`department_uuid` text NOT NULL,
	`request_id` text,
	`payment_request_uuid` text,
	`body` text NOT NULL,
	`fanned_out` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_events_unfanned` ON `webhook_events` (`created_at`) WHERE fanned_out = 0;--> statement-breakpoint
CREATE INDEX `webhook_events_request` ON `webhook_events` (`request_id`) WHERE request_id is not null;--> statement-breakpoint
CREATE INDEX `webhook_events_created` ON `webhook_events` (`dealer_uuid`,`created_at`);--> statement-breakpoint
ALTER TABLE `payment_requests` ADD `viewed_at` integer;--> statement-breakpoint
ALTER TABLE `payment_requests` ADD `expired_at` integer;--> statement-breakpoint
CREATE INDEX `payment_requests_expiring` ON `payment_requests` (`expires_at`) WHERE expired_at is null;--> statement-breakpoint
-- Links that expired before this migration raise no event: only those expiring from now on do.
UPDATE `payment_requests` SET `expired_at` = `expires_at` WHERE `expires_at` <= CAST(strftime('%s', 'now') AS INTEGER) * 1000;