//! The one rule table: each rule's id, the paragraphs it rests on, whose duty it is, the
//! files it reads (the skip table of rules.md, "When a rule stays silent") and the function
//! that applies it. `sen check`, the duty instances behind the governors' report, the JSON
//! output and the docs all read it from here, so adding a rule is one row here, its
//! function, its fixture and its heading in docs/rules.md (a test checks the headings).

use super::{Eval, RuleFn, Sink, ehc, pupil, school};
use crate::findings::{Owner, Rule};
use crate::model::{PupilBad, SchoolBad};

/// Which records a rule reads. A pupil's file with an `invalid` finding silences every rule
/// that reads it; pupil.yaml is checked before any rule runs, school.yaml's settings and
/// terms before any rule at all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reads {
    pub cycles: bool,
    pub meetings: bool,
    pub ehcp: bool,
    pub annual_reviews: bool,
    /// school.yaml's `senco`.
    pub senco: bool,
    /// school.yaml's `information_report`.
    pub information_report: bool,
}

impl Reads {
    const NOTHING_MORE: Reads = Reads {
        cycles: false,
        meetings: false,
        ehcp: false,
        annual_reviews: false,
        senco: false,
        information_report: false,
    };

    /// Every file this rule reads is free of `invalid` findings.
    pub fn trusted(self, pupil: PupilBad, school: SchoolBad) -> bool {
        !(self.cycles && pupil.cycles
            || self.meetings && pupil.meetings
            || self.ehcp && pupil.ehcp
            || self.annual_reviews && pupil.annual_reviews
            || self.senco && school.senco
            || self.information_report && school.information_report)
    }
}

/// How a rule is applied.
#[derive(Clone, Copy)]
pub(crate) enum Apply {
    /// A validity rule: its findings come from loading and validating the records.
    Validity,
    /// A duty to a pupil on the register on the as-of date.
    Pupil(RuleFn),
    /// A duty that outlives the register (the SEN record follows a leaver).
    AnyPupil(RuleFn),
    /// A duty of the school.
    School(fn(&Eval, &mut Sink)),
}

/// One row of the table.
pub(crate) struct RuleDef {
    pub rule: Rule,
    pub id: &'static str,
    /// The paragraphs of the SEND Code of Practice (and regulations), exactly as rules.md
    /// lists them.
    pub paragraphs: &'static [&'static str],
    pub owner: Owner,
    pub reads: Reads,
    pub apply: Apply,
    /// One of the pupil duty rules of rules.md "Before the records began": its `overdue`
    /// finding due before `settings.records_begin` is reported as `incomplete` instead
    /// (see [`super::before_records`]). Every pupil duty is, unless [`kept`] takes it out.
    pub before_records: bool,
}

const fn reads(cycles: bool, meetings: bool, ehcp: bool, annual_reviews: bool) -> Reads {
    Reads {
        cycles,
        meetings,
        ehcp,
        annual_reviews,
        ..Reads::NOTHING_MORE
    }
}

const fn row(
    rule: Rule,
    id: &'static str,
    paragraphs: &'static [&'static str],
    reads: Reads,
    apply: Apply,
) -> RuleDef {
    RuleDef {
        rule,
        id,
        paragraphs,
        owner: Owner::School,
        reads,
        before_records: matches!(apply, Apply::Pupil(_) | Apply::AnyPupil(_)),
        apply,
    }
}

/// A pupil rule whose overdue findings stand whatever `settings.records_begin` says (rules.md
/// lists the duties it softens; `specialist`, `ehc-consider` and `adulthood` are not among them).
const fn kept(mut def: RuleDef) -> RuleDef {
    def.before_records = false;
    def
}

const fn la(mut def: RuleDef) -> RuleDef {
    def.owner = Owner::La;
    def
}

const NONE: Reads = Reads::NOTHING_MORE;
const ANNUAL_REVIEWS: Reads = reads(false, false, false, true);
const REG20: &[&str] = &["9.176", "reg 20"];

