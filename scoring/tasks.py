"""Duty-point jobs: rank a quarter on request, and each day close and rank the quarters due."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.errors import DomainError
from congress.jobs import JobContext, congress_task
from congress.models import Congress, JobRun, User
from congress.notifications import notify
from congress.services import job_run_enqueue

from .models import DutyQuarter, Ranking
from .ranking import ranking_compute
from .selectors import previous_quarter, quarter_bounds, rule_set_current
from .services import duty_quarter_close, pending_counts, quarter_has_ended


def close_and_rank(
    *, congress: Congress, year: int, quarter: int, actor: User | None = None
) -> Ranking:
    """Close the quarter if it is still open, then rank it (or return its ranking)."""
    duty_quarter_close(actor=actor, congress=congress, year=year, quarter=quarter)
    return ranking_compute(congress=congress, year=year, quarter=quarter, actor=actor)


@congress_task(label=gettext_lazy("Rank a quarter"))
def compute_ranking(job: JobContext, *, year: int, quarter: int) -> dict:
    job.progress(10, _("Closing %(year)sQ%(quarter)s") % {"year": year, "quarter": quarter})
    ranking = close_and_rank(congress=job.congress, year=year, quarter=quarter, actor=job.actor)
    return {
        "ranking_id": ranking.pk,
        "quarter": ranking.label,
        "deputies": ranking.deputy_count,
        "duration_ms": ranking.duration_ms,
    }


def ranking_job_start(*, actor: User, congress: Congress, year: int, quarter: int) -> JobRun:
    """Staff ask for a quarter to be closed and ranked: refused at once when it cannot be (not
    ended, no rules, records awaiting audit); otherwise the work runs in the background."""
    if not 1 <= quarter <= 4 or not 2000 <= year <= 2100:
        raise DomainError(_("Choose a quarter."), field="quarter")
    if not quarter_has_ended(year, quarter):
        raise DomainError(
            _("%(year)sQ%(quarter)s has not ended yet.") % {"year": year, "quarter": quarter},
            field="quarter",
        )
    closed = DutyQuarter.objects.filter(
        year=year, quarter=quarter, status=DutyQuarter.Status.CLOSED
    ).exists()
    if not closed:
        if rule_set_current(year=year) is None:
            raise DomainError(
                _("No scoring rules are set for %(year)s yet.") % {"year": year}, field="quarter"
            )
        waiting = pending_counts(year=year, quarter=quarter).get("submitted", 0)
        if waiting:
            raise DomainError(
                _("%(count)s records of %(year)sQ%(quarter)s still await audit: audit them first.")
                % {"count": waiting, "year": year, "quarter": quarter},
                code="conflict",
            )
    with transaction.atomic():
        return job_run_enqueue(
            congress=congress,
            task=compute_ranking,
            label=_("Rank %(year)sQ%(quarter)s") % {"year": year, "quarter": quarter},
            actor=actor,
            year=year,
            quarter=quarter,
        )


def quarters_due(*, today: date) -> list[tuple[int, int]]:
    """The ended quarters of this year and last whose reporting days have passed."""
    due = []
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _step in range(8):
        year, quarter = previous_quarter(year, quarter)
        rule_set = rule_set_current(year=year)
        if rule_set is None:
            continue
        last_day = quarter_bounds(year, quarter)[1]
        if today > last_day + timedelta(days=rule_set.close_after_days):
            due.append((year, quarter))
    return sorted(due)


def close_due_quarters(*, congress: Congress, today: date, staff: list[User]) -> dict:
    """Close and rank, oldest first, each due quarter that is not ranked yet. A quarter with
    records still awaiting audit waits (staff are told once) and is tried again the next day;
    later quarters wait behind it so that rankings stay in order."""
    ranked, waiting = [], []
    done = set(Ranking.objects.values_list("year", "quarter"))
    for year, quarter in quarters_due(today=today):
        if (year, quarter) in done:
            continue
        pending = pending_counts(year=year, quarter=quarter).get("submitted", 0)
        open_quarter = not DutyQuarter.objects.filter(
            year=year, quarter=quarter, status=DutyQuarter.Status.CLOSED
        ).exists()
        if pending and open_quarter:
            label = f"{year}Q{quarter}"
            waiting.append(label)
            for user in staff:
                notify(
                    congress=congress,
                    user=user,
                    kind="duty_quarter_waiting",
                    title=_("%(label)s cannot close: %(count)s records await audit")
                    % {"label": label, "count": pending},
                    dedupe_key=f"duty-quarter-waiting-{label}",
                )
            break
        ranking = close_and_rank(congress=congress, year=year, quarter=quarter)
        ranked.append(ranking.label)
    return {"ranked": ranked, "waiting": waiting}


@congress_task(label=gettext_lazy("Close and rank the quarters due"))
def close_quarters(job: JobContext) -> dict:
    from suggestions.lifecycle import staff_users

    return close_due_quarters(
        congress=job.congress, today=timezone.localdate(), staff=staff_users(job.congress)
    )
