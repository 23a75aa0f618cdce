//! `ClientCertificate` against forgery: a real CA "Contoso Root" signing B2C's certificate, and
//! an attacker CA with the identical name signing a leaf with the identical subject. Over real
//! TLS (the `serve --tls-cert` path, which accepts any certificate at the handshake) and over
//! `X-ARR-ClientCert`. Every refusal carries a `WWW-Authenticate` challenge. Every server a test
//! starts is stopped by it.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;

use actix_web::http::header::HeaderValue;
use actix_web::test::TestRequest;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use claims_runtime::auth::{AuthConfig, ClientAuth, TlsSettings};
use claims_runtime::request::Call;
use claims_runtime::{App, AuthSpec, HandlerSpec, SendClaimsIn};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, DnValue, IsCa, Issuer, KeyPair,
    date_time_ymd,
};
use rustls::RootCertStore;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};

const LEAF_CN: &str = "b2c.contoso.onmicrosoft.com";
const ROOT_CN: &str = "Contoso Root";

/// A CA: its certificate and the means to sign with it.
struct Ca {
    cert: rcgen::Certificate,
    issuer: Issuer<'static, KeyPair>,
}

fn ca(names: &[(DnType, &str)]) -> Ca {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    // rcgen starts with a default CN: these names are the whole DN, in this DER order.
    params.distinguished_name = DistinguishedName::new();
    for (t, v) in names {
        params.distinguished_name.push(t.clone(), *v);
    }
    let cert = params.self_signed(&key).unwrap();
    Ca {
        cert,
        issuer: Issuer::new(params, key),
    }
}

/// An intermediate CA signed by `parent`.
fn intermediate(cn: &str, parent: &Ca) -> Ca {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name = DistinguishedName::new();
    params.distinguished_name.push(DnType::CommonName, cn);
    let cert = params.signed_by(&key, &parent.issuer).unwrap();
    Ca {
        cert,
        issuer: Issuer::new(params, key),
    }
}

/// A client certificate with its PKCS#8 key.
#[derive(Clone)]
struct Leaf {
    der: CertificateDer<'static>,
    key: Vec<u8>,
    /// The certificates a TLS client sends after the leaf (intermediate CAs).
    chain: Vec<CertificateDer<'static>>,
}

fn leaf_with(
    names: &[(DnType, &str)],
    by: &Ca,
    tweak: impl FnOnce(&mut CertificateParams),
) -> Leaf {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    // rcgen starts with a default CN: these names are the whole DN, in this DER order.
    params.distinguished_name = DistinguishedName::new();
    for (t, v) in names {
        params.distinguished_name.push(t.clone(), *v);
    }
    tweak(&mut params);
    Leaf {
        der: params.signed_by(&key, &by.issuer).unwrap().der().clone(),
        key: key.serialize_der(),
        chain: Vec::new(),
    }
}

fn leaf(by: &Ca) -> Leaf {
    leaf_with(&[(DnType::CommonName, LEAF_CN)], by, |_| {})
}

/// The real CA, the attacker's CA with the same name, and the leaves each signs.
struct Forgery {
    real_ca: Ca,
    legit: Leaf,
    forged: Leaf,
    expired: Leaf,
    not_yet_valid: Leaf,
}

fn forgery() -> Forgery {
    let real_ca = ca(&[(DnType::CommonName, ROOT_CN)]);
    let attacker_ca = ca(&[(DnType::CommonName, ROOT_CN)]);
    let subject = |c: &Ca| {
        let (_, x) = x509_parser::parse_x509_certificate(c.cert.der()).unwrap();
        x.subject().as_raw().to_vec()
    };
    assert_eq!(
        subject(&real_ca),
        subject(&attacker_ca),
        "identical CA names"
    );
    let legit = leaf(&real_ca);
    let forged = leaf(&attacker_ca);
    let expired = leaf_with(&[(DnType::CommonName, LEAF_CN)], &real_ca, |p| {
        p.not_before = date_time_ymd(2015, 1, 1);
        p.not_after = date_time_ymd(2020, 1, 1);
    });
    let not_yet_valid = leaf_with(&[(DnType::CommonName, LEAF_CN)], &real_ca, |p| {
        p.not_before = date_time_ymd(2090, 1, 1);
        p.not_after = date_time_ymd(2095, 1, 1);
    });
    Forgery {
        real_ca,
        legit,
        forged,
        expired,
        not_yet_valid,
    }
}

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

