"""Detect this machine: CPU, RAM and its type, and every GPU (NVIDIA, AMD, Intel, Apple, integrated).

The one module in tools/ that touches the system, kept apart so the estimator stays pure.
Every probe may be missing (no nvidia-smi, no root for dmidecode, not a Mac, no /sys): each
failure is a note and the rest of the profile still comes back. All reads go through a
`Probe` (run a command, read a file), so tests feed recorded outputs instead of the host.

What was measured (a card's memory from nvidia-smi, the RAM from the kernel) is kept as
measured; what was inferred (a CPU's memory type from its family, an iGPU's share of RAM)
is listed in `assumptions`, and `as_spec` turns the result into the request an estimate uses.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from knowledge.schema import Catalog, Hardware
from tools.cpu_names import clean_cpu_name, match_cpu
from tools.errors import UnknownName
from tools.requests import HardwareSpec
from tools.resolve import resolve_hardware

GIB = 2**30
# RAM sizes sold; the kernel reports a little less than what is installed (firmware, iGPU carve-out).
_RAM_SIZES_GB = (4, 8, 12, 16, 18, 24, 32, 36, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536)
# PCI vendor ids in sysfs and lspci.
_VENDORS = {"0x10de": "NVIDIA", "0x1002": "AMD", "0x8086": "Intel"}
# An AMD GPU whose own VRAM is below this is an APU's BIOS carve-out, not a card.
_IGPU_VRAM_LIMIT_GIB = 4.5
# Names that mark an integrated GPU in lspci or rocm-smi output.
_IGPU_WORDS = re.compile(r"phoenix|rembrandt|hawk point|strix|krackan|raphael|granite ridge|cezanne|renoir|barcelo|"
                         r"lucienne|van gogh|mendocino|radeon (?:\d{3}m|graphics|vega)|iris|uhd|meteor lake|lunar lake|"
                         r"arrow lake|alder lake|raptor lake|tiger lake|arc graphics|arc\(tm\) graphics|xe graphics", re.IGNORECASE)


@dataclass(frozen=True)
class Probe:
    """How the probes reach the system; tests pass recorded outputs instead."""

    run: Callable[[list[str]], str | None]
    read: Callable[[str], str | None]
    glob: Callable[[str], list[str]]
    system: str  # platform.system(): Linux, Darwin, Windows


def _run(args: list[str]) -> str | None:
    if shutil.which(args[0]) is None:
        return None
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=5, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text(errors="replace")
    except OSError:
        return None


def _glob(pattern: str) -> list[str]:
    return sorted(str(p) for p in Path("/").glob(pattern.lstrip("/")))


HOST = Probe(run=_run, read=_read, glob=_glob, system=platform.system())


@dataclass(frozen=True)
class GpuInfo:
    name: str
    memory_gb: float  # GiB of the card's own memory, as the tool reported it (0 when unknown)
    vendor: str | None = None
    integrated: bool = False  # shares system RAM (APU, Intel iGPU, Apple)
    source: str = ""  # which probe saw it: nvidia-smi, rocm-smi, sysfs, lspci


@dataclass(frozen=True)
class MemoryInfo:
    """System memory as dmidecode (root) or system_profiler reports it."""

    type: str  # DDR4, DDR5, LPDDR5 ...
    speed_mt_s: int | None
    modules: int
    source: str

    @property
    def label(self) -> str:
        return f"{self.type}-{self.speed_mt_s}" if self.speed_mt_s else self.type


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
    memory: MemoryInfo | None = None
    virtualized: bool = False
    assumptions: tuple[str, ...] = field(default=())
    cpu_ghz: float | None = None  # all-core clock: lscpu's max MHz, else /proc/cpuinfo, else BogoMIPS / 2
    cpu_flop_per_cycle: int | None = None  # FP32 per core per cycle from the SIMD flags (32 = two 256-bit FMA)

    @property
    def cpu_gflops(self) -> float | None:
        if self.cpu_ghz is None or self.cpu_flop_per_cycle is None:
            return None
        return round(self.physical_cores * self.cpu_ghz * self.cpu_flop_per_cycle, 0)

    def _cores(self, notes: list[str]) -> dict:
        """The request fields for this CPU's own cores, with how the rate was read."""
        if self.cpu_gflops is None:
            return {"cpu_cores": self.physical_cores}
        notes.append(f"CPU: {self.physical_cores} cores at {self.cpu_ghz:g} GHz x {self.cpu_flop_per_cycle} FLOP/cycle "
                     f"(from its SIMD flags) = {self.cpu_gflops:,.0f} GFLOP/s peak FP32")
        return {"cpu_cores": self.physical_cores, "cpu_gflops": self.cpu_gflops}

    @property
    def discrete_gpus(self) -> tuple[GpuInfo, ...]:
        return tuple(g for g in self.gpus if not g.integrated)

    @property
    def integrated_gpu(self) -> GpuInfo | None:
        return next((g for g in self.gpus if g.integrated), None)

    @property
    def gpu_memory_gb(self) -> float:
        """Memory of all discrete cards together, GiB."""
        return round(sum(g.memory_gb for g in self.discrete_gpus), 1)

    def as_spec(self, catalog: Catalog) -> HardwareSpec:
        """The request a question about 'my machine' should use."""
        return self.resolve(catalog)[0]

    def resolve(self, catalog: Catalog) -> tuple[HardwareSpec, tuple[str, ...]]:
        """The request for this machine and every assumption made to build it."""
        notes: list[str] = list(self.assumptions)
        if self.apple_chip:
            spec = _apple_spec(self.apple_chip, self.ram_gb, catalog, notes)
            if spec is not None:
                return spec, tuple(notes)
        if self.discrete_gpus:
            return _gpu_spec(self.discrete_gpus, self.ram_gb, catalog, notes), tuple(notes)
        igpu = _igpu_record(self, catalog)
        if igpu is not None and igpu.igpu is not None and self.ram_gb:
            size = _ram_size(self.ram_gb)
            notes.append(f"the integrated GPU ({igpu.name}) runs the model from system RAM ({size:g} GB installed, "
                         f"{self.ram_gb:g} GiB reported)")
            spec = _named(igpu, size, catalog, notes)
            return spec.model_copy(update={"ram_gb": self.ram_gb}), tuple(notes)
        cpu = _cpu_record(self, catalog, notes)
        if cpu is not None:
            return HardwareSpec(gpu=cpu.id, ram_gb=self.ram_gb, **self._cores(notes)), tuple(notes)
        if self.ram_gb is None:
            return HardwareSpec(), tuple(notes)
        return HardwareSpec(cpu_only=True, ram_gb=self.ram_gb, **self._cores(notes)), tuple(notes)


