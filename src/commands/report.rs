//! `sen report`: the SEN information report (public, 6.79-6.81), the SEN register and the
//! costed provision map (6.76-6.77), each rendered from a template to Markdown or HTML.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use chrono::NaiveDate;

use crate::cli::{OutputFormat, ReportArgs, ReportKind};
use crate::commands::story;
use crate::dates;
use crate::docx;
use crate::findings::Kind;
use crate::load::Loaded;
use crate::model::{Area, Cycle, Provision, Pupil, Records, SECTIONS, Status};
use crate::render::{self, Renderer};
use crate::rules::{self, view};
use crate::settings::{Ctx, parse_date};
use crate::views::{
    self, CostLine, CostTotal, CountView, InformationView, NumbersView, OTHER_NEEDS,
    ProvisionMapView, ProvisionView, PupilCosts, RegisterRow, RegisterView, SchoolView,
    SectionView, iso,
};

pub fn run(args: &ReportArgs, ctx: &Ctx) -> Result<i32> {
    let root = ctx.root()?.to_path_buf();
    if let Some(out) = &args.out {
        render::check_output_path(Some(&root), out)?;
    }
    let renderer = Renderer::new(Some(&root), args.template.as_deref())?;
    let mut parts = None;
    // Documents of several pages, each starting on a new page (passports).
    let mut pages: Option<Vec<String>> = None;
    let (markdown, title) = match args.kind {
        ReportKind::Effectiveness | ReportKind::Governors => {
            let loaded = crate::load::load(&root, ctx.as_of);
            warn_invalid(&loaded);
            let (from, to) = period(args, ctx.as_of)?;
            let doc = if args.kind == ReportKind::Effectiveness {
                crate::commands::oversight::effectiveness_report(&loaded, ctx.as_of, from, to)
            } else {
                crate::commands::oversight::governors_report(&loaded, ctx.as_of, from, to)
            };
            parts = Some(doc.parts);
            (doc.markdown, doc.title)
        }
        ReportKind::Pupil => {
            let [id] = args.pupils.as_slice() else {
                bail!("give one pupil: `sen report pupil ID` (the folder name under pupils/)");
            };
            let loaded = crate::load::load(&root, ctx.as_of);
            warn_invalid(&loaded);
            let (default_from, default_to) = story::default_period(&loaded.records, ctx.as_of);
            let (from, to) = period_or(args, default_from, default_to)?;
            let (view, chart) = story::pupil_report(&loaded, id, ctx.as_of, from, to)?;
            let title = format!("SEN record: {}", view.pupil.full_name);
            let markdown = renderer.render("pupil.md.j2", &view)?;
            if let Some(svg) = chart {
                // The chart goes after the table of reviews it draws.
                let (before, after) = match markdown.find("\n## Provision") {
                    Some(i) => markdown.split_at(i),
                    None => (markdown.as_str(), ""),
                };
                parts = Some(vec![
                    render::Part::Markdown(before.to_string()),
                    render::Part::Svg(svg),
                    render::Part::Markdown(after.to_string()),
                ]);
            }
            (markdown, title)
        }
        ReportKind::Passport => {
            let loaded = crate::load::load(&root, ctx.as_of);
            warn_invalid(&loaded);
            let whom = match (&args.class, args.year.as_slice(), args.pupils.as_slice()) {
                (Some(c), [], []) => story::Whom::Class(c),
                (None, [_, ..], []) => story::Whom::Years(&args.year),
                (None, [], [_, ..]) => story::Whom::Ids(&args.pupils),
                _ => bail!(
                    "give the pupils, or `--class CLASS`, or `--year N`: `sen report passport amara-okafor` or `sen report passport --class \"5 Willow\"`"
                ),
            };
            let view = story::passports(&loaded.records, whom, ctx.as_of)?;
            let title = match view.pupils.as_slice() {
                [one] => format!("Pupil passport: {}", one.pupil.full_name),
                _ => format!("Pupil passports: {}", view.school.name),
            };
            let rendered = view
                .pages()
                .map(|page| renderer.render("passport.md.j2", &page))
                .collect::<Result<Vec<String>>>()?;
            pages = Some(rendered.clone());
            (rendered.join("\n---\n\n"), title)
        }
        ReportKind::Information => {
            let loaded = crate::load::load(&root, ctx.as_of);
            warn_invalid(&loaded);
            let view = information(&loaded.records, ctx.as_of)?;
            let title = format!("SEN information report: {}", view.school.name);
            (renderer.render("information.md.j2", &view)?, title)
        }
        ReportKind::Register => {
            let (loaded, findings, _) = crate::commands::check::evaluate(ctx, None)?;
            warn_invalid(&loaded);
            let view = register(&loaded, &findings, ctx.as_of, &args.sort, &args.year)?;
            let title = format!("SEN register: {}", view.school.name);
            (renderer.render("register.md.j2", &view)?, title)
        }
        ReportKind::ProvisionMap => {
            let loaded = crate::load::load(&root, ctx.as_of);
            warn_invalid(&loaded);
            let (from, to) = period(args, ctx.as_of)?;
            let view = provision_map(&loaded.records, ctx.as_of, from, to);
            let title = format!("Provision map: {}", view.school.name);
            (renderer.render("provision-map.md.j2", &view)?, title)
        }
    };
    let bytes = match args.format {
        OutputFormat::Markdown => markdown.into_bytes(),
        OutputFormat::Html => match (&parts, &pages) {
            (Some(parts), _) => render::html_page_parts(&title, parts),
            (None, Some(pages)) => {
                let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
                render::html_document(&title, &pages)
            }
            (None, None) => render::html_page(&title, &markdown),
        }
        .into_bytes(),
        // The Markdown carries every figure the charts show, as tables.
        OutputFormat::Docx => {
            let layout = match args.kind {
                ReportKind::Register | ReportKind::ProvisionMap => docx::Layout::Landscape,
                _ => docx::Layout::Portrait,
            };
            match &pages {
                Some(pages) => {
                    let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
                    docx::document(&pages, layout, Some(&title))?
                }
                None => docx::document(&[&markdown], layout, Some(&title))?,
            }
        }
    };
    render::emit(Some(&root), args.out.as_deref(), args.format, &bytes)?;
    Ok(0)
}

