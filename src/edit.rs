//! Lossless editing of a record file's text: set the value at a key path, add a key that is
//! missing, append an item to a list, or remove a key, changing only the text of that key.
//! Every comment, blank line, quoting style and other key stays byte for byte, because the
//! file is never written afresh: the parser's byte ranges ([`crate::yaml::events`]) say where
//! each value stands, and only that range is replaced (or a line inserted beside its
//! neighbours, with their indentation).
//!
//! A value is written as a careful person would type it: a date or a code plain, a text
//! plain where YAML would read it back unchanged and quoted by the project's escaper
//! ([`crate::skeleton::quote`]) otherwise; a value that was quoted stays quoted.

use chrono::NaiveDate;

use crate::yaml::{Event, Style};

/// One step of a key path: a key of a mapping or an item of a list (from 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// `review.date`, `review.outcomes.reading`, `contacts[1].email` as segments.
pub fn path(s: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in s.split('.') {
        let (key, mut rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if !key.is_empty() {
            out.push(Seg::Key(key.to_string()));
        }
        while let Some((n, r)) = rest.split_once(']') {
            if let Ok(i) = n.parse() {
                out.push(Seg::Index(i));
            }
            rest = r.strip_prefix('[').unwrap_or(r);
        }
    }
    out
}

/// A path as written in records.md.
pub fn show(path: &[Seg]) -> String {
    let mut out = String::new();
    for s in path {
        match s {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// A value to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Date(NaiveDate),
    /// An enumeration's word (`partly`, `new-cycle`) or a census code.
    Code(String),
    Text(String),
    /// A small mapping, written in flow style (`{ id: reading, outcome: ... }`).
    Map(Vec<(String, Value)>),
}

/// One change to a file's text.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Set the value at the path, adding the key (and any mapping on the way) if missing.
    Set(Vec<Seg>, Value),
    /// Append an item to the list at the path.
    Append(Vec<Seg>, Value),
    /// Remove the key at the path (with its value) from its mapping.
    Remove(Vec<Seg>),
}

/// Why a change could not be made without rewriting more than its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditError(pub String);

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EditError {}

fn fail<T>(msg: impl Into<String>) -> Result<T, EditError> {
    Err(EditError(msg.into()))
}

/// Apply the changes in order; each sees the text the one before it left.
pub fn apply_all(text: &str, changes: &[Change]) -> Result<String, EditError> {
    let mut now = text.to_string();
    for c in changes {
        now = apply(&now, c)?;
    }
    Ok(now)
}

/// Apply one change to `text`.
pub fn apply(text: &str, change: &Change) -> Result<String, EditError> {
    let root = Tree::parse(text)?;
    match change {
        Change::Set(path, value) => set(text, &root, path, value),
        Change::Append(path, value) => append(text, &root, path, value),
        Change::Remove(path) => remove(text, &root, path),
    }
}

// ---------------------------------------------------------------- reading a value

/// The scalar at `path` as its value reads (`None` where the key is absent, null, not one
/// value, or the text is not YAML).
pub fn value_at(text: &str, path: &[Seg]) -> Option<String> {
    let tree = Tree::parse(text).ok()?;
    match find(&tree.root, path)? {
        n @ Node::Scalar { value, .. } if !n.is_null() => Some(value.clone()),
        _ => None,
    }
}

/// Whether the key (or item) at `path` is in the text, whatever its value.
pub fn exists(text: &str, path: &[Seg]) -> bool {
    Tree::parse(text).is_ok_and(|t| find(&t.root, path).is_some())
}

/// How many items the list at `path` holds (0 where there is none).
pub fn count_at(text: &str, path: &[Seg]) -> usize {
    let Ok(tree) = Tree::parse(text) else {
        return 0;
    };
    match find(&tree.root, path) {
        Some(Node::Seq { items, .. }) => items.len(),
        _ => 0,
    }
}

/// The 1-based line where the value at `path` stands.
pub fn line_at(text: &str, path: &[Seg]) -> Option<u32> {
    let tree = Tree::parse(text).ok()?;
    let at = find(&tree.root, path)?.start();
    u32::try_from(text[..at].matches('\n').count() + 1).ok()
}

// ---------------------------------------------------------------- the tree of a file

#[derive(Debug)]
enum Node {
    Scalar {
        value: String,
        style: Style,
        start: usize,
        end: usize,
        col: usize,
    },
    Map {
        flow: bool,
        at: usize,
        col: usize,
        /// For a flow mapping, the byte of its `}`.
        close: usize,
        entries: Vec<(Node, Node)>,
    },
    Seq {
        flow: bool,
        at: usize,
        col: usize,
        close: usize,
        items: Vec<Node>,
    },
    Alias {
        start: usize,
        end: usize,
    },
}

struct Tree<'t> {
    text: &'t str,
    root: Node,
}

impl<'t> Tree<'t> {
    fn parse(text: &'t str) -> Result<Tree<'t>, EditError> {
        let events = crate::yaml::events(text).map_err(EditError)?;
        let mut it = events.into_iter().peekable();
        let root = match build(&mut it)? {
            Some(n) => n,
            None => return fail("the file holds no YAML value"),
        };
        Ok(Tree { text, root })
    }
}

fn build(
    it: &mut std::iter::Peekable<std::vec::IntoIter<Event>>,
) -> Result<Option<Node>, EditError> {
    let Some(ev) = it.next() else {
        return Ok(None);
    };
    Ok(Some(match ev {
        Event::Scalar {
            value,
            style,
            start,
            end,
            col,
        } => Node::Scalar {
            value,
            style,
            start,
            end,
            col,
        },
        Event::Alias { start, end } => Node::Alias { start, end },
        Event::MapStart { flow, at, col } => {
            let mut entries = Vec::new();
            loop {
                if let Some(Event::MapEnd { at: close }) = it.peek().cloned() {
                    it.next();
                    break Node::Map {
                        flow,
                        at,
                        col,
                        close,
                        entries,
                    };
                }
                let key = build(it)?.ok_or_else(|| EditError("a mapping ends early".into()))?;
                let value = build(it)?.ok_or_else(|| EditError("a mapping ends early".into()))?;
                entries.push((key, value));
            }
        }
        Event::SeqStart { flow, at, col } => {
            let mut items = Vec::new();
            loop {
                if let Some(Event::SeqEnd { at: close }) = it.peek().cloned() {
                    it.next();
                    break Node::Seq {
                        flow,
                        at,
                        col,
                        close,
                        items,
                    };
                }
                items.push(build(it)?.ok_or_else(|| EditError("a list ends early".into()))?);
            }
        }
        Event::MapEnd { .. } | Event::SeqEnd { .. } => return fail("unbalanced YAML"),
    }))
}

impl Node {
    fn start(&self) -> usize {
        match self {
            Node::Scalar { start, .. } | Node::Alias { start, .. } => *start,
            Node::Map { at, .. } | Node::Seq { at, .. } => *at,
        }
    }

    /// Where the node's own text ends: after its last character that is not white space
    /// (a block of text's span runs on over the blank lines after it).
    fn content_end(&self, text: &str) -> usize {
        match self {
            Node::Scalar { start, end, .. } | Node::Alias { start, end } => {
                let t = &text[*start..*end];
                start + t.trim_end().len()
            }
            Node::Map {
                flow: true, close, ..
            }
            | Node::Seq {
                flow: true, close, ..
            } => close + 1,
            Node::Map { entries, at, .. } => {
                entries.last().map_or(*at, |(_, v)| v.content_end(text))
            }
            Node::Seq { items, at, .. } => items.last().map_or(*at, |v| v.content_end(text)),
        }
    }

    fn get(&self, key: &str) -> Option<&(Node, Node)> {
        match self {
            Node::Map { entries, .. } => entries
                .iter()
                .find(|(k, _)| matches!(k, Node::Scalar { value, .. } if value == key)),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        matches!(self, Node::Scalar { value, style: Style::Plain, .. }
            if matches!(value.as_str(), "~" | "null" | "Null" | "NULL" | ""))
    }
}

/// The node at `path` from `node`.
fn find<'n>(node: &'n Node, path: &[Seg]) -> Option<&'n Node> {
    let Some((first, rest)) = path.split_first() else {
        return Some(node);
    };
    let next = match (first, node) {
        (Seg::Key(k), Node::Map { .. }) => &node.get(k)?.1,
        (Seg::Index(i), Node::Seq { items, .. }) => items.get(*i)?,
        _ => return None,
    };
    find(next, rest)
}

// ---------------------------------------------------------------- writing values

/// A text YAML reads back as the same string when written plain.
fn plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let last = s.chars().last().unwrap_or(first);
    first.is_alphabetic()
        && !last.is_whitespace()
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && s.chars()
            .all(|c| c.is_alphanumeric() || " -_.()'/&+".contains(c))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
        )
}

