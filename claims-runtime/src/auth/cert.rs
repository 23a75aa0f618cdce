//! `AuthenticationType=ClientCertificate`: the caller's TLS client certificate, accepted by
//! thumbprint (SHA-1 or SHA-256 of the DER) and/or by subject + issuer, several at once so that
//! B2C's certificate can roll over.
//!
//! Every certificate must be inside its validity period. A thumbprint pins one certificate and
//! needs nothing else. A subject + issuer entry names certificates, and anyone can make a CA with
//! any name: it is only honoured when the certificate chains to the configured trusted roots
//! ([`TrustedRoots`], `CLAIMS_CLIENT_CERT_CA_FILE` or `serve --client-ca`), and the names are
//! compared as distinguished names ([`DistinguishedName`]), not as display text.
//!
//! The certificate reaches the request in one of two ways:
//! - from the app's own TLS listener, through [`peer_cert_on_connect`] (an actix
//!   `HttpServer::on_connect` callback storing [`PeerCert`] and [`TlsPeer`] in the connection
//!   data); the handshake proved the client holds the private key;
//! - only when [`crate::auth::AuthConfig::trust_arr_client_cert`] is on, from the
//!   `X-ARR-ClientCert` header that Azure App Service (or another TLS-terminating proxy) sets, and
//!   only on a plain connection from a trusted proxy address
//!   ([`crate::auth::AuthConfig::trusted_proxies`]). The header is public data, never proof of
//!   possession by itself: it is never read on a connection the app terminated TLS for.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use actix_web::HttpRequest;
use actix_web::dev::Extensions;
use base64::Engine;
use ipnet::IpNet;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, UnixTime};
use rustls::server::WebPkiClientVerifier;
use rustls::server::danger::ClientCertVerifier;
use x509_parser::prelude::{FromDer, X509Name};

use super::Denied;

/// The header Azure App Service uses to forward the client certificate (base64 DER).
pub const ARR_CLIENT_CERT_HEADER: &str = "x-arr-clientcert";

/// The `WWW-Authenticate` challenge of a `ClientCertificate` refusal.
pub const CHALLENGE: &str = "ClientCertificate realm=\"b2c\"";

/// The DER of the TLS peer's end-entity certificate, stored in the connection data.
#[derive(Clone, PartialEq, Eq)]
pub struct PeerCert(pub Vec<u8>);

impl fmt::Debug for PeerCert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PeerCert({})", hex(&sha256(&self.0)))
    }
}

/// Marks a connection whose TLS the app itself terminated (stored in the connection data by
/// [`peer_cert_on_connect`], with or without a client certificate): `X-ARR-ClientCert` is never
/// read on such a connection.
#[derive(Debug, Clone, Default)]
pub struct TlsPeer {
    /// The certificates the client sent after its end-entity certificate (intermediate CAs).
    pub intermediates: Vec<CertificateDer<'static>>,
}

/// An `HttpServer::on_connect` callback that stores [`TlsPeer`] on every rustls connection and
/// the peer certificate as [`PeerCert`]:
///
/// ```no_run
/// # fn demo(cfg: rustls::ServerConfig) -> std::io::Result<()> {
/// actix_web::HttpServer::new(|| actix_web::App::new())
///     .on_connect(claims_runtime::auth::cert::peer_cert_on_connect)
///     .bind_rustls_0_23("127.0.0.1:8443", cfg)?;
/// # Ok(()) }
/// ```
pub fn peer_cert_on_connect(conn: &dyn Any, ext: &mut Extensions) {
    type Tls = actix_tls::accept::rustls_0_23::TlsStream<actix_web::rt::net::TcpStream>;
    if let Some(tls) = conn.downcast_ref::<Tls>() {
        let (_, session) = tls.get_ref();
        let chain = session.peer_certificates().unwrap_or(&[]);
        if let Some((leaf, rest)) = chain.split_first() {
            ext.insert(PeerCert(leaf.as_ref().to_vec()));
            ext.insert(TlsPeer {
                intermediates: rest.iter().map(|c| c.clone().into_owned()).collect(),
            });
        } else {
            ext.insert(TlsPeer::default());
        }
    }
}

