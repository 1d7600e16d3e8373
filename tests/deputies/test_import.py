"""Roster import from Excel: template, upload, preview with row errors, all-or-nothing commit,
re-import, every kind of bad file, and queries that do not grow with the file."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled
from openpyxl import Workbook, load_workbook

from congress.models import Role
from deputies import importers
from deputies.importers import HEADERS
from deputies.models import Deputy, RosterImport, RosterImportStatus
from liaison.models import GroupMembership
from tests.factories import DeputyFactory, DeputyGroupFactory, GroupMembershipFactory

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# --- Building roster files -------------------------------------------------------------------


def roster_row(**values) -> list:
    """A valid row in the template's column order; keyword arguments replace cells by key."""
    row = {
        "name": "张桂芳",
        "gender": "女",
        "ethnicity": "汉族",
        "birth_date": "1975-03-08",
        "party": "中共党员",
        "occupation_class": "专业技术人员",
        "workplace_title": "襄城区第一中学校长",
        "phone": "13971000001",
        "level": "县级代表",
        "term": 17,
        "electoral_district": "第三选区",
        "groups": "",
    }
    row.update(values)
    return [row[column.key] for column in importers.COLUMNS]


def people(count: int, start: int = 0) -> list[list]:
    """`count` distinct valid rows."""
    surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
    given = "建国秀兰桂芳志强海燕文华明远丽娟春梅国庆玉兰德胜红霞晓东永红"
    return [
        roster_row(
            name=surnames[n % len(surnames)] + given[(n * 7) % len(given)] + given[n % 11],
            phone=f"139{n:08d}",
            birth_date=f"{1950 + n % 40}-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
        )
        for n in range(start, start + count)
    ]


