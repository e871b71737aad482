"""The factory, configuration, schema, health and the OpenAPI document."""

import pytest

from backend.config import load_config
from backend.db import db
from backend.models import Youth
from backend.schema import SCHEMA_VERSION, SchemaVersion, current_version, upgrade


def test_factory_uses_test_config(app):
    assert app.testing
    assert app.config["TIMEZONE"] == "Europe/Helsinki"


def test_secret_key_is_generated_once_into_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_config(tmp_path)["SECRET_KEY"]
    assert len(first) >= 40
    assert (tmp_path / "secret_key").read_text() == first
    assert load_config(tmp_path)["SECRET_KEY"] == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_configuration_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTTU_TIMEZONE", "Europe/Copenhagen")
    monkeypatch.setenv("TUTTU_PUBLIC_URL", "https://tuttu.example")
    monkeypatch.setenv("TUTTU_ALLOWED_ORIGINS", "https://app.tuttu.example")
    cfg = load_config(tmp_path)
    assert cfg["TIMEZONE"] == "Europe/Copenhagen"
    assert cfg["HTTPS"] is True
    assert cfg["ALLOWED_ORIGINS"] == ["https://app.tuttu.example", "https://tuttu.example"]
    assert cfg["DATABASE_URL"] == f"sqlite:///{tmp_path / 'tuttu.db'}"


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(app):
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("SQLite pragmas apply to SQLite only")
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_schema_version_is_recorded_and_upgrade_is_idempotent(app):
    assert current_version() == SCHEMA_VERSION
    assert upgrade() == []
    assert SchemaVersion.select().count() == 1


def test_upgrade_applies_pending_migrations_without_dropping_data(app):
    from peewee import CharField
    Youth.create(handle="KeepMe123")
    migrations = {SCHEMA_VERSION + 1: lambda m: [m.add_column("youth", "extra_note", CharField(null=True))]}
    assert upgrade(SCHEMA_VERSION + 1, migrations) == [SCHEMA_VERSION + 1]
    assert current_version() == SCHEMA_VERSION + 1
    assert Youth.get(Youth.handle == "KeepMe123")
    columns = [c.name for c in db.get_columns("youth")]
    assert "extra_note" in columns
    db.execute_sql('ALTER TABLE youth DROP COLUMN extra_note')


def test_healthz_reports_database_and_broker(client):
    body = client.get("/healthz").json
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"]["state"] == "ok" and body["broker"]["kind"] == body["broker_kind"]


def test_openapi_lists_every_api_route(app, client):
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule == "/api/openapi.json" or rule.rule.startswith("/api/docs"):
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<int:{arg}>", "{%s}" % arg).replace(f"<{arg}>", "{%s}" % arg)
            path = path.replace(f"<path:{arg}>", "{%s}" % arg)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, f"{method} {rule.rule} is missing from /api/openapi.json"


def test_openapi_is_a_valid_openapi_3_document(client):
    from openapi_spec_validator import validate
    validate(client.get("/api/openapi.json").json)


def test_unknown_path_under_api_is_a_json_404(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_deep_links_load_the_app_shell(client):
    response = client.get("/meetups/12")
    assert response.status_code == 200
    assert b"<html" in response.data.lower()


def test_the_worker_entry_point_registers_every_features_jobs(tmp_path, monkeypatch):
    """`huey_consumer app.huey` (the Procfile's worker) must know the jobs of every feature."""
    import importlib
    import sys
    monkeypatch.setenv("TUTTU_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'worker.db'}")
    sys.modules.pop("app", None)
    entry = importlib.import_module("app")
    names = set(entry.huey._registry._registry)
    for job in ("push.deliver", "push.every_minute", "meetups.waitlists", "chat.purge"):
        assert any(name.endswith(job) for name in names), job
