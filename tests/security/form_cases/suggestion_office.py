"""The forms of the suggestion office: the actions on a suggestion, assignment, paper entry,
setup and handling units."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone
from django_scopes import scopes_disabled

from congress.models import Role
from suggestions.models import (
    CongressSession,
    HandlingUnit,
    Suggestion,
    SuggestionCategory,
    SuggestionFeedback,
)
from tests.factories import SuggestionFactory
from tests.security.conftest import World
from tests.security.form_cases import FormCase

STAFF = Role.COMMITTEE_STAFF
DETAIL = "suggestions:detail"

# The world's suggestions, in the order conftest makes them.
DRAFT, SUBMITTED, ACCEPTED, ASSIGNED = range(4)

# Longer than the 500 characters a note or a reason may have.
LONG_NOTE = "已电话联系领衔代表，代表同意按程序办理，并请承办单位抓紧落实。" * 20
LONG_REASON = "建议所提事项属于村民自治范围，不宜作为代表建议交办，请代表修改后重新提交。" * 15
LONG_LETTER_REASON = "所提问题已在年度民生实事中安排解决，建议作为参阅件供有关部门参考。" * 20


def _suggestion(index: int) -> Callable[[World], dict]:
    return lambda world: {"suggestion_id": world.ids["suggestion_id"][index]}


def _get(world: World, index: int) -> Suggestion:
    with scopes_disabled():  # test setup
        return Suggestion.objects.get(pk=world.ids["suggestion_id"][index])


def _merged(world: World) -> None:
    """The accepted suggestion is handled together with another accepted one."""
    follower = _get(world, ACCEPTED)
    with scopes_disabled():  # test setup
        main = SuggestionFactory(
            congress=follower.congress,
            lead_deputy=follower.lead_deputy,
            category=follower.category,
            status="accepted",
        )
        Suggestion.objects.filter(pk=follower.pk).update(merged_into=main)


def _key(world: World) -> None:
    with scopes_disabled():  # test setup
        Suggestion.objects.filter(pk=world.ids["suggestion_id"][ACCEPTED]).update(
            is_key=True, key_leading_official="王副区长", key_supervisor="李主任"
        )


def _replied(world: World) -> None:
    """The assigned suggestion was answered 40 days ago; the leading deputy has not rated it."""
    suggestion = _get(world, ASSIGNED)
    replied_on = timezone.localdate() - timedelta(days=40)
    with scopes_disabled():  # test setup
        Suggestion.objects.filter(pk=suggestion.pk).update(
            status="replied", replied_on=replied_on, first_replied_on=replied_on
        )
        SuggestionFeedback.objects.create(
            congress=suggestion.congress,
            suggestion=suggestion,
            round=1,
            deputy=suggestion.lead_deputy,
            is_lead=True,
        )


def _first(model, name: str) -> Callable[[World], dict]:
    def ids(world: World) -> dict:
        with scopes_disabled():  # test setup
            row = model.objects.filter(congress=world.tenant.congress).order_by("pk").first()
        return {name: row.pk}

    return ids


FORMS = [
    # The actions on a suggestion's page.
    FormCase(
        "suggestions:accept",
        STAFF,
        {"note": LONG_NOTE},
        kept=(LONG_NOTE,),
        ids=_suggestion(SUBMITTED),
        page=DETAIL,
        context=("accept_form",),
    ),
    FormCase(
        # A page whose hidden version was tampered with: its error is shown with the note kept.
        "suggestions:accept",
        STAFF,
        {"version": "第三版", "note": "已电话核实，同意立案"},
        kept=("已电话核实，同意立案",),
        ids=_suggestion(SUBMITTED),
        page=DETAIL,
        context=("accept_form",),
        label="version",
    ),
    FormCase(
        "suggestions:return",
        STAFF,
        {"reason": LONG_REASON},
        kept=(LONG_REASON,),
        ids=_suggestion(SUBMITTED),
        page=DETAIL,
        context=("return_form",),
    ),
    FormCase(
        "suggestions:letter",
        STAFF,
        {"reason": LONG_LETTER_REASON},
        kept=(LONG_LETTER_REASON,),
        ids=_suggestion(SUBMITTED),
        page=DETAIL,
        context=("letter_form",),
    ),
    FormCase(
        "suggestions:merge",
        STAFF,
        {"main": "", "note": "与东津镇道路维修的建议内容相同，并案办理"},
        kept=("与东津镇道路维修的建议内容相同，并案办理",),
        ids=_suggestion(ACCEPTED),
        page=DETAIL,
        context=("merge_form",),
    ),
    FormCase(
        "suggestions:unmerge",
        STAFF,
        {"note": LONG_NOTE},
        kept=(LONG_NOTE,),
        ids=_suggestion(ACCEPTED),
        page=DETAIL,
        context=("unmerge_form",),
        setup=_merged,
    ),
    FormCase(
        "suggestions:key",
        STAFF,
        {"leading_official": "", "supervisor": "李主任", "note": "群众反映强烈，列入重点督办"},
        kept=("李主任", "群众反映强烈，列入重点督办"),
        ids=_suggestion(ACCEPTED),
        page=DETAIL,
        context=("key_form",),
    ),
    FormCase(
        "suggestions:unkey",
        STAFF,
        {"note": LONG_NOTE},
        kept=(LONG_NOTE,),
        ids=_suggestion(ACCEPTED),
        page=DETAIL,
        context=("unkey_form",),
        setup=_key,
    ),
    FormCase(
        "suggestions:supervision",
        STAFF,
        {"kind": "visit", "date": "2026-02-30", "text": "到区住建局现场督办，查看老旧小区改造进度"},
        kept=("2026-02-30", "到区住建局现场督办，查看老旧小区改造进度"),
        ids=_suggestion(SUBMITTED),
        page=DETAIL,
        context=("supervision_form",),
    ),
    FormCase(
        "suggestions:close",
        STAFF,
        {"note": LONG_NOTE},
        kept=(LONG_NOTE,),
        ids=_suggestion(ASSIGNED),
        page=DETAIL,
        context=("close_form",),
        setup=_replied,
    ),
    # Assignment.
    FormCase(
        "suggestion_assign:assign",
        STAFF,
        {"lead_unit": "", "note": "请于三个月内书面答复代表"},
        kept=("请于三个月内书面答复代表",),
        ids=_suggestion(ACCEPTED),
    ),
    FormCase(
        "suggestion_assign:reassign",
        STAFF,
        {"lead_unit": "", "reason": "原承办单位以职责不符退回"},
        kept=("原承办单位以职责不符退回",),
        ids=_suggestion(ASSIGNED),
    ),
    FormCase(
        "suggestion_assign:extend",
        STAFF,
        {"due_on": "2026-02-30", "reason": "涉及跨部门协调，需延期答复", "approved_by": "王副区长"},
        kept=("2026-02-30", "涉及跨部门协调，需延期答复", "王副区长"),
        ids=_suggestion(ASSIGNED),
    ),
    # Entering from paper.
    FormCase(
        "suggestion_paper:new",
        STAFF,
        {
            "lead_deputy": "",
            "kind": "suggestion",
            "title": "关于整治东津镇农贸市场周边交通秩序的建议",
            "content": "市场周边早晚高峰拥堵严重，建议增设临时停车位并加强管理。",
            "source": "own_research",
            "submit_now": "on",
        },
        kept=(
            "关于整治东津镇农贸市场周边交通秩序的建议",
            "市场周边早晚高峰拥堵严重，建议增设临时停车位并加强管理。",
        ),
    ),
    FormCase(
        "suggestion_paper:reply",
        STAFF,
        {"reply_class": "B", "text": "已列入明年道路改造计划，正在推进。"},
        kept=("已列入明年道路改造计划，正在推进。",),
        ids=_suggestion(ASSIGNED),
    ),
    FormCase(
        "suggestion_paper:rating",
        STAFF,
        {"rating": "", "reason": "答复内容与实际情况不符，路面仍未修复"},
        kept=("答复内容与实际情况不符，路面仍未修复",),
        ids=_suggestion(ASSIGNED),
        setup=_replied,
    ),
    # Sessions and categories.
    FormCase(
        "suggestion_setup:session_create",
        STAFF,
        {
            "name": "十八届人大第五次会议",
            "term": "十八",
            "number": "5",
            "starts_on": "2027-01-10",
            "ends_on": "2027-02-30",
        },
        kept=("十八届人大第五次会议", "十八", "2027-02-30"),
    ),
    FormCase(
        "suggestion_setup:session_update",
        STAFF,
        {
            "name": "十七届人大第一次会议",
            "term": "17",
            "number": "1",
            "starts_on": "2026-01-13",
            "ends_on": "2026-01-10",
        },
        kept=("十七届人大第一次会议", "2026-01-13", "2026-01-10"),
        ids=_first(CongressSession, "session_id"),
    ),
    FormCase(
        "suggestion_setup:category_create",
        STAFF,
        {"name": "城乡建设"},
        kept=("城乡建设",),
    ),
    FormCase(
        "suggestion_setup:category_update",
        STAFF,
        {"name": "交通运输"},
        kept=("交通运输",),
        ids=_first(SuggestionCategory, "category_id"),
    ),
    # Handling units.
    FormCase(
        "units:create",
        STAFF,
        {"name": "", "kind": "department", "contact_person": "陈科长", "contact_phone": "0710-abc"},
        kept=("陈科长", "0710-abc"),
    ),
    FormCase(
        "units:update",
        STAFF,
        {
            "name": "区住房和城乡建设局",
            "kind": "department",
            "contact_person": "陈科长",
            "contact_phone": "0710-三五二八一二三",
            "is_active": "on",
        },
        kept=("区住房和城乡建设局", "陈科长", "0710-三五二八一二三"),
        ids=_first(HandlingUnit, "unit_id"),
    ),
    FormCase(
        "units:liaison_add",
        STAFF,
        {"user": ""},
        kept=(),
        ids=_first(HandlingUnit, "unit_id"),
        page="units:detail",
        flash=True,
    ),
]

# Pages that take a POST with nothing typed into them, and why.
BUTTONS: dict[str, str] = {
    "suggestion_setup:category_retire": (
        "the Retire / Use again button of a category's row; nothing is typed"
    ),
    "suggestion_setup:category_reorder": (
        "the up and down arrows of a category's row; the direction is the button's hidden value"
    ),
    "units:liaison_remove": (
        "the Remove button of a liaison account's row; the account is the row's hidden value"
    ),
}
