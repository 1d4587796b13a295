//! Secrets are stored only as hashes: passwords with argon2id, high-entropy tokens (session
//! tickets, API keys, confirmation links) with SHA-256.
//!
//! Clients of the XML API send the password with every request, and argon2id is deliberately
//! slow. A successful verification is therefore remembered in memory for a short while, under a
//! key that mixes a per-process secret, the user, the stored hash and the password; a bad password
//! is never remembered and always pays the full argon2 price.

use std::collections::HashMap;
use std::sync::Mutex;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::keys::KeyGen;

/// argon2id cost. Production uses [`HashCost::RECOMMENDED`]; tests may lower it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashCost {
    pub memory_kib: u32,
    pub iterations: u32,
}

impl HashCost {
    /// 46 MiB, one pass, one lane: the first of the equally strong argon2id settings OWASP lists
    /// (beside 19 MiB with two passes). kaigi takes this one because a work area above 32 MiB is
    /// always its own memory mapping in glibc's allocator and goes back to the system after each
    /// hash; a smaller one stays in the heap and keeps an idle server tens of MB larger.
    pub const RECOMMENDED: HashCost = HashCost { memory_kib: 47_104, iterations: 1 };
    /// For tests only: fast, and still a real argon2id hash.
    pub const MINIMAL: HashCost = HashCost { memory_kib: 64, iterations: 1 };
}

fn argon2(cost: HashCost) -> Argon2<'static> {
    let params = Params::new(cost.memory_kib, cost.iterations, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// An argon2id PHC string for `password`.
pub fn hash_password(password: &str, cost: HashCost, keys: &dyn KeyGen) -> String {
    let mut salt = [0u8; 16];
    keys.fill(&mut salt);
    hash_password_with_salt(password, cost, &salt)
}

/// An argon2id PHC string for `password` with the given random salt.
pub fn hash_password_with_salt(password: &str, cost: HashCost, salt: &[u8; 16]) -> String {
    let Ok(salt) = SaltString::encode_b64(salt) else { return String::new() };
    argon2(cost).hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).unwrap_or_default()
}

/// Checks `password` against a PHC string (its own parameters are used).
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// Hex SHA-256 of a token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Remembers recent successful password checks (see the module comment).
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
    use crate::keys::SeededKeys;

    #[test]
    fn passwords_hash_and_verify() {
        let keys = SeededKeys::new(1);
        let phc = hash_password("demo-pass", HashCost::MINIMAL, &keys);
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
