//! `sen report inspection`: one document for the day an inspector asks about SEN. First the
//! school (the SENCO and their qualification under reg 49, the information report, the
//! register against the national shares, the duties met on time, the effectiveness
//! summary), then each pupil the inspector names, on a page of their own, as `sen report
//! pupil` gives them. It names no pupil but those asked for.
//!
//! The register and the duties are the governors' report's own sections for the same period
//! (taken from [`oversight::governors_report`], not computed again), so the two documents
//! never disagree and small counts are suppressed the same way.

use std::fmt::Write;

use chrono::NaiveDate;

use crate::dates::{add_months, uk};
use crate::load::Loaded;
use crate::records::QualificationKind;
use crate::render::{Part, md_escape};
use crate::reports::oversight;
use crate::rules::{self, DutyState};

/// The school part of the inspection report: its Markdown (for Markdown and Word) and its
/// HTML parts (with the governors' charts).
pub struct SchoolPart {
    pub markdown: String,
    pub parts: Vec<Part>,
}

/// The school part, for `[from, to]` (the governors' report's period) as of `as_of`.
pub fn school_part(
    loaded: &Loaded,
    as_of: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> SchoolPart {
    let records = &loaded.records;
    let school = &records.school;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Special educational needs: {}\n",
        md_escape(&school.name)
    );
    let _ = writeln!(
        s,
        "*Confidential: prepared for inspection on {}. The school's part names no pupil; the records of the pupils asked about follow, each on a new page.*\n",
        uk(as_of)
    );
    s.push_str("## The SENCO\n\n");
    s.push_str(&senco(loaded, as_of));
    s.push_str("\n## The SEN information report\n\n");
    s.push_str(&information_report(loaded, as_of));
    s.push('\n');
    let _ = writeln!(
        s,
        "The figures below are the governors' report's for {} to {}: every count under {} is shown as \"fewer than {}\", as in the published report.\n",
        uk(from),
        uk(to),
        school.settings.suppress_below,
        school.settings.suppress_below
    );
    let mut parts = Vec::new();
    let gov = oversight::governors_report(loaded, as_of, from, to);
    let mut chunk = s.clone();
    let mut markdown = s;
    let keep = ["## The SEN register", "## Duties"];
    // The Markdown is the governors' Markdown (tables only); the parts carry its charts.
    for p in governors_sections(&[Part::Markdown(gov.markdown.clone())], &keep) {
        if let Part::Markdown(m) = p {
            markdown.push_str(&m);
        }
    }
    for p in governors_sections(&gov.parts, &keep) {
        match p {
            Part::Markdown(m) => chunk.push_str(&m),
            Part::Svg(svg) => {
                parts.push(Part::Markdown(std::mem::take(&mut chunk)));
                parts.push(Part::Svg(svg));
            }
        }
    }
    let mut e = String::from("## How well the provision works\n\n");
    e.push_str(&effectiveness(loaded, as_of));
    markdown.push_str(&e);
    chunk.push_str(&e);
    parts.push(Part::Markdown(chunk));
    SchoolPart { markdown, parts }
}

/// The parts of a report under the given level-2 headings (each up to the next level-2
/// heading), with every heading moved one level down to sit under the school part.
pub fn governors_sections(parts: &[Part], keep: &[&str]) -> Vec<Part> {
    let mut out = Vec::new();
    let mut keeping = false;
    for p in parts {
        match p {
            Part::Markdown(m) => {
                let mut kept = String::new();
                for line in m.split_inclusive('\n') {
                    if line.starts_with("## ") {
                        keeping = keep.iter().any(|k| line.trim_end() == *k);
                    }
                    if keeping {
                        if line.starts_with('#') {
                            kept.push('#');
                        }
                        kept.push_str(line);
                    }
                }
                if !kept.is_empty() {
                    out.push(Part::Markdown(kept));
                }
            }
            Part::Svg(svg) if keeping => out.push(Part::Svg(svg.clone())),
            Part::Svg(_) => {}
        }
    }
    out
}

