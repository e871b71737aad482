"""Demo meetups: a youth-centre evening next week and a summer camp that needs a guardian's consent."""
from datetime import datetime, time, timedelta, timezone

from ..clock import city_zone
from ..demo import DemoCity
from ..models import Meetup, MeetupOfficer


def city_moment(now, days_ahead, hour, minute=0):
    """`days_ahead` days from now at hh:mm city time, as naive UTC."""
    local_day = now.replace(tzinfo=timezone.utc).astimezone(city_zone()).date() + timedelta(days=days_ahead)
    local = datetime.combine(local_day, time(hour, minute), tzinfo=city_zone())
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def seed_meetups(city: DemoCity):
    now, centre, organiser = city.now, city.centres[0], city.organisers[0]
    evening = Meetup.create(
        organiser=organiser, youth_centre=centre, sector=centre.sector_id, kind="youth_centre_evening",
        title="Games night with the police", venue_name=centre.name, venue_address=centre.address,
        description="Board games, snacks and questions. Meet the officers of your sector without the uniform fuss.",
        starts_at=city_moment(now, 6, 17), ends_at=city_moment(now, 6, 20), capacity=25, waitlist_size=10,
        min_age=12, max_age=17, signup_closes_at=city_moment(now, 6, 12), languages="fi,en")
    camp_centre, camp_organiser = city.centres[-1], city.organisers[-1]
    camp = Meetup.create(
        organiser=camp_organiser, youth_centre=camp_centre, sector=camp_centre.sector_id, kind="summer_camp",
        title="Summer camp at Pihlajasaari", venue_name="Pihlajasaari camp site", venue_address="Pihlajasaari, Helsinki",
        latitude=60.1405, longitude=24.9163,
        description="Three days of canoeing, sauna and campfire talks with youth workers and police officers.",
        starts_at=city_moment(now, 30, 10), ends_at=city_moment(now, 32, 15), capacity=20, waitlist_size=10,
        min_age=13, max_age=16, signup_opens_at=now, signup_closes_at=city_moment(now, 23, 16),
        consent_required=True, claim_window_hours=24, languages="fi,sv,en")
    for meetup, officers in ((evening, city.officers[:2]), (camp, city.officers[2:4])):
        for officer in officers:
            MeetupOfficer.create(meetup=meetup, officer=officer)
