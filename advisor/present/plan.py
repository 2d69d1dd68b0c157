"""Words for a plan (tools/plan.py): what it takes to run one model, and the least hardware that does.

A plan answers "what do I need for X?", so its verdict leads with the GPU memory to run the
model fully on a GPU and the card size that holds it, then the cheaper way (MoE experts or
layers in system RAM), then the device with the least memory that meets the request. Needs are
in GB of 10^9 bytes; cards are named by the size they are sold with ("a 24 GB card" holds 24
GiB), and the text says so once rather than mixing the two silently.
"""

from __future__ import annotations

import math

from tools.plan import DeviceOption, ModeNeed, PlanResult

from advisor.present import generic
from advisor.present.grid import Grid
from advisor.present.words import NONE, fit_label, gb, tps

# How each run mode reads inside a sentence ("... needs 5.38 GB on the GPU with its MoE experts in system RAM").
MODE_PHRASES: dict[str, str] = {
    "full_gpu": "fully on a GPU",
    "moe_offload": "with its MoE experts in system RAM",
    "gpu_cpu_offload": "with layers offloaded to system RAM",
    "cpu_only": "on the CPU alone",
}
# ... and in a table cell or a list in the model's text.
MODE_LABELS: dict[str, str] = {
    "full_gpu": "full GPU",
    "moe_offload": "MoE experts in RAM",
    "gpu_cpu_offload": "layers in RAM",
    "cpu_only": "CPU only",
}
DEVICES_IN_TEXT = 3  # devices the model reads (each ~20 prompt tokens); the tables show all the plan holds
KNOWN = frozenset({"model", "model_name", "quant", "context", "target_tps", "ram_gb", "memory_unit", "modes",
                   "devices", "assumptions"})


def _label(mode: str) -> str:
    return MODE_LABELS.get(mode, fit_label(mode))


def _mode(result: PlanResult, mode: str) -> ModeNeed | None:
    return next((m for m in result.modes if m.mode == mode), None)


def card_size(need: ModeNeed) -> str | None:
    """'cards sold with 24 GB or more in total': sold sizes are whole GiB, and 95% of one is usable.

    "In total" because past the largest single card the need is met by two or more."""
    if need.smallest_card_gib is None:
        return None
    return f"cards sold with {math.ceil(round(need.smallest_card_gib, 1)):g} GB or more in total"


def _device(device: DeviceOption) -> str:
    return f"{device.device} ({device.memory_gib:g} GB, {_label(device.fit)}, {tps(device.decode_tps)})"


def _speed_asked(result: PlanResult) -> str:
    return f" at {result.target_tps:g} tok/s or more" if result.target_tps is not None else ""


def verdict(result: PlanResult) -> str:
    """GPU memory for the fastest way, the cheaper way, and the least hardware: one sentence."""
    head = f"{result.model_name} at {result.quant} with {result.context:,} tokens of context"
    full = _mode(result, "full_gpu")
    parts = []
    if full is not None:
        card = card_size(full)
        parts.append(f"{head} needs {gb(full.gpu_gb)} of GPU memory to run {MODE_PHRASES['full_gpu']}"
                     + (f" ({card})" if card else ""))
    else:
        parts.append(head)
    moe = _mode(result, "moe_offload")
    if moe is not None:
        parts.append(f"{MODE_PHRASES['moe_offload']}, {gb(moe.gpu_gb)} on the GPU plus {gb(moe.ram_gb)} of RAM")
    if result.devices:
        parts.append(f"the least memory that runs it{_speed_asked(result)}: {_device(result.devices[0])}")
    else:
        parts.append(f"no catalog device runs it{_speed_asked(result)}")
    return "; ".join(parts) + "."


def summary(result: PlanResult) -> str:
    """'Qwen3-32B Q4_K_M: 23.54 GB all on GPU; least: NVIDIA GeForce RTX 4060 (8 GB)' for a collapsed block."""
    full = _mode(result, "full_gpu")
    line = f"{result.model_name} {result.quant}" + (f": {gb(full.gpu_gb)} all on GPU" if full else "")
    if not result.devices:
        return line + f"; no device{_speed_asked(result)}"
    first = result.devices[0]
    return line + f"; least: {first.device} ({first.memory_gib:g} GB)"


def _mode_row(need: ModeNeed) -> tuple[str, ...]:
    card = card_size(need)
    return (_label(need.mode), gb(need.gpu_gb) if need.gpu_gb else NONE,
            gb(need.ram_gb) if need.ram_gb else NONE, NONE, need.note + (f"; {card}" if card else ""))


def _device_row(device: DeviceOption) -> tuple[str, ...]:
    how = _label(device.fit) + (f", {device.cpu_moe_layers} expert layers on the CPU" if device.cpu_moe_layers else "")
    return (device.device, f"{device.memory_gib:g} GB card", NONE, tps(device.decode_tps),
            how + (f"\n{device.llama_server}" if device.llama_server else ""))


def table(result: PlanResult) -> Grid:
    """Each way to run it with its memory, then each device with its speed and command."""
    rows = [_mode_row(m) for m in result.modes] + [_device_row(d) for d in result.devices]
    rows += [(name, generic.show(value), NONE, NONE, "") for name, value in generic.extra_fields(result, KNOWN)]
    caption = f"{result.model_name} · {result.quant} · {result.context:,} tokens. " + "; ".join(result.assumptions)
    return Grid(("way to run / device", "GPU memory", "system RAM", "speed", "how"), rows, caption=caption)


def brief_table(result: PlanResult) -> Grid:
    """The memory each way of running needs: what the fallback answer shows under the verdict."""
    return Grid(("way to run", "GPU memory", "system RAM"), [
        (_label(m.mode), gb(m.gpu_gb), gb(m.ram_gb)) for m in result.modes])


def sentences(result: PlanResult) -> list[str]:
    """What a perfect answer says about this plan (the eval oracle's answer)."""
    return [verdict(result)]


def model_text(result: PlanResult) -> str:
    """Verdict first (a follow-up sees only that line), then the ways, devices and one command; ~6 lines."""
    ways = "; ".join(
        f"{_label(m.mode)} " + (f"{gb(m.gpu_gb)} + {gb(m.ram_gb)}" if m.gpu_gb and m.ram_gb
                                                            else gb(m.gpu_gb or m.ram_gb))
        for m in result.modes)
    lines = [verdict(result), f"Ways to run it (GPU memory + system RAM): {ways}."]
    if result.devices:
        first, *others = result.devices[:DEVICES_IN_TEXT]
        if others:  # the first is in the verdict; the next ones say what more memory buys
            lines.append("Next: " + "; ".join(
                f"{d.device} ({d.memory_gib:g} GB, " + (f"{_label(d.fit)}, " if d.fit != first.fit else "")
                + f"{tps(d.decode_tps)})" for d in others) + ".")
        if first.llama_server:
            lines.append(f"Command on the {first.device}: {first.llama_server}")
    ram = f"Offload ways assume {gb(result.ram_gb)} of RAM. " if result.ram_gb else ""
    lines.append(f"{ram}Needs in GB of 10^9 bytes; cards by sold size. Advisor's estimates.")
    return "\n".join(lines)
