"""Publishes the marts where people work: an Excel workbook, a Frictionless
Data Package and DCAT-AP-DONL metadata, all from one set of descriptions.

    python scripts/open_data.py --database target/mensenhandel.duckdb \\
        --manifest target/manifest.json --exports DIR [--edition N] [--commit HASH]

Writes into the exports directory (the one scripts/publish.py fills with one
`<mart>.csv` and `<mart>.parquet` per mart):

- `mensenhandel.xlsx`: an explanation sheet in Dutch and English
  (`toelichting`), one sheet per mart with typed cells, a frozen header, a
  filter and fitted widths, every column described (`kolommen`) and the code
  lists with their Dutch and English labels (`codes`);
- `datapackage.json`: a Frictionless (tabular) Data Package describing the
  CSV files: every field with its type, description and constraints
  (required, enums, minimum, primary key), the licence and the source, and
  each file's size and sha256, so `frictionless validate` fails when a CSV
  drifts from its description;
- `dcat.jsonld`: DCAT-AP-DONL metadata (JSON-LD) of the dataset, with one
  distribution per published file, for data.overheid.nl.

The descriptions all come from the dbt manifest (the models' and columns'
rendered descriptions, doc blocks included; the overview doc block for the
explanation) and the seeds (code lists from main_staging.stg_nrm__codes and
stg_nrm__report_tables); enums and keys from the manifest's data tests. The
output is reproducible: the same warehouse, manifest, edition and commit
give the same bytes (fixed timestamps in the workbook, JSON with sorted
keys).

scripts/publish.py calls write_all() after its own exports; the command
line exports missing CSV files itself (the SQL of publish), so it also works
alone on any built warehouse. See docs/open-data.md.
"""

import argparse
import datetime
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import xlsxwriter

PROJECT = Path(__file__).resolve().parent.parent
MARTS = ("funnel", "demographics", "prosecution", "reconciliation",
         "report_statements", "revisions")

WORKBOOK_NAME = "mensenhandel.xlsx"
DATAPACKAGE_NAME = "datapackage.json"
DCAT_NAME = "dcat.jsonld"
EXPLANATION_SHEET = "toelichting"
COLUMNS_SHEET = "kolommen"
CODES_SHEET = "codes"

# The licence of the processing. The figures are public-sector statistics of
# the Nationaal Rapporteur; the maintainers should confirm this choice.
LICENSE = {
    "id": "CC0-1.0",
    "title": "Creative Commons Zero v1.0 Universal",
    "url": "https://creativecommons.org/publicdomain/zero/1.0/",
    # the value of the DCAT-AP-DONL licence list (donl:License)
    "donl": "http://creativecommons.org/publicdomain/zero/1.0/deed.nl",
}
# The source of the figures, to be named whenever they are used.
SOURCE = {
    "name": "Nationaal Rapporteur Mensenhandel en Seksueel Geweld tegen Kinderen",
    "report": "Jaarcijfers Mensenhandel",
    "url": "https://www.nationaalrapporteur.nl/",
    "figures_by": "CoMensha, Politie/EMM, OM/WODC",
}
# Who publishes this dataset (the processing): the warehouse maintainers.
PUBLISHER = {
    "nl": "Beheerders van het Mensenhandel-warehouse",
    "en": "Mensenhandel warehouse maintainers",
    "email": None,  # a general address, once there is one (DCAT-AP-DONL asks for it)
}
DATASET_IDENTIFIER = "mensenhandel-warehouse-jaarcijfers"
TITLE = {
    "nl": "Mensenhandel in Nederland: Jaarcijfers Mensenhandel {edition}, als tabellen",
    "en": "Human trafficking in the Netherlands: Jaarcijfers Mensenhandel {edition}, as tables",
}
KEYWORDS = {
    "nl": ["mensenhandel", "slachtoffers", "verdachten", "vervolging", "uitbuiting",
           "Nationaal Rapporteur", "CoMensha"],
    "en": ["human trafficking", "victims", "suspects", "prosecution", "exploitation"],
}
# Fixed timestamp of the workbook (document properties and zip entries): the
# zip epoch, so that two runs give the same bytes.
FIXED_TIME = datetime.datetime(1980, 1, 1)

# Value lists (URIs) of DCAT-AP-DONL and the EU Publications Office.
THEME = "http://standaarden.overheid.nl/owms/terms/Criminaliteit"
LANGUAGES = ("http://publications.europa.eu/resource/authority/language/NLD",
             "http://publications.europa.eu/resource/authority/language/ENG")
