"""Data the advisor stands on: model catalog, hardware, licenses, quant types and article digests."""

from knowledge.load import ARTICLES_DIR, load_catalog, read_catalog

__all__ = ["ARTICLES_DIR", "load_catalog", "read_catalog"]