fn spec() -> &'static HandlerSpec {
    Box::leak(Box::new(HandlerSpec {
        auth: AuthSpec::ClientCertificate,
        ..HandlerSpec::new("REST-Cert", "/cert", SendClaimsIn::QueryString)
    }))
}

/// Subject + issuer allow-listing with the real CA as trusted root.
fn names_env(root_pem: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v = vec![
        (
            "CLAIMS_CLIENT_CERT_SUBJECT".to_owned(),
            format!("CN={LEAF_CN}"),
        ),
        (
            "CLAIMS_CLIENT_CERT_ISSUER".to_owned(),
            format!("CN={ROOT_CN}"),
        ),
        ("CLAIMS_CLIENT_CERT_CA".to_owned(), root_pem.to_owned()),
    ];
    v.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    v
}

fn load(s: &'static HandlerSpec, pairs: &[(String, String)]) -> Result<AuthConfig, String> {
    let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (&**k, &**v)).collect();
    AuthConfig::load([s], env(&refs)).map_err(|e| e.to_string())
}

const CHALLENGE: &str = r#"ClientCertificate realm="b2c""#;

/// Status and challenge of the guard's answer (200 for accepted).
fn outcome(cfg: &AuthConfig, s: &HandlerSpec, req: &HttpRequest) -> (u16, Option<String>) {
    match cfg.authorize(s, req) {
        Ok(()) => (200, None),
        Err(e) => (e.status().as_u16(), e.challenge().map(str::to_owned)),
    }
}

fn b64(der: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(der)
}

/// A request carrying `der` in `X-ARR-ClientCert`, from `peer`.
fn arr_request(der: &[u8], peer: &str) -> HttpRequest {
    TestRequest::get()
        .uri("/cert")
        .peer_addr(peer.parse().unwrap())
        .insert_header((
            "X-ARR-ClientCert",
            HeaderValue::from_str(&b64(der)).unwrap(),
        ))
        .to_http_request()
}

// ---- real TLS ----

struct ServerPki {
    ca_der: CertificateDer<'static>,
    cert_pem: String,
    key_pem: String,
}

fn server_pki() -> ServerPki {
    let ca = ca(&[(DnType::CommonName, "claims test server CA")]);
    let key = KeyPair::generate().unwrap();
    let params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    let cert = params.signed_by(&key, &ca.issuer).unwrap();
    ServerPki {
        ca_der: ca.cert.der().clone(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    }
}

async fn guarded(
    req: HttpRequest,
    payload: web::Payload,
    spec: web::Data<&'static HandlerSpec>,
) -> HttpResponse {
    match Call::begin(spec.get_ref(), &req, payload).await {
        Ok(_) => HttpResponse::Ok().body("ok"),
        Err(resp) => resp,
    }
}

/// The app's own HTTPS server (`App::into_tls_server`, what `serve --tls-cert` runs) with the
/// ClientCertificate guard on /cert and `ClientAuth::AnyCertificate` at the handshake.
fn start_tls(auth: AuthConfig, pki: &ServerPki) -> (SocketAddr, actix_web::dev::ServerHandle) {
    let s = spec();
    let mut app = App::empty().configure(move |cfg| {
        cfg.app_data(web::Data::new(s));
        cfg.route("/cert", web::get().to(guarded));
    });
    app.config_mut().auth = auth;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let tls = TlsSettings::from_pem(pki.cert_pem.clone(), pki.key_pem.clone())
        .client_auth(ClientAuth::AnyCertificate);
    let server = app.into_tls_server(listener, tls).unwrap();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (addr, handle)
}

/// GET /cert over TLS 1.3: the status (0 when the exchange failed) and the challenge.
fn https_get_blocking(
    addr: SocketAddr,
    ca: &CertificateDer<'static>,
    client: Option<&Leaf>,
    header: Option<&str>,
) -> (u16, Option<String>) {
    let mut roots = RootCertStore::empty();
    roots.add(ca.clone()).unwrap();
    let builder = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_protocol_versions(&[&rustls::version::TLS13])
    .unwrap()
    .with_root_certificates(roots);
    let config = match client {
        Some(c) => builder
            .with_client_auth_cert(
                std::iter::once(c.der.clone())
                    .chain(c.chain.iter().cloned())
                    .collect(),
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(c.key.clone())),
            )
            .unwrap(),
        None => builder.with_no_client_auth(),
    };
    let conn =
        rustls::ClientConnection::new(Arc::new(config), ServerName::try_from("localhost").unwrap())
            .unwrap();
    let sock = TcpStream::connect(addr).unwrap();
    sock.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut tls = rustls::StreamOwned::new(conn, sock);
    let extra = header
        .map(|v| format!("X-ARR-ClientCert: {v}\r\n"))
        .unwrap_or_default();
    let req = format!("GET /cert HTTP/1.1\r\nHost: localhost\r\n{extra}Connection: close\r\n\r\n");
    if tls.write_all(req.as_bytes()).is_err() {
        return (0, None);
    }
    let mut buf = Vec::new();
    let _ = tls.read_to_end(&mut buf); // a missing close_notify is not our concern here
    let text = String::from_utf8_lossy(&buf);
    let head = text.split("\r\n\r\n").next().unwrap_or("");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let challenge = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("www-authenticate")
            .then(|| value.trim().to_owned())
    });
    (status, challenge)
}

