"""Which backing model a `--model` string names, without importing any model library.

A pack name (`qwen1.5b`), a GGUF path, or an OpenAI-compatible server: `openai:NAME` (base URL
from `--base-url`, else `OPENAI_BASE_URL`, else OpenAI's) or `ollama:TAG` (Ollama's local
`/v1`). The CLI folds `--base-url` into the string as `openai:NAME@URL`, so one string carries
the choice through every layer (the chat app's loader, the eval harness, reports).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from advisor.llm.packs import ModelUnavailable

PROVIDERS = {  # prefix -> default base URL (None: the client's own default, or OPENAI_BASE_URL)
    "openai": None,
    "ollama": "http://localhost:11434/v1",
}
OPENAI_DEFAULT = "https://api.openai.com/v1"


@dataclass(frozen=True)
class Endpoint:
    provider: str  # "openai" or "ollama"
    model: str  # the model name the server knows
    base_url: str

    @property
    def choice(self) -> str:
        """The string that selects this endpoint again (what reports and the app show)."""
        return f"{self.provider}:{self.model}@{self.base_url}"


def is_endpoint(choice: str | None) -> bool:
    return bool(choice) and choice.split(":", 1)[0] in PROVIDERS and ":" in choice  # type: ignore[union-attr]


def with_base_url(choice: str | None, base_url: str | None) -> str | None:
    """`choice` with `--base-url` folded in; a base URL for a local pack or GGUF is a mistake."""
    if not base_url:
        return choice
    if not is_endpoint(choice):
        raise ModelUnavailable(f"--base-url is for an OpenAI-compatible server; give --model openai:NAME "
                               f"(or ollama:TAG) with it, not '{choice or 'the default local model'}'.")
    provider_model = choice.split("@", 1)[0]  # type: ignore[union-attr]
    return f"{provider_model}@{base_url.rstrip('/')}"


def parse_endpoint(choice: str) -> Endpoint:
    provider, _, rest = choice.partition(":")
    model, _, base_url = rest.partition("@")
    if not model:
        raise ModelUnavailable(f"'{choice}' names no model: write {provider}:NAME, e.g. ollama:qwen2.5:7b.")
    default = PROVIDERS[provider] or os.environ.get("OPENAI_BASE_URL") or OPENAI_DEFAULT
    return Endpoint(provider, model, (base_url or default).rstrip("/"))
