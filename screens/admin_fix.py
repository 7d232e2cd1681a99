""" "Fix it now": the findings whose fix the wizard can apply itself, as a registration request for the plan.

roles-missing and stale consent: grant the permission; secret expired or invalid: add a secret; certificate not
registered: upload it. Same plan screen and confirmation as the admin path, on the app adopted by its appId.
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
    "certificate-not-registered": "upload the certificate (existing keys kept)",
}


def fix_request(code: str, profile: Profile) -> RegistrationRequest:
    """The request that fixes `code` on the profile's app, adopted by its application (client) ID."""
    from wizard.admin.registration import RegistrationRequest

    if code in ("secret-expired", "secret-invalid"):
        return RegistrationRequest(app_id=profile.client_id, credential="secret")
    if code == "certificate-not-registered":
        return RegistrationRequest(
            app_id=profile.client_id, credential="certificate", certificate=profile.certificate.cert_path
        )
    needs = required_roles(profile)
    roles = tuple(n.roles[0] for n in needs if n.roles)
    return RegistrationRequest(app_id=profile.client_id, roles=roles, credential="none")
