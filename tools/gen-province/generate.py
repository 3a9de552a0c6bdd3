#!/usr/bin/env python3
"""Generate the province fixture fixtures/province-2026/ (22 units of one province, year 2026).

What it writes (all under fixtures/province-2026/, UTF-8 without BOM, NFC, "\\n" line ends):

  criteria/criteria.toml      a small criteria set "province-mini-2026" (20 points: 10 self-assessed,
                              10 from the survey) whose scores are easy to compute by hand
  by-unit/<CODE>/unit.toml    layout 1, one evidence folder per unit: unit.toml, documents.csv,
  by-unit/<CODE>/*.csv          dossiers.csv, facts.toml and (one unit) appraisal.csv
  by-unit/<CODE>/facts.toml
  by-unit/survey.csv          the province's survey results (ma_don_vi,ma_tieu_chi,ty_le)
  exports/*.csv               layout 2, the same province as province-wide exports whose rows carry
                              ma_don_vi: units, documents, dossiers, facts, survey, appraisal

It does NOT write EXPECTED.md, expected-ranking.csv or README.md: those are maintained by hand.

The data is literal where it decides a score (which plan document exists and when, how many
dossiers are on time / late / pending, the facts, the survey rates, the appraisal) and drawn from
one random.Random(2026) where it does not (exact dates inside a range, filler documents, numbers).
Python 3 standard library only, no clock, no iteration over sets or unordered dicts. Re-running
reproduces every file byte for byte:

    python3 tools/gen-province/generate.py
"""

import csv
import datetime as dt
import random
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "fixtures" / "province-2026"
AS_OF = dt.date(2026, 12, 31)

rng = random.Random(2026)


# --------------------------------------------------------------------------- helpers

def D(s):
    """'dd/mm/yyyy' -> date"""
    d, m, y = s.split("/")
    return dt.date(int(y), int(m), int(d))


def fmt(d):
    return "" if d is None else d.strftime("%d/%m/%Y")


def nfc(s):
    return unicodedata.normalize("NFC", s)


def days(n):
    return dt.timedelta(days=n)


def rand_date(lo, hi):
    """A date in [lo, hi] (both 'dd/mm/yyyy')."""
    a, b = D(lo), D(hi)
    return a + days(rng.randint(0, (b - a).days))


def write_text(rel, text):
    path = OUT / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(nfc(text))


def write_csv(rel, header, rows):
    path = OUT / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        for r in rows:
            w.writerow([nfc(str(v)) for v in r])


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --------------------------------------------------------------------------- the criteria set