/// Every rule, in the order of [`Rule::ALL`] (the order findings are listed in).
pub(crate) static TABLE: [RuleDef; 22] = [
    row(Rule::Yaml, "yaml", &[], NONE, Apply::Validity),
    row(Rule::Schema, "schema", &[], NONE, Apply::Validity),
    row(Rule::Upn, "upn", &[], NONE, Apply::Validity),
    row(Rule::Dates, "dates", &[], NONE, Apply::Validity),
    row(
        Rule::Notification,
        "notification",
        &["6.43", "6.48"],
        NONE,
        Apply::Pupil(pupil::notification),
    ),
    row(
        Rule::CycleReview,
        "cycle-review",
        &["6.48", "6.53"],
        reads(true, false, false, false),
        Apply::Pupil(pupil::cycle_review),
    ),
    row(
        Rule::SupportPlan,
        "support-plan",
        &["6.44"],
        reads(true, false, false, false),
        Apply::Pupil(pupil::support_plan),
    ),
    row(
        Rule::ParentMeetings,
        "parent-meetings",
        &["6.65"],
        reads(true, true, false, true),
        Apply::Pupil(pupil::parent_meetings),
    ),
    row(
        Rule::RecordShared,
        "record-shared",
        &["6.71"],
        reads(true, true, false, false),
        Apply::Pupil(pupil::record_shared),
    ),
    kept(row(
        Rule::Specialist,
        "specialist",
        &["6.58", "6.59"],
        reads(true, false, false, false),
        Apply::Pupil(pupil::specialist),
    )),
    row(
        Rule::TransferRecord,
        "transfer-record",
        &["6.57", "pupil information reg 9"],
        NONE,
        Apply::AnyPupil(pupil::transfer_record),
    ),
    kept(row(
        Rule::EhcConsider,
        "ehc-consider",
        &["6.63"],
        reads(true, false, true, false),
        Apply::Pupil(pupil::ehc_consider),
    )),
    row(
        Rule::AnnualReview,
        "annual-review",
        &["6.56", "9.166", "9.178"],
        reads(false, false, true, true),
        Apply::Pupil(ehc::annual_review),
    ),
    row(
        Rule::AnnualReviewNotice,
        "annual-review-notice",
        REG20,
        ANNUAL_REVIEWS,
        Apply::Pupil(ehc::annual_review_notice),
    ),
    row(
        Rule::AnnualReviewAdvice,
        "annual-review-advice",
        &["9.176", "reg 20(4)"],
        ANNUAL_REVIEWS,
        Apply::Pupil(ehc::annual_review_advice),
    ),
    row(
        Rule::AnnualReviewReport,
        "annual-review-report",
        REG20,
        ANNUAL_REVIEWS,
        Apply::Pupil(ehc::annual_review_report),
    ),
    la(row(
        Rule::LaDecision,
        "la-decision",
        REG20,
        ANNUAL_REVIEWS,
        Apply::Pupil(ehc::la_decision),
    )),
    row(
        Rule::PhaseTransfer,
        "phase-transfer",
        &["9.179", "reg 18"],
        ANNUAL_REVIEWS,
        Apply::Pupil(ehc::phase_transfer),
    ),
    kept(row(
        Rule::Adulthood,
        "adulthood",
        &["8.9", "9.166", "reg 20(6)"],
        ANNUAL_REVIEWS,
        Apply::Pupil(ehc::adulthood),
    )),
    la(row(
        Rule::EhcAssessment,
        "ehc-assessment",
        &["9.14", "9.17", "9.40"],
        reads(false, false, true, false),
        Apply::Pupil(ehc::ehc_assessment),
    )),
    row(
        Rule::Senco,
        "senco",
        &["6.84", "6.85", "reg 49"],
        Reads {
            senco: true,
            ..NONE
        },
        Apply::School(school::senco),
    ),
    row(
        Rule::InformationReport,
        "information-report",
        &["6.79", "6.81"],
        Reads {
            information_report: true,
            ..NONE
        },
        Apply::School(school::information_report),
    ),
];

/// The row of `rule`.
pub(crate) fn def(rule: Rule) -> &'static RuleDef {
    &TABLE[rule as usize]
}

