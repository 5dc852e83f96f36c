"""Sends many kinds of malformed frames to a daqz data endpoint over a real ZeroMQ socket, then one
valid wedge. Hand-encodes the Protobuf envelope so the test does not share code with the service.
Usage: bad_frames.py ENDPOINT  -> prints the number of bad frames sent."""
import math
import struct
import sys

import zmq

_TABLE = []
for i in range(256):
    c = i
    for _ in range(8):
        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    _TABLE.append(c)


def crc32c(data: bytes) -> int:
    c = 0xFFFFFFFF
    for b in data:
        c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def varint(v: int) -> bytes:
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def field(num: int, wire: int, payload: bytes) -> bytes:
    return varint((num << 3) | wire) + payload


def envelope(kind=1, schema=1, source="bad-client", seq=0, payload=b"", shape=(192, 249, 16), dtype=1,
             crc=None, nbytes=None, schema_id=0) -> bytes:
    e = field(1, 0, varint(kind)) + field(2, 0, varint(schema))
    e += field(3, 2, varint(len(source)) + source.encode()) + field(4, 0, varint(seq))
    e += field(6, 5, struct.pack("<I", crc32c(payload) if crc is None else crc))
    e += field(7, 0, varint(len(payload) if nbytes is None else nbytes))
    if shape:
        packed = b"".join(varint(d) for d in shape)
        e += field(8, 2, varint(len(packed)) + packed)
    e += field(9, 0, varint(dtype))
    if schema_id:
        e += field(10, 0, varint(schema_id))
    return e


def runs(*blocks) -> bytes:
    words = []
    for pad, t0, values in blocks:
        words += [pad, t0, len(values)] + list(values)
    return struct.pack("<%dH" % len(words), *words)


def jets(values, n, f) -> bytes:
    return struct.pack("<%df" % len(values), *values)


GOOD_RUNS = runs((0, 10, [100, 200, 300]), (5, 0, [70]))
J = [1.0] * 8


def bad_messages():
    yield "empty envelope", [b""]
    yield "three frames", [envelope(payload=GOOD_RUNS), GOOD_RUNS, b"x"]
    yield "garbage envelope", [b"\xff\xff\xff\xff\xff", GOOD_RUNS]
    yield "schema version 0", [envelope(schema=0, payload=GOOD_RUNS), GOOD_RUNS]
    yield "schema version 99", [envelope(schema=99, payload=GOOD_RUNS), GOOD_RUNS]
    yield "unknown kind 42", [envelope(kind=42, payload=GOOD_RUNS), GOOD_RUNS]
    yield "unspecified kind", [envelope(kind=0, payload=GOOD_RUNS), GOOD_RUNS]
    yield "wedge without payload", [envelope(payload=GOOD_RUNS)]
    yield "payload shorter than announced", [envelope(payload=GOOD_RUNS, nbytes=len(GOOD_RUNS) + 10), GOOD_RUNS]
    yield "bad crc", [envelope(payload=GOOD_RUNS, crc=1234), GOOD_RUNS]
    yield "shape rank 2", [envelope(payload=GOOD_RUNS, shape=(192, 249)), GOOD_RUNS]
    yield "wrong shape", [envelope(payload=GOOD_RUNS, shape=(100, 249, 16)), GOOD_RUNS]
    yield "wedge as float32", [envelope(payload=GOOD_RUNS, dtype=2), GOOD_RUNS]
    odd = GOOD_RUNS + b"\x01"
    yield "odd payload length", [envelope(payload=odd), odd]
    trunc = struct.pack("<2H", 0, 1)
    yield "truncated run header", [envelope(payload=trunc), trunc]
    p = runs((5000, 0, [100]))
    yield "pad outside shape", [envelope(payload=p), p]
    p = runs((0, 247, [100, 100, 100]))
    yield "run past the time axis", [envelope(payload=p), p]
    p = struct.pack("<3H", 0, 0, 0)
    yield "empty run", [envelope(payload=p), p]
    p = runs((5, 0, [100]), (0, 0, [100]))
    yield "runs out of order", [envelope(payload=p), p]
    p = runs((0, 0, [100]), (0, 1, [100]))
    yield "touching runs", [envelope(payload=p), p]
    p = runs((0, 0, [64]))
    yield "ADC below threshold", [envelope(payload=p), p]
    p = runs((0, 0, [1024]))
    yield "ADC above 1023", [envelope(payload=p), p]
    p = runs((0, 0, [100, 200, 300, 400]))[:-2]
    yield "run values truncated", [envelope(payload=p), p]
    j = jets([1.0, float("nan")] + J[2:], 2, 4)
    yield "jets with NaN", [envelope(kind=2, payload=j, shape=(2, 4), dtype=2, schema_id=4), j]
    j = jets([math.inf] + J[1:], 2, 4)
    yield "jets with inf", [envelope(kind=2, payload=j, shape=(2, 4), dtype=2, schema_id=4), j]
    j = jets(J, 2, 4)
    yield "jets shape mismatch", [envelope(kind=2, payload=j, shape=(3, 4), dtype=2, schema_id=4), j]
    yield "jets as uint16", [envelope(kind=2, payload=j, shape=(2, 4), dtype=1, schema_id=4), j]
    yield "jets zero rows", [envelope(kind=2, payload=b"", shape=(0, 4), dtype=2, schema_id=4), b""]
    yield "ack on the data channel", [envelope(kind=4, payload=b"", shape=())]
    yield "record on the data channel", [envelope(kind=3, payload=GOOD_RUNS, dtype=4), GOOD_RUNS]
    big = bytes(3 << 20)
    yield "oversize payload", [envelope(payload=big), big]


def main():
    ctx = zmq.Context()
    s = ctx.socket(zmq.PUSH)
    s.setsockopt(zmq.LINGER, 5000)
    s.connect(sys.argv[1])
    n = 0
    for name, frames in bad_messages():
        s.send_multipart(frames)
        n += 1
    good = envelope(source="good-client", seq=0, payload=GOOD_RUNS)
    s.send_multipart([good, GOOD_RUNS])
    s.close()
    ctx.term()
    print(n)


if __name__ == "__main__":
    main()
