"""The chat screens one at a time in a real Chromium: lobby, room as observer and as youth, host console,
the answer archive; keyboard moderation; axe on each; 360px without sideways scrolling."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import enter_as_staff, login_staff, message, navigate, open_session, wait_live


def test_lobby_shows_the_next_session_with_rules_and_both_ways_in(page, goto, as_role):
    session = open_session(as_role, minutes_from_now=30)
    goto(page, "/chat")
    assert page.locator("h1").inner_text() == "Monday chat"
    card = page.locator(".chat-next")
    assert card.get_by_role("heading", level=2).inner_text() == session["title"]
    assert re.search(r"Starts in \d+:\d\d", card.inner_text())
    assert page.get_by_role("heading", name="Chat rules").is_visible()
    assert page.get_by_text("Don't share personal details").is_visible()
    assert page.get_by_role("button", name="Join the chat").is_visible()
    assert page.get_by_role("link", name="Just watch").get_attribute("href") == f"/chat/{session['id']}?as=observer"
    page.get_by_text("Need help now?").click()
    assert page.get_by_role("link", name="112", exact=True).get_attribute("href") == "tel:112"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.console_errors == []


def test_join_is_one_tap_and_gives_a_handle_then_ask_ahead_before_the_start(page, goto, as_role):
    session = open_session(as_role, minutes_from_now=10)          # lobby: 15 minutes before
    goto(page, "/chat")
    page.get_by_role("button", name="Join the chat").click()
    page.wait_for_url(f"**/chat/{session['id']}")
    wait_live(page)
    assert page.get_by_label("Ask ahead").is_visible()
    page.get_by_label("Ask ahead").fill("Can the police read my messages?")
    page.get_by_role("button", name="Send question").click()
    own = page.locator(".chat-message-mine")
    own.get_by_text("Waiting for a moderator.").wait_for()
    assert "goes to the host when the chat starts" in own.inner_text()
    assert page.console_errors == []


def test_leaving_the_room_before_it_caught_up_does_not_scroll_the_next_screen(page, goto, as_role):
    """The room opens at the newest message once caught up, or after 1.5 s on a slow network; a user who has
    already gone on to another screen by then stays where they are (this scrolled the next screen to its end)."""
    session = open_session(as_role)
    page.set_viewport_size({"width": 360, "height": 300})
    page.route_web_socket("**/ws/**", lambda socket: None)     # a network so slow nothing arrives
    page.clock.install()
    goto(page, f"/chat/{session['id']}?as=observer")
    page.locator('.chat-connection[data-state="connecting"]').wait_for()
    navigate(page, "/")
    assert page.evaluate("document.scrollingElement.scrollHeight") > 400         # a page that could scroll
    page.clock.run_for(2000)
    assert page.evaluate("window.scrollY") == 0


def test_observer_sees_the_banner_and_no_composer(page, goto, as_role):
    session = open_session(as_role)
    goto(page, f"/chat/{session['id']}?as=observer")
    wait_live(page)
    assert page.get_by_role("heading", name="You are watching").is_visible()
    assert page.locator("form.chat-composer").count() == 0
    assert page.get_by_role("button", name="Join to ask a question").is_visible()
    assert re.search(r"1 watching", page.locator(".chat-counts").inner_text())
    assert page.console_errors == []


@pytest.mark.parametrize("who", ["observer", "youth", "host"])
def test_chat_screens_pass_axe(page, goto, as_role, axe, who):
    session = open_session(as_role)
    if who == "host":
        login_staff(page, goto, "host@test.fi")
        goto(page, f"/chat/{session['id']}")
    elif who == "youth":
        goto(page, "/chat")
        page.get_by_role("button", name="Join the chat").click()
        page.wait_for_url(f"**/chat/{session['id']}")
    else:
        goto(page, f"/chat/{session['id']}?as=observer")
    wait_live(page)
    violations = axe(page)
    assert violations == [], "\n".join(n for v in violations for n in v["nodes"])
    page.emulate_media(color_scheme="dark")
    page.wait_for_function("() => getComputedStyle(document.body).backgroundColor !== 'rgb(246, 248, 251)'")
    page.wait_for_timeout(300)                                           # let any transition finish
    violations = axe(page)
    assert violations == [], "\n".join(n for v in violations for n in v["nodes"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.console_errors == []


def test_archive_screen_searches_and_passes_axe(page, goto, axe):
    goto(page, "/answers")
    assert page.locator("h1").inner_text() == "Answers from the police"
    page.get_by_text("No answers in the archive yet.").wait_for()
    page.get_by_role("searchbox", name="Search answers").fill("moped")
    page.get_by_text("No answers match.").wait_for()
    assert page.url.endswith("/answers?q=moped")
    assert axe(page) == []
    assert page.console_errors == []


TARGETS = """() => [...document.querySelectorAll('#view button, #view summary, #view select, #view a.button, #view .chat-toggle, #view .choice')]
    .filter((el) => el.offsetParent !== null)
    .map((el) => { const r = el.getBoundingClientRect(); return {what: el.textContent.trim().slice(0, 30), w: r.width, h: r.height}; })
    .filter((box) => box.w < 44 || box.h < 44)"""


def test_every_control_is_a_44px_target_on_a_phone(page, goto, as_role, browser, live_server):
    session = open_session(as_role)
    goto(page, "/chat")
    page.get_by_role("button", name="Join the chat").click()
    wait_live(page)
    page.get_by_label("Your message").fill("Is this a question?")
    page.get_by_label("This is a question").check()
    page.get_by_role("button", name="Send").click()
    page.locator(".chat-message-mine").wait_for()
    assert page.evaluate(TARGETS) == []
    host = browser.new_context(viewport={"width": 360, "height": 640}, base_url=live_server).new_page()
    enter_as_staff(host, goto, f"/chat/{session['id']}", "host@test.fi")
    host.locator(".chat-queue-item").wait_for()
    host.locator(".chat-queue-item summary").click()           # the actions menu on a handle
    assert host.evaluate(TARGETS) == []
    assert host.evaluate("document.documentElement.scrollWidth") <= 360
    host.context.close()


def test_keyboard_only_host_moves_rejects_with_a_reason_and_switches_panels(page, goto, as_role, new_client):
    session = open_session(as_role, minutes_from_now=10)              # lobby: youth ask ahead
    youth = new_client()
    youth.become_youth()
    for cid, text in (("q1", "first question"), ("q2", "second question")):
        assert youth.post(f"/api/sessions/{session['id']}/questions", {"cid": cid, "text": text}).status_code == 201
    enter_as_staff(page, goto, f"/chat/{session['id']}", "host@test.fi")
    items = page.locator(".chat-queue-item")
    assert items.count() == 2
    assert "Asked ahead" in items.first.locator(".chat-hold-reason").inner_text()
    page.keyboard.press("j")                                           # into the queue
    assert page.evaluate("document.activeElement.dataset.id") == items.first.get_attribute("data-id")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.textContent").count("second question") == 1
    page.keyboard.press("Shift+R")                                     # reject with a reason: the field has focus
    page.keyboard.press("Control+a")
    page.keyboard.type("Please ask this in the open chat.")
    page.keyboard.press("Enter")
    items.filter(has_text="second question").wait_for(state="detached")
    page.keyboard.press("k")
    page.keyboard.press("a")                                           # approve the first
    items.filter(has_text="first question").wait_for(state="detached")
    page.keyboard.press("2")
    assert page.get_by_role("tab", name="Questions").get_attribute("aria-selected") == "true"
    assert page.evaluate("document.activeElement.getAttribute('role')") == "tab"
    page.keyboard.press("ArrowLeft")
    assert page.get_by_role("tab", name=re.compile("^Queue")).get_attribute("aria-selected") == "true"
    page.keyboard.press("?")
    assert page.locator("#chat-keys-help").is_visible()
    assert page.console_errors == []


def test_an_answer_being_typed_survives_a_busy_chat(page, goto, as_role, browser, live_server):
    session = open_session(as_role)
    enter_as_staff(page, goto, f"/chat/{session['id']}", "host@test.fi")
    page.get_by_role("switch", name="Pre-moderation").click()
    page.get_by_role("switch", name="Pre-moderation").filter(has_text="Off").wait_for()
    youth = browser.new_context(viewport={"width": 360, "height": 640}, base_url=live_server).new_page()
    goto(youth, "/chat")
    youth.get_by_role("button", name="Join the chat").click()
    wait_live(youth)
    youth.get_by_label("Your message").fill("Is a pocket knife legal?")
    youth.get_by_label("This is a question").check()
    youth.get_by_label("Your message").press("Enter")
    page.get_by_role("tab", name="Questions").click()     # a phone: one panel at a time
    question = page.locator(".chat-question-item").filter(has_text="Is a pocket knife legal?")
    question.get_by_role("button", name="Answer", exact=True).click()
    reason = question.get_by_label("Why (short)")
    reason.fill("It depends on the blade and where you carry it")
    for n in range(1):                                    # the chat moves on (youth may send 3 in a burst)
        youth.get_by_label("Your message").fill(f"another question {n}")
        youth.get_by_label("This is a question").check()
        youth.get_by_label("Your message").press("Enter")
        page.locator(".chat-question-item").filter(has_text=f"another question {n}").wait_for()
    reason.focus()
    youth.get_by_label("Your message").fill("more chatter")
    youth.get_by_label("Your message").press("Enter")
    message(youth, "more chatter").locator(".chat-own-status").wait_for(state="detached")
    page.wait_for_timeout(300)
    assert reason.input_value() == "It depends on the blade and where you carry it"
    assert page.evaluate("document.activeElement.name") == "reason"
    youth.context.close()


def test_screen_readers_hear_a_summary_not_a_flood(page, goto, as_role, browser, live_server):
    session = open_session(as_role)
    host = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server).new_page()
    enter_as_staff(host, goto, f"/chat/{session['id']}", "host@test.fi")
    say = host.get_by_label("Write to everyone")
    say.fill("before you came")
    say.press("Enter")
    page.clock.install()       # the announcer's 4-second window runs on this page's clock, moved on below
    goto(page, f"/chat/{session['id']}?as=observer")
    wait_live(page)
    region = page.locator(".chat-stream-wrap [role=status]")
    assert region.get_attribute("aria-live") == "polite"
    assert page.locator(".chat-stream").get_attribute("aria-live") is None       # the list itself is not live
    page.clock.run_for(4500)
    assert region.inner_text() == ""                                             # history is not read out
    for n in range(4):
        say.fill(f"burst {n}")
        say.press("Enter")
    message(page, "burst 3").wait_for()
    page.clock.run_for(4100)
    expect(region).to_have_text("4 new messages.")
    say.fill("just one")
    say.press("Enter")
    message(page, "just one").wait_for()
    page.clock.run_for(4100)
    expect(region).to_have_text("Hilla Host, Youth worker: just one")
    host.context.close()


def test_slow_mode_explains_the_wait_and_ending_the_chat_closes_the_composer(page, goto, as_role, browser, live_server):
    session = open_session(as_role)
    host = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server).new_page()
    enter_as_staff(host, goto, f"/chat/{session['id']}", "host@test.fi")
    host.get_by_role("switch", name="Pre-moderation").click()
    host.get_by_label("Slow mode").select_option("30")
    goto(page, "/chat")
    page.get_by_role("button", name="Join the chat").click()
    wait_live(page)
    for text in ("first", "second"):
        page.get_by_label("Your message").fill(text)
        page.get_by_label("Your message").press("Enter")
    message(page, "first").locator(".chat-own-status").wait_for(state="detached")
    second = message(page, "second")
    second.get_by_text("Not sent.").wait_for()
    assert re.search(r"Slow down a little: you can write again in \d+ s\.", second.inner_text())
    assert second.get_by_role("button", name="Send again").is_visible()

    host.get_by_role("button", name="End the chat").click()
    host.get_by_role("dialog").get_by_role("button", name="End the chat").click()   # the app's own confirm
    page.locator(".chat-state", has_text="Ended").wait_for()
    assert page.get_by_label("Your message").is_disabled()
    assert page.get_by_text("This chat has ended. Read the answers in the archive.").is_visible()
    assert page.get_by_role("link", name="Read earlier answers").get_attribute("href") == "/answers"
    host.context.close()
    assert page.console_errors == []


@pytest.mark.parametrize("locale, watching, banner", [
    ("fi-FI", "1 seuraa", "Seuraat chattia"),
    ("uk-UA", "1 спостерігач", "Ти спостерігаєш"),
])
def test_the_room_speaks_the_users_language(browser, live_server, goto, as_role, locale, watching, banner):
    session = open_session(as_role)
    context = browser.new_context(viewport={"width": 360, "height": 640}, base_url=live_server, locale=locale)
    page = context.new_page()
    goto(page, f"/chat/{session['id']}?as=observer")
    wait_live(page)
    assert page.get_by_role("heading", name=banner).is_visible()
    assert watching in page.locator(".chat-counts").inner_text()
    assert "chat." not in page.locator("main").inner_text()          # no untranslated keys
    context.close()


def test_the_room_opens_offline_from_the_saved_copy_and_sends_when_back(page, context, goto, as_role, shell):
    session = open_session(as_role)
    room = f"/chat/{session['id']}"
    goto(page, "/chat")
    shell.wait_for_service_worker(page)
    page.get_by_role("button", name="Join the chat").click()
    wait_live(page)
    page.reload()                                                    # now fetched through the worker
    wait_live(page)
    context.set_offline(True)
    page.reload()
    shell.wait_ready(page)
    assert page.locator("h1").inner_text() == "Monday chat test"
    page.locator('.chat-connection[data-state="offline"]').wait_for()
    page.get_by_label("Your message").fill("sent from the bus")
    page.get_by_label("Your message").press("Enter")
    message(page, "sent from the bus").get_by_text("Sending…").wait_for()
    context.set_offline(False)
    wait_live(page)
    message(page, "sent from the bus").get_by_text("Waiting for a moderator.").wait_for()
    assert page.url.endswith(room)
