//! The view structs templates see: plain, documented values built from the model, never the
//! raw records. Dates are ISO strings (`"2026-11-22"`, written out with the `uk_date` filter),
//! money is whole pence (written out with the `money` filter), and an absent value is
//! `none`. docs/templates.md lists every field; a field added here is added there.
//!
//! Each view holds only what its document needs: a letter's view has its own pupil and no
//! date of birth or UPN; the information report's view has no pupil at all.

use chrono::NaiveDate;
use serde::Serialize;

use crate::dates;
use crate::model::{
    Achieved, AnnualReview, Contact, Cycle, Meeting, Need, Next, Progress, Provision, Pupil,
    School, Status,
};

/// The school, as every document shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SchoolView {
    /// The school's name.
    pub name: String,
    /// The 6-digit Unique Reference Number.
    pub urn: Option<String>,
    pub local_authority: Option<String>,
    /// The postal address, one line an entry.
    pub address: Vec<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub senco: SencoView,
    /// The local authority's local offer link.
    pub local_offer: Option<String>,
    /// The Information, Advice and Support Service (6.39).
    pub iass: IassView,
}

/// The SENCO: who parents and the public contact.
#[derive(Debug, Clone, Serialize)]
pub struct SencoView {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// The local Information, Advice and Support Service.
#[derive(Debug, Clone, Serialize)]
pub struct IassView {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
}

impl SchoolView {
    /// The school's public details.
    pub fn of(s: &School) -> SchoolView {
        let senco = s.senco.as_ref();
        let iass = s.iass.as_ref();
        SchoolView {
            name: s.name.clone(),
            urn: s.urn.clone(),
            local_authority: s.local_authority.clone(),
            address: s.address.clone(),
            phone: s.phone.clone(),
            website: s.website.clone(),
            senco: SencoView {
                name: senco.and_then(|x| x.name.clone()),
                email: senco.and_then(|x| x.email.clone()),
                phone: senco.and_then(|x| x.phone.clone()),
            },
            local_offer: s.local_offer.clone(),
            iass: IassView {
                name: iass.and_then(|x| x.name.clone()),
                phone: iass.and_then(|x| x.phone.clone()),
                email: iass.and_then(|x| x.email.clone()),
                website: iass.and_then(|x| x.website.clone()),
            },
        }
    }
}

/// A census need code with its plain words.
#[derive(Debug, Clone, Serialize)]
pub struct NeedView {
    /// The census code, such as `SPLD`.
    pub code: &'static str,
    /// Its meaning, such as "specific learning difficulty".
    pub label: &'static str,
    /// The broad area of need (6.28-6.35), or "Other needs" for DS, OTH and NSA.
    pub area: &'static str,
}

impl NeedView {
    pub fn of(n: Need) -> NeedView {
        NeedView {
            code: n.code(),
            label: n.label(),
            area: n.area().map_or(OTHER_NEEDS, |a| a.label()),
        }
    }
}

/// The label under which DS, OTH and NSA are counted together.
pub const OTHER_NEEDS: &str = "Other needs";

/// "Reception", "Year 4".
pub fn year_label(year: i64) -> String {
    if year == 0 {
        "Reception".to_string()
    } else if year < 0 {
        "Nursery".to_string()
    } else {
        format!("Year {year}")
    }
}

/// The pupil's NC year on `on`: `year_group` if recorded, else from the date of birth.
pub fn nc_year(p: &Pupil, on: NaiveDate) -> i64 {
    crate::rules::view::nc_year(p, on, on)
}

/// The pupil a letter is about. No date of birth or UPN: a letter does not need them.
#[derive(Debug, Clone, Serialize)]
pub struct PupilView {
    /// The folder name under `pupils/`.
    pub id: String,
    pub given: String,
    pub family: String,
    /// The name the pupil prefers, if recorded.
    pub preferred: Option<String>,
    /// `preferred`, else `given`: the name letters call the child by.
    pub known_as: String,
    /// Given and family name.
    pub full_name: String,
    /// NC year (0 = Reception).
    pub year: i64,
    /// "Reception", "Year 4".
    pub year_label: String,
    pub class: Option<String>,
    /// `K` (SEN support), `E` (EHC plan) or `N` (no longer on the register).
    pub status: &'static str,
    /// "SEN support", "EHC plan", "no longer on the register".
    pub status_label: &'static str,
    /// Whether the pupil has an EHC plan.
    pub ehc_plan: bool,
    /// The date the school decided to make special educational provision (ISO).
    pub since: String,
    /// The date parents were formally told (ISO), if recorded.
    pub parents_notified: Option<String>,
    pub primary_need: Option<NeedView>,
    pub secondary_need: Option<NeedView>,
    /// The needs in plain words (Markdown), as recorded.
    pub summary: Option<String>,
    pub strengths: Option<String>,
}

impl PupilView {
    pub fn of(id: &str, p: &Pupil, as_of: NaiveDate) -> PupilView {
        let year = nc_year(p, as_of);
        PupilView {
            id: id.to_string(),
            given: p.given.clone(),
            family: p.family.clone(),
            preferred: p.preferred.clone(),
            known_as: p.known_as().to_string(),
            full_name: format!("{} {}", p.given, p.family),
            year,
            year_label: year_label(year),
            class: p.class.clone(),
            status: p.status.code(),
            status_label: p.status.label(),
            ehc_plan: p.status == Status::E,
            since: iso(p.since.value),
            parents_notified: p
                .parents_notified
                .as_ref()
                .filter(|d| d.value <= as_of)
                .map(|d| iso(d.value)),
            primary_need: p.primary_need.map(NeedView::of),
            secondary_need: p.secondary_need.map(NeedView::of),
            summary: p.summary.clone(),
            strengths: p.strengths.clone(),
        }
    }
}

/// The person a letter is addressed to.
#[derive(Debug, Clone, Serialize)]
pub struct ContactView {
    pub name: String,
    /// "mother", "carer" ...
    pub relationship: Option<String>,
    /// Postal address, one line an entry (may be empty).
    pub address: Vec<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The contact's language, if recorded.
    pub language: Option<String>,
    /// True when `language` is recorded and is not English: the letter needs translating.
    pub needs_translation: bool,
}

impl ContactView {
    pub fn of(c: &Contact) -> ContactView {
        ContactView {
            name: c.name.clone(),
            relationship: c.relationship.clone(),
            address: c.address.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            language: c.language.clone(),
            needs_translation: needs_translation(c),
        }
    }
}

/// A recorded language other than English.
pub fn needs_translation(c: &Contact) -> bool {
    c.language
        .as_deref()
        .map(str::trim)
        .is_some_and(|l| !l.is_empty() && !l.eq_ignore_ascii_case("english"))
}

/// One outcome of a plan, with how far it was achieved once reviewed.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeView {
    pub id: String,
    /// What the pupil will be able to do.
    pub outcome: Option<String>,
    /// How progress towards it is measured.
    pub measure: Option<String>,
    /// `achieved`, `partly` or `not-achieved`, once reviewed.
    pub achieved: Option<&'static str>,
    /// "achieved", "partly achieved", "not yet achieved", once reviewed.
    pub achieved_label: Option<&'static str>,
}

