"""Build the subject an issuer will present from its parts, as the TUI's Federated tab asks for them.

GitHub Actions: `repo:{owner}/{repo}:environment:{name}`, `...:ref:refs/heads/{branch}`,
`...:ref:refs/tags/{tag}` or `...:pull_request`, with `owner@{id}/repo@{id}` for immutable subjects.
Kubernetes: `system:serviceaccount:{namespace}:{service account}`. GitLab:
`project_path:{group/project}:ref_type:{branch|tag}:ref:{ref}`. Terraform Cloud:
`organization:{org}:project:{project}:workspace:{workspace}:run_phase:{plan|apply}`. Any other OIDC issuer:
the subject as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wizard.federated.external import GITHUB_ISSUER, IssuerKind

#: The issuer kinds the tab offers, with the parts each asks for (name, label).
PARTS: dict[IssuerKind, tuple[tuple[str, str], ...]] = {
    IssuerKind.GITHUB: (
        ("repository", "Repository (owner/name)"),
        ("entity", "Entity: environment, branch, tag or pull_request"),
        ("value", "Environment, branch or tag name"),
        ("owner_id", "Owner ID (immutable subjects; optional)"),
        ("repo_id", "Repository ID (immutable subjects; optional)"),
    ),
    IssuerKind.KUBERNETES: (("namespace", "Namespace"), ("service_account", "Service account")),
    IssuerKind.GITLAB: (
        ("project_path", "Project path (group/project)"),
        ("ref_type", "Ref type: branch or tag"),
        ("ref", "Branch or tag name"),
    ),
    IssuerKind.TERRAFORM: (
        ("organization", "Organization"),
        ("project", "Project"),
        ("workspace", "Workspace"),
        ("run_phase", "Run phase: plan or apply"),
    ),
    IssuerKind.OTHER: (("subject", "Subject, exactly as the issuer presents it"),),
}
DEFAULT_ISSUERS = {
    IssuerKind.GITHUB: GITHUB_ISSUER,
    IssuerKind.GITLAB: "https://gitlab.com",
    IssuerKind.TERRAFORM: "https://app.terraform.io",
}
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_K8S = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


@dataclass(frozen=True)
class BuiltSubject:
    """The subject (empty when parts are missing) and what is wrong or missing, part by part."""

    subject: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.subject) and not self.problems


def _github(p: dict[str, str]) -> BuiltSubject:
    repo, entity, value = p.get("repository", ""), p.get("entity", "").lower(), p.get("value", "")
    problems = []
    if not _REPO.match(repo):
        problems.append("the repository is owner/name, e.g. contoso/daemon")
    if entity not in ("environment", "branch", "tag", "pull_request"):
        problems.append("the entity is environment, branch, tag or pull_request")
    if entity != "pull_request" and entity and not value:
        problems.append(f"name the {entity}")
    owner_id, repo_id = p.get("owner_id", ""), p.get("repo_id", "")
    if bool(owner_id) != bool(repo_id) or any(x and not x.isdigit() for x in (owner_id, repo_id)):
        problems.append("an immutable subject needs both numeric IDs (or neither)")
    if problems:
        return BuiltSubject("", problems)
    owner, name = repo.split("/", 1)
    prefix = f"repo:{owner}@{owner_id}/{name}@{repo_id}" if owner_id else f"repo:{owner}/{name}"
    context = {
        "environment": f"environment:{value}",
        "branch": f"ref:refs/heads/{value}",
        "tag": f"ref:refs/tags/{value}",
        "pull_request": "pull_request",
    }[entity]
    return BuiltSubject(f"{prefix}:{context}")


def build_subject(kind: IssuerKind, parts: dict[str, str]) -> BuiltSubject:
    """The subject of `kind` from `parts` (stripped), or the problems that keep it from being built."""
    p = {k: v.strip() for k, v in parts.items()}
    if kind is IssuerKind.GITHUB:
        return _github(p)
    if kind is IssuerKind.KUBERNETES:
        ns, sa = p.get("namespace", ""), p.get("service_account", "")
        bad = [label for label, v in (("namespace", ns), ("service account", sa)) if not _K8S.match(v)]
        if bad:
            return BuiltSubject("", [f"the {b} is lower-case letters, digits and '-'" for b in bad])
        return BuiltSubject(f"system:serviceaccount:{ns}:{sa}")
    if kind is IssuerKind.GITLAB:
        ref_type = p.get("ref_type", "branch") or "branch"
        if not p.get("project_path") or not p.get("ref") or ref_type not in ("branch", "tag"):
            return BuiltSubject("", ["give the project path, branch or tag, and the ref"])
        return BuiltSubject(f"project_path:{p['project_path']}:ref_type:{ref_type}:ref:{p['ref']}")
    if kind is IssuerKind.TERRAFORM:
        names = ("organization", "project", "workspace", "run_phase")
        if not all(p.get(n) for n in names) or p["run_phase"] not in ("plan", "apply"):
            return BuiltSubject(
                "", ["give the organization, project, workspace and run phase (plan or apply)"]
            )
        return BuiltSubject(":".join(f"{n}:{p[n]}" for n in names))
    subject = p.get("subject", "")
    return BuiltSubject(subject, [] if subject else ["type the subject"])
