//! Handlers imported by `claims-import` from TrustFrameworkExtensions.xml, more-profiles.xml.
//!
//! Each handler exports back to its original RESTful technical profile. Its body is a stub
//! that answers the `not-implemented` error: write the service logic there.
//!
//! Export options that reproduce the original policy:
//! - base URL `https://api.contoso.com` (`policy --base-url`, `PolicyOptions::base_url`)
//! - setting `REST_CALL_FUNCTION_CODE`: the secret of `REST-CallFunction`'s ServiceUrl query (never in source)
//! - `PolicyKeyNames::api_key` = "B2C_1A_RestApiKey"
//! - `PolicyKeyNames::basic_password` = "B2C_1A_RestApiPassword"
//! - `PolicyKeyNames::basic_username` = "B2C_1A_RestApiUsername"
//! - `PolicyKeyNames::bearer_token` = "B2C_1A_RestApiBearerToken"
//! - `PolicyKeyNames::client_certificate` = "B2C_1A_RestApiClientCertificate"
//!
//! Date claims use `chrono` types: add `chrono` to the crate's dependencies.
//!
//! | Technical profile | Result | Reason |
//! | --- | --- | --- |
//! | REST-ValidateEmail | imported as `validate_email` |  |
//! | REST-CapitalizeNames | imported as `capitalize_names` |  |
//! | REST-GetLoyaltyNumber | imported as `get_loyalty_number` |  |
//! | REST-CountMembers | imported as `count_members` |  |
//! | REST-LookupMember | imported as `lookup_member` |  |
//! | REST-EnrichProfile | imported as `enrich_profile` |  |
//! | REST-SignUp | imported as `sign_up` |  |
//! | REST-Loyalty-Base | skipped | a base profile without ServiceUrl, included by REST-Loyalty-Common: merged into them |
//! | REST-Loyalty-Common | skipped | a base profile without ServiceUrl, included by REST-GetPoints, REST-GetRewards: merged into them |
//! | REST-GetPoints | imported as `get_points` |  |
//! | REST-GetOrder | imported as `get_order` |  |
//! | REST-SendInvitation | imported as `send_invitation` |  |
//! | REST-GetBalance | imported as `get_balance` |  |
//! | REST-LinkIdentities | refused | InputClaimsTransformations (UpperCaseGivenName) other than a payload's GenerateJson run in B2C before the call; a handler cannot declare them; claim `alternativeSecurityIds` has DataType `alternativeSecurityIdCollection`, for which the framework has no claim type (supported: string, boolean, int, long, date, dateTime, duration, stringCollection, phoneNumber) |
//! | REST-ValidateEmail-Signin | refused | POST /validate-email is already served by REST-ValidateEmail: the framework serves one handler per route and method (give this profile its own path) |
//! | REST-CheckResult | refused | OutputClaimsTransformations (UpperCaseGivenName) run in B2C after the call; a handler cannot declare them (apply them in another technical profile, or compute the claims in the service) |
//! | SelfAsserted-LocalAccountSignup-Email | skipped | not a RESTful technical profile (Protocol Handler: none) |
//! | REST-GetRewards | imported as `get_rewards` |  |
//! | REST-GetOrders | imported as `get_orders` |  |
//! | REST-Audit | refused | REST-Audit includes `REST-Common-Missing`, which is in no input file (pass the file that declares it too) |
//! | REST-CallFunction | imported as `call_function` |  |
//! | REST-RenderTemplate | imported as `render_template` |  |
//! | REST-AssessAccount | imported as `assess_account` |  |

/// The catalog entry of the stubs' message id (each handler declares it with
/// `messages = [..]`, and the app refuses to start without it): add it with
/// `App::messages("en", NOT_IMPLEMENTED)` until every body is written.
pub const NOT_IMPLEMENTED: &str =
    "not-implemented = This step is not available yet. Please try again later.\n";

/// The error every imported stub answers until its body is written.
fn not_implemented(technical_profile: &str) -> ::claims_runtime::ClaimsError {
    ::claims_runtime::ClaimsError::user("not-implemented").developer_message(::std::format!(
        "{technical_profile} was imported from a policy and has no body yet"
    ))
}

/// Output claims of `REST-ValidateEmail`.
#[derive(::claims_runtime::OutputClaims)]
pub struct ValidateEmailClaims {
    /// Output claim `isEmailValid`.
    #[claim(id = "isEmailValid", partner = "valid", display_name = "Email is valid")]
    pub is_email_valid: Option<bool>,
}

