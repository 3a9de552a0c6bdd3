//! The report as one self-contained HTML page (par-index.md §5): inline CSS, no script, no
//! network, no external file.
//!
//! On screen a reader opens a field, then a criterion, then a row (nested `<details>`) to see
//! the measure, the documents and facts, the records that decided the points and the
//! explanation. The three parts sent to Sở Nội vụ follow: the scoring table, the *giải trình*
//! and the *khó khăn, vướng mắc và kiến nghị*, with the points lost and how to restore them
//! after the *giải trình*. In print (A4 landscape) the interactive tree is hidden and the table
//! repeats its header on every page. The page ends, on screen and in print, with the replay
//! fingerprint (`<footer class="fingerprint">`) that `parindex verify` checks.
//!
//! Every text is HTML-escaped; nothing reads the clock, so the same report gives the same page.

use std::fmt::Write as _;

use parindex_core::{
    vi_date, vi_decimal, EvidenceRef, Method, NodeKind, NodeScore, NotArising, RecordList, Report,
    Status,
};
use rust_decimal::Decimal;

use crate::labels;
use crate::table::{self, TableRow, COLUMNS, FINGERPRINT_TITLE, GAPS_TITLE, GAP_COLUMNS, NO_GAPS};
use crate::text;
use crate::{RenderError, RenderOptions};

/// The page title and heading, before the year.
const TITLE: &str = labels::REPORT_TITLE;

/// The whole report as one HTML document.
pub fn render_html(report: &Report, options: &RenderOptions) -> Result<String, RenderError> {
    let rows = table::rows(report);
    let mut out = String::with_capacity(256 * 1024);
    head(&mut out, report);
    out.push_str("<body>\n<main class=\"page\">\n");
    masthead(&mut out, report);
    summary(&mut out, report);
    tree(&mut out, report, &rows);
    scoring_table(&mut out, report, &rows);
    explanations(&mut out, report);
    gaps(&mut out, report);
    proposals(&mut out, options);
    signature(&mut out, report);
    fingerprint(&mut out, report);
    out.push_str("</main>\n</body>\n</html>\n");
    Ok(out)
}

/// Escapes text for an element's content or a quoted attribute value, without the characters
/// HTML calls parse errors ([`text::printable`]).
fn esc(text: &str) -> String {
    let text = text::printable(text);
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

fn head(out: &mut String, report: &Report) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} {} — {}</title>\n<style>\n{CSS}</style>\n</head>\n",
        esc(TITLE),
        report.criteria.year,
        esc(&report.unit.name),
    );
}

/// The unit and the national motto, as on every administrative document; then the title.
fn masthead(out: &mut String, report: &Report) {
    let _ = write!(
        out,
        "<header class=\"masthead\">\n\
         <div class=\"issuer\"><p class=\"unit-name\">{unit}</p></div>\n\
         <div class=\"motto\"><p class=\"nation\">Cộng hòa xã hội chủ nghĩa Việt Nam</p>\
         <p class=\"slogan\">Độc lập - Tự do - Hạnh phúc</p></div>\n\
         </header>\n\
         <h1>{title} {year}</h1>\n\
         <dl class=\"meta\">\n\
         <dt>Đơn vị</dt><dd>{unit} <span class=\"muted\">({code})</span></dd>\n\
         <dt>Bộ chỉ số</dt><dd>{set} <span class=\"muted\">({set_id})</span></dd>\n\
         <dt>Số liệu tính đến ngày</dt><dd>{as_of}</dd>\n\
         </dl>\n",
        unit = esc(&report.unit.name),
        code = esc(&report.unit.code),
        title = esc(TITLE),
        year = report.criteria.year,
        set = esc(&report.criteria.title),
        set_id = esc(&report.criteria.id),
        as_of = vi_date(report.as_of),
    );
}

