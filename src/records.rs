//! The raw record types: one struct per YAML mapping of records.md, key for key.
//!
//! These mirror the files exactly (snake_case keys, unknown keys rejected) and carry the
//! location of every value that a later check may point at. They are also the source of the
//! JSON Schema that `sen schema` prints, so the doc comments here are what an editor shows.
//! Nothing here is checked beyond its YAML shape: `model` turns these into checked types.

use schemars::JsonSchema;
use serde::Deserialize;

pub use crate::sections::RawSections;
use crate::yaml::Loc;
pub use crate::yaml::Text;

/// A date as written: `YYYY-MM-DD`. Checked to be a real calendar day when loaded.
pub type Date = Loc<String>;

/// `school.yaml`: the school, its SENCO, terms, provision catalogue and report text.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSchoolFile {
    /// The school itself (required).
    #[schemars(required)]
    pub school: Option<Loc<RawSchool>>,
    /// The SENCO: a qualified teacher designated as SENCO (6.84).
    pub senco: Option<Loc<RawSenco>>,
    /// The local authority's local offer web address (6.81).
    pub local_offer: Option<Text>,
    /// The Information, Advice and Support Service (6.39).
    pub iass: Option<Loc<RawIass>>,
    /// The school's terms; without them the default terms are used.
    pub terms: Option<Loc<Vec<Loc<RawTerm>>>>,
    /// Settings for `sen check`; every key optional.
    pub settings: Option<Loc<RawSettings>>,
    /// The school's provision catalogue: its provision map (6.76).
    pub provisions: Option<Loc<Vec<Loc<RawProvision>>>>,
    /// The school's words for the SEN information report (6.79-6.81).
    pub information_report: Option<Loc<RawInformationReport>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSchool {
    /// The school's name (required).
    #[schemars(required)]
    pub name: Option<Text>,
    /// The 6-digit Unique Reference Number.
    #[schemars(pattern(URN_PATTERN))]
    pub urn: Option<Text>,
    pub local_authority: Option<String>,
    pub phase: Option<Phase>,
    /// Address lines, for letterheads.
    pub address: Option<Vec<String>>,
    pub phone: Option<String>,
    pub website: Option<String>,
    /// (0.2) Every pupil on the school's roll, for the governors' report's percentages.
    pub pupils_on_roll: Option<Loc<u32>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    Nursery,
    Primary,
    Middle,
    Secondary,
    AllThrough,
    Special,
    Post16,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSenco {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The SENCO must be a qualified teacher (6.85).
    pub qualified_teacher: Option<bool>,
    /// The date of appointment as SENCO (required).
    #[schemars(required)]
    pub appointed: Option<Date>,
    /// Months as a SENCO before this appointment (6.85).
    pub previously_senco_months: Option<u32>,
    /// Older form: the date the National Award for SEN Co-ordination was achieved (the same
    /// as `qualification: {kind: nasenco, achieved: DATE}`).
    pub national_award: Option<Date>,
    /// The SENCO qualification (6.85; reg 49 as amended from 1 September 2024).
    pub qualification: Option<Loc<RawQualification>>,
}

/// The SENCO qualification: the NPQ for SENCOs, or the National Award begun before
/// 1 September 2024.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawQualification {
    /// `npq-senco` (the NPQ for SENCOs) or `nasenco` (the National Award); required.
    #[schemars(required)]
    pub kind: Option<Loc<QualificationKind>>,
    /// When the course began.
    pub started: Option<Date>,
    /// The date it was achieved; null while in progress.
    pub achieved: Option<Date>,
}

