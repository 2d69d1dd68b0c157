"""What every command shares: turning tool errors into exit code 2 and printing JSON or tables."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import Any, Iterator

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console

from tools.errors import AdvisorError

console = Console()
errors = Console(stderr=True)


def validation_message(exc: ValidationError) -> str:
    """One readable line per problem, naming the option, instead of pydantic's full dump."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"] if p not in ("hardware", "custom"))
        text = err["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {text}" if where else text)
    return "; ".join(parts)


@contextmanager
def user_errors() -> Iterator[None]:
    """Bad input exits with code 2 and a specific message, never a traceback."""
    try:
        yield
    except AdvisorError as exc:
        errors.print(f"[red]error:[/red] {exc.message}", highlight=False)
        raise typer.Exit(2) from None
    except ValidationError as exc:
        errors.print(f"[red]error:[/red] {validation_message(exc)}", highlight=False)
        raise typer.Exit(2) from None


def print_json(value: Any) -> None:
    """JSON to stdout, whether given pydantic models, lists of them or plain data."""
    def plain(item: Any) -> Any:
        if isinstance(item, BaseModel):
            return item.model_dump(mode="json")
        if isinstance(item, list):
            return [plain(x) for x in item]
        return item
    sys.stdout.write(json.dumps(plain(value), indent=2, ensure_ascii=False) + "\n")
