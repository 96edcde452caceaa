"""Metric references meet the catalog: bare names find their namespace, dimensions find their resources,
and anything that does not exist is named (with a did-you-mean) before any billed call."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache

from rapidfuzz.distance import OSA

from bot.charts import groups
from bot.errors import ChartQuestion, UserError
from bot.i18n import _
from bot.language.lexicon import HALVES, MAX_TOGETHER, METRIC_WORDS
from bot.language.options import did_you_mean
from bot.language.spec import MetricRef, read_as
from bot.language.timerange import looks_like_a_clock, parse_span
from bot.language.words import COMMAND_SYNONYMS, JOINING_WORDS, language_words
from bot.servicewatch.catalog import Catalog, CatalogMetric, CatalogResource
from bot.servicewatch.models import Dimension

MAX_LINES = 10
RESOURCE_KEYS = ("resource", "name", "host")
_TIME_LIKE = re.compile(r"^\d+\s*[a-z가-힣]+$|^\d{1,2}[:.]\d{1,2}", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9가-힣]+")
MAX_NAME_WORDS = 8  # no metric's name is longer; past it a run of words is read as no metric at once (bounded work)
_RESOURCE_LIKE = re.compile(r"^[a-z][a-z0-9]*[-_][a-z0-9-_]+$|^[a-z]+\d+$", re.IGNORECASE)


@dataclass(frozen=True)
class ChartLine:
    """One line on a chart: a metric of one resource, with its legend label and colour."""

    metric: CatalogMetric
    dimensions: tuple[Dimension, ...]
    display_name: str
    resource: str
    color: str | None = None
    read_as: str = ""  # how a misspelt resource word was read: `read “wbe-01” as “web-01”`


@dataclass(frozen=True)
class Selector:
    """A resource named by a plain word (`web-01`, an id, a unique part of a name): the names it stands for."""

    word: str
    names: frozenset[str]
    read_as: str = ""  # the name a misspelt word was read as (`wbe-01` → `web-01`), said with the chart

    def picks(self, resource: CatalogResource) -> bool:
        return resource.name.lower() in self.names or any(d.value.lower() in self.names for d in resource.dimensions)


def resolve_lines(metrics: tuple[MetricRef, ...], catalog: Catalog) -> tuple[ChartLine, ...]:
    """Every line the chart will draw, or UserError naming what does not exist. Plain words that name resources
    select them for every metric of the chart that has them, wherever they stand in the line."""
    refs, selectors = read_words(metrics, catalog)
    if not refs:
        if not selectors:  # `db of`: a kind of resource and glue, nothing to draw
            raise UserError(
                _("Name a chart: a saved chart (see `saved`) or a metric, e.g. `cpu web-01` or `lag 지난 3시간`.")
            )
        raise UserError(_resources_alone(selectors, catalog))
    found: list[tuple[MetricRef, CatalogMetric]] = []
    question: ChartQuestion | None = None  # asked only when nothing else in the line is refused
    for ref in refs:
        try:
            found += [(ref, metric) for metric in _found_together(ref, refs, catalog, selectors)]
        except ChartQuestion as asked:
            question = question or asked
    if question is not None:
        raise question
    used: set[str] = set()
    labels = [label for ref in metrics for label in ((ref.label, *ref.more_labels) if ref.label else ())]
    colours = [colour for ref in metrics for colour in ((ref.color, *ref.more_colors) if ref.color else ())]
    per_line = len(found) == 1
    if not per_line:
        for kind, items in ((_("colours"), colours), (_("labels"), labels)):
            if len(items) > len(found):
                raise UserError(
                    _("{count} {kind} for {metrics} metrics; give one per metric, in order.").format(
                        count=len(items), kind=kind, metrics=len(found)
                    )
                )
    lines: list[ChartLine] = []
    for position, (ref, metric) in enumerate(found):
        resources = _selected(find_resources(ref, metric), selectors, used)
        if per_line and max(len(labels), len(colours)) > max(len(resources), 1):
            raise UserError(
                _("{count} labels or colours for {lines} lines; give at most one per line, in order.").format(
                    count=max(len(labels), len(colours)), lines=len(resources)
                )
            )
        for index, resource in enumerate(resources):
            label = resource.label()
            if per_line and len(labels) > 1:  # one label per line, in order
                mine = labels[index] if index < len(labels) else None
            else:  # one label for the metric: each of its lines says which resource it is
                mine = labels[0 if per_line else position] if (0 if per_line else position) < len(labels) else None
                mine = f"{mine} {label}" if mine and len(resources) > 1 else mine
            display = mine or f"{metric.namespace} | {label} | {metric.name}"
            if per_line:
                colour = colours[index] if index < len(colours) else None
            else:
                colour = colours[position] if index == 0 and position < len(colours) else None
            note = next((_read_note(s) for s in selectors if s.read_as and s.picks(resource)), "")
            lines.append(ChartLine(metric, resource.dimensions, display, label, colour, note))
    for selector in selectors:
        if selector.word not in used:
            raise UserError(_not_drawn(selector, [metric for _ref, metric in found], catalog))
    if len(lines) > MAX_LINES:
        raise UserError(
            _(
                "That chart would draw {count} lines; at most {limit} fit. Name resources (e.g. `{example}`) "
                "to draw fewer."
            ).format(count=len(lines), limit=MAX_LINES, example=_example_resource(lines[0].metric))
        )
    return tuple(lines)


def _found_together(
    ref: MetricRef, refs: list[MetricRef], catalog: Catalog, selectors: list[Selector]
) -> list[CatalogMetric]:
    """The metrics `ref` names; when it could be several namespaces' and every other metric of the chart is of one
    namespace, that one's (`lag+"Active Connections"` is the database's connections)."""
    try:
        return find_metrics(ref, catalog, selectors)
    except ChartQuestion:
        others = {
            metric.namespace for other in refs if other is not ref for metric in _quietly(other, catalog, selectors)
        }
        if ref.namespace is not None or len(others) != 1:
            raise
        return find_metrics(replace(ref, namespace=next(iter(others))), catalog, selectors)


def _quietly(ref: MetricRef, catalog: Catalog, selectors: list[Selector]) -> list[CatalogMetric]:
    try:
        return find_metrics(ref, catalog, selectors)
    except UserError:
        return []


def _too_long(words: list[str]) -> str:
    return _("“{words} …” is {count} words; no metric's name is that long. See `metrics` for the list.").format(
        words=" ".join(words[:MAX_NAME_WORDS]), count=len(words)
    )


def _read_note(selector: Selector) -> str:
    return read_as(selector.word, selector.read_as)


def read_words(metrics: tuple[MetricRef, ...], catalog: Catalog) -> tuple[list[MetricRef], list[Selector]]:
    """The metric references of a spec, and the resources its plain words name. A quoted name, or one with a
    namespace, is a metric; an unquoted run of words that names a metric is one; otherwise each word that names a
    resource is a selector and the rest name the metric."""
    refs: list[MetricRef] = []
    selectors: list[Selector] = []
    namespaces: set[str] = set()
    for ref in metrics:
        if ref.quoted or ref.namespace is not None:
            refs.append(ref)
            continue
        if not _names_a_metric(ref, catalog):
            rest, group = groups.taken(ref, catalog)  # `web 서버 cpu`, `cpu of all servers`, `DB 커넥션`
            if rest.name:  # a group word alone (`db`) names nothing to draw: it stays, and is refused as no metric
                ref = rest
                namespaces |= group.namespaces
                selectors.extend(Selector(word, names) for word, names in group.prefixes)
        parts = [ref] if _names_a_metric(ref, catalog) else _parted(ref)
        for part in parts:
            _read_part(part, catalog, refs, selectors)
    if len(namespaces) == 1:
        (namespace,) = namespaces
        refs = [ref if ref.quoted or ref.namespace is not None else replace(ref, namespace=namespace) for ref in refs]
    return refs, selectors


def _parted(ref: MetricRef) -> list[MetricRef]:
    """`cpu of web-01 and web-02` → `cpu`, `web-01`, `web-02`: a run of words cut at its joining words."""
    runs: list[list[str]] = [[]]
    for word in ref.name.split():
        if word.lower() in JOINING_WORDS:
            runs.append([])
        else:
            runs[-1].append(word)
    return [replace(ref, name=" ".join(run)) for run in runs if run]


def _read_part(ref: MetricRef, catalog: Catalog, refs: list[MetricRef], selectors: list[Selector]) -> None:
    """One run of words: the resources it names become selectors; the rest, if any, names a metric."""
    words = ref.name.split()
    if len(words) > MAX_NAME_WORDS + MAX_LINES:  # more than a metric's name and a resource per line: no chart
        raise UserError(_too_long(words))
    chosen = [selector for word in words if (selector := _selector(word, catalog)) is not None]
    if len(words) == 1 and chosen and _names_a_metric(ref, catalog):
        example = f"{_short(catalog.metrics[0].name)} resource={words[0]}"
        raise UserError(_both_ways(words[0], find_metric(ref, catalog), chosen[0].word, example))
    if len(words) > 1 and _names_a_metric(ref, catalog):
        _refuse_either_way(words, ref, catalog)
    if chosen and _names_a_metric(ref, catalog) and not _all_exact(chosen, catalog):
        chosen = []  # `Active Connections`: a metric, though `connections` is no resource
    rest = [word for word in words if word not in {selector.word for selector in chosen}]
    selectors.extend(chosen)
    if rest:
        whole = replace(ref, name=" ".join(rest))
        named = _named(whole, catalog, selectors) is not None
        side_by_side = None if named else _side_by_side(whole, catalog, selectors)
        refs.extend(side_by_side or [whole])


def _named(ref: MetricRef, catalog: Catalog, selectors: list[Selector]) -> frozenset[str] | None:
    """The metrics `ref` names (the readings a question offers count), or None when it names none."""
    try:
        return frozenset(f"{m.namespace}: {m.name}" for m in find_metrics(ref, catalog, selectors))
    except ChartQuestion as question:
        return frozenset(label for label, _words in question.choices)
    except UserError:
        return None


def _side_by_side(ref: MetricRef, catalog: Catalog, selectors: list[Selector]) -> list[MetricRef] | None:
    """`cpu mem`, `수신 송신`, `활성 연결 신규 연결`: words that name no metric together but several one after
    another, cut into the fewest runs that each name one. A run of several words must narrow what each of its
    words names (`활성 연결`), never drop one (`디스크 네트워크` is two runs)."""
    words = ref.name.split()
    if not 2 <= len(words) <= 12:
        return None
    alone = [_named(replace(ref, name=word), catalog, selectors) for word in words]
    best: list[list[str] | None] = [[], *([None] * len(words))]  # best[end]: the fewest runs covering words[:end]
    for end in range(1, len(words) + 1):
        for start in range(max(0, end - 4), end):
            before, so_far = best[start], best[end]
            if before is None or (so_far is not None and len(so_far) <= len(before) + 1):
                continue
            named = _named(replace(ref, name=" ".join(words[start:end])), catalog, selectors)
            if named and all(each is None or named <= each for each in alone[start:end]):
                best[end] = [*before, " ".join(words[start:end])]
    cut = best[len(words)]
    return [replace(ref, name=name) for name in cut] if cut and len(cut) > 1 else None


def _selector(word: str, catalog: Catalog) -> Selector | None:
    """The resource `word` names: exactly (a name or an id), or as the unique part of one resource's name."""
    low = word.lower()
    resources = catalog.resources
    exact = {
        name
        for r in resources
        for name in (r.name.lower(), *(d.value.lower() for d in r.dimensions))
        if name == low and name
    }
    if exact:
        return Selector(word, frozenset(exact))
    if len(low) < 3 or any(low in m.name.lower() for m in catalog.metrics):
        return None
    partial = {r.name.lower() for r in resources if r.name and low in r.name.lower()}
    if len(partial) == 1:
        return Selector(word, frozenset(partial))
    misspelt = _misspelt_name(low, {r.name for r in resources if r.name})
    return Selector(word, frozenset({misspelt.lower()}), read_as=misspelt) if misspelt else None


