"""Test data shared by the TUI tests: terminal size, a fixed machine, a scripted turn."""

from __future__ import annotations

from typing import Any

from advisor.llm.scripted import tool_call
from tools.hardware_probe import DetectedHardware, GpuInfo

SIZE = (120, 36)

FIXED_MACHINE = DetectedHardware(
    system="Linux x86_64", cpu="Test CPU", physical_cores=8, logical_cores=16, ram_gb=64.0,
    gpus=(GpuInfo(name="NVIDIA GeForce RTX 4070 Ti SUPER", memory_gb=16.0),),
)

ESTIMATE_CALL = {"model": "qwen3-30b-a3b", "hardware": "RTX 4090"}
ANSWER = (
    "Qwen3-30B-A3B **fits** on an RTX 4090 at Q4_K_M.\n\n"
    "| quant | memory | speed |\n|---|---|---|\n| Q4_K_M | 20.73 GB | ~152.7 tok/s |\n"
)


def estimate_script() -> list[Any]:
    """One tool round, then an answer quoting the tool's figures."""
    return [tool_call("estimate", ESTIMATE_CALL), ANSWER]
