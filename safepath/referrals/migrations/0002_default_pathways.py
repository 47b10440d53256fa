"""The five default referral pathways of issue 5 §5 (`safepath.referrals.default_pathways`);
administrators edit them afterwards, and a pathway already there is left alone."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    import uuid

    from safepath.referrals.default_pathways import DEFAULTS

    pathway_model = apps.get_model("referrals", "PathwayTemplate")
    for position, default in enumerate(DEFAULTS):
        pathway_model.objects.get_or_create(
            code=default["code"],
            defaults={
                "public_id": uuid.uuid4(),
                "name": default["name"],
                "description": default["description"],
                "trigger": default["trigger"],
                "service_types": default["service_types"],
                "groups": default["groups"],
                "position": position * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