/// One piece of provision in a plan.
#[derive(Debug, Clone, Serialize)]
pub struct ProvisionView {
    pub name: String,
    /// The catalogue id, or none for a provision described in place.
    pub catalogue_id: Option<String>,
    /// Who delivers it.
    pub staff: Option<String>,
    /// The broad area of need it serves, if recorded.
    pub area: Option<&'static str>,
    pub group_size: u32,
    /// Sessions a week, written out ("3", "0.5").
    pub sessions_per_week: String,
    /// Minutes a session, written out.
    pub minutes_per_session: String,
    /// "3 sessions a week of 20 minutes, one to one" / "... in a group of 4".
    pub description: String,
}

impl ProvisionView {
    pub fn of(p: &Provision) -> ProvisionView {
        let sessions = number(p.sessions_per_week);
        let minutes = number(p.minutes_per_session);
        let sessions_words = if p.sessions_per_week == 1.0 {
            "1 session a week".to_string()
        } else {
            format!("{sessions} sessions a week")
        };
        let group = if p.group_size <= 1 {
            "one to one".to_string()
        } else {
            format!("in a group of {}", p.group_size)
        };
        ProvisionView {
            name: p.name.clone(),
            catalogue_id: p.id.clone(),
            staff: p.staff.clone(),
            area: p.area.map(|a| a.label()),
            group_size: p.group_size,
            sessions_per_week: sessions,
            description: format!("{sessions_words} of {minutes} minutes, {group}"),
            minutes_per_session: minutes,
        }
    }
}

