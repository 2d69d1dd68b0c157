"""What people type for hardware, quant and context, and the values the tools receive.

One table holds every phrasing with the value it must parse to, or the error it must raise;
it runs against the real packaged catalog, because the names people type are its names.
"""

from __future__ import annotations

import pytest

from knowledge import load_catalog
from tools.errors import AdvisorError, InvalidRequest, UnknownName
from tools.phrasing import parse_context, parse_hardware, parse_quant
from tools.requests import MAX_CONTEXT, MAX_MEMORY_GB, HardwareSpec

CATALOG = load_catalog()

RTX_4090 = "NVIDIA GeForce RTX 4090"
RTX_3090 = "NVIDIA GeForce RTX 3090"
RTX_3060 = "NVIDIA GeForce RTX 3060 12GB"
H100 = "NVIDIA H100 SXM5 80GB"


def hw(**fields: object) -> HardwareSpec:
    return HardwareSpec(**fields)  # type: ignore[arg-type]


def error(kind: type[AdvisorError], match: str) -> tuple[type[AdvisorError], str]:
    return kind, match


H, Q, C = "hardware", "quant", "context"

PHRASINGS = [
    # --- hardware: names
    (H, "4090", hw(gpu=RTX_4090)),
    (H, "RTX 4090", hw(gpu=RTX_4090)),
    (H, "rtx4090", hw(gpu=RTX_4090)),
    (H, "my 4090", hw(gpu=RTX_4090)),
    (H, "an RTX 4090 in my gaming rig", hw(gpu=RTX_4090)),
    (H, "RTX 4070 Ti Super", hw(gpu="NVIDIA GeForce RTX 4070 Ti Super")),
    (H, "rtx 4070 ti super 16gb", hw(gpu="NVIDIA GeForce RTX 4070 Ti Super")),
    (H, "3070", hw(gpu="NVIDIA GeForce RTX 3070")),
    (H, "4080", hw(gpu="NVIDIA GeForce RTX 4080")),
    (H, "3060 12gb", hw(gpu=RTX_3060)),
    (H, "12gb 3060", hw(gpu=RTX_3060)),
    (H, "RTX 3080 12GB", hw(gpu="NVIDIA GeForce RTX 3080 12GB")),
    (H, "7900 XTX", hw(gpu="AMD Radeon RX 7900 XTX")),
    (H, "M2 Air", hw(gpu="Apple M2")),
    (H, "MacBook Air M2", hw(gpu="Apple M2")),
    (H, "M4 Max 64GB", hw(gpu="Apple M4 Max 64GB")),
    (H, "M4 Max with 64GB RAM", hw(gpu="Apple M4 Max 64GB")),
    (H, "MacBook Pro M3 Max 36GB", hw(gpu="Apple M3 Max 36GB")),
    (H, "M3 Max", hw(gpu="Apple M3 Max")),
    (H, "Ryzen AI Max+ 395", hw(gpu="AMD Ryzen AI Max+ 395 (Strix Halo)")),
    (H, "DGX Spark", hw(gpu="NVIDIA DGX Spark (GB10)")),
    (H, "4090 laptop", hw(gpu="NVIDIA GeForce RTX 4090 Laptop GPU")),
    (H, "laptop with a 4090", hw(gpu="NVIDIA GeForce RTX 4090 Laptop GPU")),
    (H, "Voodoo 9000 12 GB", hw(vram_gb=12)),
    # --- hardware: sizes
    (H, "24 GB card", hw(vram_gb=24)),
    (H, "a 20 GB card", hw(vram_gb=20)),
    (H, "12 gigs of VRAM", hw(vram_gb=12)),
    (H, "8GB", hw(vram_gb=8)),
    (H, "6GB", hw(vram_gb=6)),
    (H, "16G vram", hw(vram_gb=16)),
    (H, "card with 10 GB", hw(vram_gb=10)),
    (H, "16 GB GPU", hw(vram_gb=16)),
    (H, "GPU with 11GB", hw(vram_gb=11)),
    (H, "vram: 12gb", hw(vram_gb=12)),
    (H, "8192 MB of video memory", hw(vram_gb=8)),
    (H, "a 1 TB card", hw(vram_gb=1024)),
    (H, "16 GB, 32GB RAM", hw(vram_gb=16, ram_gb=32)),
    (H, "2x 24GB cards", hw(vram_gb=24, gpus=2)),
    # --- hardware: counts
    (H, "two 3090s", hw(gpu=RTX_3090, gpus=2)),
    (H, "2x4090", hw(gpu=RTX_4090, gpus=2)),
    (H, "2 x RTX 3090", hw(gpu=RTX_3090, gpus=2)),
    (H, "4 H100s", hw(gpu=H100, gpus=4)),
    (H, "dual 3090", hw(gpu=RTX_3090, gpus=2)),
    (H, "a pair of 4090s", hw(gpu=RTX_4090, gpus=2)),
    (H, "3090 x2", hw(gpu=RTX_3090, gpus=2)),
    (H, "quad 3090", hw(gpu=RTX_3090, gpus=4)),
    (H, "3090 and 3090", hw(gpu=RTX_3090, gpus=2)),
    (H, "8x H100", hw(gpu="NVIDIA DGX H100 (8x H100 SXM)")),
    (H, "2x RTX 3090 + 128 GB RAM", hw(gpu=RTX_3090, gpus=2, ram_gb=128)),
    # --- hardware: CPU only
    (H, "laptop with 16 GB RAM, no GPU", hw(cpu_only=True, ram_gb=16)),
    (H, "cpu only 32gb ram", hw(cpu_only=True, ram_gb=32)),
    (H, "no graphics card, 64 GB of RAM", hw(cpu_only=True, ram_gb=64)),
    (H, "CPU only, 32 GB RAM", hw(cpu_only=True, ram_gb=32)),
    (H, "without a GPU, 8 GB RAM", hw(cpu_only=True, ram_gb=8)),
    (H, "no GPU, 16GB", hw(cpu_only=True, ram_gb=16)),
    (H, "integrated graphics and 16GB", hw(cpu_only=True, ram_gb=16)),
    (H, "no gpu", hw(cpu_only=True)),
    (H, "laptop with 16GB", hw(ram_gb=16)),
    (H, "desktop PC with 32 GB", hw(ram_gb=32)),
    # --- hardware: mixes
    (H, "4090 + 64GB RAM", hw(gpu=RTX_4090, ram_gb=64)),
    (H, "4090+64GB RAM", hw(gpu=RTX_4090, ram_gb=64)),
    (H, "RTX 3060 12GB and 32 GB DDR4", hw(gpu=RTX_3060, ram_gb=32)),
    (H, "3090 with 128 gigs ram", hw(gpu=RTX_3090, ram_gb=128)),
    (H, "RTX 4070 Ti Super 16 GB, 64 GB RAM", hw(gpu="NVIDIA GeForce RTX 4070 Ti Super", ram_gb=64)),
    (H, "RTX 4090 64GB RAM", hw(gpu=RTX_4090, ram_gb=64)),
    (H, "4090, 64GB", hw(gpu=RTX_4090, ram_gb=64)),
    (H, "4090, 24GB", hw(gpu=RTX_4090)),
    (H, "3090 w/ 64gb ram", hw(gpu=RTX_3090, ram_gb=64)),
    # --- hardware: no hardware named (the caller uses the saved profile)
    (H, "my machine", hw()),
    (H, "this laptop", hw()),
    (H, "my pc", hw()),
    (H, "", hw()),
    (H, "   ", hw()),
    (H, None, hw()),
    (H, "my GPU", hw()),
    (H, "my computer", hw()),
    (H, "my nvidia card", hw()),
    # --- hardware: errors
    (H, "-8 GB", error(InvalidRequest, "memory must be positive")),
    (H, "0 GB", error(InvalidRequest, "memory must be positive")),
    (H, "900 TB", error(InvalidRequest, f"{MAX_MEMORY_GB:g} GB")),
    (H, "700 TB card", error(InvalidRequest, f"{MAX_MEMORY_GB:g} GB")),
    (H, "RTX 9090", error(UnknownName, "Unknown GPU or system 'RTX 9090'. Did you mean")),
    (H, "Voodoo 9000", error(UnknownName, "Did you mean")),
    (H, "RTX 4090 48GB", error(UnknownName, "memory size for NVIDIA GeForce RTX 4090")),
    (H, "4090, 48GB VRAM", error(UnknownName, "memory size")),
    (H, "M4 Max 100GB", error(UnknownName, "memory size for Apple M4 Max")),
    (H, "4090 and 3090", error(InvalidRequest, "mixed GPUs")),
    (H, "RTX 4090, RTX 3090", error(InvalidRequest, "mixed GPUs")),
    (H, "CPU only, RTX 4090", error(InvalidRequest, "CPU-only")),
    (H, "32 RTX 4090s", error(InvalidRequest, "less than or equal to 16")),
    (H, "16GB card and 24GB card", error(InvalidRequest, "two different GPU memory sizes")),
    # --- quant
    (Q, "Q4", "Q4_K_M"),
    (Q, "q4", "Q4_K_M"),
    (Q, "4-bit", "Q4_K_M"),
    (Q, "4 bit", "Q4_K_M"),
    (Q, "4bit", "Q4_K_M"),
    (Q, "int4", "Q4_K_M"),
    (Q, "4-bit quantization", "Q4_K_M"),
    (Q, "Q8", "Q8_0"),
    (Q, "8 bit", "Q8_0"),
    (Q, "8-bit", "Q8_0"),
    (Q, "int8", "Q8_0"),
    (Q, "Q5", "Q5_K_M"),
    (Q, "Q6", "Q6_K"),
    (Q, "Q3", "Q3_K_M"),
    (Q, "Q2", "Q2_K"),
    (Q, "fp16", "F16"),
    (Q, "f16", "F16"),
    (Q, "FP16", "F16"),
    (Q, "half precision", "F16"),
    (Q, "16-bit", "F16"),
    (Q, "bf16", "BF16"),
    (Q, "fp32", "F32"),
    (Q, "mxfp4", "MXFP4"),
    (Q, "Q4_K_M", "Q4_K_M"),
    (Q, "q5_k_s", "Q5_K_S"),
    (Q, "IQ4_XS", "IQ4_XS"),
    (Q, "IQ2_XXS", "IQ2_XXS"),
    (Q, "Q4_0", "Q4_0"),
    (Q, "Q8_0 gguf", "Q8_0"),
    (Q, "", None),
    (Q, None, None),
    (Q, "Q9", error(UnknownName, "Unknown quant 'Q9'")),
    (Q, "3.7 bit", error(UnknownName, "Unknown quant '3.7 bit'. Did you mean:")),
    (Q, "fp8", error(UnknownName, "Unknown quant 'fp8'. Did you mean")),
    # --- context
    (C, "16k", 16384),
    (C, "16K tokens", 16384),
    (C, "32768 tokens", 32768),
    (C, "32,768", 32768),
    (C, "128K", 131072),
    (C, "1M", 1048576),
    (C, "8k context", 8192),
    (C, "200k", 204800),
    (C, "4096", 4096),
    (C, "1.5k", 1536),
    (C, "16 k", 16384),
    (C, "context of 32k", 32768),
    (C, "~64k tokens", 65536),
    (C, "16K-token", 16384),
    (C, "8 thousand", 8000),
    (C, "1 million tokens", 1_000_000),
    (C, "10M", MAX_CONTEXT),
    (C, 8192, 8192),
    (C, "", None),
    (C, None, None),
    (C, "-5k", error(InvalidRequest, "must be positive")),
    (C, "0", error(InvalidRequest, "must be positive")),
    (C, 0, error(InvalidRequest, "must be positive")),
    (C, "lots", error(InvalidRequest, "not a context length")),
    (C, "16k or 32k", error(InvalidRequest, "not a context length")),
    (C, "100M", error(InvalidRequest, f"{MAX_CONTEXT:,} tokens")),
    (C, "0.5 tokens", error(InvalidRequest, "whole number")),
]

