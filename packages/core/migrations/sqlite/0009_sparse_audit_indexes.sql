DROP INDEX `audit_error_code`;--> statement-breakpoint
DROP INDEX `audit_idempotency_key`;--> statement-breakpoint
CREATE INDEX `audit_error_code` ON `audit_log` (`error_code`,`seq`) WHERE error_code is not null;--> statement-breakpoint
CREATE INDEX `audit_idempotency_key` ON `audit_log` (`idempotency_key`,`seq`) WHERE idempotency_key is not null;