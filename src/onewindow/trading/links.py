"""Links between the bidders of one tender: two bidders that share what independent firms do not (the
account that paid their guarantee fees, the network address or device their bids came from, the
machine or author that made their documents, an identical document, the contact, or a registered
shareholding or personnel tie). Pure: the caller gathers the attributes.

The links form a graph; a connected group of two or more bidders in one tender is the evidence an
alert shows, each edge with what the two share.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

# The shared attributes that count, in the order an alert lists them.
KINDS = (
    "payer_account",
    "ip_address",
    "device_id",
    "machine_code",
    "document_sha256",
    "document_author",
    "contact",
    "shareholding",
    "personnel",
)


@dataclass(frozen=True)
class Evidence:
    kind: str
    value: str


def bidder_links(
    attributes: dict[str, dict[str, set[str]]], ties: list[tuple[str, str, str, str]] = ()
) -> list[dict]:
    """The linked groups among `attributes` (bidder → kind → values) and the registered `ties`
    (first, second, kind, detail), as
    [{"bidders": [...], "edges": [{"between": [a, b], "evidence": [{"kind", "value"}, ...]}]}],
    largest group first."""
    holders: dict[tuple[str, str], set[str]] = defaultdict(set)
    for bidder, kinds in attributes.items():
        for kind, values in kinds.items():
            for value in values:
                if value:
                    holders[(kind, value)].add(bidder)
    graph = nx.Graph()
    graph.add_nodes_from(attributes)
    for (kind, value), bidders in holders.items():
        ordered = sorted(bidders)
        for i, first in enumerate(ordered):
            for second in ordered[i + 1 :]:
                _add(graph, first, second, Evidence(kind, value))
    for first, second, kind, detail in ties:
        if first in attributes and second in attributes and first != second:
            _add(graph, *sorted((first, second)), Evidence(kind, detail))
    groups = []
    for component in nx.connected_components(graph):
        if len(component) < 2:
            continue
        edges = []
        for first, second, data in sorted(graph.subgraph(component).edges(data=True)):
            pair = sorted((first, second))
            evidence = sorted(
                data["evidence"], key=lambda e: (KINDS.index(e.kind) if e.kind in KINDS else 99, e.value)
            )
            edges.append(
                {"between": pair, "evidence": [{"kind": e.kind, "value": e.value} for e in evidence]}
            )
        groups.append({"bidders": sorted(component), "edges": edges})
    return sorted(groups, key=lambda g: (-len(g["bidders"]), g["bidders"]))


def _add(graph: nx.Graph, first: str, second: str, evidence: Evidence) -> None:
    if graph.has_edge(first, second):
        graph[first][second]["evidence"].add(evidence)
    else:
        graph.add_edge(first, second, evidence={evidence})
