//! The records kept between requests, for `sen serve`: each pupil folder is read again only
//! when one of its files changed (its path, size or modification time), and everything when
//! school.yaml or the as-of date changed (every folder is checked against the school's
//! catalogue). What it holds equals what [`super::load`] gives (tested below).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use chrono::NaiveDate;
use rayon::prelude::*;

use super::{Loaded, Place, by_pupil, clip_quoted, folder, read, read_parse, school_part, walk};
use crate::findings::Finding;
use crate::model::{PupilFolder, Records};
use crate::validate::{self, CatalogueIds};

/// What says a set of files is unchanged: each path with its size and modification time.
type Stamp = Vec<(PathBuf, u64, Option<SystemTime>)>;

fn stamp(files: &[(PathBuf, Place)]) -> Stamp {
    files
        .iter()
        .map(|(path, _)| {
            let meta = std::fs::symlink_metadata(path).ok();
            (
                path.clone(),
                meta.as_ref().map_or(0, std::fs::Metadata::len),
                meta.and_then(|m| m.modified().ok()),
            )
        })
        .collect()
}

/// A folder to read again: its id, its files and their stamp now.
type Stale = (String, Vec<(PathBuf, Place)>, Stamp);

/// One pupil folder as last read: its files' stamp and its findings (the model itself stays
/// in the loaded records).
struct Folder {
    stamp: Stamp,
    findings: Vec<Finding>,
}

/// The loaded records and what is needed to bring them up to date cheaply.
#[derive(Default)]
pub struct Cache {
    as_of: Option<NaiveDate>,
    school: Option<Stamp>,
    school_findings: Vec<Finding>,
    catalogue: Option<CatalogueIds>,
    folders: HashMap<String, Folder>,
    loaded: Option<Loaded>,
    /// How many pupil folders the last refresh read from disk.
    read_last: usize,
    /// Counts the refreshes that changed something.
    generation: u64,
}

impl Cache {
    pub fn new() -> Cache {
        Cache::default()
    }

    /// The records as last refreshed (empty before the first refresh).
    pub fn loaded(&self) -> Option<&Loaded> {
        self.loaded.as_ref()
    }

    /// How many pupil folders the last [`Cache::refresh`] read again.
    pub fn folders_read(&self) -> usize {
        self.read_last
    }

    /// A number that changes whenever the records did, so what is computed from them can be
    /// kept until then.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Walk the root again and re-read what changed since the last refresh. Returns whether
    /// anything changed.
    pub fn refresh(&mut self, root: &Path, as_of: NaiveDate) -> bool {
        let (files, walk_findings, pupil_dirs) = walk(root);
        let (school_files, pupil_files): (Vec<_>, Vec<_>) =
            files.into_iter().partition(|(_, p)| *p == Place::School);
        let school_stamp = stamp(&school_files);
        let all = self.as_of != Some(as_of)
            || self.school.as_ref() != Some(&school_stamp)
            || self.loaded.is_none();
        let (mut records, mut old, old_findings) =
            self.take_base(root, as_of, all.then_some((school_files, school_stamp)));

        let by_pupil = by_pupil(pupil_dirs, pupil_files);
        let mut changed = all
            || self.folders.len() != by_pupil.len()
            || self.folders.keys().any(|k| !by_pupil.contains_key(k));
        changed |= self.read_stale(root, as_of, &by_pupil, &mut old);
        self.folders.retain(|id, _| by_pupil.contains_key(id));

        // Findings in the order `load` gives them: the walk's, the school's, each folder's
        // in folder order, then duplicate UPNs across folders.
        let mut findings = walk_findings;
        findings.extend(self.school_findings.iter().cloned());
        for id in by_pupil.keys() {
            if let Some(f) = self.folders.get(id) {
                findings.extend(f.findings.iter().cloned());
            }
            records.pupils.push(old.remove(id).unwrap_or_default());
        }
        findings.extend(validate::duplicate_upns(&records));
        for f in &mut findings {
            f.message = crate::findings::printable(clip_quoted(&f.message));
        }
        changed |= findings != old_findings;
        if changed {
            self.generation += 1;
        }
        self.loaded = Some(Loaded { records, findings });
        changed
    }

    /// The last model taken apart: the records without their pupils, the pupil folders by
    /// id, and the findings. With `school` (its files and their stamp now) school.yaml is
    /// read again and every folder forgotten, so all are read again.
    fn take_base(
        &mut self,
        root: &Path,
        as_of: NaiveDate,
        school: Option<(Vec<(PathBuf, Place)>, Stamp)>,
    ) -> (Records, HashMap<String, PupilFolder>, Vec<Finding>) {
        let (base, old_pupils, old_findings) = match self.loaded.take() {
            Some(l) => {
                let mut records = l.records;
                let pupils = std::mem::take(&mut records.pupils);
                (Some(records), pupils, l.findings)
            }
            None => (None, Vec::new(), Vec::new()),
        };
        let mut old: HashMap<String, PupilFolder> =
            old_pupils.into_iter().map(|f| (f.id.clone(), f)).collect();
        let records = match (base, school) {
            (Some(records), None) => records,
            (_, school) => {
                let (school_files, school_stamp) = school.unwrap_or_default();
                let reader = |path: &Path, place: Place| read(root, path, place);
                let mut school_findings = Vec::new();
                let (records, catalogue) =
                    school_part(root, school_files, &mut school_findings, &reader);
                self.school_findings = school_findings;
                self.catalogue = catalogue;
                self.school = Some(school_stamp);
                self.as_of = Some(as_of);
                self.folders.clear();
                old.clear();
                records
            }
        };
        (records, old, old_findings)
    }

