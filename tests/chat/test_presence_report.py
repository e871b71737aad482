"""Presence in the session report: the most observers, participants and staff connected at once, and how
many different young people joined, recorded by the chat hub as peers come and go (counts only)."""
from backend.chat.hub import hub


def test_a_session_with_peers_coming_and_going_reports_its_peaks(chat, as_role):
    worker = as_role("youth_worker")

    def presence():
        return worker.get(f"/api/console/reports/sessions/{chat.id}").json["presence"]

    assert presence() == {"peak_observers": 0, "peak_participants": 0, "peak_staff": 0, "peak_total": 0,
                                  "distinct_participants": 0}              # nobody came yet

    host = chat.staffer()
    first, second = chat.youth(), chat.youth()
    watchers = [chat.observer() for _ in range(3)]
    hub.tick()                                                # the presence broadcast writes the risen peaks
    assert presence() == {
        "peak_observers": 3, "peak_participants": 2, "peak_staff": 1, "peak_total": 6, "distinct_participants": 2}

    for peer in watchers[:2] + [first]:
        peer.leave()
    third, fourth = chat.youth(), chat.youth()               # 3 participants now, 2 observers fewer
    officer = chat.staffer("officer")
    for peer in [host, second, third, fourth, officer, watchers[2]]:
        peer.leave()                                          # the room empties: its final write

    peaks = presence()
    assert peaks == {"peak_observers": 3, "peak_participants": 3, "peak_staff": 2, "peak_total": 6,
                        "distinct_participants": 4}
    assert "TestTeen" not in str(peaks)                    # counts only

    again = chat.youth()                                      # a room opened again never lowers a stored peak
    again.leave()
    assert presence() == peaks

    csv = worker.get(f"/api/console/reports/sessions/{chat.id}.csv").get_data(as_text=True).splitlines()
    assert "peak_observers,3" in csv and "peak_participants,3" in csv and "peak_total,6" in csv
    assert "distinct_participants,4" in csv and "participants_writing,0" in csv


def test_peaks_count_the_sockets_of_other_processes(chat, as_role):
    """Every process announces its counts on the broker; a room's peaks are of the whole session."""
    worker = as_role("admin")
    here = [chat.youth(), chat.observer()]
    hub.control(chat.id, control="presence", node="another-process",
                counts={"participants": 4, "observers": 10, "staff": 2})
    hub.tick()
    for peer in here:
        peer.leave()
    presence = worker.get(f"/api/console/reports/sessions/{chat.id}").json["presence"]
    assert presence == {"peak_observers": 11, "peak_participants": 5, "peak_staff": 2, "peak_total": 18,
                        "distinct_participants": 1}     # different young people: those this process held
