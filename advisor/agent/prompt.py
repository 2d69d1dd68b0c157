"""What the model is told, and which part of a conversation it sees on each step.

The system prompt never changes within a process, so together with the tool descriptions the
chat model appends it forms a stable prefix whose KV cache llama.cpp reuses on every call.
Earlier turns keep their question, their tool calls, the first line of each tool result and
the answer. The calls matter: a small model imitates the turns it sees, so a history of
answers written without calls teaches it to answer the next question from memory, and a
follow-up ("and with 24 GB?", "what about its license?") is mostly the previous call with one
argument changed. The rest of each result is cut because it is long and the answer already
quotes what mattered.
"""

from __future__ import annotations

import json

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage

RULES = """You are an advisor for running open-weight LLMs on local hardware.
Rules:
- For any question about models, hardware fit, memory, speed or licenses, call a tool first. Never answer such a question from memory.
- Put only what the user said into the arguments, names copied as written; the tools resolve them. A memory size such as "16 GB card" is vram_gb. Leave out hardware the user did not name: the tools then use the user's own machine.
- A follow-up like "and with 24 GB?" or "what about its license?" refers to the previous question and answer: call the tool again with the changed value.
- After the tool result, answer in at most 3 short sentences: name the models with quant, memory in GB and speed in tok/s, copying the figures from the tool result. Never state a figure the tool result does not contain.
- If a tool result starts with "Error", tell the user what the error says.
- If the question is not about open-weight models, hardware, licenses or the articles, say briefly that you only cover those topics.
- If the user asks about "it" or "that model" and no model was named yet, ask which model they mean."""

# Example calls per tool: small models copy the pattern far more reliably than they follow prose.
EXAMPLES: dict[str, list[tuple[str, dict[str, object]]]] = {
    "recommend": [("best model for coding on a 12 GB card?", {"task": "coding", "vram_gb": 12})],
    "estimate": [("can I run Mistral Nemo on my RTX 3070?", {"model": "Mistral Nemo", "gpu": "RTX 3070"}),
                 ("will Phi-4 fit on my machine?", {"model": "Phi-4"})],
    "license": [("can I use Mistral Small commercially?", {"name": "Mistral Small"})],
    "search_articles": [("what do the articles say about MoE speed?", {"query": "MoE speed"})],
}


def system_prompt(tool_names: list[str]) -> str:
    """The rules plus example calls for the available tools; identical for every call in a process."""
    lines = [RULES, "", "Example calls:"]
    for name in tool_names:
        for question, args in EXAMPLES.get(name, []):
            lines.append(f'"{question}" -> {json.dumps({"name": name, "arguments": args})}')
    lines.append('"what is the weather in Paris?" -> no call; reply: I only cover open-weight models, hardware and licenses.')
    return "\n".join(lines)


SYSTEM_PROMPT = system_prompt(list(EXAMPLES))

PAST_TURNS = 3  # earlier question/answer pairs kept for follow-ups


def final_answer(messages: list[BaseMessage]) -> AIMessage | None:
    """A turn's answer: its last AI message that calls no tool."""
    for message in reversed(messages):
        if isinstance(message, AIMessage) and not message.tool_calls and not message.invalid_tool_calls:
            return message
    return None


def split_turns(messages: list[BaseMessage]) -> list[list[BaseMessage]]:
    """The conversation as turns, each starting with the person's question."""
    turns: list[list[BaseMessage]] = []
    for message in messages:
        if isinstance(message, HumanMessage) or not turns:
            turns.append([])
        turns[-1].append(message)
    return turns


def compact_turn(turn: list[BaseMessage]) -> list[BaseMessage]:
    """A finished turn as the model sees it later: question, successful calls with the first
    line of their results, and the answer. Failed calls and retries are left out."""
    answer = final_answer(turn)
    if not turn or not isinstance(turn[0], HumanMessage) or answer is None or not answer.content:
        return []
    kept: list[BaseMessage] = [turn[0]]
    ok_ids = {m.tool_call_id for m in turn if isinstance(m, ToolMessage) and m.status != "error"}
    for message in turn[1:]:
        if isinstance(message, AIMessage) and message.tool_calls:
            calls = [c for c in message.tool_calls if c["id"] in ok_ids]
            if calls:
                kept.append(AIMessage(content="", tool_calls=calls))
        elif isinstance(message, ToolMessage) and message.tool_call_id in ok_ids:
            first_line = str(message.content).strip().splitlines()[0] if str(message.content).strip() else ""
            kept.append(ToolMessage(content=first_line, tool_call_id=message.tool_call_id, name=message.name))
    return [*kept, AIMessage(content=answer.content)]


def model_input(messages: list[BaseMessage], system_prompt: str = SYSTEM_PROMPT) -> list[BaseMessage]:
    """System prompt, the last few turns compacted (see compact_turn), then the current turn in full."""
    *past, current = split_turns(messages) or [[]]
    earlier = [m for turn in past[-PAST_TURNS:] for m in compact_turn(turn)]
    return [SystemMessage(content=system_prompt), *earlier, *current]
