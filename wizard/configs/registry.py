"""The formats, and exporting or importing through them safely (atomic, 0600, backups, diff preview)."""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from wizard.clouds import TenantType
from wizard.configs import azure_identity, dotnet, federated_exports, java, node, profile_toml, python_daemon
from wizard.configs.common import ExportResult, ImportReport, RenderContext, Rendering
from wizard.configs.detect import detect_text, read_text
from wizard.configs.textformats import load_jsonc
from wizard.errors import ConfigFileError, FileExistsRefusal, UsageError, ValidationError, WizardError
from wizard.gitcheck import git_exposure
from wizard.profile import ApiKind, CredentialKind, Profile
from wizard.redact import mask_config_text
from wizard.safe_write import WrittenFile, write_atomic
from wizard.secret import Secret

_BASE = frozenset({"tenant_type", "cloud", "tenant", "client_id", "credential", "authority_override"})
_ALL_TENANTS = frozenset(TenantType)
_ALL_APIS = frozenset(ApiKind)


@dataclass(frozen=True)
class ConfigFormat:
    """One config format: how to write it, how to read it back, and which profiles it fits."""

    name: str
    title: str
    filename: str
    render: Callable[[Profile, Secret | None, RenderContext], Rendering]
    parse: Callable[[str], ImportReport]
    secret_bearing: bool
    credential: CredentialKind | None
    tenant_types: frozenset[TenantType] = _ALL_TENANTS
    api_kinds: frozenset[ApiKind] = _ALL_APIS
    #: Profile fields that survive export → import (the round-trip contract; the rest is documented loss).
    carries: frozenset[str] = _BASE
    #: Printed on stdout (secret masked) when no --out is given.
    printed: bool = False

    def mismatch(self, profile: Profile) -> list[str]:
        """Why this format does not fit the profile (empty when it does)."""
        reasons: list[str] = []
        if self.credential is not None and profile.credential is not self.credential:
            reasons.append(f"{self.name} needs a {self.credential.value} credential")
        if profile.tenant_type not in self.tenant_types:
            reasons.append(f"{self.name} is for {'/'.join(t.value for t in self.tenant_types)} tenants")
        if profile.api.kind not in self.api_kinds:
            reasons.append(f"{self.name} calls {'/'.join(k.value for k in self.api_kinds)} APIs only")
        return reasons


_SECRET, _CERT = CredentialKind.SECRET, CredentialKind.CERTIFICATE
_WF, _EXT = frozenset({TenantType.WORKFORCE}), frozenset({TenantType.EXTERNAL})
_GRAPH = frozenset({ApiKind.GRAPH})


def federated_formats() -> tuple[ConfigFormat, ...]:
    """The workload identity federation exports (wizard.configs.federated_exports)."""
    fx, app = federated_exports, frozenset({"tenant", "client_id", "credential"})
    rows = (
        ("github-actions", "GitHub Actions workflow (azure/login, OIDC)", "daemon-federated.yml", app),
        ("kubernetes", "Kubernetes ServiceAccount + pod (workload identity)", "workload-identity.yaml", app),
        (
            "fic-json",
            "Federated credential JSON (az ad app federated-credential create --parameters)",
            "federated-credential.json",
            frozenset({"cloud", "credential", "federated_issuer", "federated_subject"}),
        ),
    )
    pairs = {
        "github-actions": (fx.render_github, fx.parse_github),
        "kubernetes": (fx.render_kubernetes, fx.parse_kubernetes),
        "fic-json": (fx.render_fic, fx.parse_fic),
    }
    return tuple(
        ConfigFormat(
            name, title, filename, *pairs[name], False, CredentialKind.FEDERATED, _WF, carries=carries
        )
        for name, title, filename, carries in rows
    )


