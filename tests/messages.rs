//! Message ids a handler renders are checked against the catalogs before the app serves: a typo
//! is a startup refusal naming the handler, the id and the nearest existing id.

use std::io::{Read as _, Write as _};

use claims_runtime::prelude::*;

const EN: &str = "\
wrong-password = The password is wrong.
member-not-found = No member with this e-mail address.
from-helper = A message built in a helper.
";

/// A typo in a literal id.
#[claims_handler(path = "/typo", auth = None)]
fn typo(#[claim] password: String) -> Result<(), ClaimsError> {
    if password.is_empty() {
        return Err(ClaimsError::user("wrong-pasword"));
    }
    Ok(())
}

/// Every id right; one comes from a helper and is declared.
#[claims_handler(path = "/correct", auth = None, messages = ["from-helper"])]
async fn correct(#[claim] email: String) -> Result<(), ClaimsError> {
    match email.as_str() {
        "" => Err(ClaimsError::user("member-not-found").arg("email", email)),
        "helper" => Err(helper()),
        _ => Err(ClaimsError::bad_request("wrong-password")),
    }
}

fn helper() -> ClaimsError {
    ClaimsError::user("from-helper")
}

/// A block page's id is collected like a user message's.
#[claims_handler(path = "/blocks", auth = None)]
fn blocks(#[claim] email: String) -> Result<(), ClaimsError> {
    if email.ends_with("@blocked.example") {
        return Err(ClaimsError::block("domain-blocked"));
    }
    Ok(())
}

/// An id only a helper renders, declared with the wrong spelling.
#[claims_handler(path = "/declared", auth = None, messages = ["member-not-fund"])]
fn declared(#[claim] _email: String) {}

#[test]
fn the_macro_collects_literal_and_declared_ids() {
    assert_eq!(typo::SPEC.messages, ["wrong-pasword"]);
    assert_eq!(
        correct::SPEC.messages,
        ["from-helper", "member-not-found", "wrong-password"]
    );
    assert_eq!(blocks::SPEC.messages, ["domain-blocked"]);
}

#[test]
fn a_typo_refuses_to_start_naming_handler_id_and_suggestion() {
    let app = App::empty().handler(typo::SPEC).messages("en", EN);
    let err = app
        .validate()
        .expect_err("a missing message id must refuse startup");
    let text = err.to_string();
    assert!(text.contains("\"wrong-pasword\""), "{text}");
    assert!(text.contains("typo (REST-Typo)"), "{text}");
    assert!(text.contains("did you mean \"wrong-password\"?"), "{text}");
    // The same refusal from the localization check alone.
    let text = app.check_localization().unwrap_err().to_string();
    assert!(text.contains("wrong-pasword"), "{text}");
}

#[test]
fn a_declared_id_is_checked_too() {
    let app = App::empty().handler(declared::SPEC).messages("en", EN);
    let text = app.validate().unwrap_err().to_string();
    assert!(
        text.contains("\"member-not-fund\"") && text.contains("did you mean \"member-not-found\"?"),
        "{text}"
    );
}

#[test]
fn an_id_far_from_every_catalog_id_gets_no_suggestion() {
    let app = App::empty()
        .handler(typo::SPEC)
        .messages("en", "unrelated-text = x\n");
    let text = app.validate().unwrap_err().to_string();
    assert!(text.contains("\"wrong-pasword\""), "{text}");
    assert!(!text.contains("did you mean"), "{text}");
}

#[test]
fn a_required_id_gets_a_suggestion() {
    let app = App::empty()
        .messages("en", EN)
        .require_messages(&["wrong-passwort"]);
    let text = app.validate().unwrap_err().to_string();
    assert!(text.contains("did you mean \"wrong-password\"?"), "{text}");
}

#[actix_web::test]
async fn server_refuses_the_typo_and_starts_the_correct_app() {
    let refused = App::empty()
        .handler(typo::SPEC)
        .messages("en", EN)
        .server("127.0.0.1:0");
    let err = refused.err().expect("the server must not start");
    assert!(err.to_string().contains("wrong-pasword"), "{err}");

    let (server, addrs) = App::empty()
        .handler(correct::SPEC)
        .messages("en", EN)
        .server("127.0.0.1:0")
        .expect("a correct app starts");
    let handle = server.handle();
    let running = actix_web::rt::spawn(server);
    let addr = addrs[0];
    // One request through a real socket: the id renders as its catalog text.
    let reply = actix_web::rt::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        let body = r#"{"email":""}"#;
        write!(
            s,
            "POST /correct HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    })
    .await
    .unwrap();
    handle.stop(true).await;
    running.await.unwrap().unwrap();
    assert!(reply.starts_with("HTTP/1.1 409"), "{reply}");
    assert!(
        reply.contains("No member with this e-mail address."),
        "{reply}"
    );
}
