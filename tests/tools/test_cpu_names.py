"""CPU names, as brand strings and benchmark labels write them, map to catalog CPU records."""

import pytest

from knowledge import load_catalog
from tools.cpu_names import clean_cpu_name, igpu_of, match_cpu


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_brand_strings_lose_their_trademarks_clocks_and_igpu_suffix():
    assert clean_cpu_name("Intel(R) Core(TM) i5-9500 CPU @ 3.00GHz") == "Intel Core i5-9500"
    assert clean_cpu_name("AMD Ryzen 7 8840U w/ Radeon 780M Graphics") == "AMD Ryzen 7 8840U"
    assert clean_cpu_name("12th Gen Intel(R) Core(TM) i7-12700H") == "Intel Core i7-12700H"


@pytest.mark.parametrize(("name", "record"), [
    ("Intel(R) Core(TM) i5-9500 CPU @ 3.00GHz", "core-i5-9500"),
    ("AMD Ryzen 7 8840U w/ Radeon 780M Graphics", "ryzen-7-8840u"),
    ("AMD Ryzen 9 7940HS w/ Radeon 780M Graphics", "ryzen-7-8840u"),
    ("Intel(R) N100", "intel-n100"),
    ("Raspberry Pi 5 16GB (CPU)", "raspberry-pi-5"),
])
def test_chips_in_the_catalog_are_found_by_name(catalog, name, record):
    found = match_cpu(name, catalog)
    assert found is not None and found.hardware.id == record and not found.guessed


@pytest.mark.parametrize(("name", "record"), [
    ("Intel Core i7-8700", "cpu-ddr4-2666"),
    ("12th Gen Intel(R) Core(TM) i7-12700H", "cpu-ddr5-4800"),
    ("AMD Ryzen 9 7950X 16-Core Processor", "cpu-ddr5-5600"),
    ("AMD Ryzen 7 5800U", "cpu-ddr4-3200"),
    ("AMD EPYC 9654 96-Core Processor", "cpu-epyc-genoa"),
    ("Intel(R) Xeon(R) Platinum 8480+", "cpu-server-8ch-ddr5-4800"),
    ("AMD Ryzen AI Max+ 395 w/ Radeon 8060S", "cpu-lpddr5x-8000-256"),
])
def test_other_chips_get_their_familys_platform_and_say_it_was_a_guess(catalog, name, record):
    found = match_cpu(name, catalog)
    assert found is not None and found.hardware.id == record and found.guessed
    assert "not in the catalog by name" in found.note


def test_a_name_that_is_no_cpu_matches_nothing(catalog):
    assert match_cpu("NVIDIA GeForce RTX 4090", catalog) is None


def test_a_chip_named_by_its_cpu_leads_to_its_integrated_gpu(catalog):
    assert igpu_of("AMD Ryzen 7 8840U w/ Radeon 780M", catalog).id == "radeon-780m"
    assert igpu_of("Intel Core i7-7820HQ", catalog) is None
