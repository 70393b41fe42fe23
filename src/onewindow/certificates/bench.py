"""`onewindow bench certs`: issue-and-sign, verify and log-append rates, and the time to produce an
inclusion proof (and a consistency proof) in a log of `log_size` entries, in a child process on its
own database."""

from __future__ import annotations

import time

from onewindow.core.bench import figures, run_child


def run(db: str | None, certificates: int, log_size: int) -> dict:
    return run_child("certs", ["--certificates", str(certificates), "--log-size", str(log_size)], db)


def measure(certificates: int, log_size: int) -> dict:
    import random

    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from onewindow.ops.demo import load_demo
    from onewindow.ops.history import _resident_id

    from . import merkle, selectors, services, signing
    from .demo import load_types
    from .models import LogEntry, LogNode

    call_command("migrate", interactive=False, verbosity=0)
    load_demo()
    load_types()
    issued, verified = [], []
    made = []
    for n in range(certificates):
        data = services.Issuance(
            "RESIDENT_ID", _resident_id(n % 3000 + 100), "张三", {"address": f"中山路 {n} 号"}
        )
        started = time.perf_counter()
        made.append(services.issue(data))
        issued.append(time.perf_counter() - started)
    keys = services.published_keys()
    for certificate in made:
        started = time.perf_counter()
        signing.verify(certificate.jws, keys)
        verified.append(time.perf_counter() - started)

    # Grow the log to `log_size` entries in bulk (as years of issuing would), its subtrees with it.
    start, anchor = LogEntry.objects.count(), made[0]
    perfect = services.stored_subtrees()
    nodes: dict[tuple[int, int], bytes] = {}
    seconds_to_fill = time.perf_counter()
    batch_entries, batch_nodes = [], []
    now = timezone.now()
    for index in range(start, log_size):
        entry = f'{{"index":{index},"action":"issue","bench":true}}'
        leaf = merkle.leaf_hash(entry.encode())
        nodes[(0, index)] = leaf
        batch_entries.append(LogEntry(index=index, entry=entry, leaf_hash=leaf, certificate=anchor, at=now))
        for level, position in merkle.completed_subtrees(index):
            left = nodes.get((level - 1, 2 * position)) or perfect(level - 1, 2 * position)
            right = nodes[(level - 1, 2 * position + 1)]
            nodes[(level, position)] = merkle.node_hash(left, right)
            batch_nodes.append(LogNode(level=level, index=position, hash=nodes[(level, position)]))
            nodes.pop((level - 1, 2 * position), None)  # children are not needed once their parent is
            nodes.pop((level - 1, 2 * position + 1), None)
        if len(batch_entries) >= 20000:
            LogEntry.objects.bulk_create(batch_entries)
            LogNode.objects.bulk_create(batch_nodes)
            batch_entries, batch_nodes = [], []
    LogEntry.objects.bulk_create(batch_entries)
    LogNode.objects.bulk_create(batch_nodes)
    seconds_to_fill = time.perf_counter() - seconds_to_fill

    appended = []
    for certificate in made[:200]:
        started = time.perf_counter()
        services.append_to_log(certificate, "bench")
        appended.append(time.perf_counter() - started)
    started = time.perf_counter()
    head = services.latest_tree_head()
    head_seconds = time.perf_counter() - started
    rng = random.Random(1)
    proofs, checks = [], []
    for _ in range(50):
        index = rng.randrange(head.size)
        started = time.perf_counter()
        proof = selectors.inclusion(index)
        proofs.append(time.perf_counter() - started)
        checks.append(merkle.verify_inclusion(
            index, head.size, bytes.fromhex(proof["leaf_hash"]),
            [bytes.fromhex(h) for h in proof["inclusion_path"]], bytes(head.root_hash),
        ))  # fmt: skip
    started = time.perf_counter()
    selectors.consistency(head.size // 3, head.size)
    consistency_seconds = time.perf_counter() - started
    return {
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "issue_and_sign": figures(issued),
        "verify_signature": figures(verified),
        "log_append": figures(appended),
        "log_size": head.size,
        "log_filled_in_seconds": round(seconds_to_fill, 1),
        "tree_head_seconds": round(head_seconds, 3),
        "inclusion_proof": figures(proofs),
        "inclusion_proofs_verified": all(checks),
        "consistency_proof_ms": round(consistency_seconds * 1000, 1),
    }
