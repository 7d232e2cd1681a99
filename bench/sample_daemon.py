"""What ms-identity-python-daemon's secret sample does: msal + requests, one token, one GET of Graph's users.

`python bench/sample_daemon.py CONFIG.json` with the sample's parameters.json keys (authority, client_id,
scope, secret, endpoint). Two changes only, both what the sandbox requires of any client: instance
discovery is off (the authority is not a Microsoft host) and requests trusts the sandbox CA through
REQUESTS_CA_BUNDLE, which the caller sets. Nothing from the wizard is imported.
"""

import json
import sys

import msal
import requests

config = json.load(open(sys.argv[1]))  # noqa: SIM115 - the sample's own line

app = msal.ConfidentialClientApplication(
    config["client_id"],
    authority=config["authority"],
    client_credential=config["secret"],
    instance_discovery=False,
)
result = app.acquire_token_silent(config["scope"], account=None)
if not result:
    result = app.acquire_token_for_client(scopes=config["scope"])
if "access_token" in result:
    graph_data = requests.get(
        config["endpoint"], headers={"Authorization": "Bearer " + result["access_token"]}, timeout=30
    ).json()
    print("Graph API call result: %s" % json.dumps(graph_data, indent=2))  # noqa: UP031 - as the sample
else:
    print(result.get("error"), result.get("error_description"), result.get("correlation_id"))
    sys.exit(1)
