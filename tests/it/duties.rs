//! `rules::duties`: every duty instance with its state, agreeing with `sen check` by
//! construction. Checked on Oakfield and on a generated school, at several dates.

use crate::common;

#[allow(dead_code, unused_imports, clippy::all)]
use crate::gen_school;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use common::{AS_OF, OAKFIELD};
use sen::findings::{Kind, Rule};
use sen::rules::{self, DutyState, Options};

type Key = (
    Rule,
    Option<String>,
    Option<NaiveDate>,
    Option<String>,
    Option<u32>,
);

/// Check's overdue, due and late findings, against the duty instances it reports: the same
/// multiset of (rule, pupil, due date, file, line), kind for state.
fn agree(root: &Path, as_of: NaiveDate, window: u32) -> BTreeMap<&'static str, usize> {
    let loaded = sen::load::load(root, as_of);
    let findings = rules::evaluate(&loaded.records, &loaded.findings, Options { as_of, window });
    let mut from_check: BTreeMap<(Key, &str), usize> = BTreeMap::new();
    for f in &findings {
        let kind = match f.kind {
            Kind::Overdue => "overdue",
            Kind::Due => "due",
            Kind::Late => "late",
            _ => continue,
        };
        let key = (f.rule, f.pupil.clone(), f.due, f.file.clone(), f.line);
        *from_check.entry((key, kind)).or_default() += 1;
    }
    let duties = rules::duties(&loaded.records, as_of, window);
    let mut states: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut from_duties: BTreeMap<(Key, &str), usize> = BTreeMap::new();
    for d in &duties {
        let state = match d.state {
            DutyState::OnTime => "on-time",
            DutyState::Late => "late",
            DutyState::Overdue => "overdue",
            DutyState::Due => "due",
            DutyState::Pending => "pending",
            DutyState::BeforeRecords => "before-records",
        };
        *states.entry(state).or_default() += 1;
        // Only late, overdue and due are ever reported; late only inside the lookback.
        match d.state {
            DutyState::Overdue | DutyState::Due => assert!(d.reported, "{d:?}"),
            DutyState::OnTime | DutyState::Pending | DutyState::BeforeRecords => {
                assert!(!d.reported, "{d:?}")
            }
            DutyState::Late => {}
        }
        // Done means on time or late; not done means overdue, due or pending.
        assert_eq!(
            d.done.is_some(),
            matches!(d.state, DutyState::OnTime | DutyState::Late),
            "{d:?}"
        );
        if let (Some(done), Some(due)) = (d.done, d.due) {
            assert_eq!(done > due, d.state == DutyState::Late, "{d:?}");
        }
        if d.reported {
            let key = (
                d.rule,
                d.pupil.clone(),
                d.due,
                Some(d.file.clone()),
                // A finding leaves out line 0 (the whole file).
                (d.line != 0).then_some(d.line),
            );
            *from_duties.entry((key, state)).or_default() += 1;
        }
    }
    let only_check: Vec<_> = from_check
        .iter()
        .filter(|(k, n)| from_duties.get(k) != Some(n))
        .collect();
    let only_duties: Vec<_> = from_duties
        .iter()
        .filter(|(k, n)| from_check.get(k) != Some(n))
        .collect();
    assert!(
        only_check.is_empty() && only_duties.is_empty(),
        "check's findings and the reported duties differ at {as_of}:\nfrom check only: {only_check:?}\nfrom duties only: {only_duties:?}"
    );
    assert!(!from_check.is_empty(), "nothing reported at {as_of}");
    states
}

fn date(s: &str) -> NaiveDate {
    sen::dates::parse(s).expect("date")
}

#[test]
fn oakfield_duties_agree_with_check() {
    let root = Path::new(OAKFIELD);
    for as_of in ["2026-09-01", "2026-11-23", "2027-03-01", "2027-07-20"] {
        agree(root, date(as_of), 30);
    }
    let states = agree(root, date(AS_OF), 30);
    // Every state occurs at Oakfield on the fixed date, so each is exercised.
    for state in ["on-time", "late", "overdue", "due", "pending"] {
        assert!(
            states.get(state).copied().unwrap_or(0) > 0,
            "no {state} duty at Oakfield: {states:?}"
        );
    }
}

#[test]
fn generated_school_duties_agree_with_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("school");
    gen_school::generate(300, 3, date(AS_OF), &root).expect("generate");
    for (as_of, window) in [("2026-11-23", 30), ("2026-11-23", 365), ("2027-02-10", 0)] {
        let states = agree(&root, date(as_of), window);
        assert!(states.values().sum::<usize>() > 1000, "{states:?}");
    }
}

#[test]
fn every_duty_points_into_its_own_pupils_records() {
    // A duty of a pupil is read from that pupil's folder; the school's from school.yaml.
    let loaded = sen::load::load(Path::new(OAKFIELD), date(AS_OF));
    for d in rules::duties(&loaded.records, date(AS_OF), 30) {
        if let Some(p) = &d.pupil {
            assert!(d.file.starts_with(&format!("pupils/{p}/")), "{d:?}");
        } else {
            assert_eq!(d.file, "school.yaml");
        }
    }
}
