"""``hitl serve`` in a real browser: Debian's chromium, driven by playwright.

One browser for the module, one server for most tests (``hitl serve`` started
as a person starts it, stopped with ctrl+c). Every request the pages make is
routed through the test, which fails on any that would leave this machine
(or that the page's Content-Security-Policy had to stop).
The app draws on a canvas: ``screen.js`` keeps the text it sends, so a test
waits for what the screen shows rather than for time to pass.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.serve.served import Served, alive, answers_file, wait_until

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("HITL_CHROMIUM", "/usr/bin/chromium")
SCREEN_JS = Path(__file__).with_name("screen.js")
LOCAL = {"127.0.0.1", "localhost", "::1"}
VIEWPORT = {"width": 1100, "height": 700}

if not Path(CHROMIUM).exists():
    reason = f"no chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)"
    if os.environ.get("CI"):
        raise RuntimeError(f"the browser tests must run in CI: {reason}")
    pytest.skip(reason, allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = Served(tmp_path_factory.mktemp("browser"))
    yield server
    server.close()


class Tab:
    """A browser tab on the server, every request of it checked."""

    def __init__(self, context, outside: list[str], errors: list[str]) -> None:
        self.context = context
        self.page = context.new_page()
        self.outside = outside
        self.page.on("pageerror", lambda error: errors.append(str(error)))
        # The page's own policy stops a request to elsewhere before it is routed: that
        # it even tried is a failure too.
        self.page.on("console", lambda m: "Content Security Policy" in m.text
                     and outside.append(m.text))

    def open(self, link: str, name: str | None = None) -> Tab:
        self.page.goto(link)
        if name is not None:
            self.page.fill("#name", name)
            self.page.click("button[type=submit]")
        self.page.wait_for_selector("body.-first-byte")
        return self

    def mark(self) -> None:
        """Forget what was shown so far: wait for what comes next."""
        self.page.evaluate("window.__hitlText = ''")

    def shows(self, text: str, timeout: float = 15_000) -> None:
        self.page.wait_for_function("t => window.__hitlText.includes(t)", arg=text,
                                    timeout=timeout)

    def press(self, key: str, then: str) -> None:
        self.mark()
        self.page.keyboard.press(key)
        self.shows(then)

    def answer(self, text: str, then: str) -> None:
        self.mark()
        self.page.keyboard.type(text)
        self.page.keyboard.press("Enter")
        self.shows(then)


@pytest.fixture
def tabs(browser) -> Iterator:
    """``tabs()`` a new browser profile's tab (its own cookies), routed; none of
    them may meet a script error."""
    outside: list[str] = []
    errors: list[str] = []
    contexts = []

    def route(route) -> None:
        host = urlsplit(route.request.url).hostname
        if host in LOCAL:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    def tab() -> Tab:
        # bypass_csp: the page itself must ask for nothing from elsewhere, whatever
        # its policy would stop (test_http checks the policy).
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, bypass_csp=True)
        context.add_init_script(path=str(SCREEN_JS))
        context.route("**/*", route)
        contexts.append(context)
        return Tab(context, outside, errors)

    yield tab
    for context in contexts:
        context.close()
    assert outside == [], f"requests that would leave this machine: {outside}"
    assert errors == [], f"script errors in the page: {errors}"


GATHER = [
    ("What is your main objective?", "What resources"),
    ("What resources do you have available?", "What approach"),
    ("What approach will you take?", "Any additional notes?"),
    ("Any additional notes?", "Result"),
]


def start_gather(tab: Tab) -> None:
    tab.shows("New")  # the home screen's footer
    tab.press("n", "Gather a plan")
    tab.press("Enter", GATHER[0][0])


def test_two_tabs_answer_two_sessions_at_once_and_the_store_says_who(
    served: Served, tabs,
) -> None:
    ada = tabs().open(served.link, name="Ada Lovelace")
    grace = tabs().open(served.link, name="Grace Hopper")
    start_gather(ada)
    start_gather(grace)
    for number, (_, then) in enumerate(GATHER):  # in turns: both sessions open at once
        ada.answer(f"ada {number}", then)
        grace.answer(f"grace {number}", then)
    sessions = [s for s in served.sessions() if s["status"] == "completed"]
    assert sorted(s["title"] for s in sessions) == ["ada 0", "grace 0"]
    for session in sessions:
        who = "Ada Lovelace" if session["title"] == "ada 0" else "Grace Hopper"
        log = served.log(session["run_id"])
        assert len(log) == 4 and {entry["author"] for entry in log} == {who}
        prefix = session["title"].split()[0]
        assert sorted(f["new"] for e in log for f in e["fields"]) == [
            f"{prefix} {n}" for n in range(4)
        ]


def test_an_export_from_the_review_screen_is_a_browser_download(
    served: Served, tabs, tmp_path: Path,
) -> None:
    answers = answers_file(tmp_path, {"objective": "Export me", "resources": "r",
                                      "approach": "a", "notes": ""})
    run = served.hitl("new", "gather", "--answers", str(answers), "--json")
    assert run.returncode == 0
    before = set(Path.cwd().iterdir())
    tab = tabs().open(served.link, name="Ada Lovelace")
    tab.shows("Export me")  # the latest session, selected
    tab.press("r", "Markdown")
    with tab.page.expect_download() as arrived:
        tab.page.keyboard.press("m")
    download = arrived.value
    assert download.suggested_filename.startswith("export-me-")  # the session's title
    assert download.suggested_filename.endswith(".md")
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.startswith("# Gather a plan") and "Export me" in text
    assert len(tab.context.pages) == 1  # no popup window
    assert set(Path.cwd().iterdir()) == before  # nothing written on the server's side


def test_a_new_tab_has_the_keys_at_once_and_its_footer_shows_them_all(
    served: Served, tabs, tmp_path: Path,
) -> None:
    answers = answers_file(tmp_path, {"objective": "Keys at once"})
    assert served.hitl("new", "gather", "--answers", str(answers)).returncode == 0
    tab = tabs().open(served.link, name="Ada Lovelace")
    # the keys of the selected session, with no key pressed or click first: the app
    # knows the page has the keys (a blurred app leaves its footer as it first drew it)
    tab.shows("History")
    tab.shows("Review")
    tab.press("h", "Branches and answers")


def test_a_users_file_names_who_answers(tabs, tmp_path: Path) -> None:
    users = tmp_path / "team.toml"
    users.write_text('[users]\n"grace-token-0123456789" = "Grace Hopper"\n', encoding="utf-8")
    server = Served(tmp_path, "--users", str(users), token=None)
    try:
        tab = tabs().open(server.url("/", "grace-token-0123456789"))  # no name asked
        start_gather(tab)
        tab.answer("Named by the file", GATHER[0][1])
        (session,) = server.sessions()
        assert [e["author"] for e in server.log(session["run_id"])] == ["Grace Hopper"]
    finally:
        server.close()


def test_ctrl_c_stops_the_server_and_every_app_it_started(tabs, tmp_path: Path) -> None:
    server = Served(tmp_path)
    try:
        for name in ("Ada", "Grace"):
            tabs().open(server.link, name=name).shows("New")
        wait_until(lambda: len(server.apps()) == 2, "an app for each tab")
        apps = server.apps()
    finally:
        status, out, err = server.ctrl_c()
    assert status == 0, err
    assert "every app it started has ended" in out
    assert "Traceback" not in err
    assert not any(alive(pid) for pid in apps)
