//! `sen letter` over the example school: a snapshot of each kind, no other pupil's details
//! in any letter, `--due` writing exactly what the findings call for, no silent overwrite,
//! private file modes, and a records tree left byte-identical.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use crate::common;

use common::{AS_OF, OAKFIELD, oakfield_copy, sen, tree};

fn letter(root: &Path, args: &[&str]) -> std::process::Output {
    sen()
        .arg("--records")
        .arg(root)
        .args(["--as-of", AS_OF, "letter"])
        .args(args)
        .output()
        .expect("runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).expect("utf-8")
}

/// Every file under `dir`, relative, with its text.
fn written(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.expect("walk");
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(dir).expect("inside");
            out.insert(
                rel.to_string_lossy().replace('\\', "/"),
                fs::read_to_string(e.path()).expect("read"),
            );
        }
    }
    out
}

#[test]
fn snapshot_of_each_kind_of_letter() {
    for (kind, pupil, extra) in [
        ("notification", "amara-okafor", None),
        ("review-invitation", "amara-okafor", Some("2026-12-03")),
        ("review-record", "amara-okafor", None),
        ("meeting-record", "amara-okafor", None),
        ("annual-review-invitation", "freya-morgan", None),
        ("advice-request", "samuel-adeyemi", None),
    ] {
        let mut args = vec![kind, pupil, "--out", "-"];
        if let Some(d) = extra {
            args.extend(["--date", d]);
        }
        let out = letter(Path::new(OAKFIELD), &args);
        assert!(out.status.success(), "{kind}: {}", text(&out.stderr));
        insta::assert_snapshot!(format!("oakfield_{kind}"), text(&out.stdout));
    }
}

