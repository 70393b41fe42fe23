"""Keys and signatures: JWS (RFC 7515) over the canonical JSON (RFC 8785) of a document, with
Ed25519 (RFC 9864's "Ed25519" algorithm) or ES256; where the national algorithms are required, SM2
signatures over SM3 digests (GB/T 32918, GB/T 32905; the `gmssl` package) in the same compact form,
with the algorithm name "SM2SM3" (JOSE registers none for them). Private keys are PEM files in the key folder
(settings.CERTIFICATE_KEY_DIR, by default `var/keys`, mode 0600): never in the database.
Pure apart from reading and writing those files."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from pathlib import Path

import rfc8785
from django.conf import settings
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet, OKPKey

SM2 = "SM2SM3"
ALGORITHMS = {"Ed25519": ("OKP", "Ed25519"), "ES256": ("EC", "P-256"), SM2: ("EC", "SM2")}


class VerificationError(ValueError):
    """Why a signed document does not verify, in words for its reader."""


def canonical(document: dict) -> bytes:
    return rfc8785.dumps(document)


def fingerprint(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def key_dir() -> Path:
    return Path(settings.CERTIFICATE_KEY_DIR)


def new_key(owner: str, algorithm: str = "Ed25519") -> tuple[str, dict]:
    """A new key pair for `owner` (a department code, or "log"): the private half written to the key
    folder, the public half returned as a JWK with its key id."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}: one of {', '.join(ALGORITHMS)}")
    kid = f"{owner}-{secrets.token_hex(6)}"
    if algorithm == SM2:
        return kid, _new_sm2_key(kid)
    kty, curve = ALGORITHMS[algorithm]
    key = (OKPKey if kty == "OKP" else ECKey).generate_key(curve, parameters={"kid": kid})
    folder = key_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{kid}.pem"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(key.as_pem(private=True))
    public = key.as_dict(private=False)
    public.update(kid=kid, alg=algorithm, use="sig")
    return kid, public


def write_private(kid: str, suffix: str, content: bytes) -> None:
    folder = key_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(folder / f"{kid}.{suffix}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(content)


def _new_sm2_key(kid: str) -> dict:
    from gmssl import func, sm2

    private = func.random_hex(64)
    public = sm2.CryptSM2(private_key=private, public_key="")._kg(
        int(private, 16), sm2.default_ecc_table["g"]
    )
    write_private(kid, "sm2", private.encode())
    x, y = bytes.fromhex(public[:64]), bytes.fromhex(public[64:])
    return {"kty": "EC", "crv": "SM2", "x": _b64e(x), "y": _b64e(y), "kid": kid, "alg": SM2, "use": "sig"}


def _b64e(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _sm2_sign(kid: str, signing_input: bytes) -> bytes:
    from gmssl import sm2

    path = key_dir() / f"{kid}.sm2"
    if not path.is_file():
        raise VerificationError(f"the private key {kid} is not in {key_dir()}")
    private = path.read_text().strip()
    signer = sm2.CryptSM2(private_key=private, public_key="")
    signer.public_key = signer._kg(int(private, 16), sm2.default_ecc_table["g"])
    return bytes.fromhex(signer.sign_with_sm3(signing_input))


def _sm2_verify(jwk: dict, signing_input: bytes, signature: bytes) -> bool:
    from gmssl import sm2

    public = (b64decode(jwk["x"]) + b64decode(jwk["y"])).hex()
    try:
        return bool(
            sm2.CryptSM2(private_key="", public_key=public).verify_with_sm3(signature.hex(), signing_input)
        )
    except (ValueError, TypeError):
        return False


def _private_key(kid: str, algorithm: str):
    path = key_dir() / f"{kid}.pem"
    if not path.is_file():
        raise VerificationError(f"the private key {kid} is not in {key_dir()}")
    kty, _curve = ALGORITHMS[algorithm]
    return (OKPKey if kty == "OKP" else ECKey).import_key(path.read_bytes(), parameters={"kid": kid})


def sign(document: dict, kid: str, algorithm: str, typ: str = "onewindow-certificate+json") -> str:
    """A compact JWS over the document's canonical JSON."""
    header = {"alg": algorithm, "kid": kid, "typ": typ}
    if algorithm == SM2:
        signing_input = f"{_b64e(json.dumps(header).encode())}.{_b64e(canonical(document))}".encode()
        return f"{signing_input.decode()}.{_b64e(_sm2_sign(kid, signing_input))}"
    return jws.serialize_compact(
        header, canonical(document), _private_key(kid, algorithm), algorithms=[algorithm]
    )


def verify(token: str, public_keys: list[dict]) -> dict:
    """The document a JWS signs, if one of `public_keys` (JWKs) signed it; VerificationError saying
    what is wrong otherwise."""
    try:
        header = json.loads(b64decode(token.split(".")[0]))
    except (ValueError, IndexError):
        raise VerificationError("not a signed document (malformed JWS)") from None
    kid, algorithm = header.get("kid"), header.get("alg")
    if algorithm not in ALGORITHMS:
        raise VerificationError(f"unsupported signature algorithm {algorithm!r}")
    matching = [k for k in public_keys if k.get("kid") == kid]
    if not matching:
        raise VerificationError(f"signed with an unknown key ({kid})")
    if algorithm == SM2:
        head, payload, signature = token.split(".")
        if not any(_sm2_verify(k, f"{head}.{payload}".encode(), b64decode(signature)) for k in matching):
            raise VerificationError(f"the signature does not match the document (key {kid})")
        try:
            return json.loads(b64decode(payload))
        except ValueError:
            raise VerificationError("the signed content is not JSON") from None
    try:
        keys = KeySet([_import(k) for k in matching])
        signed = jws.deserialize_compact(token, keys, algorithms=[algorithm])
    except JoseError:
        raise VerificationError(f"the signature does not match the document (key {kid})") from None
    try:
        return json.loads(signed.payload)
    except ValueError:
        raise VerificationError("the signed content is not JSON") from None


def _import(jwk: dict):
    return (OKPKey if jwk.get("kty") == "OKP" else ECKey).import_key(jwk)


def b64decode(segment: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
