"""Demo groups and stations: Xiangcheng's 9 regional and 5 professional groups, Shiguai's 28."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django_scopes import scope

from congress.history import history_bulk_record
from congress.models import Congress, Membership, Role, User
from deputies.models import Deputy, DeputyLevel, DeputyStatus, OccupationClass
from liaison.models import (
    DeputyGroup,
    GroupKind,
    GroupMembership,
    LiaisonStation,
    StationDeputy,
    StationKind,
    StationStaff,
    StationStandard,
    StationStandardCheck,
)
from liaison.services import station_standards_ensure_defaults

# Xiangcheng district (襄城区): six streets, two towns and one township.
XIANGCHENG_AREAS = [
    "真武山街道",
    "古城街道",
    "庞公街道",
    "檀溪街道",
    "隆中街道",
    "余家湖街道",
    "欧庙镇",
    "卧龙镇",
    "尹集乡",
]
# (field, the occupations that lean to it)
XIANGCHENG_FIELDS = [
    ("产业园区", {OccupationClass.BUSINESS, OccupationClass.WORKER}),
    ("乡村振兴", {OccupationClass.FARMER}),
    ("文化旅游", {OccupationClass.OTHER}),
    ("教育卫生", {OccupationClass.PROFESSIONAL}),
    ("社会治理", {OccupationClass.OFFICIAL, OccupationClass.MILITARY}),
]
# Villages and communities with a liaison station of their own, by area.
XIANGCHENG_LIAISON_STATIONS = [
    ("真武山街道", "铁佛寺社区"),
    ("古城街道", "荆州街社区"),
    ("庞公街道", "闸口社区"),
    ("檀溪街道", "檀溪湖社区"),
    ("隆中街道", "胜利街社区"),
    ("余家湖街道", "南街社区"),
    ("欧庙镇", "黄龙村"),
    ("卧龙镇", "双沟村"),
    ("尹集乡", "观音阁村"),
    ("卧龙镇", "泥嘴村"),
    ("欧庙镇", "新华村"),
]
XIANGCHENG_CONTACT_POINTS = ["古城街道", "卧龙镇"]

SHIGUAI_AREAS = ["石拐街道", "大发街道", "五当召镇", "吉忽伦图苏木"]
SHIGUAI_FIELDS = [("乡村振兴", {OccupationClass.FARMER}), ("社会治理", {OccupationClass.OFFICIAL})]

# How likely a point of the standard is met, by kind of station (deputy homes are the best kept).
MET_RATE = {
    StationKind.DEPUTY_HOME: 0.9,
    StationKind.LIAISON_STATION: 0.7,
    StationKind.CONTACT_POINT: 0.8,
    StationKind.LEGISLATIVE_POINT: 1.0,
}
UNMET_NOTES = [
    "场所临时借用，需落实固定用房",
    "标识牌老旧，已报请更换",
    "制度未上墙，限期整改",
    "年度活动计划未制定",
    "台账记录不完整，需补齐",
    "经费未列入年度预算",
]
LEVEL_RANK = {level: rank for rank, level in enumerate(DeputyLevel.values)}


@dataclass
class DemoStation:
    name: str
    kind: str
    area: str
    address: str
    opening_hours: str = "工作日 8:30-12:00，14:30-17:30"
    contact_phone: str = ""
    description: str = ""
    deputy_share: float = 0.0  # share of the area's deputies who receive here
    deputies_from: list[str] = field(default_factory=list)  # areas drawn from (empty: own)


def _xiangcheng_stations() -> list[DemoStation]:
    stations = []
    for number, area in enumerate(XIANGCHENG_AREAS, start=1):
        stations.append(
            DemoStation(
                name=f"{area}人大代表之家",
                kind=StationKind.DEPUTY_HOME,
                area=area,
                address=f"襄阳市襄城区{area}党群服务中心二楼",
                contact_phone=f"0710-35{number:02d}123",
                description="每月15日为代表集中接待选民日。",
                deputy_share=1.0,
            )
        )
    for area, place in XIANGCHENG_LIAISON_STATIONS:
        stations.append(
            DemoStation(
                name=f"{area}{place}人大代表联络站",
                kind=StationKind.LIAISON_STATION,
                area=area,
                address=f"襄阳市襄城区{area}{place}党群服务中心",
                opening_hours="每周三上午 9:00-11:30",
                deputy_share=0.35,
            )
        )
    for area in XIANGCHENG_CONTACT_POINTS:
        stations.append(
            DemoStation(
                name=f"{area}人大基层联系点",
                kind=StationKind.CONTACT_POINT,
                area=area,
                address=f"襄阳市襄城区{area}便民服务中心",
                deputy_share=0.2,
            )
        )
    stations.append(
        DemoStation(
            name="襄城区人大常委会基层立法联系点",
            kind=StationKind.LEGISLATIVE_POINT,
            area="古城街道",
            address="襄阳市襄城区古城街道北街",
            description="收集群众对法律法规草案的意见建议。",
            deputy_share=0.1,
            deputies_from=XIANGCHENG_AREAS,
        )
    )
    return stations


def _shiguai_stations() -> list[DemoStation]:
    # Shiguai reports 28 stations, each checked against the nine-point standard.
    stations = [
        DemoStation(
            name=f"{area}人大代表之家",
            kind=StationKind.DEPUTY_HOME,
            area=area,
            address=f"包头市石拐区{area}",
            deputy_share=1.0,
        )
        for area in SHIGUAI_AREAS
    ]
    for number in range(1, 23):
        area = SHIGUAI_AREAS[(number - 1) % len(SHIGUAI_AREAS)]
        stations.append(
            DemoStation(
                name=f"石拐区第{number}代表联络站",
                kind=StationKind.LIAISON_STATION,
                area=area,
                address=f"包头市石拐区{area}",
                deputy_share=0.3,
            )
        )
    stations.append(
        DemoStation(
            name="石拐区人大基层联系点",
            kind=StationKind.CONTACT_POINT,
            area="大发街道",
            address="包头市石拐区大发街道",
            deputy_share=0.2,
        )
    )
    stations.append(
        DemoStation(
            name="石拐区基层立法联系点",
            kind=StationKind.LEGISLATIVE_POINT,
            area="石拐街道",
            address="包头市石拐区石拐街道",
            deputy_share=0.1,
            deputies_from=SHIGUAI_AREAS,
        )
    )
    return stations


@dataclass(frozen=True)
class DemoPlan:
    areas: list[str]
    fields: list[tuple[str, set[str]]]
    stations: list[DemoStation]
    staff_username: str
    staff_station: str
    checker_username: str


PLANS = {
    "xiangcheng": DemoPlan(
        areas=XIANGCHENG_AREAS,
        fields=XIANGCHENG_FIELDS,
        stations=_xiangcheng_stations(),
        staff_username="xc-station",
        staff_station="真武山街道人大代表之家",
        checker_username="xc-staff",
    ),
    "shiguai": DemoPlan(
        areas=SHIGUAI_AREAS,
        fields=SHIGUAI_FIELDS,
        stations=_shiguai_stations(),
        staff_username="sg-station",
        staff_station="石拐街道人大代表之家",
        checker_username="sg-staff",
    ),
}


@transaction.atomic
def seed() -> None:
    """Create or complete the demo groups and stations; running it again changes nothing."""
    for slug, plan in PLANS.items():
        congress = Congress.objects.filter(slug=slug).first()
        if congress is None:
            continue
        with scope(congress=congress):
            _seed_congress(congress, plan, random.Random(f"liaison-{slug}"))
    # Reception days, projects and voter messages hang on the groups and stations above.
    from liaison import demo_messages, demo_work

    demo_work.seed()
    demo_messages.seed()


def _seed_congress(congress: Congress, plan: DemoPlan, rng: random.Random) -> None:
    deputies = list(
        Deputy.objects.filter(status=DeputyStatus.SERVING).order_by("name_pinyin", "phone", "pk")
    )
    by_area = _by_area(deputies, plan.areas, rng)
    _seed_groups(congress, plan, deputies, by_area, rng)
    stations = _seed_stations(congress, plan, by_area, rng)
    _seed_staff(congress, plan, stations)
    station_standards_ensure_defaults(congress)
    _seed_checks(congress, plan, stations, rng)


def _by_area(deputies: list[Deputy], areas: list[str], rng: random.Random) -> dict[str, list]:
    """Each deputy's area: the one named in their electoral district, else a seeded choice."""
    by_area: dict[str, list[Deputy]] = {area: [] for area in areas}
    for deputy in deputies:
        # The choice is drawn for every deputy, so the rest stay the same when one matches.
        drawn = rng.choice(areas)
        named = [area for area in areas if area in deputy.electoral_district]
        by_area[named[0] if named else drawn].append(deputy)
    return by_area