/// Validate the email address
///
/// Imported from the technical profile `REST-ValidateEmail`.
#[::claims_runtime::claims_handler(
    technical_profile = "REST-ValidateEmail",
    path = "/validate-email",
    send_claims_in = Body,
    auth = Basic,
    display_name = "Validate the email address",
    messages = ["not-implemented"],
    metadata(IncludeClaimResolvingInClaimsHandling = true, DefaultUserMessageIfRequestFailed = "Cannot validate your email right now.")
)]
pub async fn validate_email(
    #[claim(id = "email", partner = "emailAddress", display_name = "Email")] email: String,
    #[claim(id = "userLanguage", partner = "lang", resolver = "{Culture:RFC5646}", display_name = "Language")] user_language: Option<String>,
    #[claim(id = "correlationId", resolver = "{Context:CorrelationId}", display_name = "Correlation id")] correlation_id: Option<String>,
) -> Result<ValidateEmailClaims, ::claims_runtime::ClaimsError> {
    let _ = (email, user_language, correlation_id);
    Err(not_implemented("REST-ValidateEmail"))
}

/// Output claims of `REST-CapitalizeNames`.
#[derive(::claims_runtime::OutputClaims)]
pub struct CapitalizeNamesClaims {
    /// Output claim `givenName`.
    #[claim(id = "givenName", display_name = "Given name")]
    pub given_name: Option<String>,
    /// Output claim `surname`.
    #[claim(id = "surname", display_name = "Surname")]
    pub surname: Option<String>,
}

/// Capitalize the names
///
/// Imported from the technical profile `REST-CapitalizeNames`.
#[::claims_runtime::claims_handler(
    technical_profile = "REST-CapitalizeNames",
    path = "/names/capitalize",
    send_claims_in = Form,
    auth = Bearer,
    display_name = "Capitalize the names",
    messages = ["not-implemented"],
    send_culture = false,
    send_correlation = false
)]
pub async fn capitalize_names(
    #[claim(id = "givenName", display_name = "Given name")] given_name: String,
    #[claim(id = "surname", display_name = "Surname")] surname: Option<String>,
) -> Result<CapitalizeNamesClaims, ::claims_runtime::ClaimsError> {
    let _ = (given_name, surname);
    Err(not_implemented("REST-CapitalizeNames"))
}

/// Output claims of `REST-GetLoyaltyNumber`.
#[derive(::claims_runtime::OutputClaims)]
pub struct GetLoyaltyNumberClaims {
    /// Output claim `loyaltyNumber`.
    #[claim(id = "loyaltyNumber", display_name = "Loyalty number")]
    pub loyalty_number: Option<String>,
}

/// Get the loyalty number
///
/// Imported from the technical profile `REST-GetLoyaltyNumber`.
#[::claims_runtime::claims_handler(
    technical_profile = "REST-GetLoyaltyNumber",
    path = "/api/loyalty-number",
    send_claims_in = Header,
    auth = ApiKeyHeader("x-functions-key"),
    display_name = "Get the loyalty number",
    messages = ["not-implemented"],
    send_culture = false,
    send_correlation = false
)]
pub async fn get_loyalty_number(
    #[claim(id = "objectId", partner = "X-Object-Id", display_name = "User object id")] object_id: String,
    #[claim(id = "mobile", partner = "X-Mobile", display_name = "Mobile")] mobile: Option<::claims_runtime::PhoneNumber>,
) -> Result<GetLoyaltyNumberClaims, ::claims_runtime::ClaimsError> {
    let _ = (object_id, mobile);
    Err(not_implemented("REST-GetLoyaltyNumber"))
}

/// Output claims of `REST-CountMembers`.
#[derive(::claims_runtime::OutputClaims)]
pub struct CountMembersClaims {
    /// Output claim `memberCount`.
    #[claim(id = "memberCount", partner = "count", default = "0", display_name = "Member count")]
    pub member_count: Option<i32>,
}

