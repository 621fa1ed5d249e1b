//! One records root per validity finding (tests/fixtures/invalid/CASE, the planted files over
//! tests/fixtures/base: a clean school, the clean pupil ben-clarke, and amy-fisher with one
//! planted fault), plus the faults that cannot
//! be committed to git (a 50 MB file, symlinks, an unreadable file, a folder named `x.yaml`),
//! planted at run time in a copy of tests/fixtures/base.
//!
//! Each case: the whole `sen check` output is snapshotted; `--format json` gives exactly the
//! expected `invalid` findings (rule, pupil, file, line); exit status 1 (0 for the accepted
//! BOM + CRLF case); no panic; bounded time and memory; and the clean pupil is still checked
//! (counted on the register, with no finding of its own).

use crate::common;

use common::copy_dir;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

const AS_OF: &str = "2026-11-23";
const AMY: &str = "pupils/amy-fisher/pupil.yaml";
const CYCLE: &str = "pupils/amy-fisher/cycles/2026-11-16.yaml";
const BEN: &str = "pupils/ben-clarke/pupil.yaml";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// One expected `invalid` finding: rule, pupil, file, line.
type Expect = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<u32>,
);

/// A finding as compared: rule, pupil, file, line.
type Key = (String, Option<String>, Option<String>, Option<u64>);

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
    took: Duration,
}

thread_local! {
    /// When set, `sen` runs as this unprivileged user (uid and gid) through `setpriv`: the
    /// unreadable-file case needs a user that mode 000 stops, and CI runs as root.
    static AS_USER: std::cell::Cell<Option<u32>> = const { std::cell::Cell::new(None) };
}

/// Run `sen` on `root`. On Linux the child's address space is capped at 1 GiB, so a parse
/// that tried to expand a bomb or buffer a huge file would fail the case rather than pass it.
fn sen(root: &Path, args: &[&str]) -> Run {
    let bin = env!("CARGO_BIN_EXE_sen");
    let mut cmd = if let Some(uid) = AS_USER.with(|u| u.get()) {
        let mut c = Command::new("setpriv");
        c.arg(format!("--reuid={uid}"))
            .arg(format!("--regid={uid}"))
            .args(["--clear-groups", "--", "sh", "-c"])
            .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
            .arg(bin);
        c
    } else if cfg!(target_os = "linux") {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
            .arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.arg("--records")
        .arg(root)
        .args(["--as-of", AS_OF])
        .args(args)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "120")
        .env_remove("SEN_AS_OF");
    let start = Instant::now();
    let out = cmd.output().expect("run sen");
    Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took: start.elapsed(),
    }
}

/// Check one records root against what it must give.
fn check_case(name: &str, root: &Path, expect: &[Expect], on_register: u64) {
    let table = sen(root, &["check"]);
    assert!(
        !table.stderr.contains("panicked"),
        "{name}: sen panicked:\n{}",
        table.stderr
    );
    let want_status = if expect.is_empty() { 0 } else { 1 };
    assert_eq!(
        table.status, want_status,
        "{name}: exit status\nstdout:\n{}\nstderr:\n{}",
        table.stdout, table.stderr
    );
    assert!(
        table.took < Duration::from_secs(5),
        "{name}: took {:?}",
        table.took
    );
    insta::assert_snapshot!(name, table.stdout);

    let json = sen(root, &["check", "--format", "json"]);
    assert_eq!(json.status, want_status, "{name}: json exit status");
    let v: Value = serde_json::from_str(&json.stdout)
        .unwrap_or_else(|e| panic!("{name}: not JSON ({e}):\n{}", json.stdout));
    let findings = v["findings"].as_array().expect("findings");
    let got: BTreeSet<Key> = findings
        .iter()
        .filter(|f| f["kind"] == "invalid")
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["pupil"].as_str().map(str::to_string),
                f["file"].as_str().map(str::to_string),
                f["line"].as_u64(),
            )
        })
        .collect();
    let want: BTreeSet<Key> = expect
        .iter()
        .map(|(r, p, f, l)| {
            (
                r.to_string(),
                p.map(str::to_string),
                f.map(str::to_string),
                l.map(u64::from),
            )
        })
        .collect();
    assert_eq!(got, want, "{name}: invalid findings\n{}", json.stdout);
    for f in findings.iter().filter(|f| f["kind"] == "invalid") {
        let message = f["message"].as_str().unwrap_or_default();
        assert!(!message.trim().is_empty(), "{name}: empty message");
    }
    // The clean pupil is still read and checked: on the register, and nothing against it
    // (except where the planted fault is a UPN it shares).
    assert_eq!(
        v["pupils_on_register"].as_u64(),
        Some(on_register),
        "{name}: pupils on the register\n{}",
        json.stdout
    );
    if !expect.iter().any(|e| e.1 == Some("ben-clarke")) {
        let about_ben: Vec<&Value> = findings
            .iter()
            .filter(|f| f["pupil"] == "ben-clarke")
            .collect();
        assert!(
            about_ben.is_empty(),
            "{name}: findings for the clean pupil: {about_ben:?}"
        );
    }
}

