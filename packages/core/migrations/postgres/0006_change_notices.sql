-- Rows every instance caches (departments and their dealer's name, message templates): a change to them, from any
-- process, notifies every instance listening on payreq_changes when it commits, with the table's name.
CREATE FUNCTION "payreq_notify_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('payreq_changes', TG_TABLE_NAME);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "departments_notify_change" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "departments" FOR EACH STATEMENT EXECUTE FUNCTION "payreq_notify_change"();
--> statement-breakpoint
CREATE TRIGGER "dealers_notify_change" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "dealers" FOR EACH STATEMENT EXECUTE FUNCTION "payreq_notify_change"();
--> statement-breakpoint
CREATE TRIGGER "message_templates_notify_change" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "message_templates" FOR EACH STATEMENT EXECUTE FUNCTION "payreq_notify_change"();
