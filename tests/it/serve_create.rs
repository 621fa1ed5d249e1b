//! `sen serve`'s forms that create what `sen new` creates, over HTTP: each writes the bytes
//! the command line writes for the same inputs; a form that would write an invalid record
//! shows the finding beside its field and writes nothing; forged, read-only and escaping
//! requests write nothing.

use crate::common;

use common::serve::{self, Server};
use common::{AS_OF, OAKFIELD, copy_dir, tree};
use std::path::{Path, PathBuf};

fn school() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("oakfield school");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join(OAKFIELD), &root);
    (dir, root)
}

/// POST a form as its page sends it, with the page's anti-forgery token.
fn submit(s: &Server, page: &str, fields: &[(&str, &str)]) -> serve::Reply {
    let csrf = s.csrf(page);
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    s.post(page, &form)
}

/// The file a form wrote, from where it sent the browser.
fn written(r: &serve::Reply) -> String {
    assert_eq!(r.status, 303, "{}", r.unescaped());
    let to = r.header("location").expect("a redirect").to_string();
    let rel = to.split("?written=").nth(1).expect("written=");
    serve::unescape(&rel.replace("%2F", "/"))
}

/// A form's page, what it is sent, and the `sen new` arguments for the same.
type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Vec<&'a str>);

#[test]
fn each_form_writes_the_bytes_sen_new_writes() {
    let (_a, web) = school();
    let (_b, cli) = school();
    let s = serve::start(&web, AS_OF, &[]);
    let cases: Vec<Case> = vec![
        (
            "/new/pupil",
            vec![
                ("name.given", "Zoë"),
                ("name.family", "O'Brien"),
                ("id", ""),
                ("dob", "2017-03-14"),
                ("sen.since", AS_OF),
                ("sen.status", "K"),
                ("sen.primary_need", "NSA"),
                ("sen.secondary_need", ""),
            ],
            vec![
                "new",
                "pupil",
                "zoe-obrien",
                "--given",
                "Zoë",
                "--family",
                "O'Brien",
                "--dob",
                "2017-03-14",
            ],
        ),
        (
            "/pupils/amara-okafor/new/cycle",
            vec![("started", "2026-11-30"), ("plan.review_due", "")],
            vec!["new", "cycle", "amara-okafor", "--date", "2026-11-30"],
        ),
        (
            "/pupils/amara-okafor/new/meeting",
            vec![("date", "2026-12-01")],
            vec!["new", "meeting", "amara-okafor", "--date", "2026-12-01"],
        ),
        (
            "/pupils/freya-morgan/new/annual-review",
            vec![("meeting", "2027-05-12")],
            vec![
                "new",
                "annual-review",
                "freya-morgan",
                "--meeting",
                "2027-05-12",
            ],
        ),
        (
            "/pupils/amara-okafor/new/ehcp",
            vec![("local_authority", "Salford"), ("assessment.requested", "")],
            vec!["new", "ehcp", "amara-okafor"],
        ),
    ];
    for (page, form, args) in cases {
        let r = submit(&s, page, &form);
        let rel = written(&r);
        let out = common::run(&cli, &args);
        let printed = common::stdout(&out);
        assert!(printed.trim_end().ends_with(&rel), "{printed} vs {rel}");
        let a = std::fs::read(web.join(&rel)).expect("the form wrote");
        let b = std::fs::read(cli.join(&rel)).expect("sen new wrote");
        assert_eq!(
            String::from_utf8_lossy(&a),
            String::from_utf8_lossy(&b),
            "{page}"
        );
        // The pupil's page shows the file written and its findings now.
        let to = r.header("location").unwrap().to_string();
        let page = s.get(&to).unescaped();
        assert!(page.contains("Written: "), "{page}");
        assert!(page.contains(&rel), "{page}");
    }
    // The new pupil is on the register, and the notification to parents is now to do.
    let register = s.get("/register").unescaped();
    assert!(register.contains("O'Brien, Zoë"), "{register}");
    let zoe = s.get("/pupils/zoe-obrien?written=pupils%2Fzoe-obrien%2Fpupil.yaml");
    assert!(zoe.unescaped().contains("What sen check says about it now"));
    assert_eq!(tree(&web), tree(&cli), "the two schools differ");
}

