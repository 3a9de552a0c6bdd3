#!/usr/bin/env python3
"""Generate a large synthetic province for benchmarking (issue 9).

    python3 tools/gen-province-large/generate.py --units 150 --dossiers 2000000 --out DIR

Writes DIR/ in the province-wide export layout of fixtures/province-2026/exports, with the
tables of the reference criteria set criteria/nghe-an-2026-so (every row carries `ma_don_vi`):

  units.csv         ma_don_vi,ten_don_vi,nhom                    (--units rows)
  dossiers.csv      the one-stop-shop dossiers                    (--dossiers rows)
  documents.csv     outgoing documents: the 13 tagged plans of every unit plus filler,
                    one per 10 dossiers (the fixture skhcn-2026 has 431 for 1,058 dossiers; a
                    high-volume unit issues far fewer documents per dossier)
  feedback.csv      one per 1,000 dossiers (at least 5 per unit)
  plan_tasks.csv    40 per unit      reports.csv       9 per unit
  legal_drafts.csv  4 per unit       tthc_changes.csv  6 per unit
  inspections.csv   4 per unit       facts.csv         every fact the set reads, per unit
  survey.csv        every survey row of the set, per unit

With --department CODE, one unit (CODE) in the layout of a department's own folder
(fixtures/skhcn-2026): the same tables without the `ma_don_vi` column, `unit.toml`, `facts.toml`
(the facts of facts.csv, with their sources) and `survey.csv` (`ma_tieu_chi`, `ty_le`) in place
of units.csv/facts.csv. The records drawn are those of `--units 1`, in proportion to the
dossiers as above (documents one per 10 dossiers, feedback one per 1,000, the small tables
per unit).

    python3 tools/gen-province-large/generate.py --department SKHCN --dossiers 1000000 --out DIR

Deterministic: one random.Random(2026 + units + dossiers), drawn in a fixed order, no clock,
no iteration over sets or unordered dicts; re-running writes identical bytes. Python 3.11
standard library only. Dossiers are written in batches of joined lines (about 2 s per million
rows).

Dossiers are sorted by receipt date (from 01/12/2025 to 15/01/2027: some received before the
year, some after the as-of date 31/12/2026, which the set ignores) and spread over units by a
skewed weight (a few units receive most dossiers, as in a real province). Each unit has its own
rates of on-time completion, lateness and pending dossiers, apologies, digitisation, online
channel, fees and satisfaction, so that the rows' bands differ between units. A completion date
may fall after the as-of date (not completed at the as-of date).
"""

import argparse
import datetime as dt
import json
import random
import tomllib
from bisect import bisect_right
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CRITERIA = ROOT / "criteria" / "nghe-an-2026-so" / "criteria.toml"
FACTS_SOURCE = ROOT / "fixtures" / "skhcn-2026" / "facts.toml"

FIRST_DAY = dt.date(2025, 12, 1)
LAST_DAY = dt.date(2027, 1, 15)
AS_OF = dt.date(2026, 12, 31)
BATCH = 20000

TAGS = [
    ("ke-hoach-cchc", "KH", "Kế hoạch cải cách hành chính năm 2026", "05/01/2026", "10/02/2026"),
    ("ke-hoach-tuyen-truyen", "KH", "Kế hoạch tuyên truyền cải cách hành chính năm 2026", "10/01/2026", "20/03/2026"),
    ("ke-hoach-kiem-tra-cchc", "KH", "Kế hoạch kiểm tra công tác cải cách hành chính năm 2026", "10/01/2026", "30/03/2026"),
    ("ke-hoach-ra-soat-vbqppl", "KH", "Kế hoạch rà soát văn bản quy phạm pháp luật năm 2026", "10/01/2026", "30/03/2026"),
    ("ke-hoach-dao-tao", "KH", "Kế hoạch đào tạo, bồi dưỡng năm 2026", "10/01/2026", "30/04/2026"),
    ("ke-hoach-kiem-tra-cong-vu", "KH", "Kế hoạch kiểm tra công vụ năm 2026", "10/01/2026", "30/04/2026"),
    ("ke-hoach-chuyen-doi-so", "KH", "Kế hoạch chuyển đổi số năm 2026", "02/01/2026", "30/04/2026"),
    ("ke-hoach-pctn", "KH", "Kế hoạch phòng, chống tham nhũng năm 2026", "02/01/2026", "30/04/2026"),
    ("quy-che-chi-tieu-noi-bo", "QĐ", "Quyết định ban hành Quy chế chi tiêu nội bộ năm 2026", "02/01/2026", "30/05/2026"),
    ("phan-cap", "QĐ", "Quyết định phân cấp, ủy quyền giải quyết công việc", "02/01/2026", "30/09/2026"),
    ("danh-gia-xep-loai", "QĐ", "Quyết định đánh giá, xếp loại công chức năm 2026", "01/12/2026", "31/12/2026"),
    ("danh-gia-tu-chu", "BC", "Báo cáo đánh giá mức độ tự chủ của đơn vị sự nghiệp", "02/01/2026", "30/09/2026"),
    ("tthc-phi-dia-gioi", "QĐ", "Quyết định công bố TTHC không phụ thuộc địa giới hành chính", "02/01/2026", "31/08/2026"),
]
FILLER = [
    ("CV", "V/v triển khai nhiệm vụ chuyên môn"),
    ("CV", "V/v báo cáo số liệu định kỳ"),
    ("TB", "Thông báo kết luận cuộc họp giao ban"),
    ("QĐ", "Quyết định cử cán bộ đi công tác"),
    ("KH", "Kế hoạch tổ chức hội nghị chuyên đề"),
    ("BC", "Báo cáo tình hình thực hiện nhiệm vụ tháng"),
]
CHANNELS = ["truc_tuyen", "truc_tiep", "buu_chinh"]


