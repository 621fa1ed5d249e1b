//! No circle of files importing each other (#24): a file under src/ that names another
//! through a `crate::` path (a `use`, or a path written in place) or a sibling through
//! `super::` depends on it, and no file may depend on itself through others. A child
//! module's `super::` items of its own parent are the module tree, not an import, and test
//! modules are left out. Fails with each circle's files and the edges between them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every .rs file under `src`, by its module path (`rules::table`), with its code.
fn modules(src: &Path) -> BTreeMap<Vec<String>, (String, String)> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(src).sort_by_file_name() {
        let entry = entry.expect("a readable src/ tree");
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path
            .strip_prefix(src)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        let mut segs: Vec<String> = rel
            .trim_end_matches(".rs")
            .split('/')
            .map(str::to_string)
            .collect();
        if segs.last().is_some_and(|s| s == "mod") {
            segs.pop();
        }
        if segs == ["lib"] || segs == ["main"] {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("a readable source file");
        out.insert(segs, (rel, code(&text)));
    }
    out
}

/// The code of a file without its comments and its test module.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| match l.find("//") {
            // A `//` inside a string (a URL) is rare in paths we look for; cutting there only
            // loses text after it.
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The file a path names: the longest prefix of `segs` that is a module.
fn resolve<'a>(
    mods: &'a BTreeMap<Vec<String>, (String, String)>,
    segs: &[String],
) -> Option<&'a str> {
    (1..=segs.len())
        .rev()
        .find_map(|n| mods.get(&segs[..n]).map(|(rel, _)| rel.as_str()))
}

/// The paths of a use tree starting at `s` (just after `crate::` or `super::`): `a::b`,
/// `a::{b, c::{d}}`, each as its segments (a trailing item name is kept: [`resolve`] takes
/// the longest prefix that is a file).
fn use_tree(s: &str, prefix: Vec<String>, out: &mut Vec<Vec<String>>) -> usize {
    let mut segs = prefix;
    let mut i = 0;
    let bytes = s.as_bytes();
    loop {
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        if i > start {
            segs.push(s[start..i].to_string());
        }
        let group = if s[i..].starts_with("::{") {
            Some(3)
        } else if i == start && s[i..].starts_with('{') {
            Some(1)
        } else {
            None
        };
        if let Some(open) = group {
            i += open;
            loop {
                while i < bytes.len() && (bytes[i] as char).is_whitespace() {
                    i += 1;
                }
                if i >= bytes.len() || bytes[i] == b'}' {
                    return i + 1;
                }
                i += use_tree(&s[i..], segs.clone(), out);
                while i < bytes.len() && (bytes[i] == b',' || (bytes[i] as char).is_whitespace()) {
                    i += 1;
                }
            }
        } else if s[i..].starts_with("::") && i > start {
            i += 2;
        } else {
            out.push(segs);
            return i;
        }
    }
}

/// Each file's dependencies on other files.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mods = modules(src);
    let mut edges = BTreeMap::new();
    for (segs, (rel, text)) in &mods {
        // `super::` names the parent module, for `rules/table.rs` and `rules/mod.rs` alike.
        let parent = &segs[..segs.len() - 1];
        let mut paths = Vec::new();
        for (at, root) in text
            .match_indices("crate::")
            .chain(text.match_indices("super::"))
        {
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let base = if root == "crate::" {
                Vec::new()
            } else {
                parent.to_vec()
            };
            use_tree(&text[at + root.len()..], base, &mut paths);
        }
        let mut deps = BTreeSet::new();
        for p in paths {
            // `super::super::x`: each further `super` leaves one more module.
            let p: Vec<String> = p.into_iter().fold(Vec::new(), |mut acc, seg| {
                match seg.as_str() {
                    "super" => {
                        acc.pop();
                    }
                    "self" => {}
                    _ => acc.push(seg),
                }
                acc
            });
            let Some(to) = resolve(&mods, &p) else {
                continue;
            };
            // A child naming its own parent's items is the module tree, not an import.
            if to == rel || mods.get(parent).is_some_and(|(r, _)| r == to) {
                continue;
            }
            deps.insert(to.to_string());
        }
        edges.insert(rel.clone(), deps);
    }
    edges
}

/// The strongly connected components with more than one file (Tarjan).
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let n = t.index.len();
        t.index.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        t.on.insert(v);
        for w in t.edges.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                t.low.insert(v, t.low[v].min(lw));
            } else if t.on.contains(w) {
                let iw = t.index[w];
                t.low.insert(v, t.low[v].min(iw));
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn no_circle_of_files_importing_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let edges = graph(&src);
    let found = circles(&edges);
    let report: Vec<String> = found
        .iter()
        .map(|comp| {
            let lines: Vec<String> = comp
                .iter()
                .map(|a| {
                    let to: Vec<&str> = edges[a]
                        .iter()
                        .filter(|b| comp.contains(b))
                        .map(String::as_str)
                        .collect();
                    format!("  {a} -> {}", to.join(", "))
                })
                .collect();
            lines.join("\n")
        })
        .collect();
    assert!(
        report.is_empty(),
        "files importing each other in a circle (move what both need to where it belongs):\n{}",
        report.join("\n\n")
    );
}

#[test]
fn the_circle_finder_sees_a_circle_through_crate_and_sibling_paths() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let src = dir.path();
    std::fs::create_dir_all(src.join("rules")).expect("mkdir");
    std::fs::write(src.join("lib.rs"), "pub mod a;\npub mod rules;\n").expect("write");
    // a -> rules::table (in place), rules::table -> rules::words (sibling), words -> a
    // (`super::super`).
    std::fs::write(
        src.join("a.rs"),
        "pub fn f() { crate::rules::table::g() }\n",
    )
    .expect("write");
    std::fs::write(
        src.join("rules/mod.rs"),
        "pub mod table;\npub mod words;\npub struct Eval;\n",
    )
    .expect("write");
    std::fs::write(
        src.join("rules/table.rs"),
        "use super::Eval; // the parent: not an import\nuse super::{words::h, Eval};\npub fn g() {}\n",
    )
    .expect("write");
    std::fs::write(
        src.join("rules/words.rs"),
        "use crate::{rules, rules::table::g};\npub fn h() { super::super::a::f() }\n",
    )
    .expect("write");
    let edges = graph(src);
    assert_eq!(
        circles(&edges),
        [vec![
            "a.rs".to_string(),
            "rules/table.rs".into(),
            "rules/words.rs".into()
        ]]
    );
    assert!(
        !edges["rules/table.rs"].contains("rules/mod.rs"),
        "{edges:?}"
    );

    // Break it (words no longer names a) and the circle is gone.
    std::fs::write(src.join("rules/words.rs"), "pub fn h() {}\n").expect("write");
    assert!(circles(&graph(src)).is_empty());
}
