#!/usr/bin/env python3
"""Export fixtures/skhcn-2026/ into two alternative forms of the same evidence.

The DATA (every record, every value) is that of fixtures/skhcn-2026/; only the headers, the
encoding, the layout and the cell types differ, so scoring any of the three folders must give
byte-identical reports, apart from `fingerprint.evidence` (the names and SHA-256 of the input
files, which differ by construction).

What it writes:

  fixtures/skhcn-2026-excel/
      so-lieu-cchc-2026.xlsx   one workbook, one sheet per table, each sheet named after the
                               table's Vietnamese TITLE in criteria.toml ("Sổ văn bản đi", ...),
                               with Vietnamese header LABELS (spelt differently from sheet to
                               sheet: upper case, extra spaces, no accents, decomposed Unicode,
                               "hoá" for "hóa", reordered columns), an extra "Ghi chú" column the
                               engine must ignore, real Excel date cells (dd/mm/yyyy format) except
                               the dossiers' ngay_tiep_nhan, written as portal text timestamps
                               "dd/mm/yyyy 08:30"; booleans "Có"/"" (documents) and "x"/""
                               (dossiers); integers as numbers; text and key columns as text cells.
      facts.toml, unit.toml    byte copies
      README.md
  fixtures/skhcn-2026-cp1258/
      <table>.csv              one file per table, Vietnamese header labels, Windows-1258
                               (letters cp1258 lacks written as base letter + combining tone mark),
                               ';' or ',' delimited, CRLF line ends, dates dd/mm/yyyy
      facts.toml, unit.toml    byte copies (UTF-8)
      README.md

Determinism: re-running gives byte-identical files. The workbook's created/modified properties are
fixed to 2026-12-31 00:00 and, after openpyxl writes it, the zip is rewritten with a fixed entry
order and the fixed timestamp 1980-01-01 00:00:00 on every entry.

After writing, the script reads every output back (the workbook with openpyxl, the CSVs by decoding
cp1258 and NFC-normalising) and checks that each table gives exactly the source records.

Requirements: Python 3.11 and openpyxl (tested with 3.1.5), e.g. in a throw-away venv:

    python3 -m venv /tmp/exportvenv && /tmp/exportvenv/bin/pip install openpyxl
    /tmp/exportvenv/bin/python tools/export-skhcn-2026/export.py

Then check with the engine that the three folders score the same:

    for f in skhcn-2026 skhcn-2026-excel skhcn-2026-cp1258; do
      cargo run -q -p parindex-cli -- score --criteria criteria/nghe-an-2026-so \\
        --evidence fixtures/$f --format json --out /tmp/$f.json
    done
    for f in skhcn-2026 skhcn-2026-excel skhcn-2026-cp1258; do
      jq 'del(.fingerprint.evidence)' /tmp/$f.json > /tmp/$f.cmp.json
    done
    cmp /tmp/skhcn-2026.cmp.json /tmp/skhcn-2026-excel.cmp.json
    cmp /tmp/skhcn-2026.cmp.json /tmp/skhcn-2026-cp1258.cmp.json
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import sys
import tomllib
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "fixtures" / "skhcn-2026"
CRITERIA = ROOT / "criteria" / "nghe-an-2026-so" / "criteria.toml"
EXCEL_DIR = ROOT / "fixtures" / "skhcn-2026-excel"
CP1258_DIR = ROOT / "fixtures" / "skhcn-2026-cp1258"
WORKBOOK_NAME = "so-lieu-cchc-2026.xlsx"
COPIED = ("facts.toml", "unit.toml")

FIXED_PROPS_TIME = dt.datetime(2026, 12, 31, 0, 0, 0)
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
DATE_FORMAT = "dd/mm/yyyy"
DOSSIER_RECEIVED_TIME = "08:30"

# --- Header spellings (all valid for the engine's matcher) -------------------------------------


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def strip_accents(text: str) -> str:
    out = "".join(c for c in nfd(text) if not unicodedata.combining(c))
    return out.replace("Đ", "D").replace("đ", "d")


def spaced(text: str) -> str:
    """Extra spaces: leading, trailing and doubled between words."""
    return " " + "   ".join(text.split(" ")) + "  "


def hoa_old_style(text: str) -> str:
    """The old tone placement "hoá" for "hóa" (both spellings are in use)."""
    return text.replace("hóa", "hoá").replace("HÓA", "HOÁ")


# Per table: how the workbook spells its headers, the column order (None: declared order), the
# boolean spelling for true, and the extra column the engine must ignore.
EXCEL_STYLE = {
    "documents": dict(header=lambda s: s, true="Có", extra="Ghi chú"),
    "dossiers": dict(header=lambda s: hoa_old_style(s).upper(), true="x"),
    "reports": dict(header=spaced, order=["so_ky_hieu", "ky", "han", "ngay_gui"]),
    "plan_tasks": dict(header=lambda s: s.title()),
    "legal_drafts": dict(header=lambda s: s),
    "tthc_changes": dict(header=nfd),
    "feedback": dict(header=strip_accents),
    "inspections": dict(header=lambda s: s.lower()),
}

# Per table: the delimiter of its Windows-1258 CSV.
CP1258_DELIMITER = {
    "documents": ";",
    "dossiers": ";",
    "reports": ",",
    "plan_tasks": ";",
    "legal_drafts": ",",
    "tthc_changes": ",",
    "feedback": ";",
    "inspections": ",",
}

SHEET_FORBIDDEN = set('[]:*?/\\')

# --- Reading the source ----------------------------------------------------------------------


class Table:
    def __init__(self, name: str, spec: dict, header: list[str], rows: list[list[str]]):
        self.name = name
        self.title: str = spec["title"]
        self.spec_columns = {c["id"]: c for c in spec["columns"]}
        self.ids = header  # the column ids as they appear in the source file, in file order
        self.rows = rows

    def column(self, cid: str) -> dict:
        return self.spec_columns[cid]

    def label(self, cid: str) -> str:
        return self.column(cid)["labels"][0]

    def kind(self, cid: str) -> str:
        return self.column(cid)["type"]


def read_source() -> list[Table]:
    criteria = tomllib.loads(CRITERIA.read_text(encoding="utf-8"))
    tables = []
    for name, spec in criteria["tables"].items():  # declaration order
        path = SOURCE / f"{name}.csv"
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], rows[1:]
        for cid in header:
            if cid not in {c["id"] for c in spec["columns"]}:
                sys.exit(f"{path}: column `{cid}` is not declared in criteria.toml")
        for i, row in enumerate(body, start=2):
            if len(row) != len(header):
                sys.exit(f"{path}:{i}: {len(row)} fields, expected {len(header)}")
            for cell in row:
                if cell != cell.strip() or unicodedata.normalize("NFC", cell) != cell:
                    sys.exit(f"{path}:{i}: cell {cell!r} is not trimmed NFC text")
        tables.append(Table(name, spec, header, body))
    if EXCEL_STYLE.keys() != {t.name for t in tables} or CP1258_DELIMITER.keys() != EXCEL_STYLE.keys():
        sys.exit("the tables of criteria.toml are not the ones this script knows")
    return tables


def parse_date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


def vi_date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def check_source_value(table: Table, cid: str, text: str) -> None:
    """The source must be in the canonical spellings this script converts from."""
    kind = table.kind(cid)
    if text == "":
        return
    if kind == "date":
        if vi_date(parse_date(text)) != text:
            sys.exit(f"{table.name}.{cid}: date {text!r} is not dd/mm/yyyy")
    elif kind == "bool":
        if text != "x":
            sys.exit(f"{table.name}.{cid}: boolean {text!r} is not x/empty")
    elif kind == "integer":
        if str(int(text)) != text:
            sys.exit(f"{table.name}.{cid}: integer {text!r} is not canonical")
    elif kind in ("text", "tags"):
        if text.startswith("="):
            sys.exit(f"{table.name}.{cid}: {text!r} would be a formula in Excel")
    else:
        sys.exit(f"{table.name}.{cid}: unknown type {kind}")


# --- The workbook ----------------------------------------------------------------------------


def excel_columns(table: Table) -> list[str]:
    order = EXCEL_STYLE[table.name].get("order")
    if order is None:
        return list(table.ids)
    if sorted(order) != sorted(table.ids):
        sys.exit(f"{table.name}: the column order does not name every column once")
    return list(order)


def excel_cell(table: Table, cid: str, text: str):
    """The workbook value of a source cell: None for empty, else a typed value."""
    if text == "":
        return None
    kind = table.kind(cid)
    if kind == "date":
        if table.name == "dossiers" and cid == "ngay_tiep_nhan":
            return f"{text} {DOSSIER_RECEIVED_TIME}"  # portal timestamp, as text
        d = parse_date(text)
        return dt.datetime(d.year, d.month, d.day)
    if kind == "bool":
        return EXCEL_STYLE[table.name].get("true", "x")
    if kind == "integer":
        return int(text)
    return text  # text, tags and keys stay text


def extra_note(table: Table, row: list[str]) -> str | None:
    """The content of the extra "Ghi chú" column (documents only): ignored by the engine."""
    if table.name != "documents":
        return None
    values = dict(zip(table.ids, row))
    if values["mat"] == "x":
        return "Văn bản mật: không đăng tải, không gửi qua mạng"
    if values["ky_so"] == "":
        return "Bản giấy, lưu tại Văn phòng Sở"
    return None


def sheet_name(table: Table) -> str:
    name = table.title
    if not 1 <= len(name) <= 31 or SHEET_FORBIDDEN & set(name) or name[0] == "'" or name[-1] == "'":
        sys.exit(f"{table.name}: title {name!r} is not a valid Excel sheet name")
    return name


def build_workbook(tables: list[Table]) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for table in tables:
        ws = wb.create_sheet(sheet_name(table))
        cols = excel_columns(table)
        header_of = EXCEL_STYLE[table.name]["header"]
        headers = [header_of(table.label(cid)) for cid in cols]
        extra = EXCEL_STYLE[table.name].get("extra")
        if extra:
            headers.append(extra)
        for j, h in enumerate(headers, start=1):
            c = ws.cell(row=1, column=j, value=h)
            c.font = bold
            c.alignment = wrap
        index = {cid: table.ids.index(cid) for cid in cols}
        for i, row in enumerate(table.rows, start=2):
            for j, cid in enumerate(cols, start=1):
                text = row[index[cid]]
                check_source_value(table, cid, text)
                value = excel_cell(table, cid, text)
                if value is None:
                    continue  # empty stays empty
                c = ws.cell(row=i, column=j, value=value)
                if isinstance(value, dt.datetime):
                    c.number_format = DATE_FORMAT
                elif isinstance(value, str):
                    c.number_format = "@"  # text, so Excel keeps "1.000541" and "0001" as typed
            if extra:
                note = extra_note(table, row)
                if note is not None:
                    ws.cell(row=i, column=len(cols) + 1, value=note).number_format = "@"
        for j, cid in enumerate(cols, start=1):
            kind = table.kind(cid)
            width = 12 if kind in ("date", "bool", "integer") else 24
            if cid in ("trich_yeu", "nhiem_vu", "san_pham", "ten", "can_cu", "don_vi"):
                width = 60
            ws.column_dimensions[get_column_letter(j)].width = width
        if extra:
            ws.column_dimensions[get_column_letter(len(cols) + 1)].width = 40
        ws.freeze_panes = "A2"
    wb.properties.creator = "tools/export-skhcn-2026/export.py"
    wb.properties.lastModifiedBy = None
    wb.properties.title = "Số liệu tự đánh giá Chỉ số CCHC năm 2026 - Sở Khoa học và Công nghệ Nghệ An"
    wb.properties.created = FIXED_PROPS_TIME
    wb.properties.modified = FIXED_PROPS_TIME
    return wb


def workbook_bytes(wb: openpyxl.Workbook) -> bytes:
    """The workbook as a deterministic .xlsx: fixed properties, entry order and timestamps."""
    raw = io.BytesIO()
    # openpyxl.save_workbook() stamps `modified` with the wall clock; ExcelWriter does not.
    archive = zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()  # closes the archive
    raw.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        if len(set(names)) != len(names):
            sys.exit("duplicate zip entries in the workbook")
        # [Content_Types].xml first (as Office writes it), then the rest by name.
        first = "[Content_Types].xml"
        ordered = [first] + sorted(n for n in names if n != first)
        for name in ordered:
            data = src.read(name)
            if name == "docProps/core.xml":
                stamp = FIXED_PROPS_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                for tag in (b"dcterms:created", b"dcterms:modified"):
                    if b"<" + tag not in data or stamp not in data.split(b"<" + tag, 1)[1].split(b"</" + tag, 1)[0]:
                        sys.exit(f"docProps/core.xml: {tag.decode()} is not {stamp.decode()}")
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


# --- Windows-1258 ----------------------------------------------------------------------------


def cp1258_char(ch: str) -> bytes:
    """One character in Windows-1258: as is when cp1258 has it, else the base letter composed
    with as many of its marks as cp1258 has precomposed (â ê ô ă ơ ư, or the bare letter),
    followed by the remaining combining marks (the tone marks U+0300, U+0301, U+0303, U+0309,
    U+0323 are in cp1258 as 0xCC, 0xEC, 0xDE, 0xD2, 0xF2)."""
    try:
        return ch.encode("cp1258")
    except UnicodeEncodeError:
        pass
    parts = unicodedata.normalize("NFD", ch)
    base, marks = parts[0], parts[1:]
    # NFD puts the dot below (U+0323) before the circumflex/breve/horn ("ệ" = e + U+0323 +
    # U+0302), so try every subset of the marks on the base, the most marks first; the marks
    # left over follow in canonical order (NFC on reading recomposes whatever the order).
    n = len(marks)
    subsets = sorted(range(1 << n), key=lambda m: (-bin(m).count("1"), m))
    for mask in subsets:
        kept = "".join(marks[i] for i in range(n) if mask >> i & 1)
        rest = "".join(marks[i] for i in range(n) if not mask >> i & 1)
        head = unicodedata.normalize("NFC", base + kept)
        if len(head) != 1:
            continue
        try:
            return head.encode("cp1258") + rest.encode("cp1258")
        except UnicodeEncodeError:
            continue
    sys.exit(f"character {ch!r} (U+{ord(ch):04X}) cannot be written in Windows-1258")


def to_cp1258(text: str) -> bytes:
    out = b"".join(cp1258_char(ch) for ch in text)
    back = unicodedata.normalize("NFC", out.decode("cp1258"))
    if back != text:
        sys.exit(f"Windows-1258 round trip changed {text!r} into {back!r}")
    return out


def write_cp1258_csv(table: Table, path: Path) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(
        buf,
        delimiter=CP1258_DELIMITER[table.name],
        lineterminator="\r\n",
        quoting=csv.QUOTE_MINIMAL,
    )
    writer.writerow([table.label(cid) for cid in table.ids])
    for row in table.rows:
        for cid, text in zip(table.ids, row):
            check_source_value(table, cid, text)
        writer.writerow(row)  # dates already dd/mm/yyyy, booleans x/empty
    text = buf.getvalue()
    # Encode cell by cell through the checked conversion (the CSV syntax itself is ASCII).
    data = to_cp1258(text)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        sys.exit(f"{path}: the Windows-1258 bytes are also valid UTF-8 (auto-detection would misread)")
    return data


# --- Reading back ----------------------------------------------------------------------------


def verify_workbook(path: Path, tables: list[Table]) -> None:
    wb = openpyxl.load_workbook(path)
    if wb.sheetnames != [t.title for t in tables]:
        sys.exit(f"{path}: sheets {wb.sheetnames}")
    for table in tables:
        ws = wb[table.title]
        cols = excel_columns(table)
        rows = list(ws.iter_rows(values_only=True))
        if len(rows) != len(table.rows) + 1:
            sys.exit(f"{path}[{table.title}]: {len(rows) - 1} records, expected {len(table.rows)}")
        index = {cid: table.ids.index(cid) for cid in cols}
        for i, (got, row) in enumerate(zip(rows[1:], table.rows), start=2):
            for j, cid in enumerate(cols):
                want = row[index[cid]]
                value = got[j] if j < len(got) else None
                kind = table.kind(cid)
                if value is None:
                    back = ""
                elif kind == "date" and isinstance(value, dt.datetime):
                    back = vi_date(value.date())
                elif kind == "date":
                    back = vi_date(dt.datetime.strptime(value, "%d/%m/%Y %H:%M").date())
                elif kind == "bool":
                    back = "x" if value in ("x", "Có") else f"?{value!r}"
                elif kind == "integer":
                    back = str(value) if isinstance(value, int) else f"?{value!r}"
                else:
                    back = value if isinstance(value, str) else f"?{value!r}"
                if back != want:
                    sys.exit(f"{path}[{table.title}] row {i} `{cid}`: {value!r}, expected {want!r}")


def verify_cp1258(path: Path, table: Table) -> None:
    text = unicodedata.normalize("NFC", path.read_bytes().decode("cp1258"))
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=CP1258_DELIMITER[table.name]))
    if rows[0] != [table.label(cid) for cid in table.ids] or rows[1:] != table.rows:
        sys.exit(f"{path}: does not read back as the source table")


# --- Main ------------------------------------------------------------------------------------

EXCEL_README = """\
# fixtures/skhcn-2026-excel

