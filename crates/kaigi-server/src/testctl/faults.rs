//! Fault rules (`PUT /_kaigi/faults`): which calls fail and how, decided before the request
//! reaches any use case.
//!
//! A rule matches an XML operation name (`meeting.CreateMeeting`) or a REST or web request
//! (`POST /v1/meetings`, `GET /v1/meetings/{id}`: `{id}` is any one path segment, `*` at the end
//! any rest). Of the calls it matches it faults a `share` (0..1), deterministically: the n-th
//! matching call (n from 1) is faulted when ⌊n·share⌋ > ⌊(n−1)·share⌋, so 1 is every call, 0.5
//! every second call, 0.25 every fourth; `times` stops it after that many faults. The first
//! matching rule decides.

use serde::{Deserialize, Serialize};

/// Rules kept at most.
pub const MAX_RULES: usize = 100;
/// Longest delay a rule may ask for.
pub const MAX_DELAY_MS: u64 = 60_000;

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rule {
    /// `meeting.CreateMeeting`, or `METHOD /path/{id}`.
    pub operation: String,
    #[serde(default = "every_call")]
    pub share: f64,
    /// Faults at most this many calls (None: no limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u64>,
    pub effect: Effect,
}

fn every_call() -> f64 {
    1.0
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase", tag = "kind", deny_unknown_fields)]
pub enum Effect {
    /// Waits, then the request goes on as usual.
    Delay { ms: u64 },
    /// Answers this HTTP status with an empty body.
    Status { status: u16 },
    /// An XML API FAILURE envelope with this exceptionID (six digits) and reason.
    XmlFailure {
        #[serde(rename = "exceptionID")]
        exception_id: String,
        #[serde(default)]
        reason: Option<String>,
    },
    /// A REST 429 with `Retry-After` seconds and the Webex error body.
    RestRateLimit {
        #[serde(default = "one_second")]
        retry_after: u32,
    },
    /// The connection is closed without an answer.
    Drop,
}

fn one_second() -> u32 {
    1
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RuleError {
    #[error("at most {MAX_RULES} rules are kept")]
    TooMany,
    #[error("rule {0}: share must be between 0 and 1")]
    Share(usize),
    #[error("rule {0}: operation must be an XML operation (service.Name) or METHOD /path")]
    Operation(usize),
    #[error("rule {0}: a delay is at most {MAX_DELAY_MS} ms")]
    Delay(usize),
    #[error("rule {0}: status must be 100..=599")]
    Status(usize),
    #[error("rule {0}: exceptionID must be six digits")]
    ExceptionId(usize),
}

pub fn check(rules: &[Rule]) -> Result<(), RuleError> {
    if rules.len() > MAX_RULES {
        return Err(RuleError::TooMany);
    }
    for (i, r) in rules.iter().enumerate() {
        if !(0.0..=1.0).contains(&r.share) || r.share.is_nan() {
            return Err(RuleError::Share(i));
        }
        let op_ok = r.operation.len() <= 256
            && match r.operation.split_once(' ') {
                Some((method, path)) => {
                    !method.is_empty() && method.chars().all(|c| c.is_ascii_uppercase()) && path.starts_with('/')
                }
                None => r.operation.split_once('.').is_some_and(|(a, b)| !a.is_empty() && !b.is_empty()),
            };
        if !op_ok {
            return Err(RuleError::Operation(i));
        }
        match &r.effect {
            Effect::Delay { ms } if *ms > MAX_DELAY_MS => return Err(RuleError::Delay(i)),
            Effect::Status { status } if !(100..=599).contains(status) => return Err(RuleError::Status(i)),
            Effect::XmlFailure { exception_id, .. }
                if exception_id.len() != 6 || !exception_id.chars().all(|c| c.is_ascii_digit()) =>
            {
                return Err(RuleError::ExceptionId(i))
            }
            _ => {}
        }
    }
    Ok(())
}

/// What a request is, for matching: the XML operation, or the method and path.
pub enum Call<'a> {
    Xml(&'a str),
    Http { method: &'a str, path: &'a str },
}

fn path_matches(pattern: &str, path: &str) -> bool {
    let mut pat = pattern.trim_end_matches('/').split('/');
    let mut got = path.trim_end_matches('/').split('/');
    loop {
        match (pat.next(), got.next()) {
            (None, None) => return true,
            (Some("*"), _) => return true,
            (Some(p), Some(g)) if p == g || (p.starts_with('{') && p.ends_with('}') && !g.is_empty()) => {}
            _ => return false,
        }
    }
}

impl Rule {
    pub fn matches(&self, call: &Call<'_>) -> bool {
        match (call, self.operation.split_once(' ')) {
            (Call::Xml(op), None) => self.operation.eq_ignore_ascii_case(op),
            (Call::Http { method, path }, Some((m, p))) => m.eq_ignore_ascii_case(method) && path_matches(p, path),
            _ => false,
        }
    }
}

/// The rules with how many calls each matched and faulted.
#[derive(Default)]
pub struct Faults {
    rules: Vec<(Rule, u64, u64)>,
}

impl Faults {
    pub fn set(&mut self, rules: Vec<Rule>) {
        self.rules = rules.into_iter().map(|r| (r, 0, 0)).collect();
    }

    pub fn rules(&self) -> Vec<(Rule, u64, u64)> {
        self.rules.clone()
    }

    /// The effect for this call, if a rule faults it (counting the call).
    pub fn decide(&mut self, call: &Call<'_>) -> Option<Effect> {
        let (rule, seen, faulted) = self.rules.iter_mut().find(|(r, _, _)| r.matches(call))?;
        *seen += 1;
        if rule.times.is_some_and(|t| *faulted >= t) {
            return None;
        }
        let n = *seen as f64;
        let fire = (n * rule.share).floor() > ((n - 1.0) * rule.share).floor();
        if fire {
            *faulted += 1;
            Some(rule.effect.clone())
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(op: &str, share: f64) -> Rule {
        Rule { operation: op.into(), share, times: None, effect: Effect::Status { status: 503 } }
    }

    #[test]
    fn shares_are_deterministic_and_patterns_match_one_segment() {
        let mut f = Faults::default();
        f.set(vec![rule("GET /v1/meetings/{id}", 0.5), rule("meeting.CreateMeeting", 1.0)]);
        let get = Call::Http { method: "GET", path: "/v1/meetings/abc" };
        let fired: Vec<bool> = (0..4).map(|_| f.decide(&get).is_some()).collect();
        assert_eq!(fired, [false, true, false, true]);
        assert!(f.decide(&Call::Http { method: "GET", path: "/v1/meetings" }).is_none());
        assert!(f.decide(&Call::Http { method: "GET", path: "/v1/meetings/a/b" }).is_none());
        assert!(f.decide(&Call::Xml("meeting.CreateMeeting")).is_some());
        assert!(f.decide(&Call::Xml("meeting.DelMeeting")).is_none());
    }

    #[test]
    fn times_limits_and_rules_are_checked() {
        let mut f = Faults::default();
        f.set(vec![Rule { times: Some(1), ..rule("POST /v1/meetings", 1.0) }]);
        let post = Call::Http { method: "POST", path: "/v1/meetings" };
        assert!(f.decide(&post).is_some());
        assert!(f.decide(&post).is_none());
        assert_eq!(check(&[rule("nonsense", 1.0)]), Err(RuleError::Operation(0)));
        assert_eq!(check(&[rule("GET /x", 1.5)]), Err(RuleError::Share(0)));
        assert_eq!(check(&vec![rule("GET /x", 1.0); MAX_RULES + 1]), Err(RuleError::TooMany));
    }
}