/// A certificate thumbprint.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum Thumbprint {
    /// SHA-1 of the DER (what Windows and the Azure portal show).
    Sha1([u8; 20]),
    /// SHA-256 of the DER.
    Sha256([u8; 32]),
}

impl Thumbprint {
    /// The thumbprints of a certificate, both kinds.
    pub fn of(der: &[u8]) -> [Thumbprint; 2] {
        let mut s1 = [0u8; 20];
        s1.copy_from_slice(
            ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, der).as_ref(),
        );
        [Thumbprint::Sha1(s1), Thumbprint::Sha256(sha256(der))]
    }
}

impl fmt::Debug for Thumbprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Thumbprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Thumbprint::Sha1(b) => write!(f, "sha1:{}", hex(b)),
            Thumbprint::Sha256(b) => write!(f, "sha256:{}", hex(b)),
        }
    }
}

impl FromStr for Thumbprint {
    type Err = String;

    /// Hex, any case; `:` and spaces are ignored; 40 digits are SHA-1, 64 are SHA-256. An
    /// optional `sha1:`/`sha256:` prefix is accepted.
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let t = t
            .strip_prefix("sha256:")
            .or_else(|| t.strip_prefix("sha1:"))
            .unwrap_or(t);
        let digits: Vec<u8> = t
            .bytes()
            .filter(|b| !matches!(b, b':' | b' ' | b'-'))
            .collect();
        let bytes = unhex(&digits).ok_or_else(|| format!("{s:?} is not a hex thumbprint"))?;
        match bytes.len() {
            20 => Ok(Thumbprint::Sha1(bytes.try_into().unwrap_or([0; 20]))),
            32 => Ok(Thumbprint::Sha256(bytes.try_into().unwrap_or([0; 32]))),
            n => Err(format!(
                "{s:?} has {n} bytes; a thumbprint is SHA-1 (40 hex digits) or SHA-256 (64)"
            )),
        }
    }
}

/// A distinguished name, parsed once at startup from RFC 4514 text such as
/// `CN=b2c.contoso.com,O=Contoso,C=US` (most specific RDN first, as Windows, .NET and
/// `openssl x509 -nameopt RFC2253` print it).
///
/// Attribute names (`CN`, `cn`, `commonName`, or a dotted OID) are case-insensitive and spaces
/// around `,`, `+` and `=` are ignored; values are compared exactly, case included. Matching
/// compares the certificate's DER name: RDN by RDN in order, each attribute by OID and value,
/// where a value's string type (UTF8String, PrintableString, ...) does not matter.
///
/// ```
/// use claims_runtime::auth::DistinguishedName;
/// let dn: DistinguishedName = "CN=b2c.contoso.com, O=Contoso".parse().unwrap();
/// assert_eq!(dn, "cn=b2c.contoso.com,o=Contoso".parse().unwrap());
/// assert_ne!(dn, "O=Contoso,CN=b2c.contoso.com".parse().unwrap());
/// assert_ne!(dn, "CN=B2C.contoso.com,O=Contoso".parse().unwrap());
/// assert!("not a name".parse::<DistinguishedName>().is_err());
/// ```
#[derive(Clone)]
pub struct DistinguishedName {
    text: String,
    der: Vec<u8>,
    rdns: Vec<Rdn>,
}

/// One RDN: its (OID, value) pairs, sorted (an RDN is a set).
type Rdn = Vec<(Vec<u8>, NameValue)>;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum NameValue {
    /// Any character-string type, decoded.
    Text(String),
    /// Anything else: tag and content octets.
    Other(u32, Vec<u8>),
}

impl DistinguishedName {
    /// The DER encoding of the name (an RDNSequence).
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// Whether `name` (as found in a certificate) is this name.
    fn matches(&self, name: &X509Name<'_>) -> bool {
        name.as_raw() == self.der.as_slice() || normalized(name).is_some_and(|r| r == self.rdns)
    }
}

