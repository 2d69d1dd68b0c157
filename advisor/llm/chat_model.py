"""A LangChain chat model over llama-cpp-python, with tool calls decoded under a grammar.

Why not langchain-community's ChatLlamaCpp: its tool calling goes through llama-cpp-python's
chat formats (e.g. "chatml-function-calling"), which tie the call format to one model family
and only constrain the output when one specific tool is forced. Here:

1. The answer is generated freely and streamed. While its first characters could still be the
   start of a tool call (`<tool_call>`, `{`), they are held back.
2. If it is a call, generation stops and restarts after the family's call marker with a
   grammar built from the tools' JSON schemas, so the call is always a known tool with
   schema-shaped arguments. Works the same for models with no tool template at all.
3. Usage metadata reports prompt tokens, generated tokens and how many prompt tokens came from
   the reused KV cache (`input_token_details.cache_read`).
"""

from __future__ import annotations

import codecs
import json
import os
import threading
import time
import uuid
from typing import Any, ClassVar, Generator, Iterator, Sequence

import numpy as np
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.outputs import ChatGenerationChunk
from langchain_core.runnables import Runnable
from langchain_core.utils.function_calling import convert_to_openai_tool
from llama_cpp import LlamaGrammar, llama_get_logits_ith, llama_vocab_is_eog
from pydantic import ConfigDict, PrivateAttr

from advisor.errors import PromptTooLong
from advisor.llm.choices import is_endpoint
from advisor.llm.constrained import greedy_under_grammar
from advisor.llm.probe import Probe
from advisor.llm.packs import Progress, model_path
from advisor.llm.runtime import LlamaRuntime, load_runtime, on_llama_thread, stream_on_llama_thread
from advisor.llm.stop import StopSignal
from advisor.llm.streaming import StreamingChatModel
from advisor.settings import paths

ANSWER_TOKENS = 320  # hard cap on an answer
# Past this, an answer stops at the end of its sentence (each token costs ~0.1 s here). Measured
# (evals/results/answer-cap-dev.md): caps of 60, 120 and 200 pass the same answer checks on 12 dev cases.
SENTENCE_TOKENS = 60
CALL_TOKENS = 160


