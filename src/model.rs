//! The checked model of a school's records: typed dates, census codes as enums, provisions
//! resolved against the catalogue. `load` builds it from the raw records and reports every
//! problem it meets on the way; the rules, reports and letters read only this.

use chrono::NaiveDate;
use std::path::PathBuf;

pub use crate::records::{
    Achieved, Area, DecisionOutcome, InvitedRole, LaOutcome, Need, Next, Phase, Progress, Status,
};
pub use crate::sections::{SECTIONS, Section};
use crate::yaml::Loc;

/// A dated value with its place in its file.
pub type Day = Loc<NaiveDate>;

/// Everything read from a records root.
#[derive(Debug, Default)]
pub struct Records {
    pub root: PathBuf,
    /// The school as far as school.yaml could be read (defaults where it could not).
    pub school: School,
    /// Which parts of school.yaml had `invalid` findings, for the skip table of rules.md.
    pub school_bad: SchoolBad,
    /// One entry per folder under `pupils/`, sorted by folder name.
    pub pupils: Vec<PupilFolder>,
}

/// Parts of school.yaml that could not be trusted.
#[derive(Debug, Default, Clone, Copy)]
pub struct SchoolBad {
    /// A `yaml` finding on school.yaml, or a `schema`/`dates` finding in settings or terms:
    /// every rule is silent.
    pub all: bool,
    pub senco: bool,
    pub information_report: bool,
    /// The provision catalogue could not be read, so `ref`s cannot be checked.
    pub provisions: bool,
}

#[derive(Debug, Default, Clone)]
pub struct School {
    pub name: String,
    pub urn: Option<String>,
    pub local_authority: Option<String>,
    pub phase: Option<Phase>,
    pub address: Vec<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    /// Every pupil on the school's roll (0.2), for shares of the roll.
    pub pupils_on_roll: Option<u32>,
    pub senco: Option<Senco>,
    pub local_offer: Option<String>,
    pub iass: Option<Iass>,
    pub terms: Vec<Term>,
    pub settings: Settings,
    pub provisions: Vec<Provision>,
    pub information_report: InformationReport,
}

#[derive(Debug, Default, Clone)]
pub struct Senco {
    pub line: u32,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub qualified_teacher: bool,
    pub appointed: Option<Day>,
    pub previously_senco_months: u32,
    /// The qualification, from `qualification` or the older `national_award: D` (read as
    /// `{kind: nasenco, achieved: D}`).
    pub qualification: Option<Qualification>,
}

impl Senco {
    /// Parents and staff can reach the SENCO: a name, and an email or a phone number (6.81,
    /// every letter's closing). The one reading of it for the rule, the reports and letters.
    pub fn can_be_reached(&self) -> bool {
        self.name.is_some() && (self.email.is_some() || self.phone.is_some())
    }
}

/// The SENCO's qualification (reg 49 as amended by SI 2024/535).
#[derive(Debug, Clone)]
pub struct Qualification {
    pub kind: crate::records::QualificationKind,
    pub started: Option<NaiveDate>,
    pub achieved: Option<Day>,
}

#[derive(Debug, Default, Clone)]
pub struct Iass {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// `settings` of school.yaml with its defaults filled in.
#[derive(Debug, Clone)]
pub struct Settings {
    pub due_within_days: u32,
    pub new_cycle_within_days: u32,
    pub share_record_within_days: u32,
    pub transfer_years: Vec<i64>,
    pub suppress_below: u32,
    pub one_letter_per_address: bool,
    /// (0.3) `records_begin`: overdue pupil duties due before it are `incomplete`.
    pub records_begin: Option<NaiveDate>,
    pub advice_wanted_days_before: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            due_within_days: 14,
            new_cycle_within_days: 28,
            share_record_within_days: 14,
            transfer_years: vec![6, 11],
            suppress_below: 5,
            one_letter_per_address: false,
            records_begin: None,
            advice_wanted_days_before: 21,
        }
    }
}

