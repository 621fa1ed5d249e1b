//! The first week (#25): a school that starts using `sen` with pupils already on its register
//! gets no false alarms (`settings.records_begin`), `sen check` says what letters still need,
//! carers get their letters, and the terminal output fits and speaks plainly.

use crate::common;

use std::fs;
use std::path::Path;

use common::{AS_OF, Run, check_json, init, oakfield_copy, path, sen};
use serde_json::Value;

const EXPORTS: [&str; 3] = [
    "examples/mis/sims-sen-report.csv",
    "examples/mis/arbor-sen-report.csv",
    "examples/mis/bromcom-sen-report.csv",
];

fn findings(json: &Value) -> &Vec<Value> {
    json["findings"].as_array().expect("findings")
}

/// Replace `from` (which must be there) by `to` in the file at `p`.
fn edit(p: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(p).expect("read");
    assert!(text.contains(from), "{} lacks {from:?}", p.display());
    fs::write(p, text.replacen(from, to, 1)).expect("write");
}

/// A school made by `sen init` on AS_OF (so `records_begin` is AS_OF), with what letters need
/// filled in, and the register imported from `export` on the same day.
fn imported_school(export: &str) -> tempfile::TempDir {
    let (dir, root) = new_school();
    let school = root.join("school.yaml");
    let text = fs::read_to_string(&school).expect("school.yaml");
    assert!(
        text.contains(&format!("records_begin: {AS_OF}")),
        "sen init writes the day it runs:\n{text}"
    );
    letters_ready(&school);
    let import = sen()
        .args([
            "--records",
            path(&root),
            "--as-of",
            AS_OF,
            "import",
            "pupils",
        ])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(export))
        .arg("--contacts")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/mis/sims-contacts.csv"))
        .output()
        .expect("import");
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    dir
}

/// Fill in what letters need in a school.yaml `sen init` wrote.
fn letters_ready(school: &Path) {
    edit(
        school,
        "address: []",
        r#"address: ["1 Oak Lane", "Salford", "M1 1AA"]"#,
    );
    edit(
        school,
        "  phone: null                 # the school's",
        "  phone: \"0161 000 0000\" # the school's",
    );
    edit(
        school,
        "local_offer: null",
        "local_offer: https://www.example.gov.uk/local-offer",
    );
    edit(
        school,
        "name: null                  # e.g. Salford SENDIASS",
        "name: Salford SENDIASS",
    );
    edit(
        school,
        "  website: null\n\nterms:",
        "  website: https://www.example.org/sendiass\n\nterms:",
    );
}

/// Give each imported EHC pupil the plan an existing school would have: issued years ago,
/// its annual reviews not yet typed in.
fn plans_from_before(root: &Path) -> usize {
    let mut n = 0;
    for e in fs::read_dir(root.join("pupils")).expect("pupils") {
        let dir = e.expect("entry").path();
        if !dir.is_dir() {
            continue;
        }
        let pupil = fs::read_to_string(dir.join("pupil.yaml")).expect("pupil.yaml");
        if pupil.contains("status: E") {
            fs::write(
                dir.join("ehcp.yaml"),
                "local_authority: Salford\nissued: 2023-03-14\n",
            )
            .expect("ehcp.yaml");
            n += 1;
        }
    }
    n
}

