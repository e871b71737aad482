"""Push fixtures: the app may send to the local push service on 127.0.0.1 (`push_service` is in tests/conftest.py)."""
import pytest


@pytest.fixture
def app_config(app_config):
    app_config["PUSH_ALLOW_LOOPBACK"] = True   # the local push service is on 127.0.0.1
    return app_config