The evidence of `fixtures/skhcn-2026` (Sở KH&CN Nghệ An, 2026) as one workbook, `so-lieu-cchc-2026.xlsx`: the same records and values, one sheet per table named by the table's Vietnamese title in `criteria/nghe-an-2026-so/criteria.toml`.
Headers are the Vietnamese labels in varied spellings (upper case, extra spaces, no accents, decomposed Unicode, reordered columns, an extra "Ghi chú" column to ignore); dates are Excel date cells, except the dossiers' "Ngày tiếp nhận", written as text "dd/mm/yyyy 08:30"; booleans are "Có"/empty or "x"/empty.
`facts.toml` and `unit.toml` are copies. Scoring this folder must give the report of `fixtures/skhcn-2026`, byte for byte except `fingerprint.evidence` (input file hashes).
Generated by `tools/export-skhcn-2026/export.py` (see its README); do not edit by hand.
"""

CP1258_README = """\
# fixtures/skhcn-2026-cp1258

The evidence of `fixtures/skhcn-2026` (Sở KH&CN Nghệ An, 2026) as legacy Windows CSV exports: the same records and values, one file per table, with the Vietnamese header labels of `criteria/nghe-an-2026-so/criteria.toml`.
The CSVs are encoded in Windows-1258 (letters the code page lacks are written as a base letter plus a combining tone mark), with CRLF line ends, ';' as the delimiter in documents, dossiers, plan_tasks and feedback and ',' in the others; dates are dd/mm/yyyy.
`facts.toml` and `unit.toml` are UTF-8 copies. Scoring this folder must give the report of `fixtures/skhcn-2026`, byte for byte except `fingerprint.evidence` (input file hashes).
Generated by `tools/export-skhcn-2026/export.py` (see its README); do not edit by hand.
"""


def write_if_changed(path: Path, data: bytes) -> None:
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def main() -> None:
    tables = read_source()

    EXCEL_DIR.mkdir(parents=True, exist_ok=True)
    book = EXCEL_DIR / WORKBOOK_NAME
    write_if_changed(book, workbook_bytes(build_workbook(tables)))
    verify_workbook(book, tables)
    for name in COPIED:
        shutil.copyfile(SOURCE / name, EXCEL_DIR / name)
    write_if_changed(EXCEL_DIR / "README.md", EXCEL_README.encode("utf-8"))

    CP1258_DIR.mkdir(parents=True, exist_ok=True)
    for table in tables:
        path = CP1258_DIR / f"{table.name}.csv"
        write_if_changed(path, write_cp1258_csv(table, path))
        verify_cp1258(path, table)
    for name in COPIED:
        shutil.copyfile(SOURCE / name, CP1258_DIR / name)
    write_if_changed(CP1258_DIR / "README.md", CP1258_README.encode("utf-8"))

    print(f"wrote {book.relative_to(ROOT)} ({len(tables)} sheets) and {len(tables)} CSVs in "
          f"{CP1258_DIR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
