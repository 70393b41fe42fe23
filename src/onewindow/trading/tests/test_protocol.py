import pytest

from onewindow.trading import protocol

BODY = b'{"reference": "BH1"}'


def test_a_signed_message_verifies_and_anything_changed_does_not():
    private, public = protocol.new_key()
    assert protocol.public_of(private) == public
    headers = protocol.signed_headers(private, BODY, 1_000_000, "msg_1")
    assert protocol.verify(public, headers, BODY, 1_000_100) == "msg_1"
    with pytest.raises(protocol.SignatureRefused, match="no v1a signature"):
        protocol.verify(public, headers, BODY.replace(b"BH1", b"BH2"), 1_000_100)
    with pytest.raises(protocol.SignatureRefused, match="no v1a signature"):
        protocol.verify(public, headers | {"webhook-id": "msg_2"}, BODY, 1_000_100)
    with pytest.raises(protocol.SignatureRefused, match="no v1a signature"):
        protocol.verify(protocol.new_key()[1], headers, BODY, 1_000_100)


def test_old_and_future_timestamps_are_refused_unless_checking_a_stored_message():
    private, public = protocol.new_key()
    headers = protocol.signed_headers(private, BODY, 1_000_000)
    for now in (1_000_000 + 301, 1_000_000 - 301):
        with pytest.raises(protocol.SignatureRefused, match="too old or too new"):
            protocol.verify(public, headers, BODY, now)
    assert protocol.verify(public, headers, BODY, None)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"webhook-signature": ""}, "missing"),
        ({"webhook-timestamp": "soon"}, "not a number"),
        ({"webhook-signature": "v1,abc"}, "no v1a signature"),
        ({"webhook-signature": "v1a,!!!"}, "no v1a signature"),
    ],
)
def test_malformed_headers_are_refused_with_a_reason(change, reason):
    private, public = protocol.new_key()
    headers = protocol.signed_headers(private, BODY, 1_000_000) | change
    with pytest.raises(protocol.SignatureRefused, match=reason):
        protocol.verify(public, headers, BODY, 1_000_000)


def test_a_key_of_the_wrong_kind_is_refused():
    with pytest.raises(protocol.SignatureRefused, match="whpk_"):
        protocol.verify("whsk_AAAA", protocol.signed_headers(protocol.new_key()[0], BODY, 1), BODY, None)
