"""The investment demo over the Hengyang demo: ten leads a county, every stage, every warning, this
year and last, funds only as receipted transfers; loads once."""

import io

import pytest
from django.db.models import Sum

from yancheng.core.management.commands.load_demo import Command
from yancheng.core.models import Region
from yancheng.investment import demo, warnings
from yancheng.investment.choices import Stage, WarningKind
from yancheng.investment.models import InvestmentRules, Lead, LeadFile, Transfer

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_stage_and_warning_for_the_twelve_counties_and_loads_once():
    Command(stdout=io.StringIO()).handle()
    assert InvestmentRules.current().office.code == "city-commerce"
    counties = Region.objects.filter(level="county", parent__code="430400")
    assert Lead.objects.values("region").distinct().count() == counties.count() == 12
    assert set(Lead.objects.values_list("stage", flat=True)) == set(Stage.values)
    limits = warnings.Limits.now()
    for kind in WarningKind:
        assert warnings.warned(Lead.objects.all(), limits, kind).exists(), kind
    years = set(Lead.objects.values_list("pooled_on__year", flat=True))
    assert len(years) >= 2  # the big-data view compares this year with last
    for lead in Lead.objects.filter(funded_total__gt=0):
        assert lead.funded_total == Transfer.objects.filter(lead=lead).aggregate(s=Sum("amount"))["s"]
    assert LeadFile.objects.filter(event__kind="transfer").count() == Transfer.objects.count()
    assert demo.load(io.StringIO()) == "招商引资：演示数据已存在。"
