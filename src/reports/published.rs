//! What `sen` publishes, decided once (cli.md 0.3, "Published figures, suppressed
//! together"): who is counted, each date's register (one total, by status, by broad area of
//! need and by NC year) and each period's outcome counts, each suppressed once
//! ([`crate::suppress`]). The information report and the governors' report print cells of
//! these decisions and of nothing else, so what a reader holds of both has been checked
//! together.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::load::Loaded;
use crate::model::{Area, Pupil, Records, Status};
use crate::rules::{self, asof::PupilAsOf};
use crate::suppress::{Shown, Suppressed, Total, suppress, suppress_group};

use super::outcomes::{Effect, effectiveness, reviewed_cycles};

/// The pupils every report leaves out, with why: (folder name, reason). Only the id and
/// the kind of problem, never a value from the file.
pub fn left_out(loaded: &Loaded) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in &loaded.records.pupils {
        if f.counted().is_some() {
            continue;
        }
        let rules: BTreeSet<&str> = loaded
            .findings
            .iter()
            .filter(|x| x.pupil.as_deref() == Some(f.id.as_str()))
            .filter(|x| {
                x.file
                    .as_deref()
                    .is_some_and(|p| p.ends_with("/pupil.yaml"))
            })
            .filter(|x| matches!(x.rule.id(), "yaml" | "schema"))
            .map(|x| x.rule.id())
            .collect();
        let reason = if rules.is_empty() {
            "no pupil.yaml that could be read".to_string()
        } else {
            let list: Vec<String> = rules.iter().map(|r| format!("`{r}`")).collect();
            format!("pupil.yaml has a {} finding", list.join(" and a "))
        };
        out.push((f.id.clone(), reason));
    }
    out
}

/// The broad area of a pupil's primary need, as an index into [`Area::ALL`] and then "other
/// needs".
pub fn area_index(p: &Pupil) -> usize {
    p.primary_need
        .and_then(|n| n.area())
        .and_then(|a| Area::ALL.iter().position(|x| *x == a))
        .unwrap_or(Area::ALL.len())
}

/// The register on one date: counts by status (SEN support, EHC plan), by area and by NC year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterAt {
    pub label: String,
    /// A short label for charts: "Autumn 2025", "Now".
    pub short: String,
    pub date: NaiveDate,
    pub status: [u32; 2],
    pub areas: Vec<u32>,
    /// Pupils by NC year: only years with a pupil.
    pub years: BTreeMap<i64, u32>,
}

impl RegisterAt {
    pub fn total(&self) -> u32 {
        self.status[0] + self.status[1]
    }
}

/// The register on each date, from one load: the records as they stood on that date. A pupil
/// counts as on the register as `sen check --as-of DATE` counts them; their status on the
/// date is EHC plan once the plan was issued, SEN support before.
pub fn register_over(
    records: &Records,
    as_of: NaiveDate,
    days: &[(String, String, NaiveDate)],
) -> Vec<RegisterAt> {
    let mut out: Vec<RegisterAt> = days
        .iter()
        .map(|(label, short, d)| RegisterAt {
            label: label.clone(),
            short: short.clone(),
            date: *d,
            status: [0, 0],
            areas: vec![0; Area::ALL.len() + 1],
            years: BTreeMap::new(),
        })
        .collect();
    for folder in &records.pupils {
        let Some(p) = folder.counted() else { continue };
        let view = PupilAsOf::new(folder, p, as_of);
        for r in &mut out {
            if !rules::on_register(p, r.date) {
                continue;
            }
            let ehc = p.status == Status::E
                && folder
                    .ehcp
                    .as_ref()
                    .and_then(|e| e.issued.as_ref())
                    .is_none_or(|i| i.value <= r.date);
            r.status[usize::from(ehc)] += 1;
            r.areas[area_index(p)] += 1;
            *r.years.entry(view.nc_year(r.date, as_of)).or_default() += 1;
        }
    }
    out
}

/// One date's register as published: the counts and the one decision over all three
/// breakdowns. Every report that prints a cell of this date prints it from here.
#[derive(Debug, Clone)]
pub struct PublishedRegister {
    pub counts: RegisterAt,
    /// The decision: breakdowns status, areas, NC years (the years of `counts.years`).
    pub decided: Suppressed,
    pub threshold: u32,
}

