use claims_runtime::prelude::*;

#[claims_handler(send_claims_in = Url, path = "/members/{memberId}")]
fn handler(#[claim] member_id: String, #[claim(partner = "lang")] locale: String) {
    let _ = (member_id, locale);
}

fn main() {}
