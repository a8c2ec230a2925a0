"""The Merkle tree and its proofs: RFC 9162 / Certificate Transparency vectors, and every
proof in small trees checked against the RFC's own recursive definitions."""

import pytest

from ledger.errors import ChainBroken, InvalidInput
from ledger.merkle import EMPTY_ROOT, TreeState, grow, leaf_hash, node_hash
from ledger.proofs import (
    MemoryNodes,
    consistency_proof,
    inclusion_proof,
    root_at,
    state_at,
    verify_consistency,
    verify_inclusion,
)

# The eight leaves of the reference tree in RFC 6962's test data, used by Certificate
# Transparency, Trillian and transparency-dev/merkle, and the root of each prefix.
REFERENCE_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
REFERENCE_ROOTS = [
    bytes.fromhex(h)
    for h in (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]
# transparency-dev/merkle testdata/inclusion/*/happy-path.json: (index, size, proof).
REFERENCE_INCLUSION = [
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
# transparency-dev/merkle testdata/consistency/*/happy-path.json: (old, new, proof).
REFERENCE_CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]


# RFC 9162 2.1.1, 2.1.3.1 and 2.1.4.1, transcribed as directly as possible.
def _k(n):
    return 1 << ((n - 1).bit_length() - 1)


def naive_root(leaves):
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = _k(len(leaves))
    return node_hash(naive_root(leaves[:k]), naive_root(leaves[k:]))


def naive_path(m, leaves):
    if len(leaves) <= 1:
        return []
    k = _k(len(leaves))
    if m < k:
        return [*naive_path(m, leaves[:k]), naive_root(leaves[k:])]
    return [*naive_path(m - k, leaves[k:]), naive_root(leaves[:k])]


def naive_subproof(m, leaves, whole):
    n = len(leaves)
    if m == n:
        return [] if whole else [naive_root(leaves)]
    k = _k(n)
    if m <= k:
        return [*naive_subproof(m, leaves[:k], whole), naive_root(leaves[k:])]
    return [*naive_subproof(m - k, leaves[k:], False), naive_root(leaves[:k])]


def build(leaves):
    """A tree state per size and the node store, grown one leaf at a time."""
    states, nodes = [TreeState()], MemoryNodes()
    for leaf in leaves:
        state, completed = grow(tree=states[-1], leaf=leaf)
        nodes.add(completed)
        states.append(state)
    return states, nodes


REF_HASHES = [leaf_hash(data) for data in REFERENCE_LEAVES]
SMALL = [leaf_hash(b"event %d" % i) for i in range(64)]
SMALL_STATES, SMALL_NODES = build(SMALL)


def _flip(proof, i):
    changed = list(proof)
    changed[i] = bytes([changed[i][0] ^ 1]) + changed[i][1:]
    return changed


def test_roots_match_the_rfc_6962_reference_tree():
    states, nodes = build(REF_HASHES)

    roots = [state.root() for state in states]

    assert roots == REFERENCE_ROOTS
    assert [root_at(size=n, read=nodes) for n in range(9)] == REFERENCE_ROOTS


@pytest.mark.parametrize(("index", "size", "proof"), REFERENCE_INCLUSION)
def test_reference_inclusion_proofs_are_made_and_verified(index, size, proof):
    expected = [bytes.fromhex(h) for h in proof]
    _, nodes = build(REF_HASHES)

    made = inclusion_proof(index=index, size=size, read=nodes)

    assert made == expected
    assert verify_inclusion(
        index=index,
        size=size,
        leaf_hash=REF_HASHES[index],
        proof=expected,
        root=REFERENCE_ROOTS[size],
    )


@pytest.mark.parametrize(("old", "new", "proof"), REFERENCE_CONSISTENCY)
def test_reference_consistency_proofs_are_made_and_verified(old, new, proof):
    expected = [bytes.fromhex(h) for h in proof]
    _, nodes = build(REF_HASHES)

    made = consistency_proof(old_size=old, new_size=new, read=nodes)

    assert made == expected
    assert verify_consistency(
        old_size=old,
        new_size=new,
        old_root=REFERENCE_ROOTS[old],
        new_root=REFERENCE_ROOTS[new],
        proof=expected,
    )


def test_every_inclusion_proof_up_to_64_leaves_is_the_rfc_path_and_verifies():
    wrong = []

    for size in range(1, 65):
        root = SMALL_STATES[size].root()
        assert root == naive_root(SMALL[:size])
        for index in range(size):
            proof = inclusion_proof(index=index, size=size, read=SMALL_NODES)
            ok = verify_inclusion(
                index=index, size=size, leaf_hash=SMALL[index], proof=proof, root=root
            )
            if proof != naive_path(index, SMALL[:size]) or not ok:
                wrong.append((index, size))

    assert wrong == []


def test_every_consistency_proof_up_to_64_leaves_is_the_rfc_proof_and_verifies():
    wrong = []

    for new in range(1, 65):
        for old in range(1, new + 1):
            proof = consistency_proof(old_size=old, new_size=new, read=SMALL_NODES)
            ok = verify_consistency(
                old_size=old,
                new_size=new,
                old_root=SMALL_STATES[old].root(),
                new_root=SMALL_STATES[new].root(),
                proof=proof,
            )
            if proof != naive_subproof(old, SMALL[:new], True) or not ok:
                wrong.append((old, new))

    assert wrong == []


def _root(size):
    return SMALL_STATES[size].root() if 0 <= size < len(SMALL_STATES) else EMPTY_ROOT


def _true_inclusion(index, size, leaf, proof, root):
    """Whether a claim is simply true: then accepting it is right, not a forgery."""
    return (
        0 <= index < size <= 64
        and leaf == SMALL[index]
        and root == _root(size)
        and proof == inclusion_proof(index=index, size=size, read=SMALL_NODES)
    )


def test_every_mutation_of_an_inclusion_proof_is_refused():
    forged = []

    for size in range(1, 40):
        root = _root(size)
        for index in range(size):
            proof = inclusion_proof(index=index, size=size, read=SMALL_NODES)
            leaf = SMALL[index]
            mutations = [_flip(proof, i) for i in range(len(proof))]
            mutations += [proof[:-1], [*proof, root], [root, *proof]] if proof else [[root]]
            attempts = [(index, size, leaf, m, root) for m in mutations]
            # A size travels with its root in a signed checkpoint, so a changed size
            # comes with that size's root.
            attempts += [
                (index, size, leaf, proof, _root(size - 1)),
                (index, size, SMALL[(index + 1) % 64], proof, root),
                (index ^ 1, size, leaf, proof, root),
                (index + 1, size, leaf, proof, root),
                (index, size + 1, leaf, proof, _root(size + 1)),
                (index, size - 1, leaf, proof, _root(size - 1)),
                (index, size * 2, leaf, proof, _root(size * 2)),
            ]
            for claim in attempts:
                i, n, h, p, r = claim
                accepted = verify_inclusion(index=i, size=n, leaf_hash=h, proof=p, root=r)
                if accepted and not _true_inclusion(*claim):
                    forged.append((index, size, i, n, len(p)))

    assert forged == []


def _true_consistency(old, new, old_root, new_root, proof):
    return (
        0 < old <= new <= 64
        and (old_root, new_root) == (_root(old), _root(new))
        and proof == consistency_proof(old_size=old, new_size=new, read=SMALL_NODES)
    )


def test_every_mutation_of_a_consistency_proof_is_refused():
    forged = []

    for new in range(2, 40):
        for old in range(1, new):
            proof = consistency_proof(old_size=old, new_size=new, read=SMALL_NODES)
            old_root, new_root = _root(old), _root(new)
            attempts = [(old, new, old_root, new_root, _flip(proof, i)) for i in range(len(proof))]
            attempts += [
                (old, new, old_root, new_root, proof[:-1]),
                (old, new, old_root, new_root, [*proof, new_root]),
                (old, new, old_root, new_root, [old_root, *proof]),
                (old, new, _root(old - 1), new_root, proof),
                (old, new, old_root, _root(new - 1), proof),
                (old, new, new_root, old_root, proof),
                (old + 1, new, _root(old + 1), new_root, proof),
                (old - 1, new, _root(old - 1), new_root, proof),
                (old, new + 1, old_root, _root(new + 1), proof),
                (old, new - 1, old_root, _root(new - 1), proof),
                (new, old, new_root, old_root, proof),
            ]
            for claim in attempts:
                m, n, r1, r2, p = claim
                accepted = verify_consistency(
                    old_size=m, new_size=n, old_root=r1, new_root=r2, proof=p
                )
                if accepted and not _true_consistency(*claim):
                    forged.append((old, new, m, n))

    assert forged == []


@pytest.mark.parametrize(
    ("old", "new", "old_root", "new_root", "proof"),
    [
        (0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT]),  # from the empty tree: proves nothing
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, []),
        (1, 1, EMPTY_ROOT, REFERENCE_ROOTS[1], []),  # equal sizes, different roots
        (1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT]),  # equal sizes, a proof anyway
        (2, 1, REFERENCE_ROOTS[2], REFERENCE_ROOTS[1], []),
        (1, 2, REFERENCE_ROOTS[1], REFERENCE_ROOTS[2], []),  # an empty proof between sizes
    ],
)
def test_degenerate_consistency_claims_are_refused(old, new, old_root, new_root, proof):
    assert not verify_consistency(
        old_size=old, new_size=new, old_root=old_root, new_root=new_root, proof=proof
    )


