"""Hardware detection over recorded outputs of lscpu, nvidia-smi, rocm-smi, lspci, dmidecode,
sysctl and /sys (tests/tools/fixtures/hardware/<machine>/), never the host."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import load_catalog
from tools.estimate import estimate
from tools.hardware_probe import DetectedHardware, GpuInfo, Probe, detect
from tools.requests import EstimateRequest

FIXTURES = Path(__file__).parent / "fixtures" / "hardware"


def recorded(machine: str, system: str = "Linux") -> Probe:
    """A probe that answers from a machine's recorded outputs: cmd/<tool>.txt and fs/<path>."""
    root = FIXTURES / machine

    def run(args: list[str]) -> str | None:
        name = f"sysctl-{args[-1]}" if args[0] == "sysctl" else args[0]
        path = root / "cmd" / f"{name}.txt"
        return path.read_text() if path.exists() else None

    def read(path: str) -> str | None:
        file = root / "fs" / path.lstrip("/")
        return file.read_text() if file.exists() else None

    def glob(pattern: str) -> list[str]:
        base = root / "fs"
        return sorted("/" + str(p.relative_to(base)) for p in base.glob(pattern.lstrip("/")))

    return Probe(run=run, read=read, glob=glob, system=system)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_an_apu_laptop_is_its_cpu_and_its_integrated_gpu(catalog):
    found = detect(recorded("laptop_8840u"))
    assert found.cpu == "AMD Ryzen 7 8840U"
    assert (found.physical_cores, found.logical_cores, found.ram_gb) == (8, 16, 30.0)
    assert [(g.name, g.integrated, g.memory_gb) for g in found.gpus] == [("Phoenix1", True, 0.0)]
    spec, assumptions = found.resolve(catalog)
    assert spec.gpu == "AMD Radeon 780M (integrated)" and spec.ram_gb == 30.0
    assert any("780M (integrated)) runs the model from system RAM (32 GB installed" in a for a in assumptions)


def test_the_apu_estimate_states_the_share_of_ram_its_gpu_may_use(catalog):
    spec = detect(recorded("laptop_8840u")).as_spec(catalog)
    result = estimate(EstimateRequest(model="qwen3-8b", hardware=spec), catalog)
    assert result.fit == "unified_memory"
    assert any("may use 50% of system RAM" in a for a in result.assumptions)
    assert result.hardware.usable_gb == pytest.approx(32 * 2**30 * 0.5 / 1e9, abs=0.01)


def test_the_size_nvidia_smi_reports_is_kept_for_two_16_gb_cards(catalog):
    found = detect(recorded("nvidia_4060ti_16"))
    assert found.gpu_memory_gb == 32.0
    spec = found.as_spec(catalog)
    assert (spec.gpu, spec.gpus, spec.ram_gb) == ("NVIDIA GeForce RTX 4060 Ti 16GB", 2, 31.2)


def test_mixed_cards_are_described_per_card_and_in_total(catalog):
    found = detect(recorded("nvidia_mixed"))
    assert [(g.name, g.memory_gb) for g in found.gpus] == [("NVIDIA GeForce RTX 4090", 24.0), ("NVIDIA GeForce RTX 3090", 24.0)]
    assert found.gpu_memory_gb == 48.0
    spec, assumptions = found.resolve(catalog)
    assert (spec.vram_gb, spec.gpus, spec.gpu_backend) == (24.0, 2, "cuda")
    assert 936 < spec.bandwidth_gbps < 1008  # between the two cards' bandwidths
    assert any("2 different GPUs" in a and "48 GB together" in a for a in assumptions)


def test_rocm_smi_reports_the_card_and_leaves_out_the_cpus_integrated_gpu(catalog):
    found = detect(recorded("amd_rocm"))
    cards = [(g.name, g.memory_gb, g.integrated) for g in found.gpus]
    assert cards == [("Radeon RX 7900 XTX", 24.0, False), ("Raphael", 0.0, True)]
    assert found.as_spec(catalog).gpu == "Radeon RX 7900 XTX"


def test_sysfs_and_lspci_pick_the_variant_with_the_detected_memory(catalog):
    found = detect(recorded("amd_sysfs"))
    assert [(g.name, g.memory_gb, g.source) for g in found.gpus] == [("Radeon RX 7900 XT/7900 XTX/7900 GRE/7900M", 24.0, "sysfs")]
    assert found.as_spec(catalog).gpu == "AMD Radeon RX 7900 XTX"


