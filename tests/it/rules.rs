//! The duties of rules.md, one group of tests per rule: a case that fires, a near miss that
//! does not, and the boundary days (due on as-of is `due`; as-of + window is `due`; one
//! day more is nothing; done on the deadline is not `late`, a day after is).

use std::fs;

use chrono::NaiveDate;
use sen::findings::{Finding, Kind, Rule};
use sen::load::load;
use sen::rules::{Options, evaluate};

fn d(s: &str) -> NaiveDate {
    sen::dates::parse(s).expect("test date")
}

/// What a test compares of a finding: kind, pupil, due date, days.
type Seen = (Kind, Option<String>, Option<String>, Option<i64>);

/// A school with every statutory section written, terms for 2025-26 and 2026-27 and a
/// SENCO holding the National Award, so that school rules stay quiet unless a test asks.
struct School {
    dir: tempfile::TempDir,
}

const SCHOOL: &str = r#"school: { name: Elm Tree Primary School }
senco:
  name: Mr Dev Patel
  email: senco@elmtree.example.org
  qualified_teacher: true
  appointed: 2020-09-01
  national_award: 2021-07-01
terms:
  - { name: Autumn, start: 2025-09-03, end: 2025-12-19 }
  - { name: Spring, start: 2026-01-05, end: 2026-03-27 }
  - { name: Summer, start: 2026-04-13, end: 2026-07-22 }
  - { name: Autumn, start: 2026-09-03, end: 2026-12-18 }
  - { name: Spring, start: 2027-01-05, end: 2027-03-26 }
  - { name: Summer, start: 2027-04-12, end: 2027-07-21 }
provisions:
  - { id: reading, name: Reading catch-up, area: cognition-and-learning, group_size: 1, sessions_per_week: 3, minutes_per_session: 20, cost_per_hour: 18 }
information_report:
  published: 2026-07-15
  sections:
    kinds_of_sen: x
    identification_and_assessment: x
    consulting_parents: x
    consulting_pupils: x
    assessing_and_reviewing_progress: x
    transitions_and_adulthood: x
    teaching_approach: x
    adapting_curriculum_and_environment: x
    staff_expertise_and_training: x
    evaluating_effectiveness: x
    inclusion_in_activities: x
    emotional_and_social_development: x
    working_with_other_bodies: x
    complaints: x
    looked_after_children: x
    accessibility_and_admissions: x
"#;

impl School {
    fn new() -> Self {
        Self::with(SCHOOL)
    }

    /// The school with its SENCO appointed on `appointed` and, instead of the National Award
    /// of 2021, `qualification` (YAML lines under `senco:`, or nothing).
    fn senco(appointed: &str, qualification: &str) -> Self {
        Self::with(
            &SCHOOL
                .replace("  national_award: 2021-07-01\n", qualification)
                .replace("appointed: 2020-09-01", &format!("appointed: {appointed}")),
        )
    }

    fn with(school_yaml: &str) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::write(dir.path().join("school.yaml"), school_yaml).expect("write");
        School { dir }
    }

    fn file(&self, rel: &str, text: &str) -> &Self {
        let path = self.dir.path().join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write");
        self
    }

    /// A pupil on SEN support since `since`, notified the same day, born `dob`.
    fn pupil(&self, id: &str, status: &str, since: &str, dob: &str, extra: &str) -> &Self {
        let ended = if status == "N" {
            "\n  ended: 2026-07-01"
        } else {
            ""
        };
        self.file(
            &format!("pupils/{id}/pupil.yaml"),
            &format!(
                "name: {{ given: Test, family: Pupil }}\ndob: {dob}\nsen:\n  status: {status}\n  since: {since}\n  parents_notified: {since}\n  primary_need: SPLD{ended}\n{extra}"
            ),
        )
    }

    fn findings(&self, as_of: &str) -> Vec<Finding> {
        let loaded = load(self.dir.path(), d(as_of));
        let window = loaded.records.school.settings.due_within_days;
        evaluate(
            &loaded.records,
            &loaded.findings,
            Options {
                as_of: d(as_of),
                window,
            },
        )
    }

    /// (kind, pupil, due, days) of the findings of one rule.
    fn rule(&self, rule: Rule, as_of: &str) -> Vec<Seen> {
        let all = self.findings(as_of);
        let invalid: Vec<_> = all.iter().filter(|f| f.kind == Kind::Invalid).collect();
        assert!(
            invalid.is_empty() || rule.id() == "senco",
            "unexpected invalid findings: {invalid:#?}"
        );
        all.into_iter()
            .filter(|f| f.rule == rule)
            .map(|f| (f.kind, f.pupil, f.due.map(sen::dates::iso), f.days))
            .collect()
    }

    /// Assert the findings of `rule` on each as-of date of `table`, in order.
    fn expect(&self, rule: Rule, table: &[(&str, Vec<Seen>)]) {
        for (as_of, want) in table {
            assert_eq!(
                &self.rule(rule, as_of),
                want,
                "`{}` as of {as_of}",
                rule.id()
            );
        }
    }

    /// A pupil on SEN support since `since`, parents notified the same day, born `DOB`.
    fn on_support(&self, id: &str, since: &str) -> &Self {
        self.pupil(id, "K", since, DOB, "")
    }

    /// A pupil on SEN support since `since` whose parents were notified on `notified` (`None`:
    /// no date recorded), born `DOB`.
    fn notified(&self, id: &str, since: &str, notified: Option<&str>) -> &Self {
        let notified = notified.map_or_else(String::new, |n| format!("parents_notified: {n}, "));
        self.file(
            &format!("pupils/{id}/pupil.yaml"),
            &format!(
                "name: {{ given: Test, family: Pupil }}\ndob: {DOB}\nsen: {{ status: K, since: {since}, {notified}primary_need: SPLD }}\n"
            ),
        )
    }

    /// A pupil with an EHC plan issued on `issued` (on the register since then), born `dob`.
    fn ehc(&self, id: &str, dob: &str, issued: &str) -> &Self {
        self.pupil(id, "E", issued, dob, "")
            .ehcp(id, &format!("local_authority: Leeds\nissued: {issued}\n"))
    }

    /// The pupil's ehcp.yaml.
    fn ehcp(&self, id: &str, yaml: &str) -> &Self {
        self.file(&format!("pupils/{id}/ehcp.yaml"), yaml)
    }

    /// The pupil's cycle `name`: started and agreed on `started`, one outcome and the reading
    /// provision, the review due on `review_due`, then `review` (YAML lines, or nothing).
    fn cycle(&self, id: &str, name: &str, started: &str, review_due: &str, review: &str) -> &Self {
        self.file(
            &format!("pupils/{id}/cycles/{name}.yaml"),
            &format!(
                "started: {started}\nplan:\n  agreed: {started}\n  outcomes:\n    - {{ id: reading, outcome: Reads fluently }}\n  provision:\n    - {{ ref: reading }}\n  review_due: {review_due}\n{review}"
            ),
        )
    }

    /// The pupil's cycle `name`, assessed (with `specialists`, YAML lines under `assess:`, or
    /// nothing) and reviewed on its due date `date` with `progress`.
    fn reviewed(
        &self,
        id: &str,
        name: &str,
        started: &str,
        date: &str,
        progress: &str,
        specialists: &str,
    ) -> &Self {
        self.file(
            &format!("pupils/{id}/cycles/{name}.yaml"),
            &format!(
                "started: {started}\nassess:\n  summary: x\n{specialists}plan:\n  review_due: {date}\nreview: {{ date: {date}, progress: {progress} }}\n"
            ),
        )
    }

    /// The pupil's meeting `name` on `date` with parents present, the record shared with them
    /// on `shared` (or not).
    fn met_parents(&self, id: &str, name: &str, date: &str, shared: Option<&str>) -> &Self {
        let shared = shared.map_or_else(String::new, |d| format!("shared_with_parents: {d}\n"));
        self.file(
            &format!("pupils/{id}/meetings/{name}.yaml"),
            &format!("date: {date}\nparents_present: true\n{shared}"),
        )
    }

    /// The pupil's meeting `name` on `date` without parents.
    fn met_without_parents(&self, id: &str, name: &str, date: &str) -> &Self {
        self.file(
            &format!("pupils/{id}/meetings/{name}.yaml"),
            &format!("date: {date}\nparents_present: false\n"),
        )
    }

    /// The pupil's annual review, annual-reviews/a.yaml.
    fn annual_review(&self, id: &str, yaml: &str) -> &Self {
        self.file(&format!("pupils/{id}/annual-reviews/a.yaml"), yaml)
    }

    /// A pupil who left on `left` for Hillside, the record sent on `sent` (or not).
    fn leaver(&self, id: &str, status: &str, left: &str, sent: Option<&str>) -> &Self {
        let sent = sent.map_or_else(|| "null".to_string(), str::to_string);
        self.file(
            &format!("pupils/{id}/pupil.yaml"),
            &format!(
                "name: {{ given: Test, family: Leaver }}\ndob: 2015-05-19\nsen:\n  status: {status}\n  since: 2023-01-16\n  parents_notified: 2023-01-18\n  primary_need: SPLD\n{}left: {left}\ntransfer: {{ school: Hillside High School, urn: \"100001\", sen_record_sent: {sent} }}\n",
                if status == "N" { "  ended: 2026-06-01\n" } else { "" }
            ),
        )
    }
}

