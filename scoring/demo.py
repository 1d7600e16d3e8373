"""Demo duty points: a year and a bit of records, the past quarters closed and ranked, warnings.

Both demo congresses score by the six-category preset, last year and this year. Each serving
deputy does about 19 duties a year (Xiangcheng logged 19.3 in 2024), except one in ten who do
almost nothing; the records mix self-reports (audited, a few rejected, this quarter's partly
still awaiting audit), a congress meeting's attendance entered by staff, and the records the
liaison and suggestion demos already imply (receptions attended, messages answered, projects
done, suggestions accepted). Every quarter that ended more than the rules' reporting days ago
is closed and ranked, so warnings of every colour are raised. The data are drawn from seeded
generators, so they are the same on every run; seeding again adds nothing.
"""

from __future__ import annotations

import io
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from congress.models import Congress, User
from deputies.models import Deputy, DeputyStatus
from liaison.models import (
    Attendance,
    GroupMembership,
    GroupProject,
    ProjectStatus,
    ReceptionDuty,
    ReceptionStatus,
    VoterMessage,
)
from suggestions.models import CongressSession, CosignerStatus, Suggestion, SuggestionCosigner

from .models import (
    AutoSource,
    DutyQuarter,
    DutyRecord,
    DutyRecordEvent,
    DutyRecordPhoto,
    DutyWarning,
    RecordOrigin,
    RecordStatus,
    RuleItem,
    TalkOutcome,
    WarningLevel,
    WarningStatus,
    WarningTalk,
    quarter_of,
)
from .ranking import ranking_compute
from .selectors import quarter_bounds, rule_set_current
from .services import (
    duty_quarter_close,
    rule_set_create_from_preset,
    warning_rules_install_defaults,
)


@dataclass(frozen=True)
class DemoPlan:
    staff_username: str
    station_username: str
    deputy_username: str
    talk_by: str


PLANS = {
    "xiangcheng": DemoPlan("xc-staff", "xc-station", "13971000001", "区人大常委会副主任 刘德明"),
    "shiguai": DemoPlan("sg-staff", "sg-station", "15847000001", "区人大常委会副主任 郭文斌"),
}

# A year's duties for most deputies, and for the one in ten who hardly act.
ACTIVE_RANGE = (12, 30)
IDLE_RANGE = (0, 3)
IDLE_SHARE = 0.10
# What deputies report themselves, and how often.
REPORTED = {"study": 35, "inspection": 25, "contact_voters": 28, "report_to_voters": 12}
DESCRIPTIONS = {
    "study": [
        "参加区人大常委会组织的代表履职能力提升培训班",
        "参加代表小组集中学习，学习新修订的代表法",
        "参加市人大组织的代表网络专题培训",
        "参加乡村振兴专题学习交流会",
    ],
    "inspection": [
        "参加代表小组对辖区老旧小区改造项目的集中视察",
        "参加区人大常委会组织的义务教育学校建设专题调研",
        "到社区卫生服务中心调研基层医疗服务情况",
        "参加农村人居环境整治工作视察",
        "参加营商环境专题调研座谈",
    ],
    "contact_voters": [
        "到联络站接待选民，收集意见3条",
        "走访选区困难群众，了解生活情况",
        "参加社区议事会，听取居民对停车难问题的意见",
        "入户走访选民，宣传医保政策",
        "在代表之家接待来访群众，协调解决路灯维修问题",
    ],
    "report_to_voters": [
        "在选区向选民述职，接受选民评议",
        "在代表之家向选民报告年度履职情况",
    ],
}
REJECT_REASONS = [
    "未上传活动现场照片，请补充后重新提交。",
    "活动时间与照片不符，请核实后重新填报。",
    "同一活动已由联络站统一登记，不重复计分。",
    "所填活动不属于代表履职事项。",
]
TALK_NOTES = [
    "向代表通报了履职积分情况和预警原因，代表表示近期因工作繁忙参加活动较少，"
    "将合理安排时间，下季度至少参加两次进站接待。",
    "代表说明了因病住院未能参加活动的情况，提供了相关证明，常委会予以理解，"
    "请联络站协助代表补报已参加的活动。",
]


def seed() -> None:
    """Create the demo duty points that are missing; running it again changes nothing."""
    today = timezone.localdate()
    for slug, plan in PLANS.items():
        congress = Congress.objects.filter(slug=slug).first()
        if congress is None:
            continue
        with scope(congress=congress):
            Seeder(congress, plan, slug, today).run()