SPATIAL = "http://publications.europa.eu/resource/authority/country/NLD"
ACCESS_RIGHTS = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
STATUS = "http://data.overheid.nl/status/beschikbaar"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
MEDIA_TYPE = "http://www.iana.org/assignments/media-types/"
FORMATS = {  # suffix: (EU file type, IANA media type)
    ".csv": ("CSV", "text/csv"),
    ".parquet": ("PARQUET", "application/vnd.apache.parquet"),
    ".xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".json": ("JSON", "application/json"),
}
CONTEXT = {
    "adms": "http://www.w3.org/ns/adms#",
    "csvw": "http://www.w3.org/ns/csvw#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "spdx": "http://spdx.org/rdf/terms#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

# Dutch texts of the explanation sheet. The English texts come from the dbt
# docs (the overview doc block), so they change with the docs; these are
# their Dutch counterparts.
MART_TITLES_NL = {
    "funnel": "De keten van slachtoffers tot veroordelingen per verslagjaar, in "
              "negen stappen. Geen cohort: stromen van één jaar in verschillende "
              "eenheden.",
    "demographics": "Wie de slachtoffers en verdachten zijn: elke gepubliceerde "
                    "uitsplitsing per jaar, met het aandeel in het jaartotaal.",
    "prosecution": "Wat er met mensenhandelzaken gebeurt: afhandeling door het OM "
                   "(dagvaarding, sepot, overig) en uitspraken van de rechter "
                   "(veroordeling, vrijspraak, overig), met percentages.",
    "reconciliation": "Elke controle van het rapport op zichzelf (delen tegen "
                      "totalen), met de uitkomst in holds.",
    "report_statements": "Elk cijfer uit de tekst van het rapport dat de tabellen "
                         "moeten geven, en of ze dat doen.",
    "revisions": "Wat elke editie herzag ten opzichte van de vorige (leeg zolang er "
                 "één editie is).",
}
EXPLANATION_NL = {
    "what": (
        "Dit werkboek bevat de cijfers van de Jaarcijfers Mensenhandel {edition} "
        "(verslagjaren {years}) van de Nationaal Rapporteur Mensenhandel en "
        "Seksueel Geweld tegen Kinderen, als tabellen van het Mensenhandel-"
        "warehouse: één blad per tabel. Elk cijfer staat erin zoals het rapport "
        "het drukt; niets is geschat of aangevuld. Het blad kolommen beschrijft "
        "elke kolom, het blad codes geeft elke code met haar Nederlandse en "
        "Engelse naam."
    ),
    "source": (
        "CoMensha (Coördinatiecentrum tegen Mensenhandel) registreert de gemelde "
        "slachtoffers; de politie (EMM) de verdachten in beeld en de opgestarte "
        "onderzoeken; het OM en het WODC de ingeschreven en afgehandelde zaken "
        "(dagvaarding, sepot) en de uitspraken van de rechter (veroordeling, "
        "vrijspraak). De Nationaal Rapporteur publiceert deze cijfers en schat "
        "het aantal slachtoffers op ongeveer 5.000 per jaar."
    ),
    "suppressed": (
        "<5: om de privacy te beschermen drukt het rapport aantallen onder de vijf "
        "als <5. Hier is zo'n cel het bereik 0 tot en met 4: count_low = 0 en "
        "count_high = 4 (is_suppressed = WAAR). Een gedrukt getal staat er "
        "precies in (count_low = count_high). Een som, aandeel of percentage is "
        "alleen een bereik, van *_low tot *_high, als er een <5-cel in meetelt "
        "(has_suppressed_input = WAAR); een aandeel loopt dan van de laagste "
        "teller gedeeld door de hoogste noemer tot de hoogste teller gedeeld door "
        "de laagste noemer. Het rapport drukt <5 ook voor cellen die volgens de "
        "tekst 0 zijn, dus 0 hoort bij het bereik. Aandelen en percentages zijn "
        "fracties: 0,5 is 50%."
    ),
    "funnel": (
        "De trechter (blad funnel) is geen cohort. De negen stappen, van geschatte "
        "slachtoffers tot veroordelingen, zijn stromen van één jaar, gemeten in "
        "verschillende eenheden (personen, onderzoeken, zaken) en geregistreerd "
        "door verschillende organisaties. De verdachten van een jaar zijn niet de "
        "daders van de slachtoffers van dat jaar, en een zaak waarover de rechter "
        "in een jaar beslist kan jaren eerder zijn ingeschreven. Een verhouding "
        "tussen twee stappen beschrijft de omvang van de registraties, geen kans."
    ),
    "cite": (
        "Bron van de cijfers: {source}, {report} {edition} (cijfers {figures_by}). "
        "Noem dit werkboek als de bewerking: \"Mensenhandel-warehouse, editie "
        "{edition}, commit {commit}\", en vermeld het wanneer een cijfer een "
        "bereik is omdat het rapport <5 drukte."
    ),
    "edition": (
        "Editie {edition}: de Jaarcijfers Mensenhandel {edition}, verslagjaren "
        "{years}. Gemaakt uit commit {commit} van het warehouse."
    ),
    "license": (
        "De bewerking valt onder {license_title} ({license_id}, {license_url}). "
        "Vermeld bij gebruik de Nationaal Rapporteur als bron van de cijfers."
    ),
    "excel": (
        "Dit werkboek is de route voor Excel: de CSV-bestanden naast dit werkboek "
        "zijn voor machines (komma's, UTF-8 zonder BOM) en openen in een "
        "Nederlandstalige Excel als één kolom. Open daarom dit werkboek."
    ),
}
# English texts used when the overview doc block lacks the section.
EXPLANATION_EN = {
    "what": (
        "This workbook holds the figures of the Jaarcijfers Mensenhandel {edition} "
        "(reference years {years}) of the Nationaal Rapporteur, as the tables of "
        "the Mensenhandel warehouse: one sheet per table."
    ),
    "source": "Figures of {figures_by}, published by the {source}.",
    "cite": (
        "Source of the figures: {source}, {report} {edition} (figures "
        "{figures_by}). Cite this warehouse as the processing."
    ),
    "cite_this": (
        "This workbook: \"Mensenhandel warehouse, edition {edition}, commit "
        "{commit}\"."
    ),
    "edition": (
        "Edition {edition}: the Jaarcijfers Mensenhandel {edition}, reference years "
        "{years}. Built from commit {commit} of the warehouse."
    ),
    "license": (
        "The processing is under {license_title} ({license_id}, {license_url}). "
        "Name the Nationaal Rapporteur as the source of the figures."
    ),
    "excel": (
        "This workbook is the route for Excel: the CSV files beside it are for "
        "machines (commas, UTF-8 without a byte-order mark), which Excel in a "
        "Dutch locale opens as one column. Open this workbook instead."
    ),
    "suppressed": (
        "For privacy the report prints counts below five as <5: here the range "
        "0..4 (count_low = 0, count_high = 4, is_suppressed). A sum, share or "
        "rate is a range (*_low .. *_high) only where a <5 cell enters it "
        "(has_suppressed_input)."
    ),
    "funnel": (
        "The funnel is not a cohort: its stages are yearly flows measured in "
        "different units by different organisations; a ratio between stages is "
        "not a probability."
    ),
    "sheets": (
        "Every sheet below is one table (mart); the sheet kolommen describes every "
        "column, the sheet codes gives every code with its Dutch and English label."
    ),
}
TOPICS = (  # key, label of the row, section of the overview doc block
    ("what", "Wat / What", None),
    ("source", "Bron / Source", "Who registers what"),
    ("suppressed", "<5 en bereiken / <5 and ranges", "Suppressed cells: `<5`"),
    ("funnel", "Trechter / Funnel", "The funnel is not a cohort"),
    ("cite", "Citeren / How to cite", "How to cite"),
    ("edition", "Editie en commit / Edition and commit", None),
    ("license", "Licentie / Licence", None),
    ("excel", "Excel en CSV / Excel and CSV", None),
)


# ---------------------------------------------------------------- descriptions

def clean(text):
    """A description on one line (doc blocks render with line breaks)."""
    return " ".join((text or "").split())


def plain(markdown):
    """Markdown as plain text: paragraphs and list items kept on their own
    lines, emphasis and code marks dropped."""
    paragraphs, current = [], []
    for line in (markdown or "").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("- ", "* ", "#")):
            if current:
                paragraphs.append(" ".join(current))
            current = []
            if stripped.startswith("#"):
                continue
        if stripped:
            current.append(stripped)
    if current:
        paragraphs.append(" ".join(current))
    text = "\n".join(paragraphs)
    text = text.replace("**", "").replace("`", "")
    return re.sub(r"(?<![\w*])\*(?!\s)([^*\n]+?)\*(?!\w)", r"\1", text)


