"""lib/disclosure_audit.py: the exact audit of "<5" cells and the suggested
extra suppression, on small hand-made tables and, against a brute-force
enumeration of every 0..4 assignment, on random ones."""

import itertools
import random
import sys

import pytest

from conftest import PROJECT

sys.path.insert(0, str(PROJECT / "lib"))
from disclosure_audit import (  # noqa: E402
    Cell,
    CellAudit,
    Constraint,
    InfeasibleError,
    audit,
    exposed_by_structure,
    suggest_suppression,
)

pytestmark = pytest.mark.no_build


def small(cell_id):
    return Cell(cell_id, 0, 4, True)


def exact(cell_id, value):
    return Cell(cell_id, value, value, False)


def equals(instance_id, identity_id, parts, totals):
    return Constraint(instance_id, identity_id, "equals", tuple(parts), tuple(totals))


def at_most(instance_id, identity_id, parts, totals):
    return Constraint(instance_id, identity_id, "at_most", tuple(parts), tuple(totals))


def by_id(audits):
    return {a.cell_id: a for a in audits}


def freed(cells, suggestions):
    """The cells with each suggested cell printed as unknown (0, no upper bound)."""
    names = {s.cell_id for s in suggestions}
    return [Cell(c.cell_id, 0, None, False) if c.cell_id in names else c for c in cells]


# case 1: 10 + 6 + <5 = 17
ROW_CELLS = [exact("p1", 10), exact("p2", 6), small("s"), exact("t", 17)]
ROW = [equals("row|1", "row", ["p1", "p2", "s"], ["t"])]

# case 3: table 1 has the row a + b = 4; table 2 the columns a + c = 4 and
# b + c = 4. Each table alone leaves every cell 0..4; jointly a = b = c = 2.
JOINT_CELLS = [small("a"), small("b"), small("c"),
               exact("t1_row", 4), exact("t2_col1", 4), exact("t2_col2", 4)]
JOINT = [equals("t1|row", "t1_rows", ["a", "b"], ["t1_row"]),
         equals("t2|col1", "t2_cols", ["a", "c"], ["t2_col1"]),
         equals("t2|col2", "t2_cols", ["b", "c"], ["t2_col2"])]

# case 4: 14 = 10 + <5 + <5
SAFE_CELLS = [exact("p1", 10), small("a"), small("b"), exact("t", 14)]
SAFE = [equals("row|1", "row", ["p1", "a", "b"], ["t"])]


def test_one_small_cell_under_a_printed_total_is_pinned():
    assert audit(ROW_CELLS, ROW) == [CellAudit("s", True, True, 0, ("row",))]


def test_two_small_cells_under_a_total_are_exposed_not_pinned():
    cells = [exact("p1", 10), small("a"), small("b"), exact("t", 13)]
    result = audit(cells, [equals("row|1", "row", ["p1", "a", "b"], ["t"])])
    assert result == [CellAudit("a", True, False, 3, ("row",)),
                      CellAudit("b", True, False, 3, ("row",))]


def test_two_tables_pin_jointly_what_neither_pins_alone():
    for identity in ("t1_rows", "t2_cols"):
        alone = [c for c in JOINT if c.identity_id == identity]
        assert not any(a.is_exposed for a in audit(JOINT_CELLS, alone)), identity
    result = by_id(audit(JOINT_CELLS, JOINT))
    assert set(result) == {"a", "b", "c"}
    for cell in result.values():
        assert cell.is_pinned and cell.derivable_width == 0
        assert cell.exposing_identity_ids == ("t1_rows", "t2_cols")


def test_enough_suppression_is_not_exposed():
    assert audit(SAFE_CELLS, SAFE) == [CellAudit("a", False, False, 4, ()),
                                       CellAudit("b", False, False, 4, ())]


def test_at_most():
    cells = [small("a"), small("b"), exact("p", 10), exact("t", 12), exact("big", 20)]
    tight = [at_most("r|1", "sub", ["a", "b", "p"], ["t"])]
    assert audit(cells, tight) == [CellAudit("a", True, False, 2, ("sub",)),
                                   CellAudit("b", True, False, 2, ("sub",))]
    loose = [at_most("r|1", "sub", ["a", "b", "p"], ["big"])]
    assert not any(a.is_exposed for a in audit(cells, loose))
    # a printed part under a "<5" total: 3 <= t, so t is 3..4
    cells = [exact("p", 3), small("t")]
    assert audit(cells, [at_most("r|1", "sub", ["p"], ["t"])]) == [
        CellAudit("t", True, False, 1, ("sub",))]


def test_cells_in_no_constraint_are_not_exposed():
    cells = [*ROW_CELLS, small("lonely")]
    assert by_id(audit(cells, ROW))["lonely"] == CellAudit("lonely", False, False, 4, ())


