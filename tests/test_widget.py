"""The web widget in a real browser: Debian's chromium, driven by Playwright, on the demo page served as
`make run` serves it, talking to the real Rasa server and action server over socket.io."""
from __future__ import annotations

import re
from typing import Iterator, List

import pytest
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

from settings import PROJECT_ROOT
from devtools.browser import BOT_MESSAGES, DESKTOP, PHONE, NetworkLog, launch, settled_bot_messages

ROOT = PROJECT_ROOT
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
APPROVAL_QUESTION = "Is any stem cell therapy approved for MS?"
SOURCE_LINK_NOTE = "(opens the organisation's page, in a new tab)"
REPLY_TIMEOUT_MS = 30_000
CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));
"""


class Visit:
    """One browser with a fresh profile on the demo page, and what it asked the network for."""

    def __init__(self, context: BrowserContext, url: str, init_script: str = ""):
        self.context = context
        self.network = NetworkLog(context)
        context.add_init_script(CSP_VIOLATIONS + init_script)
        self.page = context.pages[0] if context.pages else context.new_page()
        self.network.watch_websockets(self.page)
        self.response = self.page.goto(url)

    # ---- the widget, as a visitor uses it ----
    @property
    def panel(self):
        return self.page.locator("#ahsct-panel")

    @property
    def launcher(self):
        return self.page.locator(".ahsct-launcher")

    def bot_messages(self):
        return self.page.locator(BOT_MESSAGES)

    def open_with_keyboard(self) -> None:
        for _ in range(20):
            self.page.keyboard.press("Tab")
            if self.page.evaluate("document.activeElement.classList.contains('ahsct-launcher')"):
                break
        else:
            pytest.fail("the chat button cannot be reached with the Tab key")
        self.page.keyboard.press("Enter")
        expect(self.panel).to_be_visible()
        expect(self.page.locator("#ahsct-input")).to_be_focused()

    def wait_for_replies(self, before: int) -> List[str]:
        """The bot's new messages, once they have stopped arriving."""
        settled_bot_messages(self.page, before, REPLY_TIMEOUT_MS)
        return self.bot_messages().all_inner_texts()[before:]

    def wait_for_welcome(self) -> None:
        self.wait_for_replies(0)

    def ask(self, question: str) -> List[str]:
        before = self.bot_messages().count()
        self.page.locator("#ahsct-input").fill(question)
        self.page.keyboard.press("Enter")
        return self.wait_for_replies(before)

    def session_id(self) -> str:
        return self.page.evaluate("JSON.parse(sessionStorage.getItem('ahsct-guide:conversation:v1')).sessionId")

    def csp_violations(self) -> List[str]:
        return self.page.evaluate("window.__cspViolations")


@pytest.fixture(scope="module")
def playwright_driver():
    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def visit(playwright_driver, stack, tmp_path) -> Iterator:
    """visit(**context_options) opens the demo page in a new browser; every browser is closed afterwards."""
    contexts: List[BrowserContext] = []

    def open_page(url: str = stack.page_url, init_script: str = "", **options) -> Visit:
        options.setdefault("viewport", DESKTOP)
        context = launch(playwright_driver, tmp_path / f"profile-{len(contexts)}", **options)
        contexts.append(context)
        return Visit(context, url, init_script)

    yield open_page
    for context in contexts:
        context.close()


def without_link_note(citation: str) -> str:
    """A citation as the visitor reads it, without the screen-reader note on its link."""
    return re.sub(r"\s*" + re.escape(SOURCE_LINK_NOTE), "", citation)


def expected_answer(knowledge_base, topic: str, question: str):
    passages = knowledge_base.answer(topic, question)
    assert passages, f"the corpus has no answer for {topic}"
    return passages


