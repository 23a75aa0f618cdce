//! The OpenAPI 3.1 document written from handler descriptors: one test per send mode, the
//! response and error shapes, the security schemes, refusals, determinism, and a check of the
//! whole document against the OpenAPI 3.1 schema (PyPI `openapi-spec-validator`).

use claims_core::spec::{
    AuthSpec, DataType, HandlerSpec, InputClaimSpec, OutputClaimSpec, PayloadSpec, SendClaimsIn,
};
use claims_export::openapi::{self, OpenApiOptions};
use serde_json::{Value, json};

static BODY_INPUTS: [InputClaimSpec; 7] = [
    InputClaimSpec::new("email", DataType::String)
        .with_partner("emailAddress")
        .with_display_name("Email address")
        .with_help("The address the user typed"),
    InputClaimSpec::new("age", DataType::Int).optional(),
    InputClaimSpec::new("points", DataType::Long).with_default("42"),
    InputClaimSpec::new("vip", DataType::Boolean).with_default("true"),
    InputClaimSpec::new("birthDate", DataType::Date).optional(),
    InputClaimSpec::new("tags", DataType::StringCollection).optional(),
    InputClaimSpec::new("lang", DataType::String).with_resolver("{Culture:RFC5646}"),
];

static NESTED_OUTPUTS: [OutputClaimSpec; 5] = [
    OutputClaimSpec::new("loyaltyNumber", DataType::String),
    OutputClaimSpec::new("loyaltyTier", DataType::String).with_partner("membership.tier.name"),
    OutputClaimSpec::new("since", DataType::DateTime)
        .with_partner("membership.since")
        .optional(),
    OutputClaimSpec::new("contactName", DataType::String).with_partner("contacts[0].person.name"),
    OutputClaimSpec::new("otherId", DataType::Long)
        .with_partner("contacts[1].id")
        .optional(),
];

static BODY: HandlerSpec = HandlerSpec::new("REST-Body", "/body", SendClaimsIn::Body)
    .with_display_name("Body handler")
    .with_description("Body handler\n\nTakes a JSON body.")
    .with_auth(AuthSpec::Basic)
    .with_inputs(&BODY_INPUTS)
    .with_outputs(&NESTED_OUTPUTS);

static FORM_INPUTS: [InputClaimSpec; 2] = [
    InputClaimSpec::new("givenName", DataType::String),
    InputClaimSpec::new("tags", DataType::StringCollection).optional(),
];

static FORM: HandlerSpec = HandlerSpec::new("REST-Form", "/form", SendClaimsIn::Form)
    .with_auth(AuthSpec::Bearer)
    .with_inputs(&FORM_INPUTS);

static HEADER_INPUTS: [InputClaimSpec; 2] = [
    InputClaimSpec::new("objectId", DataType::String).with_partner("X-Object-Id"),
    InputClaimSpec::new("count", DataType::Int).optional(),
];

static HEADER: HandlerSpec = HandlerSpec::new("REST-Header", "/header", SendClaimsIn::Header)
    .with_auth(AuthSpec::ApiKeyHeader("X-Api-Key"))
    .with_inputs(&HEADER_INPUTS);

static QUERY_INPUTS: [InputClaimSpec; 2] = [
    InputClaimSpec::new("loyaltyTier", DataType::String).with_partner("tier"),
    InputClaimSpec::new("tags", DataType::StringCollection).optional(),
];

static QUERY_OUTPUTS: [OutputClaimSpec; 2] = [
    OutputClaimSpec::new("memberCount", DataType::Int).with_partner("count"),
    OutputClaimSpec::new("names", DataType::StringCollection).optional(),
];

static QUERY: HandlerSpec = HandlerSpec::new("REST-Query", "/members", SendClaimsIn::QueryString)
    .with_auth(AuthSpec::ClientCertificate)
    .with_inputs(&QUERY_INPUTS)
    .with_outputs(&QUERY_OUTPUTS);

static URL_INPUTS: [InputClaimSpec; 2] = [
    InputClaimSpec::new("memberId", DataType::String),
    InputClaimSpec::new("lang", DataType::String).with_resolver("{Culture:RFC5646}"),
];

