"""What a chart request says, before it meets the catalog or the clock."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.i18n import _
from bot.language.timerange import Window


@dataclass(frozen=True)
class MetricRef:
    """A metric as typed: `Virtual Server:CPU Usage/Core[Basic]` or a bare `CPU Usage/Core[Basic]` (or `cpu`)."""

    name: str
    namespace: str | None = None
    dimensions: tuple[tuple[str, str], ...] = ()
    color: str | None = None
    label: str | None = None
    more_colors: tuple[str, ...] = ()  # `color` given more times than there are metrics: one per line, in order
    more_labels: tuple[str, ...] = ()
    quoted: bool = field(default=False, compare=False)  # typed in quotes: a metric, never a resource

    @property
    def text(self) -> str:
        return f"{self.namespace}:{self.name}" if self.namespace else self.name


@dataclass(frozen=True)
class ThreadRef:
    """The thread a chart goes into, from `thread <permalink>`."""

    channel_id: str
    thread_ts: str
    permalink: str


@dataclass(frozen=True)
class ChartSpec:
    """One chart: metrics, and the window and options that apply to all of them. Unset fields take defaults."""

    metrics: tuple[MetricRef, ...]
    window: Window | None = None
    period: int | None = None
    stat: str | None = None
    size: tuple[int, int] | None = None
    tz: str | None = None
    title: str | None = None
    thread: ThreadRef | None = None
    dry_run: bool = False
    account: str | None = None  # the SCP account named by the line (`account staging`), lower-cased
    compare: bool = False  # beside the same window a day and a week earlier (`vs yesterday`, `지난주 대비`)
    # How typos were read, (typed, meant): `lats` as `last`. Words, not a sentence: the reader speaks no language, so a
    # line read once (at the acknowledgement) is answered in the asker's.
    notes: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    # typos as near to two words or more, read as typed: (the word, the words it may be); asked when nothing is drawn
    unsure: tuple[tuple[str, tuple[str, ...]], ...] = field(default=(), compare=False)
    unsupported_stat: str | None = None  # a statistic ServiceWatch does not draw (`p95`): refused with the metric's

    def over(self, saved: ChartSpec) -> ChartSpec:
        """This request run on top of a saved chart: the saved metrics (plus any named here), and
        every option given here in place of the saved one."""
        return replace(
            saved,
            metrics=saved.metrics + self.metrics,
            window=self.window or saved.window,
            period=self.period or saved.period,
            stat=self.stat or saved.stat,
            size=self.size or saved.size,
            tz=self.tz or saved.tz,
            title=self.title or saved.title,
            thread=self.thread or saved.thread,
            dry_run=self.dry_run or saved.dry_run,
            account=self.account or saved.account,
            compare=self.compare or saved.compare,
            unsupported_stat=self.unsupported_stat or saved.unsupported_stat,
        )


# What a whole line asks for ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartRequest:
    """`/chart CHART [WINDOW] [OPTIONS]`."""

    spec: ChartSpec
    text: str


@dataclass(frozen=True)
class HelpRequest:
    """`/chart help` (or nothing at all)."""

    topic: str = ""


@dataclass(frozen=True)
class MetricsRequest:
    """`/chart metrics [NAMESPACE] [TEXT]`: browse the catalog."""

    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class SaveRequest:
    """`/chart save NAME CHART [WINDOW] [OPTIONS]`; `text` is the chart part, stored as typed."""

    name: str
    spec: ChartSpec
    text: str


@dataclass(frozen=True)
class SavedRequest:
    """`/chart saved [page N]` (`저장목록 [N쪽]`): this channel's saved charts, a page of them."""

    page: int = 1


@dataclass(frozen=True)
class ForgetRequest:
    """`/chart forget NAME`."""

    name: str


@dataclass(frozen=True)
class ScheduleRequest:
    """`/chart schedule …`, `schedules`, `pause|resume|delete|run|next ID`, and `follow …` / `stop` in a thread."""

    action: str
    words: tuple[str, ...] = field(default_factory=tuple)
    text: str = ""  # the rest of the line as typed, for the scheduler's own grammar


@dataclass(frozen=True)
class AlertsRequest:
    """`/chart alerts [TEXT]` (`알림 [TEXT]`, `알림 목록 [TEXT]`): the ServiceWatch alert policies whose name,
    namespace, metric or resource holds every word (see `bot.charts.alerts.matches`)."""

    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class WatchRequest:
    """`/chart watch alerts [level high|middle|low] [NAMESPACE|METRIC|ALERT NAME…] [nodata] [in #channel]` (`알림 감시
    [심각도 높음|중간|낮음] [단어…] [데이터없음] [#채널에]`): post a chart to the channel when a matching alert fires.

    `level` is the lowest level watched, `HIGH`, `MIDDLE` or `LOW` (`level middle`: MIDDLE and HIGH; see
    `bot.charts.alerts.at_least`); None: every level. `words` must each be found in the alert (empty: every alert).
    `channel_id`: None means the channel it was asked in. `text`: what followed the command words, as typed.
    `no_data` (`nodata`, `데이터없음`): the channel is also told when an alert has no data (INSUFFICIENT_DATA)."""

    level: str | None
    words: tuple[str, ...]
    channel_id: str | None
    text: str
    no_data: bool = False


@dataclass(frozen=True)
class WatchesRequest:
    """`/chart watches [page N]` (`감시 목록 [N쪽]`): this channel's alert watches, a page of them."""

    page: int = 1


@dataclass(frozen=True)
class UnwatchRequest:
    """`/chart unwatch ID` (`감시 해제 ID`): stop one watch."""

    watch_id: int


@dataclass(frozen=True)
class AccountsRequest:
    """`/chart accounts` (`계정 목록`): the workspace's SCP accounts and this channel's default."""


@dataclass(frozen=True)
class UseAccountRequest:
    """`/chart use NAME` (`계정 사용 NAME`): the channel's charts use the SCP account NAME unless a line names one."""

    name: str


Request = (
    ChartRequest
    | HelpRequest
    | MetricsRequest
    | SaveRequest
    | SavedRequest
    | ForgetRequest
    | ScheduleRequest
    | AlertsRequest
    | WatchRequest
    | WatchesRequest
    | UnwatchRequest
    | AccountsRequest
    | UseAccountRequest
)


def read_as(typed: str, meant: str) -> str:
    """How the comment line says a typo was read: `read “lats” as “last”`, in the language being spoken."""
    return _("read “{typed}” as “{meant}”").format(typed=typed, meant=meant)
