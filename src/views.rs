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
    /// How a letter to parents says it, without census words or repeats: "communication
    /// and interaction: autism". None for NSA, where the kind of need is not yet known.
    pub plain: Option<&'static str>,
}

impl NeedView {
    pub fn of(n: Need) -> NeedView {
        NeedView {
            code: n.code(),
            label: n.label(),
            area: n.area().map_or(OTHER_NEEDS, |a| a.label()),
            plain: plain_need(n),
        }
    }
}

/// A need in a parent's words (the census labels are for the census: "autistic spectrum
/// disorder" where schools now say autism, and the NSA label is census jargon).
fn plain_need(n: Need) -> Option<&'static str> {
    Some(match n {
        Need::Spld => {
            "cognition and learning: a specific learning difficulty, such as with reading, spelling or maths"
        }
        Need::Mld => "cognition and learning: a moderate learning difficulty",
        Need::Sld => "cognition and learning: a severe learning difficulty",
        Need::Pmld => "cognition and learning: profound and multiple learning difficulties",
        Need::Semh => "social, emotional and mental health",
        Need::Slcn => "communication and interaction: speech, language and communication",
        Need::Asd => "communication and interaction: autism",
        Need::Hi => "sensory needs: hearing",
        Need::Vi => "sensory needs: vision",
        Need::Msi => "sensory needs: both hearing and vision",
        Need::Pd => "physical needs",
        Need::Ds => "the learning and development needs that come with Down syndrome",
        Need::Oth => "a difficulty or disability that we will describe together with you",
        Need::Nsa => return None,
    })
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
    crate::rules::asof::nc_year(p, on, on)
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
    /// The name as recorded ("Mrs Grace Okafor"); for one letter to a household, the names
    /// joined ("Mrs Grace Okafor and Mr Emeka Okafor").
    pub name: String,
    /// What follows "Dear ": the title and family name ("Mrs Okafor") where the name starts
    /// with a title, else the full name; for a household, "Mr and Mrs Okafor".
    pub salutation: String,
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
            salutation: salutation(&c.name),
            relationship: c.relationship.clone(),
            address: c.address.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            language: c.language.clone(),
            needs_translation: needs_translation(c),
        }
    }
}

impl ContactView {
    /// One letter to the contacts at one address (`settings.one_letter_per_address`): the
    /// names joined, one salutation ("Mr and Mrs Okafor" where they share a family name),
    /// the first contact's address, and a translation flagged if any of them reads another
    /// language.
    pub fn household(cs: &[&Contact]) -> ContactView {
        let [first, ..] = cs else {
            unreachable!("a household has at least one contact")
        };
        if cs.len() == 1 {
            return ContactView::of(first);
        }
        let names: Vec<&str> = cs.iter().map(|c| c.name.as_str()).collect();
        let mut relationships: Vec<&str> = Vec::new();
        for r in cs.iter().filter_map(|c| c.relationship.as_deref()) {
            if !relationships.contains(&r) {
                relationships.push(r);
            }
        }
        let reader = cs.iter().find(|c| needs_translation(c)).unwrap_or(first);
        ContactView {
            name: join_and(&names),
            salutation: household_salutation(&names),
            relationship: (!relationships.is_empty()).then(|| join_and(&relationships)),
            address: first.address.clone(),
            email: cs.iter().find_map(|c| c.email.clone()),
            phone: cs.iter().find_map(|c| c.phone.clone()),
            language: reader.language.clone(),
            needs_translation: needs_translation(reader),
        }
    }
}

/// "A", "A and B", "A, B and C".
fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The titles a contact's name may start with, as schools write them.
const TITLES: [&str; 16] = [
    "Mr",
    "Mrs",
    "Ms",
    "Miss",
    "Mx",
    "Dr",
    "Prof",
    "Professor",
    "Rev",
    "Revd",
    "Reverend",
    "Sir",
    "Dame",
    "Lady",
    "Lord",
    "Rabbi",
];

/// A name's title (as written) and family name: ("Mrs", "Okafor") for "Mrs Grace Okafor",
/// ("Mr", "de la Cruz") for "Mr Tomas de la Cruz"; None where the name does not start with
/// a title followed by a name.
fn title_and_family(name: &str) -> Option<(&str, String)> {
    let words: Vec<&str> = name.split_whitespace().collect();
    let (title, rest) = words.split_first()?;
    let bare = title.trim_end_matches('.');
    if rest.is_empty() || !TITLES.iter().any(|t| t.eq_ignore_ascii_case(bare)) {
        return None;
    }
    // The family name is the last word with the lowercase particles before it ("de la",
    // "van der"); a given name (capitalised) stops it.
    let mut start = rest.len() - 1;
    while start > 0
        && rest[start - 1]
            .chars()
            .next()
            .is_some_and(char::is_lowercase)
    {
        start -= 1;
    }
    Some((title, rest[start..].join(" ")))
}

