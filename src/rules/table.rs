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
        // rules.md, "Before the records began (0.3)"; a rule not (yet) in the table is skipped.
        let listed = [
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
        let want: Vec<&str> = listed
            .into_iter()
            .filter(|id| Rule::from_id(id).is_some())
            .collect();
        let mut got: Vec<&str> = TABLE
            .iter()
            .filter(|r| r.before_records)
            .map(|r| r.id)
            .collect();
        let mut want = want;
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
