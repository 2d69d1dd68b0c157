"""Map a CPU's name ("AMD Ryzen 7 8840U w/ Radeon 780M Graphics", "Intel(R) Core(TM) i5-9500")
to a CPU record of the hardware catalog.

A CPU's llama.cpp speed depends on its memory and cores, which its name implies: an 8th-gen
Core desktop has dual-channel DDR4-2666, a Ryzen 7040 laptop LPDDR5, an EPYC 9004 twelve
channels of DDR5. The catalog holds some chips by name; for the rest the family decides the
platform record, and the match says it was a guess so every estimate can list it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.schema import Catalog, Hardware
from tools.errors import UnknownName
from tools.resolve import resolve_hardware

# Trademark noise and the iGPU suffix that CPU brand strings carry.
_NOISE = re.compile(r"\((?:r|tm)\)|\b(?:cpu|processor|\d+-core)\b|@.*$|\bw/.*$|\bwith radeon.*$", re.IGNORECASE)


@dataclass(frozen=True)
class CpuMatch:
    hardware: Hardware
    guessed: bool
    note: str  # how the record was chosen, written for the person


def clean_cpu_name(name: str) -> str:
    """'Intel(R) Core(TM) i5-9500 CPU @ 3.00GHz' -> 'Intel Core i5-9500'."""
    text = _NOISE.sub(" ", name)
    text = re.sub(r"\b\d+(?:st|nd|rd|th) gen\b", " ", text, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).strip(" -,")


# Family rules: pattern over the cleaned, lower-cased name -> (catalog id, what the family implies).
# Checked in order; the first match wins. Sources for the memory each family supports are the
# vendors' spec tables cited on the platform records in knowledge/data/hardware.yaml.
_FAMILIES: tuple[tuple[str, str, str], ...] = (
    (r"raspberry pi 5|cortex-a76", "raspberry-pi-5", "Raspberry Pi 5 class board"),
    (r"snapdragon x|x1e-|x1p-|oryon", "snapdragon-x-elite", "Snapdragon X laptop"),
    (r"ryzen ai max", "cpu-lpddr5x-8000-256", "Strix Halo: 256-bit LPDDR5X-8000"),
    (r"ryzen ai \d|ryzen ai \d+ hx", "ryzen-ai-9-hx-370", "Ryzen AI 300 laptop chip"),
    (r"threadripper pro", "cpu-server-8ch-ddr4-3200", "Threadripper PRO: 8-channel DDR4"),
    (r"threadripper", "threadripper-3970x", "Threadripper: 4-channel DDR4-3200"),
    (r"epyc \d{2}\d?[45]\b|epyc 9\d{2}4|genoa", "cpu-epyc-genoa", "EPYC 9004: 12-channel DDR5-4800"),
    (r"epyc 9\d{2}5|turin", "cpu-epyc-turin", "EPYC 9005: 12-channel DDR5-6000"),
    (r"epyc", "cpu-server-8ch-ddr4-3200", "EPYC 7002/7003: 8-channel DDR4-3200"),
    (r"xeon.*\b[2-9]4\d\d|xeon.*\b[2-9]5\d\d|xeon w[579]?-[23]4", "cpu-server-8ch-ddr5-4800", "4th/5th-gen Xeon: 8-channel DDR5-4800"),
    (r"xeon", "cpu-server-8ch-ddr4-3200", "older Xeon: 6-8 channels of DDR4"),
    (r"ryzen z1 extreme", "ryzen-z1-extreme", "Ryzen Z1 Extreme handheld"),
    (r"ryzen z1", "ryzen-z1", "Ryzen Z1 handheld"),
    (r"ryzen \d (?:pro )?[78][56][34]\dh?[su]?\b", "ryzen-5-8640u", "Ryzen 5 7040/8040 laptop chip (Radeon 760M)"),
    (r"ryzen \d (?:pro )?[78]\d[34]\dh?[su]?\b", "ryzen-7-8840u", "Ryzen 7040/8040 laptop chip: LPDDR5 on 128 bits"),
    (r"ryzen \d (?:pro )?6\d\d\d[uh]", "cpu-lpddr5-6400", "Ryzen 6000 laptop chip: LPDDR5-6400"),
    (r"ryzen \d (?:pro )?[5-7]\d\d\d[uh]", "cpu-ddr4-3200", "older Ryzen laptop chip: DDR4-3200"),
    (r"ryzen \d (?:pro )?9\d\d\d", "cpu-ddr5-6400", "Ryzen 9000 desktop: DDR5"),
    (r"ryzen \d (?:pro )?[78]\d\d\d", "cpu-ddr5-5600", "Ryzen 7000/8000 desktop: DDR5-5600"),
    (r"ryzen \d (?:pro )?[1-5]\d\d\d", "cpu-ddr4-3200", "Ryzen 1000-5000 desktop: DDR4"),
    (r"core ultra \d 2\d\dv", "core-ultra-7-258v", "Lunar Lake: LPDDR5X-8533 on package"),
    (r"core ultra \d 2\d\d", "cpu-ddr5-6400", "Arrow Lake: DDR5-6400"),
    (r"core ultra", "core-ultra-7-155h", "Meteor Lake laptop chip: LPDDR5X"),
    (r"\b(?:n\d{2,3}|n[12]\d\d\d)\b|celeron|pentium", "intel-n100", "Intel N-series: one memory channel"),
    (r"i\d-1[2-4]\d\d(?:\d|[a-z])", "cpu-ddr5-4800", "12th-14th-gen Core: DDR5-4800 (some boards use DDR4-3200)"),
    (r"i\d-1[01]\d\d(?:\d|[a-z])", "cpu-ddr4-3200", "10th/11th-gen Core: DDR4-3200"),
    (r"i\d-[6-9]\d\d\d", "cpu-ddr4-2666", "6th-9th-gen Core: DDR4-2666"),
    (r"i\d-[2-5]\d\d\d", "cpu-ddr3-1600", "2nd-5th-gen Core: DDR3-1600"),
    (r"rk3588|orange pi 5|rock 5", "rockchip-rk3588", "RK3588 board: 64-bit LPDDR4X"),
)


def match_cpu(name: str, catalog: Catalog) -> CpuMatch | None:
    """The catalog's CPU record for this name: by name when it is there, else by its family; None if unknown."""
    cleaned = clean_cpu_name(name)
    if not cleaned:
        return None
    try:
        hw = resolve_hardware(cleaned, catalog).hardware
        if hw.kind == "cpu" or hw.backend == "cpu":
            return CpuMatch(hw, False, f"CPU {cleaned!r} is the catalog's {hw.name}")
    except UnknownName:
        pass
    low = cleaned.lower()
    by_id = {h.id: h for h in catalog.hardware}
    for pattern, hw_id, family in _FAMILIES:
        if re.search(pattern, low) and hw_id in by_id:
            hw = by_id[hw_id]
            return CpuMatch(hw, True, f"CPU {cleaned!r} is not in the catalog by name; assumed a {family} "
                                      f"({hw.name}: memory and core count are that record's)")
    return None


def igpu_of(name: str, catalog: Catalog) -> Hardware | None:
    """The integrated-GPU record for a chip named by its CPU ("Ryzen 7 8840U" -> Radeon 780M), or None.

    A GPU backend (Vulkan, ROCm, SYCL) on a CPU name means its iGPU ran the model.
    """
    match = match_cpu(name, catalog)
    if match is None or match.hardware.igpu_id is None:
        return None
    return next((h for h in catalog.hardware if h.id == match.hardware.igpu_id), None)