def _misspelt_name(low: str, names: set[str]) -> str | None:
    """The one resource name `low` misspells: written without its `-`, with `O` for `0`, or one letter off
    (swapped, missing, extra) with the same digits (`web-09` is another host, never a typo of `web-01`)."""
    if not _RESOURCE_LIKE.match(low):
        return None
    shape = _shape(low)
    close = {name for name in names if _shape(name) == shape}
    if not close:
        digits = re.sub(r"\D", "", low)
        close = {
            name
            for name in names
            if re.sub(r"\D", "", name) == digits and OSA.distance(low, name.lower(), score_cutoff=1) <= 1
        }
    return next(iter(close)) if len(close) == 1 else None


def _shape(name: str) -> str:
    """A name with `-`, `_` and case gone and look-alike letters beside digits read as digits (`batch-O1`)."""
    plain = re.sub(r"[-_\s]", "", name.lower())
    return re.sub(r"o(?=\d)|(?<=\d)o", "0", re.sub(r"l(?=\d)|(?<=\d)l", "1", plain))


def _all_exact(selectors: list[Selector], catalog: Catalog) -> bool:
    return all(selector.word.lower() in selector.names for selector in selectors)


def _names_a_metric(ref: MetricRef, catalog: Catalog) -> bool:
    try:
        find_metric(ref, catalog)
    except UserError:
        return False
    return True


