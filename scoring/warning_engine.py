"""The warning engine: after each ranking, raise the warnings whose rules hold and clear the rest.

Each rule is one set-based query over the ranking snapshots (and, for two rules, the duty
records and suggestions), never one query per deputy. Warnings follow the latest ranking:
evaluating a ranking again changes nothing, and an older ranking than the latest is left alone.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope

from congress.models import Congress, Membership, Role
from congress.notifications import Notice, notify_many

from .models import (
    DutyWarning,
    Period,
    Ranking,
    RankingEntry,
    WarningCondition,
    WarningLevel,
    WarningRule,
    WarningStatus,
)
from .selectors import previous_quarter, quarter_bounds

KIND_DEPUTY = "duty_warning"
KIND_STAFF = "duty_warnings_summary"
LEVEL_ORDER = {WarningLevel.YELLOW: 1, WarningLevel.ORANGE: 2, WarningLevel.RED: 3}


def bottom_size(deputy_count: int, share_percent: int) -> int:
    """How many places from the bottom a share covers: 10 % of 45 deputies is the bottom 5."""
    return math.ceil(deputy_count * share_percent / 100)


def quarter_label(year: int, quarter: int) -> str:
    return _("%(year)s Q%(quarter)s") % {"year": year, "quarter": quarter}


def latest_complete_year(ranking: Ranking) -> int:
    """The last year whose fourth quarter is covered by this ranking."""
    return ranking.year if ranking.quarter == 4 else ranking.year - 1


def _points(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


# Conditions: each returns {deputy id: reason} for the deputies for whom the rule holds ------


def _bottom_quarter(rule: WarningRule, ranking: Ranking) -> dict[int, str]:
    size = bottom_size(ranking.deputy_count, rule.share_percent)
    rows = RankingEntry.objects.filter(
        ranking=ranking, period=Period.QUARTER, rank_from_bottom__lte=size
    ).values_list("deputy_id", "rank_from_bottom", "points")
    label = quarter_label(ranking.year, ranking.quarter)
    # Translated once: thousands of deputies share the sentence.
    reason = _(
        "%(label)s: %(points)s points, number %(rank)s from the bottom of %(count)s "
        "deputies (the bottom %(share)s%%)."
    )
    return {
        deputy_id: reason
        % {
            "label": label,
            "points": _points(points),
            "rank": rank,
            "count": ranking.deputy_count,
            "share": rule.share_percent,
        }
        for deputy_id, rank, points in rows
    }


def _rankings(ranking: Ranking, condition: Q) -> list[Ranking]:
    """The rankings matching `condition`, with this ranking as given: while it is being computed
    its row may not hold its deputy count yet."""
    return [
        ranking if item.pk == ranking.pk else item for item in Ranking.objects.filter(condition)
    ]


def _in_bottom_of_all(rule: WarningRule, rankings: list[Ranking], period: str) -> set[int]:
    """Deputies in the bottom share of every one of these rankings (for the period)."""
    condition = Q()
    for item in rankings:
        condition |= Q(
            ranking=item, rank_from_bottom__lte=bottom_size(item.deputy_count, rule.share_percent)
        )
    return set(
        RankingEntry.objects.filter(condition, period=period)
        .order_by()  # the model's ordering would split the groups by rank
        .values("deputy_id")
        .annotate(times=Count("ranking", distinct=True))
        .filter(times=len(rankings))
        .values_list("deputy_id", flat=True)
    )


def _bottom_quarters_running(rule: WarningRule, ranking: Ranking) -> dict[int, str]:
    keys = [(ranking.year, ranking.quarter)]
    while len(keys) < rule.runs:
        keys.append(previous_quarter(*keys[-1]))
    wanted = Q()
    for year, quarter in keys:
        wanted |= Q(year=year, quarter=quarter)
    rankings = _rankings(ranking, wanted)
    if len(rankings) < len(keys):
        return {}
    first, last = keys[-1], keys[0]
    reason = _(
        "In the bottom %(share)s%% of %(runs)s quarters running (%(first)s to %(last)s)."
    ) % {
        "share": rule.share_percent,
        "runs": rule.runs,
        "first": quarter_label(*first),
        "last": quarter_label(*last),
    }
    return dict.fromkeys(_in_bottom_of_all(rule, rankings, Period.QUARTER), reason)


def _bottom_years_running(rule: WarningRule, ranking: Ranking) -> dict[int, str]:
    last = latest_complete_year(ranking)
    years = list(range(last - rule.runs + 1, last + 1))
    rankings = _rankings(ranking, Q(year__in=years, quarter=4))
    if len(rankings) < len(years):
        return {}
    reason = _(
        "In the bottom %(share)s%% of the year for %(runs)s years running (%(first)s to %(last)s)."
    ) % {"share": rule.share_percent, "runs": rule.runs, "first": years[0], "last": last}
    return dict.fromkeys(_in_bottom_of_all(rule, rankings, Period.YEAR), reason)


def _few_recess_activities(rule: WarningRule, ranking: Ranking) -> dict[int, str]:
    """Fewer duties between congress meetings in the last complete year than the rule asks:
    the year's ranking counted them (outside the days the congress sat) as it scored them."""
    year = latest_complete_year(ranking)
    if (ranking.year, ranking.quarter) == (year, 4):
        year_ranking = ranking
    else:
        year_ranking = Ranking.objects.filter(year=year, quarter=4).first()
    if year_ranking is None:
        return {}
    rows = RankingEntry.objects.filter(
        ranking=year_ranking, period=Period.YEAR, recess_count__lt=rule.minimum
    ).values_list("deputy_id", "recess_count")
    reason = _(
        "%(count)s duties between congress meetings in %(year)s, fewer than the "
        "%(minimum)s expected."
    )
    return {
        deputy_id: reason % {"count": count, "year": year, "minimum": rule.minimum}
        for deputy_id, count in rows
    }


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _no_suggestion_in_term(rule: WarningRule, ranking: Ranking) -> dict[int, str]:
    from suggestions.models import CongressSession, Suggestion, SuggestionStatus

    quarter_end = quarter_bounds(ranking.year, ranking.quarter)[1]
    # A term starts on its first congress session (the one that elected its leaders).
    starts: dict[int, date] = {}
    for term, starts_on in CongressSession.objects.filter(term__isnull=False).values_list(
        "term", "starts_on"
    ):
        if term not in starts or starts_on < starts[term]:
            starts[term] = starts_on
    due = {
        term: start
        for term, start in starts.items()
        if start + relativedelta(months=rule.grace_months) <= quarter_end
    }
    if not due:
        return {}
    until = _day_start(quarter_end + timedelta(days=1))
    condition = Q()
    for term, start in due.items():
        led = Suggestion.objects.filter(
            lead_deputy_id=OuterRef("deputy_id"),
            submitted_at__gte=_day_start(start),
            submitted_at__lt=until,
        ).exclude(status__in=[SuggestionStatus.DRAFT, SuggestionStatus.WITHDRAWN])
        condition |= Q(deputy__term=term) & ~Exists(led)
    rows = RankingEntry.objects.filter(
        condition, ranking=ranking, period=Period.QUARTER
    ).values_list("deputy_id", "deputy__term")
    reasons = {
        term: _("No suggestion led since the term began on %(date)s.") % {"date": start.isoformat()}
        for term, start in due.items()
    }
    return {deputy_id: reasons[term] for deputy_id, term in rows}


