"""SharePoint Online as a scenario resource (its app id and roles), apart from its routes so that building a
scenario does not import the imitation (wizard.sandbox.sharepoint)."""

from __future__ import annotations

from wizard.sandbox.scenario import ApiSpec, AppRole

SHAREPOINT_APP_ID = "00000003-0000-0ff1-ce00-000000000000"


def sharepoint_api(tenant_name: str) -> ApiSpec:
    """SharePoint Online as a tenant's resource: `https://<tenant>.sharepoint.com`, v1 tokens, Sites roles."""
    return ApiSpec(
        name="sharepoint",
        app_id=SHAREPOINT_APP_ID,
        app_id_uri=f"https://{tenant_name}.sharepoint.com",
        display_name="Office 365 SharePoint Online",
        roles=(
            AppRole(
                "Sites.Read.All", "d13f72ca-a275-4b96-b789-48ebcc4da984", "Read items in all site collections"
            ),
            AppRole(
                "Sites.FullControl.All",
                "678536fe-1083-478a-9c59-b99265e6b0d3",
                "Have full control of all sites",
            ),
        ),
        access_token_version=1,
        object_id=SHAREPOINT_APP_ID,
        sp_object_id=SHAREPOINT_APP_ID,
    )
