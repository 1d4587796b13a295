//! A minimal SMTP receiver on 127.0.0.1 for the mail tests (Rust has no SMTP server in this
//! tree; the compat suite sends to Python's aiosmtpd instead). It speaks just enough of RFC 5321
//! for a client like lettre: greeting, EHLO/HELO, MAIL, RCPT, DATA (with dot-unstuffing), RSET,
//! NOOP, QUIT. It keeps what it accepted, and can be told to refuse the next messages at the
//! end of DATA with a given reply (`451 …` to make the client try again, `550 …` to fail it).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One message the sink accepted.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent (headers and body, CRLF line ends).
    pub data: String,
}

#[derive(Default)]
struct Inner {
    received: Vec<Received>,
    /// Replies to give at the end of DATA instead of accepting, in order.
    refusals: VecDeque<String>,
    /// Messages refused so far.
    refused: usize,
}

pub struct SmtpSink {
    port: u16,
    inner: Arc<Mutex<Inner>>,
    task: tokio::task::JoinHandle<()>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the SMTP sink");
        let port = listener.local_addr().expect("addr").port();
        let inner = Arc::new(Mutex::new(Inner::default()));
        let shared = inner.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, shared.clone()));
            }
        });
        SmtpSink { port, inner, task }
    }

    /// `smtp://127.0.0.1:PORT`: plain SMTP.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Refuse the next `n` messages with `reply` (e.g. `451 4.3.0 try again later`).
    pub fn refuse(&self, n: usize, reply: &str) {
        let mut inner = self.inner.lock().unwrap();
        inner.refusals.extend(std::iter::repeat_n(reply.to_string(), n));
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner.lock().unwrap().received.clone()
    }

    pub fn refused(&self) -> usize {
        self.inner.lock().unwrap().refused
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn session(stream: TcpStream, inner: Arc<Mutex<Inner>>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    let _ = write.write_all(b"220 127.0.0.1 kaigi test sink\r\n").await;
    let (mut from, mut to) = (String::new(), Vec::new());
    loop {
        let mut line = String::new();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let command = line.trim_end().to_string();
        let verb = command.split([' ', ':']).next().unwrap_or("").to_ascii_uppercase();
        let answer = match verb.as_str() {
            "EHLO" => "250-127.0.0.1 hello\r\n250 8BITMIME".to_string(),
            "HELO" => "250 127.0.0.1 hello".to_string(),
            "MAIL" => {
                from = address(&command);
                to.clear();
                "250 2.1.0 OK".to_string()
            }
            "RCPT" => {
                to.push(address(&command));
                "250 2.1.5 OK".to_string()
            }
            "DATA" => {
                let _ = write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await;
                let mut data = String::new();
                loop {
                    let mut l = String::new();
                    match lines.read_line(&mut l).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    if l == ".\r\n" || l == ".\n" {
                        break;
                    }
                    data.push_str(l.strip_prefix('.').unwrap_or(&l));
                }
                let mut inner = inner.lock().unwrap();
                match inner.refusals.pop_front() {
                    Some(refusal) => {
                        inner.refused += 1;
                        refusal
                    }
                    None => {
                        inner.received.push(Received { from: from.clone(), to: to.clone(), data });
                        "250 2.0.0 queued".to_string()
                    }
                }
            }
            "RSET" => {
                from.clear();
                to.clear();
                "250 OK".to_string()
            }
            "QUIT" => {
                let _ = write.write_all(b"221 bye\r\n").await;
                return;
            }
            "NOOP" => "250 OK".to_string(),
            _ => "502 5.5.2 not implemented".to_string(),
        };
        if write.write_all(format!("{answer}\r\n").as_bytes()).await.is_err() {
            return;
        }
    }
}

/// The address in `MAIL FROM:<a@b> …` or `RCPT TO:<a@b>`.
fn address(command: &str) -> String {
    let start = command.find('<').map_or(0, |i| i + 1);
    let end = command[start..].find('>').map_or(command.len(), |i| start + i);
    command[start..end].to_string()
}

/// The parts of a MIME message, each as (its headers lower-cased, its decoded body). A message
/// that is not multipart is one part. Enough for what lettre writes: 7bit, 8bit, base64 and
/// quoted-printable bodies, one level of multipart.
pub fn mime_parts(data: &str) -> Vec<(String, String)> {
    let (headers, body) = data.split_once("\r\n\r\n").expect("headers end");
    let unfolded = headers.replace("\r\n ", " ").replace("\r\n\t", " ");
    let lower = unfolded.to_ascii_lowercase();
    let Some(b) = lower.find("boundary=") else { return vec![(lower.clone(), decode(&lower, body))] };
    let rest = &unfolded[b + "boundary=".len()..];
    let boundary = rest.trim_start_matches('"').split(['"', ';', '\r', '\n']).next().unwrap().to_string();
    body.split(&format!("--{boundary}"))
        .skip(1)
        .filter(|p| !p.starts_with("--"))
        .map(|part| {
            let part = part.trim_start_matches("\r\n");
            let (h, b) = part.split_once("\r\n\r\n").expect("part headers end");
            let h = h.replace("\r\n ", " ").replace("\r\n\t", " ").to_ascii_lowercase();
            let decoded = decode(&h, b.strip_suffix("\r\n").unwrap_or(b));
            (h, decoded)
        })
        .collect()
}

fn decode(headers: &str, body: &str) -> String {
    use base64::Engine;
    if headers.contains("content-transfer-encoding: base64") {
        let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        let bytes = base64::engine::general_purpose::STANDARD.decode(compact).expect("base64 body");
        String::from_utf8(bytes).expect("utf-8 body")
    } else if headers.contains("content-transfer-encoding: quoted-printable") {
        let joined = body.replace("=\r\n", "");
        let mut out = Vec::new();
        let bytes = joined.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'=' && i + 2 < bytes.len() {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
                out.push(u8::from_str_radix(hex, 16).expect("qp escape"));
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).expect("utf-8 body")
    } else {
        body.to_string()
    }
}
