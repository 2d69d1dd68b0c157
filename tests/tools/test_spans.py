"""The phrases a copied argument may hold: what each parser reads in a message, over many phrasings."""

from __future__ import annotations

import pytest

from knowledge import load_catalog
from tools.errors import UnknownName
from tools.licenses import license_terms
from tools.spans import KINDS, copyable_values, listed, phrases, values_in

CATALOG = load_catalog()  # the real device names: what the phrases are read against

# message -> {argument: a phrase that must be offered}; the arguments not named must offer nothing.
OFFERED = [
    ("anything decent for a 3070?", {"hardware": "a 3070"}),
    ("what can my 4080 handle", {"hardware": "my 4080"}),
    ("local chatbot, 12 gigs of video memory", {"hardware": "12 gigs of video memory"}),
    ("best coding model for a 16 GB card?", {"hardware": "a 16 GB card"}),
    ("got an RTX 4070 Ti Super, which model for rp", {"hardware": "RTX 4070 Ti Super"}),
    ("M3 Ultra 512gb, can it do qwen3 235b at 32k?", {"hardware": "M3 Ultra 512gb", "context": "32k"}),
    ("m4 max 64gb macbook, biggest model?", {"hardware": "m4 max 64gb"}),
    ("two 3090s + 64gb ram, biggest model at 8 bit", {"hardware": "two 3090s + 64gb ram", "quant": "8 bit"}),
    ("2x4090 — llama 3.3 70b in 4-bit?", {"hardware": "2x4090", "quant": "4-bit"}),
    ("4 H100s for deepseek r1?", {"hardware": "4 H100s"}),
    ("laptop with 16 GB RAM, no GPU: phi-4 mini?", {"hardware": "laptop with 16 GB RAM, no GPU"}),
    ("cpu only, 32gb ddr5, what runs", {"hardware": "cpu only, 32gb ddr5"}),
    ("4090 + 64GB RAM, mixtral 8x7b at q5?", {"hardware": "4090 + 64GB RAM", "quant": "q5"}),
    ("8GB", {"hardware": "8GB"}),
    ("is 30 tok/s realistic for gpt-oss 120b on a dgx spark", {"hardware": "dgx spark", "speed": "30 tok/s"}),
    ("what gpu do i need for llama 3.3 70b at 20 tokens per second", {"speed": "20 tokens per second"}),
    ("need at least 25 t/s from qwen3 32b", {"speed": "25 t/s"}),
    ("gemma 3 27b at q4 — what do I need", {"quant": "q4"}),
    ("fp16 mistral 7b on a 24 GB card", {"quant": "fp16", "hardware": "a 24 GB card"}),
    ("Q8_0 qwen2.5 14b, fits in 16 gigs?", {"quant": "Q8_0", "hardware": "16 gigs"}),
    ("phi-4 at half precision", {"quant": "half precision"}),
    ("qwen 2.5 coder 32b with 128k context on two 3090s", {"context": "128k context", "hardware": "two 3090s"}),
    ("context of 32768 tokens for phi-4 on my 3060 12gb", {"context": "32768 tokens", "hardware": "my 3060 12gb"}),
    ("llama 3.1 8b, 64K ctx", {"context": "64K ctx"}),
    ("mistral small with a 1M token window", {"context": "1M token window"}),
    # rejected values of the argument's kind stay offered, so the user hears the tool's error
    ("RTX 9090 for llama 3 8b?", {"hardware": "RTX 9090"}),
    ("-8 GB card, what fits", {"hardware": "-8 GB card"}),
    ("a 900 TB card for llama", {"hardware": "900 TB card"}),
    ("can a M9 Ultra run deepseek", {"hardware": "M9 Ultra"}),
    ("qwen3 8b at Q9 on my 3060", {"quant": "Q9", "hardware": "my 3060"}),
    ("mistral at 10M tokens context", {"context": "10M tokens"}),
    # nothing to copy
    ("heyy", {}),
    ("what's the license of qwen3?", {}),
    ("how much VRAM does Cyberpunk need at 1440p", {}),
    ("what do the articles say about MoE speed", {}),
    ("can I run Gemma 3 on my machine", {}),
    ("is llama 3.3 70b any good", {}),
]


@pytest.mark.parametrize(("message", "expected"), OFFERED, ids=[m for m, _ in OFFERED])
def test_each_argument_offers_the_phrases_its_parser_reads(message: str, expected: dict[str, str]) -> None:
    found = copyable_values(message, CATALOG)
    for name, phrase in expected.items():
        assert phrase in found.get(name, ()), f"{name}: {found.get(name)}"
    assert set(found) - {"model", "named_model", "license_name", "use"} == set(expected), found