/// A duty's short title for people (governors' tables, calendar titles): what is done, in
/// words, with no rule id.
pub fn title(rule: Rule) -> &'static str {
    match rule {
        Rule::Yaml | Rule::Schema | Rule::Upn | Rule::Dates => "A record to correct",
        Rule::Notification => "Parents told of SEN provision",
        Rule::CycleReview => "Support plan reviewed",
        Rule::SupportPlan => "Next support plan agreed",
        Rule::ParentMeetings => "Meeting parents three times a year",
        Rule::RecordShared => "Record of meeting or review given to parents",
        Rule::Specialist => "Specialist involved",
        Rule::TransferRecord => "SEN record sent to the next school",
        Rule::EhcConsider => "EHC needs assessment considered",
        Rule::AnnualReview => "EHC plan annual review held",
        Rule::AnnualReviewNotice => "Annual review invitations sent",
        Rule::AnnualReviewAdvice => "Annual review advice circulated",
        Rule::AnnualReviewReport => "Annual review report sent",
        Rule::LaDecision => "Local authority decision after annual review",
        Rule::PhaseTransfer => "EHC plan reviewed before the next phase",
        Rule::Adulthood => "Preparing for adulthood discussed",
        Rule::EhcAssessment => "EHC needs assessment timeline",
        Rule::Senco => "SENCO in post and qualified",
        Rule::InformationReport => "SEN information report published",
    }
}

/// A duty as a thing to do, for a calendar event's title: "Support plan review".
pub fn event_title(rule: Rule) -> &'static str {
    match rule {
        Rule::Yaml | Rule::Schema | Rule::Upn | Rule::Dates => "Record to correct",
        Rule::Notification => "Letter to parents about SEN support",
        Rule::CycleReview => "Support plan review",
        Rule::SupportPlan => "Next support plan",
        Rule::ParentMeetings => "Termly meeting with parents",
        Rule::RecordShared => "Meeting record to parents",
        Rule::Specialist => "Specialist advice",
        Rule::TransferRecord => "SEN record to the next school",
        Rule::EhcConsider => "Consider an EHC needs assessment",
        Rule::AnnualReview => "EHC plan annual review",
        Rule::AnnualReviewNotice => "Annual review invitations",
        Rule::AnnualReviewAdvice => "Annual review advice to everyone invited",
        Rule::AnnualReviewReport => "Annual review report to the local authority",
        Rule::LaDecision => "Local authority decision after the annual review",
        Rule::PhaseTransfer => "EHC plan review before the next phase",
        Rule::Adulthood => "Preparing for adulthood",
        Rule::EhcAssessment => "Local authority deadline: EHC needs assessment",
        Rule::Senco => "SENCO qualification",
        Rule::InformationReport => "SEN information report update",
    }
}

/// What a duty is, as the subject of a sentence about one pupil (`name`: the name they are
/// known by) or, for the school's duties, about the school: "the review of Amy's support
/// plan".
pub fn duty_words(rule: Rule, name: &str) -> String {
    match rule {
        Rule::Yaml | Rule::Schema | Rule::Upn | Rule::Dates => {
            format!("correcting part of {name}'s records")
        }
        Rule::Notification => format!(
            "telling {name}'s parents formally that the school is making special educational provision"
        ),
        Rule::CycleReview => format!("the review of {name}'s support plan"),
        Rule::SupportPlan => {
            format!("a new support plan for {name} (the next round of assess, plan, do and review)")
        }
        Rule::ParentMeetings => format!("the termly meeting with {name}'s parents"),
        Rule::RecordShared => {
            format!("giving {name}'s parents the written record of their meeting with the school")
        }
        Rule::Specialist => format!("asking a specialist for advice about {name}"),
        Rule::TransferRecord => format!("sending {name}'s SEN record to the next school"),
        Rule::EhcConsider => {
            format!("considering a request for an EHC needs assessment for {name}")
        }
        Rule::AnnualReview => format!("the annual review of {name}'s EHC plan"),
        Rule::AnnualReviewNotice => {
            format!("sending the invitations to the annual review of {name}'s EHC plan")
        }
        Rule::AnnualReviewAdvice => format!(
            "sending the advice gathered for the annual review of {name}'s EHC plan to everyone invited"
        ),
        Rule::AnnualReviewReport => {
            format!("sending the report of {name}'s annual review to the local authority")
        }
        Rule::LaDecision => {
            format!("the local authority's decision after {name}'s annual review")
        }
        Rule::PhaseTransfer => format!(
            "the review of {name}'s EHC plan before the move to the next phase of education"
        ),
        Rule::Adulthood => format!("preparing for adulthood at {name}'s annual review"),
        Rule::EhcAssessment => format!(
            "the local authority's next step on the EHC needs assessment requested for {name}"
        ),
        Rule::Senco => "the SENCO's national qualification".to_string(),
        Rule::InformationReport => "the yearly update of the SEN information report".to_string(),
    }
}

