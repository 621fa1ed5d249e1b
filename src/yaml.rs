//! The one place that talks to the YAML parser (serde-saphyr), so it can be swapped.
//!
//! It turns text into raw record types, wraps values in [`Loc`] so later checks can point at
//! the line of a value, and maps the parser's errors onto `sen`'s two validity codes: `yaml`
//! (the text is not YAML) and `schema` (YAML, but not the shape records.md describes).

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{Deserialize, DeserializeOwned, Deserializer};
use serde_saphyr::{Error, Spanned};

/// A code, a name or a required value as written, with its place (free text that no check
/// points at is a plain `String`: locating every value costs parse time).
pub type Text = Loc<String>;

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
    if let Some((i, c)) = first_forbidden(text) {
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
        let syntax = !matches!(
            e.without_snippet(),
            Error::DuplicateMappingKey { .. }
                | Error::Budget { .. }
                | Error::AliasReplayLimitExceeded { .. }
                | Error::AliasExpansionLimitExceeded { .. }
                | Error::AliasReplayStackDepthExceeded { .. }
                | Error::AliasReplayCounterOverflow { .. }
                | Error::InvalidUtf8Input
                | Error::MultipleDocuments { .. }
        );
        // serde-saphyr reads lazily, so a value of the wrong shape before a syntax error is
        // met first; a file that is not YAML is a `yaml` finding, whatever else is wrong.
        match described.failure {
            Failure::Schema => match scan(text).syntax {
                Some(found) => plain_mistake(text, found),
                // `key:value` is valid YAML (one text) of the wrong shape: say what was meant.
                None => mistake(text, described.line.map_or(usize::MAX, |l| l as usize + 1))
                    .filter(|m| m.message.starts_with("no space after"))
                    .unwrap_or(described),
            },
            Failure::Yaml if syntax => plain_mistake(text, described),
            Failure::Yaml => described,
        }
    })
}

/// A syntax error in the words of the mistake a person makes typing YAML by hand (a tab, an
/// indent that matches no key above, a missing `:` or a missing space after it, a quote or
/// bracket left open), pointing at the line to change: the parser notices later, at the
/// line after the mistake, in its own words. The first such mistake at or before the line
/// the parser stopped at is taken; without one the parser's error stands.
fn plain_mistake(text: &str, parser: ParseError) -> ParseError {
    if parser.message.contains("nested too deeply") {
        return parser;
    }
    // The parser may stop at the end of the line before the mistake (a tab that begins the
    // next line ends the value it was reading): one line more is looked at.
    let limit = parser.line.map_or(usize::MAX, |l| l as usize + 1);
    mistake(text, limit).unwrap_or(parser)
}

/// The first hand-typing mistake on lines 1..=`limit`, if any (see [`plain_mistake`]).
fn mistake(text: &str, limit: usize) -> Option<ParseError> {
    let all: Vec<&str> = text.lines().collect();
    let mut typing = Typing {
        levels: vec![0],
        opened: None,
        block: None,
        skip_to: 0,
    };
    all.iter()
        .enumerate()
        .take(limit)
        .find_map(|(i, raw)| typing.line(&all, i, raw))
}

/// A hand-typing mistake at a line and column, in `sen`'s words.
fn typing_mistake(line: usize, col: usize, message: &str, help: String) -> ParseError {
    ParseError {
        failure: Failure::Yaml,
        line: u32::try_from(line).ok(),
        col: u32::try_from(col).ok(),
        message: message.to_string(),
        help: Some(help),
    }
}

/// How far [`mistake`] has read: the mappings and blocks open at the line it is at.
struct Typing {
    /// Indents of the keys whose mappings are open, innermost last.
    levels: Vec<usize>,
    /// The previous key line opened a block (`key:` with nothing after it) at this indent.
    opened: Option<usize>,
    /// Inside a block scalar (`key: |`) of a key at this indent.
    block: Option<usize>,
    /// A flow collection or quoted value running on over the lines up to this one.
    skip_to: usize,
}

