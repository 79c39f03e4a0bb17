"""Typed HTTP clients for calls between services, each behind its own circuit breaker."""

from common.clients.base import ServiceClient

__all__ = ["ServiceClient"]
