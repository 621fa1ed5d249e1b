//! Trust (issue #11): whatever the records or the terminal hold, nothing leaks, nothing is
//! lost and no figure is wrong. Each test plants one class of fault in a copy of the example
//! school (or drives the terminal) and checks what `sen` does about it.

use crate::common;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{AS_OF, oakfield_copy, path, run};
use serde_json::Value;

/// `sen check --format json` on `root`: the exit status and the parsed report.
fn check_json(root: &Path) -> (i32, Value) {
    let out = run(root, &["check", "--format", "json"]);
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().expect("exit code"), json)
}

/// The `invalid` findings as (rule, file, line, message).
fn invalid(report: &Value) -> Vec<(String, String, Option<u64>, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["kind"] == "invalid")
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["file"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64(),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Replace `from` by `to` in one file of the tree (the text must be there).
fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let p = root.join(file);
    let text = fs::read_to_string(&p).expect("read");
    assert!(text.contains(from), "{file} has no `{from}`");
    fs::write(&p, text.replacen(from, to, 1)).expect("write");
}

// ---- 8: the exit status is the findings', whatever happens to standard output ----

/// Run `sen check` (with `extra` arguments) with a standard output whose reader has already
/// gone: every write fails with a broken pipe.
fn status_with_closed_stdout(extra: &[&str]) -> i32 {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let status = Command::new(env!("CARGO_BIN_EXE_sen"))
        .env("NO_COLOR", "1")
        .args(["--records", common::OAKFIELD, "--as-of", AS_OF, "check"])
        .args(extra)
        .stdout(writer)
        .stderr(Stdio::null())
        .status()
        .expect("run sen");
    status.code().expect("exit code")
}

#[test]
fn a_closed_pipe_never_changes_the_exit_status_of_check() {
    // Oakfield has overdue work on its pinned date: the verdict is 1 however the output goes.
    assert_eq!(status_with_closed_stdout(&[]), 1);
    assert_eq!(status_with_closed_stdout(&["--format", "json"]), 1);
    assert_eq!(status_with_closed_stdout(&["--format", "table"]), 1);
    // And 0 stays 0: a filter that leaves nothing failing.
    assert_eq!(status_with_closed_stdout(&["--kind", "due"]), 0);
    assert_eq!(
        status_with_closed_stdout(&["--kind", "due", "--format", "json"]),
        0
    );
}

// ---- 9: every folder is its own pupil, whatever bytes its name holds ----

#[cfg(unix)]
#[test]
fn folders_whose_names_are_not_utf8_never_merge() {
    use std::os::unix::ffi::OsStrExt;
    let dir = oakfield_copy();
    let pupils = dir.path().join("pupils");
    // Two names that a lossy conversion would both turn into `ab\u{FFFD}`, and a third that
    // spells the escape out in plain text.
    for name in [&b"ab\xff"[..], &b"ab\xfe"[..], &b"ab\\xFF"[..]] {
        let folder = pupils.join(std::ffi::OsStr::from_bytes(name));
        fs::create_dir_all(&folder).expect("mkdir");
        fs::copy(
            pupils.join("amara-okafor/pupil.yaml"),
            folder.join("pupil.yaml"),
        )
        .expect("copy");
    }
    let (status, report) = check_json(dir.path());
    assert_eq!(status, 1);
    let bad_names: std::collections::BTreeSet<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["kind"] == "invalid" && f["file"].is_null())
        .filter_map(|f| f["pupil"].as_str().map(str::to_string))
        .collect();
    assert_eq!(
        bad_names,
        ["ab\\xFF", "ab\\xFE", "ab\\\\xFF"]
            .into_iter()
            .map(String::from)
            .collect(),
        "each badly named folder is its own finding"
    );
    // Each folder's pupil.yaml is read as its own record (the same UPN three more times).
    let upn_files: std::collections::BTreeSet<String> = invalid(&report)
        .into_iter()
        .filter(|(rule, ..)| rule == "upn")
        .map(|(_, file, ..)| file)
        .collect();
    assert_eq!(upn_files.len(), 4, "{upn_files:?}");
}

// ---- 11: numbers out of range are findings; money never overflows ----

