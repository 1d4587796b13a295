//! Webhook deliveries over HTTP: the transport (body, signature, POST) and the worker that runs
//! the core's delivery rounds for as long as the server runs.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use hmac::{Hmac, Mac};
use kaigi_core::model::{Delivery, DeliveryOutcome};
use kaigi_core::ports::WebhookTransport;
use kaigi_core::rules::limits::WEBHOOK_TIMEOUT_SECS;
use kaigi_core::Kaigi;
use sha1::Sha1;

/// How long the worker rests when a round found nothing to do and no change was recorded here
/// (changes made by other instances, and retries coming due, are found on the next round).
const IDLE_POLL: Duration = Duration::from_secs(1);

/// POSTs each delivery with reqwest: redirects are not followed (a webhook must not be a way
/// to reach a host the site did not allow), no proxy from the environment is used, and an
/// attempt gives up after the attempt timeout.
pub struct HttpTransport {
    client: reqwest::Client,
}

impl HttpTransport {
    pub fn new() -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // `X-Spark-Signature` as the vendor writes it, for receivers that match names exactly.
            .http1_title_case_headers()
            .no_proxy()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(WEBHOOK_TIMEOUT_SECS))
            .user_agent(concat!("kaigi-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { client })
    }
}

/// `X-Spark-Signature`: the hex HMAC-SHA1 of the raw body, keyed with the webhook's secret.
pub fn signature(secret: &str, body: &[u8]) -> String {
    // HMAC takes a key of any length; this cannot fail.
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[async_trait]
impl WebhookTransport for HttpTransport {
    async fn deliver(&self, d: &Delivery, site_url: &str) -> DeliveryOutcome {
        let body = match serde_json::to_vec(&kaigi_rest::webhooks::envelope(d, site_url)) {
            Ok(body) => body,
            Err(e) => return DeliveryOutcome::Failed { why: format!("cannot encode the body: {e}") },
        };
        let mut request = self
            .client
            .post(&d.webhook.target_url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("X-Kaigi-Delivery", d.id.to_string());
        if let Some(secret) = &d.webhook.secret {
            request = request.header("X-Spark-Signature", signature(secret, &body));
        }
        match request.body(body).send().await {
            Ok(answer) if answer.status().is_success() => {
                DeliveryOutcome::Delivered { status: answer.status().as_u16() }
            }
            Ok(answer) => DeliveryOutcome::Failed { why: format!("the receiver answered {}", answer.status()) },
            Err(e) if e.is_timeout() => {
                DeliveryOutcome::Failed { why: format!("no answer within {WEBHOOK_TIMEOUT_SECS} s") }
            }
            // Without the URL: a token in its query must not reach the logs or the database.
            Err(e) => DeliveryOutcome::Failed { why: format!("cannot reach the receiver: {}", e.without_url()) },
        }
    }
}

/// Runs delivery rounds until the task is dropped: at once while there is work, then again when
/// a change is recorded here or after a short rest.
pub fn spawn_worker(kaigi: Arc<Kaigi>, transport: Arc<dyn WebhookTransport>) -> tokio::task::JoinHandle<()> {
    spawn_worker_counted(kaigi, transport, None, crate::drain::Flag::new())
}

/// [`spawn_worker`], counting each round into `metrics`, and ending after the round under way
/// once `stop` is raised (a round cut off in the middle would leave deliveries its receiver took
/// to be sent again when the lease runs out).
pub fn spawn_worker_counted(
    kaigi: Arc<Kaigi>,
    transport: Arc<dyn WebhookTransport>,
    metrics: Option<Arc<crate::metrics::Metrics>>,
    stop: crate::drain::Flag,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while !stop.is_raised() {
            let round = kaigi.deliver_webhooks(transport.clone()).await;
            if let Some(m) = &metrics {
                match &round {
                    Ok(r) => m.webhook_round(r),
                    Err(_) => m.webhook_round_failed(),
                }
            }
            match round {
                Ok(round) if round.did_something() => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "webhook delivery round failed; trying again shortly"),
            }
            tokio::select! {
                _ = kaigi.change_recorded() => {}
                _ = tokio::time::sleep(IDLE_POLL) => {}
                _ = stop.raised() => {}
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::signature;

    /// The vendor's example: HMAC-SHA1 in hex, as receivers compute it (RFC 2202 test case 2).
    #[test]
    fn signatures_are_hex_hmac_sha1_of_the_body() {
        assert_eq!(signature("Jefe", b"what do ya want for nothing?"), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    }
}
