//! Payload mode with a generic output set.
use claims_runtime::prelude::*;

#[derive(ClaimsPayload)]
#[claims_payload(claim = "requestBody", transformation = "GenerateRequestBody")]
struct SignUp {
    #[claim(path = "customer.email", display_name = "Email", input_type = EmailBox)]
    email: String,
    #[claim(id = "objectId", path = "customer.ids.0")]
    object_id: String,
    #[claim(path = "customer.ids.1", default = "none", always_default)]
    second: Option<String>,
    #[claim(resolver = "{Context:CorrelationId}")]
    correlation_id: CorrelationId,
}

#[derive(OutputClaims)]
struct Out<T> {
    value: T,
}

/// Payload.
#[claims_handler]
async fn sign_up(#[claim(payload)] body: SignUp, data: Data<u32>) -> Result<Out<bool>, ClaimsError> {
    let _ = (body.email, body.object_id, body.second, body.correlation_id, data);
    Ok(Out { value: true })
}

fn main() {
    assert_eq!(sign_up::SPEC.payload.unwrap().fields.len(), 4);
}
