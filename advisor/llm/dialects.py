"""How a model family writes tool calls and reads tool results.

Qwen models were trained on the Hermes format (`<tool_call>{json}</tool_call>`, results in
`<tool_response>`); models without a tool template (Gemma 3 270M) get a plain JSON object and
a labelled result. Either way the JSON of a call is produced under a grammar, so its shape is
always right; the dialect only decides the text around it and how tools are described.

Tools are described compactly (one line per argument) rather than as JSON schemas: every
prompt token costs ~7 ms on this CPU, and the grammar enforces the exact schema anyway.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Dialect:
    name: str
    call_open: str  # text the model writes before the call's JSON
    call_close: str
    triggers: tuple[str, ...]  # an answer starting with one of these is a tool call
    how_to_call: str
    result_template: str  # with {name} and {content}

    def call_text(self, name: str, args: dict[str, Any] | str) -> str:
        arguments = args if isinstance(args, str) else json.dumps(args, ensure_ascii=False)
        return f'{self.call_open}{{"name": "{name}", "arguments": {arguments}}}{self.call_close}'

    def result_text(self, name: str, content: str) -> str:
        return self.result_template.format(name=name, content=content)

    def tools_prompt(self, tools: list[dict[str, Any]]) -> str:
        lines = ["# Tools", ""]
        for tool in tools:
            fn = tool["function"]
            params = fn.get("parameters", {})
            required = set(params.get("required", []))
            lines.append(f"{fn['name']}: {fn.get('description', '').strip()}")
            for arg, spec in params.get("properties", {}).items():
                need = "required" if arg in required else "optional"
                lines.append(f"  - {arg} ({_type_of(spec)}, {need}): {spec.get('description', '')}".rstrip(": "))
        return "\n".join([*lines, "", self.how_to_call])


def _type_of(spec: dict[str, Any]) -> str:
    """'coding|general|...' for enums, 'number', 'string'; Optional[X] shows as X."""
    options = spec.get("anyOf", [spec])
    kinds = []
    for option in options:
        if "enum" in option:
            kinds.append("|".join(str(v) for v in option["enum"]))
        elif "const" in option:
            kinds.append(str(option["const"]))
        elif option.get("type") not in (None, "null"):
            kinds.append({"integer": "integer", "number": "number"}.get(option["type"], option["type"]))
    return " or ".join(kinds) or "any"


HERMES = Dialect(
    name="hermes",
    call_open="<tool_call>\n",
    call_close="\n</tool_call>",
    triggers=("<tool_call>", "{", "```"),
    how_to_call=('To call a tool, reply with only:\n<tool_call>\n{"name": <tool name>, "arguments": {<only the arguments '
                 'the user gave>}}\n</tool_call>\nAfter the tool response, answer in plain text.'),
    result_template="<tool_response>\n{content}\n</tool_response>",
)

PLAIN_JSON = Dialect(
    name="json",
    call_open="",
    call_close="",
    triggers=("{", "```"),
    how_to_call=('To call a tool, reply with only a JSON object: {"name": <tool name>, "arguments": {<only the arguments '
                 'the user gave>}}. After the tool result, answer in plain text.'),
    result_template="Result of {name}:\n{content}",
)


def dialect_for(architecture: str) -> Dialect:
    """Qwen2/Qwen3 (incl. MoE) speak Hermes; every other family gets plain JSON."""
    return HERMES if architecture.lower().startswith("qwen") else PLAIN_JSON
