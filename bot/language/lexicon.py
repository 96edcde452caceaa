"""The words people use around a chart that carry a meaning of their own kind, English and Korean: number words,
filler, parts of the day, months, statistics said as plain words, comparisons, resolutions and the everyday names
of metrics. One table per kind; the reader, the typo corrector and the help read the same tables."""

from __future__ import annotations

# Numbers said as words, before a unit: `two days`, `an hour`, `두 시간`, `세시간`.
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
    "forty-five": 45, "sixty": 60, "ninety": 90, "couple": 2,
    "한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10,
    "열두": 12, "스물": 20, "스물네": 24, "삼십": 30, "십오": 15, "이십": 20,
}  # fmt: skip
# Korean counts of days said in one word (하루 is one day, 이틀 two, …).
DAY_COUNTS = {
    "하루": 1, "이틀": 2, "사흘": 3, "나흘": 4, "닷새": 5, "엿새": 6, "이레": 7, "일주일": 7, "보름": 15,
    "한달": 30,
}  # fmt: skip
HALF = ("half", "반")  # `half an hour`, `half a day`

# Words that carry no meaning in a chart request: politeness, glue, asking. Dropped wherever they stand
# (only where no other kind of word claims them: `at 9am`, `from … to …` and `of`/`for`/`on` are read first).
FILLER = frozenset(
    {
        "show", "me", "please", "pls", "plz", "can", "could", "would", "will", "you", "i", "we", "want", "wanna",
        "see", "give", "get", "display", "draw", "chart", "graph", "plot", "what", "whats", "what's", "was", "were",
        "is", "are", "be", "been", "the", "over", "during", "within", "how", "hey", "hi", "hello", "thanks",
        "thank", "look", "looking", "like", "looked", "doing", "did", "does", "do", "let", "let's", "lets", "us",
        "check", "pull", "up", "just", "quick", "quickly", "some", "our", "my", "need", "needs", "about", "real",
        "quick,", "?", "!", ".", "…", "so", "far", "throughout", "whole", "entire", "across", "trend", "stats",
        "numbers", "data", "going", "on?", "happened", "happening", "there", "its", "it", "that", "this?", "view",
        "again", "now?", "right", "tell", "kindly", "mind", "bot", "@bot", "servicewatch", "metric", "values",
        "value", "level", "levels", "grab", "fetch", "pls?", "thx", "ok", "okay", "also", "same",
        "보여줘", "보여주세요", "보여줄래", "보여줄래요", "보여줄수", "보여", "줘", "주세요", "좀", "알려줘",
        "알려주세요",
        "알려줄래", "그래프", "차트", "확인", "확인해줘", "확인해", "확인해주세요", "볼", "수", "있을까요", "있나요",
        "볼수", "어때", "어땠어", "어땠는지", "어떤지", "어떻게", "됐어", "부탁", "부탁해", "부탁해요", "부탁드립니다",
        "부탁드려요", "해줘", "해주세요", "띄워줘", "띄워", "그려줘", "그려", "현황", "추이", "상태", "값", "기준",
        "데이터", "봐줘", "봐", "보자", "볼까", "싶어", "보고", "싶어요", "요", "좀요", "한번", "다시", "그", "전체",
        "내내", "동안의", "지표", "쭉", "얼마나", "였어", "이었어", "나와", "뽑아줘", "뽑아", "땡겨줘", "줄래",
        "줄래요", "주실래요", "주실", "있어", "어떘어", "어땟어", "어땠나요", "어땠는지좀", "보기", "조회", "조회해줘",
        "charts", "graphs", "both", "sorry", "bother", "wondering", "if", "possible", "i'd", "i'm", "curious",
        "anything", "weird", "wtf", "ugh", "picture", "big", "busy", "terms", "report", "weekly", "activity",
        "used", "much", "love", "how's", "looks", "seeing", "appreciate", "cheers", "hmm", "um",
        "봐줄", "봐줘요", "볼래", "보여줄", "보여줘요", "알려줄", "알려줄래요", "주라", "줘요", "샘플", "한번만",
        "혹시",
        "drawing", "all", "but", "more", "one", "많이", "같이", "번", "전부", "다", "모두", "때", "한번에",
        "번에",
        "궁금해",
        "궁금한데", "궁금합니다", "확인좀", "부탁요", "알려", "얼마였어", "어땠지", "있었어", "뭐였어",
        "거", "것",  # `어제 거`, `지난주 것`: yesterday's (one), last week's
    }
)  # fmt: skip
# Korean particles written onto the word before them (longest first). `web-01의`, `메모리를`, `cpu랑`.
PARTICLES = (
    "에서의", "으로", "에서", "이랑", "하고", "부터", "까지", "에는", "의", "를", "을", "이", "가", "은", "는", "로",
    "에",
    "도", "만", "와", "과", "랑",
)  # fmt: skip