/// `s` in single quotes (`'` doubled), where nothing in it needs an escape.
fn single_quoted(s: &str) -> Option<String> {
    if s.chars()
        .any(|c| c.is_control() || crate::yaml::unseen_hazard(c))
    {
        return None;
    }
    Some(format!("'{}'", s.replace('\'', "''")))
}

/// A scalar value's text, in `style` where that can hold it.
fn scalar_text(value: &Value, style: Style) -> String {
    let word = match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Date(d) => crate::dates::iso(*d),
        Value::Code(c) => c.clone(),
        Value::Text(t) => t.clone(),
        Value::Map(entries) => return flow_map(entries),
    };
    let needs_quotes = match value {
        Value::Null | Value::Bool(_) | Value::Date(_) => false,
        Value::Code(c) => {
            !(c.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
                && c.starts_with(|ch: char| ch.is_ascii_alphabetic())
                && plain_safe(c))
        }
        Value::Text(t) => !plain_safe(t),
        Value::Map(_) => false,
    };
    match (value, style) {
        (Value::Null | Value::Bool(_), _) => word,
        (_, Style::DoubleQuoted) => crate::skeleton::quote(&word),
        (_, Style::SingleQuoted) => {
            single_quoted(&word).unwrap_or_else(|| crate::skeleton::quote(&word))
        }
        _ if needs_quotes => crate::skeleton::quote(&word),
        _ => word,
    }
}

