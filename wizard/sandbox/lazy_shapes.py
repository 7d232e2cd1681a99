"""What each lazily loaded module's routes match, one "METHODS PATH" a route in matching order ("*": any
method), so that a request none of them can match imports nothing (wizard.sandbox.lazy_routes).

Generated from the modules' routes: `python -m wizard.sandbox.lazy_shapes_gen --write`, never by hand
(tests/unit/test_sandbox_lazy_routes.py fails when a module's routes and this file differ).
"""

from __future__ import annotations

SHAPES: dict[str, tuple[str, ...]] = {
    "wizard.sandbox.devicecode": ("GET HEAD POST /devicelogin",),
    "wizard.sandbox.todo": (
        "GET HEAD POST /api/todolist",
        "DELETE GET HEAD PUT /api/todolist/{item_id}",
    ),
    "wizard.sandbox.azure_rm": (
        "GET HEAD /azure/management/subscriptions/{subscription}/resourcegroups",
        "GET HEAD /azure/management/subscriptions/{subscription}/resourceGroups",
    ),
    "wizard.sandbox.keyvault": (
        "GET HEAD /azure/keyvault/{vault}/secrets/{name}",
        "GET HEAD /azure/keyvault/{vault}/secrets/{name}/{version}",
    ),
    "wizard.sandbox.sharepoint": (
        "GET HEAD /sharepoint/_api/web",
        "GET HEAD /sharepoint/sites/{site}/_api/web",
    ),
    "wizard.sandbox.storage": ("GET HEAD PUT /azure/storage/{account}/{container}/{name:path}",),
    "wizard.sandbox.messaging": (
        "POST /azure/servicebus/{namespace}/{entity}/messages",
        "DELETE POST /azure/servicebus/{namespace}/{entity}/messages/head",
    ),
    "wizard.sandbox.powerbi": (
        "GET HEAD /powerbi/v1.0/myorg/groups",
        "GET HEAD /powerbi/v1.0/myorg/groups/{group}/reports",
        "GET HEAD /powerbi/v1.0/myorg/admin/{rest:path}",
    ),
    "wizard.sandbox.dataverse": ("GET HEAD /dataverse/{org}/api/data/{version}/{table}",),
    "wizard.sandbox.graph_mail": ("GET HEAD /v1.0/users/{ident}/messages",),
    "wizard.sandbox.graph_writes": ("PATCH /v1.0/users/{ident}",),
    "wizard.sandbox.graph_fic": (
        "GET HEAD POST /v1.0/applications/{object_id}/federatedIdentityCredentials",
        "GET HEAD POST /v1.0/applications(appId='{app_id}')/federatedIdentityCredentials",
        "DELETE GET HEAD PATCH /v1.0/applications/{object_id}/federatedIdentityCredentials(name='{name}')",
        "DELETE GET HEAD PATCH /v1.0/applications(appId='{app_id}')/federatedIdentityCredentials(name='{name}')",
        "DELETE GET HEAD PATCH /v1.0/applications/{object_id}/federatedIdentityCredentials/{fic}",
        "DELETE GET HEAD PATCH /v1.0/applications(appId='{app_id}')/federatedIdentityCredentials/{fic}",
    ),
    "wizard.sandbox.graph_credentials": (
        "POST /v1.0/applications/{object_id}/addPassword",
        "POST /v1.0/applications/{object_id}/removePassword",
    ),
    "wizard.sandbox.graph_keys": (
        "POST /v1.0/applications/{object_id}/addKey",
        "POST /v1.0/applications(appId='{app_id}')/addKey",
        "POST /v1.0/applications/{object_id}/removeKey",
        "POST /v1.0/applications(appId='{app_id}')/removeKey",
    ),
    "wizard.sandbox.graph_write_apps": (
        "POST /v1.0/applications",
        "DELETE GET HEAD PATCH /v1.0/applications(uniqueName='{unique_name}')",
        "DELETE PATCH /v1.0/applications/{object_id}",
        "GET HEAD /v1.0/directory/deletedItems/microsoft.graph.application",
        "GET HEAD /v1.0/directory/deletedItems/graph.application",
        "POST /v1.0/directory/deletedItems/{object_id}/restore",
        "DELETE GET HEAD /v1.0/directory/deletedItems/{object_id}",
    ),
    "wizard.sandbox.graph_write_sps": (
        "POST /v1.0/servicePrincipals",
        "PATCH /v1.0/servicePrincipals(appId='{app_id}')",
        "GET HEAD POST /v1.0/servicePrincipals/{sp_id}/appRoleAssignedTo",
        "GET HEAD POST /v1.0/servicePrincipals/{sp_id}/appRoleAssignments",
        "DELETE /v1.0/servicePrincipals/{sp_id}/appRoleAssignedTo/{assignment_id}",
        "DELETE /v1.0/servicePrincipals/{sp_id}/appRoleAssignments/{assignment_id}",
        "DELETE GET HEAD PATCH /v1.0/servicePrincipals/{sp_id}",
    ),
    "wizard.sandbox.graph_policy_reads": (
        "GET HEAD /v1.0/policies/authorizationPolicy",
        "GET HEAD /v1.0/policies/defaultAppManagementPolicy",
    ),
}
