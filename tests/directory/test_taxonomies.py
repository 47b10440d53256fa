"""safepath's two taxonomies: every term named in the four languages, loaded once,
with the same HSDS ids in every installation."""

import pytest

from safepath.directory.models import Taxonomy, TaxonomyTerm
from safepath.directory.taxonomies import (
    GROUP_CODES,
    GROUPS,
    SERVICE_TYPE_CODES,
    SERVICE_TYPES,
    ensure_taxonomies,
    stable_id,
)

pytestmark = pytest.mark.django_db


def test_the_taxonomies_load_once_with_stable_ids() -> None:
    ensure_taxonomies()
    ensure_taxonomies()
    assert set(Taxonomy.objects.values_list("code", flat=True)) == {SERVICE_TYPES, GROUPS}
    types = TaxonomyTerm.objects.filter(taxonomy__code=SERVICE_TYPES)
    groups = TaxonomyTerm.objects.filter(taxonomy__code=GROUPS)
    assert set(types.values_list("code", flat=True)) == SERVICE_TYPE_CODES
    assert set(groups.values_list("code", flat=True)) == GROUP_CODES
    assert len(SERVICE_TYPE_CODES) == 14
    assert len(GROUP_CODES) == 9
    shelter = types.get(code="shelter")
    assert shelter.public_id == stable_id(SERVICE_TYPES, "shelter")
    assert Taxonomy.objects.get(code=GROUPS).public_id == stable_id(GROUPS)


def test_every_term_has_the_four_languages() -> None:
    ensure_taxonomies()
    names = [
        *Taxonomy.objects.values_list("name", flat=True),
        *TaxonomyTerm.objects.values_list("name", flat=True),
    ]
    for name in names:
        assert set(name) == {"en", "pl", "uk", "ru"}, name
        assert all(text.strip() for text in name.values()), name
