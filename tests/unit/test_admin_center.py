"""The admin center deep links: the app's blade per step, the cloud's portal, the list without a client ID."""

from __future__ import annotations

from wizard.admin_center import admin_center_url
from wizard.clouds import Cloud
from wizard.profile import Profile

CLIENT = "c0ffee00-0002-4000-a000-00000000c11e"


def test_each_step_opens_its_blade_of_this_app() -> None:
    profile = Profile(client_id=CLIENT)
    assert admin_center_url(profile, "credential").endswith(f"/~/Credentials/appId/{CLIENT}")
    assert admin_center_url(profile, "consent").endswith(f"/~/CallAnAPI/appId/{CLIENT}")
    assert admin_center_url(profile, "registration").startswith("https://entra.microsoft.com/#view/")


def test_a_national_cloud_uses_its_portal() -> None:
    url = admin_center_url(Profile(client_id=CLIENT, cloud=Cloud.USGOV), "credential")
    assert url.startswith("https://portal.azure.us/#view/")


def test_without_a_client_id_the_app_list_opens() -> None:
    assert admin_center_url(Profile(client_id="not-a-guid"), "credential").endswith("/ApplicationsListBlade")
    assert admin_center_url(Profile(client_id=CLIENT), "start").endswith("/ApplicationsListBlade")
