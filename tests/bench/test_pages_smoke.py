"""The page benchmark's query counts run: two small generated congresses, every page counted."""

from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from bench import pages
from scoring.models import DutyRecord, RecordStatus

pytestmark = pytest.mark.django_db


def test_every_main_page_runs_as_many_queries_in_a_small_and_a_larger_congress():
    with scopes_disabled():  # test setup: the generator and the choice of people
        casts = [
            pages.build(slug="pages-small", deputies=5, years=1),
            pages.build(slug="pages-large", deputies=40, years=1),
        ]

    counts = pages.count_queries(casts)

    assert set(counts) == {page.key for page in pages.PAGES}
    for key, (small, large) in counts.items():
        assert small > 0, key
        assert small == large, f"{key}: {small} queries at 5 deputies, {large} at 40"
    # The post was a real report, once warming up and once counted, in each congress.
    for cast in casts:
        with scope(congress=cast.congress):
            reported = DutyRecord.objects.filter(
                deputy=cast.deputy,
                created_by=cast.deputy_user,
                status=RecordStatus.SUBMITTED,
                description=cast.report["description"],
            )
            assert reported.count() == 2


def test_a_page_that_does_not_answer_as_expected_stops_the_count():
    with scopes_disabled():  # test setup
        cast = pages.build(slug="pages-small", deputies=5, years=1)
    wrong = pages.Page(
        "wrong", "a page with another text", "staff", pages.PAGES[0].path, lambda cast: "无此文字"
    )

    with pytest.raises(SystemExit, match="a page with another text"):
        pages.count_queries([cast], [wrong])
