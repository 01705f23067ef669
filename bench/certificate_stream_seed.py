#!/usr/bin/python3
"""The peer of bench/certificate_stream.sh: a reconstruction of the "hourly batch job" of
certificate.stream's tutorial "Domain Monitoring Basics" (villain.network, the example
domain-monitoring-basics/hourly-batch-job: main.py, monitor.py and api.py, here in one file).

Usage: certificate_stream_seed.py --url URL --token-url URL --hour YYYY-MM-DD-HH
           [--domain NAME]

  --url URL        the API's base, BASE_URL of api.py (.../v1)
  --token-url URL  the OAuth2 token endpoint
  --hour H         date_and_hour, the hour to check (the tutorial's main.py leaves it None,
                   "the previous hour", with a TODO to take it from the command line)
  --domain NAME    YOUR_DOMAIN (default examplecompany.com, as in main.py)

CLIENT_ID and CLIENT_SECRET come from the environment, as in monitor.py. The log (logger.info
for every domain, as check_domains does) goes to stderr; the last line on stdout is
"DOMAINS domains checked, ALERTS alerts", and alert() also logs "ALERT! NAME is similar to ...".

It is written for this benchmark from the code the tutorial shows, keeping its functions and
its loop: get_token, get_domains (one requests.request("GET", ...) per page, no session, so one
connection per request; raise_for_status, then .json()), monitor_previous_hour, monitor_domains
(pages of 1000 by offset until count), check_domains (metric(your_domain, name) for each domain,
alert() when below MINIMUM_THRESHOLD, logger.info otherwise). Three pieces are not shown there
and are filled in here, so they are guesses, not the original:
  - get_token: a POST of the client credentials form (client_id, client_secret,
    grant_type=client_credentials) to the token endpoint, the access_token of its JSON answer;
  - metric: the tutorial calls it a stub to replace and does not publish one. Here it is the
    Levenshtein distance between the two names, in plain Python (two rows of the usual
    dynamic programme), and MINIMUM_THRESHOLD = 3: a name at most two edits from YOUR_DOMAIN
    raises an alert;
  - alert: a logger.warning, counted.
Without the requests library (Debian: python3-requests), urllib.request does the same two calls.
"""

import argparse
import datetime
import logging
import os
import sys

try:
    import requests
except ImportError:  # the same two calls with the standard library
    requests = None
    import json
    import urllib.parse
    import urllib.request

logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                    format="%(asctime)s %(levelname)s %(name)s: %(message)s")
logger = logging.getLogger("monitor")

# --- api.py -------------------------------------------------------------------------------

BASE_URL = "https://certificate.stream/v1"
TOKEN_URL = "https://api.villain.network/oauth2/token"


def get_token(client_id: str, client_secret: str) -> str:
    form = {"client_id": client_id, "client_secret": client_secret,
            "grant_type": "client_credentials"}
    if requests is None:
        data = urllib.parse.urlencode(form).encode()
        with urllib.request.urlopen(urllib.request.Request(TOKEN_URL, data=data)) as response:
            return json.load(response)["access_token"]
    response = requests.request("POST", TOKEN_URL, data=form)
    response.raise_for_status()
    return response.json()["access_token"]


def get_domains(token: str, params: dict) -> dict:
    url = f"{BASE_URL}/domains/list"
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if requests is None:
        request = urllib.request.Request(f"{url}?{urllib.parse.urlencode(params)}",
                                         headers=headers)
        with urllib.request.urlopen(request) as response:  # raises on 4xx and 5xx
            return json.load(response)
    response = requests.request("GET", url, headers=headers, params=params)
    response.raise_for_status()
    return response.json()


# --- monitor.py ---------------------------------------------------------------------------

client_id = os.getenv("CLIENT_ID")
client_secret = os.getenv("CLIENT_SECRET")

MINIMUM_THRESHOLD = 3
alerts = 0
checked = 0


def metric(your_domain: str, ct_log_domain: str) -> int:
    """Levenshtein distance: the fewest insertions, deletions and substitutions of one
    character that turn one name into the other."""
    a, b = your_domain, ct_log_domain
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1,             # delete ca
                               current[j - 1] + 1,          # insert cb
                               previous[j - 1] + (ca != cb)))  # keep or substitute
        previous = current
    return previous[-1]


def alert(your_domain: str, ct_log_domain: str) -> None:
    global alerts
    alerts += 1
    logger.warning(f"ALERT! {ct_log_domain} is similar to {your_domain} ...")


def get_previous_date_and_hour_utc():
    dt = datetime.datetime.now(datetime.timezone.utc)
    dt = dt - datetime.timedelta(hours=1)  # the hour before this one
    return dt.strftime("%Y-%m-%d-%H")


def check_domains(domains: list, your_domain: str) -> None:
    global checked
    checked += len(domains)
    # each domain of the page against your_domain
    for domain_obj in domains:
        ct_log_domain = domain_obj["domain_name"]
        value = metric(your_domain, ct_log_domain)
        # too close: an alert
        if value < MINIMUM_THRESHOLD:
            alert(your_domain, ct_log_domain)
        else:
            logger.info(f"Ok. {ct_log_domain} is NOT similar to {your_domain} ...")


def monitor_domains(your_domain: str, token: str, date_and_hour: str) -> None:
    params = {"limit": 1000, "offset": 0, "date_and_hour": date_and_hour}
    # the first page, which also says how many domains the hour holds
    domains_response = get_domains(token, params)
    count = domains_response["count"]
    logger.info(f"There are a total of {count} domains from the past hour.")
    offset = domains_response["offset"]
    check_domains(domains_response["domains"], your_domain)
    logger.info(f"Finished checking {offset+1000}/{count} domains.")

    # offset-based pagination: the next 1000 until the count is reached
    while (offset + 1000) < count:
        offset += 1000
        params["offset"] = offset
        domains_response = get_domains(token, params)
        check_domains(domains_response["domains"], your_domain)
        logger.info(f"Finished checking {offset}/{count} domains.")


def monitor_previous_hour(domain_name: str, date_and_hour: str = None) -> None:
    token = get_token(client_id, client_secret)
    if date_and_hour is None:
        date_and_hour = get_previous_date_and_hour_utc()
    monitor_domains(domain_name, token, date_and_hour)
    logger.info(f"Finished monitoring domains from {date_and_hour}.")


# --- main.py ------------------------------------------------------------------------------

YOUR_DOMAIN = "examplecompany.com"

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=BASE_URL)
    parser.add_argument("--token-url", default=TOKEN_URL)
    parser.add_argument("--hour", default=None)
    parser.add_argument("--domain", default=YOUR_DOMAIN)
    args = parser.parse_args()
    BASE_URL, TOKEN_URL = args.url.rstrip("/"), args.token_url
    if not client_id or not client_secret:
        sys.exit("certificate_stream_seed.py: set CLIENT_ID and CLIENT_SECRET")
    monitor_previous_hour(args.domain, date_and_hour=args.hour)
    print(f"{checked} domains checked, {alerts} alerts")
