"""Meetups: announcing, editing, cancelling, browsing, and the refusals a youth sees when signing up."""
from datetime import timedelta

from backend.models import Meetup, Notification, Signup, Staff
from tests.meetups.helpers import GUARDIAN, announce, at, meetup_body, sign_up


def test_organiser_announces_a_meetup_with_every_field(as_role, city):
    organiser = as_role("organiser")
    officer = city["staff"]["officer"]
    meetup = announce(organiser, officer_ids=[officer.id], latitude=65.01, longitude=25.47,
                      description="Board games and questions.", approval_required=False,
                      signup_opens_at=at(timedelta(hours=-1)), signup_closes_at=at(timedelta(days=6)),
                      claim_window_hours=12)
    assert meetup["youth_centre"]["name"] == "Kupla"
    assert meetup["sector"]["id"] == city["north"].id          # the centre's sector by default
    assert [o["name"] for o in meetup["officers"]] == ["Olli Officer"]
    assert meetup["consent_required"] is False
    assert meetup["languages"] == ["fi", "en"]
    assert meetup["places_left"] == 2 and meetup["signup_open"] is True
    assert meetup["claim_window_hours"] == 12 and meetup["can_manage"] is True
    public = as_role("visitor").get(f"/api/meetups/{meetup['id']}").json
    assert public["officers"][0]["id"] == officer.id and public["can_manage"] is False


def test_consent_is_on_by_default_for_camps_and_overnight(as_role):
    organiser = as_role("organiser")
    assert announce(organiser, kind="summer_camp")["consent_required"] is True
    overnight = announce(organiser, kind="sports", starts_at=at(timedelta(days=3)),
                         ends_at=at(timedelta(days=4)))
    assert overnight["consent_required"] is True
    assert announce(organiser, kind="summer_camp", consent_required=False)["consent_required"] is False


def test_meetup_fields_are_checked(as_role, city):
    organiser = as_role("organiser")
    response = organiser.post("/api/meetups", meetup_body(ends_at=at(timedelta(days=6)), min_age=16, max_age=13,
                                                          officer_ids=[city["staff"]["youth_worker"].id]))
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) >= {"ends_at"}
    response = organiser.post("/api/meetups", meetup_body(min_age=16, max_age=13))
    assert response.json["error"]["fields"] == {"max_age": "must be at least the minimum age"}
    response = organiser.post("/api/meetups", meetup_body(officer_ids=[city["staff"]["youth_worker"].id]))
    assert "officer_ids" in response.json["error"]["fields"]
    response = organiser.post("/api/meetups", meetup_body(kind="rave", capacity=0))
    assert set(response.json["error"]["fields"]) == {"kind", "capacity"}


def test_only_the_centres_organisers_and_admins_manage_a_meetup(as_role, city, app):
    meetup = announce(as_role("organiser"))
    with app.app_context():
        Staff.register("other@test.fi", "Olga Other", Staff.ORGANISER, "correct horse battery staple",
                               verified_by=city["staff"]["admin"])
    stranger = as_role("visitor")
    stranger.login("other@test.fi")
    assert stranger.patch(f"/api/meetups/{meetup['id']}", {"title": "Mine now"}).json["error"]["code"] == \
        "not_your_meetup"
    assert stranger.post("/api/meetups", meetup_body()).json["error"]["code"] == "no_youth_centre"
    assert as_role("officer").post("/api/meetups", meetup_body()).status_code == 403
    admin = as_role("admin")
    assert admin.patch(f"/api/meetups/{meetup['id']}", {"title": "Games night!"}).json["title"] == "Games night!"


def test_youth_signs_up_and_sees_it_in_my_meetups(as_role):
    meetup = announce(as_role("organiser"))
    youth = as_role("youth")
    response = sign_up(youth, meetup["id"], first_name="Aino")
    assert response.status_code == 201
    assert response.json["status"] == "confirmed" and len(response.json["check_in_code"]) == 8
    mine = youth.get("/api/meetups/mine").json["items"]
    assert [(m["meetup"]["id"], m["signup"]["status"]) for m in mine] == [(meetup["id"], "confirmed")]
    page = youth.get(f"/api/meetups/{meetup['id']}").json
    assert page["me"]["status"] == "confirmed" and page["places_left"] == 1


