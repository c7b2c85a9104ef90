"""Disclosure audit of suppressed counts (printed "<5") by integer programming.

A report prints counts; a small count is printed as "<5", an unknown whole
number from 0 to 4. The printed figures obey identities (a row's parts add
up to its total, two tables count the same population, ...). Someone who
knows every identity may combine them to narrow a "<5" cell below 0..4, or
even to work out its value. This module computes, for every "<5" cell, the
smallest and the largest value it takes over all non-negative whole-number
solutions of all identities together (printed figures held fixed), and
suggests printed figures to suppress as well when a "<5" cell is exposed.

Each identity has instances (constraints): sum(parts) == sum(totals)
('equals'), sum(parts) <= sum(totals) ('at_most'), or a printed whole
percentage p of the parts in the total ('share_rounds_to': p - 0.5 <=
100 * parts / total <= p + 0.5, two linear inequalities). The cells linked by
instances fall into independent groups (components), each solved on its
own with scipy's MILP solver (HiGHS).
"""

from collections import Counter, namedtuple
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp


@dataclass(frozen=True)
class Cell:
    cell_id: str
    low: int  # an exact cell: low == high == the printed value; "<5": 0 and 4
    high: int | None  # None: no upper bound (a cell freed by suppression)
    is_suppressed: bool  # printed "<5"


@dataclass(frozen=True)
class Constraint:
    instance_id: str  # e.g. 'row_split_origin|2022|2022|africa'
    identity_id: str  # the catalogue identity this instance belongs to
    relation: str  # 'equals': sum(parts) == sum(totals); 'at_most': <=;
    # 'share_rounds_to': 100 * sum(parts) / sum(totals) rounds to percent
    parts: tuple[str, ...]
    totals: tuple[str, ...]
    percent: int | None = None  # the printed whole percentage, for a share
    percent_cell: str | None = None  # the printed cell of that percentage, if any


@dataclass(frozen=True)
class CellAudit:
    cell_id: str
    is_exposed: bool  # derivable range narrower than the cell's own range
    is_pinned: bool  # derivable range is a single value
    derivable_width: int  # max - min over all integer solutions
    exposing_identity_ids: tuple[str, ...]  # a minimal exposing set, or ()


@dataclass(frozen=True)
class Suggestion:
    cell_id: str  # an exact cell the producer should print as unknown
    reason: str


class InfeasibleError(ValueError):
    """The identities contradict each other: no solution exists at all."""


# One instance as a linear row: sum(coef[cell] * value) (== or <=) rhs, over
# the unknown cells only; the exact cells are moved into rhs.
_Row = namedtuple("_Row", "instance identity equal coef rhs members")


def _is_unknown(cell):
    return cell.is_suppressed or cell.high is None or cell.low < cell.high


def _index(cells):
    index = {}
    for cell in cells:
        if cell.cell_id in index:
            raise ValueError(f"cell {cell.cell_id!r} is given twice")
        if cell.low < 0 or (cell.high is None and cell.is_suppressed) or (
                cell.high is not None and cell.high < cell.low):
            raise ValueError(f"cell {cell.cell_id!r} has the range {cell.low}..{cell.high}")
        index[cell.cell_id] = cell
    return index