def roster_file(rows: list[list], headers=HEADERS, before: list[list] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "代表名册"
    for extra in before or []:
        sheet.append(extra)
    if headers:
        sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def patch_sheet(content: bytes, old: bytes, new: bytes) -> bytes:
    """Rewrite the first worksheet's XML (for cells openpyxl cannot write, like cached formulas)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                assert old in data
                data = data.replace(old, new, 1)
            target.writestr(member.filename, data)
    return output.getvalue()


def fake_zip(members: dict[str, bytes]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return output.getvalue()


# --- Driving the pages ----------------------------------------------------------------------


def base(tenant) -> str:
    return f"/c/{tenant.congress.slug}/deputies/import/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def staff(tenant_a, client_as):
    return client_as(tenant_a.user(Role.COMMITTEE_STAFF))


@pytest.fixture
def groups(tenant_a):
    with scopes_disabled():  # test setup
        return {
            name: DeputyGroupFactory(congress=tenant_a.congress, name=name)
            for name in ("古城街道代表小组", "教育卫生专业小组", "乡村振兴专业小组")
        }


def upload(client, tenant, content: bytes, capture, name: str = "名册.xlsx"):
    """Post a file as the upload form does; the preview job runs when the request commits."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    with capture(execute=True):
        response = client.post(base(tenant), {"file": SimpleUploadedFile(name, content, XLSX)})
    return response


def latest_import(tenant) -> RosterImport:
    with tenant.scope():
        return RosterImport.objects.order_by("-pk").first()


def confirm(client, tenant, roster_import, capture):
    """Confirm, let the commit job run, then open the page the button leads to."""
    with capture(execute=True):
        response = client.post(f"{base(tenant)}{roster_import.pk}/confirm/")
    assert response.status_code == 302
    return client.get(response["Location"])


def preview(client, tenant, roster_import, **params):
    return client.get(f"{base(tenant)}{roster_import.pk}/", params)


def deputies(tenant) -> list[Deputy]:
    with tenant.scope():
        return list(Deputy.objects.order_by("phone"))


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- The template ---------------------------------------------------------------------------


def test_the_template_has_the_columns_dropdowns_an_example_and_a_guide(staff, tenant_a, groups):
    response = staff.get(f"{base(tenant_a)}template/")

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E4%BB%A3%E8%A1%A8%E5%90%8D%E5%86%8C" in disposition  # 代表名册
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert sheet.title == "代表名册"
    assert [cell.value for cell in sheet[1]] == list(HEADERS)
    assert sheet.freeze_panes == "A2"
    example = [cell.value for cell in sheet[2]]
    assert example[0] == importers.EXAMPLE_NAME
    assert example[3] == datetime(1975, 3, 8)
    validated = {str(rule.sqref).split(":")[0][0] for rule in sheet.data_validations.dataValidation}
    # 代表层级 I, 性别 B, 政治面貌 E, 职业类别 F, 民族 C
    assert validated == {"I", "B", "E", "F", "C"}
    lists = workbook.worksheets[2]
    assert lists.sheet_state == "hidden"
    list_values = {cell.value for row in lists.iter_rows() for cell in row}
    assert {"男", "女", "中共党员", "汉族", "基诺族"} <= list_values
    guide = workbook.worksheets[1]
    assert guide.title == "填写说明"
    guide_text = " ".join(str(cell.value) for row in guide.iter_rows() for cell in row)
    assert "出生日期" in guide_text and "必填" in guide_text
    assert "1975年3月8日" in guide_text


def test_the_template_left_as_it_is_imports_nothing(
    staff, tenant_a, groups, django_capture_on_commit_callbacks
):
    template = staff.get(f"{base(tenant_a)}template/").content

    upload(staff, tenant_a, template, django_capture_on_commit_callbacks)

    roster_import = latest_import(tenant_a)
    assert roster_import.summary["file_error"] == "文件中没有代表：请在表头下至少填写一行。"
    assert deputies(tenant_a) == []


# --- The happy path -------------------------------------------------------------------------


def test_upload_preview_confirm_creates_the_deputies_with_history(
    staff, tenant_a, groups, django_capture_on_commit_callbacks
):
    content = roster_file(
        [
            roster_row(groups="古城街道代表小组、教育卫生专业小组"),
            roster_row(
                name="赵建国",
                gender="男",
                ethnicity="回族",
                birth_date="1968/11/2",
                party="无党派人士",
                occupation_class="农民",
                workplace_title="尹集乡姚庵村党支部书记",
                phone="13971000002",
                level="市级代表",
                term="第十七届",
                electoral_district="尹集乡",
                groups="乡村振兴专业小组",
            ),
            roster_row(name="王秀兰", phone="", birth_date="", party="", occupation_class=""),
        ]
    )

    response = upload(staff, tenant_a, content, django_capture_on_commit_callbacks)

    roster_import = latest_import(tenant_a)
    assert response.status_code == 302
    assert response["Location"] == f"{base(tenant_a)}{roster_import.pk}/"
    assert roster_import.summary["counts"] == {
        "create": 3,
        "update": 0,
        "unchanged": 0,
        "error": 0,
        "total": 3,
    }
    assert deputies(tenant_a) == []  # a preview changes nothing
    page = preview(staff, tenant_a, roster_import)
    text = page_text(page)
    assert page.status_code == 200
    assert "赵建国" in text and "市级人大代表" in text and "乡村振兴专业小组" in text
    assert 'hx-trigger="every 1s"' not in text
    assert (
        "确认导入" in text and "disabled" not in text.split("确认导入")[0].rsplit("<button", 1)[1]
    )
    # The uploaded file is not kept once it has been read.
    assert not any((importers.settings.MEDIA_ROOT / "imports").rglob("*.xlsx"))

    done = confirm(staff, tenant_a, roster_import, django_capture_on_commit_callbacks)

    assert done.status_code == 200
    assert "已导入：新增代表3名，更新0名，加入代表小组3人次。" in page_text(done)
    created = {deputy.name: deputy for deputy in deputies(tenant_a)}
    assert set(created) == {"张桂芳", "赵建国", "王秀兰"}
    zhao = created["赵建国"]
    assert (zhao.gender, zhao.ethnicity, zhao.birth_date) == ("male", "回族", date(1968, 11, 2))
    assert (zhao.party, zhao.occupation_class, zhao.level) == ("independent", "farmer", "city")
    assert (zhao.term, zhao.phone, zhao.electoral_district) == (17, "13971000002", "尹集乡")
    assert zhao.workplace_title == "尹集乡姚庵村党支部书记"
    assert (zhao.name_pinyin, zhao.name_initials) == ("zhaojianguo", "zjg")
    wang = created["王秀兰"]
    assert (wang.phone, wang.birth_date, wang.party) == ("", None, "")
    with tenant_a.scope():
        history = list(zhao.history.all())
        assert len(history) == 1
        assert history[0].history_type == "+"
        assert history[0].history_user == tenant_a.user(Role.COMMITTEE_STAFF)
        assert history[0].history_changes["name"] == ["", "赵建国"]
        assert history[0].history_changes["level"] == ["", "市级人大代表"]
        memberships = set(GroupMembership.objects.values_list("deputy__name", "group__name"))
        assert memberships == {
            ("张桂芳", "古城街道代表小组"),
            ("张桂芳", "教育卫生专业小组"),
            ("赵建国", "乡村振兴专业小组"),
        }
        assert GroupMembership.history.filter(history_type="+").count() == 3
        roster_import.refresh_from_db()
    assert roster_import.status == RosterImportStatus.COMMITTED
    assert roster_import.committed_at is not None
    assert roster_import.summary["committed"]["create"] == 3


def test_reimporting_the_same_file_changes_nothing(
    staff, tenant_a, groups, django_capture_on_commit_callbacks
):
    content = roster_file([*people(3), roster_row(groups="古城街道代表小组")])
    upload(staff, tenant_a, content, django_capture_on_commit_callbacks)
    confirm(staff, tenant_a, latest_import(tenant_a), django_capture_on_commit_callbacks)
    before = {deputy.pk: deputy.updated_at for deputy in deputies(tenant_a)}

    upload(staff, tenant_a, content, django_capture_on_commit_callbacks)
    again = latest_import(tenant_a)

    assert again.summary["counts"] == {
        "create": 0,
        "update": 0,
        "unchanged": 4,
        "error": 0,
        "total": 4,
    }
    confirm(staff, tenant_a, again, django_capture_on_commit_callbacks)
    assert {deputy.pk: deputy.updated_at for deputy in deputies(tenant_a)} == before
    with tenant_a.scope():
        assert Deputy.history.count() == 4
        assert GroupMembership.objects.count() == 1


def test_reimporting_an_edited_file_updates_only_what_changed(
    staff, tenant_a, groups, django_capture_on_commit_callbacks
):
    rows = people(3)
    upload(staff, tenant_a, roster_file(rows), django_capture_on_commit_callbacks)
    confirm(staff, tenant_a, latest_import(tenant_a), django_capture_on_commit_callbacks)
    name = rows[1][0]
    rows[1][6] = "襄城区人民医院院长"  # 单位职务
    rows[1][11] = "教育卫生专业小组"  # 所在代表小组

    upload(staff, tenant_a, roster_file(rows), django_capture_on_commit_callbacks)
    edited = latest_import(tenant_a)

    assert edited.summary["counts"]["update"] == 1
    assert edited.summary["counts"]["unchanged"] == 2
    text = page_text(preview(staff, tenant_a, edited, show="update"))
    assert name in text
    assert "单位职务：<del>襄城区第一中学校长</del> → 襄城区人民医院院长" in text
    assert "加入代表小组：教育卫生专业小组" in text

    confirm(staff, tenant_a, edited, django_capture_on_commit_callbacks)

    with tenant_a.scope():
        changed = Deputy.objects.get(name=name)
        assert changed.workplace_title == "襄城区人民医院院长"
        latest = changed.history.order_by("-history_id").first()
        assert latest.history_type == "~"
        assert latest.history_user == tenant_a.user(Role.COMMITTEE_STAFF)
        assert latest.history_changes == {
            "workplace_title": ["襄城区第一中学校长", "襄城区人民医院院长"]
        }
        assert Deputy.history.filter(history_type="~").count() == 1
        assert list(GroupMembership.objects.values_list("deputy__name", "group__name")) == [
            (name, "教育卫生专业小组")
        ]


def test_a_deputy_is_matched_by_name_and_birth_date_when_the_phone_is_new(
    staff, tenant_a, groups, django_capture_on_commit_callbacks
):
    with scopes_disabled():  # test setup
        existing = DeputyFactory(
            congress=tenant_a.congress,
            name="张桂芳",
            birth_date=date(1975, 3, 8),
            phone="13900000099",
        )
        GroupMembershipFactory(group=groups["古城街道代表小组"], deputy=existing)

    upload(
        staff,
        tenant_a,
        roster_file([roster_row(phone="13971000001", groups="教育卫生专业小组")]),
        django_capture_on_commit_callbacks,
    )
    confirm(staff, tenant_a, latest_import(tenant_a), django_capture_on_commit_callbacks)

    [deputy] = deputies(tenant_a)
    assert deputy.pk == existing.pk
    assert deputy.phone == "13971000001"
    with tenant_a.scope():
        # Memberships that are not in the file are kept.
        assert set(GroupMembership.objects.values_list("group__name", flat=True)) == {
            "古城街道代表小组",
            "教育卫生专业小组",
        }


@pytest.mark.parametrize(
    ("column", "written", "stored"),
    [
        ("level", "县级", "county"),
        ("level", "区级", "county"),
        ("level", "县级人大代表", "county"),
        ("level", "全国人大代表", "national"),
        ("level", "乡镇级", "township"),
        ("party", "中国共产党党员", "cpc"),
        ("party", "党员", "cpc"),
        ("party", "九三学社", "jiusan"),
        ("gender", "女性", "female"),
        ("ethnicity", "回", "回族"),
        ("ethnicity", "", "汉族"),
        ("term", "十七", 17),
        ("term", "第17届", 17),
        ("term", 17.0, 17),
        ("phone", 13971000001, "13971000001"),
        ("phone", "139 7100 0001", "13971000001"),
        ("name", "张  芳", "张芳"),
    ],
)
def test_common_ways_of_writing_are_understood(column, written, stored):
    read = importers.read_roster(roster_file([roster_row(**{column: written})]))
    assert read.errors == []
    assert read.rows[0]["values"][column] == stored


@pytest.mark.parametrize(
    "written",
    ["1975-03-08", "1975/3/8", "1975.3.8", "1975年3月8日", datetime(1975, 3, 8), 27461],
)
def test_dates_are_accepted_as_text_real_dates_and_excel_day_numbers(written):
    read = importers.read_roster(roster_file([roster_row(birth_date=written)]))
    assert read.errors == []
    assert read.rows[0]["values"]["birth_date"] == "1975-03-08"


@pytest.mark.parametrize(
    "written", ["75-3-8", "1975-13-01", "3月8日", "1975/3/8 10:00", "19750308"]
)
def test_other_dates_are_refused_naming_the_row_and_column(written):
    read = importers.read_roster(roster_file([roster_row(), roster_row(birth_date=written)]))
    [error] = read.errors
    assert error["line"] == 3
    assert error["message"].startswith("第3行“出生日期”：")
    assert "1975-03-08" in error["message"]


# --- Row errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (roster_row(birth_date="1975-02-30"), "第2行“出生日期”：“1975-02-30”不是有效日期"),
        (roster_row(birth_date="2999-01-01"), "第2行“出生日期”：2999-01-01 不是合理的出生日期"),
        (roster_row(level="村级"), "第2行“代表层级”：“村级”无法识别，可填：全国人大代表"),
        (roster_row(level=""), "第2行“代表层级”：必须填写"),
        (roster_row(name=""), "第2行“姓名”：必须填写"),
        (roster_row(gender="未知"), "第2行“性别”：“未知”无法识别，可填：男、女"),
        (roster_row(phone="1397100000"), "第2行“手机号”：“1397100000”不是11位手机号"),
        (roster_row(ethnicity="火星族"), "第2行“民族”：“火星族”不是56个民族之一"),
        (roster_row(term="十七届人大"), "第2行“届次”：“十七届人大”不是届次数字"),
        (roster_row(term=0), "第2行“届次”：“0”不是届次数字"),
        (roster_row(groups="不存在的小组"), "第2行“所在代表小组”：代表小组“不存在的小组”不存在"),
        (roster_row(workplace_title="长" * 201), "第2行“单位职务”：内容过长，最多200个字"),
        (roster_row(party="#N/A"), "第2行“政治面貌”：单元格显示 Excel 错误 #N/A"),
    ],
)
def test_each_bad_row_gets_a_chinese_message_and_blocks_the_import(
    row, message, staff, tenant_a, groups, django_capture_on_commit_callbacks
):
    upload(staff, tenant_a, roster_file([row, *people(2)]), django_capture_on_commit_callbacks)
    roster_import = latest_import(tenant_a)

    assert roster_import.summary["counts"]["error"] == 1
    assert roster_import.summary["counts"]["create"] == 2
    assert any(error["message"].startswith(message) for error in roster_import.errors), (
        roster_import.errors
    )
    page = preview(staff, tenant_a, roster_import)
    text = page_text(page)
    assert message in text
    button = text.split("确认导入")[0].rsplit("<button", 1)[1]
    assert "disabled" in button
    assert "1行有错误" in text

    refused = confirm(staff, tenant_a, roster_import, django_capture_on_commit_callbacks)

    assert "没有导入任何数据：请改正有错误的行后重新上传文件。" in page_text(refused)
    assert deputies(tenant_a) == []


