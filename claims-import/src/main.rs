//! `claims-import policy.xml [more.xml ...] [--out src/handlers.rs]`: Rust handler skeletons for
//! the RESTful technical profiles of an existing Azure AD B2C policy.

use std::path::PathBuf;
use std::process::ExitCode;

use claims_import::{Outcome, Source, import};
use clap::Parser;

/// Writes the claims-runtime handlers that export back to the RESTful technical profiles of an
/// existing B2C policy. Several files form one set (a base file, its extensions, pasted
/// snippets): IncludeTechnicalProfile chains may cross them.
#[derive(Parser)]
#[command(name = "claims-import", version)]
struct Args {
    /// Policy files: whole policies, TrustFrameworkExtensions fragments or bare
    /// <TechnicalProfiles> snippets.
    #[arg(required = true)]
    policies: Vec<PathBuf>,
    /// Write the Rust module here instead of standard output.
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Exit with status 2 when a RESTful profile was refused.
    #[arg(long)]
    strict: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut files = Vec::new();
    for path in &args.policies {
        match std::fs::read_to_string(path) {
            Ok(xml) => files.push((path.display().to_string(), xml)),
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                return ExitCode::from(1);
            }
        }
    }
    let sources: Vec<Source<'_>> = files
        .iter()
        .map(|(name, xml)| Source { name, xml })
        .collect();
    let out = match import(&sources) {
        Ok(out) => out,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    for r in &out.reports {
        match &r.outcome {
            Outcome::Imported { function } => {
                eprintln!("{}: imported as `{function}`", r.id);
                for n in &r.notes {
                    eprintln!("  note: {n}");
                }
            }
            Outcome::Refused => {
                eprintln!("{}: refused", r.id);
                for reason in &r.reasons {
                    eprintln!("  - {reason}");
                }
            }
            Outcome::Skipped => eprintln!("{}: skipped ({})", r.id, r.reasons.join("; ")),
        }
    }
    eprintln!("\n{}{}", out.summary_table(), out.totals());
    match &args.out {
        Some(path) => {
            if let Err(e) = std::fs::write(path, &out.code) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return ExitCode::from(1);
            }
        }
        None => print!("{}", out.code),
    }
    let refused = out.reports.iter().any(|r| r.outcome == Outcome::Refused);
    if args.strict && refused {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}