/// A committed case: tests/fixtures/base with the case's planted files over it
/// (tests/fixtures/invalid/CASE holds only the files that differ from the base, and
/// `without.txt` lists any base path, file or folder, the case takes away).
fn case_root(name: &str) -> tempfile::TempDir {
    let planted = fixtures().join("invalid").join(name);
    assert!(planted.is_dir(), "missing fixture {name}");
    let dir = base_copy();
    if let Ok(list) = std::fs::read_to_string(planted.join("without.txt")) {
        for rel in list.lines().filter(|l| !l.trim().is_empty()) {
            let path = dir.path().join(rel.trim());
            let gone = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            gone.unwrap_or_else(|e| panic!("{name}: without.txt names `{rel}`: {e}"));
        }
    }
    copy_dir(&planted, dir.path());
    let _ = std::fs::remove_file(dir.path().join("without.txt"));
    dir
}

/// A committed case under tests/fixtures/invalid.
fn fixture(name: &str, expect: &[Expect], on_register: u64) {
    let root = case_root(name);
    check_case(name, root.path(), expect, on_register);
}

macro_rules! cases {
    ($($name:ident: $dir:literal, $reg:literal, [$($e:expr),* $(,)?];)*) => {
        $(
            #[test]
            fn $name() {
                fixture($dir, &[$($e),*], $reg);
            }
        )*
        /// Every committed case directory, so none is left without a test.
        const FIXTURE_CASES: &[&str] = &[$($dir),*];
    };
}

fn amy(rule: &'static str, line: u32) -> Expect {
    (rule, Some("amy-fisher"), Some(AMY), Some(line))
}
fn cycle(rule: &'static str, line: u32) -> Expect {
    (rule, Some("amy-fisher"), Some(CYCLE), Some(line))
}
fn at(rule: &'static str, file: &'static str, line: u32) -> Expect {
    (rule, Some("amy-fisher"), Some(file), Some(line))
}

const EHCP: &str = "pupils/amy-fisher/ehcp.yaml";
const REVIEW: &str = "pupils/amy-fisher/annual-reviews/2026-11-10.yaml";

