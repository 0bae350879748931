# audit_client.py
import httpx
import json
import logging
from typing import Optional, Dict, Any, List
from datetime import datetime
from enum import Enum
from contextlib import asynccontextmanager

logger = logging.getLogger(__name__)


class AuditLogType(str, Enum):
    """Audit log type enumeration matching the backend"""
    LEAVE_REQUEST = "leave_request"
    LEAVE_APPROVAL = "leave_approval"
    ATTENDANCE = "attendance"
    PAYROLL = "payroll"
    EMPLOYEE_UPDATE = "employee_update"
    EMPLOYEE_CREATE = "employee_create"
    EMPLOYEE_DELETE = "employee_delete"
    POLICY_UPDATE = "policy_update"
    POLICY_CREATE = "policy_create"
    POLICY_DELETE = "policy_delete"
    DOCUMENT_UPLOAD = "document_upload"
    DOCUMENT_DELETE = "document_delete"
    ROLE_ASSIGNMENT = "role_assignment"
    PERMISSION_CHANGE = "permission_change"
    LOGIN = "login"
    LOGOUT = "logout"
    EXPORT = "export"
    IMPORT = "import"
    OTHER = "other"


class AuditClient:
    """
    AsyncIO-based client for Audit Service.
    Handles all audit logging operations with retry logic and error handling.
    """

    def __init__(
        self,
        base_url: str,
        timeout: float = 5.0,
        retries: int = 3,
        raise_on_error: bool = False,
    ):
        """
        Initialize the Audit Client.

        Args:
            base_url: Base URL of Audit Service
            timeout: Request timeout in seconds
            retries: Number of retry attempts
            raise_on_error: Whether to raise exceptions on audit failures
        """
        self.base_url = base_url
        self.timeout = timeout
        self.retries = retries
        self.raise_on_error = raise_on_error

    @asynccontextmanager
    async def _get_client(self):
        """Context manager for HTTP client"""
        async with httpx.AsyncClient(
            base_url=self.base_url,
            timeout=self.timeout,
            follow_redirects=True,
        ) as client:
            yield client

    async def create_log(
        self,
        user_id: str,
        action: str,
        log_type: AuditLogType,
        entity_type: str,
        entity_id: str,
        service_name: str,
        status: str = "success",
        description: Optional[str] = None,
        old_values: Optional[Dict[str, Any]] = None,
        new_values: Optional[Dict[str, Any]] = None,
        ip_address: Optional[str] = None,
        user_agent: Optional[str] = None,
        request_id: Optional[str] = None,
        error_message: Optional[str] = None,
    ) -> Optional[Dict[str, Any]]:
        """
        Create an audit log entry in the Audit Service.

        Args:
            user_id: ID of the user performing the action
            action: Action name (e.g., "created", "updated", "deleted")
            log_type: Category of audit log
            entity_type: Type of entity affected (e.g., "LeaveRequest")
            entity_id: ID of the entity affected
            service_name: Name of the calling service
            status: "success" or "failure"
            description: Human-readable description
            old_values: Previous state (dict)
            new_values: New state (dict)
            ip_address: Client IP address
            user_agent: Client user agent string
            request_id: Request ID for correlation
            error_message: Error details if status is "failure"

        Returns:
            Created audit log dict, or None if failed
        """
        payload = {
            "user_id": user_id,
            "action": action,
            "log_type": log_type.value if isinstance(log_type, AuditLogType) else log_type,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "service_name": service_name,
            "status": status,
            "description": description,
            "old_values": json.dumps(old_values) if old_values else None,
            "new_values": json.dumps(new_values) if new_values else None,
            "ip_address": ip_address,
            "user_agent": user_agent,
            "request_id": request_id,
            "error_message": error_message,
        }

        # Remove None values
        payload = {k: v for k, v in payload.items() if v is not None}

        for attempt in range(self.retries):
            try:
                async with self._get_client() as client:
                    response = await client.post("/audit-logs", json=payload)
                    response.raise_for_status()
                    logger.info(f"Audit log created: {action} on {entity_type}")
                    return response.json()
            except httpx.TimeoutException:
                logger.warning(
                    f"Audit log timeout (attempt {attempt + 1}/{self.retries}): {action}"
                )
                if attempt == self.retries - 1 and self.raise_on_error:
                    raise
            except httpx.HTTPError as e:
                logger.error(f"Audit log HTTP error: {str(e)}")
                if attempt == self.retries - 1 and self.raise_on_error:
                    raise
            except Exception as e:
                logger.error(f"Unexpected error creating audit log: {str(e)}")
                if attempt == self.retries - 1 and self.raise_on_error:
                    raise

        return None

    async def get_user_logs(
        self,
        user_id: str,
        limit: int = 100,
        offset: int = 0,
        log_type: Optional[AuditLogType] = None,
    ) -> Optional[Dict[str, Any]]:
        """
        Retrieve audit logs for a specific user.

        Args:
            user_id: User ID to query
            limit: Maximum records to return
            offset: Number of records to skip
            log_type: Filter by log type (optional)

        Returns:
            Paginated list of audit logs
        """
        try:
            params = {
                "limit": min(limit, 1000),
                "offset": offset,
            }
            if log_type:
                params["log_type"] = log_type.value if isinstance(log_type, AuditLogType) else log_type

            async with self._get_client() as client:
                response = await client.get(
                    f"/audit-logs/user/{user_id}",
                    params=params,
                )
                response.raise_for_status()
                return response.json()
        except Exception as e:
            logger.error(f"Failed to get user logs: {str(e)}")
            if self.raise_on_error:
                raise
            return None

    async def get_logs_by_type(
        self,
        log_type: AuditLogType,
        limit: int = 100,
        offset: int = 0,
        start_date: Optional[datetime] = None,
        end_date: Optional[datetime] = None,
    ) -> Optional[Dict[str, Any]]:
        """
        Retrieve audit logs by type.

        Args:
            log_type: Type of logs to retrieve
            limit: Maximum records to return
            offset: Number of records to skip
            start_date: Start date filter
            end_date: End date filter

        Returns:
            Paginated list of audit logs
        """
        try:
            params = {
                "limit": min(limit, 1000),
                "offset": offset,
            }
            if start_date:
                params["start_date"] = start_date.isoformat()
            if end_date:
                params["end_date"] = end_date.isoformat()

            async with self._get_client() as client:
                response = await client.get(
                    f"/audit-logs/type/{log_type.value}",
                    params=params,
                )
                response.raise_for_status()
                return response.json()
        except Exception as e:
            logger.error(f"Failed to get logs by type: {str(e)}")
            if self.raise_on_error:
                raise
            return None

    async def get_log_by_id(self, audit_id: int) -> Optional[Dict[str, Any]]:
        """Get a specific audit log by ID"""
        try:
            async with self._get_client() as client:
                response = await client.get(f"/audit-logs/{audit_id}")
                response.raise_for_status()
                return response.json()
        except Exception as e:
            logger.error(f"Failed to get audit log {audit_id}: {str(e)}")
            if self.raise_on_error:
                raise
            return None


# Global instance
_audit_client: Optional[AuditClient] = None


def get_audit_client(
    base_url: str = None,
    timeout: float = 5.0,
    retries: int = 3,
) -> AuditClient:
    """Get or create the global audit client instance"""
    global _audit_client
    if _audit_client is None:
        from app.core.config import settings
        _audit_client = AuditClient(
            base_url=base_url or settings.AUDIT_SERVICE_URL,
            timeout=timeout,
            retries=retries,
        )
    return _audit_client
