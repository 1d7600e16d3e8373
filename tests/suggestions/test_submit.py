"""Writing and sending suggestions: drafts, co-signers, attachments, submission, withdrawal, and
staff entering one from paper."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from congress.errors import DomainError
from congress.models import Notification, Role
from suggestions import submit_services as services
from suggestions.models import (
    CosignerStatus,
    Suggestion,
    SuggestionCategory,
    SuggestionCosigner,
    SuggestionEvent,
    SuggestionStatus,
)
from tests.factories import (
    CongressSessionFactory,
    DeputyFactory,
    MembershipFactory,
    ReceptionDayFactory,
    VoterMessageFactory,
)

PDF = b"%PDF-1.4 a scanned page"


def pdf(name: str = "调研报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def my_deputy(tenant, **fields):
    """The tenant's deputy member, linked to a roster entry (test setup)."""
    with scopes_disabled():
        return DeputyFactory(congress=tenant.congress, user=tenant.user(Role.DEPUTY), **fields)


def other_deputies(tenant, count: int, *, with_accounts: bool = True) -> list:
    """Serving deputies who could co-sign, each with a deputy account (test setup)."""
    with scopes_disabled():
        deputies = []
        for _index in range(count):
            user = None
            if with_accounts:
                user = MembershipFactory(congress=tenant.congress, role=Role.DEPUTY).user
            deputies.append(DeputyFactory(congress=tenant.congress, user=user))
        return deputies


def draft_fields(tenant, **overrides) -> dict:
    with tenant.scope():
        category = SuggestionCategory.objects.first()
    fields = {
        "kind": "suggestion",
        "session": None,
        "title": "关于增设老旧小区电梯的建议",
        "content": "老旧小区老人多，上下楼困难，建议政府补贴加装电梯。",
        "category": category,
        "source": "own_research",
    }
    fields.update(overrides)
    return fields


def save_draft(tenant, deputy, **overrides) -> Suggestion:
    fields = draft_fields(tenant, **overrides)
    with tenant.scope():
        return services.suggestion_save_draft(
            actor=tenant.user(Role.DEPUTY), congress=tenant.congress, lead_deputy=deputy, **fields
        )


def confirm_all(tenant, suggestion, deputies) -> None:
    with tenant.scope():
        for deputy in deputies:
            services.suggestion_cosign_respond(
                actor=deputy.user, suggestion=suggestion, confirm=True
            )


# Drafts ---------------------------------------------------------------------------------------


def test_a_deputy_saves_a_draft_and_invites_co_signers(tenant_a):
    deputy = my_deputy(tenant_a)
    invited = other_deputies(tenant_a, 2)
    suggestion = save_draft(tenant_a, deputy, cosigners=invited)
    with tenant_a.scope():
        suggestion.refresh_from_db()
        assert suggestion.status == SuggestionStatus.DRAFT
        assert suggestion.lead_deputy == deputy
        assert suggestion.created_by == tenant_a.user(Role.DEPUTY)
        assert suggestion.version == 1
        rows = SuggestionCosigner.objects.filter(suggestion=suggestion)
        assert {row.deputy_id for row in rows} == {d.pk for d in invited}
        assert {row.status for row in rows} == {CosignerStatus.INVITED}
        told = Notification.objects.filter(kind="suggestion_cosign")
        assert {n.user_id for n in told} == {d.user_id for d in invited}
        assert SuggestionEvent.objects.filter(suggestion=suggestion, action="create").exists()


def test_changing_a_draft_drops_unconfirmed_co_signers_but_keeps_confirmed_ones(tenant_a):
    deputy = my_deputy(tenant_a)
    first, second, third = other_deputies(tenant_a, 3)
    suggestion = save_draft(tenant_a, deputy, cosigners=[first, second])
    confirm_all(tenant_a, suggestion, [first])
    with tenant_a.scope():
        services.suggestion_save_draft(
            actor=tenant_a.user(Role.DEPUTY),
            congress=tenant_a.congress,
            suggestion=suggestion,
            cosigners=[first, third],
            expected_version=1,
            **draft_fields(tenant_a, title="改过的标题"),
        )
        rows = dict(
            SuggestionCosigner.objects.filter(suggestion=suggestion).values_list(
                "deputy_id", "status"
            )
        )
        assert rows == {first.pk: CosignerStatus.CONFIRMED, third.pk: CosignerStatus.INVITED}
        with pytest.raises(DomainError, match="已确认附议"):
            services.suggestion_save_draft(
                actor=tenant_a.user(Role.DEPUTY),
                congress=tenant_a.congress,
                suggestion=suggestion,
                cosigners=[third],
                **draft_fields(tenant_a),
            )


