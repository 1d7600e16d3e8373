"""Factories for tests: realistic Chinese names, unique usernames and phones."""

import factory
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
