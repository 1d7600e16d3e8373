# Ranking entries lose their index by deputy, which every snapshot kept up for one reader: a
# deputy's history now goes through the congress's rankings and the unique index.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0006_snapshot_rows_keyed_without_id"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="rankingentry", name="ranking_entry_deputy_idx"),
    ]
