"""Nobody poses as staff: handles are compared by their confusables skeleton with staff words in five
languages and with real staff names; only staff carry the verified badge; emoji are welcome in handles."""
import pytest

from backend.auth.handles import handle_problem

STAFF = "must not look like a staff name"


@pytest.mark.parametrize("handle", [
    "Pоliisi_Oulu",          # Cyrillic о
    "ΡOLIISI",               # Greek Ρ
    "KonstaapeliAino", "P0liiisi", "adm1n_x", "ModeratorX", "Ylläpitäjä", "nuoriso-ohjaaja", "NuorisotyöntekijäOulu",
    "YouthWorker7", "Officer_K", "Fritidsledare1", "Polisen_Malmo", "Betjent_DK", "Politi-Anna", "Ungdomsarbejder",
    "Поліція_Київ", "Поліцейський", "Модератор", "👮‍♀️Aino",
])
def test_staff_words_in_five_languages_and_look_alikes_are_refused(handle):
    assert handle_problem(handle) == STAFF


def test_a_real_staff_members_name_is_refused_either_way_round():
    assert handle_problem("HillaHost", staff_names=["Hilla Host"]) == STAFF
    assert handle_problem("Host_Hilla", staff_names=["Hilla Host"]) == STAFF
    assert handle_problem("Hilla99", staff_names=["Hilla Host"]) is None          # a first name alone is fine


@pytest.mark.parametrize("handle", ["SunnyOtter", "Äijä-Kettu", "Лисичка_7", "kim99", "Badminton4Life", "Metropolis",
                                    "Politics_fan", "Aino🦊", "👩‍👩‍👧Perhe", "Kettu🏳️‍🌈", "Staffan"])
def test_ordinary_handles_with_and_without_emoji_are_fine(handle):
    assert handle_problem(handle) is None


def test_staff_names_from_the_database_are_refused_through_the_api(client, city):
    client.become_youth()
    response = client.patch("/api/me", {"handle": "Hilla_Host"})
    assert response.status_code == 422 and response.json["error"]["fields"]["handle"] == STAFF
    response = client.patch("/api/me", {"handle": "Pоliisi_Oulu"})
    assert response.status_code == 422 and response.json["error"]["fields"]["handle"] == STAFF
    response = client.patch("/api/me", {"handle": "Aino🦊"})
    assert response.status_code == 200 and response.json["handle"] == "Aino🦊"
    assert "verified" not in client.get("/api/me").json