/// The period of `--from` and `--to` (default: the academic year up to as-of).
fn period(args: &ReportArgs, as_of: NaiveDate) -> Result<(NaiveDate, NaiveDate)> {
    period_or(args, dates::academic_year_start(as_of), as_of)
}

/// The period of `--from` and `--to`, each defaulting as given.
fn period_or(
    args: &ReportArgs,
    default_from: NaiveDate,
    default_to: NaiveDate,
) -> Result<(NaiveDate, NaiveDate)> {
    let from = match &args.from {
        Some(t) => parse_date("--from", t)?,
        None => default_from,
    };
    let to = match &args.to {
        Some(t) => parse_date("--to", t)?,
        None => default_to,
    };
    if to < from {
        bail!(
            "the period ends ({}) before it starts ({}): give `--from` on or before `--to`",
            dates::uk(to),
            dates::uk(from)
        );
    }
    Ok((from, to))
}

/// A report built on records that did not all load says so: what could not be read is
/// missing from it.
fn warn_invalid(loaded: &Loaded) {
    let bad: std::collections::BTreeSet<&str> = loaded
        .findings
        .iter()
        .filter(|f| f.kind == Kind::Invalid)
        .filter_map(|f| f.file.as_deref())
        .collect();
    if !bad.is_empty() {
        eprintln!(
            "warning: {} record {} invalid and may be missing from this report: run `sen check`",
            bad.len(),
            if bad.len() == 1 {
                "file is"
            } else {
                "files are"
            }
        );
    }
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
        effectiveness: crate::commands::oversight::effectiveness_summary(records, as_of),
    })
}

/// The SEN in numbers, with small counts suppressed and no way to work them out.
pub fn numbers(records: &Records, as_of: NaiveDate) -> NumbersView {
    let threshold = records.school.settings.suppress_below;
    let mut k = 0u32;
    let mut e = 0u32;
    let mut areas = [0u32; 5];
    for p in on_register(records, as_of) {
        match p.status {
            Status::K => k += 1,
            Status::E => e += 1,
            Status::N => {}
        }
        let i = p
            .primary_need
            .and_then(|n| n.area())
            .and_then(|a| Area::ALL.iter().position(|x| *x == a))
            .unwrap_or(4);
        areas[i] += 1;
    }
    let status_cells = vec![("SEN support".to_string(), k), ("EHC plan".to_string(), e)];
    let mut area_cells: Vec<(String, u32)> = Area::ALL
        .iter()
        .zip(areas)
        .map(|(a, n)| (a.label().to_string(), n))
        .collect();
    area_cells.push((OTHER_NEEDS.to_string(), areas[4]));
    let (by_status, by_area, total_safe) = suppress(&[status_cells, area_cells], threshold);
    let total = k + e;
    let any_small = by_status.iter().chain(&by_area).any(|c| c.small);
    let any_withheld = by_status.iter().chain(&by_area).any(|c| c.withheld);
    NumbersView {
        suppress_below: threshold,
        by_status,
        by_area,
        total: total_safe.then(|| total.to_string()),
        any_withheld,
        any_small,
    }
}

