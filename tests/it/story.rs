//! One pupil's story: `sen report pupil ID` and `sen report passport` over the example
//! school. Snapshots of a pupil on SEN support, one with an EHC plan and a leaver; no other
//! pupil's name, UPN or date of birth in any of them; costs equal to the provision map's to
//! the penny; the default period; passports by class and year; bad requests refused.

use std::fs;
use std::path::Path;

use chrono::NaiveDate;

use crate::common;

use common::{AS_OF, OAKFIELD, oakfield_copy, sen, stdout};
use sen::reports::story;

fn run(root: &Path, args: &[&str]) -> std::process::Output {
    sen()
        .arg("--records")
        .arg(root)
        .args(["--as-of", AS_OF, "report"])
        .args(args)
        .output()
        .expect("runs")
}

fn d(s: &str) -> NaiveDate {
    sen::dates::parse(s).expect("a date")
}

#[test]
fn snapshots_of_the_pupil_report_on_support_with_a_plan_and_after_leaving() {
    for id in ["amara-okafor", "freya-morgan", "isla-mackenzie"] {
        let md = stdout(&run(Path::new(OAKFIELD), &["pupil", id]));
        insta::assert_snapshot!(format!("pupil_{id}"), md);
    }
}

#[test]
fn snapshot_of_the_passports_of_a_class() {
    let md = stdout(&run(
        Path::new(OAKFIELD),
        &["passport", "--class", "5 Willow"],
    ));
    insta::assert_snapshot!("passport_5_willow", md);
}

/// What would identify another pupil: names (as the records and the register write them),
/// UPN and date of birth.
fn identifiers(p: &sen::model::Pupil) -> Vec<String> {
    let mut v = vec![
        format!("{} {}", p.given, p.family),
        format!("{}, {}", p.family, p.given),
        sen::dates::uk(p.dob),
        sen::dates::iso(p.dob),
    ];
    if let Some(pref) = &p.preferred {
        v.push(format!("{pref} {}", p.family));
    }
    if let Some(u) = &p.upn {
        v.push(u.clone());
    }
    v
}

#[test]
fn no_document_about_one_pupil_names_another() {
    let loaded = sen::load::load(Path::new(OAKFIELD), d(AS_OF));
    let pupils: Vec<(&str, &sen::model::Pupil)> = loaded
        .records
        .pupils
        .iter()
        .filter_map(|f| f.pupil.as_ref().map(|p| (f.id.as_str(), p)))
        .collect();
    assert!(pupils.len() >= 10, "the example school's pupils load");
    for (id, _) in &pupils {
        let mut docs = vec![
            stdout(&run(Path::new(OAKFIELD), &["pupil", id])),
            stdout(&run(
                Path::new(OAKFIELD),
                &["pupil", id, "--format", "html"],
            )),
            stdout(&run(
                Path::new(OAKFIELD),
                &["pupil", id, "--from", "2024-09-01"],
            )),
        ];
        // A passport is for pupils on the register.
        let passport = run(Path::new(OAKFIELD), &["passport", id]);
        if passport.status.success() {
            docs.push(stdout(&passport));
        }
        for (other, p) in &pupils {
            if other == id {
                continue;
            }
            for ident in identifiers(p) {
                for doc in &docs {
                    assert!(
                        !doc.contains(&ident),
                        "the document about {id} holds {ident:?}, which identifies {other}"
                    );
                }
            }
        }
    }
}

#[test]
fn costs_equal_the_provision_map_to_the_penny() {
    let loaded = sen::load::load(Path::new(OAKFIELD), d(AS_OF));
    let records = &loaded.records;
    for (from, to) in [
        (d("2026-01-05"), d(AS_OF)),
        (d("2025-09-01"), d("2026-07-31")),
    ] {
        let map = sen::reports::provision_map(records, d(AS_OF), from, to);
        let mut costed = 0;
        for f in &records.pupils {
            if f.pupil.is_none() {
                continue;
            }
            let (view, _) =
                story::pupil_report(&loaded, &f.id, d(AS_OF), from, to).expect("report");
            let expected = map.pupils.iter().find(|c| c.id == f.id);
            assert_eq!(
                view.cost_total,
                expected.map_or(0, |c| c.total),
                "{} from {from} to {to}",
                f.id
            );
            assert_eq!(
                view.cost_total,
                view.costs.iter().map(|l| l.cost).sum::<i64>(),
                "{}: the lines add up to the total",
                f.id
            );
            costed += usize::from(view.cost_total > 0);
        }
        assert!(costed >= 5, "most pupils have costed provision");
    }
    // And end to end: Freya's total in her report is her line in the provision map.
    let pupil = stdout(&run(Path::new(OAKFIELD), &["pupil", "freya-morgan"]));
    let map = stdout(&run(
        Path::new(OAKFIELD),
        &["provision-map", "--from", "2026-01-05"],
    ));
    let total = "**£6,140.68**";
    assert!(pupil.contains(total), "{pupil}");
    let section = map
        .split("\n## ")
        .find(|s| s.starts_with("Morgan, Freya"))
        .expect("Freya in the map");
    assert!(section.contains(total), "{section}");
}

