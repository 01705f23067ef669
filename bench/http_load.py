#!/usr/bin/python3
"""A small HTTP load generator for bench/serve.sh (Python's standard library only).

Usage: http_load.py HOST PORT PATHS_FILE [--requests N] [--concurrency C] [--timeout S]

Sends N GET requests (default 1000) to HOST:PORT, C at a time (default 50), each on a
connection of its own ("Connection: close") read until the server closes it; one thread drives
them all through non-blocking sockets and a selector, so the generator costs little CPU.
Request i asks for line i % L of PATHS_FILE (L lines, one path each), so a file of
N distinct paths asks each once and a short file repeats its paths in turn. Prints one JSON
line: requests, answered (an HTTP status came back), the count per status and per error, the
wall seconds from the first connection to the last answer, answered requests per second, the
median, 99th percentile and slowest latency in milliseconds (connect to the end of the answer,
answered requests only), and this process's own CPU seconds, which say whether the generator
itself was the limit."""

import argparse
import errno
import json
import math
import os
import selectors
import socket
import sys
import time


class Request:
    """One request on a non-blocking connection of its own."""

    def __init__(self, address, path, data):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        self.path, self.out, self.chunks = path, data, []
        self.started = self.last = time.perf_counter()
        code = self.sock.connect_ex(address)
        if code not in (0, errno.EINPROGRESS):
            self.sock.close()
            raise OSError(code, os.strerror(code))

    def status(self):
        """The HTTP status of the whole answer read."""
        head = b"".join(self.chunks).split(b"\r\n", 1)[0].split()
        if len(head) < 2 or not head[0].startswith(b"HTTP/") or not head[1].isdigit():
            raise ValueError("no HTTP status line")
        return int(head[1])


def percentile(ordered, p):
    """Nearest-rank percentile of an ordered list (None when empty)."""
    if not ordered:
        return None
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def ms(seconds):
    return None if seconds is None else round(seconds * 1000, 2)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("paths_file")
    parser.add_argument("--requests", type=int, default=1000, metavar="N")
    parser.add_argument("--concurrency", type=int, default=50, metavar="C")
    parser.add_argument("--timeout", type=float, default=60.0, metavar="S",
                        help="seconds a connection may stay silent (default 60)")
    args = parser.parse_args(argv)
    with open(args.paths_file, encoding="utf-8") as f:
        paths = [line.strip() for line in f if line.strip()]
    if not paths or args.requests < 1 or args.concurrency < 1:
        parser.error("needs at least one path, one request and one client")

    address = (args.host, args.port)
    template = ("GET {} HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: ctlite-bench\r\n"
                "Accept: application/json\r\nConnection: close\r\n\r\n" % address)
    latencies, statuses, errors = [], {}, {}
    sel = selectors.DefaultSelector()
    sent = 0

    def failed(name):
        errors[name] = errors.get(name, 0) + 1

    def start():
        """Opens the next request's connection; False once all are sent."""
        nonlocal sent
        if sent >= args.requests:
            return False
        path = paths[sent % len(paths)]
        sent += 1
        try:
            r = Request(address, path, (template.format(path)).encode("ascii"))
        except OSError as error:
            failed(type(error).__name__)
            return True
        sel.register(r.sock, selectors.EVENT_WRITE, r)
        return True

    def finish(r, name=None):
        sel.unregister(r.sock)
        r.sock.close()
        if name is None:
            try:
                status = r.status()
            except ValueError as error:
                name = type(error).__name__
            else:
                latencies.append(time.perf_counter() - r.started)
                statuses[status] = statuses.get(status, 0) + 1
        if name is not None:
            failed(name)

    cpu0, wall0 = os.times(), time.perf_counter()
    while len(sel.get_map()) < args.concurrency and start():
        pass
    while sel.get_map():
        for key, events in sel.select(timeout=1.0):
            r = key.data
            r.last = time.perf_counter()
            try:
                if events & selectors.EVENT_WRITE:
                    code = r.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if code:
                        raise OSError(code, os.strerror(code))
                    r.out = r.out[r.sock.send(r.out):]
                    if not r.out:
                        sel.modify(r.sock, selectors.EVENT_READ, r)
                    continue
                data = r.sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError as error:
                finish(r, type(error).__name__)
            else:
                if data:
                    r.chunks.append(data)
                    continue
                finish(r)
            while len(sel.get_map()) < args.concurrency and start():
                pass
        now = time.perf_counter()
        for key in list(sel.get_map().values()):
            if now - key.data.last > args.timeout:
                finish(key.data, "timeout")
        while len(sel.get_map()) < args.concurrency and start():
            pass
    wall, cpu1 = time.perf_counter() - wall0, os.times()
    latencies.sort()
    print(json.dumps({
        "requests": args.requests,
        "answered": len(latencies),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": errors,
        "seconds": round(wall, 3),
        "rps": round(len(latencies) / wall, 1) if wall > 0 else None,
        "p50_ms": ms(percentile(latencies, 50)),
        "p99_ms": ms(percentile(latencies, 99)),
        "max_ms": ms(latencies[-1] if latencies else None),
        "client_cpu_s": round(cpu1.user + cpu1.system - cpu0.user - cpu0.system, 2),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