PARSERS = {
    H: lambda text: parse_hardware(text, CATALOG),
    Q: lambda text: parse_quant(text, CATALOG),
    C: parse_context,
}


@pytest.mark.parametrize(("kind", "text", "expected"), PHRASINGS, ids=[f"{k}:{t!r}" for k, t, _ in PHRASINGS])
def test_each_phrasing_parses_to_its_value_or_a_specific_error(kind, text, expected):
    parse = PARSERS[kind]
    if isinstance(expected, tuple):
        exc_type, match = expected
        with pytest.raises(exc_type) as raised:
            parse(text)
        assert match in raised.value.message
    else:
        assert parse(text) == expected


def test_the_table_holds_at_least_a_hundred_phrasings():
    assert len(PHRASINGS) >= 100


@pytest.mark.parametrize("hardware", CATALOG.hardware, ids=lambda h: h.id)
def test_every_catalog_device_name_parses_to_itself(hardware):
    assert parse_hardware(hardware.name, CATALOG) == HardwareSpec(gpu=hardware.name)


@pytest.mark.parametrize(("alias", "hardware"), [(a, h) for h in CATALOG.hardware for a in h.aliases],
                         ids=lambda v: v if isinstance(v, str) else v.id)
def test_every_catalog_alias_parses_to_its_device(alias, hardware):
    spec = parse_hardware(alias, CATALOG)
    assert spec.gpu is not None and spec.gpu.startswith(hardware.name)


