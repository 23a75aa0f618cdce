//! The app's OpenAPI 3.1 document (from `claims-export`, see [`claims_export::openapi`]): served
//! at `GET /openapi.json` (on by default; [`App::openapi_endpoint`] turns it off), returned by
//! [`App::openapi`] and [`App::openapi_json`], and written by the `openapi` subcommand.
//!
//! The document is written from the app's own settings so it cannot contradict the running
//! service: handlers that inherit their authentication get the app's default scheme.

use std::sync::{Arc, OnceLock};

use actix_web::web::{self, Bytes, ServiceConfig};
use actix_web::{HttpRequest, HttpResponse, Route};

use crate::{App, ClaimsConfig, ClaimsError};

pub use claims_export::openapi::*;

/// The path the document is served at.
pub const PATH: &str = "/openapi.json";

impl App {
    /// Serve the OpenAPI document at `GET /openapi.json` (on by default, without
    /// authentication: it describes the interface, never a secret).
    pub fn openapi_endpoint(mut self, on: bool) -> Self {
        self.openapi = match (on, self.openapi.take()) {
            (true, Some(opts)) => Some(opts),
            (true, None) => Some(OpenApiOptions::default()),
            (false, _) => None,
        };
        self
    }

    /// The title, description and servers of the served document (and of the `openapi`
    /// subcommand); turns the endpoint on. `info.version` is the app's version
    /// ([`App::version`]) and the default authentication the app's own.
    pub fn openapi_options(mut self, opts: OpenApiOptions) -> Self {
        self.openapi = Some(opts);
        self
    }

    /// The OpenAPI document for this app's handlers with `opts` as given, except the
    /// authentication of handlers that inherit it: the app's default scheme.
    pub fn openapi(&self, opts: OpenApiOptions) -> Result<String, OpenApiError> {
        export(&self.b2c_specs(), &self.openapi_fill(opts))
    }

    /// The document as `GET /openapi.json` serves it.
    pub fn openapi_json(&self) -> Result<String, OpenApiError> {
        export(&self.b2c_specs(), &self.served_openapi_options())
    }

    /// The options of the served document: the endpoint's, with the app's version and
    /// authentication.
    fn served_openapi_options(&self) -> OpenApiOptions {
        let mut opts = self.openapi.clone().unwrap_or_default();
        opts.version = self
            .version
            .clone()
            .unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_owned());
        self.openapi_fill(opts)
    }

    fn openapi_fill(&self, opts: OpenApiOptions) -> OpenApiOptions {
        OpenApiOptions {
            default_auth: self.config().auth.default,
            ..opts
        }
    }
}

/// The document a server serves: checked at start, written the first time it is asked for and
/// kept. Writing builds the whole document as a JSON tree; done at start, that tree's memory
/// stayed in the main thread's heap, where the workers never reuse it (about 0.1 MiB).
#[derive(Debug)]
pub(crate) struct Served {
    specs: Vec<&'static claims_core::spec::HandlerSpec>,
    opts: OpenApiOptions,
    text: OnceLock<Bytes>,
}

impl Served {
    /// The document. A failure, which the start-up check rules out, is not kept: each request
    /// that meets it tries again and is answered and logged.
    fn text(&self) -> Result<Bytes, OpenApiError> {
        if let Some(text) = self.text.get() {
            return Ok(text.clone());
        }
        let text = Bytes::from(export(&self.specs, &self.opts)?);
        Ok(self.text.get_or_init(|| text).clone())
    }
}

/// The start-up check of the endpoint, and the document to serve when it is on and passes: the
/// problems are a handler on its path and a document that cannot be written.
pub(crate) fn startup_check(app: &App) -> (Vec<String>, Option<Arc<Served>>) {
    if app.openapi.is_none() {
        return (Vec::new(), None);
    }
    let mut out: Vec<String> = app
        .specs()
        .iter()
        .filter(|s| s.route_path() == PATH)
        .map(|s| {
            format!(
                "{} uses the path {PATH} reserved for the OpenAPI document (disable it with openapi_endpoint(false))",
                s.technical_profile
            )
        })
        .collect();
    let specs = app.b2c_specs();
    let opts = app.served_openapi_options();
    match claims_export::openapi::check(&specs, &opts) {
        Ok(()) => (
            out,
            Some(Arc::new(Served {
                specs,
                opts,
                text: OnceLock::new(),
            })),
        ),
        Err(e) => {
            out.extend(e.0.into_iter().map(|p| format!("OpenAPI document: {p}")));
            (out, None)
        }
    }
}

