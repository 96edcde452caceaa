"""The words of the chat language, English and Korean: commands, options, statistics, window and joining words.

One table per kind of word, so the parser, the resolver's did-you-mean and the help all read the same list."""

from __future__ import annotations

# Commands: every spelling → the command it names.
COMMANDS = {
    "help": "help", "도움말": "help", "도움": "help",
    "metrics": "metrics", "메트릭": "metrics", "지표": "metrics",
    "save": "save", "저장": "save",
    "saved": "saved", "목록": "saved", "저장목록": "saved",
    "forget": "forget", "잊기": "forget",
}  # fmt: skip
SCHEDULE_COMMANDS = {
    "schedule": "schedule", "예약": "schedule",
    "schedules": "schedules", "예약목록": "schedules",
    "pause": "pause", "일시정지": "pause",
    "resume": "resume", "재개": "resume",
    "delete": "delete", "삭제": "delete",
    "run": "run", "실행": "run",
    "next": "next", "다음": "next",
    "follow": "follow", "따라가기": "follow",
    "stop": "stop", "중지": "stop",
}  # fmt: skip
# Words people reach for that are not commands, and the command that does it (`unschedule 3` → `delete 3`).
COMMAND_SYNONYMS = {
    "unschedule": "delete", "remove": "delete", "rm": "delete", "cancel": "delete", "del": "delete",
    "drop": "delete", "취소": "delete", "unpause": "resume", "continue": "resume", "restart": "resume",
    "suspend": "pause", "hold": "pause", "list": "schedules", "ls": "schedules", "show": "saved",
    "trigger": "run", "when": "next", "unsave": "forget", "untrack": "stop", "unfollow": "stop",
    "unsubscribe": "unwatch", "watchlist": "watches", "watching": "watches",
}  # fmt: skip

# Alerts: the words a line starts with (one or two) → the command. `watch` and `감시` start commands but are none
# alone (`watch alerts`, `감시 목록`, `감시 해제`): a stray `watch` must not watch every alert.
ALERT_COMMANDS = {
    ("alerts",): "alerts", ("alert",): "alerts", ("알림",): "alerts", ("알림", "목록"): "alerts",
    ("알림목록",): "alerts",
    ("watch", "alerts"): "watch", ("watch", "alert"): "watch", ("알림", "감시"): "watch", ("알림감시",): "watch",
    ("watches",): "watches", ("감시", "목록"): "watches", ("감시목록",): "watches",
    ("unwatch",): "unwatch", ("감시", "해제"): "unwatch", ("감시해제",): "unwatch",
}  # fmt: skip
ALERT_NOUNS = ("alerts", "alert", "알림")  # `wacth alerts` reads as a typo of `watch alerts`
WATCH_SYNONYMS = ("subscribe", "monitor", "track")  # before `alerts`: `subscribe alerts` → watch alerts
ALERT_HEADS = frozenset(words[0] for words in ALERT_COMMANDS)  # alerts, alert, 알림, watch, 감시, …
# How each alert command is written, in English and in Korean (did-you-mean, refusals).
ALERT_PHRASES = {
    "alerts": ("alerts", "알림"),
    "watch": ("watch alerts", "알림 감시"),
    "watches": ("watches", "감시 목록"),
    "unwatch": ("unwatch", "감시 해제"),
}
# `level high` (`심각도 높음`): the lowest level a watch posts for.
LEVEL_WORDS = ("level", "심각도", "등급")
LEVEL_VALUES = {
    "high": "HIGH", "높음": "HIGH", "상": "HIGH",
    "middle": "MIDDLE", "medium": "MIDDLE", "mid": "MIDDLE", "중간": "MIDDLE", "보통": "MIDDLE", "중": "MIDDLE",
    "low": "LOW", "낮음": "LOW", "하": "LOW",
}  # fmt: skip
# A listing's page: `saved page 2`, `saved 2`, `저장목록 2쪽`, `감시 목록 2 페이지`.
PAGE_WORDS = ("page", "페이지", "쪽")
# `nodata` (`데이터없음`): the watch is also told when an alert has no data (INSUFFICIENT_DATA, e.g. a stopped server).
NO_DATA_WORDS = ("nodata", "no-data", "데이터없음")

# SCP accounts: `accounts` (`계정 목록`) lists them, `use NAME` (`계정 사용 NAME`) sets the channel's default. A line
# names one with the option `account NAME` (`계정 NAME`), below.
ACCOUNT_COMMANDS = {
    ("accounts",): "accounts", ("계정", "목록"): "accounts", ("계정목록",): "accounts",
    ("use",): "use", ("계정", "사용"): "use", ("계정사용",): "use",
}  # fmt: skip
ACCOUNT_PHRASES = {"accounts": ("accounts", "계정 목록"), "use": ("use", "계정 사용")}