/// Suppress small counts in breakdowns of one total, by the method of [`crate::suppress`]:
/// no hidden count can be worked out from what is shown.
fn suppress(
    breakdowns: &[Vec<(String, u32)>; 2],
    threshold: u32,
) -> (Vec<CountView>, Vec<CountView>, bool) {
    use crate::suppress::Shown;
    let counts: Vec<Vec<u32>> = breakdowns
        .iter()
        .map(|b| b.iter().map(|(_, n)| *n).collect())
        .collect();
    let decided = crate::suppress::suppress(&counts, threshold);
    let cells = |bi: usize| -> Vec<CountView> {
        breakdowns[bi]
            .iter()
            .zip(&decided.cells[bi])
            .map(|((label, n), shown)| CountView {
                label: label.clone(),
                shown: shown.text(*n, threshold),
                small: *shown == Shown::Small,
                withheld: *shown == Shown::Withheld,
            })
            .collect()
    };
    (cells(0), cells(1), decided.total_shown)
}

/// Pupils on the register at `as_of` whose pupil.yaml loaded, in folder order.
fn on_register(records: &Records, as_of: NaiveDate) -> impl Iterator<Item = &Pupil> {
    records
        .pupils
        .iter()
        .filter_map(|f| f.pupil.as_ref())
        .filter(move |p| rules::on_register(p, as_of))
}

