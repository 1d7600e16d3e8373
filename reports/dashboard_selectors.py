"""Reads for the leadership dashboard beyond the headlines: points histogram, stations."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Max, Min
from django.db.models.functions import Floor

from reports.headlines import message_metrics, voter_messages, within_days
from scoring.charts import nice_ceiling
from scoring.models import Period, Ranking, RankingEntry

# About this many buckets: readable on a phone, still a shape on a tablet.
BUCKETS = 8


@dataclass
class Bucket:
    low: Decimal
    high: Decimal
    deputies: int


def ranking_of(*, year: int, quarter: int) -> Ranking | None:
    return Ranking.objects.filter(year=year, quarter=quarter).first()


def points_histogram(*, ranking: Ranking) -> list[Bucket]:
    """How many deputies scored within each equal-width band of the quarter's points.

    Two queries: the range, then the count per band (Floor in SQL). Empty bands in between are
    filled in so the shape reads true.
    """
    entries = RankingEntry.objects.filter(ranking=ranking, period=Period.QUARTER)
    bounds = entries.aggregate(low=Min("points"), high=Max("points"))
    if bounds["low"] is None:
        return []
    low, high = float(bounds["low"]), float(bounds["high"])
    width = nice_ceiling(max(high - low, 1.0) / BUCKETS)
    start = math.floor(low / width) * width
    counts = dict(
        entries.annotate(band=Floor((F("points") - start) / width))
        .values_list("band")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("band", "count")
    )
    counts = {int(band): count for band, count in counts.items()}
    last = max(counts)
    return [
        Bucket(
            low=Decimal(str(round(start + band * width, 2))),
            high=Decimal(str(round(start + (band + 1) * width, 2))),
            deputies=counts.get(band, 0),
        )
        for band in range(0, last + 1)
    ]


@dataclass
class StationFigures:
    station_id: int
    name: str
    received: int
    in_time: int
    late: int

    @property
    def waiting(self) -> int:
        """Not answered and not due yet."""
        return max(self.received - self.in_time - self.late, 0)


def messages_by_station(
    *, start: date, end: date, today: date, limit: int = 10
) -> list[StationFigures]:
    """The stations that received the most voter messages in the period, with the headline
    definitions of in time and late (one query). Messages from a deputy's page have no station
    and are left out."""
    rows = (
        voter_messages()
        .filter(within_days("created_at", start, end), station__isnull=False)
        .values("station_id", "station__name")
        .annotate(**message_metrics(today=today))
        .order_by("-messages_received", "station__name")[:limit]
    )
    return [
        StationFigures(
            station_id=row["station_id"],
            name=row["station__name"],
            received=row["messages_received"],
            in_time=row["messages_in_time"],
            late=row["messages_late"],
        )
        for row in rows
    ]