FORMATS: dict[str, ConfigFormat] = {
    f.name: f
    for f in (
        ConfigFormat(
            "python-secret",
            "ms-identity-python-daemon parameters.json (secret)",
            "parameters.json",
            python_daemon.render_secret,
            python_daemon.parse_secret,
            True,
            _SECRET,
            carries=_BASE | {"api"},
        ),
        ConfigFormat(
            "python-certificate",
            "ms-identity-python-daemon parameters.json (certificate)",
            "parameters.json",
            python_daemon.render_certificate,
            python_daemon.parse_certificate,
            False,
            _CERT,
            carries=_BASE | {"api"},
        ),
        ConfigFormat(
            "node-console",
            "ms-identity-javascript-nodejs-console .env",
            ".env",
            node.render_console,
            node.parse_console,
            True,
            _SECRET,
            api_kinds=_GRAPH,
        ),
        ConfigFormat(
            "node-ciam-daemon",
            "External ID Node daemon App/.env",
            ".env",
            node.render_ciam,
            node.parse_ciam,
            True,
            _SECRET,
            tenant_types=_EXT,
            carries=_BASE | {"api"},
        ),
        ConfigFormat(
            "dotnet-daemon",
            "active-directory-dotnetcore-daemon-v2 appsettings.json",
            "appsettings.json",
            dotnet.render_daemon,
            dotnet.parse_daemon,
            True,
            None,
            tenant_types=_WF,
            carries=_BASE | {"api"},
        ),
        ConfigFormat(
            "dotnet-ciam-daemon",
            "External ID .NET daemon ToDoListClient/appsettings.json",
            "appsettings.json",
            dotnet.render_ciam,
            dotnet.parse_ciam,
            True,
            None,
            tenant_types=_EXT,
            carries=_BASE | {"api"},
        ),
        ConfigFormat(
            "dotnet-console",
            "ms-identity-docs-code-dotnet console-daemon Program.cs values",
            "Program.config.cs",
            dotnet.render_console,
            dotnet.parse_console,
            True,
            _SECRET,
            tenant_types=_WF,
            api_kinds=_GRAPH,
            carries=_BASE | {"object_id"},
            printed=True,
        ),
        ConfigFormat(
            "java-secret",
            "ms-identity-java-daemon application.properties (secret)",
            "application.properties",
            java.render_secret,
            java.parse_secret,
            True,
            _SECRET,
            api_kinds=_GRAPH,
            carries=_BASE | {"api"},
        ),
        ConfigFormat(
            "java-certificate",
            "ms-identity-java-daemon application.properties (certificate)",
            "application.properties",
            java.render_certificate,
            java.parse_certificate,
            False,
            _CERT,
            api_kinds=_GRAPH,
            carries=_BASE | {"api"},
        ),
        ConfigFormat(
            "azure-identity",
            "azure-identity EnvironmentCredential .env",
            ".env",
            azure_identity.render,
            azure_identity.parse,
            True,
            None,
            carries=_BASE | {"federated_token_file"},
        ),
        *federated_formats(),
        ConfigFormat(
            "profile",
            "entra-daemon-wizard profile (TOML, no secrets)",
            "profile.toml",
            profile_toml.render,
            profile_toml.parse,
            False,
            None,
            carries=_BASE | {"name", "object_id", "certificate", "api"},
        ),
    )
}


def get_format(name: str) -> ConfigFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise UsageError(f"Unknown format {name!r}", hint=f"Use one of: {', '.join(FORMATS)}.") from None


def _masker(secrets: Iterable[str]) -> Callable[[str], str]:
    """Mask the given values, every secret the process knows, secret shapes and secret-ish keys' values."""
    values = [s for s in secrets if s and len(s) >= 4]

    def apply(text: str) -> str:
        return mask_config_text(text, known=values)

    return apply


def _old_secrets(fmt: ConfigFormat, text: str) -> list[str]:
    """Secret values in the file being replaced, read with its own format's parser (it may not be the
    export's: a .env where parameters.json is written), so the diff never shows them."""
    found: list[str] = []
    parsers = [fmt.parse]
    detected = detect_text(text)
    if detected is not None and FORMATS[detected].parse is not fmt.parse:
        parsers.insert(0, FORMATS[detected].parse)
    for parse in parsers:
        try:
            report = parse(text)
        except (WizardError, ValueError, TypeError, RecursionError):
            continue
        if report.secret:
            found.append(report.secret.reveal())
    return found


def _require_identity(profile: Profile) -> None:
    """A config without the client ID or the tenant is no use to anyone: refuse rather than write blanks."""
    if not profile.client_id:
        raise ValidationError(
            "The profile has no client ID",
            field="client_id",
            hint="Give --client-id, or --from a complete file.",
        )
    if not profile.tenant and not profile.authority_override:
        raise ValidationError(
            "The profile has no tenant",
            field="tenant",
            hint="Give --tenant or --authority, or --from a complete file.",
        )


def _target(fmt: ConfigFormat, out: Path | str | None) -> Path:
    """The file to write: `out` itself, or the format's file inside it when `out` is a folder (an
    existing one, or one named with a trailing slash: `--out newdir/`)."""
    if out is None:
        return Path.cwd() / fmt.filename
    raw = os.fspath(out)
    path = Path(raw).expanduser()
    if raw.endswith(("/", os.sep)) or path.is_dir():
        return path / fmt.filename
    return path


