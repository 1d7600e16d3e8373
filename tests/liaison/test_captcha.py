"""The self-hosted arithmetic captcha: one answer per picture, kept on the server, never shown."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from PIL import Image

from liaison import captcha
from tests.factories import DeputyFactory

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _empty_cache(db):
    cache.clear()
    yield
    cache.clear()


def stored(challenge_id: str) -> dict:
    return cache.get(captcha.KEY_PREFIX + challenge_id)


def test_a_challenge_keeps_its_answer_on_the_server():
    challenge_id = captcha.captcha_new(congress_id=1)
    question = captcha.captcha_question(challenge_id, congress_id=1)
    left, operator, right = question.split()
    expected = int(left) + int(right) if operator == "+" else int(left) - int(right)

    assert stored(challenge_id)["answer"] == expected
    assert 2 <= expected <= 58
    assert int(right) <= 9 and 11 <= int(left) <= 49  # easy to work out in one's head


def test_the_right_answer_passes_once():
    challenge_id = captcha.captcha_new(congress_id=1)
    answer = str(stored(challenge_id)["answer"])

    assert captcha.captcha_check(challenge_id, answer, congress_id=1) is True
    assert captcha.captcha_check(challenge_id, answer, congress_id=1) is False
    assert captcha.captcha_question(challenge_id, congress_id=1) is None


def test_a_wrong_answer_spends_the_challenge():
    challenge_id = captcha.captcha_new(congress_id=1)
    answer = stored(challenge_id)["answer"]

    assert captcha.captcha_check(challenge_id, str(answer + 1), congress_id=1) is False
    # Guessing again on the same picture is no use: it is gone.
    assert captcha.captcha_check(challenge_id, str(answer), congress_id=1) is False


@pytest.mark.parametrize("typed", ["{}", " {} ", "{full}"])
def test_answers_typed_with_spaces_or_full_width_digits_count(typed):
    challenge_id = captcha.captcha_new(congress_id=1)
    answer = stored(challenge_id)["answer"]
    full_width = "".join(chr(ord("０") + int(digit)) for digit in str(answer))

    assert captcha.captcha_check(challenge_id, typed.format(answer, full=full_width), congress_id=1)


@pytest.mark.parametrize("typed", ["", "abc", "-3", "1e3", "99999999"])
def test_nonsense_is_wrong(typed):
    challenge_id = captcha.captcha_new(congress_id=1)
    assert captcha.captcha_check(challenge_id, typed, congress_id=1) is False


def test_a_challenge_of_another_congress_is_refused():
    challenge_id = captcha.captcha_new(congress_id=1)
    answer = str(stored(challenge_id)["answer"])

    assert captcha.captcha_question(challenge_id, congress_id=2) is None
    assert captcha.captcha_check(challenge_id, answer, congress_id=2) is False


@pytest.mark.parametrize("challenge_id", [None, "", "short", "../../etc", "a" * 65, "x y" * 8])
def test_malformed_ids_are_never_looked_up(challenge_id):
    assert captcha.captcha_question(challenge_id, congress_id=1) is None
    assert captcha.captcha_check(challenge_id, "3", congress_id=1) is False


@pytest.mark.skipif(
    "redis" in settings.CACHES["default"]["BACKEND"].lower(),
    reason="Redis expires keys by its own clock, which the test cannot move",
)
def test_a_challenge_expires_after_ten_minutes():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        challenge_id = captcha.captcha_new(congress_id=1)
        answer = str(stored(challenge_id)["answer"])
        traveller.shift(timedelta(minutes=10, seconds=5))
        assert captcha.captcha_check(challenge_id, answer, congress_id=1) is False


def test_the_picture_is_a_png_of_the_question():
    image_bytes = captcha.captcha_image("7 + 5")

    assert image_bytes.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(image_bytes)) as image:
        assert image.format == "PNG"
        assert image.size == captcha.IMAGE_SIZE
    # Drawn freshly each time: noise and tilt differ, so no two pictures are byte-identical.
    assert captcha.captcha_image("7 + 5") != image_bytes


def image_url(tenant, deputy, slug=None) -> str:
    return reverse(
        "public:deputy_captcha",
        kwargs={"congress_slug": slug or tenant.congress.slug, "deputy_token": deputy.public_token},
    )


@pytest.fixture
def deputy(tenant_a):
    with scopes_disabled():  # test setup
        return DeputyFactory(congress=tenant_a.congress)


def test_the_picture_is_served_as_png_never_cached(tenant_a, deputy, client):
    challenge_id = captcha.captcha_new(congress_id=tenant_a.congress.pk)
    url = image_url(tenant_a, deputy)

    response = client.get(url, {"c": challenge_id})

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(PNG_SIGNATURE)
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    # Looking at the picture does not spend the challenge.
    assert captcha.captcha_question(challenge_id, congress_id=tenant_a.congress.pk)


def test_an_unknown_or_foreign_challenge_draws_no_question(tenant_a, tenant_b, deputy, client):
    challenge_id = captcha.captcha_new(congress_id=tenant_a.congress.pk)
    with scopes_disabled():  # test setup
        deputy_b = DeputyFactory(congress=tenant_b.congress)
    url = image_url(tenant_b, deputy_b)

    for params in ({"c": challenge_id}, {"c": "nonsense"}, {}):
        response = client.get(url, params)
        assert response.status_code == 200
        assert response.content.startswith(PNG_SIGNATURE)
    # B's address never reveals (or spends) A's challenge; A's token is unknown there.
    assert captcha.captcha_question(challenge_id, congress_id=tenant_a.congress.pk)
    assert client.get(image_url(tenant_a, deputy, slug="shiguai")).status_code == 404