cases! {
    // issue 2's list
    yaml_syntax: "yaml-syntax", 1, [amy("yaml", 1)];
    unknown_key_with_suggestion: "unknown-key", 2, [cycle("schema", 9)];
    wrong_type: "wrong-type", 1, [amy("schema", 4)];
    bad_enum_value: "bad-enum", 2, [cycle("schema", 14)];
    bad_census_code: "bad-census-code", 1, [amy("schema", 8)];
    discontinued_s: "discontinued-s", 1, [amy("schema", 5)];
    discontinued_a: "discontinued-a", 1, [amy("schema", 5)];
    discontinued_p: "discontinued-p", 1, [amy("schema", 5)];
    nsa_with_e: "nsa-with-e", 1, [amy("schema", 8)];
    secondary_same_as_primary: "secondary-same-as-primary", 1, [amy("schema", 9)];
    secondary_nsa: "secondary-nsa", 1, [amy("schema", 9)];
    k_without_primary_need: "k-without-primary-need", 1, [amy("schema", 5)];
    n_without_ended: "n-without-ended", 1, [amy("schema", 5)];
    k_with_ended: "k-with-ended", 1, [amy("schema", 9)];
    impossible_date: "impossible-date", 1, [amy("schema", 2)];
    bad_upn_check_letter: "bad-upn-check-letter", 2, [amy("upn", 3)];
    bad_upn_shape: "bad-upn-shape", 2, [amy("upn", 3)];
    duplicate_upn: "duplicate-upn", 2, [
        amy("upn", 3),
        ("upn", Some("ben-clarke"), Some(BEN), Some(3)),
    ];
    ref_to_missing_provision: "ref-missing", 2, [cycle("schema", 8)];
    provision_with_ref_and_fields: "ref-and-fields", 2, [cycle("schema", 8)];
    review_outcome_the_plan_lacks: "review-outcome-unknown", 2, [cycle("schema", 13)];
    review_outcomes_without_plan: "review-outcomes-without-plan", 2, [cycle("schema", 5)];
    plan_without_review_due: "plan-without-review-due", 2, [cycle("schema", 3)];
    stray_yaml_file: "stray-yaml", 2, [
        ("schema", Some("amy-fisher"), Some("pupils/amy-fisher/notes.yaml"), None),
    ];
    uppercase_pupil_folder: "uppercase-folder", 2, [("schema", Some("Amy-Fisher"), None, None)];
    // 0.3: a folder name over 60 characters (63 here).
    long_pupil_folder: "long-folder", 2, [(
        "schema",
        Some("amelia-grace-fisher-montgomery-wolstenholme-bartholomew-fitzroy"),
        None,
        None
    )];
    folder_without_pupil_yaml: "folder-without-pupil-yaml", 1, [
        ("schema", Some("amy-fisher"), Some(AMY), None),
    ];
    e_without_ehcp_yaml: "e-without-ehcp", 1, [amy("schema", 1)];
    e_without_issued: "e-without-issued", 2, [at("schema", EHCP, 1)];
    year_group_out_of_range: "year-group-out-of-range", 1, [amy("schema", 4)];
    urn_not_six_digits: "urn-not-six-digits", 2, [("schema", None, Some("school.yaml"), Some(3))];
    // each `dates` order rule of rules.md
    dates_dob_after_as_of: "dates-dob-after-as-of", 2, [amy("dates", 2), amy("dates", 6)];
    dates_since_before_dob: "dates-since-before-dob", 2, [amy("dates", 6)];
    dates_notified_before_since: "dates-notified-before-since", 2, [amy("dates", 7)];
    dates_ended_before_since: "dates-ended-before-since", 1, [amy("dates", 9)];
    dates_left_before_dob: "dates-left-before-dob", 1, [amy("dates", 14)];
    dates_left_before_since: "dates-left-before-since", 1, [amy("dates", 14)];
    dates_plan_agreed_before_started: "dates-plan-agreed-before-started", 2, [cycle("dates", 3)];
    dates_review_due_before_started: "dates-review-due-before-started", 2, [cycle("dates", 9)];
    dates_review_before_started: "dates-review-before-started", 2, [cycle("dates", 11)];
    dates_review_shared_before_review: "dates-review-shared-before-review", 2, [cycle("dates", 16)];
    dates_meeting_shared_before_meeting: "dates-meeting-shared-before-meeting", 2, [
        at("dates", "pupils/amy-fisher/meetings/2026-11-19.yaml", 5),
    ];
    dates_annual_review_before_issued: "dates-annual-review-before-issued", 2, [at("dates", REVIEW, 1)];
    dates_invitations_after_meeting: "dates-invitations-after-meeting", 2, [at("dates", REVIEW, 2)];
    dates_advice_after_meeting: "dates-advice-after-meeting", 2, [at("dates", REVIEW, 4)];
    invited_without_name: "invited-without-name", 2, [at("schema", REVIEW, 5)];
    dates_report_before_meeting: "dates-report-before-meeting", 2, [at("dates", REVIEW, 4)];
    dates_la_decision_before_meeting: "dates-la-decision-before-meeting", 2, [at("dates", REVIEW, 5)];
    dates_assessment_decision_before_request: "dates-assessment-order", 2, [at("dates", EHCP, 4)];
    dates_assessment_final_before_draft: "dates-assessment-final-before-draft", 2, [at("dates", EHCP, 7)];
    dates_term_end_before_start: "dates-term-end-before-start", 2, [
        ("dates", None, Some("school.yaml"), Some(19)),
    ];
    // issue 8's list
    tab_indentation: "tab-indentation", 1, [amy("yaml", 5)];
    duplicate_key: "duplicate-key", 1, [amy("yaml", 3)];
    yaml_indent_one_space: "yaml-indent-one-space", 1, [amy("yaml", 6)];
    yaml_indent_one_space_more: "yaml-indent-one-space-more", 1, [amy("yaml", 6)];
    yaml_missing_colon: "yaml-missing-colon", 1, [amy("yaml", 8)];
    yaml_no_space_after_colon: "yaml-no-space-after-colon", 1, [amy("yaml", 6)];
    yaml_unclosed_quote: "yaml-unclosed-quote", 1, [amy("yaml", 9)];
    yaml_unclosed_bracket: "yaml-unclosed-bracket", 1, [amy("yaml", 14)];
    billion_laughs: "billion-laughs", 1, [amy("schema", 1)];
    billion_laughs_in_a_value: "billion-laughs-in-value", 1, [amy("schema", 10)];
    deep_flow_sequence_nesting: "deep-nesting", 1, [amy("yaml", 1)];
    deep_flow_mapping_nesting: "deep-nesting-mapping", 1, [amy("schema", 1)];
    invalid_utf8: "invalid-utf8", 1, [amy("yaml", 9)];
    bom_and_crlf_are_accepted: "bom-crlf", 2, [];
    empty_file: "empty-file", 1, [("schema", Some("amy-fisher"), Some(AMY), None)];
    date_in_year_0001: "date-year-0001", 1, [amy("schema", 2)];
    date_in_year_9999: "date-year-9999", 2, [cycle("schema", 9)];
    binary_tag: "tag-binary", 1, [amy("schema", 9)];
    custom_tag: "tag-custom", 1, [amy("schema", 2)];
    number_where_a_date_belongs: "number-for-date", 1, [amy("schema", 2)];
    mapping_where_a_list_belongs: "mapping-for-list", 1, [amy("schema", 11)];
    // issue 23: names that end in a line break, noncharacters and bidirectional controls
    name_ending_in_a_carriage_return: "name-ends-in-cr", 1, [amy("schema", 1)];
    contact_name_ending_in_a_line_break: "contact-name-ends-in-newline", 1, [amy("schema", 12)];
    noncharacter_written_as_an_escape: "noncharacter-escaped", 1, [amy("schema", 1)];
    noncharacter_in_plane_1_typed_in: "noncharacter-raw", 1, [amy("schema", 11)];
    bidirectional_override_typed_in: "bidi-override", 1, [amy("schema", 9)];
    bidirectional_isolate_written_as_an_escape: "bidi-isolate-escaped", 1, [amy("schema", 9)];
}

