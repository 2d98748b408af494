"""A quarter of volunteer activities across the demo district (loop 3).

About nine weeks behind and four ahead of today: activities from the library in every compound
and at community level, sign-ups from the compound's volunteers and members (some waitlisted,
some cancelled late, some no-shows), check-in times and confirmed hours for the past ones, a
few records still awaiting confirmation, an activity under way today in the demo compound, and
needs on the board. Deterministic (fixed seed) and bulk-written: a few seconds.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from haolinju.activities.models import (
    Activity,
    ActivityItem,
    ActivityScope,
    ActivityStatus,
    CheckinMethod,
    Need,
    NeedKind,
    NeedStatus,
    RecordStatus,
    ServiceRecord,
    Signup,
    SignupStatus,
)
from haolinju.activities.services.certificates import new_number
from haolinju.org.models import Area, AreaKind
from haolinju.people.models import Member, Person, Volunteer

SEED = 20_251_001
PAST_DAYS, FUTURE_DAYS = 63, 28
PLACES = {"compound": (8, 20), "community": (20, 40)}
PLACES_BY_CATEGORY = {
    "policy": ["社区党群服务中心", "小区议事亭", "党员活动室"],
    "service": ["小区广场", "好邻居工作站", "社区卫生服务站门口"],
    "environment": ["各楼栋楼道", "小区垃圾分类投放点", "小区绿化带"],
    "safety": ["小区大门岗亭", "小区周边道路", "地下车库"],
    "culture": ["小区文化广场", "社区文体活动室", "小区凉亭"],
}
HOURS = (8, 9, 14, 15, 19)
WISHES = (
    ("帮独居老人更换楼道灯泡", NeedKind.WISH),
    ("为留守儿童辅导暑期作业", NeedKind.WISH),
    ("陪同行动不便老人去医院复查", NeedKind.WISH),
    ("清理3栋楼顶堆积杂物", NeedKind.DUTY),
    ("周末值守垃圾分类投放点", NeedKind.DUTY),
    ("协助核对小区电动车充电桩使用情况", NeedKind.DUTY),
)


def _local(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def seed(*, stdout=None) -> dict[str, int]:
    rng = random.Random(SEED)
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["district", "secretary"])}
    district_user = users.get("district") or User.objects.filter(is_superuser=True).first()
    secretary = users.get("secretary")
    if district_user is None:
        return {}
    demo_person = Person.objects.filter(user__username="volunteer").first()
    secretary_person = Person.objects.filter(user=secretary).first() if secretary else None
    items = list(ActivityItem.objects.select_related("category", "current"))
    compounds = list(Area.objects.filter(kind=AreaKind.COMPOUND).order_by("path"))
    communities = list(Area.objects.filter(kind=AreaKind.COMMUNITY).order_by("path"))
    home = None
    if secretary_person is not None:
        home = next((c for c in compounds if secretary_person.area_path.startswith(c.path)), None)
    # Who serves where: volunteers and members, by compound
    pool: dict[str, list[int]] = {c.path: [] for c in compounds}
    servers = Person.objects.filter(
        Q(pk__in=Volunteer.objects.values("person_id"))
        | Q(pk__in=Member.objects.values("person_id"))
    ).values_list("pk", "area_path")
    lengths = sorted({len(p) for p in pool})
    for pk, path in servers:
        for n in lengths:
            if path[:n] in pool:
                pool[path[:n]].append(pk)
                break
    if home is not None and demo_person is not None and demo_person.pk not in pool[home.path]:
        pool[home.path].append(demo_person.pk)
    today = timezone.localdate()
    now = timezone.now()
    plans: list[tuple[Activity, list[int]]] = []
    for compound in compounds:
        people = pool[compound.path]
        if len(people) < 3:
            continue
        organiser = secretary if compound == home and secretary else district_user
        count = 14 if compound == home else rng.randint(4, 9)
        for _ in range(count):
            plans.append(
                _plan(rng, items, compound, ActivityScope.COMPOUND, organiser, today, now, people)
            )
    for community in communities:
        people = [pk for c in compounds if c.path.startswith(community.path) for pk in pool[c.path]]
        if len(people) < 5:
            continue
        for _ in range(rng.randint(1, 3)):
            plans.append(
                _plan(
                    rng,
                    items,
                    community,
                    ActivityScope.COMMUNITY,
                    district_user,
                    today,
                    now,
                    people,
                )
            )
    if home is not None and secretary is not None and pool[home.path]:
        plans.append(_today(items, home, secretary, now, pool[home.path], demo_person))
    Activity.objects.bulk_create([a for a, _ in plans], batch_size=500)
    signups, records = [], []
    for activity, people in plans:
        s, r = _participation(rng, activity, people, now, demo_person)
        signups += s
        records += r
    Signup.objects.bulk_create(signups, batch_size=2000)
    Activity.objects.bulk_update([a for a, _ in plans], ["confirmed_count"], batch_size=500)
    ServiceRecord.objects.bulk_create(records, batch_size=2000)
    needs = _needs(rng, compounds, home, secretary or district_user, now)
    Need.objects.bulk_create(needs)
    _certificate(demo_person, secretary or district_user, home, today)
    corrections = _corrections(home, secretary)
    counts = {
        "activities": len(plans),
        "signups": len(signups),
        "records": len(records),
        "minutes": sum(r.minutes for r in records if r.status == RecordStatus.CONFIRMED),
        "needs": len(needs),
        "corrections": corrections,
    }
    if stdout is not None:
        stdout.write(
            f"志愿活动：{counts['activities']} 场，报名 {counts['signups']} 人次，"
            f"服务时长 {counts['minutes'] // 60} 小时\n"
        )
    return counts


def _plan(rng, items, area, scope, organiser, today, now, people) -> tuple[Activity, list[int]]:
    item = rng.choice(items)
    version = item.current
    version.item = item  # already loaded: no query per activity later
    day = today + dt.timedelta(days=rng.randint(-PAST_DAYS, FUTURE_DAYS))
    starts = _local(day, rng.choice(HOURS))
    ends = starts + dt.timedelta(minutes=version.default_minutes)
    low, high = PLACES["community" if scope == ActivityScope.COMMUNITY else "compound"]
    places = rng.randint(low, high)
    if ends < now - dt.timedelta(days=14):
        status = ActivityStatus.ARCHIVED
    elif ends < now:
        status = ActivityStatus.FINISHED
    elif rng.random() < 0.04:
        status = ActivityStatus.CANCELLED
    else:
        status = ActivityStatus.PUBLISHED
    activity = Activity(
        item_version=version,
        title=f"{area.name}·{version.name}",
        description=f"{version.name}，欢迎党员和志愿者报名参加。{version.points_rule}。",
        scope=scope,
        area=area,
        area_path=area.path,
        place=f"{area.name}{rng.choice(PLACES_BY_CATEGORY[item.category.code])}",
        starts_at=starts,
        ends_at=ends,
        places=places,
        skills=version.skills,
        organiser=organiser,
        signup_closes_at=starts,
        status=status,
        cancel_reason="天气原因，活动顺延" if status == ActivityStatus.CANCELLED else "",
        is_duty=item.category.code in ("environment", "safety") and rng.random() < 0.3,
    )
    return activity, people


def _today(items, home, secretary, now, people, demo_person) -> tuple[Activity, list[int]]:
    item = next(i for i in items if i.code == "env.stairwell")
    item.current.item = item
    starts = now.replace(second=0, microsecond=0) - dt.timedelta(minutes=30)
    activity = Activity(
        item_version=item.current,
        title=f"{home.name}·楼道清洁（今日）",
        description="清理楼道杂物、擦拭扶手，请自带手套。",
        scope=ActivityScope.COMPOUND,
        area=home,
        area_path=home.path,
        place=f"{home.name}1栋楼道",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        places=12,
        organiser=secretary,
        status=ActivityStatus.ONGOING,
        walk_ins=True,
    )
    ordered = [p for p in people if p != getattr(demo_person, "pk", None)]
    if demo_person is not None:
        ordered.insert(0, demo_person.pk)
    return activity, ordered


def _participation(rng, activity, people, now, demo_person):
    """Sign-ups in arrival order; for past activities check-in times and confirmed hours."""
    signups, records = [], []
    wanted = min(len(people), activity.places + rng.randint(-4, 3))
    chosen = list(people[:1]) if activity.status == ActivityStatus.ONGOING else []
    rest = [p for p in people if p not in chosen]
    chosen += rng.sample(rest, max(0, min(len(rest), wanted - len(chosen))))
    if demo_person is not None and demo_person.pk in people and demo_person.pk not in chosen:
        if rng.random() < 0.6:
            chosen.append(demo_person.pk)
    confirmed = 0
    past = activity.ends_at < now
    scheduled = activity.scheduled_minutes
    category = activity.item_version.item.category.code
    for seq, person_id in enumerate(chosen, 1):
        status = SignupStatus.CONFIRMED if confirmed < activity.places else SignupStatus.WAITLISTED
        cancelled = status == SignupStatus.CONFIRMED and rng.random() < 0.05
        signup = Signup(
            activity=activity,
            person_id=person_id,
            area_path=activity.area_path,
            status=SignupStatus.CANCELLED if cancelled else status,
            seq=seq,
            cancelled_at=activity.starts_at - dt.timedelta(hours=1) if cancelled else None,
            late_cancel=cancelled,
        )
        signups.append(signup)
        if status != SignupStatus.CONFIRMED or cancelled:
            continue
        confirmed += 1
        if activity.status == ActivityStatus.CANCELLED:
            continue
        if past and rng.random() < 0.08 and person_id != getattr(demo_person, "pk", None):
            continue  # a no-show
        if not past and activity.status != ActivityStatus.ONGOING:
            continue
        checked_in = activity.starts_at - dt.timedelta(minutes=rng.randint(0, 15))
        if activity.status == ActivityStatus.ONGOING:
            if seq > 5:
                continue
            records.append(
                _record(activity, person_id, category, checked_in, None, RecordStatus.OPEN, 0)
            )
            continue
        stay = max(20, scheduled - rng.randint(0, 25))
        checked_out = activity.starts_at + dt.timedelta(minutes=stay)
        recent = activity.ends_at > now - dt.timedelta(days=3)
        status_ = RecordStatus.PENDING if recent and rng.random() < 0.5 else RecordStatus.CONFIRMED
        minutes = stay if status_ == RecordStatus.CONFIRMED else 0
        records.append(
            _record(activity, person_id, category, checked_in, checked_out, status_, minutes, stay)
        )
    activity.confirmed_count = confirmed
    return signups, records


def _record(activity, person_id, category, checked_in, checked_out, status, minutes, actual=0):
    return ServiceRecord(
        activity=activity,
        person_id=person_id,
        area_path=activity.area_path,
        category_code=category,
        item_code=activity.item_version.item.code,
        service_date=timezone.localdate(activity.starts_at),
        checked_in_at=checked_in,
        checked_out_at=checked_out,
        method=CheckinMethod.VENUE_CODE,
        status=status,
        actual_minutes=actual,
        minutes=minutes,
        delta_minutes=minutes,
        confirmed_by=activity.organiser if status == RecordStatus.CONFIRMED else None,
        confirmed_at=checked_out if status == RecordStatus.CONFIRMED else None,
    )


def _needs(rng, compounds, home, poster, now) -> list[Need]:
    needs = []
    chosen = ([home] if home else []) + rng.sample(compounds, min(8, len(compounds)))
    for compound in chosen:
        for title, kind in rng.sample(WISHES, 3):
            needs.append(
                Need(
                    kind=kind,
                    area=compound,
                    area_path=compound.path,
                    title=title,
                    description="",
                    posted_by=poster,
                    status=NeedStatus.OPEN,
                )
            )
    return needs


CORRECTION_REASONS = [
    "签退时手机没电，实际服务到活动结束",
    "提前到场布置场地，签到晚了",
    "活动延长了半小时，组织者口头确认过",
]


def _corrections(home, secretary) -> int:
    """Open correction requests on the secretary's review desk: residents of the home compound
    with an account ask for more minutes on a recent confirmed record (one answered too)."""
    from haolinju.activities.models import CorrectionRequest, CorrectionStatus

    if home is None or secretary is None:
        return 0
    rows = list(
        ServiceRecord.objects.filter(
            area_path__startswith=home.path,
            status=RecordStatus.CONFIRMED,
            corrects__isnull=True,
            activity__organiser=secretary,
            person__user__isnull=False,
        )
        .select_related("person")
        .order_by("-service_date", "id")[:40]
    )
    seen, chosen = set(), []
    for r in rows:
        if r.person_id not in seen:
            seen.add(r.person_id)
            chosen.append(r)
    opened = chosen[: len(CORRECTION_REASONS)]
    answered = next((r for r in rows if r not in opened), None)
    requests = []
    for i, r in enumerate([*opened, *([answered] if answered else [])]):
        done = i == len(opened)
        requests.append(
            CorrectionRequest(
                record=r,
                area_path=r.area_path,
                requested_by_id=r.person.user_id,
                requested_minutes=min(1440, r.minutes + 20 + 10 * i),
                reason=CORRECTION_REASONS[i % len(CORRECTION_REASONS)],
                status=CorrectionStatus.REJECTED if done else CorrectionStatus.OPEN,
                answer="签到签退记录与现场名单一致" if done else "",
                answered_by=secretary if done else None,
                answered_at=timezone.now() if done else None,
            )
        )
    CorrectionRequest.objects.bulk_create(requests)
    return len(requests)


def _certificate(person, issuer, home, today) -> None:
    from django.db.models import Sum

    from haolinju.activities.models import Certificate

    if person is None or home is None:
        return
    minutes = ServiceRecord.objects.filter(person=person, status=RecordStatus.CONFIRMED).aggregate(
        m=Sum("delta_minutes")
    )["m"]
    if not minutes:
        return
    Certificate.objects.create(
        number=new_number(today),
        person=person,
        area_path=person.area_path,
        volunteer_name=person.name,
        id_type="居民身份证",
        id_number_masked=person.id_number_masked,
        volunteer_number=getattr(getattr(person, "volunteer", None), "volunteer_number", ""),
        minutes=minutes,
        content="本季度参加小区志愿服务",
        issuer_name=f"{home.name}综合党支部",
        issuer_in_charge=str(issuer),
        handling_officer=str(issuer),
        issuer_contact="0713-8356000",
        issued_on=today,
        issued_by=issuer,
    )
