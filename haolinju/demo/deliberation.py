"""Demo data for the deliberation loop, in the demo secretary's compound: proposals at every
step, an owners' vote in progress (the demo resident may still vote), a certified vote with its
cost shares. Deterministic; everything goes through the services, so timelines are real."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from haolinju.deliberation.models import Vote
from haolinju.deliberation.services import costs as cost_services
from haolinju.deliberation.services import proposals as proposal_services
from haolinju.deliberation.services import votes as vote_services
from haolinju.org.models import Area, AreaKind
from haolinju.people.models import Person, Position

# (title, category, major, body, the steps taken after 提议)
PROPOSALS = [
    (
        "楼道声控灯损坏，建议统一更换",
        "wires",
        False,
        "3栋、5栋楼道声控灯多处不亮，夜间上下楼不安全。",
        [],
    ),
    (
        "小区弱电线缆杂乱，建议入管整治",
        "cables",
        False,
        "电信、联通、广电线缆在外墙乱拉，既不美观又有安全隐患，建议统一入管。",
        [
            ("discuss", ""),
            ("minutes", "联席会议：物业负责统计线缆归属，社区联系三家运营商，下月再议。"),
        ],
    ),
    (
        "增设电动自行车集中充电桩",
        "wires",
        True,
        "飞线充电屡禁不止，建议在2栋、6栋之间空地建设集中充电棚，约40个充电口。",
        [
            ("discuss", ""),
            ("minutes", "联席会议：业委会、物业、社区一致同意选址；费用由运营企业承担。"),
            ("submit_review", ""),
        ],
    ),
    (
        "燃气管道老化，申请纳入改造计划",
        "gas_lines",
        True,
        "小区燃气立管使用近三十年，多次出现漏气报修，申请纳入老旧小区改造计划。",
        [
            ("discuss", ""),
            ("minutes", "联席会议：燃气公司现场查勘，确认需更换立管。"),
            ("submit_review", ""),
            ("return", "请补充燃气公司出具的查勘报告和施工期间的安全保障措施后再报。"),
        ],
    ),
    (
        "制定《小区居民公约》",
        "convention",
        True,
        "围绕垃圾分类、文明养犬、停车秩序、邻里互助，起草本小区居民公约。",
        [
            ("discuss", ""),
            ("minutes", "联席会议：成立起草小组，征求各楼栋意见后形成草案。"),
            ("submit_review", ""),
            ("approve", "同意，草案公示十五日后提交业主大会。"),
        ],
    ),
    (
        "更换小区老化供水管道",
        "water_pipes",
        True,
        "供水管道锈蚀严重，水质发黄、经常爆管停水，建议整体更换为不锈钢管。",
        [
            ("discuss", ""),
            ("minutes", "联席会议：自来水公司出具改造方案，总造价约38.65万元。"),
            ("submit_review", ""),
            ("approve", "同意提交业主大会表决施工方案和费用分摊。"),
        ],
    ),
    (
        "1栋加装电梯",
        "elevators",
        True,
        "1栋住户老人多，上下楼困难，申请加装电梯，费用按楼层系数分摊。",
        [
            ("discuss", ""),
            ("minutes", "联席会议：设计单位现场踏勘，具备加装条件。"),
            ("submit_review", ""),
            ("approve", "同意提交1栋业主表决。"),
        ],
    ),
    (
        "小区东门增设非机动车道闸",
        "other",
        False,
        "东门人车混行，建议增设非机动车道闸。",
        [
            ("discuss", ""),
            ("minutes", "联席会议：物业提出两种方案。"),
            ("submit_review", ""),
            ("approve", "同意由业委会决议。"),
            ("resolve", "业委会决议：采用方案一，由物业在本月内实施。"),
        ],
    ),
    (
        "绿地改建停车位",
        "other",
        False,
        "建议将北侧绿地改建为停车位。",
        [
            ("discuss", ""),
            ("minutes", "联席会议：意见分歧较大。"),
            ("submit_review", ""),
            ("approve", "同意由业委会决议。"),
            ("reject", "业委会决议：不予改建，保留绿地，另行协调周边停车资源。"),
        ],
    ),
]


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _compound_of(user) -> Area | None:
    position = (
        Position.objects.filter(person__user=user, area__kind=AreaKind.COMPOUND)
        .select_related("area")
        .first()
    )
    return position.area if position else None


def seed(*, now: dt.datetime | None = None, seed: int = 5) -> dict[str, int]:
    """Create the deliberation demo in the demo secretary's compound; returns counts."""
    secretary = _user("secretary")
    compound = _compound_of(secretary) if secretary else None
    if compound is None:
        return {}
    rng = random.Random(seed)
    now = now or timezone.now()
    resident = _user("resident")
    proposer = resident or secretary
    proposals = []
    for title, category, major, body, steps in PROPOSALS:
        p = proposal_services.proposal_create(
            actor=proposer, area=compound, title=title, body=body, category=category, is_major=major
        )
        for action, note in steps:
            actor = proposer if action == "resubmit" else secretary
            proposal_services.proposal_transition(
                actor=actor, proposal_id=p.pk, action=action, note=note
            )
        proposals.append(p)
    water, elevator = proposals[5], proposals[6]

    certified = _certified_vote(secretary, compound, water, now, rng, resident)
    cost_services.cost_share_create(
        actor=secretary,
        title="供水管道改造费用分摊",
        total_fen=38_650_000,
        area=compound,
        vote=certified,
    )
    in_progress = _open_vote(secretary, compound, elevator, now, rng, resident)
    meetings, tasks = _meetings(secretary, compound, now, rng)
    _convention(secretary, compound, resident)
    _adopted_convention(secretary, compound, now, rng, resident)
    return {
        "proposals": len(proposals),
        "meetings": meetings,
        "tasks": tasks,
        "votes": 2,
        "ballots_open": in_progress.ballots.count(),
        "ballots_certified": certified.ballots.count(),
    }


