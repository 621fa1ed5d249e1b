//! "As-of is a point in time" (rules.md): the records as they stood, or will stand, on the
//! as-of date. Built once per pupil; every rule reads this reading and never the raw dates, so
//! no rule can forget that a record dated after as-of has not happened yet.

use chrono::NaiveDate;

use crate::model::*;

/// A pupil's records as on the as-of date.
pub struct PupilAsOf<'a> {
    pub folder: &'a PupilFolder,
    pub pupil: &'a Pupil,
    pub since: NaiveDate,
    pub parents_notified: Option<&'a Day>,
    pub left: Option<NaiveDate>,
    /// Cycles that exist (started on or before as-of), sorted by file name.
    pub cycles: Vec<CycleAsOf<'a>>,
    /// Meetings held on or before as-of.
    pub meetings: Vec<MeetingAsOf<'a>>,
    pub ehcp: Option<EhcpAsOf<'a>>,
    /// Annual reviews held or scheduled, sorted by meeting date then file.
    pub annual_reviews: Vec<AnnualReviewAsOf<'a>>,
}

pub struct CycleAsOf<'a> {
    pub cycle: &'a Cycle,
    /// The plan, unless it was agreed after as-of.
    pub plan: Option<&'a Plan>,
    /// The review, unless it is dated after as-of.
    pub review: Option<ReviewAsOf<'a>>,
    /// Specialists involved by as-of (an undated entry counts).
    pub specialists: usize,
}

pub struct ReviewAsOf<'a> {
    pub review: &'a Review,
    pub date: NaiveDate,
    pub shared_with_parents: Option<&'a Day>,
}

pub struct MeetingAsOf<'a> {
    pub meeting: &'a Meeting,
    /// The record given to parents, unless dated after as-of.
    pub shared_with_parents: Option<&'a Day>,
}

pub struct EhcpAsOf<'a> {
    pub ehcp: &'a Ehcp,
    pub issued: Option<&'a Day>,
    /// The assessment, unless it was requested after as-of.
    pub assessment: Option<AssessmentAsOf<'a>>,
}

pub struct AssessmentAsOf<'a> {
    pub requested: Option<&'a Day>,
    pub decision: Option<&'a Day>,
    /// Read only together with its decision.
    pub decision_outcome: Option<DecisionOutcome>,
    pub final_plan: Option<&'a Day>,
}

pub struct AnnualReviewAsOf<'a> {
    pub review: &'a AnnualReview,
    pub meeting: NaiveDate,
    /// The meeting has been held (on or before as-of); otherwise it is scheduled.
    pub held: bool,
    pub invitations_sent: Option<&'a Day>,
    /// Read as absent when dated after as-of, as every record of a thing done.
    pub advice_requested: Option<&'a Day>,
    pub advice_circulated: Option<&'a Day>,
    pub parents_present: bool,
    pub report_sent: Option<&'a Day>,
    pub la_decision: Option<&'a Day>,
}

fn by(d: Option<&Day>, as_of: NaiveDate) -> Option<&Day> {
    d.filter(|d| d.value <= as_of)
}

/// A cycle's plan as it stood on `as_of`: absent when agreed after it.
pub fn plan_at(c: &Cycle, as_of: NaiveDate) -> Option<&Plan> {
    c.plan
        .as_ref()
        .filter(|p| p.agreed.as_ref().is_none_or(|a| a.value <= as_of))
}

/// A cycle's review as it stood on `as_of`: absent when dated after it.
pub fn review_at(c: &Cycle, as_of: NaiveDate) -> Option<&Review> {
    c.review.as_ref().filter(|r| r.date.value <= as_of)
}

/// The open cycle at `as_of`: started on or before it, with no review by it; the latest
/// started (then the last by file name) when there is more than one.
pub fn open_cycle(cycles: &[Cycle], as_of: NaiveDate) -> Option<&Cycle> {
    cycles
        .iter()
        .filter(|c| c.started.value <= as_of && review_at(c, as_of).is_none())
        .max_by(|a, b| {
            a.started
                .value
                .cmp(&b.started.value)
                .then_with(|| a.file.cmp(&b.file))
        })
}