/// The results, prominently: the index and rating, then the two lines of words.
fn summary(out: &mut String, report: &Report) {
    let t = &report.total;
    out.push_str("<section class=\"results\" aria-label=\"Kết quả\">\n<div class=\"figures\">\n");
    let _ = write!(
        out,
        "<div class=\"figure main\"><span class=\"label\">Chỉ số CCHC</span>\
         <span class=\"value\">{}</span></div>\n\
         <div class=\"figure\"><span class=\"label\">Xếp loại</span>\
         <span class=\"value\">{}</span></div>\n\
         <div class=\"figure\"><span class=\"label\">Tổng điểm / điểm áp dụng</span>\
         <span class=\"value\">{}<small> / {}</small></span></div>\n",
        esc(&table::index_text(t.index)),
        esc(t.rating.as_deref().unwrap_or("—")),
        vi_decimal(t.points),
        vi_decimal(t.applicable_max),
    );
    out.push_str("</div>\n<ul class=\"totals\">\n");
    let _ = writeln!(
        out,
        "<li class=\"self-text\">{}</li>\n<li class=\"total-text\">{}</li>",
        esc(&table::self_text(report)),
        esc(&table::total_text(report)),
    );
    if let Some(pending) = report.pending_survey() {
        let _ = writeln!(
            out,
            "<li class=\"note\">Chờ kết quả điều tra xã hội học của Sở Nội vụ: {}</li>",
            esc(&pending.describe()),
        );
    }
    let attention = table::needing_explanation(report);
    if !attention.is_empty() {
        let _ = writeln!(
            out,
            "<li class=\"note warn\">Cần giải trình: {} dòng ({})</li>",
            attention.len(),
            esc(&ids(&attention)),
        );
    }
    out.push_str("</ul>\n</section>\n");
}

fn ids(nodes: &[&NodeScore]) -> String {
    nodes
        .iter()
        .map(|n| n.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The on-screen tree: field → criterion → sub-criterion, each a `<details>`.
fn tree(out: &mut String, report: &Report, rows: &[TableRow]) {
    out.push_str(
        "<section class=\"tree screen-only\" aria-labelledby=\"tree-h\">\n\
         <h2 id=\"tree-h\">Kết quả chi tiết theo lĩnh vực</h2>\n\
         <p class=\"hint\">Bấm vào một lĩnh vực, tiêu chí hoặc tiêu chí thành phần để xem số liệu \
         kê khai, tài liệu kiểm chứng, các bản ghi quyết định điểm và giải trình.</p>\n\
         <div class=\"tree-head\" aria-hidden=\"true\"><span class=\"stt\">STT</span>\
         <span class=\"ttl\">Lĩnh vực / Tiêu chí / Tiêu chí thành phần</span>\
         <span class=\"num\">Tối đa</span><span class=\"num\">Điểm</span>\
         <span class=\"num\">Chỉ số</span></div>\n",
    );
    for (i, n) in report.nodes.iter().enumerate() {
        if n.parent.is_none() {
            node(out, report, rows, i, 1);
        }
    }
    out.push_str("</section>\n");
}

fn node(out: &mut String, report: &Report, rows: &[TableRow], i: usize, level: usize) {
    let (Some(n), Some(row)) = (report.nodes.get(i), rows.get(i)) else {
        return;
    };
    let kind = kind_class(n.kind);
    let role = if n.is_leaf() { "leaf" } else { "parent" };
    let _ = write!(
        out,
        "<details class=\"node {role} {kind} lvl{level} st-{}\" id=\"n-{}\">\n<summary>",
        n.status.as_str(),
        esc(&n.id),
    );
    let _ = write!(
        out,
        "<span class=\"stt\">{}</span><span class=\"ttl\">{}",
        esc(&n.id),
        esc(&n.title)
    );
    if n.is_leaf() && n.status != Status::Scored {
        let _ = write!(
            out,
            " <span class=\"badge st-{}\">{}</span>",
            n.status.as_str(),
            esc(n.status.vi())
        );
    }
    let _ = write!(
        out,
        "</span><span class=\"num max\">{}</span><span class=\"num pts\">{}</span>",
        vi_decimal(n.max),
        points_text(row.points),
    );
    if n.is_leaf() {
        out.push_str("<span class=\"num idx\"></span>");
    } else {
        let _ = write!(
            out,
            "<span class=\"num idx\">{}",
            esc(&table::index_text(n.index))
        );
        if n.kind == NodeKind::Field {
            if let Some(index) = n.index {
                let width = index.clamp(Decimal::ZERO, Decimal::ONE_HUNDRED).round_dp(2);
                let _ = write!(
                    out,
                    "<span class=\"bar\"><span style=\"width:{}%\"></span></span>",
                    width.normalize()
                );
            }
        }
        out.push_str("</span>");
    }
    out.push_str("</summary>\n");
    if n.is_leaf() {
        leaf_body(out, n, row);
    } else {
        let _ = writeln!(
            out,
            "<div class=\"children\">\n<p class=\"parent-note\">Kết quả: {}</p>",
            esc(&n.explanation)
        );
        for (j, child) in report.nodes.iter().enumerate() {
            if child.parent.as_deref() == Some(n.id.as_str()) {
                node(out, report, rows, j, level + 1);
            }
        }
        out.push_str("</div>\n");
    }
    out.push_str("</details>\n");
}

fn kind_class(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Field => "field",
        NodeKind::Criterion => "criterion",
        NodeKind::SubCriterion => "sub",
    }
}

fn points_text(points: Option<Decimal>) -> String {
    points.map_or_else(|| "—".to_owned(), vi_decimal)
}

fn method_vi(method: Method) -> &'static str {
    match method {
        Method::SelfAssessed => "Tự đánh giá",
        Method::Survey => "Điều tra xã hội học",
        Method::Penalty => "Điểm trừ",
    }
}

