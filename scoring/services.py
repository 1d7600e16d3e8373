"""Writes for duty points: rule sets, records and their review, closing a quarter."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.errors import DomainError
from congress.images import clean_photo
from congress.models import Congress, User
from congress.notifications import Notice, notify_many
from deputies.models import Deputy, DeputyStatus

from .models import (
    AutoSource,
    CapPeriod,
    DutyQuarter,
    DutyRecord,
    DutyRecordEvent,
    DutyRecordPhoto,
    ItemKind,
    RecordOrigin,
    RecordStatus,
    RuleItem,
    RuleSet,
    WarningRule,
    quarter_of,
)
from .presets import DEFAULT_WARNING_RULES, PRESETS
from .selectors import QuarterRules, quarter_bounds, quarter_rules, rule_set_current

MAX_DESCRIPTION = 500
MAX_REASON = 300
MAX_PHOTOS = 6
MAX_BATCH = 2000
MAX_ITEMS = 40


# Rule sets -------------------------------------------------------------------------------


def _item_from_data(data: dict, *, position: int) -> RuleItem:
    """A RuleItem (unsaved) from a dict of form or API data, refused with a Chinese message."""
    code = str(data.get("code", "")).strip().lower()
    name = str(data.get("name", "")).strip()
    try:
        points = Decimal(str(data.get("points", "")).strip())
    except InvalidOperation as error:
        raise DomainError(
            _("Points of %(name)s must be a number.") % {"name": name or code}, field="items"
        ) from error
    cap_raw = data.get("cap_points")
    cap_points = None
    if cap_raw not in (None, ""):
        try:
            cap_points = Decimal(str(cap_raw).strip())
        except InvalidOperation as error:
            raise DomainError(
                _("The cap of %(name)s must be a number.") % {"name": name or code},
                field="items",
            ) from error
    kind = data.get("kind") or ItemKind.DUTY
    auto_sources = [source for source in data.get("auto_sources") or [] if source]
    item = RuleItem(
        code=code,
        name=name,
        kind=kind,
        points=points,
        cap_points=cap_points,
        cap_period=data.get("cap_period") or CapPeriod.NONE,
        evidence_required=bool(data.get("evidence_required")),
        recess_only=bool(data.get("recess_only")),
        auto_sources=auto_sources,
        self_reported=bool(data.get("self_reported", kind == ItemKind.DUTY)),
        position=position,
    )
    label = name or code or str(position + 1)
    if not code or not name:
        raise DomainError(_("Every item needs a code and a name."), field="items")
    if kind not in ItemKind.values:
        raise DomainError(_("Unknown kind for %(name)s.") % {"name": label}, field="items")
    if kind == ItemKind.DEDUCTION and points >= 0:
        raise DomainError(
            _("A deduction takes points away: give %(name)s a negative number.") % {"name": label},
            field="items",
        )
    if kind != ItemKind.DEDUCTION and points <= 0:
        raise DomainError(
            _("%(name)s must be worth more than 0 points.") % {"name": label}, field="items"
        )
    if not Decimal("-100") <= points <= Decimal("100"):
        raise DomainError(
            _("Points of %(name)s must be between -100 and 100.") % {"name": label},
            field="items",
        )
    if (cap_points is None) != (item.cap_period == CapPeriod.NONE):
        raise DomainError(
            _("Give %(name)s both a cap and its period, or neither.") % {"name": label},
            field="items",
        )
    if item.cap_period not in CapPeriod.values:
        raise DomainError(_("Unknown cap period for %(name)s.") % {"name": label}, field="items")
    if cap_points is not None and not Decimal("0") < cap_points <= Decimal("10000"):
        raise DomainError(
            _("The cap of %(name)s must be more than 0.") % {"name": label}, field="items"
        )
    unknown = set(auto_sources) - set(AutoSource.values) - {""}
    if unknown:
        raise DomainError(
            _("Unknown automatic source for %(name)s.") % {"name": label}, field="items"
        )
    if kind == ItemKind.DEDUCTION and item.self_reported:
        item.self_reported = False
    try:
        item.clean_fields(exclude=["congress", "rule_set"])
    except ValidationError as error:
        first = next(iter(error.message_dict.values()))
        raise DomainError(f"{label}: {' '.join(first)}", field="items") from error
    return item


def _check_items(items: list[RuleItem]) -> None:
    if not items:
        raise DomainError(_("A rule set needs at least one item."), field="items")
    if len(items) > MAX_ITEMS:
        raise DomainError(
            _("A rule set can have at most %(count)s items.") % {"count": MAX_ITEMS},
            field="items",
        )
    codes = [item.code for item in items]
    if len(set(codes)) != len(codes):
        raise DomainError(_("Two items have the same code."), field="items")
    sources = [source for item in items for source in item.auto_sources]
    if len(set(sources)) != len(sources):
        raise DomainError(
            _("Each kind of automatic record can score under one item only."), field="items"
        )


def _write_rule_set(
    *,
    actor: User | None,
    congress: Congress,
    year: int,
    name: str,
    preset: str,
    close_after_days: int,
    note: str,
    items: list[RuleItem],
) -> RuleSet:
    _check_items(items)
    name = (name or "").strip()[:100]
    if not name:
        raise DomainError(_("Give the rule set a name."), field="name")
    if not 2000 <= int(year) <= 2100:
        raise DomainError(_("Enter a year between 2000 and 2100."), field="year")
    if not 0 <= int(close_after_days) <= 60:
        raise DomainError(
            _("The days to report after a quarter are between 0 and 60."),
            field="close_after_days",
        )
    latest = RuleSet.objects.select_for_update().filter(year=year).order_by("-version").first()
    version = latest.version + 1 if latest else 1
    try:
        with transaction.atomic():
            rule_set = RuleSet.objects.create(
                congress=congress,
                year=year,
                version=version,
                name=name,
                preset=preset,
                close_after_days=close_after_days,
                note=(note or "").strip()[:300],
                created_by=actor,
            )
    except IntegrityError as error:
        raise DomainError(
            _("Someone else changed these rules at the same moment. Reload and try again."),
            code="conflict",
        ) from error
    for item in items:
        item.pk = None
        item.congress = congress
        item.rule_set = rule_set
    RuleItem.objects.bulk_create(items)
    return rule_set


@transaction.atomic
def rule_set_create_from_preset(
    *, actor: User | None, congress: Congress, year: int, preset: str
) -> RuleSet:
    """Start a year's rules from a preset (a new version when the year already has rules)."""
    if preset not in PRESETS:
        raise DomainError(_("Choose one of the presets."), field="preset")
    chosen = PRESETS[preset]
    items = [
        _item_from_data(
            {
                "code": item.code,
                "name": item.name,
                "kind": item.kind,
                "points": item.points,
                "cap_points": item.cap_points,
                "cap_period": item.cap_period,
                "evidence_required": item.evidence_required,
                "recess_only": item.recess_only,
                "auto_sources": list(item.auto_sources),
                "self_reported": item.self_reported,
            },
            position=position,
        )
        for position, item in enumerate(chosen.items)
    ]
    current = rule_set_current(year=year)
    return _write_rule_set(
        actor=actor,
        congress=congress,
        year=year,
        name=f"{year}年{chosen.name}",
        preset=chosen.code,
        close_after_days=current.close_after_days if current else 10,
        note=_("Started from the preset: %(name)s") % {"name": chosen.name},
        items=items,
    )


