"""The demo accounts: one login per role, each tied to a person of the demo district.

Every account's person has a valid mobile number, so the account also logs in by phone
(``User.phone_index`` is the phone's blind index, as in the accounts backend).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from haolinju.core.crypto import blind_index
from haolinju.core.scope import path_ids
from haolinju.org.models import Area
from haolinju.people.models import Person, Position

from .households import Someone

UNCHANGED = "(unchanged)"


@dataclass
class DemoAccount:
    username: str
    password: str  # the password set now, or "(unchanged)" when the account already existed
    role: str  # in Chinese, for the printed table
    scope: str  # home or jurisdiction, in Chinese


# username → role label (Chinese, as shown when the demo is seeded)
DEMO_ACCOUNTS: dict[str, str] = {
    "admin": "超级管理员",
    "district": "区级工作人员",
    "street": "街道工作人员",
    "community": "社区党委书记",
    "secretary": "小区党支部书记",
    "buildinghead": "楼栋长",
    "member": "党员（无职务）",
    "volunteer": "志愿者（无职务）",
    "resident": "居民",
    "property": "物业项目经理",
    "department": "职能部门工作人员",
}


def create_accounts(people: dict[str, Someone], password: str) -> list[DemoAccount]:
    """Create ``admin`` and one user per demo person; link each person to their user."""
    User = get_user_model()
    User.objects.create(
        username="admin",
        password=make_password(password),
        is_superuser=True,
        is_staff=True,
        display_name="系统管理员",
    )
    for username in DEMO_ACCOUNTS:
        if username == "admin":
            continue
        who = people[username]
        user = User.objects.create(
            username=username,
            password=make_password(password),
            display_name=who.name,
            phone_index=blind_index(who.phone, "phone"),
        )
        Person.objects.filter(pk=who.id).update(user=user)
    return existing_accounts(password=password)


def existing_accounts(*, password: str = UNCHANGED) -> list[DemoAccount]:
    """The demo accounts present in the database, in table order, described from the data."""
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_ACCOUNTS)}
    return [
        DemoAccount(username, password, role, describe(users[username]))
        for username, role in DEMO_ACCOUNTS.items()
        if username in users
    ]


def describe(user) -> str:
    """Where the account acts: its posts' areas, else its home (Chinese, for a table)."""
    if user.is_superuser:
        return "全部区域"
    person = Person.objects.filter(user=user).first()
    if person is None:
        return ""
    positions = list(Position.objects.filter(person=person).select_related("area", "organisation"))
    if len(positions) > 1 and len({p.organisation_id for p in positions}) == 1:
        org = positions[0].organisation
        return f"{org.name if org else ''}服务的{len(positions)}个小区"
    if positions:
        org = positions[0].organisation
        place = _trail(positions[0].area)
        return f"{org.name}（{place}）" if org else place
    return f"住在{_trail(person.area)}"


def _trail(area: Area) -> str:
    """黄州区 › 东湖街道 › 宝塔社区 › 宝塔花园 › 3栋 › 1单元 › 502."""
    ids = path_ids(area.path)
    by_id = {a.pk: a.name for a in Area.objects.filter(pk__in=ids)}
    return " › ".join(by_id[i] for i in ids if i in by_id)