/// Which SENCO qualification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum QualificationKind {
    /// The National Professional Qualification for SENCOs (from 1 September 2024).
    NpqSenco,
    /// The National Award for SEN Co-ordination (counts only if begun before 1 September
    /// 2024 and achieved before 1 September 2027).
    Nasenco,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawIass {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTerm {
    #[schemars(required)]
    pub name: Option<Text>,
    #[schemars(required)]
    pub start: Option<Date>,
    #[schemars(required)]
    pub end: Option<Date>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSettings {
    /// How far ahead `sen check` reports what falls due (default 14 days).
    pub due_within_days: Option<u32>,
    /// A SEN support pupil's next cycle starts within this many days of a review (default 28).
    pub new_cycle_within_days: Option<u32>,
    /// A record of a meeting or review reaches parents within this many days (default 14).
    pub share_record_within_days: Option<u32>,
    /// NC years after which pupils change phase (default [6, 11]).
    pub transfer_years: Option<Vec<u8>>,
    /// Published counts under this are shown as "fewer than N" (default 5).
    #[schemars(range(min = 2, max = 100))]
    pub suppress_below: Option<Loc<u32>>,
    /// One letter to all the letter contacts at the same address, "Dear Mr and Mrs Okafor"
    /// (default false: one letter each).
    pub one_letter_per_address: Option<bool>,
    /// (0.3) The day the school began keeping these records: an overdue pupil duty that fell
    /// due before it is reported as incomplete, asking for the date it was done (rules.md).
    /// `sen init` writes the day it runs.
    pub records_begin: Option<Date>,
    /// Advice for an annual review is asked for by the meeting less this many days (1 to 90,
    /// default 21).
    #[schemars(range(min = 1, max = 90))]
    pub advice_wanted_days_before: Option<Loc<u32>>,
}

/// A provision in the catalogue, or described in place in a plan.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProvision {
    /// The catalogue id, referred to by `ref` in plans.
    #[schemars(required)]
    pub id: Option<Text>,
    #[schemars(required)]
    pub name: Option<Text>,
    pub area: Option<Area>,
    pub staff: Option<String>,
    #[schemars(required)]
    pub group_size: Option<Loc<u32>>,
    #[schemars(required)]
    pub sessions_per_week: Option<Loc<f64>>,
    #[schemars(required)]
    pub minutes_per_session: Option<Loc<f64>>,
    /// Pounds: the staff cost of one hour of the session.
    #[schemars(required)]
    pub cost_per_hour: Option<Loc<f64>>,
}

/// The four broad areas of need (6.28-6.35).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    CommunicationAndInteraction,
    CognitionAndLearning,
    SocialEmotionalMentalHealth,
    SensoryPhysical,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawInformationReport {
    /// The date the current report went on the website.
    pub published: Option<Date>,
    /// The report's sections, in Markdown (6.79-6.81).
    pub sections: Option<Loc<RawSections>>,
}

/// `pupils/ID/pupil.yaml`: who the pupil is and their SEN status.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPupil {
    pub name: Loc<RawName>,
    /// Date of birth.
    pub dob: Date,
    /// Unique Pupil Number: 13 characters with a valid check letter.
    pub upn: Option<Text>,
    /// NC year 0 (Reception) to 14, when taught out of their age group.
    #[schemars(range(min = 0, max = 14))]
    pub year_group: Option<Loc<i64>>,
    pub class: Option<String>,
    pub sen: Loc<RawSen>,
    pub flags: Option<RawFlags>,
    /// Parents and carers: who letters go to.
    pub contacts: Option<Vec<Loc<RawContact>>>,
    /// What helps the pupil, in the words staff use (6.49): the heart of the pupil passport.
    pub what_helps: Option<String>,
    /// The date the pupil left the school.
    pub left: Option<Date>,
    /// Once the pupil has left for another school (6.57): where to, and when the SEN record
    /// reached it.
    pub transfer: Option<Loc<RawTransfer>>,
}