CRITERIA = r'''# A small criteria set for the province fixture: 6 leaves, 20 points (10 self-assessed,
# 10 from the survey). Written by tools/gen-province/generate.py. The expected scores and the
# ranking are derived by hand in ../EXPECTED.md.

[set]
id = "province-mini-2026"
title = "Bộ chỉ số CCHC rút gọn dùng cho kiểm thử xếp hạng cấp tỉnh"
province = "Nghệ An"
year = 2026
unit_group = "so"
legal_basis = ["Bộ chỉ số dùng cho kiểm thử (không phải văn bản ban hành)"]
not_arising = "exclude"
register = { table = "documents", tags = "nhom" }

[[rating]]
label = "Tốt"
min = 90

[[rating]]
label = "Khá"
min = 80

[[rating]]
label = "Trung bình"
min = 70

[[rating]]
label = "Yếu"
min = 0

[tables.documents]
title = "Sổ văn bản đi"
key = "so_ky_hieu"
subject = "trich_yeu"
dated_by = "ngay_ban_hanh"
window = "year"
columns = [
  { id = "so_ky_hieu", type = "text", required = true, labels = ["Số ký hiệu"] },
  { id = "ngay_ban_hanh", type = "date", required = true, labels = ["Ngày ban hành"] },
  { id = "trich_yeu", type = "text", labels = ["Trích yếu"] },
  { id = "nhom", type = "tags", required = true, labels = ["Nhóm"] },
  { id = "ma_don_vi", type = "text", labels = ["Mã đơn vị"] },
]

[tables.dossiers]
title = "Hồ sơ một cửa"
key = "ma_ho_so"
dated_by = "ngay_tiep_nhan"
columns = [
  { id = "ma_ho_so", type = "text", required = true, labels = ["Mã hồ sơ"] },
  { id = "ngay_tiep_nhan", type = "date", required = true, labels = ["Ngày tiếp nhận"] },
  { id = "han_xu_ly", type = "date", required = true, labels = ["Hạn xử lý"] },
  { id = "ngay_tra_ket_qua", type = "date", required = true, labels = ["Ngày trả kết quả"] },
  { id = "ma_don_vi", type = "text", labels = ["Mã đơn vị"] },
]

# --- Field 1 ---------------------------------------------------------------------------------

[[criterion]]
id = "1"
title = "Công tác chỉ đạo, điều hành CCHC và giải quyết TTHC"
max = 5

[[criterion]]
id = "1.1"
title = "Ban hành kế hoạch CCHC năm (đúng hạn: 2; sau 31/01: 1; không ban hành: 0)"
max = 2
method = "self"
reads = ["documents"]
rule = 'issued_by("ke-hoach-cchc", date(2026, 1, 31), 2, 1)'

[[criterion]]
id = "1.2"
title = "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn (100%: 3; từ 95%: 2; từ 90%: 1)"
max = 3
method = "self"
not_arising = "exclude"
reads = ["dossiers"]
rule = 'bands(on_time("dossiers", "han_xu_ly", "ngay_tra_ket_qua").ratio, [[1, 3], [0.95, 2], [0.9, 1]])'

# --- Field 2 ---------------------------------------------------------------------------------

[[criterion]]
id = "2"
title = "Tài chính công và công vụ"
max = 5

[[criterion]]
id = "2.1"
title = "Công khai dự toán ngân sách năm"
max = 2
method = "self"
reads = ["facts"]
rule = 'binary(fact("cong_khai_ngan_sach"), 2)'

[[criterion]]
id = "2.2"
title = "Thực hiện kế hoạch bồi dưỡng CB, CC, VC (100%: 3; từ 80%: 2; từ 50%: 1)"
max = 3
method = "self"
not_arising = "exclude"
reads = ["facts"]
rule = 'bands(fact_ratio("boi_duong_thuc_hien", "boi_duong_ke_hoach"), [[1, 3], [0.8, 2], [0.5, 1]])'

[[criterion]]
id = "2.3"
title = "Điểm trừ: sách nhiễu, gây phiền hà (trừ 1 điểm/vụ, tối đa trừ 2 điểm)"
max = 0
method = "penalty"
floor = -2
reads = ["facts"]
rule = 'deduct(0, 1, fact("so_vu_sach_nhieu"), -2)'

# --- Field 3: survey ---------------------------------------------------------------------------

[[criterion]]
id = "3"
title = "Điều tra xã hội học"
max = 10

[[criterion]]
id = "3.1"
title = "Mức độ hài lòng của người dân, tổ chức"
max = 6
method = "survey"

[[criterion]]
id = "3.2"
title = "Đánh giá của đại diện lãnh đạo, công chức"
max = 4
method = "survey"
'''


# --------------------------------------------------------------------------- the units
#
# plan:     the unit's ke-hoach-cchc documents, as (date, extra tags or "", subject)
# dossiers: how many dossiers of each kind (see DOSSIER_KINDS)
# facts:    (cong_khai_ngan_sach, boi_duong_thuc_hien, boi_duong_ke_hoach, so_vu_sach_nhieu)
# survey:   (ty_le of 3.1, ty_le of 3.2), as written in survey.csv
# extra:    hand-placed documents besides the plan and the filler, as (date, loai, tags, subject)

PLAN = "Kế hoạch cải cách hành chính năm 2026"

