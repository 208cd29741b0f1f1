"""The course's load profile against the ingress: users POST /api/tweet with random valid tweets.

Headless, 10 users, stops by itself after 10,000 requests (see locust/README.md):

    locust -f locust/locustfile.py --headless -u 10 -r 10 --host http://localhost:8080

Environment:
    WEATHER_MAX_REQUESTS  stop after this many requests (default 10000; 0 = run until --run-time / Ctrl-C)
    WEATHER_WAIT_SECONDS  pause of each user between requests (default 0: as fast as the system answers)

Written for Locust 2.12 (Debian's python3-locust) and newer; uses only its core API.
"""

import os
import random

import gevent
from locust import HttpUser, constant, events, task
from locust.exception import StopUser

MUNICIPALITIES = ["mixco", "guatemala", "amatitlan", "chinautla"]
CONDITIONS = ["sunny", "cloudy", "rainy", "foggy"]

MAX_REQUESTS = int(os.environ.get("WEATHER_MAX_REQUESTS", "10000"))
WAIT_SECONDS = float(os.environ.get("WEATHER_WAIT_SECONDS", "0"))

# Users are greenlets in one process: plain counters need no lock, since a greenlet only yields on I/O.
issued = 0
completed = 0


def random_tweet():
    """A tweet of the course contract, valid by the ingress's rules."""
    return {
        "municipality": random.choice(MUNICIPALITIES),
        "temperature": random.randint(-50, 60),
        "humidity": random.randint(0, 100),
        "weather": random.choice(CONDITIONS),
    }


@events.init_command_line_parser.add_listener
def _describe_limit(parser):
    parser.description = (parser.description or "") + f" Stops after WEATHER_MAX_REQUESTS={MAX_REQUESTS} requests."


class WeatherTweeter(HttpUser):
    host = "http://localhost:8080"
    wait_time = constant(WAIT_SECONDS)

    @task
    def post_tweet(self):
        global issued, completed
        # Claim a ticket before sending, so that exactly MAX_REQUESTS requests go out, however many users run.
        if MAX_REQUESTS and issued >= MAX_REQUESTS:
            raise StopUser()
        issued += 1
        with self.client.post("/api/tweet", json=random_tweet(), name="POST /api/tweet",
                              catch_response=True) as response:
            if response.status_code == 202:
                response.success()
            else:
                response.failure(f"expected 202, got {response.status_code}: {response.text[:200]}")
        completed += 1
        if MAX_REQUESTS and completed == MAX_REQUESTS:
            # quit() stops every user greenlet, this one included: run it from its own greenlet.
            gevent.spawn(self.environment.runner.quit)
            raise StopUser()
