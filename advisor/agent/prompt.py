"""What the model is told, and which part of a conversation it sees on each step.

The system prompt never changes within a process, so together with the tool descriptions the
chat model appends it forms a stable prefix whose KV cache llama.cpp reuses on every call.
Earlier turns are not replayed as turns: the current question carries a short note of them
(each question, the calls that ran, the first line of each result; earlier_note). Replayed
whole, with their answers, they made the 1.5B model answer a follow-up ("and fp16?", "whats
its license") by rewriting its last answer, without a call: on the dev split's nine multi-turn
cases, one passed that way against seven with the note (evals/README.md). A follow-up is
mostly the previous call with one argument changed, which the note shows.
"""

from __future__ import annotations

import json

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage

RULES = """You advise people on running open-weight LLMs on their own computers: which models fit, at which quantization, how fast they run, under which license, and what the source articles say.
When to call a tool:
- The message asks about LLMs, running them on hardware, memory, speed, quantization, licenses or the articles: call a tool first, never answer from memory. Several questions in one message: one call for each.
- Anything else (a greeting, games, other software, shopping, general knowledge, writing code): no tool; reply in one or two sentences.
Arguments:
- Copy the user's own words into hardware, quant and context. Leave out every argument the user did not give: no hardware named means leave hardware out.
- A follow-up ("and on a 3090?", "what about its license?") repeats the previous call with the new value.
- When a tool refuses the request, explain why to the user in plain words, with its suggestions.
The answer, after the results:
- Start with the direct answer: whether it fits and how fast, or which model is best, or whether the license allows it.
- Then the 2-3 best options from the results, each with quant, memory and speed, and what separates them.
- Cover every result of this turn. Copy figures exactly as the results give them; no other figures.
- Mention the articles only for what a search_articles result of this turn says, by its title and date.
- Plain sentences, at most 5. No JSON, no tool syntax."""

# Example calls per tool: small models copy the pattern far more reliably than they follow prose.
EXAMPLES: dict[str, list[tuple[str, dict[str, object]]]] = {
    "recommend": [("good coding model for a 12gb card?", {"task": "coding", "hardware": "12gb card"})],
    "estimate": [("can my rtx 3070 run mistral nemo at q8", {"model": "mistral nemo", "hardware": "rtx 3070", "quant": "q8"}),
                 ("will Phi-4 fit on my machine?", {"model": "Phi-4"}),
                 ("gemma 3 12b vs qwen3 14b on my 4070, q4 or q8?", {"model": "gemma 3 12b vs qwen3 14b", "hardware": "my 4070", "quant": "q4 or q8"})],
    "license": [("can I use Mistral Small commercially?", {"name": "Mistral Small"})],
    "plan": [("what gpu do i need for llama 3.3 70b?", {"model": "llama 3.3 70b"})],
    "search_articles": [("what do the articles say about MoE speed?", {"query": "MoE speed"})],
}
REPLIES = [  # messages that need no tool, and the kind of reply they get
    ("hello!", "Hi! Ask me which open-weight model suits your GPU or laptop, how fast it runs, or its license."),
    ("how much VRAM does Cyberpunk need?", "I only cover running open-weight LLMs, not games."),
]


# The topic check: before its first step the model is asked whether the message is about LLMs at
# all, and answers by the logits of "llm" against "other" (advisor/llm/chat_model.Probe). Asked
# directly, a 1.5B model separates "how many GB is a Blu-ray?" from "can my 3060 run Qwen3 8B?"
# far better than when it picks its first token between a tool call and prose, where any domain
# word pulls it into a call. The margin is set on the dev split with `python -m evals.topic --cases
# evals/generalization/dev.yaml`, and moves with any change to the prompt or the tool descriptions
# (evals/results/topic-dev.md): with this prompt, 2.25 withholds tools from 24 of dev's 34 first
# messages needing none and from 4 of the 56 needing one (2.0: 16 and 2; 2.5: 26 and 8). The
# comparison example and descriptions of 804068a moved every gap up by about 0.25 (2.0 had been 22 and 3).
TOPIC_RULE = """Topic check: a message is "llm" when it is about large language models: choosing one, running one on a computer or GPU, its memory, speed, quantization or license, or the articles about them. Anything else is "other", even when it mentions GB, RAM, GPUs or licenses.
"can my 3060 run llama 3 8b" -> llm
"how much RAM does Photoshop need" -> other
"best local model for coding" -> llm
"is my GPU good for Fortnite" -> other
"mistral small license?" -> llm
"what is a driver's license" -> other"""
TOPIC_QUESTION = 'Topic of my last message, "llm" or "other"?'
TOPIC_WORDS = (("llm", " llm", '"llm', "LLM"), ("other", " other", '"other', "Other"))
TOPIC_MARGIN = 2.25


def system_prompt(tool_names: list[str]) -> str:
    """The rules plus example calls for the available tools; identical for every call in a process."""
    lines = [RULES, "", "Example calls:"]
    for name in tool_names:
        for question, args in EXAMPLES.get(name, []):
            lines.append(f'"{question}" -> {json.dumps({"name": name, "arguments": args})}')
    lines += [f'"{question}" -> no call; reply: {reply}' for question, reply in REPLIES]
    return "\n".join([*lines, "", TOPIC_RULE])


SYSTEM_PROMPT = system_prompt(list(EXAMPLES))

PAST_TURNS = 3  # earlier turns in the note of a follow-up


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


def earlier_note(turns: list[list[BaseMessage]]) -> str:
    """Earlier turns as one short note: each question, the calls that ran and the first line of their
    results. No earlier answer: shown whole turns, a small model continues the pattern of the last
    answer and answers a follow-up ("and fp16?") from it instead of calling again."""
    lines = []
    for turn in turns:
        compact = compact_turn(turn)
        if not compact:
            continue
        lines.append(f'- I asked: "{compact[0].content}"')
        for message in compact[1:-1]:
            if isinstance(message, AIMessage):
                lines += [f"  You called {c['name']} {json.dumps(c['args'], ensure_ascii=False)}" for c in message.tool_calls]
            elif isinstance(message, ToolMessage) and message.content:
                lines.append(f"  Result: {message.content}")
    return "\n".join(["Earlier in this chat:", *lines]) if lines else ""


def model_input(messages: list[BaseMessage], system_prompt: str = SYSTEM_PROMPT,
                past_turns: int = PAST_TURNS) -> list[BaseMessage]:
    """System prompt, then the current turn in full, its question preceded by a note of the last
    few turns (see earlier_note)."""
    *past, current = split_turns(messages) or [[]]
    note = earlier_note(past[-past_turns:]) if past_turns > 0 else ""
    if note and current and isinstance(current[0], HumanMessage):
        current = [HumanMessage(content=f"{note}\n\nNow: {current[0].content}"), *current[1:]]
    return [SystemMessage(content=system_prompt), *current]
