//! The one place that talks to the YAML parser (serde-saphyr), so it can be swapped.
//!
//! It turns text into raw record types, wraps values in [`Loc`] so later checks can point at
//! the line of a value, and maps the parser's errors onto `sen`'s two validity codes: `yaml`
//! (the text is not YAML) and `schema` (YAML, but not the shape records.md describes).

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{Deserialize, DeserializeOwned, Deserializer};
use serde_saphyr::{Error, Spanned};

/// A value with the 1-based line and column where it stands in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loc<T> {
    pub value: T,
    pub line: u32,
    pub col: u32,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Loc<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<T>::deserialize(deserializer)?;
        Ok(Loc {
            value: spanned.value,
            line: u32::try_from(spanned.referenced.line()).unwrap_or(u32::MAX),
            col: u32::try_from(spanned.referenced.column()).unwrap_or(u32::MAX),
        })
    }
}

impl<T: JsonSchema> JsonSchema for Loc<T> {
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
    fn inline_schema() -> bool {
        T::inline_schema()
    }
}

/// Which validity code a parse failure belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Not valid YAML 1.2 (syntax, duplicate key, encoding, a resource limit).
    Yaml,
    /// Valid YAML that does not fit the record's shape.
    Schema,
}

/// A parse failure, located and worded for a person.
#[derive(Debug, Clone)]
pub struct ParseError {
    pub failure: Failure,
    pub line: Option<u32>,
    pub col: Option<u32>,
    pub message: String,
    pub help: Option<String>,
}

/// Limits that keep a hostile or broken file from exhausting time or memory.
/// Records are small: a pupil file is a few kilobytes.
fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_nodes: 200_000,
            max_events: 400_000,
            max_documents: 1,
            max_total_scalar_bytes: 8 * 1024 * 1024,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 100_000,
            max_alias_expansions_per_anchor: 1_000,
        },
        strict_booleans: true,
        reject_unsupported_tags: true,
        with_snippet: false,
    }
}

/// The deepest nesting `sen` reads; a record is never more than a few levels deep.
const MAX_DEPTH: usize = 64;

/// Parse one record file. `text` is already UTF-8 with any byte-order mark removed.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    if is_blank(text) {
        return Err(ParseError {
            failure: Failure::Schema,
            line: None,
            col: None,
            message: "the file is empty".to_string(),
            help: Some("write the record's keys, or delete the file".to_string()),
        });
    }
    // A control character typed into the file itself (records.md makes it a `schema`
    // finding, not a YAML one, wherever it stands), at its line and column.
    if let Some((i, c)) = text.char_indices().find(|(_, c)| forbidden_control(*c)) {
        let before = &text[..i];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        return Err(control_error(c, line, col));
    }
    // Every tag begins with `!`, and a control character is either in the text itself or
    // written as a `\` escape in a quoted value: a file with none of these needs no pass
    // over its events (most records).
    if (text.contains('!') || text.contains('\\'))
        && let Some(e) = scan(text).tag
    {
        return Err(e);
    }
    serde_saphyr::from_str_with_options(text, options()).map_err(|e| {
        let described = describe(&e);
        // serde-saphyr reads lazily, so a value of the wrong shape before a syntax error is
        // met first; a file that is not YAML is a `yaml` finding, whatever else is wrong.
        match described.failure {
            Failure::Schema => scan(text).syntax.unwrap_or(described),
            Failure::Yaml => described,
        }
    })
}

/// The `schema` error for a control character at a line and column.
fn control_error(c: char, line: usize, col: usize) -> ParseError {
    ParseError {
        failure: Failure::Schema,
        line: Some(u32::try_from(line).unwrap_or(u32::MAX)),
        col: Some(u32::try_from(col).unwrap_or(u32::MAX)),
        message: if !unseen_hazard(c) {
            format!(
                "a control character (U+{:04X}) in the text: it could rewrite a terminal or a printed page",
                u32::from(c)
            )
        } else if u32::from(c) & 0xFFFE == 0xFFFE || (0xFDD0..=0xFDEF).contains(&u32::from(c)) {
            format!(
                "a noncharacter (U+{:04X}) in the text: it is no letter of any language, and Word may refuse a document that holds it",
                u32::from(c)
            )
        } else {
            format!(
                "a bidirectional control character (U+{:04X}) in the text: it makes text read one way on screen and another in the file",
                u32::from(c)
            )
        },
        help: Some(
            "delete it; text may hold tabs and line breaks, nothing else unseen".to_string(),
        ),
    }
}

