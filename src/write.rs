//! The one writer of new files inside the records: every file `sen import` and `sen new`
//! create (and, later, what `sen serve`'s forms create) goes through [`create_new`]. A
//! record is placed by a path relative to the records root (`pupils/ID/meetings/DATE.yaml`)
//! and the writer promises three things (cli.md, "Import and census (0.3 additions)"):
//! - **never through a link**: every folder on the way inside the records (`pupils/`, the
//!   pupil's folder, `cycles/`, `meetings/`, `annual-reviews/`) must be a real folder, so a
//!   link can never put one child's record into another child's folder or outside the
//!   records; only the link by which the records themselves were reached is the user's own;
//! - **never over a file**: a file, folder or link already at the path is left as it is and
//!   the write refused;
//! - **whole or not at all**: the text goes to a temporary file in the same folder, is
//!   flushed to disk, and is then hard-linked into place (which fails, on every operating
//!   system, if the name exists) and the temporary name removed. A failed write removes the
//!   temporary file and any folder it had just created, so nothing half-written is left.
//!
//! [`check_new`] makes the same checks without writing, so a command can check every path
//! before it writes the first (`sen import`, and its `--dry-run`). The path walk
//! ([`links_on_the_way`]) and the temporary file ([`write_temp`]) are shared with
//! `render::write_private`, the writer of letters and reports outside the records.
//!
//! [`replace`] is the one way an existing record changes (`sen serve`'s forms and text
//! editor): the same walk, the file's fingerprint as the page showed it checked first, and
//! a temporary file renamed over the old one.

use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Why a path inside the records cannot take a new file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The path is not a plain relative path (`..`, an absolute path, an empty part).
    NotInside,
    /// A folder on the way (relative path) is a symbolic link.
    Link(String),
    /// Something that is not a folder (relative path) stands where a folder should be.
    NotAFolder(String),
    /// The file (or a folder or link of that name) is already there.
    Exists,
}

impl Refusal {
    /// The refusal as a sentence about `rel`.
    pub fn message(&self, rel: &str) -> String {
        match self {
            Refusal::NotInside => format!("`{rel}` is not a path inside the records"),
            Refusal::Link(at) => format!(
                "refusing to write `{rel}`: `{at}` is a symbolic link, and sen writes inside the records only through real folders\n  help: replace the link with the folder itself"
            ),
            Refusal::NotAFolder(at) => format!(
                "cannot write `{rel}`: `{at}` is a file where a folder should be\n  help: move that file out of the way"
            ),
            Refusal::Exists => format!(
                "`{rel}` already exists, and sen never writes over a record\n  help: edit that file"
            ),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Refusal::NotInside => "not inside the records",
            Refusal::Link(_) => "a symbolic link on the way",
            Refusal::NotAFolder(_) => "a file where a folder should be",
            Refusal::Exists => "already there",
        })
    }
}

/// The parts of `rel` (`/`-separated), or a refusal when it is not a plain relative path.
fn parts(rel: &str) -> Result<Vec<&str>, Refusal> {
    let parts: Vec<&str> = rel.split('/').collect();
    let plain = parts.iter().all(|p| {
        !p.is_empty()
            && *p != "."
            && *p != ".."
            && !p.contains('\\')
            && matches!(Path::new(p).components().next(), Some(Component::Normal(_)))
            && Path::new(p).components().count() == 1
    });
    if parts.is_empty() || !plain {
        return Err(Refusal::NotInside);
    }
    Ok(parts)
}

/// Whether a new file can be created at `rel` under `root` now: no link and no file on the
/// way, nothing at the path itself. Folders that do not exist yet are fine (the writer
/// creates them).
pub fn check_new(root: &Path, rel: &str) -> Result<(), Refusal> {
    let parts = parts(rel)?;
    let mut at = root.to_path_buf();
    for (i, part) in parts.iter().enumerate() {
        at.push(part);
        let shown = parts[..=i].join("/");
        let last = i + 1 == parts.len();
        match fs::symlink_metadata(&at) {
            Err(_) => return Ok(()),
            Ok(_) if last => return Err(Refusal::Exists),
            Ok(m) if m.file_type().is_symlink() => return Err(Refusal::Link(shown)),
            Ok(m) if !m.is_dir() => return Err(Refusal::NotAFolder(shown)),
            Ok(_) => {}
        }
    }
    Ok(())
}

