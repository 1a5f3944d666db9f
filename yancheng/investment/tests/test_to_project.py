"""A signed lead becomes a major project in one step, its facts carried over, never retyped."""

from datetime import date

import pytest

from conftest import database_fingerprint, make_user
from yancheng.core.actions import ActionRefused
from yancheng.core.models import Enterprise
from yancheng.core.roles import Role
from yancheng.investment import actions
from yancheng.investment.choices import Stage
from yancheng.projects.models import Project, ProjectRules

from .conftest import INVESTOR_USCC, document, signing

CODE = "2026-430405-38-03-000123"


@pytest.fixture
def commission(hengyang):
    ProjectRules.objects.create(pk=1, commission=hengyang["units"]["gov"])
    return make_user("commission", Role.UNIT_OFFICIAL, unit=hengyang["units"]["gov"])


@pytest.fixture
def signed(at, file_lead, investment):
    at(2026, 1, 5, 10)
    lead = file_lead(content="年产 5 万吨正极材料。")
    actions.move(lead, Stage.SIGNED, by=investment["county_official"], files=[document()],
                 signing=signing(amount=600_000_000, start=date(2026, 6, 30)))  # fmt: skip
    return lead


def test_the_signed_lead_carries_its_facts_into_the_ledger(client, signed, commission, hengyang):
    client.force_login(commission)
    form = {"code": CODE, "completes_on": "2028-12-31", "levels": ["city_key"]}
    response = client.post(f"/investment/{signed.pk}/to-project/", form)
    project = Project.objects.get()
    assert response["Location"] == f"/projects/{project.pk}/"
    assert (project.code, project.name, project.industry, project.region, project.responsible_unit) == (
        CODE, "新能源电池材料生产基地", "38", hengyang["regions"]["zhuhui"], signed.unit,
    )  # fmt: skip
    assert project.total_investment == 600_000_000 and project.starts_on == date(2026, 6, 30)
    assert (
        project.content == "年产 5 万吨正极材料。"
        and project.industrial
        and project.level_labels == ["市重点工程"]
    )
    assert project.owner_enterprise == Enterprise.objects.get(uscc=INVESTOR_USCC)
    signed.refresh_from_db()
    assert signed.project == project
    client.post(f"/investment/{signed.pk}/to-project/", {**form, "code": "2026-430405-38-03-000124"})
    assert Project.objects.count() == 1  # once


def test_only_the_commission_and_only_a_signed_lead(at, file_lead, signed, commission, investment):
    def refused(reason, lead, by, **changes):
        before = database_fingerprint()
        with pytest.raises(ActionRefused) as refusal:
            actions.to_project(lead, by=by, **{"code": CODE, "completes_on": date(2028, 12, 31), **changes})
        assert refusal.value.code == reason and database_fingerprint() == before

    refused("forbidden", signed, investment["office_official"])
    refused("code", signed, commission, code="2026-430405-38-03-00012")
    refused("completes_on", signed, commission, completes_on=date(2026, 6, 30))
    refused("owner", signed, commission, owner_uscc="91440300MA5F00011X")
    refused("state", file_lead(name="未签约项目"), commission)
