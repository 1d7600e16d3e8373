"""Demo voter messages and handling units: three months of QR messages and station visits.

Every message has a fixed tracking code drawn from a seeded generator, so seeding again adds
nothing; its life (forwarded, handled, answered, rated) is laid out in the past, relative to
the day of seeding.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from congress.calendar import add_working_days
from congress.models import Congress, Membership, Role, User
from congress.notifications import notify
from deputies.models import Deputy, DeputyStatus
from liaison.models import (
    TRACKING_ALPHABET,
    ForwardTarget,
    LiaisonStation,
    MessageSource,
    MessageStatus,
    MessageTopic,
    Satisfaction,
    StationDeputy,
    StationStaff,
    VoterMessage,
    VoterMessageEvent,
)
from suggestions.models import HandlingUnit, UnitKind, UnitLiaison

T = MessageTopic
# (topic, what the voter wrote, the answer that came back; "" for the topic's usual answer)
TEXTS = [
    (
        T.URBAN,
        "小区门口的三盏路灯坏了快一个月了，晚上老人孩子出门很不方便，希望尽快修好。",
        "已联系区城市管理执法局路灯所，3盏路灯已更换灯具恢复照明，后续纳入日常巡查。",
    ),
    (
        T.URBAN,
        "每次下大雨，路口就积水，最深的时候没过脚踝，电动车都过不去，能不能把排水管道疏通一下？",
        "经现场查看，系雨水篦子堵塞、管径偏小所致。已安排清掏疏通，并列入今年雨污管网改造计划。",
    ),
    (
        T.URBAN,
        "学校门口上下学时段车辆乱停，交通非常拥堵，孩子过马路很危险，建议增设护学岗和临时停车区。",
        "已协调交警部门在上下学时段设置护学岗，并在学校东侧施划临时停车位30个，即日起启用。",
    ),
    (
        T.URBAN,
        "小区附近的公交站台没有遮雨棚，老人等车日晒雨淋，希望能加装候车亭。",
        "公交公司已将该站台列入本年度候车亭改造计划，预计下月完成安装。",
    ),
    (
        T.URBAN,
        "人行道地砖松动翘起，已经有老人绊倒，请尽快维修。",
        "已安排市政养护队对松动地砖进行更换，共修复人行道约120平方米。",
    ),
    (
        T.URBAN,
        "老旧小区改造后电动车充电桩数量不够，晚上很多人飞线充电，存在安全隐患。",
        "区住房和城市更新局已协调在小区新增充电桩40个，并开展飞线充电专项整治。",
    ),
    (
        T.ENVIRONMENT,
        "楼下烧烤店每天营业到凌晨两三点，油烟和噪音扰民，多次沟通无果，希望有关部门管一管。",
        "执法人员已上门检查，责令店主安装油烟净化设备，晚上10点后不得露天经营，将持续回访。",
    ),
    (
        T.ENVIRONMENT,
        "附近工地夜间施工噪音很大，晚上十一点以后还在打桩，严重影响休息。",
        "已核查该工地夜间施工许可，对超时施工立案处罚，要求22时后停止高噪声作业。",
    ),
    (
        T.ENVIRONMENT,
        "村东头的小河沟有人倾倒生活垃圾，夏天气味很大，希望能清理并设置垃圾收集点。",
        "镇环卫所已清运河沟垃圾约8吨，并在村东头增设垃圾收集点两处，安排保洁员每日巡查。",
    ),
    (
        T.ENVIRONMENT,
        "小区绿化带被改成了菜地，浇粪施肥气味很大，希望恢复绿化。",
        "",
    ),
    (
        T.HEALTH,
        "母亲在外地住院，异地就医报销手续太复杂，跑了好几趟还没办好，能否简化流程？",
        "区医保局已安排专人对接，帮助完成异地就医备案和报销材料审核，报销款已拨付。"
        "今后可通过医保APP线上备案。",
    ),
    (
        T.HEALTH,
        "社区卫生服务站只有上午有医生，下午老人量血压、拿药都找不到人。",
        "区卫健局已协调增派一名医生，社区卫生服务站下午延长服务至17:30。",
    ),
    (
        T.HEALTH,
        "门诊慢特病的报销比例是多少？村里很多老人不清楚政策，希望能来宣讲一下。",
        "区医保局已安排工作人员到村开展医保政策宣讲，并发放慢特病办理明白卡。",
    ),
    (
        T.HEALTH,
        "医保报销后自付部分还是很高，大病患者家庭负担重，希望了解有没有医疗救助。",
        "",
    ),
    (
        T.SOCIAL_SECURITY,
        "企业退休人员养老金资格认证在手机上一直认证不了，老年人不会操作，能不能到社区办理？",
        "社区服务中心已开设养老资格认证帮办窗口，工作日均可现场办理，行动不便的可预约上门。",
    ),
    (
        T.SOCIAL_SECURITY,
        "灵活就业人员的医保缴费标准今年涨了不少，想了解有没有补贴政策。",
        "已将灵活就业人员参保补贴政策和申请流程告知，符合条件的可到社区申请。",
    ),
    (
        T.SOCIAL_SECURITY,
        "村里有几户困难家庭的低保复核迟迟没有结果，希望帮忙问一问。",
        "",
    ),
    (
        T.SOCIAL_SECURITY,
        "在工地干了三个月，老板一直拖欠工资，二十多个工友都没拿到钱。",
        "区人社局劳动监察大队已介入，督促施工单位足额支付工资共计46万元。",
    ),
    (
        T.EDUCATION,
        "孩子明年上小学，我们小区划片在哪所学校一直没有公布，家长都很着急。",
        "区教育局已公布秋季学区划分方案，可在区政府网站查询，也可拨打招生咨询电话。",
    ),
    (
        T.EDUCATION,
        "学校课后延时服务收费和内容不透明，希望加强监管。",
        "区教育局已要求各校公示课后服务内容和收费标准，并开通家长意见反馈渠道。",
    ),
    (
        T.EDUCATION,
        "村小学的校车线路取消了，孩子上学要走四公里，希望恢复校车或调整线路。",
        "",
    ),
    (
        T.AGRICULTURE,
        "今年村里的自来水经常停水，水压也不够，高处几户人家几乎接不到水，希望解决饮水问题。",
        "区农业农村局已组织对供水管网检修，新增加压泵一台，高处农户供水已恢复正常。",
    ),
    (
        T.AGRICULTURE,
        "通往我们组的机耕路被雨水冲垮了一段，农机下不了田，眼看要秋收了，请尽快修复。",
        "镇政府已安排对冲毁路段进行抢修，铺设碎石恢复通行，秋收后再进行硬化。",
    ),
    (
        T.AGRICULTURE,
        "高标准农田的灌溉渠有好几处渗漏，希望在春灌前维修。",
        "",
    ),
    (
        T.AGRICULTURE,
        "村里的柑橘今年丰收但销路不好，希望政府帮忙对接电商平台。",
        "区农业农村局已联系两家电商平台和本地商超开展产销对接，首批已销售柑橘约20吨。",
    ),
    (
        T.GOVERNANCE,
        "小区物业服务差，楼道卫生没人打扫，电梯经常坏，业委会换届也一直拖着。",
        "街道已约谈物业公司，限期整改电梯维保和保洁问题，并指导社区启动业委会换届筹备。",
    ),
    (
        T.GOVERNANCE,
        "小区里流浪狗越来越多，晚上成群结队，孩子们很害怕。",
        "",
    ),
    (
        T.GOVERNANCE,
        "社区广场舞音响声音太大，晚上九点以后还在跳，影响周边居民休息。",
        "社区已与舞队负责人协商，约定控制音量、晚上8:30结束，并设立劝导志愿岗。",
    ),
    (
        T.OTHER,
        "希望在社区开设老年人智能手机使用培训班，很多老人不会用手机挂号、缴费。",
        "社区已联合志愿者开设每周三下午的智能手机课堂，欢迎报名。",
    ),
    (
        T.OTHER,
        "建议便民服务中心增加周末办事窗口，上班族平时没时间办事。",
        "",
    ),
]
USUAL_ANSWERS = {
    T.URBAN: "已会同有关部门实地查看，问题已列入整改清单，将在一个月内完成整改。",
    T.ENVIRONMENT: "执法人员已到现场核查处理，将加强巡查，防止问题反弹。",
    T.HEALTH: "已将相关政策和办理流程告知，并安排工作人员跟进落实。",
    T.SOCIAL_SECURITY: "已转相关部门核实，符合条件的将按政策及时办理。",
    T.EDUCATION: "区教育局已研究您反映的问题，正在制定调整方案，将及时公布。",
    T.AGRICULTURE: "镇政府已安排专人现场查看，维修所需资金已纳入计划，近期施工。",
    T.GOVERNANCE: "社区已组织协调处理，并将纳入网格日常巡查。",
    T.OTHER: "您的建议已转有关部门研究，将结合实际逐步落实。",
}
SATISFIED_COMMENTS = ["处理很及时，感谢代表！", "问题解决了，很满意。", "", "", "谢谢！"]
UNSATISFIED_COMMENTS = ["只是答复了，问题还没有解决。", "希望能尽快落实到位。"]
TARGET_NAMES = {
    ForwardTarget.DEPUTY: "代表",
    ForwardTarget.UNIT: "承办单位",
    ForwardTarget.SUGGESTION: "代表建议",
}
VOTER_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
VOTER_TITLES = ["先生", "女士", "大爷", "阿姨", ""]


@dataclass(frozen=True)
class DemoUnit:
    name: str
    kind: str
    contact_person: str
    contact_phone: str
    topics: tuple[str, ...]


XIANGCHENG_UNITS = [
    DemoUnit(
        "襄城区城市管理执法局",
        UnitKind.DEPARTMENT,
        "陈志强",
        "0710-3511001",
        (T.URBAN, T.ENVIRONMENT),
    ),
    DemoUnit("襄城区住房和城市更新局", UnitKind.DEPARTMENT, "杨建华", "0710-3511002", (T.URBAN,)),
    DemoUnit("襄城区教育局", UnitKind.DEPARTMENT, "刘明", "0710-3511003", (T.EDUCATION,)),
    DemoUnit("襄城区卫生健康局", UnitKind.DEPARTMENT, "胡丽", "0710-3511004", (T.HEALTH,)),
    DemoUnit("襄城区医疗保障局", UnitKind.DEPARTMENT, "周敏", "0710-3511005", (T.HEALTH,)),
    DemoUnit(
        "襄城区人力资源和社会保障局",
        UnitKind.DEPARTMENT,
        "吴刚",
        "0710-3511006",
        (T.SOCIAL_SECURITY,),
    ),
    DemoUnit("襄城区农业农村局", UnitKind.DEPARTMENT, "郭春生", "0710-3511007", (T.AGRICULTURE,)),
    DemoUnit(
        "真武山街道办事处", UnitKind.TOWNSHIP, "马丽萍", "0710-3511008", (T.GOVERNANCE, T.OTHER)
    ),
    DemoUnit("卧龙镇人民政府", UnitKind.TOWNSHIP, "罗德胜", "0710-3511009", (T.AGRICULTURE,)),
    DemoUnit("襄城区人民法院", UnitKind.COURT, "林静", "0710-3511010", ()),
]
SHIGUAI_UNITS = [
    DemoUnit(
        "石拐区住房和城乡建设局",
        UnitKind.DEPARTMENT,
        "高峰",
        "0472-8811001",
        (T.URBAN, T.ENVIRONMENT),
    ),
    DemoUnit("石拐区教育局", UnitKind.DEPARTMENT, "白雪", "0472-8811002", (T.EDUCATION,)),
    DemoUnit("石拐区卫生健康委员会", UnitKind.DEPARTMENT, "云海", "0472-8811003", (T.HEALTH,)),
    DemoUnit("石拐区农牧水利局", UnitKind.DEPARTMENT, "苏和", "0472-8811004", (T.AGRICULTURE,)),
    DemoUnit(
        "石拐街道办事处",
        UnitKind.TOWNSHIP,
        "李秀英",
        "0472-8811005",
        (T.GOVERNANCE, T.SOCIAL_SECURITY, T.OTHER),
    ),
]


@dataclass(frozen=True)
class DemoPlan:
    count: int
    units: list[DemoUnit]
    unit_username: str
    unit_name: str
    staff_username: str
    station_username: str
    deputy_username: str
    days: int = 90


PLANS = {
    "xiangcheng": DemoPlan(
        count=60,
        units=XIANGCHENG_UNITS,
        unit_username="xc-unit",
        unit_name="襄城区城市管理执法局",
        staff_username="xc-staff",
        station_username="xc-station",
        deputy_username="13971000001",
    ),
    "shiguai": DemoPlan(
        count=15,
        units=SHIGUAI_UNITS,
        unit_username="sg-unit",
        unit_name="石拐区住房和城乡建设局",
        staff_username="sg-staff",
        station_username="sg-station",
        deputy_username="15847000001",
    ),
}


@transaction.atomic
def seed() -> None:
    """Create the demo units and messages that are missing; running it again changes nothing."""
    for slug, plan in PLANS.items():
        congress = Congress.objects.filter(slug=slug).first()
        if congress is None:
            continue
        with scope(congress=congress):
            units = _seed_units(congress, plan)
            _seed_messages(congress, plan, slug, units)


def _member(username: str, role: str) -> User | None:
    user = User.objects.filter(username=username).first()
    if user is None:
        return None
    if not Membership.objects.filter(user=user, role=role, is_active=True).exists():
        return None
    return user


def _seed_units(congress: Congress, plan: DemoPlan) -> dict[str, HandlingUnit]:
    units = {}
    for demo in plan.units:
        units[demo.name], _created = HandlingUnit.objects.get_or_create(
            name=demo.name,
            defaults={
                "congress": congress,
                "kind": demo.kind,
                "contact_person": demo.contact_person,
                "contact_phone": demo.contact_phone,
            },
        )
    liaison = _member(plan.unit_username, Role.UNIT_LIAISON)
    if liaison is not None:
        UnitLiaison.objects.get_or_create(
            unit=units[plan.unit_name], user=liaison, defaults={"congress": congress}
        )
    return units


@dataclass
class People:
    staff: User | None
    station_staff: User | None
    unit_liaison: User | None
    demo_deputy: Deputy | None
    staff_station: LiaisonStation | None


def _people(plan: DemoPlan) -> People:
    station_staff = _member(plan.station_username, Role.STATION_STAFF)
    link = (
        StationStaff.objects.filter(user=station_staff).select_related("station").first()
        if station_staff
        else None
    )
    deputy_user = User.objects.filter(username=plan.deputy_username).first()
    return People(
        staff=_member(plan.staff_username, Role.COMMITTEE_STAFF),
        station_staff=station_staff,
        unit_liaison=_member(plan.unit_username, Role.UNIT_LIAISON),
        demo_deputy=Deputy.objects.filter(user=deputy_user).first() if deputy_user else None,
        staff_station=link.station if link else None,
    )


def _code(rng: random.Random) -> str:
    return "".join(rng.choice(TRACKING_ALPHABET) for _ in range(10))


def _seed_messages(
    congress: Congress, plan: DemoPlan, slug: str, units: dict[str, HandlingUnit]
) -> None:
    links = list(
        StationDeputy.objects.filter(deputy__status=DeputyStatus.SERVING, station__is_active=True)
        .select_related("station", "deputy", "deputy__user")
        .order_by("station__name", "deputy__name_pinyin", "pk")
    )
    if not links:
        return  # No roster or stations yet: the next seeding adds the messages.
    people = _people(plan)
    codes = random.Random(f"message-codes-{slug}")
    existing = set(VoterMessage.objects.values_list("tracking_code", flat=True))
    now = timezone.now()
    for number in range(plan.count):
        code = _code(codes)
        if code in existing:
            continue
        # One generator per message: a message already there does not shift the others.
        rng = random.Random(f"message-{slug}-{number}")
        _seed_message(congress, plan, number, code, rng, now, links, people, units)


def _received(rng: random.Random, now: datetime, days_ago: int) -> datetime:
    day = timezone.localdate(now) - timedelta(days=days_ago)
    moment = time(rng.randint(8, 20), rng.choice([0, 10, 20, 30, 40, 50]))
    return timezone.make_aware(datetime.combine(day, moment))


@dataclass(frozen=True)
class Slot:
    """What a message must show in the demo, whatever the dice say (empty: left to chance)."""

    final: str = ""
    days_ago: int = 0
    to_demo_deputy: bool = False
    to_demo_unit: bool = False


def _slot(number: int, rng: random.Random) -> Slot:
    # New messages waiting on the demo deputy's phone.
    if number % 20 == 0:
        return Slot(final="registered", days_ago=rng.randint(1, 3), to_demo_deputy=True)
    if number % 20 in (7, 14):
        return Slot(to_demo_deputy=True)
    # Work waiting for the demo unit liaison: one of them already overdue.
    if number % 20 == 3:
        final = "forwarded" if number % 40 == 3 else "handled"
        days_ago = rng.randint(15, 20) if number == 43 else rng.randint(1, 4)
        return Slot(final=final, days_ago=days_ago, to_demo_unit=True)
    return Slot()


def _seed_message(congress, plan, number, code, rng, now, links, people, units) -> None:
    slot = _slot(number, rng)
    link = rng.choice(links)
    roll = rng.random()
    source = (
        MessageSource.WALK_IN
        if roll < 0.35
        else MessageSource.DEPUTY_PAGE
        if roll < 0.8
        else MessageSource.STATION_PAGE
    )
    station, deputy = link.station, link.deputy
    if slot.to_demo_deputy and people.demo_deputy is not None:
        source, deputy = MessageSource.DEPUTY_PAGE, people.demo_deputy
    if source == MessageSource.DEPUTY_PAGE:
        station = None
    elif source == MessageSource.WALK_IN and number % 2 == 0 and people.staff_station:
        station = people.staff_station  # the demo station staff member registered these
        deputy = None
    elif source == MessageSource.STATION_PAGE:
        deputy = None
    # Every text is used about as often as every other, so the list does not repeat itself.
    topic, text, answer = TEXTS[(number * 11) % len(TEXTS)]
    demo_unit = units.get(plan.unit_name)
    if slot.to_demo_unit and demo_unit is not None:
        topic, text, answer = rng.choice(
            [row for row in TEXTS if row[0] in _topics(plan.unit_name)]
        )
    answer = answer or USUAL_ANSWERS[topic]
    if source == MessageSource.DEPUTY_PAGE:
        text = f"{deputy.name}代表您好！{text}"
    days_ago = slot.days_ago or 1 + int((plan.days - 1) * rng.random() ** 0.9)
    received = _received(rng, now, days_ago)
    registrar = None
    if source == MessageSource.WALK_IN:
        registrar = (
            people.station_staff
            if people.staff_station is not None and station == people.staff_station
            else people.staff
        )
    named = rng.random() < 0.7
    message = VoterMessage(
        congress=congress,
        tracking_code=code,
        source=source,
        deputy=deputy,
        station=station,
        topic=topic,
        text=text,
        voter_name=(rng.choice(VOTER_SURNAMES) + rng.choice(VOTER_TITLES)) if named else "",
        voter_phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}" if named else "",
        consented_at=received,
        created_at=received,
        due_on=add_working_days(
            timezone.localdate(received), congress.voter_message_reply_working_days
        ),
        registered_by=registrar,
    )
    events = [("", MessageStatus.REGISTERED, registrar, "", received)]
    age = (now - received).days
    on_the_spot = source == MessageSource.WALK_IN and rng.random() < 0.4 and not slot.final
    if on_the_spot:
        answered_at = received + timedelta(minutes=rng.randint(10, 40))
        _answer(message, answer, registrar, answered_at)
        message.answered_on_the_spot = True
        message.status = MessageStatus.CLOSED
        events.append(
            (MessageStatus.REGISTERED, MessageStatus.CLOSED, registrar, "当场答复", answered_at)
        )
    else:
        unit = demo_unit if slot.to_demo_unit else None
        _lifecycle(message, rng, now, age, answer, people, units, events, slot.final, unit)
    message.save()
    VoterMessageEvent.objects.bulk_create(
        VoterMessageEvent(
            congress=congress,
            message=message,
            from_status=before,
            to_status=after,
            actor=actor,
            note=note,
            at=at,
        )
        for before, after, actor, note, at in events
    )
    _notify_open(message)


def _final_status(rng: random.Random, age: int) -> str:
    roll = rng.random()
    if age >= 20:
        table = [(0.8, "rated"), (0.87, "closed"), (0.93, "answered"), (0.96, "forwarded")]
        fallback = "handled"
    elif age >= 8:
        table = [(0.55, "rated"), (0.75, "answered"), (0.88, "forwarded")]
        fallback = "handled"
    else:
        table = [(0.45, "registered"), (0.7, "forwarded"), (0.85, "handled")]
        fallback = "answered"
    for limit, status in table:
        if roll < limit:
            return status
    return fallback


def _lifecycle(message, rng, now, age, answer, people, units, events, final, unit) -> None:
    final = final or _final_status(rng, age)
    if final == "registered":
        return
    received = message.created_at
    # The answer comes within the working-day limit for most, a little late for a few.
    answer_days = rng.uniform(0.5, 8) if rng.random() < 0.85 else rng.uniform(11, 16)
    answered_at = min(received + timedelta(days=answer_days), now - timedelta(hours=2))
    open_until = now - timedelta(hours=1)
    forwarded_at = received + (min(answered_at, open_until) - received) * 0.25
    target, forwarded_to = _forward(message, rng, people, units, unit)
    forwarder = people.staff
    if (
        message.station_id
        and people.staff_station
        and message.station_id == people.staff_station.pk
    ):
        forwarder = people.station_staff or people.staff
    note = f"转交（{TARGET_NAMES[target]}）：{forwarded_to}"
    events.append(
        (MessageStatus.REGISTERED, MessageStatus.FORWARDED, forwarder, note, forwarded_at)
    )
    message.status = MessageStatus.FORWARDED
    handler = _handler(message, people)
    if final == "forwarded":
        return
    handled_at = received + (min(answered_at, open_until) - received) * 0.5
    events.append((MessageStatus.FORWARDED, MessageStatus.HANDLED, handler, "", handled_at))
    message.status = MessageStatus.HANDLED
    if final == "handled":
        return
    _answer(message, answer, handler, answered_at)
    message.status = MessageStatus.ANSWERED
    events.append((MessageStatus.HANDLED, MessageStatus.ANSWERED, handler, "", answered_at))
    if final == "answered":
        return
    if final == "closed":
        closed_at = min(answered_at + timedelta(days=10), now - timedelta(minutes=30))
        message.status = MessageStatus.CLOSED
        events.append(
            (
                MessageStatus.ANSWERED,
                MessageStatus.CLOSED,
                people.staff,
                "选民未评价，工作人员办结",
                closed_at,
            )
        )
        return
    rated_at = min(answered_at + timedelta(days=rng.uniform(0.3, 3)), now - timedelta(minutes=30))
    satisfied = rng.random() < 0.9
    message.satisfaction = Satisfaction.SATISFIED if satisfied else Satisfaction.UNSATISFIED
    message.feedback = rng.choice(SATISFIED_COMMENTS if satisfied else UNSATISFIED_COMMENTS)
    message.rated_at = rated_at
    message.status = MessageStatus.CLOSED
    events.append((MessageStatus.ANSWERED, MessageStatus.CLOSED, None, "选民评价", rated_at))


def _forward(message, rng, people, units, unit=None) -> tuple[str, str]:
    roll = rng.random()
    if unit is not None:
        message.forward_target = ForwardTarget.UNIT
        message.forwarded_to_unit = unit
        return ForwardTarget.UNIT, unit.name
    matching = [unit for unit in units.values() if message.topic in _topics(unit.name)]
    if roll < 0.35 and matching:
        unit = rng.choice(matching)
        message.forward_target = ForwardTarget.UNIT
        message.forwarded_to_unit = unit
        return ForwardTarget.UNIT, unit.name
    deputy = message.deputy or _station_deputy(message, rng)
    if deputy is None:
        message.forward_target = ForwardTarget.UNIT
        message.forwarded_to_unit = next(iter(units.values()))
        return ForwardTarget.UNIT, message.forwarded_to_unit.name
    target = ForwardTarget.SUGGESTION if roll > 0.92 else ForwardTarget.DEPUTY
    message.forward_target = target
    message.forwarded_to_deputy = deputy
    return target, deputy.name


_UNIT_TOPICS: dict[str, tuple[str, ...]] = {
    unit.name: unit.topics for unit in XIANGCHENG_UNITS + SHIGUAI_UNITS
}


def _topics(unit_name: str) -> tuple[str, ...]:
    return _UNIT_TOPICS.get(unit_name, ())


def _station_deputy(message, rng) -> Deputy | None:
    if message.station_id is None:
        return None
    deputies = list(
        Deputy.objects.filter(
            station_links__station_id=message.station_id, status=DeputyStatus.SERVING
        ).order_by("name_pinyin", "pk")
    )
    return rng.choice(deputies) if deputies else None


def _handler(message, people) -> User | None:
    """Who works on it and answers: the unit's liaison, the deputy, or committee staff."""
    if message.forward_target == ForwardTarget.UNIT:
        linked = UnitLiaison.objects.filter(unit=message.forwarded_to_unit).first()
        return linked.user if linked else people.staff
    deputy = message.forwarded_to_deputy
    return deputy.user if deputy is not None and deputy.user_id else people.staff


def _answer(message, answer: str, by, at) -> None:
    message.answer = answer
    message.answered_at = at
    message.answered_by = by


def _notify_open(message: VoterMessage) -> None:
    """The demo deputy's bell shows their messages still waiting for an answer."""
    if not message.is_open or message.deputy is None or message.deputy.user_id is None:
        return
    notify(
        congress=message.congress,
        user=message.deputy.user,
        kind="message_new",
        title=f"您有一条新的选民留言（{message.get_topic_display()}）",
        body=message.text[:120],
        url=reverse(
            "messages:detail",
            kwargs={"congress_slug": message.congress.slug, "message_id": message.pk},
        ),
        dedupe_key=f"message_new:{message.pk}",
    )
