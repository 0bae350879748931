#!/usr/bin/env python3
"""Independent implementation of AuditKit canonical form v1 (docs/integrity.md), written from the document alone.

It produces canonical-v1.json: for each input event, its canonical bytes and chain hash. The server's test
(CanonicalFormVectorTests) checks its own encoder against this file, so the document, this script and the server
must agree. Run: python3 generate.py > canonical-v1.json
"""
import hashlib
import json
import struct
from datetime import datetime, timezone
from decimal import Decimal

VERSION = 1
GENESIS = bytes(32)

# (id, name, kind) — the field table of docs/integrity.md.
FIELDS = [
    (1, "tenant_id", "text"), (2, "id", "uuid"), (3, "seq", "int64"), (4, "timestamp", "time"),
    (5, "received_at", "time"), (6, "source", "text"), (7, "action", "text"), (8, "category", "text"),
    (9, "resource_type", "text"), (10, "resource_id", "text"), (11, "resource_name", "text"),
    (12, "user_id", "personal"), (13, "username", "personal"), (14, "user_email", "personal"),
    (15, "status", "text"), (16, "severity", "text"), (17, "service_name", "text"), (18, "service_version", "text"),
    (19, "method", "text"), (20, "path", "text"), (21, "route", "text"), (22, "query", "text"),
    (23, "status_code", "int64"), (24, "duration_ms", "float64"), (25, "ip_address", "personal"),
    (26, "user_agent", "personal"), (27, "request_id", "text"), (28, "trace_id", "text"), (29, "session_id", "text"),
    (30, "description", "text"), (31, "error_code", "text"), (32, "error_message", "text"), (33, "changes", "changes"),
    (34, "old_values", "json-object"), (35, "new_values", "json-object"), (36, "metadata", "json-object"),
    (37, "tags", "json"), (38, "data_classification", "text"), (39, "stack_trace", "text"),
]


def u16(n): return struct.pack(">H", n)
def u32(n): return struct.pack(">I", n)
def i64(n): return struct.pack(">q", n)
def lp(b): return u32(len(b)) + b


def number(text):
    d = Decimal(text)
    if d == 0:
        return "0"
    sign, digits, exp = d.as_tuple()
    s = "".join(map(str, digits)).lstrip("0")
    stripped = s.rstrip("0")
    exp += len(s) - len(stripped)
    return ("-" if sign else "") + stripped + "e" + str(exp)


class Num(str):
    pass


def cj(v):
    if v is None: return b"\x00"
    if v is False: return b"\x01"
    if v is True: return b"\x02"
    if isinstance(v, Num): return b"\x03" + lp(number(v).encode())
    if isinstance(v, str): return b"\x04" + lp(v.encode("utf-8"))
    if isinstance(v, list): return b"\x05" + u32(len(v)) + b"".join(cj(x) for x in v)
    if isinstance(v, dict):
        items = sorted(((k.encode("utf-8"), x) for k, x in v.items()), key=lambda kv: kv[0])
        return b"\x06" + u32(len(items)) + b"".join(lp(k) + cj(x) for k, x in items)
    raise TypeError(v)


def parse(text):
    # Numbers keep their spelling; a repeated key keeps its last value (dict does that).
    return json.loads(text, parse_float=Num, parse_int=Num)


def changes(text):
    v = parse(text)
    if not isinstance(v, list):
        return cj(v)
    out = b"\x05" + u32(len(v))
    for c in v:
        if not isinstance(c, dict):
            out += cj(c)
            continue
        m = {}
        if "property" not in c:
            m["property"] = ""
        elif c["property"] is not None:
            m["property"] = c["property"]
        for k in ("old", "new"):
            if c.get(k) is not None:
                m[k] = c[k]
        out += cj(m)
    return out


def micros(iso):
    t = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(timezone.utc)
    delta = t - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def digests(hex_):
    out = {}
    b = bytes.fromhex(hex_ or "")
    for i in range(0, len(b) - 33, 34):
        out[struct.unpack(">H", b[i:i + 2])[0]] = b[i + 2:i + 34]
    return out


