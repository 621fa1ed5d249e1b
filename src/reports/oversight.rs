//! `sen report effectiveness` (is the provision working? 6.77) and `sen report governors`
//! (the governor who oversees SEN, 6.3): figures derived from the records as they stood on
//! each date, from one load. Neither names a pupil; the governors' report suppresses small
//! counts as the information report does ([`crate::suppress`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use chrono::NaiveDate;

use crate::chart::{BarChart, Scale, Series};
use crate::dates::{self, uk};
use crate::findings::Rule;
use crate::load::Loaded;
use crate::model::{Achieved, Area, Progress, Records};
use crate::national;
use crate::render::{Part, md_escape, money};
use crate::reports::costs::provision_map;
use crate::rules::{self, Options};
use crate::suppress::{Shown, Total, suppress, suppress_group};

use super::published;
use crate::views::{self, OTHER_NEEDS};

/// A report: its Markdown, its title, and the parts of its HTML page (Markdown and charts).
pub struct Doc {
    pub title: String,
    pub markdown: String,
    pub parts: Vec<Part>,
}

/// Builds a [`Doc`]: Markdown goes to both outputs, charts only to HTML.
#[derive(Default)]
struct Builder {
    markdown: String,
    chunk: String,
    parts: Vec<Part>,
}

impl Builder {
    fn md(&mut self, text: &str) {
        self.markdown.push_str(text);
        self.chunk.push_str(text);
    }
    fn chart(&mut self, svg: String) {
        let chunk = std::mem::take(&mut self.chunk);
        self.parts.push(Part::Markdown(chunk));
        self.parts.push(Part::Svg(svg));
    }
    /// A chart, or where every value is withheld the sentence that says so (HTML and Word).
    fn chart_or_words(&mut self, chart: BarChart, id: &str) {
        if chart.nothing_shown() {
            let chunk = std::mem::take(&mut self.chunk);
            self.parts.push(Part::Markdown(chunk));
            self.parts
                .push(Part::Markdown(format!("{}\n\n", chart.withheld_words())));
        } else {
            self.chart(chart.svg(id));
        }
    }
    fn done(mut self, title: String) -> Doc {
        let chunk = std::mem::take(&mut self.chunk);
        self.parts.push(Part::Markdown(chunk));
        Doc {
            title,
            markdown: self.markdown,
            parts: self.parts,
        }
    }
}

/// The progress levels of a review, in the order rules.md gives them.
pub const PROGRESS: [(Progress, &str); 4] = [
    (Progress::Good, "good"),
    (Progress::Expected, "expected"),
    (Progress::LessThanExpected, "less than expected"),
    (Progress::LittleOrNone, "little or none"),
];

/// What went with one provision in the cycles reviewed in a period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effect {
    /// The catalogue id, or the name of a provision described in place.
    pub key: String,
    pub name: String,
    pub pupils: usize,
    pub cycles: usize,
    /// Outcomes of those cycles' plans, each plan's outcomes counted once per provision.
    pub outcomes: u32,
    pub achieved: u32,
    pub partly: u32,
    pub not_achieved: u32,
    /// Outcomes the review gave no judgement for.
    pub not_judged: u32,
    /// Reviews by progress level, in [`PROGRESS`] order.
    pub progress: [u32; 4],
    /// The provision map's cost of these cycles' lines for it over the period, in pence.
    pub cost: i64,
}

impl Effect {
    /// Achieved outcomes as a share of all, per cent; none without outcomes.
    pub fn share_achieved(&self) -> Option<f64> {
        (self.outcomes > 0).then(|| f64::from(self.achieved) * 100.0 / f64::from(self.outcomes))
    }
    /// Cost per outcome achieved, in pence (rounded half up), when any was achieved.
    pub fn cost_per_achieved(&self) -> Option<i64> {
        (self.achieved > 0).then(|| {
            let a = i64::from(self.achieved);
            (2 * self.cost + a).div_euclid(2 * a)
        })
    }
}