# Parts of the day (start hour, end hour; an end past 24 runs into the next day).
PARTS_OF_DAY = {
    "새벽": (0, 6), "dawn": (0, 6),
    "아침": (6, 12), "morning": (6, 12),
    "오전": (0, 12),
    "점심": (12, 14), "lunchtime": (12, 14), "lunch": (12, 14), "noon": (12, 14),
    "오후": (12, 18), "afternoon": (12, 18),
    "저녁": (18, 24), "evening": (18, 24),
    "밤": (18, 30), "night": (18, 30), "overnight": (18, 30),
}  # fmt: skip
# One word for a day and a part of it: `tonight`, `어젯밤`.
DAY_PARTS = {
    "tonight": (0, "night"), "어젯밤": (1, "밤"), "오늘밤": (0, "밤"), "오늘아침": (0, "아침"), "어제아침": (1, "아침"),
    "어제저녁": (1, "저녁"), "오늘저녁": (0, "저녁"), "어제밤": (1, "밤"), "지난밤": (1, "밤"), "간밤": (1, "밤"),
}  # fmt: skip
EARLY = ("early",)  # `early morning` is 새벽

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
WEEKDAY_SHORT = {
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6,
    "월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6,
}  # fmt: skip

# Statistics said as plain words anywhere in a line (`max`, `peak`, `평균`).
STAT_WORDS = {
    "avg": "AVG", "average": "AVG", "mean": "AVG", "평균": "AVG", "평균값": "AVG",
    "min": "MIN", "minimum": "MIN", "lowest": "MIN", "least": "MIN", "최소": "MIN", "최솟값": "MIN", "최저": "MIN",
    "최소값": "MIN",
    "max": "MAX", "maximum": "MAX", "peak": "MAX", "peaks": "MAX", "highest": "MAX", "worst": "MAX", "최대": "MAX",
    "최댓값": "MAX", "최고": "MAX", "최대값": "MAX", "피크": "MAX", "최고치": "MAX", "최대치": "MAX", "최저치": "MIN",
    "sum": "SUM", "total": "SUM", "합계": "SUM", "총": "SUM", "합": "SUM", "총합": "SUM", "총량": "SUM",
    "count": "CNT", "개수": "CNT", "건수": "CNT", "횟수": "CNT",
}  # fmt: skip
# Statistics ServiceWatch does not draw: refused, naming them (p50…p99.9 match PERCENTILE below too).
OTHER_STATISTICS = frozenset(
    {"median", "stddev", "std", "variance", "percentile", "퍼센타일", "중앙값", "표준편차", "백분위"}
)
PERCENTILE = r"^(?:p|tp)\d{1,2}(?:\.\d+)?$|^\d{1,2}(?:th|번째)?(?:%|퍼센타일|percentile)$"

# Comparing with earlier: `vs yesterday`, `compared to last week`, `어제랑 비교`, `지난주 대비`.
COMPARE_WORDS = ("vs", "vs.", "versus", "compared", "compare", "compares", "comparing", "against", "비교", "대비",
"비교해서",
                 "비교해줘", "비교해", "비교하면")  # fmt: skip
EARLIER_WORDS = {
    "yesterday": "day", "어제": "day", "last week": "week", "지난주": "week", "a week ago": "week",
    "일주일 전": "week", "지난 주": "week", "the day before": "day", "전날": "day",
}  # fmt: skip

# Resolution: `5m resolution`, `per 5 min`, `1h interval`, `5분 단위`, `1시간 간격`.
PERIOD_AFTER = ("resolution", "interval", "intervals", "granularity", "buckets", "bucket", "res", "step",
                "단위", "간격", "주기", "단위로", "간격으로")  # fmt: skip
PERIOD_BEFORE = ("per",)  # `per second` says nothing of a period (`transactions per second`): whole minutes only
PERIOD_OPTIONS = ("간격", "주기")  # … which also take the length after them (`간격 5분`)
CLOCK_WORDS = {
    "midnight": 0,
    "noon": 12,
    "자정": 0,
    "정오": 12,
}  # `per 5 min`; `every` only when no schedule is being made

