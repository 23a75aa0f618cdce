//! The realistic service shared by both servers: 1,000 members, a display name from optional
//! first and last names, and one business message in four languages.

use std::collections::HashMap;

/// Loyalty numbers by e-mail, `member{i}@contoso.com`.
#[derive(Debug)]
pub struct Members {
    by_email: HashMap<String, String>,
}

impl Default for Members {
    fn default() -> Self {
        let by_email = (0..1000)
            .map(|i| {
                (
                    format!("member{i}@contoso.com"),
                    format!("{:08}", 10_000_000 + i),
                )
            })
            .collect();
        Members { by_email }
    }
}

impl Members {
    /// The member's loyalty number.
    pub fn find(&self, email: &str) -> Option<&str> {
        self.by_email.get(email).map(String::as_str)
    }
}

/// "First Last", either alone, or "Member NUMBER" without names.
pub fn display_name(first: Option<&str>, last: Option<&str>, number: &str) -> String {
    match (first, last) {
        (Some(f), Some(l)) => format!("{f} {l}"),
        (Some(n), None) | (None, Some(n)) => n.to_owned(),
        (None, None) => format!("Member {number}"),
    }
}

/// The Fluent catalogs of the generated service (the twin formats the same texts by hand).
pub const MESSAGES: [(&str, &str); 4] = [
    (
        "en",
        "member-not-found = No loyalty membership is linked to { $email }.",
    ),
    (
        "fr",
        "member-not-found = Aucune carte de fidélité n'est liée à { $email }.",
    ),
    (
        "de",
        "member-not-found = Mit { $email } ist keine Kundenkarte verknüpft.",
    ),
    (
        "es",
        "member-not-found = No hay ninguna tarjeta de fidelidad vinculada a { $email }.",
    ),
];
