//! The letter kinds, one row each in [`KINDS`]: the name on the command line (and of the
//! built-in template, `templates/NAME.md.j2`), who the letter goes to, the record it needs
//! and the findings that make it due for `sen letter --due`. A new kind is a variant of
//! [`LetterKind`], a row here with its record function, and its template (see "Adding a
//! letter kind" in docs/architecture.md).

use std::collections::HashSet;

use chrono::NaiveDate;

use crate::dates::uk;
use crate::findings::{Finding, Kind, Rule};
use crate::model::{AnnualReview, Cycle, InvitedRole, Invitee, Pupil, PupilFolder};
use crate::rules;
use crate::rules::asof::{open_cycle, plan_at, review_at};
use crate::views::{AnnualReviewView, ContactView, CycleView, MeetingView, invited_role_id, iso};

use super::Target;
pub use crate::cli::LetterKind;

/// Who a kind of letter goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum To {
    /// Each contact of the pupil who receives letters (or each household of them, with
    /// `settings.one_letter_per_address`).
    Parents,
    /// Each person asked for advice for an annual review ([`Found::advisers`]).
    Advisers,
}

/// One letter kind: everything that differs from one kind to the next.
pub struct Spec {
    pub kind: LetterKind,
    /// The name on the command line, in file names and of the template (`NAME.md.j2`).
    pub id: &'static str,
    /// The letter's name for people: on a pupil's page in `sen serve` and among the
    /// letters due.
    pub title: &'static str,
    /// The built-in template, replaced by a school's `templates/NAME.md.j2`.
    pub template: &'static str,
    pub to: To,
    /// `--date` (the meeting date) applies.
    pub takes_date: bool,
    /// `--time` and `--place` apply.
    pub takes_time_and_place: bool,
    /// The record the letter is about, found for one pupil, or what to record first.
    /// `Ok(None)`: nothing to write (already done).
    pub records: fn(&Subject) -> Result<Option<Found>, String>,
    /// The findings (overdue or due) that call for this letter under `--due`.
    pub due: fn(&Finding) -> bool,
    /// Under `--due`, one letter per pupil about the current record (the notification, the
    /// invitation to the open cycle's review), rather than one per file the findings name.
    pub one_per_pupil: bool,
}

/// Every letter kind, in the order `--due` writes them.
pub const KINDS: [Spec; 6] = [
    Spec {
        kind: LetterKind::Notification,
        id: "notification",
        title: "Notification of SEN support",
        template: include_str!("../../../templates/notification.md.j2"),
        to: To::Parents,
        takes_date: false,
        takes_time_and_place: false,
        records: notification,
        due: |f| f.rule == Rule::Notification,
        one_per_pupil: true,
    },
    Spec {
        kind: LetterKind::ReviewInvitation,
        id: "review-invitation",
        title: "Invitation to a review",
        template: include_str!("../../../templates/review-invitation.md.j2"),
        to: To::Parents,
        takes_date: true,
        takes_time_and_place: true,
        records: review_invitation,
        // A review falling due is when parents are invited to it; an overdue one needs a
        // new date first (`sen letter review-invitation ID --date DATE`).
        due: |f| f.rule == Rule::CycleReview && f.kind == Kind::Due,
        one_per_pupil: true,
    },
    Spec {
        kind: LetterKind::ReviewRecord,
        id: "review-record",
        title: "Record of the review",
        template: include_str!("../../../templates/review-record.md.j2"),
        to: To::Parents,
        takes_date: false,
        takes_time_and_place: false,
        records: review_record,
        due: |f| f.rule == Rule::RecordShared && !about_meeting(f),
        one_per_pupil: false,
    },
    Spec {
        kind: LetterKind::MeetingRecord,
        id: "meeting-record",
        title: "Record of a meeting",
        template: include_str!("../../../templates/meeting-record.md.j2"),
        to: To::Parents,
        takes_date: false,
        takes_time_and_place: false,
        records: meeting_record,
        due: |f| f.rule == Rule::RecordShared && about_meeting(f),
        one_per_pupil: false,
    },
    Spec {
        kind: LetterKind::AnnualReviewInvitation,
        id: "annual-review-invitation",
        title: "Invitation to the annual review",
        template: include_str!("../../../templates/annual-review-invitation.md.j2"),
        to: To::Parents,
        takes_date: false,
        takes_time_and_place: true,
        records: annual_review_invitation,
        due: |f| f.rule == Rule::AnnualReviewNotice,
        one_per_pupil: false,
    },
    Spec {
        kind: LetterKind::AdviceRequest,
        id: "advice-request",
        title: "Request for advice for the annual review",
        template: include_str!("../../../templates/advice-request.md.j2"),
        to: To::Advisers,
        takes_date: false,
        takes_time_and_place: true,
        records: advice_request,
        due: |f| f.rule == Rule::AnnualReviewAdvice && f.kind == Kind::Due,
        one_per_pupil: false,
    },
];