/// The NC year on `d` of a pupil, as read on `as_of`: from `year_group` (the NC year in the
/// academic year containing as-of, moving on one a year), else from the date of birth.
pub fn nc_year(pupil: &Pupil, d: NaiveDate, as_of: NaiveDate) -> i64 {
    use crate::dates::{academic_year_start_year, nc_year_from_dob};
    match pupil.year_group {
        Some(y) => {
            y + i64::from(academic_year_start_year(d)) - i64::from(academic_year_start_year(as_of))
        }
        None => nc_year_from_dob(pupil.dob, d),
    }
}

/// When an EHC plan annual review falls due after one held (or the plan issued) on `last`:
/// 12 months on, or 6 months for a child under 5 on that day (9.178).
pub fn annual_review_after(pupil: &Pupil, last: NaiveDate) -> NaiveDate {
    crate::dates::add_months(last, annual_review_months(pupil, last))
}

/// How many months an EHC plan may go between reviews from a review (or the plan) on
/// `day`: 6 for a child under 5 on that day, else 12 (9.178).
pub fn annual_review_months(pupil: &Pupil, day: NaiveDate) -> u32 {
    if crate::dates::age(pupil.dob, day) < 5 {
        6
    } else {
        12
    }
}

impl<'a> CycleAsOf<'a> {
    /// A cycle as on `as_of`: its plan and review then, and the specialists involved by then.
    fn new(c: &'a Cycle, as_of: NaiveDate) -> Self {
        CycleAsOf {
            cycle: c,
            plan: plan_at(c, as_of),
            review: review_at(c, as_of).map(|r| ReviewAsOf {
                review: r,
                date: r.date.value,
                shared_with_parents: by(r.shared_with_parents.as_ref(), as_of),
            }),
            specialists: c.assess.as_ref().map_or(0, |a| {
                a.specialists
                    .iter()
                    .filter(|s| s.date.is_none_or(|d| d <= as_of))
                    .count()
            }),
        }
    }
}

impl<'a> EhcpAsOf<'a> {
    /// The plan as on `as_of`: issued by then, and an assessment requested by then.
    fn new(e: &'a Ehcp, as_of: NaiveDate) -> Self {
        EhcpAsOf {
            ehcp: e,
            issued: by(e.issued.as_ref(), as_of),
            assessment: e
                .assessment
                .as_ref()
                .filter(|a| a.requested.as_ref().is_none_or(|r| r.value <= as_of))
                .map(|a| {
                    let decision = by(a.decision.as_ref(), as_of);
                    AssessmentAsOf {
                        requested: by(a.requested.as_ref(), as_of),
                        decision,
                        decision_outcome: decision.and(a.decision_outcome),
                        final_plan: by(a.final_plan.as_ref(), as_of),
                    }
                }),
        }
    }
}

impl<'a> AnnualReviewAsOf<'a> {
    /// An annual review as on `as_of`: held or still to come, and what was sent by then.
    fn new(r: &'a AnnualReview, as_of: NaiveDate) -> Self {
        let held = r.meeting.value <= as_of;
        AnnualReviewAsOf {
            review: r,
            meeting: r.meeting.value,
            held,
            invitations_sent: by(r.invitations_sent.as_ref(), as_of),
            advice_requested: by(r.advice_requested.as_ref(), as_of),
            advice_circulated: by(r.advice_circulated.as_ref(), as_of),
            parents_present: held && r.parents_present,
            report_sent: by(r.report_sent.as_ref(), as_of).filter(|_| held),
            la_decision: by(r.la_decision.as_ref(), as_of).filter(|_| held),
        }
    }
}

impl<'a> PupilAsOf<'a> {
    pub fn new(folder: &'a PupilFolder, pupil: &'a Pupil, as_of: NaiveDate) -> Self {
        let cycles = folder
            .cycles
            .iter()
            .filter(|c| c.started.value <= as_of)
            .map(|c| CycleAsOf::new(c, as_of))
            .collect();
        let meetings = folder
            .meetings
            .iter()
            .filter(|m| m.date.value <= as_of)
            .map(|m| MeetingAsOf {
                meeting: m,
                shared_with_parents: by(m.shared_with_parents.as_ref(), as_of),
            })
            .collect();
        let ehcp = folder.ehcp.as_ref().map(|e| EhcpAsOf::new(e, as_of));
        let mut annual_reviews: Vec<AnnualReviewAsOf> = folder
            .annual_reviews
            .iter()
            .map(|r| AnnualReviewAsOf::new(r, as_of))
            .collect();
        annual_reviews.sort_by(|a, b| {
            a.meeting
                .cmp(&b.meeting)
                .then_with(|| a.review.file.cmp(&b.review.file))
        });
        PupilAsOf {
            folder,
            pupil,
            since: pupil.since.value,
            parents_notified: by(pupil.parents_notified.as_ref(), as_of),
            left: by(pupil.left.as_ref(), as_of).map(|l| l.value),
            cycles,
            meetings,
            ehcp,
            annual_reviews,
        }
    }