/// A number as a person writes it: "3", "0.5", "18.5".
pub fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// A cycle review (6.53-6.54), as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    /// The date of the review (ISO).
    pub date: String,
    pub parents_present: bool,
    pub pupil_views: Option<String>,
    pub parent_views: Option<String>,
    /// `good`, `expected`, `less-than-expected` or `little-or-none`.
    pub progress: &'static str,
    /// "good progress", "the progress we expected", "less progress than we hoped for",
    /// "little or no progress".
    pub progress_label: &'static str,
    /// `new-cycle`, `specialist`, `ehc-request`, `exit`, or none.
    pub next: Option<&'static str>,
    /// The date the record was given to parents (ISO), if recorded.
    pub shared_with_parents: Option<String>,
}

/// One assess-plan-do-review cycle, read as it stood on the as-of date.
#[derive(Debug, Clone, Serialize)]
pub struct CycleView {
    /// The day the cycle started (ISO).
    pub started: String,
    /// What the assessment found, and the pupil's and parents' views at the start.
    pub assess_summary: Option<String>,
    pub assess_pupil_views: Option<String>,
    pub assess_parent_views: Option<String>,
    /// Whether a plan has been agreed.
    pub planned: bool,
    /// The day the plan was agreed (ISO).
    pub agreed: Option<String>,
    pub agreed_with_parents: bool,
    pub outcomes: Vec<OutcomeView>,
    pub provision: Vec<ProvisionView>,
    /// When the plan is to be reviewed (ISO).
    pub review_due: Option<String>,
    /// The review, once held (on or before the as-of date).
    pub review: Option<ReviewView>,
}

