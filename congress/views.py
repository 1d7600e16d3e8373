"""Pages of the tenant app: choosing a congress, home per role, members, settings, audit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congress import audit_selectors, data_versions, selectors, services
from congress.access import membership_get, permission_required
from congress.errors import DomainError
from congress.forms import (
    CongressSettingsForm,
    LoginForm,
    MemberChangeForm,
    MemberCreateForm,
    PasswordPolicyForm,
)
from congress.models import Congress, Role
from congress.pages import form_error, post_only
from congress.password_validation import PASSWORD_FLOOR_CLASSES, PASSWORD_FLOOR_LENGTH
from congress.permissions import STAFF_ROLES, membership_can
from deputies import selectors as deputy_selectors
from deputies.models import Deputy
from liaison.models import (
    DeputyGroup,
    GroupMembership,
    LiaisonStation,
    ReceptionDay,
    ReceptionDuty,
    StationDeputy,
)
from liaison.reception_selectors import next_reception_for_deputy_user

HOME_TEMPLATES = {
    Role.COMMITTEE_ADMIN: "congress/home_staff.html",
    Role.COMMITTEE_STAFF: "congress/home_staff.html",
    Role.STATION_STAFF: "congress/home_station.html",
    Role.UNIT_LIAISON: "congress/home_unit.html",
    Role.LEADER: "congress/home_leader.html",
    Role.DEPUTY: "congress/home_deputy.html",
    Role.SECURITY_ADMIN: "congress/home_security.html",
    Role.AUDITOR: "congress/home_auditor.html",
}


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def lockout(request: HttpRequest, credentials=None, *args, **kwargs) -> HttpResponse:
    """What a locked-out account sees (django-axes calls this)."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/lockout.html", {"minutes": minutes}, status=429)


@login_required
def root(request: HttpRequest) -> HttpResponse:
    """After signing in: straight into the only congress, or a choice among several."""
    memberships = selectors.membership_list_for_user(user=request.user)
    if len(memberships) == 1:
        return redirect("congress:home", congress_slug=memberships[0].congress.slug)
    return render(request, "congress/choose.html", {"memberships": memberships})


# The tables a deputy's home is read from (its cached part is keyed by their versions).
DEPUTY_HOME_READS = (
    Deputy,
    DeputyGroup,
    GroupMembership,
    LiaisonStation,
    StationDeputy,
    ReceptionDay,
    ReceptionDuty,
)


@permission_required("congress.view_home")
def home(request: HttpRequest, congress_slug: str) -> HttpResponse:
    template = HOME_TEMPLATES[request.membership.role]
    context = {}
    if request.membership.role in STAFF_ROLES:
        context["member_count"] = selectors.member_list(congress=request.congress).count()
        context["recent_changes"] = selectors.audit_log_recent(limit=5)
    elif request.membership.role == Role.DEPUTY:
        # Read once per version of the tables it reads (congress.data_versions), and per day.
        today = timezone.localdate()
        context.update(
            data_versions.cached(
                "deputy-home",
                congress_id=request.congress.pk,
                reads=DEPUTY_HOME_READS,
                parts=(request.user.pk, today),
                build=lambda: _deputy_home(request.user, today=today),
            )
        )
    elif request.membership.role == Role.SECURITY_ADMIN:
        context["member_count"] = selectors.member_list(congress=request.congress).count()
        context["locked"] = audit_selectors.locked_accounts(congress=request.congress)
    elif request.membership.role == Role.AUDITOR:
        context.update(audit_selectors.audit_overview())
    return render(request, template, context)


def _deputy_home(user, *, today) -> dict:
    """A deputy's home: the deputy, their groups and stations, and their next reception day."""
    deputy = deputy_selectors.deputy_for_user(user=user)
    if deputy is None:
        return {}
    return {
        "deputy": deputy,
        **deputy_selectors.deputy_home_links(deputy=deputy),
        "next_reception": next_reception_for_deputy_user(user, today=today, deputy_ids=[deputy.pk]),
    }