/// Count the members of a tier
///
/// Imported from the technical profile `REST-CountMembers`.
#[::claims_runtime::claims_handler(
    technical_profile = "REST-CountMembers",
    path = "/tiers/count",
    send_claims_in = QueryString,
    auth = ClientCertificate,
    display_name = "Count the members of a tier",
    messages = ["not-implemented"],
    send_culture = false,
    send_correlation = false
)]
pub async fn count_members(
    #[claim(id = "loyaltyTier", partner = "tier", default = "gold", display_name = "Loyalty tier")] loyalty_tier: Option<String>,
) -> Result<CountMembersClaims, ::claims_runtime::ClaimsError> {
    let _ = loyalty_tier;
    Err(not_implemented("REST-CountMembers"))
}

/// Output claims of `REST-LookupMember`.
#[derive(::claims_runtime::OutputClaims)]
pub struct LookupMemberClaims {
    /// Output claim `displayName`.
    #[claim(id = "displayName", partner = "name", display_name = "Display name")]
    pub display_name: Option<String>,
    /// Output claim `memberSince`.
    #[claim(id = "memberSince", partner = "since", display_name = "Member since")]
    pub member_since: Option<::chrono::NaiveDate>,
}

/// Look up a member
///
/// Imported from the technical profile `REST-LookupMember`.
#[::claims_runtime::claims_handler(
    technical_profile = "REST-LookupMember",
    path = "/members/{memberId}?lang={lang}",
    send_claims_in = Url,
    auth = Basic,
    display_name = "Look up a member",
    messages = ["not-implemented"],
    send_correlation = false,
    metadata(IncludeClaimResolvingInClaimsHandling = true)
)]
pub async fn lookup_member(
    #[claim(id = "memberId", display_name = "Member id")] member_id: String,
    #[claim(id = "userLanguage", partner = "lang", resolver = "{Culture:RFC5646}", display_name = "Language")] user_language: Option<String>,
) -> Result<LookupMemberClaims, ::claims_runtime::ClaimsError> {
    let _ = (member_id, user_language);
    Err(not_implemented("REST-LookupMember"))
}

/// Output claims of `REST-EnrichProfile`.
#[derive(::claims_runtime::OutputClaims)]
pub struct EnrichProfileClaims {
    /// Output claim `loyaltyTier`.
    #[claim(id = "loyaltyTier", partner = "membership.tier.name", display_name = "Loyalty tier")]
    pub loyalty_tier: Option<String>,
    /// Output claim `primaryEmail`.
    #[claim(id = "primaryEmail", partner = "contacts[0].emails[0].address", display_name = "Primary email")]
    pub primary_email: Option<String>,
    /// Output claim `marketingTags`.
    #[claim(id = "marketingTags", partner = "marketing.tags", display_name = "Marketing tags")]
    pub marketing_tags: Vec<String>,
    /// Output claim `isNewCustomer`.
    #[claim(id = "isNewCustomer", default = "false", always_default, display_name = "New customer")]
    pub is_new_customer: Option<bool>,
}

/// Enrich the token
///
/// Imported from the technical profile `REST-EnrichProfile`.
#[::claims_runtime::claims_handler(
    technical_profile = "REST-EnrichProfile",
    path = "/enrich",
    send_claims_in = Body,
    auth = None,
    display_name = "Enrich the token",
    messages = ["not-implemented"],
    send_culture = false,
    send_correlation = false,
    metadata(AllowInsecureAuthInProduction = true, ResolveJsonPathsInJsonTokens = true)
)]
pub async fn enrich_profile(
    #[claim(id = "objectId", display_name = "User object id")] object_id: String,
) -> Result<EnrichProfileClaims, ::claims_runtime::ClaimsError> {
    let _ = object_id;
    Err(not_implemented("REST-EnrichProfile"))
}

/// Output claims of `REST-SignUp`.
#[derive(::claims_runtime::OutputClaims)]
pub struct SignUpClaims {
    /// Output claim `customerId`.
    #[claim(id = "customerId", partner = "id", display_name = "Customer id")]
    pub customer_id: Option<String>,
}

