import json
import logging
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from onewindow.core.refserver import parse_addr, serve_until_interrupted
from onewindow.trading import guarantor_service, protocol


class Command(BaseCommand):
    help = (
        "Guarantors of electronic bid guarantees: `register` one (its key pair is made into --key-file "
        "if the file does not exist) and `serve` the reference guarantor, a separate process speaking "
        "the signed guarantor API."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        register = sub.add_parser("register", help="register (or update) a guarantor on this platform")
        register.add_argument("--code", required=True)
        register.add_argument("--name", required=True)
        register.add_argument("--kind", choices=("bank", "insurer", "guarantee_company"), default="bank")
        register.add_argument("--endpoint", required=True, help="its API address, e.g. http://127.0.0.1:8100")
        register.add_argument(
            "--key-file", required=True, help="the guarantor's key (whsk_…); made if missing"
        )
        register.add_argument(
            "--fee-rate", default="0.001", help="fee as a share of the amount (0.001 = 0.1 %%)"
        )
        register.add_argument("--minimum-fee", default="100")
        register.add_argument("--red-list-discount", default="0.8", help="share of the fee the red list pays")
        serve = sub.add_parser("serve", help="run the reference guarantor service")
        serve.add_argument("--code", required=True)
        serve.add_argument("--name", required=True)
        serve.add_argument("--key-file", required=True)
        serve.add_argument("--addr", default="127.0.0.1:8100", help="HOST:PORT (default 127.0.0.1:8100)")
        serve.add_argument(
            "--platform-key-file", help="the platform's public key (default: the one this data folder holds)"
        )
        serve.add_argument("--answer-delay", type=float, default=0.0, help="seconds before answering")
        serve.add_argument("--never-answer", action="store_true", help="take applications, answer none")
        serve.add_argument("--decline-above", help="decline guarantees above this amount")

    def handle(self, *args, action, **options):
        getattr(self, action)(**options)

    def register(
        self, code, name, kind, endpoint, key_file, fee_rate, minimum_fee, red_list_discount, **options
    ):
        from onewindow.trading import services

        path = Path(key_file)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            private, _public = protocol.new_key()
            path.write_text(private + "\n")
            path.chmod(0o600)
        try:
            guarantor = services.register_guarantor(
                code=code,
                name=name,
                kind=kind,
                endpoint=endpoint,
                public_key=protocol.public_of(_read_key(path)),
                fee_rate=Decimal(fee_rate),
                minimum_fee=Decimal(minimum_fee),
                red_list_discount=Decimal(red_list_discount),
            )
        except (InvalidOperation, services.TradingError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps({"guarantor": guarantor.code, "public_key": guarantor.public_key}))

    def serve(
        self,
        code,
        name,
        key_file,
        addr,
        platform_key_file,
        answer_delay,
        never_answer,
        decline_above,
        **options,
    ):
        from onewindow.trading.services import platform_public_key_path

        logging.basicConfig(level=logging.INFO, format="%(asctime)s guarantor %(message)s")
        try:
            host, port = parse_addr(addr)
        except ValueError as error:
            raise CommandError(f"--addr {error}") from None
        try:
            limit = Decimal(decline_above) if decline_above else None
        except InvalidOperation:
            raise CommandError("--decline-above must be a number") from None
        config = guarantor_service.GuarantorConfig(
            code=code,
            name=name,
            private_key=_read_key(Path(key_file)),
            platform_key=_read_key(
                Path(platform_key_file) if platform_key_file else platform_public_key_path()
            ),
            answer_delay=answer_delay,
            never_answer=never_answer,
            decline_above=limit,
        )
        server = guarantor_service.serve(config, host, port)
        self.stdout.write(f"Reference guarantor {code} on http://{addr}/", ending="\n")
        self.stdout.flush()
        serve_until_interrupted(server)


def _read_key(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError as error:
        raise CommandError(f"{path}: cannot be read ({error.strerror})") from None