def test_contradicting_identities_raise():
    cells = [exact("a", 10), exact("b", 6), exact("t", 15)]
    with pytest.raises(InfeasibleError, match="row"):
        audit(cells, [equals("row|1", "row", ["a", "b"], ["t"])])
    # each identity holds alone; together they need s = 7 > 4
    cells = [exact("p", 10), small("s"), exact("t", 17), exact("u", 17), exact("q", 9)]
    constraints = [equals("x|1", "rows", ["p", "s"], ["t"]),
                   equals("y|1", "same_population", ["t"], ["u"]),
                   equals("z|1", "other", ["q"], ["q"])]
    with pytest.raises(InfeasibleError) as error:
        audit(cells, constraints)
    assert "x|1" in str(error.value) and "rows" in str(error.value)
    assert "z|1" not in str(error.value)
    assert issubclass(InfeasibleError, ValueError)


def test_unknown_cells_are_rejected():
    with pytest.raises(ValueError, match="unknown cell"):
        audit(ROW_CELLS, [equals("row|1", "row", ["p1", "nope"], ["t"])])


@pytest.mark.parametrize("cells, constraints", [(ROW_CELLS, ROW), (JOINT_CELLS, JOINT)])
def test_suggested_suppression_protects_every_small_cell(cells, constraints):
    suggestions = suggest_suppression(cells, constraints)
    assert suggestions
    printed = {c.cell_id for c in cells if not c.is_suppressed}
    assert {s.cell_id for s in suggestions} <= printed
    assert not any(a.is_exposed for a in audit(freed(cells, suggestions), constraints))
    assert all(s.reason.startswith("frees the <5 cell(s) ") for s in suggestions)


def test_suggested_suppression_of_a_row_frees_its_smallest_part():
    assert suggest_suppression(ROW_CELLS, ROW)[0].cell_id == "p2"


def test_suggested_suppression_repeats_until_nothing_is_exposed():
    # 10 + 1 + <5 = 13: freeing the 1 leaves s <= 3, so a second cell goes
    cells = [exact("p1", 10), exact("p2", 1), small("s"), exact("t", 13)]
    constraints = [equals("row|1", "row", ["p1", "p2", "s"], ["t"])]
    assert [s.cell_id for s in suggest_suppression(cells, constraints)] == ["p1", "p2"]
    # the freed total t is printed again as u in another table
    cells = [exact("p", 10), small("s"), exact("t", 12), exact("u", 12)]
    constraints = [equals("row|1", "row", ["p", "s"], ["t"]),
                   equals("same|1", "same_population", ["t"], ["u"]),
                   equals("p|1", "elsewhere", ["p"], ["p"]),
                   equals("p|2", "elsewhere", ["p"], ["p"])]
    suggestions = suggest_suppression(cells, constraints)
    assert [s.cell_id for s in suggestions] == ["p", "t"]
    assert not any(a.is_exposed for a in audit(freed(cells, suggestions), constraints))
    # t (fewest instances) went first, but alone it still leaves s pinned
    only_t = freed(cells, suggestions[1:])
    assert audit(only_t, constraints)[0].exposing_identity_ids == (
        "row", "same_population")


def test_nothing_exposed_suggests_nothing():
    assert suggest_suppression(SAFE_CELLS, SAFE) == []


def test_deterministic():
    cells, constraints = random_instance(random.Random(7))
    first = (audit(cells, constraints), suggest_suppression(cells, constraints))
    assert (audit(cells, constraints), suggest_suppression(cells, constraints)) == first
    shuffled = random.Random(1).sample(cells, len(cells))
    reordered = random.Random(2).sample(constraints, len(constraints))
    assert (audit(shuffled, reordered), suggest_suppression(shuffled, reordered)) == first


def random_instance(rng):
    """3-5 "<5" cells with hidden values, and 2-4 instances of up to three
    identities that the hidden values satisfy."""
    hidden = {f"s{i}": rng.randint(0, 4) for i in range(rng.randint(3, 5))}
    cells = [small(name) for name in hidden]
    constraints = []
    for i in range(rng.randint(2, 4)):
        chosen = rng.sample(sorted(hidden), rng.randint(1, len(hidden)))
        split = rng.randint(1, len(chosen))
        parts, totals = chosen[:split], chosen[split:]
        relation = rng.choice(["equals", "equals", "at_most"])
        gap = sum(hidden[k] for k in totals) - sum(hidden[k] for k in parts)
        slack = rng.randint(0, 2) if relation == "at_most" else 0
        if totals and gap >= 0:  # a printed part takes up the gap (less any slack)
            cells.append(exact(f"e{i}", max(gap - slack, 0)))
            parts.append(f"e{i}")
        else:  # a printed total does
            cells.append(exact(f"e{i}", slack - gap))
            totals.append(f"e{i}")
        constraints.append(Constraint(f"c{i}", f"id{rng.randint(0, 2)}", relation,
                                      tuple(parts), tuple(totals)))
    return cells, constraints


