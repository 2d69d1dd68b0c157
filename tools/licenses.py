"""License lookup: the terms of a license, or of whatever license(s) sources give a model.

Sources disagree (one article calls Gemma 4 Apache 2.0, another "Gemma Terms of Use"), so
the answer lists every claim with its source and says plainly when they conflict instead of
picking a winner.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from knowledge.schema import Catalog, License, Model, Permission
from tools.errors import UnknownName
from tools.resolve import resolve_license, resolve_model

_STRICTNESS: dict[Permission, int] = {"yes": 0, "conditional": 1, "unclear": 2, "no": 3}


class LicenseTerms(BaseModel):
    model_config = ConfigDict(frozen=True)

    license: License
    claimed_by: list[str]  # sources that name this license for the model (empty for a direct lookup)


class LicenseAnswer(BaseModel):
    model_config = ConfigDict(frozen=True)

    query: str
    model: str | None
    model_name: str | None
    terms: list[LicenseTerms]
    conflict: bool
    commercial_use: Permission  # the strictest answer across the claims: the safe reading
    note: str
    sources: list[str]


def license_terms(query: str, catalog: Catalog) -> LicenseAnswer:
    """Terms for a license id/name, or for a model's claimed license(s)."""
    try:
        lic = resolve_license(query, catalog)
    except UnknownName as license_miss:
        try:
            model = resolve_model(query, catalog)
        except UnknownName as model_miss:
            suggestions = (model_miss.suggestions + license_miss.suggestions)[:5]
            raise UnknownName("model or license", query, suggestions) from None
        return _for_model(query, model, catalog)
    return LicenseAnswer(
        query=query, model=None, model_name=None, terms=[LicenseTerms(license=lic, claimed_by=[])], conflict=False,
        commercial_use=lic.commercial_use, note=lic.summary, sources=list(lic.sources),
    )


def commercial_status(model: Model, catalog: Catalog) -> Permission:
    """The strictest commercial-use answer among the licenses sources claim for the model."""
    licenses = {lic.id: lic for lic in catalog.licenses}
    claimed = {claim.license for claim in model.licenses}
    if not claimed:
        return "unclear"
    return max((licenses[i].commercial_use for i in claimed), key=_STRICTNESS.__getitem__)


def _for_model(query: str, model: Model, catalog: Catalog) -> LicenseAnswer:
    licenses = {lic.id: lic for lic in catalog.licenses}
    by_license: dict[str, list[str]] = {}
    for claim in model.licenses:
        by_license.setdefault(claim.license, []).append(claim.source)
    terms = [LicenseTerms(license=licenses[i], claimed_by=sources) for i, sources in by_license.items()]
    conflict = len(terms) > 1
    if not terms:
        note = f"No source in the knowledge base states a license for {model.name}."
    elif conflict:
        names = "; ".join(f"{t.license.name} per {', '.join(t.claimed_by)}" for t in terms)
        note = f"Sources disagree on {model.name}'s license: {names}. Check the official model card before relying on either."
    else:
        note = f"{model.name}: {terms[0].license.name}. {terms[0].license.summary}"
    sources = sorted({s for t in terms for s in t.claimed_by} | {s for t in terms for s in t.license.sources})
    return LicenseAnswer(
        query=query, model=model.id, model_name=model.name, terms=terms, conflict=conflict,
        commercial_use=commercial_status(model, catalog), note=note, sources=sources,
    )
