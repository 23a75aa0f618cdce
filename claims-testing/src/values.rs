//! DataType-aware rendering of input values and checking of output values.

use serde_json::Value;

use super::bag::ClaimValue;

/// How non-string scalars go into a JSON body (`docs/b2c-wire-contract.md` §9 item 1 is \[UNCONFIRMED\]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScalarStyle {
    /// `boolean` → `true`, `int`/`long` → `42` (the default: the shape documented for the related
    /// API-connector contract, "serialized like Microsoft Graph user properties").
    #[default]
    Native,
    /// `boolean` → `"true"`, `int`/`long` → `"42"`.
    Strings,
}

/// The JSON value a `Body`-mode claim is sent as. `Err` carries a warning when the bag value
/// does not fit the DataType (it is then sent as a string).
pub(crate) fn body_value(
    v: &ClaimValue,
    data_type: &str,
    style: ScalarStyle,
) -> (Value, Option<String>) {
    match data_type {
        "boolean" => match as_bool(&v.0) {
            Some(b) => match style {
                ScalarStyle::Native => (Value::Bool(b), None),
                ScalarStyle::Strings => (Value::String(b.to_string()), None),
            },
            None => (
                Value::String(v.as_text()),
                Some(format!("{v} is not a boolean; sent as a string")),
            ),
        },
        "int" | "long" => match as_integer(&v.0, data_type == "int") {
            Some(n) => match style {
                ScalarStyle::Native => (Value::from(n), None),
                ScalarStyle::Strings => (Value::String(n.to_string()), None),
            },
            None => (
                Value::String(v.as_text()),
                Some(format!("{v} is not an {data_type}; sent as a string")),
            ),
        },
        "stringCollection" => (
            Value::Array(v.items().into_iter().map(Value::String).collect()),
            None,
        ),
        _ => (Value::String(v.as_text()), None),
    }
}

/// The text a `Form`/`Header`/`QueryString`/`Url` claim is sent as (one item per collection
/// element).
pub(crate) fn text_values(v: &ClaimValue, data_type: &str) -> Vec<String> {
    match data_type {
        "stringCollection" => v.items(),
        "boolean" => vec![as_bool(&v.0).map_or_else(|| v.as_text(), |b| b.to_string())],
        _ => vec![v.as_text()],
    }
}

fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn as_integer(v: &Value, int32: bool) -> Option<i64> {
    let n = match v {
        Value::Number(n) => n.as_i64()?,
        Value::String(s) => s.trim().parse::<i64>().ok()?,
        _ => return None,
    };
    (!int32 || i32::try_from(n).is_ok()).then_some(n)
}

/// A value accepted into the claim bag, or why B2C cannot store it.
pub(crate) struct Checked {
    /// The typed value stored in the bag.
    pub value: Value,
    /// A remark for the policy author.
    pub warning: Option<String>,
}

