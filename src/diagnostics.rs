//! Printing findings for a person: `invalid` ones like a compiler (file, line, the offending
//! line with a marker, how to fix it), the rest as a table, most urgent first, and a
//! one-line summary.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use comfy_table::{ContentArrangement, Table, presets};

use crate::dates::uk;
use crate::findings::{Counts, Finding, Kind};

const ERROR: Style = AnsiColor::Red.on_default().bold();
const BOLD: Style = Style::new().bold();
const BLUE: Style = AnsiColor::Blue.on_default().bold();

/// One `invalid` finding, compiler style.
pub fn render_invalid(f: &Finding) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{ERROR}error[{}]{ERROR:#}{BOLD}: {}{BOLD:#}",
        f.rule.id(),
        f.message
    );
    let place = match (&f.file, f.line, f.col) {
        (Some(file), Some(l), Some(c)) => format!("{file}:{l}:{c}"),
        (Some(file), Some(l), None) => format!("{file}:{l}"),
        (Some(file), None, _) => file.clone(),
        (None, _, _) => match &f.pupil {
            Some(p) => format!("pupils/{p}"),
            None => String::new(),
        },
    };
    let gutter = f.line.map_or(1, |l| l.to_string().len());
    let pad = " ".repeat(gutter);
    if !place.is_empty() {
        let _ = writeln!(out, "{pad}{BLUE}-->{BLUE:#} {place}");
    }
    match (&f.source_line, f.line) {
        (Some(src), Some(line)) => {
            let (src, col) = clip(src, f.col.unwrap_or(0) as usize);
            let src = src.as_str();
            let (start, width) = marker(src, col);
            let _ = writeln!(out, "{pad} {BLUE}|{BLUE:#}");
            let _ = writeln!(out, "{BLUE}{line} |{BLUE:#} {src}");
            let label = f.help.as_deref().map_or(String::new(), |h| format!(" {h}"));
            let _ = writeln!(
                out,
                "{pad} {BLUE}|{BLUE:#} {}{ERROR}{}{ERROR:#}{label}",
                " ".repeat(start),
                "^".repeat(width)
            );
        }
        _ => {
            if let Some(help) = &f.help {
                let _ = writeln!(out, "{pad} {BLUE}={BLUE:#} help: {help}");
            }
        }
    }
    out
}

/// The longest source line shown whole. A generated or corrupted file can put megabytes on
/// one line; a terminal needs only the part around the problem.
const MAX_SHOWN: usize = 100;

/// The part of `line` worth showing, and the column (1-based, 0 for none) within it: the line
/// itself when short, else up to [`MAX_SHOWN`] characters from a little before `col`,
/// with `...` where text was cut.
fn clip(line: &str, col: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= MAX_SHOWN {
        return (line.to_string(), col);
    }
    let from = col.saturating_sub(1).saturating_sub(20).min(chars.len());
    let to = (from + MAX_SHOWN).min(chars.len());
    let mut shown = String::new();
    let mut shift = 0;
    if from > 0 {
        shown.push_str("...");
        shift = 3;
    }
    shown.extend(&chars[from..to]);
    if to < chars.len() {
        shown.push_str("...");
    }
    let col = if col == 0 { 0 } else { col - from + shift };
    (shown, col)
}

/// Where the marker starts (in characters) and how wide it is: the word at `col` (1-based),
/// or the whole trimmed line when there is no column.
fn marker(line: &str, col: usize) -> (usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    let start = if col >= 1 && col <= chars.len() {
        col - 1
    } else {
        chars.iter().take_while(|c| c.is_whitespace()).count()
    };
    let rest = &chars[start.min(chars.len())..];
    let mut width = if rest.first().is_some_and(|c| *c == '"' || *c == '\'') {
        rest.len()
    } else {
        let key = rest
            .iter()
            .position(|c| *c == ':')
            .filter(|i| rest.get(i + 1).is_none_or(|c| c.is_whitespace()));
        match key {
            Some(i) if col >= 1 && i > 0 && !rest[..i].iter().any(|c| c.is_whitespace()) => i,
            // A plain value ends at the end of the line, or at `,` `}` `]` in a flow mapping.
            _ => rest
                .iter()
                .position(|c| matches!(c, ',' | '}' | ']'))
                .filter(|_| !matches!(rest.first(), Some('{' | '[')))
                .unwrap_or_else(|| {
                    rest.iter()
                        .rposition(|c| !c.is_whitespace())
                        .map_or(0, |i| i + 1)
                }),
        }
    };
    if let Some(comment) = rest.iter().collect::<String>().find(" #") {
        width = width.min(
            rest[..].iter().collect::<String>()[..comment]
                .chars()
                .count(),
        );
    }
    (start, width.max(1))
}