def _rows(cells, constraints):
    rows = []
    for c in constraints:
        where = f"instance {c.instance_id!r}"
        if c.relation not in ("equals", "at_most", "share_rounds_to"):
            raise ValueError(f"{where}: unknown relation {c.relation!r}")
        if (c.relation == "share_rounds_to") != (c.percent is not None):
            raise ValueError(f"{where}: a percentage goes with share_rounds_to only")
        if c.relation == "share_rounds_to":
            # (2p - 1) * total <= 200 * parts <= (2p + 1) * total, as two
            # rows "<= 0" with whole coefficients
            weights = [((200, c.parts), (-(2 * c.percent + 1), c.totals)),
                       ((-200, c.parts), (2 * c.percent - 1, c.totals))]
        else:
            weights = [((1, c.parts), (-1, c.totals))]
        for sides in weights:
            coef, rhs = Counter(), 0
            for sign, ids in sides:
                for cell_id in ids:
                    if cell_id not in cells:
                        raise ValueError(f"{where}: unknown cell {cell_id!r}")
                    if _is_unknown(cells[cell_id]):
                        coef[cell_id] += sign
                    else:
                        rhs -= sign * cells[cell_id].low
            coef = {k: v for k, v in sorted(coef.items()) if v}
            printed = frozenset(c.parts) | frozenset(c.totals) | (
                {c.percent_cell} if c.percent_cell else frozenset())
            rows.append(_Row(c.instance_id, c.identity_id, c.relation == "equals", coef,
                             rhs, printed))
    return sorted(rows, key=lambda r: (r.instance, tuple(r.coef.items()), r.rhs))


def _components(rows):
    """The rows in groups that share no unknown cell (a row without unknown
    cells is a group of its own)."""
    parent = {}

    def find(v):
        while parent.setdefault(v, v) != v:
            v = parent[v]
        return v

    for row in rows:
        for v in row.coef:
            parent[find(v)] = find(next(iter(row.coef)))
    groups = {}
    for i, row in enumerate(rows):
        key = find(next(iter(row.coef))) if row.coef else ("", i)
        groups.setdefault(key, []).append(row)
    return list(groups.values())


def _connected(cell_id, rows):
    """The rows linked to cell_id through shared unknown cells."""
    return next((g for g in _components(rows) if any(cell_id in r.coef for r in g)), [])


def _satisfies(rows, bounds, x):
    if any(v < bounds[k][0] or (bounds[k][1] is not None and v > bounds[k][1])
           for k, v in x.items()):
        return False
    sums = [sum(a * x[k] for k, a in row.coef.items()) for row in rows]
    return all(s == r.rhs if r.equal else s <= r.rhs for s, r in zip(sums, rows, strict=False))


def _solve(rows, bounds, target=None, sense=1):
    """An integer solution {cell: value} of rows minimising sense * target
    (any solution without a target), or None when there is none."""
    names = sorted({k for row in rows for k in row.coef} | ({target} - {None}))
    if not names:
        return {} if _satisfies(rows, bounds, {}) else None
    col = {name: j for j, name in enumerate(names)}
    matrix = np.zeros((len(rows), len(names)))
    for i, row in enumerate(rows):
        for k, a in row.coef.items():
            matrix[i, col[k]] = a
    rhs = np.array([row.rhs for row in rows], dtype=float)
    lower = np.where([row.equal for row in rows], rhs, -np.inf)
    objective = np.zeros(len(names))
    if target is not None:
        objective[col[target]] = sense
    result = milp(
        objective, integrality=np.ones(len(names)),
        bounds=Bounds([bounds[n][0] for n in names],
                      [np.inf if bounds[n][1] is None else bounds[n][1] for n in names]),
        constraints=[LinearConstraint(matrix, lower, rhs)] if rows else [],
        options={"mip_rel_gap": 0})
    if result.status == 2:
        return None
    if not result.success:
        raise RuntimeError(f"MILP solver failed: {result.message}")
    x = {name: int(round(value)) for name, value in zip(names, result.x, strict=False)}
    if not _satisfies(rows, bounds, x):
        raise RuntimeError("MILP solver returned a solution that does not check out")
    return x


def _infeasible(rows, bounds):
    """InfeasibleError naming a minimal contradicting set of instances."""
    kept = list(rows)
    for row in rows:  # drop each instance that is not needed for the contradiction
        trial = [r for r in kept if r is not row]
        if _solve(trial, bounds) is None:
            kept = trial
    identities = ", ".join(sorted({r.identity for r in kept}))
    instances = ", ".join(r.instance for r in kept)
    return InfeasibleError(
        f"the identities contradict each other: no non-negative whole numbers satisfy "
        f"the instances {instances} (identity {identities}) together")


