"""The forms of the roster, the roster import, deputy groups, liaison stations, their standards
and printouts."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from congress.models import Role
from deputies.importers import XLSX_CONTENT_TYPE
from liaison.models import NINE_POINT_STANDARD, StationStandard
from tests.security.conftest import World
from tests.security.form_cases import FormCase, my_deputy


def _colleague(world: World) -> dict:
    """A serving colleague of the world's deputy, with a mobile number and no account yet."""
    return {"deputy_id": world.ids["deputy_id"][1]}


def _group(world: World) -> dict:
    return {"group_id": world.ids["group_id"][0]}


def _station(world: World) -> dict:
    return {"station_id": world.ids["station_id"][0]}


# Standards with known ids, so that the checklist's fields (note_<id>) can be named in `data`.
STANDARD_IDS = {code: 9000 + int(code) for code, _title, _description in NINE_POINT_STANDARD}


def _with_standards(world: World) -> None:
    with scopes_disabled():  # test setup
        for position, (code, title, description) in enumerate(NINE_POINT_STANDARD, start=1):
            StationStandard.objects.create(
                pk=STANDARD_IDS[code],
                congress=world.tenant.congress,
                code=code,
                title=title,
                description=description,
                position=position,
            )


def _not_a_workbook() -> dict:
    # A CSV saved under the roster's name: not the zip an .xlsx workbook is.
    data = "姓名,性别,手机号\n李建华,男,13800001111\n".encode("gbk")
    return {"file": SimpleUploadedFile("代表名册.xlsx", data, content_type=XLSX_CONTENT_TYPE)}


LONG_NOTE = "活动室设在镇政府一楼东侧，面积约60平方米，配有桌椅、饮水机和宣传栏。" * 10

