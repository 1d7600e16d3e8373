"""Exports of the liaison app: the staff's voter message list as its filters show it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.masking import mask_in_text
from congress.models import Membership
from liaison import message_selectors as selectors
from liaison.models import MessageSource, MessageStatus, MessageTopic
from reports.exporting import Column, Exporter, Sheet, register
from reports.listing import name_of, scoped_id, subtitle, titled, yes_no

COLUMNS = [
    Column("查询码", 12, "text"),
    Column("来源", 12),
    Column("主题", 12),
    Column("留言内容", 50),
    Column("留言对象代表", 12),
    Column("联络站", 20),
    Column("收到时间", 17, "datetime"),
    Column("答复期限", 12, "date"),
    Column("状态", 10),
    Column("逾期", 8),
    Column("转交给", 20),
    Column("答复内容", 50),
    Column("答复时间", 17, "datetime"),
    Column("选民评价", 10),
    Column("选民意见", 30),
]


@register
class MessageListExporter(Exporter):
    """The voter message list with the list page's filters.

    Voters' names and telephone numbers are personal data given for one answer only: they are
    left out of the file on purpose (the device fingerprint too), and numbers a voter wrote into
    the text are masked. Staff who need to call a voter open the message itself.
    """

    identifier = "messages"
    name = "选民留言"
    permission = "liaison.export_messages"
    unit = gettext_lazy("messages")

    @classmethod
    def options_from_query(cls, query: QueryDict, membership: Membership) -> dict:
        from liaison.message_forms import MessageFilterForm

        form = MessageFilterForm(query, membership=membership)
        options = asdict(form.filters())
        if form.by_place:
            # Through the member's own choices: another congress's (or station's) id is refused.
            options["station_id"] = scoped_id(
                query, "station", selectors.stations_for_filter(membership=membership), _("station")
            )
            options["deputy_id"] = scoped_id(
                query, "deputy", selectors.deputies_for_member(membership=membership), _("deputy")
            )
        return options

    @property
    def filters(self) -> selectors.MessageFilters:
        return selectors.MessageFilters(**self.options)

    def describe(self) -> list[tuple[str, str]]:
        from deputies.models import Deputy
        from liaison.models import LiaisonStation

        filters = self.filters
        described = []
        if filters.search:
            described.append((_("Search"), filters.search))
        if filters.status:
            described.append((_("Status"), str(MessageStatus(filters.status).label)))
        if filters.topic:
            described.append((_("Topic"), str(MessageTopic(filters.topic).label)))
        if filters.source:
            described.append((_("Source"), str(MessageSource(filters.source).label)))
        if filters.station_id:
            described.append((_("Station"), name_of(LiaisonStation, filters.station_id)))
        if filters.deputy_id:
            described.append((_("Deputy"), name_of(Deputy, filters.deputy_id)))
        if filters.overdue:
            described.append((_("Overdue only"), _("yes")))
        if filters.due_soon:
            described.append((_("Due within 2 working days"), _("yes")))
        return described

    def title(self) -> str:
        return titled(self.name, self.describe())

    def list_url(self) -> str:
        return reverse("messages:list", kwargs={"congress_slug": self.congress.slug})

    def queryset(self, today):
        return selectors.message_list(
            membership=self.membership, filters=self.filters, today=today
        ).defer("voter_name", "voter_phone", "device_hash")

    def count(self) -> int:
        return self.queryset(timezone.localdate()).count()

    def sheets(self) -> Iterator[Sheet]:
        today = timezone.localdate()
        queryset = self.queryset(today)

        def rows() -> Iterator[list]:
            for message in queryset.iterator(chunk_size=2000):
                forwarded = message.forwarded_to_deputy or message.forwarded_to_unit
                yield [
                    message.tracking_code,
                    message.get_source_display(),
                    message.get_topic_display(),
                    mask_in_text(message.text),
                    message.deputy.name if message.deputy else "",
                    message.station.name if message.station else "",
                    message.created_at,
                    message.due_on,
                    message.get_status_display(),
                    yes_no(message.overdue),
                    forwarded.name if forwarded else "",
                    mask_in_text(message.answer),
                    message.answered_at,
                    message.get_satisfaction_display(),
                    mask_in_text(message.feedback),
                ]

        yield Sheet(
            name=self.name,
            title=self.heading(self.name),
            subtitle=subtitle([*self.describe(), (_("Exported on"), f"{today:%Y-%m-%d}")]),
            columns=COLUMNS,
            rows=rows(),
            total=queryset.count(),
        )
