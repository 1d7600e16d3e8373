"""A deputy's duty points on the phone, under /c/<congress_slug>/my/duties/.

One task per screen, large type and big buttons; every page and the report form work without
JavaScript (the photo script only makes uploads smaller). Another deputy's record is refused.
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from congress import data_versions
from congress.access import permission_required, require
from congress.errors import DomainError
from congress.models import Congress
from congress.pages import form_error
from deputies.models import Deputy
from liaison.models import DeputyGroup
from suggestions.models import CongressSession

from . import deputy_selectors as selectors
from . import services
from .deputy_forms import DutyReportForm
from .models import (
    DutyQuarter,
    DutyRecord,
    DutyWarning,
    Ranking,
    RankingCategoryScore,
    RankingEntry,
    RankingGroupEntry,
    RecordStatus,
    RuleItem,
    RuleSet,
    WarningRule,
    WarningStatus,
)

PAGE_SIZE = 20
# The tables the points page is read from (its cached part is keyed by their versions).
POINTS_READS = (
    Congress,
    CongressSession,
    WarningRule,
    Deputy,
    DeputyGroup,
    RankingGroupEntry,
    DutyRecord,
    DutyQuarter,
    DutyWarning,
    Ranking,
    RankingEntry,
    RankingCategoryScore,
    RuleSet,
    RuleItem,
)
TEMPLATES = "scoring/deputy/"

# What each step of a record's history is called on its page.
EVENT_NAMES = {
    "report": gettext_lazy("Reported"),
    "enter": gettext_lazy("Entered by staff"),
    "automatic": gettext_lazy("Recorded by the system"),
    "approve": gettext_lazy("Approved by the station"),
    "reject": gettext_lazy("Not approved"),
    "confirm": gettext_lazy("Confirmed by the committee"),
    "withdraw": gettext_lazy("Withdrawn: the work was undone"),
}


def _not_linked(request: HttpRequest) -> HttpResponse:
    # A deputy's account the roster does not name yet: say so instead of empty numbers.
    return render(request, TEMPLATES + "not_linked.html")


@permission_required("scoring.view_own_points")
def home(request: HttpRequest, congress_slug: str) -> HttpResponse:
    # Read once per version of the tables it reads (congress.data_versions), quarter asked
    # for and day (which quarter is the current one).
    context = data_versions.cached(
        "duty-points",
        congress_id=request.congress.pk,
        reads=POINTS_READS,
        parts=(request.user.pk, request.GET.get("quarter"), timezone.localdate()),
        build=lambda: _home(request),
    )
    if context is None:
        return _not_linked(request)
    return render(request, TEMPLATES + "home.html", context)


def _home(request: HttpRequest) -> dict | None:
    """The deputy's points and standing in the quarter asked for, and their open warnings."""
    deputy = selectors.own_deputy(user=request.user)
    if deputy is None:
        return None
    year, quarter = selectors.chosen_quarter(request.GET.get("quarter"))
    points, standing = selectors.points_and_standing(deputy=deputy, year=year, quarter=quarter)
    return {
        "deputy": deputy,
        "points": points,
        "standing": standing,
        "warnings": list(selectors.my_warnings(user=request.user, active_only=True)),
    }


@permission_required("scoring.report_duties")
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, congress_slug: str) -> HttpResponse:
    deputy = selectors.own_deputy(user=request.user)
    if deputy is None:
        return _not_linked(request)
    form = DutyReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.duty_record_report(
                actor=request.user,
                deputy=deputy,
                category=data["category"],
                occurred_on=data["occurred_on"],
                description=data["description"],
                photos=data["photos"],
            )
        except DomainError as error:
            form_error(form, error)
        else:
            flash.success(request, _("Your duty was recorded. It now awaits the station's audit."))
            return redirect(
                "my_duties:record", congress_slug=request.congress.slug, record_id=record.pk
            )
    context = {
        "form": form,
        "items": form.items(),
        "chosen": form.chosen_category(),
        # A browser cannot keep chosen files across a refused form: ask for them again.
        "photos_lost": bool(form.errors and request.FILES),
    }
    return render(request, TEMPLATES + "report.html", context, status=400 if form.errors else 200)


@permission_required("scoring.view_own_points")
def records(request: HttpRequest, congress_slug: str) -> HttpResponse:
    chosen = selectors.parse_quarter(request.GET.get("quarter") or "")
    year, quarter = chosen if chosen else (None, None)
    queryset = selectors.my_records(user=request.user, year=year, quarter=quarter)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    current_year, current_quarter = selectors.current_quarter()
    quarters = [
        f"{y}Q{q}"
        for y in (current_year, current_year - 1)
        for q in (4, 3, 2, 1)
        if (y, q) <= (current_year, current_quarter)
    ]
    context = {
        "page": page,
        "quarter": f"{year}Q{quarter}" if chosen else "",
        "quarters": quarters,
        "linked": selectors.own_deputy(user=request.user) is not None,
    }
    return render(request, TEMPLATES + "records.html", context)


@permission_required("scoring.view_own_points")
def record(request: HttpRequest, congress_slug: str, record_id: int) -> HttpResponse:
    duty_record: DutyRecord = get_object_or_404(
        selectors.record_for_page(record_id=record_id), pk=record_id
    )
    require(request, "scoring.view_own_record", duty_record)
    photos = [
        (photo, selectors.photo_url(congress_slug=request.congress.slug, photo_id=photo.pk))
        for photo in duty_record.photos.all()
    ]
    events = [
        (event, EVENT_NAMES.get(event.action, event.action)) for event in duty_record.events.all()
    ]
    context = {
        "record": duty_record,
        "photos": photos,
        "events": events,
        "statuses": RecordStatus,
    }
    return render(request, TEMPLATES + "record.html", context)


@permission_required("scoring.view_own_points")
def warnings(request: HttpRequest, congress_slug: str) -> HttpResponse:
    context = {
        "warnings": list(selectors.my_warnings(user=request.user)),
        "active": WarningStatus.ACTIVE,
        "linked": selectors.own_deputy(user=request.user) is not None,
    }
    return render(request, TEMPLATES + "warnings.html", context)
