"""Readers of exports: the canonical PipeOne export, then adapters for real-world formats."""
from .importer import import_path, import_tables
from .result import ImportResult

__all__ = ["import_path", "import_tables", "ImportResult"]