static URL: HandlerSpec = HandlerSpec::new(
    "REST-Url",
    "/members/{memberId}?ui_locales={lang}&api-version=2",
    SendClaimsIn::Url,
)
.with_auth(AuthSpec::None)
.with_inputs(&URL_INPUTS);

static PAYLOAD_FIELDS: [InputClaimSpec; 4] = [
    InputClaimSpec::new("email", DataType::String).with_partner("customer.email"),
    InputClaimSpec::new("points", DataType::Int)
        .with_partner("customer.points")
        .optional(),
    InputClaimSpec::new("firstItem", DataType::String).with_partner("items.0.id"),
    InputClaimSpec::new("source", DataType::String)
        .with_partner("source")
        .with_default("b2c"),
];

static PAYLOAD_SPEC: PayloadSpec =
    PayloadSpec::new("orderJson", "GenerateOrderJson", &PAYLOAD_FIELDS);

static PAYLOAD: HandlerSpec = HandlerSpec::new("REST-Payload", "/orders", SendClaimsIn::Body)
    .with_auth(AuthSpec::BearerFromClaim("accessToken"))
    .with_payload(&PAYLOAD_SPEC);

static INHERIT: HandlerSpec = HandlerSpec::new("REST-Inherit", "/inherit", SendClaimsIn::Body);

static ALL: [&HandlerSpec; 6] = [&BODY, &FORM, &HEADER, &QUERY, &URL, &PAYLOAD];

fn doc(specs: &[&HandlerSpec]) -> Value {
    openapi::document(specs, &OpenApiOptions::default()).expect("the document builds")
}

fn at<'a>(v: &'a Value, pointer: &str) -> &'a Value {
    v.pointer(pointer).unwrap_or_else(|| {
        panic!(
            "no {pointer} in {}",
            serde_json::to_string_pretty(v).unwrap()
        )
    })
}

#[test]
fn header_info_and_servers() {
    let opts = OpenApiOptions {
        title: "Loyalty".to_owned(),
        version: "2.3.4".to_owned(),
        servers: vec!["https://api.contoso.com".to_owned()],
        ..OpenApiOptions::default()
    };
    let d = openapi::document(&[&BODY], &opts).unwrap();
    assert_eq!(d["openapi"], "3.1.0");
    assert_eq!(d["info"]["title"], "Loyalty");
    assert_eq!(d["info"]["version"], "2.3.4");
    assert_eq!(d["servers"], json!([{"url": "https://api.contoso.com"}]));
    // No servers given: the document is relative to where it is served.
    assert!(doc(&[&BODY]).get("servers").is_none());
}

#[test]
fn body_mode_is_a_json_object_by_wire_name() {
    let d = doc(&[&BODY]);
    let op = at(&d, "/paths/~1body/post");
    assert_eq!(op["operationId"], "REST-Body");
    assert_eq!(op["summary"], "Body handler");
    assert_eq!(op["description"], "Body handler\n\nTakes a JSON body.");
    assert_eq!(op["x-b2c-technical-profile"], "REST-Body");
    assert_eq!(op["x-b2c-send-claims-in"], "Body");
    assert!(op.get("parameters").is_none());
    let body = at(op, "/requestBody/content/application~1json/schema");
    assert_eq!(body["type"], "object");
    assert_eq!(body["required"], json!(["emailAddress"]));
    let p = &body["properties"];
    assert!(p.get("email").is_none(), "keyed by the wire name");
    assert_eq!(p["emailAddress"]["type"], "string");
    assert_eq!(p["emailAddress"]["title"], "Email address");
    assert_eq!(
        p["emailAddress"]["description"],
        "The address the user typed"
    );
    assert_eq!(p["emailAddress"]["x-b2c-claim-type"], "email");
    assert_eq!(
        p["age"],
        json!({"type": "integer", "format": "int32", "minimum": i32::MIN, "maximum": i32::MAX})
    );
    assert_eq!(p["points"]["format"], "int64");
    assert_eq!(p["points"]["minimum"], i64::MIN);
    assert_eq!(p["points"]["default"], 42, "a typed default");
    assert_eq!(p["vip"]["type"], "boolean");
    assert_eq!(p["vip"]["default"], true);
    assert_eq!(p["birthDate"], json!({"type": "string", "format": "date"}));
    assert_eq!(
        p["tags"],
        json!({"type": "array", "items": {"type": "string"}})
    );
    assert_eq!(p["lang"]["type"], "string");
    assert_eq!(p["lang"]["x-b2c-resolver"], "{Culture:RFC5646}");
    assert!(
        p["lang"].get("default").is_none(),
        "a resolver is no default"
    );
    assert_eq!(at(op, "/requestBody/required"), true);
}

