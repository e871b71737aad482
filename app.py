"""Tuttu. `python app.py` runs the embedded default (SQLite, in-process fan-out and jobs, demo data)."""
import argparse

if __name__ == "__main__":
    from gevent import monkey  # the embedded server runs gevent: patch before anything imports ssl/socket
    monkey.patch_all()

from backend import create_app  # noqa: E402
from backend.tasks import huey  # noqa: F401,E402  (the worker: `huey_consumer app.huey` sees every feature's jobs)

app = create_app()


def main():
    parser = argparse.ArgumentParser(description="Run Tuttu on the embedded default.")
    parser.add_argument("--no-demo", action="store_true", help="don't seed the demo city on first start")
    args = parser.parse_args()
    from backend.models import Staff
    if not args.no_demo:
        with app.app_context():
            if not Staff.select().exists():
                from backend.cli import print_logins
                from backend.demo import seed_demo
                logins = seed_demo()
                print_logins(logins)
    from backend.config import server_settings
    from backend.server import serve
    settings = server_settings()
    print(f"Tuttu is running at http://{settings['host']}:{settings['port']}  (Ctrl+C to stop)", flush=True)
    serve(app, settings["host"], settings["port"])


if __name__ == "__main__":
    main()
