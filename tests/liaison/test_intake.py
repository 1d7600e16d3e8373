"""A voter's message from a QR page, its tracking code and rating, and the open form's guards."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from PIL import Image

from congress.models import Notification, Role
from liaison import captcha, intake, intake_views
from liaison.models import (
    MessageSource,
    MessageStatus,
    VoterMessage,
    VoterMessageEvent,
    VoterMessagePhoto,
)
from tests.factories import (
    DeputyFactory,
    LiaisonStationFactory,
    StationDeputyFactory,
    StationStaffFactory,
    UserFactory,
    VoterMessageFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The Tuesday before the 2026 National Day holiday (1-7 October; Saturday 10 October is worked).
BEFORE_NATIONAL_DAY = datetime(2026, 9, 29, 10, 0, tzinfo=SHANGHAI)
TEXT = "小区门口的路灯坏了两个月，晚上老人出行很不方便，希望尽快修好。"


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path, db):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def deputy(tenant_a):
    with scopes_disabled():  # test setup
        deputy = DeputyFactory(
            congress=tenant_a.congress, name="周玉兰", user=tenant_a.user(Role.DEPUTY)
        )
        StationDeputyFactory(
            station__congress=tenant_a.congress, station__name="古城代表联络站", deputy=deputy
        )
    return deputy


@pytest.fixture
def station(deputy, tenant_a):
    with scopes_disabled():  # test setup
        station = deputy.station_links.get().station
        StationStaffFactory(station=station, user=tenant_a.user(Role.STATION_STAFF))
    return station


def deputy_form_url(tenant, deputy, slug=None) -> str:
    return reverse(
        "public:deputy_message",
        kwargs={"congress_slug": slug or tenant.congress.slug, "deputy_token": deputy.public_token},
    )


def station_form_url(tenant, station) -> str:
    return reverse(
        "public:station_message",
        kwargs={"congress_slug": tenant.congress.slug, "station_token": station.public_token},
    )


def lookup_url(tenant, deputy, slug=None) -> str:
    return reverse(
        "public:deputy_track",
        kwargs={"congress_slug": slug or tenant.congress.slug, "deputy_token": deputy.public_token},
    )


def track_url(tenant, code: str, slug=None) -> str:
    return reverse(
        "public:track_message",
        kwargs={"congress_slug": slug or tenant.congress.slug, "tracking_code": code},
    )


def photo_with_location(name="路灯.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "TestPhone"
    exif.get_ifd(0x8825)[2] = (32.0, 1.0, 0.0)  # a GPS latitude
    Image.new("RGB", (1600, 1200), (90, 120, 160)).save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def message_data(**changes) -> dict:
    data = {
        "topic": "urban",
        "text": TEXT,
        "voter_name": "李大爷",
        "voter_phone": "138 7123 4567",
        "consent": "on",
        "homepage": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def answer_captcha(response) -> dict:
    """The fields a person who reads the picture would send (empty when none is asked)."""
    challenge = response.context["challenge"]
    if not challenge:
        return {}
    answer = cache.get(captcha.KEY_PREFIX + challenge)["answer"]
    return {"captcha_id": challenge, "captcha_answer": str(answer)}


def send(client: Client, url: str, **changes):
    """Open the form as a voter does, answer any sum it asks, and send it."""
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {**message_data(**changes), **answer_captcha(page)})


def messages_of(tenant):
    with tenant.scope():
        return list(VoterMessage.objects.order_by("id"))


def device_of(client: Client) -> str:
    return intake.device_hash(
        address="127.0.0.1", user_agent="", cookie=client.cookies[intake_views.DEVICE_COOKIE].value
    )


# --- The happy paths ---------------------------------------------------------------------------


def test_the_deputy_page_leads_to_the_form(tenant_a, deputy, client):
    body = client.get(
        reverse(
            "public:deputy",
            kwargs={"congress_slug": tenant_a.congress.slug, "deputy_token": deputy.public_token},
        )
    ).content.decode()

    assert f'href="{deputy_form_url(tenant_a, deputy)}"' in body
    assert "写留言" in body
    assert f'href="{lookup_url(tenant_a, deputy)}"' in body


def test_the_form_is_phone_first_and_needs_no_script(tenant_a, deputy, client):
    response = client.get(deputy_form_url(tenant_a, deputy))

    assert response.status_code == 200
    body = response.content.decode()
    assert "给周玉兰代表留言" in body
    assert "7 个工作日内" in body
    for name in ("topic", "text", "photo_1", "photo_2", "photo_3", "voter_name", "voter_phone"):
        assert f'name="{name}"' in body, name
    assert body.count('accept="image/*"') == 3
    assert body.count('capture="environment"') == 3
    assert 'enctype="multipart/form-data"' in body
    # The privacy notice says what is kept, who sees it and for how long.
    for words in ("我们保存什么", "谁能看到", "保存多久"):
        assert words in body
    assert 'name="consent"' in body
    # The honeypot is hidden by a class, and nothing is inline.
    assert 'class="hp-field"' in body
    assert "<script" not in body
    assert "style=" not in body
    # The first message of a device asks no sum.
    assert response.context["challenge"] is None
    assert 'name="captcha_answer"' not in body
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


def test_the_browser_sends_its_origin_with_the_form(tenant_a, deputy, client):
    # Under a "no-referrer" policy browsers send "Origin: null" with a form, and Django's CSRF
    # check refuses every message. "same-origin" still keeps the token from other sites.
    body = client.get(deputy_form_url(tenant_a, deputy)).content.decode()

    assert 'content="no-referrer"' not in body


def test_a_voter_sends_a_message_to_a_deputy(tenant_a, deputy, client):
    with time_machine.travel(BEFORE_NATIONAL_DAY, tick=False):
        client.get(deputy_form_url(tenant_a, deputy))
        response = client.post(
            deputy_form_url(tenant_a, deputy), message_data(photo_1=photo_with_location())
        )

        assert response.status_code == 302
        [message] = messages_of(tenant_a)
        assert message.source == MessageSource.DEPUTY_PAGE
        assert message.deputy == deputy
        assert message.station is None
        assert message.topic == "urban"
        assert message.text == TEXT
        assert message.voter_name == "李大爷"
        assert message.voter_phone == "13871234567"
        assert message.status == MessageStatus.REGISTERED
        assert message.consented_at == timezone.now()
        # Seven working days across the holiday: 30 Sept, 8, 9, 10 (a worked Saturday), 12, 13, 14.
        assert message.due_on == date(2026, 10, 14)
        assert message.device_hash == device_of(client)
        assert len(message.tracking_code) == 10

        with tenant_a.scope():
            [event] = VoterMessageEvent.objects.filter(message=message)
            [photo] = VoterMessagePhoto.objects.filter(message=message)
            [notice] = Notification.objects.filter(user=tenant_a.user(Role.DEPUTY))
        assert (event.from_status, event.to_status, event.actor) == ("", "registered", None)
        with Image.open(photo.image.path) as stored:
            assert stored.format == "JPEG"
            assert max(stored.size) <= 1200
            assert not stored.getexif()
        assert notice.kind == "message_new"
        assert notice.url == reverse(
            "messages:detail",
            kwargs={"congress_slug": tenant_a.congress.slug, "message_id": message.pk},
        )
        assert TEXT[:20] in notice.body

        # Post/redirect/get: the confirmation shows the code; reloading it sends nothing again.
        sent = client.get(response["Location"])
        assert client.get(response["Location"]).status_code == 200
    assert sent.status_code == 200
    body = sent.content.decode()
    assert "留言已提交" in body
    assert (
        f'id="tracking-code" aria-labelledby="tracking-code-label">{message.tracking_code}<' in body
    )
    assert f'href="{track_url(tenant_a, message.tracking_code)}"' in body
    assert "2026年10月14日" in body
    assert "周玉兰" in body
    assert "no-store" in sent["Cache-Control"]
    assert len(messages_of(tenant_a)) == 1


def test_a_voter_sends_a_message_to_a_station(tenant_a, station, client):
    with scopes_disabled():  # test setup: a second staff member, and one who has left
        StationStaffFactory(station=station, user=tenant_a.user(Role.COMMITTEE_STAFF))
        former = tenant_a.members[Role.LEADER]
        former.is_active = False
        former.save()
        StationStaffFactory(station=station, user=former.user)
        # Another station's staff hear nothing.
        StationStaffFactory(
            station=LiaisonStationFactory(congress=tenant_a.congress), user=UserFactory()
        )

    with time_machine.travel(BEFORE_NATIONAL_DAY, tick=False):
        response = send(client, station_form_url(tenant_a, station), topic="health")
        sent = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    [message] = messages_of(tenant_a)
    assert message.source == MessageSource.STATION_PAGE
    assert message.station == station
    assert message.deputy is None
    assert message.topic == "health"
    assert message.due_on == date(2026, 10, 14)
    with tenant_a.scope():
        told = set(Notification.objects.values_list("user_id", flat=True))
    assert told == {tenant_a.user(Role.STATION_STAFF).pk, tenant_a.user(Role.COMMITTEE_STAFF).pk}
    assert "您的留言已送达古城代表联络站" in sent


def test_the_reply_limit_follows_the_congress_setting(tenant_a, deputy, client):
    with scopes_disabled():  # test setup
        tenant_a.congress.voter_message_reply_working_days = 3
        tenant_a.congress.save()
    with time_machine.travel(BEFORE_NATIONAL_DAY, tick=False):
        send(client, deputy_form_url(tenant_a, deputy))

    assert messages_of(tenant_a)[0].due_on == date(2026, 10, 9)


def test_a_telephone_is_stored_only_when_given(tenant_a, deputy, client):
    send(client, deputy_form_url(tenant_a, deputy), voter_phone="", voter_name="")

    [message] = messages_of(tenant_a)
    assert message.voter_phone == ""
    assert message.voter_name == ""


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+86 138-7123-4567", "13871234567"),
        ("１３８７１２３４５６７", "13871234567"),
        ("0710-3512345", "0710-3512345"),
        ("(010) 6512 3456", "010-65123456"),
        ("3512345", "3512345"),
    ],
)
def test_telephone_numbers_are_read_loosely(tenant_a, deputy, client, typed, stored):
    response = send(client, deputy_form_url(tenant_a, deputy), voter_phone=typed)

    assert response.status_code == 302
    assert messages_of(tenant_a)[0].voter_phone == stored


# --- Nothing typed is lost ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"topic": None}, "topic", "请选择留言的类别"),
        ({"topic": "lottery"}, "topic", "请选择留言的类别"),
        ({"text": "   "}, "text", "请写下您想反映的事情"),
        ({"text": "长" * 2001}, "text", "最多 2000 字"),
        ({"voter_phone": "12345"}, "voter_phone", "13812345678"),
        ({"voter_phone": "138712345678"}, "voter_phone", "0710-3512345"),
        ({"consent": None}, "consent", "请阅读个人信息保护说明"),
        ({"voter_name": "名" * 51}, "voter_name", "50"),
    ],
)
def test_bad_input_comes_back_with_everything_typed(
    tenant_a, deputy, client, changes, field, words
):
    data = message_data(**changes)
    response = client.post(deputy_form_url(tenant_a, deputy), data)

    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    body = response.content.decode()
    assert "您的留言还没有提交" in body
    if "text" not in changes:
        assert TEXT in body
    if "voter_name" not in changes:
        assert 'value="李大爷"' in body
    if "voter_phone" not in changes:
        assert 'value="138 7123 4567"' in body
    if "topic" not in changes:
        assert re.search(r'value="urban"[^>]*checked', body)
    assert messages_of(tenant_a) == []


def test_a_long_text_counts_line_breaks_as_the_browser_does(tenant_a, deputy, client):
    # 1000 lines of one character: 1999 characters, though Windows line ends make 2998 bytes.
    text = "\r\n".join(["字"] * 1000)

    response = send(client, deputy_form_url(tenant_a, deputy), text=text)

    assert response.status_code == 302
    assert len(messages_of(tenant_a)[0].text) == 1999


def test_a_file_that_is_not_a_photo_is_refused_and_the_photos_must_be_chosen_again(
    tenant_a, deputy, client
):
    fake = SimpleUploadedFile("路灯.jpg", b"<html>not a photo</html>", content_type="image/jpeg")

    response = client.post(
        deputy_form_url(tenant_a, deputy),
        message_data(photo_1=photo_with_location(), photo_2=fake),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["photo_2"]
    body = response.content.decode()
    assert TEXT in body
    assert 'id="photos-lost"' in body
    assert "请重新选择" in body
    assert messages_of(tenant_a) == []


def test_photos_over_the_size_limit_are_dropped_but_the_text_is_kept(
    tenant_a, deputy, client, monkeypatch
):
    monkeypatch.setattr(intake_views, "MAX_BODY_BYTES", 20 * 1024)

    response = client.post(
        deputy_form_url(tenant_a, deputy), message_data(photo_1=photo_with_location())
    )

    assert response.status_code == 413
    body = response.content.decode()
    assert TEXT in body
    assert 'value="李大爷"' in body
    assert 'id="photos-lost"' in body
    assert messages_of(tenant_a) == []


def test_a_body_far_too_large_is_not_read(tenant_a, deputy, client, monkeypatch):
    monkeypatch.setattr(intake_views, "REFUSE_UNREAD_BYTES", 20 * 1024)

    response = client.post(
        deputy_form_url(tenant_a, deputy), message_data(photo_1=photo_with_location())
    )

    assert response.status_code == 413
    assert "太大" in response.content.decode()
    assert messages_of(tenant_a) == []


def test_the_form_is_protected_against_forged_posts(tenant_a, deputy):
    client = Client(enforce_csrf_checks=True)

    response = client.post(deputy_form_url(tenant_a, deputy), message_data())

    assert response.status_code == 403
    assert messages_of(tenant_a) == []


# --- Who may not receive messages --------------------------------------------------------------


def test_a_deputy_who_no_longer_serves_has_no_form(tenant_a, deputy, client):
    with scopes_disabled():  # test setup
        deputy.status = "resigned"
        deputy.save()
    url = deputy_form_url(tenant_a, deputy)

    assert client.get(url).status_code == 302
    assert client.post(url, message_data()).status_code == 302
    assert messages_of(tenant_a) == []


def test_a_closed_station_has_no_form(tenant_a, station, client):
    with scopes_disabled():  # test setup
        station.is_active = False
        station.save()
    url = station_form_url(tenant_a, station)

    assert client.get(url).status_code == 302
    assert client.post(url, message_data()).status_code == 302
    assert messages_of(tenant_a) == []


def test_a_token_answers_only_under_its_own_congress(tenant_a, tenant_b, deputy, client):
    url = deputy_form_url(tenant_a, deputy, slug=tenant_b.congress.slug)

    assert client.get(url).status_code == 404
    assert client.post(url, message_data()).status_code == 404
    assert messages_of(tenant_a) == messages_of(tenant_b) == []


# --- The honeypot ------------------------------------------------------------------------------


def test_a_filled_honeypot_pretends_to_succeed_and_keeps_nothing(tenant_a, deputy, client):
    response = client.post(
        deputy_form_url(tenant_a, deputy), message_data(homepage="http://spam.example")
    )

    assert response.status_code == 302
    sent = client.get(response["Location"])
    assert sent.status_code == 200
    assert "留言已提交" in sent.content.decode()
    assert messages_of(tenant_a) == []
    with tenant_a.scope():
        assert not Notification.objects.exists()


# --- Rate limits -------------------------------------------------------------------------------


def test_a_device_may_send_three_messages_a_day(tenant_a, tenant_b, deputy, client):
    url = deputy_form_url(tenant_a, deputy)
    for number in range(intake.DEVICE_DAILY_LIMIT):
        assert send(client, url, text=f"第{number}条：{TEXT}").status_code == 302

    refused = send(client, url, text="第四条留言")

    assert refused.status_code == 429
    body = refused.content.decode()
    assert "您今天已经提交了 3 条留言" in body
    assert "第四条留言" in body
    assert len(messages_of(tenant_a)) == 3
    # Another phone is not held back.
    assert send(Client(), url).status_code == 302


def test_the_device_limit_is_counted_per_congress_and_per_day(tenant_a, tenant_b, deputy, client):
    url = deputy_form_url(tenant_a, deputy)
    with time_machine.travel(BEFORE_NATIONAL_DAY, tick=False) as traveller:
        client.get(url)
        with scopes_disabled():  # test setup: this phone's messages to another congress today
            for _number in range(intake.DEVICE_DAILY_LIMIT):
                VoterMessageFactory(congress=tenant_b.congress, device_hash=device_of(client))
        assert send(client, url).status_code == 302
        for _number in range(intake.DEVICE_DAILY_LIMIT - 1):
            assert send(client, url).status_code == 302
        assert send(client, url).status_code == 429

        traveller.shift(datetime(2026, 9, 30, 0, 1, tzinfo=SHANGHAI) - timezone.now())
        assert send(client, url).status_code == 302


def test_a_deputy_receives_at_most_thirty_messages_a_day(tenant_a, deputy, client):
    with scopes_disabled():  # test setup: thirty messages from thirty phones
        for number in range(intake.DEPUTY_DAILY_LIMIT):
            VoterMessageFactory(congress=tenant_a.congress, deputy=deputy, device_hash=f"{number}")
        # A visit registered at a station is not a QR message and does not count.
        VoterMessageFactory(congress=tenant_a.congress, deputy=deputy, source="walk_in")

    refused = send(client, deputy_form_url(tenant_a, deputy))

    assert refused.status_code == 429
    assert "今天收到的留言太多" in refused.content.decode()
    assert TEXT in refused.content.decode()
    assert len(messages_of(tenant_a)) == intake.DEPUTY_DAILY_LIMIT + 1


def test_a_station_receives_at_most_sixty_messages_a_day(tenant_a, station, client):
    with scopes_disabled():  # test setup
        for number in range(intake.STATION_DAILY_LIMIT):
            VoterMessageFactory(
                congress=tenant_a.congress,
                source="station_page",
                deputy=None,
                station=station,
                device_hash=f"{number}",
            )

    refused = send(client, station_form_url(tenant_a, station))

    assert refused.status_code == 429
    assert len(messages_of(tenant_a)) == intake.STATION_DAILY_LIMIT


# --- The captcha -------------------------------------------------------------------------------


def test_a_sum_is_asked_from_the_second_message_of_the_day(tenant_a, deputy, client):
    url = deputy_form_url(tenant_a, deputy)
    assert send(client, url).status_code == 302

    page = client.get(url)

    assert page.status_code == 200
    challenge = page.context["challenge"]
    assert challenge
    body = page.content.decode()
    assert 'name="captcha_answer"' in body
    image_url = reverse(
        "public:deputy_captcha",
        kwargs={"congress_slug": tenant_a.congress.slug, "deputy_token": deputy.public_token},
    )
    assert f'src="{image_url}?c={challenge}"' in body
    # The answer and the question stay on the server: the page carries only the id.
    stored = cache.get(captcha.KEY_PREFIX + challenge)
    assert stored["question"] not in body
    for field in re.findall(r"<input[^>]*>", body):
        assert f'value="{stored["answer"]}"' not in field, field
    image = client.get(f"{image_url}?c={challenge}")
    assert image["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")


def test_a_wrong_sum_keeps_the_text_and_asks_a_new_one(tenant_a, deputy, client):
    url = deputy_form_url(tenant_a, deputy)
    send(client, url)
    page = client.get(url)
    challenge = page.context["challenge"]
    answer = cache.get(captcha.KEY_PREFIX + challenge)["answer"]

    wrong = client.post(
        url,
        message_data(text="第二条留言", captcha_id=challenge, captcha_answer=str(answer + 1)),
    )

    assert wrong.status_code == 200
    body = wrong.content.decode()
    assert "答案不对" in body
    assert "第二条留言" in body
    assert wrong.context["challenge"] not in (None, challenge)
    assert len(messages_of(tenant_a)) == 1
    # The old picture is spent: even its right answer no longer works.
    again = client.post(
        url, message_data(text="第二条留言", captcha_id=challenge, captcha_answer=str(answer))
    )
    assert again.status_code == 200
    assert len(messages_of(tenant_a)) == 1


def test_a_missing_sum_is_asked_for(tenant_a, deputy, client):
    url = deputy_form_url(tenant_a, deputy)
    send(client, url)

    response = client.post(url, message_data(text="第二条留言"))

    assert response.status_code == 200
    assert "请计算图中的算式" in response.content.decode()
    assert len(messages_of(tenant_a)) == 1


def test_the_right_sum_sends_the_message_once(tenant_a, deputy, client):
    url = deputy_form_url(tenant_a, deputy)
    send(client, url)
    page = client.get(url)
    solved = answer_captcha(page)

    first = client.post(url, {**message_data(text="第二条留言"), **solved})
    replayed = client.post(url, {**message_data(text="第三条留言"), **solved})

    assert first.status_code == 302
    assert replayed.status_code == 200
    assert [message.text for message in messages_of(tenant_a)][1:] == ["第二条留言"]


def test_another_sum_can_be_asked_for_without_losing_the_text(tenant_a, deputy, client):
    url = deputy_form_url(tenant_a, deputy)
    send(client, url)
    page = client.get(url)

    response = client.post(
        url,
        {
            **message_data(text="看不清，换一题"),
            "captcha_id": page.context["challenge"],
            "new_question": "1",
        },
    )
    assert response.status_code == 200
    assert "看不清，换一题" in response.content.decode()
    assert response.context["challenge"] != page.context["challenge"]
    assert not response.context["form"].errors
    assert len(messages_of(tenant_a)) == 1


def test_a_busy_deputy_asks_everybody_for_a_sum(tenant_a, deputy, client):
    with scopes_disabled():  # test setup
        for number in range(intake.CAPTCHA_FROM_RECIPIENT_MESSAGES):
            VoterMessageFactory(congress=tenant_a.congress, deputy=deputy, device_hash=f"{number}")

    page = client.get(deputy_form_url(tenant_a, deputy))

    assert page.context["challenge"]
    unsolved = client.post(deputy_form_url(tenant_a, deputy), message_data())
    assert unsolved.status_code == 200
    assert len(messages_of(tenant_a)) == intake.CAPTCHA_FROM_RECIPIENT_MESSAGES


# --- Tracking ----------------------------------------------------------------------------------


@pytest.fixture
def message(tenant_a, deputy):
    with scopes_disabled():  # test setup
        return VoterMessageFactory(
            congress=tenant_a.congress,
            deputy=deputy,
            text="楼道灯不亮",
            voter_name="李秘密",
            voter_phone="13900001111",
            device_hash="d" * 64,
            due_on=date(2026, 10, 14),
        )


def answer(message, *, on_the_spot=False):
    with scopes_disabled():  # test setup: the member side writes the answer
        if on_the_spot:
            message.answer_on_the_spot(answer="已经当场联系物业修好。", by=None)
        else:
            message.write_answer(answer="已转告街道，本周内更换灯泡。", by=None)
        message.save()


def test_the_tracking_page_shows_the_status_and_nothing_private(tenant_a, message, client):
    with time_machine.travel(datetime(2026, 10, 9, 9, 0, tzinfo=SHANGHAI), tick=False):
        response = client.get(track_url(tenant_a, message.tracking_code))

    assert response.status_code == 200
    body = response.content.decode()
    assert "已收到" in body
    assert "楼道灯不亮" in body
    assert "2026年10月14日" in body
    assert "周玉兰" in body
    for private in ("李秘密", "13900001111", "d" * 64):
        assert private not in body
    assert 'id="rating-form"' not in body
    assert 'id="overdue"' not in body
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


def test_a_late_answer_is_admitted(tenant_a, message, client):
    with time_machine.travel(datetime(2026, 10, 15, 9, 0, tzinfo=SHANGHAI), tick=False):
        body = client.get(track_url(tenant_a, message.tracking_code)).content.decode()

    assert 'id="overdue"' in body


@pytest.mark.parametrize(
    ("status", "words"),
    [("forwarded", "已转交"), ("handled", "办理中")],
)
def test_each_step_is_said_plainly(tenant_a, message, client, status, words):
    with scopes_disabled():  # test setup
        VoterMessage.objects.filter(pk=message.pk).update(status=status)

    body = client.get(track_url(tenant_a, message.tracking_code)).content.decode()

    assert f'id="message-status">{words}<' in body


def test_a_voter_rates_an_answer_once(tenant_a, message, client):
    answer(message)
    url = track_url(tenant_a, message.tracking_code)
    page = client.get(url).content.decode()
    assert "已答复" in page
    assert "已转告街道，本周内更换灯泡。" in page
    assert 'id="rating-form"' in page

    response = client.post(url, {"satisfaction": "satisfied", "feedback": "修得很快，谢谢"})

    assert response.status_code == 302
    with tenant_a.scope():
        message.refresh_from_db()
        events = list(VoterMessageEvent.objects.filter(message=message))
    assert message.status == MessageStatus.CLOSED
    assert message.satisfaction == "satisfied"
    assert message.feedback == "修得很快，谢谢"
    assert message.rated_at is not None
    assert (events[-1].from_status, events[-1].to_status, events[-1].actor) == (
        "answered",
        "closed",
        None,
    )
    body = client.get(url).content.decode()
    assert "已办结" in body
    assert 'id="rating-form"' not in body
    assert "满意" in body
    assert "修得很快，谢谢" in body

    again = client.post(url, {"satisfaction": "unsatisfied"})
    assert again.status_code == 200
    assert "已经评价过" in again.content.decode()
    with tenant_a.scope():
        message.refresh_from_db()
    assert message.satisfaction == "satisfied"


def test_a_rating_needs_a_choice(tenant_a, message, client):
    answer(message)

    response = client.post(track_url(tenant_a, message.tracking_code), {"feedback": "一般"})

    assert response.status_code == 200
    body = response.content.decode()
    assert "请选择您对答复是否满意" in body
    assert "一般" in body


def test_a_message_without_an_answer_cannot_be_rated(tenant_a, message, client):
    response = client.post(
        track_url(tenant_a, message.tracking_code), {"satisfaction": "satisfied"}
    )

    assert response.status_code == 200
    assert "还没有答复" in response.content.decode()
    with tenant_a.scope():
        message.refresh_from_db()
    assert message.status == MessageStatus.REGISTERED
    assert message.satisfaction == ""


def test_an_answer_on_the_spot_is_shown_as_such_and_not_rated(tenant_a, message, client):
    answer(message, on_the_spot=True)

    response = client.get(track_url(tenant_a, message.tracking_code))

    body = response.content.decode()
    assert "已办结" in body
    assert 'id="on-the-spot"' in body
    # Answered while the voter was there: it was never passed on, and the page does not say so.
    assert "已转交" not in body
    assert "已经当场联系物业修好。" in body
    assert 'id="rating-form"' not in body
    refused = client.post(track_url(tenant_a, message.tracking_code), {"satisfaction": "satisfied"})
    assert "不能再评价" in refused.content.decode()


def test_the_code_is_read_however_it_is_typed(tenant_a, message, client):
    lookup = lookup_url(tenant_a, message.deputy)
    code = message.tracking_code
    typed = f" {code[:5].lower()}-{code[5:]} "

    response = client.post(lookup, {"code": typed})

    assert response.status_code == 302
    assert response["Location"] == track_url(tenant_a, code)
    assert client.get(track_url(tenant_a, code.lower())).status_code == 200


def test_an_unknown_code_is_refused_with_the_code_kept(tenant_a, message, client):
    lookup = lookup_url(tenant_a, message.deputy)

    response = client.post(lookup, {"code": "ABCDE23456"})

    assert response.status_code == 200
    body = response.content.decode()
    assert "没有找到这个查询码" in body
    assert 'value="ABCDE23456"' in body


def test_a_code_answers_only_under_its_own_congress(tenant_a, tenant_b, message, client):
    assert client.get(track_url(tenant_a, message.tracking_code)).status_code == 200
    assert client.get(track_url(tenant_a, message.tracking_code, slug="shiguai")).status_code == 404
    with scopes_disabled():  # test setup
        deputy_b = DeputyFactory(congress=tenant_b.congress)
    response = client.post(lookup_url(tenant_b, deputy_b), {"code": message.tracking_code})
    assert response.status_code == 200
    assert "没有找到这个查询码" in response.content.decode()
    # A's deputy token is unknown under B's address.
    assert client.get(lookup_url(tenant_a, message.deputy, slug="shiguai")).status_code == 404


def test_guessing_codes_is_stopped(tenant_a, message, client):
    for number in range(intake.FAILED_LOOKUPS_PER_DEVICE_HOUR):
        assert client.get(track_url(tenant_a, f"GUESS{number:05d}")).status_code == 404

    blocked = client.get(track_url(tenant_a, message.tracking_code))
    lookup = lookup_url(tenant_a, message.deputy)
    blocked_form = client.post(lookup, {"code": message.tracking_code})

    assert blocked.status_code == 429
    assert blocked_form.status_code == 429
    assert "请一小时后再试" in blocked.content.decode()
    # Somebody else's phone behind the same address is not held back.
    other = Client(HTTP_USER_AGENT="another phone")
    assert other.get(track_url(tenant_a, message.tracking_code)).status_code == 200


def test_guessing_from_many_devices_at_one_address_is_stopped(
    tenant_a, message, client, monkeypatch
):
    monkeypatch.setattr(intake, "FAILED_LOOKUPS_PER_NETWORK_HOUR", 5)
    for number in range(5):
        guesser = Client(HTTP_USER_AGENT=f"robot {number}")
        assert guesser.get(track_url(tenant_a, f"GUESS{number:05d}")).status_code == 404

    assert client.get(track_url(tenant_a, message.tracking_code)).status_code == 429
    other_address = Client(REMOTE_ADDR="10.0.0.8")
    assert other_address.get(track_url(tenant_a, message.tracking_code)).status_code == 200


# --- Script in a message -----------------------------------------------------------------------


def test_script_in_a_message_is_shown_as_text(tenant_a, deputy, client, client_as):
    script = "<script>alert('xss')</script><img src=x onerror=alert(1)>"
    send(client, deputy_form_url(tenant_a, deputy), text=script, voter_name="<b>老王</b>")
    [message] = messages_of(tenant_a)
    assert message.text == script

    pages = {
        "tracking": client.get(track_url(tenant_a, message.tracking_code)),
        "member": client_as(tenant_a.user(Role.COMMITTEE_STAFF)).get(
            reverse(
                "messages:detail",
                kwargs={"congress_slug": tenant_a.congress.slug, "message_id": message.pk},
            )
        ),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        body = response.content.decode()
        assert "&lt;script&gt;alert(" in body, name
        assert "<script>alert(" not in body, name
        assert "<img src=x" not in body, name
        assert "<b>老王</b>" not in body, name


def test_a_sender_without_the_device_cookie_must_answer_the_question(tenant_a, deputy):
    """A program that drops its cookie to look like a new phone each time meets the question."""
    url = deputy_form_url(tenant_a, deputy)
    for _attempt in range(5):
        # A fresh client every time and no visit to the form first: no cookie ever comes back.
        response = Client().post(url, message_data(text="机器人发来的留言"))
        assert response.status_code == 200
        assert response.context["challenge"]
        assert "captcha_answer" in response.context["form"].errors
    assert messages_of(tenant_a) == []


def test_one_network_address_is_capped_across_devices(tenant_a, deputy, monkeypatch):
    monkeypatch.setattr(intake, "NETWORK_DAILY_LIMIT", 2)
    monkeypatch.setattr(intake, "DEPUTY_DAILY_LIMIT", 100)
    url = deputy_form_url(tenant_a, deputy)
    # Three phones (each with its own cookie) behind one address.
    assert send(Client(), url).status_code == 302
    assert send(Client(), url).status_code == 302
    refused = send(Client(), url, text="第三部手机的留言")
    assert refused.status_code == 429
    assert "第三部手机的留言" in refused.content.decode()
    assert len(messages_of(tenant_a)) == 2