/// Every provision in the plan of a cycle reviewed in `[from, to]` (as the records stood at
/// as-of), with what went with it; sorted by share of outcomes achieved, best first.
pub fn effectiveness(
    records: &Records,
    as_of: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<Effect> {
    // The provision map's costs, line by line: (pupil, cycle file, provision key) -> pence.
    let map = provision_map(records, as_of, from, to);
    let mut cost: BTreeMap<(&str, &str, String), i64> = BTreeMap::new();
    for p in &map.pupils {
        for l in &p.lines {
            let key = l
                .provision
                .catalogue_id
                .clone()
                .unwrap_or_else(|| l.provision.name.clone());
            *cost
                .entry((p.id.as_str(), l.cycle_file.as_str(), key))
                .or_default() += l.cost;
        }
    }
    let mut by: BTreeMap<String, (Effect, BTreeSet<&str>)> = BTreeMap::new();
    for r in reviewed_cycles(records, as_of, from, to) {
        let mut seen = BTreeSet::new();
        for prov in &r.plan.provision {
            let key = prov.id.clone().unwrap_or_else(|| prov.name.clone());
            if !seen.insert(key.clone()) {
                continue;
            }
            let (e, pupils) = by.entry(key.clone()).or_default();
            e.key = key.clone();
            e.name = prov.name.clone();
            pupils.insert(r.pupil);
            e.cycles += 1;
            let j = r.judgements();
            e.outcomes += j.iter().sum::<u32>();
            e.achieved += j[0];
            e.partly += j[1];
            e.not_achieved += j[2];
            e.not_judged += j[3];
            if let Some(i) = PROGRESS.iter().position(|(p, _)| *p == r.review.progress) {
                e.progress[i] += 1;
            }
            e.cost += cost
                .get(&(r.pupil, r.cycle.file.as_str(), key))
                .copied()
                .unwrap_or(0);
        }
    }
    let mut out: Vec<Effect> = by
        .into_values()
        .map(|(mut e, pupils)| {
            e.pupils = pupils.len();
            e
        })
        .collect();
    out.sort_by(|a, b| {
        b.share_achieved()
            .unwrap_or(-1.0)
            .total_cmp(&a.share_achieved().unwrap_or(-1.0))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.key.cmp(&b.key))
    });
    out
}

/// A cycle reviewed in a period, with its plan and review as the records stood at as-of.
pub(crate) struct Reviewed<'a> {
    pupil: &'a str,
    cycle: &'a crate::model::Cycle,
    plan: &'a crate::model::Plan,
    review: &'a crate::model::Review,
}

impl Reviewed<'_> {
    /// The plan's outcomes by the review's judgement: achieved, partly, not achieved, not
    /// judged.
    pub(crate) fn judgements(&self) -> [u32; 4] {
        let mut j = [0u32; 4];
        for o in &self.plan.outcomes {
            let i = match self.review.outcomes.iter().find(|(id, _)| *id == o.id) {
                Some((_, Achieved::Achieved)) => 0,
                Some((_, Achieved::Partly)) => 1,
                Some((_, Achieved::NotAchieved)) => 2,
                None => 3,
            };
            j[i] += 1;
        }
        j
    }
}

/// Every cycle with a review dated in `[from, to]`, as the records stood at as-of: the one
/// reading of "reviewed in the period" behind the effectiveness report and the figures the
/// information report quotes.
pub(crate) fn reviewed_cycles(
    records: &Records,
    as_of: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> impl Iterator<Item = Reviewed<'_>> {
    records
        .pupils
        .iter()
        .filter(|f| published::counted(f).is_some())
        .flat_map(move |folder| {
            folder
                .cycles
                .iter()
                .filter(move |c| c.started.value <= as_of)
                .filter_map(move |c| {
                    let review = rules::asof::review_at(c, as_of)?;
                    if review.date.value < from || review.date.value > to {
                        return None;
                    }
                    let plan = rules::asof::plan_at(c, as_of)?;
                    Some(Reviewed {
                        pupil: folder.id.as_str(),
                        cycle: c,
                        plan,
                        review,
                    })
                })
        })
}

/// The effectiveness figures the (public) information report may quote: the plans reviewed
/// this academic year up to as-of and how their outcomes went, each plan's outcomes counted
/// once. Small counts are suppressed as in "SEN in numbers", and no share is given of a
/// count that is hidden.
pub fn effectiveness_summary(records: &Records, as_of: NaiveDate) -> views::EffectivenessView {
    let from = dates::academic_year_start(as_of);
    let o = published::outcomes(records, as_of, from, as_of);
    let t = o.threshold;
    let d = &o.judged_decided;
    let outcomes = o.outcomes();
    let judged = |i: usize| views::JudgedView {
        shown: d.cells[0][i].text(o.judged[i], t),
        share: (d.cells[0][i] == Shown::Count && d.total_shown() && outcomes > 0).then(|| {
            format!(
                "{:.0}%",
                f64::from(o.judged[i]) * 100.0 / f64::from(outcomes)
            )
        }),
    };
    // The sentence gives the outcomes in numbers only when no judgement is hidden.
    let none_hidden = d.cells[0].iter().all(|c| *c == Shown::Count);
    views::EffectivenessView {
        from: views::iso(from),
        to: views::iso(as_of),
        any: o.reviews > 0,
        reviews: o.reviews_shown.text(o.reviews, t),
        figures: none_hidden && d.total_shown() && outcomes > 0,
        outcomes: if none_hidden {
            d.total.text(outcomes, t)
        } else {
            "withheld".to_string()
        },
        achieved: judged(0),
        partly: judged(1),
        not_achieved: judged(2),
        not_judged: judged(3),
    }
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |x| format!("{x:.0}%"))
}

