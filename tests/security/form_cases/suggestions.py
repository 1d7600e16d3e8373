"""The forms of suggestions as deputies, handling units and the public see them: the deputy's
own, a unit's work, the feedback page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scopes_disabled

from congress.models import Role
from suggestions import lifecycle
from suggestions.models import (
    Suggestion,
    SuggestionAssignment,
    SuggestionCosigner,
    SuggestionFeedback,
    SuggestionReply,
)
from tests.security.conftest import World
from tests.security.form_cases import FormCase, my_deputy

UNIT = "unit_liaison"
MY_DETAIL = "my_suggestions:detail"
UNIT_DETAIL = "unit_work:detail"

# The world's suggestions, in the order conftest makes them: the deputy's draft, the deputy's
# sent one, a colleague's accepted one, the deputy's one assigned to the world's unit.
DRAFT, SUBMITTED, ACCEPTED, ASSIGNED = range(4)
# What the page showed before someone else changed the suggestion meanwhile.
SEEN, NOW = 3, 4


def _suggestion(index: int) -> Callable[[World], dict]:
    return lambda world: {"suggestion_id": world.ids["suggestion_id"][index]}


def _update(world: World, index: int, **fields) -> Suggestion:
    with scopes_disabled():  # test setup
        Suggestion.objects.filter(pk=world.ids["suggestion_id"][index]).update(**fields)
        return Suggestion.objects.get(pk=world.ids["suggestion_id"][index])


def _changed_meanwhile(index: int) -> Callable[[World], None]:
    """Someone else changed the suggestion after the page was opened at version SEEN."""
    return lambda world: _update(world, index, version=NOW)


def _invited(world: World) -> None:
    """A colleague's sent suggestion asks the world's deputy to co-sign it."""
    suggestion = _update(world, ACCEPTED, status="submitted")
    with scopes_disabled():  # test setup
        SuggestionCosigner.objects.create(
            congress=suggestion.congress, suggestion=suggestion, deputy=my_deputy(world)
        )


def _replied(world: World) -> None:
    """The world's unit answered the assigned suggestion; the deputy is asked to rate it."""
    replied_on = date(2026, 10, 20)
    suggestion = _update(
        world, ASSIGNED, status="replied", round=1, replied_on=replied_on, reply_class="A"
    )
    with scopes_disabled():  # test setup
        unit = SuggestionAssignment.objects.get(suggestion=suggestion).unit
        SuggestionReply.objects.create(
            congress=suggestion.congress,
            suggestion=suggestion,
            round=1,
            unit=unit,
            reply_class="A",
            text="已将该小区列入明年老旧小区改造计划，加装电梯资金由区财政补贴。",
            replied_on=replied_on,
            due_on=replied_on,
        )
        lifecycle.feedback_request(suggestion, actor=None)


def _replied_being_solved(world: World) -> None:
    """The world's unit answered the assigned suggestion "being solved" (class B)."""
    _replied(world)
    with scopes_disabled():  # test setup
        SuggestionReply.objects.filter(suggestion_id=world.ids["suggestion_id"][ASSIGNED]).update(
            reply_class="B"
        )
        _update(world, ASSIGNED, reply_class="B")


def _feedback_token(world: World) -> dict:
    with scopes_disabled():  # test setup
        feedback = SuggestionFeedback.objects.get(
            suggestion_id=world.ids["suggestion_id"][ASSIGNED], is_lead=True
        )
    return {"feedback_token": feedback.token}


def _returnable_then_changed(world: World) -> None:
    """The unit may still return the assigned suggestion; staff changed it meanwhile."""
    _changed_meanwhile(ASSIGNED)(world)
    with scopes_disabled():  # test setup
        SuggestionAssignment.objects.filter(
            suggestion_id=world.ids["suggestion_id"][ASSIGNED]
        ).update(return_by=timezone.localdate() + timedelta(days=5))


def _co_handling_then_changed(world: World) -> None:
    """The world's unit co-handles the assigned suggestion; it changed meanwhile."""
    _changed_meanwhile(ASSIGNED)(world)
    with scopes_disabled():  # test setup
        SuggestionAssignment.objects.filter(
            suggestion_id=world.ids["suggestion_id"][ASSIGNED]
        ).update(role="co")


def _exe() -> dict:
    return {"file": SimpleUploadedFile("电梯加装方案.exe", b"MZ\x90\x00" + b"\x00" * 64)}


