"""Edge cases across the parts: a merged suggestion re-handled alone, a declined co-signer,
out-of-range ids and filters that must be refused rather than crash."""

from __future__ import annotations

from datetime import date

from congress.models import Role
from suggestions import feedback_services, lifecycle
from suggestions.models import CosignerStatus, Suggestion, SuggestionCosigner, SuggestionStatus
from suggestions.selectors import suggestion_visible
from tests.factories import DeputyFactory, SuggestionFactory


def _replied(tenant, **fields) -> Suggestion:
    return SuggestionFactory(
        congress=tenant.congress,
        status="replied",
        number=fields.pop("number", 1),
        series="r2026-suggestion",
        assigned_on=date(2026, 3, 2),
        due_on=date(2026, 6, 2),
        first_due_on=date(2026, 6, 2),
        first_replied_on=date(2026, 5, 20),
        replied_on=date(2026, 5, 20),
        reply_class="B",
        **fields,
    )


def test_a_merged_suggestion_reopened_alone_leaves_the_group(tenant_a):
    deputy_user = tenant_a.user(Role.DEPUTY)
    with tenant_a.scope():
        main = _replied(tenant_a, number=1)
        follower = _replied(
            tenant_a,
            number=2,
            merged_into=main,
            lead_deputy=DeputyFactory(congress=tenant_a.congress, user=deputy_user),
        )
        (feedback,) = lifecycle.feedback_request(follower, actor=None)
        feedback_services.suggestion_rate(
            actor=deputy_user, feedback=feedback, rating="unsatisfied", reason="没有解决。"
        )
        follower.refresh_from_db()
        assert follower.status == SuggestionStatus.REHANDLING
        # Handled on its own from now on, so it can be replied to even after the main closes.
        assert follower.merged_into_id is None
        assert follower.events.filter(action="unmerge").exists()
        main.refresh_from_db()
        assert main.status == SuggestionStatus.REPLIED


def test_a_deputy_who_declined_to_cosign_no_longer_sees_the_suggestion(tenant_a, client_as):
    deputy_user = tenant_a.user(Role.DEPUTY)
    membership = tenant_a.members[Role.DEPUTY]
    with tenant_a.scope():
        suggestion = SuggestionFactory(congress=tenant_a.congress)
        cosigner = SuggestionCosigner.objects.create(
            congress=tenant_a.congress,
            suggestion=suggestion,
            deputy=DeputyFactory(congress=tenant_a.congress, user=deputy_user),
        )
        assert suggestion_visible(membership=membership).filter(pk=suggestion.pk).exists()
        cosigner.status = CosignerStatus.DECLINED
        cosigner.save()
        assert not suggestion_visible(membership=membership).filter(pk=suggestion.pk).exists()
    url = f"/c/{tenant_a.congress.slug}/my/suggestions/{suggestion.pk}/"
    assert client_as(deputy_user).get(url).status_code == 404


def test_out_of_range_ids_are_refused_not_crashed(tenant_a, client_as):
    deputy_user = tenant_a.user(Role.DEPUTY)
    with tenant_a.scope():
        DeputyFactory(congress=tenant_a.congress, user=deputy_user)
        category = tenant_a.congress.suggestion_categories.first()
    response = client_as(deputy_user).post(
        f"/api/v1/c/{tenant_a.congress.slug}/my/suggestions/",
        {
            "kind": "suggestion",
            "title": "关于路灯的建议",
            "content": "路灯不亮。",
            "category": category.pk,
            "cosigners": [10**20],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "cosigners" in response.json()


def test_bad_statistics_filters_are_refused(tenant_a, client_as):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    base = f"/api/v1/c/{tenant_a.congress.slug}/suggestion-statistics/"
    for query in ("?year=²", "?session=²", "?session=99999999999999999999", "?year=20261"):
        response = client.get(base + query)
        assert response.status_code == 400, query
        assert response.json()["detail"]