/// A finding of a pupil's duty: kind, pupil, due date, days.
fn seen(kind: Kind, pupil: &str, due: &str, days: i64) -> Seen {
    (
        kind,
        Some(pupil.to_string()),
        Some(due.to_string()),
        Some(days),
    )
}

fn one(kind: Kind, pupil: &str, due: &str, days: i64) -> Vec<Seen> {
    vec![seen(kind, pupil, due, days)]
}

/// One finding about a pupil with no date (advice, an incomplete record).
fn undated(kind: Kind, pupil: &str) -> Vec<Seen> {
    vec![(kind, Some(pupil.to_string()), None, None)]
}

/// One finding about the school: kind, due date, days.
fn school_finding(kind: Kind, due: &str, days: i64) -> Vec<Seen> {
    vec![(kind, None, Some(due.to_string()), Some(days))]
}

const DOB: &str = "2017-03-14";

// ------------------------------------------------------------------ notification

#[test]
fn notification_is_due_fourteen_days_after_provision_starts() {
    // 0.2: one deadline for both forms, sen.since + 14 days.
    let s = School::new();
    s.notified("ava", "2026-11-09", None);
    s.expect(
        Rule::Notification,
        &[
            // On the day provision starts: due in 14 days (inside the default 14-day window).
            ("2026-11-09", one(Kind::Due, "ava", "2026-11-23", 14)),
            // since + 13 days: due tomorrow.
            ("2026-11-22", one(Kind::Due, "ava", "2026-11-23", 1)),
            // since + 14 days: the deadline itself, still due.
            ("2026-11-23", one(Kind::Due, "ava", "2026-11-23", 0)),
            // since + 15 days: overdue by one day.
            ("2026-11-24", one(Kind::Overdue, "ava", "2026-11-23", 1)),
            // Before provision starts the pupil is not on the register at all.
            ("2026-11-08", vec![]),
        ],
    );
}

#[test]
fn notification_due_date_is_outside_a_short_window_at_first() {
    let s = School::with(&format!("{SCHOOL}settings:\n  due_within_days: 7\n"));
    s.notified("ava", "2026-11-09", None);
    s.expect(
        Rule::Notification,
        &[
            ("2026-11-09", vec![]),
            ("2026-11-16", one(Kind::Due, "ava", "2026-11-23", 7)),
        ],
    );
}

#[test]
fn notification_on_the_fourteenth_day_is_not_late_and_on_the_fifteenth_is() {
    let s = School::new();
    s.notified("ava", "2026-09-01", Some("2026-09-15"))
        .notified("ben", "2026-09-01", Some("2026-09-16"));
    assert_eq!(
        s.rule(Rule::Notification, "2026-11-23"),
        one(Kind::Late, "ben", "2026-09-15", 1)
    );
}

#[test]
fn a_notification_dated_after_as_of_has_not_happened_yet() {
    let s = School::new();
    s.notified("ava", "2026-11-02", Some("2026-11-30"));
    assert_eq!(
        s.rule(Rule::Notification, "2026-11-23"),
        one(Kind::Overdue, "ava", "2026-11-16", 7)
    );
}