#[test]
fn a_register_imported_on_the_first_day_has_no_overdue_duty_from_before_it_and_due_writes_only_letters_to_send()
 {
    for export in EXPORTS {
        let dir = imported_school(export);
        let root = dir.path().join("records");
        let with_plans = plans_from_before(&root);
        assert!(with_plans > 0, "{export}: the export has EHC pupils");
        let json = check_json(&root);
        let all = findings(&json);
        let before: Vec<&Value> = all
            .iter()
            .filter(|f| f["kind"] == "overdue" && f["pupil"].is_string())
            .collect();
        assert!(before.is_empty(), "{export}: {before:#?}");
        let asked: Vec<&Value> = all
            .iter()
            .filter(|f| {
                f["kind"] == "incomplete"
                    && f["message"]
                        .as_str()
                        .is_some_and(|m| m.contains("before these records began"))
            })
            .collect();
        let rules: std::collections::BTreeSet<&str> =
            asked.iter().filter_map(|f| f["rule"].as_str()).collect();
        for rule in ["notification", "support-plan", "annual-review"] {
            assert!(
                rules.contains(rule),
                "{export}: no {rule} asked for: {rules:?}"
            );
        }
        for f in &asked {
            assert!(f["days"].is_null(), "{f}");
            assert!(f["due"].as_str().is_some_and(|d| d < AS_OF), "{f}");
        }
        let letters = Run::of(&root, &["letter", "--due"]);
        assert_eq!(letters.status, 0, "{export}: {}", letters.stderr);
        let written: Vec<&str> = letters.stdout.lines().collect();
        // The one letter a SENCO would send: a pupil whose support began a week ago, whose
        // parents are still to be told (due after the records began). Nothing overdue from
        // before the school used sen.
        let due: Vec<&Value> = all
            .iter()
            .filter(|f| f["kind"] == "due" && f["rule"] == "notification")
            .collect();
        assert_eq!(due.len(), 1, "{export}: {due:#?}");
        let pupil = due[0]["pupil"].as_str().expect("pupil");
        assert!(!written.is_empty(), "{export}: no letter");
        for w in &written {
            let w = w.replace('\\', "/");
            assert!(
                w.contains(&format!("/letters/{pupil}/notification-")),
                "{export}: a letter no one should send: {w}"
            );
        }
    }
}

#[test]
fn records_begin_turns_only_overdue_pupil_duties_due_before_it_into_a_request_for_the_date() {
    let dir = oakfield_copy();
    let root = dir.path();
    let was = check_json(root);
    let overdue: Vec<&Value> = findings(&was)
        .iter()
        .filter(|f| f["kind"] == "overdue")
        .collect();
    assert!(overdue.len() >= 2, "the example school has overdue duties");
    // Begin the records between the oldest and newest overdue duties.
    let mut dues: Vec<&str> = overdue.iter().filter_map(|f| f["due"].as_str()).collect();
    dues.sort_unstable();
    let begun = dues[dues.len() - 1];
    assert!(dues[0] < begun);
    edit(
        &root.join("school.yaml"),
        "settings:\n",
        &format!("settings:\n  records_begin: {begun}\n"),
    );
    let now = check_json(root);
    let listed = [
        "notification",
        "cycle-review",
        "support-plan",
        "parent-meetings",
        "record-shared",
        "transfer-record",
        "annual-review",
        "annual-review-notice",
        "annual-review-advice",
        "annual-review-report",
        "la-decision",
        "phase-transfer",
        "ehc-assessment",
    ];
    let mut softened = 0;
    for f in &overdue {
        let rule = f["rule"].as_str().expect("rule");
        let due = f["due"].as_str().unwrap_or("");
        let same = |g: &&Value| {
            g["rule"] == f["rule"]
                && g["pupil"] == f["pupil"]
                && g["due"] == f["due"]
                && g["file"] == f["file"]
                && g["line"] == f["line"]
                && g["paragraphs"] == f["paragraphs"]
                && g["owner"] == f["owner"]
        };
        let g = findings(&now).iter().find(same).expect("still reported");
        if listed.contains(&rule) && f["pupil"].is_string() && due < begun {
            softened += 1;
            assert_eq!(g["kind"], "incomplete", "{g}");
            assert!(g["days"].is_null(), "{g}");
            let m = g["message"].as_str().expect("message");
            assert!(m.contains("before these records began"), "{m}");
            assert!(m.contains("record the date it was done"), "{m}");
        } else {
            assert_eq!(g["kind"], "overdue", "{g}");
        }
    }
    assert!(softened > 0);
    // The same number of findings: one changed kind, none added or lost.
    assert_eq!(findings(&now).len(), findings(&was).len());
    // `--due` writes no letter for a duty from before the records began: the letters are
    // those of the example school less the ones for softened notifications.
    let plain = oakfield_copy();
    let letters = |root: &Path| -> std::collections::BTreeSet<String> {
        let r = Run::of(root, &["letter", "--due"]);
        assert_eq!(r.status, 0, "{}", r.stderr);
        r.stdout
            .lines()
            .map(|l| {
                let l = l.replace('\\', "/");
                l[l.find("/letters/").expect("letters")..].to_string()
            })
            .collect()
    };
    let before = letters(plain.path());
    let after = letters(root);
    assert!(after.is_subset(&before), "{after:?} {before:?}");
    let gone: Vec<&String> = before.difference(&after).collect();
    let lettered: Vec<&str> = overdue
        .iter()
        .filter(|f| {
            ["notification", "record-shared", "annual-review-notice"]
                .contains(&f["rule"].as_str().unwrap_or(""))
                && f["due"].as_str().is_some_and(|d| d < begun)
        })
        .filter_map(|f| f["pupil"].as_str())
        .collect();
    assert!(
        !lettered.is_empty(),
        "the example school has an old letter overdue"
    );
    for p in &lettered {
        assert!(
            gone.iter()
                .any(|g| g.starts_with(&format!("/letters/{p}/"))),
            "{p}: {gone:?}"
        );
    }
}