def doc_sections(manifest):
    """The overview doc block of the project, as {heading: markdown}; the
    text before the first '## ' heading (the title's paragraph) is ''."""
    docs = manifest.get("docs", {})
    block = next((d.get("block_contents", "") for d in docs.values()
                  if d.get("name") == "__overview__"
                  and d.get("package_name") == project_name(manifest)),
                 "")
    sections, heading, lines = {}, "", []
    for line in block.splitlines():
        if line.startswith("## "):
            sections[heading] = "\n".join(lines).strip()
            heading, lines = line[3:].strip(), []
        elif not line.startswith("# "):
            lines.append(line)
    sections[heading] = "\n".join(lines).strip()
    return sections


def project_name(manifest):
    return manifest.get("metadata", {}).get("project_name") or "mensenhandel"


def node_of(manifest, name):
    """The manifest node of a model or seed of the project by name (with
    its unique_id)."""
    project = project_name(manifest)
    for kind in ("model", "seed", "snapshot"):
        unique_id = f"{kind}.{project}.{name}"
        node = manifest["nodes"].get(unique_id)
        if node:
            return {"unique_id": unique_id, "schema": None, "name": name, **node}
    raise KeyError(f"no model or seed {name!r} in the manifest")


def tests_on(manifest, node_id):
    """The generic data tests attached to a node: (name, column, kwargs)."""
    tests = []
    for node in manifest["nodes"].values():
        if node.get("resource_type") != "test" or not node.get("test_metadata"):
            continue
        if node.get("attached_node") != node_id:
            continue
        meta = node["test_metadata"]
        kwargs = {k: v for k, v in (meta.get("kwargs") or {}).items() if k != "model"}
        tests.append((meta["name"], node.get("column_name") or kwargs.get("column_name"),
                      kwargs))
    return sorted(tests, key=lambda t: json.dumps(t, sort_keys=True, default=str))


