//! `AuthenticationType=ClientCertificate`: the caller's TLS client certificate, accepted by
//! thumbprint (SHA-1 or SHA-256 of the DER) and/or by subject + issuer, several at once so that
//! B2C's certificate can roll over.
//!
//! The certificate reaches the request through [`peer_cert_on_connect`] (an actix
//! `HttpServer::on_connect` callback storing [`PeerCert`] in the connection data), or — only when
//! [`crate::auth::AuthConfig::trust_arr_client_cert`] is on — through the `X-ARR-ClientCert`
//! header that Azure App Service sets when it terminates TLS.
//!
//! Subject + issuer matching is only meaningful when the chain was verified against trusted
//! roots ([`crate::auth::tls::ClientAuth::TrustedRoots`], or App Service's own checks): with
//! [`crate::auth::tls::ClientAuth::AnyCertificate`] pin thumbprints.

use std::any::Any;
use std::fmt;
use std::str::FromStr;

use actix_web::HttpRequest;
use actix_web::dev::Extensions;
use base64::Engine;

use super::Denied;

/// The header Azure App Service uses to forward the client certificate (base64 DER).
pub const ARR_CLIENT_CERT_HEADER: &str = "x-arr-clientcert";

/// The DER of the TLS peer's end-entity certificate, stored in the connection data.
#[derive(Clone, PartialEq, Eq)]
pub struct PeerCert(pub Vec<u8>);

impl fmt::Debug for PeerCert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PeerCert({})", hex(&sha256(&self.0)))
    }
}

/// An `HttpServer::on_connect` callback that stores the rustls peer certificate as [`PeerCert`]:
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
        if let Some(cert) = session.peer_certificates().and_then(|c| c.first()) {
            ext.insert(PeerCert(cert.as_ref().to_vec()));
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

/// A subject + issuer pair (RFC 4514 text such as `CN=b2c.contoso.com, O=Contoso`). Compared
/// case-insensitively, ignoring spaces around the `,` separators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectIssuer {
    /// Subject distinguished name.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
}

fn normalize_dn(dn: &str) -> String {
    dn.split(',')
        .map(|rdn| {
            rdn.split('=')
                .map(str::trim)
                .collect::<Vec<_>>()
                .join("=")
                .to_lowercase()
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The accepted client certificates.
#[derive(Debug, Clone, Default)]
pub struct CertAllowList {
    /// Accepted thumbprints.
    pub thumbprints: Vec<Thumbprint>,
    /// Accepted subject + issuer pairs.
    pub subjects: Vec<SubjectIssuer>,
}

impl CertAllowList {
    /// `true` when nothing is accepted.
    pub fn is_empty(&self) -> bool {
        self.thumbprints.is_empty() && self.subjects.is_empty()
    }

    /// Checks a DER certificate: parseable, inside its validity period, and allow-listed.
    pub(crate) fn check_der(&self, der: &[u8]) -> Result<(), Denied> {
        let (_, cert) = x509_parser::parse_x509_certificate(der).map_err(|_| {
            Denied::unauthorized("the client certificate is not valid DER X.509", None)
        })?;
        if !cert.validity().is_valid() {
            return Err(Denied::unauthorized(
                "the client certificate is expired or not yet valid",
                None,
            ));
        }
        let prints = Thumbprint::of(der);
        if self.thumbprints.iter().any(|t| prints.contains(t)) {
            return Ok(());
        }
        if !self.subjects.is_empty() {
            let subject = normalize_dn(&cert.subject().to_string());
            let issuer = normalize_dn(&cert.issuer().to_string());
            if self
                .subjects
                .iter()
                .any(|p| normalize_dn(&p.subject) == subject && normalize_dn(&p.issuer) == issuer)
            {
                return Ok(());
            }
        }
        Err(Denied::forbidden_owned(
            format!(
                "the client certificate {} (subject {:?}) is not allow-listed",
                prints[1],
                cert.subject().to_string()
            ),
            None,
        ))
    }

    pub(crate) fn check(&self, req: &HttpRequest, trust_arr: bool) -> Result<(), Denied> {
        if let Some(PeerCert(der)) = req.conn_data::<PeerCert>() {
            return self.check_der(der);
        }
        if trust_arr && let Some(h) = req.headers().get(ARR_CLIENT_CERT_HEADER) {
            let text = h.to_str().map_err(|_| {
                Denied::unauthorized("the X-ARR-ClientCert header is not ASCII", None)
            })?;
            let der = base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .map_err(|_| {
                    Denied::unauthorized("the X-ARR-ClientCert header is not base64", None)
                })?;
            return self.check_der(&der);
        }
        Err(Denied::unauthorized(
            "no client certificate was presented",
            None,
        ))
    }
}

pub(crate) fn sha256(der: &[u8]) -> [u8; 32] {
    super::secrets::sha256(der)
}

pub(crate) fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(d: &[u8]) -> Option<Vec<u8>> {
    if d.len() % 2 != 0 {
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

    #[test]
    fn dn_normalization() {
        assert_eq!(
            normalize_dn("CN=A, O = Contoso"),
            normalize_dn("cn=a,o=contoso")
        );
    }
}
