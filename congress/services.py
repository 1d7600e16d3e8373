"""Writes for the tenant: congresses, memberships and jobs."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from congress.audit import AuditAction, audit_record
from congress.errors import DomainError, full_clean_or_refuse
from congress.models import Congress, JobRun, JobStatus, Membership, Role, User

# Roles that carry one of the three administrative duties (三员分立). Only the security
# administrator grants them (congress.manage_roles); the committee administrator, who creates
# accounts, may add an account meant for one, but it starts inactive and holds no right until the
# security administrator has checked and activated it.
ADMINISTRATIVE_ROLES = frozenset({Role.COMMITTEE_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})


@transaction.atomic
def congress_create(*, actor: User, name: str, slug: str, level: str, **fields) -> Congress:
    """Platform superusers create congresses; everyone else is refused."""
    if not actor.is_superuser:
        raise DomainError(_("Only a platform administrator can create a congress."))
    congress = Congress(name=name, slug=slug, level=level, **fields)
    _full_clean(congress)
    congress.save()
    return congress


SETTINGS = frozenset(
    {
        "reply_deadline_months",
        "reply_deadline_max_months",
        "rehandling_deadline_months",
        "voter_message_reply_working_days",
        "motion_min_cosigners",
        "co_handling_opinion_months",
        "unit_return_working_days",
        "suggestion_reminder_days",
        "reply_classes",
    }
)
# The security administrator's: who may change what is kept apart (三员分立).
PASSWORD_POLICY = frozenset({"password_min_length", "password_min_classes"})


def congress_update_settings(*, actor: User, congress: Congress, **fields) -> Congress:
    """The committee administrator's working settings (deadlines, reminders, reply classes)."""
    return _update_fields(actor, congress, fields, SETTINGS, AuditAction.SETTINGS_CHANGED)


def password_policy_update(*, actor: User, congress: Congress, **fields) -> Congress:
    """The security administrator's password rules for the congress's members: from the
    platform's floor up, applied to every password set from now on."""
    return _update_fields(
        actor, congress, fields, PASSWORD_POLICY, AuditAction.PASSWORD_POLICY_CHANGED
    )


@transaction.atomic
def _update_fields(actor, congress, fields: dict, allowed, action: str) -> Congress:
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(_("These settings cannot be changed here: %s") % ", ".join(unknown))
    before = {name: getattr(congress, name) for name in fields}
    for name, value in fields.items():
        setattr(congress, name, value)
    _full_clean(congress)
    congress._history_user = actor
    congress.save(update_fields=[*fields])
    changes = {
        name: [before[name], value] for name, value in fields.items() if before[name] != value
    }
    audit_record(
        action=action,
        user=actor,
        congress=congress,
        target=congress,
        summary=", ".join(str(Congress._meta.get_field(name).verbose_name) for name in changes),
        detail={"changes": changes},
    )
    return congress


@transaction.atomic
def membership_create(
    *,
    actor: User,
    congress: Congress,
    role: str,
    username: str,
    full_name: str = "",
    phone: str = "",
    password: str = "",
) -> Membership:
    """Add a person to the congress: an existing account by username, or a new account.

    A membership in one of the administrative roles starts inactive unless the security
    administrator adds it (see ADMINISTRATIVE_ROLES).
    """
    user = User.objects.filter(username=username).first()
    created_account = user is None
    if user is None:
        if not full_name:
            raise DomainError(_("Enter the name for a new account."), field="full_name")
        if not password:
            raise DomainError(_("Set an initial password for a new account."), field="password")
        user = User(username=username, full_name=full_name, phone=phone)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise DomainError(" ".join(error.messages), field="password") from error
        user.set_password(password)
        user.must_change_password = True  # someone else typed it: changed at first sign-in
        _full_clean(user)
        user.save()
    elif Membership.objects.filter(user=user).exists():
        raise DomainError(_("This person is already a member of this congress."), field="username")
    is_active = role not in ADMINISTRATIVE_ROLES or _grants_roles(actor, congress)
    membership = Membership(congress=congress, user=user, role=role, is_active=is_active)
    _full_clean(membership, exclude=["congress", "user"])
    membership._history_user = actor
    membership.save()
    audit_record(
        action=AuditAction.MEMBER_CREATED,
        user=actor,
        congress=congress,
        target=membership,
        summary=f"{user.get_full_name()} ({user.username}): {membership.get_role_display()}"
        + ("" if is_active else " · " + _("inactive until the security administrator activates")),
        detail={
            "member": user.username,
            "role": role,
            "is_active": is_active,
            "new_account": created_account,
        },
    )
    return membership


