"""Exports of the suggestions app: the staff's suggestion list as its filters show it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.models import Membership
from reports.exporting import Column, Exporter, Sheet, register
from reports.listing import name_of, scoped_id, subtitle, titled, yes_no
from suggestions import office_selectors as selectors
from suggestions.models import (
    CongressSession,
    HandlingUnit,
    SuggestionCategory,
    SuggestionKind,
    SuggestionStatus,
)

COLUMNS = [
    Column("编号", 12, "text"),
    Column("类型", 8),
    Column("标题", 40),
    Column("领衔代表", 12),
    Column("会次", 22),
    Column("类别", 14),
    Column("状态", 12),
    Column("主办单位", 22),
    Column("重点督办", 10),
    Column("提出时间", 17, "datetime"),
    Column("交办日期", 12, "date"),
    Column("答复期限", 12, "date"),
    Column("逾期天数", 10, "int"),
    Column("答复日期", 12, "date"),
]


@register
class SuggestionListExporter(Exporter):
    """The supervision list (suggestions and motions) with the list page's filters."""

    identifier = "suggestions"
    name = "建议议案"
    permission = "suggestions.export_suggestions"
    unit = gettext_lazy("suggestions")

    @classmethod
    def options_from_query(cls, query: QueryDict, membership: Membership) -> dict:
        from suggestions.office_forms import SuggestionFilterForm

        form = SuggestionFilterForm(query, choices=selectors.filter_choices())
        options = asdict(form.filters())
        # The ids are checked through the scope: another congress's is refused, not dropped.
        options["category_id"] = scoped_id(
            query, "category", SuggestionCategory.objects.all(), _("category")
        )
        options["unit_id"] = scoped_id(query, "unit", HandlingUnit.objects.all(), _("unit"))
        if query.get("session") and query.get("session") != selectors.RECESS:
            options["session"] = str(
                scoped_id(query, "session", CongressSession.objects.all(), _("session"))
            )
        return options

    @property
    def filters(self) -> selectors.SuggestionFilters:
        return selectors.SuggestionFilters(**self.options)

    def describe(self) -> list[tuple[str, str]]:
        filters = self.filters
        described = []
        if filters.search:
            described.append((_("Search"), filters.search))
        if filters.status:
            described.append((_("Status"), str(SuggestionStatus(filters.status).label)))
        if filters.kind:
            described.append((_("Type"), str(SuggestionKind(filters.kind).label)))
        if filters.session == selectors.RECESS:
            described.append((_("Session"), _("Recess")))
        elif filters.session:
            described.append((_("Session"), name_of(CongressSession, int(filters.session))))
        if filters.category_id:
            described.append((_("Category"), name_of(SuggestionCategory, filters.category_id)))
        if filters.unit_id:
            described.append((_("Lead unit"), name_of(HandlingUnit, filters.unit_id)))
        if filters.key_only:
            described.append((_("Key supervision only"), _("yes")))
        if filters.overdue_only:
            described.append((_("Overdue only"), _("yes")))
        if filters.due_within is not None:
            described.append((_("Due within (days)"), str(filters.due_within)))
        return described

    def title(self) -> str:
        return titled(self.name, self.describe())

    def list_url(self) -> str:
        return reverse("suggestions:list", kwargs={"congress_slug": self.congress.slug})

    def queryset(self, today):
        return selectors.suggestion_list(
            membership=self.membership, filters=self.filters, today=today
        )

    def count(self) -> int:
        return self.queryset(timezone.localdate()).count()

    def sheets(self) -> Iterator[Sheet]:
        today = timezone.localdate()
        queryset = self.queryset(today)
        recess = _("Recess")

        def rows() -> Iterator[list]:
            for suggestion in queryset.iterator(chunk_size=2000):
                leads = suggestion.lead_assignments
                deadline = selectors.deadline(suggestion, today)
                yield [
                    suggestion.number_display,
                    suggestion.get_kind_display(),
                    suggestion.title,
                    suggestion.lead_deputy.name,
                    suggestion.session.name if suggestion.session else recess,
                    suggestion.category.name if suggestion.category else "",
                    suggestion.get_status_display(),
                    leads[0].unit.name if leads else "",
                    yes_no(suggestion.is_key),
                    suggestion.submitted_at,
                    suggestion.assigned_on,
                    suggestion.due_on,
                    deadline.days_overdue if deadline and deadline.overdue else None,
                    suggestion.replied_on,
                ]

        description = self.describe()
        yield Sheet(
            name=self.name,
            title=self.heading(self.name),
            subtitle=subtitle([*description, (_("Exported on"), f"{today:%Y-%m-%d}")]),
            columns=COLUMNS,
            rows=rows(),
            total=queryset.count(),
        )
