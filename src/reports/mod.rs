//! What the reports say, computed from the records as they stood on a date: the public SEN
//! information report's figures, the register, the costed provision map ([`costs`]), the
//! oversight reports ([`oversight`]) and one pupil's story ([`story`]). The `sen report`
//! command ([`crate::commands::report`]) renders them; nothing here writes or prints.

pub mod costs;
pub mod inspection;
pub mod outcomes;
pub mod oversight;
pub mod page;
pub mod published;
pub mod story;
pub mod table;

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use chrono::NaiveDate;

use crate::dates;
use crate::findings::Kind;
use crate::load::Loaded;
use crate::model::{Area, Pupil, Records, SECTIONS};
use crate::rules::{self, asof};
use crate::views::{
    self, CountView, InformationView, NumbersView, OTHER_NEEDS, RegisterRow, RegisterView,
    SchoolView, SectionView, iso,
};

pub use costs::provision_map;

/// The information report's page (the table's builder).
pub fn information_page(input: &table::Input) -> Result<table::Built> {
    let view = information(&input.loaded.records, input.as_of)?;
    let title = format!("SEN information report: {}", view.school.name);
    Ok(table::Built::one(title, "information.md.j2", &view))
}

/// The register's page (the table's builder): `sen check`'s findings counted per pupil.
pub fn register_page(input: &table::Input) -> Result<table::Built> {
    let loaded = input.loaded;
    let evaluated;
    let findings = match input.findings {
        Some(f) => f,
        None => {
            let window = loaded.records.school.settings.due_within_days;
            let options = rules::Options {
                as_of: input.as_of,
                window,
            };
            evaluated = rules::evaluate(&loaded.records, &loaded.findings, options);
            &evaluated
        }
    };
    let sort = if input.ask.sort.is_empty() {
        "year"
    } else {
        input.ask.sort.as_str()
    };
    let view = register(loaded, findings, input.as_of, sort, &input.ask.years)?;
    let title = format!("SEN register: {}", view.school.name);
    Ok(table::Built::one(title, "register.md.j2", &view))
}

/// The information report's view, or the error naming every missing piece.
pub fn information(records: &Records, as_of: NaiveDate) -> Result<InformationView> {
    let school = &records.school;
    let ir = &school.information_report;
    let mut missing: Vec<String> = Vec::new();
    let mut sections = Vec::new();
    for (i, s) in SECTIONS.iter().enumerate() {
        match ir.sections.get(i).and_then(|t| t.as_deref()) {
            Some(text) if !text.trim().is_empty() => sections.push(SectionView {
                key: s.key,
                title: s.title,
                paragraph: s.paragraph,
                text: text.to_string(),
            }),
            _ => missing.push(format!(
                "`information_report.sections.{}` ({}, {})",
                s.key, s.title, s.paragraph
            )),
        }
    }
    let published = ir
        .published
        .as_ref()
        .map(|d| d.value)
        .filter(|d| *d <= as_of);
    if published.is_none() {
        missing.push(
            "`information_report.published` (the date the report goes on the website)".into(),
        );
    }
    let view = SchoolView::of(school);
    if !school.senco.as_ref().is_some_and(|s| s.can_be_reached()) {
        missing.push("`senco` with `name` and an `email` or `phone` (6.81)".into());
    }
    if view.local_offer.is_none() {
        missing.push("`local_offer` (the local authority's local offer link, 6.81)".into());
    }
    if view.iass.name.is_none() {
        missing.push("`iass` with its `name` and contact details (6.39)".into());
    }
    let Some(published) = published.filter(|_| missing.is_empty()) else {
        bail!(
            "the SEN information report cannot be written: school.yaml is missing\n  - {}\n  help: write each in school.yaml; nothing was written",
            missing.join("\n  - ")
        );
    };
    Ok(InformationView {
        school: view,
        as_of: iso(as_of),
        published: iso(published),
        next_update: iso(dates::add_months(published, 12)),
        sections,
        numbers: numbers(records, as_of),
        effectiveness: oversight::effectiveness_summary(records, as_of),
    })
}

/// The SEN in numbers: cells of the one decision over the register at as-of
/// ([`published::register_now`]), the same the governors' report prints for that date.
pub fn numbers(records: &Records, as_of: NaiveDate) -> NumbersView {
    let threshold = records.school.settings.suppress_below;
    let reg = published::register_now(records, as_of);
    let cell = |label: &str, (n, shown): (u32, crate::suppress::Shown)| CountView {
        label: label.to_string(),
        shown: shown.text(n, threshold),
        small: shown == crate::suppress::Shown::Small,
        withheld: shown == crate::suppress::Shown::Withheld,
    };
    let by_status = vec![
        cell("SEN support", reg.status(0)),
        cell("EHC plan", reg.status(1)),
    ];
    let by_area: Vec<CountView> = Area::ALL
        .iter()
        .map(|a| a.label())
        .chain([OTHER_NEEDS])
        .enumerate()
        .map(|(i, label)| cell(label, reg.area(i)))
        .collect();
    let any_small = by_status.iter().chain(&by_area).any(|c| c.small);
    let any_withheld = by_status.iter().chain(&by_area).any(|c| c.withheld);
    NumbersView {
        suppress_below: threshold,
        small_rule: published::small_rule(threshold),
        by_status,
        by_area,
        // A withheld total is left out of the table; a number or "fewer than N" is printed.
        total: (reg.decided.total != crate::suppress::Shown::Withheld).then(|| reg.total()),
        any_withheld,
        any_small,
    }
}

