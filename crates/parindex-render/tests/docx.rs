//! The Word report: what an officer reads in it, not how docx-rs spells it. The document is
//! unzipped and its paragraphs and table rows are rebuilt from the `<w:t>` elements.

use std::io::{Cursor, Read};

use parindex_render::{render_docx, table, RenderOptions};

mod common;

use common::{example, mini};

const PROPOSALS: &str =
    "Hệ thống một cửa điện tử của tỉnh chưa kết nối đầy đủ với Cổng Dịch vụ công quốc gia.\n\
\n\
Đề nghị Sở Nội vụ tổ chức tập huấn về Bộ chỉ số năm 2026.\n\
Đề nghị sớm công bố kết quả điều tra xã hội học.";

fn with_proposals() -> RenderOptions {
    RenderOptions {
        proposals: Some(PROPOSALS.to_owned()),
    }
}

/// The entries of the archive, by name.
fn unzip(bytes: &[u8]) -> zip::ZipArchive<Cursor<Vec<u8>>> {
    zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a zip archive")
}

fn entry(bytes: &[u8], name: &str) -> String {
    let mut archive = unzip(bytes);
    let mut file = archive.by_name(name).expect(name);
    let mut text = String::new();
    file.read_to_string(&mut text).expect("UTF-8 XML");
    text
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Start offsets of the elements `<{tag}>` / `<{tag} …>` (not `<{tag}Pr>` and the like).
fn element_starts(xml: &str, tag: &str) -> Vec<usize> {
    let open = format!("<{tag}");
    xml.match_indices(&open)
        .filter(|(i, _)| {
            matches!(
                xml.as_bytes().get(i + open.len()),
                Some(b'>') | Some(b' ') | Some(b'/')
            )
        })
        .map(|(i, _)| i)
        .collect()
}

/// The contents of every `<{tag}>…</{tag}>` element (not nested in itself).
fn elements<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let close = format!("</{tag}>");
    element_starts(xml, tag)
        .into_iter()
        .map(|start| {
            let rest = &xml[start..];
            let head_end = rest.find('>').expect("a closed tag");
            if rest[..head_end].ends_with('/') {
                ""
            } else {
                let body = &rest[head_end + 1..];
                &body[..body.find(&close).expect("a closing tag")]
            }
        })
        .collect()
}

/// The text of a paragraph: its `<w:t>` elements concatenated, a line break as `\n`.
fn paragraph_text(p: &str) -> String {
    let mut out = String::new();
    let mut marks: Vec<(usize, Option<&str>)> = element_starts(p, "w:br")
        .into_iter()
        .map(|i| (i, None))
        .collect();
    let texts = elements(p, "w:t");
    marks.extend(
        element_starts(p, "w:t")
            .into_iter()
            .zip(texts)
            .map(|(i, t)| (i, Some(t))),
    );
    marks.sort_by_key(|(i, _)| *i);
    for (_, text) in marks {
        match text {
            Some(t) => out.push_str(&unescape(t)),
            None => out.push('\n'),
        }
    }
    out
}

/// Every paragraph of the document, in order (table cells included).
fn paragraphs(xml: &str) -> Vec<String> {
    elements(xml, "w:p")
        .into_iter()
        .map(paragraph_text)
        .collect()
}

/// Every table row, as the text of its cells (a cell's paragraphs joined by `\n`).
fn rows(xml: &str) -> Vec<Vec<String>> {
    elements(xml, "w:tr")
        .into_iter()
        .map(|tr| {
            elements(tr, "w:tc")
                .into_iter()
                .map(|tc| paragraphs(tc).join("\n"))
                .collect()
        })
        .collect()
}

fn position(paras: &[String], text: &str) -> usize {
    paras
        .iter()
        .position(|p| p == text)
        .unwrap_or_else(|| panic!("no paragraph {text:?}"))
}

