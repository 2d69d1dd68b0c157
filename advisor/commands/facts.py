"""Commands that answer from the knowledge base and the estimator alone, with no LLM.

They call exactly the functions the agent's tools call, so what the CLI prints is what the
model sees.
"""

from __future__ import annotations

from typing import Optional

import typer
from rich.table import Table

from advisor.commands.common import console, print_json, user_errors
from knowledge import load_catalog
from tools.estimate import Estimate, estimate
from tools.hardware_probe import detect
from tools.licenses import LicenseAnswer, license_terms
from tools.recommend import Pick, recommend
from tools.requests import CustomModel, EstimateRequest, HardwareSpec, RecommendRequest

GpuOpt = typer.Option(None, "--gpu", help="GPU or system name, e.g. 'RTX 4090', 'M4 Max 128GB'")
GpusOpt = typer.Option(1, "--gpus", help="Number of identical GPUs")
VramOpt = typer.Option(None, "--vram-gb", help="GPU memory in GB (instead of --gpu)")
BandwidthOpt = typer.Option(None, "--bandwidth-gbps", help="GPU memory bandwidth in GB/s (with --vram-gb)")
CpuOpt = typer.Option(False, "--cpu-only", help="Run on the CPU from system RAM")
RamOpt = typer.Option(None, "--ram-gb", help="System RAM in GB (offload target)")
JsonOpt = typer.Option(False, "--json", help="Print JSON instead of a table")


def _hardware(gpu: str | None, gpus: int, vram_gb: float | None, bandwidth: float | None, cpu_only: bool,
              ram_gb: float | None) -> HardwareSpec:
    return HardwareSpec(gpu=gpu, gpus=gpus, vram_gb=vram_gb, bandwidth_gbps=bandwidth, cpu_only=cpu_only, ram_gb=ram_gb)