#[test]
fn outputs_are_the_200_body_with_nested_paths() {
    let d = doc(&[&BODY]);
    let ok = at(
        &d,
        "/paths/~1body/post/responses/200/content/application~1json/schema",
    );
    assert_eq!(ok["type"], "object");
    assert_eq!(ok["additionalProperties"], false);
    assert_eq!(
        ok["required"],
        json!(["loyaltyNumber", "membership", "contacts"])
    );
    assert_eq!(ok["properties"]["loyaltyNumber"]["type"], "string");
    let membership = &ok["properties"]["membership"];
    assert_eq!(membership["type"], "object");
    assert_eq!(membership["required"], json!(["tier"]));
    assert_eq!(
        membership["properties"]["tier"]["properties"]["name"]["type"],
        "string"
    );
    assert_eq!(
        membership["properties"]["since"],
        json!({"type": "string", "format": "date-time", "x-b2c-claim-type": "since"})
    );
    // `contacts[0]` always written, `contacts[1]` only when its claim is present (and `null`
    // before a written position): one `items` schema per distinct position.
    let contacts = &ok["properties"]["contacts"];
    assert_eq!(contacts["type"], "array");
    assert_eq!(contacts["minItems"], 1);
    assert_eq!(contacts["maxItems"], 2);
    assert!(
        contacts.get("prefixItems").is_none(),
        "schemathesis checks responses against `items`"
    );
    let first = &contacts["items"]["anyOf"][0];
    assert_eq!(first["type"], "object");
    assert_eq!(first["required"], json!(["person"]));
    assert_eq!(
        first["properties"]["person"]["properties"]["name"]["type"],
        "string"
    );
    let second = &contacts["items"]["anyOf"][1];
    assert_eq!(second["type"], json!(["object", "null"]));
    assert_eq!(second["properties"]["id"]["format"], "int64");
}

#[test]
fn form_mode_is_an_urlencoded_body() {
    let d = doc(&[&FORM]);
    let op = at(&d, "/paths/~1form/post");
    let content = at(op, "/requestBody/content");
    assert!(content.get("application/json").is_none());
    let form = at(content, "/application~1x-www-form-urlencoded/schema");
    assert_eq!(form["required"], json!(["givenName"]));
    assert_eq!(form["properties"]["tags"]["type"], "array");
    assert_eq!(
        at(content, "/application~1x-www-form-urlencoded/encoding/tags"),
        &json!({"style": "form", "explode": true})
    );
}

#[test]
fn header_mode_is_header_parameters() {
    let d = doc(&[&HEADER]);
    let op = at(&d, "/paths/~1header/get");
    assert!(op.get("requestBody").is_none());
    assert_eq!(
        op["parameters"],
        json!([
            {"name": "X-Object-Id", "in": "header", "required": true,
             "schema": {"type": "string", "x-b2c-claim-type": "objectId"}},
            {"name": "count", "in": "header", "required": false,
             "schema": {"type": "integer", "format": "int32",
                        "minimum": i32::MIN, "maximum": i32::MAX}},
        ])
    );
}

#[test]
fn query_mode_is_query_parameters() {
    let d = doc(&[&QUERY]);
    let op = at(&d, "/paths/~1members/get");
    let params = op["parameters"].as_array().unwrap();
    assert_eq!(params.len(), 2);
    assert_eq!(params[0]["name"], "tier");
    assert_eq!(params[0]["in"], "query");
    assert_eq!(params[0]["required"], true);
    assert_eq!(params[1]["name"], "tags");
    assert_eq!(params[1]["style"], "form");
    assert_eq!(params[1]["explode"], true);
    assert_eq!(params[1]["schema"]["type"], "array");
    let ok = at(op, "/responses/200/content/application~1json/schema");
    assert_eq!(ok["required"], json!(["count"]));
    assert_eq!(ok["properties"]["names"]["items"]["type"], "string");
}