#[test]
fn costing_numbers_outside_their_ranges_are_schema_findings() {
    for (key, from, to) in [
        (
            "cost_per_hour",
            "cost_per_hour: 18.50",
            "cost_per_hour: 1e300",
        ),
        ("cost_per_hour", "cost_per_hour: 18.50", "cost_per_hour: -1"),
        (
            "cost_per_hour",
            "cost_per_hour: 18.50",
            "cost_per_hour: 18.505",
        ),
        (
            "minutes_per_session",
            "minutes_per_session: 20",
            "minutes_per_session: 100000000000",
        ),
        (
            "minutes_per_session",
            "minutes_per_session: 20",
            "minutes_per_session: 0",
        ),
        (
            "sessions_per_week",
            "sessions_per_week: 3",
            "sessions_per_week: 51",
        ),
        ("group_size", "group_size: 1", "group_size: 0"),
        ("group_size", "group_size: 1", "group_size: 101"),
    ] {
        let dir = oakfield_copy();
        edit(dir.path(), "school.yaml", from, to);
        let (status, report) = check_json(dir.path());
        assert_eq!(status, 1, "{to}");
        let found = invalid(&report);
        assert!(
            found
                .iter()
                .any(|(rule, file, line, message)| rule == "schema"
                    && file == "school.yaml"
                    && line.is_some()
                    && message.contains(key)),
            "{to}: {found:?}"
        );
    }
}

