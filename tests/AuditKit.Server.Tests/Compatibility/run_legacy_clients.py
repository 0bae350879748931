"""Runs the Python clients of the audit service AuditKit replaces, unchanged, against an AuditKit server.

The clients' modules (audit_client.py: httpx, async; audit_client_sync.py: requests) are imported as written.
The one thing they lack is authentication: AuditKit needs an API key, and ingest and read are separate roles, so
the HTTP clients they create are given an Authorization header here, from the key of the step being run.

usage: python3 run_legacy_clients.py BASE_URL INGEST_KEY READ_KEY
Prints one JSON object with what the clients got back; exits non-zero when a client call fails.
"""
import asyncio
import contextvars
import json
import sys
from datetime import datetime, timedelta, timezone

import httpx
import requests

_api_key = contextvars.ContextVar("api_key")

_AsyncClient = httpx.AsyncClient


class _AuthenticatedAsyncClient(_AsyncClient):
    def __init__(self, *args, **kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        headers["Authorization"] = f"Bearer {_api_key.get()}"
        super().__init__(*args, headers=headers, **kwargs)


httpx.AsyncClient = _AuthenticatedAsyncClient

_session_init = requests.Session.__init__


def _authenticated_session_init(self, *args, **kwargs):
    _session_init(self, *args, **kwargs)
    self.headers["Authorization"] = f"Bearer {_api_key.get()}"


requests.Session.__init__ = _authenticated_session_init

import audit_client  # noqa: E402  (after the header is in place)
import audit_client_sync  # noqa: E402
from audit_client import AuditClient, AuditLogType  # noqa: E402


async def main(base_url, ingest_key, read_key):
    client = AuditClient(base_url, raise_on_error=True)
    result = {}

    _api_key.set(ingest_key)
    created = await client.create_log(
        user_id="emp-7",
        action="created",
        log_type=AuditLogType.LEAVE_REQUEST,
        entity_type="LeaveRequest",
        entity_id="42",
        service_name="leave-management-service",
        status="success",
        description="Leave request created for 3 days starting 2025-03-03",
        new_values={"employee_id": 7, "start_date": "2025-03-03", "end_date": "2025-03-05", "days": 3, "status": "pending", "reason": "holiday"},
        ip_address="192.0.2.10",
        user_agent="leave-service/1.0",
        request_id="req-1",
    )
    updated = await client.create_log(
        user_id="emp-7",
        action="updated",
        log_type=AuditLogType.LEAVE_REQUEST,
        entity_type="LeaveRequest",
        entity_id="42",
        service_name="leave-management-service",
        status="success",
        description="Leave request 42 updated",
        old_values={"status": "pending"},
        new_values={"status": "approved"},
    )
    failed = await client.create_log(
        user_id="emp-7",
        action="create_failed",
        log_type=AuditLogType.LEAVE_REQUEST,
        entity_type="LeaveRequest",
        entity_id="unknown",
        service_name="leave-management-service",
        status="failure",
        description="Failed to create leave request",
        error_message="database is down",
    )
    attendance = await client.create_log(
        user_id="emp-7",
        action="clock_in",
        log_type=AuditLogType.ATTENDANCE,
        entity_type="Attendance",
        entity_id="a-1",
        service_name="attendance-service",
    )
    sync_client = audit_client_sync.AuditClient(base_url)
    deleted = sync_client.create_log(
        "emp-8", "deleted", "leave_request", "LeaveRequest", "43", "leave-management-service",
        status="success", old_values={"id": 43, "status": "approved", "days": 2},
    )
    result["created"] = [created, updated, failed, attendance, deleted]

    _api_key.set(read_key)
    result["user_page"] = await client.get_user_logs("emp-7", limit=2, offset=0)
    result["user_leave"] = await client.get_user_logs("emp-7", limit=10, offset=0, log_type=AuditLogType.LEAVE_REQUEST)
    now = datetime.now(timezone.utc)
    result["by_type"] = await client.get_logs_by_type(AuditLogType.LEAVE_REQUEST, limit=10, offset=0, start_date=now - timedelta(hours=1), end_date=now + timedelta(hours=1))
    result["by_type_naive"] = await client.get_logs_by_type(AuditLogType.LEAVE_REQUEST, limit=1, offset=1, start_date=datetime.utcnow() - timedelta(hours=1))
    result["by_type_future"] = await client.get_logs_by_type(AuditLogType.LEAVE_REQUEST, start_date=now + timedelta(hours=1))
    result["by_id"] = await client.get_log_by_id(created["id"])
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
