//! `--help` of `sen` and of every subcommand, as snapshots: a change to any option or its
//! text shows up in review. Every help ends with an example.

use assert_cmd::Command;

fn help(args: &[&str]) -> String {
    let out = Command::cargo_bin("sen")
        .expect("the sen binary")
        .env("NO_COLOR", "1")
        .env_remove("SEN_RECORDS")
        .env_remove("SEN_AS_OF")
        .args(args)
        .arg("--help")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every command and subcommand, as typed.
const COMMANDS: &[&[&str]] = &[
    &[],
    &["check"],
    &["report"],
    &["letter"],
    &["init"],
    &["new"],
    &["new", "pupil"],
    &["new", "cycle"],
    &["new", "meeting"],
    &["new", "annual-review"],
    &["new", "ehcp"],
    &["calendar"],
    &["import"],
    &["import", "pupils"],
    &["census"],
    &["schema"],
    &["completions"],
    &["man"],
];

#[test]
fn every_command_has_help_with_an_example() {
    for args in COMMANDS {
        let text = help(args);
        assert!(
            text.contains("Example"),
            "`sen {} --help` has no example:\n{text}",
            args.join(" ")
        );
    }
}

#[test]
fn help_snapshots() {
    for args in COMMANDS {
        let name = if args.is_empty() {
            "sen".to_string()
        } else {
            format!("sen-{}", args.join("-"))
        };
        insta::assert_snapshot!(name, help(args));
    }
}
