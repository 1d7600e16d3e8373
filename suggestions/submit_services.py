"""Writing and sending a suggestion: drafts, attachments, co-signers, submission, withdrawal, and
staff entering one from paper."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.errors import DomainError
from congress.files import clean_document
from congress.models import Congress, Membership, User
from congress.permissions import membership_can
from congress.selectors import membership_for
from deputies.models import Deputy, DeputyStatus
from liaison.models import ReceptionDay, VoterMessage
from liaison.selectors import message_visible, reception_visible
from suggestions import lifecycle
from suggestions.deputy_selectors import COSIGN_STATUSES
from suggestions.models import (
    DEPUTY_STATUSES,
    CongressSession,
    CosignerStatus,
    Suggestion,
    SuggestionAttachment,
    SuggestionCategory,
    SuggestionCosigner,
    SuggestionKind,
    SuggestionSource,
    SuggestionStatus,
)

MAX_ATTACHMENTS = 10
TITLE_LIMIT = 200
CONTENT_LIMIT = 20000
REFERENCE_LIMIT = 100
REASON_LIMIT = 500
# Sources whose record lives outside this system: the work order, clue number or attendee
# must be written down instead.
SOURCES_WITH_REFERENCE = (
    SuggestionSource.HOTLINE,
    SuggestionSource.PROCURATORATE,
    SuggestionSource.ATTENDEE,
)


def _require(actor: User, congress: Congress, permission: str, obj=None) -> Membership:
    membership = membership_for(user=actor, congress=congress)
    if not membership_can(membership, permission, obj):
        raise DomainError(_("You cannot do this with this suggestion."), code="forbidden")
    return membership


def _check_editable(suggestion: Suggestion) -> None:
    if suggestion.status not in DEPUTY_STATUSES:
        raise DomainError(
            _("This suggestion is “%(status)s”: it can no longer be changed.")
            % {"status": suggestion.get_status_display()},
            code="status",
        )


def _clean_fields(
    *,
    membership: Membership,
    kind: str,
    session: CongressSession | None,
    title: str,
    content: str,
    category: SuggestionCategory | None,
    source: str = SuggestionSource.OWN_RESEARCH,
    source_message: VoterMessage | None = None,
    source_reception: ReceptionDay | None = None,
    source_reference: str = "",
) -> dict:
    if kind not in SuggestionKind.values:
        raise DomainError(_("Choose a suggestion or a motion."), field="kind")
    if session is not None and session.congress_id != membership.congress_id:
        raise DomainError(_("Choose a session of this congress."), field="session")
    if category is None:
        raise DomainError(_("Choose a category."), field="category")
    if not category.is_active or category.congress_id != membership.congress_id:
        raise DomainError(_("This category is no longer in use: choose another."), field="category")
    if source not in SuggestionSource.values:
        raise DomainError(_("Choose where the suggestion came from."), field="source")
    fields = {
        "kind": kind,
        "session": session,
        "title": lifecycle.clean_text(
            title, field="title", label=_("the title"), limit=TITLE_LIMIT
        ),
        "content": lifecycle.clean_text(
            content, field="content", label=_("the content"), limit=CONTENT_LIMIT
        ),
        "category": category,
        "source": source,
        "source_message": None,
        "source_reception": None,
        "source_reference": lifecycle.clean_text(
            source_reference,
            field="source_reference",
            label=_("the work order, clue number or attendee"),
            limit=REFERENCE_LIMIT,
            required=source in SOURCES_WITH_REFERENCE,
        ),
    }
    if source == SuggestionSource.VOTER_MESSAGE and source_message is not None:
        if not message_visible(membership=membership).filter(pk=source_message.pk).exists():
            raise DomainError(_("Choose one of your voter messages."), field="source_message")
        fields["source_message"] = source_message
    if source == SuggestionSource.STATION_VISIT and source_reception is not None:
        if not reception_visible(membership=membership).filter(pk=source_reception.pk).exists():
            raise DomainError(_("Choose one of your reception days."), field="source_reception")
        fields["source_reception"] = source_reception
    return fields


def _check_cosigners(lead: Deputy, cosigners: Iterable[Deputy]) -> list[Deputy]:
    chosen: dict[int, Deputy] = {}
    for deputy in cosigners:
        if deputy.congress_id != lead.congress_id or deputy.status != DeputyStatus.SERVING:
            raise DomainError(
                _("%(name)s is not a serving deputy of this congress.") % {"name": deputy.name},
                field="cosigners",
            )
        if deputy.pk == lead.pk:
            raise DomainError(_("The leading deputy cannot also co-sign."), field="cosigners")
        chosen[deputy.pk] = deputy
    return list(chosen.values())


def _set_cosigners(
    suggestion: Suggestion, cosigners: list[Deputy], *, actor: User, confirmed: bool
) -> list[Deputy]:
    """Invite the new co-signers and drop the ones left out; returns those newly invited.

    `confirmed`: staff entering or correcting a paper suggestion, whose co-signers signed the
    paper. Otherwise a co-signer who confirmed stays (they gave their word), and one who
    declined is invited again when chosen again.
    """
    wanted = {deputy.pk: deputy for deputy in cosigners}
    existing = {row.deputy_id: row for row in suggestion.cosigners.select_related("deputy")}
    for deputy_id, row in existing.items():
        if deputy_id in wanted:
            continue
        if row.status == CosignerStatus.CONFIRMED and not confirmed:
            raise DomainError(
                _("%(name)s has confirmed co-signing and cannot be taken off.")
                % {"name": row.deputy.name},
                field="cosigners",
            )
        row._history_user = actor
        row.delete()
    invited = []
    now = timezone.now()
    for deputy_id, deputy in wanted.items():
        row = existing.get(deputy_id)
        status = CosignerStatus.CONFIRMED if confirmed else CosignerStatus.INVITED
        if row is None:
            row = SuggestionCosigner(
                congress=suggestion.congress,
                suggestion=suggestion,
                deputy=deputy,
                status=status,
                invited_at=now,
                responded_at=now if confirmed else None,
            )
        elif row.status == CosignerStatus.DECLINED or (
            confirmed and row.status != CosignerStatus.CONFIRMED
        ):
            row.status = status
            row.invited_at = now
            row.responded_at = now if confirmed else None
        else:
            continue
        row._history_user = actor
        row.save()
        if not confirmed:
            invited.append(deputy)
    return invited


def _tell_invited(suggestion: Suggestion, deputies: list[Deputy], actor: User) -> None:
    lifecycle.tell(
        suggestion,
        [deputy.user for deputy in deputies if deputy.user_id],
        audience="deputy",
        kind="suggestion_cosign",
        title=_("%(name)s invites you to co-sign a suggestion")
        % {"name": suggestion.lead_deputy.name},
        actor=actor,
        dedupe=f"suggestion-cosign:{suggestion.pk}:{suggestion.version}",
    )


@transaction.atomic
def suggestion_save_draft(
    *,
    actor: User,
    congress: Congress,
    suggestion: Suggestion | None = None,
    lead_deputy: Deputy | None = None,
    kind: str,
    session: CongressSession | None,
    title: str,
    content: str,
    category: SuggestionCategory | None,
    source: str = SuggestionSource.OWN_RESEARCH,
    source_message: VoterMessage | None = None,
    source_reception: ReceptionDay | None = None,
    source_reference: str = "",
    cosigners: Iterable[Deputy] = (),
    expected_version: int | None = None,
) -> Suggestion:
    """Create a draft (give `lead_deputy`) or change one (give `suggestion`): still the deputy's
    to edit (draft or returned). Newly chosen co-signers are invited to confirm on their phone."""
    if suggestion is None:
        if lead_deputy is None:
            raise DomainError(_("Choose the leading deputy."), field="lead_deputy")
        membership = _require(actor, congress, "suggestions.write_suggestions")
        if lead_deputy.congress_id != congress.pk or lead_deputy.status != DeputyStatus.SERVING:
            raise DomainError(
                _("Only a serving deputy of this congress can lead a suggestion."),
                field="lead_deputy",
            )
        # A deputy writes only under their own name; staff enter anyone's from paper.
        is_staff = membership_can(membership, "suggestions.process_suggestions")
        if not is_staff and lead_deputy.user_id != actor.pk:
            raise DomainError(
                _("You can only write suggestions under your own name."), code="forbidden"
            )
        suggestion = Suggestion(congress=congress, lead_deputy=lead_deputy, created_by=actor)
        is_new = True
    else:
        suggestion = lifecycle.locked(suggestion)
        membership = _require(actor, congress, "suggestions.edit_suggestion", suggestion)
        lifecycle.check_version(suggestion, expected_version)
        _check_editable(suggestion)
        is_new = False
    fields = _clean_fields(
        membership=membership,
        kind=kind,
        session=session,
        title=title,
        content=content,
        category=category,
        source=source,
        source_message=source_message,
        source_reception=source_reception,
        source_reference=source_reference,
    )
    chosen = _check_cosigners(suggestion.lead_deputy, cosigners)
    for name, value in fields.items():
        setattr(suggestion, name, value)
    lifecycle.save(suggestion, actor)
    if is_new:
        lifecycle.record(suggestion, action="create", actor=actor)
    # Staff correcting a paper entry add co-signers who signed the paper; anyone else's choice
    # is only an invitation.
    signed_on_paper = suggestion.from_paper and membership_can(
        membership, "suggestions.process_suggestions"
    )
    invited = _set_cosigners(suggestion, chosen, actor=actor, confirmed=signed_on_paper)
    if invited:
        _tell_invited(suggestion, invited, actor)
    return suggestion


@transaction.atomic
def suggestion_paper_enter(
    *,
    actor: User,
    congress: Congress,
    lead_deputy: Deputy,
    cosigners: Iterable[Deputy] = (),
    submit: bool = False,
    attachment=None,
    **fields,
) -> Suggestion:
    """Staff type in a suggestion handed in on paper: the co-signers signed the paper, so they
    count as confirmed; the scanned paper (`attachment`) is attached before it is sent to the
    committee (at once when `submit`: a sent suggestion takes no more files). A refused file or
    a motion short of co-signers leaves nothing entered."""
    membership = _require(actor, congress, "suggestions.process_suggestions")
    if lead_deputy.congress_id != congress.pk or lead_deputy.status != DeputyStatus.SERVING:
        raise DomainError(
            _("Only a serving deputy of this congress can lead a suggestion."),
            field="lead_deputy",
        )
    cleaned = _clean_fields(membership=membership, **fields)
    chosen = _check_cosigners(lead_deputy, cosigners)
    suggestion = Suggestion(
        congress=congress, lead_deputy=lead_deputy, created_by=actor, from_paper=True, **cleaned
    )
    lifecycle.save(suggestion, actor)
    lifecycle.record(suggestion, action="create", actor=actor, note=_("Entered from paper."))
    _set_cosigners(suggestion, chosen, actor=actor, confirmed=True)
    if attachment is not None:
        suggestion_attachment_add(actor=actor, suggestion=suggestion, upload=attachment)
    if submit:
        suggestion = suggestion_submit(actor=actor, suggestion=suggestion)
    return suggestion


def confirmed_cosigner_count(suggestion: Suggestion) -> int:
    return suggestion.cosigners.filter(status=CosignerStatus.CONFIRMED).count()


@transaction.atomic
def suggestion_submit(
    *, actor: User, suggestion: Suggestion, expected_version: int | None = None
) -> Suggestion:
    """Send the suggestion to the committee. A motion needs the congress's number of confirmed
    co-signers first."""
    suggestion = lifecycle.locked(suggestion)
    lifecycle.check_version(suggestion, expected_version)
    if suggestion.status not in DEPUTY_STATUSES:
        raise lifecycle.refusal(suggestion, "submit")
    if lifecycle.is_motion(suggestion):
        needed = suggestion.congress.motion_min_cosigners
        confirmed = confirmed_cosigner_count(suggestion)
        if confirmed < needed:
            raise DomainError(
                _(
                    "A motion needs at least %(needed)s confirmed co-signers; "
                    "%(confirmed)s have confirmed so far."
                )
                % {"needed": needed, "confirmed": confirmed},
                field="cosigners",
            )
    lifecycle.apply(suggestion, "submit", actor=actor)
    lifecycle.tell(
        suggestion,
        lifecycle.staff_users(suggestion.congress),
        audience="staff",
        kind="suggestion_submitted",
        title=_("A new suggestion from %(name)s") % {"name": suggestion.lead_deputy.name},
        actor=actor,
    )
    return suggestion


@transaction.atomic
def suggestion_withdraw(
    *,
    actor: User,
    suggestion: Suggestion,
    reason: str = "",
    expected_version: int | None = None,
) -> Suggestion:
    suggestion = lifecycle.locked(suggestion)
    lifecycle.check_version(suggestion, expected_version)
    reason = lifecycle.clean_text(
        reason, field="reason", label=_("the reason"), limit=REASON_LIMIT, required=False
    )
    was_sent = suggestion.status == SuggestionStatus.SUBMITTED
    lifecycle.apply(suggestion, "withdraw", actor=actor, note=reason)
    if was_sent:
        lifecycle.tell(
            suggestion,
            lifecycle.staff_users(suggestion.congress),
            audience="staff",
            kind="suggestion_withdrawn",
            title=_("%(name)s withdrew a suggestion") % {"name": suggestion.lead_deputy.name},
            actor=actor,
        )
    return suggestion


@transaction.atomic
def suggestion_cosign_respond(
    *, actor: User, suggestion: Suggestion, confirm: bool
) -> SuggestionCosigner:
    """An invited deputy confirms or declines co-signing; the leading deputy is told."""
    suggestion = lifecycle.locked(suggestion)
    row = (
        SuggestionCosigner.objects.select_for_update()
        .filter(suggestion=suggestion, deputy__user=actor)
        .select_related("deputy")
        .first()
    )
    if row is None:
        raise DomainError(_("You were not invited to co-sign this suggestion."), code="forbidden")
    if suggestion.status not in COSIGN_STATUSES:
        raise DomainError(
            _("This suggestion is “%(status)s”: co-signing can no longer change.")
            % {"status": suggestion.get_status_display()},
            code="status",
        )
    status = CosignerStatus.CONFIRMED if confirm else CosignerStatus.DECLINED
    if row.status == status:
        raise DomainError(
            _("You have already confirmed co-signing.")
            if confirm
            else _("You have already declined co-signing."),
            code="status",
        )
    row.status = status
    row.responded_at = timezone.now()
    row._history_user = actor
    row.save()
    if confirm:
        note = _("%(name)s confirmed co-signing.") % {"name": row.deputy.name}
    else:
        note = _("%(name)s declined co-signing.") % {"name": row.deputy.name}
    lifecycle.record(
        suggestion, action="cosign" if confirm else "cosign_decline", actor=actor, note=note
    )
    lead = suggestion.lead_deputy
    if lead.user_id:
        lifecycle.tell(
            suggestion,
            [lead.user],
            audience="deputy",
            kind="suggestion_cosign_answer",
            title=note,
            actor=actor,
        )
    return row


@transaction.atomic
def suggestion_attachment_add(
    *, actor: User, suggestion: Suggestion, upload
) -> SuggestionAttachment:
    suggestion = lifecycle.locked(suggestion)
    _require(actor, suggestion.congress, "suggestions.edit_suggestion", suggestion)
    _check_editable(suggestion)
    if suggestion.attachments.count() >= MAX_ATTACHMENTS:
        raise DomainError(
            _("A suggestion can have at most %(count)s attachments.") % {"count": MAX_ATTACHMENTS},
            field="file",
        )
    try:
        content, name = clean_document(upload)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="file") from error
    attachment = SuggestionAttachment(
        congress=suggestion.congress,
        suggestion=suggestion,
        name=name,
        size=content.size,
        uploaded_by=actor,
    )
    attachment.file.save(name, content, save=False)
    attachment._history_user = actor
    attachment.save()
    lifecycle.save(suggestion, actor, update_fields=[])
    return attachment


@transaction.atomic
def suggestion_attachment_remove(*, actor: User, attachment: SuggestionAttachment) -> None:
    suggestion = lifecycle.locked(attachment.suggestion_id)
    _require(actor, suggestion.congress, "suggestions.edit_suggestion", suggestion)
    _check_editable(suggestion)
    attachment._history_user = actor
    # The file stays in storage: the history keeps a record of what was attached.
    attachment.delete()
    lifecycle.save(suggestion, actor, update_fields=[])
