#!/usr/bin/python3
"""The peers of bench/certstream.sh: two CertStream consumers in the shape of the calidog
`certstream` Python library's listen_for_events(), rebuilt from what their documents describe.
It is a reconstruction written for this benchmark, not their code (neither is vendored or run).

Usage: certstream_peer.py --url ws://HOST:PORT/full-stream --limit N --mode MODE [options]

  --mode regex      the "CertStream" domain catcher (a Python script for researchers, its
                    developer guide): for each certificate_update, its all_domains sanitised
                    (a leading '*.' dropped), each tested against the capture regexes
                    (--regex, repeatable, re.search), a match logged and stored with
                    INSERT OR IGNORE into a SQLite table that disallows duplicates; on exit
                    every stored domain is exported to a text file (--output), one a line
  --mode keywords   CertStreamMonitor (its README): for each name of a certificate_update,
                    how many of the SearchKeywords (--keywords 'a|b|c', case-insensitive) it
                    contains; at least DetectionThreshold (--threshold, default 2): the host
                    is written to a sqlite3 table with the certificate's details (the other
                    names, issuer, fingerprint, start time, first seen) and a line is printed
                    on stdout; above zero but under the threshold: only logged (--log)
  --mode receive    no peer: the minimal client for the fixture's share. One websocket-client
                    connection, N text frames received and dropped (no JSON, no UTF-8 check)

  --url URL              the stream (the full stream, as both tools read all_domains)
  --limit N              stop after N certificate_update messages (receive: N text frames)
  --db FILE              the SQLite database (regex, keywords); made if missing
  --output FILE          regex: the export written on exit
  --log FILE             where logging goes (default stderr)
  --skip-utf8-validation pass skip_utf8_validation=True to run_forever(); listen_for_events
                         does not, so by default each text frame is UTF-8-checked by
                         websocket-client (in pure Python unless wsaccel is installed)

How the library is modelled: a WebSocketApp subclass whose on_message json.loads() every
frame, drops heartbeats, and calls callback(message, context); listen_for_events() makes one
and calls run_forever(ping_interval=15), again after a pause whenever the connection ends.
Here the callback closes the app after N certificate messages and the loop then ends, where the
tools run until Ctrl-C. Commits: the regex mode commits once per certificate that stored a
domain, the keyword mode once per host it writes (the documents do not say; these are the
straightforward readings). The last line on stdout is "MODE: N certificates, M stored".
Needs websocket-client (Debian: python3-websocket).
"""

import argparse
import datetime
import json
import logging
import re
import sqlite3
import sys
import time

import websocket
from websocket import WebSocketApp


# --- the library: the calidog certstream client's model -----------------------------------

class Context(dict):
    """The mutable mapping handed to every callback, as the library's."""
    __getattr__ = dict.get
    __setattr__ = dict.__setitem__


class StreamClient(WebSocketApp):
    def __init__(self, url, callback, skip_heartbeats=True):
        self.callback = callback
        self.skip_heartbeats = skip_heartbeats
        self.context = Context()
        super().__init__(url, on_open=self.opened, on_message=self.received,
                         on_error=self.failed)

    def opened(self, _app):
        logging.info("connected to %s", self.url)

    def received(self, _app, text):
        message = json.loads(text)
        if self.skip_heartbeats and message.get("message_type") == "heartbeat":
            return
        self.callback(message, self.context)

    def failed(self, _app, error):
        if isinstance(error, KeyboardInterrupt):
            raise error
        logging.error("stream error: %s; connecting again in 5 s", error)


def listen_for_events(callback, url, **run_options):
    """Connect, run until the connection ends, wait, connect again; until a callback sets
    context.stopped, or Ctrl-C."""
    try:
        while True:
            app = StreamClient(url, callback)
            app.context.app = app
            app.run_forever(ping_interval=15, **run_options)
            if app.context.stopped:
                return
            time.sleep(5)
    except KeyboardInterrupt:
        logging.info("interrupted; exiting")


class Peer:
    """What both tools share here: the count of certificate messages, and the stop at N."""

    def __init__(self, limit):
        self.limit, self.certificates = limit, 0

    def counted(self, context):
        self.certificates += 1
        if self.certificates >= self.limit:
            context.stopped = True
            context.app.close()


# --- mode regex: the domain catcher ---------------------------------------------------------

