//! Hygiene: the generated code must name everything through absolute paths. This whole file has no
//! prelude and denies warnings (clippy too); user code below uses absolute paths only.
#![no_implicit_prelude]
#![deny(warnings, clippy::all)]

pub mod handlers {
    /// Reply of `get_membership`.
    #[derive(::claims_runtime::OutputClaims)]
    pub struct Membership {
        #[claim(
            id = "loyaltyNumber",
            display_name = "Loyalty number",
            help = "On your card"
        )]
        pub loyalty_number: ::std::string::String,
        #[claim(id = "isNewMember", partner = "member.isNew")]
        pub is_new: bool,
        #[claim(partner = "member.tags")]
        pub tags: ::std::vec::Vec<::std::string::String>,
        #[claim(default = "none", always_default)]
        pub nickname: ::std::option::Option<::std::string::String>,
        #[claim(skip)]
        pub internal: u8,
    }

    /// A generic output set.
    #[derive(::claims_runtime::OutputClaims)]
    pub struct Wrapped<T> {
        pub value: T,
    }

    /// Empty outputs.
    #[derive(::claims_runtime::OutputClaims)]
    pub struct Nothing {}

    /// Payload of `sign_up`.
    #[derive(::claims_runtime::ClaimsPayload)]
    #[claims_payload(claim = "requestBody", transformation = "GenerateRequestBody")]
    pub struct SignUp {
        #[claim(path = "customer.email")]
        pub email: ::std::string::String,
        #[claim(id = "objectId", path = "customer.ids.0")]
        pub object_id: ::std::string::String,
        #[claim(resolver = "{Culture:RFC5646}")]
        pub locale: ::claims_runtime::Locale,
        #[claim(path = "customer.ids.1")]
        pub other: ::std::option::Option<::std::string::String>,
    }

    /// Shared state.
    pub struct Store {
        /// Prefix of loyalty numbers.
        pub prefix: &'static str,
    }

    /// Regex rule target.
    pub fn digits(s: &str) -> bool {
        use ::std::iter::Iterator as _;
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
    }

    /// Custom rule.
    pub fn not_admin(
        s: &::std::string::String,
    ) -> ::std::result::Result<(), ::claims_runtime::ValidationError> {
        if s == "admin" {
            ::std::result::Result::Err(::claims_runtime::ValidationError::new("no-admin"))
        } else {
            ::std::result::Result::Ok(())
        }
    }

    /// Looks up a membership.
    ///
    ///   Second paragraph.
    #[::claims_runtime::claims_handler(
        technical_profile = "REST-Lookup",
        path = "/lookup",
        auth = Bearer(claim = "bearerToken"),
        deadline_ms = 1500,
        idempotent
    )]
    #[allow(clippy::too_many_arguments)]
    pub async fn get_membership(
        #[claim(partner = "emailAddress")]
        #[validate(email, length(min = 3, max = 200), custom(function = not_admin))]
        email: ::std::string::String,
        #[claim] given_name: ::std::option::Option<::std::string::String>,
        #[claim(resolver = "{Context:CorrelationId}")]
        correlation_id: ::claims_runtime::CorrelationId,
        #[claim(id = "bearerToken")] token: ::std::string::String,
        #[claim(default = "5", input_type = TextBox)]
        #[validate(range(min = -1, max = 10.5))]
        mut level: ::std::option::Option<i32>,
        #[claim]
        #[validate(regex(path = *digits), contains(pattern = "1"))]
        code: ::std::option::Option<::std::string::String>,
        store: ::claims_runtime::prelude::Data<Store>,
        _req: ::actix_web::HttpRequest,
    ) -> ::std::result::Result<Membership, ::claims_runtime::ClaimsError> {
        level = level.or(::std::option::Option::Some(0));
        let _ = (given_name, correlation_id, token, level, code);
        ::std::result::Result::Ok(Membership {
            loyalty_number: ::std::format!("{}{}", store.prefix, email.len()),
            is_new: true,
            tags: ::std::vec::Vec::new(),
            nickname: ::std::option::Option::None,
            internal: 0,
        })
    }

    /// Headers in, nothing out.
    #[::claims_runtime::claims_handler(send_claims_in = Header, auth = ApiKeyHeader("x-api-key"))]
    pub fn check_headers(
        #[claim(partner = "X-Client-Id")] client_id: ::std::string::String,
        #[claim(partner = "x-tenant")] tenant: ::std::option::Option<::std::string::String>,
    ) {
        let _ = (client_id, tenant);
    }

    /// Url mode.
    #[::claims_runtime::claims_handler(
        send_claims_in = Url,
        path = "/members/{memberId}/cards/{card}?lang={locale}&code=static",
        auth = None
    )]
    pub fn url_mode(
        #[claim] member_id: ::std::string::String,
        #[claim(id = "cardNumber", partner = "card")] card: i64,
        #[claim(resolver = "{Culture:LanguageName}")] locale: ::claims_runtime::Locale,
    ) -> ::std::result::Result<Wrapped<i64>, ::claims_runtime::ClaimsError> {
        let _ = (member_id, locale);
        ::std::result::Result::Ok(Wrapped { value: card })
    }

    /// Payload mode.
    #[::claims_runtime::claims_handler(auth = ClientCertificate)]
    pub async fn sign_up(
        #[claim(payload)] body: SignUp,
        _state: ::claims_runtime::prelude::Data<Store>,
    ) -> Nothing {
        let _ = (body.email, body.object_id, body.locale, body.other);
        Nothing {}
    }

    /// No claims at all, form and query string modes.
    #[::claims_runtime::claims_handler(send_claims_in = Form)]
    pub fn ping() {}

    /// Query string.
    #[::claims_runtime::claims_handler(send_claims_in = QueryString, idempotent = false)]
    pub fn query(#[claim] q: bool) -> ::std::result::Result<(), ::claims_runtime::ClaimsError> {
        let _ = q;
        ::std::result::Result::Ok(())
    }
}

