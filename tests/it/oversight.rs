//! `sen report effectiveness` and `sen report governors`: the figures worked out by hand on a
//! small school, the duties and the register agreeing with `sen check` on the example school
//! and on generated ones, suppression, snapshots, and charts that parse as XML.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::common;

use chrono::NaiveDate;
use common::{AS_OF, OAKFIELD, oakfield_copy, sen};
use sen::reports::{outcomes, oversight};
use sen::rules::{self, Options};

fn d(s: &str) -> NaiveDate {
    sen::dates::parse(s).expect("date")
}

fn run(root: &Path, as_of: &str, args: &[&str]) -> String {
    let o = sen()
        .arg("--records")
        .arg(root)
        .args(["--as-of", as_of])
        .args(args)
        .output()
        .expect("runs");
    assert!(
        o.status.code() == Some(0) || args[0] == "check",
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("utf-8")
}

/// (rule, kind) -> count of `sen check --format json`'s findings with a due date in [from, to].
fn check_duties(
    root: &Path,
    as_of: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> BTreeMap<(String, String), u32> {
    let json: serde_json::Value =
        serde_json::from_str(&run(root, as_of, &["check", "--format", "json"])).expect("json");
    let mut out = BTreeMap::new();
    for f in json["findings"].as_array().expect("findings") {
        let kind = f["kind"].as_str().unwrap_or_default();
        if kind != "late" && kind != "overdue" {
            continue;
        }
        let Some(due) = f["due"].as_str() else {
            continue;
        };
        let due = d(due);
        if due < from || due > to {
            continue;
        }
        *out.entry((f["rule"].as_str().unwrap().to_string(), kind.to_string()))
            .or_default() += 1;
    }
    out
}

fn duties_agree(root: &Path, as_of: &str, from: NaiveDate, to: NaiveDate) -> usize {
    let loaded = sen::load::load(root, d(as_of));
    let window = loaded.records.school.settings.due_within_days;
    let mine = rules::duties_in_period(
        &loaded.records,
        Options {
            as_of: d(as_of),
            window,
        },
        from,
        to,
    );
    let mut got = BTreeMap::new();
    for r in &mine {
        if r.late > 0 {
            got.insert((r.rule.id().to_string(), "late".to_string()), r.late);
        }
        if r.not_done > 0 {
            got.insert((r.rule.id().to_string(), "overdue".to_string()), r.not_done);
        }
    }
    for r in &mine {
        assert!(r.fell_due().is_none_or(|n| n > 0), "{r:?}");
    }
    let want = check_duties(root, as_of, from, to);
    assert_eq!(got, want, "duties in {from}..{to} at {as_of}");
    want.values().sum::<u32>() as usize
}

fn registers_agree(root: &Path, as_of: &str, from: NaiveDate, to: NaiveDate) -> usize {
    let loaded = sen::load::load(root, d(as_of));
    let days = oversight::register_dates(&loaded.records, d(as_of), from, to);
    let regs = oversight::register_over(&loaded.records, d(as_of), &days);
    assert!(regs.len() >= 2, "term ends and as-of: {days:?}");
    for r in &regs {
        let iso = r.date.format("%Y-%m-%d").to_string();
        let json: serde_json::Value =
            serde_json::from_str(&run(root, &iso, &["check", "--format", "json"])).expect("json");
        assert_eq!(
            u64::from(r.total()),
            json["pupils_on_register"].as_u64().expect("count"),
            "register on {iso}"
        );
        assert_eq!(r.areas.iter().sum::<u32>(), r.total());
        assert_eq!(r.years.values().sum::<u32>(), r.total());
    }
    regs.len()
}

#[test]
fn duties_and_register_agree_with_check_on_oakfield() {
    let root = Path::new(OAKFIELD);
    let n = duties_agree(root, AS_OF, d("2025-09-01"), d(AS_OF));
    assert!(
        n > 0,
        "the example school has late and overdue duties to count"
    );
    // Records given to parents by their deadline are counted as on time.
    let loaded = sen::load::load(root, d(AS_OF));
    let opts = Options {
        as_of: d(AS_OF),
        window: 14,
    };
    let all = rules::duties_in_period(&loaded.records, opts, d("2025-09-01"), d(AS_OF));
    let shared = all
        .iter()
        .find(|r| r.rule == sen::findings::Rule::RecordShared)
        .expect("record-shared");
    assert!(shared.on_time.unwrap_or(0) >= 5, "{shared:?}");
    duties_agree(root, AS_OF, d("2026-09-01"), d(AS_OF));
    duties_agree(root, "2026-07-21", d("2025-09-01"), d("2026-07-21"));
    registers_agree(root, AS_OF, d("2025-09-01"), d(AS_OF));
}

/// The example generator, built by `cargo test` beside the binary.
fn gen_school() -> PathBuf {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_sen"));
    bin.parent()
        .expect("dir")
        .join("examples")
        .join("gen_school")
}

#[test]
fn duties_and_register_agree_with_check_on_generated_schools() {
    for seed in ["1", "7"] {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("school");
        let st = std::process::Command::new(gen_school())
            .args(["--pupils", "150", "--seed", seed, "--as-of", AS_OF, "--out"])
            .arg(&out)
            .status()
            .expect("gen_school runs");
        assert!(st.success());
        let n = duties_agree(&out, AS_OF, d("2025-09-01"), d(AS_OF));
        assert!(n > 0, "a generated school has late and overdue duties");
        duties_agree(&out, AS_OF, d("2026-09-01"), d(AS_OF));
        registers_agree(&out, AS_OF, d("2025-09-01"), d(AS_OF));
    }
}

const PUPIL_A: &str = "name: { given: Ann, family: Testcase }
dob: 2017-05-02
class: 4 Ash
sen:
  status: K
  since: 2025-09-10
  parents_notified: 2025-09-12
  primary_need: SPLD
";

const CYCLE_A: &str = "started: 2026-04-20
plan:
  agreed: 2026-04-20
  agreed_with_parents: true
  outcomes:
    - { id: r1, outcome: Reads a Year 3 text, measure: timed }
    - { id: r2, outcome: Spells 20 common words, measure: weekly test }
  provision:
    - { ref: lexia }
    - { name: Word games, staff: teaching assistant, group_size: 2, sessions_per_week: 2, minutes_per_session: 30, cost_per_hour: 12 }
  review_due: 2026-06-01
review:
  date: 2026-06-01
  parents_present: true
  outcomes: { r1: achieved, r2: partly }
  progress: good
  next: new-cycle
  shared_with_parents: 2026-06-02
";

const PUPIL_B: &str = "name: { given: Ben, family: Example }
dob: 2016-11-20
class: 5 Oak
sen:
  status: K
  since: 2025-09-10
  parents_notified: 2025-09-12
  primary_need: SPLD
";

const CYCLE_B: &str = "started: 2026-04-20
plan:
  agreed: 2026-04-20
  agreed_with_parents: true
  outcomes:
    - { id: m1, outcome: Counts on in tens, measure: termly check }
  provision:
    - { ref: lexia }
  review_due: 2026-05-25
review:
  date: 2026-05-25
  parents_present: true
  outcomes: { m1: not-achieved }
  progress: little-or-none
  next: new-cycle
  shared_with_parents: 2026-05-26
";

/// Oakfield's school.yaml (its terms and catalogue) with two invented pupils.
fn small_school() -> tempfile::TempDir {
    let dir = oakfield_copy();
    let pupils = dir.path().join("pupils");
    fs::remove_dir_all(&pupils).expect("rm");
    for (id, p, c) in [
        ("ann-testcase", PUPIL_A, CYCLE_A),
        ("ben-example", PUPIL_B, CYCLE_B),
    ] {
        fs::create_dir_all(pupils.join(id).join("cycles")).expect("mkdir");
        fs::write(pupils.join(id).join("pupil.yaml"), p).expect("write");
        fs::write(pupils.join(id).join("cycles/2026-04-20.yaml"), c).expect("write");
    }
    dir
}

#[test]
fn effectiveness_figures_by_hand() {
    let dir = small_school();
    let loaded = sen::load::load(dir.path(), d(AS_OF));
    let bad: Vec<_> = loaded.findings.iter().map(|f| f.message.clone()).collect();
    assert!(bad.is_empty(), "{bad:?}");
    // The Summer term 2026: 13 April to 21 July.
    let e = outcomes::effectiveness(&loaded.records, d(AS_OF), d("2026-04-13"), d("2026-07-21"));
    assert_eq!(e.len(), 2);
    // Word games: 1 of Ann's 2 outcomes achieved, 50%. £12 an hour x 2 x 30 min / 2 pupils
    // = £6.00 a week; 20 April to 1 June is 43 term days: 600p x 43 / 7 = 3,685.71p -> £36.86.
    let w = &e[0];
    assert_eq!((w.key.as_str(), w.pupils, w.cycles), ("Word games", 1, 1));
    assert_eq!(
        (w.outcomes, w.achieved, w.partly, w.not_achieved),
        (2, 1, 1, 0)
    );
    assert_eq!(w.progress, [1, 0, 0, 0]);
    assert_eq!(w.cost, 3686);
    assert_eq!(w.cost_per_achieved(), Some(3686));
    // Lexia: both pupils, 3 outcomes, 1 achieved (33%). £18.50 x 3 x 20 min = £18.50 a week;
    // Ann 43 days: 1850 x 43 / 7 = 11,364.29p -> 11,364p; Ben 20 April to 25 May, 36 days:
    // 1850 x 36 / 7 = 9,514.29p -> 9,514p. Total £208.78, all of it per achieved outcome.
    let l = &e[1];
    assert_eq!((l.key.as_str(), l.pupils, l.cycles), ("lexia", 2, 2));
    assert_eq!(
        (l.outcomes, l.achieved, l.partly, l.not_achieved),
        (3, 1, 1, 1)
    );
    assert_eq!(l.progress, [1, 0, 0, 1]);
    assert_eq!(l.cost, 11364 + 9514);
    assert_eq!(l.cost_per_achieved(), Some(20878));
    // A period with no review in it has nothing to say.
    assert!(
        outcomes::effectiveness(&loaded.records, d(AS_OF), d("2026-09-01"), d(AS_OF)).is_empty()
    );
    let md = run(
        dir.path(),
        AS_OF,
        &[
            "report",
            "effectiveness",
            "--from",
            "2026-04-13",
            "--to",
            "2026-07-21",
        ],
    );
    assert!(
        md.contains("| Lexia reading programme | 2 | 2 | 3 | 1 | 1 | 1 | 0 | 33% |"),
        "{md}"
    );
    assert!(md.contains("£208.78 | £208.78 |"), "{md}");
    assert!(md.contains("shares that plan's outcomes"));
    assert!(!md.contains("Testcase") && !md.contains("Ann ") && !md.contains("Example |"));
}

/// Every count cell of the register tables: no count from 1 to 4 shown.
#[test]
fn governors_report_shows_no_small_count() {
    let md = run(
        Path::new(OAKFIELD),
        AS_OF,
        &["report", "governors", "--from", "2025-09-01"],
    );
    let mut cells = 0;
    for line in md.lines().filter(|l| {
        l.starts_with("| End of")
            || l.starts_with("| Now")
            || l.starts_with("| Parents")
            || l.starts_with("| Support")
            || l.starts_with("| Communication")
    }) {
        for cell in line.split('|').map(str::trim) {
            if let Ok(n) = cell.parse::<u32>() {
                cells += 1;
                assert!(n == 0 || n >= 5, "a small count is shown: {line}");
            }
        }
    }
    assert!(cells > 0);
    assert!(md.contains("fewer than 5"));
    assert!(md.contains("14.8%") && md.contains("June 2026"));
    // No pupil named.
    for name in ["Okafor", "Amara", "Murphy", "Begum"] {
        assert!(!md.contains(name), "{name}");
    }
}

#[test]
fn snapshots_of_both_reports() {
    let root = Path::new(OAKFIELD);
    insta::assert_snapshot!(
        "oakfield_effectiveness_md",
        run(
            root,
            AS_OF,
            &["report", "effectiveness", "--from", "2025-09-01"]
        )
    );
    insta::assert_snapshot!(
        "oakfield_governors_md",
        run(
            root,
            AS_OF,
            &["report", "governors", "--from", "2025-09-01"]
        )
    );
}

#[test]
fn charts_parse_as_xml_with_a_text_alternative_and_no_script() {
    let html = run(
        Path::new(OAKFIELD),
        AS_OF,
        &[
            "report",
            "governors",
            "--from",
            "2025-09-01",
            "--format",
            "html",
        ],
    );
    assert!(!html.contains("<script"));
    let mut n = 0;
    let mut rest = html.as_str();
    while let Some(i) = rest.find("<svg") {
        let j = rest[i..].find("</svg>").expect("closed") + i + 6;
        let doc = roxmltree::Document::parse(&rest[i..j]).expect("SVG parses as XML");
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("img"));
        assert!(root.children().any(|c| c.has_tag_name("title")));
        assert!(root.children().any(|c| c.has_tag_name("desc")));
        n += 1;
        rest = &rest[j..];
    }
    // Oakfield's register by status is withheld (SEN support withheld beside a total of
    // 12, #23): said in words, not drawn (#25); the duties and spending are drawn.
    assert_eq!(n, 2, "duties and spending");
    assert!(html.contains("Pupils on the SEN register: the figures this chart would draw are withheld to protect the pupils they count, so there is no chart."));
    let html = run(
        Path::new(OAKFIELD),
        AS_OF,
        &["report", "effectiveness", "--format", "html"],
    );
    assert!(html.contains("<svg"));
}

/// The figures the information report quotes in "evaluating effectiveness": Oakfield's plans
/// reviewed from 1 September 2025 to 23 July 2026, counted by hand from the cycle files (14
/// reviews; their plans' 22 outcomes: 6 achieved, 10 partly, 6 not achieved), and at the
/// start of the next year, when so few have been reviewed that no outcome count is given.
#[test]
fn the_information_report_quotes_the_effectiveness_figures_with_small_counts_suppressed() {
    let md = run(
        Path::new(OAKFIELD),
        "2026-07-23",
        &["report", "information"],
    );
    assert!(
        md.contains("From 1 September 2025 to 23 July 2026 we reviewed 14 plans of support with parents, with 22 outcomes between them: 6 achieved (27%), 10 partly achieved (45%) and 6 not yet achieved (27%)."),
        "{md}"
    );
    let md = run(Path::new(OAKFIELD), AS_OF, &["report", "information"]);
    assert!(
        md.contains("From 1 September 2026 to 23 November 2026 we reviewed fewer than 5 plans of support with parents: too few to say in numbers how their outcomes went"),
        "{md}"
    );
    // The two-pupil school: two reviews, one outcome of each judgement; nothing small shown.
    let dir = small_school();
    let loaded = sen::load::load(dir.path(), d("2026-07-20"));
    let e = oversight::effectiveness_summary(&loaded.records, d("2026-07-20"));
    assert!(e.any && !e.figures);
    assert_eq!(e.reviews, "fewer than 5");
    assert_eq!(e.outcomes, "withheld");
    for j in [&e.achieved, &e.partly, &e.not_achieved] {
        assert_eq!(
            (j.shown.as_str(), j.share.as_deref()),
            ("fewer than 5", None)
        );
    }
    let md = run(dir.path(), "2026-07-20", &["report", "information"]);
    assert!(md.contains("we reviewed fewer than 5 plans"), "{md}");
    assert!(!md.contains("1 achieved") && !md.contains("33%"), "{md}");
}