impl CycleView {
    pub fn of(c: &Cycle, as_of: NaiveDate) -> CycleView {
        let plan = crate::rules::view::plan_at(c, as_of);
        let review = crate::rules::view::review_at(c, as_of);
        let assess = c.assess.as_ref();
        let outcomes = plan
            .map(|p| {
                p.outcomes
                    .iter()
                    .map(|o| {
                        let a = review.and_then(|r| {
                            r.outcomes.iter().find(|(id, _)| *id == o.id).map(|x| x.1)
                        });
                        OutcomeView {
                            id: o.id.clone(),
                            outcome: o.outcome.clone(),
                            measure: o.measure.clone(),
                            achieved: a.map(achieved_id),
                            achieved_label: a.map(achieved_label),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        CycleView {
            started: iso(c.started.value),
            assess_summary: assess.and_then(|a| a.summary.clone()),
            assess_pupil_views: assess.and_then(|a| a.pupil_views.clone()),
            assess_parent_views: assess.and_then(|a| a.parent_views.clone()),
            planned: plan.is_some(),
            agreed: plan.and_then(|p| p.agreed.as_ref()).map(|d| iso(d.value)),
            agreed_with_parents: plan.is_some_and(|p| p.agreed_with_parents),
            outcomes,
            provision: plan
                .map(|p| p.provision.iter().map(ProvisionView::of).collect())
                .unwrap_or_default(),
            review_due: plan.map(|p| iso(p.review_due.value)),
            review: review.map(|r| ReviewView {
                date: iso(r.date.value),
                parents_present: r.parents_present,
                pupil_views: r.pupil_views.clone(),
                parent_views: r.parent_views.clone(),
                progress: progress_id(r.progress),
                progress_label: progress_label(r.progress),
                next: r.next.map(next_id),
                shared_with_parents: r
                    .shared_with_parents
                    .as_ref()
                    .filter(|d| d.value <= as_of)
                    .map(|d| iso(d.value)),
            }),
        }
    }
}

fn achieved_id(a: Achieved) -> &'static str {
    match a {
        Achieved::Achieved => "achieved",
        Achieved::Partly => "partly",
        Achieved::NotAchieved => "not-achieved",
    }
}

fn achieved_label(a: Achieved) -> &'static str {
    match a {
        Achieved::Achieved => "achieved",
        Achieved::Partly => "partly achieved",
        Achieved::NotAchieved => "not yet achieved",
    }
}

fn progress_id(p: Progress) -> &'static str {
    match p {
        Progress::Good => "good",
        Progress::Expected => "expected",
        Progress::LessThanExpected => "less-than-expected",
        Progress::LittleOrNone => "little-or-none",
    }
}

fn progress_label(p: Progress) -> &'static str {
    match p {
        Progress::Good => "good progress",
        Progress::Expected => "the progress we expected",
        Progress::LessThanExpected => "less progress than we hoped for",
        Progress::LittleOrNone => "little or no progress",
    }
}

fn next_id(n: Next) -> &'static str {
    match n {
        Next::NewCycle => "new-cycle",
        Next::Specialist => "specialist",
        Next::EhcRequest => "ehc-request",
        Next::Exit => "exit",
    }
}

/// A meeting (6.65-6.71), as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingView {
    /// The date of the meeting (ISO).
    pub date: String,
    pub parents_present: bool,
    pub pupil_present: bool,
    pub led_by: Option<String>,
    pub purpose: Option<String>,
    /// What was discussed (Markdown), as recorded.
    pub notes: Option<String>,
    /// What was agreed: outcomes, actions, support (Markdown), as recorded.
    pub agreed: Option<String>,
}

impl MeetingView {
    pub fn of(m: &Meeting) -> MeetingView {
        MeetingView {
            date: iso(m.date.value),
            parents_present: m.parents_present,
            pupil_present: m.pupil_present,
            led_by: m.led_by.clone(),
            purpose: m.purpose.clone(),
            notes: m.notes.clone(),
            agreed: m.agreed.clone(),
        }
    }
}

/// An EHC plan annual review meeting that is coming up.
#[derive(Debug, Clone, Serialize)]
pub struct AnnualReviewView {
    /// The date of the meeting (ISO).
    pub meeting: String,
    /// Two weeks before the meeting (ISO): the latest day invitations may go (9.176).
    pub notice_by: String,
    /// The local authority that maintains the plan, if recorded.
    pub local_authority: Option<String>,
}

impl AnnualReviewView {
    pub fn of(a: &AnnualReview, local_authority: Option<String>) -> AnnualReviewView {
        AnnualReviewView {
            meeting: iso(a.meeting.value),
            notice_by: iso(dates::add_days(a.meeting.value, -14)),
            local_authority,
        }
    }
}

/// What every letter template sees.
#[derive(Debug, Clone, Serialize)]
pub struct LetterView {
    /// The kind of letter: `notification`, `review-invitation`, `review-record`,
    /// `meeting-record` or `annual-review-invitation`.
    pub kind: &'static str,
    /// The date of the letter: the as-of date (ISO).
    pub date: String,
    pub school: SchoolView,
    /// Who the letter is to.
    pub contact: ContactView,
    /// The child the letter is about.
    pub pupil: PupilView,
    /// review-invitation: the open cycle; review-record: the reviewed cycle.
    pub cycle: Option<CycleView>,
    /// meeting-record: the meeting.
    pub meeting: Option<MeetingView>,
    /// annual-review-invitation: the review meeting.
    pub annual_review: Option<AnnualReviewView>,
    /// review-invitation: the date of the review meeting (`--date`, else the plan's
    /// `review_due`), ISO.
    pub meeting_date: Option<String>,
    /// review-invitation and annual-review-invitation: `--time`, as "3.30pm"; else none.
    pub meeting_time: Option<String>,
    /// review-invitation and annual-review-invitation: `--place`; else none.
    pub meeting_place: Option<String>,
}