fn flow_map(entries: &[(String, Value)]) -> String {
    if entries.is_empty() {
        return "{}".into();
    }
    let inner: Vec<String> = entries
        .iter()
        .map(|(k, v)| format!("{k}: {}", scalar_text(v, Style::Plain)))
        .collect();
    format!("{{ {} }}", inner.join(", "))
}

/// Replace `start..end` of `text` with `with`.
fn splice(text: &str, start: usize, end: usize, with: &str) -> String {
    let mut out = String::with_capacity(text.len() + with.len());
    out.push_str(&text[..start]);
    out.push_str(with);
    out.push_str(&text[end..]);
    out
}

/// The byte just after the line break ending the line that holds byte `at` (the text's end
/// when that line has none), and whether a line break was there.
fn after_line(text: &str, at: usize) -> (usize, bool) {
    match text[at..].find('\n') {
        Some(i) => (at + i + 1, true),
        None => (text.len(), false),
    }
}

/// Insert whole `lines` (each ending in `\n`) after the line holding byte `at`.
fn insert_lines(text: &str, at: usize, lines: &str) -> String {
    let (pos, had_break) = after_line(text, at);
    if had_break {
        splice(text, pos, pos, lines)
    } else {
        // The file's last line has no line break: the new lines go after one, and the file
        // still ends as it did, without one.
        splice(
            text,
            pos,
            pos,
            &format!("\n{}", lines.trim_end_matches('\n')),
        )
    }
}

/// The indentation step the file uses (the smallest indentation of a key line), 2 if none.
fn indent_unit(text: &str) -> usize {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .filter(|n| *n > 0)
        .min()
        .unwrap_or(2)
}

/// The lines of `rest` (keys not yet in the file) ending in `value`, as a block at `indent`.
fn block_lines(rest: &[String], value: &Value, indent: usize, unit: usize) -> String {
    let mut out = String::new();
    for (depth, key) in rest.iter().enumerate() {
        out.push_str(&" ".repeat(indent + depth * unit));
        out.push_str(key);
        if depth + 1 == rest.len() {
            out.push_str(": ");
            out.push_str(&scalar_text(value, Style::Plain));
        } else {
            out.push(':');
        }
        out.push('\n');
    }
    out
}

