//! EHC plan duties (Code of Practice 6.56 and chapter 9, SEND Regulations 2014): annual
//! reviews and their notice, report and LA decision, phase transfer reviews, preparing for
//! adulthood, and the LA's assessment timeline.

use chrono::NaiveDate;

use crate::dates::{add_days, uk, ymd};
use crate::findings::{Kind, Rule};
use crate::model::{DecisionOutcome, Status};

use super::asof::PupilAsOf;
use super::{Eval, Lookback, Obligation, Sink, pupil_finding};

/// The next annual review after one held (or the plan issued) on `last`: 6 months when the
/// child was under 5 on that day, else 12 months.
fn next_review(v: &PupilAsOf, last: NaiveDate) -> NaiveDate {
    super::asof::annual_review_after(v.pupil, last)
}

/// `annual-review` (6.56, 9.166, 9.178): an EHC plan is reviewed within 12 months of its
/// issue or last review (6 months for a child under 5). A review held after that: `late`.
pub(super) fn annual_review(ev: &Eval, v: &PupilAsOf, out: &mut Sink) {
    if v.pupil.status != Status::E {
        return;
    }
    let issued = v.ehcp.as_ref().and_then(|e| e.issued);
    let held: Vec<_> = v.annual_reviews.iter().filter(|r| r.held).collect();
    // Each held review against the due date from the one before (or issue).
    let mut previous = issued.map(|d| d.value);
    for r in &held {
        if let Some(prev) = previous {
            let due = next_review(v, prev);
            out.duty(
                ev,
                Obligation::to_pupil(
                    Rule::AnnualReview,
                    v,
                    due,
                    &r.review.file,
                    r.review.meeting.line,
                )
                .done(Some(r.meeting))
                .lookback(Lookback::From(r.meeting)),
                |_| {
                    format!(
                        "the annual review of {} was held after its due date of {}",
                        uk(r.meeting),
                        uk(due)
                    )
                },
            );
        }
        previous = Some(r.meeting);
    }
    let (last, file, line, what) = match held.last() {
        Some(r) => (
            r.meeting,
            r.review.file.as_str(),
            r.review.meeting.line,
            "the last annual review was held",
        ),
        None => match (issued, &v.ehcp) {
            (Some(i), Some(e)) => (i.value, e.ehcp.file.as_str(), i.line, "the plan was issued"),
            _ => return,
        },
    };
    let due = next_review(v, last);
    out.duty(
        ev,
        Obligation::to_pupil(Rule::AnnualReview, v, due, file, line),
        |_| {
            format!(
                "annual review of the EHC plan due {} ({what} {})",
                uk(due),
                uk(last)
            )
        },
    );
}

/// `annual-review-notice` (9.176, reg 20): invitations go out at least two weeks before an
/// annual review meeting.
pub(super) fn annual_review_notice(ev: &Eval, v: &PupilAsOf, out: &mut Sink) {
    before_review(
        ev,
        v,
        out,
        Rule::AnnualReviewNotice,
        |r| r.invitations_sent,
        |m, d| match d {
            Done::Missing => format!(
                "the annual review of {} does not record when invitations were sent",
                uk(m)
            ),
            Done::Late(s) => format!(
                "invitations to the annual review of {} went out {}, less than two weeks before",
                uk(m),
                uk(s)
            ),
            Done::Not(by) => format!(
                "invitations to the annual review of {} must go out by {}",
                uk(m),
                uk(by)
            ),
        },
    );
}

/// `annual-review-advice` (9.176, reg 20(4)): the advice and information gathered from those
/// invited is circulated to them at least two weeks before the annual review meeting.
pub(super) fn annual_review_advice(ev: &Eval, v: &PupilAsOf, out: &mut Sink) {
    before_review(
        ev,
        v,
        out,
        Rule::AnnualReviewAdvice,
        |r| r.advice_circulated,
        |m, d| match d {
            Done::Missing => format!(
                "the annual review of {} does not record when the advice was circulated",
                uk(m)
            ),
            Done::Late(s) => format!(
                "the advice for the annual review of {} went out {}, less than two weeks before",
                uk(m),
                uk(s)
            ),
            Done::Not(by) => format!(
                "the advice for the annual review of {} must be circulated by {}",
                uk(m),
                uk(by)
            ),
        },
    );
}