def encode(e):
    out = bytes([VERSION])
    salt = bytes.fromhex(e.get("salt") or "")
    erased = digests(e.get("personal_digests"))
    for fid, name, kind in FIELDS:
        v = e.get(name)
        if kind == "personal":
            if fid in erased:
                value = erased[fid]
            elif v is None:
                continue
            else:
                value = hashlib.sha256(salt + u16(fid) + v.encode("utf-8")).digest()
        elif v is None:
            continue
        elif kind == "text": value = v.encode("utf-8")
        elif kind == "uuid": value = bytes.fromhex(v.replace("-", ""))
        elif kind == "int64": value = i64(v)
        elif kind == "float64": value = struct.pack(">d", v)
        elif kind == "time": value = i64(micros(v))
        elif kind == "changes": value = changes(v)
        elif kind in ("json", "json-object"):
            parsed = parse(v)
            if kind == "json-object" and not isinstance(parsed, dict):
                continue
            value = cj(parsed)
        out += u16(fid) + lp(value)
    return out


BASE = {
    "tenant_id": "acme", "id": "01936f3e-8a4b-7c2d-9e1f-0a1b2c3d4e5f", "timestamp": "2026-03-02T08:29:59.123456Z",
    "received_at": "2026-03-02T08:30:00.000001Z", "source": "http", "action": "LOGIN", "status": "SUCCESS",
    "severity": "LOW", "salt": "000102030405060708090a0b0c0d0e0f",
}

VECTORS = [
    ("minimal", dict(BASE, seq=1)),
    ("every field", dict(
        BASE, seq=2, id="01936f3e-8a4b-7c2d-9e1f-0a1b2c3d4e60", action="UPDATE", category="customer",
        resource_type="Customer", resource_id="42", resource_name="Ada Lovelace", user_id="alice", username="Alice",
        user_email="alice@example.test", status="FAILURE", severity="CRITICAL", service_name="shop", service_version="1.2.3",
        method="PUT", path="/api/customers/42", route="/api/customers/{id}", query="?x=1", status_code=409,
        duration_ms=12.5, ip_address="203.0.113.7", user_agent="curl/8.5", request_id="req-1", trace_id="4bf92f3577b34da6",
        session_id="s-9", description="Änderung \u2603 of 42", error_code="E42", error_message="conflict",
        changes='[{"property":"Status","old":"Active","new":"Closed"},{"property":"Note","old":null,"new":1.50}]',
        old_values='{"status":"Active","limits":{"b":2,"a":[1,2e1,-0]}}', new_values='{"status":"Closed"}',
        metadata='{"tags_extra":true,"n":null}', tags='["SOX","GDPR"]', data_classification="confidential",
        stack_trace="Traceback (most recent call last):\n  File \"app.py\", line 7, in <module>\nValueError: bad")),
    ("json spelling does not matter", dict(
        BASE, seq=3, old_values='{ "b" : 100, "a" : "x", "a" : "\\u0079" }', tags='[ "GDPR" ]')),
    ("same as above, as jsonb would answer it", dict(
        BASE, seq=3, old_values='{"a": "y", "b": 1e2}', tags='["GDPR"]')),
    ("erased personal fields", dict(
        BASE, seq=4, salt=None, user_id=None, ip_address=None,
        personal_digests="000c" + hashlib.sha256(bytes.fromhex(BASE["salt"]) + u16(12) + b"alice").hexdigest()
        + "0019" + hashlib.sha256(bytes.fromhex(BASE["salt"]) + u16(25) + b"203.0.113.7").hexdigest())),
    ("before erasure (same bytes as above)", dict(BASE, seq=4, user_id="alice", ip_address="203.0.113.7")),
    ("non-object values read as none", dict(BASE, seq=5, metadata='[1,2]', new_values='"text"')),
]


def main():
    previous = GENESIS
    out = []
    for name, e in VECTORS:
        canonical = encode(e)
        h = hashlib.sha256(previous + canonical).digest()
        out.append({"name": name, "previous_hash": previous.hex(), "event": e, "canonical": canonical.hex(), "hash": h.hex()})
        previous = h
    print(json.dumps({"version": VERSION, "note": "Produced by generate.py from docs/integrity.md; each hash links after the previous vector's.", "vectors": out}, indent=2, ensure_ascii=False))


main()
