"""A deputy suggestion or motion and its lifecycle, from the draft to the deputy's last rating.

draft → submitted → accepted (or returned to the deputy, or turned into a letter for reference)
→ assigned → replied → closed; an unsatisfied first rating reopens it for re-handling, whose
reply is rated once more and then closes it. The transitions below are the only way the status
changes; `suggestions.lifecycle.apply` runs them, checks the role each names, and records who,
when and why as a SuggestionEvent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from django_scopes import ScopedManager

from congress.history import scoped_history
from congress.models import Congress
from deputies.models import Deputy


class SuggestionKind(models.TextChoices):
    SUGGESTION = "suggestion", _("suggestion")
    MOTION = "motion", _("motion")


class SuggestionSource(models.TextChoices):
    OWN_RESEARCH = "own_research", _("the deputy's own research")
    VOTER_MESSAGE = "voter_message", _("a voter message")
    STATION_VISIT = "station_visit", _("a station visit")
    HOTLINE = "hotline", _("a hotline work order (12345)")
    PROCURATORATE = "procuratorate", _("a procuratorate public-interest clue")
    ATTENDEE = "attendee", _("an attendee's proposal")


class SuggestionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned to the deputy")
    WITHDRAWN = "withdrawn", _("withdrawn")
    LETTER = "letter", _("turned into a letter for reference")
    ACCEPTED = "accepted", _("accepted")
    ASSIGNED = "assigned", _("being handled")
    REPLIED = "replied", _("replied, awaiting the deputy's rating")
    REHANDLING = "rehandling", _("being handled again")
    CLOSED = "closed", _("closed")


# Waiting for a handling unit's reply: the statuses that have a due date and can be overdue.
HANDLING_STATUSES = (SuggestionStatus.ASSIGNED, SuggestionStatus.REHANDLING)
# What committee staff read: everything ever submitted, and drafts entered from paper.
STAFF_VISIBLE = models.Q(submitted_at__isnull=False) | models.Q(from_paper=True)
# The staff list's supervision order: what units are handling first, by due date, then the
# rest. The list orders by these very expressions and the supervision index is built on them,
# so a page of the list reads its 50 rows from the index instead of sorting every suggestion.
SUPERVISION_FIRST = models.Case(
    models.When(status__in=HANDLING_STATUSES, then=models.Value(0)), default=models.Value(1)
)
SUPERVISION_DUE = models.Case(
    models.When(status__in=HANDLING_STATUSES, then=models.F("due_on")),
    output_field=models.DateField(),
)
# Still in the deputy's hands.
DEPUTY_STATUSES = (SuggestionStatus.DRAFT, SuggestionStatus.RETURNED)
# Finished, one way or another.
FINAL_STATUSES = (SuggestionStatus.CLOSED, SuggestionStatus.LETTER, SuggestionStatus.WITHDRAWN)
# Counted as received by the committee (everything submitted at least once).
RECEIVED_STATUSES = tuple(
    status
    for status in SuggestionStatus.values
    if status not in (SuggestionStatus.DRAFT, SuggestionStatus.WITHDRAWN)
)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("basically satisfied")
    UNSATISFIED = "unsatisfied", _("unsatisfied")


SATISFIED_RATINGS = (Rating.SATISFIED, Rating.BASICALLY_SATISFIED)


def _may(permission: str):
    """A transition's role check: the acting user's membership must hold `permission`."""

    def check(instance: Suggestion, user) -> bool:
        from congress.permissions import membership_can
        from congress.selectors import membership_for

        membership = membership_for(user=user, congress=instance.congress)
        return membership_can(membership, permission, instance)

    return check


class Suggestion(models.Model):
    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    kind = models.CharField(
        _("type"), max_length=20, choices=SuggestionKind.choices, default=SuggestionKind.SUGGESTION
    )
    session = models.ForeignKey(
        "suggestions.CongressSession",
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
        help_text=_("Empty for a suggestion made in recess."),
    )
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"), max_length=20000)
    category = models.ForeignKey(
        "suggestions.SuggestionCategory",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    source = models.CharField(
        _("source"),
        max_length=20,
        choices=SuggestionSource.choices,
        default=SuggestionSource.OWN_RESEARCH,
    )
    source_message = models.ForeignKey(
        "liaison.VoterMessage",
        verbose_name=_("source voter message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    source_reception = models.ForeignKey(
        "liaison.ReceptionDay",
        verbose_name=_("source station visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    source_reference = models.CharField(
        _("source reference"),
        max_length=100,
        blank=True,
        help_text=_("A work order or clue number, or the attendee who made the proposal."),
    )
    lead_deputy = models.ForeignKey(
        Deputy,
        verbose_name=_("leading deputy"),
        on_delete=models.PROTECT,
        related_name="led_suggestions",
    )
    status = FSMField(
        _("status"),
        max_length=20,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.DRAFT,
        protected=False,
    )
    # Raised by every write; a form posts the version it showed, so a stale edit is refused.
    version = models.PositiveIntegerField(_("version"), default=0)
    series = models.CharField(_("number series"), max_length=40, blank=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("handled together with"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged",
    )
    from_paper = models.BooleanField(_("entered from paper"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    return_reason = models.CharField(_("reason for returning"), max_length=500, blank=True)
    # 1 for the first handling, 2 for the re-handling after an unsatisfied rating.
    round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    due_on = models.DateField(_("reply due"), null=True, blank=True)
    # The first round's due date and reply date, kept for the on-time statistics.
    first_due_on = models.DateField(_("first reply due"), null=True, blank=True)
    first_replied_on = models.DateField(_("first replied on"), null=True, blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    reply_class = models.CharField(_("reply class"), max_length=4, blank=True)
    follow_up_done_on = models.DateField(_("reported solved on"), null=True, blank=True)
    first_rating = models.CharField(
        _("first rating"), max_length=20, choices=Rating.choices, blank=True
    )
    final_rating = models.CharField(
        _("final rating"), max_length=20, choices=Rating.choices, blank=True
    )
    is_key = models.BooleanField(_("key supervision"), default=False)
    key_leading_official = models.CharField(_("leading official"), max_length=100, blank=True)
    key_supervisor = models.CharField(_("supervising committee leader"), max_length=100, blank=True)
    joint_supervision = models.BooleanField(_("joint supervision"), default=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager(congress="congress")
    history = scoped_history(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["congress", "status", "due_on"], name="suggestion_due_idx"),
            models.Index(fields=["congress", "lead_deputy"], name="suggestion_deputy_idx"),
            models.Index(fields=["congress", "-created_at"], name="suggestion_created_idx"),
            models.Index(fields=["congress", "session", "kind"], name="suggestion_session_idx"),
            models.Index(
                models.F("congress"),
                SUPERVISION_FIRST,
                SUPERVISION_DUE,
                models.F("created_at").desc(),
                models.F("id").desc(),
                condition=STAFF_VISIBLE,
                name="suggestion_supervision_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "series", "number"],
                condition=models.Q(number__isnull=False),
                name="suggestion_number_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number_display} {self.title}" if self.number else self.title

    @property
    def number_display(self) -> str:
        if not self.number:
            return ""
        if self.kind == SuggestionKind.MOTION:
            return _("Motion No. %(number)s") % {"number": self.number}
        return _("No. %(number)s") % {"number": self.number}

    @property
    def is_in_recess(self) -> bool:
        return self.session_id is None

    @property
    def is_handling(self) -> bool:
        return self.status in HANDLING_STATUSES

    def is_overdue(self, today=None) -> bool:
        return (
            self.is_handling
            and self.due_on is not None
            and self.due_on < (today or timezone.localdate())
        )

    # --- The lifecycle. `suggestions.lifecycle.apply` calls these; services fill the rest. -------

    @transition(
        field=status,
        source=[SuggestionStatus.DRAFT, SuggestionStatus.RETURNED],
        target=SuggestionStatus.SUBMITTED,
        permission=_may("suggestions.edit_suggestion"),
    )
    def submit(self) -> None:
        self.submitted_at = timezone.now()
        self.return_reason = ""

    @transition(
        field=status,
        source=[SuggestionStatus.DRAFT, SuggestionStatus.SUBMITTED, SuggestionStatus.RETURNED],
        target=SuggestionStatus.WITHDRAWN,
        permission=_may("suggestions.edit_suggestion"),
    )
    def withdraw(self) -> None:
        pass

    @transition(
        field=status,
        source=SuggestionStatus.SUBMITTED,
        target=SuggestionStatus.RETURNED,
        permission=_may("suggestions.process_suggestions"),
    )
    def return_to_deputy(self, *, reason: str) -> None:
        self.return_reason = reason

    @transition(
        field=status,
        source=SuggestionStatus.SUBMITTED,
        target=SuggestionStatus.ACCEPTED,
        permission=_may("suggestions.process_suggestions"),
    )
    def accept(self, *, series: str, number: int) -> None:
        self.series = series
        self.number = number
        self.accepted_at = timezone.now()

    @transition(
        field=status,
        source=SuggestionStatus.SUBMITTED,
        target=SuggestionStatus.LETTER,
        permission=_may("suggestions.process_suggestions"),
    )
    def make_letter(self) -> None:
        self.closed_at = timezone.now()

    @transition(
        field=status,
        source=SuggestionStatus.ACCEPTED,
        target=SuggestionStatus.ASSIGNED,
        permission=_may("suggestions.process_suggestions"),
    )
    def assign(self, *, assigned_on, due_on) -> None:
        self.assigned_on = assigned_on
        self.due_on = due_on

    @transition(
        field=status,
        source=list(HANDLING_STATUSES),
        target=SuggestionStatus.REPLIED,
        permission=_may("suggestions.handle_suggestion"),
    )
    def reply(self, *, replied_on, reply_class: str) -> None:
        if self.round == 1:
            self.first_due_on = self.due_on
            self.first_replied_on = replied_on
        self.replied_on = replied_on
        self.reply_class = reply_class
        self.follow_up_done_on = None

    @transition(
        field=status,
        source=SuggestionStatus.REPLIED,
        target=SuggestionStatus.CLOSED,
        permission=_may("suggestions.rate_suggestion"),
    )
    def close_rated(self, *, rating: str) -> None:
        if self.round == 1:
            self.first_rating = rating
        self.final_rating = rating
        self.closed_at = timezone.now()

    @transition(
        field=status,
        source=SuggestionStatus.REPLIED,
        target=SuggestionStatus.REHANDLING,
        conditions=[lambda suggestion: suggestion.round == 1],
        permission=_may("suggestions.rate_suggestion"),
    )
    def reopen(self, *, due_on) -> None:
        """An unsatisfied first rating: handled again, under joint supervision, by a new date."""
        self.first_rating = Rating.UNSATISFIED
        self.final_rating = Rating.UNSATISFIED
        self.round = 2
        self.due_on = due_on
        self.joint_supervision = True

    @transition(
        field=status,
        source=SuggestionStatus.REPLIED,
        target=SuggestionStatus.CLOSED,
        permission=_may("suggestions.process_suggestions"),
    )
    def close_unrated(self) -> None:
        """Staff close a reply the deputy never rated."""
        self.closed_at = timezone.now()


class CosignerStatus(models.TextChoices):
    INVITED = "invited", _("waiting for confirmation")
    CONFIRMED = "confirmed", _("confirmed")
    DECLINED = "declined", _("declined")


class SuggestionCosigner(models.Model):
    """A deputy who co-signs (附议); counted only once they confirm on their phone."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("suggestion"), on_delete=models.CASCADE, related_name="cosigners"
    )
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("deputy"), on_delete=models.PROTECT, related_name="cosigned"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CosignerStatus.choices, default=CosignerStatus.INVITED
    )
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("co-signer")
        verbose_name_plural = _("co-signers")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "deputy"], name="cosigner_unique")
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id} · {self.deputy}"


class SuggestionAttachment(models.Model):
    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    suggestion = models.ForeignKey(
        Suggestion,
        verbose_name=_("suggestion"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to="suggestions/%Y/%m/")
    name = models.CharField(_("file name"), max_length=150)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class SuggestionEvent(models.Model):
    """One step in a suggestion's life: who, when, what (from which status to which) and why.

    Rows are only ever added, so the table is its own history.
    """

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("suggestion"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(
        _("from"), max_length=20, choices=SuggestionStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=SuggestionStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when the system acted (a reminder) or a deputy used a tokened link."),
    )
    note = models.CharField(_("note"), max_length=1000, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    objects = ScopedManager(congress="congress")

    class Meta:
        verbose_name = _("suggestion event")
        verbose_name_plural = _("suggestion events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["suggestion", "at"], name="suggestion_event_idx")]

    def __str__(self) -> str:
        return f"{self.suggestion_id} {self.action}"
