#!/usr/bin/env python3
"""Generate the evidence fixture fixtures/skhcn-2026/ (Sở Khoa học và Công nghệ Nghệ An, year 2026).

What it writes (all into fixtures/skhcn-2026/, UTF-8 without BOM, NFC, "\\n" line ends):
  plan_tasks.csv    the task table of the appendix (sections I–VII) of the Sở's 2026 CCHC plan
                    (seed: shared/seeds/ke-hoach-cchc-2026-so-khcn-nghe-an.txt), with deadlines read
                    from "Thời gian hoàn thành" and a plausible year of completions   -- literal data
  documents.csv     the outgoing-document register (VNPT-iOffice export): 56 hand-specified 2026
                    documents (tagged plans, reports, submissions, inspection notices ...), 11 monthly
                    reports, 5 classified documents and generated ordinary documents; plus 2 rows
                    dated 12/2025 and 4 rows dated 01/2027 (the export was taken in late January 2027;
                    document numbers restart every year, so so_ky_hieu is unique only within a year)
                                                                                        -- mixed
  legal_drafts.csv  the four legal documents named in section I.1 of the appendix      -- literal
  dossiers.csv      one-stop dossiers received in 2026 (+ a few received in 01/2027)    -- generated
  reports.csv       periodic (Q1, 6T, 9T, NAM) and ad-hoc (DOT_XUAT) CCHC reports        -- literal
  feedback.csv      citizen feedback (PAKN)                                             -- generated
  inspections.csv   CCHC inspections of the units under the Sở                          -- literal
  tthc_changes.csv  changes of procedures the Sở had to submit for publication          -- literal
  facts.toml        one-off facts, each with its supporting document                    -- literal
  unit.toml         the unit                                                            -- literal

It does NOT write expected.csv, expected-totals.csv or EXPECTED.md: those were derived by hand from
the evidence files and are maintained by hand.

Determinism: Python 3 standard library only, one random.Random(2026) drawn in a fixed order, no
wall-clock use, no iteration over sets (checked with Python 3.11). Re-running reproduces the
committed files byte for byte:

    python3 tools/gen-skhcn-2026/generate.py

Shaping of the generated parts (so that the fixture exercises the scoring rules):
  * documents: exactly 420 non-classified documents dated in 2026, of which exactly 15 are not
    digitally signed and exactly 21 were not sent electronically (399/420 = 95 %, a band edge);
    5 classified (mat) documents, neither signed nor sent electronically.
  * dossiers: ~1000 received in 2026; 26 returned late, 4 pending past their deadline at 31/12/2026
    (one of them returned in 01/2027), the rest on time or pending and not yet due; the number of
    on-time dossiers rated khong_hai_long is chosen so that the QĐ 766 satisfaction ratio falls just
    below 95 % (and would reach 95 % only if pending overdue dossiers were wrongly left out).
  * feedback: 18 handled on time, 1 handled late, 1 pending past its deadline, 1 pending not yet due
    at 31/12/2026, 1 received in 01/2027.
The ma_thu_tuc codes are illustrative (format of the national TTHC database), not looked up.
"""

import csv
import datetime as dt
import random
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "fixtures" / "skhcn-2026"
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


# public holidays falling on weekdays (2026: Tết 16–20/02, Giỗ Tổ (compensated) 27/04, 30/04, 01/05,
# Quốc khánh 01–02/09; 2027: 01/01)
HOLIDAYS = [D(s) for s in (
    "01/01/2026", "16/02/2026", "17/02/2026", "18/02/2026", "19/02/2026", "20/02/2026",
    "27/04/2026", "30/04/2026", "01/05/2026", "01/09/2026", "02/09/2026", "01/01/2027",
)]


def is_working(d):
    return d.weekday() < 5 and d not in HOLIDAYS


def add_wd(d, n):
    """n working days after d (n = 0: d itself)."""
    while n > 0:
        d += dt.timedelta(days=1)
        if is_working(d):
            n -= 1
    return d


def working_days(start, end):
    out, d = [], start
    while d <= end:
        if is_working(d):
            out.append(d)
        d += dt.timedelta(days=1)
    return out


WD_2026 = working_days(D("01/01/2026"), D("31/12/2026"))


def write_csv(name, header, rows):
    path = OUT / name
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        for r in rows:
            w.writerow([nfc(str(v)) for v in r])


def x(b):
    return "x" if b else ""


# --------------------------------------------------------------------------- documents (hand-specified)