#[test]
fn a_late_notification_over_a_year_ago_is_not_reported() {
    let s = School::new();
    s.notified("ava", "2025-10-01", Some("2025-11-24"));
    // as-of - 364 days = 2025-11-24: still inside the lookback.
    assert_eq!(s.rule(Rule::Notification, "2026-11-23").len(), 1);
    assert_eq!(s.rule(Rule::Notification, "2026-11-24"), vec![]);
}

// ------------------------------------------------------------------ cycle-review

#[test]
fn cycle_review_window_boundaries() {
    let s = School::new();
    s.on_support("ava", "2026-09-01")
        .cycle("ava", "a", "2026-09-15", "2026-12-07", "");
    s.expect(
        Rule::CycleReview,
        &[
            // as-of + 15 days: nothing.
            ("2026-11-22", vec![]),
            ("2026-11-23", one(Kind::Due, "ava", "2026-12-07", 14)),
            ("2026-12-07", one(Kind::Due, "ava", "2026-12-07", 0)),
            ("2026-12-08", one(Kind::Overdue, "ava", "2026-12-07", 1)),
        ],
    );
}

#[test]
fn a_reviewed_cycle_needs_no_review() {
    let s = School::new();
    s.on_support("ava", "2026-09-01")
        .cycle(
            "ava",
            "a",
            "2026-09-15",
            "2026-11-20",
            "review: { date: 2026-11-19, progress: expected }\n",
        )
        .cycle("ava", "b", "2026-11-20", "2027-02-05", "");
    s.expect(
        Rule::CycleReview,
        &[
            ("2026-11-23", vec![]),
            // Before the review was held, it was due.
            ("2026-11-18", one(Kind::Due, "ava", "2026-11-20", 2)),
        ],
    );
}

#[test]
fn a_cycle_with_a_bad_file_is_silent_but_reported() {
    let s = School::new();
    s.on_support("ava", "2026-09-01").file(
        "pupils/ava/cycles/a.yaml",
        "started: 2026-09-15\nplan:\n  review_due: 2026-11-01\n  reveiw: x\n",
    );
    let all = s.findings("2026-11-23");
    assert!(
        all.iter()
            .any(|f| f.kind == Kind::Invalid && f.rule == Rule::Schema)
    );
    assert!(
        !all.iter()
            .any(|f| f.rule == Rule::CycleReview || f.rule == Rule::SupportPlan)
    );
    // notification reads only pupil.yaml, so it still runs (and is quiet here).
}

// ------------------------------------------------------------------ support-plan

#[test]
fn support_plan_due_after_the_last_review_unless_the_pupil_exits() {
    let s = School::new();
    s.on_support("ava", "2026-01-05").cycle(
        "ava",
        "a",
        "2026-09-15",
        "2026-11-01",
        "review: { date: 2026-11-02, progress: good, next: new-cycle }\n",
    );
    s.expect(
        Rule::SupportPlan,
        &[
            ("2026-11-23", one(Kind::Due, "ava", "2026-11-30", 7)),
            ("2026-12-01", one(Kind::Overdue, "ava", "2026-11-30", 1)),
        ],
    );
    // The same review deciding the pupil exits SEN support.
    s.cycle(
        "ava",
        "a",
        "2026-09-15",
        "2026-11-01",
        "review: { date: 2026-11-02, progress: good, next: exit }\n",
    );
    assert_eq!(s.rule(Rule::SupportPlan, "2026-12-01"), vec![]);
}

#[test]
fn support_plan_from_since_when_there_has_been_no_cycle() {
    let s = School::new();
    s.on_support("ava", "2026-11-01");
    assert_eq!(
        s.rule(Rule::SupportPlan, "2026-11-23"),
        one(Kind::Due, "ava", "2026-11-29", 6)
    );
    // EHC plan pupils are not on SEN support: the same pupil with a plan issued that day.
    s.ehc("ava", DOB, "2026-11-01");
    assert_eq!(s.rule(Rule::SupportPlan, "2026-11-23"), vec![]);
}

// ------------------------------------------------------------------ parent-meetings

#[test]
fn parent_meetings_past_term_without_contact_is_overdue() {
    let s = School::new();
    s.on_support("ava", "2026-01-05")
        .met_parents("ava", "a", "2027-01-20", Some("2027-01-21"));
    // Autumn 2026 had no contact: overdue from its end on 18 December.
    assert_eq!(
        s.rule(Rule::ParentMeetings, "2027-02-01"),
        one(Kind::Overdue, "ava", "2026-12-18", 45)
    );
}

#[test]
fn parent_meetings_current_term_is_due_only_near_its_end() {
    let s = School::new();
    s.on_support("ava", "2026-01-05");
    s.expect(
        Rule::ParentMeetings,
        &[
            // Autumn ends 2026-12-18: due within 14 days from 4 December.
            ("2026-12-03", vec![]),
            ("2026-12-04", one(Kind::Due, "ava", "2026-12-18", 14)),
        ],
    );
    s.met_parents("ava", "a", "2026-10-05", Some("2026-10-06"));
    assert_eq!(s.rule(Rule::ParentMeetings, "2026-12-04"), vec![]);
}

#[test]
fn a_pupil_placed_on_the_register_mid_term_needs_no_contact_that_term() {
    let s = School::new();
    s.on_support("ava", "2026-10-12")
        .met_parents("ava", "a", "2027-01-20", Some("2027-01-21"));
    assert_eq!(s.rule(Rule::ParentMeetings, "2027-02-01"), vec![]);
}

#[test]
fn a_meeting_without_parents_is_no_parent_contact() {
    let s = School::new();
    s.on_support("ava", "2026-01-05")
        .met_without_parents("ava", "a", "2026-10-05");
    assert_eq!(
        s.rule(Rule::ParentMeetings, "2026-12-04"),
        one(Kind::Due, "ava", "2026-12-18", 14)
    );
}

#[test]
fn default_terms_apply_when_the_school_gives_none_for_the_year() {
    let school = SCHOOL.replace("  - { name: Autumn, start: 2026-09-03, end: 2026-12-18 }\n  - { name: Spring, start: 2027-01-05, end: 2027-03-26 }\n  - { name: Summer, start: 2027-04-12, end: 2027-07-21 }\n", "");
    let s = School::with(&school);
    s.on_support("ava", "2026-01-05");
    // Default Autumn ends 31 December.
    assert_eq!(
        s.rule(Rule::ParentMeetings, "2026-12-17"),
        one(Kind::Due, "ava", "2026-12-31", 14)
    );
}

