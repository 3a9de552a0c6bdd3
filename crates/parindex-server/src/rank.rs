//! A province's folder scored and ranked as `parindex rank` ranks it: every unit's report by
//! `CompiledCriteria::score_province`, the ranking by `Ranking::of`. The campaign's
//! consolidation (its units' judged folders) and a province folder uploaded as a zip
//! ([`App::rank_zip`]) go through the one [`score_province`].

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use askama::Template;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use parindex_core::date::vi_date;
use parindex_core::evidence::{is_province, TextEncoding};
use parindex_core::rank::Ranking;
use parindex_core::{Date, MemoryFiles, ReadOptions, Report};

use crate::auth::Viewer;
use crate::error::{ApiError, AppError, Problem};
use crate::extract::{VMultipart, VPath};
use crate::province::{fields_of, groups_of, me, FieldTable, Groups, Me};
use crate::recent::Recent;
use crate::security::CsrfToken;
use crate::service::{as_of_field, encoding_field, problems_under, App, CriteriaEntry};
use crate::web::{file_response, read_parts, set_choices, text_field, ENCODINGS};

/// Where a province's files are put for the library: a path of no file system.
const ROOT: &str = "tinh";

/// Province folders ranked and kept for their downloads, across every viewer.
const RUNS_KEPT: usize = 16;

/// Every unit's report of a province folder and their ranking.
#[derive(Debug)]
pub struct Ranked {
    pub reports: Vec<Report>,
    pub ranking: Ranking,
}

/// Scores every unit of a province folder (`files` by their paths in `dir`, itself a path in
/// the folder, `""` for its top) with `set` at `as_of`, and ranks them. A problem of the
/// folder is refused with every problem the library found, each file named by its path in
/// the folder (every unit has a `dossiers.csv`); `failed` says what could not be done.
pub(crate) async fn score_province(
    set: Arc<CriteriaEntry>,
    files: Vec<(String, Vec<u8>)>,
    dir: &str,
    as_of: Date,
    encoding: TextEncoding,
    failed: &str,
) -> Result<Ranked, AppError> {
    let root = Path::new(ROOT).to_path_buf();
    let dir = if dir.is_empty() {
        root.clone()
    } else {
        root.join(dir)
    };
    let failed = failed.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut folder = MemoryFiles::default();
        for (name, bytes) in files {
            folder.insert(root.join(name), bytes);
        }
        let options = ReadOptions {
            encoding,
            ..ReadOptions::default()
        };
        let reports = set
            .compiled
            .score_province(&folder, &dir, as_of, &options)
            .map_err(|e| AppError::Invalid {
                message: failed,
                problems: problems_under(&e, Some(&dir)),
            })?;
        let ranking = Ranking::of(&reports);
        Ok(Ranked { reports, ranking })
    })
    .await
    .map_err(|e| AppError::Internal(format!("xếp hạng: {e}")))?
}

/// A province folder ranked from a zip ([`App::keep_rank`] keeps it for its downloads, under
/// a token of its own).
#[derive(Debug)]
pub struct RankRun {
    /// Who ranked it (`None`: the officer's own app): only they download it.
    owner: Option<String>,
    /// The set's title and short hash.
    pub set: String,
    pub as_of: Date,
    pub encoding: TextEncoding,
    /// The units ranked.
    pub units: usize,
    /// Only the ranking and each unit's index per field are kept (a province's reports are
    /// many times their size).
    pub ranking: Ranking,
    pub(crate) fields: FieldTable,
}

/// The runs kept ([`RUNS_KEPT`]), the least recently used forgotten first.
#[derive(Debug)]
pub struct RankRuns(Mutex<Recent<String, Arc<RankRun>>>);

impl Default for RankRuns {
    fn default() -> Self {
        Self(Mutex::new(Recent::new(RUNS_KEPT)))
    }
}

/// What a province folder is ranked with, as the form or the API sends it.
#[derive(Debug, Default)]
pub struct RankRequest {
    /// The set's SHA-256 (or its id); blank: the shipped set.
    pub criteria: String,
    /// `dd/mm/yyyy`; blank: the set's 31 December.
    pub as_of: String,
    /// `auto` (blank), `utf-8`, `utf-16le`, `utf-16be`, `windows-1258`.
    pub encoding: String,
}

