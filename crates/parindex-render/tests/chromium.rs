//! The HTML report in a real browser: headless Chromium loads it from disk (no network), dumps
//! its DOM, takes a screenshot and prints it to PDF.
//!
//! Without Chromium the tests are skipped with a note, unless `CI` is set: CI must have it
//! (`.ci/run` installs it).
//!
//! The README picture is made by the ignored test `readme_picture`:
//! `cargo test -p parindex-render --test chromium -- --ignored readme_picture`.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use parindex_core::{FsFiles, Report};
use parindex_render::{render_html, RenderOptions};

const TIMEOUT: Duration = Duration::from_secs(60);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example() -> Report {
    let root = root();
    parindex_core::score(
        &FsFiles,
        &root.join("criteria/nghe-an-2026-so"),
        &root.join("fixtures/skhcn-2026"),
        None,
    )
    .expect("the example scores")
}

/// Chromium, or `None` (after a note) when it is absent outside CI.
#[allow(clippy::print_stderr)] // the skip note is meant for the person running the tests
fn chromium() -> Option<PathBuf> {
    let fixed = Path::new("/usr/bin/chromium");
    if fixed.is_file() {
        return Some(fixed.to_owned());
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("chromium"))
            .find(|p| p.is_file())
    });
    if on_path.is_some() {
        return on_path;
    }
    if std::env::var_os("CI").is_some() {
        panic!("CI is set but Chromium is missing (/usr/bin/chromium or `chromium` on PATH)");
    }
    eprintln!(
        "note: Chromium not found (/usr/bin/chromium or `chromium` on PATH); \
         skipping the browser test of the HTML report"
    );
    None
}

/// A fresh directory under the target's temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "parindex-html-{}-{}-{}",
            std::process::id(),
            name,
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs headless Chromium with `args` then the page's URL; returns its standard output.
/// Fails if it does not finish within [`TIMEOUT`].
fn run(chromium: &Path, tmp: &Path, args: &[String], page: &Path) -> Vec<u8> {
    let profile = tmp.join(format!("profile-{}", args.len()));
    std::fs::create_dir_all(&profile).expect("profile dir");
    let url = format!("file://{}", page.display());
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(&url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    // Drain the pipes on threads so that a chatty Chromium never blocks on a full pipe.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium {args:?} did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let out = out.join().expect("stdout reader");
    let err = err.join().expect("stderr reader");
    assert!(
        status.success(),
        "chromium {args:?} failed ({status}): {}",
        String::from_utf8_lossy(&err)
    );
    out
}

fn write_page(tmp: &Path, html: &str) -> PathBuf {
    let page = tmp.join("report.html");
    std::fs::write(&page, html).expect("write the page");
    page
}

#[test]
fn chromium_loads_the_page_with_its_table() {
    let Some(chromium) = chromium() else {
        return;
    };
    let report = example();
    let tmp = TempDir::new("dom");
    let html = render_html(&report, &RenderOptions::default()).expect("renders");
    let page = write_page(&tmp.0, &html);
    let dom = run(&chromium, &tmp.0, &["--dump-dom".to_owned()], &page);
    let dom = String::from_utf8(dom).expect("the DOM is UTF-8");
    assert!(dom.contains("<html lang=\"vi\">"), "{dom:.300}");
    for n in &report.nodes {
        assert!(
            dom.contains(&format!("<tr data-id=\"{}\"", n.id)),
            "row {} in the DOM",
            n.id
        );
    }
    assert!(dom.contains("38/42 (90,48%)"));
    assert!(dom.contains("Công tác chỉ đạo, điều hành cải cách hành chính"));
    assert!(dom.contains("class=\"r-total\""));
    assert!(dom.contains("82,19%"));
}

#[test]
fn chromium_takes_a_screenshot() {
    let Some(chromium) = chromium() else {
        return;
    };
    let tmp = TempDir::new("shot");
    let html = render_html(&example(), &RenderOptions::default()).expect("renders");
    let page = write_page(&tmp.0, &html);
    let shot = tmp.0.join("shot.png");
    run(
        &chromium,
        &tmp.0,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,1600".to_owned(),
        ],
        &page,
    );
    let png = std::fs::read(&shot).expect("a screenshot is written");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    assert!(
        png.len() > 10 * 1024,
        "a non-trivial PNG: {} bytes",
        png.len()
    );
}

#[test]
fn chromium_prints_to_pdf() {
    let Some(chromium) = chromium() else {
        return;
    };
    let tmp = TempDir::new("pdf");
    let options = RenderOptions {
        proposals: Some("Đề nghị Sở Nội vụ hướng dẫn thống nhất cách tính tỷ lệ hồ sơ.".to_owned()),
    };
    let html = render_html(&example(), &options).expect("renders");
    let page = write_page(&tmp.0, &html);
    let pdf = tmp.0.join("r.pdf");
    run(
        &chromium,
        &tmp.0,
        &[
            format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer".to_owned(),
        ],
        &page,
    );
    let bytes = std::fs::read(&pdf).expect("a PDF is written");
    assert!(bytes.starts_with(b"%PDF"), "a PDF");
    assert!(
        bytes.len() > 10 * 1024,
        "a non-trivial PDF: {} bytes",
        bytes.len()
    );
}

/// Writes `docs/html-report.png`: the on-screen view with the first field, its first
/// criterion and that criterion's two rows opened.
#[test]
#[ignore = "writes docs/html-report.png; run on purpose"]
fn readme_picture() {
    let Some(chromium) = chromium() else {
        return;
    };
    let tmp = TempDir::new("readme");
    let html = render_html(&example(), &RenderOptions::default()).expect("renders");
    let mut opened = html;
    for id in ["1", "1.1", "1.1.1", "1.1.2"] {
        let tag = format!("\" id=\"n-{id}\">");
        assert!(opened.contains(&tag), "node {id} in the tree");
        opened = opened.replacen(&tag, &format!("\" id=\"n-{id}\" open>"), 1);
    }
    let page = write_page(&tmp.0, &opened);
    let shot = tmp.0.join("shot.png");
    run(
        &chromium,
        &tmp.0,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,1600".to_owned(),
        ],
        &page,
    );
    let target = root().join("docs/html-report.png");
    std::fs::copy(&shot, &target).expect("copy the picture into docs/");
}
