//! Suppression of small counts in published figures (the information report, governors'
//! papers), so that no child can be singled out from a figure, not even by subtraction.
//!
//! A *group* is one population counted several ways: a total and its *breakdowns*, each a
//! list of counts adding up to the total (a date's register: by status, by area of need and
//! by NC year). The reports print cells of one decision per group ([`crate::reports`] makes
//! one per date and per period), so what a reader can add up across reports is what the
//! method has checked. The method:
//!
//! 1. **Primary**: a count from 1 to `threshold − 1` reads "fewer than N". A zero reads 0.
//! 2. **The reader knows the method** (docs/security.md): a number is itself, "fewer than N"
//!    is 1 to N − 1, "withheld" is any count at all (0, 1 to N − 1, or N and more: the method
//!    uses it for each), and every breakdown adds up to the total. For each hidden count the
//!    values it could take given all of that form a range, computed exactly (given the total,
//!    the breakdowns are independent, and a sum of integer ranges is a range).
//! 3. **Secondary**: while some hidden count has fewer than two possible values, the
//!    cheapest change that gives it two is made: relabelling a "fewer than N" as "withheld"
//!    costs nothing, withholding a shown count costs its size (a zero is a fine partner), and
//!    one or two changes are weighed together. A total of `threshold` or more is always
//!    shown (it can be: with every cell of a breakdown withheld, each keeps 0 to the total);
//!    a small total is withheld only as the last resort. Then every withheld count that
//!    protects nothing is shown again, largest first.
//!
//! With `threshold` 2 a "fewer than 2" is known to be 1: records.md allows 2, and the school
//! that chooses it publishes its ones under that label and nothing more is hidden
//! (docs/security.md says so).

/// How one count is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// The number itself.
    Count,
    /// "fewer than N": a count from 1 to N − 1.
    Small,
    /// Withheld: to a reader, any count at all.
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

/// The decision for one group: a [`Shown`] per count, breakdown by breakdown, and for the
/// total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    pub cells: Vec<Vec<Shown>>,
    pub total: Shown,
}

impl Suppressed {
    /// True when the total may be printed as a number.
    pub fn total_shown(&self) -> bool {
        self.total == Shown::Count
    }
}

/// What the reader is told of the total of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    /// The total is printed (as a number, or hidden by the method like any count).
    Published,
    /// The report prints no total (to a reader it is any count, whatever the method says).
    Unpublished,
}

/// "As good as unbounded" for a withheld count's upper end.
const OPEN: i64 = 1 << 40;

/// Decide how to publish one group whose total is printed. Every breakdown must add up to
/// the same total.
pub fn suppress(breakdowns: &[Vec<u32>], threshold: u32) -> Suppressed {
    suppress_group(breakdowns, threshold, Total::Published)
}

/// Decide how to publish one group, its total printed or not.
pub fn suppress_group(breakdowns: &[Vec<u32>], threshold: u32, total: Total) -> Suppressed {
    debug_assert!(
        breakdowns
            .windows(2)
            .all(|w| w[0].iter().sum::<u32>() == w[1].iter().sum::<u32>()),
        "every breakdown of a group counts the same pupils"
    );
    let t = threshold.max(2);
    let sum = breakdowns.first().map_or(0, |b| b.iter().sum::<u32>());
    let mut g = Group::new(breakdowns, sum, t, total);
    g.solve();
    let mut cells = Vec::new();
    let mut k = 1;
    for b in breakdowns {
        cells.push(g.state[k..k + b.len()].to_vec());
        k += b.len();
    }
    Suppressed {
        cells,
        total: match total {
            Total::Published => g.state[0],
            // Not printed: whatever the method kept, the report shows nothing.
            Total::Unpublished => Shown::Withheld,
        },
    }
}

