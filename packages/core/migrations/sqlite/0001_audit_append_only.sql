-- The audit log is append-only: no UPDATE ever, and DELETE only inside retention pruning.
INSERT INTO `audit_pruning` (`id`, `active`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `audit_log_no_update` BEFORE UPDATE ON `audit_log`
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_log_no_delete` BEFORE DELETE ON `audit_log`
WHEN (SELECT `active` FROM `audit_pruning` WHERE `id` = 1) IS NOT 1
BEGIN
  SELECT RAISE(ABORT, 'audit_log rows are removed only by retention pruning');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_chain_anchors_no_update` BEFORE UPDATE ON `audit_chain_anchors`
BEGIN
  SELECT RAISE(ABORT, 'audit_chain_anchors is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_chain_anchors_no_delete` BEFORE DELETE ON `audit_chain_anchors`
BEGIN
  SELECT RAISE(ABORT, 'audit_chain_anchors is append-only');
END;
