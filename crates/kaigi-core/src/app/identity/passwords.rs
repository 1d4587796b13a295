//! Clients of the XML API send the password with every request, and argon2id is deliberately
//! slow. A successful verification is therefore remembered in memory for a short while, under a
//! key that mixes a per-process secret, the user, the stored hash and the password; a bad password
//! is never remembered and always pays the full argon2 price.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::ports::KeyGen;

/// Remembers recent successful password checks.
pub struct VerifiedPasswords {
    secret: [u8; 32],
    ttl: Duration,
    capacity: usize,
    entries: Mutex<HashMap<[u8; 32], DateTime<Utc>>>,
}

impl VerifiedPasswords {
    pub fn new(keys: &dyn KeyGen, ttl: Duration, capacity: usize) -> Self {
        let mut secret = [0u8; 32];
        keys.fill(&mut secret);
        Self { secret, ttl, capacity, entries: Mutex::new(HashMap::new()) }
    }

    fn key(&self, user_id: i64, phc: &str, password: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.secret);
        h.update(user_id.to_le_bytes());
        h.update((phc.len() as u64).to_le_bytes());
        h.update(phc.as_bytes());
        h.update(password.as_bytes());
        h.finalize().into()
    }

    /// Whether this exact password was verified for this user and stored hash within the TTL.
    pub fn recently_verified(&self, user_id: i64, phc: &str, password: &str, now: DateTime<Utc>) -> bool {
        let key = self.key(user_id, phc, password);
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        matches!(entries.get(&key), Some(expiry) if *expiry > now)
    }

    pub fn remember(&self, user_id: i64, phc: &str, password: &str, now: DateTime<Utc>) {
        let key = self.key(user_id, phc, password);
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= self.capacity {
            entries.retain(|_, expiry| *expiry > now);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key, now + self.ttl);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::SeededKeys;
    use crate::rules::secrets::{hash_password_with_salt, verify_password, HashCost};

    #[test]
    fn passwords_hash_and_verify() {
        let phc = hash_password_with_salt("demo-pass", HashCost::MINIMAL, &[7; 16]);
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("demo-pass", &phc));
        assert!(!verify_password("demo-pasS", &phc));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn remembered_checks_expire_and_are_bound_to_the_hash() {
        let keys = SeededKeys::new(2);
        let cache = VerifiedPasswords::new(&keys, Duration::minutes(5), 10);
        let t0 = DateTime::from_timestamp(1_000_000, 0).unwrap();
        cache.remember(7, "phc1", "pw", t0);
        assert!(cache.recently_verified(7, "phc1", "pw", t0 + Duration::minutes(4)));
        assert!(!cache.recently_verified(7, "phc1", "pw", t0 + Duration::minutes(6)));
        assert!(!cache.recently_verified(7, "phc2", "pw", t0), "a changed password hash forgets");
        assert!(!cache.recently_verified(8, "phc1", "pw", t0));
        assert!(!cache.recently_verified(7, "phc1", "pW", t0));
    }
}