def D(s):
    d, m, y = s.split("/")
    return dt.date(int(y), int(m), int(d))


def vi(d):
    return d.strftime("%d/%m/%Y")


def csv_field(s):
    s = str(s)
    if any(c in s for c in ',"\n\r'):
        return '"' + s.replace('"', '""') + '"'
    return s


def write_rows(path, header, rows, drop_unit=False):
    # drop_unit: a department's folder, whose tables have no `ma_don_vi` (the first column).
    skip = 1 if drop_unit else 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(header[skip:]) + "\n")
        for r in rows:
            f.write(",".join(csv_field(v) for v in r[skip:]) + "\n")


def toml_str(s):
    # A TOML basic string: JSON's escapes are TOML's for these (\", \\, \n, \uXXXX).
    return json.dumps(str(s), ensure_ascii=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--units", type=int, default=150)
    ap.add_argument("--dossiers", type=int, default=2_000_000)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--department", metavar="CODE",
                    help="one unit CODE, written as a department's own folder (implies --units 1)")
    args = ap.parse_args()
    dept = args.department
    if dept is not None:
        args.units = 1
    n_units, n_dossiers, out = args.units, args.dossiers, args.out
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(2026 + n_units * 1_000_003 + n_dossiers)
    r = rng.random

    criteria = tomllib.loads(CRITERIA.read_text(encoding="utf-8"))
    survey_rows = [c["id"] for c in criteria["criterion"] if c.get("method") == "survey"]
    facts_base = tomllib.loads(FACTS_SOURCE.read_text(encoding="utf-8"))

    # ---------------------------------------------------------------- units
    codes = [f"DV{i + 1:03d}" for i in range(n_units)] if dept is None else [dept]
    if dept is None:
        write_rows(
            out / "units.csv",
            ["ma_don_vi", "ten_don_vi", "nhom"],
            [(c, f"Đơn vị tổng hợp số {i + 1}", "so") for i, c in enumerate(codes)],
        )
    else:
        (out / "unit.toml").write_text(
            f"code = {toml_str(dept)}\nname = {toml_str('Đơn vị tổng hợp ' + dept)}\ngroup = \"so\"\n",
            encoding="utf-8")
    # Per-unit profile: rates drawn once, in unit order.
    profiles = []
    for _ in codes:
        on_time = 0.80 + 0.2 * r()          # share completed by the deadline
        late = (1 - on_time) * (0.3 + 0.5 * r())  # share completed after it; rest pending
        profiles.append(
            (
                on_time,
                on_time + late,
                0.3 + 0.7 * r(),   # apology for a late dossier
                0.6 + 0.4 * r(),   # digitised result
                0.4 + 0.5 * r(),   # online channel
                0.5 + 0.5 * r(),   # fully online, among online
                0.2 + 0.5 * r(),   # has a fee
                0.2 + 0.6 * r(),   # paid online, among fees
                0.01 + 0.09 * r(),  # khong_hai_long
                0.6 + 0.3 * r(),   # rated at all
            )
        )
    weights = [1.0 / (i + 1) ** 0.8 for i in range(n_units)]
    rng.shuffle(weights)
    cum = list(accumulate(weights))
    total_w = cum[-1]

    # ---------------------------------------------------------------- dossiers
    n_days = (LAST_DAY - FIRST_DAY).days + 1
    date_str = [vi(FIRST_DAY + dt.timedelta(days=k)) for k in range(n_days + 80)]
    ymd = [(FIRST_DAY + dt.timedelta(days=k)).strftime("%y%m%d") for k in range(n_days)]
    seq = [0] * n_units
    as_of_day = (AS_OF - FIRST_DAY).days
    with open(out / "dossiers.csv", "w", encoding="utf-8", newline="") as f:
        f.write(
            ("" if dept else "ma_don_vi,") + "ma_ho_so,ma_thu_tuc,ngay_tiep_nhan,han_xu_ly,ngay_tra_ket_qua,kenh,"
            "toan_trinh,co_phi,thanh_toan_truc_tuyen,so_hoa,xin_loi,danh_gia\n"
        )
        lines = []
        for i in range(n_dossiers):
            day = i * n_days // n_dossiers
            u = bisect_right(cum, r() * total_w)
            if u >= n_units:
                u = n_units - 1
            p = profiles[u]
            code = codes[u]
            seq[u] += 1
            span = 1 + int(r() * 20)
            due = day + span
            x = r()
            late = False
            if x < p[0]:
                done = date_str[day + int(r() * (span + 1))]
            elif x < p[1]:
                done = date_str[due + 1 + int(r() * 15)]
                late = True
            else:
                done = ""
                late = due < as_of_day
            online = r() < p[4]
            kenh = "truc_tuyen" if online else ("truc_tiep" if r() < 0.9 else "buu_chinh")
            toan = "x" if online and r() < p[5] else ""
            fee = r() < p[6]
            paid = "x" if fee and r() < p[7] else ""
            so_hoa = "x" if done and r() < p[3] else ""
            xin_loi = "x" if late and r() < p[2] else ""
            y = r()
            danh_gia = "" if y > p[9] else ("khong_hai_long" if y < p[8] else "hai_long")
            lines.append(
                f"{'' if dept else code + ','}H40.{code}-{ymd[day]}-{seq[u]:06d},1.{int(r() * 900) + 100:06d},"
                f"{date_str[day]},{date_str[due]},{done},{kenh},{toan},{'x' if fee else ''},"
                f"{paid},{so_hoa},{xin_loi},{danh_gia}\n"
            )
            if len(lines) >= BATCH:
                f.write("".join(lines))
                lines.clear()
        f.write("".join(lines))

    # ---------------------------------------------------------------- documents
    docs = []
    n_filler = max(n_dossiers // 10, 0)
    for u, code in enumerate(codes):
        for k, (tag, loai, subject, lo, hi) in enumerate(TAGS):
            a, b = D(lo), D(hi)
            # Some units miss a plan, some issue it late.
            if r() < 0.05:
                continue
            d = a + dt.timedelta(days=int(r() * ((b - a).days + 1)))
            docs.append((d, code, loai, subject, tag))
    for _ in range(n_filler):
        u = bisect_right(cum, r() * total_w)
        u = min(u, n_units - 1)
        d = dt.date(2026, 1, 1) + dt.timedelta(days=int(r() * 365))
        loai, subject = FILLER[int(r() * len(FILLER))]
        docs.append((d, codes[u], loai, subject, ""))
    docs.sort(key=lambda t: (t[0], t[1]))
    numbers = [0] * n_units
    index = {c: i for i, c in enumerate(codes)}
    with open(out / "documents.csv", "w", encoding="utf-8", newline="") as f:
        f.write(("" if dept else "ma_don_vi,") + "so_ky_hieu,ngay_ban_hanh,loai,trich_yeu,nhom,ky_so,gui_dien_tu,mat\n")
        lines = []
        for d, code, loai, subject, tag in docs:
            u = index[code]
            numbers[u] += 1
            ky_so = "x" if r() < 0.97 else ""
            gui = "x" if r() < 0.95 else ""
            mat = "x" if r() < 0.01 else ""
            lines.append(
                f"{'' if dept else code + ','}{numbers[u]}/{loai}-{code},{vi(d)},{loai},\"{subject}\",{tag},{ky_so},{gui},{mat}\n"
            )
            if len(lines) >= BATCH:
                f.write("".join(lines))
                lines.clear()
        f.write("".join(lines))

    # ---------------------------------------------------------------- small tables
    def rand_day(lo, hi):
        a, b = D(lo), D(hi)
        return a + dt.timedelta(days=int(r() * ((b - a).days + 1)))

    rows = []
    for code in codes:
        for k, (ky, han) in enumerate(
            [("Q1", "16/03/2026"), ("6T", "15/06/2026"), ("9T", "15/09/2026"), ("NAM", "15/12/2026")]
            + [("DOT_XUAT", f"{10 + j}/0{4 + j}/2026") for j in range(5)]
        ):
            sent = D(han) + dt.timedelta(days=int(r() * 10) - 7)
            rows.append((code, ky, han, vi(sent), f"{k + 1}/BC-{code}"))
    write_rows(out / "reports.csv", ["ma_don_vi", "ky", "han", "ngay_gui", "so_ky_hieu"], rows, dept is not None)

    rows = []
    for code in codes:
        for k in range(40):
            han = rand_day("01/03/2026", "15/12/2026")
            done = han + dt.timedelta(days=int(r() * 30) - 24)
            rows.append(
                (code, f"I.{k + 1}", f"Nhiệm vụ {k + 1} của kế hoạch CCHC", "Các phòng", vi(han),
                 vi(done) if r() < 0.95 else "", f"Báo cáo kết quả nhiệm vụ {k + 1}")
            )
    write_rows(
        out / "plan_tasks.csv",
        ["ma_don_vi", "ma", "nhiem_vu", "don_vi_chu_tri", "han", "ngay_hoan_thanh", "san_pham"],
        rows,
        dept is not None,
    )

    rows = []
    for code in codes:
        for k in range(4):
            han = rand_day("01/03/2026", "30/11/2026")
            rows.append((code, f"Dự thảo Nghị quyết số {k + 1} của {code}", vi(han),
                         vi(han + dt.timedelta(days=int(r() * 30) - 20))))
    write_rows(out / "legal_drafts.csv", ["ma_don_vi", "ten", "han_trinh", "ngay_trinh"], rows, dept is not None)

    rows = []
    for code in codes:
        for k in range(6):
            eff = rand_day("01/01/2026", "30/11/2026")
            rows.append((code, f"Quyết định số {k + 1}/QĐ-BO công bố TTHC ({code})", vi(eff),
                         vi(eff + dt.timedelta(days=int(r() * 40)))))
    write_rows(out / "tthc_changes.csv", ["ma_don_vi", "can_cu", "ngay_hieu_luc", "ngay_trinh_cong_bo"], rows, dept is not None)

    rows = []
    per_unit = [max(5, round(n_dossiers / 1000 * w / total_w)) for w in weights]
    for u, code in enumerate(codes):
        for k in range(per_unit[u]):
            got = rand_day("05/01/2026", "20/12/2026")
            han = got + dt.timedelta(days=10 + int(r() * 10))
            done = got + dt.timedelta(days=int(r() * 22))
            rows.append((code, f"PAKN-{code}-{k + 1:05d}", vi(got), vi(han), vi(done) if done <= AS_OF else ""))
    write_rows(out / "feedback.csv", ["ma_don_vi", "ma", "ngay_nhan", "han_xu_ly", "ngay_xu_ly"], rows, dept is not None)

    rows = []
    for code in codes:
        for k in range(4):
            found = int(r() * 6)
            rows.append((code, f"Đơn vị trực thuộc {k + 1}", vi(rand_day("01/03/2026", "30/11/2026")),
                         f"{k + 1}/TB-{code}", found, found - (1 if found and r() < 0.3 else 0)))
    write_rows(
        out / "inspections.csv",
        ["ma_don_vi", "don_vi", "ngay", "so_ky_hieu", "so_van_de", "so_van_de_da_xu_ly"],
        rows,
        dept is not None,
    )

    rows = []
    for code in codes:
        for name, fact in facts_base.items():  # file order (tomllib keeps it)
            value = fact["value"]
            if isinstance(value, bool):
                value = "true" if (value if r() < 0.9 else not value) else "false"
            rows.append((code, name, value, fact.get("source", "")))
    if dept is None:
        write_rows(out / "facts.csv", ["ma_don_vi", "ten", "gia_tri", "nguon"], rows)
    else:
        with open(out / "facts.toml", "w", encoding="utf-8", newline="") as f:
            f.write(f"# Facts of {dept} (tools/gen-province-large/generate.py --department)\n")
            for _, name, value, source in rows:
                kind = type(facts_base[name]["value"])
                if kind is bool:
                    text = value  # "true" / "false"
                elif kind in (int, float):
                    text = repr(value)
                else:
                    text = toml_str(value)
                f.write(f"\n[{name}]\nvalue = {text}\n")
                if source:
                    f.write(f"source = {toml_str(source)}\n")

    rows = []
    for code in codes:
        for row in survey_rows:
            rows.append((code, row, 70 + int(r() * 31)))
    write_rows(out / "survey.csv", ["ma_don_vi", "ma_tieu_chi", "ty_le"], rows, dept is not None)


if __name__ == "__main__":
    main()
