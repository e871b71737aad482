"""The chat connection module (pwa/js/chat/socket.js) in a real Chromium against the live server:
backoff with jitter, de-duplication by seq, and a server-side drop healed by itself with ?since=."""
from backend.chat.hub import hub
from tests.browser.helpers import enter_as_staff, open_session, stream_texts, wait_live


def test_backoff_doubles_with_jitter_and_is_capped(page, goto):
    goto(page, "/")
    delays = page.evaluate("""async () => {
        const { backoffDelay } = await import('/js/chat/socket.js');
        return [0, 1, 2, 3, 10, 40].map((n) => [backoffDelay(n, () => 0), backoffDelay(n, () => 0.999999)]);
    }""")
    assert delays[:4] == [[500, 1500], [1000, 3000], [2000, 6000], [4000, 12000]]
    assert delays[4] == [15000, 45000] and delays[5] == [15000, 45000]       # 30 s ± 50 %


def test_a_frame_seen_twice_reaches_the_screen_once(page, goto):
    goto(page, "/")
    counts = page.evaluate("""async () => {
        const { ChatSocket } = await import('/js/chat/socket.js');
        const socket = new ChatSocket(1, { as: 'observer' });
        const seen = [];
        socket.addEventListener('message', (e) => seen.push(e.detail.seq));
        socket.addEventListener('staff', (e) => seen.push(`staff ${e.detail.staff_seq}`));
        const frames = [{type: 'message', seq: 1}, {type: 'message', seq: 2}, {type: 'message', seq: 1},
                        {type: 'staff', staff_seq: 1}, {type: 'staff', staff_seq: 1}, {type: 'message', seq: 2}];
        for (const frame of frames) socket.receive(JSON.stringify(frame));
        return {seen, since: socket.url()};
    }""")
    assert counts["seen"] == [1, 2, "staff 1"]
    assert "since=2" in counts["since"] and "staff_since=1" in counts["since"]


def test_a_socket_the_server_drops_reconnects_with_since_and_misses_nothing(page, goto, as_role, browser, live_server):
    session = open_session(as_role)
    host = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server).new_page()
    enter_as_staff(host, goto, f"/chat/{session['id']}", "host@test.fi")
    say = host.get_by_label("Write to everyone")
    say.fill("one")
    say.press("Enter")
    goto(page, f"/chat/{session['id']}?as=observer")
    wait_live(page)
    page.locator(".chat-stream .chat-text", has_text="one").wait_for()
    page.evaluate("""() => { window.__states = [];
        new MutationObserver(() => window.__states.push(document.querySelector('.chat-connection').dataset.state))
          .observe(document.querySelector('.chat-connection'), {attributes: true}); }""")

    for conn in hub.connections(session["id"]):
        if conn.role == "observer":
            conn.close(1011, "test: server error")                 # the server ends the observer's socket
    for text in ("two", "three"):
        say.fill(text)
        say.press("Enter")
    page.locator(".chat-stream .chat-text", has_text="three").wait_for(timeout=15_000)
    wait_live(page)
    assert stream_texts(page) == ["one", "two", "three"]
    states = page.evaluate("window.__states")
    assert [s for i, s in enumerate(states) if i == 0 or states[i - 1] != s] == ["reconnecting", "live"]
    assert "Connected" in page.locator(".chat-connection").inner_text()
    host.context.close()