#[test]
fn a_provision_in_range_costs_what_arithmetic_says_and_never_goes_negative() {
    // The largest values records.md allows: £1,000 an hour, 50 sessions of 600 minutes,
    // for a pupil alone. £500,000 a week; the map must print it, not wrap or zero it.
    let dir = oakfield_copy();
    edit(
        dir.path(),
        "school.yaml",
        "sessions_per_week: 3\n    minutes_per_session: 20\n    cost_per_hour: 18.50",
        "sessions_per_week: 50\n    minutes_per_session: 600\n    cost_per_hour: 1000",
    );
    let out = run(dir.path(), &["report", "provision-map"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("500,000.00"), "{text}");
    assert!(!text.contains("£-") && !text.contains("-£"), "{text}");
}

// ---- 12: a suppression threshold that would hide nothing is refused ----

#[test]
fn suppress_below_must_be_between_2_and_100() {
    for bad in ["0", "1", "101"] {
        let dir = oakfield_copy();
        edit(
            dir.path(),
            "school.yaml",
            "suppress_below: 5",
            &format!("suppress_below: {bad}"),
        );
        let (_, report) = check_json(dir.path());
        let found = invalid(&report);
        assert!(
            found.iter().any(|(rule, file, _, m)| rule == "schema"
                && file == "school.yaml"
                && m.contains("suppress_below")),
            "{bad}: {found:?}"
        );
        // And the public report never says "fewer than 0" or "fewer than 1".
        let out = run(dir.path(), &["report", "information"]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            !text.contains("fewer than 0") && !text.contains("fewer than 1 "),
            "{text}"
        );
    }
}

// ---- 13: `pupils` must be a folder ----

#[test]
fn pupils_as_a_plain_file_is_an_error_not_an_empty_school() {
    let dir = oakfield_copy();
    fs::remove_dir_all(dir.path().join("pupils")).expect("rm");
    fs::write(dir.path().join("pupils"), "amara-okafor\n").expect("write");
    let (status, report) = check_json(dir.path());
    assert_eq!(status, 1);
    let found = invalid(&report);
    assert!(
        found
            .iter()
            .any(|(rule, file, _, _)| rule == "schema" && file == "pupils"),
        "{found:?}"
    );
}

// ---- 1: templates are regular files inside the records, read without following links ----

/// `sen letter notification amara-okafor` on `root`: exit status, stderr.
fn notification_letter(root: &Path, extra: &[&str]) -> (i32, String) {
    letter(
        root,
        &[&["notification", "amara-okafor"][..], extra].concat(),
    )
}

/// `sen letter ARGS` on `root`: exit status, stderr.
fn letter(root: &Path, args: &[&str]) -> (i32, String) {
    let out = run(root, &[&["letter"][..], args].concat());
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every file under `root/pupils` and `root/school.yaml`, with its bytes.
#[cfg(unix)]
fn records_of(root: &Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    common::tree(root)
        .into_iter()
        .filter(|(p, _)| !p.starts_with("out") && !p.starts_with("templates"))
        .collect()
}

#[cfg(unix)]
#[test]
fn a_school_template_that_is_a_link_is_refused_not_rendered() {
    use std::os::unix::fs::symlink;
    let targets = [
        "../pupils/ethan-murphy/pupil.yaml".to_string(),
        "/proc/self/environ".to_string(),
        "/etc/passwd".to_string(),
    ];
    for target in &targets {
        let dir = oakfield_copy();
        fs::create_dir_all(dir.path().join("templates")).expect("mkdir");
        symlink(target, dir.path().join("templates/notification.md.j2")).expect("link");
        let (status, stderr) = notification_letter(dir.path(), &[]);
        assert_eq!(status, 2, "{target}: {stderr}");
        assert!(stderr.contains("templates/notification.md.j2"), "{stderr}");
        assert!(stderr.contains("symbolic link"), "{stderr}");
        assert!(!dir.path().join("out").exists(), "nothing written");
    }
    // A shared partial linked in is refused the same way (every template is read at once).
    let dir = oakfield_copy();
    fs::create_dir_all(dir.path().join("templates")).expect("mkdir");
    symlink(
        "/etc/hostname",
        dir.path().join("templates/_letterhead.md.j2"),
    )
    .expect("link");
    let (status, stderr) = notification_letter(dir.path(), &[]);
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("templates/_letterhead.md.j2"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_templates_folder_that_links_elsewhere_is_refused() {
    use std::os::unix::fs::symlink;
    let elsewhere = tempfile::tempdir().expect("tempdir");
    fs::write(
        elsewhere.path().join("notification.md.j2"),
        "{{ pupil.name }} -- planted\n",
    )
    .expect("write");
    let dir = oakfield_copy();
    symlink(elsewhere.path(), dir.path().join("templates")).expect("link");
    let (status, stderr) = notification_letter(dir.path(), &["--out", "-"]);
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.contains("`templates/`") && stderr.contains("symbolic link"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn a_template_that_is_a_pipe_or_too_big_is_refused_without_hanging() {
    let dir = oakfield_copy();
    fs::create_dir_all(dir.path().join("templates")).expect("mkdir");
    let fifo = dir.path().join("templates/notification.md.j2");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let (status, stderr) = notification_letter(dir.path(), &[]);
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("not a regular file"), "{stderr}");

    fs::remove_file(&fifo).expect("rm");
    fs::write(&fifo, "x".repeat(2 << 20)).expect("write");
    let (status, stderr) = notification_letter(dir.path(), &[]);
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("bytes"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_one_off_template_given_as_a_link_is_refused() {
    use std::os::unix::fs::symlink;
    let dir = oakfield_copy();
    let link = dir.path().join("out-template.md.j2");
    symlink(dir.path().join("pupils/ethan-murphy/pupil.yaml"), &link).expect("link");
    let out = run(
        dir.path(),
        &["report", "register", "--template", path(&link)],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("symbolic link"));
}

// ---- 2: nothing is ever written through a link into the records ----

#[cfg(unix)]
#[test]
fn letters_are_never_written_through_a_link_into_a_pupil_folder() {
    use std::os::unix::fs::symlink;
    // out/letters/PUPIL linked to another pupil's folder.
    let dir = oakfield_copy();
    let before = records_of(dir.path());
    fs::create_dir_all(dir.path().join("out/letters")).expect("mkdir");
    symlink(
        dir.path().join("pupils/ethan-murphy"),
        dir.path().join("out/letters/amara-okafor"),
    )
    .expect("link");
    let (status, stderr) = notification_letter(dir.path(), &[]);
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("refusing to write"), "{stderr}");
    assert_eq!(records_of(dir.path()), before, "the records are untouched");

    // The same link written relatively, and `out` itself a link into pupils/.
    let dir = oakfield_copy();
    let before = records_of(dir.path());
    symlink("pupils/ethan-murphy", dir.path().join("out")).expect("link");
    let (status, _) = notification_letter(dir.path(), &[]);
    assert_eq!(status, 2);
    assert_eq!(records_of(dir.path()), before);

    // `--out DIR` outside the records, where DIR/PUPIL links into them.
    let dir = oakfield_copy();
    let before = records_of(dir.path());
    let elsewhere = tempfile::tempdir().expect("tempdir");
    symlink(
        dir.path().join("pupils/ethan-murphy"),
        elsewhere.path().join("amara-okafor"),
    )
    .expect("link");
    let (status, stderr) = notification_letter(dir.path(), &["--out", path(elsewhere.path())]);
    assert_eq!(status, 2, "{stderr}");
    assert_eq!(records_of(dir.path()), before);

    // A dangling link on the way is refused too (what it would create is unknown).
    let dir = oakfield_copy();
    fs::create_dir_all(dir.path().join("out/letters")).expect("mkdir");
    symlink(
        dir.path().join("pupils/nobody-yet"),
        dir.path().join("out/letters/amara-okafor"),
    )
    .expect("link");
    let (status, _) = notification_letter(dir.path(), &[]);
    assert_eq!(status, 2);
    assert!(!dir.path().join("pupils/nobody-yet").exists());
}

#[cfg(unix)]
#[test]
fn reports_and_the_calendar_are_never_written_through_a_link_into_the_records() {
    use std::os::unix::fs::symlink;
    for args in [
        &["report", "register", "--out", "out/reg/register.md"][..],
        &["calendar", "--out", "out/reg/calendar.ics"][..],
    ] {
        let dir = oakfield_copy();
        let before = records_of(dir.path());
        fs::create_dir_all(dir.path().join("out")).expect("mkdir");
        symlink(
            dir.path().join("pupils/ethan-murphy"),
            dir.path().join("out/reg"),
        )
        .expect("link");
        let out = common::sen()
            .current_dir(dir.path())
            .args(["--as-of", AS_OF])
            .args(args)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(records_of(dir.path()), before, "{args:?}");
    }
}

#[cfg(unix)]
#[test]
fn records_reached_through_a_link_still_get_their_letters() {
    use std::os::unix::fs::symlink;
    let dir = oakfield_copy();
    let parent = tempfile::tempdir().expect("tempdir");
    let link = parent.path().join("records");
    symlink(dir.path(), &link).expect("link");
    let (status, stderr) = notification_letter(&link, &[]);
    assert_eq!(status, 0, "{stderr}");
    assert!(dir.path().join("out/letters/amara-okafor").is_dir());
}

// ---- 16: a school template cannot exhaust memory ----

#[cfg(target_os = "linux")]
#[test]
fn a_runaway_template_is_stopped_with_a_clear_error_under_a_memory_cap() {
    let dir = oakfield_copy();
    fs::create_dir_all(dir.path().join("templates")).expect("mkdir");
    for body in [
        "{% for i in range(100000) %}{{ 'x' * 10000000 }}{% endfor %}",
        "{% for i in range(1000) %}{% for j in range(1000) %}{{ 'y' * 100000 }}{% endfor %}{% endfor %}",
    ] {
        fs::write(dir.path().join("templates/notification.md.j2"), body).expect("write");
        let out = Command::new("sh")
            .arg("-c")
            .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_sen"))
            .env("NO_COLOR", "1")
            .args([
                "--records",
                path(dir.path()),
                "--as-of",
                AS_OF,
                "letter",
                "notification",
                "amara-okafor",
            ])
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        // Stopped by the output cap, or (a debug build writing 64 MiB through the Markdown
        // escape is slow) by the 10-second watchdog (#23): either way named, exit 2.
        assert!(
            stderr.contains("notification.md.j2")
                && (stderr.contains("wrote more than") || stderr.contains("ran for more than")),
            "{stderr}"
        );
        assert!(!dir.path().join("out").exists());
    }
}

// ---- 14: control characters never reach a terminal or a page ----

/// True when `bytes` hold a control character other than tab, line feed and carriage return
/// (as a C0 byte, DEL, or a C1 character).
fn has_control(bytes: &[u8]) -> bool {
    String::from_utf8_lossy(bytes)
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

#[test]
fn control_characters_in_records_are_schema_findings_and_never_printed() {
    let amara = "pupils/amara-okafor/pupil.yaml";
    for (from, to) in [
        // Raw bytes in the file: ESC, BEL, a C1 CSI.
        ("preferred: Amy", "preferred: \"Amy\u{1b}]0;pwned\u{7}\""),
        ("preferred: Amy", "preferred: Amy\u{9b}2J"),
        // Written as escapes in a double-quoted value.
        ("preferred: Amy", "preferred: \"Amy\\e[2J\\e[H\""),
        ("preferred: Amy", "preferred: \"Amy\\x1b[31m\""),
        ("relationship: mother", "relationship: \"mother\\u001b[8m\""),
    ] {
        let dir = oakfield_copy();
        edit(dir.path(), amara, from, to);
        let (status, report) = check_json(dir.path());
        assert_eq!(status, 1, "{to}");
        let found = invalid(&report);
        assert!(
            found.iter().any(|(rule, file, line, m)| rule == "schema"
                && file == amara
                && line.is_some()
                && m.contains("control character")),
            "{to}: {found:?}"
        );
        for args in [
            &["check"][..],
            &["check", "--format", "json"],
            &["--color", "never", "check"],
            &["report", "register"],
            &["letter", "notification", "amara-okafor", "--out", "-"],
            &["calendar"],
        ] {
            let out = run(dir.path(), args);
            assert!(!has_control(&out.stdout), "{to} {args:?} stdout");
            assert!(!has_control(&out.stderr), "{to} {args:?} stderr");
        }
    }
}

#[cfg(unix)]
#[test]
fn a_file_name_with_control_characters_is_shown_escaped() {
    let dir = oakfield_copy();
    let evil = dir.path().join("pupils/evil\u{1b}[2Jname");
    fs::create_dir_all(&evil).expect("mkdir");
    fs::copy(
        dir.path().join("pupils/amara-okafor/pupil.yaml"),
        evil.join("pupil.yaml"),
    )
    .expect("copy");
    fs::write(
        dir.path().join("pupils/amara-okafor/cycles/x\u{7}.yml"),
        "started: 2026-01-01\n",
    )
    .expect("write");
    for args in [
        &["check"][..],
        &["check", "--format", "json"],
        &["--color", "never", "check"],
    ] {
        let out = run(dir.path(), args);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            !has_control(&out.stdout),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(!has_control(&out.stderr), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("u{1b}[2Jname"));
    }
}

// ---- 15: names are one line, and record text never becomes Markdown ----

#[test]
fn a_name_over_two_lines_is_a_schema_finding() {
    let amara = "pupils/amara-okafor/pupil.yaml";
    for (from, to) in [
        ("preferred: Amy", "preferred: \"Amy\\n# Dear Sir\""),
        ("given: Amara", "given: \"Amara\\n\\nDear Mr Smith,\""),
        (
            "family: Okafor",
            "family: \"Okafor\\r\\n[x](https://evil.example)\"",
        ),
        (
            "- name: Mrs Grace Okafor",
            "- name: \"Mrs Grace Okafor\\n## Urgent\"",
        ),
    ] {
        let dir = oakfield_copy();
        edit(dir.path(), amara, from, to);
        let (_, report) = check_json(dir.path());
        let found = invalid(&report);
        assert!(
            found.iter().any(|(rule, file, line, m)| rule == "schema"
                && file == amara
                && line.is_some()
                && m.contains("one line")),
            "{to}: {found:?}"
        );
        // And no letter is written from the record.
        let (status, _) = notification_letter(dir.path(), &["--out", "-"]);
        assert_eq!(status, 2, "{to}");
    }
}

#[test]
fn markdown_in_names_and_notes_is_shown_as_text_in_letters() {
    let dir = oakfield_copy();
    let amara = "pupils/amara-okafor/pupil.yaml";
    edit(
        dir.path(),
        amara,
        "preferred: Amy",
        "preferred: \"[Amy](https://evil.example/a) **bold**\"",
    );
    edit(
        dir.path(),
        amara,
        "- name: Mrs Grace Okafor",
        "- name: \"# Mrs <b>Grace</b> Okafor\"",
    );
    // Line by line (`|`), so each injected line is a line of its own.
    edit(dir.path(), amara, "  summary: >", "  summary: |");
    edit(
        dir.path(),
        amara,
        "    Amy has dyslexic-type difficulties.",
        "    # Fake heading\n    1. numbered\n    - bullet\n    ===\n    > quote ![img](https://evil.example/i.png) <script>x</script>\n    Dear Sir,\n    Amy has dyslexic-type difficulties.",
    );
    let (status, report) = check_json(dir.path());
    assert!(invalid(&report).is_empty(), "{report}");
    assert_eq!(status, 1);
    let out = run(
        dir.path(),
        &[
            "letter",
            "notification",
            "amara-okafor",
            "--out",
            "-",
            "--format",
            "html",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = String::from_utf8_lossy(&out.stdout);
    assert!(
        !html.contains("href=\"https://evil"),
        "no link from a record"
    );
    assert!(!html.contains("<img"), "no image from a record");
    assert!(!html.contains("<script"), "no script");
    assert!(!html.contains("<b>Grace"), "no markup from a name");
    assert!(!html.contains("<strong>bold"), "no emphasis from a name");
    assert!(!html.contains("<blockquote"), "no quote from a note");
    assert!(!html.contains("<ol") && !html.contains("<h1>Fake") && !html.contains("<h2>Fake"));
    // The text itself is all there, as text; single line breaks join into the paragraph
    // (0.3: free text prints as typed, a "- " line a bullet).
    assert!(html.contains("# Fake heading 1. numbered"), "{html}");
    assert!(html.contains("[Amy](https://evil.example/a) **bold**"));
    assert!(html.contains("Dear Sir, Amy has"), "{html}");
    // One salutation only: the contact's, with the name as text.
    assert_eq!(
        html.matches("<p>Dear ").count(),
        2,
        "two contacts, one letter each: {html}"
    );
}

// ---- 10: the catalogue is read entry by entry ----

#[test]
fn a_bad_catalogue_entry_never_hides_a_ref_to_nothing() {
    let amara_cycle = "pupils/amara-okafor/cycles/2026-09-15.yaml";
    // Variants of a bad entry: an unknown key, a value out of range, a missing field, a
    // wrong type.
    for (from, to) in [
        (
            "  - id: precision-teaching\n    name:",
            "  - id: precision-teaching\n    nmae: x\n    name:",
        ),
        (
            "  - id: precision-teaching\n    name: Precision teaching (reading and spelling)\n",
            "  - id: precision-teaching\n    name: Precision teaching (reading and spelling)\n    group_size: many\n",
        ),
        (
            "  - id: maths-catch-up\n",
            "  - id: maths-catch-up\n    cost_per_hour_x: 3\n",
        ),
    ] {
        let dir = oakfield_copy();
        edit(dir.path(), "school.yaml", from, to);
        // Amy's current plan refers to `lexia`: make it refer to nothing at all instead.
        edit(dir.path(), amara_cycle, "{ ref: lexia }", "{ ref: lexya }");
        let (_, report) = check_json(dir.path());
        let found = invalid(&report);
        assert!(
            found.iter().any(|(rule, file, line, _)| rule == "schema"
                && file == "school.yaml"
                && line.is_some()),
            "{to}: the bad entry is reported: {found:?}"
        );
        assert!(
            found.iter().any(|(rule, file, line, m)| rule == "schema"
                && file == amara_cycle
                && line.is_some()
                && m.contains("`ref: lexya` names no provision")),
            "{to}: the ref to nothing is reported: {found:?}"
        );
        // A ref to the bad entry itself is not a second finding.
        assert!(
            !found.iter().any(|(_, file, _, m)| file != "school.yaml"
                && (m.contains("precision-teaching") || m.contains("maths-catch-up"))),
            "{found:?}"
        );
    }
}

#[test]
fn the_good_catalogue_entries_still_cost_when_one_is_bad() {
    let dir = oakfield_copy();
    edit(
        dir.path(),
        "school.yaml",
        "  - id: maths-catch-up\n",
        "  - id: maths-catch-up\n    typo_key: 3\n",
    );
    let out = run(dir.path(), &["report", "provision-map"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Lexia reading programme"), "{text}");
}

// ---- 4-7: no letter is lost ----

/// The letter files under `root/out/letters`, relative to it.
fn letters_written(root: &Path) -> Vec<String> {
    let base = root.join("out/letters");
    let mut out: Vec<String> = walkdir::WalkDir::new(&base)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(&base)
                .expect("inside")
                .display()
                .to_string()
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_contact_gets_their_own_letter_file_however_alike_the_names() {
    let dir = oakfield_copy();
    let zainab = "pupils/zainab-hussain/pupil.yaml";
    let contact = |name: &str| {
        format!(
            "  - name: \"{name}\"\n    relationship: mother\n    parental_responsibility: true\n"
        )
    };
    let names = [
        "Mrs Farah Hussain",
        "Mrs Farah Hussain",
        "MRS FARAH HUSSAIN",
        "Mrs Farah-Hussain",
        "Mrs Farah Hussain 2",
        "Mrs Farah Hussain-2",
        "Mrs Fárah Hussain",
        "Mrs Farah Hussaın",
    ];
    let block: String = names.iter().map(|n| contact(n)).collect();
    let text = fs::read_to_string(dir.path().join(zainab)).expect("read");
    let start = text.find("contacts:\n").expect("contacts");
    let end = text.find("left:").expect("left");
    let new = format!("{}contacts:\n{block}{}", &text[..start], &text[end..]);
    fs::write(dir.path().join(zainab), new).expect("write");
    let (status, stderr) = letter(dir.path(), &["notification", "zainab-hussain"]);
    assert_eq!(status, 0, "{stderr}");
    let files = letters_written(dir.path());
    assert_eq!(files.len(), names.len(), "{files:?}");
    let lower: std::collections::BTreeSet<String> =
        files.iter().map(|f| f.to_lowercase()).collect();
    assert_eq!(
        lower.len(),
        names.len(),
        "distinct even ignoring case: {files:?}"
    );
    assert!(files.iter().all(|f| f.is_ascii()), "{files:?}");
}

#[test]
fn a_very_long_contact_name_still_gets_a_letter_with_a_short_file_name() {
    let dir = oakfield_copy();
    let long = format!(
        "Mrs {} Hussain",
        "Bartholomew-Featherstonehaugh ".repeat(12).trim()
    );
    edit(
        dir.path(),
        "pupils/zainab-hussain/pupil.yaml",
        "Mrs Farah Hussain",
        &long,
    );
    let (status, stderr) = letter(dir.path(), &["notification", "zainab-hussain"]);
    assert_eq!(status, 0, "{stderr}");
    let files = letters_written(dir.path());
    assert_eq!(files.len(), 2, "{files:?}");
    for f in &files {
        let name = Path::new(f)
            .file_name()
            .expect("name")
            .to_string_lossy()
            .len();
        assert!(name <= 100, "{f}");
    }
    // Nothing half-written is left behind.
    assert!(
        !walkdir::WalkDir::new(dir.path().join("out"))
            .into_iter()
            .filter_map(Result::ok)
            .any(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
    );
}

#[test]
fn letters_due_are_all_written_when_the_listing_is_cut_short() {
    let full = oakfield_copy();
    let out = run(full.path(), &["letter", "--due"]);
    assert_eq!(out.status.code(), Some(0));
    let expected = letters_written(full.path());
    assert_eq!(expected.len(), 8);

    let dir = oakfield_copy();
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let status = Command::new(env!("CARGO_BIN_EXE_sen"))
        .args([
            "--records",
            path(dir.path()),
            "--as-of",
            AS_OF,
            "letter",
            "--due",
        ])
        .stdout(writer)
        .stderr(Stdio::null())
        .status()
        .expect("run");
    assert_eq!(status.code(), Some(0));
    assert_eq!(letters_written(dir.path()), expected);
}

/// The pupil file `file` with every contact with parental responsibility set to receive no
/// letters.
fn no_letters(file: &Path) {
    let text = fs::read_to_string(file).expect("read");
    fs::write(
        file,
        text.replace(
            "    parental_responsibility: true\n",
            "    parental_responsibility: true\n    letters: false\n",
        ),
    )
    .expect("write");
}

#[test]
fn letters_due_are_written_for_every_pupil_that_can_be_served() {
    let dir = oakfield_copy();
    // Zainab's parents no longer receive letters: her notification cannot be written.
    let zainab = "pupils/zainab-hussain/pupil.yaml";
    no_letters(&dir.path().join(zainab));
    let out = run(dir.path(), &["letter", "--due"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("zainab-hussain"), "{stderr}");
    let files = letters_written(dir.path());
    assert_eq!(files.len(), 6, "the six other letters: {files:?}");
    assert!(files.iter().all(|f| !f.starts_with("zainab-hussain")));
    // Named pupils stay all or nothing.
    let dir2 = oakfield_copy();
    no_letters(&dir2.path().join(zainab));
    let out = run(
        dir2.path(),
        &["letter", "notification", "amara-okafor", "zainab-hussain"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(letters_written(dir2.path()).is_empty());
}

// ---- 3: no suppressed count of the public report can be worked out ----

/// A school of invented pupils: `(status, primary need)` each, with Oakfield's school.yaml.
fn small_school(pupils: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::copy(
        Path::new(common::OAKFIELD).join("school.yaml"),
        dir.path().join("school.yaml"),
    )
    .expect("copy");
    for (i, (status, need)) in pupils.iter().enumerate() {
        let folder = dir.path().join(format!("pupils/pupil-{i}"));
        fs::create_dir_all(&folder).expect("mkdir");
        let ehcp = if *status == "E" {
            fs::write(
                folder.join("ehcp.yaml"),
                "local_authority: Salford\nissued: 2026-01-10\n",
            )
            .expect("write");
            ""
        } else {
            ""
        };
        fs::write(
            folder.join("pupil.yaml"),
            format!(
                "name: {{ given: Child, family: Number{i} }}\ndob: 2017-03-14\nsen:\n  status: {status}\n  since: 2025-10-06\n  parents_notified: 2025-10-08\n  primary_need: {need}\n{ehcp}"
            ),
        )
        .expect("write");
    }
    dir
}

/// The rows of a Markdown table that follows the header line `header`: (label, shown).
fn table_rows(md: &str, header: &str) -> Vec<(String, String)> {
    let start = md
        .find(header)
        .unwrap_or_else(|| panic!("no table `{header}`"));
    md[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<String> = l
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().trim_matches('*').to_string())
                .collect();
            (cells[0].clone(), cells[1].clone())
        })
        .collect()
}

#[test]
fn no_suppressed_count_of_the_information_report_can_be_worked_out() {
    let schools: Vec<Vec<(&str, &str)>> = vec![
        // The example: 5 on SEN support and 1 EHC plan, all one need.
        vec![("K", "SPLD"); 5]
            .into_iter()
            .chain([("E", "SPLD")])
            .collect(),
        vec![("K", "SPLD"), ("E", "SPLD")],
        vec![("K", "ASD"), ("K", "ASD"), ("E", "SLCN")],
        vec![("K", "SEMH"); 7]
            .into_iter()
            .chain([("E", "SEMH"), ("E", "PD")])
            .collect(),
        vec![("K", "MLD"); 9]
            .into_iter()
            .chain([("K", "HI"), ("E", "MLD")])
            .collect(),
        vec![("K", "SPLD"); 6]
            .into_iter()
            .chain(vec![("K", "SLCN"); 6])
            .chain([("E", "OTH")])
            .collect(),
        vec![("E", "ASD"); 5]
            .into_iter()
            .chain([("K", "ASD")])
            .collect(),
        vec![("K", "NSA"); 4]
            .into_iter()
            .chain(vec![("K", "SEMH"); 5])
            .collect(),
    ];
    for pupils in &schools {
        let dir = small_school(pupils);
        let out = run(dir.path(), &["report", "information"]);
        let md = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let status = table_rows(&md, "| Type of support | Pupils |");
        let area = table_rows(&md, "| Main area of need | Pupils |");
        let total = status
            .iter()
            .find(|(l, _)| l.starts_with("All pupils"))
            .and_then(|(_, v)| v.parse::<u32>().ok());
        let status: Vec<(String, String)> = status
            .into_iter()
            .filter(|(l, _)| !l.starts_with("All pupils"))
            .collect();
        // No count from 1 to 4 is printed.
        for (_, v) in status.iter().chain(&area) {
            if let Ok(n) = v.parse::<u32>() {
                assert!(n == 0 || n >= 5, "{pupils:?}: {md}");
            }
        }
        // Brute force what a reader can deduce: each hidden cell ranges over 1..=4
        // ("fewer than 5") or 0..=cap ("withheld"); both tables sum to one total.
        let cap = pupils.len() as u32 + 6;
        let cells: Vec<(usize, Option<u32>, (u32, u32))> = status
            .iter()
            .map(|c| (0, c))
            .chain(area.iter().map(|c| (1, c)))
            .map(|(t, (_, v))| match v.as_str() {
                "fewer than 5" => (t, None, (1, 4)),
                "withheld" => (t, None, (0, cap)),
                n => (t, Some(n.parse().expect("a count")), (0, 0)),
            })
            .collect();
        let hidden: Vec<usize> = (0..cells.len()).filter(|&i| cells[i].1.is_none()).collect();
        let mut values: Vec<u32> = hidden.iter().map(|&i| cells[i].2.0).collect();
        let mut seen = vec![std::collections::BTreeSet::new(); hidden.len()];
        'all: loop {
            let value = |i: usize| {
                cells[i]
                    .1
                    .unwrap_or_else(|| values[hidden.iter().position(|&h| h == i).expect("hidden")])
            };
            let sum = |t: usize| {
                (0..cells.len())
                    .filter(|&i| cells[i].0 == t)
                    .map(value)
                    .sum::<u32>()
            };
            if sum(0) == sum(1) && total.is_none_or(|n| n == sum(0)) {
                for (k, v) in values.iter().enumerate() {
                    seen[k].insert(*v);
                }
            }
            let mut k = 0;
            loop {
                if k == values.len() {
                    break 'all;
                }
                if values[k] < cells[hidden[k]].2.1 {
                    values[k] += 1;
                    break;
                }
                values[k] = cells[hidden[k]].2.0;
                k += 1;
            }
        }
        for (k, s) in seen.iter().enumerate() {
            assert!(
                s.len() >= 2,
                "{pupils:?}: cell {} is known to be {s:?}\n{md}",
                hidden[k]
            );
        }
    }
}
