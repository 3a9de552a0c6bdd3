//! axum's extractors, with their refusals told in Vietnamese (a page, or JSON under `/api/`)
//! instead of axum's English plain text.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::AppError;

fn refused(status: StatusCode, what: &str, detail: &str) -> AppError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return AppError::TooLarge(
            "dữ liệu gửi lên vượt giới hạn của một lần gửi; hãy gửi ít tệp hơn mỗi lần".to_owned(),
        );
    }
    AppError::BadRequest(format!(
        "{what} không hợp lệ ({})",
        parindex_core::visible::visible(detail)
    ))
}

/// A page's form (`application/x-www-form-urlencoded`).
#[derive(Debug)]
pub struct VForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for VForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|axum::Form(v)| VForm(v))
            .map_err(|e| {
                // serde_urlencoded's words after axum's English preamble, in Vietnamese.
                let said = e.body_text();
                let detail = said.split_once(": ").map_or(said.as_str(), |(_, d)| d);
                refused(
                    e.status(),
                    "biểu mẫu gửi lên",
                    &parindex_core::error::vi_parser_message("biểu mẫu", detail),
                )
            })
    }
}

/// A JSON body of the API.
#[derive(Debug)]
pub struct VJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for VJson<T> {
    type Rejection = AppError;

    /// Read here rather than by `axum::Json`, whose refusals are English: the body (within
    /// the request's bound), then serde_json, its problem told in Vietnamese with its line.
    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                let v = v.trim().to_ascii_lowercase();
                v == "application/json" || v.ends_with("+json")
            });
        if !json {
            return Err(AppError::BadRequest(
                "nội dung gửi lên cần có Content-Type: application/json".to_owned(),
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| {
                refused(
                    e.status(),
                    "nội dung JSON gửi lên",
                    "không nhận được trọn nội dung",
                )
            })?;
        serde_json::from_slice(&bytes).map(VJson).map_err(|e| {
            AppError::BadRequest(format!(
                "nội dung JSON gửi lên không hợp lệ: {}",
                parindex_core::error::vi_json_error(&e)
            ))
        })
    }
}

/// A multipart body (uploads).
#[derive(Debug)]
pub struct VMultipart(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for VMultipart {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        axum::extract::Multipart::from_request(req, state)
            .await
            .map(VMultipart)
            .map_err(|e| {
                refused(
                    e.status(),
                    "dữ liệu tải lên",
                    "cần gửi dạng multipart/form-data có boundary, như biểu mẫu tải tệp gửi",
                )
            })
    }
}

/// The path's parameters (a workspace number, a row id).
#[derive(Debug)]
pub struct VPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for VPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| VPath(v))
            .map_err(|_| AppError::NotFound("không có trang này (địa chỉ không hợp lệ)".to_owned()))
    }
}
