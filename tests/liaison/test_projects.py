"""Group projects (为民办实事): claiming, who manages them, progress with photos served only to
those allowed, closing and dropping, the year's list, the groups yet to claim one, the demo."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled
from PIL import Image

from congress.errors import DomainError
from congress.models import Role
from liaison import project_selectors, project_services
from liaison.models import (
    GroupProject,
    ProgressPhoto,
    ProjectProgress,
    ProjectStatus,
)
from tests.factories import (
    DeputyFactory,
    DeputyGroupFactory,
    GroupMembershipFactory,
    GroupProjectFactory,
    MembershipFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
FROZEN = datetime(2025, 9, 20, 10, 0, tzinfo=SHANGHAI)


def url(tenant, suffix=""):
    return f"/c/{tenant.congress.slug}/projects/{suffix}"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield FROZEN.date()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def staff(tenant_a, client_as):
    return client_as(tenant_a.user(Role.COMMITTEE_STAFF))


@pytest.fixture
def groups(tenant_a):
    """The deputy account of tenant A leads 古城; a second deputy account is a plain member of
    古城; 隆中 is led by someone else and has a project of its own."""
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        gucheng = DeputyGroupFactory(congress=congress, name="古城街道代表小组", area="古城街道")
        longzhong = DeputyGroupFactory(congress=congress, name="隆中街道代表小组", area="隆中街道")
        leader = DeputyFactory(congress=congress, name="张桂芳", user=tenant_a.user(Role.DEPUTY))
        GroupMembershipFactory(group=gucheng, deputy=leader)
        gucheng.leader = leader
        gucheng.save()
        member_account = MembershipFactory(congress=congress, role=Role.DEPUTY).user
        member = DeputyFactory(congress=congress, name="李建国", user=member_account)
        GroupMembershipFactory(group=gucheng, deputy=member)
        other_leader = DeputyFactory(congress=congress, name="王秀兰")
        GroupMembershipFactory(group=longzhong, deputy=other_leader)
        longzhong.leader = other_leader
        longzhong.save()
        theirs = GroupProjectFactory(
            congress=congress,
            group=longzhong,
            title="隆中街道背街小巷道路硬化",
            claimed_on=date(2025, 3, 1),
        )
    return {
        "gucheng": gucheng,
        "longzhong": longzhong,
        "member_account": member_account,
        "theirs": theirs,
    }


def _project(tenant, group, **fields) -> GroupProject:
    values = {
        "title": "古城街道老旧小区路灯改造",
        "goal": "年底前完成路灯改造",
        "claimed_on": date(2025, 3, 1),
        **fields,
    }
    with scopes_disabled():  # test setup
        return GroupProjectFactory(congress=tenant.congress, group=group, **values)


def photo_upload(name="photo.jpg", size=(2000, 1500)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"
    exif.get_ifd(0x8825)[2] = (32.0, 4.0, 0.0)  # a GPS latitude
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


# Claiming ----------------------------------------------------------------------------------


def test_staff_claim_a_project_for_any_group(tenant_a, groups, staff):
    page = staff.get(url(tenant_a, "new/"))
    assert "古城街道代表小组" in page.content.decode()
    assert "隆中街道代表小组" in page.content.decode()
    response = staff.post(
        url(tenant_a, "new/"),
        {
            "group": groups["longzhong"].pk,
            "year": "2025",
            "title": "隆中街道农村饮水安全提升",
            "goal": "解决3个村饮水问题",
            "budget": "35.5",
            "partners": "区水利局",
            "claimed_on": "2025-09-01",
        },
    )
    assert response.status_code == 302
    with tenant_a.scope():
        project = GroupProject.objects.get(title="隆中街道农村饮水安全提升")
        assert (project.status, str(project.budget), project.year) == ("claimed", "35.50", 2025)
        assert project.created_by == tenant_a.user(Role.COMMITTEE_STAFF)
        assert GroupProject.history.filter(id=project.pk).get().history_type == "+"


def test_the_leading_deputy_claims_for_their_group_only(tenant_a, groups, client_as):
    client = client_as(tenant_a.user(Role.DEPUTY))
    page = client.get(url(tenant_a, "new/")).content.decode()
    assert "古城街道代表小组" in page and "隆中街道代表小组" not in page
    data = {
        "year": "2025",
        "title": "为古城独居老人安装烟感报警器",
        "goal": "覆盖辖区独居老人200户",
        "claimed_on": "2025-09-01",
    }
    assert (
        client.post(url(tenant_a, "new/"), {**data, "group": groups["gucheng"].pk}).status_code
        == 302
    )
    refused = client.post(url(tenant_a, "new/"), {**data, "group": groups["longzhong"].pk})
    assert refused.status_code == 400
    assert "group" in refused.context["form"].errors
    with tenant_a.scope():
        assert list(
            GroupProject.objects.filter(title=data["title"]).values_list("group__name", flat=True)
        ) == ["古城街道代表小组"]


def test_a_deputy_who_leads_no_group_is_told_so(tenant_a, groups, client_as):
    page = client_as(groups["member_account"]).get(url(tenant_a, "new/"))
    assert page.status_code == 200
    assert "只有小组的组长" in page.content.decode()


def test_leaders_and_station_staff_cannot_claim(tenant_a, groups, client_as):
    assert client_as(tenant_a.user(Role.LEADER)).get(url(tenant_a, "new/")).status_code == 403
    assert client_as(tenant_a.user(Role.STATION_STAFF)).get(url(tenant_a)).status_code == 403


def test_bad_input_comes_back_with_a_chinese_message(tenant_a, groups, staff):
    _project(tenant_a, groups["gucheng"])
    response = staff.post(
        url(tenant_a, "new/"),
        {
            "group": groups["gucheng"].pk,
            "year": "2025",
            "title": "古城街道老旧小区路灯改造",
            "goal": "重复的项目",
            "budget": "-3",
            "claimed_on": "2025-09-01",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "重复的项目" in body
    assert "预算不能为负数" in body
    fixed = staff.post(
        url(tenant_a, "new/"),
        {
            "group": groups["gucheng"].pk,
            "year": "2025",
            "title": "古城街道老旧小区路灯改造",
            "goal": "重复的项目",
            "claimed_on": "2025-09-01",
        },
    )
    assert fixed.status_code == 400
    assert "该小组这一年度已有同名项目" in fixed.content.decode()


# Who manages a project ---------------------------------------------------------------------


def test_the_group_leader_manages_the_project_other_deputies_do_not(tenant_a, groups, client_as):
    project = _project(tenant_a, groups["gucheng"])
    leader = client_as(tenant_a.user(Role.DEPUTY))
    member = client_as(groups["member_account"])
    for suffix in ("edit/", "progress/", "close/", "drop/"):
        assert leader.get(url(tenant_a, f"{project.pk}/{suffix}")).status_code == 200
        assert member.get(url(tenant_a, f"{project.pk}/{suffix}")).status_code == 403
    # The member reads their group's project; neither deputy reads another group's.
    assert member.get(url(tenant_a, f"{project.pk}/")).status_code == 200
    theirs = groups["theirs"].pk
    assert leader.get(url(tenant_a, f"{theirs}/")).status_code == 403
    assert leader.get(url(tenant_a, f"{theirs}/edit/")).status_code == 403
    response = leader.post(
        url(tenant_a, f"{project.pk}/edit/"),
        {
            "year": "2025",
            "title": "古城街道老旧小区路灯改造（一期）",
            "goal": "年底前完成",
            "budget": "20",
            "partners": "区城管局",
            "claimed_on": "2025-03-01",
        },
    )
    assert response.status_code == 302
    with tenant_a.scope():
        project.refresh_from_db()
        assert project.title == "古城街道老旧小区路灯改造（一期）"
        assert project.history.first().history_user == tenant_a.user(Role.DEPUTY)


def test_deputies_see_their_groups_projects_staff_and_leaders_all(tenant_a, groups, client_as):
    mine = _project(tenant_a, groups["gucheng"])
    for user, expected in [
        (tenant_a.user(Role.DEPUTY), {mine.pk}),
        (groups["member_account"], {mine.pk}),
        (tenant_a.user(Role.LEADER), {mine.pk, groups["theirs"].pk}),
        (tenant_a.user(Role.COMMITTEE_STAFF), {mine.pk, groups["theirs"].pk}),
    ]:
        listed = client_as(user).get(url(tenant_a)).context["page"].object_list
        assert {project.pk for project in listed} == expected


# Progress and photos -----------------------------------------------------------------------


def test_progress_with_photos_cleaned_and_the_project_under_way(tenant_a, groups, client_as):
    project = _project(tenant_a, groups["gucheng"])
    client = client_as(tenant_a.user(Role.DEPUTY))
    form = client.get(url(tenant_a, f"{project.pk}/progress/")).content.decode()
    assert 'accept="image/*"' in form and 'capture="environment"' in form
    assert 'enctype="multipart/form-data"' in form
    response = client.post(
        url(tenant_a, f"{project.pk}/progress/"),
        {
            "date": "2025-09-18",
            "text": "施工队进场，完成20盏路灯基础施工。",
            "photo_1": photo_upload("one.jpg"),
            "photo_2": photo_upload("two.png"),
        },
    )
    assert response.status_code == 302
    with tenant_a.scope():
        project.refresh_from_db()
        assert project.status == ProjectStatus.IN_PROGRESS
        progress = ProjectProgress.objects.get(project=project)
        photos = list(ProgressPhoto.objects.filter(progress=progress))
        assert len(photos) == 2
        statuses = list(project.history.order_by("history_id").values_list("status", flat=True))
        assert statuses == ["claimed", "in_progress"]
    for photo in photos:
        assert photo.image.name.startswith("projects/2025/09/")
        with Image.open(photo.image.path) as stored:
            assert stored.format == "JPEG"
            assert max(stored.size) <= 1200
            assert not stored.getexif()
    page = client.get(url(tenant_a, f"{project.pk}/")).content.decode()
    assert "施工队进场" in page
    assert f"/c/{tenant_a.congress.slug}/projects/{project.pk}/photos/{photos[0].pk}/" in page
    assert "/media/" not in page


def test_a_photo_is_served_only_to_those_who_may_read_the_project(tenant_a, groups, client_as):
    project = _project(tenant_a, groups["gucheng"])
    with tenant_a.scope():
        progress = project_services.project_progress_add(
            actor=tenant_a.user(Role.COMMITTEE_STAFF),
            project=project,
            date=date(2025, 9, 1),
            text="开工",
            photos=[photo_upload()],
        )
        photo = progress.photos.get()
    photo_url = url(tenant_a, f"{project.pk}/photos/{photo.pk}/")
    for user in (
        tenant_a.user(Role.DEPUTY),
        groups["member_account"],
        tenant_a.user(Role.LEADER),
        tenant_a.user(Role.COMMITTEE_STAFF),
    ):
        response = client_as(user).get(photo_url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, max-age=3600"
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    with scopes_disabled():  # test setup: a deputy outside the group
        outsider = MembershipFactory(congress=tenant_a.congress, role=Role.DEPUTY).user
        DeputyFactory(congress=tenant_a.congress, user=outsider)
    assert client_as(outsider).get(photo_url).status_code == 403
    assert client_as(tenant_a.user(Role.STATION_STAFF)).get(photo_url).status_code == 403
    # The photo under another project's address is not found.
    other = url(tenant_a, f"{groups['theirs'].pk}/photos/{photo.pk}/")
    assert client_as(tenant_a.user(Role.COMMITTEE_STAFF)).get(other).status_code == 404


def test_a_file_that_is_not_a_photo_is_refused_and_the_text_kept(tenant_a, groups, staff):
    project = _project(tenant_a, groups["gucheng"])
    response = staff.post(
        url(tenant_a, f"{project.pk}/progress/"),
        {
            "date": "2025-09-18",
            "text": "完成基础施工",
            "photo_1": SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", "image/jpeg"),
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "文件不是可以识别的照片" in body
    assert "完成基础施工" in body
    with tenant_a.scope():
        assert not ProjectProgress.objects.exists()
        assert not ProgressPhoto.objects.exists()


def test_more_than_three_photos_and_bad_dates_are_refused(tenant_a, groups):
    project = _project(tenant_a, groups["gucheng"])
    actor = tenant_a.user(Role.COMMITTEE_STAFF)
    with tenant_a.scope():
        with pytest.raises(DomainError) as error:
            project_services.project_progress_add(
                actor=actor,
                project=project,
                date=date(2025, 9, 1),
                text="开工",
                photos=[photo_upload() for _n in range(4)],
            )
        assert error.value.field == "photos"
        for when in (date(2025, 9, 21), date(2025, 2, 1)):
            with pytest.raises(DomainError) as error:
                project_services.project_progress_add(
                    actor=actor, project=project, date=when, text="开工"
                )
            assert error.value.field == "date"
        assert not ProjectProgress.objects.exists()


# Closing and dropping ----------------------------------------------------------------------


def test_closing_a_project_records_outcome_date_and_history(tenant_a, groups, client_as):
    project = _project(tenant_a, groups["gucheng"])
    client = client_as(tenant_a.user(Role.DEPUTY))
    response = client.post(
        url(tenant_a, f"{project.pk}/close/"),
        {"outcome": "完成路灯改造120盏，群众满意率98%。", "closed_on": "2025-09-15"},
    )
    assert response.status_code == 302
    with tenant_a.scope():
        project.refresh_from_db()
        assert (project.status, project.closed_on) == (ProjectStatus.DONE, date(2025, 9, 15))
        change = project.history.first()
        assert change.history_changes["status"] == ["已认领", "已完成"]
        assert change.history_user == tenant_a.user(Role.DEPUTY)
    page = client.get(url(tenant_a, f"{project.pk}/")).content.decode()
    assert "完成路灯改造120盏" in page and "已完成" in page
    # A closed project is no longer changed, by anyone.
    edit = client.get(url(tenant_a, f"{project.pk}/edit/"), follow=True)
    assert "项目已结束" in edit.content.decode()
    with tenant_a.scope(), pytest.raises(DomainError):
        project_services.project_progress_add(
            actor=tenant_a.user(Role.COMMITTEE_STAFF),
            project=project,
            date=date(2025, 9, 16),
            text="x",
        )


def test_dropping_needs_a_reason(tenant_a, groups, staff):
    project = _project(tenant_a, groups["gucheng"])
    missing = staff.post(url(tenant_a, f"{project.pk}/drop/"), {"closed_on": "2025-09-15"})
    assert missing.status_code == 400
    assert "请说明放弃项目的原因" in missing.content.decode()
    response = staff.post(
        url(tenant_a, f"{project.pk}/drop/"),
        {"reason": "因规划调整由区政府统一实施", "closed_on": "2025-09-15"},
    )
    assert response.status_code == 302
    with tenant_a.scope():
        project.refresh_from_db()
        assert (project.status, project.outcome) == (
            ProjectStatus.DROPPED,
            "因规划调整由区政府统一实施",
        )


# The list and the groups without a project -------------------------------------------------


def test_the_list_shows_this_year_by_default_and_filters(tenant_a, groups, staff):
    this_year = _project(tenant_a, groups["gucheng"], status=ProjectStatus.DONE)
    last_year = _project(tenant_a, groups["gucheng"], year=2024, title="2024年项目")
    response = staff.get(url(tenant_a))
    assert response.context["year"] == 2025
    assert {p.pk for p in response.context["page"].object_list} == {
        this_year.pk,
        groups["theirs"].pk,
    }
    assert response.context["counts"]["total"] == 2
    assert response.context["counts"]["done"] == 1
    older = staff.get(url(tenant_a), {"year": "2024"}).context["page"].object_list
    assert [p.pk for p in older] == [last_year.pk]
    by_group = staff.get(url(tenant_a), {"group": groups["longzhong"].pk}).context["page"]
    assert [p.pk for p in by_group.object_list] == [groups["theirs"].pk]
    done = staff.get(url(tenant_a), {"status": "done"}).context["page"].object_list
    assert [p.pk for p in done] == [this_year.pk]
    assert staff.get(url(tenant_a), {"year": "二〇二五", "group": "x"}).status_code == 200


def test_the_list_runs_a_fixed_number_of_queries(tenant_a, groups, staff):
    def add(count):
        with scopes_disabled():  # test setup
            for _n in range(count):
                project = GroupProjectFactory(congress=tenant_a.congress, group=groups["gucheng"])
                ProjectProgress.objects.create(
                    congress=tenant_a.congress, project=project, date=date(2025, 5, 1), text="x"
                )

    add(2)
    staff.get(url(tenant_a))
    with CaptureQueriesContext(connection) as few:
        staff.get(url(tenant_a))
    add(30)
    with CaptureQueriesContext(connection) as many:
        response = staff.get(url(tenant_a))
    assert len(response.context["page"].object_list) == 33
    assert len(many) == len(few)


def test_groups_that_have_not_claimed_a_project_this_year(tenant_a, groups, staff, client_as):
    with scopes_disabled():  # test setup
        DeputyGroupFactory(congress=tenant_a.congress, name="文化旅游代表小组", kind="professional")
    _project(tenant_a, groups["gucheng"], year=2024, title="去年的项目")
    response = staff.get(url(tenant_a, "unclaimed/"))
    assert [g.name for g in response.context["groups"]] == ["古城街道代表小组", "文化旅游代表小组"]
    body = response.content.decode()
    assert "张桂芳" in body
    # A dropped project does not count as the year's project.
    with tenant_a.scope():
        project_services.project_drop(
            actor=tenant_a.user(Role.COMMITTEE_STAFF), project=groups["theirs"], reason="资金未落实"
        )
    names = [g.name for g in staff.get(url(tenant_a, "unclaimed/")).context["groups"]]
    assert "隆中街道代表小组" in names
    last_year = staff.get(url(tenant_a, "unclaimed/"), {"year": "2024"}).context["groups"]
    assert "古城街道代表小组" not in [g.name for g in last_year]
    assert client_as(tenant_a.user(Role.LEADER)).get(url(tenant_a, "unclaimed/")).status_code == 200
    assert client_as(tenant_a.user(Role.DEPUTY)).get(url(tenant_a, "unclaimed/")).status_code == 403


def test_the_groups_without_a_project_are_found_in_one_query(tenant_a, groups):
    with scopes_disabled():  # test setup
        for _n in range(10):
            GroupMembershipFactory(group=DeputyGroupFactory(congress=tenant_a.congress))
    with tenant_a.scope(), CaptureQueriesContext(connection) as queries:
        found = list(project_selectors.groups_without_project(year=2025))
        leaders = [group.leader for group in found]
        members = [group.member_count for group in found]
    assert len(found) == 11 and len(leaders) == len(members) == 11
    assert len(queries) == 1


# The demo ----------------------------------------------------------------------------------


def test_the_filters_answer_htmx_with_the_table_only(tenant_a, groups, staff):
    response = staff.get(
        url(tenant_a), {"status": "claimed"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="project-table"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="project-table">')
    assert "<html" not in body and "隆中街道背街小巷道路硬化" in body


def test_an_edit_from_an_out_of_date_copy_cannot_reopen_a_closed_project(tenant_a):
    """Two people at once: one closes the project while the other still has the old page."""
    from django_scopes import scopes_disabled

    from congress.errors import DomainError
    from liaison import project_services
    from liaison.models import GroupProject, ProjectStatus
    from tests.factories import GroupProjectFactory

    staff = tenant_a.user(Role.COMMITTEE_STAFF)
    with scopes_disabled():  # test setup
        project = GroupProjectFactory(congress=tenant_a.congress)
    with tenant_a.scope():
        stale = GroupProject.objects.get(pk=project.pk)
        project_services.project_close(
            actor=staff,
            project=GroupProject.objects.get(pk=project.pk),
            closed_on=project.claimed_on,
            outcome="路面已硬化",
        )
        with pytest.raises(DomainError):
            project_services.project_update(actor=staff, project=stale, title="新标题")
        current = GroupProject.objects.get(pk=project.pk)
    assert current.status == ProjectStatus.DONE
    assert current.outcome == "路面已硬化"
