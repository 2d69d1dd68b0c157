"""`advisor models`: the catalog, the user's own model files, and what is already installed.

`models add PATH` turns a GGUF (or a Hugging Face config.json) into a catalog record saved in
the user's data folder, so every later command and the chat agent can name it; `--installed`
lists what Ollama, LM Studio and the Hugging Face cache hold, matched to the catalog;
`--catalog DIR` merges another folder of records over the packaged catalog for one run
(`$ADVISOR_CATALOG` does the same for every command).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer
import yaml
from rich.table import Table

from advisor.commands.common import console, print_json, user_errors
from advisor.settings import CATALOG_ENV, paths
from knowledge import load_catalog
from knowledge.schema import Catalog, Model
from tools.errors import AdvisorError, UnknownName
from tools.installed import STORE_NAMES, InstalledModel, find_installed
from tools.resolve import resolve_model, resolve_quant
from tools.user_models import model_from_file

GB = 1e9


def user_models_dir() -> Path:
    return paths().user_catalog_dir / "models"


def add_model(path: str | Path) -> Model:
    """Read a model file and save its record in the user's catalog folder (replacing an older one)."""
    model = model_from_file(path, load_catalog())
    folder = user_models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    record = model.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    record = {"id": model.id, "name": model.name, **record}
    (folder / f"{model.id}.yaml").write_text(yaml.safe_dump([record], sort_keys=False, allow_unicode=True), encoding="utf-8")
    return model


def remove_model(name: str) -> Model:
    """Forget a model added from a file; packaged models cannot be removed."""
    model = resolve_model(name, load_catalog())
    target = user_models_dir() / f"{model.id}.yaml"
    if model.file is None or not target.is_file():
        raise AdvisorError(f"{model.name} is part of the packaged catalog, not one of your added files; nothing to remove.")
    target.unlink()
    return model


def with_file_model(path: str | Path, catalog: Catalog) -> tuple[Catalog, Model, str]:
    """The catalog plus a record for this file, and the quant label to estimate it at.

    The weights come from the file's tensor bytes whatever the label; the label only names
    them, so a file type the quant table lacks is named after the closest one.
    """
    model = model_from_file(path, catalog)
    models = [m for m in catalog.models if m.id != model.id] + [model]
    quant = "Q4_K_M"
    if model.file and model.file.quant:
        try:
            quant = resolve_quant(model.file.quant, catalog).id
        except UnknownName:
            quant = _closest_quant(model, catalog)
    return catalog.model_copy(update={"models": models}), model, quant


def _closest_quant(model: Model, catalog: Catalog) -> str:
    if not (model.file and model.file.tensor_bytes and model.params_total_b):
        return "Q4_K_M"
    bpw = model.file.tensor_bytes * 8 / (model.params_total_b.value * 1e9)
    return min(catalog.quants, key=lambda q: abs(q.bits_per_weight - bpw)).id


def _render_models(models: list[Model]) -> None:
    table = Table(title=f"{len(models)} models")
    for col in ("id", "name", "params B (active)", "context", "weights", "licenses"):
        table.add_column(col)
    for m in models:
        total = f"{m.params_total_b.value:g}" if m.params_total_b else "?"
        active = f" ({m.params_active_b.value:g})" if m.params_active_b else ""
        ctx = f"{int(m.context_tokens.value):,}" if m.context_tokens else "?"
        weights = "your file" if m.file else m.weights
        table.add_row(m.id, m.name, total + active, ctx, weights, ", ".join(sorted({c.license for c in m.licenses})))
    console.print(table)


def _render_installed(found: list[InstalledModel]) -> None:
    table = Table(title=f"{len(found)} installed model files")
    for col in ("where", "name", "size GB", "quant", "catalog model"):
        table.add_column(col)
    for item in found:
        match = item.catalog_id or ("-" if not item.problem else f"unreadable: {item.problem}")
        table.add_row(STORE_NAMES[item.store], item.name, f"{item.size_bytes / GB:.2f}", item.quant or "?", match)
    console.print(table)
    if not found:
        console.print("No model files found in the Ollama store, LM Studio's folder or the Hugging Face cache.")


def _use_overlay(catalog_dir: Optional[Path]) -> None:
    if catalog_dir is None:
        return
    if not catalog_dir.is_dir():
        raise AdvisorError(f"--catalog {catalog_dir}: no such folder.")
    current = os.environ.get(CATALOG_ENV, "")
    os.environ[CATALOG_ENV] = os.pathsep.join(filter(None, [current, str(catalog_dir.resolve())]))


def register(app: typer.Typer) -> None:
    models_app = typer.Typer(help="The model catalog, your own model files, and what is installed.", no_args_is_help=False)

    @models_app.callback(invoke_without_command=True)
    def models_cmd(
        ctx: typer.Context,
        family: Optional[str] = typer.Option(None, "--family"),
        task: Optional[str] = typer.Option(None, "--task"),
        max_params_b: Optional[float] = typer.Option(None, "--max-params-b"),
        open_only: bool = typer.Option(False, "--open", help="Only models with downloadable weights"),
        installed: bool = typer.Option(False, "--installed", help="List models in Ollama, LM Studio and the Hugging Face cache"),
        catalog_dir: Optional[Path] = typer.Option(None, "--catalog", help="Merge the model records in this folder over the catalog"),
        as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table"),
    ) -> None:
        """List the catalog (or, with --installed, the model files on this machine)."""
        with user_errors():
            _use_overlay(catalog_dir)
            if ctx.invoked_subcommand is not None:
                return
            catalog = load_catalog()
            if installed:
                found = find_installed(catalog)
                print_json(found) if as_json else _render_installed(found)
                return
            models = [
                m for m in catalog.models
                if (family is None or family.lower() in m.family.lower())
                and (task is None or task in m.tasks)
                and (max_params_b is None or (m.params_total_b and m.params_total_b.value <= max_params_b))
                and (not open_only or m.weights == "open")
            ]
        print_json(models) if as_json else _render_models(models)

    @models_app.command("add")
    def add_cmd(path: Path = typer.Argument(..., help="A .gguf file, or a Hugging Face config.json (or its folder)"),
                as_json: bool = typer.Option(False, "--json")) -> None:
        """Add your own model file to the catalog, so every command and the chat can name it."""
        with user_errors():
            model = add_model(path)
        if as_json:
            print_json(model)
            return
        console.print(f"Added [bold]{model.id}[/bold] ({model.name}): {model.notes}")
        console.print(f"Ask about it by that id, its file name or its path, e.g. advisor estimate --model {model.id}")

    @models_app.command("remove")
    def remove_cmd(name: str = typer.Argument(..., help="Id, name or path of a model you added")) -> None:
        """Forget a model you added from a file (the file itself is left alone)."""
        with user_errors():
            model = remove_model(name)
        console.print(f"Removed {model.id} from your catalog.")

    app.add_typer(models_app, name="models")


# --- used by `advisor recommend` to mark what is already downloaded -----------------------

def mark_installed(payload: list[dict], ids: set[str]) -> list[dict]:
    """Recommend's JSON picks, each with `installed`: true when a local build of it was found."""
    return [{**pick, "installed": pick.get("model") in ids} for pick in payload]


def installed_note(picks: list, ids: set[str]) -> str | None:
    """One line naming the picks already on this machine, or None."""
    have = [f"#{p.rank} {p.model_name}" for p in picks if p.model in ids]
    return f"Already installed here: {', '.join(have)}." if have else None
