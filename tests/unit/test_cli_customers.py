"""`daemon-wizard customers`: bad input is exit 2 with a message, the book never holds a secret, the consent URL
is the v2.0 form with a one-use state, and `export` writes one config per customer tenant."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from wizard.cli.main import main
from wizard.customers import (
    CustomerBook,
    book_path,
    consent_url,
    parse_answer,
    record_answer,
    request_consent,
)
from wizard.profile import Profile
from wizard.profile_store import save_profile

HOME = "7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001"
CUSTOMER = "4b0c9e1d-2f3a-4c5d-8e6f-0c0ffee00003"
CLIENT = "c0c0a000-0031-4000-a000-00000000c11e"


@pytest.fixture
def isv() -> Profile:
    profile = Profile(name="isv", tenant=HOME, client_id=CLIENT)
    save_profile(profile)
    return profile


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    got = capsys.readouterr()
    return code, got.out, got.err


@pytest.mark.parametrize(
    ("tenant", "message"),
    [
        ("common", "not a customer's tenant"),
        ("organizations", "not a customer's tenant"),
        ("not a tenant", "neither a tenant ID nor a domain"),
        ("../../etc", "neither a tenant ID nor a domain"),
        (HOME, "home tenant"),
    ],
)
def test_add_refuses_what_is_no_customer(
    isv: Profile, capsys: pytest.CaptureFixture[str], tenant: str, message: str
) -> None:
    code, _, err = _run(capsys, "customers", "add", tenant, "--profile", "isv")
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_add_twice_list_and_remove(isv: Profile, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "customers", "add", "Fabrikam.onmicrosoft.com", "--profile", "isv")[0] == 0
    code, _, err = _run(capsys, "customers", "add", "fabrikam.onmicrosoft.com", "--profile", "isv")
    assert code == 2 and "already a customer" in err
    code, out, _ = _run(capsys, "customers", "list", "--profile", "isv", "--json")
    doc = json.loads(out)
    assert doc["home_tenant"] == HOME
    assert [c["tenant"] for c in doc["customers"]] == ["fabrikam.onmicrosoft.com"]
    assert doc["customers"][0]["consent_url"].startswith(
        f"https://login.microsoftonline.com/fabrikam.onmicrosoft.com/v2.0/adminconsent?client_id={CLIENT}"
    )
    assert _run(capsys, "customers", "remove", "fabrikam.onmicrosoft.com", "--profile", "isv")[0] == 0
    assert json.loads(_run(capsys, "customers", "list", "--profile", "isv", "--json")[1])["customers"] == []


def test_unknown_profile_and_empty_book_are_usage_errors(
    isv: Profile, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "customers", "list", "--profile", "nobody")[0] == 2
    code, _, err = _run(
        capsys, "customers", "export", "--profile", "isv", "--format", "python-secret", "--out", "x"
    )
    assert code == 2 and "no customers yet" in err
    code, _, err = _run(
        capsys, "customers", "consent", "--profile", "isv", "--redirect-url", "http://localhost/?x=1"
    )
    assert code == 2 and "no state" in err


def test_the_consent_url_is_the_v2_form_with_an_unguessable_one_use_state(isv: Profile) -> None:
    book = CustomerBook(profile="isv", home_tenant=HOME).add(CUSTOMER)
    book, first = request_consent(book, CUSTOMER)
    book, second = request_consent(book, CUSTOMER)
    assert first.state and second.state and first.state != second.state
    assert len(second.state) >= 32
    url = urlsplit(consent_url(isv, second, redirect_uri="http://localhost:8400/"))
    assert (
        f"{url.scheme}://{url.netloc}{url.path}"
        == f"https://login.microsoftonline.com/{CUSTOMER}/v2.0/adminconsent"
    )
    assert parse_qs(url.query) == {
        "client_id": [CLIENT],
        "scope": ["https://graph.microsoft.com/.default"],
        "redirect_uri": ["http://localhost:8400/"],
        "state": [second.state],
    }
    from wizard.errors import UsageError

    with pytest.raises(UsageError):  # the superseded state no longer maps to anyone
        record_answer(
            book, parse_answer(f"http://localhost/?admin_consent=True&tenant={CUSTOMER}&state={first.state}")
        )
    with pytest.raises(UsageError, match="another tenant"):
        record_answer(book, parse_answer(f"?admin_consent=True&tenant={HOME}&state={second.state}"))
    book, done = record_answer(
        book, parse_answer(f"?admin_consent=True&tenant={CUSTOMER}&state={second.state}")
    )
    assert done.consent.value == "consented" and done.state is None


def test_a_domain_customer_learns_its_tenant_id_from_the_answer(isv: Profile) -> None:
    book = CustomerBook(profile="isv", home_tenant=HOME).add("northwind.example")
    book, pending = request_consent(book, "northwind.example")
    book, done = record_answer(
        book, parse_answer(f"?admin_consent=True&tenant={CUSTOMER}&state={pending.state}")
    )
    assert done.tenant_id == CUSTOMER
    assert book.find(CUSTOMER) is done


def test_export_writes_one_config_per_customer_with_its_tenant(
    isv: Profile, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    canary = "Cnry8Q~isv-secret-never-in-the-book-0123456789"
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", canary)
    for tenant in (CUSTOMER, "fabrikam.onmicrosoft.com"):
        assert _run(capsys, "customers", "add", tenant, "--profile", "isv")[0] == 0
    code, out, _ = _run(
        capsys,
        "customers",
        "export",
        "--profile",
        "isv",
        "--format",
        "python-secret",
        "--out",
        str(tmp_path),
        "--json",
    )
    assert code == 0, out
    files = json.loads(out)["files"]
    assert [f["tenant"] for f in files] == [CUSTOMER, "fabrikam.onmicrosoft.com"]
    for item in files:
        config = json.loads(Path(item["path"]).read_text())
        assert config["authority"] == f"https://login.microsoftonline.com/{item['tenant']}"
        assert config["client_id"] == CLIENT
    assert canary not in book_path("isv").read_text()
    assert canary not in out
