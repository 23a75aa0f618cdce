//! B2C's profile merging: several declarations of one id (a base file and its extensions) and
//! `IncludeTechnicalProfile` chains both fold into one profile, the later or including
//! declaration adding to and overriding the earlier or included one.

use claims_export::b2c::parse::{ParsedClaim, ParsedPolicy, ParsedProfile};

/// Every declaration of `id` in the set, folded in document order (later files extend earlier
/// ones, as B2C's policy inheritance does). `None` when no input declares it.
fn declared(policy: &ParsedPolicy, id: &str) -> Option<ParsedProfile> {
    let mut all = policy.profiles.iter().filter(|p| p.id == id);
    let first = all.next()?.clone();
    Some(all.fold(first, overlay))
}

/// The profile `id` with its `IncludeTechnicalProfile` chain merged in: the included profile is
/// the base, the including one adds to it and overrides it (metadata items and cryptographic keys
/// by key, claims by claim type, the rest when present). Fails on a missing profile or a cycle,
/// naming it.
pub fn resolve_includes(policy: &ParsedPolicy, id: &str) -> Result<ParsedProfile, String> {
    let mut chain =
        vec![declared(policy, id).ok_or_else(|| format!("no technical profile `{id}`"))?];
    let mut names = vec![id.to_owned()];
    while let Some(next) = chain.last().and_then(|p| p.include.clone()) {
        if names.contains(&next) {
            names.push(next);
            return Err(format!(
                "IncludeTechnicalProfile forms a cycle: {}",
                names.join(" -> ")
            ));
        }
        let included = declared(policy, &next).ok_or_else(|| {
            format!(
                "{} includes `{next}`, which is in no input file (pass the file that declares it too)",
                names.last().map(String::as_str).unwrap_or(id)
            )
        })?;
        names.push(next);
        chain.push(included);
    }
    let mut merged = chain.pop().unwrap_or_default();
    while let Some(including) = chain.pop() {
        merged = overlay(merged, &including);
    }
    merged.id = id.to_owned();
    merged.include = None;
    Ok(merged)
}

/// `top` added to and overriding `base`.
fn overlay(mut base: ParsedProfile, top: &ParsedProfile) -> ParsedProfile {
    if top.display_name.is_some() {
        base.display_name.clone_from(&top.display_name);
    }
    if top.protocol_handler.is_some() {
        base.protocol_handler.clone_from(&top.protocol_handler);
    }
    if top.session_management.is_some() {
        base.session_management.clone_from(&top.session_management);
    }
    // The including profile's own include wins; the chain walk reads it before overlaying.
    base.include.clone_from(&top.include);
    upsert(&mut base.metadata, &top.metadata, |(k, _)| k.clone());
    upsert(&mut base.keys, &top.keys, |(k, _)| k.clone());
    upsert(&mut base.input_claims, &top.input_claims, claim_key);
    upsert(&mut base.output_claims, &top.output_claims, claim_key);
    upsert(
        &mut base.input_claims_transformations,
        &top.input_claims_transformations,
        String::clone,
    );
    upsert(
        &mut base.output_claims_transformations,
        &top.output_claims_transformations,
        String::clone,
    );
    base
}

fn claim_key(c: &ParsedClaim) -> String {
    c.claim_type.clone()
}

/// Replaces the items of `base` with the same key in place, appends the others.
fn upsert<T: Clone>(base: &mut Vec<T>, top: &[T], key: impl Fn(&T) -> String) {
    for item in top {
        let k = key(item);
        match base.iter_mut().find(|b| key(b) == k) {
            Some(slot) => *slot = item.clone(),
            None => base.push(item.clone()),
        }
    }
}