// ------------------------------------------------------------------ record-shared

#[test]
fn record_shared_boundaries() {
    let s = School::new();
    s.on_support("ava", "2026-01-05")
        .met_parents("ava", "a", "2026-11-02", None)
        .met_parents("ava", "b", "2026-10-01", Some("2026-10-15"))
        .met_parents("ava", "c", "2026-10-01", Some("2026-10-16"))
        .met_without_parents("ava", "d", "2026-10-01");
    assert_eq!(
        s.rule(Rule::RecordShared, "2026-11-16"),
        vec![
            seen(Kind::Late, "ava", "2026-10-15", 1),
            seen(Kind::Due, "ava", "2026-11-16", 0),
        ]
    );
    assert_eq!(
        s.rule(Rule::RecordShared, "2026-11-17")[0],
        seen(Kind::Overdue, "ava", "2026-11-16", 1)
    );
}

#[test]
fn a_record_shared_after_as_of_has_not_been_shared_yet() {
    let s = School::new();
    s.on_support("ava", "2026-01-05")
        .met_parents("ava", "a", "2026-10-05", Some("2026-11-02"));
    s.expect(
        Rule::RecordShared,
        &[
            ("2026-10-12", one(Kind::Due, "ava", "2026-10-19", 7)),
            ("2026-10-25", one(Kind::Overdue, "ava", "2026-10-19", 6)),
            ("2026-11-02", one(Kind::Late, "ava", "2026-10-19", 14)),
        ],
    );
}

#[test]
fn record_shared_covers_cycle_reviews_with_parents() {
    let s = School::new();
    s.on_support("ava", "2026-01-05")
        .cycle(
            "ava",
            "a",
            "2026-09-15",
            "2026-11-01",
            "review: { date: 2026-11-02, parents_present: true, progress: good }\n",
        )
        .cycle("ava", "b", "2026-11-03", "2027-01-20", "");
    assert_eq!(
        s.rule(Rule::RecordShared, "2026-11-23"),
        one(Kind::Overdue, "ava", "2026-11-16", 7)
    );
}

// ------------------------------------------------------------------ specialist, ehc-consider

#[test]
fn specialist_advice_after_two_slow_reviews_without_a_specialist() {
    let s = School::new();
    s.on_support("ava", "2025-09-01")
        .reviewed(
            "ava",
            "a",
            "2026-01-05",
            "2026-03-20",
            "less-than-expected",
            "",
        )
        .reviewed("ava", "b", "2026-04-13", "2026-07-10", "little-or-none", "")
        .cycle("ava", "c", "2026-09-10", "2026-12-15", "");
    assert_eq!(
        s.rule(Rule::Specialist, "2026-11-23"),
        undated(Kind::Advice, "ava")
    );
    // A specialist in either cycle: no advice.
    s.reviewed(
        "ava",
        "a",
        "2026-01-05",
        "2026-03-20",
        "less-than-expected",
        "  specialists:\n    - { role: educational psychologist, date: 2026-02-01 }\n",
    );
    assert_eq!(s.rule(Rule::Specialist, "2026-11-23"), vec![]);
}

#[test]
fn specialist_needs_both_of_the_two_latest_reviews_slow() {
    let s = School::new();
    s.on_support("ava", "2025-09-01")
        .reviewed(
            "ava",
            "a",
            "2026-01-05",
            "2026-03-20",
            "less-than-expected",
            "",
        )
        .reviewed("ava", "b", "2026-04-13", "2026-07-10", "expected", "");
    assert_eq!(s.rule(Rule::Specialist, "2026-11-23"), vec![]);
}

#[test]
fn ehc_consider_after_three_reviews_of_little_or_no_progress() {
    let s = School::new();
    s.on_support("ava", "2025-09-01")
        .reviewed("ava", "a", "2025-10-01", "2025-12-10", "little-or-none", "")
        .reviewed("ava", "b", "2026-01-05", "2026-03-20", "little-or-none", "")
        .reviewed("ava", "c", "2026-04-13", "2026-07-10", "little-or-none", "");
    assert_eq!(
        s.rule(Rule::EhcConsider, "2026-11-23"),
        undated(Kind::Advice, "ava")
    );
    // Once an assessment is requested, no advice.
    s.ehcp(
        "ava",
        "local_authority: Leeds\nassessment: { requested: 2026-09-10 }\n",
    );
    assert_eq!(s.rule(Rule::EhcConsider, "2026-11-23"), vec![]);
    // ...but a request dated after as-of has not happened yet.
    assert_eq!(s.rule(Rule::EhcConsider, "2026-09-09").len(), 1);
}

// ------------------------------------------------------------------ annual reviews

#[test]
fn annual_review_twelve_months_after_the_last() {
    let s = School::new();
    s.ehc("ava", DOB, "2024-12-01").annual_review("ava", "meeting: 2025-12-01\ninvitations_sent: 2025-11-10\nreport_sent: 2025-12-05\nla_decision: 2025-12-20\n");
    s.expect(
        Rule::AnnualReview,
        &[
            ("2026-11-17", one(Kind::Due, "ava", "2026-12-01", 14)),
            ("2026-11-16", vec![]),
            ("2026-12-02", one(Kind::Overdue, "ava", "2026-12-01", 1)),
        ],
    );
}

#[test]
fn leap_day_issue_date_rolls_to_28_february() {
    let s = School::new();
    s.ehc("ava", DOB, "2024-02-29");
    assert_eq!(
        s.rule(Rule::AnnualReview, "2025-02-20"),
        one(Kind::Due, "ava", "2025-02-28", 8)
    );
}

#[test]
fn a_child_aged_four_at_the_last_review_is_reviewed_after_six_months() {
    let s = School::new();
    // Aged 3 when issued: due 10 July 2026. Review held 1 July 2026 (aged 4): next 1 Jan 2027.
    s.ehc("ava", "2022-03-01", "2026-01-10").annual_review("ava", "meeting: 2026-07-01\ninvitations_sent: 2026-06-10\nreport_sent: 2026-07-05\nla_decision: 2026-07-20\n");
    assert_eq!(
        s.rule(Rule::AnnualReview, "2026-12-20"),
        one(Kind::Due, "ava", "2027-01-01", 12)
    );
}