#[test]
fn a_records_begin_that_is_no_date_is_a_schema_finding_on_its_line() {
    let dir = oakfield_copy();
    let root = dir.path();
    edit(
        &root.join("school.yaml"),
        "settings:\n",
        "settings:\n  records_begin: 2026-02-30\n",
    );
    let json = check_json(root);
    let f = findings(&json)
        .iter()
        .find(|f| f["rule"] == "schema" && f["file"] == "school.yaml")
        .expect("a schema finding");
    let text = fs::read_to_string(root.join("school.yaml")).expect("school.yaml");
    let line = text
        .lines()
        .position(|l| l.contains("records_begin"))
        .expect("line")
        + 1;
    assert_eq!(f["line"], line, "{f}");
    // An invalid school.yaml setting silences the rules: nothing is judged on a bad date.
    assert!(
        findings(&json)
            .iter()
            .all(|f| f["kind"] == "invalid" || f["pupil"].is_null())
    );
}

#[test]
fn import_gives_letters_to_a_foster_carer_without_parental_responsibility() {
    let dir = imported_school(EXPORTS[0]);
    let root = dir.path().join("records");
    let kai = fs::read_to_string(root.join("pupils/kai-thompson/pupil.yaml")).expect("kai");
    let carer = &kai[kai.find("Mrs Denise Hart").expect("the foster carer")..];
    let carer = &carer[..carer.find("- name:").unwrap_or(carer.len())];
    assert!(carer.contains("parental_responsibility: false"), "{carer}");
    assert!(carer.contains("letters: true"), "{carer}");
    // A grandfather without parental responsibility is not given letters by import.
    let jayden = fs::read_to_string(root.join("pupils/jayden-clarke/pupil.yaml")).expect("jayden");
    assert_eq!(jayden.matches("letters: true").count(), 0, "{jayden}");
    // The meeting record reaches the carer: she is among those a letter goes to.
    let r = Run::of(&root, &["letter", "notification", "kai-thompson"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stdout.contains("denise-hart"), "{}", r.stdout);
}

#[test]
fn the_governors_counts_leave_out_duties_from_before_the_records_as_check_does() {
    use sen::rules::{self, DutyState, Options};
    let dir = oakfield_copy();
    let root = dir.path();
    edit(
        &root.join("school.yaml"),
        "settings:\n",
        "settings:\n  records_begin: 2026-11-15\n",
    );
    let as_of = sen::dates::parse(AS_OF).expect("date");
    let loaded = sen::load::load(root, as_of);
    let window = loaded.records.school.settings.due_within_days;
    let before: Vec<_> = rules::duties(&loaded.records, as_of, window)
        .into_iter()
        .filter(|d| d.state == DutyState::BeforeRecords)
        .collect();
    assert!(
        !before.is_empty(),
        "the example school has duties from before 15 November"
    );
    let from = sen::dates::parse("2025-09-01").expect("date");
    let counted = rules::duties_in_period(&loaded.records, Options { as_of, window }, from, as_of);
    let not_done: u32 = counted.iter().map(|d| d.not_done).sum();
    let json = check_json(root);
    let overdue = findings(&json)
        .iter()
        .filter(|f| {
            f["kind"] == "overdue"
                && f["due"]
                    .as_str()
                    .is_some_and(|d| ("2025-09-01"..=AS_OF).contains(&d))
        })
        .count();
    assert_eq!(not_done as usize, overdue);
    let incomplete = findings(&json)
        .iter()
        .filter(|f| {
            f["message"]
                .as_str()
                .is_some_and(|m| m.contains("before these records began"))
        })
        .count();
    assert_eq!(incomplete, before.len());
}

/// A school `sen init` made on AS_OF, nothing else filled in: the folder and the records
/// root in it.
fn new_school() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("records");
    init(sen().args(["--as-of", AS_OF]), &root);
    (dir, root)
}

