//! Errors as the officer sees them: a Vietnamese page (or a JSON body under `/api/`), never a
//! stack trace. An internal failure is logged on standard error with its detail and shown as
//! a short apology.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;

/// One problem found in an input, as shown: where, what, the value and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub file: String,
    pub sheet: Option<String>,
    pub line: Option<usize>,
    pub column: Option<String>,
    pub message: String,
    pub value: Option<String>,
    pub expected: Option<String>,
    pub hint: Option<String>,
    /// The source line the problem is on, for a criteria set's problems.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_line: Option<String>,
}

impl Problem {
    /// From a library diagnostic; the file by its name only (never the server's path).
    pub fn of(d: &parindex_core::Diagnostic) -> Self {
        Self::under(d, None)
    }

    /// [`Self::of`], a file inside the folder `root` named by its path in it (`SKHCN/dossiers.csv`
    /// in a province's folder, where every unit has a `dossiers.csv`).
    pub fn under(d: &parindex_core::Diagnostic, root: Option<&std::path::Path>) -> Self {
        let vis = |s: &str| parindex_core::visible::visible(s).into_owned();
        let column = match (&d.column_name, d.column) {
            (Some(name), _) => Some(vis(name)),
            (None, Some(c)) => Some(c.to_string()),
            (None, None) => None,
        };
        Self {
            file: shown_path(&d.path, root),
            sheet: d.sheet.as_deref().map(vis),
            line: d.line,
            column,
            message: vis(&d.message),
            value: d.value.as_deref().map(vis),
            expected: d.expected.as_deref().map(vis),
            hint: d.hint.as_deref().map(vis),
            source_line: None,
        }
    }

    /// A problem with no place in a file.
    pub fn plain(file: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            sheet: None,
            line: None,
            column: None,
            message: message.into(),
            value: None,
            expected: None,
            hint: None,
            source_line: None,
        }
    }
}

/// A file as a problem names it: inside `root`, by its path there; else by its name only
/// (never the server's path); hidden characters shown.
pub fn shown_path(path: &std::path::Path, root: Option<&std::path::Path>) -> String {
    let vis = |c: std::path::Component<'_>| {
        parindex_core::visible::visible(&c.as_os_str().to_string_lossy()).into_owned()
    };
    match root.and_then(|r| path.strip_prefix(r).ok()) {
        Some(inside) if inside.components().next().is_some() => {
            inside.components().map(vis).collect::<Vec<_>>().join("/")
        }
        _ => path
            .file_name()
            .map(|n| parindex_core::visible::visible(&n.to_string_lossy()).into_owned())
            .unwrap_or_default(),
    }
}

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    /// Input refused by the library's checks, with every problem.
    #[error("{message}")]
    Invalid {
        message: String,
        problems: Vec<Problem>,
    },
    /// A save over a version someone else already replaced.
    #[error("{0}")]
    Conflict(String),
    #[error(
        "yêu cầu bị từ chối: thiếu hoặc sai mã chống giả mạo (CSRF); hãy tải lại trang rồi thử lại"
    )]
    Csrf,
    #[error("{0}")]
    TooLarge(String),
    /// Not signed in, or the login failed.
    #[error("{0}")]
    SignIn(String),
    /// Signed in, but this account may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// A bug or a broken disk: logged, and told without detail.
    #[error("lỗi nội bộ")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::SignIn(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The heading of the error page.
    fn title(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "Không tìm thấy",
            AppError::BadRequest(_) => "Yêu cầu không hợp lệ",
            AppError::Invalid { .. } => "Dữ liệu không hợp lệ",
            AppError::Conflict(_) => "Đã có người sửa trước",
            AppError::Csrf => "Yêu cầu bị từ chối",
            AppError::TooLarge(_) => "Tệp quá lớn",
            AppError::SignIn(_) => "Cần đăng nhập",
            AppError::Forbidden(_) => "Không có quyền",
            AppError::Internal(_) => "Lỗi nội bộ",
        }
    }

    /// What the officer is told: never an internal detail.
    pub fn message(&self) -> String {
        match self {
            AppError::Internal(_) => "phần mềm gặp lỗi nội bộ, không phải do dữ liệu của bạn; \
                                      hãy thử lại, và nếu vẫn lỗi thì báo người phụ trách phần \
                                      mềm (chi tiết đã được ghi vào nhật ký máy chủ)"
                .to_owned(),
            other => other.to_string(),
        }
    }

    fn problems(&self) -> &[Problem] {
        match self {
            AppError::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }

    fn log(&self) {
        if let AppError::Internal(detail) = self {
            log(&format!("lỗi nội bộ: {detail}"));
        }
    }
}

