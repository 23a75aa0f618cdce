//! The grammars of the framework, each written once: claim and profile ids, header tokens, Url
//! templates, output bracket paths and `GenerateJson` dot paths. The macros reject what these
//! reject at compile time, the runtime and the exporter read the typed results, and the emulator
//! uses them where it does not deliberately read B2C behaviour on its own.

use std::fmt;
use std::ops::Range;

/// Whether `s` is a claim type id: `[A-Za-z_][A-Za-z0-9_.-]{0,127}`.
pub fn is_valid_claim_id(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && (b[0].is_ascii_alphabetic() || b[0] == b'_')
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

/// Whether `s` is a technical profile id: `[A-Za-z0-9_.-]{1,128}`.
pub fn is_valid_technical_profile(s: &str) -> bool {
    (1..=128).contains(&s.len())
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

/// Whether `s` is an HTTP token (RFC 9110 `tchar`+), as header names must be.
pub fn is_http_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                )
        })
}

/// The name a claim has on the wire: its `PartnerClaimType` if set, else its claim type id.
/// (One rule for the descriptor, the macros, the exporter and the policy reader.)
pub const fn wire_name<'a, T: ?Sized>(id: &'a T, partner: Option<&'a T>) -> &'a T {
    match partner {
        Some(p) => p,
        None => id,
    }
}

// ---------------------------------------------------------------------------------------------
// Url templates

/// A handler path split at the first `?`: the route and the query template.
pub fn split_route(path: &str) -> (&str, Option<&str>) {
    match path.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (path, None),
    }
}

/// One `{name}` placeholder of a Url-mode path template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placeholder<'a> {
    /// The wire name between the braces.
    pub name: &'a str,
    /// For a `?key={name}` pair, the key; `None` for a path placeholder.
    pub query_key: Option<&'a str>,
}

/// Parses `/members/{id}/x?k={name}&code=abc` into its placeholders, or says what is wrong.
pub fn parse_url_template(path: &str) -> Result<Vec<Placeholder<'_>>, String> {
    let (route, query) = split_route(path);
    let mut out = Vec::new();
    let mut rest = route;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return Err(format!("unmatched `}}` in the path `{path}`"));
        }
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("unclosed `{{` in the path `{path}`"))?;
        let name = &after[..close];
        if name.is_empty() || name.contains(['{', '/']) {
            return Err(format!(
                "invalid placeholder `{{{name}}}` in the path `{path}`: expected `{{<wire name>}}`"
            ));
        }
        out.push(Placeholder {
            name,
            query_key: None,
        });
        rest = &after[close + 1..];
    }
    if let Some(q) = query {
        if q.is_empty() {
            return Err(format!("empty query template after `?` in `{path}`"));
        }
        for pair in q.split('&') {
            let Some((k, v)) = pair.split_once('=') else {
                return Err(format!(
                    "invalid query template pair `{pair}`: expected `key={{wire name}}` or `key=value`"
                ));
            };
            if k.is_empty() || k.contains(['{', '}']) {
                return Err(format!(
                    "invalid query template key `{k}`: keys are literal text; the value holds the `{{placeholder}}`"
                ));
            }
            if let Some(name) = v.strip_prefix('{').and_then(|v| v.strip_suffix('}')) {
                if name.is_empty() || name.contains(['{', '}']) {
                    return Err(format!("invalid placeholder `{v}` in the query template"));
                }
                out.push(Placeholder {
                    name,
                    query_key: Some(k),
                });
            } else if v.contains(['{', '}']) {
                return Err(format!(
                    "invalid query template value `{v}`: expected `{{wire name}}` or literal text"
                ));
            }
        }
    }
    Ok(out)
}

/// Every `{name}` in a whole ServiceUrl, with the byte range of the braces, in order. Lenient
/// (an unclosed `{` ends the scan): used to read URLs that came from a policy file.
pub fn scan_placeholders(url: &str) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = url[from..].find('{') {
        let open = from + i;
        match url[open + 1..].find('}') {
            Some(j) => {
                let close = open + 1 + j;
                out.push((open..close + 1, &url[open + 1..close]));
                from = close + 1;
            }
            None => break,
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Output bracket paths and payload dot paths

/// One segment of a nested JSON path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment<'a> {
    /// An object key.
    Key(&'a str),
    /// An array index.
    Index(usize),
}

impl fmt::Display for Segment<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::Key(k) => f.write_str(k),
            Segment::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// The characters a path key may hold: letters, digits, `_`, `$` and `-`.
pub fn is_path_key(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'-'))
}

