"""Lazy grammar checking through the real default model: the same tokens as llama.cpp's full filtering.

Slow (loads the 1.1 GB model, shared with the other real-model tests of the process).
"""

from __future__ import annotations

import json

import pytest
from llama_cpp import LlamaGrammar, llama_vocab_is_eog

from advisor.llm.constrained import greedy_under_grammar
from advisor.llm.packs import model_path
from advisor.llm.runtime import load_runtime, on_llama_thread
from advisor.settings import paths

pytestmark = pytest.mark.slow

CALL = {"type": "object", "properties": {"name": {"const": "estimate"}, "arguments": {
    "type": "object", "properties": {"model": {"type": "string"}, "vram_gb": {"type": "number"}}, "required": ["model"]}},
    "required": ["name", "arguments"]}
# The model wants to answer 4; only animal names are allowed, so its favourite tokens are rejected.
ODD = {"type": "object", "properties": {"answer": {"enum": ["zebra", "quokka"]}}, "required": ["answer"]}


@pytest.fixture(scope="module")
def runtime():
    path, _ = model_path("qwen1.5b", paths().models_dir)
    return load_runtime(path)


def decode_both(runtime, question: str, schema: dict) -> tuple[list[int], list[int]]:
    grammar = LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
    prompt = runtime.tokenize(runtime.render([{"role": "user", "content": question}]))

    def run() -> tuple[list[int], list[int]]:
        ours = list(greedy_under_grammar(runtime.llm, prompt, grammar, 60))
        theirs: list[int] = []
        for token in runtime.llm.generate(prompt, temp=0.0, repeat_penalty=1.0, grammar=grammar):
            theirs.append(token)
            if llama_vocab_is_eog(runtime.llm._model.vocab, token) or len(theirs) == 60:
                break
        return ours, theirs

    return on_llama_thread(run)


@pytest.mark.parametrize(("question", "schema"), [
    ("Write the tool call to estimate Qwen3 8B on a 12 GB card as JSON.", CALL),
    ("What is 2 + 2? Reply in JSON.", ODD),
])
def test_lazy_check_gives_the_tokens_full_filtering_gives(runtime, question: str, schema: dict) -> None:
    ours, theirs = decode_both(runtime, question, schema)
    assert ours == theirs
    text = runtime.llm.detokenize([t for t in ours if not llama_vocab_is_eog(runtime.llm._model.vocab, t)]).decode()
    json.loads(text)  # the grammar held: complete, valid JSON


def test_call_openers_are_the_tokens_that_could_start_a_call_or_precede_one(runtime):
    openers = set(on_llama_thread(lambda: runtime.call_openers))
    dashes = "-" * 64  # one token of 64 bytes in Qwen's vocabulary
    first = {text: runtime.tokenize(text)[0] for text in ("<tool_call>", "{", "```", " ", "\n", "The", "Yes", dashes)}
    assert {first["<tool_call>"], first["{"], first["```"], first[" "], first["\n"]} <= openers
    assert first["The"] not in openers and first["Yes"] not in openers
    assert runtime.tokenize(dashes) == [first[dashes]] and first[dashes] not in openers, \
        "a piece longer than a small buffer is read whole, not taken for a blank one"
