//! Key generation is injected like the clock: random in production, seeded in tests so that
//! generated keys and passwords are reproducible.

use std::sync::Mutex;

use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};

pub trait KeyGen: Send + Sync {
    /// Fills `buf` with unpredictable bytes.
    fn fill(&self, buf: &mut [u8]);

    /// A number of exactly `digits` decimal digits (no leading zero).
    fn digits(&self, digits: u32) -> u64 {
        let low = 10u64.pow(digits - 1);
        let span = 9 * low;
        low + self.below(span)
    }

    /// A uniform number in `0..bound`.
    fn below(&self, bound: u64) -> u64 {
        // Rejection sampling keeps the distribution uniform.
        let zone = u64::MAX - (u64::MAX % bound);
        loop {
            let mut b = [0u8; 8];
            self.fill(&mut b);
            let v = u64::from_le_bytes(b);
            if v < zone {
                return v % bound;
            }
        }
    }

    /// `bytes` random bytes as lowercase hex.
    fn hex(&self, bytes: usize) -> String {
        let mut buf = vec![0u8; bytes];
        self.fill(&mut buf);
        buf.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A random (version 4) UUID, hyphenated and lowercase: `1aea8390-e375-4547-b7ff-58ecd9e0b03d`.
    fn uuid(&self) -> String {
        let mut b = [0u8; 16];
        self.fill(&mut b);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
        format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
    }

    /// `bytes` bytes as lowercase hex whose first six are the milliseconds of `at` and the rest
    /// random: values made later sort later, so an index of them grows at its end instead of
    /// touching a random page per insert (meeting UUIDs and host tokens: at 16 bytes, 80 random
    /// bits remain, far beyond guessing).
    fn time_ordered_hex(&self, at: chrono::DateTime<chrono::Utc>, bytes: usize) -> String {
        let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
        let mut buf = vec![0u8; bytes.max(6)];
        buf[..6].copy_from_slice(&millis.to_be_bytes()[2..]);
        self.fill(&mut buf[6..]);
        buf.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A password of `len` characters with at least one upper-case letter, one lower-case letter
    /// and one digit, like the service's generated meeting passwords ("UzXJuzUD428").
    fn password(&self, len: usize) -> String {
        const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
        const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
        const DIGIT: &[u8] = b"23456789";
        let len = len.max(3);
        let all: Vec<u8> = [UPPER, LOWER, DIGIT].concat();
        let mut out: Vec<u8> = (0..len).map(|_| all[self.below(all.len() as u64) as usize]).collect();
        // Put one of each class at distinct random positions.
        let mut slots: Vec<usize> = (0..len).collect();
        for class in [UPPER, LOWER, DIGIT] {
            let pick = self.below(slots.len() as u64) as usize;
            let pos = slots.swap_remove(pick);
            out[pos] = class[self.below(class.len() as u64) as usize];
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

/// Operating-system randomness.
#[derive(Debug, Default, Clone, Copy)]
pub struct RandomKeys;

impl KeyGen for RandomKeys {
    fn fill(&self, buf: &mut [u8]) {
        rand::thread_rng().fill_bytes(buf);
    }
}

/// A reproducible sequence from a seed.
#[derive(Debug)]
pub struct SeededKeys(Mutex<StdRng>);

impl SeededKeys {
    pub fn new(seed: u64) -> Self {
        Self(Mutex::new(StdRng::seed_from_u64(seed)))
    }
}

impl KeyGen for SeededKeys {
    fn fill(&self, buf: &mut [u8]) {
        let mut rng = self.0.lock().unwrap_or_else(|p| p.into_inner());
        rng.fill(buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_have_the_asked_length() {
        let keys = SeededKeys::new(7);
        for _ in 0..1000 {
            assert_eq!(keys.digits(9).to_string().len(), 9);
            assert_eq!(keys.digits(6).to_string().len(), 6);
        }
    }

    #[test]
    fn passwords_mix_classes() {
        let keys = SeededKeys::new(1);
        for _ in 0..200 {
            let p = keys.password(11);
            assert_eq!(p.len(), 11);
            assert!(p.chars().any(|c| c.is_ascii_uppercase()), "{p}");
            assert!(p.chars().any(|c| c.is_ascii_lowercase()), "{p}");
            assert!(p.chars().any(|c| c.is_ascii_digit()), "{p}");
        }
    }

    #[test]
    fn time_ordered_hex_sorts_by_time_and_stays_random() {
        use chrono::TimeZone;
        let keys = SeededKeys::new(5);
        let at = |ms| chrono::Utc.timestamp_millis_opt(ms).single().expect("time");
        let early = keys.time_ordered_hex(at(1_790_000_000_000), 16);
        let same = keys.time_ordered_hex(at(1_790_000_000_000), 16);
        let later = keys.time_ordered_hex(at(1_790_000_000_001), 16);
        assert_eq!(early.len(), 32);
        assert!(early.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{early}");
        assert!(early < later && same < later, "{early} {same} {later}");
        assert_eq!(early[..12], same[..12]);
        assert_ne!(early[12..], same[12..]);
    }

    #[test]
    fn uuids_are_version_4_and_lowercase() {
        let keys = SeededKeys::new(9);
        for _ in 0..100 {
            let u = keys.uuid();
            let parts: Vec<&str> = u.split('-').collect();
            assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12], "{u}");
            assert!(u.chars().all(|c| c == '-' || (c.is_ascii_hexdigit() && !c.is_ascii_uppercase())), "{u}");
            assert!(parts[2].starts_with('4'), "{u}");
            assert!(matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'), "{u}");
        }
    }

    #[test]
    fn seeded_keys_repeat() {
        assert_eq!(SeededKeys::new(3).hex(16), SeededKeys::new(3).hex(16));
        assert_ne!(SeededKeys::new(3).hex(16), SeededKeys::new(4).hex(16));
    }
}
