"""Every node of the project is documented, and the charts render from the
marts."""

import json
import os
from pathlib import Path

import pytest

from conftest import PROJECT, run_dbt


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    """The project's manifest: the one scripts/check.sh has just written
    (MENSENHANDEL_TEST_MANIFEST), or a fresh `dbt parse`."""
    prebuilt = os.environ.get("MENSENHANDEL_TEST_MANIFEST")
    if prebuilt and Path(prebuilt).exists():
        return json.loads(Path(prebuilt).read_text())
    target = tmp_path_factory.mktemp("docs")
    result = run_dbt(["parse", "--target-path", str(target)], PROJECT,
                     target / "unused.duckdb")
    assert result.returncode == 0, result.stdout[-3000:]
    return json.loads((target / "manifest.json").read_text())


def undocumented(manifest):
    """Nodes, columns, macros and unit tests without a description. A
    generic data test needs none: its name and arguments say what it checks
    (a description is written only where it adds something); a singular
    test needs one."""
    missing = []
    for node in list(manifest["nodes"].values()) + list(manifest["exposures"].values()):
        if node["package_name"] != "mensenhandel":
            continue
        if node["resource_type"] == "test" and node.get("test_metadata"):
            continue
        if not (node.get("description") or "").strip():
            missing.append(node["unique_id"])
        for name, column in node.get("columns", {}).items():
            if not (column.get("description") or "").strip():
                missing.append(f"{node['unique_id']}.{name}")
    for macro in manifest["macros"].values():
        if macro["package_name"] == "mensenhandel" and not macro["description"].strip():
            missing.append(macro["unique_id"])
    for test in manifest["unit_tests"].values():
        if not (test.get("description") or "").strip():
            missing.append(test["unique_id"])
    return missing


def test_every_node_column_macro_and_test_is_documented(manifest):
    assert undocumented(manifest) == []


def test_the_check_sees_a_missing_description(manifest):
    node = next(n for n in manifest["nodes"].values()
                if n["resource_type"] == "model")
    node["description"] = ""
    assert node["unique_id"] in undocumented(manifest)


def yaml_and_warehouse_columns(manifest, warehouse):
    """{node: (YAML columns, warehouse columns)} of every model and seed."""
    found = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] in ("model", "seed") and node["package_name"] == "mensenhandel":
            in_warehouse = [row[0] for row in warehouse.execute(
                "select column_name from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [f"main_{node['config']['schema']}", node["alias"]]).fetchall()]
            found[node["unique_id"]] = (sorted(node["columns"]), sorted(in_warehouse))
    return found


def test_every_model_and_seed_column_is_described_in_yaml(manifest, warehouse):
    """Columns in the warehouse but not in YAML would escape the check above,
    and YAML columns that no longer exist would describe nothing."""
    found = yaml_and_warehouse_columns(manifest, warehouse)
    assert len(found) > 40
    differ = {node: pair for node, pair in found.items() if pair[0] != pair[1]}
    assert differ == {}


def test_the_column_check_sees_a_missing_column(manifest, warehouse):
    node = next(n for n in manifest["nodes"].values() if n["unique_id"].endswith(".funnel"))
    node["columns"].pop("stage")
    yaml_columns, columns = yaml_and_warehouse_columns(manifest, warehouse)[node["unique_id"]]
    assert "stage" in columns and "stage" not in yaml_columns


def test_overview_page(manifest):
    overview = manifest["docs"]["doc.mensenhandel.__overview__"]["block_contents"]
    for phrase in ["CoMensha", "<5", "not a cohort", "next edition", "cite",
                   "could not be recovered", "assets/funnel_2022.png"]:
        assert phrase in overview


def test_charts_render_from_the_marts(warehouse, tmp_path):
    import subprocess
    import sys

    database = warehouse.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchone()[0]
    result = subprocess.run(
        [sys.executable, str(PROJECT / "scripts" / "charts.py"),
         "--database", database, "--out", str(tmp_path)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert pngs == ["funnel_2022.png", "prosecution_rates.png",
                    "victims_by_age_and_origin.png", "victims_by_form.png"]
    assert all((tmp_path / p).read_bytes()[:4] == b"\x89PNG" for p in pngs)
