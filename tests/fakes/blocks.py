"""Block Kit as Slack checks it in chat.postMessage and chat.update, for the block kinds the bot uses: section,
context, image, actions (button, static_select, overflow) and divider, with the limits Slack's block reference
gives (docs.slack.dev/reference/block-kit/…); and in messages only, the chart Slack's clients draw
(`data_visualization`: blocks/data-visualization-block) and the `table` (blocks/table-block). Any other kind is
refused: this fake does not model it. A Slack without the newer two (an older or restricted workspace) is played with
`native=False`: they are unknown kinds there, as any other.

The chart's rules are its reference's (title ≤ 50, 1–6 series, chart types) and, where the page says nothing, what
third parties found through `invalid_blocks` (a series' name, a point's label and each category ≤ 20 characters;
1–20 points a series, one finite number for each category, in order; series names unique; axis labels ≤ 50; at most
2 charts a message). A table: 1–100 rows of 1–20 `raw_text` cells (text of 1 character or more), column_settings of
at most 20 `{align: left|center|right, is_wrapped: bool}`; one table a message.

Each problem is worded as Slack words the `errors` of an `invalid_blocks` answer, `<what> [json-pointer:<where>]`
(as quoted in python-slack-sdk#1658 and #1782); the docs quote no wording, so only the pointer and, where an issue
quotes Slack, the words (`invalid slack file`, the file ID pattern) are Slack's own."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

MAX_BLOCKS = 50  # "You can include up to 50 blocks in each message"
MAX_BLOCK_ID = 255
FILE_ID = re.compile(r"^[F][A-Z0-9]{8,}$")  # Slack's pattern for slack_file.id (python-slack-sdk#1521)

# The fields each kind may carry; Slack refuses any other ("invalid additional property"). option_groups is left out:
# this fake does not model it.
FIELDS: dict[str, set[str]] = {
    "section": {"type", "block_id", "text", "fields", "accessory", "expand"},
    "context": {"type", "block_id", "elements"},
    "image": {"type", "block_id", "image_url", "slack_file", "alt_text", "title"},
    "actions": {"type", "block_id", "elements"},
    "divider": {"type", "block_id"},
    "button": {"type", "text", "action_id", "value", "url", "style", "confirm", "accessibility_label"},
    "static_select": {"type", "action_id", "options", "initial_option", "placeholder", "confirm", "focus_on_load"},
    "overflow": {"type", "action_id", "options", "confirm"},
    "plain_text": {"type", "text", "emoji"},
    "mrkdwn": {"type", "text", "verbatim"},
    "option": {"text", "value", "description", "url"},
    "image element": {"type", "image_url", "slack_file", "alt_text"},
    "slack_file": {"id", "url"},
    "data_visualization": {"type", "block_id", "title", "chart"},
    "series chart": {"type", "series", "axis_config"},
    "pie chart": {"type", "segments"},
    "data series": {"name", "data"},
    "data point": {"label", "value"},
    "axis_config": {"categories", "x_label", "y_label"},
    "table": {"type", "block_id", "rows", "column_settings"},
    "raw_text": {"type", "text"},
    "column setting": {"align", "is_wrapped"},
    # Views (views.publish, views.open): the Home tab and modals, with their header and input blocks.
    "header": {"type", "block_id", "text"},
    "input": {"type", "block_id", "label", "element", "hint", "optional", "dispatch_action"},
    "plain_text_input": {
        "type", "action_id", "initial_value", "multiline", "min_length", "max_length", "placeholder",
        "dispatch_action_config", "focus_on_load",
    },
    "external_select": {
        "type", "action_id", "initial_option", "min_query_length", "placeholder", "confirm", "focus_on_load",
    },
    "home": {"type", "blocks", "private_metadata", "callback_id", "external_id"},
    "modal": {
        "type", "title", "blocks", "close", "submit", "private_metadata", "callback_id", "clear_on_close",
        "notify_on_close", "external_id", "submit_disabled",
    },
}  # fmt: skip
MAX_VIEW_BLOCKS = 100  # "Maximum of 100 blocks" in a modal or the Home tab
INPUT_ELEMENTS = ("plain_text_input", "static_select", "external_select")
INTERACTIVE = ("button", "static_select", "overflow")
MESSAGE_KINDS = ("section", "context", "image", "actions", "divider")
NATIVE_KINDS = ("data_visualization", "table")
SERIES_CHARTS = ("line", "area", "bar")
NATIVE_TITLE, NATIVE_SERIES, NATIVE_POINTS, NATIVE_LABEL, NATIVE_AXIS = 50, 6, 20, 20, 50
NATIVE_PER_MESSAGE, TABLES_PER_MESSAGE, TABLE_ROWS, TABLE_CELLS = 2, 1, 100, 20

# Says what is wrong with a slack_file object ({"id": …} or {"url": …}), or None when the poster may show it.
SlackFileCheck = Callable[[dict[str, Any]], "str | None"]


def view_problems(view: Any) -> list[str]:
    """What Slack would refuse in a view (views.publish, views.open): a Home tab or a modal, its limits and its
    blocks (header and input blocks besides a message's kinds), each as `<what> [json-pointer:<where>]`."""
    check = _Check(lambda ref: "a view shows no slack_file here")
    kind = view.get("type") if isinstance(view, dict) else None
    if kind not in ("home", "modal"):
        check.problem("must be a valid enum value", "/view/type")
        return check.found
    if not check.fields(view, "/view", kind, ("blocks", "title") if kind == "modal" else ("blocks",)):
        return check.found
    for name in ("title", "submit", "close"):
        if name in view:
            check.text(view[name], f"/view/{name}", 24, plain=True)
    if "private_metadata" in view:
        check.string(view["private_metadata"], "/view/private_metadata", 3000, least=0)
    if "callback_id" in view:
        check.string(view["callback_id"], "/view/callback_id", 255)
    blocks = check.items(view["blocks"], "/view/blocks", MAX_VIEW_BLOCKS, least=0)
    if (
        kind == "modal"
        and "submit" not in view
        and any(b.get("type") == "input" for b in blocks if isinstance(b, dict))
    ):
        check.problem("a modal with input blocks must have a submit button", "/view/submit")
    for n, block in enumerate(blocks):
        check.block(block, f"/view/blocks/{n}", in_view=True)
    return check.found


def problems(blocks: list[Any], slack_file: SlackFileCheck, *, native: bool = True) -> list[str]:
    """What Slack would refuse in `blocks`, each as `<what> [json-pointer:<where>]`; none when they are valid.
    `native` False: a Slack that does not know the chart and table blocks."""
    check = _Check(slack_file, native=native)
    if len(blocks) > MAX_BLOCKS:
        check.problem(f"no more than {MAX_BLOCKS} items allowed", "/blocks")
    for n, block in enumerate(blocks):
        check.block(block, f"/blocks/{n}")
    kinds = [block.get("type") if isinstance(block, dict) else None for block in blocks]
    for kind, most in (("data_visualization", NATIVE_PER_MESSAGE), ("table", TABLES_PER_MESSAGE)):
        if native and kinds.count(kind) > most:
            check.problem(f"no more than {most} {kind} blocks allowed in a message", "/blocks")
    return check.found


class _Check:
    def __init__(self, slack_file: SlackFileCheck, *, native: bool = False) -> None:
        self.found: list[str] = []
        self._slack_file = slack_file
        self._native = native  # the chart and table blocks are known (messages only)

    def problem(self, what: str, at: str) -> None:
        self.found.append(f"{what} [json-pointer:{at}]")

    def fields(self, value: Any, at: str, kind: str, required: tuple[str, ...] = ()) -> bool:
        """An object of `kind`'s fields with its required ones; False (and the problem) otherwise."""
        if not isinstance(value, dict):
            self.problem("must provide an object", at)
            return False
        before = len(self.found)
        for extra in sorted(set(value) - FIELDS[kind]):
            self.problem(f"invalid additional property: {extra}", at)
        for name in required:
            if name not in value:
                self.problem(f"missing required field: {name}", at)
        return len(self.found) == before

    def string(self, value: Any, at: str, most: int, least: int = 1) -> None:
        if not isinstance(value, str):
            self.problem("must be a string", at)
        elif len(value) < least:
            self.problem(f"must be more than {least - 1} characters", at)
        elif len(value) > most:
            self.problem(f"must be less than {most + 1} characters", at)

    def items(self, value: Any, at: str, most: int, least: int = 1) -> list[Any]:
        if not isinstance(value, list):
            self.problem("must provide an array", at)
            return []
        if len(value) < least:
            self.problem(f"must provide at least {least} items", at)
        if len(value) > most:
            self.problem(f"no more than {most} items allowed", at)
        return value

    def text(self, value: Any, at: str, most: int, *, plain: bool = False) -> None:
        """A text object: plain_text (or mrkdwn where allowed) with 1 to `most` characters."""
        kinds = ("plain_text",) if plain else ("plain_text", "mrkdwn")
        if not isinstance(value, dict):
            self.problem("must provide an object", at)
            return
        kind = str(value.get("type"))
        if kind not in kinds:
            self.problem("must be a valid enum value", f"{at}/type")
            return
        if self.fields(value, at, kind, ("text",)):
            self.string(value["text"], f"{at}/text", most)

    def block(self, block: Any, at: str, *, in_view: bool = False) -> None:
        kind = block.get("type") if isinstance(block, dict) else None
        kinds = MESSAGE_KINDS + (("header", "input") if in_view else NATIVE_KINDS if self._native else ())
        if kind not in kinds:
            self.problem(f"unsupported type: {kind}", f"{at}/type")
            return
        if not self.fields(block, at, kind):
            return
        if "block_id" in block:
            self.string(block["block_id"], f"{at}/block_id", MAX_BLOCK_ID)
        if kind == "section":
            self.section(block, at)
        elif kind == "context":
            for n, element in enumerate(self.items(block.get("elements"), f"{at}/elements", 10)):
                if isinstance(element, dict) and element.get("type") == "image":
                    self.image(element, f"{at}/elements/{n}", "image element")
                else:
                    self.text(element, f"{at}/elements/{n}", 3000)
        elif kind == "image":
            self.image(block, at, "image")
            if "title" in block:
                self.text(block["title"], f"{at}/title", 2000, plain=True)
        elif kind == "actions":
            for n, element in enumerate(self.items(block.get("elements"), f"{at}/elements", 25)):
                self.element(element, f"{at}/elements/{n}")
        elif kind == "header":
            if "text" not in block:
                self.problem("missing required field: text", at)
            else:
                self.text(block["text"], f"{at}/text", 150, plain=True)
        elif kind == "input":
            self.input(block, at)
        elif kind == "data_visualization":
            self.chart_block(block, at)
        elif kind == "table":
            self.table(block, at)

    def number(self, value: Any, at: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.problem("must be a number", at)

    def chart_block(self, block: dict[str, Any], at: str) -> None:
        """A data_visualization block: its title and one chart (pie segments, or series along categories)."""
        for name in ("title", "chart"):
            if name not in block:
                self.problem(f"missing required field: {name}", at)
        if "title" in block:
            self.string(block["title"], f"{at}/title", NATIVE_TITLE)
        chart = block.get("chart")
        kind = chart.get("type") if isinstance(chart, dict) else None
        if chart is None:
            return
        if kind == "pie":
            if self.fields(chart, f"{at}/chart", "pie chart", ("segments",)):
                for n, segment in enumerate(self.items(chart["segments"], f"{at}/chart/segments", NATIVE_SERIES)):
                    if self.fields(segment, f"{at}/chart/segments/{n}", "data point", ("label", "value")):
                        self.string(segment["label"], f"{at}/chart/segments/{n}/label", NATIVE_LABEL)
                        self.number(segment["value"], f"{at}/chart/segments/{n}/value")
                        if isinstance(segment["value"], int | float) and segment["value"] <= 0:
                            self.problem("must be greater than 0", f"{at}/chart/segments/{n}/value")
            return
        if kind not in SERIES_CHARTS:
            self.problem("must be a valid enum value", f"{at}/chart/type")
            return
        if not self.fields(chart, f"{at}/chart", "series chart", ("series", "axis_config")):
            return
        axis = chart["axis_config"]
        categories: list[Any] = []
        if self.fields(axis, f"{at}/chart/axis_config", "axis_config", ("categories",)):
            categories = self.items(axis["categories"], f"{at}/chart/axis_config/categories", NATIVE_POINTS)
            for n, category in enumerate(categories):
                self.string(category, f"{at}/chart/axis_config/categories/{n}", NATIVE_LABEL)
            for name in ("x_label", "y_label"):
                if name in axis:
                    self.string(axis[name], f"{at}/chart/axis_config/{name}", NATIVE_AXIS)
        names: list[Any] = []
        for n, series in enumerate(self.items(chart["series"], f"{at}/chart/series", NATIVE_SERIES)):
            where = f"{at}/chart/series/{n}"
            if not self.fields(series, where, "data series", ("name", "data")):
                continue
            self.string(series["name"], f"{where}/name", NATIVE_LABEL)
            if series["name"] in names:
                self.problem("series names must be unique", f"{where}/name")
            names.append(series["name"])
            points = self.items(series["data"], f"{where}/data", NATIVE_POINTS)
            labels = []
            for m, point in enumerate(points):
                if self.fields(point, f"{where}/data/{m}", "data point", ("label", "value")):
                    self.string(point["label"], f"{where}/data/{m}/label", NATIVE_LABEL)
                    self.number(point["value"], f"{where}/data/{m}/value")
                    labels.append(point["label"])
            if categories and labels != categories:
                self.problem("must have one data point for each category, in order", f"{where}/data")

    def table(self, block: dict[str, Any], at: str) -> None:
        """A table block: rows of raw_text cells, and how its columns are aligned and wrapped."""
        if "rows" not in block:
            self.problem("missing required field: rows", at)
            return
        for n, row in enumerate(self.items(block["rows"], f"{at}/rows", TABLE_ROWS)):
            for m, cell in enumerate(self.items(row, f"{at}/rows/{n}", TABLE_CELLS)):
                kind = cell.get("type") if isinstance(cell, dict) else None
                if kind != "raw_text":
                    self.problem(f"unsupported type: {kind}", f"{at}/rows/{n}/{m}/type")
                elif self.fields(cell, f"{at}/rows/{n}/{m}", "raw_text", ("text",)):
                    self.string(cell["text"], f"{at}/rows/{n}/{m}/text", 10000)
        for n, setting in enumerate(self.items(block.get("column_settings", []), f"{at}/column_settings", 20, 0)):
            if setting is None:
                continue
            if self.fields(setting, f"{at}/column_settings/{n}", "column setting"):
                if setting.get("align", "left") not in ("left", "center", "right"):
                    self.problem("must be a valid enum value", f"{at}/column_settings/{n}/align")
                if not isinstance(setting.get("is_wrapped", False), bool):
                    self.problem("must be a boolean", f"{at}/column_settings/{n}/is_wrapped")

    def input(self, block: dict[str, Any], at: str) -> None:
        """An input block: a plain_text label, a hint, and one input element."""
        for name in ("label", "element"):
            if name not in block:
                self.problem(f"missing required field: {name}", at)
        if "label" in block:
            self.text(block["label"], f"{at}/label", 2000, plain=True)
        if "hint" in block:
            self.text(block["hint"], f"{at}/hint", 2000, plain=True)
        element = block.get("element")
        kind = element.get("type") if isinstance(element, dict) else None
        if kind not in INPUT_ELEMENTS:
            self.problem(f"unsupported type: {kind}", f"{at}/element/type")
        elif kind == "plain_text_input":
            if self.fields(element, f"{at}/element", kind):
                if "action_id" in element:
                    self.string(element["action_id"], f"{at}/element/action_id", 255)
                if "initial_value" in element:
                    self.string(element["initial_value"], f"{at}/element/initial_value", 3000, least=0)
                if "placeholder" in element:
                    self.text(element["placeholder"], f"{at}/element/placeholder", 150, plain=True)
        elif kind == "external_select":
            if self.fields(element, f"{at}/element", kind) and "placeholder" in element:
                self.text(element["placeholder"], f"{at}/element/placeholder", 150, plain=True)
        else:
            self.element(element, f"{at}/element")

    def section(self, block: dict[str, Any], at: str) -> None:
        if "text" not in block and "fields" not in block:
            self.problem("missing required field: text", at)
        if "text" in block:
            self.text(block["text"], f"{at}/text", 3000)
        if "fields" in block:
            for n, item in enumerate(self.items(block["fields"], f"{at}/fields", 10)):
                self.text(item, f"{at}/fields/{n}", 2000)
        if "accessory" in block:
            self.element(block["accessory"], f"{at}/accessory")

    def element(self, element: Any, at: str) -> None:
        kind = element.get("type") if isinstance(element, dict) else None
        if kind not in INTERACTIVE:
            self.problem(f"unsupported type: {kind}", f"{at}/type")
            return
        required = ("text",) if kind == "button" else ("options",)
        if not self.fields(element, at, kind, required):
            return
        if "action_id" in element:
            self.string(element["action_id"], f"{at}/action_id", 255)
        if kind == "button":
            self.text(element["text"], f"{at}/text", 75, plain=True)
            if "value" in element:
                self.string(element["value"], f"{at}/value", 2000)
            if "url" in element:
                self.string(element["url"], f"{at}/url", 3000)
            if element.get("style", "primary") not in ("primary", "danger"):
                self.problem("must be a valid enum value", f"{at}/style")
            return
        most = 100 if kind == "static_select" else 5
        for n, option in enumerate(self.items(element["options"], f"{at}/options", most)):
            self.option(option, f"{at}/options/{n}")
        if "placeholder" in element:
            self.text(element["placeholder"], f"{at}/placeholder", 150, plain=True)
        if "initial_option" in element:
            self.option(element["initial_option"], f"{at}/initial_option")

    def option(self, option: Any, at: str) -> None:
        if self.fields(option, at, "option", ("text", "value")):
            self.text(option["text"], f"{at}/text", 75, plain=True)
            self.string(option["value"], f"{at}/value", 150)

    def image(self, image: dict[str, Any], at: str, kind: str) -> None:
        """An image block or a context's image element: a public image_url or a slack_file, and alt_text."""
        if not self.fields(image, at, kind, ("alt_text",)):
            return
        self.string(image["alt_text"], f"{at}/alt_text", 2000)
        if ("image_url" in image) == ("slack_file" in image):
            self.problem("must provide exactly one of image_url, slack_file", at)
        elif "image_url" in image:
            self.string(image["image_url"], f"{at}/image_url", 3000)
        else:
            self.slack_file(image["slack_file"], f"{at}/slack_file")

    def slack_file(self, ref: Any, at: str) -> None:
        """`id` or `url`, never both (docs.slack.dev/reference/block-kit/composition-objects/slack-file-object);
        then whether the poster may show that file, which the fake decides."""
        if not self.fields(ref, at, "slack_file"):
            return
        if ("id" in ref) == ("url" in ref):
            self.problem("must provide exactly one of id, url", at)
        elif "id" in ref and not (isinstance(ref["id"], str) and FILE_ID.match(ref["id"])):
            self.problem(f"input must match regex pattern: {FILE_ID.pattern}", f"{at}/id")
        elif (why := self._slack_file(ref)) is not None:
            self.problem(why, at)