def test_an_m4_max_with_36_gb_is_estimated_at_its_36_gb_tier(catalog):
    found = detect(recorded("apple_m4max_36", system="Darwin"))
    assert (found.apple_chip, found.ram_gb, found.memory.type) == ("M4 Max", 36.0, "LPDDR5")
    spec = found.as_spec(catalog)
    assert spec.gpu == "M4 Max 36GB" and spec.ram_gb == 36.0
    result = estimate(EstimateRequest(model="qwen3-8b", hardware=spec), catalog)
    assert result.hardware.memory_gb == 36


def test_an_intel_arc_card_is_found_without_a_memory_figure_and_the_igpu_is_set_aside(catalog):
    found = detect(recorded("intel_arc"))
    assert [(g.name, g.integrated) for g in found.gpus] == [("UHD Graphics 770", True), ("Arc A770", False)]
    spec, assumptions = found.resolve(catalog)
    assert spec.gpu == "Arc A770"
    assert any("memory size not reported" in a for a in assumptions)


def test_a_virtual_machine_is_not_mistaken_for_its_hosts_server_platform(catalog):
    found = detect(recorded("kvm_vm"))
    assert found.virtualized and found.physical_cores == 2
    spec, assumptions = found.resolve(catalog)
    assert spec.cpu_only and spec.gpu is None and spec.ram_gb == 23.5
    assert any("virtual machine" in a and "advisor bench" in a for a in assumptions)


def test_memory_read_by_dmidecode_overrides_the_family_guess(catalog):
    found = detect(recorded("desktop_dmidecode"))
    assert (found.memory.label, found.memory.modules) == ("DDR4-3200", 2)
    spec, assumptions = found.resolve(catalog)
    assert spec.gpu == "cpu-ddr4-3200"
    assert any("6th-9th-gen Core" in a for a in assumptions)
    assert any("memory detected as DDR4-3200 (dmidecode)" in a for a in assumptions)


def test_without_dmidecode_the_missing_memory_type_is_a_note():
    found = detect(recorded("laptop_8840u"))
    assert found.memory is None
    assert any("dmidecode missing or not run as root" in n for n in found.notes)


def test_a_machine_built_by_hand_still_resolves(catalog):
    machine = DetectedHardware(system="Linux x86_64", cpu="Test CPU", physical_cores=8, logical_cores=16, ram_gb=64.0,
                               gpus=(GpuInfo(name="NVIDIA GeForce RTX 4070 Ti SUPER", memory_gb=16.0),))
    assert machine.as_spec(catalog).gpu == "NVIDIA GeForce RTX 4070 Ti SUPER"


def test_the_cores_clock_and_simd_flags_give_this_cpus_arithmetic(catalog):
    found = detect(recorded("kvm_vm"))
    assert found.cpu_flop_per_cycle == 32  # avx512f in the flags
    spec, assumptions = found.resolve(catalog)
    assert (found.cpu_ghz, spec.cpu_cores, spec.cpu_gflops) == (2.6, 2, 166.0)  # BogoMIPS 5192 / 2
    assert "CPU: 2 cores at 2.6 GHz x 32 FLOP/cycle (from its SIMD flags) = 166 GFLOP/s peak FP32" in assumptions


def test_detected_cores_slow_a_two_core_machine_below_its_memory_bound(catalog):
    two_cores = DetectedHardware(system="Linux", cpu="AMD EPYC", physical_cores=2, logical_cores=2, ram_gb=23.5,
                                 virtualized=True, cpu_ghz=2.6, cpu_flop_per_cycle=32)
    spec = two_cores.as_spec(catalog)
    assert (spec.cpu_cores, spec.cpu_gflops) == (2, 166.0)
    with_cores = estimate(EstimateRequest(model="qwen2.5-coder-1.5b", context=512, hardware=spec), catalog)
    without = estimate(EstimateRequest(model="qwen2.5-coder-1.5b", context=512,
                                       hardware=spec.model_copy(update={"cpu_cores": None, "cpu_gflops": None})), catalog)
    assert with_cores.decode_tps.expected < 0.5 * without.decode_tps.expected
    assert with_cores.prefill_tps is not None and without.prefill_tps is None
