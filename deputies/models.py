"""The roster: deputies of every level organised in a congress's area, and their status changes."""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from pypinyin import lazy_pinyin

from congress.history import scoped_history
from congress.masking import mask_phone
from congress.models import Congress, phone_validator

# The 56 ethnic groups as the roster writes them; the import checks against this list.
ETHNICITIES = (
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
)


class DeputyLevel(models.TextChoices):
    NATIONAL = "national", _("national deputy")
    PROVINCIAL = "provincial", _("provincial deputy")
    CITY = "city", _("city deputy")
    COUNTY = "county", _("county deputy")
    TOWNSHIP = "township", _("township deputy")


class Gender(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class Party(models.TextChoices):
    CPC = "cpc", _("Communist Party of China")
    MASSES = "masses", _("no party affiliation (masses)")
    RCCK = "rcck", _("China Revolutionary Committee of the Kuomintang")
    CDL = "cdl", _("China Democratic League")
    CNDCA = "cndca", _("China National Democratic Construction Association")
    CAPD = "capd", _("China Association for Promoting Democracy")
    CPWDP = "cpwdp", _("Chinese Peasants' and Workers' Democratic Party")
    ZGD = "zgd", _("China Zhi Gong Party")
    JIUSAN = "jiusan", _("Jiusan Society")
    TDSGL = "tdsgl", _("Taiwan Democratic Self-Government League")
    INDEPENDENT = "independent", _("non-party personage")


class OccupationClass(models.TextChoices):
    WORKER = "worker", _("worker")
    FARMER = "farmer", _("farmer")
    PROFESSIONAL = "professional", _("professional and technical")
    OFFICIAL = "official", _("party and government official")
    BUSINESS = "business", _("enterprise manager")
    MILITARY = "military", _("armed forces")
    OTHER = "other", _("other")


class DeputyStatus(models.TextChoices):
    SERVING = "serving", _("serving")
    RESIGNED = "resigned", _("resigned")
    REMOVED = "removed", _("removed")
    TERM_ENDED = "term_ended", _("term ended")


def validate_birth_date(value) -> None:
    if not date(1900, 1, 1) <= value <= date.today():
        raise ValidationError(_("Enter a real birth date."), code="birth_date")


def new_public_token() -> str:
    # 32 bytes of randomness: the token is the only thing guarding a deputy's public page.
    return secrets.token_urlsafe(32)


# Surnames read differently from the same character in ordinary words (曾 is zeng, not ceng).
SURNAME_PINYIN = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "区": "ou",
    "覃": "qin",
    "缪": "miao",
    "翟": "zhai",
    "盖": "ge",
    "乐": "yue",
    "召": "shao",
    "尉": "yu",
    "万": "wan",
    "沈": "shen",
    "重": "chong",
    "种": "chong",
    "员": "yun",
    "秘": "bi",
    "繁": "po",
}


def name_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a Chinese name, lower case, for search and ordering."""
    syllables = lazy_pinyin(name, errors="ignore")
    if name and name[0] in SURNAME_PINYIN and syllables:
        syllables[0] = SURNAME_PINYIN[name[0]]
    initials = [syllable[0] for syllable in syllables if syllable]
    return "".join(syllables).lower(), "".join(initials).lower()


class Deputy(models.Model):
    """A deputy on the congress's roster, of any level, with an optional account to sign in."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.CASCADE, related_name="deputies"
    )
    name = models.CharField(_("name"), max_length=50)
    name_pinyin = models.CharField(_("name in pinyin"), max_length=200, editable=False)
    name_initials = models.CharField(_("pinyin initials"), max_length=50, editable=False)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    ethnicity = models.CharField(
        _("ethnicity"), max_length=10, choices=[(e, e) for e in ETHNICITIES], default="汉族"
    )
    birth_date = models.DateField(
        _("birth date"), null=True, blank=True, validators=[validate_birth_date]
    )
    party = models.CharField(_("party"), max_length=20, choices=Party.choices, blank=True)
    occupation_class = models.CharField(
        _("occupation class"), max_length=20, choices=OccupationClass.choices, blank=True
    )
    workplace_title = models.CharField(_("workplace and title"), max_length=200, blank=True)
    phone = models.CharField(
        _("mobile number"), max_length=11, blank=True, validators=[phone_validator]
    )
    level = models.CharField(_("level"), max_length=20, choices=DeputyLevel.choices)
    term = models.PositiveSmallIntegerField(
        _("term"),
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("The number of the congress, e.g. 17 for the 17th."),
    )
    electoral_district = models.CharField(
        _("electoral district or unit"), max_length=100, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DeputyStatus.choices, default=DeputyStatus.SERVING
    )
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    photo = models.ImageField(_("photo"), upload_to="deputies/photos/", blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputy_profiles",
    )
    public_token = models.CharField(
        _("public page token"), max_length=64, unique=True, default=new_public_token, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager(congress="congress")
    history = scoped_history(excluded_fields=["name_pinyin", "name_initials", "updated_at"])

    class Meta:
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        ordering = ["name_pinyin", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "phone"],
                condition=~models.Q(phone=""),
                name="deputy_phone_unique_in_congress",
            ),
        ]
        indexes = [
            models.Index(fields=["congress", "name_pinyin", "id"], name="deputy_order_idx"),
            models.Index(fields=["congress", "name_initials"], name="deputy_initials_idx"),
            models.Index(fields=["congress", "name"], name="deputy_name_idx"),
            models.Index(fields=["congress", "status", "level"], name="deputy_status_level_idx"),
            models.Index(fields=["congress", "birth_date"], name="deputy_birth_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_pinyin()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_pinyin", "name_initials"}
        super().save(*args, **kwargs)

    def refresh_pinyin(self) -> None:
        """Derive the pinyin columns from the name (bulk writes must call this themselves)."""
        self.name_pinyin, self.name_initials = name_pinyin(self.name)

    @property
    def masked_phone(self) -> str:
        """138****5678: enough for a voter to recognise, not enough to harvest."""
        return mask_phone(self.phone)


class DeputyStatusChange(models.Model):
    """Each change of a deputy's status, with its date and reason (resignation, removal, …).

    Rows are only ever added, so the table is its own history.
    """

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    deputy = models.ForeignKey(
        Deputy,
        verbose_name=_("deputy"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(_("from"), max_length=20, choices=DeputyStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=DeputyStatus.choices)
    changed_on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager(congress="congress")

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.deputy} {self.get_from_status_display()} → {self.get_to_status_display()}"


class RosterImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("waiting for confirmation")
    COMMITTED = "committed", _("imported")
    DISCARDED = "discarded", _("discarded")


class RosterImport(models.Model):
    """An uploaded roster file: parsed and checked into a preview, then committed all at once.

    The parsed rows are kept, so confirming never needs the file again and nothing typed is lost.
    """

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    file_name = models.CharField(_("file"), max_length=255)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RosterImportStatus.choices,
        default=RosterImportStatus.PREVIEWED,
    )
    rows = models.JSONField(_("rows"), default=list)
    errors = models.JSONField(_("errors"), default=list)
    summary = models.JSONField(_("summary"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    objects = ScopedManager(congress="congress")
    history = scoped_history(excluded_fields=["rows", "errors"])

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name