fn period_words(from: NaiveDate, to: NaiveDate, as_of: NaiveDate) -> String {
    format!(
        "Period: {} to {}. The records as they stood on {}.\n\n",
        uk(from),
        uk(to),
        uk(as_of)
    )
}

const SHARED_OUTCOMES: &str = "Every provision in a plan shares that plan's outcomes: a cycle whose plan held two provisions counts its outcomes once for each. The figures show what went with a provision, not what it caused.";

/// `sen report effectiveness`.
pub fn effectiveness_report(
    loaded: &Loaded,
    as_of: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> Doc {
    let records = &loaded.records;
    let school = md_escape(&records.school.name);
    let effects = effectiveness(records, as_of, from, to);
    let mut b = Builder::default();
    let mut s = String::new();
    let _ = writeln!(s, "# Effectiveness of SEN provision: {school}\n");
    s.push_str("*Confidential: for the school's own evaluation (6.77). It names no pupil.*\n\n");
    s.push_str(&period_words(from, to, as_of));
    s.push_str("Each provision in the plan of an assess-plan-do-review cycle reviewed in the period, with the outcomes and progress recorded at those reviews and its cost over the period as the provision map computes it. ");
    s.push_str(SHARED_OUTCOMES);
    s.push_str("\n\n");
    if effects.is_empty() {
        s.push_str("No cycle was reviewed in the period.\n");
        b.md(&s);
        return b.done(format!(
            "Effectiveness of SEN provision: {}",
            records.school.name
        ));
    }
    s.push_str("## Outcomes\n\n| Provision | Pupils | Reviewed cycles | Outcomes | Achieved | Partly | Not achieved | Not judged | Share achieved |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for e in &effects {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            md_escape(&e.name).replace('|', "\\|"),
            e.pupils,
            e.cycles,
            e.outcomes,
            e.achieved,
            e.partly,
            e.not_achieved,
            e.not_judged,
            pct(e.share_achieved())
        );
    }
    s.push('\n');
    b.md(&s);
    b.chart(
        BarChart {
            title: "Share of outcomes achieved, by provision".into(),
            desc: effects
                .iter()
                .map(|e| format!("{}: {}", e.name, pct(e.share_achieved())))
                .collect::<Vec<_>>()
                .join("; "),
            categories: effects.iter().map(|e| e.name.clone()).collect(),
            series: vec![Series {
                name: "achieved".into(),
                values: effects.iter().map(|e| e.share_achieved()).collect(),
                labels: effects.iter().map(|e| pct(e.share_achieved())).collect(),
            }],
            scale: Scale::Percent,
        }
        .svg("effect"),
    );
    let mut s = String::new();
    s.push_str("## Progress and cost\n\n| Provision | Good | Expected | Less than expected | Little or none | Cost over the period | Cost per outcome achieved |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for e in &effects {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            md_escape(&e.name).replace('|', "\\|"),
            e.progress[0],
            e.progress[1],
            e.progress[2],
            e.progress[3],
            money(e.cost),
            e.cost_per_achieved().map_or_else(|| "–".to_string(), money)
        );
    }
    s.push_str("\nProgress counts reviews: each reviewed cycle's progress judgement, once for each provision in its plan. A cost of £0.00 is provision recorded at no cost per hour, or given only outside term time.\n");
    b.md(&s);
    b.done(format!(
        "Effectiveness of SEN provision: {}",
        records.school.name
    ))
}

fn area_labels() -> Vec<String> {
    Area::ALL
        .iter()
        .map(|a| a.label().to_string())
        .chain([OTHER_NEEDS.to_string()])
        .collect()
}

pub use super::published::{RegisterAt, register_over};