FORMS = [
    FormCase(
        "deputies:create",
        Role.COMMITTEE_STAFF,
        {
            "name": "李建华",
            "gender": "male",
            "ethnicity": "汉族",
            "birth_date": "1975-13-45",
            "party": "cpc",
            "occupation_class": "professional",
            "workplace_title": "东津镇农业服务中心主任",
            "phone": "1380000",
            "level": "county",
            "term": "17",
            "electoral_district": "第3选区",
        },
        kept=("李建华", "东津镇农业服务中心主任", "1975-13-45", "1380000", "第3选区"),
    ),
    FormCase(
        "deputies:edit",
        Role.COMMITTEE_STAFF,
        {
            "name": "张桂芳",
            "gender": "female",
            "ethnicity": "汉族",
            "birth_date": "1968-05-12",
            "party": "cpc",
            "occupation_class": "professional",
            "workplace_title": "襄城区第二中学教师",
            "phone": "12AB5678901",
            "level": "county",
            "term": "十七",
            "electoral_district": "第5选区",
        },
        kept=("襄城区第二中学教师", "12AB5678901", "第5选区"),
        ids=lambda world: {"deputy_id": my_deputy(world).pk},
    ),
    FormCase(
        "deputies:status",
        Role.COMMITTEE_STAFF,
        {
            "status": "resigned",
            "changed_on": "2026-02-30",
            "reason": "经区人大常委会第十二次会议决定，接受其辞去区人大代表职务",
        },
        kept=("2026-02-30", "经区人大常委会第十二次会议决定，接受其辞去区人大代表职务"),
        ids=_colleague,
    ),
    FormCase(
        "deputies:account",
        Role.COMMITTEE_STAFF,
        # Too short, digits only: refused by the password rules.
        {"password": "123456"},
        kept=("123456",),
        ids=_colleague,
        page="deputies:detail",
        context=("account_form",),
    ),
    FormCase(
        "roster_import:upload",
        Role.COMMITTEE_STAFF,
        {},
        kept=(),
        files=_not_a_workbook,
    ),
    FormCase(
        "liaison:group_create",
        Role.COMMITTEE_STAFF,
        # The name of a group that exists already.
        {
            "name": "东津代表小组",
            "kind": "regional",
            "area": "东津新区",
            "description": "联系东津新区各村（社区）的县人大代表",
        },
        kept=("东津代表小组", "东津新区", "联系东津新区各村（社区）的县人大代表"),
    ),
    FormCase(
        "liaison:group_update",
        Role.COMMITTEE_STAFF,
        # A name longer than the 100 characters a name may have.
        {
            "name": "东津代表小组" + "（含东津镇、西津镇、张湾街道、卧龙镇、尹集乡、欧庙镇）" * 4,
            "kind": "regional",
            "area": "东津新区、张湾街道",
            "description": "由原东津、张湾两个小组合并",
        },
        kept=("东津新区、张湾街道", "由原东津、张湾两个小组合并"),
        ids=_group,
    ),
    FormCase(
        "liaison:group_members",
        Role.COMMITTEE_STAFF,
        # The search typed, and a deputy ticked who was taken off the roster meanwhile.
        {"q": "王秀英", "deputies": ["999999"]},
        kept=("王秀英",),
        ids=_group,
    ),
    FormCase(
        "liaison:group_leader",
        Role.COMMITTEE_STAFF,
        # A deputy taken off the roster since the page was opened.
        {"leader": "999999"},
        kept=(),
        ids=_group,
        page="liaison:group_detail",
        flash=True,
    ),
    FormCase(
        "liaison:station_create",
        Role.COMMITTEE_STAFF,
        # The name of a station that exists already.
        {
            "name": "东津镇代表联络站",
            "kind": "liaison_station",
            "address": "东津镇人民政府一楼东侧",
            "opening_hours": "每月15日上午9:00-11:30",
            "contact_phone": "0710-3211234",
            "description": "",
            "is_active": "on",
        },
        kept=(
            "东津镇代表联络站",
            "东津镇人民政府一楼东侧",
            "每月15日上午9:00-11:30",
            "0710-3211234",
        ),
    ),
    FormCase(
        "liaison:station_update",
        Role.COMMITTEE_STAFF,
        # Two numbers with extensions: longer than a contact telephone may be.
        {
            "name": "东津镇代表联络站",
            "kind": "liaison_station",
            "address": "东津镇人民政府一楼东侧",
            "opening_hours": "每周三上午",
            "contact_phone": "0710-3211234转8001、0710-3211235转8002",
            "description": "",
            "is_active": "on",
        },
        kept=("东津镇人民政府一楼东侧", "每周三上午", "0710-3211234转8001、0710-3211235转8002"),
        ids=_station,
    ),
    FormCase(
        "liaison:station_deputies",
        Role.COMMITTEE_STAFF,
        # The search typed, and a deputy ticked who was taken off the roster meanwhile.
        {"q": "李建华", "deputies": ["999999"]},
        kept=("李建华",),
        ids=_station,
    ),
    FormCase(
        "liaison:station_staff_add",
        Role.COMMITTEE_STAFF,
        # Someone who has left the congress since the page was opened.
        {"user": "999999"},
        kept=(),
        ids=_station,
        page="liaison:station_detail",
        flash=True,
    ),
    FormCase(
        "liaison:station_staff_remove",
        Role.COMMITTEE_STAFF,
        # Someone who has left the congress since the page was opened.
        {"user": "999999"},
        kept=(),
        ids=_station,
        page="liaison:station_detail",
        flash=True,
    ),
    FormCase(
        "liaison:station_checklist",
        Role.STATION_STAFF,
        # A note longer than the 300 characters a note may have.
        {
            f"met_{STANDARD_IDS['1']}": "on",
            f"note_{STANDARD_IDS['1']}": LONG_NOTE,
            f"note_{STANDARD_IDS['2']}": "门牌已订制，待安装",
        },
        kept=(LONG_NOTE, "门牌已订制，待安装"),
        ids=_station,
        setup=_with_standards,
    ),
    FormCase(
        "liaison:standard_create",
        Role.COMMITTEE_ADMIN,
        # The order written in Chinese words.
        {
            "title": "有群众评议",
            "description": "每年组织一次选民对进站代表的评议",
            "position": "第十",
            "is_active": "on",
        },
        kept=("有群众评议", "每年组织一次选民对进站代表的评议", "第十"),
    ),
    FormCase(
        "liaison:standard_update",
        Role.COMMITTEE_ADMIN,
        # The title of another point of the standard.
        {
            "title": NINE_POINT_STANDARD[1][1],
            "description": "有相对固定、便于群众出入的活动场所，面积不少于50平方米",
            "position": "1",
            "is_active": "on",
        },
        kept=(NINE_POINT_STANDARD[1][1], "有相对固定、便于群众出入的活动场所，面积不少于50平方米"),
        ids=lambda world: {"standard_id": STANDARD_IDS["1"]},
        setup=_with_standards,
    ),
]

# Pages that take a POST with nothing typed into them, and why.
BUTTONS: dict[str, str] = {
    "roster_import:confirm": "Confirm the import: the checked upload is written, nothing typed",
    "roster_import:discard": "Discard this upload: nothing typed",
    "liaison:group_member_remove": "Remove a member: the member is in the address, nothing typed",
    "liaison:station_deputy_remove": (
        "Remove a deputy from the station: the deputy is in the address, nothing typed"
    ),
    "liaison:standard_defaults": "Add the nine-point standard: nothing typed",
    "print:deputy_rotate": "Replace the deputy's QR code: nothing typed",
    "print:station_rotate": "Replace the station's QR code: nothing typed",
}