/// The findings other than `invalid` as a table that fits `width` columns (the terminal's):
/// the message column is wrapped to what the others leave. When that is under
/// [`MIN_MESSAGE`] columns, the table folds to three columns (the due date under the kind,
/// the rule and its paragraphs under the message) so it still fits an 80-column terminal.
/// Only a pupil id too long for the width can push it wider.
pub fn table(findings: &[&Finding], color: bool, width: usize) -> String {
    let rows: Vec<Row> = findings.iter().map(|f| Row::of(f)).collect();
    let (wide, message_width) = fit(&rows, width);
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    t.set_content_arrangement(ContentArrangement::Disabled);
    if wide {
        t.set_header(["", "due", "pupil", "what", "rule, Code §"]);
    } else {
        t.set_header(["", "pupil", "what (rule, Code §)"]);
    }
    for r in rows {
        t.add_row(r.cells(wide, message_width, color));
    }
    // The caller has decided (--color, NO_COLOR, the terminal); comfy-table must not guess.
    if color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t.to_string()
}

/// One finding as the table's words.
struct Row {
    when: String,
    kind: Kind,
    due: String,
    who: String,
    message: String,
    rule: String,
    paragraphs: String,
}

impl Row {
    fn of(f: &Finding) -> Row {
        Row {
            when: match (f.kind, f.days) {
                (Kind::Overdue, Some(d)) => format!("overdue {}", days(d)),
                (Kind::Overdue, None) => "overdue".to_string(),
                (Kind::Due, Some(0)) => "due today".to_string(),
                (Kind::Due, Some(d)) => format!("due in {}", days(d)),
                (Kind::Late, Some(d)) => format!("late by {}", days(d)),
                (k, _) => k.id().to_string(),
            },
            kind: f.kind,
            due: f.due.map(uk).unwrap_or_default(),
            who: match (&f.pupil, f.rule.owner()) {
                (Some(p), crate::findings::Owner::La) => format!("{p} (LA)"),
                (Some(p), _) => p.clone(),
                (None, _) => "school".to_string(),
            },
            message: f.message.clone(),
            rule: f.rule.id().to_string(),
            paragraphs: f.rule.paragraphs().join(", "),
        }
    }

    /// The row's cells: five columns when `wide`, else three (the date under the kind, the
    /// rule under the message).
    fn cells(self, wide: bool, message_width: usize, color: bool) -> Vec<comfy_table::Cell> {
        let when = if wide || self.due.is_empty() {
            self.when
        } else {
            format!("{}\n{}", self.when, self.due)
        };
        let mut kind = comfy_table::Cell::new(when);
        if color {
            kind = kind.fg(match self.kind {
                Kind::Overdue => comfy_table::Color::Red,
                Kind::Due => comfy_table::Color::Yellow,
                Kind::Late => comfy_table::Color::Magenta,
                _ => comfy_table::Color::Cyan,
            });
        }
        if wide {
            return vec![
                kind,
                comfy_table::Cell::new(self.due),
                comfy_table::Cell::new(self.who),
                comfy_table::Cell::new(wrap(&self.message, message_width)),
                comfy_table::Cell::new(format!("{}\n{}", self.rule, self.paragraphs)),
            ];
        }
        let rule = if self.paragraphs.is_empty() {
            format!("({})", self.rule)
        } else {
            format!("({}; {})", self.rule, self.paragraphs)
        };
        vec![
            kind,
            comfy_table::Cell::new(self.who),
            comfy_table::Cell::new(format!(
                "{}\n{}",
                wrap(&self.message, message_width),
                wrap(&rule, message_width)
            )),
        ]
    }
}

/// Whether the five-column table fits `width` with a message column of at least
/// [`MIN_MESSAGE`], and how wide the message column is.
fn fit(rows: &[Row], width: usize) -> (bool, usize) {
    let widest = |get: &dyn Fn(&Row) -> usize, header: usize| {
        rows.iter().map(get).max().unwrap_or(0).max(header)
    };
    let chars = |s: &str| s.chars().count();
    let w_when = widest(&|r| chars(&r.when), 0);
    let w_due = widest(&|r| chars(&r.due), 3);
    let w_who = widest(&|r| chars(&r.who), 5);
    let w_rule = widest(&|r| chars(&r.rule).max(chars(&r.paragraphs)), 12);
    // Each column adds a border and a space either side: 3 columns, then one more border.
    let frame = |columns: usize| columns * 3 + 1;
    let wide_message = width.saturating_sub(w_when + w_due + w_who + w_rule + frame(5));
    let wide = wide_message >= MIN_MESSAGE;
    let message_width = if wide {
        wide_message
    } else {
        width
            .saturating_sub(w_when.max(w_due) + w_who + frame(3))
            .max(MIN_MESSAGE.min(24))
    };
    (wide, message_width)
}

/// The narrowest message column of the five-column table; narrower, the table folds.
const MIN_MESSAGE: usize = 30;