def relation(manifest, ref_expression):
    """schema.table of "ref('name')" (the database name is left out: it is
    the file name of the build, and the file may have been moved)."""
    match = re.fullmatch(r"\s*ref\(\s*['\"]([^'\"]+)['\"]\s*\)\s*", ref_expression or "")
    if not match:
        return None
    node = node_of(manifest, match.group(1))
    return f'"{node["schema"]}"."{node.get("alias") or node["name"]}"'


def table_columns(con, mart):
    return con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'main_marts' and table_name = ? "
        "order by ordinal_position", [mart]).fetchall()


def describe(con, manifest, marts):
    """One description of every mart, from the manifest (descriptions, data
    tests) and the warehouse (columns, types, code lists, rows): the source
    of the workbook, the data package and the DCAT metadata alike.

    Enums: a column is a code list only where a data test says so:
    known_values / accepted_values (their values), or relationships_to a
    seed or model (the distinct values of that column in the warehouse).
    Columns whose codes come from several concepts (demographics.category
    depends on breakdown) get none. Required: no_nulls / not_null tests and
    not_null constraints. Primary key: the unique_key test's columns.
    Minimum 0: an all_rows_satisfy condition `column >= 0`."""
    spec = {}
    for mart in marts:
        node = node_of(manifest, mart)
        columns = table_columns(con, mart)
        if not columns:
            raise KeyError(f"main_marts.{mart} is not in the warehouse")
        names = [name for name, _ in columns]
        required, enums, minimum, primary_key = set(), {}, set(), []
        for name, column, kwargs in tests_on(manifest, node["unique_id"]):
            if name == "no_nulls":
                required.update(kwargs.get("columns") or [])
            elif name == "not_null" and column:
                required.add(column)
            elif name == "unique_key" and not primary_key:
                primary_key = list(kwargs.get("columns") or [])
            elif name == "unique" and column and not primary_key:
                primary_key = [column]
            elif name in ("known_values", "accepted_values") and column:
                enums[column] = sorted({str(v) for v in kwargs.get("values") or []})
            elif name in ("relationships_to", "relationships") and column:
                target = relation(manifest, kwargs.get("to") or "")
                field = kwargs.get("field")
                if target and field:
                    enums[column] = [r[0] for r in con.execute(
                        f'select distinct cast("{field}" as varchar) from {target} '
                        f'where "{field}" is not null order by 1').fetchall()]
            elif name == "all_rows_satisfy":
                for column_name in re.findall(r"\b(\w+)\s*>=\s*0\b",
                                              kwargs.get("condition") or ""):
                    minimum.add(column_name)
        for name, column in node.get("columns", {}).items():
            if any(c.get("type") == "not_null" for c in column.get("constraints") or []):
                required.add(name)
        rows = con.execute(f"select count(*) from main_marts.{mart}").fetchone()[0]
        spec[mart] = {
            "description": clean(node.get("description")),
            "rows": rows,
            "primary_key": [c for c in primary_key if c in names],
            "columns": [
                {
                    "name": name,
                    "type": data_type,
                    "description": clean(node.get("columns", {}).get(name, {})
                                         .get("description")),
                    "required": name in required,
                    "enum": enums.get(name) if data_type == "VARCHAR" else None,
                    "minimum": 0 if name in minimum else None,
                }
                for name, data_type in columns
            ],
        }
    return spec


def reference_years(con, marts):
    years = set()
    for mart in marts:
        if any(name == "year" for name, _ in table_columns(con, mart)):
            years.update(r[0] for r in con.execute(
                f"select distinct year from main_marts.{mart} where year is not null"
            ).fetchall())
    return (min(years), max(years)) if years else (None, None)


