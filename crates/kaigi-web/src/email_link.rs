//! The link of an e-mail change confirmation mail (40.4.0): `/_kaigi/confirm-email?token=…`.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::error::{failure_page, Page};
use crate::{layout, Web};

#[derive(Deserialize)]
pub struct TokenQuery {
    token: String,
}

/// GET /_kaigi/confirm-email?token=…: confirms the change the token names.
pub async fn confirm_email(State(web): State<Web>, Query(q): Query<TokenQuery>) -> Response {
    match web.kaigi.confirm_email_change(&q.token).await {
        Ok(user) => layout::message(
            StatusCode::OK,
            "Email address confirmed",
            &format!("Your email address is now {}.", user.email),
        ),
        Err(e) => failure_page(&e, Page::EmailConfirmation),
    }
}
