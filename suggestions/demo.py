"""Demo suggestions: Xiangcheng's 107 session and 69 recess suggestions in every state, and a
smaller Shiguai.

The session ("十七届人大四次会议") sat on 8–11 January of this year when seeding from July on,
else of last year, so that every session suggestion has had its three months and the recess
ones spread from February to yesterday: the newest are still waiting for acceptance or a
reply, the older ones are replied and rated. Each suggestion's life is drawn from a generator
seeded with its place in the plan, so the data are the same on every run; seeding again adds
nothing once the session has its suggestions.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from congress.history import history_bulk_record
from congress.models import Congress, Membership, Role, User
from deputies.models import Deputy, DeputyStatus
from suggestions import lifecycle
from suggestions.models import (
    AssignmentRole,
    AssignmentStatus,
    CongressSession,
    ContactLog,
    ContactMethod,
    ContactStage,
    CosignerStatus,
    HandlingUnit,
    NumberCounter,
    Rating,
    Suggestion,
    SuggestionAssignment,
    SuggestionCategory,
    SuggestionCosigner,
    SuggestionEvent,
    SuggestionExtension,
    SuggestionFeedback,
    SuggestionReply,
    SuggestionStatus,
    SupervisionEntry,
    SupervisionKind,
    UnitKind,
    UnitLiaison,
)

S = SuggestionStatus

# What becomes of each suggestion ("fate"), newest first for recess. Drafts and withdrawn ones
# come on top of the received counts.
RECESS_FATES_XIANGCHENG = (
    ["submitted"] * 4
    + ["returned", "letter"]
    + ["accepted"] * 3
    + ["assigned"] * 12
    + ["rehandling"]
    + ["replied"] * 5
    + ["closed"] * 8
    + ["overdue"]
    + ["closed"] * 10
    + ["closed_late", "overdue"]
    + ["closed"] * 20
    + ["rehandled"]
)
SESSION_SPECIAL_XIANGCHENG = {
    "letter": 2,
    "returned": 1,
    "overdue": 2,
    "closed_late": 3,
    "rehandled": 3,
    "replied": 2,
    "closed_unrated": 1,
}
RECESS_FATES_SHIGUAI = (
    ["submitted", "accepted"]
    + ["assigned"] * 3
    + ["replied"] * 2
    + ["closed"] * 3
    + ["overdue", "rehandled"]
)
SESSION_SPECIAL_SHIGUAI = {"letter": 1, "overdue": 1, "closed_late": 1, "replied": 1}

# (category, the units that answer it, what the deputies write about, what they ask for)
TOPICS = {
    "城乡建设": (
        ["城市管理执法局", "住房"],
        [
            ("老旧小区改造", "加快老旧小区改造进度，同步完善管网和停车设施"),
            ("背街小巷路面破损", "对破损路面进行修复，并纳入年度维修计划"),
            ("小区电动车充电设施不足", "增设集中充电桩，开展飞线充电专项整治"),
            ("占道经营和乱停乱放", "划定临时疏导点，加强早晚高峰巡查"),
            ("雨后道路积水", "疏通雨水管网，改造易涝点"),
        ],
    ),
    "交通运输": (
        ["交通运输"],
        [
            ("公交线路覆盖不足", "优化公交线路，增开到偏远村组的班次"),
            ("农村公路安全设施缺失", "增设波形护栏、警示标志和减速带"),
            ("学校周边交通拥堵", "设置护学岗和临时停车区，错峰放学"),
            ("公交站台缺少候车亭", "将该站台列入候车亭改造计划"),
        ],
    ),
    "教育科技": (
        ["教育"],
        [
            ("中小学学位紧张", "加快新建学校建设，合理调整学区划分"),
            ("乡村学校师资不足", "完善城乡教师交流轮岗，提高乡村教师待遇"),
            ("课后服务质量不高", "丰富课后服务内容，引入社会资源"),
            ("校园食堂管理", "推行明厨亮灶，建立家长陪餐制度"),
        ],
    ),
    "医疗卫生": (
        ["卫生健康", "医疗保障"],
        [
            ("社区卫生服务站人手不足", "增派全科医生，延长下午服务时间"),
            ("异地就医报销手续繁琐", "推行线上备案，简化报销材料"),
            ("村卫生室设备老旧", "更新村卫生室基本诊疗设备"),
            ("家庭医生签约服务落实", "提高家庭医生上门服务频次"),
        ],
    ),
    "农业农村": (
        ["农业农村", "农牧", "镇人民政府"],
        [
            ("农田水利设施老化", "维修渠道和泵站，保障春灌用水"),
            ("农村人居环境整治", "完善垃圾收运体系，推进厕所改造"),
            ("特色农产品销售渠道窄", "搭建电商平台，支持农产品品牌建设"),
            ("高标准农田建设", "扩大高标准农田建设范围"),
        ],
    ),
    "生态环境": (
        ["城市管理执法局"],
        [
            ("餐饮油烟扰民", "督促安装油烟净化设施，加强夜间巡查"),
            ("河道垃圾清理", "建立河道保洁长效机制"),
            ("建筑工地扬尘和噪声", "落实围挡喷淋措施，严查夜间超时施工"),
        ],
    ),
    "社会保障": (
        ["人力资源", "医疗保障"],
        [
            ("灵活就业人员参保", "落实参保补贴，简化办理流程"),
            ("高龄老人养老服务", "建设社区养老服务中心，推行助餐服务"),
            ("退休人员资格认证", "开设线下帮办窗口，提供上门认证"),
        ],
    ),
    "经济发展": (
        ["住房", "人力资源"],
        [
            ("中小微企业融资难", "建立政银企对接机制，扩大应急转贷规模"),
            ("营商环境优化", "推行一件事一次办，压缩审批时限"),
        ],
    ),
    "政法综治": (
        ["人民法院", "街道办事处"],
        [
            ("矛盾纠纷多元化解", "完善诉调对接，加强人民调解员队伍建设"),
            ("社区网格化管理", "配齐网格员，完善网格事项清单"),
        ],
    ),
    "其他": (
        ["街道办事处"],
        [
            ("社区公共文化设施", "建设社区书屋和文体活动场所"),
            ("便民服务中心窗口设置", "增设综合窗口，推行延时错时服务"),
        ],
    ),
}

RETURN_REASONS = [
    "建议内容不够具体，请补充问题发生的具体地点和涉及群众数量后再提交。",
    "同一问题已有代表领衔提出，建议作为附议人参与。",
]
UNSATISFIED_REASONS = [
    "只答复了计划，没有明确完成时限，群众反映的问题仍未解决。",
    "承办单位未与代表当面沟通，答复内容与实际情况不符。",
    "答复过于原则，缺少具体措施。",
]
CONTACT_TEXTS = {
    ContactStage.BEFORE: "电话联系代表，了解建议所涉问题的具体情况和群众诉求。",
    ContactStage.DURING: "邀请代表现场察看，通报办理进展，听取代表意见。",
    ContactStage.AFTER: "答复后回访代表，代表对办理态度和结果表示认可。",
}
REPLY_TEXTS = {
    "A": "经研究，代表所提建议已采纳。我局已{action}，相关工作已办理完毕，将持续跟踪落实效果。",
    "B": "代表所提问题正在解决。我局已将{action}列入年度工作计划，预计年内分步实施完成。",
    "C": "代表所提建议很有价值。受资金和规划条件限制，{action}暂时难以实施，已留作参考，"
    "待条件成熟时逐步推进。",
}


@dataclass(frozen=True)
class DemoPlan:
    session_name: str
    term: int
    session_number: int
    session_count: int
    session_special: dict
    recess_fates: list[str]
    extra_drafts: int
    unit_prefix: str
    # The units the suggestions go to (the voter-message demo makes most of them too; whichever
    # runs first creates them, by name).
    units: list[tuple[str, str, str]]
    staff_username: str
    unit_username: str
    unit_name: str
    deputy_username: str
    key_count: int
    leading_officials: list[str] = field(default_factory=list)
    supervisors: list[str] = field(default_factory=list)
    extensions: int = 2
    reassigned: int = 2


PLANS = {
    "xiangcheng": DemoPlan(
        session_name="十七届人大四次会议",
        term=17,
        session_number=4,
        session_count=107,
        session_special=SESSION_SPECIAL_XIANGCHENG,
        recess_fates=RECESS_FATES_XIANGCHENG,
        extra_drafts=2,
        unit_prefix="襄城区",
        units=[
            ("襄城区城市管理执法局", UnitKind.DEPARTMENT, "0710-3511001"),
            ("襄城区住房和城市更新局", UnitKind.DEPARTMENT, "0710-3511002"),
            ("襄城区教育局", UnitKind.DEPARTMENT, "0710-3511003"),
            ("襄城区卫生健康局", UnitKind.DEPARTMENT, "0710-3511004"),
            ("襄城区医疗保障局", UnitKind.DEPARTMENT, "0710-3511005"),
            ("襄城区人力资源和社会保障局", UnitKind.DEPARTMENT, "0710-3511006"),
            ("襄城区农业农村局", UnitKind.DEPARTMENT, "0710-3511007"),
            ("真武山街道办事处", UnitKind.TOWNSHIP, "0710-3511008"),
            ("卧龙镇人民政府", UnitKind.TOWNSHIP, "0710-3511009"),
            ("襄城区人民法院", UnitKind.COURT, "0710-3511010"),
            ("襄城区交通运输局", UnitKind.DEPARTMENT, "0710-3511011"),
        ],
        staff_username="xc-staff",
        unit_username="xc-unit",
        unit_name="襄城区城市管理执法局",
        deputy_username="13971000001",
        key_count=10,
        leading_officials=["副区长 王建军", "副区长 李红霞", "副区长 张卫东"],
        supervisors=["区人大常委会副主任 刘德明", "区人大常委会副主任 赵国华"],
    ),
    "shiguai": DemoPlan(
        session_name="十届人大四次会议",
        term=10,
        session_number=4,
        session_count=24,
        session_special=SESSION_SPECIAL_SHIGUAI,
        recess_fates=RECESS_FATES_SHIGUAI,
        extra_drafts=1,
        unit_prefix="石拐区",
        units=[
            ("石拐区住房和城乡建设局", UnitKind.DEPARTMENT, "0472-8811001"),
            ("石拐区教育局", UnitKind.DEPARTMENT, "0472-8811002"),
            ("石拐区卫生健康委员会", UnitKind.DEPARTMENT, "0472-8811003"),
            ("石拐区农牧水利局", UnitKind.DEPARTMENT, "0472-8811004"),
            ("石拐街道办事处", UnitKind.TOWNSHIP, "0472-8811005"),
            ("石拐区交通运输局", UnitKind.DEPARTMENT, "0472-8811011"),
        ],
        staff_username="sg-staff",
        unit_username="sg-unit",
        unit_name="石拐区住房和城乡建设局",
        deputy_username="15847000001",
        key_count=3,
        leading_officials=["副区长 白永刚"],
        supervisors=["区人大常委会副主任 郭文斌"],
        extensions=1,
        reassigned=1,
    ),
}


def session_dates(today: date) -> tuple[date, date]:
    """The demo session: this January once it is July, else last January (see the module)."""
    year = today.year if today >= date(today.year, 7, 1) else today.year - 1
    return date(year, 1, 8), date(year, 1, 11)


@transaction.atomic
def seed() -> None:
    """Create the demo suggestions that are missing; running it again changes nothing."""
    for slug, plan in PLANS.items():
        congress = Congress.objects.filter(slug=slug).first()
        if congress is None:
            continue
        with scope(congress=congress):
            Seeder(congress, plan, slug).run()


def _member(username: str, role: str) -> User | None:
    user = User.objects.filter(username=username).first()
    if user is None or not Membership.objects.filter(user=user, role=role, is_active=True).exists():
        return None
    return user


def _moment(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59))))


@dataclass
class Life:
    """One suggestion's drawn life: the row, and what hangs on it."""

    suggestion: Suggestion
    fate: str
    rng: random.Random
    cosigners: list[Deputy] = field(default_factory=list)
    unit: HandlingUnit | None = None
    co_unit: HandlingUnit | None = None
    returned_from: HandlingUnit | None = None
    extended_from: date | None = None
    replies: list[dict] = field(default_factory=list)
    ratings: list[tuple[int, str, date, str]] = field(default_factory=list)
    events: list[tuple[str, str, str, datetime, object, str]] = field(default_factory=list)