/// `rest` ending in `value` as one flow value: `{ b: { c: v } }` for `a.b.c` under `a`.
fn flow_nest(rest: &[String], value: &Value) -> String {
    match rest.split_first() {
        None => scalar_text(value, Style::Plain),
        Some((k, [])) => format!("{k}: {}", scalar_text(value, Style::Plain)),
        Some((k, more)) => format!("{k}: {{ {} }}", flow_nest(more, value)),
    }
}

// ---------------------------------------------------------------- the changes

fn set(text: &str, tree: &Tree, path: &[Seg], value: &Value) -> Result<String, EditError> {
    // The deepest node on the path that exists, and the keys still to add under it.
    let mut depth = path.len();
    let mut parent = None;
    while depth > 0 {
        if let Some(n) = find(&tree.root, &path[..depth]) {
            parent = Some(n);
            break;
        }
        depth -= 1;
    }
    let node = match parent {
        Some(n) => n,
        None => &tree.root,
    };
    let shown = show(path);
    if depth == path.len() {
        return replace_scalar(tree.text, node, value, &shown);
    }
    let mut rest = Vec::new();
    for s in &path[depth..] {
        match s {
            Seg::Key(k) => rest.push(k.clone()),
            Seg::Index(_) => return fail(format!("`{shown}`: no such item in the list")),
        }
    }
    add_under(text, node, depth, &rest, value, &shown)
}

fn replace_scalar(
    text: &str,
    node: &Node,
    value: &Value,
    shown: &str,
) -> Result<String, EditError> {
    let Node::Scalar {
        value: now,
        style,
        start,
        end,
        ..
    } = node
    else {
        return fail(format!(
            "`{shown}` holds a list or a mapping, not one value: edit the file as text"
        ));
    };
    if *style == Style::Block {
        return fail(format!(
            "`{shown}` is a block of text: edit the file as text to change it"
        ));
    }
    if same_value(now, *style, value) {
        return Ok(text.to_string());
    }
    let style = if node.is_null() { Style::Plain } else { *style };
    let written = scalar_text(value, style);
    if start == end {
        // `key:` with nothing after it (the parser places the empty value at the colon):
        // the value goes after the colon and a space.
        let at = start + usize::from(text[*start..].starts_with(':'));
        return Ok(splice(text, at, at, &format!(" {written}")));
    }
    let end = node.content_end(text);
    Ok(splice(text, *start, end, &written))
}

/// The scalar as written already holds `value`: nothing to change.
fn same_value(now: &str, style: Style, value: &Value) -> bool {
    let plain = style == Style::Plain;
    match value {
        Value::Null => plain && matches!(now, "~" | "null" | "Null" | "NULL" | ""),
        Value::Bool(b) => plain && now == b.to_string(),
        Value::Date(d) => now == crate::dates::iso(*d),
        Value::Code(c) | Value::Text(c) => {
            now == c && (!plain || scalar_text(value, Style::Plain) == *c)
        }
        Value::Map(_) => false,
    }
}

/// Add `rest` (keys missing under `node`, the last one holding `value`).
fn add_under(
    text: &str,
    node: &Node,
    depth: usize,
    rest: &[String],
    value: &Value,
    shown: &str,
) -> Result<String, EditError> {
    let unit = indent_unit(text);
    match node {
        Node::Map {
            flow: false,
            entries,
            col,
            ..
        } => {
            let Some((_, last)) = entries.last() else {
                return fail(format!("`{shown}`: the mapping is empty"));
            };
            let key_col = entries.first().map_or(*col, |(k, _)| match k {
                Node::Scalar { col, .. } => *col,
                _ => *col,
            });
            let at = last.content_end(text).max(1) - 1;
            Ok(insert_lines(
                text,
                at,
                &block_lines(rest, value, key_col, unit),
            ))
        }
        Node::Map {
            flow: true,
            entries,
            close,
            ..
        } => {
            let item = flow_nest(rest, value);
            match entries.last() {
                Some((_, last)) => {
                    let at = last.content_end(text);
                    Ok(splice(text, at, at, &format!(", {item}")))
                }
                None => Ok(splice(text, *close, *close, &item)),
            }
        }
        Node::Scalar { start, end, .. } if node.is_null() && depth > 0 => {
            // `review:` or `review: null`: it becomes the mapping of the new keys, the
            // comment on its line kept where it is.
            let key_col = line_indent(text, *start);
            let removed_from = text[..*start].trim_end_matches(' ').len();
            let cut = splice(text, removed_from, *end, "");
            let lines = block_lines(rest, value, key_col + unit, unit);
            Ok(insert_lines(&cut, removed_from, &lines))
        }
        _ => fail(format!(
            "`{shown}`: what stands on the way is not a mapping: edit the file as text"
        )),
    }
}

