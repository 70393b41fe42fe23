"""RFC 9162 section 2.1 against an independent few-line reading of the RFC, for every tree up to 33
leaves, and the verification of proofs (and of tampered ones)."""

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onewindow.certificates import merkle


# An independent implementation, written straight from the RFC's definitions.
def H(b):
    return hashlib.sha256(b).digest()


def MTH(D):
    if not D:
        return H(b"")
    if len(D) == 1:
        return H(b"\x00" + D[0])
    k = 1
    while k * 2 < len(D):
        k *= 2
    return H(b"\x01" + MTH(D[:k]) + MTH(D[k:]))


def PATH(m, D):
    if len(D) <= 1:
        return []
    k = 1
    while k * 2 < len(D):
        k *= 2
    return PATH(m, D[:k]) + [MTH(D[k:])] if m < k else PATH(m - k, D[k:]) + [MTH(D[:k])]


def SUBPROOF(m, D, b):
    if m == len(D):
        return [] if b else [MTH(D)]
    k = 1
    while k * 2 < len(D):
        k *= 2
    return SUBPROOF(m, D[:k], b) + [MTH(D[k:])] if m <= k else SUBPROOF(m - k, D[k:], False) + [MTH(D[:k])]


ENTRIES = [f"entry {i}".encode() for i in range(33)]


@pytest.mark.parametrize("n", range(0, 34))
def test_tree_heads_and_proofs_agree_with_the_rfc_text(n):
    D = ENTRIES[:n]
    leaves = [merkle.leaf_hash(d) for d in D]
    assert merkle.root(leaves) == MTH(D)
    for m in range(n):
        path = merkle.inclusion_proof(m, leaves)
        assert path == PATH(m, D)
        assert merkle.verify_inclusion(m, n, leaves[m], path, MTH(D))
        assert not merkle.verify_inclusion(m, n, merkle.leaf_hash(b"forged"), path, MTH(D))
        if path:
            bent = [path[0][:-1] + bytes([path[0][-1] ^ 1]), *path[1:]]
            assert not merkle.verify_inclusion(m, n, leaves[m], bent, MTH(D))
    for m in range(1, n + 1):
        proof = merkle.consistency_proof(m, leaves)
        assert proof == SUBPROOF(m, D, True)
        assert merkle.verify_consistency(m, n, MTH(D[:m]), MTH(D), proof)
        if m < n:
            assert not merkle.verify_consistency(m, n, MTH(D[:m]), MTH(ENTRIES[: n - 1] + [b"x"]), proof)


def test_a_rewritten_entry_changes_the_root_and_fails_the_old_proofs():
    leaves = [merkle.leaf_hash(d) for d in ENTRIES[:10]]
    head = merkle.root(leaves)
    rewritten = list(leaves)
    rewritten[3] = merkle.leaf_hash(b"rewritten")
    assert merkle.root(rewritten) != head
    assert not merkle.verify_inclusion(3, 10, rewritten[3], merkle.inclusion_proof(3, leaves), head)
    # and the rewritten log cannot prove it extends what was published before
    assert not merkle.verify_consistency(10, 11, head, merkle.root(rewritten + [leaves[0]]),
                                         merkle.consistency_proof(10, rewritten + [leaves[0]]))  # fmt: skip


@given(st.integers(min_value=1, max_value=300), st.data())
def test_random_sizes_prove_inclusion_and_consistency(n, data):
    leaves = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(n)]
    m = data.draw(st.integers(min_value=0, max_value=n - 1))
    assert merkle.verify_inclusion(m, n, leaves[m], merkle.inclusion_proof(m, leaves), merkle.root(leaves))
    first = data.draw(st.integers(min_value=1, max_value=n))
    proof = merkle.consistency_proof(first, leaves)
    assert merkle.verify_consistency(first, n, merkle.root(leaves[:first]), merkle.root(leaves), proof)


def stored(leaves):
    """The perfect aligned subtrees of `leaves`, as the log stores them when each completes."""
    nodes = {(0, i): h for i, h in enumerate(leaves)}
    for i in range(len(leaves)):
        for level, index in merkle.completed_subtrees(i):
            nodes[(level, index)] = merkle.node_hash(
                nodes[(level - 1, 2 * index)], nodes[(level - 1, 2 * index + 1)]
            )
    return lambda level, index: nodes[(level, index)]


@given(st.integers(min_value=1, max_value=200), st.data())
def test_proofs_from_stored_subtrees_equal_those_from_all_leaves(n, data):
    leaves = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(n)]
    perfect = stored(leaves)
    assert merkle.range_root(0, n, perfect) == merkle.root(leaves)
    m = data.draw(st.integers(min_value=0, max_value=n - 1))
    assert merkle.inclusion_proof_stored(m, n, perfect) == merkle.inclusion_proof(m, leaves)
    first = data.draw(st.integers(min_value=1, max_value=n))
    assert merkle.consistency_proof_stored(first, n, perfect) == merkle.consistency_proof(first, leaves)