/// Who may rank a folder of their own: the officer on her own app; on the province's server,
/// the accounts that read the province (its administrator, auditors and appraisers).
fn may_rank(viewer: &Viewer) -> Result<Option<String>, AppError> {
    match viewer {
        Viewer::Local => Ok(None),
        Viewer::Account(_) => {
            let actor = viewer.permitted(parindex_campaign::Action::ReadProvince)?;
            Ok(Some(actor.login.clone()))
        }
    }
}

impl App {
    /// Ranks the province folder in `zip` (one folder per unit, or `units.csv` with
    /// province-wide exports; the folder itself or one folder around it), exactly as
    /// `parindex rank` ranks that folder with the same set, date and encoding. Nothing is
    /// stored ([`Self::keep_rank`] keeps the run in memory for a page's downloads).
    pub async fn rank_zip(
        self: &Arc<Self>,
        viewer: &Viewer,
        request: &RankRequest,
        zip: &[u8],
    ) -> Result<RankRun, AppError> {
        let owner = may_rank(viewer)?;
        let criteria = match request.criteria.trim() {
            "" => crate::service::SHIPPED_SET,
            key => key,
        };
        let set = self.find_set(criteria).await?.ok_or_else(|| {
            AppError::BadRequest(format!(
                "không có bộ tiêu chí «{}»",
                parindex_core::visible::visible(criteria)
            ))
        })?;
        let as_of = set
            .compiled
            .as_of(as_of_field(&request.as_of)?)
            .map_err(|_| {
                AppError::BadRequest(format!(
                    "năm {} của bộ tiêu chí không có ngày 31/12; hãy ghi ngày tính điểm",
                    set.year
                ))
            })?;
        let encoding = encoding_field(&request.encoding)?;
        let parts = crate::service::unzip_parts(zip, self.limits.request_bytes)?;
        let dir = province_dir(&parts)?;
        let files = parts
            .into_iter()
            .map(|(name, bytes)| (name.join("/"), bytes))
            .collect();
        let ranked = score_province(
            Arc::clone(&set),
            files,
            &dir,
            as_of,
            encoding,
            "thư mục của tỉnh có tệp không đọc được nên chưa xếp hạng được",
        )
        .await?;
        Ok(RankRun {
            owner,
            set: format!("{} ({})", set.title, crate::folder::short(&set.sha256)),
            as_of,
            encoding,
            units: ranked.reports.len(),
            fields: fields_of(&ranked.reports),
            ranking: ranked.ranking,
        })
    }

    /// Keeps `run` for its downloads ([`Self::rank_run`]), forgetting the least recently
    /// used beyond [`RUNS_KEPT`]; the token that names it in its pages' addresses (random:
    /// one viewer cannot guess another's).
    pub fn keep_rank(&self, run: RankRun) -> Result<(String, Arc<RankRun>), AppError> {
        let token = parindex_campaign::password::new_token()
            .map_err(|e| AppError::Internal(format!("mã kết quả: {e}")))?;
        let run = Arc::new(run);
        self.rank_runs
            .0
            .lock()
            .map_err(|_| AppError::Internal("kết quả xếp hạng: khóa hỏng".to_owned()))?
            .insert(token.clone(), Arc::clone(&run));
        Ok((token, run))
    }

    /// A run [`Self::rank_zip`] kept, for whoever ranked it.
    pub fn rank_run(&self, viewer: &Viewer, token: &str) -> Result<Arc<RankRun>, AppError> {
        let owner = may_rank(viewer)?;
        let gone = || {
            AppError::NotFound(
                "kết quả xếp hạng này không còn (máy chủ chỉ giữ vài kết quả gần nhất, và không \
                 giữ qua lần khởi động lại): hãy tải tệp zip của tỉnh lên lần nữa"
                    .to_owned(),
            )
        };
        let run = self
            .rank_runs
            .0
            .lock()
            .map_err(|_| AppError::Internal("kết quả xếp hạng: khóa hỏng".to_owned()))?
            .get(&token.to_owned())
            .cloned()
            .ok_or_else(gone)?;
        // Another account's run is as unknown as one never made.
        if run.owner != owner {
            return Err(gone());
        }
        Ok(run)
    }
}

