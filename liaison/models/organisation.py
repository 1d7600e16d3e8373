"""Deputy groups and liaison stations: how deputies are organised and where they meet voters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from congress.history import scoped_history
from congress.models import Congress
from deputies.models import Deputy, new_public_token


class GroupKind(models.TextChoices):
    REGIONAL = "regional", _("regional group")
    PROFESSIONAL = "professional", _("professional group")


class DeputyGroup(models.Model):
    """代表小组: regional (a township or street) or professional (an industry or field)."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=GroupKind.choices)
    area = models.CharField(
        _("area or field"),
        max_length=100,
        blank=True,
        help_text=_("The township or street of a regional group, the field of a professional one."),
    )
    description = models.TextField(_("description"), blank=True)
    leader = models.ForeignKey(
        Deputy,
        verbose_name=_("group leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_groups",
    )
    deputies = models.ManyToManyField(
        Deputy, through="GroupMembership", related_name="deputy_groups", verbose_name=_("members")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("deputy group")
        verbose_name_plural = _("deputy groups")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "name"], name="group_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    """A deputy in a group; a deputy may be in several groups."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    group = models.ForeignKey(
        DeputyGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="memberships"
    )
    deputy = models.ForeignKey(
        Deputy,
        verbose_name=_("deputy"),
        on_delete=models.CASCADE,
        related_name="group_memberships",
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.UniqueConstraint(fields=["group", "deputy"], name="group_member_unique")
        ]
        indexes = [models.Index(fields=["deputy", "group"], name="group_member_deputy_idx")]

    def __str__(self) -> str:
        return f"{self.group} · {self.deputy}"


class StationKind(models.TextChoices):
    DEPUTY_HOME = "deputy_home", _("deputy home")
    LIAISON_STATION = "liaison_station", _("liaison station")
    CONTACT_POINT = "contact_point", _("grassroots contact point")
    LEGISLATIVE_POINT = "legislative_point", _("legislative contact point")


class LiaisonStation(models.Model):
    """代表之家 / 代表联络站 / 基层联系点 / 立法联系点: a place where deputies meet voters."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.CASCADE, related_name="stations"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=30, choices=StationKind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=30, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    deputies = models.ManyToManyField(
        Deputy,
        through="StationDeputy",
        related_name="stations",
        verbose_name=_("deputies receiving here"),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="StationStaff",
        related_name="liaison_stations",
        verbose_name=_("station staff"),
    )
    public_token = models.CharField(
        _("public page token"), max_length=64, unique=True, default=new_public_token, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("liaison station")
        verbose_name_plural = _("liaison stations")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "name"], name="station_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class StationDeputy(models.Model):
    """A deputy who receives voters at a station."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    station = models.ForeignKey(
        LiaisonStation,
        verbose_name=_("station"),
        on_delete=models.CASCADE,
        related_name="deputy_links",
    )
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("deputy"), on_delete=models.CASCADE, related_name="station_links"
    )

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("station deputy")
        verbose_name_plural = _("station deputies")
        constraints = [
            models.UniqueConstraint(fields=["station", "deputy"], name="station_deputy_unique")
        ]
        indexes = [models.Index(fields=["deputy", "station"], name="station_deputy_deputy_idx")]

    def __str__(self) -> str:
        return f"{self.station} · {self.deputy}"


class StationStaff(models.Model):
    """A station staff account that works at (and audits for) a station."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    station = models.ForeignKey(
        LiaisonStation,
        verbose_name=_("station"),
        on_delete=models.CASCADE,
        related_name="staff_links",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="station_staff_links",
    )

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("station staff member")
        verbose_name_plural = _("station staff members")
        constraints = [
            models.UniqueConstraint(fields=["station", "user"], name="station_staff_unique")
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.user}"


# The nine-point standard (九有) that committees check their stations against; each congress
# starts from it and may edit its own list.
NINE_POINT_STANDARD = [
    ("1", "有固定场所", "有相对固定、便于群众出入的活动场所"),
    ("2", "有标识标牌", "有统一规范的标识和门牌"),
    ("3", "有工作制度", "接待、学习、议事等制度上墙"),
    ("4", "有活动计划", "有年度和季度活动计划"),
    ("5", "有进站代表", "有明确的进站代表名单和接待安排"),
    ("6", "有专人负责", "有专门的工作人员负责日常工作"),
    ("7", "有工作台账", "活动、接待、办理情况记录完整"),
    ("8", "有经费保障", "有必要的工作经费"),
    ("9", "有活动成效", "反映的问题有处理、有反馈"),
]


class StationStandard(models.Model):
    """One point of a congress's station standard (the nine-point 九有 by default)."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    code = models.CharField(_("number"), max_length=10)
    title = models.CharField(_("standard"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("station standard")
        verbose_name_plural = _("station standards")
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "code"], name="station_standard_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class StationStandardCheck(models.Model):
    """Whether a station meets one point of the standard, as last checked."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    station = models.ForeignKey(
        LiaisonStation,
        verbose_name=_("station"),
        on_delete=models.CASCADE,
        related_name="standard_checks",
    )
    standard = models.ForeignKey(
        StationStandard, verbose_name=_("standard"), on_delete=models.CASCADE, related_name="checks"
    )
    is_met = models.BooleanField(_("met"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("station standard check")
        verbose_name_plural = _("station standard checks")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "standard"], name="station_standard_check_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.standard}"
