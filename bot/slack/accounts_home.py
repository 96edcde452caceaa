"""App Home's *SCP accounts* part (workspace admins only): each account (name, region, the access key's last four)
with a Remove button, an *Add SCP account* button, and the modal it opens; read back field by field."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, DividerBlock
from slack_sdk.models.views import View

from bot.errors import UserError
from bot.i18n import _
from bot.markup import cut
from bot.servicewatch.accounts import Account, check_account_name
from bot.servicewatch.endpoints import REGIONS_BY_ENVIRONMENT
from bot.slack.blocks import button, confirmation, header, plain, section, text_input
from bot.slack.limits import VIEW_TITLE
from bot.slack.modal import ERROR_LIMIT
from bot.store.accounts import AccountInfo

ADD_ACTION = "scp_account_add"
REMOVE_ACTION = "scp_account_remove"
CALLBACK_ID = "scp_account_modal"
FIELDS = ("name", "access_key", "secret_key", "region", "environment", "account_id")
DEFAULT_REGION, DEFAULT_ENVIRONMENT = "kr-west1", "e"
SHOWN = 20  # accounts shown with their Remove button (App Home holds 100 blocks, shared with schedules)
TYPED_SHOWN = 20  # characters of a typed environment or region quoted back in a refusal


def accounts_blocks(accounts: list[AccountInfo], command: str) -> list[Block]:
    """The part's blocks: a header, one section per account with its Remove button, and the Add button."""
    blocks: list[Block] = [DividerBlock(), header(_("SCP accounts"))]
    if not accounts:
        blocks.append(
            section(
                _(
                    "None yet: charts use the bot's default ServiceWatch. Add one, then `{command} use NAME` in a "
                    "channel, or `account NAME` in a line."
                ).format(command=command)
            )
        )
    for info in accounts[:SHOWN]:
        remove = button(
            _("Remove"),
            REMOVE_ACTION,
            value=info.name,
            style="danger",
            confirm=confirmation(
                _("Remove this account?"),
                _("Charts stop using `{name}`; channels that use it by default lose it.").format(name=info.name),
                _("Remove"),
                _("Keep"),
            ),
        )
        text = _("`{name}` · {region} ({environment}) · access key …{tail}").format(
            name=info.name, region=info.region, environment=info.environment, tail=info.key_tail
        )
        blocks.append(section(text, block_id=f"scp_account_{info.name}", accessory=remove))
    if len(accounts) > SHOWN:
        more = _("… and {count} more; `{command} accounts` lists them all.")
        blocks.append(section(more.format(count=len(accounts) - SHOWN, command=command)))
    add = button(_("Add SCP account"), ADD_ACTION, style="primary")
    blocks.append(ActionsBlock(block_id="scp_accounts_add", elements=[add]))
    return blocks


def account_modal() -> View:
    """The *Add SCP account* modal."""
    environments = ", ".join(f"{env}: {'/'.join(regions)}" for env, regions in REGIONS_BY_ENVIRONMENT.items())
    return View(
        type="modal",
        callback_id=CALLBACK_ID,
        title=plain(_("Add SCP account"), VIEW_TITLE),
        submit=plain(_("Check and save"), VIEW_TITLE),
        close=plain(_("Cancel"), VIEW_TITLE),
        blocks=[
            text_input("name", _("Name"), hint=_("What people type after `account`, e.g. prod or staging.")),
            text_input("access_key", _("Access key")),
            text_input(
                "secret_key", _("Secret key"), hint=_("Stored encrypted; never shown again, not even to admins.")
            ),
            text_input("region", _("Region"), initial=DEFAULT_REGION),
            text_input("environment", _("Environment"), initial=DEFAULT_ENVIRONMENT, hint=environments),
            text_input("account_id", _("Account id"), optional=True),
        ],
    )


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
        errors["name"] = cut(str(exc), ERROR_LIMIT)
        name = ""
    for block in ("name", "access_key", "secret_key", "region", "environment"):
        if not typed[block] and block not in errors:
            errors[block] = _("This is needed.")
    region, environment = typed["region"], typed["environment"]
    if environment and environment not in REGIONS_BY_ENVIRONMENT:
        errors["environment"] = _("“{environment}” is not an SCP environment; use one of {known}.").format(
            environment=cut(environment, TYPED_SHOWN), known=", ".join(sorted(REGIONS_BY_ENVIRONMENT))
        )
    elif region and environment and region not in REGIONS_BY_ENVIRONMENT[environment]:
        errors["region"] = _(
            "“{region}” is not a region of environment {environment}; regions there: {regions}."
        ).format(
            region=cut(region, TYPED_SHOWN),
            environment=environment,
            regions=", ".join(REGIONS_BY_ENVIRONMENT[environment]),
        )
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