/// A provision: a catalogue entry, or one described in place in a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Provision {
    /// The catalogue id (`None` for a provision described in place).
    pub id: Option<String>,
    pub name: String,
    pub area: Option<Area>,
    pub staff: Option<String>,
    pub group_size: u32,
    pub sessions_per_week: f64,
    pub minutes_per_session: f64,
    pub cost_per_hour: f64,
}

#[derive(Debug, Default, Clone)]
pub struct InformationReport {
    pub line: u32,
    pub published: Option<Day>,
    /// The text of each statutory section, in the order of [`SECTIONS`]; `None` when missing,
    /// null or blank.
    pub sections: Vec<Option<String>>,
    /// Line of each section's value (0 when absent).
    pub section_lines: Vec<u32>,
}

/// A folder under `pupils/`, with every record in it that could be read.
#[derive(Debug, Default)]
pub struct PupilFolder {
    /// The folder name, as written.
    pub id: String,
    /// `None` when pupil.yaml is missing or could not be read as a pupil.
    pub pupil: Option<Pupil>,
    /// Cycles whose file loaded, sorted by file name.
    pub cycles: Vec<Cycle>,
    pub meetings: Vec<Meeting>,
    pub ehcp: Option<Ehcp>,
    pub annual_reviews: Vec<AnnualReview>,
    /// Which kinds of file had `yaml`, `schema` or `dates` findings.
    pub bad: PupilBad,
}

impl PupilFolder {
    /// The one rule for who is counted, in every report: a pupil whose pupil.yaml loaded
    /// with no `yaml` or `schema` finding (the pupils `sen check` counts in
    /// `pupils_on_register`).
    pub fn counted(&self) -> Option<&Pupil> {
        self.pupil.as_ref().filter(|_| !self.bad.pupil_shape)
    }
}

/// Which of a pupil's files had `invalid` findings other than `upn` (rules.md, "Skipping
/// what cannot be trusted").
#[derive(Debug, Default, Clone, Copy)]
pub struct PupilBad {
    pub pupil: bool,
    /// pupil.yaml has a `yaml` or `schema` finding (a `dates` one alone still counts the
    /// pupil in `pupils_on_register`).
    pub pupil_shape: bool,
    pub cycles: bool,
    pub meetings: bool,
    pub ehcp: bool,
    pub annual_reviews: bool,
}