# Everyday words for what metrics measure → the words ServiceWatch's metric names use. A word may stand for
# several (tried in order: `traffic` is a server's network, else a load balancer's bytes); an empty tuple means
# the word says nothing the name does not (`io`).
METRIC_WORDS: dict[str, tuple[str, ...]] = {
    "mem": ("memory",), "ram": ("memory",), "메모리": ("memory",), "메모리사용률": ("memory",),
    "디스크": ("disk",), "읽기": ("read",), "쓰기": ("write",), "reads": ("read",), "writes": ("write",),
    "network": ("network", "bytes"), "net": ("network", "bytes"), "네트워크": ("network", "bytes"),
    "traffic": ("network", "bytes"), "트래픽": ("network", "bytes"), "bandwidth": ("network", "bytes"),
    "inbound": ("in",), "incoming": ("in",), "ingress": ("in",), "수신": ("in",), "rx": ("in",),
    "outbound": ("out",), "outgoing": ("out",), "egress": ("out",), "송신": ("out",), "tx": ("out",),
    "connection": ("connections",), "conns": ("connections",), "conn": ("connections",),
    "커넥션": ("connections",), "연결": ("connections",), "연결수": ("connections",), "세션": ("connections",),
    "sessions": ("connections",),
    "lag": ("lag",), "지연": ("lag",), "복제": ("replication",), "복제지연": ("replication", "lag"),
    "replica": ("replication",),
    "errors": ("5xx",), "error": ("5xx",), "에러": ("5xx",), "오류": ("5xx",), "5xx": ("5xx",), "5xxs": ("5xx",),
    "tps": ("transactions",), "트랜잭션": ("transactions",), "transaction": ("transactions",), "qps": ("transactions",),
    "usage": ("usage",), "사용률": ("usage",), "사용량": ("usage",), "utilization": ("usage",), "util": ("usage",),
    "씨피유": ("cpu",), "씨퓨": ("cpu",), "송신량": ("out",), "수신량": ("in",), "인바운드": ("in",),
    "아웃바운드": ("out",), "바이트": ("bytes",), "초당": (), "활성": ("active",), "신규": ("new",), "새": ("new",),
    "cpu사용률": ("cpu",
    "usage"),
    "processor": ("cpu",),
    "io": (), "i/o": (), "iops": (), "throughput": (),
}  # fmt: skip
# Pairs of words that name the two halves of one thing: a broad word drawn as both (`disk` = read + write).
HALVES = (("read", "write"), ("in", "out"))
MAX_TOGETHER = 4  # a broad word draws at most this many metrics at once; more is asked about

# Words for a kind of resource (`all servers`, `LB`, `DB`, `서버`): the meaning is matched against the catalog's
# namespaces by their words, a word they start or their initials (bot/charts/groups.py).
GROUP_WORDS = {
    "server": "server", "servers": "server", "서버": "server", "vm": "server", "vms": "server",
    "lb": "lb", "lbs": "lb", "로드밸런서": "lb", "엘비": "lb",
    "db": "db", "dbs": "db", "database": "db", "databases": "db", "디비": "db", "데이터베이스": "db",
}  # fmt: skip
# Korean spellings of words resource names are made of: `웹 서버` is `web` servers, `레플리카` the replica.
LOANWORDS = {"웹": "web", "레플리카": "replica", "배치": "batch", "프록시": "proxy", "워커": "worker"}

# Lines that ask for a command in words (`사용법 알려주세요`, `How do I use this bot?`, `어떤 지표 볼 수 있어?`,
# `저장된 차트 목록`): every word of the line, filler aside, is one of the command's words or its helpers, and one
# of them is the command's own.
ASKED_COMMANDS = {
    "help": (frozenset({"사용법", "명령어", "usage", "commands", "use", "쓰는", "쓰는법", "쓰나요", "쓰면",
    "사용하는"}),
             frozenset({"이거", "this", "거야", "법", "bot", "봇", "to", "the"})),
    "metrics": (frozenset({"metrics", "메트릭", "지표", "지표들", "메트릭들"}),
                frozenset({"어떤", "무슨", "which", "what", "available", "list", "목록", "all", "there"})),
    "saved": (frozenset({"저장된", "저장한", "saved"}), frozenset({"목록", "list", "charts", "차트", "차트들"})),
}  # fmt: skip
