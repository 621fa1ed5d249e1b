//! `sen report` over the example school and small hand-made records: snapshots of each
//! report, the privacy of the public report, the provision map's arithmetic by hand, and
//! the documented errors that write nothing.

use std::fs;
use std::path::Path;

use crate::common;

use common::{AS_OF, OAKFIELD, oakfield_copy, sen, tree};

fn report(root: &Path, args: &[&str]) -> std::process::Output {
    sen()
        .arg("--records")
        .arg(root)
        .args(["--as-of", AS_OF, "report"])
        .args(args)
        .output()
        .expect("runs")
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8")
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8")
}

#[test]
fn information_report_snapshot_markdown_and_html() {
    let md = report(Path::new(OAKFIELD), &["information"]);
    assert!(md.status.success(), "{}", stderr(&md));
    insta::assert_snapshot!("oakfield_information_md", stdout(&md));
    let html = report(Path::new(OAKFIELD), &["information", "--format", "html"]);
    assert!(html.status.success(), "{}", stderr(&html));
    insta::assert_snapshot!("oakfield_information_html", stdout(&html));
}

#[test]
fn register_snapshot_markdown_and_html() {
    let md = report(Path::new(OAKFIELD), &["register"]);
    assert!(md.status.success(), "{}", stderr(&md));
    insta::assert_snapshot!("oakfield_register_md", stdout(&md));
    let html = report(Path::new(OAKFIELD), &["register", "--format", "html"]);
    insta::assert_snapshot!("oakfield_register_html", stdout(&html));
}

#[test]
fn provision_map_snapshot_markdown_and_html() {
    let md = report(Path::new(OAKFIELD), &["provision-map"]);
    assert!(md.status.success(), "{}", stderr(&md));
    insta::assert_snapshot!("oakfield_provision_map_md", stdout(&md));
    let html = report(Path::new(OAKFIELD), &["provision-map", "--format", "html"]);
    insta::assert_snapshot!("oakfield_provision_map_html", stdout(&html));
}

#[test]
fn register_filters_by_year_and_sorts_by_name() {
    let md = stdout(&report(
        Path::new(OAKFIELD),
        &["register", "--year", "4", "--sort", "name"],
    ));
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Pupil") && !l.starts_with("| ---"))
        .collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.contains("| Year 4 |")), "{rows:?}");
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r.split(" | ").next().unwrap_or(""))
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}

/// Each pupil of the example school: (full name, family name, UPN, dob ISO, dob UK).
fn pupils(root: &Path) -> Vec<(String, Option<String>, String, String)> {
    let as_of = sen::dates::parse(AS_OF).expect("date");
    let loaded = sen::load::load(root, as_of);
    loaded
        .records
        .pupils
        .iter()
        .filter_map(|f| f.pupil.as_ref())
        .map(|p| {
            (
                format!("{} {}", p.given, p.family),
                p.upn.clone(),
                sen::dates::iso(p.dob),
                sen::dates::uk(p.dob),
            )
        })
        .collect()
}

#[test]
fn information_report_names_no_pupil_and_shows_no_small_count() {
    let out = report(Path::new(OAKFIELD), &["information"]);
    let text = stdout(&out);
    let all = pupils(Path::new(OAKFIELD));
    assert!(all.len() >= 10);
    for (name, upn, dob_iso, dob_uk) in &all {
        assert!(!text.contains(name.as_str()), "names {name}");
        if let Some(u) = upn {
            assert!(!text.contains(u.as_str()), "shows UPN {u}");
        }
        assert!(!text.contains(dob_iso.as_str()), "shows dob {dob_iso}");
        assert!(!text.contains(dob_uk.as_str()), "shows dob {dob_uk}");
    }
    // Every count in the SEN in numbers tables is 0, at least 5, "fewer than 5" or
    // "withheld".
    let numbers = text
        .split("## SEN in numbers")
        .nth(1)
        .and_then(|t| t.split("\n## ").next())
        .expect("numbers section");
    let mut cells = 0;
    for line in numbers
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| ---"))
    {
        let last = line
            .trim_end_matches('|')
            .rsplit('|')
            .next()
            .unwrap_or("")
            .trim();
        let last = last.trim_matches('*');
        if last == "Pupils" {
            continue;
        }
        cells += 1;
        match last.parse::<u32>() {
            Ok(n) => assert!(n == 0 || n >= 5, "a small count is shown: {line}"),
            Err(_) => assert!(
                last == "fewer than 5" || last == "withheld",
                "unexpected cell {last:?}"
            ),
        }
    }
    // The total of 12 is shown (cli.md 0.3: a total of suppress_below or more always is).
    assert_eq!(
        cells, 8,
        "two statuses, the total and five areas:\n{numbers}"
    );
}

