"""`advisor mcp`: the advisor's tools as an MCP server on stdio, for other agents.

Editors and coding assistants speak the Model Context Protocol; with this server they call
the same deterministic estimator, recommender, license table, article search and planner
that the local model calls, e.g. `{"command": "advisor", "args": ["mcp"]}` in a client's
server list. Each tool takes the tools/ layer's own request model (EstimateRequest,
RecommendRequest, PlanRequest) rather than the flat, string-only arguments the 1.5B local
model fills in (advisor/agent/toolset.py): a capable client model does better with the full,
typed schema, and the same pydantic validation answers a bad value with the same message as
the CLI. Results are the tools' pydantic results as structured JSON. A request the tools
refuse (an unknown model, an impossible machine) comes back as a tool error carrying the
tool's own sentence and closest names.
"""

# No `from __future__ import annotations` here: the SDK reads each tool's schema from its
# annotations, which must be real classes (imported inside build_server to keep `--help` fast).
import functools
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import typer

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

SERVER_NAME = "open-weight-advisor"
INSTRUCTIONS = ("Offline facts about running open-weight LLMs: memory and speed of a model on given hardware "
                "(estimate), ranked picks for a memory budget and task (recommend), license terms (license), "
                "passages from the source articles (search) and the hardware a model needs (plan). Figures come "
                "from a deterministic estimator and a sourced catalog; cite the returned sources.")


def build_server(index_dir: Path | None = None) -> "MCPServer":
    """The MCP server over the catalog; `search` opens the article index in `index_dir` on first use."""
    from mcp.server.mcpserver import MCPServer  # noqa: PLC0415 - the SDK loads only for this command
    from mcp.server.mcpserver.exceptions import ToolError  # noqa: PLC0415
    from tools.errors import AdvisorError  # noqa: PLC0415

    from advisor.settings import paths  # noqa: PLC0415
    from knowledge import load_catalog  # noqa: PLC0415
    from tools.estimate import Estimate, estimate as run_estimate  # noqa: PLC0415
    from tools.licenses import LicenseAnswer, license_terms  # noqa: PLC0415
    from tools.recommend import Pick, recommend as run_recommend  # noqa: PLC0415
    from tools.requests import EstimateRequest, RecommendRequest  # noqa: PLC0415

    catalog = load_catalog()
    where = index_dir or paths().index_dir
    server = MCPServer(SERVER_NAME, instructions=INSTRUCTIONS)

    def refusals_told(fn: Callable[..., Any]) -> Callable[..., Any]:
        """The SDK reports an unexpected exception as a bare "Error executing tool"; a request the
        tools refuse is the client's to fix, so its sentence (with the closest names) goes back."""
        @functools.wraps(fn)
        def tool(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except AdvisorError as exc:
                raise ToolError(exc.message) from None
        return tool

    @server.tool()
    @refusals_told
    def estimate(request: EstimateRequest) -> Estimate:
        """Memory (weights + KV cache + overhead), fit verdict, offloaded layers and decode/prefill speed of
        one model at one quantization and context on the given hardware, with the figures the sources reported."""
        return run_estimate(request, catalog)

    @server.tool()
    @refusals_told
    def recommend(request: RecommendRequest) -> list[Pick]:
        """Ranked models that fit the hardware for a task and license need, each with quant, memory, speed,
        license, reasons and sources."""
        return run_recommend(request, catalog)

    @server.tool()
    @refusals_told
    def license(name: str) -> LicenseAnswer:  # noqa: A001 - the tool's name in the protocol
        """License terms of a model or family as the sources state them (commercial use, limits, conditions);
        disagreements between sources are listed side by side."""
        return license_terms(name, catalog)

    if importlib.util.find_spec("tools.article_search") is not None:
        from tools.article_search import Hit  # noqa: PLC0415

        opened: list[Any] = []

        @server.tool()
        @refusals_told
        def search(query: str, k: int = 5, model: str | None = None) -> list[Hit]:
            """Passages from the source articles (benchmarks, guides, launch posts) that answer `query`, with
            article, title, date, section and score; `model` keeps to passages about that model."""
            if not opened:  # loading the embedder takes seconds: only when a search is asked for
                from tools.article_search import ArticleIndex  # noqa: PLC0415

                opened.append(ArticleIndex.open(where))
            return opened[0].search(query, k=k, model=model)

    if importlib.util.find_spec("tools.plan") is not None:
        from tools.plan import PlanRequest, PlanResult, plan as run_plan  # noqa: PLC0415

        @server.tool()
        @refusals_told
        def plan(request: PlanRequest) -> PlanResult:
            """The hardware a model needs: which devices hold it at the requested quant, context and speed."""
            return run_plan(request, catalog)

    return server


def register(app: typer.Typer) -> None:
    @app.command("mcp")
    def mcp_cmd() -> None:
        """Serve the tools (estimate, recommend, license, search, plan) over MCP on stdio, for other agents."""
        build_server().run("stdio")