# --- from detection to a request -----------------------------------------------------------

def _ram_size(reported_gib: float) -> float:
    """Installed size from what the kernel reports: the smallest sold size not below it."""
    return next((s for s in _RAM_SIZES_GB if s >= reported_gib * 0.97), reported_gib)


def _named(hw: Hardware, memory: float, catalog: Catalog, notes: list[str], label: str | None = None) -> HardwareSpec:
    """A catalog device at the detected memory size: its tier if sold so, else its raw numbers.

    `label` is the name as detected ('NVIDIA GeForce RTX 4090', 'M4 Max'), kept where it resolves.
    """
    name = label or hw.name
    if memory == hw.memory_gb:
        return HardwareSpec(gpu=name)
    if memory in hw.memory_options_gb:
        return HardwareSpec(gpu=f"{name} {memory:g}GB")
    if hw.kind == "discrete":
        notes.append(f"{hw.name} detected with {memory:g} GB, a size the catalog does not list; "
                     f"its {hw.bandwidth_gbps:g} GB/s bandwidth and {hw.backend} backend are kept")
        return HardwareSpec(vram_gb=memory, bandwidth_gbps=hw.bandwidth_gbps, gpu_backend=None if hw.backend == "cpu" else hw.backend)
    nearest = min((hw.memory_gb, *hw.memory_options_gb), key=lambda s: abs(s - memory))
    notes.append(f"{hw.name} with {memory:g} GB is not a catalog size; estimated as its {nearest:g} GB tier")
    return HardwareSpec(gpu=hw.name if nearest == hw.memory_gb else f"{hw.name} {nearest:g}GB")