/// One group, flattened: cell 0 is the total (a breakdown of its own), then each breakdown's
/// cells in order.
struct Group {
    value: Vec<u32>,
    state: Vec<Shown>,
    /// The primary decision of each cell, to go back to.
    primary: Vec<Shown>,
    /// Cells the method may not change: a total of `t` or more, an unpublished total.
    locked: Vec<bool>,
    /// Cells that need not keep two values: an unpublished total; a "fewer than 2".
    exempt_cell: Vec<bool>,
    /// The cell ranges of each breakdown (the total's first).
    parts: Vec<std::ops::Range<usize>>,
    part_of: Vec<usize>,
    t: u32,
}

/// A change: withhold one cell (a shown count, or a "fewer than N" relabelled).
type Move = usize;

/// How a set of changes is ranked: last resort, counts hidden, changes, cells left pinned.
type Rank = (u64, u64, usize, usize);

impl Group {
    fn new(breakdowns: &[Vec<u32>], total: u32, t: u32, published: Total) -> Group {
        let mut value = vec![total];
        // The total is a breakdown of one cell.
        let mut parts = Vec::new();
        parts.push(0..1);
        for b in breakdowns {
            let start = value.len();
            value.extend(b);
            parts.push(start..value.len());
        }
        let mut part_of = vec![0; value.len()];
        for (i, r) in parts.iter().enumerate() {
            for c in r.clone() {
                part_of[c] = i;
            }
        }
        let primary: Vec<Shown> = value
            .iter()
            .map(|&n| {
                if n > 0 && n < t {
                    Shown::Small
                } else {
                    Shown::Count
                }
            })
            .collect();
        let mut state = primary.clone();
        let mut locked = vec![false; value.len()];
        let mut exempt_cell = vec![false; value.len()];
        match published {
            Total::Published => locked[0] = total >= t,
            Total::Unpublished => {
                state[0] = Shown::Withheld;
                locked[0] = true;
                exempt_cell[0] = true;
            }
        }
        Group {
            value,
            primary: state.clone(),
            state,
            locked,
            exempt_cell,
            parts,
            part_of,
            t,
        }
    }

    fn known(&self, c: usize) -> (i64, i64) {
        match self.state[c] {
            Shown::Count => (i64::from(self.value[c]), i64::from(self.value[c])),
            Shown::Small => (1, i64::from(self.t) - 1),
            Shown::Withheld => (0, OPEN),
        }
    }

    /// Every cell's range of possible values given what is published, exactly.
    fn ranges(&self) -> Vec<(i64, i64)> {
        let known: Vec<(i64, i64)> = (0..self.value.len()).map(|c| self.known(c)).collect();
        let sums: Vec<(i64, i64)> = self
            .parts
            .iter()
            .map(|r| {
                known[r.clone()]
                    .iter()
                    .fold((0, 0), |(a, b), (l, h)| (a + l, b + h))
            })
            .collect();
        // The total's range given every breakdown but one.
        let total_without = |skip: usize| {
            sums.iter()
                .enumerate()
                .filter(|&(i, _)| i != skip)
                .fold((0i64, i64::MAX), |(lo, hi), (_, &(l, h))| {
                    (lo.max(l), hi.min(h))
                })
        };
        let without: Vec<(i64, i64)> = (0..self.parts.len()).map(total_without).collect();
        (0..self.value.len())
            .map(|c| {
                let b = self.part_of[c];
                let (tlo, thi) = without[b];
                let (l, h) = known[c];
                let (slo, shi) = sums[b];
                ((tlo - (shi - h)).max(l), (thi - (slo - l)).min(h))
            })
            .collect()
    }

    fn exempt(&self, c: usize) -> bool {
        self.exempt_cell[c] || (self.state[c] == Shown::Small && self.t <= 2)
    }

    /// The hidden cells with fewer than two possible values.
    fn pinned(&self) -> Vec<usize> {
        let r = self.ranges();
        (0..self.value.len())
            .filter(|&c| self.state[c] != Shown::Count && !self.exempt(c))
            .filter(|&c| r[c].1 - r[c].0 < 1)
            .collect()
    }

    fn moves(&self) -> Vec<Move> {
        (0..self.value.len())
            .filter(|&c| !self.locked[c] && self.state[c] != Shown::Withheld)
            .collect()
    }