def test_a_stale_form_is_refused_with_a_conflict(tenant_a):
    deputy = my_deputy(tenant_a)
    suggestion = save_draft(tenant_a, deputy)
    with tenant_a.scope():
        services.suggestion_save_draft(
            actor=tenant_a.user(Role.DEPUTY),
            congress=tenant_a.congress,
            suggestion=suggestion,
            expected_version=1,
            **draft_fields(tenant_a, title="第一次修改"),
        )
        with pytest.raises(DomainError) as refused:
            services.suggestion_save_draft(
                actor=tenant_a.user(Role.DEPUTY),
                congress=tenant_a.congress,
                suggestion=suggestion,
                expected_version=1,
                **draft_fields(tenant_a, title="第二次修改"),
            )
        assert refused.value.code == "conflict"
        suggestion.refresh_from_db()
        assert suggestion.title == "第一次修改"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"content": ""}, "content"),
        ({"title": "长" * 201}, "title"),
        ({"category": None}, "category"),
        ({"kind": "petition"}, "kind"),
        ({"source": "rumour"}, "source"),
        ({"source": "hotline", "source_reference": ""}, "source_reference"),
        ({"source": "procuratorate"}, "source_reference"),
        ({"source": "attendee", "source_reference": " "}, "source_reference"),
    ],
)
def test_each_refusal_names_its_field(tenant_a, overrides, field):
    deputy = my_deputy(tenant_a)
    with pytest.raises(DomainError) as refused:
        save_draft(tenant_a, deputy, **overrides)
    assert refused.value.field == field
    with tenant_a.scope():
        assert not Suggestion.objects.exists()


def test_a_retired_category_is_refused(tenant_a):
    deputy = my_deputy(tenant_a)
    with tenant_a.scope():
        category = SuggestionCategory.objects.first()
        category.is_active = False
        category.save()
    with pytest.raises(DomainError, match="不再使用") as refused:
        save_draft(tenant_a, deputy, category=category)
    assert refused.value.field == "category"


def test_co_signers_must_be_other_serving_deputies(tenant_a):
    deputy = my_deputy(tenant_a)
    with pytest.raises(DomainError) as refused:
        save_draft(tenant_a, deputy, cosigners=[deputy])
    assert refused.value.field == "cosigners"
    with scopes_disabled():  # test setup
        resigned = DeputyFactory(congress=tenant_a.congress, status="resigned")
    with pytest.raises(DomainError, match=resigned.name):
        save_draft(tenant_a, deputy, cosigners=[resigned])


def test_a_deputy_writes_only_under_their_own_name(tenant_a):
    my_deputy(tenant_a)
    (someone_else,) = other_deputies(tenant_a, 1)
    with pytest.raises(DomainError) as refused:
        save_draft(tenant_a, someone_else)
    assert refused.value.code == "forbidden"


def test_the_source_links_only_to_records_the_deputy_reaches(tenant_a):
    deputy = my_deputy(tenant_a)
    (other,) = other_deputies(tenant_a, 1)
    with scopes_disabled():  # test setup
        mine = VoterMessageFactory(congress=tenant_a.congress, deputy=deputy)
        theirs = VoterMessageFactory(congress=tenant_a.congress, deputy=other)
        visit = ReceptionDayFactory(congress=tenant_a.congress)
    suggestion = save_draft(tenant_a, deputy, source="voter_message", source_message=mine)
    assert suggestion.source_message == mine
    with pytest.raises(DomainError) as refused:
        save_draft(tenant_a, deputy, source="voter_message", source_message=theirs)
    assert refused.value.field == "source_message"
    # The deputy was not on duty that day, so the visit is not theirs to cite.
    with pytest.raises(DomainError) as refused:
        save_draft(tenant_a, deputy, source="station_visit", source_reception=visit)
    assert refused.value.field == "source_reception"
    # A link that does not fit the source is dropped rather than kept silently.
    suggestion = save_draft(tenant_a, deputy, source="own_research", source_message=mine)
    assert suggestion.source_message is None


def test_a_hotline_source_keeps_its_work_order_number(tenant_a):
    deputy = my_deputy(tenant_a)
    suggestion = save_draft(
        tenant_a, deputy, source="hotline", source_reference=" 12345-2026-0815 "
    )
    assert suggestion.source_reference == "12345-2026-0815"


# Attachments ----------------------------------------------------------------------------------


