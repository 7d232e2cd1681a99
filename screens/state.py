"""The wizard's state between steps, and the values screens return through `dismiss()`.

The values are NamedTuples rather than frozen dataclasses: this module loads before the first frame, and a
frozen dataclass compiles six generated methods from source at import (issue 12: the five cost ~13M
instructions of the first paint). Compare them only with values of their own type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Final, NamedTuple

from wizard.clouds import Cloud
from wizard.profile import Profile
from wizard.secret import Secret, mask


class Back:
    """Returned by a step screen when the user goes back one step."""

    _instance: Back | None = None

    def __new__(cls) -> Back:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "BACK"


BACK: Final = Back()


class Step(int, Enum):
    """The wizard's steps, in order."""

    START = 0
    REGISTRATION = 1
    CREDENTIAL = 2
    CONSENT = 3
    TEST = 4
    DIAGNOSIS = 5
    EXPORT = 6

    @property
    def title(self) -> str:
        return _TITLES[self]

    @property
    def short(self) -> str:
        """The one-word name the compact step bar shows."""
        return _SHORT[self]


class StepStatus(str, Enum):
    """How far a step got: the step list shows done ✓, failed ✗, and the rest still to do."""

    TODO = "todo"
    DONE = "done"
    FAILED = "failed"


_SHORT = {
    Step.START: "Start",
    Step.REGISTRATION: "Registration",
    Step.CREDENTIAL: "Credential",
    Step.CONSENT: "Consent",
    Step.TEST: "Test",
    Step.DIAGNOSIS: "Diagnosis",
    Step.EXPORT: "Export",
}
_TITLES = {
    Step.START: "Start",
    Step.REGISTRATION: "Registration details",
    Step.CREDENTIAL: "Credential",
    Step.CONSENT: "Permissions and consent",
    Step.TEST: "Token test",
    Step.DIAGNOSIS: "Token and diagnosis",
    Step.EXPORT: "Export",
}


class StartChoice(str, Enum):
    WORKFORCE = "workforce"
    EXTERNAL = "external"
    IMPORT = "import"
    SANDBOX = "sandbox"
    ADMIN = "admin"
    PROFILE = "profile"


class StartResult(NamedTuple):
    """What the start screen chose."""

    choice: StartChoice
    cloud: Cloud = Cloud.GLOBAL
    import_path: str = ""
    sandbox_app: str = ""
    #: The saved profile to continue with (StartChoice.PROFILE).
    profile_name: str = ""


class CredentialResult(NamedTuple):
    """The credential step's outcome: the profile's credential fields plus the run-time secrets."""

    profile: Profile
    secret: Secret | None = None
    passphrase: Secret | None = None


class GoTo(NamedTuple):
    """A diagnosis action: go to a step, optionally focusing one field there."""

    step: Step
    focus: str | None = None


class FixNow(NamedTuple):
    """A diagnosis action: let the signed-in admin fix this finding (plan, confirmation, apply)."""

    code: str


class Settings(NamedTuple):
    """What the token test runs with, as the CLI's --timeout, --ca-file and --no-proxy give it."""

    timeout: float = 30.0
    #: An extra CA to trust (a corporate TLS proxy); empty for none.
    ca_file: str = ""
    #: False ignores HTTPS_PROXY / HTTP_PROXY from the environment (the CLI's --no-proxy).
    use_env_proxies: bool = True
    #: A proxy URL (http(s)://host:port, never with credentials) for every request; empty for none.
    proxy: str = ""


@dataclass
class WizardState:
    """Everything the flow carries from one step to the next; the profile holds the non-secret part."""

    profile: Profile = field(default_factory=Profile)
    secret: Secret | None = None
    passphrase: Secret | None = None
    start: StartResult | None = None
    sandbox_app: str | None = None
    focus: str | None = None
    #: Each step's outcome so far (a step not in it is still to do); the step list shows it.
    progress: dict[Step, StepStatus] = field(default_factory=dict)
    settings: Settings = field(default_factory=Settings)

    def status(self, step: Step) -> StepStatus:
        return self.progress.get(step, StepStatus.TODO)

    def scrub(self, text: str) -> str:
        """Replace any run-time secret in `text` by its masked form (defence in depth for error text)."""
        for value in (self.secret, self.passphrase):
            if value:
                text = text.replace(value.reveal(), mask(value.reveal()))
        return text
