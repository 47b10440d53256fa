"""Taxonomy terms and taxonomies an import names: found, never changed.

Found by id, else by taxonomy code and term code. An unknown term is created under its
taxonomy (found by id or code, or created from `taxonomy_detail` / the `taxonomy`
name); its unknown parent is left out.
"""

import uuid
from typing import Any

from django.db import models
from django.utils.text import slugify

from safepath.directory.hsds_import.plan import PlanBase, Row, plain_text
from safepath.directory.hsds_import.tables import COPY_NAMESPACE
from safepath.directory.models import Taxonomy, TaxonomyTerm


class TaxonomyReferences(PlanBase):
    """The taxonomy terms of a plan."""

    # taxonomy terms: found or created, never changed

    def _term(self, data: dict[str, Any], p: str) -> uuid.UUID | None:
        nested = data.get("taxonomy_term") if isinstance(data.get("taxonomy_term"), dict) else None
        term_id = (nested or {}).get("id") or data.get("taxonomy_term_id")
        if not term_id:
            self.problem(p, "an attribute needs a taxonomy_term or a taxonomy_term_id")
            return None
        term_uuid = uuid.UUID(str(term_id))
        if (TaxonomyTerm, term_uuid) in self.rows:
            return term_uuid
        found = TaxonomyTerm.objects.filter(public_id=term_uuid).first()
        if found is not None:
            return self._reference(TaxonomyTerm, found.public_id)
        if nested is None:
            self.problem(f"{p}/taxonomy_term_id", f"no taxonomy term with id {term_uuid}")
            return None
        tp = f"{p}/taxonomy_term"
        taxonomy = self._taxonomy(nested, tp)
        if taxonomy is None:
            return None
        code = plain_text(nested.get("code")) or str(term_uuid)
        existing = TaxonomyTerm.objects.filter(taxonomy__public_id=taxonomy, code=code).first()
        if existing is None:
            for key, row in self.rows.items():
                if (
                    key[0] is TaxonomyTerm
                    and row.values.get("code") == code
                    and row.links.get("taxonomy") == (Taxonomy, taxonomy)
                ):
                    return row.public_id
        if existing is not None:
            return self._reference(TaxonomyTerm, existing.public_id)
        links: dict[str, tuple[type[models.Model], uuid.UUID]] = {"taxonomy": (Taxonomy, taxonomy)}
        parent = nested.get("parent_id")
        if parent:
            parent_id = uuid.UUID(str(parent))
            if (TaxonomyTerm, parent_id) in self.rows or TaxonomyTerm.objects.filter(
                public_id=parent_id
            ).exists():
                links["parent"] = (TaxonomyTerm, parent_id)
        return self._row(
            TaxonomyTerm,
            nested,
            tp,
            values={"code": code},
            texts=("name", "description"),
            links=links,
        )

    def _taxonomy(self, term: dict[str, Any], p: str) -> uuid.UUID | None:
        detail = term.get("taxonomy_detail")
        if not isinstance(detail, dict):
            detail = None
        given_id = (detail or {}).get("id") or term.get("taxonomy_id")
        name = plain_text(term.get("taxonomy"))
        code = slugify(name)[:64] if name else ""
        if given_id:
            taxonomy_id = uuid.UUID(str(given_id))
            if (Taxonomy, taxonomy_id) in self.rows:
                return taxonomy_id
            found = Taxonomy.objects.filter(public_id=taxonomy_id).first()
            if found is not None:
                return self._reference(Taxonomy, found.public_id)
        by_code = Taxonomy.objects.filter(code=code).first() if code else None
        if by_code is not None:
            return self._reference(Taxonomy, by_code.public_id)
        for key, row in self.rows.items():
            if key[0] is Taxonomy and code and row.values.get("code") == code:
                return row.public_id
        if detail is None and not code:
            self.problem(p, "an unknown taxonomy term must name its taxonomy")
            return None
        source = detail or {"id": str(uuid.uuid5(COPY_NAMESPACE, f"taxonomy|{code}"))}
        if not code:
            code = slugify(plain_text(source.get("name")))[:64] or str(source["id"])
        if detail is None:
            source = {**source, "name": name}
        values = {"code": code, "uri": source.get("uri", ""), "version": source.get("version", "")}
        return self._row(
            Taxonomy, source, f"{p}/taxonomy_detail", values=values, texts=("name", "description")
        )

    def _reference(self, model: type[models.Model], public_id: uuid.UUID) -> uuid.UUID:
        """A term or taxonomy that exists: referenced, never changed."""
        key = (model, public_id)
        if key not in self.rows:
            self.rows[key] = Row(model, public_id, {}, {}, {}, {}, self.item, "", {self.item}, True)
        return public_id
