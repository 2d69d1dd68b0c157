"""A plan reads as what the model needs on a GPU, the cheaper ways, and the least hardware that runs it.

The samples are written by hand, with fixed figures, so a catalog or estimator change moves none of them.
"""

from __future__ import annotations

from typing import Any

from advisor import present
from advisor.present import plan as words
from tools.plan import PlanResult

COMMAND = "llama-server -m qwen3-30b-a3b-Q4_K_M.gguf -c 32768 -ngl 99 --n-cpu-moe 41"


def _mode(mode: str, gpu: float, ram: float, card: float | None, note: str = "how") -> dict[str, Any]:
    return {"mode": mode, "gpu_gb": gpu, "ram_gb": ram, "smallest_card_gib": card, "note": note}


def _device(name: str, size: float, fit: str, speed: float | None, command: str | None = None,
            layers: int | None = None) -> dict[str, Any]:
    return {"device": name, "memory_gib": size, "fit": fit, "decode_tps": speed, "cpu_moe_layers": layers,
            "llama_server": command}


def moe_plan(**changes: Any) -> PlanResult:
    """Qwen3-30B-A3B at 32k context, asked for 30 tok/s: every way of running an MoE model."""
    data = {
        "model": "qwen3-30b-a3b", "model_name": "Qwen3-30B-A3B", "quant": "Q4_K_M", "context": 32768,
        "target_tps": 30.0, "ram_gb": 64.0,
        "modes": [_mode("full_gpu", 23.15, 0.0, 22.7, "everything on the GPU: the fastest way"),
                  _mode("moe_offload", 5.38, 17.77, 5.3, "every expert layer in RAM (--cpu-moe)"),
                  _mode("gpu_cpu_offload", 4.86, 18.29, 4.8, "layers split with RAM (-ngl)"),
                  _mode("cpu_only", 0.0, 23.15, None, "all in RAM: needs 28.9 GB installed (80% usable)")],
        "devices": [_device("NVIDIA GeForce RTX 3070 Ti", 8, "moe_offload", 31.7, COMMAND, 41),
                    _device("NVIDIA GeForce RTX 3080 10GB", 10, "moe_offload", 36.6),
                    _device("NVIDIA GeForce RTX 3060 12GB", 12, "moe_offload", 30.7),
                    _device("NVIDIA GeForce RTX 4070", 12, "moe_offload", 35.1)],
        "assumptions": ["offload modes assume 64 GB of system RAM",
                        "only devices whose expected decode reaches 30 tok/s at 32,768 tokens"],
    }
    return PlanResult.model_validate({**data, **changes})


def dense_plan(**changes: Any) -> PlanResult:
    """Llama 3.3 70B with no speed asked: more than one consumer card's memory, no MoE way."""
    data = {
        "model": "llama-3.3-70b", "model_name": "Llama 3.3 70B", "quant": "Q4_K_M", "context": 8192,
        "target_tps": None, "ram_gb": 64.0,
        "modes": [_mode("full_gpu", 48.16, 0.0, 47.2), _mode("gpu_cpu_offload", 5.45, 42.7, 5.3),
                  _mode("cpu_only", 0.0, 48.16, None)],
        "devices": [_device("NVIDIA GeForce RTX 4060", 8, "gpu_cpu_offload", 1.1, "llama-server -m x.gguf -ngl 5")],
        "assumptions": ["offload modes assume 64 GB of system RAM"],
    }
    return PlanResult.model_validate({**data, **changes})


def test_the_verdict_gives_the_gpu_memory_the_card_size_the_moe_way_and_the_least_device():
    assert words.verdict(moe_plan()) == (
        "Qwen3-30B-A3B at Q4_K_M with 32,768 tokens of context needs 23.15 GB of GPU memory to run fully on a GPU "
        "(cards sold with 23 GB or more in total); with its MoE experts in system RAM, 5.38 GB on the GPU plus "
        "17.77 GB of RAM; the least memory that runs it at 30 tok/s or more: "
        "NVIDIA GeForce RTX 3070 Ti (8 GB, MoE experts in RAM, ~31.7 tok/s).")


def test_a_dense_model_has_no_moe_clause_and_no_speed_asked_means_no_speed_in_the_verdict():
    verdict = words.verdict(dense_plan())
    assert "MoE" not in verdict and "tok/s or more" not in verdict
    assert "needs 48.16 GB of GPU memory to run fully on a GPU (cards sold with 48 GB or more in total)" in verdict
    assert verdict.endswith("the least memory that runs it: NVIDIA GeForce RTX 4060 (8 GB, layers in RAM, ~1.1 tok/s).")