    /// On the register at `d`: status K or E (as it is now), `since` on or before `d`, and
    /// not left by `d`.
    pub fn on_register(&self, d: NaiveDate) -> bool {
        matches!(self.pupil.status, Status::K | Status::E)
            && self.since <= d
            && self.left.is_none_or(|l| l > d)
    }

    /// Cycles that exist and have no review.
    pub fn open_cycles(&self) -> impl Iterator<Item = &CycleAsOf<'a>> {
        self.cycles.iter().filter(|c| c.review.is_none())
    }

    /// Reviewed cycles, most recent first: by review date, then the later start, then the
    /// file name.
    pub fn reviewed_latest_first(&self) -> Vec<&CycleAsOf<'a>> {
        let mut v: Vec<&CycleAsOf> = self.cycles.iter().filter(|c| c.review.is_some()).collect();
        v.sort_by(|a, b| {
            let (ra, rb) = (a.review.as_ref(), b.review.as_ref());
            rb.map(|r| r.date)
                .cmp(&ra.map(|r| r.date))
                .then_with(|| b.cycle.started.value.cmp(&a.cycle.started.value))
                .then_with(|| b.cycle.file.cmp(&a.cycle.file))
        });
        v
    }

    /// Dates of parent contact: meetings and cycle reviews with parents present, and annual
    /// reviews held with parents present.
    pub fn parent_contacts(&self) -> Vec<NaiveDate> {
        let mut v: Vec<NaiveDate> = self
            .meetings
            .iter()
            .filter(|m| m.meeting.parents_present)
            .map(|m| m.meeting.date.value)
            .collect();
        v.extend(
            self.cycles
                .iter()
                .filter_map(|c| c.review.as_ref())
                .filter(|r| r.review.parents_present)
                .map(|r| r.date),
        );
        v.extend(
            self.annual_reviews
                .iter()
                .filter(|r| r.held && r.parents_present)
                .map(|r| r.meeting),
        );
        v
    }

    /// The NC year on `d` (see [`nc_year`]).
    pub fn nc_year(&self, d: NaiveDate, as_of: NaiveDate) -> i64 {
        nc_year(self.pupil, d, as_of)
    }

    /// The EHC plan annual review in hand: the date it is counted from (the last review
    /// held, else the plan's issue) and the date it falls due. None without an EHC plan
    /// issued by as-of.
    pub fn annual_review_due(&self) -> Option<(NaiveDate, NaiveDate)> {
        if self.pupil.status != Status::E {
            return None;
        }
        let last = match self.annual_reviews.iter().rfind(|r| r.held) {
            Some(r) => r.meeting,
            None => self.ehcp.as_ref()?.issued?.value,
        };
        Some((last, annual_review_after(self.pupil, last)))
    }
}

/// The `n`th school day after `day` (not counting `day` itself). School days are Monday to
/// Friday inside a term: the school's `terms` for an academic year that has any, else that
/// academic year's default terms (rules.md). A pupil leaving in the summer holiday is
/// counted from the first day of the next autumn term.
pub fn school_days_after(school_terms: &[Term], day: NaiveDate, n: u32) -> NaiveDate {
    use chrono::Datelike;
    let mut d = day;
    let mut count = 0;
    let mut terms = super::terms(school_terms, crate::dates::add_days(day, 1));
    // Two years of days is more than any run of 15 school days can need.
    for _ in 0..730 {
        d = crate::dates::add_days(d, 1);
        if crate::dates::academic_year_start(d) != crate::dates::academic_year_start(terms[0].start)
        {
            terms = super::terms(school_terms, d);
        }
        let weekday = d.weekday().number_from_monday() <= 5;
        if weekday && terms.iter().any(|t| t.start <= d && d <= t.end) {
            count += 1;
            if count == n {
                return d;
            }
        }
    }
    d
}
