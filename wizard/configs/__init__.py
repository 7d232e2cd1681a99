"""Export a profile to the official samples' config files and azure-identity, and import them back."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Loaded on first use (PEP 562): `wizard.configs.common` is imported by every live command for two URL
# helpers, and importing the package must not load every format's module (about 100 ms).
_ELSEWHERE = {
    "ExportResult": "wizard.configs.common",
    "ImportReport": "wizard.configs.common",
    "detect_format": "wizard.configs.detect",
}


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_ELSEWHERE.get(name, "wizard.configs.registry")), name)
    globals()[name] = value
    return value