def _apple_spec(chip: str, ram_gb: float | None, catalog: Catalog, notes: list[str]) -> HardwareSpec | None:
    try:
        hw = resolve_hardware(chip, catalog).hardware
    except UnknownName:
        notes.append(f"Apple {chip} is not in the catalog")
        return None
    if ram_gb is None:
        notes.append(f"RAM size unknown; {hw.name} estimated at its {hw.memory_gb:g} GB tier")
        return HardwareSpec(gpu=hw.name)
    spec = _named(hw, _ram_size(ram_gb), catalog, notes, label=chip)
    return spec.model_copy(update={"ram_gb": ram_gb})


def _resolve_card(gpu: GpuInfo, catalog: Catalog) -> Hardware | None:
    """The catalog record of a detected GPU. lspci lists a die's variants together
    ('Radeon RX 7900 XT/7900 XTX/7900 GRE'): the variant with the detected memory wins."""
    first, *others = gpu.name.split("/")
    prefix = first.rsplit(" ", 1)[0] + " " if " " in first else ""
    found = []
    for variant in [first, *(prefix + o.strip() for o in others)]:
        try:
            found.append(resolve_hardware(variant, catalog).hardware)
        except UnknownName:
            continue
    if len(found) > 1 and gpu.memory_gb:
        sized = [h for h in found if round(gpu.memory_gb) in (h.memory_gb, *h.memory_options_gb)]
        found = sized or found
    return found[0] if found else None


def _gpu_spec(gpus: tuple[GpuInfo, ...], ram_gb: float | None, catalog: Catalog, notes: list[str]) -> HardwareSpec:
    """One card or several of one kind by name (at the detected size); mixed cards by their numbers."""
    records = [_resolve_card(g, catalog) for g in gpus]
    names = {g.name for g in gpus}
    if len(names) == 1:
        card, hw = gpus[0], records[0]
        if hw is None:
            notes.append(f"{card.name} is not in the catalog: its bandwidth is unknown, so no speed estimate")
            return HardwareSpec(vram_gb=card.memory_gb or None, gpus=len(gpus), ram_gb=ram_gb,
                                gpu_backend=_BACKEND_OF.get(card.vendor or ""))
        memory = card.memory_gb or hw.memory_gb
        if not card.memory_gb:
            notes.append(f"{card.name}: memory size not reported; the catalog's {hw.memory_gb:g} GB assumed")
        label = card.name if "/" not in card.name else None  # lspci variant lists are not names
        spec = _named(hw, round(memory), catalog, notes, label=label)
        return spec.model_copy(update={"gpus": len(gpus), "ram_gb": ram_gb})
    # Mixed cards: a layer split gives each card layers in proportion to its memory, so a token
    # takes sum(share_i / bandwidth_i); the equivalent bandwidth is their memory-weighted harmonic mean.
    total = sum(g.memory_gb for g in gpus)
    known = [(g, hw) for g, hw in zip(gpus, records) if hw is not None]
    per_card = round(total / len(gpus), 1)
    if len(known) == len(gpus) and total > 0:
        bandwidth = total / sum(g.memory_gb / hw.bandwidth_gbps for g, hw in known)
        backends = {hw.backend for _, hw in known}
        backend = backends.pop() if len(backends) == 1 else "vulkan"
        mixed = " (mixed vendors run together through Vulkan)" if backend == "vulkan" and len(backends) > 1 else ""
        notes.append(f"{len(gpus)} different GPUs ({', '.join(sorted(names))}; {total:g} GB together): treated as "
                     f"{len(gpus)} x {per_card:g} GB at {bandwidth:.0f} GB/s, the memory-weighted harmonic mean of their "
                     f"bandwidths, on the {backend} backend{mixed}")
        return HardwareSpec(vram_gb=per_card, bandwidth_gbps=round(bandwidth, 1), gpus=len(gpus), ram_gb=ram_gb,
                            gpu_backend=backend)  # type: ignore[arg-type]
    unknown = ", ".join(g.name for g, hw in zip(gpus, records) if hw is None)
    notes.append(f"{len(gpus)} different GPUs ({total:g} GB together); {unknown} not in the catalog, so no speed estimate")
    return HardwareSpec(vram_gb=per_card, gpus=len(gpus), ram_gb=ram_gb)


