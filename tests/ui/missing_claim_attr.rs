use claims_runtime::prelude::*;

#[claims_handler]
fn handler(
    #[claim] email: String,
    password: String,
    age: Option<i32>,
    tags: std::vec::Vec<String>,
    locale: Locale,
    #[extractor] #[claim] both: String,
    #[extractor(yes)] raw: String,
) {
    let _ = (email, password, age, tags, locale, both, raw);
}

fn main() {}
