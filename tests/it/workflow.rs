//! The daily workflow end to end: `sen init`, `sen new`, `sen check`, `sen calendar` (read
//! back by an independent iCalendar parser), `sen schema` (checked by an independent JSON
//! Schema validator against the example school), `sen completions` and `sen man`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const AS_OF: &str = "2026-11-23";

fn sen() -> Command {
    let mut c = Command::cargo_bin("sen").expect("the sen binary");
    c.env("NO_COLOR", "1")
        .env("SEN_AS_OF", AS_OF)
        .env_remove("SEN_RECORDS");
    c
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/oakfield")
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A new records folder made by `sen init` in a temporary folder.
fn init() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("oakfield");
    let out = crate::common::init(sen().current_dir(tmp.path()), "oakfield");
    assert!(out.contains("Next steps"), "{out}");
    (tmp, root)
}

/// `sen new` of a first pupil, Amara Okafor.
const NEW_AMARA: [&str; 8] = [
    "pupil",
    "amara-okafor",
    "--given",
    "Amara",
    "--family",
    "Okafor",
    "--dob",
    "2017-03-14",
];

fn new(root: &Path, args: &[&str]) -> std::process::Output {
    sen()
        .current_dir(root)
        .arg("new")
        .args(args)
        .output()
        .expect("runs")
}

fn check_json(root: &Path, extra: &[&str]) -> Value {
    let out = sen()
        .arg("--records")
        .arg(root)
        .args(["check", "--format", "json"])
        .args(extra)
        .output()
        .expect("runs");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)))
}

fn findings(report: &Value) -> Vec<Value> {
    report["findings"].as_array().cloned().unwrap_or_default()
}

