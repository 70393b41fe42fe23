"""The transparency log's Merkle tree, as RFC 9162 (Certificate Transparency 2.0) defines it, section 2.1:
leaf and node hashing, the tree head, inclusion and consistency proofs, and their verification. Pure
functions over lists of leaf hashes (bytes), no database.

    MTH({})      = SHA-256()
    leaf hash    = SHA-256(0x00 || entry)
    MTH(D[n])    = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])),  k the largest power of two < n
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf_hash(entry: bytes) -> bytes:
    return _sha256(b"\x00" + entry)


def node_hash(left: bytes, right: bytes) -> bytes:
    return _sha256(b"\x01" + left + right)


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH of the leaf hashes (not the entries: hash them with `leaf_hash` first)."""
    n = len(leaves)
    if n == 0:
        return _sha256(b"")
    if n == 1:
        return leaves[0]
    k = _split(n)
    return node_hash(root(leaves[:k]), root(leaves[k:]))


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]): the audit path of leaf `index` in the tree of `leaves`."""
    n = len(leaves)
    if not 0 <= index < n:
        raise ValueError(f"leaf {index} is not in a tree of {n}")
    if n == 1:
        return []
    k = _split(n)
    if index < k:
        return inclusion_proof(index, leaves[:k]) + [root(leaves[k:])]
    return inclusion_proof(index - k, leaves[k:]) + [root(leaves[:k])]


def consistency_proof(first: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]): that the tree of the first `first` leaves is a prefix of the tree of `leaves`."""
    n = len(leaves)
    if not 0 < first <= n:
        raise ValueError(f"no consistency proof from size {first} to size {n}")

    def subproof(m: int, tree: Sequence[bytes], complete: bool) -> list[bytes]:
        size = len(tree)
        if m == size:
            return [] if complete else [root(tree)]
        k = _split(size)
        if m <= k:
            return subproof(m, tree[:k], complete) + [root(tree[k:])]
        return subproof(m - k, tree[k:], False) + [root(tree[:k])]

    return subproof(first, leaves, True)


def verify_inclusion(index: int, size: int, leaf: bytes, path: Sequence[bytes], expected_root: bytes) -> bool:
    """RFC 9162 2.1.3.2: does `path` prove that `leaf` (a leaf hash) is leaf `index` of the tree of
    `size` whose root is `expected_root`?"""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == expected_root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, path: Sequence[bytes]
) -> bool:
    """RFC 9162 2.1.4.2: does `path` prove that the tree of size `first` with `first_root` is a prefix
    of the tree of size `second` with `second_root`?"""
    if first == second:
        return not path and first_root == second_root
    if not 0 < first < second or not path:
        return False
    path = list(path)
    if first & (first - 1) == 0:  # an exact power of two: the first tree is a complete subtree
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0


# With stored subtrees -----------------------------------------------------------------------------
# A log of a million entries cannot hash every leaf for each proof. Every perfect subtree aligned on
# its size (2^level leaves starting at index·2^level) is stored once, when its last leaf arrives; the
# RFC's splits only ever need such subtrees, so a root or a proof reads O(log² n) of them.


def completed_subtrees(index: int) -> list[tuple[int, int]]:
    """The (level, index) of each perfect subtree that leaf `index` completes (levels ≥ 1)."""
    done, level = [], 1
    while (index + 1) % (1 << level) == 0:
        done.append((level, (index + 1 >> level) - 1))
        level += 1
    return done


def range_root(start: int, end: int, perfect) -> bytes:
    """MTH of the leaves [start, end), reading perfect aligned subtrees through perfect(level, index)."""
    n = end - start
    if n == 0:
        return _sha256(b"")
    if n & (n - 1) == 0 and start % n == 0:
        return perfect(n.bit_length() - 1, start // n)
    k = _split(n)
    return node_hash(range_root(start, start + k, perfect), range_root(start + k, end, perfect))


def inclusion_proof_stored(index: int, size: int, perfect) -> list[bytes]:
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")

    def path(m: int, start: int, end: int) -> list[bytes]:
        if end - start == 1:
            return []
        k = _split(end - start)
        if m < k:
            return path(m, start, start + k) + [range_root(start + k, end, perfect)]
        return path(m - k, start + k, end) + [range_root(start, start + k, perfect)]

    return path(index, 0, size)


def consistency_proof_stored(first: int, size: int, perfect) -> list[bytes]:
    if not 0 < first <= size:
        raise ValueError(f"no consistency proof from size {first} to size {size}")

    def subproof(m: int, start: int, end: int, complete: bool) -> list[bytes]:
        if m == end - start:
            return [] if complete else [range_root(start, end, perfect)]
        k = _split(end - start)
        if m <= k:
            return subproof(m, start, start + k, complete) + [range_root(start + k, end, perfect)]
        return subproof(m - k, start + k, end, False) + [range_root(start, start + k, perfect)]

    return subproof(first, 0, size, True)