#[test]
fn every_fixture_directory_has_a_case() {
    let mut on_disk: Vec<String> = std::fs::read_dir(fixtures().join("invalid"))
        .expect("tests/fixtures/invalid")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = FIXTURE_CASES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

/// The JSON Schema an editor checks against requires what `sen check` requires: every file
/// a fixture makes `schema`-invalid fails the schema too, unless the problem is one JSON
/// Schema cannot say (listed here with the reason). A file that cannot be read as YAML at
/// all is the editor's YAML error, not the schema's.
#[test]
fn every_file_check_calls_schema_invalid_fails_the_json_schema_where_it_can() {
    // Fixture -> why the schema cannot see it.
    const CALENDAR: &str = "a date is a string to the schema: whether it is a real day in a sensible year is sen check's";
    const ACROSS_KEYS: &str =
        "depends on another key's value (if/then would give an editor an unreadable message)";
    const ACROSS_FILES: &str = "depends on another file";
    const ONE_LINE: &str = "a name's line break is sen check's: a pattern on every name would give an editor an unreadable message";
    const BEYOND_JSON_SCHEMA: &[(&str, &str)] = &[
        ("date-year-0001", CALENDAR),
        ("date-year-9999", CALENDAR),
        ("impossible-date", CALENDAR),
        ("e-without-ehcp", ACROSS_FILES),
        ("e-without-issued", ACROSS_FILES),
        ("ref-missing", ACROSS_FILES),
        ("k-with-ended", ACROSS_KEYS),
        ("k-without-primary-need", ACROSS_KEYS),
        ("n-without-ended", ACROSS_KEYS),
        ("nsa-with-e", ACROSS_KEYS),
        ("secondary-nsa", ACROSS_KEYS),
        ("secondary-same-as-primary", ACROSS_KEYS),
        ("ref-and-fields", ACROSS_KEYS),
        ("review-outcome-unknown", ACROSS_KEYS),
        ("review-outcomes-without-plan", ACROSS_KEYS),
        ("name-ends-in-cr", ONE_LINE),
        ("contact-name-ends-in-newline", ONE_LINE),
    ];
    let mut passed = BTreeSet::new();
    for name in FIXTURE_CASES {
        let case = case_root(name);
        let root = case.path();
        let run = sen(root, &["check", "--format", "json"]);
        let v: Value = serde_json::from_str(&run.stdout).expect("json");
        let files: BTreeSet<String> = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["kind"] == "invalid" && f["rule"] == "schema")
            .filter_map(|f| f["file"].as_str().map(str::to_string))
            .collect();
        for rel in files {
            // Not a record file (a stray file, a folder): nothing for a schema to check.
            let Some(kind) = sen::load::record_kind(&rel) else {
                continue;
            };
            let Ok(text) = std::fs::read_to_string(root.join(&rel)) else {
                continue;
            };
            let Ok(instance) = sen::yaml::parse::<Value>(&text) else {
                continue;
            };
            let schema = serde_json::to_value(sen::schema::schema(kind).expect("schema"))
                .expect("schema as JSON");
            let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
            if validator.is_valid(&instance) {
                passed.insert(format!("{name}: {rel}"));
            }
        }
    }
    let expected: BTreeSet<String> = BEYOND_JSON_SCHEMA
        .iter()
        .map(|(name, _)| name.to_string())
        .collect();
    let got: BTreeSet<String> = passed
        .iter()
        .map(|s| s.split(':').next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        got, expected,
        "files `sen check` calls schema-invalid but the JSON Schema accepts:\n{passed:#?}"
    );
}

