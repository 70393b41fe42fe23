import json

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Benchmarks printing one JSON line: hall, index, events, hotline, certs, trading, policies, "
        "intake|read|list "
        "(load on a real server)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="benchmark", required=True)
        hall = sub.add_parser("hall", help="ticket issue and call operations on a throwaway database")
        hall.add_argument("--db", help="postgres://… server to use (a temporary database is made there); "
                                       "default: a temporary SQLite file")  # fmt: skip
        hall.add_argument(
            "--tickets", type=int, default=2000, help="tickets issued and called (default 2000)"
        )
        hall.add_argument("--waiting", type=int, default=100, help="tickets kept in line (default 100)")
        hall.add_argument("--windows", type=int, default=10)
        hall.add_argument("--seed", type=int, default=1)
        hall.add_argument("--inside", action="store_true", help=argparse_hidden())
        index = sub.add_parser("index", help="the service-quality index on many cases (seeded as needed)")
        index.add_argument(
            "--db",
            help="postgres://… server (a temporary database), or with --keep the database to seed once "
            "and reuse; default: a temporary SQLite file",
        )
        index.add_argument("--keep", action="store_true", help="use and keep the --db database itself")
        index.add_argument(
            "--cases", type=int, default=100_000, help="cases in the database (default 100000)"
        )
        index.add_argument("--requests", type=int, default=50, help="dashboard requests timed (default 50)")
        index.add_argument("--inside", action="store_true", help=argparse_hidden())
        events = sub.add_parser("events", help="events per second from commit to a webhook receiver")
        events.add_argument("--db", help="postgres://… server (a temporary database); default: SQLite")
        events.add_argument("--events", type=int, default=2000, help="events committed (default 2000)")
        events.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
        events.add_argument("--backend", choices=["database", "celery"], default="database")
        events.add_argument("--inside", action="store_true", help=argparse_hidden())
        hotline = sub.add_parser("hotline", help="ticket registration and dispatch rates, model predictions")
        hotline.add_argument("--db", help="postgres://… server (a temporary database); default: SQLite")
        hotline.add_argument("--tickets", type=int, default=1000, help="tickets registered (default 1000)")
        hotline.add_argument("--seed", type=int, default=1)
        hotline.add_argument("--inside", action="store_true", help=argparse_hidden())
        certs = sub.add_parser("certs", help="certificate issue/verify/log rates, proofs in a big log")
        certs.add_argument("--db", help="postgres://… server (a temporary database); default: SQLite")
        certs.add_argument("--certificates", type=int, default=500, help="certificates issued (default 500)")
        certs.add_argument("--log-size", type=int, default=1_000_000, help="log entries (default 1000000)")
        certs.add_argument("--inside", action="store_true", help=argparse_hidden())
        trading = sub.add_parser("trading", help="e-guarantee order-to-issue time end to end, screening rate")
        trading.add_argument("--db", help="postgres://… server (a temporary database); default: SQLite")
        trading.add_argument("--guarantees", type=int, default=200, help="guarantees ordered (default 200)")
        trading.add_argument(
            "--tenders",
            type=int,
            default=5000,
            help="tenders screened: about a year of a city's (default 5000)",
        )
        trading.add_argument("--inside", action="store_true", help=argparse_hidden())
        policies = sub.add_parser(
            "policies", help="match all policies against all enterprises; a profile change"
        )
        policies.add_argument("--db", help="postgres://… server (a temporary database); default: SQLite")
        policies.add_argument(
            "--enterprises", type=int, default=500_000, help="enterprises seeded (default 500000)"
        )
        policies.add_argument("--policies", type=int, default=200, help="policies published (default 200)")
        policies.add_argument("--inside", action="store_true", help=argparse_hidden())
        loads = (
            ("intake", "POST /api/v1/cases"),
            ("read", "GET /api/v1/cases/{id}"),
            ("list", "GET /api/v1/cases?department=…&status=in_review"),
        )
        for kind, what in loads:
            load = sub.add_parser(
                kind, help=f"{what} on a real server, with its framework and database floors"
            )
            load.add_argument(
                "--db", required=True, help="postgres://… (seed it first: onewindow seed --cases N)"
            )
            load.add_argument("--seconds", type=float, default=20)
            load.add_argument("--concurrency", type=int, default=8)
            load.add_argument(
                "--workers", type=int, default=None, help="server workers (default: 2 × CPUs + 1)"
            )
            load.add_argument("--threads", type=int, default=1, help="threads per server worker")

    def handle(self, *args, benchmark, **options):
        try:
            result = getattr(self, f"_{benchmark}")(options)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(result))

    def _hall(self, options) -> dict:
        from onewindow.hall import bench

        if min(options["tickets"], options["windows"]) < 1 or options["waiting"] < 0:
            raise CommandError("--tickets and --windows must be at least 1, --waiting at least 0")
        sizes = {k: options[k] for k in ("tickets", "waiting", "windows", "seed")}
        return bench.measure(**sizes) if options["inside"] else bench.run(options["db"], **sizes)

    def _load(self, kind, options) -> dict:
        import multiprocessing

        from onewindow.core import loadbench

        if options["seconds"] <= 0 or options["concurrency"] < 1 or options["threads"] < 1:
            raise CommandError("--seconds must be above 0, --concurrency and --threads at least 1")
        workers = options["workers"] or multiprocessing.cpu_count() * 2 + 1
        return loadbench.run(
            kind, options["db"], options["seconds"], options["concurrency"], workers, options["threads"]
        )

    def _intake(self, options) -> dict:
        return self._load("intake", options)

    def _read(self, options) -> dict:
        return self._load("read", options)

    def _list(self, options) -> dict:
        return self._load("list", options)

    def _events(self, options) -> dict:
        from onewindow.integrations import bench

        if options["events"] < 1 or not 1 <= options["workers"] <= 32:
            raise CommandError("--events must be at least 1, --workers from 1 to 32")
        sizes = {k: options[k] for k in ("events", "workers", "backend")}
        return bench.measure(**sizes) if options["inside"] else bench.run(options["db"], **sizes)

    def _hotline(self, options) -> dict:
        from onewindow.hotline import bench

        if not 1 <= options["tickets"] <= 100_000:
            raise CommandError("--tickets must be from 1 to 100000")
        sizes = {k: options[k] for k in ("tickets", "seed")}
        return bench.measure(**sizes) if options["inside"] else bench.run(options["db"], **sizes)

    def _trading(self, options) -> dict:
        from onewindow.trading import bench

        sizes = {"guarantees": options["guarantees"], "tenders": options["tenders"]}
        if not (1 <= sizes["guarantees"] <= 100_000 and 10 <= sizes["tenders"] <= 1_000_000):
            raise ValueError("--guarantees must be from 1 to 100000 and --tenders from 10 to 1000000")
        return bench.measure(**sizes) if options["inside"] else bench.run(options["db"], **sizes)

    def _policies(self, options) -> dict:
        from onewindow.policies import bench

        sizes = {"enterprises": options["enterprises"], "policies": options["policies"]}
        if not (1 <= sizes["enterprises"] <= 10_000_000 and 1 <= sizes["policies"] <= 10_000):
            raise ValueError("--enterprises must be from 1 to 10000000 and --policies from 1 to 10000")
        return bench.measure(**sizes) if options["inside"] else bench.run(options["db"], **sizes)

    def _certs(self, options) -> dict:
        from onewindow.certificates import bench

        if not 1 <= options["certificates"] <= 100_000 or not 1 <= options["log_size"] <= 10_000_000:
            raise CommandError("--certificates must be from 1 to 100000, --log-size from 1 to 10000000")
        sizes = {k: options[k] for k in ("certificates", "log_size")}
        return bench.measure(**sizes) if options["inside"] else bench.run(options["db"], **sizes)

    def _index(self, options) -> dict:
        from onewindow.ops import index_bench as bench

        if options["cases"] < 1 or options["requests"] < 1:
            raise CommandError("--cases and --requests must be at least 1")
        if options["inside"]:
            return bench.measure(options["cases"], options["requests"])
        return bench.run(options["db"], options["cases"], options["requests"], options["keep"])


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS
