# Category scores and ranks in groups keyed by what identifies a row (their unique columns)
# instead of an id: a snapshot then writes one index per table, not an id's sequence and index
# beside the unique one.
#
# Django cannot turn an id into a composite key in place: each table is made anew under a
# passing name, the rows copied across, the old table dropped and the new one renamed.

import django.db.models.deletion
from django.db import migrations, models

PERIOD_CHOICES = [("quarter", "the quarter"), ("year", "the year so far")]

SCORES = ("scoring_rankingcategoryscore", "scoring_rankingcategoryscorekeyed")
SCORE_COLUMNS = (
    "congress_id, ranking_id, deputy_id, category_code, category_name, record_count, "
    "recess_count, raw_points, points, year_record_count, year_recess_count, year_raw_points, "
    "year_points"
)
GROUP_RANKS = ("scoring_rankinggroupentry", "scoring_rankinggroupentrykeyed")
GROUP_RANK_COLUMNS = "congress_id, ranking_id, period, group_id, deputy_id, rank"


def _copy(source: str, target: str, columns: str) -> str:
    return f"INSERT INTO {target} ({columns}) SELECT {columns} FROM {source}"  # noqa: S608


def _reference(to, verbose_name, related_name="+"):
    return models.ForeignKey(
        db_constraint=False,
        db_index=False,
        on_delete=django.db.models.deletion.CASCADE,
        related_name=related_name,
        to=to,
        verbose_name=verbose_name,
    )


def _rename_constraints(apps, schema_editor, forwards=True):
    """PostgreSQL keeps the names a table's key and checks got with it: the renamed tables'
    are given their tables' names back (SQLite's have no names)."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    for table, passing in (SCORES, GROUP_RANKS):
        old, new = (passing, table) if forwards else (table, passing)
        with connection.cursor() as cursor:
            # The table has its own name both ways: renamed before this, renamed back after.
            names = connection.introspection.get_constraints(cursor, table)
        for name in sorted(names):
            if name.startswith(f"{old}_"):
                renamed = new + name[len(old) :]
                schema_editor.execute(f"ALTER TABLE {table} RENAME CONSTRAINT {name} TO {renamed}")


def _rename_constraints_back(apps, schema_editor):
    _rename_constraints(apps, schema_editor, forwards=False)


class Migration(migrations.Migration):
    dependencies = [
        ("congress", "0005_audit_log_append_only_trigger"),
        ("deputies", "0002_deputy_field_validators"),
        ("liaison", "0003_reception_labels"),
        ("scoring", "0005_group_ranks_one_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="RankingCategoryScoreKeyed",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "ranking",
                        "deputy",
                        "category_code",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("congress", _reference("congress.congress", "congress")),
                ("ranking", _reference("scoring.ranking", "ranking")),
                ("deputy", _reference("deputies.deputy", "deputy")),
                (
                    "category_code",
                    models.SlugField(db_index=False, max_length=30, verbose_name="category code"),
                ),
                ("category_name", models.CharField(max_length=50, verbose_name="category")),
                (
                    "record_count",
                    models.PositiveIntegerField(verbose_name="records in the quarter"),
                ),
                (
                    "recess_count",
                    models.PositiveIntegerField(
                        verbose_name="duties between meetings in the quarter"
                    ),
                ),
                (
                    "raw_points",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=9,
                        verbose_name="points before the cap in the quarter",
                    ),
                ),
                (
                    "points",
                    models.DecimalField(
                        decimal_places=2, max_digits=9, verbose_name="points in the quarter"
                    ),
                ),
                (
                    "year_record_count",
                    models.PositiveIntegerField(verbose_name="records in the year"),
                ),
                (
                    "year_recess_count",
                    models.PositiveIntegerField(verbose_name="duties between meetings in the year"),
                ),
                (
                    "year_raw_points",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=9,
                        verbose_name="points before the cap in the year",
                    ),
                ),
                (
                    "year_points",
                    models.DecimalField(
                        decimal_places=2, max_digits=9, verbose_name="points in the year"
                    ),
                ),
            ],
            options={
                "verbose_name": "category score",
                "verbose_name_plural": "category scores",
            },
        ),
        migrations.CreateModel(
            name="RankingGroupEntryKeyed",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "ranking",
                        "period",
                        "deputy",
                        "group",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("congress", _reference("congress.congress", "congress")),
                ("ranking", _reference("scoring.ranking", "ranking")),
                (
                    "period",
                    models.CharField(choices=PERIOD_CHOICES, max_length=10, verbose_name="period"),
                ),
                ("group", _reference("liaison.deputygroup", "group")),
                ("deputy", _reference("deputies.deputy", "deputy")),
                ("rank", models.PositiveIntegerField(verbose_name="rank in the group")),
            ],
            options={
                "verbose_name": "rank in a group",
                "verbose_name_plural": "ranks in groups",
            },
        ),
        migrations.RunSQL(
            [_copy(*SCORES, SCORE_COLUMNS), _copy(*GROUP_RANKS, GROUP_RANK_COLUMNS)],
            # Undone after the old tables are made again, before the new ones are dropped.
            [
                _copy(SCORES[1], SCORES[0], SCORE_COLUMNS),
                _copy(GROUP_RANKS[1], GROUP_RANKS[0], GROUP_RANK_COLUMNS),
            ],
        ),
        migrations.DeleteModel(name="RankingCategoryScore"),
        migrations.DeleteModel(name="RankingGroupEntry"),
        migrations.RenameModel(
            old_name="RankingCategoryScoreKeyed", new_name="RankingCategoryScore"
        ),
        migrations.RenameModel(old_name="RankingGroupEntryKeyed", new_name="RankingGroupEntry"),
        migrations.RunPython(_rename_constraints, _rename_constraints_back),
        migrations.AlterField(
            model_name="rankingcategoryscore",
            name="ranking",
            field=_reference("scoring.ranking", "ranking", related_name="category_scores"),
        ),
        migrations.AlterField(
            model_name="rankinggroupentry",
            name="ranking",
            field=_reference("scoring.ranking", "ranking", related_name="group_entries"),
        ),
    ]
