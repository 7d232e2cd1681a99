"""The federated-credential diff and the subject predictions, character by character."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.errors import UsageError
from wizard.federated import Credential, credentials_from_json, diff, from_claims
from wizard.federated.external import IssuerKind
from wizard.federated.subjects import Repository, predict_github, predict_kubernetes

GH = "https://token.actions.githubusercontent.com"
AUD = ("api://AzureADTokenExchange",)


def token(sub: str, iss: str = GH, aud: str = AUD[0]) -> object:
    return from_claims({"iss": iss, "sub": sub, "aud": aud})


def test_github_subject_parts() -> None:
    t = from_claims({"iss": GH, "sub": "repo:contoso@11/app@22:environment:prod", "aud": AUD[0]})
    assert t.kind is IssuerKind.GITHUB
    assert t.parts == {
        "owner": "contoso",
        "owner_id": "11",
        "repo": "app",
        "repo_id": "22",
        "entity": "environment",
        "environment": "prod",
        "immutable": "yes",
    }


@pytest.mark.parametrize(
    ("presented", "expected", "kind"),
    [
        ("repo:contoso/app:ref:refs/heads/main", "repo:Contoso/app:ref:refs/heads/main", "case"),
        ("repo:contoso@1/app@2:ref:refs/heads/main", "repo:contoso/app:ref:refs/heads/main", "immutable-id"),
        ("repo:contoso/app:ref:refs/heads/main", "repo:contoso@1/app@2:ref:refs/heads/main", "immutable-id"),
        ("repo:contoso/app:environment:prod", "repo:contoso/app:ref:refs/heads/main", "entity-type"),
        ("repo:contoso/app:ref:refs/heads/dev", "repo:contoso/app:ref:refs/heads/main", "value"),
    ],
)
def test_subject_difference_kinds(presented: str, expected: str, kind: str) -> None:
    result = diff(token(presented), [Credential("c", GH, expected, AUD)])  # type: ignore[arg-type]
    assert not result.matched
    (only,) = result.closest.differences  # type: ignore[union-attr]
    assert (only.field, only.kind) == ("subject", kind)
    assert result.suggested is not None
    assert result.suggested.subject == presented


def test_issuer_trailing_slash_and_closest_first() -> None:
    iss = "https://oidc.example.com/"
    creds = [
        Credential("far", "https://other.example.com", "system:serviceaccount:x:y", AUD),
        Credential("near", "https://oidc.example.com", "system:serviceaccount:a:b", AUD),
    ]
    result = diff(token("system:serviceaccount:a:b", iss=iss), creds)  # type: ignore[arg-type]
    assert result.closest is not None
    assert result.closest.credential.name == "near"
    assert [d.kind for d in result.closest.differences] == ["trailing-slash"]
    assert result.codes == ("federated-issuer-mismatch",)


def test_exact_match_and_no_credentials() -> None:
    ok = diff(token("repo:a/b:pull_request"), [Credential("pr", GH, "repo:a/b:pull_request", AUD)])  # type: ignore[arg-type]
    assert ok.matched
    assert ok.suggested is None
    none = diff(token("repo:a/b:pull_request"), [])  # type: ignore[arg-type]
    assert none.codes == ("federated-no-credential",)
    assert none.suggested is not None
    assert none.suggested.audiences == AUD


def test_credentials_from_az_and_graph_json() -> None:
    item = {"name": "n", "issuer": GH, "subject": "s", "audiences": list(AUD)}
    assert (
        credentials_from_json([item])
        == credentials_from_json({"value": [item]})
        == credentials_from_json(item)
    )
    assert credentials_from_json("nonsense") == []


WORKFLOW = """
name: deploy
on:
  push:
    branches: [release]
  pull_request:
jobs:
  build:
    runs-on: ubuntu-latest
  ship:
    environment:
      name: production
    runs-on: ubuntu-latest
"""


def test_predict_github_subjects(tmp_path: Path) -> None:
    wf = tmp_path / "deploy.yml"
    wf.write_text(WORKFLOW, encoding="utf-8")
    repo = Repository("contoso/app")
    build = {p.event: p.subject for p in predict_github(wf, job="build", repo=repo)}
    assert build == {
        "push": "repo:contoso/app:ref:refs/heads/release",
        "pull_request": "repo:contoso/app:pull_request",
    }
    ship = predict_github(wf, job="ship", repo=repo)
    assert {p.subject for p in ship} == {"repo:contoso/app:environment:production"}
    immutable = Repository("contoso/app", owner_id="1", repo_id="2", immutable=True)
    (one,) = predict_github(wf, job="ship", repo=immutable, event="push")
    assert one.subject == "repo:contoso@1/app@2:environment:production"
    custom = Repository("contoso/app", claim_keys=("repo", "context", "job_workflow_ref"))
    (c,) = predict_github(wf, job="build", repo=custom, event="push", ref="refs/tags/v1")
    assert c.subject == (
        "repo:contoso/app:ref:refs/tags/v1:job_workflow_ref:contoso/app/.github/workflows/deploy.yml@<ref>"
    )


def test_predict_github_bad_input(tmp_path: Path) -> None:
    wf = tmp_path / "w.yml"
    wf.write_text("jobs: [\n", encoding="utf-8")
    with pytest.raises(UsageError, match="line"):
        predict_github(wf, job="x", repo=Repository("a/b"))
    wf.write_text(WORKFLOW, encoding="utf-8")
    with pytest.raises(UsageError, match="no job 'nope'"):
        predict_github(wf, job="nope", repo=Repository("a/b"))
    with pytest.raises(UsageError):
        Repository("not a repo")
    with pytest.raises(UsageError, match="IDs"):
        Repository("a/b", immutable=True)


def test_predict_kubernetes() -> None:
    assert predict_kubernetes(namespace="jobs", service_account="runner").subject == (
        "system:serviceaccount:jobs:runner"
    )
    with pytest.raises(UsageError):
        predict_kubernetes(namespace="Jobs", service_account="runner")


def test_spelling_is_an_edit_another_subject_is_a_new_credential() -> None:
    case = diff(
        token("repo:a/b:ref:refs/heads/main"), [Credential("main", GH, "repo:A/b:ref:refs/heads/main", AUD)]
    )  # type: ignore[arg-type]
    assert case.edit
    assert case.suggested is not None
    assert case.suggested.name == "main"
    other = diff(
        token("repo:a/b:pull_request"), [Credential("main", GH, "repo:a/b:ref:refs/heads/main", AUD)]
    )  # type: ignore[arg-type]
    assert not other.edit
    assert other.suggested is not None
    assert other.suggested.name == "a-b-pull_request"
    assert other.to_dict()["suggestion"] == "add"
