//! `sen calendar`: every `due` and `overdue` finding over the next 365 days as an all-day
//! event in an iCalendar file, so review dates reach the school's calendar.
//!
//! The file is a pure function of the records and the as-of date: each event's UID is a
//! hash of what the finding is about (rule, pupil, file, due date) and its DTSTAMP is the
//! as-of date, so exporting unchanged records gives a byte-identical file, and a calendar
//! that subscribes to it updates events in place instead of duplicating them. An overdue
//! finding's event sits on its due date (in the past), not on today. A finding without a
//! due date (an information report never published) has no day to sit on and is left to
//! `sen check`.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use anyhow::Result;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::cli::CalendarArgs;
use crate::dates::{add_days, iso, uk};
use crate::findings::{Finding, Kind};
use crate::load::Loaded;
use crate::settings::Ctx;

/// How far ahead the calendar reaches, in days (cli.md).
pub const WINDOW: u32 = 365;

pub fn run(args: &CalendarArgs, ctx: &Ctx) -> Result<i32> {
    let (loaded, findings, _) = crate::commands::evaluate(ctx, Some(WINDOW))?;
    let invalid = findings.iter().filter(|f| f.kind == Kind::Invalid).count();
    let text = render(&loaded, &findings, ctx.as_of);
    match crate::render::out_file(args.out.as_deref()) {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
        Some(path) => {
            // Never over a record: the same refusal as report and letter (tests/it/no_modification.rs).
            crate::render::check_output_path(Some(&loaded.records.root), path)?;
            crate::render::write_atomic(Some(&loaded.records.root), path, &text)?;
            println!("{}", path.display());
        }
    }
    if invalid > 0 {
        eprintln!(
            "warning: {invalid} invalid finding{} in the records: what they hide is missing from the calendar\n  help: run `sen check` and fix them",
            if invalid == 1 { "" } else { "s" }
        );
    }
    Ok(0)
}

/// The findings that become events: `due` and `overdue`, with a due date.
pub fn dated(findings: &[Finding]) -> impl Iterator<Item = &Finding> {
    findings
        .iter()
        .filter(|f| matches!(f.kind, Kind::Due | Kind::Overdue))
        .filter(|f| f.due.is_some())
}

/// The stable UID of a finding's event: a hash of what it is about, so the same duty keeps
/// its UID while it moves from `due` to `overdue` or its message is reworded.
pub fn uid(f: &Finding) -> String {
    event_uid(&[
        f.rule.id(),
        f.pupil.as_deref().unwrap_or(""),
        f.file.as_deref().unwrap_or(""),
        &f.due.map(iso).unwrap_or_default(),
    ])
}

/// An event's UID from what it is about: the first half of a SHA-256 of the parts, in hex.
fn event_uid(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for part in parts {
        h.update(part.as_bytes());
        // A separator no id or path holds, so ("a", "bc") and ("ab", "c") differ.
        h.update([0u8]);
    }
    format!("{}@sen", crate::write::hex(&h.finalize()[..16]))
}

/// The iCalendar text for the findings, as on `as_of`.
pub fn render(loaded: &Loaded, findings: &[Finding], as_of: NaiveDate) -> String {
    let names = names(loaded);
    let school = if loaded.records.school.name.is_empty() {
        "the school".to_string()
    } else {
        loaded.records.school.name.clone()
    };
    let stamp = format!("{}T000000Z", as_of.format("%Y%m%d"));

    let mut cal = Ics::default();
    cal.line("BEGIN", "VCALENDAR");
    cal.line("VERSION", "2.0");
    cal.text("PRODID", "-//sen//SEN records//EN");
    cal.line("CALSCALE", "GREGORIAN");
    cal.line("METHOD", "PUBLISH");
    // The calendar's name: RFC 7986's NAME, and the X-WR-CALNAME older readers know.
    cal.text("NAME", &format!("SEN duties: {school}"));
    cal.text("X-WR-CALNAME", &format!("SEN duties: {school}"));

    let mut seen = HashSet::new();
    for f in dated(findings) {
        let Some(due) = f.due else { continue };
        let mut id = uid(f);
        // Two findings about the same thing on the same day would share a UID; keep both.
        let mut n = 1;
        while !seen.insert(id.clone()) {
            n += 1;
            id = format!("{}-{n}", uid(f));
        }
        let (summary, description) = duty_words(f, &names, &school);
        cal.event(&id, &stamp, &summary, &description, due);
    }
    for p in preparation(loaded, as_of) {
        let who = names
            .get(p.pupil)
            .map_or_else(|| p.pupil.to_string(), |(full, _)| full.clone());
        let mut description = format!("{}\n\nThe record: {}", p.what, p.file);
        if p.step != Step::Meeting {
            description.push_str("\nSEND Code of Practice: 9.176, reg 20.");
        }
        let summary = format!("{who}: {}", p.step.title());
        cal.event(&p.uid(), &stamp, &summary, &description, p.day);
    }
    cal.line("END", "VCALENDAR");
    cal.out
}