/// Where the province is in a zip's files: at its top, or in the one folder around them all;
/// refused, saying what a province folder is, when neither holds one.
fn province_dir(parts: &[crate::service::ZipPart]) -> Result<String, AppError> {
    let mut probe = MemoryFiles::default();
    for (name, _) in parts {
        // What `is_province` looks at is which files exist, not what they hold.
        probe.insert(name.iter().collect::<PathBuf>(), Vec::new());
    }
    if is_province(&probe, Path::new("")) {
        return Ok(String::new());
    }
    if let Some(top) = crate::service::top_folder(parts) {
        if is_province(&probe, Path::new(top)) {
            return Ok(top.to_owned());
        }
    }
    Err(AppError::BadRequest(
        "tệp zip không phải thư mục của cả tỉnh (mỗi đơn vị một thư mục con có unit.toml, hoặc \
         units.csv kèm các tệp xuất của cả tỉnh); để chấm một đơn vị, hãy dùng «Nhập hồ sơ từ \
         thư mục minh chứng»"
            .to_owned(),
    ))
}

// ---- pages and API ---------------------------------------------------------------------

type S = State<Arc<App>>;

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/rank", get(rank_page).post(rank))
        .route("/rank/{token}", get(run_page))
        .route("/rank/{token}/{file}", get(download))
        .route("/api/rank", post(api_rank))
}

/// What a ranking can be downloaded as: `parindex rank --format md|json|xlsx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RankFormat {
    Md,
    Json,
    Xlsx,
}

impl RankFormat {
    fn parse(text: &str) -> Result<Self, AppError> {
        match text.trim() {
            "" | "json" => Ok(Self::Json),
            "md" => Ok(Self::Md),
            "xlsx" => Ok(Self::Xlsx),
            other => Err(AppError::BadRequest(format!(
                "dạng «{}» không có: bảng xếp hạng có dạng json, md hoặc xlsx",
                parindex_core::visible::visible(other)
            ))),
        }
    }

    /// The file of a download's address (`xep-hang.xlsx`, …).
    fn of_file(name: &str) -> Result<Self, AppError> {
        let format = name
            .strip_prefix("xep-hang.")
            .ok_or_else(|| AppError::NotFound("không có tệp này".to_owned()))?;
        Self::parse(format).map_err(|_| AppError::NotFound("không có tệp này".to_owned()))
    }

    /// The bytes `parindex rank --format` writes, their type and the file's name.
    fn render(self, ranking: &Ranking) -> Result<(Vec<u8>, &'static str, &'static str), AppError> {
        Ok(match self {
            Self::Md => (
                parindex_render::ranking_markdown(ranking).into_bytes(),
                "text/markdown; charset=utf-8",
                "xep-hang.md",
            ),
            Self::Json => (
                ranking.to_json().into_bytes(),
                "application/json",
                "xep-hang.json",
            ),
            Self::Xlsx => (
                parindex_render::render_ranking_xlsx(ranking)
                    .map_err(|e| AppError::Internal(format!("bảng xếp hạng: {e}")))?,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xep-hang.xlsx",
            ),
        })
    }
}

/// A form's fields and its zip (`file`), as the page and the API send them.
async fn rank_form(
    multipart: axum::extract::Multipart,
) -> Result<(RankRequest, String, axum::body::Bytes), AppError> {
    let (files, fields) = read_parts(multipart).await?;
    let field = |name: &str| text_field(&fields, name).unwrap_or_default().to_owned();
    let request = RankRequest {
        criteria: field("criteria"),
        as_of: field("as_of"),
        encoding: field("encoding"),
    };
    let Some((_, (_, zip))) = files.into_iter().find(|(k, _)| k == "file") else {
        return Err(AppError::BadRequest(
            "chưa chọn tệp zip của thư mục cả tỉnh".to_owned(),
        ));
    };
    Ok((request, field("format"), zip))
}

