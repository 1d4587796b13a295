//! Secrets are stored only as hashes: passwords with argon2id, high-entropy tokens (session
//! tickets, API keys, confirmation links) with SHA-256.
//! Salts come from the caller (the use case draws them from the key port).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};

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

pub fn argon2(cost: HashCost) -> Argon2<'static> {
    let params = Params::new(cost.memory_kib, cost.iterations, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
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

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
