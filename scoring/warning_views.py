"""Staff pages for warnings: the list, a warning with its talks (约谈), and the warning rules.

Leaders read the list and the warnings; committee staff also record talks and tune the rules.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congress.access import permission_required
from congress.errors import DomainError
from congress.pages import form_error, post_only
from congress.permissions import membership_can

from . import warning_selectors as selectors
from . import warning_services as services
from .models import DutyWarning, WarningRule
from .warning_forms import TalkForm, WarningFilterForm, WarningRuleForm

PAGE_SIZE = 50
VIEW = "scoring.view_warnings"
MANAGE = "scoring.manage_warnings"


def _fragment(request: HttpRequest, template: str, target: str) -> str:
    if request.htmx and request.htmx.target == target:
        return f"{template}#{target}"
    return template


@permission_required(VIEW)
def warning_list(request: HttpRequest, congress_slug: str) -> HttpResponse:
    form = WarningFilterForm(request.GET, quarters=selectors.ranked_quarters())
    filters = form.filters()
    page = Paginator(selectors.warning_list(filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "counts": selectors.warning_counts(),
        "can_manage": membership_can(request.membership, MANAGE),
    }
    return render(
        request, _fragment(request, "scoring/warnings/list.html", "warning-table"), context
    )


def _warning_get(warning_id: int) -> DutyWarning:
    # The scoped manager limits the lookup to this congress: another congress's id is a 404.
    return get_object_or_404(selectors.warning_detail(warning_id=warning_id))


def _detail(
    request: HttpRequest, warning: DutyWarning, form: TalkForm | None = None, status: int = 200
) -> HttpResponse:
    can_manage = membership_can(request.membership, MANAGE)
    if form is None and can_manage:
        form = TalkForm()
    context = {
        "warning": warning,
        "talks": selectors.warning_talks(warning=warning),
        "others": selectors.deputy_other_warnings(warning=warning),
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "scoring/warnings/detail.html", context, status=status)


@permission_required(VIEW)
def warning_detail(request: HttpRequest, congress_slug: str, warning_id: int) -> HttpResponse:
    return _detail(request, _warning_get(warning_id))


@permission_required(MANAGE)
def talk_create(request: HttpRequest, congress_slug: str, warning_id: int) -> HttpResponse:
    warning = _warning_get(warning_id)
    if refused := post_only(request):
        return refused
    form = TalkForm(request.POST)
    if form.is_valid():
        try:
            services.warning_talk_record(actor=request.user, warning=warning, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The talk was recorded."))
            return redirect(
                "duty_warnings:detail", congress_slug=congress_slug, warning_id=warning.pk
            )
    return _detail(request, warning, form, status=400)


# Warning rules -------------------------------------------------------------------------------


@permission_required(VIEW)
def rule_list(request: HttpRequest, congress_slug: str) -> HttpResponse:
    rules = selectors.warning_rule_list()
    context = {
        "rules": rules,
        "parameters": services.RULE_PARAMETERS,
        "can_manage": membership_can(request.membership, MANAGE),
    }
    return render(request, "scoring/warnings/rules.html", context)


@permission_required(MANAGE)
def rules_install(request: HttpRequest, congress_slug: str) -> HttpResponse:
    if refused := post_only(request):
        return refused
    count = services.warning_rules_install(actor=request.user, congress=request.congress)
    if count:
        messages.success(request, _("The starting warning rules were installed."))
    return redirect("duty_warnings:rules", congress_slug=congress_slug)


@permission_required(MANAGE)
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, congress_slug: str, warning_rule_id: int) -> HttpResponse:
    rule = get_object_or_404(WarningRule.objects.all(), pk=warning_rule_id)
    parameters = services.RULE_PARAMETERS.get(rule.condition, ())
    initial = {name: getattr(rule, name) for name in (*parameters, "is_active")}
    form = WarningRuleForm(request.POST or None, initial=initial, parameters=parameters)
    if request.method == "POST" and form.is_valid():
        try:
            services.warning_rule_update(actor=request.user, rule=rule, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(rule)s was saved.") % {"rule": rule})
            return redirect("duty_warnings:rules", congress_slug=congress_slug)
    status = 400 if form.errors else 200
    context = {"rule": rule, "form": form}
    return render(request, "scoring/warnings/rule_form.html", context, status=status)