# key: (date, loai, cv-suffix or None, trich_yeu, nhom)
SPECIAL_2026 = [
    ("QD_TUCHU", "09/01/2026", "QĐ", "Quyết định giao dự toán ngân sách nhà nước năm 2026 và giao quyền tự chủ tài chính cho các đơn vị sự nghiệp trực thuộc Sở", ""),
    ("KH_CCHC", "16/01/2026", "KH", "Kế hoạch cải cách hành chính tại Sở Khoa học và Công nghệ năm 2026", "ke-hoach-cchc"),
    ("QD_CKNS", "20/01/2026", "QĐ", "Quyết định công bố công khai dự toán ngân sách nhà nước năm 2026 của Sở Khoa học và Công nghệ", ""),
    ("KH_PCTN", "22/01/2026", "KH", "Kế hoạch công tác phòng, chống tham nhũng, tiêu cực năm 2026", "ke-hoach-pctn"),
    ("KH_KT", "23/01/2026", "KH", "Kế hoạch kiểm tra công tác cải cách hành chính, kỷ luật, kỷ cương hành chính năm 2026", "ke-hoach-kiem-tra-cchc;ke-hoach-kiem-tra-cong-vu"),
    ("KH_CDS", "05/02/2026", "KH", "Kế hoạch chuyển đổi số ngành Khoa học và Công nghệ năm 2026", "ke-hoach-chuyen-doi-so"),
    ("KH_THTK", "06/02/2026", "KH", "Kế hoạch thực hành tiết kiệm, chống lãng phí năm 2026", "ke-hoach-pctn"),
    ("KH_DTBD", "26/02/2026", "KH", "Kế hoạch đào tạo, bồi dưỡng cán bộ, công chức, viên chức, người lao động năm 2026", "ke-hoach-dao-tao"),
    ("KH_RSVB", "27/02/2026", "KH", "Kế hoạch kiểm tra, rà soát, hệ thống hóa văn bản quy phạm pháp luật năm 2026", "ke-hoach-ra-soat-vbqppl"),
    ("TTR_TTHC1", "03/03/2026", "TTr", "Tờ trình đề nghị công bố danh mục thủ tục hành chính mới ban hành, được sửa đổi, bổ sung trong lĩnh vực năng lượng nguyên tử, an toàn bức xạ và hạt nhân", ""),
    ("KH_TT", "10/03/2026", "KH", "Kế hoạch thông tin, tuyên truyền cải cách hành chính năm 2026", "ke-hoach-tuyen-truyen"),
    ("BC_Q1", "12/03/2026", "BC", "Báo cáo kết quả thực hiện công tác cải cách hành chính quý I năm 2026", ""),
    ("QD_QCLV", "20/03/2026", "QĐ", "Quyết định ban hành Quy chế làm việc của Sở Khoa học và Công nghệ", ""),
    ("BC_DX1", "08/04/2026", "BC", "Báo cáo tình hình tiếp nhận, giải quyết thủ tục hành chính không phụ thuộc vào địa giới hành chính quý I năm 2026", ""),
    ("QD_QCCT", "15/04/2026", "QĐ", "Quyết định ban hành Quy chế chi tiêu nội bộ và Quy chế quản lý, sử dụng tài sản công của Văn phòng Sở Khoa học và Công nghệ", "quy-che-chi-tieu-noi-bo"),
    ("TTR_LD3", "28/04/2026", "TTr", "Tờ trình đề nghị ban hành Nghị quyết bãi bỏ Nghị quyết số 11/2024/NQ-HĐND ngày 11/7/2024 của HĐND tỉnh", ""),
    ("TTR_TTHC2", "06/05/2026", "TTr", "Tờ trình đề nghị công bố danh mục thủ tục hành chính được sửa đổi, bổ sung trong lĩnh vực tiêu chuẩn, đo lường, chất lượng", ""),
    ("TTR_PDG", "12/05/2026", "TTr", "Tờ trình đề nghị công bố danh mục thủ tục hành chính được tiếp nhận hồ sơ không phụ thuộc vào địa giới hành chính trong phạm vi tỉnh thuộc phạm vi chức năng quản lý của Sở Khoa học và Công nghệ", "tthc-phi-dia-gioi"),
    ("TB_KT1", "22/05/2026", "TB", "Thông báo kết luận kiểm tra công tác cải cách hành chính tại Trung tâm Ứng dụng tiến bộ khoa học và công nghệ", ""),
    ("TTR_LD2", "26/05/2026", "TTr", "Tờ trình đề nghị ban hành Nghị quyết sửa đổi, bổ sung Nghị quyết số 19/2023/NQ-HĐND ngày 07/12/2023 quy định về mức chi ngân sách nhà nước cho một số hoạt động khoa học và công nghệ trên địa bàn tỉnh", ""),
    ("BC_6T", "12/06/2026", "BC", "Báo cáo kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2026", ""),
    ("BC_6T_B", "19/06/2026", "BC", "Báo cáo bổ sung số liệu kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2026", ""),
    ("QD_KL", "14/07/2026", "QĐ", "Quyết định thi hành kỷ luật bằng hình thức khiển trách đối với viên chức Trung tâm Kỹ thuật tiêu chuẩn đo lường chất lượng", ""),
    ("TTR_LD1", "20/07/2026", "TTr", "Tờ trình đề nghị ban hành Nghị quyết quy định chính sách hỗ trợ phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số tỉnh Nghệ An đến năm 2030", ""),
    ("BC_DX2", "20/07/2026", "BC", "Báo cáo kết quả rà soát, đánh giá thủ tục hành chính nội bộ thuộc phạm vi quản lý của Sở Khoa học và Công nghệ", ""),
    ("TTR_TTHC3", "11/08/2026", "TTr", "Tờ trình đề nghị công bố danh mục thủ tục hành chính được sửa đổi, bổ sung trong lĩnh vực hoạt động khoa học và công nghệ", ""),
    ("QD_CNNV", "14/08/2026", "QĐ", "Quyết định quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của các phòng chuyên môn, đơn vị trực thuộc Sở Khoa học và Công nghệ", ""),
    ("TTR_TTHC4", "20/08/2026", "TTr", "Tờ trình đề nghị công bố danh mục thủ tục hành chính mới ban hành trong lĩnh vực xuất bản, in và phát hành", ""),
    ("TTR_TTHCNB", "21/08/2026", "TTr", "Tờ trình đề nghị công bố danh mục thủ tục hành chính nội bộ giữa các cơ quan hành chính nhà nước thuộc phạm vi quản lý của Sở Khoa học và Công nghệ", ""),
    ("TB_KT2", "25/08/2026", "TB", "Thông báo kết luận kiểm tra công tác cải cách hành chính tại Trung tâm Kỹ thuật tiêu chuẩn đo lường chất lượng", ""),
    ("BC_PC", "15/09/2026", "BC", "Báo cáo kết quả rà soát các quy định về phân cấp quản lý nhà nước trong lĩnh vực khoa học và công nghệ", "phan-cap"),
    ("BC_9T", "17/09/2026", "BC", "Báo cáo kết quả thực hiện công tác cải cách hành chính 9 tháng năm 2026", ""),
    ("BC_ISO", "28/09/2026", "BC", "Báo cáo kết quả đánh giá nội bộ Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 năm 2026", ""),
    ("BC_TCBM", "30/09/2026", "BC", "Báo cáo kết quả triển khai các quy định về sắp xếp tổ chức bộ máy và số lượng lãnh đạo cấp phó tại Sở Khoa học và Công nghệ", ""),
    ("QD_ISO", "16/10/2026", "QĐ", "Quyết định công bố Hệ thống quản lý chất lượng phù hợp Tiêu chuẩn quốc gia TCVN ISO 9001:2015 (cập nhật quy trình năm 2026)", ""),
    ("QD_SK", "20/10/2026", "QĐ", "Quyết định công nhận sáng kiến cấp cơ sở năm 2026", ""),
    ("BC_DX3", "23/10/2026", "BC", "Báo cáo tình hình, kết quả sắp xếp, kiện toàn các đơn vị sự nghiệp công lập trực thuộc", ""),
    ("BC_RSTTHC", "30/10/2026", "BC", "Báo cáo kết quả rà soát, đơn giản hóa thủ tục hành chính năm 2026", ""),
    ("TTR_TTHC5", "10/11/2026", "TTr", "Tờ trình đề nghị công bố danh mục thủ tục hành chính được sửa đổi, bổ sung trong lĩnh vực bưu chính", ""),
    ("TB_KT3", "17/11/2026", "TB", "Thông báo kết quả kiểm tra việc khắc phục tồn tại, hạn chế sau kiểm tra công tác cải cách hành chính tại Trung tâm Ứng dụng tiến bộ khoa học và công nghệ", ""),
    ("BC_VBQPPL", "18/11/2026", "BC", "Báo cáo công tác xây dựng, kiểm tra, rà soát, hệ thống hóa văn bản quy phạm pháp luật năm 2026", ""),
    ("BC_TUCHU", "20/11/2026", "BC", "Báo cáo đánh giá tình hình thực hiện cơ chế tự chủ, tự chịu trách nhiệm của các đơn vị sự nghiệp công lập trực thuộc năm 2026", "danh-gia-tu-chu"),
    ("TTR_QTNB", "24/11/2026", "TTr", "Tờ trình đề nghị phê duyệt quy trình nội bộ, quy trình điện tử giải quyết thủ tục hành chính thuộc phạm vi chức năng quản lý của Sở Khoa học và Công nghệ", ""),
    ("BC_KTCV", "25/11/2026", "BC", "Báo cáo kết quả kiểm tra công tác cải cách hành chính, kỷ luật, kỷ cương hành chính năm 2026", ""),
    ("BC_VTVL", "27/11/2026", "BC", "Báo cáo kết quả rà soát, sắp xếp đội ngũ cán bộ, công chức, viên chức, người lao động theo vị trí việc làm năm 2026", ""),
    ("BC_TTRA", "02/12/2026", "BC", "Báo cáo kết quả công tác thanh tra, kiểm tra chuyên ngành và thực hiện kiến nghị thanh tra, kiểm toán năm 2026", ""),
    ("CV_HDDG", "03/12/2026", "CV:VP", "V/v hướng dẫn đánh giá, xếp loại chất lượng công chức, viên chức, người lao động năm 2026", ""),
    ("BC_DTBD", "04/12/2026", "BC", "Báo cáo kết quả đào tạo, bồi dưỡng cán bộ, công chức, viên chức, người lao động năm 2026", ""),
    ("BC_CDS", "10/12/2026", "BC", "Báo cáo kết quả thực hiện chuyển đổi số, ứng dụng công nghệ thông tin năm 2026", ""),
    ("BC_TTHC", "10/12/2026", "BC", "Báo cáo tình hình, kết quả thực hiện kiểm soát thủ tục hành chính, cơ chế một cửa, một cửa liên thông năm 2026", ""),
    ("BC_NAM", "11/12/2026", "BC", "Báo cáo kết quả thực hiện công tác cải cách hành chính năm 2026", ""),
    ("BC_TINHGIAN", "15/12/2026", "BC", "Báo cáo kết quả thực hiện chính sách tinh giản biên chế năm 2026", ""),
    ("BC_CDVT", "15/12/2026", "BC", "Báo cáo kết quả thực hiện chuyển đổi vị trí công tác đối với công chức, viên chức năm 2026", ""),
    ("TTR_KTDV", "18/12/2026", "TTr", "Tờ trình phương án kiện toàn, sắp xếp các đơn vị sự nghiệp công lập trực thuộc theo hướng tự chủ", ""),
    ("BC_T12", "18/12/2026", "BC", "Báo cáo kết quả thực hiện nhiệm vụ tháng 12 và năm 2026", ""),
    ("BC_GN", "28/12/2026", "BC", "Báo cáo tình hình giải ngân kinh phí sự nghiệp khoa học và công nghệ năm 2026", ""),
]

