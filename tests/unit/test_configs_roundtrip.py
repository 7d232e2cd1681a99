"""Export then import gives back the same profile, for every field the format carries (`carries`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from configs_fixtures import (
    CANARY,
    EXTERNAL,
    OBJECT_ID,
    TENANT_ID,
    USGOV,
    WORKFORCE,
    WORKFORCE_OWN_API,
    make_certificate,
    with_certificate,
)

from wizard.clouds import TenantType
from wizard.configs import FORMATS, export_config, import_config
from wizard.profile import ApiTarget, CredentialKind, Profile

SANDBOX = WORKFORCE.with_(authority_override=f"https://127.0.0.1:8443/{TENANT_ID}")
EXTERNAL_GRAPH = EXTERNAL.with_(api=ApiTarget())
EXTERNAL_GUID = EXTERNAL.with_(tenant=TENANT_ID)
CUSTOM_DOMAIN = EXTERNAL_GUID.with_(authority_override=f"https://login.fabrikam.example/{TENANT_ID}")
GRAPH_PATH = WORKFORCE.with_(api=ApiTarget(relative_path="applications"))

CASES: list[tuple[str, Profile]] = [
    *[
        ("python-secret", p)
        for p in (WORKFORCE, USGOV, WORKFORCE_OWN_API, EXTERNAL, CUSTOM_DOMAIN, SANDBOX, GRAPH_PATH)
    ],
    *[("node-console", p) for p in (WORKFORCE, USGOV, EXTERNAL_GRAPH, SANDBOX)],
    *[("node-ciam-daemon", p) for p in (EXTERNAL, EXTERNAL_GUID, EXTERNAL_GRAPH)],
    *[("dotnet-daemon", p) for p in (WORKFORCE, USGOV, WORKFORCE_OWN_API, SANDBOX)],
    *[("dotnet-ciam-daemon", p) for p in (EXTERNAL, EXTERNAL_GUID, EXTERNAL_GRAPH)],
    *[("dotnet-console", p.with_(object_id=OBJECT_ID)) for p in (WORKFORCE, USGOV)],
    *[("java-secret", p) for p in (WORKFORCE, USGOV, SANDBOX)],
    *[("azure-identity", p) for p in (WORKFORCE, USGOV, EXTERNAL, EXTERNAL_GUID, SANDBOX)],
    *[
        ("profile", p)
        for p in (WORKFORCE, WORKFORCE_OWN_API.with_(object_id=OBJECT_ID, name="x"), CUSTOM_DOMAIN)
    ],
]


def carried(profile: Profile, fields: frozenset[str]) -> dict[str, object]:
    return {name: getattr(profile, name) for name in sorted(fields)}


@pytest.mark.parametrize(("fmt", "profile"), CASES, ids=[f"{f}-{i}" for i, (f, _) in enumerate(CASES)])
def test_round_trip(tmp_path: Path, fmt: str, profile: Profile) -> None:
    spec = FORMATS[fmt]
    result = export_config(profile, fmt, secret=CANARY, out=tmp_path / spec.filename)
    report = import_config(result.path or "")
    assert report.format == fmt
    assert report.ok, (report.placeholders, report.missing, report.malformed)
    assert carried(report.profile, spec.carries) == carried(profile, spec.carries)
    if spec.secret_bearing and fmt != "profile":
        assert report.secret == CANARY


@pytest.mark.parametrize("fmt", ["python-certificate", "java-certificate", "azure-identity", "dotnet-daemon"])
def test_certificate_round_trip_points_at_usable_files(tmp_path: Path, fmt: str) -> None:
    """Certificate formats keep the credential kind; the paths are the files the sample reads (documented)."""
    profile = with_certificate(WORKFORCE, make_certificate(tmp_path))
    result = export_config(profile, fmt, secret=None, out=tmp_path / "out" / FORMATS[fmt].filename)
    report = import_config(result.path or "")
    assert report.ok, (report.placeholders, report.missing, report.malformed)
    assert report.profile.credential is CredentialKind.CERTIFICATE
    assert carried(report.profile, FORMATS[fmt].carries - {"api"}) == carried(
        profile, FORMATS[fmt].carries - {"api"}
    )
    ref = report.profile.certificate
    for path in (ref.key_path, ref.cert_path, ref.pfx_path):
        assert path is None or Path(path).is_file()
    assert report.secret is None


def test_external_tenant_type_comes_from_ciamlogin_host(tmp_path: Path) -> None:
    result = export_config(EXTERNAL, "azure-identity", secret=CANARY, out=tmp_path / ".env")
    assert "AZURE_AUTHORITY_HOST=https://fabrikamciam.ciamlogin.com" in Path(result.path or "").read_text()
    assert import_config(result.path or "").profile.tenant_type is TenantType.EXTERNAL
