"""Prefill from registers: one adapter interface (local and HTTP), signed and logged answers, a
timeout, each value's source carried into the case, and unfiled values discarded."""

import datetime as dt
import http.server
import threading
import time

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from onewindow.cases.models import Case
from onewindow.catalog.models import Bundle
from onewindow.catalog.selectors import bundle_items
from onewindow.certificates import signing
from onewindow.core.errors import InvalidInput
from onewindow.core.models import User
from onewindow.ops.demo import DEMO_CITIZEN_ID, load_demo_registers
from onewindow.shareddata import prefill, registers, services
from onewindow.shareddata.models import DataSource, Prefill, Register, RegisterQuery

YEARS = {"register": "social_insurance", "field": "pension_years", "at_least": [[15, "enough"], [0, "short"]]}


@given(st.floats(min_value=0, max_value=80, allow_nan=False))
def test_thresholds_give_the_first_option_reached(years):
    assert prefill.answer_from(YEARS, {"pension_years": years}, ("enough", "short")) == (
        "enough" if years >= 15 else "short"
    )


def test_a_value_answers_only_with_an_option_of_the_question():
    spec = {"register": "social_insurance", "field": "insured_as"}
    assert prefill.answer_from(spec, {"insured_as": "employee"}, ("employee", "flexible")) == "employee"
    assert prefill.answer_from(spec, {"insured_as": "farmer"}, ("employee", "flexible")) is None
    assert prefill.answer_from(spec, {}, ("employee",)) is None
    assert prefill.answer_from(YEARS, {"pension_years": "many"}, ("enough", "short")) is None
    assert prefill.answer_from(None, {"x": 1}, ("a",)) is None


def retirement_questions():
    items = bundle_items(Bundle.objects.get(code="retirement"))
    return [q for item in items.values() for q in item.questions.all()]


def user(name):
    return User.objects.get(username=name)


@pytest.fixture
def local_registers(demo, today):
    load_demo_registers()


@pytest.mark.django_db
def test_the_registers_answer_the_questions_with_their_sources_and_the_case_keeps_them(local_registers):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user("citizen"))
    page = client.post("/prefill/bundle/retirement/").content.decode()
    assert "社会保险参保缴费记录" in page and "李明" in page
    found = Prefill.objects.get()
    assert {k: v["value"] for k, v in found.values["answers"].items()} == {
        "insured_as": "employee", "other_province": "none", "years": "enough", "medical_years": "enough",
    }  # fmt: skip
    queries = RegisterQuery.objects.all()
    assert {(q.register.code, q.outcome) for q in queries} == {
        ("population", "answered"), ("social_insurance", "answered"), ("enterprise", "not_found"),
    }  # fmt: skip
    assert all(len(q.fingerprint) == 64 and q.purpose == "prefill bundle retirement" for q in queries)

    guide = client.get(f"/bundles/retirement/guide/?a.insured_as=employee&prefill={found.token}")
    assert f'name="prefill" value="{found.token}"' in guide.content.decode()
    answers = {k: v["value"] for k, v in found.values["answers"].items()} | {"retire_type": "normal"}
    query = "&".join(f"a.{k}={v}" for k, v in answers.items()) + f"&prefill={found.token}"
    form = client.get(f"/bundles/retirement/apply/?{query}").content.decode()
    assert 'value="李明"' in form and "Filled in from records" in form
    filed = client.post(f"/bundles/retirement/apply/?{query}", {
        "name": "李明", "id_type": "resident_id", "id_number": DEMO_CITIZEN_ID, "channel": "online",
    })  # fmt: skip
    assert filed.status_code == 302
    pension = Case.objects.get(item__code="RS-001")
    sources = {row.field: row.source for row in DataSource.objects.filter(case=pension)}
    assert sources["answers.years"] == "社会保险参保缴费记录 (pension_years)"
    assert sources["applicant.name"] == "人口库（户籍登记） (name)"
    assert sources["answers.retire_type"] == "typed by the applicant"
    assert not Prefill.objects.exists()  # moved into the case
    reviewer = Client(HTTP_ACCEPT_LANGUAGE="en")
    reviewer.force_login(user("reviewer-rsj"))
    assert "Where the data came from" in reviewer.get(f"/cases/{pension.pk}/").content.decode()


class SlowHandler(http.server.BaseHTTPRequestHandler):
    delay, body = 0.0, b""

    def do_GET(self):
        time.sleep(self.delay)
        try:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(self.body)
        except BrokenPipeError:
            pass  # the platform stopped waiting (the timeout under test)

    def log_message(self, *args):
        pass


