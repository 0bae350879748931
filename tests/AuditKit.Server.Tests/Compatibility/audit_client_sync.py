# audit_client_sync.py
import requests
import json
import logging
from typing import Optional, Dict, Any
from enum import Enum

logger = logging.getLogger(__name__)


class AuditClient:
    """Synchronous client for Audit Service"""

    def __init__(
        self,
        base_url: str,
        timeout: float = 5.0,
        retries: int = 3,
    ):
        self.base_url = base_url
        self.timeout = timeout
        self.retries = retries

    def create_log(
        self,
        user_id: str,
        action: str,
        log_type: str,
        entity_type: str,
        entity_id: str,
        service_name: str,
        **kwargs
    ) -> Optional[Dict[str, Any]]:
        """Create an audit log entry"""
        
        payload = {
            "user_id": user_id,
            "action": action,
            "log_type": log_type,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "service_name": service_name,
            **kwargs
        }

        # JSON encode complex fields
        if "old_values" in payload and isinstance(payload["old_values"], dict):
            payload["old_values"] = json.dumps(payload["old_values"])
        if "new_values" in payload and isinstance(payload["new_values"], dict):
            payload["new_values"] = json.dumps(payload["new_values"])

        for attempt in range(self.retries):
            try:
                response = requests.post(
                    f"{self.base_url}/audit-logs",
                    json=payload,
                    timeout=self.timeout,
                )
                response.raise_for_status()
                logger.info(f"Audit log created: {action}")
                return response.json()
            except requests.Timeout:
                logger.warning(f"Audit log timeout (attempt {attempt + 1})")
            except requests.RequestException as e:
                logger.error(f"Audit log request error: {str(e)}")

        return None