UNITS = [
    # ---- group so ---------------------------------------------------------------------------
    dict(code="SCT", name="Sở Công Thương", group="so",
         plan=[("22/01/2026", "", PLAN)],
         dossiers=dict(on_time=29, pending_returned_2027=1, on_due=1),
         facts=(True, 5, 10, 0), survey=("90", "90")),
    dict(code="SDL", name="Sở Du lịch", group="so",
         plan=[("01/02/2026", "", PLAN)],
         dossiers=dict(on_time=10),
         facts=(True, 7, 10, 0), survey=("80", "80")),
    dict(code="SDTTG", name="Sở Dân tộc và Tôn giáo", group="so",
         plan=[("28/01/2026", "", PLAN)],
         dossiers=dict(on_time=6),
         facts=(False, 6, 6, 0), survey=("83.33", "81.25")),
    dict(code="SGDDT", name="Sở Giáo dục và Đào tạo", group="so",
         plan=[("25/01/2026", "", PLAN)],
         dossiers=dict(on_time=8),
         facts=(True, 12, 12, 0), survey=("75", "75"),
         appraisal=[
             ("1", "1.1", "0", "Kế hoạch chưa xác định sản phẩm và thời hạn hoàn thành của từng nhiệm vụ", "Sở Nội vụ"),
             ("2", "1.1", "1", "Đã giải trình và bổ sung phụ lục nhiệm vụ; chấp nhận một phần", "Sở Nội vụ"),
         ]),
    dict(code="SGTVT", name="Sở Giao thông vận tải", group="so",
         plan=[],
         extra=[("12/01/2027", "KH", "ke-hoach-cchc", "Kế hoạch cải cách hành chính năm 2027")],
         dossiers=dict(on_time=20, late=3, late_open=2),
         facts=(False, 3, 6, 0), survey=("71.125", "58.625")),
    dict(code="SKHCN", name="Sở Khoa học và Công nghệ", group="so",
         plan=[("20/01/2026", "ke-hoach-tuyen-truyen",
                "Kế hoạch cải cách hành chính và thông tin, tuyên truyền CCHC năm 2026")],
         dossiers=dict(on_time=11, on_due=1),
         facts=(True, 9, 10, 0), survey=("78.75", "79.5")),
    dict(code="SLDTBXH", name="Sở Lao động - Thương binh và Xã hội", group="so",
         plan=[("16/01/2026", "", PLAN)],
         dossiers=dict(on_time=28, late=2),
         facts=(True, 4, 5, 0), survey=("75", "87.5")),
    dict(code="SNGV", name="Sở Ngoại vụ", group="so",
         plan=[("19/01/2026", "", PLAN)],
         dossiers=dict(),  # header only: 1.2 is not arising (excluded)
         facts=(True, 4, 4, 0), survey=("88", "86.5")),
    dict(code="SNNMT", name="Sở Nông nghiệp và Môi trường", group="so",
         plan=[("15/03/2026", "", PLAN)],
         extra=[("08/01/2025", "KH", "ke-hoach-cchc", "Kế hoạch cải cách hành chính năm 2025")],
         dossiers=dict(on_time=18, late=1, late_open=1),
         facts=(True, 8, 10, 0), survey=("80", "80")),
    dict(code="SNV", name="Sở Nội vụ", group="so",
         plan=[("14/01/2026", "", PLAN)],
         dossiers=dict(on_time=13, on_due=1, pending_open=1, due_as_of_open=1),
         facts=(True, 15, 15, 0), survey=("95", "97.5")),
    dict(code="STC", name="Sở Tài chính", group="so",
         plan=[("31/01/2026", "", PLAN)],
         dossiers=dict(on_time=39, late=1),
         facts=(True, 10, 10, 0), survey=("90", "90")),
    dict(code="STP", name="Sở Tư pháp", group="so",
         plan=[("15/01/2026", "", PLAN),
               ("10/06/2026", "", "Kế hoạch điều chỉnh, bổ sung Kế hoạch cải cách hành chính năm 2026")],
         dossiers=dict(on_time=22, received_2027=1),
         facts=(True, 12, 10, 0), survey=("84.25", "90")),
    dict(code="STTTT", name="Sở Thông tin và Truyền thông", group="so",
         plan=[("27/01/2026", "", PLAN)],
         dossiers=dict(on_time=20, late_returned_2027=1),
         facts=(True, 9, 10, 1), survey=("77.5", "72.5")),
    dict(code="SVHTT", name="Sở Văn hóa và Thể thao", group="so",
         plan=[("21/01/2026", "", PLAN)],
         dossiers=dict(on_time=37, late=2),
         facts=(True, 5, 10, 0), survey=("85", "82.5")),
    dict(code="SXD", name="Sở Xây dựng", group="so",
         plan=[("23/01/2026", "", PLAN)],
         dossiers=dict(on_time=25),
         facts=(True, 8, 8, 0), survey=("65", "65")),
    dict(code="SYT", name="Sở Y tế", group="so",
         plan=[("26/01/2026", "", PLAN)],
         dossiers=dict(on_time=19, late_open=1),
         facts=(True, 11, 10, 0), survey=("80", "80")),
    # ---- group nganh-doc (vertically managed agencies) ---------------------------------------
    dict(code="BHXH", name="Bảo hiểm xã hội tỉnh", group="nganh-doc",
         plan=[("29/01/2026", "", PLAN)],
         dossiers=dict(on_time=19, late=1, late_open=1),
         facts=(True, 10, 10, 0), survey=("86.25", "85")),
    dict(code="CAT", name="Công an tỉnh", group="nganh-doc",
         plan=[("13/01/2026", "", PLAN)],
         dossiers=dict(on_time=35, pending_open=2),
         facts=(True, 20, 20, 0), survey=("92.5", "95")),
    dict(code="CT", name="Cục Thuế", group="nganh-doc",
         plan=[("20/02/2026", "", PLAN)],
         dossiers=dict(on_time=29, late=1, received_2027=1),
         facts=(True, 8, 10, 0), survey=("82.5", "80.625")),
    dict(code="HQ", name="Cục Hải quan", group="nganh-doc",
         plan=[("30/01/2026", "", PLAN)],
         dossiers=dict(on_time=24, late=1),
         facts=(False, 9, 10, 3), survey=("75", "70")),
    dict(code="KBNN", name="Kho bạc Nhà nước tỉnh", group="nganh-doc",
         plan=[("12/01/2026", "", PLAN)],
         dossiers=dict(on_time=5),
         facts=(True, 0, 0, 0), survey=("85", "87.5")),  # 0/0: 2.2 is not arising (excluded)
    dict(code="NHNN", name="Ngân hàng Nhà nước chi nhánh tỉnh", group="nganh-doc",
         plan=[],
         dossiers=dict(on_time=5, late=3),
         facts=(False, 2, 5, 2), survey=("60", "55")),
]

