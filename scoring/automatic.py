"""Records the system already knows: known work scores itself, linked to its source."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.models import Congress
from deputies.models import Deputy, DeputyStatus

from .models import DutyQuarter, DutyRecord, RecordOrigin, RecordStatus, quarter_of
from .selectors import rule_set_for_quarter
from .services import MAX_DESCRIPTION, MAX_REASON, record_events


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
    approved without audit, under the item the year's rules give that source. Idempotent per
    (source, id, deputy); nothing is recorded when no item takes the source, the quarter is
    closed, or the deputy is not serving. Returns how many were created."""
    if occurred_on > timezone.localdate():
        return 0
    rule_set = rule_set_for_quarter(year=occurred_on.year, quarter=quarter_of(occurred_on))
    if rule_set is None:
        return 0
    item = next((i for i in rule_set.items.all() if source in (i.auto_sources or [])), None)
    if item is None:
        return 0
    if DutyQuarter.objects.filter(
        year=occurred_on.year, quarter=quarter_of(occurred_on), status=DutyQuarter.Status.CLOSED
    ).exists():
        return 0
    wanted = set(deputy_ids)
    existing = set(
        DutyRecord.objects.filter(
            source_type=source, source_id=source_id, deputy_id__in=wanted
        ).values_list("deputy_id", flat=True)
    )
    serving = set(
        Deputy.objects.filter(pk__in=wanted - existing, status=DeputyStatus.SERVING).values_list(
            "pk", flat=True
        )
    )
    if not serving:
        return 0
    description = " ".join(description.split())[:MAX_DESCRIPTION] or item.name
    now = timezone.now()
    records = [
        DutyRecord(
            congress=congress,
            deputy_id=deputy_id,
            category_code=item.code,
            category_name=item.name,
            kind=item.kind,
            occurred_on=occurred_on,
            year=occurred_on.year,
            quarter=quarter_of(occurred_on),
            description=description,
            origin=RecordOrigin.AUTOMATIC,
            status=RecordStatus.APPROVED,
            source_type=source,
            source_id=source_id,
            created_at=now,
        )
        for deputy_id in sorted(serving)
    ]
    with transaction.atomic():
        DutyRecord.objects.bulk_create(records, ignore_conflicts=True)
        created = list(
            DutyRecord.objects.filter(
                source_type=source, source_id=source_id, deputy_id__in=serving, created_at=now
            )
        )
        record_events(created, action="automatic", actor=None, before={})
    return len(created)


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
