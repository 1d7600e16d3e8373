"""Liaison stations: list, form, deputies and staff, the standard checklist, the standards page."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from congress.errors import DomainError
from congress.models import Role
from liaison import services
from liaison.models import (
    LiaisonStation,
    StationDeputy,
    StationStaff,
    StationStandard,
    StationStandardCheck,
)
from tests.factories import (
    DeputyFactory,
    LiaisonStationFactory,
    MembershipFactory,
    StationDeputyFactory,
    StationStaffFactory,
)


def url(tenant, suffix=""):
    return f"/c/{tenant.congress.slug}/stations/{suffix}"


def standards_url(tenant, suffix=""):
    return f"/c/{tenant.congress.slug}/standards/{suffix}"


@pytest.fixture
def staff(tenant_a, client_as):
    return client_as(tenant_a.user(Role.COMMITTEE_STAFF))


@pytest.fixture
def stations(tenant_a):
    """Two stations; the station staff member of tenant A works at the first only."""
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        home = LiaisonStationFactory(
            congress=congress,
            name="真武山街道人大代表之家",
            kind="deputy_home",
            address="凤凰路1号",
        )
        village = LiaisonStationFactory(congress=congress, name="卧龙镇双沟村人大代表联络站")
        StationStaffFactory(station=home, user=tenant_a.user(Role.STATION_STAFF))
        StationDeputyFactory(station=home, deputy__name="张建国", deputy__phone="13900002222")
        StationDeputyFactory(station=village, deputy__name="李秀兰")
        services.station_standards_ensure_defaults(congress)
    return home, village


def _met(tenant, station, codes):
    with scopes_disabled():  # test setup
        for standard in StationStandard.objects.filter(congress=tenant.congress, code__in=codes):
            StationStandardCheck.objects.create(
                congress=tenant.congress, station=station, standard=standard, is_met=True
            )


def test_the_list_shows_kind_address_deputies_and_standards_met(tenant_a, staff, stations):
    home, village = stations
    _met(tenant_a, home, ["1", "2", "3"])
    response = staff.get(url(tenant_a))
    body = response.content.decode()
    assert "代表之家" in body and "凤凰路1号" in body
    rows = {s.name: s for s in response.context["page"].object_list}
    assert rows[home.name].deputy_count == 1
    assert rows[home.name].standards_met == 3
    assert rows[village.name].standards_met == 0
    assert response.context["standard_count"] == 9
    assert "3 / 9" in body


def test_a_point_out_of_use_no_longer_counts(tenant_a, staff, stations):
    home, _village = stations
    _met(tenant_a, home, ["1", "2"])
    with scopes_disabled():  # test setup
        StationStandard.objects.filter(congress=tenant_a.congress, code="2").update(is_active=False)
    response = staff.get(url(tenant_a))
    rows = {s.name: s for s in response.context["page"].object_list}
    assert rows[home.name].standards_met == 1
    assert response.context["standard_count"] == 8


def test_filter_by_kind_and_search(tenant_a, staff, stations):
    homes = staff.get(url(tenant_a), {"kind": "deputy_home"}).context["page"].object_list
    assert [s.name for s in homes] == ["真武山街道人大代表之家"]
    found = staff.get(url(tenant_a), {"q": "双沟"}).context["page"].object_list
    assert [s.name for s in found] == ["卧龙镇双沟村人大代表联络站"]
    by_address = staff.get(url(tenant_a), {"q": "凤凰路"}).context["page"].object_list
    assert [s.name for s in by_address] == ["真武山街道人大代表之家"]


def test_the_list_runs_a_fixed_number_of_queries(tenant_a, staff, stations):
    staff.get(url(tenant_a))
    with CaptureQueriesContext(connection) as few:
        staff.get(url(tenant_a))
    with scopes_disabled():  # test setup
        standard = StationStandard.objects.filter(congress=tenant_a.congress).first()
        for _n in range(30):
            station = LiaisonStationFactory(congress=tenant_a.congress)
            StationDeputyFactory(station=station)
            StationStandardCheck.objects.create(
                congress=tenant_a.congress, station=station, standard=standard, is_met=True
            )
    with CaptureQueriesContext(connection) as many:
        response = staff.get(url(tenant_a))
    assert len(response.context["page"].object_list) == 32
    assert len(many) == len(few)


def test_station_staff_see_only_their_own_stations(tenant_a, client_as, stations):
    home, village = stations
    client = client_as(tenant_a.user(Role.STATION_STAFF))
    listed = client.get(url(tenant_a)).context["page"].object_list
    assert [s.name for s in listed] == [home.name]
    assert client.get(url(tenant_a, f"{home.pk}/")).status_code == 200
    assert client.get(url(tenant_a, f"{village.pk}/")).status_code == 403
    assert client.get(url(tenant_a, f"{village.pk}/checklist/")).status_code == 403


def test_another_congress_station_is_404(tenant_a, tenant_b, staff):
    with scopes_disabled():  # test setup
        foreign = LiaisonStationFactory(congress=tenant_b.congress)
    assert staff.get(url(tenant_a, f"{foreign.pk}/")).status_code == 404


def test_the_detail_shows_deputies_staff_checklist_and_the_qr_actions(tenant_a, staff, stations):
    home, _village = stations
    _met(tenant_a, home, ["1"])
    response = staff.get(url(tenant_a, f"{home.pk}/"))
    body = response.content.decode()
    # The station's deputies are a list: their numbers masked even for staff.
    assert "张建国" in body and "139****2222" in body and "13900002222" not in body
    assert tenant_a.user(Role.STATION_STAFF).get_full_name() in body
    assert "有固定场所" in body and "有活动成效" in body
    assert response.context["met_count"] == 1
    assert f"/c/{tenant_a.congress.slug}/print/stations/{home.pk}/poster/" in body
    assert f'action="/c/{tenant_a.congress.slug}/print/stations/{home.pk}/rotate/"' in body
    assert "已经打印张贴的海报将立即失效" in body


def test_station_staff_see_masked_phones_and_no_management(tenant_a, client_as, stations):
    home, _village = stations
    body = client_as(tenant_a.user(Role.STATION_STAFF)).get(url(tenant_a, f"{home.pk}/"))
    body = body.content.decode()
    assert "139****2222" in body and "13900002222" not in body
    assert "/rotate/" not in body and "/poster/" not in body
    assert "更新达标情况" in body  # they may check their own station


def test_leaders_read_but_cannot_check(tenant_a, client_as, stations):
    home, _village = stations
    client = client_as(tenant_a.user(Role.LEADER))
    detail = client.get(url(tenant_a, f"{home.pk}/")).content.decode()
    assert "更新达标情况" not in detail
    page = client.get(url(tenant_a, f"{home.pk}/checklist/"))
    assert page.status_code == 200
    assert "保存达标情况" not in page.content.decode()
    refused = client.post(url(tenant_a, f"{home.pk}/checklist/"), {"met_1": "on"})
    assert refused.status_code == 403


def _checklist_data(tenant, met_codes, notes=None):
    with scopes_disabled():  # test setup
        standards = StationStandard.objects.filter(congress=tenant.congress)
        data = {}
        for standard in standards:
            if standard.code in met_codes:
                data[f"met_{standard.pk}"] = "on"
            data[f"note_{standard.pk}"] = (notes or {}).get(standard.code, "")
    return data


def test_station_staff_update_the_checklist_of_their_own_station(tenant_a, client_as, stations):
    home, village = stations
    checker = tenant_a.user(Role.STATION_STAFF)
    client = client_as(checker)
    data = _checklist_data(tenant_a, {"1", "2"}, {"8": "经费未列入预算"})
    response = client.post(url(tenant_a, f"{home.pk}/checklist/"), data)
    assert response.status_code == 302
    with tenant_a.scope():
        checks = StationStandardCheck.objects.filter(station=home).select_related("standard")
        by_code = {check.standard.code: check for check in checks}
    assert len(by_code) == 9
    assert by_code["1"].is_met and by_code["2"].is_met and not by_code["3"].is_met
    assert by_code["8"].note == "经费未列入预算"
    assert by_code["1"].checked_by == checker
    assert by_code["1"].checked_on == timezone.localdate()
    # Another station: refused, nothing written.
    refused = client.post(url(tenant_a, f"{village.pk}/checklist/"), data)
    assert refused.status_code == 403
    with tenant_a.scope():
        assert not StationStandardCheck.objects.filter(station=village).exists()


def test_committee_staff_check_any_station_and_unchanged_points_keep_their_stamp(
    tenant_a, staff, client_as, stations
):
    _home, village = stations
    earlier = date(2025, 1, 10)
    with scopes_disabled():  # test setup
        first = StationStandard.objects.get(congress=tenant_a.congress, code="1")
        StationStandardCheck.objects.create(
            congress=tenant_a.congress,
            station=village,
            standard=first,
            is_met=True,
            checked_on=earlier,
            checked_by=tenant_a.user(Role.COMMITTEE_ADMIN),
        )
    response = staff.post(
        url(tenant_a, f"{village.pk}/checklist/"), _checklist_data(tenant_a, {"1", "5"})
    )
    assert response.status_code == 302
    messages = staff.get(url(tenant_a, f"{village.pk}/")).content.decode()
    assert "达标情况已保存（更新了 8 项）。" in messages
    with tenant_a.scope():
        kept = StationStandardCheck.objects.get(station=village, standard=first)
        fifth = StationStandardCheck.objects.get(station=village, standard__code="5")
    assert kept.checked_on == earlier
    assert fifth.is_met and fifth.checked_by == tenant_a.user(Role.COMMITTEE_STAFF)


def test_a_too_long_note_is_refused_and_the_input_kept(tenant_a, staff, stations):
    home, _village = stations
    data = _checklist_data(tenant_a, {"1"}, {"2": "长" * 301})
    response = staff.post(url(tenant_a, f"{home.pk}/checklist/"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "长" * 301 in body
    assert "301" in body  # the length error names the count
    with tenant_a.scope():
        assert not StationStandardCheck.objects.filter(station=home).exists()


def test_staff_create_and_edit_a_station(tenant_a, staff):
    data = {
        "name": "檀溪街道人大代表之家",
        "kind": "deputy_home",
        "address": "檀溪路88号",
        "opening_hours": "工作日 9:00-17:00",
        "contact_phone": "0710-3512345",
        "description": "",
        "is_active": "on",
    }
    response = staff.post(url(tenant_a, "new/"), data)
    assert response.status_code == 302
    with tenant_a.scope():
        station = LiaisonStation.objects.get(name="檀溪街道人大代表之家")
    assert station.contact_phone == "0710-3512345"
    data.update(opening_hours="每周三上午", is_active="")
    response = staff.post(url(tenant_a, f"{station.pk}/edit/"), data)
    assert response.status_code == 302
    with tenant_a.scope():
        station.refresh_from_db()
    assert (station.opening_hours, station.is_active) == ("每周三上午", False)


def test_a_duplicate_station_name_is_refused_in_chinese(tenant_a, staff, stations):
    response = staff.post(
        url(tenant_a, "new/"),
        {"name": "真武山街道人大代表之家", "kind": "deputy_home", "address": "新地址"},
    )
    body = response.content.decode()
    assert "已有同名的联络站。" in body
    assert 'value="新地址"' in body


def test_a_telephone_with_letters_is_refused_and_the_form_keeps_it(tenant_a, staff):
    data = {"name": "东津镇代表联络站", "kind": "liaison_station", "contact_phone": "0710-abc"}
    response = staff.post(url(tenant_a, "new/"), {**data, "address": "东津大道1号"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "请填写正确的电话号码（数字，可带连字符）。" in body
    assert 'value="0710-abc"' in body and 'value="东津大道1号"' in body
    with tenant_a.scope():
        assert not LiaisonStation.objects.filter(name="东津镇代表联络站").exists()


def test_a_telephone_is_kept_in_plain_form(tenant_a):
    with tenant_a.scope():
        station = services.station_create(
            actor=tenant_a.user(Role.COMMITTEE_STAFF),
            congress=tenant_a.congress,
            name="东津镇代表联络站",
            kind="liaison_station",
            contact_phone="０７１０－３５１２３４５",
        )
    assert station.contact_phone == "0710-3512345"  # congress.phones, tested there


@pytest.mark.parametrize("role", [Role.LEADER, Role.STATION_STAFF])
def test_readers_cannot_change_stations(tenant_a, client_as, stations, role):
    home, _village = stations
    client = client_as(tenant_a.user(role))
    assert client.get(url(tenant_a, "new/")).status_code == 403
    assert client.get(url(tenant_a, f"{home.pk}/edit/")).status_code == 403
    with scopes_disabled():  # test setup
        deputy = DeputyFactory(congress=tenant_a.congress)
    assert (
        client.post(url(tenant_a, f"{home.pk}/deputies/"), {"deputies": [deputy.pk]}).status_code
        == 403
    )


def test_add_and_remove_deputies(tenant_a, staff, stations):
    home, _village = stations
    with scopes_disabled():  # test setup
        deputy = DeputyFactory(congress=tenant_a.congress, name="何春燕")
    picker = staff.get(url(tenant_a, f"{home.pk}/deputies/"), {"q": "何春燕"})
    assert [d.name for d in picker.context["candidates"]] == ["何春燕"]
    response = staff.post(url(tenant_a, f"{home.pk}/deputies/"), {"deputies": [deputy.pk]})
    assert response.status_code == 302
    with tenant_a.scope():
        assert StationDeputy.objects.filter(station=home, deputy=deputy).exists()
    response = staff.post(url(tenant_a, f"{home.pk}/deputies/{deputy.pk}/remove/"), follow=True)
    assert "何春燕 已不再在 真武山街道人大代表之家 进站接待。" in response.content.decode()
    with tenant_a.scope():
        assert not StationDeputy.objects.filter(station=home, deputy=deputy).exists()


def test_staff_users_must_have_the_station_staff_role(tenant_a, tenant_b, staff, stations):
    _home, village = stations
    newcomer = MembershipFactory(congress=tenant_a.congress, role=Role.STATION_STAFF).user
    response = staff.post(url(tenant_a, f"{village.pk}/staff/"), {"user": newcomer.pk}, follow=True)
    assert "已成为" in response.content.decode()
    with tenant_a.scope():
        assert StationStaff.objects.filter(station=village, user=newcomer).exists()
    # A member in another role is refused with the reason.
    deputy_user = tenant_a.user(Role.DEPUTY)
    response = staff.post(
        url(tenant_a, f"{village.pk}/staff/"), {"user": deputy_user.pk}, follow=True
    )
    assert "只有角色为联络站工作人员且已启用的人员才能在联络站工作。" in response.content.decode()
    # Someone outside the congress is not even a valid choice.
    foreigner = tenant_b.user(Role.STATION_STAFF)
    response = staff.post(
        url(tenant_a, f"{village.pk}/staff/"), {"user": foreigner.pk}, follow=True
    )
    assert "选择一个有效的选项" in response.content.decode()
    with scopes_disabled():
        assert not StationStaff.objects.filter(user__in=[deputy_user, foreigner]).exists()


def test_an_inactive_station_staff_member_cannot_be_added(tenant_a, stations):
    _home, village = stations
    with scopes_disabled():  # test setup
        membership = MembershipFactory(
            congress=tenant_a.congress, role=Role.STATION_STAFF, is_active=False
        )
    with tenant_a.scope(), pytest.raises(DomainError):
        services.station_add_staff(
            actor=tenant_a.user(Role.COMMITTEE_STAFF), station=village, user=membership.user
        )


def test_remove_a_staff_user(tenant_a, staff, client_as, stations):
    home, _village = stations
    worker = tenant_a.user(Role.STATION_STAFF)
    response = staff.post(url(tenant_a, f"{home.pk}/staff/remove/"), {"user": worker.pk})
    assert response.status_code == 302
    with tenant_a.scope():
        assert not StationStaff.objects.filter(station=home).exists()
    # The station is out of their reach at once.
    assert client_as(worker).get(url(tenant_a, f"{home.pk}/")).status_code == 403


def test_the_staff_candidates_are_station_staff_not_yet_here(tenant_a, staff, stations):
    home, village = stations
    page = staff.get(url(tenant_a, f"{village.pk}/"))
    candidates = [m.user for m in page.context["staff_candidates"]]
    assert candidates == [tenant_a.user(Role.STATION_STAFF)]
    assert staff.get(url(tenant_a, f"{home.pk}/")).context["staff_candidates"] == []


# Standards ---------------------------------------------------------------------------------


@pytest.fixture
def admin(tenant_a, client_as):
    return client_as(tenant_a.user(Role.COMMITTEE_ADMIN))


def test_an_empty_congress_offers_the_nine_point_standard(tenant_a, admin):
    page = admin.get(standards_url(tenant_a)).content.decode()
    assert "套用“九有”标准" in page
    response = admin.post(standards_url(tenant_a, "defaults/"), follow=True)
    body = response.content.decode()
    assert "已添加“九有”标准。" in body
    assert "有固定场所" in body and "有活动成效" in body
    with tenant_a.scope():
        assert StationStandard.objects.count() == 9
    again = admin.post(standards_url(tenant_a, "defaults/"), follow=True)
    assert "本常委会已有联络站建设标准。" in again.content.decode()
    with tenant_a.scope():
        assert StationStandard.objects.count() == 9


def test_the_defaults_are_per_congress(tenant_a, tenant_b):
    with tenant_a.scope():
        created = services.station_standards_ensure_defaults(tenant_a.congress)
    assert [s.code for s in created] == [str(n) for n in range(1, 10)]
    with tenant_b.scope():
        assert StationStandard.objects.count() == 0


def test_add_and_edit_a_point(tenant_a, admin):
    with tenant_a.scope():
        services.station_standards_ensure_defaults(tenant_a.congress)
    response = admin.post(
        standards_url(tenant_a, "new/"),
        {
            "title": "有数字平台",
            "description": "接入履职服务平台",
            "position": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    with tenant_a.scope():
        point = StationStandard.objects.get(title="有数字平台")
    assert (point.code, point.position) == ("10", 10)
    response = admin.post(
        standards_url(tenant_a, f"{point.pk}/edit/"),
        {"title": "有数字平台", "description": "接入平台", "position": "0", "is_active": ""},
    )
    assert response.status_code == 302
    with tenant_a.scope():
        point.refresh_from_db()
    assert (point.description, point.position, point.is_active) == ("接入平台", 0, False)


def test_a_duplicate_point_title_is_refused(tenant_a, admin):
    with tenant_a.scope():
        services.station_standards_ensure_defaults(tenant_a.congress)
    response = admin.post(
        standards_url(tenant_a, "new/"), {"title": "有固定场所", "is_active": "on"}
    )
    assert "已有同名的标准条目。" in response.content.decode()


def test_a_point_out_of_use_leaves_the_checklist(tenant_a, admin, staff, stations):
    home, _village = stations
    with tenant_a.scope():
        point = StationStandard.objects.get(code="9")
    admin.post(
        standards_url(tenant_a, f"{point.pk}/edit/"),
        {"title": point.title, "description": "", "position": "9", "is_active": ""},
    )
    checklist = staff.get(url(tenant_a, f"{home.pk}/")).context["checklist"]
    assert [item.standard.code for item in checklist] == [str(n) for n in range(1, 9)]


@pytest.mark.parametrize("role", [Role.COMMITTEE_STAFF, Role.STATION_STAFF, Role.LEADER])
def test_only_the_committee_admin_manages_standards(tenant_a, client_as, role):
    client = client_as(tenant_a.user(role))
    assert client.get(standards_url(tenant_a)).status_code == 403
    assert client.post(standards_url(tenant_a, "defaults/")).status_code == 403
    with tenant_a.scope():
        assert StationStandard.objects.count() == 0


def test_checklist_services_refuse_a_foreign_standard(tenant_a, tenant_b, stations):
    home, _village = stations
    with tenant_b.scope():
        foreign = services.station_standards_ensure_defaults(tenant_b.congress)[0]
    with tenant_a.scope(), pytest.raises(DomainError):
        services.station_checklist_update(
            actor=tenant_a.user(Role.COMMITTEE_STAFF),
            station=home,
            results={foreign.pk: (True, "")},
        )


def test_the_detail_runs_a_fixed_number_of_queries(tenant_a, staff, stations):
    home, _village = stations
    detail = url(tenant_a, f"{home.pk}/")
    staff.get(detail)
    with CaptureQueriesContext(connection) as few:
        staff.get(detail)
    with scopes_disabled():  # test setup
        for _n in range(20):
            StationDeputyFactory(station=home)
            StationStaffFactory(
                station=home,
                user=MembershipFactory(congress=tenant_a.congress, role=Role.STATION_STAFF).user,
            )
        MembershipFactory(congress=tenant_a.congress, role=Role.STATION_STAFF)
    _met(tenant_a, home, ["1", "2", "3", "4"])
    with CaptureQueriesContext(connection) as many:
        response = staff.get(detail)
    assert len(response.context["deputy_links"]) == 21
    assert len(response.context["staff_links"]) == 21
    assert len(response.context["staff_candidates"]) == 1
    assert len(many) == len(few)


def test_the_station_picker_answers_htmx_with_its_results(tenant_a, staff, stations):
    home, _village = stations
    with scopes_disabled():  # test setup
        DeputyFactory(congress=tenant_a.congress, name="黄立新")
    response = staff.get(
        url(tenant_a, f"{home.pk}/deputies/"),
        {"q": "hlx"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="deputy-results",
    )
    body = response.content.decode()
    assert body.strip().startswith('<div id="deputy-results">')
    assert "黄立新" in body
    assert f'action="/c/{tenant_a.congress.slug}/stations/{home.pk}/deputies/"' in body


def test_the_station_list_links_the_standards_for_the_admin_only(tenant_a, admin, staff, stations):
    link = f'href="/c/{tenant_a.congress.slug}/standards/"'
    assert link in admin.get(url(tenant_a)).content.decode()
    assert link not in staff.get(url(tenant_a)).content.decode()
