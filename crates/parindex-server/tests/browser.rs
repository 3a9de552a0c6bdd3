//! The app in a real browser: headless Chromium driven through WebDriver (`chromedriver`),
//! as the officer uses it: create the SKHCN 2026 workspace, upload every file of the fixture
//! through the file input, change a fact and back, read the score, a row's points lost, write
//! a giải trình, attach a PDF, download the xlsx and the JSON, export the folder, and replay it
//! with the library; then rank a province's folder as `parindex rank` ranks it.
//!
//! Without Chromium or chromedriver the test is skipped with a note, unless `CI` is set: CI
//! must have them (`.ci/run` installs `chromium` and `chromium-driver`).
//!
//! With `PARINDEX_SCREENSHOTS=DIR` it also saves the score page and a row page there (the
//! README's pictures).

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use calamine::{Data, Reader};
use common::browser::{fits, screenshots, text_of, tools, Driver, Fail, TIMEOUT};
use common::{criteria, fixture};
use fantoccini::Locator;

/// Waits for a file to be fully downloaded into `dir` whose name ends with `suffix`.
async fn downloaded(dir: &Path, suffix: &str) -> PathBuf {
    let start = Instant::now();
    loop {
        let found = std::fs::read_dir(dir)
            .expect("download dir")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.to_string_lossy().ends_with(suffix));
        if let Some(p) = found {
            // Chromium writes `.crdownload` and renames at the end.
            if std::fs::metadata(&p).is_ok_and(|m| m.len() > 0) {
                return p;
            }
        }
        assert!(
            start.elapsed() < TIMEOUT,
            "no {suffix} downloaded into {dir:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every text cell of every sheet of a workbook.
fn xlsx_texts(path: &Path) -> Vec<String> {
    let mut book = calamine::open_workbook_auto(path).expect("an xlsx");
    let mut out = Vec::new();
    for name in book.sheet_names().clone() {
        let range = book.worksheet_range(&name).expect("a sheet");
        for row in range.rows() {
            for cell in row {
                if let Data::String(s) = cell {
                    out.push(s.clone());
                }
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_officer_scores_explains_and_downloads_in_chromium() {
    let Some((chromium, chromedriver)) = tools("the web app") else {
        return;
    };
    // The app on a free loopback port.
    let data = tempfile::tempdir().expect("data dir");
    let (tx, rx) = tokio::sync::oneshot::channel();
    let config = parindex_server::ServeConfig {
        data: data.path().to_path_buf(),
        database: None,
        addr: "127.0.0.1:0".parse().expect("addr"),
        limits: parindex_server::Limits::default(),
        secure_cookies: false,
    };
    tokio::spawn(async move {
        let served = parindex_server::serve_with(config, move |addr| {
            let _ = tx.send(addr);
        })
        .await;
        served.expect("the app serves");
    });
    let addr = tokio::time::timeout(TIMEOUT, rx)
        .await
        .expect("the app listens in time")
        .expect("an address");
    let base = format!("http://{addr}");

    let driver = Driver::start(&chromedriver);
    let downloads = tempfile::tempdir().expect("download dir");
    let profile = tempfile::tempdir().expect("profile dir");
    let browser =
        common::browser::session(&chromium, &driver, profile.path(), downloads.path()).await;
    let result = drive(&browser, &base, downloads.path()).await;
    let _ = browser.close().await;
    drop(driver);
    result.expect("the officer's session");
}

/// The WebDriver keys Tab and Enter.
const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";

async fn drive(b: &fantoccini::Client, base: &str, downloads: &Path) -> Result<(), Fail> {
    let shots = screenshots();
    // 1. Create the workspace.
    b.goto(&format!("{base}/")).await?;
    let form = b
        .wait()
        .at_most(TIMEOUT)
        .for_element(Locator::Id("create"))
        .await?;
    form.find(Locator::Css("input[name=code]"))
        .await?
        .send_keys("SKHCN")
        .await?;
    form.find(Locator::Css("input[name=name]"))
        .await?
        .send_keys("Sở Khoa học và Công nghệ")
        .await?;
    form.find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;

    // 2. Upload every file of the fixture through the file input at once.
    let input = b
        .wait()
        .at_most(TIMEOUT)
        .for_element(Locator::Id("files"))
        .await?;
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixture())?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    let joined: Vec<String> = paths
        .iter()
        .map(|p| std::fs::canonicalize(p).map(|p| p.display().to_string()))
        .collect::<Result<_, _>>()?;
    input.send_keys(&joined.join("\n")).await?;
    b.find(Locator::Css("#upload button[type=submit]"))
        .await?
        .click()
        .await?;
    let outcome = text_of(b, "#outcome").await?;
    // htmx, served from the binary, runs under the Content-Security-Policy.
    let htmx = b.execute("return typeof window.htmx;", Vec::new()).await?;
    assert_eq!(htmx, serde_json::json!("object"));
    assert!(outcome.contains("dossiers.csv"), "{outcome}");
    assert!(!outcome.contains("KHÔNG nhận"), "{outcome}");
    let ws = b.current_url().await?;
    let ws_path = ws.path().trim_end_matches("/evidence").to_owned();
    // The evidence page fits, and no file name in its lists is broken across two lines.
    fits(b, "the evidence page").await?;
    let broken = b
        .execute(
            "return [...document.querySelectorAll('#tables code, #versions code')]\
             .filter(c => c.getClientRects().length > 1).map(c => c.textContent);",
            Vec::new(),
        )
        .await?;
    assert_eq!(broken, serde_json::json!([]), "names broken across lines");

    // 3. Change one fact, see the score move, and change it back.
    let set_fact = |value: &'static str| {
        let ws_path = ws_path.clone();
        async move {
            b.goto(&format!("{base}{ws_path}/facts")).await?;
            // The fact by its Vietnamese label, as the officer finds it.
            let label = b
                .wait()
                .at_most(TIMEOUT)
                .for_element(Locator::XPath(
                    "//label[contains(., 'Số nội dung tuyên truyền cải cách hành chính đã hoàn thành')]",
                ))
                .await?;
            let id = label.attr("for").await?.unwrap_or_default();
            let field = b
                .find(Locator::Css(&format!("input[type='number'][id='{id}']")))
                .await?;
            field.clear().await?;
            field.send_keys(value).await?;
            b.find(Locator::Css("#facts button[type=submit]"))
                .await?
                .click()
                .await?;
            text_of(b, "#index").await
        }
    };
    let changed = set_fact("10").await?;
    assert_ne!(changed, "82,19%");
    let back = set_fact("9").await?;
    assert_eq!(back, "82,19%");
    assert_eq!(text_of(b, "#rating").await?, "Khá");
    fits(b, "the score page").await?;
    if let Some(dir) = &shots {
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join("serve-score.png"), b.screenshot().await?)?;
    }

    // 4. The points lost, from the menu: row 3.2.4 among them as the library computes it;
    // then its page from there, and its points-lost line.
    let direct = parindex_core::score(&parindex_core::FsFiles, &criteria(), &fixture(), None)?;
    let node = direct.node("3.2.4").ok_or("row 3.2.4")?;
    b.find(Locator::Css(&format!("nav a[href='{ws_path}/gaps']")))
        .await?
        .click()
        .await?;
    let gap = text_of(b, "tr[id='gap-3.2.4']").await?;
    assert!(
        gap.contains(&parindex_core::num::vi_decimal(node.lost)),
        "{gap}"
    );
    // The page shows what the library quotes in backticks as code: the words, without them.
    let shown = |text: &str| text.replace('`', "");
    if let Some(restore) = &node.restore {
        assert!(gap.contains(&shown(restore)), "{gap}");
    }
    fits(b, "the points-lost page").await?;
    b.find(Locator::Css(&format!(
        "#gaps a[href='{ws_path}/rows/3.2.4']"
    )))
    .await?
    .click()
    .await?;
    let lost = text_of(b, "#lost").await?;
    fits(b, "row 3.2.4's page").await?;
    let expected = format!("Mất {} điểm", parindex_core::num::vi_decimal(node.lost));
    assert!(lost.starts_with(&expected), "{lost} / {expected}");
    if let Some(restore) = &node.restore {
        assert!(lost.contains(&shown(restore)), "{lost}");
    }
    // Every deciding record, not only the 20 the page lists: the CSV its link downloads.
    let total = node.records[0].total;
    b.find(Locator::Css(&format!(
        "a[href='{ws_path}/rows/3.2.4/records/1']"
    )))
    .await?
    .click()
    .await?;
    let csv = std::fs::read_to_string(downloaded(downloads, "ban-ghi-3.2.4-1.csv").await)?;
    assert_eq!(csv.lines().count(), total + 1, "a header and every record");
    assert!(csv.starts_with("\u{feff}Dòng trong tệp,Mã hồ sơ,"), "{csv}");

    // 5. A giải trình, written and saved with the keyboard only: Tab from the text to the
    // form's button, Enter.
    let words = "Một hồ sơ trễ hạn do phải chờ ý kiến thẩm định của Bộ.";
    let area = b.find(Locator::Id("giai_trinh")).await?;
    area.clear().await?;
    area.send_keys(words).await?;
    let button = b.find(Locator::Css("#note button[type=submit]")).await?;
    let mut reached = false;
    for _ in 0..20 {
        b.active_element().await?.send_keys(TAB).await?;
        if b.active_element().await?.element_id() == button.element_id() {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab reaches the note's save button");
    b.active_element().await?.send_keys(ENTER).await?;
    assert_eq!(text_of(b, "#report-giai-trinh").await?, words);
    if let Some(dir) = &shots {
        std::fs::write(dir.join("serve-row.png"), b.screenshot().await?)?;
    }

    // 6. A small PDF attached to the row.
    let pdf_dir = tempfile::tempdir()?;
    let pdf_path = pdf_dir.path().join("bien-ban-3.2.4.pdf");
    let pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
    std::fs::write(&pdf_path, pdf)?;
    b.find(Locator::Id("file"))
        .await?
        .send_keys(&pdf_path.display().to_string())
        .await?;
    b.find(Locator::Css("#attach button[type=submit]"))
        .await?
        .click()
        .await?;
    let listed = text_of(b, "#attachments").await?;
    let short = &parindex_core::fingerprint::sha256_hex(pdf)[..12];
    assert!(
        listed.contains("bien-ban-3.2.4.pdf") && listed.contains(short),
        "{listed}"
    );

    // 7. The xlsx, downloaded from the score page: both are in it.
    b.goto(&format!("{base}{ws_path}")).await?;
    b.wait()
        .at_most(TIMEOUT)
        .for_element(Locator::Id("dl-xlsx"))
        .await?
        .click()
        .await?;
    let xlsx = downloaded(downloads, ".xlsx").await;
    let cells = xlsx_texts(&xlsx);
    assert!(
        cells.iter().any(|c| c.contains(words)),
        "the giải trình in the xlsx"
    );
    assert!(
        cells
            .iter()
            .any(|c| c.contains("bien-ban-3.2.4.pdf") && c.contains(short)),
        "the attachment in the xlsx's TLKC"
    );

    // 8. The JSON and the workspace's folder; the library's replay of the folder gives the
    // same report, byte for byte (what `parindex verify` checks).
    b.find(Locator::Id("dl-json")).await?.click().await?;
    let json = std::fs::read_to_string(downloaded(downloads, ".json").await)?;
    b.find(Locator::Id("dl-zip")).await?.click().await?;
    let zip = std::fs::read(downloaded(downloads, ".zip").await)?;
    let folder = common::unzip(&zip);
    let old = parindex_core::Report::from_json(&json)?;
    let replay = parindex_core::score(
        &parindex_core::FsFiles,
        &criteria(),
        folder.path(),
        Some(old.as_of),
    )?;
    assert!(
        replay.to_json() == json,
        "the replay of the exported folder differs"
    );
    assert_eq!(
        replay.node("3.2.4").and_then(|n| n.giai_trinh.as_deref()),
        Some(words)
    );

    // 9. On *Kiểm tra lại*: the downloaded JSON replays to itself; compared with the report of
    // the example as shipped, its notes differ.
    let reports = tempfile::tempdir()?;
    let sent = reports.path().join("bao-cao.json");
    std::fs::write(&sent, &json)?;
    let shipped = reports.path().join("vi-du.json");
    std::fs::write(&shipped, direct.to_json())?;
    b.find(Locator::Css(&format!("nav a[href='{ws_path}/verify']")))
        .await?
        .click()
        .await?;
    b.wait()
        .at_most(TIMEOUT)
        .for_element(Locator::Css("#verify input[type=file]"))
        .await?
        .send_keys(&sent.display().to_string())
        .await?;
    b.find(Locator::Css("#verify button[type=submit]"))
        .await?
        .click()
        .await?;
    let verdict = text_of(b, "#verdict").await?;
    assert!(verdict.starts_with("Khớp"), "{verdict}");
    b.find(Locator::Css("#compare input[name=first]"))
        .await?
        .send_keys(&shipped.display().to_string())
        .await?;
    b.find(Locator::Css("#compare input[name=second]"))
        .await?
        .send_keys(&sent.display().to_string())
        .await?;
    b.find(Locator::Css("#compare button[type=submit]"))
        .await?
        .click()
        .await?;
    let compared = text_of(b, "#comparison").await?;
    assert!(compared.contains("notes.toml"), "{compared}");
    fits(b, "the comparison").await?;

    // 10. A province's folder ranked as `parindex rank` ranks it: its small set uploaded on
    // *Bộ tiêu chí*, then the folder's zip on the ranking page (linked from the first page);
    // the groups' tables in the fixture's hand-derived order; the Excel ranking downloaded is
    // the library's, read back.
    let province = common::root().join("fixtures/province-2026");
    let set_file = province.join("criteria/criteria.toml");
    b.goto(&format!("{base}/criteria")).await?;
    b.wait()
        .at_most(TIMEOUT)
        .for_element(Locator::Css("#criteria input[type=file]"))
        .await?
        .send_keys(&std::fs::canonicalize(&set_file)?.display().to_string())
        .await?;
    b.find(Locator::Css("#criteria button[type=submit]"))
        .await?
        .click()
        .await?;
    text_of(b, "#added").await?;
    b.goto(&format!("{base}/")).await?;
    b.wait()
        .at_most(TIMEOUT)
        .for_element(Locator::Css("a[href='/rank']"))
        .await?
        .click()
        .await?;
    let sha = parindex_core::fingerprint::sha256_hex(&std::fs::read(&set_file)?);
    b.wait()
        .at_most(TIMEOUT)
        .for_element(Locator::Css("#rank select[name=criteria]"))
        .await?
        .select_by_value(&sha)
        .await?;
    let zip = reports.path().join("tinh-2026.zip");
    std::fs::write(&zip, common::zip_folder(&province.join("by-unit"), ""))?;
    b.find(Locator::Css("#rank input[type=file]"))
        .await?
        .send_keys(&zip.display().to_string())
        .await?;
    b.find(Locator::Css("#rank button[type=submit]"))
        .await?
        .click()
        .await?;
    let ranked = text_of(b, "#ranked").await?;
    assert!(ranked.contains("22"), "{ranked}");
    let expected = std::fs::read_to_string(province.join("expected-ranking.csv"))?;
    for group in ["so", "nganh-doc"] {
        let codes: Vec<&str> = expected
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|c| c[0] == group)
            .map(|c| c[2])
            .collect::<Vec<_>>();
        let shown = b
            .find_all(Locator::Css(&format!(
                "table.ranking[data-group='{group}'] tbody tr td:nth-child(2)"
            )))
            .await?;
        let mut seen = Vec::new();
        for cell in shown {
            seen.push(cell.text().await?);
        }
        assert_eq!(seen, codes, "group {group}");
    }
    fits(b, "the ranking page").await?;
    if let Some(dir) = &shots {
        std::fs::write(dir.join("serve-rank.png"), b.screenshot().await?)?;
    }
    b.find(Locator::Css("#rank-downloads a[href$='xep-hang.xlsx']"))
        .await?
        .click()
        .await?;
    let xlsx = downloaded(downloads, "xep-hang.xlsx").await;
    let set = parindex_core::load_criteria(&parindex_core::FsFiles, &province.join("criteria"))?;
    let compiled = parindex_core::CompiledCriteria::compile(set)?;
    let as_of = compiled.as_of(None).map_err(|_| "no 31/12")?;
    let library = parindex_core::rank::Ranking::of(&compiled.score_province(
        &parindex_core::FsFiles,
        &province.join("by-unit"),
        as_of,
        &parindex_core::ReadOptions::default(),
    )?);
    assert!(
        std::fs::read(&xlsx)? == parindex_render::render_ranking_xlsx(&library)?,
        "the downloaded ranking is the library's"
    );
    let cells = xlsx_texts(&xlsx);
    assert!(
        ["SNV", "Sở Nội vụ", "CAT", "11 (đồng hạng)"]
            .iter()
            .all(|w| cells.iter().any(|c| c == w)),
        "{cells:?}"
    );
    assert!(
        cells.iter().any(|c| c.ends_with("NHÓM NGANH-DOC")),
        "{cells:?}"
    );
    Ok(())
}
