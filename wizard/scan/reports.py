"""The scan's reports for machines: SARIF 2.1.0 (code scanning) and JUnit XML (CI test views)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from wizard import __version__
from wizard.scan.model import Level, ScanReport
from wizard.scan.rules import ALL_RULES

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/entra-daemon-wizard/entra-daemon-wizard"


def to_sarif(report: ScanReport) -> dict[str, Any]:
    """One run; every rule's metadata; each result with its file (relative URI) and line."""
    rules = [
        {
            "id": r.id,
            "name": r.id.title().replace("-", ""),
            "shortDescription": {"text": r.title},
            "fullDescription": {"text": r.title},
            "help": {"text": r.help},
            "defaultConfiguration": {"level": r.level.value},
        }
        for r in ALL_RULES
    ]
    index = {r.id: i for i, r in enumerate(ALL_RULES)}
    results = [
        {
            "ruleId": res.rule.id,
            "ruleIndex": index[res.rule.id],
            "level": res.effective_level.value,
            "message": {"text": res.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": res.path, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": max(res.line, 1), "startColumn": max(res.column, 1)},
                    }
                }
            ],
        }
        for res in report.results
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "entra-daemon-wizard",
                        "version": __version__,
                        "informationUri": INFO_URI,
                        "rules": rules,
                    }
                },
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def to_junit(report: ScanReport) -> bytes:
    """A test case per daemon config and per file with results; error-level results are failures."""
    files: dict[str, list[Any]] = {c.path: [] for c in report.configs}
    for res in report.results:
        files.setdefault(res.path, []).append(res)
    failures = sum(1 for items in files.values() if any(r.effective_level is Level.ERROR for r in items))
    suites = ET.Element(
        "testsuites", name="daemon-wizard scan", tests=str(len(files)), failures=str(failures)
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="daemon-wizard scan",
        tests=str(len(files)),
        failures=str(failures),
        errors="0",
    )
    for path, items in files.items():
        case = ET.SubElement(suite, "testcase", classname="scan", name=path)
        errors = [r for r in items if r.effective_level is Level.ERROR]
        if errors:
            failure = ET.SubElement(case, "failure", message=errors[0].message, type=errors[0].rule.id)
            failure.text = "\n".join(f"{r.path}:{r.line}: [{r.rule.id}] {r.message}" for r in errors)
        others = [r for r in items if r.effective_level is not Level.ERROR]
        if others:
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join(f"{r.path}:{r.line}: [{r.rule.id}] {r.message}" for r in others)
    xml: bytes = ET.tostring(suites, encoding="utf-8", xml_declaration=True)
    return xml
