"""One mortgage right per unit and rank: 顺位 is the order of registration on the unit, cancelled rights
included. Before this, a new right took `count(rights in force) + 1`, which could repeat the rank of a
right in force; such units are renumbered in the order their rights were recorded (the register's
entries keep, as they must, the rank written at the time)."""

from django.db import migrations, models
from django.db.models import Count


def renumber_repeated_ranks(apps, schema_editor):
    MortgageRight = apps.get_model("mortgage", "MortgageRight")
    repeated = (
        MortgageRight.objects.values("property_unit_id", "rank")
        .annotate(rights=Count("pk"))
        .filter(rights__gt=1)
        .values_list("property_unit_id", flat=True)
    )
    for unit_id in set(repeated):
        rights = list(MortgageRight.objects.filter(property_unit_id=unit_id).order_by("recorded_at", "pk"))
        for rank, right in enumerate(rights, start=1):
            right.rank = rank
        MortgageRight.objects.bulk_update(rights, ["rank"])


class Migration(migrations.Migration):
    dependencies = [("mortgage", "0003_bank_webhook_needs_secret")]

    operations = [
        migrations.RunPython(renumber_repeated_ranks, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="mortgageright",
            constraint=models.UniqueConstraint(
                fields=("property_unit", "rank"), name="one_right_per_unit_rank"
            ),
        ),
    ]
