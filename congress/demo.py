"""Demo data for the tenant app: two committees from the reports, with a person in every role."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from congress.models import Congress, CongressLevel, Membership, Role, User

DEMO_PASSWORD = "Lvzhi-demo-2026"  # noqa: S105 - printed for the demo on purpose

# Xiangcheng (Xiangyang) and Shiguai (Baotou) both publish their deputies' work figures.
CONGRESSES = [
    {
        "slug": "xiangcheng",
        "name": "襄阳市襄城区人大常委会",
        "level": CongressLevel.COUNTY,
        "region_code": "420602",
    },
    {
        "slug": "shiguai",
        "name": "包头市石拐区人大常委会",
        "level": CongressLevel.COUNTY,
        "region_code": "150205",
    },
]


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    role: str
    phone: str = ""


PEOPLE = {
    "xiangcheng": [
        DemoPerson("xc-admin", "周建国", Role.COMMITTEE_ADMIN),
        DemoPerson("xc-security", "吴振华", Role.SECURITY_ADMIN),
        DemoPerson("xc-auditor", "郑淑芬", Role.AUDITOR),
        DemoPerson("xc-staff", "李晓燕", Role.COMMITTEE_STAFF),
        DemoPerson("xc-station", "王秀兰", Role.STATION_STAFF),
        DemoPerson("xc-unit", "陈志强", Role.UNIT_LIAISON),
        DemoPerson("xc-leader", "刘德明", Role.LEADER),
        DemoPerson("13971000001", "张桂芳", Role.DEPUTY, "13971000001"),
    ],
    "shiguai": [
        DemoPerson("sg-admin", "赵海军", Role.COMMITTEE_ADMIN),
        DemoPerson("sg-security", "白玉山", Role.SECURITY_ADMIN),
        DemoPerson("sg-auditor", "韩秀英", Role.AUDITOR),
        DemoPerson("sg-staff", "孙丽娟", Role.COMMITTEE_STAFF),
        DemoPerson("sg-station", "高永福", Role.STATION_STAFF),
        DemoPerson("sg-unit", "马红梅", Role.UNIT_LIAISON),
        DemoPerson("sg-leader", "郭文斌", Role.LEADER),
        DemoPerson("15847000001", "乌兰", Role.DEPUTY, "15847000001"),
    ],
}
# One person works in both committees, to show the choice after signing in.
BOTH = DemoPerson("inspector", "黄立新", Role.LEADER)


def _user(person: DemoPerson) -> User:
    user, created = User.objects.get_or_create(
        username=person.username,
        defaults={"full_name": person.full_name, "phone": person.phone},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _member(congress: Congress, person: DemoPerson) -> Membership:
    user = _user(person)
    with scope(congress=congress):
        membership, _created = Membership.objects.update_or_create(
            congress=congress, user=user, defaults={"role": person.role, "is_active": True}
        )
    return membership


@transaction.atomic
def seed() -> list[tuple[str, str, str, str]]:
    """Create or refresh the demo; returns (congress, role, username, name) rows to print."""
    logins = []
    admin, created = User.objects.get_or_create(
        username="platform", defaults={"full_name": "平台管理员", "is_staff": True}
    )
    if created:
        admin.is_superuser = True
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    logins.append(("—", str(_("platform administrator")), admin.username, admin.full_name))
    for values in CONGRESSES:
        congress, _created = Congress.objects.update_or_create(
            slug=values["slug"], defaults={key: v for key, v in values.items() if key != "slug"}
        )
        for person in [*PEOPLE[congress.slug], BOTH]:
            membership = _member(congress, person)
            logins.append(
                (congress.name, membership.get_role_display(), person.username, person.full_name)
            )
    return logins