_BACKEND_OF = {"NVIDIA": "cuda", "AMD": "rocm", "Intel": "sycl"}


def _igpu_record(found: DetectedHardware, catalog: Catalog) -> Hardware | None:
    """The catalog record of this machine's integrated GPU, when llama.cpp runs well on it."""
    match = match_cpu(found.cpu, catalog) if not found.virtualized else None
    by_id = {h.id: h for h in catalog.hardware}
    record = by_id.get(match.hardware.igpu_id) if match and match.hardware.igpu_id else None
    igpu = found.integrated_gpu
    if record is None and igpu is not None:
        record = _resolve_card(igpu, catalog)
    if record is None or record.igpu is None:
        return None
    # An iGPU slower than the CPU cores beside it is not worth using (Intel UHD next to six cores).
    cpu = match.hardware.cpu if match else None
    if cpu is not None and record.igpu.fp32_gflops < 2 * cpu.fp32_gflops:
        return None
    return record


def _cpu_record(found: DetectedHardware, catalog: Catalog, notes: list[str]) -> Hardware | None:
    if found.virtualized:
        notes.append(f"virtual machine ({found.physical_cores} cores of {found.cpu!r}): the host's memory is not visible, "
                     "so RAM bandwidth is assumed; `advisor bench` measures this machine instead")
        return None
    match = match_cpu(found.cpu, catalog)
    if match is None:
        notes.append(f"CPU {found.cpu!r} is not in the catalog; RAM bandwidth assumed")
        return None
    record = match.hardware
    if match.guessed:
        notes.append(match.note)
    if found.memory is not None and record.memory is not None and found.memory.label != record.memory.type:
        platform_record = _platform_for(found.memory, catalog)
        if platform_record is not None:
            notes.append(f"memory detected as {found.memory.label} ({found.memory.source}); using {platform_record.name} "
                         f"instead of {record.memory.type}")
            return platform_record
        notes.append(f"memory detected as {found.memory.label}, but {record.name} assumes {record.memory.type}")
    return record


def _platform_for(memory: MemoryInfo, catalog: Catalog) -> Hardware | None:
    """The generic platform record with this memory type, dual channel preferred."""
    fits = [h for h in catalog.hardware if h.kind == "cpu" and h.vendor == "generic" and h.memory is not None
            and h.memory.type == memory.label]
    return min(fits, key=lambda h: abs((h.memory.channels if h.memory else 2) - 2), default=None)


# --- the probes ----------------------------------------------------------------------------

def _ram_gb(probe: Probe, notes: list[str]) -> float | None:
    meminfo = probe.read("/proc/meminfo")
    if meminfo and (m := re.search(r"MemTotal:\s+(\d+)\s*kB", meminfo)):
        return round(int(m.group(1)) * 1024 / GIB, 1)
    memsize = probe.run(["sysctl", "-n", "hw.memsize"])
    if memsize and memsize.strip().isdigit():
        return round(int(memsize) / GIB, 1)
    if probe is HOST:
        try:
            return round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / GIB, 1)
        except (ValueError, OSError, AttributeError):
            pass
    notes.append("RAM size could not be read")
    return None


