"""Fuzzing what people hand hitl: questionnaire files and answers files.

(a) A questionnaire file made of hostile parts (patterns that backtrack, RE2's
missing constructs, defaults that almost match, nan and 5,000-digit numbers,
conditions nested past the cap, control and bidirectional characters, lone
surrogates, stray brackets), serialized as TOML and then, sometimes, mangled.
Reading the folder it is in takes bounded time and memory, and either loads it
(it then compiles and asks its first question) or leaves it out with one line
naming it; a good file and the built-in flows beside it always load.

(b) An answers file for a run waiting on a question with strict rules: JSON
objects of hostile values, or bytes that are not JSON or not UTF-8. ``hitl
answer RUN --answers FILE`` takes bounded time and memory and either stores an
answer that meets the question's rules or refuses with one line naming the
file or the field, and then stores nothing: the run waits on the same
question, its checkpoints unchanged.

Bounded time is checked per example (and a timer turns a hang into a failure);
bounded memory by tracemalloc's peak.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import re
import signal
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.registry import available_flows
from hitl import HUMAN, WAITING, InputRequiredEvent, MemoryStore, SqliteStore, WorkflowCheckpointer
from tui.cli.main import main

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)
TIME_BOUND_S = 5.0  # per example; a few milliseconds is usual
HANG_S = 30  # the timer that turns a hang into a failure
MEMORY_BOUND = 64 << 20  # tracemalloc peak per example

GOOD = 'id = "good"\n\n[[questions]]\nid = "name"\nprompt = "Your name?"\n'


@contextmanager
def bounded(what: str) -> Iterator[None]:
    """Fail if the block takes over TIME_BOUND_S or allocates over MEMORY_BOUND at its peak."""

    def hang(signum: int, frame: Any) -> None:
        raise TimeoutError(f"{what}: still running after {HANG_S} s")

    old = signal.signal(signal.SIGALRM, hang)
    signal.alarm(HANG_S)
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert elapsed < TIME_BOUND_S, f"{what} took {elapsed:.1f} s"
    assert peak < MEMORY_BOUND, f"{what} allocated {peak >> 20} MiB at its peak"


def one_named_line(message: str, name: str) -> None:
    assert "\n" not in message, message
    assert name in message, message
    assert "unexpected" not in message and "Traceback" not in message, message


# -- (a) questionnaire files ----------------------------------------------------------------

TRICKY = ["\x1b", "\x9b", "\x7f", "\x00", "\u202e", "\u2066", "\u200b", "\ufeff", "\ud800",
          "é", "🚀", '"', "'", "\\", "[", "]", "{", "}", "\n", "\t", "#", "="]
PATTERNS = ["^(a+)+$", "(a|aa)*c", "(x+x+)+y", "[a-z]+", r"\d+\.\d+", "(?=a)a", r"(a)\1",
            "a++", "a{5000}", "[", "", r"\Z", "(?i)ab", r"\pL+", "a" * 5000]
KINDS = ["text", "long_text", "choice", "multi_choice", "integer", "number", "yes_no", "date",
         "list", "long text", "colour", 3]


class Digits(int):
    """A whole number written with ``n`` digits (too long for ``str()`` to convert)."""

    def __new__(cls, n: int) -> Digits:
        value = super().__new__(cls, 9)
        value.n = n
        return value


texts = st.lists(st.one_of(st.sampled_from(TRICKY), st.characters()), max_size=30).map("".join)
numbers = st.one_of(
    st.integers(-10, 10), st.floats(), st.sampled_from([float("nan"), float("inf"), 1e308]),
    st.builds(Digits, st.sampled_from([10, 4300, 4301, 5000])),
)
scalars = st.one_of(
    texts, numbers, st.booleans(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    st.sampled_from(["a" * 60 + "b", "a" * 1000, "1.2", "lo", "hi"]),
)


def nest(depth: int) -> dict[str, Any]:
    when: dict[str, Any] = {"question": "a", "answered": True}
    for _ in range(depth):
        when = {"not": when}
    return when


conditions = st.one_of(
    st.builds(nest, st.sampled_from([0, 1, 28, 40, 300])),
    st.recursive(
        st.fixed_dictionaries({"question": st.sampled_from(["a", "b", "zz"]),
                               "equals": scalars}),
        lambda inner: st.one_of(st.builds(lambda c: {"not": c}, inner),
                                st.builds(lambda cs: {"all": cs}, st.lists(inner, max_size=3))),
        max_leaves=6,
    ),
    scalars,
)
questions = st.fixed_dictionaries(
    {"id": st.sampled_from(["a", "b", "c", "at", "model_x", "1x", "é", "zz"]),
     "prompt": st.one_of(texts, st.just("Why?"))},
    optional={
        "type": st.sampled_from(KINDS),
        "pattern": st.sampled_from(PATTERNS),
        "default": st.one_of(scalars, st.lists(scalars, max_size=3)),
        "choices": st.lists(st.one_of(st.sampled_from(["lo", "hi", "lo"]), texts), max_size=5),
        "min": numbers, "max": numbers, "min_length": numbers, "max_length": numbers,
        "required": st.one_of(st.booleans(), scalars),
        "help": texts, "label": texts, "when": conditions, "colour": scalars,
    },
)
questionnaires = st.fixed_dictionaries(
    {"questions": st.lists(questions, max_size=4)},
    optional={"id": st.sampled_from(["fuzz", "good", "gather", "", "1bad", "x-y"]),
              "title": texts, "version": numbers},
)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Digits):
        return "9" * value.n
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if value != value else "inf" if value == float("inf") else \
            "-inf" if value == float("-inf") else repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(map(toml_value, value)) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(value, ensure_ascii=False)  # a basic string; controls come escaped


def toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def toml_text(data: dict[str, Any]) -> str:
    lines = [f"{toml_key(k)} = {toml_value(v)}" for k, v in data.items() if k != "questions"]
    for question in data["questions"]:
        lines.append("\n[[questions]]")
        lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in question.items()]
    return "\n".join(lines) + "\n"


@st.composite
def questionnaire_files(draw: st.DrawFn) -> bytes:
    text = toml_text(draw(questionnaires))
    for _ in range(draw(st.integers(0, 3))):  # mangle it, sometimes
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 5))
        insert = draw(st.one_of(st.sampled_from(TRICKY), st.just("[" * 500), st.just("{a=")))
        text = text[:at] + insert + text[at + cut:]
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate is not UTF-8


def test_any_questionnaire_file_loads_or_is_left_out_alone_by_name(tmp_path: Path) -> None:
    cases = itertools.count()

    @SETTINGS
    @given(content=questionnaire_files())
    def check(content: bytes) -> None:
        folder = tmp_path / f"case{next(cases)}"  # a new file each time: never a cached read
        folder.mkdir()
        # read first (files are read in name order), so a fuzzed file that takes
        # its id, "good", is the one left out, by its own name
        (folder / "0-good.toml").write_text(GOOD, encoding="utf-8")
        path = folder / "fuzz.toml"
        path.write_bytes(content)
        with bounded(f"reading {path}"):
            registry = available_flows(folder)
            loaded = [e for e in registry.values() if e.source == str(path)]
            if loaded:
                workflow = loaded[0].factory()
                handler = WorkflowCheckpointer(workflow, MemoryStore()).run()
                first = asyncio.run(_awaited(handler))
        assert {"gather", "joke", "good"} <= set(registry), registry.problems
        problems = [p for p in registry.problems if p.path == path]
        assert [p.path for p in registry.problems] == [p.path for p in problems]
        if loaded:
            assert problems == []
            assert isinstance(first, InputRequiredEvent) and handler.status == WAITING
        else:
            (problem,) = problems
            one_named_line(problem.message, f"{path}")
            assert problem.message.startswith(f"{path}"), problem.message

    check()


async def _awaited(handler: Any) -> Any:
    return await handler


# -- (b) answers files --------------------------------------------------------------------

STRICT = """\
id = "strict-{kind}"