def test_a_phone_twice_in_the_file_is_an_error_on_the_second_row(
    staff, tenant_a, django_capture_on_commit_callbacks
):
    rows = [roster_row(), roster_row(name="赵建国", birth_date="1968-01-01")]
    upload(staff, tenant_a, roster_file(rows), django_capture_on_commit_callbacks)

    [error] = latest_import(tenant_a).errors
    assert error["line"] == 3
    assert error["message"] == "第3行“手机号”：手机号 13971000001 与第2行重复"


def test_a_phone_of_another_deputy_on_the_roster_is_an_error(
    staff, tenant_a, django_capture_on_commit_callbacks
):
    with scopes_disabled():  # test setup
        DeputyFactory(congress=tenant_a.congress, name="李明远", phone="13971000001")
    upload(staff, tenant_a, roster_file([roster_row()]), django_capture_on_commit_callbacks)

    [error] = latest_import(tenant_a).errors
    assert error["message"] == "第2行“手机号”：手机号 13971000001 已属于名册中的另一位代表李明远"


def test_two_rows_for_one_deputy_are_an_error(staff, tenant_a, django_capture_on_commit_callbacks):
    rows = [roster_row(phone=""), roster_row(phone="")]
    upload(staff, tenant_a, roster_file(rows), django_capture_on_commit_callbacks)

    [error] = latest_import(tenant_a).errors
    assert error["message"] == "第3行“姓名”：与第2行是同一位代表"


