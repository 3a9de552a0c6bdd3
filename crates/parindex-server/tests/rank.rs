//! A province's folder uploaded as a zip and ranked (`/rank`, `/api/rank`): the same ranking,
//! byte for byte, as `parindex rank` on that folder, and every refusal.

mod common;

use std::path::{Path, PathBuf};

use axum::http::StatusCode;
use common::*;
use parindex_core::rank::Ranking;
use parindex_core::{CompiledCriteria, FsFiles, ReadOptions};
use parindex_server::Limits;

fn province() -> PathBuf {
    root().join("fixtures/province-2026")
}

/// The province's small set, uploaded; its SHA-256.
async fn upload_set(c: &Client) -> String {
    let toml = std::fs::read(province().join("criteria/criteria.toml")).expect("set");
    let got = c
        .post_files(
            "/api/criteria",
            "file",
            &[("criteria.toml".to_owned(), toml)],
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    got.json()["sha256"].as_str().expect("sha").to_owned()
}

/// `parindex rank` on `dir`: the library's ranking, at `as_of` (`None`: the set's default).
fn library_ranking(dir: &Path, as_of: Option<parindex_core::Date>) -> Ranking {
    let set = parindex_core::load_criteria(&FsFiles, &province().join("criteria")).expect("set");
    let criteria = CompiledCriteria::compile(set).expect("compiles");
    let as_of = criteria.as_of(as_of).expect("a date");
    let reports = criteria
        .score_province(&FsFiles, dir, as_of, &ReadOptions::default())
        .expect("the library scores the province");
    Ranking::of(&reports)
}

async fn rank(c: &Client, uri: &str, fields: &[(&str, &str)], zip: &[u8]) -> Got {
    c.post_form_files(uri, fields, &[("file", "tinh.zip", zip)])
        .await
}

/// The codes of each group's table on a page, in the order shown.
fn shown_ranking(html: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for table in html
        .split("<table class=\"list ranking\" data-group=\"")
        .skip(1)
    {
        let (group, rest) = table.split_once('"').expect("group");
        let body = rest.split("</table>").next().expect("table");
        let codes = body
            .split("<tr><td class=\"num\">")
            .skip(1)
            .map(|row| {
                let cells: Vec<&str> = row.split("</td><td>").collect();
                cells[1].to_owned()
            })
            .collect();
        out.push((group.to_owned(), codes));
    }
    out
}

async fn a_province_folder_is_ranked_as_parindex_rank_ranks_it() {
    let c = Client::new().await;
    let sha = upload_set(&c).await;
    // Both layouts: one folder per unit (zipped inside a folder of its own), and the
    // province-wide exports (zipped at the top).
    for (dir, prefix) in [("by-unit", "tinh-2026/"), ("exports", "")] {
        let dir = province().join(dir);
        let zip = zip_folder(&dir, prefix);
        let library = library_ranking(&dir, None);
        let got = rank(&c, "/api/rank", &[("criteria", &sha)], &zip).await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.text());
        assert_eq!(got.text(), library.to_json(), "{}", dir.display());
        let md = rank(
            &c,
            "/api/rank",
            &[("criteria", &sha), ("format", "md")],
            &zip,
        )
        .await;
        assert_eq!(md.text(), parindex_render::ranking_markdown(&library));
        let xlsx = rank(
            &c,
            "/api/rank",
            &[("criteria", &sha), ("format", "xlsx")],
            &zip,
        )
        .await;
        assert_eq!(xlsx.status, StatusCode::OK);
        assert_eq!(
            xlsx.body,
            parindex_render::render_ranking_xlsx(&library).expect("xlsx")
        );
    }
    // The page: each group's table in the hand-derived order of the fixture.
    let zip = zip_folder(&province().join("by-unit"), "");
    let page = rank(&c, "/rank", &[("criteria", &sha), ("as_of", "")], &zip).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let html = page.text();
    let expected = std::fs::read_to_string(province().join("expected-ranking.csv")).expect("csv");
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for line in expected.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        match groups.last_mut() {
            Some((g, codes)) if g == cells[0] => codes.push(cells[2].to_owned()),
            _ => groups.push((cells[0].to_owned(), vec![cells[2].to_owned()])),
        }
    }
    assert_eq!(shown_ranking(&html), groups);
    assert!(html.contains("<div><span class=\"label\">Số đơn vị</span> 22</div>"));
    // Two units share rank 11 of group so, and say so as the Excel ranking does.
    assert_eq!(
        html.matches("<td class=\"num\">11 (đồng hạng)</td>")
            .count(),
        2
    );
    assert!(html.contains("31/12/2026"));
    // Each unit's index per field, as the campaign's dashboard shows them.
    assert!(html.contains("id=\"field-indices\""));
    assert_eq!(html.matches("<tr><th scope=\"row\">").count(), 22);
    // The decimal comma: CAT's index 96,75.
    assert!(html.contains("<td class=\"num\">96,75</td>"), "{html}");
    // Its downloads, by the run's token: the library's bytes.
    let token = html
        .split("href=\"/rank/")
        .nth(1)
        .and_then(|t| t.split('/').next())
        .expect("a download link")
        .to_owned();
    let library = library_ranking(&province().join("by-unit"), None);
    let xlsx = c.get(&format!("/rank/{token}/xep-hang.xlsx")).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.headers["content-disposition"]
        .to_str()
        .is_ok_and(|d| d.contains("xep-hang.xlsx")));
    assert_eq!(
        xlsx.body,
        parindex_render::render_ranking_xlsx(&library).expect("xlsx")
    );
    let md = c.get(&format!("/rank/{token}/xep-hang.md")).await;
    assert_eq!(md.text(), parindex_render::ranking_markdown(&library));
    let json = c.get(&format!("/rank/{token}/xep-hang.json")).await;
    assert_eq!(json.text(), library.to_json());
    let again = c.get(&format!("/rank/{token}")).await;
    assert_eq!(shown_ranking(&again.text()), groups);
    for uri in [
        format!("/rank/{token}/xep-hang.pdf"),
        format!("/rank/{token}/passwd"),
        "/rank/khong-co/xep-hang.xlsx".to_owned(),
        "/rank/khong-co".to_owned(),
    ] {
        assert_eq!(c.get(&uri).await.status, StatusCode::NOT_FOUND, "{uri}");
    }
    // Another date: the library's ranking at that date.
    let date = parindex_core::date::parse_date("30/06/2026").expect("a date");
    let got = rank(
        &c,
        "/api/rank",
        &[("criteria", &sha), ("as_of", "30/06/2026")],
        &zip,
    )
    .await;
    assert_eq!(
        got.text(),
        library_ranking(&province().join("by-unit"), Some(date)).to_json()
    );
    // The form is on the first page (and the officer's home links it).
    let form = c.get("/rank").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains("id=\"rank\""));
    assert!(c.get("/").await.text().contains("href=\"/rank\""));
}

