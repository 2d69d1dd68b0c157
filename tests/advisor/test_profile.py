"""The CLI's hardware: this machine when none is named, and this machine's RAM when only a GPU is."""

from __future__ import annotations

import pytest

from advisor.profile import detected_profile, save_profile, with_own_machine
from tools.hardware_probe import DetectedHardware, GpuInfo
from tools.requests import HardwareSpec

LAPTOP = DetectedHardware(system="Linux x86_64", cpu="AMD Ryzen 7 8840U", physical_cores=8, logical_cores=16, ram_gb=30.0,
                          gpus=(GpuInfo(name="Phoenix1", memory_gb=0.0, vendor="AMD", integrated=True, source="sysfs"),))


@pytest.fixture(autouse=True)
def laptop(monkeypatch):
    monkeypatch.setattr("advisor.profile.detect", lambda: LAPTOP)


def test_a_detected_profile_carries_detections_assumptions():
    profile = detected_profile()
    assert profile.spec.gpu == "AMD Radeon 780M (integrated)"
    assert any("runs the model from system RAM" in a for a in profile.assumptions)


def test_no_hardware_means_this_machine_and_says_which(tmp_path):
    spec, notes = with_own_machine(HardwareSpec(), tmp_path)
    assert spec.gpu == "AMD Radeon 780M (integrated)" and spec.ram_gb == 30.0
    assert notes[0].startswith("no hardware given: using the detected hardware of this computer")


def test_a_gpu_named_without_ram_keeps_the_saved_profiles_ram(tmp_path):
    save_profile(HardwareSpec(gpu="RTX 4070", ram_gb=64), tmp_path)
    spec, notes = with_own_machine(HardwareSpec(gpu="RTX 4090"), tmp_path)
    assert spec.ram_gb == 64
    assert notes == ["system RAM not given: assumed 64 GB, the RAM of your saved profile"]


def test_given_ram_is_never_replaced(tmp_path):
    spec, notes = with_own_machine(HardwareSpec(gpu="RTX 4090", ram_gb=16), tmp_path)
    assert spec.ram_gb == 16 and notes == []


def test_a_unified_memory_chip_named_alone_gets_no_separate_ram(tmp_path):
    spec, notes = with_own_machine(HardwareSpec(gpu="Radeon 780M"), tmp_path)
    assert spec.ram_gb is None and notes == []