/// Checks a response value against the claim's DataType (`docs/b2c-wire-contract.md` §4.3, §5.2).
pub(crate) fn check_output(data_type: &str, v: &Value, strict: bool) -> Result<Checked, String> {
    let ok = |value: Value| {
        Ok(Checked {
            value,
            warning: None,
        })
    };
    let lenient = |value: Value, what: &str| {
        if strict {
            Err(format!(
                "{what} (the emulator is strict about string renderings of typed values: \
                 EmulatorOptions::strict_output_types)"
            ))
        } else {
            Ok(Checked {
                value,
                warning: Some(format!("{what}; accepted leniently [UNCONFIRMED]")),
            })
        }
    };
    if v.is_null() {
        return Err(
            "null is not a claim value: omit the key or send a type-appropriate empty value \
             (`docs/b2c-wire-contract.md` §5.2)"
                .to_owned(),
        );
    }
    match data_type {
        "string" => match v {
            Value::String(_) => ok(v.clone()),
            Value::Object(_) | Value::Array(_) => Ok(Checked {
                value: Value::String(v.to_string()),
                warning: Some(
                    "an object/array mapped into a string claim becomes its JSON text \
                     (`docs/b2c-wire-contract.md` §5.3)"
                        .to_owned(),
                ),
            }),
            other => Ok(Checked {
                value: Value::String(other.to_string()),
                warning: Some(format!(
                    "a JSON {} for a string claim is stored as its text",
                    kind(other)
                )),
            }),
        },
        "boolean" => match v {
            Value::Bool(_) => ok(v.clone()),
            Value::String(s) if as_bool(v).is_some() => lenient(
                Value::Bool(as_bool(v).unwrap_or_default()),
                &format!("\"{s}\" is a string, not a JSON boolean"),
            ),
            other => Err(format!("a JSON {} is not a boolean", kind(other))),
        },
        "int" | "long" => {
            let int32 = data_type == "int";
            match v {
                Value::Number(n) => match n.as_i64() {
                    Some(i) if !int32 || i32::try_from(i).is_ok() => ok(Value::from(i)),
                    Some(i) => Err(format!("{i} is outside the int range")),
                    None if n.is_f64() => Err(format!("{n} is not an integer")),
                    None => Err(format!("{n} is outside the long range")),
                },
                Value::String(s) => match as_integer(v, int32) {
                    Some(i) => lenient(
                        Value::from(i),
                        &format!("\"{s}\" is a string, not a JSON number"),
                    ),
                    None => Err(format!("\"{s}\" is not an {data_type}")),
                },
                other => Err(format!("a JSON {} is not an {data_type}", kind(other))),
            }
        }
        "date" => match v {
            Value::String(s) if is_date(s) => ok(v.clone()),
            Value::String(s) => Err(format!("\"{s}\" is not an ISO 8601 date")),
            other => Err(format!("a JSON {} is not a date", kind(other))),
        },
        "dateTime" => match v {
            Value::String(s) if is_date_time(s) => ok(v.clone()),
            Value::String(s) => Err(format!("\"{s}\" is not an ISO 8601 date-time")),
            other => Err(format!("a JSON {} is not a dateTime", kind(other))),
        },
        "stringCollection" => match v {
            Value::Array(items) if items.iter().all(Value::is_string) => Ok(Checked {
                value: v.clone(),
                warning: items.is_empty().then(|| {
                    "an empty array for a stringCollection broke token issuance in the past \
                     (azure-docs#55126): prefer omitting the key"
                        .to_owned()
                }),
            }),
            Value::Array(_) => Err("the array holds non-string items".to_owned()),
            Value::String(s) => lenient(
                Value::Array(vec![Value::String(s.clone())]),
                "a single string, not an array of strings",
            ),
            other => Err(format!("a JSON {} is not a stringCollection", kind(other))),
        },
        "phoneNumber" => match v {
            Value::String(s) if is_phone(s) => ok(v.clone()),
            Value::String(s) => Err(format!(
                "\"{s}\" is not a phone number in B2C's standard form (+ and 7 to 15 digits)"
            )),
            other => Err(format!("a JSON {} is not a phoneNumber", kind(other))),
        },
        "duration" => match v {
            Value::String(_) => ok(v.clone()),
            other => Err(format!("a JSON {} is not a duration", kind(other))),
        },
        _ => Ok(Checked {
            value: v.clone(),
            warning: Some(format!(
                "DataType '{data_type}' is not checked by the emulator"
            )),
        }),
    }
}

/// A text value (DefaultValue) as the typed value B2C would store.
pub(crate) fn typed_from_text(data_type: &str, text: &str) -> Value {
    match data_type {
        "boolean" => as_bool(&Value::String(text.to_owned()))
            .map(Value::Bool)
            .unwrap_or_else(|| Value::String(text.to_owned())),
        "int" | "long" => text
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(text.to_owned())),
        "stringCollection" => Value::Array(
            text.split(',')
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_owned()))
                .collect(),
        ),
        _ => Value::String(text.to_owned()),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn is_date(s: &str) -> bool {
    let date = s.split('T').next().unwrap_or_default();
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok()
        && (date.len() == s.len() || is_date_time(s))
}

fn is_date_time(s: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(s).is_ok()
        || chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
        || chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").is_ok()
}

fn is_phone(s: &str) -> bool {
    s.strip_prefix('+').is_some_and(|d| {
        (7..=15).contains(&d.len()) && d.chars().all(|c| c.is_ascii_digit()) && !d.starts_with('0')
    })
}