/// What a finding about a thing done before a review says it is about.
enum Done {
    /// The meeting was held and the record does not say when the thing was done.
    Missing,
    /// Done on this day, after the deadline.
    Late(NaiveDate),
    /// Not done; due by this day.
    Not(NaiveDate),
}

/// Shared shape of `annual-review-notice` and `annual-review-advice`: for each annual
/// review, a thing done at least 14 days before the meeting.
fn before_review<'a>(
    ev: &Eval,
    v: &PupilAsOf<'a>,
    out: &mut Sink,
    rule: Rule,
    pick: fn(&super::asof::AnnualReviewAsOf<'a>) -> Option<&'a crate::model::Day>,
    say: fn(NaiveDate, Done) -> String,
) {
    for r in &v.annual_reviews {
        let deadline = add_days(r.meeting, -14);
        let done = pick(r);
        if r.held && done.is_none() {
            if ev.in_lookback(r.meeting) {
                out.push(pupil_finding(
                    rule,
                    Kind::Incomplete,
                    v,
                    &r.review.file,
                    r.review.meeting.line,
                    None,
                    say(r.meeting, Done::Missing),
                ));
            }
            continue;
        }
        out.duty(
            ev,
            Obligation::to_pupil(
                rule,
                v,
                deadline,
                &r.review.file,
                done.map_or(r.review.meeting.line, |s| s.line),
            )
            .done(done.map(|s| s.value))
            // A late notice for a meeting still to come is reported at once (rules.md).
            .lookback(if r.held {
                Lookback::From(r.meeting)
            } else {
                Lookback::Always
            }),
            |_| match done {
                Some(s) => say(r.meeting, Done::Late(s.value)),
                None => say(r.meeting, Done::Not(deadline)),
            },
        );
    }
}

/// Shared shape of `annual-review-report` and `la-decision`: for each review held, a thing
/// done within `days` of the meeting.
fn after_review<'a>(
    ev: &Eval,
    v: &PupilAsOf<'a>,
    out: &mut Sink,
    rule: Rule,
    within: i64,
    pick: fn(&super::asof::AnnualReviewAsOf<'a>) -> Option<&'a crate::model::Day>,
    what: &str,
) {
    for r in v.annual_reviews.iter().filter(|r| r.held) {
        let due = add_days(r.meeting, within);
        let done = pick(r);
        out.duty(
            ev,
            Obligation::to_pupil(
                rule,
                v,
                due,
                &r.review.file,
                done.map_or(r.review.meeting.line, |d| d.line),
            )
            .done(done.map(|d| d.value))
            .lookback(Lookback::From(r.meeting)),
            |_| match done {
                None => format!(
                    "{what} after the annual review of {}: due {}",
                    uk(r.meeting),
                    uk(due)
                ),
                Some(d) => format!(
                    "{what} after the annual review of {}: done {}, due {}",
                    uk(r.meeting),
                    uk(d.value),
                    uk(due)
                ),
            },
        );
    }
}

/// `annual-review-report` (9.176, reg 20): the review report goes to the LA and everyone
/// invited within two weeks of the meeting.
pub(super) fn annual_review_report(ev: &Eval, v: &PupilAsOf, out: &mut Sink) {
    after_review(
        ev,
        v,
        out,
        Rule::AnnualReviewReport,
        14,
        |r| r.report_sent,
        "the review report to the local authority",
    );
}

/// `la-decision` (9.176, reg 20), owner LA: the local authority decides within four weeks
/// of the meeting whether to maintain, amend or cease the plan.
pub(super) fn la_decision(ev: &Eval, v: &PupilAsOf, out: &mut Sink) {
    after_review(
        ev,
        v,
        out,
        Rule::LaDecision,
        28,
        |r| r.la_decision,
        "the local authority's decision",
    );
}