#[test]
fn handler_spec() {
    use ::claims_runtime::{AuthSpec, DataType, SendClaimsIn, UserInputType};
    use ::std::iter::Iterator as _;
    use ::std::option::Option::{None, Some};
    use ::std::{assert, assert_eq};

    let spec = handlers::get_membership::SPEC;
    assert_eq!(spec.technical_profile, "REST-Lookup");
    assert_eq!(spec.display_name, "Looks up a membership.");
    assert_eq!(
        spec.description,
        Some("Looks up a membership.\n\nSecond paragraph.")
    );
    assert_eq!(spec.path, "/lookup");
    assert_eq!(spec.send_claims_in, SendClaimsIn::Body);
    assert_eq!(spec.auth, AuthSpec::BearerFromClaim("bearerToken"));
    assert_eq!(spec.deadline_ms, Some(1500));
    assert!(spec.idempotent);
    assert_eq!(spec.rust_fn, "get_membership");
    assert_eq!(spec.module, "hygiene::handlers");
    assert!(spec.payload.is_none());

    let ids: ::std::vec::Vec<&str> = spec.inputs.iter().map(|c| c.id).collect();
    assert_eq!(
        ids,
        [
            "email",
            "givenName",
            "correlationId",
            "bearerToken",
            "level",
            "code",
            "claimsRuntimeCulture"
        ]
    );
    let wires: ::std::vec::Vec<&str> = spec.inputs.iter().map(|c| c.wire()).collect();
    assert_eq!(
        wires,
        [
            "emailAddress",
            "givenName",
            "correlationId",
            "bearerToken",
            "level",
            "code",
            "claimsRuntimeCulture"
        ]
    );
    let required: ::std::vec::Vec<bool> = spec.inputs.iter().map(|c| c.required).collect();
    assert_eq!(required, [true, false, false, true, false, false, false]);
    // The implicit culture claim (the handler declares a correlation claim, not a culture one).
    assert!(spec.inputs[6].implicit);
    assert_eq!(spec.culture.rfc5646, Some(6));
    assert_eq!(spec.inputs[0].partner, Some("emailAddress"));
    assert_eq!(spec.inputs[1].partner, None);
    assert_eq!(spec.inputs[2].resolver, Some("{Context:CorrelationId}"));
    assert_eq!(spec.inputs[4].data_type, DataType::Int);
    assert_eq!(spec.inputs[4].default, Some("5"));
    assert_eq!(spec.inputs[4].input_type, Some(UserInputType::TextBox));
    assert_eq!(spec.inputs[0].rust_name, "email");
    assert_eq!(
        spec.correlation_claim().map(|c| c.id),
        Some("correlationId")
    );

    let outs: ::std::vec::Vec<(&str, &str, DataType, bool)> = spec
        .outputs
        .iter()
        .map(|c| (c.id, c.wire(), c.data_type, c.always_present))
        .collect();
    assert_eq!(
        outs,
        [
            ("loyaltyNumber", "loyaltyNumber", DataType::String, true),
            ("isNewMember", "member.isNew", DataType::Boolean, true),
            ("tags", "member.tags", DataType::StringCollection, false),
            ("nickname", "nickname", DataType::String, false),
        ]
    );
    assert_eq!(spec.outputs[0].display_name, Some("Loyalty number"));
    assert_eq!(spec.outputs[0].help, Some("On your card"));
    assert_eq!(spec.outputs[3].default, Some("none"));
    assert!(spec.outputs[3].always_default);
    assert!(spec.uses_nested_outputs());

    // The descriptor is a real static: same address every time.
    assert!(::std::ptr::eq(
        handlers::get_membership::SPEC,
        handlers::get_membership::SPEC
    ));
}

