//! Passwords, sessions and a throttle on logins. Passwords are kept as argon2id hashes (PHC
//! strings, salt and parameters inside); a session's token lives in the browser's cookie and
//! only its SHA-256 in the database, so a copy of the database opens no session.

use std::collections::HashMap;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};

use crate::Refusal;

/// The shortest password an account may have.
pub const MIN_LENGTH: usize = 10;
/// The longest one hashed (a longer one is refused before hashing: no one types it, and
/// hashing megabytes is work a stranger could ask for).
pub const MAX_LENGTH: usize = 256;

/// How hard a hash is: argon2id's memory (KiB), passes and lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    pub memory_kib: u32,
    pub passes: u32,
    pub lanes: u32,
}

impl Cost {
    /// OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane).
    pub const DEFAULT: Cost = Cost {
        memory_kib: 19 * 1024,
        passes: 2,
        lanes: 1,
    };
    /// For tests that make many accounts: the same algorithm, cheap.
    pub const TESTING: Cost = Cost {
        memory_kib: 64,
        passes: 1,
        lanes: 1,
    };

    fn hasher(self) -> Result<Argon2<'static>, Refusal> {
        let params = Params::new(self.memory_kib, self.passes, self.lanes, None)
            .map_err(|e| Refusal::forbidden(format!("tham số argon2 không hợp lệ: {e}")))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

impl Default for Cost {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Refuses a password too short or too long, in words an officer reads.
pub fn acceptable(password: &str) -> Result<(), Refusal> {
    let n = password.chars().count();
    if n < MIN_LENGTH {
        Err(Refusal::forbidden(format!(
            "mật khẩu cần ít nhất {MIN_LENGTH} ký tự (mật khẩu đã nhập có {n})"
        )))
    } else if password.len() > MAX_LENGTH {
        Err(Refusal::forbidden(format!(
            "mật khẩu dài quá {MAX_LENGTH} byte"
        )))
    } else {
        Ok(())
    }
}

/// The argon2id hash of `password` with a fresh random salt.
pub fn hash(password: &str, cost: Cost) -> Result<String, Refusal> {
    acceptable(password)?;
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| Refusal::forbidden(format!("bộ sinh số ngẫu nhiên: {e}")))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| Refusal::forbidden(format!("muối của mật khẩu: {e}")))?;
    cost.hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Refusal::forbidden(format!("không băm được mật khẩu: {e}")))
}

/// Whether `password` is the one `stored` was made from (the parameters are the hash's own).
pub fn verify(password: &str, stored: &str) -> bool {
    if password.len() > MAX_LENGTH {
        return false;
    }
    PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A fresh secret token: 32 bytes from the system's generator, in hex.
pub fn new_token() -> Result<String, Refusal> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Refusal::forbidden(format!("bộ sinh số ngẫu nhiên: {e}")))?;
    Ok(hex(&bytes))
}

/// What the database keeps of a token.
pub fn token_digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Failed logins per key (a login name, an address): after [`Throttle::LIMIT`] failures
/// within [`Throttle::WINDOW`] seconds the key is refused until the window has passed.
#[derive(Debug, Default)]
pub struct Throttle {
    failures: HashMap<String, Vec<i64>>,
}

impl Throttle {
    pub const LIMIT: usize = 5;
    pub const WINDOW: i64 = 15 * 60;
    /// Keys kept at most: past it, the oldest failures are forgotten first.
    pub const KEYS: usize = 100_000;

    /// Whether `key` may try at `now`; if not, the seconds to wait.
    pub fn check(&mut self, key: &str, now: i64) -> Result<(), i64> {
        let Some(times) = self.failures.get_mut(key) else {
            return Ok(());
        };
        times.retain(|t| now - t < Self::WINDOW);
        if times.len() >= Self::LIMIT {
            let oldest = times.iter().copied().min().unwrap_or(now);
            Err(Self::WINDOW - (now - oldest))
        } else {
            Ok(())
        }
    }

    /// Records a failure of `key` at `now`.
    pub fn failed(&mut self, key: &str, now: i64) {
        if self.failures.len() >= Self::KEYS && !self.failures.contains_key(key) {
            self.failures
                .retain(|_, times| times.iter().any(|t| now - t < Self::WINDOW));
            if self.failures.len() >= Self::KEYS {
                self.failures.clear();
            }
        }
        self.failures.entry(key.to_owned()).or_default().push(now);
    }

    /// Forgets `key`'s failures (after a good login).
    pub fn succeeded(&mut self, key: &str) {
        self.failures.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = hash("mật khẩu đủ dài", Cost::TESTING).expect("hashed");
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify("mật khẩu đủ dài", &h));
        assert!(!verify("mật khẩu đủ dàI", &h));
        assert!(!verify("mật khẩu đủ dài", "not a hash"));
        let again = hash("mật khẩu đủ dài", Cost::TESTING).expect("hashed");
        assert_ne!(h, again, "a fresh salt each time");
    }

    #[test]
    fn short_and_huge_passwords_are_refused() {
        assert_eq!(
            hash("ngắn", Cost::TESTING).expect_err("short").message,
            "mật khẩu cần ít nhất 10 ký tự (mật khẩu đã nhập có 4)"
        );
        assert!(hash(&"x".repeat(MAX_LENGTH + 1), Cost::TESTING).is_err());
        assert!(!verify(
            &"x".repeat(MAX_LENGTH + 1),
            "$argon2id$v=19$m=64,t=1,p=1$x$y"
        ));
    }

    #[test]
    fn tokens_are_random_and_kept_as_digests() {
        let a = new_token().expect("a token");
        let b = new_token().expect("a token");
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_digest(&a).len(), 64);
        assert_ne!(token_digest(&a), a);
    }

    #[test]
    fn the_throttle_refuses_after_five_failures_until_the_window_passes() {
        let mut t = Throttle::default();
        for i in 0..5 {
            assert!(t.check("admin", 100 + i).is_ok());
            t.failed("admin", 100 + i);
        }
        assert_eq!(t.check("admin", 110), Err(Throttle::WINDOW - 10));
        assert!(t.check("someone else", 110).is_ok());
        assert!(t.check("admin", 100 + Throttle::WINDOW).is_ok());
        t.failed("x", 1);
        t.succeeded("x");
        assert!(t.check("x", 2).is_ok());
    }
}