async fn https_get(
    addr: SocketAddr,
    ca: &CertificateDer<'static>,
    client: Option<&Leaf>,
    header: Option<&str>,
) -> (u16, Option<String>) {
    let ca = ca.clone();
    let client = client.cloned();
    let header = header.map(str::to_owned);
    actix_web::rt::task::spawn_blocking(move || {
        https_get_blocking(addr, &ca, client.as_ref(), header.as_deref())
    })
    .await
    .unwrap()
}

fn assert_refused(what: &str, got: (u16, Option<String>)) {
    assert!(
        matches!(got.0, 401 | 403),
        "{what}: want 401/403, got {}",
        got.0
    );
    assert_eq!(
        got.1.as_deref(),
        Some(CHALLENGE),
        "{what}: the refusal carries a challenge"
    );
}

#[actix_web::test]
async fn forged_ca_with_same_names_is_refused_over_tls() {
    let f = forgery();
    let pki = server_pki();
    let s = spec();
    let auth = load(s, &names_env(&f.real_ca.cert.pem(), &[])).unwrap();
    let (addr, handle) = start_tls(auth, &pki);

    let legit = https_get(addr, &pki.ca_der, Some(&f.legit), None).await;
    let forged = https_get(addr, &pki.ca_der, Some(&f.forged), None).await;
    let expired = https_get(addr, &pki.ca_der, Some(&f.expired), None).await;
    let early = https_get(addr, &pki.ca_der, Some(&f.not_yet_valid), None).await;
    let none = https_get(addr, &pki.ca_der, None, None).await;
    handle.stop(true).await;

    assert_eq!(legit.0, 200, "the legitimate certificate is accepted");
    assert_refused("forged chain with the same names", forged);
    assert_refused("expired leaf", expired);
    assert_refused("not-yet-valid leaf", early);
    assert_refused("no certificate", none);
}

#[test]
fn forged_ca_with_same_names_is_refused_in_x_arr_client_cert() {
    let f = forgery();
    let s = spec();
    let cfg = load(
        s,
        &names_env(
            &f.real_ca.cert.pem(),
            &[
                ("CLAIMS_TRUST_ARR_CLIENT_CERT", "true"),
                ("CLAIMS_TRUSTED_PROXIES", "10.0.0.0/24"),
            ],
        ),
    )
    .unwrap();
    let proxy = "10.0.0.7:50000";
    assert_eq!(
        outcome(&cfg, s, &arr_request(&f.legit.der, proxy)).0,
        200,
        "the legitimate certificate from the proxy is accepted"
    );
    for (what, leaf) in [
        ("forged chain with the same names", &f.forged),
        ("expired leaf", &f.expired),
        ("not-yet-valid leaf", &f.not_yet_valid),
    ] {
        assert_refused(what, outcome(&cfg, s, &arr_request(&leaf.der, proxy)));
    }
    let none = TestRequest::get()
        .peer_addr(proxy.parse().unwrap())
        .to_http_request();
    assert_refused("no header", outcome(&cfg, s, &none));
}