@transaction.atomic
def rule_set_revise(
    *,
    actor: User,
    rule_set: RuleSet,
    items: Sequence[dict],
    name: str | None = None,
    close_after_days: int | None = None,
    note: str = "",
) -> RuleSet:
    """Write the edited rules as the year's next version. Earlier versions stay as they were,
    so a closed quarter keeps the rules it was scored by; open quarters take the new ones."""
    current = rule_set_current(year=rule_set.year)
    if current is not None and current.pk != rule_set.pk:
        raise DomainError(
            _("These rules were revised since you opened them. Reload and edit the latest."),
            code="conflict",
        )
    built = [_item_from_data(dict(data), position=index) for index, data in enumerate(items)]
    return _write_rule_set(
        actor=actor,
        congress=rule_set.congress,
        year=rule_set.year,
        name=rule_set.name if name is None else name,
        preset=rule_set.preset,
        close_after_days=rule_set.close_after_days
        if close_after_days is None
        else close_after_days,
        note=note,
        items=built,
    )


@transaction.atomic
def warning_rules_install_defaults(*, congress: Congress) -> int:
    """The starting warning rules (Hai'an's grades, Xiangcheng's watch lists), once."""
    existing = set(WarningRule.objects.values_list("condition", "level"))
    new = [
        WarningRule(congress=congress, **rule)
        for rule in DEFAULT_WARNING_RULES
        if (rule["condition"], rule["level"]) not in existing
    ]
    WarningRule.objects.bulk_create(new)
    return len(new)


# Records ---------------------------------------------------------------------------------