def _selected(
    resources: tuple[CatalogResource, ...], selectors: list[Selector], used: set[str]
) -> tuple[CatalogResource, ...]:
    """The resources the selectors pick among `resources` (all of them when none of the selectors is here)."""
    picked = tuple(r for r in resources if any(selector.picks(r) for selector in selectors))
    used.update(selector.word for selector in selectors if any(selector.picks(r) for r in resources))
    return picked or resources


def _both_ways(word: str, metric: CatalogMetric, resource: str, example: str) -> str:
    return _(
        "“{word}” could be the resource {resource} or part of the metric {metric}. For the metric write "
        '`"{metric}"`; for the resource write `{example}`.'
    ).format(word=word, resource=resource, metric=metric.name, example=example)


def _refuse_either_way(words: list[str], ref: MetricRef, catalog: Catalog) -> None:
    """`lag replica`: the words name a metric, yet one of them names a resource and the others a metric too."""
    for index, word in enumerate(words):
        rest = replace(ref, name=" ".join(words[:index] + words[index + 1 :]))
        names = _resources_named(word, catalog)
        if len(names) == 1 and rest.name and _names_a_metric(rest, catalog):
            other = find_metric(rest, catalog)
            whole = find_metric(ref, catalog)
            raise UserError(_both_ways(word, whole, names[0], f"{rest.name} {names[0]}" if other else names[0]))