def _speed(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def render_estimate(result: Estimate) -> None:
    table = Table(title=f"{result.model_name} · {result.quant} · {result.context:,} tokens", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    mem = result.memory_gb
    table.add_row("memory", f"{mem.total} GB = weights {mem.weights} + KV cache {mem.kv_cache} + overhead {mem.overhead}")
    if result.hardware:
        table.add_row("hardware", f"{result.hardware.name} ({result.hardware.backend})")
    table.add_row("fit", f"{result.fit.replace('_', ' ')}: {result.fit_detail}")
    if result.decode_tps:
        d = result.decode_tps
        table.add_row("decode", f"~{d.expected:g} tok/s (range {d.low:g}–{d.high:g})")
        table.add_row("prefill", f"~{_speed(result.prefill_tps)} tok/s")
    if result.best_quant or result.max_context:
        table.add_row("best quant", result.best_quant or "none fits on the GPU")
        table.add_row("max context", f"{result.max_context:,}" if result.max_context else "-")
    for claim in result.reported:
        table.add_row("reported", f"{claim.text} [{claim.source}]")
    table.add_row("assumed", "\n".join(result.assumptions))
    console.print(table)


def render_picks(picks: list[Pick]) -> None:
    table = Table(title="Recommended models")
    for col in ("#", "model", "quant", "memory GB", "fit", "tok/s", "license", "why"):
        table.add_column(col)
    for p in picks:
        table.add_row(str(p.rank), p.model_name, p.quant, f"{p.memory_gb:g}", p.fit.replace("_", " "),
                      _speed(p.decode_tps), ", ".join(p.licenses) or "?", "; ".join(p.reasons))
    console.print(table)
    if not picks:
        console.print("No model in the catalog fits these constraints.")


def render_license(answer: LicenseAnswer) -> None:
    table = Table(title=answer.model_name or answer.terms[0].license.name)
    for col in ("license", "commercial", "fine-tuning", "redistribution", "restrictions", "claimed by"):
        table.add_column(col)
    for t in answer.terms:
        lic = t.license
        table.add_row(lic.name, lic.commercial_use, lic.fine_tuning, lic.redistribution, "\n".join(lic.restrictions) or "-",
                      ", ".join(t.claimed_by) or "-")
    console.print(table)
    console.print(("[yellow]Conflict:[/yellow] " if answer.conflict else "") + answer.note)


def register(app: typer.Typer) -> None:
    @app.command("estimate")
    def estimate_cmd(
        model: Optional[str] = typer.Option(None, "--model", "-m", help="Model name or id"),
        quant: str = typer.Option("Q4_K_M", "--quant", "-q"),
        context: int = typer.Option(8192, "--context", "-c", help="Context length in tokens"),
        kv_cache: str = typer.Option("f16", "--kv-cache", help="f16, q8_0 or q4_0"),
        gpu: Optional[str] = GpuOpt, gpus: int = GpusOpt, vram_gb: Optional[float] = VramOpt,
        bandwidth_gbps: Optional[float] = BandwidthOpt, cpu_only: bool = CpuOpt, ram_gb: Optional[float] = RamOpt,
        backend: str = typer.Option("llama.cpp", "--backend", help="llama.cpp, ollama or vllm"),
        params_b: Optional[float] = typer.Option(None, "--params-b", help="Custom model: total parameters (billions)"),
        active_params_b: Optional[float] = typer.Option(None, "--active-params-b"),
        layers: Optional[int] = typer.Option(None, "--layers"),
        kv_heads: Optional[int] = typer.Option(None, "--kv-heads"),
        head_dim: Optional[int] = typer.Option(None, "--head-dim"),
        as_json: bool = JsonOpt,
    ) -> None:
        """Memory, fit and speed of one model on one machine."""
        with user_errors():
            custom = None
            if params_b is not None:
                custom = CustomModel(params_b=params_b, active_params_b=active_params_b, layers=layers,
                                     kv_heads=kv_heads, head_dim=head_dim)
            req = EstimateRequest(model=model, custom=custom, quant=quant, context=context, kv_cache=kv_cache,
                                  hardware=_hardware(gpu, gpus, vram_gb, bandwidth_gbps, cpu_only, ram_gb), backend=backend)
            result = estimate(req, load_catalog())
        print_json(result) if as_json else render_estimate(result)

    @app.command("recommend")
    def recommend_cmd(
        gpu: Optional[str] = GpuOpt, gpus: int = GpusOpt, vram_gb: Optional[float] = VramOpt,
        bandwidth_gbps: Optional[float] = BandwidthOpt, cpu_only: bool = CpuOpt, ram_gb: Optional[float] = RamOpt,
        task: str = typer.Option("general", "--task", help="coding, general, reasoning, vision, long-context, agentic, ..."),
        min_context: int = typer.Option(8192, "--min-context"),
        license: str = typer.Option("any", "--license", help="any or commercial"),
        limit: int = typer.Option(5, "--limit"),
        backend: str = typer.Option("llama.cpp", "--backend"),
        as_json: bool = JsonOpt,
    ) -> None:
        """Best models for your hardware and task."""
        with user_errors():
            hardware = _hardware(gpu, gpus, vram_gb, bandwidth_gbps, cpu_only, ram_gb)
            if hardware.is_empty:
                hardware = detect().as_spec(load_catalog())
            req = RecommendRequest(hardware=hardware, task=task, min_context=min_context, license=license,
                                   limit=limit, backend=backend)
            picks = recommend(req, load_catalog())
        print_json(picks) if as_json else render_picks(picks)

    @app.command("license")
    def license_cmd(name: str = typer.Argument(..., help="Model or license name"), as_json: bool = JsonOpt) -> None:
        """License terms of a model or a license, with disagreements between sources."""
        with user_errors():
            answer = license_terms(name, load_catalog())
        print_json(answer) if as_json else render_license(answer)

    @app.command("models")
    def models_cmd(
        family: Optional[str] = typer.Option(None, "--family"),
        task: Optional[str] = typer.Option(None, "--task"),
        max_params_b: Optional[float] = typer.Option(None, "--max-params-b"),
        open_only: bool = typer.Option(False, "--open", help="Only models with downloadable weights"),
        as_json: bool = JsonOpt,
    ) -> None:
        """List the catalog."""
        models = [
            m for m in load_catalog().models
            if (family is None or family.lower() in m.family.lower())
            and (task is None or task in m.tasks)
            and (max_params_b is None or (m.params_total_b and m.params_total_b.value <= max_params_b))
            and (not open_only or m.weights == "open")
        ]
        if as_json:
            print_json(models)
            return
        table = Table(title=f"{len(models)} models")
        for col in ("id", "name", "params B (active)", "context", "weights", "licenses"):
            table.add_column(col)
        for m in models:
            total = f"{m.params_total_b.value:g}" if m.params_total_b else "?"
            active = f" ({m.params_active_b.value:g})" if m.params_active_b else ""
            ctx = f"{int(m.context_tokens.value):,}" if m.context_tokens else "?"
            table.add_row(m.id, m.name, total + active, ctx, m.weights, ", ".join(sorted({c.license for c in m.licenses})))
        console.print(table)

    @app.command("hardware")
    def hardware_cmd(as_json: bool = JsonOpt) -> None:
        """What this machine has, as the advisor will use it."""
        found = detect()
        spec = found.as_spec(load_catalog())
        if as_json:
            from dataclasses import asdict
            print_json({**asdict(found), "profile": spec.model_dump(mode="json")})
            return
        table = Table(title="This machine", show_header=False)
        table.add_column(style="bold")
        table.add_column()
        table.add_row("system", found.system)
        table.add_row("cpu", f"{found.cpu} ({found.physical_cores} physical / {found.logical_cores} logical cores)")
        table.add_row("ram", f"{found.ram_gb} GB" if found.ram_gb else "unknown")
        table.add_row("gpus", ", ".join(f"{g.name} ({g.memory_gb} GB)" for g in found.gpus) or "none detected")
        if found.apple_chip:
            table.add_row("apple chip", found.apple_chip)
        table.add_row("profile", spec.model_dump_json(exclude_defaults=True))
        for note in found.notes:
            table.add_row("note", note)
        console.print(table)