#[test]
fn subject_and_issuer_compare_as_distinguished_names() {
    let s = spec();
    let proxy = "127.0.0.1:40000";
    let arr = [
        ("CLAIMS_TRUST_ARR_CLIENT_CERT", "true"),
        ("CLAIMS_TRUSTED_PROXIES", "127.0.0.1"),
    ];

    // Case: a certificate from the trusted CA whose subject differs only in case is another DN.
    let real_ca = ca(&[(DnType::CommonName, ROOT_CN)]);
    let legit = leaf(&real_ca);
    let other_case = leaf_with(
        &[(DnType::CommonName, "B2C.Contoso.onmicrosoft.com")],
        &real_ca,
        |_| {},
    );
    let cfg = load(s, &names_env(&real_ca.cert.pem(), &arr)).unwrap();
    assert_eq!(outcome(&cfg, s, &arr_request(&legit.der, proxy)).0, 200);
    assert_refused(
        "the subject in other case",
        outcome(&cfg, s, &arr_request(&other_case.der, proxy)),
    );

    // Order: RFC 4514 text lists the most specific RDN first, so "CN=b2c...,O=Contoso" is the
    // DER sequence [O=Contoso][CN=b2c...].
    let real_ca = ca(&[
        (DnType::OrganizationName, "Contoso"),
        (DnType::CommonName, ROOT_CN),
    ]);
    let exact = leaf_with(
        &[
            (DnType::OrganizationName, "Contoso"),
            (DnType::CommonName, LEAF_CN),
        ],
        &real_ca,
        |_| {},
    );
    // The same names as PrintableString instead of UTF8String: the same DN.
    let printable = leaf_with(&[], &real_ca, |p| {
        let text = |v: &str| DnValue::PrintableString(v.try_into().unwrap());
        p.distinguished_name
            .push(DnType::OrganizationName, text("Contoso"));
        p.distinguished_name.push(DnType::CommonName, text(LEAF_CN));
    });
    let reversed = leaf_with(
        &[
            (DnType::CommonName, LEAF_CN),
            (DnType::OrganizationName, "Contoso"),
        ],
        &real_ca,
        |_| {},
    );
    let mut pairs = vec![
        (
            "CLAIMS_CLIENT_CERT_SUBJECT".to_owned(),
            format!("CN={LEAF_CN}, O=Contoso"),
        ),
        (
            "CLAIMS_CLIENT_CERT_ISSUER".to_owned(),
            format!("cn={ROOT_CN},o=Contoso"),
        ),
        ("CLAIMS_CLIENT_CERT_CA".to_owned(), real_ca.cert.pem()),
    ];
    pairs.extend(arr.map(|(k, v)| (k.to_owned(), v.to_owned())));
    let cfg = load(s, &pairs).unwrap();
    assert_eq!(
        outcome(&cfg, s, &arr_request(&exact.der, proxy)).0,
        200,
        "the same DN is accepted"
    );
    assert_eq!(
        outcome(&cfg, s, &arr_request(&printable.der, proxy)).0,
        200,
        "the same DN in PrintableString is accepted"
    );
    assert_refused(
        "the same RDNs in the other order",
        outcome(&cfg, s, &arr_request(&reversed.der, proxy)),
    );

    // A name that is not RFC 4514 refuses to start.
    let err = load(
        s,
        &[
            (
                "CLAIMS_CLIENT_CERT_SUBJECT".to_owned(),
                "not a DN".to_owned(),
            ),
            (
                "CLAIMS_CLIENT_CERT_ISSUER".to_owned(),
                format!("CN={ROOT_CN}"),
            ),
            ("CLAIMS_CLIENT_CERT_CA".to_owned(), real_ca.cert.pem()),
        ],
    )
    .unwrap_err();
    assert!(err.contains("CLAIMS_CLIENT_CERT_SUBJECT"), "{err}");
}

#[test]
fn subject_issuer_without_trusted_roots_refuses_to_start() {
    let s = spec();
    let err = load(
        s,
        &[
            (
                "CLAIMS_CLIENT_CERT_SUBJECT".to_owned(),
                format!("CN={LEAF_CN}"),
            ),
            (
                "CLAIMS_CLIENT_CERT_ISSUER".to_owned(),
                format!("CN={ROOT_CN}"),
            ),
        ],
    )
    .unwrap_err();
    assert!(err.contains("CLAIMS_CLIENT_CERT_CA_FILE"), "{err}");

    // A CA file that holds no certificate is refused too.
    let err = load(
        s,
        &names_env("-----BEGIN NOTHING-----\n-----END NOTHING-----", &[]),
    )
    .unwrap_err();
    assert!(err.contains("CLAIMS_CLIENT_CERT_CA"), "{err}");
}