def _paper_ballots(officer, vote: Vote, rng, *, share: float, yes: float, now, skip) -> None:
    """Enter paper ballots for a share of the voters (skipping the demo resident's keys)."""
    voters = list(vote.voters.prefetch_related("units").order_by("key"))
    for voter in voters:
        if voter.pk in skip or rng.random() > share:
            continue
        r = rng.random()
        choice = "for" if r < yes else ("against" if r < yes + (1 - yes) * 0.6 else "abstain")
        vote_services.ballot_cast(
            actor=officer,
            vote_id=vote.pk,
            choice=choice,
            channel="paper",
            voter_unit_id=voter.units.all()[0].unit_id,
            now=now,
        )


def _resident_keys(vote: Vote, resident) -> set[int]:
    if resident is None:
        return set()
    person = Person.objects.filter(user=resident).first()
    from haolinju.deliberation.selectors import voters_of_person

    return {v.pk for v in voters_of_person(vote, person.pk if person else None)}


def _certified_vote(officer, compound, proposal, now, rng, resident) -> Vote:
    opens = now - dt.timedelta(days=40)
    closes = now - dt.timedelta(days=26)
    vote = vote_services.vote_create(
        actor=officer,
        area=compound,
        matter_item=5,
        title="使用维修资金更换小区供水管道",
        description="施工方案：全部更换为不锈钢管，分三期施工；费用38.65万元按专有面积分摊。",
        opens_at=opens,
        closes_at=closes,
        proposal=proposal,
    )
    vote_services.vote_transition(
        actor=officer, vote_id=vote.pk, action="notice", now=opens - dt.timedelta(days=7)
    )
    vote_services.vote_transition(actor=officer, vote_id=vote.pk, action="open", now=opens)
    proposal_services.proposal_transition(
        actor=officer, proposal_id=proposal.pk, action="put_to_vote", vote_id=vote.pk
    )
    skip = _resident_keys(vote, resident)
    _paper_ballots(
        officer, vote, rng, share=0.85, yes=0.85, now=opens + dt.timedelta(days=2), skip=skip
    )
    vote_services.vote_transition(actor=officer, vote_id=vote.pk, action="close", now=closes)
    published = closes + dt.timedelta(days=1)
    vote_services.vote_transition(actor=officer, vote_id=vote.pk, action="publish", now=published)
    vote.refresh_from_db()
    vote_services.vote_transition(
        actor=officer,
        vote_id=vote.pk,
        action="certify",
        now=vote.objection_until + dt.timedelta(hours=1),
    )
    vote.refresh_from_db()
    return vote


