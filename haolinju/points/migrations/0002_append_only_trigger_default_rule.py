"""Transfers cannot be updated or deleted on PostgreSQL (a trigger), and a default rule
version exists so deeds published before anyone configured rules still earn points."""

import datetime as dt

from django.db import migrations

TRIGGER = """
CREATE OR REPLACE FUNCTION points_transfer_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'points_transfer is append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER points_transfer_append_only
  BEFORE UPDATE OR DELETE ON points_transfer
  FOR EACH ROW EXECUTE FUNCTION points_transfer_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS points_transfer_append_only ON points_transfer;
DROP FUNCTION IF EXISTS points_transfer_append_only();
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


def default_rule(apps, schema_editor):
    RuleVersion = apps.get_model("points", "RuleVersion")
    RuleVersion.objects.get_or_create(
        area_path="",
        version=1,
        defaults={
            "effective_from": dt.date(2000, 1, 1),
            "points_per_hour": 1,
            "hours_cap_per_activity": 2,
            "item_points": {},
            "points_per_good_rating": 2,
            "good_rating_min": 4,
            "deductions": {},
            "base_score": 20,
            "award_threshold": 10,
            "note": "默认规则：每服务1小时1分，每次活动最多计2小时；好评工单每单2分",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("points", "0001_ledger_entries_shop_notice")]

    operations = [
        migrations.RunPython(add_trigger, drop_trigger),
        migrations.RunPython(default_rule, migrations.RunPython.noop),
    ]
