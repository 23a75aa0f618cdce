//! The command line every app gets: `serve`, `policy`, `api-connectors`, `entra`, `list`,
//! `openapi`.

use std::ffi::OsString;
use std::io::Write;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::app::App;
use crate::policy::PolicyOptions;

#[derive(Debug, Parser)]
#[command(
    about = "An Azure AD B2C REST claims service",
    disable_help_subcommand = true
)]
struct Cli {
    /// Address to listen on (`serve`); accepted before or after the subcommand.
    #[arg(
        long,
        global = true,
        env = "CLAIMS_BIND",
        default_value = "127.0.0.1:8080"
    )]
    bind: String,
    #[command(flatten)]
    observe: crate::observe::ObserveArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the handlers over HTTP (the default).
    Serve {
        /// Send developer details in error bodies (refused in production mode; authentication
        /// failure reasons are never sent, only logged).
        #[arg(long)]
        debug: bool,
        /// Also write the policy XML for this server to FILE before serving.
        #[arg(long, value_name = "FILE")]
        policy_out: Option<std::path::PathBuf>,
        /// Public base URL written into that policy (default: http://BIND, or https:// with TLS).
        #[arg(long)]
        public_url: Option<String>,
        /// Serve HTTPS with this PEM certificate chain (TLS 1.2 and 1.3); needs --tls-key.
        #[arg(long, value_name = "PEM", requires = "tls_key")]
        tls_cert: Option<std::path::PathBuf>,
        /// The PEM private key of --tls-cert.
        #[arg(long, value_name = "PEM", requires = "tls_cert")]
        tls_key: Option<std::path::PathBuf>,
        /// Trusted roots (PEM) that client certificates named by CLAIMS_CLIENT_CERT_SUBJECT/ISSUER
        /// must chain to; replaces CLAIMS_CLIENT_CERT_CA_FILE.
        #[arg(long, value_name = "PEM")]
        client_ca: Option<std::path::PathBuf>,
    },
    /// Write the B2C policy XML (ClaimsSchema + ClaimsProvider) for the handlers.
    Policy(PolicyArgs),
    /// Write the Microsoft Graph JSON registering the API connector routes with a B2C tenant.
    ApiConnectors(ApiConnectorArgs),
    /// Write the Microsoft Graph JSON registering the Entra routes as custom authentication
    /// extensions (extension, listener, claims-mapping policy, app-registration patch).
    Entra(EntraArgs),
    /// List every route: technical profile, method, path, and the send mode (B2C) or caller.
    List,
    /// Write the OpenAPI 3.1 document (JSON) for the handlers.
    Openapi(crate::openapi::CliArgs),
}

#[derive(Debug, clap::Args)]
struct PolicyArgs {
    /// Public base URL of this service, e.g. https://api.contoso.com
    #[arg(long)]
    base_url: String,
    /// Tenant (TenantId of the policy), e.g. contoso.onmicrosoft.com
    #[arg(long, default_value = "yourtenant.onmicrosoft.com")]
    tenant: String,
    /// PolicyId of the generated file.
    #[arg(long, default_value = "B2C_1A_RestApi")]
    policy_id: String,
    /// PolicyId of the base policy.
    #[arg(long, default_value = "B2C_1A_TrustFrameworkExtensions")]
    base_policy_id: String,
    /// Write to this file instead of standard output.
    #[arg(long)]
    out: Option<std::path::PathBuf>,
    /// Only the ClaimsSchema and ClaimsProvider fragments, for pasting into an existing file.
    #[arg(long)]
    snippet: bool,
    /// Emit DebugMode=true in every profile (development only).
    #[arg(long)]
    debug_mode: bool,
    /// Production export: refuses AuthenticationType=None unless --allow-insecure.
    #[arg(long)]
    production: bool,
    /// Allow AuthenticationType=None in a production export.
    #[arg(long)]
    allow_insecure: bool,
    /// Add the Localization block (transport-failure texts and claim display names per language,
    /// from the app's message catalogs) and the ContentDefinition references that activate it.
    #[arg(long)]
    localize: bool,
    /// With --localize: only these languages (comma-separated tags, e.g. en,fr,pt-BR).
    #[arg(long, value_delimiter = ',')]
    languages: Vec<String>,
    /// DisplayName of the generated ClaimsProvider.
    #[arg(long, default_value = "REST APIs")]
    provider_name: String,
    /// Leave out the commented usage examples next to each technical profile.
    #[arg(long)]
    no_usage_examples: bool,
}

