"""Deep links into the Entra admin center: the blade of this app's registration where each step is done."""

from __future__ import annotations

from wizard.clouds import CLOUDS
from wizard.guids import is_guid
from wizard.profile import Profile

_REGISTERED_APPS = "#view/Microsoft_AAD_RegisteredApps"
#: The registration's blade for each wizard step (by the step's name; the core knows no screens).
BLADES = {
    "registration": "Overview",
    "credential": "Credentials",
    "consent": "CallAnAPI",
    "test": "Overview",
    "diagnosis": "CallAnAPI",
    "export": "Overview",
}

__all__ = ["BLADES", "admin_center_url"]


def admin_center_url(profile: Profile, step: str) -> str:
    """The admin center page for `step`: the app's blade when its client ID is known, else the app list."""
    portal = CLOUDS[profile.cloud].portal
    blade = BLADES.get(step)
    if blade and is_guid(profile.client_id):
        return f"{portal}/{_REGISTERED_APPS}/ApplicationMenuBlade/~/{blade}/appId/{profile.client_id}"
    return f"{portal}/{_REGISTERED_APPS}/ApplicationsListBlade"