#[test]
fn init_then_new_pupil_cycle_meeting_checks_with_nothing_invalid() {
    let (_tmp, root) = init();
    assert!(root.join("pupils").is_dir());
    let gitignore = std::fs::read_to_string(root.join(".gitignore")).expect(".gitignore");
    assert!(gitignore.lines().any(|l| l == "out/"), "{gitignore}");

    let written: Vec<String> = [
        NEW_AMARA.to_vec(),
        vec!["cycle", "amara-okafor"],
        vec!["meeting", "amara-okafor"],
    ]
    .iter()
    .map(|args| {
        let out = new(&root, args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out).trim().to_string()
    })
    .collect();
    let expected = [
        "pupils/amara-okafor/pupil.yaml",
        "pupils/amara-okafor/cycles/2026-11-23.yaml",
        "pupils/amara-okafor/meetings/2026-11-23.yaml",
    ];
    for (printed, rel) in written.iter().zip(expected) {
        assert!(printed.ends_with(rel), "{printed} is not {rel}");
        assert!(root.join(rel).is_file(), "{rel}");
    }
    let cycle = std::fs::read_to_string(root.join(expected[1])).expect("cycle");
    assert!(cycle.contains("review_due: 2027-01-04"), "{cycle}");

    // In-process: what init and new wrote loads with no invalid finding.
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let loaded = sen::load::load(&root, as_of);
    assert!(loaded.findings.is_empty(), "{:?}", loaded.findings);
    assert_eq!(loaded.records.pupils.len(), 1);
    assert_eq!(loaded.records.pupils[0].cycles.len(), 1);
    assert_eq!(loaded.records.pupils[0].meetings.len(), 1);

    let report = check_json(&root, &[]);
    let all = findings(&report);
    assert!(all.iter().all(|f| f["kind"] != "invalid"), "{report:#}");
    // Exactly one incomplete finding per statutory section of the information report.
    let incomplete: BTreeSet<String> = all
        .iter()
        .filter(|f| f["kind"] == "incomplete")
        .map(|f| {
            assert_eq!(f["rule"], "information-report");
            let m = f["message"].as_str().unwrap_or_default();
            let key = sen::model::SECTIONS
                .iter()
                .find(|s| m.contains(&format!("`{}`", s.key)))
                .unwrap_or_else(|| panic!("no section named in {m}"));
            key.key.to_string()
        })
        .collect();
    let sections: BTreeSet<String> = sen::model::SECTIONS
        .iter()
        .map(|s| s.key.to_string())
        .collect();
    assert_eq!(incomplete, sections);
    assert_eq!(report["counts"]["incomplete"], 16);
    // Besides those: the report is not yet published, and the new pupil's parents are to be
    // told today. A cycle started today is reviewed in six weeks: nothing due yet.
    let rest: Vec<(String, String)> = all
        .iter()
        .filter(|f| f["kind"] != "incomplete")
        .map(|f| {
            (
                f["kind"].as_str().unwrap_or_default().to_string(),
                f["rule"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rest,
        [
            ("overdue".to_string(), "information-report".to_string()),
            ("due".to_string(), "notification".to_string()),
        ],
        "{report:#}"
    );
    assert_eq!(report["pupils_on_register"], 1);
}

#[test]
fn new_annual_review_loads_with_nothing_invalid() {
    let (_tmp, root) = init();
    let out = new(
        &root,
        &[
            "pupil",
            "leo-santos",
            "--given",
            "Leo",
            "--family",
            "Santos",
            "--dob",
            "2012-01-20",
            "--date",
            "2025-09-10",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::write(
        root.join("pupils/leo-santos/ehcp.yaml"),
        "local_authority: Salford\nissued: 2025-05-20\n",
    )
    .expect("ehcp");
    let out = new(
        &root,
        &["annual-review", "leo-santos", "--meeting", "2027-05-12"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .trim()
            .ends_with("pupils/leo-santos/annual-reviews/2027-05-12.yaml")
    );
    let out = new(&root, &["meeting", "leo-santos", "--date", "2026-10-05"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let loaded = sen::load::load(
        &root,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date"),
    );
    assert!(loaded.findings.is_empty(), "{:?}", loaded.findings);
    assert_eq!(loaded.records.pupils[0].annual_reviews.len(), 1);
}

#[test]
fn new_files_point_at_a_schema_that_exists() {
    let (_tmp, root) = init();
    new(&root, &NEW_AMARA);
    new(&root, &["cycle", "amara-okafor", "--date", "2026-09-15"]);
    for rel in [
        "school.yaml",
        "pupils/amara-okafor/pupil.yaml",
        "pupils/amara-okafor/cycles/2026-09-15.yaml",
    ] {
        let text = std::fs::read_to_string(root.join(rel)).expect("written");
        let first = text.lines().next().unwrap_or_default();
        let target = first
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| panic!("{rel} starts with {first}"));
        let schema = root.join(rel).parent().expect("folder").join(target);
        assert!(schema.is_file(), "{rel}: {} is missing", schema.display());
    }
}

#[test]
fn new_never_writes_over_a_record() {
    let (_tmp, root) = init();
    new(&root, &NEW_AMARA);
    let rel = root.join("pupils/amara-okafor/cycles/2026-09-15.yaml");
    std::fs::create_dir_all(rel.parent().expect("folder")).expect("mkdir");
    std::fs::write(&rel, "started: 2026-09-15\n").expect("write");
    let out = new(&root, &["cycle", "amara-okafor", "--date", "2026-09-15"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&rel).expect("read"),
        "started: 2026-09-15\n"
    );
    let pupil =
        std::fs::read_to_string(root.join("pupils/amara-okafor/pupil.yaml")).expect("pupil.yaml");
    let out = new(
        &root,
        &[
            "pupil",
            "amara-okafor",
            "--given",
            "Someone",
            "--family",
            "Else",
            "--dob",
            "2016-01-01",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(root.join("pupils/amara-okafor/pupil.yaml")).expect("read"),
        pupil
    );
}

#[test]
fn new_refuses_a_bad_id_or_an_unknown_pupil() {
    let (_tmp, root) = init();
    for (args, says) in [
        (
            vec![
                "pupil",
                "Amara_Okafor",
                "--given",
                "A",
                "--family",
                "O",
                "--dob",
                "2017-03-14",
            ],
            "is not a pupil id",
        ),
        (
            vec![
                "pupil",
                "../escape",
                "--given",
                "A",
                "--family",
                "O",
                "--dob",
                "2017-03-14",
            ],
            "is not a pupil id",
        ),
        (vec!["cycle", "amara--okafor"], "is not a pupil id"),
        (vec!["meeting", "../../etc"], "is not a pupil id"),
        (vec!["cycle", "nobody"], "no pupil `nobody`"),
        (
            vec!["annual-review", "nobody", "--meeting", "2027-05-12"],
            "no pupil `nobody`",
        ),
        (
            vec![
                "pupil",
                "ava-lee",
                "--given",
                "Ava",
                "--family",
                "Lee",
                "--dob",
                "2027-01-01",
            ],
            "date of birth",
        ),
        (
            vec!["cycle", "nobody", "--date", "2026-02-30"],
            "is not a date",
        ),
    ] {
        let out = new(&root, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    assert!(!root.parent().expect("tmp").join("escape").exists());
    let pupils: Vec<_> = std::fs::read_dir(root.join("pupils"))
        .expect("pupils")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .collect();
    assert!(pupils.is_empty(), "{pupils:?}");
}

/// `sen init FOLDER`, run in `cwd`, of another school whose SENCO gives a phone number.
fn init_other(cwd: &Path, folder: &str) -> std::process::Output {
    sen()
        .current_dir(cwd)
        .args([
            "init",
            folder,
            "--school",
            "Other",
            "--senco",
            "Mr X",
            "--senco-phone",
            "0161",
        ])
        .output()
        .expect("runs")
}

#[test]
fn init_inside_another_records_folder_warns() {
    let (_tmp, root) = init();
    let out = init_other(&root, "inner");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is inside the records folder"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn init_refuses_a_folder_with_a_school_yaml() {
    let (tmp, root) = init();
    let before = std::fs::read_to_string(root.join("school.yaml")).expect("school.yaml");
    let out = init_other(tmp.path(), "oakfield");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("already has a school.yaml"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(root.join("school.yaml")).expect("read"),
        before
    );
}

#[test]
fn init_off_a_terminal_needs_every_option() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = sen()
        .current_dir(tmp.path())
        .args(["init", "x", "--school", "Oakfield Primary School"])
        .write_stdin("")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("--senco"), "{err}");
    assert!(err.contains("--senco-email or --senco-phone"), "{err}");
    assert!(!tmp.path().join("x/school.yaml").exists());
}

#[test]
fn init_with_a_phone_only_passes_the_senco_rule() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = sen()
        .current_dir(tmp.path())
        .args([
            "init",
            "--school",
            "Elm Park School",
            "--senco",
            "Mr Tom Hale",
            "--senco-phone",
            "0161 000 0001",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = check_json(tmp.path(), &["--rule", "senco"]);
    assert_eq!(findings(&report), Vec::<Value>::new(), "{report:#}");
    let text = std::fs::read_to_string(tmp.path().join("school.yaml")).expect("school.yaml");
    assert!(text.contains("phone: \"0161 000 0001\""), "{text}");
}

/// Undo iCalendar TEXT escaping (RFC 5545 3.3.11).
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn calendar(root: &Path) -> Vec<u8> {
    let out = sen()
        .arg("--records")
        .arg(root)
        .arg("calendar")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    out.stdout
}

#[test]
fn calendar_has_one_event_for_each_due_or_overdue_finding() {
    let root = example();
    let ics = calendar(&root);
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(ics.as_slice()));
    let cal = parser.next().expect("a calendar").expect("parses");
    assert!(parser.next().is_none(), "one calendar only");

    let report = check_json(&root, &["--within", "365"]);
    let wanted: Vec<Value> = findings(&report)
        .into_iter()
        .filter(|f| (f["kind"] == "due" || f["kind"] == "overdue") && !f["due"].is_null())
        .collect();
    assert!(
        wanted.len() >= 5,
        "the example school should give a full calendar"
    );
    assert!(wanted.iter().any(|f| f["kind"] == "overdue"));
    assert!(wanted.iter().any(|f| f["kind"] == "due"));
    // Besides the findings, each scheduled annual review's four preparation dates (0.3).
    let summary = |e: &ical::parser::ical::component::IcalEvent| {
        e.properties
            .iter()
            .find(|p| p.name == "SUMMARY")
            .and_then(|p| p.value.clone())
            .unwrap_or_default()
    };
    let (events, preparation): (Vec<_>, Vec<_>) = cal.events.iter().partition(|e| {
        let s = summary(e);
        !(s.contains(": Annual review: ") || s.ends_with(": Annual review meeting"))
    });
    assert_eq!(preparation.len() % 4, 0, "four dates a review");
    assert_eq!(events.len(), wanted.len());

    let mut uids = BTreeSet::new();
    for (event, f) in events.into_iter().zip(&wanted) {
        let prop = |name: &str| -> (String, Vec<(String, Vec<String>)>) {
            let p = event
                .properties
                .iter()
                .find(|p| p.name == name)
                .unwrap_or_else(|| panic!("no {name} in {event:?}"));
            (
                p.value.clone().unwrap_or_default(),
                p.params.clone().unwrap_or_default(),
            )
        };
        let due = chrono::NaiveDate::parse_from_str(f["due"].as_str().unwrap_or(""), "%Y-%m-%d")
            .expect("due");
        let (start, params) = prop("DTSTART");
        assert_eq!(start, due.format("%Y%m%d").to_string());
        assert!(
            params.contains(&("VALUE".into(), vec!["DATE".into()])),
            "{params:?}"
        );
        let (end, _) = prop("DTEND");
        assert_eq!(
            end,
            (due + chrono::Days::new(1)).format("%Y%m%d").to_string()
        );
        assert_eq!(prop("DTSTAMP").0, "20261123T000000Z");
        let summary = unescape(&prop("SUMMARY").0);
        // The duty in words, never its rule id (#25).
        let rule = f["rule"].as_str().unwrap_or_default();
        assert!(!summary.contains(rule), "{summary} shows {rule}");
        let title =
            sen::rules::table::event_title(sen::findings::Rule::from_id(rule).expect("a rule id"));
        assert!(summary.contains(title), "{summary} lacks {title}");
        if let Some(pupil) = f["pupil"].as_str() {
            let text = std::fs::read_to_string(root.join("pupils").join(pupil).join("pupil.yaml"))
                .expect("pupil.yaml");
            let family = yaml_to_json(&text);
            let family = family["name"]["family"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            assert!(summary.contains(&family), "{summary} lacks {family}");
        }
        assert_eq!(
            summary.ends_with("(overdue)"),
            f["kind"] == "overdue",
            "{summary}"
        );
        let description = unescape(&prop("DESCRIPTION").0);
        let message = f["message"].as_str().unwrap_or_default();
        let mut m = message.chars();
        let first = m
            .next()
            .map(|c| c.to_uppercase().to_string())
            .unwrap_or_default();
        assert!(
            description.contains(&format!("\nIn detail: {first}{}.", m.as_str())),
            "{description}"
        );
        // (The record's path may hold a folder name such as annual-reviews/.)
        let words = description
            .split("\nThe record:")
            .next()
            .unwrap_or_default();
        assert!(!words.contains(rule), "{description}");
        for p in f["paragraphs"].as_array().into_iter().flatten() {
            assert!(
                description.contains(p.as_str().unwrap_or_default()),
                "{description}"
            );
        }
        assert!(uids.insert(prop("UID").0), "UIDs are unique");
    }
}

#[test]
fn two_exports_of_the_same_records_are_byte_identical() {
    let root = example();
    let first = calendar(&root);
    let second = calendar(&root);
    assert!(!first.is_empty());
    assert_eq!(first, second);

    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("out/sen.ics");
    let out = sen()
        .arg("--records")
        .arg(&root)
        .args(["calendar", "--out"])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read(&file).expect("written"), first);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let dir = std::fs::metadata(file.parent().expect("dir"))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(dir & 0o777, 0o700);
    }
    // Another day: the UIDs stay, so a subscribed calendar updates rather than duplicates.
    let later = sen()
        .env("SEN_AS_OF", "2026-11-24")
        .arg("--records")
        .arg(&root)
        .arg("calendar")
        .output()
        .expect("runs");
    let uids = |b: &[u8]| -> BTreeSet<String> {
        String::from_utf8_lossy(b)
            .lines()
            .filter_map(|l| l.strip_prefix("UID:").map(str::to_string))
            .collect()
    };
    let (a, b) = (uids(&first), uids(&later.stdout));
    assert!(a.intersection(&b).count() > 0);
}

/// The schema name for a record file of the example, by where it stands.
fn schema_name(rel: &str) -> &'static str {
    sen::load::record_kind(rel).unwrap_or_else(|| panic!("unexpected record file {rel}"))
}

fn schemas() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("schemas");
    let out = sen()
        .args(["schema", "--out-dir"])
        .arg(&dir)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    (tmp, dir)
}

fn validator(dir: &Path, name: &str) -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(dir.join(format!("{name}.schema.json"))).expect("schema file");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

/// YAML to JSON with the loader's own parser settings (YAML 1.2: `N` is text, not false).
fn yaml_to_json(text: &str) -> Value {
    sen::yaml::parse(text).unwrap_or_else(|e| panic!("YAML: {}", e.message))
}

#[test]
fn every_file_of_the_example_school_validates_against_the_schema() {
    let (_tmp, dir) = schemas();
    let root = example();
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)
            .expect("read_dir")
            .filter_map(Result::ok)
        {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut kinds = BTreeSet::new();
    for path in &files {
        let rel = path
            .strip_prefix(&root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/");
        let name = schema_name(&rel);
        kinds.insert(name);
        let v = validator(&dir, name);
        let instance = yaml_to_json(&std::fs::read_to_string(path).expect("read"));
        let errors: Vec<String> = v.iter_errors(&instance).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{rel}: {errors:?}");
    }
    assert_eq!(
        kinds.len(),
        6,
        "every kind of record is exercised: {kinds:?}"
    );
}

#[test]
fn an_unknown_key_fails_the_schema() {
    let (_tmp, dir) = schemas();
    let cycle = validator(&dir, "cycle");
    let good = yaml_to_json("started: 2026-09-15\nplan:\n  review_due: 2026-10-27\n");
    assert!(cycle.is_valid(&good));
    let typo = yaml_to_json("started: 2026-09-15\nplan:\n  reveiw_due: 2026-10-27\n");
    assert!(!cycle.is_valid(&typo));
    let top = yaml_to_json("started: 2026-09-15\nnotes: hello\n");
    assert!(!cycle.is_valid(&top));
    let pupil = validator(&dir, "pupil");
    let bad_enum = yaml_to_json(
        "name: {given: A, family: B}\ndob: 2017-03-14\nsen: {status: K, since: 2025-10-06}\nflags: {looked_after: maybe}\n",
    );
    assert!(!pupil.is_valid(&bad_enum));
    let missing = yaml_to_json("name: {given: A, family: B}\ndob: 2017-03-14\n");
    assert!(!pupil.is_valid(&missing));
    let school = validator(&dir, "school");
    let school_typo = yaml_to_json("school: {name: Oak}\nsenco: {nmae: X}\n");
    assert!(!school.is_valid(&school_typo));
    // Keys sen check requires are required by the schema too.
    let ok = "school: {name: Oak}\nsenco: {name: X, appointed: 2024-09-01}\nterms:\n  - {name: Autumn, start: 2026-09-02, end: 2026-12-18}\n";
    assert!(school.is_valid(&yaml_to_json(ok)));
    for missing in [
        ok.replace(", appointed: 2024-09-01", ""),
        ok.replace(", start: 2026-09-02", ""),
        ok.replace(", end: 2026-12-18", ""),
        ok.replace("school: {name: Oak}\n", ""),
    ] {
        assert!(!school.is_valid(&yaml_to_json(&missing)), "{missing}");
    }
    assert!(!cycle.is_valid(&yaml_to_json(
        "started: 2026-09-15\nplan:\n  agreed: 2026-09-15\n"
    )));
}

#[test]
fn schema_prints_one_file_or_all() {
    let out = sen().args(["schema", "meeting"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let one: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(one["additionalProperties"], false);
    assert_eq!(one["required"], serde_json::json!(["date"]));
    let out = sen().arg("schema").output().expect("runs");
    let all: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(all["meeting"], one);
    let names: Vec<&String> = all.as_object().expect("object").keys().collect();
    assert_eq!(names.len(), 6);
    let out = sen().args(["schema", "meetings"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean `meeting`?"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn completions_and_man_page_come_from_the_clap_definitions() {
    let out = sen().args(["completions", "bash"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let bash = stdout(&out);
    assert!(bash.contains("_sen()"), "{bash}");
    assert!(bash.contains("annual-review"));
    let out = sen().args(["completions", "zsh"]).output().expect("runs");
    assert!(stdout(&out).contains("#compdef sen"));
    let out = sen().arg("man").output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let man = stdout(&out);
    assert!(man.starts_with(".ie") || man.contains(".TH sen"), "{man}");
    assert!(man.contains("calendar"));
}

#[test]
fn pre_commit_hook_runs_sen_check_once_per_commit() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .expect(".pre-commit-hooks.yaml");
    let hooks: Value = yaml_to_json(&text);
    let hook = &hooks[0];
    assert_eq!(hook["id"], "sen-check");
    assert_eq!(hook["entry"], "sen check");
    assert_eq!(hook["language"], "system");
    assert_eq!(hook["pass_filenames"], false);
    assert_eq!(hook["always_run"], true);
}

#[test]
fn the_vs_code_setting_in_the_docs_names_the_schemas_sen_writes() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/editors.md"))
            .expect("docs/editors.md");
    let block = doc
        .split("```json\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a json block");
    let settings: Value = serde_json::from_str(block).expect("valid JSON");
    let (_tmp, dir) = schemas();
    let mapping = settings["yaml.schemas"].as_object().expect("yaml.schemas");
    assert_eq!(mapping.len(), 6);
    for schema in mapping.keys() {
        let file = schema.strip_prefix(".schemas/").expect("in .schemas/");
        assert!(dir.join(file).is_file(), "{schema}");
    }
}

/// `--out -` is standard output for reports and the calendar, as for letters: no file named
/// `-` appears, and what is printed is what `--out` would have written.
#[test]
fn out_dash_prints_reports_and_the_calendar() {
    let cwd = tempfile::tempdir().expect("tempdir");
    for args in [
        &["report", "information", "--out", "-"][..],
        &["report", "governors", "--from", "2025-09-01", "--out", "-"],
        &["calendar", "--out", "-"],
    ] {
        let plain: Vec<&str> = args.iter().copied().take(args.len() - 2).collect();
        let want = sen()
            .current_dir(cwd.path())
            .arg("--records")
            .arg(example())
            .args(&plain)
            .output()
            .expect("runs");
        let got = sen()
            .current_dir(cwd.path())
            .arg("--records")
            .arg(example())
            .args(args)
            .output()
            .expect("runs");
        assert_eq!(got.status.code(), Some(0), "{args:?}: {}", stderr(&got));
        assert!(
            got.stdout.len() > 500,
            "{args:?} printed {} bytes",
            got.stdout.len()
        );
        assert_eq!(got.stdout, want.stdout, "{args:?}");
        assert!(
            !cwd.path().join("-").exists(),
            "{args:?} wrote a file named `-`"
        );
    }
}
