//! `sen report effectiveness` (is the provision working? 6.77) and `sen report governors`
//! (the governor who oversees SEN, 6.3): figures derived from the records as they stood on
//! each date, from one load. Neither names a pupil; the governors' report suppresses small
//! counts as the information report does ([`crate::suppress`]).

use std::collections::BTreeSet;

use anyhow::Result;
use chrono::NaiveDate;
use minijinja::Value;
use serde::Serialize;

use crate::chart::{BarChart, Scale, Series};
use crate::dates::{self, uk};
use crate::findings::Rule;
use crate::load::Loaded;
use crate::model::{Area, Records};
use crate::national;
use crate::render::{Renderer, money};
use crate::reports::costs::provision_map;
use crate::reports::page::{self, Built, Input, Insert, Inserts, Page, PageView};
use crate::rules::{self, Options};
use crate::suppress::{Shown, Total, suppress, suppress_group};

use super::outcomes::{Effect, effectiveness};
use super::published;
use crate::views::{self, OTHER_NEEDS};

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

/// One provision's row of the effectiveness report.
#[derive(Debug, Serialize)]
struct EffectRow {
    name: String,
    pupils: usize,
    cycles: usize,
    outcomes: u32,
    achieved: u32,
    partly: u32,
    not_achieved: u32,
    not_judged: u32,
    /// "50%", or "–" without outcomes.
    share_achieved: String,
    /// Reviews by progress: good, expected, less than expected, little or none.
    progress: [u32; 4],
    /// In pence.
    cost: i64,
    cost_per_achieved: Option<i64>,
}

/// What `effectiveness.md.j2` sees.
#[derive(Debug, Serialize)]
struct EffectivenessReportView {
    school: String,
    from: String,
    to: String,
    as_of: String,
    effects: Vec<EffectRow>,
}

/// The effectiveness report's page (the table's builder): every provision reviewed in the
/// period, and the chart of the share of outcomes achieved.
pub fn effectiveness_page(input: &Input) -> Result<Built> {
    let (from, to) = page::period(input.ask, input.as_of)?;
    let as_of = input.as_of;
    let records = &input.loaded.records;
    let effects = effectiveness(records, as_of, from, to);
    let mut inserts = Inserts::default();
    let chart = (!effects.is_empty()).then(|| Insert::chart(effect_chart(&effects).svg("effect")));
    inserts.put("effect", chart);
    let view = EffectivenessReportView {
        school: records.school.name.clone(),
        from: views::iso(from),
        to: views::iso(to),
        as_of: views::iso(as_of),
        effects: effects
            .iter()
            .map(|e| EffectRow {
                name: e.name.clone(),
                pupils: e.pupils,
                cycles: e.cycles,
                outcomes: e.outcomes,
                achieved: e.achieved,
                partly: e.partly,
                not_achieved: e.not_achieved,
                not_judged: e.not_judged,
                share_achieved: pct(e.share_achieved()),
                progress: e.progress,
                cost: e.cost,
                cost_per_achieved: e.cost_per_achieved(),
            })
            .collect(),
    };
    Ok(Built {
        title: format!("Effectiveness of SEN provision: {}", records.school.name),
        pages: vec![PageView {
            template: "effectiveness.md.j2",
            view: page::with_charts(&view, &inserts),
            inserts,
        }],
    })
}