/// A character records may not hold (records.md): every control character but tab and
/// line breaks, the bidirectional controls, and the noncharacters. The one test of it:
/// everything that takes text into the records (the loader, import) asks here.
pub fn forbidden_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || unseen_hazard(c)
}

/// The characters records.md (0.3) adds to the control characters: the bidirectional
/// controls (U+202A to U+202E, U+2066 to U+2069), which make text read one way on screen
/// and another in a file, and the noncharacters (U+FDD0 to U+FDEF, and the last two code
/// points of every plane), which no document format need hold and XML 1.0 forbids in part.
pub fn unseen_hazard(c: char) -> bool {
    let n = u32::from(c);
    matches!(n, 0x202A..=0x202E | 0x2066..=0x2069 | 0xFDD0..=0xFDEF) || n & 0xFFFE == 0xFFFE
}

/// `text` with every control character but tab and newline, and every character of
/// [`unseen_hazard`], shown as `\u{..}`: whatever a record, a file name or a message holds,
/// nothing `sen` prints can drive a terminal or turn a line around.
pub fn printable(text: &str) -> Cow<'_, str> {
    let shown_escaped = |c: char| (c.is_control() && !matches!(c, '\t' | '\n')) || unseen_hazard(c);
    if !text.chars().any(shown_escaped) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if shown_escaped(c) {
                    format!("\\u{{{:x}}}", u32::from(c))
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// Nothing but blank lines and comments: YAML reads it as null, which is no record.
fn is_blank(text: &str) -> bool {
    text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#')
    })
}

/// What a pass over the parser's events found, each at its line.
struct Scan {
    /// The first explicit tag, as a `schema` error.
    tag: Option<ParseError>,
    /// The first syntax error, as a `yaml` error.
    syntax: Option<ParseError>,
}

/// Records hold plain values. serde-saphyr quietly decodes `!!binary` into text and lets some
/// core tags through, so a record could hold a value nobody can read in the file: every
/// explicit tag is refused, at its line. The same pass finds the first syntax error. It stops
/// past [`MAX_DEPTH`], leaving deeper nesting to the real parse's budget.
fn scan(text: &str) -> Scan {
    use serde_saphyr::granit_parser::{Event, Parser};
    let mut depth = 0usize;
    for item in Parser::new_from_str(text) {
        let (event, span) = match item {
            Ok(e) => e,
            Err(e) => {
                let marker = e.marker();
                let mut info = e.info();
                if info.contains("recursion limit") {
                    info = "the file is nested too deeply to be a record".to_string();
                }
                return Scan {
                    tag: None,
                    syntax: Some(ParseError {
                        failure: Failure::Yaml,
                        line: u32::try_from(marker.line()).ok().filter(|l| *l > 0),
                        col: u32::try_from(marker.col() + 1).ok(),
                        message: lower_first(strip_location(&info).trim()),
                        help: None,
                    }),
                };
            }
        };
        if let Event::Scalar(value, ..) = &event
            && let Some(c) = value.chars().find(|c| forbidden_control(*c))
        {
            return Scan {
                tag: Some(control_error(c, span.start.line(), span.start.col() + 1)),
                syntax: None,
            };
        }
        let tag = match &event {
            Event::Scalar(_, _, _, tag) => tag.as_ref(),
            Event::SequenceStart(_, _, tag) | Event::MappingStart(_, _, tag) => {
                depth += 1;
                tag.as_ref()
            }
            Event::SequenceEnd | Event::MappingEnd => {
                depth = depth.saturating_sub(1);
                None
            }
            _ => None,
        };
        if depth > MAX_DEPTH {
            break;
        }
        if let Some(tag) = tag {
            let line = u32::try_from(span.start.line()).unwrap_or(u32::MAX);
            let col = u32::try_from(span.start.col() + 1).unwrap_or(u32::MAX);
            let shown = tag.to_string().replace("tag:yaml.org,2002:", "!!");
            return Scan {
                tag: Some(ParseError {
                    failure: Failure::Schema,
                    line: Some(line),
                    col: Some(col),
                    message: format!(
                        "YAML tag `{shown}`: records hold plain values, not tagged ones"
                    ),
                    help: Some("remove the tag and write the value itself".to_string()),
                }),
                syntax: None,
            };
        }
    }
    Scan {
        tag: None,
        syntax: None,
    }
}

