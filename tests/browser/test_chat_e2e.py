"""The Monday chat end to end in a real Chromium, several people at once against a live server:
a youth asks, the host approves, an observer sees it, an officer answers with a card, the host publishes
it to the archive where anyone finds it; an observer cannot post; a phone number is held; after the
youth's network drops and comes back nothing is missing and nothing is doubled. Axe on the busy screens."""
import re

from tests.browser.helpers import (
    LAPTOP,
    enter_as_staff,
    join_as_youth,
    message,
    open_session,
    stream_texts,
    switch_to_open_mode,
    wait_live,
)

QUESTION = "Can I ride an e-scooter on the pavement at 14?"


def queue_item(page, text):
    return page.locator(".chat-queue-item").filter(has_text=text)


def test_youth_asks_host_approves_observer_sees_officer_answers_host_publishes(person, goto, as_role, axe):
    session = open_session(as_role)
    room = f"/chat/{session['id']}"

    host = person(LAPTOP)
    enter_as_staff(host, goto, room)
    assert host.get_by_role("heading", name="Queue").is_visible()          # laptop: every panel at once

    observer = person()
    goto(observer, "/chat")
    observer.get_by_role("link", name="Just watch").click()
    wait_live(observer)
    assert observer.get_by_role("heading", name="You are watching").is_visible()
    assert observer.locator("form.chat-composer").count() == 0

    youth = person()
    goto(youth, "/chat")
    youth.get_by_role("button", name="Join the chat").click()              # one tap, nothing asked
    youth.wait_for_url(f"**{room}")
    wait_live(youth)

    officer = person()
    enter_as_staff(officer, goto, room, "officer@test.fi")
    host.locator(".chat-counts").filter(has_text=re.compile(r"1 taking part · 1 watching · 2 staff")).wait_for()

    # The youth asks; pre-moderation holds it for the host, nobody else sees it yet.
    youth.get_by_label("Your message").fill(QUESTION)
    youth.get_by_label("This is a question").check()
    youth.get_by_role("button", name="Send").click()
    message(youth, QUESTION).get_by_text("Waiting for a moderator.").wait_for()
    item = queue_item(host, QUESTION)
    item.wait_for()
    assert "Pre-moderation" in item.locator(".chat-hold-reason").inner_text()
    assert message(observer, QUESTION).count() == 0
    assert axe(host, "#view") == []                                        # the console with a queue item

    # The host approves from the keyboard; the observer sees it appear, the youth's status clears.
    item.focus()
    host.keyboard.press("a")
    message(observer, QUESTION).wait_for()
    assert message(observer, QUESTION).locator(".chat-question-tag").inner_text() == "Question"
    message(youth, QUESTION).locator(".chat-own-status").wait_for(state="detached")
    assert queue_item(host, QUESTION).count() == 0

    # Staff coordinate in the backchannel: the host sees the note, youth and observers never do.
    officer.get_by_role("tab", name="Staff").click()
    officer.get_by_label("Note to staff").fill("I'll take the scooter one")
    officer.get_by_role("button", name="Send note").click()
    host.locator(".chat-notes").get_by_text("I'll take the scooter one").wait_for()
    assert "Olli Officer" in host.locator(".chat-note").last.inner_text()
    assert "scooter one" not in observer.locator("main").inner_text() + youth.locator("main").inner_text()

    # The officer claims it (the host sees the claim) and answers with a "no" card.
    officer.get_by_role("tab", name="Questions").click()
    question = officer.locator(".chat-question-item").filter(has_text=QUESTION)
    question.get_by_role("button", name="I'm answering this").click()
    host.locator(".chat-question-item").filter(has_text=QUESTION).get_by_text("Olli Officer is answering").wait_for()
    question.get_by_role("button", name="Answer", exact=True).click()
    question.get_by_label("No", exact=True).check()
    question.get_by_label("Why (short)").fill("Under 15s ride on the road or cycle path, not the pavement.")
    question.get_by_label("Link to the law or a source (optional)").fill("https://www.finlex.fi/")
    assert axe(officer, "#view") == []                                     # the answer-card form on a phone
    question.get_by_role("button", name="Send answer").click()
    for page in (observer, youth):
        card = message(page, QUESTION).locator(".chat-answer")
        card.wait_for()
        assert card.locator(".chat-verdict").inner_text().endswith("No")
        assert "not the pavement" in card.inner_text()
        assert card.get_by_role("link", name="Read more (source)").get_attribute("href") == "https://www.finlex.fi/"
        assert "Answered by Olli Officer" in card.inner_text()

    # The host publishes the card to the archive; anyone finds it there, without the youth's handle.
    answered = host.locator(".chat-question-item").filter(has_text=QUESTION)
    answered.get_by_label("Topic").select_option("traffic")
    answered.get_by_role("button", name="Publish to the archive").click()
    answered.get_by_text("In the answer archive").wait_for()
    handle = youth.evaluate("fetch('/api/me').then((r) => r.json()).then((me) => me.handle)")
    goto(observer, "/answers")
    observer.get_by_role("searchbox", name="Search answers").fill("scooter")
    observer.get_by_role("status").filter(has_text="1 answer found").wait_for()
    found = observer.locator(".chat-archive-item").filter(has_text=QUESTION)
    assert "No" in found.locator(".chat-verdict").inner_text()
    assert "Traffic" in found.inner_text()
    assert handle not in found.inner_text()

    for page in (host, observer, youth, officer):
        assert page.console_errors == []


