//! What `sen init` writes for VS Code (.vscode/settings.json, tasks.json, extensions.json),
//! and `sen check --format line`, which the tasks' problem matcher reads: the matcher's own
//! regular expression, taken from the tasks.json that init wrote, must match every line of
//! real `sen check` output and find the file and line each finding points at.

use crate::common;

use std::fs;
use std::path::Path;

use common::{AS_OF, OAKFIELD, empty_school, oakfield_copy, path, sen};
use serde_json::Value;

fn json(file: &Path) -> Value {
    let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", file.display()))
}

/// The problem matcher of the task labelled `label`, as init wrote it.
fn matcher(tasks: &Value, label: &str) -> regex::Regex {
    let task = tasks["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .find(|t| t["label"] == label)
        .unwrap_or_else(|| panic!("no task `{label}`"));
    let m = &task["problemMatcher"];
    assert_eq!(m["fileLocation"][0], "relative");
    assert_eq!(m["fileLocation"][1], "${workspaceFolder}");
    let p = &m["pattern"];
    assert_eq!((p["file"].as_u64(), p["line"].as_u64()), (Some(1), Some(2)));
    assert_eq!(
        (p["column"].as_u64(), p["severity"].as_u64()),
        (Some(3), Some(4))
    );
    assert_eq!(
        (p["code"].as_u64(), p["message"].as_u64()),
        (Some(5), Some(6))
    );
    regex::Regex::new(p["regexp"].as_str().expect("regexp")).expect("the regexp compiles")
}

fn check(root: &Path, extra: &[&str]) -> (i32, String) {
    let out = sen()
        .args(["--records", path(root), "--as-of", AS_OF, "check"])
        .args(extra)
        .output()
        .expect("check");
    (
        out.status.code().expect("exit"),
        String::from_utf8(out.stdout).expect("utf-8"),
    )
}

/// Every line matches; each names a file that exists under the records folder, a line
/// within it and a severity that agrees with the finding's kind; one line per finding.
fn assert_matches_every_line(re: &regex::Regex, root: &Path, text: &str, findings: usize) {
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), findings, "one line per finding:\n{text}");
    for l in lines {
        let c = re
            .captures(l)
            .unwrap_or_else(|| panic!("the matcher misses: {l}"));
        let file = root.join(&c[1]);
        let body = fs::read_to_string(&file).unwrap_or_else(|e| panic!("{l}: {e}"));
        let line: usize = c[2].parse().expect("line");
        assert!(line >= 1 && line <= body.lines().count().max(1), "{l}");
        let kind = c[5].split(' ').next().expect("kind");
        let want = match kind {
            "invalid" | "overdue" => "error",
            "late" | "due" | "incomplete" => "warning",
            "advice" => "info",
            other => panic!("unknown kind {other} in {l}"),
        };
        assert_eq!(&c[4], want, "{l}");
        assert!(!c[6].is_empty(), "{l}");
    }
}

#[test]
fn init_writes_vscode_files_that_are_json_and_name_the_schemas_it_wrote() {
    let dir = empty_school();
    let vs = dir.path().join(".vscode");
    let settings = json(&vs.join("settings.json"));
    let schemas = settings["yaml.schemas"].as_object().expect("yaml.schemas");
    assert_eq!(schemas.len(), 6);
    for (schema, glob) in schemas {
        assert!(
            dir.path().join(schema).is_file(),
            "{schema} was not written"
        );
        assert!(glob.is_string());
    }
    assert_eq!(
        json(&vs.join("extensions.json"))["recommendations"][0],
        "redhat.vscode-yaml"
    );
    let tasks = json(&vs.join("tasks.json"));
    let labels: Vec<&str> = tasks["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| t["label"].as_str().expect("label"))
        .collect();
    assert_eq!(labels.len(), 5, "{labels:?}");
    // Every task runs sen with arguments sen accepts: the task's own args, with --help, parse.
    for t in tasks["tasks"].as_array().expect("tasks") {
        assert_eq!(t["command"], "sen");
        let mut args: Vec<String> = t["args"]
            .as_array()
            .expect("args")
            .iter()
            .map(|a| {
                a.as_str()
                    .expect("arg")
                    .replace("${input:pupil}", "amara-okafor")
            })
            .collect();
        args.push("--help".into());
        let out = sen().args(&args).output().expect("help");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The pupil input is declared.
    assert_eq!(tasks["inputs"][0]["id"], "pupil");
}

#[test]
fn a_new_folder_with_its_vscode_files_still_passes_check_and_the_matcher_reads_it() {
    let dir = empty_school();
    // A new school's only findings are the report still to write and publish (as init
    // says): nothing invalid, and nothing about the .vscode files.
    let (_, table) = check(dir.path(), &[]);
    assert!(!table.contains(".vscode"), "{table}");
    let tasks = json(&dir.path().join(".vscode/tasks.json"));
    let re = matcher(&tasks, "sen: check the records");
    let (_, report) = check(dir.path(), &["--format", "json"]);
    let findings = serde_json::from_str::<Value>(&report).expect("json")["findings"]
        .as_array()
        .expect("findings")
        .clone();
    let n = findings.len();
    assert!(n > 0, "a new school has sections still to write");
    assert!(findings.iter().all(|f| f["kind"] != "invalid"), "{report}");
    let (_, lines) = check(dir.path(), &["--format", "line"]);
    assert_matches_every_line(&re, dir.path(), &lines, n);
}

#[test]
fn the_problem_matcher_reads_every_finding_of_the_example_school_and_of_a_broken_file() {
    let tasks_dir = empty_school();
    let tasks = json(&tasks_dir.path().join(".vscode/tasks.json"));
    let schools = oakfield_copy();
    let root = schools.path();
    // A broken file: an invalid finding with a real line and column.
    let pupil = fs::read_dir(root.join("pupils"))
        .expect("pupils")
        .map(|e| e.expect("entry").path())
        .find(|p| p.join("pupil.yaml").is_file())
        .expect("a pupil");
    let file = pupil.join("pupil.yaml");
    let text = fs::read_to_string(&file).expect("read");
    fs::write(&file, format!("{text}\nnot_a_key: 3\n")).expect("write");
    for label in ["sen: check the records", "sen: check one pupil"] {
        let re = matcher(&tasks, label);
        let (_, report) = check(root, &["--format", "json"]);
        let n = serde_json::from_str::<Value>(&report).expect("json")["findings"]
            .as_array()
            .expect("findings")
            .len();
        let (status, lines) = check(root, &["--format", "line"]);
        assert_eq!(status, 1, "the example school has overdue work");
        assert!(n > 10, "{lines}");
        assert_matches_every_line(&re, root, &lines, n);
        assert!(
            lines
                .lines()
                .any(|l| l.contains(": error: invalid ") && !l.contains(":1:1: ")),
            "the broken key has its own line and column:\n{lines}"
        );
    }
    // The same findings as the table: the example at its pinned date, unchanged.
    let (_, lines) = check(Path::new(OAKFIELD), &["--format", "line"]);
    assert!(
        lines.lines().any(|l| l.contains(": error: overdue ")),
        "{lines}"
    );
}
