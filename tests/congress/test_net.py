"""The client's address: only what our own proxies appended is trusted."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from congress.net import client_address


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.2.3.4", "10.0.0.2"),  # no proxy configured: the header is the client's own words
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # the left entry was written by the client
        (2, "1.2.3.4, 172.16.0.9", "1.2.3.4"),
        (2, "172.16.0.9", "10.0.0.2"),  # fewer entries than proxies: do not guess
        (1, "", "10.0.0.2"),
    ],
)
def test_client_address(settings, proxies, forwarded, expected):
    settings.LVZHI_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