def test_keyboard_visitor_asks_whether_any_therapy_is_approved_and_sees_the_sources(visit, knowledge_base):
    visitor = visit()
    assert "script-src 'self'" in visitor.response.headers["content-security-policy"]
    visitor.open_with_keyboard()
    visitor.wait_for_welcome()
    replies = visitor.ask(APPROVAL_QUESTION)

    passages = expected_answer(knowledge_base, "approval", APPROVAL_QUESTION)
    assert len(replies) == len(passages)
    cited = [citation for p in passages for citation in p.citations]
    citations = visitor.page.locator(".ahsct-msg--bot .ahsct-msg__source cite").all_inner_texts()
    assert [without_link_note(c) for c in citations[-len(cited):]] == cited
    for reply, passage in zip(replies, passages, strict=True):
        assert passage.text.split("\n")[0] in reply
    assert "No stem cell product is licensed for MS" in replies[0] and "no approved stem cell therapies" in replies[0]
    # The corpus's "- " lines (the health systems, with their dates) are shown as a list, without the dashes.
    listed = [line.removeprefix("- ") for line in passages[0].text.split("\n") if line.startswith("- ")]
    assert listed, "the approval summary has no list any more: check the list rendering on another answer"
    first_answer = visitor.bot_messages().nth(visitor.bot_messages().count() - len(passages))
    assert first_answer.locator("ul.ahsct-msg__list > li").all_inner_texts() == listed
    assert first_answer.locator("p.ahsct-msg__text", has_text=re.compile(r"^- ")).count() == 0

    # Each source's address is a link that says it opens the organisation's page.
    fda = visitor.page.locator(".ahsct-msg__source cite a[href^='https://www.fda.gov/']").last
    expect(fda).to_have_attribute("target", "_blank")
    expect(fda).to_contain_text(SOURCE_LINK_NOTE)

    visitor.page.keyboard.press("Escape")
    expect(visitor.panel).to_be_hidden()
    expect(visitor.launcher).to_be_focused()
    assert visitor.csp_violations() == []
    assert visitor.network.outside_requests() == []


def test_quick_reply_asks_its_question(visit, knowledge_base):
    visitor = visit()
    visitor.launcher.click()
    visitor.wait_for_welcome()
    before = visitor.bot_messages().count()
    visitor.page.get_by_role("button", name="What is AHSCT?").click()
    replies = visitor.wait_for_replies(before)

    expect(visitor.page.locator(".ahsct-msg--user").last).to_have_text(re.compile("What is AHSCT\\?"))
    expect(visitor.page.locator("#ahsct-input")).to_be_focused()
    passages = expected_answer(knowledge_base, "what_is_ahsct", "")
    assert passages[0].text.split("\n")[0] in replies[0]
    last = visitor.page.locator(".ahsct-msg__source cite").last.inner_text()
    assert without_link_note(last) == passages[-1].citations[-1]


def test_reload_keeps_the_conversation_and_new_conversation_starts_afresh(visit):
    visitor = visit()
    visitor.launcher.click()
    visitor.wait_for_welcome()
    visitor.ask("What are the risks of AHSCT?")
    before_reload = visitor.page.locator(".ahsct-msg").all_inner_texts()
    session = visitor.session_id()

    visitor.page.reload()
    expect(visitor.panel).to_be_visible()
    expect(visitor.page.locator(".ahsct-msg")).to_have_count(len(before_reload))
    assert visitor.page.locator(".ahsct-msg").all_inner_texts() == before_reload
    assert visitor.session_id() == session
    replies = visitor.ask("Tell me more")  # the same conversation carries on at the server too
    assert replies and "Source:" in "\n".join(replies)

    visitor.page.get_by_role("button", name="New conversation").click()
    visitor.wait_for_welcome()
    assert visitor.session_id() != session
    expect(visitor.page.locator(".ahsct-msg--user")).to_have_count(0)
    expect(visitor.page.locator("#ahsct-input")).to_be_focused()


def test_rating_an_answer_is_stored_in_the_conversation(visit, stack, knowledge_base):
    visitor = visit()
    visitor.launcher.click()
    visitor.wait_for_welcome()
    visitor.ask(APPROVAL_QUESTION)
    before = visitor.bot_messages().count()
    rated = visitor.page.locator(".ahsct-rating").first
    rated.get_by_role("button", name="Not helpful").click()
    visitor.wait_for_replies(before)
    expect(rated.get_by_role("button", name="Not helpful")).to_have_attribute("aria-pressed", "true")
    expect(rated.get_by_role("button", name="Helpful", exact=True)).to_have_attribute("aria-pressed", "false")

    events = stack.tracker(visitor.session_id())["events"]
    ratings = [e for e in events if e["event"] == "user" and e["parse_data"]["intent"]["name"] == "rate_not_helpful"]
    assert len(ratings) == 1
    entities = {e["entity"]: e["value"] for e in ratings[0]["parse_data"]["entities"]}
    # The start of the rated answer is stored with the rating, so an editor can tell which answer it was.
    first_passage = expected_answer(knowledge_base, "approval", APPROVAL_QUESTION)[0]
    assert entities["rated_answer"].startswith(first_passage.text[:60])