/// The SENCO: who, a qualified teacher or not, and the qualification's state under reg 49.
fn senco(loaded: &Loaded, as_of: NaiveDate) -> String {
    let records = &loaded.records;
    let Some(sc) = &records.school.senco else {
        return "The records name no SENCO (6.84).\n".into();
    };
    let mut s = String::new();
    let name = sc
        .name
        .as_deref()
        .map_or("Not recorded".to_string(), md_escape);
    let _ = writeln!(s, "- **SENCO:** {name}");
    if let Some(a) = &sc.appointed {
        let _ = writeln!(s, "- **Appointed:** {}", uk(a.value));
    }
    let _ = writeln!(
        s,
        "- **Qualified teacher (6.85):** {}",
        if sc.qualified_teacher {
            "yes"
        } else {
            "not recorded"
        }
    );
    let q = sc.qualification.as_ref();
    let held = q.and_then(|q| {
        q.achieved
            .as_ref()
            .filter(|a| a.value <= as_of)
            .map(|a| (q, a))
    });
    let kind_words = |k: QualificationKind| match k {
        QualificationKind::NpqSenco => "the National Professional Qualification for SENCOs",
        QualificationKind::Nasenco => "the National Award for SEN Co-ordination",
    };
    let qual = match (q, held) {
        (Some(q), Some((_, a))) => format!("{}, achieved {}", kind_words(q.kind), uk(a.value)),
        (Some(q), None) => format!(
            "{}, in progress{}",
            kind_words(q.kind),
            q.started
                .map(|d| format!(" (started {})", uk(d)))
                .unwrap_or_default()
        ),
        (None, _) => "none recorded".to_string(),
    };
    let _ = writeln!(s, "- **SENCO qualification:** {qual}");
    // The state is the `senco` rule's own duty instance, so it agrees with the school's
    // checks and the governors' report.
    let window = records.school.settings.due_within_days;
    let duty = rules::duties(records, as_of, window)
        .into_iter()
        .find(|d| d.rule == crate::findings::Rule::Senco);
    let state = match (&duty, sc.previously_senco_months > 12) {
        (_, true) => format!(
            "Had been a SENCO for {} months before this appointment, so the requirement to gain the qualification within three years does not apply.",
            sc.previously_senco_months
        ),
        (None, false) => match &sc.appointed {
            None => "The appointment date is not recorded, so the three-year deadline cannot be worked out.".to_string(),
            Some(a) => format!(
                "Needed within three years of appointment, by {}.",
                uk(add_months(a.value, 36))
            ),
        },
        (Some(d), false) => {
            let due = d.due.map(uk).unwrap_or_default();
            match d.state {
                DutyState::OnTime => format!("Meets reg 49: the qualification was achieved by the deadline of {due}."),
                DutyState::Late => format!(
                    "Achieved after the deadline of {due}{}.",
                    d.done.map(|x| format!(", on {}", uk(x))).unwrap_or_default()
                ),
                // A school duty is never set before the records began; read it as overdue.
                DutyState::Overdue | DutyState::BeforeRecords => format!("Overdue: the qualification was needed by {due} and is not recorded as achieved."),
                DutyState::Due | DutyState::Pending => {
                    format!("Not yet achieved; within the time allowed: it is needed by {due}.")
                }
            }
        }
    };
    let _ = writeln!(s, "- **Under reg 49:** {state}");
    s
}

/// Whether the information report is published and up to date (6.79-6.81).
fn information_report(loaded: &Loaded, as_of: NaiveDate) -> String {
    let ir = &loaded.records.school.information_report;
    let missing = ir.sections.iter().filter(|x| x.is_none()).count();
    let mut s = match ir.published.as_ref().filter(|p| p.value <= as_of) {
        None => "Not recorded as published.".to_string(),
        Some(p) => {
            let next = add_months(p.value, 12);
            if next >= as_of {
                format!(
                    "Published {}; up to date (the next yearly update is due by {}).",
                    uk(p.value),
                    uk(next)
                )
            } else {
                format!(
                    "Published {}; out of date since {}, when the yearly update was due.",
                    uk(p.value),
                    uk(next)
                )
            }
        }
    };
    match missing {
        0 => s.push_str(" Every section the Code requires is written."),
        1 => s.push_str(" One section the Code requires is missing."),
        n => {
            let _ = write!(s, " {n} sections the Code requires are missing.");
        }
    }
    if let Some(url) = &loaded.records.school.website {
        let _ = write!(s, " The school's website: {url}");
    }
    s.push('\n');
    s
}

/// The effectiveness summary the information report quotes (this academic year).
fn effectiveness(loaded: &Loaded, as_of: NaiveDate) -> String {
    let e = oversight::effectiveness_summary(&loaded.records, as_of);
    let plans = if e.reviews == "1" { "plan" } else { "plans" };
    let from = crate::dates::parse(&e.from).map(uk).unwrap_or_default();
    if !e.any {
        return format!(
            "No plan of SEN support was reviewed from {from} to {}.\n",
            uk(as_of)
        );
    }
    if !e.figures {
        return format!(
            "From {from} to {} the school reviewed {} {plans} of SEN support with parents: too few to give their outcomes in numbers without risking a child being identified.\n",
            uk(as_of),
            e.reviews
        );
    }
    let part = |j: &crate::views::JudgedView| match &j.share {
        Some(p) => format!("{} ({p})", j.shown),
        None => j.shown.clone(),
    };
    format!(
        "From {from} to {} the school reviewed {} {plans} of SEN support with parents, with {} outcomes between them: {} achieved, {} partly achieved and {} not yet achieved{}.\n",
        uk(as_of),
        e.reviews,
        e.outcomes,
        part(&e.achieved),
        part(&e.partly),
        part(&e.not_achieved),
        if e.not_judged.shown == "0" {
            String::new()
        } else {
            format!(", with {} not judged at the review", e.not_judged.shown)
        }
    )
}
