# One category-score row per deputy and category holding both the quarter's and the year's
# figures, instead of one row per period: a snapshot writes (and keeps) about half the rows.

from django.db import migrations, models

TABLE = "scoring_rankingcategoryscore"
SAME_KEY = (
    "y.ranking_id = {t}.ranking_id AND y.deputy_id = {t}.deputy_id "
    "AND y.category_code = {t}.category_code AND y.period = 'year'"
).format(t=TABLE)


def _year(column):
    # A quarter's row always has a year row beside it (the year includes the quarter).
    return f"(SELECT y.{column} FROM {TABLE} y WHERE {SAME_KEY})"


MERGE = [
    # Quarter rows take the year's figures of their category.
    f"""UPDATE {TABLE} SET
        year_record_count = {_year("record_count")},
        year_recess_count = {_year("recess_count")},
        year_raw_points = {_year("raw_points")},
        year_points = {_year("points")}
        WHERE period = 'quarter'""",
    # Year rows with no quarter row (a category scored earlier in the year) become rows with
    # zeros for the quarter.
    f"""UPDATE {TABLE} SET
        year_record_count = record_count, year_recess_count = recess_count,
        year_raw_points = raw_points, year_points = points,
        record_count = 0, recess_count = 0, raw_points = 0, points = 0, period = 'quarter'
        WHERE period = 'year' AND NOT EXISTS (
            SELECT 1 FROM {TABLE} q
            WHERE q.ranking_id = {TABLE}.ranking_id AND q.deputy_id = {TABLE}.deputy_id
              AND q.category_code = {TABLE}.category_code AND q.period = 'quarter')""",
    f"DELETE FROM {TABLE} WHERE period = 'year'",
]

SPLIT = [
    f"""INSERT INTO {TABLE} (congress_id, ranking_id, deputy_id, category_code, category_name,
            period, record_count, recess_count, raw_points, points,
            year_record_count, year_recess_count, year_raw_points, year_points)
        SELECT congress_id, ranking_id, deputy_id, category_code, category_name, 'year',
               year_record_count, year_recess_count, year_raw_points, year_points, 0, 0, 0, 0
        FROM {TABLE} WHERE period = 'quarter'""",
    f"DELETE FROM {TABLE} WHERE period = 'quarter' AND record_count = 0",
]


class Migration(migrations.Migration):

    dependencies = [
        ("scoring", "0003_ranking_categories_kept"),
    ]

    operations = [
        migrations.AddField(
            model_name="rankingcategoryscore",
            name="year_record_count",
            field=models.PositiveIntegerField(default=0, verbose_name="records in the year"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="rankingcategoryscore",
            name="year_recess_count",
            field=models.PositiveIntegerField(
                default=0, verbose_name="duties between meetings in the year"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="rankingcategoryscore",
            name="year_raw_points",
            field=models.DecimalField(
                decimal_places=2,
                default=0,
                max_digits=9,
                verbose_name="points before the cap in the year",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="rankingcategoryscore",
            name="year_points",
            field=models.DecimalField(
                decimal_places=2, default=0, max_digits=9, verbose_name="points in the year"
            ),
            preserve_default=False,
        ),
        # The old unique index (ranking, deputy, period, category) serves the merge's lookups.
        migrations.RunSQL(MERGE, reverse_sql=SPLIT),
        migrations.RemoveConstraint(
            model_name="rankingcategoryscore",
            name="ranking_category_unique",
        ),
        # A default, so that undoing the removal can put the column back on existing rows.
        migrations.AlterField(
            model_name="rankingcategoryscore",
            name="period",
            field=models.CharField(
                choices=[("quarter", "the quarter"), ("year", "the year so far")],
                default="quarter",
                max_length=10,
                verbose_name="period",
            ),
        ),
        migrations.RemoveField(
            model_name="rankingcategoryscore",
            name="period",
        ),
        migrations.AlterField(
            model_name="rankingcategoryscore",
            name="record_count",
            field=models.PositiveIntegerField(verbose_name="records in the quarter"),
        ),
        migrations.AlterField(
            model_name="rankingcategoryscore",
            name="recess_count",
            field=models.PositiveIntegerField(
                verbose_name="duties between meetings in the quarter"
            ),
        ),
        migrations.AlterField(
            model_name="rankingcategoryscore",
            name="raw_points",
            field=models.DecimalField(
                decimal_places=2,
                max_digits=9,
                verbose_name="points before the cap in the quarter",
            ),
        ),
        migrations.AlterField(
            model_name="rankingcategoryscore",
            name="points",
            field=models.DecimalField(
                decimal_places=2, max_digits=9, verbose_name="points in the quarter"
            ),
        ),
        migrations.AddConstraint(
            model_name="rankingcategoryscore",
            constraint=models.UniqueConstraint(
                fields=("ranking", "deputy", "category_code"), name="ranking_category_unique"
            ),
        ),
    ]
