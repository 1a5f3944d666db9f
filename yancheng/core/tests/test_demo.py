"""The Hengyang demo: loads twice without duplicates, and every printed login signs in."""

import io

import pytest
from django.core.management import call_command

from yancheng.core.management.commands.load_demo import DEMO_LOGINS, DEMO_PASSWORD
from yancheng.core.models import Enterprise, Person, PersonRole, Region, Unit
from yancheng.core.roles import Role
from yancheng.core.validators import is_valid_uscc


def counts():
    return [m.objects.count() for m in (Region, Unit, Enterprise, Person, PersonRole)]


@pytest.mark.django_db
def test_demo_loads_twice_without_duplicates_and_prints_every_login(client):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    first = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == first
    regions, units, enterprises, _people, _roles = first
    assert regions == 14 and 25 <= units <= 40 and enterprises == 200
    assert Enterprise.objects.filter(pilot=True).count() == 52
    assert Enterprise.objects.filter(pilot=True).values("region").distinct().count() == 12
    assert all(is_valid_uscc(u) for u in Enterprise.objects.values_list("uscc", flat=True))
    assert Enterprise.objects.values("name").distinct().count() == 200
    printed = out.getvalue()
    assert DEMO_PASSWORD in printed
    assert {role for *_, role, _unit, _e in DEMO_LOGINS} == set(Role)
    for username, *_ in DEMO_LOGINS:
        assert username in printed
        client.logout()
        response = client.post("/account/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, f"{username} could not sign in"