    /// What a change costs: the counts it newly hides (a relabelled "fewer than N" hides
    /// no count), then whether it is the total (the last resort).
    fn cost(&self, m: Move) -> (u64, u64) {
        let value = match self.state[m] {
            Shown::Count => u64::from(self.value[m]),
            _ => 0,
        };
        (u64::from(m == 0), value)
    }

    fn apply(&mut self, ms: &[Move]) -> Vec<Shown> {
        let before = self.state.clone();
        for &m in ms {
            self.state[m] = Shown::Withheld;
        }
        before
    }

    fn solve(&mut self) {
        let limit = 4 * self.value.len() + 4;
        for _ in 0..limit {
            let pinned = self.pinned();
            let Some(&c) = pinned.first() else { break };
            let moves = self.moves();
            if moves.is_empty() {
                break;
            }
            let set = match self.cheapest(c, &moves) {
                Some(set) => set,
                // No one or two changes serve: withhold the cheapest cell of `c`'s own
                // breakdown (else anywhere) and look again.
                None => {
                    let own = self.part_of[c];
                    let pick = moves
                        .iter()
                        .filter(|&&m| self.part_of[m] == own && m != c)
                        .min_by_key(|&&m| (self.cost(m), m))
                        .or_else(|| moves.iter().min_by_key(|&&m| (self.cost(m), m)));
                    match pick {
                        Some(&m) => vec![m],
                        None => break,
                    }
                }
            };
            self.apply(&set);
        }
        if !self.pinned().is_empty() {
            self.withhold_all();
        }
        self.show_again();
        debug_assert!(
            self.pinned().is_empty(),
            "{:?} {:?}",
            self.value,
            self.state
        );
    }

    /// The cheapest one or two changes after which `c` keeps two values, if any.
    fn cheapest(&mut self, c: usize, moves: &[Move]) -> Option<Vec<Move>> {
        let mut best: Option<(Rank, Vec<Move>)> = None;
        let mut sets: Vec<Vec<Move>> = moves.iter().map(|&m| vec![m]).collect();
        for (i, &a) in moves.iter().enumerate() {
            for &b in &moves[i + 1..] {
                sets.push(vec![a, b]);
            }
        }
        for set in sets {
            let (last, value) = set.iter().fold((0, 0), |(l, v), &m| {
                let (ml, mv) = self.cost(m);
                (l + ml, v + mv)
            });
            let key = (last, value, set.len(), 0);
            if best.as_ref().is_some_and(|(k, _)| *k < key) {
                continue;
            }
            let before = self.apply(&set);
            let after = self.pinned();
            self.state = before;
            if after.contains(&c) {
                continue;
            }
            let key = (last, value, set.len(), after.len());
            if best.as_ref().is_none_or(|(k, _)| key < *k) {
                best = Some((key, set));
            }
        }
        best.map(|(_, set)| set)
    }

    /// The last resort, which always protects: every cell that can be withheld is.
    fn withhold_all(&mut self) {
        for m in self.moves() {
            // A one-cell breakdown of a shown total is the total: nothing to hide.
            let alone = self.parts[self.part_of[m]].len() == 1 && m != 0;
            if !(alone && self.locked[0] && self.state[0] == Shown::Count) {
                self.state[m] = Shown::Withheld;
            }
        }
    }