fn row<'a>(rows: &'a [Vec<String>], stt: &str) -> &'a Vec<String> {
    rows.iter()
        .find(|r| r.len() == 9 && r[0] == stt)
        .unwrap_or_else(|| panic!("no table row {stt}"))
}

const PART_I: &str = "I. BẢNG TỔNG HỢP KẾT QUẢ TỰ ĐÁNH GIÁ, CHẤM ĐIỂM";
const PART_II: &str = "II. GIẢI TRÌNH";
const PART_III: &str = "III. KHÓ KHĂN, VƯỚNG MẮC VÀ KIẾN NGHỊ";

#[test]
fn the_example_report_reads_as_the_administrative_document() {
    let report = example();
    let bytes = render_docx(&report, &with_proposals()).expect("renders");
    let xml = entry(&bytes, "word/document.xml");
    let paras = paragraphs(&xml);

    // The heading of an administrative document.
    for line in [
        "UBND TỈNH NGHỆ AN",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "Số: ……/BC-SKHCN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Nghệ An, ngày …… tháng …… năm 2026",
        "BÁO CÁO",
        "Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2026",
        "Kính gửi: Sở Nội vụ tỉnh Nghệ An",
    ] {
        position(&paras, line);
    }
    // The heading table comes first, the title after it.
    assert!(position(&paras, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") < position(&paras, "BÁO CÁO"));

    // The introduction names the set, the as-of date and the result.
    let intro = paras
        .iter()
        .find(|p| p.starts_with("Căn cứ "))
        .expect("an introduction");
    assert!(intro.contains(&report.criteria.title), "{intro}");
    assert!(intro.contains("31/12/2026"), "{intro}");
    assert!(paras.contains(&format!("- {}.", table::self_text(&report))));
    assert!(paras.contains(&format!("- {}.", table::total_text(&report))));

    // The three parts, in order, then the signature.
    let one = position(&paras, PART_I);
    let two = position(&paras, PART_II);
    let three = position(&paras, PART_III);
    let signature = position(&paras, "GIÁM ĐỐC");
    assert!(position(&paras, "Kính gửi: Sở Nội vụ tỉnh Nghệ An") < one);
    assert!(one < two && two < three && three < signature);
    for line in ["Nơi nhận:", "- Như trên;", "- Lưu: VT."] {
        assert!(position(&paras, line) > three);
    }

    // Part I: the columns, then one row per node, then the total.
    let rows = rows(&xml);
    let header = rows
        .iter()
        .position(|r| r.first().map(String::as_str) == Some("STT"))
        .expect("a header row");
    assert_eq!(rows[header], table::COLUMNS.map(str::to_owned).to_vec());
    let body = &rows[header + 1..];
    assert_eq!(body[0][0], "1");
    assert_eq!(
        body[0][1],
        "Công tác chỉ đạo, điều hành cải cách hành chính"
    );
    assert_eq!(body[0][2], "13");
    assert_eq!(body[0][4], "8,71 (87,10%)");

    let leaf = row(body, "1.1.2");
    assert_eq!(leaf[1], "Mức độ thực hiện kế hoạch CCHC");
    assert_eq!(leaf[2], "2");
    assert_eq!(leaf[3], "38/42 (90,48%)");
    assert_eq!(leaf[4], "1,81");
    assert!(leaf[6].contains("90,48% × 2 = 1,81 điểm"), "{}", leaf[6]);

    let plan = row(body, "1.1.1");
    assert!(
        plan[5].contains("2/KH-SKHCN ngày 16/01/2026"),
        "TLKC: {}",
        plan[5]
    );
    // A survey row is not scored yet.
    let survey = row(body, "1.6");
    assert_eq!(survey[4], "—");
    assert!(
        survey[6].contains("Chờ kết quả điều tra xã hội học"),
        "{}",
        survey[6]
    );
    // The decimal comma.
    assert_eq!(row(body, "1.2.1")[4], "0,5");

    // Every node has its row, in tree order, then the total row.
    let ids: Vec<&str> = body.iter().map(|r| r[0].as_str()).collect();
    let mut expected: Vec<&str> = report.nodes.iter().map(|n| n.id.as_str()).collect();
    expected.push("");
    assert_eq!(&ids[..expected.len()], &expected[..]);
    let total = &body[report.nodes.len()];
    assert_eq!(total[1], "Tổng cộng");
    assert_eq!(total[2], "100");
    assert_eq!(total[4], "56,71 (82,19%)");
    assert!(
        total[6].contains("82,19%") && total[6].contains("Khá"),
        "{}",
        total[6]
    );

    // Part II: the example has evidence for every self-assessed row (the mini fixture has
    // rows to explain, below).
    let part_two = &paras[two..three];
    let needing = table::needing_explanation(&report);
    if needing.is_empty() {
        assert_eq!(part_two.len(), 2, "{part_two:?}");
        assert!(
            part_two[1].contains("đều có tài liệu kiểm chứng"),
            "{}",
            part_two[1]
        );
    }
    for node in &needing {
        assert!(
            part_two
                .iter()
                .any(|p| p.contains(&format!(" {}: {}", node.id, node.title))),
            "{} is not explained",
            node.id
        );
    }
    // The unit's explanation where notes.toml gives one, else room for it.
    assert_eq!(
        part_two
            .iter()
            .filter(|p| p.as_str() == "- Giải trình của đơn vị: ……")
            .count(),
        needing.iter().filter(|n| n.giai_trinh.is_none()).count()
    );
    for node in needing.iter().filter(|n| n.giai_trinh.is_some()) {
        let text = format!(
            "- Giải trình của đơn vị: {}",
            node.giai_trinh.as_deref().unwrap_or_default()
        );
        assert!(part_two.contains(&text), "{} explained", node.id);
    }
    // Declared points are shown with the computed ones and the reason.
    assert!(
        part_two
            .iter()
            .any(|p| p.starts_with("- Điểm đơn vị đề nghị: 1 (điểm tính từ minh chứng 0). Lý do:")),
        "{part_two:?}"
    );

    // Part III: the officer's text, a paragraph per block, lines kept.
    let part_three = &paras[three + 1..signature];
    assert_eq!(
        part_three[0],
        "Hệ thống một cửa điện tử của tỉnh chưa kết nối đầy đủ với Cổng Dịch vụ công quốc gia."
    );
    assert_eq!(
        part_three[1],
        "Đề nghị Sở Nội vụ tổ chức tập huấn về Bộ chỉ số năm 2026.\n\
         Đề nghị sớm công bố kết quả điều tra xã hội học."
    );

    // Times New Roman, A4, the table in landscape.
    let styles = entry(&bytes, "word/styles.xml");
    for attr in ["w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"] {
        assert!(
            styles.contains(&format!("{attr}=\"Times New Roman\"")),
            "{attr} is not Times New Roman"
        );
    }
    assert!(xml.contains(r#"w:w="11906" w:h="16838""#), "A4 portrait");
    assert!(
        xml.contains(r#"w:w="16838" w:h="11906" w:orient="landscape""#),
        "A4 landscape"
    );
}

#[test]
fn vietnamese_text_comes_out_as_it_went_in() {
    let report = example();
    let bytes = render_docx(&report, &with_proposals()).expect("renders");
    let paras = paragraphs(&entry(&bytes, "word/document.xml"));
    assert!(paras
        .iter()
        .any(|p| p == "Công tác chỉ đạo, điều hành cải cách hành chính"));
    // Every node's title is a cell of its own, byte for byte.
    for node in &report.nodes {
        assert!(paras.contains(&node.title), "{} lost its title", node.id);
    }
    // Composed (NFC) characters stay composed: "ệ" is U+1EC7, not e + U+0302 + U+0323.
    let joined = paras.join("\n");
    assert!(joined.contains('\u{1EC7}'));
    assert!(!joined.contains('\u{0302}') && !joined.contains('\u{0323}'));
}

#[test]
fn the_mini_report_explains_the_rows_without_evidence() {
    let report = mini();
    let bytes = render_docx(&report, &RenderOptions::default()).expect("renders");
    let paras = paragraphs(&entry(&bytes, "word/document.xml"));
    let two = position(&paras, PART_II);
    let three = position(&paras, PART_III);
    // Entries read `1. Tiêu chí 2.5: title`.
    let listed: Vec<String> = paras[two..three]
        .iter()
        .filter_map(|p| {
            let (number, rest) = p.split_once(". ")?;
            number.parse::<usize>().ok()?;
            let (head, _title) = rest.split_once(": ")?;
            head.rsplit(' ').next().map(str::to_owned)
        })
        .collect();
    assert_eq!(listed, ["2.5", "3.5", "3.6", "3.10", "5.5"]);
    let expected: Vec<&str> = table::needing_explanation(&report)
        .iter()
        .map(|n| n.id.as_str())
        .collect();
    assert_eq!(listed, expected);
    // Each entry carries the status and the engine's reason.
    for node in table::needing_explanation(&report) {
        assert!(
            paras[two..three]
                .iter()
                .any(|p| p.starts_with("- Tình trạng: ") && p.contains(node.status.vi())),
            "{}",
            node.id
        );
        assert!(
            paras[two..three]
                .iter()
                .any(|p| p
                    == &format!("- Lý do: {}", parindex_render::unquoted(&node.explanation))),
            "{}: {}",
            node.id,
            node.explanation
        );
    }
}

#[test]
fn without_proposals_part_three_leaves_a_place_to_write() {
    let report = mini();
    for options in [
        RenderOptions::default(),
        RenderOptions {
            proposals: Some(" \n\n  ".to_owned()),
        },
    ] {
        let bytes = render_docx(&report, &options).expect("renders");
        let paras = paragraphs(&entry(&bytes, "word/document.xml"));
        let three = position(&paras, PART_III);
        assert_eq!(paras[three + 1], "……");
        assert!(position(&paras, "GIÁM ĐỐC") > three + 1);
    }
}

#[test]
fn the_same_report_gives_the_same_bytes() {
    let report = example();
    let options = with_proposals();
    let first = render_docx(&report, &options).expect("renders");
    let second = render_docx(&report, &options).expect("renders");
    assert!(first == second, "two renders differ");
    // On another thread too (docx-rs numbers paragraphs per thread).
    let third = std::thread::spawn({
        let report = report.clone();
        let options = options.clone();
        move || render_docx(&report, &options).expect("renders")
    })
    .join()
    .expect("the thread renders");
    assert!(first == third, "a render on another thread differs");

    // No clock anywhere: the document's dates are the as-of date, the entries' times the zip
    // format's fixed default.
    let core = entry(&first, "docProps/core.xml");
    assert!(
        core.contains(">2026-12-31T00:00:00Z</dcterms:created>"),
        "{core}"
    );
    assert!(
        core.contains(">2026-12-31T00:00:00Z</dcterms:modified>"),
        "{core}"
    );
    let mut archive = unzip(&first);
    for i in 0..archive.len() {
        let file = archive.by_index(i).expect("an entry");
        let time = file.last_modified().expect("a time");
        assert_eq!(
            (
                time.year(),
                time.month(),
                time.day(),
                time.hour(),
                time.minute()
            ),
            (1980, 1, 1, 0, 0),
            "{:?}",
            file.name()
        );
    }
}

#[test]
fn paragraph_ids_are_unique() {
    let bytes = render_docx(&example(), &with_proposals()).expect("renders");
    let xml = entry(&bytes, "word/document.xml");
    let ids: Vec<&str> = xml
        .match_indices("w14:paraId=\"")
        .map(|(i, m)| {
            let rest = &xml[i + m.len()..];
            &rest[..rest.find('"').expect("a closing quote")]
        })
        .collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "duplicate w14:paraId");
    // Word requires paraId < 0x80000000.
    for id in ids {
        assert!(
            u32::from_str_radix(id, 16).expect("hex") < 0x8000_0000,
            "{id}"
        );
    }
}

const APPENDIX: &str = "PHỤ LỤC: ĐIỂM BỊ MẤT VÀ CÁCH KHÔI PHỤC";

/// The raw XML of the paragraph whose text is `text`.
fn paragraph_xml<'a>(xml: &'a str, text: &str) -> &'a str {
    elements(xml, "w:p")
        .into_iter()
        .find(|p| paragraph_text(p) == text)
        .unwrap_or_else(|| panic!("no paragraph {text:?}"))
}

#[test]
fn the_appendix_lists_the_points_lost_after_the_signature() {
    for report in [example(), mini()] {
        let bytes = render_docx(&report, &with_proposals()).expect("renders");
        let xml = entry(&bytes, "word/document.xml");
        let paras = paragraphs(&xml);

        // After the signature block, before the fingerprint, on a page of its own.
        let signature = position(&paras, "GIÁM ĐỐC");
        let appendix = position(&paras, APPENDIX);
        let fingerprint = position(&paras, table::FINGERPRINT_TITLE);
        assert!(position(&paras, PART_III) < signature);
        assert!(signature < appendix && appendix < fingerprint);
        assert!(paragraph_xml(&xml, APPENDIX).contains("<w:pageBreakBefore"));

        // The table: its columns, then the rows of Report::gaps() in order.
        let rows = rows(&xml);
        let header = rows
            .iter()
            .position(|r| r.len() == 6 && r[0] == "STT")
            .expect("the appendix's header row");
        assert_eq!(rows[header], table::GAP_COLUMNS.map(str::to_owned).to_vec());
        let gaps = report.gaps();
        let body = &rows[header + 1..header + 1 + gaps.len()];
        for (r, n) in body.iter().zip(&gaps) {
            assert_eq!(
                r,
                &vec![
                    n.id.clone(),
                    n.title.clone(),
                    parindex_core::num::vi_decimal(n.max),
                    parindex_core::num::vi_decimal(n.points),
                    parindex_core::num::vi_decimal(n.lost),
                    // The document names a fact without the pages' backticks.
                    parindex_render::unquoted(
                        n.restore.as_deref().unwrap_or("Xem giải thích của dòng")
                    )
                    .into_owned(),
                ],
                "row {}",
                n.id
            );
        }
        // The appendix's table ends there.
        assert!(rows
            .get(header + 1 + gaps.len())
            .is_none_or(|r| r.len() != 6));
        let total = position(&paras, &table::gaps_total_text(&report));
        assert!(appendix < total && total < fingerprint);
    }
}

#[test]
fn the_example_appendix_starts_with_2_1_1() {
    let report = example();
    let bytes = render_docx(&report, &RenderOptions::default()).expect("renders");
    let xml = entry(&bytes, "word/document.xml");
    let rows = rows(&xml);
    let header = rows
        .iter()
        .position(|r| r.len() == 6 && r[0] == "STT")
        .expect("the appendix's header row");
    let first = &rows[header + 1];
    assert_eq!(first[0], "2.1.1");
    assert_eq!(first[1], "Tham mưu ban hành VBQPPL đúng kế hoạch");
    assert_eq!(&first[2..5], ["2", "0", "2"]);
    assert!(first[5].ends_with("→ +1 điểm"), "{}", first[5]);
    let paras = paragraphs(&xml);
    let one_two_one = rows
        .iter()
        .find(|r| r.len() == 6 && r[0] == "1.2.1")
        .expect("1.2.1 lost points");
    assert_eq!(
        one_two_one[5],
        "Kỳ 9T gửi trễ (hạn 15/09/2026): nếu mọi kỳ đều gửi đúng hạn → +0,5 điểm"
    );
    // A name the library quotes stands alone in the document sent to Sở Nội vụ: no backtick
    // anywhere (the example's own words hold none).
    let fact_hint = rows
        .iter()
        .find(|r| r.len() == 6 && r[0] == "6.2.1")
        .expect("6.2.1 lost points");
    assert_eq!(
        fact_hint[5],
        "tăng số đơn vị sự nghiệp công lập được giao tự chủ (dvsn_tu_chu) thêm 1 (lên 4) → tỷ lệ \
         ≥ 100% → +1 điểm"
    );
    assert!(!xml.contains('`'), "a backtick in the Word report");
    position(&paras, "Tổng số điểm bị mất: 13,29");
    // A row whose rule gives no hint points to its explanation (the mini fixture's 5.3, decided by `points`).
    let bytes = render_docx(&mini(), &RenderOptions::default()).expect("renders");
    let rows = crate::rows(&entry(&bytes, "word/document.xml"));
    let qualitative = rows
        .iter()
        .find(|r| r.len() == 6 && r[0] == "5.3")
        .expect("5.3 lost points");
    assert_eq!(qualitative[5], "Xem giải thích của dòng");
    // The document's text holds the heading and the row.
    let text = paras.join("\n");
    assert!(text.contains(APPENDIX) && text.contains("2.1.1"));
}

#[test]
fn the_appendix_says_when_nothing_was_lost() {
    let mut report = example();
    for n in &mut report.nodes {
        n.lost = rust_decimal::Decimal::ZERO;
    }
    let bytes = render_docx(&report, &RenderOptions::default()).expect("renders");
    let xml = entry(&bytes, "word/document.xml");
    let paras = paragraphs(&xml);
    let appendix = position(&paras, APPENDIX);
    assert_eq!(paras[appendix + 1], table::NO_GAPS);
    assert!(!rows(&xml).iter().any(|r| r.len() == 6 && r[0] == "STT"));
    assert!(!paras.iter().any(|p| p.starts_with("Tổng số điểm bị mất")));
}

#[test]
fn the_fingerprint_closes_the_document_in_9_pt() {
    for report in [example(), mini()] {
        let bytes = render_docx(&report, &with_proposals()).expect("renders");
        let xml = entry(&bytes, "word/document.xml");
        let paras = paragraphs(&xml);
        let title = position(&paras, table::FINGERPRINT_TITLE);
        assert!(position(&paras, "GIÁM ĐỐC") < title);
        // The lines, in order, are the last paragraphs of the document.
        let lines = table::fingerprint_lines(&report);
        assert_eq!(&paras[title + 1..], &lines[..]);

        let f = &report.fingerprint;
        assert_eq!(paras[title + 1], f.engine);
        assert_eq!(paras[title + 2], "Số liệu tính đến ngày 31/12/2026");
        assert_eq!(
            paras[title + 3],
            format!("Bộ chỉ số: {}", f.criteria.sha256)
        );
        let text = paras.join("\n");
        for e in &f.evidence {
            assert_eq!(e.sha256.len(), 64);
            assert!(
                text.contains(&format!("{}: {}", e.name, e.sha256)),
                "{} with its sha256",
                e.name
            );
        }
        // 9 pt: 18 half-points, the hashes in a typewriter face.
        for line in lines.iter().chain([&table::FINGERPRINT_TITLE.to_owned()]) {
            let p = paragraph_xml(&xml, line);
            assert!(p.contains(r#"<w:sz w:val="18" />"#), "{line}: {p}");
            assert!(!p.contains(r#"<w:sz w:val="28" />"#), "{line}: {p}");
        }
        let p = paragraph_xml(&xml, &format!("Bộ chỉ số: {}", f.criteria.sha256));
        assert!(p.contains("Courier New"), "{p}");
    }
}