impl Area {
    pub const ALL: [Area; 4] = [
        Area::CommunicationAndInteraction,
        Area::CognitionAndLearning,
        Area::SocialEmotionalMentalHealth,
        Area::SensoryPhysical,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Area::CommunicationAndInteraction => "communication-and-interaction",
            Area::CognitionAndLearning => "cognition-and-learning",
            Area::SocialEmotionalMentalHealth => "social-emotional-mental-health",
            Area::SensoryPhysical => "sensory-physical",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Area::CommunicationAndInteraction => "Communication and interaction",
            Area::CognitionAndLearning => "Cognition and learning",
            Area::SocialEmotionalMentalHealth => "Social, emotional and mental health",
            Area::SensoryPhysical => "Sensory and/or physical",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Pupil {
    /// `pupils/ID/pupil.yaml`.
    pub file: String,
    pub given: String,
    pub family: String,
    pub preferred: Option<String>,
    pub dob: NaiveDate,
    pub upn: Option<String>,
    /// The line of `upn` in pupil.yaml (0 when absent).
    pub upn_line: u32,
    pub year_group: Option<i64>,
    pub class: Option<String>,
    pub status: Status,
    pub since: Day,
    pub parents_notified: Option<Day>,
    pub primary_need: Option<Need>,
    pub secondary_need: Option<Need>,
    pub ended: Option<NaiveDate>,
    pub summary: Option<String>,
    pub strengths: Option<String>,
    pub flags: Flags,
    pub contacts: Vec<Contact>,
    pub what_helps: Option<String>,
    pub left: Option<Day>,
    pub transfer: Option<Transfer>,
}

/// Where a pupil who left went (6.57).
#[derive(Debug, Clone)]
pub struct Transfer {
    pub line: u32,
    pub school: String,
    pub urn: Option<String>,
    pub sen_record_sent: Option<Day>,
}

impl Pupil {
    /// The name the pupil goes by.
    pub fn known_as(&self) -> &str {
        self.preferred.as_deref().unwrap_or(&self.given)
    }
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Flags {
    pub looked_after: bool,
    pub eal: bool,
    pub pupil_premium: bool,
    pub medical_plan: bool,
}

#[derive(Debug, Clone)]
pub struct Contact {
    pub name: String,
    pub relationship: Option<String>,
    pub parental_responsibility: bool,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Vec<String>,
    pub language: Option<String>,
    /// Whether letters go to this contact (default: parental responsibility).
    pub letters: bool,
}

#[derive(Debug, Clone)]
pub struct Cycle {
    pub file: String,
    pub started: Day,
    pub assess: Option<Assess>,
    pub plan: Option<Plan>,
    pub review: Option<Review>,
}

#[derive(Debug, Clone, Default)]
pub struct Assess {
    pub summary: Option<String>,
    pub pupil_views: Option<String>,
    pub parent_views: Option<String>,
    pub specialists: Vec<Specialist>,
}

#[derive(Debug, Clone)]
pub struct Specialist {
    pub role: Option<String>,
    pub date: Option<NaiveDate>,
    pub advice: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub line: u32,
    pub agreed: Option<Day>,
    pub agreed_with_parents: bool,
    pub outcomes: Vec<Outcome>,
    pub provision: Vec<Provision>,
    pub review_due: Day,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub id: String,
    pub outcome: Option<String>,
    pub measure: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Review {
    pub line: u32,
    pub date: Day,
    pub parents_present: bool,
    pub pupil_views: Option<String>,
    pub parent_views: Option<String>,
    /// How far each outcome was achieved, by outcome id.
    pub outcomes: Vec<(String, Achieved)>,
    pub progress: Progress,
    pub next: Option<Next>,
    pub shared_with_parents: Option<Day>,
}

#[derive(Debug, Clone)]
pub struct Meeting {
    pub file: String,
    pub date: Day,
    pub parents_present: bool,
    pub pupil_present: bool,
    pub led_by: Option<String>,
    pub purpose: Option<String>,
    pub notes: Option<String>,
    pub agreed: Option<String>,
    pub shared_with_parents: Option<Day>,
}

#[derive(Debug, Clone)]
pub struct Ehcp {
    pub file: String,
    pub local_authority: String,
    pub assessment: Option<Assessment>,
    pub issued: Option<Day>,
    /// The LA's SEN officer for this child.
    pub la_officer: Option<Invitee>,
}

/// Someone invited to an annual review and asked for advice (or the LA's officer).
#[derive(Debug, Clone, PartialEq)]
pub struct Invitee {
    pub role: InvitedRole,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Assessment {
    pub line: u32,
    pub requested: Option<Day>,
    pub decision: Option<Day>,
    pub decision_outcome: Option<DecisionOutcome>,
    pub draft: Option<Day>,
    pub final_plan: Option<Day>,
}

#[derive(Debug, Clone)]
pub struct AnnualReview {
    pub file: String,
    pub meeting: Day,
    pub invitations_sent: Option<Day>,
    pub invited: Vec<Invitee>,
    pub advice_requested: Option<Day>,
    pub advice_circulated: Option<Day>,
    pub parents_present: bool,
    pub pupil_views: Option<String>,
    pub preparing_for_adulthood: Option<String>,
    pub report_sent: Option<Day>,
    pub la_decision: Option<Day>,
    pub la_outcome: Option<LaOutcome>,
}
