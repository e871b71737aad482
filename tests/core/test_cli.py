"""The flask commands: init-db, seed-demo, create-staff, verify-staff, deactivate-staff."""
from backend.models import Sector, Staff, YouthCentre


def test_init_db_is_idempotent(runner):
    first = runner.invoke(args=["init-db"])
    second = runner.invoke(args=["init-db"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "schema version" in second.output


def test_create_staff_reads_the_password_from_stdin(runner, client):
    Sector.create(slug="keskusta", name="Keskusta", geometry={"type": "Polygon", "coordinates": []})
    result = runner.invoke(args=["create-staff", "--role", "officer", "--email", "Olli@City.fi", "--name", "Olli",
                                 "--sector", "keskusta", "--password-stdin", "--verified"],
                           input="a very long passphrase\n")
    assert result.exit_code == 0, result.output
    staff = Staff.by_email("olli@city.fi")
    assert staff.is_verified and staff.sector.slug == "keskusta"
    assert "a very long passphrase" not in result.output
    assert client.login("olli@city.fi", "a very long passphrase").status_code == 200


def test_create_staff_refuses_short_password_unknown_sector_and_duplicates(runner):
    short = runner.invoke(args=["create-staff", "--role", "admin", "--email", "a@b.fi", "--name", "A",
                                "--password-stdin"], input="short\n")
    assert short.exit_code != 0 and "at least 12" in short.output
    unknown = runner.invoke(args=["create-staff", "--role", "officer", "--email", "a@b.fi", "--name", "A",
                                  "--sector", "nowhere", "--password-stdin"], input="a long enough one\n")
    assert unknown.exit_code != 0 and "nowhere" in unknown.output
    ok = runner.invoke(args=["create-staff", "--role", "admin", "--email", "a@b.fi", "--name", "A",
                             "--password-stdin"], input="a long enough one\n")
    assert ok.exit_code == 0 and "not verified" in ok.output
    again = runner.invoke(args=["create-staff", "--role", "admin", "--email", "a@b.fi", "--name", "A",
                                "--password-stdin"], input="a long enough one\n")
    assert again.exit_code != 0 and Staff.select().count() == 1


def test_verify_staff(runner):
    Staff.register("w@b.fi", "W", Staff.YOUTH_WORKER, "a long enough one")
    result = runner.invoke(args=["verify-staff", "w@b.fi"])
    assert result.exit_code == 0 and Staff.by_email("w@b.fi").is_verified


def test_seed_demo_builds_a_city_and_prints_each_login_once(runner, client):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert Sector.select().count() >= 6
    for sector in Sector.select():
        assert sector.officers().count() >= 2, sector.name
        assert sector.postcodes() and sector.geometry["type"] in ("Polygon", "MultiPolygon")
    assert Staff.select().where(Staff.role == Staff.YOUTH_WORKER).count() >= 2
    assert YouthCentre.select().count() >= 2
    assert Staff.select().where(Staff.role == Staff.ORGANISER).count() >= 2
    assert Staff.select().where(Staff.role == Staff.ADMIN).count() == 1
    lines = [line.split() for line in result.output.splitlines() if "@demo.tuttu.fi" in line]
    assert len(lines) == Staff.select().count()
    role, email, password = lines[0]
    assert client.login(email, password).status_code == 200
    again = runner.invoke(args=["seed-demo"])
    assert "already has data" in again.output and "@demo" not in again.output