def record_events(
    records: Iterable[DutyRecord], *, action: str, actor: User | None, before: dict, note: str = ""
) -> None:
    """One event per record: its review history (in bulk, so a batch audit stays cheap)."""
    now = timezone.now()
    DutyRecordEvent.objects.bulk_create(
        [
            DutyRecordEvent(
                congress_id=record.congress_id,
                record=record,
                action=action,
                from_status=before.get(record.pk, ""),
                to_status=record.status,
                actor=actor,
                note=note[:300],
                at=now,
            )
            for record in records
        ]
    )


def _clean_description(description: str) -> str:
    description = " ".join((description or "").split())
    if not description:
        raise DomainError(_("Say in a few words what you did."), field="description")
    if len(description) > MAX_DESCRIPTION:
        raise DomainError(
            _("The description can be at most %(count)s characters.") % {"count": MAX_DESCRIPTION},
            field="description",
        )
    return description


def in_congress_session(day: date) -> bool:
    """A congress meeting is sitting that day (recess-only duties cannot be dated then)."""
    from suggestions.models import CongressSession

    return CongressSession.objects.filter(starts_on__lte=day, ends_on__gte=day).exists()


def _check_day(day: date | None) -> tuple[date, QuarterRules]:
    """The day of a duty, checked, with the rules of its quarter."""
    if day is None:
        raise DomainError(_("Enter the date of the duty."), field="occurred_on")
    if day > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field="occurred_on")
    if day.year < 2000:
        raise DomainError(_("Enter a real date."), field="occurred_on")
    rules = quarter_rules(year=day.year, quarter=quarter_of(day))
    if rules.closed:
        raise DomainError(
            _("%(year)sQ%(quarter)s is closed: its records can no longer change.")
            % {"year": day.year, "quarter": quarter_of(day)},
            field="occurred_on",
        )
    return day, rules


def _item_for(day: date, code: str, rules: QuarterRules) -> RuleItem:
    """The category `code` of the rules the day's quarter is scored by."""
    item = rules.items.get(code)
    if item is not None:
        return item
    if not rules.has_rules:
        raise DomainError(
            _("No scoring rules are set for %(year)s yet.") % {"year": day.year},
            field="occurred_on",
        )
    raise DomainError(_("Choose one of the categories."), field="category")


def _check_recess(item: RuleItem, day: date) -> None:
    if item.recess_only and in_congress_session(day):
        raise DomainError(
            _("%(name)s counts only between congress meetings, and a meeting sat that day.")
            % {"name": item.name},
            field="occurred_on",
        )


@transaction.atomic
def duty_record_report(
    *,
    actor: User,
    deputy: Deputy,
    category: str,
    occurred_on: date | None,
    description: str,
    photos: Sequence = (),
) -> DutyRecord:
    """A deputy reports a duty: it waits for the station's audit. Photos are re-encoded
    without location data; a category that needs evidence needs at least one."""
    day, rules = _check_day(occurred_on)
    item = _item_for(day, category, rules)
    if not item.self_reported:
        raise DomainError(
            _("%(name)s is recorded by staff or the system, not reported.") % {"name": item.name},
            field="category",
        )
    _check_recess(item, day)
    description = _clean_description(description)
    photos = [photo for photo in photos if photo]
    if len(photos) > MAX_PHOTOS:
        raise DomainError(
            _("Attach at most %(count)s photos.") % {"count": MAX_PHOTOS}, field="photos"
        )
    if item.evidence_required and not photos:
        raise DomainError(
            _("%(name)s needs a photo as evidence.") % {"name": item.name}, field="photos"
        )
    cleaned = []
    for photo in photos:
        try:
            cleaned.append(clean_photo(photo))
        except ValidationError as error:
            raise DomainError(" ".join(error.messages), field="photos") from error
    record = DutyRecord.for_item(
        item,
        day,
        congress=deputy.congress,
        deputy=deputy,
        description=description,
        origin=RecordOrigin.DEPUTY,
        status=RecordStatus.SUBMITTED,
        created_by=actor,
    )
    record.save()
    for content in cleaned:
        photo = DutyRecordPhoto(congress=deputy.congress, record=record)
        photo.image.save(content.name, content, save=False)
        photo.save()
    record_events([record], action="report", actor=actor, before={})
    return record