def test_the_preview_lists_only_the_rows_with_errors_when_asked(
    staff, tenant_a, django_capture_on_commit_callbacks
):
    rows = [*people(3), roster_row(name="", phone="13971000999")]
    upload(staff, tenant_a, roster_file(rows), django_capture_on_commit_callbacks)

    response = preview(staff, tenant_a, latest_import(tenant_a), show="error")

    assert [entry["row"]["line"] for entry in response.context["entries"]] == [5]


# --- All or nothing, once only --------------------------------------------------------------


def test_an_import_is_committed_once(staff, tenant_a, django_capture_on_commit_callbacks):
    upload(staff, tenant_a, roster_file(people(2)), django_capture_on_commit_callbacks)
    roster_import = latest_import(tenant_a)
    confirm(staff, tenant_a, roster_import, django_capture_on_commit_callbacks)

    again = confirm(staff, tenant_a, roster_import, django_capture_on_commit_callbacks)

    assert "这个文件已经导入，不能重复导入。" in page_text(again)
    assert len(deputies(tenant_a)) == 2


def test_a_roster_changed_since_the_preview_refuses_the_whole_import(
    staff, tenant_a, django_capture_on_commit_callbacks
):
    rows = people(3)
    upload(staff, tenant_a, roster_file(rows), django_capture_on_commit_callbacks)
    roster_import = latest_import(tenant_a)
    with scopes_disabled():  # someone adds a different deputy with a phone of the file meanwhile
        DeputyFactory(congress=tenant_a.congress, name="欧阳明远", phone=rows[2][7])

    response = confirm(staff, tenant_a, roster_import, django_capture_on_commit_callbacks)

    text = page_text(response)
    assert "没有导入任何数据：预览之后名册有了变化，有1行与名册冲突，已在下方标出。" in text
    assert "已属于名册中的另一位代表欧阳明远" in text
    assert [deputy.name for deputy in deputies(tenant_a)] == ["欧阳明远"]
    roster_import = latest_import(tenant_a)
    assert roster_import.status == RosterImportStatus.PREVIEWED
    assert "disabled" in text.split("确认导入")[0].rsplit("<button", 1)[1]


