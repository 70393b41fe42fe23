"""Standard Webhooks signatures, checked against the specification's published test vector."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onewindow.integrations import signing

# The vector of the Standard Webhooks reference libraries (libraries/*/tests, "sign function").
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = '{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def vector_headers(signature=VECTOR_SIGNATURE, timestamp=VECTOR_TIMESTAMP):
    return {"webhook-id": VECTOR_ID, "webhook-timestamp": str(timestamp), "webhook-signature": signature}


def test_the_signature_matches_the_specifications_test_vector():
    assert signing.signature(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE
    # The secret works with and without its whsec_ prefix.
    bare = VECTOR_SECRET.removeprefix("whsec_")
    assert signing.signature(bare, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE


def test_the_vector_verifies_and_a_changed_byte_does_not():
    now = VECTOR_TIMESTAMP + 10
    assert signing.verify([VECTOR_SECRET], vector_headers(), VECTOR_BODY, now) == VECTOR_ID
    forged = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="  # the specification's "invalid signature"
    with pytest.raises(signing.VerificationError):
        signing.verify([VECTOR_SECRET], vector_headers(forged), VECTOR_BODY, now)
    with pytest.raises(signing.VerificationError):
        signing.verify([VECTOR_SECRET], vector_headers(), VECTOR_BODY.replace("2", "3"), now)


def test_one_valid_signature_among_several_is_enough():
    others = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
    header = vector_headers(f"{others} {VECTOR_SIGNATURE}")
    assert signing.verify([VECTOR_SECRET], header, VECTOR_BODY, VECTOR_TIMESTAMP) == VECTOR_ID


@pytest.mark.parametrize("drop", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_missing_header_fails(drop):
    headers = vector_headers()
    del headers[drop]
    with pytest.raises(signing.VerificationError):
        signing.verify([VECTOR_SECRET], headers, VECTOR_BODY, VECTOR_TIMESTAMP)


def test_timestamps_outside_five_minutes_fail_either_way():
    for skew in (-301, 301):
        with pytest.raises(signing.VerificationError, match="too old or too new"):
            signing.verify([VECTOR_SECRET], vector_headers(), VECTOR_BODY, VECTOR_TIMESTAMP + skew)
    with pytest.raises(signing.VerificationError, match="not a number"):
        signing.verify([VECTOR_SECRET], vector_headers(timestamp="hello"), VECTOR_BODY, VECTOR_TIMESTAMP)


@given(
    body=st.binary(max_size=300),
    msg_id=st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1),
)
def test_what_is_signed_with_either_secret_of_a_rotation_verifies_with_the_other_side_s_secret(body, msg_id):
    old, new = signing.new_secret(), signing.new_secret()
    headers = signing.headers([new, old], msg_id, 1_700_000_000, body)
    # A receiver still on the old secret, one already on the new, and one holding both all accept it.
    for known in ([old], [new], [old, new]):
        assert signing.verify(known, headers, body, 1_700_000_000) == msg_id
    with pytest.raises(signing.VerificationError):
        signing.verify([signing.new_secret()], headers, body, 1_700_000_000)


def test_new_secrets_are_24_random_bytes():
    secret = signing.new_secret()
    assert secret.startswith("whsec_") and len(signing.secret_bytes(secret)) == 24
    assert secret != signing.new_secret()