/// "Mrs Okafor" for "Mrs Grace Okafor"; the full name where it does not start with a title
/// ("Dear Grace Okafor" is right, "Dear Mrs Grace Okafor" is not how letters begin).
pub fn salutation(name: &str) -> String {
    match title_and_family(name) {
        Some((title, family)) => format!("{title} {family}"),
        None => name.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

/// "Mr and Mrs Okafor" for Mrs Grace Okafor and Mr Emeka Okafor (the titles in the usual
/// order when they are exactly Mr and Mrs, else as recorded); "Mrs Hart and Mr Reid" where
/// the family names differ or a name has no title.
fn household_salutation(names: &[&str]) -> String {
    let parts: Option<Vec<(&str, String)>> = names.iter().map(|n| title_and_family(n)).collect();
    if let Some(mut parts) = parts {
        let family = &parts[0].1;
        if parts.iter().all(|(_, f)| f.eq_ignore_ascii_case(family)) {
            let family = family.clone();
            if let [(a, _), (b, _)] = parts.as_slice()
                && a.trim_end_matches('.').eq_ignore_ascii_case("Mrs")
                && b.trim_end_matches('.').eq_ignore_ascii_case("Mr")
            {
                parts.swap(0, 1);
            }
            let titles: Vec<&str> = parts.iter().map(|(t, _)| *t).collect();
            return format!("{} {family}", join_and(&titles));
        }
    }
    let each: Vec<String> = names.iter().map(|n| salutation(n)).collect();
    join_and(&each.iter().map(String::as_str).collect::<Vec<_>>())
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
        let plan = crate::rules::asof::plan_at(c, as_of);
        let review = crate::rules::asof::review_at(c, as_of);
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

pub fn progress_label(p: Progress) -> &'static str {
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
    /// How often the plan is reviewed, in months, for the child's age on the meeting day:
    /// 6 under 5, else 12 (9.178).
    pub every_months: u32,
}

impl AnnualReviewView {
    pub fn of(
        a: &AnnualReview,
        pupil: &Pupil,
        local_authority: Option<String>,
    ) -> AnnualReviewView {
        AnnualReviewView {
            meeting: iso(a.meeting.value),
            notice_by: iso(dates::add_days(a.meeting.value, -14)),
            local_authority,
            every_months: crate::rules::asof::annual_review_months(pupil, a.meeting.value),
        }
    }
}

/// What every letter template sees.
#[derive(Debug, Clone, Serialize)]
pub struct LetterView {
    /// The kind of letter: `notification`, `review-invitation`, `review-record`,
    /// `meeting-record`, `annual-review-invitation` or `advice-request` (the `id` of its row
    /// in `commands::letter::kinds::KINDS`).
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
    /// True when every contact who receives letters about the pupil lives at one address
    /// (or there is one such contact): a parent who came to a meeting lives here, so a
    /// letter may thank them for coming.
    pub one_address: bool,
    /// advice-request: what is asked of this person, and by when.
    pub advice: Option<AdviceView>,
}

/// An advice request for an annual review (reg 20(4)): to one person invited.
#[derive(Debug, Clone, Serialize)]
pub struct AdviceView {
    /// Who the reader is: `school`, `la-officer`, `health`, `social-care` or `other`.
    pub role: &'static str,
    /// The day the advice is wanted by (ISO): the meeting less
    /// `settings.advice_wanted_days_before`.
    pub wanted_by: String,
    /// The day the advice gathered goes to everyone invited (ISO): the meeting less 14 days.
    pub circulate_by: String,
    /// True when the meeting is under `advice_wanted_days_before` days from the letter's
    /// date: the letter asks for the advice as soon as possible instead of by a day passed.
    pub urgent: bool,
    /// True when the reader has an email address: the letter is written to be pasted into
    /// an email (no postal address block, no letterhead).
    pub by_email: bool,
    /// How the child did at the latest cycle review, in words ("the progress we expected"),
    /// and its date (ISO); none before a first review.
    pub progress_label: Option<&'static str>,
    pub progress_date: Option<String>,
}

impl ContactView {
    /// A person invited to an annual review (or the LA's SEN officer), as a letter's
    /// addressee: the role stands in for the relationship.
    pub fn invitee(i: &crate::model::Invitee) -> ContactView {
        ContactView {
            name: i.name.clone(),
            // "Mr Tom Hale (Year 6 teacher)" is greeted as "Mr Hale".
            salutation: salutation(name_without_note(&i.name)),
            relationship: Some(invited_role_label(i.role).to_string()),
            address: i.address.clone(),
            email: i.email.clone(),
            phone: i.phone.clone(),
            language: None,
            needs_translation: false,
        }
    }
}

/// A name without a closing note in brackets: "Mr Tom Hale (Year 6 teacher)" -> "Mr Tom
/// Hale".
pub fn name_without_note(name: &str) -> &str {
    match name.split_once(" (") {
        Some((n, _)) if name.trim_end().ends_with(')') && !n.trim().is_empty() => n,
        _ => name,
    }
}

/// An invited person's role in words.
pub fn invited_role_label(r: crate::model::InvitedRole) -> &'static str {
    use crate::model::InvitedRole::*;
    match r {
        Parent => "parent",
        School => "school",
        LaOfficer => "local authority SEN officer",
        Health => "health",
        SocialCare => "social care",
        Other => "invited",
    }
}

/// An invited person's role as a template tests it.
pub fn invited_role_id(r: crate::model::InvitedRole) -> &'static str {
    use crate::model::InvitedRole::*;
    match r {
        Parent => "parent",
        School => "school",
        LaOfficer => "la-officer",
        Health => "health",
        SocialCare => "social-care",
        Other => "other",
    }
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
    /// What "fewer than N" stands for, in words natural at every threshold: "every count
    /// from 1 to 4 is shown as "fewer than 5"", "a count of 1 is shown as "fewer than 2"".
    pub small_rule: String,
    /// By status: SEN support, EHC plan.
    pub by_status: Vec<CountView>,
    /// By broad area of primary need, with DS, OTH and NSA as "Other needs".
    pub by_area: Vec<CountView>,
    /// The number of pupils on the register: a number (it is always given when it is at
    /// least the threshold) or "fewer than N"; none when it is withheld.
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
    /// The key to the need codes in the table: each code used, in census order, with its
    /// words.
    pub needs: Vec<NeedView>,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(name: &str, address: &[&str]) -> Contact {
        Contact {
            name: name.into(),
            relationship: None,
            parental_responsibility: true,
            email: None,
            phone: None,
            address: address.iter().map(|s| s.to_string()).collect(),
            language: None,
            letters: true,
        }
    }

    #[test]
    fn a_letter_begins_with_title_and_family_name_or_the_full_name() {
        for (name, want) in [
            ("Mrs Laura Hartley", "Mrs Hartley"),
            ("Mrs Hartley", "Mrs Hartley"),
            ("Laura Hartley", "Laura Hartley"),
            ("Dr. Amir Khan", "Dr. Khan"),
            ("mx Sam Lee", "mx Lee"),
            ("Mr Tomas de la Cruz", "Mr de la Cruz"),
            ("Ms Anne Smith-Jones", "Ms Smith-Jones"),
            ("Mr  Emeka   Okafor", "Mr Okafor"),
            // A title alone, or a given name that looks like a title, is left as written.
            ("Mrs", "Mrs"),
            ("Miles Davis", "Miles Davis"),
            // The first name is never taken for a particle.
            ("Mr van Dyke", "Mr van Dyke"),
        ] {
            assert_eq!(salutation(name), want, "{name}");
        }
    }

    #[test]
    fn one_letter_to_a_household_names_everyone_and_greets_them_together() {
        let a = ["14 Acorn Close", "Salford"];
        let grace = contact("Mrs Grace Okafor", &a);
        let emeka = contact("Mr Emeka Okafor", &a);
        let h = ContactView::household(&[&grace, &emeka]);
        assert_eq!(h.name, "Mrs Grace Okafor and Mr Emeka Okafor");
        assert_eq!(h.salutation, "Mr and Mrs Okafor");
        assert_eq!(h.address, vec!["14 Acorn Close", "Salford"]);

        let denise = contact("Mrs Denise Hart", &a);
        let sam = contact("Sam Reid", &a);
        let h = ContactView::household(&[&denise, &sam, &grace]);
        assert_eq!(h.name, "Mrs Denise Hart, Sam Reid and Mrs Grace Okafor");
        assert_eq!(h.salutation, "Mrs Hart, Sam Reid and Mrs Okafor");

        let mut polish = contact("Mr Marek Kowalczyk", &a);
        polish.language = Some("Polish".into());
        let h = ContactView::household(&[&grace, &polish]);
        assert!(h.needs_translation);
        assert_eq!(h.language.as_deref(), Some("Polish"));

        // One contact is simply that contact.
        assert_eq!(ContactView::household(&[&grace]).salutation, "Mrs Okafor");
    }

    #[test]
    fn plain_words_for_each_need_never_repeat_the_census_label_or_use_its_jargon() {
        for n in Need::ALL {
            let v = NeedView::of(n);
            match v.plain {
                None => assert_eq!(n, Need::Nsa),
                Some(p) => {
                    assert!(!p.contains("assessment of type of need"), "{p}");
                    assert!(!p.contains("autistic spectrum disorder"), "{p}");
                    assert!(!p.contains('('), "{p}");
                }
            }
        }
        assert!(NeedView::of(Need::Asd).plain.unwrap().ends_with("autism"));
    }
}