/// One finding in words for a parent, teacher, governor or the local authority: what is
/// due, overdue or done late and when, with no rule id, command or code. `name` is the name
/// the pupil is known by (ignored for the school's duties). The one place that says what a
/// finding means in a document: the pupil report, the calendar and `sen serve` use it.
pub fn describe(f: &crate::findings::Finding, name: &str) -> String {
    describe_duty(f.rule, f.kind, f.due, f.days, name)
}

/// [`describe`] from a finding's parts: the rule, the kind, the due date and the days
/// overdue, late or to go (a duty instance's own, for a duty done late).
pub fn describe_duty(
    rule: Rule,
    kind: crate::findings::Kind,
    due: Option<chrono::NaiveDate>,
    days: Option<i64>,
    name: &str,
) -> String {
    use crate::dates::{add_days, uk};
    use crate::findings::Kind;
    let what = duty_words(rule, name);
    let mut s = match (kind, due) {
        (Kind::Overdue, Some(due)) => {
            format!("{what} was due on {} and is still to be done", uk(due))
        }
        (Kind::Overdue, None) if rule == Rule::InformationReport => {
            "the SEN information report has not been published".to_string()
        }
        (Kind::Overdue, None) => format!("{what} is overdue"),
        (Kind::Due, Some(due)) => format!("{what} is due on {}", uk(due)),
        (Kind::Late, Some(due)) => match days {
            Some(days) => format!(
                "{what} was due on {} and was done on {}, {} late",
                uk(due),
                uk(add_days(due, days)),
                crate::render::plural(days, "day", "days")
            ),
            None => format!("{what} was due on {} and was done late", uk(due)),
        },
        // Fell due before the records began (rules.md 0.3): only the date it was done is missing.
        (Kind::Incomplete, Some(due)) => format!(
            "{what} fell due on {}, before these records began, and the date it was done is not recorded",
            uk(due)
        ),
        (Kind::Incomplete, None) => match rule {
            Rule::AnnualReviewNotice => format!(
                "the record of {name}'s annual review does not say when the invitations were sent"
            ),
            Rule::AnnualReviewAdvice => format!(
                "the record of {name}'s annual review does not say when the advice was sent to everyone invited"
            ),
            Rule::Adulthood => format!(
                "the record of {name}'s annual review does not say how it covered preparing for adulthood"
            ),
            Rule::InformationReport => {
                "a section of the SEN information report is still to be written".to_string()
            }
            _ => format!("the record of {what} is missing something the Code asks for"),
        },
        (Kind::Advice, _) => match rule {
            Rule::Specialist => format!(
                "{name}'s progress was less than expected at the last two reviews, with no specialist involved: the school should consider asking a specialist for advice"
            ),
            Rule::EhcConsider => format!(
                "{name} made little or no progress at the last three reviews: the school should consider asking the local authority for an EHC needs assessment"
            ),
            _ => format!("the school should consider {what}"),
        },
        (Kind::Invalid, _) => {
            format!("part of {name}'s records could not be read, so what it holds is missing here")
        }
        (_, None) => what,
    };
    if rule.owner() == crate::findings::Owner::La && matches!(kind, Kind::Overdue | Kind::Due) {
        s.push_str(": this is the local authority's duty, and the school follows it up");
    }
    let mut c = s.chars();
    match c.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), c.as_str()),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_every_rule_once_in_order() {
        assert_eq!(TABLE.len(), Rule::ALL.len());
        for (row, rule) in TABLE.iter().zip(Rule::ALL) {
            assert_eq!(row.rule, rule, "{}", row.id);
            assert!(std::ptr::eq(def(rule), row));
        }
    }

    #[test]
    fn records_begin_softens_exactly_the_duties_rules_md_lists() {
        // rules.md, "Before the records began (0.3)", written out here apart from the table.
        let mut want = [
            "notification",
            "cycle-review",
            "support-plan",
            "parent-meetings",
            "record-shared",
            "transfer-record",
            "annual-review",
            "annual-review-notice",
            "annual-review-advice",
            "annual-review-report",
            "la-decision",
            "phase-transfer",
            "ehc-assessment",
        ];
        let mut got: Vec<&str> = TABLE
            .iter()
            .filter(|r| r.before_records)
            .map(|r| r.id)
            .collect();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want);
    }

    #[test]
    fn validity_rules_cite_no_paragraph_and_every_duty_does() {
        for row in &TABLE {
            let validity = matches!(row.apply, Apply::Validity);
            assert_eq!(row.paragraphs.is_empty(), validity, "{}", row.id);
        }
    }
}
