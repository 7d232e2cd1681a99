"""Where the tests' own copy of the reference material lives, and loaders that fail when it is missing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
REFERENCE = DATA / "reference"
DIAGNOSIS_CASES = REFERENCE / "diagnosis-cases.json"
DIAGNOSIS_CODES = REFERENCE / "diagnosis-codes.md"
SAMPLES = REFERENCE / "sample-configs"
# The folder this copy was taken from, beside a checkout (present on the authors' machines only).
SHARED_REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"
# Everything the tests read; tests/unit/test_reference_data.py compares it with SHARED_REFERENCE.
COPIED = ("diagnosis-cases.json", "diagnosis-codes.md", "sample-configs")


class MissingTestData(AssertionError):
    """A test's data file is absent: the test fails (never skips) so nothing passes unchecked."""


def require(path: Path) -> Path:
    """`path` if it exists, else fail the calling test with the path in the message."""
    if not path.exists():
        raise MissingTestData(f"test data missing: {path} (it belongs in the repository under tests/data/)")
    return path


def load_json_list(path: Path) -> list[dict[str, Any]]:
    """A non-empty JSON list of objects; fails on a missing file or an empty list."""
    data = json.loads(require(path).read_text(encoding="utf-8"))
    if not isinstance(data, list) or not data:
        raise MissingTestData(f"{path} holds no cases: a parametrised test would check nothing")
    return data


def sample(rel: str) -> Path:
    """One of the saved sample configs, by its path inside its sample repository."""
    return require(SAMPLES / rel)
