use claims_runtime::prelude::*;

#[claims_handler]
fn handler(
    #[claim(resolver = "{Culture:RFC5646}", default = "en")] locale: Locale,
    #[claim(always_default)] other: Option<String>,
) {
    let _ = (locale, other);
}

fn main() {}