/// The characters a key of an output bracket path may hold: anything but the path syntax
/// (`.`, `[`, `]`), parentheses and quotes (which JSON-path readers treat as syntax too),
/// whitespace and control characters. Real APIs use keys such as LinkedIn's `handle~` or
/// `@odata.type`'s `@`.
pub fn is_output_key(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| {
            !c.is_whitespace()
                && !c.is_control()
                && !matches!(c, '.' | '[' | ']' | '(' | ')' | '\'' | '"')
        })
}

/// Whether `s` can be a literal (flat) output key, read without JSON-path resolution: any
/// non-empty text without control characters, dots included (`user.name`).
pub fn is_flat_output_key(s: &str) -> bool {
    !s.is_empty() && !s.chars().any(char::is_control)
}

/// Whether an output wire name is a nested path (needs `ResolveJsonPathsInJsonTokens`).
pub fn is_nested_output(wire: &str) -> bool {
    wire.contains(['.', '['])
}

/// Parses an output bracket path (`contacts[0].person.emails[0].email`), the form B2C resolves
/// with `ResolveJsonPathsInJsonTokens`. A dotted index (`items.0`) is refused: that is
/// `GenerateJson` syntax, which B2C reads here as a property named `0`.
pub fn parse_bracket_path(path: &str) -> Result<Vec<Segment<'_>>, String> {
    let mut segs = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() && key.bytes().all(|c| c.is_ascii_digit()) {
            return Err(format!(
                "`{path}`: the dotted index `.{key}` is GenerateJson syntax; output paths index arrays with brackets, e.g. `items[{key}]`"
            ));
        }
        if key.is_empty() {
            if segs.is_empty() || rest.is_empty() {
                return Err(format!(
                    "`{path}`: empty key (check for `..`, or a leading/trailing `.`)"
                ));
            }
            return Err(format!(
                "`{path}`: an index must follow a key, e.g. `items[0]`"
            ));
        }
        if !is_output_key(key) {
            return Err(format!(
                "`{path}`: invalid key `{key}`; a key may hold any character but `.`, `[`, `]`, parentheses, quotes, whitespace and control characters (a literal key holding a `.` is `key = \"..\"`)"
            ));
        }
        segs.push(Segment::Key(key));
        while !rest.is_empty() {
            let close = rest
                .find(']')
                .ok_or_else(|| format!("`{path}`: unclosed `[`"))?;
            let idx = &rest[1..close];
            let n: usize = idx
                .parse()
                .ok()
                .filter(|_| !idx.is_empty() && idx.bytes().all(|c| c.is_ascii_digit()))
                .ok_or_else(|| format!("`{path}`: `[{idx}]` is not an array index"))?;
            segs.push(Segment::Index(n));
            rest = &rest[close + 1..];
            if !rest.is_empty() && !rest.starts_with('[') {
                return Err(format!("`{path}`: expected `.` or `[` after `]`"));
            }
        }
    }
    Ok(segs)
}

/// Parses a `GenerateJson` dot path (`customer.items.0.id`): integer segments index arrays.
pub fn parse_dot_path(path: &str) -> Result<Vec<Segment<'_>>, String> {
    let mut segs = Vec::new();
    for (i, part) in path.split('.').enumerate() {
        if part.is_empty() {
            return Err(format!(
                "`{path}`: empty segment (check for `..`, or a leading/trailing `.`)"
            ));
        }
        if part.bytes().all(|c| c.is_ascii_digit()) {
            if i == 0 {
                return Err(format!(
                    "`{path}`: the payload root is an object; the path must start with a key"
                ));
            }
            let n = part
                .parse()
                .map_err(|_| format!("`{path}`: array index `{part}` is too large"))?;
            segs.push(Segment::Index(n));
        } else if part.contains(['[', ']']) {
            return Err(format!(
                "`{path}`: GenerateJson paths index arrays with dotted integers (`items.0.id`), not brackets"
            ));
        } else if !is_path_key(part) {
            return Err(format!(
                "`{path}`: invalid key `{part}`; keys may hold letters, digits, `_`, `$` and `-`"
            ));
        } else {
            segs.push(Segment::Key(part));
        }
    }
    Ok(segs)
}

