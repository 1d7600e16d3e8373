"""Every main form, sent with bad input, answers with the form again: a clear error, and what the
person typed still in the fields (never a server error, never a redirect that loses it).

One line per form in FORMS: the page (URL name and its ids), who fills it in, what they send, and
which of the values they typed must come back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from django.utils.html import escape
from django_scopes import scopes_disabled

from congress.models import Role
from deputies.models import Deputy
from tests.security.conftest import World


@dataclass(frozen=True)
class FormCase:
    url_name: str
    role: str | None  # None: the public, not signed in
    data: dict
    kept: tuple[str, ...]  # values typed into `data` that must be in the page again
    ids: Callable[[World], dict] = field(default=lambda world: {})
    query: str = ""


def _my_deputy(world: World) -> Deputy:
    with scopes_disabled():  # test setup
        return Deputy.objects.get(user=world.tenant.user(Role.DEPUTY))


def _rule_items(world: World) -> dict:
    return {"rule_set_id": world.ids["rule_set_id"][0]}


def _rule_set_data() -> dict:
    # The set's new name is fine; its only item has a code with spaces and points that are text.
    return {
        "name": "2026年履职积分规则（修订）",
        "close_after_days": "15",
        "note": "按常委会会议决定调整",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-code": "走访 选民",
        "items-0-name": "走访联系选民",
        "items-0-kind": "duty",
        "items-0-points": "十分",
    }


FORMS = [
    FormCase(
        "congress:member_create",
        Role.COMMITTEE_ADMIN,
        {"username": "wang xiuying!", "role": "deputy", "full_name": "王秀英", "phone": "1380"},
        kept=("wang xiuying!", "王秀英", "1380"),
    ),
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
        ids=lambda world: {"deputy_id": _my_deputy(world).pk},
    ),
    FormCase(
        "my_suggestions:new",
        Role.DEPUTY,
        {
            "kind": "suggestion",
            "title": "关于增设老旧小区电梯的建议",
            "content": "",
            "source": "own_research",
        },
        kept=("关于增设老旧小区电梯的建议",),
    ),
    FormCase(
        "my_duties:report",
        Role.DEPUTY,
        {"category": "study", "occurred_on": "2026-02-30", "description": "参加东津镇代表履职培训"},
        kept=("2026-02-30", "参加东津镇代表履职培训"),
    ),
    FormCase(
        "public:deputy_message",
        None,
        {
            "topic": "urban",
            "text": "小区门口的路灯坏了两个月，晚上出行很不方便。",
            "voter_name": "李大爷",
            "voter_phone": "139123",
        },
        kept=("小区门口的路灯坏了两个月，晚上出行很不方便。", "李大爷", "139123"),
        ids=lambda world: {"deputy_token": _my_deputy(world).public_token},
    ),
    FormCase(
        "receptions:create",
        Role.COMMITTEE_STAFF,
        {
            "date": "2026-06-31",
            "start_time": "9点",
            "end_time": "11:30",
            "topic": "听取老旧小区改造意见",
        },
        kept=("2026-06-31", "9点", "听取老旧小区改造意见"),
        query="?station={station}",
    ),
    FormCase(
        "duty_rules:edit",
        Role.COMMITTEE_STAFF,
        _rule_set_data(),
        kept=(
            "2026年履职积分规则（修订）",
            "按常委会会议决定调整",
            "走访 选民",
            "走访联系选民",
            "十分",
        ),
        ids=_rule_items,
    ),
    FormCase(
        "units:create",
        Role.COMMITTEE_STAFF,
        {"name": "", "kind": "department", "contact_person": "陈科长", "contact_phone": "0710-abc"},
        kept=("陈科长", "0710-abc"),
    ),
]


CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _errors(context) -> list:
    """Every error of the page's forms and formsets."""
    found = []
    for name in ("form", "formset"):
        bound = context.get(name) if context is not None else None
        if bound is None:
            continue
        if hasattr(bound, "non_form_errors"):
            found += list(bound.non_form_errors())
            for form in bound.forms:
                found += [message for messages in form.errors.values() for message in messages]
        else:
            found += [message for messages in bound.errors.values() for message in messages]
    return found


@pytest.mark.parametrize("case", FORMS, ids=[case.url_name for case in FORMS])
def test_bad_input_shows_an_error_and_keeps_what_was_typed(case, world, client_as):
    client = client_as(world.tenant.user(case.role) if case.role else None)
    url = reverse(case.url_name, kwargs={"congress_slug": world.slug, **case.ids(world)})
    url += case.query.format(station=world.ids["station_id"][0])
    # The form first, as a person would open it (the public form hands out its device cookie).
    assert client.get(url).status_code == 200
    response = client.post(url, case.data)
    # The form again: 200, or 400 where the page says that the input was refused.
    assert response.status_code in (200, 400), response.status_code
    errors = _errors(response.context)
    assert errors, "no error shown"
    page = response.content.decode()
    for message in errors:
        assert CHINESE.search(str(message)), f"not in Chinese: {message}"
        assert escape(message) in page, message
    for value in case.kept:
        assert escape(value) in page, f"lost what was typed: {value}"