fn describe(error: &Error) -> ParseError {
    let inner = error.without_snippet();
    let (line, col) = match inner.location() {
        Some(l) if l.line() > 0 => (
            Some(u32::try_from(l.line()).unwrap_or(u32::MAX)),
            Some(u32::try_from(l.column()).unwrap_or(u32::MAX)),
        ),
        _ => (None, None),
    };
    let mut help = None;
    let (failure, message) = match inner {
        Error::SerdeUnknownField {
            field, expected, ..
        } => {
            help = Some(match closest(field, expected) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("the keys allowed here are {}", list(expected)),
            });
            (Failure::Schema, format!("unknown key `{field}`"))
        }
        Error::SerdeMissingField { field, .. } => {
            help = Some(format!("add `{field}:` with its value"));
            (Failure::Schema, format!("missing required key `{field}`"))
        }
        Error::SerdeUnknownVariant {
            variant, expected, ..
        } => {
            help = Some(match closest(variant, expected) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("write one of {}", list(expected)),
            });
            (Failure::Schema, format!("unknown value `{variant}`"))
        }
        Error::SerdeInvalidType {
            unexpected,
            expected,
            ..
        } => (
            Failure::Schema,
            format!("expected {}, found {unexpected}", plain_expected(expected)),
        ),
        Error::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => (
            Failure::Schema,
            format!("expected {}, found {unexpected}", plain_expected(expected)),
        ),
        Error::NullIntoString { .. } => (
            Failure::Schema,
            "a value is required here, but it is empty".to_string(),
        ),
        Error::InvalidScalar { ty, .. } => {
            (Failure::Schema, format!("expected {}", plain_expected(ty)))
        }
        Error::InvalidBooleanStrict { .. } => {
            (Failure::Schema, "expected `true` or `false`".to_string())
        }
        Error::UnsupportedTag { .. } | Error::TaggedScalarCannotDeserializeIntoString { .. } => {
            help = Some("remove the `!` tag: records use plain values".to_string());
            (
                Failure::Schema,
                "YAML tags are not used in records".to_string(),
            )
        }
        Error::DuplicateMappingKey { key, .. } => {
            help = Some("keep one of them".to_string());
            let what = key
                .as_deref()
                .map_or_else(|| "a key".to_string(), |k| format!("`{k}`"));
            (
                Failure::Yaml,
                format!("duplicate key: {what} appears twice"),
            )
        }
        Error::Budget { breach, .. } => (
            Failure::Yaml,
            format!("the file is too deeply nested or too large to be a record ({breach:?})"),
        ),
        Error::AliasReplayLimitExceeded { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayStackDepthExceeded { .. }
        | Error::AliasReplayCounterOverflow { .. } => (
            Failure::Yaml,
            "too many aliases (`*name`): records never need this many".to_string(),
        ),
        Error::InvalidUtf8Input => (Failure::Yaml, "the file is not UTF-8 text".to_string()),
        Error::MultipleDocuments { .. } => {
            help = Some("a record file holds one document: remove the extra `---`".to_string());
            (Failure::Yaml, "more than one YAML document".to_string())
        }
        Error::Message { msg, .. } => (Failure::Schema, msg.clone()),
        // Valid YAML of the wrong shape: a mapping or a text where a list belongs, and so on.
        Error::Unexpected { expected, .. } => {
            help = match *expected {
                "sequence start" => {
                    Some("write each entry on its own line starting with `- `".to_string())
                }
                "mapping start" => Some("write `key: value` lines here".to_string()),
                "scalar" | "string scalar" | "value" => {
                    Some("write one value here, not a list or a mapping".to_string())
                }
                _ => None,
            };
            (
                Failure::Schema,
                format!(
                    "expected {}",
                    match *expected {
                        "sequence start" => "a list (lines starting with `- `)",
                        "mapping start" => "a mapping of keys",
                        "scalar" | "string scalar" | "value" => "a single value",
                        _ => "a value of another shape",
                    }
                ),
            )
        }
        other => {
            let text = other.to_string();
            let text = strip_location(&text);
            (Failure::Yaml, lower_first(&text))
        }
    };
    ParseError {
        failure,
        line,
        col,
        message,
        help,
    }
}

