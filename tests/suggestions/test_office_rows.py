"""The supervision list's rows, read in one query and written in one pass, are the markup the
template wrote from the suggestions themselves, to the byte, over rows of every kind and in
both languages."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django import forms
from django.db import connection
from django.http import QueryDict
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django_scopes import scopes_disabled

from congress.models import Role
from suggestions import office_selectors as selectors
from suggestions.models import Suggestion, SuggestionStatus
from suggestions.office_forms import SuggestionFilterForm
from suggestions.office_views import rows_markup
from tests.factories import (
    CongressSessionFactory,
    DeputyFactory,
    HandlingUnitFactory,
    SuggestionAssignmentFactory,
    SuggestionCategoryFactory,
    SuggestionFactory,
)

TODAY = date(2026, 11, 20)

# The list's rows as templates/suggestions/office/list.html wrote them before `rows_markup`, from
# the suggestions of `suggestion_list` decorated by `decorate_rows`.
TEMPLATE = """{% load i18n %}{% for item in page.object_list %}
            <tr class="{% if item.deadline.overdue %}is-overdue{% elif item.deadline.due_soon %}is-due-soon{% endif %}">
              <td class="nowrap" data-label="{% translate 'Number' %}">{% if item.number %}{{ item.number_display }}{% else %}<span class="muted">—</span>{% endif %}{% if item.is_key %} <span class="key-mark" title="{% translate 'Key supervision' %}">{% translate "Key" %}</span>{% endif %}</td>
              <td data-label="{% translate 'Title' %}">
                <a href="{% url 'suggestions:detail' congress_slug=congress.slug suggestion_id=item.pk %}">{{ item.title }}</a>
                <div class="help">{% if item.session %}{{ item.session.name }}{% else %}{% translate "Recess" %}{% endif %}{% if item.kind == "motion" %} · {{ item.get_kind_display }}{% endif %}{% if item.merged_into %} · {% blocktranslate with main=item.merged_into.number_display %}handled with {{ main }}{% endblocktranslate %}{% endif %}</div>
              </td>
              <td data-label="{% translate 'Leading deputy' %}">{{ item.lead_deputy.name }}</td>
              <td data-label="{% translate 'Category' %}">{{ item.category.name }}</td>
              <td data-label="{% translate 'Status' %}" class="nowrap"><span class="status office-status-{{ item.status }}">{{ item.get_status_display }}</span></td>
              <td data-label="{% translate 'Lead unit' %}">{% if item.lead_unit %}{{ item.lead_unit.name }}{% else %}<span class="muted">—</span>{% endif %}</td>
              <td data-label="{% translate 'Reply due' %}" class="nowrap">
                {% if item.deadline %}
                  {{ item.deadline.due_on|date:"Y-m-d" }}
                  {% if item.deadline.overdue %}<span class="badge badge-overdue">{% blocktranslate count days=item.deadline.days_overdue %}{{ days }} day overdue{% plural %}{{ days }} days overdue{% endblocktranslate %}</span>
                  {% elif item.deadline.due_soon %}<span class="badge badge-soon">{% blocktranslate count days=item.deadline.days %}{{ days }} day left{% plural %}{{ days }} days left{% endblocktranslate %}</span>
                  {% else %}<span class="badge">{% blocktranslate count days=item.deadline.days %}{{ days }} day left{% plural %}{{ days }} days left{% endblocktranslate %}</span>{% endif %}
                {% elif item.due_on %}<span class="muted">{{ item.due_on|date:"Y-m-d" }}</span>{% else %}<span class="muted">—</span>{% endif %}
              </td>
            </tr>
          {% endfor %}"""  # noqa: E501

HANDLING_DAYS = [-1500, -20, -2, -1, 0, 1, 2, 15, 16, 400]
# The main suggestion, an unnumbered one, two per status, and the ones being handled.
TOTAL = 2 + 2 * len(SuggestionStatus.values) + len(HANDLING_DAYS)


@pytest.fixture
def rows(tenant_a):
    """Every status; overdue, due soon and later, one day and many; numbered or not, suggestion or
    motion, key or not, in a session or in recess, merged or not, with a lead unit or without,
    and names that need escaping."""
    congress = tenant_a.congress
    with scopes_disabled():  # test setup
        session = CongressSessionFactory(congress=congress, name="十七届人大四次会议 <会>")
        category = SuggestionCategoryFactory(congress=congress, name='城建 & "交通"')
        deputy = DeputyFactory(congress=congress, name="王<b>建国</b>")
        unit = HandlingUnitFactory(congress=congress, name="住建局 & 'a'")
        main = SuggestionFactory(
            congress=congress, status="accepted", series="s", number=900, kind="motion"
        )
        unnumbered = SuggestionFactory(congress=congress)
        number = 0
        for index, status in enumerate(SuggestionStatus.values):
            for kind in ("suggestion", "motion"):
                number += 1
                SuggestionFactory(
                    congress=congress,
                    status=status,
                    kind=kind,
                    from_paper=True,
                    series="s",
                    number=number if index % 3 else None,
                    session=session if index % 2 else None,
                    is_key=index % 4 == 0,
                    # A due date left from handling that has ended is shown greyed.
                    due_on=TODAY + timedelta(days=3) if index % 5 == 1 else None,
                    title=f"关于<第{number}条>路 & \"桥\" '的建议' {status}",
                )
        for offset, days in enumerate(HANDLING_DAYS):
            suggestion = SuggestionFactory(
                congress=congress,
                status="rehandling" if offset % 2 else "assigned",
                kind="motion" if offset % 3 == 0 else "suggestion",
                series="s",
                number=100 + offset,
                due_on=TODAY + timedelta(days=days),
                session=session if offset % 2 else None,
                category=category,
                lead_deputy=deputy,
                merged_into=(main, unnumbered, None)[offset % 3],
                is_key=offset % 2 == 0,
            )
            if offset % 4 != 3:  # some are handled with no active lead unit
                SuggestionAssignmentFactory(
                    congress=congress,
                    suggestion=suggestion,
                    unit=unit if offset % 2 else HandlingUnitFactory(congress=congress),
                )
        assert Suggestion.objects.count() == TOTAL


def both(tenant, *, rows=slice(0, 100), choices=None) -> tuple[str, str]:
    """One page of the list, as the template wrote it from the suggestions and as written now."""
    membership = tenant.members[Role.COMMITTEE_STAFF]
    template = engines["django"].from_string(TEMPLATE)
    with tenant.scope():
        listed = selectors.suggestion_list(
            membership=membership, filters=selectors.SuggestionFilters(), today=TODAY
        )
        suggestions = selectors.decorate_rows(listed[rows], TODAY)
        expected = template.render(
            {"page": {"object_list": suggestions}, "congress": tenant.congress}
        )
        page = selectors.page_rows(
            listed[rows], choices=choices or selectors.filter_choices(), today=TODAY
        )
        written = rows_markup(page, congress_slug=tenant.congress.slug)
    assert [row.pk for row in page] == [suggestion.pk for suggestion in suggestions]
    return expected, written


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_are_the_template_markup_to_the_byte(tenant_a, rows, language):
    with translation.override(language):
        expected, written = both(tenant_a)
    assert written == expected
    # The cases the rows were made for are all there.
    for mark in ("is-overdue", "is-due-soon", "badge-overdue", "badge-soon", 'class="badge"'):
        assert mark in written
    assert "&lt;b&gt;" in written and "&amp;" in written and "key-mark" in written
    assert written.count("<tr") == TOTAL


def test_numbers_grouped_in_thousands_as_the_template_groups_them(tenant_a, rows, settings):
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override("en"):
        expected, written = both(tenant_a)
    assert written == expected and "1,500 days overdue" in written


def test_a_page_further_down_is_the_same(tenant_a, rows):
    expected, written = both(tenant_a, rows=slice(5, 12))
    assert written == expected and written.count("<tr") == 7


def test_a_session_or_category_newer_than_the_filter_lists_is_still_named(tenant_a, rows):
    # The lists were read before someone added a session and a category and used them.
    with tenant_a.scope():
        choices = selectors.filter_choices()
    with scopes_disabled():  # test setup
        suggestion = SuggestionFactory(
            congress=tenant_a.congress,
            session=CongressSessionFactory(congress=tenant_a.congress, name="临时会议"),
            category=SuggestionCategoryFactory(congress=tenant_a.congress, name="新类别"),
        )
    expected, written = both(tenant_a, choices=choices)
    assert written == expected
    assert "临时会议" in written and "新类别" in written and f"/{suggestion.pk}/" in written


def test_a_status_the_choices_do_not_know_is_shown_as_it_is(tenant_a, rows):
    with scopes_disabled():  # test setup: a status this version does not know
        Suggestion.objects.filter(status="letter").update(status="odd<status>")
    expected, written = both(tenant_a)
    assert written == expected and "odd&lt;status&gt;" in written


def test_no_rows_no_markup(tenant_a):
    with tenant_a.scope():
        choices = selectors.filter_choices()
        assert selectors.page_rows(Suggestion.objects.none(), choices=choices, today=TODAY) == []
    assert rows_markup([], congress_slug=tenant_a.congress.slug) == ""


def normalised(markup: str) -> str:
    return re.sub(r">\s+<", "><", str(markup)).strip()


@pytest.mark.parametrize("chosen", [False, True])
def test_the_filters_are_the_markup_of_django_selects(tenant_a, chosen):
    with scopes_disabled():  # test setup
        CongressSessionFactory(congress=tenant_a.congress, name="十七届 <四次> 会议")
        category = SuggestionCategoryFactory(congress=tenant_a.congress, name='城建 & "交通"')
        unit = HandlingUnitFactory(congress=tenant_a.congress, name="住建局 'a'")
    with tenant_a.scope():
        choices = selectors.filter_choices()
    query = f"status=assigned&kind=motion&session=recess&category={category.pk}&unit={unit.pk}"
    form = SuggestionFilterForm(QueryDict(query if chosen else ""), choices=choices)
    for name in ("status", "kind", "session", "category", "unit"):
        offered = [(str(value), label) for value, label in form.fields[name].choices]
        expected = forms.Select(choices=offered).render(
            name, form[name].value(), attrs={"id": f"id_{name}"}
        )
        assert normalised(form[name]) == normalised(expected)
        assert str(form[name]).count(" selected") == 1
    assert form.filters().unit_id == (unit.pk if chosen else None)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_a_page_of_rows_is_read_from_the_supervision_index(tenant_a, rows):
    # As the list itself (test_office_pages): the rows' own query, with its two joins, is served
    # in the list's order by the supervision index, not by sorting every suggestion.
    membership = tenant_a.members[Role.COMMITTEE_STAFF]
    with tenant_a.scope():
        choices = selectors.filter_choices()
        listed = selectors.suggestion_list(
            membership=membership, filters=selectors.SuggestionFilters(), today=TODAY
        )
        with CaptureQueriesContext(connection) as queries:
            selectors.page_rows(listed[5:10], choices=choices, today=TODAY)
    assert len(queries) == 2  # the rows, then their lead units
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute(f"EXPLAIN {queries[0]['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan using suggestion_supervision_idx" in plan, plan
    assert "Sort" not in plan, plan
