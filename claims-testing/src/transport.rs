//! How the emulator reaches the service: in process (actix test service) or over loopback HTTP.

use std::rc::Rc;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use futures_util::future::LocalBoxFuture;

use super::outcome::{TracedRequest, TracedResponse};

/// Something that answers one HTTP request.
pub(crate) trait Transport {
    /// Sends `req` (whose URL is the one B2C would call); `path` is the path and query to use.
    fn send<'a>(
        &'a self,
        req: &'a TracedRequest,
        path: &'a str,
    ) -> LocalBoxFuture<'a, Result<TracedResponse, String>>;

    /// The origin (`scheme://host:port`) replacing the ServiceUrl's, for loopback servers.
    fn origin(&self) -> Option<&str> {
        None
    }

    /// A note for the trace.
    fn describe(&self) -> String;
}

/// An actix service called in process.
pub(crate) struct InProcess<S>(pub Rc<S>);

impl<S, B> Transport for InProcess<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>
        + 'static,
    B: MessageBody + 'static,
{
    fn send<'a>(
        &'a self,
        req: &'a TracedRequest,
        path: &'a str,
    ) -> LocalBoxFuture<'a, Result<TracedResponse, String>> {
        Box::pin(async move {
            let method = actix_web::http::Method::from_bytes(req.method.as_bytes())
                .map_err(|e| e.to_string())?;
            let mut t = actix_web::test::TestRequest::default()
                .method(method)
                .uri(path);
            for (k, v) in &req.headers {
                t = t.append_header((k.as_str(), v.as_str()));
            }
            let t = t.set_payload(req.body.clone()).to_request();
            let resp = match self.0.call(t).await {
                Ok(r) => r.map_into_boxed_body(),
                Err(e) => {
                    let r = e.error_response();
                    let status = r.status().as_u16();
                    let body = actix_web::body::to_bytes(r.into_body())
                        .await
                        .map(|b| b.to_vec())
                        .unwrap_or_default();
                    return Ok(TracedResponse {
                        status,
                        headers: Vec::new(),
                        body,
                    });
                }
            };
            let status = resp.status().as_u16();
            let headers = resp
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let body = actix_web::body::to_bytes(resp.into_body())
                .await
                .map_err(|e| format!("reading the response body failed: {e}"))?
                .to_vec();
            Ok(TracedResponse {
                status,
                headers,
                body,
            })
        })
    }

    fn describe(&self) -> String {
        "sent in process through actix-web's test service".to_owned()
    }
}

/// A server listening on a loopback address, called over real HTTP/1.1.
pub(crate) struct Loopback {
    /// `http://127.0.0.1:port`.
    pub origin: String,
    /// `127.0.0.1:port`.
    pub authority: String,
}

impl Loopback {
    /// Accepts only `http://` origins on a loopback address (`127.0.0.1`, `localhost`, `[::1]`).
    pub fn new(base: &str) -> Result<Loopback, String> {
        let rest = base.strip_prefix("http://").ok_or_else(|| {
            format!("the emulator speaks plain http to loopback servers only, not `{base}`")
        })?;
        let authority = rest.split(['/', '?']).next().unwrap_or_default();
        let host = match authority.rsplit_once(':') {
            Some((h, p)) if p.parse::<u16>().is_ok() => h,
            _ => return Err(format!("`{base}` has no port")),
        };
        if !matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
            return Err(format!(
                "`{host}` is not a loopback address: the emulator only contacts 127.0.0.1 / [::1]"
            ));
        }
        let authority = authority.replacen("localhost", "127.0.0.1", 1);
        Ok(Loopback {
            origin: format!("http://{authority}"),
            authority,
        })
    }
}

impl Transport for Loopback {
    fn send<'a>(
        &'a self,
        req: &'a TracedRequest,
        path: &'a str,
    ) -> LocalBoxFuture<'a, Result<TracedResponse, String>> {
        Box::pin(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let addr = self
                .authority
                .trim_start_matches('[')
                .replace("]:", ":")
                .to_owned();
            let addr: std::net::SocketAddr = if addr.starts_with("::1") {
                format!("[::1]:{}", addr.rsplit(':').next().unwrap_or_default())
                    .parse()
                    .map_err(|e| format!("{e}"))?
            } else {
                addr.parse().map_err(|e| format!("{e}"))?
            };
            if !addr.ip().is_loopback() {
                return Err(format!("refusing to contact non-loopback address {addr}"));
            }
            let mut stream = tokio::net::TcpStream::connect(addr)
                .await
                .map_err(|e| format!("connecting to {addr} failed: {e}"))?;
            let mut head = format!(
                "{} {} HTTP/1.1\r\nHost: {}\r\n",
                req.method, path, self.authority
            );
            for (k, v) in &req.headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            if req.method == "POST" || !req.body.is_empty() {
                head.push_str(&format!("Content-Length: {}\r\n", req.body.len()));
            }
            head.push_str("Connection: close\r\n\r\n");
            let mut bytes = head.into_bytes();
            bytes.extend_from_slice(&req.body);
            stream
                .write_all(&bytes)
                .await
                .map_err(|e| format!("sending the request failed: {e}"))?;
            let mut raw = Vec::new();
            stream
                .read_to_end(&mut raw)
                .await
                .map_err(|e| format!("reading the response failed: {e}"))?;
            parse_response(&raw)
        })
    }

    fn origin(&self) -> Option<&str> {
        Some(&self.origin)
    }

    fn describe(&self) -> String {
        format!("sent over HTTP/1.1 to {}", self.origin)
    }
}

fn parse_response(raw: &[u8]) -> Result<TracedResponse, String> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| "the connection closed before a complete response head".to_owned())?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| format!("bad status line `{status_line}`"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    if chunked {
        body = dechunk(&body)?;
    } else if let Some(len) = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
    {
        body.truncate(len);
    }
    Ok(TracedResponse {
        status,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let eol = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("truncated chunk size")?;
        let size_text = String::from_utf8_lossy(&data[..eol]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|e| format!("bad chunk size: {e}"))?;
        data = &data[eol + 2..];
        if size == 0 {
            return Ok(out);
        }
        if data.len() < size + 2 {
            return Err("truncated chunk".to_owned());
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}