/// What a leaf rests on: measure, status, explanation, evidence, records, error.
fn leaf_body(out: &mut String, n: &NodeScore, row: &TableRow) {
    out.push_str("<div class=\"leaf-body\">\n<dl class=\"facts\">\n");
    let _ = write!(
        out,
        "<dt>Tình trạng</dt><dd><span class=\"badge st-{}\">{}</span>",
        n.status.as_str(),
        esc(n.status.vi())
    );
    if let Some(method) = n.method {
        let _ = write!(out, " <span class=\"muted\">· {}</span>", method_vi(method));
    }
    if n.not_arising {
        let policy = match n.not_arising_policy {
            Some(NotArising::Full) => "không phát sinh, tính đủ điểm tối đa",
            Some(NotArising::Exclude) => "không phát sinh, không tính vào điểm áp dụng",
            None => "không phát sinh",
        };
        let _ = write!(out, " <span class=\"muted\">· {policy}</span>");
    }
    out.push_str("</dd>\n");
    let _ = writeln!(
        out,
        "<dt>Điểm tự đánh giá</dt><dd><strong>{}</strong> / tối đa {}</dd>",
        points_text(row.points),
        vi_decimal(n.max)
    );
    if let Some(m) = &n.measure {
        let _ = write!(
            out,
            "<dt>Số liệu kê khai</dt><dd><strong>{}</strong> <span class=\"muted\">\
             (tử số {}; mẫu số {}",
            esc(&m.vi()),
            vi_decimal(m.numerator),
            vi_decimal(m.denominator)
        );
        if let Some(p) = m.percent {
            let _ = write!(out, "; tỷ lệ {}", esc(&table::index_text(Some(p))));
        }
        out.push_str(")</span></dd>\n");
    }
    if !n.explanation.is_empty() {
        let _ = writeln!(
            out,
            "<dt>Giải trình / Ghi chú</dt><dd>{}</dd>",
            esc(&n.explanation)
        );
    }
    out.push_str("<dt>Tài liệu kiểm chứng</dt><dd>");
    if n.evidence.is_empty() {
        out.push_str("<span class=\"muted\">Không có</span>");
    } else {
        out.push_str("<ul class=\"evidence\">");
        for e in &n.evidence {
            let tag = match e {
                EvidenceRef::Document { .. } => "Văn bản",
                EvidenceRef::Declared { .. } => "Văn bản bổ sung",
                EvidenceRef::Fact { .. } => "Số liệu",
            };
            let _ = write!(
                out,
                "<li><span class=\"tag\">{tag}</span> {}</li>",
                esc(&e.vi())
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</dd>\n");
    if !n.records.is_empty() {
        out.push_str("<dt>Bản ghi quyết định điểm</dt><dd>");
        for r in &n.records {
            records(out, r);
        }
        out.push_str("</dd>\n");
    }
    if let Some(error) = &n.error {
        let _ = writeln!(out, "<dt>Lỗi</dt><dd class=\"error\">{}</dd>", esc(error));
    }
    out.push_str("</dl>\n</div>\n");
}

fn records(out: &mut String, r: &RecordList) {
    let _ = write!(
        out,
        "<div class=\"records\" data-table=\"{}\"><p><strong>{}</strong> — {}: {} bản ghi",
        esc(&r.table),
        esc(&r.title),
        esc(&r.what),
        r.total
    );
    if r.total > r.keys.len() && !r.keys.is_empty() {
        let _ = write!(
            out,
            " <span class=\"muted\">({} bản ghi đầu)</span>",
            r.keys.len()
        );
    }
    out.push_str("</p>");
    if !r.keys.is_empty() {
        out.push_str("<ul class=\"keys\">");
        for k in &r.keys {
            let _ = write!(out, "<li>{}</li>", esc(k));
        }
        out.push_str("</ul>");
    }
    if r.total > r.keys.len() {
        let _ = write!(
            out,
            "<p class=\"more\">… và {} bản ghi khác</p>",
            r.total - r.keys.len()
        );
    }
    out.push_str("</div>");
}

/// Part I: the scoring table, what matters in print.
fn scoring_table(out: &mut String, report: &Report, rows: &[TableRow]) {
    out.push_str(
        "<section class=\"part\" aria-labelledby=\"part1-h\">\n\
         <h2 id=\"part1-h\">I. Bảng tổng hợp kết quả tự đánh giá, chấm điểm</h2>\n\
         <div class=\"table-wrap\">\n<table class=\"scores\">\n<colgroup>\
         <col class=\"w-stt\"><col class=\"w-title\"><col class=\"w-num\"><col class=\"w-measure\">\
         <col class=\"w-num\"><col class=\"w-ev\"><col class=\"w-note\"><col class=\"w-num\">\
         <col class=\"w-anote\"></colgroup>\n<thead>\n<tr>",
    );
    for c in COLUMNS {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(c));
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    for (n, row) in report.nodes.iter().zip(rows) {
        let kind = kind_class(row.kind);
        let role = if row.is_leaf { "leaf" } else { "parent" };
        let _ = write!(
            out,
            "<tr data-id=\"{}\" class=\"r-{kind} {role} st-{}\">",
            esc(&row.stt),
            row.status.as_str()
        );
        let _ = write!(
            out,
            "<td class=\"c-stt\">{}</td><td class=\"c-title\">{}</td><td class=\"c-num\">{}</td>\
             <td class=\"c-measure\">{}</td><td class=\"c-num\">{}",
            esc(&row.stt),
            esc(&row.title),
            vi_decimal(row.max),
            esc(&row.measure),
            points_text(row.points),
        );
        if !row.is_leaf {
            let _ = write!(
                out,
                "<span class=\"idx\">{}</span>",
                esc(&table::index_text(row.index))
            );
        }
        out.push_str("</td><td class=\"c-ev\">");
        for line in &row.evidence {
            let _ = write!(out, "<span class=\"line\">{}</span>", esc(line));
        }
        let _ = write!(out, "</td><td class=\"c-note\">{}", esc(&row.note));
        for r in &n.records {
            let _ = write!(
                out,
                "<span class=\"line rec\">{} {}: {} bản ghi</span>",
                esc(&r.title),
                esc(&r.what),
                r.total
            );
        }
        let _ = writeln!(
            out,
            "</td><td class=\"c-num\">{}</td><td class=\"c-anote\">{}</td></tr>",
            row.appraised.map(vi_decimal).unwrap_or_default(),
            esc(&row.appraisal_note)
        );
    }
    let t = &report.total;
    let _ = writeln!(
        out,
        "<tr class=\"r-total\"><td class=\"c-stt\"></td><td class=\"c-title\">Tổng cộng</td>\
         <td class=\"c-num\">{}</td><td class=\"c-measure\"></td><td class=\"c-num\">{}\
         <span class=\"idx\">{}</span></td><td class=\"c-ev\"></td><td class=\"c-note\">\
         <span class=\"line\">{}</span><span class=\"line\">{}</span></td><td class=\"c-num\"></td>\
         <td class=\"c-anote\"></td></tr>",
        vi_decimal(t.max),
        vi_decimal(t.points),
        esc(&table::index_text(t.index)),
        esc(&table::total_text(report)),
        esc(&table::self_text(report)),
    );
    out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

/// Part II: every row without evidence or in error.
fn explanations(out: &mut String, report: &Report) {
    out.push_str(
        "<section class=\"part explain\" aria-labelledby=\"part2-h\">\n\
         <h2 id=\"part2-h\">II. Giải trình</h2>\n",
    );
    let rows = table::needing_explanation(report);
    if rows.is_empty() {
        out.push_str(
            "<p>Tất cả các tiêu chí tự đánh giá đều có tài liệu kiểm chứng; \
             không có nội dung cần giải trình.</p>\n</section>\n",
        );
        return;
    }
    out.push_str(
        "<p>Các tiêu chí dưới đây chưa có tài liệu kiểm chứng hoặc không chấm được \
         (tạm tính 0 điểm):</p>\n<table class=\"explain-table\">\n<colgroup><col class=\"e-stt\">\
         <col class=\"e-title\"><col class=\"e-num\"><col class=\"e-status\"><col class=\"e-text\">\
         </colgroup>\n<thead><tr>\
         <th scope=\"col\">STT</th><th scope=\"col\">Tiêu chí / Tiêu chí thành phần</th>\
         <th scope=\"col\">Điểm tối đa</th><th scope=\"col\">Tình trạng</th>\
         <th scope=\"col\">Nội dung giải trình</th></tr></thead>\n<tbody>\n",
    );
    for n in rows {
        let _ = write!(
            out,
            "<tr data-explain=\"{}\"><td class=\"c-stt\">{}</td><td>{}</td><td class=\"c-num\">{}</td>\
             <td>{}</td><td>{}",
            esc(&n.id),
            esc(&n.id),
            esc(&n.title),
            vi_decimal(n.max),
            esc(n.status.vi()),
            esc(&n.explanation),
        );
        if let Some(error) = &n.error {
            if !n.explanation.contains(error.as_str()) {
                let _ = write!(out, "<span class=\"line error\">{}</span>", esc(error));
            }
        }
        if let Some(d) = &n.declared {
            let _ = write!(
                out,
                "<span class=\"line\">Đơn vị đề nghị {} điểm (điểm tính từ minh chứng {}). Lý do: {}</span>",
                vi_decimal(d.points),
                vi_decimal(n.points),
                esc(&d.reason)
            );
        }
        match table::giai_trinh(n) {
            Some(g) => {
                let _ = write!(
                    out,
                    "<span class=\"line\">Giải trình của đơn vị: {}</span>",
                    esc(g)
                );
            }
            None => out.push_str("<span class=\"line\">Giải trình của đơn vị: ……</span>"),
        }
        out.push_str("</td></tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// The points lost, row by row with what would restore them, the most first; then the total.
fn gaps(out: &mut String, report: &Report) {
    let _ = writeln!(
        out,
        "<section class=\"part gaps\" aria-labelledby=\"gaps-h\">\n<h2 id=\"gaps-h\">{}</h2>",
        esc(GAPS_TITLE)
    );
    let rows = table::gap_rows(report);
    if rows.is_empty() {
        let _ = writeln!(out, "<p>{}</p>\n</section>", esc(NO_GAPS));
        return;
    }
    out.push_str(
        "<table class=\"gaps-table\">\n<colgroup><col class=\"g-stt\"><col class=\"g-title\">\
         <col class=\"g-num\"><col class=\"g-num\"><col class=\"g-num\"><col class=\"g-text\">\
         </colgroup>\n<thead><tr>",
    );
    for c in GAP_COLUMNS {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(c));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for r in &rows {
        let _ = writeln!(
            out,
            "<tr data-gap=\"{stt}\"><td class=\"c-stt\">{stt}</td><td>{}</td>\
             <td class=\"c-num\">{}</td><td class=\"c-num\">{}</td>\
             <td class=\"c-num lost\">{}</td><td>{}</td></tr>",
            esc(&r.title),
            vi_decimal(r.max),
            vi_decimal(r.points),
            vi_decimal(r.lost),
            esc(&r.restore),
            stt = esc(&r.stt),
        );
    }
    let _ = writeln!(
        out,
        "</tbody>\n</table>\n<p class=\"gaps-total\">{}</p>\n</section>",
        esc(&table::gaps_total_text(report))
    );
}

/// Part III, when the officer wrote it: paragraphs split on blank lines.
fn proposals(out: &mut String, options: &RenderOptions) {
    let Some(text) = options.proposals.as_deref() else {
        return;
    };
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut paragraphs: Vec<Vec<&str>> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    if paragraphs.is_empty() {
        return;
    }
    out.push_str(
        "<section class=\"part proposals\" aria-labelledby=\"part3-h\">\n\
         <h2 id=\"part3-h\">III. Khó khăn, vướng mắc và kiến nghị</h2>\n",
    );
    for p in paragraphs {
        let lines: Vec<String> = p.iter().map(|l| esc(l)).collect();
        let _ = writeln!(out, "<p>{}</p>", lines.join("<br>\n"));
    }
    out.push_str("</section>\n");
}

/// Where the report goes and who signs it.
fn signature(out: &mut String, report: &Report) {
    let _ = write!(
        out,
        "<footer class=\"signature\">\n\
         <div class=\"recipients\"><p><strong><em>Nơi nhận:</em></strong></p>\
         <p>- Sở Nội vụ tỉnh {province} (để tổng hợp, thẩm định);</p><p>- Lưu: VT.</p></div>\n\
         <div class=\"signer\"><p class=\"role\">Thủ trưởng đơn vị</p>\
         <p class=\"muted\"><em>(Ký, ghi rõ họ tên, đóng dấu)</em></p></div>\n\
         </footer>\n\
         <p class=\"colophon\">Lập bằng parindex từ bộ chỉ số {set} và số liệu của đơn vị \
         tính đến ngày {as_of}; cùng số liệu cho cùng kết quả.</p>\n",
        province = esc(&report.criteria.province),
        set = esc(&report.criteria.id),
        as_of = vi_date(report.as_of),
    );
}

/// What the report was computed from, for `parindex verify`: the last thing on the page.
fn fingerprint(out: &mut String, report: &Report) {
    let _ = write!(
        out,
        "<footer class=\"fingerprint\" aria-labelledby=\"fp-h\">\n\
         <p class=\"fp-title\" id=\"fp-h\">{}</p>\n<ul>\n",
        esc(FINGERPRINT_TITLE)
    );
    for line in table::fingerprint(report) {
        match &line.sha256 {
            Some(h) => {
                let _ = writeln!(
                    out,
                    "<li><span class=\"fp-name\">{}:</span> <code>{}</code></li>",
                    esc(&line.label),
                    esc(h)
                );
            }
            None => {
                let _ = writeln!(out, "<li>{}</li>", esc(&line.label));
            }
        }
    }
    out.push_str("</ul>\n</footer>\n");
}

const CSS: &str = r#":root {
  --ink: #1c1c1c;
  --muted: #5d5a54;
  --rule: #cfc9bc;
  --rule-strong: #8c8677;
  --paper: #fff;
  --bg: #ebe8e1;
  --tint: #f6f3ec;
  --accent: #7b1e1e;
  --navy: #213a5c;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0;
  background: var(--bg);
  color: var(--ink);
  font-family: "Times New Roman", Times, "Liberation Serif", "Nimbus Roman", serif;
  font-size: 17px;
  line-height: 1.45;
}
.page {
  max-width: 1200px;
  margin: 24px auto;
  padding: 36px 52px 40px;
  background: var(--paper);
  box-shadow: 0 1px 4px rgba(0, 0, 0, .14);
}
p { margin: 0 0 .5em; }
.muted { color: var(--muted); }
.masthead {
  display: grid;
  grid-template-columns: 2fr 3fr;
  gap: 24px;
  text-align: center;
  font-weight: bold;
  line-height: 1.3;
}
.masthead p { margin: 0; }
.unit-name, .nation { text-transform: uppercase; font-size: .95em; }
.slogan { font-size: 1.02em; }
.issuer::after, .motto::after {
  content: "";
  display: block;
  height: 0;
  border-top: 1px solid var(--ink);
  margin: 4px auto 0;
}
.issuer::after { width: 30%; }
.motto::after { width: 42%; }
h1 {
  margin: 30px auto 14px;
  max-width: 900px;
  text-wrap: balance;
  text-align: center;
  text-transform: uppercase;
  font-size: 1.3em;
  line-height: 1.35;
  color: var(--ink);
}
.meta {
  display: grid;
  grid-template-columns: max-content 1fr;
  gap: 2px 14px;
  max-width: 900px;
  margin: 0 auto 18px;
}
.meta dt { color: var(--muted); }
.meta dt::after { content: ":"; }
.meta dd { margin: 0; }
.results {
  border: 1px solid var(--rule);
  border-top: 3px solid var(--accent);
  background: var(--tint);
  padding: 14px 20px 10px;
  margin: 0 0 26px;
}
.figures { display: flex; flex-wrap: wrap; gap: 10px 44px; align-items: baseline; }
.figure { display: flex; flex-direction: column; }
.figure .label {
  font-size: .8em;
  text-transform: uppercase;
  letter-spacing: .04em;
  color: var(--muted);
}
.figure .value { font-size: 1.7em; font-weight: bold; line-height: 1.15; }
.figure.main .value { font-size: 2.3em; color: var(--accent); }
.figure small { font-size: .6em; font-weight: normal; color: var(--muted); }
.totals { list-style: none; margin: 10px 0 0; padding: 8px 0 0; border-top: 1px solid var(--rule); }
.totals li { margin: 2px 0; }
.totals .total-text { font-weight: bold; }
.totals .note { color: var(--muted); font-size: .93em; }
.totals .warn { color: #8a4b00; }
h2 {
  font-size: 1.15em;
  margin: 30px 0 10px;
  padding-bottom: 4px;
  border-bottom: 1px solid var(--rule-strong);
  color: var(--navy);
}
.hint { color: var(--muted); font-style: italic; font-size: .95em; }

/* The tree. */
.tree-head, summary {
  display: grid;
  grid-template-columns: var(--c1, 5.4rem) 1fr 4.4rem 4.4rem 6.4rem;
  gap: 0 10px;
  align-items: baseline;
}
.tree-head {
  padding: 5px 10px;
  font-size: .82em;
  font-weight: bold;
  text-transform: uppercase;
  letter-spacing: .03em;
  color: var(--muted);
  border-bottom: 2px solid var(--rule-strong);
}
.num { text-align: right; font-variant-numeric: tabular-nums; }
details { border-bottom: 1px solid var(--rule); }
details:last-child { border-bottom: 0; }
summary {
  list-style: none;
  cursor: pointer;
  padding: 6px 10px;
}
summary::-webkit-details-marker { display: none; }
summary:hover { background: #f3efe6; }
summary:focus-visible { outline: 2px solid var(--navy); outline-offset: -2px; }
summary .stt { white-space: nowrap; font-variant-numeric: tabular-nums; }
summary .stt::before {
  content: "";
  display: inline-block;
  width: .42em;
  height: .42em;
  margin: 0 .6em .12em 0;
  border-right: 1.5px solid var(--muted);
  border-bottom: 1.5px solid var(--muted);
  transform: rotate(-45deg);
  transition: transform .12s;
}
details[open] > summary .stt::before { transform: rotate(45deg); }
.lvl2 > summary { --c1: 5.6rem; }
.lvl2 > summary .stt { padding-left: 1rem; }
.lvl3 > summary { --c1: 6.6rem; }
.lvl3 > summary .stt { padding-left: 2.2rem; }
.field > summary { font-weight: bold; font-size: 1.04em; padding: 9px 10px; }
.field[open] > summary { background: var(--tint); border-bottom: 1px solid var(--rule); }
.criterion.parent > summary { font-weight: bold; }
.children { padding: 0 0 4px; }
.field > .children { border-left: 3px solid var(--rule); margin-left: 10px; }
.parent-note { margin: 6px 10px 4px 6.4rem; font-size: .88em; color: var(--muted); font-style: italic; }
.bar {
  display: block;
  height: 4px;
  margin-top: 3px;
  background: #e2ddd2;
  border-radius: 2px;
  overflow: hidden;
}
.bar > span { display: block; height: 100%; background: var(--navy); }
.badge {
  display: inline-block;
  padding: 0 .45em;
  border: 1px solid currentColor;
  border-radius: 3px;
  font-size: .78em;
  font-weight: normal;
  line-height: 1.45;
  vertical-align: .08em;
  white-space: nowrap;
}
.badge.st-scored { color: #2d5a2d; }
.badge.st-not_applicable { color: #6b675f; }
.badge.st-no_evidence { color: #8a4b00; background: #fff6e6; }
.badge.st-pending_survey { color: #244d7a; background: #eef4fb; }
.badge.st-error { color: #9b1c1c; background: #fdeeee; }
.leaf-body {
  margin: 0 10px 10px 3.6em;
  padding: 10px 14px;
  background: #fbfaf6;
  border: 1px solid var(--rule);
  border-left: 3px solid var(--navy);
  font-size: .93em;
}
.lvl3 > .leaf-body { margin-left: 4.8em; }
.facts { display: grid; grid-template-columns: 12em 1fr; gap: 5px 14px; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.facts ul { margin: 0; padding: 0; list-style: none; }
.evidence li { margin: 0 0 3px; }
.tag {
  display: inline-block;
  min-width: 4.4em;
  font-size: .8em;
  text-transform: uppercase;
  letter-spacing: .03em;
  color: var(--muted);
}
.records p { margin: 0 0 4px; }
.keys { display: flex; flex-wrap: wrap; gap: 4px 6px; }
.keys li {
  padding: 0 6px;
  border: 1px solid var(--rule);
  border-radius: 3px;
  background: var(--paper);
  font-size: .88em;
  font-variant-numeric: tabular-nums;
}
.more { color: var(--muted); font-style: italic; margin-top: 4px !important; }
.error { color: #9b1c1c; }

/* The tables. */
.table-wrap { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; font-size: .84em; line-height: 1.35; }
.scores { table-layout: fixed; min-width: 900px; }
th, td { border: 1px solid #9f998b; padding: 4px 6px; vertical-align: top; text-align: left; }
thead th {
  background: #ece7dc;
  text-align: center;
  vertical-align: middle;
  font-weight: bold;
}
.w-stt { width: 5%; }
.w-title { width: 18%; }
.w-num { width: 6%; }
.w-measure { width: 8.5%; }
.w-ev { width: 22.5%; }
.w-note { width: 22%; }
.w-anote { width: 6%; }
.c-stt { white-space: nowrap; text-align: center; }
.c-num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td { overflow-wrap: anywhere; }
td .line { display: block; }
td .line + .line { margin-top: 2px; }
td .rec { color: var(--muted); font-style: italic; }
.idx { display: block; font-size: .9em; font-weight: normal; color: var(--muted); }
.scores .r-field td { font-weight: bold; background: var(--tint); }
.scores .r-criterion td { font-weight: bold; }
.scores .r-criterion.leaf td { font-weight: normal; }
.scores .r-criterion .c-title { padding-left: 14px; }
.scores .r-sub .c-title { padding-left: 26px; }
.scores .r-total td { font-weight: bold; background: #e4dfd3; border-top: 2px solid var(--ink); }
.scores .r-total .idx { color: var(--ink); font-weight: bold; }
.scores .r-total .c-note .line + .line { font-weight: normal; }
.scores tr.st-no_evidence .c-note, .scores tr.st-error .c-note { color: #8a1c1c; }
.explain-table { table-layout: fixed; }
.e-stt { width: 6%; }
.e-title { width: 30%; }
.e-num { width: 8%; }
.e-status { width: 16%; }
.e-text { width: 40%; }
.proposals p { text-align: justify; text-indent: 2em; }
.gaps-table { table-layout: fixed; }
.g-stt { width: 6%; }
.g-title { width: 30%; }
.g-num { width: 8%; }
.g-text { width: 40%; }
.gaps-table .lost { font-weight: bold; color: #8a1c1c; }
.gaps-total { margin-top: 8px; font-weight: bold; }

/* Signature. */
.signature {
  display: grid;
  grid-template-columns: 1fr 1fr;
  gap: 24px;
  margin-top: 34px;
  break-inside: avoid;
  page-break-inside: avoid;
}
.recipients { font-size: .88em; }
.recipients p { margin: 0; }
.signer { text-align: center; }
.signer .role { font-weight: bold; text-transform: uppercase; margin: 0; }
.colophon {
  margin: 70px 0 0;
  padding-top: 6px;
  border-top: 1px solid var(--rule);
  font-size: .8em;
  color: var(--muted);
  text-align: center;
}

/* The replay fingerprint. */
.fingerprint {
  margin: 14px 0 0;
  padding-top: 6px;
  border-top: 1px dotted var(--rule);
  font-size: .75em;
  line-height: 1.35;
  color: var(--muted);
  break-inside: avoid;
  page-break-inside: avoid;
}
.fingerprint .fp-title { margin: 0 0 2px; font-weight: bold; font-style: italic; }
.fingerprint ul { list-style: none; margin: 0; padding: 0; }
.fingerprint li { margin: 0; }
.fingerprint code {
  font-family: "Courier New", "Liberation Mono", "DejaVu Sans Mono", monospace;
  font-size: .95em;
  overflow-wrap: anywhere;
}

@media screen and (max-width: 760px) {
  .page { margin: 0; padding: 18px 14px; }
  .masthead { grid-template-columns: 1fr; }
  .tree-head, summary { grid-template-columns: max-content 1fr 3.6em 3.6em; }
  .tree-head > :last-child, summary .idx { display: none; }
  .facts { grid-template-columns: 1fr; }
  .leaf-body, .lvl3 > .leaf-body { margin-left: 10px; }
}

@page {
  size: A4 landscape;
  margin: 14mm 12mm 16mm;
  @bottom-right { content: "Trang " counter(page) "/" counter(pages); font-size: 9pt; }
}
@media print {
  html, body { background: #fff; }
  body { font-size: 11pt; line-height: 1.3; }
  .page { max-width: none; margin: 0; padding: 0; box-shadow: none; }
  .screen-only { display: none !important; }
  h1 { margin-top: 18px; font-size: 13pt; }
  h2 { font-size: 12pt; margin: 16px 0 8px; color: var(--ink); break-after: avoid; page-break-after: avoid; }
  .results { break-inside: avoid; page-break-inside: avoid; margin-bottom: 14px; }
  .figure .value { font-size: 16pt; }
  .figure.main .value { font-size: 20pt; }
  .table-wrap { overflow: visible; }
  table { font-size: 9pt; }
  thead { display: table-header-group; }
  tfoot { display: table-footer-group; }
  tr, td, th { break-inside: avoid; page-break-inside: avoid; }
  .results, thead th, .r-field td, .r-total td, .badge {
    -webkit-print-color-adjust: exact;
    print-color-adjust: exact;
  }
  .colophon { margin-top: 40px; }
  .fingerprint { font-size: 7.5pt; color: var(--ink); }
}
"#;