#[test]
fn client_ca_file_set_in_code_is_used() {
    // What `serve --client-ca PEM` does.
    let f = forgery();
    let path = std::env::temp_dir().join(format!(
        "claims-client-ca-{}-{}.pem",
        std::process::id(),
        line!()
    ));
    std::fs::write(&path, f.real_ca.cert.pem()).unwrap();
    let s = spec();
    let mut cfg = AuthConfig::default();
    cfg.use_client_ca_file(&path);
    let resolved = cfg.resolve(
        [s],
        env(&[
            ("CLAIMS_CLIENT_CERT_SUBJECT", &format!("CN={LEAF_CN}")),
            ("CLAIMS_CLIENT_CERT_ISSUER", &format!("CN={ROOT_CN}")),
            ("CLAIMS_TRUST_ARR_CLIENT_CERT", "true"),
            ("CLAIMS_TRUSTED_PROXIES", "::1/128"),
        ]),
    );
    std::fs::remove_file(&path).unwrap();
    resolved.unwrap();
    let proxy = "[::1]:40000";
    assert_eq!(outcome(&cfg, s, &arr_request(&f.legit.der, proxy)).0, 200);
    assert_refused(
        "forged chain",
        outcome(&cfg, s, &arr_request(&f.forged.der, proxy)),
    );
}

#[test]
fn x_arr_client_cert_from_untrusted_peer_is_refused() {
    let f = forgery();
    let s = spec();
    let cfg = load(
        s,
        &names_env(
            &f.real_ca.cert.pem(),
            &[
                ("CLAIMS_TRUST_ARR_CLIENT_CERT", "true"),
                ("CLAIMS_TRUSTED_PROXIES", "10.0.0.0/24, 192.168.1.10"),
            ],
        ),
    )
    .unwrap();
    assert_eq!(
        outcome(&cfg, s, &arr_request(&f.legit.der, "192.168.1.10:1234")).0,
        200
    );
    for peer in ["10.0.1.7:1234", "192.168.1.11:1234", "127.0.0.1:1234"] {
        assert_refused(
            &format!("header from {peer}"),
            outcome(&cfg, s, &arr_request(&f.legit.der, peer)),
        );
    }
    // No peer address at all (e.g. a Unix socket) is not a trusted proxy either.
    let no_peer = TestRequest::get()
        .insert_header((
            "X-ARR-ClientCert",
            HeaderValue::from_str(&b64(&f.legit.der)).unwrap(),
        ))
        .to_http_request();
    assert_refused("header without a peer address", outcome(&cfg, s, &no_peer));
}

#[test]
fn trust_arr_client_cert_without_trusted_proxies_refuses_to_start() {
    let f = forgery();
    let s = spec();
    let err = load(
        s,
        &names_env(
            &f.real_ca.cert.pem(),
            &[("CLAIMS_TRUST_ARR_CLIENT_CERT", "true")],
        ),
    )
    .unwrap_err();
    assert!(err.contains("CLAIMS_TRUSTED_PROXIES"), "{err}");
    let err = load(
        s,
        &names_env(
            &f.real_ca.cert.pem(),
            &[
                ("CLAIMS_TRUST_ARR_CLIENT_CERT", "true"),
                ("CLAIMS_TRUSTED_PROXIES", "10.0.0.300/8"),
            ],
        ),
    )
    .unwrap_err();
    assert!(err.contains("CLAIMS_TRUSTED_PROXIES"), "{err}");
}

#[actix_web::test]
async fn x_arr_client_cert_on_the_tls_listener_is_ignored() {
    let f = forgery();
    let pki = server_pki();
    let s = spec();
    // Loopback is even listed as a trusted proxy: the TLS listener still never reads the header.
    let auth = load(
        s,
        &names_env(
            &f.real_ca.cert.pem(),
            &[
                ("CLAIMS_TRUST_ARR_CLIENT_CERT", "true"),
                ("CLAIMS_TRUSTED_PROXIES", "127.0.0.0/8"),
            ],
        ),
    )
    .unwrap();
    let (addr, handle) = start_tls(auth, &pki);
    let header = b64(&f.legit.der);
    let with_header = https_get(addr, &pki.ca_der, None, Some(&header)).await;
    let with_cert = https_get(addr, &pki.ca_der, Some(&f.legit), None).await;
    handle.stop(true).await;
    assert_refused("X-ARR-ClientCert over the app's own TLS", with_header);
    assert_eq!(with_cert.0, 200, "the certificate itself still works");
}

