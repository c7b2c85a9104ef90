"""scripts/open_data.py: the Excel workbook, the Frictionless Data Package and
the DCAT-AP-DONL metadata of the marts, from the session's build (its
warehouse and manifest) into temporary directories.

The workbook is read back with openpyxl (and, where LibreOffice is
installed, converted to CSV by it) and compared cell by cell with the marts;
the package is validated with the pinned `frictionless validate`; the
JSON-LD is parsed into RDF with rdflib."""

import copy
import csv
import datetime
import importlib.util
import json
import shutil
import subprocess
import sys
import zipfile

import openpyxl
import pytest
import rdflib
from openpyxl.utils import get_column_letter
from rdflib.collection import Collection

from conftest import PROJECT

spec = importlib.util.spec_from_file_location("open_data", PROJECT / "scripts" / "open_data.py")
open_data = importlib.util.module_from_spec(spec)
spec.loader.exec_module(open_data)

FRICTIONLESS = str(open_data.Path(sys.executable).with_name("frictionless"))
COMMIT = "0123456789abcdef0123456789abcdef01234567"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
CSVW = rdflib.Namespace("http://www.w3.org/ns/csvw#")
BASE = "https://example.org/exports/"


@pytest.fixture(scope="module")
def marts(warehouse):
    """The marts of open_data.MARTS that this build has (all of them)."""
    present = {r[0] for r in warehouse.execute(
        "select table_name from information_schema.tables "
        "where table_schema = 'main_marts'").fetchall()}
    marts = [m for m in open_data.MARTS if m in present]
    assert len(marts) >= 4, present
    return marts


def publish(built, manifest, directory, marts, csvs=None):
    """The CSV exports (copied from csvs, or exported) and the three files."""
    directory.mkdir(parents=True, exist_ok=True)
    if csvs is None:
        open_data.export_csvs(built[0], directory, marts)
    else:
        for mart in marts:
            shutil.copy(csvs / f"{mart}.csv", directory / f"{mart}.csv")
    return open_data.write_all(built[0], manifest, directory, marts, commit=COMMIT)


@pytest.fixture(scope="module")
def exports(built, build_manifest, marts, tmp_path_factory):
    directory = tmp_path_factory.mktemp("open-data") / "exports"
    paths = publish(built, build_manifest, directory, marts)
    assert [p.name for p in paths] == ["mensenhandel.xlsx", "datapackage.json", "dcat.jsonld"]
    return directory


@pytest.fixture(scope="module")
def workbook(exports):
    return openpyxl.load_workbook(exports / "mensenhandel.xlsx")


def mart_rows(warehouse, mart):
    columns = warehouse.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'main_marts' and table_name = ? "
        "order by ordinal_position", [mart]).fetchall()
    rows = warehouse.execute(f"select * from main_marts.{mart} order by all").fetchall()
    return columns, rows


def test_workbook_sheets_headers_cells_and_rows_equal_the_marts(workbook, warehouse, marts):
    assert workbook.sheetnames == ["toelichting", *marts, "kolommen", "codes"]
    compared_rows = compared_cells = 0
    for mart in marts:
        columns, rows = mart_rows(warehouse, mart)
        sheet = workbook[mart]
        values = list(sheet.iter_rows(values_only=True))
        assert list(values[0]) == [name for name, _ in columns], mart
        assert len(values) - 1 == len(rows), mart
        for got, want in zip(values[1:], rows, strict=True):
            for (name, data_type), cell, value in zip(columns, got, want, strict=True):
                where = f"{mart}.{name}: {cell!r} != {value!r}"
                if value is None:
                    assert cell is None, where
                elif data_type == "BOOLEAN":
                    assert isinstance(cell, bool) and cell == value, where
                elif data_type == "INTEGER" or data_type == "BIGINT":
                    assert isinstance(cell, int) and not isinstance(cell, bool), where
                    assert cell == value, where
                elif data_type == "DOUBLE":
                    # XlsxWriter writes 16 significant digits
                    assert isinstance(cell, (int, float)), where
                    assert cell == pytest.approx(value, rel=1e-15, abs=1e-300), where
                else:
                    assert isinstance(cell, str) and cell == value, where
                compared_cells += 1
            compared_rows += 1
        assert sheet.freeze_panes == "A2", mart
        last = f"{get_column_letter(len(columns))}{len(rows) + 1}"
        assert sheet.auto_filter.ref == f"A1:{last}", mart
        for index in range(1, len(columns) + 1):
            width = sheet.column_dimensions[get_column_letter(index)].width
            assert 8 <= width <= 62, (mart, index, width)
    print(f"compared {compared_rows} rows, {compared_cells} cells of {len(marts)} marts")
    assert compared_rows == sum(
        warehouse.execute(f"select count(*) from main_marts.{m}").fetchone()[0]
        for m in marts)
    assert compared_rows > 500


