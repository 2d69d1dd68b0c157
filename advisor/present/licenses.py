"""Words for a license answer (tools/licenses.py): the license, its main condition, disagreements."""

from __future__ import annotations

from tools.licenses import LicenseAnswer

from advisor.present import generic
from advisor.present.grid import Grid
from advisor.present.words import cite, cite_in, clip, joined

CONDITION_CHARS = 170  # one restriction in the model's text; the full list is in the tables
SUMMARY_CHARS = 260
KNOWN = frozenset({"query", "model", "model_name", "terms", "conflict", "commercial_use", "note", "sources"})


def _subject(answer: LicenseAnswer) -> str:
    return answer.model_name or answer.query


def verdict(answer: LicenseAnswer) -> str:
    """The license and its main condition, or the disagreement between sources."""
    if not answer.terms:
        return cite_in(answer.note)
    if answer.conflict:
        claims = "; ".join(
            f"{t.license.name} per {', '.join(cite(c) for c in t.claimed_by)} (commercial use {t.license.commercial_use}"
            + (f", condition: {clip(t.license.restrictions[0], 110)}" if t.license.restrictions else "") + ")"
            for t in answer.terms)
        return (f"Sources disagree on the license of {answer.model_name}: {claims}. "
                f"Strictest reading: commercial use {answer.commercial_use}; check the official model card.")
    lic = answer.terms[0].license
    condition = f"; main condition: {clip(lic.restrictions[0], CONDITION_CHARS)}" if lic.restrictions else ""
    named = f"{answer.model_name}: {lic.name}" if answer.model_name else lic.name
    return f"{named}; commercial use {lic.commercial_use}{condition}."


def summary(answer: LicenseAnswer) -> str:
    line = f"{_subject(answer)}: commercial use {answer.commercial_use}"
    return line + (" (sources disagree)" if answer.conflict else "")


def table(answer: LicenseAnswer, *, restrictions: bool = False) -> Grid:
    columns = ("license", "commercial", "fine-tuning", "redistribution", *(("restrictions",) if restrictions else ()),
               "claimed by", "sources")
    rows = [(t.license.name, t.license.commercial_use, t.license.fine_tuning, t.license.redistribution,
             *(("\n".join(t.license.restrictions) or "-",) if restrictions else ()),
             joined(t.claimed_by), joined(t.license.sources)) for t in answer.terms]
    rows += [(name, generic.show(value), *[""] * (len(columns) - 2)) for name, value in generic.extra_fields(answer, KNOWN)]
    return Grid(columns, rows, caption=clip(answer.note, 200))


def brief_table(answer: LicenseAnswer) -> Grid:
    return Grid(("license", "commercial", "fine-tuning", "claimed by"), [
        (t.license.name, t.license.commercial_use, t.license.fine_tuning, joined([cite(c) for c in t.claimed_by], "-"))
        for t in answer.terms])


def sentences(answer: LicenseAnswer) -> list[str]:
    """The note, or the disagreement, and each license's first restriction (the eval oracle's answer).

    Sources are not named: our article titles name models ("… vs Gemma 4 26B-A4B"), and an
    answer about a license should not read as naming models it never checked."""
    if answer.conflict:
        claims = "; ".join(f"{t.license.name} (commercial use {t.license.commercial_use})" for t in answer.terms)
        lines = [f"Sources disagree on the license of {_subject(answer)}: {claims}. "
                 f"Strictest reading: commercial use {answer.commercial_use}."]
    else:
        lines = [cite_in(answer.note)]
    lines += [f"Restrictions of {t.license.name}: {t.license.restrictions[0]}" for t in answer.terms if t.license.restrictions]
    return lines


def model_text(answer: LicenseAnswer) -> str:
    if not answer.terms or answer.conflict:
        lines = [verdict(answer)]
        lines += [f"{t.license.name}: fine-tuning {t.license.fine_tuning}, redistribution {t.license.redistribution}."
                  for t in answer.terms]
        return "\n".join(lines)
    lic = answer.terms[0].license
    return "\n".join([verdict(answer), f"Fine-tuning {lic.fine_tuning}; redistribution {lic.redistribution}.",
                      clip(cite_in(lic.summary), SUMMARY_CHARS)])
