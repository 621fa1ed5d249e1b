//! `sen report inspection`: the school part, then each pupil asked for on a new page, in
//! Markdown, HTML and Word; it names no pupil but those asked for, and quotes the pupil
//! reports and the governors' figures exactly.

use crate::common;

use std::path::Path;

use common::{AS_OF, OAKFIELD, docx_outline, docx_part, run, sen, stdout};

struct Person {
    id: String,
    names: Vec<String>,
}

/// Every pupil of the example school with the strings that identify them: full name, the
/// name they go by with their family name, UPN and date of birth.
fn people() -> Vec<Person> {
    let as_of = sen::dates::parse(AS_OF).expect("date");
    sen::load::load(Path::new(OAKFIELD), as_of)
        .records
        .pupils
        .iter()
        .filter_map(|f| f.pupil.as_ref().map(|p| (f, p)))
        .map(|(f, p)| {
            let mut names = vec![
                format!("{} {}", p.given, p.family),
                format!("{} {}", p.known_as(), p.family),
                sen::dates::uk(p.dob),
            ];
            names.extend(p.upn.clone());
            Person {
                id: f.id.clone(),
                names,
            }
        })
        .collect()
}

fn inspection(ids: &[&str], format: &str) -> Vec<u8> {
    let mut args = vec!["report", "inspection"];
    args.extend(ids);
    args.extend(["--format", format]);
    if format == "docx" {
        args.extend(["--out", "-"]);
    }
    let out = run(Path::new(OAKFIELD), &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn it_names_exactly_the_pupils_asked_for_in_every_format() {
    let people = people();
    assert!(people.len() >= 12);
    for ids in [
        vec![],
        vec!["samuel-adeyemi"],
        vec!["amara-okafor", "freya-morgan"],
    ] {
        for format in ["markdown", "html", "docx"] {
            let bytes = inspection(&ids, format);
            let text = if format == "docx" {
                docx_part(&bytes, "word/document.xml")
            } else {
                String::from_utf8(bytes).expect("utf-8")
            };
            for p in &people {
                let asked = ids.contains(&p.id.as_str());
                // The full name is the one every format prints whole.
                assert_eq!(
                    text.contains(&p.names[0]),
                    asked,
                    "{format} {ids:?}: {}",
                    p.names[0]
                );
                if !asked {
                    for n in &p.names {
                        assert!(!text.contains(n.as_str()), "{format} {ids:?} holds {n}");
                    }
                }
            }
        }
    }
}

#[test]
fn each_pupil_is_their_pupil_report_on_a_new_page() {
    let md = String::from_utf8(inspection(&["samuel-adeyemi", "amara-okafor"], "markdown"))
        .expect("utf-8");
    let sam = stdout(&run(
        Path::new(OAKFIELD),
        &["report", "pupil", "samuel-adeyemi"],
    ));
    let amy = stdout(&run(
        Path::new(OAKFIELD),
        &["report", "pupil", "amara-okafor"],
    ));
    let school = stdout(&run(Path::new(OAKFIELD), &["report", "inspection"]));
    assert_eq!(md, format!("{school}\n---\n\n{sam}\n---\n\n{amy}"));
    // A pupil named twice is there once.
    let twice = String::from_utf8(inspection(
        &["samuel-adeyemi", "samuel-adeyemi"],
        "markdown",
    ))
    .expect("utf-8");
    assert_eq!(twice, format!("{school}\n---\n\n{sam}"));
    // HTML: one page for the school and one for each pupil, each starting a new page.
    let html =
        String::from_utf8(inspection(&["samuel-adeyemi", "amara-okafor"], "html")).expect("utf-8");
    assert_eq!(html.matches("<main>").count(), 3);
    assert!(html.contains("main + main { break-before: page;"));
    // Sam's progress chart comes with his record, as in his own report; the governors'
    // charts with the school's figures.
    assert!(
        html.matches("<figure class=\"chart\">").count() >= 3,
        "{html}"
    );
    // Word: a new page before each pupil.
    let docx = docx_outline(&inspection(&["samuel-adeyemi", "amara-okafor"], "docx"));
    let breaks: Vec<&str> = docx
        .lines()
        .zip(docx.lines().skip(1))
        .filter(|(a, _)| *a == "=== new page ===")
        .map(|(_, b)| b)
        .collect();
    assert_eq!(
        breaks,
        ["# SEN record: Samuel Adeyemi", "# SEN record: Amara Okafor"],
        "{docx}"
    );
}

/// The Markdown of a report from a level-2 heading up to the next level-2 heading.
fn section<'a>(md: &'a str, heading: &str) -> &'a str {
    let start = md.find(&format!("\n{heading}\n")).expect(heading) + 1;
    let rest = &md[start..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 4);
    &rest[..end]
}

#[test]
fn it_quotes_the_governors_figures_for_the_same_period() {
    for period in [vec![], vec!["--from", "2026-09-01", "--to", "2026-10-31"]] {
        let mut g = vec!["report", "governors"];
        g.extend(&period);
        let governors = stdout(&run(Path::new(OAKFIELD), &g));
        let mut i = vec!["report", "inspection", "freya-morgan"];
        i.extend(&period);
        let inspection = stdout(&run(Path::new(OAKFIELD), &i));
        for heading in ["## The SEN register", "## Duties"] {
            let quoted: String = section(&governors, heading)
                .split_inclusive('\n')
                .map(|l| {
                    if l.starts_with('#') {
                        format!("#{l}")
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            assert!(
                inspection.contains(&quoted),
                "{heading} {period:?}:\n{quoted}\n---\n{inspection}"
            );
        }
        // The new duty is among them.
        assert!(inspection.contains("Annual review advice circulated"));
    }
}

#[test]
fn the_school_part_states_the_senco_and_the_information_report() {
    let md = stdout(&run(Path::new(OAKFIELD), &["report", "inspection"]));
    assert!(md.contains("- **SENCO:** Ms Priya Shah"));
    assert!(md.contains(
        "- **Under reg 49:** Not yet achieved; within the time allowed: it is needed by 1 September 2027."
    ));
    assert!(md.contains("Published 15 July 2026; up to date"));
    assert!(md.contains("## How well the provision works"));
    // A year on, the report is out of date and the NPQ deadline nearer.
    let later = stdout(
        &sen()
            .args(["--records", OAKFIELD, "--as-of", "2027-09-02"])
            .args(["report", "inspection"])
            .output()
            .expect("runs"),
    );
    assert!(later.contains("out of date since 15 July 2027"), "{later}");
    assert!(later.contains("Overdue: the qualification was needed by 1 September 2027"));
}

#[test]
fn an_unknown_pupil_is_an_error_that_suggests_the_nearest() {
    let out = sen()
        .args(["--records", OAKFIELD, "--as-of", AS_OF])
        .args(["report", "inspection", "samuel-adeyemi", "amara-okafer"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean `amara-okafor`?"), "{err}");
    assert!(out.stdout.is_empty());
}
