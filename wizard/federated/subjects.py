"""Predict the subject an issuer will present: GitHub Actions from a workflow file and a job, Kubernetes from
a namespace and a service account.

GitHub's default subject (docs: "Example subject claims"): `repo:{owner}/{repo}:environment:{name}` when the
job names an environment; else `...:pull_request` for a pull_request run; else `...:ref:{git ref}`. A
repository may customise the template (`include_claim_keys`) and use the immutable form
`repo:{owner}@{owner_id}/{repo}@{repo_id}:...`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.errors import UsageError

_EXPR = re.compile(r"\$\{\{.*?\}\}")
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class Repository:
    """The repository the workflow runs in, and its OIDC subject settings."""

    full_name: str
    owner_id: str | None = None
    repo_id: str | None = None
    immutable: bool = False
    #: `include_claim_keys` of a customised template; None for the default template.
    claim_keys: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if not _REPO.match(self.full_name):
            raise UsageError(
                f"'{self.full_name}' is not an owner/repository name", hint="For example: contoso/app"
            )
        if self.immutable and not (self.owner_id and self.repo_id):
            raise UsageError(
                "Immutable subjects need the owner and repository IDs",
                hint="Give --owner-id and --repo-id (gh api repos/OWNER/REPO --jq '.owner.id, .id').",
            )

    def prefix(self) -> str:
        owner, repo = self.full_name.split("/", 1)
        if self.immutable:
            return f"repo:{owner}@{self.owner_id}/{repo}@{self.repo_id}"
        return f"repo:{owner}/{repo}"


@dataclass(frozen=True)
class Prediction:
    """One subject the job will present, for one trigger, and why."""

    event: str
    subject: str
    reason: str
    certain: bool = True
    claims: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"event": self.event, "subject": self.subject, "reason": self.reason, "certain": self.certain}


def _load_workflow(path: Path) -> dict[str, Any]:
    import yaml  # lazily: only `fic subject` needs it

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"Cannot read the workflow file {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise UsageError(f"{path} is not valid YAML{where}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), dict):
        raise UsageError(f"{path} is not a GitHub Actions workflow (no jobs:)")
    return data


def _events(data: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as the boolean True.
    raw = data.get("on", data.get(True))
    if isinstance(raw, str):
        return {raw: None}
    if isinstance(raw, list):
        return {str(e): None for e in raw}
    if isinstance(raw, dict):
        return {str(k): v for k, v in raw.items()}
    return {}


def _environment(job: dict[str, Any]) -> str | None:
    env = job.get("environment")
    if isinstance(env, dict):
        env = env.get("name")
    return str(env) if env not in (None, "") else None


def _branch_for(event: str, spec: Any, ref: str | None) -> tuple[str, bool, str]:
    """The git ref a run of this event will carry: the one given, else the first literal branch filter."""
    if ref:
        return ref, True, f"ref {ref} (given)"
    branches = spec.get("branches") if isinstance(spec, dict) else None
    tags = spec.get("tags") if isinstance(spec, dict) else None
    for items, prefix in ((branches, "refs/heads/"), (tags, "refs/tags/")):
        if isinstance(items, list):
            literal = next((str(b) for b in items if not any(c in str(b) for c in "*?[!")), None)
            if literal:
                return prefix + literal, len(items) == 1, f"the {event} filter names {literal}"
    return "refs/heads/main", False, "no literal branch filter: the default branch, assumed main (give --ref)"


def _with_template(repo: Repository, context: str, claims: dict[str, str]) -> str:
    if repo.claim_keys is None:
        return f"{repo.prefix()}:{context}"
    # `context` stands for itself (environment:x, pull_request or ref:...), every other key as key:value.
    values = {**claims, "repo": repo.prefix().removeprefix("repo:")}
    return ":".join(
        context if key == "context" else f"{key}:{values.get(key, '<' + key + '>')}"
        for key in repo.claim_keys
    )


def predict_github(
    workflow: Path, *, job: str, repo: Repository, event: str | None = None, ref: str | None = None
) -> list[Prediction]:
    """The subject(s) `job` of `workflow` will present, one per trigger (or for the one asked)."""
    data = _load_workflow(workflow)
    jobs: dict[str, Any] = data["jobs"]
    if job not in jobs or not isinstance(jobs[job], dict):
        raise UsageError(f"The workflow has no job '{job}'", hint="Jobs: " + ", ".join(map(str, jobs)))
    spec = jobs[job]
    events = _events(data)
    if event is not None:
        events = {event: events.get(event)}
    if not events:
        raise UsageError(f"{workflow} has no triggers (on:)")
    owner = repo.full_name.split("/", 1)[0]
    name = Path(workflow).name
    claims = {
        "repository_owner": owner,
        "repository": repo.full_name,
        "workflow": str(data.get("name") or name),
        "job_workflow_ref": f"{repo.full_name}/.github/workflows/{name}@<ref>",
        "repository_id": repo.repo_id or "<repository_id>",
        "repository_owner_id": repo.owner_id or "<repository_owner_id>",
    }
    out: list[Prediction] = []
    environment = _environment(spec)
    for trigger, trigger_spec in events.items():
        claims_here = dict(claims, event_name=trigger)
        if environment is not None:
            certain = not _EXPR.search(environment)
            context = f"environment:{environment}"
            reason = "the job names an environment, which wins over the ref and the event"
            if not certain:
                reason += " (an expression: the subject is the value it evaluates to)"
            claims_here["environment"] = environment
            out.append(
                Prediction(trigger, _with_template(repo, context, claims_here), reason, certain, claims_here)
            )
            continue
        if trigger == "pull_request":
            out.append(
                Prediction(
                    trigger,
                    _with_template(repo, "pull_request", claims_here),
                    "a pull_request run without an environment",
                    True,
                    claims_here,
                )
            )
            continue
        git_ref, certain, reason = _branch_for(trigger, trigger_spec, ref)
        claims_here.update(ref=git_ref, ref_type="tag" if git_ref.startswith("refs/tags/") else "branch")
        out.append(
            Prediction(
                trigger, _with_template(repo, f"ref:{git_ref}", claims_here), reason, certain, claims_here
            )
        )
    return out


_K8S_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def predict_kubernetes(*, namespace: str, service_account: str) -> Prediction:
    """`system:serviceaccount:{namespace}:{service account}`, with both names checked as Kubernetes does."""
    for label, value in (("namespace", namespace), ("service account", service_account)):
        if not _K8S_NAME.match(value) or len(value) > 253:
            raise UsageError(
                f"'{value}' is not a valid Kubernetes {label} name", hint="lower-case letters, digits, '-'"
            )
    return Prediction(
        "kubernetes",
        f"system:serviceaccount:{namespace}:{service_account}",
        "projected service-account tokens carry this subject; the pod needs the label "
        'azure.workload.identity/use: "true" and the service account the client-id annotation',
    )