# message -> (argument, a phrase it must not offer): words another argument (or nothing) owns
NOT_OFFERED = [
    ("can my 3060 run llama 3 8b", "quant", "8b"),  # a parameter count, not 8-bit
    ("gemma 3 27b at q4", "hardware", "gemma 3"),  # a model, not a machine
    ("gemma 3 27b at q4", "hardware", "gemma 3 27b"),
    ("M3 Ultra 512gb, qwen3 235b at 32k?", "context", "512gb"),  # memory, not a context length
    ("is 30 tok/s realistic for gpt-oss 120b", "context", "120b"),
    ("my 3090, qwen3 32b", "context", "3090"),  # a card, not 3,090 tokens
    ("my 3090, qwen3 32b", "speed", "3090"),
    ("12 gigs of vram", "context", "12"),
    ("llama 3.3 70b at 8 bit, what gpu", "hardware", "70b at 8 bit"),
    ("qwen 7b with 8192 context on a 3060", "context", "qwen 7b with 8192 context on a 3060"),
]


@pytest.mark.parametrize(("message", "name", "phrase"), NOT_OFFERED, ids=[f"{m}-{n}" for m, n, _ in NOT_OFFERED])
def test_a_phrase_of_another_kind_is_not_offered(message: str, name: str, phrase: str) -> None:
    assert phrase not in copyable_values(message, CATALOG).get(name, ())


def test_every_offered_phrase_is_the_users_words():
    message = "Two 3090s (48GB), 64 GB DDR4 — Llama 3.3 70B at Q4_K_M with 16k ctx, 15 tok/s?"
    for phrase in phrases(message):
        assert phrase in message
        assert phrase == phrase.strip("?!.,;:\"'()")


def test_phrases_are_at_most_eight_words_and_each_once():
    found = phrases("a b a b a b a b a b")
    assert len(found) == len(set(found))
    assert max(len(p.split()) for p in found) == 8


def test_a_threads_questions_are_merged():
    merged = values_in(["can my 3060 run qwen3 8b", "and at 32k context?"], CATALOG)
    assert "my 3060" in merged["hardware"] and "32k context" in merged["context"]
    assert set(merged) <= set(KINDS)


USE = [
    ("need one for a saas", "for a saas", "commercial"),
    ("best coding model for my startup on a 4090", "my startup", "commercial"),
    ("same but commercial use only", "commercial use", "commercial"),
    ("a model i can sell a product with", "sell", "commercial"),
    ("just a personal project, 12gb card", "personal project", "any"),
    ("not for commercial use, what fits 8gb", "not for commercial use", "any"),
]


@pytest.mark.parametrize(("message", "phrase", "meaning"), USE, ids=[m for m, _, _ in USE])
def test_the_use_a_recommendation_must_allow_is_offered_as_written(message: str, phrase: str, meaning: str) -> None:
    from tools.phrasing import parse_use  # noqa: PLC0415

    offered = copyable_values(message, CATALOG).get("use", ())
    assert phrase in offered and parse_use(phrase) == meaning


@pytest.mark.parametrize("message", ["best coding model for me", "whats teh biggest model i can run", "heyy",
                                     "qwen3 8b on a 3060"])
def test_no_use_is_offered_when_none_was_said(message: str) -> None:
    assert "use" not in copyable_values(message, CATALOG)


@pytest.mark.parametrize(("message", "names"), [
    ("what do the articles say about gpt oss 20b speed on macs", ["gpt oss 20b"]),
    ("Qwen3-30B-A3B vs Llama 3.3 70B, what do the guides say", ["Qwen3-30B-A3B", "Llama 3.3 70B"]),
    ("ollama vs llama.cpp what do the articles say", []),
    ("how do i make a llama costume for halloween", []),
])
def test_a_model_is_offered_only_as_a_catalog_name_the_message_mentions(message: str, names: list[str]) -> None:
    assert list(copyable_values(message, CATALOG).get("model", ())) == names


@pytest.mark.parametrize(("message", "offered"), [
    ("can I run mixtral on my 3090", ["mixtral"]),
    ("qwen on a 4090?", ["qwen"]),
    ("is zorblax-lm apache or mit", ["zorblax-lm"]),
    ("qwen9 900b on a 4090", ["qwen9 900b"]),
    ("will Phi-4 fit on my machine?", ["Phi-4"]),
    ("glm 4.7 flash at q4 and at q8 on a 24gb card", ["glm 4.7 flash"]),
    ("deepseek r1 14b vs phi 4 reasoning on a 4060 8gb", ["deepseek r1 14b", "phi 4 reasoning"]),
    ("can my m4 max 64gb run llama 3.3 70b at 32k", ["llama 3.3 70b"]),
    ("Mistral Small 3.2 24B on two 3090s", ["Mistral Small 3.2 24B"]),
    ("how fast is gemma 3 27b it qat on a 7900 xtx", ["gemma 3 27b it qat"]),
    ("codestral 22b at 8 bit", ["codestral 22b"]),
    ("gpt-oss-120b on a dgx spark", ["gpt-oss-120b"]),
])
def test_a_named_model_is_offered_whether_or_not_the_catalog_knows_it(message: str, offered: list[str]) -> None:
    values = copyable_values(message, CATALOG).get("named_model", ())
    assert all(name in values for name in offered), values


