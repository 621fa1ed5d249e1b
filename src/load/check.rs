//! One record file's text checked as `sen check` would check it in its place, before it is
//! written (`sen serve`'s forms): parsed and validated with the school's catalogue and the
//! rest of its pupil's folder as they are on disk, by the loader's own functions.

use std::path::Path;

use chrono::NaiveDate;

use super::{Place, Read, clip_quoted, folder, place, read, read_parse, school_part, walk};
use crate::findings::{Finding, Rule};

/// What `sen check` would find about the file `rel` under `root` if it held `text`: the
/// findings on that file, and any finding elsewhere in its pupil's folder that the file
/// would bring. A path where no record stands gives one `schema` finding.
pub fn check_text(root: &Path, rel: &str, text: &str, as_of: NaiveDate) -> Vec<Finding> {
    let Some(at) = place(rel) else {
        return vec![super::invalid(
            Rule::Schema,
            rel,
            None,
            "a YAML file where no record belongs".into(),
            None,
        )];
    };
    let target = root.join(rel);
    let reader = |path: &Path, p: Place| {
        if path == target {
            Read {
                rel: rel.to_string(),
                place: p,
                text: Ok(text.to_string()),
            }
        } else {
            read(root, path, p)
        }
    };
    let (files, _, _) = walk(root);
    let mut school_files: Vec<_> = files
        .iter()
        .filter(|(_, p)| *p == Place::School)
        .cloned()
        .collect();
    if at == Place::School && school_files.is_empty() {
        school_files.push((target.clone(), Place::School));
    }
    let mut school_findings = Vec::new();
    let (_, catalogue) = school_part(root, school_files, &mut school_findings, &reader);
    let mut found: Vec<Finding> = match at.pupil() {
        None => school_findings,
        Some(id) => {
            let mut mine: Vec<_> = files
                .into_iter()
                .filter(|(path, p)| p.pupil() == Some(id) && *path != target)
                .collect();
            let before = {
                let parsed = mine
                    .iter()
                    .map(|(path, p)| read_parse(&reader, path, p.clone()))
                    .collect();
                folder(id.to_string(), parsed, catalogue.as_ref(), as_of).1
            };
            mine.push((target.clone(), at.clone()));
            let parsed = mine
                .into_iter()
                .map(|(path, p)| read_parse(&reader, &path, p))
                .collect();
            let (_, after) = folder(id.to_string(), parsed, catalogue.as_ref(), as_of);
            after
                .into_iter()
                .filter(|f| f.file.as_deref() == Some(rel) || !before.contains(f))
                .collect()
        }
    };
    found.retain(|f| at.pupil().is_some() || f.file.as_deref() == Some(rel));
    for f in &mut found {
        f.message = crate::findings::printable(clip_quoted(&f.message));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oakfield() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("oak");
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/oakfield");
        for e in walkdir::WalkDir::new(&src).into_iter().flatten() {
            let to = root.join(e.path().strip_prefix(&src).unwrap());
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(e.path(), &to).unwrap();
            }
        }
        (dir, root)
    }

    #[test]
    fn a_text_is_checked_in_its_place_against_the_catalogue_and_its_folder() {
        let (_d, root) = oakfield();
        let as_of = crate::dates::ymd(2026, 11, 23);
        let rel = "pupils/amara-okafor/cycles/2026-11-23.yaml";
        let good = "started: 2026-11-23\nplan:\n  provision:\n    - { ref: lexia }\n  review_due: 2027-01-04\n";
        let found = check_text(&root, rel, good, as_of);
        assert!(found.is_empty(), "{found:?}");
        // A ref the catalogue does not hold, and a review before the start: found, on the
        // file's own lines; nothing was written.
        let bad = "started: 2026-11-23\nplan:\n  provision:\n    - { ref: no-such-thing }\n  review_due: 2026-11-01\n";
        let found = check_text(&root, rel, bad, as_of);
        assert!(
            found
                .iter()
                .any(|f| f.line == Some(4) && f.message.contains("no-such-thing")),
            "{found:?}"
        );
        assert!(found.iter().any(|f| f.line == Some(5)), "{found:?}");
        assert!(found.iter().all(|f| f.file.as_deref() == Some(rel)));
        assert!(!root.join(rel).exists());
        // Not YAML at all.
        let found = check_text(&root, rel, "started: [\n", as_of);
        assert!(found.iter().any(|f| f.rule == Rule::Yaml), "{found:?}");
        // No record stands there.
        let found = check_text(&root, "pupils/amara-okafor/notes.yaml", "a: 1\n", as_of);
        assert_eq!(found.len(), 1);
    }
}
