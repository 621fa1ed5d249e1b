//! Suppression of small counts in published tables (the information report, governors'
//! papers), so that no child can be singled out from a figure, not even by subtraction.
//!
//! A *group* is one population counted several ways: each *breakdown* is a list of counts
//! that add up to the same total (pupils on the register by status, and again by area of
//! need). The method:
//!
//! 1. **Primary**: a count from 1 to `threshold − 1` is shown as "fewer than N". A zero is
//!    shown as 0 (cli.md).
//! 2. **The total** is shown only when nothing in the group is hidden.
//! 3. **Secondary**: what a reader knows is modelled exactly: a shown count is that number,
//!    a "fewer than N" is between 1 and N − 1, a withheld count could be anything from 0 up,
//!    and every breakdown adds up to the same total.
//!    For each hidden count, the values it could take given all of that form a range (the
//!    sum of independent integer ranges is a range, so this is exact, not an estimate). While
//!    some hidden count has fewer than two possible values, one more count is withheld: the
//!    smallest shown non-zero count of its own breakdown, else of another breakdown, else a
//!    shown 0 of another breakdown, else of its own (a 0 withheld reads like any other).
//!
//! With `threshold` 2 a "fewer than 2" is known to be 1: records.md allows 2, but only 3 and
//! above can keep a hidden count uncertain; docs/security.md says so.

/// How one count is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// The number itself.
    Count,
    /// "fewer than N": a count from 1 to N − 1.
    Small,
    /// Withheld so that a small count cannot be worked out (any count, 0 included).
    Withheld,
}

impl Shown {
    /// The published text of count `n` decided as `self`, with threshold `t`.
    pub fn text(self, n: u32, t: u32) -> String {
        match self {
            Shown::Count => n.to_string(),
            Shown::Small => format!("fewer than {t}"),
            Shown::Withheld => "withheld".to_string(),
        }
    }
}

/// The decision for one group: a [`Shown`] per count, breakdown by breakdown, and whether
/// the total may be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    pub cells: Vec<Vec<Shown>>,
    pub total_shown: bool,
}

/// "As good as unbounded" for a withheld count's upper end.
const OPEN: i64 = 1 << 40;

/// Decide how to publish one group. Every breakdown must add up to the same total.
pub fn suppress(breakdowns: &[Vec<u32>], threshold: u32) -> Suppressed {
    debug_assert!(
        breakdowns
            .windows(2)
            .all(|w| w[0].iter().sum::<u32>() == w[1].iter().sum::<u32>()),
        "every breakdown of a group counts the same pupils"
    );
    let t = threshold.max(2);
    let mut cells: Vec<Vec<Shown>> = breakdowns
        .iter()
        .map(|b| {
            b.iter()
                .map(|&n| {
                    if n > 0 && n < t {
                        Shown::Small
                    } else {
                        Shown::Count
                    }
                })
                .collect()
        })
        .collect();
    loop {
        let total_shown = cells.iter().flatten().all(|s| *s == Shown::Count);
        let Some((bi, ci)) = first_determined(breakdowns, &cells, t, total_shown) else {
            return Suppressed { cells, total_shown };
        };
        let smallest_shown = |b: usize, zero: bool| {
            breakdowns[b]
                .iter()
                .enumerate()
                .filter(|&(c, &n)| {
                    (b, c) != (bi, ci) && (n == 0) == zero && cells[b][c] == Shown::Count
                })
                .min_by_key(|&(c, &n)| (n, c))
                .map(|(c, _)| (b, c))
        };
        let others = || (0..breakdowns.len()).filter(|&b| b != bi);
        let pick = smallest_shown(bi, false)
            .or_else(|| others().find_map(|b| smallest_shown(b, false)))
            .or_else(|| others().find_map(|b| smallest_shown(b, true)))
            .or_else(|| smallest_shown(bi, true));
        match pick {
            Some((b, c)) => cells[b][c] = Shown::Withheld,
            // Nothing left to withhold: every count is hidden already.
            None => {
                return Suppressed {
                    cells,
                    total_shown: false,
                };
            }
        }
    }
}

/// What a reader knows of one count, as an inclusive range.
fn known(n: u32, s: Shown, t: u32) -> (i64, i64) {
    match s {
        Shown::Count => (i64::from(n), i64::from(n)),
        Shown::Small => (1, i64::from(t) - 1),
        Shown::Withheld => (0, OPEN),
    }
}

/// The range of values a hidden count could take given everything published: the other
/// counts of its breakdown, every other breakdown's range of sums, and the total if shown.
pub fn possible(
    breakdowns: &[Vec<u32>],
    cells: &[Vec<Shown>],
    t: u32,
    total_shown: bool,
    bi: usize,
    ci: usize,
) -> (i64, i64) {
    let range_of = |b: usize, skip: Option<usize>| {
        breakdowns[b]
            .iter()
            .zip(&cells[b])
            .enumerate()
            .filter(|(c, _)| Some(*c) != skip)
            .fold((0i64, 0i64), |(lo, hi), (_, (&n, &s))| {
                let (l, h) = known(n, s, t);
                (lo + l, (hi + h).min(OPEN))
            })
    };
    let (mut tlo, mut thi) = (0i64, OPEN);
    if total_shown {
        let total = i64::from(breakdowns[bi].iter().sum::<u32>());
        (tlo, thi) = (total, total);
    }
    for b in (0..breakdowns.len()).filter(|&b| b != bi) {
        let (lo, hi) = range_of(b, None);
        tlo = tlo.max(lo);
        thi = thi.min(hi);
    }
    let (olo, ohi) = range_of(bi, Some(ci));
    let (l, h) = known(breakdowns[bi][ci], cells[bi][ci], t);
    ((tlo - ohi).max(l), (thi - olo).min(h))
}