def test_a_card_size_is_rounded_up_to_the_whole_gigabytes_cards_are_sold_with():
    assert words.card_size(moe_plan().modes[0]) == "cards sold with 23 GB or more in total"  # 22.7 GiB
    exact = moe_plan().modes[0].model_copy(update={"smallest_card_gib": 24.0})
    assert words.card_size(exact) == "cards sold with 24 GB or more in total"
    assert words.card_size(moe_plan().modes[-1]) is None, "CPU only needs no card"


def test_no_device_fast_enough_is_said_with_the_speed_asked():
    result = moe_plan(devices=[], target_tps=500.0)
    assert words.verdict(result).endswith("; no catalog device runs it at 500 tok/s or more.")
    assert words.summary(result) == "Qwen3-30B-A3B Q4_K_M: 23.15 GB all on GPU; no device at 500 tok/s or more"


def test_the_model_text_is_short_verdict_first_with_units_and_one_command():
    text = words.model_text(moe_plan())
    lines = text.splitlines()
    assert len(lines) <= 8 and len(text) < 1200, "every prompt token costs ~10 ms of prefill"
    assert lines[0] == words.verdict(moe_plan())
    assert ("Ways to run it (GPU memory + system RAM): full GPU 23.15 GB; MoE experts in RAM 5.38 GB + 17.77 GB; "
            "layers in RAM 4.86 GB + 18.29 GB; CPU only 23.15 GB.") in lines
    assert f"Command on the NVIDIA GeForce RTX 3070 Ti: {COMMAND}" in lines
    assert "Next: NVIDIA GeForce RTX 3080 10GB (10 GB, ~36.6 tok/s); NVIDIA GeForce RTX 3060 12GB (12 GB, ~30.7 tok/s)." in lines
    assert "RTX 4070" not in text, "three devices, not all"
    assert "64 GB of RAM" in text and "10^9 bytes" in text
    assert "{" not in text and "_" not in text.replace("Q4_K_M", "")


def test_the_summary_names_the_full_gpu_need_and_the_least_device():
    assert words.summary(moe_plan()) == "Qwen3-30B-A3B Q4_K_M: 23.15 GB all on GPU; least: NVIDIA GeForce RTX 3070 Ti (8 GB)"


def test_the_table_lists_every_way_and_every_device_with_its_command():
    grid = words.table(moe_plan())
    firsts = [row[0] for row in grid.rows]
    assert firsts == ["full GPU", "MoE experts in RAM", "layers in RAM", "CPU only", "NVIDIA GeForce RTX 3070 Ti",
                      "NVIDIA GeForce RTX 3080 10GB", "NVIDIA GeForce RTX 3060 12GB", "NVIDIA GeForce RTX 4070"]
    device = grid.rows[4]
    assert device[3] == "~31.7 tok/s" and COMMAND in device[4] and "41 expert layers on the CPU" in device[4]
    assert "only devices whose expected decode reaches 30 tok/s" in (grid.caption or "")


def test_a_plan_crosses_boundaries_tagged_and_comes_back_typed():
    payload = present.to_payload(moe_plan())
    assert payload["type"] == "plan"
    assert present.from_payload(payload) == moe_plan()
    untagged = moe_plan().model_dump(mode="json")
    assert present.from_payload(untagged, "plan") == moe_plan(), "read by the tool that made it"
    assert present.summary(payload) == words.summary(moe_plan())


def test_the_fallback_answer_is_the_verdict_and_the_memory_of_each_way():
    answer = present.answer_markdown(present.to_payload(dense_plan()), "plan")
    assert answer.startswith(words.verdict(dense_plan()))
    assert "| way to run | GPU memory | system RAM |" in answer
    assert "| layers in RAM | 5.45 GB | 42.7 GB |" in answer


def test_the_oracle_sentence_is_the_verdict():
    assert present.sentences(moe_plan()) == [words.verdict(moe_plan())]


def test_a_later_device_names_its_way_of_running_only_when_it_differs_from_the_first():
    devices = [_device("NVIDIA GeForce RTX 4060", 8, "gpu_cpu_offload", 1.1),
               _device("NVIDIA GeForce RTX 3090", 24, "gpu_cpu_offload", 9.8),
               _device("2x NVIDIA GeForce RTX 3090", 48, "multi_gpu", 17.2)]
    text = words.model_text(dense_plan(devices=devices))
    assert "Next: NVIDIA GeForce RTX 3090 (24 GB, ~9.8 tok/s); 2x NVIDIA GeForce RTX 3090 (48 GB, multi gpu, ~17.2 tok/s)." in text
    assert "Command on" not in text, "no command known, none shown"