def _flop_per_cycle(flags: str) -> int | None:
    """FP32 FLOP per core per cycle from /proc/cpuinfo or lscpu flags (two FMA pipes of that width)."""
    words = set(flags.lower().split())
    if not words:
        return None
    if {"avx2", "fma"} <= words or "avx512f" in words:
        return 32  # two 256-bit FMA pipes (client AVX-512 parts run it at that rate too)
    if "avx" in words:
        return 16
    if "asimd" in words:
        return 16  # two 128-bit NEON FMA pipes (Cortex-A76 class)
    return 8


def _clock_ghz(fields: dict[str, str], cpuinfo: str | None) -> float | None:
    for key in ("CPU max MHz", "CPU MHz"):
        value = fields.get(key, "").replace(",", ".")
        if re.fullmatch(r"[\d.]+", value) and float(value) > 0:
            return round(float(value) / 1000, 2)
    if cpuinfo and (m := re.search(r"^cpu MHz\s*:\s*([\d.]+)", cpuinfo, re.M)):
        return round(float(m.group(1)) / 1000, 2)
    bogo = fields.get("BogoMIPS", "")
    if re.fullmatch(r"[\d.]+", bogo) and float(bogo) > 500:
        return round(float(bogo) / 2000, 2)  # x86 BogoMIPS is twice the clock in MHz
    return None


def _cpu(probe: Probe, notes: list[str]) -> tuple[str, int, int, bool, float | None, int | None]:
    """Model name, physical and logical cores, a hypervisor underneath, clock (GHz) and FLOP per cycle."""
    lscpu = probe.run(["lscpu"])
    if lscpu:
        fields = dict((k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in lscpu.splitlines()) if v)
        name = fields.get("Model name", "unknown CPU")
        logical = int(fields.get("CPU(s)", "1") or 1)
        per_socket = int(fields.get("Core(s) per socket", "0") or 0)
        sockets = int(fields.get("Socket(s)", "1") or 1)
        virtual = "Hypervisor vendor" in fields or " hypervisor" in f" {fields.get('Flags', '')} "
        return (name, per_socket * sockets or logical, logical, virtual, _clock_ghz(fields, probe.read("/proc/cpuinfo")),
                _flop_per_cycle(fields.get("Flags", "")))
    cpuinfo = probe.read("/proc/cpuinfo")
    if cpuinfo:
        name = re.search(r"model name\s*:\s*(.+)", cpuinfo)
        cores = {(p, c) for p, c in re.findall(r"physical id\s*:\s*(\d+).*?core id\s*:\s*(\d+)", cpuinfo, re.S)}
        logical = len(re.findall(r"^processor\s*:", cpuinfo, re.M)) or 1
        virtual = bool(re.search(r"^flags\s*:.*\bhypervisor\b", cpuinfo, re.M))
        flags = re.search(r"^(?:flags|Features)\s*:\s*(.*)$", cpuinfo, re.M)
        return ((name.group(1).strip() if name else "unknown CPU"), len(cores) or logical, logical, virtual,
                _clock_ghz({}, cpuinfo), _flop_per_cycle(flags.group(1) if flags else ""))
    brand = probe.run(["sysctl", "-n", "machdep.cpu.brand_string"])
    physical = probe.run(["sysctl", "-n", "hw.physicalcpu"])
    logical = probe.run(["sysctl", "-n", "hw.logicalcpu"])
    if brand is None:
        notes.append("CPU model could not be read")
    cores = int(physical) if physical and physical.strip().isdigit() else 1
    return brand or "unknown CPU", cores, int(logical) if logical and logical.strip().isdigit() else cores, False, None, None