/// A count in the published SEN in numbers, already made safe to publish.
#[derive(Debug, Clone, Serialize)]
pub struct CountView {
    /// What is counted: "SEN support", "Cognition and learning" ...
    pub label: String,
    /// What to print: "12", "0", "fewer than 5", or "withheld".
    pub shown: String,
    /// True when the count is under the threshold and shown as "fewer than N".
    pub small: bool,
    /// True when a count at or over the threshold is withheld so that a small count
    /// cannot be worked out from the others by subtraction.
    pub withheld: bool,
}

/// The SEN in numbers: counts of pupils on the register, with small counts suppressed.
#[derive(Debug, Clone, Serialize)]
pub struct NumbersView {
    /// `settings.suppress_below`: counts from 1 to this minus one read "fewer than N".
    pub suppress_below: u32,
    /// By status: SEN support, EHC plan.
    pub by_status: Vec<CountView>,
    /// By broad area of primary need, with DS, OTH and NSA as "Other needs".
    pub by_area: Vec<CountView>,
    /// The number of pupils on the register, only when it reveals nothing (no count is
    /// suppressed or withheld); otherwise none.
    pub total: Option<String>,
    /// True when any count is shown as "withheld".
    pub any_withheld: bool,
    /// True when any count is shown as "fewer than N".
    pub any_small: bool,
}

/// One statutory section of the information report.
#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    /// The key under `information_report.sections`.
    pub key: &'static str,
    /// The plain-English heading.
    pub title: &'static str,
    /// The paragraph of the Code that asks for it.
    pub paragraph: &'static str,
    /// The school's text (Markdown).
    pub text: String,
}

/// What `information.md.j2` sees. It holds nothing about any pupil but counts.
#[derive(Debug, Clone, Serialize)]
pub struct InformationView {
    pub school: SchoolView,
    /// The as-of date (ISO).
    pub as_of: String,
    /// The date the report was published (ISO).
    pub published: String,
    /// The date of the next annual update: published + 12 months (ISO).
    pub next_update: String,
    /// The statutory sections in the order of 6.79.
    pub sections: Vec<SectionView>,
    pub numbers: NumbersView,
    /// What the plans reviewed this academic year achieved (public: small counts
    /// suppressed), for the "evaluating effectiveness" section.
    pub effectiveness: EffectivenessView,
}

/// The effectiveness figures the information report quotes: the plans reviewed from the
/// start of the academic year to as-of, and their outcomes (each plan's counted once).
#[derive(Debug, Clone, Serialize)]
pub struct EffectivenessView {
    /// The period (ISO): 1 September of the academic year, and as-of.
    pub from: String,
    pub to: String,
    /// True when any plan was reviewed in the period.
    pub any: bool,
    /// Plans reviewed: a number, "fewer than N" or "withheld".
    pub reviews: String,
    /// Their outcomes in all: a number, or "withheld" when any judgement below is hidden.
    pub outcomes: String,
    /// True when the outcomes can be given in numbers (none hidden); otherwise the report
    /// says the numbers are too small to give.
    pub figures: bool,
    pub achieved: JudgedView,
    pub partly: JudgedView,
    pub not_achieved: JudgedView,
    /// Outcomes the review recorded no judgement for.
    pub not_judged: JudgedView,
}

/// One judgement's count of outcomes, as published.
#[derive(Debug, Clone, Serialize)]
pub struct JudgedView {
    /// A number, "fewer than N" or "withheld".
    pub shown: String,
    /// Its share of all the outcomes ("40%"), only when the count and the total are shown.
    pub share: Option<String>,
}