class Catcher(Peer):
    def __init__(self, db_path, patterns, output, limit):
        super().__init__(limit)
        self.patterns = [re.compile(p) for p in patterns]
        self.output = output
        self.db = sqlite3.connect(db_path)
        self.db.execute("CREATE TABLE IF NOT EXISTS domains (domain TEXT UNIQUE NOT NULL)")
        self.db.commit()

    @staticmethod
    def sanitise(domains):
        return [d[2:] if d.startswith("*.") else d for d in domains]

    def callback(self, message, context):
        if message.get("message_type") != "certificate_update":
            return
        stored = False
        for domain in self.sanitise(message["data"]["leaf_cert"]["all_domains"]):
            if any(p.search(domain) for p in self.patterns):
                logging.info("Captured %s", domain)
                self.db.execute("INSERT OR IGNORE INTO domains (domain) VALUES (?)", (domain,))
                stored = True
        if stored:
            self.db.commit()
        self.counted(context)

    def finish(self):
        rows = self.db.execute("SELECT domain FROM domains ORDER BY rowid").fetchall()
        with open(self.output, "w", encoding="utf-8") as f:
            f.writelines(domain + "\n" for (domain,) in rows)
        self.db.close()
        return len(rows)


# --- mode keywords: CertStreamMonitor ---------------------------------------------------------

class Monitor(Peer):
    def __init__(self, db_path, keywords, threshold, limit):
        super().__init__(limit)
        self.keywords = [k.lower() for k in keywords.split("|") if k]
        self.threshold = threshold
        self.db = sqlite3.connect(db_path)
        self.db.execute("CREATE TABLE IF NOT EXISTS CertStreamMonitor (Hostname TEXT PRIMARY KEY,"
                        " SAN TEXT, Issuer TEXT, Fingerprint TEXT, StartTime TEXT,"
                        " FirstSeen TEXT)")
        self.db.commit()
        self.stored = 0

    def callback(self, message, context):
        if message.get("message_type") != "certificate_update":
            return
        leaf = message["data"]["leaf_cert"]
        names = leaf["all_domains"]
        for host in names:
            found = sum(1 for k in self.keywords if k in host.lower())
            if found >= self.threshold:
                self.store(host, names, leaf)
            elif found > 0:
                logging.info("%s: %d of the keywords, under the threshold %d",
                             host, found, self.threshold)
        self.counted(context)

    def store(self, host, names, leaf):
        if self.db.execute("SELECT 1 FROM CertStreamMonitor WHERE Hostname = ?",
                           (host,)).fetchone():
            return
        san = ",".join(n for n in names if n != host)
        issuer = leaf["issuer"]["aggregated"]
        start = datetime.datetime.fromtimestamp(leaf["not_before"], datetime.timezone.utc)
        start = start.strftime("%Y-%m-%dT%H:%M:%S")
        seen = datetime.datetime.now().strftime("%Y-%m-%dT%H:%M:%S")
        self.db.execute("INSERT INTO CertStreamMonitor (Hostname, SAN, Issuer, Fingerprint,"
                        " StartTime, FirstSeen) VALUES (?, ?, ?, ?, ?, ?)",
                        (host, san, issuer, leaf["fingerprint"], start, seen))
        self.db.commit()
        self.stored += 1
        print(f"[{seen}] {host} (SAN: {san}) (Issuer: {issuer}) "
              f"(Fingerprint: {leaf['fingerprint']}) (StartTime: {start})")

    def finish(self):
        self.db.close()
        return self.stored


# --- mode receive: the minimal client -------------------------------------------------------

def receive(url, limit):
    ws = websocket.create_connection(url, skip_utf8_validation=True)
    frames = 0
    while frames < limit:
        opcode, _data = ws.recv_data()
        if opcode == websocket.ABNF.OPCODE_TEXT:
            frames += 1
    ws.close()
    return frames


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--limit", type=int, required=True)
    parser.add_argument("--mode", choices=("regex", "keywords", "receive"), required=True)
    parser.add_argument("--db")
    parser.add_argument("--regex", action="append", default=[])
    parser.add_argument("--output")
    parser.add_argument("--keywords", default="paypal|apple|account|secure|login")
    parser.add_argument("--threshold", type=int, default=2)
    parser.add_argument("--log")
    parser.add_argument("--skip-utf8-validation", action="store_true")
    args = parser.parse_args(argv)
    if args.limit < 1:
        parser.error("--limit must be at least 1")
    if args.mode != "receive" and not args.db:
        parser.error(f"--mode {args.mode} needs --db")
    if args.mode == "regex" and not (args.regex and args.output):
        parser.error("--mode regex needs --regex and --output")
    logging.basicConfig(filename=args.log, level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(message)s")

    if args.mode == "receive":
        print(f"receive: {receive(args.url, args.limit)} frames")
        return 0
    if args.mode == "regex":
        peer = Catcher(args.db, args.regex, args.output, args.limit)
    else:
        peer = Monitor(args.db, args.keywords, args.threshold, args.limit)
        logging.info("Looking for these strings: %s, detection threshold: %d",
                     args.keywords, args.threshold)
    listen_for_events(peer.callback, args.url, skip_utf8_validation=args.skip_utf8_validation)
    stored = peer.finish()
    print(f"{args.mode}: {peer.certificates} certificates, {stored} stored")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
