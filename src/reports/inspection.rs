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

use anyhow::{Result, bail};
use chrono::NaiveDate;
use minijinja::Value;
use serde::Serialize;

use crate::dates::{add_months, uk};
use crate::load::Loaded;
use crate::records::QualificationKind;
use crate::render::Part;
use crate::reports::page::{self, Built, Input, Insert, Inserts, PageView, Piece};
use crate::reports::{oversight, story};
use crate::rules::{self, DutyState};

/// What `inspection.md.j2` sees: the school part.
#[derive(Serialize)]
struct InspectionView {
    school: String,
    as_of: String,
    /// The governors' report's period.
    from: String,
    to: String,
    suppress_below: u32,
    senco: Option<SencoView>,
    /// Whether the information report is published and up to date, in words.
    information: Value,
    website: Option<String>,
    /// The effectiveness summary the information report quotes, in words.
    effectiveness: Value,
}

/// The SENCO: who, a qualified teacher or not, and the qualification's state under reg 49.
#[derive(Serialize)]
struct SencoView {
    name: Option<String>,
    appointed: Option<String>,
    qualified_teacher: bool,
    qualification: Value,
    reg49: Value,
}

/// The inspection report (the table's builder): the school part, then a page for each
/// pupil asked for, as `sen report pupil` gives them over that report's own period.
pub fn inspection_pages(input: &Input) -> Result<Built> {
    let loaded = input.loaded;
    let as_of = input.as_of;
    let mut seen = std::collections::BTreeSet::new();
    let ids: Vec<&String> = input
        .ask
        .pupils
        .iter()
        .filter(|p| seen.insert(*p))
        .collect();
    for id in &ids {
        known_pupil(loaded, id)?;
    }
    let (from, to) = page::period(input.ask, as_of)?;
    let mut pages = vec![school_page(loaded, input.renderer, as_of, from, to)?];
    let (pupil_from, pupil_to) = story::default_period(&loaded.records, as_of);
    for id in ids {
        pages.push(story::pupil_page_view(loaded, id, as_of, pupil_from, pupil_to)?.1);
    }
    Ok(Built {
        title: format!("Special educational needs: {}", loaded.records.school.name),
        pages,
    })
}

/// The school part, for `[from, to]` (the governors' report's period) as of `as_of`: its
/// register and duties are the governors' report's own sections, charts kept.
fn school_page(
    loaded: &Loaded,
    renderer: &crate::render::Renderer,
    as_of: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<PageView> {
    let school = &loaded.records.school;
    let gov = oversight::governors_rendered(loaded, renderer, as_of, from, to)?;
    let keep = ["## The SEN register", "## Duties"];
    // The Markdown is the governors' Markdown (tables only); the parts carry its charts.
    let mut insert = Insert::default();
    for p in governors_sections(&[Part::Markdown(gov.markdown.clone())], &keep) {
        if let Part::Markdown(m) = p {
            insert.markdown.push_str(&m);
        }
    }
    insert.pieces = governors_sections(&gov.parts, &keep)
        .into_iter()
        .map(|p| match p {
            Part::Markdown(m) => Piece::Text(m),
            svg => Piece::Own(svg),
        })
        .collect();
    let mut inserts = Inserts::default();
    inserts.put("governors", Some(insert));
    let view = InspectionView {
        school: school.name.clone(),
        as_of: crate::views::iso(as_of),
        from: crate::views::iso(from),
        to: crate::views::iso(to),
        suppress_below: school.settings.suppress_below,
        senco: senco(loaded, as_of),
        information: Value::from_safe_string(information_report(loaded, as_of)),
        website: school.website.clone(),
        effectiveness: Value::from_safe_string(effectiveness(loaded, as_of).trim_end().to_string()),
    };
    Ok(PageView {
        template: "inspection.md.j2",
        view: page::with_charts(&view, &inserts),
        inserts,
    })
}

/// A pupil id the inspection report can use: a folder under pupils/, else an error that
/// suggests the nearest.
fn known_pupil(loaded: &Loaded, id: &str) -> Result<()> {
    crate::load::safe_pupil_id(id).map_err(anyhow::Error::msg)?;
    if loaded.records.pupils.iter().any(|f| f.id == id) {
        return Ok(());
    }
    let ids: Vec<&str> = loaded
        .records
        .pupils
        .iter()
        .map(|f| f.id.as_str())
        .collect();
    match crate::yaml::closest(id, &ids) {
        Some(near) => bail!("no pupil `{id}` under pupils/: did you mean `{near}`?"),
        None => bail!(
            "no pupil `{id}` under pupils/: give the folder name of each pupil (see the register)"
        ),
    }
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

/// The SENCO as the records name them, if they do.
fn senco(loaded: &Loaded, as_of: NaiveDate) -> Option<SencoView> {
    let sc = loaded.records.school.senco.as_ref()?;
    Some(SencoView {
        name: sc.name.clone(),
        appointed: sc.appointed.as_ref().map(|a| crate::views::iso(a.value)),
        qualified_teacher: sc.qualified_teacher,
        qualification: Value::from_safe_string(qualification(sc, as_of)),
        reg49: Value::from_safe_string(reg49(loaded, sc, as_of)),
    })
}

/// The SENCO's qualification in words: which, achieved or in progress.
fn qualification(sc: &crate::model::Senco, as_of: NaiveDate) -> String {
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
    match (q, held) {
        (Some(q), Some((_, a))) => format!("{}, achieved {}", kind_words(q.kind), uk(a.value)),
        (Some(q), None) => format!(
            "{}, in progress{}",
            kind_words(q.kind),
            q.started
                .map(|d| format!(" (started {})", uk(d)))
                .unwrap_or_default()
        ),
        (None, _) => "none recorded".to_string(),
    }
}

/// The qualification's state under reg 49: the `senco` rule's own duty instance, so it
/// agrees with the school's checks and the governors' report.
fn reg49(loaded: &Loaded, sc: &crate::model::Senco, as_of: NaiveDate) -> String {
    let records = &loaded.records;
    let window = records.school.settings.due_within_days;
    let duty = rules::duties(records, as_of, window)
        .into_iter()
        .find(|d| d.rule == crate::findings::Rule::Senco);
    if sc.previously_senco_months > 12 {
        return format!(
            "Had been a SENCO for {} months before this appointment, so the requirement to gain the qualification within three years does not apply.",
            sc.previously_senco_months
        );
    }
    let Some(d) = duty else {
        return match &sc.appointed {
            None => "The appointment date is not recorded, so the three-year deadline cannot be worked out.".to_string(),
            Some(a) => format!(
                "Needed within three years of appointment, by {}.",
                uk(add_months(a.value, 36))
            ),
        };
    };
    let due = d.due.map(uk).unwrap_or_default();
    match d.state {
        DutyState::OnTime => {
            format!("Meets reg 49: the qualification was achieved by the deadline of {due}.")
        }
        DutyState::Late => format!(
            "Achieved after the deadline of {due}{}.",
            d.done
                .map(|x| format!(", on {}", uk(x)))
                .unwrap_or_default()
        ),
        // A school duty is never set before the records began; read it as overdue.
        DutyState::Overdue | DutyState::BeforeRecords => format!(
            "Overdue: the qualification was needed by {due} and is not recorded as achieved."
        ),
        DutyState::Due | DutyState::Pending => {
            format!("Not yet achieved; within the time allowed: it is needed by {due}.")
        }
    }
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