@pytest.fixture
def register_service():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SlowHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.mark.django_db
def test_an_http_register_answers_signed_and_a_slow_one_times_out(
    local_registers, register_service, settings
):
    kid, public = signing.new_key("register-test")
    register = Register.objects.get(code="social_insurance")
    register.kind, register.url = (
        Register.Kind.HTTP,
        f"http://127.0.0.1:{register_service.server_port}/answer",
    )
    register.public_jwk, register.timeout_seconds = public, 0.5
    register.save()
    document = {"register": "social_insurance", "subject": DEMO_CITIZEN_ID, "found": True,
                "values": {"pension_years": 9}, "purpose": "p", "caller": "citizen"}  # fmt: skip
    SlowHandler.delay, SlowHandler.body = 0.0, signing.sign(document, kid, "Ed25519").encode()
    answer = registers.lookup(register, DEMO_CITIZEN_ID, "p", user("citizen"))
    assert answer.values == {"pension_years": 9}

    SlowHandler.body = signing.sign(dict(document, values={"pension_years": 40}), *signing.new_key("x")[:1],
                                    "Ed25519").encode()  # fmt: skip
    with pytest.raises(registers.RegisterUnavailable, match="does not verify"):
        registers.lookup(register, DEMO_CITIZEN_ID, "p", user("citizen"))

    SlowHandler.delay = 2.0
    started = time.monotonic()
    found = services.start_prefill(user("citizen"), "", retirement_questions(), "prefill bundle retirement")
    assert time.monotonic() - started < 1.9
    assert [u["register"] for u in found.values["unavailable"]] == ["social_insurance"]
    assert "years" not in found.values["answers"] and found.values["applicant"]["name"]["value"] == "李明"
    logged = RegisterQuery.objects.filter(register=register).order_by("id").last()
    assert logged.outcome == "unavailable" and "did not answer" in logged.problem


@pytest.mark.django_db
def test_the_window_asks_about_the_person_present_and_bad_ids_name_the_field(local_registers):
    with pytest.raises(InvalidInput) as bad:
        services.start_prefill(user("clerk"), "110105194912310021", retirement_questions(), "p")
    assert bad.value.errors[0].field == "id_number"
    found = services.start_prefill(user("clerk"), DEMO_CITIZEN_ID, retirement_questions(), "p")
    assert found.holder_id == DEMO_CITIZEN_ID and found.values["answers"]["years"]["value"] == "enough"


@pytest.mark.django_db
def test_unfiled_prefills_are_discarded_after_the_set_hours(local_registers, today):
    kept = services.start_prefill(user("citizen"), "", retirement_questions(), "p")
    old = services.start_prefill(user("citizen"), "", retirement_questions(), "p")
    Prefill.objects.filter(pk=old.pk).update(created_at=old.created_at - dt.timedelta(hours=25))
    assert services.discard_prefills() == 1
    assert list(Prefill.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.django_db
def test_certificates_answer_too_and_give_the_name_when_the_registers_cannot(local_registers):
    from onewindow.catalog.models import Department, Question
    from onewindow.certificates import services as certificate_services
    from onewindow.certificates.models import CertificateType

    CertificateType.objects.create(
        code="SI_CARD", name="社会保障卡", department=Department.objects.get(code="rsj"),
        holder_kind="person",
        fields_schema={"type": "object", "properties": {"insured_as": {"type": "string"}}, "required": []},
    )  # fmt: skip
    card = certificate_services.issue(
        certificate_services.Issuance("SI_CARD", DEMO_CITIZEN_ID, "李明", {"insured_as": "flexible"})
    )
    Question.objects.filter(item__code="RS-001", code="insured_as").update(
        prefill={"certificate": "SI_CARD", "field": "insured_as"}
    )
    Register.objects.update(active=False)  # every register down for maintenance
    found = services.start_prefill(user("citizen"), "", retirement_questions(), "p")
    assert found.values["answers"] == {
        "insured_as": {"value": "flexible", "source": "社会保障卡", "register": "", "field": "insured_as",
                       "reference": card.identifier},
    }  # fmt: skip
    assert found.values["applicant"]["name"] == {
        "value": "李明", "source": "社会保障卡", "register": "", "field": "holder",
        "reference": card.identifier,
    }  # fmt: skip