#[test]
fn the_default_period_is_the_three_terms_ending_with_this_one() {
    let loaded = sen::load::load(Path::new(OAKFIELD), d(AS_OF));
    let r = &loaded.records;
    // Autumn 2026 holds 23 November: Spring and Summer 2026 before it.
    assert_eq!(
        story::default_period(r, d(AS_OF)),
        (d("2026-01-05"), d(AS_OF))
    );
    // In the summer holiday, the last term is the Summer term just ended.
    assert_eq!(
        story::default_period(r, d("2026-08-10")),
        (d("2025-09-03"), d("2026-08-10"))
    );
    // On the first day of a term, that term counts.
    assert_eq!(
        story::default_period(r, d("2026-04-13")),
        (d("2025-09-03"), d("2026-04-13"))
    );
}

#[test]
fn the_history_is_in_date_order_and_reads_the_records_as_they_stood() {
    // Before Amy's second cycle began, it is not in her record.
    let early = run(Path::new(OAKFIELD), &["pupil", "amara-okafor"]);
    let md = stdout(&early);
    let history = &md
        [md.find("## History").expect("a history")..md.find("## Outcomes").expect("then outcomes")];
    let dates: Vec<NaiveDate> = history
        .lines()
        .filter_map(|l| l.strip_prefix("- **"))
        .filter_map(|l| l.split("**").next())
        .map(|s| NaiveDate::parse_from_str(s, "%d %B %Y").expect("a UK date"))
        .collect();
    assert!(dates.len() >= 4, "{md}");
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    let o = sen()
        .arg("--records")
        .arg(OAKFIELD)
        .args(["--as-of", "2026-09-01", "report", "pupil", "amara-okafor"])
        .output()
        .expect("runs");
    let then = stdout(&o);
    assert!(!then.contains("15 September 2026"), "{then}");
    assert!(then.contains("8 July 2026"), "{then}");
}

#[test]
fn passports_by_year_are_in_name_order_and_only_for_pupils_on_the_register() {
    let md = stdout(&run(Path::new(OAKFIELD), &["passport", "--year", "3"]));
    let titles: Vec<&str> = md
        .lines()
        .filter_map(|l| l.strip_prefix("# Pupil passport: "))
        .collect();
    assert_eq!(titles, ["Kai Thompson", "Leo Santos", "Zainab Hussain"]);
    // Isla left in July: her old class's passports leave her out.
    let md = stdout(&run(Path::new(OAKFIELD), &["passport", "--class", "6 oak"]));
    assert!(md.contains("# Pupil passport: "), "{md}");
    assert!(!md.contains("Isla"), "{md}");
    let o = run(Path::new(OAKFIELD), &["passport", "--class", "Nowhere"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no pupil on the register"));
}

#[test]
fn the_html_pupil_report_draws_progress_and_the_passports_start_a_page_each() {
    let html = stdout(&run(
        Path::new(OAKFIELD),
        &["pupil", "amara-okafor", "--format", "html"],
    ));
    let start = html.find("<svg").expect("a chart");
    let end = html[start..].find("</svg>").expect("closed") + start + 6;
    let svg = &html[start..end];
    roxmltree::Document::parse(svg).expect("the chart is XML");
    assert!(svg.contains("expected progress"), "{svg}");
    assert!(!html.contains("<script"), "no script");
    let html = stdout(&run(
        Path::new(OAKFIELD),
        &["passport", "--class", "5 Willow", "--format", "html"],
    ));
    assert_eq!(html.matches("<main>").count(), 2, "one page a pupil");
}

#[test]
fn the_record_for_the_next_school_is_written_under_out() {
    let school = oakfield_copy();
    let out = school.path().join("out/transfer/isla-mackenzie.html");
    let o = run(
        school.path(),
        &[
            "pupil",
            "isla-mackenzie",
            "--format",
            "html",
            "--out",
            out.to_str().expect("utf-8"),
        ],
    );
    stdout(&o);
    let html = fs::read_to_string(&out).expect("written");
    assert!(html.contains("Hillside High School"));
    assert!(html.contains("SEN record sent 2 October 2026"));
    // Not inside the pupil's folder.
    let bad = school.path().join("pupils/isla-mackenzie/record.html");
    let o = run(
        school.path(),
        &[
            "pupil",
            "isla-mackenzie",
            "--out",
            bad.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(!bad.exists());
}

#[test]
fn bad_requests_are_refused_with_what_to_give() {
    for (args, says) in [
        (vec!["pupil"], "give one pupil"),
        (vec!["pupil", "a", "b"], "give one pupil"),
        (vec!["pupil", "nobody"], "no pupil `nobody`"),
        (vec!["passport"], "give the pupils, or `--class CLASS`"),
        (
            vec!["passport", "amara-okafor", "--class", "5 Willow"],
            "give the pupils, or `--class CLASS`",
        ),
        (vec!["passport", "nobody"], "no pupil `nobody`"),
    ] {
        let o = run(Path::new(OAKFIELD), &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(says),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(o.stdout.is_empty(), "{args:?}: nothing printed");
    }
}
