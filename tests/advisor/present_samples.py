"""Hand-written tool results for the presenter tests: fixed figures, so a catalog change moves none of them."""

from __future__ import annotations

from typing import Any

from tools.article_search import Hit
from tools.estimate import Estimate
from tools.licenses import LicenseAnswer
from tools.recommend import Pick

GUIDE = "001_ea5be24a28733e52.txt"  # "Open-weight LLMs and VLMs you can run locally, April 2026", dated 2026-04
GUIDE_NAME = "Open-weight LLMs and VLMs you can run locally, April 2026 (2026-04)"


def estimate(**changes: Any) -> Estimate:
    data = {
        "model": "qwen3-30b-a3b", "model_name": "Qwen3-30B-A3B", "quant": "Q4_K_M", "context": 8192,
        "kv_cache_type": "f16", "backend": "llama.cpp",
        "hardware": {"name": "NVIDIA GeForce RTX 4090", "kind": "discrete", "backend": "cuda", "gpus": 1,
                     "memory_gb": 24.0, "bandwidth_gbps": 1008.0, "ram_gb": 64.0},
        "memory_gb": {"weights": 18.68, "kv_cache": 0.81, "overhead": 1.24, "total": 20.73},
        "fit": "full_gpu", "fit_detail": "needs 20.73 GB of 24.5 GB usable GPU memory", "gpu_layers": 48,
        "offload_layers": 0, "best_quant": "Q5_K_M", "max_context": 46080,
        "decode_tps": {"low": 107.6, "expected": 152.7, "high": 183.3}, "prefill_tps": 3818.0,
        "assumptions": ["weights at 4.85 effective bits per weight"],
        "reported": [{"kind": "memory", "text": "About 16.8 GB at Q4", "source": GUIDE},
                     {"kind": "speed", "text": "12-15 tok/s on CPU alone", "source": GUIDE}],
        "sources": [GUIDE],
    }
    return Estimate.model_validate({**data, **changes})


def pick(rank: int, name: str, **changes: Any) -> Pick:
    data = {
        "rank": rank, "model": name.lower(), "model_name": name, "quant": "Q6_K", "context": 8192, "memory_gb": 14.07,
        "fit": "full_gpu", "decode_tps": 34.1, "decode_tps_range": None, "prefill_tps": 900.0, "licenses": ["mit"],
        "commercial_use": "yes", "score": 0.8, "reasons": ["sources rate it for coding"], "reported": [], "sources": [GUIDE],
    }
    return Pick.model_validate({**data, **changes})


def picks() -> list[Pick]:
    return [pick(1, "Devstral", quant="IQ4_XS", memory_gb=15.48, decode_tps=31.4, licenses=["apache-2.0"]),
            pick(2, "DeepSeek-R1-Distill-Qwen-14B"),
            pick(3, "Phi-4", memory_gb=14.14, decode_tps=35.1),
            pick(4, "Phi-4 Reasoning", memory_gb=14.14, decode_tps=35.1)]


def _license(ident: str, name: str, commercial: str, restriction: str | None) -> dict[str, Any]:
    return {"id": ident, "name": name, "kind": "permissive", "commercial_use": commercial, "fine_tuning": commercial,
            "redistribution": "yes", "restrictions": [restriction] if restriction else [],
            "summary": f"{name} in short; see {GUIDE}.", "sources": ["https://www.apache.org/licenses/LICENSE-2.0"]}


def license_answer(conflict: bool = False) -> LicenseAnswer:
    terms = [{"license": _license("apache-2.0", "Apache License 2.0", "yes", "keep the NOTICE file"), "claimed_by": [GUIDE]}]
    if conflict:
        terms.append({"license": _license("gemma-terms", "Gemma Terms of Use", "conditional",
                                          "follow the prohibited use policy"), "claimed_by": ["004_8a81b42c1eb1397b.txt"]})
    return LicenseAnswer.model_validate({
        "query": "gemma 4 31b", "model": "gemma-4-31b", "model_name": "Gemma 4 31B", "terms": terms, "conflict": conflict,
        "commercial_use": "conditional" if conflict else "yes", "note": "Sources disagree." if conflict else "One license.",
        "sources": [GUIDE]})


def hits() -> list[Hit]:
    return [Hit(text="Quantization to 4 bits keeps most quality. " * 10, source=GUIDE,
                title="Open-weight LLMs and VLMs you can run locally, April 2026 (no title in source; descriptive title)",
                date="2026-04", section="Quantization", score=0.81, models=["qwen3-8b"], origin="digest"),
            Hit(text="A user file passage.", source="notes.txt", title="My notes", date=None, section="",
                score=0.5, models=[], origin="ingested")]
