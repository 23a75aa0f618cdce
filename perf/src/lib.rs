//! The logic shared by both benchmark servers: a loyalty look-up over 1,000 members.

pub mod real;

use std::collections::HashMap;

/// A member.
#[derive(Debug, Clone)]
pub struct Member {
    /// Loyalty number.
    pub number: String,
    /// Tier name.
    pub tier: &'static str,
    /// Joined this year.
    pub is_new: bool,
}

/// 1,000 members `member{i}@contoso.com`.
#[derive(Debug)]
pub struct Store {
    by_email: HashMap<String, Member>,
}

impl Default for Store {
    fn default() -> Self {
        let tiers = ["bronze", "silver", "gold"];
        let by_email = (0..1000)
            .map(|i| {
                (
                    format!("member{i}@contoso.com"),
                    Member {
                        number: format!("{:08}", 10_000_000 + i),
                        tier: tiers[i % 3],
                        is_new: i % 7 == 0,
                    },
                )
            })
            .collect();
        Store { by_email }
    }
}

impl Store {
    /// Finds a member by e-mail (exact match; the load script sends lower case).
    pub fn find(&self, email: &str) -> Option<&Member> {
        self.by_email.get(email)
    }
}

/// Address from `PERF_BIND`, default 127.0.0.1:8090.
pub fn bind_addr() -> String {
    std::env::var("PERF_BIND").unwrap_or_else(|_| "127.0.0.1:8090".to_owned())
}

/// Basic credentials of the "everything on" run.
pub const BENCH_USER: &str = "bench";
/// Basic password of the "everything on" run.
pub const BENCH_PASSWORD: &str = "bench-password-0123456789";