/// Where a pupil who left went, and when their SEN record reached the new school (6.57).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTransfer {
    /// The new school's name (required).
    #[schemars(required)]
    pub school: Option<Text>,
    /// The new school's six-digit URN.
    #[schemars(pattern(URN_PATTERN))]
    pub urn: Option<Text>,
    /// The date the SEN record reached the new school; null until sent.
    pub sen_record_sent: Option<Date>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawName {
    /// The given name, as on the school roll (one line).
    pub given: Text,
    /// The family name, as on the school roll (one line).
    pub family: Text,
    /// The name the pupil goes by, used in letters.
    pub preferred: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSen {
    /// School Census SEN provision: K = SEN support, E = EHC plan, N = no longer on the register.
    #[schemars(pattern(status_pattern()))]
    pub status: Text,
    /// The date the school decided to make special educational provision.
    pub since: Date,
    /// The formal notification to parents (6.43, 6.48); null until sent.
    pub parents_notified: Option<Date>,
    /// School Census SEN type code of the primary need; required for K and E.
    #[schemars(pattern(need_pattern()))]
    pub primary_need: Option<Text>,
    /// School Census SEN type code of another need, if there is one (never NSA).
    #[schemars(pattern(need_pattern()))]
    pub secondary_need: Option<Text>,
    /// The date the pupil came off the register: required for N.
    pub ended: Option<Date>,
    /// The needs in plain words (6.45).
    pub summary: Option<String>,
    pub strengths: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFlags {
    /// Looked after by the local authority (6.90).
    pub looked_after: Option<bool>,
    /// English as an additional language (6.24).
    pub eal: Option<bool>,
    pub pupil_premium: Option<bool>,
    /// Has an individual healthcare plan (6.11).
    pub medical_plan: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawContact {
    #[schemars(required)]
    pub name: Option<Text>,
    pub relationship: Option<String>,
    pub parental_responsibility: Option<bool>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<Vec<String>>,
    /// Anything other than English means letters need translation.
    pub language: Option<String>,
    /// Send this contact letters (default: parental_responsibility).
    pub letters: Option<bool>,
}

/// `pupils/ID/cycles/*.yaml`: one assess-plan-do-review cycle (6.44-6.54).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCycle {
    /// The day the cycle started (required).
    pub started: Date,
    pub assess: Option<RawAssess>,
    pub plan: Option<Loc<RawPlan>>,
    /// Present once the review has been held (6.53-6.54).
    pub review: Option<Loc<RawReview>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAssess {
    pub summary: Option<String>,
    pub pupil_views: Option<String>,
    pub parent_views: Option<String>,
    /// Involvement of specialists (6.58-6.59).
    pub specialists: Option<Vec<RawSpecialist>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSpecialist {
    pub role: Option<String>,
    pub date: Option<Date>,
    pub advice: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPlan {
    pub agreed: Option<Date>,
    pub agreed_with_parents: Option<bool>,
    /// What the support should achieve; the review refers to each by its id.
    pub outcomes: Option<Vec<Loc<RawOutcome>>>,
    /// From the catalogue by `ref`, or described in place.
    pub provision: Option<Vec<Loc<RawPlanProvision>>>,
    /// When the plan is to be reviewed (required once there is a plan, 6.48).
    #[schemars(required)]
    pub review_due: Option<Date>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOutcome {
    #[schemars(required)]
    pub id: Option<Text>,
    pub outcome: Option<String>,
    pub measure: Option<String>,
}

/// A provision in a plan: either `ref` to the catalogue, or the catalogue fields in place.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPlanProvision {
    #[serde(rename = "ref")]
    pub reference: Option<Text>,
    pub name: Option<Text>,
    pub area: Option<Area>,
    pub staff: Option<String>,
    pub group_size: Option<Loc<u32>>,
    pub sessions_per_week: Option<Loc<f64>>,
    pub minutes_per_session: Option<Loc<f64>>,
    pub cost_per_hour: Option<Loc<f64>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReview {
    pub date: Date,
    pub parents_present: Option<bool>,
    pub pupil_views: Option<String>,
    pub parent_views: Option<String>,
    /// How far each outcome was achieved, keyed by outcome id.
    pub outcomes: Option<Loc<std::collections::BTreeMap<String, Loc<Achieved>>>>,
    pub progress: Progress,
    pub next: Option<Next>,
    /// The record given to parents (6.71); null until given.
    pub shared_with_parents: Option<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Achieved {
    Achieved,
    Partly,
    NotAchieved,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Progress {
    Good,
    Expected,
    LessThanExpected,
    LittleOrNone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Next {
    NewCycle,
    Specialist,
    EhcRequest,
    Exit,
}

/// `pupils/ID/meetings/*.yaml`: a meeting with parents or others (6.65-6.71).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMeeting {
    /// The day of the meeting (required).
    pub date: Date,
    pub parents_present: Option<bool>,
    pub pupil_present: Option<bool>,
    pub led_by: Option<String>,
    pub purpose: Option<String>,
    pub notes: Option<String>,
    /// Outcomes, actions and support agreed (6.71).
    pub agreed: Option<String>,
    pub shared_with_parents: Option<Date>,
}

/// `pupils/ID/ehcp.yaml`: an EHC needs assessment and plan.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEhcp {
    /// The local authority that maintains the plan (required).
    pub local_authority: Text,
    pub assessment: Option<Loc<RawAssessment>>,
    /// The date the plan was first issued; required when sen.status is E.
    pub issued: Option<Date>,
    /// The LA's SEN officer for this child (name required within).
    pub la_officer: Option<Loc<RawLaOfficer>>,
}

/// The local authority's SEN officer for a child (ehcp.yaml `la_officer`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLaOfficer {
    /// One line.
    #[schemars(required)]
    pub name: Option<Text>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Postal address, one line per item.
    pub address: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAssessment {
    /// The request for an EHC needs assessment: the LA decides within 6 weeks.
    pub requested: Option<Date>,
    /// The LA's decision whether to assess.
    pub decision: Option<Date>,
    pub decision_outcome: Option<DecisionOutcome>,
    pub draft: Option<Date>,
    /// The final plan issued.
    #[serde(rename = "final")]
    pub final_plan: Option<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DecisionOutcome {
    Assess,
    Refuse,
}

/// `pupils/ID/annual-reviews/*.yaml`: an EHC plan annual review (6.56).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAnnualReview {
    /// The date of the meeting, held or scheduled.
    pub meeting: Date,
    pub invitations_sent: Option<Date>,
    /// Those invited and asked for advice and information (reg 20(2)).
    pub invited: Option<Loc<Vec<Loc<RawInvited>>>>,
    /// When the school asked those invited for advice and information.
    pub advice_requested: Option<Date>,
    /// When the advice gathered was sent to all those invited (reg 20(4)).
    pub advice_circulated: Option<Date>,
    pub parents_present: Option<bool>,
    pub pupil_views: Option<String>,
    /// Needed from Year 9 on (rule `adulthood`).
    pub preparing_for_adulthood: Option<String>,
    /// The review report sent to the LA and invitees.
    pub report_sent: Option<Date>,
    /// The LA's decision.
    pub la_decision: Option<Date>,
    pub la_outcome: Option<LaOutcome>,
}

/// One person invited to an annual review and asked for advice.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawInvited {
    #[schemars(required)]
    pub role: Option<Loc<InvitedRole>>,
    /// One line.
    #[schemars(required)]
    pub name: Option<Text>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Postal address, one line per item.
    pub address: Option<Vec<String>>,
}

/// Who an invited person is: a parent, someone in school, the LA's officer, health, social
/// care, or anyone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum InvitedRole {
    Parent,
    School,
    LaOfficer,
    Health,
    SocialCare,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LaOutcome {
    Maintain,
    Amend,
    Cease,
}

/// School Census SEN provision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// SEN support.
    K,
    /// An education, health and care plan.
    E,
    /// No longer on the register.
    N,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::K => "K",
            Status::E => "E",
            Status::N => "N",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Status::K => "SEN support",
            Status::E => "EHC plan",
            Status::N => "no longer on the register",
        }
    }
}

/// School Census SEN type codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Need {
    Spld,
    Mld,
    Sld,
    Pmld,
    Semh,
    Slcn,
    Hi,
    Vi,
    Msi,
    Pd,
    Asd,
    Ds,
    Oth,
    Nsa,
}

impl Need {
    pub const ALL: [Need; 14] = [
        Need::Spld,
        Need::Mld,
        Need::Sld,
        Need::Pmld,
        Need::Semh,
        Need::Slcn,
        Need::Hi,
        Need::Vi,
        Need::Msi,
        Need::Pd,
        Need::Asd,
        Need::Ds,
        Need::Oth,
        Need::Nsa,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Need::Spld => "SPLD",
            Need::Mld => "MLD",
            Need::Sld => "SLD",
            Need::Pmld => "PMLD",
            Need::Semh => "SEMH",
            Need::Slcn => "SLCN",
            Need::Hi => "HI",
            Need::Vi => "VI",
            Need::Msi => "MSI",
            Need::Pd => "PD",
            Need::Asd => "ASD",
            Need::Ds => "DS",
            Need::Oth => "OTH",
            Need::Nsa => "NSA",
        }
    }

    pub fn from_code(code: &str) -> Option<Need> {
        Need::ALL.into_iter().find(|n| n.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Need::Spld => "specific learning difficulty",
            Need::Mld => "moderate learning difficulty",
            Need::Sld => "severe learning difficulty",
            Need::Pmld => "profound and multiple learning difficulty",
            Need::Semh => "social, emotional and mental health",
            Need::Slcn => "speech, language and communication needs",
            Need::Hi => "hearing impairment",
            Need::Vi => "vision impairment",
            Need::Msi => "multi-sensory impairment",
            Need::Pd => "physical disability",
            Need::Asd => "autistic spectrum disorder",
            Need::Ds => "Down syndrome",
            Need::Oth => "other difficulty or disability",
            Need::Nsa => "SEN support but no specialist assessment of type of need",
        }
    }

    /// The broad area of need (6.28-6.35); `None` for DS, OTH and NSA.
    pub fn area(self) -> Option<Area> {
        match self {
            Need::Slcn | Need::Asd => Some(Area::CommunicationAndInteraction),
            Need::Spld | Need::Mld | Need::Sld | Need::Pmld => Some(Area::CognitionAndLearning),
            Need::Semh => Some(Area::SocialEmotionalMentalHealth),
            Need::Hi | Need::Vi | Need::Msi | Need::Pd => Some(Area::SensoryPhysical),
            Need::Ds | Need::Oth | Need::Nsa => None,
        }
    }
}

/// A school's URN, as `sen check` reads it: six digits.
pub const URN_PATTERN: &str = "^[0-9]{6}$";

/// The census codes `sen check` reads, spaces around them allowed as it allows them.
fn codes_pattern<'a>(codes: impl Iterator<Item = &'a str>) -> String {
    format!(r"^\s*({})\s*$", codes.collect::<Vec<_>>().join("|"))
}

/// `sen.status`: K, E or N.
pub fn status_pattern() -> String {
    codes_pattern(
        [Status::K, Status::E, Status::N]
            .into_iter()
            .map(Status::code),
    )
}

/// `sen.primary_need` and `sen.secondary_need`: a census SEN type code.
pub fn need_pattern() -> String {
    codes_pattern(Need::ALL.into_iter().map(Need::code))
}
