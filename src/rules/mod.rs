//! The rules engine: every duty of rules.md applied to the records as they stand on the
//! as-of date ([`asof`]). Each rule lives in one function with its paragraphs in its doc
//! comment; the shared definitions (due or overdue, late, lookback, terms) live here once.

mod apply;
pub mod asof;
mod ehc;
mod pupil;
mod school;
pub mod table;
pub mod words;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::dates::{add_days, days_between, ymd};
use crate::findings::{self, Finding, Kind, Rule};
use crate::model::{Pupil, PupilBad, Records, Status, Term};
use apply::Apply;
use asof::PupilAsOf;

/// What one run of the rules needs besides the records.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub as_of: NaiveDate,
    /// How far ahead `due` findings reach, in days.
    pub window: u32,
}

/// Every finding: the loader's `validity` findings and every rule's on the records, sorted
/// as rules.md orders them.
pub fn evaluate(records: &Records, validity: &[Finding], opts: Options) -> Vec<Finding> {
    let mut all = validity.to_vec();
    all.extend(run(records, opts, false).findings);
    findings::sort(&mut all);
    all
}

/// Every duty instance of the duty rules on the records as of `as_of`: each thing the Code
/// of Practice says must be done by a date, with that date, when it was done and its state
/// (on time, late, overdue, due within `window` days, or pending beyond it). Built by the
/// same rule functions and the same deadline helper as `sen check`, so a duty is `Overdue`,
/// `Due` or `Late` here exactly when check reports it (a `Late` duty whose event lies before
/// check's 364-day lookback is still listed here, with `reported: false`). Unordered beyond
/// pupil folder order; the skip table applies as in check. See docs/rules.md, "Duty
/// instances".
pub fn duties(records: &Records, as_of: NaiveDate, window: u32) -> Vec<Duty> {
    run(records, Options { as_of, window }, true)
        .duties
        .unwrap_or_default()
}

/// Apply every rule; collect findings and, when asked, the duty instances.
fn run(records: &Records, opts: Options, want_duties: bool) -> Sink {
    let new_sink = || Sink {
        findings: Vec::new(),
        duties: want_duties.then(Vec::new),
    };
    // A `yaml` finding on school.yaml, or a problem in its settings or terms, silences every
    // rule: nothing computed from unknown settings can be trusted.
    if records.school_bad.all {
        return new_sink();
    }
    let ev = Eval {
        as_of: opts.as_of,
        window: opts.window,
        school: &records.school,
        terms: terms(&records.school.terms, opts.as_of),
    };
    let sinks: Vec<Sink> = records
        .pupils
        .par_iter()
        .filter_map(|folder| {
            let p = folder.pupil.as_ref().filter(|_| !folder.bad.pupil)?;
            let v = PupilAsOf::new(folder, p, opts.as_of);
            let mut sink = new_sink();
            let on_register = v.on_register(opts.as_of);
            for def in &table::TABLE {
                if !def.reads.trusted(folder.bad, records.school_bad) {
                    continue;
                }
                match apply::apply(def.rule) {
                    Apply::AnyPupil(apply) => apply(&ev, &v, &mut sink),
                    Apply::Pupil(apply) if on_register => apply(&ev, &v, &mut sink),
                    _ => {}
                }
            }
            Some(sink)
        })
        .collect();
    let mut out = new_sink();
    for s in sinks {
        out.findings.extend(s.findings);
        if let (Some(all), Some(d)) = (&mut out.duties, s.duties) {
            all.extend(d);
        }
    }
    for def in &table::TABLE {
        if let Apply::School(apply) = apply::apply(def.rule)
            && def.reads.trusted(PupilBad::default(), records.school_bad)
        {
            apply(&ev, &mut out);
        }
    }
    if let Some(begun) = records.school.settings.records_begin {
        before_records(&mut out, begun);
    }
    out
}

