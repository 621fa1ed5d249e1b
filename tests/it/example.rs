//! The README's command over the bundled example school, at its pinned date: a reviewed
//! transcript of a SENCO's Monday morning, and its JSON for scripts.

use crate::common;

use common::sen;

#[test]
fn readme_command_shows_the_example_schools_monday_morning() {
    let out = sen()
        .args([
            "--records",
            "examples/oakfield",
            "--as-of",
            "2026-11-23",
            "check",
        ])
        .output()
        .expect("runs");
    // Overdue work in the example school: exit status 1, as documented.
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    insta::assert_snapshot!("oakfield_check_table", text);
}

#[test]
fn example_school_json_has_every_kind_but_invalid() {
    let out = sen()
        .args([
            "--records",
            "examples/oakfield",
            "--as-of",
            "2026-11-23",
            "check",
            "--format",
            "json",
        ])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let counts = &v["counts"];
    assert_eq!(counts["invalid"], 0);
    for kind in ["overdue", "due", "late", "incomplete", "advice"] {
        assert!(counts[kind].as_u64().unwrap_or(0) > 0, "no {kind} finding");
    }
    assert_eq!(v["pupils_on_register"], 12);
    assert_eq!(v["window_days"], 14);
    insta::assert_json_snapshot!("oakfield_check_json", v);
}

#[test]
fn filters_narrow_findings_and_exit_status() {
    let out = sen()
        .args([
            "--records",
            "examples/oakfield",
            "--as-of",
            "2026-11-23",
            "check",
            "--kind",
            "advice",
            "--format",
            "json",
        ])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "advice alone does not fail the check"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let findings = v["findings"].as_array().expect("array");
    assert!(!findings.is_empty());
    assert!(findings.iter().all(|f| f["kind"] == "advice"));

    let out = sen()
        .args([
            "--records",
            "examples/oakfield",
            "--as-of",
            "2026-11-23",
            "check",
            "--pupil",
            "amara-okafor",
            "--rule",
            "cycle-review",
            "--format",
            "json",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        v["findings"][0]["paragraphs"],
        serde_json::json!(["6.48", "6.53"])
    );
}

#[test]
fn usage_errors_exit_2() {
    sen()
        .args([
            "--records",
            "examples/oakfield",
            "check",
            "--rule",
            "cycle-reveiw",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean `cycle-review`?"));
    sen()
        .args([
            "--records",
            "examples/oakfield",
            "--as-of",
            "2026-13-01",
            "check",
        ])
        .assert()
        .code(2);
    sen()
        .args(["--records", "examples", "check"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no school.yaml"));
    sen()
        .current_dir(std::env::temp_dir())
        .args(["check"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("sen init"));
}

#[test]
fn the_as_of_date_comes_from_the_environment_for_scheduled_jobs() {
    let out = sen()
        .env("SEN_AS_OF", "2026-11-23")
        .args([
            "--records",
            "examples/oakfield",
            "check",
            "--format",
            "json",
        ])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["as_of"], "2026-11-23");
}

#[test]
fn colour_follows_the_option_and_no_color() {
    let run = |color: &str, no_color: bool| {
        let mut c = sen();
        if !no_color {
            c.env_remove("NO_COLOR");
        }
        let out = c
            .args([
                "--records",
                "examples/oakfield",
                "--as-of",
                "2026-11-23",
                "--color",
                color,
                "check",
            ])
            .output()
            .expect("runs");
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .contains('\u{1b}')
    };
    assert!(run("always", false), "--color always colours a pipe");
    assert!(!run("never", false), "--color never");
    assert!(!run("auto", false), "auto does not colour a pipe");
    assert!(!run("auto", true), "NO_COLOR");
}