/// A school.yaml with every statutory section written except `missing`.
fn school_yaml(missing: &[&str], extra: &str) -> String {
    let mut s = String::from(
        "school:\n  name: Elm Tree Primary School\n  address: [\"2 Elm Road\", \"Leeds\", \"LS1 1AA\"]\nsenco:\n  name: Mr Dev Patel\n  email: senco@elmtree.example.org\n  qualified_teacher: true\n  appointed: 2023-09-01\n  national_award: 2024-07-01\nlocal_offer: https://www.example.gov.uk/offer\niass:\n  name: Leeds SENDIASS\n  phone: \"0113 000 0000\"\n",
    );
    s.push_str(extra);
    s.push_str("information_report:\n  published: 2026-07-01\n  sections:\n");
    for sec in sen::model::SECTIONS {
        if missing.contains(&sec.key) {
            continue;
        }
        s.push_str(&format!(
            "    {}: Our words about {}.\n",
            sec.key,
            sec.title.to_lowercase()
        ));
    }
    s
}

#[test]
fn a_missing_section_is_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(
        dir.path().join("school.yaml"),
        school_yaml(&["complaints", "looked_after_children"], ""),
    )
    .expect("write");
    fs::create_dir(dir.path().join("pupils")).expect("mkdir");
    let before = tree(dir.path());
    let target = dir.path().join("out/information.md");
    let out = report(
        dir.path(),
        &["information", "--out", target.to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("`information_report.sections.complaints`"),
        "{err}"
    );
    assert!(
        err.contains("`information_report.sections.looked_after_children`"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!target.exists());
    assert!(!dir.path().join("out").exists());
    assert_eq!(before, tree(dir.path()));
}

#[test]
fn a_template_typo_shows_the_template_line_and_nothing_is_written() {
    let dir = oakfield_copy();
    fs::create_dir_all(dir.path().join("templates")).expect("mkdir");
    fs::write(
        dir.path().join("templates/information.md.j2"),
        "# {{ school.name }}\n\nPublished {{ published | uk_date }}\n{{ school.senco.nmae }}\n",
    )
    .expect("write");
    let target = dir.path().join("out/information.md");
    let out = report(
        dir.path(),
        &["information", "--out", target.to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("template `information.md.j2` line 4"), "{err}");
    assert!(err.contains("undefined"), "{err}");
    assert!(!target.exists());
}

#[test]
fn a_school_template_overrides_the_built_in_one_file_at_a_time() {
    let dir = oakfield_copy();
    fs::create_dir_all(dir.path().join("templates")).expect("mkdir");
    fs::write(
        dir.path().join("templates/_report_head.md.j2"),
        "OUR OWN HEADER for {{ school.name }}\n\n",
    )
    .expect("write");
    let out = stdout(&report(dir.path(), &["information"]));
    assert!(out.contains("OUR OWN HEADER for Oakfield Primary School"));
    assert!(
        out.contains("## Concerns and complaints"),
        "the rest is built in"
    );
    let one_off = dir.path().join("one.md.j2");
    fs::write(
        &one_off,
        "{{ numbers.by_status[0].label }}: {{ numbers.by_status[0].shown }}\n",
    )
    .expect("write");
    let out = stdout(&report(
        dir.path(),
        &[
            "information",
            "--template",
            one_off.to_str().expect("utf-8"),
        ],
    ));
    // 8 on SEN support beside "fewer than 5" EHC plans and the total of 12: withheld.
    assert_eq!(out, "SEN support: withheld\n");
}

#[test]
fn record_text_cannot_inject_markup_into_html() {
    let dir = tempfile::tempdir().expect("tempdir");
    let yaml = school_yaml(&["complaints"], "")
        + "    complaints: \"Ask us. <script>alert('x')</script> and <img src=x onerror=alert(1)> [c](javascript:alert(1))\"\n";
    fs::write(dir.path().join("school.yaml"), yaml).expect("write");
    fs::create_dir(dir.path().join("pupils")).expect("mkdir");
    let out = report(dir.path(), &["information", "--format", "html"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = stdout(&out);
    assert!(!html.contains("<script>"));
    assert!(!html.contains("<img"));
    assert!(!html.contains("href=\"javascript:"));
    assert!(html.contains("&lt;script&gt;"));
}

#[test]
fn outputs_are_refused_inside_the_records_except_under_out() {
    let dir = oakfield_copy();
    let before = tree(dir.path());
    let bad = dir.path().join("pupils/amara-okafor/register.md");
    let out = report(
        dir.path(),
        &["register", "--out", bad.to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("refusing to write"));
    assert!(!bad.exists());
    assert_eq!(before, tree(dir.path()));
}

#[test]
fn writing_reports_leaves_the_records_byte_identical() {
    let dir = oakfield_copy();
    let before = tree(dir.path());
    for (kind, file) in [
        ("information", "out/information.html"),
        ("register", "out/register.md"),
        ("provision-map", "out/provision-map.md"),
    ] {
        let target = dir.path().join(file);
        let format = if file.ends_with("html") {
            "html"
        } else {
            "markdown"
        };
        let out = report(
            dir.path(),
            &[
                kind,
                "--format",
                format,
                "--out",
                target.to_str().expect("utf-8"),
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(target.is_file());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&target).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }
    assert_eq!(before, tree(dir.path()));
}

/// A small provision case worked by hand: a catalogue group of four and a provision
/// described in place, in a cycle agreed mid-period, with a half-term holiday.
#[test]
fn provision_map_arithmetic_by_hand() {
    let dir = tempfile::tempdir().expect("tempdir");
    let extra = "terms:\n  - { name: Autumn 1, start: 2026-09-03, end: 2026-10-23 }\n  - { name: Autumn 2, start: 2026-11-02, end: 2026-12-18 }\nprovisions:\n  - { id: maths-group, name: Maths group, area: cognition-and-learning, staff: teaching assistant, group_size: 4, sessions_per_week: 3, minutes_per_session: 30, cost_per_hour: 17.20 }\n";
    fs::write(dir.path().join("school.yaml"), school_yaml(&[], extra)).expect("write");
    let p = dir.path().join("pupils/nia-brook");
    fs::create_dir_all(p.join("cycles")).expect("mkdir");
    fs::write(
        p.join("pupil.yaml"),
        "name: { given: Nia, family: Brook }\ndob: 2018-05-02\nsen:\n  status: K\n  since: 2026-09-07\n  parents_notified: 2026-09-08\n  primary_need: MLD\ncontacts:\n  - { name: Ms Lena Brook, parental_responsibility: true }\n",
    )
    .expect("write");
    fs::write(
        p.join("cycles/2026-10-05.yaml"),
        "started: 2026-10-05\nplan:\n  agreed: 2026-10-12\n  outcomes:\n    - { id: number, outcome: Counts to 100 }\n  provision:\n    - { ref: maths-group }\n    - { name: Reading pre-teach, staff: teaching assistant, group_size: 1, sessions_per_week: 2, minutes_per_session: 15, cost_per_hour: 18.37 }\n  review_due: 2026-12-07\n",
    )
    .expect("write");
    let as_of = sen::dates::parse(AS_OF).expect("date");
    let loaded = sen::load::load(dir.path(), as_of);
    assert!(loaded.findings.is_empty(), "{:?}", loaded.findings);
    let view = sen::reports::provision_map(
        &loaded.records,
        as_of,
        sen::dates::parse("2026-09-01").expect("date"),
        as_of,
    );
    assert_eq!(view.pupils.len(), 1);
    let lines = &view.pupils[0].lines;
    // Runs 12 October (agreed) to 23 November (as-of): 12 term days to 23 October, then
    // 22 from 2 November, after half term: 34 days.
    assert_eq!(lines[0].term_days, 34);
    // Maths group: £17.20 x 3 x 30 / 60 / 4 = £6.45 a week; x 34 / 7 = £31.328... -> £31.33.
    assert_eq!(lines[0].weekly_cost, 645);
    assert_eq!(lines[0].cost, 3133);
    // In place: £18.37 x 2 x 15 / 60 = £9.185 a week (shown £9.19); x 34 / 7 = £44.6128...
    // -> £44.61, rounded once from the exact weekly cost, not from £9.19 (which gives £44.64).
    assert_eq!(lines[1].weekly_cost, 919);
    assert_eq!(lines[1].cost, 4461);
    assert_eq!(view.pupils[0].total, 3133 + 4461);
    assert_eq!(view.total, 7594);
    // 39 weeks of current provision: £251.55 + £358.215 -> £358.22 = £609.77: no top-up.
    assert_eq!(view.pupils[0].current_year_cost, 25155 + 35822);
    assert!(!view.pupils[0].top_up);
    let by_area: Vec<(&str, i64)> = view
        .by_area
        .iter()
        .map(|t| (t.label.as_str(), t.cost))
        .collect();
    // The in-place provision has no area: it counts under the pupil's primary need (MLD).
    assert_eq!(by_area, vec![("Cognition and learning", 7594)]);

    let md = stdout(&report(
        dir.path(),
        &["provision-map", "--from", "2026-09-01"],
    ));
    assert!(
        md.contains(
            "| Maths group | Cognition and learning | teaching assistant | 4 | 1.50 | £6.45 |"
        ),
        "{md}"
    );
    assert!(md.contains("**Total: £75.94**"), "{md}");
    // Before the plan was agreed nothing ran.
    let early = stdout(&report(
        dir.path(),
        &[
            "provision-map",
            "--from",
            "2026-09-01",
            "--to",
            "2026-10-11",
        ],
    ));
    assert!(early.contains("**Total: £0.00**"), "{early}");
}

#[test]
fn a_pupil_over_six_thousand_pounds_a_year_is_marked_for_top_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("school.yaml"), school_yaml(&[], "")).expect("write");
    let p = dir.path().join("pupils/olu-ade");
    fs::create_dir_all(p.join("cycles")).expect("mkdir");
    fs::write(
        p.join("pupil.yaml"),
        "name: { given: Olu, family: Ade }\ndob: 2018-05-02\nsen:\n  status: K\n  since: 2026-09-07\n  primary_need: SEMH\n",
    )
    .expect("write");
    // £20 x 5 x 60 / 60 = £100 a week; 39 weeks = £3,900: under. Then £20.52 x 5 x 60 / 60
    // x 39 = £4,001.40, both together £7,901.40: over.
    fs::write(
        p.join("cycles/a.yaml"),
        "started: 2026-09-07\nplan:\n  provision:\n    - { name: A, group_size: 1, sessions_per_week: 5, minutes_per_session: 60, cost_per_hour: 20 }\n    - { name: B, group_size: 1, sessions_per_week: 5, minutes_per_session: 60, cost_per_hour: 20.52 }\n  review_due: 2026-12-07\n",
    )
    .expect("write");
    let md = stdout(&report(dir.path(), &["provision-map"]));
    assert!(md.contains("(candidate for top-up funding)"), "{md}");
    assert!(md.contains("£7,901.40"), "{md}");
}

#[test]
fn the_help_lists_every_report_of_the_table_in_its_order() {
    use clap::ValueEnum;
    let out = sen().args(["report", "--help"]).output().expect("run sen");
    let help = String::from_utf8_lossy(&out.stdout);
    let line = help
        .lines()
        .find(|l| l.trim_start().starts_with("[KIND]"))
        .unwrap_or_else(|| panic!("no KIND in the help:\n{help}"));
    let listed = line
        .split("[possible values: ")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .expect("possible values");
    let table: Vec<String> = sen::reports::table::TABLE
        .iter()
        .map(|r| {
            r.kind
                .to_possible_value()
                .expect("a value")
                .get_name()
                .to_string()
        })
        .collect();
    assert_eq!(listed, table.join(", "));
    assert_eq!(table.len(), sen::cli::ReportKind::value_variants().len());
}
