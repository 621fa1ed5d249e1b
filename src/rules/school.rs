//! The school's own duties: a qualified SENCO with the National Award (6.84, 6.85) and a
//! yearly SEN information report with every statutory section (6.79, 6.81).

use crate::dates::{add_months, uk};
use crate::findings::{Finding, Kind, Rule};
use crate::model::SECTIONS;

use super::{DutyState, Eval, Lookback, Obligation, Sink};

const FILE: &str = "school.yaml";

/// `senco` (6.84, 6.85): the school has a SENCO who is a qualified teacher and can be
/// reached; a new SENCO achieves the National Award within three years of appointment.
pub(super) fn senco(ev: &Eval, out: &mut Sink) {
    let Some(s) = &ev.school.senco else {
        out.push(
            Finding::new(Rule::Senco, Kind::Invalid, "school.yaml names no SENCO")
                .at(FILE, None)
                .help("add `senco:` with the SENCO's name, email or phone, `qualified_teacher: true` and `appointed`"),
        );
        return;
    };
    let mut missing = Vec::new();
    if s.name.is_none() {
        missing.push("a `name`");
    }
    if s.email.is_none() && s.phone.is_none() {
        missing.push("an `email` or `phone`");
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
    let award = s.national_award.as_ref().filter(|a| a.value <= ev.as_of);
    if s.previously_senco_months <= 12
        && let Some(appointed) = &s.appointed
    {
        let due = add_months(appointed.value, 36);
        out.duty(
            ev,
            Obligation {
                rule: Rule::Senco,
                pupil: None,
                due,
                deadline: due,
                done: award.map(|a| a.value),
                // Check is silent once the award is held, however late.
                lookback: Lookback::Never,
                file: FILE,
                line: award.map_or(appointed.line, |a| a.line),
            },
            |_| {
                format!(
                    "the SENCO appointed {} needs the National Award for SEN Co-ordination by {}",
                    uk(appointed.value),
                    uk(due)
                )
            },
        );
    }
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
