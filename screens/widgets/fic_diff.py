"""The claim-by-claim diff of a federated failure: for each credential, iss, sub and aud; a claim that
differs shows how, then the token's value and the credential's one under the other, so nothing is cut off."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from wizard.federated.claim_table import ClaimRow


def fic_diff_text(rows: tuple[ClaimRow, ...]) -> Text:
    text = Text()
    current = None
    for r in rows:
        if r.credential != current:
            current = r.credential
            text.append(f"{r.credential}\n", style="bold")
        if r.verdict == "same":
            text.append(f"  {r.claim}  same  {r.token}\n")
            continue
        text.append(f"  {r.claim}  ")
        text.append(f"DIFFERS  {r.verdict}\n", style="bold")
        text.append(f"       token       {r.token}\n")
        text.append(f"       credential  {r.expected}\n")
    return text


def fic_diff_table(rows: tuple[ClaimRow, ...]) -> Static:
    """A read-only view of the rows (a Static: long issuers and subjects wrap instead of scrolling away)."""
    return Static(fic_diff_text(rows), id="fic-diff")
