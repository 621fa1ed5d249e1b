//! The one rule table: every rule `sen check` applies, written once in [`rule_table!`] with
//! its id, the paragraphs it rests on, whose duty it is, the files it reads (the skip table
//! of rules.md, "When a rule stays silent"), the function that applies it, whether
//! `settings.records_begin` softens it, and its words for people (the governors' label, the
//! calendar's event title, the duty as the subject of a sentence). [`Rule`] and [`TABLE`]
//! are generated from it here; the function column is expanded in [`super::apply`], beside
//! the rule functions, so this file imports none of them (and nothing that imports it).
//!
//! Adding a rule is one row here, its function, its fixture and its heading in
//! docs/rules.md (a test checks the headings): see docs/architecture.md, "Adding a rule".

use serde::Serialize;

use crate::model::{PupilBad, SchoolBad};

/// Every rule, validity codes first, in the order findings are listed in. Each row:
///
/// - `id`: the stable kebab-case id (never changed once released);
/// - `paragraphs`: the Code of Practice paragraphs (and regulations), exactly as rules.md
///   lists them; empty for the validity codes alone;
/// - `owner`: `School`, or `La` for the local authority's own deadlines;
/// - `reads`: the record files whose `invalid` findings silence the rule;
/// - `apply`: `Validity` (found while loading), `Pupil(f)` (a duty to a pupil on the
///   register), `AnyPupil(f)` (a duty that outlives the register) or `School(f)`, where `f`
///   is the rule's function in `rules/` (resolved in [`super::apply`]);
/// - `before_records`: an `overdue` finding due before `settings.records_begin` is reported
///   as `incomplete` (rules.md, "Before the records began");
/// - `label`: the duty for governors' tables, in words, with no rule id;
/// - `event`: the duty as a thing to do, for a calendar event's title;
/// - `duty`: the duty as the subject of a sentence, `{name}` standing for the name the
///   pupil is known by.
///
/// A row missing a column does not compile.
macro_rules! rule_table {
    ($then:ident) => {
        $then! {
            Yaml {
                id: "yaml",
                paragraphs: [],
                owner: School,
                reads: NONE,
                apply: Validity,
                before_records: false,
                label: "A record to correct",
                event: "Record to correct",
                duty: "correcting part of {name}'s records",
            }
            Schema {
                id: "schema",
                paragraphs: [],
                owner: School,
                reads: NONE,
                apply: Validity,
                before_records: false,
                label: "A record to correct",
                event: "Record to correct",
                duty: "correcting part of {name}'s records",
            }
            Upn {
                id: "upn",
                paragraphs: [],
                owner: School,
                reads: NONE,
                apply: Validity,
                before_records: false,
                label: "A record to correct",
                event: "Record to correct",
                duty: "correcting part of {name}'s records",
            }
            Dates {
                id: "dates",
                paragraphs: [],
                owner: School,
                reads: NONE,
                apply: Validity,
                before_records: false,
                label: "A record to correct",
                event: "Record to correct",
                duty: "correcting part of {name}'s records",
            }
            Notification {
                id: "notification",
                paragraphs: ["6.43", "6.48"],
                owner: School,
                reads: NONE,
                apply: Pupil(pupil::notification),
                before_records: true,
                label: "Parents told of SEN provision",
                event: "Letter to parents about SEN support",
                duty: "telling {name}'s parents formally that the school is making special educational provision",
            }
            CycleReview {
                id: "cycle-review",
                paragraphs: ["6.48", "6.53"],
                owner: School,
                reads: reads(true, false, false, false),
                apply: Pupil(pupil::cycle_review),
                before_records: true,
                label: "Support plan reviewed",
                event: "Support plan review",
                duty: "the review of {name}'s support plan",
            }
            SupportPlan {
                id: "support-plan",
                paragraphs: ["6.44"],
                owner: School,
                reads: reads(true, false, false, false),
                apply: Pupil(pupil::support_plan),
                before_records: true,
                label: "Next support plan agreed",
                event: "Next support plan",
                duty: "a new support plan for {name} (the next round of assess, plan, do and review)",
            }
            ParentMeetings {
                id: "parent-meetings",
                paragraphs: ["6.65"],
                owner: School,
                reads: reads(true, true, false, true),
                apply: Pupil(pupil::parent_meetings),
                before_records: true,
                label: "Meeting parents three times a year",
                event: "Termly meeting with parents",
                duty: "the termly meeting with {name}'s parents",
            }
            RecordShared {
                id: "record-shared",
                paragraphs: ["6.71"],
                owner: School,
                reads: reads(true, true, false, false),
                apply: Pupil(pupil::record_shared),
                before_records: true,
                label: "Record of meeting or review given to parents",
                event: "Meeting record to parents",
                duty: "giving {name}'s parents the written record of their meeting with the school",
            }
            Specialist {
                id: "specialist",
                paragraphs: ["6.58", "6.59"],
                owner: School,
                reads: reads(true, false, false, false),
                apply: Pupil(pupil::specialist),
                before_records: false,
                label: "Specialist involved",
                event: "Specialist advice",
                duty: "asking a specialist for advice about {name}",
            }
            TransferRecord {
                id: "transfer-record",
                paragraphs: ["6.57", "pupil information reg 9"],
                owner: School,
                reads: NONE,
                apply: AnyPupil(pupil::transfer_record),
                before_records: true,
                label: "SEN record sent to the next school",
                event: "SEN record to the next school",
                duty: "sending {name}'s SEN record to the next school",
            }
            EhcConsider {
                id: "ehc-consider",
                paragraphs: ["6.63"],
                owner: School,
                reads: reads(true, false, true, false),
                apply: Pupil(pupil::ehc_consider),
                before_records: false,
                label: "EHC needs assessment considered",
                event: "Consider an EHC needs assessment",
                duty: "considering a request for an EHC needs assessment for {name}",
            }
            AnnualReview {
                id: "annual-review",
                paragraphs: ["6.56", "9.166", "9.178"],
                owner: School,
                reads: reads(false, false, true, true),
                apply: Pupil(ehc::annual_review),
                before_records: true,
                label: "EHC plan annual review held",
                event: "EHC plan annual review",
                duty: "the annual review of {name}'s EHC plan",
            }
            AnnualReviewNotice {
                id: "annual-review-notice",
                paragraphs: ["9.176", "reg 20"],
                owner: School,
                reads: ANNUAL_REVIEWS,
                apply: Pupil(ehc::annual_review_notice),
                before_records: true,
                label: "Annual review invitations sent",
                event: "Annual review invitations",
                duty: "sending the invitations to the annual review of {name}'s EHC plan",
            }
            AnnualReviewAdvice {
                id: "annual-review-advice",
                paragraphs: ["9.176", "reg 20(4)"],
                owner: School,
                reads: ANNUAL_REVIEWS,
                apply: Pupil(ehc::annual_review_advice),
                before_records: true,
                label: "Annual review advice circulated",
                event: "Annual review advice to everyone invited",
                duty: "sending the advice gathered for the annual review of {name}'s EHC plan to everyone invited",
            }
            AnnualReviewReport {
                id: "annual-review-report",
                paragraphs: ["9.176", "reg 20"],
                owner: School,
                reads: ANNUAL_REVIEWS,
                apply: Pupil(ehc::annual_review_report),
                before_records: true,
                label: "Annual review report sent",
                event: "Annual review report to the local authority",
                duty: "sending the report of {name}'s annual review to the local authority",
            }
            LaDecision {
                id: "la-decision",
                paragraphs: ["9.176", "reg 20"],
                owner: La,
                reads: ANNUAL_REVIEWS,
                apply: Pupil(ehc::la_decision),
                before_records: true,
                label: "Local authority decision after annual review",
                event: "Local authority decision after the annual review",
                duty: "the local authority's decision after {name}'s annual review",
            }
            PhaseTransfer {
                id: "phase-transfer",
                paragraphs: ["9.179", "reg 18"],
                owner: School,
                reads: ANNUAL_REVIEWS,
                apply: Pupil(ehc::phase_transfer),
                before_records: true,
                label: "EHC plan reviewed before the next phase",
                event: "EHC plan review before the next phase",
                duty: "the review of {name}'s EHC plan before the move to the next phase of education",
            }
            Adulthood {
                id: "adulthood",
                paragraphs: ["8.9", "9.166", "reg 20(6)"],
                owner: School,
                reads: ANNUAL_REVIEWS,
                apply: Pupil(ehc::adulthood),
                before_records: false,
                label: "Preparing for adulthood discussed",
                event: "Preparing for adulthood",
                duty: "preparing for adulthood at {name}'s annual review",
            }
            EhcAssessment {
                id: "ehc-assessment",
                paragraphs: ["9.14", "9.17", "9.40"],
                owner: La,
                reads: reads(false, false, true, false),
                apply: Pupil(ehc::ehc_assessment),
                before_records: true,
                label: "EHC needs assessment timeline",
                event: "Local authority deadline: EHC needs assessment",
                duty: "the local authority's next step on the EHC needs assessment requested for {name}",
            }
            Senco {
                id: "senco",
                paragraphs: ["6.84", "6.85", "reg 49"],
                owner: School,
                reads: Reads { senco: true, ..NONE },
                apply: School(school::senco),
                before_records: false,
                label: "SENCO in post and qualified",
                event: "SENCO qualification",
                duty: "the SENCO's national qualification",
            }
            InformationReport {
                id: "information-report",
                paragraphs: ["6.79", "6.81"],
                owner: School,
                reads: Reads { information_report: true, ..NONE },
                apply: School(school::information_report),
                before_records: false,
                label: "SEN information report published",
                event: "SEN information report update",
                duty: "the yearly update of the SEN information report",
            }
        }
    };
}
pub(crate) use rule_table;

