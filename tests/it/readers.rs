//! Every page speaks to its reader (#25): every document a parent, teacher, governor or the
//! local authority reads, written for the example school and for a generated school, carries
//! no command, no rule id, no code span and no census code without its words.

use crate::common;

#[allow(dead_code, unused_imports, clippy::all)]
use crate::gen_school;

use std::fs;
use std::path::Path;

use common::{AS_OF, oakfield_copy, run, stdout};
use regex::Regex;
use sen::findings::Rule;
use sen::model::Need;

/// Every document of the school at `root`: (what it is, its text). Markdown for letters and
/// reports (the words Word gets too), HTML for the reports that draw charts (the charts'
/// words), and the calendar.
fn documents(root: &Path, pupils: &[String]) -> Vec<(String, String)> {
    let mut docs = Vec::new();
    for kind in [
        "information",
        "register",
        "provision-map",
        "effectiveness",
        "governors",
    ] {
        docs.push((kind.to_string(), stdout(&run(root, &["report", kind]))));
        let html = stdout(&run(root, &["report", kind, "--format", "html"]));
        docs.push((format!("{kind} (HTML)"), html));
    }
    for id in pupils {
        let md = stdout(&run(root, &["report", "pupil", id]));
        docs.push((format!("pupil {id}"), md));
        let html = stdout(&run(root, &["report", "pupil", id, "--format", "html"]));
        docs.push((format!("pupil {id} (HTML)"), html));
    }
    let mut passports = 0;
    for year in 0..=13 {
        let o = run(root, &["report", "passport", "--year", &year.to_string()]);
        if o.status.success() {
            passports += 1;
            docs.push((format!("passports year {year}"), stdout(&o)));
        }
    }
    assert!(passports > 0, "some passports were written");
    docs.push(("calendar".into(), stdout(&run(root, &["calendar"]))));
    // Every letter `--due` writes, and each kind for the first pupils.
    let o = run(root, &["letter", "--due"]);
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for id in pupils.iter().take(6) {
        for kind in ["notification", "review-record", "meeting-record"] {
            let o = run(root, &["letter", kind, id, "--out", "-"]);
            if o.status.success() {
                docs.push((format!("{kind} {id}"), stdout(&o)));
            }
        }
    }
    for e in walkdir::WalkDir::new(root.join("out/letters")) {
        let e = e.expect("walk");
        if e.file_type().is_file() {
            let text = fs::read_to_string(e.path()).expect("read");
            docs.push((e.path().display().to_string(), text));
        }
    }
    docs
}

/// What a reader should never see in `text`, one line each.
fn problems(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    // The charts' SVG and the page's style are sen's own; only words are checked.
    let words = Regex::new(r"(?s)<style>.*?</style>")
        .expect("regex")
        .replace_all(text, "");
    let words = Regex::new(r"<[^>]*>")
        .expect("regex")
        .replace_all(&words, " ");
    if words.contains('`') {
        out.push("a code span (backtick)".to_string());
    }
    let command = Regex::new(
        r"\bsen (check|report|letter|calendar|import|init|new|census|schema|serve|completions)\b",
    )
    .expect("regex");
    if let Some(m) = command.find(&words) {
        out.push(format!("a command: {}", m.as_str()));
    }
    for rule in Rule::ALL {
        let id = rule.id();
        if id.contains('-')
            && Regex::new(&format!(r"\b{id}\b"))
                .expect("regex")
                .is_match(&words)
        {
            out.push(format!("the rule id {id}"));
        }
    }
    let lower = words.to_lowercase();
    for need in Need::ALL {
        let code = Regex::new(&format!(r"\b{}\b", need.code())).expect("regex");
        if code.is_match(&words) && !lower.contains(&need.label().to_lowercase()) {
            out.push(format!("the census code {} without its words", need.code()));
        }
    }
    out
}

fn assert_every_document_reads_well(root: &Path, pupils: &[String]) {
    let docs = documents(root, pupils);
    assert!(docs.len() > 20, "{} documents", docs.len());
    let bad: Vec<String> = docs
        .iter()
        .flat_map(|(what, text)| {
            problems(text)
                .into_iter()
                .map(move |p| format!("{what}: {p}"))
        })
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

fn pupil_ids(root: &Path) -> Vec<String> {
    let mut ids: Vec<String> = fs::read_dir(root.join("pupils"))
        .expect("pupils")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    ids
}

#[test]
fn the_example_schools_documents_speak_to_their_readers() {
    let school = oakfield_copy();
    let ids = pupil_ids(school.path());
    assert_every_document_reads_well(school.path(), &ids);
}

#[test]
fn a_generated_schools_documents_speak_to_their_readers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("school");
    let as_of = chrono::NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").expect("date");
    gen_school::generate(60, 5, as_of, &root).expect("generate");
    // Every twelfth pupil's own record, as a sample of the histories.
    let ids: Vec<String> = pupil_ids(&root).into_iter().step_by(12).collect();
    assert_every_document_reads_well(&root, &ids);
}

#[test]
fn the_checks_catch_what_they_look_for() {
    assert_eq!(
        problems("As `sen check` found: overdue (cycle-review, 6.48)"),
        [
            "a code span (backtick)",
            "a command: sen check",
            "the rule id cycle-review"
        ]
    );
    assert_eq!(
        problems("| Okafor | SPLD |"),
        ["the census code SPLD without its words"]
    );
    assert!(problems("SPLD specific learning difficulty").is_empty());
    assert!(problems("<svg><style>x { y: `z` }</style><text>ok</text></svg>").is_empty());
}
