"""The demo: two congresses with a person in every role, safe to seed again."""

from __future__ import annotations

import io

from django.core.management import call_command
from django_scopes import scopes_disabled

from congress.demo import DEMO_PASSWORD
from congress.models import Congress, Membership, Role, User


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


# The demo is seeded once for the module (demo_output); tests that seed again do so on top.


def test_seed_demo_creates_every_role_in_two_congresses_and_prints_logins(demo_output, db):
    output = demo_output
    assert Congress.objects.count() == 2
    with scopes_disabled():
        for congress in Congress.objects.all():
            roles = set(Membership.objects.filter(congress=congress).values_list("role", flat=True))
            assert roles == set(Role.values), congress
    for username in ("platform", "xc-admin", "13971000001", "sg-staff", "inspector"):
        assert username in output
    assert DEMO_PASSWORD in output
    assert User.objects.get(username="13971000001").check_password(DEMO_PASSWORD)
    assert User.objects.get(username="platform").is_superuser


def test_seed_demo_twice_changes_nothing(demo_output, db):
    with scopes_disabled():
        before = (User.objects.count(), Membership.objects.count(), Congress.objects.count())
    seed()
    with scopes_disabled():
        after = (User.objects.count(), Membership.objects.count(), Congress.objects.count())
    assert before == after


def test_seed_demo_keeps_a_changed_password(demo_output, db):
    user = User.objects.get(username="xc-staff")
    user.set_password("Changed-password-1")
    user.save()
    seed()
    user.refresh_from_db()
    assert user.check_password("Changed-password-1")


def test_demo_logins_work(demo_output, db, client):
    response = client.post(
        "/accounts/login/", {"username": "13971000001", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    home = client.get("/", follow=True)
    assert "张桂芳代表，您好" in home.content.decode()
