//! `sen serve`'s forms that record what happened, over HTTP on a copy of the example
//! school: each changes only its keys (every other byte and comment kept); a stale form is
//! refused and shows both versions; a forged post, a link on the way, invalid input and
//! `--read-only` write nothing; a finding on home links to the form that resolves it.

use crate::common;

use common::serve::{self, Server};
use common::{AS_OF, OAKFIELD, copy_dir};
use std::path::{Path, PathBuf};

fn school() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("oakfield");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join(OAKFIELD), &root);
    (dir, root)
}

const CYCLE: &str = "pupils/amara-okafor/cycles/2026-09-15.yaml";
const ZAINAB: &str = "pupils/zainab-hussain/pupil.yaml";
const LEO_REVIEW: &str = "pupils/leo-santos/annual-reviews/2026-11-05.yaml";
const FILIP_MEETING: &str = "pupils/filip-kowalczyk/meetings/2026-10-29.yaml";

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).expect("read")
}

/// The form's page and the hidden fields it carries.
fn form(s: &Server, page: &str) -> (String, String, String) {
    let r = s.get(page);
    assert_eq!(r.status, 200, "{page}: {}", r.text());
    let text = r.unescaped();
    let hidden = |name: &str| {
        let pat = format!("name=\"{name}\" value=\"");
        let at = text
            .find(&pat)
            .unwrap_or_else(|| panic!("{page}: no {name}"));
        let rest = &text[at + pat.len()..];
        rest[..rest.find('"').expect("end")].to_string()
    };
    (text.clone(), hidden("csrf"), hidden("fingerprint"))
}

fn post(s: &Server, page: &str, fields: &[(&str, &str)]) -> serve::Reply {
    let (_, csrf, fp) = form(s, page);
    let mut all = vec![("csrf", csrf.as_str()), ("fingerprint", fp.as_str())];
    all.extend_from_slice(fields);
    s.post(page, &all)
}