#[derive(Template)]
#[template(path = "rank.html")]
struct RankPage {
    csrf: String,
    /// The signed-in account (`None`: the officer's own app).
    me: Option<Me>,
    sets: Vec<(String, String)>,
    encodings: Vec<(&'static str, &'static str)>,
    max_mib: usize,
    /// Why the last upload was refused, with the library's problems.
    error: Option<String>,
    problems: Vec<Problem>,
    run: Option<RunView>,
}

/// A ranked folder as its page shows it.
struct RunView {
    token: String,
    as_of: String,
    encoding: &'static str,
    groups: Groups,
    /// The run itself (its set, units and field table shown as kept, not copied per view).
    run: Arc<RankRun>,
}

async fn rank_view(
    app: &Arc<App>,
    viewer: &Viewer,
    csrf: String,
    outcome: Result<Option<(String, Arc<RankRun>)>, AppError>,
) -> Result<Response, AppError> {
    may_rank(viewer)?;
    let (run, error, problems, status) = match outcome {
        Ok(run) => (run, None, Vec::new(), StatusCode::OK),
        // The officer's mistakes are shown on the form she fixes them with.
        Err(e @ (AppError::BadRequest(_) | AppError::Invalid { .. } | AppError::TooLarge(_))) => {
            let status = e.status();
            let (message, problems) = match e {
                AppError::Invalid { message, problems } => (message, problems),
                other => (other.message(), Vec::new()),
            };
            (None, Some(message), problems, status)
        }
        Err(e) => return Err(e),
    };
    let body = RankPage {
        csrf,
        me: viewer.actor().ok().map(me),
        sets: set_choices(app).await?,
        encodings: ENCODINGS.iter().map(|(e, l)| (e.name(), *l)).collect(),
        max_mib: app.limits.request_bytes >> 20,
        error,
        problems,
        run: run.map(|(token, r)| RunView {
            token,
            as_of: vi_date(r.as_of),
            encoding: r.encoding.name(),
            groups: groups_of(&r.ranking),
            run: r,
        }),
    };
    let mut response = body
        .render()
        .map(|html| axum::response::Html(html).into_response())
        .map_err(|e| AppError::Internal(format!("mẫu trang: {e}")))?;
    *response.status_mut() = status;
    Ok(response)
}

async fn rank_page(
    State(app): S,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
) -> Result<Response, AppError> {
    rank_view(&app, &viewer, csrf, Ok(None)).await
}

async fn rank(
    State(app): S,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    VMultipart(multipart): VMultipart,
) -> Result<Response, AppError> {
    let outcome = match rank_form(multipart).await {
        Ok((request, _, zip)) => match app.rank_zip(&viewer, &request, &zip).await {
            Ok(run) => app.keep_rank(run).map(Some),
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    rank_view(&app, &viewer, csrf, outcome).await
}

async fn run_page(
    State(app): S,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    VPath(token): VPath<String>,
) -> Result<Response, AppError> {
    let run = app.rank_run(&viewer, &token)?;
    rank_view(&app, &viewer, csrf, Ok(Some((token, run)))).await
}

async fn download(
    State(app): S,
    viewer: Viewer,
    VPath((token, file)): VPath<(String, String)>,
) -> Result<Response, AppError> {
    let format = RankFormat::of_file(&file)?;
    let run = app.rank_run(&viewer, &token)?;
    let (bytes, mime, name) = format.render(&run.ranking)?;
    Ok(file_response(bytes, mime, name))
}

/// `POST /api/rank`: the ranking as `parindex rank --format` writes it (`format`: json by
/// default, md or xlsx).
async fn api_rank(
    State(app): S,
    viewer: Viewer,
    VMultipart(multipart): VMultipart,
) -> Result<Response, ApiError> {
    let (request, format, zip) = rank_form(multipart).await?;
    let format = RankFormat::parse(&format)?;
    let run = app.rank_zip(&viewer, &request, &zip).await?;
    let (bytes, mime, _) = format.render(&run.ranking)?;
    Ok(([(CONTENT_TYPE, mime)], bytes).into_response())
}
