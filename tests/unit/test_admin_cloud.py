"""Which cloud an admin sign-in talks to (scopes' resource, login host), and what each plan asks to sign in for."""

from __future__ import annotations

import argparse

import pytest

from wizard.admin.admin_cloud import admin_cloud
from wizard.admin.clients import steps_for_plan
from wizard.cli.commands.register import register as register_command
from wizard.cli.main import main
from wizard.cli.signin_args import SignInRequest
from wizard.clouds import Cloud
from wizard.errors import UsageError

CLIENT = "11111111-2222-4333-8444-555555555555"


def request(*flags: str) -> SignInRequest:
    parser = argparse.ArgumentParser()
    register_command(parser.add_subparsers())
    return SignInRequest.from_args(parser.parse_args(["register", "plan", "--client-id", CLIENT, *flags]))


@pytest.mark.parametrize(
    ("flags", "resource", "authority"),
    [
        ((), "https://graph.microsoft.com", "https://login.microsoftonline.com/organizations"),
        (
            ("--cloud", "usgov"),
            "https://graph.microsoft.us",
            "https://login.microsoftonline.us/organizations",
        ),
        (
            ("--cloud", "china"),
            "https://microsoftgraph.chinacloudapi.cn",
            "https://login.chinacloudapi.cn/organizations",
        ),
        (
            ("--graph-url", "https://graph.microsoft.us", "--tenant", "contoso.us"),
            "https://graph.microsoft.us",
            "https://login.microsoftonline.us/contoso.us",
        ),
        (
            ("--graph-url", "https://dod-graph.microsoft.us/v1.0"),
            "https://dod-graph.microsoft.us",
            "https://login.microsoftonline.us/organizations",
        ),
        (
            ("--graph-url", "https://microsoftgraph.chinacloudapi.cn"),
            "https://microsoftgraph.chinacloudapi.cn",
            "https://login.chinacloudapi.cn/organizations",
        ),
        (
            ("--authority", "https://login.microsoftonline.us/t1"),
            "https://graph.microsoft.us",
            "https://login.microsoftonline.us/t1",
        ),
        # A sandbox (or proxy) started elsewhere: its URL as given, the explicit authority kept, global Graph.
        (
            ("--graph-url", "https://127.0.0.1:8443", "--authority", "https://127.0.0.1:8443/t1"),
            "https://graph.microsoft.com",
            "https://127.0.0.1:8443/t1",
        ),
    ],
)
def test_scopes_and_authority_follow_the_cloud(flags: tuple[str, ...], resource: str, authority: str) -> None:
    got = request(*flags)
    assert got.scopes == (f"{resource}/User.Read", f"{resource}/Application.Read.All")
    assert got.authority == authority
    assert got.cloud.resource == resource
    assert got.scopes_of(["read", "apply", "consent"])[-2:] == (
        f"{resource}/Application.ReadWrite.All",
        f"{resource}/AppRoleAssignment.ReadWrite.All",
    )


def test_graph_url_defaults_to_the_clouds_graph() -> None:
    assert admin_cloud(cloud="usgov", graph_url=None).graph_url == "https://graph.microsoft.us"
    assert admin_cloud(cloud=None, graph_url=None).cloud is Cloud.GLOBAL


def test_a_cloud_that_contradicts_the_graph_host_is_refused() -> None:
    with pytest.raises(UsageError) as caught:
        request("--cloud", "china", "--graph-url", "https://graph.microsoft.us")
    assert "--cloud usgov" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("steps", "needed"),
    [
        ([("done", "Application.ReadWrite.All"), ("done", "AppRoleAssignment.ReadWrite.All")], ["read"]),
        (
            [("todo", "Application.ReadWrite.All"), ("done", "AppRoleAssignment.ReadWrite.All")],
            ["read", "apply"],
        ),
        ([("todo", "Application.ReadWrite.All")], ["read", "apply"]),
        ([("todo", "AppRoleAssignment.ReadWrite.All")], ["read", "apply", "consent"]),
    ],
)
def test_a_plan_asks_for_write_and_consent_only_when_a_step_needs_them(
    steps: list[tuple[str, str]], needed: list[str]
) -> None:
    assert steps_for_plan(steps) == needed


def test_login_bootstrap_help_is_bootstraps_own(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["login", "bootstrap", "--help"])
    assert done.value.code == 0
    shown = capsys.readouterr().out
    assert shown.startswith("usage: daemon-wizard login bootstrap")
    assert "--no-device-code" in shown and "edw-admin-client" in shown
    assert "--allow-plaintext-cache" not in shown  # login's own flag, which bootstrap does not read
    with pytest.raises(SystemExit):
        main(["login", "--help"])
    assert capsys.readouterr().out.startswith("usage: daemon-wizard login [-h]")


def test_fic_diff_asks_the_login_for_scopes_on_its_clouds_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    """`fic diff --graph-url https://graph.microsoft.us` reads with scopes on that Graph, not the global one."""
    from wizard.cli import admin_session, fic_remote

    Stop = UsageError

    asked: list[tuple[str, ...]] = []

    def login_token(scopes: tuple[str, ...], **_: object) -> object:
        asked.append(tuple(scopes))
        raise Stop("stop here")

    monkeypatch.setattr(admin_session, "login_token", login_token)
    args = argparse.Namespace(graph_url="https://graph.microsoft.us", timeout=5.0, ca_file=None)
    with pytest.raises(Stop), fic_remote.graph_session(args, write=True):
        pass
    assert asked and all(s.startswith("https://graph.microsoft.us/") for s in asked[0])
    assert "https://graph.microsoft.us/Application.ReadWrite.All" in asked[0]
