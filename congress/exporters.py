"""The audit log as an Excel file: the auditor's search, every matching event, newest first.

It runs as a background job like every export, and the export machinery records the export
itself in the audit log. The file is kept for a day: it holds addresses and account names.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.audit import AuditAction
from congress.audit_selectors import AuditSearch, audit_event_search, audit_rows
from congress.errors import DomainError
from congress.forms import AuditSearchForm
from congress.models import Membership
from reports.exporting import Column, Exporter, Sheet, register
from reports.listing import subtitle, titled


@register
class AuditLogExporter(Exporter):
    identifier = "audit-log"
    name = gettext_lazy("Security audit log")
    permission = "congress.export_audit_log"
    keep_days = 1
    unit = gettext_lazy("events")

    @classmethod
    def options_from_query(cls, query: QueryDict, membership: Membership) -> dict:
        form = AuditSearchForm(query)
        if not form.is_valid():
            raise DomainError(next(iter(form.errors.values()))[0])
        return form.search().as_options()

    @property
    def search(self) -> AuditSearch:
        return AuditSearch.from_options(self.options)

    def describe(self) -> list[tuple[str, str]]:
        search = self.search
        labels = dict(AuditAction.choices)
        described = [
            (_("Date from"), search.date_from.isoformat() if search.date_from else ""),
            (_("Date to"), search.date_to.isoformat() if search.date_to else ""),
            (_("Account"), search.account),
            (_("Action"), str(labels.get(search.action, "")) if search.action else ""),
            (
                _("Result"),
                ""
                if search.success is None
                else _("successful")
                if search.success
                else _("failed"),
            ),
            (_("Text"), search.text),
        ]
        return [(label, value) for label, value in described if value]

    def title(self) -> str:
        return titled(str(self.name), self.describe())

    def list_url(self) -> str:
        query = QueryDict(mutable=True)
        for key, value in self.options.items():
            if value:
                query[{"success": "result", "text": "q"}.get(key, key)] = value
        url = reverse("congress:audit_events", kwargs={"congress_slug": self.congress.slug})
        return f"{url}?{query.urlencode()}" if query else url

    def sheets(self) -> Iterator[Sheet]:
        labels = {value: str(label) for value, label in AuditAction.choices}
        succeeded, failed = _("successful"), _("failed")
        events = audit_event_search(search=self.search)

        def rows():
            for event in audit_rows(events):
                yield [
                    f"{timezone.localtime(event.created_at):%Y-%m-%d %H:%M:%S}",
                    event.username,
                    event.user.get_full_name() if event.user_id else "",
                    labels.get(event.action, event.action),
                    succeeded if event.success else failed,
                    event.ip_address or "",
                    event.summary,
                    f"{event.target_type} {event.target_id}".strip(),
                    event.user_agent,
                ]

        yield Sheet(
            name=_("Security audit log"),
            title=self.heading(_("Security audit log")),
            subtitle=subtitle(self.describe()),
            columns=[
                Column(_("Time"), 20, "text"),
                Column(_("Account"), 16, "text"),
                Column(_("Name"), 12),
                Column(_("Action"), 16),
                Column(_("Result"), 8),
                Column(_("Address"), 16, "text"),
                Column(_("Event summary"), 48),
                Column(_("Object"), 24, "text"),
                Column(_("Browser"), 40),
            ],
            rows=rows(),
        )