    /// Read again, in parallel, every folder whose files changed since it was last read (or
    /// that was never read), putting its model into `old` and its stamp and findings into
    /// the cache. Returns whether any was read.
    fn read_stale(
        &mut self,
        root: &Path,
        as_of: NaiveDate,
        by_pupil: &BTreeMap<String, Vec<(PathBuf, Place)>>,
        old: &mut HashMap<String, PupilFolder>,
    ) -> bool {
        let stale: Vec<Stale> = by_pupil
            .iter()
            .filter_map(|(id, files)| {
                let s = stamp(files);
                match self.folders.get(id) {
                    Some(f) if f.stamp == s && old.contains_key(id) => None,
                    _ => Some((id.clone(), files.clone(), s)),
                }
            })
            .collect();
        self.read_last = stale.len();
        let any = !stale.is_empty();
        let reader = |path: &Path, place: Place| read(root, path, place);
        let catalogue = self.catalogue.as_ref();
        let fresh: Vec<(String, Stamp, PupilFolder, Vec<Finding>)> = stale
            .into_par_iter()
            .map(|(id, files, s)| {
                let parsed = files
                    .into_iter()
                    .map(|(path, p)| read_parse(&reader, &path, p))
                    .collect();
                let (f, findings) = folder(id.clone(), parsed, catalogue, as_of);
                (id, s, f, findings)
            })
            .collect();
        for (id, s, f, findings) in fresh {
            old.insert(id.clone(), f);
            self.folders.insert(id, Folder { stamp: s, findings });
        }
        any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy_dir(from: &Path, to: &Path) {
        for e in walkdir::WalkDir::new(from) {
            let e = e.unwrap();
            let rel = e.path().strip_prefix(from).unwrap();
            let dest = to.join(rel);
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&dest).unwrap();
            } else {
                std::fs::copy(e.path(), &dest).unwrap();
            }
        }
    }

    fn same_as_load(cache: &Cache, root: &Path, as_of: NaiveDate) {
        let fresh = super::super::load(root, as_of);
        let kept = cache.loaded().unwrap();
        assert_eq!(kept.findings, fresh.findings);
        assert_eq!(
            format!("{:?}", kept.records),
            format!("{:?}", fresh.records)
        );
    }

    #[test]
    fn only_the_changed_pupil_folder_is_read_again_and_the_result_equals_a_fresh_load() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("school");
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/oakfield"),
            &root,
        );
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut cache = Cache::new();
        assert!(cache.refresh(&root, as_of));
        let pupils = cache.loaded().unwrap().records.pupils.len();
        assert!(pupils > 3);
        assert_eq!(cache.folders_read(), pupils);
        same_as_load(&cache, &root, as_of);

        // Nothing changed: nothing read.
        let generation = cache.generation();
        assert!(!cache.refresh(&root, as_of));
        assert_eq!(cache.folders_read(), 0);
        assert_eq!(cache.generation(), generation);

        // One pupil's file made invalid: that folder alone is read, and its finding shows.
        let pupil = root.join("pupils/amara-okafor/pupil.yaml");
        let text = std::fs::read_to_string(&pupil).unwrap();
        std::fs::write(&pupil, format!("{text}\nnot_a_key: 1\n")).unwrap();
        assert!(cache.refresh(&root, as_of));
        assert_eq!(cache.folders_read(), 1);
        assert!(cache.generation() > generation);
        same_as_load(&cache, &root, as_of);
        assert!(
            cache
                .loaded()
                .unwrap()
                .findings
                .iter()
                .any(|f| f.file.as_deref() == Some("pupils/amara-okafor/pupil.yaml"))
        );

        // A folder removed and a new one added.
        std::fs::remove_dir_all(root.join("pupils/amara-okafor")).unwrap();
        std::fs::create_dir_all(root.join("pupils/new-pupil")).unwrap();
        assert!(cache.refresh(&root, as_of));
        assert_eq!(cache.folders_read(), 1);
        same_as_load(&cache, &root, as_of);

        // school.yaml changed, or another day: everything read again.
        let school = root.join("school.yaml");
        let text = std::fs::read_to_string(&school).unwrap();
        std::fs::write(&school, format!("{text}\n# a comment\n")).unwrap();
        assert!(cache.refresh(&root, as_of));
        assert_eq!(cache.folders_read(), pupils);
        let later = as_of.succ_opt().unwrap();
        assert!(cache.refresh(&root, later));
        assert_eq!(cache.folders_read(), pupils);
        same_as_load(&cache, &root, later);
    }
}
