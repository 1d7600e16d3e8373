"""Gives every existing congress the default suggestion categories."""

from django.db import migrations

DEFAULT_CATEGORIES = (
    "城乡建设",
    "交通运输",
    "教育科技",
    "医疗卫生",
    "农业农村",
    "生态环境",
    "社会保障",
    "经济发展",
    "政法综治",
    "其他",
)


def add_categories(apps, schema_editor):
    Congress = apps.get_model("congress", "Congress")
    SuggestionCategory = apps.get_model("suggestions", "SuggestionCategory")
    # Historical models have plain managers, so no scope is involved here.
    for congress in Congress.objects.all():
        SuggestionCategory.objects.bulk_create(
            [
                SuggestionCategory(congress=congress, name=name, position=position)
                for position, name in enumerate(DEFAULT_CATEGORIES, 1)
            ],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0002_congresssession_historicalcongresssession_and_more")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