@permission_required("congress.view_members")
def member_list(request: HttpRequest, congress_slug: str) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    if role not in Role.values:
        role = ""
    members = selectors.member_list(congress=request.congress, search=search, role=role)
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "search": search,
        "role": role,
        "roles": Role.choices,
        "can_add": membership_can(request.membership, "congress.manage_members"),
        "can_change": membership_can(request.membership, "congress.manage_roles"),
    }
    template = "congress/member_list.html"
    if request.htmx and request.htmx.target == "member-table":
        template += "#member-table"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@permission_required("congress.manage_members")
def member_create(request: HttpRequest, congress_slug: str) -> HttpResponse:
    form = MemberCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_create(
                actor=request.user, congress=request.congress, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": membership.user})
            return redirect("congress:member_list", congress_slug=congress_slug)
    return render(request, "congress/member_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@permission_required("congress.manage_roles")
def member_change(request: HttpRequest, congress_slug: str, membership_id: int) -> HttpResponse:
    membership = membership_get(request, membership_id)
    initial = {"role": membership.role, "is_active": membership.is_active}
    form = MemberChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change(
                actor=request.user, membership=membership, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(name)s was updated.") % {"name": membership.user})
            return redirect("congress:member_list", congress_slug=congress_slug)
    return render(request, "congress/member_form.html", {"form": form, "membership": membership})


@require_http_methods(["GET", "POST"])
def _congress_copy(request: HttpRequest) -> Congress:
    return Congress.objects.get(pk=request.congress.pk)


@permission_required("congress.change_settings")
def congress_settings(request: HttpRequest, congress_slug: str) -> HttpResponse:
    # A copy for the form: validating writes the typed values into its instance, and the
    # service must see the values before them to record what changed.
    form = CongressSettingsForm(request.POST or None, instance=_congress_copy(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.congress_update_settings(
                actor=request.user, congress=request.congress, **form.settings_values()
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The settings were saved."))
            return redirect("congress:settings", congress_slug=congress_slug)
    return render(request, "congress/settings.html", {"form": form})


@permission_required("congress.view_change_history")
def audit_log(request: HttpRequest, congress_slug: str) -> HttpResponse:
    """The change history of the congress's records (not the security audit log)."""
    choices = selectors.audit_model_choices()
    model_label = request.GET.get("model", "")
    if model_label not in dict(choices):
        model_label = ""
    entries = selectors.audit_log_recent(limit=100, model_label=model_label)
    return render(
        request,
        "congress/audit_log.html",
        {"entries": entries, "model_choices": choices, "model_label": model_label},
    )


@permission_required("congress.unlock_accounts")
def account_security(request: HttpRequest, congress_slug: str) -> HttpResponse:
    """The security administrator's page: locked accounts to unlock, and the password policy."""
    context = {
        "locked": audit_selectors.locked_accounts(congress=request.congress),
        "policy": audit_selectors.password_policy(congress=request.congress),
        "can_change_policy": membership_can(request.membership, "congress.manage_password_policy"),
    }
    return render(request, "congress/security.html", context)


@permission_required("congress.manage_password_policy")
def password_policy(request: HttpRequest, congress_slug: str) -> HttpResponse:
    form = PasswordPolicyForm(request.POST or None, instance=_congress_copy(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.password_policy_update(
                actor=request.user, congress=request.congress, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The password rules were saved."))
            return redirect("congress:security", congress_slug=congress_slug)
    context = {
        "form": form,
        "floor_length": PASSWORD_FLOOR_LENGTH,
        "floor_classes": PASSWORD_FLOOR_CLASSES,
    }
    return render(request, "congress/password_policy.html", context)


@permission_required("congress.unlock_accounts")
def account_unlock(request: HttpRequest, congress_slug: str, membership_id: int) -> HttpResponse:
    membership = membership_get(request, membership_id)
    if refused := post_only(request):
        return refused
    services.account_unlock(actor=request.user, membership=membership)
    messages.success(request, _("%(name)s can sign in again.") % {"name": membership.user})
    return redirect("congress:security", congress_slug=congress_slug)


@permission_required("congress.view_jobs")
def job_list(request: HttpRequest, congress_slug: str) -> HttpResponse:
    return render(request, "congress/job_list.html", {"job_runs": selectors.job_run_list()})


def password_change_done(request: HttpRequest) -> HttpResponse:
    messages.success(request, _("Your password was changed."))
    return redirect(reverse("root"))