def test_explanation_sheet_in_dutch_and_english(workbook, warehouse, marts):
    text = "\n".join(str(v) for row in workbook["toelichting"].iter_rows(values_only=True)
                     for v in row if v is not None)
    edition = warehouse.execute("select max(edition) from main_marts.funnel").fetchone()[0]
    for fragment in ("Nederlands", "English", "Jaarcijfers Mensenhandel",
                     f"Editie {edition}", f"Edition {edition}", COMMIT,
                     "<5", "count_low = 0", "geen cohort", "not a cohort",
                     "Noem dit werkboek", "cite", "CC0-1.0", "Nationaal Rapporteur",
                     *marts):
        assert fragment in text, fragment
    # every column of every mart is described on the sheet kolommen
    described = {(r[0], r[1]): r[6] for r in workbook["kolommen"].iter_rows(
        min_row=2, values_only=True)}
    for mart in marts:
        for name, _ in mart_rows(warehouse, mart)[0]:
            assert described.get((mart, name)), (mart, name)
    # the code lists with their Dutch labels, spelt right (not mojibake)
    codes = {(r[0], r[1]): r[2] for r in workbook["codes"].iter_rows(
        min_row=2, values_only=True)}
    assert codes == {(c, k): nl for c, k, nl in warehouse.execute(
        "select concept, code, label_nl from main_staging.stg_nrm__codes").fetchall()}
    assert codes[("nationality", "ukraine")] == "Oekraïne"
    assert codes[("origin_region", "asia")] == "Azië"


def frictionless_validate(path):
    result = subprocess.run([FRICTIONLESS, "validate", "--json", str(path.name)],
                            cwd=path.parent, capture_output=True, text=True)
    report = json.loads(result.stdout)
    return result.returncode, report


def test_datapackage_validates_and_describes_every_field(exports, build_manifest, marts):
    returncode, report = frictionless_validate(exports / "datapackage.json")
    errors = [e["message"] for task in report["tasks"] for e in task["errors"]]
    assert returncode == 0 and report["valid"], errors[:10]
    assert [task["name"] for task in report["tasks"]] == marts
    package = json.loads((exports / "datapackage.json").read_text())
    assert package["licenses"][0]["name"] == open_data.LICENSE["id"]
    assert "Nationaal Rapporteur" in package["sources"][0]["title"]
    assert [r["name"] for r in package["resources"]] == marts
    fields = 0
    for resource in package["resources"]:
        node = build_manifest["nodes"][f"model.mensenhandel.{resource['name']}"]
        assert resource["description"] == open_data.clean(node["description"])
        for field in resource["schema"]["fields"]:
            assert field["description"], (resource["name"], field["name"])
            assert field["description"] == open_data.clean(
                node["columns"][field["name"]]["description"])
            fields += 1
        keys = [t["test_metadata"]["kwargs"]["columns"] for t in build_manifest["nodes"].values()
                if t["resource_type"] == "test" and t.get("attached_node") == node["unique_id"]
                and (t.get("test_metadata") or {}).get("name") == "unique_key"]
        assert resource["schema"]["primaryKey"] == keys[0]
    print(f"{fields} fields described in {len(marts)} resources")
    by_name = {r["name"]: {f["name"]: f for f in r["schema"]["fields"]}
               for r in package["resources"]}
    # code lists from the tests: known_values and relationships to a seed
    assert by_name["prosecution"]["measure"]["constraints"]["enum"] == [
        "court_decisions", "prosecution_disposals", "registered_prosecution_cases"]
    assert len(by_name["funnel"]["stage"]["constraints"]["enum"]) == 9
    # a column whose codes come from several code lists gets no enum
    assert "enum" not in by_name["demographics"]["category"].get("constraints", {})
    assert by_name["demographics"]["count_low"]["constraints"] == {
        "required": True, "minimum": 0}
    assert "<5" in by_name["demographics"]["count_high"]["description"]
    assert by_name["demographics"]["is_suppressed"]["type"] == "boolean"