def _open_vote(officer, compound, proposal, now, rng, resident) -> Vote:
    building = compound.children.filter(kind=AreaKind.BUILDING).order_by("sort_key", "id").first()
    scope = building or compound
    opens = now - dt.timedelta(days=3)
    vote = vote_services.vote_create(
        actor=officer,
        area=scope,
        matter_item=7,
        title=f"{scope.name}加装电梯",
        description="加装电梯一部，费用按楼层系数分摊；一楼住户不分摊。",
        opens_at=opens,
        closes_at=now + dt.timedelta(days=11),
        proposal=proposal,
    )
    vote_services.vote_transition(
        actor=officer, vote_id=vote.pk, action="notice", now=opens - dt.timedelta(days=7)
    )
    vote_services.vote_transition(actor=officer, vote_id=vote.pk, action="open", now=opens)
    proposal_services.proposal_transition(
        actor=officer, proposal_id=proposal.pk, action="put_to_vote", vote_id=vote.pk
    )
    skip = _resident_keys(vote, resident)
    _paper_ballots(officer, vote, rng, share=0.5, yes=0.8, now=now, skip=skip)
    return vote


MEETING_TOPICS = [
    ("飞线充电整治", "清理楼道飞线充电", "property_company"),
    ("垃圾分类督导", "增设两处垃圾分类投放点", "property_company"),
    ("停车秩序", "规划东门临时停车位", "property_company"),
    ("路灯维修", "修复北区6盏路灯", "department"),
    ("老年助餐", "对接社区食堂送餐上门", "partner_unit"),
    ("消防通道", "清理3栋消防通道堆物", "property_company"),
    ("下水道疏通", "疏通5栋化粪池", "department"),
    ("绿化修剪", "修剪南区高大乔木", "property_company"),
    ("文明养犬", "开展文明养犬宣传", "volunteer_team"),
    ("防汛准备", "检查地下车库排水泵", "property_company"),
    ("冬季供暖", "排查楼道水管防冻", "property_company"),
    ("年终评议", "组织居民评议物业服务", "owners_committee"),
]


def _meetings(officer, compound, now, rng) -> tuple[int, int]:
    """A year of monthly joint meetings on the last Friday, each raising one or two tasks; the
    older ones closed, the recent ones in progress, a few overdue."""
    from haolinju.deliberation.services import meetings as meeting_services
    from haolinju.org.models import Organisation

    orgs = {o.kind: o for o in Organisation.objects.filter(area=compound)}
    fallback = next(iter(orgs.values()), None) or Organisation.objects.first()
    if fallback is None:
        return 0, 0
    today = now.date()
    n_tasks = 0
    for back in range(12, 0, -1):
        year, month = today.year, today.month - back
        while month <= 0:
            year, month = year - 1, month + 12
        held = meeting_services.last_friday(year, month)
        topic, task_title, kind = MEETING_TOPICS[(month - 1) % 12]
        meeting = meeting_services.meeting_create(
            actor=officer,
            area=compound,
            held_on=held,
            agenda=f"1. {topic}\n2. 上月交办事项进展",
            minutes=f"会议围绕{topic}进行协商，明确责任单位和完成时限。",
            attendee_ids=[o.pk for o in orgs.values()][:4],
        )
        owner = orgs.get(kind, fallback)
        task = meeting_services.task_create(
            actor=officer,
            area=compound,
            title=task_title,
            owner_org=owner,
            due_on=held + dt.timedelta(days=30),
            meeting=meeting,
            milestones=["现场查看", "制定方案", "完成整改"],
        )
        n_tasks += 1
        steps = task.milestones.all()
        if back > 2:
            for m in steps:
                meeting_services.milestone_done(
                    actor=officer, task=task, milestone_id=m.pk, on=held
                )
            meeting_services.task_transition(
                actor=officer, task=task, action="finish", note="已完成"
            )
            if back > 3:
                meeting_services.task_transition(actor=officer, task=task, action="close")
        elif back == 2:
            meeting_services.task_transition(actor=officer, task=task, action="start")
            meeting_services.milestone_done(
                actor=officer, task=task, milestone_id=steps[0].pk, on=held
            )
    led = meeting_services.task_create(
        actor=officer,
        area=compound,
        title="书记领办：小区适老化改造",
        owner_org=orgs.get("branch", fallback),
        due_on=today + dt.timedelta(days=90),
        kind="led_project",
        milestones=["入户调查", "方案公示", "施工", "验收"],
    )
    meeting_services.milestone_done(
        actor=officer, task=led, milestone_id=led.milestones.first().pk, on=today
    )
    meeting_services.task_create(
        actor=officer,
        area=compound,
        title="揭榜领题：破解停车难",
        owner_org=orgs.get("owners_committee", fallback),
        due_on=today + dt.timedelta(days=60),
        kind="challenge",
        milestones=["摸排车位", "错时共享", "新增车位"],
    )
    return 12, n_tasks + 2


