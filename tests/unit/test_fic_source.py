"""`fic diff` chooses where to read the app's federated credentials: explicit flags first, then the app's own
token when its profile has a secret or certificate, then the admin's sign-in; never a guess without saying."""

from __future__ import annotations

import argparse

import pytest

from wizard.cli.fic_remote import choose_source
from wizard.cli.main import build_parser
from wizard.errors import UsageError

TENANT = [
    "--tenant",
    "7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001",
    "--client-id",
    "c0c0a000-0086-4000-a000-00000000c11e",
]


def _args(*argv: str) -> argparse.Namespace:
    return build_parser("fic").parse_args(["fic", "diff", "--token-file", "t.jwt", *argv])


def test_a_file_is_read_as_given() -> None:
    source = choose_source(_args("--credentials", "fics.json", *TENANT))
    assert (source.kind, source.path) == ("file", "fics.json")
    assert "the file fics.json" in source.describe()


def test_app_id_alone_is_the_admin_sign_in() -> None:
    source = choose_source(_args("--app-id", "abc"))
    assert (source.kind, source.app_id) == ("admin", "abc")


def test_a_profile_with_a_secret_reads_with_the_apps_own_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", "Abc8Q~not-a-real-secret-0123456789abcdefgh")
    source = choose_source(_args(*TENANT))
    assert source.kind == "app" and source.app_id == TENANT[3]
    assert "the app's own token (its secret)" in source.describe()
    # --fix writes, which needs the admin: the same profile then goes through the sign-in.
    assert choose_source(_args(*TENANT, "--fix")).kind == "admin"


def test_as_app_reads_another_apps_credentials_with_this_apps_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", "Abc8Q~not-a-real-secret-0123456789abcdefgh")
    source = choose_source(_args(*TENANT, "--as-app", "--app-id", "other"))
    assert (source.kind, source.app_id) == ("app", "other")
    assert source.profile is not None and source.profile.client_id == TENANT[3]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        ((), "Say where"),
        (("--credentials", "f.json", "--app-id", "x"), "drop --app-id"),
        (("--as-app", "--fix", *TENANT), "Drop --as-app"),
        (("--as-app", "--no-prompt", *TENANT), "needs the app's secret or certificate"),
        (("--no-prompt", *TENANT), "no client secret was given"),
    ],
)
def test_what_cannot_work_is_a_usage_error(argv: tuple[str, ...], says: str) -> None:
    with pytest.raises(UsageError) as caught:
        choose_source(_args(*argv))
    assert says in caught.value.title