    /// Show again what protects nothing, largest first.
    fn show_again(&mut self) {
        let mut extra: Vec<usize> = (0..self.value.len())
            .filter(|&c| self.state[c] != self.primary[c])
            .collect();
        extra.sort_by_key(|&c| (std::cmp::Reverse(self.value[c]), c));
        for c in extra {
            let was = self.state[c];
            self.state[c] = self.primary[c];
            if !self.pinned().is_empty() {
                self.state[c] = was;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// For each printed hidden count (the total first, then each breakdown's), the set of
    /// values it can take given what is published, by brute force (independent of
    /// [`Group::ranges`]): for each total up to `cap`, every assignment of each breakdown
    /// that adds up to it, "fewer than N" being 1 to N − 1 and "withheld" 0 to `cap`.
    fn brute_force(b: &[Vec<u32>], s: &Suppressed, t: u32, cap: u32) -> Vec<BTreeSet<u32>> {
        let range = |sh: Shown, n: u32| match sh {
            Shown::Count => (n, n),
            Shown::Small => (1, t - 1),
            Shown::Withheld => (0, cap),
        };
        /// Every value of each cell in some assignment of `cells` adding up to `left`.
        fn walk(cells: &[(u32, u32)], left: u32, path: &mut Vec<u32>, seen: &mut [BTreeSet<u32>]) {
            let Some((&(lo, hi), rest)) = cells.split_first() else {
                if left == 0 {
                    for (k, v) in path.iter().enumerate() {
                        seen[k].insert(*v);
                    }
                }
                return;
            };
            for v in lo..=hi.min(left) {
                path.push(v);
                walk(rest, left - v, path, seen);
                path.pop();
            }
        }
        let total: u32 = b[0].iter().sum();
        let (tlo, thi) = range(s.total, total);
        let mut out: Vec<Vec<BTreeSet<u32>>> = b
            .iter()
            .map(|row| vec![BTreeSet::new(); row.len()])
            .collect();
        let mut totals = BTreeSet::new();
        for tv in tlo..=thi {
            let mut each = Vec::new();
            for (i, row) in b.iter().enumerate() {
                let cells: Vec<(u32, u32)> = row
                    .iter()
                    .zip(&s.cells[i])
                    .map(|(&n, &sh)| range(sh, n))
                    .collect();
                let mut seen = vec![BTreeSet::new(); row.len()];
                walk(&cells, tv, &mut Vec::new(), &mut seen);
                each.push(seen);
            }
            if each.iter().all(|seen| seen.iter().all(|v| !v.is_empty())) {
                totals.insert(tv);
                for (o, seen) in out.iter_mut().zip(each) {
                    for (o, v) in o.iter_mut().zip(seen) {
                        o.extend(v);
                    }
                }
            }
        }
        let hidden = |sh: Shown| sh != Shown::Count && !(t == 2 && sh == Shown::Small);
        let mut result = Vec::new();
        if hidden(s.total) {
            result.push(totals);
        }
        for (i, row) in out.into_iter().enumerate() {
            for (c, v) in row.into_iter().enumerate() {
                if hidden(s.cells[i][c]) {
                    result.push(v);
                }
            }
        }
        result
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

    fn safe(b: &[Vec<u32>], t: u32) -> Suppressed {
        let s = suppress(b, t);
        let total: u32 = b[0].iter().sum();
        let cap = total + t + 1;
        for (i, values) in brute_force(b, &s, t, cap).iter().enumerate() {
            assert!(
                values.len() >= 2,
                "{b:?} t={t}: {s:?} leaves hidden count {i} as {values:?}"
            );
        }
        s
    }

    #[test]
    fn the_issues_first_example_is_protected_and_the_total_shown() {
        // 5 on SEN support, 1 EHC plan, all one need: the total 6 is shown, so SEN support
        // is withheld beside "fewer than 5".
        let s = safe(&[vec![5, 1], vec![0, 6, 0, 0, 0]], 5);
        assert_eq!(s.cells[0], vec![Shown::Withheld, Shown::Small]);
        assert!(s.total_shown());
    }

    #[test]
    fn four_pupils_of_four_needs_in_one_year_never_give_one_away() {
        // 4 pupils in Year 3 with SLCN, SPLD, SEMH and HI: "fewer than 5" for the year, and
        // for four areas, would make each area exactly 1.
        let b = vec![vec![4, 0], vec![1, 1, 1, 1, 0], vec![4]];
        let s = safe(&b, 5);
        assert!(s.cells[1].contains(&Shown::Withheld), "{s:?}");
    }

    #[test]
    fn a_withheld_count_beside_a_small_one_may_itself_be_small() {
        // SEN support 10, EHC 1, one need, threshold 10: the total 11 is shown and SEN
        // support withheld; it can be 2 to 10 to a reader who knows "withheld" can be small.
        let s = safe(&[vec![10, 1], vec![11, 0, 0, 0, 0]], 10);
        assert_eq!(s.cells[0], vec![Shown::Withheld, Shown::Small]);
        assert!(s.total_shown());
        // And a total of 6 = 5 + 1 at threshold 5: the 5 is withheld and must be allowed to
        // stand for 2 to 5.
        let s = safe(&[vec![5, 1], vec![6, 0, 0, 0, 0]], 5);
        assert_eq!(s.cells[0], vec![Shown::Withheld, Shown::Small]);
    }

    #[test]
    fn a_large_register_withholds_nothing_it_need_not() {
        let s = safe(&[vec![176, 67], vec![80, 70, 50, 40, 3]], 5);
        assert!(s.total_shown());
        assert_eq!(s.cells[0], vec![Shown::Count, Shown::Count]);
        // The 3 is partnered with the smallest count that serves.
        assert_eq!(
            s.cells[1],
            vec![
                Shown::Count,
                Shown::Count,
                Shown::Count,
                Shown::Withheld,
                Shown::Small
            ]
        );
    }

    #[test]
    fn a_zero_is_a_fine_partner() {
        let s = safe(&[vec![14, 0], vec![12, 2, 0, 0, 0]], 5);
        assert_eq!(s.cells[1][0], Shown::Count, "{s:?}");
        assert!(s.cells[1][2..].contains(&Shown::Withheld), "{s:?}");
        // A count of 1 with a zero: the 1 is relabelled too.
        let s = safe(&[vec![14, 0], vec![13, 1, 0, 0, 0]], 5);
        assert_eq!(s.cells[1][0], Shown::Count, "{s:?}");
    }

    #[test]
    fn at_threshold_two_nothing_is_withheld() {
        let b = vec![vec![11, 1], vec![5, 1, 4, 1, 1], vec![3, 1, 2, 6]];
        let s = safe(&b, 2);
        assert!(s.total_shown());
        assert!(
            s.cells.iter().flatten().all(|c| *c != Shown::Withheld),
            "{s:?}"
        );
    }

    #[test]
    fn no_hidden_count_of_a_small_school_can_be_worked_out() {
        let mut rng = Lcg(7);
        for _ in 0..600 {
            let t = [2, 3, 4, 5, 6, 10][rng.next(6) as usize];
            let pupils = rng.next(13);
            let mut status = vec![0u32; 2];
            let mut area = vec![0u32; 4];
            let mut year = vec![0u32; 1 + rng.next(3) as usize];
            for _ in 0..pupils {
                status[rng.next(2) as usize] += 1;
                // Most pupils share one or two areas, as in a real small school.
                let a = if rng.next(3) == 0 {
                    rng.next(4)
                } else {
                    rng.next(2)
                };
                area[a as usize] += 1;
                let y = rng.next(year.len() as u32);
                year[y as usize] += 1;
            }
            let b = vec![status, area, year];
            let s = safe(&b, t);
            for (bi, row) in b.iter().enumerate() {
                for (ci, &n) in row.iter().enumerate() {
                    if n > 0 && n < t {
                        assert_ne!(s.cells[bi][ci], Shown::Count, "{b:?} t={t}");
                    }
                }
            }
            if pupils >= t {
                assert!(s.total_shown(), "{b:?} t={t}: {s:?}");
            }
        }
    }

    #[test]
    fn an_unpublished_total_is_never_relied_on() {
        // Over £6,000: 1 of 30 costed pupils; the 29 is not printed.
        let s = suppress_group(&[vec![1, 29]], 5, Total::Unpublished);
        assert_eq!(s.cells[0][0], Shown::Small);
        assert_eq!(s.total, Shown::Withheld);
    }

    #[test]
    fn nothing_small_means_everything_and_the_total_are_shown() {
        let s = safe(&[vec![12, 6], vec![10, 0, 8, 0, 0]], 5);
        assert!(s.cells.iter().flatten().all(|c| *c == Shown::Count));
        assert!(s.total_shown());
    }
}