def test_attachments_are_checked_and_capped_at_ten(tenant_a):
    deputy = my_deputy(tenant_a)
    suggestion = save_draft(tenant_a, deputy)
    actor = tenant_a.user(Role.DEPUTY)
    with tenant_a.scope():
        for number in range(services.MAX_ATTACHMENTS):
            services.suggestion_attachment_add(
                actor=actor, suggestion=suggestion, upload=pdf(f"附件{number}.pdf")
            )
        with pytest.raises(DomainError, match="10"):
            services.suggestion_attachment_add(actor=actor, suggestion=suggestion, upload=pdf())
        attachment = suggestion.attachments.first()
        services.suggestion_attachment_remove(actor=actor, attachment=attachment)
        assert suggestion.attachments.count() == services.MAX_ATTACHMENTS - 1
        fake = SimpleUploadedFile("假的.pdf", b"MZ not a pdf", content_type="application/pdf")
        with pytest.raises(DomainError) as refused:
            services.suggestion_attachment_add(actor=actor, suggestion=suggestion, upload=fake)
        assert refused.value.field == "file"


def test_attachments_are_frozen_once_sent(tenant_a):
    deputy = my_deputy(tenant_a)
    suggestion = save_draft(tenant_a, deputy)
    with tenant_a.scope():
        services.suggestion_submit(actor=tenant_a.user(Role.DEPUTY), suggestion=suggestion)
        with pytest.raises(DomainError) as refused:
            services.suggestion_attachment_add(
                actor=tenant_a.user(Role.DEPUTY), suggestion=suggestion, upload=pdf()
            )
        assert refused.value.code == "status"


# Submission -----------------------------------------------------------------------------------


def test_submitting_sends_it_to_staff(tenant_a):
    deputy = my_deputy(tenant_a)
    suggestion = save_draft(tenant_a, deputy)
    with tenant_a.scope():
        services.suggestion_submit(
            actor=tenant_a.user(Role.DEPUTY), suggestion=suggestion, expected_version=1
        )
        suggestion.refresh_from_db()
        assert suggestion.status == SuggestionStatus.SUBMITTED
        assert suggestion.submitted_at is not None
        event = SuggestionEvent.objects.get(suggestion=suggestion, action="submit")
        assert (event.from_status, event.to_status) == ("draft", "submitted")
        assert event.actor == tenant_a.user(Role.DEPUTY)
        told = set(
            Notification.objects.filter(kind="suggestion_submitted").values_list(
                "user_id", flat=True
            )
        )
        assert told == {
            tenant_a.user(Role.COMMITTEE_ADMIN).pk,
            tenant_a.user(Role.COMMITTEE_STAFF).pk,
        }
        with pytest.raises(DomainError) as refused:
            services.suggestion_submit(actor=tenant_a.user(Role.DEPUTY), suggestion=suggestion)
        assert refused.value.code == "status"


def test_a_motion_needs_enough_confirmed_co_signers(tenant_a):
    with scopes_disabled():  # test setup
        tenant_a.congress.motion_min_cosigners = 3
        tenant_a.congress.save()
    deputy = my_deputy(tenant_a)
    cosigners = other_deputies(tenant_a, 3)
    motion = save_draft(tenant_a, deputy, kind="motion", cosigners=cosigners)
    confirm_all(tenant_a, motion, cosigners[:2])
    with tenant_a.scope():
        with pytest.raises(DomainError) as refused:
            services.suggestion_submit(actor=tenant_a.user(Role.DEPUTY), suggestion=motion)
        assert "至少需要 3 名" in refused.value.message
        assert "已确认 2 名" in refused.value.message
        motion.refresh_from_db()
        assert motion.status == SuggestionStatus.DRAFT
    confirm_all(tenant_a, motion, cosigners[2:])
    with tenant_a.scope():
        services.suggestion_submit(actor=tenant_a.user(Role.DEPUTY), suggestion=motion)
        motion.refresh_from_db()
        assert motion.status == SuggestionStatus.SUBMITTED


def test_another_deputy_cannot_submit_or_withdraw_it(tenant_a):
    deputy = my_deputy(tenant_a)
    (other,) = other_deputies(tenant_a, 1)
    suggestion = save_draft(tenant_a, deputy, cosigners=[other])
    with tenant_a.scope():
        with pytest.raises(DomainError) as refused:
            services.suggestion_submit(actor=other.user, suggestion=suggestion)
        assert refused.value.code == "forbidden"
        with pytest.raises(DomainError):
            services.suggestion_withdraw(actor=other.user, suggestion=suggestion)


