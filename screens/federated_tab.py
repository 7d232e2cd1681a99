"""The credential step's Federated tab: the issuer kind, the subject built from its parts (shown live, as the
issuer will present it), and the external token's file."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, Select, Static

from screens.widgets.field import Field
from wizard.federated.external import GITHUB_ISSUER, IssuerKind
from wizard.federated.subject_builder import DEFAULT_ISSUERS, PARTS, build_subject
from wizard.profile import CredentialKind, Profile

KINDS: tuple[tuple[str, IssuerKind], ...] = (
    ("GitHub Actions", IssuerKind.GITHUB),
    ("Kubernetes / AKS", IssuerKind.KUBERNETES),
    ("GitLab", IssuerKind.GITLAB),
    ("Terraform Cloud", IssuerKind.TERRAFORM),
    ("Other OIDC issuer", IssuerKind.OTHER),
)
#: Example values, so the prediction shows something worth reading before anything is typed.
_PLACEHOLDERS = {
    "repository": "contoso/daemon",
    "entity": "environment",
    "value": "production",
    "namespace": "daemons",
    "service_account": "graph-reader",
}
ADVICE = (
    "Entra compares issuer, subject and audience exactly and case-sensitively. A job that names an "
    "environment presents environment:..., whatever its branch; request the token for api://AzureADTokenExchange."
)


class FederatedPane(VerticalScroll):
    """Issuer kind, subject parts, the predicted subject (live), issuer URL, and the token's file or command."""

    DEFAULT_CSS = """
    FederatedPane .part { display: none; }
    FederatedPane .part.shown { display: block; }
    FederatedPane #predicted-subject { margin: 0 0 1 0; text-style: bold; }
    """

    def __init__(self, profile: Profile) -> None:
        super().__init__(id="federated-pane")
        self.profile = profile

    def compose(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label("Issuer kind ")
            yield Select(
                [(label, kind.value) for label, kind in KINDS],
                value=IssuerKind.GITHUB.value,
                allow_blank=False,
                id="issuer-kind",
            )
        yield Static("", id="predicted-subject", markup=False)
        seen: set[str] = set()
        for parts in PARTS.values():
            for name, label in parts:
                if name in seen:
                    continue
                seen.add(name)
                field = Field(label, name=f"fic-{name}", value=_PLACEHOLDERS.get(name, ""))
                field.add_class("part")
                yield field
        yield Field("Issuer URL", name="fic-issuer", value=self.profile.federated_issuer or GITHUB_ISSUER)
        yield Field(
            "External token file",
            name="fic-token-file",
            value=self.profile.federated_token_file or "",
            hint="Re-read for every token request; empty: $AZURE_FEDERATED_TOKEN_FILE.",
        )
        yield Field(
            "Or a command that prints the token",
            name="fic-token-command",
            value=self.profile.federated_token_command or "",
            hint="Run for every token request, without a shell; e.g. a script that asks the CI runner.",
        )
        yield Static(ADVICE, classes="advice", markup=False)

    def on_mount(self) -> None:
        if self.profile.federated_subject:
            # A subject chosen before (the credential step, a profile): shown as typed, whatever its issuer.
            self.query_one("#issuer-kind", Select).value = IssuerKind.OTHER.value
            self.query_one("#fic-subject", Input).value = self.profile.federated_subject
        self._show_parts()
        self._predict()

    @property
    def kind(self) -> IssuerKind:
        value = self.query_one("#issuer-kind", Select).value
        return IssuerKind(value) if isinstance(value, str) else IssuerKind.GITHUB

    def _value(self, name: str) -> str:
        return self.query_one(f"#field-{name}", Field).value

    def _show_parts(self) -> None:
        wanted = {f"field-fic-{name}" for name, _ in PARTS[self.kind]}
        for field in self.query(".part"):
            field.set_class(field.id in wanted, "shown")

    def predicted(self) -> str:
        parts = {name: self._value(f"fic-{name}") for name, _ in PARTS[self.kind]}
        return build_subject(self.kind, parts).subject

    def copyable_subject(self) -> str:
        """The predicted subject when its parts make a whole one, else '' (nothing half-built to copy)."""
        parts = {name: self._value(f"fic-{name}") for name, _ in PARTS[self.kind]}
        built = build_subject(self.kind, parts)
        return built.subject if built.ok else ""

    def _predict(self) -> None:
        parts = {name: self._value(f"fic-{name}") for name, _ in PARTS[self.kind]}
        built = build_subject(self.kind, parts)
        text = (
            f"Subject the issuer will present:\n  {built.subject}"
            if built.ok
            else ("Subject: " + "; ".join(built.problems))
        )
        self.query_one("#predicted-subject", Static).update(text)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "issuer-kind":
            return
        self._show_parts()
        default = DEFAULT_ISSUERS.get(self.kind)
        issuer = self.query_one("#fic-issuer", Input)
        if default and (not issuer.value or issuer.value in DEFAULT_ISSUERS.values()):
            issuer.value = default
        self._predict()

    def on_input_changed(self, event: Input.Changed) -> None:
        if (event.input.id or "").startswith("fic-"):
            self._predict()

    def result(self) -> tuple[Profile | None, str]:
        """The federated profile, or None and why not (shown to the user)."""
        parts = {name: self._value(f"fic-{name}") for name, _ in PARTS[self.kind]}
        built = build_subject(self.kind, parts)
        if not built.ok:
            return None, "Subject: " + "; ".join(built.problems)
        issuer = self._value("fic-issuer").strip()
        if not issuer.startswith("https://"):
            return None, "The issuer URL must start with https://"
        token_file = self._value("fic-token-file").strip() or None
        command = self._value("fic-token-command").strip() or None
        if token_file and command:
            return None, "Give the token file or the command, not both"
        return (
            self.profile.with_(
                credential=CredentialKind.FEDERATED,
                federated_issuer=issuer,
                federated_subject=built.subject,
                federated_token_file=token_file,
                federated_token_command=command,
            ),
            "",
        )
