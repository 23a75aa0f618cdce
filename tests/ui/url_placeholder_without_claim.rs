use claims_runtime::prelude::*;

#[claims_handler(send_claims_in = Url, path = "/members/{memberId}/{card}")]
fn handler(#[claim] member_id: String) {
    let _ = member_id;
}

// A placeholder must be the wire name, not the claim id.
#[claims_handler(send_claims_in = Url, path = "/cards/{cardNumber}")]
fn by_id(#[claim(id = "cardNumber", partner = "card")] card: String) {
    let _ = card;
}

fn main() {}
