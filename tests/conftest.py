"""Shared fixtures: two congresses, a member of each in every role, and an outsider."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django_scopes import scope, scopes_disabled

from congress import celery_app
from congress.models import Congress, Membership, Role, User
from tests.factories import CongressFactory, MembershipFactory
from tests.worker import use_test_broker

use_test_broker()


@pytest.fixture(scope="session", autouse=True)
def _plain_http():
    # The test client and the live server speak plain HTTP, so the server mode's HTTPS redirect
    # would answer everything with 301. Session-wide and early, because the live server builds
    # its middleware once, before any function-scoped override.
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(scope="session", autouse=True)
def _media_in_a_temporary_folder(tmp_path_factory):
    # Uploaded attachments and photos go to a folder of the test run, not the working copy.
    from django.conf import settings

    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    # Plain static storage (the manifest one needs collectstatic) and a quick password hasher;
    # the argon2 test puts argon2 back. Tasks run eagerly unless a test starts a real worker.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = FAST_HASHER
    settings.LVZHI_CHECK_CACHED_READS = True
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker) -> Iterator:
    """One transaction open for a whole test module, rolled back after its last test.

    Data the module's tests share (the demo, which takes many seconds to seed on PostgreSQL) is
    written once inside it, in `with module_db():`; each test still runs in a savepoint of its
    own, so what one test writes is gone before the next. Every test of a module that uses it
    sees the shared data: keep tests that need an empty database in another module, or before
    the first that uses it.
    """

    @contextmanager
    def write() -> Iterator[None]:
        with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
            yield
            # PostgreSQL checks foreign keys at commit, which never comes: each test's teardown
            # would check all the shared rows again, and roll the check back with its savepoint.
            connection.check_constraints()

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield write
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# The day the shared demo is seeded on, and the module's tests run on (the clock ticks from
# its morning): the demo is dated from today, and a fixed day keeps what it holds the same.
DEMO_DAY = date(2026, 9, 20)


@pytest.fixture(scope="module")
def demo_output(module_db) -> Iterator[str]:
    """The whole demo (`manage.py seed_demo`), seeded once for the module on DEMO_DAY; yields
    what it printed. Tests using it also ask for `db`."""
    out = io.StringIO()
    morning = datetime.combine(DEMO_DAY, time(9), tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(morning, tick=True):
        with module_db():
            call_command("seed_demo", stdout=out)
        yield out.getvalue()


@dataclass
class Tenant:
    congress: Congress
    members: dict[str, Membership]

    def user(self, role: str) -> User:
        return self.members[role].user

    def scope(self):
        return scope(congress=self.congress)


def _tenant(**congress_fields) -> Tenant:
    # Test setup writes across congresses, so scopes are set aside here.
    with scopes_disabled():
        congress = CongressFactory(**congress_fields)
        members = {role: MembershipFactory(congress=congress, role=role) for role in Role.values}
    return Tenant(congress=congress, members=members)


@pytest.fixture
def tenant_a(db) -> Tenant:
    return _tenant(name="襄阳市襄城区人大常委会", slug="xiangcheng")


@pytest.fixture
def tenant_b(db) -> Tenant:
    return _tenant(name="包头市石拐区人大常委会", slug="shiguai")


@pytest.fixture
def outsider(tenant_b) -> User:
    """A committee administrator of congress B: full rights there, none in congress A."""
    return tenant_b.user(Role.COMMITTEE_ADMIN)


@pytest.fixture
def client_as():
    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
