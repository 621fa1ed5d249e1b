//! The graduated approach duties of a pupil on the register (Code of Practice 6.43-6.71):
//! notification, cycle-review, support-plan, parent-meetings, record-shared, specialist and
//! ehc-consider.

use crate::dates::{add_days, uk};
use crate::findings::{Kind, Rule};
use crate::model::{Next, Progress, Status};

use super::asof::{CycleAsOf, PupilAsOf};
use super::{Eval, Lookback, Obligation, Sink, pupil_finding};

/// `notification` (6.43, 6.48): parents are formally told when the school starts making
/// special educational provision. One deadline for both forms (0.2): `sen.since` + 14 days,
/// so a pupil added today is not overdue tomorrow.
pub(super) fn notification(ev: &Eval, v: &PupilAsOf, out: &mut Sink) {
    let p = v.pupil;
    let done = v.parents_notified;
    out.duty(
        ev,
        Obligation::to_pupil(
            Rule::Notification,
            v,
            add_days(v.since, 14),
            &p.file,
            done.map_or(p.since.line, |n| n.line),
        )
        .done(done.map(|n| n.value))
        .lookback(Lookback::From(done.map_or(v.since, |n| n.value))),
        |_| match done {
            None => format!(
                "parents not yet formally told of the SEN provision that began {}",
                uk(v.since)
            ),
            Some(n) => format!(
                "parents were told on {}, more than 14 days after provision began on {}",
                uk(n.value),
                uk(v.since)
            ),
        },
    );
}

/// `transfer-record` (6.57, pupil information reg 9): a pupil who left for another school,
/// having been on the register the day before, has their SEN record sent within 15 school
/// days of leaving. Applies although the pupil is no longer on the register.
pub(super) fn transfer_record(ev: &Eval, v: &PupilAsOf, out: &mut Sink) {
    let p = v.pupil;
    let (Some(t), Some(left)) = (&p.transfer, v.left) else {
        return;
    };
    if !super::on_register(p, add_days(left, -1)) {
        return;
    }
    let due = super::asof::school_days_after(&ev.school.terms, left, 15);
    let sent = t.sen_record_sent.as_ref().filter(|d| d.value <= ev.as_of);
    out.duty(
        ev,
        Obligation::to_pupil(Rule::TransferRecord, v, due, &p.file, sent.map_or(t.line, |d| d.line))
            .done(sent.map(|d| d.value))
            .lookback(Lookback::From(sent.map_or(left, |d| d.value))),
        |_| match sent {
            None => format!(
                "the SEN record has not been sent to {}: the pupil left on {}, and it is due within 15 school days",
                t.school,
                uk(left)
            ),
            Some(d) => format!(
                "the SEN record reached {} on {}, later than 15 school days after the pupil left on {}",
                t.school,
                uk(d.value),
                uk(left)
            ),
        },
    );
}

/// `cycle-review` (6.48, 6.53): each open cycle with a plan is reviewed by its `review_due`.
pub(super) fn cycle_review(ev: &Eval, v: &PupilAsOf, out: &mut Sink) {
    for c in v.open_cycles() {
        let Some(plan) = c.plan else { continue };
        let due = plan.review_due.value;
        out.duty(
            ev,
            Obligation::to_pupil(
                Rule::CycleReview,
                v,
                due,
                &c.cycle.file,
                plan.review_due.line,
            ),
            |kind| {
                let verb = if kind == Kind::Overdue {
                    "was due"
                } else {
                    "is due"
                };
                format!(
                    "review of the cycle started {} {verb} {}",
                    uk(c.cycle.started.value),
                    uk(due)
                )
            },
        );
    }
}

/// `support-plan` (6.44): a pupil on SEN support always has a cycle under way. With none
/// open, the next starts within `new_cycle_within_days` of the last review (or of
/// `sen.since` when there has been no cycle), unless that review decided to `exit`.
pub(super) fn support_plan(ev: &Eval, v: &PupilAsOf, out: &mut Sink) {
    if v.pupil.status != Status::K || v.open_cycles().next().is_some() {
        return;
    }
    let gap = i64::from(ev.school.settings.new_cycle_within_days);
    let reviewed = v.reviewed_latest_first();
    let (from, file, line, what) = match reviewed.first() {
        Some(c) => {
            let r = c.review.as_ref().map(|r| r.review);
            if r.and_then(|r| r.next) == Some(Next::Exit) {
                return;
            }
            let date = c.review.as_ref().map_or(v.since, |r| r.date);
            (
                date,
                c.cycle.file.as_str(),
                r.map_or(0, |r| r.line),
                format!("the last cycle was reviewed on {}", uk(date)),
            )
        }
        None if v.cycles.is_empty() => (
            v.since,
            v.pupil.file.as_str(),
            v.pupil.since.line,
            format!("SEN support began on {}", uk(v.since)),
        ),
        None => return,
    };
    let due = add_days(from, gap);
    out.duty(
        ev,
        Obligation::to_pupil(Rule::SupportPlan, v, due, file, line),
        |_| {
            format!(
                "no assess-plan-do-review cycle under way: {what}, so the next should start by {}",
                uk(due)
            )
        },
    );
}

