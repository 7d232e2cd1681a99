""" "Fix it now": the findings whose fix the wizard can apply itself, as a registration request for the plan.

roles-missing and stale consent: grant the permission; secret expired or invalid: add a secret (even though one
exists: it is the one that fails); certificate not registered: upload the user's own certificate. Same plan screen
and confirmation as the admin path, on the app adopted by its appId. The federated mismatches write the suggested
federated credential instead (screens.admin_fic_fix), behind the same kind of plan and confirmation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from screens.services import required_roles
from wizard.profile import Profile

if TYPE_CHECKING:
    from wizard.admin.registration import RegistrationRequest

#: Finding code -> what apply does about it.
FIXABLE: dict[str, str] = {
    "roles-missing": "grant the application permission (admin consent)",
    "customer-reconsent-needed": "grant the application permissions the consent predates",
    "permission-wrong": "add and grant the application permission the call needs",
    "secret-expired": "add a new client secret (the old one is kept)",
    "secret-invalid": "add a new client secret (the old one is kept)",
    "certificate-not-registered": "upload your certificate (existing keys kept)",
    **dict.fromkeys(
        (
            "federated-subject-mismatch",
            "federated-subject-case",
            "federated-issuer-mismatch",
            "federated-audience-mismatch",
            "federated-no-credential",
            "federated-mismatch",  # the old single code, kept as an alias
        ),
        "write the federated credential that matches the token (upsert by name)",
    ),
}
#: The codes fixed by writing a federated identity credential, not through a registration request.
FIC_CODES = frozenset(code for code, what in FIXABLE.items() if code.startswith("federated-"))


def fix_request(code: str, profile: Profile) -> RegistrationRequest:
    """The request that fixes `code` on the profile's app, adopted by its application (client) ID.

    Raises UsageError when the fix needs what the profile lacks (the certificate file of a key+thumbprint one)."""
    from wizard.admin.registration import RegistrationRequest

    if code in ("secret-expired", "secret-invalid"):
        # The app has a secret, and it is the one that fails: add one regardless (add-only, old kept).
        return RegistrationRequest(app_id=profile.client_id, credential="secret", add_new=True)
    if code == "certificate-not-registered":
        from wizard.certs.own_certificate import certificate_to_upload

        return RegistrationRequest(
            app_id=profile.client_id,
            credential="certificate",
            certificate=certificate_to_upload(profile.certificate),
        )
    needs = required_roles(profile)
    roles = tuple(n.roles[0] for n in needs if n.roles)
    return RegistrationRequest(app_id=profile.client_id, roles=roles, credential="none")
