use claims_runtime::prelude::*;

#[derive(OutputClaims)]
struct Enriched {
    loyalty_tier: String,
    points: i64,
}

#[claims_handler(path = "/enrich", callers(b2c, entra(event = TokenIssuanceStart)))]
async fn enrich(#[claim] email: String) -> Enriched {
    let _ = email;
    Enriched { loyalty_tier: "gold".into(), points: 3 }
}

fn main() {}
