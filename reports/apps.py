from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("reports")

    def ready(self) -> None:
        # Each app declares its exports in its own `exporters` module; importing them fills the
        # registry the export pages and jobs look exporters up in.
        from importlib import import_module

        from django.apps import apps

        for config in apps.get_app_configs():
            try:
                import_module(f"{config.name}.exporters")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.exporters":
                    raise
