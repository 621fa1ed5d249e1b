//! Round-trip of the lossless editor over real records: on every file of the example school
//! and of a generated one, every key a form of `sen serve` can change is changed to a new
//! value and back. The change alters only that key's text (every other byte, comment and
//! blank line kept; the data the same but for that key), and changing it back gives the
//! original bytes.

use crate::common;

use crate::gen_school;

use std::path::Path;

use common::{AS_OF, OAKFIELD};
use sen::edit::{self, Change, Seg, Value};
use sen::serve::record;

/// Every record file under `root`, relative with `/`.
fn files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(root).sort_by_file_name() {
        let e = e.expect("walk");
        if !e.file_type().is_file() {
            continue;
        }
        let rel = e.path().strip_prefix(root).expect("inside");
        let rel: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let rel = rel.join("/");
        if sen::load::record_kind(&rel).is_some() {
            out.push(rel);
        }
    }
    out
}

fn data(text: &str) -> serde_json::Value {
    serde_saphyr::from_str::<serde_json::Value>(text).expect("the text stays YAML")
}

fn as_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => (*b).into(),
        Value::Date(d) => d.format("%Y-%m-%d").to_string().into(),
        Value::Code(c) | Value::Text(c) => c.clone().into(),
        Value::Map(_) => unreachable!("forms set one value"),
    }
}

/// `data` with the value at `path` set to `v`, adding mappings on the way.
fn set_in(data: &mut serde_json::Value, path: &[Seg], v: serde_json::Value) {
    let Some((first, rest)) = path.split_first() else {
        *data = v;
        return;
    };
    let next = match first {
        Seg::Key(k) => {
            if !data.is_object() {
                *data = serde_json::Value::Object(Default::default());
            }
            data.as_object_mut()
                .expect("object")
                .entry(k.clone())
                .or_insert(serde_json::Value::Null)
        }
        Seg::Index(i) => &mut data[*i],
    };
    set_in(next, rest, v);
}

/// The lines of `before` the edit touched: the bytes that differ lie within the lines where
/// the key's value stands (or, for a key added, between two whole lines or inside the one
/// flow mapping that received it).
fn changed_lines(before: &str, after: &str) -> (usize, usize) {
    let prefix = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let max_suffix = before.len().min(after.len()) - prefix;
    let suffix = before
        .bytes()
        .rev()
        .zip(after.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    let first = before[..prefix].matches('\n').count() + 1;
    let last = before[..before.len() - suffix].matches('\n').count() + 1;
    (first, last)
}

struct Tally {
    files: usize,
    changes: usize,
    byte_exact_backs: usize,
}

fn round_trip(root: &Path, tally: &mut Tally) {
    for rel in files(root) {
        let kind = sen::load::record_kind(&rel).expect("a record");
        let text = std::fs::read_to_string(root.join(&rel)).expect("read");
        tally.files += 1;
        for form in record::all() {
            if !record::fits(form, kind) {
                continue;
            }
            for (key, values) in record::keys(form, kind, &text) {
                check_key(&rel, &text, &key, &values, tally);
            }
        }
    }
}

fn check_key(rel: &str, text: &str, key: &str, values: &[Value], tally: &mut Tally) {
    let path = edit::path(key);
    let was = edit::value_at(text, &path);
    let new = values
        .iter()
        .find(|v| {
            Some(
                as_json(v)
                    .as_str()
                    .map_or_else(|| as_json(v).to_string(), str::to_string),
            ) != was
        })
        .expect("a value other than the one there");
    let changed = match edit::apply(text, &Change::Set(path.clone(), new.clone())) {
        Ok(t) => t,
        // A value the editor refuses to touch (a block of text where a date should be) is
        // left for the text editor: the refusal is the lossless answer.
        Err(e) => {
            assert!(e.0.contains("edit the file as text"), "{rel} {key}: {e}");
            return;
        }
    };
    tally.changes += 1;
    assert_ne!(changed, text, "{rel} {key}: nothing changed");
    // As data, only that key changed.
    let mut expected = data(text);
    set_in(&mut expected, &path, as_json(new));
    assert_eq!(data(&changed), expected, "{rel} {key}:\n{changed}");
    // As text, only the lines of that key (or the new key's place) changed.
    let (first, last) = changed_lines(text, &changed);
    if edit::exists(text, &path) {
        let line = edit::line_at(text, &path).expect("a line") as usize;
        assert!(
            first == line && last == line,
            "{rel} {key}: lines {first}-{last} changed, the value is on line {line}\n{changed}"
        );
    } else {
        assert!(
            last <= first + 1,
            "{rel} {key}: lines {first}-{last} changed\n{changed}"
        );
    }
    // And back.
    let back = if edit::exists(text, &path) {
        let old = match &was {
            None => Value::Null,
            Some(w) => match new {
                Value::Date(_) => {
                    Value::Date(chrono::NaiveDate::parse_from_str(w, "%Y-%m-%d").expect("a date"))
                }
                Value::Bool(_) => Value::Bool(w == "true"),
                _ => Value::Code(w.clone()),
            },
        };
        edit::apply(&changed, &Change::Set(path.clone(), old)).expect("back")
    } else {
        // The shallowest key that was missing goes again.
        let depth = (1..=path.len())
            .find(|d| !edit::exists(text, &path[..*d]))
            .expect("missing somewhere");
        edit::apply(&changed, &Change::Remove(path[..depth].to_vec())).expect("removed")
    };
    if back == text {
        tally.byte_exact_backs += 1;
    } else {
        // Only a null spelled otherwise (`~`, nothing) comes back as `null`.
        assert_eq!(data(&back), data(text), "{rel} {key}");
        let (first, last) = changed_lines(text, &back);
        assert_eq!(
            first, last,
            "{rel} {key}: back changed lines {first}-{last}"
        );
        assert!(
            was.is_none(),
            "{rel} {key}: {was:?} did not come back byte for byte\n{back}"
        );
    }
}

#[test]
fn every_key_a_form_changes_changes_only_its_text_on_the_example_school() {
    let mut tally = Tally {
        files: 0,
        changes: 0,
        byte_exact_backs: 0,
    };
    round_trip(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join(OAKFIELD),
        &mut tally,
    );
    eprintln!(
        "example: {} files, {} changes, {} back byte for byte",
        tally.files, tally.changes, tally.byte_exact_backs
    );
    assert!(tally.files >= 40, "{} files", tally.files);
    assert!(tally.changes >= 100, "{} changes", tally.changes);
    assert!(
        tally.byte_exact_backs * 10 >= tally.changes * 9,
        "{} of {} back byte for byte",
        tally.byte_exact_backs,
        tally.changes
    );
}

#[test]
fn every_key_a_form_changes_changes_only_its_text_on_a_generated_school() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("school");
    let as_of = chrono::NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").expect("date");
    gen_school::generate(30, 11, as_of, &root).expect("generate");
    let mut tally = Tally {
        files: 0,
        changes: 0,
        byte_exact_backs: 0,
    };
    round_trip(&root, &mut tally);
    eprintln!(
        "generated: {} files, {} changes, {} back byte for byte",
        tally.files, tally.changes, tally.byte_exact_backs
    );
    assert!(tally.files >= 150, "{} files", tally.files);
    assert!(tally.changes >= 300, "{} changes", tally.changes);
    assert!(
        tally.byte_exact_backs * 10 >= tally.changes * 9,
        "{} of {} back byte for byte",
        tally.byte_exact_backs,
        tally.changes
    );
}
