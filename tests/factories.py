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