CONDITIONS = {
    WarningCondition.BOTTOM_QUARTER: _bottom_quarter,
    WarningCondition.BOTTOM_QUARTERS_RUNNING: _bottom_quarters_running,
    WarningCondition.BOTTOM_YEARS_RUNNING: _bottom_years_running,
    WarningCondition.FEW_RECESS_ACTIVITIES: _few_recess_activities,
    WarningCondition.NO_SUGGESTION_IN_TERM: _no_suggestion_in_term,
}


def rule_matches(*, rule: WarningRule, ranking: Ranking) -> dict[int, str]:
    """The deputies for whom the rule holds at this ranking, with the reason for each."""
    return CONDITIONS[rule.condition](rule, ranking)


# Raising and clearing -----------------------------------------------------------------------


def _a_later_ranking_exists(ranking: Ranking) -> bool:
    return Ranking.objects.filter(
        Q(year__gt=ranking.year) | Q(year=ranking.year, quarter__gt=ranking.quarter)
    ).exists()


def _link(name: str, congress: Congress, query: str = "") -> str:
    try:
        return reverse(name, kwargs={"congress_slug": congress.slug}) + query
    except NoReverseMatch:
        return ""


@transaction.atomic
def warnings_evaluate(*, ranking: Ranking) -> dict:
    """Raise the warnings whose rules hold at this ranking and clear those that no longer do.

    Returns {"raised": n, "cleared": n, "active": n}: this ranking's changes and the congress's
    active warnings afterwards. The deputy and committee staff are told in-app.
    """
    congress = ranking.congress
    with scope(congress=congress), translation.override(settings.LANGUAGE_CODE):
        if not WarningRule.objects.exists():
            from .services import warning_rules_install_defaults

            warning_rules_install_defaults(congress=congress)
        # Locking the rules serialises two evaluations of one congress.
        rules = list(WarningRule.objects.select_for_update().order_by("pk"))
        if _a_later_ranking_exists(ranking):
            # The warnings already follow a later ranking; an older one must not undo that.
            return _counts(0, 0)
        active = defaultdict(set)
        for rule_id, deputy_id in DutyWarning.objects.filter(
            status=WarningStatus.ACTIVE
        ).values_list("rule_id", "deputy_id"):
            active[rule_id].add(deputy_id)
        now = timezone.now()
        new: list[DutyWarning] = []
        to_clear: list[Q] = []
        for rule in rules:
            holds = rule_matches(rule=rule, ranking=ranking) if rule.is_active else {}
            current = active[rule.pk]
            new.extend(
                DutyWarning(
                    congress=congress,
                    deputy_id=deputy_id,
                    rule=rule,
                    level=rule.level,
                    reason=reason[:300],
                    raised_by=ranking,
                    raised_at=now,
                )
                for deputy_id, reason in sorted(holds.items())
                if deputy_id not in current
            )
            gone = current - holds.keys()
            if gone:
                to_clear.append(Q(rule=rule, deputy_id__in=gone))
        DutyWarning.objects.bulk_create(new)
        cleared = 0
        if to_clear:
            condition = Q()
            for part in to_clear:
                condition |= part
            cleared = DutyWarning.objects.filter(condition, status=WarningStatus.ACTIVE).update(
                status=WarningStatus.CLEARED, cleared_by=ranking, cleared_at=now
            )
        _tell(ranking, new, cleared)
        return _counts(len(new), cleared)


