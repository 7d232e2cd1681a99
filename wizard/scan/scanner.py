"""`scan`: walk a tree once, run every detector on each file, validate every daemon config found."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from wizard.scan.files import CERT_SUFFIXES, PFX_SUFFIXES, scan_key_file
from wizard.scan.git import tracked_files
from wizard.scan.model import ConfigSeen, Level, ScanReport, ScanResult
from wizard.scan.rules import CONFIG_INVALID, CONFIG_SECRET, PLACEHOLDER, SECRET_FILE_TRACKED
from wizard.scan.text import ENTRA_SECRET_RE, scan_text
from wizard.scan.walk import walk

#: A daemon config names at least one of these; the content detector runs only on such files.
_CONFIG_HINTS = re.compile(r"client|tenant|authority|azure_", re.IGNORECASE)
#: Results that mean "this file holds a secret" (so git tracking it matters).
_SECRET_RULES = frozenset({"entra-client-secret", "private-key", "pfx-no-password", "config-holds-secret"})


def _line_of(text: str, needle: str) -> int:
    if not needle:
        return 1
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def _config_results(rel: str, text: str) -> tuple[ConfigSeen | None, list[ScanResult]]:
    from wizard.configs.detect import detect_text
    from wizard.configs.registry import parse_text
    from wizard.errors import WizardError
    from wizard.validation import validate_profile

    if not _CONFIG_HINTS.search(text) or detect_text(text) is None:
        return None, []
    try:
        report = parse_text(text, path=rel)
    except WizardError as exc:
        return ConfigSeen(rel, "unknown", False), [ScanResult(CONFIG_INVALID, rel, exc.title)]
    results: list[ScanResult] = []
    for key, why in report.placeholders:
        results.append(ScanResult(PLACEHOLDER, rel, f"{key}: {why}", _line_of(text, key)))
    for key in report.missing:
        results.append(ScanResult(CONFIG_INVALID, rel, f"{key} is missing", level=Level.WARNING))
    for key, why in report.malformed:
        results.append(ScanResult(CONFIG_INVALID, rel, f"{key}: {why}", _line_of(text, key)))
    if not report.placeholders:  # a placeholder already says what to fill in; validation would repeat it
        for problem in validate_profile(report.profile, secret=report.secret, need_secret=False):
            level = Level.ERROR if problem.severity == "error" else Level.WARNING
            results.append(
                ScanResult(CONFIG_INVALID, rel, f"{problem.message} (fix: {problem.fix})", level=level)
            )
    secret = report.secret.reveal() if report.secret else ""
    if secret and not ENTRA_SECRET_RE.fullmatch(secret) and not any(r.rule is PLACEHOLDER for r in results):
        results.append(
            ScanResult(
                CONFIG_SECRET,
                rel,
                f"the config holds a client secret ({report.secret.masked if report.secret else ''})",
                _line_of(text, secret),
            )
        )
    return ConfigSeen(rel, report.format, not any(r.effective_level is Level.ERROR for r in results)), results


def scan_tree(
    root: Path, *, now: dt.datetime | None = None, expiring_days: int = 30, use_git: bool = True
) -> ScanReport:
    """Every result under `root`, files in walk order and results in line order within a file."""
    now = now or dt.datetime.now(dt.timezone.utc)
    tracked = tracked_files(root) if use_git else None
    untracked = tracked_files(root, untracked=True) if tracked is not None else None
    results: list[ScanResult] = []
    configs: list[ConfigSeen] = []
    count = 0
    for entry in walk(root):
        count += 1
        try:
            data = entry.path.read_bytes()
        except OSError:
            continue
        here: list[ScanResult] = []
        lower = entry.rel.lower()
        if lower.endswith(PFX_SUFFIXES + CERT_SUFFIXES):
            here.extend(scan_key_file(entry.rel, data, now=now, expiring_days=expiring_days))
        if b"\0" not in data[:8192]:
            text = data.decode("utf-8", "replace")
            here.extend(scan_text(entry.rel, text))
            seen, found = _config_results(entry.rel, text)
            if seen is not None:
                configs.append(seen)
                here.extend(found)
        if any(r.rule.id in _SECRET_RULES for r in here):
            if tracked is not None and entry.rel in tracked:
                here.append(
                    ScanResult(SECRET_FILE_TRACKED, entry.rel, "git tracks this file: it is in the history")
                )
            elif untracked is not None and entry.rel in untracked:
                here.append(
                    ScanResult(
                        SECRET_FILE_TRACKED,
                        entry.rel,
                        "git does not ignore this file: `git add .` would commit it",
                        level=Level.WARNING,
                    )
                )
        results.extend(sorted(here, key=lambda r: (r.line, r.column)))
    shown = str(root)
    return ScanReport(root=shown, files_scanned=count, results=tuple(results), configs=tuple(configs))
