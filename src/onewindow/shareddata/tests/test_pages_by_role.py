"""Each role reaches only the data-instead-of-paper and cross-region pages meant for it."""

import pytest
from django.test import Client

from onewindow.core.models import User

PAGES = {
    "/my/shared-data/": {"citizen": 200, "clerk": 404, "reviewer-rsj": 404, "supervisor": 404},
    "/verifications/": {"citizen": 404, "clerk": 404, "reviewer-rsj": 200, "supervisor": 200},
    "/verifications/report/": {"citizen": 404, "clerk": 404, "reviewer-rsj": 200, "supervisor": 200},
    "/prefill/bundle/retirement/": {"citizen": 200, "clerk": 200, "reviewer-rsj": 404, "supervisor": 404},
    "/cross-region/": {"citizen": 404, "clerk": 200, "reviewer-rsj": 404, "supervisor": 200},
    "/cross-region/outbox/": {"citizen": 404, "clerk": 404, "reviewer-rsj": 404, "supervisor": 200},
}


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(PAGES))
def test_pages_by_role(demo, path):
    found = {}
    for username in PAGES[path]:
        client = Client()
        client.force_login(User.objects.get(username=username))
        found[username] = client.get(path).status_code
    assert found == PAGES[path]
    assert Client().get(path).status_code == 302  # to the login page