def test_a_failure_half_way_leaves_the_roster_untouched(
    staff, tenant_a, django_capture_on_commit_callbacks, monkeypatch
):
    upload(staff, tenant_a, roster_file(people(3)), django_capture_on_commit_callbacks)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    # The deputies are written first; the memberships step then fails.
    monkeypatch.setattr(GroupMembership.objects, "bulk_create", broken)
    response = confirm(staff, tenant_a, latest_import(tenant_a), django_capture_on_commit_callbacks)

    assert "导入失败，名册没有任何改动。可以重试。" in page_text(response)
    assert deputies(tenant_a) == []
    assert latest_import(tenant_a).status == RosterImportStatus.PREVIEWED


def test_a_discarded_upload_cannot_be_confirmed(
    staff, tenant_a, django_capture_on_commit_callbacks
):
    upload(staff, tenant_a, roster_file(people(2)), django_capture_on_commit_callbacks)
    roster_import = latest_import(tenant_a)

    discarded = staff.post(f"{base(tenant_a)}{roster_import.pk}/discard/", follow=True)
    refused = confirm(staff, tenant_a, roster_import, django_capture_on_commit_callbacks)

    assert "已放弃" in page_text(discarded)
    assert "这次上传已放弃，如需导入请重新上传文件。" in page_text(refused)
    assert deputies(tenant_a) == []
    assert latest_import(tenant_a).status == RosterImportStatus.DISCARDED