def _resources_named(word: str, catalog: Catalog) -> list[str]:
    """The resource names `word` is all of or a part of (at least three characters)."""
    low = word.lower()
    names = sorted({r.name for m in catalog.metrics for r in m.resources if r.name})
    exact = [name for name in names if name.lower() == low]
    return exact or ([name for name in names if low in name.lower()] if len(low) >= 3 else [])


def _resources_alone(selectors: list[Selector], catalog: Catalog) -> str:
    words = ", ".join(selector.word for selector in selectors)
    metrics = sorted({m.name for m in catalog.metrics if any(selectors[0].picks(r) for r in m.resources)})
    return _(
        "“{words}” names resources, not a metric; say what to draw of it, e.g. `{example}`. Its metrics: {names}."
    ).format(
        words=words,
        example=f"{_short(metrics[0])} {selectors[0].word}" if metrics else "cpu web-01",
        names=", ".join(metrics[:8]),
    )


def _short(name: str) -> str:
    return name.split("/")[0].split("[")[0].split()[0].lower()


def _not_drawn(selector: Selector, metrics: list[CatalogMetric], catalog: Catalog) -> str:
    reporting = sorted({m.name for m in catalog.metrics if any(selector.picks(r) for r in m.resources)})
    return _("“{word}” is a resource, but none of {drawn} reports it; its metrics: {names}.").format(
        word=selector.word, drawn=", ".join(m.name for m in metrics), names=", ".join(reporting[:8])
    )


def find_metric(ref: MetricRef, catalog: Catalog, selectors: list[Selector] | None = None) -> CatalogMetric:
    """The one catalog metric `ref` names (see `find_metrics`); ChartQuestion when it names several."""
    found = find_metrics(ref, catalog, selectors)
    if len(found) > 1:
        raise _question(ref, found)
    return found[0]