/// The [`Rule`] enum and the [`TABLE`] of every column but `apply`.
macro_rules! define_rules {
    ($(
        $rule:ident {
            id: $id:literal,
            paragraphs: [$($para:literal),*],
            owner: $owner:ident,
            reads: $reads:expr,
            apply: $apply:ident $(($f:path))?,
            before_records: $before:literal,
            label: $label:literal,
            event: $event:literal,
            duty: $duty:literal $(,)?
        }
    )*) => {
        /// Every rule `sen check` applies, validity codes first (the rows of
        /// [`rule_table!`]). The ids are stable once released.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $($rule,)*
        }

        impl Rule {
            pub const ALL: [Rule; [$($id),*].len()] = [$(Rule::$rule),*];
        }

        /// Every rule's row, in the order of [`Rule::ALL`].
        pub(crate) static TABLE: [RuleDef; Rule::ALL.len()] = [$(
            RuleDef {
                rule: Rule::$rule,
                id: $id,
                paragraphs: &[$($para),*],
                owner: Owner::$owner,
                reads: $reads,
                before_records: $before,
                label: $label,
                event: $event,
                duty: $duty,
            },
        )*];
    };
}

/// Whose duty a rule is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Owner {
    School,
    La,
}

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

/// One row of the table (all but its function: see [`super::apply`]).
pub(crate) struct RuleDef {
    pub rule: Rule,
    pub id: &'static str,
    /// The paragraphs of the SEND Code of Practice (and regulations), exactly as rules.md
    /// lists them.
    pub paragraphs: &'static [&'static str],
    pub owner: Owner,
    pub reads: Reads,
    /// One of the pupil duty rules of rules.md "Before the records began": its `overdue`
    /// finding due before `settings.records_begin` is reported as `incomplete` instead
    /// (see [`super::before_records`]).
    pub before_records: bool,
    /// The duty for governors, in words.
    pub label: &'static str,
    /// The duty as a thing to do, for a calendar event's title.
    pub event: &'static str,
    /// The duty as the subject of a sentence; `{name}` is the pupil's name.
    pub duty: &'static str,
}

