"""Demo cases: a few hundred service orders, problem reports and mediation cases across the
demo district, in every state, with their timelines, ratings and whistles — deterministic
(fixed seed) and written in bulk so seeding stays fast.

The demo accounts get something to do: the resident has requests in several states (one
waiting for a rating), the secretary's board has new and overdue cases, the member has orders
to accept and finish, the department has whistles to report in and back.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from haolinju.cases.models import (
    AgreementSignature,
    AgreementStatus,
    Case,
    CaseKind,
    Category,
    CloseReason,
    FollowUpOutcome,
    FollowUpStatus,
    FollowUpVisit,
    MediationAgreement,
    MediationDetail,
    MediationSession,
    MicroReview,
    OrderType,
    ProblemReportDetail,
    Rating,
    ServiceOrderDetail,
    SessionStatus,
    Status,
    Summons,
    state_type_of,
)
from haolinju.core.calendar import due_at
from haolinju.core.models import AuditEvent
from haolinju.core.scope import path_ids, subtree_q
from haolinju.org.models import Area, AreaKind, Organisation, OrgKind
from haolinju.people.models import Member, Person, Volunteer

SEED = 20_251_201
PER_COMPOUND = 5
DEMO_COMPOUND_CASES = 40

TEXTS: dict[str, list[tuple[str, str]]] = {
    "repair": [
        ("厨房水管漏水", "厨房水槽下的水管接头一直滴水，地上积了一滩水，家里只有两位老人。"),
        ("卫生间灯不亮", "卫生间的灯泡换了还是不亮，可能是线路问题，想请懂电的师傅看看。"),
        ("门锁坏了", "入户门锁芯卡住，钥匙转不动，每次开门都很费劲。"),
    ],
    "elderly_help": [
        ("帮忙买药", "老伴腿脚不便，想请人帮忙到社区药店买降压药，每周一次。"),
        ("陪老人理发", "90岁的父亲行动不便，希望有志愿者周末陪他去理发。"),
        ("独居老人探访", "楼上王奶奶独居，最近几天没见她下楼，麻烦去看看。"),
    ],
    "escort": [("陪同就医", "下周二要去市中心医院复查，子女在外地，想请人陪同挂号取药。")],
    "micro_wish": [
        ("孩子想要一套课外书", "孩子上四年级，喜欢看科普书，家里条件有限，希望能有一套。"),
        ("想学用智能手机", "想学会用手机挂号和视频通话，希望有人教一教。"),
    ],
    "proxy_errand": [
        ("代办医保卡", "老人的医保卡丢了，想请人帮忙到政务中心补办。"),
        ("代缴燃气费", "不会用手机缴费，麻烦帮忙代缴这个月的燃气费。"),
        ("帮办居住证明", "孩子上学需要居住证明，上班没时间去社区开。"),
    ],
    "emergency_help": [("老人摔倒需要帮助", "楼下李大爷在楼道摔倒了，家里没人，请尽快来人。")],
    "ebike_charging": [
        ("楼道飞线充电", "3栋有人从窗户拉电线给电动车充电，晚上很危险，建议增设充电桩。"),
        ("电动车停楼道", "单元楼道里停了好几辆电动车，堵住了消防通道。"),
    ],
    "parking": [
        ("小区停车难", "晚上回来根本找不到车位，外来车辆随便停，希望规划更多车位。"),
        ("消防通道被占", "小区主干道两侧停满车，消防车进不来。"),
    ],
    "litter": [
        ("垃圾堆放无人清理", "2栋旁边的垃圾点堆了好几天，味道很大，招来很多蚊蝇。"),
        ("建筑垃圾乱堆", "有住户装修后把建筑垃圾堆在绿化带里。"),
    ],
    "water": [("停水没有通知", "今天早上突然停水，没有提前通知，什么时候恢复？")],
    "lighting": [
        ("路灯不亮", "小区东门到4栋之间的路灯坏了一个多月，晚上走路很黑。"),
        ("楼道声控灯坏了", "1单元三楼到五楼的声控灯都不亮了。"),
    ],
    "noise": [("夜间施工噪音", "隔壁工地晚上十一点还在施工，吵得孩子睡不着。")],
    "facilities": [("健身器材损坏", "广场上的健身器材扶手松动，老人锻炼时很危险。")],
    "neighbour_dispute": [
        ("楼上漏水纠纷", "楼上卫生间漏水到我家天花板，协商多次没有结果。"),
        ("占用公共楼道", "邻居在楼道堆放杂物，沟通后仍不清理，影响通行。"),
    ],
    "property_dispute": [("物业费争议", "电梯经常停运，业主认为物业服务不到位，拒交物业费。")],
    "family_dispute": [("赡养老人矛盾", "兄弟几人对老母亲的赡养费分摊有分歧，需要调解。")],
}
NOTES = {
    "dispatch": "已派给就近党员，请尽快联系居民。",
    "accept": "已接单，马上联系。",
    "start": "已上门查看。",
    "resolve": "已处理完毕，居民确认。",
    "decline": "本周在外地，无法上门。",
}
COMMENTS = [
    "师傅很热心，谢谢！",
    "处理很及时。",
    "还可以，希望以后更快一些。",
    "问题没有彻底解决。",
]
# final state -> weight
FINALS = {
    "submitted": 10,
    "dispatched": 10,
    "declined": 3,
    "accepted": 7,
    "in_progress": 10,
    "resolved": 10,
    "rated": 20,
    "closed_fixed": 18,
    "closed_unfixed": 12,
}
PATHS = {
    "submitted": [],
    "dispatched": ["dispatch"],
    "declined": ["dispatch", "decline"],
    "accepted": ["dispatch", "accept"],
    "in_progress": ["dispatch", "accept", "start"],
    "resolved": ["dispatch", "accept", "start", "resolve"],
    "rated": ["dispatch", "accept", "start", "resolve", "rate"],
    "closed_fixed": ["dispatch", "accept", "start", "resolve", "rate", "finish"],
    "closed_unfixed": ["close"],
}
TARGETS = {
    "dispatch": Status.DISPATCHED,
    "decline": Status.DECLINED,
    "accept": Status.ACCEPTED,
    "start": Status.IN_PROGRESS,
    "resolve": Status.RESOLVED,
    "rate": Status.RATED,
    "finish": Status.CLOSED,
    "close": Status.CLOSED,
}


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Seeder:
    def __init__(self, now: dt.datetime):
        self.rng = random.Random(SEED)
        self.now = now
        self.categories = {c.code: c for c in Category.objects.all()}
        self.cases: list[Case] = []
        self.plans: list[tuple[Case, str, list[tuple[str, dt.datetime]], dict]] = []

    def plan(self, compound: Area, people: list, helpers: list, final: str | None = None, **kw):
        rng = self.rng
        code = kw.get("code") or rng.choice(list(TEXTS))
        category = self.categories[code]
        title, description = rng.choice(TEXTS[code])
        requester = kw.get("requester") or rng.choice(people)
        final = final or _weighted(rng, FINALS)
        open_final = final in ("submitted", "dispatched", "declined", "accepted", "in_progress")
        days = rng.randint(0, 6) if open_final else rng.randint(3, 85)
        created = self.now - dt.timedelta(days=days, hours=rng.randint(1, 10))
        steps, t = [], created
        for action in PATHS[final]:
            t = min(t + dt.timedelta(hours=rng.randint(1, 30)), self.now - dt.timedelta(minutes=5))
            steps.append((action, t))
        assignee = kw.get("assignee") or (rng.choice(helpers) if helpers else None)
        kind = category.kind
        case = Case(
            kind=kind,
            category=category,
            title=title,
            description=description,
            area_id=compound.pk if kind != CaseKind.SERVICE_ORDER else requester.area_id,
            area_path=compound.path if kind != CaseKind.SERVICE_ORDER else requester.area_path,
            requester_id=requester.pk,
            owner_area_id=compound.pk,
            owner_area_path=compound.path,
            created_at=created,
            resolve_due_at=due_at(created, category.resolve_within),
        )
        self._finish(case, final, steps, assignee)
        who = {"assignee": assignee, "requester": requester, "people": people}
        self.plans.append((case, final, steps, who))

    def _finish(self, case: Case, final: str, steps, assignee) -> None:
        status = Status.SUBMITTED
        category = case.category
        last = case.created_at
        step, due = "dispatch", due_at(case.created_at, category.dispatch_within)
        for action, at in steps:
            status, last = TARGETS[action], at
            if action == "dispatch":
                case.assignee_person_id = assignee.pk if assignee else None
                step, due = "accept", due_at(at, category.accept_within)
            elif action == "decline":
                case.decline_count += 1
                step, due = "dispatch", due_at(at, category.dispatch_within)
            elif action in ("accept", "start"):
                step, due = "resolve", case.resolve_due_at
            elif action == "resolve":
                case.resolved_at, step, due = at, "", None
            elif action in ("finish", "close"):
                case.closed_at, step, due = at, "", None
        if final == "closed_fixed":
            case.close_reason = CloseReason.FIXED
        elif final == "closed_unfixed":
            case.close_reason = self.rng.choice(
                [CloseReason.WITHDRAWN, CloseReason.NOT_RESPONSIBLE, CloseReason.UNABLE]
            )
        case.status = status
        case.state_type = state_type_of(status, case.close_reason)
        case.step, case.due_at = step, due
        case.next_check_at = due
        if due is not None and due < self.now and step != "accept":
            case.overdue_stage = 1 if self.rng.random() < 0.5 else 0
        case.updated_at = last

    def write(self, users_by_person: dict[int, int]) -> dict[str, int]:
        cases = Case.objects.bulk_create([p[0] for p in self.plans])
        details, events, ratings = [], [], []
        extras = _Extras(self.rng, self.now, users_by_person)
        for case, _final, steps, who in self.plans:
            if case.kind == CaseKind.SERVICE_ORDER:
                order_type = {
                    "micro_wish": OrderType.MICRO_WISH,
                    "proxy_errand": OrderType.PROXY_ERRAND,
                }.get(case.category.code, OrderType.HELP)
                details.append(ServiceOrderDetail(case=case, order_type=order_type))
            elif case.kind == CaseKind.PROBLEM_REPORT:
                fixed = case.state_type == "fixed" and case.category.fixed_metric
                details.append(
                    ProblemReportDetail(
                        case=case,
                        public=True,
                        anonymous=self.rng.random() < 0.3,
                        supports=self.rng.randint(0, 12),
                        fixed_quantity=self.rng.randint(2, 20) if fixed else 0,
                        rectification_result="已完成整改，居民代表现场验收。" if fixed else "",
                    )
                )
            else:
                parties = [f"{who['requester'].name}（申请人）", self.rng.choice(PARTY_NAMES)]
                details.append(MediationDetail(case=case, parties=parties))
                extras.mediation(case, parties, steps, who)
            if case.kind == CaseKind.PROBLEM_REPORT and case.status in REVIEWABLE:
                extras.reviews(case, who["people"])
            requester_user = users_by_person.get(who["requester"].pk)
            events.append(self._event(case, "case.submit", case.created_at, requester_user,
                                      "", Status.SUBMITTED, case.title))  # fmt: skip
            state = Status.SUBMITTED
            for action, at in steps:
                target = TARGETS[action]
                actor = requester_user if action == "rate" else None
                if action in ("accept", "start", "resolve", "decline") and who["assignee"]:
                    actor = users_by_person.get(who["assignee"].pk)
                events.append(
                    self._event(
                        case, f"case.{action}", at, actor, state, target, NOTES.get(action, "")
                    )
                )
                state = target
                if action == "rate":
                    score = self.rng.choices([5, 4, 3, 2], weights=[55, 25, 12, 8])[0]
                    ratings.append(
                        Rating(
                            case=case,
                            rated_by_id=case.requester_id,
                            contacted=self.rng.random() < 0.92,
                            solved="yes" if score >= 4 else self.rng.choice(["partly", "no"]),
                            score=score,
                            comment=COMMENTS[min(3, 5 - score)],
                            area_path=case.area_path,
                            assignee_person_id=case.assignee_person_id,
                            created_at=at,
                        )
                    )
        for model in (ServiceOrderDetail, ProblemReportDetail, MediationDetail):
            model.objects.bulk_create([d for d in details if isinstance(d, model)])
        made = AuditEvent.objects.bulk_create(events)  # insert-only: dated as they are written
        Rating.objects.bulk_create(ratings)
        counts = extras.write()
        return {"cases": len(cases), "events": len(made), "ratings": len(ratings), **counts}

    @staticmethod
    def _event(case, action, at, actor_id, before, after, note) -> AuditEvent:
        event = AuditEvent(
            actor_id=actor_id,
            action=action,
            target_type="cases.case",
            target_id=case.pk,
            area_path=case.area_path,
            from_state=before,
            to_state=after,
            note=note,
            created_at=at,
        )
        return event


PARTY_NAMES = ["楼上住户王先生", "隔壁住户刘女士", "物业公司", "对门住户陈先生", "二儿子张某"]
REVIEWABLE = (Status.RESOLVED, Status.RATED)
VERDICTS = {"satisfied": 60, "partly": 25, "not": 15}
REVIEW_COMMENTS = ["整改很及时，点赞。", "比以前好多了。", "希望长期保持。", "还有一处没改好。", ""]


class _Extras:
    """Mediation sessions, agreements, signatures and visits, and the residents' micro-reviews,
    planned per case and written in bulk (their timeline entries too)."""

    def __init__(self, rng: random.Random, now: dt.datetime, users_by_person: dict[int, int]):
        self.rng, self.now, self.users = rng, now, users_by_person
        self.sessions: list[MediationSession] = []
        self.agreements: list[tuple[MediationAgreement, list[str]]] = []
        self.visits: list[FollowUpVisit] = []
        self.reviews_rows: list[MicroReview] = []
        self.events: list[AuditEvent] = []

    def _event(self, case, action, at, actor_id, note=""):
        self.events.append(
            AuditEvent(
                actor_id=actor_id, action=action, target_type="cases.case", target_id=case.pk,
                area_path=case.area_path, from_state=case.status, to_state=case.status,
                note=note, created_at=at,
            )
        )  # fmt: skip

    def mediation(self, case: Case, parties: list[str], steps, who) -> None:
        accepted = next((at for action, at in steps if action == "accept"), None)
        if accepted is None:
            return
        mediator = who["assignee"]
        actor = self.users.get(mediator.pk) if mediator else None
        held = case.resolved_at is not None or self.rng.random() < 0.5
        at = accepted + dt.timedelta(hours=self.rng.randint(2, 30))
        if at > self.now:
            at = self.now - dt.timedelta(minutes=30)
        self.sessions.append(
            MediationSession(
                case=case, area_path=case.area_path, scheduled_at=at, place="小区议事厅",
                mediator_id=mediator.pk if mediator else None,
                status=SessionStatus.HELD if held else SessionStatus.SCHEDULED,
                held_at=at if held else None, parties_present=parties if held else [],
                summary="双方当面陈述，调解员释法说理，双方各让一步。" if held else "",
            )
        )  # fmt: skip
        self._event(case, "case.session_scheduled", accepted, actor, "小区议事厅")
        if held:
            self._event(case, "case.session_hold", at, actor, "双方当面陈述，各让一步。")
        if case.resolved_at is None:
            return
        signed = min(at + dt.timedelta(hours=2), case.resolved_at)
        agreement = MediationAgreement(
            case=case, area_path=case.area_path, status=AgreementStatus.SIGNED,
            text="经调解，双方自愿达成如下协议：责任方于十五日内完成修缮并承担费用，"
                 "另一方予以配合，双方不再就此事争执。",
            parties=parties, created_at=signed, signed_at=signed,
        )  # fmt: skip
        self.agreements.append((agreement, parties))
        self._event(case, "case.agreement_in_force", signed, actor)
        done = case.status != Status.RESOLVED
        due = timezone.localdate(case.resolved_at) + dt.timedelta(days=14)
        self.visits.append(
            FollowUpVisit(
                case=case, area_path=case.area_path, due_on=due,
                visitor_id=mediator.pk if mediator else None,
                status=FollowUpStatus.DONE if done else FollowUpStatus.SCHEDULED,
                visited_at=case.resolved_at + dt.timedelta(days=3) if done else None,
                outcome=FollowUpOutcome.HOLDING if done else "",
                note="双方均表示协议已履行，邻里关系缓和。" if done else "",
            )
        )  # fmt: skip

    def reviews(self, case: Case, people: list) -> None:
        reviewers = [p for p in people if p.pk != case.requester_id]
        for person in self.rng.sample(reviewers, min(len(reviewers), self.rng.randint(2, 7))):
            self.reviews_rows.append(
                MicroReview(
                    case=case, person_id=person.pk, round=case.reopen_count,
                    verdict=_weighted(self.rng, VERDICTS), comment=self.rng.choice(REVIEW_COMMENTS),
                    area_path=case.area_path, created_at=case.resolved_at or self.now,
                )
            )  # fmt: skip

    def write(self) -> dict[str, int]:
        MediationSession.objects.bulk_create(self.sessions)
        agreements = MediationAgreement.objects.bulk_create([a for a, _p in self.agreements])
        AgreementSignature.objects.bulk_create(
            AgreementSignature(agreement=a, party=party, signed_at=a.signed_at)
            for a, (_x, parties) in zip(agreements, self.agreements, strict=True)
            for party in parties
        )
        FollowUpVisit.objects.bulk_create(self.visits)
        MicroReview.objects.bulk_create(self.reviews_rows)
        AuditEvent.objects.bulk_create(sorted(self.events, key=lambda e: e.created_at))
        return {
            "mediation_sessions": len(self.sessions),
            "agreements": len(agreements),
            "micro_reviews": len(self.reviews_rows),
        }


def seed_cases(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Create the demo cases (call once, after the demo district and accounts exist)."""
    now = now or timezone.now()
    seeder = _Seeder(now)
    User = get_user_model()
    accounts = {
        u.username: u
        for u in User.objects.filter(
            username__in=["resident", "member", "volunteer", "secretary", "department"]
        )
    }
    persons = {p.user_id: p for p in Person.objects.filter(user__in=accounts.values())}

    def person_of(name):
        user = accounts.get(name)
        return persons.get(user.pk) if user else None

    resident, member = person_of("resident"), person_of("member")
    home = None
    if resident is not None:
        home = Area.objects.filter(
            pk__in=path_ids(resident.area_path), kind=AreaKind.COMPOUND
        ).first()
    compounds = list(Area.objects.filter(kind=AreaKind.COMPOUND).order_by("path"))
    for compound in compounds:
        is_home = home is not None and compound.pk == home.pk
        people = list(Person.objects.filter(subtree_q([compound.path])).order_by("id")[:60])
        helper_ids = set(
            Member.objects.filter(subtree_q([compound.path])).values_list("person_id", flat=True)[
                :20
            ]
        ) | set(
            Volunteer.objects.filter(subtree_q([compound.path])).values_list(
                "person_id", flat=True
            )[:20]
        )
        helpers = [p for p in people if p.pk in helper_ids] or people[:3]
        if not people:
            continue
        count = DEMO_COMPOUND_CASES if is_home else PER_COMPOUND
        for _ in range(count):
            seeder.plan(compound, people, helpers)
        if is_home:
            for final in ("submitted", "resolved", "rated", "in_progress"):
                seeder.plan(compound, people, helpers, final, requester=resident, code="repair")
            if member is not None:
                for final in ("dispatched", "dispatched", "accepted", "in_progress", "rated"):
                    seeder.plan(compound, people, helpers, final, assignee=member)
            for code in ("ebike_charging", "lighting", "parking"):
                seeder.plan(compound, people, helpers, "closed_fixed", code=code)
            for code in ("lighting", "litter"):  # waiting for the residents' micro-review
                seeder.plan(compound, people, helpers, "resolved", code=code)
            if member is not None:  # the member mediates: one running, one resolved
                for final in ("in_progress", "resolved"):
                    seeder.plan(compound, people, helpers, final, assignee=member,
                                code="neighbour_dispute")  # fmt: skip
    users_by_person = dict(Person.objects.filter(user__isnull=False).values_list("pk", "user_id"))
    counts = seeder.write(users_by_person)
    counts["summonses"] = _whistles(now, home)
    return counts


