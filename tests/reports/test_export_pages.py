"""The shared export page and download, with the roster export as the example: the right is
checked again when the job runs, earlier exports are listed to whom may see them, and a file
is served only in its own congress and while it is kept."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext, override
from django_scopes import scopes_disabled

from congress.models import JobStatus, Membership, Role
from reports.models import Export
from tests.factories import DeputyFactory
from tests.reports.exports import download_url, export_url, start_export


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def deputies(tenant_a, tenant_b):
    with scopes_disabled():  # test setup
        DeputyFactory(congress=tenant_a.congress, name="张桂芳")
        DeputyFactory(congress=tenant_b.congress, name="乌云")


def test_a_role_taken_away_before_the_job_runs_gets_no_file(
    tenant_a, deputies, client_as, django_capture_on_commit_callbacks
):
    leader = tenant_a.user(Role.LEADER)
    client = client_as(leader)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(export_url(tenant_a, "roster"))
    assert response.status_code == 302
    with scopes_disabled():  # test setup: the role changes while the job waits
        Membership.objects.filter(user=leader, congress=tenant_a.congress).update(role=Role.DEPUTY)
    with override("zh-hans"):
        for callback in callbacks:
            callback()
        expected = gettext("You may no longer make this export.")

    with tenant_a.scope():
        export = Export.objects.select_related("job_run").get()
    assert export.job_run.status == JobStatus.FAILED
    assert export.job_run.message == expected
    assert export.file_path == "" and export.finished_at is None
    assert not default_storage.exists(f"exports/{tenant_a.congress.pk}")


def test_staff_see_every_earlier_export_and_a_leader_only_their_own(
    tenant_a, deputies, client_as, django_capture_on_commit_callbacks
):
    staff = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    leader = client_as(tenant_a.user(Role.LEADER))
    staffs = start_export(staff, tenant_a, "roster", django_capture_on_commit_callbacks)
    leaders = start_export(leader, tenant_a, "roster", django_capture_on_commit_callbacks)

    assert [made.pk for made in staff.get(export_url(tenant_a, "roster")).context["recent"]] == [
        leaders.pk,
        staffs.pk,
    ]
    assert [made.pk for made in leader.get(export_url(tenant_a, "roster")).context["recent"]] == [
        leaders.pk
    ]
    assert leader.get(download_url(tenant_a, staffs)).status_code == 404
    assert leader.get(download_url(tenant_a, leaders)).status_code == 200
    assert staff.get(download_url(tenant_a, leaders)).status_code == 200


def test_another_congresss_export_is_not_found(
    tenant_a, tenant_b, deputies, client_as, django_capture_on_commit_callbacks
):
    theirs = start_export(
        client_as(tenant_b.user(Role.COMMITTEE_STAFF)),
        tenant_b,
        "roster",
        django_capture_on_commit_callbacks,
    )
    ours = client_as(tenant_a.user(Role.COMMITTEE_ADMIN))
    # Their export's id under our congress, and their congress's address for an outsider.
    assert ours.get(download_url(tenant_a, theirs)).status_code == 404
    assert ours.get(download_url(tenant_b, theirs)).status_code == 404
    assert ours.get(export_url(tenant_a, "roster"), {"export": theirs.pk}).status_code == 404


def test_a_removed_file_answers_gone(
    tenant_a, deputies, client_as, django_capture_on_commit_callbacks
):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    deleted = start_export(client, tenant_a, "roster", django_capture_on_commit_callbacks)
    pruned = start_export(client, tenant_a, "roster", django_capture_on_commit_callbacks)
    default_storage.delete(deleted.file_path)
    with tenant_a.scope():
        Export.objects.filter(pk=pruned.pk).update(removed_at=timezone.now())

    assert client.get(download_url(tenant_a, deleted)).status_code == 410
    assert client.get(download_url(tenant_a, pruned)).status_code == 410


def test_an_unknown_export_is_not_found(tenant_a, client_as):
    client = client_as(tenant_a.user(Role.COMMITTEE_ADMIN))
    assert client.get(export_url(tenant_a, "no-such-export")).status_code == 404