#[test]
fn check_ends_with_what_school_yaml_lacks_for_letters_in_plain_words_and_json_is_unchanged() {
    let (_dir, root) = new_school();
    let r = Run::of(&root, &["check"]);
    let tail = &r.stdout[r
        .stdout
        .find("school.yaml does not yet say")
        .expect(&r.stdout)..];
    for key in [
        "`school.address`",
        "`school.phone`",
        "`iass.name`",
        "`iass.phone` or `iass.website`",
        "`local_offer`",
    ] {
        assert!(tail.contains(key), "{key}: {tail}");
    }
    assert!(!tail.contains("senco"), "the SENCO can be reached: {tail}");
    // It is the end of the output.
    assert!(
        r.stdout.trim_end().ends_with("`school.website`"),
        "{}",
        r.stdout
    );
    let json = Run::of(&root, &["check", "--format", "json"]).stdout;
    assert!(!json.contains("does not yet say"));
    let v: Value = serde_json::from_str(&json).expect("json");
    let keys: Vec<&String> = v.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        [
            "as_of",
            "counts",
            "findings",
            "pupils_on_register",
            "window_days"
        ]
    );
    // Filled in, the list goes; one thing left, only it is named.
    let school = root.join("school.yaml");
    letters_ready(&school);
    let r = Run::of(&root, &["check"]);
    assert!(r.stdout.contains("does not yet say"), "{}", r.stdout);
    assert!(r.stdout.contains("`school.website`") && !r.stdout.contains("`iass.name`"));
    edit(
        &school,
        "  website: null",
        "  website: https://oakfield.example.org",
    );
    let r = Run::of(&root, &["check"]);
    assert!(!r.stdout.contains("does not yet say"), "{}", r.stdout);
}

