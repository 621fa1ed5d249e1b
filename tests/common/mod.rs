//! Helpers shared by the end-to-end tests: the `sen` binary with a pinned environment, and
//! copies and fingerprints of records trees.

#![allow(dead_code)] // each test file uses its own subset

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
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