/// The JSON payload of `REST-SignUp`: `requestBody` written by the GenerateJson `GenerateSignUpBody`.
#[derive(::claims_runtime::ClaimsPayload)]
#[claims_payload(claim = "requestBody", transformation = "GenerateSignUpBody")]
pub struct SignUpPayload {
    /// `email` at `customer.email`.
    #[claim(id = "email", path = "customer.email", display_name = "Email")]
    pub email: Option<String>,
    /// `objectId` at `customer.ids.0`.
    #[claim(id = "objectId", path = "customer.ids.0", display_name = "User object id")]
    pub object_id: Option<String>,
    /// `givenName` at `customer.name.given`.
    #[claim(id = "givenName", path = "customer.name.given", display_name = "Given name")]
    pub given_name: Option<String>,
    /// `appVersion` at `app.version`.
    #[claim(id = "appVersion", path = "app.version", default = "2.1")]
    pub app_version: Option<String>,
    /// `customerConsent` at `customer.consent`.
    #[claim(id = "customerConsent", path = "customer.consent", default = "true")]
    pub customer_consent: Option<bool>,
    /// `metaCorrelationId` at `meta.correlationId`.
    #[claim(id = "metaCorrelationId", path = "meta.correlationId", resolver = "{Context:CorrelationId}")]
    pub meta_correlation_id: Option<String>,
}

/// Create the customer
///
/// Imported from the technical profile `REST-SignUp`.
#[::claims_runtime::claims_handler(
    technical_profile = "REST-SignUp",
    path = "/customers",
    send_claims_in = Body,
    auth = Bearer,
    display_name = "Create the customer",
    messages = ["not-implemented"],
    metadata(IncludeClaimResolvingInClaimsHandling = true)
)]
pub async fn sign_up(
    #[claim(payload)] payload: SignUpPayload,
) -> Result<SignUpClaims, ::claims_runtime::ClaimsError> {
    let _ = payload;
    Err(not_implemented("REST-SignUp"))
}

/// Output claims of `REST-GetPoints`.
#[derive(::claims_runtime::OutputClaims)]
pub struct GetPointsClaims {
    /// Output claim `points`.
    #[claim(id = "points", partner = "balance.points", display_name = "Points")]
    pub points: Option<i64>,
}

/// Get the loyalty points
///
/// Imported from the technical profile `REST-GetPoints`.
#[::claims_runtime::claims_handler(
    technical_profile = "REST-GetPoints",
    path = "/loyalty/points",
    send_claims_in = Form,
    auth = Basic,
    display_name = "Get the loyalty points",
    messages = ["not-implemented"],
    send_culture = false,
    send_correlation = false,
    metadata(ResolveJsonPathsInJsonTokens = true)
)]
pub async fn get_points(
    #[claim(id = "objectId", display_name = "User object id")] object_id: String,
    #[claim(id = "loyaltyNumber", display_name = "Loyalty number")] loyalty_number: String,
) -> Result<GetPointsClaims, ::claims_runtime::ClaimsError> {
    let _ = (object_id, loyalty_number);
    Err(not_implemented("REST-GetPoints"))
}

/// Output claims of `REST-GetOrder`.
#[derive(::claims_runtime::OutputClaims)]
pub struct GetOrderClaims {
    /// Output claim `balance`.
    #[claim(id = "balance", display_name = "Balance")]
    pub balance: Option<String>,
}

/// Get an order
///
/// Imported from the technical profile `REST-GetOrder`.
#[::claims_runtime::claims_handler(
    technical_profile = "REST-GetOrder",
    path = "/orders/{objectId}",
    send_claims_in = Url,
    auth = Bearer(claim = "accessToken"),
    display_name = "Get an order",
    messages = ["not-implemented"],
    send_culture = false,
    send_correlation = false
)]
pub async fn get_order(
    #[claim(id = "objectId", display_name = "User object id")] object_id: Option<String>,
    #[claim(id = "accessToken", display_name = "Access token")] access_token: Option<String>,
) -> Result<GetOrderClaims, ::claims_runtime::ClaimsError> {
    let _ = (object_id, access_token);
    Err(not_implemented("REST-GetOrder"))
}

/// The JSON payload of `REST-SendInvitation`: `invitationBody` written by the GenerateJson `GenerateInvitationBody`.
#[derive(::claims_runtime::ClaimsPayload)]
#[claims_payload(claim = "invitationBody", transformation = "GenerateInvitationBody")]
pub struct SendInvitationPayload {
    /// `email` at `invitee.email`.
    #[claim(id = "email", paths = ["invitee.email", "notify.to"], display_name = "Email")]
    pub email: Option<String>,
}

/// Send an invitation
///
/// Imported from the technical profile `REST-SendInvitation`.
#[::claims_runtime::claims_handler(
    technical_profile = "REST-SendInvitation",
    path = "/invitations",
    send_claims_in = Body,
    auth = Basic,
    display_name = "Send an invitation",
    messages = ["not-implemented"]
)]
pub async fn send_invitation(
    #[claim(payload)] payload: SendInvitationPayload,
) -> Result<(), ::claims_runtime::ClaimsError> {
    let _ = payload;
    Err(not_implemented("REST-SendInvitation"))
}