/// Resolves a B2C JSON path (`contacts[0].person.name`) in `doc`. Dotted integer segments
/// (`contacts.0.person`) are property names, as in Json.NET's `SelectToken`, so they do not index
/// arrays.
pub(crate) fn select_path<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    path_steps(path)?
        .into_iter()
        .try_fold(doc, |cur, step| match step {
            PathStep::Key(name) => cur.as_object()?.get(name),
            PathStep::Index(i) => cur.as_array()?.get(i),
        })
}

/// One step of a bracket path: an object key or an array index.
enum PathStep<'p> {
    Key(&'p str),
    Index(usize),
}

/// `a.b[0][1].c` as steps; `None` for a malformed index. The emulator's own reading of B2C's
/// paths, shared by [`select_path`] and [`raw_at`].
fn path_steps(path: &str) -> Option<Vec<PathStep<'_>>> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (name, indexes) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            steps.push(PathStep::Key(name));
        }
        let mut rest = indexes;
        while let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            steps.push(PathStep::Index(r[..end].trim().parse().ok()?));
            rest = &r[end + 1..];
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(steps)
}

/// An output `DefaultValue` as the value B2C would store: like an input `DefaultValue`, the
/// text is one value, so a `stringCollection` default is one item even when it holds a comma.
pub(crate) fn default_from_text(data_type: &str, text: &str) -> Value {
    match data_type {
        "stringCollection" => Value::Array(vec![Value::String(text.to_owned())]),
        _ => typed_from_text(data_type, text),
    }
}

/// The text of the JSON value at `path` exactly as the service sent it (key order and all), so
/// an object mapped into a string claim is not re-sorted. `as_path` follows dots and brackets;
/// otherwise `path` is one top-level key.
pub(crate) fn raw_at(body: &str, path: &str, as_path: bool) -> Option<String> {
    use serde_json::value::RawValue;
    fn member<'a>(raw: &'a RawValue, name: &str) -> Option<&'a RawValue> {
        let map: std::collections::HashMap<String, &RawValue> =
            serde_json::from_str(raw.get()).ok()?;
        map.get(name).copied()
    }
    fn item(raw: &RawValue, idx: usize) -> Option<&RawValue> {
        let list: Vec<&RawValue> = serde_json::from_str(raw.get()).ok()?;
        list.get(idx).copied()
    }
    let root: &RawValue = serde_json::from_str(body).ok()?;
    if !as_path {
        return member(root, path).map(|r| r.get().trim().to_owned());
    }
    let cur = path_steps(path)?
        .into_iter()
        .try_fold(root, |cur, step| match step {
            PathStep::Key(name) => member(cur, name),
            PathStep::Index(i) => item(cur, i),
        })?;
    Some(cur.get().trim().to_owned())
}

/// `true` when a path uses `GenerateJson`'s dotted index syntax (`a.0.b`).
pub(crate) fn has_dotted_index(path: &str) -> bool {
    path.split('.')
        .skip(1)
        .any(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()))
}

/// Inserts `value` at a `GenerateJson` dot path (integer segments are array indexes, filled from
/// 0 without gaps; `docs/b2c-wire-contract.md` §4.6).
pub(crate) fn insert_dot_path(root: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let segs: Vec<&str> = path.split('.').collect();
    let mut cur = root;
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        let next_is_index = segs
            .get(i + 1)
            .is_some_and(|s| s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty());
        let fresh = || {
            if next_is_index {
                Value::Array(Vec::new())
            } else {
                Value::Object(Default::default())
            }
        };
        if let Ok(idx) = seg.parse::<usize>() {
            let arr = cur
                .as_array_mut()
                .ok_or_else(|| format!("`{path}`: segment {seg} indexes a non-array"))?;
            if idx > arr.len() {
                return Err(format!(
                    "`{path}`: array index {idx} leaves a gap (arrays fill from 0 without gaps)"
                ));
            }
            if idx == arr.len() {
                arr.push(if last { Value::Null } else { fresh() });
            }
            if last {
                arr[idx] = value;
                return Ok(());
            }
            cur = &mut arr[idx];
        } else {
            let obj = cur
                .as_object_mut()
                .ok_or_else(|| format!("`{path}`: segment {seg} is a key inside a non-object"))?;
            if last {
                obj.insert((*seg).to_owned(), value);
                return Ok(());
            }
            cur = obj.entry((*seg).to_owned()).or_insert_with(fresh);
        }
    }
    Ok(())
}