def test_withdrawing_a_sent_suggestion_tells_staff(tenant_a):
    deputy = my_deputy(tenant_a)
    suggestion = save_draft(tenant_a, deputy)
    actor = tenant_a.user(Role.DEPUTY)
    with tenant_a.scope():
        services.suggestion_submit(actor=actor, suggestion=suggestion)
        services.suggestion_withdraw(actor=actor, suggestion=suggestion, reason="与他人重复")
        suggestion.refresh_from_db()
        assert suggestion.status == SuggestionStatus.WITHDRAWN
        assert SuggestionEvent.objects.get(action="withdraw").note == "与他人重复"
        assert Notification.objects.filter(kind="suggestion_withdrawn").count() == 2
        with pytest.raises(DomainError) as refused:
            services.suggestion_withdraw(actor=actor, suggestion=suggestion)
        assert refused.value.code == "status"


# Co-signing -----------------------------------------------------------------------------------


def test_a_co_signer_confirms_and_the_lead_is_told(tenant_a):
    deputy = my_deputy(tenant_a)
    (other,) = other_deputies(tenant_a, 1)
    suggestion = save_draft(tenant_a, deputy, cosigners=[other])
    with tenant_a.scope():
        row = services.suggestion_cosign_respond(
            actor=other.user, suggestion=suggestion, confirm=True
        )
        assert row.status == CosignerStatus.CONFIRMED
        assert row.responded_at is not None
        notice = Notification.objects.get(kind="suggestion_cosign_answer")
        assert notice.user == tenant_a.user(Role.DEPUTY)
        assert other.name in notice.title
        with pytest.raises(DomainError, match="已经确认"):
            services.suggestion_cosign_respond(
                actor=other.user, suggestion=suggestion, confirm=True
            )
        services.suggestion_cosign_respond(actor=other.user, suggestion=suggestion, confirm=False)
        row.refresh_from_db()
        assert row.status == CosignerStatus.DECLINED
        assert SuggestionEvent.objects.filter(action="cosign_decline").exists()


def test_only_the_invited_answer_and_only_while_it_is_open(tenant_a):
    deputy = my_deputy(tenant_a)
    invited, stranger = other_deputies(tenant_a, 2)
    suggestion = save_draft(tenant_a, deputy, cosigners=[invited])
    with tenant_a.scope():
        with pytest.raises(DomainError) as refused:
            services.suggestion_cosign_respond(
                actor=stranger.user, suggestion=suggestion, confirm=True
            )
        assert refused.value.code == "forbidden"
        Suggestion.objects.filter(pk=suggestion.pk).update(status="accepted")
        with pytest.raises(DomainError) as refused:
            services.suggestion_cosign_respond(
                actor=invited.user, suggestion=suggestion, confirm=True
            )
        assert refused.value.code == "status"


# Paper entry ----------------------------------------------------------------------------------


def test_staff_enter_a_paper_motion_with_signed_co_signers_and_send_it(tenant_a):
    with scopes_disabled():  # test setup
        tenant_a.congress.motion_min_cosigners = 2
        tenant_a.congress.save()
        session = CongressSessionFactory(congress=tenant_a.congress)
    lead = other_deputies(tenant_a, 1, with_accounts=False)[0]
    signed = other_deputies(tenant_a, 2, with_accounts=False)
    staff = tenant_a.user(Role.COMMITTEE_STAFF)
    with tenant_a.scope():
        motion = services.suggestion_paper_enter(
            actor=staff,
            congress=tenant_a.congress,
            lead_deputy=lead,
            cosigners=signed,
            submit=True,
            **draft_fields(tenant_a, kind="motion", session=session),
        )
        motion.refresh_from_db()
        assert motion.from_paper
        assert motion.created_by == staff
        assert motion.lead_deputy == lead
        assert motion.session == session
        assert motion.status == SuggestionStatus.SUBMITTED
        assert set(motion.cosigners.values_list("status", flat=True)) == {CosignerStatus.CONFIRMED}
        assert SuggestionEvent.objects.get(suggestion=motion, action="submit").actor == staff


def test_paper_entry_is_for_staff_only(tenant_a):
    deputy = my_deputy(tenant_a)
    with tenant_a.scope(), pytest.raises(DomainError) as refused:
        services.suggestion_paper_enter(
            actor=tenant_a.user(Role.DEPUTY),
            congress=tenant_a.congress,
            lead_deputy=deputy,
            **draft_fields(tenant_a),
        )
    assert refused.value.code == "forbidden"
