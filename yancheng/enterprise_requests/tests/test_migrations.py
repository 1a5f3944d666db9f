"""Data kept across schema changes: rows written before a migration read the same after it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("enterprise_requests", "0001_initial")]
AFTER = [("enterprise_requests", "0002_extension_days")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_a_pending_extension_keeps_its_days_and_reason_when_days_get_their_own_field(hengyang, users):
    from yancheng.core.roles import Role

    apps = _migrate(BEFORE)
    EnterpriseRequest = apps.get_model("enterprise_requests", "EnterpriseRequest")
    now = timezone.now()
    row = EnterpriseRequest.objects.create(
        enterprise_id=hengyang["enterprises"]["a"].pk,
        filed_by_id=users[Role.ENTERPRISE_USER].pk,
        kind="demand",
        subject="用地审批",
        text="请协调",
        submission_key="before-0002",
        filed_at=now,
        accept_deadline=now,
        reply_deadline=now,
        extension_pending=True,
        extension_reason="5|需要第三方鉴定|报告",
    )
    try:
        apps = _migrate(AFTER)
        migrated = apps.get_model("enterprise_requests", "EnterpriseRequest").objects.get(pk=row.pk)
        assert (migrated.extension_days, migrated.extension_reason) == (5, "需要第三方鉴定|报告")
        apps = _migrate(BEFORE)
        back = apps.get_model("enterprise_requests", "EnterpriseRequest").objects.get(pk=row.pk)
        assert back.extension_reason == "5|需要第三方鉴定|报告"
    finally:
        _migrate(_latest())


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