#[test]
fn url_mode_is_path_segments_and_the_query_template() {
    let d = doc(&[&URL]);
    let op = at(&d, "/paths/~1members~1{memberId}/get");
    let params = op["parameters"].as_array().unwrap();
    assert_eq!(params.len(), 3, "{params:?}");
    assert_eq!(params[0]["name"], "memberId");
    assert_eq!(params[0]["in"], "path");
    assert_eq!(params[0]["required"], true);
    assert_eq!(
        params[0]["schema"]["minLength"], 1,
        "a segment is never empty"
    );
    // `?ui_locales={lang}`: the parameter is named by the query key, not the claim.
    assert_eq!(params[1]["name"], "ui_locales");
    assert_eq!(params[1]["in"], "query");
    assert_eq!(params[1]["required"], false);
    assert_eq!(params[1]["schema"]["x-b2c-resolver"], "{Culture:RFC5646}");
    // A literal pair of the template is sent by B2C as written.
    assert_eq!(params[2]["name"], "api-version");
    assert_eq!(params[2]["schema"], json!({"type": "string", "const": "2"}));
    assert_eq!(op["security"], json!([]), "AuthenticationType=None");
}

#[test]
fn payload_mode_is_the_nested_generate_json_document() {
    let d = doc(&[&PAYLOAD]);
    let op = at(&d, "/paths/~1orders/post");
    assert_eq!(op["x-b2c-payload-claim"], "orderJson");
    let body = at(op, "/requestBody/content/application~1json/schema");
    assert_eq!(body["required"], json!(["customer", "items"]));
    let customer = &body["properties"]["customer"];
    assert_eq!(customer["type"], "object");
    assert_eq!(customer["required"], json!(["email"]));
    assert_eq!(customer["properties"]["points"]["format"], "int32");
    let items = &body["properties"]["items"];
    assert_eq!(items["type"], "array");
    assert_eq!(items["minItems"], 1);
    // Positions matter to the service: exact, and open after them (extra items are ignored).
    assert_eq!(items["prefixItems"][0]["required"], json!(["id"]));
    assert!(items.get("items").is_none() && items.get("maxItems").is_none());
    assert_eq!(body["properties"]["source"]["default"], "b2c");
}

#[test]
fn errors_share_the_b2c_error_body() {
    let d = doc(&ALL);
    let err = at(&d, "/components/schemas/ErrorBody");
    assert_eq!(err["type"], "object");
    assert_eq!(err["required"], json!(["version", "status", "userMessage"]));
    for key in [
        "version",
        "status",
        "userMessage",
        "code",
        "requestId",
        "developerMessage",
        "moreInfo",
    ] {
        assert!(err["properties"].get(key).is_some(), "{key}");
    }
    assert_eq!(err["properties"]["status"]["const"], 409);
    let body = at(&d, "/paths/~1body/post/responses");
    for status in ["400", "401", "409", "413", "415", "500"] {
        assert_eq!(
            body[status]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErrorBody",
            "{status}"
        );
    }
    assert!(body.get("403").is_none(), "Basic has no 403");
    assert!(
        body["401"]["headers"].get("WWW-Authenticate").is_some(),
        "the challenge is documented"
    );
    // GET modes read no body: no 413 / 415; no auth: no 401.
    let url = at(&d, "/paths/~1members~1{memberId}/get/responses");
    assert!(url.get("413").is_none() && url.get("415").is_none());
    assert!(url.get("401").is_none());
    assert!(url.get("400").is_some() && url.get("409").is_some());
    // Schemes that can refuse an authenticated caller document 403.
    assert!(at(&d, "/paths/~1form/post/responses").get("403").is_some());
    assert!(
        at(&d, "/paths/~1members/get/responses")
            .get("403")
            .is_some()
    );
}

