"""`register plan | apply --credential federated`: the federated credential's flags, and the request they
make. The subject is given whole (`--federated-subject`) or built from its parts as `fic subject` does:
GitHub Actions (`--repo` with `--environment`, `--branch`, `--tag` or `--pull-request`, or a `--workflow` and
`--job` to predict from), Kubernetes (`--namespace`, `--service-account`)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from wizard.errors import UsageError

if TYPE_CHECKING:
    from wizard.admin.plan_federated import FederatedRequest

_FLAGS = (
    "federated_issuer",
    "federated_subject",
    "federated_audience",
    "federated_name",
    "repo",
    "environment",
    "branch",
    "tag",
    "pull_request",
    "workflow",
    "namespace",
    "service_account",
)


def add_federated_arguments(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("with --credential federated (workload identity federation)")
    g.add_argument("--federated-issuer", metavar="URL", help="the external token's issuer (`iss`), exactly")
    g.add_argument("--federated-subject", metavar="SUB", help="the external token's subject (`sub`), exactly")
    g.add_argument(
        "--federated-audience",
        metavar="AUD",
        help="default per cloud: api://AzureADTokenExchange (...USGov...)",
    )
    g.add_argument(
        "--federated-name", metavar="NAME", help="the credential's name (default: from the subject)"
    )
    g.add_argument("--repo", metavar="OWNER/REPO", help="GitHub Actions: the repository the workflow runs in")
    g.add_argument("--environment", metavar="NAME", help="GitHub Actions: the job's environment")
    g.add_argument("--branch", metavar="NAME", help="GitHub Actions: the branch of the run")
    g.add_argument("--tag", metavar="NAME", help="GitHub Actions: the tag of the run")
    g.add_argument("--pull-request", action="store_true", help="GitHub Actions: pull request runs")
    g.add_argument("--owner-id", metavar="ID", help="GitHub immutable subjects: the owner's numeric ID")
    g.add_argument("--repo-id", metavar="ID", help="GitHub immutable subjects: the repository's numeric ID")
    g.add_argument(
        "--workflow", metavar="FILE", help="GitHub Actions: predict the subject from this workflow"
    )
    g.add_argument("--job", metavar="NAME", help="with --workflow: the job")
    g.add_argument("--event", metavar="EVENT", help="with --workflow: only this trigger")
    g.add_argument("--namespace", metavar="NS", help="Kubernetes: the service account's namespace")
    g.add_argument("--service-account", metavar="NAME", help="Kubernetes: the service account")
    from wizard.cli.profile_args import add_federated_arguments as add_token_arguments

    add_token_arguments(g)  # the proof's external token, defined once with the live commands


def _github_subject(args: argparse.Namespace) -> str:
    from wizard.federated.external import IssuerKind
    from wizard.federated.subject_builder import build_subject

    if args.workflow:
        return _predicted(args)
    chosen = [
        (entity, value)
        for entity, value in (
            ("environment", args.environment),
            ("branch", args.branch),
            ("tag", args.tag),
            ("pull_request", "" if args.pull_request else None),
        )
        if value is not None
    ]
    if len(chosen) != 1:
        raise UsageError(
            "With --repo, say what the job's token names: one of --environment, --branch, --tag, --pull-request",
            hint="A job that names an environment presents environment:NAME whatever its branch.",
        )
    entity, value = chosen[0]
    parts = {"repository": args.repo, "entity": entity, "value": value or ""}
    parts.update(owner_id=args.owner_id or "", repo_id=args.repo_id or "")
    built = build_subject(IssuerKind.GITHUB, parts)
    if not built.ok:
        raise UsageError("The GitHub subject cannot be built: " + "; ".join(built.problems))
    return built.subject


def _predicted(args: argparse.Namespace) -> str:
    from wizard.federated.subjects import Repository, predict_github

    if not args.job:
        raise UsageError("--workflow needs --job NAME")
    immutable = bool(args.owner_id and args.repo_id)
    repo = Repository(args.repo, owner_id=args.owner_id, repo_id=args.repo_id, immutable=immutable)
    predictions = predict_github(Path(args.workflow), job=args.job, repo=repo, event=args.event)
    subjects = sorted({p.subject for p in predictions})
    if len(subjects) != 1:
        raise UsageError(
            f"The job presents {len(subjects)} subjects, one per trigger: {', '.join(subjects)}",
            hint="Pick one with --event, or give --federated-subject.",
        )
    return subjects[0]


def _subject(args: argparse.Namespace) -> tuple[str, str | None]:
    """(the subject, the issuer its parts imply, if any)."""
    from wizard.federated.external import GITHUB_ISSUER

    if args.federated_subject:
        return args.federated_subject, None
    if args.repo:
        return _github_subject(args), GITHUB_ISSUER
    if args.namespace or args.service_account:
        from wizard.federated.subjects import predict_kubernetes

        if not (args.namespace and args.service_account):
            raise UsageError("Kubernetes needs both --namespace and --service-account")
        return predict_kubernetes(
            namespace=args.namespace, service_account=args.service_account
        ).subject, None
    raise UsageError(
        "--credential federated needs the subject",
        hint="--federated-subject SUB, or --repo OWNER/REPO --environment NAME (GitHub Actions), or "
        "--namespace NS --service-account NAME (Kubernetes).",
    )


def federated_request(args: argparse.Namespace) -> FederatedRequest | None:
    """The credential the flags describe; None without --credential federated (whose flags are then refused)."""
    from wizard.admin.plan_federated import FederatedRequest, audience_for
    from wizard.clouds import cloud_for_graph_host

    if args.credential != "federated":
        given = [f for f in _FLAGS if getattr(args, f, None)]
        if given:
            raise UsageError(f"--{given[0].replace('_', '-')} goes with --credential federated")
        return None
    subject, implied = _subject(args)
    issuer = args.federated_issuer or implied
    if not issuer:
        raise UsageError(
            "--credential federated needs --federated-issuer URL",
            hint="Exactly as the token's `iss` says; an AKS issuer ends with '/'.",
        )
    cloud = cloud_for_graph_host(urlsplit(args.graph_url).hostname or "")
    return FederatedRequest(
        issuer=issuer,
        subject=subject,
        audience=args.federated_audience or audience_for(cloud),
        name=args.federated_name or "",
    )


def token_source(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """The proof's external token: --federated-token-file (or AZURE_FEDERATED_TOKEN_FILE), or the command."""
    if args.federated_token_file and args.federated_token_command:
        raise UsageError("Give --federated-token-file or --federated-token-command, not both")
    if args.federated_token_command:
        return None, args.federated_token_command
    return args.federated_token_file or os.environ.get("AZURE_FEDERATED_TOKEN_FILE") or None, None
