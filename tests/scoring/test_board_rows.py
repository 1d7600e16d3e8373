"""The ranking board's rows and its red and black lists, written in Python, are what its
templates wrote: character for character, over varied rows and lists, in Chinese and in English,
and on the page itself."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.paginator import Paginator
from django.template import engines
from django.utils import translation
from django_scopes import scopes_disabled
from hypothesis import given, settings
from hypothesis import strategies as st

from congress.models import Role
from deputies.models import Deputy, DeputyLevel
from scoring.models import Ranking, RankingEntry, RankingRollup, RollupKind, WarningLevel
from scoring.ranking_selectors import (
    LEVEL_ORDER,
    Lists,
    WarningShown,
    decorate_entries,
    ranking_entries,
)
from scoring.ranking_views import board_list_panel, board_rows
from tests.factories import (
    DeputyGroupFactory,
    DutyWarningFactory,
    GroupMembershipFactory,
    WarningRuleFactory,
)
from tests.scoring.test_ranking_pages import board_url, three  # noqa: F401

REFERENCE = engines["django"].from_string(
    (Path(__file__).parent / "board_rows_reference.html").read_text(encoding="utf-8")
)
LISTS_REFERENCE = engines["django"].from_string(
    (Path(__file__).parent / "board_lists_reference.html").read_text(encoding="utf-8")
)
SLUG = "xiangcheng"

# Text that must be escaped, Chinese, and the separators the rows use themselves.
text = st.text(alphabet="王李赵东津檀溪<>&\"' 、；%a1", min_size=1, max_size=8)
points = st.one_of(
    st.decimals(min_value=-500, max_value=5000, places=2),
    st.integers(min_value=-50, max_value=500).map(Decimal),
)
levels = st.sampled_from(DeputyLevel.values)


@st.composite
def rows(draw):
    """A page of entries as `board_decorate` leaves them, with what the template read."""
    codes = draw(st.lists(text, max_size=4, unique=True))
    entries = []
    for deputy_id in draw(st.lists(st.integers(1, 10**6), max_size=6, unique=True)):
        deputy = Deputy(pk=deputy_id, name=draw(text), level=draw(levels))
        entry = RankingEntry(
            deputy=deputy,
            rank=draw(st.integers(1, 20000)),
            points=draw(points),
            previous_points=draw(st.none() | points),
            previous_rank=draw(st.none() | st.integers(1, 20000)),
        )
        change = entry.rank_change
        entry.places_moved = abs(change) if change else 0
        entry.group_names = draw(st.lists(text, max_size=3))
        entry.station_names = draw(st.lists(text, max_size=3))
        entry.category_cells = [
            {"code": code, "name": f"{code}名", "points": draw(st.none() | points)}
            for code in codes
        ]
        levels_raised = st.sampled_from([*WarningLevel.values, "unknown"])
        entry.warnings = [
            WarningShown(level=draw(levels_raised), reason=draw(text))
            for _index in range(draw(st.integers(0, 3)))
        ]
        entry.warning_level = max(
            (warning.level for warning in entry.warnings),
            key=lambda level: LEVEL_ORDER.get(level, 0),
            default="",
        )
        entries.append(entry)
    return entries


def as_the_template_read_it(entry):
    """The entry as the former page gave it to its template: groups and stations reached
    through the deputy."""
    deputy = entry.deputy

    def named(names):
        return SimpleNamespace(all=[SimpleNamespace(name=name) for name in names])

    return SimpleNamespace(
        rank=entry.rank,
        deputy_id=entry.deputy_id,
        deputy=SimpleNamespace(
            name=deputy.name,
            get_level_display=deputy.get_level_display,
            deputy_groups=named(entry.group_names),
            stations=named(entry.station_names),
        ),
        category_cells=entry.category_cells,
        points=entry.points,
        points_change=entry.points_change,
        rank_change=entry.rank_change,
        places_moved=entry.places_moved,
        warnings=entry.warnings,
        warning_level=entry.warning_level,
    )


def reference(entries, *, ranking, trace_query, can_portrait) -> str:
    page = SimpleNamespace(object_list=[as_the_template_read_it(entry) for entry in entries])
    return REFERENCE.render(
        {
            "page": page,
            "congress": SimpleNamespace(slug=SLUG),
            "ranking": ranking,
            "trace_query": trace_query,
            "can_portrait": can_portrait,
        }
    )


@settings(max_examples=150, deadline=None)
@given(
    entries=rows(),
    ranking_id=st.integers(1, 10**6),
    quarter=st.integers(1, 4),
    period=st.sampled_from(["quarter", "year"]),
    can_portrait=st.booleans(),
    language=st.sampled_from(["zh-hans", "en"]),
)
def test_the_rows_are_the_templates_character_for_character(
    entries, ranking_id, quarter, period, can_portrait, language
):
    ranking = Ranking(pk=ranking_id, year=2026, quarter=quarter)
    trace_query = f"period={period}"
    with translation.override(language):
        written = board_rows(
            entries,
            congress_slug=SLUG,
            ranking=ranking,
            trace_query=trace_query,
            can_portrait=can_portrait,
        )
        expected = reference(
            entries, ranking=ranking, trace_query=trace_query, can_portrait=can_portrait
        )
    assert written == expected


def test_the_rows_speak_chinese_and_escape_what_they_show():
    deputy = Deputy(pk=5, name="<王>&", level=DeputyLevel.CITY)
    entry = RankingEntry(
        deputy=deputy, rank=3, points=Decimal("12.50"), previous_points=Decimal(20), previous_rank=1
    )
    entry.places_moved = 2
    entry.group_names, entry.station_names = ['"东津"'], []
    entry.category_cells = [{"code": "study", "name": "学习", "points": None}]
    entry.warnings = [WarningShown(level="red", reason="<b>排名靠后</b>")]
    entry.warning_level = "red"
    with translation.override("zh-hans"):
        written = board_rows(
            [entry],
            congress_slug=SLUG,
            ranking=Ranking(pk=9, year=2026, quarter=2),
            trace_query="period=quarter",
            can_portrait=True,
        )
    assert "&lt;王&gt;&amp;" in written and "&quot;东津&quot;" in written
    assert "&lt;b&gt;排名靠后&lt;/b&gt;" in written and "<b>" not in written
    assert '<span class="muted">—</span>' in written  # no station
    assert '<span class="muted">0</span>' in written  # no points in the category
    assert "<strong>12.50</strong>" in written and "-7.50" in written
    assert "下降 2 位" in written and "市级人大代表" in written and "1 项预警" in written
    assert f"/c/{SLUG}/duties/rankings/9/deputies/5/?period=quarter" in written


rollups = st.builds(
    RankingRollup,
    rank=st.integers(1, 20000),
    name=text,
    points_average=points,
    deputy_count=st.integers(0, 3000),
)


@settings(max_examples=100, deadline=None)
@given(
    red=st.lists(rollups, max_size=5),
    black=st.lists(rollups, max_size=5),
    title=st.sampled_from(["Deputy groups", "Liaison stations", "<小组> & “站”"]),
    language=st.sampled_from(["zh-hans", "en"]),
)
def test_the_lists_are_the_templates_character_for_character(red, black, title, language):
    lists = Lists(kind=RollupKind.GROUP, red=red, black=black)
    with translation.override(language):
        written = board_list_panel(lists, title=translation.gettext(title))
        expected = LISTS_REFERENCE.render({"lists": lists, "title": translation.gettext(title)})
    assert written == expected


def test_the_board_page_shows_the_rows_the_former_reads_and_template_gave(
    staff,
    three,  # noqa: F811
    tenant_a,
):
    """The page against the former pipeline: the entries with their deputies' groups and
    stations prefetched, `decorate_entries` (which the API still uses) and the template."""
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        second = DeputyGroupFactory(congress=congress, name="<第二>小组")
        GroupMembershipFactory(congress=congress, group=second, deputy=three["zhao"])
        GroupMembershipFactory(congress=congress, group=second, deputy=three["wang"])
        DutyWarningFactory(
            congress=congress,
            deputy=three["zhao"],
            raised_by=three["q1"],
            level="red",
            reason="连续两个季度“排名靠后” & <未履职>",
            rule=WarningRuleFactory(congress=congress, level="red"),
        )
        DutyWarningFactory(
            congress=congress,
            deputy=three["zhao"],
            raised_by=three["q1"],
            level="yellow",
            rule=WarningRuleFactory(congress=congress, level="yellow"),
        )
    queries = [{}, {"period": "year"}, {"quarter": "2026Q1"}, {"level": "county"}, {"q": "王"}]
    for query in queries:
        response = staff.get(board_url(tenant_a, **query))
        context = response.context
        with tenant_a.scope():
            ranking, filters = context["ranking"], context["filters"]
            former = Paginator(ranking_entries(ranking=ranking, filters=filters), 50).get_page(1)
            entries = decorate_entries(
                former.object_list,
                ranking=ranking,
                period=filters.period,
                categories=context["categories"],
            )
            expected = REFERENCE.render(
                {
                    "page": SimpleNamespace(object_list=entries),
                    "congress": congress,
                    "ranking": ranking,
                    "trace_query": context["trace_query"],
                    "can_portrait": context["can_portrait"],
                }
            )
        assert entries
        body = response.content.decode()
        assert f"<tbody>\n            {expected}\n          </tbody>" in body
        panels = [
            LISTS_REFERENCE.render({"lists": context[lists], "title": translation.gettext(title)})
            for lists, title in (
                ("group_lists", "Deputy groups"),
                ("station_lists", "Liaison stations"),
            )
        ]
        assert f"{panels[0]}\n      {panels[1]}\n    </div>" in body
    body = staff.get(board_url(tenant_a)).content.decode()
    assert "&lt;第二&gt;小组" in body and "&lt;未履职&gt;" in body and "2 项预警" in body


@pytest.fixture
def staff(tenant_a, client_as):
    return client_as(tenant_a.user(Role.COMMITTEE_STAFF))


def plain_entry(rank, points, previous_points=None, previous_rank=None, warnings=()):
    entry = RankingEntry(
        deputy=Deputy(pk=rank, name="王", level=DeputyLevel.CITY),
        rank=rank,
        points=Decimal(points),
        previous_points=previous_points,
        previous_rank=previous_rank,
    )
    change = entry.rank_change
    entry.places_moved = abs(change) if change else 0
    entry.group_names, entry.station_names, entry.category_cells = [], [], []
    entry.warnings = [WarningShown(level=level, reason="原因") for level in warnings]
    entry.warning_level = warnings[0] if warnings else ""
    return entry


def test_the_catalogs_extraction_finds_every_message_the_rows_and_lists_use(monkeypatch):
    """The messages are named where makemessages reads them (a gettext call with the text,
    not a variable), so the catalog keeps them."""
    import shutil
    import subprocess

    import scoring.ranking_views as views

    xgettext = shutil.which("xgettext")
    if xgettext is None:
        pytest.skip("xgettext (GNU gettext) is not installed")
    used = set()
    monkeypatch.setattr(views, "gettext", lambda message: used.add(message) or message)
    monkeypatch.setattr(
        views,
        "ngettext",
        lambda singular, plural, count: used.add(singular) or (singular if count == 1 else plural),
    )
    entries = [
        plain_entry(1, 3, Decimal(1), 3, warnings=["red"]),  # up, with a warning
        plain_entry(5, 1, Decimal(1), 2),  # down
        plain_entry(6, 0),  # not ranked last quarter
        plain_entry(7, 0, Decimal(0), 7),  # the same place
    ]
    ranking = Ranking(pk=1, year=2026, quarter=1)
    views.board_rows(
        entries, congress_slug=SLUG, ranking=ranking, trace_query="", can_portrait=True
    )
    rollup = RankingRollup(rank=1, name="东津", points_average=Decimal(2), deputy_count=2)
    for lists in ([rollup], [rollup]), ([rollup], []), ([], []):
        views.board_list_panel(Lists(kind="group", red=lists[0], black=lists[1]), title="")
    command = [xgettext, "--language=Python", "--keyword=gettext", "--keyword=ngettext:1,2"]
    extracted = subprocess.run(  # noqa: S603 - a fixed command on the module's own file
        [*command, "--from-code=UTF-8", "--output=-", views.__file__],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = {
        line[len('msgid "') : -1] for line in extracted.splitlines() if line.startswith("msgid")
    }
    assert {
        "%(counter)s warning",
        "down %(counter)s place",
        "same place",
        "Too few to list.",
    } <= used
    assert used <= found, used - found
