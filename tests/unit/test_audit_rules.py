"""The audit's rules and renderings on hand-built tenants (pure: no network)."""

from __future__ import annotations

import datetime as dt

from wizard.audit import AppRecord, AuditPolicy, Credential, Holder, PrincipalRecord, Tenant, audit
from wizard.audit.model import parse_time
from wizard.audit.render import chart, months_ahead, table, to_csv

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.timezone.utc)


def _cred(
    kind: str = "secret",
    *,
    end_days: float,
    age_days: float = 10,
    holder: Holder = Holder.APPLICATION,
    app_id: str = "a1",
) -> Credential:
    return Credential(
        holder=holder,
        object_id="o1",
        app_id=app_id,
        display_name="App One",
        kind=kind,
        key_id=f"k{end_days}",
        name="",
        hint="abc" if kind == "secret" else "",
        start=NOW - dt.timedelta(days=age_days),
        end=NOW + dt.timedelta(days=end_days),
    )


def _codes(tenant: Tenant, **policy: object) -> list[str]:
    return [f.code for f in audit(tenant, AuditPolicy(now=NOW, **policy))]  # type: ignore[arg-type]


def _app(*creds: Credential, owners: tuple[str, ...] | None = ("u1",)) -> AppRecord:
    return AppRecord("o1", "a1", "App One", credentials=creds, owners=owners)


def test_expired_is_an_error_and_expiring_within_the_window_a_warning() -> None:
    tenant = Tenant((_app(_cred("certificate", end_days=-1), _cred("certificate", end_days=29)),), ())
    assert sorted(_codes(tenant, expiring_within=30)) == ["credential-expired", "credential-expiring"]
    assert _codes(tenant, expiring_within=7) == ["credential-expired"]


def test_secret_age_only_with_a_policy_and_only_for_secrets_still_valid() -> None:
    old = _cred(end_days=300, age_days=400)
    cert = _cred("certificate", end_days=300, age_days=400)
    tenant = Tenant((_app(old, cert),), ())
    assert "secret-too-old" not in _codes(tenant)
    assert _codes(tenant, max_secret_age=365).count("secret-too-old") == 1
    assert "secret-too-old" not in _codes(
        Tenant((_app(_cred(end_days=-5, age_days=400), cert),), ()), max_secret_age=365
    )


def test_secret_where_certificate_would_do_and_no_owner() -> None:
    assert _codes(Tenant((_app(_cred(end_days=200)),), ())) == ["secret-where-certificate-would-do"]
    assert _codes(Tenant((_app(_cred(end_days=200), _cred("certificate", end_days=200)),), ())) == []
    assert _codes(Tenant((_app(owners=()),), ())) == ["app-without-owner"]
    assert _codes(Tenant((_app(owners=None),), ())) == []  # owners not read: no claim


def test_disabled_principal_with_valid_credentials_on_either_side() -> None:
    on_sp = _cred(end_days=100, holder=Holder.SERVICE_PRINCIPAL)
    disabled = PrincipalRecord("s1", "a1", "App One", enabled=False, credentials=(on_sp,))
    assert "disabled-principal-with-valid-credentials" in _codes(Tenant((_app(),), (disabled,)))
    bare = PrincipalRecord("s1", "a1", "App One", enabled=False)
    app_cert = _cred("certificate", end_days=100)
    assert "disabled-principal-with-valid-credentials" in _codes(Tenant((_app(app_cert),), (bare,)))
    assert "disabled-principal-with-valid-credentials" not in _codes(Tenant((_app(),), (bare,)))
    enabled = PrincipalRecord("s1", "a1", "App One", enabled=True, credentials=(on_sp,))
    assert "disabled-principal-with-valid-credentials" not in _codes(Tenant((_app(),), (enabled,)))


def test_errors_come_first() -> None:
    tenant = Tenant((_app(_cred(end_days=200), _cred(end_days=-3), owners=()),), ())
    severities = [f.severity for f in audit(tenant, AuditPolicy(now=NOW))]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)


def test_months_chart_buckets_and_scales() -> None:
    creds = [
        _cred(end_days=-1),
        _cred(end_days=1),
        _cred(end_days=2),
        _cred(end_days=40),
        _cred(end_days=800),
    ]
    rows = months_ahead(creds, NOW, months=3)
    assert rows == [("expired", 1), ("2026-12", 2), ("2027-01", 1), ("2027-02", 0), ("later", 1)]
    lines = chart(rows, width=10)
    assert lines[2] == "2026-12 ########## 2"
    assert lines[3] == "2027-01 ##### 1"
    assert lines[4] == "2027-02  0"


def test_csv_header_rows_and_no_formula_injection() -> None:
    evil = AppRecord("o1", "a1", '=HYPERLINK("x")', owners=())
    text = to_csv(audit(Tenant((evil,), ()), AuditPolicy(now=NOW)))
    header, row = text.splitlines()
    assert header.startswith("severity,code,display_name")
    assert "'=HYPERLINK" in row


def test_table_cuts_long_names_never_messages() -> None:
    long = AppRecord("o1", "a1", "N" * 80, owners=())
    lines = table(audit(Tenant((long,), ()), AuditPolicy(now=NOW)))
    assert lines[2].endswith("the app registration has no owner")
    assert "N" * 40 not in lines[2]
    assert table([]) == ["no findings"]


def test_graph_times_with_seven_fraction_digits() -> None:
    assert parse_time("2026-01-02T03:04:05.1234567Z") == dt.datetime(
        2026, 1, 2, 3, 4, 5, 123456, tzinfo=dt.timezone.utc
    )
    assert parse_time("2026-01-02T03:04:05Z") == dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    assert parse_time("not a date") is None
    assert parse_time(None) is None