def test_datapackage_fails_when_a_csv_drifts(exports, marts, tmp_path):
    drifted = tmp_path / "drifted"
    shutil.copytree(exports, drifted)
    path = drifted / "prosecution.csv"
    path.write_text(path.read_text().replace(",court_decisions,", ",court_decision,"))
    returncode, report = frictionless_validate(drifted / "datapackage.json")
    types = {e["type"] for task in report["tasks"] for e in task["errors"]}
    assert returncode != 0 and not report["valid"]
    assert {"constraint-error", "hash-count", "byte-count"} <= types, types


# rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph internally
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_dcat_jsonld_parses_and_names_every_distribution(exports, warehouse, marts):
    data = json.loads((exports / "dcat.jsonld").read_text())
    graph = rdflib.Graph()
    graph.parse(exports / "dcat.jsonld", format="json-ld", publicID=BASE + "dcat.jsonld")
    datasets = list(graph.subjects(rdflib.RDF.type, DCAT.Dataset))
    assert len(datasets) == 1
    dataset = datasets[0]
    titles = {t.language: str(t) for t in graph.objects(dataset, DCT.title)}
    assert set(titles) == {"nl", "en"}
    assert graph.value(dataset, DCT.license) == rdflib.URIRef(open_data.LICENSE["donl"])
    assert graph.value(dataset, DCT.identifier) is not None
    assert graph.value(dataset, DCT.publisher) is not None
    assert {str(k) for k in graph.objects(dataset, DCAT.keyword)} >= {"mensenhandel"}
    languages = set(graph.objects(dataset, DCT.language))
    assert len(languages) == 2
    temporal = graph.value(dataset, DCT.temporal)
    first, last = warehouse.execute(
        "select min(year), max(year) from main_marts.funnel").fetchone()
    assert str(graph.value(temporal, DCAT.startDate)) == f"{first}-01-01"
    assert str(graph.value(temporal, DCAT.endDate)) == f"{last}-12-31"
    named = {}
    for distribution in graph.objects(dataset, DCAT.distribution):
        url = str(graph.value(distribution, DCAT.accessURL))
        named[url.removeprefix(BASE)] = distribution
        assert graph.value(distribution, DCT["format"]) is not None
        assert graph.value(distribution, DCAT.mediaType) is not None
    files = {p.name for p in exports.iterdir()} - {"dcat.jsonld"}
    assert set(named) == files
    assert len(data["dcat:distribution"]) == len(files)
    # the columns of each CSV, in order, with their descriptions (CSVW)
    for mart in marts:
        schema = graph.value(named[f"{mart}.csv"], CSVW.tableSchema)
        columns = list(Collection(graph, graph.value(schema, CSVW.column)))
        assert [str(graph.value(c, CSVW.name)) for c in columns] == [
            name for name, _ in mart_rows(warehouse, mart)[0]]
        assert all(str(graph.value(c, DCT.description)) for c in columns)


