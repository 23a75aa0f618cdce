//! `docs/getting-started.md` shows exactly the code of this crate: every fenced block tagged with
//! a file name (```` ```rust src/lib.rs ````) equals that file, and every file a reader needs is
//! shown. This file and `tests/cli.rs` check the guide itself and are not part of it.

use std::path::Path;

const GUIDE: &str = include_str!("../../../docs/getting-started.md");

/// The files the guide must show, in order.
const SHOWN: &[&str] = &[
    "Cargo.toml",
    "src/lib.rs",
    "src/main.rs",
    "tests/emulator.rs",
];

/// Files of this crate that check the guide (not shown in it).
const GUIDE_CHECKS: &[&str] = &["tests/guide.rs", "tests/cli.rs"];

/// `(file name, contents)` of every fenced block whose info string names a file.
fn file_blocks(md: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = md.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let name = info.split_whitespace().nth(1).map(str::to_owned);
        let mut body = String::new();
        for l in lines.by_ref() {
            if l == "```" {
                break;
            }
            body.push_str(l);
            body.push('\n');
        }
        if let Some(name) = name {
            out.push((name, body));
        }
    }
    out
}

/// The manifest as a user outside this repository writes it: the published versions without
/// the `path` to this workspace, and without lines marked `# workspace only`.
fn published_manifest(toml: &str) -> String {
    let mut out = String::new();
    for line in toml.lines() {
        if line.ends_with("# workspace only") {
            continue;
        }
        let line = match (line.find("{ version = \""), line.find("\", path = \"")) {
            (Some(v), Some(p)) if line.ends_with('}') && p > v => {
                let version = &line[v + "{ version = \"".len()..p];
                let rest = &line[p + "\", path = \"".len()..];
                let after_path = rest.find('"').map(|i| &rest[i + 1..]).unwrap_or("");
                if after_path.trim() == "}" {
                    format!("{}\"{version}\"", &line[..v])
                } else {
                    format!("{}{{ version = \"{version}\"{}", &line[..v], after_path)
                }
            }
            _ => line.to_owned(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[test]
fn every_file_block_of_the_guide_is_the_file_of_this_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let blocks = file_blocks(GUIDE);
    let names: Vec<&str> = blocks.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, SHOWN, "the guide shows these files, in this order");
    for (name, shown) in &blocks {
        let real = std::fs::read_to_string(root.join(name))
            .unwrap_or_else(|e| panic!("the guide shows {name}, which this crate lacks: {e}"));
        let real = if name == "Cargo.toml" {
            published_manifest(&real)
        } else {
            real
        };
        assert_eq!(
            shown, &real,
            "the guide's {name} differs from examples/getting-started/{name}"
        );
    }
}

#[test]
fn every_test_file_is_shown_or_checks_the_guide() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = format!("tests/{}", entry.unwrap().file_name().to_string_lossy());
        assert!(
            SHOWN.contains(&name.as_str()) || GUIDE_CHECKS.contains(&name.as_str()),
            "{name} is neither shown in docs/getting-started.md nor a check of the guide"
        );
    }
}

#[test]
fn the_published_manifest_drops_workspace_paths() {
    let toml = "publish = false # workspace only\n\
                a = { version = \"0.1\", path = \"../a\" }\n\
                b = { version = \"4\", path = \"../b\", features = [\"x\"] }\n\
                c = { version = \"4\", default-features = false }\n";
    assert_eq!(
        published_manifest(toml),
        "a = \"0.1\"\nb = { version = \"4\", features = [\"x\"] }\nc = { version = \"4\", default-features = false }\n"
    );
}
