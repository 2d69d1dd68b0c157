"""Catalog records for the user's own model files: a GGUF, or a Hugging Face config.json.

The record is an ordinary `Model`, so every tool (estimate, license, the agent's calls) treats
a downloaded file like a catalog entry. Each value says it came from that file; a GGUF record
also carries the file's tensor bytes, which the estimator uses as the weights. When the file is
a build of a packaged model (same name and the same layer count), the record points at it and
borrows its license, tasks and modalities, which a file does not state reliably.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from knowledge.schema import AttentionGroup, Catalog, Fact, LicenseClaim, Model, ModelFile
from tools.errors import AdvisorError, UnknownName
from tools.gguf_file import GgufInfo, attention_groups, read_gguf
from tools.resolve import resolve_license, resolve_model

USER_FAMILY = "Your files"


class ModelFileError(AdvisorError):
    """A path that is neither a readable GGUF nor a usable config.json."""


def model_from_file(path: str | Path, catalog: Catalog) -> Model:
    """A catalog record for a .gguf file or a Hugging Face config.json (or a folder holding one)."""
    path = Path(path).expanduser().resolve()
    if path.is_dir():
        if (path / "config.json").is_file():
            path = path / "config.json"
        else:
            raise ModelFileError(f"{path} is a folder without a config.json; give a .gguf file or a config.json.")
    if not path.is_file():
        raise ModelFileError(f"No file at {path}.")
    if path.suffix.lower() == ".json":
        return model_from_config(path, catalog)
    return model_from_gguf(read_gguf(path), catalog)


def slug(text: str) -> str:
    """'Qwen2.5-Coder-1.5B-Instruct-Q4_K_M.gguf' -> 'qwen2.5-coder-1.5b-instruct-q4_k_m'."""
    stem = re.sub(r"\.gguf$", "", text, flags=re.IGNORECASE)
    return re.sub(r"[^a-z0-9.]+", "-", stem.lower()).strip("-.") or "model"


def _fact(value: float, source: str) -> Fact:
    return Fact(value=value, origin="user_file", source=source)


def matching_model(names: list[str], layers: int | None, catalog: Catalog) -> Model | None:
    """The packaged model this file is a build of: a name resolves to it and the layer counts agree."""
    for name in names:
        if not name:
            continue
        try:
            model = resolve_model(name, catalog)
        except UnknownName:
            continue
        if model.file is None and (layers is None or model.layers is None or int(model.layers.value) == layers):
            return model
    return None


def _licenses(declared: str | None, base: Model | None, source: str, catalog: Catalog) -> list[LicenseClaim]:
    claims: list[LicenseClaim] = []
    if declared:
        try:
            lic = resolve_license(declared, catalog)
            claims.append(LicenseClaim(license=lic.id, source=source, note=f"the file's license field says '{declared}'"))
        except UnknownName:
            pass
    if base is not None and not claims:
        claims = [c.model_copy(update={"note": f"as for {base.name}, which this file is a build of"}) for c in base.licenses]
    return claims


def model_from_gguf(info: GgufInfo, catalog: Catalog) -> Model:
    path = Path(info.path)
    src = f"gguf:{path}"
    groups, notes = attention_groups(info)
    base = matching_model([path.name, info.name or "", f"{info.basename or ''} {info.size_label or ''}"], info.block_count, catalog)
    moe = bool(info.expert_params and info.expert_count)
    file = ModelFile(path=str(path), format="gguf", file_bytes=info.file_bytes, tensor_bytes=info.tensor_bytes,
                     quant=info.quant, tensor_types=info.tensor_types, architecture=info.architecture,
                     matches=base.id if base else None)
    described = ", ".join(filter(None, [info.name, info.architecture, info.quant]))
    return Model(
        id=f"file-{slug(path.name)}", name=path.name,
        aliases=list(dict.fromkeys(a for a in [str(path), path.stem, info.name] if a and a != path.name)),
        family=base.family if base else USER_FAMILY, vendor=base.vendor if base else "unknown (your file)",
        release=base.release if base else None, weights="open",
        architecture="moe" if moe else (base.architecture if base and base.architecture == "hybrid" else "dense"),
        params_total_b=_fact(round(info.params / 1e9, 4), f"{src} tensor shapes"),
        params_active_b=_fact(round(info.active_params / 1e9, 4), f"{src} tensor shapes and expert_used_count") if moe else None,
        layers=_fact(info.block_count, f"{src} metadata block_count"),
        attention=groups,
        context_tokens=_fact(info.context_length, f"{src} metadata context_length") if info.context_length else None,
        modalities=base.modalities if base else ["text"], tasks=base.tasks if base else ["general"],
        licenses=_licenses(info.license, base, f"{src} metadata general.license", catalog),
        file=file,
        notes="; ".join([f"Read from your file ({described}); weights are its {info.tensor_bytes:,} bytes of tensors",
                         *notes, *([f"a build of {base.name} in the catalog"] if base else [])]) + ".",
    )


# --- Hugging Face config.json --------------------------------------------------------------

_BYTES_PER_PARAM = {"float32": 4, "float16": 2, "bfloat16": 2, "float8_e4m3fn": 1}


def _text_config(config: dict[str, Any]) -> dict[str, Any]:
    """Multimodal configs keep the language model's shape under text_config (or llm_config)."""
    for key in ("text_config", "llm_config", "language_config"):
        if isinstance(config.get(key), dict) and config[key].get("num_hidden_layers"):
            return {**config, **config[key]}
    return config