def _whistles(now: dt.datetime, home: Area | None) -> int:
    """The department account's department is summoned to a few open problem reports."""
    department = Organisation.objects.filter(
        kind=OrgKind.DEPARTMENT, positions__person__user__username="department"
    ).first()
    if department is None:
        return 0
    open_reports = Case.objects.filter(kind=CaseKind.PROBLEM_REPORT, state_type="open")
    if home is not None:
        open_reports = open_reports.filter(subtree_q([home.path]))
    rows = []
    for k, case in enumerate(open_reports.order_by("id")[:6]):
        whistled = now - dt.timedelta(hours=6 + 20 * k)
        due = due_at(whistled, case.category.report_in_within)
        reported_in = whistled + dt.timedelta(hours=3) if k % 2 else None
        back_due = due_at(reported_in, case.category.report_back_within) if reported_in else None
        rows.append(
            Summons(
                case=case,
                organisation=department,
                area_path=case.area_path,
                status="reported_in" if reported_in else "whistled",
                note="超出小区能力范围，请职能部门到场处置。",
                whistled_at=whistled,
                report_in_due_at=due,
                reported_in_at=reported_in,
                report_back_due_at=back_due,
                due_at=back_due or due,
                next_check_at=back_due or due,
            )
        )
    Summons.objects.bulk_create(rows)
    return len(rows)
