-- The audit log is append-only: no UPDATE ever, DELETE only inside retention pruning, no TRUNCATE.
INSERT INTO "audit_pruning" ("id", "active") VALUES (1, 0);
--> statement-breakpoint
CREATE FUNCTION "audit_log_refuse_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
--> statement-breakpoint
CREATE FUNCTION "audit_log_refuse_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT "active" FROM "audit_pruning" WHERE "id" = 1) IS DISTINCT FROM 1 THEN
    RAISE EXCEPTION 'audit_log rows are removed only by retention pruning';
  END IF;
  RETURN OLD;
END $$;
--> statement-breakpoint
CREATE TRIGGER "audit_log_no_update" BEFORE UPDATE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION "audit_log_refuse_update"();
--> statement-breakpoint
CREATE TRIGGER "audit_log_no_delete" BEFORE DELETE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION "audit_log_refuse_delete"();
--> statement-breakpoint
CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log" FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_refuse_update"();
--> statement-breakpoint
CREATE TRIGGER "audit_chain_anchors_no_update" BEFORE UPDATE OR DELETE ON "audit_chain_anchors" FOR EACH ROW EXECUTE FUNCTION "audit_log_refuse_update"();
--> statement-breakpoint
CREATE TRIGGER "audit_chain_anchors_no_truncate" BEFORE TRUNCATE ON "audit_chain_anchors" FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_refuse_update"();
--> statement-breakpoint
-- Any change that could withdraw access raises the user's auth_version, in whichever process makes it.
CREATE FUNCTION "api_users_raise_auth_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."auth_version" = OLD."auth_version" THEN
    NEW."auth_version" := OLD."auth_version" + 1;
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER "api_users_auth_version" BEFORE UPDATE OF "password_hash", "disabled" ON "api_users" FOR EACH ROW EXECUTE FUNCTION "api_users_raise_auth_version"();
--> statement-breakpoint
CREATE FUNCTION "api_grants_raise_auth_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "api_users" SET "auth_version" = "auth_version" + 1 WHERE "id" = COALESCE(NEW."user_id", OLD."user_id");
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "api_grants_auth_version" AFTER INSERT OR DELETE ON "api_grants" FOR EACH ROW EXECUTE FUNCTION "api_grants_raise_auth_version"();