/// Output claims of `REST-GetBalance`.
#[derive(::claims_runtime::OutputClaims)]
pub struct GetBalanceClaims {
    /// Output claim `balance`.
    #[claim(id = "balance", partner = "balance~current", display_name = "Balance")]
    pub balance: Option<String>,
}

/// Get the balance
///
/// Imported from the technical profile `REST-GetBalance`.
#[::claims_runtime::claims_handler(
    technical_profile = "REST-GetBalance",
    path = "/balance",
    send_claims_in = Body,
    auth = Basic,
    display_name = "Get the balance",
    messages = ["not-implemented"],
    send_culture = false,
    send_correlation = false
)]
pub async fn get_balance(
    #[claim(id = "objectId", display_name = "User object id")] object_id: Option<String>,
) -> Result<GetBalanceClaims, ::claims_runtime::ClaimsError> {
    let _ = object_id;
    Err(not_implemented("REST-GetBalance"))
}

// REST-LinkIdentities was not imported:
// - InputClaimsTransformations (UpperCaseGivenName) other than a payload's GenerateJson run in B2C before the call; a handler cannot declare them
// - claim `alternativeSecurityIds` has DataType `alternativeSecurityIdCollection`, for which the framework has no claim type (supported: string, boolean, int, long, date, dateTime, duration, stringCollection, phoneNumber)

// REST-ValidateEmail-Signin was not imported:
// - POST /validate-email is already served by REST-ValidateEmail: the framework serves one handler per route and method (give this profile its own path)

// REST-CheckResult was not imported:
// - OutputClaimsTransformations (UpperCaseGivenName) run in B2C after the call; a handler cannot declare them (apply them in another technical profile, or compute the claims in the service)

/// Output claims of `REST-GetRewards`.
#[derive(::claims_runtime::OutputClaims)]
pub struct GetRewardsClaims {
    /// Output claim `marketingTags`.
    #[claim(id = "marketingTags", partner = "rewards", display_name = "Marketing tags")]
    pub marketing_tags: Vec<String>,
}

/// Get the rewards
///
/// Imported from the technical profile `REST-GetRewards`.
#[::claims_runtime::claims_handler(
    technical_profile = "REST-GetRewards",
    path = "/loyalty/rewards",
    send_claims_in = Body,
    auth = Basic,
    display_name = "Get the rewards",
    messages = ["not-implemented"],
    send_culture = false,
    send_correlation = false
)]
pub async fn get_rewards(
    #[claim(id = "objectId", display_name = "User object id")] object_id: String,
    #[claim(id = "loyaltyNumber", display_name = "Loyalty number")] loyalty_number: Option<String>,
) -> Result<GetRewardsClaims, ::claims_runtime::ClaimsError> {
    let _ = (object_id, loyalty_number);
    Err(not_implemented("REST-GetRewards"))
}

/// Output claims of `REST-GetOrders`.
#[derive(::claims_runtime::OutputClaims)]
pub struct GetOrdersClaims {
    /// Output claim `balance`.
    #[claim(id = "balance", partner = "orders[0].total", display_name = "Balance")]
    pub balance: Option<String>,
}

/// Get the orders
///
/// Imported from the technical profile `REST-GetOrders`.
#[::claims_runtime::claims_handler(
    technical_profile = "REST-GetOrders",
    path = "/orders",
    send_claims_in = Body,
    auth = Bearer(claim = "accessToken"),
    display_name = "Get the orders",
    messages = ["not-implemented"],
    send_culture = false,
    send_correlation = false,
    metadata(ResolveJsonPathsInJsonTokens = true)
)]
pub async fn get_orders(
    #[claim(id = "objectId", display_name = "User object id")] object_id: String,
    #[claim(id = "accessToken", display_name = "Access token")] access_token: String,
) -> Result<GetOrdersClaims, ::claims_runtime::ClaimsError> {
    let _ = (object_id, access_token);
    Err(not_implemented("REST-GetOrders"))
}

// REST-Audit was not imported:
// - REST-Audit includes `REST-Common-Missing`, which is in no input file (pass the file that declares it too)

