"""Demo roster: Xiangcheng's 234 deputies of mixed levels (its 2024 figure), a smaller Shiguai."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django_scopes import scope

from congress.models import Congress, User
from deputies.models import (
    Deputy,
    DeputyLevel,
    DeputyStatus,
    DeputyStatusChange,
    Gender,
    OccupationClass,
    Party,
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
)
GIVEN_FEMALE = (
    "桂芳 秀兰 海燕 红梅 玉兰 淑珍 丽娟 雪梅 秋菊 春燕 晓霞 慧敏 丹 静 敏 艳 娟 丽 婷 芳 燕 "
    "文静 佳怡 思琪 玉珍 翠英 凤英 美玲 小红 亚男"
).split()
GIVEN_MALE = (
    "建国 志强 德华 晓东 文杰 春生 国庆 卫东 家明 浩然 新民 振华 立新 明辉 永红 伟 强 磊 军 勇 "
    "涛 超 杰 斌 鹏 刚 平 辉 洪波 海军 建华 国华 宏伟 俊杰 天明 学文 兴旺 长江 汉江"
).split()

STREETS = ["真武山街道", "古城街道", "庞公街道", "檀溪街道", "隆中街道", "余家湖街道"]
TOWNS = ["欧庙镇", "卧龙镇", "尹集乡"]
VILLAGES = ["黄龙村", "双沟村", "观音阁村", "泥嘴村", "新华村", "柿铺村", "油坊岗村", "胡坡村"]
COMMUNITIES = ["铁佛寺社区", "荆州街社区", "闸口社区", "胜利街社区", "南街社区", "檀溪湖社区"]

# (occupation class, workplace and title patterns)
WORKPLACES = [
    (
        OccupationClass.OFFICIAL,
        ["襄城区{area}办事处主任", "襄城区{area}党工委书记", "{town}人民政府镇长"],
    ),
    (
        OccupationClass.OFFICIAL,
        ["襄城区市场监督管理局局长", "襄城区教育局副局长", "襄城区人民法院院长"],
    ),
    (
        OccupationClass.PROFESSIONAL,
        ["襄阳市中心医院主任医师", "襄城区第一中学校长", "襄阳市第四中学教师"],
    ),
    (
        OccupationClass.PROFESSIONAL,
        ["襄城区人民医院护士长", "湖北文理学院教授", "襄城区农业技术推广中心农艺师"],
    ),
    (
        OccupationClass.BUSINESS,
        ["湖北襄阳汉水建材有限公司董事长", "襄阳隆中文旅集团总经理", "襄阳古城食品有限公司总经理"],
    ),
    (
        OccupationClass.WORKER,
        ["襄阳汽车轴承股份有限公司车间主任", "东风襄阳工厂技术工人", "襄阳供电公司一线班组长"],
    ),
    (
        OccupationClass.FARMER,
        ["{town}{village}党支部书记", "{town}{village}种植大户", "{town}{village}村委会主任"],
    ),
    (
        OccupationClass.OTHER,
        ["{area}{community}党委书记", "{area}{community}居委会主任", "襄城区个体工商户协会会长"],
    ),
]

# Xiangcheng's roster mixes five levels; most are the district's own deputies.
LEVEL_COUNTS = {
    "xiangcheng": [
        (DeputyLevel.NATIONAL, 2, 14),
        (DeputyLevel.PROVINCIAL, 5, 14),
        (DeputyLevel.CITY, 27, 19),
        (DeputyLevel.COUNTY, 200, 17),
    ],
    "shiguai": [(DeputyLevel.CITY, 8, 17), (DeputyLevel.COUNTY, 52, 12)],
}
PHONE_PREFIX = {"xiangcheng": "139710", "shiguai": "158470"}
# The demo deputies who sign in (congress.demo creates their accounts).
SIGN_IN = {"xiangcheng": ("13971000001", "张桂芳"), "shiguai": ("15847000001", "乌兰")}
LEFT_THE_ROSTER = [
    (DeputyStatus.RESIGNED, "因工作调动，本人书面提出辞职，经常委会会议接受"),
    (DeputyStatus.RESIGNED, "因个人身体原因辞去代表职务，经常委会会议接受"),
    (DeputyStatus.RESIGNED, "连续两年履职积分排名末位，经约谈后主动辞职"),
    (DeputyStatus.REMOVED, "因违法违纪被原选区选民依法罢免"),
]


def _person(rng: random.Random) -> tuple[str, str]:
    gender = Gender.FEMALE if rng.random() < 0.32 else Gender.MALE
    given = rng.choice(GIVEN_FEMALE if gender == Gender.FEMALE else GIVEN_MALE)
    return rng.choice(SURNAMES) + given, gender


def _workplace(rng: random.Random) -> tuple[str, str]:
    occupation, patterns = rng.choice(WORKPLACES)
    text = rng.choice(patterns).format(
        area=rng.choice(STREETS),
        town=rng.choice(TOWNS),
        village=rng.choice(VILLAGES),
        community=rng.choice(COMMUNITIES),
    )
    return occupation, text


def _party(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.68:
        return Party.CPC
    if roll < 0.85:
        return Party.MASSES
    return rng.choice([Party.CDL, Party.CNDCA, Party.CAPD, Party.JIUSAN, Party.INDEPENDENT])


def _roster(slug: str) -> list[dict]:
    rng = random.Random(f"roster-{slug}")
    rows = []
    number = 0
    for level, count, term in LEVEL_COUNTS[slug]:
        for _index in range(count):
            number += 1
            name, gender = _person(rng)
            occupation, workplace = _workplace(rng)
            district = rng.choice(STREETS + TOWNS) if slug == "xiangcheng" else "石拐镇"
            rows.append(
                {
                    "phone": f"{PHONE_PREFIX[slug]}{number + 100:05d}",
                    "name": name,
                    "gender": gender,
                    "ethnicity": "蒙古族" if slug == "shiguai" and rng.random() < 0.2 else "汉族",
                    "birth_date": date(1958, 1, 1) + timedelta(days=rng.randrange(0, 13500)),
                    "party": _party(rng),
                    "occupation_class": occupation,
                    "workplace_title": workplace,
                    "level": level,
                    "term": term,
                    "electoral_district": f"第{rng.randint(1, 40)}选区（{district}）",
                }
            )
    phone, name = SIGN_IN[slug]
    rows[-1].update(phone=phone, name=name, gender=Gender.FEMALE)
    return rows


@transaction.atomic
def seed() -> None:
    for slug in LEVEL_COUNTS:
        congress = Congress.objects.filter(slug=slug).first()
        if congress is None:
            continue
        with scope(congress=congress):
            _seed_congress(congress, slug)


def _seed_congress(congress: Congress, slug: str) -> None:
    existing = set(Deputy.objects.values_list("phone", flat=True))
    for row in _roster(slug):
        if row["phone"] not in existing:
            Deputy.objects.create(congress=congress, **row)
    sign_in_phone = SIGN_IN[slug][0]
    user = User.objects.filter(username=sign_in_phone).first()
    if user is not None:
        Deputy.objects.filter(phone=sign_in_phone, user=None).update(user=user)
    if slug != "xiangcheng" or DeputyStatusChange.objects.exists():
        return
    # A few who left during the term, as Xiangcheng's report describes.
    leavers = Deputy.objects.filter(level=DeputyLevel.COUNTY).order_by("phone")[10:14]
    for (status, reason), deputy in zip(LEFT_THE_ROSTER, leavers, strict=True):
        changed_on = date(2024, 3, 1) + timedelta(days=deputy.pk % 200)
        DeputyStatusChange.objects.create(
            congress=congress,
            deputy=deputy,
            from_status=DeputyStatus.SERVING,
            to_status=status,
            changed_on=changed_on,
            reason=reason,
        )
        deputy.status = status
        deputy.status_changed_on = changed_on
        deputy.save(update_fields=["status", "status_changed_on", "updated_at"])