FORMS = [
    FormCase(
        "my_suggestions:new",
        Role.DEPUTY,
        {
            "kind": "suggestion",
            "title": "关于增设老旧小区电梯的建议",
            "content": "",
            "source": "own_research",
        },
        kept=("关于增设老旧小区电梯的建议",),
    ),
    # The draft changed: the title cleared while the text and the work order were rewritten.
    FormCase(
        "my_suggestions:edit",
        Role.DEPUTY,
        {
            "kind": "suggestion",
            "title": "",
            "content": "东津镇幸福小区多为七层住宅，老人上下楼困难，建议加装电梯并给予补贴。",
            "source": "hotline",
            "source_reference": "GD20260419877",
            "version": "0",
        },
        kept=(
            "东津镇幸福小区多为七层住宅，老人上下楼困难，建议加装电梯并给予补贴。",
            "GD20260419877",
        ),
        ids=_suggestion(DRAFT),
    ),
    # A program picked instead of a document.
    FormCase(
        "my_suggestions:attachment_add",
        Role.DEPUTY,
        {},
        kept=(),
        ids=_suggestion(DRAFT),
        page=MY_DETAIL,
        context=("attachment_form",),
        files=_exe,
    ),
    # The reason typed on a page opened before staff changed the suggestion.
    FormCase(
        "my_suggestions:withdraw",
        Role.DEPUTY,
        {"version": str(SEEN), "reason": "问题已由镇政府协调解决，不再需要交办。"},
        kept=("问题已由镇政府协调解决，不再需要交办。",),
        ids=_suggestion(SUBMITTED),
        page=MY_DETAIL,
        context=("withdraw_form",),
        setup=_changed_meanwhile(SUBMITTED),
    ),
    # The answer is a button's value; a stale or altered page sends something else.
    FormCase(
        "my_suggestions:cosign",
        Role.DEPUTY,
        {"decision": "同意"},
        kept=(),
        ids=_suggestion(ACCEPTED),
        page=MY_DETAIL,
        context=("cosign_form",),
        setup=_invited,
    ),
    # The reason written, the satisfaction not picked.
    FormCase(
        "my_suggestions:rate",
        Role.DEPUTY,
        {"reason": "答复称明年改造，但没有具体时间表，群众不认可。"},
        kept=("答复称明年改造，但没有具体时间表，群众不认可。",),
        ids=_suggestion(ASSIGNED),
        page=MY_DETAIL,
        context=("rating_form",),
        setup=_replied,
    ),
    FormCase(
        "suggestion_public:feedback",
        None,
        {"reason": "电梯至今没有动工，答复内容与实际不符。"},
        kept=("电梯至今没有动工，答复内容与实际不符。",),
        ids=_feedback_token,
        setup=_replied,
    ),
    # A unit's work on one suggestion.
    FormCase(
        "unit_work:contact",
        UNIT,
        {
            "stage": "during",
            "method": "phone",
            "contacted_on": "2026-02-30",
            "text": "电话联系张桂芳代表，介绍了加装电梯的补贴政策和进度安排。",
        },
        kept=("2026-02-30", "电话联系张桂芳代表，介绍了加装电梯的补贴政策和进度安排。"),
        ids=_suggestion(ASSIGNED),
        page=UNIT_DETAIL,
        context=("contact_form",),
    ),
    # The reply written, the signed letter not attached.
    FormCase(
        "unit_work:reply",
        UNIT,
        {
            "reply_class": "A",
            "text": "经研究，已将幸福小区列入2027年老旧小区改造计划，同步加装电梯。",
            "version": "0",
        },
        kept=("经研究，已将幸福小区列入2027年老旧小区改造计划，同步加装电梯。",),
        ids=_suggestion(ASSIGNED),
        page=UNIT_DETAIL,
        context=("reply_form",),
    ),
    FormCase(
        "unit_work:return",
        UNIT,
        {"version": str(SEEN), "reason": "电梯加装补贴属于区财政局职责，建议改交区财政局办理。"},
        kept=("电梯加装补贴属于区财政局职责，建议改交区财政局办理。",),
        ids=_suggestion(ASSIGNED),
        page=UNIT_DETAIL,
        context=("return_form",),
        setup=_returnable_then_changed,
    ),
    FormCase(
        "unit_work:opinion",
        UNIT,
        {"version": str(SEEN), "opinion": "我局同意加装电梯，可在规划审批上开辟绿色通道。"},
        kept=("我局同意加装电梯，可在规划审批上开辟绿色通道。",),
        ids=_suggestion(ASSIGNED),
        page=UNIT_DETAIL,
        context=("opinion_form",),
        setup=_co_handling_then_changed,
    ),
    # Solved before the day of the reply (2026-10-20).
    FormCase(
        "unit_work:solved",
        UNIT,
        {
            "solved_on": "2026-10-08",
            "note": "两部电梯已完成安装并通过特种设备验收，投入使用。",
            "version": "0",
        },
        kept=("2026-10-08", "两部电梯已完成安装并通过特种设备验收，投入使用。"),
        ids=_suggestion(ASSIGNED),
        page=UNIT_DETAIL,
        context=("solved_form",),
        setup=_replied_being_solved,
    ),
]

# Pages that take a POST with nothing typed into them, and why.
BUTTONS: dict[str, str] = {
    "my_suggestions:submit": "the Send to the committee button: only the page's hidden version",
    "my_suggestions:attachment_remove": "the Remove button beside an attachment",
}