def export_config(
    profile: Profile,
    fmt: str,
    *,
    secret: Secret | None,
    out: Path | str | None,
    force: bool = False,
    dry_run: bool = False,
    passphrase: Secret | None = None,
) -> ExportResult:
    """Render the profile in one format and write it safely (or, with `dry_run`, show the diff only)."""
    spec = get_format(fmt)
    _require_identity(profile)
    hard = [r for r in spec.mismatch(profile) if "credential" in r]
    if hard:
        raise UsageError(
            f"{hard[0]}; the profile uses a {profile.credential.value}", hint="Pick another --format."
        )
    warnings = spec.mismatch(profile)
    printing = spec.printed and out is None
    target = _target(spec, out)
    rendering = spec.render(profile, secret, RenderContext(target=target, passphrase=passphrase))
    warnings += rendering.warnings
    if profile.credential is CredentialKind.SECRET and spec.secret_bearing and secret is None:
        warnings.append(
            "No client secret given: the file holds a placeholder. Pass --secret-stdin, --secret-file or "
            "DAEMON_WIZARD_CLIENT_SECRET, or put the secret in by hand."
        )
    masker = _masker([*rendering.secrets, *([passphrase.reveal()] if passphrase else [])])
    result = ExportResult(format=spec.name, path=None if printing else str(target), dry_run=dry_run)
    result.next_steps = list(rendering.next_steps)
    if printing:
        result.text = masker(rendering.text)
        result.warnings = warnings
        if secret:
            result.next_steps.insert(
                0, "the secret is masked on screen: write the snippet with --out FILE (mode 0600)"
            )
        return result
    if dry_run:
        old = read_text(target) if target.exists() else ""
        old_masker = _masker([*rendering.secrets, *(_old_secrets(spec, old) if old else [])])
        result.text = masker(rendering.text)
        result.diff = "".join(
            difflib.unified_diff(
                old_masker(old or "").splitlines(keepends=True),
                old_masker(rendering.text).splitlines(keepends=True),
                fromfile=str(target) if target.exists() else "/dev/null",
                tofile=str(target),
            )
        )
        warnings += [f"would also write {e.path} ({e.description})" for e in rendering.extra]
        result.warnings = warnings
        return result
    paths = [target, *(e.path for e in rendering.extra)]
    for path in paths:
        if path.exists() and not force:
            raise FileExistsRefusal(str(path))
    written: list[WrittenFile] = []
    for extra in rendering.extra:
        written.append(write_atomic(extra.path, extra.data, secret=extra.secret, force=force))
    written.append(write_atomic(target, rendering.text, secret=spec.secret_bearing, force=force))
    for item in written:
        if item.secret and (exposure := git_exposure(item.path)):
            warnings.append(exposure)
    result.written = written
    result.warnings = warnings
    return result


def export_all(
    profile: Profile,
    *,
    secret: Secret | None,
    out_dir: Path,
    force: bool = False,
    dry_run: bool = False,
    passphrase: Secret | None = None,
) -> list[ExportResult]:
    """Every format that fits the profile, each in `out_dir/<format>/<file>`."""
    results: list[ExportResult] = []
    for spec in FORMATS.values():
        if spec.mismatch(profile):
            continue
        results.append(
            export_config(
                profile,
                spec.name,
                secret=secret,
                out=Path(out_dir) / spec.name / spec.filename,
                force=force,
                dry_run=dry_run,
                passphrase=passphrase,
            )
        )
    return results


def parse_text(text: str, *, path: str | None = None) -> ImportReport:
    """Detect the format of `text` and read it into a report."""
    name = detect_text(text)
    if name is None:
        if text.lstrip("\ufeff \t\r\n").startswith("{"):
            load_jsonc(text, path=path)  # JSON that does not parse: say where (line and column)
        raise ConfigFileError(
            "This file is not one of the config formats the wizard knows",
            path=path,
            hint=f"Supported: {', '.join(FORMATS)} (see daemon-wizard export --list-formats).",
        )
    try:
        report = FORMATS[name].parse(text)
    except ConfigFileError as exc:
        exc.path = exc.path or path
        raise
    except (ValueError, TypeError, RecursionError) as exc:
        raise ConfigFileError(f"This {name} file cannot be read ({type(exc).__name__})", path=path) from None
    report.path = path
    return report


def import_config(path: Path | str | os.PathLike[str]) -> ImportReport:
    """Read a config file of any supported format back into a profile, with what still needs fixing."""
    target = Path(path).expanduser()
    if not target.is_file():
        raise ConfigFileError(f"{target} does not exist or is not a file", path=str(target))
    text = read_text(target)
    if text is None:
        raise ConfigFileError(
            f"{target} is not a text config file (binary, or larger than 1 MB)", path=str(target)
        )
    return parse_text(text, path=str(target))


def load_profile(path: Path | str | os.PathLike[str]) -> tuple[Profile, Secret | None, ImportReport]:
    """`--from FILE` for every command: the profile, the secret the file holds (if any), and the report."""
    report = import_config(path)
    return report.profile, report.secret, report
