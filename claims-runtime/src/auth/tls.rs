//! HTTPS with rustls 0.23 (ring provider): TLS 1.2 and 1.3, and optional client certificates
//! for `AuthenticationType=ClientCertificate`.
//!
//! Cipher suites: TLS 1.3 `TLS13_AES_256_GCM_SHA384`, `TLS13_AES_128_GCM_SHA256`,
//! `TLS13_CHACHA20_POLY1305_SHA256`; TLS 1.2 `TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384`,
//! `TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256`, `TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`,
//! `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256` (plus the ChaCha20 variants). These cover the four
//! AES-GCM suites B2C lists. rustls implements no CBC suites, so the four `…_CBC_SHA256/384`
//! suites of that list are not offered; B2C needs only one suite of the list. The ECDSA suites
//! are used when the server certificate has an ECDSA key, the RSA ones with an RSA key.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use rustls::server::WebPkiClientVerifier;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme, SupportedProtocolVersion};

/// A TLS protocol version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsVersion {
    /// TLS 1.2 (required by B2C).
    Tls12,
    /// TLS 1.3.
    Tls13,
}

impl TlsVersion {
    fn rustls(self) -> &'static SupportedProtocolVersion {
        match self {
            TlsVersion::Tls12 => &rustls::version::TLS12,
            TlsVersion::Tls13 => &rustls::version::TLS13,
        }
    }
}

/// How the server asks for client certificates. Either way a connection without a certificate
/// is accepted at the TLS level (handlers with other schemes may share the listener); the
/// `ClientCertificate` guard answers 401 when none was presented or it is invalid, and 403 when
/// it is not allow-listed.
///
/// The guard itself checks validity dates and, for subject + issuer entries, the chain to
/// `CLAIMS_CLIENT_CERT_CA_FILE` ([`crate::auth::TrustedRoots`]), whichever mode the handshake
/// uses: [`ClientAuth::TrustedRoots`] adds a second, earlier check, it does not replace it.
#[derive(Clone)]
pub enum ClientAuth {
    /// Request a certificate and accept any whose possession the client proves (the handshake
    /// signature); the guard decides the rest, with a logged reason and a 401/403 reply. The
    /// default of `serve_tls` / `serve --tls-cert`. Suits self-signed B2C certificates pinned by
    /// thumbprint.
    AnyCertificate,
    /// Request a certificate and refuse the handshake unless its chain verifies against these
    /// PEM roots (the CA names are sent to the client as hints).
    TrustedRoots(Vec<u8>),
}

impl fmt::Debug for ClientAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientAuth::AnyCertificate => f.write_str("AnyCertificate"),
            ClientAuth::TrustedRoots(p) => write!(f, "TrustedRoots({} bytes of PEM)", p.len()),
        }
    }
}

/// HTTPS settings: certificate chain and key (PEM), optional client certificates.
#[derive(Clone)]
pub struct TlsSettings {
    /// The server certificate chain, PEM, leaf first.
    pub cert_pem: Vec<u8>,
    /// The server private key, PEM (PKCS#8, PKCS#1 or SEC1).
    pub key_pem: Vec<u8>,
    /// Client certificates (mutual TLS), if any handler uses `ClientCertificate`.
    pub client_auth: Option<ClientAuth>,
    /// Offered protocol versions (default TLS 1.3 and 1.2).
    pub versions: Vec<TlsVersion>,
}

impl fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsSettings")
            .field("cert_pem", &format_args!("{} bytes", self.cert_pem.len()))
            .field("key_pem", &"***")
            .field("client_auth", &self.client_auth)
            .field("versions", &self.versions)
            .finish()
    }
}

/// A TLS configuration problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsError(pub String);

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TlsError {}

impl From<TlsError> for std::io::Error {
    fn from(e: TlsError) -> Self {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, e.0)
    }
}

