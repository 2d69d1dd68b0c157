"""Detect this machine: RAM, CPU, NVIDIA GPUs and Apple chips.

The one module in tools/ that touches the system, kept apart so the estimator stays pure.
Every probe may be missing (no nvidia-smi, not a Mac, no /proc): each failure is recorded
as a note and the rest of the profile still comes back.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.schema import Catalog
from tools.errors import UnknownName
from tools.requests import HardwareSpec
from tools.resolve import resolve_hardware

GIB = 2**30


@dataclass(frozen=True)
class GpuInfo:
    name: str
    memory_gb: float


@dataclass(frozen=True)
class DetectedHardware:
    system: str
    cpu: str
    physical_cores: int
    logical_cores: int
    ram_gb: float | None
    gpus: tuple[GpuInfo, ...] = ()
    apple_chip: str | None = None
    notes: tuple[str, ...] = field(default=())

    def as_spec(self, catalog: Catalog) -> HardwareSpec:
        """The request a question about 'my machine' should use."""
        if self.apple_chip:
            try:
                resolve_hardware(self.apple_chip, catalog)
                return HardwareSpec(gpu=self.apple_chip, ram_gb=self.ram_gb)
            except UnknownName:
                pass
        if self.gpus:
            first = self.gpus[0]
            try:
                resolve_hardware(first.name, catalog)
                return HardwareSpec(gpu=first.name, gpus=len(self.gpus), ram_gb=self.ram_gb)
            except UnknownName:
                return HardwareSpec(vram_gb=first.memory_gb, gpus=len(self.gpus), ram_gb=self.ram_gb)
        return HardwareSpec(cpu_only=True, ram_gb=self.ram_gb)


def _run(args: list[str]) -> str | None:
    if shutil.which(args[0]) is None:
        return None
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=5, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def _ram_gb(notes: list[str]) -> float | None:
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        return round(pages * size / GIB, 1)
    except (ValueError, OSError, AttributeError):
        pass
    memsize = _run(["sysctl", "-n", "hw.memsize"])
    if memsize and memsize.isdigit():
        return round(int(memsize) / GIB, 1)
    notes.append("RAM size could not be read")
    return None


def _cpu(notes: list[str]) -> tuple[str, int]:
    cpuinfo = Path("/proc/cpuinfo")
    logical = os.cpu_count() or 1
    if cpuinfo.exists():
        text = cpuinfo.read_text(errors="replace")
        name = re.search(r"model name\s*:\s*(.+)", text)
        cores = {(p, c) for p, c in re.findall(r"physical id\s*:\s*(\d+).*?core id\s*:\s*(\d+)", text, re.S)}
        return (name.group(1).strip() if name else platform.processor() or "unknown CPU"), len(cores) or logical
    brand = _run(["sysctl", "-n", "machdep.cpu.brand_string"])
    physical = _run(["sysctl", "-n", "hw.physicalcpu"])
    if brand is None:
        notes.append("CPU model could not be read")
    return brand or platform.processor() or "unknown CPU", int(physical) if physical and physical.isdigit() else logical


def _nvidia(notes: list[str]) -> tuple[GpuInfo, ...]:
    out = _run(["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader,nounits"])
    if out is None:
        notes.append("no NVIDIA GPU found (nvidia-smi not available)")
        return ()
    gpus = []
    for line in out.splitlines():
        name, _, mib = line.rpartition(",")
        if name and mib.strip().isdigit():
            gpus.append(GpuInfo(name=name.strip(), memory_gb=round(int(mib) / 1024, 1)))
    return tuple(gpus)


def _apple_chip(cpu: str) -> str | None:
    if platform.system() != "Darwin":
        return None
    match = re.search(r"Apple (M\d+(?: Pro| Max| Ultra)?)", cpu)
    return match.group(1) if match else None


def detect() -> DetectedHardware:
    notes: list[str] = []
    cpu, physical = _cpu(notes)
    return DetectedHardware(
        system=f"{platform.system()} {platform.machine()}",
        cpu=cpu,
        physical_cores=physical,
        logical_cores=os.cpu_count() or physical,
        ram_gb=_ram_gb(notes),
        gpus=_nvidia(notes),
        apple_chip=_apple_chip(cpu),
        notes=tuple(notes),
    )
