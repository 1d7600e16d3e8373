"""Staff entering from paper what a unit and the deputies sent back: the signed reply and the
ratings of the feedback form (征询意见表); who may, when, and how a refusal keeps the input."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from congress.models import Role
from suggestions.models import (
    Suggestion,
    SuggestionCategory,
    SuggestionEvent,
    SuggestionFeedback,
    SuggestionReply,
    SuggestionStatus,
)
from tests.factories import DeputyFactory, SuggestionFactory
from tests.suggestions.test_feedback import lead_row, replied
from tests.suggestions.test_submit import my_deputy, other_deputies
from tests.suggestions.test_unit_work import (
    IN_TIME,
    fresh,
    handling,  # noqa: F401 (a fixture)
    pdf,
)

RATED_AT = "2026-05-25 10:00 +0800"


def url(tenant, name: str, suggestion) -> str:
    return reverse(
        f"suggestion_paper:{name}",
        kwargs={"congress_slug": tenant.congress.slug, "suggestion_id": suggestion.pk},
    )


def detail(tenant, suggestion) -> str:
    return reverse(
        "suggestions:detail",
        kwargs={"congress_slug": tenant.congress.slug, "suggestion_id": suggestion.pk},
    )


@pytest.fixture
def staff(tenant_a):
    return tenant_a.user(Role.COMMITTEE_STAFF)


def reply_data(suggestion, **overrides) -> dict:
    data = {
        "version": suggestion.version,
        "reply_class": "B",
        "text": "已列入明年道路改造计划，正在推进。",
        "letter": pdf(),
    }
    data.update(overrides)
    return data


# The reply -----------------------------------------------------------------------------------


@time_machine.travel(IN_TIME, tick=False)
def test_staff_enter_a_paper_reply_for_the_lead_unit(tenant_a, handling, client_as, staff):  # noqa: F811
    client = client_as(staff)
    page = client.get(url(tenant_a, "reply", handling.suggestion))
    assert page.status_code == 200
    body = page.content.decode()
    assert "区住房和城乡建设局" in body  # the reply is entered for the lead unit
    assert 'enctype="multipart/form-data"' in body
    assert f'name="version" value="{handling.suggestion.version}"' in body

    response = client.post(
        url(tenant_a, "reply", handling.suggestion), reply_data(handling.suggestion)
    )
    assert response.status_code == 302
    assert response.url == detail(tenant_a, handling.suggestion)
    with tenant_a.scope():
        suggestion = fresh(handling.suggestion)
        assert suggestion.status == SuggestionStatus.REPLIED
        assert suggestion.reply_class == "B"
        reply = SuggestionReply.objects.get(suggestion=suggestion)
        assert reply.unit == handling.lead.unit
        assert reply.replied_by == staff
        assert reply.letter_name == "答复函.pdf"
        rows = SuggestionFeedback.objects.filter(suggestion=suggestion, round=1)
        assert [row.deputy.name for row in rows] == ["周玉兰"]
        event = SuggestionEvent.objects.get(suggestion=suggestion, action="reply")
        assert event.actor == staff
        assert "纸质" in event.note  # recorded as entered from the paper reply
    record = client.get(detail(tenant_a, handling.suggestion)).content.decode()
    assert "纸质答复已录入" in record


@time_machine.travel(IN_TIME, tick=False)
def test_a_refused_reply_keeps_what_was_typed(tenant_a, handling, client_as, staff):  # noqa: F811
    client = client_as(staff)
    bad_letter = SimpleUploadedFile("答复函.pdf", b"MZ\x90\x00 not a document", "application/pdf")
    response = client.post(
        url(tenant_a, "reply", handling.suggestion),
        reply_data(handling.suggestion, letter=bad_letter, text="道路改造已列入计划"),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "道路改造已列入计划" in body
    assert re.search(r'<input[^>]*value="B"[^>]*checked', body)  # the class chosen is kept
    assert response.context["form"].errors["letter"]
    with tenant_a.scope():
        assert fresh(handling.suggestion).status == SuggestionStatus.ASSIGNED
        assert not SuggestionReply.objects.filter(suggestion=handling.suggestion).exists()

    response = client.post(
        url(tenant_a, "reply", handling.suggestion), reply_data(handling.suggestion, letter="")
    )
    assert response.status_code == 400
    assert "请附上签发的答复函" in response.content.decode()


@time_machine.travel(IN_TIME, tick=False)
def test_a_stale_reply_form_is_refused_as_a_conflict(tenant_a, handling, client_as, staff):  # noqa: F811
    data = reply_data(handling.suggestion, version=handling.suggestion.version + 1)
    response = client_as(staff).post(url(tenant_a, "reply", handling.suggestion), data)
    assert response.status_code == 409
    assert "其他人已修改了这件建议" in response.content.decode()
    with tenant_a.scope():
        assert fresh(handling.suggestion).status == SuggestionStatus.ASSIGNED


def test_a_reply_is_refused_when_the_status_does_not_allow_it(tenant_a, client_as, staff):
    suggestion = replied(tenant_a, my_deputy(tenant_a))
    client = client_as(staff)
    page = client.get(url(tenant_a, "reply", suggestion))
    assert page.status_code == 200
    assert 'id="paper-reply-form"' not in page.content.decode()
    response = client.post(url(tenant_a, "reply", suggestion), reply_data(suggestion))
    assert response.status_code == 400
    assert "不能" in response.content.decode()
    with tenant_a.scope():
        assert SuggestionReply.objects.filter(suggestion=suggestion).count() == 1


# The ratings ---------------------------------------------------------------------------------


@time_machine.travel(RATED_AT, tick=False)
def test_staff_enter_the_leads_unsatisfied_rating_and_it_goes_back(tenant_a, client_as, staff):
    suggestion = replied(tenant_a, my_deputy(tenant_a, name="周玉兰"))
    with tenant_a.scope():
        row = lead_row(suggestion)
    client = client_as(staff)
    page = client.get(url(tenant_a, "rating", suggestion) + f"?feedback={row.pk}")
    assert page.status_code == 200
    body = page.content.decode()
    assert "周玉兰（领衔代表）" in body
    assert "已列入明年计划，正在解决。" in body  # the reply being rated is shown

    response = client.post(
        url(tenant_a, "rating", suggestion),
        {"feedback": row.pk, "rating": "unsatisfied", "reason": "路面仍未修复"},
    )
    assert response.status_code == 302
    with tenant_a.scope():
        suggestion = fresh(suggestion)
        assert suggestion.status == SuggestionStatus.REHANDLING
        assert suggestion.round == 2
        row.refresh_from_db()
        assert (row.rating, row.reason, row.rated_by) == ("unsatisfied", "路面仍未修复", staff)
        event = SuggestionEvent.objects.get(suggestion=suggestion, action="reopen")
        assert event.actor == staff


@time_machine.travel(RATED_AT, tick=False)
def test_a_co_signers_rating_moves_nothing(tenant_a, client_as, staff):
    cosigner = other_deputies(tenant_a, 1)[0]
    suggestion = replied(tenant_a, my_deputy(tenant_a), cosigners=[cosigner])
    with tenant_a.scope():
        row = SuggestionFeedback.objects.get(suggestion=suggestion, deputy=cosigner)
    response = client_as(staff).post(
        url(tenant_a, "rating", suggestion), {"feedback": row.pk, "rating": "satisfied"}
    )
    assert response.status_code == 302
    with tenant_a.scope():
        assert fresh(suggestion).status == SuggestionStatus.REPLIED
        row.refresh_from_db()
        assert row.rating == "satisfied" and row.rated_by == staff
        assert SuggestionEvent.objects.get(suggestion=suggestion, action="rate").actor == staff
    # The rated row can no longer be chosen; the lead's still can.
    page = client_as(staff).get(url(tenant_a, "rating", suggestion))
    assert page.context["form"].fields["feedback"].queryset.get().is_lead


@time_machine.travel(RATED_AT, tick=False)
def test_unsatisfied_without_a_reason_is_refused_and_the_input_kept(tenant_a, client_as, staff):
    suggestion = replied(tenant_a, my_deputy(tenant_a))
    with tenant_a.scope():
        row = lead_row(suggestion)
    response = client_as(staff).post(
        url(tenant_a, "rating", suggestion), {"feedback": row.pk, "rating": "unsatisfied"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "请填写代表不满意的理由" in body
    assert 'value="unsatisfied"' in body and "checked" in body
    with tenant_a.scope():
        assert fresh(suggestion).status == SuggestionStatus.REPLIED
        row.refresh_from_db()
        assert row.rated_at is None


@time_machine.travel(RATED_AT, tick=False)
def test_a_rating_is_refused_when_the_status_does_not_allow_it(tenant_a, client_as, staff):
    with scopes_disabled():  # test setup
        suggestion = SuggestionFactory(
            congress=tenant_a.congress,
            lead_deputy=DeputyFactory(congress=tenant_a.congress),
            status="assigned",
        )
    client = client_as(staff)
    page = client.get(url(tenant_a, "rating", suggestion))
    assert page.status_code == 200
    assert 'id="paper-rating-form"' not in page.content.decode()
    response = client.post(url(tenant_a, "rating", suggestion), {"rating": "satisfied"})
    assert response.status_code == 400
    assert "目前没有需要录入的评价" in response.content.decode()


@time_machine.travel(RATED_AT, tick=False)
def test_another_suggestions_feedback_row_cannot_be_chosen(tenant_a, client_as, staff):
    suggestion = replied(tenant_a, my_deputy(tenant_a))
    with scopes_disabled():  # test setup: a second suggestion, numbered apart
        Suggestion.objects.filter(pk=suggestion.pk).update(number=2)
        someone_else = DeputyFactory(congress=tenant_a.congress)
    other = replied(tenant_a, someone_else)
    with tenant_a.scope():
        foreign_row = lead_row(other)
    response = client_as(staff).post(
        url(tenant_a, "rating", suggestion), {"feedback": foreign_row.pk, "rating": "satisfied"}
    )
    assert response.status_code == 400
    with tenant_a.scope():
        foreign_row.refresh_from_db()
        assert foreign_row.rated_at is None


# A suggestion from paper ---------------------------------------------------------------------


def paper_suggestion(tenant, lead, **overrides) -> dict:
    with tenant.scope():
        category = SuggestionCategory.objects.first()
    data = {
        "lead_deputy": lead.pk,
        "kind": "suggestion",
        "title": "关于整治农贸市场周边交通秩序的建议",
        "content": "市场周边早晚高峰拥堵严重，建议增设临时停车位。",
        "category": category.pk,
        "source": "own_research",
        "submit_now": "on",
    }
    data.update(overrides)
    return data


def test_a_paper_suggestion_sent_at_once_keeps_its_attachment(tenant_a, client_as, staff):
    lead = other_deputies(tenant_a, 1, with_accounts=False)[0]
    new_url = reverse("suggestion_paper:new", kwargs={"congress_slug": tenant_a.congress.slug})
    response = client_as(staff).post(
        new_url, paper_suggestion(tenant_a, lead, attachment=pdf("建议原件扫描.pdf"))
    )
    assert response.status_code == 302
    with tenant_a.scope():
        suggestion = Suggestion.objects.get()
        assert suggestion.status == SuggestionStatus.SUBMITTED
        assert [item.name for item in suggestion.attachments.all()] == ["建议原件扫描.pdf"]


def test_a_refused_attachment_enters_nothing_and_keeps_what_was_typed(tenant_a, client_as, staff):
    lead = other_deputies(tenant_a, 1, with_accounts=False)[0]
    new_url = reverse("suggestion_paper:new", kwargs={"congress_slug": tenant_a.congress.slug})
    program = SimpleUploadedFile("扫描件.exe", b"MZ\x90\x00", "application/octet-stream")
    response = client_as(staff).post(new_url, paper_suggestion(tenant_a, lead, attachment=program))
    assert response.status_code == 400
    assert response.context["form"].errors["attachment"]
    body = response.content.decode()
    assert "关于整治农贸市场周边交通秩序的建议" in body
    assert "市场周边早晚高峰拥堵严重，建议增设临时停车位。" in body
    with tenant_a.scope():
        assert not Suggestion.objects.exists()


# Who may -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.LEADER, Role.DEPUTY, Role.UNIT_LIAISON])
def test_other_roles_are_refused(tenant_a, client_as, role):
    suggestion = replied(tenant_a, my_deputy(tenant_a))
    with tenant_a.scope():
        row = lead_row(suggestion)
    client = client_as(tenant_a.user(role))
    for name in ("reply", "rating"):
        assert client.get(url(tenant_a, name, suggestion)).status_code == 403
    response = client.post(
        url(tenant_a, "rating", suggestion), {"feedback": row.pk, "rating": "satisfied"}
    )
    assert response.status_code == 403
    with tenant_a.scope():
        row.refresh_from_db()
        assert row.rated_at is None


def test_another_congress_suggestion_is_404(tenant_a, tenant_b, client_as, staff):
    suggestion = replied(tenant_b, my_deputy(tenant_b))
    client = client_as(staff)
    for name in ("reply", "rating"):
        assert client.get(url(tenant_a, name, suggestion)).status_code == 404


# The links on the record ---------------------------------------------------------------------


@time_machine.travel(IN_TIME, tick=False)
def test_the_record_links_a_paper_reply_only_for_staff_while_handled(
    tenant_a,
    handling,  # noqa: F811
    client_as,
    staff,
):
    reply_url = url(tenant_a, "reply", handling.suggestion)
    assert reply_url in client_as(staff).get(detail(tenant_a, handling.suggestion)).content.decode()
    leader_page = client_as(tenant_a.user(Role.LEADER)).get(detail(tenant_a, handling.suggestion))
    assert leader_page.status_code == 200
    assert reply_url not in leader_page.content.decode()
    with scopes_disabled():  # test setup: handled together with another suggestion
        main = SuggestionFactory(congress=tenant_a.congress, status="assigned")
        Suggestion.objects.filter(pk=handling.suggestion.pk).update(merged_into=main)
    assert (
        reply_url
        not in client_as(staff).get(detail(tenant_a, handling.suggestion)).content.decode()
    )


def test_the_record_links_each_unrated_row_to_the_rating_form(tenant_a, client_as, staff):
    cosigner = other_deputies(tenant_a, 1)[0]
    suggestion = replied(tenant_a, my_deputy(tenant_a), cosigners=[cosigner])
    with tenant_a.scope():
        rows = list(SuggestionFeedback.objects.filter(suggestion=suggestion))
        SuggestionFeedback.objects.filter(deputy=cosigner).update(
            rating="satisfied", rated_at="2026-05-21T10:00:00+08:00"
        )
    rating_url = url(tenant_a, "rating", suggestion)
    body = client_as(staff).get(detail(tenant_a, suggestion)).content.decode()
    lead = next(row for row in rows if row.is_lead)
    co = next(row for row in rows if not row.is_lead)
    assert f"{rating_url}?feedback={lead.pk}" in body
    assert f"{rating_url}?feedback={co.pk}" not in body  # already rated
    assert (
        reverse(
            "suggestion_paper:reply",
            kwargs={"congress_slug": tenant_a.congress.slug, "suggestion_id": suggestion.pk},
        )
        not in body
    )  # replied: no reply to enter
    leader_body = client_as(tenant_a.user(Role.LEADER)).get(detail(tenant_a, suggestion))
    assert rating_url not in leader_body.content.decode()
