"""Handling units: the list, create and edit, liaison accounts, and what a unit liaison sees."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from congress.errors import DomainError
from congress.models import Role
from suggestions import unit_services as services
from suggestions.models import HandlingUnit, UnitLiaison
from tests.factories import HandlingUnitFactory, MembershipFactory, VoterMessageFactory


def url(tenant, suffix=""):
    return f"/c/{tenant.congress.slug}/units/{suffix}"


@pytest.fixture
def staff(tenant_a, client_as):
    return client_as(tenant_a.user(Role.COMMITTEE_STAFF))


@pytest.fixture
def unit(tenant_a):
    with scopes_disabled():  # test setup
        return HandlingUnitFactory(
            congress=tenant_a.congress,
            name="襄城区教育局",
            contact_person="刘明",
            contact_phone="0710-3511003",
        )


def test_staff_list_units_with_their_liaisons_and_open_messages(tenant_a, unit, staff):
    with scopes_disabled():  # test setup
        UnitLiaison.objects.create(
            congress=tenant_a.congress, unit=unit, user=tenant_a.user(Role.UNIT_LIAISON)
        )
        VoterMessageFactory(
            congress=tenant_a.congress,
            status="forwarded",
            forward_target="unit",
            forwarded_to_unit=unit,
        )
        VoterMessageFactory(
            congress=tenant_a.congress,
            status="closed",
            forward_target="unit",
            forwarded_to_unit=unit,
        )
    response = staff.get(url(tenant_a))
    assert response.status_code == 200
    (row,) = response.context["page"].object_list
    assert (row.name, row.liaison_count, row.open_messages) == ("襄城区教育局", 1, 1)
    body = response.content.decode()
    assert "承办单位" in body and "刘明" in body and "0710-3511003" in body


@pytest.mark.parametrize("role", [Role.STATION_STAFF, Role.UNIT_LIAISON, Role.LEADER, Role.DEPUTY])
def test_only_committee_staff_see_units(tenant_a, unit, client_as, role):
    client = client_as(tenant_a.user(role))
    assert client.get(url(tenant_a)).status_code == 403
    assert client.get(url(tenant_a, f"{unit.pk}/")).status_code == 403
    assert (
        client.post(url(tenant_a, "new/"), {"name": "某局", "kind": "department"}).status_code
        == 403
    )


def test_search_and_kind_filter(tenant_a, unit, staff):
    with scopes_disabled():  # test setup
        HandlingUnitFactory(congress=tenant_a.congress, name="卧龙镇人民政府", kind="township")

    def names(**query):
        return [u.name for u in staff.get(url(tenant_a), query).context["page"].object_list]

    assert names(q="教育") == ["襄城区教育局"]
    assert names(q="刘明") == ["襄城区教育局"]
    assert names(kind="township") == ["卧龙镇人民政府"]
    assert len(names(kind="nonsense")) == 2


def test_create_a_unit(tenant_a, staff):
    response = staff.post(
        url(tenant_a, "new/"),
        {
            "name": " 襄城区卫生健康局 ",
            "kind": "department",
            "contact_person": "胡丽",
            "contact_phone": "0710-3511004",
            "is_active": "on",
        },
    )
    with scopes_disabled():
        created = HandlingUnit.objects.get(name="襄城区卫生健康局")
        assert created.history.first().history_user == tenant_a.user(Role.COMMITTEE_STAFF)
    assert response.status_code == 302
    assert response["Location"] == url(tenant_a, f"{created.pk}/")
    assert created.congress == tenant_a.congress and created.is_active


def test_a_duplicate_name_comes_back_with_the_form_filled_in(tenant_a, unit, staff):
    response = staff.post(
        url(tenant_a, "new/"),
        {"name": "襄城区教育局", "kind": "department", "contact_person": "王芳"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "已有同名的承办单位。" in body
    assert "王芳" in body


def test_a_telephone_with_letters_comes_back_with_the_form_filled_in(tenant_a, unit, staff):
    response = staff.post(
        url(tenant_a, f"{unit.pk}/edit/"),
        {
            "name": "襄城区教育局",
            "kind": "department",
            "contact_person": "刘明",
            "contact_phone": "0710-三五一一",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["contact_phone"]
    assert "0710-三五一一" in response.content.decode()
    with scopes_disabled():
        unit.refresh_from_db()
    assert unit.contact_phone == "0710-3511003"


def test_a_telephone_is_kept_in_plain_form(tenant_a):
    with tenant_a.scope():
        created = services.unit_create(
            actor=tenant_a.user(Role.COMMITTEE_STAFF),
            congress=tenant_a.congress,
            name="襄城区民政局",
            kind="department",
            contact_phone="（0710）3511004转8001",
        )
    assert created.contact_phone == "(0710)3511004转8001"  # congress.phones, tested there


def test_the_same_name_in_another_congress_is_fine(tenant_a, tenant_b, unit):
    with tenant_b.scope():
        other = services.unit_create(
            actor=tenant_b.user(Role.COMMITTEE_STAFF),
            congress=tenant_b.congress,
            name="襄城区教育局",
            kind="department",
        )
    assert other.congress == tenant_b.congress


def test_edit_and_deactivate_a_unit(tenant_a, unit, staff):
    page = staff.get(url(tenant_a, f"{unit.pk}/edit/"))
    assert page.status_code == 200 and "编辑 襄城区教育局" in page.content.decode()
    response = staff.post(
        url(tenant_a, f"{unit.pk}/edit/"),
        {
            "name": "襄城区教育局",
            "kind": "department",
            "contact_person": "刘明",
            "contact_phone": "0710-3511999",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        unit.refresh_from_db()
    assert unit.contact_phone == "0710-3511999"
    assert not unit.is_active


def test_a_unit_of_another_congress_is_not_found(tenant_a, tenant_b, staff):
    with scopes_disabled():  # test setup
        foreign = HandlingUnitFactory(congress=tenant_b.congress)
    assert staff.get(url(tenant_a, f"{foreign.pk}/")).status_code == 404
    assert staff.get(url(tenant_a, f"{foreign.pk}/edit/")).status_code == 404


def test_add_and_remove_a_liaison_account(tenant_a, unit, staff):
    liaison = tenant_a.user(Role.UNIT_LIAISON)
    page = staff.get(url(tenant_a, f"{unit.pk}/")).content.decode()
    assert f'<option value="{liaison.pk}">' in page
    response = staff.post(url(tenant_a, f"{unit.pk}/liaisons/"), {"user": liaison.pk}, follow=True)
    assert f"{liaison} 已成为襄城区教育局的联络员。" in response.content.decode()
    with scopes_disabled():
        assert UnitLiaison.objects.filter(unit=unit, user=liaison).exists()
    again = staff.post(url(tenant_a, f"{unit.pk}/liaisons/"), {"user": liaison.pk}, follow=True)
    assert "此人已是该单位的联络员。" in again.content.decode()
    removed = staff.post(
        url(tenant_a, f"{unit.pk}/liaisons/remove/"), {"user": liaison.pk}, follow=True
    )
    assert f"{liaison} 已不再是襄城区教育局的联络员。" in removed.content.decode()
    with scopes_disabled():
        assert not UnitLiaison.objects.filter(unit=unit).exists()


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.STATION_STAFF])
def test_only_unit_liaison_accounts_can_be_linked(tenant_a, unit, staff, role):
    response = staff.post(
        url(tenant_a, f"{unit.pk}/liaisons/"), {"user": tenant_a.user(role).pk}, follow=True
    )
    assert "只有在用的承办单位联络员账号才能担任单位联络员。" in response.content.decode()
    with scopes_disabled():
        assert not UnitLiaison.objects.exists()


def test_an_inactive_liaison_membership_cannot_be_linked(tenant_a, unit):
    with scopes_disabled():  # test setup
        gone = MembershipFactory(
            congress=tenant_a.congress, role=Role.UNIT_LIAISON, is_active=False
        ).user
    with tenant_a.scope(), pytest.raises(DomainError):
        services.unit_add_liaison(actor=tenant_a.user(Role.COMMITTEE_STAFF), unit=unit, user=gone)


def test_people_of_another_congress_are_not_a_choice(tenant_a, tenant_b, unit, staff):
    response = staff.post(
        url(tenant_a, f"{unit.pk}/liaisons/"),
        {"user": tenant_b.user(Role.UNIT_LIAISON).pk},
        follow=True,
    )
    assert response.status_code == 200
    with scopes_disabled():
        assert not UnitLiaison.objects.exists()


def test_liaison_changes_answer_only_to_post(tenant_a, unit, staff):
    assert staff.get(url(tenant_a, f"{unit.pk}/liaisons/")).status_code == 405
    assert staff.get(url(tenant_a, f"{unit.pk}/liaisons/remove/")).status_code == 405


def test_the_unit_list_runs_a_fixed_number_of_queries(tenant_a, unit, staff):
    staff.get(url(tenant_a))
    with CaptureQueriesContext(connection) as few:
        staff.get(url(tenant_a))
    with scopes_disabled():  # test setup
        for _number in range(60):
            other = HandlingUnitFactory(congress=tenant_a.congress)
            VoterMessageFactory(
                congress=tenant_a.congress,
                status="forwarded",
                forward_target="unit",
                forwarded_to_unit=other,
            )
    with CaptureQueriesContext(connection) as many:
        response = staff.get(url(tenant_a), {"page": 2})
    assert len(response.context["page"].object_list) == 11
    assert len(many) == len(few) <= 10


def test_a_unit_liaison_sees_and_answers_what_was_forwarded_to_their_unit(
    tenant_a, unit, client_as
):
    liaison = tenant_a.user(Role.UNIT_LIAISON)
    with scopes_disabled():  # test setup
        UnitLiaison.objects.create(congress=tenant_a.congress, unit=unit, user=liaison)
        ours = VoterMessageFactory(
            congress=tenant_a.congress,
            status="forwarded",
            forward_target="unit",
            forwarded_to_unit=unit,
            text="学区划分一直没有公布。",
        )
        VoterMessageFactory(congress=tenant_a.congress, text="别的单位的留言")
    client = client_as(liaison)
    listed = client.get(f"/c/{tenant_a.congress.slug}/messages/")
    assert [m.pk for m in listed.context["page"].object_list] == [ours.pk]
    answered = client.post(
        f"/c/{tenant_a.congress.slug}/messages/{ours.pk}/answer/",
        {"answer": "学区划分方案已于本月公布。"},
    )
    assert answered.status_code == 302
    with scopes_disabled():
        ours.refresh_from_db()
    assert ours.status == "answered" and ours.answered_by == liaison
