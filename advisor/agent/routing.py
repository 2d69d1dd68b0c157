"""Whether a question needs a tool, decided from what it mentions before the model runs.

A 1.5B model shown tool descriptions writes a call for almost anything ("hi!" included), and
the same model, shown a history of answers, sometimes answers a new question from memory.
Asking it to choose is the unreliable part, so the choice is made here, deterministically:

- "call": the question is about models, hardware, licenses or the articles. The first step
  must be a tool call; the model picks which tool and the arguments, under a grammar, among
  the tools that can answer it (`first_tools`).
- "reply": anything else (greetings, thanks, off-topic requests), and questions that point
  at a model nobody named yet ("is it OK for commercial use?" as a first question). The
  model answers without tools: it declines, or asks which model is meant.

The signals are catalog names (models, model families, devices) and a list of domain words.
A device alone is not enough ("is the RTX 4070 good for Cyberpunk?"): it counts with a word
about running something on it, or in a follow-up ("and on a 4080?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from knowledge.schema import Catalog
from tools.mentions import Mentions

Route = Literal["call", "reply"]

_DOMAIN = re.compile(r"""\b(?:
    models?|llms?|gguf|ggml|quant\w*|q[2-8](?:_[0-9k]\w*)?|iq[1-4]\w*|b?f16|fp16|fp8|int[48]|
    weights?|v?ram|\d+(?:\.\d+)?\s*(?:gb|gib|tb|g)|gb|gigabytes?|tokens?|tok/s|t/s|context|
    licen[cs]\w*|commercial\w*|open[\s-]?weights?|open[\s-]source|inference|llama\.cpp|ollama|vllm|mlx|
    fine[\s-]?tun\w*|lora|moe|mixture[\s-]of[\s-]experts|param(?:eter)?s?|\d+(?:\.\d+)?\s*b|
    articles?|sources?|notes|benchmarks?|swe[\s-]?bench|mmlu|leaderboard
)(?![\w])""", re.IGNORECASE | re.VERBOSE)
_DEVICE = re.compile(r"\b(?:gpus?|cpus?|graphics\s+card|card|laptop|macbook|mac|desktop|pc|computer|machine|box|rig|server)\b",
                     re.IGNORECASE)
_RUNNING = re.compile(r"\b(?:run|runs|running|fit|fits|load|host|serve|fast|faster|speed|handle)\b", re.IGNORECASE)
_SIZED = re.compile(r"\b\d+(?:\.\d+)?\s*b\b", re.IGNORECASE)
_LICENSE = re.compile(r"\blicen[cs]\w*", re.IGNORECASE)
_ONE_OF_THEM = re.compile(r"\b(?:the\s+(?:top|first|second|third|last|best|fastest|cheapest)(?:\s+one)?|that one|this one|it)\b",
                          re.IGNORECASE)
_POINTER = re.compile(r"\b(?:it|its|it's|that one|this one|that model|this model|the same one)\b", re.IGNORECASE)
# In a follow-up these point back at the previous answer ("which of those is best for coding?").
_BACK = re.compile(r"""\b(?:it|its|it's|those|these|them|one|ones|first|second|third|top|last|other|
    same|instead|coding|reasoning|math|vision|multilingual|agentic|cheaper|smaller|bigger|larger|faster)\b""",
                   re.IGNORECASE | re.VERBOSE)


@dataclass(frozen=True)
class Router:
    models: Mentions
    hardware: Mentions
    families: re.Pattern[str]

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> Router:
        """Family words are the first word of each model's name ("Qwen3.5", "Devstral"), digits dropped."""
        words = {m.family for m in catalog.models} | {re.split(r"[\s\-]", m.name)[0] for m in catalog.models}
        stems = sorted({re.sub(r"[\d.]+$", "", w).lower() for w in words} - {""}, key=len, reverse=True)
        families = re.compile(r"\b(?:" + "|".join(re.escape(s) for s in stems) + r")", re.IGNORECASE)
        return cls(Mentions.of_models(catalog), Mentions.of_hardware(catalog), families)

    def first_tools(self, question: str, *, has_history: bool, available: list[str],
                    earlier_tools: tuple[str, ...] = ()) -> list[str]:
        """The tools the first call may use.

        recommend is for questions that name no model, and estimate needs a model. A
        follow-up that names none asks again what the previous turn asked ("and with 24
        GB?"): the same tools, or license for "its license", estimate for "the top one".
        """
        sized_model = _SIZED.search(question) and self.families.search(question)  # "Llama 7 900B": a model, if unknown
        if self.models.find(question) or sized_model:
            allowed = {"estimate", "license", "search_articles"}
        elif not has_history:
            allowed = {"recommend", "license", "search_articles"}
        elif _LICENSE.search(question):
            allowed = {"license"}
        elif _ONE_OF_THEM.search(question):
            allowed = {"estimate"}
        else:
            allowed = set(earlier_tools) or set(available)
        return [name for name in available if name in allowed] or available

    def points_at_nothing(self, question: str, *, has_history: bool) -> bool:
        """ "How fast is it?" as a first question: the answer is a question back."""
        names_a_model = bool(self.models.find(question) or self.families.search(question))
        return not has_history and not names_a_model and bool(_POINTER.search(question))

    def route(self, question: str, *, has_history: bool) -> Route:
        names_a_model = bool(self.models.find(question) or self.families.search(question))
        if self.points_at_nothing(question, has_history=has_history):
            return "reply"
        if names_a_model or _DOMAIN.search(question):
            return "call"
        if (self.hardware.find(question) or _DEVICE.search(question)) and (has_history or _RUNNING.search(question)):
            return "call"
        if has_history and _BACK.search(question):
            return "call"  # "which of those is best for coding?" after an answer
        return "reply"