def find_metrics(ref: MetricRef, catalog: Catalog, selectors: list[Selector] | None = None) -> list[CatalogMetric]:
    """The catalog metrics `ref` names: exact, then case-insensitive, then a unique part of a name, then its words
    (everyday and Korean words read as the words metric names use: `메모리` → memory, `traffic` → network or
    bytes). Among several, the ones with the resources named (by KEY=VALUE or by plain words) win; a broad word
    that names both halves of one thing (`disk`: read and write) gives both; any other choice is a ChartQuestion."""
    if ref.namespace is not None:
        namespace = _namespace(ref.namespace, catalog)
        pool = catalog.in_namespace(namespace)
        where = _("in {namespace}").format(namespace=namespace)
    else:
        pool = catalog.metrics
        where = _("in ServiceWatch")
    wanted = ref.name.strip()
    if len(wanted.split()) > MAX_NAME_WORDS:
        raise UserError(_too_long(wanted.split()))
    fallback: list[CatalogMetric] | None = None
    options = readings(wanted)
    if not selectors and not ref.dimensions and len(options) > 2:
        _ask_between_readings(ref, options[1:], pool)
    for reading in options:
        for matches in _candidates(reading, pool):
            if not matches:
                continue
            if ref.dimensions and len({(m.namespace, m.name) for m in matches}) > 1:
                matches = [m for m in matches if _has_resources(ref, m)] or matches  # `memory resource=web-01`
            if selectors:  # `memory web-01`, `traffic web-lb`: the reading whose metrics have them
                picked = [m for m in matches if any(s.picks(r) for s in selectors for r in m.resources)]
                if not picked:
                    fallback = fallback or matches
                    continue
                matches = picked
            return _chosen(ref, matches, selectors or [])
    if fallback is not None:
        return _chosen(ref, fallback, selectors or [])
    same_length = sorted({m.name for m in pool if len(m.name.split()) == len(wanted.split())})
    if not did_you_mean(wanted, same_length, cutoff=0.8):  # `Replication Lagg`: one mistyped name
        _blame_one_word(wanted, pool, where, catalog)
    raise UserError(_unknown(wanted, ref, pool, where, catalog))


def _ask_between_readings(ref: MetricRef, options: list[str], pool: tuple[CatalogMetric, ...]) -> None:
    """`수신 트래픽` alone: a server's network or a load balancer's bytes, and nothing in the line says which."""
    if next((found for found in _candidates(ref.name.strip(), pool) if found), None):
        return  # the words as typed name something: that reading is meant
    found: dict[tuple[str, str], CatalogMetric] = {}
    seen = 0
    for reading in options:
        matches = next((found for found in _candidates(reading, pool) if found), [])
        if matches:
            seen += 1
            found.update({(m.namespace, m.name): m for m in matches})
    if seen > 1 and not _halves(list(found.values())):
        raise _question(ref, list(found.values()))


def readings(wanted: str) -> list[str]:
    """`wanted` as typed, then with its everyday words in the words of metric names (a word may have several
    readings, tried in order: `network web-lb` is the load balancer's bytes)."""
    options: list[list[str]] = [[]]
    for word in wanted.split():
        meant = METRIC_WORDS.get(word.lower())
        if meant is None:
            options = [[*done, word] for done in options]
        elif not meant:
            continue
        else:
            options = [[*done, choice] for done in options for choice in _split_choices(meant, word)][:8]
    found = [wanted, *(" ".join(words) for words in options if words)]
    return list(dict.fromkeys(found))


def _split_choices(meant: tuple[str, ...], word: str) -> list[str]:
    """`복제지연` → `replication lag` (all of them at once); `traffic` → `network` or `bytes` (one of them)."""
    if word.lower() in _TOGETHER_WORDS:
        return [" ".join(meant)]
    return list(meant)


_TOGETHER_WORDS = frozenset(w for w, meant in METRIC_WORDS.items() if len(meant) > 1 and meant[0] not in ("network",))


def _chosen(ref: MetricRef, matches: list[CatalogMetric], selectors: list[Selector]) -> list[CatalogMetric]:
    distinct = sorted({(m.namespace, m.name) for m in matches})
    if len(distinct) == 1:
        return [_best_group(matches, ref)]
    groups = [_best_group([m for m in matches if (m.namespace, m.name) == key], ref) for key in distinct]
    if _halves(groups):
        return groups
    if _each_its_own(groups, selectors):  # in the order the resources were named
        return sorted(groups, key=lambda m: next(i for i, s in enumerate(selectors) if any(map(s.picks, m.resources))))
    raise _question(ref, groups)


def _each_its_own(metrics: list[CatalogMetric], selectors: list[Selector]) -> bool:
    """`cpu of web-01 and orders-db`: every resource named is reported by exactly one of the metrics, and each metric
    reports one of them, so each resource is drawn with its own kind's metric."""
    reporting = [{i for i, m in enumerate(metrics) if any(s.picks(r) for r in m.resources)} for s in selectors]
    covered = set().union(*reporting)
    return bool(selectors) and all(len(r) == 1 for r in reporting) and covered == set(range(len(metrics)))


