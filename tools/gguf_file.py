"""What a GGUF file says about itself: architecture, shape, context and the bytes of its tensors.

A user who downloaded a GGUF should not have to look its model up: the file's metadata gives
the layer count, the heads and the context window, and its tensor table gives the weights to
the byte, so an estimate for that file is exact instead of a per-quant average.

The `gguf` package (llama.cpp's own Python library) supplies the format's vocabulary: value
types, metadata key names, file types and each ggml type's block size. Its `GGUFReader`
builds a numpy view for every element of every array, which takes 15-30 s on a 150K-token
vocabulary on this machine (measured on the three model packs), so the header is walked here
with `struct`, skipping the tokenizer arrays, and nothing past the tensor table is read.
"""

from __future__ import annotations

import mmap
import struct
from collections import Counter
from pathlib import Path
from typing import Any

import gguf
from pydantic import BaseModel, ConfigDict

from knowledge.schema import AttentionGroup
from tools.errors import AdvisorError

_SCALARS = {  # GGUFValueType -> struct format (little-endian)
    gguf.GGUFValueType.UINT8: "<B", gguf.GGUFValueType.INT8: "<b", gguf.GGUFValueType.UINT16: "<H",
    gguf.GGUFValueType.INT16: "<h", gguf.GGUFValueType.UINT32: "<I", gguf.GGUFValueType.INT32: "<i",
    gguf.GGUFValueType.FLOAT32: "<f", gguf.GGUFValueType.BOOL: "<?", gguf.GGUFValueType.UINT64: "<Q",
    gguf.GGUFValueType.INT64: "<q", gguf.GGUFValueType.FLOAT64: "<d",
}
_KEEP_ARRAY_MAX = 4096  # arrays longer than this (vocabularies, merges) are skipped, not decoded
_EXPERT_TENSOR = "_exps."  # llama.cpp names the stacked routed-expert tensors ffn_*_exps


class GgufError(AdvisorError):
    """A file that is not a readable GGUF model; the message says what is wrong with it."""


class GgufInfo(BaseModel):
    """The metadata and tensor totals of one GGUF file."""

    model_config = ConfigDict(frozen=True)

    path: str
    file_bytes: int
    tensor_bytes: int
    tensor_count: int
    params: int
    expert_params: int  # parameters inside routed-expert tensors (0 for a dense model)
    tensor_types: dict[str, int]
    architecture: str
    name: str | None = None
    basename: str | None = None
    size_label: str | None = None
    license: str | None = None
    quant: str | None = None
    block_count: int
    context_length: int | None = None
    embedding_length: int | None = None
    head_count: int | None = None
    head_count_kv: list[int] = []  # one value, or one per layer
    head_dim: int | None = None
    sliding_window: int | None = None
    sliding_window_pattern: list[bool] = []  # True = sliding layer, when the file lists them
    full_attention_interval: int | None = None
    kv_lora_rank: int | None = None
    rope_dim: int | None = None
    expert_count: int | None = None
    expert_used_count: int | None = None

    @property
    def active_params(self) -> int:
        """Parameters read per token: everything outside the experts plus the routed share."""
        if not self.expert_params or not self.expert_count or not self.expert_used_count:
            return self.params
        return self.params - self.expert_params + self.expert_params * self.expert_used_count // self.expert_count


class _Header:
    """Sequential little-endian reads over the file's bytes, failing with a GgufError."""

    def __init__(self, data: Any, path: Path) -> None:
        self.data, self.path, self.pos = data, path, 0

    def take(self, fmt: str) -> Any:
        try:
            (value,) = struct.unpack_from(fmt, self.data, self.pos)
        except struct.error:
            raise GgufError(f"{self.path} is truncated: its header ends at byte {self.pos:,}.") from None
        self.pos += struct.calcsize(fmt)
        return value

    def string(self) -> str:
        length = self.take("<Q")
        if self.pos + length > len(self.data):
            raise GgufError(f"{self.path} is truncated or damaged: a {length:,}-byte string at byte {self.pos:,} runs past the end.")
        raw = bytes(self.data[self.pos:self.pos + length])
        self.pos += length
        return raw.decode("utf-8", errors="replace")

    def value(self, kind: int) -> Any:
        try:
            vtype = gguf.GGUFValueType(kind)
        except ValueError:
            raise GgufError(f"{self.path} is damaged: unknown metadata value type {kind} at byte {self.pos:,}.") from None
        if vtype == gguf.GGUFValueType.STRING:
            return self.string()
        if vtype == gguf.GGUFValueType.ARRAY:
            item_kind, count = self.take("<I"), self.take("<Q")
            if count > _KEEP_ARRAY_MAX:
                self.skip_array(item_kind, count)
                return None
            return [self.value(item_kind) for _ in range(count)]
        return self.take(_SCALARS[vtype])

    def skip_array(self, kind: int, count: int) -> None:
        if kind == gguf.GGUFValueType.STRING:
            for _ in range(count):
                length = self.take("<Q")
                self.pos += length
            if self.pos > len(self.data):
                raise GgufError(f"{self.path} is truncated: a metadata array runs past the end of the file.")
        elif kind in _SCALARS:
            self.pos += struct.calcsize(_SCALARS[gguf.GGUFValueType(kind)]) * count
        else:
            for _ in range(count):
                self.value(kind)


