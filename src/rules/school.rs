//! The school's own duties: a qualified SENCO with the SENCO qualification (6.84, 6.85) and a
//! yearly SEN information report with every statutory section (6.79, 6.81).

use chrono::NaiveDate;

use crate::dates::{add_months, uk};
use crate::findings::{Finding, Kind, Rule};
use crate::model::{Day, Qualification, SECTIONS, Senco};
use crate::records::QualificationKind;

use super::{DutyState, Eval, Lookback, Obligation, Sink};

const FILE: &str = "school.yaml";

/// `senco` (6.84, 6.85): the school has a SENCO who is a qualified teacher and can be
/// reached; a new SENCO achieves the qualification within three years of appointment: the
/// NPQ for SENCOs, or a National Award begun before 1 September 2024 and completed before
/// 1 September 2027 (reg 49 as amended by SI 2024/535).
pub(super) fn senco(ev: &Eval, out: &mut Sink) {
    let Some(s) = &ev.school.senco else {
        out.push(
            Finding::new(Rule::Senco, Kind::Invalid, "school.yaml names no SENCO")
                .at(FILE, None)
                .help("add `senco:` with the SENCO's name, email or phone, `qualified_teacher: true` and `appointed`"),
        );
        return;
    };
    senco_record(s, out);
    if s.previously_senco_months > 12 {
        return;
    }
    let Some(appointed) = &s.appointed else {
        return;
    };
    let q = s.qualification.as_ref();
    // What the record says as of as-of: an achievement dated later has not happened yet.
    let achieved = q
        .and_then(|q| q.achieved.as_ref())
        .filter(|a| a.value <= ev.as_of);
    let counts = q.is_some_and(|q| {
        achieved.is_some_and(|a| match q.kind {
            QualificationKind::NpqSenco => true,
            QualificationKind::Nasenco => nasenco_in_time(q) && a.value < nasenco_until(),
        })
    });
    let (due, message) = qualification_due(appointed, q, achieved, counts);
    let done = achieved.filter(|_| counts);
    out.duty(
        ev,
        Obligation {
            rule: Rule::Senco,
            pupil: None,
            due,
            deadline: due,
            done: done.map(|a| a.value),
            // Check is silent once the qualification is held, however late.
            lookback: Lookback::Never,
            file: FILE,
            line: done.map_or(appointed.line, |a| a.line),
        },
        |_| message,
    );
}

/// The SENCO record's own problems: no way to reach them, or not a qualified teacher.
fn senco_record(s: &Senco, out: &mut Sink) {
    let mut missing = Vec::new();
    if !s.can_be_reached() {
        if s.name.is_none() {
            missing.push("a `name`");
        }
        if s.email.is_none() && s.phone.is_none() {
            missing.push("an `email` or `phone`");
        }
    }
    if !s.qualified_teacher {
        missing.push("`qualified_teacher: true` (the SENCO must be a qualified teacher)");
    }
    if !missing.is_empty() {
        out.push(
            Finding::new(
                Rule::Senco,
                Kind::Invalid,
                format!("the SENCO record needs {}", missing.join(", ")),
            )
            .at(FILE, Some(s.line)),
        );
    }
}

/// A National Award counts only if begun before the NPQ for SENCOs took its place.
fn nasenco_in_time(q: &Qualification) -> bool {
    q.kind == QualificationKind::Nasenco && q.started.is_none_or(|d| d < npq_from())
}

/// When the SENCO appointed on `appointed` must hold the qualification, and the finding's
/// words: three years from appointment, sooner for a National Award still to be completed.
fn qualification_due(
    appointed: &Day,
    q: Option<&Qualification>,
    achieved: Option<&Day>,
    counts: bool,
) -> (NaiveDate, String) {
    let three_years = add_months(appointed.value, 36);
    match q {
        Some(q) if q.kind == QualificationKind::Nasenco && !nasenco_in_time(q) => (
            three_years,
            format!(
                "the SENCO appointed {} needs the NPQ for SENCOs by {}: a National Award begun on or after 1 September 2024 no longer counts, and the NPQ for SENCOs is now the qualification",
                uk(appointed.value),
                uk(three_years)
            ),
        ),
        Some(q) if q.kind == QualificationKind::Nasenco && achieved.is_none() => {
            let due = three_years.min(nasenco_last_day());
            (
                due,
                format!(
                    "the SENCO appointed {} must complete the National Award for SEN Co-ordination by {} (it counts only if completed before 1 September 2027; otherwise the NPQ for SENCOs is needed)",
                    uk(appointed.value),
                    uk(due)
                ),
            )
        }
        Some(q) if q.kind == QualificationKind::Nasenco && !counts => (
            three_years,
            format!(
                "the SENCO appointed {} needs the NPQ for SENCOs by {}: a National Award completed on or after 1 September 2027 does not count",
                uk(appointed.value),
                uk(three_years)
            ),
        ),
        _ => (
            three_years,
            format!(
                "the SENCO appointed {} needs the NPQ for SENCOs (the National Professional Qualification for SENCOs) by {}",
                uk(appointed.value),
                uk(three_years)
            ),
        ),
    }
}

/// From this day the NPQ for SENCOs is the qualification for a new SENCO; a National Award
/// begun before it still counts if completed in time (reg 49 as amended by SI 2024/535).
fn npq_from() -> chrono::NaiveDate {
    crate::dates::ymd(2024, 9, 1)
}

/// A National Award counts only if achieved before this day.
fn nasenco_until() -> chrono::NaiveDate {
    crate::dates::ymd(2027, 9, 1)
}

/// The last day a National Award in progress can be completed and still count.
fn nasenco_last_day() -> chrono::NaiveDate {
    crate::dates::ymd(2027, 8, 31)
}

/// `information-report` (6.79, 6.81): the SEN information report is published and updated
/// every year, with every statutory section written.
pub(super) fn information_report(ev: &Eval, out: &mut Sink) {
    let r = &ev.school.information_report;
    match r.published.as_ref().filter(|p| p.value <= ev.as_of) {
        None => out.duty_finding(
            Finding::new(
                Rule::InformationReport,
                Kind::Overdue,
                "the SEN information report has not been published",
            )
            .at(FILE, Some(r.line))
            .help("record `information_report.published` when it goes on the website"),
            DutyState::Overdue,
        ),
        Some(p) => {
            let due = add_months(p.value, 12);
            out.duty(
                ev,
                Obligation {
                    rule: Rule::InformationReport,
                    pupil: None,
                    due,
                    deadline: due,
                    done: None,
                    lookback: Lookback::Never,
                    file: FILE,
                    line: p.line,
                },
                |_| {
                    format!(
                        "the SEN information report published {} must be updated by {}",
                        uk(p.value),
                        uk(due)
                    )
                },
            );
        }
    }
    for (i, section) in SECTIONS.iter().enumerate() {
        if r.sections.get(i).is_none_or(Option::is_none) {
            out.push(
                Finding::new(
                    Rule::InformationReport,
                    Kind::Incomplete,
                    format!(
                        "the information report section `{}` ({}) is not written",
                        section.key, section.title
                    ),
                )
                .at(FILE, r.section_lines.get(i).copied()),
            );
        }
    }
}
