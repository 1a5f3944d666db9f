"""The steps taken before the ladder moved to core become core's rows, so that the worker, which now
reads those, does not send them again. (Their documents are not made afterwards: they were sent as
messages only.)"""

from django.db import migrations

REPLY, ACCEPTANCE = "request_reply", "request_acceptance"
# The app's levels (Escalation) on core's rungs (core.models.Rung): it has no liaison letter.
RUNG_OF_LEVEL = {0: 0, 1: 1, 2: 2, 3: 4}


def forwards(apps, schema_editor):
    EscalationStep = apps.get_model("enterprise_requests", "EscalationStep")
    LadderStep = apps.get_model("core", "LadderStep")
    steps = EscalationStep.objects.select_related("request").order_by("pk").iterator(chunk_size=2000)
    batch = []
    for step in steps:
        accepting = step.level == 0 and step.deadline == step.request.accept_deadline
        batch.append(
            LadderStep(
                kind=ACCEPTANCE if accepting else REPLY,
                object_id=step.request_id,
                rung=RUNG_OF_LEVEL[step.level],
                deadline=step.deadline,
                at=step.at,
            )
        )
        if len(batch) >= 2000:
            LadderStep.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    LadderStep.objects.bulk_create(batch, ignore_conflicts=True)


def backwards(apps, schema_editor):
    apps.get_model("core", "LadderStep").objects.filter(kind__in=[REPLY, ACCEPTANCE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("enterprise_requests", "0003_chinese_field_names"),
        ("core", "0006_ladder"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