#[test]
fn the_base_school_is_clean() {
    check_case("base", &fixtures().join("base"), &[], 2);
}

// ---- Faults planted at run time -----------------------------------------------------------

/// A copy of tests/fixtures/base in a temporary folder.
fn base_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixtures().join("base"), dir.path());
    dir
}

#[test]
fn a_50_mb_file_is_refused_by_size() {
    let dir = base_copy();
    let huge = dir.path().join("pupils/amy-fisher/cycles/2026-09-01.yaml");
    // Real content, repeated: a sparse file would not show that the file is never read.
    let line = "started: 2026-09-01 # padding padding padding padding padding padding\n";
    let text = line.repeat(50 * 1024 * 1024 / line.len() + 1);
    std::fs::write(&huge, text).expect("write");
    check_case(
        "huge-file",
        dir.path(),
        &[(
            "yaml",
            Some("amy-fisher"),
            Some("pupils/amy-fisher/cycles/2026-09-01.yaml"),
            None,
        )],
        2,
    );
}

/// A pupil folder named as Windows names a device (records.md 0.3). Planted at run time:
/// a folder of such a name in the repository could not be checked out on Windows.
#[cfg(not(windows))]
#[test]
fn a_pupil_folder_named_as_a_windows_device_is_reported() {
    let dir = base_copy();
    std::fs::rename(
        dir.path().join("pupils/amy-fisher"),
        dir.path().join("pupils/con"),
    )
    .expect("rename");
    check_case(
        "reserved-folder",
        dir.path(),
        &[("schema", Some("con"), None, None)],
        2,
    );
    for name in ["prn", "aux", "nul", "com1", "com9", "lpt1", "lpt9"] {
        let dir = base_copy();
        std::fs::rename(
            dir.path().join("pupils/amy-fisher"),
            dir.path().join("pupils").join(name),
        )
        .expect("rename");
        let json = sen(dir.path(), &["check", "--format", "json"]);
        let v: Value = serde_json::from_str(&json.stdout).expect("json");
        assert!(
            v["findings"].as_array().expect("findings").iter().any(|f| {
                f["rule"] == "schema"
                    && f["pupil"] == name
                    && f["message"]
                        .as_str()
                        .is_some_and(|m| m.contains("a name Windows keeps for a device"))
            }),
            "{name}: {v}"
        );
    }
    // Names that only begin like one are fine.
    for name in ["con-smith", "com10", "lpt0", "nula"] {
        let dir = base_copy();
        std::fs::rename(
            dir.path().join("pupils/amy-fisher"),
            dir.path().join("pupils").join(name),
        )
        .expect("rename");
        let json = sen(dir.path(), &["check", "--format", "json"]);
        assert!(!json.stdout.contains("keeps for a device"), "{name}");
        assert!(
            !json.stdout.contains("folder name"),
            "{name}: {}",
            json.stdout
        );
    }
}

