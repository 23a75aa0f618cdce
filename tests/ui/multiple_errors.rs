use claims_runtime::prelude::*;

// Every mistake of one item is reported at once, each at its own span.
#[claims_handler(technical_profile = "bad id!", send_claims_in = Header, colour = "blue")]
fn handler(
    #[claim(resolver = "{Nope}")] locale: Locale,
    #[claim(id = "1st")] first: String,
    #[claim(partner = "bad header")] header: String,
    #[validate(email)] plain: Data<String>,
) {
    let _ = (locale, first, header, plain);
}

fn main() {
    // The function is re-emitted, so using it does not cascade into more errors.
    let _ = handler;
}
