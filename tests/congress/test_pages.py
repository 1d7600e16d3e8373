"""The page shell: role home pages, navigation by role, error pages, security headers."""

from __future__ import annotations

import pytest
from django.test import Client

from congress import context_processors
from congress.models import Role
from congress.permissions import membership_can

HOME_TEXT = {
    Role.COMMITTEE_ADMIN: "工作台",
    Role.COMMITTEE_STAFF: "工作台",
    Role.STATION_STAFF: "联络站工作",
    Role.UNIT_LIAISON: "本单位承办",
    Role.LEADER: "工作概览",
    Role.DEPUTY: "代表，您好",
    Role.SECURITY_ADMIN: "安全管理",
    Role.AUDITOR: "安全审计",
}


@pytest.mark.parametrize("role", Role.values)
def test_each_role_has_its_own_home(role, tenant_a, client_as):
    response = client_as(tenant_a.user(role)).get(
        f"/c/{tenant_a.congress.slug}/", HTTP_ACCEPT_LANGUAGE="en-US"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert HOME_TEXT[role] in body
    assert tenant_a.congress.name in body


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (Role.COMMITTEE_ADMIN, ["人员与角色", "操作记录", "后台任务", "设置"], []),
        (Role.COMMITTEE_STAFF, ["人员与角色", "操作记录", "后台任务"], ["/settings/"]),
        (
            Role.DEPUTY,
            ["选民留言", "接待日", "为民办实事"],
            ["/members/", "/audit/", "/jobs/", "/settings/", "/deputies/"],
        ),
        (Role.LEADER, ["代表名册", "代表小组", "联络站点"], ["/members/", "/audit/", "/settings/"]),
    ],
)
def test_navigation_follows_the_role(role, shown, hidden, tenant_a, client_as):
    body = client_as(tenant_a.user(role)).get(f"/c/{tenant_a.congress.slug}/").content.decode()
    for text in shown:
        assert text in body
    # With nothing beyond the home page, there is no navigation row at all.
    assert ('class="sidenav"' in body) == bool(shown)
    for path in hidden:
        assert f'href="/c/{tenant_a.congress.slug}{path}"' not in body


@pytest.mark.parametrize("role", Role.values)
def test_the_navigation_worked_out_per_role_is_what_the_member_may_open(role, tenant_a):
    # The links are kept per role and congress for the process (context_processors._links):
    # every permission they show must be decided by the role alone, as it is for the member.
    member = tenant_a.members[role]
    expected = [
        url_name
        for permission, url_name, _label in context_processors.NAVIGATION
        if membership_can(member, permission)
    ]
    links = context_processors._links(role, tenant_a.congress.slug, "/", None)
    assert [url_name for _url, url_name, _label in links] == expected
    assert all(url.startswith(f"/c/{tenant_a.congress.slug}/") for url, _n, _l in links)


def test_security_headers(tenant_a, client_as):
    response = client_as(tenant_a.user(Role.DEPUTY)).get(f"/c/{tenant_a.congress.slug}/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_load_htmx_from_our_own_static_files(tenant_a, client_as):
    body = client_as(tenant_a.user(Role.DEPUTY)).get(f"/c/{tenant_a.congress.slug}/").content
    assert b'src="/static/django_htmx/htmx-2.min.js"' in body
    assert b"http://" not in body and b"https://" not in body


def test_the_server_error_page_is_chinese(tenant_a, settings):
    from django.urls import path

    def broken(request, congress_slug):
        raise RuntimeError("boom")

    settings.ROOT_URLCONF = type(
        "urls",
        (),
        {"urlpatterns": [path("c/<slug:congress_slug>/boom/", broken)]},
    )
    client = Client(raise_request_exception=False)
    client.force_login(tenant_a.user(Role.DEPUTY))
    response = client.get(f"/c/{tenant_a.congress.slug}/boom/")
    assert response.status_code == 500
    assert "系统出了点问题" in response.content.decode()


def test_the_admin_is_for_platform_administrators_only(tenant_a, client_as):
    from tests.factories import UserFactory

    staff = tenant_a.user(Role.COMMITTEE_ADMIN)
    staff.is_staff = True
    staff.save()
    assert client_as(staff).get("/admin/").status_code == 302
    platform = UserFactory(is_staff=True, is_superuser=True)
    response = client_as(platform).get("/admin/congress/congress/")
    assert response.status_code == 200
    assert tenant_a.congress.name in response.content.decode()
    change = client_as(platform).get(f"/admin/congress/congress/{tenant_a.congress.pk}/change/")
    assert change.status_code == 200
    assert tenant_a.user(Role.DEPUTY).full_name in change.content.decode()


def test_a_deputys_home_lists_their_groups_and_stations_in_order(tenant_a, client_as):
    from django_scopes import scopes_disabled

    from tests.factories import (
        DeputyFactory,
        DeputyGroupFactory,
        GroupMembershipFactory,
        LiaisonStationFactory,
        StationDeputyFactory,
    )

    user = tenant_a.user(Role.DEPUTY)
    congress = tenant_a.congress
    with scopes_disabled():  # test setup
        deputy = DeputyFactory(congress=congress, user=user)
        for name, kind in (("二街道小组", "regional"), ("一街道小组", "regional")):
            group = DeputyGroupFactory(congress=congress, name=name, kind=kind)
            GroupMembershipFactory(group=group, deputy=deputy)
        group = DeputyGroupFactory(congress=congress, name="教育专业小组", kind="professional")
        GroupMembershipFactory(group=group, deputy=deputy)
        for name in ("B联络站", "A联络站"):
            StationDeputyFactory(
                station=LiaisonStationFactory(congress=congress, name=name), deputy=deputy
            )
        GroupMembershipFactory(group=DeputyGroupFactory(congress=congress, name="别人的小组"))
    body = client_as(user).get(f"/c/{congress.slug}/").content.decode()
    # As the deputy's detail page orders them: groups by kind, then name; stations by name.
    assert "<dd>教育专业小组、一街道小组、二街道小组</dd>" in body
    assert "<dd>A联络站、B联络站</dd>" in body
    assert "别人的小组" not in body


def test_a_deputy_in_no_group_or_station_sees_a_dash(tenant_a, client_as):
    from django_scopes import scopes_disabled

    from tests.factories import DeputyFactory

    user = tenant_a.user(Role.DEPUTY)
    with scopes_disabled():  # test setup
        DeputyFactory(congress=tenant_a.congress, user=user)
    body = client_as(user).get(f"/c/{tenant_a.congress.slug}/")
    assert body.content.decode().count("<dd>—</dd>") == 2


def test_a_tenant_page_reads_the_congress_with_the_membership(tenant_a, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(tenant_a.user(Role.DEPUTY))
    client.get(f"/c/{tenant_a.congress.slug}/")  # the first request also saves the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/c/{tenant_a.congress.slug}/").status_code == 200
    congress_reads = [q["sql"] for q in queries if 'FROM "congress_congress"' in q["sql"]]
    assert congress_reads == []
    memberships = [q["sql"] for q in queries if 'FROM "congress_membership"' in q["sql"]]
    assert len(memberships) == 1 and '"congress_congress"."slug"' in memberships[0]