/// "Okafor, Amara".
fn register_name(p: &Pupil) -> String {
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
    let mut open: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.kind != Kind::Late) {
        if let Some(p) = &f.pupil {
            *open.entry(p.as_str()).or_default() += 1;
        }
    }
    let mut rows = Vec::new();
    for folder in &loaded.records.pupils {
        let Some(p) = &folder.pupil else { continue };
        if !rules::on_register(p, as_of) {
            continue;
        }
        let year = views::nc_year(p, as_of);
        if !years.is_empty() && !years.contains(&year) {
            continue;
        }
        let review_due = view::open_cycle(&folder.cycles, as_of)
            .and_then(|c| view::plan_at(c, as_of))
            .map(|pl| iso(pl.review_due.value));
        rows.push(RegisterRow {
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
            annual_review_due: view::PupilView::new(folder, p, as_of)
                .annual_review_due()
                .map(|(_, due)| iso(due)),
            open_findings: open.get(folder.id.as_str()).copied().unwrap_or(0),
        });
    }
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
    let sen_support = rows.iter().filter(|r| r.status == "K").count();
    let ehc_plan = rows.iter().filter(|r| r.status == "E").count();
    Ok(RegisterView {
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

/// An exact fraction, for money: never floats in a sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ratio {
    num: i128,
    den: i128,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

impl Ratio {
    /// A whole number.
    pub fn int(n: i128) -> Ratio {
        Ratio { num: n, den: 1 }
    }

    /// The exact decimal a record wrote: 18.5 is 185/10, not the nearest binary float.
    pub fn decimal(x: f64) -> Ratio {
        // Rust prints the shortest text that reads back as the same float: the decimal the
        // person typed.
        let text = format!("{x}");
        let (int_part, frac) = text.split_once('.').unwrap_or((&text, ""));
        let digits = format!("{int_part}{frac}");
        let num: i128 = digits.parse().unwrap_or(0);
        let den = 10i128.pow(frac.len().min(30) as u32);
        Ratio { num, den }.reduced()
    }

    fn reduced(self) -> Ratio {
        let g = gcd(self.num, self.den);
        let s = if self.den < 0 { -1 } else { 1 };
        Ratio {
            num: s * self.num / g,
            den: s * self.den / g,
        }
    }

    pub fn times(self, o: Ratio) -> Ratio {
        let g1 = gcd(self.num, o.den);
        let g2 = gcd(o.num, self.den);
        // The ranges of records.md keep every product far inside 128 bits; saturating rather
        // than wrapping means a mistake there could never turn a cost negative.
        Ratio {
            num: (self.num / g1).saturating_mul(o.num / g2),
            den: (self.den / g2).saturating_mul(o.den / g1),
        }
        .reduced()
    }

    pub fn over(self, o: Ratio) -> Ratio {
        if o.num == 0 {
            return Ratio::int(0);
        }
        self.times(Ratio {
            num: o.den,
            den: o.num,
        })
    }

    /// Rounded half up to a whole number.
    pub fn round_half_up(self) -> i64 {
        let r = self
            .num
            .saturating_mul(2)
            .saturating_add(self.den)
            .div_euclid(self.den.saturating_mul(2));
        i64::try_from(r).unwrap_or(i64::MAX)
    }
}

/// Cost per pupil per week, exactly, in pence: cost per hour x sessions x minutes / 60 /
/// group size.
pub fn weekly_pence(p: &Provision) -> Ratio {
    Ratio::decimal(p.cost_per_hour)
        .times(Ratio::int(100))
        .times(Ratio::decimal(p.sessions_per_week))
        .times(Ratio::decimal(p.minutes_per_session))
        .over(Ratio::int(60))
        .over(Ratio::int(i128::from(p.group_size.max(1))))
}

/// Two decimal places of an exact fraction, rounded half up.
fn two_places(r: Ratio) -> String {
    let h = r.times(Ratio::int(100)).round_half_up();
    format!("{}.{:02}", h.div_euclid(100), h.rem_euclid(100))
}

/// The top-up threshold: £6,000 over a 39-week year (6.99).
pub const TOP_UP_PENCE: i64 = 600_000;
pub const TOP_UP_WEEKS: i64 = 39;

/// The provision map's view: every line costed exactly and rounded once.
pub fn provision_map(
    records: &Records,
    as_of: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> ProvisionMapView {
    let terms = rules::term_spans(&records.school.terms, from, to);
    let mut pupils = Vec::new();
    let mut by_provision: BTreeMap<String, (std::collections::BTreeSet<String>, i64)> =
        BTreeMap::new();
    let mut by_area: BTreeMap<&'static str, (std::collections::BTreeSet<String>, i64)> =
        BTreeMap::new();
    for folder in &records.pupils {
        let Some(p) = &folder.pupil else { continue };
        let pupil_area = p
            .primary_need
            .map_or(OTHER_NEEDS, |n| n.area().map_or(OTHER_NEEDS, |a| a.label()));
        let mut lines = Vec::new();
        let mut current_year_cost = 0i64;
        let mut cycles: Vec<&Cycle> = folder
            .cycles
            .iter()
            .filter(|c| c.started.value <= as_of)
            .collect();
        cycles.sort_by(|a, b| {
            a.started
                .value
                .cmp(&b.started.value)
                .then(a.file.cmp(&b.file))
        });
        for c in cycles {
            let Some(plan) = view::plan_at(c, as_of) else {
                continue;
            };
            let runs_from = plan.agreed.as_ref().map_or(c.started.value, |d| d.value);
            let review = view::review_at(c, as_of);
            let runs_to = review.map_or(as_of, |r| r.date.value);
            let open = review.is_none();
            let a = runs_from.max(from);
            let b = runs_to.min(to);
            for prov in &plan.provision {
                let weekly = weekly_pence(prov);
                if open {
                    current_year_cost += weekly
                        .times(Ratio::int(TOP_UP_WEEKS.into()))
                        .round_half_up();
                }
                if b < a {
                    continue;
                }
                let days = rules::term_days(&terms, a, b);
                if days == 0 {
                    continue;
                }
                let cost = weekly
                    .times(Ratio::int(days.into()))
                    .over(Ratio::int(7))
                    .round_half_up();
                let area = prov.area.map_or(pupil_area, |x| x.label());
                let hours = Ratio::decimal(prov.sessions_per_week)
                    .times(Ratio::decimal(prov.minutes_per_session))
                    .over(Ratio::int(60));
                let entry = by_provision.entry(prov.name.clone()).or_default();
                entry.0.insert(folder.id.clone());
                entry.1 += cost;
                let entry = by_area.entry(area).or_default();
                entry.0.insert(folder.id.clone());
                entry.1 += cost;
                lines.push(CostLine {
                    provision: ProvisionView::of(prov),
                    cycle_file: c.file.clone(),
                    area,
                    cycle_started: iso(c.started.value),
                    weekly_hours: two_places(hours),
                    weekly_cost: weekly.round_half_up(),
                    from: iso(a),
                    to: iso(b),
                    term_days: days,
                    weeks: two_places(Ratio::int(days.into()).over(Ratio::int(7))),
                    cost,
                });
            }
        }
        if lines.is_empty() && current_year_cost == 0 {
            continue;
        }
        let year = views::nc_year(p, as_of);
        pupils.push(PupilCosts {
            id: folder.id.clone(),
            name: register_name(p),
            year_label: views::year_label(year),
            status_label: p.status.label(),
            total: lines.iter().map(|l| l.cost).sum(),
            lines,
            current_year_cost,
            top_up: current_year_cost > TOP_UP_PENCE,
        });
    }
    pupils.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    let totals = |m: BTreeMap<String, (std::collections::BTreeSet<String>, i64)>| {
        m.into_iter()
            .map(|(label, (ps, cost))| CostTotal {
                label,
                pupils: ps.len(),
                cost,
            })
            .collect::<Vec<_>>()
    };
    // Areas in the order of the Code (6.28), other needs last.
    let mut areas: Vec<CostTotal> = Vec::new();
    for label in Area::ALL.iter().map(|a| a.label()).chain([OTHER_NEEDS]) {
        if let Some((ps, cost)) = by_area.remove(label) {
            areas.push(CostTotal {
                label: label.to_string(),
                pupils: ps.len(),
                cost,
            });
        }
    }
    let total = pupils.iter().map(|p| p.total).sum();
    ProvisionMapView {
        school: SchoolView::of(&records.school),
        as_of: iso(as_of),
        from: iso(from),
        to: iso(to),
        top_up_count: pupils.iter().filter(|p| p.top_up).count(),
        pupils,
        by_provision: totals(by_provision),
        by_area: areas,
        total,
        top_up_threshold: TOP_UP_PENCE,
        top_up_weeks: TOP_UP_WEEKS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Term;

    fn d(s: &str) -> NaiveDate {
        dates::parse(s).unwrap()
    }

    #[test]
    fn decimals_from_records_are_read_exactly() {
        assert_eq!(Ratio::decimal(18.5), Ratio { num: 37, den: 2 });
        assert_eq!(Ratio::decimal(0.1), Ratio { num: 1, den: 10 });
        assert_eq!(Ratio::decimal(3.0), Ratio::int(3));
    }

    #[test]
    fn halves_round_up_to_the_penny() {
        assert_eq!(Ratio { num: 5, den: 2 }.round_half_up(), 3);
        assert_eq!(Ratio { num: 49, den: 20 }.round_half_up(), 2);
        assert_eq!(Ratio::int(7).round_half_up(), 7);
    }

    #[test]
    fn weekly_cost_of_a_group_of_four_is_shared() {
        // £17.20 an hour, 3 x 30 minutes, 4 pupils: 17.20 x 3 x 30 / 60 / 4 = £6.45.
        let p = Provision {
            id: None,
            name: "Maths".into(),
            area: None,
            staff: None,
            group_size: 4,
            sessions_per_week: 3.0,
            minutes_per_session: 30.0,
            cost_per_hour: 17.20,
        };
        assert_eq!(weekly_pence(&p), Ratio::int(645));
    }

    #[test]
    fn default_terms_skip_august_and_holidays_are_not_counted() {
        let t = rules::term_spans(&[], d("2026-09-01"), d("2027-08-31"));
        assert_eq!(
            t.len(),
            1,
            "default terms run on from 1 Sept to 31 July: {t:?}"
        );
        assert_eq!(rules::term_days(&t, d("2027-07-30"), d("2027-08-02")), 2);
        let school = vec![
            Term {
                name: "Autumn".into(),
                start: d("2026-09-03"),
                end: d("2026-12-18"),
            },
            Term {
                name: "Spring".into(),
                start: d("2027-01-05"),
                end: d("2027-03-26"),
            },
        ];
        let t = rules::term_spans(&school, d("2026-09-01"), d("2027-01-10"));
        assert_eq!(rules::term_days(&t, d("2026-12-17"), d("2027-01-06")), 4);
    }

    #[test]
    fn a_single_small_count_is_not_left_to_subtraction() {
        let (status, area, total) = suppress(
            &[
                vec![("K".into(), 20), ("E".into(), 3)],
                vec![("a".into(), 10), ("b".into(), 13)],
            ],
            5,
        );
        assert_eq!(status[1].shown, "fewer than 5");
        assert_eq!(status[0].shown, "withheld");
        assert_eq!(area[0].shown, "10");
        assert!(!total);
    }

    #[test]
    fn counts_all_at_or_over_the_threshold_show_a_total() {
        let (status, _, total) = suppress(
            &[
                vec![("K".into(), 20), ("E".into(), 0)],
                vec![("a".into(), 20)],
            ],
            5,
        );
        assert_eq!(status[1].shown, "0");
        assert!(total);
    }
}