# --- Bad files ------------------------------------------------------------------------------


def sheet_bomb(size: int) -> bytes:
    return fake_zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b" " * size,
        }
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "文件是空的。"),
        (b"%PDF-1.7 not a spreadsheet", "这个文件不是 Excel 工作簿（.xlsx）"),
        ("姓名,性别\n张桂芳,女\n".encode(), "这个文件不是 Excel 工作簿（.xlsx）"),
        (importers.OLE_SIGNATURE + b"\0" * 600, "这是旧版 Excel 97-2003（.xls）文件"),
        (fake_zip({"word/document.xml": b"<w/>"}), "这个文件不是 Excel 工作簿（.xlsx）"),
        (b"PK\x03\x04 broken", "文件已损坏，无法作为工作簿读取。"),
        (sheet_bomb(60 * 1024 * 1024), "文件解压后超过50 MB或压缩比异常"),
        (sheet_bomb(3 * 1024 * 1024), "文件解压后超过50 MB或压缩比异常"),
        (b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024 + 1), "文件超过5 MB"),
        # Far over the limit: refused from the request's length, before the body is read.
        (b"PK\x03\x04" + b"\0" * (6 * 1024 * 1024), "文件超过5 MB"),
    ],
    ids=[
        "empty",
        "pdf",
        "csv",
        "xls",
        "docx",
        "broken-zip",
        "zip-bomb",
        "ratio",
        "too-large",
        "far-too-large",
    ],
)
def test_a_file_that_is_not_a_usable_workbook_is_refused_at_once(
    content, message, staff, tenant_a, django_capture_on_commit_callbacks
):
    response = upload(
        staff, tenant_a, content, django_capture_on_commit_callbacks, name="名册.xlsx"
    )

    assert response.status_code == 200
    assert message in page_text(response)
    with tenant_a.scope():
        assert not RosterImport.objects.exists()
    assert deputies(tenant_a) == []


def test_the_zip_checks_run_before_the_workbook_is_opened(monkeypatch):
    opened = []
    monkeypatch.setattr(importers, "load_workbook", lambda *a, **k: opened.append(a))
    with pytest.raises(importers.ImportFileError):
        importers.check_workbook_file(io.BytesIO(sheet_bomb(60 * 1024 * 1024)))
    assert opened == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (roster_file([]), "文件中没有代表：请在表头下至少填写一行。"),
        (roster_file([], headers=None), "工作表是空的：既没有表头也没有代表。"),
        (
            roster_file(people(1), headers=["姓名", "性别", "民族", "出生日期", "手机号"]),
            "表头缺少以下列：政治面貌、职业类别、单位职务、代表层级、届次、选区或原选举单位、所在代表小组。",
        ),
        (
            roster_file([["张桂芳", "女"]], headers=["名字", "性"]),
            "表头缺少以下列：姓名、性别、民族、出生日期",
        ),
    ],
    ids=["no-rows", "empty-sheet", "missing-headers", "wrong-headers"],
)
def test_a_workbook_without_a_usable_roster_is_refused_with_the_reason(
    content, message, staff, tenant_a, django_capture_on_commit_callbacks
):
    upload(staff, tenant_a, content, django_capture_on_commit_callbacks)

    roster_import = latest_import(tenant_a)
    assert message in roster_import.summary["file_error"]
    text = page_text(preview(staff, tenant_a, roster_import))
    assert message in text
    assert "没有导入任何数据。" in text
    assert "确认导入" not in text
    assert deputies(tenant_a) == []


def test_a_title_line_above_the_header_is_fine():
    read = importers.read_roster(roster_file(people(2), before=[["襄城区人大代表名册"], []]))
    assert read.errors == []
    assert [row["line"] for row in read.rows] == [4, 5]


