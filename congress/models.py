"""The tenant (Congress), the people who use it (User, Membership) and its background jobs."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from congress.history import scoped_history
from congress.password_validation import PASSWORD_FLOOR_CLASSES, PASSWORD_FLOOR_LENGTH

phone_validator = RegexValidator(r"^1\d{10}$", _("Enter an 11-digit mobile number."))
region_code_validator = RegexValidator(r"^\d{6}(\d{3})?$", _("Enter a 6 or 9 digit region code."))


class User(AbstractUser):
    """A person who signs in. Chinese names are not split, so there is one name field."""

    first_name = None
    last_name = None
    full_name = models.CharField(_("name"), max_length=50, blank=True)
    phone = models.CharField(
        _("mobile number"),
        max_length=11,
        blank=True,
        validators=[phone_validator],
        help_text=_("Deputies sign in with their mobile number."),
    )
    # Accounts that staff create get a password someone else typed: it is changed at first sign-in.
    must_change_password = models.BooleanField(_("must change password"), default=False)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=~models.Q(phone=""), name="user_phone_unique"
            )
        ]

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.get_full_name()

    def __str__(self) -> str:
        return self.get_full_name()


class CongressLevel(models.TextChoices):
    NATIONAL = "national", _("national")
    PROVINCIAL = "provincial", _("provincial")
    CITY = "city", _("city")
    COUNTY = "county", _("county or district")
    TOWNSHIP = "township", _("township")
    SUBDISTRICT = "subdistrict", _("subdistrict working committee")


def default_reminder_days() -> list[int]:
    return [30, 15, 7, 3]


def default_reply_classes() -> list[dict[str, str]]:
    return [
        {"code": "A", "name": "所提问题已经解决或者采纳"},
        {"code": "B", "name": "所提问题正在解决或者列入计划逐步解决"},
        {"code": "C", "name": "所提问题因目前条件限制或者其他原因需要以后解决，留作参考"},
    ]


class Congress(models.Model):
    """One standing committee, township congress or subdistrict working committee: the tenant."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(
        _("identifier"),
        max_length=50,
        unique=True,
        help_text=_("Lower-case letters, digits and hyphens; it appears in every address."),
    )
    level = models.CharField(_("level"), max_length=20, choices=CongressLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent congress"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    region_code = models.CharField(
        _("region code"), max_length=9, blank=True, validators=[region_code_validator]
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # Settings the law leaves to each committee.
    reply_deadline_months = models.PositiveSmallIntegerField(
        _("reply deadline (months)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text=_("Months from assignment within which a handling unit must reply."),
    )
    reply_deadline_max_months = models.PositiveSmallIntegerField(
        _("longest reply deadline with extension (months)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    rehandling_deadline_months = models.PositiveSmallIntegerField(
        _("re-handling deadline (months)"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
    )
    voter_message_reply_working_days = models.PositiveSmallIntegerField(
        _("voter message reply deadline (working days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    motion_min_cosigners = models.PositiveSmallIntegerField(
        _("co-signers a motion needs"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Deputies besides the leading one who must confirm before a motion is sent."),
    )
    co_handling_opinion_months = models.PositiveSmallIntegerField(
        _("co-handling opinion deadline (months)"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_(
            "Months from assignment within which a co-handling unit gives the lead unit "
            "its opinion."
        ),
    )
    unit_return_working_days = models.PositiveSmallIntegerField(
        _("days to return a wrong assignment (working days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    suggestion_reminder_days = models.JSONField(
        _("reminder days before the due date"),
        default=default_reminder_days,
        help_text=_(
            "Handling units are reminded this many days before a reply is due, "
            "and when it is overdue."
        ),
    )
    reply_classes = models.JSONField(
        _("reply classes"),
        default=default_reply_classes,
        help_text=_("The classes a handling unit gives its reply, in order (A/B/C or 甲/乙/丙)."),
    )

    # The password policy, set by the security administrator: stricter than the platform's
    # floor (congress.password_validation), never looser. A person in several congresses
    # follows the strictest of them.
    password_min_length = models.PositiveSmallIntegerField(
        _("shortest password (characters)"),
        default=PASSWORD_FLOOR_LENGTH,
        validators=[MinValueValidator(PASSWORD_FLOOR_LENGTH), MaxValueValidator(64)],
    )
    password_min_classes = models.PositiveSmallIntegerField(
        _("kinds of characters a password uses"),
        default=PASSWORD_FLOOR_CLASSES,
        validators=[MinValueValidator(PASSWORD_FLOOR_CLASSES), MaxValueValidator(4)],
        help_text=_("Of lower-case letters, capital letters, digits and symbols."),
    )

    history = scoped_history(scope_field="id")

    class Meta:
        verbose_name = _("congress")
        verbose_name_plural = _("congresses")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def reply_class_codes(self) -> list[str]:
        return [item["code"] for item in self.reply_classes]

    @property
    def solved_reply_class(self) -> str:
        """The first class means solved or adopted: the A-class rate counts it."""
        return self.reply_classes[0]["code"]

    @property
    def follow_up_reply_class(self) -> str:
        """The second class means being solved: such replies stay on the follow-up list."""
        return self.reply_classes[1]["code"]

    def clean(self) -> None:
        super().clean()
        normal, longest = self.reply_deadline_months, self.reply_deadline_max_months
        if normal and longest and longest < normal:
            raise ValidationError(
                {
                    "reply_deadline_max_months": _(
                        "The longest deadline cannot be shorter than the normal one."
                    )
                }
            )
        validate_reply_classes(self.reply_classes)
        validate_reminder_days(self.suggestion_reminder_days)
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A congress cannot be its own parent.")})


def validate_reply_classes(value) -> None:
    message = _("Reply classes must be a list of at least two classes, each with a code and name.")
    if not isinstance(value, list) or len(value) < 2:
        raise ValidationError({"reply_classes": message})
    codes = set()
    for item in value:
        if not isinstance(item, dict) or set(item) != {"code", "name"}:
            raise ValidationError({"reply_classes": message})
        code, name = str(item["code"]).strip(), str(item["name"]).strip()
        if not code or not name or len(code) > 4 or len(name) > 100:
            raise ValidationError({"reply_classes": message})
        if code in codes:
            raise ValidationError({"reply_classes": _("Reply class codes must be unique.")})
        codes.add(code)


def validate_reminder_days(value) -> None:
    message = _("Reminder days must be a list of whole numbers of days between 1 and 180.")
    if not isinstance(value, list) or len(value) > 10:
        raise ValidationError({"suggestion_reminder_days": message})
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int) or not 1 <= item <= 180:
            raise ValidationError({"suggestion_reminder_days": message})


class Role(models.TextChoices):
    # Separation of duties (三员分立): the committee administrator is the system administrator
    # (accounts and settings), the security administrator grants roles, unlocks accounts and sets
    # the password policy, the auditor reads the audit log and nothing else.
    COMMITTEE_ADMIN = "committee_admin", _("committee administrator")
    SECURITY_ADMIN = "security_admin", _("security administrator")
    AUDITOR = "auditor", _("security auditor")
    COMMITTEE_STAFF = "committee_staff", _("committee staff")
    STATION_STAFF = "station_staff", _("station staff")
    UNIT_LIAISON = "unit_liaison", _("handling unit liaison")
    LEADER = "leader", _("leader")
    DEPUTY = "deputy", _("deputy")


class Membership(models.Model):
    """A user's role in one congress. A user may belong to several congresses."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["congress", "user"], name="membership_unique_user")
        ]
        indexes = [models.Index(fields=["user", "congress"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")


class JobRun(models.Model):
    """One run of a background job for a congress: the page polls it for progress.

    A JobRun is itself the record of who started what and when, so it carries no history table.
    """

    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.CASCADE, related_name="job_runs"
    )
    task_name = models.CharField(_("task"), max_length=200)
    label = models.CharField(_("job"), max_length=100)
    status = models.CharField(
        _("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_by = models.ForeignKey(
        User, verbose_name=_("started by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ScopedManager(congress="congress")

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["congress", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED}


class CalendarOverride(models.Model):
    """A congress's own word on one date: a holiday or make-up workday the package does not know
    yet (the coming year's, before the State Council announces them), or a local day off."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.CASCADE, related_name="+"
    )
    date = models.DateField(_("date"))
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "date"], name="calendar_override_unique")
        ]

    def __str__(self) -> str:
        kind = _("working day") if self.is_working_day else _("day off")
        return f"{self.date.isoformat()} {kind}"


class Notification(models.Model):
    """An in-app notice for one person (the bell); other channels are sent from the same record.

    A notice is its own record of what was said to whom and when, so it keeps no history.
    """

    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    body = models.CharField(_("text"), max_length=500, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # The same reminder is never sent twice: e.g. "message-due-soon:42".
    dedupe_key = models.CharField(_("key"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = ScopedManager(congress="congress")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "congress", "read_at"], name="notification_unread_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "user", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_dedupe",
            )
        ]

    def __str__(self) -> str:
        return self.title


class AuditEvent(models.Model):
    """One line of the audit log: who did what, when, from where, and whether it succeeded.

    Append-only: the application never changes or deletes a line except the retention job
    (congress.audit.audit_prune). Events of a person (signing in) are written once for every
    congress they belong to, so each congress's auditor sees them under its own scope.
    The action is validated against congress.audit.AuditAction in code rather than by field
    choices, so new kinds of event need no migration.
    """

    congress = models.ForeignKey(
        Congress,
        verbose_name=_("congress"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    # Kept as typed: a failed sign-in names an account that may not exist, and users may go.
    username = models.CharField(_("account"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=40)
    success = models.BooleanField(_("succeeded"), default=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    target_type = models.CharField(_("object type"), max_length=100, blank=True)
    target_id = models.CharField(_("object"), max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = ScopedManager(congress="congress")

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["congress", "-created_at"], name="audit_congress_time_idx"),
            models.Index(fields=["congress", "action", "-created_at"], name="audit_action_idx"),
            models.Index(fields=["congress", "user", "-created_at"], name="audit_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValidationError(_("The audit log cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The audit log cannot be changed."))

    @property
    def action_label(self) -> str:
        from congress.audit import AuditAction

        return str(dict(AuditAction.choices).get(self.action, self.action))


class UserSession(models.Model):
    """A signed-in session of a user, for the list of their sessions and "sign out elsewhere".

    Not a tenant row: a session belongs to the person, whichever congresses they belong to.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="user_sessions"
    )
    session_key = models.CharField(_("session"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("signed in at"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-last_seen_at"]
        indexes = [models.Index(fields=["user", "ended_at"], name="user_session_open_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"