#[test]
fn client_certificate_401_has_www_authenticate() {
    let f = forgery();
    let s = spec();
    let cfg = load(
        s,
        &[("CLAIMS_CLIENT_CERT_THUMBPRINTS".to_owned(), "00".repeat(32))],
    )
    .unwrap();
    let (status, challenge) = outcome(&cfg, s, &TestRequest::get().to_http_request());
    assert_eq!(status, 401);
    assert_eq!(challenge.as_deref(), Some(CHALLENGE));
    // Not configured at all (mounted without resolving): 401 with the challenge too.
    let empty = AuthConfig::load(std::iter::empty(), |_| None).unwrap();
    assert_refused(
        "not configured",
        outcome(&empty, s, &arr_request(&f.legit.der, "10.0.0.1:1")),
    );
}

#[test]
fn thumbprint_pins_work_without_roots_and_check_dates() {
    let f = forgery();
    let s = spec();
    let sha256 = |der: &[u8]| -> String {
        ring::digest::digest(&ring::digest::SHA256, der)
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let pins = format!("{},{}", sha256(&f.legit.der), sha256(&f.expired.der));
    let cfg = load(
        s,
        &[
            ("CLAIMS_CLIENT_CERT_THUMBPRINTS".to_owned(), pins),
            ("CLAIMS_TRUST_ARR_CLIENT_CERT".to_owned(), "true".to_owned()),
            ("CLAIMS_TRUSTED_PROXIES".to_owned(), "10.0.0.1".to_owned()),
        ],
    )
    .unwrap();
    let proxy = "10.0.0.1:443";
    assert_eq!(outcome(&cfg, s, &arr_request(&f.legit.der, proxy)).0, 200);
    assert_refused(
        "pinned but expired",
        outcome(&cfg, s, &arr_request(&f.expired.der, proxy)),
    );
    assert_refused(
        "not pinned (forged chain)",
        outcome(&cfg, s, &arr_request(&f.forged.der, proxy)),
    );
}

#[actix_web::test]
async fn intermediate_ca_completes_the_chain() {
    const ISSUING_CN: &str = "Contoso Issuing CA 1";
    let root = ca(&[(DnType::CommonName, ROOT_CN)]);
    let issuing = intermediate(ISSUING_CN, &root);
    let mut with_chain = leaf(&issuing);
    with_chain.chain = vec![issuing.cert.der().clone()];
    let mut alone = with_chain.clone();
    alone.chain.clear();
    let s = spec();
    let pairs = |ca_pem: String| {
        vec![
            (
                "CLAIMS_CLIENT_CERT_SUBJECT".to_owned(),
                format!("CN={LEAF_CN}"),
            ),
            (
                "CLAIMS_CLIENT_CERT_ISSUER".to_owned(),
                format!("CN={ISSUING_CN}"),
            ),
            ("CLAIMS_CLIENT_CERT_CA".to_owned(), ca_pem),
            ("CLAIMS_TRUST_ARR_CLIENT_CERT".to_owned(), "true".to_owned()),
            ("CLAIMS_TRUSTED_PROXIES".to_owned(), "10.0.0.0/8".to_owned()),
        ]
    };
    let auth = load(s, &pairs(root.cert.pem())).unwrap();
    let pki = server_pki();
    let (addr, handle) = start_tls(auth.clone(), &pki);
    let sent = https_get(addr, &pki.ca_der, Some(&with_chain), None).await;
    let not_sent = https_get(addr, &pki.ca_der, Some(&alone), None).await;
    handle.stop(true).await;
    assert_eq!(sent.0, 200, "the client sends its intermediate over TLS");
    assert_refused("intermediate neither sent nor trusted", not_sent);

    // X-ARR-ClientCert carries the leaf only: the issuing CA must be in the CA file.
    let proxy = "10.0.0.1:1";
    assert_refused(
        "header with the root alone in the CA file",
        outcome(&auth, s, &arr_request(&with_chain.der, proxy)),
    );
    let both = load(s, &pairs(root.cert.pem() + &issuing.cert.pem())).unwrap();
    assert_eq!(
        outcome(&both, s, &arr_request(&with_chain.der, proxy)).0,
        200
    );
}
