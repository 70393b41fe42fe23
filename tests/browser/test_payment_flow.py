"""A fee paid online in a real browser: the applicant presses *Pay online*, pays on the reference
gateway's page (its own process) and comes back to the case, paid, with the receipt."""

import pytest

from onewindow.catalog.models import ServiceItem
from onewindow.core.models import User
from onewindow.payments.models import Payment
from onewindow.payments.tests.conftest import paygate  # noqa: F401 (fixture)
from onewindow.payments.tests.test_payments import _file

from .test_case_flow import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# On SQLite the live server's threads share one in-memory connection: the notice comes later, so
# that the page coming back (which asks the gateway) does not write at the same moment.
@pytest.mark.parametrize("paygate", [{"notice_delay": 20}], indirect=True)
def test_the_applicant_pays_on_the_gateway_page_and_comes_back_paid(browser, live_server, demo, paygate):  # noqa: F811
    item = ServiceItem.objects.get(code="BDC-001", status="published")
    item.payment_stage = "filing"
    item.save()
    case = _file()
    citizen = signed_in(browser, live_server, "citizen", locale="en-US")
    citizen.goto(f"/cases/{case.pk}/")
    assert "Waiting for payment" in citizen.locator(".case-fee").inner_text()
    citizen.get_by_role("button", name="Pay online").click()
    citizen.wait_for_url(f"{paygate.url}/pay/**")
    assert "80" in citizen.locator("#amount").inner_text()
    citizen.get_by_role("button", name="Thanh toán (Pay)").click()
    citizen.wait_for_url(f"**/cases/{case.pk}/")
    assert "Paid. Your receipt is" in citizen.locator("body").inner_text()
    payment = Payment.objects.get(case=case)
    assert payment.status == "paid" and payment.receipt_number in citizen.locator(".case-fee").inner_text()
    assert User.objects.get(username="citizen").pk == case.applicant_user_id