/// rules.md, "Before the records began": a school that starts using `sen` with pupils on its
/// register cannot have recorded what was done before. An `overdue` finding of a listed pupil
/// duty (the table's `before_records`) due before `begun` becomes `incomplete`: the same
/// rule, owner, due, file and paragraphs, `days` null, and a message asking for the date it
/// was done. Its duty instance becomes [`DutyState::BeforeRecords`], which the governors'
/// counts leave out (neither done nor not done: the records cannot say).
fn before_records(out: &mut Sink, begun: NaiveDate) {
    let softened = |rule: Rule, due: Option<NaiveDate>| {
        table::def(rule).before_records && due.is_some_and(|d| d < begun)
    };
    for f in &mut out.findings {
        if f.kind == Kind::Overdue && softened(f.rule, f.due) {
            f.kind = Kind::Incomplete;
            f.days = None;
            let due = f.due.map(crate::dates::uk).unwrap_or_default();
            f.message = findings::printable(format!(
                "{}; that fell due on {due}, before these records began on {}: record the date it was done, or, if it was not, do it now",
                f.message,
                crate::dates::uk(begun)
            ));
        }
    }
    for d in out.duties.iter_mut().flatten() {
        if d.state == DutyState::Overdue && softened(d.rule, d.due) {
            d.state = DutyState::BeforeRecords;
            d.days = None;
            d.reported = false;
        }
    }
}

/// The state of one duty instance on the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DutyState {
    /// Done by its deadline.
    OnTime,
    /// Done, after its deadline.
    Late,
    /// Not done, and its due date has passed.
    Overdue,
    /// Not done, due within the window.
    Due,
    /// Not done, due after the window.
    Pending,
    /// Not recorded as done, and due before `settings.records_begin`: check reports it as
    /// `incomplete` (rules.md, "Before the records began"); whether it was done is unknown.
    BeforeRecords,
}

/// One instance of a duty: what `sen check` judges as overdue, due or late.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duty {
    pub rule: Rule,
    /// The pupil's folder name; `None` for the school's duties.
    pub pupil: Option<String>,
    /// The deadline: done after it is late, not done after it is overdue. `None` only for an
    /// information report never published (overdue from the start).
    pub due: Option<NaiveDate>,
    /// When it was done, if it was.
    pub done: Option<NaiveDate>,
    pub state: DutyState,
    /// Days overdue or late, or days until due (as in check's findings).
    pub days: Option<i64>,
    /// Whether `sen check` reports it (overdue, due, or late inside the lookback).
    pub reported: bool,
    /// The record and line the duty is read from.
    pub file: String,
    pub line: u32,
}

/// When a `late` finding is reported (rules.md's lookback).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Lookback {
    /// Only when this date lies within the 364 days up to as-of.
    From(NaiveDate),
    /// Always.
    Always,
    /// Never (the duty counts for the governors but check is silent once it is done).
    Never,
}

/// One duty as a rule states it; [`Sink::duty`] judges it.
pub(crate) struct Obligation<'a> {
    pub rule: Rule,
    pub pupil: Option<&'a str>,
    /// Due or overdue are measured from this date while not done.
    pub due: NaiveDate,
    /// Lateness is measured from this date once done. Every duty today sets it to `due`
    /// (notification's due date is already `sen.since` + 14 days); it is kept apart for a
    /// duty whose lateness runs from another date.
    pub deadline: NaiveDate,
    pub done: Option<NaiveDate>,
    pub lookback: Lookback,
    /// Where a finding points.
    pub file: &'a str,
    pub line: u32,
}

impl<'a> Obligation<'a> {
    /// A duty to the pupil of `v`, due (and late after) `due`, not done, pointing at
    /// `file:line`, with no lookback; [`Self::done`] and [`Self::lookback`] say the rest.
    pub fn to_pupil(
        rule: Rule,
        v: &PupilAsOf<'a>,
        due: NaiveDate,
        file: &'a str,
        line: u32,
    ) -> Self {
        Obligation {
            rule,
            pupil: Some(&v.folder.id),
            due,
            deadline: due,
            done: None,
            lookback: Lookback::Never,
            file,
            line,
        }
    }

    /// The date it was done, if it was.
    pub fn done(mut self, done: Option<NaiveDate>) -> Self {
        self.done = done;
        self
    }

    /// When a `late` finding about it is reported.
    pub fn lookback(mut self, lookback: Lookback) -> Self {
        self.lookback = lookback;
        self
    }
}

/// Where rules put what they find: findings for check and, when asked, duty instances.
pub(crate) struct Sink {
    pub findings: Vec<Finding>,
    pub duties: Option<Vec<Duty>>,
}

