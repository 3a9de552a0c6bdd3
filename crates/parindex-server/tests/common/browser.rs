//! What the real-browser tests share: finding Chromium and chromedriver (or skipping with a
//! note outside CI), chromedriver on a free port, a headless 1366×768 WebDriver session, and
//! a few page helpers.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

pub const TIMEOUT: Duration = Duration::from_secs(60);

pub type Fail = Box<dyn std::error::Error + Send + Sync>;

/// Chromium and chromedriver, or `None` (after a note naming `test`) when one is absent
/// outside CI.
#[allow(clippy::print_stderr)] // the skip note is meant for the person running the tests
pub fn tools(test: &str) -> Option<(PathBuf, PathBuf)> {
    let find = |name: &str| -> Option<PathBuf> {
        let fixed = Path::new("/usr/bin").join(name);
        if fixed.is_file() {
            return Some(fixed);
        }
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        })
    };
    match (find("chromium"), find("chromedriver")) {
        (Some(c), Some(d)) => Some((c, d)),
        (c, _) => {
            let missing = if c.is_none() {
                "chromium"
            } else {
                "chromedriver"
            };
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but {missing} is missing (apt-get install chromium chromium-driver)"
            );
            eprintln!(
                "note: {missing} not found (/usr/bin or PATH); skipping the browser test of \
                 {test} (apt-get install chromium chromium-driver)"
            );
            None
        }
    }
}

/// chromedriver on a free port, killed when dropped.
pub struct Driver {
    child: Child,
    pub port: u16,
}

impl Driver {
    pub fn start(path: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(path)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(start.elapsed() < TIMEOUT, "chromedriver did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, port }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A headless Chromium session through `driver`, its window 1366×768 (the README's
/// pictures), its profile in `profile` and its downloads in `downloads`.
pub async fn session(chromium: &Path, driver: &Driver, profile: &Path, downloads: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".to_owned(),
        serde_json::json!({
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-sync",
                "--window-size=1366,768",
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": {
                "download.default_directory": downloads,
                "download.prompt_for_download": false,
                "safebrowsing.enabled": false,
            },
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a WebDriver session")
}

/// Where `PARINDEX_SCREENSHOTS` asks the README's pictures to be saved, if it does.
pub fn screenshots() -> Option<PathBuf> {
    std::env::var_os("PARINDEX_SCREENSHOTS").map(PathBuf::from)
}

/// The page fits the 1366×768 window's width: nothing to scroll sideways.
pub async fn fits(b: &Client, page: &str) -> Result<(), Fail> {
    let widths = b
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            Vec::new(),
        )
        .await?;
    let w: Vec<u64> = serde_json::from_value(widths)?;
    assert!(
        w[0] <= w[1],
        "{page} is {} px wide in a {} px window",
        w[0],
        w[1]
    );
    Ok(())
}

/// The text of the element `css` finds, waiting for it to appear.
pub async fn text_of(b: &Client, css: &str) -> Result<String, Fail> {
    let e = b
        .wait()
        .at_most(TIMEOUT)
        .for_element(Locator::Css(css))
        .await?;
    Ok(e.text().await?)
}