#[test]
fn letter_refuses_to_name_the_iass_without_a_way_to_reach_it() {
    let (_dir, root) = new_school();
    let school = root.join("school.yaml");
    letters_ready(&school);
    // Take the website away again: the service has only its name.
    edit(
        &school,
        "  website: https://www.example.org/sendiass",
        "  website: null",
    );
    fs::create_dir_all(root.join("pupils/sam-jones")).expect("mkdir");
    fs::write(
        root.join("pupils/sam-jones/pupil.yaml"),
        "name: { given: Sam, family: Jones }\ndob: 2018-05-01\nsen:\n  status: K\n  since: 2026-11-16\n  primary_need: SPLD\ncontacts:\n  - name: Mrs Ann Jones\n    relationship: mother\n    parental_responsibility: true\n    address: [\"3 Elm Road\", \"Salford\", \"M2 2BB\"]\n",
    )
    .expect("pupil");
    let r = Run::of(&root, &["letter", "notification", "sam-jones"]);
    assert_eq!(r.status, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("has only its name"), "{}", r.stderr);
    assert!(r.stderr.contains("`phone` or `website`"), "{}", r.stderr);
    assert!(!root.join("out").exists());
    edit(
        &school,
        "name: Salford SENDIASS\n  phone: null",
        "name: Salford SENDIASS\n  phone: \"0161 000 0002\"",
    );
    let r = Run::of(&root, &["letter", "notification", "sam-jones"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
}

fn invite_freya(as_of: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "letter",
        "annual-review-invitation",
        "freya-morgan",
        "--out",
        "-",
    ];
    args.extend_from_slice(extra);
    Run::at(std::path::Path::new("examples/oakfield"), as_of, &args)
}

#[test]
fn an_annual_review_invitation_under_two_weeks_ahead_is_written_with_a_warning() {
    // Freya's annual review meets on 3 December 2026.
    let late = invite_freya("2026-11-23", &["--time", "10:00", "--place", "the library"]);
    assert_eq!(late.status, 0, "{}", late.stderr);
    assert!(
        late.stdout.contains("3 December 2026"),
        "the letter is written"
    );
    assert!(late.stderr.contains("warning:"), "{}", late.stderr);
    assert!(late.stderr.contains("reg 20(3)"), "{}", late.stderr);
    assert!(late.stderr.contains("two weeks"), "{}", late.stderr);
    assert!(late.stderr.contains("only 10 days away"), "{}", late.stderr);
    // One warning for the review, however many parents are written to.
    assert_eq!(
        late.stderr.matches("warning:").count(),
        1,
        "{}",
        late.stderr
    );
    let on_time = invite_freya("2026-11-19", &["--time", "10:00", "--place", "the library"]);
    assert_eq!(on_time.status, 0, "{}", on_time.stderr);
    assert!(!on_time.stderr.contains("reg 20(3)"), "{}", on_time.stderr);
    // Exactly two weeks is enough notice.
    let two_weeks = invite_freya("2026-11-19", &[]);
    assert!(
        !two_weeks.stderr.contains("warning"),
        "{}",
        two_weeks.stderr
    );
}

#[test]
fn invitations_with_no_time_or_place_say_they_will_follow() {
    let none = invite_freya("2026-11-19", &[]);
    assert!(
        none.stdout
            .contains("I will write again with the time and place of the meeting."),
        "{}",
        none.stdout
    );
    let time = invite_freya("2026-11-19", &["--time", "10:00"]);
    assert!(
        time.stdout.contains("I will write again to say where"),
        "{}",
        time.stdout
    );
    let both = invite_freya("2026-11-19", &["--time", "10:00", "--place", "the library"]);
    assert!(
        !both.stdout.contains("I will write again"),
        "{}",
        both.stdout
    );
    // `--due` gives no time or place: every invitation it writes says they will follow.
    let dir = oakfield_copy();
    let r = Run::of(dir.path(), &["letter", "--due"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let invitations: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.contains("invitation-"))
        .collect();
    assert!(!invitations.is_empty(), "{}", r.stdout);
    for p in invitations {
        let text = fs::read_to_string(p).expect("letter");
        assert!(
            text.contains("I will write again with the time and place of the meeting."),
            "{p}"
        );
    }
}

fn widest_line(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn the_check_table_fits_the_terminal_width_wrapping_the_message() {
    for width in [80, 100, 150] {
        let out = sen()
            .env("COLUMNS", width.to_string())
            .args(["--records", "examples/oakfield", "--as-of", AS_OF, "check"])
            .output()
            .expect("check");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("aisha-begum"), "{text}");
        assert!(widest_line(&text) <= width, "{width}:\n{text}");
        // Every word of every message is still there.
        assert!(
            text.contains("(ehc-assessment; 9.14, 9.17, 9.40)") || width > 100,
            "{text}"
        );
    }
    // Not a terminal and no COLUMNS: a fixed 120, so piped output is the same everywhere.
    let piped = sen()
        .env_remove("COLUMNS")
        .args(["--records", "examples/oakfield", "--as-of", AS_OF, "check"])
        .output()
        .expect("check");
    let text = String::from_utf8_lossy(&piped.stdout);
    assert!(widest_line(&text) <= 120, "{text}");
    assert!(widest_line(&text) > 100, "the width is used: {text}");
}

#[test]
fn the_summary_counts_pupils_whose_records_need_fixing() {
    let dir = imported_school(EXPORTS[2]);
    let root = dir.path().join("records");
    let r = Run::of(&root, &["check"]);
    assert!(
        r.stdout.contains(
            "across 8 pupils on the register; 4 more pupils have records that need fixing"
        ),
        "{}",
        r.stdout
    );
    plans_from_before(&root);
    let r = Run::of(&root, &["check"]);
    assert!(
        r.stdout.contains("across 12 pupils on the register"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("need fixing"), "{}", r.stdout);
}

#[test]
fn the_readme_gives_the_real_letter_path_and_a_first_session_outside_the_source() {
    let readme = fs::read_to_string("README.md").expect("README");
    let dir = oakfield_copy();
    let r = Run::of(
        dir.path(),
        &["letter", "notification", "amara-okafor", "--format", "html"],
    );
    assert_eq!(r.status, 0, "{}", r.stderr);
    for line in r.stdout.lines() {
        let line = line.replace('\\', "/");
        let rel = &line[line.find("out/letters/").expect("out/letters")..];
        assert!(readme.contains(rel), "README lacks the real path {rel}");
    }
    assert!(readme.contains("out/letters/PUPIL/KIND-DATE-CONTACT.html"));
    let session = &readme[readme.find("## A first session").expect("first session")..];
    let session = &session[..session.find("## Documentation").expect("next section")];
    let init = session.find("sen init").expect("sen init");
    let git = session
        .find("git init")
        .expect("the first session says git init");
    assert!(init < git);
    // The school is made after leaving the source folder, and the examples are reached
    // from where the source is.
    let leave = session.find("cd ~").expect("leaves the source folder");
    assert!(leave < init);
    assert!(!session.contains("../examples"), "{session}");
}

#[test]
fn a_notification_for_provision_already_begun_reads_in_the_past() {
    let root = Path::new("examples/oakfield");
    // Zainab's SEN support began on 16 November 2026.
    let on_the_day = Run::at(
        root,
        "2026-11-16",
        &["letter", "notification", "zainab-hussain", "--out", "-"],
    );
    assert_eq!(on_the_day.status, 0, "{}", on_the_day.stderr);
    assert!(
        on_the_day
            .stdout
            .contains("from 16 November 2026 the school is making"),
        "{}",
        on_the_day.stdout
    );
    let later = Run::at(
        root,
        "2026-11-23",
        &["letter", "notification", "zainab-hussain", "--out", "-"],
    );
    assert!(
        later
            .stdout
            .contains("since 16 November 2026 the school has been making"),
        "{}",
        later.stdout
    );
    assert!(!later.stdout.contains("is making"), "{}", later.stdout);
}

#[test]
fn a_mistyped_pupil_id_gets_did_you_mean() {
    let root = Path::new("examples/oakfield");
    let letter = Run::of(
        root,
        &["letter", "notification", "amara-okafr", "--out", "-"],
    );
    assert_eq!(letter.status, 2, "{}", letter.stderr);
    assert!(
        letter.stderr.contains("did you mean `amara-okafor`?"),
        "{}",
        letter.stderr
    );
    let report = Run::of(root, &["report", "pupil", "amra-okafor", "--out", "-"]);
    assert_ne!(report.status, 0);
    assert!(
        report.stderr.contains("did you mean `amara-okafor`?"),
        "{}",
        report.stderr
    );
    // Nothing near: no guess.
    let far = Run::of(root, &["report", "pupil", "zzzzzz", "--out", "-"]);
    assert!(!far.stderr.contains("did you mean"), "{}", far.stderr);
}

#[cfg(unix)]
#[test]
fn bash_completion_completes_pupil_ids_from_the_records() {
    if std::process::Command::new("bash")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("no bash: skipped");
        return;
    }
    let script = sen()
        .args(["completions", "bash"])
        .output()
        .expect("completions");
    assert!(script.status.success());
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("sen.bash");
    fs::write(&file, &script.stdout).expect("write");
    let complete = |words: &str| -> Vec<String> {
        let n = words.split(' ').count() - 1;
        let out = std::process::Command::new("bash")
            .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/oakfield/pupils"))
            .env_remove("SEN_RECORDS")
            .arg("-c")
            .arg(format!(
                "source '{}'; COMP_WORDS=({words}); COMP_CWORD={n}; COMP_LINE='{words}'; COMP_POINT=${{#COMP_LINE}}; _sen_with_pupils sen x y; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
                file.display()
            ))
            .output()
            .expect("bash");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    assert_eq!(complete("sen letter notification am"), ["amara-okafor"]);
    assert_eq!(
        complete("sen report pupil f"),
        ["filip-kowalczyk", "freya-morgan"]
    );
    assert_eq!(complete("sen check --pupil le"), ["leo-santos"]);
    // Not where a pupil goes: no pupil ids.
    assert!(!complete("sen check am").contains(&"amara-okafor".to_string()));
}
