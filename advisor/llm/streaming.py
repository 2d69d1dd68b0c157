"""What the llama.cpp model and the scripted one share: a chat model defined by its stream.

Both produce their reply as a stream of chunks (text pieces, then tool-call chunks and usage),
so the graph and the front ends see the same events whichever model runs; a non-streaming
call is just the stream folded up.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.chat_models import generate_from_stream
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult


class StreamingChatModel(BaseChatModel):
    """Subclasses implement `_stream`; `invoke` and friends fold it into one message."""

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return generate_from_stream(self._stream(messages, stop, run_manager, **kwargs))

    @staticmethod
    def text_chunk(piece: str, run_manager: CallbackManagerForLLMRun | None) -> ChatGenerationChunk:
        """A piece of answer text, announced to the callbacks (LangGraph's message stream listens there)."""
        chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
        if run_manager:
            run_manager.on_llm_new_token(piece, chunk=chunk)
        return chunk
