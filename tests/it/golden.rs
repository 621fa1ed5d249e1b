//! Golden outputs: every command, run on Oakfield and on a generated 1,000-pupil school, must
//! print exactly what it printed when the expectations were last accepted. This is the safety
//! net of the refactor of issue #16 (one home per legal computation): moving code must not
//! move a byte of output.
//!
//! When an output changes ON PURPOSE, regenerate the expectations with
//!
//! ```text
//! GOLDEN_UPDATE=1 cargo test --test it golden::
//! ```
//!
//! then read `git diff tests/golden/` before committing: Oakfield's outputs are committed
//! whole (tests/golden/oakfield/), the big school's as SHA-256 digests
//! (tests/golden/school1000.sha256); on a mismatch its actual outputs are written to
//! target/golden-actual/ so they can be compared with an older build's.

use crate::common;

#[allow(dead_code, unused_imports, clippy::all)]
use crate::gen_school;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use common::{AS_OF, sen};
use sha2::{Digest, Sha256};

const UPDATE_HINT: &str = "if the change is on purpose, run `GOLDEN_UPDATE=1 cargo test --test it golden::` \
     and read `git diff tests/golden/` before committing";

/// Where the calendar is written (it writes files only, under `out/`); its bytes are appended
/// to the command's output.
const CALENDAR: &str = "out/golden/calendar.ics";

/// Every command with the arguments that make it print its whole output to standard output.
fn commands() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("check-table", vec!["check"]),
        ("check-json", vec!["check", "--format", "json"]),
        ("check-within-60", vec!["check", "--within", "60"]),
        ("report-information-md", vec!["report", "information"]),
        (
            "report-information-html",
            vec!["report", "information", "--format", "html"],
        ),
        ("report-register-md", vec!["report", "register"]),
        (
            "report-register-html",
            vec!["report", "register", "--format", "html"],
        ),
        ("report-provision-map-md", vec!["report", "provision-map"]),
        (
            "report-provision-map-html",
            vec!["report", "provision-map", "--format", "html"],
        ),
        ("report-effectiveness-md", vec!["report", "effectiveness"]),
        (
            "report-effectiveness-html",
            vec!["report", "effectiveness", "--format", "html"],
        ),
        ("report-governors-md", vec!["report", "governors"]),
        (
            "report-governors-html",
            vec!["report", "governors", "--format", "html"],
        ),
        ("letter-due-md", vec!["letter", "--due", "--out", "-"]),
        (
            "letter-due-html",
            vec!["letter", "--due", "--out", "-", "--format", "html"],
        ),
        ("calendar", vec!["calendar", "--out", CALENDAR]),
        ("schema", vec!["schema"]),
    ]
}

/// Run each command in `root` (as the working folder, so every path printed is relative) and
/// return (name, exit status + standard output + standard error) in order.
fn run_all(root: &Path) -> Vec<(String, Vec<u8>)> {
    commands()
        .into_iter()
        .map(|(name, args)| {
            let out = sen()
                .current_dir(root)
                .args(["--records", ".", "--as-of", AS_OF])
                .args(&args)
                .output()
                .expect("run sen");
            let mut bytes = format!(
                "$ sen {}\nexit: {:?}\n--- stdout\n",
                args.join(" "),
                out.status.code()
            )
            .into_bytes();
            bytes.extend_from_slice(&out.stdout);
            bytes.extend_from_slice(b"\n--- stderr\n");
            bytes.extend_from_slice(&out.stderr);
            if args.contains(&CALENDAR) {
                bytes.extend_from_slice(b"\n--- ");
                bytes.extend_from_slice(CALENDAR.as_bytes());
                bytes.extend_from_slice(b"\n");
                bytes.extend_from_slice(&fs::read(root.join(CALENDAR)).unwrap_or_default());
            }
            (name.to_string(), bytes)
        })
        .collect()
}

fn updating() -> bool {
    std::env::var_os("GOLDEN_UPDATE").is_some_and(|v| !v.is_empty() && v != "0")
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

#[test]
fn oakfield_outputs_are_unchanged() {
    let school = common::oakfield_copy();
    let outputs = run_all(school.path());
    let dir = golden_dir().join("oakfield");
    if updating() {
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("mkdir");
        for (name, bytes) in &outputs {
            fs::write(dir.join(format!("{name}.txt")), bytes).expect("write golden");
        }
        return;
    }
    let mut changed = Vec::new();
    for (name, bytes) in &outputs {
        let path = dir.join(format!("{name}.txt"));
        match fs::read(&path) {
            Ok(want) if &want == bytes => {}
            Ok(want) => changed.push(format!("{name}: {}", first_difference(&want, bytes))),
            Err(_) => changed.push(format!("{name}: no expectation at {}", path.display())),
        }
    }
    assert!(
        changed.is_empty(),
        "Oakfield outputs differ from tests/golden/oakfield/:\n  {}\n{UPDATE_HINT}",
        changed.join("\n  ")
    );
}

#[test]
fn generated_school_outputs_are_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("school");
    let as_of = chrono::NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").expect("date");
    gen_school::generate(1000, 1, as_of, &root).expect("generate the school");

    // The generator itself is part of the expectation: a change to it changes the school.
    let mut tree_digest = Sha256::new();
    for (path, hash) in common::tree(&root) {
        // `/` on every platform, so Windows digests the same tree as Linux.
        tree_digest.update(path.to_string_lossy().replace('\\', "/").as_bytes());
        tree_digest.update([0]);
        tree_digest.update(&hash);
    }
    let mut actual = format!("records {}\n", hex(&tree_digest.finalize()));
    let outputs = run_all(&root);
    for (name, bytes) in &outputs {
        writeln!(
            actual,
            "{name} {} {}",
            hex(&Sha256::digest(bytes)),
            bytes.len()
        )
        .expect("fmt");
    }

    let path = golden_dir().join("school1000.sha256");
    if updating() {
        fs::write(&path, &actual).expect("write golden");
        return;
    }
    let want = fs::read_to_string(&path).unwrap_or_default();
    if want != actual {
        let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("golden-actual");
        let _ = fs::remove_dir_all(&keep);
        fs::create_dir_all(&keep).expect("mkdir");
        for (name, bytes) in &outputs {
            fs::write(keep.join(format!("{name}.txt")), bytes).expect("keep actual");
        }
        let changed: Vec<&str> = actual
            .lines()
            .filter(|l| !want.lines().any(|w| w == *l))
            .filter_map(|l| l.split(' ').next())
            .collect();
        panic!(
            "outputs on the generated 1,000-pupil school differ from tests/golden/school1000.sha256: {}\n\
             (the actual outputs are in {})\n{UPDATE_HINT}",
            changed.join(", "),
            keep.display()
        );
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Where two outputs first part: line number and both lines.
fn first_difference(want: &[u8], got: &[u8]) -> String {
    let (w, g) = (String::from_utf8_lossy(want), String::from_utf8_lossy(got));
    let mut wl = w.lines();
    let mut gl = g.lines();
    for n in 1.. {
        match (wl.next(), gl.next()) {
            (Some(a), Some(b)) if a == b => continue,
            (None, None) => return "differs only in line endings".into(),
            (a, b) => {
                return format!(
                    "line {n}: expected {:?}, got {:?}",
                    a.unwrap_or("<end>"),
                    b.unwrap_or("<end>")
                );
            }
        }
    }
    unreachable!()
}