impl LetterKind {
    /// This kind's row of [`KINDS`].
    pub fn spec(self) -> &'static Spec {
        KINDS
            .iter()
            .find(|s| s.kind == self)
            .expect("every letter kind has a row in KINDS")
    }
    pub fn id(self) -> &'static str {
        self.spec().id
    }
    /// The letter's name for people (the row's `title`).
    pub fn title(self) -> &'static str {
        self.spec().title
    }
}

/// The pupil a letter is about, and what the command line says about the record.
pub struct Subject<'a> {
    pub id: &'a str,
    pub folder: &'a PupilFolder,
    pub pupil: &'a Pupil,
    pub target: &'a Target,
    pub as_of: NaiveDate,
    /// `--date`.
    pub meeting_date: Option<NaiveDate>,
    /// The as-of date in words, for messages.
    pub day: String,
}

/// The records a letter holds, as its template sees them.
#[derive(Default)]
pub struct Found {
    pub cycle: Option<CycleView>,
    pub meeting: Option<MeetingView>,
    pub annual_review: Option<AnnualReviewView>,
    /// The meeting a review invitation is for (ISO date).
    pub meeting_date: Option<String>,
    /// The people an advice request goes to ([`To::Advisers`]), and the meeting's date.
    pub advisers: Vec<(&'static str, ContactView)>,
    pub advice_meeting: Option<NaiveDate>,
}

/// A `record-shared` finding about a meeting's file rather than a cycle's.
fn about_meeting(f: &Finding) -> bool {
    f.file.as_deref().is_some_and(|p| p.contains("/meetings/"))
}

fn notification(s: &Subject) -> Result<Option<Found>, String> {
    if !rules::on_register(s.pupil, s.as_of) {
        return Err(format!(
            "`{}` is not on the SEN register on {}: a notification is for a child the school makes special educational provision for (`sen.status` K or E, `sen.since` on or before that day)",
            s.id, s.day
        ));
    }
    Ok(Some(Found::default()))
}

fn review_invitation(s: &Subject) -> Result<Option<Found>, String> {
    let (id, day, as_of) = (s.id, &s.day, s.as_of);
    bad(s.folder.bad.cycles, id, "cycles")?;
    let Some(c) = open_cycle(&s.folder.cycles, as_of) else {
        return Err(format!(
            "`{id}` has no open cycle on {day}: record the cycle (`sen new cycle {id}`) and its plan before inviting parents to review it"
        ));
    };
    let date = match s.meeting_date {
        Some(d) => d,
        None => match plan_at(c, as_of) {
            Some(p) => p.review_due.value,
            None => {
                return Err(format!(
                    "the open cycle {} has no agreed plan with a `review_due`: record the plan, or give the meeting date with `--date`",
                    c.file
                ));
            }
        },
    };
    if date < as_of {
        return Err(format!(
            "the review meeting date for `{id}`, {}, is before {day}: an invitation cannot be for a day already past; give the new date with `--date`",
            uk(date)
        ));
    }
    Ok(Some(Found {
        cycle: Some(CycleView::of(c, as_of)),
        meeting_date: Some(iso(date)),
        ..Found::default()
    }))
}

fn review_record(s: &Subject) -> Result<Option<Found>, String> {
    let (id, day, as_of) = (s.id, &s.day, s.as_of);
    bad(s.folder.bad.cycles, id, "cycles")?;
    let c = match s.target {
        Target::File(f) => s.folder.cycles.iter().find(|c| &c.file == f),
        Target::Current => latest_reviewed(&s.folder.cycles, as_of),
    };
    let Some(c) = c.filter(|c| review_at(c, as_of).is_some()) else {
        return Err(format!(
            "`{id}` has no cycle reviewed on or before {day}: record the review under `review:` in the cycle's file"
        ));
    };
    Ok(Some(Found {
        cycle: Some(CycleView::of(c, as_of)),
        ..Found::default()
    }))
}

fn meeting_record(s: &Subject) -> Result<Option<Found>, String> {
    let (id, day) = (s.id, &s.day);
    bad(s.folder.bad.meetings, id, "meetings")?;
    let held = s.folder.meetings.iter().filter(|m| m.date.value <= s.as_of);
    let m = match s.target {
        Target::File(f) => held.into_iter().find(|m| &m.file == f),
        Target::Current => held.max_by(|a, b| {
            a.date
                .value
                .cmp(&b.date.value)
                .then_with(|| a.file.cmp(&b.file))
        }),
    };
    let Some(m) = m else {
        return Err(format!(
            "`{id}` has no meeting on or before {day}: record it with `sen new meeting {id}`"
        ));
    };
    Ok(Some(Found {
        meeting: Some(MeetingView::of(m)),
        ..Found::default()
    }))
}

fn annual_review_invitation(s: &Subject) -> Result<Option<Found>, String> {
    bad(s.folder.bad.annual_reviews, s.id, "annual-reviews")?;
    let a = next_annual_review(s)?;
    Ok(Some(Found {
        annual_review: Some(annual_review_view(s, a)),
        ..Found::default()
    }))
}

fn advice_request(s: &Subject) -> Result<Option<Found>, String> {
    let (id, as_of) = (s.id, s.as_of);
    bad(s.folder.bad.annual_reviews, id, "annual-reviews")?;
    let a = next_annual_review(s)?;
    // `--due` asks once: requests already recorded as sent are not written again.
    if matches!(s.target, Target::File(_))
        && a.advice_requested
            .as_ref()
            .is_some_and(|d| d.value <= as_of)
    {
        return Ok(None);
    }
    if s.folder.bad.ehcp {
        bad(true, id, "ehcp.yaml")?;
    }
    let people = advice_readers(a, s.folder.ehcp.as_ref());
    if people.is_empty() {
        return Err(format!(
            "{} lists no one to ask for advice: add those invited under `invited:` (role, name, email or address), or the LA's officer as `la_officer` in ehcp.yaml",
            a.file
        ));
    }
    // The cycle whose plan the meeting reviews: the open one, else the latest.
    let cycle = open_cycle(&s.folder.cycles, as_of)
        .filter(|c| plan_at(c, as_of).is_some())
        .or_else(|| latest_reviewed(&s.folder.cycles, as_of))
        .map(|c| CycleView::of(c, as_of));
    Ok(Some(Found {
        cycle,
        annual_review: Some(annual_review_view(s, a)),
        advisers: people,
        advice_meeting: Some(a.meeting.value),
        ..Found::default()
    }))
}

fn annual_review_view(s: &Subject, a: &AnnualReview) -> AnnualReviewView {
    AnnualReviewView::of(
        a,
        s.pupil,
        s.folder.ehcp.as_ref().map(|e| e.local_authority.clone()),
    )
}

/// Who is asked for advice for an annual review: everyone in its `invited` list but the
/// parents (their views come at the meeting and through the invitation), and the LA's SEN
/// officer from ehcp.yaml when the list names no `la-officer`. A person listed twice (same
/// name, ignoring case and spacing) is asked once.
fn advice_readers(
    a: &AnnualReview,
    ehcp: Option<&crate::model::Ehcp>,
) -> Vec<(&'static str, ContactView)> {
    let mut people: Vec<&Invitee> = a
        .invited
        .iter()
        .filter(|i| i.role != InvitedRole::Parent)
        .collect();
    if !people.iter().any(|i| i.role == InvitedRole::LaOfficer)
        && let Some(o) = ehcp.and_then(|e| e.la_officer.as_ref())
    {
        people.push(o);
    }
    let mut seen = HashSet::new();
    people
        .into_iter()
        .filter(|i| {
            seen.insert(
                i.name
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase(),
            )
        })
        .map(|i| (invited_role_id(i.role), ContactView::invitee(i)))
        .collect()
}

/// The annual review a letter about the next one is for: the one in the finding's file, or
/// the earliest meeting after as-of.
fn next_annual_review<'a>(s: &Subject<'a>) -> Result<&'a AnnualReview, String> {
    let ahead = s
        .folder
        .annual_reviews
        .iter()
        .filter(|a| a.meeting.value > s.as_of);
    let a = match s.target {
        Target::File(f) => ahead.into_iter().find(|a| &a.file == f),
        Target::Current => ahead.min_by(|a, b| {
            a.meeting
                .value
                .cmp(&b.meeting.value)
                .then_with(|| a.file.cmp(&b.file))
        }),
    };
    a.ok_or_else(|| {
        format!(
            "`{}` has no annual review with a meeting after {}: record it with `sen new annual-review {} --meeting DATE`",
            s.id, s.day, s.id
        )
    })
}