#[test]
fn a_cycle_takes_outcomes_and_provision_from_the_catalogue_and_checks_clean() {
    let (_a, root) = school();
    let s = serve::start(&root, AS_OF, &[]);
    let page = s.get("/pupils/amara-okafor/new/cycle").unescaped();
    // Fields named by their keys, with the schema's help, dates as pickers, the catalogue
    // as choices in words.
    for key in [
        "name=\"started\"",
        "name=\"plan.review_due\"",
        "name=\"plan.outcomes.id\"",
        "name=\"plan.provision\"",
        "type=\"date\"",
        "When the plan is to be reviewed",
        "<option value=\"lexia\"",
        "Lexia",
    ] {
        assert!(page.contains(key), "{key} not on the form: {page}");
    }
    let r = submit(
        &s,
        "/pupils/amara-okafor/new/cycle",
        &[
            ("started", "2026-11-30"),
            ("plan.review_due", "2027-01-22"),
            ("plan.outcomes.id", "reading"),
            (
                "plan.outcomes.outcome",
                "Reads a Year 5 text at 90 words a minute",
            ),
            (
                "plan.outcomes.measure",
                "Timed reading, weekly: \"cold\" text",
            ),
            ("plan.outcomes.id", ""),
            ("plan.outcomes.outcome", ""),
            ("plan.outcomes.measure", ""),
            ("plan.provision", "lexia"),
            ("plan.provision", "precision-teaching"),
            ("plan.provision", ""),
        ],
    );
    let rel = written(&r);
    assert_eq!(rel, "pupils/amara-okafor/cycles/2026-11-30.yaml");
    let text = std::fs::read_to_string(root.join(&rel)).unwrap();
    assert!(
        text.contains("    - { id: reading, outcome: \"Reads a Year 5 text at 90 words a minute\", measure: \"Timed reading, weekly: \\\"cold\\\" text\" }\n"),
        "{text}"
    );
    assert!(text.contains("    - { ref: lexia }\n    - { ref: precision-teaching }\n"));
    assert!(text.contains("  review_due: 2027-01-22 "), "{text}");
    // sen check agrees: nothing invalid in it.
    let out = common::run(&root, &["check", "--format", "json"]);
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(json.contains("amara-okafor"), "{json}");
    assert!(
        !json.contains(&format!("\"file\":\"{rel}\"")) || !json.contains("\"invalid\""),
        "{json}"
    );
    let page = s.get(r.header("location").unwrap()).unescaped();
    assert!(!page.contains("Needs correcting"), "{page}");
}