def edition_of(database, marts=MARTS):
    """The latest edition in the marts (for callers that don't pass one)."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        editions = []
        for mart in marts:
            if any(name == "edition" for name, _ in table_columns(con, mart)):
                editions.append(con.execute(
                    f"select max(edition) from main_marts.{mart}").fetchone()[0])
        editions = [e for e in editions if e is not None]
        return max(editions) if editions else None
    finally:
        con.close()


def source_commit(project=PROJECT):
    """The commit the warehouse was built from (git rev-parse, read-only)."""
    try:
        result = subprocess.run(["git", "-C", str(project), "rev-parse", "HEAD"],
                                capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return result.stdout.strip() or "unknown"


def context_of(con, manifest, marts, edition, commit):
    first, last = reference_years(con, marts)
    years = f"{first}-{last}" if first is not None else "-"
    values = dict(edition=edition, commit=commit, years=years,
                  source=SOURCE["name"], report=SOURCE["report"],
                  figures_by=SOURCE["figures_by"], license_id=LICENSE["id"],
                  license_title=LICENSE["title"], license_url=LICENSE["url"])
    sections = doc_sections(manifest)
    explanation = []
    for key, label, section in TOPICS:
        if key == "what":
            english = plain(sections.get("", "")) or EXPLANATION_EN["what"].format(**values)
            english += "\n" + EXPLANATION_EN["sheets"]
        elif section and sections.get(section):
            english = plain(f"{section}\n\n{sections[section]}")
        else:
            english = ""
            if key == "suppressed":  # the doc block of `<5`
                english = plain(manifest.get("docs", {}).get(
                    f"doc.{project_name(manifest)}.suppressed_cell", {})
                    .get("block_contents", ""))
            elif key == "funnel":  # the model's description
                node = manifest["nodes"].get(f"model.{project_name(manifest)}.funnel", {})
                english = plain(node.get("description", ""))
            english = english or EXPLANATION_EN[key].format(**values)
        if key == "cite":
            english += "\n" + EXPLANATION_EN["cite_this"].format(**values)
        explanation.append((label, EXPLANATION_NL[key].format(**values), english))
    codes = con.execute(
        "select concept, code, label_nl, label_en, description "
        "from main_staging.stg_nrm__codes order by concept, code").fetchall()
    uses = {}
    for breakdown, concept, cross_breakdown, cross_concept in con.execute(
            "select distinct breakdown, category_concept, cross_breakdown, "
            "cross_category_concept from main_staging.stg_nrm__report_tables").fetchall():
        if concept:
            uses.setdefault(concept, set()).add(f"category of {breakdown}")
        if cross_concept:
            uses.setdefault(cross_concept, set()).add(f"cross_category of {cross_breakdown}")
    return {
        "edition": edition, "commit": commit, "first_year": first, "last_year": last,
        "values": values, "explanation": explanation, "codes": codes,
        "code_uses": {k: "; ".join(sorted(v)) for k, v in uses.items()},
    }


# ---------------------------------------------------------------- the workbook

INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
                 "USMALLINT", "UINTEGER", "UBIGINT")
NUMBER_TYPES = ("DOUBLE", "FLOAT", "REAL")


def write_cell(sheet, row, col, value, data_type, formats):
    if value is None:
        return
    if data_type == "BOOLEAN":
        sheet.write_boolean(row, col, bool(value))
    elif data_type in INTEGER_TYPES:
        sheet.write_number(row, col, int(value))
    elif data_type in NUMBER_TYPES or data_type.startswith("DECIMAL"):
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")):
            return  # not a number: left empty, as in no spreadsheet
        sheet.write_number(row, col, number)
    elif data_type == "DATE":
        sheet.write_datetime(row, col, datetime.datetime.combine(value, datetime.time()),
                             formats["date"])
    else:
        sheet.write_string(row, col, str(value))


def width(values, header, least=8, most=60):
    longest = max([len(header) + 3] + [len(str(v)) for v in values if v is not None])
    return max(least, min(most, longest + 1))


def table_sheet(book, name, header, rows, types, formats):
    """A sheet of one table: header, typed cells, frozen header, a filter,
    fitted widths."""
    sheet = book.add_worksheet(name)
    for col, title in enumerate(header):
        sheet.write_string(0, col, title, formats["header"])
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            write_cell(sheet, r, col, value, types[col], formats)
    for col, title in enumerate(header):
        sheet.set_column(col, col, width([row[col] for row in rows], title))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(rows), len(header) - 1)
    return sheet


def write_workbook(path, con, spec, context):
    book = xlsxwriter.Workbook(str(path), {
        "in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
        "strings_to_urls": False})
    edition = context["edition"]
    book.set_properties({
        "title": TITLE["nl"].format(edition=edition),
        "subject": TITLE["en"].format(edition=edition),
        "author": PUBLISHER["nl"],
        "company": PUBLISHER["en"],
        "keywords": ", ".join(KEYWORDS["nl"] + KEYWORDS["en"]),
        "comments": f"Edition {edition}, commit {context['commit']}; "
                    f"source: {SOURCE['name']}; licence {LICENSE['id']}",
        "created": FIXED_TIME,
    })
    formats = {
        "header": book.add_format({"bold": True, "bottom": 1, "bg_color": "#DDEBF7"}),
        "title": book.add_format({"bold": True, "font_size": 14}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "topic": book.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
    }

    # the explanation, Dutch and English side by side
    sheet = book.add_worksheet(EXPLANATION_SHEET)
    sheet.write_string(0, 0, TITLE["nl"].format(edition=edition), formats["title"])
    sheet.write_string(1, 0, TITLE["en"].format(edition=edition), formats["title"])
    row = 3
    for col, title in enumerate(("Onderwerp / Topic", "Nederlands", "English")):
        sheet.write_string(row, col, title, formats["header"])
    for label, dutch, english in context["explanation"]:
        row += 1
        sheet.write_string(row, 0, label, formats["topic"])
        sheet.write_string(row, 1, dutch, formats["wrap"])
        sheet.write_string(row, 2, english, formats["wrap"])
    row += 2
    for col, title in enumerate(("Blad / Sheet", "Nederlands", "English")):
        sheet.write_string(row, col, title, formats["header"])
    for mart, table in spec.items():
        row += 1
        sheet.write_string(row, 0, mart, formats["topic"])
        sheet.write_string(row, 1, MART_TITLES_NL.get(mart, ""), formats["wrap"])
        sheet.write_string(row, 2, f"{plain(table['description'])} ({table['rows']} rows)",
                           formats["wrap"])
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 2, 80)
    sheet.freeze_panes(4, 1)

    # one sheet per mart
    for mart, table in spec.items():
        header = [c["name"] for c in table["columns"]]
        types = [c["type"] for c in table["columns"]]
        rows = con.execute(f"select * from main_marts.{mart} order by all").fetchall()
        table_sheet(book, mart, header, rows, types, formats)

    # every column described
    yes = "ja / yes"
    rows = [
        (mart, c["name"], c["type"].lower(),
         yes if c["name"] in table["primary_key"] else None,
         yes if c["required"] else None,
         ", ".join(c["enum"]) if c["enum"] else None,
         plain(c["description"]))
        for mart, table in spec.items() for c in table["columns"]
    ]
    columns = table_sheet(
        book, COLUMNS_SHEET,
        ["blad / sheet", "kolom / column", "type", "sleutel / key",
         "verplicht / required", "toegestane waarden / allowed values",
         "beschrijving / description"],
        rows, ["VARCHAR"] * 7, formats)
    columns.set_column(5, 5, 40, formats["wrap"])
    columns.set_column(6, 6, 100, formats["wrap"])

    # the code lists (nrm__codes) and where the marts use them
    codes = [(*code, context["code_uses"].get(code[0])) for code in context["codes"]]
    sheet = table_sheet(
        book, CODES_SHEET,
        ["concept", "code", "label_nl", "label_en", "description", "used_as"],
        codes, ["VARCHAR"] * 6, formats)
    sheet.set_column(4, 5, 60, formats["wrap"])
    book.close()


# ---------------------------------------------------------------- data package

def field_type(data_type):
    if data_type in INTEGER_TYPES:
        return "integer"
    if data_type in NUMBER_TYPES or data_type.startswith("DECIMAL"):
        return "number"
    if data_type == "BOOLEAN":
        return "boolean"
    if data_type == "DATE":
        return "date"
    return "string"


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def datapackage(spec, exports, context):
    values = context["values"]
    resources = []
    for mart, table in spec.items():
        csv = Path(exports) / f"{mart}.csv"
        fields = []
        for column in table["columns"]:
            field = {"name": column["name"], "type": field_type(column["type"]),
                     "description": column["description"]}
            if field["type"] == "boolean":
                field.update(trueValues=["true"], falseValues=["false"])
            constraints = {}
            if column["required"]:
                constraints["required"] = True
            if column["enum"]:
                constraints["enum"] = column["enum"]
            if column["minimum"] is not None and field["type"] in ("integer", "number"):
                constraints["minimum"] = column["minimum"]
            if table["primary_key"] == [column["name"]]:
                constraints["unique"] = True
            if constraints:
                field["constraints"] = constraints
            fields.append(field)
        schema = {"fields": fields, "missingValues": [""]}
        if table["primary_key"]:
            schema["primaryKey"] = table["primary_key"]
        resources.append({
            "name": mart,
            "path": csv.name,
            "profile": "tabular-data-resource",
            "title": f"{mart}: {MART_TITLES_NL.get(mart, mart)}",
            "description": table["description"],
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "header": True},
            "bytes": csv.stat().st_size,
            "hash": f"sha256:{sha256(csv)}",
            "schema": schema,
        })
    return {
        "profile": "tabular-data-package",
        "name": DATASET_IDENTIFIER,
        "title": TITLE["en"].format(edition=context["edition"]),
        "description": (
            "The tables (marts) of the Mensenhandel warehouse, one CSV file each "
            "(UTF-8, comma-separated, for machines; mensenhandel.xlsx is the route "
            f"for Excel): the figures of the {SOURCE['report']} {context['edition']} "
            f"(reference years {values['years']}), exactly as the report prints "
            f"them. Edition {context['edition']}, source commit {context['commit']}. "
            "Counts are "
            "bounds: a count the report prints as <5 is count_low = 0, count_high "
            "= 4 (is_suppressed); a sum, share or rate is a range (*_low .. *_high) "
            "only where a <5 cell enters it (has_suppressed_input). The funnel is "
            "not a cohort: its stages are yearly flows in different units. "
            f"Source: {SOURCE['name']}, {SOURCE['report']} {context['edition']} "
            f"(figures {SOURCE['figures_by']})."),
        "version": f"{context['edition']}.0.0",
        "keywords": KEYWORDS["en"] + KEYWORDS["nl"],
        "licenses": [{"name": LICENSE["id"], "path": LICENSE["url"],
                      "title": LICENSE["title"]}],
        "sources": [{"title": f"{SOURCE['name']}, {SOURCE['report']} "
                              f"{context['edition']}",
                     "path": SOURCE["url"]}],
        "contributors": [{"title": PUBLISHER["en"], "role": "publisher"}],
        "resources": resources,
    }


# ---------------------------------------------------------------- DCAT-AP-DONL

def texts(nl, en):
    return [{"@language": "nl", "@value": nl}, {"@language": "en", "@value": en}]


def uri(value):
    return {"@id": value}


def xsd_type(data_type):
    return "xsd:" + {"integer": "integer", "number": "double", "boolean": "boolean",
                     "date": "date"}.get(field_type(data_type), "string")


def distribution(path, title_nl, title_en, description_nl, description_en):
    file_type, media_type = FORMATS[path.suffix]
    return {
        "@id": f"#{path.name}",
        "@type": "dcat:Distribution",
        "dct:title": texts(title_nl, title_en),
        "dct:description": texts(description_nl, description_en),
        "dcat:accessURL": uri(path.name),
        "dcat:downloadURL": uri(path.name),
        "dct:format": uri(FILE_TYPE + file_type),
        "dcat:mediaType": uri(MEDIA_TYPE + media_type),
        "dct:license": uri(LICENSE["donl"]),
        "dcat:byteSize": {"@value": str(path.stat().st_size), "@type": "xsd:decimal"},
        "spdx:checksum": {
            "@type": "spdx:Checksum",
            "spdx:algorithm": uri("spdx:checksumAlgorithm_sha256"),
            "spdx:checksumValue": {"@value": sha256(path), "@type": "xsd:hexBinary"},
        },
    }


def dcat(spec, exports, context):
    exports = Path(exports)
    edition, commit = context["edition"], context["commit"]
    distributions = []
    for mart, table in spec.items():
        title_nl = f"{mart} (CSV)"
        csv = distribution(exports / f"{mart}.csv", title_nl, title_nl,
                           MART_TITLES_NL.get(mart, plain(table["description"])),
                           plain(table["description"]))
        csv["dct:conformsTo"] = uri(DATAPACKAGE_NAME)
        csv["csvw:tableSchema"] = {
            "@type": "csvw:Schema",
            # a list: the order of the columns is the order in the file
            "csvw:column": {"@list": [
                {"@type": "csvw:Column",
                 "csvw:name": c["name"],
                 "csvw:datatype": uri(xsd_type(c["type"])),
                 "csvw:required": c["required"],
                 "dct:description": {"@language": "en", "@value": plain(c["description"])}}
                for c in table["columns"]]},
            **({"csvw:primaryKey": ",".join(table["primary_key"])}
               if table["primary_key"] else {}),
        }
        distributions.append(csv)
        parquet = exports / f"{mart}.parquet"
        if parquet.exists():
            distributions.append(distribution(
                parquet, f"{mart} (Parquet)", f"{mart} (Parquet)",
                MART_TITLES_NL.get(mart, plain(table["description"])),
                plain(table["description"])))
    distributions.append(distribution(
        exports / WORKBOOK_NAME, "Excel-werkboek", "Excel workbook",
        "Alle tabellen in één werkboek, met een toelichting in het Nederlands en "
        "het Engels, de kolommen en de codelijsten.",
        "Every table in one workbook, with an explanation in Dutch and English, "
        "the columns and the code lists."))
    package = distribution(
        exports / DATAPACKAGE_NAME, "Frictionless Data Package",
        "Frictionless Data Package",
        "Beschrijving van de CSV-bestanden (velden, typen, sleutels, codelijsten).",
        "Description of the CSV files (fields, types, keys, code lists).")
    package["dct:conformsTo"] = uri("https://specs.frictionlessdata.io/data-package/")
    distributions.append(package)

    sections = doc_sections_text(context)
    dataset = {
        "@id": "#dataset",
        "@type": "dcat:Dataset",
        "dct:identifier": DATASET_IDENTIFIER,
        "dct:title": texts(TITLE["nl"].format(edition=edition),
                           TITLE["en"].format(edition=edition)),
        "dct:description": texts(sections["nl"], sections["en"]),
        "dct:publisher": {"@type": "foaf:Agent",
                          "foaf:name": texts(PUBLISHER["nl"], PUBLISHER["en"])},
        "dct:creator": {"@type": "foaf:Agent",
                        "foaf:name": texts(PUBLISHER["nl"], PUBLISHER["en"])},
        "prov:qualifiedAttribution": {
            "@type": "prov:Attribution",
            "prov:agent": {"@type": "foaf:Organization", "foaf:name": SOURCE["name"],
                           "foaf:homepage": uri(SOURCE["url"])},
            "dcat:hadRole": uri(
                "http://inspire.ec.europa.eu/metadata-codelist/ResponsiblePartyRole/originator"),
        },
        "dct:source": {"dct:title": f"{SOURCE['name']}, {SOURCE['report']} {edition}",
                       "dcat:landingPage": uri(SOURCE["url"])},
        "dcat:contactPoint": {
            "@type": "vcard:Organization",
            "vcard:fn": PUBLISHER["en"],
            **({"vcard:hasEmail": uri(f"mailto:{PUBLISHER['email']}")}
               if PUBLISHER["email"] else {}),
        },
        "dct:license": uri(LICENSE["donl"]),
        "dct:rights": texts(
            f"Bewerking onder {LICENSE['id']}; bron van de cijfers: {SOURCE['name']}.",
            f"Processing under {LICENSE['id']}; source of the figures: {SOURCE['name']}."),
        "dct:accessRights": uri(ACCESS_RIGHTS),
        "adms:status": uri(STATUS),
        "dct:language": [uri(language) for language in LANGUAGES],
        "dcat:theme": uri(THEME),
        "dcat:keyword": [{"@language": language, "@value": keyword}
                         for language in ("nl", "en") for keyword in KEYWORDS[language]],
        "dct:spatial": uri(SPATIAL),
        "dct:accrualPeriodicity": uri(FREQUENCY),
        "owl:versionInfo": str(edition),
        "adms:versionNotes": texts(f"Editie {edition}, commit {commit}.",
                                   f"Edition {edition}, commit {commit}."),
        "dcat:distribution": distributions,
    }
    if (exports / "README.md").exists():  # publish's description of the files
        dataset["foaf:page"] = uri("README.md")
    if context["first_year"] is not None:
        dataset["dct:temporal"] = {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": {"@value": f"{context['first_year']}-01-01",
                               "@type": "xsd:date"},
            "dcat:endDate": {"@value": f"{context['last_year']}-12-31",
                             "@type": "xsd:date"},
        }
    return {"@context": CONTEXT, **dataset}


def doc_sections_text(context):
    """The dataset's description in Dutch and English: what, source, <5."""
    by_key = {label: (nl, en) for label, nl, en in context["explanation"]}
    wanted = [label for key, label, _ in TOPICS if key in ("what", "source", "suppressed")]
    return {"nl": "\n\n".join(by_key[label][0] for label in wanted),
            "en": "\n\n".join(by_key[label][1] for label in wanted)}


