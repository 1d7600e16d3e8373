"""Builds a congress of any size in bulk, the same for the same seed: the data benchmarks measure.

`generate` makes a whole congress (the `generate_load` command calls it); the benchmarks call the
steps they need. Each step draws from its own generator, seeded with the seed and the step's
name, so a step makes the same rows whether or not another step ran before it. The rates are
the committees' own (see DOMAIN.md): Xiangcheng's 19.3 duties and 0.75 suggestions per deputy a
year, Yichang's 517 groups and 1,644 stations for 8,700 deputies.

The big tables (duty records, suggestions and their steps, voter messages and their events) are
written with COPY on PostgreSQL and in batches of plain INSERTs elsewhere, as the services would
leave them: a record of a closed quarter is confirmed with its points frozen, a suggestion's
steps are its events. Their history tables get one "created" row each, written by the database.
Quarters are closed by `duty_quarter_close` and ranked by `ranking_compute`, as the quarterly
job does. Two runs with the same seed differ only in secrets (public page tokens, message
tracking codes, rating links), in the moments rows were written, and in their ids.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TextIO

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope

from congress import data_versions
from congress.errors import DomainError
from congress.models import Congress, CongressLevel, Membership, Role, User

# Rates from the committees' reports --------------------------------------------------------

# Xiangcheng 2024: 234 deputies logged 4,513 duties, 19.3 each.
RECORDS_PER_DEPUTY_YEAR = 4513 / 234
# Xiangcheng 2024: 107 suggestions in the session and 69 in recess from 234 deputies.
SUGGESTIONS_PER_DEPUTY_YEAR = 176 / 234
SESSION_SHARE = 107 / 176
# The reports count no voter messages; two a deputy a year, as the workbook benchmark assumed.
MESSAGES_PER_DEPUTY_YEAR = 2.0
# Yichang: 8,700 deputies in 459 regional and 58 professional groups, and 1,644 stations.
REGIONAL_GROUP_SIZE = 8700 / 459
PROFESSIONAL_GROUP_SIZE = 8700 * 0.2 / 58
STATION_SIZE = 8700 / 1644
# A fifth of the deputies are also in a professional group.
SECOND_GROUP_SHARE = 0.2
# Xiangcheng: 11 warning talks and 3 resignations in 2024 among 234 deputies; a few leave.
RESIGNED_SHARE = 0.015
REMOVED_SHARE = 0.004
# Attendance at the congress session; the absent without leave lose a point (the presets).
SESSION_ATTENDANCE = 0.96
ABSENT_WITHOUT_LEAVE = 0.01
COMMENDED_SHARE = 0.02
# Shiguai: A-class rate 87.25 %; Xiangcheng: 5 of 176 unsatisfied, ordered to redo.
REPLY_CLASSES = (("A", 0.80), ("B", 0.14), ("C", 0.06))
UNSATISFIED_SHARE = 5 / 176

# How unevenly deputies work (the shape of a gamma distribution of mean 1).
ACTIVITY_SHAPE = 0.8
# Busier months (the year-end evaluation) and quieter ones (Spring Festival, summer).
MONTH_WEIGHTS = (1.0, 0.55, 1.0, 1.1, 1.1, 1.15, 0.8, 0.75, 1.1, 1.2, 1.35, 1.45)
WEEKEND_WEIGHT = 0.35
# What deputies report themselves, by category code (other codes weigh 1).
REPORTED_WEIGHTS = {
    "study": 30,
    "inspection": 24,
    "contact_voters": 36,
    "report_to_voters": 6,
    "standing_meeting": 5,
    "law_enforcement": 8,
    "group_activity": 20,
    "appraisal": 6,
}
# Levels in a city's roster (Yichang mixes five) and in a county's.
CITY_LEVELS = (
    ("national", 0.003),
    ("provincial", 0.017),
    ("city", 0.07),
    ("county", 0.28),
    ("township", 0.63),
)
COUNTY_LEVELS = (("national", 0.004), ("provincial", 0.016), ("city", 0.09), ("county", 0.89))
CITY_FROM = 2000

# Names and places --------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔向汤"
)
MALE_CHARACTERS = (
    "伟强磊军勇涛明华建国志文海平东林刚辉鹏斌兵峰晓俊杰宏新春永德庆忠金成波亮飞龙云山松江胜祥"
)
FEMALE_CHARACTERS = "芳丽娟敏静燕艳霞玲红梅兰秀英华慧婷雪琴萍桂凤玉珍莉琳洁佳倩颖丹蓉娜晶萍月秋春"
# Yichang's streets, towns and townships.
_AREA_NAMES = (
    "小溪塔街道 龙泉镇 鸦鹊岭镇 分乡镇 黄花镇 太平溪镇 三斗坪镇 乐天溪镇 雾渡河镇 樟村坪镇 "
    "下堡坪乡 邓村乡 西陵街道 学院街道 云集街道 西坝街道 葛洲坝街道 夜明珠街道 窑湾街道 "
    "大公桥街道 万寿桥街道 宝塔河街道 伍家乡 点军街道 艾家镇 桥边镇 联棚乡 土城乡 古老背街道 "
    "云池街道 虎牙街道 陆城街道 红花套镇 高坝洲镇 聂家河镇 松木坪镇 枝城镇 姚家店镇 五眼泉镇 "
    "王家畈镇 玉阳街道 坝陵街道 玉泉街道 两河镇 河溶镇 淯溪镇 庙前镇 王店镇 半月镇 草埠湖镇 "
    "马家店街道 七星台镇 白洋镇 顾家店镇 董市镇 仙女镇 问安镇 安福寺镇 百里洲镇 鸣凤镇 "
    "花林寺镇 旧县镇 洋坪镇 茅坪场镇 嫘祖镇 河口乡 古夫镇 昭君镇 峡口镇 南阳镇 黄粮镇 "
    "水月寺镇 高桥乡 茅坪镇 归州镇 屈原镇 沙镇溪镇 两河口镇 郭家坝镇 杨林桥镇 水田坝乡 泄滩乡 "
    "梅家河乡 磨坪乡 九畹溪镇 龙舟坪镇 磨市镇 都镇湾镇 资丘镇 渔峡口镇 榔坪镇 贺家坪镇 "
    "高家堰镇 鸭子口乡 火烧坪乡 大堰乡 五峰镇 渔洋关镇 仁和坪镇 长乐坪镇 湾潭镇 傅家堰乡 牛庄乡 "
    "采花乡"
)
AREAS = tuple(_AREA_NAMES.split())
PLACE_FIRST = "东西南北中上下前后新老大小高长黄白青红石马龙凤桃柳杨"
PLACE_SECOND = "湾岭坪河桥坝岗冲沟山林田园堰溪口港庄店铺"
# (field, the occupations that lean to it): Xiangcheng's professional groups.
FIELDS = (
    ("产业园区", ("business", "worker")),
    ("乡村振兴", ("farmer",)),
    ("文化旅游", ("other",)),
    ("教育卫生", ("professional",)),
    ("社会治理", ("official", "military")),
)
WORKPLACES = (
    ("official", ("{area}党委书记", "{area}人民政府负责人", "{city}{department}负责人")),
    ("professional", ("{city}中心医院主任医师", "{area}中心学校校长", "{city}职业技术学院教授")),
    ("professional", ("{area}卫生院院长", "{area}农业技术服务中心农艺师", "{city}律师事务所律师")),
    (
        "business",
        ("{city}三峡建材有限公司董事长", "{city}柑橘产业集团总经理", "{area}茶业合作社理事长"),
    ),
    (
        "worker",
        ("{city}化工股份有限公司车间主任", "{city}供电公司一线班组长", "{city}港务集团技术工人"),
    ),
    (
        "farmer",
        ("{area}{village}村党支部书记", "{area}{village}村种植大户", "{area}{village}村委会主任"),
    ),
    (
        "other",
        (
            "{area}{village}社区党委书记",
            "{area}{village}社区居委会主任",
            "{city}个体劳动者协会会长",
        ),
    ),
    ("military", ("{city}军分区干部", "{city}消防救援支队干部")),
)
DEPARTMENTS = (
    ("发展和改革委员会", "department", ("经济发展",)),
    ("教育局", "department", ("教育科技",)),
    ("科学技术局", "department", ("教育科技", "经济发展")),
    ("经济和信息化局", "department", ("经济发展",)),
    ("公安局", "department", ("政法综治", "交通运输")),
    ("民政局", "department", ("社会保障",)),
    ("司法局", "department", ("政法综治",)),
    ("财政局", "department", ("经济发展",)),
    ("人力资源和社会保障局", "department", ("社会保障",)),
    ("自然资源和规划局", "department", ("城乡建设",)),
    ("生态环境局", "department", ("生态环境",)),
    ("住房和城乡建设局", "department", ("城乡建设",)),
    ("城市管理执法局", "department", ("城乡建设", "生态环境")),
    ("交通运输局", "department", ("交通运输",)),
    ("水利和湖泊局", "department", ("农业农村", "生态环境")),
    ("农业农村局", "department", ("农业农村",)),
    ("商务局", "department", ("经济发展",)),
    ("文化和旅游局", "department", ("其他",)),
    ("卫生健康委员会", "department", ("医疗卫生",)),
    ("退役军人事务局", "department", ("社会保障",)),
    ("应急管理局", "department", ("政法综治",)),
    ("市场监督管理局", "department", ("经济发展", "医疗卫生")),
    ("医疗保障局", "department", ("医疗卫生", "社会保障")),
    ("林业和园林局", "department", ("生态环境",)),
    ("数据局", "department", ("其他",)),
    ("住房公积金中心", "other", ("城乡建设",)),
    ("城市建设投资集团", "other", ("城乡建设",)),
    ("公交集团", "other", ("交通运输",)),
    ("人民法院", "court", ("政法综治",)),
    ("人民检察院", "procuratorate", ("政法综治",)),
)
# How often each default category comes up: urban construction most, as in the reports.
CATEGORY_WEIGHTS = {
    "城乡建设": 25,
    "交通运输": 12,
    "教育科技": 10,
    "医疗卫生": 10,
    "农业农村": 10,
    "生态环境": 8,
    "社会保障": 8,
    "经济发展": 7,
    "政法综治": 5,
    "其他": 5,
}
# The voter-message topics as suggestion categories (which units answer them).
TOPIC_CATEGORIES = {
    "urban": "城乡建设",
    "education": "教育科技",
    "health": "医疗卫生",
    "social_security": "社会保障",
    "agriculture": "农业农村",
    "environment": "生态环境",
    "governance": "政法综治",
    "other": "其他",
}


# The plan and what has been made ------------------------------------------------------------


@dataclass
class Person:
    """A deputy as the later steps need them, in the order they were made."""

    ordinal: int
    pk: int
    name: str
    occupation: str
    area: str
    left_on: date | None  # the day the deputy stopped serving
    activity: float  # how many duties, 1 on average
    voice: float  # how many suggestions, 1 on average
    station: int = 0
    user_id: int | None = None

    def serves_on(self, day: date) -> bool:
        return self.left_on is None or day < self.left_on


@dataclass
class Build:
    """One congress in the making: what is planned and what the steps have made so far."""

    congress: Congress
    seed: int
    first_year: int
    last_day: date  # the last day with data
    # Quarters before this one (year, quarter) are closed once they have ended; it and any
    # after it stay open. None: every quarter that has ended is closed.
    open_quarter: tuple[int, int] | None
    term: int = 17
    term_started: int = 0  # the year of the term's first session
    people: list[Person] = field(default_factory=list)
    rule_sets: dict[int, Any] = field(default_factory=dict)
    sessions: dict[int, Any] = field(default_factory=dict)
    sitting_days: set[date] = field(default_factory=set)
    stations: dict[int, str] = field(default_factory=dict)
    # The deputies' rows by primary key (their names label the history of the rows naming them).
    roster: dict[int, Any] = field(default_factory=dict)
    units: list[Any] = field(default_factory=list)
    liaison_unit: Any = None  # the handling unit the generated liaison account answers for
    accounts: dict[str, User] = field(default_factory=dict)
    # Work the system scores by itself: (source, source id, day, deputy ids, description).
    known_work: list[tuple[str, int, date, list[int], str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    out: TextIO | None = None

    def rng(self, step: str) -> random.Random:
        # Made-up data for trials and benchmarks, not secrets.
        return random.Random(f"{self.seed}:{step}")  # noqa: S311

    @property
    def first_day(self) -> date:
        return date(self.first_year, 1, 1)

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_day.year + 1))

    def is_closed(self, year: int, quarter: int) -> bool:
        """Whether the quarter is closed once the build is done."""
        if self.open_quarter is not None and (year, quarter) >= self.open_quarter:
            return False
        return quarter_end(year, quarter) < timezone.localdate()

    def closed_quarters(self) -> list[tuple[int, int]]:
        return [
            (year, quarter)
            for year in self.years
            for quarter in range(1, 5)
            if date(year, 3 * quarter - 2, 1) <= self.last_day and self.is_closed(year, quarter)
        ]

    def serving(self) -> list[Person]:
        return [person for person in self.people if person.left_on is None]

    def say(self, text: str) -> None:
        if self.out is not None:
            self.out.write(text + "\n")
            self.out.flush()


def quarter_end(year: int, quarter: int) -> date:
    return (date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)) - timedelta(
        days=1
    )


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


class _Step:
    """Times a step and tells what it made: `with _Step(build, "deputies"):`."""

    def __init__(self, build: Build, name: str):
        self.build, self.name = build, name

    def __enter__(self):
        self.before = dict(self.build.counts)
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        seconds = time.perf_counter() - self.started
        self.build.seconds[self.name] = self.build.seconds.get(self.name, 0.0) + seconds
        if exc[0] is None:
            made = ", ".join(
                f"{kind} {count - self.before.get(kind, 0):,}"
                for kind, count in self.build.counts.items()
                if count != self.before.get(kind, 0)
            )
            self.build.say(f"  {self.name:<12}{seconds:7.1f} s  {made}")


def _count(build: Build, kind: str, number: int) -> None:
    build.counts[kind] = build.counts.get(kind, 0) + number


# Writing rows in bulk ----------------------------------------------------------------------


def _insert(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Rows straight into the model's table, columns named by field: COPY on PostgreSQL,
    batches of INSERTs elsewhere. Values are what the fields hold (dates, Decimals, None)."""
    fields = [model._meta.get_field(name) for name in names]
    table = model._meta.db_table
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Table and column names come from the models.
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            # COPY is not seen by the connection's watch for changes: say so.
            data_versions.written(table, connection=connection)
            return count
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        batch = []
        for row in rows:
            batch.append(
                [
                    field.get_db_prep_save(value, connection)
                    for field, value in zip(fields, row, strict=True)
                ]
            )
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