def test_unknown_card_names_come_with_the_closest_catalog_names():
    with pytest.raises(UnknownName) as raised:
        parse_hardware("RTX 9090", CATALOG)
    assert raised.value.suggestions
    assert all(any(s in (h.id, h.name) for h in CATALOG.hardware) for s in raised.value.suggestions)


def test_unknown_quants_suggest_real_labels():
    with pytest.raises(UnknownName) as raised:
        parse_quant("Q9", CATALOG)
    labels = {q.id for q in CATALOG.quants}
    assert raised.value.suggestions and set(raised.value.suggestions) <= labels


def test_a_bit_width_nobody_ships_suggests_the_labels_nearest_in_bits_per_weight():
    with pytest.raises(UnknownName) as raised:
        parse_quant("3.7 bit", CATALOG)
    bits = {q.id: q.bits_per_weight for q in CATALOG.quants}
    assert raised.value.suggestions
    assert all(3 < bits[label] < 4.5 for label in raised.value.suggestions)


def test_bf16_falls_back_to_f16_when_the_catalog_has_no_bf16():
    catalog = CATALOG.model_copy(update={"quants": [q for q in CATALOG.quants if q.id != "BF16"]})
    assert parse_quant("bf16", catalog) == "F16"


def test_every_bit_width_word_names_a_label_the_catalog_has():
    labels = {q.id for q in CATALOG.quants}
    for text in ("2 bit", "3 bit", "4 bit", "5 bit", "6 bit", "8 bit", "16 bit", "32 bit"):
        assert parse_quant(text, CATALOG) in labels