#[test]
fn a_review_held_after_its_due_date_is_late() {
    let s = School::new();
    s.ehc("ava", DOB, "2025-06-01").annual_review("ava", "meeting: 2026-06-02\ninvitations_sent: 2026-05-10\nreport_sent: 2026-06-05\nla_decision: 2026-06-20\n");
    assert_eq!(
        s.rule(Rule::AnnualReview, "2026-11-23"),
        one(Kind::Late, "ava", "2026-06-01", 1)
    );
    s.annual_review("ava", "meeting: 2026-06-01\ninvitations_sent: 2026-05-10\nreport_sent: 2026-06-05\nla_decision: 2026-06-20\n");
    assert_eq!(s.rule(Rule::AnnualReview, "2026-11-23"), vec![]);
}

#[test]
fn annual_review_notice_two_weeks_before_the_meeting() {
    let s = School::new();
    s.ehc("ava", DOB, "2026-01-15")
        .annual_review("ava", "meeting: 2027-01-12\n");
    s.expect(
        Rule::AnnualReviewNotice,
        &[
            // Invitations by 29 December 2026.
            ("2026-12-15", one(Kind::Due, "ava", "2026-12-29", 14)),
            ("2026-12-14", vec![]),
            ("2026-12-30", one(Kind::Overdue, "ava", "2026-12-29", 1)),
        ],
    );
    // Sent on the deadline: fine; a day after: late, reported at once while still scheduled.
    s.annual_review("ava", "meeting: 2027-01-12\ninvitations_sent: 2026-12-29\n");
    assert_eq!(s.rule(Rule::AnnualReviewNotice, "2027-01-05"), vec![]);
    s.annual_review("ava", "meeting: 2027-01-12\ninvitations_sent: 2026-12-30\n");
    assert_eq!(
        s.rule(Rule::AnnualReviewNotice, "2027-01-05"),
        one(Kind::Late, "ava", "2026-12-29", 1)
    );
}

#[test]
fn a_held_review_without_its_invitations_recorded_is_incomplete() {
    let s = School::new();
    s.ehc("ava", DOB, "2026-01-15").annual_review(
        "ava",
        "meeting: 2026-11-10\nreport_sent: 2026-11-12\nla_decision: 2026-11-20\n",
    );
    assert_eq!(
        s.rule(Rule::AnnualReviewNotice, "2026-11-23"),
        undated(Kind::Incomplete, "ava")
    );
}

#[test]
fn review_report_and_la_decision_deadlines() {
    let s = School::new();
    s.ehc("ava", DOB, "2026-01-15")
        .annual_review("ava", "meeting: 2026-11-09\ninvitations_sent: 2026-10-20\n");
    s.expect(
        Rule::AnnualReviewReport,
        &[
            ("2026-11-23", one(Kind::Due, "ava", "2026-11-23", 0)),
            ("2026-11-24", one(Kind::Overdue, "ava", "2026-11-23", 1)),
        ],
    );
    assert_eq!(
        s.rule(Rule::LaDecision, "2026-11-23"),
        one(Kind::Due, "ava", "2026-12-07", 14)
    );
    // A report dated after as-of is not yet sent.
    s.annual_review("ava", "meeting: 2026-11-09\ninvitations_sent: 2026-10-20\nreport_sent: 2026-11-24\nla_decision: 2026-12-08\n");
    assert_eq!(s.rule(Rule::AnnualReviewReport, "2026-11-23").len(), 1);
    assert_eq!(
        s.rule(Rule::AnnualReviewReport, "2026-12-20"),
        one(Kind::Late, "ava", "2026-11-23", 1)
    );
    assert_eq!(
        s.rule(Rule::LaDecision, "2026-12-20"),
        one(Kind::Late, "ava", "2026-12-07", 1)
    );
    let la = s
        .findings("2026-12-20")
        .into_iter()
        .find(|f| f.rule == Rule::LaDecision)
        .expect("finding");
    assert_eq!(la.rule.owner(), sen::findings::Owner::La);
}

#[test]
fn a_scheduled_review_reads_no_report_or_decision() {
    let s = School::new();
    s.ehc("ava", DOB, "2026-01-15")
        .annual_review("ava", "meeting: 2026-12-01\ninvitations_sent: 2026-11-10\n");
    assert_eq!(s.rule(Rule::AnnualReviewReport, "2026-11-23"), vec![]);
    assert_eq!(s.rule(Rule::LaDecision, "2026-11-23"), vec![]);
}

#[test]
fn year_6_plan_reviewed_by_15_february_and_year_11_by_31_march() {
    let s = School::new();
    // Year 6 in 2026-27: born Sept 2015 - Aug 2016. Year 11: born Sept 2010 - Aug 2011.
    s.ehc("ava", "2016-01-10", "2026-06-01")
        .ehc("ben", "2011-01-10", "2026-06-01");
    s.expect(
        Rule::PhaseTransfer,
        &[
            ("2027-02-01", one(Kind::Due, "ava", "2027-02-15", 14)),
            (
                "2027-03-17",
                vec![
                    seen(Kind::Overdue, "ava", "2027-02-15", 30),
                    seen(Kind::Due, "ben", "2027-03-31", 14),
                ],
            ),
        ],
    );
    // An autumn review (even a scheduled one) inside the year satisfies it.
    s.annual_review("ava", "meeting: 2026-10-05\ninvitations_sent: 2026-09-20\nreport_sent: 2026-10-10\nla_decision: 2026-10-30\n")
        .annual_review("ben", "meeting: 2027-03-31\n");
    assert_eq!(s.rule(Rule::PhaseTransfer, "2027-03-17"), vec![]);
}

#[test]
fn phase_transfer_follows_a_year_group_override() {
    let s = School::new();
    s.pupil("ava", "E", "2020-01-06", DOB, "year_group: 6\n")
        .ehcp("ava", "local_authority: Leeds\nissued: 2026-06-01\n");
    assert_eq!(
        s.rule(Rule::PhaseTransfer, "2027-02-01"),
        one(Kind::Due, "ava", "2027-02-15", 14)
    );
}

