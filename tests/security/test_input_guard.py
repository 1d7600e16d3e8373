"""A NUL character in the address, the query, a cookie or the token is refused with 400 before
anything looks it up (PostgreSQL answered such a search with a server error)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.translation import gettext as _

from congress.models import Role

MESSAGE = "The request contains a character that is not allowed (NUL)."


def test_a_search_with_nul_in_the_api_is_a_400_with_a_message(world):
    client = Client(HTTP_AUTHORIZATION=f"Token {world.token(Role.COMMITTEE_STAFF)}")
    response = client.get(f"/api/v1/c/{world.slug}/duties/warnings/", {"q": "张\x00"})
    assert response.status_code == 400
    assert response.json() == {"detail": _(MESSAGE), "code": "invalid"}
    # Without the character the same search works.
    assert client.get(f"/api/v1/c/{world.slug}/duties/warnings/", {"q": "张"}).status_code == 200


@pytest.mark.parametrize(
    "path", ["/c/{slug}/members/?q=%00", "/p/{slug}/d/ab%00cd/", "/c/{slug}/?%00=1"]
)
def test_pages_with_nul_in_the_address_are_a_400(world, client_as, path):
    client = client_as(world.tenant.user(Role.COMMITTEE_ADMIN))
    response = client.get(path.format(slug=world.slug))
    assert response.status_code == 400
    assert response.content.decode() == _(MESSAGE)


def test_a_token_or_a_cookie_with_nul_is_a_400(world):
    token = Client(HTTP_AUTHORIZATION=f"Token {world.token(Role.DEPUTY)}\x00")
    assert token.get(f"/api/v1/c/{world.slug}/me/").status_code == 400
    cookie = Client()
    cookie.cookies["sessionid"] = "abc\x00def"
    assert cookie.get(f"/c/{world.slug}/").status_code == 400
