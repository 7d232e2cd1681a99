// msal-node, unmodified, with a clientAssertion callback: a fresh external token from the sandbox's OIDC
// issuer for every call. Input: one JSON object on stdin; output: one JSON object on stdout.
import { createRequire } from "node:module";

const require = createRequire(process.env.MSAL_NODE_PREFIX + "/node_modules/");
const msal = require("@azure/msal-node");

const input = JSON.parse(await new Promise((resolve) => {
  let data = "";
  process.stdin.on("data", (chunk) => { data += chunk; });
  process.stdin.on("end", () => resolve(data));
}));

let calls = 0;
async function clientAssertion() {
  calls += 1;
  const r = await fetch(input.mintUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sub: input.subject }),
  });
  return (await r.json()).token;
}

const app = new msal.ConfidentialClientApplication({
  auth: {
    clientId: input.clientId,
    authority: input.authority,
    knownAuthorities: [new URL(input.authority).host],
    clientAssertion,
  },
});

const out = { version: msal.version ?? null };
try {
  const first = await app.acquireTokenByClientCredential({ scopes: [input.scope] });
  const second = await app.acquireTokenByClientCredential({ scopes: [input.scope], skipCache: true });
  out.ok = Boolean(first?.accessToken && second?.accessToken);
  out.tokenParts = first.accessToken.split(".").length;
} catch (e) {
  out.ok = false;
  out.errorCode = e.errorCode ?? null;
  out.subError = e.subError ?? null;
  out.errorMessage = String(e.errorMessage ?? e.message).split("\n")[0];
}
out.calls = calls;
process.stdout.write(JSON.stringify(out) + "\n");
