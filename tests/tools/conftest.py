"""A small hand-made catalog for arithmetic tests, so they do not move when the data grows.

Quant, backend and engine tables are the real packaged ones; models and hardware are
synthetic with round numbers that can be checked by hand.
"""

from __future__ import annotations

import pytest
import yaml

from knowledge.load import DATA_DIR
from knowledge.schema import Catalog


def _yaml(name: str) -> list[dict]:
    return yaml.safe_load((DATA_DIR / name).read_text())


SRC = {"origin": "public_config", "source": "test"}


def fact(value: float) -> dict:
    return {"value": value, **SRC}


def dense_model(mid: str, params: float, layers: int, kv_heads: int, head_dim: int, **extra) -> dict:
    return {
        "id": mid, "name": mid.upper(), "family": "Test", "vendor": "Test", "weights": "open",
        "architecture": "dense", "params_total_b": fact(params), "layers": fact(layers),
        "attention": [{"kind": "full", "layers": layers, "kv_heads": kv_heads, "head_dim": head_dim, **SRC}],
        "context_tokens": fact(131072), "tasks": ["general"], "licenses": [{"license": "apache-2.0", "source": "test"}],
        **extra,
    }


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    models = [
        dense_model("dense-8b", 8.0, 32, 8, 128, tasks=["general", "coding"]),
        dense_model("dense-70b", 70.0, 80, 8, 128),
        {
            **dense_model("moe-30b-a3b", 30.5, 48, 4, 128, tasks=["coding"]),
            "architecture": "moe", "params_active_b": fact(3.3),
        },
        {
            **dense_model("swa-27b", 27.0, 62, 16, 128),
            "attention": [
                {"kind": "sliding", "layers": 52, "kv_heads": 16, "head_dim": 128, "window": 1024, **SRC},
                {"kind": "full", "layers": 10, "kv_heads": 16, "head_dim": 128, **SRC},
            ],
        },
        {
            **dense_model("mla-671b", 671.0, 61, 1, 1),
            "architecture": "moe", "params_active_b": fact(37.0),
            "attention": [{"kind": "mla", "layers": 61, "latent_dim": 576, **SRC}],
        },
        {
            **dense_model("restricted-8b", 8.0, 32, 8, 128, tasks=["coding"]),
            "licenses": [{"license": "research-only", "source": "test"}],
        },
        {
            "id": "api-model", "name": "API Model", "family": "Test", "vendor": "Test", "weights": "api_only",
            "architecture": "dense", "licenses": [{"license": "apache-2.0", "source": "a.txt"}, {"license": "research-only", "source": "b.txt"}],
        },
    ]
    hardware = [
        {"id": "gpu-24", "name": "Test GPU 24GB", "aliases": ["tg24"], "vendor": "Test", "kind": "discrete",
         "memory_gb": 24, "bandwidth_gbps": 1000, "backend": "cuda", "sources": [{"source": "test"}]},
        {"id": "gpu-16", "name": "Test GPU 16GB", "vendor": "Test", "kind": "discrete",
         "memory_gb": 16, "bandwidth_gbps": 500, "backend": "cuda", "sources": [{"source": "test"}]},
        {"id": "mac-max", "name": "Test Mac Max", "vendor": "Test", "kind": "unified", "memory_gb": 64,
         "memory_options_gb": [36, 128], "bandwidth_gbps": 546, "backend": "metal", "sources": [{"source": "test"}]},
    ]
    licenses = [
        {"id": "apache-2.0", "name": "Apache License 2.0", "aliases": ["Apache 2.0"], "kind": "permissive",
         "commercial_use": "yes", "fine_tuning": "yes", "redistribution": "yes", "summary": "Permissive.", "sources": ["test"]},
        {"id": "research-only", "name": "Research Only", "kind": "custom", "commercial_use": "no",
         "fine_tuning": "yes", "redistribution": "conditional", "summary": "No commercial use.", "sources": ["test"]},
    ]
    return Catalog(models=models, hardware=hardware, licenses=licenses, quants=_yaml("quants.yaml"),
                   backends=_yaml("backends.yaml"), engines=_yaml("engines.yaml"))
