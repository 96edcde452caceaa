"""App Home's *SCP accounts* part (workspace admins only): each account (name, region, the access key's last four)
with a Remove button, an *Add SCP account* button, and the modal it opens; read back field by field."""

from __future__ import annotations

from typing import Any

from bot.errors import UserError
from bot.i18n import _
from bot.markup import for_slack
from bot.servicewatch.accounts import Account, check_account_name
from bot.servicewatch.endpoints import REGIONS_BY_ENVIRONMENT
from bot.slack.modal import ERROR_LIMIT
from bot.store.accounts import AccountInfo

ADD_ACTION = "scp_account_add"
REMOVE_ACTION = "scp_account_remove"
CALLBACK_ID = "scp_account_modal"
FIELDS = ("name", "access_key", "secret_key", "region", "environment", "account_id")
DEFAULT_REGION, DEFAULT_ENVIRONMENT = "kr-west1", "e"
SHOWN = 20  # accounts shown with their Remove button (App Home holds 100 blocks, shared with schedules)


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:75]}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": for_slack(text, 3000)}}


def accounts_blocks(accounts: list[AccountInfo], command: str) -> list[dict[str, Any]]:
    """The part's blocks: a header, one section per account with its Remove button, and the Add button."""
    blocks: list[dict[str, Any]] = [{"type": "divider"}, {"type": "header", "text": _plain(_("SCP accounts"))}]
    if not accounts:
        blocks.append(
            _section(
                _(
                    "None yet: charts use the bot's default ServiceWatch. Add one, then `{command} use NAME` in a "
                    "channel, or `account NAME` in a line."
                ).format(command=command)
            )
        )
    for info in accounts[:SHOWN]:
        remove = {
            "type": "button",
            "action_id": REMOVE_ACTION,
            "text": _plain(_("Remove")),
            "value": info.name,
            "style": "danger",
            "confirm": {
                "title": _plain(_("Remove this account?")),
                "text": _plain(
                    _("Charts stop using `{name}`; channels that use it by default lose it.").format(name=info.name)
                ),
                "confirm": _plain(_("Remove")),
                "deny": _plain(_("Keep")),
            },
        }
        text = _("`{name}` · {region} ({environment}) · access key …{tail}").format(
            name=info.name, region=info.region, environment=info.environment, tail=info.key_tail
        )
        blocks.append({**_section(text), "block_id": f"scp_account_{info.name}", "accessory": remove})
    if len(accounts) > SHOWN:
        more = _("… and {count} more; `{command} accounts` lists them all.")
        blocks.append(_section(more.format(count=len(accounts) - SHOWN, command=command)))
    add = {"type": "button", "action_id": ADD_ACTION, "text": _plain(_("Add SCP account")), "style": "primary"}
    blocks.append({"type": "actions", "block_id": "scp_accounts_add", "elements": [add]})
    return blocks


def _input(block_id: str, label: str, *, initial: str = "", hint: str = "", optional: bool = False) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": block_id, "multiline": False}
    if initial:
        element["initial_value"] = initial
    block: dict[str, Any] = {"type": "input", "block_id": block_id, "label": _plain(label), "element": element}
    if hint:
        block["hint"] = _plain(hint)
    if optional:
        block["optional"] = True
    return block


def account_modal() -> dict[str, Any]:
    """The *Add SCP account* modal."""
    environments = ", ".join(f"{env}: {'/'.join(regions)}" for env, regions in REGIONS_BY_ENVIRONMENT.items())
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": _plain(_("Add SCP account")[:24]),
        "submit": _plain(_("Check and save")[:24]),
        "close": _plain(_("Cancel")[:24]),
        "blocks": [
            _input("name", _("Name"), hint=_("What people type after `account`, e.g. prod or staging.")),
            _input("access_key", _("Access key")),
            _input("secret_key", _("Secret key"), hint=_("Stored encrypted; never shown again, not even to admins.")),
            _input("region", _("Region"), initial=DEFAULT_REGION),
            _input("environment", _("Environment"), initial=DEFAULT_ENVIRONMENT, hint=environments),
            _input("account_id", _("Account id"), optional=True),
        ],
    }


def _typed(values: dict[str, dict[str, Any]], block: str) -> str:
    value = (values.get(block, {}).get(block) or {}).get("value")
    return value.strip() if isinstance(value, str) else ""


def read_account(values: dict[str, dict[str, Any]]) -> tuple[Account | None, dict[str, str]]:
    """The account the modal's fields describe, or the errors to show under each field that is wrong."""
    typed = {block: _typed(values, block) for block in FIELDS}
    errors: dict[str, str] = {}
    try:
        name = check_account_name(typed["name"]) if typed["name"] else ""
    except UserError as exc:
        errors["name"] = str(exc)[:ERROR_LIMIT]
        name = ""
    for block in ("name", "access_key", "secret_key", "region", "environment"):
        if not typed[block] and block not in errors:
            errors[block] = _("This is needed.")
    region, environment = typed["region"], typed["environment"]
    if environment and environment not in REGIONS_BY_ENVIRONMENT:
        errors["environment"] = _("“{environment}” is not an SCP environment; use one of {known}.").format(
            environment=environment[:20], known=", ".join(sorted(REGIONS_BY_ENVIRONMENT))
        )
    elif region and environment and region not in REGIONS_BY_ENVIRONMENT[environment]:
        errors["region"] = _(
            "“{region}” is not a region of environment {environment}; regions there: {regions}."
        ).format(region=region[:20], environment=environment, regions=", ".join(REGIONS_BY_ENVIRONMENT[environment]))
    if errors:
        return None, errors
    account = Account(
        name=name,
        access_key=typed["access_key"],
        secret_key=typed["secret_key"],
        region=region,
        environment=environment,
        account_id=typed["account_id"],
    )
    return account, {}