def _halves(metrics: list[CatalogMetric]) -> bool:
    """Read and write, in and out: the metrics differ only by the two halves of one thing, in one namespace and unit."""
    if len(metrics) > MAX_TOGETHER or len({(m.namespace, m.unit) for m in metrics}) != 1:
        return False
    words = [_words(m.name) for m in metrics]
    common = frozenset.intersection(*words)
    differences = {frozenset(w - common) for w in words}
    return any(differences == {frozenset({a}), frozenset({b})} for a, b in HALVES)


def _question(ref: MetricRef, metrics: list[CatalogMetric]) -> ChartQuestion:
    choices = tuple((f"{m.namespace}: {m.name}", f'"{m.namespace}:{m.name}"') for m in metrics[:6])
    listed = "; ".join(f"{number}. {label}" for number, (label, _words) in enumerate(choices, start=1))
    resource = next((r.label() for m in metrics for r in m.resources), "web-01")
    return ChartQuestion(
        _(
            "“{text}” could be {count} metrics: {listed}. Which one? Pick it, or add a resource (`{text} {resource}`)."
        ).format(text=ref.text, count=len(metrics), listed=listed, resource=resource),
        ref.text,
        choices,
    )


def _unknown(wanted: str, ref: MetricRef, pool: tuple[CatalogMetric, ...], where: str, catalog: Catalog) -> str:
    """No metric: name the word, say what it looked like, and suggest from every kind of word."""
    browse = f"`metrics {ref.namespace}`" if ref.namespace else "`metrics`"
    hint = suggest(wanted, catalog, pool)
    if wanted.lower() in COMMAND_SYNONYMS:
        return _("“{word}” is not a command of the chart language. Did you mean `{command}`?").format(
            word=wanted, command=COMMAND_SYNONYMS[wanted.lower()]
        )
    if parse_span(wanted) is None and (_TIME_LIKE.match(wanted) or looks_like_a_clock(wanted)):
        return _(
            "“{word}” looks like a time, but not one the chart language reads; write it like `3h`, `3 hours`, "
            "`2h ago`, `18:00` or `지난 3시간`.{hint}"
        ).format(word=wanted, hint=hint)
    if " " not in wanted and _RESOURCE_LIKE.match(wanted):
        return _(
            "“{word}” looks like a resource, but no metric {where} reports one by that name or id.{hint} "
            "See {browse} for the resources of each metric."
        ).format(word=wanted, where=where, hint=hint, browse=browse)
    return _("There is no metric “{word}” {where}.{hint} See {browse} for the list.").format(
        word=wanted, where=where, hint=hint, browse=browse
    )


def suggest(
    word: str, catalog: Catalog, pool: tuple[CatalogMetric, ...] | None = None, *, language_first: bool = False
) -> str:
    """` Did you mean …?` drawn from metric names (whole and by word), resource names and the language's words
    (those first for a word beside a metric: there it is more likely a mistyped `last` than a second metric)."""
    metrics = pool if pool is not None else catalog.metrics
    names = sorted({m.name for m in metrics})
    parts = sorted({w for m in metrics for w in _words(m.name) if len(w) > 2})
    resources = sorted({r.name for m in catalog.metrics for r in m.resources if r.name})
    kinds = (names, parts, resources, language_words())
    for choices in (kinds[-1:] + kinds[:-1]) if language_first else kinds:
        hint = did_you_mean(word, choices)
        if hint:
            return hint
    return ""


@cache
def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def _candidates(wanted: str, pool: tuple[CatalogMetric, ...]) -> Iterator[list[CatalogMetric]]:
    """The metrics `wanted` may name, from the strictest reading to the loosest."""
    low = wanted.lower()
    yield [m for m in pool if m.name == wanted]
    if len(low) >= 3:  # `at` is in `Replication`, and means nothing by it
        yield [m for m in pool if low in m.name.lower()]  # `cpu usage` is as much the server's as the database's
    yield [m for m in pool if _words(wanted) and _words(wanted) <= _words(m.name)]  # `cpu usage core`
    yield [m for m in pool if _words(wanted) and all(_prefix_of_a_word(w, m.name) for w in _words(wanted))]


@cache
def _prefix_of_a_word(word: str, name: str) -> bool:
    return any(part.startswith(word) for part in _words(name))


def _metric_like(text: str, pool: tuple[CatalogMetric, ...]) -> bool:
    return any(matches for matches in _candidates(text, pool))