class _Row:
    """A row to write, its fields as plain attributes: making a model instance costs far more,
    and a large congress has a few hundred thousand rows of each kind."""

    def __init__(self, defaults: dict, **values):
        self.__dict__.update(defaults)
        self.__dict__.update(values)
        self.pk = None


def _defaults(model: type[models.Model]) -> dict:
    """Each field's default (automatic times left empty: the caller sets them)."""
    return {
        f.attname: None
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in model._meta.concrete_fields
        if not f.primary_key
    }


def _insert_rows(model: type[models.Model], rows: list[_Row]) -> None:
    """`_Row`s through `_insert`, their primary keys set in order afterwards.

    The congress is new, so its rows in the table are exactly these, in the order written.
    """
    if not rows:
        return
    _insert_dicts(model, (row.__dict__ for row in rows))
    ids = list(
        model._base_manager.filter(congress_id=rows[0].congress_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(ids) != len(rows):
        raise RuntimeError(f"{model.__name__}: wrote {len(rows)} rows, found {len(ids)}")
    for row, pk in zip(rows, ids, strict=True):
        row.pk = pk


def _history_created(model: type[models.Model], congress: Congress, repr_column: str) -> int:
    """One "created" history row for each of the congress's rows, written by the database, as
    a bulk write leaves them (who and the diff left empty)."""
    history = model.history.model
    tracked = [f.column for f in history.tracked_fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in tracked)
    created = "created_at" if any(c == "created_at" for c in tracked) else "%(now)s"
    with connection.cursor() as cursor:
        # Table and column names come from the models; values are parameters.
        cursor.execute(
            f"""
            INSERT INTO {history._meta.db_table} ({columns}, history_date, history_type,
                history_changes, history_object_repr)
            SELECT {columns}, {created}, '+', '{{}}',
                SUBSTR(CAST({quote(repr_column)} AS TEXT), 1, 200)
            FROM {model._meta.db_table} WHERE congress_id = %(congress)s
            """,  # noqa: S608
            {"congress": congress.pk, "now": timezone.now()},
        )
        return cursor.rowcount


def _bulk_with_history(objects: list[models.Model], batch_size: int = 5000) -> list:
    """bulk_create, then the history rows single saves would have written."""
    from congress.history import history_bulk_record

    if not objects:
        return []
    created = type(objects[0]).objects.bulk_create(objects, batch_size=batch_size)
    history_bulk_record(created, user=None, history_type="+", batch_size=batch_size)
    return created


class _Moments:
    """Aware datetimes of local days, made once per day (a million records share ~2,000)."""

    def __init__(self):
        self.days: dict[date, datetime] = {}

    def at(self, day: date, minutes: int) -> datetime:
        start = self.days.get(day)
        if start is None:
            start = timezone.make_aware(datetime(day.year, day.month, day.day))
            self.days[day] = start
        return start + timedelta(minutes=minutes)


class _Calendar:
    """The calendar service's working days and deadlines, with the congress's own days off
    read once (the service reads them for every date it is asked about)."""

    def __init__(self):
        from congress.models import CalendarOverride

        self.overrides = dict(CalendarOverride.objects.values_list("date", "is_working_day"))
        self.cache: dict[tuple, date] = {}

    def is_working_day(self, day: date) -> bool:
        from congress.calendar import _is_working_day

        return _is_working_day(day, self.overrides)

    def working_days(self, start: date, count: int) -> date:
        """As `congress.calendar.add_working_days`."""
        key = ("w", start, count)
        if key not in self.cache:
            day, left = start, count
            while left:
                day += timedelta(days=1)
                left -= self.is_working_day(day)
            self.cache[key] = day
        return self.cache[key]

    def months(self, start: date, count: int) -> date:
        """As `suggestions.lifecycle.deadline_after_months`."""
        from suggestions.lifecycle import add_months

        key = ("m", start, count)
        if key not in self.cache:
            day = add_months(start, count)
            while not self.is_working_day(day):
                day += timedelta(days=1)
            self.cache[key] = day
        return self.cache[key]


class _Days:
    """The days of the build's span, weighted by season and weekday, for drawing dates."""

    def __init__(self, build: Build):
        self.days = []
        weights = []
        day = build.first_day
        while day <= build.last_day:
            weight = MONTH_WEIGHTS[day.month - 1] * (WEEKEND_WEIGHT if day.weekday() >= 5 else 1)
            self.days.append(day)
            weights.append(weight)
            day += timedelta(days=1)
        self.cumulative = []
        total = 0.0
        for weight in weights:
            total += weight
            self.cumulative.append(total)

    def draw(self, rng: random.Random, count: int, until: date | None = None) -> list[date]:
        """`count` days, before `until` when given."""
        if until is None:
            return rng.choices(self.days, cum_weights=self.cumulative, k=count)
        stop = bisect.bisect_left(self.days, until)
        if stop == 0:
            return []
        return rng.choices(self.days[:stop], cum_weights=self.cumulative[:stop], k=count)


def _share(total: int, weights: Sequence[float]) -> list[int]:
    """`total` split in proportion to `weights`, whole numbers adding up to exactly `total`."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    exact = [total * weight / weight_sum for weight in weights]
    counts = [math.floor(value) for value in exact]
    left = total - sum(counts)
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for index in order[:left]:
        counts[index] += 1
    return counts


# The congress, its rules and sessions ----------------------------------------------------


def start(
    *,
    slug: str,
    deputies: int,
    first_year: int,
    last_day: date,
    open_quarter: tuple[int, int] | None,
    seed: int = 2026,
    name: str | None = None,
    level: str | None = None,
    out: TextIO | None = None,
) -> Build:
    """The congress itself (refused when the identifier is taken), and the build to fill it."""
    if Congress.objects.filter(slug=slug).exists():
        raise DomainError(
            _("A congress with the identifier %(slug)s already exists: choose another identifier.")
            % {"slug": slug},
            field="slug",
        )
    if deputies < 1 or last_day.year < first_year:
        raise DomainError(_("Generate at least one deputy and one year of data."))
    if level is None:
        level = CongressLevel.CITY if deputies >= CITY_FROM else CongressLevel.COUNTY
    name = name or f"模拟人大常委会（{slug}）"
    if Congress.objects.filter(name=name).exists():
        raise DomainError(
            _("A congress named %(name)s already exists.") % {"name": name}, field="name"
        )
    congress = Congress.objects.create(name=name, slug=slug, level=level)
    build = Build(
        congress=congress,
        seed=seed,
        first_year=first_year,
        last_day=last_day,
        open_quarter=open_quarter,
        out=out,
    )
    build.counts["congress"] = 1
    return build


def create_rules(build: Build, *, preset: str = "six") -> None:
    """The year's rules from a preset for every year covered, and the default warning rules."""
    from scoring.services import rule_set_create_from_preset, warning_rules_install_defaults

    with _Step(build, "rules"):
        for year in build.years:
            build.rule_sets[year] = rule_set_create_from_preset(
                actor=None, congress=build.congress, year=year, preset=preset
            )
        _count(build, "rule_sets", len(build.years))
        _count(
            build,
            "warning_rules",
            warning_rules_install_defaults(congress=build.congress),
        )


def _session_name(term: int, number: int) -> str:
    digits = "〇一二三四五六七八九"

    def chinese(value: int) -> str:
        if value < 10:
            return digits[value]
        tens, ones = divmod(value, 10)
        return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")

    return f"{chinese(term)}届人大{chinese(number)}次会议"


def create_sessions(build: Build, *, term: int = 17, term_started: int | None = None) -> None:
    """A congress session each January, five to a term; the current term is `term`, begun in
    `term_started` (the first year covered unless given)."""
    from suggestions.models import CongressSession

    term_started = build.first_year if term_started is None else term_started
    build.term, build.term_started = term, term_started
    rng = build.rng("sessions")
    rows = []
    for year in range(min(term_started, build.first_year), build.last_day.year + 1):
        offset = year - term_started
        this_term, number = term + offset // 5, offset % 5 + 1
        starts_on = date(year, 1, rng.randint(6, 14))
        ends_on = starts_on + timedelta(days=rng.randint(2, 4))
        rows.append(
            CongressSession(
                congress=build.congress,
                name=_session_name(this_term, number),
                term=this_term,
                number=number,
                starts_on=starts_on,
                ends_on=ends_on,
            )
        )
    with _Step(build, "sessions"):
        for session in _bulk_with_history(rows):
            build.sessions[session.starts_on.year] = session
            day = session.starts_on
            while day <= session.ends_on:
                build.sitting_days.add(day)
                day += timedelta(days=1)
        build.term = max(session.term for session in rows) if rows else term
        _count(build, "sessions", len(rows))


# The roster, groups and stations -----------------------------------------------------------


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([value for value, _w in pairs], weights=[w for _v, w in pairs])[0]


def _person_name(rng: random.Random, surname_weights: list[float]) -> tuple[str, str]:
    gender = "female" if rng.random() < 0.3 else "male"
    characters = FEMALE_CHARACTERS if gender == "female" else MALE_CHARACTERS
    given = rng.choice(characters)
    if rng.random() < 0.65:
        given += rng.choice(characters)
    return rng.choices(SURNAMES, weights=surname_weights)[0] + given, gender


def _surname_weights() -> list[float]:
    # Common surnames are far more common: roughly Zipf over the list's order.
    return [1 / (rank + 4) ** 0.9 for rank in range(len(SURNAMES))]


def _city_name(build: Build) -> str:
    return "宜昌市" if build.congress.level == CongressLevel.CITY else "夷陵区"


def _village(rng: random.Random) -> str:
    return rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND)


def create_deputies(build: Build, count: int) -> None:
    """The roster: realistic names, five levels, parties, occupations, phones; a few who
    resigned or were removed during the span (with the status change on record)."""
    from deputies.demo import LEFT_THE_ROSTER
    from deputies.models import Deputy, DeputyStatusChange, name_pinyin

    rng = build.rng("deputies")
    levels = CITY_LEVELS if build.congress.level == CongressLevel.CITY else COUNTY_LEVELS
    surname_weights = _surname_weights()
    areas = AREAS[: max(3, min(len(AREAS), round(count / 90)))]
    city = _city_name(build)
    phones: set[str] = set()
    pinyin: dict[str, tuple[str, str]] = {}
    prefixes = "130 131 132 133 135 136 137 138 139 150 151 152 155 158 159 177 180 186 187 189"
    prefixes = prefixes.split()
    rows, plans = [], []
    span = (build.last_day - build.first_day).days
    for _ordinal in range(count):
        name, gender = _person_name(rng, surname_weights)
        if name not in pinyin:
            pinyin[name] = name_pinyin(name)
        occupation, patterns = rng.choice(WORKPLACES)
        area = rng.choice(areas)
        workplace = rng.choice(patterns).format(
            area=area, city=city, village=_village(rng), department=rng.choice(DEPARTMENTS)[0]
        )
        while True:
            phone = rng.choice(prefixes) + f"{rng.randrange(10**8):08d}"
            if phone not in phones:
                phones.add(phone)
                break
        roll = rng.random()
        left = None
        if roll < RESIGNED_SHARE + REMOVED_SHARE and span > 120:
            status_reason = rng.choice(
                [
                    item
                    for item in LEFT_THE_ROSTER
                    if (item[0] == "removed") == (roll < REMOVED_SHARE)
                ]
            )
            left = (build.first_day + timedelta(days=rng.randint(60, span - 30)), *status_reason)
        party_roll = rng.random()
        party = (
            "cpc"
            if party_roll < 0.68
            else "masses"
            if party_roll < 0.86
            else rng.choice(["cdl", "cndca", "capd", "jiusan", "independent", "cpwdp", "zgd"])
        )
        ethnic_roll = rng.random()
        ethnicity = "汉族" if ethnic_roll < 0.93 else "土家族" if ethnic_roll < 0.99 else "回族"
        deputy = Deputy(
            congress=build.congress,
            name=name,
            name_pinyin=pinyin[name][0],
            name_initials=pinyin[name][1],
            gender=gender,
            ethnicity=ethnicity,
            birth_date=date(1956, 1, 1) + timedelta(days=rng.randrange(0, 14600)),
            party=party,
            occupation_class=occupation,
            workplace_title=workplace,
            phone=phone,
            level=_weighted(rng, levels),
            term=build.term,
            electoral_district=f"第{rng.randint(1, 60)}选区（{area}）",
            status=left[1] if left else "serving",
            status_changed_on=left[0] if left else None,
        )
        rows.append(deputy)
        # Some hardly act and some act a great deal: a gamma spread of mean 1 puts about a
        # fifth under a fifth of the average (Xiangcheng watches the quarter of its deputies
        # with fewer than 3 recess activities a year). Suggestions spread wider still: about a
        # fifth lead none in a five-year term (Xiangcheng: 19 %).
        activity = rng.gammavariate(ACTIVITY_SHAPE, 1 / ACTIVITY_SHAPE)
        plans.append((occupation, area, left, activity, rng.expovariate(1)))
    with _Step(build, "deputies"):
        created = _bulk_with_history(rows)
        build.roster = {deputy.pk: deputy for deputy in created}
        changes = []
        for ordinal, (deputy, (occupation, area, left, activity, voice)) in enumerate(
            zip(created, plans, strict=True)
        ):
            build.people.append(
                Person(
                    ordinal=ordinal,
                    pk=deputy.pk,
                    name=deputy.name,
                    occupation=occupation,
                    area=area,
                    left_on=left[0] if left else None,
                    activity=activity,
                    voice=voice,
                )
            )
            if left:
                changes.append(
                    DeputyStatusChange(
                        congress=build.congress,
                        deputy_id=deputy.pk,
                        from_status="serving",
                        to_status=left[1],
                        changed_on=left[0],
                        reason=left[2],
                    )
                )
        DeputyStatusChange.objects.bulk_create(changes)
        _count(build, "deputies", len(created))
        _count(build, "deputies_not_serving", len(changes))


def _chunks(items: list, count: int) -> list[list]:
    """`items` in `count` runs of nearly equal length, in order."""
    count = max(1, min(count, len(items)))
    sizes = _share(len(items), [1] * count)
    runs, at = [], 0
    for size in sizes:
        runs.append(items[at : at + size])
        at += size
    return runs


def create_groups(
    build: Build,
    *,
    group_size: float = REGIONAL_GROUP_SIZE,
    professional_size: float = PROFESSIONAL_GROUP_SIZE,
    second_share: float = SECOND_GROUP_SHARE,
) -> None:
    """Regional groups of about `group_size` deputies of one area, each led by a member, and
    professional groups by field that a fifth of the deputies also belong to."""
    from liaison.models import DeputyGroup, GroupMembership

    rng = build.rng("groups")
    by_area: dict[str, list[Person]] = {}
    for person in build.people:
        by_area.setdefault(person.area, []).append(person)
    wanted = max(1, round(len(build.people) / group_size))
    per_area = _share(wanted, [len(members) for members in by_area.values()])
    groups, members = [], []
    for (area, people), count in zip(by_area.items(), per_area, strict=True):
        runs = _chunks(people, max(1, count))
        for number, run in enumerate(runs, 1):
            name = f"{area}代表小组" if len(runs) == 1 else f"{area}第{number}代表小组"
            groups.append(
                DeputyGroup(
                    congress=build.congress,
                    name=name,
                    kind="regional",
                    area=area,
                    leader_id=run[0].pk,
                )
            )
            members.append(run)
    second = [person for person in build.people if rng.random() < second_share]
    by_field: dict[str, list[Person]] = {name: [] for name, _o in FIELDS}
    for person in second:
        leaning = [name for name, occupations in FIELDS if person.occupation in occupations]
        by_field[rng.choice(leaning or [name for name, _o in FIELDS])].append(person)
    wanted = max(1, round(len(second) / professional_size)) if second else 0
    per_field = _share(wanted, [len(people) for people in by_field.values()])
    for (field_name, people), count in zip(by_field.items(), per_field, strict=True):
        if not people:
            continue
        runs = _chunks(people, max(1, count))
        for number, run in enumerate(runs, 1):
            groups.append(
                DeputyGroup(
                    congress=build.congress,
                    name=f"{field_name}专业代表小组"
                    if len(runs) == 1
                    else f"{field_name}第{number}专业代表小组",
                    kind="professional",
                    area=field_name,
                    leader_id=run[0].pk,
                )
            )
            members.append(run)
    with _Step(build, "groups"):
        created = _bulk_with_history(groups)
        _bulk_with_history(
            [
                GroupMembership(
                    congress=build.congress,
                    group=group,
                    deputy=build.roster[person.pk],
                    joined_on=date(build.term_started or build.first_year, 1, 1),
                )
                for group, run in zip(created, members, strict=True)
                for person in run
            ]
        )
        _count(build, "groups", len(created))
        _count(build, "group_memberships", sum(len(run) for run in members))


def create_stations(build: Build, *, station_size: float = STATION_SIZE) -> None:
    """Stations of each area (a deputy home, village and community liaison stations, contact
    points), every deputy receiving voters at one of their area's."""
    from liaison.models import LiaisonStation, StationDeputy

    rng = build.rng("stations")
    by_area: dict[str, list[Person]] = {}
    for person in build.people:
        by_area.setdefault(person.area, []).append(person)
    wanted = max(1, round(len(build.people) / station_size))
    per_area = _share(wanted, [len(people) for people in by_area.values()])
    stations, members, names = [], [], set()
    for (area, people), count in zip(by_area.items(), per_area, strict=True):
        for number, run in enumerate(_chunks(people, max(1, count))):
            place = ""
            if number == 0:
                name, kind = f"{area}人大代表之家", "deputy_home"
            else:
                kind = rng.choices(
                    ["liaison_station", "contact_point", "legislative_point"], [85, 13, 2]
                )[0]
                suffix = {
                    "liaison_station": "代表联络站",
                    "contact_point": "基层联系点",
                    "legislative_point": "基层立法联系点",
                }[kind]
                place = f"{_village(rng)}{rng.choice(['村', '社区'])}"
                name = f"{area}{place}{suffix}"
                while name in names:
                    place = f"{_village(rng)}{rng.choice(['村', '社区'])}"
                    name = f"{area}{place}{suffix}"
            names.add(name)
            stations.append(
                LiaisonStation(
                    congress=build.congress,
                    name=name,
                    kind=kind,
                    address=f"{_city_name(build)}{area}{place}{rng.randint(1, 199)}号",
                    opening_hours="每月第一个周二 9:00-11:30",
                    contact_phone=f"0717-{rng.randrange(10**7):07d}",
                )
            )
            members.append(run)
    with _Step(build, "stations"):
        created = _bulk_with_history(stations)
        links = []
        for station, run in zip(created, members, strict=True):
            build.stations[station.pk] = station.name
            for person in run:
                person.station = station.pk
                links.append(
                    StationDeputy(
                        congress=build.congress, station=station, deputy=build.roster[person.pk]
                    )
                )
        _bulk_with_history(links)
        _count(build, "stations", len(created))
        _count(build, "station_deputies", len(links))


def create_accounts(build: Build) -> None:
    """A person in each role to sign in as: committee administrator and staff, a leader, the
    staff of the first station, and a deputy of average activity (the unit liaison comes with
    the handling units). Usernames start with the congress's identifier; no passwords are set."""
    from deputies.models import Deputy
    from liaison.models import StationStaff

    rng = build.rng("accounts")
    weights = _surname_weights()
    roles = [
        ("admin", Role.COMMITTEE_ADMIN),
        ("staff", Role.COMMITTEE_STAFF),
        ("leader", Role.LEADER),
        ("station", Role.STATION_STAFF),
        ("deputy", Role.DEPUTY),
    ]
    with _Step(build, "accounts"):
        for key, role in roles:
            user = _account(build, key, _person_name(rng, weights)[0])
            if key == "deputy":
                person = _average_deputy(build)
                if person is None:
                    continue
                deputy = Deputy.objects.get(pk=person.pk)
                user.full_name = deputy.name
                user.save(update_fields=["full_name"])
                deputy.user = user
                deputy.save(update_fields=["user", "updated_at"])
                person.user_id = user.pk
            Membership.objects.create(congress=build.congress, user=user, role=role)
            build.accounts[key] = user
            if key == "station" and build.people and build.people[0].station:
                StationStaff.objects.create(
                    congress=build.congress, station_id=build.people[0].station, user=user
                )
        _count(build, "accounts", len(build.accounts))


def _account(build: Build, key: str, full_name: str) -> User:
    user = User(username=f"{build.congress.slug}-{key}", full_name=full_name)
    user.set_unusable_password()
    user.save()
    return user


def _average_deputy(build: Build) -> Person | None:
    """A serving deputy of about average activity who leads suggestions more than most (the
    pages a deputy sees have something in them), at the first station."""
    serving = build.serving()
    if not serving:
        return None
    station = build.people[0].station
    nearby = [person for person in serving if person.station == station] or serving
    return min(
        nearby,
        key=lambda person: (abs(person.activity - 1) + abs(person.voice - 2), person.ordinal),
    )


def create_handling_units(build: Build, *, count: int | None = None) -> None:
    """The government departments, courts and township governments that answer suggestions
    (twelve and more, up to 80 for a large city), with a liaison account for the housing
    bureau."""
    from suggestions.models import HandlingUnit, UnitLiaison

    rng = build.rng("units")
    if count is None:
        count = max(12, min(80, 12 + len(build.people) // 250))
    prefix = _city_name(build)
    rows = []
    areas = sorted({person.area for person in build.people})
    for index in range(count):
        if index < len(DEPARTMENTS):
            name, kind, _categories = DEPARTMENTS[index]
            name = prefix + name
        else:
            area = areas[(index - len(DEPARTMENTS)) % len(areas)] if areas else f"第{index}片区"
            kind = "township"
            name = area + ("办事处" if area.endswith("街道") else "人民政府")
            if any(row.name == name for row in rows):
                name = f"{prefix}第{index}承办单位"
                kind = "other"
        rows.append(
            HandlingUnit(
                congress=build.congress,
                name=name,
                kind=kind,
                contact_person=_person_name(rng, _surname_weights())[0],
                contact_phone=f"0717-{rng.randrange(10**7):07d}",
            )
        )
    with _Step(build, "units"):
        build.units = _bulk_with_history(rows)
        # The liaison answers for the housing bureau: urban construction is the commonest topic.
        build.liaison_unit = next(
            (unit for unit in build.units if unit.name.endswith("住房和城乡建设局")), build.units[0]
        )
        user = _account(build, "unit", build.liaison_unit.contact_person)
        Membership.objects.create(congress=build.congress, user=user, role=Role.UNIT_LIAISON)
        UnitLiaison.objects.create(congress=build.congress, unit=build.liaison_unit, user=user)
        build.accounts["unit"] = user
        _count(build, "handling_units", len(rows))


# Suggestions ---------------------------------------------------------------------------------


@dataclass
class _Planned:
    """One planned step of a suggestion's or a message's life."""

    at: datetime
    action: str
    to_status: str | None  # None: a note-worthy act that changes no status
    actor: int | None
    note: str = ""
    effect: Callable[[], None] | None = None


@dataclass
class _Life:
    index: int
    row: Any
    steps: list[_Planned] = field(default_factory=list)
    children: dict[str, list[dict]] = field(default_factory=dict)
    events: list[tuple] = field(default_factory=list)

    def add(self, kind: str, row: dict) -> dict:
        self.children.setdefault(kind, []).append(row)
        return row


def _live(life: _Life, last_day: date, first_status: str, stop_at: str | None = None) -> None:
    """Run the planned steps up to `last_day` (or until the status `stop_at` is reached),
    recording each as an event in the status of its moment."""
    status = first_status
    # By day, and in the planned order within a day: a step never comes before its cause.
    order = sorted(range(len(life.steps)), key=lambda i: (life.steps[i].at.date(), i))
    steps = [life.steps[i] for i in order]
    previous = None
    for step in steps:
        if step.at.date() > last_day:
            break
        at = step.at if previous is None or step.at > previous else previous + timedelta(minutes=7)
        previous = at
        if step.effect is not None:
            step.effect()
        before = status
        if step.to_status is not None:
            status = step.to_status
        life.events.append((at, step.action, before, status, step.actor, step.note))
        if stop_at is not None and status == stop_at:
            break
    life.row.status = status


class _SuggestionPlanner:
    """Plans each suggestion's life from its own generator; `life(i)` gives the same plan
    every time, so a life can be re-run to stop at a status the congress has none of."""

    def __init__(self, build: Build, total: int | None, per_deputy_year: float):
        from suggestions.demo import TOPICS
        from suggestions.models import Suggestion, SuggestionCategory

        self.build = build
        self.congress = build.congress
        self.defaults = _defaults(Suggestion)
        self.calendar = _Calendar()
        self.moments = _Moments()
        self.topics = TOPICS
        self.categories = {c.name: c for c in SuggestionCategory.objects.filter(is_active=True)}
        self.category_names = sorted(self.categories)
        self.category_weights = [CATEGORY_WEIGHTS.get(name, 3) for name in self.category_names]
        self.staff = build.accounts.get("staff")
        self.staff_id = self.staff.pk if self.staff else None
        self.unit_liaison = build.accounts.get("unit")
        # Hai'an: a key suggestion is led by a government leader, supervised by a committee one.
        city = build.congress.level == CongressLevel.CITY
        self.key_people = (
            ("副市长 王建军", "市人大常委会副主任 刘德明")
            if city
            else ("副区长 王建军", "区人大常委会副主任 刘德明")
        )
        self.units_by_category = {
            name: [
                unit
                for unit in build.units
                if any(
                    unit.name.endswith(department)
                    for department, _kind, categories in DEPARTMENTS
                    if name in categories
                )
            ]
            for name in self.category_names
        }
        self.people = [person for person in build.people]
        weights = [person.voice for person in self.people]
        self.cumulative = list(_running(weights))
        self.plans = self._plans(total, per_deputy_year)

    def _plans(self, total: int | None, per_deputy_year: float) -> list[tuple]:
        """(lead, session or None, submitted day, fate) for each suggestion, oldest first."""
        build = self.build
        rng = build.rng("suggestions")
        days = _Days(build)
        serving_years = sum(
            ((person.left_on or build.last_day) - build.first_day).days / 365.25
            for person in build.people
        )
        if total is None:
            total = round(per_deputy_year * serving_years)
        sessions = [
            s for s in build.sessions.values() if build.first_day <= s.starts_on <= build.last_day
        ]
        plans = []
        for _number in range(total):
            session = None
            if sessions and rng.random() < SESSION_SHARE:
                session = rng.choice(sessions)
                day = session.starts_on + timedelta(
                    days=rng.randint(0, (session.ends_on - session.starts_on).days)
                )
            else:
                day = days.draw(rng, 1)[0]
                while day in build.sitting_days:
                    day += timedelta(days=5)
                day = min(day, build.last_day)
            lead = self._lead(rng, day)
            roll = rng.random()
            fate = (
                "draft"
                if roll < 0.012
                else "withdrawn"
                if roll < 0.022
                else "returned"
                if roll < 0.04
                else "letter"
                if roll < 0.058
                else "handled"
            )
            if session is not None and fate in ("draft", "withdrawn"):
                fate = "handled"
            if fate in ("withdrawn", "returned", "letter") and day > build.last_day - timedelta(7):
                fate = "handled"  # decided after the data ends: still waiting, as handled ones
            if fate == "draft":
                day = max(build.first_day, build.last_day - timedelta(days=rng.randint(0, 30)))
            plans.append((lead, session, day, fate))
        plans.sort(key=lambda plan: (plan[2], plan[0].ordinal))
        # Every ending at least once: the newest handled recess suggestions take those missing.
        for fate in ("draft", "withdrawn", "returned", "letter"):
            if plans and all(plan[3] != fate for plan in plans):
                for index in range(len(plans) - 1, -1, -1):
                    lead, session, day, current = plans[index]
                    settled = day <= build.last_day - timedelta(days=10)
                    if current == "handled" and session is None and (settled or fate == "draft"):
                        if fate == "draft":
                            day = build.last_day
                        plans[index] = (lead, session, day, fate)
                        break
        return plans

    def _lead(self, rng: random.Random, day: date) -> Person:
        for _attempt in range(20):
            person = rng.choices(self.people, cum_weights=self.cumulative)[0]
            if person.serves_on(day):
                return person
        return next((p for p in self.people if p.serves_on(day)), self.people[0])

    def moment(self, day: date, rng: random.Random) -> datetime:
        return self.moments.at(day, rng.randint(8 * 60, 21 * 60))

    def life(self, index: int) -> _Life:
        lead, session, day, fate = self.plans[index]
        rng = random.Random(f"{self.build.seed}:suggestion:{index}")  # noqa: S311
        category = rng.choices(self.category_names, self.category_weights)[0]
        _units, problems = self.topics.get(category, self.topics["其他"])
        problem, action = rng.choice(problems)
        suffix = rng.choice(["村", "社区"])
        place = f"{lead.area}{_village(rng)}{suffix}"
        problem = problem.removeprefix(suffix)
        # One in five is handed in on paper and entered by staff; the rest from the phone.
        from_paper = lead.user_id is None and rng.random() < 0.2
        author = self.staff_id if from_paper else lead.user_id
        row = _Row(
            self.defaults,
            congress_id=self.congress.pk,
            kind="suggestion",
            session_id=session.pk if session else None,
            title=f"关于{place}{problem}问题的建议",
            content=(
                f"{place}{problem}问题群众反映强烈，影响日常生活。经走访调研，"
                f"建议有关部门{action}，切实解决群众的急难愁盼问题。"
            ),
            category_id=self.categories[category].pk,
            source=rng.choice(
                ["own_research"] * 5 + ["voter_message", "station_visit", "hotline", "attendee"]
            ),
            lead_deputy_id=lead.pk,
            status="draft",
            from_paper=from_paper,
            created_by_id=author,
        )
        life = _Life(index=index, row=row)
        created = self.moment(day - timedelta(days=rng.randint(0, 3)), rng)
        if fate == "draft":
            created = self.moment(day, rng)
        row.created_at = created
        life.steps.append(_Planned(created, "create", "draft", author))
        if fate == "draft":
            return life
        submitted = max(created + timedelta(minutes=30), self.moment(day, rng))
        cosigners = []
        if rng.random() < 0.4:
            for _n in range(rng.randint(1, 3)):
                other = rng.choices(self.people, cum_weights=self.cumulative)[0]
                if other.pk != lead.pk and other.serves_on(day) and other not in cosigners:
                    cosigners.append(other)
        for other in cosigners:
            life.add(
                "cosigners",
                {
                    "deputy_id": other.pk,
                    "status": "confirmed",
                    "invited_at": created,
                    "responded_at": submitted,
                },
            )

        def submit():
            row.submitted_at = submitted

        life.steps.append(_Planned(submitted, "submit", "submitted", author, effect=submit))
        if session is not None:
            decided_on = session.ends_on + timedelta(days=rng.randint(3, 12))
        else:
            decided_on = day + timedelta(days=rng.randint(2, 6))
        decided = self.moment(decided_on, rng)
        if fate == "withdrawn":
            life.steps.append(_Planned(decided, "withdraw", "withdrawn", author))
            return life
        if fate == "returned":
            from suggestions.demo import RETURN_REASONS

            reason = rng.choice(RETURN_REASONS)

            def give_back():
                row.return_reason = reason

            life.steps.append(
                _Planned(decided, "return_to_deputy", "returned", self.staff_id, reason, give_back)
            )
            return life
        if fate == "letter":

            def letter():
                row.closed_at = decided

            life.steps.append(_Planned(decided, "make_letter", "letter", self.staff_id, "", letter))
            return life

        def accept():
            row.accepted_at = decided

        life.steps.append(_Planned(decided, "accept", "accepted", self.staff_id, effect=accept))
        self._handle(life, rng, lead, cosigners, category, decided_on, session)
        return life

    def _unit(self, category: str, rng: random.Random):
        return rng.choice(self.units_by_category.get(category) or self.build.units)

    def _handle(self, life, rng, lead, cosigners, category, accepted_on, session) -> None:
        from suggestions.demo import CONTACT_TEXTS, REPLY_TEXTS, UNSATISFIED_REASONS

        row, congress = life.row, self.congress
        if session is not None:
            assigned_on = session.ends_on + timedelta(days=rng.randint(20, 24))
        else:
            assigned_on = accepted_on + timedelta(days=rng.randint(4, 9))
        assigned = self.moment(assigned_on, rng)
        due_on = self.calendar.months(assigned_on, congress.reply_deadline_months)
        return_by = self.calendar.working_days(assigned_on, congress.unit_return_working_days)
        unit = self._unit(category, rng)
        co_unit = None
        if rng.random() < 0.15:
            co_unit = rng.choice([u for u in self.build.units if u.pk != unit.pk] or [unit])
            if co_unit.pk == unit.pk:
                co_unit = None
        wrong = None
        if rng.random() < 0.02:
            wrong = rng.choice([u for u in self.build.units if u.pk != unit.pk] or [unit])
            if wrong.pk == unit.pk:
                wrong = None
        is_key = session is not None and rng.random() < 0.03
        first_unit = wrong or unit
        names = first_unit.name + (f"（协办：{co_unit.name}）" if co_unit else "")
        lead_row = {
            "unit_id": first_unit.pk,
            "role": "lead",
            "status": "active",
            "assigned_on": assigned_on,
            "return_by": return_by,
            "assigned_by_id": self.staff_id,
            "created_at": assigned,
        }

        def assign():
            row.assigned_on, row.due_on = assigned_on, due_on
            life.add("assignments", lead_row)
            if co_unit is not None:
                life.add("assignments", co_row)
            if is_key:
                row.is_key = True
                row.key_leading_official, row.key_supervisor = self.key_people

        co_row = {}
        if co_unit is not None:
            co_row = {
                "unit_id": co_unit.pk,
                "role": "co",
                "status": "active",
                "assigned_on": assigned_on,
                "return_by": return_by,
                "opinion_due_on": self.calendar.months(
                    assigned_on, congress.co_handling_opinion_months
                ),
                "assigned_by_id": self.staff_id,
                "created_at": assigned,
            }
        life.steps.append(
            _Planned(assigned, "assign", "assigned", self.staff_id, f"主办：{names}", assign)
        )
        if is_key:
            note = "{}领办，{}督办".format(*self.key_people)
            life.steps.append(
                _Planned(assigned + timedelta(minutes=5), "key", None, self.staff_id, note)
            )
            for offset, text in (
                (30, "常委会领导带队实地察看办理进展，听取承办单位汇报。"),
                (55, "召开重点建议督办推进会，要求明确时间表和责任人。"),
            ):
                visit_on = assigned_on + timedelta(days=offset)
                entry = {
                    "kind": "visit",
                    "date": visit_on,
                    "text": text,
                    "recorded_by_id": self.staff_id,
                    "created_at": self.moment(visit_on, rng),
                }
                life.steps.append(
                    _Planned(
                        entry["created_at"],
                        "supervision",
                        None,
                        self.staff_id,
                        text,
                        lambda entry=entry: life.add("supervision", entry),
                    )
                )
        if wrong is not None:
            back_on = assigned_on + timedelta(days=3)
            reason = "该事项不属于本单位职责范围，建议交由行业主管部门办理。"
            returned_at = self.moment(back_on, rng)
            right_row = dict(
                lead_row,
                unit_id=unit.pk,
                assigned_on=back_on + timedelta(days=1),
                return_by=self.calendar.working_days(
                    back_on + timedelta(days=1), congress.unit_return_working_days
                ),
                created_at=self.moment(back_on + timedelta(days=1), rng),
            )

            def unit_return():
                lead_row.update(status="returned", return_reason=reason, returned_at=returned_at)

            life.steps.append(_Planned(returned_at, "unit_return", None, None, reason, unit_return))
            life.steps.append(
                _Planned(
                    right_row["created_at"],
                    "reassign",
                    None,
                    self.staff_id,
                    f"改由{unit.name}主办",
                    lambda: life.add("assignments", right_row),
                )
            )
        if co_row:
            given_on = co_row["opinion_due_on"] - timedelta(days=rng.randint(1, 10))
            given = self.moment(max(given_on, assigned_on + timedelta(days=1)), rng)

            def opinion():
                co_row.update(
                    opinion="同意主办单位的办理意见，我单位将积极配合落实。", opinion_at=given
                )

            life.steps.append(_Planned(given, "co_opinion", None, None, co_unit.name, opinion))
        replier = (
            self.unit_liaison.pk
            if self.unit_liaison is not None and unit.pk == self.build.liaison_unit.pk
            else self.staff_id
        )
        late = rng.random() < 0.05
        if late:
            replied_on = due_on + timedelta(days=rng.randint(4, 20))
            note_on = due_on + timedelta(days=3)
            text = "已逾期，电话催办承办单位，要求一周内报送答复。"
            entry = {
                "kind": "note",
                "date": note_on,
                "text": text,
                "recorded_by_id": self.staff_id,
                "created_at": self.moment(note_on, rng),
            }
            life.steps.append(
                _Planned(
                    entry["created_at"],
                    "supervision",
                    None,
                    self.staff_id,
                    text,
                    lambda: life.add("supervision", entry),
                )
            )
        else:
            replied_on = min(
                assigned_on + timedelta(days=rng.randint(25, 75)), due_on - timedelta(days=1)
            )
            replied_on = max(replied_on, assigned_on + timedelta(days=1))
        contact_on = assigned_on + timedelta(days=rng.randint(3, 10))
        if contact_on < replied_on and rng.random() < 0.6:
            self._contact(
                life, rng, unit, "before", "phone", contact_on, CONTACT_TEXTS["before"], replier
            )
        first_class = _weighted(rng, REPLY_CLASSES)
        people = [(lead.pk, True)] + [(other.pk, False) for other in cosigners]
        reply_one = self._reply(
            life, rng, 1, unit, replied_on, due_on, first_class, people, REPLY_TEXTS, replier
        )
        if rng.random() < 0.4:
            after = replied_on + timedelta(days=2)
            self._contact(life, rng, unit, "after", "visit", after, CONTACT_TEXTS["after"], replier)
        rated_on = replied_on + timedelta(days=rng.randint(4, 15))
        rated = self.moment(rated_on, rng)
        rater = lead.user_id or self.staff_id
        roll = rng.random()
        if roll < 0.02:
            closed = self.moment(replied_on + timedelta(days=rng.randint(25, 40)), rng)

            def close_unrated():
                row.closed_at = closed

            life.steps.append(
                _Planned(
                    closed,
                    "close_unrated",
                    "closed",
                    self.staff_id,
                    "代表逾期未反馈意见，按程序办结。",
                    close_unrated,
                )
            )
            return
        if roll < 0.02 + UNSATISFIED_SHARE * 1.5:
            reason = rng.choice(UNSATISFIED_REASONS)
            second_due = self.calendar.months(rated_on, congress.rehandling_deadline_months)

            def reopen():
                row.first_rating = row.final_rating = "unsatisfied"
                row.round, row.due_on, row.joint_supervision = 2, second_due, True
                self._rate(life, reply_one, "unsatisfied", rated, reason, rng)

            life.steps.append(_Planned(rated, "reopen", "rehandling", rater, reason, reopen))
            second_on = min(rated_on + timedelta(days=rng.randint(12, 25)), second_due)
            reply_two = self._reply(
                life,
                rng,
                2,
                unit,
                second_on,
                second_due,
                rng.choice(["A", "A", "B"]),
                people,
                REPLY_TEXTS,
                replier,
            )
            final_on = second_on + timedelta(days=rng.randint(3, 10))
            final = self.moment(final_on, rng)
            rating = rng.choice(
                ["satisfied", "basically_satisfied", "basically_satisfied", "unsatisfied"]
            )

            def close_second():
                row.final_rating, row.closed_at = rating, final
                self._rate(life, reply_two, rating, final, "", rng)

            life.steps.append(_Planned(final, "close_rated", "closed", rater, "", close_second))
            return
        rating = "satisfied" if rng.random() < 0.85 else "basically_satisfied"

        def close():
            row.first_rating = row.final_rating = rating
            row.closed_at = rated
            self._rate(life, reply_one, rating, rated, "", rng)

        life.steps.append(_Planned(rated, "close_rated", "closed", rater, "", close))

    def _contact(self, life, rng, unit, stage, method, day, text, actor) -> None:
        entry = {
            "unit_id": unit.pk,
            "stage": stage,
            "method": method,
            "contacted_on": day,
            "text": text,
            "recorded_by_id": actor,
            "created_at": self.moment(day, rng),
        }
        life.steps.append(
            _Planned(
                entry["created_at"],
                "contact",
                None,
                None,
                text,
                lambda: life.add("contacts", entry),
            )
        )

    def _reply(
        self, life, rng, number, unit, replied_on, due_on, reply_class, people, texts, actor
    ):
        row = life.row
        at = self.moment(replied_on, rng)
        problem = row.content.split("建议有关部门")[-1].split("，切实")[0]
        solved_on = None
        if reply_class == "B" and rng.random() < 0.5:
            solved_on = replied_on + timedelta(days=rng.randint(20, 60))
        reply = {
            "round": number,
            "unit_id": unit.pk,
            "reply_class": reply_class,
            "text": texts.get(reply_class, texts["C"]).format(action=problem),
            "letter_name": "",
            "replied_on": replied_on,
            "due_on": due_on,
            "replied_by_id": actor,
            "created_at": at,
            "feedback": [],
        }

        def replied():
            if number == 1:
                row.first_due_on, row.first_replied_on = row.due_on, replied_on
            row.replied_on, row.reply_class, row.follow_up_done_on = replied_on, reply_class, None
            life.add("replies", reply)
            for deputy_id, is_lead in people:
                reply["feedback"].append(
                    life.add(
                        "feedback",
                        {
                            "round": number,
                            "deputy_id": deputy_id,
                            "is_lead": is_lead,
                            "rating": "",
                            "reason": "",
                            "rated_at": None,
                            "rated_by_id": None,
                            "created_at": at,
                        },
                    )
                )

        life.steps.append(
            _Planned(at, "reply", "replied", actor, f"答复类别：{reply_class}", replied)
        )
        if solved_on is not None:

            def solved():
                reply["solved_on"] = solved_on
                reply["solved_note"] = "已按计划完成整改。"
                if row.round == number:
                    row.follow_up_done_on = solved_on

            life.steps.append(
                _Planned(
                    self.moment(solved_on, rng),
                    "report_solved",
                    None,
                    actor,
                    f"{solved_on.isoformat()}：已按计划完成整改。",
                    solved,
                )
            )
        return reply

    def _rate(self, life, reply, rating, at, reason, rng) -> None:
        for feedback in reply["feedback"]:
            # Co-signers mostly agree with the leading deputy; one in four stays silent.
            if not feedback["is_lead"] and rng.random() < 0.25:
                continue
            feedback.update(rating=rating, reason=reason, rated_at=at)


def _t(text: str) -> str:
    """gettext, remembered: a large congress asks for the same few texts a million times."""
    return _translated(translation.get_language(), text)


@functools.lru_cache(maxsize=256)
def _translated(language: str | None, text: str) -> str:
    return _(text)


def _running(weights: Iterable[float]) -> Iterable[float]:
    total = 0.0
    for weight in weights:
        total += weight
        yield total


def create_suggestions(
    build: Build,
    *,
    total: int | None = None,
    per_deputy_year: float = SUGGESTIONS_PER_DEPUTY_YEAR,
) -> None:
    """Suggestions in every state of their life, six in ten made at the session: drafts,
    submitted, returned, withdrawn, turned into letters, accepted, assigned to a lead unit (and
    a co-handling unit for some), replied, rated, re-handled after an unsatisfied rating and
    closed. Each accepted one scores for its deputies as the service would record it."""
    from suggestions.models import (
        ContactLog,
        NumberCounter,
        Suggestion,
        SuggestionAssignment,
        SuggestionCosigner,
        SuggestionEvent,
        SuggestionFeedback,
        SuggestionReply,
        SupervisionEntry,
        new_feedback_token,
    )

    with _Step(build, "suggestions"):
        planner = _SuggestionPlanner(build, total, per_deputy_year)
        lives = []
        for index in range(len(planner.plans)):
            life = planner.life(index)
            _live(life, build.last_day, "draft")
            lives.append(life)
        _force_every_status(
            lives,
            ["submitted", "accepted", "assigned", "replied", "rehandling", "closed"],
            lambda index, status: _relive(planner.life(index), build.last_day, "draft", status),
        )
        # Co-signers of a suggestion still waiting may not have answered yet.
        for life in lives:
            if life.row.status == "submitted":
                answers = random.Random(f"{build.seed}:cosign:{life.index}")  # noqa: S311
                for cosigner in life.children.get("cosigners", []):
                    if answers.random() < 0.5:
                        cosigner.update(status="invited", responded_at=None)
            life.row.updated_at = life.events[-1][0] if life.events else life.row.created_at
        counters = _number(build, [life.row for life in lives])
        rows = [life.row for life in lives]
        _insert_rows(Suggestion, rows)
        NumberCounter.objects.bulk_create(
            [
                NumberCounter(congress=build.congress, series=s, last_number=n)
                for s, n in counters.items()
            ]
        )
        _count(build, "suggestions", len(rows))
        _count(
            build,
            "suggestion_history",
            _history_created(Suggestion, build.congress, "title"),
        )
        congress_id = build.congress.pk

        def children(kind: str, extra: Callable[[dict], dict] | None = None):
            for life in lives:
                for child in life.children.get(kind, []):
                    values = dict(child, congress_id=congress_id, suggestion_id=life.row.pk)
                    values.pop("feedback", None)
                    yield extra(values) if extra else values

        for model, kind, extra in (
            (SuggestionCosigner, "cosigners", None),
            (SuggestionAssignment, "assignments", None),
            (SuggestionReply, "replies", None),
            (SuggestionFeedback, "feedback", lambda v: dict(v, token=new_feedback_token())),
            (ContactLog, "contacts", None),
            (SupervisionEntry, "supervision", None),
        ):
            written = _insert_dicts(model, children(kind, extra))
            _count(build, f"suggestion_{kind}", written)
        events = (
            (congress_id, life.row.pk, action, before, after, actor, note[:1000], at)
            for life in lives
            for at, action, before, after, actor, note in life.events
        )
        _count(
            build,
            "suggestion_events",
            _insert(
                SuggestionEvent,
                [
                    "congress",
                    "suggestion",
                    "action",
                    "from_status",
                    "to_status",
                    "actor",
                    "note",
                    "at",
                ],
                events,
            ),
        )
        for model in (
            SuggestionCosigner,
            SuggestionAssignment,
            SuggestionReply,
            SuggestionFeedback,
            ContactLog,
            SupervisionEntry,
        ):
            _history_created(model, build.congress, "id")
        _known_suggestion_work(build, lives)


def _relive(life: _Life, last_day: date, first: str, status: str) -> _Life:
    _live(life, last_day, first, stop_at=status)
    return life


def _force_every_status(lives: list[_Life], statuses: list[str], relive) -> None:
    """For a status no life reached, stop the newest life that passes through it there (as if
    the data ended at that step): small congresses still show every state. A life is taken
    only from a status others share, so no state is lost on the way."""
    for status in statuses:
        held = Counter(life.row.status for life in lives)
        if held[status]:
            continue
        for position in range(len(lives) - 1, -1, -1):
            life = lives[position]
            passes = any(event[3] == status for event in life.events)
            if passes and held[life.row.status] > 1:
                lives[position] = relive(life.index, status)
                break


def _insert_dicts(model: type[models.Model], rows: Iterable[dict]) -> int:
    """Rows given as dicts of field attribute names through `_insert`; a field a row leaves
    out takes its default."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {
        f.attname: now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in fields
    }

    def values():
        for row in rows:
            yield [row.get(f.attname, defaults[f.attname]) for f in fields]

    return _insert(model, [f.attname for f in fields], values())


def _number(build: Build, rows: list) -> dict[str, int]:
    """Numbers in order of acceptance per series (a session's, or a recess year's), as
    `lifecycle.next_number` gives them; returns each series' last number."""
    accepted = sorted(
        (row for row in rows if row.accepted_at is not None),
        key=lambda row: (row.accepted_at, row.submitted_at, row.lead_deputy_id),
    )
    counters: dict[str, int] = {}
    for row in accepted:
        if row.session_id:
            series = f"s{row.session_id}-{row.kind}"
        else:
            series = f"r{timezone.localtime(row.submitted_at).year}-{row.kind}"
        counters[series] = counters.get(series, 0) + 1
        row.series, row.number = series, counters[series]
    return counters


def _known_suggestion_work(build: Build, lives: list[_Life]) -> None:
    """An accepted suggestion scores for its leading deputy and the co-signers who confirmed."""
    for life in lives:
        row = life.row
        if row.accepted_at is None:
            continue
        day = timezone.localtime(row.accepted_at).date()
        number = _t("No. %(number)s") % {"number": row.number}
        title = row.title[:200]
        build.known_work.append(
            (
                "suggestion_accepted",
                row.pk,
                day,
                [row.lead_deputy_id],
                _t("Led suggestion %(number)s: %(title)s") % {"number": number, "title": title},
            )
        )
        cosigners = [
            c["deputy_id"]
            for c in life.children.get("cosigners", [])
            if c["status"] == "confirmed" and c["deputy_id"] != row.lead_deputy_id
        ]
        if cosigners:
            build.known_work.append(
                (
                    "suggestion_accepted",
                    row.pk,
                    day,
                    cosigners,
                    _t("Co-signed suggestion %(number)s: %(title)s")
                    % {"number": number, "title": title},
                )
            )


# Voter messages ------------------------------------------------------------------------------


class _MessagePlanner:
    """Plans each voter message's life, as `_SuggestionPlanner` does suggestions'."""

    def __init__(self, build: Build, total: int | None, per_deputy_year: float):
        from liaison.demo_messages import TEXTS, USUAL_ANSWERS
        from liaison.models import VoterMessage

        self.build = build
        self.congress = build.congress
        self.defaults = _defaults(VoterMessage)
        self.calendar = _Calendar()
        self.moments = _Moments()
        self.texts, self.answers = TEXTS, USUAL_ANSWERS
        self.staff_id = build.accounts["staff"].pk if "staff" in build.accounts else None
        station_user = build.accounts.get("station")
        self.station_user = station_user.pk if station_user else None
        self.first_station = build.people[0].station if build.people else 0
        unit_user = build.accounts.get("unit")
        self.unit_user = unit_user.pk if unit_user else None
        self.people = list(build.people)
        self.cumulative = list(_running(0.3 + person.activity for person in self.people))
        self.by_station: dict[int, list[Person]] = {}
        for person in self.people:
            self.by_station.setdefault(person.station, []).append(person)
        self.stations = sorted(build.stations)
        self.units_by_topic = {
            topic: [
                unit
                for unit in build.units
                if any(
                    unit.name.endswith(department)
                    for department, _kind, categories in DEPARTMENTS
                    if category in categories
                )
            ]
            or build.units
            for topic, category in TOPIC_CATEGORIES.items()
        }
        rng = build.rng("messages")
        serving_years = sum(
            ((person.left_on or build.last_day) - build.first_day).days / 365.25
            for person in build.people
        )
        if total is None:
            total = round(per_deputy_year * serving_years)
        days = _Days(build)
        self.plans = sorted(
            ((day, rng.random(), index) for index, day in enumerate(days.draw(rng, total))),
        )

    def moment(self, day: date, rng: random.Random, first: int = 8, last: int = 21) -> datetime:
        return self.moments.at(day, rng.randint(first * 60, last * 60))

    def _deputy(self, rng: random.Random, day: date) -> Person | None:
        for _attempt in range(20):
            person = rng.choices(self.people, cum_weights=self.cumulative)[0]
            if person.serves_on(day):
                return person
        return None

    def life(self, index: int) -> _Life:
        from liaison.demo_messages import VOTER_SURNAMES, VOTER_TITLES
        from liaison.models import new_tracking_code

        day, _roll, number = self.plans[index]
        rng = random.Random(f"{self.build.seed}:message:{number}")  # noqa: S311
        topic, text, answer = rng.choice(self.texts)
        answer = answer or self.answers[topic]
        source = _weighted(rng, (("deputy_page", 45), ("station_page", 20), ("walk_in", 35)))
        deputy = self._deputy(rng, day)
        station = None
        if source == "deputy_page" and deputy is None:
            source = "station_page"
        if not self.stations:
            source = "deputy_page"
        if source == "station_page":
            station = rng.choice(self.stations) if self.stations else None
            deputy = None
        elif source == "walk_in":
            station = deputy.station if deputy is not None else rng.choice(self.stations)
            if rng.random() < 0.5:
                deputy = None
        if source == "deputy_page":
            station = None
        created = self.moment(day, rng)
        walk_in = source == "walk_in"
        registrar = self.station_user if walk_in and station == self.first_station else None
        registrar = registrar or (self.staff_id if walk_in else None)
        voter = rng.choice(VOTER_SURNAMES) + rng.choice(VOTER_TITLES) if rng.random() < 0.6 else ""
        row = _Row(
            self.defaults,
            congress_id=self.congress.pk,
            tracking_code=new_tracking_code(),
            source=source,
            deputy_id=deputy.pk if deputy else None,
            station_id=station,
            topic=topic,
            text=text,
            voter_name=voter,
            voter_phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
            if rng.random() < 0.3
            else "",
            consented_at=created,
            status="registered",
            due_on=self.calendar.working_days(day, self.congress.voter_message_reply_working_days),
            device_hash="" if walk_in else f"{rng.getrandbits(256):064x}",
            registered_by_id=registrar,
            created_at=created,
        )
        life = _Life(index=index, row=row)
        note = (
            _t("Visit registered at %(station)s")
            % {"station": self.build.stations.get(station, "")}
            if walk_in
            else ""
        )
        life.steps.append(_Planned(created, "", "registered", registrar, note))
        if walk_in and rng.random() < 0.4:
            spot = created + timedelta(minutes=rng.randint(5, 40))

            def on_the_spot():
                row.answer, row.answered_on_the_spot = answer, True
                row.answered_at, row.answered_by_id = spot, registrar

            life.steps.append(
                _Planned(spot, "", "closed", registrar, _t("Answered on the spot"), on_the_spot)
            )
            return life
        forwarded_on = day + timedelta(days=rng.randint(0, 2))
        forwarded = self.moment(forwarded_on, rng)
        forwarder = (
            self.station_user if station == self.first_station and station else self.staff_id
        )
        target = _weighted(rng, (("deputy", 55), ("unit", 35), ("suggestion", 10)))
        to_deputy = deputy
        if target in ("deputy", "suggestion") and to_deputy is None:
            nearby = [p for p in self.by_station.get(station, []) if p.serves_on(forwarded_on)]
            to_deputy = rng.choice(nearby) if nearby else None
            if to_deputy is None:
                target = "unit"
        unit = rng.choice(self.units_by_topic[topic]) if target == "unit" else None
        where = unit.name if unit is not None else to_deputy.name

        def forward():
            row.forward_target = target
            row.forwarded_to_deputy_id = to_deputy.pk if target != "unit" else None
            row.forwarded_to_unit_id = unit.pk if unit is not None else None

        note = _t("Forwarded to %(target)s: %(name)s") % {
            "target": {
                "deputy": _t("a deputy"),
                "unit": _t("a handling unit"),
                "suggestion": _t("a deputy suggestion"),
            }[target],
            "name": where,
        }
        life.steps.append(_Planned(forwarded, "", "forwarded", forwarder, note, forward))
        handler = (
            self.unit_user
            if unit is not None and unit.pk == getattr(self.build.liaison_unit, "pk", None)
            else (to_deputy.user_id if to_deputy is not None else None) or self.staff_id
        )
        handled_on = forwarded_on + timedelta(days=rng.randint(0, 3))
        if rng.random() < 0.8:
            life.steps.append(_Planned(self.moment(handled_on, rng), "", "handled", handler))
        late = rng.random() < 0.12
        if late:
            answered_on = row.due_on + timedelta(days=rng.randint(1, 15))
        else:
            answered_on = min(handled_on + timedelta(days=rng.randint(0, 8)), row.due_on)
        answered = self.moment(max(answered_on, handled_on), rng)

        def write_answer():
            row.answer, row.answered_at, row.answered_by_id = answer, answered, handler

        life.steps.append(_Planned(answered, "", "answered", handler, "", write_answer))
        ending = rng.random()
        if ending < 0.55:
            from liaison.demo_messages import SATISFIED_COMMENTS, UNSATISFIED_COMMENTS

            rated = self.moment(answered_on + timedelta(days=rng.randint(1, 10)), rng)
            satisfied = rng.random() < 0.88
            comment = rng.choice(SATISFIED_COMMENTS if satisfied else UNSATISFIED_COMMENTS)
            value = "satisfied" if satisfied else "unsatisfied"

            def rate():
                row.satisfaction, row.feedback, row.rated_at = value, comment, rated

            label = _t("satisfied") if satisfied else _t("not satisfied")
            life.steps.append(
                _Planned(
                    rated,
                    "",
                    "closed",
                    None,
                    _t("The voter rated the answer: %(rating)s") % {"rating": label},
                    rate,
                )
            )
        elif ending < 0.9:
            closed = self.moment(answered_on + timedelta(days=rng.randint(10, 20)), rng)
            life.steps.append(
                _Planned(closed, "", "closed", self.staff_id, _t("Closed without a rating"))
            )
        return life


def create_voter_messages(
    build: Build, *, total: int | None = None, per_deputy_year: float = MESSAGES_PER_DEPUTY_YEAR
) -> None:
    """Voter messages from deputies' and stations' QR pages and station visits, in every state
    (registered, forwarded, being handled, answered, closed with or without the voter's rating,
    answered on the spot), with their events; each answered one scores for its deputy."""
    from liaison.models import MessageTopic, VoterMessage, VoterMessageEvent

    with _Step(build, "messages"):
        planner = _MessagePlanner(build, total, per_deputy_year)
        lives = []
        for index in range(len(planner.plans)):
            life = planner.life(index)
            _live(life, build.last_day, "registered")
            lives.append(life)
        _force_every_status(
            lives,
            ["registered", "forwarded", "handled", "answered", "closed"],
            lambda index, status: _relive(
                planner.life(index), build.last_day, "registered", status
            ),
        )
        for life in lives:
            life.row.updated_at = life.events[-1][0] if life.events else life.row.created_at
        rows = [life.row for life in lives]
        _insert_rows(VoterMessage, rows)
        _count(build, "voter_messages", len(rows))
        _history_created(VoterMessage, build.congress, "tracking_code")
        congress_id = build.congress.pk
        events = (
            (
                congress_id,
                life.row.pk,
                before if before != after or index else "",
                after,
                actor,
                note[:500],
                at,
            )
            for life in lives
            for index, (at, _action, before, after, actor, note) in enumerate(life.events)
        )
        written = _insert(
            VoterMessageEvent,
            ["congress", "message", "from_status", "to_status", "actor", "note", "at"],
            events,
        )
        _count(build, "voter_message_events", written)
        for life in lives:
            row = life.row
            if row.answered_at is None:
                continue
            deputy_id = row.forwarded_to_deputy_id or row.deputy_id
            if deputy_id is None:
                continue
            build.known_work.append(
                (
                    "message_answered",
                    row.pk,
                    timezone.localtime(row.answered_at).date(),
                    [deputy_id],
                    _t("Answered a voter message (%(topic)s)")
                    % {"topic": MessageTopic(row.topic).label},
                )
            )


# Duty records --------------------------------------------------------------------------------


RECORD_FIELDS = [
    "congress",
    "deputy",
    "category_code",
    "category_name",
    "kind",
    "occurred_on",
    "year",
    "quarter",
    "description",
    "origin",
    "status",
    "source_type",
    "source_id",
    "points",
    "reject_reason",
    "reviewed_by",
    "reviewed_at",
    "created_by",
    "created_at",
    "updated_at",
]


def create_duty_records(
    build: Build,
    *,
    total: int | None = None,
    per_deputy_year: float = RECORDS_PER_DEPUTY_YEAR,
) -> None:
    """Duty records at the committees' rate (or exactly `total`): attendance at each congress
    session entered by staff (with the few absent without leave docked a point), a few
    commendations, the work the system scores by itself (suggestions accepted, messages
    answered), and what deputies report themselves, spread by season and by how active each
    deputy is. A closed quarter's records are confirmed with their points frozen, or rejected;
    the open quarter's are approved, awaiting audit or rejected."""
    from scoring.demo import DESCRIPTIONS, REJECT_REASONS
    from scoring.models import DutyRecord

    with _Step(build, "records"):
        rng = build.rng("records")
        congress_id = build.congress.pk
        staff = build.accounts.get("staff")
        staff_id = staff.pk if staff else None
        station_user = build.accounts.get("station")
        first_station = build.people[0].station if build.people else 0
        moments = _Moments()
        items = {
            year: {item.code: item for item in rule_set.items.all()}
            for year, rule_set in build.rule_sets.items()
        }
        closed = {(y, q): build.is_closed(y, q) for y in build.years for q in range(1, 5)}
        counted = {"n": 0}

        def reviewer(person: Person) -> int | None:
            if station_user is not None and person.station == first_station:
                return station_user.pk
            return staff_id

        def record(person, item, day, *, origin, description, source=("", None), roll=None):
            """One record row as the services leave it by the end of the build."""
            year, quarter = day.year, quarter_of(day)
            is_closed = closed[(year, quarter)]
            created = moments.at(day, 9 * 60 + (counted["n"] * 37) % (12 * 60))
            counted["n"] += 1
            created = min(created, moments.at(build.last_day, 23 * 60))
            status, points, reason, reviewed_by, reviewed_at = "approved", None, "", None, None
            created_by = person.user_id
            if origin in ("staff", "automatic"):
                created_by = staff_id if origin == "staff" else None
                reviewed_by = staff_id if origin == "staff" else None
                reviewed_at = created if origin == "staff" else None
            else:
                age = (build.last_day - day).days
                if roll < 0.035:
                    status = "rejected"
                    reason = REJECT_REASONS[int(roll * 1000) % len(REJECT_REASONS)]
                elif not is_closed and roll > (0.45 if age < 25 else 0.9):
                    status = "submitted"
                if status != "submitted":
                    reviewed_by = reviewer(person)
                    reviewed_at = min(
                        created + timedelta(days=3 + int(roll * 97) % 12),
                        moments.at(build.last_day, 23 * 60 + 30),
                    )
            if is_closed and status == "approved":
                status, points = "confirmed", item.points
            return (
                congress_id,
                person.pk,
                item.code,
                item.name,
                item.kind,
                day,
                year,
                quarter,
                description[:500],
                origin,
                status,
                source[0],
                source[1],
                points,
                reason,
                reviewed_by,
                reviewed_at,
                created_by,
                created,
                reviewed_at or created,
            )

        def fixed_rows():
            for year, session in sorted(build.sessions.items()):
                day = session.starts_on
                if not build.first_day <= day <= build.last_day or year not in items:
                    continue
                meeting = items[year].get("congress_meeting")
                absence = items[year].get("absent_without_leave")
                for person in build.people:
                    if not person.serves_on(day):
                        continue
                    roll = rng.random()
                    if meeting is not None and roll < SESSION_ATTENDANCE:
                        yield record(
                            person, meeting, day, origin="staff", description=f"出席{session.name}"
                        )
                    elif absence is not None and roll < SESSION_ATTENDANCE + ABSENT_WITHOUT_LEAVE:
                        yield record(
                            person,
                            absence,
                            day,
                            origin="staff",
                            description=f"未请假缺席{session.name}",
                        )
            for year in build.years:
                commended = items.get(year, {}).get("commended")
                day = date(year, 12, 20)
                if commended is None or day > build.last_day:
                    continue
                for person in build.people:
                    if person.serves_on(day) and rng.random() < COMMENDED_SHARE * person.activity:
                        yield record(
                            person,
                            commended,
                            day,
                            origin="staff",
                            description="被评为年度优秀人大代表",
                        )
            people = {person.pk: person for person in build.people}
            for source, source_id, day, deputy_ids, description in build.known_work:
                item = next(
                    (
                        i
                        for i in items.get(day.year, {}).values()
                        if source in (i.auto_sources or [])
                    ),
                    None,
                )
                if item is None or day > build.last_day:
                    continue
                if item.recess_only and day in build.sitting_days:
                    continue
                for deputy_id in deputy_ids:
                    person = people[deputy_id]
                    if person.serves_on(day):
                        yield record(
                            person,
                            item,
                            day,
                            origin="automatic",
                            description=description,
                            source=(source, source_id),
                        )

        fixed = list(fixed_rows())
        serving_years = [
            max(0.0, ((person.left_on or build.last_day) - build.first_day).days / 365.25)
            for person in build.people
        ]
        wanted = total if total is not None else round(per_deputy_year * sum(serving_years))
        reported = _share(
            max(0, wanted - len(fixed)),
            [
                person.activity * years
                for person, years in zip(build.people, serving_years, strict=True)
            ],
        )
        days = _Days(build)

        def reported_rows():
            any_items = next(iter(items.values()))
            codes = [
                code
                for code, item in any_items.items()
                if item.kind == "duty" and item.self_reported and code != "congress_meeting"
            ]
            weights = [REPORTED_WEIGHTS.get(code, 1) for code in codes]
            cumulative = list(_running(weights))
            fallback = next((code for code in codes if not any_items[code].recess_only), codes[0])
            # Drawn deputy by deputy, written day by day as a live system receives them.
            drawn_records = []
            for index, (person, count) in enumerate(zip(build.people, reported, strict=True)):
                if not count:
                    continue
                drawn = days.draw(rng, count, person.left_on)
                chosen = rng.choices(range(len(codes)), cum_weights=cumulative, k=len(drawn))
                drawn_records.extend(
                    (day, rng.random(), index, code)
                    for day, code in zip(drawn, chosen, strict=True)
                )
            drawn_records.sort()
            for day, roll, index, code in drawn_records:
                person = build.people[index]
                year_items = items.get(day.year) or any_items
                item = year_items.get(codes[code]) or year_items[fallback]
                if item.recess_only and day in build.sitting_days:
                    item = year_items[fallback]
                texts = DESCRIPTIONS.get(item.code) or [f"{item.name}"]
                description = texts[int(roll * 7919) % len(texts)]
                origin = "staff" if roll > 0.88 and not person.user_id else "deputy"
                yield record(person, item, day, origin=origin, description=description, roll=roll)

        fixed.sort(key=lambda row: row[5])
        rows = heapq.merge(fixed, reported_rows(), key=lambda row: row[5])
        written = _insert(DutyRecord, RECORD_FIELDS, rows)
        _count(build, "duty_records", written)


# Closing and ranking -----------------------------------------------------------------------


def close_quarters(build: Build, quarters: Sequence[tuple[int, int]] | None = None) -> None:
    """Close the quarters (all that have ended before the open one, unless given) with the
    committee's own service, as the quarterly job does."""
    from scoring.services import duty_quarter_close

    with _Step(build, "closing"):
        chosen = build.closed_quarters() if quarters is None else list(quarters)
        for year, quarter in chosen:
            duty_quarter_close(actor=None, congress=build.congress, year=year, quarter=quarter)
        _count(build, "quarters_closed", len(chosen))


def rank_quarters(build: Build, quarters: Sequence[tuple[int, int]] | None = None) -> None:
    """Rank closed quarters in order with the ranking service (rollups and warnings included),
    so the ranking board, the red and black lists and the warnings have their history."""
    from scoring.models import DutyWarning
    from scoring.ranking import ranking_compute

    with _Step(build, "ranking"):
        chosen = build.closed_quarters() if quarters is None else list(quarters)
        for year, quarter in sorted(chosen):
            ranking_compute(congress=build.congress, year=year, quarter=quarter)
        _count(build, "rankings", len(chosen))
        _count(build, "warnings", DutyWarning.objects.count())


def analyze() -> None:
    """Planner statistics for the tables just filled, as autovacuum keeps them on a live
    database: without them PostgreSQL takes 10,000 deputies for a handful."""
    from deputies.models import Deputy
    from liaison.models import (
        DeputyGroup,
        GroupMembership,
        LiaisonStation,
        StationDeputy,
        VoterMessage,
        VoterMessageEvent,
    )
    from scoring.models import DutyRecord, RankingCategoryScore, RankingEntry, RankingGroupEntry
    from suggestions.models import Suggestion, SuggestionAssignment, SuggestionEvent

    tables = [
        model._meta.db_table
        for model in (
            Deputy, DeputyGroup, GroupMembership, LiaisonStation, StationDeputy, DutyRecord,
            RankingEntry, RankingCategoryScore, RankingGroupEntry, Suggestion,
            SuggestionAssignment, SuggestionEvent, VoterMessage, VoterMessageEvent,
        )
    ]  # fmt: skip
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Table names come from the models.
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        else:
            cursor.execute("ANALYZE")


# The whole congress --------------------------------------------------------------------------


def _quarter_now() -> tuple[int, int]:
    today = timezone.localdate()
    return today.year, quarter_of(today)


def generate(
    *,
    slug: str,
    deputies: int,
    years: int,
    seed: int = 2026,
    end_quarter: tuple[int, int] | None = None,
    name: str | None = None,
    stdout: TextIO | None = None,
) -> dict:
    """A whole congress: `deputies` deputies with `years` years of work up to `end_quarter`
    (the current quarter unless given), which is left open while the quarters before it are
    closed and ranked. Returns the count of each kind of row made and the seconds taken."""
    if years < 1:
        raise DomainError(_("Generate at least one year of data."))
    end_year, end = end_quarter or _quarter_now()
    if not 1 <= end <= 4:
        raise DomainError(_("The quarter must be 1 to 4."))
    last_day = min(quarter_end(end_year, end), timezone.localdate())
    if last_day < date(end_year, 3 * end - 2, 1):
        raise DomainError(_("The end quarter has not begun yet."))
    started = time.perf_counter()
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        build = start(
            slug=slug,
            deputies=deputies,
            first_year=end_year - years + 1,
            last_day=last_day,
            open_quarter=(end_year, end),
            seed=seed,
            name=name,
            out=stdout,
        )
        build.say(f"{build.congress.name}：{deputies} 名代表，{build.first_year}—{last_day}")
        with scope(congress=build.congress):
            create_sessions(build)
            create_rules(build)
            create_deputies(build, deputies)
            create_groups(build)
            create_stations(build)
            create_handling_units(build)
            create_accounts(build)
            create_suggestions(build)
            create_voter_messages(build)
            create_duty_records(build)
            with _Step(build, "statistics"):
                analyze()
            close_quarters(build)
            rank_quarters(build)
            with _Step(build, "statistics"):
                analyze()
            if connection.vendor == "postgresql":
                # The foreign keys are checked at commit; checked here, their time is shown.
                with _Step(build, "checks"):
                    connection.check_constraints()
    build.seconds["total"] = time.perf_counter() - started
    return {
        "congress": build.congress.slug,
        "counts": dict(build.counts),
        "seconds": {key: round(value, 2) for key, value in build.seconds.items()},
    }
