#!/usr/bin/env python3
"""Sends a known set of events to an AuditKit server (through the load balancer) and retries until each is stored.

Like the delivery pipeline, every event carries its own id from the start, so a batch sent again after a lost answer
(an instance killed mid-request, a 502 from the balancer, a reset connection) is stored once: the server answers the
events it already holds as duplicates. Writes the ids it sent, one a line, and prints one summary line:
    sent=<n> accepted=<n> duplicates=<n> rejected=<n> retries=<n> failed_batches=<n> seconds=<s>

    python3 send.py URL INGEST_KEY EVENTS BATCH SENDERS IDS_FILE [DAYS_AGO]

DAYS_AGO (default 0) dates the events that many days back (for the retention check). Standard library only.
"""
import datetime
import http.client
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

url, key, events, batch, senders, ids_file = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
days_ago = float(sys.argv[7]) if len(sys.argv) > 7 else 0.0
start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days_ago, minutes=30)

def uuid7(at):
    """A UUIDv7 whose time is the event's timestamp, as the server's id rule asks (docs/server.md, "Event ids")."""
    raw = bytearray(int(at.timestamp() * 1000).to_bytes(6, "big") + os.urandom(10))
    raw[6] = (raw[6] & 0x0F) | 0x70
    raw[8] = (raw[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(raw)))


def timestamp(i):
    return start + datetime.timedelta(milliseconds=i)


ids = [uuid7(timestamp(i)) for i in range(events)]
batches = [list(range(i, min(i + batch, events))) for i in range(0, events, batch)]
lock = threading.Lock()
totals = {"accepted": 0, "duplicates": 0, "rejected": 0, "retries": 0, "failed_batches": 0}
next_batch = [0]


def body(indexes):
    return json.dumps([{
        "id": ids[i],
        "timestamp": timestamp(i).isoformat(),
        "action": "UPDATE",
        "resource_type": "Order",
        "resource_id": f"o-{i % 5000}",
        "user_id": f"user-{i % 5000}",
        "severity": "LOW",
        "ip_address": f"10.1.{i % 250}.{(i // 250) % 250}",
        "description": f"multi-instance event {i}",
    } for i in indexes]).encode()


def send(indexes):
    data = body(indexes)
    for attempt in range(60):
        request = urllib.request.Request(url + "/api/v1/audit-logs/batch", data=data, method="POST", headers={
            "Authorization": "Bearer " + key, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                result = json.load(response)
            with lock:
                totals["accepted"] += result["accepted"]
                totals["duplicates"] += result["duplicates"]
                totals["rejected"] += result["rejected"]
            return
        except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError, OSError, ValueError):
            # A 5xx, a 429, a reset, an answer cut short or a timeout: the same events again (their ids make the retry safe).
            with lock:
                totals["retries"] += 1
            time.sleep(min(0.2 * (attempt + 1), 2.0))
    with lock:
        totals["failed_batches"] += 1


def sender():
    while True:
        with lock:
            index = next_batch[0]
            next_batch[0] += 1
        if index >= len(batches):
            return
        send(batches[index])


began = time.monotonic()
threads = [threading.Thread(target=sender) for _ in range(senders)]
for t in threads:
    t.start()
for t in threads:
    t.join()
with open(ids_file, "w", encoding="ascii") as f:
    f.write("\n".join(ids) + "\n")
print(f"sent={events} accepted={totals['accepted']} duplicates={totals['duplicates']} rejected={totals['rejected']} "
      f"retries={totals['retries']} failed_batches={totals['failed_batches']} seconds={time.monotonic() - began:.1f}")
