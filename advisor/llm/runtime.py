"""The one llama.cpp model of this process: loaded once, formatted with its own chat template.

Loading maps a GB-sized file and allocates the KV cache, so every Advisor in a process shares
the same `Llama`; its KV cache then also carries the system prompt from one call to the next.
Prompts are rendered with the chat template stored in the GGUF, so each family gets its own
turn markers without a hand-written format per model.
"""

from __future__ import annotations

import threading
from pathlib import Path

from llama_cpp import Llama
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

from advisor.llm.dialects import Dialect, dialect_for
from advisor.llm.packs import ModelUnavailable
from tools.hardware_probe import detect

CONTEXT_TOKENS = 8192  # a turn's prompt stays under ~3k tokens; room for a few turns of history

# For a GGUF without a stored template (the Gemma 3 270M pack has none): the family's own turn
# format, else ChatML, the most widely trained one. Gemma has no system role; like Google's
# template, the system text goes in front of the first user turn.
CHATML = ("{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
          "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
GEMMA = ("{{ bos_token }}{% set ns = namespace(system='') %}{% for m in messages %}"
         "{% if m.role == 'system' %}{% set ns.system = m.content + '\n\n' %}{% else %}"
         "<start_of_turn>{{ 'model' if m.role == 'assistant' else 'user' }}\n{{ ns.system if m.role == 'user' else '' }}"
         "{{ m.content | trim }}<end_of_turn>\n{% if m.role == 'user' %}{% set ns.system = '' %}{% endif %}{% endif %}{% endfor %}"
         "{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}")
FAMILY_TEMPLATES = {"gemma": GEMMA}


def fallback_template(architecture: str) -> str:
    return next((t for family, t in FAMILY_TEMPLATES.items() if architecture.startswith(family)), CHATML)


class LlamaRuntime:
    def __init__(self, llm: Llama, path: Path, architecture: str, formatter: Jinja2ChatFormatter) -> None:
        self.llm = llm
        self.path = path
        self.architecture = architecture
        self.dialect: Dialect = dialect_for(architecture)
        self.formatter = formatter
        self.lock = threading.Lock()  # one generation at a time

    def render(self, messages: list[dict[str, str]]) -> str:
        return self.formatter(messages=messages).prompt

    def tokenize(self, text: str) -> list[int]:
        # The template writes BOS itself where the family wants one.
        return self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)


_loaded: LlamaRuntime | None = None
_loading = threading.Lock()


def load_runtime(path: Path) -> LlamaRuntime:
    """The process's model; loading another file replaces (and frees) the previous one."""
    global _loaded
    with _loading:
        if _loaded is not None and _loaded.path == path:
            return _loaded
        _loaded = None
        threads = max(1, detect().physical_cores)
        try:
            llm = Llama(model_path=str(path), n_ctx=CONTEXT_TOKENS, n_threads=threads, n_threads_batch=threads, verbose=False)
        except (ValueError, RuntimeError) as exc:
            raise ModelUnavailable(f"llama.cpp could not load {path}: {exc}") from None
        meta = llm.metadata
        eos, bos = llm.token_eos(), llm.token_bos()
        architecture = meta.get("general.architecture", "unknown")
        formatter = Jinja2ChatFormatter(
            template=meta.get("tokenizer.chat_template") or fallback_template(architecture),
            eos_token=llm._model.token_get_text(eos) if eos != -1 else "",
            bos_token=llm._model.token_get_text(bos) if bos != -1 else "",
        )
        _loaded = LlamaRuntime(llm, path, architecture, formatter)
        return _loaded