impl Typing {
    /// The mistake on line `i` (0-based) of `all`, if any; else reads past the line.
    fn line(&mut self, all: &[&str], i: usize, raw: &str) -> Option<ParseError> {
        let n = i + 1;
        if n <= self.skip_to {
            return None;
        }
        let line = raw.trim_end_matches('\r');
        let body = line.trim_start_matches([' ', '\t']);
        let indent_text = &line[..line.len() - body.len()];
        if let Some(t) = indent_text.find('\t') {
            return Some(typing_mistake(
                n,
                indent_text[..t].chars().count() + 1,
                "a tab in the indentation: YAML indents with spaces only",
                "replace the tab with spaces, two for each level, lined up with the keys it belongs with".into(),
            ));
        }
        let indent = indent_text.len();
        if body.is_empty() || body.starts_with('#') {
            return None;
        }
        if let Some(b) = self.block {
            if indent > b {
                return None;
            }
            self.block = None;
        }
        if body.starts_with("---") || body.starts_with("...") {
            return None;
        }
        // A list entry: its own key (if any) stands two columns in.
        let (indent, body) = match body.strip_prefix("- ") {
            Some(rest) => {
                let inner = rest.trim_start();
                (indent + 2 + rest.len() - inner.len(), inner)
            }
            None if body == "-" => (indent + 2, ""),
            None => (indent, body),
        };
        let listed = indent != indent_text.len();
        let content = strip_comment(body);
        if let Some((col, what)) = unclosed(content) {
            if let Some(closed) = runs_on(all, i, indent_text.len(), content, what) {
                self.skip_to = closed;
                return None;
            }
            return Some(never_closed(n, indent + col + 1, what));
        }
        let key = key_of(content);
        if let Some(k) = key
            && content.len() > k.len() + 1
            && !content[k.len() + 1..].starts_with([' ', '\t', '/'])
        {
            return Some(typing_mistake(
                n,
                indent + k.len() + 2,
                "no space after the `:`",
                format!(
                    "write a space between the key and its value: `{k}: {}`",
                    &content[k.len() + 1..]
                ),
            ));
        }
        self.key_line(n, indent, listed, content, key)
    }

    /// A line past the checks of its own text: where its key (if any) stands among the open
    /// mappings, and what it opens.
    fn key_line(
        &mut self,
        n: usize,
        indent: usize,
        listed: bool,
        content: &str,
        key: Option<&str>,
    ) -> Option<ParseError> {
        let expects_key =
            !listed && (self.levels.contains(&indent) || self.opened.is_some_and(|o| indent > o));
        if key.is_none() && expects_key && !content.is_empty() && !content.contains(": ") {
            if self.opened.is_none() && !self.levels.contains(&indent) {
                return None;
            }
            return Some(typing_mistake(
                n,
                indent + 1,
                "a key with no `:`",
                "each line here is `key: value`: add the `:` after the key".to_string(),
            ));
        }
        if key.is_none() && !listed {
            // A value running on from the line above, or a plain list entry.
            return None;
        }
        // Where this key stands among the open mappings.
        match self.opened {
            Some(o) if indent > o => self.levels.push(indent),
            _ => {
                if !self.levels.contains(&indent) {
                    return Some(self.misaligned(n, indent));
                }
                while self.levels.last().is_some_and(|l| *l > indent) {
                    self.levels.pop();
                }
            }
        }
        let value = key.map_or("", |k| content[k.len() + 1..].trim());
        self.opened = (key.is_some() && value.is_empty()).then_some(indent);
        if listed && !self.levels.contains(&indent) {
            self.levels.push(indent);
        }
        if matches!(value.chars().next(), Some('|' | '>')) {
            self.block = Some(indent);
            self.opened = None;
        }
        None
    }

