"""Commands that answer from the knowledge base and the estimator alone, with no LLM.

They call exactly the functions the agent's tools call, so what the CLI prints is what the
model sees, and they print it in the words of advisor/present, as the TUI does.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from advisor.commands.common import console, print_json, user_errors
from advisor.commands.models import installed_note, mark_installed, with_file_model
from advisor.present import estimate as estimate_words
from advisor.present import licenses as licenses_words
from advisor.present import picks as picks_words
from advisor.bench import calibrate_picks, load_bench, on_this_machine
from advisor.present import to_payload, to_rich
from advisor.profile import with_own_machine
from knowledge import load_catalog
from tools.estimate import Estimate, estimate
from tools.errors import InvalidRequest
from tools.hardware_probe import detect
from tools.installed import installed_ids
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


def render_estimate(result: Estimate) -> None:
    console.print(to_rich(estimate_words.table(result, assumptions=True)))


def render_picks(picks: list[Pick]) -> None:
    console.print(to_rich(picks_words.table(picks, reasons=True), title="Recommended models"))


def render_license(answer: LicenseAnswer) -> None:
    table = licenses_words.table(answer, restrictions=True)
    console.print(to_rich(replace(table, caption=None), title=answer.model_name or answer.query))
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
        gguf: Optional[Path] = typer.Option(None, "--gguf", help="Your own GGUF file: its real shape and tensor bytes"),
        as_json: bool = JsonOpt,
    ) -> None:
        """Memory, fit and speed of one model on one machine."""
        with user_errors():
            catalog = load_catalog()
            if gguf is not None:  # the file's record joins the catalog for this run; quant = the file's type
                if model or params_b is not None:
                    raise InvalidRequest("give either --gguf or --model / --params-b, not both")
                catalog, file_model, quant = with_file_model(gguf, catalog)
                model = file_model.id
            custom = None
            if params_b is not None:
                custom = CustomModel(params_b=params_b, active_params_b=active_params_b, layers=layers,
                                     kv_heads=kv_heads, head_dim=head_dim)
            # No hardware named means this machine; a GPU without RAM keeps this machine's RAM (advisor/profile.py).
            hardware, filled = with_own_machine(_hardware(gpu, gpus, vram_gb, bandwidth_gbps, cpu_only, ram_gb))
            req = EstimateRequest(model=model, custom=custom, quant=quant, context=context, kv_cache=kv_cache,
                                  hardware=hardware, backend=backend)
            result = on_this_machine(estimate(req, catalog), hardware, filled)  # `advisor bench` calibration
        print_json(to_payload(result)) if as_json else render_estimate(result)

    @app.command("recommend")
    def recommend_cmd(
        gpu: Optional[str] = GpuOpt, gpus: int = GpusOpt, vram_gb: Optional[float] = VramOpt,
        bandwidth_gbps: Optional[float] = BandwidthOpt, cpu_only: bool = CpuOpt, ram_gb: Optional[float] = RamOpt,
        task: str = typer.Option("general", "--task", help="coding, general, reasoning, vision, long-context, agentic, ..."),
        min_context: int = typer.Option(8192, "--min-context"),
        license: str = typer.Option("any", "--license", help="any or commercial"),
        limit: int = typer.Option(5, "--limit"),
        backend: str = typer.Option("llama.cpp", "--backend"),
        all_variants: bool = typer.Option(False, "--all-variants", help="Every variant of a base model, not only its best"),
        as_json: bool = JsonOpt,
    ) -> None:
        """Best models for your hardware and task."""
        with user_errors():
            hardware = _hardware(gpu, gpus, vram_gb, bandwidth_gbps, cpu_only, ram_gb)
            hardware, _ = with_own_machine(hardware)
            req = RecommendRequest(hardware=hardware, task=task, min_context=min_context, license=license,
                                   limit=limit, backend=backend, all_variants=all_variants)
            picks = calibrate_picks(recommend(req, load_catalog()), hardware, load_bench())  # `advisor bench`
            have = installed_ids(load_catalog())
        if as_json:
            print_json(mark_installed(to_payload(picks), have))
            return
        render_picks(picks)
        for pick in picks:
            if pick.llama_server:
                console.print(f"{pick.rank}. {pick.model_name}: {pick.llama_server}", highlight=False, markup=False)
        if note := installed_note(picks, have):
            console.print(note)

    @app.command("plan")
    def plan_cmd(
        model: str = typer.Option(..., "--model", "-m", help="Model name or id"),
        context: int = typer.Option(8192, "--context", "-c", help="Context length in tokens"),
        target_tps: Optional[float] = typer.Option(None, "--target-tps", help="Decode speed wanted, tokens/s"),
        quant: str = typer.Option("Q4_K_M", "--quant", "-q"),
        ram_gb: float = typer.Option(64, "--ram-gb", help="System RAM assumed for the offload modes, GB"),
        as_json: bool = JsonOpt,
    ) -> None:
        """What it takes to run a model: memory per run mode and the cheapest catalog devices that do it."""
        from tools.plan import PlanRequest, plan

        with user_errors():
            result = plan(PlanRequest(model=model, context=context, target_tps=target_tps, quant=quant, ram_gb=ram_gb),
                          load_catalog())
        if as_json:
            print_json(result)
            return
        needs = Table("mode", "GPU GB", "RAM GB", "smallest card", "how",
                      title=f"{result.model_name} · {result.quant} · {result.context:,} tokens: memory per run mode (GB)")
        for m in result.modes:
            card = "-" if m.smallest_card_gib is None else f"{m.smallest_card_gib:g} GiB"
            needs.add_row(m.mode.replace("_", " "), f"{m.gpu_gb:g}", f"{m.ram_gb:g}", card, m.note)
        console.print(needs)
        devices = Table("device", "memory", "fit", "tok/s", "command", title="Devices with the least memory that meet it")
        for d in result.devices:
            devices.add_row(d.device, f"{d.memory_gib:g} GiB", d.fit.replace("_", " "), f"~{d.decode_tps:g}", d.llama_server or "-")
        console.print(devices if result.devices else "No catalog device meets it.")
        for note in result.assumptions:
            console.print(f"assumed: {note}", highlight=False)

    @app.command("license")
    def license_cmd(name: str = typer.Argument(..., help="Model or license name"), as_json: bool = JsonOpt) -> None:
        """License terms of a model or a license, with disagreements between sources."""
        with user_errors():
            answer = license_terms(name, load_catalog())
        print_json(to_payload(answer)) if as_json else render_license(answer)

    @app.command("hardware")
    def hardware_cmd(as_json: bool = JsonOpt) -> None:
        """What this machine has, as the advisor will use it."""
        found = detect()
        spec, assumptions = found.resolve(load_catalog())
        if as_json:
            from dataclasses import asdict
            print_json({**asdict(found), "profile": spec.model_dump(mode="json"), "gpu_memory_gb": found.gpu_memory_gb,
                        "profile_assumptions": list(assumptions)})
            return
        table = Table(title="This machine", show_header=False)
        table.add_column(style="bold")
        table.add_column()
        table.add_row("system", found.system)
        table.add_row("cpu", f"{found.cpu} ({found.physical_cores} physical / {found.logical_cores} logical cores)")
        table.add_row("ram", f"{found.ram_gb} GB" if found.ram_gb else "unknown")
        table.add_row("gpus", ", ".join(f"{g.name} ({'integrated' if g.integrated else f'{g.memory_gb} GB'})"
                                        for g in found.gpus) or "none detected")
        if len(found.discrete_gpus) > 1:
            table.add_row("gpu memory", f"{found.gpu_memory_gb:g} GB on {len(found.discrete_gpus)} cards")
        if found.memory:
            table.add_row("memory", f"{found.memory.label}, {found.memory.modules} modules ({found.memory.source})")
        if found.apple_chip:
            table.add_row("apple chip", found.apple_chip)
        table.add_row("profile", spec.model_dump_json(exclude_defaults=True))
        for note in found.notes:
            table.add_row("note", note)
        for assumption in assumptions:
            table.add_row("assumed", assumption)
        console.print(table)