/// A database failure as the officer is told it: a text the database cannot keep (U+0000) is
/// the officer's to mend; anything else is internal.
impl From<parindex_db::DbError> for AppError {
    fn from(e: parindex_db::DbError) -> Self {
        match e {
            parindex_db::DbError::NulInText(_) => AppError::BadRequest(
                "văn bản có ký tự NUL (U+0000), không lưu được: hãy xoá ký tự đó rồi gửi lại"
                    .to_owned(),
            ),
            other => AppError::Internal(format!("cơ sở dữ liệu: {other}")),
        }
    }
}

/// The server's log: standard error.
#[allow(clippy::print_stderr)]
pub(crate) fn log(line: &str) {
    eprintln!("parindex serve: {line}");
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
    problems: &'a [Problem],
    /// The page of this site the request came from.
    back: Option<&'a str>,
    /// The page of the workspace the request was about, when it exists.
    workspace: Option<&'a str>,
}

/// What an error response says, kept on the response so that the API's layer can answer it
/// as JSON whichever extractor or handler refused (see [`crate::security::guard`]).
#[derive(Debug, Clone, Serialize)]
pub struct ErrorInfo {
    #[serde(skip)]
    pub status: StatusCode,
    /// The page's heading.
    #[serde(skip)]
    pub title: &'static str,
    pub error: &'static str,
    pub message: String,
    pub problems: Vec<Problem>,
}

impl ErrorInfo {
    /// The JSON answer.
    pub fn to_json_response(&self) -> Response {
        (self.status, axum::Json(self)).into_response()
    }

    /// The error page, leading `back` to the page of this site the request came from and to
    /// the `workspace`'s page when known; it keeps what it says on it, for
    /// [`Self::to_json_response`].
    pub fn to_page_response(&self, back: Option<&str>, workspace: Option<&str>) -> Response {
        let message = sentence(&self.message);
        let page = ErrorPage {
            title: self.title,
            message: &message,
            problems: &self.problems,
            back,
            workspace,
        };
        let body = page.render().unwrap_or_else(|_| {
            "<!doctype html><meta charset=utf-8><title>Lỗi</title><p>Lỗi nội bộ.</p>".to_owned()
        });
        let mut r = (self.status, Html(body)).into_response();
        r.extensions_mut().insert(self.clone());
        r
    }
}

/// A message as a sentence of its own, on an error page: the library's start in lower case
/// (they are also parts of longer texts). One that starts with a name (`` `dossiers.csv` ``,
/// `units.csv`, `ma_don_vi`) keeps it as it is.
fn sentence(message: &str) -> String {
    let first = message.split_whitespace().next().unwrap_or_default();
    let named = first.contains(['.', '_', '/', '`']);
    let mut chars = message.chars();
    match chars.next() {
        Some(c) if c.is_lowercase() && !named => c.to_uppercase().chain(chars).collect(),
        _ => message.to_owned(),
    }
}

impl AppError {
    fn info(&self) -> ErrorInfo {
        let code = match self {
            AppError::NotFound(_) => "not_found",
            AppError::BadRequest(_) => "bad_request",
            AppError::Invalid { .. } => "invalid",
            AppError::Conflict(_) => "conflict",
            AppError::Csrf => "csrf",
            AppError::TooLarge(_) => "too_large",
            AppError::SignIn(_) => "sign_in",
            AppError::Forbidden(_) => "forbidden",
            AppError::Internal(_) => "internal",
        };
        ErrorInfo {
            status: self.status(),
            title: self.title(),
            error: code,
            message: self.message(),
            problems: self.problems().to_vec(),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        self.info().to_page_response(None, None)
    }
}

/// An error answered as JSON, for `/api/`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<parindex_db::DbError> for ApiError {
    fn from(e: parindex_db::DbError) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log();
        self.0.info().to_json_response()
    }
}

#[cfg(test)]
mod tests {
    use super::sentence;

    #[test]
    fn an_error_pages_message_starts_as_a_sentence_but_a_name_stays() {
        assert_eq!(sentence("không có trang này"), "Không có trang này");
        assert_eq!(sentence("ứng dụng đã dừng"), "Ứng dụng đã dừng");
        assert_eq!(
            sentence("`dossiers.csv`: tệp trống"),
            "`dossiers.csv`: tệp trống"
        );
        assert_eq!(
            sentence("units.csv cần các cột ma_don_vi"),
            "units.csv cần các cột ma_don_vi"
        );
        assert_eq!(sentence("ma_don_vi trống"), "ma_don_vi trống");
        assert_eq!(sentence("Đã có"), "Đã có");
        assert_eq!(sentence(""), "");
    }
}
