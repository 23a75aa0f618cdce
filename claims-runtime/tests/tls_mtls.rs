//! HTTPS and mutual TLS over real loopback connections: certificates generated here with rcgen,
//! a rustls client, negotiated protocol versions checked for TLS 1.2 and 1.3 separately. Every
//! server a test starts is stopped by it.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;

use actix_web::http::header::HeaderValue;
use actix_web::test::TestRequest;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use claims_runtime::auth::{AuthConfig, ClientAuth, TlsSettings, TlsVersion, peer_cert_on_connect};
use claims_runtime::request::Call;
use claims_runtime::{AuthSpec, ClaimsConfig, HandlerSpec, SendClaimsIn};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::{ProtocolVersion, RootCertStore};

struct Pki {
    ca_der: CertificateDer<'static>,
    server_cert_pem: String,
    server_key_pem: String,
}

fn pki() -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "claims test CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let server_key = KeyPair::generate().unwrap();
    let server_params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    let server_cert = server_params.signed_by(&server_key, &issuer).unwrap();
    Pki {
        ca_der: ca_cert.der().clone(),
        server_cert_pem: server_cert.pem(),
        server_key_pem: server_key.serialize_pem(),
    }
}

struct ClientCert {
    der: CertificateDer<'static>,
    key: Vec<u8>,
}

fn client_cert(cn: &str) -> ClientCert {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, cn);
    let cert = params.self_signed(&key).unwrap();
    ClientCert {
        der: cert.der().clone(),
        key: key.serialize_der(),
    }
}

fn sha256_hex(der: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, der)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn sha1_hex(der: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, der)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02X}:"))
        .collect::<String>()
        .trim_end_matches(':')
        .to_owned()
}

/// GET `path` over TLS; returns the HTTP status (0 when the exchange failed) and the version.
fn https_get(
    addr: SocketAddr,
    ca: &CertificateDer<'static>,
    version: &'static rustls::SupportedProtocolVersion,
    client: Option<&ClientCert>,
    path: &str,
) -> (u16, Option<ProtocolVersion>) {
    let mut roots = RootCertStore::empty();
    roots.add(ca.clone()).unwrap();
    let builder = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_protocol_versions(&[version])
    .unwrap()
    .with_root_certificates(roots);
    let config = match client {
        Some(c) => builder
            .with_client_auth_cert(
                vec![c.der.clone()],
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
    let req = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    if tls.write_all(req.as_bytes()).is_err() {
        return (0, tls.conn.protocol_version());
    }
    let mut buf = Vec::new();
    let _ = tls.read_to_end(&mut buf); // a missing close_notify is not our concern here
    let text = String::from_utf8_lossy(&buf);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, tls.conn.protocol_version())
}

fn spec(auth: AuthSpec) -> &'static HandlerSpec {
    Box::leak(Box::new(HandlerSpec {
        technical_profile: "REST-Cert",
        display_name: "cert",
        description: None,
        path: "/cert",
        send_claims_in: SendClaimsIn::QueryString,
        auth,
        inputs: &[],
        outputs: &[],
        payload: None,
        deadline_ms: None,
        idempotent: false,
        rust_fn: "cert",
        module: "tests",
    }))
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

/// An HTTPS server with the ClientCertificate guard on /cert, on 127.0.0.1:0.
fn start_server(auth: AuthConfig, tls: TlsSettings) -> (SocketAddr, actix_web::dev::ServerHandle) {
    let s = spec(AuthSpec::ClientCertificate);
    let config = web::Data::new(ClaimsConfig {
        auth,
        ..ClaimsConfig::default()
    });
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .app_data(config.clone())
            .app_data(web::Data::new(s))
            .route("/cert", web::get().to(guarded))
    })
    .workers(1)
    .disable_signals()
    .on_connect(peer_cert_on_connect)
    .listen_rustls_0_23(listener, tls.server_config().unwrap())
    .unwrap()
    .run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (addr, handle)
}

