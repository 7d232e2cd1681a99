"""Step 3: the credential — paste a client secret, generate a certificate, or use an existing one."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import (
    Footer,
    Header,
    Input,
    Label,
    LoadingIndicator,
    Select,
    Static,
    TabbedContent,
    TabPane,
)
from textual.worker import Worker, WorkerState

from screens.federated_tab import FederatedPane
from screens.locate import stylesheet
from screens.state import CredentialResult, Step
from screens.step import StepScreen
from screens.widgets.field import Field
from screens.widgets.stepbar import StepBar
from wizard.certs import ALLOWED_KEY_SIZES
from wizard.paths import config_dir
from wizard.profile import CertificateRef, CredentialKind, Profile
from wizard.secret import Secret
from wizard.validation import check_secret

if TYPE_CHECKING:
    from wizard.certs.generate import GeneratedCertificate
    from wizard.certs.inspect import CertificateInfo

SECRET_ADVICE = (
    "Client secrets last at most 24 months in the portal; choose 12 months or less, note the expiry, "
    "and rotate before it. The Value is shown once, right after you create the secret."
)
_TAB_FOR_KIND = {
    CredentialKind.SECRET: "tab-secret",
    CredentialKind.CERTIFICATE: "tab-existing",
    CredentialKind.FEDERATED: "tab-federated",
}


def file_stem(profile_name: str) -> str:
    """A profile name made safe as a file name on every platform (`sandbox:cert-daemon` -> `sandbox-cert-daemon`)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", profile_name).strip("-.") or "daemon"


def _default_subject(profile_name: str) -> str:
    stem = file_stem(profile_name)
    return f"CN={stem}" if "daemon" in stem else f"CN={stem}-daemon"


def _secret_or_none(value: str) -> Secret | None:
    return Secret(value) if value else None


def generated_summary(cert: GeneratedCertificate) -> str:
    """Files written (with modes) and the thumbprints to compare with the portal after upload."""
    lines = [f"Subject {cert.subject}, RSA {cert.key_size}, valid until {cert.not_after:%Y-%m-%d}"]
    lines += [f"  {role:<9} {f.path}  ({oct(f.mode)[2:]})" for role, f in cert.files.items()]
    lines += [
        f"SHA-1 thumbprint (portal):  {cert.thumbprints.sha1_hex}",
        f"SHA-256 thumbprint:         {cert.thumbprints.sha256_hex}",
        "Upload the .cer (or .pem) under Certificates & secrets > Certificates.",
    ]
    return "\n".join(lines)


def inspected_summary(info: CertificateInfo) -> str:
    match = {True: "matches the certificate", False: "DOES NOT match", None: "not given"}[info.key_matches]
    lines = [
        f"Subject {info.subject}, {info.key_type} {info.key_size or ''}".rstrip(),
        f"Valid until {info.not_after:%Y-%m-%d} ({'expired' if info.expired else f'{info.days_left} days left'})",
        f"Private key: {match}",
        f"SHA-1 thumbprint (portal): {info.thumbprints.sha1_hex}",
    ]
    lines += [f"! {p}" for p in info.problems]
    return "\n".join(lines)