async fn a_province_folder_that_cannot_be_read_is_refused_with_each_problem() {
    let c = Client::new().await;
    let sha = upload_set(&c).await;
    // A bad date on line 3 of one unit's dossiers: named by the unit's folder, since every
    // unit has a dossiers.csv.
    let dir = province().join("by-unit");
    let mut entries = Vec::new();
    for unit in std::fs::read_dir(&dir).expect("folder") {
        let p = unit.expect("entry").path();
        let name = p.file_name().expect("name").to_string_lossy().into_owned();
        if p.is_file() {
            entries.push((name, std::fs::read(&p).expect("file")));
            continue;
        }
        for f in std::fs::read_dir(&p).expect("unit") {
            let f = f.expect("entry").path();
            let file = f.file_name().expect("name").to_string_lossy().into_owned();
            let mut bytes = std::fs::read(&f).expect("file");
            if name == "SKHCN" && file == "dossiers.csv" {
                let text = String::from_utf8(bytes).expect("utf-8");
                let lines: Vec<&str> = text.lines().collect();
                let bad = lines[2].replacen("07/03/2026", "31/02/2026", 1);
                assert_ne!(bad, lines[2]);
                let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
                out[2] = bad;
                bytes = (out.join("\n") + "\n").into_bytes();
            }
            entries.push((format!("{name}/{file}"), bytes));
        }
    }
    entries.sort();
    let zip = zip_entries(&entries);
    let got = rank(&c, "/api/rank", &[("criteria", &sha)], &zip).await;
    assert_eq!(
        got.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        got.text()
    );
    let json = got.json();
    let problems = json["problems"].as_array().expect("problems");
    assert!(
        problems.iter().any(|p| p["file"] == "SKHCN/dossiers.csv"
            && p["line"] == 3
            && p["value"] == "31/02/2026"),
        "{json}"
    );
    // The page: the form again, with every problem.
    let page = rank(&c, "/rank", &[("criteria", &sha)], &zip).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = page.text();
    assert!(html.contains("id=\"rank-error\""));
    assert!(html.contains("<td>SKHCN/dossiers.csv</td>"), "{html}");
    assert!(html.contains("<code>31/02/2026</code>"));
    assert!(html.contains("id=\"rank\""), "the form to try again");
    assert!(!html.contains("id=\"ranked\""));

    // One unit's folder is not a province's.
    let unit = zip_folder(&fixture(), "");
    let got = rank(&c, "/api/rank", &[], &unit).await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST, "{}", got.text());
    assert!(got.json()["message"]
        .as_str()
        .is_some_and(|m| m.contains("không phải thư mục của cả tỉnh")));
    // Not a zip; no file; an unknown set; a date that is none; an unknown encoding; an
    // unknown format.
    let good = zip_folder(&dir, "");
    for (fields, zip, wanted) in [
        (
            vec![("criteria", sha.as_str())],
            b"PK not a zip".to_vec(),
            "không phải tệp zip",
        ),
        (
            vec![("criteria", "khong-co")],
            good.clone(),
            "không có bộ tiêu chí",
        ),
        (
            vec![("criteria", sha.as_str()), ("as_of", "31/02/2026")],
            good.clone(),
            "«31/02/2026» không phải ngày",
        ),
        (
            vec![("criteria", sha.as_str()), ("encoding", "latin-1")],
            good.clone(),
            "bảng mã «latin-1»",
        ),
        (
            vec![("criteria", sha.as_str()), ("format", "pdf")],
            good.clone(),
            "dạng «pdf»",
        ),
    ] {
        let got = rank(&c, "/api/rank", &fields, &zip).await;
        assert_eq!(got.status, StatusCode::BAD_REQUEST, "{}", got.text());
        let message = got.json()["message"].as_str().unwrap_or("").to_owned();
        assert!(message.contains(wanted), "{message}");
    }
    let got = c
        .post_form_files("/api/rank", &[("criteria", &sha)], &[])
        .await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST);
    assert!(got.json()["message"]
        .as_str()
        .is_some_and(|m| m.contains("chưa chọn tệp zip")));
    // A link in the zip, through the unzipping every upload shares.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("units.csv", options).expect("entry");
    std::io::Write::write_all(&mut zip, b"ma_don_vi,ten_don_vi,nhom\n").expect("write");
    zip.add_symlink("dossiers.csv", "/etc/passwd", options)
        .expect("link");
    let got = rank(
        &c,
        "/api/rank",
        &[],
        &zip.finish().expect("zip").into_inner(),
    )
    .await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST, "{}", got.text());
    assert!(got.json()["message"]
        .as_str()
        .is_some_and(|m| m.contains("symlink")));
    // A hidden character in what the form sent is shown escaped in the refusal, not carried
    // into the page.
    let page = rank(&c, "/rank", &[("criteria", "x\u{202e}y")], &good).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    let html = page.text();
    assert!(!html.contains('\u{202e}'));
    assert!(html.contains("«x&#60;U+202E&#62;y»"), "{html}");
}

/// A zip that inflates beyond what one request may bring is refused while inflating.
async fn a_province_zip_bomb_is_refused_while_inflating() {
    let c = Client::with_limits(Limits {
        request_bytes: 1 << 20,
        ..Limits::default()
    })
    .await;
    let bomb = zip_entries(&[
        (
            "units.csv".to_owned(),
            b"ma_don_vi,ten_don_vi,nhom\n".to_vec(),
        ),
        ("dossiers.csv".to_owned(), vec![b'0'; 64 << 20]),
    ]);
    assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
    let got = rank(&c, "/api/rank", &[], &bomb).await;
    assert_eq!(got.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", got.text());
    assert!(got.json()["message"]
        .as_str()
        .is_some_and(|m| m.contains("giải nén ra quá")));
}

on_every_backend! {
    a_province_folder_is_ranked_as_parindex_rank_ranks_it,
    a_province_folder_that_cannot_be_read_is_refused_with_each_problem,
    a_province_zip_bomb_is_refused_while_inflating,
}