impl PartialEq for DistinguishedName {
    fn eq(&self, other: &Self) -> bool {
        self.rdns == other.rdns
    }
}

impl Eq for DistinguishedName {}

impl fmt::Debug for DistinguishedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DistinguishedName({:?})", self.text)
    }
}

impl fmt::Display for DistinguishedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for DistinguishedName {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        use x509_cert::der::Encode;
        let hint = format!(
            "is not an RFC 4514 distinguished name such as CN=b2c.contoso.com,O=Contoso (with at most {MAX_RDN_ATTRIBUTES} attributes joined by + in one RDN)"
        );
        let text = tidy_rfc4514(s).ok_or_else(|| hint.clone())?;
        if text.is_empty() {
            return Err(format!("an empty name {hint}"));
        }
        let seq = x509_cert::name::RdnSequence::from_str(&text).map_err(|_| hint.clone())?;
        let der = seq.to_der().map_err(|_| hint.clone())?;
        let (_, name) = X509Name::from_der(&der).map_err(|_| hint.clone())?;
        let rdns = normalized(&name).ok_or_else(|| hint.clone())?;
        if rdns.is_empty() {
            return Err(format!("an empty name {hint}"));
        }
        Ok(DistinguishedName { text, der, rdns })
    }
}

/// Removes the optional spaces around the `,`, `+` and `=` separators (escaped spaces stay);
/// `None` for a dangling backslash.
fn tidy_rfc4514(s: &str) -> Option<String> {
    fn atv(a: &str) -> String {
        match a.split_once('=') {
            Some((k, v)) => {
                let v = v.trim_start();
                let mut t = v.trim_end();
                // `\ ` at the end is an escaped space: keep it.
                let slashes = t.bytes().rev().take_while(|&b| b == b'\\').count();
                if slashes % 2 == 1 && t.len() < v.len() {
                    t = &v[..t.len() + 1];
                }
                format!("{}={t}", k.trim())
            }
            None => a.trim().to_owned(),
        }
    }
    let mut out = String::new();
    let mut part = String::new();
    let mut escaped = false;
    for c in s.trim_start().chars() {
        if escaped {
            escaped = false;
            part.push(c);
            continue;
        }
        match c {
            '\\' => {
                escaped = true;
                part.push(c);
            }
            ',' | '+' => {
                out.push_str(&atv(&part));
                out.push(c);
                part.clear();
            }
            _ => part.push(c),
        }
    }
    if escaped {
        return None;
    }
    out.push_str(&atv(&part));
    Some(out)
}

/// The most attributes one RDN may join with `+`. Real names have one or two; the bound keeps
/// ordering an RDN cheap, since a caller's certificate is normalized before it is trusted.
const MAX_RDN_ATTRIBUTES: usize = 16;

/// A certificate name as RDNs of decoded (OID, value) pairs; `None` when a string is malformed
/// or an RDN has more than [`MAX_RDN_ATTRIBUTES`] attributes.
fn normalized(name: &X509Name<'_>) -> Option<Vec<Rdn>> {
    use x509_parser::der_parser::asn1_rs::Tag;
    name.iter()
        .map(|rdn| {
            if rdn.iter().nth(MAX_RDN_ATTRIBUTES).is_some() {
                return None;
            }
            let set = rdn
                .iter()
                .map(|atv| {
                    let v = atv.attr_value();
                    let value = match v.tag() {
                        Tag::BmpString => {
                            let units = v
                                .data
                                .chunks(2)
                                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]));
                            NameValue::Text(
                                char::decode_utf16(units)
                                    .collect::<Result<String, _>>()
                                    .ok()?,
                            )
                        }
                        Tag::UniversalString => NameValue::Text(
                            v.data
                                .chunks(4)
                                .map(|c| {
                                    let b: [u8; 4] = c.try_into().ok()?;
                                    char::from_u32(u32::from_be_bytes(b))
                                })
                                .collect::<Option<String>>()?,
                        ),
                        _ => match atv.as_str() {
                            Ok(text) => NameValue::Text(text.to_owned()),
                            Err(_) => NameValue::Other(v.tag().0, v.data.to_vec()),
                        },
                    };
                    Some((atv.attr_type().as_bytes().to_vec(), value))
                })
                .collect::<Option<Vec<_>>>()?;
            // In order by insertion (a name has a few attributes; `sort` compiled 10 KB).
            let mut sorted = Vec::with_capacity(set.len());
            for item in set {
                let at = sorted.partition_point(|x| *x <= item);
                sorted.insert(at, item);
            }
            Some(sorted)
        })
        .collect()
}

