//! The rules engine: every duty of rules.md applied to the records as they stand on the
//! as-of date. Each rule lives in one function with its paragraphs in its doc comment.

use chrono::NaiveDate;

use crate::findings::{self, Finding};
use crate::load::Loaded;

/// What one run of the rules needs besides the records.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub as_of: NaiveDate,
    /// How far ahead `due` findings reach, in days.
    pub window: u32,
}

/// Every finding for the loaded records, validity first, sorted as rules.md orders them.
pub fn evaluate(loaded: &Loaded, opts: Options) -> Vec<Finding> {
    let mut all = loaded.findings.clone();
    all.extend(duties(loaded, opts));
    findings::sort(&mut all);
    all
}

/// The duty findings (everything but validity).
pub fn duties(_loaded: &Loaded, _opts: Options) -> Vec<Finding> {
    Vec::new()
}

/// On the register at `on`: status K or E, `sen.since` on or before it, and not left by it.
pub fn on_register(p: &crate::model::Pupil, on: NaiveDate) -> bool {
    use crate::model::Status;
    matches!(p.status, Status::K | Status::E)
        && p.since.value <= on
        && p.left.as_ref().is_none_or(|l| l.value > on)
}