GARBAGE = [None, -1, 2**64, True, 1.5, "3", b"", b"\x00" * 31, b"\x00" * 33, "x" * 32, [b""], {}]


def test_verification_of_malformed_input_is_false_and_never_raises():
    proof = inclusion_proof(index=5, size=8, read=build(REF_HASHES)[1])
    good = {
        "index": 5,
        "size": 8,
        "leaf_hash": REF_HASHES[5],
        "proof": proof,
        "root": REFERENCE_ROOTS[8],
    }
    assert verify_inclusion(**good)
    results = []

    for field in good:
        for value in GARBAGE:
            results.append(verify_inclusion(**{**good, field: value}))
    results.append(verify_inclusion(**{**good, "proof": [*proof, b"x"]}))
    results.append(verify_inclusion(**{**good, "proof": [REFERENCE_ROOTS[0]] * 100}))
    for field in ("old_size", "new_size", "old_root", "new_root", "proof"):
        for value in GARBAGE:
            claim = {
                "old_size": 1,
                "new_size": 8,
                "old_root": REFERENCE_ROOTS[1],
                "new_root": REFERENCE_ROOTS[8],
                "proof": proof,
            }
            results.append(verify_consistency(**{**claim, field: value}))

    assert not any(results)


def test_asking_for_a_proof_outside_the_tree_is_refused():
    with pytest.raises(InvalidInput, match="leaf 8 is not in a tree of 8 leaves"):
        inclusion_proof(index=8, size=8, read=SMALL_NODES)
    with pytest.raises(InvalidInput, match="from a non-empty tree"):
        consistency_proof(old_size=0, new_size=8, read=SMALL_NODES)
    with pytest.raises(InvalidInput, match="not from 9 to 8"):
        consistency_proof(old_size=9, new_size=8, read=SMALL_NODES)
    with pytest.raises(InvalidInput, match="leaf index"):
        inclusion_proof(index=-1, size=8, read=SMALL_NODES)