/// The share of outcomes achieved, a bar a provision.
fn effect_chart(effects: &[Effect]) -> BarChart {
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

/// sen's own words and figures, printed as written (never record text).
fn own(text: impl Into<String>) -> Value {
    Value::from_safe_string(text.into())
}

/// What `governors.md.j2` sees.
#[derive(Serialize)]
struct GovernorsView {
    school: String,
    /// "every count from 1 to 4 is shown as \"fewer than 5\"".
    small_rule: Value,
    from: String,
    to: String,
    as_of: String,
    /// The pupils on the school's roll, if recorded.
    roll: Option<u32>,
    national: NationalView,
    /// The register on each date: term ends in the period, then now.
    register: Vec<RegisterDay>,
    /// The broad areas of need, and the NC years any date counts, as the tables' columns.
    areas: Vec<Value>,
    years: Vec<Value>,
    duties: Vec<DutyRow>,
    spending: SpendingView,
    works: WorksView,
}

#[derive(Serialize)]
struct NationalView {
    sen_support: Value,
    ehc_plan: Value,
    source: Value,
    published: Value,
    census: Value,
    previous_sen_support: Value,
    previous_ehc_plan: Value,
}

/// One date's register, every count as published ("fewer than 5", "withheld").
#[derive(Serialize)]
struct RegisterDay {
    label: Value,
    total: Value,
    sen_support: Value,
    ehc_plan: Value,
    sen_support_share: Value,
    ehc_plan_share: Value,
    areas: Vec<Value>,
    years: Vec<Value>,
}

#[derive(Serialize)]
struct DutyRow {
    label: Value,
    paragraphs: Value,
    fell_due: Value,
    on_time: Value,
    late: Value,
    not_done: Value,
    share_on_time: Value,
}

#[derive(Serialize)]
struct SpendingView {
    /// In pence.
    total: i64,
    by_area: Vec<SpendingRow>,
    /// Pupils over the top-up threshold, as published.
    over_threshold: Value,
}

#[derive(Serialize)]
struct SpendingRow {
    label: Value,
    pupils: Value,
    cost: i64,
}

#[derive(Serialize)]
struct WorksView {
    /// The suppression threshold: a provision is listed only when given to this many.
    threshold: u32,
    /// Whether any provision reviewed in the period reached that many pupils.
    reached: bool,
    /// "Highest" and "Lowest", each with its provisions (none empty).
    groups: Vec<WorksGroup>,
}

#[derive(Serialize)]
struct WorksGroup {
    head: &'static str,
    rows: Vec<WorksRow>,
}

#[derive(Serialize)]
struct WorksRow {
    name: String,
    pupils: usize,
    outcomes: u32,
    share_achieved: String,
}

/// The governors' report's page (the table's builder).
pub fn governors_page(input: &Input) -> Result<Built> {
    let (from, to) = page::period(input.ask, input.as_of)?;
    let records = &input.loaded.records;
    let (view, inserts) = governors_view(input.loaded, input.as_of, from, to);
    Ok(Built {
        title: format!("SEN report for governors: {}", records.school.name),
        pages: vec![PageView {
            template: "governors.md.j2",
            view: page::with_charts(&view, &inserts),
            inserts,
        }],
    })
}

/// The governors' report for `[from, to]` rendered (the inspection report takes its
/// register and duties sections).
pub fn governors_rendered(
    loaded: &Loaded,
    renderer: &Renderer,
    as_of: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Page> {
    let (view, inserts) = governors_view(loaded, as_of, from, to);
    let page = PageView {
        template: "governors.md.j2",
        view: page::with_charts(&view, &inserts),
        inserts,
    };
    page::render_page(renderer, &page)
}

fn governors_view(
    loaded: &Loaded,
    as_of: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> (GovernorsView, Inserts) {
    let records = &loaded.records;
    let t = records.school.settings.suppress_below;
    let mut inserts = Inserts::default();
    let (register, years, register_chart) = register_days(records, as_of, from, to);
    inserts.put("register", Some(register_chart));
    let (duties, duties_chart) = duties(loaded, as_of, from, to);
    inserts.put("duties", duties_chart);
    let (spending, spending_chart) = spending(records, as_of, from, to);
    inserts.put("spending", spending_chart);
    let view = GovernorsView {
        school: records.school.name.clone(),
        small_rule: own(published::small_rule(t)),
        from: views::iso(from),
        to: views::iso(to),
        as_of: views::iso(as_of),
        roll: records.school.pupils_on_roll,
        national: national_view(),
        register,
        areas: area_labels().into_iter().map(own).collect(),
        years: years.iter().map(|y| own(year_label(*y))).collect(),
        duties,
        spending,
        works: works(records, as_of, from, to),
    };
    (view, inserts)
}

/// The national shares, latest and the year before.
fn national_view() -> NationalView {
    let nat = national::latest();
    let prev = &national::RELEASES[1];
    NationalView {
        sen_support: own(format!("{:.1}", nat.sen_support)),
        ehc_plan: own(format!("{:.1}", nat.ehc_plan)),
        source: own(nat.source),
        published: own(nat.published),
        census: own(nat.census),
        previous_sen_support: own(format!("{:.1}", prev.sen_support)),
        previous_ehc_plan: own(format!("{:.1}", prev.ehc_plan)),
    }
}

/// The register on each date as published, the NC years any date counts, and its chart.
fn register_days(
    records: &Records,
    as_of: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> (Vec<RegisterDay>, Vec<i64>, Insert) {
    let roll = records.school.pupils_on_roll;
    let days = register_dates(records, as_of, from, to);
    let published = published::registers(records, as_of, &days);
    let years: Vec<i64> = published
        .iter()
        .flat_map(|p| p.counts.years.keys().copied())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let rows = published
        .iter()
        .map(|p| {
            let (k, e) = (p.status(0), p.status(1));
            RegisterDay {
                label: own(p.counts.label.clone()),
                total: own(p.total()),
                sen_support: own(p.shown(k)),
                ehc_plan: own(p.shown(e)),
                sen_support_share: own(share(k.0, k.1, roll)),
                ehc_plan_share: own(share(e.0, e.1, roll)),
                areas: (0..p.counts.areas.len())
                    .map(|i| own(p.shown(p.area(i))))
                    .collect(),
                years: years.iter().map(|y| own(p.shown(p.year(*y)))).collect(),
            }
        })
        .collect();
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
        categories: published.iter().map(|p| p.counts.short.clone()).collect(),
        series: vec![series(0, "SEN support"), series(1, "EHC plan")],
        scale: Scale::Largest,
    };
    (rows, years, Insert::chart_or_words(&chart, "register"))
}

/// Each duty with something due in the period, as published, and the chart of the share
/// done on time (none when nothing fell due).
fn duties(
    loaded: &Loaded,
    as_of: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> (Vec<DutyRow>, Option<Insert>) {
    let t = loaded.records.school.settings.suppress_below;
    let window = loaded.records.school.settings.due_within_days;
    let duties = rules::duties_in_period(&loaded.records, Options { as_of, window }, from, to);
    let mut rows = Vec::new();
    let mut bars = Vec::new();
    for d in &duties {
        let (row, share) = duty_row(d, t);
        rows.push(row);
        bars.push((d, share));
    }
    if bars.is_empty() {
        return (rows, None);
    }
    // One bar a duty: the share done on time, where the counts behind it are shown.
    let shares: Vec<Option<f64>> = bars.iter().map(|(_, share)| *share).collect();
    let labels: Vec<String> = bars
        .iter()
        .zip(&shares)
        .map(|((d, ..), v)| match (v, d.on_time) {
            (Some(v), _) => format!("{v:.0}%"),
            (None, None) => "not recorded".to_string(),
            (None, Some(_)) => "withheld".to_string(),
        })
        .collect();
    let chart = BarChart {
        title: "Duties done on time".into(),
        desc: bars
            .iter()
            .zip(&labels)
            .map(|((d, ..), l)| format!("{}: {l} on time", duty_label(d.rule)))
            .collect::<Vec<_>>()
            .join("; "),
        categories: bars
            .iter()
            .map(|(d, ..)| duty_label(d.rule).to_string())
            .collect(),
        series: vec![Series {
            name: "on time".into(),
            values: shares,
            labels,
        }],
        scale: Scale::Percent,
    };
    (rows, Some(Insert::chart_or_words(&chart, "duties")))
}

/// One duty's row as published, and its share done on time where the counts behind it are
/// shown (the table and the chart print the same one).
fn duty_row(d: &rules::DutyInPeriod, t: u32) -> (DutyRow, Option<f64>) {
    let timed = d.on_time.is_some();
    let counts = vec![d.on_time.unwrap_or(0), d.late, d.not_done];
    // A duty whose doing is not recorded prints no total: late and not done are a group of
    // their own.
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
    let share = match (d.fell_due(), total) {
        (Some(n), Some(Shown::Count)) if n > 0 && states[0] == Shown::Count => {
            Some(f64::from(d.on_time.unwrap_or(0)) * 100.0 / f64::from(n))
        }
        _ => None,
    };
    let row = DutyRow {
        label: own(duty_label(d.rule)),
        paragraphs: own(d.rule.paragraphs().join(", ")),
        fell_due: own(fell),
        on_time: own(if timed {
            cells[0].clone()
        } else {
            "not recorded".to_string()
        }),
        late: own(cells[1].clone()),
        not_done: own(cells[2].clone()),
        share_on_time: own(share.map_or_else(|| "–".to_string(), |v| format!("{v:.0}%"))),
    };
    (row, share)
}

/// The provision map's cost by area of need, the pupils over the top-up threshold, and the
/// chart of spending (none when nothing was costed).
fn spending(
    records: &Records,
    as_of: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> (SpendingView, Option<Insert>) {
    let t = records.school.settings.suppress_below;
    let map = provision_map(records, as_of, from, to);
    let by_area = map
        .by_area
        .iter()
        .map(|a| {
            let sup = suppress(&[vec![a.pupils as u32]], t);
            SpendingRow {
                label: own(a.label.clone()),
                pupils: own(shown(a.pupils as u32, sup.cells[0][0], t)),
                cost: a.cost,
            }
        })
        .collect();
    let over = map.top_up_count as u32;
    let costed = map.pupils.len() as u32;
    let over_shown = published::part_of_unprinted(over, costed - over, t);
    let chart = (!map.by_area.is_empty()).then(|| {
        Insert::chart(
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
        )
    });
    let view = SpendingView {
        total: map.total,
        by_area,
        over_threshold: own(shown(over, over_shown, t)),
    };
    (view, chart)
}

/// The provisions with the highest and lowest share of outcomes achieved. The period's
/// outcome counts are suppressed once (the information report quotes the same decision). A
/// share is a count of outcomes achieved: only a provision whose achieved and other
/// outcomes are both shown is listed, so neither the share nor the ranking gives a small
/// count away.
fn works(records: &Records, as_of: NaiveDate, from: NaiveDate, to: NaiveDate) -> WorksView {
    let t = records.school.settings.suppress_below;
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
    let row = |e: &&Effect| WorksRow {
        name: e.name.clone(),
        pupils: e.pupils,
        outcomes: e.outcomes,
        share_achieved: pct(e.share_achieved()),
    };
    let groups = [("Highest", top), ("Lowest", bottom)]
        .into_iter()
        .filter(|(_, list)| !list.is_empty())
        .map(|(head, list)| WorksGroup {
            head,
            rows: list.iter().map(row).collect(),
        })
        .collect();
    WorksView {
        threshold: t,
        reached: !reached.is_empty(),
        groups,
    }
}

/// A duty in words, for governors (the rule table's `label` column).
pub fn duty_label(rule: Rule) -> &'static str {
    crate::rules::table::label(rule)
}