def _counts(raised: int, cleared: int) -> dict:
    active = DutyWarning.objects.filter(status=WarningStatus.ACTIVE).count()
    return {"raised": raised, "cleared": cleared, "active": active}


def _tell(ranking: Ranking, new: list[DutyWarning], cleared: int) -> None:
    """One notice per newly warned deputy (their most serious warning first), and one summary
    per committee staff member; the keys name the ranking, so telling twice does nothing."""
    congress = ranking.congress
    label = quarter_label(ranking.year, ranking.quarter)
    by_deputy: dict[int, list[DutyWarning]] = defaultdict(list)
    for warning in new:
        by_deputy[warning.deputy_id].append(warning)
    if by_deputy:
        from deputies.models import Deputy

        users = {
            deputy.pk: deputy.user
            for deputy in Deputy.objects.filter(pk__in=by_deputy, user__isnull=False)
            .select_related("user")
            .only("pk", "user")
        }
        my_link = _link("my_duties:warnings", congress)
        notices = []
        for deputy_id, warnings in by_deputy.items():
            if deputy_id not in users:
                continue
            warnings.sort(key=lambda item: -LEVEL_ORDER.get(item.level, 0))
            level = WarningLevel(warnings[0].level).label
            notices.append(
                Notice(
                    user=users[deputy_id],
                    kind=KIND_DEPUTY,
                    title=_("You have a %(level)s duty warning (%(label)s)")
                    % {"level": level, "label": label},
                    body="；".join(warning.reason for warning in warnings),
                    url=my_link,
                    dedupe_key=f"duty-warning:{ranking.pk}:{deputy_id}",
                )
            )
        notify_many(congress=congress, notices=notices)
    if not new and not cleared:
        return
    levels = Counter(warning.level for warning in new)
    parts = [
        f"{WarningLevel(level).label} {levels[level]}"
        for level in (WarningLevel.RED, WarningLevel.ORANGE, WarningLevel.YELLOW)
        if levels[level]
    ]
    body = _("%(raised)s new warnings (%(levels)s), %(cleared)s cleared.") % {
        "raised": len(new),
        "levels": "，".join(parts) or "—",
        "cleared": cleared,
    }
    link = _link("duty_warnings:list", congress, f"?quarter={ranking.year}Q{ranking.quarter}")
    staff = Membership.objects.filter(
        congress=congress, is_active=True, role__in=[Role.COMMITTEE_ADMIN, Role.COMMITTEE_STAFF]
    ).select_related("user")
    notify_many(
        congress=congress,
        notices=[
            Notice(
                user=membership.user,
                kind=KIND_STAFF,
                title=_("Duty warnings after the %(label)s ranking") % {"label": label},
                body=body,
                url=link,
                dedupe_key=f"duty-warnings:{ranking.pk}",
            )
            for membership in staff
        ],
    )
