"""Small things a person notices: offline, the header doesn't invite anyone into a live chat; a screen not
saved on the phone says it isn't available offline (not "Something went wrong"); after "Erase me", My meetups
offers a way to start again; staff see how many people reported a message, on one item per message."""
import re
from datetime import timedelta

from tests.browser.helpers import LAPTOP, enter_as_staff, join_as_youth, open_session, switch_to_open_mode


def live_chat(app):
    """A chat that started five minutes ago, and no weekly slot planning others."""
    from backend.clock import utcnow
    from backend.models import ChatSchedule, ChatSession
    start = utcnow() - timedelta(minutes=5)
    with app.app_context():
        ChatSchedule.create(weekday=0, starts="16:00", minutes=120, title="Monday chat", active=False)
        return ChatSession.create(title="Monday chat", starts_at=start, ends_at=start + timedelta(minutes=120)).id


def test_offline_the_header_says_the_chat_needs_a_connection_and_offers_no_join(app, page, context, goto, shell):
    session_id = live_chat(app)
    shell.wait_for_service_worker(goto(page, "/"))
    goto(page, "/")                                      # /api/sessions/next now saved by the worker
    header = page.get_by_role("banner")
    assert header.get_by_role("link", name="Chat is live").get_attribute("href") == f"/chat/{session_id}"

    context.set_offline(True)
    header.get_by_text("Offline: the chat needs a connection").wait_for()
    assert header.get_by_role("link", name="Chat is live").count() == 0
    assert header.get_by_role("link", name=re.compile("Join|Chat is live")).count() == 0
    page.reload()                                        # the saved /api/sessions/next still says "open"
    shell.wait_ready(page)
    header.get_by_text("Offline: the chat needs a connection").wait_for()
    assert header.locator("a[href^='/chat']").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the header overflows"

    context.set_offline(False)
    header.get_by_role("link", name="Chat is live").wait_for()
    assert header.get_by_text("Offline: the chat needs a connection").count() == 0


def test_a_screen_not_saved_offline_says_so_in_its_title(app, city, page, context, goto, shell, axe):
    shell.wait_for_service_worker(goto(page, "/"))
    context.set_offline(True)
    page.goto(f"/sectors/{city['north'].id}")           # never opened online: nothing saved for it
    shell.wait_ready(page)
    assert page.locator("h1").inner_text() == "Not available offline"
    assert page.title() == "Not available offline · Tuttu"
    assert "Connect to the internet and try again" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Try again").is_visible()
    assert "Something went wrong" not in page.locator("main").inner_text()
    assert axe(page) == []
    context.set_offline(False)
    goto(page, "/me")
    page.get_by_text("Suomi").click()
    page.get_by_role("heading", name="Minä").wait_for()
    context.set_offline(True)
    page.goto(f"/officers/{city['staff']['officer'].id}")
    shell.wait_ready(page)
    assert page.locator("h1").inner_text() == "Ei saatavilla ilman yhteyttä"
    context.set_offline(False)


def test_after_erase_me_my_meetups_offers_a_way_to_start_again(page, goto, shell):
    first = shell.start_anonymously(page)
    page.get_by_role("button", name="Erase me…").click()
    page.get_by_role("button", name="Yes, erase everything").click()
    page.get_by_role("button", name="Start anonymously").wait_for()
    goto(page, "/meetups/mine")
    main = page.locator("main")
    assert main.get_by_text("My meetups is for young people using Tuttu.").is_visible()
    assert main.get_by_text(re.compile("^Start again anonymously")).is_visible()
    assert main.get_by_role("link", name="Browse meetups").get_attribute("href") == "/meetups"
    main.get_by_role("button", name="Start anonymously").click()
    main.get_by_text("You haven't signed up for any meetups yet.").wait_for()
    assert main.get_by_role("heading", name="Your calendar").is_visible()
    assert main.get_by_role("button", name="Start anonymously").count() == 0
    goto(page, "/me")
    handle = page.locator(".handle").inner_text()
    assert handle and handle != first                     # a new identity, not the erased one
    assert page.console_errors == []


def report(page, text, reason="Bullying or hate"):
    item = page.locator(".chat-stream .chat-message").filter(has_text=text)
    item.get_by_role("button", name="Report").click()
    dialog = page.get_by_role("dialog", name="Report a message")
    dialog.get_by_label(reason).check()
    dialog.get_by_role("button", name="Send report").click()
    page.get_by_text("Thanks. A youth worker will check the message.").wait_for()


def test_staff_see_how_many_reported_a_message_on_one_item(person, goto, as_role):
    session = open_session(as_role)
    room = f"/chat/{session['id']}"
    host = person(LAPTOP, service_workers="block")
    enter_as_staff(host, goto, room)
    switch_to_open_mode(host)
    asker, first, second = (person(service_workers="block") for _ in range(3))
    for page in (asker, first, second):
        join_as_youth(page, goto)
    asker.get_by_label("Your message").fill("lol this chat is stupid")
    asker.get_by_role("button", name="Send").click()

    reports = host.locator("#chat-panel-reports .card")
    report(first, "lol this chat is stupid")
    reports.filter(has_text="Reported by 1 person").wait_for()
    report(second, "lol this chat is stupid", reason="Personal details")
    reports.filter(has_text="Reported by 2 people").wait_for()
    assert reports.count() == 1                        # the same message: the item is replaced, not repeated
    assert "Bullying or hate" in reports.first.inner_text()   # the first report's reason
    goto(host, "/me")
    host.get_by_text("Українська").click()
    host.get_by_role("heading", name="Я", exact=True).wait_for()     # switched (and kept) before the page reloads
    goto(host, room)
    host.locator("#chat-panel-reports .card").filter(has_text="Поскаржилися 2 особи").wait_for()
    assert host.console_errors == []
