use claims_runtime::prelude::*;
use claims_runtime::{ApiConnectorStep, CallerRoute, EntraEvent};

#[derive(OutputClaims)]
struct Enriched {
    loyalty_tier: String,
    groups: Vec<String>,
    nickname: Option<String>,
}

/// Token enrichment for the three callers.
#[claims_handler(
    path = "/enrich",
    callers(
        b2c,
        api_connector(step = PreTokenIssuance),
        entra(event = TokenIssuanceStart, path = "/hooks/token")
    )
)]
async fn enrich(#[claim] email: String) -> Enriched {
    let _ = email;
    Enriched { loyalty_tier: "gold".into(), groups: vec![], nickname: None }
}

/// Only Entra: no B2C route.
#[claims_handler(path = "/check", callers(entra(event = AttributeCollectionSubmit)))]
fn check(#[claim] email: String) {
    let _ = email;
}

fn main() {
    assert_eq!(
        enrich::SPEC.callers,
        &[
            CallerRoute::B2c,
            CallerRoute::ApiConnector { step: ApiConnectorStep::PreTokenIssuance, path: "/api-connector/enrich" },
            CallerRoute::Entra { event: EntraEvent::TokenIssuanceStart, path: "/hooks/token" },
        ]
    );
    assert_eq!(
        check::SPEC.callers,
        &[CallerRoute::Entra { event: EntraEvent::AttributeCollectionSubmit, path: "/entra/check" }]
    );
    assert!(!check::SPEC.serves(claims_runtime::Caller::B2cTechnicalProfile));
}
