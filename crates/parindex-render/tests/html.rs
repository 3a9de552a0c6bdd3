//! The HTML report's content: self-contained, the table's columns and rows, the details tree,
//! the giải trình, the points lost, the replay fingerprint, escaping and determinism.

use parindex_core::num::vi_decimal;
use parindex_core::Report;
use parindex_render::{render_html, table, table::COLUMNS, RenderOptions};

mod common;

use common::{example, mini};

fn html(report: &Report) -> String {
    render_html(report, &RenderOptions::default()).expect("the report renders")
}

/// The text from `start` (which must occur) to the first `end` after it, inclusive.
fn slice<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    let from = page
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not found"));
    let rest = &page[from..];
    let to = rest
        .find(end)
        .unwrap_or_else(|| panic!("{end:?} not found after {start:?}"));
    &rest[..to + end.len()]
}

/// The text between tags, with tags removed (enough for these assertions).
fn text(fragment: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in fragment.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Text as written before [`render_html`] escaped it.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[test]
fn is_one_self_contained_vietnamese_document() {
    let page = html(&example());
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<html lang=\"vi\">"));
    assert!(page.contains("<meta charset=\"utf-8\">"));
    for banned in ["http://", "https://", "src=", "<link", "@import", "url("] {
        assert!(!page.contains(banned), "the page references {banned:?}");
    }
    assert!(!page.contains("<script"), "no script is needed");
    assert!(page.contains("Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2026"));
    assert!(page.contains("Sở Khoa học và Công nghệ"));
    assert!(page.contains("Bộ chỉ số đánh giá kết quả cải cách hành chính của các sở, ban, ngành tỉnh Nghệ An năm 2026"));
    assert!(page.contains("31/12/2026"), "the as-of date in dd/mm/yyyy");
    assert!(page.contains("Công tác chỉ đạo, điều hành cải cách hành chính"));
    assert!(page.contains("Điểm tự đánh giá 56,71/69 điểm áp dụng (tối đa 70) — Chỉ số 82,19%"));
    assert!(page
        .contains("Tổng điểm 56,71/69 điểm áp dụng (tối đa 100) — Chỉ số 82,19% — Xếp loại Khá"));
    assert!(page.contains("@page"), "print rules");
    assert!(page.contains("size: A4 landscape"));
    assert!(page.contains("display: table-header-group"));
    assert!(page.contains("break-inside: avoid"));
}

#[test]
fn the_table_has_the_nine_columns_and_a_row_per_node() {
    let report = example();
    let page = html(&report);
    let thead = slice(&page, "<thead>", "</thead>");
    let cells: Vec<&str> = thead.split("</th>").collect();
    let headers: Vec<String> = cells[..cells.len() - 1]
        .iter()
        .map(|th| text(th).trim().to_owned())
        .collect();
    assert_eq!(headers, COLUMNS.map(str::to_owned).to_vec());

    for n in &report.nodes {
        let row = format!("<tr data-id=\"{}\"", n.id);
        assert_eq!(page.matches(&row).count(), 1, "one table row for {}", n.id);
    }

    let row = slice(&page, "<tr data-id=\"1.1.2\"", "</tr>");
    assert!(row.contains("Mức độ thực hiện kế hoạch CCHC"));
    assert!(row.contains(">1,81<"), "{row}");
    assert!(row.contains("38/42 (90,48%)"), "{row}");

    let field = slice(&page, "<tr data-id=\"1\"", "</tr>");
    assert!(field.contains("r-field"));
    assert!(field.contains("8,71"));
    assert!(
        field.contains("87,10%"),
        "field rows carry their index: {field}"
    );

    let total = slice(&page, "<tr class=\"r-total\"", "</tr>");
    assert!(total.contains("Tổng cộng"));
    assert!(total.contains("56,71"));
    assert!(total.contains("82,19%"));
    assert!(total.contains("Khá"));

    // Pending survey rows show no points, with the status spelled out.
    let survey = slice(&page, "<tr data-id=\"1.6\"", "</tr>");
    assert!(
        survey.contains("Chờ kết quả điều tra xã hội học"),
        "{survey}"
    );
}

