"""Records the system already knows: known work scores itself, linked to its source."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.models import Congress
from deputies.models import Deputy, DeputyStatus

from .models import (
    AutoSource,
    DutyQuarter,
    DutyRecord,
    RecordOrigin,
    RecordStatus,
    RuleItem,
    quarter_of,
)
from .selectors import quarter_is_closed, rule_set_for_quarter
from .services import MAX_DESCRIPTION, MAX_REASON, in_congress_session, record_events

if TYPE_CHECKING:
    from liaison.models import GroupProject, ReceptionDay, VoterMessage
    from suggestions.models import Suggestion


def _item_for_source(source: str, day: date) -> RuleItem | None:
    """The item of the rules in force that day that takes this source, if the quarter is open."""
    if day > timezone.localdate():
        return None
    year, quarter = day.year, quarter_of(day)
    if quarter_is_closed(day=day):
        return None
    rule_set = rule_set_for_quarter(year=year, quarter=quarter)
    if rule_set is None:
        return None
    item = next((i for i in rule_set.items.all() if source in (i.auto_sources or [])), None)
    # Known work is held to the same calendar as reported work.
    if item is not None and item.recess_only and in_congress_session(day):
        return None
    return item


@transaction.atomic
def duty_records_from_source(
    *,
    congress: Congress,
    source: str,
    source_id: int,
    deputy_ids: Iterable[int],
    occurred_on: date,
    description: str,
) -> int:
    """Record known work (a suggestion accepted, a reception attended, ...) for these deputies,
    approved without audit, under the item the year's rules give that source.

    Idempotent per (source, id, deputy): a record that exists is left as it is, and one that
    was withdrawn (the work undone) counts again, with an event saying so. Nothing is recorded
    when no item takes the source, the quarter is closed, or the deputy is not serving.
    Returns how many records were created or restored."""
    item = _item_for_source(source, occurred_on)
    if item is None:
        return 0
    wanted = set(deputy_ids)
    serving = set(
        Deputy.objects.filter(pk__in=wanted, status=DeputyStatus.SERVING).values_list(
            "pk", flat=True
        )
    )
    if not serving:
        return 0
    existing = {
        record.deputy_id: record
        for record in DutyRecord.objects.select_for_update(of=("self",)).filter(
            source_type=source, source_id=source_id, deputy_id__in=serving
        )
    }
    description = " ".join(description.split())[:MAX_DESCRIPTION] or item.name
    restored = _restore(
        [record for record in existing.values() if record.status == RecordStatus.REJECTED],
        item=item,
        occurred_on=occurred_on,
        description=description,
    )
    now = timezone.now()
    records = [
        DutyRecord.for_item(
            item,
            occurred_on,
            congress=congress,
            deputy_id=deputy_id,
            description=description,
            origin=RecordOrigin.AUTOMATIC,
            status=RecordStatus.APPROVED,
            source_type=source,
            source_id=source_id,
            created_at=now,
        )
        for deputy_id in sorted(serving - set(existing))
    ]
    if not records:
        return restored
    # Two requests recording the same work at once: the unique constraint keeps one record.
    DutyRecord.objects.bulk_create(records, ignore_conflicts=True)
    created = list(
        DutyRecord.objects.filter(
            source_type=source,
            source_id=source_id,
            deputy_id__in=[record.deputy_id for record in records],
            created_at=now,
        )
    )
    record_events(created, action="automatic", actor=None, before={})
    return restored + len(created)


def _restore(
    records: list[DutyRecord], *, item: RuleItem, occurred_on: date, description: str
) -> int:
    """Withdrawn records of work that was done again count again (with today's category)."""
    if not records:
        return 0
    DutyRecord.objects.filter(pk__in=[record.pk for record in records]).update(
        status=RecordStatus.APPROVED,
        reject_reason="",
        category_code=item.code,
        category_name=item.name,
        kind=item.kind,
        occurred_on=occurred_on,
        year=occurred_on.year,
        quarter=quarter_of(occurred_on),
        description=description,
        updated_at=timezone.now(),
    )
    before = {record.pk: record.status for record in records}
    for record in records:
        record.status = RecordStatus.APPROVED
    record_events(
        records,
        action="restore",
        actor=None,
        before=before,
        note=_("The work it recorded was done after all."),
    )
    return len(records)


@transaction.atomic
def duty_records_withdraw_source(
    *, source: str, source_id: int, keep_deputy_ids: Iterable[int] = (), reason: str = ""
) -> int:
    """The known work was undone (attendance corrected to absent): its automatic records of the
    other deputies stop counting (rejected, with the reason kept), unless their quarter is
    closed. Returns how many."""
    closed = set(
        DutyQuarter.objects.filter(status=DutyQuarter.Status.CLOSED).values_list("year", "quarter")
    )
    records = [
        record
        for record in DutyRecord.objects.select_for_update(of=("self",))
        .filter(source_type=source, source_id=source_id, status=RecordStatus.APPROVED)
        .exclude(deputy_id__in=list(keep_deputy_ids))
        if (record.year, record.quarter) not in closed
    ]
    if not records:
        return 0
    reason = (reason or _("The work it recorded was undone."))[:MAX_REASON]
    before = {record.pk: record.status for record in records}
    DutyRecord.objects.filter(pk__in=[record.pk for record in records]).update(
        status=RecordStatus.REJECTED, reject_reason=reason, updated_at=timezone.now()
    )
    for record in records:
        record.status = RecordStatus.REJECTED
    record_events(records, action="withdraw", actor=None, before=before, note=reason)
    return len(records)


# The sources: each service that finishes known work calls one of these in its transaction.


def duty_records_for_suggestion(*, suggestion: Suggestion, accepted_on: date | None = None) -> int:
    """An accepted suggestion scores for its leading deputy and the co-signers who confirmed."""
    from suggestions.models import CosignerStatus

    day = accepted_on or timezone.localdate()
    title = suggestion.title[:200]
    number = suggestion.number_display
    created = duty_records_from_source(
        congress=suggestion.congress,
        source=AutoSource.SUGGESTION_ACCEPTED,
        source_id=suggestion.pk,
        deputy_ids=[suggestion.lead_deputy_id],
        occurred_on=day,
        description=_("Led suggestion %(number)s: %(title)s") % {"number": number, "title": title},
    )
    cosigners = suggestion.cosigners.filter(status=CosignerStatus.CONFIRMED).values_list(
        "deputy_id", flat=True
    )
    return created + duty_records_from_source(
        congress=suggestion.congress,
        source=AutoSource.SUGGESTION_ACCEPTED,
        source_id=suggestion.pk,
        deputy_ids=[pk for pk in cosigners if pk != suggestion.lead_deputy_id],
        occurred_on=day,
        description=_("Co-signed suggestion %(number)s: %(title)s")
        % {"number": number, "title": title},
    )


def duty_records_for_reception(*, day: ReceptionDay) -> int:
    """A reception day's attendance: who attended scores; who was corrected to absent or
    excused loses the record. Returns how many records were created or restored."""
    from liaison.models import Attendance

    attended = list(
        day.duties.filter(attendance=Attendance.ATTENDED).values_list("deputy_id", flat=True)
    )
    duty_records_withdraw_source(
        source=AutoSource.RECEPTION_ATTENDED,
        source_id=day.pk,
        keep_deputy_ids=attended,
        reason=_("The attendance was corrected: the deputy did not attend."),
    )
    return duty_records_from_source(
        congress=day.congress,
        source=AutoSource.RECEPTION_ATTENDED,
        source_id=day.pk,
        deputy_ids=attended,
        occurred_on=day.date,
        description=_("Received voters at %(station)s") % {"station": day.station.name},
    )


def duty_records_for_message(*, message: VoterMessage, answered_on: date | None = None) -> int:
    """An answered voter message scores for the deputy who had it: the one it was forwarded
    to, else the one it was addressed to (nobody when staff answered it for the station)."""
    deputy_id = message.forwarded_to_deputy_id or message.deputy_id
    if deputy_id is None:
        return 0
    return duty_records_from_source(
        congress=message.congress,
        source=AutoSource.MESSAGE_ANSWERED,
        source_id=message.pk,
        deputy_ids=[deputy_id],
        occurred_on=answered_on or timezone.localdate(),
        description=_("Answered a voter message (%(topic)s)")
        % {"topic": message.get_topic_display()},
    )


def duty_records_for_project(*, project: GroupProject) -> int:
    """A group project done scores for every deputy in the group, on the day it closed."""
    from liaison.models import GroupMembership

    members = GroupMembership.objects.filter(group_id=project.group_id).values_list(
        "deputy_id", flat=True
    )
    return duty_records_from_source(
        congress=project.congress,
        source=AutoSource.PROJECT_DONE,
        source_id=project.pk,
        deputy_ids=list(members),
        occurred_on=project.closed_on or timezone.localdate(),
        description=_("Group project done: %(title)s") % {"title": project.title[:200]},
    )