    /// A key at an indent that lines up with no open mapping.
    fn misaligned(&self, n: usize, indent: usize) -> ParseError {
        let above = self.levels.last().copied().unwrap_or(0);
        let spaces = |n: usize| {
            if n == 1 {
                "1 space".to_string()
            } else {
                format!("{n} spaces")
            }
        };
        let (message, help) = if indent > above {
            (
                format!(
                    "indented {}, further than the key above it ({})",
                    spaces(indent),
                    spaces(above)
                ),
                "indent the keys of one mapping alike, by the same number of spaces: two for each level is usual".to_string(),
            )
        } else {
            let near = self
                .levels
                .iter()
                .rev()
                .find(|l| **l < indent)
                .copied()
                .unwrap_or(0);
            (
                format!(
                    "indented {}, which lines up with no key above it",
                    spaces(indent)
                ),
                format!(
                    "line it up with the keys it belongs with: {} before it",
                    spaces(near)
                ),
            )
        };
        typing_mistake(n, indent + 1, &message, help)
    }
}

/// A quote, `[` or `{` (`what`) opened at a line and column and never closed.
fn never_closed(n: usize, col: usize, what: char) -> ParseError {
    let (message, help) = match what {
        '"' | '\'' => (
            "a quote that is never closed",
            format!("end the value with `{what}` on the same line, or remove the opening `{what}`"),
        ),
        '[' => (
            "a list in brackets that is never closed",
            "end the list with `]` on the same line: `[a, b]`".to_string(),
        ),
        _ => (
            "a mapping in braces that is never closed",
            "end it with `}` on the same line: `{ given: Sam, family: Jones }`".to_string(),
        ),
    };
    typing_mistake(n, col, message, help)
}

/// Where a bracket or quote left open on line `i` (0-based, its indent `indent`) is closed on
/// a later line more indented than it (a flow mapping or quoted text written over several
/// lines, which YAML allows): that line's number (1-based), or `None` if it never is.
fn runs_on(all: &[&str], i: usize, indent: usize, content: &str, what: char) -> Option<usize> {
    let mut depth = balance(content);
    for (j, line) in all.iter().enumerate().skip(i + 1) {
        let body = line.trim_start();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        if line.len() - body.len() <= indent {
            return None;
        }
        match what {
            '"' | '\'' => {
                if body.contains(what) {
                    return Some(j + 1);
                }
            }
            _ => {
                depth += balance(strip_comment(body));
                if depth <= 0 {
                    return Some(j + 1);
                }
            }
        }
    }
    None
}

/// Brackets and braces opened less closed on a line, outside quoted values.
fn balance(text: &str) -> i32 {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' if value_start(&text[..i]) => quote = Some(c),
                '[' | '{' => depth += 1,
                ']' | '}' => depth -= 1,
                _ => {}
            },
        }
    }
    depth
}

/// `text` without a trailing comment (a `#` after a space, outside quotes).
fn strip_comment(text: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if (c == '"' || c == '\'') && value_start(&text[..i]) => quote = Some(c),
            None if c == '#' && (prev == ' ' || prev == '\t') => return text[..i].trim_end(),
            None => {}
        }
        prev = c;
    }
    text.trim_end()
}

/// Whether a quote after `before` opens a quoted value (at the start of a value, not an
/// apostrophe inside one).
fn value_start(before: &str) -> bool {
    let b = before.trim_end();
    b.is_empty()
        || b.ends_with([':', '[', '{', ',', '-']) && before.len() > b.len()
        || b.ends_with(['[', '{', ','])
}

/// The byte column and the character of the first quote, `[` or `{` left open on the line.
fn unclosed(content: &str) -> Option<(usize, char)> {
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut quote: Option<(usize, char)> = None;
    let mut escaped = false;
    for (i, c) in content.char_indices() {
        if let Some((_, q)) = quote {
            if escaped {
                escaped = false;
            } else if q == '"' && c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' if value_start(&content[..i]) => quote = Some((i, c)),
            '[' | '{' if value_start(&content[..i]) || !open.is_empty() => open.push((i, c)),
            ']' | '}' => {
                open.pop();
            }
            _ => {}
        }
    }
    quote.or_else(|| open.first().copied())
}

