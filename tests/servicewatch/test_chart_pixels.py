"""A chart image is returned only once it decodes whole, within a chart's pixels: garbage between a PNG's header and
its IEND, a PNG cut short with its IEND put back, and a PNG of huge dimensions are refused; a JPEG is taken."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.sandbox import Fault, Sandbox
from bot.sandbox.bad_answers import as_jpeg, cut_png, garbage_png, huge_png
from bot.servicewatch import ServiceWatchClient
from bot.servicewatch.client import IMAGE_PATH
from bot.servicewatch.errors import BrokenImageError
from bot.servicewatch.images import ChartImage, check_image
from bot.servicewatch.models import MetricDataImageRequestV1Dot1
from bot.servicewatch.pixels import check_pixels
from tests.images import small_png
from tests.seed import seed_bodies

CHART = MetricDataImageRequestV1Dot1.model_validate(seed_bodies()["1.1"][1])


def checked(data: bytes) -> ChartImage:
    image = check_image(data)  # what came before: the magic bytes and the end marker
    check_pixels(image)
    return image


def test_a_whole_png_and_a_whole_jpeg_pass() -> None:
    png = small_png(300, 200)
    assert checked(png).media_type == "image/png"
    assert checked(as_jpeg(png)).media_type == "image/jpeg"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(garbage_png(), "does not decode", id="garbage"),
        pytest.param(cut_png(small_png(600, 400)), "does not decode", id="cut"),
        pytest.param(huge_png(9000, 100), r"has 9000×100 pixels, more than a chart has", id="too-wide"),
        pytest.param(huge_png(6000, 6000), r"has 6000×6000 pixels", id="too-many"),
        pytest.param(huge_png(20_000, 20_000), "has far too many pixels", id="bomb"),
    ],
)
def test_an_image_that_is_not_a_whole_chart_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(BrokenImageError, match=message):
        checked(data)


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (Fault(kind="garbage"), "The PNG chart from ServiceWatch does not decode"),
        (Fault(kind="cut"), "The PNG chart from ServiceWatch does not decode"),
        (Fault(kind="huge", width=20_000, height=20_000), "has far too many pixels"),
        (Fault(kind="huge", width=8001, height=500), "has 8001×500 pixels"),
    ],
)
async def test_the_client_refuses_a_broken_chart_over_http_once(
    sandbox: Sandbox, sandbox_client: Callable[..., ServiceWatchClient], fault: Fault, message: str
) -> None:
    sandbox.stock_images = True
    client = sandbox_client(max_retries=2)
    sandbox.plan.add(Fault(**{**vars(fault), "path": IMAGE_PATH, "times": 0}))
    with pytest.raises(BrokenImageError, match=message):
        await client.download_metric_data_image(CHART)
    assert sandbox.calls[IMAGE_PATH] == 1  # the same answer would come again


async def test_a_jpeg_from_servicewatch_is_taken(
    sandbox: Sandbox, sandbox_client: Callable[..., ServiceWatchClient]
) -> None:
    sandbox.stock_images = True
    sandbox.plan.add(Fault(kind="jpeg", path=IMAGE_PATH))
    image = await sandbox_client().download_metric_data_image(CHART)
    assert (image.media_type, image.data[:3]) == ("image/jpeg", b"\xff\xd8\xff")