#[test]
fn security_schemes_follow_each_handlers_auth() {
    let d = doc(&ALL);
    let schemes = at(&d, "/components/securitySchemes");
    assert_eq!(
        schemes["basicAuth"],
        json!({"type": "http", "scheme": "basic"})
    );
    assert_eq!(
        schemes["bearerAuth"],
        json!({"type": "http", "scheme": "bearer"})
    );
    assert_eq!(
        schemes["bearerJwt"],
        json!({"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    );
    assert_eq!(
        schemes["apiKey_X-Api-Key"],
        json!({"type": "apiKey", "in": "header", "name": "X-Api-Key"})
    );
    assert_eq!(schemes["clientCertificate"], json!({"type": "mutualTLS"}));
    let sec = |p: &str| at(&d, p)["security"].clone();
    assert_eq!(sec("/paths/~1body/post"), json!([{"basicAuth": []}]));
    assert_eq!(sec("/paths/~1form/post"), json!([{"bearerAuth": []}]));
    assert_eq!(sec("/paths/~1orders/post"), json!([{"bearerJwt": []}]));
    assert_eq!(
        sec("/paths/~1header/get"),
        json!([{"apiKey_X-Api-Key": []}])
    );
    assert_eq!(
        sec("/paths/~1members/get"),
        json!([{"clientCertificate": []}])
    );
    // Only the schemes in use are declared.
    let only_basic = doc(&[&BODY]);
    assert_eq!(
        at(&only_basic, "/components/securitySchemes")
            .as_object()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn inherited_auth_uses_the_default_or_is_refused() {
    let err = openapi::document(&[&INHERIT], &OpenApiOptions::default()).unwrap_err();
    assert!(err.to_string().contains("REST-Inherit"), "{err}");
    let opts = OpenApiOptions {
        default_auth: AuthSpec::Basic,
        ..OpenApiOptions::default()
    };
    let d = openapi::document(&[&INHERIT], &opts).unwrap();
    assert_eq!(
        at(&d, "/paths/~1inherit/post")["security"],
        json!([{"basicAuth": []}])
    );
}

#[test]
fn two_handlers_on_one_operation_are_refused() {
    static TWIN: HandlerSpec =
        HandlerSpec::new("REST-Twin", "/body", SendClaimsIn::Form).with_auth(AuthSpec::Basic);
    let err = openapi::document(&[&BODY, &TWIN], &OpenApiOptions::default()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("POST /body") && text.contains("REST-Twin"),
        "{text}"
    );
    // GET and POST on one path share the path item.
    static GET_TWIN: HandlerSpec =
        HandlerSpec::new("REST-GetTwin", "/body", SendClaimsIn::Header).with_auth(AuthSpec::Basic);
    let d = openapi::document(&[&BODY, &GET_TWIN], &OpenApiOptions::default()).unwrap();
    assert!(at(&d, "/paths/~1body").get("get").is_some());
    assert!(at(&d, "/paths/~1body").get("post").is_some());
}

#[test]
fn a_technical_profile_id_is_one_operation() {
    static SAME_ID: HandlerSpec =
        HandlerSpec::new("REST-Body", "/other", SendClaimsIn::Body).with_auth(AuthSpec::Basic);
    let err = openapi::document(&[&BODY, &SAME_ID], &OpenApiOptions::default()).unwrap_err();
    assert!(
        err.to_string().contains("REST-Body is declared twice"),
        "{err}"
    );
}

#[test]
fn output_is_deterministic_pretty_json() {
    let a = openapi::export(&ALL, &OpenApiOptions::default()).unwrap();
    let mut reversed = ALL;
    reversed.reverse();
    let b = openapi::export(&reversed, &OpenApiOptions::default()).unwrap();
    assert_eq!(a, b, "the order of the handlers does not matter");
    assert!(a.ends_with("}\n"));
    let v: Value = serde_json::from_str(&a).unwrap();
    assert_eq!(v, doc(&ALL));
}

/// Validates against the OpenAPI 3.1 schema with the PyPI package `openapi-spec-validator`.
#[test]
fn document_is_valid_openapi_3_1() {
    let text = openapi::export(&ALL, &OpenApiOptions::default()).unwrap();
    let dir = std::env::temp_dir().join(format!("claims-openapi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("openapi.json");
    std::fs::write(&file, &text).unwrap();
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import json, sys\n\
             from openapi_spec_validator import validate\n\
             from openapi_spec_validator.validation import OpenAPIV31SpecValidator\n\
             validate(json.load(open(sys.argv[1])), cls=OpenAPIV31SpecValidator)\n\
             print('valid')",
        ])
        .arg(&file)
        .output()
        .expect("python3 runs (install Python 3 to run this test)");
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("No module named"),
        "install the validator: python3 -m pip install openapi-spec-validator\n{stderr}"
    );
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("valid"),
        "the document is not valid OpenAPI 3.1:\n{stderr}"
    );
}

#[test]
fn a_string_collection_is_never_required() {
    // The service reads an absent collection as an empty one (B2C leaves empty collections
    // out), whatever the descriptor's `required` says.
    static TAGS: [InputClaimSpec; 2] = [
        InputClaimSpec::new("tags", DataType::StringCollection),
        InputClaimSpec::new("name", DataType::String),
    ];
    static IN_BODY: HandlerSpec = HandlerSpec::new("REST-Tags", "/tags", SendClaimsIn::Body)
        .with_auth(AuthSpec::None)
        .with_inputs(&TAGS);
    static IN_QUERY: HandlerSpec =
        HandlerSpec::new("REST-TagsQ", "/tags", SendClaimsIn::QueryString)
            .with_auth(AuthSpec::None)
            .with_inputs(&TAGS);
    let d = doc(&[&IN_BODY, &IN_QUERY]);
    let body = at(
        &d,
        "/paths/~1tags/post/requestBody/content/application~1json/schema",
    );
    assert_eq!(body["required"], json!(["name"]));
    let params = at(&d, "/paths/~1tags/get/parameters");
    assert_eq!(params[0]["name"], "tags");
    assert_eq!(params[0]["required"], false);
    assert_eq!(params[1]["required"], true);
}

#[test]
fn a_url_placeholder_without_a_claim_is_still_a_path_parameter() {
    // The macros refuse this; a hand-built descriptor still gets a document, and every path
    // template variable needs its parameter for the document to be valid.
    static BARE: HandlerSpec =
        HandlerSpec::new("REST-Bare", "/things/{id}", SendClaimsIn::Url).with_auth(AuthSpec::None);
    let d = doc(&[&BARE]);
    assert_eq!(
        at(&d, "/paths/~1things~1{id}/get/parameters"),
        &json!([{"name": "id", "in": "path", "required": true,
                 "schema": {"type": "string", "minLength": 1}}])
    );
}

/// Issue 12 shapes: the bearer claim is no body property, claims beside a payload are path
/// parameters, a literal dotted output key stays one key; the document still validates.
#[test]
fn bearer_claims_payload_placeholders_and_literal_keys() {
    static INPUTS: [InputClaimSpec; 2] = [
        InputClaimSpec::new("email", DataType::String),
        InputClaimSpec::new("accessToken", DataType::String),
    ];
    static OUTPUTS: [OutputClaimSpec; 1] =
        [OutputClaimSpec::new("userName", DataType::String).with_flat_key("user.name")];
    static TOKEN_BODY: HandlerSpec = HandlerSpec::new("REST-Token", "/token", SendClaimsIn::Body)
        .with_auth(AuthSpec::BearerFromClaim("accessToken"))
        .with_inputs(&INPUTS)
        .with_outputs(&OUTPUTS);
    static BESIDE: [InputClaimSpec; 2] = [
        InputClaimSpec::new("accessToken", DataType::String),
        InputClaimSpec::new("objectId", DataType::String),
    ];
    static FIELDS: [InputClaimSpec; 1] =
        [InputClaimSpec::new("email", DataType::String).with_partner("metadata.email")];
    static BODY: PayloadSpec = PayloadSpec::new("assessBody", "GenerateAssessBody", &FIELDS);
    static ASSESS: HandlerSpec =
        HandlerSpec::new("REST-Assess", "/assess/{objectId}", SendClaimsIn::Body)
            .with_auth(AuthSpec::BearerFromClaim("accessToken"))
            .with_inputs(&BESIDE)
            .with_payload(&BODY);
    let v = doc(&[&TOKEN_BODY, &ASSESS]);
    let body = at(
        &v,
        "/paths/~1token/post/requestBody/content/application~1json/schema/properties",
    );
    assert!(
        body.get("email").is_some() && body.get("accessToken").is_none(),
        "{body}"
    );
    let reply = at(
        &v,
        "/paths/~1token/post/responses/200/content/application~1json/schema/properties",
    );
    assert!(
        reply.get("user.name").is_some() && reply.get("user").is_none(),
        "{reply}"
    );
    let params = at(&v, "/paths/~1assess~1{objectId}/post/parameters");
    assert_eq!(params[0]["name"], "objectId");
    assert_eq!(params[0]["in"], "path");
    assert_eq!(params.as_array().unwrap().len(), 1, "{params}");

    let text = openapi::export(&[&TOKEN_BODY, &ASSESS], &OpenApiOptions::default()).unwrap();
    let file = std::env::temp_dir().join(format!("claims-openapi-i12-{}.json", std::process::id()));
    std::fs::write(&file, &text).unwrap();
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import json, sys\n\
             from openapi_spec_validator import validate\n\
             from openapi_spec_validator.validation import OpenAPIV31SpecValidator\n\
             validate(json.load(open(sys.argv[1])), cls=OpenAPIV31SpecValidator)",
        ])
        .arg(&file)
        .output()
        .expect("python3 runs (install Python 3 to run this test)");
    let _ = std::fs::remove_file(&file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("No module named"),
        "install the validator: python3 -m pip install openapi-spec-validator\n{stderr}"
    );
    assert!(
        out.status.success(),
        "not valid OpenAPI 3.1:\n{stderr}\n{text}"
    );
}

/// `check` finds what `document` refuses without writing the document: the same problems, in the
/// same order, for each kind of refusal, and none for a set that can be written.
#[test]
fn check_refuses_exactly_what_document_refuses() {
    static TWIN: HandlerSpec =
        HandlerSpec::new("REST-Twin", "/body", SendClaimsIn::Form).with_auth(AuthSpec::Basic);
    static SAME_ID: HandlerSpec =
        HandlerSpec::new("REST-Body", "/other", SendClaimsIn::Body).with_auth(AuthSpec::Basic);
    static BAD_FIELDS: [InputClaimSpec; 2] = [
        InputClaimSpec::new("email", DataType::String).with_partner("customer..email"),
        InputClaimSpec::new("id", DataType::String).with_partner("items.x.id"),
    ];
    static BAD_PAYLOAD_SPEC: PayloadSpec =
        PayloadSpec::new("orderJson", "GenerateOrderJson", &BAD_FIELDS);
    static BAD_PAYLOAD: HandlerSpec =
        HandlerSpec::new("REST-BadPayload", "/bad/{id", SendClaimsIn::Body)
            .with_auth(AuthSpec::None)
            .with_payload(&BAD_PAYLOAD_SPEC);
    static BAD_URL: HandlerSpec =
        HandlerSpec::new("REST-BadUrl", "/members/{memberId", SendClaimsIn::Url)
            .with_auth(AuthSpec::None)
            .with_inputs(&URL_INPUTS);
    let opts = OpenApiOptions::default();
    let sets: [&[&HandlerSpec]; 6] = [
        &[&INHERIT],
        &[&BODY, &TWIN],
        &[&BODY, &SAME_ID],
        &[&BAD_PAYLOAD],
        &[&BAD_URL, &BODY],
        &[&BAD_URL, &BAD_PAYLOAD, &INHERIT, &TWIN, &BODY],
    ];
    for set in sets {
        let refused = openapi::document(set, &opts).unwrap_err();
        assert_eq!(openapi::check(set, &opts).unwrap_err(), refused);
    }
    let bad = openapi::check(&[&BAD_URL, &BAD_PAYLOAD], &opts)
        .unwrap_err()
        .to_string();
    for name in ["REST-BadUrl", "REST-BadPayload", "`email`"] {
        assert!(bad.contains(name), "names {name}: {bad}");
    }
    openapi::check(&ALL, &opts).unwrap();
    openapi::document(&ALL, &opts).unwrap();
}