def _seed_groups(congress, plan, deputies, by_area, rng) -> None:
    regional_ids = set(
        GroupMembership.objects.filter(group__kind=GroupKind.REGIONAL).values_list(
            "deputy_id", flat=True
        )
    )
    joined_on = date(2022, 1, 15)
    for area in plan.areas:
        group, _created = DeputyGroup.objects.get_or_create(
            name=f"{area}代表小组",
            defaults={
                "congress": congress,
                "kind": GroupKind.REGIONAL,
                "area": area,
                "description": f"由选举产生于{area}和在{area}工作、生活的各级人大代表组成。",
            },
        )
        for deputy in by_area[area]:
            # Every serving deputy is in one regional group; one already placed stays put.
            if deputy.pk not in regional_ids:
                GroupMembership.objects.get_or_create(
                    group=group,
                    deputy=deputy,
                    defaults={"congress": congress, "joined_on": joined_on},
                )
                regional_ids.add(deputy.pk)
    professional = {}
    for field_name, _occupations in plan.fields:
        professional[field_name], _created = DeputyGroup.objects.get_or_create(
            name=f"{field_name}代表小组",
            defaults={
                "congress": congress,
                "kind": GroupKind.PROFESSIONAL,
                "area": field_name,
                "description": f"围绕{field_name}开展专题调研和视察。",
            },
        )
    for deputy in deputies:
        roll, fallback = rng.random(), rng.choice(plan.fields)[0]
        if roll >= 1 / 3:
            continue
        leaning = [
            name for name, occupations in plan.fields if deputy.occupation_class in occupations
        ]
        GroupMembership.objects.get_or_create(
            group=professional[leaning[0] if leaning else fallback],
            deputy=deputy,
            defaults={"congress": congress, "joined_on": joined_on},
        )
    _choose_leaders()


