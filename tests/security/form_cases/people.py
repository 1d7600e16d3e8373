"""The forms of the roster, the roster import, deputy groups, liaison stations, their standards
and printouts."""

from __future__ import annotations

from congress.models import Role
from tests.security.form_cases import FormCase, my_deputy

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
]

# Pages that take a POST with nothing typed into them, and why.
BUTTONS: dict[str, str] = {}