impl Sink {
    /// A finding that is not a duty instance (incomplete, advice, invalid).
    pub fn push(&mut self, f: Finding) {
        self.findings.push(f);
    }

    /// The deadline helper: judge `o` on the as-of date, push its finding when check reports
    /// one (the message from `message`, given the finding's kind) and record the instance.
    pub fn duty(&mut self, ev: &Eval, o: Obligation, message: impl FnOnce(Kind) -> String) {
        let (state, shown, days, reported) = match o.done {
            Some(done) => match Eval::late(done, o.deadline) {
                Some(days) => {
                    let reported = match o.lookback {
                        Lookback::From(d) => ev.in_lookback(d),
                        Lookback::Always => true,
                        Lookback::Never => false,
                    };
                    (DutyState::Late, o.deadline, Some(days), reported)
                }
                None => (DutyState::OnTime, o.deadline, None, false),
            },
            None => match ev.pending(o.due) {
                Some((Kind::Overdue, days)) => (DutyState::Overdue, o.due, Some(days), true),
                Some((_, days)) => (DutyState::Due, o.due, Some(days), true),
                None => (
                    DutyState::Pending,
                    o.due,
                    Some(days_between(ev.as_of, o.due)),
                    false,
                ),
            },
        };
        if reported {
            let kind = match state {
                DutyState::Late => Kind::Late,
                DutyState::Overdue => Kind::Overdue,
                _ => Kind::Due,
            };
            let mut f = Finding::new(o.rule, kind, message(kind))
                .at(o.file, Some(o.line))
                .due(shown, days.unwrap_or(0));
            if let Some(p) = o.pupil {
                f = f.pupil(p);
            }
            self.findings.push(f);
        }
        if let Some(all) = &mut self.duties {
            all.push(Duty {
                rule: o.rule,
                pupil: o.pupil.map(str::to_string),
                due: Some(shown),
                done: o.done,
                state,
                days,
                reported,
                file: o.file.to_string(),
                line: o.line,
            });
        }
    }

    /// A duty instance that check reports in a shape of its own (the information report never
    /// published: overdue with no date); `f` is check's finding.
    pub fn duty_finding(&mut self, f: Finding, state: DutyState) {
        if let Some(all) = &mut self.duties {
            all.push(Duty {
                rule: f.rule,
                pupil: f.pupil.clone(),
                due: f.due,
                done: None,
                state,
                days: f.days,
                reported: true,
                file: f.file.clone().unwrap_or_default(),
                line: f.line.unwrap_or(0),
            });
        }
        self.findings.push(f);
    }
}

/// On the register at `on`: status K or E, `sen.since` on or before it, and not left by it.
pub fn on_register(p: &Pupil, on: NaiveDate) -> bool {
    matches!(p.status, Status::K | Status::E)
        && p.since.value <= on
        && p.left.as_ref().is_none_or(|l| l.value > on)
}

/// The terms of the academic year containing `as_of`: the school's terms whose start lies
/// in it, else the default terms (Autumn 1 Sept - 31 Dec, Spring 1 Jan - 31 Mar, Summer
/// 1 Apr - 31 Jul).
pub fn terms(school_terms: &[Term], as_of: NaiveDate) -> Vec<Term> {
    let start = crate::dates::academic_year_start(as_of);
    let end = crate::dates::academic_year_end(as_of);
    let mine: Vec<Term> = school_terms
        .iter()
        .filter(|t| t.start >= start && t.start <= end)
        .cloned()
        .collect();
    if !mine.is_empty() {
        return mine;
    }
    let y = crate::dates::academic_year_start_year(as_of);
    vec![
        Term {
            name: "Autumn".into(),
            start: ymd(y, 9, 1),
            end: ymd(y, 12, 31),
        },
        Term {
            name: "Spring".into(),
            start: ymd(y + 1, 1, 1),
            end: ymd(y + 1, 3, 31),
        },
        Term {
            name: "Summer".into(),
            start: ymd(y + 1, 4, 1),
            end: ymd(y + 1, 7, 31),
        },
    ]
}

