"""Shared foundation of the PharmaConnect services."""