async fn get(
    addr: SocketAddr,
    ca: &CertificateDer<'static>,
    version: &'static rustls::SupportedProtocolVersion,
    client: Option<&ClientCert>,
    path: &'static str,
) -> (u16, Option<ProtocolVersion>) {
    let ca = ca.clone();
    let client = client.map(|c| ClientCert {
        der: c.der.clone(),
        key: c.key.clone(),
    });
    actix_web::rt::task::spawn_blocking(move || {
        https_get(addr, &ca, version, client.as_ref(), path)
    })
    .await
    .unwrap()
}

#[actix_web::test]
async fn mtls_allow_list_over_tls12_and_tls13() {
    let pki = pki();
    let allowed = client_cert("b2c.contoso.onmicrosoft.com");
    let rollover = client_cert("b2c-next.contoso.onmicrosoft.com");
    let unknown = client_cert("someone-else");
    let thumbprints = format!("{}, {}", sha256_hex(&allowed.der), sha1_hex(&rollover.der));
    let s = spec(AuthSpec::ClientCertificate);
    let auth = AuthConfig::load([s], move |k| {
        (k == "CLAIMS_CLIENT_CERT_THUMBPRINTS").then(|| thumbprints.clone())
    })
    .unwrap();
    let tls = TlsSettings::from_pem(pki.server_cert_pem.clone(), pki.server_key_pem.clone())
        .client_auth(ClientAuth::AnyCertificate);
    let (addr, handle) = start_server(auth, tls);

    for (version, want) in [
        (&rustls::version::TLS12, ProtocolVersion::TLSv1_2),
        (&rustls::version::TLS13, ProtocolVersion::TLSv1_3),
    ] {
        let (status, v) = get(addr, &pki.ca_der, version, Some(&allowed), "/cert").await;
        assert_eq!(
            (status, v),
            (200, Some(want)),
            "allowed cert (SHA-256 pin) over {want:?}"
        );
        let (status, _) = get(addr, &pki.ca_der, version, Some(&rollover), "/cert").await;
        assert_eq!(status, 200, "rollover cert (SHA-1 pin) over {want:?}");
        let (status, _) = get(addr, &pki.ca_der, version, Some(&unknown), "/cert").await;
        assert_eq!(status, 403, "unknown cert over {want:?}");
        let (status, v) = get(addr, &pki.ca_der, version, None, "/cert").await;
        assert_eq!((status, v), (401, Some(want)), "no cert over {want:?}");
    }
    handle.stop(true).await;
}

#[actix_web::test]
async fn mtls_with_trusted_roots_and_subject_issuer() {
    let pki = pki();
    // A client CA and a client certificate it signs.
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Client CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "b2c.contoso.onmicrosoft.com");
    let signed = ClientCert {
        der: params.signed_by(&key, &issuer).unwrap().der().clone(),
        key: key.serialize_der(),
    };
    let s = spec(AuthSpec::ClientCertificate);
    let ca_pem = ca_cert.pem();
    let auth = AuthConfig::load([s], move |k| match k {
        "CLAIMS_CLIENT_CERT_SUBJECT" => Some("CN=b2c.contoso.onmicrosoft.com".into()),
        "CLAIMS_CLIENT_CERT_ISSUER" => Some("cn = Client CA".into()),
        "CLAIMS_CLIENT_CERT_CA" => Some(ca_pem.clone()),
        _ => None,
    })
    .unwrap();
    let tls = TlsSettings::from_pem(pki.server_cert_pem.clone(), pki.server_key_pem.clone())
        .client_auth(ClientAuth::TrustedRoots(ca_cert.pem().into_bytes()));
    let (addr, handle) = start_server(auth, tls);
    let (status, v) = get(
        addr,
        &pki.ca_der,
        &rustls::version::TLS13,
        Some(&signed),
        "/cert",
    )
    .await;
    assert_eq!((status, v), (200, Some(ProtocolVersion::TLSv1_3)));
    // A self-signed certificate copying the subject and issuer names fails the chain check.
    let impostor_key = KeyPair::generate().unwrap();
    let mut ip = CertificateParams::new(Vec::<String>::new()).unwrap();
    ip.distinguished_name
        .push(DnType::CommonName, "b2c.contoso.onmicrosoft.com");
    let impostor = ClientCert {
        der: ip.self_signed(&impostor_key).unwrap().der().clone(),
        key: impostor_key.serialize_der(),
    };
    let (status, _) = get(
        addr,
        &pki.ca_der,
        &rustls::version::TLS13,
        Some(&impostor),
        "/cert",
    )
    .await;
    assert_ne!(status, 200, "an untrusted chain is refused");
    handle.stop(true).await;
}

