"""Shared fixtures: two congresses, a member of each in every role, and an outsider."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
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
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


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
