"""What keys a Slack workspace's data: the team id, or the enterprise id of an org-wide (Enterprise Grid) install; ""
for the single-workspace setup, the console and the CLI. Shared by the installation store and the Slack side."""

from __future__ import annotations

SINGLE = ""  # the key of the single-workspace setup, the console and the CLI


def workspace_key(enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False) -> str:
    """What keys a workspace's data: the enterprise id of an org-wide install, else the team id."""
    if is_enterprise_install and enterprise_id:
        return enterprise_id
    return team_id or enterprise_id or SINGLE