/// The first hidden count with fewer than two possible values, if any.
fn first_determined(
    breakdowns: &[Vec<u32>],
    cells: &[Vec<Shown>],
    t: u32,
    total_shown: bool,
) -> Option<(usize, usize)> {
    (0..breakdowns.len())
        .flat_map(|b| (0..breakdowns[b].len()).map(move |c| (b, c)))
        .filter(|&(b, c)| cells[b][c] != Shown::Count)
        .find(|&(b, c)| {
            let (lo, hi) = possible(breakdowns, cells, t, total_shown, b, c);
            hi - lo < 1
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every assignment of the hidden counts consistent with what is published, by brute
    /// force (independent of [`possible`]): for each hidden count, the set of values it takes.
    fn brute_force(
        breakdowns: &[Vec<u32>],
        s: &Suppressed,
        t: u32,
        cap: u32,
    ) -> Vec<std::collections::BTreeSet<u32>> {
        let hidden: Vec<(usize, usize)> = (0..breakdowns.len())
            .flat_map(|b| (0..breakdowns[b].len()).map(move |c| (b, c)))
            .filter(|&(b, c)| s.cells[b][c] != Shown::Count)
            .collect();
        let total = breakdowns[0].iter().sum::<u32>();
        let mut seen = vec![std::collections::BTreeSet::new(); hidden.len()];
        let ranges: Vec<(u32, u32)> = hidden
            .iter()
            .map(|&(b, c)| match s.cells[b][c] {
                Shown::Small => (1, t - 1),
                _ => (0, cap),
            })
            .collect();
        let mut values: Vec<u32> = ranges.iter().map(|r| r.0).collect();
        loop {
            let mut sums: Vec<u32> = breakdowns
                .iter()
                .enumerate()
                .map(|(b, row)| {
                    row.iter()
                        .enumerate()
                        .map(|(c, &n)| match hidden.iter().position(|&h| h == (b, c)) {
                            Some(i) => values[i],
                            None => n,
                        })
                        .sum()
                })
                .collect();
            sums.dedup();
            if sums.len() == 1 && (!s.total_shown || sums[0] == total) {
                for (i, v) in values.iter().enumerate() {
                    seen[i].insert(*v);
                }
            }
            // Next assignment.
            let mut i = 0;
            loop {
                if i == values.len() {
                    return seen;
                }
                if values[i] < ranges[i].1 {
                    values[i] += 1;
                    break;
                }
                values[i] = ranges[i].0;
                i += 1;
            }
        }
    }

    /// A small deterministic generator, so the test needs no crate.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, n: u32) -> u32 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) % u64::from(n)) as u32
        }
    }

    #[test]
    fn the_example_of_the_issue_is_protected() {
        // 5 on SEN support, 1 EHC plan, all one need: "fewer than 5" EHC plans and 6 for the
        // area would give the 1 away.
        let b = vec![vec![5, 1], vec![0, 6, 0, 0, 0]];
        let s = suppress(&b, 5);
        assert_eq!(s.cells[0], vec![Shown::Withheld, Shown::Small]);
        assert!(!s.total_shown);
        let (lo, hi) = possible(&b, &s.cells, 5, false, 0, 1);
        assert!(hi > lo, "the EHC count is 1 to 4 to the reader: {lo}..{hi}");
    }

    #[test]
    fn no_hidden_count_of_a_small_school_can_be_worked_out() {
        let mut rng = Lcg(7);
        for _ in 0..400 {
            let t = 3 + rng.next(4);
            // A small school: 0 to 14 pupils over two statuses and five areas.
            let pupils = rng.next(15);
            let mut status = vec![0u32; 2];
            let mut area = vec![0u32; 5];
            for _ in 0..pupils {
                status[rng.next(2) as usize] += 1;
                // Most pupils share one or two areas, as in a real small school.
                let a = if rng.next(3) == 0 {
                    rng.next(5)
                } else {
                    rng.next(2)
                };
                area[a as usize] += 1;
            }
            let b = vec![status, area];
            let s = suppress(&b, t);
            for (bi, row) in b.iter().enumerate() {
                for (ci, &n) in row.iter().enumerate() {
                    if n > 0 && n < t {
                        assert_ne!(s.cells[bi][ci], Shown::Count, "{b:?} t={t}");
                    }
                }
            }
            let cap = pupils + t + 2;
            for (values, _) in brute_force(&b, &s, t, cap).iter().zip(0..) {
                assert!(values.len() >= 2, "{b:?} t={t}: {s:?} leaves {values:?}");
            }
        }
    }

    #[test]
    fn one_breakdown_with_its_total_hidden_keeps_a_single_small_count_safe() {
        let b = vec![vec![12, 3, 0]];
        let s = suppress(&b, 5);
        assert_eq!(s.cells[0], vec![Shown::Count, Shown::Small, Shown::Count]);
        assert!(!s.total_shown);
    }

    #[test]
    fn nothing_small_means_everything_and_the_total_are_shown() {
        let b = vec![vec![12, 6], vec![10, 0, 8, 0, 0]];
        let s = suppress(&b, 5);
        assert!(s.cells.iter().flatten().all(|c| *c == Shown::Count));
        assert!(s.total_shown);
    }
}