/// The terms that count for days in `[from, to]`: [`terms`] of each academic year the
/// period touches, as date spans, overlaps merged.
pub fn term_spans(
    school_terms: &[Term],
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(NaiveDate, NaiveDate)> {
    use crate::dates;
    let mut out = Vec::new();
    for y in dates::academic_year_start_year(from)..=dates::academic_year_start_year(to) {
        out.extend(
            terms(school_terms, dates::ymd(y, 9, 1))
                .into_iter()
                .map(|t| (t.start, t.end)),
        );
    }
    out.sort();
    let mut merged: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for (s, e) in out {
        match merged.last_mut() {
            Some(last) if s <= crate::dates::add_days(last.1, 1) => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// Days of `[a, b]` (both included) that fall in a term.
pub fn term_days(terms: &[(NaiveDate, NaiveDate)], a: NaiveDate, b: NaiveDate) -> i64 {
    terms
        .iter()
        .map(|(s, e)| {
            let lo = a.max(*s);
            let hi = b.min(*e);
            if hi >= lo {
                crate::dates::days_between(lo, hi) + 1
            } else {
                0
            }
        })
        .sum()
}

/// A pupil rule: reads the view, pushes its findings.
pub(crate) type RuleFn = fn(&Eval, &PupilAsOf, &mut Sink);

/// The shared context of one evaluation.
pub(crate) struct Eval<'a> {
    pub as_of: NaiveDate,
    pub window: u32,
    pub school: &'a crate::model::School,
    pub terms: Vec<Term>,
}

impl Eval<'_> {
    /// `overdue` or `due` for a thing not done by `due`: whichever applies, or nothing when
    /// `due` is after as-of + window. Returns the kind and `days`.
    pub fn pending(&self, due: NaiveDate) -> Option<(Kind, i64)> {
        if due < self.as_of {
            Some((Kind::Overdue, days_between(due, self.as_of)))
        } else if due <= add_days(self.as_of, i64::from(self.window)) {
            Some((Kind::Due, days_between(self.as_of, due)))
        } else {
            None
        }
    }

    /// Days late, when `done` is after `deadline`.
    pub fn late(done: NaiveDate, deadline: NaiveDate) -> Option<i64> {
        (done > deadline).then(|| days_between(deadline, done))
    }

    /// The lookback of rules.md: a pupil's `late` or `incomplete` finding about an event
    /// dated `d` is reported only when as-of − 364 days <= d <= as-of.
    pub fn in_lookback(&self, d: NaiveDate) -> bool {
        add_days(self.as_of, -364) <= d && d <= self.as_of
    }
}

/// A finding about a pupil, with its due date and days.
pub(crate) fn pupil_finding(
    rule: Rule,
    kind: Kind,
    v: &PupilAsOf,
    file: &str,
    line: u32,
    due: Option<(NaiveDate, i64)>,
    message: String,
) -> Finding {
    let mut f = Finding::new(rule, kind, message)
        .pupil(&v.folder.id)
        .at(file, Some(line));
    if let Some((d, days)) = due {
        f = f.due(d, days);
    }
    f
}

/// How one duty stood over a period, counted from the duty instances ([`duties`]) that
/// `sen check` judges at as-of, by due date in the period: `not_done` the overdue ones,
/// `late` the late ones (inside check's lookback), `on_time` those met by their deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DutyInPeriod {
    pub rule: Rule,
    pub on_time: Option<u32>,
    pub late: u32,
    pub not_done: u32,
}

impl DutyInPeriod {
    /// How many fell due in the period.
    pub fn fell_due(&self) -> Option<u32> {
        self.on_time.map(|t| t + self.late + self.not_done)
    }
}

/// Every duty rule with an instance due in `[from, to]`, in rule order.
pub fn duties_in_period(
    records: &Records,
    opts: Options,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<DutyInPeriod> {
    let mut by: std::collections::BTreeMap<Rule, (u32, u32, u32)> = Default::default();
    for d in duties(records, opts.as_of, opts.window) {
        let Some(due) = d.due else { continue };
        if due < from || due > to {
            continue;
        }
        match d.state {
            DutyState::OnTime => by.entry(d.rule).or_default().0 += 1,
            DutyState::Late if d.reported => by.entry(d.rule).or_default().1 += 1,
            DutyState::Overdue if d.reported => by.entry(d.rule).or_default().2 += 1,
            _ => {}
        }
    }
    by.into_iter()
        .map(|(rule, (on_time, late, not_done))| DutyInPeriod {
            rule,
            on_time: Some(on_time),
            late,
            not_done,
        })
        .collect()
}
