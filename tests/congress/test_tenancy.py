"""Tenancy by construction: tenant rows are invisible without a scope and limited by it."""

import pytest
from django.apps import apps
from django.db import models
from django_scopes import ScopeError, scope, scopes_disabled

from congress.history import AuditedHistoricalModel
from congress.models import AuditEvent, Congress, JobRun, Membership, Notification, Role
from deputies.models import DeputyStatusChange
from liaison.models import VoterMessageEvent
from reports.models import Export
from scoring.models import (
    DutyRecord,
    DutyRecordEvent,
    DutyRecordPhoto,
    DutyWarning,
    Ranking,
    RankingCategoryScore,
    RankingEntry,
    RankingGroupEntry,
    RankingRollup,
    RuleItem,
    RuleSet,
)
from suggestions.models import NumberCounter, SuggestionEvent
from tests.factories import JobRunFactory

# Tenant models that keep no history table, with the reason.
NOT_AUDITED = {
    JobRun: "a job run is itself the record of who started what and when",
    DeputyStatusChange: "rows are only ever added: the table is its own history",
    Notification: "a notice is itself the record of what was said to whom and when",
    VoterMessageEvent: "rows are only ever added: the table is its own history",
    SuggestionEvent: "rows are only ever added: the table is its own history",
    NumberCounter: "a counter only moves forward; the numbers it gave are on the suggestions",
    RuleSet: "a version is never edited: revising the rules writes the next version",
    RuleItem: "an item belongs to one version, which is never edited",
    DutyRecord: "every change of a record is a row of its events table",
    DutyRecordEvent: "rows are only ever added: the table is its own history",
    DutyRecordPhoto: "a photo is only ever added with its record",
    Ranking: "a ranking is a snapshot written once",
    RankingEntry: "part of a snapshot written once",
    RankingCategoryScore: "part of a snapshot written once",
    RankingGroupEntry: "part of a snapshot written once",
    RankingRollup: "part of a snapshot written once",
    DutyWarning: "raised and cleared only by rankings, which it names (raised_by, cleared_by)",
    Export: "an export is itself the record of who exported what, with which options, when",
    AuditEvent: "the audit log is append-only: nothing in it is ever changed",
}


def tenant_models() -> list[type[models.Model]]:
    """Every concrete model with a foreign key to Congress: the rows a congress owns."""
    found = []
    for model in apps.get_models():
        if model is Congress or issubclass(model, AuditedHistoricalModel):
            continue
        if any(
            isinstance(field, models.ForeignKey) and field.related_model is Congress
            for field in model._meta.get_fields()
        ):
            found.append(model)
    return found


def test_the_tenant_models_are_found():
    from deputies.models import Deputy, RosterImport
    from liaison.models import DeputyGroup, GroupMembership, LiaisonStation, StationDeputy

    expected = {Membership, JobRun, Deputy, RosterImport, DeputyGroup, GroupMembership}
    assert expected | {LiaisonStation, StationDeputy} <= set(tenant_models())


@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m._meta.label)
def test_query_outside_a_scope_raises(model, tenant_a):
    with pytest.raises(ScopeError):
        list(model.objects.all())
    with pytest.raises(ScopeError):
        model.objects.filter(pk=1).exists()
    with pytest.raises(ScopeError):
        model.objects.count()


@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m._meta.label)
def test_every_tenant_model_keeps_a_scoped_history(model, tenant_a):
    if model in NOT_AUDITED:
        assert not hasattr(model, "history")
        return
    assert hasattr(model, "history"), f"{model._meta.label} needs history = scoped_history()"
    with pytest.raises(ScopeError):
        list(model.history.all())
    history_model = model.history.model
    with pytest.raises(ScopeError):
        list(history_model.objects.all())


def test_a_scope_shows_only_its_own_rows(tenant_a, tenant_b):
    with tenant_a.scope():
        memberships = list(Membership.objects.all())
        history = list(Membership.history.all())
    assert {m.congress_id for m in memberships} == {tenant_a.congress.pk}
    assert len(memberships) == len(Role.values)
    assert {h.congress_id for h in history} == {tenant_a.congress.pk}
    assert len(history) == len(Role.values)


def test_reverse_relations_are_scoped_too(tenant_a, tenant_b):
    user = tenant_a.user(Role.DEPUTY)
    with pytest.raises(ScopeError):
        list(user.memberships.all())
    with tenant_b.scope():
        assert list(user.memberships.all()) == []


def test_congress_history_is_scoped_by_the_congress_itself(tenant_a, tenant_b):
    with scopes_disabled():
        assert Congress.history.count() == 2
    with tenant_a.scope():
        assert [h.id for h in Congress.history.all()] == [tenant_a.congress.pk]
    with pytest.raises(ScopeError):
        list(Congress.history.all())


def test_fetching_another_congress_row_by_id_finds_nothing(tenant_a, tenant_b):
    with scopes_disabled():
        job_run = JobRunFactory(congress=tenant_b.congress)
    with scope(congress=tenant_a.congress):
        assert not JobRun.objects.filter(pk=job_run.pk).exists()
    with scope(congress=tenant_b.congress):
        assert JobRun.objects.get(pk=job_run.pk) == job_run