/// Wrap `text` at word boundaries to lines of at most `width` characters; a word longer
/// than a line is broken across lines.
pub fn wrap(text: &str, width: usize) -> String {
    let width = width.max(1);
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        if line > 0 && line + 1 + word.len() > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        while word.len() > width - line {
            let rest = word.split_off(width - line);
            out.extend(word);
            out.push('\n');
            line = 0;
            word = rest;
        }
        line += word.len();
        out.extend(word);
    }
    out
}

fn days(d: i64) -> String {
    if d == 1 {
        "1 day".into()
    } else {
        format!("{d} days")
    }
}

/// "3 overdue, 2 due in the next 14 days, 1 advice across 42 pupils on the register".
/// `to_fix` pupils more have records that cannot be read far enough to count (see
/// `commands::pupils_to_fix`): the sentence says so.
pub fn summary(counts: &Counts, window: u32, on_register: usize, to_fix: usize) -> String {
    let mut parts = Vec::new();
    let mut add = |n: usize, what: String| {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    };
    add(counts.invalid, "invalid".into());
    add(counts.overdue, "overdue".into());
    add(counts.due, format!("due in the next {window} days"));
    add(counts.late, "late".into());
    add(counts.incomplete, "incomplete".into());
    add(counts.advice, "advice".into());
    let pupils = if on_register == 1 {
        "pupil".to_string()
    } else {
        "pupils".to_string()
    };
    let more = match to_fix {
        0 => String::new(),
        1 => "; 1 more pupil has records that need fixing before sen can count them".to_string(),
        n => format!("; {n} more pupils have records that need fixing before sen can count them"),
    };
    if parts.is_empty() {
        format!("nothing to report across {on_register} {pupils} on the register{more}")
    } else {
        format!(
            "{} across {on_register} {pupils} on the register{more}",
            parts.join(", ")
        )
    }
}

/// A failure that stops the tool: `error:` and its `caused by:` chain.
pub fn render_error(e: &anyhow::Error) -> String {
    let mut out = format!("error: {e}");
    for cause in e.chain().skip(1) {
        let _ = write!(out, "\n  caused by: {cause}");
    }
    // An error may quote a file name or a value: nothing it prints can drive a terminal.
    crate::yaml::printable(&out).into_owned()
}

/// True when an error is only that the reader of standard output went away.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Rule;

    #[test]
    fn invalid_finding_points_at_the_key() {
        let mut f = Finding::new(Rule::Schema, Kind::Invalid, "unknown key `reveiw_due`")
            .at("pupils/amara-okafor/cycles/2026-09-15.yaml", Some(14))
            .help("did you mean `review_due`?");
        f.col = Some(3);
        f.source_line = Some("  reveiw_due: 2026-11-20".into());
        let text = anstream::adapter::strip_str(&render_invalid(&f)).to_string();
        assert_eq!(
            text,
            "error[schema]: unknown key `reveiw_due`\n  --> pupils/amara-okafor/cycles/2026-09-15.yaml:14:3\n   |\n14 |   reveiw_due: 2026-11-20\n   |   ^^^^^^^^^^ did you mean `review_due`?\n"
        );
    }

    #[test]
    fn a_huge_line_is_clipped_around_the_column() {
        let mut f = Finding::new(Rule::Schema, Kind::Invalid, "x").at("a.yaml", Some(1));
        let long = format!("name: {}b", "[".repeat(5000));
        f.col = Some(5007);
        f.source_line = Some(long);
        let text = anstream::adapter::strip_str(&render_invalid(&f)).to_string();
        assert!(
            text.lines().all(|l| l.chars().count() < 2 * MAX_SHOWN),
            "{text}"
        );
        assert!(text.contains("...[[[[[[[[[[[[[[[[[[[[b\n"), "{text}");
        let (shown, col) = clip("short: 1", 8);
        assert_eq!((shown.as_str(), col), ("short: 1", 8));
    }

    #[test]
    fn summary_reads_as_a_sentence() {
        let c = Counts {
            overdue: 3,
            due: 2,
            advice: 1,
            ..Counts::default()
        };
        assert_eq!(
            summary(&c, 14, 42, 0),
            "3 overdue, 2 due in the next 14 days, 1 advice across 42 pupils on the register"
        );
    }

    #[test]
    fn summary_counts_the_pupils_whose_records_need_fixing() {
        let c = Counts {
            invalid: 4,
            ..Counts::default()
        };
        assert_eq!(
            summary(&c, 14, 8, 4),
            "4 invalid across 8 pupils on the register; 4 more pupils have records that need fixing before sen can count them"
        );
        assert!(
            summary(&c, 14, 8, 1)
                .ends_with("; 1 more pupil has records that need fixing before sen can count them")
        );
    }

    #[test]
    fn wrap_breaks_at_words_and_splits_a_word_longer_than_the_line() {
        assert_eq!(
            wrap("the record of the meeting", 10),
            "the record\nof the\nmeeting"
        );
        assert_eq!(
            wrap("`accessibility_and_admissions` is", 12),
            "`accessibili\nty_and_admis\nsions` is"
        );
    }
}
