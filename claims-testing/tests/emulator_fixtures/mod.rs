//! Handlers built by hand the way `#[claims_handler]` will generate them (HandlerSpec + Call glue,
//! registered through inventory), shared by the emulator round-trip and loopback tests.
#![allow(dead_code)]

use actix_web::web::{self, Payload};
use actix_web::{HttpRequest, HttpResponse, Route};
use claims_runtime::__private::{Call, Problems, Registration, inventory, rules};
use claims_runtime::descriptor::resolvers;
use claims_runtime::policy::{self, PolicyOptions};
use claims_runtime::{
    App, AuthSpec, ClaimWriter, ClaimsError, DataType, HandlerSpec, InputClaimSpec,
    OutputClaimSpec, OutputClaims, PayloadSpec, SendClaimsIn,
};

const fn input(id: &'static str, data_type: DataType, required: bool) -> InputClaimSpec {
    InputClaimSpec::new(id, data_type).with_required(required)
}

const fn output(id: &'static str, data_type: DataType) -> OutputClaimSpec {
    OutputClaimSpec::new(id, data_type)
}

/// The reply of the membership handlers.
pub struct Membership {
    pub loyalty_number: String,
    pub is_new: bool,
    pub points: i32,
    pub name: Option<String>,
}

static MEMBERSHIP_OUT: [OutputClaimSpec; 4] = [
    output("loyaltyNumber", DataType::String),
    output("isNewMember", DataType::Boolean).with_partner("isNew"),
    output("points", DataType::Int),
    output("displayName", DataType::String)
        .with_partner("contacts[0].person.name")
        .with_always_present(false),
];

impl OutputClaims for Membership {
    const CLAIMS: &'static [OutputClaimSpec] = &MEMBERSHIP_OUT;
    fn write_claims(&self, w: &mut ClaimWriter) {
        w.claim(0, &self.loyalty_number);
        w.claim(1, &self.is_new);
        w.claim(2, &self.points);
        w.claim(3, &self.name);
    }
}

static MEMBERSHIP_IN: [InputClaimSpec; 4] = [
    input("email", DataType::String, true)
        .with_partner("emailAddress")
        .with_display_name("E-mail address"),
    input("age", DataType::Int, false),
    input("userLanguage", DataType::String, false)
        .with_partner("lang")
        .with_resolver(resolvers::CULTURE_RFC5646),
    input("correlationId", DataType::String, false).with_resolver(resolvers::CORRELATION_ID),
];

const fn membership(tp: &'static str, mode: SendClaimsIn, path: &'static str) -> HandlerSpec {
    HandlerSpec::new(tp, path, mode)
        .with_display_name("Get the membership")
        .with_auth(AuthSpec::None)
        .with_inputs(&MEMBERSHIP_IN)
        .with_outputs(&MEMBERSHIP_OUT)
        .with_deadline_ms(2_000)
}

pub static BODY: HandlerSpec = membership("REST-GetMembership", SendClaimsIn::Body, "/membership");
pub static FORM: HandlerSpec = membership(
    "REST-GetMembershipForm",
    SendClaimsIn::Form,
    "/membership/form",
);
pub static HEADER: HandlerSpec = membership(
    "REST-GetMembershipHeader",
    SendClaimsIn::Header,
    "/membership/header",
);
pub static QUERY: HandlerSpec = membership(
    "REST-GetMembershipQuery",
    SendClaimsIn::QueryString,
    "/membership/query",
);
pub static URL: HandlerSpec = membership(
    "REST-GetMembershipUrl",
    SendClaimsIn::Url,
    "/membership/by-mail/{emailAddress}?age={age}&lang={lang}",
);

/// The plain function the handler wraps.
pub async fn get_membership(email: String, age: Option<i32>) -> Result<Membership, ClaimsError> {
    if email.starts_with("nobody@") {
        return Err(ClaimsError::user("member-not-found").arg("email", email));
    }
    Ok(Membership {
        loyalty_number: "84362".into(),
        is_new: age.is_some_and(|a| a < 30),
        points: 120,
        name: Some("Emily".into()),
    })
}

