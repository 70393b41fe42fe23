"""Mutual recognition between two regions: two instances (two data folders, two ports). Region B
refuses a certificate issued by region A until it imports A's trust list, confirmed by its key's
fingerprint; then it verifies it and names its origin."""

import json
import urllib.request

import pytest

from ..instances import region_instance


def verify(instance, token):
    request = urllib.request.Request(
        f"{instance.url}/api/v1/verify", data=json.dumps({"jws": token}).encode(),
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def regions(tmp_path_factory):
    made = [region_instance(tmp_path_factory, name) for name in ("region-a", "region-b")]
    for instance, _drop in made:
        instance.start()
    yield [instance for instance, _drop in made]
    for instance, drop in made:
        instance.kill()
        if drop:
            drop()


def test_region_b_verifies_region_a_certificates_only_after_importing_its_confirmed_list(regions):
    a, b = regions
    token = a.query(
        "from onewindow.certificates.models import Certificate; "
        "print(json.dumps(Certificate.objects.filter(certificate_type__code='BUSINESS_LICENCE').first().jws))"
    )
    assert verify(a, token)["status"] == "valid"
    refused = verify(b, token)
    assert refused["status"] == "unknown" and "unknown key" in refused["problem"]

    offered = b.run("certs", "trust-list", "import", a.url)  # shows the fingerprint, imports nothing
    fingerprint = offered.split("fingerprint ")[1].split(".")[0]
    assert verify(b, token)["status"] == "unknown"
    with pytest.raises(AssertionError):
        b.run("certs", "trust-list", "import", a.url, "--confirm", "0" * 64)
    assert "imported the trust list of region-a" in b.run(
        "certs", "trust-list", "import", a.url, "--confirm", fingerprint
    )

    accepted = verify(b, token)
    assert accepted["status"] == "valid" and accepted["origin"] == "region-a"
    assert accepted["type"] == "营业执照" and accepted["problem"] == ""
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert "does not match" in verify(b, forged)["problem"]