class LlamaChatModel(StreamingChatModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)
    answers_probes: ClassVar[bool] = True  # a bound `probe=Probe(...)` is put to the model before an "auto" step
    copies_by_grammar: ClassVar[bool] = True  # `copied=` narrows the copied arguments of a call (tools/spans.py)

    runtime: LlamaRuntime
    model_name: str
    max_tokens: int = ANSWER_TOKENS
    sentence_tokens: int = SENTENCE_TOKENS  # the soft cap; `python -m evals.answer_cap` measures what it costs
    interrupt: threading.Event | None = None  # set by the Advisor when the reader stops listening

    _grammars: dict[str, LlamaGrammar] = PrivateAttr(default_factory=dict)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name, "dialect": self.runtime.dialect.name}

    def bind_tools(self, tools: Sequence[Any], *, tool_choice: str | None = None, **kwargs: Any) -> Runnable:
        """tool_choice: None/'auto' lets the model choose; 'any'/'required' or a tool name forces a call."""
        return self.bind(tools=[convert_to_openai_tool(t) for t in tools], tool_choice=tool_choice, **kwargs)

    # --- prompt -----------------------------------------------------------------------------

    def _chat_messages(self, messages: list[BaseMessage], tools: list[dict[str, Any]]) -> list[dict[str, str]]:
        """Plain role/content turns; tool calls and results written in the family's dialect.

        Consecutive turns of one role are merged because some templates (Gemma) insist on
        strictly alternating user/assistant turns.
        """
        dialect = self.runtime.dialect
        turns: list[dict[str, str]] = []
        for message in messages:
            content = message.content if isinstance(message.content, str) else str(message.content)
            if isinstance(message, SystemMessage):
                # The rules first, the tools and how to call them last: with the tools last, Qwen2.5-Coder
                # starts a call for far more of the questions that need one (measured on the dev split:
                # tools first cut tool selection to 46 %; leaked call syntax is cut in the graph anyway).
                role, text = "system", content + ("\n\n" + dialect.tools_prompt(tools) if tools else "")
            elif isinstance(message, HumanMessage):
                role, text = "user", content
            elif isinstance(message, ToolMessage):
                role, text = "user", dialect.result_text(message.name or "tool", content)
            elif isinstance(message, AIMessage):
                calls = [dialect.call_text(c["name"], c["args"]) for c in message.tool_calls]
                calls += [dialect.call_text(c["name"] or "", c["args"] or "{}") for c in message.invalid_tool_calls]
                role, text = "assistant", "\n".join(part for part in [content.strip(), *calls] if part)
            else:
                continue
            if turns and turns[-1]["role"] == role and role != "system":
                turns[-1]["content"] += "\n\n" + text
            else:
                turns.append({"role": role, "content": text})
        return turns

    def _call_grammar(self, tools: list[dict[str, Any]], allowed: list[str] | None,
                      copied: dict[str, dict[str, Sequence[str]]] | None = None) -> LlamaGrammar:
        """The grammar of one call: a known tool with schema-shaped arguments. With `copied`
        (tool -> argument -> the phrases of the user's messages its parser reads, tools/spans.py),
        such an argument may only hold one of those phrases, and is absent when the list is empty."""
        chosen = [t for t in tools if allowed is None or t["function"]["name"] in allowed] or tools
        key = json.dumps([chosen, copied], sort_keys=True)
        if key not in self._grammars:
            if len(self._grammars) > 64:  # copied phrases differ per conversation: keep the cache bounded
                self._grammars.clear()
            arguments = {t["function"]["name"]: _copying(t["function"].get("parameters", {"type": "object"}),
                                                         (copied or {}).get(t["function"]["name"])) for t in chosen}
            # A tool whose required argument the user gave no phrase for cannot be called (an estimate
            # needs a model someone named); if that leaves none, the schemas stand as they are.
            callable_tools = [t for t in chosen if not _lost_required(t, arguments[t["function"]["name"]])] or chosen
            schema = {"oneOf": [{
                "type": "object",
                "properties": {"name": {"const": t["function"]["name"]}, "arguments": arguments[t["function"]["name"]]},
                "required": ["name", "arguments"],
            } for t in callable_tools]}
            self._grammars[key] = LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
        return self._grammars[key]

    def warm_up(self, messages: list[BaseMessage], tools: list[dict[str, Any]]) -> str:
        """Put the stable prompt prefix (system prompt and tools) in the KV cache now, while loading.

        Evaluating the ~1,900-token prefix costs ~14 s on this CPU; a start whose model file,
        prefix and llama-cpp-python version match an earlier one's loads that start's saved
        state instead (advisor/llm/state.py). Either way the first question finds the prefix
        cached. Returns how: "restored", "evaluated" or "cached".
        """
        with self.runtime.lock:
            tokens = self.runtime.tokenize(self.runtime.render(self._chat_messages(messages, tools)))
            how = on_llama_thread(lambda: self.runtime.load_prefix(tokens, paths().prompt_state_dir))
            _ = self.runtime.call_openers  # scanned once here (~0.5 s) rather than in the first answer
        return how

    # --- generation -------------------------------------------------------------------------

    def _pieces(self, tokens: list[int], grammar: LlamaGrammar | None, limit: int, counts: dict[str, int],
                *, continuing: bool = False, text_only: bool = False) -> Iterator[str]:
        """Greedy decoding from `tokens`, as text pieces; stops at end of turn, the limit or an interrupt.

        `continuing` marks a restart of the same call (the grammar phase): only its new tokens count as prompt.
        `text_only` keeps the first token from opening a tool call. The decoding itself runs on
        the llama thread (see advisor/llm/runtime.py).
        """
        return stream_on_llama_thread(lambda: self._stoppable(self._decode(tokens, grammar, limit, counts, continuing,
                                                                           text_only)))

    def _stoppable(self, pieces: Iterator[str]) -> Iterator[str]:
        """`pieces`, ended early without an error when the interrupt is set, even in the middle of
        evaluating a prompt: llama.cpp itself watches the interrupt (advisor/llm/stop.py)."""
        signal = self.interrupt if isinstance(self.interrupt, StopSignal) else None
        self.runtime.abort_when(signal)
        try:
            yield from pieces
        except RuntimeError:
            if signal is None or not signal.is_set():
                raise
            # llama_decode returned 2 (aborted): the prompt's cache position is intact, the stop was asked for
        finally:
            self.runtime.abort_when(None)  # a set signal must not abort the next caller of the shared llama

    def _decode(self, tokens: list[int], grammar: LlamaGrammar | None, limit: int, counts: dict[str, int],
                continuing: bool, text_only: bool) -> Iterator[str]:
        llm = self.runtime.llm
        reused = llm.longest_token_prefix(llm._input_ids, tokens)
        counts["prompt"] += len(tokens) - reused if continuing else len(tokens)
        counts["cached"] += 0 if continuing else reused
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        generated = 0
        if text_only:
            tokens = [*tokens, self._first_text_token(tokens)]
            generated = 1
            counts["generated"] += 1
            if llama_vocab_is_eog(llm._model.vocab, tokens[-1]):
                return
            if piece := decoder.decode(llm.detokenize(tokens[-1:], special=True)):
                yield piece
        decoded = (greedy_under_grammar(llm, tokens, grammar, limit + 1) if grammar is not None
                   else llm.generate(tokens, temp=0.0, repeat_penalty=1.0))
        previous = ""
        for token in decoded:
            if llama_vocab_is_eog(llm._model.vocab, token) or (self.interrupt and self.interrupt.is_set()):
                break
            piece = decoder.decode(llm.detokenize([token], special=True))
            soft = self.sentence_tokens
            if grammar is None and generated >= soft and (
                    (previous.endswith((".", "!", "?")) and piece[:1].isspace()) or (generated >= 2 * soft and "\n" in piece)):
                break  # a sentence ("15." followed by "48" is none) or, in a long list, a line just ended
            generated += 1
            counts["generated"] += 1
            if piece:
                yield piece
                previous = piece
            if generated >= limit:
                break

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        """tool_choice "any"/"required"/a name: a call under the grammar; "none": text only (the
        tools stay in the prompt, so its cached prefix still matches); None/"auto": the model's
        first characters decide. `allowed_tools` (names) narrows the grammar to some tools, `copied`
        the copied arguments to the user's phrases (see _call_grammar)."""
        tools: list[dict[str, Any]] = kwargs.get("tools") or []
        choice = kwargs.get("tool_choice")
        mode = "reply" if choice == "none" or not tools else "auto" if choice in (None, "auto") else "call"
        allowed = [choice] if mode == "call" and choice not in ("any", "required") else kwargs.get("allowed_tools")
        dialect = self.runtime.dialect
        counts = {"prompt": 0, "cached": 0, "generated": 0}
        started = time.perf_counter()
        with self.runtime.lock:
            prompt = self.runtime.render(self._chat_messages(messages, tools))
            self._check_fits(prompt)
            probe = kwargs.get("probe")
            if mode == "auto" and isinstance(probe, Probe) and self.probe_gap(messages, tools, probe, counts) < probe.margin:
                mode = "reply"
            is_call = mode == "call"
            if mode == "reply":
                for piece in self._pieces(self.runtime.tokenize(prompt), None, self.max_tokens, counts, text_only=True):
                    yield self.text_chunk(piece, run_manager)
            elif mode == "auto":
                is_call = yield from self._answer_or_call(prompt, counts, run_manager)
            if is_call:
                raw = "".join(self._pieces(self.runtime.tokenize(prompt + dialect.call_open),
                                           self._call_grammar(tools, allowed, kwargs.get("copied")), CALL_TOKENS, counts,
                                           continuing=mode == "auto"))
                yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=[_call_chunk(raw)]))
        usage = {"input_tokens": counts["prompt"], "output_tokens": counts["generated"],
                 "total_tokens": counts["prompt"] + counts["generated"], "input_token_details": {"cache_read": counts["cached"]}}
        yield ChatGenerationChunk(message=AIMessageChunk(
            content="", usage_metadata=usage,
            response_metadata={"model_name": self.model_name, "seconds": round(time.perf_counter() - started, 3)},
        ))

    def probe_gap(self, messages: list[BaseMessage], tools: list[dict[str, Any]], probe: Probe,
                  counts: dict[str, int] | None = None) -> float:
        """How much more the model wants to answer the probe's yes word than its no word (logits),
        asked right after the last message; `python -m evals.topic` reports it over a case file."""
        counts = {"prompt": 0, "cached": 0} if counts is None else counts
        last = messages[-1]
        asked = ([*messages[:-1], HumanMessage(content=f"{last.content}\n\n{probe.question}")]
                 if isinstance(last, HumanMessage) else [*messages, HumanMessage(content=probe.question)])
        tokens = self.runtime.tokenize(self.runtime.render(self._chat_messages(asked, tools)))
        yes = sorted({self.runtime.tokenize(word)[0] for word in probe.yes})
        no = sorted({self.runtime.tokenize(word)[0] for word in probe.no})

        def logits_after() -> np.ndarray:
            llm = self.runtime.llm
            reused = llm.longest_token_prefix(llm._input_ids, tokens)
            counts["prompt"] += len(tokens)  # as in _decode: every prompt token, of which `cached` came from the cache
            counts["cached"] += reused
            for _ in llm.generate(tokens, temp=0.0):
                break
            return np.ctypeslib.as_array(llama_get_logits_ith(llm._ctx.ctx, -1), shape=(llm.n_vocab(),)).copy()

        logits = on_llama_thread(logits_after)
        return float(logits[yes].max() - logits[no].max())

    def _check_fits(self, prompt: str) -> None:
        """Refuse before decoding a prompt that leaves no room for the reply: llama.cpp would fail midway."""
        tokens = len(self.runtime.tokenize(prompt))
        window = self.runtime.llm.n_ctx()
        if tokens + max(self.max_tokens, CALL_TOKENS) > window:
            raise PromptTooLong(tokens, window)

    def _answer_or_call(self, prompt: str, counts: dict[str, int],
                        run_manager: CallbackManagerForLLMRun | None) -> Generator[ChatGenerationChunk, None, bool]:
        """Stream the answer unless it starts like a tool call; returns whether it did."""
        triggers = self.runtime.dialect.triggers
        held = ""
        for piece in self._pieces(self.runtime.tokenize(prompt), None, self.max_tokens, counts):
            if held is not None:
                held += piece
                start = held.lstrip()
                if not start or any(t.startswith(start) for t in triggers if len(start) < len(t)):
                    continue  # could still become a tool call
                if start.startswith(triggers):
                    return True
                piece, held = held, None
            yield self.text_chunk(piece, run_manager)
        if held and held.strip():
            yield self.text_chunk(held, run_manager)  # a very short answer that only looked like a call
        return False

    def _first_text_token(self, tokens: list[int]) -> int:
        """The greedy first token of an answer among those that cannot open a tool call."""
        llm = self.runtime.llm
        for _ in llm.generate(tokens, temp=0.0):  # evaluates the prompt (reusing the cached prefix)
            break
        logits = np.ctypeslib.as_array(llama_get_logits_ith(llm._ctx.ctx, -1), shape=(llm.n_vocab(),)).copy()
        logits[self.runtime.call_openers] = -np.inf
        return int(np.argmax(logits))


