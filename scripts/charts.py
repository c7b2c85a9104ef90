"""Renders the charts of the docs overview from the marts, as PNG files.

    python scripts/charts.py [--database target/mensenhandel.duckdb] [--out assets]

Every chart is drawn from a query on a mart; a range (count_low..count_high)
is drawn as an error bar, so sums with a suppressed cell show as ranges.
"""

import argparse
import os
from pathlib import Path

import duckdb
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
# the forms drawn, in this order; their labels come from the marts (nrm__codes)
FORMS = ["domestic_sexual", "international_sexual", "labour", "criminal"]


def save(fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def bars_with_ranges(ax, x, low, high, **kwargs):
    """Bars at the midpoint of each range, with the range as an error bar."""
    mid = [(lo + hi) / 2 for lo, hi in zip(low, high, strict=True)]
    err = [[m - lo for m, lo in zip(mid, low, strict=True)],
           [hi - m for m, hi in zip(mid, high, strict=True)]]
    return ax.bar(x, mid, yerr=err, capsize=3, **kwargs)


def victims_by_form(con, out):
    rows = con.execute(
        """
        select year, category, count_low, count_high, category_label_en
        from main_marts.demographics
        where breakdown = 'form_of_exploitation_every_form' and cross_category = 'all'
        order by year
        """
    ).fetchall()
    labels = {r[1]: r[4] for r in rows}
    fig, ax = plt.subplots(figsize=(8, 4.5))
    years = sorted({r[0] for r in rows})
    width = 0.2
    for i, code in enumerate(FORMS):
        sel = [r for r in rows if r[1] == code]
        bars_with_ranges(ax, [y + (i - 1.5) * width for y in years],
                         [r[2] for r in sel], [r[3] for r in sel],
                         width=width, label=labels[code])
    ax.set_title("Victims reported to CoMensha by form of exploitation")
    ax.set_ylabel("victims (a victim can count under several forms)")
    ax.set_xticks(years)
    ax.legend(fontsize=8)
    save(fig, out / "victims_by_form.png")


def funnel_2022(con, out):
    rows = con.execute(
        """
        select stage, unit, count_low, count_high
        from main_marts.funnel
        where year = 2022 and is_published
        order by stage_number
        """
    ).fetchall()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    labels = [f"{r[0].replace('_', ' ')}\n({r[1]})" for r in rows]
    y = list(range(len(rows)))[::-1]
    mid = [(r[2] + r[3]) / 2 for r in rows]
    ax.barh(y, mid, color="#4c72b0")
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=7)
    ax.set_xscale("log")
    for yi, r in zip(y, rows, strict=False):
        text = f"{r[2]}" if r[2] == r[3] else f"{r[2]}-{r[3]}"
        ax.text((r[2] + r[3]) / 2, yi, f" {text}", va="center", fontsize=7)
    ax.set_title("2022: from the estimate to convictions (yearly flows, not a cohort)")
    ax.set_xlabel("count (log scale; units differ per stage)")
    save(fig, out / "funnel_2022.png")


def prosecution_rates(con, out):
    rows = con.execute(
        """
        select year, category, rate_low, rate_high
        from main_marts.prosecution
        where form = 'all' and category in ('dismissal', 'conviction')
        order by year
        """
    ).fetchall()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for category, label in [("dismissal", "sepot rate (OM)"),
                            ("conviction", "conviction rate (court)")]:
        sel = [r for r in rows if r[1] == category]
        years = [r[0] for r in sel]
        low = [100 * r[2] for r in sel]
        high = [100 * r[3] for r in sel]
        ax.plot(years, [(lo + hi) / 2 for lo, hi in zip(low, high, strict=True)], marker="o",
                label=label)
        ax.fill_between(years, low, high, alpha=0.3)
    ax.set_ylim(0, 100)
    ax.set_ylabel("% (band: bounds from suppressed cells)")
    ax.set_xticks(sorted({r[0] for r in rows}))
    ax.set_title("Sepot and conviction rates")
    ax.legend()
    save(fig, out / "prosecution_rates.png")


def victims_by_age_and_origin(con, out):
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.5))
    for ax, breakdown, title in [
        (axes[0], "age_group", "by age group"),
        (axes[1], "origin_region", "by origin region"),
    ]:
        rows = con.execute(
            """
            select year, category, count_low, count_high, category_label_en
            from main_marts.demographics
            where breakdown = ? and cross_category = 'all'
            order by year, category
            """,
            [breakdown],
        ).fetchall()
        years = sorted({r[0] for r in rows})
        categories = sorted({r[1] for r in rows})
        width = 0.8 / len(categories)
        for i, category in enumerate(categories):
            sel = {r[0]: r for r in rows if r[1] == category}
            bars_with_ranges(
                ax,
                [y + (i - len(categories) / 2) * width for y in years],
                [sel[y][2] for y in years],
                [sel[y][3] for y in years],
                width=width,
                label=sel[years[0]][4],
            )
        ax.set_title(f"Reported victims {title}")
        ax.set_xticks(years)
        ax.legend(fontsize=7)
    save(fig, out / "victims_by_age_and_origin.png")


CHARTS = [victims_by_form, funnel_2022, prosecution_rates, victims_by_age_and_origin]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database",
        default=os.environ.get("MENSENHANDEL_DUCKDB_PATH",
                               str(PROJECT / "target" / "mensenhandel.duckdb")),
    )
    parser.add_argument("--out", default=str(PROJECT / "assets"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(args.database, read_only=True)
    for chart in CHARTS:
        chart(con, out)
        print(f"wrote {out / (chart.__name__ + '.png')}")


if __name__ == "__main__":
    main()