#[actix_web::test]
async fn app_serves_tls12_and_tls13_only_as_configured() {
    let pki = pki();
    for (versions, probe, ok) in [
        (
            vec![TlsVersion::Tls12, TlsVersion::Tls13],
            &rustls::version::TLS12,
            true,
        ),
        (
            vec![TlsVersion::Tls12, TlsVersion::Tls13],
            &rustls::version::TLS13,
            true,
        ),
        (vec![TlsVersion::Tls13], &rustls::version::TLS12, false),
        (vec![TlsVersion::Tls12], &rustls::version::TLS13, false),
    ] {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let tls = TlsSettings::from_pem(pki.server_cert_pem.clone(), pki.server_key_pem.clone())
            .versions(&versions);
        let server = claims_runtime::App::empty()
            .into_tls_server(listener, tls)
            .unwrap();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        let (status, v) = get(addr, &pki.ca_der, probe, None, "/nothing-here").await;
        if ok {
            assert_eq!(
                status, 404,
                "HTTP answer over TLS ({versions:?}, probe {probe:?})"
            );
            assert_eq!(v, Some(probe.version));
        } else {
            assert_eq!(
                status, 0,
                "handshake must fail ({versions:?}, probe {probe:?})"
            );
        }
        handle.stop(true).await;
    }
}

/// A peer inside the trusted proxy range of `x_arr_client_cert_only_when_enabled`.
const PROXY: &str = "10.1.2.3:50000";

#[test]
fn x_arr_client_cert_only_when_enabled() {
    let allowed = client_cert("b2c.contoso.onmicrosoft.com");
    let other = client_cert("other");
    let tp = sha256_hex(&allowed.der);
    let s = spec(AuthSpec::ClientCertificate);
    let env = |arr: bool| {
        let tp = tp.clone();
        move |k: &str| match k {
            "CLAIMS_CLIENT_CERT_THUMBPRINTS" => Some(tp.clone()),
            "CLAIMS_TRUST_ARR_CLIENT_CERT" => arr.then(|| "true".to_owned()),
            "CLAIMS_TRUSTED_PROXIES" => Some("10.1.0.0/16".to_owned()),
            _ => None,
        }
    };
    let header = |der: &[u8]| {
        let v = base64::engine::general_purpose::STANDARD.encode(der);
        TestRequest::get()
            .peer_addr(PROXY.parse().unwrap())
            .insert_header(("X-ARR-ClientCert", HeaderValue::from_str(&v).unwrap()))
            .to_http_request()
    };
    let status = |cfg: &AuthConfig, req: &HttpRequest| match cfg.authorize(s, req) {
        Ok(()) => 200,
        Err(e) => e.status().as_u16(),
    };
    let off = AuthConfig::load([s], env(false)).unwrap();
    assert_eq!(
        status(&off, &header(&allowed.der)),
        401,
        "header ignored when disabled"
    );

    let on = AuthConfig::load([s], env(true)).unwrap();
    assert_eq!(status(&on, &header(&allowed.der)), 200);
    assert_eq!(status(&on, &header(&other.der)), 403);
    assert_eq!(
        status(&on, &TestRequest::get().to_http_request()),
        401,
        "no header"
    );
    let bad = TestRequest::get()
        .peer_addr(PROXY.parse().unwrap())
        .insert_header(("X-ARR-ClientCert", "%%%not base64"))
        .to_http_request();
    assert_eq!(status(&on, &bad), 401);
    let garbage = header(b"not a certificate");
    assert_eq!(status(&on, &garbage), 401);
}