def _blame_one_word(wanted: str, pool: tuple[CatalogMetric, ...], where: str, catalog: Catalog) -> None:
    """`lag 3hrs`, `cpu web-09`: the other words name a metric, so the one left over is the word to blame."""
    words = wanted.split()
    if len(words) < 2:
        return
    for index, word in enumerate(words):
        rest = " ".join(words[:index] + words[index + 1 :])
        if _metric_like(rest, pool):
            raise UserError(_describe(word, rest, where, catalog))


def _describe(word: str, after: str, where: str, catalog: Catalog) -> str:
    """What an unread word beside a metric looked like: a time, a resource, a command, or anything else."""
    hint = suggest(word, catalog, language_first=True)
    if _TIME_LIKE.match(word) or looks_like_a_clock(word):
        return _(
            "“{word}” beside “{metric}” looks like a time, but not one the chart language reads; write it like "
            "`3h`, `3 hours`, `2h ago`, `18:00` or `지난 3시간`.{hint}"
        ).format(word=word, metric=after, hint=hint)
    if _RESOURCE_LIKE.match(word):
        return _(
            "“{word}” beside “{metric}” looks like a resource, but no metric {where} reports one by that name or "
            "id.{hint} See `metrics` for the resources of each metric."
        ).format(word=word, metric=after, where=where, hint=hint)
    return _(
        "“{word}” beside “{metric}” is neither a metric, a resource nor a word of the chart language.{hint}"
    ).format(word=word, metric=after, hint=hint)


def _has_resources(ref: MetricRef, metric: CatalogMetric) -> bool:
    try:
        find_resources(ref, metric)
    except UserError:
        return False
    return True


def _namespace(name: str, catalog: Catalog) -> str:
    for namespace in catalog.namespaces:
        if namespace == name or namespace.lower() == name.lower():
            return namespace
    hint = did_you_mean(name, list(catalog.namespaces))
    known = ", ".join(catalog.namespaces)
    raise UserError(
        _("There is no namespace “{name}”.{hint} Namespaces: {known}.").format(name=name, hint=hint, known=known)
    )


def _best_group(matches: list[CatalogMetric], ref: MetricRef) -> CatalogMetric:
    """A metric listed under several dimension key sets: the one whose keys the request uses."""
    keys = {key.lower() for key, _ in ref.dimensions}
    for metric in matches:
        if keys and keys <= {k.lower() for k in metric.dimension_keys}:
            return metric
    return matches[0]


def find_resources(ref: MetricRef, metric: CatalogMetric) -> tuple[CatalogResource, ...]:
    """The resources the dimensions pick (all of them when none are given)."""
    if not metric.resources:
        raise UserError(
            _("No resource reports {metric} yet; pick another metric (see `metrics`).").format(metric=metric.reference)
        )
    chosen = metric.resources
    for key, value in ref.dimensions:
        chosen = _filter(chosen, key, value, metric)
    return chosen


def _filter(
    resources: tuple[CatalogResource, ...], key: str, value: str, metric: CatalogMetric
) -> tuple[CatalogResource, ...]:
    if key.lower() in RESOURCE_KEYS:
        found = tuple(r for r in resources if r.name.lower() == value.lower())
    else:
        real_key = next((k for k in metric.dimension_keys if k.lower() == key.lower()), None)
        if real_key is None:
            keys = ", ".join(metric.dimension_keys) or "-"
            hint = did_you_mean(key, list(metric.dimension_keys))
            raise UserError(
                _("`{key}` is not a dimension of {metric}.{hint} Its dimensions: {keys}.").format(
                    key=key, metric=metric.reference, hint=hint, keys=keys
                )
            )
        found = tuple(
            r
            for r in resources
            if any(d.key == real_key and (d.value == value or r.name.lower() == value.lower()) for d in r.dimensions)
        )
    if not found:
        labels = [r.label() for r in resources]
        values = [d.value for r in resources for d in r.dimensions]
        hint = did_you_mean(value, labels + values)
        some = ", ".join(labels[:8]) + (" …" if len(labels) > 8 else "")
        raise UserError(
            _("No resource with {key}={value} reports {metric}.{hint} Resources: {some}.").format(
                key=key, value=value, metric=metric.reference, hint=hint, some=some
            )
        )
    return found


def _example_resource(metric: CatalogMetric) -> str:
    if metric.resources:
        first = metric.resources[0]
        return f"{_short(metric.name)} {first.label()}" if first.name else f"{first.dimensions[0].key}={first.label()}"
    return "KEY=VALUE"
