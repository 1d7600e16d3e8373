"""The public QR pages of deputies and stations: what a voter sees, and what they never see."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django_scopes import scopes_disabled
from PIL import Image

from deputies.models import DeputyStatus
from deputies.services import deputy_rotate_public_token
from liaison.services import station_rotate_public_token
from tests.factories import (
    DeputyFactory,
    GroupMembershipFactory,
    LiaisonStationFactory,
    StationDeputyFactory,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg_bytes(color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), color).save(buffer, format="JPEG")
    return buffer.getvalue()


def deputy_url(tenant, deputy, name="public:deputy", slug=None) -> str:
    return reverse(
        name,
        kwargs={
            "congress_slug": slug or tenant.congress.slug,
            "deputy_token": deputy.public_token,
        },
    )


def station_url(tenant, station, slug=None) -> str:
    return reverse(
        "public:station",
        kwargs={
            "congress_slug": slug or tenant.congress.slug,
            "station_token": station.public_token,
        },
    )


@pytest.fixture
def deputy(tenant_a):
    with scopes_disabled():  # test setup
        deputy = DeputyFactory(
            congress=tenant_a.congress,
            name="周玉兰",
            phone="13871234567",
            birth_date="1968-03-09",
            party="cpc",
            ethnicity="回族",
            level="county",
            workplace_title="襄城区古城街道社区卫生服务中心主任",
        )
        GroupMembershipFactory(
            group__congress=tenant_a.congress, group__name="古城街道代表小组", deputy=deputy
        )
        StationDeputyFactory(
            station__congress=tenant_a.congress, station__name="古城代表联络站", deputy=deputy
        )
    return deputy


def test_a_voter_sees_the_deputy_public_page(tenant_a, deputy, client):
    response = client.get(deputy_url(tenant_a, deputy))

    assert response.status_code == 200
    body = response.content.decode()
    assert tenant_a.congress.name in body
    assert "周玉兰" in body
    assert deputy.get_level_display() in body
    assert "古城街道代表小组" in body
    assert "古城代表联络站" in body
    assert "襄城区古城街道社区卫生服务中心主任" in body
    assert "138****4567" in body
    assert deputy_url(tenant_a, deputy, "public:deputy_photo") in body
    assert "给代表留言" in body


def test_the_deputy_page_shows_nothing_else_personal(tenant_a, deputy, client):
    body = client.get(deputy_url(tenant_a, deputy)).content.decode()

    assert "13871234567" not in body
    for birth_date in ("1968-03-09", "1968年3月9日", "1968"):
        assert birth_date not in body
    assert "回族" not in body
    assert deputy.get_party_display() not in body
    assert "中国共产党" not in body
    assert deputy.get_gender_display() not in body
    assert deputy.electoral_district not in body


def test_public_pages_are_never_cached_nor_indexed(tenant_a, deputy, client):
    with scopes_disabled():  # test setup
        station = deputy.station_links.get().station
    for url in (
        deputy_url(tenant_a, deputy),
        deputy_url(tenant_a, deputy, "public:deputy_photo"),
        station_url(tenant_a, station),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "noindex" in response["X-Robots-Tag"], url


def test_public_pages_need_no_javascript_and_no_inline_styles(tenant_a, deputy, client):
    with scopes_disabled():  # test setup
        station = deputy.station_links.get().station
    for url in (deputy_url(tenant_a, deputy), station_url(tenant_a, station)):
        body = client.get(url).content.decode()
        assert "<script" not in body
        assert "style=" not in body
        assert "/static/css/public.css" in body
        # The signed-in chrome (menus, navigation) is not part of a public page.
        assert "user-menu" not in body
        assert "/static/css/app.css" not in body


def test_a_token_answers_only_under_its_own_congress(tenant_a, tenant_b, deputy, client):
    with scopes_disabled():  # test setup
        station = deputy.station_links.get().station
    other = tenant_b.congress.slug

    assert client.get(deputy_url(tenant_a, deputy, slug=other)).status_code == 404
    assert (
        client.get(deputy_url(tenant_a, deputy, "public:deputy_photo", slug=other)).status_code
        == 404
    )
    assert client.get(station_url(tenant_a, station, slug=other)).status_code == 404
    assert client.get(deputy_url(tenant_a, deputy, slug="no-such-congress")).status_code == 404


def test_an_unknown_token_is_a_404_that_says_the_code_is_no_longer_valid(tenant_a, client):
    slug = tenant_a.congress.slug
    for url in (f"/p/{slug}/d/not-a-token/", f"/p/{slug}/s/not-a-token/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "二维码已失效" in response.content.decode()
        assert "no-store" in response["Cache-Control"]
    assert client.get(f"/p/{slug}/d/not-a-token/photo/").status_code == 404


def test_a_rotated_deputy_token_stops_working_at_once(tenant_a, deputy, client):
    with scopes_disabled():  # test setup
        deputy.photo.save("zhou.jpg", ContentFile(jpeg_bytes()), save=True)
    old_page = deputy_url(tenant_a, deputy)
    old_photo = deputy_url(tenant_a, deputy, "public:deputy_photo")
    assert client.get(old_page).status_code == 200
    assert client.get(old_photo).status_code == 200

    with tenant_a.scope():
        deputy_rotate_public_token(actor=tenant_a.user("committee_staff"), deputy=deputy)

    assert client.get(old_page).status_code == 404
    assert client.get(old_photo).status_code == 404
    new_photo = client.get(deputy_url(tenant_a, deputy, "public:deputy_photo"))
    assert new_photo.status_code == 200
    assert new_photo["Content-Type"] == "image/jpeg"
    assert client.get(deputy_url(tenant_a, deputy)).status_code == 200


def test_a_rotated_station_token_stops_working_at_once(tenant_a, deputy, client):
    with scopes_disabled():  # test setup
        station = deputy.station_links.get().station
    old = station_url(tenant_a, station)
    assert client.get(old).status_code == 200

    with tenant_a.scope():
        station_rotate_public_token(actor=tenant_a.user("committee_staff"), station=station)

    assert client.get(old).status_code == 404
    assert client.get(station_url(tenant_a, station)).status_code == 200


def test_the_photo_is_streamed_with_its_content_type(tenant_a, deputy, client):
    photo = jpeg_bytes()
    with scopes_disabled():  # test setup
        deputy.photo.save("zhou.jpg", ContentFile(photo), save=True)

    response = client.get(deputy_url(tenant_a, deputy, "public:deputy_photo"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == photo


def test_without_a_photo_the_photo_address_gives_a_neutral_outline(tenant_a, deputy, client):
    response = client.get(deputy_url(tenant_a, deputy, "public:deputy_photo"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    assert b"<script" not in response.content


def test_a_photo_file_missing_from_storage_gives_the_outline(tenant_a, deputy, client):
    with scopes_disabled():  # test setup
        deputy.photo.save("zhou.jpg", ContentFile(jpeg_bytes()), save=True)
        deputy.photo.storage.delete(deputy.photo.name)

    response = client.get(deputy_url(tenant_a, deputy, "public:deputy_photo"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"


def test_a_photo_that_is_not_a_raster_image_is_never_served(tenant_a, deputy, client):
    with scopes_disabled():  # test setup
        deputy.photo.save("evil.svg", ContentFile(b"<svg><script>alert(1)</script></svg>"))

    response = client.get(deputy_url(tenant_a, deputy, "public:deputy_photo"))

    assert response["Content-Type"] == "image/svg+xml"
    assert b"<script" not in response.content


@pytest.mark.parametrize("status", [DeputyStatus.RESIGNED, DeputyStatus.REMOVED])
def test_a_deputy_who_no_longer_serves_shows_only_the_name(tenant_a, deputy, client, status):
    photo = jpeg_bytes()
    with scopes_disabled():  # test setup
        deputy.photo.save("zhou.jpg", ContentFile(photo), save=False)
        deputy.status = status
        deputy.save()

    response = client.get(deputy_url(tenant_a, deputy))

    assert response.status_code == 200
    body = response.content.decode()
    assert "周玉兰" in body
    assert "已不再担任人大代表" in body
    # Neither the reason (resigned or removed) nor any way to reach them.
    assert deputy.get_status_display() not in body
    assert "138****4567" not in body
    assert "襄城区古城街道社区卫生服务中心主任" not in body
    assert "古城代表联络站" not in body
    photo_response = client.get(deputy_url(tenant_a, deputy, "public:deputy_photo"))
    assert photo_response["Content-Type"] == "image/svg+xml"


def test_a_voter_sees_the_station_public_page(tenant_a, deputy, client):
    with scopes_disabled():  # test setup
        station = deputy.station_links.get().station
        station.address = "襄阳市襄城区古城街道北街12号"
        station.opening_hours = "每周三 9:00-12:00"
        station.contact_phone = "0710-3512345"
        station.save()
        resigned = DeputyFactory(congress=tenant_a.congress, name="钱已辞", status="resigned")
        StationDeputyFactory(station=station, deputy=resigned)

    response = client.get(station_url(tenant_a, station))

    assert response.status_code == 200
    body = response.content.decode()
    assert tenant_a.congress.name in body
    assert "古城代表联络站" in body
    assert station.get_kind_display() in body
    assert "襄阳市襄城区古城街道北街12号" in body
    assert "每周三 9:00-12:00" in body
    assert 'href="tel:0710-3512345"' in body
    assert "周玉兰" in body
    assert deputy.get_level_display() in body
    assert f'href="{deputy_url(tenant_a, deputy)}"' in body
    assert "钱已辞" not in body
    assert "给代表留言" in body
    assert "13871234567" not in body


def test_a_closed_station_says_so_and_lists_nobody(tenant_a, deputy, client):
    with scopes_disabled():  # test setup
        station = deputy.station_links.get().station
        station.is_active = False
        station.save()

    body = client.get(station_url(tenant_a, station)).content.decode()

    assert "已不再开放" in body
    assert "周玉兰" not in body


def test_a_station_of_another_congress_does_not_answer_here(tenant_a, tenant_b, client):
    with scopes_disabled():  # test setup
        foreign = LiaisonStationFactory(congress=tenant_b.congress)

    response = client.get(station_url(tenant_a, foreign))

    assert response.status_code == 404
    assert foreign.name not in response.content.decode()


def test_public_pages_take_no_posts(tenant_a, deputy, client):
    assert client.post(deputy_url(tenant_a, deputy), {}).status_code == 405


def test_station_page_queries_do_not_grow_with_its_deputies(tenant_a, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with scopes_disabled():  # test setup
        station = LiaisonStationFactory(congress=tenant_a.congress)
        StationDeputyFactory.create_batch(2, station=station)
    url = station_url(tenant_a, station)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    with scopes_disabled():  # test setup
        StationDeputyFactory.create_batch(30, station=station)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count('class="deputy-name"') == 32
    assert len(many) == len(few) <= 4


def test_deputy_page_queries_do_not_grow_with_groups_and_stations(tenant_a, deputy, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = deputy_url(tenant_a, deputy)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    with scopes_disabled():  # test setup
        for _n in range(5):
            GroupMembershipFactory(group__congress=tenant_a.congress, deputy=deputy)
            StationDeputyFactory(station__congress=tenant_a.congress, deputy=deputy)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few) <= 5