fn bad(is_bad: bool, id: &str, what: &str) -> Result<(), String> {
    if is_bad {
        Err(format!(
            "a file under pupils/{id}/{what}/ cannot be read: run `sen check` and correct it first"
        ))
    } else {
        Ok(())
    }
}

/// The cycle with the latest review on or before as-of (then the later start, then the
/// file name).
pub(super) fn latest_reviewed(cycles: &[Cycle], as_of: NaiveDate) -> Option<&Cycle> {
    cycles
        .iter()
        .filter_map(|c| review_at(c, as_of).map(|r| (r.date.value, c)))
        .max_by(|(da, a), (db, b)| {
            da.cmp(db)
                .then_with(|| a.started.value.cmp(&b.started.value))
                .then_with(|| a.file.cmp(&b.file))
        })
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn every_kind_has_one_row_named_as_on_the_command_line() {
        for k in LetterKind::value_variants() {
            let rows = KINDS.iter().filter(|s| s.kind == *k).count();
            assert_eq!(rows, 1, "{k:?}");
            let name = k.to_possible_value().expect("a value");
            assert_eq!(name.get_name(), k.id());
        }
        assert_eq!(KINDS.len(), LetterKind::value_variants().len());
    }

    #[test]
    fn every_kind_has_its_own_title_in_words_for_people() {
        let titles: std::collections::BTreeSet<&str> = KINDS.iter().map(|s| s.title).collect();
        assert_eq!(titles.len(), KINDS.len(), "two kinds share a title");
        for s in &KINDS {
            assert!(
                s.title.starts_with(char::is_uppercase) && !s.title.contains('-'),
                "{}: {:?} is not words for people",
                s.id,
                s.title
            );
        }
    }

    #[test]
    fn a_finding_calls_for_at_most_one_kind() {
        let f = |rule, kind, file: &str| {
            Finding::new(rule, kind, "m")
                .pupil("a")
                .at(file.to_string(), None)
        };
        for finding in [
            f(Rule::RecordShared, Kind::Due, "pupils/a/meetings/m.yaml"),
            f(Rule::RecordShared, Kind::Overdue, "pupils/a/cycles/c.yaml"),
            f(Rule::Notification, Kind::Due, "pupils/a/pupil.yaml"),
            f(Rule::CycleReview, Kind::Due, "pupils/a/cycles/c.yaml"),
            f(
                Rule::AnnualReviewNotice,
                Kind::Due,
                "pupils/a/annual-reviews/x.yaml",
            ),
            f(
                Rule::AnnualReviewAdvice,
                Kind::Due,
                "pupils/a/annual-reviews/x.yaml",
            ),
        ] {
            let n = KINDS.iter().filter(|s| (s.due)(&finding)).count();
            assert_eq!(n, 1, "{finding:?}");
        }
    }
}