# ---------------------------------------------------------------- entry points

def dump_json(path, data):
    Path(path).write_bytes(
        (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        .encode("utf-8"))


def export_csvs(database, exports, marts=MARTS, overwrite=False):
    """<mart>.csv per mart (the SQL of scripts/publish.py); returns the files
    written."""
    exports = Path(exports)
    exports.mkdir(parents=True, exist_ok=True)
    written = []
    con = duckdb.connect(str(database), read_only=True)
    try:
        for mart in marts:
            path = exports / f"{mart}.csv"
            if path.exists() and not overwrite:
                continue
            con.execute(f"copy (select * from main_marts.{mart} order by all) "
                        f"to '{path}' (header, delimiter ',')")
            written.append(path)
    finally:
        con.close()
    return written


def write_all(database, manifest, exports, marts=MARTS, edition=None, commit=None):
    """Writes mensenhandel.xlsx, datapackage.json and dcat.jsonld into
    exports, which must already hold <mart>.csv of every mart (and may hold
    <mart>.parquet). manifest is the parsed manifest.json of the build.
    edition defaults to the latest in the marts, commit to git's HEAD.
    Returns the three paths."""
    exports = Path(exports)
    marts = list(marts)
    missing = [m for m in marts if not (exports / f"{m}.csv").exists()]
    if missing:
        raise FileNotFoundError(f"no CSV export of {', '.join(missing)} in {exports}")
    if edition is None:
        edition = edition_of(database, marts)
    if commit is None:
        commit = source_commit()
    con = duckdb.connect(str(database), read_only=True)
    try:
        spec = describe(con, manifest, marts)
        context = context_of(con, manifest, marts, edition, commit)
        workbook = exports / WORKBOOK_NAME
        write_workbook(workbook, con, spec, context)
    finally:
        con.close()
    package = exports / DATAPACKAGE_NAME
    dump_json(package, datapackage(spec, exports, context))
    metadata = exports / DCAT_NAME
    dump_json(metadata, dcat(spec, exports, context))
    return [workbook, package, metadata]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=str(PROJECT / "target" / "mensenhandel.duckdb"),
                        help="the built DuckDB file (read only)")
    parser.add_argument("--manifest", default=str(PROJECT / "target" / "manifest.json"),
                        help="manifest.json of the same build")
    parser.add_argument("--exports", required=True,
                        help="directory of the CSV exports; missing ones are exported")
    parser.add_argument("--marts", default=",".join(MARTS),
                        help="comma-separated marts (default: %(default)s)")
    parser.add_argument("--edition", type=int, help="default: the latest in the marts")
    parser.add_argument("--commit", help="source commit (default: git rev-parse HEAD)")
    args = parser.parse_args(argv)
    marts = [m for m in args.marts.split(",") if m]
    manifest = json.loads(Path(args.manifest).read_text())
    export_csvs(args.database, args.exports, marts)
    for path in write_all(Path(args.database), manifest, Path(args.exports), marts,
                          args.edition, args.commit):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
