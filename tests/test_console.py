"""`python -m bot` with no tokens: the console on the sandbox, driven as a person would type."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.fakes.slack import fake_slack_in_thread
from tests.pngs import png_size
from tests.processes import clean_env


@pytest.mark.slow
def test_the_console_draws_a_real_png(tmp_path: Path) -> None:
    lines = "\n".join(
        [
            '/chart "Virtual Server:CPU Usage/Core[Basic]" last 3h',
            "@bot lag yesterday",
            "/chart cpuxyz",
            "/graph lag",
            "quit",
        ]
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=clean_env(),
        input=lines + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "mode:          console (auto)" in out
    assert "the built-in ServiceWatch sandbox" in out
    charts = sorted((tmp_path / "charts").glob("*.png"))
    assert [p.name.rsplit("-", 3)[0] for p in charts] == [
        "servicewatch-cpu-usage-core-basic",
        "servicewatch-replication-lag",
    ]
    assert all(png_size(p.read_bytes()) == (1400, 500) for p in charts)
    assert "chart: charts/servicewatch-cpu-usage-core-basic-" in out
    assert "*CPU Usage/Core[Basic]* · last 3h (" in out
    assert "  VirtualServer001: min " in out
    assert "chart (in the thread): charts/servicewatch-replication-lag-" in out
    assert "There is no metric “cpuxyz”" in out
    assert "Only /chart is a command here" in out


@pytest.mark.slow
def test_the_console_ends_at_end_of_input(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=clean_env(),
        input="",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0


@pytest.mark.slow
def test_http_mode_runs_until_sigterm(tmp_path: Path) -> None:
    with fake_slack_in_thread() as fake:
        env = clean_env(
            SLACK_BOT_TOKEN="xoxb-test-token",
            SERVICEWATCH_SANDBOX="true",
            SLACK_SIGNING_SECRET="s3cret",
            SLACK_API_URL=fake.api_url,
            BOT_HTTP_HOST="127.0.0.1",
            BOT_HTTP_PORT="0",
        )
        with subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as process:
            assert process.stdout is not None
            seen = []
            for line in process.stdout:
                seen.append(line)
                if line.strip().startswith("Listening:"):
                    break
            banner = "".join(seen)
            assert "mode:          http (auto)" in banner, banner + (process.stderr.read() if process.stderr else "")
            url = seen[-1].split()[1].removesuffix("/slack/events")
            assert httpx.get(f"{url}/healthz").json() == {"ok": True}
            ready = httpx.get(f"{url}/readyz")
            assert (ready.status_code, ready.json()["failing"]) == (200, {})
            assert 'servicewatch_bot_ready{check="slack"} 1.0' in httpx.get(f"{url}/metrics").text
            assert "ServiceWatch:  the built-in ServiceWatch sandbox" in banner
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
            assert "s3cret" not in (process.stderr.read() if process.stderr else "")


@pytest.mark.slow
def test_a_refused_token_stops_the_bot_with_a_clear_message(tmp_path: Path) -> None:
    with fake_slack_in_thread() as fake:
        env = clean_env(
            SLACK_BOT_TOKEN="xoxb-wrong",
            SLACK_SIGNING_SECRET="s3cret",
            SLACK_API_URL=fake.api_url,
            BOT_HTTP_PORT="0",
            SERVICEWATCH_SANDBOX="true",
        )
        result = subprocess.run(
            [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 1
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in result.stderr
    assert "xoxb-wrong" not in result.stderr + result.stdout


async def test_a_database_that_cannot_be_opened_is_said_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.config import load_settings
    from bot.run import run

    (tmp_path / "a-file").write_text("")  # a folder that cannot be made (as one a container may not write to)
    unusable = tmp_path / "a-file" / "bot.db"
    settings = load_settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{unusable}", bot_mode="console")
    assert await run(settings) == 1
    said = capsys.readouterr().err
    assert said.startswith("Could not migrate sqlite+aiosqlite:///")
    assert "Check DATABASE_URL and that the server runs." in said
    assert "Traceback" not in said
