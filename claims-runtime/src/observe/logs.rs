//! The log subscriber `serve` installs: text on a terminal, JSON lines otherwise.

use std::io::IsTerminal;

/// How log lines are written to standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum LogFormat {
    /// Text when standard error is a terminal, JSON lines otherwise (log collectors).
    #[default]
    Auto,
    /// Human-readable text.
    Text,
    /// One JSON object per line, the event's fields at the top level.
    Json,
}

/// Installs a `tracing-subscriber` writing to standard error in `format`, filtered by
/// `RUST_LOG` (default `info`). Returns `false`, changing nothing, when a global subscriber is
/// already set (an app that configures its own logging keeps it).
pub fn init_logging(format: LogFormat) -> bool {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = match format {
        LogFormat::Auto => !std::io::stderr().is_terminal(),
        LogFormat::Text => false,
        LogFormat::Json => true,
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init()
            .is_ok()
    } else {
        builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init()
            .is_ok()
    }
}