class Seeder:
    def __init__(self, congress: Congress, plan: DemoPlan, slug: str):
        self.congress, self.plan, self.slug = congress, plan, slug
        self.today = timezone.localdate()
        self.deadlines: dict[tuple[date, int], date] = {}

    # --- Setting the stage --------------------------------------------------------------------

    def run(self) -> None:
        opens, closes = session_dates(self.today)
        session, _created = CongressSession.objects.get_or_create(
            name=self.plan.session_name,
            defaults={
                "congress": self.congress,
                "term": self.plan.term,
                "number": self.plan.session_number,
                "starts_on": opens,
                "ends_on": closes,
            },
        )
        if Suggestion.objects.filter(session=session).exists():
            return
        self.deputies = list(
            Deputy.objects.filter(status=DeputyStatus.SERVING).order_by("name_pinyin", "pk")
        )
        if len(self.deputies) < 10:
            return  # No roster yet: the next seeding adds the suggestions.
        self.session, self.opens, self.closes = session, session.starts_on, session.ends_on
        self.staff = _member(self.plan.staff_username, Role.COMMITTEE_STAFF)
        self.liaison = _member(self.plan.unit_username, Role.UNIT_LIAISON)
        demo_user = User.objects.filter(username=self.plan.deputy_username).first()
        self.demo_deputy = (
            Deputy.objects.filter(user=demo_user).first() if demo_user is not None else None
        )
        self.units = self._units()
        self.demo_indexes = self._demo_indexes()
        self.titles: set[str] = set()
        self.categories = {
            category.name: category
            for category in SuggestionCategory.objects.filter(is_active=True)
        }
        self.lives: list[Life] = []
        self._plan_session()
        self._plan_recess()
        self._write()

    def _units(self) -> list[HandlingUnit]:
        for name, kind, phone in self.plan.units:
            HandlingUnit.objects.get_or_create(
                name=name,
                defaults={"congress": self.congress, "kind": kind, "contact_phone": phone},
            )
        demo_unit, _created = HandlingUnit.objects.get_or_create(
            name=self.plan.unit_name,
            defaults={"congress": self.congress, "kind": UnitKind.DEPARTMENT},
        )
        if self.liaison is not None:
            UnitLiaison.objects.get_or_create(
                unit=demo_unit, user=self.liaison, defaults={"congress": self.congress}
            )
        self.demo_unit = demo_unit
        return list(HandlingUnit.objects.filter(is_active=True).order_by("name", "pk"))

    def _unit_for(self, category: str, rng: random.Random) -> HandlingUnit:
        hints = TOPICS.get(category, TOPICS["其他"])[0]
        matching = [unit for unit in self.units if any(hint in unit.name for hint in hints)]
        return rng.choice(matching or self.units)

    def deadline(self, start: date, months: int) -> date:
        # The calendar asks the database about each day; a demo asks about the same days often.
        key = (start, months)
        if key not in self.deadlines:
            self.deadlines[key] = lifecycle.deadline_after_months(start, months)
        return self.deadlines[key]

    # --- Who gets what ------------------------------------------------------------------------

    def _plan_session(self) -> None:
        fates = []
        for fate, count in self.plan.session_special.items():
            fates += [fate] * count
        fates += ["closed"] * (self.plan.session_count - len(fates))
        random.Random(f"suggestion-fates-{self.slug}").shuffle(fates)
        for index, fate in enumerate(fates):
            rng = random.Random(f"suggestion-{self.slug}-session-{index}")
            submitted = self.opens + timedelta(days=rng.randint(0, 3))
            self._draw(fate, rng, session=self.session, submitted_on=submitted, index=index)

    def _plan_recess(self) -> None:
        fates = list(self.plan.recess_fates)
        first = self.closes + timedelta(days=20)
        last = self.today - timedelta(days=1)
        span = max((last - first).days, len(fates))
        for index, fate in enumerate(fates):
            rng = random.Random(f"suggestion-{self.slug}-recess-{index}")
            # Newest first: the first fates are the ones still at the start of their life.
            submitted = last - timedelta(days=round(span * index / len(fates)))
            self._draw(fate, rng, session=None, submitted_on=submitted, index=1000 + index)
        for index in range(self.plan.extra_drafts):
            rng = random.Random(f"suggestion-{self.slug}-draft-{index}")
            self._draw("draft", rng, session=None, submitted_on=last, index=2000 + index)
        rng = random.Random(f"suggestion-{self.slug}-withdrawn")
        self._draw(
            "withdrawn", rng, session=None, submitted_on=last - timedelta(days=9), index=3000
        )

    def _demo_indexes(self) -> set[int]:
        """Where the demo deputy leads: replies to rate, one accepted, one being handled, one
        re-handled, a session one and a draft (recess indexes start at 1000, drafts at 2000)."""
        fates = self.plan.recess_fates
        chosen = {3, 2000}
        for fate in ("accepted", "assigned", "rehandling", "replied"):
            if fate in fates:
                chosen.add(1000 + fates.index(fate))
        if "replied" in fates:
            chosen.add(1000 + len(fates) - 1 - fates[::-1].index("replied"))
        return chosen

    def _lead_deputy(self, index: int, rng: random.Random) -> Deputy:
        drawn = rng.choice(self.deputies)
        if self.demo_deputy is not None and index in self.demo_indexes:
            return self.demo_deputy
        return drawn

    def _draw(self, fate, rng, *, session, submitted_on, index) -> None:
        category_name = rng.choice(sorted(self.categories))
        _units, problems = TOPICS.get(category_name, TOPICS["其他"])
        for _attempt in range(6):
            problem, action = rng.choice(problems)
            place = rng.choice(PLACES[self.slug])
            title = f"关于{place}{problem}问题的建议"
            if title not in self.titles:
                break
        self.titles.add(title)
        deputy = self._lead_deputy(index, rng)
        suggestion = Suggestion(
            congress=self.congress,
            session=session,
            category=self.categories[category_name],
            title=title,
            content=(
                f"{place}{problem}问题群众反映强烈，影响日常生活。经走访调研，"
                f"建议有关部门{action}，切实解决群众的急难愁盼问题。"
            ),
            source=rng.choice(["own_research"] * 4 + ["voter_message", "station_visit", "hotline"]),
            lead_deputy=deputy,
            # A deputy without an account hands in paper; staff enter it for them.
            created_by=deputy.user or self.staff,
            from_paper=deputy.user is None,
            status=S.DRAFT,
        )
        author = suggestion.created_by
        life = Life(suggestion=suggestion, fate=fate, rng=rng)
        self.lives.append(life)
        if fate == "draft":
            suggestion.created_at = _moment(submitted_on - timedelta(days=2), rng)
            self._event(life, "create", "", S.DRAFT, suggestion.created_at, author)
            return
        # Two in five are co-signed; co-signers of open ones may not have answered yet.
        if rng.random() < 0.4:
            pool = [other for other in self.deputies if other.pk != deputy.pk]
            life.cosigners = rng.sample(pool, rng.randint(1, 3))
        if (
            self.demo_deputy is not None
            and index in (10, 1030)
            and deputy.pk != self.demo_deputy.pk
            and self.demo_deputy not in life.cosigners
        ):
            life.cosigners.append(self.demo_deputy)
        created = _moment(submitted_on - timedelta(days=rng.randint(0, 2)), rng)
        suggestion.created_at = created
        suggestion.submitted_at = max(created, _moment(submitted_on, rng))
        self._event(life, "create", "", S.DRAFT, created, author)
        self._event(life, "submit", S.DRAFT, S.SUBMITTED, suggestion.submitted_at, author)
        suggestion.status = S.SUBMITTED
        if fate == "submitted":
            return
        decided = self._after(submitted_on, rng.randint(2, 6))
        if session is not None:
            decided = self._after(self.closes, rng.randint(3, 12))
        if fate == "withdrawn":
            self._step(life, "withdraw", S.WITHDRAWN, decided, author)
            return
        if fate == "returned":
            suggestion.return_reason = rng.choice(RETURN_REASONS)
            self._step(life, "return_to_deputy", S.RETURNED, decided, self.staff,
                       suggestion.return_reason)  # fmt: skip
            return
        if fate == "letter":
            self._step(life, "make_letter", S.LETTER, decided, self.staff)
            suggestion.closed_at = _moment(decided, rng)
            return
        suggestion.accepted_at = _moment(decided, rng)
        self._step(life, "accept", S.ACCEPTED, decided, self.staff)
        if fate == "accepted":
            return
        self._assign(life, index, category_name, decided)
        self._handle(life, index)

    def _after(self, day: date, days: int) -> date:
        return min(day + timedelta(days=days), self.today - timedelta(days=1))

    def _event(self, life, action, from_status, to_status, at, actor, note="") -> None:
        # Steps drawn on the same day keep their order.
        if life.events and at <= life.events[-1][3]:
            at = life.events[-1][3] + timedelta(minutes=7)
        life.events.append((action, from_status, to_status, at, actor, note))

    def _step(self, life, action, to_status, day, actor, note="") -> None:
        at = _moment(day, life.rng)
        self._event(life, action, life.suggestion.status, to_status, at, actor, note)
        life.suggestion.status = to_status

    def _assign(self, life: Life, index: int, category: str, accepted_on: date) -> None:
        rng, suggestion = life.rng, life.suggestion
        if suggestion.session_id:
            assigned_on = self._after(self.closes, 20 + rng.randint(0, 4))
        else:
            assigned_on = self._after(accepted_on, rng.randint(4, 9))
        demo_unit_wanted = life.fate in ("assigned", "overdue", "replied") and index % 3 == 0
        life.unit = self.demo_unit if demo_unit_wanted else self._unit_for(category, rng)
        if rng.random() < 0.15:
            others = [unit for unit in self.units if unit.pk != life.unit.pk]
            life.co_unit = rng.choice(others)
        suggestion.assigned_on = assigned_on
        suggestion.due_on = self.deadline(assigned_on, self.congress.reply_deadline_months)
        names = life.unit.name + (f"（协办：{life.co_unit.name}）" if life.co_unit else "")
        self._step(life, "assign", S.ASSIGNED, assigned_on, self.staff, f"主办：{names}")

    def _handle(self, life: Life, index: int) -> None:
        rng, suggestion, fate = life.rng, life.suggestion, life.fate
        assigned_on, due = suggestion.assigned_on, suggestion.due_on
        if fate in ("assigned", "overdue"):
            return
        latest = self.today - timedelta(days=1)
        if fate == "closed_late":
            replied = min(due + timedelta(days=rng.randint(4, 20)), latest - timedelta(days=3))
        elif fate == "rehandling":
            replied = max(assigned_on + timedelta(days=5), latest - timedelta(days=40))
        elif fate == "replied":
            replied = max(
                assigned_on + timedelta(days=3),
                min(due - timedelta(days=2), latest - timedelta(days=rng.randint(2, 20))),
            )
        else:
            replied = min(
                assigned_on + timedelta(days=rng.randint(25, 75)),
                due - timedelta(days=1),
                latest - timedelta(days=20),
            )
            replied = max(replied, assigned_on + timedelta(days=1))
        first_class = self._class(rng, rehandled=fate in ("rehandled", "rehandling"))
        self._reply(life, 1, replied, first_class)
        if fate == "replied":
            return
        rated = min(replied + timedelta(days=rng.randint(4, 15)), latest)
        if fate == "closed_unrated":
            self._step(life, "close_unrated", S.CLOSED, rated + timedelta(days=15), self.staff,
                       "代表逾期未反馈意见，按程序办结。")  # fmt: skip
            suggestion.closed_at = _moment(rated + timedelta(days=15), rng)
            return
        if fate in ("rehandled", "rehandling"):
            if fate == "rehandling":
                rated = latest - timedelta(days=9)
            reason = rng.choice(UNSATISFIED_REASONS)
            life.ratings.append((1, Rating.UNSATISFIED, rated, reason))
            suggestion.first_rating = suggestion.final_rating = Rating.UNSATISFIED
            suggestion.round = 2
            suggestion.joint_supervision = True
            suggestion.due_on = self.deadline(rated, self.congress.rehandling_deadline_months)
            self._step(life, "reopen", S.REHANDLING, rated, self._rater(life), reason)
            if fate == "rehandling":
                return
            second = min(rated + timedelta(days=rng.randint(12, 25)), suggestion.due_on)
            self._reply(life, 2, second, rng.choice(["A", "A", "B"]))
            final_on = min(second + timedelta(days=rng.randint(3, 10)), latest)
            rating = rng.choice([Rating.SATISFIED, Rating.BASICALLY_SATISFIED])
            life.ratings.append((2, rating, final_on, ""))
            suggestion.final_rating = rating
            self._step(life, "close_rated", S.CLOSED, final_on, self._rater(life))
            suggestion.closed_at = _moment(final_on, rng)
            return
        rating = Rating.SATISFIED if rng.random() < 0.85 else Rating.BASICALLY_SATISFIED
        life.ratings.append((1, rating, rated, ""))
        suggestion.first_rating = suggestion.final_rating = rating
        self._step(life, "close_rated", S.CLOSED, rated, self._rater(life))
        suggestion.closed_at = _moment(rated, rng)

    def _class(self, rng: random.Random, *, rehandled: bool) -> str:
        codes = self.congress.reply_class_codes
        if rehandled:
            return codes[-1] if rng.random() < 0.5 else codes[min(1, len(codes) - 1)]
        roll = rng.random()
        if roll < 0.78:
            return codes[0]
        return codes[min(1, len(codes) - 1)] if roll < 0.94 else codes[-1]

    def _rater(self, life: Life) -> User | None:
        # A deputy with an account rates on the phone; staff enter the paper form for the others.
        return life.suggestion.lead_deputy.user or self.staff

    def _reply(self, life: Life, round_number: int, replied_on: date, reply_class: str) -> None:
        suggestion, rng = life.suggestion, life.rng
        if round_number == 1:
            suggestion.first_due_on = suggestion.due_on
            suggestion.first_replied_on = replied_on
        suggestion.replied_on = replied_on
        suggestion.reply_class = reply_class
        solved_on = None
        follow_up = self.congress.follow_up_reply_class
        if reply_class == follow_up and rng.random() < 0.5:
            candidate = replied_on + timedelta(days=rng.randint(20, 60))
            if candidate < self.today:
                solved_on = candidate
        suggestion.follow_up_done_on = solved_on
        problem = suggestion.content.split("建议有关部门")[-1].split("，切实")[0]
        life.replies.append(
            {
                "round": round_number,
                "reply_class": reply_class,
                "replied_on": replied_on,
                "due_on": suggestion.due_on,
                "text": REPLY_TEXTS.get(reply_class, REPLY_TEXTS["C"]).format(action=problem),
                "solved_on": solved_on,
            }
        )
        # Units without a liaison account send the signed letter; staff enter it for them.
        actor = self.liaison if life.unit == self.demo_unit else self.staff
        self._step(life, "reply", S.REPLIED, replied_on, actor, f"答复类别：{reply_class}")

    # --- Writing it all -----------------------------------------------------------------------

    def _write(self) -> None:
        self._number()
        key_lives = [
            life
            for life in self.lives
            if life.suggestion.session_id and life.fate in ("closed", "rehandled")
        ][::7][: self.plan.key_count]
        for position, life in enumerate(key_lives):
            life.suggestion.is_key = True
            life.suggestion.key_leading_official = self.plan.leading_officials[
                position % len(self.plan.leading_officials)
            ]
            life.suggestion.key_supervisor = self.plan.supervisors[
                position % len(self.plan.supervisors)
            ]
        self._extensions_and_returns()
        suggestions = Suggestion.objects.bulk_create([life.suggestion for life in self.lives])
        history_bulk_record(suggestions, user=None, history_type="+")
        rows: dict[type, list] = {}

        def add(row) -> None:
            rows.setdefault(type(row), []).append(row)

        for life in self.lives:
            self._children(life, add, key=life in key_lives)
        for model in (
            SuggestionCosigner,
            SuggestionAssignment,
            SuggestionExtension,
            ContactLog,
            SuggestionReply,
            SuggestionFeedback,
            SupervisionEntry,
        ):
            created = model.objects.bulk_create(rows.get(model, []))
            history_bulk_record(created, user=None, history_type="+")
        SuggestionEvent.objects.bulk_create(rows.get(SuggestionEvent, []))

    def _number(self) -> None:
        """Numbers in order of acceptance per series, and the counters left at the highest."""
        accepted = sorted(
            (life for life in self.lives if life.suggestion.accepted_at is not None),
            key=lambda life: (life.suggestion.accepted_at, life.suggestion.submitted_at),
        )
        counters: dict[str, NumberCounter] = {}
        for life in accepted:
            suggestion = life.suggestion
            series = lifecycle.series_for(suggestion)
            if series not in counters:
                # Numbers already given in a series stay given: the demo continues after them.
                counters[series], _created = NumberCounter.objects.get_or_create(
                    congress=self.congress, series=series
                )
            counter = counters[series]
            counter.last_number += 1
            suggestion.series, suggestion.number = series, counter.last_number
        for counter in counters.values():
            counter.save(update_fields=["last_number"])

    def _extensions_and_returns(self) -> None:
        handled = [life for life in self.lives if life.unit is not None]
        for life in [life for life in handled if life.fate == "closed"][
            5 : 5 + self.plan.reassigned
        ]:
            others = [unit for unit in self.units if unit.pk != life.unit.pk]
            life.returned_from = life.rng.choice(others)
        extendable = [life for life in handled if life.fate in ("closed", "assigned")]
        for life in extendable[-self.plan.extensions :]:
            suggestion = life.suggestion
            life.extended_from = suggestion.first_due_on or suggestion.due_on
            longer = self.deadline(suggestion.assigned_on, self.congress.reply_deadline_months + 2)
            suggestion.due_on = longer
            if suggestion.first_due_on:
                suggestion.first_due_on = longer
                for reply in life.replies:
                    if reply["round"] == 1:
                        reply["due_on"] = longer

    def _children(self, life: Life, add, *, key: bool) -> None:
        suggestion, rng, congress = life.suggestion, life.rng, self.congress
        for cosigner in life.cosigners:
            status = CosignerStatus.CONFIRMED
            if suggestion.status == S.SUBMITTED and rng.random() < 0.5:
                status = CosignerStatus.INVITED
            add(
                SuggestionCosigner(
                    congress=congress,
                    suggestion=suggestion,
                    deputy=cosigner,
                    status=status,
                    invited_at=suggestion.created_at,
                    responded_at=suggestion.submitted_at
                    if status == CosignerStatus.CONFIRMED
                    else None,
                )
            )
        if life.unit is not None:
            assigned_on = suggestion.assigned_on
            return_by = assigned_on + timedelta(days=9)
            if life.returned_from is not None:
                add(
                    SuggestionAssignment(
                        congress=congress,
                        suggestion=suggestion,
                        unit=life.returned_from,
                        role=AssignmentRole.LEAD,
                        status=AssignmentStatus.RETURNED,
                        assigned_on=assigned_on,
                        return_by=return_by,
                        return_reason="该事项不属于本单位职责范围，建议交由行业主管部门办理。",
                        returned_at=_moment(assigned_on + timedelta(days=3), rng),
                        assigned_by=self.staff,
                    )
                )
            add(
                SuggestionAssignment(
                    congress=congress,
                    suggestion=suggestion,
                    unit=life.unit,
                    role=AssignmentRole.LEAD,
                    assigned_on=assigned_on,
                    return_by=return_by,
                    assigned_by=self.staff,
                )
            )
            if life.co_unit is not None:
                opinion_due = lifecycle.add_months(assigned_on, 1)
                gave = suggestion.status != S.ASSIGNED or opinion_due < self.today
                add(
                    SuggestionAssignment(
                        congress=congress,
                        suggestion=suggestion,
                        unit=life.co_unit,
                        role=AssignmentRole.CO,
                        assigned_on=assigned_on,
                        return_by=return_by,
                        opinion_due_on=opinion_due,
                        opinion="同意主办单位的办理意见，我单位将积极配合落实。" if gave else "",
                        opinion_at=_moment(opinion_due - timedelta(days=5), rng) if gave else None,
                        assigned_by=self.staff,
                    )
                )
        if life.returned_from is not None:
            day = assigned_on + timedelta(days=4)
            self._extra_event(life, add, "unit_return", day, None, "该事项不属于本单位职责范围")
            self._extra_event(life, add, "reassign", day + timedelta(days=1), self.staff,
                              f"改由{life.unit.name}主办")  # fmt: skip
        if life.extended_from is not None:
            add(
                SuggestionExtension(
                    congress=congress,
                    suggestion=suggestion,
                    from_due_on=life.extended_from,
                    to_due_on=suggestion.first_due_on or suggestion.due_on,
                    reason="涉及跨部门协调和资金安排，需延期办理。",
                    approved_by="区人大常委会主任会议",
                    recorded_by=self.staff,
                    created_at=_moment(
                        min(life.extended_from - timedelta(days=10), self.today), rng
                    ),
                )
            )
            day = min(life.extended_from - timedelta(days=10), self.today - timedelta(days=1))
            self._extra_event(life, add, "extend", day, self.staff, "经主任会议同意延期两个月")
        for reply in life.replies:
            contact_day = suggestion.assigned_on + timedelta(days=rng.randint(3, 10))
            if reply["round"] == 1 and contact_day < reply["replied_on"]:
                self._contact(life, add, ContactStage.BEFORE, ContactMethod.PHONE, contact_day)
            add(
                SuggestionReply(
                    congress=congress,
                    suggestion=suggestion,
                    unit=life.unit,
                    replied_by=self.liaison if life.unit == self.demo_unit else self.staff,
                    letter_name=f"关于第{suggestion.number}号建议的答复函.pdf",
                    **reply,
                )
            )
            after = reply["replied_on"] + timedelta(days=2)
            if after < self.today and rng.random() < 0.6:
                self._contact(life, add, ContactStage.AFTER, ContactMethod.VISIT, after)
        self._feedback(life, add)
        if key:
            visit = suggestion.assigned_on + timedelta(days=30)
            for offset, text in (
                (0, "常委会领导带队实地察看办理进展，听取承办单位汇报。"),
                (25, "召开重点建议督办推进会，要求明确时间表和责任人。"),
            ):
                day = visit + timedelta(days=offset)
                if day < self.today:
                    add(
                        SupervisionEntry(
                            congress=congress,
                            suggestion=suggestion,
                            kind=SupervisionKind.VISIT,
                            date=day,
                            text=text,
                            recorded_by=self.staff,
                        )
                    )
            note = f"{suggestion.key_leading_official}领办，{suggestion.key_supervisor}督办"
            self._extra_event(life, add, "key", suggestion.assigned_on, self.staff, note)
        if life.fate == "overdue":
            day = suggestion.due_on + timedelta(days=3)
            if day < self.today:
                add(
                    SupervisionEntry(
                        congress=congress,
                        suggestion=suggestion,
                        kind=SupervisionKind.NOTE,
                        date=day,
                        text="已逾期，电话催办承办单位，要求一周内报送答复。",
                        recorded_by=self.staff,
                    )
                )
        # A note-worthy act changes no status: it is recorded in the status of its moment.
        life.events.sort(key=lambda event: event[3])
        status = ""
        for action, from_status, to_status, at, actor, note in life.events:
            if from_status is None:
                from_status = to_status = status
            status = to_status
            add(
                SuggestionEvent(
                    congress=congress,
                    suggestion=suggestion,
                    action=action,
                    from_status=from_status,
                    to_status=to_status,
                    actor=actor,
                    note=note,
                    at=at,
                )
            )

    def _extra_event(self, life, add, action, day, actor, note) -> None:
        life.events.append((action, None, None, _moment(day, life.rng), actor, note))

    def _contact(self, life, add, stage, method, day) -> None:
        add(
            ContactLog(
                congress=self.congress,
                suggestion=life.suggestion,
                unit=life.unit,
                stage=stage,
                method=method,
                contacted_on=day,
                text=CONTACT_TEXTS[stage],
                recorded_by=self.liaison if life.unit == self.demo_unit else None,
            )
        )
        self._extra_event(life, add, "contact", day, None, CONTACT_TEXTS[stage])

    def _feedback(self, life, add) -> None:
        suggestion = life.suggestion
        if not life.replies:
            return
        # Co-signers of a replied suggestion have all confirmed (only open ones may wait).
        confirmed = list(life.cosigners)
        rated = {number: (rating, day, reason) for number, rating, day, reason in life.ratings}
        for reply in life.replies:
            round_number = reply["round"]
            for deputy, is_lead in [(suggestion.lead_deputy, True)] + [
                (deputy, False) for deputy in confirmed
            ]:
                rating, day, reason = rated.get(round_number, ("", None, ""))
                # Co-signers mostly agree with the leading deputy; one in four stays silent.
                if not is_lead and rating and life.rng.random() < 0.25:
                    rating, day, reason = "", None, ""
                add(
                    SuggestionFeedback(
                        congress=self.congress,
                        suggestion=suggestion,
                        round=round_number,
                        deputy=deputy,
                        is_lead=is_lead,
                        rating=rating,
                        reason=reason,
                        rated_at=_moment(day, life.rng) if day else None,
                        rated_by=None if deputy.user_id else self.staff if rating else None,
                        created_at=_moment(reply["replied_on"], life.rng),
                    )
                )


PLACES = {
    "xiangcheng": [
        "真武山街道",
        "古城街道",
        "庞公街道",
        "檀溪街道",
        "隆中街道",
        "余家湖街道",
        "欧庙镇",
        "卧龙镇",
        "尹集乡",
        "铁佛寺社区",
        "荆州街社区",
        "檀溪湖社区",
        "黄龙村",
        "双沟村",
    ],
    "shiguai": ["石拐街道", "大发街道", "五当召镇", "吉忽伦图苏木", "白狐沟社区"],
}
