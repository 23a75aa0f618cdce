use claims_runtime::prelude::*;

#[claims_handler(path = "/members/{memberId}")]
fn handler(#[claim] member_id: String) {
    let _ = member_id;
}

#[claims_handler(send_claims_in = QueryString, path = "/members?id={memberId}")]
fn query(#[claim] member_id: String) {
    let _ = member_id;
}

fn main() {}