/// serde-saphyr appends " at line X column Y" to some messages; `sen` prints the location itself.
fn strip_location(text: &str) -> String {
    let first = text.lines().next().unwrap_or("");
    match first.find(" at line ") {
        Some(i) => first[..i].to_string(),
        None => first.to_string(),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn plain_expected(expected: &str) -> String {
    match expected {
        "a string" | "string" => "text".to_string(),
        "a sequence" => "a list (lines starting with `- `)".to_string(),
        "a map" | "struct" | "a mapping" => "a mapping of keys".to_string(),
        "a boolean" | "bool" => "`true` or `false`".to_string(),
        "u8" | "u16" | "u32" | "u64" | "i64" | "i32" | "usize" => "a whole number".to_string(),
        "f64" | "f32" => "a number".to_string(),
        other if other.starts_with("struct ") => "a mapping of keys".to_string(),
        other => other.to_string(),
    }
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The known word nearest to `word`, if it is near enough to be a typo.
pub fn closest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (levenshtein(word, k), *k))
        .filter(|(d, k)| *d <= (k.len().max(word.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Cycle {
        started: Loc<String>,
        plan: Option<Loc<Plan>>,
    }
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Plan {
        review_due: Option<Loc<String>>,
        agreed: Option<Loc<String>>,
    }

    #[test]
    fn values_carry_their_line_and_column() {
        let c: Cycle = parse("started: 2026-09-15\nplan:\n  agreed: 2026-09-20\n").unwrap();
        assert_eq!((c.started.line, c.started.col), (1, 10));
        let plan = c.plan.unwrap();
        assert_eq!(plan.line, 3);
        assert_eq!(plan.value.agreed.unwrap().line, 3);
    }

    #[test]
    fn misspelt_key_suggests_the_nearest() {
        let e =
            parse::<Cycle>("started: 2026-09-15\nplan:\n  reveiw_due: 2026-10-01\n").unwrap_err();
        assert_eq!(e.failure, Failure::Schema);
        assert_eq!(e.message, "unknown key `reveiw_due`");
        assert_eq!(e.help.as_deref(), Some("did you mean `review_due`?"));
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn duplicate_key_is_a_yaml_error() {
        let e = parse::<Cycle>("started: 2026-09-15\nstarted: 2026-09-16\n").unwrap_err();
        assert_eq!(e.failure, Failure::Yaml);
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn syntax_error_is_located() {
        let e = parse::<Cycle>("started: [2026-09-15\n").unwrap_err();
        assert_eq!(e.failure, Failure::Yaml);
        assert!(e.line.is_some());
    }

    #[test]
    fn missing_required_key_is_a_schema_error() {
        let e = parse::<Cycle>("plan: {}\n").unwrap_err();
        assert_eq!(e.failure, Failure::Schema);
        assert_eq!(e.message, "missing required key `started`");
    }

    #[test]
    fn billion_laughs_is_refused() {
        let mut y = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            y.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let e = parse::<serde_json::Value>(&y).unwrap_err();
        assert_eq!(e.failure, Failure::Yaml);
    }
}