def _memory(probe: Probe, notes: list[str]) -> MemoryInfo | None:
    """Memory type and speed: dmidecode on Linux (needs root), system_profiler on macOS."""
    out = probe.run(["dmidecode", "-t", "memory"])
    if out:
        devices = [block for block in out.split("\n\n") if "Memory Device" in block]
        populated = [b for b in devices if re.search(r"^\s*Size:\s*\d", b, re.M)]
        types = [m.group(1) for b in populated
                 if (m := re.search(r"^\s*Type:\s*(\S+)", b, re.M)) and m.group(1) not in ("Unknown", "Other")]
        speeds = [int(m.group(1)) for b in populated
                  if (m := re.search(r"^\s*Configured (?:Memory|Clock) Speed:\s*(\d+)", b, re.M))]
        if types:
            return MemoryInfo(type=types[0], speed_mt_s=min(speeds) if speeds else None, modules=len(populated), source="dmidecode")
    if probe.system == "Darwin":
        profile = probe.run(["system_profiler", "SPMemoryDataType"])
        if profile and (m := re.search(r"Type:\s*(\S+)", profile)):
            return MemoryInfo(type=m.group(1), speed_mt_s=None, modules=1, source="system_profiler")
        return None
    notes.append("memory type and speed not read (dmidecode missing or not run as root); taken from the CPU's catalog record")
    return None


def _nvidia(probe: Probe) -> list[GpuInfo]:
    out = probe.run(["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader,nounits"])
    gpus = []
    for line in (out or "").splitlines():
        name, _, mib = line.rpartition(",")
        if name and mib.strip().isdigit():
            gpus.append(GpuInfo(name=name.strip(), memory_gb=round(int(mib) / 1024, 1), vendor="NVIDIA", source="nvidia-smi"))
    return gpus


def _rocm(probe: Probe) -> list[GpuInfo]:
    """AMD GPUs from `rocm-smi --json`: name and VRAM in bytes per card."""
    out = probe.run(["rocm-smi", "--showproductname", "--showmeminfo", "vram", "--json"])
    if not out:
        return []
    try:
        cards = json.loads(out[out.index("{"):])
    except (ValueError, json.JSONDecodeError):
        return []
    gpus = []
    for key, card in sorted(cards.items()):
        if not key.startswith("card") or not isinstance(card, dict):
            continue
        keys = ("Card Series", "Card series", "Marketing Name", "Device Name", "Card model")
        name = next((card[k] for k in keys if card.get(k)), "AMD GPU")
        vram = next((card[k] for k in card if "VRAM Total Memory" in k), None)
        memory = round(int(vram) / GIB, 1) if vram and str(vram).isdigit() else 0.0
        integrated = bool(_IGPU_WORDS.search(name)) or 0 < memory < _IGPU_VRAM_LIMIT_GIB
        gpus.append(GpuInfo(name=_bracketed(name), memory_gb=0.0 if integrated else memory, vendor="AMD",
                            integrated=integrated, source="rocm-smi"))
    return gpus


_PCI_VENDOR_PREFIX = re.compile(r"^(?:Advanced Micro Devices, Inc\.\s*\[AMD/ATI\]|NVIDIA Corporation|Intel Corporation)\s*")


def _bracketed(name: str) -> str:
    """'Navi 31 [Radeon RX 7900 XTX]' -> 'Radeon RX 7900 XTX': lspci and rocm-smi put the product in brackets.

    The vendor's own bracket ('[AMD/ATI]') is dropped first; a chip with no product bracket
    keeps its code name ('Phoenix1').
    """
    rest = _PCI_VENDOR_PREFIX.sub("", name.strip())
    inside = re.findall(r"\[([^\]]+)\]", rest)
    return inside[-1].strip() if inside else rest.strip()


def _lspci_names(probe: Probe) -> dict[str, tuple[str, str]]:
    """PCI slot -> (vendor, product name) of display controllers, from `lspci`."""
    out = probe.run(["lspci"]) or ""
    found: dict[str, tuple[str, str]] = {}
    for line in out.splitlines():
        m = re.match(r"(\S+)\s+(?:VGA compatible controller|3D controller|Display controller):\s*(.+)", line)
        if not m:
            continue
        desc = m.group(2)
        vendor = "NVIDIA" if "NVIDIA" in desc else "AMD" if re.search(r"AMD|ATI", desc) else "Intel" if "Intel" in desc else "other"
        slot = m.group(1).split(":", 1)[-1] if m.group(1).count(":") > 1 else m.group(1)  # drop the PCI domain (lspci -D)
        found[slot] = (vendor, _bracketed(re.sub(r"\s*\(rev \w+\)$", "", desc)))
    return found


