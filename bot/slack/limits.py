"""Slack's limits on what the bot sends, in one place, each as Slack's reference documents it (docs.slack.dev/reference/
…, the page named beside it). slack_sdk's models refuse a longer text when a payload is made (`to_dict`), so every
text that may hold what people typed is cut to its limit first, with `bot.markup.cut` (never inside an `&amp;` or a
mention): the bot never fails on a long title, label or line."""

from __future__ import annotations

# Messages (chat.postMessage, chat.update, chat.postEphemeral).
# `text` beside blocks is the message's notification: Slack advises at most 4,000 characters and truncates past 40,000
# (methods/chat.postMessage, "Truncating really long messages"); the bot keeps it to the section it repeats.
MESSAGE_TEXT = 3000
BLOCKS_PER_MESSAGE = 50  # "You can include up to 50 blocks in each message" (block-kit/blocks)

# Blocks.
SECTION_TEXT = 3000  # section: "Maximum length for the text in this field is 3000 characters" (blocks/section-block)
TEXT_OBJECT = 3000  # a text object, as a context block's element: "maximum length is 3000 characters" (text-object)
HEADER_TEXT = 150  # header: "Maximum length for the text in this field is 150 characters" (blocks/header-block)
ALT_TEXT = 2000  # image: alt_text, "Maximum length for this field is 2000 characters" (blocks/image-block)
IMAGE_TITLE = 2000  # image: title, "Maximum length for the text in this field is 2000 characters" (blocks/image-block)
INPUT_LABEL = 2000  # input: label, "Maximum length for the text in this field is 2000 characters" (blocks/input-block)
INPUT_HINT = 2000  # input: hint, "Maximum length for the text in this field is 2000 characters" (blocks/input-block)

# Elements and composition objects.
LABEL = 75  # a button's text and an option's text: "Maximum length … is 75 characters" (button-element, option-object)
BUTTON_VALUE = 2000  # button: value, "Maximum length for this field is 2000 characters" (button-element)
OPTION_VALUE = 150  # option: value, "Maximum length for this field is 150 characters" (option-object)
OPTIONS_PER_MENU = 100  # static_select, and an external_select's answer: "Maximum number of options is 100"
PLACEHOLDER = 150  # select, plain_text_input: "Maximum length for the text in this field is 150 characters"
INPUT_VALUE = 3000  # plain_text_input: its max_length, "Maximum value is 3000" (plain-text-input-element)
CONFIRM_TITLE = 100  # confirmation dialog: title, "Maximum length for this field is 100 characters"
CONFIRM_TEXT = 300  # confirmation dialog: text, "Maximum length for this field is 300 characters"
CONFIRM_BUTTON = 30  # confirmation dialog: confirm and deny, "Maximum length for this field is 30 characters"

# Views (views.open, views.publish).
VIEW_TITLE = 24  # a modal's title, submit and close: "Maximum length for this field is 24 characters" (views/modal)
BLOCKS_PER_VIEW = 100  # a modal or the Home tab: "Maximum of 100 blocks" (views)

# Charts drawn by Slack's clients (blocks/data-visualization-block; what the page leaves unsaid, as third parties
# found it through `invalid_blocks`: 20 points a series, names and labels of 20 characters, 2 charts a message).
NATIVE_TITLE = 50  # "A short label displayed above the chart. Maximum 50 characters."
NATIVE_LINES = 6  # a line chart's series: "Min 1, max 6."
NATIVE_POINTS = 20  # a series' data points [third party]; one for each of the axis's categories
NATIVE_LABEL = 20  # a series' name, a point's label, an axis category [third party]
NATIVE_AXIS_LABEL = 50  # axis_config's x_label and y_label [third party]
NATIVE_CHARTS_PER_MESSAGE = 2  # [third party]
# Tables (blocks/table-block): "Maximum 100 rows. Each row object is an array with a max of 20 table cells."
TABLE_ROWS = 100
TABLE_CELLS = 20
