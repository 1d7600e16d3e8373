"""A committee's own settings: deadlines and reply classes, validated."""

from __future__ import annotations

import pytest

from congress.models import Congress, Role


@pytest.fixture
def url(tenant_a):
    return f"/c/{tenant_a.congress.slug}/settings/"


def test_the_page_shows_the_defaults(tenant_a, client_as, url):
    body = client_as(tenant_a.user(Role.COMMITTEE_ADMIN)).get(url).content.decode()
    assert "A 所提问题已经解决或者采纳" in body
    assert 'name="reply_deadline_months" value="3"' in body


def test_saving_new_classes_and_deadlines(tenant_a, client_as, url):
    response = client_as(tenant_a.user(Role.COMMITTEE_ADMIN)).post(
        url,
        {
            "reply_deadline_months": 3,
            "reply_deadline_max_months": 6,
            "rehandling_deadline_months": 1,
            "voter_message_reply_working_days": 7,
            "motion_min_cosigners": 5,
            "co_handling_opinion_months": 1,
            "unit_return_working_days": 5,
            "reminder_days_text": "7，30、15 7",
            "reply_classes_text": "甲 已解决\n乙 正在解决\n\n丙 留作参考\n",
        },
    )
    assert response.status_code == 302
    congress = Congress.objects.get(pk=tenant_a.congress.pk)
    assert [c["code"] for c in congress.reply_classes] == ["甲", "乙", "丙"]
    assert congress.solved_reply_class == "甲"
    assert congress.follow_up_reply_class == "乙"
    assert congress.suggestion_reminder_days == [30, 15, 7]
    assert (congress.motion_min_cosigners, congress.unit_return_working_days) == (5, 5)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reply_classes_text": "A 已解决"}, "答复分类至少要有两类"),
        ({"reply_classes_text": "A 已解决\nA 又一个"}, "答复分类代码不能重复。"),
        ({"reply_classes_text": "A\nB 正在解决"}, "第1行需要写成：分类代码、空格、含义。"),
        (
            {"reply_deadline_months": 5, "reply_deadline_max_months": 4},
            "最长期限不能短于一般答复期限。",
        ),
        ({"reply_deadline_months": 9}, "9"),
        ({"reminder_days_text": "30, 0"}, "请填写最多十个 1 到 180 之间的天数。"),
        ({"reminder_days_text": "三十"}, "请填写最多十个 1 到 180 之间的天数。"),
        ({"motion_min_cosigners": 0}, "确保该值大于或等于1。"),
    ],
)
def test_bad_settings_are_refused_and_kept(tenant_a, client_as, url, changes, message):
    data = {
        "reply_deadline_months": 3,
        "reply_deadline_max_months": 6,
        "rehandling_deadline_months": 1,
        "voter_message_reply_working_days": 7,
        "motion_min_cosigners": 10,
        "co_handling_opinion_months": 1,
        "unit_return_working_days": 7,
        "reminder_days_text": "30, 15, 7, 3",
        "reply_classes_text": "A 已解决\nB 正在解决",
        **changes,
    }
    response = client_as(tenant_a.user(Role.COMMITTEE_ADMIN)).post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert Congress.objects.get(pk=tenant_a.congress.pk).reply_deadline_months == 3