def _sysfs_gpus(probe: Probe, seen_vendors: set[str]) -> list[GpuInfo]:
    """AMD and Intel GPUs from /sys/class/drm (VRAM and GTT sizes), named by lspci.

    Vendors already reported by their own tool (nvidia-smi, rocm-smi) are skipped.
    """
    names = _lspci_names(probe)
    gpus: list[GpuInfo] = []
    for card in probe.glob("/sys/class/drm/card[0-9]"):
        vendor = _VENDORS.get((probe.read(f"{card}/device/vendor") or "").strip())
        if vendor is None or vendor in seen_vendors:
            continue
        uevent = probe.read(f"{card}/device/uevent") or ""
        slot = (re.search(r"PCI_SLOT_NAME=(?:[0-9a-f]{4}:)?(\S+)", uevent) or [None, ""])[1]
        name = names.get(slot, (vendor, f"{vendor} GPU"))[1]
        vram = (probe.read(f"{card}/device/mem_info_vram_total") or "").strip()
        memory = int(vram) / GIB if vram.isdigit() else 0.0
        integrated = bool(_IGPU_WORDS.search(name)) or (vendor == "AMD" and memory < _IGPU_VRAM_LIMIT_GIB) or (
            vendor == "Intel" and not re.search(r"\bArc\b.*\b[AB]\d{3}|\bArc Pro\b|DG2|Battlemage|BMG", name))
        gpus.append(GpuInfo(name=name, memory_gb=0.0 if integrated else round(memory, 1), vendor=vendor,
                            integrated=integrated, source="sysfs"))
    if not gpus:  # no sysfs (containers): lspci alone still names the GPUs
        for vendor, name in names.values():
            if vendor in ("AMD", "Intel") and vendor not in seen_vendors:
                integrated = bool(_IGPU_WORDS.search(name))
                gpus.append(GpuInfo(name=name, memory_gb=0.0, vendor=vendor, integrated=integrated, source="lspci"))
    return gpus


def _apple_chip(probe: Probe, cpu: str) -> str | None:
    if probe.system != "Darwin":
        return None
    match = re.search(r"Apple (M\d+(?: Pro| Max| Ultra)?)", cpu)
    return match.group(1) if match else None


def detect(probe: Probe = HOST) -> DetectedHardware:
    """Everything the probes can tell about this machine; what they cannot is in `notes`."""
    notes: list[str] = []
    cpu, physical, logical, virtual, ghz, flop = _cpu(probe, notes)
    gpus = _nvidia(probe)
    if not gpus:
        notes.append("no NVIDIA GPU found (nvidia-smi not available)")
    gpus += _rocm(probe)
    gpus += _sysfs_gpus(probe, {g.vendor for g in gpus if g.vendor})
    assumptions: list[str] = []
    for gpu in gpus:
        if not gpu.integrated and not gpu.memory_gb:
            assumptions.append(f"{gpu.name}: memory size not reported by {gpu.source}")
    ram = _ram_gb(probe, notes)
    memory = _memory(probe, notes)
    return DetectedHardware(
        system=f"{probe.system} {platform.machine()}" if probe is HOST else probe.system,
        cpu=clean_cpu_name(cpu) or cpu,
        physical_cores=physical,
        logical_cores=logical,
        ram_gb=ram,
        gpus=tuple(gpus),
        apple_chip=_apple_chip(probe, cpu),
        notes=tuple(notes),
        memory=memory,
        virtualized=virtual,
        assumptions=tuple(assumptions),
        cpu_ghz=ghz,
        cpu_flop_per_cycle=flop,
    )
