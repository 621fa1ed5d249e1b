//! The costed provision map (6.76-6.77): every line costed exactly (no floating point in a
//! sum) and rounded once. The pupil's record, the effectiveness and governors' reports take
//! their costs from here.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::model::{Area, Cycle, Provision, Records};
use crate::rules::{self, asof};
use crate::views::{
    self, CostLine, CostTotal, OTHER_NEEDS, ProvisionMapView, ProvisionView, PupilCosts,
    SchoolView, iso,
};

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

/// The provision map's page (the table's builder).
pub fn provision_map_page(input: &super::page::Input) -> anyhow::Result<super::page::Built> {
    let (from, to) = super::page::period(input.ask, input.as_of)?;
    let view = provision_map(&input.loaded.records, input.as_of, from, to);
    let title = format!("Provision map: {}", view.school.name);
    Ok(super::page::Built::one(title, "provision-map.md.j2", &view))
}

/// The provision map's view: every line costed exactly and rounded once.
pub fn provision_map(
    records: &Records,
    as_of: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> ProvisionMapView {
    let terms = rules::term_spans(&records.school.terms, from, to);
    let mut pupils = Vec::new();
    let mut tallies = Tallies::default();
    for folder in &records.pupils {
        let Some(p) = folder.counted() else {
            continue;
        };
        let pupil_area = p
            .primary_need
            .map_or(OTHER_NEEDS, |n| n.area().map_or(OTHER_NEEDS, |a| a.label()));
        let (lines, current_year_cost) =
            pupil_lines(folder, pupil_area, &terms, as_of, (from, to), &mut tallies);
        if lines.is_empty() && current_year_cost == 0 {
            continue;
        }
        let year = views::nc_year(p, as_of);
        pupils.push(PupilCosts {
            id: folder.id.clone(),
            name: super::register_name(p),
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
        if let Some((ps, cost)) = tallies.by_area.remove(label) {
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
        by_provision: totals(tallies.by_provision),
        by_area: areas,
        total,
        top_up_threshold: TOP_UP_PENCE,
        top_up_weeks: TOP_UP_WEEKS,
    }
}

/// Pupils and cost by provision (its name) and by area of need, over the period.
#[derive(Default)]
struct Tallies {
    by_provision: BTreeMap<String, (std::collections::BTreeSet<String>, i64)>,
    by_area: BTreeMap<&'static str, (std::collections::BTreeSet<String>, i64)>,
}

/// One pupil's costed lines over the period, each cycle's plan as it stood at as-of (its
/// provision from the plan's agreement to the review, or to as-of while open), counted into
/// `tallies`; and the cost over a 39-week year of the provision of the open plans.
fn pupil_lines(
    folder: &crate::model::PupilFolder,
    pupil_area: &'static str,
    terms: &[(NaiveDate, NaiveDate)],
    as_of: NaiveDate,
    (from, to): (NaiveDate, NaiveDate),
    tallies: &mut Tallies,
) -> (Vec<CostLine>, i64) {
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
        let Some(plan) = asof::plan_at(c, as_of) else {
            continue;
        };
        let runs_from = plan.agreed.as_ref().map_or(c.started.value, |d| d.value);
        let review = asof::review_at(c, as_of);
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
            let days = rules::term_days(terms, a, b);
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
            let entry = tallies.by_provision.entry(prov.name.clone()).or_default();
            entry.0.insert(folder.id.clone());
            entry.1 += cost;
            let entry = tallies.by_area.entry(area).or_default();
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
    (lines, current_year_cost)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Term;

    fn d(s: &str) -> NaiveDate {
        crate::dates::parse(s).unwrap()
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
}