#[test]
fn the_details_tree_opens_down_to_the_records() {
    let page = html(&example());
    let tree = slice(&page, "<section class=\"tree", "</section>");
    // Fields, criteria and leaves are nested <details>.
    let field = slice(
        tree,
        "<details class=\"node parent field lvl1",
        "</summary>",
    );
    assert!(field.contains(">1<"), "{field}");
    assert!(field.contains("Công tác chỉ đạo, điều hành cải cách hành chính"));
    assert!(field.contains(">13<") && field.contains(">8,71<") && field.contains("87,10%"));

    // 3.2.1 sits in 3.2 in field 3; its body names the late dossiers.
    let f3 = tree.find("id=\"n-3\"").expect("field 3");
    let c32 = tree.find("id=\"n-3.2\"").expect("criterion 3.2");
    let leaf = tree.find("id=\"n-3.2.1\"").expect("row 3.2.1");
    assert!(f3 < c32 && c32 < leaf);
    let body = slice(&tree[leaf..], "id=\"n-3.2.1\"", "</details>");
    assert!(body.contains("Hồ sơ một cửa"), "{body}");
    assert!(body.contains("trễ hạn: 30 bản ghi"), "{body}");
    assert!(body.contains("000.00.29.H40-260102-0001"));
    assert!(body.contains("000.00.29.H40-261028-0001"));
    assert!(body.contains("và 10 bản ghi khác"));
    assert!(body.contains("Số liệu kê khai"));
    assert!(body.contains("Tài liệu kiểm chứng"));
    assert!(body.contains("Đã chấm"));

    // 1.1.2: the measure spelt out, and its document.
    let body = slice(tree, "id=\"n-1.1.2\"", "</details>");
    assert!(body.contains("tử số 38; mẫu số 42; tỷ lệ 90,48%"), "{body}");
    assert!(body.contains("I.1.1"), "late plan tasks listed: {body}");

    // A depth-2 leaf (1.5) sits directly in field 1, not inside a criterion.
    let at = tree.find("id=\"n-1.5\"").expect("row 1.5");
    let f1 = tree.find("id=\"n-1\"").expect("field 1");
    let f2 = tree.find("id=\"n-2\"").expect("field 2");
    assert!(f1 < at && at < f2, "1.5 is in field 1");
    let before = &tree[..at];
    assert_eq!(
        before.matches("<details").count() - before.matches("</details>").count(),
        2,
        "only field 1 and 1.5's own tag are open: 1.5 is a direct child of field 1"
    );
    let tag = &before[before.rfind("<details").expect("its tag")..];
    assert!(tag.contains("node leaf criterion lvl2"), "{tag}");
}

