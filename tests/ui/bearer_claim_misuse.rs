use claims_runtime::prelude::*;

// The token travels only in the Authorization header, never in the URL.
#[claims_handler(path = "/me/{graphToken}", send_claims_in = Url, auth = Bearer(claim = "graphToken"))]
fn token_in_path(#[claim] graph_token: String) {
    let _ = graph_token;
}

#[derive(ClaimsPayload)]
struct Body {
    #[claim(path = "a.email")]
    email: String,
}

// Beside a payload: the token and placeholders of the path only.
#[claims_handler(path = "/x/{objectId}", auth = Bearer(claim = "token"))]
fn beside_payload(
    #[claim(payload)] body: Body,
    #[claim] token: String,
    #[claim] object_id: String,
    #[claim] stray: String,
) {
    let _ = (body, token, object_id, stray);
}

// No query template beside a payload (that is Url mode).
#[claims_handler(path = "/x?k={objectId}")]
fn query_beside_payload(#[claim(payload)] body: Body, #[claim] object_id: String) {
    let _ = (body, object_id);
}

fn main() {}
