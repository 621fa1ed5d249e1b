//! The annual review, prepared (cli.md 0.3): `sen letter advice-request`, its place in
//! `sen letter --due`, and the preparation dates in `sen calendar`, over the example school.

use crate::common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::{AS_OF, OAKFIELD, oakfield_copy, sen};

fn run_at(root: &Path, as_of: &str, args: &[&str]) -> std::process::Output {
    sen()
        .arg("--records")
        .arg(root)
        .args(["--as-of", as_of])
        .args(args)
        .output()
        .expect("runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).expect("utf-8")
}

/// The files under `dir` (relative, '/'), or none.
fn files(dir: &Path) -> BTreeSet<String> {
    if !dir.exists() {
        return BTreeSet::new();
    }
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

#[test]
fn one_advice_request_per_invitee_who_is_not_a_parent() {
    let dir = oakfield_copy();
    let out = run_at(
        dir.path(),
        AS_OF,
        &["letter", "advice-request", "samuel-adeyemi"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Six invited; the two parents are not asked; the list names its own LA officer, so
    // ehcp.yaml's (none here) is not added.
    let got = files(&dir.path().join("out/letters"));
    let want: BTreeSet<String> = [
        "ms-carol-dunne",
        "mr-peter-lund",
        "ms-jo-park",
        "mr-tom-hale",
    ]
    .iter()
    .map(|s| format!("samuel-adeyemi/advice-request-{AS_OF}-{s}.md"))
    .collect();
    assert_eq!(got, want);
    // No warning: the meeting (20 January 2027) is 58 days away.
    assert!(
        !text(&out.stderr).contains("warning"),
        "{}",
        text(&out.stderr)
    );
    for f in &got {
        let body = fs::read_to_string(dir.path().join("out/letters").join(f)).expect("read");
        // The meeting, the date wanted by (meeting - 21 days) and the circulation date.
        assert!(body.contains("20 January 2027"), "{f}");
        assert!(body.contains("by **30 December 2026**"), "{f}");
        assert!(body.contains("6 January 2027"), "{f}");
        // The plan's outcome being worked towards, and how he did at the last review.
        assert!(
            body.contains("Follows his own visual timetable"),
            "{f}: {body}"
        );
        assert!(body.contains("good progress"), "{f}");
        assert!(!body.contains("Folake") && !body.contains("Tunde"), "{f}");
        assert!(!body.contains('`'), "{f}: no code in a letter");
    }
    // A reader with an email gets an email body; the social worker, a posted letter.
    let park = fs::read_to_string(dir.path().join(format!(
        "out/letters/samuel-adeyemi/advice-request-{AS_OF}-ms-jo-park.md"
    )))
    .expect("read");
    assert!(park.contains("Civic Centre") && park.contains("Yours sincerely"));
    assert!(!park.contains("**Subject:**"));
    let lund = fs::read_to_string(dir.path().join(format!(
        "out/letters/samuel-adeyemi/advice-request-{AS_OF}-mr-peter-lund.md"
    )))
    .expect("read");
    assert!(lund.contains("**To:** Mr Peter Lund (p.lund@nhs.example.net)"));
    assert!(lund.contains("**Subject:**") && lund.contains("2026\n\nDear Mr Lund,"));
    assert!(!lund.contains("Private and confidential") && !lund.contains("1 Oak Lane"));
    assert!(lund.contains("Your health advice"));
}

#[test]
fn the_la_officer_of_ehcp_yaml_is_asked_when_the_list_has_none_and_a_close_meeting_is_warned_about()
{
    // Freya's review on 3 December 2026 is 10 days after as-of: under 21 days.
    let out = run_at(
        Path::new(OAKFIELD),
        AS_OF,
        &["letter", "advice-request", "freya-morgan", "--out", "-"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let body = text(&out.stdout);
    let dears: Vec<&str> = body.lines().filter(|l| l.starts_with("Dear ")).collect();
    assert_eq!(dears, ["Dear Dr Rao,", "Dear Mrs Hale,", "Dear Mr Cole,"]);
    assert!(body.contains("as soon as you can"));
    assert!(!body.contains("12 November 2026"), "no date already past");
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "warning: the annual review of `freya-morgan` on 3 December 2026 is 10 days away"
        ),
        "{err}"
    );
    // Once: one warning for the review, not one per letter.
    assert_eq!(err.matches("warning").count(), 1, "{err}");
}

#[test]
fn the_date_wanted_by_follows_the_setting() {
    let dir = oakfield_copy();
    let school = dir.path().join("school.yaml");
    let text0 = fs::read_to_string(&school).expect("read");
    fs::write(
        &school,
        text0.replace(
            "  suppress_below: 5\n",
            "  suppress_below: 5\n  advice_wanted_days_before: 28\n",
        ),
    )
    .expect("write");
    let out = run_at(
        dir.path(),
        AS_OF,
        &["letter", "advice-request", "samuel-adeyemi", "--out", "-"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("by **23 December 2026**"));
    // Outside 1 to 90: a `schema` finding.
    fs::write(
        &school,
        text0.replace(
            "  suppress_below: 5\n",
            "  suppress_below: 5\n  advice_wanted_days_before: 0\n",
        ),
    )
    .expect("write");
    let out = run_at(dir.path(), AS_OF, &["check"]);
    assert!(text(&out.stdout).contains("`advice_wanted_days_before` is 0, outside 1 to 90"));
}

#[test]
fn a_review_with_no_one_to_ask_is_an_error_that_says_what_to_record() {
    let out = run_at(
        Path::new(OAKFIELD),
        "2026-01-10",
        &["letter", "advice-request", "ruby-osei", "--out", "-"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("lists no one to ask for advice"));
    assert!(out.stdout.is_empty());
}

#[test]
fn due_writes_the_advice_requests_once() {
    let dir = oakfield_copy();
    let letters = dir.path().join("out/letters");
    // 23 December 2026: Sam's circulation (by 6 January) falls due within 14 days.
    let first = run_at(dir.path(), "2026-12-23", &["letter", "--due"]);
    let advice: BTreeSet<String> = files(&letters)
        .into_iter()
        .filter(|f| f.contains("advice-request"))
        .collect();
    assert_eq!(advice.len(), 4, "{advice:?}\n{}", text(&first.stderr));
    assert!(advice.iter().all(|f| f.starts_with("samuel-adeyemi/")));
    // A second run writes none of them again.
    let second = run_at(dir.path(), "2026-12-23", &["letter", "--due"]);
    assert!(
        !text(&second.stdout).contains("advice-request"),
        "{}",
        text(&second.stdout)
    );
    // Once the requests are recorded as sent, --due asks for no more, even with --force.
    let review = dir
        .path()
        .join("pupils/samuel-adeyemi/annual-reviews/2027-01-20.yaml");
    let t = fs::read_to_string(&review).expect("read");
    fs::write(
        &review,
        t.replace("advice_requested: null", "advice_requested: 2026-12-23"),
    )
    .expect("write");
    fs::remove_dir_all(&letters).expect("clean");
    let third = run_at(dir.path(), "2026-12-24", &["letter", "--due", "--force"]);
    assert!(
        !files(&letters).iter().any(|f| f.contains("advice-request")),
        "{}",
        text(&third.stdout)
    );
    // Named, the letters are still written (a SENCO may send them again).
    let named = run_at(
        dir.path(),
        "2026-12-24",
        &["letter", "advice-request", "samuel-adeyemi", "--out", "-"],
    );
    assert_eq!(text(&named.stdout).matches("Dear ").count(), 4);
}

/// The (summary, start, uid) of each calendar event about a pupil's annual review steps.
fn prep_events(ics: &str, who: &str) -> Vec<(String, String, String)> {
    let unfolded = ics.replace("\r\n ", "").replace("\r\n", "\n");
    unfolded
        .split("BEGIN:VEVENT")
        .skip(1)
        .filter_map(|e| {
            let get = |k: &str| {
                e.lines()
                    .find_map(|l| l.strip_prefix(k))
                    .map(str::to_string)
                    .unwrap_or_default()
            };
            let summary = get("SUMMARY:");
            (summary.starts_with(&format!("{who}: Annual review: "))
                || summary == format!("{who}: Annual review meeting"))
            .then(|| (summary, get("DTSTART;VALUE=DATE:"), get("UID:")))
        })
        .collect()
}

#[test]
fn the_calendar_gives_each_scheduled_review_its_preparation_dates_with_stable_uids() {
    let out = run_at(Path::new(OAKFIELD), AS_OF, &["calendar"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ics = text(&out.stdout);
    let sam = prep_events(&ics, "Sam Adeyemi");
    let days: Vec<(&str, &str)> = sam
        .iter()
        .map(|(s, d, _)| (s.as_str(), d.as_str()))
        .collect();
    assert_eq!(
        days,
        [
            // 20 January 2027 - 21 - 21 days
            ("Sam Adeyemi: Annual review: ask for advice", "20261209"),
            (
                "Sam Adeyemi: Annual review: invitations and advice out",
                "20270106"
            ),
            ("Sam Adeyemi: Annual review meeting", "20270120"),
            ("Sam Adeyemi: Annual review: report out", "20270203"),
        ]
    );
    // Held reviews have no preparation events; Freya's scheduled one does.
    assert!(prep_events(&ics, "Ruby Osei").is_empty());
    assert_eq!(prep_events(&ics, "Freya Morgan").len(), 4);
    // A week later the same events keep their UIDs (and the file is otherwise the same
    // computation), so a subscribed calendar updates them in place.
    let later = text(&run_at(Path::new(OAKFIELD), "2026-11-30", &["calendar"]).stdout);
    assert_eq!(prep_events(&later, "Sam Adeyemi"), sam);
    let uids: BTreeSet<&String> = sam.iter().map(|(_, _, u)| u).collect();
    assert_eq!(uids.len(), 4);
    // After the meeting, none.
    let after = text(&run_at(Path::new(OAKFIELD), "2027-01-20", &["calendar"]).stdout);
    assert!(prep_events(&after, "Sam Adeyemi").is_empty());
}
