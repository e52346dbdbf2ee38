CREATE TABLE `message_templates` (
	`dealer_uuid` text NOT NULL,
	`kind` text NOT NULL,
	`body` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`dealer_uuid`, `kind`),
	FOREIGN KEY (`dealer_uuid`) REFERENCES `dealers`(`uuid`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `outbox` ADD `length` integer;--> statement-breakpoint
ALTER TABLE `outbox` ADD `segments` integer;