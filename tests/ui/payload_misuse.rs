use claims_runtime::prelude::*;

#[derive(ClaimsPayload)]
struct Body {
    #[claim(path = "items.1.id")]
    second: String,
    #[claim(path = "items.0")]
    first: String,
    #[claim(path = "items.0.name")]
    name: String,
    #[claim(path = "tags.1")]
    gap: String,
}

#[derive(ClaimsPayload)]
struct Ok2 {
    email: String,
}

#[claims_handler(send_claims_in = Form)]
fn handler(#[claim(payload)] body: Ok2, #[claim] other: String) {
    let _ = (body.email, other);
}

fn main() {
    let _ = Body { second: String::new(), first: String::new(), name: String::new(), gap: String::new() };
}
