"""Block Kit as Slack checks it in chat.postMessage and chat.update, for the block kinds the bot uses: section,
context, image, actions (button, static_select, overflow) and divider, with the limits Slack's block reference
gives (docs.slack.dev/reference/block-kit/…). Any other kind is refused: this fake does not model it.

Each problem is worded as Slack words the `errors` of an `invalid_blocks` answer, `<what> [json-pointer:<where>]`
(as quoted in python-slack-sdk#1658 and #1782); the docs quote no wording, so only the pointer and, where an issue
quotes Slack, the words (`invalid slack file`, the file ID pattern) are Slack's own."""

from __future__ import annotations

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


def problems(blocks: list[Any], slack_file: SlackFileCheck) -> list[str]:
    """What Slack would refuse in `blocks`, each as `<what> [json-pointer:<where>]`; none when they are valid."""
    check = _Check(slack_file)
    if len(blocks) > MAX_BLOCKS:
        check.problem(f"no more than {MAX_BLOCKS} items allowed", "/blocks")
    for n, block in enumerate(blocks):
        check.block(block, f"/blocks/{n}")
    return check.found


class _Check:
    def __init__(self, slack_file: SlackFileCheck) -> None:
        self.found: list[str] = []
        self._slack_file = slack_file

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
        kinds = ("section", "context", "image", "actions", "divider") + (("header", "input") if in_view else ())
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