def _config_params(cfg: dict[str, Any], folder: Path) -> tuple[float, str]:
    """Total parameters: the safetensors index's byte total when present, else from the shapes."""
    index = folder / "model.safetensors.index.json"
    dtype = str(cfg.get("torch_dtype") or cfg.get("dtype") or "bfloat16")
    if index.is_file():
        try:
            total = json.loads(index.read_text(encoding="utf-8"))["metadata"]["total_size"]
            return total / _BYTES_PER_PARAM.get(dtype, 2) / 1e9, f"{index} total_size / {_BYTES_PER_PARAM.get(dtype, 2)} bytes ({dtype})"
        except (ValueError, KeyError, TypeError):
            pass
    hidden, layers, vocab = cfg["hidden_size"], cfg["num_hidden_layers"], cfg.get("vocab_size", 0)
    heads = cfg.get("num_attention_heads") or 1
    kv = cfg.get("num_key_value_heads") or heads
    head_dim = cfg.get("head_dim") or hidden // heads
    attn = hidden * head_dim * (2 * heads + 2 * kv)
    experts = cfg.get("num_local_experts") or cfg.get("num_experts") or cfg.get("n_routed_experts") or 0
    inter = cfg.get("moe_intermediate_size") or cfg.get("intermediate_size") or 4 * hidden
    mlp = 3 * hidden * inter * (experts or 1) + 3 * hidden * (cfg.get("shared_expert_intermediate_size") or 0)
    embed = vocab * hidden * (1 if cfg.get("tie_word_embeddings") else 2)
    return (layers * (attn + mlp) + embed) / 1e9, "derived: config.json shapes (embeddings + attention + MLP per layer)"


def model_from_config(path: Path, catalog: Catalog) -> Model:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"{path} is not readable JSON: {exc}.") from None
    if not isinstance(raw, dict):
        raise ModelFileError(f"{path} is not a model config (expected a JSON object).")
    cfg = _text_config(raw)
    missing = [k for k in ("num_hidden_layers", "hidden_size") if not isinstance(cfg.get(k), int)]
    if missing:
        raise ModelFileError(f"{path} lacks {', '.join(missing)}: it does not look like a Hugging Face model config.json.")
    src = f"config:{path}"
    layers = cfg["num_hidden_layers"]
    heads = cfg.get("num_attention_heads") or 1
    kv = cfg.get("num_key_value_heads") or heads
    head_dim = cfg.get("head_dim") or cfg["hidden_size"] // heads
    params, params_src = _config_params(cfg, path.parent)
    experts = cfg.get("num_local_experts") or cfg.get("num_experts") or cfg.get("n_routed_experts")
    used = cfg.get("num_experts_per_tok")
    groups = _config_attention(cfg, layers, kv, head_dim, src)
    name = raw.get("_name_or_path") or path.parent.name
    base = matching_model([str(name), path.parent.name], layers, catalog)
    active = None
    if experts and used:
        active = Fact(value=round(params * (0.1 + 0.9 * used / experts), 3), origin="derived",
                      source=f"derived: assumes 10% of the parameters sit outside the {experts} routed experts, {used} used per token")
    return Model(
        id=f"file-{slug(path.parent.name)}", name=path.parent.name, aliases=[str(path), str(path.parent)],
        family=base.family if base else USER_FAMILY, vendor=base.vendor if base else "unknown (your file)",
        release=base.release if base else None, weights="open", architecture="moe" if active else "dense",
        params_total_b=Fact(value=round(params, 3), origin="derived" if params_src.startswith("derived") else "user_file", source=params_src),
        params_active_b=active, layers=_fact(layers, f"{src} num_hidden_layers"), attention=groups,
        context_tokens=_fact(cfg["max_position_embeddings"], f"{src} max_position_embeddings") if cfg.get("max_position_embeddings") else None,
        modalities=base.modalities if base else ["text"], tasks=base.tasks if base else ["general"],
        licenses=_licenses(None, base, src, catalog),
        file=ModelFile(path=str(path), format="hf_config", architecture=cfg.get("model_type"), matches=base.id if base else None),
        notes=f"Read from your config.json ({cfg.get('model_type', 'unknown type')}); weights are estimated per quant"
              + (f"; a build of {base.name} in the catalog." if base else "."),
    )


def _config_attention(cfg: dict[str, Any], layers: int, kv: int, head_dim: int, src: str) -> list[AttentionGroup]:
    window = cfg.get("sliding_window")
    kinds = cfg.get("layer_types")
    sliding = 0
    if window and isinstance(kinds, list) and len(kinds) == layers:
        sliding = sum(1 for k in kinds if "sliding" in str(k))
    elif window and cfg.get("use_sliding_window", True) and cfg.get("model_type") in ("mistral", "starcoder2"):
        sliding = layers
    groups = []
    if sliding:
        groups.append(AttentionGroup(kind="sliding", layers=sliding, kv_heads=kv, head_dim=head_dim, window=window,
                                     origin="user_file", source=f"{src} sliding_window / layer_types"))
    if layers - sliding:
        groups.append(AttentionGroup(kind="full", layers=layers - sliding, kv_heads=kv, head_dim=head_dim,
                                     origin="user_file", source=f"{src} num_key_value_heads / head_dim"))
    return groups