@transaction.atomic
def duty_records_enter(
    *,
    actor: User,
    deputies: Sequence[Deputy],
    category: str,
    occurred_on: date | None,
    description: str,
) -> tuple[list[DutyRecord], list[Deputy]]:
    """Staff enter one duty for many deputies at once (a meeting's attendance list). Entered
    records need no audit. A deputy who already has this category on this day is skipped.

    Returns (created records, skipped deputies)."""
    day, rules = _check_day(occurred_on)
    item = _item_for(day, category, rules)
    _check_recess(item, day)
    description = _clean_description(description)
    deputies = list({deputy.pk: deputy for deputy in deputies}.values())
    if not deputies:
        raise DomainError(_("Choose at least one deputy."), field="deputies")
    if len(deputies) > MAX_BATCH:
        raise DomainError(
            _("Enter at most %(count)s deputies at once.") % {"count": MAX_BATCH},
            field="deputies",
        )
    not_serving = [deputy.name for deputy in deputies if deputy.status != DeputyStatus.SERVING]
    if not_serving:
        raise DomainError(
            _("Not serving deputies cannot earn points: %(names)s")
            % {"names": "、".join(not_serving[:10])},
            field="deputies",
        )
    already = set(
        DutyRecord.objects.filter(
            deputy_id__in=[deputy.pk for deputy in deputies],
            category_code=item.code,
            occurred_on=day,
        )
        .exclude(status=RecordStatus.REJECTED)
        .values_list("deputy_id", flat=True)
    )
    now = timezone.now()
    records = [
        DutyRecord.for_item(
            item,
            day,
            congress=deputy.congress,
            deputy=deputy,
            description=description,
            origin=RecordOrigin.STAFF,
            status=RecordStatus.APPROVED,
            reviewed_by=actor,
            reviewed_at=now,
            created_by=actor,
            created_at=now,
        )
        for deputy in deputies
        if deputy.pk not in already
    ]
    DutyRecord.objects.bulk_create(records)
    record_events(records, action="enter", actor=actor, before={})
    return records, [deputy for deputy in deputies if deputy.pk in already]


def _locked_records(records: Iterable[DutyRecord | int]) -> list[DutyRecord]:
    ids = sorted({record if isinstance(record, int) else record.pk for record in records})
    if not ids:
        raise DomainError(_("Choose at least one record."), field="records")
    if len(ids) > MAX_BATCH:
        raise DomainError(
            _("Audit at most %(count)s records at once.") % {"count": MAX_BATCH}, field="records"
        )
    return list(
        DutyRecord.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("deputy__user")
        .order_by("pk")
    )


def _closed_quarters(records: list[DutyRecord]) -> set[tuple[int, int]]:
    keys = {(record.year, record.quarter) for record in records}
    closed = set(
        DutyQuarter.objects.filter(status=DutyQuarter.Status.CLOSED).values_list("year", "quarter")
    )
    return keys & closed


@transaction.atomic
def duty_records_approve(*, actor: User, records: Iterable[DutyRecord | int]) -> int:
    """Approve the records awaiting audit among these; the others are left as they are.
    Returns how many were approved."""
    locked = _locked_records(records)
    closed = _closed_quarters(locked)
    chosen = [
        record
        for record in locked
        if record.status == RecordStatus.SUBMITTED and (record.year, record.quarter) not in closed
    ]
    if not chosen:
        return 0
    before = {record.pk: record.status for record in chosen}
    now = timezone.now()
    DutyRecord.objects.filter(pk__in=[record.pk for record in chosen]).update(
        status=RecordStatus.APPROVED,
        reviewed_by=actor,
        reviewed_at=now,
        reject_reason="",
        updated_at=now,
    )
    for record in chosen:
        record.status = RecordStatus.APPROVED
    record_events(chosen, action="approve", actor=actor, before=before)
    return len(chosen)