/// The indentation of the key on the line holding byte `at`.
fn line_indent(text: &str, at: usize) -> usize {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let trimmed = line.trim_start_matches([' ', '-']);
    line.len() - trimmed.len()
}

fn append(text: &str, tree: &Tree, path: &[Seg], value: &Value) -> Result<String, EditError> {
    let shown = show(path);
    let node = find(&tree.root, path);
    match node {
        Some(Node::Seq {
            flow: false,
            items,
            col,
            ..
        }) => {
            let last = items
                .last()
                .ok_or_else(|| EditError(format!("`{shown}` is empty")))?;
            let at = last.content_end(text).max(1) - 1;
            let line = format!(
                "{}- {}\n",
                " ".repeat(*col),
                scalar_text(value, Style::Plain)
            );
            Ok(insert_lines(text, at, &line))
        }
        Some(Node::Seq {
            flow: true,
            items,
            close,
            ..
        }) => {
            let item = scalar_text(value, Style::Plain);
            Ok(match items.last() {
                Some(last) => {
                    let at = last.content_end(text);
                    splice(text, at, at, &format!(", {item}"))
                }
                None => splice(text, *close, *close, &item),
            })
        }
        Some(n) if n.is_null() => {
            // `invited:` with nothing yet: the list begins with this item.
            let Node::Scalar { start, end, .. } = n else {
                unreachable!("is_null is a scalar")
            };
            let key_col = line_indent(text, *start);
            let removed_from = text[..*start].trim_end_matches(' ').len();
            let cut = splice(text, removed_from, *end, "");
            let line = format!(
                "{}- {}\n",
                " ".repeat(key_col + indent_unit(text)),
                scalar_text(value, Style::Plain)
            );
            Ok(insert_lines(&cut, removed_from, &line))
        }
        Some(_) => fail(format!("`{shown}` is not a list")),
        None => {
            // No such key yet: a list of one item, as a new key.
            set(text, tree, path, &Value::Null)
                .and_then(|t| append(&t, &Tree::parse(&t)?, path, value))
        }
    }
}