def test_observer_cannot_post_and_a_phone_number_is_held(person, goto, as_role):
    session = open_session(as_role)
    room = f"/chat/{session['id']}"
    host = person(LAPTOP)
    enter_as_staff(host, goto, room)
    observer = person()
    goto(observer, f"{room}?as=observer")
    wait_live(observer)
    youth = person()
    join_as_youth(youth, goto)

    # An observer has no composer; a hand-made `say` frame on the observer's socket is refused.
    refused = observer.evaluate("""(id) => new Promise((resolve) => {
        const ws = new WebSocket(`ws://${location.host}/ws/sessions/${id}?as=observer`);
        ws.onmessage = (event) => {
          const frame = JSON.parse(event.data);
          if (frame.type === 'caught_up') ws.send(JSON.stringify({type: 'say', cid: 'sneaky1', text: 'I am not allowed'}));
          if (frame.type === 'error') { ws.close(); resolve(frame.code); }
        };
        setTimeout(() => resolve('no answer'), 5000);
    })""", session["id"])
    assert refused == "read_only"

    # The host opens the chat (no pre-moderation): a normal message goes straight out, a phone number is held.
    switch_to_open_mode(host)
    youth.get_by_label("Your message").fill("Hi all")
    youth.get_by_role("button", name="Send").click()
    message(observer, "Hi all").wait_for()
    youth.get_by_label("Your message").fill("text me 040 123 4567")
    youth.get_by_role("button", name="Send").click()
    own = message(youth, "text me 040 123 4567")
    own.get_by_text("Waiting for a check.").wait_for()
    assert "It looks like it has a phone number" in own.inner_text()
    item = queue_item(host, "text me 040 123 4567")
    item.wait_for()
    assert "Phone number" in item.locator(".chat-hold-reason").inner_text()

    # The host rejects it with one tap; the youth is told, the observer never saw it.
    item.get_by_role("button", name="Reject", exact=True).click()
    own.get_by_text("Not published.").wait_for()
    assert "broke the chat rules" in own.inner_text()
    assert "I am not allowed" not in " ".join(stream_texts(host) + stream_texts(youth))
    assert message(observer, "text me 040 123 4567").count() == 0
    for page in (host, observer, youth):
        assert page.console_errors == []


def test_after_the_youths_network_drops_and_returns_nothing_is_missing(person, goto, as_role):
    session = open_session(as_role)
    room = f"/chat/{session['id']}"
    host = person(LAPTOP)
    enter_as_staff(host, goto, room)
    switch_to_open_mode(host)
    youth = person()
    join_as_youth(youth, goto)
    say = lambda page, text: (page.get_by_label(re.compile("Your message|Write to everyone")).fill(text),
                              page.get_by_label(re.compile("Your message|Write to everyone")).press("Enter"))
    say(host, "Welcome, ask anything")
    message(youth, "Welcome, ask anything").wait_for()

    youth.context.set_offline(True)
    youth.locator('.chat-connection[data-state="offline"]').wait_for()
    assert "You are offline" in youth.locator(".chat-connection").inner_text()
    for n in range(1, 4):
        say(host, f"While you were away {n}")
    message(host, "While you were away 3").wait_for()
    say(youth, "Written offline")                                          # waits in the outbox
    message(youth, "Written offline").get_by_text("Sending…").wait_for()

    youth.context.set_offline(False)
    wait_live(youth)
    message(youth, "While you were away 3").wait_for()
    message(youth, "Written offline").locator(".chat-own-status").wait_for(state="detached")   # sent and published
    message(host, "Written offline").wait_for()
    expected = ["Welcome, ask anything", "While you were away 1", "While you were away 2", "While you were away 3",
                "Written offline"]
    assert stream_texts(youth) == expected                                  # nothing missing, nothing doubled
    assert stream_texts(host) == expected
    assert youth.console_errors == [] and host.console_errors == []