@pytest.mark.parametrize("message", [
    "does quantizing the kv cache hurt quality much", "how much vram do i need", "best coding model for a 16 GB card",
    "whats teh biggest model i can run", "small model for my laptop", "what gpu should i buy for local llms",
    "is an m.2 ssd faster than sata", "open weight models for a startup", "what code model runs on 8gb",
    "i have an intel i7 and 32gb ram", "recommend something for my rtx 4070 ti super", "cpu only, 32gb ddr5, what runs",
    "how much VRAM does Cyberpunk need at 1440p", "my rtx4090 and a ryzen 7 7800x3d",
])
def test_no_model_is_offered_when_none_was_named(message: str) -> None:
    assert "named_model" not in copyable_values(message, CATALOG)


@pytest.mark.parametrize(("message", "not_a_name"), [
    ("qwen3 8b at q8 on an m4 max", "q8"), ("qwen3 8b at q8 on an m4 max", "m4 max"),
    ("llama 3.1 8b with 8gb vram", "8gb"), ("mistral nemo at 32k context", "32k"), ("phi 4 on my 3060", "3060"),
])
def test_a_phrase_another_argument_reads_is_no_model_name(message: str, not_a_name: str) -> None:
    assert not_a_name not in copyable_values(message, CATALOG).get("named_model", ())


def test_a_catalog_model_named_in_a_result_shown_may_be_the_model_of_a_follow_up():
    shown = ["Best for coding on RTX 5090: Qwen3 Coder 30B A3B at Q6_K (~180 tok/s). Hardware: RTX 5090."]
    merged = values_in(["best coding model for my 5090", "how fast would the top one be at 32k?"], CATALOG, shown)
    assert "Qwen3 Coder 30B A3B" in merged["named_model"]
    assert "Qwen3 Coder 30B A3B" not in merged.get("model", ()), "a search's model filter stays what the user wrote"
    assert "RTX 5090" not in merged.get("hardware", ()), "only model names come from results"


@pytest.mark.parametrize(("message", "offered"), [
    ("is there a MAU limit in the llama 4 license?", ["llama 4 license", "llama 4"]),
    ("is MIT ok for a startup", ["MIT"]),
    ("apache 2.0 vs the gemma terms, which is looser", ["apache 2.0", "gemma terms"]),
    ("Apache-2.0 means i can sell it right", ["Apache-2.0"]),
    ("what are the restrictions of the Qwen License Agreement", ["Qwen License Agreement"]),
    ("what license is qwen3 32b under", ["qwen3 32b"]),
    ("the nvidia open model license - can I fine tune?", ["nvidia open model license"]),
    ("cc-by-nc ok for a side project?", ["cc-by-nc"]),
])
def test_a_license_question_offers_the_license_or_model_named(message: str, offered: list[str]) -> None:
    values = copyable_values(message, CATALOG).get("license_name", ())
    assert all(name in values for name in offered), values
    assert len(values) == len(set(values))
    for name in offered:
        assert license_terms(name, CATALOG).terms, name  # the license tool reads what is offered


def test_an_unknown_model_of_a_license_question_is_offered_and_gets_the_tools_error():
    assert "zorblax-lm" in copyable_values("can i sell stuff made with zorblax-lm", CATALOG)["license_name"]
    with pytest.raises(UnknownName):
        license_terms("zorblax-lm", CATALOG)


@pytest.mark.parametrize("message", [
    "is it ok to use commercially", "what license do i need for my startup", "closed source app, 16gb card",
    "whats the licence situation", "best coding model for a 16 GB card",
])
def test_no_license_name_is_offered_when_none_was_named(message: str) -> None:
    assert "license_name" not in copyable_values(message, CATALOG)


def test_a_model_of_a_result_shown_may_be_the_subject_of_a_license_follow_up():
    shown = ["Best for coding on RTX 4090: Qwen3 Coder 30B A3B at Q4_K_M (~120 tok/s)."]
    merged = values_in(["coding model for my 4090", "can i use it commercially?"], CATALOG, shown)
    assert "Qwen3 Coder 30B A3B" in merged["license_name"]


