//! Helpers shared by the end-to-end tests: the `sen` binary with a pinned environment, and
//! copies and fingerprints of records trees.

#![allow(dead_code)] // each test file uses its own subset

pub mod serve;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const OAKFIELD: &str = "examples/oakfield";
pub const AS_OF: &str = "2026-11-23";

/// The `sen` binary with no colour, a fixed terminal width, and no date or records folder
/// from the environment (tests pass `--as-of` and `--records` themselves).
pub fn sen() -> Command {
    let mut c = Command::cargo_bin("sen").expect("binary");
    c.env("NO_COLOR", "1")
        .env("COLUMNS", "140")
        .env_remove("SEN_AS_OF")
        .env_remove("SEN_RECORDS");
    c
}

/// A path as the `&str` an argument list wants.
pub fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// The options of `sen init` that name the example school and its SENCO.
pub const OAKFIELD_INIT: [&str; 6] = [
    "--school",
    "Oakfield Primary School",
    "--senco",
    "Ms Priya Shah",
    "--senco-email",
    "senco@oakfield.example.org",
];

/// `CMD init ROOT` with Oakfield's name and SENCO (`cmd` is `sen` with any options before
/// the command), which must succeed; its standard output.
pub fn init(cmd: &mut Command, root: impl AsRef<OsStr>) -> String {
    let out = cmd
        .arg("init")
        .arg(root)
        .args(OAKFIELD_INIT)
        .output()
        .expect("init");
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// An empty school made by `sen init` in a new temporary folder (the records root).
pub fn empty_school() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    init(&mut sen(), dir.path());
    dir
}

/// Copy the tree at `from` into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.expect("walk");
        let rel = e.path().strip_prefix(from).expect("inside");
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            fs::create_dir_all(&dest).expect("mkdir");
        } else {
            fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

/// A private copy of the example school.
pub fn oakfield_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(Path::new(OAKFIELD), dir.path());
    dir
}

/// Every file under `root` but `out/`, with a hash of its bytes.
pub fn tree(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(root).sort_by_file_name() {
        let e = e.expect("walk");
        let rel = e.path().strip_prefix(root).expect("inside").to_path_buf();
        if rel.starts_with("out") {
            continue;
        }
        let h = if e.file_type().is_file() {
            Sha256::digest(fs::read(e.path()).expect("read")).to_vec()
        } else {
            Vec::new()
        };
        out.insert(rel, h);
    }
    out
}

/// A Word document read back as an outline of its text and structure, one line a block:
/// `# ` for a heading (one `#` a level), `- ` for a list item (indented by level), `| a | b |`
/// for a table row, `**bold**` and `_italic_` runs, `\` at a line break inside a paragraph,
/// and `=== new page ===` where a page break comes before a paragraph.
pub fn docx_outline(bytes: &[u8]) -> String {
    let xml = docx_part(bytes, "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).expect("document.xml parses");
    let body = doc
        .descendants()
        .find(|n| n.has_tag_name((W, "body")))
        .expect("a body");
    let mut out = String::new();
    for block in body.children().filter(|n| n.is_element()) {
        match block.tag_name().name() {
            "p" => {
                let line = paragraph_outline(block);
                if block
                    .descendants()
                    .any(|n| n.has_tag_name((W, "pageBreakBefore")))
                {
                    out.push_str("=== new page ===\n");
                }
                if !line.is_empty() {
                    out.push_str(&line);
                    out.push('\n');
                }
            }
            "tbl" => {
                for row in block.children().filter(|n| n.has_tag_name((W, "tr"))) {
                    let cells: Vec<String> = row
                        .children()
                        .filter(|n| n.has_tag_name((W, "tc")))
                        .map(|c| {
                            c.children()
                                .filter(|n| n.has_tag_name((W, "p")))
                                .map(paragraph_outline)
                                .collect::<Vec<_>>()
                                .join(" ")
                        })
                        .collect();
                    out.push_str(&format!("| {} |\n", cells.join(" | ")));
                }
            }
            _ => {}
        }
    }
    out
}

/// One part of a Word document (a zip archive), as text.
pub fn docx_part(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    let mut part = zip.by_name(name).expect("the part is there");
    let mut s = String::new();
    part.read_to_string(&mut s).expect("utf-8 part");
    s
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn paragraph_outline(p: roxmltree::Node) -> String {
    let attr = |n: roxmltree::Node, name: &str| {
        n.attributes()
            .find(|a| a.name() == name)
            .map(|a| a.value().to_string())
    };
    let mut prefix = String::new();
    for n in p.descendants() {
        if n.has_tag_name((W, "pStyle"))
            && let Some(level) =
                attr(n, "val").and_then(|v| v.strip_prefix("Heading").map(String::from))
        {
            let level: usize = level.parse().expect("a heading level");
            prefix = format!("{} ", "#".repeat(level));
        }
        if n.has_tag_name((W, "ilvl")) {
            let level: usize = attr(n, "val").expect("ilvl").parse().expect("a number");
            prefix = format!("{}- ", "  ".repeat(level));
        }
    }
    let mut text = String::new();
    for r in p.children().filter(|n| n.has_tag_name((W, "r"))) {
        let props = r.children().find(|n| n.has_tag_name((W, "rPr")));
        let has =
            |tag: &str| props.is_some_and(|pr| pr.children().any(|n| n.has_tag_name((W, tag))));
        let mut run = String::new();
        for n in r.children() {
            if n.has_tag_name((W, "t")) {
                run.push_str(n.text().unwrap_or(""));
            } else if n.has_tag_name((W, "br")) {
                run.push_str(" \\ ");
            }
        }
        if run.trim().is_empty() {
            text.push_str(&run);
        } else if has("b") {
            text.push_str(&format!("**{run}**"));
        } else if has("i") {
            text.push_str(&format!("_{run}_"));
        } else {
            text.push_str(&run);
        }
    }
    if text.is_empty() {
        return String::new();
    }
    format!("{prefix}{text}")
}

/// A finished run of `sen`: its exit code and its output as text.
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// `sen --records ROOT --as-of AS_OF ARGS...`, run to the end.
    pub fn of(root: &Path, args: &[&str]) -> Run {
        Run::at(root, AS_OF, args)
    }

    /// `sen --records ROOT --as-of DATE ARGS...`, run to the end.
    pub fn at(root: &Path, as_of: &str, args: &[&str]) -> Run {
        let out = sen()
            .args(["--records", path(root), "--as-of", as_of])
            .args(args)
            .output()
            .expect("run sen");
        Run {
            status: out.status.code().expect("exit code"),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// `sen check --format json` of ROOT on AS_OF, parsed.
pub fn check_json(root: &Path) -> Value {
    serde_json::from_str(&Run::of(root, &["check", "--format", "json"]).stdout).expect("json")
}

/// `sen --records ROOT --as-of AS_OF ARGS...`, run to the end.
pub fn run(root: &Path, args: &[&str]) -> std::process::Output {
    sen()
        .arg("--records")
        .arg(root)
        .args(["--as-of", AS_OF])
        .args(args)
        .output()
        .expect("runs")
}

/// The standard output of a run that must have succeeded (else its exit and stderr).
pub fn stdout(o: &std::process::Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).expect("utf-8")
}
