//! Safety of every request: a strict Content-Security-Policy and friends on every response,
//! and a check against cross-site request forgery on every state-changing one.
//!
//! CSRF is a double-submit token: a random token in a `SameSite=Strict`, `HttpOnly` cookie
//! (`Secure` behind TLS), which a state-changing request must repeat in the `X-CSRF-Token`
//! header (the API, htmx) or in the `csrf` query parameter of the form's action (the pages'
//! forms, multipart ones included, so that nothing has to read a body before the check). A
//! page from another site can neither read the cookie nor set it, so it cannot repeat it. A
//! request the browser marks as cross-site (`Sec-Fetch-Site`) is refused as well.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{HeaderValue, COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, AppError};
use crate::App;

/// The cookie holding the token.
pub const CSRF_COOKIE: &str = "parindex_csrf";
/// The header a script sends it in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The request's CSRF token, for the templates' forms.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// A fresh random token: 32 bytes from the system's generator, in hex.
fn new_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Internal(format!("bộ sinh số ngẫu nhiên: {e}")))?;
    Ok(crate::store::hex(&bytes))
}

/// The value of the cookie `name` a request sends, if it is a token (64 hex digits).
pub(crate) fn token_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn query_token(query: Option<&str>) -> Option<String> {
    query?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "csrf")
        .map(|(_, v)| v.to_owned())
}

/// Equal in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The middleware: sets the token cookie when missing, checks state-changing requests, and
/// adds the security headers to every response.
pub async fn guard(State(app): State<Arc<App>>, mut req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let refuse = |e: AppError| -> Response {
        let mut r = if api {
            ApiError(e).into_response()
        } else {
            e.into_response()
        };
        headers(r.headers_mut());
        r
    };
    let existing = token_cookie(req.headers(), CSRF_COOKIE);
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let cross_site = req
            .headers()
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == "cross-site");
        let sent = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .or_else(|| query_token(req.uri().query()));
        let ok = match (&existing, &sent) {
            (Some(c), Some(s)) => same(c, s),
            _ => false,
        };
        if cross_site || !ok {
            return refuse(AppError::Csrf);
        }
    }
    let (token, fresh) = match existing {
        Some(t) => (t, false),
        None => match new_token() {
            Ok(t) => (t, true),
            Err(e) => return refuse(e),
        },
    };
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let back = came_from(req.headers());
    let within = within_workspace(req.uri().path());
    let mut response = next.run(req).await;
    // Under /api/, an error page (from an extractor's refusal) is answered as JSON; a page's
    // leads back to the page the request came from, and to the workspace's own page when a
    // page of it was not found (a row that is not in its set, say) while it exists (one the
    // asker may not see was refused before, 403).
    if let Some(info) = response
        .extensions()
        .get::<crate::error::ErrorInfo>()
        .cloned()
    {
        let workspace = match within {
            Some(id) if !api && info.status == axum::http::StatusCode::NOT_FOUND => {
                app.workspace(id).await.ok().map(|w| format!("/w/{}", w.id))
            }
            _ => None,
        };
        if api {
            response = info.to_json_response();
        } else if back.is_some() || workspace.is_some() {
            response = info.to_page_response(back.as_deref(), workspace.as_deref());
        }
    }
    if fresh {
        // `Secure` as the session's is, behind TLS: the token never crosses plain HTTP.
        let secure = if app.accounts.secure_cookies {
            "; Secure"
        } else {
            ""
        };
        if let Ok(v) = HeaderValue::from_str(&format!(
            "{CSRF_COOKIE}={token}; Path=/; SameSite=Strict; HttpOnly{secure}"
        )) {
            response.headers_mut().append(SET_COOKIE, v);
        }
    }
    headers(response.headers_mut());
    response
}

/// `path` when it is a path of this site: one leading `/` (`//evil.example` is another
/// site's), no backslash, only visible ASCII (a browser drops tabs and line breaks from a
/// `Location`, so `/\t/evil.example` is `//evil.example` to it; a control character is no
/// header value at all).
pub(crate) fn local_path(path: &str) -> Option<&str> {
    (path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && path.bytes().all(|b| b.is_ascii_graphic()))
    .then_some(path)
}

/// The workspace a request for one of its pages (`/w/{id}/…`, not its own page) is about.
fn within_workspace(path: &str) -> Option<i64> {
    let (id, rest) = path.strip_prefix("/w/")?.split_once('/')?;
    (!rest.is_empty()).then_some(())?;
    id.parse().ok()
}

/// The page of this site a request came from (its `Referer`, when of the request's own host):
/// where an error page sends the officer back to.
fn came_from(headers: &HeaderMap) -> Option<String> {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let referer = text(axum::http::header::REFERER)?;
    let host = text(axum::http::header::HOST)?;
    let rest = referer
        .strip_prefix("http://")
        .or_else(|| referer.strip_prefix("https://"))?;
    let (authority, path) = rest.split_at(rest.find('/')?);
    if !authority.eq_ignore_ascii_case(host) {
        return None;
    }
    local_path(path).map(str::to_owned)
}

fn headers(h: &mut HeaderMap) {
    h.insert("content-security-policy", HeaderValue::from_static(CSP));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for CsrfToken {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        extension(parts, "thiếu mã CSRF của yêu cầu")
    }
}

/// What a middleware put in the request for its handlers; its absence is a bug (`missing`).
pub(crate) fn extension<T: Clone + Send + Sync + 'static>(
    parts: &axum::http::request::Parts,
    missing: &str,
) -> Result<T, AppError> {
    parts
        .extensions
        .get::<T>()
        .cloned()
        .ok_or_else(|| AppError::Internal(missing.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_exactly() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }

    #[test]
    fn query_token_is_found_among_others() {
        assert_eq!(query_token(Some("a=1&csrf=xyz")).as_deref(), Some("xyz"));
        assert_eq!(query_token(Some("a=1")), None);
        assert_eq!(query_token(None), None);
    }
}