#[test]
fn adulthood_from_year_9() {
    let s = School::new();
    // Year 9 in 2026-27: born Sept 2012 - Aug 2013.
    s.ehc("ava", "2013-01-10", "2025-11-01").annual_review("ava", "meeting: 2026-10-20\ninvitations_sent: 2026-10-01\nreport_sent: 2026-10-25\nla_decision: 2026-11-10\n");
    assert_eq!(
        s.rule(Rule::Adulthood, "2026-11-23"),
        undated(Kind::Incomplete, "ava")
    );
    s.annual_review("ava", "meeting: 2026-10-20\ninvitations_sent: 2026-10-01\nreport_sent: 2026-10-25\nla_decision: 2026-11-10\npreparing_for_adulthood: Work experience planned.\n");
    assert_eq!(s.rule(Rule::Adulthood, "2026-11-23"), vec![]);
    // Year 8 at the meeting: not needed (the same pupil, her plan issued and reviewed earlier).
    s.ehc("ava", "2013-01-10", "2025-05-01").annual_review("ava", "meeting: 2026-05-01\ninvitations_sent: 2026-04-01\nreport_sent: 2026-05-05\nla_decision: 2026-05-20\n");
    assert_eq!(s.rule(Rule::Adulthood, "2026-11-23"), vec![]);
}

#[test]
fn ehc_assessment_six_and_twenty_weeks() {
    let s = School::new();
    s.on_support("ava", "2025-09-01").ehcp(
        "ava",
        "local_authority: Leeds\nassessment: { requested: 2026-10-12 }\n",
    );
    s.expect(
        Rule::EhcAssessment,
        &[
            ("2026-11-23", one(Kind::Due, "ava", "2026-11-23", 0)),
            ("2026-11-24", one(Kind::Overdue, "ava", "2026-11-23", 1)),
        ],
    );
    s.ehcp("ava", "local_authority: Leeds\nassessment: { requested: 2026-07-06, decision: 2026-08-18, decision_outcome: assess }\n");
    // Decided 43 days after: late by 1; final due 2026-11-23.
    assert_eq!(
        s.rule(Rule::EhcAssessment, "2026-11-23"),
        vec![
            seen(Kind::Late, "ava", "2026-08-17", 1),
            seen(Kind::Due, "ava", "2026-11-23", 0),
        ]
    );
    // A refusal needs no final plan.
    s.ehcp("ava", "local_authority: Leeds\nassessment: { requested: 2026-07-06, decision: 2026-08-17, decision_outcome: refuse }\n");
    assert_eq!(s.rule(Rule::EhcAssessment, "2026-11-23"), vec![]);
}

// ------------------------------------------------------------------ who is on the register

#[test]
fn pupils_who_left_or_came_off_the_register_get_no_duties() {
    let s = School::new();
    s.file("pupils/ava/pupil.yaml", "name: { given: Ava, family: Lin }\ndob: 2017-03-14\nsen: { status: K, since: 2026-11-01, primary_need: SPLD }\nleft: 2026-11-10\n");
    s.file("pupils/ben/pupil.yaml", "name: { given: Ben, family: Lin }\ndob: 2017-03-14\nsen: { status: N, since: 2026-11-01, ended: 2026-11-10, primary_need: SPLD }\n");
    let all = s.findings("2026-11-23");
    assert!(all.is_empty(), "{all:#?}");
    // Before leaving, the pupil was on the register: notification was owed.
    assert_eq!(
        s.rule(Rule::Notification, "2026-11-05"),
        one(Kind::Due, "ava", "2026-11-15", 10)
    );
}

// ------------------------------------------------------------------ school rules

#[test]
fn senco_needs_the_qualification_within_three_years() {
    let s = School::senco("2023-12-01", "");
    s.expect(
        Rule::Senco,
        &[
            ("2026-11-17", school_finding(Kind::Due, "2026-12-01", 14)),
            ("2026-11-16", vec![]),
        ],
    );
    let experienced = School::senco("2023-12-01", "  previously_senco_months: 13\n");
    assert_eq!(experienced.rule(Rule::Senco, "2026-12-20"), vec![]);
}

/// The `senco` findings for a SENCO appointed on `appointed` with `qualification` (YAML
/// lines under `senco:`, or empty), as (kind, due, days) at `as_of`.
fn senco_with(
    appointed: &str,
    qualification: &str,
    as_of: &str,
) -> Vec<(Kind, Option<String>, Option<i64>)> {
    School::senco(appointed, qualification)
        .rule(Rule::Senco, as_of)
        .into_iter()
        .map(|(k, _, due, days)| (k, due, days))
        .collect()
}

#[test]
fn senco_qualification_in_every_form() {
    let overdue = |due: &str, days| vec![(Kind::Overdue, Some(due.to_string()), Some(days))];
    // An NPQ for SENCOs achieved counts; in progress, it is due 3 years from appointment.
    assert_eq!(
        senco_with(
            "2024-09-01",
            "  qualification: { kind: npq-senco, started: 2024-10-01, achieved: 2026-06-30 }\n",
            "2027-10-01"
        ),
        vec![]
    );
    assert_eq!(
        senco_with(
            "2024-09-01",
            "  qualification: { kind: npq-senco, started: 2024-10-01 }\n",
            "2027-10-01"
        ),
        overdue("2027-09-01", 30)
    );
    // Achieved after as-of has not happened yet.
    assert_eq!(
        senco_with(
            "2024-09-01",
            "  qualification: { kind: npq-senco, achieved: 2027-12-01 }\n",
            "2027-10-01"
        ),
        overdue("2027-09-01", 30)
    );
    // A National Award begun before 1 September 2024 and achieved before 1 September 2027
    // counts, in either form.
    assert_eq!(
        senco_with(
            "2023-01-09",
            "  qualification: { kind: nasenco, started: 2023-02-01, achieved: 2025-07-01 }\n",
            "2026-11-23"
        ),
        vec![]
    );
    assert_eq!(
        senco_with("2023-01-09", "  national_award: 2025-07-01\n", "2026-11-23"),
        vec![]
    );
    // In progress: the earlier of 3 years from appointment and 31 August 2027.
    assert_eq!(
        senco_with(
            "2025-01-06",
            "  qualification: { kind: nasenco, started: 2024-06-01 }\n",
            "2027-09-10"
        ),
        overdue("2027-08-31", 10)
    );
    assert_eq!(
        senco_with(
            "2023-01-09",
            "  qualification: { kind: nasenco, started: 2023-02-01 }\n",
            "2026-01-19"
        ),
        overdue("2026-01-09", 10)
    );
    // Completed on or after 1 September 2027: it does not count.
    assert_eq!(
        senco_with(
            "2025-01-06",
            "  qualification: { kind: nasenco, started: 2024-06-01, achieved: 2027-09-01 }\n",
            "2028-01-16"
        ),
        overdue("2028-01-06", 10)
    );
    // Begun on or after 1 September 2024: it counts for nothing, and the message says the
    // NPQ is now the qualification.
    let all = School::senco(
        "2024-01-08",
        "  qualification: { kind: nasenco, started: 2024-09-01, achieved: 2026-07-01 }\n",
    )
    .findings("2027-01-18");
    let f = all
        .iter()
        .find(|f| f.rule == Rule::Senco)
        .expect("a senco finding");
    assert_eq!(f.kind, Kind::Overdue);
    assert_eq!(f.due.map(sen::dates::iso).as_deref(), Some("2027-01-08"));
    assert!(
        f.message
            .contains("NPQ for SENCOs is now the qualification"),
        "{}",
        f.message
    );
}