const NONE: Reads = Reads {
    cycles: false,
    meetings: false,
    ehcp: false,
    annual_reviews: false,
    senco: false,
    information_report: false,
};

const fn reads(cycles: bool, meetings: bool, ehcp: bool, annual_reviews: bool) -> Reads {
    Reads {
        cycles,
        meetings,
        ehcp,
        annual_reviews,
        ..NONE
    }
}

const ANNUAL_REVIEWS: Reads = reads(false, false, false, true);

rule_table!(define_rules);

impl Rule {
    /// The stable kebab-case id.
    pub fn id(self) -> &'static str {
        def(self).id
    }

    pub fn from_id(id: &str) -> Option<Rule> {
        TABLE.iter().find(|d| d.id == id).map(|d| d.rule)
    }

    /// The paragraphs of the SEND Code of Practice (and regulations) the rule rests on,
    /// exactly as rules.md lists them.
    pub fn paragraphs(self) -> &'static [&'static str] {
        def(self).paragraphs
    }

    /// Whose duty it is: the local authority's for its own deadlines, else the school's.
    pub fn owner(self) -> Owner {
        def(self).owner
    }
}

/// The row of `rule`.
pub(crate) fn def(rule: Rule) -> &'static RuleDef {
    &TABLE[rule as usize]
}