def test_twenty_thousand_rows_are_refused_naming_the_limit(
    staff, tenant_a, django_capture_on_commit_callbacks
):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("代表名册")
    sheet.append(list(HEADERS))
    row = roster_row(phone="")
    for _ in range(20_000):
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)

    upload(staff, tenant_a, output.getvalue(), django_capture_on_commit_callbacks)

    roster_import = latest_import(tenant_a)
    assert roster_import.summary["file_error"] == (
        "文件中的代表超过10000行。请拆分成每个不超过10000行的文件。"
    )
    assert roster_import.rows == []
    assert deputies(tenant_a) == []


def test_a_formula_without_a_calculated_value_is_an_error_on_its_row():
    rows = people(2)
    rows[1][9] = "=10+7"  # openpyxl saves formulas without a calculated value
    read = importers.read_roster(roster_file(rows))

    [error] = read.errors
    assert error["message"] == (
        "第3行“届次”：单元格是公式且没有计算结果，请直接填写数值，或用 Excel 打开后重新保存"
    )


def test_a_formula_with_its_calculated_value_reads_the_value():
    content = roster_file(people(1))
    content = patch_sheet(
        content, b'<c r="J2" t="n"><v>17</v>', b'<c r="J2" t="n"><f>10+7</f><v>17</v>'
    )
    read = importers.read_roster(content)
    assert read.errors == []
    assert read.rows[0]["values"]["term"] == 17


# --- Permissions and queries ----------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.LEADER, Role.STATION_STAFF, Role.DEPUTY, Role.UNIT_LIAISON])
def test_only_committee_staff_import(role, tenant_a, client_as, django_capture_on_commit_callbacks):
    client = client_as(tenant_a.user(role))
    with scopes_disabled():  # test setup
        roster_import = RosterImport.objects.create(
            congress=tenant_a.congress, file_name="名册.xlsx", summary={}
        )
    assert client.get(base(tenant_a)).status_code == 403
    assert client.get(f"{base(tenant_a)}template/").status_code == 403
    assert client.get(f"{base(tenant_a)}{roster_import.pk}/").status_code == 403
    assert (
        upload(
            client, tenant_a, roster_file(people(1)), django_capture_on_commit_callbacks
        ).status_code
        == 403
    )
    assert client.post(f"{base(tenant_a)}{roster_import.pk}/confirm/").status_code == 403
    assert client.post(f"{base(tenant_a)}{roster_import.pk}/discard/").status_code == 403
    with tenant_a.scope():
        assert RosterImport.objects.count() == 1


def test_an_import_of_another_congress_is_not_found(tenant_a, tenant_b, client_as):
    with scopes_disabled():  # test setup
        theirs = RosterImport.objects.create(congress=tenant_b.congress, file_name="b.xlsx")
    client = client_as(tenant_a.user(Role.COMMITTEE_ADMIN))
    assert client.get(f"{base(tenant_a)}{theirs.pk}/").status_code == 404
    assert client.post(f"{base(tenant_a)}{theirs.pk}/confirm/").status_code == 404


def _preview_queries(tenant, count: int) -> int:
    content = roster_file(people(count))
    with scopes_disabled():  # test setup
        roster_import = RosterImport.objects.create(congress=tenant.congress, file_name="x.xlsx")
    with tenant.scope(), CaptureQueriesContext(connection) as queries:
        importers.roster_import_preview(
            roster_import=roster_import, data=content, progress=lambda *args: None
        )
    return len(queries)


def test_the_preview_runs_the_same_queries_for_50_rows_as_for_500(tenant_a, groups):
    with scopes_disabled():  # some deputies already on the roster
        for row in people(20, start=1000):
            DeputyFactory(congress=tenant_a.congress, name=row[0], phone=row[7])
    assert _preview_queries(tenant_a, 50) == _preview_queries(tenant_a, 500)


def test_the_commit_runs_the_same_queries_for_few_rows_as_for_many(
    tenant_a, staff, groups, django_capture_on_commit_callbacks
):
    def commit_queries(rows):
        upload(staff, tenant_a, roster_file(rows), django_capture_on_commit_callbacks)
        roster_import = latest_import(tenant_a)
        with tenant_a.scope(), CaptureQueriesContext(connection) as queries:
            importers.roster_import_commit(
                roster_import_id=roster_import.pk, actor=tenant_a.user(Role.COMMITTEE_STAFF)
            )
        return len(queries)

    def in_a_group(rows):
        for row in rows:
            row[11] = "古城街道代表小组"
        return rows

    # Both fit in one batch of writes, so the count must not depend on the number of rows.
    few = commit_queries(in_a_group(people(3)))
    many = commit_queries(in_a_group(people(30, start=100)))
    assert few == many


