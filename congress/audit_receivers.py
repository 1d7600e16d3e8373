"""What the audit log hears without being called: sign-ins, lockouts and every state change."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django_fsm.signals import post_transition
from django_scopes import scopes_disabled

from congress.audit import AuditAction, audit_record
from congress.auth_backends import user_by_sign_in_name
from congress.models import Congress, User


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def record_sign_in(sender, request, user, **kwargs) -> None:
    audit_record(action=AuditAction.SIGN_IN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def record_sign_out(sender, request, user, **kwargs) -> None:
    if user is None:  # signing out when not signed in
        return
    audit_record(action=AuditAction.SIGN_OUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def record_failed_sign_in(sender, credentials, request=None, **kwargs) -> None:
    """A wrong password is kept in each congress of the account it named; a name that is no
    account's is kept with no congress (the platform administrator sees those)."""
    typed = str(credentials.get("username") or "")[:150]
    user = user_by_sign_in_name(typed)
    audit_record(
        action=AuditAction.SIGN_IN_FAILED,
        request=request,
        user=user,
        username=typed,
        success=False,
        summary=_("Wrong account name or password") if user is not None else _("No such account"),
    )


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def record_lockout(sender, request, username, ip_address, **kwargs) -> None:
    """Sent when an account reaches the failure limit and again for each try while locked."""
    typed = str(username or "")[:150]
    audit_record(
        action=AuditAction.LOCKED_OUT,
        request=request,
        user=user_by_sign_in_name(typed),
        username=typed,
        success=False,
        summary=_("Too many failed sign-ins: the account is locked."),
    )


ACTOR_ARGUMENTS = ("by", "actor", "user")


def _actor(instance, method_kwargs: dict) -> User | None:
    """Who made a transition: an actor the method was given, else the one the service set for
    the history; else nobody known here (audit_record then takes the signed-in user, if any)."""
    for name in ACTOR_ARGUMENTS:
        value = method_kwargs.get(name)
        if isinstance(value, User):
            return value
    value = getattr(instance, "_history_user", None)
    return value if isinstance(value, User) else None


@receiver(post_transition, dispatch_uid="audit_state_change")
def record_state_change(
    sender, instance, name, source, target, method_kwargs=None, exception=None, **kwargs
) -> None:
    """Every workflow transition of every model, in the congress of the object.

    Written in the transaction of the change, so a change rolled back leaves no event either.
    """
    congress_id = getattr(instance, "congress_id", None)
    detail = {"transition": name, "from": str(source), "to": str(target)}
    if exception is not None:
        detail["error"] = type(exception).__name__
    meta = instance._meta
    with scopes_disabled():  # the object's own congress, whatever scope is active
        audit_record(
            action=AuditAction.STATE_CHANGED,
            user=_actor(instance, method_kwargs or {}),
            congress=Congress(pk=congress_id) if congress_id else None,
            success=exception is None,
            target=instance if instance.pk is not None else None,
            summary=f"{meta.verbose_name} {instance}: {source} → {target}"[:500],
            detail=detail,
        )
