"""Reading GGUF files: the three packaged models, small synthetic files and broken ones."""

from __future__ import annotations

import pytest

from gguf_fixtures import write_gguf  # shared test helper in tests/
from tools.estimate import estimate, weights_bytes
from tools.gguf_file import GgufError, attention_groups, read_gguf
from tools.requests import EstimateRequest, HardwareSpec
from tools.resolve import resolve_quant
from tools.shapes import shape_of_model
from tools.user_models import model_from_gguf

# What the packs' own metadata says (checked once against gguf.GGUFReader, which takes 15-30 s a file).
PACKS = {
    "qwen1.5b": {"architecture": "qwen2", "block_count": 28, "kv": 2, "head_dim": 128, "context": 32768, "tensor_bytes": 1_111_370_240},
    "qwen0.5b": {"architecture": "qwen2", "block_count": 24, "kv": 2, "head_dim": 64, "context": 32768, "tensor_bytes": 485_452_288},
    "gemma270m": {"architecture": "gemma3", "block_count": 18, "kv": 1, "head_dim": 256, "context": 32768, "tensor_bytes": 246_587_904},
}


def pack_file(name: str):
    from advisor.llm.packs import ModelUnavailable, model_path
    from advisor.settings import paths

    try:
        path, _ = model_path(name, paths().models_dir)
    except ModelUnavailable as exc:
        pytest.skip(f"the {name} model pack is not installed, so its GGUF cannot be read: {exc.message}")
    return path


@pytest.mark.packs
@pytest.mark.parametrize("pack", sorted(PACKS))
def test_the_packaged_gguf_files_report_their_real_shape(pack):
    info = read_gguf(pack_file(pack))
    want = PACKS[pack]
    assert info.architecture == want["architecture"]
    assert info.block_count == want["block_count"]
    assert info.head_count_kv == [want["kv"]] and info.head_dim == want["head_dim"]
    assert info.context_length == want["context"]
    assert info.tensor_bytes == want["tensor_bytes"]
    assert info.quant == "Q4_K_M"
    assert 0.95 * info.file_bytes < info.tensor_bytes < info.file_bytes  # the rest is metadata and vocabulary


@pytest.mark.packs
@pytest.mark.parametrize("pack", sorted(PACKS))
def test_estimated_weights_are_the_files_tensor_bytes_within_one_percent(pack, catalog):
    info = read_gguf(pack_file(pack))
    model = model_from_gguf(info, catalog)
    with_file = catalog.model_copy(update={"models": [*catalog.models, model]})
    quant = resolve_quant(info.quant, catalog)
    assert weights_bytes(shape_of_model(model), quant) == pytest.approx(info.tensor_bytes, rel=0.01)
    result = estimate(EstimateRequest(model=model.id, quant=quant.id, hardware=HardwareSpec(vram_gb=8, bandwidth_gbps=300)), with_file)
    assert result.memory_gb.weights == pytest.approx(info.tensor_bytes / 1e9, abs=0.005)  # printed to 0.01 GB
    assert result.best_quant is None  # a file's quant is fixed
    assert any("bytes of tensors in your file" in a for a in result.assumptions)


@pytest.mark.packs
def test_gemma_3_interleaves_five_sliding_layers_per_global_one():
    groups, notes = attention_groups(read_gguf(pack_file("gemma270m")))
    by_kind = {g.kind: g for g in groups}
    assert by_kind["sliding"].layers == 15 and by_kind["sliding"].window == 512
    assert by_kind["full"].layers == 3 and not notes


def test_a_small_written_file_is_read_back_exactly(tmp_path):
    path = write_gguf(tmp_path / "tiny.gguf", "llama", blocks=3, heads=4, kv_heads=2, width=64, context=2048)
    info = read_gguf(path)
    assert (info.architecture, info.block_count, info.head_count, info.head_count_kv, info.head_dim) == ("llama", 3, 4, [2], 16)
    assert info.context_length == 2048 and info.name == "Tiny Test Model"
    embd, q, k, up = 32 * 64, 64 * 64, 2 * 16 * 64, 16 * 64
    assert info.params == embd + 3 * (q + k + up)
    assert info.tensor_bytes == 4 * info.params and info.tensor_types == {"F32": 10}


def test_a_moe_file_reads_only_the_routed_share_of_its_experts(tmp_path):
    info = read_gguf(write_gguf(tmp_path / "moe.gguf", "qwen3moe", blocks=2, experts=8, experts_used=2))
    experts = 2 * 8 * 16 * 64
    assert info.expert_params == experts
    assert info.active_params == info.params - experts + experts * 2 // 8
    assert model_from_gguf(info, _empty_catalog()).architecture == "moe"


def test_a_sliding_window_pattern_listed_in_the_file_wins(tmp_path):
    path = write_gguf(tmp_path / "olmo3.gguf", "olmo3", blocks=4,
                      extra={"olmo3.attention.sliding_window": 4096, "olmo3.attention.sliding_window_pattern": [True, True, True, False]})
    groups, _ = attention_groups(read_gguf(path))
    assert [(g.kind, g.layers) for g in groups] == [("sliding", 3), ("full", 1)]


@pytest.mark.parametrize("content, message", [
    (b"", "only 0 bytes"),
    (b"PK\x03\x04" + b"\x00" * 64, "does not start with the bytes 'GGUF'"),
    (b"GGUF\x03\x00\x00\x00" + b"\x01\x00\x00\x00\x00\x00\x00\x00" + b"\x05\x00\x00\x00\x00\x00\x00\x00" + b"\x10\x00", "truncated"),
    (b"GGUF\x01\x00\x00\x00" + b"\x00" * 32, "version 1"),
])
def test_a_file_that_is_not_a_readable_gguf_gets_a_clear_error(tmp_path, content, message):
    path = tmp_path / "broken.gguf"
    path.write_bytes(content)
    with pytest.raises(GgufError) as err:
        read_gguf(path)
    assert message in err.value.message and str(path) in err.value.message


def test_a_download_cut_short_is_reported_as_truncated(tmp_path):
    path = write_gguf(tmp_path / "cut.gguf")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 1000])
    with pytest.raises(GgufError, match="interrupted download"):
        read_gguf(path)


def test_a_file_without_a_block_count_is_not_taken_for_a_language_model(tmp_path):
    import gguf
    import numpy as np

    path = tmp_path / "clip.gguf"
    writer = gguf.GGUFWriter(str(path), "clip")
    writer.add_tensor("v.patch_embd.weight", np.ones((4, 4), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    with pytest.raises(GgufError, match="no block count"):
        read_gguf(path)


def test_a_missing_path_says_so(tmp_path):
    with pytest.raises(GgufError, match="No file at"):
        read_gguf(tmp_path / "nowhere.gguf")


def _empty_catalog():
    from knowledge import read_catalog

    return read_catalog().model_copy(update={"models": []})


def test_an_unreadable_file_is_an_error_not_a_traceback(tmp_path, monkeypatch):
    from pathlib import Path

    path = write_gguf(tmp_path / "locked.gguf")

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(GgufError, match="cannot be read: Permission denied"):
        read_gguf(path)