def test_the_list_of_earlier_imports_runs_fixed_queries(tenant_a, staff):
    def create(start, count):
        with scopes_disabled():  # test setup
            for n in range(start, start + count):
                RosterImport.objects.create(
                    congress=tenant_a.congress,
                    file_name=f"名册{n}.xlsx",
                    created_by=tenant_a.user(Role.COMMITTEE_STAFF),
                    summary={"counts": {"create": n, "update": 0, "unchanged": 0, "error": 0}},
                )

    create(0, 2)
    staff.get(base(tenant_a))  # the first request of a session also writes the session
    with CaptureQueriesContext(connection) as few:
        first = staff.get(base(tenant_a))
    create(2, 10)
    with CaptureQueriesContext(connection) as many:
        second = staff.get(base(tenant_a))

    assert first.status_code == second.status_code == 200
    assert "名册11.xlsx" in page_text(second)
    assert len(few) == len(many) <= 8


def test_the_preview_page_runs_fixed_queries(staff, tenant_a, django_capture_on_commit_callbacks):
    def page_queries(rows):
        upload(staff, tenant_a, roster_file(rows), django_capture_on_commit_callbacks)
        detail = f"{base(tenant_a)}{latest_import(tenant_a).pk}/"
        staff.get(detail)  # the first request of a session also writes the session
        with CaptureQueriesContext(connection) as queries:
            response = staff.get(detail)
        assert len(response.context["entries"]) == min(len(rows), 100)
        return len(queries)

    assert page_queries(people(5)) == page_queries(people(150, start=1000))


def test_the_preview_page_polls_while_the_check_runs_and_stops_when_done(
    staff, tenant_a, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # The job is sent only after the request commits; without running it, it is still queued.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        staff.post(
            base(tenant_a),
            {"file": SimpleUploadedFile("名册.xlsx", roster_file(people(2)), XLSX)},
        )
    roster_import = latest_import(tenant_a)
    detail = f"{base(tenant_a)}{roster_import.pk}/"

    waiting = staff.get(detail)
    fragment = staff.get(detail, headers={"HX-Request": "true", "HX-Target": "import-body"})

    assert 'hx-trigger="every 1s"' in page_text(waiting)
    assert "正在检查文件" in page_text(waiting)
    assert f'href="{detail}"' in page_text(waiting)  # without JavaScript: a link to refresh
    assert page_text(fragment).strip().startswith('<div id="import-body"')
    assert "<html" not in page_text(fragment)

    for callback in callbacks:
        callback()
    finished = staff.get(detail, headers={"HX-Request": "true", "HX-Target": "import-body"})

    assert 'hx-trigger="every 1s"' not in page_text(finished)
    assert "确认导入" in page_text(finished)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_checks_and_imports_an_upload(tenant_a, client_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.worker import real_worker, wait_for

    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    with real_worker():
        response = client.post(
            base(tenant_a), {"file": SimpleUploadedFile("名册.xlsx", roster_file(people(4)), XLSX)}
        )
        assert response.status_code == 302

        def checked():
            """the preview job to finish"""
            roster_import = latest_import(tenant_a)
            return "counts" in roster_import.summary and roster_import

        roster_import = wait_for(checked)
        assert roster_import.summary["counts"]["create"] == 4
        client.post(f"{base(tenant_a)}{roster_import.pk}/confirm/")

        def committed():
            """the commit job to finish"""
            return latest_import(tenant_a).status == RosterImportStatus.COMMITTED

        wait_for(committed)
    assert len(deputies(tenant_a)) == 4


def test_a_check_whose_file_is_gone_says_so(tenant_a, staff):
    from deputies.import_tasks import roster_import_preview_job

    with scopes_disabled():  # test setup
        roster_import = RosterImport.objects.create(
            congress=tenant_a.congress, file_name="名册.xlsx", summary={}
        )
    roster_import_preview_job.delay(
        congress_id=tenant_a.congress.pk,
        import_id=roster_import.pk,
        storage_name=f"imports/{tenant_a.congress.pk}/gone.xlsx",
    )

    assert latest_import(tenant_a).summary["file_error"] == "上传的文件已不存在，请重新上传。"