/// Create the file `rel` under the records `root` holding `contents`: through real folders
/// only, never over anything, whole or not at all (see the module's paragraph).
pub fn create_new(root: &Path, rel: &str, contents: &[u8]) -> Result<()> {
    if let Err(r) = check_new(root, rel) {
        bail!("{}", r.message(rel));
    }
    let parts = parts(rel).map_err(|r| anyhow::anyhow!(r.message(rel)))?;
    let (file, folders) = parts.split_last().expect("parts is never empty");
    let mut made: Vec<PathBuf> = Vec::new();
    let walked = make_folders(root, folders, rel, &mut made)
        .and_then(|dir| place_new(&dir, file, rel, contents));
    if walked.is_err() {
        // Leave no empty folder behind (it would read as a pupil without pupil.yaml).
        for d in made.iter().rev() {
            let _ = fs::remove_dir(d);
        }
    }
    walked
}

/// Make the folders on the way to a new file, one at a time, each checked again once it is
/// there: one made a link meanwhile is refused before anything is written into it. The
/// folders made are added to `made`; the last folder is returned.
fn make_folders(
    root: &Path,
    folders: &[&str],
    rel: &str,
    made: &mut Vec<PathBuf>,
) -> Result<PathBuf> {
    let mut dir = root.to_path_buf();
    for (i, part) in folders.iter().enumerate() {
        dir.push(part);
        match fs::create_dir(&dir) {
            Ok(()) => made.push(dir.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                return Err(e).with_context(|| {
                    format!("cannot create the folder `{}`", folders[..=i].join("/"))
                });
            }
        }
        let m = fs::symlink_metadata(&dir)
            .with_context(|| format!("cannot read `{}`", folders[..=i].join("/")))?;
        if m.file_type().is_symlink() {
            bail!("{}", Refusal::Link(folders[..=i].join("/")).message(rel));
        }
        if !m.is_dir() {
            bail!(
                "{}",
                Refusal::NotAFolder(folders[..=i].join("/")).message(rel)
            );
        }
    }
    // The folder is where it seems: its real path is the records' real path and the
    // folder names, so nothing on the way was a link (a junction, say) after all.
    let real_root = root
        .canonicalize()
        .with_context(|| format!("cannot read the records folder `{}`", root.display()))?;
    let expected = folders.iter().fold(real_root, |p, f| p.join(f));
    let real = dir
        .canonicalize()
        .with_context(|| format!("cannot read `{}`", folders.join("/")))?;
    if real != expected {
        bail!(
            "refusing to write `{rel}`: a folder on the way leads somewhere else in the end\n  help: replace any link on the way with the folder itself"
        );
    }
    Ok(dir)
}

/// Put `contents` at `dir/file`, whole, only if nothing has that name: written to a
/// temporary file first, then linked (or renamed) to its name.
fn place_new(dir: &Path, file: &str, rel: &str, contents: &[u8]) -> Result<()> {
    let tmp = write_temp(dir, contents, false).with_context(|| format!("cannot write `{rel}`"))?;
    let target = dir.join(file);
    let placed = match fs::hard_link(&tmp, &target) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let _ = fs::remove_file(&tmp);
            bail!("{}", Refusal::Exists.message(rel));
        }
        // A file system without hard links (FAT on a USB stick): rename, after a last
        // look that nothing has the name.
        Err(e) => match fs::symlink_metadata(&target) {
            Err(n) if n.kind() == std::io::ErrorKind::NotFound => fs::rename(&tmp, &target),
            Ok(_) => {
                let _ = fs::remove_file(&tmp);
                bail!("{}", Refusal::Exists.message(rel));
            }
            Err(_) => Err(e),
        },
    };
    if let Err(e) = placed {
        let _ = fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot write `{rel}`"));
    }
    let _ = fs::remove_file(&tmp);
    sync_dir(dir);
    Ok(())
}

/// The fingerprint of a file's bytes a form carries (SHA-256, hex): a write that replaces
/// the file is refused when the file no longer has it.
pub fn fingerprint(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(bytes))
}

