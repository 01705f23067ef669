#!/usr/bin/python3
"""Many HTTP requests at the same moment, for the tests of servers under load.

Usage: http_burst.py HOST PORT PATH...

Opens one connection per PATH, and only once all of them are open sends each its
"GET PATH HTTP/1.1" request, so that the server holds every one at once. Then reads every
answer to its end (the server closes, or Content-Length is reached) and prints one JSON line
per request, in the order of the arguments: {"path", "status", "body"}, with status null and
"error" set for a connection that failed or an answer that did not parse."""

import json
import resource
import selectors
import socket
import sys


def parse(raw):
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        raise ValueError("no end of headers")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    if length is not None and len(body) < length:
        raise ValueError(f"body cut at {len(body)} of {length} bytes")
    return status, body[:length] if length is not None else body


def main():
    host, port, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    socks = []
    for _ in paths:
        s = socket.create_connection((host, port), timeout=60)
        socks.append(s)
    for s, path in zip(socks, paths):
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    sel = selectors.DefaultSelector()
    got = [b""] * len(paths)
    for i, s in enumerate(socks):
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, i)
    open_count = len(socks)
    while open_count:
        events = sel.select(timeout=60)
        if not events:
            break
        for key, _ in events:
            i = key.data
            chunk = key.fileobj.recv(65536)
            if chunk:
                got[i] += chunk
            else:
                sel.unregister(key.fileobj)
                key.fileobj.close()
                open_count -= 1
    for path, raw in zip(paths, got):
        try:
            status, body = parse(raw)
            print(json.dumps({"path": path, "status": status, "body": body.decode()}))
        except (ValueError, IndexError, UnicodeDecodeError) as e:
            print(json.dumps({"path": path, "status": None, "error": str(e)}))


if __name__ == "__main__":
    main()
