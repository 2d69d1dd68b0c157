"""Argument grounding: values the user gave stay, values the model made up go."""

from __future__ import annotations

import pytest

from advisor.agent.arguments import ArgumentCheck, spoken_numbers
from knowledge import load_catalog


@pytest.fixture(scope="module")
def check() -> ArgumentCheck:
    return ArgumentCheck.from_catalog(load_catalog())


def test_numbers_are_read_with_their_units() -> None:
    assert set(spoken_numbers("a 32k context on 2 TB")) >= {32000, 32768, 2000, 2048}
    assert 50_000_000 in spoken_numbers("50 million tokens")


@pytest.mark.parametrize(("args", "text", "kept"), [
    ({"gpu": "RTX 4090", "vram_gb": 16}, "Will it fit my 4090?", {"gpu": "RTX 4090"}),
    ({"gpu": "RTX 4060 Ti", "vram_gb": 16}, "on an RTX 4060 Ti 16GB", {"gpu": "RTX 4060 Ti", "vram_gb": 16}),
    ({"gpu": "Intel i7-1165G7"}, "what runs on this laptop?", {}),
    ({"gpu": "CPU", "ram_gb": 16}, "on my laptop CPU with 16 GB of RAM", {"ram_gb": 16}),
    ({"vram_gb": 32}, "on a CPU-only box with 32 GB of RAM", {"ram_gb": 32}),
    ({"gpu": "RTX 4060 Ti", "vram_gb": 16, "ram_gb": 16}, "an RTX 4060 Ti 16GB", {"gpu": "RTX 4060 Ti", "vram_gb": 16}),
    ({"gpu": "RTX 4090", "ram_gb": 64}, "a 4090 and 64GB RAM", {"gpu": "RTX 4090", "ram_gb": 64}),
    ({"vram_gb": -8}, "my gpu has -8 GB of vram", {"vram_gb": -8}),
    ({"gpu": "RTX 9090"}, "does it run on an RTX 9090?", {"gpu": "RTX 9090"}),  # unknown, but the user's: the tool says so
    ({"context": 512}, "Estimate Phi-4 on a 3090", {}),
    ({"context": 131072}, "I need 128k tokens of context", {"context": 131072}),
    ({"quant": "Q8_0"}, "how big is it at q8_0?", {"quant": "Q8_0"}),
    ({"quant": "Q5_K_M"}, "how big is it?", {}),
    ({"license": "commercial"}, "only ones I can sell in a product", {"license": "commercial"}),
    ({"license": "commercial"}, "the best coding model", {}),
    ({"model": "Qwen3 14B", "task": "coding"}, "something for coding", {"model": "Qwen3 14B", "task": "coding"}),
])
def test_only_values_the_user_gave_are_kept(check: ArgumentCheck, args: dict, text: str, kept: dict) -> None:
    result, dropped = check.ground(args, text)
    assert result == kept
    assert {d.split("=")[0] for d in dropped} == {k for k in args if k not in kept or kept[k] != args[k]}
