"""Every endpoint declares the scope a client token needs."""

from common.testing import api_views_without_scopes


def test_every_endpoint_declares_its_scopes():
    assert api_views_without_scopes() == []
