//! The fuzzing entry point (fuzz/fuzz_targets/loader.rs, and tests/it/fuzz_props.rs for the
//! fast deterministic half): the loader, the rules and the renderers over any bytes.

use crate::findings::{Finding, Kind};

/// Load `data` as every kind of record file at once, apply the rules and render every
/// finding. It must return for any input, never panic.
pub fn fuzz_one(data: &[u8]) -> Vec<Finding> {
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
    let loaded = crate::load::load_everywhere(data, as_of);
    let findings = crate::rules::evaluate(
        &loaded.records,
        &loaded.findings,
        crate::rules::Options {
            as_of,
            window: loaded.records.school.settings.due_within_days,
        },
    );
    for f in findings.iter().filter(|f| f.kind == Kind::Invalid) {
        let _ = crate::diagnostics::render_invalid(f);
    }
    // What reaches a terminal or a page never holds a control character (issue #11).
    let unprintable = |s: &str| {
        s.chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    };
    for f in &findings {
        assert!(
            !unprintable(&f.message)
                && !f.file.as_deref().is_some_and(unprintable)
                && !f.help.as_deref().is_some_and(unprintable)
                && !f.source_line.as_deref().is_some_and(unprintable),
            "a finding would print a control character: {f:?}"
        );
    }
    if let Ok(t) = &crate::load::decode(data, "fuzz") {
        assert!(!unprintable(&crate::render::md_escape(t)));
        assert!(crate::commands::letter::slug(t).is_ascii());
    }
    // The published counts, with their suppression, for whatever loaded.
    let _ = crate::reports::numbers(&loaded.records, as_of);
    findings
}
