//! `GET /{site}/lsr.php?RCID=<id>`: a recording's file (its `fileURL` in the XML API, its
//! `downloadUrl` in REST), for a bearer of an access token that may read it (docs/media.md).
//! The file is streamed from the recordings directory, never held whole in memory.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tokio::io::AsyncReadExt;

use crate::authorization::{authorization, Authorization};
use crate::Web;

#[derive(Deserialize)]
pub struct FileQuery {
    #[serde(rename = "RCID")]
    rcid: Option<String>,
}

const CHUNK: usize = 64 * 1024;

fn refused(status: StatusCode, text: &str) -> Response {
    let mut r = (status, text.to_string()).into_response();
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
    }
    r
}

pub async fn download(
    State(web): State<Web>,
    Path(_site): Path<String>,
    Query(q): Query<FileQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(id) = q.rcid.filter(|id| !id.is_empty()) else {
        return refused(StatusCode::NOT_FOUND, "no such recording");
    };
    let Ok(Authorization::Bearer(token)) = authorization(&headers) else {
        return refused(
            StatusCode::UNAUTHORIZED,
            "a recording is downloaded with an access token (Authorization: Bearer)",
        );
    };
    let view = match web.kaigi.recording_for_download(token, &id).await {
        Ok(v) => v,
        Err(kaigi_core::Error::Auth(_)) => return refused(StatusCode::UNAUTHORIZED, "the access token is not valid"),
        Err(kaigi_core::Error::NotFound(_)) => return refused(StatusCode::NOT_FOUND, "no such recording"),
        Err(e) => {
            let failure = crate::error::explain(&e, crate::error::Page::Meeting);
            return refused(failure.status, &failure.text);
        }
    };
    let r = &view.entry.recording;
    let Some(path) = web.live.as_ref().and_then(|live| live.media().recording_path(&r.recording_uuid)) else {
        return refused(
            StatusCode::NOT_FOUND,
            "this recording has no file (it was not recorded by kaigi's media server)",
        );
    };
    let Ok(file) = tokio::fs::File::open(&path).await else {
        return refused(StatusCode::NOT_FOUND, "the recording's file is gone");
    };
    let length = file.metadata().await.map(|m| m.len()).unwrap_or(0);
    let chunks = futures_util::stream::unfold(file, |mut file| async move {
        let mut buf = vec![0u8; CHUNK];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(buf), file))
            }
            Err(e) => Some((Err(e), file)),
        }
    });
    let name = format!("attachment; filename=\"{}.webm\"", r.recording_uuid);
    (
        [
            (header::CONTENT_TYPE, "video/webm".to_string()),
            (header::CONTENT_LENGTH, length.to_string()),
            (header::CONTENT_DISPOSITION, name),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        Body::from_stream(chunks),
    )
        .into_response()
}