def _choose_leaders() -> None:
    """A leader for each group that has none: its highest-level member, then by name."""
    for group in DeputyGroup.objects.filter(leader=None):
        members = list(
            Deputy.objects.filter(group_memberships__group=group).order_by("name_pinyin", "pk")
        )
        if members:
            group.leader = min(members, key=lambda deputy: LEVEL_RANK.get(deputy.level, 99))
            group.save(update_fields=["leader"])


def _seed_stations(congress, plan, by_area, rng) -> dict[str, LiaisonStation]:
    stations = {}
    for demo in plan.stations:
        station, _created = LiaisonStation.objects.get_or_create(
            name=demo.name,
            defaults={
                "congress": congress,
                "kind": demo.kind,
                "address": demo.address,
                "opening_hours": demo.opening_hours,
                "contact_phone": demo.contact_phone,
                "description": demo.description,
            },
        )
        stations[demo.name] = station
        pool = [deputy for area in demo.deputies_from or [demo.area] for deputy in by_area[area]]
        # Drawn every time so the choice is the same on every run; only missing links are added.
        count = round(len(pool) * demo.deputy_share)
        chosen = pool if count >= len(pool) else rng.sample(pool, count)
        if not chosen:
            continue
        present = set(
            StationDeputy.objects.filter(station=station).values_list("deputy_id", flat=True)
        )
        if not present:
            links = StationDeputy.objects.bulk_create(
                StationDeputy(congress=congress, station=station, deputy=deputy)
                for deputy in chosen
            )
            history_bulk_record(links, user=None, history_type="+")
    return stations


def _seed_staff(congress, plan, stations) -> None:
    user = User.objects.filter(username=plan.staff_username).first()
    if user is None or not Membership.objects.filter(user=user, role=Role.STATION_STAFF).exists():
        return
    StationStaff.objects.get_or_create(
        station=stations[plan.staff_station], user=user, defaults={"congress": congress}
    )


def _seed_checks(congress, plan, stations, rng) -> None:
    checker = User.objects.filter(username=plan.checker_username).first()
    standards = list(StationStandard.objects.filter(is_active=True).order_by("position", "code"))
    checked = set(StationStandardCheck.objects.values_list("station_id", "standard_id"))
    kinds = {demo.name: demo.kind for demo in plan.stations}
    new = []
    for name, station in stations.items():
        for standard in standards:
            is_met = rng.random() < MET_RATE[kinds[name]]
            note = "" if is_met else rng.choice(UNMET_NOTES)
            checked_on = date(2025, 3, 1) + timedelta(days=rng.randrange(0, 60))
            if (station.pk, standard.pk) in checked:
                continue
            new.append(
                StationStandardCheck(
                    congress=congress,
                    station=station,
                    standard=standard,
                    is_met=is_met,
                    note=note,
                    checked_on=checked_on,
                    checked_by=checker,
                )
            )
    history_bulk_record(StationStandardCheck.objects.bulk_create(new), user=None, history_type="+")