#[test]
fn senco_with_both_forms_of_the_award_is_a_schema_finding() {
    let all = School::senco(
        "2020-09-01",
        "  national_award: 2021-07-01\n  qualification: { kind: nasenco, achieved: 2021-07-01 }\n",
    )
    .findings("2026-11-23");
    assert!(
        all.iter().any(|f| f.rule == Rule::Schema
            && f.message
                .contains("both `national_award` and `qualification`")),
        "{all:#?}"
    );
}

// ------------------------------------------------------------------ transfer-record

#[test]
fn transfer_record_is_due_on_the_fifteenth_school_day_after_leaving() {
    // Left on Friday 2026-10-09: school days from Monday 12 October; 12-16, 19-23 make 10,
    // and 26-30 October make 15, so the record is due on Friday 2026-10-30.
    let s = School::new();
    s.leaver("fri", "K", "2026-10-09", None);
    s.expect(
        Rule::TransferRecord,
        &[
            ("2026-10-16", one(Kind::Due, "fri", "2026-10-30", 14)),
            ("2026-10-15", vec![]),
            ("2026-10-31", one(Kind::Overdue, "fri", "2026-10-30", 1)),
        ],
    );
    // Sent on the day: on time; a day later: late.
    s.leaver("fri", "K", "2026-10-09", Some("2026-10-30"));
    assert_eq!(s.rule(Rule::TransferRecord, "2026-11-23"), vec![]);
    s.leaver("fri", "K", "2026-10-09", Some("2026-11-02"));
    s.expect(
        Rule::TransferRecord,
        &[
            ("2026-11-23", one(Kind::Late, "fri", "2026-10-30", 3)),
            // Sent after as-of has not been sent yet.
            ("2026-11-01", one(Kind::Overdue, "fri", "2026-10-30", 2)),
        ],
    );
}

#[test]
fn transfer_record_counts_from_the_next_term_after_a_summer_leaving() {
    // Left on 2026-07-24, in the summer holiday (the term ended on 22 July): counting
    // starts with the autumn term on Thursday 2026-09-03 (3, 4, 7-11, 14-18, 21-23).
    let s = School::new();
    s.leaver("summer", "K", "2026-07-24", None);
    assert_eq!(
        s.rule(Rule::TransferRecord, "2026-09-23"),
        one(Kind::Due, "summer", "2026-09-23", 0)
    );
    // A year without school terms uses the default ones: Autumn from 1 September 2027, a
    // Wednesday: 1-3, 6-10, 13-17, 20 September make 14, 21 September 15.
    let s = School::new();
    s.leaver("later", "K", "2027-07-23", None);
    assert_eq!(
        s.rule(Rule::TransferRecord, "2027-09-21"),
        one(Kind::Due, "later", "2027-09-21", 0)
    );
}

#[test]
fn transfer_record_needs_the_pupil_on_the_register_the_day_before_leaving() {
    let s = School::new();
    // Came off the register (status N, ended 2026-06-01) before leaving.
    s.leaver("off", "N", "2026-10-09", None);
    assert_eq!(s.rule(Rule::TransferRecord, "2026-10-31"), vec![]);
    // Not left yet on as-of: nothing.
    let s = School::new();
    s.leaver("soon", "K", "2026-12-18", None);
    assert_eq!(s.rule(Rule::TransferRecord, "2026-12-17"), vec![]);
}

#[test]
fn transfer_without_left_is_a_schema_finding() {
    let s = School::new();
    s.file(
        "pupils/ava/pupil.yaml",
        "name: { given: Ava, family: Lin }\ndob: 2017-03-14\nsen: { status: K, since: 2026-09-01, parents_notified: 2026-09-01, primary_need: SPLD }\ntransfer: { school: Hillside High School }\n",
    );
    let all = s.findings("2026-11-23");
    assert!(
        all.iter()
            .any(|f| f.rule == Rule::Schema && f.message.contains("`transfer` without `left`")),
        "{all:#?}"
    );
}

#[test]
fn senco_must_be_a_qualified_teacher() {
    let s = School::with(&SCHOOL.replace("qualified_teacher: true", "qualified_teacher: false"));
    let got = s.rule(Rule::Senco, "2026-11-23");
    assert_eq!(got, vec![(Kind::Invalid, None, None, None)]);
}

#[test]
fn information_report_yearly_update_and_sections() {
    let s = School::new();
    s.expect(
        Rule::InformationReport,
        &[
            ("2027-07-01", school_finding(Kind::Due, "2027-07-15", 14)),
            ("2027-07-16", school_finding(Kind::Overdue, "2027-07-15", 1)),
        ],
    );
    let blank = School::with(
        &SCHOOL
            .replace("    complaints: x\n", "    complaints: \"  \"\n")
            .replace("    looked_after_children: x\n", ""),
    );
    let got = blank.rule(Rule::InformationReport, "2026-11-23");
    assert_eq!(
        got,
        vec![
            (Kind::Incomplete, None, None, None),
            (Kind::Incomplete, None, None, None)
        ]
    );
    // Published after as-of: not yet published, overdue with no date.
    assert_eq!(
        s.rule(Rule::InformationReport, "2026-07-01"),
        vec![(Kind::Overdue, None, None, None)]
    );
}