# rows outside 2026 (the export ran from 29/12/2025 to 19/01/2027): fixed numbers
# key: (so_ky_hieu, date, loai, trich_yeu, nhom, ky_so, gui_dien_tu)
OUTSIDE = [
    ("KH_CDS_2025", "142/KH-SKHCN", "29/12/2025", "KH", "Kế hoạch chuyển đổi số ngành Khoa học và Công nghệ tỉnh Nghệ An giai đoạn 2026 - 2030", "ke-hoach-chuyen-doi-so", True, True),
    ("CV_2025", "2398/SKHCN-VP", "30/12/2025", "CV", "V/v chuẩn bị nội dung Hội nghị tổng kết công tác năm 2025, triển khai nhiệm vụ năm 2026", "", False, False),
    ("CV_2027", "6/SKHCN-VP", "06/01/2027", "CV", "V/v cung cấp số liệu phục vụ tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2026", "", False, False),
    ("QD_XH", "1/QĐ-SKHCN", "08/01/2027", "QĐ", "Quyết định công nhận kết quả đánh giá, xếp hạng công tác cải cách hành chính năm 2026 của các phòng, đơn vị trực thuộc", "", True, True),
    ("QD_DGXL", "2/QĐ-SKHCN", "12/01/2027", "QĐ", "Quyết định phê duyệt kết quả đánh giá, xếp loại chất lượng công chức, viên chức, người lao động năm 2026", "danh-gia-xep-loai", True, True),
    ("TB_KT2027", "1/TB-SKHCN", "19/01/2027", "TB", "Thông báo kết luận kiểm tra công tác cải cách hành chính tại Trung tâm Khoa học công nghệ và Truyền thông", "", True, False),
]

CLASSIFIED = [  # mat: neither digitally signed nor sent electronically
    ("BC", "Báo cáo công tác bảo vệ bí mật nhà nước"),
    ("CV", "V/v cung cấp thông tin phục vụ công tác bảo vệ chính trị nội bộ"),
    ("BC", "Báo cáo kết quả thực hiện nhiệm vụ quốc phòng, an ninh"),
    ("QĐ", "Quyết định ban hành danh mục bí mật nhà nước thuộc lĩnh vực khoa học và công nghệ"),
    ("CV", "V/v phối hợp thẩm định hồ sơ dự án thuộc danh mục bí mật nhà nước"),
]

N_NON_CLASSIFIED_2026 = 420
N_UNSIGNED = 15
N_NOT_SENT = 21
N_UNSIGNED_AND_NOT_SENT = 8

CV_SUFFIX = ["VP", "VP", "VP", "QLKH", "QLKH", "QLCN", "QLCL", "KHTC"]

NHIEM_VU = [
    "Nghiên cứu ứng dụng công nghệ nuôi cấy mô sản xuất giống chuối tiêu hồng tại Nghệ An",
    "Xây dựng mô hình sản xuất cam Vinh theo hướng hữu cơ tại huyện Nghi Lộc",
    "Nghiên cứu giải pháp phát triển du lịch cộng đồng ở miền Tây Nghệ An",
    "Ứng dụng IoT trong giám sát môi trường nuôi tôm thẻ chân trắng tại Quỳnh Lưu",
    "Nghiên cứu, bảo tồn và phát huy giá trị dân ca ví, giặm Nghệ Tĩnh",
    "Xây dựng và phát triển nhãn hiệu chứng nhận \"Nhút Thanh Chương\"",
    "Nghiên cứu chọn tạo giống lúa chịu mặn cho vùng ven biển Nghệ An",
    "Ứng dụng trí tuệ nhân tạo hỗ trợ chẩn đoán hình ảnh tại Bệnh viện Hữu nghị đa khoa Nghệ An",
    "Nghiên cứu sản xuất chế phẩm sinh học xử lý phụ phẩm nông nghiệp, làm phân bón hữu cơ",
    "Đánh giá thực trạng và đề xuất giải pháp nâng cao Chỉ số đổi mới sáng tạo (PII) tỉnh Nghệ An",
    "Xây dựng cơ sở dữ liệu nguồn gen cây dược liệu quý vùng Pù Mát",
    "Nghiên cứu quy trình nhân giống và trồng sâm Puxailaileng",
]
NOI_CONG_TAC = ["Hà Nội", "Thành phố Hồ Chí Minh", "Đà Nẵng", "Hà Tĩnh", "Thanh Hóa", "Quảng Bình"]
DON_VI = ["Trung tâm Ứng dụng tiến bộ khoa học và công nghệ", "Trung tâm Kỹ thuật tiêu chuẩn đo lường chất lượng",
          "Trung tâm Khoa học công nghệ và Truyền thông", "Trung tâm Khoa học xã hội và Nhân văn"]
LINH_VUC = ["đo lường, chất lượng hàng hóa", "an toàn bức xạ trong y tế", "sở hữu trí tuệ",
            "chuyển giao công nghệ", "nhãn hàng hóa", "xuất bản, in và phát hành", "bưu chính"]
SO_NGANH = ["Sở Tài chính", "Sở Nội vụ", "Sở Nông nghiệp và Môi trường", "Sở Y tế", "Sở Công Thương",
            "Sở Tư pháp", "Sở Giáo dục và Đào tạo", "UBND các xã, phường"]
SU_KIEN = ["Hội nghị tổng kết công tác khoa học và công nghệ", "Chợ công nghệ và thiết bị (Techmart) Bắc Trung Bộ",
           "Ngày hội khởi nghiệp đổi mới sáng tạo tỉnh Nghệ An (Techfest Nghệ An) năm 2026",
           "Hội thảo ứng dụng trí tuệ nhân tạo trong cơ quan nhà nước", "Ngày Khoa học và Công nghệ Việt Nam 18/5",
           "tập huấn nghiệp vụ quản lý khoa học và công nghệ cấp xã"]