/// A subject + issuer pair: certificates with exactly this subject, issued by a CA with exactly
/// this name (which must chain to [`TrustedRoots`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectIssuer {
    /// Subject distinguished name.
    pub subject: DistinguishedName,
    /// Issuer distinguished name.
    pub issuer: DistinguishedName,
}

/// The CA certificates client certificates must chain to for subject + issuer matching. The
/// chain, its signatures, validity dates and the client-auth key usage are verified with
/// rustls' WebPKI verifier (the same check the TLS handshake would run).
///
/// A verified chain is remembered (by SHA-256 of the presented certificates, bounded) for five
/// minutes or until its first certificate expires, whichever is sooner: B2C presents the same
/// certificate on every call, and the signature check is the expensive part.
#[derive(Clone)]
pub struct TrustedRoots {
    verifier: Arc<dyn ClientCertVerifier>,
    count: usize,
    /// Chains verified recently: chain digest -> valid until (Unix seconds).
    verified: Arc<Mutex<HashMap<[u8; 32], i64>>>,
}

/// How long a verified chain is remembered.
const VERIFIED_TTL_SECS: i64 = 300;
/// How many verified chains are remembered.
const VERIFIED_MAX: usize = 1024;

impl fmt::Debug for TrustedRoots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TrustedRoots({} certificates)", self.count)
    }
}

impl TrustedRoots {
    /// The roots in a PEM text of one or more certificates.
    pub fn from_pem(pem: &[u8]) -> Result<Self, String> {
        let mut roots = rustls::RootCertStore::empty();
        let mut count = 0;
        for c in CertificateDer::pem_slice_iter(pem) {
            let c = c.map_err(|e| format!("is not valid PEM: {e}"))?;
            roots
                .add(c)
                .map_err(|e| format!("holds an unusable CA certificate: {e}"))?;
            count += 1;
        }
        if count == 0 {
            return Err("holds no PEM certificate".into());
        }
        let provider = Arc::new(super::tls::crypto_provider());
        let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(TrustedRoots {
            verifier,
            count,
            verified: Arc::default(),
        })
    }

    /// The number of root certificates.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Always `false`: [`TrustedRoots::from_pem`] refuses an empty set.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn verify(&self, leaf: &[u8], intermediates: &[CertificateDer<'_>]) -> Result<(), String> {
        let now = UnixTime::now();
        let now_secs = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
        let mut digest = ring::digest::Context::new(&ring::digest::SHA256);
        for der in std::iter::once(leaf).chain(intermediates.iter().map(|c| c.as_ref())) {
            digest.update(&(der.len() as u64).to_be_bytes());
            digest.update(der);
        }
        let mut key = [0u8; 32];
        key.copy_from_slice(digest.finish().as_ref());
        let cached = self
            .verified
            .lock()
            .is_ok_and(|m| m.get(&key).is_some_and(|&until| now_secs < until));
        if cached {
            return Ok(());
        }
        self.verifier
            .verify_client_cert(&CertificateDer::from(leaf), intermediates, now)
            .map_err(|e| e.to_string())?;
        let until = std::iter::once(leaf)
            .chain(intermediates.iter().map(|c| c.as_ref()))
            .filter_map(|der| x509_parser::parse_x509_certificate(der).ok())
            .map(|(_, c)| c.validity().not_after.timestamp())
            .fold(now_secs.saturating_add(VERIFIED_TTL_SECS), i64::min);
        if let Ok(mut m) = self.verified.lock() {
            if m.len() >= VERIFIED_MAX {
                m.retain(|_, &mut u| u > now_secs);
                if m.len() >= VERIFIED_MAX {
                    m.clear();
                }
            }
            m.insert(key, until);
        }
        Ok(())
    }
}