def test_two_runs_give_the_same_bytes(built, build_manifest, exports, marts, tmp_path):
    again = tmp_path / "again"
    publish(built, build_manifest, again, marts, csvs=exports)
    for name in ("mensenhandel.xlsx", "datapackage.json", "dcat.jsonld"):
        assert (again / name).read_bytes() == (exports / name).read_bytes(), name
    with zipfile.ZipFile(exports / "mensenhandel.xlsx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
        assert core.count("1980-01-01T00:00:00Z") == 2, core
    assert openpyxl.load_workbook(exports / "mensenhandel.xlsx").properties.created == \
        datetime.datetime(1980, 1, 1)


def test_a_changed_column_description_reaches_all_three(built, build_manifest, exports,
                                                        marts, tmp_path):
    manifest = copy.deepcopy(build_manifest)
    sentinel = "Sentinel description of the measure, changed in the manifest."
    manifest["nodes"]["model.mensenhandel.prosecution"]["columns"]["measure"][
        "description"] = sentinel
    changed = tmp_path / "changed"
    publish(built, manifest, changed, marts, csvs=exports)
    book = openpyxl.load_workbook(changed / "mensenhandel.xlsx")
    described = {(r[0], r[1]): r[6] for r in book["kolommen"].iter_rows(
        min_row=2, values_only=True)}
    assert described[("prosecution", "measure")] == sentinel
    package = json.loads((changed / "datapackage.json").read_text())
    field = next(f for r in package["resources"] if r["name"] == "prosecution"
                 for f in r["schema"]["fields"] if f["name"] == "measure")
    assert field["description"] == sentinel
    assert sentinel in (changed / "dcat.jsonld").read_text()
    for name in ("datapackage.json", "dcat.jsonld"):
        assert sentinel not in (exports / name).read_text()


def test_command_line_exports_the_csvs_itself(built, marts, tmp_path):
    directory = tmp_path / "cli"
    result = subprocess.run(
        [sys.executable, str(PROJECT / "scripts" / "open_data.py"),
         "--database", str(built[0]), "--manifest", str(built[1] / "manifest.json"),
         "--exports", str(directory), "--commit", COMMIT, "--marts", ",".join(marts)],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for mart in marts:
        with open(directory / f"{mart}.csv", newline="", encoding="utf-8") as f:
            assert next(csv.reader(f))  # a header
    returncode, report = frictionless_validate(directory / "datapackage.json")
    assert returncode == 0 and report["valid"]


def test_libreoffice_opens_the_workbook(exports, warehouse, marts, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed here; the workbook's "
                    "content is checked with openpyxl above")
    # every sheet to <name>-<sheet>.csv (the last token, -1: LibreOffice >= 7.2);
    # UTF-8 (76), raw values rather than as shown (the ninth token)
    filter_options = "44,34,76,1,,0,false,true,false,false,false,-1"
    result = subprocess.run(
        [soffice, "--headless", "--norestore",
         f"-env:UserInstallation=file://{tmp_path / 'profile'}",
         "--convert-to", f"csv:Text - txt - csv (StarCalc):{filter_options}",
         "--outdir", str(tmp_path / "csv"), str(exports / "mensenhandel.xlsx")],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    compared = 0
    for mart in marts:
        path = tmp_path / "csv" / f"mensenhandel-{mart}.csv"
        assert path.exists(), (sorted(p.name for p in (tmp_path / "csv").iterdir()),
                               result.stdout + result.stderr)
        with open(path, newline="", encoding="utf-8") as f:
            got = list(csv.reader(f))
        columns, rows = mart_rows(warehouse, mart)
        assert got[0] == [name for name, _ in columns], mart
        assert len(got) - 1 == len(rows), mart
        for line, want in zip(got[1:], rows, strict=True):
            for (name, data_type), cell, value in zip(columns, line, want, strict=True):
                where = f"{mart}.{name}: {cell!r} != {value!r}"
                if value is None:
                    assert cell == "", where
                elif data_type == "BOOLEAN":
                    assert cell.lower() in (str(value).lower(), str(int(value))), where
                elif data_type in ("INTEGER", "BIGINT", "DOUBLE"):
                    assert float(cell) == pytest.approx(value, rel=1e-9), where
                else:
                    assert cell == value, where
            compared += 1
    print(f"LibreOffice: compared {compared} rows of {len(marts)} marts")


@pytest.mark.no_build
def test_plain_text_of_markdown():
    assert open_data.plain("**Jaar** (year): the *jaar van melding*, `<5`\n"
                           "as 0..4.\n\n- one\n- two") == \
        "Jaar (year): the jaar van melding, <5 as 0..4.\n- one\n- two"
    assert open_data.plain("count_low * 2 and *_high") == "count_low * 2 and *_high"
