"""`advisor mcp` over stdio, driven by the MCP SDK's own client as another agent would drive it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client


def _server(tmp_path: Path) -> StdioServerParameters:
    # The SDK starts the server with a minimal environment: pass on where the advisor keeps its files.
    env = {key: os.environ[key] for key in ("ADVISOR_CACHE_DIR", "HOME", "PATH") if key in os.environ}
    return StdioServerParameters(command=sys.executable, args=["-m", "advisor", "mcp"],
                                 env={**env, "ADVISOR_DATA_DIR": str(tmp_path / "data")})


async def test_the_tools_are_listed_with_their_pydantic_schemas_and_answer_calls(tmp_path: Path) -> None:
    async with stdio_client(_server(tmp_path)) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        listed = {tool.name: tool for tool in (await session.list_tools()).tools}
        assert {"estimate", "recommend", "license", "search", "plan"} <= set(listed)
        hardware = listed["estimate"].input_schema["$defs"]["HardwareSpec"]["properties"]
        assert {"gpu", "vram_gb", "ram_gb"} <= set(hardware), "the request model's own schema, not a flat copy"

        estimate = await session.call_tool("estimate", {"request": {"model": "qwen3-30b-a3b", "quant": "Q4_K_M",
                                                                    "hardware": {"gpu": "RTX 4090"}}})
        assert not estimate.is_error
        assert estimate.structured_content["memory_gb"]["total"] > 10
        assert estimate.structured_content["sources"]

        license_answer = await session.call_tool("license", {"name": "Gemma 3 27B"})
        assert not license_answer.is_error
        assert "gemma" in str(license_answer.structured_content).lower()

        picks = await session.call_tool("recommend", {"request": {"hardware": {"vram_gb": 16}, "task": "coding"}})
        assert not picks.is_error and picks.structured_content["result"]


async def test_a_request_the_tools_refuse_is_a_tool_error_with_the_closest_names(tmp_path: Path) -> None:
    async with stdio_client(_server(tmp_path)) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        result = await session.call_tool("estimate", {"request": {"model": "qwen9-7b-zeta", "hardware": {"gpu": "RTX 4090"}}})
        assert result.is_error
        text = " ".join(getattr(part, "text", "") for part in result.content)
        assert "Unknown model 'qwen9-7b-zeta'" in text and "Did you mean" in text and "qwen2-7b" in text
