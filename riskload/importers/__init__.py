"""Importers: export folders and activity files to the activity timeline."""

from .export import Export, export_from_raw, read_export, read_file
from .parse import parse_bytes, sniff

__all__ = ["Export", "export_from_raw", "parse_bytes", "read_export", "read_file", "sniff"]
