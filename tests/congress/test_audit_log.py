"""The audit log: what is recorded, the auditor's search and export, append-only, retention."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from congress import services
from congress.audit import (
    AUDIT_RETENTION_MINIMUM_DAYS,
    AuditAction,
    audit_prune,
    audit_record,
    check_audit_retention,
)
from congress.models import AuditEvent, Membership, Role
from tests.factories import TEST_PASSWORD, UserFactory, VoterMessageFactory

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)


def events(**filters) -> list[AuditEvent]:
    with scopes_disabled():  # the test looks across congresses
        return list(AuditEvent.objects.filter(**filters).order_by("id"))


def sign_in(client: Client, username: str, password: str = TEST_PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


# --- What is recorded -------------------------------------------------------------------------


def test_a_sign_in_is_recorded_in_every_congress_of_the_person(tenant_a, tenant_b):
    user = tenant_a.user(Role.COMMITTEE_STAFF)
    with scopes_disabled():
        Membership.objects.create(congress=tenant_b.congress, user=user, role=Role.LEADER)
    response = sign_in(
        Client(), user.username, REMOTE_ADDR="10.0.0.5", HTTP_USER_AGENT="Mozilla/5.0 测试"
    )
    assert response.status_code == 302
    signed_in = events(action=AuditAction.SIGN_IN, user=user)
    assert {event.congress_id for event in signed_in} == {
        tenant_a.congress.pk,
        tenant_b.congress.pk,
    }
    for event in signed_in:
        assert event.success is True
        assert event.ip_address == "10.0.0.5"
        assert event.user_agent == "Mozilla/5.0 测试"
        assert event.username == user.username
    # Each congress's log shows its own copy only.
    with tenant_a.scope():
        assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN, user=user).count() == 1


def test_a_failed_sign_in_is_recorded_with_the_account_or_with_no_congress(tenant_a):
    deputy = tenant_a.user(Role.DEPUTY)
    sign_in(Client(), deputy.phone, password="not-the-password", REMOTE_ADDR="10.0.0.6")
    sign_in(Client(), "nobody-here", password="not-the-password", REMOTE_ADDR="10.0.0.7")
    known = events(action=AuditAction.SIGN_IN_FAILED, user=deputy)
    assert len(known) == 1
    assert known[0].congress_id == tenant_a.congress.pk
    assert known[0].success is False
    assert known[0].username == deputy.phone  # as typed
    assert known[0].ip_address == "10.0.0.6"
    unknown = events(action=AuditAction.SIGN_IN_FAILED, username="nobody-here")
    assert [(e.congress_id, e.user_id, e.ip_address) for e in unknown] == [(None, None, "10.0.0.7")]


def test_signing_out_is_recorded(tenant_a):
    user = tenant_a.user(Role.LEADER)
    client = Client()
    sign_in(client, user.username)
    client.post("/accounts/logout/")
    assert [event.congress_id for event in events(action=AuditAction.SIGN_OUT, user=user)] == [
        tenant_a.congress.pk
    ]


def test_a_settings_change_is_recorded_with_old_and_new_values(tenant_a):
    admin = tenant_a.user(Role.COMMITTEE_ADMIN)
    with tenant_a.scope():
        services.congress_update_settings(
            actor=admin,
            congress=tenant_a.congress,
            voter_message_reply_working_days=5,
            motion_min_cosigners=10,
        )
    [event] = events(action=AuditAction.SETTINGS_CHANGED)
    assert event.user == admin
    assert event.congress_id == tenant_a.congress.pk
    assert event.detail == {"changes": {"voter_message_reply_working_days": [7, 5]}}
    assert event.target_type == "congress.congress"


def test_a_settings_change_through_the_page_records_the_values_before_it(tenant_a, client_as):
    client = client_as(tenant_a.user(Role.COMMITTEE_ADMIN))
    url = f"/c/{tenant_a.congress.slug}/settings/"
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update(voter_message_reply_working_days="5")
    assert client.post(url, data).status_code == 302
    [event] = events(action=AuditAction.SETTINGS_CHANGED)
    assert event.detail == {"changes": {"voter_message_reply_working_days": [7, 5]}}


def test_every_state_change_is_recorded_with_its_actor(tenant_a):
    staff = tenant_a.user(Role.COMMITTEE_STAFF)
    with tenant_a.scope():
        message = VoterMessageFactory(congress=tenant_a.congress, status="registered")
        message.answer_on_the_spot(answer="当场答复", by=staff)
        message.save()
    [event] = events(action=AuditAction.STATE_CHANGED)
    assert event.user == staff
    assert event.congress_id == tenant_a.congress.pk
    assert event.target_type == "liaison.votermessage"
    assert event.target_id == str(message.pk)
    assert event.detail == {
        "transition": "answer_on_the_spot",
        "from": "registered",
        "to": "closed",
    }


def test_a_state_change_with_no_known_actor_is_recorded_without_one(tenant_a):
    with tenant_a.scope():
        message = VoterMessageFactory(congress=tenant_a.congress, status="answered")
        message.close_without_rating()
        message.save()
    [event] = events(action=AuditAction.STATE_CHANGED)
    assert event.user is None
    assert event.username == ""
    assert event.congress_id == tenant_a.congress.pk


def test_audit_record_refuses_an_unknown_action(tenant_a):
    with pytest.raises(ValueError):
        audit_record(action="made_coffee", congress=tenant_a.congress)


# --- Nobody changes or deletes it -------------------------------------------------------------


def test_the_model_refuses_changes_and_deletes(tenant_a):
    [event] = audit_record(action=AuditAction.EXPORT, congress=tenant_a.congress, summary="x")
    event.summary = "y"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_the_platform_admin_shows_the_log_read_only(tenant_a, client):
    from django.contrib import admin

    audit_record(action=AuditAction.EXPORT, congress=tenant_a.congress)
    model_admin = admin.site._registry[AuditEvent]
    superuser = UserFactory(is_superuser=True, is_staff=True)
    request = type("Request", (), {"user": superuser})()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    client.force_login(superuser)
    assert client.get("/admin/congress/auditevent/").status_code == 200


@on_postgresql
def test_the_database_refuses_updates_and_deletes(tenant_a):
    audit_record(action=AuditAction.EXPORT, congress=tenant_a.congress, summary="x")
    with scopes_disabled():
        for change in (
            lambda: AuditEvent.objects.update(summary="changed"),
            lambda: AuditEvent.objects.all().delete(),
        ):
            with (
                pytest.raises(DatabaseError, match="audit log cannot be changed"),
                transaction.atomic(),
            ):
                change()
        assert AuditEvent.objects.get().summary == "x"


@on_postgresql
def test_deleting_an_account_only_unlinks_its_events(tenant_a):
    user = UserFactory()
    audit_record(action=AuditAction.SIGN_IN, user=user, congress=tenant_a.congress)
    user.delete()
    [event] = events(action=AuditAction.SIGN_IN, username=user.username)
    assert event.user_id is None


# --- Retention --------------------------------------------------------------------------------


def test_pruning_deletes_only_events_past_the_retention_period(tenant_a, settings):
    settings.LVZHI_AUDIT_RETENTION_DAYS = 200
    now = timezone.now()
    with scopes_disabled():
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    congress=tenant_a.congress if n % 2 else None,
                    action=AuditAction.SIGN_IN,
                    created_at=now - timedelta(days=201, minutes=n),
                )
                for n in range(7)
            ]
            + [AuditEvent(congress=tenant_a.congress, action="sign_in", created_at=now)]
            + [
                AuditEvent(
                    congress=tenant_a.congress,
                    action="sign_in",
                    created_at=now - timedelta(days=199),
                )
            ]
        )
    assert audit_prune(batch_size=3) == 7
    kept = events()
    assert len(kept) == 2
    assert all(event.created_at > now - timedelta(days=200) for event in kept)
    assert audit_prune() == 0


def test_pruning_refuses_a_period_under_six_months(tenant_a):
    with pytest.raises(ValueError):
        audit_prune(days=AUDIT_RETENTION_MINIMUM_DAYS - 1)


def test_the_nightly_job_is_scheduled_and_runs(tenant_a, settings):
    from congress.audit import prune_audit_log
    from congress.schedules import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["prune-audit-log"]["task"] == prune_audit_log.name
    settings.LVZHI_AUDIT_RETENTION_DAYS = 183
    with scopes_disabled():
        AuditEvent.objects.create(
            congress=tenant_a.congress,
            action="sign_in",
            created_at=timezone.now() - timedelta(days=190),
        )
    assert prune_audit_log.delay().get() == 1


def test_a_retention_under_six_months_is_a_system_check_error(settings):
    assert check_audit_retention() == []
    settings.LVZHI_AUDIT_RETENTION_DAYS = 182
    [error] = check_audit_retention()
    assert error.id == "congress.E001"
    settings.LVZHI_AUDIT_RETENTION_DAYS = 365
    assert check_audit_retention() == []


# --- The auditor's page -----------------------------------------------------------------------


def audit_url(tenant, **query) -> str:
    from urllib.parse import urlencode

    url = f"/c/{tenant.congress.slug}/audit/events/"
    return f"{url}?{urlencode(query)}" if query else url


def seed(tenant, count: int, **fields) -> None:
    now = timezone.now()
    with scopes_disabled():
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    congress=tenant.congress,
                    created_at=now - timedelta(minutes=n),
                    **{"action": AuditAction.SIGN_IN, **fields},
                )
                for n in range(count)
            ]
        )


def test_the_auditor_searches_by_action_result_account_date_and_text(tenant_a, tenant_b, client_as):
    deputy = tenant_a.user(Role.DEPUTY)
    today = timezone.localdate()
    audit_record(
        action=AuditAction.SIGN_IN_FAILED,
        user=deputy,
        username=deputy.phone,
        congress=tenant_a.congress,
        success=False,
        summary="密码错误",
    )
    audit_record(action=AuditAction.EXPORT, congress=tenant_a.congress, summary="代表名册")
    with scopes_disabled():
        AuditEvent.objects.create(
            congress=tenant_a.congress,
            action=AuditAction.SETTINGS_CHANGED,
            created_at=timezone.now() - timedelta(days=10),
        )
    audit_record(action=AuditAction.EXPORT, congress=tenant_b.congress, summary="代表名册")
    client = client_as(tenant_a.user(Role.AUDITOR))

    def found(**query) -> list[str]:
        response = client.get(audit_url(tenant_a, **query))
        assert response.status_code == 200
        return [event.action for event in response.context["page"].events]

    everything = found()
    assert AuditAction.SETTINGS_CHANGED in everything
    assert everything.count(AuditAction.EXPORT) == 1  # not the other congress's
    assert found(action="export") == ["export"]
    assert found(result="no") == ["sign_in_failed"]
    assert found(account=deputy.username) == ["sign_in_failed"]
    assert found(account=deputy.get_full_name()) == ["sign_in_failed"]
    assert found(q="名册") == ["export"]
    recent = found(date_from=today.isoformat(), date_to=today.isoformat())
    assert AuditAction.SETTINGS_CHANGED not in recent
    old_day = (today - timedelta(days=10)).isoformat()
    assert found(date_from=old_day, date_to=old_day) == ["settings_changed"]
    # A start after the end is an error on the page, not an empty success.
    response = client.get(audit_url(tenant_a, date_from=today, date_to=date(2020, 1, 1)))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["page"].events == []


def test_the_auditor_pages_through_the_log_by_keyset(tenant_a, client_as):
    seed(tenant_a, 120)
    client = client_as(tenant_a.user(Role.AUDITOR))
    seen = []
    response = client.get(audit_url(tenant_a))
    first_page = [event.pk for event in response.context["page"].events]
    second_cursor = response.context["page"].older
    while True:
        page = response.context["page"]
        seen.extend(event.pk for event in page.events)
        if not page.older:
            break
        response = client.get(audit_url(tenant_a, before=page.older))
    with tenant_a.scope():
        everything = list(
            AuditEvent.objects.order_by("-created_at", "-id").values_list("pk", flat=True)
        )
    assert seen == everything
    # Back again: the second page's "newer" link leads to the first page.
    second = client.get(audit_url(tenant_a, before=second_cursor))
    newer = client.get(audit_url(tenant_a, after=second.context["page"].newer))
    assert [event.pk for event in newer.context["page"].events] == first_page
    assert newer.context["page"].newer == ""


def test_the_audit_page_runs_a_fixed_number_of_queries(
    tenant_a, client_as, django_assert_max_num_queries
):
    client = client_as(tenant_a.user(Role.AUDITOR))
    seed(tenant_a, 10)
    client.get(audit_url(tenant_a))
    seed(tenant_a, 200, action=AuditAction.SIGN_IN_FAILED, success=False)
    with django_assert_max_num_queries(8):
        response = client.get(audit_url(tenant_a, result="no"))
    assert len(response.context["page"].events) == 50


def test_a_bad_cursor_shows_the_first_page(tenant_a, client_as):
    seed(tenant_a, 3)
    client = client_as(tenant_a.user(Role.AUDITOR))
    for cursor in ("nonsense", "99999999999999999999999.1", "1.x"):
        response = client.get(audit_url(tenant_a, before=cursor))
        assert response.status_code == 200
        # The three, and the auditor's own sign-in.
        assert len(response.context["page"].events) == 4


def test_the_audit_page_is_the_auditors_alone(tenant_a, client_as):
    for role in Role.values:
        status = client_as(tenant_a.user(role)).get(audit_url(tenant_a)).status_code
        assert status == (200 if role == Role.AUDITOR else 403), role


# --- The API ----------------------------------------------------------------------------------


def test_the_api_lists_events_a_cursor_page_at_a_time(tenant_a, client_as):
    seed(tenant_a, 60)
    audit_record(
        action=AuditAction.SIGN_IN_FAILED, congress=tenant_a.congress, success=False, username="x"
    )
    url = f"/api/v1/c/{tenant_a.congress.slug}/audit/events/"
    client = client_as(tenant_a.user(Role.AUDITOR))
    with tenant_a.scope():
        total = AuditEvent.objects.count()  # the 61, and the auditor's own sign-in
    first = client.get(url).json()
    assert len(first["results"]) == 50
    assert "sign_in_failed" in [row["action"] for row in first["results"][:3]]
    assert all(row["action_display"] for row in first["results"])
    second = client.get(first["next"]).json()
    assert len(second["results"]) == total - 50
    assert second["next"] is None
    failed = client.get(url, {"success": "false"}).json()["results"]
    assert [row["username"] for row in failed] == ["x"]
    assert client.get(url, {"action": "nope"}).status_code == 400
    staff = client_as(tenant_a.user(Role.COMMITTEE_ADMIN))
    assert staff.get(url).status_code == 403


def test_the_api_schema_lists_the_audit_endpoint(db):
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format=openapi-json", stdout=out)
    schema = json.loads(out.getvalue())
    assert "/api/v1/c/{congress_slug}/audit/events/" in schema["paths"]


# --- The export -------------------------------------------------------------------------------


def test_the_auditor_exports_the_search_to_excel_and_the_export_is_recorded(
    tenant_a, client_as, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    from reports.models import Export

    seed(tenant_a, 5, action=AuditAction.SIGN_IN_FAILED, success=False, username="guess")
    seed(tenant_a, 3)
    auditor = tenant_a.user(Role.AUDITOR)
    client = client_as(auditor)
    page = client.get(audit_url(tenant_a, result="no"))
    assert page.context["export_url"].endswith("/exports/audit-log/?result=no")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page.context["export_url"])
    assert response.status_code == 302
    with tenant_a.scope():
        export = Export.objects.get(exporter="audit-log")
        assert export.created_by == auditor
        assert export.row_count == 5
        recorded = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert recorded.user == auditor
    assert recorded.detail["export"] == "audit-log"
    assert recorded.detail["options"]["success"] == "no"
    download = client.get(f"/c/{tenant_a.congress.slug}/exports/audit-log/{export.pk}/")
    assert download.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    data = [row for row in rows if len(row) > 1 and row[1] == "guess"]
    assert len(data) == 5
    assert all(row[4] == data[0][4] for row in data)  # the same word for "failed"
    # Nobody else may export the log.
    for role in (Role.COMMITTEE_ADMIN, Role.SECURITY_ADMIN, Role.COMMITTEE_STAFF):
        assert client_as(tenant_a.user(role)).post(page.context["export_url"]).status_code == 403


def test_the_auditor_reads_the_log_through_its_own_congress_only(tenant_a, tenant_b, client_as):
    audit_record(action=AuditAction.EXPORT, congress=tenant_b.congress, summary="外部")
    client = client_as(tenant_a.user(Role.AUDITOR))
    body = client.get(audit_url(tenant_a)).content.decode()
    assert "外部" not in body
    assert client.get(f"/c/{tenant_b.congress.slug}/audit/events/").status_code == 404