#[test]
fn a_bad_settings_section_silences_every_rule() {
    let s = School::with(&format!("{SCHOOL}settings:\n  due_within_dayz: 3\n"));
    s.on_support("ava", "2026-11-01");
    let all = s.findings("2026-11-23");
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!((all[0].rule, all[0].kind), (Rule::Schema, Kind::Invalid));
}

// ------------------------------------------------------------------ annual-review-advice

/// The file `annual_review("ava", ..)` writes.
const AR: &str = "pupils/ava/annual-reviews/a.yaml";

#[test]
fn advice_circulated_fourteen_days_before_is_on_time_and_thirteen_is_late() {
    let s = School::new();
    // Meeting 12 January 2027: the advice must be out by 29 December 2026.
    s.ehc("ava", DOB, "2026-01-15").annual_review(
        "ava",
        "meeting: 2027-01-12\nadvice_circulated: 2026-12-29\n",
    );
    assert_eq!(s.rule(Rule::AnnualReviewAdvice, "2027-01-05"), vec![]);
    s.annual_review(
        "ava",
        "meeting: 2027-01-12\nadvice_circulated: 2026-12-30\n",
    );
    s.expect(
        Rule::AnnualReviewAdvice,
        &[
            // Late by a day, reported at once while the meeting is still to come.
            ("2027-01-05", one(Kind::Late, "ava", "2026-12-29", 1)),
            // And still reported after the meeting, within the lookback.
            ("2027-02-01", one(Kind::Late, "ava", "2026-12-29", 1)),
        ],
    );
    let all = s.findings("2027-01-05");
    let f = all
        .iter()
        .find(|f| f.rule == Rule::AnnualReviewAdvice)
        .expect("finding");
    assert_eq!(
        Rule::AnnualReviewAdvice.paragraphs(),
        ["9.176", "reg 20(4)"]
    );
    assert_eq!(f.file.as_deref(), Some(AR));
    assert_eq!(f.line, Some(2), "the late date's line");
}

#[test]
fn advice_not_circulated_is_due_then_overdue_inside_the_window() {
    let s = School::new();
    s.ehc("ava", DOB, "2026-01-15")
        .annual_review("ava", "meeting: 2027-01-12\ninvitations_sent: 2026-12-20\n");
    s.expect(
        Rule::AnnualReviewAdvice,
        &[
            // Beyond the window (14 days): nothing yet.
            ("2026-12-14", vec![]),
            ("2026-12-15", one(Kind::Due, "ava", "2026-12-29", 14)),
            ("2026-12-29", one(Kind::Due, "ava", "2026-12-29", 0)),
            ("2027-01-11", one(Kind::Overdue, "ava", "2026-12-29", 13)),
            // On the meeting day itself the meeting is held: the circulation was not recorded.
            ("2027-01-12", undated(Kind::Incomplete, "ava")),
        ],
    );
}

#[test]
fn advice_circulated_after_as_of_has_not_happened_yet() {
    let s = School::new();
    s.ehc("ava", DOB, "2026-01-15").annual_review(
        "ava",
        "meeting: 2027-01-12\nadvice_circulated: 2026-12-28\n",
    );
    s.expect(
        Rule::AnnualReviewAdvice,
        &[
            ("2026-12-20", one(Kind::Due, "ava", "2026-12-29", 9)),
            ("2026-12-28", vec![]),
        ],
    );
}

#[test]
fn a_held_review_without_the_advice_date_is_incomplete_within_the_lookback() {
    let s = School::new();
    s.ehc("ava", DOB, "2025-06-01").annual_review(
        "ava",
        "meeting: 2026-05-12\ninvitations_sent: 2026-04-20\nreport_sent: 2026-05-20\nla_decision: 2026-06-01\n",
    );
    s.expect(
        Rule::AnnualReviewAdvice,
        &[
            ("2026-11-23", undated(Kind::Incomplete, "ava")),
            // as-of - 364 days = the meeting: still inside; a day later it is not.
            ("2027-05-11", undated(Kind::Incomplete, "ava")),
            ("2027-05-12", vec![]),
        ],
    );
    // A late circulation of a held meeting: the same lookback on the meeting date.
    s.annual_review(
        "ava",
        "meeting: 2026-05-12\nadvice_circulated: 2026-05-01\nreport_sent: 2026-05-20\n",
    );
    s.expect(
        Rule::AnnualReviewAdvice,
        &[
            ("2027-05-11", one(Kind::Late, "ava", "2026-04-28", 3)),
            ("2027-05-12", vec![]),
        ],
    );
}

#[test]
fn advice_is_silenced_by_a_bad_annual_review_but_not_by_a_bad_cycle() {
    let s = School::new();
    s.ehc("ava", DOB, "2026-01-15")
        .annual_review("ava", "meeting: 2027-01-12\n")
        .file(
            "pupils/ava/annual-reviews/b.yaml",
            "meeting: 2026-06-01\nadvice_circulated: 2026-06-05\n",
        );
    let all = s.findings("2026-12-20");
    assert!(
        all.iter().any(|f| f.rule == Rule::Dates
            && f.file.as_deref() == Some("pupils/ava/annual-reviews/b.yaml")),
        "{all:#?}"
    );
    assert!(
        !all.iter().any(|f| f.rule == Rule::AnnualReviewAdvice),
        "{all:#?}"
    );
    // A cycle file problem does not silence it (the rule reads annual-reviews/ only).
    s.file(
        "pupils/ava/annual-reviews/b.yaml",
        "meeting: 2026-06-01\nadvice_circulated: 2026-05-05\nreport_sent: 2026-06-05\n",
    )
    .file("pupils/ava/cycles/c.yaml", "started: 2026-02-30\n");
    let all = s.findings("2026-12-20");
    let advice: Vec<_> = all
        .iter()
        .filter(|f| f.rule == Rule::AnnualReviewAdvice)
        .map(|f| (f.kind, f.due.map(sen::dates::iso)))
        .collect();
    assert_eq!(advice, vec![(Kind::Due, Some("2026-12-29".into()))]);
}

#[test]
fn advice_applies_only_to_pupils_on_the_register() {
    let s = School::new();
    s.pupil("ava", "N", "2025-01-15", DOB, "")
        .ehcp("ava", "local_authority: Leeds\nissued: 2025-01-15\n")
        .annual_review("ava", "meeting: 2027-01-12\n");
    assert_eq!(s.rule(Rule::AnnualReviewAdvice, "2026-12-20"), vec![]);
}
