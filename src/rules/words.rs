//! A finding in words for people: what is due, overdue or done late and when, as a letter,
//! report, calendar or page says it, with no rule id, command or code. The duty's own words
//! are a column of the rule table ([`super::table::duty_words`]).

use chrono::NaiveDate;

use super::table::duty_words;
use crate::dates::{add_days, uk};
use crate::findings::{Finding, Kind, Owner, Rule};

/// One finding in words for a parent, teacher, governor or the local authority: what is
/// due, overdue or done late and when, with no rule id, command or code. `name` is the name
/// the pupil is known by (ignored for the school's duties). The one place that says what a
/// finding means in a document: the pupil report, the calendar and `sen serve` use it.
pub fn describe(f: &Finding, name: &str) -> String {
    describe_duty(f.rule, f.kind, f.due, f.days, name)
}

/// [`describe`] from a finding's parts: the rule, the kind, the due date and the days
/// overdue, late or to go (a duty instance's own, for a duty done late).
pub fn describe_duty(
    rule: Rule,
    kind: Kind,
    due: Option<NaiveDate>,
    days: Option<i64>,
    name: &str,
) -> String {
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
    if rule.owner() == Owner::La && matches!(kind, Kind::Overdue | Kind::Due) {
        s.push_str(": this is the local authority's duty, and the school follows it up");
    }
    let mut c = s.chars();
    match c.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), c.as_str()),
        None => s,
    }
}