#[test]
fn other_modes() {
    use ::claims_runtime::{AuthSpec, DataType, SendClaimsIn};
    use ::std::option::Option::Some;
    use ::std::{assert, assert_eq};

    let h = handlers::check_headers::SPEC;
    assert_eq!(h.technical_profile, "REST-CheckHeaders");
    assert_eq!(h.path, "/check-headers");
    assert_eq!(h.send_claims_in, SendClaimsIn::Header);
    assert_eq!(h.auth, AuthSpec::ApiKeyHeader("x-api-key"));
    assert_eq!(h.inputs[0].wire(), "X-Client-Id");
    assert!(h.outputs.is_empty());
    assert!(!h.idempotent);

    let u = handlers::url_mode::SPEC;
    assert_eq!(u.send_claims_in, SendClaimsIn::Url);
    assert_eq!(u.route_path(), "/members/{memberId}/cards/{card}");
    assert_eq!(u.inputs[1].id, "cardNumber");
    assert_eq!(u.inputs[1].data_type, DataType::Long);
    assert_eq!(u.outputs[0].data_type, DataType::Long);
    assert_eq!(u.auth, AuthSpec::None);

    let p = handlers::sign_up::SPEC;
    assert!(p.inputs.is_empty());
    assert_eq!(p.auth, AuthSpec::ClientCertificate);
    let payload = p.payload.expect("payload mode");
    assert_eq!(payload.claim_id, "requestBody");
    assert_eq!(payload.transformation_id, "GenerateRequestBody");
    assert_eq!(payload.fields[0].partner, Some("customer.email"));
    assert_eq!(payload.fields[1].id, "objectId");
    assert_eq!(payload.fields[2].partner, Some("locale"));
    assert!(!payload.fields[2].required);
    assert!(!payload.fields[3].required);
    assert!(p.uses_resolvers());
    assert!(p.outputs.is_empty());

    assert_eq!(handlers::ping::SPEC.send_claims_in, SendClaimsIn::Form);
    assert_eq!(handlers::query::SPEC.inputs[0].data_type, DataType::Boolean);
    assert_eq!(
        handlers::ping::SPEC.display_name,
        "No claims at all, form and query string modes."
    );
}

#[test]
fn functions_stay_callable() {
    use ::std::assert_eq;
    handlers::check_headers(
        ::std::borrow::ToOwned::to_owned("c"),
        ::std::option::Option::None,
    );
    handlers::ping();
    let out = handlers::url_mode(
        ::std::borrow::ToOwned::to_owned("m"),
        42,
        ::claims_runtime::Locale(::std::borrow::ToOwned::to_owned("en")),
    );
    assert_eq!(out.map(|w| w.value).ok(), ::std::option::Option::Some(42));
}

#[test]
fn block_scope_handler() {
    use ::std::assert_eq;

    /// Declared inside a function body.
    #[::claims_runtime::claims_handler]
    fn local_handler(#[claim] name: ::std::string::String) {
        let _ = name;
    }

    local_handler(::std::string::String::new());
    assert_eq!(local_handler::SPEC.technical_profile, "REST-LocalHandler");
    assert_eq!(local_handler::SPEC.path, "/local-handler");
    assert_eq!(local_handler::SPEC.inputs[0].id, "name");
}
