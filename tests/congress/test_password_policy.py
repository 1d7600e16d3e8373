"""The security administrator's password rules for a congress: above the platform's floor,
followed by every password its members set, the strictest where a person is in several."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled

from congress import services
from congress.audit import AuditAction
from congress.errors import DomainError
from congress.models import AuditEvent, Congress, Role
from tests.factories import MembershipFactory, UserFactory

# Eleven characters of three kinds: enough for the platform, not for a congress asking 12 or 4.
ELEVEN = "Xiangcheng7"
TWELVE_FOUR_KINDS = "Xiangcheng7!"


def policy_url(tenant) -> str:
    return reverse("congress:password_policy", kwargs={"congress_slug": tenant.congress.slug})


def refused(password: str, user) -> list[str]:
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        return list(error.messages)
    return []


def test_the_security_administrator_raises_the_rules_and_it_is_audited(tenant_a, client_as):
    admin = tenant_a.user(Role.SECURITY_ADMIN)
    client = client_as(admin)
    page = client.get(policy_url(tenant_a))
    assert page.status_code == 200
    assert "平台要求密码至少 10 个字符" in page.content.decode()
    response = client.post(
        policy_url(tenant_a), {"password_min_length": "12", "password_min_classes": "4"}
    )
    assert response.status_code == 302
    congress = Congress.objects.get(pk=tenant_a.congress.pk)
    assert (congress.password_min_length, congress.password_min_classes) == (12, 4)
    with scopes_disabled():  # test check
        event = AuditEvent.objects.get(action=AuditAction.PASSWORD_POLICY_CHANGED)
        changed_by = congress.history.latest().history_user
    assert event.user == admin and event.congress_id == congress.pk
    assert event.detail == {
        "changes": {"password_min_length": [10, 12], "password_min_classes": [3, 4]}
    }
    assert changed_by == admin
    security = client.get(reverse("congress:security", kwargs={"congress_slug": congress.slug}))
    body = security.content.decode()
    assert "密码至少需要 12 个字符。" in body and "修改密码规则" in body


def test_nothing_below_the_platforms_floor(tenant_a):
    with pytest.raises(DomainError) as error:
        services.password_policy_update(
            actor=tenant_a.user(Role.SECURITY_ADMIN),
            congress=tenant_a.congress,
            password_min_length=8,
        )
    assert error.value.field == "password_min_length"
    assert Congress.objects.get(pk=tenant_a.congress.pk).password_min_length == 10


def test_the_system_administrators_settings_cannot_touch_the_password_rules(tenant_a):
    with pytest.raises(DomainError):
        services.congress_update_settings(
            actor=tenant_a.user(Role.COMMITTEE_ADMIN),
            congress=tenant_a.congress,
            password_min_length=6,
        )
    assert Congress.objects.get(pk=tenant_a.congress.pk).password_min_length == 10


def test_members_follow_their_congress_and_the_strictest_of_several(tenant_a, tenant_b):
    deputy = tenant_a.user(Role.DEPUTY)
    assert refused(ELEVEN, deputy) == []
    Congress.objects.filter(pk=tenant_a.congress.pk).update(password_min_length=12)
    assert refused(ELEVEN, deputy) == ["密码至少需要 12 个字符。"]
    assert refused(TWELVE_FOUR_KINDS, deputy) == []
    # The same person in a second congress that asks for all four kinds: both rules hold.
    Congress.objects.filter(pk=tenant_b.congress.pk).update(password_min_classes=4)
    with scopes_disabled():  # test setup
        membership = MembershipFactory(congress=tenant_b.congress, user=deputy, role=Role.DEPUTY)
    assert refused("Xiangcheng77", deputy) == [
        "密码须包含小写字母、大写字母、数字、符号中的至少 4 种。"
    ]
    assert refused(TWELVE_FOUR_KINDS, deputy) == []
    # A membership that has ended no longer counts.
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    assert refused("Xiangcheng77", deputy) == []


def test_a_person_in_no_congress_follows_the_platforms_floor(db):
    assert refused(ELEVEN, UserFactory()) == []
    assert refused("Xiang7", UserFactory()) == ["密码至少需要 10 个字符。"]


def test_the_password_change_page_applies_the_congress_rules(tenant_a, client_as):
    Congress.objects.filter(pk=tenant_a.congress.pk).update(password_min_length=14)
    user = tenant_a.user(Role.COMMITTEE_STAFF)
    user.set_password("Old-password-2026")
    user.save()
    client = client_as(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "Old-password-2026",
            "new_password1": "Xiangcheng7!",
            "new_password2": "Xiangcheng7!",
        },
    )
    assert response.status_code == 200
    assert "密码至少需要 14 个字符。" in response.content.decode()