@pytest.mark.parametrize("placeholder", ["none", "None", "null", "N/A", "default", "unknown", "not specified", " "])
def test_a_placeholder_a_model_writes_for_a_missing_value_means_nothing_was_said(placeholder):
    assert parse_hardware(placeholder, CATALOG) == HardwareSpec()
    assert parse_quant(placeholder, CATALOG) is None
    assert parse_context(placeholder) is None


# --- decode speed (tools.phrasing.parse_speed): the tokens/s a person wants, as they wrote it
from tools.phrasing import MAX_SPEED_TPS, parse_speed  # noqa: E402 - appended section, kept beside its table

SPEEDS = [
    ("30 tok/s", 30.0),
    ("30tok/s", 30.0),
    ("at least 20 tokens per second", 20.0),
    ("20 t/s", 20.0),
    ("25+ tps", 25.0),
    ("15 tokens/sec", 15.0),
    ("7.5 tokens a second", 7.5),
    ("~40 tok/s", 40.0),
    (">= 50 T/S", 50.0),
    ("20-30 tok/s", 20.0),
    ("600 tokens per minute", 10.0),
    ("30", 30.0),
    (30, 30.0),
    (12.5, 12.5),
    ("", None),
    (None, None),
    ("none", None),
    ("fast", error(InvalidRequest, "not a speed")),
    ("30 fps", error(InvalidRequest, "not a speed")),
    ("30 tokens", error(InvalidRequest, "not a speed")),
    ("30 tok/s at 32k", error(InvalidRequest, "not a speed")),
    ("30-20 tok/s", error(InvalidRequest, "lower figure first")),
    ("0 tok/s", error(InvalidRequest, "must be positive")),
    ("-5 t/s", error(InvalidRequest, "must be positive")),
    ("50000 tok/s", error(InvalidRequest, f"{MAX_SPEED_TPS:,.0f} tok/s")),
]


@pytest.mark.parametrize(("text", "expected"), SPEEDS, ids=[repr(t) for t, _ in SPEEDS])
def test_each_speed_phrasing_parses_to_tokens_per_second_or_a_specific_error(text, expected):
    if isinstance(expected, tuple):
        exc_type, match = expected
        with pytest.raises(exc_type) as raised:
            parse_speed(text)
        assert match in raised.value.message
    else:
        assert parse_speed(text) == expected