/// One row of the SEN register.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterRow {
    pub id: String,
    /// "Okafor, Amara".
    pub name: String,
    /// The name the pupil prefers, if recorded.
    pub preferred: Option<String>,
    pub known_as: String,
    pub year: i64,
    pub year_label: String,
    pub class: Option<String>,
    pub status: &'static str,
    pub status_label: &'static str,
    pub primary_need: Option<NeedView>,
    pub secondary_need: Option<NeedView>,
    /// The open cycle's review due date (ISO), if there is an open cycle with a plan.
    pub review_due: Option<String>,
    /// EHC plan: when the next annual review is due (ISO).
    pub annual_review_due: Option<String>,
    /// Findings from `sen check` still needing action (every kind but `late`).
    pub open_findings: usize,
}

/// What `register.md.j2` sees.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterView {
    pub school: SchoolView,
    pub as_of: String,
    /// `year`, `class` or `name`.
    pub sort: String,
    /// The NC years asked for with `--year` (empty: all).
    pub years: Vec<i64>,
    pub pupils: Vec<RegisterRow>,
    /// How many rows have status K, E, and in all.
    pub sen_support: usize,
    pub ehc_plan: usize,
    pub total: usize,
}

/// One provision of one pupil, costed.
#[derive(Debug, Clone, Serialize)]
pub struct CostLine {
    pub provision: ProvisionView,
    /// The cycle's file, to tie the line to its cycle (effectiveness).
    #[serde(skip)]
    pub cycle_file: String,
    /// The area of need the cost counts under: the provision's area, else the area of the
    /// pupil's primary need, else "Other needs".
    pub area: &'static str,
    /// The start of the cycle the provision belongs to (ISO).
    pub cycle_started: String,
    /// Hours a week, two decimal places ("1.00").
    pub weekly_hours: String,
    /// Cost per pupil per week, rounded to the penny (pence).
    pub weekly_cost: i64,
    /// The part of the period it ran in: first and last day (ISO).
    pub from: String,
    pub to: String,
    /// Days in that part that fall in a term.
    pub term_days: i64,
    /// Weeks (term days / 7), two decimal places.
    pub weeks: String,
    /// Cost over the period, rounded to the penny once (pence).
    pub cost: i64,
}

/// One pupil's costed provision.
#[derive(Debug, Clone, Serialize)]
pub struct PupilCosts {
    pub id: String,
    /// "Okafor, Amara".
    pub name: String,
    pub year_label: String,
    pub status_label: &'static str,
    pub lines: Vec<CostLine>,
    /// Sum of the lines (pence).
    pub total: i64,
    /// The current provision (cycles open on as-of) over a 39-week school year (pence).
    pub current_year_cost: i64,
    /// True when `current_year_cost` is over the £6,000 threshold (6.99).
    pub top_up: bool,
}

/// A total by provision or by area.
#[derive(Debug, Clone, Serialize)]
pub struct CostTotal {
    pub label: String,
    /// How many pupils it covers.
    pub pupils: usize,
    /// Pence.
    pub cost: i64,
}

/// What `provision-map.md.j2` sees.
#[derive(Debug, Clone, Serialize)]
pub struct ProvisionMapView {
    pub school: SchoolView,
    pub as_of: String,
    /// The period (ISO), both days included.
    pub from: String,
    pub to: String,
    pub pupils: Vec<PupilCosts>,
    pub by_provision: Vec<CostTotal>,
    pub by_area: Vec<CostTotal>,
    /// Sum of every line (pence).
    pub total: i64,
    /// £6,000 in pence: the nationally prescribed threshold.
    pub top_up_threshold: i64,
    /// 39: the weeks of a school year the threshold is measured over.
    pub top_up_weeks: i64,
    /// How many pupils are marked as candidates for top-up funding.
    pub top_up_count: usize,
}

/// A date as the views carry it.
pub fn iso(d: NaiveDate) -> String {
    dates::iso(d)
}
