"""A task force for the tests: led by the leader, the market regulator (the ``official``) leading it and
the ecology bureau (``official_eco``) cooperating, each official a member of deputy-division rank; a
tax-bureau official outside it."""

import pytest

from conftest import make_user
from yancheng.core import clock
from yancheng.core.models import Unit
from yancheng.core.roles import Role
from yancheng.taskforces.choices import Kind, Position, Rank
from yancheng.taskforces.models import Cadre, Member, TaskForce, TaskForceRules


@pytest.fixture
def force(hengyang, users):
    """{"tf", "lead", "coop", "outsider", "leader_cadre", "lead_cadre", "coop_cadre", "staff"}."""
    units = hengyang["units"]
    TaskForceRules.objects.create(pk=1)
    tax = Unit.objects.create(
        code="tax", name="衡阳市税务局", kind="department", region=hengyang["regions"]["city"]
    )
    leader = users[Role.LEADER]
    tf = TaskForce.objects.create(
        name="输变电产业集群申报国家专项", kind=Kind.KEY_TASK, leader=leader.person, lead_unit=units["samr"],
        goal="完成国家专项申报。", created_at=clock.now(),
    )  # fmt: skip
    tf.cooperating_units.set([units["eco"]])
    cadres = {
        "leader_cadre": Cadre.objects.create(person=leader.person, rank=Rank.DEPUTY_BUREAU),
        "lead_cadre": Cadre.objects.create(
            person=users[Role.UNIT_OFFICIAL].person, rank=Rank.DEPUTY_DIVISION
        ),
        "coop_cadre": Cadre.objects.create(person=users["other_official"].person, rank=Rank.DEPUTY_DIVISION),
    }
    staff = make_user("staff_samr", Role.UNIT_OFFICIAL, unit=units["samr"], full_name="科员甲")
    cadres["staff"] = Cadre.objects.create(person=staff.person, rank=Rank.SECTION)
    Member.objects.bulk_create(
        [
            Member(task_force=tf, cadre=cadres["leader_cadre"], position=Position.HEAD),
            Member(task_force=tf, cadre=cadres["lead_cadre"], position=Position.DEPUTY),
            Member(task_force=tf, cadre=cadres["coop_cadre"]),
            Member(task_force=tf, cadre=cadres["staff"]),
        ]
    )
    return {
        "tf": tf,
        "leader": leader,
        "lead": users[Role.UNIT_OFFICIAL],
        "coop": users["other_official"],
        "outsider": make_user("official_tax", Role.UNIT_OFFICIAL, unit=tax, full_name="税务甲"),
        "staff_user": staff,
        **cadres,
    }