/// The dates of the register: each term end in the period up to as-of, then as-of.
pub fn register_dates(
    records: &Records,
    as_of: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(String, String, NaiveDate)> {
    let last = to.min(as_of);
    let mut out = Vec::new();
    let mut y = dates::academic_year_start(from);
    while y <= last {
        for t in rules::terms(&records.school.terms, y) {
            if t.end >= from && t.end <= last && t.end != as_of {
                out.push((
                    format!("End of {} term, {}", t.name, uk(t.end)),
                    format!("{} {}", t.name, t.end.format("%Y")),
                    t.end,
                ));
            }
        }
        y = dates::add_months(y, 12);
    }
    out.sort_by_key(|(_, _, d)| *d);
    out.dedup_by_key(|(_, _, d)| *d);
    out.push((format!("Now ({})", uk(as_of)), "Now".to_string(), as_of));
    out
}

/// A count as published: the number, "fewer than N" or "withheld".
fn shown(n: u32, s: Shown, t: u32) -> String {
    s.text(n, t)
}

fn share(n: u32, s: Shown, roll: Option<u32>) -> String {
    match (s, roll) {
        (Shown::Count, Some(r)) if r > 0 => format!("{:.1}%", f64::from(n) * 100.0 / f64::from(r)),
        _ => "–".to_string(),
    }
}

fn year_label(y: i64) -> String {
    views::year_label(y)
}

/// `sen report governors`.
pub fn governors_report(loaded: &Loaded, as_of: NaiveDate, from: NaiveDate, to: NaiveDate) -> Doc {
    let records = &loaded.records;
    let t = records.school.settings.suppress_below;
    let roll = records.school.pupils_on_roll;
    let mut b = Builder::default();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# SEN report for governors: {}\n",
        md_escape(&records.school.name)
    );
    s.push_str("For the governor who oversees special educational needs (6.3). ");
    s.push_str(&format!(
        "No pupil is named, and {}, with any count that would give one away withheld, so these figures can be published.\n\n",
        published::small_rule(t)
    ));
    s.push_str(&period_words(from, to, as_of));

    // The register.
    let days = register_dates(records, as_of, from, to);
    let published = published::registers(records, as_of, &days);
    let regs: Vec<&RegisterAt> = published.iter().map(|p| &p.counts).collect();
    let years: Vec<i64> = regs
        .iter()
        .flat_map(|r| r.years.keys().copied())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let areas = area_labels();
    s.push_str("## The SEN register\n\n");
    let nat = national::latest();
    let _ = writeln!(
        s,
        "Nationally, {:.1}% of pupils are on SEN support and {:.1}% have an EHC plan ({}, {}, from the {} census; the year before: {:.1}% and {:.1}%).{}\n",
        nat.sen_support,
        nat.ehc_plan,
        nat.source,
        nat.published,
        nat.census,
        national::RELEASES[1].sen_support,
        national::RELEASES[1].ehc_plan,
        match roll {
            Some(r) => format!(" Shares below are of the {r} pupils on the school's roll."),
            None => " The school's number on roll is not recorded, so the school's own shares are not shown.".to_string(),
        }
    );
    s.push_str("| Date | On the register | SEN support | EHC plan | SEN support, share of roll | EHC plan, share of roll |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
    for p in &published {
        let r = &p.counts;
        let (k, e) = (p.status(0), p.status(1));
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            r.label,
            p.total(),
            p.shown(k),
            p.shown(e),
            share(k.0, k.1, roll),
            share(e.0, e.1, roll),
        );
    }
    let _ = writeln!(
        s,
        "| National ({}) | | | | {:.1}% | {:.1}% |\n",
        nat.published, nat.sen_support, nat.ehc_plan
    );
    b.md(&s);
    let cats: Vec<String> = regs.iter().map(|r| r.short.clone()).collect();
    let series = |i: usize, name: &str| Series {
        name: name.into(),
        values: published
            .iter()
            .map(|p| {
                let (n, sh) = p.status(i);
                (sh == Shown::Count).then_some(f64::from(n))
            })
            .collect(),
        labels: published.iter().map(|p| p.shown(p.status(i))).collect(),
    };
    let chart = BarChart {
        title: "Pupils on the SEN register".into(),
        desc: published
            .iter()
            .map(|p| {
                format!(
                    "{}: SEN support {}, EHC plan {}",
                    p.counts.label,
                    p.shown(p.status(0)),
                    p.shown(p.status(1))
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        categories: cats,
        series: vec![series(0, "SEN support"), series(1, "EHC plan")],
        scale: Scale::Largest,
    };
    b.chart_or_words(chart, "register");

    let mut s = String::from("### By broad area of primary need\n\n| Date |");
    for a in &areas {
        let _ = write!(s, " {a} |");
    }
    s.push_str("\n| --- |");
    s.push_str(&" ---: |".repeat(areas.len()));
    s.push('\n');
    for p in &published {
        let _ = write!(s, "| {} |", p.counts.label);
        for i in 0..p.counts.areas.len() {
            let _ = write!(s, " {} |", p.shown(p.area(i)));
        }
        s.push('\n');
    }
    if !years.is_empty() {
        s.push_str("\n### By NC year\n\n| Date |");
        for y in &years {
            let _ = write!(s, " {} |", year_label(*y));
        }
        s.push_str("\n| --- |");
        s.push_str(&" ---: |".repeat(years.len()));
        s.push('\n');
        for p in &published {
            let _ = write!(s, "| {} |", p.counts.label);
            for y in &years {
                let _ = write!(s, " {} |", p.shown(p.year(*y)));
            }
            s.push('\n');
        }
    }
    s.push('\n');

    // The duties.
    let window = records.school.settings.due_within_days;
    let duties = rules::duties_in_period(&loaded.records, Options { as_of, window }, from, to);
    s.push_str(
        "## Duties

",
    );
    s.push_str("Each duty with something due in the period, counted by its due date, judged as the school's own checks of its records judge it: *on time* was done by its deadline, *late* after it, *not done* is still outstanding on the date of this report. \"Not recorded\": the records keep no date this duty was done, so only what is outstanding is counted.\n\n");
    let mut duty_rows = Vec::new();
    if duties.is_empty() {
        s.push_str("Nothing fell due in the period.\n\n");
    } else {
        s.push_str("| Duty | Paragraphs | Fell due | On time | Late | Not done | Share on time |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
        for d in &duties {
            let timed = d.on_time.is_some();
            let counts = vec![d.on_time.unwrap_or(0), d.late, d.not_done];
            // A duty whose doing is not recorded prints no total: late and not done are a
            // group of their own.
            let (states, total) = if timed {
                let sup = suppress(std::slice::from_ref(&counts), t);
                (sup.cells[0].clone(), Some(sup.total))
            } else {
                let sup = suppress_group(&[counts[1..].to_vec()], t, Total::Unpublished);
                let mut states = vec![Shown::Withheld];
                states.extend(&sup.cells[0]);
                (states, None)
            };
            let cells: Vec<String> = counts
                .iter()
                .zip(&states)
                .map(|(n, sh)| shown(*n, *sh, t))
                .collect();
            let fell = match (d.fell_due(), total) {
                (Some(n), Some(sh)) => shown(n, sh, t),
                _ => "–".to_string(),
            };
            // A share only of shown counts: the table and the chart print the same one.
            let share = match (d.fell_due(), total) {
                (Some(n), Some(Shown::Count)) if n > 0 && states[0] == Shown::Count => {
                    Some(f64::from(d.on_time.unwrap_or(0)) * 100.0 / f64::from(n))
                }
                _ => None,
            };
            let share_on_time = share.map_or_else(|| "–".to_string(), |v| format!("{v:.0}%"));
            let on_time = if timed {
                cells[0].clone()
            } else {
                "not recorded".to_string()
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} |",
                duty_label(d.rule),
                d.rule.paragraphs().join(", "),
                fell,
                on_time,
                cells[1],
                cells[2],
                share_on_time
            );
            duty_rows.push((d, share));
        }
        s.push('\n');
    }
    b.md(&s);
    if !duty_rows.is_empty() {
        // One bar a duty: the share done on time, where the counts behind it are shown.
        let shares: Vec<Option<f64>> = duty_rows.iter().map(|(_, share)| *share).collect();
        let labels: Vec<String> = duty_rows
            .iter()
            .zip(&shares)
            .map(|((d, ..), v)| match (v, d.on_time) {
                (Some(v), _) => format!("{v:.0}%"),
                (None, None) => "not recorded".to_string(),
                (None, Some(_)) => "withheld".to_string(),
            })
            .collect();
        b.chart_or_words(
            BarChart {
                title: "Duties done on time".into(),
                desc: duty_rows
                    .iter()
                    .zip(&labels)
                    .map(|((d, ..), l)| format!("{}: {l} on time", duty_label(d.rule)))
                    .collect::<Vec<_>>()
                    .join("; "),
                categories: duty_rows
                    .iter()
                    .map(|(d, ..)| duty_label(d.rule).to_string())
                    .collect(),
                series: vec![Series {
                    name: "on time".into(),
                    values: shares,
                    labels,
                }],
                scale: Scale::Percent,
            },
            "duties",
        );
    }

    // Spending.
    let map = provision_map(records, as_of, from, to);
    let mut s = String::from("## Spending on SEN provision\n\n");
    let _ = writeln!(
        s,
        "The provision map's cost over the period (6.76), by the broad area of need each provision serves: {} in all.\n",
        money(map.total)
    );
    s.push_str("| Area of need | Pupils | Cost |\n| --- | ---: | ---: |\n");
    for a in &map.by_area {
        let sup = suppress(&[vec![a.pupils as u32]], t);
        let _ = writeln!(
            s,
            "| {} | {} | {} |",
            a.label,
            shown(a.pupils as u32, sup.cells[0][0], t),
            money(a.cost)
        );
    }
    let over = map.top_up_count as u32;
    let costed = map.pupils.len() as u32;
    let _ = writeln!(
        s,
        "\nPupils whose current provision would cost more than £6,000 over a 39-week year (the nationally prescribed threshold, 6.99): {}.\n",
        shown(
            over,
            published::part_of_unprinted(over, costed - over, t),
            t
        )
    );
    b.md(&s);
    if !map.by_area.is_empty() {
        b.chart(
            BarChart {
                title: "Spending by area of need".into(),
                desc: map
                    .by_area
                    .iter()
                    .map(|a| format!("{}: {}", a.label, money(a.cost)))
                    .collect::<Vec<_>>()
                    .join("; "),
                categories: map.by_area.iter().map(|a| a.label.clone()).collect(),
                series: vec![Series {
                    name: "cost".into(),
                    values: map.by_area.iter().map(|a| Some(a.cost as f64)).collect(),
                    labels: map.by_area.iter().map(|a| money(a.cost)).collect(),
                }],
                scale: Scale::Largest,
            }
            .svg("spending"),
        );
    }

    // Effectiveness.
    let mut s = String::from("## Which provision works\n\n");
    // The period's outcome counts, suppressed once (the information report quotes the
    // same decision). A share is a count of outcomes achieved: only a provision whose
    // achieved and other outcomes are both shown is listed, so neither the share nor the
    // ranking gives a small count away.
    let outcomes = published::outcomes(records, as_of, from, to);
    let reached: Vec<&(Effect, crate::suppress::Suppressed)> = outcomes
        .provisions
        .iter()
        .filter(|(e, _)| e.outcomes > 0 && e.pupils as u32 >= t)
        .collect();
    let effects: Vec<&Effect> = reached
        .iter()
        .filter(|(_, d)| d.total_shown() && d.cells[0].iter().all(|c| *c == Shown::Count))
        .map(|(e, _)| e)
        .collect();
    let _ = writeln!(
        s,
        "The provisions with the highest and the lowest share of outcomes achieved at reviews in the period, among those given to {t} or more pupils whose share gives no small count away. {SHARED_OUTCOMES} The school's report on the effectiveness of its provision, for staff, gives every provision.\n"
    );
    if reached.is_empty() {
        let _ = writeln!(s, "No provision reviewed in the period reached {t} pupils.");
    } else if effects.is_empty() {
        let _ = writeln!(
            s,
            "No provision given to {t} or more pupils has a share that can be published without giving a small count away."
        );
    } else {
        let n = effects.len();
        let k = n.min(3);
        let top: Vec<&Effect> = effects.iter().take(k).copied().collect();
        let bottom: Vec<&Effect> = effects
            .iter()
            .skip(k)
            .rev()
            .take(3.min(n - k))
            .copied()
            .collect();
        for (head, list) in [("Highest", top), ("Lowest", bottom)] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(
                s,
                "**{head}**\n\n| Provision | Pupils | Outcomes | Share achieved |\n| --- | ---: | ---: | ---: |"
            );
            for e in list {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} |",
                    md_escape(&e.name).replace('|', "\\|"),
                    e.pupils,
                    e.outcomes,
                    pct(e.share_achieved())
                );
            }
            s.push('\n');
        }
    }
    b.md(&s);
    b.done(format!("SEN report for governors: {}", records.school.name))
}

/// A duty in words, for governors (the rule table's `label` column).
pub fn duty_label(rule: Rule) -> &'static str {
    crate::rules::table::label(rule)
}
