"""Members' work on voter messages: the lifecycle services, who sees what, the pages, deadlines,
concurrent actions, photos, walk-in visits and the demo data."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled
from PIL import Image

from congress.errors import DomainError
from congress.models import Notification, Role
from liaison import message_services as services
from liaison.models import (
    ForwardTarget,
    MessageSource,
    MessageStatus,
    Satisfaction,
    VoterMessage,
    VoterMessageEvent,
    VoterMessagePhoto,
)
from suggestions.models import UnitLiaison
from tests.factories import (
    DeputyFactory,
    HandlingUnitFactory,
    LiaisonStationFactory,
    MembershipFactory,
    StationDeputyFactory,
    StationStaffFactory,
    VoterMessageFactory,
)


def url(tenant, suffix=""):
    return f"/c/{tenant.congress.slug}/messages/{suffix}"


class World:
    """Two stations, two deputies with accounts, a unit with its liaison, four messages."""

    def __init__(self, tenant):
        congress = tenant.congress
        self.tenant = tenant
        self.home = LiaisonStationFactory(congress=congress, name="真武山街道人大代表之家")
        self.village = LiaisonStationFactory(congress=congress, name="卧龙镇双沟村人大代表联络站")
        StationStaffFactory(station=self.home, user=tenant.user(Role.STATION_STAFF))
        self.mine = DeputyFactory(congress=congress, name="张桂芳", user=tenant.user(Role.DEPUTY))
        StationDeputyFactory(station=self.home, deputy=self.mine)
        self.other_user = MembershipFactory(congress=congress, role=Role.DEPUTY).user
        self.other = DeputyFactory(congress=congress, name="李建国", user=self.other_user)
        StationDeputyFactory(station=self.village, deputy=self.other)
        self.unit = HandlingUnitFactory(congress=congress, name="襄城区城市管理执法局")
        UnitLiaison.objects.create(
            congress=congress, unit=self.unit, user=tenant.user(Role.UNIT_LIAISON)
        )
        self.to_mine = VoterMessageFactory(
            congress=congress,
            deputy=self.mine,
            voter_name="王阿姨",
            voter_phone="13912345678",
            text="小区门口的路灯坏了两个月。",
        )
        self.walk_in = VoterMessageFactory(
            congress=congress,
            source=MessageSource.WALK_IN,
            deputy=None,
            station=self.home,
            topic="governance",
            text="广场舞音响声音太大。",
        )
        self.to_other = VoterMessageFactory(
            congress=congress, deputy=self.other, station=self.village, text="村里经常停水。"
        )
        self.at_unit = VoterMessageFactory(
            congress=congress,
            deputy=self.other,
            station=self.village,
            status=MessageStatus.FORWARDED,
            forward_target=ForwardTarget.UNIT,
            forwarded_to_unit=self.unit,
            voter_name="赵先生",
            voter_phone="13800001111",
            text="路口每逢下雨就积水。",
        )

    def user(self, role):
        return self.tenant.user(role)


@pytest.fixture
def world(tenant_a):
    with scopes_disabled():  # test setup
        return World(tenant_a)


@pytest.fixture
def staff(tenant_a):
    return tenant_a.user(Role.COMMITTEE_STAFF)


def fresh(message):
    with scopes_disabled():  # reading the outcome
        return VoterMessage.objects.get(pk=message.pk)


def events(message):
    with scopes_disabled():  # reading the outcome
        return list(
            VoterMessageEvent.objects.filter(message=message)
            .order_by("at", "pk")
            .values_list("from_status", "to_status", "actor__username", "note")
        )


def notices(user):
    with scopes_disabled():  # reading the outcome
        return list(Notification.objects.filter(user=user).values_list("kind", "title", "url"))


# The services ------------------------------------------------------------------------------


def test_forward_to_a_deputy_records_the_event_and_tells_the_deputy(tenant_a, world, staff):
    with tenant_a.scope():
        services.voter_message_forward(
            actor=staff,
            message=world.to_mine,
            target=ForwardTarget.DEPUTY,
            deputy=world.other,
            note="请李代表跟进",
        )
    message = fresh(world.to_mine)
    assert message.status == MessageStatus.FORWARDED
    assert (message.forward_target, message.forwarded_to_deputy_id) == ("deputy", world.other.pk)
    (event,) = events(message)
    assert event[:3] == ("registered", "forwarded", staff.username)
    assert "李建国" in event[3] and "请李代表跟进" in event[3]
    with tenant_a.scope():
        assert message.history.first().history_user == staff
    ((kind, title, link),) = notices(world.other_user)
    assert kind == "message_forwarded"
    assert title == "有一条选民留言转交给您（城建交通）"
    assert link == url(tenant_a, f"{message.pk}/")
    assert notices(staff) == []


def test_forward_to_a_unit_tells_its_active_liaisons(tenant_a, world, staff):
    with scopes_disabled():  # test setup: a second liaison whose membership has ended
        gone = MembershipFactory(
            congress=tenant_a.congress, role=Role.UNIT_LIAISON, is_active=False
        )
        UnitLiaison.objects.create(congress=tenant_a.congress, unit=world.unit, user=gone.user)
    with tenant_a.scope():
        services.voter_message_forward(
            actor=staff, message=world.walk_in, target=ForwardTarget.UNIT, unit=world.unit
        )
    message = fresh(world.walk_in)
    assert (message.forward_target, message.forwarded_to_unit_id) == ("unit", world.unit.pk)
    assert message.forwarded_to_deputy_id is None
    liaison = tenant_a.user(Role.UNIT_LIAISON)
    assert [kind for kind, _title, _url in notices(liaison)] == ["message_forwarded"]
    assert "襄城区城市管理执法局" in notices(liaison)[0][1]
    assert notices(gone.user) == []


def test_forward_to_a_suggestion_keeps_the_deputy_who_takes_it_up(tenant_a, world, staff):
    with tenant_a.scope():
        services.voter_message_forward(
            actor=staff, message=world.to_mine, target=ForwardTarget.SUGGESTION, deputy=world.mine
        )
    message = fresh(world.to_mine)
    assert message.forward_target == ForwardTarget.SUGGESTION
    assert message.forwarded_to_deputy_id == world.mine.pk
    assert notices(world.mine.user)[0][0] == "message_to_suggestion"


@pytest.mark.parametrize(
    ("target", "field", "text"),
    [
        (ForwardTarget.DEPUTY, "deputy", "请选择代表。"),
        (ForwardTarget.UNIT, "unit", "请选择承办单位。"),
        ("nowhere", "target", "请选择转交给谁。"),
    ],
)
def test_forward_needs_its_target(tenant_a, world, staff, target, field, text):
    with tenant_a.scope(), pytest.raises(DomainError) as refused:
        services.voter_message_forward(actor=staff, message=world.to_mine, target=target)
    assert (refused.value.field, refused.value.message) == (field, text)
    assert fresh(world.to_mine).status == MessageStatus.REGISTERED


def test_forward_to_an_inactive_unit_or_a_deputy_who_left_is_refused(tenant_a, world, staff):
    with scopes_disabled():  # test setup
        world.unit.is_active = False
        world.unit.save()
        world.other.status = "resigned"
        world.other.save()
    with tenant_a.scope():
        with pytest.raises(DomainError, match="该承办单位已停用。"):
            services.voter_message_forward(
                actor=staff, message=world.to_mine, target=ForwardTarget.UNIT, unit=world.unit
            )
        with pytest.raises(DomainError, match="该代表已不在任。"):
            services.voter_message_forward(
                actor=staff, message=world.to_mine, target=ForwardTarget.DEPUTY, deputy=world.other
            )


def test_the_whole_lifecycle_with_who_did_what(tenant_a, world, staff):
    liaison = tenant_a.user(Role.UNIT_LIAISON)
    with tenant_a.scope():
        services.voter_message_forward(
            actor=staff, message=world.to_mine, target=ForwardTarget.UNIT, unit=world.unit
        )
        services.voter_message_start_handling(
            actor=liaison, message=world.to_mine, note="已安排路灯所"
        )
        services.voter_message_answer(
            actor=liaison, message=world.to_mine, answer="两盏路灯已更换，恢复照明。"
        )
        answered = fresh(world.to_mine)
        answered.rate(satisfaction=Satisfaction.SATISFIED)
        answered.save()
    message = fresh(world.to_mine)
    assert message.status == MessageStatus.CLOSED
    assert message.answer == "两盏路灯已更换，恢复照明。"
    assert message.answered_by == liaison
    assert message.answered_at is not None
    steps = events(message)
    assert [(s[0], s[1], s[2]) for s in steps] == [
        ("registered", "forwarded", staff.username),
        ("forwarded", "handled", liaison.username),
        ("handled", "answered", liaison.username),
    ]
    assert steps[1][3] == "已安排路灯所"
    # The deputy it was sent to hears of the handling and the answer; so does who forwarded it.
    assert [kind for kind, _t, _u in notices(world.mine.user)] == [
        "message_answered",
        "message_handling",
    ]
    assert [kind for kind, _t, _u in notices(staff)] == ["message_answered"]
    assert notices(liaison) == [
        (
            "message_forwarded",
            "有一条选民留言转交给襄城区城市管理执法局（城建交通）",
            url(tenant_a, f"{message.pk}/"),
        )
    ]


def test_a_deputy_answers_a_registered_message_directly(tenant_a, world):
    deputy = world.mine.user
    with tenant_a.scope():
        services.voter_message_answer(actor=deputy, message=world.to_mine, answer="已联系处理。")
    message = fresh(world.to_mine)
    assert message.status == MessageStatus.ANSWERED
    assert events(message) == [("registered", "answered", deputy.username, "")]
    # Nobody else is involved yet, and the deputy is not told about their own answer.
    assert notices(deputy) == []


def test_staff_close_an_answered_message_the_voter_never_rated(tenant_a, world, staff):
    with tenant_a.scope():
        services.voter_message_answer(actor=world.mine.user, message=world.to_mine, answer="已办")
        services.voter_message_close(actor=staff, message=world.to_mine)
    message = fresh(world.to_mine)
    assert message.status == MessageStatus.CLOSED
    assert message.satisfaction == ""
    assert events(message)[-1] == ("answered", "closed", staff.username, "选民未评价，已办结")
    assert notices(world.mine.user)[0][0] == "message_closed"


@pytest.mark.parametrize(
    ("status", "action", "text"),
    [
        ("forwarded", "forward", "这条留言已经转交，不能再转交。"),
        ("handled", "forward", "这条留言已经转交，不能再转交。"),
        ("answered", "forward", "这条留言已经答复，不能再转交。"),
        ("closed", "forward", "这条留言已经办结，不能再转交。"),
        ("registered", "start", "这条留言还没有转交，请先转交再开始办理。"),
        ("handled", "start", "这条留言已经在办理中。"),
        ("answered", "start", "这条留言已经答复，不能再开始办理。"),
        ("closed", "start", "这条留言已经办结，不能再开始办理。"),
        ("answered", "answer", "这条留言已经答复，不能再答复。"),
        ("closed", "answer", "这条留言已经办结，不能再答复。"),
        ("registered", "close", "这条留言还没有答复，不能办结。"),
        ("forwarded", "close", "这条留言还没有答复，不能办结。"),
        ("handled", "close", "这条留言还没有答复，不能办结。"),
        ("closed", "close", "这条留言已经办结，不能再办结。"),
    ],
)
def test_an_action_from_the_wrong_status_is_refused_in_chinese(
    tenant_a, world, staff, status, action, text
):
    with scopes_disabled():  # test setup
        VoterMessage.objects.filter(pk=world.to_mine.pk).update(status=status)
    calls = {
        "forward": lambda m: services.voter_message_forward(
            actor=staff, message=m, target=ForwardTarget.DEPUTY, deputy=world.mine
        ),
        "start": lambda m: services.voter_message_start_handling(actor=staff, message=m),
        "answer": lambda m: services.voter_message_answer(actor=staff, message=m, answer="答复"),
        "close": lambda m: services.voter_message_close(actor=staff, message=m),
    }
    with tenant_a.scope(), pytest.raises(DomainError) as refused:
        calls[action](fresh(world.to_mine))
    assert refused.value.message == text
    assert fresh(world.to_mine).status == status
    assert events(world.to_mine) == []


def test_two_people_forwarding_at_once_do_not_both_win(tenant_a, world, staff):
    """Both loaded the message while it was registered; the second one is refused."""
    station_staff = tenant_a.user(Role.STATION_STAFF)
    with tenant_a.scope():
        seen_by_staff = VoterMessage.objects.get(pk=world.to_mine.pk)
        seen_by_station = VoterMessage.objects.get(pk=world.to_mine.pk)
        services.voter_message_forward(
            actor=staff, message=seen_by_staff, target=ForwardTarget.UNIT, unit=world.unit
        )
        with pytest.raises(DomainError) as refused:
            services.voter_message_forward(
                actor=station_staff,
                message=seen_by_station,
                target=ForwardTarget.DEPUTY,
                deputy=world.mine,
            )
    assert refused.value.message == "这条留言已经转交，不能再转交。"
    message = fresh(world.to_mine)
    assert (message.forward_target, message.forwarded_to_unit_id) == ("unit", world.unit.pk)
    assert len(events(message)) == 1


def test_two_answers_at_once_keep_the_first(tenant_a, world):
    with tenant_a.scope():
        first = VoterMessage.objects.get(pk=world.at_unit.pk)
        second = VoterMessage.objects.get(pk=world.at_unit.pk)
        services.voter_message_answer(
            actor=world.other_user, message=first, answer="已协调排水公司疏通。"
        )
        with pytest.raises(DomainError, match="这条留言已经答复，不能再答复。"):
            services.voter_message_answer(
                actor=world.tenant.user(Role.UNIT_LIAISON), message=second, answer="另一份答复"
            )
    assert fresh(world.at_unit).answer == "已协调排水公司疏通。"


def test_the_answer_must_not_be_empty(tenant_a, world):
    with tenant_a.scope(), pytest.raises(DomainError, match="请填写给选民的答复。"):
        services.voter_message_answer(actor=world.mine.user, message=world.to_mine, answer="  ")


# Walk-in visits (service) ------------------------------------------------------------------


def visit(tenant, world, actor, **fields):
    values = {
        "station": world.home,
        "topic": "urban",
        "text": "楼下烧烤店营业到凌晨，油烟和噪音扰民。",
        "consent_confirmed": True,
        **fields,
    }
    with tenant.scope():
        return services.voter_message_register_visit(
            actor=actor, congress=tenant.congress, **values
        )


def test_a_visit_is_registered_with_its_deadline_and_the_deputy_is_told(tenant_a, world):
    station_staff = tenant_a.user(Role.STATION_STAFF)
    with time_machine.travel("2026-09-29 10:00 +0800", tick=False):
        message = visit(
            tenant_a,
            world,
            station_staff,
            deputy=world.mine,
            voter_name="刘大爷",
            voter_phone="0710-3512345",
        )
    message = fresh(message)
    assert message.source == MessageSource.WALK_IN
    assert message.registered_by == station_staff
    assert message.due_on == date(2026, 10, 14)
    assert message.voter_phone == "0710-3512345"
    assert message.status == MessageStatus.REGISTERED
    assert events(message) == [
        ("", "registered", station_staff.username, "在真武山街道人大代表之家登记来访")
    ]
    assert notices(world.mine.user)[0][:2] == ("message_new", "您有一条新的选民留言（城建交通）")


def test_a_visit_answered_on_the_spot_is_closed_at_once(tenant_a, world):
    station_staff = tenant_a.user(Role.STATION_STAFF)
    message = visit(
        tenant_a,
        world,
        station_staff,
        deputy=world.mine,
        answered_on_the_spot=True,
        answer="已当场联系社区网格员处理。",
    )
    message = fresh(message)
    assert message.status == MessageStatus.CLOSED
    assert message.answered_on_the_spot
    assert message.answered_by == station_staff
    assert [e[:2] for e in events(message)] == [("", "registered"), ("registered", "closed")]
    assert events(message)[1][3] == "当场答复"
    assert notices(world.mine.user) == []


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        ({"consent_confirmed": False}, "consent_confirmed", "请确认选民已同意隐私告知。"),
        ({"text": "   "}, "text", "请记下选民反映的内容。"),
        ({"topic": "gossip"}, "topic", "请选择留言类别。"),
        ({"answered_on_the_spot": True}, "answer", "请记下当场给出的答复。"),
        ({"voter_phone": "call me"}, "voter_phone", "请填写正确的电话号码（数字，可带连字符）。"),
    ],
)
def test_a_visit_with_bad_input_is_refused(tenant_a, world, staff, fields, field, text):
    with pytest.raises(DomainError) as refused:
        visit(tenant_a, world, staff, **fields)
    assert (refused.value.field, refused.value.message) == (field, text)
    with scopes_disabled():
        assert (
            not VoterMessage.objects.filter(source=MessageSource.WALK_IN)
            .exclude(pk=world.walk_in.pk)
            .exists()
        )


def test_station_staff_register_visits_only_at_their_stations(tenant_a, world):
    with pytest.raises(DomainError, match="只能在您所在的联络站登记来访。"):
        visit(tenant_a, world, tenant_a.user(Role.STATION_STAFF), station=world.village)
    # Committee staff register at any station.
    assert visit(tenant_a, world, tenant_a.user(Role.COMMITTEE_STAFF), station=world.village)


# Visibility --------------------------------------------------------------------------------


def codes_on(response):
    return {item.tracking_code for item in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.COMMITTEE_ADMIN, {"to_mine", "walk_in", "to_other", "at_unit"}),
        (Role.COMMITTEE_STAFF, {"to_mine", "walk_in", "to_other", "at_unit"}),
        (Role.STATION_STAFF, {"to_mine", "walk_in"}),
        (Role.DEPUTY, {"to_mine"}),
        (Role.UNIT_LIAISON, {"at_unit"}),
    ],
)
def test_each_role_lists_exactly_the_messages_it_reaches(
    tenant_a, world, client_as, role, expected
):
    response = client_as(tenant_a.user(role)).get(url(tenant_a))
    assert response.status_code == 200
    assert codes_on(response) == {getattr(world, name).tracking_code for name in expected}


def test_leaders_have_no_message_pages(tenant_a, world, client_as):
    client = client_as(tenant_a.user(Role.LEADER))
    assert client.get(url(tenant_a)).status_code == 403
    assert client.get(url(tenant_a, f"{world.to_mine.pk}/")).status_code == 403


@pytest.mark.parametrize(
    ("role", "message", "status"),
    [
        (Role.DEPUTY, "to_mine", 200),
        (Role.DEPUTY, "to_other", 403),
        (Role.DEPUTY, "at_unit", 403),
        (Role.STATION_STAFF, "walk_in", 200),
        (Role.STATION_STAFF, "to_mine", 200),
        (Role.STATION_STAFF, "to_other", 403),
        (Role.UNIT_LIAISON, "at_unit", 200),
        (Role.UNIT_LIAISON, "to_mine", 403),
        (Role.COMMITTEE_STAFF, "to_other", 200),
    ],
)
def test_the_detail_page_follows_the_same_rule(tenant_a, world, client_as, role, message, status):
    target = getattr(world, message)
    response = client_as(tenant_a.user(role)).get(url(tenant_a, f"{target.pk}/"))
    assert response.status_code == status
    if status == 200:
        assert target.text in response.content.decode()


def test_a_message_of_another_congress_is_not_found(tenant_a, tenant_b, world, client_as):
    with scopes_disabled():  # test setup
        foreign = VoterMessageFactory(congress=tenant_b.congress)
    response = client_as(tenant_a.user(Role.COMMITTEE_STAFF)).get(url(tenant_a, f"{foreign.pk}/"))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("who", "message", "shown"),
    [
        ("deputy", "to_mine", True),
        ("station", "to_mine", True),
        ("staff", "at_unit", True),
        ("unit", "at_unit", False),
        ("forwarded_deputy", "to_mine", False),
    ],
)
def test_the_voters_name_and_phone_only_for_the_deputy_and_staff(
    tenant_a, world, client_as, staff, who, message, shown
):
    users = {
        "deputy": world.mine.user,
        "station": tenant_a.user(Role.STATION_STAFF),
        "staff": staff,
        "unit": tenant_a.user(Role.UNIT_LIAISON),
        "forwarded_deputy": world.other_user,
    }
    target = getattr(world, message)
    if who == "forwarded_deputy":
        with tenant_a.scope():
            services.voter_message_forward(
                actor=staff, message=target, target=ForwardTarget.DEPUTY, deputy=world.other
            )
    body = client_as(users[who]).get(url(tenant_a, f"{target.pk}/")).content.decode()
    assert (target.voter_phone in body) is shown
    assert (target.voter_name in body) is shown
    if not shown:
        assert "仅收信代表和工作人员可见" in body


def test_script_in_a_message_is_shown_as_text(tenant_a, world, client_as, staff):
    with scopes_disabled():  # test setup
        VoterMessage.objects.filter(pk=world.to_mine.pk).update(
            text='<script>alert("x")</script>路灯'
        )
    body = client_as(staff).get(url(tenant_a, f"{world.to_mine.pk}/")).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert" in body


# Photos ------------------------------------------------------------------------------------


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def photo(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with scopes_disabled():  # test setup
        record = VoterMessagePhoto(congress=world.tenant.congress, message=world.to_mine)
        record.image.save("lamp.jpg", ContentFile(jpeg_bytes()), save=False)
        record.save()
    return record


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.DEPUTY, 200),
        (Role.STATION_STAFF, 200),
        (Role.COMMITTEE_STAFF, 200),
        (Role.UNIT_LIAISON, 403),
        (Role.LEADER, 403),
    ],
)
def test_photos_are_streamed_only_to_those_who_reach_the_message(
    tenant_a, world, photo, client_as, role, status
):
    response = client_as(tenant_a.user(role)).get(
        url(tenant_a, f"{world.to_mine.pk}/photos/{photo.pk}/")
    )
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "image/jpeg"
        assert b"".join(response.streaming_content) == photo.image.open("rb").read()
        assert "private" in response["Cache-Control"]


def test_a_photo_under_another_message_is_not_found(tenant_a, world, photo, client_as, staff):
    response = client_as(staff).get(url(tenant_a, f"{world.walk_in.pk}/photos/{photo.pk}/"))
    assert response.status_code == 404


def test_the_detail_page_shows_photos_through_the_checked_view(
    tenant_a, world, photo, client_as, staff
):
    body = client_as(staff).get(url(tenant_a, f"{world.to_mine.pk}/")).content.decode()
    assert url(tenant_a, f"{world.to_mine.pk}/photos/{photo.pk}/") in body
    assert "/media/" not in body


# Actions on the pages ----------------------------------------------------------------------


def test_a_deputy_answers_on_the_phone(tenant_a, world, client_as):
    client = client_as(world.mine.user)
    page = client.get(url(tenant_a, f"{world.to_mine.pk}/")).content.decode()
    assert 'id="answer-form"' in page and 'name="answer"' in page
    assert "提交答复" in page
    response = client.post(
        url(tenant_a, f"{world.to_mine.pk}/answer/"), {"answer": "已联系路灯所，本周修好。"}
    )
    assert response.status_code == 302
    assert response["Location"] == url(tenant_a, f"{world.to_mine.pk}/")
    assert fresh(world.to_mine).status == MessageStatus.ANSWERED
    page = client.get(response["Location"]).content.decode()
    assert "答复已提交，选民可凭查询码查看。" in page
    assert "已联系路灯所，本周修好。" in page
    assert 'id="answer-form"' not in page


def test_an_answer_refused_comes_back_with_the_text_typed(tenant_a, world, client_as):
    with scopes_disabled():  # test setup: someone else answered a moment ago
        VoterMessage.objects.filter(pk=world.to_mine.pk).update(status=MessageStatus.ANSWERED)
    response = client_as(world.mine.user).post(
        url(tenant_a, f"{world.to_mine.pk}/answer/"), {"answer": "我写了很久的答复"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "这条留言已经答复，不能再答复。" in body
    assert "我写了很久的答复" in body


def test_an_empty_answer_gets_a_clear_message(tenant_a, world, client_as):
    response = client_as(world.mine.user).post(
        url(tenant_a, f"{world.to_mine.pk}/answer/"), {"answer": ""}
    )
    assert response.status_code == 400
    assert "请填写给选民的答复。" in response.content.decode()


def test_a_deputy_cannot_answer_someone_elses_message(tenant_a, world, client_as):
    response = client_as(world.mine.user).post(
        url(tenant_a, f"{world.to_other.pk}/answer/"), {"answer": "不该我答"}
    )
    assert response.status_code == 403
    assert fresh(world.to_other).status == MessageStatus.REGISTERED


def test_a_unit_liaison_starts_handling_and_answers(tenant_a, world, client_as):
    client = client_as(tenant_a.user(Role.UNIT_LIAISON))
    page = client.get(url(tenant_a, f"{world.at_unit.pk}/")).content.decode()
    assert 'id="start-form"' in page and 'id="forward-form"' not in page
    assert client.post(url(tenant_a, f"{world.at_unit.pk}/start/")).status_code == 302
    assert fresh(world.at_unit).status == MessageStatus.HANDLED
    response = client.post(url(tenant_a, f"{world.at_unit.pk}/answer/"), {"answer": "已疏通。"})
    assert response.status_code == 302
    assert fresh(world.at_unit).answered_by == tenant_a.user(Role.UNIT_LIAISON)


def test_staff_forward_on_the_page(tenant_a, world, client_as, staff):
    client = client_as(staff)
    page = client.get(url(tenant_a, f"{world.to_mine.pk}/")).content.decode()
    assert 'id="forward-form"' in page and "襄城区城市管理执法局" in page
    response = client.post(
        url(tenant_a, f"{world.to_mine.pk}/forward/"),
        {"target": "unit", "unit": world.unit.pk, "note": "请尽快处理"},
    )
    assert response.status_code == 302
    assert fresh(world.to_mine).forwarded_to_unit_id == world.unit.pk


def test_forwarding_without_a_unit_comes_back_with_the_note(tenant_a, world, client_as, staff):
    response = client_as(staff).post(
        url(tenant_a, f"{world.to_mine.pk}/forward/"), {"target": "unit", "note": "请尽快处理"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "请选择承办单位。" in body and "请尽快处理" in body


def test_forwarding_to_a_unit_of_another_congress_is_refused(
    tenant_a, tenant_b, world, client_as, staff
):
    with scopes_disabled():  # test setup
        foreign = HandlingUnitFactory(congress=tenant_b.congress)
    response = client_as(staff).post(
        url(tenant_a, f"{world.to_mine.pk}/forward/"), {"target": "unit", "unit": foreign.pk}
    )
    assert response.status_code == 400
    assert fresh(world.to_mine).status == MessageStatus.REGISTERED


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_LIAISON])
def test_deputies_and_units_cannot_forward_or_close(tenant_a, world, client_as, role):
    client = client_as(tenant_a.user(role))
    target = world.to_mine if role == Role.DEPUTY else world.at_unit
    forward = client.post(
        url(tenant_a, f"{target.pk}/forward/"), {"target": "unit", "unit": world.unit.pk}
    )
    assert forward.status_code == 403
    assert client.post(url(tenant_a, f"{target.pk}/close/")).status_code == 403


def test_station_staff_cannot_forward_a_message_beyond_their_stations(tenant_a, world, client_as):
    response = client_as(tenant_a.user(Role.STATION_STAFF)).post(
        url(tenant_a, f"{world.to_other.pk}/forward/"), {"target": "unit", "unit": world.unit.pk}
    )
    assert response.status_code == 403


def test_staff_close_on_the_page(tenant_a, world, client_as, staff):
    with tenant_a.scope():
        services.voter_message_answer(actor=world.mine.user, message=world.to_mine, answer="已办")
    client = client_as(staff)
    assert 'id="close-form"' in client.get(url(tenant_a, f"{world.to_mine.pk}/")).content.decode()
    assert client.post(url(tenant_a, f"{world.to_mine.pk}/close/")).status_code == 302
    assert fresh(world.to_mine).status == MessageStatus.CLOSED


def test_actions_answer_only_to_post(tenant_a, world, client_as, staff):
    for action in ("forward", "start", "answer", "close"):
        assert client_as(staff).get(url(tenant_a, f"{world.to_mine.pk}/{action}/")).status_code == (
            405
        )


def test_the_timeline_shows_who_when_and_the_change(tenant_a, world, client_as, staff):
    with tenant_a.scope():
        services.voter_message_forward(
            actor=staff, message=world.to_mine, target=ForwardTarget.UNIT, unit=world.unit
        )
    body = client_as(staff).get(url(tenant_a, f"{world.to_mine.pk}/")).content.decode()
    assert 'id="timeline"' in body
    assert f"<strong>{staff}</strong>" in body
    assert "已登记 → 已转交" in body


# Walk-in visits (page) ---------------------------------------------------------------------


def test_station_staff_choose_only_their_own_station(tenant_a, world, client_as):
    response = client_as(tenant_a.user(Role.STATION_STAFF)).get(url(tenant_a, "visit/"))
    assert response.status_code == 200
    stations = list(response.context["form"].fields["station"].queryset)
    assert stations == [world.home]
    body = response.content.decode()
    assert "登记来访" in body and 'id="visit-form"' in body


def test_registering_a_visit_on_the_page(tenant_a, world, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = ContentFile(jpeg_bytes(), name="现场.jpg")
    response = client_as(tenant_a.user(Role.STATION_STAFF)).post(
        url(tenant_a, "visit/"),
        {
            "station": world.home.pk,
            "deputy": world.mine.pk,
            "topic": "environment",
            "text": "工地夜间施工噪音大。",
            "voter_name": "周女士",
            "consent_confirmed": "on",
            "photos": [upload],
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        message = VoterMessage.objects.get(text="工地夜间施工噪音大。")
        assert message.photos.count() == 1
    assert response["Location"] == url(tenant_a, f"{message.pk}/")


def test_a_visit_form_with_errors_keeps_what_was_typed(tenant_a, world, client_as):
    response = client_as(tenant_a.user(Role.STATION_STAFF)).post(
        url(tenant_a, "visit/"),
        {"station": world.home.pk, "topic": "health", "text": "异地就医报销手续太复杂。"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "请确认选民已同意隐私告知。" in body
    assert "异地就医报销手续太复杂。" in body


def test_a_visit_at_a_station_not_theirs_is_refused(tenant_a, world, client_as):
    response = client_as(tenant_a.user(Role.STATION_STAFF)).post(
        url(tenant_a, "visit/"),
        {
            "station": world.village.pk,
            "topic": "health",
            "text": "看病难。",
            "consent_confirmed": "on",
        },
    )
    assert response.status_code == 400
    with scopes_disabled():
        assert not VoterMessage.objects.filter(text="看病难。").exists()


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_LIAISON, Role.LEADER])
def test_only_staff_register_visits(tenant_a, world, client_as, role):
    assert client_as(tenant_a.user(role)).get(url(tenant_a, "visit/")).status_code == 403


# Deadlines ---------------------------------------------------------------------------------


def test_overdue_counts_working_days_across_the_national_day_holiday(tenant_a, world, client_as):
    """Received on 29 September 2026 with 7 working days: due 14 October (a plain count of
    weekdays would have said 8 October); overdue from the 15th."""
    staff = tenant_a.user(Role.COMMITTEE_STAFF)
    with time_machine.travel("2026-09-29 10:00 +0800", tick=False):
        message = visit(tenant_a, world, staff)
    assert fresh(message).due_on == date(2026, 10, 14)
    for day, overdue in [("2026-10-08", False), ("2026-10-14", False), ("2026-10-15", True)]:
        with time_machine.travel(f"{day} 09:00 +0800", tick=False):
            # Signed in on that day: a session idle for days would be sent to sign in again.
            response = client_as(staff).get(url(tenant_a, "overdue/"))
            assert (message.tracking_code in codes_on(response)) is overdue, day
            assert response.context["counts"]["overdue"] == int(overdue)
            with tenant_a.scope():
                assert fresh(message).is_overdue() is overdue


def test_answered_in_time_is_judged_by_the_local_date(tenant_a, world, client_as):
    staff = tenant_a.user(Role.COMMITTEE_STAFF)
    with time_machine.travel("2026-09-29 10:00 +0800", tick=False):
        message = visit(tenant_a, world, staff)
    # 23:30 in Beijing on the due day is still 15:30 UTC of the same day: in time.
    with time_machine.travel("2026-10-14 23:30 +0800", tick=False):
        with tenant_a.scope():
            services.voter_message_answer(actor=staff, message=message, answer="已办")
        body = client_as(staff).get(url(tenant_a, f"{message.pk}/")).content.decode()
    assert "按期答复" in body
    late = visit(tenant_a, world, staff)
    with scopes_disabled():  # test setup: due yesterday
        VoterMessage.objects.filter(pk=late.pk).update(
            due_on=timezone.localdate() - timedelta(days=1)
        )
    with tenant_a.scope():
        services.voter_message_answer(actor=staff, message=fresh(late), answer="已办")
    assert "逾期答复" in client_as(staff).get(url(tenant_a, f"{late.pk}/")).content.decode()


def test_the_list_puts_overdue_first_then_the_nearest_due(tenant_a, world, client_as, staff):
    today = timezone.localdate()
    with scopes_disabled():  # test setup
        VoterMessage.objects.filter(pk=world.to_mine.pk).update(due_on=today + timedelta(days=5))
        VoterMessage.objects.filter(pk=world.walk_in.pk).update(due_on=today - timedelta(days=3))
        VoterMessage.objects.filter(pk=world.to_other.pk).update(due_on=today + timedelta(days=1))
        VoterMessage.objects.filter(pk=world.at_unit.pk).update(
            status=MessageStatus.CLOSED, due_on=today - timedelta(days=9)
        )
    response = client_as(staff).get(url(tenant_a))
    order = [item.pk for item in response.context["page"].object_list]
    assert order == [world.walk_in.pk, world.to_other.pk, world.to_mine.pk, world.at_unit.pk]
    body = response.content.decode()
    assert 'class="is-overdue"' in body and "已逾期" in body


def test_filters_narrow_the_list(tenant_a, world, client_as, staff):
    today = timezone.localdate()
    with scopes_disabled():  # test setup
        VoterMessage.objects.filter(pk=world.to_mine.pk).update(due_on=today - timedelta(days=1))
        VoterMessage.objects.filter(pk=world.to_other.pk).update(due_on=today + timedelta(days=60))
    client = client_as(staff)

    def listed(**params):
        return codes_on(client.get(url(tenant_a), params))

    assert listed(status="forwarded") == {world.at_unit.tracking_code}
    assert listed(topic="governance") == {world.walk_in.tracking_code}
    assert listed(source="walk_in") == {world.walk_in.tracking_code}
    assert listed(station=world.village.pk) == {
        world.to_other.tracking_code,
        world.at_unit.tracking_code,
    }
    assert listed(deputy=world.mine.pk) == {world.to_mine.tracking_code}
    assert listed(overdue="on") == {world.to_mine.tracking_code}
    assert world.to_other.tracking_code not in listed(due_soon="on")
    assert world.walk_in.tracking_code in listed(due_soon="on")
    assert listed(q=world.to_other.tracking_code.lower()) == {world.to_other.tracking_code}
    assert listed(q="停水") == {world.to_other.tracking_code}
    # Values that fit nothing are dropped, never an error page.
    assert len(listed(status="nonsense", station="99999999999999999999", deputy="x")) == 4


def test_htmx_filtering_returns_only_the_table(tenant_a, world, client_as, staff):
    response = client_as(staff).get(
        url(tenant_a), {"q": "停水"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="message-table"
    )
    body = response.content.decode()
    assert body.strip().startswith('<div id="message-table">')
    assert "<html" not in body


def test_the_counts_by_status_at_the_top(tenant_a, world, client_as, staff):
    response = client_as(staff).get(url(tenant_a))
    counts = response.context["counts"]
    assert (counts["all"], counts["registered"], counts["forwarded"]) == (4, 3, 1)
    assert "按状态统计" in response.content.decode()


def test_the_list_runs_a_fixed_number_of_queries(tenant_a, world, client_as, staff):
    client = client_as(staff)
    client.get(url(tenant_a))
    with CaptureQueriesContext(connection) as few:
        client.get(url(tenant_a))
    with scopes_disabled():  # test setup: sixty more, to many deputies, stations and units
        for number in range(60):
            station = LiaisonStationFactory(congress=tenant_a.congress)
            VoterMessageFactory(
                congress=tenant_a.congress,
                station=station,
                status=MessageStatus.FORWARDED,
                forward_target="unit",
                forwarded_to_unit=HandlingUnitFactory(congress=tenant_a.congress),
                text=f"第{number}条",
            )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url(tenant_a), {"page": 2})
    assert len(response.context["page"].object_list) == 14
    assert len(many) == len(few) <= 14


def test_the_deputys_phone_list_newest_first(tenant_a, world, client_as):
    with scopes_disabled():  # test setup
        older = VoterMessageFactory(
            congress=tenant_a.congress,
            deputy=world.mine,
            text="更早的一条留言",
            created_at=timezone.now() - timedelta(days=3),
        )
    client = client_as(world.mine.user)
    response = client.get(url(tenant_a))
    assert response.status_code == 200
    assert [item.pk for item in response.context["page"].object_list] == [
        world.to_mine.pk,
        older.pk,
    ]
    body = response.content.decode()
    assert "我的选民留言" in body and 'class="message-card' in body
    with scopes_disabled():
        VoterMessage.objects.filter(pk=older.pk).update(status=MessageStatus.CLOSED)
    waiting = client.get(url(tenant_a), {"show": "open"})
    assert [item.pk for item in waiting.context["page"].object_list] == [world.to_mine.pk]


def test_the_deputys_list_runs_a_fixed_number_of_queries(tenant_a, world, client_as):
    client = client_as(world.mine.user)
    client.get(url(tenant_a))
    with CaptureQueriesContext(connection) as few:
        client.get(url(tenant_a))
    with scopes_disabled():  # test setup
        for _number in range(30):
            VoterMessageFactory(congress=tenant_a.congress, deputy=world.mine, station=world.home)
    with CaptureQueriesContext(connection) as many:
        client.get(url(tenant_a), {"page": 2})
    assert len(many) == len(few)


# The demo ----------------------------------------------------------------------------------


def test_only_staff_who_hand_out_codes_see_them(tenant_a, client_as):
    """The code lets its holder rate the answer, so a deputy must not see it (nor a unit)."""
    from django_scopes import scopes_disabled

    from tests.factories import DeputyFactory, VoterMessageFactory

    deputy_user = tenant_a.user(Role.DEPUTY)
    with scopes_disabled():  # test setup
        deputy = DeputyFactory(congress=tenant_a.congress, user=deputy_user)
        message = VoterMessageFactory(congress=tenant_a.congress, deputy=deputy)
    detail = f"/c/{tenant_a.congress.slug}/messages/{message.pk}/"
    api = f"/api/v1/c/{tenant_a.congress.slug}/messages/"
    deputy_client = client_as(deputy_user)
    assert message.tracking_code not in deputy_client.get(detail).content.decode()
    assert (
        message.tracking_code
        not in deputy_client.get(f"/c/{tenant_a.congress.slug}/messages/").content.decode()
    )
    assert deputy_client.get(api).json()["results"][0]["tracking_code"] is None
    assert deputy_client.get(f"{api}{message.pk}/").json()["tracking_code"] is None
    staff_client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    assert message.tracking_code in staff_client.get(detail).content.decode()
    assert staff_client.get(api).json()["results"][0]["tracking_code"] == message.tracking_code