def _copying(parameters: dict[str, Any], copied: dict[str, Sequence[str]] | None) -> dict[str, Any]:
    """Tool parameters with each copied argument narrowed to the phrases the user wrote (or removed)."""
    if copied is None:
        return parameters
    properties = dict(parameters.get("properties", {}))
    for name, values in copied.items():
        if name in properties:
            if values:
                properties[name] = {"enum": list(values)}
            else:
                del properties[name]
    required = [r for r in parameters.get("required", []) if r in properties]
    return {**parameters, "properties": properties, "required": required}


def _lost_required(tool: dict[str, Any], narrowed: dict[str, Any]) -> bool:
    return len(narrowed.get("required", [])) < len(tool["function"].get("parameters", {}).get("required", []))


def _call_chunk(raw: str) -> dict[str, Any]:
    """A tool-call chunk; arguments that do not parse stay raw, and LangChain marks the call invalid."""
    call_id = f"call_{uuid.uuid4().hex[:8]}"
    try:
        parsed = json.loads(raw)
        return {"name": parsed["name"], "args": json.dumps(parsed["arguments"]), "id": call_id, "index": 0}
    except (ValueError, KeyError, TypeError):
        return {"name": None, "args": raw, "id": call_id, "index": 0}


def load_chat_model(choice: str, *, progress: Progress | None = None, interrupt: threading.Event | None = None) -> LlamaChatModel:
    """The chat model for a pack name or GGUF path, assembling the pack on first use; `openai:NAME[@URL]`
    and `ollama:TAG` select an OpenAI-compatible server instead (advisor/llm/endpoints.py)."""
    if is_endpoint(choice):
        from advisor.llm.endpoints import load_endpoint_model  # noqa: PLC0415 - the OpenAI client only when used

        if progress:
            progress(f"Connecting to {choice}", 0.0)
        return load_endpoint_model(choice)  # type: ignore[return-value] - a LangChain chat model like this one
    path, title = model_path(choice, paths().models_dir, progress)
    if progress:
        progress(f"Loading {title}", 0.0)
    runtime = load_runtime(path)
    if progress:
        progress(f"Loading {title}", 1.0)
    soft = int(os.environ.get("ADVISOR_SENTENCE_TOKENS") or SENTENCE_TOKENS)  # set by evals/answer_cap.py
    return LlamaChatModel(runtime=runtime, model_name=title, interrupt=interrupt, sentence_tokens=soft)