/// "Okafor, Amara".
pub(crate) fn register_name(p: &Pupil) -> String {
    format!("{}, {}", p.family, p.given)
}

/// The register's view.
pub fn register(
    loaded: &Loaded,
    findings: &[crate::findings::Finding],
    as_of: NaiveDate,
    sort: &str,
    years: &[i64],
) -> Result<RegisterView> {
    if !matches!(sort, "year" | "class" | "name") {
        bail!("unknown sort `{sort}`\n  help: sort by `year`, `class` or `name`");
    }
    let open = open_findings(findings);
    let mut rows: Vec<RegisterRow> = loaded
        .records
        .pupils
        .iter()
        .filter_map(|folder| register_row(folder, &open, as_of, years))
        .collect();
    sort_register(&mut rows, sort);
    let sen_support = rows.iter().filter(|r| r.status == "K").count();
    let ehc_plan = rows.iter().filter(|r| r.status == "E").count();
    Ok(RegisterView {
        needs: needs_used(&rows),
        school: SchoolView::of(&loaded.records.school),
        as_of: iso(as_of),
        sort: sort.to_string(),
        years: years.to_vec(),
        total: rows.len(),
        pupils: rows,
        sen_support,
        ehc_plan,
    })
}

/// The findings still to do for each pupil (late ones are done, only late).
fn open_findings(findings: &[crate::findings::Finding]) -> BTreeMap<&str, usize> {
    let mut open: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.kind != Kind::Late) {
        if let Some(p) = &f.pupil {
            *open.entry(p.as_str()).or_default() += 1;
        }
    }
    open
}

/// A pupil's row of the register, if they are counted, on the register at as-of and in
/// one of the years asked for (any, when none is).
fn register_row(
    folder: &crate::model::PupilFolder,
    open: &BTreeMap<&str, usize>,
    as_of: NaiveDate,
    years: &[i64],
) -> Option<RegisterRow> {
    let p = folder.counted()?;
    if !rules::on_register(p, as_of) {
        return None;
    }
    let year = views::nc_year(p, as_of);
    if !years.is_empty() && !years.contains(&year) {
        return None;
    }
    let review_due = asof::open_cycle(&folder.cycles, as_of)
        .and_then(|c| asof::plan_at(c, as_of))
        .map(|pl| iso(pl.review_due.value));
    Some(RegisterRow {
        id: folder.id.clone(),
        name: register_name(p),
        preferred: p.preferred.clone(),
        known_as: p.known_as().to_string(),
        year,
        year_label: views::year_label(year),
        class: p.class.clone(),
        status: p.status.code(),
        status_label: p.status.label(),
        primary_need: p.primary_need.map(views::NeedView::of),
        secondary_need: p.secondary_need.map(views::NeedView::of),
        review_due,
        annual_review_due: asof::PupilAsOf::new(folder, p, as_of)
            .annual_review_due()
            .map(|(_, due)| iso(due)),
        open_findings: open.get(folder.id.as_str()).copied().unwrap_or(0),
    })
}

/// The register in the order asked for: by year (then class and name), class or name.
fn sort_register(rows: &mut [RegisterRow], sort: &str) {
    let key_class = |r: &RegisterRow| r.class.clone().unwrap_or_default();
    match sort {
        "class" => rows.sort_by(|a, b| {
            key_class(a)
                .cmp(&key_class(b))
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| a.id.cmp(&b.id))
        }),
        "name" => rows.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id))),
        _ => rows.sort_by(|a, b| {
            a.year
                .cmp(&b.year)
                .then_with(|| key_class(a).cmp(&key_class(b)))
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| a.id.cmp(&b.id))
        }),
    }
}

/// The needs the register's rows name, in the census's order (the key under the table).
fn needs_used(rows: &[RegisterRow]) -> Vec<views::NeedView> {
    let used: std::collections::BTreeSet<&str> = rows
        .iter()
        .flat_map(|r| [&r.primary_need, &r.secondary_need])
        .flatten()
        .map(|n| n.code)
        .collect();
    crate::model::Need::ALL
        .into_iter()
        .filter(|n| used.contains(n.code()))
        .map(views::NeedView::of)
        .collect()
}