/// The key of a `key:` line: letters, digits and `_` before a `:`.
fn key_of(content: &str) -> Option<&str> {
    let end = content.find(':')?;
    let k = &content[..end];
    (!k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).then_some(k)
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

/// The first character of `text` that [`forbidden_control`] refuses, with its byte offset.
/// Records are mostly ASCII: bytes are looked at one by one, and characters decoded only
/// from the first byte that is not plain printable ASCII.
fn first_forbidden(text: &str) -> Option<(usize, char)> {
    let plain = |b: &u8| (0x20..0x7F).contains(b) || matches!(b, b'\t' | b'\n' | b'\r');
    let start = text.bytes().position(|b| !plain(&b))?;
    text[start..]
        .char_indices()
        .find(|(_, c)| forbidden_control(*c))
        .map(|(i, c)| (start + i, c))
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
    let (failure, message, help) = worded(inner);
    ParseError {
        failure,
        line,
        col,
        message,
        help,
    }
}

/// A parser error in `sen`'s words: its validity code, message and help. The shape errors
/// (valid YAML, not a record) are worded here, the rest by [`worded_yaml`].
fn worded(inner: &Error) -> (Failure, String, Option<String>) {
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
        Error::Message { msg, .. } => (Failure::Schema, msg.clone()),
        // Valid YAML of the wrong shape: a mapping or a text where a list belongs, and so on.
        Error::Unexpected { expected, .. } => return unexpected(expected),
        other => return worded_yaml(other),
    };
    (failure, message, help)
}

/// A mapping, list or single value where another shape belongs.
fn unexpected(expected: &str) -> (Failure, String, Option<String>) {
    let help = match expected {
        "sequence start" => Some("write each entry on its own line starting with `- `".to_string()),
        "mapping start" => Some("write `key: value` lines here".to_string()),
        "scalar" | "string scalar" | "value" => {
            Some("write one value here, not a list or a mapping".to_string())
        }
        _ => None,
    };
    let shape = match expected {
        "sequence start" => "a list (lines starting with `- `)",
        "mapping start" => "a mapping of keys",
        "scalar" | "string scalar" | "value" => "a single value",
        _ => "a value of another shape",
    };
    (Failure::Schema, format!("expected {shape}"), help)
}

