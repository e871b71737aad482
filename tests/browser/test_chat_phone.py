"""The phone chat built like a messenger, measured in a real Chromium at 390x844: it opens at the newest
message, at least 8 whole messages fit between the room's bar and the composer, "Need help now?" is one
tap away in the bar, and a reader scrolled up gets "Jump to latest" and a "New messages" line."""
import pytest

from backend.models.chat import ChatMessage, ChatSession
from backend.models.people import Youth
from tests.browser.helpers import join_as_youth, login_staff, open_session, wait_live

PHONE = {"width": 390, "height": 844}
CHATTER = ["hi", "is anyone here?", "hello from Kallio", "what time does it end", "lol same",
           "Can I ride a moped without a helmet?", "ok thanks", "my bike was stolen what do I do",
           "👍", "nice", "Do the police read this chat?", "cool", "yes", "thank you!", "where is the youth centre",
           "it's next to the library", "ok", "How old do you have to be to work?", "bye", "see you next Monday"]


def seed_messages(app, session_id, texts):
    """Published messages as if written earlier in the session (questions end with '?')."""
    with app.app_context():
        session = ChatSession.get_by_id(session_id)
        session.moderation = "open"
        session.save()
        for i, text in enumerate(texts):
            youth = Youth.create(handle=f"Teen{i:02d}x")
            ChatMessage.create(session=session, cid=f"y{youth.id}:seed{i}", youth=youth, text=text,
                               is_question=text.endswith("?"), seq=ChatSession.next_seq(session_id),
                               state=ChatMessage.PUBLISHED)


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(viewport=PHONE, base_url=live_server, locale="en-GB", timezone_id="Europe/Helsinki",
                                  has_touch=True, is_mobile=True, device_scale_factor=1)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()


FULLY_VISIBLE = """() => {
  const bar = document.querySelector('.chat-bar').getBoundingClientRect();
  const dock = document.querySelector('.chat-dock').getBoundingClientRect();
  return [...document.querySelectorAll('.chat-stream .chat-message')].filter((li) => {
    const r = li.getBoundingClientRect();
    return r.height > 0 && r.top >= bar.bottom - 1 && r.bottom <= dock.top + 1;
  }).map((li) => li.querySelector('.chat-text').textContent);
}"""


def test_the_phone_chat_opens_at_the_newest_and_shows_at_least_8_messages(app, phone, goto, as_role):
    session = open_session(as_role)
    seed_messages(app, session["id"], CHATTER)
    join_as_youth(phone, goto)
    phone.locator(".chat-stream .chat-message").nth(len(CHATTER) - 1).wait_for()
    phone.wait_for_function("() => Math.abs(scrollY + innerHeight - document.scrollingElement.scrollHeight) < 4")
    visible = phone.evaluate(FULLY_VISIBLE)
    assert len(visible) >= 8, visible
    assert visible[-1] == "see you next Monday"                       # opens at the newest, not the oldest
    help_chip = phone.locator(".chat-bar").get_by_text("Need help now?")
    assert help_chip.is_visible()                                    # one tap away, in the bar
    help_chip.click()
    assert phone.get_by_role("link", name="112", exact=True).is_visible()
    help_chip.click()
    composer = phone.get_by_label("Your message").bounding_box()
    assert composer["height"] <= 48                                   # one line until you write more
    tabbar = phone.locator(".tabbar").bounding_box()
    assert composer["y"] + composer["height"] <= tabbar["y"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Typing: a phone keyboard takes about 300 px; the tab bar steps aside and 4 messages still show.
    phone.get_by_label("Your message").focus()
    phone.set_viewport_size({"width": 390, "height": 844 - 300})
    phone.evaluate("window.scrollTo({top: document.scrollingElement.scrollHeight, behavior: 'instant'})")
    phone.wait_for_timeout(100)
    assert phone.locator(".tabbar").is_hidden()
    typing = phone.evaluate(FULLY_VISIBLE)
    assert len(typing) >= 4, typing
    assert phone.console_errors == []


def test_a_reader_scrolled_up_gets_jump_to_latest_and_a_new_messages_line(app, phone, browser, live_server, goto, as_role):
    session = open_session(as_role)
    seed_messages(app, session["id"], CHATTER)
    join_as_youth(phone, goto)
    phone.locator(".chat-stream .chat-message").nth(len(CHATTER) - 1).wait_for()
    phone.evaluate("window.scrollTo(0, 0)")
    phone.wait_for_timeout(200)

    other_context = browser.new_context(viewport=PHONE, base_url=live_server, locale="en-GB")
    other = other_context.new_page()
    join_as_youth(other, goto)
    other.get_by_label("Your message").fill("anyone from Vallila?")
    other.get_by_label("Your message").press("Enter")

    jump = phone.get_by_role("button", name="Jump to latest")
    jump.wait_for()
    assert "(1)" in jump.inner_text()
    marker_next = phone.evaluate("document.querySelector('.chat-unread-marker').nextElementSibling.textContent")
    assert "anyone from Vallila?" in marker_next
    jump.click()
    phone.wait_for_function("() => Math.abs(scrollY + innerHeight - document.scrollingElement.scrollHeight) < 4")
    assert jump.is_hidden()
    assert "anyone from Vallila?" in phone.evaluate(FULLY_VISIBLE)[-1]

    # Questions only, most "me too" first / newest first
    phone.locator(".chat-bar .chat-view summary").click()
    phone.get_by_role("button", name="Questions: newest").click()
    shown = phone.evaluate("""() => [...document.querySelectorAll('.chat-stream .chat-message')]
        .filter((li) => li.getBoundingClientRect().height > 0)
        .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
        .map((li) => li.querySelector('.chat-text').textContent)""")
    assert shown[0] == "How old do you have to be to work?"
    assert all(text.endswith("?") for text in shown)
    other_context.close()
    assert phone.console_errors == []


def test_a_host_on_a_phone_acts_from_a_sheet_above_the_composer_and_sees_the_result(app, phone, goto, as_role, city):
    session = open_session(as_role)
    seed_messages(app, session["id"], CHATTER[:10])
    login_staff(phone, goto, city["staff"]["youth_worker"].email)
    goto(phone, f"/chat/{session['id']}")
    wait_live(phone)
    tabs = phone.get_by_role("tablist").bounding_box()
    assert tabs["height"] < 60                                         # one row of tabs
    phone.get_by_role("tab", name="Chat").click()
    newest = phone.locator("#chat-panel-stream .chat-message").last
    newest.locator("summary", has_text="Actions").click()
    sheet = newest.locator(".chat-menu-list")
    for button in sheet.get_by_role("button").all():                   # every choice can be tapped: nothing over it
        box = button.bounding_box()
        hit = phone.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('button')?.textContent",
                             [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
        assert hit == button.inner_text(), (hit, button.inner_text())
    sheet.get_by_role("button", name="Mute 5 min").click()
    assert "Muted until" in newest.locator(".chat-result").inner_text()  # the host sees it done
    assert phone.console_errors == []