#[test]
fn snapshot_of_a_letter_as_printable_html() {
    let out = letter(
        Path::new(OAKFIELD),
        &[
            "notification",
            "zainab-hussain",
            "--out",
            "-",
            "--format",
            "html",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = text(&out.stdout);
    assert!(html.contains("@page { size: A4"));
    insta::assert_snapshot!("oakfield_notification_html", html);
}

struct Person {
    id: String,
    full_name: String,
    upn: Option<String>,
    dob: [String; 2],
}

fn people() -> Vec<Person> {
    let as_of = sen::dates::parse(AS_OF).expect("date");
    sen::load::load(Path::new(OAKFIELD), as_of)
        .records
        .pupils
        .iter()
        .filter_map(|f| f.pupil.as_ref().map(|p| (f, p)))
        .map(|(f, p)| Person {
            id: f.id.clone(),
            full_name: format!("{} {}", p.given, p.family),
            upn: p.upn.clone(),
            dob: [sen::dates::iso(p.dob), sen::dates::uk(p.dob)],
        })
        .collect()
}

#[test]
fn no_letter_holds_another_pupils_name_upn_or_date_of_birth() {
    let people = people();
    assert!(people.len() >= 10);
    let kinds = [
        "notification",
        "review-invitation",
        "review-record",
        "meeting-record",
        "annual-review-invitation",
        "advice-request",
    ];
    let dir = oakfield_copy();
    let mut letters = 0;
    for p in &people {
        for kind in kinds {
            let out_dir = dir.path().join("out").join(kind).join(&p.id);
            // Some kinds need facts a pupil does not have: that is an error, tested
            // elsewhere; here every letter that is written is checked.
            let _ = letter(
                dir.path(),
                &[
                    kind,
                    &p.id,
                    "--out",
                    out_dir.to_str().expect("utf-8"),
                    "--date",
                    "2026-12-03",
                ][..if kind == "review-invitation" { 6 } else { 4 }],
            );
            for (name, body) in written(&out_dir) {
                letters += 1;
                assert!(name.starts_with(&format!("{}/", p.id)), "{name}");
                for other in people.iter().filter(|o| o.id != p.id) {
                    assert!(
                        !body.contains(&other.full_name),
                        "{name} names {}",
                        other.full_name
                    );
                    if let Some(u) = &other.upn {
                        assert!(!body.contains(u.as_str()), "{name} holds {u}");
                    }
                    for d in &other.dob {
                        assert!(!body.contains(d.as_str()), "{name} holds {d}");
                    }
                }
            }
        }
    }
    assert!(letters > 30, "only {letters} letters written");
}

#[test]
fn due_writes_exactly_the_letters_the_findings_call_for() {
    let dir = oakfield_copy();
    let as_of = sen::dates::parse(AS_OF).expect("date");
    let loaded = sen::load::load(dir.path(), as_of);
    let findings = sen::rules::evaluate(
        &loaded.records,
        &loaded.findings,
        sen::rules::Options {
            as_of,
            window: loaded.records.school.settings.due_within_days,
        },
    );
    let mut expected = BTreeSet::new();
    for f in &findings {
        use sen::findings::{Kind, Rule};
        if !matches!(f.kind, Kind::Overdue | Kind::Due) {
            continue;
        }
        let kind = match f.rule {
            Rule::Notification => "notification",
            Rule::RecordShared if f.file.as_deref().is_some_and(|p| p.contains("/meetings/")) => {
                "meeting-record"
            }
            Rule::RecordShared => "review-record",
            Rule::AnnualReviewNotice => "annual-review-invitation",
            Rule::CycleReview if f.kind == Kind::Due => "review-invitation",
            // Not due on this date in the example (tests/it/advice.rs covers it).
            Rule::AnnualReviewAdvice if f.kind == Kind::Due => {
                panic!("an advice request is due: extend this test")
            }
            _ => continue,
        };
        let pupil = f.pupil.clone().expect("pupil finding");
        let folder = loaded
            .records
            .pupils
            .iter()
            .find(|x| x.id == pupil)
            .expect("folder");
        for c in folder
            .pupil
            .as_ref()
            .expect("pupil")
            .contacts
            .iter()
            .filter(|c| c.letters)
        {
            expected.insert(format!(
                "{pupil}/{kind}-{AS_OF}-{}.md",
                sen::commands::letter::slug(&c.name)
            ));
        }
    }
    assert!(
        expected.len() >= 4,
        "the example school has letters due: {expected:?}"
    );
    let before = tree(dir.path());
    let out = letter(dir.path(), &["--due"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let got: BTreeSet<String> = written(&dir.path().join("out/letters"))
        .into_keys()
        .collect();
    assert_eq!(got, expected);
    // Every path written is printed.
    let printed: BTreeSet<String> = text(&out.stdout)
        .lines()
        .map(|l| {
            Path::new(l)
                .strip_prefix(dir.path().join("out/letters"))
                .expect("under out/letters")
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    assert_eq!(printed, expected);
    // The Polish-speaking parents' letters are flagged for translation.
    assert!(text(&out.stderr).contains("needs translating"));
    assert_eq!(before, tree(dir.path()));
}

#[test]
fn a_second_run_does_not_overwrite_and_force_does() {
    let dir = oakfield_copy();
    let before = tree(dir.path());
    let first = letter(dir.path(), &["notification", "amara-okafor"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let path = dir
        .path()
        .join("out/letters/amara-okafor/notification-2026-11-23-mrs-grace-okafor.md");
    let original = fs::read_to_string(&path).expect("written");
    fs::write(&path, "edited by hand").expect("edit");

    let second = letter(dir.path(), &["notification", "amara-okafor"]);
    assert!(second.status.success());
    assert!(text(&second.stderr).contains("not overwritten"));
    assert_eq!(fs::read_to_string(&path).expect("read"), "edited by hand");

    let forced = letter(dir.path(), &["notification", "amara-okafor", "--force"]);
    assert!(forced.status.success());
    assert_eq!(fs::read_to_string(&path).expect("read"), original);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().expect("dir")), 0o700);
        assert_eq!(mode(&dir.path().join("out/letters")), 0o700);
    }
    assert_eq!(before, tree(dir.path()));
}

#[test]
fn a_letter_that_cannot_be_written_does_not_stop_the_others() {
    let dir = oakfield_copy();
    let first = letter(dir.path(), &["--due"]);
    let out = dir.path().join("out/letters");
    let all = written(&out);
    assert!(all.len() >= 3, "{}", text(&first.stderr));
    fs::remove_dir_all(&out).expect("start again");
    // A folder, with something in it, where one letter's file goes: that letter cannot be
    // written, even with --force.
    let (blocked, _) = all.iter().nth(1).expect("a second letter");
    fs::create_dir_all(out.join(blocked).join("kept")).expect("a folder in the way");

    let again = letter(dir.path(), &["--due", "--force"]);
    assert!(!again.status.success(), "the run says it failed");
    let stderr = text(&again.stderr);
    assert!(stderr.contains("cannot write"), "{stderr}");
    assert!(
        stderr.contains("1 letter could not be written (above); every other letter was"),
        "{stderr}"
    );
    let now = written(&out);
    for (rel, body) in &all {
        if rel != blocked {
            assert_eq!(now.get(rel), Some(body), "{rel} was written");
        }
    }
    let listed = text(&again.stdout);
    assert_eq!(listed.lines().count(), all.len() - 1, "{listed}");
    assert!(!listed.contains(blocked.as_str()), "{listed}");
}

#[test]
fn a_review_invitation_without_an_open_cycle_fails_and_writes_nothing() {
    let dir = oakfield_copy();
    let before = tree(dir.path());
    // Theo's last cycle was reviewed on 6 November; the next starts on 30 November.
    let out = letter(dir.path(), &["review-invitation", "theo-bennett"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("`theo-bennett` has no open cycle on 23 November 2026: record the cycle (`sen new cycle theo-bennett`) and its plan before inviting parents to review it"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!dir.path().join("out").exists());
    assert_eq!(before, tree(dir.path()));
}

#[test]
fn one_missing_fact_stops_every_letter_of_the_run() {
    let dir = oakfield_copy();
    let out = letter(
        dir.path(),
        &["annual-review-invitation", "freya-morgan", "amara-okafor"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .contains("`amara-okafor` has no annual review with a meeting after 23 November 2026")
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn letters_are_refused_inside_the_pupils_folder() {
    let dir = oakfield_copy();
    let before = tree(dir.path());
    let inside = dir.path().join("pupils/amara-okafor/letters");
    let out = letter(
        dir.path(),
        &[
            "notification",
            "amara-okafor",
            "--out",
            inside.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("refusing to write"));
    assert!(!inside.exists());
    assert_eq!(before, tree(dir.path()));
}

#[test]
fn invitations_carry_the_time_and_place_given() {
    let dir = oakfield_copy();
    let out = letter(
        dir.path(),
        &[
            "review-invitation",
            "amara-okafor",
            "--date",
            "2026-12-03",
            "--time",
            "15:30",
            "--place",
            "the library",
            "--out",
            "-",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    assert!(
        md.contains("**Time:** 3.30pm  \n**Place:** the library\n"),
        "{md}"
    );
    let out = letter(
        dir.path(),
        &[
            "annual-review-invitation",
            "freya-morgan",
            "--time",
            "09:00",
            "--out",
            "-",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    assert!(md.contains("**Time:** 9am\n"), "{md}");
    assert!(!md.contains("**Place:**"), "{md}");
    // Without either, no detail lines at all.
    let out = letter(
        dir.path(),
        &[
            "review-invitation",
            "amara-okafor",
            "--date",
            "2026-12-03",
            "--out",
            "-",
        ],
    );
    assert!(!text(&out.stdout).contains("**Time:**"));
}

#[test]
fn time_and_place_are_refused_where_they_do_not_belong() {
    let dir = oakfield_copy();
    for args in [
        &["notification", "amara-okafor", "--time", "15:30"][..],
        &["review-invitation", "amara-okafor", "--time", "25:00"][..],
        &["review-invitation", "amara-okafor", "--time", "3pm"][..],
        &["review-invitation", "amara-okafor", "--place", " "][..],
    ] {
        let out = letter(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(text(&out.stderr).contains("--"), "{args:?}");
    }
    assert!(!dir.path().join("out").exists());
}

#[test]
fn an_invitation_to_a_meeting_already_past_is_refused_and_nothing_is_written() {
    let dir = oakfield_copy();
    let before = tree(dir.path());
    let out = letter(
        dir.path(),
        &["review-invitation", "amara-okafor", "--date", "2026-11-20"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("the review meeting date for `amara-okafor`, 20 November 2026, is before 23 November 2026"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!dir.path().join("out").exists());
    assert_eq!(before, tree(dir.path()));
}
