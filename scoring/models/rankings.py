"""Ranking snapshots: a quarter's (and the year so far's) points, ranks and rollups, stored once."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from congress.models import Congress
from deputies.models import Deputy
from liaison.models import DeputyGroup, LiaisonStation

from .rules import RuleSet


def snapshot_reference(to, verbose_name, *, related_name: str = "+") -> models.ForeignKey:
    """A reference from a snapshot row (an entry, a category score, a rank in a group).

    The ranking engine writes a quarter's ~150,000 of these in one statement, taking every id
    from the rows it joins in the same transaction, and never changes them. The database
    neither checks them (three foreign-key checks per row cost more than the ranking itself) nor
    indexes them one by one (the composite keys and indexes below serve every read); Django
    still deletes them with what they point to.
    """
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        on_delete=models.CASCADE,
        related_name=related_name,
        db_constraint=False,
        db_index=False,
    )


class Period(models.TextChoices):
    QUARTER = "quarter", _("the quarter")
    YEAR = "year", _("the year so far")


class Ranking(models.Model):
    """The published ranking of one closed quarter. Written once; never recomputed."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="+"
    )
    deputy_count = models.PositiveIntegerField(_("deputies ranked"), default=0)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    duration_ms = models.PositiveIntegerField(_("took (ms)"), default=0)
    # Per period ("quarter", "year"), the [code, name] pairs of the categories the snapshot
    # scored, in the rule set's order: read from the category scores once, the first time a
    # board or report asks (the snapshot never changes), then from here.
    categories = models.JSONField(_("categories scored"), default=dict, blank=True, editable=False)

    objects = ScopedManager(congress="congress")

    class Meta:
        verbose_name = _("ranking")
        verbose_name_plural = _("rankings")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "year", "quarter"], name="ranking_unique")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.quarter}"