# Filler documents (never tagged ke-hoach-cchc): (loai, tags, subject, first day, last day)
FILLER = [
    ("KH", "ke-hoach-tuyen-truyen", "Kế hoạch thông tin, tuyên truyền cải cách hành chính năm 2026",
     "02/02/2026", "27/03/2026"),
    ("BC", "bao-cao-cchc", "Báo cáo kết quả thực hiện công tác cải cách hành chính quý I năm 2026",
     "05/03/2026", "15/03/2026"),
    ("BC", "bao-cao-cchc", "Báo cáo kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2026",
     "05/06/2026", "15/06/2026"),
    ("BC", "bao-cao-cchc", "Báo cáo kết quả thực hiện công tác cải cách hành chính 9 tháng năm 2026",
     "05/09/2026", "15/09/2026"),
    ("CV", "", "V/v rà soát, đề xuất đơn giản hóa thủ tục hành chính năm 2026",
     "01/04/2026", "30/06/2026"),
    ("TB", "", "Thông báo kết luận của người đứng đầu tại cuộc họp giao ban",
     "01/07/2026", "30/11/2026"),
]

# A few units also sent their self-assessment in January 2027 (after the as-of date: invisible).
SELF_2027 = ("BC", "bao-cao-cchc", "Báo cáo tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2026")
WITH_SELF_2027 = ["SNV", "SKHCN", "CAT", "HQ"]

YEAR_REPORT = "Báo cáo kết quả thực hiện công tác cải cách hành chính năm 2026"


# --------------------------------------------------------------------------- documents

def unit_documents(u):
    """The unit's register: [(number, date, subject, tags)] sorted by date, and the documents the
    facts cite, by reference name ("ck", "kh", "th", "nam") -> (number, date)."""
    cong_khai, _, kh, _ = u["facts"]
    docs = []  # (date, loai, tags, subject, ref)
    for date, more, subject in u["plan"]:
        tags = "ke-hoach-cchc" + (";" + more if more else "")
        docs.append((D(date), "KH", tags, subject, ""))
    for date, loai, tags, subject in u.get("extra", []):
        docs.append((D(date), loai, tags, subject, ""))
    if cong_khai:
        docs.append((rand_date("10/01/2026", "30/01/2026"), "QĐ", "",
                     "Quyết định công bố công khai dự toán ngân sách năm 2026", "ck"))
    if kh:
        docs.append((rand_date("05/02/2026", "28/02/2026"), "KH", "ke-hoach-dao-tao",
                     "Kế hoạch đào tạo, bồi dưỡng cán bộ, công chức, viên chức năm 2026", "kh"))
    docs.append((rand_date("01/12/2026", "10/12/2026"), "BC", "",
                 "Báo cáo kết quả đào tạo, bồi dưỡng cán bộ, công chức, viên chức năm 2026", "th"))
    docs.append((rand_date("11/12/2026", "22/12/2026"), "BC", "bao-cao-cchc", YEAR_REPORT, "nam"))
    for loai, tags, subject, lo, hi in rng.sample(FILLER, rng.randint(1, 3)):
        docs.append((rand_date(lo, hi), loai, tags, subject, ""))
    if u["code"] in WITH_SELF_2027:
        loai, tags, subject = SELF_2027
        docs.append((rand_date("05/01/2027", "15/01/2027"), loai, tags, subject, ""))
    docs.sort(key=lambda r: (r[0], r[3]))
    # numbers restart every year and grow with the date
    out, refs, last_year, n = [], {}, None, 0
    for date, loai, tags, subject, ref in docs:
        if date.year != last_year:
            last_year, n = date.year, 0
        n += rng.randint(1, 9)
        if loai == "CV":
            number = f"{n}/{u['code']}-VP"
        else:
            number = f"{n}/{loai}-{u['code']}"
        out.append((number, date, subject, tags))
        if ref:
            refs[ref] = (number, date)
    return out, refs


