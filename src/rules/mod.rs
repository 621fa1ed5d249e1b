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
    let records = &loaded.records;
    // A `yaml` finding on school.yaml, or a problem in its settings or terms, silences every
    // rule: nothing computed from unknown settings can be trusted.
    if records.school_bad.all {
        return Vec::new();
    }
    let ev = Eval {
        as_of: opts.as_of,
        window: opts.window,
        school: &records.school,
        terms: terms(&records.school.terms, opts.as_of),
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
    out
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

/// How one duty stood over a period, counted from the same findings `sen check` gives at
/// as-of: `not_done` its `overdue` findings with a due date in the period, `late` its `late`
/// ones. (Things done on time leave no finding, so they are not counted here.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DutyInPeriod {
    pub rule: Rule,
    pub late: u32,
    pub not_done: u32,
}

/// Every duty rule with a late or not-done instance due in `[from, to]`, in rule order.
pub fn duties_in_period(
    loaded: &Loaded,
    opts: Options,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<DutyInPeriod> {
    let mut by: std::collections::BTreeMap<Rule, (u32, u32)> = Default::default();
    for f in duties(loaded, opts) {
        let Some(due) = f.due else { continue };
        if due < from || due > to {
            continue;
        }
        let e = by.entry(f.rule).or_default();
        match f.kind {
            Kind::Late => e.0 += 1,
            Kind::Overdue => e.1 += 1,
            _ => {}
        }
    }
    by.into_iter()
        .filter(|(_, (l, n))| l + n > 0)
        .map(|(rule, (late, not_done))| DutyInPeriod {
            rule,
            late,
            not_done,
        })
        .collect()
}