/// The accepted client certificates.
#[derive(Debug, Clone, Default)]
pub struct CertAllowList {
    /// Accepted thumbprints.
    pub thumbprints: Vec<Thumbprint>,
    /// Accepted subject + issuer pairs (only with [`CertAllowList::trusted_roots`]).
    pub subjects: Vec<SubjectIssuer>,
    /// The roots subject + issuer entries must chain to.
    pub trusted_roots: Option<TrustedRoots>,
}

fn refused(reason: &'static str) -> Denied {
    Denied::unauthorized(reason, Some(CHALLENGE))
}

impl CertAllowList {
    /// `true` when nothing is accepted.
    pub fn is_empty(&self) -> bool {
        self.thumbprints.is_empty() && self.subjects.is_empty()
    }

    /// Checks a DER certificate: parseable, inside its validity period, and pinned by thumbprint
    /// or (chained to the trusted roots and) named by a subject + issuer entry.
    pub(crate) fn check_der(
        &self,
        der: &[u8],
        intermediates: &[CertificateDer<'_>],
    ) -> Result<(), Denied> {
        let (_, cert) = x509_parser::parse_x509_certificate(der)
            .map_err(|_| refused("the client certificate is not valid DER X.509"))?;
        let validity = cert.validity();
        if !validity.is_valid() {
            let now = x509_parser::time::ASN1Time::now();
            return Err(refused(if validity.not_before > now {
                "the client certificate is not valid yet"
            } else {
                "the client certificate has expired"
            }));
        }
        let prints = Thumbprint::of(der);
        if self.thumbprints.iter().any(|t| prints.contains(t)) {
            return Ok(());
        }
        let named = self
            .subjects
            .iter()
            .any(|p| p.subject.matches(cert.subject()) && p.issuer.matches(cert.issuer()));
        if named {
            let Some(roots) = &self.trusted_roots else {
                return Err(refused(
                    "subject + issuer matching needs trusted roots, and none are configured",
                ));
            };
            return roots.verify(der, intermediates).map_err(|e| {
                Denied::unauthorized_owned(
                    format!(
                        "the client certificate {} has an allow-listed subject and issuer but does not chain to the trusted roots: {e}",
                        prints[1]
                    ),
                    Some(CHALLENGE),
                )
            });
        }
        Err(Denied::forbidden_owned(
            format!(
                "the client certificate {} (subject {:?}, issuer {:?}) is not allow-listed",
                prints[1],
                cert.subject().to_string(),
                cert.issuer().to_string()
            ),
            Some(CHALLENGE),
        ))
    }

    /// Checks the caller's certificate. `trusted_proxies` is `Some` when `X-ARR-ClientCert` is
    /// trusted at all (and then only from those peer addresses).
    pub(crate) fn check(
        &self,
        req: &HttpRequest,
        trusted_proxies: Option<&[IpNet]>,
    ) -> Result<(), Denied> {
        let peer_cert = req.conn_data::<PeerCert>();
        if let Some(tls) = req.conn_data::<TlsPeer>() {
            return match peer_cert {
                Some(PeerCert(der)) => self.check_der(der, &tls.intermediates),
                None if req.headers().contains_key(ARR_CLIENT_CERT_HEADER) => Err(refused(
                    "no client certificate was presented; X-ARR-ClientCert is never read on a connection whose TLS the app terminated",
                )),
                None => Err(refused("no client certificate was presented")),
            };
        }
        if let Some(PeerCert(der)) = peer_cert {
            return self.check_der(der, &[]);
        }
        let mut headers = req.headers().get_all(ARR_CLIENT_CERT_HEADER);
        let Some(h) = headers.next() else {
            return Err(refused("no client certificate was presented"));
        };
        let Some(proxies) = trusted_proxies else {
            return Err(refused(
                "X-ARR-ClientCert was sent but trust_arr_client_cert is off; no client certificate was presented",
            ));
        };
        let peer: Option<IpAddr> = req.peer_addr().map(|a| a.ip().to_canonical());
        if !peer.is_some_and(|ip| proxies.iter().any(|net| net.contains(&ip))) {
            return Err(Denied::unauthorized_owned(
                format!(
                    "X-ARR-ClientCert came from {}, which is not a trusted proxy (CLAIMS_TRUSTED_PROXIES)",
                    peer.map_or_else(|| "an unknown address".to_owned(), |ip| ip.to_string())
                ),
                Some(CHALLENGE),
            ));
        }
        if headers.next().is_some() {
            return Err(refused("more than one X-ARR-ClientCert header"));
        }
        let text = h
            .to_str()
            .map_err(|_| refused("the X-ARR-ClientCert header is not ASCII"))?;
        let der = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| refused("the X-ARR-ClientCert header is not base64"))?;
        self.check_der(&der, &[])
    }
}