# --------------------------------------------------------------------------- dossiers
#
# Each kind makes (received, due, returned or None). The as-of date A is 31/12/2026.
#   on_time               returned on or before its due date (received 2026)
#   on_due                returned exactly on its due date (on time)
#   late                  returned after its due date, within 2026
#   late_open             not returned, due date before A (overdue in process: late)
#   late_returned_2027    due in 12/2026, returned in 01/2027 (after A: not returned, so late)
#   pending_open          not returned, due in 01/2027 (not yet due: left out)
#   due_as_of_open        not returned, due exactly on A (not yet overdue: left out)
#   pending_returned_2027 due in 01/2027, returned in 01/2027 (not yet due at A: left out)
#   received_2027         received in 01/2027 (after A: does not exist yet)

DOSSIER_KINDS = ["on_time", "on_due", "late", "late_open", "late_returned_2027",
                 "pending_open", "due_as_of_open", "pending_returned_2027", "received_2027"]


def make_dossier(kind):
    if kind in ("on_time", "on_due", "late"):
        r = rand_date("05/01/2026", "30/11/2026")
        k = rng.randint(3, 15)
        due = r + days(k)
        if kind == "on_time":
            back = r + days(rng.randint(1, k))
        elif kind == "on_due":
            back = due
        else:
            back = due + days(rng.randint(1, 10))
        return r, due, back
    if kind == "late_open":
        r = rand_date("01/10/2026", "30/11/2026")
        return r, r + days(rng.randint(3, 15)), None
    if kind == "late_returned_2027":
        r = rand_date("14/12/2026", "18/12/2026")
        due = r + days(rng.randint(5, 8))
        return r, due, rand_date("04/01/2027", "08/01/2027")
    if kind == "pending_open":
        r = rand_date("22/12/2026", "28/12/2026")
        return r, r + days(rng.randint(10, 15)), None
    if kind == "due_as_of_open":
        return D("21/12/2026"), AS_OF, None
    if kind == "pending_returned_2027":
        r = rand_date("22/12/2026", "24/12/2026")
        due = r + days(15)
        return r, due, due - days(2)
    if kind == "received_2027":
        r = rand_date("04/01/2027", "08/01/2027")
        due = r + days(10)
        return r, due, r + days(rng.randint(2, 10))
    raise ValueError(kind)


def unit_dossiers(u):
    rows = []
    for kind in DOSSIER_KINDS:
        for _ in range(u["dossiers"].get(kind, 0)):
            rows.append(make_dossier(kind))
    rows.sort(key=lambda r: (r[0], r[1], r[2] or dt.date.max))
    out = []
    for i, (r, due, back) in enumerate(rows, start=1):
        key = f"H40.{u['code']}-{r.strftime('%y%m%d')}-{i:04d}"
        out.append((key, r, due, back))
    return out


# --------------------------------------------------------------------------- facts

def unit_facts(u, refs):
    """[(name, value, source)] in a fixed order; sources cite the unit's own register."""
    cong_khai, th, kh, sach_nhieu = u["facts"]

    def cite(ref, what):
        number, date = refs[ref]
        return f"{number} ngày {fmt(date)} — {what}"

    if cong_khai:
        src_ck = cite("ck", "Quyết định công bố công khai dự toán ngân sách năm 2026")
    else:
        src_ck = cite("nam", YEAR_REPORT + " (chưa công khai dự toán ngân sách năm 2026)")
    src_th = cite("th", f"Báo cáo kết quả đào tạo, bồi dưỡng năm 2026 ({th} lượt)")
    if kh:
        src_kh = cite("kh", f"Kế hoạch đào tạo, bồi dưỡng năm 2026 ({kh} lượt)")
    else:
        src_kh = cite("nam", YEAR_REPORT + " (không ban hành kế hoạch bồi dưỡng năm 2026: không có nhu cầu)")
    if sach_nhieu:
        d = rand_date("01/09/2026", "30/11/2026")
        src_sn = (f"{rng.randint(20, 90)}/KL-TTr ngày {fmt(d)} — Kết luận thanh tra công vụ của Thanh tra tỉnh "
                  f"({sach_nhieu} vụ sách nhiễu, gây phiền hà)")
    else:
        src_sn = cite("nam", YEAR_REPORT + " (không có vụ sách nhiễu, gây phiền hà)")
    return [
        ("cong_khai_ngan_sach", cong_khai, src_ck),
        ("boi_duong_thuc_hien", th, src_th),
        ("boi_duong_ke_hoach", kh, src_kh),
        ("so_vu_sach_nhieu", sach_nhieu, src_sn),
    ]