class RankingEntry(models.Model):
    """A deputy's total and rank in the congress for the quarter or the year so far."""

    congress = snapshot_reference(Congress, _("congress"))
    ranking = snapshot_reference(Ranking, _("ranking"), related_name="entries")
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    deputy = snapshot_reference(Deputy, _("deputy"))
    points = models.DecimalField(_("points"), max_digits=9, decimal_places=2)
    record_count = models.PositiveIntegerField(_("records"), default=0)
    # Duties done between congress meetings (闭会期间): a warning rule asks for a few a year.
    recess_count = models.PositiveIntegerField(_("duties between meetings"), default=0)
    rank = models.PositiveIntegerField(_("rank"))
    # 1 for the lowest total (ties share it): the warning rules read the bottom share from it.
    rank_from_bottom = models.PositiveIntegerField(_("rank from the bottom"))
    previous_points = models.DecimalField(
        _("points last quarter"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    previous_rank = models.PositiveIntegerField(_("rank last quarter"), null=True, blank=True)

    objects = ScopedManager(congress="congress")

    class Meta:
        verbose_name = _("ranking entry")
        verbose_name_plural = _("ranking entries")
        ordering = ["rank", "deputy_id"]
        constraints = [
            # Also serves a deputy's history: through the congress's few rankings, one lookup
            # each (a second index by deputy cost every snapshot its upkeep).
            models.UniqueConstraint(
                fields=["ranking", "period", "deputy"], name="ranking_entry_unique"
            )
        ]
        indexes = [
            models.Index(fields=["ranking", "period", "rank"], name="ranking_entry_rank_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.deputy_id} #{self.rank}"

    @property
    def points_change(self):
        return None if self.previous_points is None else self.points - self.previous_points

    @property
    def rank_change(self):
        """Places gained since last quarter (positive is better)."""
        return None if self.previous_rank is None else self.previous_rank - self.rank


class RankingCategoryScore(models.Model):
    """A deputy's points in one category, for the quarter and for the year up to it: the records'
    raw sum and what the cap let count.

    One row holds both periods (half the rows of one per period: a quarter's snapshot of a
    large congress writes some 50,000 of them). A category the deputy scored earlier in the
    year but not this quarter has zeros for the quarter; `fields_for` and `in_period` read one
    period.

    Keyed by what identifies a row, with no id: the key is the one index a snapshot writes
    (an id would add a sequence and a second index to its largest statement), and it serves
    every read (a ranking's scores, a deputy's, a page of deputies').
    """

    pk = models.CompositePrimaryKey("ranking", "deputy", "category_code")
    congress = snapshot_reference(Congress, _("congress"))
    ranking = snapshot_reference(Ranking, _("ranking"), related_name="category_scores")
    deputy = snapshot_reference(Deputy, _("deputy"))
    category_code = models.SlugField(_("category code"), max_length=30, db_index=False)
    category_name = models.CharField(_("category"), max_length=50)
    record_count = models.PositiveIntegerField(_("records in the quarter"))
    recess_count = models.PositiveIntegerField(_("duties between meetings in the quarter"))
    raw_points = models.DecimalField(
        _("points before the cap in the quarter"), max_digits=9, decimal_places=2
    )
    points = models.DecimalField(_("points in the quarter"), max_digits=9, decimal_places=2)
    year_record_count = models.PositiveIntegerField(_("records in the year"))
    year_recess_count = models.PositiveIntegerField(_("duties between meetings in the year"))
    year_raw_points = models.DecimalField(
        _("points before the cap in the year"), max_digits=9, decimal_places=2
    )
    year_points = models.DecimalField(_("points in the year"), max_digits=9, decimal_places=2)

    objects = ScopedManager(congress="congress")

    # The columns of each period, as (records, duties between meetings, raw points, points).
    PERIOD_FIELDS = {
        Period.QUARTER: ("record_count", "recess_count", "raw_points", "points"),
        Period.YEAR: ("year_record_count", "year_recess_count", "year_raw_points", "year_points"),
    }

    class Meta:
        verbose_name = _("category score")
        verbose_name_plural = _("category scores")

    def __str__(self) -> str:
        return f"{self.deputy_id} {self.category_code}"

    @classmethod
    def fields_for(cls, period: str) -> tuple[str, str, str, str]:
        return cls.PERIOD_FIELDS[Period(period)]

    @classmethod
    def in_period(cls, period: str) -> models.Q:
        """The rows that belong to `period`: every row for the year, those with records for
        the quarter (as the snapshot listed them when it kept one row per period)."""
        if Period(period) == Period.QUARTER:
            return models.Q(record_count__gt=0)
        return models.Q()


class RankingGroupEntry(models.Model):
    """A deputy's rank inside one of their deputy groups.

    Keyed, with no id, by what identifies a row, deputy before group: the one index a snapshot
    writes also finds a deputy's ranks in their groups (a second index would cost a quarter's
    snapshot a tenth of its time to write).
    """

    pk = models.CompositePrimaryKey("ranking", "period", "deputy", "group")
    congress = snapshot_reference(Congress, _("congress"))
    ranking = snapshot_reference(Ranking, _("ranking"), related_name="group_entries")
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    group = snapshot_reference(DeputyGroup, _("group"))
    deputy = snapshot_reference(Deputy, _("deputy"))
    rank = models.PositiveIntegerField(_("rank in the group"))

    objects = ScopedManager(congress="congress")

    class Meta:
        verbose_name = _("rank in a group")
        verbose_name_plural = _("ranks in groups")

    def __str__(self) -> str:
        return f"{self.group_id} {self.deputy_id} #{self.rank}"


class RollupKind(models.TextChoices):
    GROUP = "group", _("deputy group")
    STATION = "station", _("liaison station")


class RankingRollup(models.Model):
    """A group's or station's average: the red and black lists (黑红榜) rank these."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    ranking = models.ForeignKey(
        Ranking, verbose_name=_("ranking"), on_delete=models.CASCADE, related_name="rollups"
    )
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=RollupKind.choices)
    group = models.ForeignKey(
        DeputyGroup,
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    station = models.ForeignKey(
        LiaisonStation,
        verbose_name=_("station"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=100)
    deputy_count = models.PositiveIntegerField(_("deputies"))
    points_total = models.DecimalField(_("total points"), max_digits=12, decimal_places=2)
    points_average = models.DecimalField(_("average points"), max_digits=9, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"))

    objects = ScopedManager(congress="congress")

    class Meta:
        verbose_name = _("rollup")
        verbose_name_plural = _("rollups")
        ordering = ["rank", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="group", group__isnull=False, station__isnull=True)
                | models.Q(kind="station", group__isnull=True, station__isnull=False),
                name="ranking_rollup_target",
            )
        ]
        indexes = [
            models.Index(fields=["ranking", "period", "kind", "rank"], name="rollup_rank_idx")
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.rank}"