#[test]
fn a_review_recorded_adds_only_the_review_and_its_finding_leaves_home() {
    let (_d, root) = school();
    let before = read(&root, CYCLE);
    let s = serve::start(&root, AS_OF, &[]);
    let page = format!("/record/review/{CYCLE}");
    // One click from the finding on home.
    let home = s.get("/").unescaped();
    assert!(
        home.contains(&format!("href=\"{page}\"")),
        "no link to the review form"
    );
    let (text, _, _) = form(&s, &page);
    for key in [
        "review.date",
        "review.parents_present",
        "review.outcomes.fluency",
        "review.outcomes.writing",
        "review.progress",
        "review.next",
    ] {
        assert!(text.contains(&format!("name=\"{key}\"")), "no field {key}");
    }
    assert!(text.contains("type=\"date\""));
    assert!(text.contains("less progress than expected (less-than-expected)"));
    assert!(text.contains("Reads a Year 3 text aloud at 70 words a minute"));
    let r = post(
        &s,
        &page,
        &[
            ("review.date", "2026-11-23"),
            ("review.parents_present", "true"),
            ("review.outcomes.fluency", "achieved"),
            ("review.outcomes.writing", "partly"),
            ("review.progress", "expected"),
            ("review.next", "new-cycle"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(r.header("location"), Some("/pupils/amara-okafor"));
    assert_eq!(
        read(&root, CYCLE),
        format!(
            "{before}review:\n  date: 2026-11-23\n  parents_present: true\n  outcomes:\n    fluency: achieved\n    writing: partly\n  progress: expected\n  next: new-cycle\n"
        )
    );
    let home = s.get("/").unescaped();
    assert!(!home.contains(&page), "the review finding is still on home");
    assert!(!home.contains("review of the cycle started 15 September 2026"));
}

#[test]
fn parents_notified_changes_one_value_and_keeps_its_comment() {
    let (_d, root) = school();
    let before = read(&root, ZAINAB);
    let s = serve::start(&root, AS_OF, &[]);
    let page = format!("/record/notified/{ZAINAB}");
    assert!(s.get("/").unescaped().contains(&format!("href=\"{page}\"")));
    let r = post(&s, &page, &[("sen.parents_notified", "2026-11-20")]);
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        read(&root, ZAINAB),
        before.replace(
            "parents_notified: null      # the letter",
            "parents_notified: 2026-11-20      # the letter"
        )
    );
    assert!(!s.get("/").unescaped().contains(&page));
}

#[test]
fn an_annual_reviews_report_and_decision_and_a_meetings_record_shared() {
    let (_d, root) = school();
    let before = read(&root, LEO_REVIEW);
    let s = serve::start(&root, AS_OF, &[]);
    let page = format!("/record/annual-review/{LEO_REVIEW}");
    let r = post(
        &s,
        &page,
        &[
            ("report_sent", "2026-11-19"),
            ("la_decision", "2026-11-23"),
            ("la_outcome", "amend"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        read(&root, LEO_REVIEW),
        before
            .replace("report_sent: null", "report_sent: 2026-11-19")
            .replace("la_decision: null", "la_decision: 2026-11-23")
            + "la_outcome: amend\n"
    );
    let before = read(&root, FILIP_MEETING);
    let page = format!("/record/shared/{FILIP_MEETING}");
    assert!(s.get("/").unescaped().contains(&format!("href=\"{page}\"")));
    let r = post(&s, &page, &[("shared_with_parents", "2026-11-20")]);
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        read(&root, FILIP_MEETING),
        before.replace(
            "shared_with_parents: null   # waiting",
            "shared_with_parents: 2026-11-20   # waiting"
        )
    );
}

#[test]
fn a_stale_form_is_refused_and_shows_both_versions() {
    let (_d, root) = school();
    let s = serve::start(&root, AS_OF, &[]);
    let page = format!("/record/notified/{ZAINAB}");
    let (_, csrf, fp) = form(&s, &page);
    // Meanwhile, in a text editor.
    let edited = read(&root, ZAINAB).replace(
        "class: 3 Birch",
        "class: 3 Birch   # moved to 3 Oak after half term?",
    );
    std::fs::write(root.join(ZAINAB), &edited).expect("write");
    let r = s.post(
        &page,
        &[
            ("csrf", &csrf),
            ("fingerprint", &fp),
            ("sen.parents_notified", "2026-11-20"),
        ],
    );
    assert_eq!(r.status, 409, "{}", r.text());
    let body = r.unescaped();
    assert!(body.contains("The file as it is now"));
    assert!(body.contains("moved to 3 Oak after half term?"));
    assert!(body.contains("What this form would write"));
    assert!(body.contains("parents_notified: 2026-11-20"));
    assert_eq!(read(&root, ZAINAB), edited, "a stale form wrote");
}

#[test]
fn forged_posts_links_and_invalid_input_write_nothing() {
    let (_d, root) = school();
    let before = read(&root, CYCLE);
    let s = serve::start(&root, AS_OF, &[]);
    let page = format!("/record/review/{CYCLE}");
    let (_, csrf, fp) = form(&s, &page);
    // No anti-forgery token, and a post from another site.
    let r = s.post(
        &page,
        &[
            ("fingerprint", &fp),
            ("review.date", "2026-11-23"),
            ("review.progress", "good"),
        ],
    );
    assert_eq!(r.status, 403);
    let body = serve::encode(&[
        ("csrf", &csrf),
        ("fingerprint", &fp),
        ("review.date", "2026-11-23"),
        ("review.progress", "good"),
    ]);
    let r = serve::request(
        s.port,
        "POST",
        &page,
        &[
            ("Host", &format!("127.0.0.1:{}", s.port)),
            ("Cookie", &s.cookie()),
            ("Origin", "http://evil.example"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        body.as_bytes(),
    );
    assert_eq!(r.status, 403);
    // A review without its date: `sen check` would find it invalid, so nothing is written
    // and the finding stands beside the form.
    let r = s.post(
        &page,
        &[
            ("csrf", &csrf),
            ("fingerprint", &fp),
            ("review.progress", "good"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.text());
    // Beside the field that fills it.
    let body = r.unescaped();
    let wrong = body
        .find("class=\"field wrong\"")
        .expect("a field marked wrong");
    let field = &body[wrong..wrong + body[wrong..].find("</div>").expect("end")];
    assert!(field.contains("name=\"review.date\""), "{field}");
    assert!(field.contains("missing required key `date`"), "{field}");
    // A day that is not in the calendar, and a code that is not one of the choices.
    let r = s.post(
        &page,
        &[
            ("csrf", &csrf),
            ("fingerprint", &fp),
            ("review.date", "2026-02-30"),
            ("review.progress", "good"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.unescaped().contains("`2026-02-30` is not a date"));
    let r = s.post(
        &page,
        &[
            ("csrf", &csrf),
            ("fingerprint", &fp),
            ("review.date", "2026-11-23"),
            ("review.progress", "great"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.unescaped().contains("`great` is not one of the choices"));
    // A review dated before the cycle began: a `dates` finding of `sen check`.
    let r = s.post(
        &page,
        &[
            ("csrf", &csrf),
            ("fingerprint", &fp),
            ("review.date", "2026-09-01"),
            ("review.progress", "good"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(read(&root, CYCLE), before, "something was written");
}

#[test]
fn a_link_on_the_way_is_refused_and_nothing_behind_it_changes() {
    #[cfg(unix)]
    {
        let (_d, root) = school();
        let outside = tempfile::tempdir().expect("tempdir");
        let target = outside.path().join("pupil.yaml");
        let text = read(&root, ZAINAB);
        std::fs::write(&target, &text).expect("write");
        let linked = root.join("pupils/zainab-hussain/pupil.yaml");
        std::fs::remove_file(&linked).expect("remove");
        std::os::unix::fs::symlink(&target, &linked).expect("link");
        let s = serve::start(&root, AS_OF, &[]);
        let page = format!("/record/notified/{ZAINAB}");
        let r = s.get(&page);
        assert!(
            !r.text().contains("name=\"fingerprint\""),
            "a form through a link"
        );
        let csrf = s.csrf("/letters");
        let fp = sen::write::fingerprint(text.as_bytes());
        let r = s.post(
            &page,
            &[
                ("csrf", &csrf),
                ("fingerprint", &fp),
                ("sen.parents_notified", "2026-11-20"),
            ],
        );
        assert_ne!(r.status, 303, "{}", r.text());
        assert!(r.text().contains("symbolic link"), "{}", r.text());
        assert_eq!(std::fs::read_to_string(&target).expect("read"), text);
    }
}

#[test]
fn read_only_shows_no_form_and_refuses_the_post() {
    let (_d, root) = school();
    let before = read(&root, ZAINAB);
    let s = serve::start(&root, AS_OF, &["--read-only"]);
    let page = format!("/record/notified/{ZAINAB}");
    assert!(
        !s.get("/").unescaped().contains(&page),
        "a form link in read-only"
    );
    let r = s.get(&page);
    assert_eq!(r.status, 200);
    assert!(!r.text().contains("name=\"fingerprint\""));
    assert!(r.text().contains("read-only"));
    // `--read-only` refuses every post, whatever it carries.
    let csrf = "0".repeat(64);
    let fp = sen::write::fingerprint(before.as_bytes());
    let r = s.post(
        &page,
        &[
            ("csrf", &csrf),
            ("fingerprint", &fp),
            ("sen.parents_notified", "2026-11-20"),
        ],
    );
    assert_eq!(r.status, 403);
    assert_eq!(read(&root, ZAINAB), before);
}

#[test]
fn a_transfers_record_sent_changes_its_date_and_nothing_else() {
    let (_d, root) = school();
    let rel = "pupils/isla-mackenzie/pupil.yaml";
    let before = read(&root, rel);
    let s = serve::start(&root, AS_OF, &[]);
    let page = format!("/record/transfer/{rel}");
    let (text, _, _) = form(&s, &page);
    assert!(
        text.contains("value=\"2026-10-02\""),
        "the date now is not shown"
    );
    let r = post(&s, &page, &[("transfer.sen_record_sent", "2026-09-25")]);
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        read(&root, rel),
        before.replace(
            "sen_record_sent: 2026-10-02   # sent after",
            "sen_record_sent: 2026-09-25   # sent after"
        )
    );
    // Emptied: "not yet", written as records.md writes it.
    let r = post(&s, &page, &[("transfer.sen_record_sent", "")]);
    assert_eq!(r.status, 303, "{}", r.text());
    assert!(read(&root, rel).contains("  sen_record_sent: null   # sent after"));
}