#[test]
fn an_invalid_form_writes_nothing_and_shows_the_finding_beside_its_field() {
    let (_a, root) = school();
    let s = serve::start(&root, AS_OF, &[]);
    let before = tree(&root);
    // A review before the start, and an outcome without an id.
    let r = submit(
        &s,
        "/pupils/amara-okafor/new/cycle",
        &[
            ("started", "2026-11-30"),
            ("plan.review_due", "2026-11-01"),
            ("plan.outcomes.id", ""),
            ("plan.outcomes.outcome", "Writes three sentences unaided"),
            ("plan.outcomes.measure", ""),
            ("plan.provision", "lexia"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.unescaped());
    let page = r.unescaped();
    assert!(page.contains("Nothing was written"), "{page}");
    // The summary names the fields to correct, each a link to its field.
    assert!(page.contains("href=\"#k-plan.review_due\""), "{page}");
    assert!(page.contains("id=\"k-plan.outcomes\""), "{page}");
    let field = |name: &str| {
        let at = page
            .find(&format!("<code class=\"key\">{name}</code>"))
            .unwrap_or_else(|| panic!("no field {name}"));
        let end = page[at..].find("</div>").unwrap() + at;
        page[at..end].to_string()
    };
    let review = field("plan.review_due");
    assert!(
        review.contains("pupils/amara-okafor/cycles/2026-11-30.yaml, line"),
        "{review}"
    );
    assert!(review.contains("field-note"), "{review}");
    let outcomes = field("plan.outcomes");
    assert!(outcomes.contains("field-note"), "{outcomes}");
    assert!(outcomes.contains("id"), "{outcomes}");
    // What was typed is kept.
    assert!(page.contains("Writes three sentences unaided"));
    assert_eq!(tree(&root), before, "an invalid form wrote");

    // A pupil born after their SEN support started: the command line's refusal, beside
    // the date of birth; and a missing name.
    let r = submit(
        &s,
        "/new/pupil",
        &[
            ("name.given", "Nia"),
            ("name.family", ""),
            ("dob", "2017-03-14"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(field_in(&r.unescaped(), "name.family").contains("Give the family name"));
    let r = submit(
        &s,
        "/new/pupil",
        &[
            ("name.given", "Nia"),
            ("name.family", "Evans"),
            ("dob", "2026-11-20"),
            ("sen.since", "2026-11-01"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(
        field_in(&r.unescaped(), "dob").contains("is after the date SEN provision starts"),
        "{}",
        r.unescaped()
    );
    // An EHC plan pupil with no ehcp.yaml is invalid in sen check: shown, not written.
    let r = submit(
        &s,
        "/new/pupil",
        &[
            ("name.given", "Nia"),
            ("name.family", "Evans"),
            ("dob", "2017-03-14"),
            ("sen.status", "E"),
            ("sen.primary_need", "SLCN"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.unescaped());
    assert!(r.unescaped().contains("pupils/nia-evans/pupil.yaml, line"));
    // A code that is not one of the choices (a forged select).
    let r = submit(
        &s,
        "/new/pupil",
        &[
            ("name.given", "Nia"),
            ("name.family", "Evans"),
            ("dob", "2017-03-14"),
            ("sen.primary_need", "XYZ"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(field_in(&r.unescaped(), "sen.primary_need").contains("not one of the choices"));
    // A ref the catalogue does not hold (a forged select).
    let r = submit(
        &s,
        "/pupils/amara-okafor/new/cycle",
        &[("started", "2026-11-30"), ("plan.provision", "no-such")],
    );
    assert_eq!(r.status, 422);
    assert!(field_in(&r.unescaped(), "plan.provision").contains("no-such"));
    // A file that is there already: refused, as sen new refuses.
    let r = submit(
        &s,
        "/pupils/amara-okafor/new/cycle",
        &[("started", "2026-09-15")],
    );
    assert_eq!(r.status, 422);
    assert!(field_in(&r.unescaped(), "started").contains("already exists"));
    assert_eq!(tree(&root), before, "a refused form wrote");
}

fn field_in(page: &str, name: &str) -> String {
    let at = page
        .find(&format!("<code class=\"key\">{name}</code>"))
        .unwrap_or_else(|| panic!("no field {name} in {page}"));
    let end = page[at..].find("</div>").unwrap() + at;
    page[at..end].to_string()
}

#[test]
fn a_forged_post_writes_nothing() {
    let (_a, root) = school();
    let s = serve::start(&root, AS_OF, &[]);
    let before = tree(&root);
    let csrf = s.csrf("/new/pupil");
    let body = serve::encode(&[
        ("csrf", &csrf),
        ("name.given", "Nia"),
        ("name.family", "Evans"),
        ("dob", "2017-03-14"),
    ]);
    let cookie = s.cookie();
    let host = s.host();
    let form = ("Content-Type", "application/x-www-form-urlencoded");
    for (path, origin) in [
        ("/new/pupil", "http://evil.example"),
        ("/new/pupil", "null"),
        ("/pupils/amara-okafor/new/meeting", "http://evil.example"),
    ] {
        let h = [
            ("Host", host.as_str()),
            ("Cookie", &cookie),
            ("Origin", origin),
            form,
        ];
        let r = s.raw("POST", path, &h, body.as_bytes());
        assert_eq!(r.status, 403, "{path} from {origin}");
    }
    // No token, or a wrong one, from this very origin.
    for fields in [
        vec![
            ("name.given", "Nia"),
            ("name.family", "Evans"),
            ("dob", "2017-03-14"),
        ],
        vec![
            ("csrf", "00"),
            ("name.given", "Nia"),
            ("name.family", "Evans"),
            ("dob", "2017-03-14"),
        ],
    ] {
        let r = s.post("/new/pupil", &fields);
        assert_eq!(r.status, 403);
    }
    assert_eq!(tree(&root), before, "a forged form wrote");
}

#[test]
fn read_only_shows_no_form_and_refuses_the_posts() {
    let (_a, root) = school();
    let s = serve::start(&root, AS_OF, &["--read-only"]);
    let before = tree(&root);
    assert!(!s.get("/register").unescaped().contains("/new/pupil"));
    let pupil = s.get("/pupils/amara-okafor").unescaped();
    assert!(!pupil.contains("/new/"), "{pupil}");
    for page in [
        "/new/pupil",
        "/pupils/amara-okafor/new/cycle",
        "/pupils/amara-okafor/new/meeting",
        "/pupils/freya-morgan/new/annual-review",
        "/pupils/amara-okafor/new/ehcp",
    ] {
        let r = s.get(page);
        assert_eq!(r.status, 403, "{page}");
        assert!(!r.text().contains("method=\"post\""), "{page}");
        assert!(r.unescaped().contains("read-only"), "{page}");
        // A token the server would take were it not read-only.
        let other = serve::start(&root, AS_OF, &[]);
        let csrf = other.csrf("/letters");
        drop(other);
        let r = s.post(page, &[("csrf", &csrf), ("date", "2026-12-01")]);
        assert_eq!(r.status, 403, "{page}");
    }
    assert_eq!(tree(&root), before, "read-only wrote");
    // Not read-only: the links are there.
    let s = serve::start(&root, AS_OF, &[]);
    assert!(
        s.get("/register")
            .unescaped()
            .contains("href=\"/new/pupil\"")
    );
    let pupil = s.get("/pupils/amara-okafor").unescaped();
    assert!(pupil.contains("/pupils/amara-okafor/new/cycle"), "{pupil}");
}

#[test]
fn a_pupil_id_that_would_escape_the_records_or_go_through_a_link_is_refused() {
    let (dir, root) = school();
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&outside, root.join("pupils/linked")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("pupils/amara-okafor/meetings-link"))
            .unwrap();
        // A pupil whose meetings folder is a link out of the records.
        std::fs::remove_dir_all(root.join("pupils/kai-thompson/meetings")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("pupils/kai-thompson/meetings")).unwrap();
    }
    let s = serve::start(&root, AS_OF, &[]);
    let before = tree(&root);
    for id in [
        "../escaped",
        "a/b",
        ".hidden",
        "linked",
        "..",
        "Amara Okafor",
    ] {
        let r = submit(
            &s,
            "/new/pupil",
            &[
                ("id", id),
                ("name.given", "Nia"),
                ("name.family", "Evans"),
                ("dob", "2017-03-14"),
            ],
        );
        assert_eq!(r.status, 422, "{id}: {}", r.unescaped());
        assert!(
            field_in(&r.unescaped(), "id").contains("field-note")
                || r.unescaped().contains("symbolic link"),
            "{id}"
        );
    }
    for page in [
        "/pupils/linked/new/cycle",
        "/pupils/..%2F..%2Foutside/new/meeting",
        "/pupils/no-such-pupil/new/meeting",
        "/pupils/amara-okafor/new/pupil",
        "/pupils/amara-okafor/new/notes",
    ] {
        let r = s.get(page);
        assert_eq!(r.status, 404, "{page}");
    }
    let csrf = s.csrf("/new/pupil");
    let r = s.post(
        "/pupils/linked/new/meeting",
        &[("csrf", &csrf), ("date", "2026-12-01")],
    );
    assert_eq!(r.status, 404);
    // Through a linked meetings folder: refused by the one writer, shown, nothing written.
    let r = submit(
        &s,
        "/pupils/kai-thompson/new/meeting",
        &[("date", "2026-12-01")],
    );
    assert_eq!(r.status, 422, "{}", r.unescaped());
    assert!(r.unescaped().contains("symbolic link"), "{}", r.unescaped());
    assert_eq!(tree(&root), before, "an escaping form wrote");
    let there: Vec<_> = std::fs::read_dir(&outside).unwrap().collect();
    assert!(there.is_empty(), "written outside the records: {there:?}");
}
