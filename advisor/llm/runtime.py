"""The one llama.cpp model of this process: loaded once, formatted with its own chat template.

Loading maps a GB-sized file and allocates the KV cache, so every Advisor in a process shares
the same `Llama`; its KV cache then also carries the system prompt from one call to the next.
Prompts are rendered with the chat template stored in the GGUF, so each family gets its own
turn markers without a hand-written format per model.

Every llama.cpp computation runs on one thread owned by the runtime. llama.cpp parallelises
with OpenMP, whose worker team belongs to the calling thread and keeps spinning for a while
after each call; when LangGraph's pool threads take turns calling the model, two teams
fight over two cores and decoding ran at half speed here (measured: 11 tok/s generating
on one thread, 5-7 tok/s when called from a second one).
"""

from __future__ import annotations

import ctypes
import os
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import llama_cpp
from llama_cpp import Llama
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

from advisor.llm.dialects import Dialect, dialect_for
from advisor.llm.packs import ModelUnavailable, model_identity
from advisor.llm.state import PromptStateStore, state_key
from advisor.llm.stop import STRLEN_ADDRESS, StopSignal
from tools.hardware_probe import detect

CONTEXT_TOKENS = 8192  # a turn's prompt stays under ~3k tokens; room for a few turns of history
FLASH_ATTN = True  # ~10 % faster prompt evaluation on this CPU (65 -> 73 tok/s), same output
# What the saved prompt state depends on besides the model file and the tokens (advisor/llm/state.py).
CONTEXT_SETTINGS = {"n_ctx": CONTEXT_TOKENS, "flash_attn": FLASH_ATTN}

# llama.cpp's abort callback: C's strlen over a StopSignal's flag (see advisor/llm/stop.py).
_ABORT_WHEN_FLAG = llama_cpp.ggml_abort_callback(STRLEN_ADDRESS)
_NO_ABORT = ctypes.cast(None, llama_cpp.ggml_abort_callback)

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


T = TypeVar("T")
_DONE = object()

# The thread every llama.cpp call of the process runs on (see the module docstring).
_llama_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llama")


def on_llama_thread(fn: Callable[[], T]) -> T:
    """Run `fn` on the llama thread and wait for its result (or its exception)."""
    return _llama_thread.submit(fn).result()


def stream_on_llama_thread(make: Callable[[], Iterator[T]]) -> Iterator[T]:
    """Iterate the generator `make()` on the llama thread, yielding its items here.

    Closing this iterator early stops the producer after at most one more item, and the
    next call queued on the thread starts only when it has stopped.
    """
    items: queue.Queue = queue.Queue()
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in make():
                items.put(item)
                if stop.is_set():
                    break
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            items.put(exc)
        finally:
            items.put(_DONE)

    _llama_thread.submit(produce)
    try:
        while (item := items.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()


class LlamaRuntime:
    def __init__(self, llm: Llama, path: Path, architecture: str, formatter: Jinja2ChatFormatter,
                 identity: str = "") -> None:
        self.llm = llm
        self.path = path
        self.identity = identity or str(path)  # changes whenever the model file does (packs.model_identity)
        self.architecture = architecture
        self.dialect: Dialect = dialect_for(architecture)
        self.formatter = formatter
        self.lock = threading.Lock()  # one conversation step at a time

    @cached_property
    def call_openers(self) -> list[int]:
        """Tokens an answer must not start with when no tool may be called: those that open
        the dialect's call ('{', '<tool_call>', a code fence) and blank ones that could precede it."""
        openers = []
        # One piece per token through the C call with one buffer big enough for any piece:
        # Llama.detokenize's 32-byte buffer returned nothing for longer pieces ("-" * 64), which then
        # counted as blank, and it allocates and looks up BOS per token (0.6 s -> 0.4 s for ~152k tokens).
        vocab, size = self.llm._model.vocab, 256
        buffer = (ctypes.c_char * size)()
        for token in range(self.llm.n_vocab()):
            length = llama_cpp.llama_token_to_piece(vocab, token, buffer, size, 0, True)
            text = buffer[:max(0, min(length, size))].decode("utf-8", errors="replace").lstrip()
            if not text or text.startswith(self.dialect.triggers) or text.startswith("`"):
                openers.append(token)
        return openers

    def render(self, messages: list[dict[str, str]]) -> str:
        return self.formatter(messages=messages).prompt

    def tokenize(self, text: str) -> list[int]:
        # The template writes BOS itself where the family wants one.
        return self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def load_prefix(self, tokens: list[int], state_dir: Path) -> str:
        """Put `tokens` in the KV cache: from a saved state if there is one, else by evaluating them
        (and saving the result for the next start). Returns "cached", "restored" or "evaluated".

        Call on the llama thread.
        """
        llm = self.llm
        self.abort_when(None)  # a stop asked of an earlier answer must not cut this evaluation short
        if llm.n_tokens == len(tokens) and list(llm.input_ids[:llm.n_tokens]) == tokens:
            return "cached"  # another Advisor of this process already put it there
        store = PromptStateStore(state_dir)
        key = state_key(self.identity, tokens, CONTEXT_SETTINGS)
        if store.restore(llm, key, tokens):
            return "restored"
        for _ in llm.generate(tokens, temp=0.0):  # evaluates the prompt, samples one token, stops
            break
        store.save(llm, key, tokens)
        return "evaluated"

    def abort_when(self, signal: StopSignal | None) -> None:
        """Make llama.cpp abort its current computation once `signal` is set (None: never).

        Call on the llama thread, before decoding; a computation aborted this way raises
        RuntimeError("llama_decode returned 2") from llama-cpp-python.
        """
        if signal is None:
            llama_cpp.llama_set_abort_callback(self.llm._ctx.ctx, _NO_ABORT, None)
        else:
            llama_cpp.llama_set_abort_callback(self.llm._ctx.ctx, _ABORT_WHEN_FLAG, ctypes.c_void_p(signal.address))


_loaded: LlamaRuntime | None = None
_loading = threading.Lock()


def load_runtime(path: Path) -> LlamaRuntime:
    """The process's model; loading another file replaces (and frees) the previous one."""
    global _loaded
    with _loading:
        if _loaded is not None and _loaded.path == path:
            return _loaded
        _loaded = None
        # ADVISOR_THREADS pins the count, e.g. 1 each for two evals side by side on two cores
        threads = int(os.environ.get("ADVISOR_THREADS") or 0) or max(1, detect().physical_cores)
        try:
            llm = on_llama_thread(lambda: Llama(model_path=str(path), n_ctx=CONTEXT_TOKENS, n_threads=threads,
                                                n_threads_batch=threads, flash_attn=FLASH_ATTN, verbose=False))
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
        _loaded = LlamaRuntime(llm, path, architecture, formatter, model_identity(path))
        return _loaded