def test_clear_refusals(as_role, app):
    organiser = as_role("organiser")
    meetup = announce(organiser, capacity=1, waitlist_size=1, min_age=13, max_age=15)
    youth = as_role("youth")
    too_young = sign_up(youth, meetup["id"], age=12)
    assert too_young.status_code == 422 and too_young.json["error"]["code"] == "age_out_of_range"
    assert "13-15" in too_young.json["error"]["message"]
    assert sign_up(youth, meetup["id"]).status_code == 201
    again = sign_up(youth, meetup["id"])
    assert again.status_code == 409 and again.json["error"]["code"] == "already_signed_up"
    assert sign_up(as_role("youth"), meetup["id"]).json["status"] == "waitlisted"
    full = sign_up(as_role("youth"), meetup["id"])
    assert full.status_code == 409 and full.json["error"]["code"] == "full"
    later = announce(organiser, signup_opens_at=at(timedelta(days=2)))
    not_yet = sign_up(youth, later["id"])
    assert not_yet.json["error"]["code"] == "signup_not_open" and "Sign-up opens" in not_yet.json["error"]["message"]
    closed = announce(organiser, signup_closes_at=at(timedelta(minutes=-5)))
    assert sign_up(youth, closed["id"]).json["error"]["code"] == "signup_closed"
    assert sign_up(youth, 9999).status_code == 404


def test_guardian_details_only_when_consent_is_needed(as_role, app):
    organiser = as_role("organiser")
    camp = announce(organiser, kind="summer_camp")
    youth = as_role("youth")
    missing = sign_up(youth, camp["id"])
    assert missing.status_code == 422 and missing.json["error"]["code"] == "consent_needed"
    assert set(missing.json["error"]["fields"]) == {"guardian_name", "guardian_phone"}
    bad_phone = sign_up(youth, camp["id"], guardian_name="Maija", guardian_phone="call me")
    assert "guardian_phone" in bad_phone.json["error"]["fields"]
    bad_email = sign_up(youth, camp["id"], guardian_name="Maija", guardian_email="maija@")
    assert "guardian_email" in bad_email.json["error"]["fields"]
    assert sign_up(youth, camp["id"], guardian_name="Maija", guardian_email="Maija@Example.fi").status_code == 201
    evening = announce(organiser)
    refused = sign_up(youth, evening["id"], **GUARDIAN)
    assert refused.status_code == 422 and refused.json["error"]["code"] == "guardian_not_needed"
    with app.app_context():
        signup = Signup.get(Signup.meetup == camp["id"])
        assert (signup.guardian_name, signup.guardian_email) == ("Maija", "maija@example.fi")


def test_capacity_cannot_drop_below_confirmed_and_raising_it_offers_places(as_role):
    organiser = as_role("organiser")
    meetup = announce(organiser, capacity=2, waitlist_size=2)
    youths = [as_role("youth") for _ in range(3)]
    statuses = [sign_up(y, meetup["id"]).json["status"] for y in youths]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    lower = organiser.patch(f"/api/meetups/{meetup['id']}", {"capacity": 1})
    assert lower.status_code == 409 and lower.json["error"]["code"] == "capacity_below_confirmed"
    assert organiser.patch(f"/api/meetups/{meetup['id']}", {"capacity": 3}).json["capacity"] == 3
    me = youths[2].get(f"/api/meetups/{meetup['id']}").json["me"]
    assert me["status"] == "offered" and me["claim_by"]
    assert youths[2].post(f"/api/meetups/{meetup['id']}/signups/me/claim").json["status"] == "confirmed"


def test_cancelling_a_meetup_refuses_new_signups_and_shows_why(as_role, app):
    organiser = as_role("organiser")
    meetup = announce(organiser)
    youth = as_role("youth")
    sign_up(youth, meetup["id"])
    cancelled = organiser.post(f"/api/meetups/{meetup['id']}/cancel", {"reason": "The hall flooded."}).json
    assert cancelled["cancelled"] is True and cancelled["cancel_reason"] == "The hall flooded."
    assert sign_up(as_role("youth"), meetup["id"]).json["error"]["code"] == "meetup_cancelled"
    assert meetup["id"] not in [m["id"] for m in youth.get("/api/meetups").json["items"]]
    assert organiser.post(f"/api/meetups/{meetup['id']}/cancel", {}).status_code == 409
    with app.app_context():
        notes = Notification.select().where(Notification.key.startswith(f"meetup:{meetup['id']}:cancelled:"))
        assert notes.count() == 1