/// The ring provider restricted to the suites listed in the module docs.
pub fn crypto_provider() -> CryptoProvider {
    use rustls::crypto::ring::cipher_suite as cs;
    CryptoProvider {
        cipher_suites: vec![
            cs::TLS13_AES_256_GCM_SHA384,
            cs::TLS13_AES_128_GCM_SHA256,
            cs::TLS13_CHACHA20_POLY1305_SHA256,
            cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            cs::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            cs::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ],
        ..rustls::crypto::ring::default_provider()
    }
}

impl TlsSettings {
    /// Settings from PEM text.
    pub fn from_pem(cert_pem: impl Into<Vec<u8>>, key_pem: impl Into<Vec<u8>>) -> Self {
        TlsSettings {
            cert_pem: cert_pem.into(),
            key_pem: key_pem.into(),
            client_auth: None,
            versions: vec![TlsVersion::Tls13, TlsVersion::Tls12],
        }
    }

    /// Settings from PEM files.
    pub fn from_pem_files(cert: impl AsRef<Path>, key: impl AsRef<Path>) -> Result<Self, TlsError> {
        let read = |p: &Path| {
            std::fs::read(p).map_err(|e| TlsError(format!("cannot read {}: {e}", p.display())))
        };
        Ok(TlsSettings::from_pem(
            read(cert.as_ref())?,
            read(key.as_ref())?,
        ))
    }

    /// Asks for client certificates.
    pub fn client_auth(mut self, auth: ClientAuth) -> Self {
        self.client_auth = Some(auth);
        self
    }

    /// Restricts the protocol versions.
    pub fn versions(mut self, versions: &[TlsVersion]) -> Self {
        self.versions = versions.to_vec();
        self
    }

    /// Builds the rustls server configuration.
    pub fn server_config(&self) -> Result<rustls::ServerConfig, TlsError> {
        let provider = Arc::new(crypto_provider());
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&self.cert_pem)
            .collect::<Result<_, _>>()
            .map_err(|e| TlsError(format!("the certificate PEM is invalid: {e}")))?;
        if certs.is_empty() {
            return Err(TlsError("the certificate PEM holds no certificate".into()));
        }
        let key = PrivateKeyDer::from_pem_slice(&self.key_pem)
            .map_err(|e| TlsError(format!("the private key PEM is invalid: {e}")))?;
        if self.versions.is_empty() {
            return Err(TlsError("no TLS version is enabled".into()));
        }
        let versions: Vec<&'static SupportedProtocolVersion> =
            self.versions.iter().map(|v| v.rustls()).collect();
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(&versions)
            .map_err(|e| TlsError(e.to_string()))?;
        let builder = match &self.client_auth {
            None => builder.with_no_client_auth(),
            Some(ClientAuth::AnyCertificate) => {
                builder.with_client_cert_verifier(Arc::new(AnyClientCert {
                    provider: provider.clone(),
                }))
            }
            Some(ClientAuth::TrustedRoots(pem)) => {
                let mut roots = rustls::RootCertStore::empty();
                for c in CertificateDer::pem_slice_iter(pem) {
                    let c =
                        c.map_err(|e| TlsError(format!("the client CA PEM is invalid: {e}")))?;
                    roots.add(c).map_err(|e| {
                        TlsError(format!("a client CA certificate is unusable: {e}"))
                    })?;
                }
                let v =
                    WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                        .allow_unauthenticated()
                        .build()
                        .map_err(|e| TlsError(e.to_string()))?;
                builder.with_client_cert_verifier(v)
            }
        };
        let mut config = builder
            .with_single_cert(certs, key)
            .map_err(|e| TlsError(format!("the certificate and key do not fit: {e}")))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    }
}

/// Accepts any client certificate whose private key the client proves it holds.
#[derive(Debug)]
struct AnyClientCert {
    provider: Arc<CryptoProvider>,
}

impl ClientCertVerifier for AnyClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        // Possession only; dates, chain and allow-list are checked per request by the guard.
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
