"""The wizard's state between steps, and the values screens return through `dismiss()`."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Final

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


@dataclass(frozen=True)
class StartResult:
    """What the start screen chose."""

    choice: StartChoice
    cloud: Cloud = Cloud.GLOBAL
    import_path: str = ""
    sandbox_app: str = ""


@dataclass(frozen=True)
class CredentialResult:
    """The credential step's outcome: the profile's credential fields plus the run-time secrets."""

    profile: Profile
    secret: Secret | None = None
    passphrase: Secret | None = None


@dataclass(frozen=True)
class GoTo:
    """A diagnosis action: go to a step, optionally focusing one field there."""

    step: Step
    focus: str | None = None


@dataclass(frozen=True)
class FixNow:
    """A diagnosis action: let the signed-in admin fix this finding (plan, confirmation, apply)."""

    code: str


@dataclass
class WizardState:
    """Everything the flow carries from one step to the next; the profile holds the non-secret part."""

    profile: Profile = field(default_factory=Profile)
    secret: Secret | None = None
    passphrase: Secret | None = None
    start: StartResult | None = None
    sandbox_app: str | None = None
    focus: str | None = None

    def scrub(self, text: str) -> str:
        """Replace any run-time secret in `text` by its masked form (defence in depth for error text)."""
        for value in (self.secret, self.passphrase):
            if value:
                text = text.replace(value.reveal(), mask(value.reveal()))
        return text