fn remove(text: &str, tree: &Tree, path: &[Seg]) -> Result<String, EditError> {
    let shown = show(path);
    let Some((Seg::Key(key), parent_path)) = path.split_last() else {
        return fail(format!("`{shown}` is not a key"));
    };
    let Some(parent) = find(&tree.root, parent_path) else {
        return Ok(text.to_string());
    };
    let Node::Map { flow, entries, .. } = parent else {
        return fail(format!("`{shown}` is not in a mapping"));
    };
    let Some(i) = entries
        .iter()
        .position(|(k, _)| matches!(k, Node::Scalar { value, .. } if value == key))
    else {
        return Ok(text.to_string());
    };
    let (k, v) = &entries[i];
    if *flow {
        let (from, to) = if i > 0 {
            (entries[i - 1].1.content_end(text), v.content_end(text))
        } else if let Some((next, _)) = entries.get(1) {
            (k.start(), next.start())
        } else {
            (k.start(), v.content_end(text))
        };
        return Ok(splice(text, from, to, ""));
    }
    let line_start = text[..k.start()].rfind('\n').map_or(0, |i| i + 1);
    if !text[line_start..k.start()].trim().is_empty() {
        return fail(format!(
            "`{shown}` shares its line with another key: edit the file as text"
        ));
    }
    let end = v.content_end(text).max(k.start() + 1) - 1;
    let (to, _) = after_line(text, end);
    Ok(splice(text, line_start, to, ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CYCLE: &str = r#"# yaml-language-server: $schema=../../../.sen/schema/cycle.json
started: 2026-09-15   # the day we began

plan:
  agreed: 2026-09-29
  outcomes:
    - { id: reading, outcome: "Reads a Year 3 text", measure: weekly }
    - id: maths
      outcome: 'Adds within 20'
  review_due: 2026-11-20   # six to eight weeks on
# the review, once held
review:
  date: "2026-11-19"
  notes: |
    Went well.

  outcomes: { reading: partly }
  shared_with_parents: ~
"#;

    fn d(s: &str) -> Value {
        Value::Date(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
    }

    fn set(text: &str, p: &str, v: Value) -> String {
        apply(text, &Change::Set(path(p), v)).unwrap()
    }

    #[test]
    fn paths_read_as_records_md_writes_them() {
        assert_eq!(
            path("outcomes[2].progress"),
            vec![
                Seg::Key("outcomes".into()),
                Seg::Index(2),
                Seg::Key("progress".into())
            ]
        );
        assert_eq!(
            show(&path("review.outcomes.reading")),
            "review.outcomes.reading"
        );
        assert_eq!(show(&path("plan.outcomes[1].id")), "plan.outcomes[1].id");
    }

    #[test]
    fn a_value_keeps_its_quotes_and_the_comment_beside_it() {
        let t = set(CYCLE, "review.date", d("2026-11-26"));
        assert_eq!(t, CYCLE.replace("\"2026-11-19\"", "\"2026-11-26\""));
        let t = set(CYCLE, "plan.review_due", d("2026-12-01"));
        assert_eq!(t, CYCLE.replace("2026-11-20   # six", "2026-12-01   # six"));
        let t = set(
            CYCLE,
            "plan.outcomes[1].outcome",
            Value::Text("Adds within 50".into()),
        );
        assert_eq!(t, CYCLE.replace("'Adds within 20'", "'Adds within 50'"));
        let t = set(CYCLE, "review.shared_with_parents", d("2026-11-21"));
        assert_eq!(t, CYCLE.replace("~\n", "2026-11-21\n"));
    }

    #[test]
    fn a_missing_key_goes_at_the_end_of_its_mapping_with_its_indentation() {
        let t = set(CYCLE, "review.progress", Value::Code("expected".into()));
        assert_eq!(
            t,
            CYCLE.replace(
                "  shared_with_parents: ~\n",
                "  shared_with_parents: ~\n  progress: expected\n"
            )
        );
        let t = set(CYCLE, "plan.agreed_with_parents", Value::Bool(true));
        assert_eq!(
            t,
            CYCLE.replace(
                "six to eight weeks on\n",
                "six to eight weeks on\n  agreed_with_parents: true\n"
            )
        );
        let t = set(
            CYCLE,
            "review.outcomes.maths",
            Value::Code("achieved".into()),
        );
        assert_eq!(
            t,
            CYCLE.replace(
                "{ reading: partly }",
                "{ reading: partly, maths: achieved }"
            )
        );
        let t = set(
            CYCLE,
            "plan.outcomes[1].measure",
            Value::Text("Weekly check".into()),
        );
        assert_eq!(
            t,
            CYCLE.replace(
                "'Adds within 20'\n",
                "'Adds within 20'\n      measure: Weekly check\n"
            )
        );
        // A text YAML would read otherwise is quoted by the project's escaper.
        let t = set(
            CYCLE,
            "review.parent_views",
            Value::Text("Yes: \"much\" better #1".into()),
        );
        assert!(
            t.ends_with("  parent_views: \"Yes: \\\"much\\\" better #1\"\n"),
            "{t}"
        );
    }

    #[test]
    fn a_missing_mapping_is_added_with_the_key_under_it() {
        let text = "started: 2026-09-15\nplan:\n  review_due: 2026-11-20\n";
        let t = set(text, "review.date", d("2026-11-19"));
        assert_eq!(t, format!("{text}review:\n  date: 2026-11-19\n"));
        let t = set(&t, "review.progress", Value::Code("good".into()));
        assert_eq!(
            t,
            format!("{text}review:\n  date: 2026-11-19\n  progress: good\n")
        );
        // `transfer: null   # comment`: the key becomes the mapping, the comment kept.
        let text = "name: { given: Leo, family: Santos }\ntransfer: null   # once left\nleft: 2026-07-20\n";
        let t = set(text, "transfer.sen_record_sent", d("2026-07-24"));
        assert_eq!(
            t,
            "name: { given: Leo, family: Santos }\ntransfer:   # once left\n  sen_record_sent: 2026-07-24\nleft: 2026-07-20\n"
        );
        // A file without a final line break keeps ending without one.
        let t = set("date: 2026-10-05", "shared_with_parents", d("2026-10-06"));
        assert_eq!(t, "date: 2026-10-05\nshared_with_parents: 2026-10-06");
        // `key:` with nothing after it.
        let t = set(
            "sen:\n  parents_notified:\n  status: K\n",
            "sen.parents_notified",
            d("2026-10-08"),
        );
        assert_eq!(t, "sen:\n  parents_notified: 2026-10-08\n  status: K\n");
    }

    #[test]
    fn lists_grow_by_one_item_in_their_own_style() {
        let text =
            "invited:\n  - { role: health, name: Dr Asha Rao }   # asked\nmeeting: 2026-05-12\n";
        let item = Value::Map(vec![
            ("role".into(), Value::Code("school".into())),
            ("name".into(), Value::Text("Mrs Lucy Hale".into())),
        ]);
        let t = apply(text, &Change::Append(path("invited"), item.clone())).unwrap();
        assert_eq!(
            t,
            "invited:\n  - { role: health, name: Dr Asha Rao }   # asked\n  - { role: school, name: Mrs Lucy Hale }\nmeeting: 2026-05-12\n"
        );
        let t = apply(
            "address: [\"1 Oak Lane\", Salford]\n",
            &Change::Append(path("address"), Value::Text("M1 1AA".into())),
        )
        .unwrap();
        assert_eq!(t, "address: [\"1 Oak Lane\", Salford, M1 1AA]\n");
        let t = apply(
            &t,
            &Change::Append(path("address"), Value::Text("Flat 2, Elm Court".into())),
        )
        .unwrap();
        assert_eq!(
            t,
            "address: [\"1 Oak Lane\", Salford, M1 1AA, \"Flat 2, Elm Court\"]\n"
        );
        let t = apply(
            "meeting: 2026-05-12\n",
            &Change::Append(path("invited"), item),
        )
        .unwrap();
        assert_eq!(
            t,
            "meeting: 2026-05-12\ninvited:\n  - { role: school, name: Mrs Lucy Hale }\n"
        );
    }

    #[test]
    fn removing_an_added_key_gives_the_text_back() {
        for p in [
            "review.progress",
            "plan.agreed_with_parents",
            "review.outcomes.maths",
            "plan.outcomes[1].measure",
        ] {
            let t = set(CYCLE, p, Value::Code("good".into()));
            assert_ne!(t, CYCLE);
            assert_eq!(apply(&t, &Change::Remove(path(p))).unwrap(), CYCLE, "{p}");
        }
        let t = set(CYCLE, "assess.summary", Value::Text("Reads slowly".into()));
        assert_eq!(apply(&t, &Change::Remove(path("assess"))).unwrap(), CYCLE);
    }

    #[test]
    fn what_cannot_be_changed_in_place_is_refused_not_rewritten() {
        assert!(
            apply(
                CYCLE,
                &Change::Set(path("review.notes"), Value::Text("x".into()))
            )
            .is_err()
        );
        assert!(
            apply(
                CYCLE,
                &Change::Set(path("plan.outcomes"), Value::Text("x".into()))
            )
            .is_err()
        );
        assert!(
            apply(
                CYCLE,
                &Change::Set(path("started.day"), Value::Text("x".into()))
            )
            .is_err()
        );
        assert!(apply("a: [b\n", &Change::Set(path("a"), Value::Null)).is_err());
        assert!(apply(CYCLE, &Change::Remove(path("plan.outcomes[1].id"))).is_err());
    }
}