async fn membership_glue(
    spec: &'static HandlerSpec,
    req: HttpRequest,
    payload: Payload,
) -> HttpResponse {
    let call = match Call::begin(spec, &req, payload).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut problems = Problems::new();
    let email = call.claim::<String>(0, &mut problems);
    let age = call.claim::<Option<i32>>(1, &mut problems);
    let _lang = call.claim::<Option<String>>(2, &mut problems);
    let _cid = call.claim::<Option<String>>(3, &mut problems);
    if !problems.is_empty() {
        return call.reject(problems);
    }
    if let Some(ref v) = email {
        rules::email(&spec.inputs[0], v, &mut problems);
    }
    if !problems.is_empty() {
        return call.reject(problems);
    }
    let (Some(email), Some(age)) = (email, age) else {
        return call.reject(problems);
    };
    call.invoke(get_membership(email, age)).await
}

macro_rules! register {
    ($spec:ident, $glue:ident, $route:ident) => {
        fn $route() -> Route {
            web::route().to(|req: HttpRequest, p: Payload| $glue(&$spec, req, p))
        }
        inventory::submit! {
            Registration { spec: &$spec, route: $route }
        }
    };
}

register!(BODY, membership_glue, body_route);
register!(FORM, membership_glue, form_route);
register!(HEADER, membership_glue, header_route);
register!(QUERY, membership_glue, query_route);
register!(URL, membership_glue, url_route);

// ---------------------------------------------------------------------------------------------
// Payload mode.

pub struct Order {
    pub order_id: String,
}

static ORDER_OUT: [OutputClaimSpec; 1] = [output("orderId", DataType::String)];

impl OutputClaims for Order {
    const CLAIMS: &'static [OutputClaimSpec] = &ORDER_OUT;
    fn write_claims(&self, w: &mut ClaimWriter) {
        w.claim(0, &self.order_id);
    }
}

static ORDER_PAYLOAD: PayloadSpec = PayloadSpec::new(
    "orderRequestBody",
    "GenerateOrderRequestBody",
    &[
        input("email", DataType::String, true).with_partner("customer.email"),
        input("sku", DataType::String, true).with_partner("items.0.sku"),
        input("quantity", DataType::Long, false)
            .with_partner("items.0.quantity")
            .with_default("2"),
    ],
);

pub static PAYLOAD: HandlerSpec =
    HandlerSpec::new("REST-PlaceOrder", "/orders", SendClaimsIn::Body)
        .with_display_name("Place an order")
        .with_auth(AuthSpec::None)
        .with_inputs(&[])
        .with_outputs(&ORDER_OUT)
        .with_payload(&ORDER_PAYLOAD)
        .with_deadline_ms(2_000)
        .with_rust_fn("place_order", "emulator_fixtures");

async fn order_glue(
    spec: &'static HandlerSpec,
    req: HttpRequest,
    payload: Payload,
) -> HttpResponse {
    let call = match Call::begin(spec, &req, payload).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut problems = Problems::new();
    let email = call.payload_claim::<String>(0, &mut problems);
    let sku = call.payload_claim::<String>(1, &mut problems);
    let qty = call.payload_claim::<Option<i64>>(2, &mut problems);
    let (Some(email), Some(sku), Some(qty)) = (email, sku, qty) else {
        return call.reject(problems);
    };
    if !problems.is_empty() {
        return call.reject(problems);
    }
    call.invoke(async move {
        Ok::<_, ClaimsError>(Order {
            order_id: format!("{sku}x{}-{email}", qty.unwrap_or(1)),
        })
    })
    .await
}

register!(PAYLOAD, order_glue, order_route);

// ---------------------------------------------------------------------------------------------

/// Every handler.
pub fn specs() -> Vec<&'static HandlerSpec> {
    vec![&BODY, &FORM, &HEADER, &QUERY, &URL, &PAYLOAD]
}

/// The exported policy (whole file).
pub fn exported_policy() -> String {
    exported_policy_at("https://api.contoso.com")
}

/// The policy with this public base URL (it may carry a query, e.g. an Azure Functions key).
pub fn exported_policy_at(base_url: &str) -> String {
    policy::export(
        &specs(),
        &PolicyOptions {
            base_url: base_url.to_owned(),
            tenant_id: "contoso.onmicrosoft.com".to_owned(),
            ..PolicyOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The app serving every handler, with the business messages in English and French.
pub fn app() -> App {
    let mut app = App::empty();
    for s in specs() {
        app = app.handler(s);
    }
    app.messages("en", "member-not-found = No membership for { $email }.")
        .messages("fr", "member-not-found = Aucune adhésion pour { $email }.")
}
