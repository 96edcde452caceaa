"""A chart link as a Work Object (docs.slack.dev/messaging/work-objects): a file entity with the chart's image,
title, window and metric for the unfurl everyone in the conversation sees; for a viewer allowed to see the chart's
channel, the flexpane adds each line's numbers and a way to the chart's message (its controls); others get a short
refusal. Made with slack_sdk's metadata models."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.metadata import (
    EntityActionButton,
    EntityActions,
    EntityAttributes,
    EntityCustomField,
    EntityImageField,
    EntityMetadata,
    EntityPayload,
    EntityStringField,
    EntityTimestampField,
    EntityTitle,
    ExternalRef,
    FileEntityFields,
)

from bot.charts.facts import ChartFacts
from bot.i18n import _
from bot.markup import cut
from bot.slack.limits import ALT_TEXT
from bot.store.chart_links import ChartLink

FILE_ENTITY = "slack#/entities/file"
REF_TYPE = "servicewatch_chart"
OPEN_ACTION = "chart_link_open"
TITLE = 150  # characters of an entity's title shown
LABEL = 75  # characters of a custom field's label
FIELD = 500  # characters of a custom field's value


def chart_entity(
    link: ChartLink,
    facts: ChartFacts,
    url: str,
    *,
    pasted_url: str = "",
    numbers: bool = False,
    message_link: str = "",
) -> dict[str, Any]:
    """The chart `link` as a file entity: `url` its canonical link, `pasted_url` the link exactly as posted (what
    chat.unfurl unfurls); with `numbers`, each line's min/avg/max/last, the threshold and, with `message_link`, a
    button to the chart's message (the flexpane)."""
    fields = FileEntityFields(
        preview=_preview(link, facts),
        date_created=EntityTimestampField(value=int(link.posted_at.timestamp())),
        mime_type=EntityStringField(value="image/png"),
    )
    custom: list[dict[str, Any] | EntityCustomField] = [
        _field(_("Window"), "window", facts.window),
        _field(_("Metric"), "metric", facts.metric),
        _field(_("Statistic"), "statistic", _("{stat} per {period}").format(stat=facts.stat, period=facts.period)),
        _field(_("Posted in"), "channel", link.channel_id, kind="slack#/types/channel_id"),
    ]
    actions = None
    if numbers:
        for index, line in enumerate(facts.lines):
            numbers_text = _("min {min} · avg {avg} · max {max} · last {last}").format(
                min=line.minimum, avg=line.average, max=line.maximum, last=line.last
            )
            custom.append(_field(line.label or _("Line"), f"line_{index}", numbers_text))
        for index, threshold in enumerate(facts.thresholds):
            custom.append(_field(_("Alert"), f"threshold_{index}", threshold))
        if facts.sandbox:
            custom.append(_field(_("Data"), "sandbox", _("synthetic numbers from the built-in sandbox")))
        if message_link:
            button = EntityActionButton(text=_("Open the chart"), action_id=OPEN_ACTION, url=message_link)
            actions = EntityActions(primary_actions=[button])
    payload = EntityPayload(
        attributes=EntityAttributes(
            title=EntityTitle(text=cut(facts.title, TITLE) or "ServiceWatch"),
            display_type=_("ServiceWatch chart"),
            product_name="ServiceWatch",
        ),
        fields=fields,
        custom_fields=custom,
        actions=actions,
    )
    entity = EntityMetadata(
        entity_type=FILE_ENTITY,
        entity_payload=payload,
        external_ref=ExternalRef(id=link.token, type=REF_TYPE),
        url=url,
        app_unfurl_url=pasted_url or None,
    )
    return dict(entity.to_dict())


def refused_details() -> dict[str, Any]:
    """The flexpane of a viewer who may not see the charts of the link's channel: a short refusal and what to do."""
    return {
        "status": "custom",
        "custom_title": _("Only for the chart's channel"),
        "custom_message": _(
            "This chart was posted in a channel you are not in. Join it to see the numbers, or ask me for the chart "
            "in your own channel."
        ),
    }


def gone_details() -> dict[str, Any]:
    """The flexpane of a link the bot no longer knows (pruned, or from elsewhere)."""
    return {
        "status": "custom",
        "custom_title": _("Chart not found"),
        "custom_message": _("This chart link has expired or is not from this workspace; ask me for the chart again."),
    }


def _preview(link: ChartLink, facts: ChartFacts) -> EntityImageField | None:
    if not link.file_id:  # the message showed only the chart Slack's clients draw: no image to preview
        return None
    return EntityImageField(alt_text=cut(facts.alt_text, ALT_TEXT) or facts.title, slack_file={"id": link.file_id})


def _field(label: str, key: str, value: str, *, kind: str = "string") -> EntityCustomField:
    return EntityCustomField(label=cut(label, LABEL) or key, key=key, type=kind, value=cut(value, FIELD) or "–")