def _moment(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 19), rng.randint(0, 59))))


def _photo(index: int) -> ContentFile:
    """A small made-up photo (the demo has no camera)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 360), (200 - index * 9 % 120, 170, 120 + index * 13 % 120))
    drawing = ImageDraw.Draw(image)
    drawing.rectangle((40, 60, 440, 300), outline=(255, 255, 255), width=6)
    drawing.ellipse((180, 110, 300, 230), fill=(240, 240, 240))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    return ContentFile(buffer.getvalue(), name=f"demo-{index}.jpg")


def _insert(records: list[DutyRecord]) -> None:
    """Write the records in one prepared statement: a year of a congress's duties is ten
    thousand rows, and the demo must start quickly."""
    fields = [field for field in DutyRecord._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    now = timezone.now()
    rows = []
    for record in records:
        record.updated_at = now
        rows.append(
            tuple(
                field.get_db_prep_save(getattr(record, field.attname), connection)
                for field in fields
            )
        )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {DutyRecord._meta.db_table} ({columns}) VALUES ({marks})",  # noqa: S608
            rows,
        )


class Seeder:
    def __init__(self, congress: Congress, plan: DemoPlan, slug: str, today: date):
        self.congress, self.plan, self.slug, self.today = congress, plan, slug, today
        self.yesterday = today - timedelta(days=1)
        self.years = (today.year - 1, today.year)
        self.start = date(self.years[0], 1, 1)

    def run(self) -> None:
        self.deputies = list(
            Deputy.objects.filter(status=DeputyStatus.SERVING).order_by(
                "name_pinyin", "phone", "pk"
            )
        )
        if len(self.deputies) < 10:
            return  # No roster yet: the next seeding adds the points.
        self.staff = User.objects.filter(username=self.plan.staff_username).first()
        self.station_staff = User.objects.filter(username=self.plan.station_username).first()
        sign_in = User.objects.filter(username=self.plan.deputy_username).first()
        self.sign_in = Deputy.objects.filter(user=sign_in).first() if sign_in else None
        for year in self.years:
            if rule_set_current(year=year) is None:
                rule_set_create_from_preset(
                    actor=self.staff, congress=self.congress, year=year, preset="six"
                )
        warning_rules_install_defaults(congress=self.congress)
        self.items = {
            year: {item.code: item for item in rule_set_current(year=year).items.all()}
            for year in self.years
        }
        self.sessions = self._sessions()
        if not DutyRecord.objects.exclude(origin=RecordOrigin.AUTOMATIC).exists():
            with transaction.atomic():
                self._write()
        self._close_and_rank()
        self._talks()

    # --- The calendar -------------------------------------------------------------------------

    def _sessions(self) -> dict[int, CongressSession]:
        """The year's congress meeting. The term began at its first session, some Januaries
        before the one the suggestion demo holds: the earlier sessions are added (their names
        follow the demo's), so the term, and last year, have their meetings."""
        latest = (
            CongressSession.objects.filter(term__isnull=False, number__isnull=False)
            .order_by("-starts_on")
            .first()
        )
        numerals = "一二三四五六七八九十"
        if latest is not None and 1 < latest.number <= 10:
            suffix = f"{numerals[latest.number - 1]}次会议"
            if latest.name.endswith(suffix):
                stem = latest.name[: -len(suffix)]
                for number in range(1, latest.number):
                    year = latest.starts_on.year - (latest.number - number)
                    CongressSession.objects.get_or_create(
                        name=f"{stem}{numerals[number - 1]}次会议",
                        defaults={
                            "congress": self.congress,
                            "term": latest.term,
                            "number": number,
                            "starts_on": latest.starts_on.replace(year=year),
                            "ends_on": latest.ends_on.replace(year=year),
                        },
                    )
        sessions = {}
        for session in CongressSession.objects.filter(starts_on__year__in=self.years).order_by(
            "starts_on"
        ):
            sessions.setdefault(session.starts_on.year, session)
        return sessions

    def _sitting(self, day: date) -> bool:
        session = self.sessions.get(day.year)
        return session is not None and session.starts_on <= day <= session.ends_on

    def _item(self, day: date, code: str) -> RuleItem | None:
        return self.items.get(day.year, {}).get(code)

    def _source_item(self, day: date, source: str) -> RuleItem | None:
        if not self.start <= day <= self.yesterday:
            return None
        item = next(
            (i for i in self.items[day.year].values() if source in (i.auto_sources or [])), None
        )
        if item is None or (item.recess_only and self._sitting(day)):
            return None
        return item

    def _closing(self) -> list[tuple[int, int]]:
        """The quarters the committee has closed by now: all of last year, and this year's
        that ended more than the rules' reporting days ago."""
        quarters = []
        for year in self.years:
            days = rule_set_current(year=year).close_after_days
            for quarter in range(1, 5):
                if quarter_bounds(year, quarter)[1] + timedelta(days=days) < self.today:
                    quarters.append((year, quarter))
        return quarters

    # --- The records --------------------------------------------------------------------------

    def _record(self, deputy: Deputy, item: RuleItem, day: date, **fields) -> DutyRecord:
        return DutyRecord.for_item(item, day, congress=self.congress, deputy=deputy, **fields)

    def _write(self) -> None:
        rng = random.Random(f"duties-{self.slug}")
        self.closed = set(self._closing())
        self.current = (self.today.year, quarter_of(self.today))
        by_pk = {deputy.pk: deputy for deputy in self.deputies}
        automatic = self._automatic(by_pk)
        done = Counter((record.deputy_id, record.year) for record in automatic)
        idle = set(rng.sample(range(len(self.deputies)), round(len(self.deputies) * IDLE_SHARE)))
        records = list(automatic)
        for index, deputy in enumerate(self.deputies):
            is_idle = index in idle and deputy != self.sign_in
            for year in self.years:
                low, high = IDLE_RANGE if is_idle else ACTIVE_RANGE
                target = rng.randint(low, high)
                last = min(date(year, 12, 31), self.yesterday)
                share = ((last - date(year, 1, 1)).days + 1) / 365
                target = round(target * share)
                wanted = target - done[(deputy.pk, year)]
                meeting = self._meeting(deputy, year, rng, is_idle)
                records += meeting
                wanted -= len(meeting)
                records += self._reported(deputy, year, max(0, wanted), rng)
        records += self._commended(rng)
        _insert(records)
        self._events()
        self._photos()

    def _automatic(self, by_pk: dict[int, Deputy]) -> list[DutyRecord]:
        """The records the liaison and suggestion demos imply, as the services would have
        written them when the work was done."""
        wanted: dict[tuple[str, int, int], tuple[date, str]] = {}

        def add(source: str, source_id: int, deputy_id: int | None, day: date, text: str):
            if deputy_id in by_pk and self._source_item(day, source) is not None:
                wanted.setdefault((source, source_id, deputy_id), (day, text))

        confirmed = defaultdict(list)
        for suggestion_id, deputy_id in SuggestionCosigner.objects.filter(
            status=CosignerStatus.CONFIRMED
        ).values_list("suggestion_id", "deputy_id"):
            confirmed[suggestion_id].append(deputy_id)
        for suggestion in Suggestion.objects.filter(accepted_at__isnull=False).order_by("pk"):
            day = timezone.localdate(suggestion.accepted_at)
            values = {"number": suggestion.number_display, "title": suggestion.title[:200]}
            add(
                AutoSource.SUGGESTION_ACCEPTED,
                suggestion.pk,
                suggestion.lead_deputy_id,
                day,
                _("Led suggestion %(number)s: %(title)s") % values,
            )
            for deputy_id in confirmed[suggestion.pk]:
                add(
                    AutoSource.SUGGESTION_ACCEPTED,
                    suggestion.pk,
                    deputy_id,
                    day,
                    _("Co-signed suggestion %(number)s: %(title)s") % values,
                )
        duties = ReceptionDuty.objects.filter(
            attendance=Attendance.ATTENDED, reception_day__status=ReceptionStatus.HELD
        ).select_related("reception_day__station")
        for duty in duties.order_by("pk"):
            day = duty.reception_day
            add(
                AutoSource.RECEPTION_ATTENDED,
                day.pk,
                duty.deputy_id,
                day.date,
                _("Received voters at %(station)s") % {"station": day.station.name},
            )
        messages = VoterMessage.objects.filter(
            answered_at__isnull=False, answered_on_the_spot=False
        ).order_by("pk")
        for message in messages:
            add(
                AutoSource.MESSAGE_ANSWERED,
                message.pk,
                message.forwarded_to_deputy_id or message.deputy_id,
                timezone.localdate(message.answered_at),
                _("Answered a voter message (%(topic)s)") % {"topic": message.get_topic_display()},
            )
        members = defaultdict(list)
        for group_id, deputy_id in GroupMembership.objects.values_list("group_id", "deputy_id"):
            members[group_id].append(deputy_id)
        projects = GroupProject.objects.filter(status=ProjectStatus.DONE, closed_on__isnull=False)
        for project in projects.order_by("pk"):
            for deputy_id in members[project.group_id]:
                add(
                    AutoSource.PROJECT_DONE,
                    project.pk,
                    deputy_id,
                    project.closed_on,
                    _("Group project done: %(title)s") % {"title": project.title[:200]},
                )
        records = []
        for (source, source_id, deputy_id), (day, text) in wanted.items():
            records.append(
                self._record(
                    by_pk[deputy_id],
                    self._source_item(day, source),
                    day,
                    description=text[:500],
                    origin=RecordOrigin.AUTOMATIC,
                    status=RecordStatus.APPROVED,
                    source_type=source,
                    source_id=source_id,
                    created_at=_moment(day, random.Random(f"{source}-{source_id}")),
                )
            )
        return records

    def _meeting(self, deputy: Deputy, year: int, rng: random.Random, idle: bool) -> list:
        """Staff enter the congress meeting's attendance; an absence without leave costs."""
        session = self.sessions.get(year)
        if session is None or session.starts_on > self.yesterday:
            return []
        day = session.starts_on
        roll = rng.random()
        entered = timezone.make_aware(datetime.combine(session.ends_on, time(17, 30)))
        common = {
            "origin": RecordOrigin.STAFF,
            "status": RecordStatus.APPROVED,
            "created_by": self.staff,
            "created_at": entered,
            "reviewed_by": self.staff,
            "reviewed_at": entered,
        }
        if roll < (0.6 if idle else 0.97):
            item = self._item(day, "congress_meeting")
            return [self._record(deputy, item, day, description=f"出席{session.name}", **common)]
        if roll > 0.985 or (idle and roll > 0.9):
            item = self._item(day, "absent_without_leave")
            text = f"未请假缺席{session.name}"
            return [self._record(deputy, item, day, description=text, **common)]
        return []

    def _reported(self, deputy: Deputy, year: int, count: int, rng: random.Random) -> list:
        codes = list(REPORTED)
        weights = [REPORTED[code] for code in codes]
        last = min(date(year, 12, 31), self.yesterday)
        span = (last - date(year, 1, 1)).days
        records = []
        for _index in range(count):
            code = rng.choices(codes, weights)[0]
            day = date(year, 1, 1) + timedelta(days=rng.randint(0, span))
            item = self._item(day, code)
            while item.recess_only and self._sitting(day):
                day += timedelta(days=5)
            if day > last:
                continue
            created = min(_moment(day + timedelta(days=rng.randint(0, 6)), rng), timezone.now())
            is_open = (day.year, quarter_of(day)) not in self.closed
            roll = rng.random()
            if roll < 0.05:
                status = RecordStatus.REJECTED
            elif is_open and (day.year, quarter_of(day)) == self.current and roll < 0.4:
                status = RecordStatus.SUBMITTED
            else:
                status = RecordStatus.APPROVED
            reviewed = status != RecordStatus.SUBMITTED
            reviewer = self.station_staff or self.staff
            records.append(
                self._record(
                    deputy,
                    item,
                    day,
                    description=rng.choice(DESCRIPTIONS[code]),
                    origin=RecordOrigin.DEPUTY,
                    status=status,
                    reject_reason=rng.choice(REJECT_REASONS)
                    if status == RecordStatus.REJECTED
                    else "",
                    created_by_id=deputy.user_id,
                    created_at=created,
                    reviewed_by=reviewer if reviewed else None,
                    reviewed_at=min(created + timedelta(days=rng.randint(1, 8)), timezone.now())
                    if reviewed
                    else None,
                )
            )
        return records

    def _commended(self, rng: random.Random) -> list:
        """Last year's commendations, entered by staff."""
        day = date(self.years[0], 12, 20)
        item = self._item(day, "commended")
        if item is None:
            return []
        entered = _moment(day, rng)
        return [
            self._record(
                deputy,
                item,
                day,
                description="被评为年度优秀人大代表",
                origin=RecordOrigin.STAFF,
                status=RecordStatus.APPROVED,
                created_by=self.staff,
                created_at=entered,
                reviewed_by=self.staff,
                reviewed_at=entered,
            )
            for deputy in rng.sample(self.deputies, max(1, len(self.deputies) // 40))
        ]

    def _events(self) -> None:
        """Each record's history as the services write it: reported then audited, entered by
        staff, or recorded by the system; in a few statements, the database copying the
        records' own people and times."""
        events, records = DutyRecordEvent._meta.db_table, DutyRecord._meta.db_table
        S, Origin = RecordStatus, RecordOrigin
        steps = [
            ("automatic", "''", "created_at", "NULL", "''", f"origin = '{Origin.AUTOMATIC}'"),
            ("enter", "''", "created_at", "created_by_id", "''", f"origin = '{Origin.STAFF}'"),
            ("report", "''", "created_at", "created_by_id", "''", f"origin = '{Origin.DEPUTY}'"),
            (
                "approve",
                f"'{S.SUBMITTED}'",
                "reviewed_at",
                "reviewed_by_id",
                "''",
                f"origin = '{Origin.DEPUTY}' AND status = '{S.APPROVED}'",
            ),
            (
                "reject",
                f"'{S.SUBMITTED}'",
                "reviewed_at",
                "reviewed_by_id",
                "reject_reason",
                f"origin = '{Origin.DEPUTY}' AND status = '{S.REJECTED}'",
            ),
        ]
        to_status = {"report": f"'{S.SUBMITTED}'"}
        with connection.cursor() as cursor:
            for action, before, at, actor, note, condition in steps:
                cursor.execute(
                    # Table names come from the models and the conditions are constants.
                    f"""
                    INSERT INTO {events} (congress_id, record_id, action, from_status, to_status,
                                          actor_id, note, at)
                    SELECT congress_id, id, %s, {before}, {to_status.get(action, "status")},
                           {actor}, {note}, {at}
                    FROM {records}
                    WHERE congress_id = %s AND {condition}
                    ORDER BY id
                    """,  # noqa: S608
                    [action, self.congress.pk],
                )

    def _photos(self) -> None:
        """Evidence for what the auditors and the sign-in deputy look at: the records awaiting
        audit and the sign-in deputy's own."""
        wanted = Q(status=RecordStatus.SUBMITTED)
        if self.sign_in is not None:
            wanted |= Q(deputy=self.sign_in)
        chosen = DutyRecord.objects.filter(wanted, origin=RecordOrigin.DEPUTY).order_by("pk")[:80]
        photos = []
        for index, record in enumerate(chosen):
            photo = DutyRecordPhoto(congress=self.congress, record=record)
            photo.image.save(f"duty-{self.slug}-{index}.jpg", _photo(index), save=False)
            photo.created_at = record.created_at
            photos.append(photo)
        DutyRecordPhoto.objects.bulk_create(photos)

    # --- Closing, ranking, talks --------------------------------------------------------------

    def _close_and_rank(self) -> None:
        for year, quarter in self._closing():
            closed = DutyQuarter.objects.filter(
                year=year, quarter=quarter, status=DutyQuarter.Status.CLOSED
            ).exists()
            if not closed:
                if DutyRecord.objects.filter(
                    year=year, quarter=quarter, status=RecordStatus.SUBMITTED
                ).exists():
                    continue  # Someone reported since: the committee audits it first.
                duty_quarter_close(
                    actor=self.staff, congress=self.congress, year=year, quarter=quarter
                )
            ranking_compute(congress=self.congress, year=year, quarter=quarter, actor=self.staff)

    def _talks(self) -> None:
        """The committee has talked with two of the deputies warned red or orange."""
        if WarningTalk.objects.exists() or self.staff is None:
            return
        warnings = list(
            DutyWarning.objects.filter(
                status=WarningStatus.ACTIVE, level__in=[WarningLevel.RED, WarningLevel.ORANGE]
            )
            .select_related("raised_by")
            .order_by("deputy__name_pinyin", "pk")[:2]
        )
        outcomes = [TalkOutcome.IMPROVING, TalkOutcome.EXPLAINED]
        for warning, notes, outcome in zip(warnings, TALK_NOTES, outcomes, strict=False):
            held_on = min(warning.raised_at.date() + timedelta(days=12), self.yesterday)
            WarningTalk.objects.create(
                congress=self.congress,
                warning=warning,
                held_on=held_on,
                held_by=self.plan.talk_by,
                notes=notes,
                outcome=outcome,
                recorded_by=self.staff,
            )
