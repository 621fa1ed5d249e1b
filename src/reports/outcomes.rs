//! What went with each provision in the cycles reviewed in a period (6.77): the one
//! reading of "reviewed in the period" behind the effectiveness report, the governors'
//! report and the figures the information report quotes.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::model::{Achieved, Progress, Records};
use crate::reports::costs::provision_map;
use crate::rules;

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
        .filter(|f| f.counted().is_some())
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
