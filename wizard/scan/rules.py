"""The scan's rules: what each result means and how to fix it (SARIF rule metadata comes from here)."""

from __future__ import annotations

from wizard.scan.model import Level, ScanRule

ENTRA_SECRET = ScanRule(
    "entra-client-secret",
    Level.ERROR,
    "An Entra client secret is in the file",
    "Remove it from the file and from git history, then rotate it: App registrations > Certificates & "
    "secrets > delete the secret whose hint matches (the first three characters). Read secrets from the "
    "environment or a vault, or use a certificate or a federated credential.",
)
PRIVATE_KEY = ScanRule(
    "private-key",
    Level.ERROR,
    "A private key is in the tree",
    "Keep private keys out of repositories: move the key to a vault or a path outside the work tree "
    "(mode 0600), add it to .gitignore, and replace the certificate if the key was ever committed.",
)
PFX_NO_PASSWORD = ScanRule(
    "pfx-no-password",
    Level.ERROR,
    "A PFX file opens without a password",
    "Anyone who has the file has the key: re-export it with a password (or keep only the public .cer in "
    "the tree), and replace the certificate if the file was committed.",
)
SECRET_FILE_TRACKED = ScanRule(
    "secret-file-tracked",
    Level.ERROR,
    "A file holding a secret or key is tracked by git and not ignored",
    "`git rm --cached FILE`, add it to .gitignore, and rotate what it held (it is in history).",
)
TLS_DISABLED = ScanRule(
    "tls-verification-disabled",
    Level.ERROR,
    "TLS certificate verification is turned off",
    "Delete NODE_TLS_REJECT_UNAUTHORIZED=0 (the External ID Node sample ships it for local testing): it "
    "lets anyone on the network impersonate the token service. Trust a specific CA with NODE_EXTRA_CA_CERTS.",
)
PLACEHOLDER = ScanRule(
    "placeholder",
    Level.WARNING,
    "A sample's placeholder was left in the config",
    "Replace it with the real value from the app registration (`daemon-wizard import FILE` says where each "
    "value comes from).",
)
CONFIG_INVALID = ScanRule(
    "config-invalid",
    Level.ERROR,
    "The daemon config has a value that cannot work",
    "Fix the value as the message says; `daemon-wizard validate --from FILE` shows every problem with its fix.",
)
CERT_EXPIRED = ScanRule(
    "certificate-expired",
    Level.ERROR,
    "A certificate in the tree has expired",
    "Generate a new certificate (`daemon-wizard cert new`), upload it to the app next to the old one, switch "
    "the daemon, then remove the old one.",
)
CERT_EXPIRING = ScanRule(
    "certificate-expiring",
    Level.WARNING,
    "A certificate in the tree expires soon",
    "Rotate before it expires: add a new certificate to the app, switch the daemon, remove the old one.",
)
CONFIG_SECRET = ScanRule(
    "config-holds-secret",
    Level.ERROR,
    "A daemon config holds a client secret",
    "Keep the secret out of the config file: read it from the environment (AZURE_CLIENT_SECRET, or the "
    "sample's own variable), a vault, or a file outside the work tree; better, use a certificate or a "
    "federated credential. Rotate it if the file was ever committed.",
)
DOCTOR = ScanRule(
    "doctor",
    Level.ERROR,
    "The live check of this config failed",
    "The finding code and its fix are in the message; `daemon-wizard doctor --from FILE` shows the detail.",
)

ALL_RULES = (
    ENTRA_SECRET,
    PRIVATE_KEY,
    PFX_NO_PASSWORD,
    SECRET_FILE_TRACKED,
    TLS_DISABLED,
    PLACEHOLDER,
    CONFIG_INVALID,
    CONFIG_SECRET,
    CERT_EXPIRED,
    CERT_EXPIRING,
    DOCTOR,
)