#[test]
fn text_is_escaped() {
    let mut report = example();
    report.unit.name = "Sở <b>&\"Thử' nghiệm".to_owned();
    report.nodes[2].title = "Tiêu chí <script>alert(1)</script>".to_owned();
    let page = html(&report);
    assert!(!page.contains("<b>&\""));
    assert!(!page.contains("<script>"));
    assert!(page.contains("Sở &lt;b&gt;&amp;&quot;Thử&#39; nghiệm"));
    assert!(page.contains("Tiêu chí &lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[test]
fn the_same_report_gives_the_same_bytes() {
    let report = example();
    let options = RenderOptions {
        proposals: Some("Một.\n\nHai.".to_owned()),
    };
    let a = render_html(&report, &options).expect("renders");
    let b = render_html(&example(), &options).expect("renders");
    assert_eq!(a, b);
}

#[test]
fn the_mini_fixture_lists_the_rows_needing_explanation() {
    let report = mini();
    let page = html(&report);
    let section = slice(&page, "<section class=\"part explain\"", "</section>");
    let listed: Vec<&str> = section
        .split("<tr data-explain=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert_eq!(listed, ["2.5", "3.5", "3.6", "3.10", "5.5"]);
    assert!(section.contains("Giải trình"));
    assert!(section.contains("Chưa có tài liệu kiểm chứng"));
    assert!(section.contains("Lỗi khi chấm"));
    assert!(section.contains("chia cho 0"));
    // A rule error is also shown in the row's details.
    let body = slice(&page, "id=\"n-3.5\"", "</details>");
    assert!(body.contains("class=\"error\""), "{body}");
}

#[test]
fn the_example_shows_the_units_explanations_and_declared_points() {
    // notes.toml explains 2.1.1 and declares 1 point for 5.3.
    let page = html(&example());
    let section = slice(&page, "<section class=\"part explain\"", "</section>");
    assert!(section.contains("data-explain=\"2.1.1\""));
    assert!(section.contains("data-explain=\"5.3\""));
    assert!(section.contains(
        "Giải trình của đơn vị: Hai dự thảo Nghị quyết được UBND tỉnh cho lùi thời hạn trình"
    ));
    assert!(section.contains("Đơn vị đề nghị 1 điểm (điểm tính từ minh chứng 0)"));
    assert!(
        page.contains("4521/UBND-TH ngày 10/06/2026"),
        "the added document is shown"
    );
}

#[test]
fn proposals_are_paragraphs_and_only_when_given() {
    let report = example();
    let page = html(&report);
    assert!(!page.contains("Khó khăn, vướng mắc và kiến nghị"));

    let options = RenderOptions {
        proposals: Some(
            "Đề nghị Sở Nội vụ hướng dẫn <tiêu chí 3.2>.\r\nDòng hai.\r\n\r\n  \n\nKiến nghị & đề xuất."
                .to_owned(),
        ),
    };
    let page = render_html(&report, &options).expect("renders");
    let section = slice(&page, "<section class=\"part proposals\"", "</section>");
    assert!(section.contains("III. Khó khăn, vướng mắc và kiến nghị"));
    assert_eq!(section.matches("<p>").count(), 2, "{section}");
    assert!(
        section.contains("<p>Đề nghị Sở Nội vụ hướng dẫn &lt;tiêu chí 3.2&gt;.<br>\nDòng hai.</p>")
    );
    assert!(section.contains("<p>Kiến nghị &amp; đề xuất.</p>"));

    let blank = RenderOptions {
        proposals: Some(" \n\n ".to_owned()),
    };
    let page = render_html(&report, &blank).expect("renders");
    assert!(!page.contains("Khó khăn, vướng mắc và kiến nghị"));
}

#[test]
fn the_points_lost_follow_part_two() {
    for report in [example(), mini()] {
        let page = html(&report);
        let section = slice(&page, "<section class=\"part gaps\"", "</section>");
        assert!(section.contains("<h2 id=\"gaps-h\">Điểm bị mất và cách khôi phục</h2>"));
        // Shown on screen and printed: after Part II, before the signature.
        assert!(!section.contains("screen-only"));
        let at = page
            .find("<section class=\"part gaps\"")
            .expect("the section");
        let two = page
            .find("<section class=\"part explain\"")
            .expect("part II");
        let signature = page
            .find("<footer class=\"signature\"")
            .expect("the signature");
        assert!(two < at && at < signature);

        let headers: Vec<String> = slice(section, "<thead>", "</thead>")
            .split("</th>")
            .filter(|th| th.contains("<th"))
            .map(|th| text(th).trim().to_owned())
            .collect();
        assert_eq!(headers, table::GAP_COLUMNS.map(str::to_owned).to_vec());

        let listed: Vec<&str> = section
            .split("<tr data-gap=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .collect();
        let gaps = report.gaps();
        let expected: Vec<&str> = gaps.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(listed, expected);
        for n in &gaps {
            let row = slice(section, &format!("<tr data-gap=\"{}\"", n.id), "</tr>");
            let cells: Vec<String> = row
                .split("</td>")
                .filter(|td| td.contains("<td"))
                .map(|td| unescape(text(td).trim()))
                .collect();
            let restore = n.restore.as_deref().unwrap_or("Xem giải thích của dòng");
            assert_eq!(
                cells,
                [
                    n.id.clone(),
                    n.title.clone(),
                    vi_decimal(n.max),
                    vi_decimal(n.points),
                    vi_decimal(n.lost),
                    parindex_render::unquoted(restore).into_owned()
                ],
                "row {}",
                n.id
            );
        }
        assert!(section.contains(&table::gaps_total_text(&report)));
    }
}

#[test]
fn the_example_loses_most_on_2_1_1() {
    let page = html(&example());
    let section = slice(&page, "<section class=\"part gaps\"", "</section>");
    let first = slice(section, "<tr data-gap=", "</tr>");
    assert!(first.starts_with("<tr data-gap=\"2.1.1\""), "{first}");
    assert!(first.contains("Tham mưu ban hành VBQPPL đúng kế hoạch"));
    assert!(first.contains("<td class=\"c-num lost\">2</td>"), "{first}");
    let row = slice(section, "<tr data-gap=\"1.2.1\"", "</tr>");
    assert!(
        row.contains("Kỳ 9T gửi trễ (hạn 15/09/2026): nếu mọi kỳ đều gửi đúng hạn → +0,5 điểm"),
        "{row}"
    );
    assert!(section.contains("Tổng số điểm bị mất: 13,29"));
    // A row whose rule gives no hint points to its explanation (the mini fixture's 5.3, decided by `points`).
    let page = html(&mini());
    let section = slice(&page, "<section class=\"part gaps\"", "</section>");
    let row = slice(section, "<tr data-gap=\"5.3\"", "</tr>");
    assert!(row.contains("Xem giải thích của dòng"), "{row}");
}

#[test]
fn the_points_lost_say_when_nothing_was_lost() {
    let mut report = example();
    for n in &mut report.nodes {
        n.lost = rust_decimal::Decimal::ZERO;
    }
    let page = html(&report);
    let section = slice(&page, "<section class=\"part gaps\"", "</section>");
    assert!(section.contains(table::NO_GAPS));
    assert!(!section.contains("<table"));
}

#[test]
fn the_footer_carries_the_replay_fingerprint() {
    for report in [example(), mini()] {
        let page = html(&report);
        let footer = slice(&page, "<footer class=\"fingerprint\"", "</footer>");
        // The last thing on the page, after the signature.
        assert!(page.ends_with(&format!("{footer}\n</main>\n</body>\n</html>\n")));
        assert!(page.find("<footer class=\"signature\"") < page.find(footer));
        assert!(footer.contains(table::FINGERPRINT_TITLE));

        let f = &report.fingerprint;
        assert!(f.engine.starts_with("parindex "));
        assert!(
            footer.contains(&format!("<li>{}</li>", f.engine)),
            "{footer}"
        );
        assert!(footer.contains("<li>Số liệu tính đến ngày 31/12/2026</li>"));
        assert!(footer.contains(&format!(
            "Bộ chỉ số:</span> <code>{}</code>",
            f.criteria.sha256
        )));
        assert!(!f.evidence.is_empty());
        for e in &f.evidence {
            assert_eq!(e.sha256.len(), 64, "the full digest");
            assert!(
                footer.contains(&format!("{}:</span> <code>{}</code>", e.name, e.sha256)),
                "{} in {footer}",
                e.name
            );
        }
        // One item per line of the shared fingerprint, in order.
        let items: Vec<String> = footer
            .split("<li>")
            .skip(1)
            .map(|li| {
                text(li.split("</li>").next().unwrap_or_default())
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        assert_eq!(items, table::fingerprint_lines(&report));
    }
    // Small, monospace hashes; not hidden in print.
    let page = html(&example());
    assert!(page.contains(".fingerprint code {\n  font-family: \"Courier New\""));
    assert!(page.contains("monospace"));
    let print = slice(&page, "@media print", "\n}\n");
    assert!(print.contains(".fingerprint {"), "{print}");
    assert!(!print.contains(".fingerprint { display: none"));
}
