"""Every change to a tenant row is recorded with who, when, from where and what; per congress."""

from __future__ import annotations

from django_scopes import scopes_disabled

from congress import services
from congress.models import Congress, Membership, Role


def test_a_role_change_is_recorded_with_who_where_and_what(tenant_a, client_as):
    admin = tenant_a.user(Role.SECURITY_ADMIN)
    deputy_membership = tenant_a.members[Role.DEPUTY]
    url = f"/c/{tenant_a.congress.slug}/members/{deputy_membership.pk}/"
    response = client_as(admin).post(
        url, {"role": Role.STATION_STAFF, "is_active": "on"}, REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 302
    with tenant_a.scope():
        record = Membership.history.filter(id=deputy_membership.pk).latest("history_date")
    assert record.history_type == "~"
    assert record.history_user == admin
    assert record.history_ip_address == "10.1.2.3"
    assert record.history_changes == {"role": ["人大代表", "联络站工作人员"]}


def test_a_settings_change_is_recorded_and_shown_on_the_audit_page(tenant_a, tenant_b, client_as):
    admin = tenant_a.user(Role.COMMITTEE_ADMIN)
    with tenant_a.scope():
        services.congress_update_settings(
            actor=admin, congress=tenant_a.congress, voter_message_reply_working_days=5
        )
    with tenant_b.scope():
        services.congress_update_settings(
            actor=tenant_b.user(Role.COMMITTEE_ADMIN),
            congress=tenant_b.congress,
            rehandling_deadline_months=2,
        )
    page = client_as(tenant_a.user(Role.COMMITTEE_STAFF)).get(f"/c/{tenant_a.congress.slug}/audit/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "选民留言答复期限（工作日）" in body
    assert "<del>7</del> → 5" in body
    assert str(admin) in body
    # The other congress's change is not in this congress's log.
    assert "<del>1</del> → 2" not in body
    assert tenant_b.user(Role.COMMITTEE_ADMIN).get_full_name() not in body


def test_the_audit_page_filters_by_kind_of_record(tenant_a, client_as):
    client = client_as(tenant_a.user(Role.COMMITTEE_ADMIN))
    url = f"/c/{tenant_a.congress.slug}/audit/"
    everything = client.get(url).context["entries"]
    only_congress = client.get(url, {"model": "congress.congress"}).context["entries"]
    assert {entry.model_name for entry in everything} == {"人员角色", "常委会"}
    assert {entry.model_name for entry in only_congress} == {"常委会"}
    assert len(only_congress) == 1
    # An unknown filter value shows everything rather than failing.
    assert len(client.get(url, {"model": "nope"}).context["entries"]) == len(everything)


def test_the_audit_page_runs_a_fixed_number_of_queries(
    tenant_a, client_as, django_assert_max_num_queries
):
    client = client_as(tenant_a.user(Role.COMMITTEE_ADMIN))
    url = f"/c/{tenant_a.congress.slug}/audit/"
    client.get(url)
    with tenant_a.scope():
        for _round in range(20):
            membership = tenant_a.members[Role.DEPUTY]
            membership.is_active = not membership.is_active
            membership.save()
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert len(response.context["entries"]) > 20
    times = [entry.when for entry in response.context["entries"]]
    assert times == sorted(times, reverse=True)


def test_deleting_keeps_the_last_values(tenant_a):
    with tenant_a.scope():
        membership = tenant_a.members[Role.LEADER]
        user_name = str(membership.user)
        membership.delete()
        record = Membership.history.filter(history_type="-").get()
    assert record.history_changes["role"] == ["领导", ""]
    assert record.history_object_repr.startswith(user_name)


def test_creating_a_congress_without_a_scope_is_recorded(db):
    from tests.factories import UserFactory

    platform = UserFactory(is_superuser=True)
    congress = services.congress_create(
        actor=platform, name="宜昌市人大常委会", slug="yichang", level="city"
    )
    with scopes_disabled():
        record = Congress.history.get(id=congress.pk)
    assert record.history_type == "+"
    assert record.history_changes["name"] == ["", "宜昌市人大常委会"]