/// A duty's short label for people (governors' tables): what is done, in words, with no
/// rule id.
pub fn label(rule: Rule) -> &'static str {
    def(rule).label
}

/// A duty as a thing to do, for a calendar event's title: "Support plan review".
pub fn event_title(rule: Rule) -> &'static str {
    def(rule).event
}

/// What a duty is, as the subject of a sentence about one pupil (`name`: the name they are
/// known by) or, for the school's duties, about the school: "the review of Amy's support
/// plan".
pub fn duty_words(rule: Rule, name: &str) -> String {
    def(rule).duty.replace("{name}", name)
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
            assert_eq!(Rule::from_id(row.id), Some(rule), "{}", row.id);
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
    fn every_rule_has_words_for_people_with_no_rule_id_or_code() {
        for row in &TABLE {
            for words in [row.label, row.event, row.duty] {
                assert!(!words.trim().is_empty(), "{}: empty words", row.id);
                assert!(!words.contains('`'), "{}: a code span in {words:?}", row.id);
                // A one-word id ("specialist", "senco") is a plain word; a kebab-case one
                // in a sentence is code.
                assert!(
                    !(row.id.contains('-') && words.contains(row.id)),
                    "{}: the rule id in {words:?}",
                    row.id
                );
            }
            for title in [row.label, row.event] {
                let first = title.chars().next().unwrap_or(' ');
                assert!(first.is_uppercase(), "{}: {title:?}", row.id);
            }
        }
    }

    #[test]
    fn governors_labels_tell_duties_apart() {
        // Two duties under one label would merge their rows in the governors' table; only
        // the validity codes share one ("A record to correct").
        let duties: Vec<&str> = TABLE
            .iter()
            .filter(|r| !r.paragraphs.is_empty())
            .map(|r| r.label)
            .collect();
        let mut unique = duties.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), duties.len(), "{duties:?}");
    }

    #[test]
    fn a_duty_names_the_pupil_wherever_the_words_put_it() {
        assert_eq!(
            duty_words(Rule::CycleReview, "Amy"),
            "the review of Amy's support plan"
        );
        assert_eq!(
            duty_words(Rule::Senco, "Amy"),
            "the SENCO's national qualification"
        );
    }
}
