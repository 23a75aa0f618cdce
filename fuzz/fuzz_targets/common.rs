//! Shared by the fuzz targets: run every typed decoder.
use chrono::{DateTime, NaiveDate, Utc};
use claims_runtime::{ClaimType, Duration, Locale, PhoneNumber, RawClaim};

pub fn decode_all(raw: &RawClaim<'_>) {
    let _ = String::decode(raw);
    let _ = bool::decode(raw);
    let _ = i32::decode(raw);
    let _ = i64::decode(raw);
    let _ = NaiveDate::decode(raw);
    let _ = DateTime::<Utc>::decode(raw);
    let _ = Vec::<String>::decode(raw);
    let _ = PhoneNumber::decode(raw);
    let _ = Duration::decode(raw);
    let _ = Locale::decode(raw);
    let _ = Option::<i32>::decode(raw);
    let _ = raw.is_absent();
}
