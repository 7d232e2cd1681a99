"""Export a profile to the official samples' config files and azure-identity, and import them back."""

from __future__ import annotations

from wizard.configs.common import ExportResult, ImportReport
from wizard.configs.detect import detect_format
from wizard.configs.registry import (
    FORMATS,
    ConfigFormat,
    export_all,
    export_config,
    get_format,
    import_config,
    load_profile,
    parse_text,
)

__all__ = [
    "FORMATS",
    "ConfigFormat",
    "ExportResult",
    "ImportReport",
    "detect_format",
    "export_all",
    "export_config",
    "get_format",
    "import_config",
    "load_profile",
    "parse_text",
]