// Note (REST-CallFunction): the ServiceUrl query parameter `code` is a secret: it is read from the setting REST_CALL_FUNCTION_CODE when the policy is exported (set it to the original value)
/// Output claims of `REST-CallFunction`.
#[derive(::claims_runtime::OutputClaims)]
pub struct CallFunctionClaims {
    /// Output claim `displayName`.
    #[claim(id = "displayName", key = "user.name", display_name = "Display name")]
    pub display_name: Option<String>,
}

/// Call the function
///
/// Imported from the technical profile `REST-CallFunction`.
#[::claims_runtime::claims_handler(
    technical_profile = "REST-CallFunction",
    path = "/api/HttpTrigger1",
    send_claims_in = Body,
    auth = None,
    display_name = "Call the function",
    messages = ["not-implemented"],
    send_culture = false,
    send_correlation = false,
    query = "code={env:REST_CALL_FUNCTION_CODE}&api-version=2.0",
    service_url = "https://contoso-fn.azurewebsites.net",
    metadata(AllowInsecureAuthInProduction = true, DebugMode = true, IncludeClaimResolvingInClaimsHandling = true, UserMessageIfRequestTimeout = "The function is slow today.")
)]
pub async fn call_function(
    #[claim(id = "email", display_name = "Email")] email: String,
) -> Result<CallFunctionClaims, ::claims_runtime::ClaimsError> {
    let _ = email;
    Err(not_implemented("REST-CallFunction"))
}

/// Render a template
///
/// Imported from the technical profile `REST-RenderTemplate`.
#[::claims_runtime::claims_handler(
    technical_profile = "REST-RenderTemplate",
    path = "/templates",
    send_claims_in = Body,
    auth = None,
    display_name = "Render a template",
    messages = ["not-implemented"],
    send_culture = false,
    send_correlation = false
)]
pub async fn render_template(
    #[claim(id = "email", display_name = "Email")] email: String,
    #[claim(id = "userLanguage", literal_default = "{Culture:LCID}", always_default, display_name = "Language")] user_language: Option<String>,
) -> Result<(), ::claims_runtime::ClaimsError> {
    let _ = (email, user_language);
    Err(not_implemented("REST-RenderTemplate"))
}

/// Output claims of `REST-AssessAccount`.
#[derive(::claims_runtime::OutputClaims)]
pub struct AssessAccountClaims {
    /// Output claim `resultCode`.
    #[claim(id = "resultCode", key = "resultDetails[0].code", display_name = "Result code")]
    pub result_code: Option<String>,
}

/// The JSON payload of `REST-AssessAccount`: `requestBody` written by the GenerateJson `GenerateAssessmentBody`.
#[derive(::claims_runtime::ClaimsPayload)]
#[claims_payload(claim = "requestBody", transformation = "GenerateAssessmentBody")]
pub struct AssessAccountPayload {
    /// `email` at `metadata.email`.
    #[claim(id = "email", path = "metadata.email", display_name = "Email")]
    pub email: Option<String>,
}

/// Assess the account
///
/// Imported from the technical profile `REST-AssessAccount`.
#[::claims_runtime::claims_handler(
    technical_profile = "REST-AssessAccount",
    path = "/v1.0/action/account/create/{objectId}",
    send_claims_in = Body,
    auth = Bearer(claim = "accessToken"),
    display_name = "Assess the account",
    messages = ["not-implemented"]
)]
pub async fn assess_account(
    #[claim(payload)] payload: AssessAccountPayload,
    #[claim(id = "accessToken", display_name = "Access token")] access_token: Option<String>,
    #[claim(id = "objectId", display_name = "User object id")] object_id: Option<String>,
) -> Result<AssessAccountClaims, ::claims_runtime::ClaimsError> {
    let _ = (payload, access_token, object_id);
    Err(not_implemented("REST-AssessAccount"))
}

/// The descriptors of the imported handlers, in policy order.
pub fn specs() -> ::std::vec::Vec<&'static ::claims_runtime::HandlerSpec> {
    ::std::vec![
        validate_email::SPEC,
        capitalize_names::SPEC,
        get_loyalty_number::SPEC,
        count_members::SPEC,
        lookup_member::SPEC,
        enrich_profile::SPEC,
        sign_up::SPEC,
        get_points::SPEC,
        get_order::SPEC,
        send_invitation::SPEC,
        get_balance::SPEC,
        get_rewards::SPEC,
        get_orders::SPEC,
        call_function::SPEC,
        render_template::SPEC,
        assess_account::SPEC,
    ]
}