def test_on_a_360_pixel_phone_everything_is_usable_also_with_larger_text(visit):
    visitor = visit(viewport=PHONE)
    visitor.launcher.click()
    visitor.wait_for_welcome()
    replies = visitor.ask(APPROVAL_QUESTION)
    assert "Source:" in replies[0]
    assert_fits_the_screen(visitor.page)

    visitor.page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert_fits_the_screen(visitor.page)
    visitor.page.get_by_role("button", name="Close the chat").click()
    expect(visitor.panel).to_be_hidden()


def test_on_a_360_pixel_phone_tab_keeps_focus_inside_the_chat(visit):
    visitor = visit(viewport=PHONE)
    visitor.launcher.click()
    visitor.wait_for_welcome()
    visitor.ask(APPROVAL_QUESTION)
    send = visitor.page.locator(".ahsct-send")
    send.focus()
    for _ in range(60):  # every control of the chat, and round again
        visitor.page.keyboard.press("Tab")
        assert visitor.page.evaluate("document.getElementById('ahsct-panel').contains(document.activeElement)"), \
            visitor.page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
    visitor.page.keyboard.press("Shift+Tab")
    assert visitor.page.evaluate("document.getElementById('ahsct-panel').contains(document.activeElement)")


def test_on_a_desktop_tab_may_leave_the_chat_for_the_page(visit):
    visitor = visit()
    visitor.launcher.click()
    visitor.wait_for_welcome()
    visitor.page.locator(".ahsct-send").focus()
    left = False
    for _ in range(60):
        visitor.page.keyboard.press("Tab")
        left = left or not visitor.page.evaluate("document.getElementById('ahsct-panel').contains(document.activeElement)")
    assert left, "beside the page, the chat is not a trap"


def assert_fits_the_screen(page: Page) -> None:
    width = PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for selector in ("#ahsct-input", ".ahsct-send", ".ahsct-close", ".ahsct-header__button"):
        box = page.locator(selector).first.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, selector
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], selector
        assert box["height"] >= 24, f"{selector} is too small to tap"


def test_widget_says_when_the_server_cannot_be_reached_and_recovers(visit, stack):
    visitor = visit()
    visitor.launcher.click()
    visitor.wait_for_welcome()
    offline = visitor.page.get_by_role("status").filter(has_text="can't reach")

    before = visitor.bot_messages().count()

    stack.rasa.stop()
    try:
        expect(offline).to_be_visible(timeout=15_000)
        visitor.page.locator("#ahsct-input").fill(APPROVAL_QUESTION)  # written while the server is away
        visitor.page.keyboard.press("Enter")
        expect(offline).to_contain_text("will be sent as soon as the connection is back")
        expect(visitor.page.locator(".ahsct-typing")).to_be_visible()
    finally:
        stack.rasa.start()  # waits until the restarted server answers
    expect(offline).to_be_hidden(timeout=20_000)  # the widget kept retrying and is connected again
    replies = visitor.wait_for_replies(before)  # the waiting question went out and was answered
    assert "Source:" in replies[0]
    expect(visitor.page.locator(".ahsct-typing")).to_be_hidden()
    assert before > 0 and visitor.page.locator(".ahsct-msg--user").count() == 1


def test_accessibility_audit_finds_nothing_serious(visit):
    for viewport in (DESKTOP, PHONE):
        visitor = visit(viewport=viewport, bypass_csp=True)  # axe is injected as a script of its own
        visitor.launcher.click()
        visitor.wait_for_welcome()
        visitor.ask(APPROVAL_QUESTION)
        visitor.page.locator(".ahsct-rating").first.get_by_role("button", name="Helpful", exact=True).click()
        visitor.page.add_script_tag(path=str(AXE))
        results = visitor.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]])
            for v in results["violations"] if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], viewport