def ordinary_trich_yeu(loai):
    m = rng.randint(1, 12)
    c = rng.randrange(16)
    if loai == "CV":
        opts = [
            lambda: "V/v góp ý dự thảo văn bản của " + rng.choice(SO_NGANH),
            lambda: "V/v đôn đốc nộp hồ sơ quyết toán kinh phí nhiệm vụ khoa học và công nghệ năm 2026",
            lambda: "V/v cử cán bộ tham dự " + rng.choice(SU_KIEN),
            lambda: "V/v đề nghị cung cấp thông tin, số liệu thống kê ngành khoa học và công nghệ",
            lambda: "V/v hướng dẫn đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ",
            lambda: "V/v kiểm tra tiến độ thực hiện nhiệm vụ: " + rng.choice(NHIEM_VU),
            lambda: "V/v ý kiến về công nghệ của dự án đầu tư trên địa bàn tỉnh",
            lambda: "V/v triển khai Cuộc thi \"Ý tưởng khởi nghiệp đổi mới sáng tạo tỉnh Nghệ An năm 2026\"",
            lambda: "V/v đề xuất đặt hàng nhiệm vụ khoa học và công nghệ cấp tỉnh năm 2027",
            lambda: "V/v tăng cường quản lý an toàn bức xạ tại các cơ sở X-quang y tế",
            lambda: "V/v phối hợp kiểm tra " + rng.choice(LINH_VUC),
            lambda: "V/v đăng ký nhu cầu bồi dưỡng, tập huấn nghiệp vụ năm 2026",
            lambda: "V/v cập nhật dữ liệu lên Cơ sở dữ liệu quốc gia về khoa học và công nghệ",
            lambda: "V/v trả lời kiến nghị của cử tri liên quan đến lĩnh vực khoa học và công nghệ",
            lambda: "V/v tăng cường sử dụng chữ ký số, văn bản điện tử trong hoạt động của cơ quan",
            lambda: "V/v phúc đáp Công văn của " + rng.choice(SO_NGANH),
        ]
        return opts[c]()
    if loai == "QĐ":
        opts = [
            lambda: "Quyết định thành lập Hội đồng tư vấn tuyển chọn tổ chức, cá nhân chủ trì nhiệm vụ: " + rng.choice(NHIEM_VU),
            lambda: "Quyết định phê duyệt kinh phí thực hiện nhiệm vụ: " + rng.choice(NHIEM_VU),
            lambda: "Quyết định công nhận kết quả đánh giá, nghiệm thu nhiệm vụ: " + rng.choice(NHIEM_VU),
            lambda: "Quyết định cử cán bộ đi công tác tại " + rng.choice(NOI_CONG_TAC),
            lambda: "Quyết định nâng bậc lương thường xuyên đối với công chức, viên chức",
            lambda: "Quyết định thành lập Đoàn kiểm tra liên ngành về " + rng.choice(LINH_VUC),
            lambda: "Quyết định xử phạt vi phạm hành chính trong lĩnh vực " + rng.choice(LINH_VUC),
            lambda: "Quyết định điều chỉnh thời gian thực hiện nhiệm vụ: " + rng.choice(NHIEM_VU),
        ]
        return opts[c % len(opts)]()
    if loai == "BC":
        opts = [
            lambda: "Báo cáo tình hình triển khai nhiệm vụ khoa học và công nghệ cấp tỉnh",
            lambda: "Báo cáo kết quả kiểm tra " + rng.choice(LINH_VUC),
            lambda: "Báo cáo công tác tiếp công dân, giải quyết khiếu nại, tố cáo quý " + ["I", "II", "III", "IV"][(m - 1) // 3],
            lambda: "Báo cáo thống kê cơ sở ngành khoa học và công nghệ",
            lambda: "Báo cáo kết quả thực hiện Chương trình phát triển tài sản trí tuệ",
            lambda: "Báo cáo tình hình hoạt động của " + rng.choice(DON_VI),
        ]
        return opts[c % len(opts)]()
    if loai == "TB":
        opts = [
            lambda: "Thông báo kết luận của Giám đốc Sở tại cuộc họp giao ban tháng %d/2026" % m,
            lambda: "Thông báo tuyển chọn tổ chức, cá nhân chủ trì thực hiện nhiệm vụ khoa học và công nghệ cấp tỉnh",
            lambda: "Thông báo lịch tiếp công dân của Lãnh đạo Sở",
            lambda: "Thông báo kết quả xét tuyển viên chức năm 2026",
        ]
        return opts[c % len(opts)]()
    if loai == "KH":
        opts = [
            lambda: "Kế hoạch tổ chức " + rng.choice(SU_KIEN),
            lambda: "Kế hoạch thanh tra, kiểm tra chuyên ngành về " + rng.choice(LINH_VUC) + " năm 2026",
            lambda: "Kế hoạch triển khai Chương trình hỗ trợ doanh nghiệp nâng cao năng suất chất lượng",
            lambda: "Kế hoạch tổ chức Hội thi Sáng tạo kỹ thuật tỉnh Nghệ An",
        ]
        return opts[c % len(opts)]()
    # TTr
    opts = [
        lambda: "Tờ trình đề nghị phê duyệt danh mục nhiệm vụ khoa học và công nghệ cấp tỉnh đặt hàng năm 2027",
        lambda: "Tờ trình đề nghị khen thưởng tập thể, cá nhân có thành tích xuất sắc trong hoạt động khoa học và công nghệ",
        lambda: "Tờ trình đề nghị phê duyệt điều chỉnh dự toán kinh phí sự nghiệp khoa học và công nghệ",
        lambda: "Tờ trình đề nghị thẩm định dự toán mua sắm trang thiết bị cho " + rng.choice(DON_VI),
    ]
    return opts[c % len(opts)]()


def build_documents():
    docs = []  # dicts: key, date, loai, suffix, trich_yeu, nhom, ky_so, gui, mat, sort
    for key, ds, loai, ty, nhom in SPECIAL_2026:
        suffix = None
        if loai.startswith("CV:"):
            loai, suffix = "CV", loai[3:]
        docs.append(dict(key=key, date=D(ds), loai=loai, suffix=suffix, trich_yeu=ty, nhom=nhom,
                         ky_so=True, gui=True, mat=False, sort=rng.random(), special=True))
    # monthly work reports (Jan–Nov; December's is BC_T12)
    for m in range(1, 12):
        d = D("25/%02d/2026" % m)
        while not is_working(d):
            d -= dt.timedelta(days=1)
        docs.append(dict(key=None, date=d, loai="BC", suffix=None,
                         trich_yeu="Báo cáo kết quả thực hiện nhiệm vụ tháng %d năm 2026" % m, nhom="",
                         ky_so=True, gui=True, mat=False, sort=rng.random(), special=False))
    n_ordinary = N_NON_CLASSIFIED_2026 - len(docs)
    types = ["CV", "QĐ", "BC", "TB", "KH", "TTr"]
    weights = [64, 14, 8, 6, 4, 4]
    for _ in range(n_ordinary):
        loai = rng.choices(types, weights)[0]
        d = rng.choice(WD_2026)
        suffix = rng.choice(CV_SUFFIX) if loai == "CV" else None
        docs.append(dict(key=None, date=d, loai=loai, suffix=suffix, trich_yeu=ordinary_trich_yeu(loai), nhom="",
                         ky_so=True, gui=True, mat=False, sort=rng.random(), special=False))
    # unsigned / not sent: only among ordinary (non-special) documents
    pool = [i for i, dd in enumerate(docs) if not dd["special"]]
    unsigned = rng.sample(pool, N_UNSIGNED)
    not_sent = rng.sample(unsigned, N_UNSIGNED_AND_NOT_SENT)
    rest = [i for i in pool if i not in unsigned]
    not_sent += rng.sample(rest, N_NOT_SENT - N_UNSIGNED_AND_NOT_SENT)
    for i in unsigned:
        docs[i]["ky_so"] = False
    for i in not_sent:
        docs[i]["gui"] = False
    # classified
    for loai, ty in CLASSIFIED:
        d = rng.choice(WD_2026)
        docs.append(dict(key=None, date=d, loai=loai, suffix="VP" if loai == "CV" else None, trich_yeu=ty, nhom="",
                         ky_so=False, gui=False, mat=True, sort=rng.random(), special=False))
    # numbering in 2026: one sequence per type, in date order
    docs.sort(key=lambda dd: (dd["date"], dd["sort"]))
    counters = {}
    for dd in docs:
        n = counters.get(dd["loai"], 0) + 1
        counters[dd["loai"]] = n
        if dd["loai"] == "CV":
            dd["so"] = "%d/SKHCN-%s" % (n, dd["suffix"])
        else:
            dd["so"] = "%d/%s-SKHCN" % (n, dd["loai"])
    for key, so, ds, loai, ty, nhom, ky, gui in OUTSIDE:
        docs.append(dict(key=key, date=D(ds), loai=loai, so=so, trich_yeu=ty, nhom=nhom,
                         ky_so=ky, gui=gui, mat=False, sort=0.0, special=True))
    docs.sort(key=lambda dd: (dd["date"], dd["sort"]))
    return docs


# --------------------------------------------------------------------------- main

def main():
    OUT.mkdir(parents=True, exist_ok=True)
    docs = build_documents()
    by_key = {dd["key"]: dd for dd in docs if dd["key"]}

    def so(key):
        return by_key[key]["so"]

    def ref(key):
        dd = by_key[key]
        return "%s ngày %s" % (dd["so"], fmt(dd["date"]))

    def src(key):
        dd = by_key[key]
        return "%s ngày %s — %s" % (dd["so"], fmt(dd["date"]), dd["trich_yeu"])

    def done(key):
        return fmt(by_key[key]["date"])

    write_csv("documents.csv",
              ["so_ky_hieu", "ngay_ban_hanh", "loai", "trich_yeu", "nhom", "ky_so", "gui_dien_tu", "mat"],
              [[dd["so"], fmt(dd["date"]), dd["loai"], dd["trich_yeu"], dd["nhom"],
                x(dd["ky_so"]), x(dd["gui"]), x(dd["mat"])] for dd in docs])

    # ---------------------------------------------------------------- plan tasks (literal)
    VP = "Văn phòng Sở"
    T31 = "31/12/2026"
    plan = [
        # I. CẢI CÁCH THỂ CHẾ — "Quý I, quý II"
        ("I.1.1", "Tham mưu HĐND tỉnh ban hành Nghị quyết chính sách hỗ trợ phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số tỉnh Nghệ An đến năm 2030", "Các phòng", "30/06/2026", done("TTR_LD1"), "Tờ trình số " + ref("TTR_LD1") + " kèm dự thảo Nghị quyết"),
        ("I.1.2", "Tham mưu Nghị quyết sửa đổi, bổ sung Nghị quyết 19/2023/NQ-HĐND ngày 07/12/2023 quy định về mức chi ngân sách nhà nước cho một số hoạt động KH&CN trên địa bàn tỉnh", "Các phòng", "30/06/2026", done("TTR_LD2"), "Tờ trình số " + ref("TTR_LD2") + " kèm dự thảo Nghị quyết"),
        ("I.1.3", "Tham mưu Nghị quyết bãi bỏ Nghị quyết 11/2024/NQ-HĐND ngày 11/7/2024 về quy định thẩm quyền quyết định việc mua sắm tài sản của các nhiệm vụ khoa học và công nghệ", "Các phòng", "30/06/2026", done("TTR_LD3"), "Tờ trình số " + ref("TTR_LD3") + " kèm dự thảo Nghị quyết"),
        ("I.1.4", "Tham mưu UBND tỉnh sửa đổi, bổ sung Quyết định số 44/QĐ-UBND ngày 11/6/2016 về phân công trách nhiệm và quan hệ phối hợp trong quản lý nhà nước về chất lượng sản phẩm, hàng hoá", "Các phòng", "30/06/2026", "", "Dự thảo Quyết định (chưa trình)"),
        ("I.2.1", "Kiểm tra, hệ thống hóa, hoàn thiện các văn bản QPPL của ngành", VP, T31, done("BC_VBQPPL"), "Báo cáo số " + ref("BC_VBQPPL")),
        # II. CẢI CÁCH THỦ TỤC HÀNH CHÍNH
        ("II.1.1", "Xây dựng, ban hành Kế hoạch CCHC, kiểm soát TTHC năm 2026", VP, "31/01/2026", done("KH_CCHC"), "Kế hoạch số " + ref("KH_CCHC")),
        ("II.1.2", "Báo cáo định kỳ kết quả thực hiện Kế hoạch CCHC, kiểm soát TTHC", VP, T31, done("BC_NAM"), "Báo cáo số " + ref("BC_NAM")),
        ("II.2.1", "Tham mưu dự thảo quyết định công bố danh mục TTHC thuộc thẩm quyền giải quyết của Sở trình Chủ tịch UBND tỉnh", VP, T31, done("TTR_TTHC5"), "Các tờ trình kèm dự thảo Quyết định công bố; tờ trình cuối năm số " + ref("TTR_TTHC5")),
        ("II.3.1", "Tham mưu dự thảo quyết định phê duyệt quy trình nội bộ, quy trình điện tử trong giải quyết TTHC thuộc phạm vi chức năng quản lý của Sở", VP, T31, done("TTR_QTNB"), "Tờ trình số " + ref("TTR_QTNB") + " kèm dự thảo Quyết định"),
        ("II.4.1", "Tham mưu dự thảo quyết định công bố TTHC được thực hiện không phụ thuộc vào địa giới hành chính trong phạm vi cấp tỉnh", VP, T31, done("TTR_PDG"), "Tờ trình số " + ref("TTR_PDG") + " kèm dự thảo Quyết định"),
        ("II.5.1", "Tham mưu dự thảo quyết định công bố danh mục TTHC nội bộ thuộc phạm vi chức năng quản lý của Sở", VP, T31, done("TTR_TTHCNB"), "Tờ trình số " + ref("TTR_TTHCNB") + " kèm dự thảo Quyết định"),
        ("II.6.1", "Thực hiện đầy đủ nội dung công khai, minh bạch tất cả các TTHC trên Cổng dịch vụ công, Trang thông tin điện tử của Sở và tại Trung tâm Phục vụ hành chính công", VP, T31, done("BC_TTHC"), "Báo cáo số " + ref("BC_TTHC")),
        ("II.7.1", "Rà soát, đơn giản hóa TTHC thuộc thẩm quyền giải quyết của Sở", "Các phòng chuyên môn", T31, done("BC_RSTTHC"), "Báo cáo số " + ref("BC_RSTTHC")),
        ("II.8.1", "Thực hiện có hiệu quả việc tiếp nhận, giải quyết TTHC và trả kết quả tại Trung tâm Phục vụ hành chính công", "Các phòng", T31, done("BC_TTHC"), "Báo cáo số " + ref("BC_TTHC")),
        ("II.9.1", "Tiếp nhận, xử lý phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành chính", "Lãnh đạo Sở, Trưởng các phòng chuyên môn, các đơn vị trực thuộc Sở", T31, done("BC_NAM"), "Báo cáo số " + ref("BC_NAM")),
        # III. CẢI CÁCH TỔ CHỨC BỘ MÁY
        ("III.1.1", "Triển khai các quy định của Trung ương, của tỉnh về sắp xếp tổ chức bộ máy", VP, T31, done("BC_TCBM"), "Báo cáo số " + ref("BC_TCBM")),
        ("III.2.1", "Tham mưu dự thảo QĐ quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của các phòng, đơn vị trực thuộc", VP, T31, done("QD_CNNV"), "Quyết định số " + ref("QD_CNNV")),
        ("III.3.1", "Sắp xếp đội ngũ cán bộ, công chức, viên chức, người lao động theo đề án vị trí việc làm", VP, T31, done("BC_VTVL"), "Báo cáo số " + ref("BC_VTVL")),
        ("III.4.1", "Kiện toàn, sắp xếp bộ máy các đơn vị sự nghiệp theo hướng tự chủ", VP, T31, done("TTR_KTDV"), "Báo cáo số " + ref("BC_DX3") + "; Tờ trình số " + ref("TTR_KTDV")),
        ("III.5.1", "Rà soát các quy định về phân cấp trên một số lĩnh vực thuộc phạm vi quản lý của ngành KH&CN", VP, T31, done("BC_PC"), "Báo cáo số " + ref("BC_PC")),
        ("III.6.1", "Hoàn thiện hệ thống quy chế nội bộ phục vụ công tác chỉ đạo, quản lý, điều hành", VP, T31, done("QD_QCLV"), "Quyết định số " + ref("QD_QCLV")),
        # IV. CẢI CÁCH CHẾ ĐỘ CÔNG VỤ
        ("IV.1.1", "Triển khai các quy định về chức danh, tiêu chuẩn nghiệp vụ công chức, viên chức kể cả lãnh đạo, quản lý", VP, T31, done("BC_VTVL"), "Báo cáo số " + ref("BC_VTVL")),
        ("IV.2.1", "Thực hiện các quy định về luân chuyển, điều động, quy hoạch, bổ nhiệm, bổ nhiệm lại, định kỳ chuyển đổi vị trí công tác đối với CB, CC, VC", VP, T31, done("BC_CDVT"), "Báo cáo số " + ref("BC_CDVT")),
        ("IV.3.1", "Đảm bảo chế độ chính sách cho cán bộ, công chức, viên chức, người lao động", VP, T31, done("BC_NAM"), "Báo cáo số " + ref("BC_NAM")),
        ("IV.4.1", "Xây dựng, triển khai Kế hoạch đào tạo, bồi dưỡng cán bộ, công chức, viên chức, người lao động", VP, T31, done("BC_DTBD"), "Kế hoạch số " + ref("KH_DTBD") + "; Báo cáo số " + ref("BC_DTBD")),
        ("IV.5.1", "Chấp hành kỷ luật, kỷ cương hành chính trong cơ quan, các đơn vị trực thuộc", VP, T31, done("BC_KTCV"), "Báo cáo số " + ref("BC_KTCV")),
        ("IV.6.1", "Thực thi công vụ, nhiệm vụ của cán bộ, công chức, viên chức và người lao động (báo cáo định kỳ hàng tháng)", VP, T31, done("BC_T12"), "Báo cáo số " + ref("BC_T12")),
        # V. CẢI CÁCH TÀI CHÍNH CÔNG
        ("V.1.1", "Quyết định giao tự chủ, tự chịu trách nhiệm và các văn bản giao tự chủ tài chính cho các đơn vị sự nghiệp công lập", VP, T31, done("QD_TUCHU"), "Quyết định số " + ref("QD_TUCHU")),
        ("V.1.2", "Báo cáo tình hình thực hiện chế độ tự chủ, tự chịu trách nhiệm", VP, T31, done("BC_TUCHU"), "Báo cáo số " + ref("BC_TUCHU")),
        ("V.2.1", "Xây dựng, triển khai Kế hoạch phòng chống tham nhũng, thực hành tiết kiệm, chống lãng phí", VP, T31, done("KH_PCTN"), "Kế hoạch số " + ref("KH_PCTN") + "; Kế hoạch số " + ref("KH_THTK")),
        ("V.3.1", "Theo dõi, đôn đốc giải ngân kịp thời, hiệu quả ngân sách sự nghiệp KHCN", VP, T31, done("BC_GN"), "Báo cáo số " + ref("BC_GN")),
        ("V.4.1", "Rà soát, bổ sung, sửa đổi Quy chế chi tiêu nội bộ, Quy chế quản lý và sử dụng tài sản công của cơ quan, các đơn vị", VP, "31/03/2026", done("QD_QCCT"), "Quyết định số " + ref("QD_QCCT")),
        # VI. CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ
        ("VI.1.1", "Xây dựng, ban hành Kế hoạch chuyển đổi số ngành KH&CN năm 2026", VP, "31/01/2026", done("KH_CDS"), "Kế hoạch số " + ref("KH_CDS")),
        ("VI.1.2", "Báo cáo định kỳ kết quả thực hiện Kế hoạch chuyển đổi số", VP, T31, done("BC_CDS"), "Báo cáo số " + ref("BC_CDS")),
        ("VI.2.1", "Tăng cường sử dụng hệ thống quản lý văn bản điều hành VNPT iOffice, ứng dụng chữ ký số", VP, T31, done("BC_CDS"), "Báo cáo số " + ref("BC_CDS")),
        ("VI.3.1", "Đẩy mạnh số hóa hồ sơ giải quyết TTHC, tiếp nhận, giải quyết hồ sơ trên môi trường điện tử, thanh toán phí, lệ phí trực tuyến", VP, T31, done("BC_TTHC"), "Báo cáo số " + ref("BC_TTHC")),
        ("VI.4.1", "Sử dụng có hiệu quả các hệ thống dùng chung của tỉnh; cung cấp đầy đủ thông tin lên Trang thông tin điện tử của Sở", VP, T31, done("BC_CDS"), "Báo cáo số " + ref("BC_CDS")),
        ("VI.5.1", "Áp dụng, duy trì và cải tiến HTQLCL theo TCVN ISO 9001 tại cơ quan; rà soát, cập nhật quy trình ISO của Sở", VP, T31, done("QD_ISO"), "Báo cáo số " + ref("BC_ISO") + "; Quyết định số " + ref("QD_ISO")),
        # VII. CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH, TUYÊN TRUYỀN
        ("VII.1.1", "Ban hành Kế hoạch tuyên truyền CCHC năm 2026", VP, "31/03/2026", done("KH_TT"), "Kế hoạch số " + ref("KH_TT")),
        ("VII.1.2", "Báo cáo đánh giá mức độ thực hiện Kế hoạch tuyên truyền CCHC (lồng ghép trong báo cáo CCHC)", VP, T31, done("BC_NAM"), "Báo cáo số " + ref("BC_NAM")),
        ("VII.2.1", "Xây dựng, ban hành Kế hoạch kiểm tra CCHC, kiểm tra kỷ luật, kỷ cương hành chính năm 2026", VP, "31/01/2026", done("KH_KT"), "Kế hoạch số " + ref("KH_KT")),
        ("VII.2.2", "Báo cáo kết quả kiểm tra và sau kiểm tra CCHC, kỷ luật, kỷ cương hành chính", VP, T31, done("BC_KTCV"), "Báo cáo số " + ref("BC_KTCV")),
        ("VII.3.1", "Tự chấm điểm xác định Chỉ số cải cách hành chính năm 2026, gửi Sở Nội vụ", VP, T31, "", "Báo cáo tự đánh giá, chấm điểm (đang hoàn thiện)"),
        ("VII.4.1", "Tự đánh giá, chấm điểm, xếp hạng kết quả công tác CCHC năm 2026 của các phòng, đơn vị trực thuộc", VP, T31, done("QD_XH"), "Quyết định số " + ref("QD_XH")),
    ]
    write_csv("plan_tasks.csv", ["ma", "nhiem_vu", "don_vi_chu_tri", "han", "ngay_hoan_thanh", "san_pham"], plan)

    # ---------------------------------------------------------------- legal drafts (literal)
    write_csv("legal_drafts.csv", ["ten", "han_trinh", "ngay_trinh"], [
        ("Nghị quyết quy định chính sách hỗ trợ phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số tỉnh Nghệ An đến năm 2030", "30/06/2026", done("TTR_LD1")),
        ("Nghị quyết sửa đổi, bổ sung Nghị quyết số 19/2023/NQ-HĐND ngày 07/12/2023 quy định về mức chi ngân sách nhà nước cho một số hoạt động khoa học và công nghệ trên địa bàn tỉnh", "30/06/2026", done("TTR_LD2")),
        ("Nghị quyết bãi bỏ Nghị quyết số 11/2024/NQ-HĐND ngày 11/7/2024 về quy định thẩm quyền quyết định việc mua sắm tài sản của các nhiệm vụ khoa học và công nghệ, hàng hóa, dịch vụ thuộc dự toán mua sắm trong phạm vi quản lý của tỉnh Nghệ An", "30/06/2026", done("TTR_LD3")),
        ("Quyết định sửa đổi, bổ sung Quyết định số 44/QĐ-UBND ngày 11/6/2016 về việc phân công trách nhiệm và quan hệ phối hợp trong quản lý nhà nước về chất lượng sản phẩm, hàng hoá trên địa bàn tỉnh Nghệ An", "30/06/2026", ""),
    ])

    # ---------------------------------------------------------------- reports (literal)
    write_csv("reports.csv", ["ky", "han", "ngay_gui", "so_ky_hieu"], [
        ("Q1", "16/03/2026", done("BC_Q1"), so("BC_Q1")),
        ("DOT_XUAT", "10/04/2026", done("BC_DX1"), so("BC_DX1")),
        ("6T", "15/06/2026", done("BC_6T"), so("BC_6T")),
        ("6T", "15/06/2026", done("BC_6T_B"), so("BC_6T_B")),
        ("DOT_XUAT", "20/07/2026", done("BC_DX2"), so("BC_DX2")),
        ("9T", "15/09/2026", done("BC_9T"), so("BC_9T")),
        ("DOT_XUAT", "26/10/2026", done("BC_DX3"), so("BC_DX3")),
        ("NAM", "15/12/2026", done("BC_NAM"), so("BC_NAM")),
        ("DOT_XUAT", "08/01/2027", "", ""),
    ])

    # ---------------------------------------------------------------- inspections (literal)
    write_csv("inspections.csv", ["don_vi", "ngay", "so_ky_hieu", "so_van_de", "so_van_de_da_xu_ly"], [
        (DON_VI[0], "15/05/2026", so("TB_KT1"), 4, 4),
        (DON_VI[1], "20/08/2026", so("TB_KT2"), 3, 2),
        (DON_VI[0], "12/11/2026", so("TB_KT3"), 1, 1),
        (DON_VI[2], "12/01/2027", so("TB_KT2027"), 2, 0),
    ])

    # ---------------------------------------------------------------- TTHC changes (literal)
    write_csv("tthc_changes.csv", ["can_cu", "ngay_hieu_luc", "ngay_trinh_cong_bo"], [
        ("Quyết định số 118/QĐ-BKHCN ngày 16/01/2026 của Bộ trưởng Bộ Khoa học và Công nghệ công bố TTHC mới ban hành, được sửa đổi, bổ sung lĩnh vực năng lượng nguyên tử, an toàn bức xạ và hạt nhân", "01/02/2026", done("TTR_TTHC1")),
        ("Quyết định số 642/QĐ-BKHCN ngày 02/04/2026 của Bộ trưởng Bộ Khoa học và Công nghệ công bố TTHC được sửa đổi, bổ sung lĩnh vực tiêu chuẩn, đo lường, chất lượng", "15/04/2026", done("TTR_TTHC2")),
        ("Quyết định số 1205/QĐ-BKHCN ngày 19/06/2026 của Bộ trưởng Bộ Khoa học và Công nghệ công bố TTHC được sửa đổi, bổ sung lĩnh vực hoạt động khoa học và công nghệ", "01/07/2026", done("TTR_TTHC3")),
        ("Quyết định số 1388/QĐ-BKHCN ngày 17/07/2026 của Bộ trưởng Bộ Khoa học và Công nghệ công bố TTHC mới ban hành lĩnh vực xuất bản, in và phát hành", "01/08/2026", done("TTR_TTHC4")),
        ("Quyết định số 1902/QĐ-BKHCN ngày 01/10/2026 của Bộ trưởng Bộ Khoa học và Công nghệ công bố TTHC được sửa đổi, bổ sung lĩnh vực bưu chính", "15/10/2026", done("TTR_TTHC5")),
        ("Quyết định số 2417/QĐ-BKHCN ngày 30/11/2026 của Bộ trưởng Bộ Khoa học và Công nghệ công bố TTHC được sửa đổi, bổ sung lĩnh vực sở hữu trí tuệ", "15/12/2026", ""),
    ])

    # ---------------------------------------------------------------- dossiers (generated)
    write_dossiers()

    # ---------------------------------------------------------------- feedback (generated)
    write_feedback()

    # ---------------------------------------------------------------- facts (literal)
    facts = [
        ("so_don_vi_truc_thuoc", 4, src("QD_CNNV") + " (4 đơn vị trực thuộc: Trung tâm Ứng dụng tiến bộ KH&CN, Trung tâm Kỹ thuật TCĐLCL, Trung tâm KHCN và Truyền thông, Trung tâm KHXH và Nhân văn)"),
        ("tuyen_truyen_hoan_thanh", 9, src("BC_NAM") + " (mục tuyên truyền: hoàn thành 9/10 nội dung của Kế hoạch " + so("KH_TT") + ")"),
        ("tuyen_truyen_ke_hoach", 10, src("KH_TT") + " (10 nội dung tuyên truyền)"),
        ("sang_kien_cchc", 1, src("QD_SK") + " (sáng kiến Quy trình tiếp nhận, thẩm định hồ sơ cấp phép X-quang y tế hoàn toàn trực tuyến)"),
        ("du_thao_dung_quy_trinh", True, src("BC_VBQPPL")),
        ("ra_soat_da_xu_ly", 6, src("BC_VBQPPL") + " (đã kiến nghị xử lý 6/6 văn bản)"),
        ("ra_soat_phat_hien", 6, src("BC_VBQPPL") + " (phát hiện 6 văn bản cần sửa đổi, bổ sung, thay thế, bãi bỏ)"),
        ("trien_khai_vbqppl_kip_thoi", True, src("BC_VBQPPL")),
        ("thanh_tra_thuc_hien", 8, src("BC_TTRA") + " (thực hiện 8/8 cuộc theo kế hoạch)"),
        ("thanh_tra_ke_hoach", 8, src("BC_TTRA")),
        ("tthc_cong_khai_day_du", True, src("BC_TTHC")),
        ("quy_dinh_chuc_nang_nhiem_vu", True, src("QD_CNNV")),
        ("so_cap_pho_vuot", 0, src("BC_TCBM")),
        ("bien_che_su_dung", 49, src("BC_VTVL") + " (49 công chức có mặt tại thời điểm báo cáo)"),
        ("bien_che_giao", 52, "3870/QĐ-UBND ngày 24/12/2025 — Quyết định của UBND tỉnh giao biên chế công chức trong các cơ quan, tổ chức hành chính năm 2026 (Sở KH&CN: 52 biên chế)"),
        ("tinh_gian_thuc_hien", 1, src("BC_TINHGIAN") + " (đã giải quyết 1/2 trường hợp)"),
        ("tinh_gian_ke_hoach", 2, src("BC_TINHGIAN") + " (kế hoạch tinh giản 2 trường hợp)"),
        ("dung_vi_tri_viec_lam", 118, src("BC_VTVL")),
        ("tong_bien_che", 118, src("BC_VTVL") + " (118 CC, VC)"),
        ("vi_pham_tuyen_dung", 0, src("BC_KTCV")),
        ("chuyen_doi_thuc_hien", 0, src("BC_CDVT") + " (năm 2026 không có công chức, viên chức đến thời hạn phải chuyển đổi vị trí công tác)"),
        ("chuyen_doi_ke_hoach", 0, src("BC_CDVT")),
        ("boi_duong_thuc_hien", 36, src("BC_DTBD") + " (36/45 lượt)"),
        ("boi_duong_ke_hoach", 45, src("KH_DTBD") + " (45 lượt CB, CC, VC)"),
        ("so_vi_pham_ky_luat", 1, src("QD_KL")),
        ("so_vu_sach_nhieu", 0, src("BC_KTCV")),
        ("cong_khai_ngan_sach", True, src("QD_CKNS")),
        ("giai_ngan", "29855460000", src("BC_GN") + " (đã giải ngân 29.855.460.000 đồng)"),
        ("du_toan_giao", "31426800000", src("BC_GN") + " (dự toán giao 31.426.800.000 đồng)"),
        ("dvsn_tu_chu", 3, src("BC_TUCHU") + " (3 đơn vị được giao tự chủ theo NĐ 60/2021/NĐ-CP, NĐ 54/2016/NĐ-CP)"),
        ("dvsn_tong", 4, src("BC_TUCHU")),
        ("kien_nghi_da_thuc_hien", 0, src("BC_TTRA") + " (năm 2026 Sở không có kiến nghị của thanh tra, kiểm toán phải thực hiện)"),
        ("kien_nghi_tong", 0, src("BC_TTRA")),
        ("csdl_cbccvc_cap_nhat", True, src("BC_NAM")),
        ("bao_cao_he_thong_dung_han", 24, src("BC_CDS") + " (24/24 báo cáo gửi đúng hạn trên Hệ thống thông tin báo cáo của tỉnh)"),
        ("bao_cao_he_thong_tong", 24, src("BC_CDS")),
        ("trang_ttdt_day_du", True, src("BC_CDS")),
        ("iso_cong_bo", True, src("QD_ISO")),
        ("iso_danh_gia_noi_bo", True, src("BC_ISO")),
        ("iso_cap_nhat_quy_trinh", True, src("QD_ISO")),
        ("ung_dung_ai", 2, src("BC_CDS") + " (trợ lý ảo tra cứu TTHC; tóm tắt, soạn thảo văn bản)"),
        ("xac_thuc_dien_tu", True, src("BC_CDS") + " (tích hợp VNeID trên Cổng dịch vụ công)"),
    ]
    lines = ["# Sở Khoa học và Công nghệ Nghệ An — số liệu tự đánh giá Chỉ số CCHC năm 2026",
             "# (generated by tools/gen-skhcn-2026/generate.py)", ""]
    for name, value, source in facts:
        if isinstance(value, bool):
            v = "true" if value else "false"
        elif isinstance(value, int):
            v = str(value)
        else:
            v = toml_str(value)
        lines += ["[%s]" % name, "value = %s" % v, "source = %s" % toml_str(source), ""]
    (OUT / "facts.toml").write_text(nfc("\n".join(lines)), encoding="utf-8")
    (OUT / "unit.toml").write_text(nfc('code = "SKHCN"\nname = "Sở Khoa học và Công nghệ"\ngroup = "so"\n'),
                                   encoding="utf-8")


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --------------------------------------------------------------------------- dossiers

# (ma_thu_tuc, name (for readers only), processing working days, fee, weight)
PROCEDURES = [
    ("1.008389", "Cấp giấy phép tiến hành công việc bức xạ - sử dụng thiết bị X-quang chẩn đoán trong y tế", 10, True, 14),
    ("1.008390", "Gia hạn giấy phép tiến hành công việc bức xạ - sử dụng thiết bị X-quang chẩn đoán trong y tế", 10, True, 10),
    ("1.008391", "Sửa đổi, bổ sung giấy phép tiến hành công việc bức xạ - X-quang chẩn đoán trong y tế", 5, True, 4),
    ("1.008392", "Cấp chứng chỉ nhân viên bức xạ", 10, True, 6),
    ("2.001567", "Cấp Giấy chứng nhận đăng ký hoạt động của tổ chức khoa học và công nghệ", 10, True, 5),
    ("1.003212", "Đăng ký kết quả thực hiện nhiệm vụ KH&CN không sử dụng ngân sách nhà nước", 5, False, 6),
    ("1.004213", "Thẩm định/ý kiến về công nghệ của dự án đầu tư", 15, False, 4),
    ("1.000541", "Tiếp nhận bản công bố hợp quy", 5, False, 20),
    ("1.000636", "Kiểm tra nhà nước về chất lượng hàng hóa nhập khẩu", 1, False, 12),
    ("1.010122", "Cấp giấy phép hoạt động in", 7, False, 3),
    ("1.010124", "Đăng ký hoạt động cơ sở in", 5, False, 6),
    ("1.010131", "Cấp giấy phép xuất bản bản tin", 10, True, 3),
    ("1.010140", "Cấp giấy phép thiết lập trang thông tin điện tử tổng hợp", 10, True, 3),
    ("1.004470", "Cấp giấy phép bưu chính", 15, True, 2),
    ("1.010135", "Xác nhận đăng ký hoạt động phát hành xuất bản phẩm", 5, False, 3),
]

N_RETURNED_LATE = 26
N_PENDING_LATE = 4


def new_dossier(recv):
    code, _name, days, fee, _w = rng.choices(PROCEDURES, [p[4] for p in PROCEDURES])[0]
    r = rng.random()
    kenh = "truc_tuyen" if r < 0.88 else ("truc_tiep" if r < 0.97 else "buu_chinh")
    toan_trinh = kenh == "truc_tuyen" and rng.random() < 0.95
    if fee:
        tt = rng.random() < (0.72 if kenh == "truc_tuyen" else 0.10)
    else:
        tt = False
    return dict(recv=recv, code=code, days=days, han=add_wd(recv, days), kenh=kenh, toan_trinh=toan_trinh,
                fee=fee, tt=tt, ret=None, so_hoa=False, xin_loi=False, danh_gia="", cls=None)


def write_dossiers():
    ds = []
    for day in WD_2026:
        n = rng.choices([1, 2, 3, 4, 5, 6, 7], [4, 10, 18, 24, 20, 14, 10])[0]
        for _ in range(n):
            ds.append(new_dossier(day))
    late_start = D("01/12/2026")
    # 1. tail: deadline on or after the as-of date
    tail = [d for d in ds if d["han"] >= AS_OF]
    forced = [d for d in tail if d["han"] == AS_OF]
    assert forced, "need a dossier due exactly on 31/12/2026"
    for d in tail:
        if d is forced[0]:
            d["cls"] = "pending_not_due"          # due 31/12/2026, still pending: not yet due
        elif d["recv"] <= D("22/12/2026") and rng.random() < 0.5:
            d["cls"] = "on_time"
            hi = min(d["han"], AS_OF)
            cand = [w for w in WD_2026 if d["recv"] <= w <= hi]
            d["ret"] = rng.choice(cand)
        else:
            d["cls"] = "pending_not_due"
            if d["han"] >= D("05/01/2027") and rng.random() < 0.5:
                wd27 = working_days(D("04/01/2027"), d["han"])
                d["ret"] = rng.choice(wd27)        # returned in 2027, on time, pending at 31/12/2026
    # 2. pending past the deadline at 31/12/2026
    cand = [d for d in ds if d["cls"] is None and late_start <= d["han"] < D("29/12/2026")]
    pend = rng.sample(cand, N_PENDING_LATE)
    for i, d in enumerate(pend):
        d["cls"] = "pending_late"
        if i == 0:
            d["ret"] = D("06/01/2027")             # returned late, after the as-of date
    # 3. returned late within 2026
    cand = [d for d in ds if d["cls"] is None and d["han"] <= D("18/12/2026")]
    for d in rng.sample(cand, N_RETURNED_LATE):
        d["cls"] = "returned_late"
        d["ret"] = add_wd(d["han"], rng.randint(1, 6))
    # 4. everything else: returned on time
    for d in ds:
        if d["cls"] is None:
            d["cls"] = "on_time"
            d["ret"] = add_wd(d["recv"], rng.randint(0, d["days"]))
            assert d["ret"] <= d["han"] and d["ret"] <= AS_OF
    # flags
    for d in ds:
        if d["ret"] is not None:
            d["so_hoa"] = rng.random() < 0.93
            d["danh_gia"] = "hai_long" if rng.random() < 0.6 else ""
        if d["cls"] in ("returned_late", "pending_late"):
            d["xin_loi"] = True
    late_ret = [d for d in ds if d["cls"] == "returned_late"]
    ratings = ["hai_long"] * 14 + ["khong_hai_long"] * 5 + [""] * 7
    rng.shuffle(ratings)
    for d, r in zip(late_ret, ratings):
        d["danh_gia"] = r
    # on-time dossiers rated khong_hai_long: just enough to bring the QĐ 766 ratio below 95 %
    on_time = [d for d in ds if d["cls"] == "on_time"]
    n_due = len(on_time) + len(late_ret) + N_PENDING_LATE
    k = (20 * len(on_time) - 19 * n_due) // 20 + 1
    assert 20 * (len(on_time) - k) < 19 * n_due
    assert 20 * (len(on_time) - k) >= 19 * (n_due - N_PENDING_LATE)
    for d in rng.sample(on_time, k):
        d["danh_gia"] = "khong_hai_long"
    # a few dossiers received in January 2027 (the export ran to mid-January)
    for day in working_days(D("04/01/2027"), D("08/01/2027")):
        d = new_dossier(day)
        if rng.random() < 0.5:
            d["ret"] = add_wd(day, rng.randint(0, min(d["days"], 3)))
            d["so_hoa"] = True
        ds.append(d)
    # numbering: per day of receipt
    seq = {}
    rows = []
    for d in ds:
        n = seq.get(d["recv"], 0) + 1
        seq[d["recv"]] = n
        ma = "000.00.29.H40-%s-%04d" % (d["recv"].strftime("%y%m%d"), n)
        rows.append((ma, d["code"], fmt(d["recv"]), fmt(d["han"]), fmt(d["ret"]), d["kenh"], x(d["toan_trinh"]),
                     x(d["fee"]), x(d["tt"]), x(d["so_hoa"]), x(d["xin_loi"]), d["danh_gia"]))
    rows.sort(key=lambda r: r[0])
    write_csv("dossiers.csv", ["ma_ho_so", "ma_thu_tuc", "ngay_tiep_nhan", "han_xu_ly", "ngay_tra_ket_qua", "kenh",
                               "toan_trinh", "co_phi", "thanh_toan_truc_tuyen", "so_hoa", "xin_loi", "danh_gia"], rows)


# --------------------------------------------------------------------------- feedback

def write_feedback():
    items = []
    days = [w for w in WD_2026 if w <= D("30/11/2026")]
    for recv in sorted(rng.sample(days, 18)):
        han = add_wd(recv, 10)
        items.append((recv, han, add_wd(recv, rng.randint(2, 10))))
    recv = D("09/06/2026")
    items.append((recv, add_wd(recv, 10), add_wd(add_wd(recv, 10), 3)))    # handled 3 working days late
    recv = D("16/11/2026")
    items.append((recv, add_wd(recv, 10), None))                           # pending past its deadline
    recv = D("24/12/2026")
    items.append((recv, add_wd(recv, 10), D("06/01/2027")))                # pending at 31/12/2026, not yet due
    recv = D("05/01/2027")
    items.append((recv, add_wd(recv, 10), D("12/01/2027")))                # received after the as-of date
    items.sort(key=lambda t: t[0])
    rows, seq = [], {}
    for recv, han, xl in items:
        n = seq.get(recv.year, 0) + 1
        seq[recv.year] = n
        rows.append(("PAKN-%d-%03d" % (recv.year, n), fmt(recv), fmt(han), fmt(xl)))
    write_csv("feedback.csv", ["ma", "ngay_nhan", "han_xu_ly", "ngay_xu_ly"], rows)


if __name__ == "__main__":
    main()
