-- Any change that could withdraw access raises the user's auth_version, in whichever process makes it.
CREATE TRIGGER `api_users_auth_version` AFTER UPDATE OF `password_hash`, `disabled` ON `api_users`
WHEN NEW.`auth_version` = OLD.`auth_version`
BEGIN
  UPDATE `api_users` SET `auth_version` = OLD.`auth_version` + 1 WHERE `id` = NEW.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `api_grants_insert_auth_version` AFTER INSERT ON `api_grants`
BEGIN
  UPDATE `api_users` SET `auth_version` = `auth_version` + 1 WHERE `id` = NEW.`user_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `api_grants_delete_auth_version` AFTER DELETE ON `api_grants`
BEGIN
  UPDATE `api_users` SET `auth_version` = `auth_version` + 1 WHERE `id` = OLD.`user_id`;
END;
