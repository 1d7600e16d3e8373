"""The data versions that cached page parts are keyed by (congress.data_versions): which writes
move which version, when the move is seen, and the cached pages showing a change at once.

Most tests commit (transaction=True): a test inside one transaction that never commits reads
everything afresh once it has written, which is the rule for the connection that wrote."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from congress import data_versions
from congress.models import Role, User
from deputies.models import Deputy
from liaison.models import DeputyGroup
from scoring.models import Ranking
from suggestions.models import Suggestion
from tests.factories import (
    DeputyFactory,
    DeputyGroupFactory,
    RankingFactory,
    SuggestionFactory,
)

committed = pytest.mark.django_db(transaction=True)
CSRF_TOKEN = re.compile(r'"X-CSRFToken": "\w+"|name="csrfmiddlewaretoken" value="\w+"')


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ('INSERT INTO "scoring_dutyrecord" ("deputy_id") VALUES (%s)', "scoring_dutyrecord"),
        ('  update "suggestions_suggestion" SET "title" = %s', "suggestions_suggestion"),
        ('DELETE FROM "liaison_deputygroup" WHERE "id" = %s', "liaison_deputygroup"),
        (
            'INSERT OR IGNORE INTO "suggestions_suggestioncategory" ("name") VALUES (%s)',
            "suggestions_suggestioncategory",
        ),
        ("COPY scoring_dutyrecord (deputy_id, points) FROM STDIN", "scoring_dutyrecord"),
        ("WITH moved AS (DELETE FROM a RETURNING *) SELECT * FROM moved", "*"),
        ('UPDATE ONLY "a" SET "b" = 1', "*"),
        ('TRUNCATE "scoring_rankingentry"', "scoring_rankingentry"),
        ('SELECT "id" FROM "scoring_ranking" FOR UPDATE', None),
        ("WITH totals AS (SELECT 1) SELECT * FROM totals", None),
        ('SAVEPOINT "s1"', None),
        ('CREATE INDEX "x" ON "y" ("z")', None),
        ('INSERT INTO "django_session" ("session_key") VALUES (%s)', None),
        ('UPDATE "django_session" SET "expire_date" = %s', None),
    ],
)
def test_which_table_a_statement_changes(sql, expected):
    assert data_versions.changed_table(sql) == expected


def test_writes_to_a_database_cache_are_not_changes(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "lvzhi_cache",
        }
    }
    assert data_versions.changed_table('INSERT INTO "lvzhi_cache" ("k") VALUES (%s)') is None
    assert (
        data_versions.changed_table('INSERT INTO "lvzhi_cachex" ("k") VALUES (%s)')
        == "lvzhi_cachex"
    )


GROUPS = ["liaison_deputygroup"]


def groups_version(congress) -> str | None:
    return data_versions.version(congress.pk, GROUPS)


@committed
def test_a_change_in_a_congress_moves_its_table_and_nothing_else(tenant_a, tenant_b):
    before_a, before_b = groups_version(tenant_a.congress), groups_version(tenant_b.congress)
    deputies_before = data_versions.version(tenant_a.congress.pk, ["deputies_deputy"])
    with tenant_a.scope():
        DeputyGroup.objects.filter(congress=tenant_a.congress).update(name="改过")
        DeputyGroupFactory(congress=tenant_a.congress)
    assert groups_version(tenant_a.congress) != before_a
    assert groups_version(tenant_b.congress) == before_b
    assert data_versions.version(tenant_a.congress.pk, ["deputies_deputy"]) == deputies_before


@committed
def test_a_change_outside_any_congress_moves_the_table_in_every_congress(tenant_a, tenant_b):
    before = [
        data_versions.version(t.congress.pk, ["deputies_deputy"]) for t in (tenant_a, tenant_b)
    ]
    with scopes_disabled():
        DeputyFactory(congress=tenant_b.congress)
    after = [
        data_versions.version(t.congress.pk, ["deputies_deputy"]) for t in (tenant_a, tenant_b)
    ]
    assert after[0] != before[0] and after[1] != before[1]


@committed
def test_a_change_to_a_table_no_congress_owns_moves_it_everywhere(tenant_a, tenant_b):
    # An account belongs to no congress: renamed while working in congress A, it is renamed in
    # congress B too.
    def versions():
        return [data_versions.version(t.congress.pk, ["congress_user"]) for t in tenants]

    tenants = (tenant_a, tenant_b)
    before = versions()
    user = tenant_a.user(Role.DEPUTY)
    with tenant_a.scope():
        User.objects.filter(pk=user.pk).update(full_name="王建国")
    after = versions()
    assert after[0] != before[0] and after[1] != before[1]


@committed
def test_a_write_whose_table_is_not_told_moves_every_table(tenant_a):
    before = groups_version(tenant_a.congress)
    with tenant_a.scope(), connection.cursor() as cursor:
        cursor.execute(
            "WITH none AS (SELECT id FROM liaison_deputygroup WHERE id < 0) "
            "DELETE FROM liaison_deputygroup WHERE id IN (SELECT id FROM none)"
        )
    assert groups_version(tenant_a.congress) != before


@committed
def test_in_a_transaction_the_writer_reads_afresh_and_the_version_moves_at_commit(tenant_a):
    congress = tenant_a.congress
    before = groups_version(congress)
    with transaction.atomic(), tenant_a.scope():
        assert groups_version(congress) == before  # nothing written yet
        DeputyGroupFactory(congress=congress)
        assert groups_version(congress) is None  # read afresh, not cached
        fresh = data_versions.cached(
            "test", congress_id=congress.pk, reads=[DeputyGroup], parts=(), build=lambda: 1
        )
        assert fresh == 1
    assert groups_version(congress) not in (None, before)


@committed
def test_a_rolled_back_change_moves_nothing(tenant_a):
    congress = tenant_a.congress
    before = groups_version(congress)
    with transaction.atomic(), tenant_a.scope():
        DeputyGroupFactory(congress=congress)
        transaction.set_rollback(True)
    assert groups_version(congress) == before
    # A savepoint rolled back inside a transaction that commits changes nothing either.
    with transaction.atomic(), tenant_a.scope():
        with transaction.atomic():
            DeputyGroupFactory(congress=congress)
            transaction.set_rollback(True)
        assert groups_version(congress) == before
    assert groups_version(congress) == before


@committed
def test_a_part_is_built_once_per_version_and_again_after_a_change(tenant_a):
    congress = tenant_a.congress
    built = []

    def build():
        built.append(1)
        return {"groups": DeputyGroup.objects.filter(congress=congress).count()}

    def read(parts=("page 1",)):
        with tenant_a.scope():
            return data_versions.cached(
                "test", congress_id=congress.pk, reads=[DeputyGroup], parts=parts, build=build
            )

    assert read() == {"groups": 0}
    assert read() == {"groups": 0}
    assert len(built) == 1
    assert read(("page 2",)) == {"groups": 0}  # other parts, another entry
    assert len(built) == 2
    with tenant_a.scope():
        DeputyFactory(congress=congress)  # a table the part does not read
    assert read() == {"groups": 0}
    assert len(built) == 2
    with tenant_a.scope():
        DeputyGroupFactory(congress=congress)
    assert read() == {"groups": 1}
    assert len(built) == 3


@committed
def test_a_part_that_reads_a_table_it_does_not_declare_is_refused(tenant_a, settings):
    def build():
        return DeputyGroup.objects.count()

    with tenant_a.scope(), pytest.raises(ImproperlyConfigured, match="liaison_deputygroup"):
        data_versions.cached("test", congress_id=1, reads=[Deputy], parts=(), build=build)
    # Outside the tests it is logged and the part is not cached: read afresh every time.
    settings.LVZHI_CHECK_CACHED_READS = False
    with tenant_a.scope():
        for expected in (0, 1):
            assert expected == data_versions.cached(
                "test", congress_id=tenant_a.congress.pk, reads=[Deputy], parts=(), build=build
            )
            DeputyGroupFactory(congress=tenant_a.congress)


# The cached pages show a change at once --------------------------------------------------------


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    # The page's CSRF token is masked afresh on every answer: left out of the comparison.
    page = re.sub(CSRF_TOKEN, "", response.content.decode())
    return len(captured.captured_queries), page


@committed
def test_the_staff_suggestion_list_is_read_once_and_shows_a_change_at_once(tenant_a, client_as):
    with scopes_disabled():
        suggestion = SuggestionFactory(congress=tenant_a.congress, title="关于修缮檀溪路的建议")
    staff = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    url = f"/c/{tenant_a.congress.slug}/suggestions/"
    cold, page = _queries(staff, url)
    assert "关于修缮檀溪路的建议" in page
    warm, again = _queries(staff, url)
    assert warm < cold and again == page
    with tenant_a.scope():
        Suggestion.objects.filter(pk=suggestion.pk).update(title="关于拓宽檀溪路的建议")
    _, changed = _queries(staff, url)
    assert "关于拓宽檀溪路的建议" in changed and "关于修缮檀溪路的建议" not in changed


@committed
def test_readers_with_other_rights_do_not_share_a_cached_list(tenant_a, client_as):
    with scopes_disabled():
        SuggestionFactory(congress=tenant_a.congress, title="已提交的建议")
        # Entered from paper and not sent yet: staff see it, leaders do not.
        SuggestionFactory(
            congress=tenant_a.congress,
            title="纸质录入的草稿",
            status="draft",
            submitted_at=None,
            from_paper=True,
        )
    url = f"/c/{tenant_a.congress.slug}/suggestions/"
    _, staff_page = _queries(client_as(tenant_a.user(Role.COMMITTEE_STAFF)), url)
    _, leader_page = _queries(client_as(tenant_a.user(Role.LEADER)), url)
    assert "已提交的建议" in staff_page and "已提交的建议" in leader_page
    assert "纸质录入的草稿" in staff_page
    assert "纸质录入的草稿" not in leader_page


@committed
def test_the_ranking_board_is_read_once_and_shows_a_renamed_group_at_once(tenant_a, client_as):
    with scopes_disabled():
        RankingFactory(congress=tenant_a.congress, year=2026, quarter=2)
        group = DeputyGroupFactory(congress=tenant_a.congress, name="檀溪代表小组")
    staff = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    url = f"/c/{tenant_a.congress.slug}/duties/rankings/"
    cold, page = _queries(staff, url)
    assert "檀溪代表小组" in page and "2026Q2" in page
    warm, _ = _queries(staff, url)
    assert warm < cold
    with tenant_a.scope():
        DeputyGroup.objects.filter(pk=group.pk).update(name="真武山代表小组")
        RankingFactory(congress=tenant_a.congress, year=2026, quarter=3)
    _, changed = _queries(staff, url)
    assert "真武山代表小组" in changed and "檀溪代表小组" not in changed
    assert "2026Q3" in changed
    with scopes_disabled():
        assert Ranking.objects.filter(congress=tenant_a.congress).count() == 2


@committed
def test_another_congress_never_gets_a_cached_page(tenant_a, tenant_b, client_as):
    with scopes_disabled():
        SuggestionFactory(congress=tenant_a.congress, title="襄城区的建议")
        SuggestionFactory(congress=tenant_b.congress, title="石拐区的建议")
    a = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    b = client_as(tenant_b.user(Role.COMMITTEE_STAFF))
    for _ in range(2):
        _, page_a = _queries(a, f"/c/{tenant_a.congress.slug}/suggestions/")
        _, page_b = _queries(b, f"/c/{tenant_b.congress.slug}/suggestions/")
        assert "襄城区的建议" in page_a and "石拐区的建议" not in page_a
        assert "石拐区的建议" in page_b and "襄城区的建议" not in page_b


@committed
def test_running_the_migrations_moves_every_version(tenant_a):
    before = groups_version(tenant_a.congress)
    call_command("migrate", verbosity=0)
    assert groups_version(tenant_a.congress) != before


@committed
def test_an_entry_that_cannot_be_read_is_read_afresh(tenant_a, monkeypatch):
    congress = tenant_a.congress

    def read():
        with tenant_a.scope():
            return data_versions.cached(
                "test",
                congress_id=congress.pk,
                reads=[DeputyGroup],
                parts=(),
                build=lambda: DeputyGroup.objects.count(),
            )

    assert read() == 0
    real = data_versions.cache.get_many

    def broken(names):
        if any(name.startswith("page:") for name in names):
            raise ValueError("unpickling failed")
        return real(names)

    monkeypatch.setattr(data_versions.cache, "get_many", broken)
    assert read() == 0