impl PublishedRegister {
    /// Suppress one date's register once, over all three breakdowns.
    pub fn of(counts: RegisterAt, threshold: u32) -> PublishedRegister {
        let years: Vec<u32> = counts.years.values().copied().collect();
        let mut breakdowns = vec![counts.status.to_vec(), counts.areas.clone()];
        // A register with no pupil has no NC year to count them by.
        if !years.is_empty() {
            breakdowns.push(years);
        }
        let decided = suppress(&breakdowns, threshold);
        PublishedRegister {
            counts,
            decided,
            threshold,
        }
    }
    fn text(&self, n: u32, s: Shown) -> String {
        s.text(n, self.threshold)
    }
    /// The total as printed: a number, "fewer than N" or "withheld".
    pub fn total(&self) -> String {
        self.text(self.counts.total(), self.decided.total)
    }
    pub fn status(&self, i: usize) -> (u32, Shown) {
        (self.counts.status[i], self.decided.cells[0][i])
    }
    pub fn area(&self, i: usize) -> (u32, Shown) {
        (self.counts.areas[i], self.decided.cells[1][i])
    }
    /// NC year `y`: a year with no pupil on this date is a shown 0.
    pub fn year(&self, y: i64) -> (u32, Shown) {
        match self.counts.years.keys().position(|k| *k == y) {
            Some(i) => (self.counts.years[&y], self.decided.cells[2][i]),
            None => (0, Shown::Count),
        }
    }
    pub fn shown(&self, (n, s): (u32, Shown)) -> String {
        self.text(n, s)
    }
}

/// Each date's register, counted and suppressed once: the one place the information report
/// and the governors' report take register figures from.
pub fn registers(
    records: &Records,
    as_of: NaiveDate,
    days: &[(String, String, NaiveDate)],
) -> Vec<PublishedRegister> {
    let t = records.school.settings.suppress_below;
    register_over(records, as_of, days)
        .into_iter()
        .map(|r| PublishedRegister::of(r, t))
        .collect()
}

/// The register at as-of, published (the information report's "SEN in numbers", and the
/// governors' report's last row).
pub fn register_now(records: &Records, as_of: NaiveDate) -> PublishedRegister {
    let day = (String::new(), String::new(), as_of);
    registers(records, as_of, std::slice::from_ref(&day))
        .pop()
        .expect("one date")
}

/// One period's outcome counts as published: plans reviewed, their outcomes by judgement
/// (achieved, partly, not achieved, not judged), and each provision's outcomes, each group
/// suppressed once. The information report's effectiveness sentence and the governors'
/// "which provision works" both print cells of this.
#[derive(Debug, Clone)]
pub struct PublishedOutcomes {
    pub threshold: u32,
    pub reviews: u32,
    pub reviews_shown: Shown,
    /// Outcomes by judgement, each plan's counted once.
    pub judged: [u32; 4],
    /// The decision over the judgements; its total is all the outcomes.
    pub judged_decided: Suppressed,
    /// Every provision of a reviewed plan, best share first, with the decision over its
    /// outcomes (achieved, and the rest): its share is published only when both are shown.
    pub provisions: Vec<(Effect, Suppressed)>,
}

impl PublishedOutcomes {
    pub fn outcomes(&self) -> u32 {
        self.judged.iter().sum()
    }
}

/// Suppress one period's outcome counts once.
pub fn outcomes(
    records: &Records,
    as_of: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> PublishedOutcomes {
    let t = records.school.settings.suppress_below;
    let mut reviews = 0u32;
    let mut judged = [0u32; 4];
    for r in reviewed_cycles(records, as_of, from, to) {
        reviews += 1;
        for (total, n) in judged.iter_mut().zip(r.judgements()) {
            *total += n;
        }
    }
    let reviews_shown = suppress(&[vec![reviews]], t).total;
    let judged_decided = suppress(&[judged.to_vec()], t);
    let provisions = effectiveness(records, as_of, from, to)
        .into_iter()
        .map(|e| {
            let d = suppress(&[vec![e.achieved, e.outcomes - e.achieved]], t);
            (e, d)
        })
        .collect();
    PublishedOutcomes {
        threshold: t,
        reviews,
        reviews_shown,
        judged,
        judged_decided,
        provisions,
    }
}

/// A count whose total is not printed (pupils over the top-up threshold): suppressed by the
/// same method, the rest of the group unprinted.
pub fn part_of_unprinted(n: u32, rest: u32, t: u32) -> Shown {
    suppress_group(&[vec![n, rest]], t, Total::Unpublished).cells[0][0]
}

/// The sentence that tells a reader what "fewer than N" stands for, natural at every
/// threshold: "every count from 1 to 4 is shown as "fewer than 5"", "a count of 1 is shown
/// as "fewer than 2"".
pub fn small_rule(t: u32) -> String {
    if t <= 2 {
        "a count of 1 is shown as \"fewer than 2\"".to_string()
    } else {
        format!(
            "every count from 1 to {} is shown as \"fewer than {t}\"",
            t - 1
        )
    }
}