def _grants_roles(actor: User, congress: Congress) -> bool:
    from congress.permissions import membership_can

    if actor.is_superuser:
        return True
    membership = Membership.objects.filter(congress=congress, user=actor).first()
    return membership_can(membership, "congress.manage_roles")


@transaction.atomic
def membership_change(
    *, actor: User, membership: Membership, role: str, is_active: bool
) -> Membership:
    """Change a member's role or active flag: a permission change, so it is audited."""
    if membership.user_id == actor.pk and (role != membership.role or not is_active):
        raise DomainError(_("You cannot change your own role or deactivate yourself."))
    old_role, was_active = membership.role, membership.is_active
    old_role_display = membership.get_role_display()
    membership.role = role
    membership.is_active = is_active
    _full_clean(membership, exclude=["congress", "user"])
    membership._history_user = actor
    membership.save(update_fields=["role", "is_active"])
    parts = []
    if role != old_role:
        parts.append(f"{old_role_display} → {membership.get_role_display()}")
    if is_active != was_active:
        parts.append(_("activated") if is_active else _("deactivated"))
    audit_record(
        action=AuditAction.ROLE_CHANGED if role != old_role else AuditAction.MEMBER_CHANGED,
        user=actor,
        congress=Congress(pk=membership.congress_id),
        target=membership,
        summary=f"{membership.user.get_full_name()} ({membership.user.username}): "
        + ("; ".join(parts) or _("no change")),
        detail={
            "member": membership.user.username,
            "role": [old_role, role],
            "is_active": [was_active, is_active],
        },
    )
    return membership


@transaction.atomic
def account_unlock(*, actor: User, membership: Membership) -> int:
    """Lift a member's lockout after failed sign-ins, under each name they sign in with.

    Returns how many recorded failures were cleared; the unlocking is audited either way.
    """
    from axes.utils import reset

    user = membership.user
    cleared = sum(reset(username=name) for name in {user.username, user.phone} if name)
    audit_record(
        action=AuditAction.UNLOCKED,
        user=actor,
        congress=Congress(pk=membership.congress_id),
        target=membership,
        summary=f"{user.get_full_name()} ({user.username})",
        detail={"member": user.username, "cleared": cleared},
    )
    return cleared


def _full_clean(instance, exclude=None) -> None:
    full_clean_or_refuse(instance, exclude=exclude)


def job_run_enqueue(
    *, congress: Congress, task, label: str, actor: User | None = None, **kwargs
) -> JobRun:
    """Record a job for the congress and send it to the job runner once the record is saved."""
    with scope(congress=congress):
        job_run = JobRun.objects.create(
            congress=congress, task_name=task.name, label=label, created_by=actor
        )
    transaction.on_commit(
        lambda: task.delay(congress_id=congress.pk, job_run_id=job_run.pk, **kwargs)
    )
    return job_run


def job_run_update(job_run: JobRun, **fields) -> None:
    for name, value in fields.items():
        setattr(job_run, name, value)
    JobRun.objects.filter(pk=job_run.pk).update(**fields)


def job_run_start(job_run: JobRun) -> None:
    job_run_update(job_run, status=JobStatus.RUNNING, started_at=timezone.now())
