"""Factories for tests: realistic Chinese names, unique usernames and phones."""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone
from faker import Faker

from congress.models import Congress, CongressLevel, JobRun, Membership, Role, User

TEST_PASSWORD = "Test-password-2026"
fake = Faker("zh_CN")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.LazyFunction(fake.name)
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class CongressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Congress

    name = factory.Sequence(lambda n: f"第{n}测试区人大常委会")
    slug = factory.Sequence(lambda n: f"congress-{n}")
    level = CongressLevel.COUNTY


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    congress = factory.SubFactory(CongressFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.DEPUTY


class JobRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobRun

    congress = factory.SubFactory(CongressFactory)
    task_name = "congress.tasks.prune_job_runs"
    label = "清理过期任务记录"


class DeputyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "deputies.Deputy"

    congress = factory.SubFactory(CongressFactory)
    name = factory.LazyFunction(fake.name)
    gender = factory.Iterator(["male", "female"])
    ethnicity = "汉族"
    birth_date = factory.Faker("date_of_birth", minimum_age=28, maximum_age=70)
    party = "cpc"
    occupation_class = "professional"
    workplace_title = factory.LazyFunction(lambda: f"{fake.company()}{fake.job()}")
    phone = factory.Sequence(lambda n: f"137{n:08d}")
    level = "county"
    term = 17
    electoral_district = factory.Sequence(lambda n: f"第{n % 40 + 1}选区")


class DeputyGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "liaison.DeputyGroup"

    congress = factory.SubFactory(CongressFactory)
    name = factory.Sequence(lambda n: f"第{n}代表小组")
    kind = "regional"
    area = factory.LazyFunction(lambda: f"{fake.street_name()}街道")


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "liaison.GroupMembership"

    congress = factory.SelfAttribute("group.congress")
    group = factory.SubFactory(DeputyGroupFactory)
    deputy = factory.SubFactory(DeputyFactory, congress=factory.SelfAttribute("..congress"))


class LiaisonStationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "liaison.LiaisonStation"

    congress = factory.SubFactory(CongressFactory)
    name = factory.Sequence(lambda n: f"第{n}代表联络站")
    kind = "liaison_station"
    address = factory.LazyFunction(fake.street_address)
    opening_hours = "工作日 9:00-17:00"


class StationDeputyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "liaison.StationDeputy"

    congress = factory.SelfAttribute("station.congress")
    station = factory.SubFactory(LiaisonStationFactory)
    deputy = factory.SubFactory(DeputyFactory, congress=factory.SelfAttribute("..congress"))


class StationStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "liaison.StationStaff"

    congress = factory.SelfAttribute("station.congress")
    station = factory.SubFactory(LiaisonStationFactory)
    user = factory.SubFactory(UserFactory)


class HandlingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "suggestions.HandlingUnit"

    congress = factory.SubFactory(CongressFactory)
    name = factory.Sequence(lambda n: f"第{n}承办局")
    kind = "department"


class VoterMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "liaison.VoterMessage"

    congress = factory.SubFactory(CongressFactory)
    source = "deputy_page"
    deputy = factory.SubFactory(DeputyFactory, congress=factory.SelfAttribute("..congress"))
    topic = "urban"
    text = "小区门口的路灯坏了两个月，晚上出行很不方便。"
    voter_name = "李大爷"
    consented_at = factory.LazyFunction(lambda: timezone.now())
    due_on = factory.LazyFunction(lambda: date.today())


class ReceptionDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "liaison.ReceptionDay"

    congress = factory.SubFactory(CongressFactory)
    station = factory.SubFactory(
        LiaisonStationFactory, congress=factory.SelfAttribute("..congress")
    )
    date = factory.LazyFunction(lambda: date.today())
    start_time = "09:00"
    end_time = "11:30"
    topic = "听取群众意见"


class ReceptionDutyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "liaison.ReceptionDuty"

    congress = factory.SelfAttribute("reception_day.congress")
    reception_day = factory.SubFactory(ReceptionDayFactory)
    deputy = factory.SubFactory(DeputyFactory, congress=factory.SelfAttribute("..congress"))


class ReceptionScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "liaison.ReceptionSchedule"

    congress = factory.SubFactory(CongressFactory)
    station = factory.SubFactory(
        LiaisonStationFactory, congress=factory.SelfAttribute("..congress")
    )
    rule = "weekday_of_month"
    week_of_month = 1
    weekday = 1
    start_time = "09:00"
    end_time = "11:30"
    starts_on = factory.LazyFunction(lambda: date.today())


class GroupProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "liaison.GroupProject"

    congress = factory.SubFactory(CongressFactory)
    group = factory.SubFactory(DeputyGroupFactory, congress=factory.SelfAttribute("..congress"))
    year = factory.LazyFunction(lambda: date.today().year)
    title = factory.Sequence(lambda n: f"老旧小区改造第{n}期")
    goal = "完成小区雨污分流和路面硬化"
    claimed_on = factory.LazyFunction(lambda: date.today())


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "congress.Notification"

    congress = factory.SubFactory(CongressFactory)
    user = factory.SubFactory(UserFactory)
    kind = "message"
    title = "您有一条新的选民留言"


class CongressSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "suggestions.CongressSession"

    congress = factory.SubFactory(CongressFactory)
    name = factory.Sequence(lambda n: f"十七届人大第{n + 1}次会议")
    term = 17
    starts_on = date(2026, 1, 10)
    ends_on = date(2026, 1, 13)


class SuggestionCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "suggestions.SuggestionCategory"

    congress = factory.SubFactory(CongressFactory)
    name = factory.Sequence(lambda n: f"类别{n}")
    position = factory.Sequence(lambda n: n)


class SuggestionFactory(factory.django.DjangoModelFactory):
    """A submitted suggestion (status "submitted"); pass status= and the dates for later states,
    or build them through the services when the steps themselves matter."""

    class Meta:
        model = "suggestions.Suggestion"

    congress = factory.SubFactory(CongressFactory)
    title = factory.Sequence(lambda n: f"关于改善第{n}社区道路的建议")
    content = "社区道路破损严重，雨天积水，建议尽快维修。"
    category = factory.SubFactory(
        SuggestionCategoryFactory, congress=factory.SelfAttribute("..congress")
    )
    lead_deputy = factory.SubFactory(DeputyFactory, congress=factory.SelfAttribute("..congress"))
    status = "submitted"
    submitted_at = factory.LazyFunction(timezone.now)


class SuggestionAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "suggestions.SuggestionAssignment"

    congress = factory.SubFactory(CongressFactory)
    suggestion = factory.SubFactory(SuggestionFactory, congress=factory.SelfAttribute("..congress"))
    unit = factory.SubFactory(HandlingUnitFactory, congress=factory.SelfAttribute("..congress"))
    role = "lead"
    assigned_on = date(2026, 3, 2)
    return_by = date(2026, 3, 11)


class RuleSetFactory(factory.django.DjangoModelFactory):
    """A bare rule set; use scoring.services.rule_set_create_from_preset for the real presets."""

    class Meta:
        model = "scoring.RuleSet"

    congress = factory.SubFactory(CongressFactory)
    year = 2026
    version = factory.Sequence(lambda n: n + 1)
    name = "履职积分规则"


class RuleItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "scoring.RuleItem"

    congress = factory.SubFactory(CongressFactory)
    rule_set = factory.SubFactory(RuleSetFactory, congress=factory.SelfAttribute("..congress"))
    code = factory.Sequence(lambda n: f"item{n}")
    name = factory.Sequence(lambda n: f"履职项目{n}")
    kind = "duty"
    points = Decimal("10")


class DutyRecordFactory(factory.django.DjangoModelFactory):
    """An approved record entered by staff (status "approved"); pass status/origin to vary."""

    class Meta:
        model = "scoring.DutyRecord"

    congress = factory.SubFactory(CongressFactory)
    deputy = factory.SubFactory(DeputyFactory, congress=factory.SelfAttribute("..congress"))
    category_code = "study"
    category_name = "学习培训"
    kind = "duty"
    occurred_on = date(2026, 3, 10)
    description = "参加代表履职学习培训"
    origin = "staff"
    status = "approved"


class WarningRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "scoring.WarningRule"

    congress = factory.SubFactory(CongressFactory)
    condition = "bottom_quarter"
    level = "yellow"


class RankingFactory(factory.django.DjangoModelFactory):
    """An empty snapshot; use scoring.ranking.ranking_compute for a real one."""

    class Meta:
        model = "scoring.Ranking"

    congress = factory.SubFactory(CongressFactory)
    rule_set = factory.SubFactory(RuleSetFactory, congress=factory.SelfAttribute("..congress"))
    year = 2026
    quarter = 1


class DutyWarningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "scoring.DutyWarning"

    congress = factory.SubFactory(CongressFactory)
    deputy = factory.SubFactory(DeputyFactory, congress=factory.SelfAttribute("..congress"))
    rule = factory.SubFactory(WarningRuleFactory, congress=factory.SelfAttribute("..congress"))
    level = "yellow"
    reason = "本季度积分处于后10%"
    raised_by = factory.SubFactory(RankingFactory, congress=factory.SelfAttribute("..congress"))
