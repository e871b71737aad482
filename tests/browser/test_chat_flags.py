"""In a real Chromium: in open mode a youth's police-emoji question is published, a snap handle is held,
and a message that may need help is published, opens the youth's helplines card and shows staff
"May need help" with a one-tap safeguarding concern."""
from tests.browser.helpers import LAPTOP, enter_as_staff, join_as_youth, message, open_session, switch_to_open_mode


def say(youth, text):
    youth.get_by_label("Your message").fill(text)
    youth.get_by_role("button", name="Send").click()


def test_help_is_offered_and_flagged_for_staff_while_a_handle_is_held(person, goto, as_role):
    session = open_session(as_role)
    room = f"/chat/{session['id']}"
    host = person(LAPTOP)
    enter_as_staff(host, goto, room)
    switch_to_open_mode(host)
    youth = person()
    join_as_youth(youth, goto)

    say(youth, "👮‍♀️ can the police read my snaps?")
    message(host, "👮‍♀️ can the police read my snaps?").wait_for()

    say(youth, "snäppää mua: aino_15")
    message(youth, "snäppää mua: aino_15").get_by_text("Waiting for a check.").wait_for()
    host.locator(".chat-queue-item").filter(has_text="snäppää mua: aino_15").wait_for()
    assert message(host, "snäppää mua: aino_15").count() == 0

    text = "someone is sharing my nudes what do i do"
    say(youth, text)
    youth.locator(".chat-help[open] .chat-help-offer").wait_for()          # the helplines card opens
    assert "talk to these people" in youth.locator(".chat-help").inner_text()
    assert "May need help" not in message(youth, text).inner_text()

    flagged = message(host, text)
    flagged.get_by_text("May need help").wait_for()
    flagged.get_by_role("button", name="Record a concern").click()         # one tap
    host.get_by_text("A safeguarding concern was recorded.").first.wait_for()
