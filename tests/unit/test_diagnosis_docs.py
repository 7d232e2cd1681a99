"""The README's troubleshooting section is generated from the rules registry and kept in sync."""

from __future__ import annotations

import re
from pathlib import Path

from reference_data import DIAGNOSIS_CODES, require

from wizard.diagnosis import RULES
from wizard.diagnosis.docs import END, START, main, render_markdown, replace_section, section_of

ROOT = Path(__file__).resolve().parents[2]


def test_readme_section_matches_rules() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert section_of(readme) == render_markdown(), "run: python -m wizard.diagnosis.docs --write README.md"


def test_every_rule_is_documented_with_fix_and_text() -> None:
    text = render_markdown()
    for rule in RULES:
        assert f"`{rule.code}`" in text
        assert rule.title
        assert rule.meaning
        assert rule.fix


#: Reference codes filed with open issues (federated credentials, beyond the token, acting on the tenant,
#: multi-tenant daemons) whose rules have not landed yet. A code leaves this set when its rule lands; every
#: other reference code must be a rule.
NOT_YET_RULES: set[str] = set()


#: Codes an issue asked for beyond the reference table (issue 18: "the home tenant used by mistake as the
#: authority for a customer's data" has no reference code; issue 14's federated credential writes, "at most 20
#: per app", have none for Graph's refusals of them).
ADDED_BY_ISSUES = {"home-tenant-authority", "fic-limit", "fic-duplicate", "fic-name-invalid"}


def test_rules_cover_the_reference_codes_and_only_add_network_ones() -> None:
    codes = {r.code for r in RULES}
    assert len(codes) == len(RULES)
    text = require(DIAGNOSIS_CODES).read_text(encoding="utf-8")
    reference = set(re.findall(r"^\| `([a-z0-9-]+)` \|", text, re.MULTILINE))
    assert len(reference) >= 20, f"the codes table of {DIAGNOSIS_CODES} did not parse: {sorted(reference)}"
    missing = reference - codes
    assert missing <= NOT_YET_RULES, f"reference codes without a rule: {sorted(missing - NOT_YET_RULES)}"
    assert reference >= NOT_YET_RULES, sorted(NOT_YET_RULES - reference)
    assert not NOT_YET_RULES & codes, f"landed, take out of NOT_YET_RULES: {sorted(NOT_YET_RULES & codes)}"
    added = {r.code: r.section for r in RULES if r.code not in reference and r.code not in ADDED_BY_ISSUES}
    assert set(added.values()) <= {"Network and client"}, added
    assert "ok" in codes
    assert "roles-missing" in codes


def test_replace_section_appends_then_replaces(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Title\n", encoding="utf-8")
    assert main(["--write", str(readme)]) == 0
    once = readme.read_text(encoding="utf-8")
    assert START in once
    assert END in once
    assert "## Troubleshooting" in once
    assert replace_section(once) == once
    stale = once.replace("`secret-invalid`", "`old`")
    assert section_of(replace_section(stale)) == render_markdown()
