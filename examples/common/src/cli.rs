//! The examples' own command-line option, `--database PATH`, next to the framework's command
//! line (`serve`, `policy`, `list`, `--bind`, `--version`), which gets every other argument.

use std::ffi::OsString;
use std::path::PathBuf;

/// The option's help, printed above the framework's `--help`; `default` is the file used
/// unless `--database` or `DATABASE_URL` names another.
pub fn help(default: &str) -> String {
    format!(
        "Database: --database <PATH>  the SQLite file, created, migrated and seeded on first run \
         [env: DATABASE_URL=] [default: ./{default}]; only `serve` opens it\n"
    )
}

/// The database path and the arguments left for the framework's command line.
///
/// `--database PATH` or `--database=PATH`, before or after the subcommand, wins over
/// `DATABASE_URL` (a path, optionally written `sqlite://PATH` or `sqlite:PATH`), which wins
/// over `default` (relative to the working directory).
pub fn parse(
    args: impl IntoIterator<Item = OsString>,
    database_url: Option<OsString>,
    default: &str,
) -> Result<(PathBuf, Vec<OsString>), String> {
    let mut rest = Vec::new();
    let mut chosen = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--" {
            rest.push(arg);
            rest.extend(args.by_ref());
            break;
        }
        if arg == "--database" {
            let value = args.next().ok_or("--database needs a path")?;
            chosen = Some(PathBuf::from(value));
        } else if let Some(v) = arg.to_str().and_then(|a| a.strip_prefix("--database=")) {
            chosen = Some(PathBuf::from(v));
        } else {
            rest.push(arg);
        }
    }
    let path = chosen
        .or_else(|| database_url.filter(|u| !u.is_empty()).map(from_url))
        .unwrap_or_else(|| PathBuf::from(default));
    Ok((path, rest))
}

/// `sqlite://data/x.db`, `sqlite:data/x.db` or a plain path, as a path.
fn from_url(url: OsString) -> PathBuf {
    match url.to_str() {
        Some(u) => PathBuf::from(
            u.strip_prefix("sqlite://")
                .or_else(|| u.strip_prefix("sqlite:"))
                .unwrap_or(u),
        ),
        None => PathBuf::from(url),
    }
}

/// Whether the framework's command line will serve (and so needs the database): `serve`, or no
/// subcommand, and no `--help`/`--version`. `policy` and `list` never open the file.
pub fn serves(args: &[OsString]) -> bool {
    let mut rest = args.iter().skip(1);
    while let Some(a) = rest.next() {
        match a.to_str() {
            Some("--help" | "-h" | "--version" | "-V" | "--") => return false,
            // The only option of the framework taking a separate value before the subcommand.
            Some("--bind") => {
                rest.next();
            }
            Some(a) if a.starts_with('-') => {}
            Some(command) => return command == "serve" && !wants_help(args),
            None => return false,
        }
    }
    true
}

/// Whether `--help` or `-h` is asked for.
pub fn wants_help(args: &[OsString]) -> bool {
    args.iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--help" || a == "-h")
}

/// Prints `error: …` and exits with status 1, like the framework's own command line.
pub fn fail(e: impl std::fmt::Display) -> ! {
    eprintln!("error: {}", e.to_string().trim_end());
    std::process::exit(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT_DATABASE: &str = "data/example.db";

    fn parse(
        args: Vec<OsString>,
        url: Option<OsString>,
    ) -> Result<(PathBuf, Vec<OsString>), String> {
        super::parse(args, url, DEFAULT_DATABASE)
    }

    fn args(a: &[&str]) -> Vec<OsString> {
        a.iter().map(OsString::from).collect()
    }

    #[test]
    fn database_option_anywhere_wins_over_the_url_and_the_default() {
        let env = Some(OsString::from("sqlite://env.db"));
        let (p, rest) = parse(args(&["x", "--database", "a.db", "serve"]), env.clone()).unwrap();
        assert_eq!((p, rest), (PathBuf::from("a.db"), args(&["x", "serve"])));
        let (p, rest) = parse(
            args(&["x", "serve", "--database=b.db", "--bind", "h:1"]),
            env.clone(),
        )
        .unwrap();
        assert_eq!(p, PathBuf::from("b.db"));
        assert_eq!(rest, args(&["x", "serve", "--bind", "h:1"]));
        assert_eq!(parse(args(&["x"]), env).unwrap().0, PathBuf::from("env.db"));
        assert_eq!(
            parse(args(&["x"]), Some("sqlite:/srv/l.db".into()))
                .unwrap()
                .0,
            PathBuf::from("/srv/l.db")
        );
        assert_eq!(
            parse(args(&["x"]), Some("plain.db".into())).unwrap().0,
            PathBuf::from("plain.db")
        );
        assert_eq!(
            parse(args(&["x"]), Some("".into())).unwrap().0,
            PathBuf::from(DEFAULT_DATABASE)
        );
        assert_eq!(
            parse(args(&["x"]), None).unwrap().0,
            PathBuf::from(DEFAULT_DATABASE)
        );
        assert!(parse(args(&["x", "serve", "--database"]), None).is_err());
        // After `--` nothing is ours.
        let (p, rest) = parse(args(&["x", "--", "--database", "c.db"]), None).unwrap();
        assert_eq!(p, PathBuf::from(DEFAULT_DATABASE));
        assert_eq!(rest.len(), 4);
    }

    #[test]
    fn the_help_names_the_default() {
        assert!(help("data/x.db").contains("[default: ./data/x.db]"));
    }

    #[test]
    fn only_serving_needs_the_database() {
        for yes in [
            &["x"][..],
            &["x", "serve"],
            &["x", "--bind", "127.0.0.1:0"],
            &["x", "--bind", "policy", "serve"],
            &["x", "serve", "--policy-out", "list"],
        ] {
            assert!(serves(&args(yes)), "{yes:?}");
        }
        for no in [
            &["x", "policy", "--base-url", "https://a"][..],
            &["x", "list"],
            &["x", "--bind", "h:1", "list"],
            &["x", "--help"],
            &["x", "serve", "--help"],
            &["x", "-V"],
            &["x", "bogus"],
        ] {
            assert!(!serves(&args(no)), "{no:?}");
        }
    }
}
