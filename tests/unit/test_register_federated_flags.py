"""`register plan | apply --credential federated`: the flags that make the credential, refused before any
sign-in when they do not add up (exit 2, a clear message, no traceback)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from wizard.cli.federated_args import federated_request
from wizard.cli.main import main
from wizard.errors import UsageError


def _args(**given: object) -> argparse.Namespace:
    defaults: dict[str, object] = {
        "credential": "federated",
        "graph_url": "https://graph.microsoft.com",
        "federated_issuer": None,
        "federated_subject": None,
        "federated_audience": None,
        "federated_name": None,
        "repo": None,
        "environment": None,
        "branch": None,
        "tag": None,
        "pull_request": False,
        "owner_id": None,
        "repo_id": None,
        "workflow": None,
        "job": None,
        "event": None,
        "namespace": None,
        "service_account": None,
    }
    return argparse.Namespace(**{**defaults, **given})


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--credential", "federated"], "needs the subject"),
        (["--federated-subject", "s"], "--federated-subject goes with --credential federated"),
        (["--credential", "federated", "--namespace", "ns"], "both --namespace and --service-account"),
        (["--credential", "federated", "--repo", "contoso/app"], "one of --environment"),
        (["--credential", "federated", "--federated-subject", "s"], "needs --federated-issuer"),
        (
            ["--credential", "federated", "--namespace", "n", "--service-account", "s", "--rotate"],
            "--rotate goes",
        ),
        (
            ["--credential", "federated", "--federated-subject", "s", "--federated-issuer", "http://x"],
            "https://",
        ),
    ],
)
def test_bad_federated_flags_are_usage_errors(
    argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["register", "plan", "--name", "edw-x", *argv])
    err = capsys.readouterr().err
    assert code == 2 and words in err and "Traceback" not in err


def test_github_parts_build_the_subject_the_issuer_and_a_valid_name() -> None:
    wanted = federated_request(_args(repo="contoso/app", environment="production"))
    assert wanted is not None
    assert wanted.subject == "repo:contoso/app:environment:production"
    assert wanted.issuer == "https://token.actions.githubusercontent.com"
    assert wanted.audience == "api://AzureADTokenExchange"
    assert wanted.name == "repo-contoso-app-environment-production"


def test_kubernetes_parts_and_the_audience_of_the_cloud() -> None:
    wanted = federated_request(
        _args(
            namespace="daemons",
            service_account="reader",
            federated_issuer="https://eastus.oic.prod-aks.azure.com/t/g/",
            graph_url="https://graph.microsoft.us",
        )
    )
    assert wanted is not None
    assert (wanted.subject, wanted.audience) == (
        "system:serviceaccount:daemons:reader",
        "api://AzureADTokenExchangeUSGov",
    )


def test_a_workflow_with_two_subjects_asks_which(tmp_path: Path) -> None:
    workflow = tmp_path / "ci.yml"
    workflow.write_text(
        "on:\n  push:\n    branches: [main]\n  pull_request:\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
    )
    with pytest.raises(UsageError, match="2 subjects"):
        federated_request(_args(repo="contoso/app", workflow=str(workflow), job="deploy"))
    one = federated_request(_args(repo="contoso/app", workflow=str(workflow), job="deploy", event="push"))
    assert one is not None and one.subject == "repo:contoso/app:ref:refs/heads/main"


def test_the_human_report_names_the_credential_the_authority_and_how_to_prove_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from wizard.admin.apply import ApplyResult
    from wizard.cli.commands.register_apply import _report

    result = ApplyResult(
        client_id="c",
        tenant_id="t",
        federated_credential={"name": "prod", "issuer": "https://i", "subject": "repo:o/r:environment:prod"},
        tenant_type="external",
        authority="https://fabrikamext.ciamlogin.com/fabrikamext.onmicrosoft.com",
        prove_with="daemon-wizard token --tenant t --client-id c --federated-token-file PATH",
    )
    assert _report(result, as_json=False) == 0
    out = capsys.readouterr().out
    assert "federated:  prod (issuer https://i, subject repo:o/r:environment:prod)" in out
    assert "authority:  https://fabrikamext.ciamlogin.com/fabrikamext.onmicrosoft.com (external)" in out
    assert "to prove:   daemon-wizard token --tenant t --client-id c" in out