/// Each pupil's full name (an event's title) and the name they are known by (its words), by
/// pupil id.
fn names(loaded: &Loaded) -> HashMap<&str, (String, String)> {
    loaded
        .records
        .pupils
        .iter()
        .filter_map(|f| {
            f.pupil.as_ref().map(|p| {
                (
                    f.id.as_str(),
                    (
                        format!("{} {}", p.known_as(), p.family),
                        p.known_as().to_string(),
                    ),
                )
            })
        })
        .collect()
}

/// An iCalendar text (RFC 5545) being written, one content line at a time.
#[derive(Default)]
struct Ics {
    out: String,
}

impl Ics {
    /// A content line whose value is written as it is (a date, a fixed word).
    fn line(&mut self, name: &str, value: &str) {
        fold(&format!("{name}:{value}"), &mut self.out);
    }

    /// A content line whose value is TEXT, escaped (RFC 5545 3.3.11).
    fn text(&mut self, name: &str, value: &str) {
        self.line(name, &escape(value));
    }

    /// An all-day event on `day`, its properties in name order.
    fn event(&mut self, uid: &str, stamp: &str, summary: &str, description: &str, day: NaiveDate) {
        let date = |d: NaiveDate| d.format("%Y%m%d").to_string();
        self.line("BEGIN", "VEVENT");
        self.text("DESCRIPTION", description);
        self.line("DTEND;VALUE=DATE", &date(add_days(day, 1)));
        self.line("DTSTAMP", stamp);
        self.line("DTSTART;VALUE=DATE", &date(day));
        self.text("SUMMARY", summary);
        self.text("UID", uid);
        self.line("END", "VEVENT");
    }
}

/// A TEXT value escaped (RFC 5545 3.3.11): a backslash, `;` and `,` behind a backslash, a
/// line break as `\n`. Other control characters, which TEXT may not hold, are left out
/// (records refuse them, and messages show them escaped, so none is expected here).
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 16);
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A duty's event: its title and its description, in words for whoever reads the school's
/// calendar (the duty's title, never a rule id).
fn duty_words(
    f: &Finding,
    names: &HashMap<&str, (String, String)>,
    school: &str,
) -> (String, String) {
    let (who, known) = match &f.pupil {
        Some(p) => names
            .get(p.as_str())
            .cloned()
            .unwrap_or_else(|| (p.clone(), p.clone())),
        None => (school.to_string(), school.to_string()),
    };
    let title = crate::rules::table::event_title(f.rule);
    let summary = match f.kind {
        Kind::Overdue => format!("{who}: {title} (overdue)"),
        _ => format!("{who}: {title}"),
    };
    let mut description = crate::rules::words::describe(f, &known);
    // The finding's own words carry the detail (which meeting, which term).
    let mut detail = f.message.chars();
    if let Some(first) = detail.next() {
        description.push_str(&format!(
            "\nIn detail: {}{}.",
            first.to_uppercase(),
            detail.as_str()
        ));
    }
    if !f.rule.paragraphs().is_empty() {
        description.push_str(&format!(
            "\nSEND Code of Practice: {}.",
            f.rule.paragraphs().join(", ")
        ));
    }
    if let Some(file) = &f.file {
        description.push_str(&format!("\nThe record: {file}"));
    }
    (summary, description)
}

/// A step in preparing an annual review (cli.md 0.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    AskForAdvice,
    InviteAndCirculate,
    Meeting,
    Report,
}

impl Step {
    fn id(self) -> &'static str {
        match self {
            Step::AskForAdvice => "ask-for-advice",
            Step::InviteAndCirculate => "invitations-and-advice",
            Step::Meeting => "meeting",
            Step::Report => "report",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Step::AskForAdvice => "Annual review: ask for advice",
            Step::InviteAndCirculate => "Annual review: invitations and advice out",
            Step::Meeting => "Annual review meeting",
            Step::Report => "Annual review: report out",
        }
    }
}

/// One preparation date of a scheduled annual review.
pub struct Prep<'a> {
    pub pupil: &'a str,
    pub file: &'a str,
    pub step: Step,
    pub day: NaiveDate,
    pub what: String,
}

impl Prep<'_> {
    /// Stable while the review's file stays: a meeting moved to another day moves its
    /// events rather than adding new ones.
    fn uid(&self) -> String {
        event_uid(&[
            "annual-review-preparation",
            self.pupil,
            self.file,
            self.step.id(),
        ])
    }
}