# message -> (kind, a phrase that lists alternatives, what it lists): each listing is offered, and read apart.
LISTINGS = [
    ("gpt oss 20b on a 4070 ti and also on a 4080", "hardware", "4070 ti and also on a 4080", ("4070 ti", "4080")),
    ("qwen3 8b on a 3060 or a 4060 ti", "hardware", "3060 or a 4060 ti", ("3060", "4060 ti")),
    ("will qwen3 coder 30b fit on a 4090? and on a 3060?", "hardware", "4090? and on a 3060", ("4090", "3060")),
    ("best general model for a 16gb m1 macbook air and for a 24gb rtx 3090", "hardware",
     "16gb m1 macbook air and for a 24gb rtx 3090", ("16gb m1 macbook air", "24gb rtx 3090")),
    ("mistral nemo: rtx 3080 vs rx 6800 xt?", "hardware", "rtx 3080 vs rx 6800 xt", ("rtx 3080", "rx 6800 xt")),
    ("glm 4.7 flash at q4 and at q8 on a 24gb card", "quant", "q4 and at q8", ("q4", "q8")),
    ("is q4 or q5 better for mistral nemo on my 3060", "quant", "q4 or q5", ("q4", "q5")),
    ("llama 3.1 8b in 4-bit vs 8-bit", "quant", "4-bit vs 8-bit", ("4-bit", "8-bit")),
    ("phi-4 at q4_k_m, q6_k or q8_0", "quant", "q4_k_m, q6_k or q8_0", ("q4_k_m", "q6_k", "q8_0")),
    ("deepseek r1 14b vs phi 4 reasoning on a 4060 8gb", "named_model", "deepseek r1 14b vs phi 4 reasoning",
     ("deepseek r1 14b", "phi 4 reasoning")),
    ("which is faster on an m4 max: qwen3.5 35b a3b or qwen3.5 27b", "named_model", "qwen3.5 35b a3b or qwen3.5 27b",
     ("qwen3.5 35b a3b", "qwen3.5 27b")),
    ("mistral small and gemma 3 27b on my 3090", "named_model", "mistral small and gemma 3 27b",
     ("mistral small", "gemma 3 27b")),
    ("llama 4 scout vs gemma 3 27b licenses, which is more permissive", "license_name", "llama 4 scout vs gemma 3 27b",
     ("llama 4 scout", "gemma 3 27b")),
    ("apache 2.0 or mit for my startup", "license_name", "apache 2.0 or mit", ("apache 2.0", "mit")),
    ("look up the licenses of llama 4 scout, phi-4 and mistral small 3.1", "license_name",
     "llama 4 scout, phi-4 and mistral small 3.1", ("llama 4 scout", "phi-4", "mistral small 3.1")),
]


@pytest.mark.parametrize(("message", "kind", "phrase", "parts"), LISTINGS)
def test_a_phrase_listing_alternatives_is_offered_and_read_apart(message, kind, phrase, parts) -> None:
    found = copyable_values(message, CATALOG)
    assert phrase in found[kind]
    assert listed(phrase, kind, found[kind]) == parts


# A machine's parts, a model's own words and a listing with something else in it are one value.
NOT_LISTINGS = [
    ("can my 4090 and 64gb ram run llama 3 70b", "hardware", "4090 and 64gb ram"),
    ("two 3090s + 128 GB RAM, fits?", "hardware", "two 3090s + 128 GB RAM"),
    ("laptop with 16 GB RAM, no GPU: phi-4 mini?", "hardware", "laptop with 16 GB RAM, no GPU"),
    ("mixtral 8x7b at q5 or something smaller", "quant", "q5 or something smaller"),
    ("llama 3.3 70b or whatever fits my 3090", "named_model", "llama 3.3 70b or whatever fits"),
    ("q4 or q4", "quant", "q4 or q4"),
]


@pytest.mark.parametrize(("message", "kind", "phrase"), NOT_LISTINGS)
def test_a_phrase_without_alternatives_is_one_value(message, kind, phrase) -> None:
    found = copyable_values(message, CATALOG)
    assert listed(phrase, kind, found.get(kind, ())) == (phrase,)


def test_more_alternatives_than_a_comparison_holds_stay_one_phrase() -> None:
    message = "phi-4 at q2_k, q3_k_m, q4_k_m, q6_k or q8_0"
    found = copyable_values(message, CATALOG)
    assert listed("q2_k, q3_k_m, q4_k_m, q6_k or q8_0", "quant", found["quant"]) == ("q2_k, q3_k_m, q4_k_m, q6_k or q8_0",)
