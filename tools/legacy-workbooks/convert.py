"""Writes the Sở KH&CN example's workbook in the two older spreadsheet formats units still send.

Reads `fixtures/skhcn-2026-excel/so-lieu-cchc-2026.xlsx` (made by `tools/export-skhcn-2026`) and
writes, cell for cell and sheet for sheet (same names, same varied headers, dates as date cells,
numbers as numbers, text as text, empty cells empty):

- `fixtures/skhcn-2026-xls/so-lieu-cchc-2026.xls`: Excel 97-2003 (BIFF8), with `xlwt`;
- `fixtures/skhcn-2026-ods/so-lieu-cchc-2026.ods`: OpenDocument, with `odfpy`;

each beside copies of `facts.toml`, `unit.toml` and `notes.toml`. Scoring either folder must give
the report of `fixtures/skhcn-2026` except `fingerprint.evidence`. Run again, it writes the same
bytes (the ODS's meta.xml is fixed; xlwt writes no date).

    python3 -m venv /tmp/wbvenv && /tmp/wbvenv/bin/pip install openpyxl xlwt odfpy
    /tmp/wbvenv/bin/python tools/legacy-workbooks/convert.py
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import openpyxl
import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "fixtures/skhcn-2026-excel"
BOOK = "so-lieu-cchc-2026"
COPIED = ["facts.toml", "unit.toml", "notes.toml"]


def sheets() -> list[tuple[str, list[list[object]]]]:
    wb = openpyxl.load_workbook(SOURCE / f"{BOOK}.xlsx", data_only=True)
    out = []
    for ws in wb.worksheets:
        rows = [[c.value for c in row] for row in ws.iter_rows()]
        out.append((ws.title, rows))
    return out


def xls_bytes(data) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    date = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    for name, rows in data:
        sheet = book.add_sheet(name)
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, dt.datetime):
                    sheet.write(i, j, v.date() if v.time() == dt.time() else v, date)
                else:
                    sheet.write(i, j, v)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def ods_bytes(data) -> bytes:
    doc = OpenDocumentSpreadsheet()
    for name, rows in data:
        table = Table(name=name)
        for row in rows:
            tr = TableRow()
            for v in row:
                if v is None:
                    tc = TableCell()
                elif isinstance(v, dt.datetime):
                    tc = TableCell(valuetype="date", datevalue=v.date().isoformat())
                    tc.addElement(P(text=v.strftime("%d/%m/%Y")))
                elif isinstance(v, (int, float)) and not isinstance(v, bool):
                    tc = TableCell(valuetype="float", value=v)
                    tc.addElement(P(text=str(v)))
                else:
                    tc = TableCell(valuetype="string")
                    tc.addElement(P(text=str(v)))
                tr.addElement(tc)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    buf = io.BytesIO()
    doc.write(buf)
    return fixed_zip(buf.getvalue())


def fixed_zip(raw: bytes) -> bytes:
    """The same archive with fixed dates, and meta.xml without the generator's clock."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "meta.xml":
                body = (
                    b'<?xml version="1.0" encoding="UTF-8"?>\n'
                    b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:'
                    b'xmlns:office:1.0" office:version="1.2"><office:meta/>'
                    b"</office:document-meta>"
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 12, 31, 0, 0, 0))
            # The mimetype comes first and stored, as the format asks.
            fixed.compress_type = (
                zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            )
            dst.writestr(fixed, body)
    return out.getvalue()


def write_if_changed(path: Path, data: bytes) -> None:
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def main() -> None:
    data = sheets()
    for folder, ext, make in [("skhcn-2026-xls", "xls", xls_bytes), ("skhcn-2026-ods", "ods", ods_bytes)]:
        out = ROOT / "fixtures" / folder
        out.mkdir(parents=True, exist_ok=True)
        write_if_changed(out / f"{BOOK}.{ext}", make(data))
        for name in COPIED:
            if (SOURCE / name).exists():
                shutil.copyfile(SOURCE / name, out / name)
        readme = (
            f"# fixtures/{folder}\n\nThe workbook of `fixtures/skhcn-2026-excel` as a `.{ext}` "
            f"file, sheet for sheet and cell for cell; `facts.toml`, `unit.toml` and "
            f"`notes.toml` are copies. Scoring this folder must give the report of "
            f"`fixtures/skhcn-2026` except `fingerprint.evidence`.\n"
            f"Generated by `tools/legacy-workbooks/convert.py`; do not edit by hand.\n"
        )
        write_if_changed(out / "README.md", readme.encode("utf-8"))
        print(f"wrote fixtures/{folder}/{BOOK}.{ext} ({len(data)} sheets)")


if __name__ == "__main__":
    main()
