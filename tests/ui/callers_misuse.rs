use claims_runtime::prelude::*;

#[claims_handler(path = "/a", callers(b2c, graph))]
async fn unknown_caller(#[claim] email: String) {
    let _ = email;
}

#[claims_handler(path = "/b", callers(api_connector(step = PostSignIn)))]
async fn unknown_step(#[claim] email: String) {
    let _ = email;
}

#[claims_handler(path = "/c", callers(entra))]
async fn entra_without_event(#[claim] email: String) {
    let _ = email;
}

#[claims_handler(path = "/d", callers(entra(event = OtpSend, path = "/otp/{code}")))]
async fn placeholder_route(#[claim] email: String) {
    let _ = email;
}

#[claims_handler(
    path = "/e",
    callers(entra(event = AttributeCollectionStart), entra(event = AttributeCollectionSubmit))
)]
async fn same_route(#[claim] email: String) {
    let _ = email;
}

#[claims_handler(path = "/f/{id}", send_claims_in = Url, callers(b2c, api_connector(step = PostAttributeCollection)))]
async fn url_path_default(#[claim] id: String) {
    let _ = id;
}

#[claims_handler(path = "/g", callers())]
async fn empty(#[claim] email: String) {
    let _ = email;
}

#[claims_handler(path = "/h", callers(b2c = true))]
async fn b2c_with_value(#[claim] email: String) {
    let _ = email;
}

fn main() {}