/// The preparation dates of each scheduled annual review (a meeting after as-of, within
/// the calendar's year) of each pupil on the register whose annual reviews can be read:
/// ask for advice (meeting − `advice_wanted_days_before` − 21 days, the three weeks the
/// people asked need), invitations and advice circulated (meeting − 14 days, reg 20), the
/// meeting, and the report (meeting + 14 days).
pub fn preparation(loaded: &Loaded, as_of: NaiveDate) -> Vec<Prep<'_>> {
    let before = i64::from(loaded.records.school.settings.advice_wanted_days_before);
    let last = add_days(as_of, i64::from(WINDOW));
    let mut out = Vec::new();
    for folder in &loaded.records.pupils {
        let Some(pupil) = folder.pupil.as_ref() else {
            continue;
        };
        if folder.bad.pupil || folder.bad.annual_reviews || !crate::rules::on_register(pupil, as_of)
        {
            continue;
        }
        for r in &folder.annual_reviews {
            let m = r.meeting.value;
            if m <= as_of || m > last {
                continue;
            }
            let wanted = add_days(m, -before);
            let steps = [
                (
                    Step::AskForAdvice,
                    add_days(wanted, -21),
                    format!(
                        "Send the requests for advice and information for the annual review of {}, asking for it by {}.",
                        uk(m),
                        uk(wanted)
                    ),
                ),
                (
                    Step::InviteAndCirculate,
                    add_days(m, -14),
                    format!(
                        "The last day to send the invitations to the annual review of {}, and the advice gathered, to everyone invited.",
                        uk(m)
                    ),
                ),
                (
                    Step::Meeting,
                    m,
                    "The annual review meeting of the EHC plan.".to_string(),
                ),
                (
                    Step::Report,
                    add_days(m, 14),
                    format!(
                        "The last day to send the report of the annual review of {} to the local authority and everyone invited.",
                        uk(m)
                    ),
                ),
            ];
            for (step, day, what) in steps {
                out.push(Prep {
                    pupil: &folder.id,
                    file: &r.file,
                    step,
                    day,
                    what,
                });
            }
        }
    }
    out
}

/// Append one content line, folded at 75 octets (RFC 5545 3.1) so that no folded line ends
/// in a space, each piece ended by CRLF.
///
/// RFC 5545 lets a fold fall before a space, leaving it at the end of the line, but some
/// readers trim line ends and so join "18 December" as "18December". Folding after the
/// space instead reads the same everywhere.
fn fold(line: &str, out: &mut String) {
    const LIMIT: usize = 75;
    let mut rest = line;
    let mut room = LIMIT;
    loop {
        if rest.len() <= room {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        // Move the fold back past any spaces, unless the whole piece is spaces.
        let trimmed = rest[..cut].trim_end_matches(' ').len();
        if trimmed > 0 {
            cut = trimmed;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        room = LIMIT - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::ymd;
    use crate::findings::Rule;

    #[test]
    fn folded_lines_never_end_in_a_space_and_unfold_to_the_original() {
        let long = format!(
            "DESCRIPTION:{}",
            "which ends 18 December 2026 ".repeat(12).trim_end()
        );
        let mut folded = String::new();
        fold(&long, &mut folded);
        assert!(folded.lines().count() > 3);
        for l in folded.split("\r\n") {
            assert!(l.len() <= 75, "{l}");
            assert!(!l.ends_with(' ') || l.trim().is_empty(), "{l:?}");
        }
        assert_eq!(folded.replace("\r\n ", ""), format!("{long}\r\n"));
        // A fold never splits a character: pieces of two-octet letters stay whole.
        let mut wide = String::new();
        fold(&format!("SUMMARY:{}", "é".repeat(60)), &mut wide);
        assert!(wide.split("\r\n").all(|l| l.len() <= 75));
        assert_eq!(
            wide.replace("\r\n ", ""),
            format!("SUMMARY:{}\r\n", "é".repeat(60))
        );
    }

    #[test]
    fn text_values_are_escaped_as_rfc_5545_asks() {
        assert_eq!(
            escape("St Aidan's, Salford; year 5\\6\nnext\r\nline\rend\u{7}"),
            "St Aidan's\\, Salford\\; year 5\\\\6\\nnext\\nline\\nend"
        );
    }

    #[test]
    fn uid_depends_on_what_the_finding_is_about_not_its_kind() {
        let a = Finding::new(Rule::CycleReview, Kind::Due, "a")
            .pupil("amara-okafor")
            .at("pupils/amara-okafor/cycles/2026-09-15.yaml", Some(3))
            .due(ymd(2026, 11, 20), 2);
        let mut b = a.clone();
        b.kind = Kind::Overdue;
        b.message = "b".into();
        assert_eq!(uid(&a), uid(&b));
        let mut c = a.clone();
        c.due = Some(ymd(2026, 11, 21));
        assert_ne!(uid(&a), uid(&c));
        assert!(uid(&a).ends_with("@sen"));
    }
}
