"""Words for a recommendation (a list of tools/recommend.py `Pick`s): the best few and their trade-offs."""

from __future__ import annotations

from tools.recommend import Pick
from tools.requests import RecommendRequest

from advisor.bench import CALIBRATED
from advisor.present import generic
from advisor.present.grid import Grid
from advisor.present.words import NONE, NOT_RUNNING, fit_label, fit_phrase, gb, joined, tps

PICKS_SHOWN = 3  # options the model reads: the issue asks answers for the 2–3 best, each line ~30 tokens
NO_PICK = "No catalog model fits these constraints."
KNOWN = frozenset({
    "rank", "model", "model_name", "quant", "context", "memory_gb", "fit", "decode_tps", "decode_tps_range",
    "prefill_tps", "licenses", "commercial_use", "score", "reasons", "reported", "sources",
    # tools/recommend.py extras kept out of the comparison table (too wide); --json carries them and
    # `advisor recommend` prints each pick's llama-server line under the table
    "why", "why_source", "endorsed_by", "base_model", "memory_unit", "cpu_moe_layers", "ollama_run", "llama_server",
})


def _running(picks: list[Pick]) -> list[Pick]:
    return [p for p in picks if p.fit not in NOT_RUNNING]


def verdict(picks: list[Pick]) -> str:
    running = _running(picks)
    if not running:
        return NO_PICK
    return f"Best pick: {running[0].model_name} at {running[0].quant}."  # its trade-offs follow as option 1


def summary(picks: list[Pick]) -> str:
    if not picks:
        return "no model fits"
    return f"{len(picks)} picks, top: {picks[0].model_name} {picks[0].quant}"


def option(pick: Pick) -> str:
    """One pick with its trade-off: quant, memory, fit, speed, license."""
    speed = tps(pick.decode_tps)
    if pick.decode_tps_range:
        speed += f" (range {pick.decode_tps_range[0]:g}-{pick.decode_tps_range[1]:g})"
    licenses = joined(pick.licenses, "license unknown")
    return (f"{pick.model_name} at {pick.quant}: {gb(pick.memory_gb)}, {fit_phrase(pick.fit)}, {speed}, "
            f"license {licenses} (commercial use: {pick.commercial_use})")


def table(picks: list[Pick], *, reasons: bool = False) -> Grid:
    extra = sorted({name for p in picks for name, _ in generic.extra_fields(p, KNOWN)})
    columns = ("#", "model", "quant", "memory", "fits", "speed", "license", "commercial", "sources", *extra)
    rows = []
    for p in picks:
        values = dict(generic.extra_fields(p, KNOWN))
        row = (str(p.rank), p.model_name, p.quant, gb(p.memory_gb), fit_label(p.fit),
               NONE if p.decode_tps is None else f"~{p.decode_tps:g} tok/s", joined(p.licenses), p.commercial_use,
               joined(p.sources), *(generic.show(values.get(name)) for name in extra))
        rows.append(row + (("; ".join(p.reasons),) if reasons else ()))
    return Grid(columns + (("why",) if reasons else ()), rows, caption=None if picks else NO_PICK)


def brief_table(picks: list[Pick]) -> Grid:
    return Grid(("#", "model", "quant", "memory", "fit", "speed", "license"), [
        (str(p.rank), p.model_name, p.quant, gb(p.memory_gb), fit_label(p.fit), tps(p.decode_tps), joined(p.licenses, "?"))
        for p in picks])


def sentences(picks: list[Pick]) -> list[str]:
    """The best running options, one sentence each (the eval oracle's answer)."""
    running = _running(picks)[:PICKS_SHOWN]
    return [option(p) + "." for p in running] or [NO_PICK]


def model_text(picks: list[Pick], hardware_line: str, req: RecommendRequest) -> str:
    """Verdict and what was asked on the first line (a later turn sees only that line:
    advisor/agent/prompt.py), then the best three as numbered options."""
    head = f"{hardware_line} Task: {req.task}; license: {req.license}; context {req.min_context:,} tokens."
    if not picks:
        return f"{NO_PICK} {head}"
    lines = [f"{verdict(picks)} {head}", *(f"{p.rank}. {option(p)}" for p in picks[:PICKS_SHOWN])]
    lines += sorted({f"Speeds {r}." for p in picks[:PICKS_SHOWN] for r in p.reasons if r.startswith(CALIBRATED)})
    if req.hardware.vram_gb and not req.hardware.gpu and picks[0].decode_tps is not None:
        lines.append(f"No GPU model was named, so the speed ranges span the {req.hardware.vram_gb:g} GB cards the advisor knows.")
    return "\n".join(lines)
