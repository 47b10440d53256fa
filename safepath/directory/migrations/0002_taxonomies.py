"""safepath's two taxonomies (service types, groups served), with the same HSDS ids in
every installation (`safepath.directory.taxonomies`)."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from safepath.directory.taxonomies import TAXONOMIES, TERMS, stable_id

    taxonomy_model = apps.get_model("directory", "Taxonomy")
    term_model = apps.get_model("directory", "TaxonomyTerm")
    for code, (name, description) in TAXONOMIES.items():
        taxonomy, _created = taxonomy_model.objects.update_or_create(
            code=code,
            defaults={"name": name, "description": description, "version": "1"},
            create_defaults={
                "public_id": stable_id(code),
                "name": name,
                "description": description,
                "version": "1",
            },
        )
        for position, (term_code, term_name) in enumerate(TERMS[code]):
            term_model.objects.update_or_create(
                taxonomy=taxonomy,
                code=term_code,
                defaults={"name": term_name, "position": position},
                create_defaults={
                    "public_id": stable_id(code, term_code),
                    "name": term_name,
                    "position": position,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