#[test]
fn a_folder_named_like_a_record_file_is_reported() {
    let dir = base_copy();
    std::fs::create_dir_all(dir.path().join("pupils/amy-fisher/cycles/x.yaml")).expect("mkdir");
    check_case(
        "directory-named-yaml",
        dir.path(),
        &[(
            "schema",
            Some("amy-fisher"),
            Some("pupils/amy-fisher/cycles/x.yaml"),
            None,
        )],
        2,
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_not_followed_and_is_reported() {
    let dir = base_copy();
    let link = dir.path().join("pupils/amy-fisher/cycles/loop.yaml");
    std::os::unix::fs::symlink("loop.yaml", &link).expect("symlink");
    check_case(
        "symlink-loop",
        dir.path(),
        &[(
            "schema",
            Some("amy-fisher"),
            Some("pupils/amy-fisher/cycles/loop.yaml"),
            None,
        )],
        2,
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_folder_loop_is_not_followed_and_is_reported() {
    let dir = base_copy();
    std::os::unix::fs::symlink("..", dir.path().join("pupils/amy-fisher/up")).expect("symlink");
    check_case(
        "symlink-folder-loop",
        dir.path(),
        &[(
            "schema",
            Some("amy-fisher"),
            Some("pupils/amy-fisher/up"),
            None,
        )],
        2,
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_outside_the_root_is_not_followed_and_is_reported() {
    let dir = base_copy();
    let outside = tempfile::tempdir().expect("tempdir");
    let secret = outside.path().join("2026-09-01.yaml");
    std::fs::write(&secret, "started: 2026-09-01\nnot_a_key: read me\n").expect("write");
    std::os::unix::fs::symlink(
        &secret,
        dir.path().join("pupils/amy-fisher/cycles/2026-09-01.yaml"),
    )
    .expect("symlink");
    let run = sen(dir.path(), &["check"]);
    assert!(!run.stdout.contains("not_a_key"), "the link was followed");
    check_case(
        "symlink-outside",
        dir.path(),
        &[(
            "schema",
            Some("amy-fisher"),
            Some("pupils/amy-fisher/cycles/2026-09-01.yaml"),
            None,
        )],
        2,
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_pupil_folder_outside_the_root_is_reported() {
    let dir = base_copy();
    let outside = tempfile::tempdir().expect("tempdir");
    copy_dir(
        &fixtures().join("base/pupils/ben-clarke"),
        &outside.path().join("cara-khan"),
    );
    std::os::unix::fs::symlink(
        outside.path().join("cara-khan"),
        dir.path().join("pupils/cara-khan"),
    )
    .expect("symlink");
    check_case(
        "symlink-pupil-folder",
        dir.path(),
        &[("schema", Some("cara-khan"), Some("pupils/cara-khan"), None)],
        2,
    );
}

#[cfg(unix)]
#[test]
fn a_pipe_named_like_a_record_is_reported_not_read() {
    let dir = base_copy();
    let fifo = dir.path().join("pupils/amy-fisher/cycles/2026-09-01.yaml");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: no mkfifo here");
        return;
    }
    // Reading a pipe with no writer blocks for ever: check_case's time limit and the test
    // harness would hang, so this must be refused from the walk.
    check_case(
        "fifo",
        dir.path(),
        &[(
            "schema",
            Some("amy-fisher"),
            Some("pupils/amy-fisher/cycles/2026-09-01.yaml"),
            None,
        )],
        2,
    );
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_reported_and_the_others_checked() {
    use std::os::unix::fs::PermissionsExt;
    let dir = base_copy();
    let file = dir.path().join("pupils/amy-fisher/cycles/2026-11-16.yaml");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&file).is_ok() {
        // Running as root (as CI does): mode 000 does not stop root, so sen runs as `nobody`
        // through setpriv, over a copy every user can read but this one file.
        let nobody = 65534;
        let works = Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "--",
                "true",
            ])
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            works,
            "running as root without setpriv: the unreadable-file case cannot be observed"
        );
        let open = |p: &Path, mode| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod")
        };
        open(dir.path(), 0o755);
        for entry in walkdir::WalkDir::new(dir.path()).min_depth(1) {
            let entry = entry.expect("walk");
            if entry.path() != file {
                open(
                    entry.path(),
                    if entry.file_type().is_dir() {
                        0o755
                    } else {
                        0o644
                    },
                );
            }
        }
        AS_USER.with(|u| u.set(Some(nobody)));
    }
    check_case(
        "unreadable-file",
        dir.path(),
        &[("yaml", Some("amy-fisher"), Some(CYCLE), None)],
        2,
    );
    AS_USER.with(|u| u.set(None));
}

// ---- Coverage of the rules and the docs ---------------------------------------------------

/// Every rule id of src/findings.rs has a `## \`id\`` heading in docs/rules.md.
#[test]
fn every_rule_has_a_heading_in_docs_rules_md() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "docs/rules.md is missing ({e}): it must document every rule under a `## `id`` heading"
        )
    });
    let missing: Vec<&str> = sen::findings::Rule::ALL
        .iter()
        .map(|r| r.id())
        .filter(|id| {
            !text.lines().any(|l| {
                l.trim_end() == format!("## `{id}`") || l.starts_with(&format!("## `{id}` "))
            })
        })
        .collect();
    assert!(
        missing.is_empty(),
        "docs/rules.md has no heading for {missing:?}"
    );
}