/// Renders segments as a bracket path (`a.b[0].c`).
pub fn render_bracket(segs: &[Segment<'_>]) -> String {
    let mut s = String::new();
    for seg in segs {
        if let Segment::Key(_) = seg
            && !s.is_empty()
        {
            s.push('.');
        }
        s.push_str(&seg.to_string());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use Segment::{Index as I, Key as K};

    #[test]
    fn ids_and_tokens() {
        assert!(is_valid_claim_id("email"));
        assert!(is_valid_claim_id("_x.y-z"));
        assert!(!is_valid_claim_id("1abc"));
        assert!(!is_valid_claim_id(&"a".repeat(129)));
        assert!(is_valid_technical_profile("REST-1.x_y"));
        assert!(!is_valid_technical_profile("REST X"));
        assert!(is_http_token("X-Api-Key"));
        assert!(!is_http_token("X Api"));
    }

    #[test]
    fn url_templates() {
        let p = parse_url_template("/members/{memberId}/x?tier={tier}&code=abc").unwrap();
        assert_eq!(
            p,
            [
                Placeholder {
                    name: "memberId",
                    query_key: None
                },
                Placeholder {
                    name: "tier",
                    query_key: Some("tier")
                }
            ]
        );
        assert!(parse_url_template("/a/{b").is_err());
        assert!(parse_url_template("/a/b}").is_err());
        assert!(parse_url_template("/a?").is_err());
        assert!(parse_url_template("/a?{k}=v").is_err());
        assert!(parse_url_template("/a?k=x{v}").is_err());
        assert_eq!(split_route("/a/{b}?k={c}"), ("/a/{b}", Some("k={c}")));
        let s = scan_placeholders("https://h/a/{b}?k={c}&d={");
        assert_eq!(s, [(12..15, "b"), (18..21, "c")]);
    }

    #[test]
    fn bracket_paths() {
        assert_eq!(
            parse_bracket_path("contacts[0].person.emails[1].email").unwrap(),
            [
                K("contacts"),
                I(0),
                K("person"),
                K("emails"),
                I(1),
                K("email")
            ]
        );
        assert_eq!(parse_bracket_path("m[0][1]").unwrap(), [K("m"), I(0), I(1)]);
        for bad in [
            "a.0.b", "a..b", ".a", "a.", "[0]", "a[x]", "a[0]b", "a[0", "a b", "a'b", "a\tb",
        ] {
            assert!(parse_bracket_path(bad).is_err(), "{bad}");
        }
        // Keys real APIs use: LinkedIn's `handle~`, OData's `@odata.context`-style `@`.
        assert_eq!(
            parse_bracket_path("elements[0].handle~.emailAddress").unwrap(),
            [K("elements"), I(0), K("handle~"), K("emailAddress")]
        );
        assert_eq!(parse_bracket_path("handle~").unwrap(), [K("handle~")]);
        assert_eq!(parse_bracket_path("@count").unwrap(), [K("@count")]);
        assert!(is_flat_output_key("user.name") && is_flat_output_key("a [b] ~"));
        assert!(!is_flat_output_key("") && !is_flat_output_key("a\nb"));
        let segs = parse_bracket_path("a.b[0].c").unwrap();
        assert_eq!(render_bracket(&segs), "a.b[0].c");
        assert!(is_nested_output("a.b") && is_nested_output("a[0]") && !is_nested_output("a"));
    }

    #[test]
    fn dot_paths() {
        assert_eq!(
            parse_dot_path("customer.items.0.id").unwrap(),
            [K("customer"), K("items"), I(0), K("id")]
        );
        for bad in ["0.a", "a..b", "a[0]", "a.b c"] {
            assert!(parse_dot_path(bad).is_err(), "{bad}");
        }
    }
}