def test_browsing_filters_and_orders_soonest_first(as_role, city):
    organiser = as_role("organiser")
    later = announce(organiser, title="Later", starts_at=at(timedelta(days=9)), ends_at=at(timedelta(days=9, hours=2)))
    sooner = announce(organiser, title="Sooner", kind="sports", min_age=15, max_age=18,
                      starts_at=at(timedelta(days=2)), ends_at=at(timedelta(days=2, hours=2)))
    south = announce(organiser, title="South", sector_id=city["south"].id)
    announce(organiser, title="Past", starts_at=at(timedelta(days=-3)), ends_at=at(timedelta(days=-3, hours=2)))
    visitor = as_role("visitor")
    titles = lambda query="": [m["title"] for m in visitor.get(f"/api/meetups{query}").json["items"]]  # noqa: E731
    assert titles() == ["Sooner", "South", "Later"]
    assert titles(f"?sector={city['south'].id}") == ["South"]
    assert titles("?kind=sports") == ["Sooner"]
    assert titles("?age=13") == ["South", "Later"]
    assert visitor.get("/api/meetups?age=abc").status_code == 422
    assert later["id"] and sooner["id"] and south["id"]


def test_approval_mode(as_role):
    organiser = as_role("organiser")
    meetup = announce(organiser, approval_required=True, capacity=1, waitlist_size=1)
    first, second, third = (as_role("youth") for _ in range(3))
    assert sign_up(first, meetup["id"]).json["status"] == "pending"
    assert sign_up(second, meetup["id"], first_name="Eetu").json["status"] == "pending"
    assert sign_up(third, meetup["id"]).json["error"]["code"] == "full"
    pending = organiser.get(f"/api/meetups/{meetup['id']}/attendees").json["pending"]
    assert [p["first_name"] for p in pending] == ["Aino", "Eetu"]
    url = f"/api/meetups/{meetup['id']}/signups/{{}}/decision"
    assert organiser.post(url.format(pending[0]["id"]), {"approve": True}).json["status"] == "confirmed"
    assert organiser.post(url.format(pending[1]["id"]), {"approve": True}).json["status"] == "waitlisted"
    assert organiser.post(url.format(pending[1]["id"]), {"approve": False}).json["error"]["code"] == "not_pending"
    assert second.get(f"/api/meetups/{meetup['id']}").json["me"]["position"] == 1
    fourth = as_role("youth")
    assert sign_up(fourth, meetup["id"]).json["error"]["code"] == "full"
    assert first.delete(f"/api/meetups/{meetup['id']}/signups/me").status_code == 204   # Eetu is offered the place
    assert second.get(f"/api/meetups/{meetup['id']}").json["me"]["status"] == "offered"
    pending = sign_up(fourth, meetup["id"]).json
    assert pending["status"] == "pending"
    fourth_id = organiser.get(f"/api/meetups/{meetup['id']}/attendees").json["pending"][0]["id"]
    assert organiser.post(url.format(fourth_id), {"approve": False}).json["status"] == "declined"
    assert sign_up(fourth, meetup["id"]).json["error"]["code"] == "declined"
    assert [i["signup"]["status"] for i in fourth.get("/api/meetups/mine").json["items"]] == ["declined"]


def test_organiser_view_shows_first_names_only_and_exports_csv(as_role):
    organiser = as_role("organiser")
    camp = announce(organiser, kind="summer_camp", capacity=1, waitlist_size=3)
    youths = [as_role("youth") for _ in range(3)]
    for youth, name in zip(youths, ["Aino", "=cmd()", "Eetu"]):
        assert sign_up(youth, camp["id"], first_name=name, **GUARDIAN).status_code == 201
    view = organiser.get(f"/api/meetups/{camp['id']}/attendees").json
    assert [a["first_name"] for a in view["confirmed"]] == ["Aino"]
    assert [a["first_name"] for a in view["waitlist"]] == ["=cmd()", "Eetu"]
    assert view["confirmed"][0]["guardian"]["phone"] == "+358 40 123 4567"
    assert "handle" not in str(view) and youths[0].get("/api/me").json["handle"] not in str(view)
    csv = organiser.get(f"/api/meetups/{camp['id']}/attendees.csv")
    assert csv.mimetype == "text/csv"
    lines = csv.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("arrival,first_name,age,status,waitlist_position")
    assert lines[2].startswith("2,'=cmd(),14,waitlisted,1")
    assert as_role("youth").get(f"/api/meetups/{camp['id']}/attendees").status_code == 403


def test_organiser_message_reaches_those_signed_up(as_role):
    organiser = as_role("organiser")
    meetup = announce(organiser)
    youth, outsider = as_role("youth"), as_role("youth")
    sign_up(youth, meetup["id"])
    sent = organiser.post(f"/api/meetups/{meetup['id']}/messages", {"text": "Bring indoor shoes!"})
    assert sent.status_code == 201 and sent.json["sent_to"] == 1
    assert youth.get(f"/api/meetups/{meetup['id']}").json["messages"][0]["text"] == "Bring indoor shoes!"
    assert "messages" not in outsider.get(f"/api/meetups/{meetup['id']}").json


