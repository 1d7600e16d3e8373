"""A congress exported, loaded into an empty installation and exported again: the same data and
the same files, byte for byte; another congress's rows stay out."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django_scopes import scope, scopes_disabled

from congress import loadgen, portability
from congress.audit import AuditAction, audit_record
from congress.models import AuditEvent, Congress, Membership, Role, User
from deputies.models import Deputy
from scoring.models import DutyRecord, DutyRecordPhoto
from suggestions.models import Suggestion, SuggestionAttachment
from tests.factories import TEST_PASSWORD, CongressFactory, MembershipFactory, UserFactory

# Committed rows: the test empties the whole database between the export and the import.
pytestmark = pytest.mark.django_db(transaction=True)

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4
PDF = b"%PDF-1.7\n" + "建议附件".encode() * 50


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _data(path: Path) -> dict:
    return json.loads(_entries(path)[portability.DATA_NAME])


def _rich_congress() -> tuple[Congress, Congress, User]:
    """A generated congress with files of every kind, a second congress, and one person in both.

    Returns the exported congress, the other one, and the shared person.
    """
    loadgen.generate(slug="xiangcheng", deputies=60, years=1, stdout=None)
    with scopes_disabled():  # building two congresses' rows, as platform code would
        congress = Congress.objects.get(slug="xiangcheng")
        other = CongressFactory(slug="other")
        shared = UserFactory(username="both-congresses")
        Membership.objects.create(congress=congress, user=shared, role=Role.COMMITTEE_STAFF)
        Membership.objects.create(congress=other, user=shared, role=Role.LEADER)
        MembershipFactory(congress=other, user=UserFactory(username="only-other"))
        admin = UserFactory(username="platform-admin", is_staff=True, is_superuser=True)
        Membership.objects.create(congress=congress, user=admin, role=Role.COMMITTEE_ADMIN)
        audit_record(action=AuditAction.SIGN_IN, username="nobody")  # of no congress
        audit_record(
            action=AuditAction.MEMBER_CREATED, user=admin, congress=congress, target=shared
        )
        audit_record(action=AuditAction.MEMBER_CREATED, user=shared, congress=other, target=shared)

    with scope(congress=congress):
        deputy = Deputy.objects.order_by("pk").first()
        deputy.photo.save("first.jpg", ContentFile(JPEG), save=True)
        # The first photo stays named only by the history table.
        deputy.photo.save("second.jpg", ContentFile(JPEG[::-1]), save=True)
        record = DutyRecord.objects.order_by("pk").first()
        DutyRecordPhoto.objects.create(
            congress=congress, record=record, image=ContentFile(JPEG, name="duty.jpg")
        )
        suggestion = Suggestion.objects.order_by("pk").first()
        for name in ("plan.pdf", "gone.pdf"):
            SuggestionAttachment.objects.create(
                congress=congress,
                suggestion=suggestion,
                file=ContentFile(PDF, name=name),
                name=name,
                size=len(PDF),
                uploaded_by=shared,
            )
    # A file the storage lost: the export lists it as missing.
    default_storage.delete(SuggestionAttachment._base_manager.get(name="gone.pdf").file.name)
    return congress, other, shared


def test_an_export_loads_into_an_empty_installation_and_exports_the_same(media, settings, tmp_path):
    congress, _other, _shared = _rich_congress()
    first = tmp_path / "first.zip"
    out = io.StringIO()
    call_command("export_congress", congress="xiangcheng", output=str(first), stdout=out)
    assert "xiangcheng" not in out.getvalue() or "已导出" in out.getvalue()

    data = _data(first)
    tables = {table["model"]: table for table in data["models"]}
    assert data["congress"] == "xiangcheng"
    # Every kind of record the generator makes, and their history.
    for label in (
        "deputies.deputy",
        "deputies.historicaldeputy",
        "liaison.votermessage",
        "suggestions.suggestion",
        "suggestions.historicalsuggestion",
        "scoring.dutyrecord",
        "scoring.ranking",
        "scoring.rankingentry",
        "scoring.rankingcategoryscore",
        "scoring.rankinggroupentry",
        "congress.membership",
        "congress.historicalcongress",
        "congress.auditevent",
    ):
        assert tables[label]["rows"], label
    # Nothing of the other congress, and none of its people who are not also in this one.
    for table in data["models"]:
        if "congress_id" in table["fields"]:
            at = table["fields"].index("congress_id")
            assert {row[at] for row in table["rows"]} <= {congress.pk}, table["model"]
    users = tables["congress.user"]
    usernames = {row[users["fields"].index("username")] for row in users["rows"]}
    assert {"both-congresses", "platform-admin"} <= usernames
    assert "only-other" not in usernames
    # Platform rights are the installation's, not the congress's.
    for right in ("is_staff", "is_superuser"):
        assert not any(row[users["fields"].index(right)] for row in users["rows"])
    # Files: current ones, one named only by history, and the lost one listed as missing.
    assert len(data["files"]) == 4
    assert any(name.startswith("deputies/photos/first") for name in data["files"])
    assert [name.split("/")[-1] for name in data["missing_files"]] == ["gone.pdf"]
    # The export is in the congress's audit log (after the snapshot, so not in the file).
    with scopes_disabled():
        event = AuditEvent.objects.get(congress=congress, action=AuditAction.DATA_EXPORTED)
    assert "first.zip" in event.summary

    call_command("flush", interactive=False, verbosity=0)
    assert not Congress.objects.exists()
    settings.MEDIA_ROOT = tmp_path / "new-media"

    out = io.StringIO()
    call_command("import_congress", str(first), stdout=out)
    assert "已导入" in out.getvalue()
    second = tmp_path / "second.zip"
    call_command("export_congress", congress="xiangcheng", output=str(second), stdout=io.StringIO())

    before, after = _entries(first), _entries(second)
    assert after[portability.DATA_NAME] == before[portability.DATA_NAME]
    files_before = {k: v for k, v in before.items() if k.startswith(portability.FILES_FOLDER)}
    files_after = {k: v for k, v in after.items() if k.startswith(portability.FILES_FOLDER)}
    assert files_after == files_before
    assert len(files_after) == 4
    # People sign in with their old passwords; the other congress did not come along.
    assert User.objects.get(username="both-congresses").check_password(TEST_PASSWORD)
    assert not User.objects.get(username="platform-admin").is_superuser
    assert list(Congress.objects.values_list("slug", flat=True)) == ["xiangcheng"]
    # New rows get new ids after the imported ones.
    assert CongressFactory().pk > congress.pk


KEYED_BY_COLUMNS = ("scoring.rankingcategoryscore", "scoring.rankinggroupentry")


def test_an_export_made_when_snapshot_rows_had_ids_still_loads(media, tmp_path):
    """Category scores and ranks in groups are keyed by their columns; an export made while they
    still had an id loads without it, and exports again as one made now."""
    loadgen.generate(slug="xiangcheng", deputies=20, years=1, stdout=None)
    now = tmp_path / "now.zip"
    portability.export_congress(slug="xiangcheng", output=now)
    entries = _entries(now)
    data = json.loads(entries[portability.DATA_NAME])
    counts = {}
    for table in data["models"]:
        if table["model"] in KEYED_BY_COLUMNS:
            assert "id" not in table["fields"] and table["rows"]
            table["fields"] = ["id", *table["fields"]]
            table["rows"] = [[n, *row] for n, row in enumerate(table["rows"], start=1)]
            counts[table["model"]] = len(table["rows"])
    assert set(counts) == set(KEYED_BY_COLUMNS)
    before = tmp_path / "before.zip"
    with zipfile.ZipFile(before, "w") as archive:
        for name, content in entries.items():
            if name == portability.DATA_NAME:
                content = json.dumps(data, ensure_ascii=False).encode()
            archive.writestr(name, content)
    call_command("flush", interactive=False, verbosity=0)

    summary = portability.import_congress(source=before)
    assert {label: summary.rows[label] for label in KEYED_BY_COLUMNS} == counts
    again = tmp_path / "again.zip"
    portability.export_congress(slug="xiangcheng", output=again)
    assert _data(again)["models"] == _data(now)["models"]


def test_an_import_is_refused_where_the_congress_or_its_ids_exist(media, tmp_path):
    with scopes_disabled():
        congress = CongressFactory(slug="small")
        MembershipFactory(congress=congress, user=UserFactory(username="small-staff"))
    exported = tmp_path / "small.zip"
    portability.export_congress(slug="small", output=exported)

    with pytest.raises(CommandError, match="small"):
        call_command("import_congress", str(exported), stdout=io.StringIO())

    # Another congress now has the ids: refused by name, and nothing was written.
    call_command("flush", interactive=False, verbosity=0)
    with scopes_disabled():
        MembershipFactory(congress=CongressFactory(slug="newcomer", pk=congress.pk))
    with pytest.raises(CommandError, match=r"congress\.congress"):
        call_command("import_congress", str(exported), stdout=io.StringIO())
    assert not Congress.objects.filter(slug="small").exists()


def test_an_account_of_the_same_id_and_name_is_kept_and_a_clash_refused(media, tmp_path):
    with scopes_disabled():
        congress = CongressFactory(slug="small")
        staff = UserFactory(username="shared-person")
        MembershipFactory(congress=congress, user=staff)
    exported = tmp_path / "small.zip"
    portability.export_congress(slug="small", output=exported)
    call_command("flush", interactive=False, verbosity=0)

    # Same id, another name: refused.
    impostor = UserFactory(username="someone-else", pk=staff.pk)
    with pytest.raises(CommandError, match="shared-person"):
        call_command("import_congress", str(exported), stdout=io.StringIO())
    impostor.delete()

    # The same person already here (they are in another congress of this installation): kept.
    UserFactory(username="shared-person", pk=staff.pk, full_name="本系统的资料")
    summary = portability.import_congress(source=exported)
    assert summary.accounts_kept == 1
    assert User.objects.get(pk=staff.pk).full_name == "本系统的资料"
    with scopes_disabled():
        assert Membership.objects.get(congress__slug="small").user_id == staff.pk


def test_an_unknown_file_is_refused(tmp_path):
    path = tmp_path / "not-an-export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data.json", json.dumps({"format": "something else"}))
    with pytest.raises(CommandError, match=r"export|导出"):
        call_command("import_congress", str(path), stdout=io.StringIO())


def test_every_model_of_the_project_is_exported_or_left_out_with_a_reason():
    exported = {model._meta.label_lower for model in portability.exported_models()}
    undecided = sorted(
        model._meta.label_lower
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in portability.OWN_APPS
        and not model._meta.proxy
        and model._meta.label_lower not in exported
        and model._meta.label_lower not in portability.LEFT_OUT
    )
    # A new model with neither a congress foreign key nor a link to a congress's row: decide
    # whether it belongs to a congress (give it one) or to the installation (congress/portability.py
    # LEFT_OUT, with the reason).
    assert undecided == []
    assert "congress.usersession" not in exported
    assert {"congress.congress", "congress.user", "congress.auditevent"} <= exported
