"""On PostgreSQL, the database itself refuses to change or delete audit log rows.

The model refuses too, but a queryset's update() or delete(), or a hand-written statement,
would pass it. The trigger lets through only:
- deletes in a transaction that ran `SET LOCAL lvzhi.audit_prune = 'on'` (the retention job,
  congress.audit.audit_prune), and
- an update that only clears the user link when an account is deleted (the row keeps the
  account name, so nothing recorded is lost).
SQLite has no such triggers worth the name here; the embedded mode relies on the model's guard.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION congress_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('lvzhi.audit_prune', true) = 'on' THEN
            RETURN OLD;
        END IF;
    ELSIF OLD.user_id IS NOT NULL AND NEW.user_id IS NULL
        AND (NEW.id, NEW.congress_id, NEW.created_at, NEW.username, NEW.action, NEW.success,
             NEW.ip_address, NEW.user_agent, NEW.target_type, NEW.target_id, NEW.summary,
             NEW.detail::text)
        IS NOT DISTINCT FROM
            (OLD.id, OLD.congress_id, OLD.created_at, OLD.username, OLD.action, OLD.success,
             OLD.ip_address, OLD.user_agent, OLD.target_type, OLD.target_id, OLD.summary,
             OLD.detail::text)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The audit log cannot be changed or deleted (%).', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS congress_auditevent_append_only ON congress_auditevent;
CREATE TRIGGER congress_auditevent_append_only
    BEFORE UPDATE OR DELETE ON congress_auditevent
    FOR EACH ROW EXECUTE FUNCTION congress_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS congress_auditevent_append_only ON congress_auditevent;
DROP FUNCTION IF EXISTS congress_auditevent_append_only();
"""


def create_trigger(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("congress", "0004_accounts_audit_sessions"),
    ]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
