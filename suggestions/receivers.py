"""A new congress starts with the usual suggestion categories, which its staff then adjust."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from congress.models import Congress


@receiver(post_save, sender=Congress, dispatch_uid="suggestion_categories_for_new_congress")
def add_default_categories(sender, instance: Congress, created: bool, raw: bool = False, **kwargs):
    if not created or raw:
        return
    from django_scopes import scope

    from suggestions.models import DEFAULT_CATEGORIES, SuggestionCategory

    with scope(congress=instance):
        SuggestionCategory.objects.bulk_create(
            [
                SuggestionCategory(congress=instance, name=name, position=position)
                for position, name in enumerate(DEFAULT_CATEGORIES, 1)
            ],
            ignore_conflicts=True,
        )