/// Every validity code (the `invalid` rules) is planted by at least one fixture above.
#[test]
fn every_validity_code_has_a_fixture() {
    let mut seen = BTreeSet::new();
    for name in FIXTURE_CASES {
        let run = sen(case_root(name).path(), &["check", "--format", "json"]);
        let v: Value = serde_json::from_str(&run.stdout).expect("json");
        for f in v["findings"].as_array().expect("findings") {
            if f["kind"] == "invalid" {
                seen.insert(f["rule"].as_str().unwrap_or_default().to_string());
            }
        }
    }
    let validity: BTreeSet<String> = sen::findings::Rule::ALL
        .iter()
        .filter(|r| r.paragraphs().is_empty())
        .map(|r| r.id().to_string())
        .collect();
    assert_eq!(
        validity,
        ["dates", "schema", "upn", "yaml"].map(String::from).into()
    );
    assert!(
        validity.is_subset(&seen),
        "no fixture plants {:?}",
        validity.difference(&seen).collect::<Vec<_>>()
    );
}

/// `pupils` as a link, to a file or to a folder, is a finding naming it, never an empty school
/// with exit 0 (issue 23).
#[cfg(unix)]
#[test]
fn pupils_as_a_link_to_school_yaml_is_reported() {
    let dir = base_copy();
    std::fs::remove_dir_all(dir.path().join("pupils")).expect("rm");
    std::os::unix::fs::symlink("school.yaml", dir.path().join("pupils")).expect("symlink");
    check_case(
        "pupils-link-to-file",
        dir.path(),
        &[("schema", None, Some("pupils"), None)],
        0,
    );
}

#[cfg(unix)]
#[test]
fn pupils_as_a_link_to_a_folder_is_reported() {
    let dir = base_copy();
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::rename(dir.path().join("pupils"), outside.path().join("pupils")).expect("mv");
    std::os::unix::fs::symlink(outside.path().join("pupils"), dir.path().join("pupils"))
        .expect("symlink");
    check_case(
        "pupils-link-to-folder",
        dir.path(),
        &[("schema", None, Some("pupils"), None)],
        0,
    );
}
