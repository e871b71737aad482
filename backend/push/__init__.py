"""Push reminders: subscriptions with preferences, VAPID-signed encrypted delivery, reminders and retention.

Other features notify through backend/push/notify.py after their transaction has committed.
"""
from huey import crontab

from .. import tasks
from . import jobs, views


def init_app(app):
    app.register_blueprint(views.bp)
    tasks.register_job("push.deliver", jobs.deliver)
    tasks.register_job("push.every_minute", jobs.every_minute, crontab(minute="*"))
    tasks.register_job("push.retention", jobs.retention, crontab(minute="17", hour="3"))