def _tensor_bytes(path: Path, name: str, type_id: int, elements: int) -> tuple[str, int]:
    try:
        qtype = gguf.GGMLQuantizationType(type_id)
        block, size = gguf.GGML_QUANT_SIZES[qtype]
    except (ValueError, KeyError):
        raise GgufError(f"{path}: tensor '{name}' has ggml type {type_id}, which this version of the gguf package does not know.") from None
    return qtype.name, elements // block * size


def read_gguf(path: str | Path) -> GgufInfo:
    """Parse the header and tensor table of a GGUF file; a file that is not one is a GgufError."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise GgufError(f"No file at {path}.")
    size = path.stat().st_size
    if size < 24:
        raise GgufError(f"{path} is not a GGUF file: it is only {size} bytes long.")
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise GgufError(f"{path} cannot be read: {exc.strerror or exc}.") from None
    with handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        head = _Header(data, path)
        if head.take("<I") != gguf.GGUF_MAGIC:
            raise GgufError(f"{path} is not a GGUF file (it does not start with the bytes 'GGUF').")
        version = head.take("<I")
        if version not in (2, 3):
            raise GgufError(f"{path} is GGUF version {version}; only versions 2 and 3 can be read.")
        tensor_count, kv_count = head.take("<Q"), head.take("<Q")
        if tensor_count > 1_000_000 or kv_count > 100_000:
            raise GgufError(f"{path} is damaged: its header claims {tensor_count:,} tensors and {kv_count:,} metadata keys.")
        meta: dict[str, Any] = {}
        for _ in range(kv_count):
            key = head.string()
            meta[key] = head.value(head.take("<I"))
        types: Counter[str] = Counter()
        tensor_bytes = params = expert_params = 0
        last_end = 0
        for _ in range(tensor_count):
            name = head.string()
            dims = [head.take("<Q") for _ in range(head.take("<I"))]
            type_id, offset = head.take("<I"), head.take("<Q")
            elements = 1
            for d in dims:
                elements *= d
            type_name, n_bytes = _tensor_bytes(path, name, type_id, elements)
            types[type_name] += 1
            tensor_bytes += n_bytes
            params += elements
            if _EXPERT_TENSOR in name:
                expert_params += elements
            last_end = max(last_end, offset + n_bytes)
        alignment = meta.get("general.alignment") or gguf.GGUF_DEFAULT_ALIGNMENT
        data_start = -(-head.pos // alignment) * alignment
    if tensor_count == 0:
        raise GgufError(f"{path} holds no tensors: it is not a model file.")
    if data_start + last_end > size:
        raise GgufError(f"{path} is truncated: its tensors need {data_start + last_end:,} bytes but the file has {size:,} "
                        "(an interrupted download?).")
    return _info(path, size, meta, tensor_bytes, tensor_count, params, expert_params, dict(types))


def _info(path: Path, size: int, meta: dict[str, Any], tensor_bytes: int, tensor_count: int, params: int,
          expert_params: int, types: dict[str, int]) -> GgufInfo:
    arch = meta.get("general.architecture")
    if not isinstance(arch, str):
        raise GgufError(f"{path} has no general.architecture key, so its model shape cannot be read.")

    def key(template: str) -> Any:
        return meta.get(template.format(arch=arch))

    blocks = key(gguf.Keys.LLM.BLOCK_COUNT)
    if not isinstance(blocks, int) or blocks <= 0:
        raise GgufError(f"{path} ({arch}) gives no block count, so it does not describe a language model we can size.")
    heads = key(gguf.Keys.Attention.HEAD_COUNT)
    heads = max(heads) if isinstance(heads, list) and heads else heads
    kv = key(gguf.Keys.Attention.HEAD_COUNT_KV)
    kv_list = kv if isinstance(kv, list) else ([kv] if isinstance(kv, int) else ([heads] if heads else []))
    width = key(gguf.Keys.LLM.EMBEDDING_LENGTH)
    head_dim = key(gguf.Keys.Attention.KEY_LENGTH) or (width // heads if width and heads else None)
    pattern = key(gguf.Keys.Attention.SLIDING_WINDOW_PATTERN)
    file_type = meta.get("general.file_type")
    try:
        quant = gguf.LlamaFileType(file_type).name.removeprefix("MOSTLY_") if file_type is not None else None
    except ValueError:
        quant = None
    return GgufInfo(
        path=str(path), file_bytes=size, tensor_bytes=tensor_bytes, tensor_count=tensor_count, params=params,
        expert_params=expert_params, tensor_types=types, architecture=arch,
        name=meta.get("general.name"), basename=meta.get("general.basename"), size_label=meta.get("general.size_label"),
        license=meta.get("general.license") if isinstance(meta.get("general.license"), str) else None,
        quant=quant or _dominant_type(types), block_count=blocks, context_length=key(gguf.Keys.LLM.CONTEXT_LENGTH),
        embedding_length=width, head_count=heads, head_count_kv=[int(v) for v in kv_list], head_dim=head_dim,
        sliding_window=key(gguf.Keys.Attention.SLIDING_WINDOW),
        sliding_window_pattern=[bool(v) for v in pattern] if isinstance(pattern, list) else [],
        full_attention_interval=key(gguf.Keys.LLM.FULL_ATTENTION_INTERVAL),
        kv_lora_rank=key(gguf.Keys.Attention.KV_LORA_RANK), rope_dim=key(gguf.Keys.Rope.DIMENSION_COUNT),
        expert_count=key(gguf.Keys.LLM.EXPERT_COUNT), expert_used_count=key(gguf.Keys.LLM.EXPERT_USED_COUNT),
    )


def _dominant_type(types: dict[str, int]) -> str | None:
    quantized = {t: n for t, n in types.items() if t not in ("F32",)}
    return max(quantized, key=quantized.get) if quantized else None


# Interleaved sliding-window layouts llama.cpp applies by architecture when the file lists none:
# n -> number of sliding layers among n.
_SLIDING_BY_ARCH = {
    "gemma2": lambda n: n // 2 + n % 2,  # even layers slide, odd ones are global
    "gemma3": lambda n: n - n // 6,  # five sliding layers per global one
    "cohere2": lambda n: n - n // 4,  # three sliding layers per global one
}


def attention_groups(info: GgufInfo) -> tuple[list[AttentionGroup], list[str]]:
    """The KV-cache layout the estimator needs, with a note for each thing assumed."""
    src = f"gguf:{info.path} metadata"
    n = info.block_count
    notes: list[str] = []

    def group(kind: str, layers: int, **extra: Any) -> AttentionGroup:
        return AttentionGroup(kind=kind, layers=layers, origin="user_file", source=src, **extra)

    if info.kv_lora_rank:
        return [group("mla", n, latent_dim=info.kv_lora_rank + (info.rope_dim or 64))], notes
    kv_values = [v for v in info.head_count_kv if v > 0]
    kv = Counter(kv_values).most_common(1)[0][0] if kv_values else None
    if kv is None or not info.head_dim:
        notes.append("the file gives no KV head count or head size; assumed 8 KV heads of 128 on every layer")
        return [group("full", n, kv_heads=8, head_dim=128)], notes
    attn_layers = n
    groups: list[AttentionGroup] = []
    if info.full_attention_interval and info.full_attention_interval > 1:
        attn_layers = n // info.full_attention_interval
        groups.append(group("recurrent", n - attn_layers))
        notes.append(f"{n - attn_layers} of {n} layers are recurrent; their fixed state is not counted")
    elif len(info.head_count_kv) == n and 0 in info.head_count_kv:
        attn_layers = sum(1 for v in info.head_count_kv if v > 0)
        groups.append(group("recurrent", n - attn_layers))
        notes.append(f"{n - attn_layers} of {n} layers hold no KV cache (recurrent); their fixed state is not counted")
    sliding = 0
    if info.sliding_window:
        if len(info.sliding_window_pattern) == n:
            sliding = sum(info.sliding_window_pattern)
        elif info.architecture in _SLIDING_BY_ARCH:
            sliding = _SLIDING_BY_ARCH[info.architecture](attn_layers)
    if sliding:
        groups.append(group("sliding", sliding, kv_heads=kv, head_dim=info.head_dim, window=info.sliding_window))
    if attn_layers - sliding:
        groups.append(group("full", attn_layers - sliding, kv_heads=kv, head_dim=info.head_dim))
    return groups, notes
