//! The rules engine: every duty of rules.md applied to the records as they stand on the
//! as-of date ([`view`]). Each rule lives in one function with its paragraphs in its doc
//! comment; the shared definitions (due or overdue, late, lookback, terms) live here once.

mod ehc;
mod pupil;
mod school;
pub mod view;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::dates::{add_days, days_between, ymd};
use crate::findings::{self, Finding, Kind, Rule};
use crate::load::Loaded;
use crate::model::{Pupil, PupilBad, Status, Term};
use view::PupilView;

/// What one run of the rules needs besides the records.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub as_of: NaiveDate,
    /// How far ahead `due` findings reach, in days.
    pub window: u32,
}

/// Every finding for the loaded records, validity first, sorted as rules.md orders them.
pub fn evaluate(loaded: &Loaded, opts: Options) -> Vec<Finding> {
    let mut all = loaded.findings.clone();
    all.extend(duties(loaded, opts));
    findings::sort(&mut all);
    all
}

/// The duty findings (everything but validity).
pub fn duties(loaded: &Loaded, opts: Options) -> Vec<Finding> {
    duties_and_met(loaded, opts).0
}

/// The duty findings, and each duty with a deadline that was met on time: its rule and
/// deadline (counted under the same lookback as its `late` findings).
fn duties_and_met(loaded: &Loaded, opts: Options) -> (Vec<Finding>, Vec<(Rule, NaiveDate)>) {
    let records = &loaded.records;
    // A `yaml` finding on school.yaml, or a problem in its settings or terms, silences every
    // rule: nothing computed from unknown settings can be trusted.
    if records.school_bad.all {
        return (Vec::new(), Vec::new());
    }
    let ev = Eval {
        as_of: opts.as_of,
        window: opts.window,
        school: &records.school,
        terms: terms(&records.school.terms, opts.as_of),
        met: std::sync::Mutex::new(Vec::new()),
    };
    let mut out: Vec<Finding> = records
        .pupils
        .par_iter()
        .flat_map_iter(|folder| {
            let mut f = Vec::new();
            if let Some(p) = &folder.pupil
                && !folder.bad.pupil
            {
                let v = PupilView::new(folder, p, opts.as_of);
                if v.on_register(opts.as_of) {
                    pupil::all(&ev, &v, folder.bad, &mut f);
                    ehc::all(&ev, &v, folder.bad, &mut f);
                }
            }
            f
        })
        .collect();
    if !records.school_bad.senco {
        school::senco(&ev, &mut out);
    }
    if !records.school_bad.information_report {
        school::information_report(&ev, &mut out);
    }
    let met = ev.met.into_inner().unwrap_or_else(|e| e.into_inner());
    (out, met)
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

/// A pupil rule: reads the view, pushes its findings.
pub(crate) type RuleFn = fn(&Eval, &PupilView, &mut Vec<Finding>);

/// The shared context of one evaluation.
pub(crate) struct Eval<'a> {
    pub as_of: NaiveDate,
    pub window: u32,
    pub school: &'a crate::model::School,
    pub terms: Vec<Term>,
    /// Duties met on time: (rule, deadline), for [`duties_in_period`].
    pub met: std::sync::Mutex<Vec<(Rule, NaiveDate)>>,
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

    /// A duty of `rule` done on `done` against `deadline`, looked at only when `counted`
    /// (the lookback): days late when late; when on time, nothing, and the duty is recorded
    /// as met for the duty classification.
    pub fn late_or_met(
        &self,
        rule: Rule,
        done: NaiveDate,
        deadline: NaiveDate,
        counted: bool,
    ) -> Option<i64> {
        if !counted {
            return None;
        }
        let late = Self::late(done, deadline);
        if late.is_none()
            && let Ok(mut m) = self.met.lock()
        {
            m.push((rule, deadline));
        }
        late
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
    v: &PupilView,
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

/// Which of a pupil's files a rule reads must be free of `invalid` findings (rules.md,
/// "Skipping what cannot be trusted"). pupil.yaml is checked before any rule runs.
pub(crate) fn reads_ok(rule: Rule, bad: PupilBad) -> bool {
    match rule {
        Rule::Notification => true,
        Rule::CycleReview | Rule::SupportPlan | Rule::Specialist => !bad.cycles,
        Rule::EhcConsider => !bad.cycles && !bad.ehcp,
        Rule::ParentMeetings => !bad.cycles && !bad.meetings && !bad.annual_reviews,
        Rule::RecordShared => !bad.cycles && !bad.meetings,
        Rule::AnnualReview => !bad.annual_reviews && !bad.ehcp,
        Rule::AnnualReviewNotice
        | Rule::AnnualReviewReport
        | Rule::LaDecision
        | Rule::PhaseTransfer
        | Rule::Adulthood => !bad.annual_reviews,
        Rule::EhcAssessment => !bad.ehcp,
        _ => true,
    }
}

/// The rules whose duties have a deadline and a date done, so that a duty met on time is
/// known as well as one met late ([`Eval::late_or_met`]). Other rules report only what is
/// outstanding: nothing in their records says a duty was met by its date.
pub const TIMED: [Rule; 7] = [
    Rule::Notification,
    Rule::RecordShared,
    Rule::AnnualReview,
    Rule::AnnualReviewNotice,
    Rule::AnnualReviewReport,
    Rule::LaDecision,
    Rule::EhcAssessment,
];

/// How one duty stood over a period, classified from one evaluation at as-of, the same one
/// `sen check` makes: `not_done` is its `overdue` findings with a due date in the period,
/// `late` its `late` ones, and `on_time` the duties met by their deadline in the period
/// (counted only for the [`TIMED`] rules; `None` for the others).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DutyInPeriod {
    pub rule: Rule,
    pub on_time: Option<u32>,
    pub late: u32,
    pub not_done: u32,
}

impl DutyInPeriod {
    /// How many fell due in the period, when on-time duties are known.
    pub fn fell_due(&self) -> Option<u32> {
        self.on_time.map(|t| t + self.late + self.not_done)
    }
}

/// Every duty rule with something due in `[from, to]`, in rule order.
pub fn duties_in_period(
    loaded: &Loaded,
    opts: Options,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<DutyInPeriod> {
    let (findings, met) = duties_and_met(loaded, opts);
    let inside = |d: NaiveDate| d >= from && d <= to;
    let mut by: std::collections::BTreeMap<Rule, (u32, u32, u32)> = Default::default();
    for f in findings {
        if !f.due.is_some_and(inside) {
            continue;
        }
        match f.kind {
            Kind::Late => by.entry(f.rule).or_default().1 += 1,
            Kind::Overdue => by.entry(f.rule).or_default().2 += 1,
            _ => {}
        }
    }
    for (rule, deadline) in met {
        if inside(deadline) {
            by.entry(rule).or_default().0 += 1;
        }
    }
    by.into_iter()
        .map(|(rule, (on_time, late, not_done))| DutyInPeriod {
            rule,
            on_time: TIMED.contains(&rule).then_some(on_time),
            late,
            not_done,
        })
        .collect()
}