[[questions]]
id = "v"
prompt = "Answer?"
type = "{kind}"
{rules}
"""
RULES = {
    "text": 'pattern = "^(a+)+$"\nmax_length = 200',
    "long_text": "min_length = 3\nmax_length = 50",
    "choice": 'choices = ["lo", "hi"]',
    "multi_choice": 'choices = ["lo", "hi", "mid"]\nmin_length = 1\nmax_length = 2',
    "list": "min_length = 1\nmax_length = 3",
    "integer": "min = -5\nmax = 5",
    "number": "min = 0\nmax = 1",
    "yes_no": "",
    "date": "min = 2020-01-01\nmax = 2030-12-31",
}

_FIELD = re.compile(r"(^|[\s;])(v|w|at|message|run_id)(\.\d+)*: ")  # names what it refused

json_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(-10, 10), st.integers(), st.floats(), texts,
        st.sampled_from(["a" * 60 + "b", "aaa", "lo", "LO", "hi,mid", "2024-02-30", "2025-06-01",
                         "yes", "0.5", "nan", "1e400", "\u200b", "\ufeff \u200b"]),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(["v", "w"]), inner, max_size=2)),
    max_leaves=8,
)


@st.composite
def answers_files(draw: st.DrawFn) -> bytes:
    how = draw(st.sampled_from(["object", "object", "object", "bytes", "deep", "other"]))
    if how == "bytes":
        return draw(st.binary(max_size=60))
    if how == "deep":
        return b'{"v": ' + b"[" * draw(st.sampled_from([10, 1000, 100_000])) + b"}"
    if how == "other":
        return json.dumps(draw(json_values)).encode()
    data = draw(st.dictionaries(st.sampled_from(["v", "w", "at", "message", "run_id"]),
                                json_values, max_size=3))
    text = json.dumps(data, ensure_ascii=draw(st.booleans()))  # NaN and Infinity included
    return text.encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("kind", list(RULES))
def test_any_answers_file_is_stored_meeting_the_rules_or_refused_storing_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    kind: str,
) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "strict.toml").write_text(STRICT.format(kind=kind, rules=RULES[kind]),
                                       encoding="utf-8")
    db = tmp_path / "store.db"
    monkeypatch.setenv("HITL_DB", str(db))
    monkeypatch.setenv("HITL_FLOWS", str(flows))
    monkeypatch.delenv("HITL_DEBUG", raising=False)
    registry = available_flows(flows)
    workflow = registry.load(f"strict-{kind}")
    cases = itertools.count()

    @settings(SETTINGS, max_examples=15)
    @given(content=answers_files())
    def check(content: bytes) -> None:
        with SqliteStore(db) as store:
            ckptr = WorkflowCheckpointer(workflow, store)
            handler = ckptr.run()
            asyncio.run(_awaited(handler))
            run_id = handler.run_id
            before = [c.id for c in ckptr.checkpoints[run_id]]
        path = tmp_path / f"answers{next(cases)}.json"
        path.write_bytes(content)
        with bounded(f"hitl answer --answers {path}"):
            code = main(["answer", run_id, "--answers", str(path)])
        captured = capsys.readouterr()
        assert code in (0, 1), captured
        with SqliteStore(db) as store:
            ckptr = WorkflowCheckpointer(workflow, store)
            after = ckptr.checkpoints[run_id]
            info = ckptr.get_run(run_id)
        if code == 1:
            errors = [line for line in captured.err.splitlines() if line.startswith("hitl: error")]
            assert len(errors) == 1, captured.err
            assert str(path) in errors[0] or _FIELD.search(errors[0]), errors[0]
            one_named_line(errors[0], "hitl: error: ")
            assert [c.id for c in after] == before  # nothing stored
            assert info.status == WAITING
            return
        answers = [c for c in after if c.last_completed_step == HUMAN]
        assert len(answers) == 1, captured
        event = answers[0].output_event
        event.check_rules()  # what was stored meets the question's rules
        assert "v" in json.loads(content.decode("utf-8"))

    check()