OPTIONS = {
    "period": "period", "기간": "period", "주기": "period", "간격": "period",
    "stat": "stat", "stats": "stat", "statistic": "stat", "통계": "stat",
    "size": "size", "크기": "size",
    "tz": "tz", "timezone": "tz", "시간대": "tz",
    "title": "title", "제목": "title",
    "color": "color", "colour": "color", "색": "color", "색상": "color",
    "label": "label", "라벨": "label", "이름표": "label",
    "thread": "thread", "스레드": "thread",
    "account": "account", "계정": "account",
}  # fmt: skip
FLAGS = {"dry-run": "dry_run", "dryrun": "dry_run", "--dry-run": "dry_run", "미리보기": "dry_run"}

STATISTICS = {
    "avg": "AVG", "average": "AVG", "mean": "AVG", "평균": "AVG",
    "min": "MIN", "minimum": "MIN", "최소": "MIN", "최솟값": "MIN",
    "max": "MAX", "maximum": "MAX", "최대": "MAX", "최댓값": "MAX",
    "sum": "SUM", "total": "SUM", "합계": "SUM", "합": "SUM",
    "count": "CNT", "cnt": "CNT", "samples": "CNT", "개수": "CNT", "건수": "CNT",
}  # fmt: skip
# Korean statistics stand alone in a line (`cpu 지난 3시간 최대`): no metric is called that.
BARE_STATISTICS = {word: stat for word, stat in STATISTICS.items() if not word.isascii()}

# Windows
LAST = ("last", "past", "지난", "최근")
SINCE = ("since",)
FROM = ("from", "between")
UNTIL = ("until", "till")
RANGE_JOINERS = ("to", "until", "till", "and", "-", "–", "~")
AGO = ("ago", "전")
FROM_SUFFIX = "부터"  # 어제 오후 6시부터
UNTIL_SUFFIX = "까지"  # 2시간 전까지
FILLERS = ("동안",)  # 지난 3시간 동안
DAYS_BACK = {"today": 0, "오늘": 0, "yesterday": 1, "어제": 1, "그제": 2, "그저께": 2}
WEEKDAYS = {
    "monday": 0, "월요일": 0, "tuesday": 1, "화요일": 1, "wednesday": 2, "수요일": 2, "thursday": 3, "목요일": 3,
    "friday": 4, "금요일": 4, "saturday": 5, "토요일": 5, "sunday": 6, "일요일": 6,
}  # fmt: skip
MERIDIEMS = {"오전": "am", "오후": "pm", "새벽": "am", "저녁": "pm", "밤": "pm"}
# `this week`, `지난주`: the calendar week or month so far, or the one before it (unit, how many back).
CALENDAR = {
    ("this", "week"): ("week", 0), ("last", "week"): ("week", 1), ("this", "month"): ("month", 0),
    ("last", "month"): ("month", 1), ("이번", "주"): ("week", 0), ("지난", "주"): ("week", 1),
    ("이번", "달"): ("month", 0), ("지난", "달"): ("month", 1),
}  # fmt: skip
CALENDAR_WORDS = {"이번주": ("week", 0), "지난주": ("week", 1), "이번달": ("month", 0), "지난달": ("month", 1)}
WINDOW_WORDS = (
    *LAST, *SINCE, *FROM, *UNTIL, *DAYS_BACK, *WEEKDAYS, "now", "지금", "this", "이번",
    *CALENDAR_WORDS, *MERIDIEMS,
)  # fmt: skip

# Joining words between metrics and resources: `cpu of web-01 and web-02`. `,` and `+` always part names; the
# words part them only when the whole run names no metric (`Number of Connections` stays one name).
JOINING_WORDS = ("of", "on", "for", "and", "및", "와", "과", "의", "랑", "이랑", "하고", "그리고")
JOINERS = (*JOINING_WORDS, ",", "+")
KOREAN_PARTICLES = ("의", "와", "과", "랑")  # web-01의 cpu

RESERVED = frozenset(
    (
        *COMMANDS,
        *SCHEDULE_COMMANDS,
        *OPTIONS,
        *FLAGS,
        *WINDOW_WORDS,
        *JOINERS,
        *(word for words in ALERT_COMMANDS for word in words),
        *(word for words in ACCOUNT_COMMANDS for word in words),
        *LEVEL_WORDS,
        *NO_DATA_WORDS,
        "to",
        "in",
        "all",
        "every",
        "cron",
    )
)


def korean_command(command: str) -> str:
    """The Korean word for an English command (`delete` → `삭제`); the command itself when it has none."""
    for word, meaning in (*COMMANDS.items(), *SCHEDULE_COMMANDS.items()):
        if meaning == command and not word.isascii():
            return word
    return command


def language_words() -> list[str]:
    """Every word of the language (for did-you-mean beside the catalog's names)."""
    alert_words = {word for words in (*ALERT_COMMANDS, *ACCOUNT_COMMANDS) for word in words}
    return sorted({*COMMANDS, *SCHEDULE_COMMANDS, *OPTIONS, *FLAGS, *WINDOW_WORDS, *STATISTICS, *alert_words})