/// Bytes as lower-case hexadecimal (a hash in a form, a file name, a calendar UID).
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Why [`replace`] did not write.
#[derive(Debug)]
pub enum NotReplaced {
    /// The path is refused (a link or a file on the way, not inside, or not a plain file).
    Refused(String),
    /// The file changed since the page showed it: these are its bytes now.
    Stale(Vec<u8>),
    /// The disk said no.
    Failed(anyhow::Error),
}

impl std::fmt::Display for NotReplaced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotReplaced::Refused(m) => f.write_str(m),
            NotReplaced::Stale(_) => f.write_str(
                "the file changed since this page showed it (in another tab or an editor), so nothing was written",
            ),
            NotReplaced::Failed(e) => write!(f, "{e:#}"),
        }
    }
}

/// Replace the existing record `rel` under `root` with `contents`, only if its bytes still
/// have the fingerprint `expected` (what the page showed): through real folders only, the
/// file itself a plain file (never a link), whole or not at all (a temporary file in the
/// same folder, flushed, then renamed over the old one, keeping its permissions). The one
/// window left is between reading the file and the rename (microseconds); an editor saving
/// in it is the one case this cannot see.
pub fn replace(root: &Path, rel: &str, expected: &str, contents: &[u8]) -> Result<(), NotReplaced> {
    let parts = parts(rel).map_err(|r| NotReplaced::Refused(r.message(rel)))?;
    let mut at = root.to_path_buf();
    for (i, part) in parts.iter().enumerate() {
        at.push(part);
        let shown = parts[..=i].join("/");
        let m = fs::symlink_metadata(&at).map_err(|e| {
            NotReplaced::Failed(anyhow::Error::new(e).context(format!("cannot read `{shown}`")))
        })?;
        let last = i + 1 == parts.len();
        if m.file_type().is_symlink() {
            return Err(NotReplaced::Refused(Refusal::Link(shown).message(rel)));
        }
        if last && !m.is_file() {
            return Err(NotReplaced::Refused(format!(
                "`{rel}` is not a plain file, and sen changes only plain files"
            )));
        }
        if !last && !m.is_dir() {
            return Err(NotReplaced::Refused(
                Refusal::NotAFolder(shown).message(rel),
            ));
        }
    }
    let dir = at.parent().expect("a file has a folder").to_path_buf();
    let real_root = root
        .canonicalize()
        .map_err(|e| NotReplaced::Failed(e.into()))?;
    let expected_dir = parts[..parts.len() - 1]
        .iter()
        .fold(real_root, |p, f| p.join(f));
    match dir.canonicalize() {
        Ok(real) if real == expected_dir => {}
        Ok(_) => {
            return Err(NotReplaced::Refused(format!(
                "refusing to write `{rel}`: a folder on the way leads somewhere else in the end\n  help: replace any link on the way with the folder itself"
            )));
        }
        Err(e) => return Err(NotReplaced::Failed(e.into())),
    }
    let now = fs::read(&at).map_err(|e| {
        NotReplaced::Failed(anyhow::Error::new(e).context(format!("cannot read `{rel}`")))
    })?;
    if fingerprint(&now) != expected {
        return Err(NotReplaced::Stale(now));
    }
    let tmp = write_temp(&dir, contents, false).map_err(|e| {
        NotReplaced::Failed(anyhow::Error::new(e).context(format!("cannot write `{rel}`")))
    })?;
    if let Ok(m) = fs::metadata(&at) {
        let _ = fs::set_permissions(&tmp, m.permissions());
    }
    if let Err(e) = fs::rename(&tmp, &at) {
        let _ = fs::remove_file(&tmp);
        return Err(NotReplaced::Failed(
            anyhow::Error::new(e).context(format!("cannot write `{rel}`")),
        ));
    }
    sync_dir(&dir);
    Ok(())
}

