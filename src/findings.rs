//! Findings: what `sen check` reports, their stable rule ids and paragraph citations, their
//! order, and their JSON shape (cli.md). Every rule and every validity code is a row of the
//! rule table ([`crate::rules::table`]), which makes [`Rule`].

use std::cmp::Ordering;

use chrono::NaiveDate;
use serde::Serialize;

pub use crate::rules::table::{Owner, Rule};

/// What a finding says about its thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The records are wrong or unreadable.
    Invalid,
    /// Past its due date and not done.
    Overdue,
    /// Done after its deadline.
    Late,
    /// Falls due within the window and not done.
    Due,
    /// Statutory content missing from a record.
    Incomplete,
    /// The Code says *should*; the school decides.
    Advice,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Invalid,
        Kind::Overdue,
        Kind::Late,
        Kind::Due,
        Kind::Incomplete,
        Kind::Advice,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Kind::Invalid => "invalid",
            Kind::Overdue => "overdue",
            Kind::Late => "late",
            Kind::Due => "due",
            Kind::Incomplete => "incomplete",
            Kind::Advice => "advice",
        }
    }

    pub fn from_id(id: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.id() == id)
    }
}

/// One thing `sen check` reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    pub kind: Kind,
    /// The pupil folder name, or `None` for the school.
    pub pupil: Option<String>,
    pub due: Option<NaiveDate>,
    pub days: Option<i64>,
    /// Relative to the records root, with `/`.
    pub file: Option<String>,
    pub line: Option<u32>,
    /// Column of the offending value, for the compiler-style rendering (not in JSON).
    pub col: Option<u32>,
    pub message: String,
    /// One sentence on how to fix it, for `invalid` findings (not in JSON).
    pub help: Option<String>,
    /// The offending line of the file, for the compiler-style rendering (not in JSON).
    pub source_line: Option<String>,
}

/// Text from records or file names made safe to print (see [`crate::yaml::printable`]):
/// every field of a finding passes through here, so no output shows a control character.
pub fn printable(text: String) -> String {
    match crate::yaml::printable(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(s) => s,
    }
}

impl Finding {
    pub fn new(rule: Rule, kind: Kind, message: impl Into<String>) -> Self {
        Finding {
            rule,
            kind,
            pupil: None,
            due: None,
            days: None,
            file: None,
            line: None,
            col: None,
            message: printable(message.into()),
            help: None,
            source_line: None,
        }
    }

    pub fn pupil(mut self, pupil: impl Into<String>) -> Self {
        self.pupil = Some(printable(pupil.into()));
        self
    }

    pub fn at(mut self, file: impl Into<String>, line: Option<u32>) -> Self {
        self.file = Some(printable(file.into()));
        self.line = line.filter(|l| *l > 0);
        self
    }

    pub fn due(mut self, due: NaiveDate, days: i64) -> Self {
        self.due = Some(due);
        self.days = Some(days);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(printable(help.into()));
        self
    }

    /// Whether this finding makes `sen check` exit 1.
    pub fn fails(&self) -> bool {
        matches!(self.kind, Kind::Invalid | Kind::Overdue)
    }
}

/// The order of rules.md: invalid; overdue by days descending (null first); late by days
/// descending; due by date ascending; incomplete; advice; then pupil (school first), rule id,
/// file (none first), line, message.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(compare);
}

fn compare(a: &Finding, b: &Finding) -> Ordering {
    a.kind
        .cmp(&b.kind)
        .then_with(|| match a.kind {
            Kind::Overdue | Kind::Late => desc_nulls_first(a.days, b.days),
            Kind::Due => a.due.cmp(&b.due),
            _ => Ordering::Equal,
        })
        .then_with(|| a.pupil.as_deref().cmp(&b.pupil.as_deref()))
        .then_with(|| a.rule.id().cmp(b.rule.id()))
        .then_with(|| a.file.as_deref().cmp(&b.file.as_deref()))
        .then_with(|| a.line.cmp(&b.line))
        .then_with(|| a.message.cmp(&b.message))
}

fn desc_nulls_first(a: Option<i64>, b: Option<i64>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => y.cmp(&x),
    }
}

/// Counts of findings by kind, in the JSON order.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub invalid: usize,
    pub overdue: usize,
    pub late: usize,
    pub due: usize,
    pub incomplete: usize,
    pub advice: usize,
}

impl Counts {
    pub fn of(findings: &[Finding]) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            *match f.kind {
                Kind::Invalid => &mut c.invalid,
                Kind::Overdue => &mut c.overdue,
                Kind::Late => &mut c.late,
                Kind::Due => &mut c.due,
                Kind::Incomplete => &mut c.incomplete,
                Kind::Advice => &mut c.advice,
            } += 1;
        }
        c
    }
}

/// The JSON form of one finding, key for key as cli.md shows it.
#[derive(Serialize)]
pub struct JsonFinding<'a> {
    pub rule: &'static str,
    pub paragraphs: &'static [&'static str],
    pub kind: Kind,
    pub owner: Owner,
    pub pupil: Option<&'a str>,
    pub due: Option<String>,
    pub days: Option<i64>,
    pub file: Option<&'a str>,
    pub line: Option<u32>,
    pub message: &'a str,
}

impl<'a> From<&'a Finding> for JsonFinding<'a> {
    fn from(f: &'a Finding) -> Self {
        JsonFinding {
            rule: f.rule.id(),
            paragraphs: f.rule.paragraphs(),
            kind: f.kind,
            owner: f.rule.owner(),
            pupil: f.pupil.as_deref(),
            due: f.due.map(crate::dates::iso),
            days: f.days,
            file: f.file.as_deref(),
            line: f.line,
            message: &f.message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::ymd;

    #[test]
    fn findings_sort_most_urgent_first() {
        let mut v = vec![
            Finding::new(Rule::CycleReview, Kind::Due, "a").due(ymd(2026, 12, 1), 8),
            Finding::new(Rule::CycleReview, Kind::Due, "b").due(ymd(2026, 11, 25), 2),
            Finding::new(Rule::Notification, Kind::Overdue, "c").due(ymd(2026, 11, 1), 22),
            Finding::new(Rule::InformationReport, Kind::Overdue, "d"),
            Finding::new(Rule::Specialist, Kind::Advice, "e"),
            Finding::new(Rule::Yaml, Kind::Invalid, "f"),
        ];
        sort(&mut v);
        let order: Vec<&str> = v.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(order, ["f", "d", "c", "b", "a", "e"]);
    }

    #[test]
    fn every_rule_id_round_trips() {
        for r in Rule::ALL {
            assert_eq!(Rule::from_id(r.id()), Some(r));
        }
    }
}