class CredentialScreen(StepScreen[CredentialResult]):
    """Four ways to a credential; Next takes the active tab's."""

    CSS_PATH = stylesheet("wizard.tcss")

    STEP = Step.CREDENTIAL
    #: Generating and inspecting show their failure in the tab; an upload's failure opens the dialog.
    INLINE_FAILURES = frozenset({"certificate"})
    #: At 80 columns the certificate keys leave the footer: their tabs say "Press ctrl+g / ctrl+o".
    FOOTER_SPARE = ("toggle_theme", "inspect", "generate")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+l",
            "reveal",
            "Reveal",
            id="wizard.reveal_secret",
            tooltip="Show or hide the client secret as typed (hidden again when you leave the step)",
        ),
        Binding("ctrl+g", "generate", "Generate cert", id="wizard.generate"),
        Binding("ctrl+o", "inspect", "Inspect cert", id="wizard.inspect"),
        Binding(
            "ctrl+r",
            "register",
            "Upload cert",
            id="wizard.register",
            tooltip="Upload the certificate to the sandbox app, as Certificates & secrets > Upload does",
        ),
    ]

    def __init__(
        self,
        profile: Profile,
        *,
        secret: Secret | None = None,
        passphrase: Secret | None = None,
        note: str = "",
        register: Callable[[str, str], None] | None = None,
    ) -> None:
        super().__init__()
        self.profile = profile
        self.secret = secret
        self.passphrase = passphrase
        self.note = note
        #: On the sandbox: upload a certificate file to the app (client id, path), like the portal does.
        self.register = register
        self.generated: GeneratedCertificate | None = None
        self.inspected: CertificateInfo | None = None

    def compose(self) -> ComposeResult:
        cert = self.profile.certificate
        yield Header()
        yield StepBar(self.STEP, note=self.note)
        with TabbedContent(
            initial=_TAB_FOR_KIND.get(self.profile.credential, "tab-secret"), id="credential-tabs"
        ):
            with TabPane("Client secret", id="tab-secret"), VerticalScroll():
                yield Field(
                    "Client secret value",
                    name="secret",
                    value=self.secret.reveal() if self.secret else "",
                    password=True,
                    hint="Certificates & secrets > Client secrets > Value (not the Secret ID).",
                )
                yield Field(
                    "Expires on (optional)",
                    name="secret-expires",
                    value=self.profile.secret_expires or "",
                    placeholder="YYYY-MM-DD",
                    hint="The Expires column beside the secret; saved in the profile for a reminder.",
                )
                yield Static(SECRET_ADVICE, classes="advice", markup=False)
            with TabPane("New certificate", id="tab-generate"), VerticalScroll():
                yield Field("Subject", name="subject", value=_default_subject(self.profile.name))
                with Horizontal(classes="row"):
                    yield Label("Key size ")
                    yield Select(
                        [(f"RSA {n}", n) for n in ALLOWED_KEY_SIZES],
                        value=2048,
                        allow_blank=False,
                        id="key-size",
                    )
                yield Field("Validity (days)", name="days", value="365", hint="At most 3650; 365 is common.")
                yield Field("Passphrase for the key (optional)", name="passphrase", password=True)
                yield Field(
                    "Folder", name="out-dir", value=str(config_dir() / "certs" / file_stem(self.profile.name))
                )
                yield LoadingIndicator(id="generating")
                yield Static("Press ctrl+g to generate.", id="generate-summary", markup=False)
            with TabPane("Existing certificate", id="tab-existing"), VerticalScroll():
                yield Field(
                    "Certificate (PEM, DER or PFX)",
                    name="cert-path",
                    value=cert.cert_path or cert.pfx_path or "",
                )
                yield Field(
                    "Private key (PEM; empty when inside the file above)",
                    name="key-path",
                    value=cert.key_path or "",
                )
                yield Field(
                    "Key passphrase (optional)",
                    name="existing-passphrase",
                    password=True,
                    value=self.passphrase.reveal() if self.passphrase else "",
                )
                yield Static("Press ctrl+o to inspect.", id="inspect-summary", markup=False)
            with TabPane("Federated", id="tab-federated"):
                yield FederatedPane(self.profile)
        if self.register is not None:
            yield Static("", id="upload-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#generating").display = False
        self._check_secret()
        if self.active_tab == "tab-existing" and self._field("cert-path").value.strip():
            self.action_inspect()  # a certificate already in the profile: show what it is straight away
        elif self._key_and_thumbprint():
            cert = self.profile.certificate
            self.query_one("#inspect-summary", Static).update(
                f"Private key {cert.key_path} with SHA-1 thumbprint {cert.thumbprint_sha1}, as the official "
                "python sample has it: no certificate file is needed. ctrl+n goes on."
            )

    def _key_and_thumbprint(self) -> bool:
        """The python-certificate sample's form: a private key and the thumbprint, no certificate file."""
        cert = self.profile.certificate
        return (
            self.profile.credential is CredentialKind.CERTIFICATE
            and bool(cert.key_path and (cert.thumbprint_sha1 or cert.thumbprint_sha256))
            and not (cert.cert_path or cert.pfx_path)
            and not self._field("cert-path").value.strip()
            and self._field("key-path").value.strip() == cert.key_path
        )

    @property
    def active_tab(self) -> str:
        return self.query_one("#credential-tabs", TabbedContent).active

    def _field(self, name: str) -> Field:
        return self.query_one(f"#field-{name}", Field)

    def _check_secret(self) -> list[str]:
        field = self._field("secret")
        if not field.value:
            field.show([])
            return []
        problems = check_secret(Secret(field.value))
        field.show(problems)
        return [f"{p.message}. {p.fix}" for p in problems if p.severity == "error"]

    def on_paste(self, event: events.Paste) -> None:
        """A paste no field took (the focus on the tabs, say) is the secret: that is what one pastes here."""
        line = event.text.strip().splitlines()[0].strip() if event.text.strip() else ""
        if not line or self.active_tab not in ("tab-secret",):
            return
        event.stop()
        secret = self._field("secret").input
        secret.value = line
        secret.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "secret":
            self._check_secret()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id in {"cert-path", "key-path", "existing-passphrase"}:
            self.action_inspect()
        elif event.input.id == "secret":
            self.action_next()
        else:
            self.focus_next()

    def action_reveal(self) -> None:
        """Only this key shows the secret; it is masked again by the same key or by leaving the step."""
        secret = self._field("secret").input
        secret.password = not secret.password
        self.query_one("#credential-tabs", TabbedContent).active = "tab-secret"
        self.notify(
            "The secret is shown: ctrl+l hides it." if not secret.password else "The secret is hidden."
        )

    def current_profile(self) -> Profile:
        return self.profile

    def copy_items(self) -> list[tuple[str, str]]:
        items: list[tuple[str, str]] = []
        for source in (self.generated, self.inspected):
            if source is not None:
                items.append(("SHA-1 thumbprint (portal)", source.thumbprints.sha1_hex))
                items.append(("SHA-256 thumbprint", source.thumbprints.sha256_hex))
        subject = self._federated_subject()
        if subject:
            items.append(("Federated subject (predicted)", subject))
        return items + super().copy_items()

    def _federated_subject(self) -> str:
        """The subject the Federated tab predicts, for the federated credential's Subject field."""
        panes = list(self.query(FederatedPane))
        return panes[0].copyable_subject() if panes else ""

    # --- generate ------------------------------------------------------------------------------------

    def action_generate(self) -> None:
        self.query_one("#credential-tabs", TabbedContent).active = "tab-generate"
        try:
            days = int(self._field("days").value.strip())
        except ValueError:
            self._field("days").show([])
            self.notify("The validity must be a number of days.", severity="error")
            return
        size = self.query_one("#key-size", Select).value
        self.query_one("#generating").display = True
        self.query_one("#generate-summary", Static).update(f"Generating an RSA {size} key and certificate…")
        self._generate(
            subject=self._field("subject").value,
            key_size=size if isinstance(size, int) else 2048,
            days=days,
            passphrase=_secret_or_none(self._field("passphrase").value),
            out_dir=Path(self._field("out-dir").value.strip()).expanduser(),
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="certificate")
    def _generate(
        self, *, subject: str, key_size: int, days: int, passphrase: Secret | None, out_dir: Path
    ) -> GeneratedCertificate:
        from wizard.certs.generate import generate_certificate  # cryptography loads only when used

        return generate_certificate(
            subject=subject,
            out_dir=out_dir,
            name=file_stem(self.profile.name),
            key_size=key_size,
            days=days,
            passphrase=passphrase,
        )

    # --- upload (sandbox) ----------------------------------------------------------------------------

    def allows(self, action: str) -> bool | None:
        if action == "register":
            return self.register is not None
        return True

    def _certificate_to_upload(self) -> str | None:
        if self.active_tab == "tab-generate" and self.generated is not None:
            return self.generated.files["cert_der"].path
        path = self._field("cert-path").value.strip()
        return path or None

    def action_register(self) -> None:
        path = self._certificate_to_upload()
        if self.register is None:
            return
        if path is None:
            self.notify("Generate (ctrl+g) or choose a certificate first.", severity="warning")
            return
        self._register(self.register, self.profile.client_id, path)

    @work(thread=True, exclusive=True, exit_on_error=False, group="upload")
    def _register(self, register: Callable[[str, str], None], client_id: str, path: str) -> None:
        register(client_id, path)
        self.app.call_from_thread(self._uploaded, path)

    def _uploaded(self, path: str) -> None:
        if self.is_mounted:
            self.query_one("#upload-status", Static).update(f"Uploaded to the sandbox app: {path}")
            self.notify("Certificate uploaded to the sandbox app.")

    # --- existing ------------------------------------------------------------------------------------

    def action_inspect(self) -> None:
        self.query_one("#credential-tabs", TabbedContent).active = "tab-existing"
        path = self._field("cert-path").value.strip()
        if not path:
            self.notify("Give the certificate's path first.", severity="warning")
            return
        self.query_one("#inspect-summary", Static).update("Inspecting…")
        self._inspect(
            path,
            self._field("key-path").value.strip() or None,
            _secret_or_none(self._field("existing-passphrase").value),
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="certificate")
    def _inspect(self, path: str, key_path: str | None, password: Secret | None) -> CertificateInfo:
        from wizard.certs.inspect import inspect_certificate

        return inspect_certificate(path, key_path=key_path, password=password)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "certificate" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self.query_one("#generating").display = False
        from wizard.certs.generate import GeneratedCertificate
        from wizard.certs.inspect import CertificateInfo

        result = event.worker.result
        if isinstance(result, GeneratedCertificate):
            self.generated = result
            summary = self.query_one("#generate-summary", Static)
            summary.update(generated_summary(result))
            self._reveal(summary)
        elif isinstance(result, CertificateInfo):
            self.inspected = result
            summary = self.query_one("#inspect-summary", Static)
            summary.update(inspected_summary(result))
            self._reveal(summary)
        elif event.state is WorkerState.ERROR:
            target = "#generate-summary" if self.active_tab == "tab-generate" else "#inspect-summary"
            self.query_one(target, Static).update(f"Failed: {event.worker.error}")

    def _reveal(self, summary: Static) -> None:
        """Scroll the summary's pane to its end, once the new text is laid out."""
        pane = summary.parent
        if isinstance(pane, VerticalScroll):
            self.call_after_refresh(pane.scroll_end, animate=False)

    # --- result --------------------------------------------------------------------------------------

    def result(self) -> CredentialResult | None:
        tab = self.active_tab
        if tab == "tab-federated":
            profile, why = self.query_one(FederatedPane).result()
            if profile is None:
                self.notify(why, severity="error", title="Federated credential")
                return None
            return CredentialResult(profile)
        if tab == "tab-secret":
            errors = self._check_secret() if self._field("secret").value else ["No client secret was given."]
            if errors:
                self.notify(errors[0], severity="error", title="Client secret")
                return None
            expires = self._field("secret-expires").value.strip()
            try:
                expires = date.fromisoformat(expires).isoformat() if expires else ""
            except ValueError:
                self.notify("The expiry date must be YYYY-MM-DD.", severity="error", title="Client secret")
                return None
            return CredentialResult(
                self.profile.with_(credential=CredentialKind.SECRET, secret_expires=expires or None),
                secret=Secret(self._field("secret").value),
            )
        if tab == "tab-generate":
            if self.generated is None:
                self.notify("Generate the certificate first (ctrl+g).", severity="warning")
                return None
            files = self.generated.files
            ref = CertificateRef(
                key_path=files["key"].path,
                cert_path=files["cert_pem"].path,
                thumbprint_sha1=self.generated.thumbprints.sha1_hex,
                thumbprint_sha256=self.generated.thumbprints.sha256_hex,
            )
            return CredentialResult(
                self.profile.with_(credential=CredentialKind.CERTIFICATE, certificate=ref),
                passphrase=_secret_or_none(self._field("passphrase").value),
            )
        if self.inspected is None and self._key_and_thumbprint():
            return CredentialResult(
                self.profile, passphrase=_secret_or_none(self._field("existing-passphrase").value)
            )
        if self.inspected is None:
            self.notify("Inspect the certificate first (ctrl+o).", severity="warning")
            return None
        if self.inspected.key_matches is False or not (
            self.inspected.has_private_key or self._field("key-path").value
        ):
            self.notify("The private key is missing or does not match the certificate.", severity="error")
            return None
        cert_path = self._field("cert-path").value.strip()
        is_pfx = cert_path.lower().endswith((".pfx", ".p12"))
        ref = CertificateRef(
            key_path=self._field("key-path").value.strip() or (None if is_pfx else cert_path),
            cert_path=None if is_pfx else cert_path,
            pfx_path=cert_path if is_pfx else None,
            thumbprint_sha1=self.inspected.thumbprints.sha1_hex,
            thumbprint_sha256=self.inspected.thumbprints.sha256_hex,
        )
        return CredentialResult(
            self.profile.with_(credential=CredentialKind.CERTIFICATE, certificate=ref),
            passphrase=_secret_or_none(self._field("existing-passphrase").value),
        )