def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def csv_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


# --------------------------------------------------------------------------- build

def main():
    write_text("criteria/criteria.toml", CRITERIA)

    all_docs, all_dossiers, all_facts, all_survey, all_appraisal = [], [], [], [], []
    for ui, u in enumerate(UNITS):
        code = u["code"]
        docs, refs = unit_documents(u)
        dossiers = unit_dossiers(u)
        facts = unit_facts(u, refs)
        base = f"by-unit/{code}"

        write_text(f"{base}/unit.toml",
                   f"code = {toml_str(code)}\nname = {toml_str(u['name'])}\ngroup = {toml_str(u['group'])}\n")
        write_csv(f"{base}/documents.csv", ["so_ky_hieu", "ngay_ban_hanh", "trich_yeu", "nhom"],
                  [(n, fmt(d), s, t) for n, d, s, t in docs])
        write_csv(f"{base}/dossiers.csv", ["ma_ho_so", "ngay_tiep_nhan", "han_xu_ly", "ngay_tra_ket_qua"],
                  [(k, fmt(r), fmt(due), fmt(back)) for k, r, due, back in dossiers])
        lines = [f"# {u['name']} — số liệu tự đánh giá Chỉ số CCHC năm 2026",
                 "# (generated by tools/gen-province/generate.py)", ""]
        for name, value, source in facts:
            lines += [f"[{name}]", f"value = {toml_value(value)}", f"source = {toml_str(source)}", ""]
        write_text(f"{base}/facts.toml", "\n".join(lines[:-1]) + "\n")
        if u.get("appraisal"):
            write_csv(f"{base}/appraisal.csv", ["vong", "ma_tieu_chi", "diem", "ghi_chu", "co_quan"],
                      u["appraisal"])

        for i, (n, d, s, t) in enumerate(docs):
            all_docs.append(((d, ui, i), (code, n, fmt(d), s, t)))
        for i, (k, r, due, back) in enumerate(dossiers):
            all_dossiers.append(((r, ui, i), (code, k, fmt(r), fmt(due), fmt(back))))
        for name, value, source in facts:
            all_facts.append((code, name, csv_value(value), source))
        all_survey.append((code, "3.1", u["survey"][0]))
        all_survey.append((code, "3.2", u["survey"][1]))
        for row in u.get("appraisal", []):
            all_appraisal.append((code,) + tuple(row))

    write_csv("by-unit/survey.csv", ["ma_don_vi", "ma_tieu_chi", "ty_le"], all_survey)

    # Province-wide exports: rows of all units interleaved by date (each unit's rows keep the
    # order of its by-unit file).
    write_csv("exports/units.csv", ["ma_don_vi", "ten_don_vi", "nhom"],
              [(u["code"], u["name"], u["group"]) for u in UNITS])
    all_docs.sort(key=lambda p: p[0])
    write_csv("exports/documents.csv", ["ma_don_vi", "so_ky_hieu", "ngay_ban_hanh", "trich_yeu", "nhom"],
              [row for _, row in all_docs])
    all_dossiers.sort(key=lambda p: p[0])
    write_csv("exports/dossiers.csv",
              ["ma_don_vi", "ma_ho_so", "ngay_tiep_nhan", "han_xu_ly", "ngay_tra_ket_qua"],
              [row for _, row in all_dossiers])
    write_csv("exports/facts.csv", ["ma_don_vi", "ten", "gia_tri", "nguon"], all_facts)
    write_csv("exports/survey.csv", ["ma_don_vi", "ma_tieu_chi", "ty_le"], all_survey)
    write_csv("exports/appraisal.csv", ["ma_don_vi", "vong", "ma_tieu_chi", "diem", "ghi_chu", "co_quan"],
              all_appraisal)


if __name__ == "__main__":
    main()