/// The errors that are not about a record's shape: duplicate keys, limits, encoding, extra
/// documents and syntax.
fn worded_yaml(inner: &Error) -> (Failure, String, Option<String>) {
    let mut help = None;
    let (failure, message) = match inner {
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
        other => {
            let text = other.to_string();
            let text = strip_location(&text);
            (Failure::Yaml, lower_first(&text))
        }
    };
    (failure, message, help)
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
    fn no_file_of_the_example_school_looks_like_a_typing_mistake() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/oakfield");
        let mut n = 0;
        for e in walkdir::WalkDir::new(&root) {
            let e = e.expect("walk");
            if e.path().extension().is_some_and(|x| x == "yaml") {
                let text = std::fs::read_to_string(e.path()).expect("read");
                assert!(
                    mistake(&text, usize::MAX).is_none(),
                    "{}: {:?}",
                    e.path().display(),
                    mistake(&text, usize::MAX)
                );
                n += 1;
            }
        }
        assert!(n > 20);
    }

    #[test]
    fn typing_mistakes_are_named_at_their_line() {
        let cases = [
            ("sen:\n  status: K\n\tsince: 2026-01-05\n", 3, "a tab"),
            (
                "sen:\n  status: K\n   since: 2026-01-05\n",
                3,
                "indented 3 spaces",
            ),
            ("sen:\n  status: K\n  since 2026-01-05\n", 3, "no `:`"),
            (
                "sen:\n  status:K\n  since: 2026-01-05\n",
                2,
                "no space after",
            ),
            ("name: \"Sam\ndob: 2018-01-01\n", 1, "quote"),
            (
                "address: [\"1 Oak Lane\", \"Salford\"\ndob: 2018-01-01\n",
                1,
                "brackets",
            ),
            ("name: { given: Sam\ndob: 2018-01-01\n", 1, "braces"),
        ];
        for (text, line, words) in cases {
            let e = parse::<serde_json::Value>(text).expect_err(text);
            assert_eq!(e.line, Some(line), "{text:?}: {e:?}");
            assert!(e.message.contains(words), "{text:?}: {e:?}");
            assert!(e.help.is_some(), "{text:?}");
        }
        // An apostrophe inside a value, a URL, a time and a block of text are no mistakes.
        let fine = "name: O'Brien\nwebsite: https://example.org\nlinks:\n  - https://example.org/a\ntime: 10:30\nnotes: |\n  Line one: two\n  no colon here\nsummary: >\n  text\n";
        assert!(
            mistake(fine, usize::MAX).is_none(),
            "{:?}",
            mistake(fine, usize::MAX)
        );
    }

    #[test]
    fn a_key_run_into_its_value_is_named_even_where_it_is_valid_yaml() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Sen {
            status: String,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct File {
            sen: Sen,
        }
        let e = parse::<File>("sen:\n  status:K\n").expect_err("a text, not a mapping");
        assert_eq!(e.line, Some(2), "{e:?}");
        assert!(e.message.contains("no space after"), "{e:?}");
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

/// One event of a YAML text, with the byte range it stands at: what [`crate::edit`] builds
/// its lossless view of a file from (kept here so the parser is still named in one module).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A mapping begins: flow (`{`) or block, at this byte and (0-based) column.
    MapStart {
        flow: bool,
        at: usize,
        col: usize,
    },
    /// A mapping ends; for a flow mapping, `at` is the byte of its `}`.
    MapEnd {
        at: usize,
    },
    SeqStart {
        flow: bool,
        at: usize,
        col: usize,
    },
    SeqEnd {
        at: usize,
    },
    /// A scalar: its value, how it is written, and the bytes of its text.
    Scalar {
        value: String,
        style: Style,
        start: usize,
        end: usize,
        col: usize,
    },
    /// An alias (`*name`), at these bytes.
    Alias {
        start: usize,
        end: usize,
    },
}

/// How a scalar is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|` or `>`: a block of text over several lines.
    Block,
}

/// The events of one YAML text (the first document), or the parser's message.
pub fn events(text: &str) -> Result<Vec<Event>, String> {
    use serde_saphyr::granit_parser::{Event as E, Parser, ScalarStyle};
    let mut out = Vec::new();
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| e.info().to_string())?;
        let (s, e) = (
            span.start.byte_offset().unwrap_or(0),
            span.end.byte_offset().unwrap_or(0),
        );
        let col = span.start.col();
        out.push(match event {
            E::MappingStart(style, ..) => Event::MapStart {
                flow: style == serde_saphyr::granit_parser::StructureStyle::Flow,
                at: s,
                col,
            },
            E::MappingEnd => Event::MapEnd { at: s },
            E::SequenceStart(style, ..) => Event::SeqStart {
                flow: style == serde_saphyr::granit_parser::StructureStyle::Flow,
                at: s,
                col,
            },
            E::SequenceEnd => Event::SeqEnd { at: s },
            E::Scalar(value, style, ..) => Event::Scalar {
                value: value.into_owned(),
                style: match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    _ => Style::Block,
                },
                start: s,
                end: e,
                col,
            },
            E::Alias(_) => Event::Alias { start: s, end: e },
            E::DocumentEnd => break,
            _ => continue,
        });
    }
    Ok(out)
}
