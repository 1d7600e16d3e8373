"""QR cards and posters for printing, their SVG codes, and replacing a code (token rotation)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
import segno
from django.conf import settings
from django.urls import reverse
from django_scopes import scopes_disabled

from congress.models import Role
from deputies.models import Deputy
from liaison import qr
from liaison.models import LiaisonStation
from tests.factories import (
    DeputyFactory,
    GroupMembershipFactory,
    StationDeputyFactory,
)

STAFF_ROLES = (Role.COMMITTEE_ADMIN, Role.COMMITTEE_STAFF)
REFUSED_ROLES = (Role.STATION_STAFF, Role.UNIT_LIAISON, Role.LEADER, Role.DEPUTY)


@pytest.fixture
def deputy(tenant_a):
    with scopes_disabled():  # test setup
        deputy = DeputyFactory(congress=tenant_a.congress, name="周玉兰", level="city")
        GroupMembershipFactory(
            group__congress=tenant_a.congress, group__name="古城街道代表小组", deputy=deputy
        )
        StationDeputyFactory(
            station__congress=tenant_a.congress, station__name="古城代表联络站", deputy=deputy
        )
    return deputy


@pytest.fixture
def station(deputy):
    with scopes_disabled():  # test setup
        station = deputy.station_links.get().station
        station.address = "襄阳市襄城区古城街道北街12号"
        station.opening_hours = "每周三 9:00-12:00"
        station.save()
    return station


def print_url(tenant, name: str, **kwargs) -> str:
    return reverse(f"print:{name}", kwargs={"congress_slug": tenant.congress.slug, **kwargs})


def public_deputy_url(tenant, token: str) -> str:
    path = reverse(
        "public:deputy", kwargs={"congress_slug": tenant.congress.slug, "deputy_token": token}
    )
    return f"http://testserver{path}"


def public_station_url(tenant, token: str) -> str:
    path = reverse(
        "public:station", kwargs={"congress_slug": tenant.congress.slug, "station_token": token}
    )
    return f"http://testserver{path}"


# --- The QR codes --------------------------------------------------------------------------


def test_the_inline_code_is_a_css_sized_svg_of_exactly_the_url():
    url = "https://lvzhi.example.cn/p/xiangcheng/d/AbC-123_xyz/"

    svg = str(qr.qr_svg_inline(url))

    assert svg.startswith("<svg")
    assert 'viewBox="0 0 ' in svg
    assert "<path" in svg
    assert 'class="qr-code"' in svg
    # Sized by the print stylesheet, and nothing a strict CSP would block.
    assert "width=" not in svg.split(">", 1)[0]
    assert "style=" not in svg
    assert "<script" not in svg
    expected = segno.make_qr(url, error="q", boost_error=False)
    assert qr.qr_code(url).matrix == expected.matrix
    assert qr.qr_code(url).error == "Q"


def test_a_short_url_still_gives_a_full_qr_code_that_phones_read():
    code = qr.qr_code("http://a.cn/")
    assert not code.is_micro


def test_the_downloaded_code_is_a_standalone_svg_file():
    url = "https://lvzhi.example.cn/p/xiangcheng/s/token/"
    content = qr.qr_svg_file(url)
    assert content.startswith(b"<?xml")
    assert b'xmlns="http://www.w3.org/2000/svg"' in content
    assert b"<path" in content


# --- The deputy card ------------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_open_the_a6_card_with_the_code_of_the_public_page(tenant_a, deputy, client_as, role):
    response = client_as(tenant_a.user(role)).get(
        print_url(tenant_a, "deputy_card", deputy_id=deputy.pk)
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "/static/css/print.css" in body
    assert "/static/js/print.js" in body
    assert "sheet-a6" in body
    assert tenant_a.congress.name in body
    assert "人大代表" in body
    assert "周玉兰" in body
    assert deputy.get_level_display() in body
    assert "古城街道代表小组" in body
    assert "古城代表联络站" in body
    assert "扫码联系代表" in body
    url = public_deputy_url(tenant_a, deputy.public_token)
    assert response.context["public_url"] == url
    assert str(qr.qr_svg_inline(url)) in body
    assert ">打印</button>" in body
    assert "更换二维码" in body


def test_print_pages_have_no_inline_script_nor_style_and_no_navigation(
    tenant_a, deputy, station, client_as
):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    for url in (
        print_url(tenant_a, "deputy_card", deputy_id=deputy.pk),
        print_url(tenant_a, "station_poster", station_id=station.pk),
    ):
        body = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", body), url
        assert "style=" not in body, url
        assert "sidenav" not in body, url
        assert "/static/css/app.css" not in body, url


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_other_roles_may_not_print_cards_or_posters(tenant_a, deputy, station, client_as, role):
    client = client_as(tenant_a.user(role))
    assert client.get(print_url(tenant_a, "deputy_card", deputy_id=deputy.pk)).status_code == 403
    poster = print_url(tenant_a, "station_poster", station_id=station.pk)
    assert client.get(poster).status_code == 403


def test_an_outsider_gets_404(tenant_a, deputy, station, outsider, client_as):
    client = client_as(outsider)
    assert client.get(print_url(tenant_a, "deputy_card", deputy_id=deputy.pk)).status_code == 404
    poster = print_url(tenant_a, "station_poster", station_id=station.pk)
    assert client.get(poster).status_code == 404


def test_a_deputy_of_another_congress_has_no_card_here(tenant_a, tenant_b, client_as):
    with scopes_disabled():  # test setup
        foreign = DeputyFactory(congress=tenant_b.congress)
    client = client_as(tenant_a.user(Role.COMMITTEE_ADMIN))
    assert client.get(print_url(tenant_a, "deputy_card", deputy_id=foreign.pk)).status_code == 404
    response = client.post(print_url(tenant_a, "deputy_rotate", deputy_id=foreign.pk))
    assert response.status_code == 404


def test_the_card_warns_staff_when_the_deputy_no_longer_serves(tenant_a, deputy, client_as):
    with scopes_disabled():  # test setup
        deputy.status = "resigned"
        deputy.save()
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    body = client.get(print_url(tenant_a, "deputy_card", deputy_id=deputy.pk)).content.decode()
    assert "该代表已不再履职" in body


def test_the_card_code_downloads_as_an_svg_file_with_a_chinese_name(tenant_a, deputy, client_as):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))

    response = client.get(
        print_url(tenant_a, "deputy_card", deputy_id=deputy.pk), {"format": "svg"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert quote("周玉兰代表二维码.svg") in disposition
    assert response.content == qr.qr_svg_file(public_deputy_url(tenant_a, deputy.public_token))


def test_the_card_page_answers_only_get(tenant_a, deputy, client_as):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    assert client.post(print_url(tenant_a, "deputy_card", deputy_id=deputy.pk)).status_code == 405


# --- Replacing a deputy's code --------------------------------------------------------------


def test_staff_replace_the_deputy_code_and_the_old_one_stops_at_once(tenant_a, deputy, client_as):
    staff = tenant_a.user(Role.COMMITTEE_STAFF)
    client = client_as(staff)
    old_token = deputy.public_token
    anonymous = client_as(None)
    old_page = public_deputy_url(tenant_a, old_token)
    old_photo = old_page + "photo/"
    assert anonymous.get(old_page).status_code == 200
    assert anonymous.get(old_photo).status_code == 200

    response = client.post(print_url(tenant_a, "deputy_rotate", deputy_id=deputy.pk), follow=True)

    card = print_url(tenant_a, "deputy_card", deputy_id=deputy.pk)
    assert response.redirect_chain == [(card, 302)]
    body = response.content.decode()
    assert "二维码已更换，旧二维码立即失效，请重新打印" in body
    with tenant_a.scope():
        deputy.refresh_from_db()
        record = deputy.history.order_by("-history_id").first()
    assert deputy.public_token != old_token
    assert str(qr.qr_svg_inline(public_deputy_url(tenant_a, deputy.public_token))) in body
    assert anonymous.get(old_page).status_code == 404
    assert anonymous.get(old_photo).status_code == 404
    assert anonymous.get(public_deputy_url(tenant_a, deputy.public_token)).status_code == 200
    # The rotation is in the history, with who did it.
    assert record.history_type == "~"
    assert record.history_user == staff
    assert record.public_token == deputy.public_token


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_other_roles_may_not_replace_a_code(tenant_a, deputy, station, client_as, role):
    client = client_as(tenant_a.user(role))
    deputy_rotate = print_url(tenant_a, "deputy_rotate", deputy_id=deputy.pk)
    station_rotate = print_url(tenant_a, "station_rotate", station_id=station.pk)
    for url in (deputy_rotate, station_rotate):
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    with tenant_a.scope():
        assert Deputy.objects.get(pk=deputy.pk).public_token == deputy.public_token
        assert LiaisonStation.objects.get(pk=station.pk).public_token == station.public_token


def test_replacing_a_code_takes_a_post(tenant_a, deputy, client_as):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    response = client.get(print_url(tenant_a, "deputy_rotate", deputy_id=deputy.pk))
    assert response.status_code == 405
    with tenant_a.scope():
        assert Deputy.objects.get(pk=deputy.pk).public_token == deputy.public_token


# --- The station poster ---------------------------------------------------------------------


def test_staff_open_the_a4_poster(tenant_a, station, deputy, client_as):
    with scopes_disabled():  # test setup
        StationDeputyFactory(
            station=station,
            deputy__congress=tenant_a.congress,
            deputy__name="钱已辞",
            deputy__status="removed",
        )
    client = client_as(tenant_a.user(Role.COMMITTEE_ADMIN))

    response = client.get(print_url(tenant_a, "station_poster", station_id=station.pk))

    assert response.status_code == 200
    body = response.content.decode()
    assert "/static/css/print.css" in body
    assert "sheet-a4" in body
    assert "古城代表联络站" in body
    assert station.get_kind_display() in body
    assert "襄阳市襄城区古城街道北街12号" in body
    assert "每周三 9:00-12:00" in body
    assert "扫码给代表留言 / 查看进站代表" in body
    assert "周玉兰" in body
    assert "钱已辞" not in body
    url = public_station_url(tenant_a, station.public_token)
    assert response.context["public_url"] == url
    assert str(qr.qr_svg_inline(url)) in body


def test_the_poster_code_downloads_as_an_svg_file(tenant_a, station, client_as):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    url = print_url(tenant_a, "station_poster", station_id=station.pk)

    response = client.get(url, {"format": "svg"})

    assert response["Content-Type"] == "image/svg+xml"
    assert quote("古城代表联络站二维码.svg") in response["Content-Disposition"]
    assert response.content == qr.qr_svg_file(public_station_url(tenant_a, station.public_token))


def test_staff_replace_the_station_code_and_the_old_one_stops_at_once(tenant_a, station, client_as):
    staff = tenant_a.user(Role.COMMITTEE_ADMIN)
    old_page = public_station_url(tenant_a, station.public_token)
    anonymous = client_as(None)
    assert anonymous.get(old_page).status_code == 200

    response = client_as(staff).post(
        print_url(tenant_a, "station_rotate", station_id=station.pk), follow=True
    )

    poster = print_url(tenant_a, "station_poster", station_id=station.pk)
    assert response.redirect_chain == [(poster, 302)]
    assert "二维码已更换，旧二维码立即失效，请重新打印" in response.content.decode()
    assert anonymous.get(old_page).status_code == 404
    with tenant_a.scope():
        station.refresh_from_db()
        record = station.history.order_by("-history_id").first()
    assert anonymous.get(public_station_url(tenant_a, station.public_token)).status_code == 200
    assert record.history_user == staff
    assert record.public_token == station.public_token


def test_poster_queries_do_not_grow_with_its_deputies(tenant_a, station, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    url = print_url(tenant_a, "station_poster", station_id=station.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    with scopes_disabled():  # test setup
        StationDeputyFactory.create_batch(30, station=station)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count('class="poster-deputy-name"') == 31
    assert len(many) == len(few)


# --- The print stylesheet -------------------------------------------------------------------


def test_the_stylesheet_lays_out_a6_and_a4_pages_with_large_codes():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "print.css").read_text()
    assert re.search(r"@page a6 \{ size: 105mm 148mm;", css)
    assert re.search(r"@page a4 \{ size: 210mm 297mm;", css)
    card_qr = re.search(r"\.card-qr \{[^}]*width: (\d+)mm", css)
    poster_qr = re.search(r"\.poster-qr \{[^}]*width: (\d+)mm", css)
    assert int(card_qr.group(1)) >= 40
    assert int(poster_qr.group(1)) >= 80
    assert re.search(r"@media print \{[^@]*\.print-toolbar \{ display: none; \}", css)


def test_codes_carry_the_configured_public_address(tenant_a, deputy, client_as, settings):
    """Printed from an office address, the code must still open on a voter's phone."""
    settings.LVZHI_PUBLIC_BASE_URL = "https://renda.example.cn/"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "10.0.0.8"]
    response = client_as(tenant_a.user(Role.COMMITTEE_STAFF)).get(
        print_url(tenant_a, "deputy_card", deputy_id=deputy.pk), HTTP_HOST="10.0.0.8"
    )
    path = reverse(
        "public:deputy",
        kwargs={"congress_slug": tenant_a.congress.slug, "deputy_token": deputy.public_token},
    )
    assert response.context["public_url"] == f"https://renda.example.cn{path}"
    assert str(qr.qr_svg_inline(f"https://renda.example.cn{path}")) in response.content.decode()
