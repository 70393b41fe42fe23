"""Holding a transparency log to account from outside (`onewindow certs audit`): the auditor trusts
only the log's public key and what it saw before. It checks the signed tree head, that the new tree
extends the one it saw last (consistency proof), and that each entry it reads is in the tree (its
leaf hash recomputed from the entry's text, with an inclusion proof). Works over HTTP or on an exported
file; `fetch(path, params) -> dict` is the only way it reads the log."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from . import merkle, signing

Fetch = Callable[[str, dict], dict]


class AuditFailure(Exception):
    pass


@dataclass
class Report:
    tree_size: int
    root_hash: str
    checked_entries: list[int] = field(default_factory=list)
    consistent_with: int | None = None

    def as_dict(self) -> dict:
        return {
            "ok": True,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "entries_checked": len(self.checked_entries),
            "consistent_with_size": self.consistent_with,
        }


def audit(fetch: Fetch, log_keys: list[dict], previous: dict | None = None, sample: int = 50, seed: int = 0):
    """Returns a Report, or raises AuditFailure naming what does not hold."""
    head = fetch("/api/v1/certificates/log/head", {})
    try:
        signed = signing.verify(head["signature"], log_keys)
    except (signing.VerificationError, KeyError) as error:
        raise AuditFailure(f"the tree head's signature does not verify: {error}") from None
    if signed != {k: head[k] for k in ("tree_size", "root_hash", "timestamp")}:
        raise AuditFailure("the tree head differs from what its signature covers")
    size, root_hash = head["tree_size"], bytes.fromhex(head["root_hash"])
    report = Report(size, head["root_hash"])
    if previous:
        old_size, old_root = previous["tree_size"], bytes.fromhex(previous["root_hash"])
        if size < old_size:
            raise AuditFailure(f"the log shrank from {old_size} to {size} entries")
        if old_size:
            proof = fetch("/api/v1/certificates/log/consistency", {"first": old_size, "second": size})
            path = [bytes.fromhex(h) for h in proof["consistency_path"]]
            if not merkle.verify_consistency(old_size, size, old_root, root_hash, path):
                raise AuditFailure(f"the tree of {size} does not extend the tree of {old_size} seen before")
        report.consistent_with = old_size
    indexes = range(size)
    if sample and size > sample:
        new = set(range(previous["tree_size"] if previous else size, size))
        indexes = sorted(new | set(random.Random(seed).sample(range(size), sample)))
    for index in indexes:
        proof = fetch("/api/v1/certificates/log/inclusion", {"index": index, "tree_size": size})
        leaf = merkle.leaf_hash(proof["entry"].encode())
        if leaf.hex() != proof["leaf_hash"]:
            raise AuditFailure(f"entry {index} was rewritten: its text does not hash to its leaf")
        path = [bytes.fromhex(h) for h in proof["inclusion_path"]]
        if not merkle.verify_inclusion(index, size, leaf, path, root_hash):
            raise AuditFailure(f"entry {index} is not in the signed tree of {size}")
        report.checked_entries.append(index)
    return report


def http_fetch(base_url: str) -> Fetch:
    import urllib.parse
    import urllib.request

    def fetch(path: str, params: dict) -> dict:
        url = base_url.rstrip("/") + path + ("?" + urllib.parse.urlencode(params) if params else "")
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (the auditor's own URL)
            return json.loads(response.read())

    return fetch


def export_log() -> dict:
    """The whole log for an auditor without network access: the signed head, the entries, the log key."""
    from . import services
    from .models import LogEntry

    head = services.latest_tree_head()
    return {
        "head": {
            "tree_size": head.size,
            "root_hash": bytes(head.root_hash).hex(),
            "timestamp": head.timestamp.isoformat(timespec="seconds"),
            "signature": head.signature,
        },
        "entries": list(LogEntry.objects.order_by("index").values_list("entry", flat=True)[: head.size]),
        "log_keys": services.published_keys(services.LOG_OWNER),
    }


def file_fetch(dump: dict) -> Fetch:
    """Answers the auditor's questions from an exported log, computing the proofs from its entries
    (so a rewritten entry in the file shows exactly as it would online)."""
    leaves = [merkle.leaf_hash(entry.encode()) for entry in dump["entries"]]

    def fetch(path: str, params: dict) -> dict:
        if path.endswith("/head"):
            return dump["head"]
        if path.endswith("/inclusion"):
            index, size = int(params["index"]), int(params["tree_size"])
            return {
                "entry": dump["entries"][index],
                "leaf_hash": leaves[index].hex(),
                "inclusion_path": [h.hex() for h in merkle.inclusion_proof(index, leaves[:size])],
            }
        if path.endswith("/consistency"):
            first, second = int(params["first"]), int(params["second"])
            return {"consistency_path": [h.hex() for h in merkle.consistency_proof(first, leaves[:second])]}
        raise KeyError(path)

    return fetch
