"""Two staff change the same suggestion at once: one wins, the other is told and keeps what
they typed, and nothing either did is silently overwritten (pages, API, and a real race)."""

from __future__ import annotations

import re
import threading
import time

import pytest
from django.db import connection
from django_scopes import scope, scopes_disabled

from congress.errors import DomainError
from congress.models import Role
from suggestions import lifecycle
from suggestions.models import Suggestion, SuggestionEvent
from suggestions.office_services import suggestion_mark_key
from tests.factories import MembershipFactory, SuggestionFactory
from tests.faults.conftest import needs_postgresql

CONFLICT = "在您操作期间，其他人已修改了这件建议。请查看对方的修改后再重新提交。"


@pytest.fixture
def two_staff(tenant_a):
    with scopes_disabled():  # test setup
        second = MembershipFactory(congress=tenant_a.congress, role=Role.COMMITTEE_STAFF).user
    return tenant_a.user(Role.COMMITTEE_STAFF), second


@pytest.fixture
def suggestion(tenant_a) -> Suggestion:
    with scopes_disabled():  # test setup
        return SuggestionFactory(
            congress=tenant_a.congress, status="accepted", series="s-2026", number=7
        )


def page(tenant, suggestion, suffix="") -> str:
    return f"/c/{tenant.congress.slug}/suggestions/{suggestion.pk}/{suffix}"


def key_form(html: str) -> str:
    return re.search(r'<form[^>]*id="key-form".*?</form>', html, re.S).group(0)


def key_form_version(html: str) -> str:
    """The version the key-supervision form on the page will post back."""
    hidden = re.search(r'<input[^>]*name="version"[^>]*>', key_form(html)).group(0)
    return re.search(r'value="(\d+)"', hidden).group(1)


def stored(suggestion) -> Suggestion:
    with scopes_disabled():  # test check
        return Suggestion.objects.get(pk=suggestion.pk)


def key_events(suggestion) -> list[str]:
    with scopes_disabled():  # test check
        return list(
            SuggestionEvent.objects.filter(suggestion=suggestion, action="key").values_list(
                "actor__username", flat=True
            )
        )


def test_two_staff_posting_the_same_form_one_wins_the_other_is_told_and_keeps_the_input(
    tenant_a, two_staff, suggestion, client_as
):
    first, second = (client_as(user) for user in two_staff)
    # Both open the record while it is at the same version.
    seen_first = key_form_version(first.get(page(tenant_a, suggestion)).content.decode())
    seen_second = key_form_version(second.get(page(tenant_a, suggestion)).content.decode())
    assert seen_first == seen_second == "0"
    response = first.post(
        page(tenant_a, suggestion, "key/"),
        {"version": seen_first, "leading_official": "张副区长", "supervisor": "王主任"},
    )
    assert response.status_code == 302
    response = second.post(
        page(tenant_a, suggestion, "key/"),
        {"version": seen_second, "leading_official": "李副区长", "supervisor": "赵主任"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert CONFLICT in body
    # What the second typed is still in the form; the record shows the first one's change.
    refused = key_form(body)
    assert "李副区长" in refused and "赵主任" in refused
    assert "张副区长" in body.replace(refused, "")
    now = stored(suggestion)
    assert (now.key_leading_official, now.key_supervisor, now.version) == ("张副区长", "王主任", 1)
    assert key_events(suggestion) == [two_staff[0].username]
    # The page that refused them shows the change, and its form the version it shows: having
    # checked it, the second sends what they typed again from there, without reloading.
    seen_again = key_form_version(body)
    assert seen_again == "1"
    assert key_form_version(second.get(page(tenant_a, suggestion)).content.decode()) == "1"
    response = second.post(
        page(tenant_a, suggestion, "key/"),
        {"version": seen_again, "leading_official": "李副区长", "supervisor": "赵主任"},
    )
    assert response.status_code == 302
    assert stored(suggestion).key_leading_official == "李副区长"
    assert key_events(suggestion) == [user.username for user in two_staff]


def test_two_staff_through_the_api_one_wins_the_other_gets_409_with_the_reason(
    tenant_a, two_staff, suggestion, client_as
):
    first, second = (client_as(user) for user in two_staff)
    url = f"/api/v1/c/{tenant_a.congress.slug}/suggestions/{suggestion.pk}/"
    seen = [client.get(url).json()["version"] for client in (first, second)]
    assert seen == [0, 0]
    response = first.post(
        f"{url}key/",
        {"version": seen[0], "leading_official": "张副区长", "supervisor": "王主任"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["version"] == 1
    response = second.post(
        f"{url}key/",
        {"version": seen[1], "leading_official": "李副区长", "supervisor": "赵主任"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert response.json()["detail"] == CONFLICT
    now = stored(suggestion)
    assert (now.key_leading_official, now.version) == ("张副区长", 1)
    assert key_events(suggestion) == [two_staff[0].username]


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_staff_at_the_same_instant_exactly_one_change_is_kept(
    tenant_a, two_staff, suggestion, monkeypatch
):
    save = lifecycle.save
    saved = []

    def slow_save(*args, **kwargs):
        # The winner holds the row for half a second after checking the version: the other
        # must wait on the row lock and then see the new version, not check the old one too.
        saved.append(time.monotonic())
        time.sleep(0.5)
        return save(*args, **kwargs)

    monkeypatch.setattr(lifecycle, "save", slow_save)
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def change(actor, official: str) -> None:
        try:
            with scope(congress=tenant_a.congress):
                mine = Suggestion.objects.get(pk=suggestion.pk)
                start.wait()
                suggestion_mark_key(
                    actor=actor,
                    suggestion=mine,
                    leading_official=official,
                    supervisor="王主任",
                    expected_version=mine.version,
                )
            outcomes[official] = "saved"
        except DomainError as error:
            outcomes[official] = error
        finally:
            connection.close()  # each thread had a connection of its own

    threads = [
        threading.Thread(target=change, args=(actor, official))
        for actor, official in zip(two_staff, ["张副区长", "李副区长"], strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert len(saved) == 1
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    loser = next(outcome for outcome in outcomes.values() if outcome != "saved")
    assert isinstance(loser, DomainError)
    assert loser.code == "conflict"
    assert str(loser.message) == CONFLICT
    now = stored(suggestion)
    assert (now.key_leading_official, now.version) == (winner, 1)
    assert len(key_events(suggestion)) == 1