#[derive(Debug, clap::Args)]
struct ApiConnectorArgs {
    /// Public base URL of this service (https://), e.g. https://api.contoso.com
    #[arg(long)]
    base_url: String,
    /// The user flow to attach the connectors to (default: a {{userFlowId}} placeholder).
    #[arg(long)]
    user_flow: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long)]
    out: Option<std::path::PathBuf>,
}

#[derive(Debug, clap::Args)]
struct EntraArgs {
    /// Public base URL of this service (https://), e.g. https://api.contoso.com
    #[arg(long)]
    base_url: String,
    /// The client id (GUID) of the extension's app registration: the tokens' audience.
    #[arg(long)]
    app_id: String,
    /// PasswordSubmit: the Boolean directory extension flagging users still to migrate
    /// (default: a {{migrationPropertyId}} placeholder).
    #[arg(long)]
    migration_property: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long)]
    out: Option<std::path::PathBuf>,
}

/// Writes `text` to `out`, or to standard output.
fn write_out(out: Option<std::path::PathBuf>, text: &str, what: &str) -> std::io::Result<()> {
    match out {
        Some(path) => std::fs::write(&path, text)
            .map_err(|e| failed(format_args!("cannot write {}", path.display()), e)),
        None => std::io::stdout().write_all(text.as_bytes()).map_err(|e| {
            failed(
                format_args!("cannot write the {what} to standard output"),
                e,
            )
        }),
    }
}

/// One `list` / banner line per route: the send mode for B2C, the caller otherwise.
fn route_lines(app: &App) -> Vec<(String, &'static str, String, String)> {
    app.routes()
        .into_iter()
        .map(|(s, c, method, path)| {
            let what = match c {
                crate::CallerRoute::B2c => s.send_claims_in.to_string(),
                crate::CallerRoute::ApiConnector { step, .. } => format!("api-connector {step}"),
                crate::CallerRoute::Entra { event, .. } => format!("entra {event}"),
                _ => c.caller().to_string(),
            };
            (
                s.technical_profile.to_owned(),
                method,
                shown_path(s, path),
                what,
            )
        })
        .collect()
}

/// The route as listed: without the implicit claims' part of a Url-mode query template, which
/// the handler never declared (`/members/{id}?claimsRuntimeCulture={..}` lists as `/members/{id}`).
fn shown_path(spec: &crate::HandlerSpec, path: &'static str) -> String {
    let Some((route, query)) = path.split_once('?') else {
        return path.to_owned();
    };
    let implicit: Vec<&str> = spec
        .inputs
        .iter()
        .filter(|c| c.implicit)
        .map(|c| c.wire())
        .collect();
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            !pair
                .split_once('=')
                .and_then(|(_, v)| v.strip_prefix('{')?.strip_suffix('}'))
                .is_some_and(|name| implicit.contains(&name))
        })
        .collect();
    if kept.is_empty() {
        route.to_owned()
    } else {
        format!("{route}?{}", kept.join("&"))
    }
}

/// An error with what failed in front: `cannot listen on 127.0.0.1:8080: Address in use`.
fn failed(what: impl std::fmt::Display, e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(format!("{what}: {e}"))
}

