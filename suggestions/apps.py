from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "suggestions"
    verbose_name = _("suggestions")

    def ready(self) -> None:
        from suggestions import receivers  # noqa: F401