def test_youth_cancels_and_erasing_the_identity_removes_signups(as_role, app):
    meetup = announce(as_role("organiser"))
    youth = as_role("youth")
    sign_up(youth, meetup["id"])
    assert youth.delete(f"/api/meetups/{meetup['id']}/signups/me").status_code == 204
    assert youth.delete(f"/api/meetups/{meetup['id']}/signups/me").json["error"]["code"] == "not_signed_up"
    with app.app_context():
        gone = Signup.get(Signup.meetup == meetup["id"])
        assert gone.status == "cancelled" and gone.first_name is None
    assert sign_up(youth, meetup["id"], first_name="Again").json["status"] == "confirmed"
    feed = youth.get("/api/meetups/calendar").json["path"]
    assert youth.delete("/api/me").status_code == 204
    assert youth.get(feed).status_code == 404                     # the private calendar went with it
    with app.app_context():
        assert Signup.select().where(Signup.meetup == meetup["id"]).count() == 0
        assert Meetup.get_by_id(meetup["id"]).title == "Games night"


def test_the_form_as_the_app_sends_it(as_role):
    """Empty optional fields come as "" or null from the form; they are stored as nothing."""
    organiser = as_role("organiser")
    meetup = announce(organiser, description="", venue_address=None, latitude=None, longitude=None,
                      signup_opens_at=None, signup_closes_at=None, officer_ids=[], consent_required=True,
                      starts_at="2030-07-01T10:00", ends_at="2030-07-03T15:00")
    assert meetup["description"] == "" and meetup["venue_address"] is None
    assert meetup["starts_at"] == "2030-07-01T07:00:00.000Z"        # typed in city time (Helsinki, summer)
    edited = organiser.patch(f"/api/meetups/{meetup['id']}", {"description": "", "venue_address": ""}).json
    assert edited["description"] == "" and edited["venue_address"] is None


def test_demo_city_has_an_evening_and_a_camp_needing_consent_with_officers(app, client):
    from backend.db import db
    from backend.demo import seed_demo
    with app.app_context(), db.connection_context():
        seed_demo()
    items = client.get("/api/meetups").json["items"]
    kinds = {m["kind"]: m for m in items}
    assert set(kinds) >= {"youth_centre_evening", "summer_camp"}
    camp = client.get(f"/api/meetups/{kinds['summer_camp']['id']}").json
    assert camp["consent_required"] is True and camp["signup_open"] is True
    assert len(camp["officers"]) == 2 and all(o["role"] == "officer" for o in camp["officers"])
    assert len(client.get(f"/api/meetups/{kinds['youth_centre_evening']['id']}").json["officers"]) == 2


def test_a_retired_youth_centre_takes_no_new_meetups_but_keeps_its_own(app, city, as_role):
    """The admin retires the organiser's centre: the meetup already announced there stays and can be edited;
    a new one is refused with what to do next (the organiser's staff home says it too), and nobody can move a
    meetup to the retired centre."""
    organiser, admin = as_role("organiser"), as_role("admin")
    centre = city["centre"].id
    before = announce(organiser)
    other = admin.post("/api/console/youth-centres", {"name": "Kallio youth centre"}).json["id"]
    elsewhere = admin.post("/api/meetups", meetup_body(youth_centre_id=other))
    assert elsewhere.status_code == 201, elsewhere.json
    assert admin.post(f"/api/console/youth-centres/{centre}/retire").status_code == 200

    refused = organiser.post("/api/meetups", meetup_body())
    assert refused.status_code == 403 and refused.json["error"]["code"] == "centre_retired"
    assert "Ask your admin" in refused.json["error"]["message"]
    assert organiser.get("/api/console/home").json["centre_retired"] is True
    kept = organiser.patch(f"/api/meetups/{before['id']}", {"title": "Games night (last one here)",
                                                            "youth_centre_id": centre})
    assert kept.status_code == 200 and kept.json["youth_centre"]["id"] == centre

    for attempt in (admin.post("/api/meetups", meetup_body(youth_centre_id=centre)),
                    admin.patch(f"/api/meetups/{elsewhere.json['id']}", {"youth_centre_id": centre})):
        assert attempt.status_code == 422, attempt.json
        assert "no longer in use" in attempt.json["error"]["fields"]["youth_centre_id"]
    with app.app_context():
        assert Meetup.select().count() == 2          # nothing half-written

    assert admin.post(f"/api/console/youth-centres/{centre}/restore").status_code == 200
    assert organiser.post("/api/meetups", meetup_body()).status_code == 201
    assert organiser.get("/api/console/home").json["centre_retired"] is False
