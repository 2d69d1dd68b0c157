"""Copy-paste commands for a run the estimator worked out: `llama-server` flags and `ollama run`.

An estimate that says "offload 12 expert layers" is only useful if the person can type it;
the flags here are the ones the estimate's fit implies (-ngl for layer offload, --n-cpu-moe
for expert offload), so the command and the figures never disagree.
"""

from __future__ import annotations

from knowledge.schema import Model
from tools.shapes import ModelShape

ALL_LAYERS = 99  # llama.cpp idiom: more than any model has, i.e. every layer on the GPU


def gguf_name(shape: ModelShape, quant: str) -> str:
    """The file name the command points at: '<model id>-<QUANT>.gguf', as most GGUF uploaders name them."""
    if shape.model is not None and shape.model.file is not None and shape.model.file.format == "gguf":
        return shape.model.file.path  # the user's own file (advisor models add / estimate --gguf)
    return f"{shape.id}-{quant}.gguf"


def llama_server_line(shape: ModelShape, quant: str, context: int, kv_cache: str, fit: str,
                      gpu_layers: int | None, cpu_moe_layers: int | None) -> str | None:
    """`llama-server -m FILE -c N -ngl L [--n-cpu-moe N] [-fa on -ctk q8_0 -ctv q8_0]`; None when nothing runs."""
    if fit == "does_not_fit":
        return None
    parts = ["llama-server", "-m", gguf_name(shape, quant), "-c", str(context)]
    if fit == "no_hardware" or gpu_layers is None:
        parts += ["-ngl", str(ALL_LAYERS)]
    elif fit == "moe_offload":
        parts += ["-ngl", str(ALL_LAYERS), "--n-cpu-moe", str(cpu_moe_layers)]
    elif fit == "cpu_only":
        parts += ["-ngl", "0"]
    elif fit == "gpu_cpu_offload":
        parts += ["-ngl", str(gpu_layers)]
    else:
        parts += ["-ngl", str(ALL_LAYERS)]
    if kv_cache != "f16":
        parts += ["-fa", "on", "-ctk", kv_cache, "-ctv", kv_cache]  # a quantized V cache needs flash attention
    return " ".join(parts)


def ollama_line(model: Model | None, quant: str) -> str | None:
    """`ollama run TAG` where the catalog knows the model's Ollama tag (Ollama's default quant is Q4_K_M)."""
    if model is None or not model.ollama_tag:
        return None
    return f"ollama run {model.ollama_tag}"
