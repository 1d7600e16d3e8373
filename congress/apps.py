from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CongressConfig(AppConfig):
    name = "congress"
    verbose_name = _("congresses and accounts")

    def ready(self) -> None:
        # Receivers: the accounts pages' (sessions, the second sign-in step) and the audit log's
        # (sign-ins, lockouts, state changes), with its checks and job.
        # The data versions' watch on every connection, which cached page parts are keyed by.
        from congress import account_signals, audit_receivers, data_versions  # noqa: F401