/// `phase-transfer` (9.179, reg 18): a pupil with a plan moving phase has the plan reviewed
/// and amended by 15 February (31 March from Year 11) of the year of transfer.
pub(super) fn phase_transfer(ev: &Eval, v: &PupilAsOf, out: &mut Sink) {
    if v.pupil.status != Status::E {
        return;
    }
    let year = v.nc_year(ev.as_of, ev.as_of);
    if !ev.school.settings.transfer_years.contains(&year) {
        return;
    }
    let ends = crate::dates::academic_year_start_year(ev.as_of) + 1;
    let deadline = if year == 11 {
        ymd(ends, 3, 31)
    } else {
        ymd(ends, 2, 15)
    };
    let start = crate::dates::academic_year_start(ev.as_of);
    let done = v
        .annual_reviews
        .iter()
        .map(|r| r.meeting)
        .filter(|m| *m >= start && *m <= deadline)
        .min();
    out.duty(
        ev,
        Obligation::to_pupil(Rule::PhaseTransfer, v, deadline, &v.pupil.file, 0).done(done),
        |_| {
            format!(
                "Year {year}: the EHC plan must be reviewed for the move to the next phase by {}",
                uk(deadline)
            )
        },
    );
}

/// `adulthood` (8.9, 9.166, reg 20(6)): from Year 9, every annual review covers preparing
/// for adulthood.
pub(super) fn adulthood(ev: &Eval, v: &PupilAsOf, out: &mut Sink) {
    for r in v.annual_reviews.iter().filter(|r| r.held) {
        let year = v.nc_year(r.meeting, ev.as_of);
        if year >= 9 && r.review.preparing_for_adulthood.is_none() && ev.in_lookback(r.meeting) {
            out.push(pupil_finding(
                Rule::Adulthood,
                Kind::Incomplete,
                v,
                &r.review.file,
                r.review.meeting.line,
                None,
                format!(
                    "the annual review of {} (Year {year}) does not record preparing for adulthood",
                    uk(r.meeting)
                ),
            ));
        }
    }
}

/// `ehc-assessment` (9.14, 9.17, 9.40), owner LA: the decision whether to assess within 6
/// weeks of the request, and the final plan within 20 weeks.
pub(super) fn ehc_assessment(ev: &Eval, v: &PupilAsOf, out: &mut Sink) {
    let Some(e) = &v.ehcp else { return };
    let Some(a) = &e.assessment else { return };
    let Some(requested) = a.requested else { return };
    let file = e.ehcp.file.as_str();
    let decide_by = add_days(requested.value, 42);
    let final_by = add_days(requested.value, 140);
    out.duty(
        ev,
        Obligation::to_pupil(
            Rule::EhcAssessment,
            v,
            decide_by,
            file,
            a.decision.map_or(requested.line, |d| d.line),
        )
        .done(a.decision.map(|d| d.value))
        .lookback(Lookback::From(a.decision.map_or(decide_by, |d| d.value))),
        |_| match a.decision {
            None => format!(
                "the local authority's decision on the assessment requested {} is due {}",
                uk(requested.value),
                uk(decide_by)
            ),
            Some(d) => format!(
                "the local authority decided on {}, more than 6 weeks after the request of {}",
                uk(d.value),
                uk(requested.value)
            ),
        },
    );
    if a.final_plan.is_none() && a.decision_outcome != Some(DecisionOutcome::Assess) {
        return;
    }
    out.duty(
        ev,
        Obligation::to_pupil(
            Rule::EhcAssessment,
            v,
            final_by,
            file,
            a.final_plan.map_or(requested.line, |f| f.line),
        )
        .done(a.final_plan.map(|f| f.value))
        .lookback(Lookback::From(a.final_plan.map_or(final_by, |f| f.value))),
        |_| match a.final_plan {
            None => format!(
                "the final EHC plan for the assessment requested {} is due {}",
                uk(requested.value),
                uk(final_by)
            ),
            Some(f) => format!(
                "the final EHC plan came on {}, more than 20 weeks after the request of {}",
                uk(f.value),
                uk(requested.value)
            ),
        },
    );
}