def _convention(officer, compound, resident) -> None:
    from haolinju.deliberation.services import conventions

    c = conventions.convention_create(
        actor=officer,
        area=compound,
        title="居民公约（草案）",
        text="第一条 垃圾分类，定时定点投放。\n第二条 文明养犬，出门牵绳，及时清理。\n"
        "第三条 车辆有序停放，不占消防通道。",
    )
    if resident is not None:
        conventions.comment(
            actor=resident, convention=c, text="建议增加邻里互助、关爱独居老人的条款。"
        )
    conventions.version_add(
        actor=officer,
        convention=c,
        text="第一条 垃圾分类，定时定点投放。\n第二条 文明养犬，出门牵绳，及时清理。\n"
        "第三条 车辆有序停放，不占消防通道。\n第四条 邻里互助，关爱独居老人。",
        note="采纳居民意见，增加第四条",
    )


def _adopted_convention(officer, compound, now, rng, resident) -> None:
    """A building's stairwell convention, put to that building's owners and adopted: the
    convention page then shows a published text in force and the vote that adopted it."""
    from haolinju.deliberation.services import conventions

    buildings = compound.children.filter(kind=AreaKind.BUILDING).order_by("sort_key", "id")
    building = buildings[1] if buildings.count() > 1 else buildings.first()
    if building is None:
        return
    c = conventions.convention_create(
        actor=officer,
        area=building,
        title=f"{building.name}楼道文明公约",
        text="一、楼道内不堆放杂物，不停放电动车。\n二、爱护楼道灯和门禁，损坏及时报修。",
    )
    conventions.version_add(
        actor=officer,
        convention=c,
        text="一、楼道内不堆放杂物，不停放电动车，不飞线充电。\n"
        "二、爱护楼道灯和门禁，损坏及时报修。\n三、每月第一个周六开展楼道清扫。",
        note="采纳楼栋长意见，增加第三条",
    )
    opens, closes = now - dt.timedelta(days=60), now - dt.timedelta(days=50)
    vote = vote_services.vote_create(
        actor=officer,
        area=building,
        matter_item=2,
        title=f"通过《{building.name}楼道文明公约》",
        opens_at=opens,
        closes_at=closes,
    )
    conventions.put_to_vote(actor=officer, convention=c, vote=vote, number=2)
    vote_services.vote_transition(
        actor=officer, vote_id=vote.pk, action="notice", now=opens - dt.timedelta(days=7)
    )
    vote_services.vote_transition(actor=officer, vote_id=vote.pk, action="open", now=opens)
    skip = _resident_keys(vote, resident)
    _paper_ballots(
        officer, vote, rng, share=0.9, yes=0.92, now=opens + dt.timedelta(days=1), skip=skip
    )
    vote_services.vote_transition(actor=officer, vote_id=vote.pk, action="close", now=closes)
    published = closes + dt.timedelta(days=1)
    vote_services.vote_transition(actor=officer, vote_id=vote.pk, action="publish", now=published)
    vote.refresh_from_db()
    vote_services.vote_transition(
        actor=officer,
        vote_id=vote.pk,
        action="certify",
        now=vote.objection_until + dt.timedelta(hours=1),
    )
