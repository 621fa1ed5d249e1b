//! The `apply` column of [`super::table::rule_table!`]: each rule's function, expanded here
//! beside the rule functions (the table itself imports none of them, so the files that build
//! findings never import a file that imports them back).

use super::table::{Rule, rule_table};
use super::{Eval, RuleFn, Sink, ehc, pupil, school};

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

macro_rules! apply_column {
    ($(
        $rule:ident {
            id: $id:literal,
            paragraphs: $paras:tt,
            owner: $owner:ident,
            reads: $reads:expr,
            apply: $apply:ident $(($f:path))?,
            $($rest:tt)*
        }
    )*) => {
        /// Each rule's function, in the order of [`Rule::ALL`].
        pub(crate) static APPLY: [(Rule, Apply); Rule::ALL.len()] = [
            $((Rule::$rule, Apply::$apply $(($f))?),)*
        ];
    };
}

rule_table!(apply_column);

/// How `rule` is applied.
pub(crate) fn apply(rule: Rule) -> Apply {
    APPLY[rule as usize].1
}

#[cfg(test)]
mod tests {
    use super::super::table::{TABLE, duty_words};
    use super::*;

    #[test]
    fn the_functions_follow_the_rules_in_order() {
        for ((rule, _), want) in APPLY.iter().zip(Rule::ALL) {
            assert_eq!(*rule, want);
        }
    }

    #[test]
    fn validity_rules_cite_no_paragraph_and_every_duty_does() {
        for row in &TABLE {
            let validity = matches!(apply(row.rule), Apply::Validity);
            assert_eq!(row.paragraphs.is_empty(), validity, "{}", row.id);
        }
    }

    #[test]
    fn records_begin_softens_only_pupil_duties() {
        for row in &TABLE {
            if row.before_records {
                assert!(
                    matches!(apply(row.rule), Apply::Pupil(_) | Apply::AnyPupil(_)),
                    "{}",
                    row.id
                );
            }
        }
    }

    #[test]
    fn a_duty_to_a_pupil_names_the_pupil_and_the_schools_do_not() {
        for row in &TABLE {
            let school = matches!(apply(row.rule), Apply::School(_));
            let words = duty_words(row.rule, "Zeynep");
            assert_eq!(words.contains("Zeynep"), !school, "{}: {words}", row.id);
        }
    }
}
