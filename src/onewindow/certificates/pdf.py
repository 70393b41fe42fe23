"""Signed PDFs (PAdES baseline, pyHanko): a certificate rendered as a document with its verification QR
code and the department's visible seal, signed with the department's signing certificate.

The demo makes its own certificate authority with `cryptography`: a root ("OneWindow DEMO root CA —
not a real authority") and one ECDSA P-256 signing certificate per department, in the key folder.
Production puts a real CA's certificates (and the keys, in PKCS#12 or an HSM) there instead; see
docs/certificates.md.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from . import signing

DEMO_ORGANISATION = "OneWindow DEMO CA (not a real authority)"
ROOT = "ca-root"
SEAL_FIELD = "DepartmentSeal"


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _paths(stem: str) -> tuple[Path, Path]:
    folder = signing.key_dir()
    return folder / f"{stem}.key.pem", folder / f"{stem}.cert.pem"


def _write(stem: str, key, certificate: x509.Certificate) -> None:
    key_path, cert_path = _paths(stem)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signing.write_private(key_path.name.removesuffix(".pem"), "pem", pem)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def root_certificate() -> x509.Certificate:
    """The demo root CA (made once)."""
    key_path, cert_path = _paths(ROOT)
    if not cert_path.is_file():
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(_name("OneWindow DEMO root CA"))
            .issuer_name(_name("OneWindow DEMO root CA"))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
            )
            .sign(key, hashes.SHA256())
        )
        _write(ROOT, key, certificate)
    return x509.load_pem_x509_certificate(cert_path.read_bytes())


def department_certificate(code: str, name: str) -> tuple[Path, Path]:
    """The department's signing certificate, issued by the demo root (made once); its key and cert files."""
    key_path, cert_path = _paths(f"ca-{code}")
    if not cert_path.is_file():
        root = root_certificate()
        root_key = serialization.load_pem_private_key(_paths(ROOT)[0].read_bytes(), password=None)
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(_name(f"{name} ({code})"))
            .issuer_name(root.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=825))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
            )
            .sign(root_key, hashes.SHA256())
        )
        _write(f"ca-{code}", key, certificate)
    return key_path, cert_path


def _seal_image(name: str):
    """A round red seal with the department's name, as the signature's visible appearance."""
    from PIL import Image, ImageDraw

    size = 240
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), outline=(200, 16, 46, 255), width=10)
    draw.regular_polygon((size / 2, size / 2, 36), 5, rotation=90, fill=(200, 16, 46, 255))
    return image


def sign_pdf(pdf: bytes, code: str, name: str, reason: str, box=(400, 170, 540, 250)) -> bytes:
    """`pdf` signed by the department (PAdES baseline B, signing time included), with a visible seal
    above the QR codes of the documents (their lower right corner)."""
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    key_path, cert_path = department_certificate(code, name)
    signer = signers.SimpleSigner.load(str(key_path), str(cert_path), ca_chain_files=(str(_paths(ROOT)[1]),))
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD, subfilter=fields.SigSeedSubFilter.PADES, reason=reason, location=name
    )
    style = TextStampStyle(stamp_text="%(signer)s\n%(ts)s", background=PdfImage(_seal_image(name)))
    pdf_signer = signers.PdfSigner(
        meta, signer, stamp_style=style, new_field_spec=fields.SigFieldSpec(SEAL_FIELD, box=box)
    )
    return pdf_signer.sign_pdf(writer).getvalue()


@dataclass(frozen=True)
class PdfVerdict:
    ok: bool
    message: str
    signer: str = ""
    identifier: str = ""


def verify_pdf(data: bytes, trust_roots: list[x509.Certificate] | None = None, status_of=None) -> PdfVerdict:
    """Valid, or what is wrong: not signed, modified after signing, an unknown signer, a revoked
    certificate (`status_of(identifier)` tells, when given)."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:  # pyHanko raises many kinds for a damaged file
        return PdfVerdict(False, f"not a readable PDF ({type(error).__name__})")
    if not signatures:
        return PdfVerdict(False, "the PDF is not signed")
    roots = trust_roots if trust_roots is not None else [root_certificate()]
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(r.public_bytes(serialization.Encoding.DER)) for r in roots]
    )
    try:
        status = validate_pdf_signature(signatures[-1], context)
    except Exception as error:
        return PdfVerdict(False, f"the signature cannot be checked ({type(error).__name__})")
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    if not status.intact:
        return PdfVerdict(False, "modified after signing: the signed bytes changed", signer)
    if status.coverage is None or status.coverage.name != "ENTIRE_FILE":
        return PdfVerdict(False, "modified after signing: content was added after the signature", signer)
    if not status.trusted:
        return PdfVerdict(
            False, "unknown signer: the signing certificate does not chain to a trusted root", signer
        )
    identifier = _identifier(reader)
    if identifier and status_of is not None and status_of(identifier) != "valid":
        return PdfVerdict(
            False, f"the certificate {identifier} is {status_of(identifier)}", signer, identifier
        )
    return PdfVerdict(True, "valid", signer, identifier)


def _identifier(reader) -> str:
    info = reader.trailer_view.get("/Info")
    try:
        return str(info.get_object().get("/Subject", "")) if info else ""
    except Exception:
        return ""


def certificate_pdf(certificate, verify_url: str) -> bytes:
    """The certificate as a signed PDF: its fields, the verification QR code, the issuer's seal."""
    from onewindow.cases.documents import document_pdf

    lines = [
        ("证照标识", certificate.identifier),
        ("持证主体", certificate.holder_name),
        ("证件号码", certificate.masked_holder_id),
        ("发证机关", certificate.issuer.name),
        ("签发日期", certificate.issued_at.date().isoformat()),
        ("有效期", f"{certificate.valid_from} – {certificate.valid_until or '长期'}"),
        *((str(k), str(v)) for k, v in certificate.surface.items()),
    ]
    pdf = document_pdf(certificate.certificate_type.name, lines, verify_url, "扫码核验证照真伪与状态", True)
    pdf = _with_subject(pdf, certificate.identifier)
    return sign_pdf(pdf, certificate.issuer.code, certificate.issuer.name, "电子证照签发")


def _with_subject(pdf: bytes, subject: str) -> bytes:
    """The document's /Subject names the certificate, so that a verifier can look its status up."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({"/Subject": subject})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
