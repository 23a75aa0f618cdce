use claims_runtime::prelude::*;

#[claims_handler]
fn handler(#[claim(resolver = "{Culture:Foo}")] locale: Locale) {
    let _ = locale;
}

fn main() {}