/// Flush a folder's entries to disk, so a new name survives a power cut (Unix; Windows
/// has no way to open a folder for this).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Write `contents` to a new temporary file of a short fixed-length name in `dir`, flushed
/// to disk, and return its path; on failure nothing is left. `private` makes it readable by
/// its owner only on Unix (outputs that hold personal data outside the records).
pub fn write_temp(dir: &Path, contents: &[u8], private: bool) -> std::io::Result<PathBuf> {
    let mut n = 0u32;
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(".sen-{}-{n}.tmp", std::process::id()));
        let mut o = fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        if private {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600);
        }
        #[cfg(not(unix))]
        let _ = private;
        match o.open(&tmp) {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err(e),
        }
    };
    let written = file.write_all(contents).and_then(|()| file.sync_all());
    drop(file);
    match written {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// `path` made absolute against the current folder, `.` and `..` resolved by name, links
/// left as they are.
pub fn lexical(path: &Path) -> Result<PathBuf> {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .context("cannot read the current folder")?
            .join(path)
    };
    let mut abs = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                abs.pop();
            }
            Component::CurDir => {}
            other => abs.push(other),
        }
    }
    Ok(abs)
}

/// Every symbolic link on the way to `target` (the folders leading to it, and the path
/// itself), in order, leaving out the way to `from` (the records root as given: the link
/// by which the records were reached is the user's own). Both are made absolute by name
/// first. The walk stops where nothing exists.
pub fn links_on_the_way(from: &Path, target: &Path) -> Result<Vec<PathBuf>> {
    let from = lexical(from)?;
    let target = lexical(target)?;
    let mut prefix = PathBuf::new();
    let mut links = Vec::new();
    for c in target.components() {
        prefix.push(c);
        if from.starts_with(&prefix) {
            continue;
        }
        let Ok(meta) = fs::symlink_metadata(&prefix) else {
            break;
        };
        if meta.file_type().is_symlink() {
            links.push(prefix.clone());
        }
    }
    Ok(links)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_only_while_it_still_has_the_fingerprint_the_page_showed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let rel = "pupils/amy-fisher/pupil.yaml";
        create_new(dir.path(), rel, b"# kept\nname: Amy\n").expect("written");
        let shown = fingerprint(b"# kept\nname: Amy\n");
        replace(dir.path(), rel, &shown, b"# kept\nname: Amy Fisher\n").expect("replaced");
        let path = dir.path().join(rel);
        assert_eq!(fs::read(&path).unwrap(), b"# kept\nname: Amy Fisher\n");
        // The same page's fingerprint is now stale: the second write is refused, and the
        // refusal carries the file as it is now.
        match replace(dir.path(), rel, &shown, b"name: lost\n") {
            Err(NotReplaced::Stale(now)) => assert_eq!(now, b"# kept\nname: Amy Fisher\n"),
            other => panic!("{other:?}"),
        }
        assert_eq!(fs::read(&path).unwrap(), b"# kept\nname: Amy Fisher\n");
        // Nothing temporary is left beside it.
        let names: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("pupil.yaml")]);
        // A path that is not a plain file inside is refused.
        assert!(matches!(
            replace(dir.path(), "../x.yaml", &shown, b""),
            Err(NotReplaced::Refused(_))
        ));
        assert!(matches!(
            replace(dir.path(), "pupils/amy-fisher", &shown, b""),
            Err(NotReplaced::Refused(_))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn replace_never_writes_through_a_link() {
        let dir = tempfile::tempdir().expect("tempdir");
        let outside = tempfile::tempdir().expect("tempdir");
        fs::write(outside.path().join("pupil.yaml"), b"name: Other\n").unwrap();
        fs::create_dir(dir.path().join("pupils")).unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("pupils/amy-fisher")).unwrap();
        let shown = fingerprint(b"name: Other\n");
        let r = replace(
            dir.path(),
            "pupils/amy-fisher/pupil.yaml",
            &shown,
            b"name: X\n",
        );
        assert!(matches!(r, Err(NotReplaced::Refused(_))), "{r:?}");
        fs::create_dir(dir.path().join("pupils/bo-li")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("pupil.yaml"),
            dir.path().join("pupils/bo-li/pupil.yaml"),
        )
        .unwrap();
        let r = replace(dir.path(), "pupils/bo-li/pupil.yaml", &shown, b"name: X\n");
        assert!(matches!(r, Err(NotReplaced::Refused(_))), "{r:?}");
        assert_eq!(
            fs::read(outside.path().join("pupil.yaml")).unwrap(),
            b"name: Other\n"
        );
    }

    #[test]
    fn a_new_file_is_written_whole_with_its_folders() {
        let dir = tempfile::tempdir().expect("tempdir");
        create_new(
            dir.path(),
            "pupils/amy-fisher/meetings/2026-11-23.yaml",
            b"date: x\n",
        )
        .expect("written");
        assert_eq!(
            fs::read(
                dir.path()
                    .join("pupils/amy-fisher/meetings/2026-11-23.yaml")
            )
            .expect("read"),
            b"date: x\n"
        );
        let names: Vec<_> = fs::read_dir(dir.path().join("pupils/amy-fisher/meetings"))
            .expect("dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
    }

    #[test]
    fn an_existing_file_is_never_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::create_dir_all(dir.path().join("pupils/a")).expect("mkdir");
        fs::write(dir.path().join("pupils/a/pupil.yaml"), "mine").expect("write");
        assert_eq!(
            check_new(dir.path(), "pupils/a/pupil.yaml"),
            Err(Refusal::Exists)
        );
        assert!(create_new(dir.path(), "pupils/a/pupil.yaml", b"theirs").is_err());
        assert_eq!(
            fs::read_to_string(dir.path().join("pupils/a/pupil.yaml")).expect("read"),
            "mine"
        );
        // A folder where the file should go is left as it is, too.
        fs::create_dir_all(dir.path().join("pupils/b/pupil.yaml")).expect("mkdir");
        assert!(create_new(dir.path(), "pupils/b/pupil.yaml", b"x").is_err());
        assert!(dir.path().join("pupils/b/pupil.yaml").is_dir());
    }

    #[test]
    fn a_file_where_a_folder_should_be_is_refused_and_nothing_is_left() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::create_dir_all(dir.path().join("pupils")).expect("mkdir");
        fs::write(dir.path().join("pupils/a"), "stray").expect("write");
        assert_eq!(
            check_new(dir.path(), "pupils/a/pupil.yaml"),
            Err(Refusal::NotAFolder("pupils/a".into()))
        );
        assert!(create_new(dir.path(), "pupils/a/pupil.yaml", b"x").is_err());
        assert_eq!(
            fs::read_to_string(dir.path().join("pupils/a")).expect("read"),
            "stray"
        );
    }

    #[test]
    fn paths_that_leave_the_records_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        for rel in [
            "../x.yaml",
            "/tmp/x.yaml",
            "pupils//x.yaml",
            "pupils/./x.yaml",
            "",
        ] {
            assert_eq!(check_new(dir.path(), rel), Err(Refusal::NotInside), "{rel}");
            assert!(create_new(dir.path(), rel, b"x").is_err(), "{rel}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_link_anywhere_on_the_way_is_refused() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("records");
        let elsewhere = dir.path().join("elsewhere");
        fs::create_dir_all(root.join("pupils/ben/meetings")).expect("mkdir");
        fs::create_dir_all(&elsewhere).expect("mkdir");
        symlink(root.join("pupils/ben/meetings"), root.join("pupils/amy")).expect("link");
        symlink(&elsewhere, root.join("pupils/cat")).expect("link");
        fs::create_dir_all(root.join("pupils/dan")).expect("mkdir");
        symlink(
            root.join("pupils/ben/meetings"),
            root.join("pupils/dan/meetings"),
        )
        .expect("link");
        symlink(root.join("nowhere"), root.join("pupils/eve")).expect("link");
        for (rel, at) in [
            ("pupils/amy/pupil.yaml", "pupils/amy"),
            ("pupils/cat/pupil.yaml", "pupils/cat"),
            ("pupils/dan/meetings/2026-11-23.yaml", "pupils/dan/meetings"),
            ("pupils/eve/pupil.yaml", "pupils/eve"),
        ] {
            assert_eq!(
                check_new(&root, rel),
                Err(Refusal::Link(at.into())),
                "{rel}"
            );
            assert!(create_new(&root, rel, b"x").is_err(), "{rel}");
        }
        assert_eq!(
            fs::read_dir(root.join("pupils/ben/meetings"))
                .expect("dir")
                .count(),
            0
        );
        assert_eq!(fs::read_dir(&elsewhere).expect("dir").count(), 0);
        assert!(!root.join("nowhere").exists());
        // The records reached through a link are the user's own way in.
        let via = dir.path().join("via");
        symlink(&root, &via).expect("link");
        create_new(&via, "pupils/fay/pupil.yaml", b"x").expect("written");
        assert!(root.join("pupils/fay/pupil.yaml").is_file());
    }
}