def holds(constraint, x):
    parts = sum(x[k] for k in constraint.parts)
    total = sum(x[k] for k in constraint.totals)
    if constraint.relation == "equals":
        return parts == total
    if constraint.relation == "at_most":
        return parts <= total
    return abs(200 * parts - 2 * constraint.percent * total) <= total  # |100 p/t - pct| <= 0.5


def brute_force(cells, constraints):
    """{cell: (min, max)} of the "<5" cells over every 0..4 assignment."""
    names = sorted(c.cell_id for c in cells if c.is_suppressed)
    fixed = {c.cell_id: c.low for c in cells if not c.is_suppressed}
    values = {name: set() for name in names}
    for assignment in itertools.product(range(5), repeat=len(names)):
        x = {**fixed, **dict(zip(names, assignment, strict=False))}
        if all(holds(c, x) for c in constraints):
            for name in names:
                values[name].add(x[name])
    return {name: (min(v), max(v)) for name, v in values.items()}


def brute_range(cells, constraints, cell_id, identities):
    kept = [c for c in constraints if c.identity_id in identities]
    return brute_force(cells, kept)[cell_id]


@pytest.mark.parametrize("seed", range(40))
def test_audit_agrees_with_brute_force(seed):
    cells, constraints = random_instance(random.Random(seed))
    expected = brute_force(cells, constraints)
    for result in audit(cells, constraints):
        low, high = expected[result.cell_id]
        assert result.derivable_width == high - low
        assert result.is_exposed == ((low, high) != (0, 4))
        assert result.is_pinned == (low == high)
        identities = set(result.exposing_identity_ids)
        assert bool(identities) == result.is_exposed
        if identities:  # alone give the same range, and each is needed
            assert brute_range(cells, constraints, result.cell_id, identities) == (low, high)
            for identity in identities:
                assert brute_range(cells, constraints, result.cell_id,
                                   identities - {identity}) != (low, high)
    structural = exposed_by_structure(cells, constraints)
    assert structural <= {k for k, (lo, hi) in expected.items() if (lo, hi) != (0, 4)}
    suggestions = suggest_suppression(cells, constraints)
    left = {a.cell_id for a in audit(freed(cells, suggestions), constraints) if a.is_exposed}
    assert left == structural


def test_a_cell_pinned_by_the_layout_alone_is_left_out_of_the_suggestion():
    """A total printed once but split twice, once with and once without c:
    T = a + b + c and T = a + b pin c = 0 whatever T is."""
    cells = [small("a"), small("b"), small("c"), exact("T", 5)]
    constraints = [Constraint("r1", "full", "equals", ("a", "b", "c"), ("T",)),
                   Constraint("r2", "known", "equals", ("a", "b"), ("T",))]
    assert exposed_by_structure(cells, constraints) == {"c"}
    suggestions = suggest_suppression(cells, constraints)
    assert [s.cell_id for s in suggestions] == ["T"]  # protects a and b
    left = [a.cell_id for a in audit(freed(cells, suggestions), constraints) if a.is_exposed]
    assert left == ["c"]


def test_a_rounded_share_narrows_a_small_cell():
    """51% of a total of 200 printed as 100 + <5 + ...: 100 * (100 + x) / 200
    rounds to 51 only for x in 1..3; brute force agrees."""
    cells = [exact("summons", 100), small("other"), exact("total", 200)]
    share = Constraint("rate|2022", "summons_rate", "share_rounds_to",
                       ("summons", "other"), ("total",), 51)
    result, = audit(cells, [share])
    assert (result.is_exposed, result.is_pinned, result.derivable_width) == (True, False, 2)
    assert result.exposing_identity_ids == ("summons_rate",)
    assert brute_force(cells, [share])["other"] == (1, 3)


def test_a_share_needs_its_percentage():
    with pytest.raises(ValueError, match="percentage"):
        audit([small("a"), exact("t", 9)],
              [Constraint("x", "x", "share_rounds_to", ("a",), ("t",))])


def test_a_share_is_protected_by_leaving_out_its_percentage():
    """6% of 70 minors pins a <5 cell to 4 whatever else is printed; the
    suggestion leaves out the printed percentage (the smaller printed figure
    of the instance), and without that share the cell is protected."""
    cells = [small("minors_labour"), exact("minors", 70)]
    share = Constraint("pie|2022", "minors_share", "share_rounds_to",
                       ("minors_labour",), ("minors",), 6, percent_cell="pie_6")
    result, = audit(cells, [share])
    assert result.is_pinned and brute_force(cells, [share])["minors_labour"] == (4, 4)
    assert exposed_by_structure(cells, [share]) == set()
    suggestions = suggest_suppression(cells, [share])
    assert [s.cell_id for s in suggestions] == ["pie_6"]
    assert not any(a.is_exposed for a in audit(cells, []))