def test_me_too_orders_questions_and_a_report_leads_to_delete_and_mute(person, goto, as_role):
    session = open_session(as_role)
    room = f"/chat/{session['id']}"
    host = person(LAPTOP)
    enter_as_staff(host, goto, room)
    switch_to_open_mode(host)
    asker, voter = person(), person()
    for page in (asker, voter):
        join_as_youth(page, goto)
    for text in ("Do I need a helmet on a moped?", "Can the police check my phone?"):
        asker.get_by_label("Your message").fill(text)
        asker.get_by_label("This is a question").check()
        asker.get_by_role("button", name="Send").click()
        message(voter, text).wait_for()

    # "Me too" on the newer question puts it first in the staff's list (votes, then age).
    metoo = message(voter, "Can the police check my phone?").get_by_role("button", name="Me too")
    metoo.focus()
    voter.keyboard.press("Enter")
    assert metoo.get_attribute("aria-pressed") == "true"
    assert voter.evaluate("document.activeElement.dataset.focusKey") == "metoo"      # focus stays put
    host.locator(".chat-question-item").first.filter(has_text="Can the police check my phone?").wait_for()
    assert "1 person asked this too" in host.locator(".chat-question-item").first.inner_text()
    assert host.locator(".chat-question-item").nth(1).filter(has_text="helmet").count() == 1
    assert message(asker, "Can the police check my phone?").get_by_role("button", name="Me too").count() == 0

    # Someone reports a message; the host sees why, deletes it for everyone, and mutes its author.
    asker.get_by_label("Your message").fill("lol this chat is stupid")
    asker.get_by_role("button", name="Send").click()
    rude = message(voter, "lol this chat is stupid")
    rude.get_by_role("button", name="Report").click()
    dialog = voter.get_by_role("dialog", name="Report a message")
    dialog.get_by_label("Bullying or hate").check()
    dialog.get_by_role("button", name="Send report").click()
    voter.get_by_text("Thanks. A youth worker will check the message.").wait_for()
    report = host.locator("#chat-panel-reports .card").filter(has_text="lol this chat is stupid")
    report.get_by_text("Bullying or hate").wait_for()
    report.locator("summary", has_text="Actions").click()              # <summary>: a disclosure, not role=button
    report.get_by_role("button", name="Mute 5 min").click()
    asker.get_by_text(re.compile("A moderator paused your writing until")).first.wait_for()
    assert asker.get_by_label("Your message").is_disabled()
    report.locator("summary", has_text="Actions").click()
    report.get_by_role("button", name="Safeguarding concern").click()
    concern = host.get_by_role("dialog", name="Safeguarding concern")
    concern.get_by_label("Note for staff (never shown to youth)").fill("Check in with this one after the chat")
    concern.get_by_role("button", name="Record concern").click()
    recorded = host.locator(".chat-concern").filter(has_text="lol this chat is stupid")
    recorded.get_by_text("Check in with this one after the chat").wait_for()
    assert "Hilla Host" in recorded.inner_text()
    assert "Check in with this one" not in asker.locator("main").inner_text() + voter.locator("main").inner_text()
    report.get_by_role("button", name="Delete").click()
    rude.wait_for(state="detached")
    message(asker, "lol this chat is stupid").get_by_text("Removed by a moderator.").wait_for()
    assert host.locator("#chat-panel-reports").get_by_text("No reports.").is_visible()

    # Removing the asker from the chat ends their socket for good; the screen says why.
    helmet = message(host, "Do I need a helmet on a moped?")
    helmet.locator("summary", has_text="Actions").click()
    helmet.get_by_role("button", name="Remove from chat").click()
    host.get_by_role("dialog").get_by_role("button", name="Remove from chat").click()   # the app's own confirm
    helmet.get_by_text("Removed from the chat").wait_for()                              # the host sees it done
    asker.get_by_text("A moderator removed you from this chat.").first.wait_for()
    asker.locator('.chat-connection[data-state="closed"]').wait_for(state="attached")   # the close follows the frame
    assert asker.get_by_label("Your message").is_disabled()
    asker.reload()                                                     # can't rejoin this session
    asker.locator('.chat-connection[data-state="closed"]').wait_for()
    assert asker.get_by_label("Your message").is_disabled()
    assert "A moderator removed you from this chat." in asker.locator("form.chat-composer").inner_text()
    removed = asker.locator(".chat-removed")                           # told plainly, with the helplines
    assert removed.get_by_role("link", name="112", exact=True).is_visible()
    assert "Reload" not in asker.locator("main").inner_text()
    for page in (host, asker, voter):
        assert page.console_errors == []
