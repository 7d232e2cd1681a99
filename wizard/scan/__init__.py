"""Scan a tree: every daemon config validated, and what should never be committed (secrets, keys)."""

from __future__ import annotations

from wizard.scan.model import ConfigSeen, Level, ScanReport, ScanResult, ScanRule
from wizard.scan.scanner import scan_tree

__all__ = ["ConfigSeen", "Level", "ScanReport", "ScanResult", "ScanRule", "scan_tree"]