XSS_TRAP = "window.__xssFired = []; window.__xss = (n) => window.__xssFired.push(n); window.alert = window.__xss;"
# Each payload calls __xss(n) if it ever runs.
XSS_PAYLOADS = [
    "<script>__xss(1)</script>",
    '<img src=x onerror="__xss(2)">',
    "<svg onload=__xss(3)>",
    "<svg><script>__xss(4)</script></svg>",
    "[click me](javascript:__xss(5))",
    "javascript:__xss(6)",
    '<a href="javascript:__xss(7)">click</a>',
    "data:text/html,<script>__xss(8)</script>",
    '<a href="data:text/html;base64,PHNjcmlwdD5fX3hzcyg5KTwvc2NyaXB0Pg==">open</a>',
    '<iframe src="javascript:__xss(10)"></iframe>',
    "<body onload=__xss(11)>",
    "<details open ontoggle=__xss(12)>",
    '"><img src=x onerror=__xss(13)>',
    'https://example.org/"onmouseover="__xss(14)',
    "https://example.org/<img src=x onerror=__xss(15)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=__xss(16)>",
    "<input autofocus onfocus=__xss(17)>",
    "<video><source onerror=__xss(18)></video>",
    '<object data="javascript:__xss(19)"></object>',
    '<a href="jav&#x61;script:__xss(20)">x</a>',
    "JaVaScRiPt:__xss(21)",
    "<marquee onstart=__xss(22)>",
    "<style>@import 'javascript:__xss(23)';</style>",
    "<form><button formaction=javascript:__xss(24)>go</button></form>",
]


def test_hostile_markup_in_visitor_and_bot_messages_never_runs(visit, stack):
    # No CSP here: the widget alone must keep the page safe, as on a host site without one.
    visitor = visit(bypass_csp=True, init_script=XSS_TRAP)
    visitor.launcher.click()
    visitor.wait_for_welcome()

    for payload in XSS_PAYLOADS[:12]:
        visitor.ask(payload)
    stack.say_on_socketio(visitor.session_id(), bot_events_carrying(XSS_PAYLOADS))
    expect(visitor.page.locator(".ahsct-msg__source")).not_to_have_count(0, timeout=REPLY_TIMEOUT_MS)
    expect(visitor.page.locator(".ahsct-quick-reply").filter(has_text="__xss(3)")).to_be_visible()

    log_text = visitor.page.locator(".ahsct-log").evaluate(
        "log => { const copy = log.cloneNode(true);"
        " copy.querySelectorAll('.ahsct-visually-hidden').forEach(n => n.remove()); return copy.textContent; }"
    )
    for payload in XSS_PAYLOADS:
        assert payload in log_text  # shown as the text it is
    for element in visitor.page.locator(".ahsct-log a, .ahsct-quick-reply").all():
        element.hover()
    hrefs = visitor.page.eval_on_selector_all(".ahsct-widget a", "links => links.map(a => a.href)")
    assert hrefs and all(href.startswith("https://") for href in hrefs), hrefs
    visitor.page.locator(".ahsct-quick-reply").first.click()
    visitor.page.wait_for_timeout(1500)
    assert visitor.page.evaluate("window.__xssFired") == []
    assert visitor.network.outside_requests() == []

    # The trap works: the same markup put into the page as HTML fires it.
    visitor.page.evaluate("document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=__xss(0)>')")
    visitor.page.wait_for_function("window.__xssFired.length > 0")
    assert visitor.page.evaluate("window.__xssFired") == [0]


def bot_events_carrying(payloads: List[str]) -> List[dict]:
    """Bot messages with the payloads as text, as a source line, and as quick-reply titles."""
    text_messages = [{"event": "bot", "text": f"Here is {payload} for you"} for payload in payloads]
    cited = [{"event": "bot", "text": f"An answer.\nSource: {payload}"} for payload in payloads[:6]]
    buttons = [{"title": payload, "payload": "/greet"} for payload in payloads[:6]]
    return text_messages + cited + [{"event": "bot", "text": "Choose:", "data": {"buttons": buttons}}]
