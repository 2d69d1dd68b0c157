"""CPU and integrated-GPU speed: the memory bound, unless the cores cannot keep up.

On a discrete GPU decode is bound by memory bandwidth and the compute units idle. A CPU or
a small iGPU is different: decode still reads every active weight per token, but four E-cores
or four RDNA compute units cannot do the dequantise-and-dot work as fast as the memory
delivers it (an N100 reaches about 40 % of its one channel). Prefill multiplies a whole
prompt at once, so it is bound by arithmetic everywhere. This module adds both bounds to the
bandwidth model of tools.estimate, from what the catalog says about the chip: core count and
peak FP32 rate (`cpu`) or the iGPU's shader rate and its share of system RAM (`igpu`).

The four shares below are fitted to evals/data/cpu_igpu_speeds.csv (public llama-bench rows,
each with its source); `python -m evals.cpu_eval --fit` prints them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from knowledge.schema import Hardware

if TYPE_CHECKING:  # tools.shapes imports this module; the types are only for annotations
    from tools.shapes import Device, ModelShape

# Share of peak FP32 FLOP/s that llama.cpp reaches, per kind of chip and phase (2 FLOP per
# active parameter per token). Decode is matrix-vector work, far from peak; prefill batches
# whole prompts into matrix-matrix work. Fitted to evals/data/cpu_igpu_speeds.csv.
DECODE_FLOP_SHARE = {"cpu": 0.25, "igpu": 0.05}
PREFILL_FLOP_SHARE = {"cpu": 0.8, "igpu": 0.5}


@dataclass(frozen=True)
class Compute:
    """The arithmetic side of a chip: what bounds prefill, and decode on few or small cores."""

    kind: Literal["cpu", "igpu"]
    gflops: float  # peak FP32 of the cores (cpu) or of the shader array (igpu)
    cores: int | None = None
    label: str = ""  # for assumptions: "6 cores, 749 GFLOP/s peak FP32"


def compute_of(hw: Hardware) -> Compute | None:
    """What the catalog says about a chip's arithmetic; None for discrete GPUs and Apple chips."""
    # The iGPU shares were fitted on Vulkan/SYCL runs; a CUDA iGPU (DGX Spark) keeps the GPU model.
    if hw.igpu is not None and hw.kind == "unified" and hw.backend in ("vulkan", "sycl"):
        return Compute("igpu", hw.igpu.fp32_gflops, None, f"integrated GPU, {hw.igpu.fp32_gflops:,.0f} GFLOP/s peak FP32")
    if hw.cpu is not None and (hw.kind == "cpu" or hw.backend == "cpu"):
        cores = hw.cpu.cores
        return Compute("cpu", hw.cpu.fp32_gflops, cores, f"{cores} cores ({hw.cpu.simd}), {hw.cpu.fp32_gflops:,.0f} GFLOP/s peak FP32")
    return None


def chip_notes(hw: Hardware) -> tuple[str, ...]:
    """Assumptions an estimate on this chip must state: its memory, its cores, the iGPU's RAM share."""
    notes: list[str] = []
    if hw.memory is not None:
        note = f" ({hw.memory.note})" if hw.memory.note else ""
        notes.append(f"memory: {hw.memory.type} on {hw.memory.bus_bits} bits = {hw.bandwidth_gbps:g} GB/s{note}")
    if hw.cpu is not None and (hw.kind == "cpu" or hw.backend == "cpu"):
        note = f"; {hw.cpu.note}" if hw.cpu.note else ""
        notes.append(f"CPU: {hw.cpu.cores} cores, {hw.cpu.fp32_gflops:,.0f} GFLOP/s peak FP32{note}")
    if hw.igpu is not None and hw.kind == "unified":
        notes.append(f"integrated GPU may use {hw.igpu.memory_share:.0%} of system RAM: {hw.igpu.share_note}")
    return tuple(notes)


def usable_share(hw: Hardware) -> float | None:
    """The iGPU's share of RAM (replaces the 75 % Apple default for unified memory); None otherwise."""
    return hw.igpu.memory_share if hw.igpu is not None and hw.kind == "unified" else None


def _flops_per_token(shape: "ModelShape") -> float:
    return 2 * shape.params_active_b * 1e9


def decode_floor_seconds(shape: "ModelShape", device: "Device") -> float:
    """Least time per generated token the chip's arithmetic allows; 0 when the catalog gives no rate."""
    compute = device.compute
    if compute is None:
        return 0.0
    return _flops_per_token(shape) / (compute.gflops * 1e9 * DECODE_FLOP_SHARE[compute.kind])


def bound_by_compute(shape: "ModelShape", device: "Device", *seconds: float) -> tuple[float, ...]:
    """Each decode time raised to the compute floor: a chip is as slow as its slower bound."""
    floor = decode_floor_seconds(shape, device)
    return tuple(max(s, floor) for s in seconds)


def prefill_tps(shape: "ModelShape", device: "Device") -> float | None:
    """Prompt tokens per second when arithmetic bounds prefill; None when the chip's rate is unknown."""
    compute = device.compute
    if compute is None:
        return None
    return compute.gflops * 1e9 * PREFILL_FLOP_SHARE[compute.kind] / _flops_per_token(shape)


def prefill_validated(device: "Device | None") -> bool:
    """Prefill is shown only where it was checked against measured rows: a CPU or iGPU whose
    arithmetic the catalog states (evals/data/cpu_igpu_speeds.csv, `python -m evals.cpu_eval`)."""
    return device is not None and device.compute is not None


ASSUMED_GHZ = 3.5  # all-core clock assumed when only a core count is known
ASSUMED_FLOP_PER_CYCLE = 32  # two 256-bit FMA pipes (AVX2 with FMA, Zen 2-5, Skylake and later)


def compute_of_spec(cores: int | None, gflops: float | None) -> tuple[Compute | None, tuple[str, ...]]:
    """A CPU's arithmetic from the request's own numbers (detected cores, or cores a person gave)."""
    if cores is None and gflops is None:
        return None, ()
    if gflops is None:
        gflops = cores * ASSUMED_GHZ * ASSUMED_FLOP_PER_CYCLE  # type: ignore[operator]
        return (Compute("cpu", gflops, cores, f"{cores} cores"),
                (f"CPU: {cores} cores at an assumed {ASSUMED_GHZ:g} GHz x {ASSUMED_FLOP_PER_CYCLE} FLOP/cycle "
                 f"= {gflops:,.0f} GFLOP/s peak FP32",))
    label = f"{cores} cores, " if cores else ""
    return Compute("cpu", gflops, cores, f"{label}{gflops:,.0f} GFLOP/s"), (
        f"CPU: {label}{gflops:,.0f} GFLOP/s peak FP32 (as detected)",)
