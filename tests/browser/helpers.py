"""Helpers for the browser tests: wait for a screen, move between screens inside the app, open a session
through the API, log a browser in as staff, wait for the chat connection, and read the stream the way a
user sees it."""
import re
from datetime import datetime, timedelta, timezone

from tests.support import PASSWORD  # the staff password of the `city` fixture

PHONE = {"width": 360, "height": 640}
LAPTOP = {"width": 1280, "height": 800}


def open_session(as_role, minutes_from_now=-1, minutes=60, title="Monday chat test"):
    """A one-off session hosted by the `city` youth worker; starts `minutes_from_now` from now (negative = open)."""
    host = as_role("youth_worker")
    starts = datetime.now(timezone.utc) + timedelta(minutes=minutes_from_now)
    response = host.post("/api/sessions", {"title": title, "starts_at": starts.isoformat().replace("+00:00", "Z"),
                                           "minutes": minutes})
    assert response.status_code == 201, response.json
    return response.json


def login_staff(page, goto, email, password=PASSWORD):
    """Log this browser page in as a staff member through the same API the app uses."""
    goto(page, "/")
    status = page.evaluate("""async ([email, password]) => {
        const token = (await (await fetch('/api/csrf')).json()).csrf_token;
        const response = await fetch('/api/auth/login', {method: 'POST', credentials: 'same-origin',
          headers: {'Content-Type': 'application/json', 'X-CSRF-Token': token}, body: JSON.stringify({email, password})});
        return response.status;
    }""", [email, password])
    assert status == 200, f"login as {email} failed: {status}"


def enter_as_staff(page, goto, room, email="host@test.fi"):
    """Log this page in as staff and open the chat room, connected."""
    login_staff(page, goto, email)
    goto(page, room)
    wait_live(page)


def join_as_youth(page, goto):
    """From the chat lobby, one tap on 'Join the chat', connected."""
    goto(page, "/chat")
    page.get_by_role("button", name="Join the chat").click()
    wait_live(page)


def switch_to_open_mode(host):
    """The host turns pre-moderation off: youth messages are published at once."""
    switch = host.get_by_role("switch", name="Pre-moderation")
    switch.click()
    switch.filter(has_text="Off").wait_for()


def wait_ready(page):
    """Wait until the shell has booted and the current screen has rendered its heading."""
    page.wait_for_selector("html[data-ready='true']")
    page.wait_for_selector("main#view:not([aria-busy]) .screen h1")


def navigate(page, path):
    """Go to `path` inside the app, the way a tapped link does (no page load: the shell, its modules and any
    script a test added stay), and wait until the screen has rendered. `goto` loads the page afresh."""
    page.evaluate("(path) => import('/js/router.js').then((router) => router.navigate(path))", path)
    wait_ready(page)


def wait_live(page, timeout=10_000):
    """Wait until the chat screen says it is connected."""
    page.locator('.chat-connection[data-state="live"]').wait_for(timeout=timeout)


def stream_texts(page):
    """The texts of the messages in the public stream, in order."""
    return page.locator(".chat-stream .chat-message .chat-text").all_inner_texts()


def message(page, text):
    """The chat stream item whose text is exactly `text`."""
    return page.locator(".chat-stream .chat-message").filter(
        has=page.locator(".chat-text", has_text=re.compile(f"^{re.escape(text)}$")))
