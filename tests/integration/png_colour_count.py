#!/usr/bin/python3
"""Counts the pixels of one colour in a PNG: how report.sh tells that Chromium drew the charts
(their bars have a colour nothing else on the page has).

Usage: png_colour_count.py FILE R G B    prints the count

Reads 8-bit RGB and RGBA images that are not interlaced, which is what Chromium writes."""

import struct
import sys
import zlib


def pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, head = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = head
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError("only 8-bit RGB or RGBA, not interlaced")
    size = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * size
    previous = bytearray(stride)
    for y in range(height):
        line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        kind, row = line[0], bytearray(line[1:])
        for x in range(stride):
            left = row[x - size] if x >= size else 0
            up = previous[x]
            corner = previous[x - size] if x >= size else 0
            if kind == 1:
                row[x] = (row[x] + left) & 255
            elif kind == 2:
                row[x] = (row[x] + up) & 255
            elif kind == 3:
                row[x] = (row[x] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                row[x] = (row[x] + (left if pa <= pb and pa <= pc else up if pb <= pc
                                    else corner)) & 255
        yield from (tuple(row[x:x + 3]) for x in range(0, stride, size))
        previous = row


def main(argv):
    path, colour = argv[0], tuple(int(v) for v in argv[1:4])
    print(sum(1 for p in pixels(path) if p == colour))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