@transaction.atomic
def duty_records_reject(*, actor: User, records: Iterable[DutyRecord | int], reason: str) -> int:
    """Reject records awaiting audit (or approved ones not yet confirmed), saying why; each
    deputy is told once. Automatic records cannot be rejected: undo their source instead."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_("Say why the records are rejected."), field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(
            _("The reason can be at most %(count)s characters.") % {"count": MAX_REASON},
            field="reason",
        )
    locked = _locked_records(records)
    closed = _closed_quarters(locked)
    chosen = [
        record
        for record in locked
        if record.status in (RecordStatus.SUBMITTED, RecordStatus.APPROVED)
        and record.origin != RecordOrigin.AUTOMATIC
        and (record.year, record.quarter) not in closed
    ]
    if not chosen:
        return 0
    before = {record.pk: record.status for record in chosen}
    now = timezone.now()
    DutyRecord.objects.filter(pk__in=[record.pk for record in chosen]).update(
        status=RecordStatus.REJECTED,
        reviewed_by=actor,
        reviewed_at=now,
        reject_reason=reason,
        updated_at=now,
    )
    for record in chosen:
        record.status = RecordStatus.REJECTED
    record_events(chosen, action="reject", actor=actor, before=before, note=reason)
    by_deputy: dict[int, list[DutyRecord]] = {}
    for record in chosen:
        by_deputy.setdefault(record.deputy_id, []).append(record)
    notices = [
        Notice(
            user=deputy_records[0].deputy.user,
            kind="duty_rejected",
            title=_("%(count)s duty records were not approved") % {"count": len(deputy_records)},
            body=reason,
        )
        for deputy_records in by_deputy.values()
        if deputy_records[0].deputy.user_id not in (None, actor.pk)
    ]
    if notices:
        notify_many(congress=chosen[0].congress, notices=notices)
    return len(chosen)


# Closing a quarter -----------------------------------------------------------------------


def quarter_has_ended(year: int, quarter: int) -> bool:
    return quarter_bounds(year, quarter)[1] < timezone.localdate()


def _locked_quarter(congress: Congress, year: int, quarter: int) -> DutyQuarter:
    DutyQuarter.objects.get_or_create(congress=congress, year=year, quarter=quarter)
    return DutyQuarter.objects.select_for_update().get(year=year, quarter=quarter)


@transaction.atomic
def duty_quarter_close(
    *, actor: User | None, congress: Congress, year: int, quarter: int
) -> DutyQuarter:
    """The committee confirms the quarter: approved records become confirmed with the points
    of the rules in force frozen into them, and nothing in the quarter can change afterwards.
    Refused while the quarter is running or records still await audit. Closing a closed
    quarter returns it as it is."""
    if not 1 <= quarter <= 4:
        raise DomainError(_("A quarter is 1 to 4."), field="quarter")
    locked = _locked_quarter(congress, year, quarter)
    if locked.is_closed:
        return locked
    if not quarter_has_ended(year, quarter):
        raise DomainError(
            _("%(label)s has not ended yet.") % {"label": locked.label}, field="quarter"
        )
    rule_set = rule_set_current(year=year)
    if rule_set is None:
        raise DomainError(
            _("No scoring rules are set for %(year)s yet.") % {"year": year}, field="quarter"
        )
    pending = DutyRecord.objects.filter(
        year=year, quarter=quarter, status=RecordStatus.SUBMITTED
    ).count()
    if pending:
        raise DomainError(
            _("%(count)s records of %(label)s still await audit: audit them first.")
            % {"count": pending, "label": locked.label},
            code="conflict",
        )
    records = DutyRecord.objects.filter(year=year, quarter=quarter, status=RecordStatus.APPROVED)
    _confirm_events(congress=congress, year=year, quarter=quarter, actor=actor)
    item_points = RuleItem.objects.filter(rule_set=rule_set, code=OuterRef("category_code"))
    records.update(
        status=RecordStatus.CONFIRMED,
        points=Subquery(item_points.values("points")[:1]),
        updated_at=timezone.now(),
    )
    # A category the rules no longer have scores nothing, visibly.
    DutyRecord.objects.filter(
        year=year, quarter=quarter, status=RecordStatus.CONFIRMED, points__isnull=True
    ).update(points=Decimal("0"))
    locked.status = DutyQuarter.Status.CLOSED
    locked.rule_set = rule_set
    locked.closed_at = timezone.now()
    locked.closed_by = actor
    locked.save()
    return locked


def _confirm_events(*, congress: Congress, year: int, quarter: int, actor: User | None) -> None:
    """One 'confirm' event per approved record, written by the database in one statement
    (a quarter of a large congress holds hundreds of thousands of records)."""
    table = DutyRecordEvent._meta.db_table
    records = DutyRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            # Table names come from the models, never from input.
            f"""
            INSERT INTO {table} (congress_id, record_id, action, from_status, to_status,
                                 actor_id, note, at)
            SELECT congress_id, id, 'confirm', %s, %s, %s, '', %s
            FROM {records}
            WHERE congress_id = %s AND year = %s AND quarter = %s AND status = %s
            """,  # noqa: S608
            [
                RecordStatus.APPROVED,
                RecordStatus.CONFIRMED,
                actor.pk if actor else None,
                timezone.now(),
                congress.pk,
                year,
                quarter,
                RecordStatus.APPROVED,
            ],
        )


def pending_counts(*, year: int, quarter: int) -> dict[str, int]:
    rows = (
        DutyRecord.objects.filter(year=year, quarter=quarter)
        .values("status")
        .annotate(count=Count("pk"))
    )
    return {row["status"]: row["count"] for row in rows}