/// Parses `args` and runs the chosen command. `version` is the `--version` of the binary;
/// `--help` and `--version` print and exit.
pub async fn run(
    app: App,
    version: &str,
    args: impl IntoIterator<Item = OsString>,
) -> std::io::Result<()> {
    let mut args = args.into_iter().peekable();
    // The program name as the user typed it (file stem), for usage lines and `--version`.
    let name = args
        .peek()
        .and_then(|a| std::path::Path::new(a).file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "claims".to_owned());
    let matches = match Cli::command()
        .name(name)
        .version(version.to_owned())
        .try_get_matches_from(args)
    {
        Ok(m) => m,
        Err(e) => e.exit(),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    let bind = cli.bind;
    match cli.command.unwrap_or(Command::Serve {
        debug: false,
        policy_out: None,
        public_url: None,
        tls_cert: None,
        tls_key: None,
        client_ca: None,
    }) {
        Command::Serve {
            debug,
            policy_out,
            public_url,
            tls_cert,
            tls_key,
            client_ca,
        } => {
            let app = cli.observe.apply(app);
            let mut app = match client_ca {
                Some(path) => app.auth(|a| a.use_client_ca_file(path)),
                None => app,
            };
            let scheme = if tls_cert.is_some() { "https" } else { "http" };
            if debug && app.is_production() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "serve --debug is refused in production mode (CLAIMS_PRODUCTION): debug mode sends developer details in error bodies; remove --debug",
                ));
            }
            if let Some(creds) = app.dev_basic_credentials() {
                eprintln!(
                    "development mode: Basic credentials {}:{} (header: Authorization: {})",
                    creds.username,
                    creds.password.expose(),
                    creds.authorization_header()
                );
                eprintln!("set CLAIMS_BASIC_USERNAME and CLAIMS_BASIC_PASSWORD to use your own");
            }
            let app = if debug { app.debug(true) } else { app };
            if let Some(path) = policy_out {
                let opts = PolicyOptions {
                    base_url: public_url.unwrap_or_else(|| format!("{scheme}://{bind}")),
                    debug_mode: debug,
                    ..PolicyOptions::default()
                };
                let xml = app
                    .policy(opts)
                    .map_err(|e| failed("cannot write the policy", e))?;
                std::fs::write(&path, xml)
                    .map_err(|e| failed(format_args!("cannot write {}", path.display()), e))?;
                eprintln!("policy written to {}", path.display());
            }
            let count = app.specs().len();
            let routes: Vec<String> = route_lines(&app)
                .into_iter()
                .map(|(tp, method, path, what)| match what.split_once(' ') {
                    Some(_) => format!("  {method} {path} -> {tp} ({what})"),
                    None => format!("  {method} {path} -> {tp}"),
                })
                .collect();
            // Bind first: the banner names the address really bound (`:0` picks a port).
            let (server, addrs) = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => {
                    let tls =
                        crate::auth::TlsSettings::from_pem_files(&cert, &key).map_err(|e| {
                            std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string())
                        })?;
                    let listener = std::net::TcpListener::bind(&bind)
                        .map_err(|e| failed(format_args!("cannot listen on {bind}"), e))?;
                    let addrs = vec![listener.local_addr()?];
                    (app.into_tls_server(listener, tls)?, addrs)
                }
                // The bind error names the address (`App::server`).
                _ => app.server(&bind)?,
            };
            let on: Vec<String> = addrs.iter().map(|a| format!("{scheme}://{a}")).collect();
            eprintln!("serving {count} handler(s) on {}", on.join(", "));
            for r in routes {
                eprintln!("{r}");
            }
            let served = server.await;
            #[cfg(feature = "otel")]
            crate::observe::flush_traces();
            crate::observe::flush_logs();
            served
        }
        Command::Policy(p) => {
            let localization = if p.localize {
                let mut all = app.policy_strings();
                if !p.languages.is_empty() {
                    all.retain(|l| {
                        p.languages
                            .iter()
                            .any(|want| want.eq_ignore_ascii_case(&l.language))
                    });
                }
                all
            } else {
                Vec::new()
            };
            let opts = PolicyOptions {
                base_url: p.base_url,
                tenant_id: p.tenant,
                policy_id: p.policy_id,
                base_policy_id: p.base_policy_id,
                snippet: p.snippet,
                debug_mode: p.debug_mode,
                production: p.production,
                allow_insecure: p.allow_insecure,
                provider_display_name: p.provider_name,
                usage_examples: !p.no_usage_examples,
                localization,
                ..PolicyOptions::default()
            };
            let xml = app
                .policy(opts)
                .map_err(|e| failed("cannot write the policy", e))?;
            match p.out {
                Some(path) => std::fs::write(&path, xml)
                    .map_err(|e| failed(format_args!("cannot write {}", path.display()), e)),
                None => std::io::stdout()
                    .write_all(xml.as_bytes())
                    .map_err(|e| failed("cannot write the policy to standard output", e)),
            }
        }
        Command::Openapi(a) => crate::openapi::run_cli(&app, a, version),
        Command::ApiConnectors(a) => {
            let doc = app
                .api_connectors_document(&a.base_url, a.user_flow.as_deref())
                .map_err(|e| failed("cannot write the API connector registration", e))?;
            write_out(a.out, &doc, "API connector registration")
        }
        Command::Entra(a) => {
            let doc = app
                .entra_document(&a.base_url, &a.app_id, a.migration_property.as_deref())
                .map_err(|e| failed("cannot write the Entra registration", e))?;
            write_out(a.out, &doc, "Entra registration")
        }
        Command::List => {
            let mut out = std::io::stdout().lock();
            for (tp, method, path, what) in route_lines(&app) {
                writeln!(out, "{tp}\t{method}\t{path}\t{what}")?;
            }
            Ok(())
        }
    }
}
