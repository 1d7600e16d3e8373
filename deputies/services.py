"""Writes for the roster: deputies, their status changes and their public-page token."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congress.errors import DomainError, full_clean_or_refuse
from congress.models import Congress, User
from deputies.models import Deputy, DeputyStatus, DeputyStatusChange, new_public_token

EDITABLE_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "party",
    "occupation_class",
    "workplace_title",
    "phone",
    "level",
    "term",
    "electoral_district",
    "photo",
)


def _full_clean(deputy: Deputy) -> None:
    full_clean_or_refuse(deputy, exclude=["congress", "user"])


def _check_phone_free(deputy: Deputy) -> None:
    if deputy.phone and (Deputy.objects.filter(phone=deputy.phone).exclude(pk=deputy.pk).exists()):
        raise DomainError(
            _("Another deputy on the roster already has this mobile number."), field="phone"
        )


@transaction.atomic
def deputy_create(*, actor: User, congress: Congress, **fields) -> Deputy:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be set here: %s") % ", ".join(sorted(unknown)))
    deputy = Deputy(congress=congress, **fields)
    _check_phone_free(deputy)
    _full_clean(deputy)
    deputy._history_user = actor
    deputy.save()
    return deputy


@transaction.atomic
def deputy_update(*, actor: User, deputy: Deputy, **fields) -> Deputy:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be set here: %s") % ", ".join(sorted(unknown)))
    for name, value in fields.items():
        setattr(deputy, name, value)
    _check_phone_free(deputy)
    _full_clean(deputy)
    deputy._history_user = actor
    deputy.save()
    return deputy


@transaction.atomic
def deputy_change_status(
    *, actor: User, deputy: Deputy, status: str, changed_on: date, reason: str
) -> DeputyStatusChange:
    """Record a resignation, removal, end of term (or a return to serving), with date and reason."""
    if status not in DeputyStatus.values:
        raise DomainError(_("Unknown status."), field="status")
    if status == deputy.status:
        raise DomainError(_("The deputy already has this status."), field="status")
    if not reason.strip():
        raise DomainError(_("Give the reason for the change."), field="reason")
    if changed_on > date.today():
        raise DomainError(_("The date cannot be in the future."), field="changed_on")
    if deputy.status_changed_on and changed_on < deputy.status_changed_on:
        raise DomainError(
            _("The date cannot be before the last status change (%(date)s).")
            % {"date": deputy.status_changed_on.isoformat()},
            field="changed_on",
        )
    change = DeputyStatusChange.objects.create(
        congress=deputy.congress,
        deputy=deputy,
        from_status=deputy.status,
        to_status=status,
        changed_on=changed_on,
        reason=reason.strip(),
        recorded_by=actor,
    )
    deputy.status = status
    deputy.status_changed_on = changed_on
    deputy._history_user = actor
    deputy.save(update_fields=["status", "status_changed_on", "updated_at"])
    return change


@transaction.atomic
def deputy_rotate_public_token(*, actor: User, deputy: Deputy) -> Deputy:
    """A new QR token: the old code stops working at once (a lost or misused card)."""
    deputy.public_token = new_public_token()
    deputy._history_user = actor
    deputy.save(update_fields=["public_token", "updated_at"])
    return deputy


@transaction.atomic
def deputy_create_account(*, actor: User, deputy: Deputy, password: str) -> tuple[User, bool]:
    """Give a deputy a sign-in: the mobile number is the username, and the role is deputy.

    An existing account with that number is linked rather than duplicated, and keeps its own
    password; returns the account and whether it was created.
    """
    from django.contrib.auth.password_validation import validate_password

    from congress.models import Membership, Role

    if deputy.user_id:
        raise DomainError(_("This deputy already has an account."))
    if not deputy.phone:
        raise DomainError(_("Enter the deputy's mobile number first: it is the sign-in name."))
    user = User.objects.filter(username=deputy.phone).first()
    created = user is None
    if created:
        if not password:
            raise DomainError(_("Set an initial password for a new account."), field="password")
        user = User(username=deputy.phone, full_name=deputy.name, phone=deputy.phone)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise DomainError(" ".join(error.messages), field="password") from error
        user.set_password(password)
        user.must_change_password = True  # someone else typed it: changed at first sign-in
        user.save()
    membership = Membership.objects.filter(user=user).first()
    if membership is None:
        membership = Membership(congress=deputy.congress, user=user, role=Role.DEPUTY)
        membership._history_user = actor
        membership.save()
    elif membership.role != Role.DEPUTY:
        raise DomainError(
            _("The account %(username)s already has another role in this congress.")
            % {"username": user.username}
        )
    deputy.user = user
    deputy._history_user = actor
    deputy.save(update_fields=["user", "updated_at"])
    return user, created
