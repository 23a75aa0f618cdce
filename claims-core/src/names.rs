//! Name conversions: one word splitter for Rust names and claim ids, and the case forms built on
//! it (default claim ids, technical profile ids, routes, display names).

/// Splits a name into words at separators (`_ - . : space`) and case boundaries: a lower-case
/// letter or digit followed by an upper-case one, and the last capital of an acronym followed by
/// a lower-case letter (`get_membership`, `GetMembership`, `HTTPServer` -> `HTTP`, `Server`).
pub fn words(name: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for part in name
        .split(['_', '-', '.', ':', ' '])
        .filter(|p| !p.is_empty())
    {
        let chars: Vec<(usize, char)> = part.char_indices().collect();
        let mut start = 0;
        for (i, &(at, c)) in chars.iter().enumerate().skip(1) {
            if !c.is_uppercase() {
                continue;
            }
            let prev = chars[i - 1].1;
            let next_lower = chars.get(i + 1).is_some_and(|(_, n)| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push(&part[start..at]);
                start = at;
            }
        }
        out.push(&part[start..]);
    }
    out
}

fn capitalize(word: &str) -> String {
    let lower = word.to_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `get_membership` -> `GetMembership`.
pub fn pascal_case(name: &str) -> String {
    words(name).iter().map(|w| capitalize(w)).collect()
}

/// `given_name` -> `givenName`; `RequestBody` -> `requestBody`.
pub fn lower_camel_case(name: &str) -> String {
    let mut out = String::new();
    for (i, w) in words(name).iter().enumerate() {
        if i == 0 {
            out.push_str(&w.to_lowercase());
        } else {
            out.push_str(&capitalize(w));
        }
    }
    out
}

/// `get_membership` -> `get-membership`.
pub fn kebab_case(name: &str) -> String {
    words(name)
        .iter()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join("-")
}

/// A readable display name from a claim id: `givenName` -> `Given name`,
/// `loyalty_number` -> `Loyalty number`, `userID` -> `User ID` (acronyms keep their case).
pub fn humanize(id: &str) -> String {
    let mut out = String::new();
    for (i, w) in words(id).iter().enumerate() {
        let acronym = w.chars().count() > 1 && w.chars().all(|c| !c.is_lowercase());
        if i > 0 {
            out.push(' ');
        }
        if acronym {
            out.push_str(w);
        } else if i == 0 {
            let mut cs = w.chars();
            if let Some(f) = cs.next() {
                out.extend(f.to_uppercase());
                out.extend(cs.flat_map(char::to_lowercase));
            }
        } else {
            out.push_str(&w.to_lowercase());
        }
    }
    if out.is_empty() { id.to_owned() } else { out }
}

/// Levenshtein distance over chars (for "did you mean" hints on short names).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_boundaries() {
        assert_eq!(words("get_membership"), ["get", "membership"]);
        assert_eq!(words("GetMembership"), ["Get", "Membership"]);
        assert_eq!(words("HTTPServer"), ["HTTP", "Server"]);
        assert_eq!(words("userID"), ["user", "ID"]);
        assert_eq!(words("ab2Cd"), ["ab2", "Cd"]);
        assert_eq!(words("a.b-c:d e"), ["a", "b", "c", "d", "e"]);
        assert!(words("__").is_empty());
    }

    #[test]
    fn case_forms() {
        assert_eq!(pascal_case("get_membership"), "GetMembership");
        assert_eq!(lower_camel_case("given_name"), "givenName");
        assert_eq!(lower_camel_case("RequestBody"), "requestBody");
        assert_eq!(kebab_case("getMembership"), "get-membership");
        assert_eq!(humanize("givenName"), "Given name");
        assert_eq!(humanize("loyalty_number"), "Loyalty number");
        assert_eq!(humanize("userID"), "User ID");
        assert_eq!(humanize("__"), "__");
        assert_eq!(humanize("isNewMember"), "Is new member");
        assert_eq!(humanize("HTTPStatus"), "HTTP status");
        assert_eq!(humanize("email"), "Email");
        assert_eq!(humanize("address2Line"), "Address2 line");
    }

    #[test]
    fn pascal() {
        assert_eq!(pascal_case("get_membership"), "GetMembership");
        assert_eq!(pascal_case("validate"), "Validate");
        assert_eq!(pascal_case("get_v2_profile"), "GetV2Profile");
        assert_eq!(pascal_case("_private_fn"), "PrivateFn");
        assert_eq!(pascal_case("GetMembership"), "GetMembership");
        assert_eq!(pascal_case("check_url"), "CheckUrl");
    }

    #[test]
    fn lower_camel() {
        assert_eq!(lower_camel_case("given_name"), "givenName");
        assert_eq!(lower_camel_case("email"), "email");
        assert_eq!(lower_camel_case("loyalty_id"), "loyaltyId");
        assert_eq!(lower_camel_case("RequestBody"), "requestBody");
        assert_eq!(lower_camel_case("is_new_member"), "isNewMember");
        assert_eq!(lower_camel_case("HTTPServer"), "httpServer");
        assert_eq!(lower_camel_case("_unused"), "unused");
    }

    #[test]
    fn kebab() {
        assert_eq!(kebab_case("get_membership"), "get-membership");
        assert_eq!(kebab_case("validate"), "validate");
        assert_eq!(kebab_case("GetMembership"), "get-membership");
        assert_eq!(kebab_case("get_v2_profile"), "get-v2-profile");
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
