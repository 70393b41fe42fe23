import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "E-certificates: `verify FILE --keys JWKS` checks a downloaded signed certificate offline against "
        "published keys (no database); `audit --url URL` checks another platform's transparency log; `keys` "
        "prints the JWK set; `rotate DEPARTMENT` makes a new key."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="check a downloaded certificate against published keys")
        verify.add_argument("file", help="a certificate downloaded as JSON (with its jws), or a bare JWS")
        verify.add_argument(
            "--keys", required=True, help="the issuer's JWK set (JSON from /api/v1/certificates/keys)"
        )
        verify_pdf = sub.add_parser("verify-pdf", help="check a signed PDF: intact, trusted signer, status")
        verify_pdf.add_argument("file")
        verify_pdf.add_argument(
            "--root", action="append", help="a trusted root certificate (PEM); default ours"
        )
        trust = sub.add_parser("trust-list", help="export ours, or import another region's trust list")
        trust.add_argument("direction", choices=["export", "import"])
        trust.add_argument(
            "source", help="export: the file to write; import: a file or the other platform's URL"
        )
        trust.add_argument(
            "--confirm", default="", help="import: the fingerprint confirmed with the other region"
        )
        keys = sub.add_parser("keys", help="the JWK set of the public keys, as JSON")
        keys.add_argument("--owner", help="one department's code, or log")
        audit = sub.add_parser("audit", help="check another platform's transparency log from outside")
        source = audit.add_mutually_exclusive_group(required=True)
        source.add_argument("--url", help="the platform's address, e.g. https://region-a.example")
        source.add_argument("--file", help="a log exported with `certs log-export` (no network needed)")
        export = sub.add_parser("log-export", help="the signed head, entries and log key, as one JSON file")
        export.add_argument("file")
        audit.add_argument(
            "--log-key", help="the log's JWK set to trust (pinned); default: fetched once and pinned"
        )
        audit.add_argument("--state", help="file keeping the last tree head seen (checked for consistency)")
        audit.add_argument("--sample", type=int, default=100, help="entries checked besides the new ones")
        load = sub.add_parser("import", help="issue paper-era certificates from CSV or XLSX, all or nothing")
        load.add_argument("file", help="columns: type, holder_id, holder_name, [valid_from], surface fields")
        rotate = sub.add_parser("rotate", help="retire a department's key and make a new one")
        rotate.add_argument("department")
        rotate.add_argument("--algorithm", default="Ed25519", choices=["Ed25519", "ES256", "SM2SM3"])

    def handle(self, *args, action, **options):
        # Subcommands with a dash, or named like a Python keyword, run the method of the underscored name.
        method = "import_file" if action == "import" else action.replace("-", "_")
        getattr(self, method)(**options)

    def trust_list(self, direction, source, confirm, **options):
        from onewindow.certificates import trust

        if direction == "export":
            token = trust.export()
            Path(source).write_text(token, encoding="utf-8")
            self.stdout.write(
                f"trust list written to {source}; its key's fingerprint: {trust.read(token)[1]}"
            )
            return
        token = _fetch_list(source)
        try:
            document, fingerprint = trust.read(token)
            if not confirm:
                self.stdout.write(
                    f"region {document['region']}: {len(document['issuers'])} issuers; key fingerprint "
                    f"{fingerprint}. Confirm it with that region, then run again with --confirm {fingerprint}"
                )
                return
            region = trust.import_list(token, confirm)
        except trust.TrustListError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"imported the trust list of {region.name}: its certificates now verify here")

    def verify_pdf(self, file, root, **options):
        from cryptography import x509

        from onewindow.certificates import pdf, selectors

        try:
            data = Path(file).read_bytes()
            roots = [x509.load_pem_x509_certificate(Path(r).read_bytes()) for r in root] if root else None
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read {error}") from None
        verdict = pdf.verify_pdf(
            data, roots, status_of=lambda identifier: selectors.verdict(identifier).status
        )
        if not verdict.ok:
            raise CommandError(f"NOT VALID: {verdict.message}")
        self.stdout.write(f"VALID: signed by {verdict.signer}; certificate {verdict.identifier or '—'}")

    def import_file(self, file, **options):
        from onewindow.certificates.importing import ImportErrors, import_file

        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            count = import_file(path)
        except ImportErrors as error:
            raise CommandError("nothing imported: " + "; ".join(error.problems)) from None
        self.stdout.write(f"{count} certificates issued, signed and logged")

    def verify(self, file, keys, **options):
        from onewindow.certificates import selectors, signing

        token = _read_token(Path(file))
        try:
            key_set = json.loads(Path(keys).read_text(encoding="utf-8"))["keys"]
        except (OSError, ValueError, KeyError, TypeError):
            raise CommandError(f"{keys}: not a JWK set (JSON with a keys list)") from None
        try:
            document = signing.verify(token, key_set)
        except signing.VerificationError as error:
            raise CommandError(f"NOT VALID: {error}") from None
        if selectors.expired(document.get("valid_until"), dt.date.today()):
            raise CommandError(f"EXPIRED on {document['valid_until']}: {document.get('identifier')}")
        self.stdout.write(
            f"VALID signature: {document.get('identifier')} ({document.get('type_name')}), issued by "
            f"{document.get('issuer_name')} on {document.get('issued_at', '')[:10]}; revocation is checked "
            "online at /api/v1/verify"
        )

    def log_export(self, file, **options):
        from onewindow.certificates.audit import export_log

        dump = export_log()
        Path(file).write_text(json.dumps(dump, ensure_ascii=False), encoding="utf-8")
        self.stdout.write(f"{dump['head']['tree_size']} entries and the signed head written to {file}")

    def audit(self, url, file, log_key, state, sample, **options):
        from onewindow.certificates.audit import AuditFailure, audit, file_fetch, http_fetch

        remembered = json.loads(Path(state).read_text()) if state and Path(state).is_file() else {}
        try:
            dump = json.loads(Path(file).read_text(encoding="utf-8")) if file else None
            fetch = file_fetch(dump) if dump else http_fetch(url)
            if log_key:
                keys = json.loads(Path(log_key).read_text(encoding="utf-8"))["keys"]
            elif dump:
                keys = remembered.get("log_keys") or dump["log_keys"]
            else:
                keys = (
                    remembered.get("log_keys") or fetch("/api/v1/certificates/keys", {"owner": "log"})["keys"]
                )
            report = audit(fetch, keys, remembered.get("head"), sample=sample)
        except AuditFailure as error:
            raise CommandError(f"AUDIT FAILED: {error}") from None
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"cannot read the log at {url or file}: {error}") from None
        if state:
            head = {"tree_size": report.tree_size, "root_hash": report.root_hash}
            Path(state).write_text(json.dumps({"head": head, "log_keys": keys}))
        self.stdout.write(json.dumps(report.as_dict()))

    def keys(self, owner=None, **options):
        from onewindow.certificates.services import published_keys

        self.stdout.write(json.dumps({"keys": published_keys(owner)}, ensure_ascii=False))

    def rotate(self, department, algorithm, **options):
        from onewindow.catalog.models import Department
        from onewindow.certificates.services import rotate_key

        found = Department.objects.filter(code=department).first()
        if found is None:
            raise CommandError(f"no department {department!r}")
        self.stdout.write(rotate_key(found, algorithm).kid)


def _fetch_list(source: str) -> str:
    if source.startswith(("http://", "https://")):
        import urllib.request

        url = source.rstrip("/") + "/api/v1/certificates/trust-list"
        try:
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (the administrator's URL)
                return json.loads(response.read())["trust_list"]
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"cannot fetch the trust list from {url}: {error}") from None
    try:
        return Path(source).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise CommandError(f"{source}: {error}") from None


def _read_token(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"{path}: cannot read ({error})") from None
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            raise CommandError(f"{path}: not JSON") from None
        token = data.get("jws", "")
        document = data.get("document")
        if document is not None:
            from onewindow.certificates import signing

            signed = signing.b64decode(token.split(".")[1]) if token.count(".") == 2 else b""
            if signing.canonical(document) != signed:
                raise CommandError("NOT VALID: the file's readable document differs from what was signed")
        return token
    return text