def test_a_store_that_answers_short_is_reported_as_broken():
    def short(nodes):
        return [EMPTY_ROOT] * (len(nodes) - 1)

    with pytest.raises(ChainBroken, match="stored Merkle nodes are incomplete"):
        inclusion_proof(index=3, size=8, read=short)


@pytest.mark.parametrize("size", [1_000_000, 2**40 + 12345, 2**63 - 1])
def test_a_proof_in_a_huge_tree_reads_few_nodes_in_one_call(size):
    calls = []

    def reader(nodes):
        calls.append(list(nodes))
        return [EMPTY_ROOT] * len(nodes)

    for index in (0, size // 3, size - 2, size - 1):
        inclusion_proof(index=index, size=size, read=reader)
    consistency_proof(old_size=size // 3 + 1, new_size=size, read=reader)

    depth = (size - 1).bit_length()
    assert len(calls) == 5
    assert all(len(set(c)) == len(c) <= 2 * depth for c in calls)
    assert all(0 <= index << level < size for c in calls for level, index in c)


def test_each_append_completes_the_nodes_go_would_store():
    state, total = TreeState(), 0

    for n in range(200):
        state, completed = grow(tree=state, leaf=leaf_hash(b"%d" % n))
        total += len(completed)
        trailing_ones = (n ^ (n + 1)).bit_length() - 1
        assert len(completed) == 1 + trailing_ones
        assert (completed[0].level, completed[0].index) == (0, n)

    # Go's tlog.StoredHashCount(n): every perfect subtree, 2n - popcount(n).
    assert total == 2 * 200 - (200).bit_count()


def test_the_state_at_any_size_is_read_back_from_stored_nodes():
    assert [state_at(size=n, read=SMALL_NODES) for n in range(65)] == SMALL_STATES


def test_extending_at_once_equals_appending_one_by_one():
    assert TreeState().extended(SMALL) == SMALL_STATES[-1]
    assert SMALL_STATES[10].extended(SMALL[10:]) == SMALL_STATES[-1]


def test_tree_state_round_trips_through_bytes_and_hex():
    for state in SMALL_STATES:
        assert TreeState.from_bytes(state.to_bytes()) == state
        assert TreeState.from_hex(state.to_hex()) == state
    assert len(SMALL_STATES[7].to_bytes()) == 8 + 3 * 32


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00" * 7,
        (1).to_bytes(8, "big"),  # one leaf, no peak
        (2).to_bytes(8, "big") + b"\x00" * 64,  # two peaks for a perfect tree of 2
        (2**63).to_bytes(8, "big") + b"\x00" * 32,
        "00" * 8,
    ],
)
def test_malformed_tree_state_bytes_are_refused(data):
    with pytest.raises(InvalidInput, match="tree state"):
        TreeState.from_bytes(data)


def test_a_tree_state_refuses_peaks_that_do_not_fit_its_size():
    with pytest.raises(InvalidInput, match="3 leaves has 2 perfect subtrees"):
        TreeState(size=3, peaks=(EMPTY_ROOT,))
    with pytest.raises(InvalidInput, match="32 bytes"):
        TreeState(size=1, peaks=(b"short",))
    with pytest.raises(InvalidInput, match="hex digits"):
        TreeState.from_hex("not hex")
    with pytest.raises(InvalidInput, match="leaf hash"):
        TreeState().appended(b"not a hash")