/// `parent-meetings` (6.65): at least one meeting with parents in each term of the
/// academic year containing as-of.
pub(super) fn parent_meetings(ev: &Eval, v: &PupilAsOf, out: &mut Sink) {
    let contacts = v.parent_contacts();
    let first_met = |from, to| {
        contacts
            .iter()
            .copied()
            .filter(|d| *d >= from && *d <= to)
            .min()
    };
    for t in &ev.terms {
        let past = t.end < ev.as_of;
        if past {
            if !(v.on_register(t.start) && v.on_register(t.end)) {
                continue;
            }
        } else if !(t.start <= ev.as_of && v.on_register(t.start)) {
            continue;
        }
        // A term not yet over is only ever `due` (never `overdue`) while it runs.
        let done = first_met(t.start, if past { t.end } else { ev.as_of });
        out.duty(
            ev,
            Obligation::to_pupil(Rule::ParentMeetings, v, t.end, &v.pupil.file, 0).done(done),
            |kind| {
                if kind == Kind::Overdue {
                    format!(
                        "no meeting with parents in the {} term, which ended {}",
                        t.name,
                        uk(t.end)
                    )
                } else {
                    format!(
                        "no meeting with parents yet in the {} term, which ends {}",
                        t.name,
                        uk(t.end)
                    )
                }
            },
        );
    }
}

/// `record-shared` (6.71): parents get a record of each review or meeting they attended,
/// within `share_record_within_days`.
pub(super) fn record_shared(ev: &Eval, v: &PupilAsOf, out: &mut Sink) {
    let within = i64::from(ev.school.settings.share_record_within_days);
    let mut check = |what: &str,
                     date: chrono::NaiveDate,
                     shared: Option<&crate::model::Day>,
                     file: &str,
                     line: u32| {
        let due = add_days(date, within);
        out.duty(
            ev,
            Obligation::to_pupil(
                Rule::RecordShared,
                v,
                due,
                file,
                shared.map_or(line, |s| s.line),
            )
            .done(shared.map(|s| s.value))
            .lookback(Lookback::From(date)),
            |_| match shared {
                None => format!(
                    "the record of the {what} of {} has not been given to parents",
                    uk(date)
                ),
                Some(s) => format!(
                    "the record of the {what} of {} reached parents on {}",
                    uk(date),
                    uk(s.value)
                ),
            },
        );
    };
    for c in &v.cycles {
        if let Some(r) = &c.review
            && r.review.parents_present
        {
            check(
                "review",
                r.date,
                r.shared_with_parents,
                &c.cycle.file,
                r.review.date.line,
            );
        }
    }
    for m in &v.meetings {
        if m.meeting.parents_present {
            check(
                "meeting",
                m.meeting.date.value,
                m.shared_with_parents,
                &m.meeting.file,
                m.meeting.date.line,
            );
        }
    }
}

fn slow(p: Progress) -> bool {
    matches!(p, Progress::LessThanExpected | Progress::LittleOrNone)
}

/// Advice raised when each of the `n` most recent reviewed cycles passes `test`; the
/// finding points at the latest review.
fn last_reviews(
    v: &PupilAsOf,
    n: usize,
    test: impl Fn(&CycleAsOf) -> bool,
    rule: Rule,
    message: &str,
    out: &mut Sink,
) {
    let reviewed = v.reviewed_latest_first();
    if reviewed.len() < n || !reviewed[..n].iter().all(|c| test(c)) {
        return;
    }
    let c = reviewed[0];
    out.push(pupil_finding(
        rule,
        Kind::Advice,
        v,
        &c.cycle.file,
        c.review.as_ref().map_or(0, |r| r.review.line),
        None,
        message.to_string(),
    ));
}

/// `specialist` (6.58, 6.59), advice: two reviews running with less than expected progress
/// and no specialist involved in either cycle.
pub(super) fn specialist(_ev: &Eval, v: &PupilAsOf, out: &mut Sink) {
    last_reviews(
        v,
        2,
        |c| c.specialists == 0 && c.review.as_ref().is_some_and(|r| slow(r.review.progress)),
        Rule::Specialist,
        "progress was less than expected at the last two reviews and no specialist has been involved: consider involving one",
        out,
    );
}

/// `ehc-consider` (6.63), advice: a pupil on SEN support who made little or no progress at
/// the last three reviews, with no EHC needs assessment requested.
pub(super) fn ehc_consider(_ev: &Eval, v: &PupilAsOf, out: &mut Sink) {
    if v.pupil.status != Status::K || v.ehcp.as_ref().is_some_and(|e| e.assessment.is_some()) {
        return;
    }
    last_reviews(
        v,
        3,
        |c| {
            c.review
                .as_ref()
                .is_some_and(|r| r.review.progress == Progress::LittleOrNone)
        },
        Rule::EhcConsider,
        "little or no progress at the last three reviews: consider requesting an EHC needs assessment",
        out,
    );
}
