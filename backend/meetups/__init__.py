"""Real-life meetups at youth centres and summer camps: sign-up, waitlist, tickets, check-in, calendars.

views.py is the youth's side, organiser.py the organiser's, calendar.py the .ics files and private feed,
signups.py the rules of places and the waitlist.
"""
from huey import crontab

from .. import tasks
from ..demo import add_demo_step
from . import calendar, jobs, organiser, views
from .demo import seed_meetups


def init_app(app):
    app.register_blueprint(views.bp)
    app.register_blueprint(organiser.bp)
    app.register_blueprint(calendar.bp)
    tasks.register_job("meetups.waitlists", jobs.move_waitlists, crontab(minute="*/5"))
    tasks.register_job("meetups.retention", jobs.forget_meetup_people, crontab(hour="3", minute="20"))
    add_demo_step(app, 40, seed_meetups)