def _range(cell_id, rows, bounds):
    """The smallest and largest value of cell_id under rows (only the rows
    linked to it matter: the others are feasible on their own)."""
    rows = _connected(cell_id, rows)
    if not rows:
        return bounds[cell_id]
    low, high = (_solve(rows, bounds, cell_id, sense) for sense in (1, -1))
    if low is None:  # cannot happen: rows relax a feasible system
        return None
    return low[cell_id], high[cell_id]


def _nearest_identities(cell_id, rows, bounds, full_range):
    """The identities of the instances within the fewest steps of cell_id
    (instances linked by shared unknown cells) that already narrow it to
    its full range: the start of the greedy search, usually the cell's own
    instances, so that few identities are left to try."""
    reached, frontier = set(), {cell_id}
    while True:
        near = [r for r in rows if r.identity in reached or frontier & set(r.coef)]
        reached = {r.identity for r in near}
        if len(near) == len(rows) or _range(cell_id, near, bounds) == full_range:
            return sorted(reached)
        frontier = {k for r in near for k in r.coef}


def _audit_component(rows, bounds, cells, explain=True, only=None):
    """{cell id: CellAudit} of the "<5" cells of one component (of those in
    `only`, if given); without explain, no exposing identities (they cost
    most of the solves)."""
    pool = [_solve(rows, bounds)]  # every solution found; any one may skip a solve
    if pool[0] is None:
        raise _infeasible(rows, bounds)
    audits = {}
    for cell_id in sorted(k for k in pool[0] if cells[k].is_suppressed
                          and (only is None or k in only)):
        extremes = []
        for value, sense in zip(bounds[cell_id], (1, -1), strict=False):
            if not any(x[cell_id] == value for x in pool):  # the pool shortcut
                pool.append(_solve(rows, bounds, cell_id, sense))
                value = pool[-1][cell_id]
            extremes.append(value)
        low, high = extremes
        exposed = (low, high) != bounds[cell_id]
        identities = _nearest_identities(cell_id, rows, bounds, (low, high)) \
            if exposed and explain else []
        for identity in list(identities):  # greedy: drop what is not needed
            trial = [r for r in rows if r.identity in identities and r.identity != identity]
            if _range(cell_id, trial, bounds) == (low, high):
                identities.remove(identity)
        audits[cell_id] = CellAudit(cell_id, exposed, low == high, high - low,
                                    tuple(identities))
    return audits


def _audit(cells, constraints, cache=None, explain=True, only=None):
    """(the CellAudits by cell id, the component's rows by cell id). cache
    keeps the audits of components by their rows: suggest_suppression's
    rounds change only the components around the freed cells. With `only`,
    the other "<5" cells are taken as not exposed without a solve."""
    rows = _rows(cells, constraints)
    bounds = {k: (c.low, c.high) for k, c in cells.items()}
    audits, component, cache = {}, {}, {} if cache is None else cache
    for group in _components(rows):
        key = tuple((r.instance, r.identity, r.equal, tuple(r.coef.items()), r.rhs)
                    for r in group)
        if only is not None:
            key += (frozenset(k for row in group for k in row.coef if k in only),)
        if key not in cache:
            cache[key] = _audit_component(group, bounds, cells, explain, only)
        audits.update(cache[key])
        component.update({k: group for row in group for k in row.coef})
    for cell in cells.values():
        if cell.is_suppressed and cell.cell_id not in audits:
            width = cell.high - cell.low
            audits[cell.cell_id] = CellAudit(cell.cell_id, False, width == 0, width, ())
    return [audits[k] for k in sorted(audits)], component


def audit(cells: Iterable[Cell], constraints: Iterable[Constraint]) -> list[CellAudit]:
    """For every "<5" cell, the range of values it can take given all the
    identities jointly: over every assignment of non-negative whole numbers
    to the unknown cells (within their own ranges) that satisfies all
    instances, with the printed cells fixed. The cell is exposed when that
    range is narrower than 0..4 and pinned when it is a single value; an
    exposed cell also names a minimal set of identities (all instances of
    each) that alone narrow it to the same range. One CellAudit per "<5" cell, sorted by
    cell id. Raises InfeasibleError when no solution exists at all."""
    return _audit(_index(cells), list(constraints))[0]


