use claims_runtime::prelude::*;

// A plain `fn` handler runs on the blocking pool: an `HttpRequest` (not `Send`) cannot go
// there. The second error points at the parameter; make the handler `async` to keep it.
#[claims_handler]
fn handler(#[claim] email: String, req: actix_web::HttpRequest) {
    let _ = (email, req);
}

fn main() {}
