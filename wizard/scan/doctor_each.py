"""`scan --doctor`: the live checks of `doctor` for every config a scan found, with a bound on how many
run at once. Each run keeps its own time bound and retries 429/503 after the Retry-After asked for."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.errors import WizardError
from wizard.exitcodes import ExitCode
from wizard.scan.model import ConfigSeen


@dataclass(frozen=True)
class ConfigDoctor:
    """One config's doctor verdict, exit code and finding codes (or why it could not run)."""

    path: str
    verdict: str
    exit_code: int
    findings: tuple[str, ...] = ()
    error: str | None = None
    duration_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "verdict": self.verdict,
            "exit_code": self.exit_code,
            "findings": list(self.findings),
            "error": self.error,
            "duration_s": round(self.duration_s, 3),
        }


def doctor_one(root: Path, seen: ConfigSeen, *, ca_file: str | None, timeout: float) -> ConfigDoctor:
    """Import the config as `--from` does, then run doctor on it; never raises for one bad config."""
    from wizard.configs.registry import load_profile
    from wizard.live.doctor import DoctorOptions, run_doctor

    try:
        profile, secret, _ = load_profile(root / seen.path)
        report = run_doctor(profile, secret=secret, ca_file=ca_file, options=DoctorOptions(timeout=timeout))
    except WizardError as exc:
        return ConfigDoctor(seen.path, "not run", int(ExitCode.FAILURE), error=exc.title)
    return ConfigDoctor(
        seen.path,
        report.verdict,
        int(report.exit_code),
        tuple(f.code for f in report.findings),
        error=report.error.title if report.error is not None else None,
        duration_s=report.duration_s,
    )


def doctor_all(
    root: Path, configs: Sequence[ConfigSeen], *, jobs: int, ca_file: str | None, timeout: float
) -> list[ConfigDoctor]:
    """Doctor for each config that validated, at most `jobs` at once, in the scan's order."""
    runnable = [c for c in configs if c.ok]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(lambda c: doctor_one(root, c, ca_file=ca_file, timeout=timeout), runnable))