/// Mounts `GET`/`HEAD /openapi.json`; `not_allowed` answers the other methods. A document that
/// cannot be written is answered with the error contract (`config`'s error body).
pub(crate) fn mount(
    cfg: &mut ServiceConfig,
    doc: &Option<Arc<Served>>,
    config: &web::Data<ClaimsConfig>,
    not_allowed: Route,
) {
    let Some(doc) = doc.clone() else { return };
    let config = config.clone();
    let serve = move |req: HttpRequest| {
        let doc = doc.clone();
        let config = config.clone();
        async move {
            match doc.text() {
                Ok(text) => HttpResponse::Ok()
                    .content_type("application/json")
                    .body(text),
                Err(e) => {
                    tracing::error!(error = %e, "the OpenAPI document cannot be written");
                    crate::app::contract_error(&config, &ClaimsError::internal(e), &req)
                }
            }
        }
    };
    cfg.service(
        web::resource(PATH)
            .route(web::get().to(serve.clone()))
            .route(web::head().to(serve))
            .default_service(not_allowed),
    );
}

/// `openapi [--out FILE] [--base-url URL]`.
#[cfg(feature = "cli")]
#[derive(Debug, clap::Args)]
pub(crate) struct CliArgs {
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<std::path::PathBuf>,
    /// Public base URL of this service, written as the document's server (default: none, so
    /// paths resolve against the document's own location).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
}

/// Runs the `openapi` subcommand; `version` is the binary's version.
#[cfg(feature = "cli")]
pub(crate) fn run_cli(app: &App, args: CliArgs, version: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = app.openapi.clone().unwrap_or_default();
    opts.version = version.to_owned();
    if let Some(url) = args.base_url {
        opts.servers = vec![url];
    }
    let text = app
        .openapi(opts)
        .map_err(|e| std::io::Error::other(format!("cannot write the OpenAPI document: {e}")))?;
    match args.out {
        Some(path) => std::fs::write(&path, text)
            .map_err(|e| std::io::Error::other(format!("cannot write {}: {e}", path.display()))),
        None => std::io::stdout().write_all(text.as_bytes()).map_err(|e| {
            std::io::Error::other(format!(
                "cannot write the OpenAPI document to standard output: {e}"
            ))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test as at;
    use claims_core::spec::{AuthSpec, HandlerSpec, SendClaimsIn};

    // Inherits an authentication the options leave unsaid: the document cannot be written.
    static INHERITS: HandlerSpec = HandlerSpec::new("REST-Inherits", "/x", SendClaimsIn::Body);

    /// A document that cannot be written (which the start-up check rules out for an app) is
    /// answered 500 with the error contract on every request, and is not kept.
    #[actix_web::test]
    async fn a_document_that_cannot_be_written_is_answered_with_the_error_contract() {
        let doc = Some(Arc::new(Served {
            specs: vec![&INHERITS],
            opts: OpenApiOptions {
                default_auth: AuthSpec::Inherit,
                ..OpenApiOptions::default()
            },
            text: OnceLock::new(),
        }));
        let config = web::Data::new(ClaimsConfig::default());
        let svc = at::init_service(actix_web::App::new().configure(|c| {
            mount(
                c,
                &doc,
                &config,
                web::route().to(HttpResponse::MethodNotAllowed),
            )
        }))
        .await;
        for _ in 0..2 {
            let resp = at::call_service(&svc, at::TestRequest::get().uri(PATH).to_request()).await;
            assert_eq!(resp.status(), 500);
            let body: serde_json::Value = at::read_body_json(resp).await;
            assert_eq!(body["code"], crate::error::ids::INTERNAL, "{body}");
            assert!(body["userMessage"].is_string(), "{body}");
        }
        assert!(doc.as_ref().unwrap().text.get().is_none());
    }
}