def exposed_by_structure(cells: Iterable[Cell], constraints: Iterable[Constraint]) -> set[str]:
    """The "<5" cells that stay exposed even if every printed figure were
    unknown: the identities among the "<5" cells themselves (the layout of
    the tables and the prose) narrow them, whatever the printed values. No
    complementary suppression protects them; only another layout would."""
    freed = [c if c.is_suppressed else replace(c, low=0, high=None) for c in cells]
    # a printed percentage left out says nothing: its share drops out too
    kept = [c for c in constraints if c.percent_cell is None]
    audits, _ = _audit(_index(freed), kept, explain=False)
    return {a.cell_id for a in audits if a.is_exposed}


def suggest_suppression(cells: Iterable[Cell],
                        constraints: Iterable[Constraint]) -> list[Suggestion]:
    """Printed (exact) cells to print as unknown as well, so that no "<5"
    cell is exposed any more: each freed cell becomes a non-negative whole
    number without upper bound. Greedy, in rounds: for each exposed cell
    whose instances gain no freed cell yet this round, free one printed
    cell of the instances it is in (else of its component: cells in fewer
    instances first, then smaller printed values, then the cell id); then
    audit again, until nothing is exposed but the cells that
    no suppression protects (exposed_by_structure), which are left out. Empty
    when nothing is exposed; sorted by cell id; deterministic."""
    cells, constraints = _index(cells), list(constraints)
    structural = exposed_by_structure(cells.values(), constraints)
    memberships = Counter(k for c in constraints
                          for k in {*c.parts, *c.totals, c.percent_cell} - {None})
    suggestions, cache, watched = [], {}, None
    while True:
        # freeing a cell only relaxes the identities: a cell not exposed
        # stays so, and each round audits the cells exposed the round before
        audits, component = _audit(cells, constraints, cache, explain=False, only=watched)
        exposed = [a for a in audits if a.is_exposed and a.cell_id not in structural]
        watched = {a.cell_id for a in exposed}
        if not exposed:  # verified: the audit of the freed cells exposes nothing
            return sorted(suggestions, key=lambda s: s.cell_id)
        printable = {k for k, c in cells.items() if not _is_unknown(c)}
        printable |= {c.percent_cell for c in constraints if c.percent_cell}
        percents = {c.percent_cell: c.percent for c in constraints if c.percent_cell}
        chosen = set()  # one round frees a cell for each exposed cell not yet helped
        for first in exposed:
            rows = component[first.cell_id]
            own = [r for r in rows if first.cell_id in r.members]
            if any(k in r.members for r in own for k in chosen):
                continue  # this round already frees a cell of its instances
            candidates = {k for r in own for k in r.members} & printable - chosen
            candidates = candidates or {k for r in rows for k in r.members} & printable - chosen
            if not candidates:
                if chosen:  # its component's printed cells are freed this round
                    continue
                # cannot happen: the cell is not exposed by the layout alone
                raise RuntimeError(f"no printed figure protects the <5 cell {first.cell_id}")
            best = min(candidates, key=lambda k: (
                not any(k in r.members for r in own), memberships[k],
                cells[k].low if k in cells else percents[k], k))
            chosen.add(best)
            linked = [r for r in rows if best in r.members]
            helped = [a for a in exposed
                      if any(a.cell_id in r.members for r in linked)] or [first]
            identities = sorted({r.identity for r in linked
                                 if any(a.cell_id in r.members for a in helped)})
            suggestions.append(Suggestion(best, (
                f"frees the <5 cell(s) {', '.join(a.cell_id for a in helped)}, "
                f"exposed through identity {', '.join(identities) or 'several'}")))
        for best in chosen:
            if best in cells:
                cells[best] = replace(cells[best], low=0, high=None)
            # a printed percentage left out: its share says nothing any more
            constraints = [c for c in constraints if c.percent_cell != best]
