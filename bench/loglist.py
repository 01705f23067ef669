#!/usr/bin/python3
"""Usage: loglist.py KEY URL: prints a v3 log list (the format of loglist.certspotter.org and
Google's list) holding one usable RFC 6962 log, KEY its base64 DER public key and URL its
prefix, for peers that take a log list (certspotter -logs FILE)."""
import base64
import hashlib
import json
import sys

key, url = sys.argv[1], sys.argv[2]
log_id = base64.b64encode(hashlib.sha256(base64.b64decode(key)).digest()).decode()
log = {"description": "ctlite bench log", "log_id": log_id, "key": key, "url": url, "mmd": 86400,
       "state": {"usable": {"timestamp": "2024-01-01T00:00:00Z"}}}
json.dump({"version": "1", "operators": [{"name": "ctlite bench", "email": ["bench@example.invalid"],
                                          "logs": [log]}]}, sys.stdout)