pub(crate) fn sha256(der: &[u8]) -> [u8; 32] {
    super::secrets::sha256(der)
}

pub(crate) fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(d: &[u8]) -> Option<Vec<u8>> {
    if !d.len().is_multiple_of(2) {
        return None;
    }
    d.chunks(2)
        .map(|p| {
            let s = std::str::from_utf8(p).ok()?;
            u8::from_str_radix(s, 16).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprints_parse() {
        let t: Thumbprint = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01"
            .parse()
            .unwrap();
        assert!(matches!(t, Thumbprint::Sha1(_)));
        let t: Thumbprint = "00".repeat(32).parse().unwrap();
        assert!(matches!(t, Thumbprint::Sha256(_)));
        assert!("abc".parse::<Thumbprint>().is_err());
        assert!("00".repeat(16).parse::<Thumbprint>().is_err());
    }

    fn dn(s: &str) -> DistinguishedName {
        s.parse().unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    #[test]
    fn dn_text_forms() {
        assert_eq!(dn("CN=A, O = Contoso"), dn("cn=A,o=Contoso"));
        assert_eq!(dn("CN=A,O=Contoso"), dn("commonName=A,2.5.4.10=Contoso"));
        assert_ne!(dn("CN=A,O=Contoso"), dn("CN=a,O=Contoso"));
        assert_ne!(dn("CN=A,O=Contoso"), dn("O=Contoso,CN=A"));
        assert_ne!(dn("CN=A,O=Contoso"), dn("CN=A+O=Contoso"));
        // Escapes: a comma inside a value, an escaped trailing space.
        assert_ne!(dn(r"CN=A\,O=Contoso"), dn("CN=A,O=Contoso"));
        assert_eq!(dn(r"CN=A\, B"), dn(r"CN=A\2C B"));
        assert_ne!(dn(r"CN=A\ "), dn("CN=A"));
        // RDN order: RFC 4514 lists the last RDN of the DER sequence first.
        let two = dn("CN=A,O=Contoso");
        let (_, name) = X509Name::from_der(two.der()).unwrap();
        let attrs: Vec<String> = name
            .iter_attributes()
            .map(|a| a.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(attrs, ["Contoso", "A"]);
        for bad in ["", " ", "CN", "CN=A,", "XX=A", "CN=A\\"] {
            assert!(bad.parse::<DistinguishedName>().is_err(), "{bad:?}");
        }
        // One RDN joins at most MAX_RDN_ATTRIBUTES attributes (a caller's name is ordered
        // before it is trusted, so the work stays bounded).
        let joined = |n: usize| {
            (0..n)
                .map(|i| format!("CN=a{i}"))
                .collect::<Vec<_>>()
                .join("+")
        };
        assert!(
            joined(MAX_RDN_ATTRIBUTES)
                .parse::<DistinguishedName>()
                .is_ok()
        );
        assert!(
            joined(MAX_RDN_ATTRIBUTES + 1)
                .parse::<DistinguishedName>()
                .is_err()
        );
    }
}
