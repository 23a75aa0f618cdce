//! Windows LCIDs (`{Culture:LCID}`) to language tags: the table lives in `claims-core`.

pub use claims_core::culture::lcid_to_tag;

#[cfg(test)]
mod tests {
    #[test]
    fn every_tag_parses() {
        for (id, tag) in claims_core::culture::LCIDS {
            assert!(
                tag.parse::<unic_langid::LanguageIdentifier>().is_ok(),
                "{id} {tag}"
            );
        }
    }
}
