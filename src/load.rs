//! Reading a records root: walk it (sorted, links not followed), read and parse every record
//! file in parallel, build the model, and collect every validity finding. One bad file never
//! stops the others.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use chrono::NaiveDate;
use rayon::prelude::*;
use walkdir::WalkDir;

use crate::findings::{Finding, Kind, Rule};
use crate::model::*;
use crate::records::*;
use crate::validate::{self, FileCheck};
use crate::yaml::{self, Failure, ParseError};

pub mod cache;
pub mod check;

/// The largest record file `sen` reads. A pupil's record is a few kilobytes; anything near
/// this is not a record, and reading it whole would cost memory for nothing.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The model and every validity finding.
pub struct Loaded {
    pub records: Records,
    pub findings: Vec<Finding>,
}

/// What a path under the root is, by where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    School,
    Pupil(String),
    Cycle(String),
    Meeting(String),
    Ehcp(String),
    AnnualReview(String),
}

impl Place {
    fn pupil(&self) -> Option<&str> {
        match self {
            Place::School => None,
            Place::Pupil(p)
            | Place::Cycle(p)
            | Place::Meeting(p)
            | Place::Ehcp(p)
            | Place::AnnualReview(p) => Some(p),
        }
    }
}

fn is_yaml(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
}

/// Where a relative path (with '/') belongs, or `None` for a YAML file in no expected place.
fn place(rel: &str) -> Option<Place> {
    let parts: Vec<&str> = rel.split('/').collect();
    match parts.as_slice() {
        ["school.yaml"] => Some(Place::School),
        ["pupils", id, "pupil.yaml"] => Some(Place::Pupil(id.to_string())),
        ["pupils", id, "ehcp.yaml"] => Some(Place::Ehcp(id.to_string())),
        ["pupils", id, "cycles", f] if is_yaml(f) => Some(Place::Cycle(id.to_string())),
        ["pupils", id, "meetings", f] if is_yaml(f) => Some(Place::Meeting(id.to_string())),
        ["pupils", id, "annual-reviews", f] if is_yaml(f) => {
            Some(Place::AnnualReview(id.to_string()))
        }
        _ => None,
    }
}

/// The kind of record a relative path (with '/') holds, by the name `sen schema` gives its
/// schema (`school`, `pupil`, `cycle`, `meeting`, `ehcp`, `annual-review`), or `None` where
/// no record stands.
pub fn record_kind(rel: &str) -> Option<&'static str> {
    place(rel).map(|p| match p {
        Place::School => "school",
        Place::Pupil(_) => "pupil",
        Place::Cycle(_) => "cycle",
        Place::Meeting(_) => "meeting",
        Place::Ehcp(_) => "ehcp",
        Place::AnnualReview(_) => "annual-review",
    })
}

/// The pupil folder a path is inside, if any.
fn pupil_of(rel: &str) -> Option<&str> {
    let mut parts = rel.split('/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("pupils"), Some(id), Some(_)) => Some(id),
        _ => None,
    }
}

/// A pupil id that can be joined onto a folder path without leaving it: one plain folder
/// name, with no separator (`/`, `\\`), no `.` or `..`, no leading `.` (hidden), no drive
/// or root, and no control character. `sen letter` checks the ids it is given here first
/// (`sen new` asks more: a [`validate::valid_pupil_id`]); the loader's own ids come from the
/// walk and are single folder names already. Looser than [`validate::valid_pupil_id`], so a
/// folder with a bad name (reported by `sen check`) can still be named.
pub fn safe_pupil_id(id: &str) -> Result<&str, String> {
    let plain = !id.is_empty()
        && !id.starts_with('.')
        && !id
            .chars()
            .any(|c| matches!(c, '/' | '\\' | ':') || c.is_control())
        && {
            let mut parts = Path::new(id).components();
            matches!(
                (parts.next(), parts.next()),
                (Some(std::path::Component::Normal(_)), None)
            )
        };
    if plain {
        Ok(id)
    } else {
        Err(format!(
            "`{id}` is not a pupil id: an id is the name of one folder under pupils/, such as `amara-okafor`"
        ))
    }
}

/// A file name as text, with every byte that is not UTF-8 written `\xNN`: unlike a lossy
/// conversion, two different names never become the same text, so two folders never merge
/// into one pupil.
pub fn lossless(name: &std::ffi::OsStr) -> String {
    let bytes = name.as_encoded_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        // A backslash is doubled, so a name that really holds `\xFF` stays apart too.
        out.push_str(&chunk.valid().replace('\\', "\\\\"));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// `path` relative to the root, with `/` on every system so output is the same everywhere.
fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    // The usual case, a UTF-8 path with no backslash, is already the text `lossless` gives
    // (on Unix, where `/` is the separator): no name-by-name rebuilding for every file.
    if cfg!(unix)
        && let Some(text) = rel.to_str()
        && !text.contains('\\')
    {
        return text.to_string();
    }
    let parts: Vec<String> = rel.iter().map(lossless).collect();
    parts.join("/")
}

fn invalid(
    rule: Rule,
    rel: &str,
    line: Option<u32>,
    message: String,
    help: Option<&str>,
) -> Finding {
    let mut f = Finding::new(rule, Kind::Invalid, message).at(rel, line);
    if let Some(p) = pupil_of(rel) {
        f = f.pupil(p);
    }
    f.help = help.map(str::to_string);
    f
}

/// One file read from disk: its text, or the finding that says why it could not be read.
struct Read {
    rel: String,
    place: Place,
    text: Result<String, Box<Finding>>,
}

fn read(root: &Path, path: &Path, place: Place) -> Read {
    let rel = rel_path(root, path);
    let text = read_text(path, &rel).map_err(Box::new);
    Read { rel, place, text }
}

// A finding is the natural error here; it is built once per unreadable file.
#[allow(clippy::result_large_err)]
fn read_text(path: &Path, rel: &str) -> Result<String, Finding> {
    use std::io::Read as _;
    let cannot = |e: std::io::Error| {
        invalid(
            Rule::Yaml,
            rel,
            None,
            format!("cannot read the file: {}", io_reason(&e)),
            None,
        )
    };
    let too_big = |len: u64| {
        invalid(
            Rule::Yaml,
            rel,
            None,
            format!(
                "the file is {len} bytes; a record file may be at most {MAX_FILE_BYTES} bytes (1 MiB)"
            ),
            Some("a record this large is almost certainly not a record: check what was saved here"),
        )
    };
    let not_regular = || {
        invalid(
            Rule::Schema,
            rel,
            None,
            "is no longer a regular file, so it is not read".into(),
            None,
        )
    };
    // Not following a link, and not opening a pipe (which could block): the walk saw a
    // regular file, but it may have been swapped since.
    let (file, meta) = open_regular(path).map_err(|e| match e {
        Opened::NotRegular => not_regular(),
        Opened::Io(e) => cannot(e),
    })?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big(meta.len()));
    }
    // Read at most one byte past the limit, so a file that grows after the check still
    // costs no more than the limit.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    // The usual file, UTF-8 without a byte-order mark, becomes its text without a copy.
    if !bytes.starts_with(b"\xEF\xBB\xBF") {
        match String::from_utf8(bytes) {
            Ok(text) => return Ok(text),
            Err(e) => bytes = e.into_bytes(),
        }
    }
    decode(&bytes, rel)
}

/// Why [`open_regular`] gave no file.
enum Opened {
    /// A link (never followed) or something that is no regular file.
    NotRegular,
    Io(std::io::Error),
}

/// Open a file for reading without following a link, with what it is (its metadata, from
/// the open file, so it describes what is read). On Unix the file is opened with
/// `O_NOFOLLOW` and `O_NONBLOCK`, so a link swapped in is refused and a pipe swapped in does
/// not block: one path lookup a file instead of two.
#[cfg(unix)]
fn open_regular(path: &Path) -> Result<(std::fs::File, std::fs::Metadata), Opened> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => Opened::NotRegular,
            _ => Opened::Io(e),
        })?;
    let meta = file.metadata().map_err(Opened::Io)?;
    Ok((file, meta))
}

/// Elsewhere: the link is looked at before the file is opened.
#[cfg(not(unix))]
fn open_regular(path: &Path) -> Result<(std::fs::File, std::fs::Metadata), Opened> {
    let meta = std::fs::symlink_metadata(path).map_err(Opened::Io)?;
    if !meta.is_file() {
        return Err(Opened::NotRegular);
    }
    let file = std::fs::File::open(path).map_err(Opened::Io)?;
    Ok((file, meta))
}

/// UTF-8 text with any byte-order mark removed, or the finding that says it is not text.
#[allow(clippy::result_large_err)]
pub(crate) fn decode(bytes: &[u8], rel: &str) -> Result<String, Finding> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok(t.to_string()),
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u32
                + 1;
            Err(invalid(
                Rule::Yaml,
                rel,
                Some(line),
                "the file is not UTF-8 text".into(),
                Some("save it again as UTF-8 (VS Code: \"Save with Encoding\")"),
            ))
        }
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::NotFound => "it has disappeared".into(),
        _ => e.to_string(),
    }
}

/// Walk the root: record files to read, plus findings for what must not be there.
fn walk(root: &Path) -> (Vec<(PathBuf, Place)>, Vec<Finding>, Vec<String>) {
    let mut found = Walked::default();
    for entry in walker(root) {
        match entry {
            Ok(e) if e.depth() == 0 => {}
            Ok(e) => found.visit(root, &e),
            Err(err) => found.unreadable(root, &err),
        }
    }
    (found.files, found.findings, found.pupil_dirs)
}

/// The root's entries in name order (its `pupils` folder last), links not followed, hidden
/// entries and the root's out/ and templates/ left out.
fn walker(root: &Path) -> impl Iterator<Item = walkdir::Result<walkdir::DirEntry>> {
    WalkDir::new(root)
        .follow_links(false)
        // Name order, but the root's `pupils` last: [`load`] reads school.yaml (whose
        // catalogue every pupil folder is checked against) before the first pupil folder.
        .sort_by(|a, b| {
            let pupils_last = |e: &walkdir::DirEntry| e.depth() == 1 && e.file_name() == "pupils";
            pupils_last(a)
                .cmp(&pupils_last(b))
                .then_with(|| a.file_name().cmp(b.file_name()))
        })
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            let name = e.file_name().to_string_lossy();
            if name.starts_with('.') {
                return false;
            }
            // Only the root's out/ and templates/ are skipped.
            !(e.depth() == 1 && e.file_type().is_dir() && (name == "out" || name == "templates"))
        })
}

/// What the walk has found so far.
#[derive(Default)]
struct Walked {
    files: Vec<(PathBuf, Place)>,
    findings: Vec<Finding>,
    pupil_dirs: Vec<String>,
}

impl Walked {
    /// An entry the walk could not read (a folder without permission, say).
    fn unreadable(&mut self, root: &Path, err: &walkdir::Error) {
        let rel = err.path().map_or_else(String::new, |p| rel_path(root, p));
        let reason = err.io_error().map_or_else(|| err.to_string(), io_reason);
        self.findings.push(invalid(
            Rule::Yaml,
            &rel,
            None,
            format!("cannot read: {reason}"),
            None,
        ));
    }

    /// One entry below the root: a link, a folder, or a file.
    fn visit(&mut self, root: &Path, entry: &walkdir::DirEntry) {
        let rel = rel_path(root, entry.path());
        let name = lossless(entry.file_name());
        let ft = entry.file_type();
        if ft.is_symlink() {
            self.link(entry, &rel, &name);
        } else if ft.is_dir() {
            if entry.depth() == 2 && rel.starts_with("pupils/") {
                self.pupil_dirs.push(name.clone());
            }
            if is_yaml(&name) {
                self.findings.push(invalid(
                    Rule::Schema,
                    &rel,
                    None,
                    "is a folder, but its name is that of a record file".into(),
                    Some("rename or remove the folder"),
                ));
            }
        } else {
            self.file(entry, rel, &name);
        }
    }

    /// A symbolic link: never followed, and reported where it stands in for records.
    fn link(&mut self, entry: &walkdir::DirEntry, rel: &str, name: &str) {
        if entry.depth() == 1 && name == "pupils" {
            // A link in place of the pupils' folder, whatever it points at: every pupil
            // would vanish from the check without a word (records.md 0.3).
            self.findings.push(invalid(
                Rule::Schema,
                rel,
                None,
                "`pupils` is a symbolic link, not a folder; sen does not follow links, so no pupil's records are read".into(),
                Some("make `pupils` a real folder holding one folder per pupil"),
            ));
            return;
        }
        if is_yaml(name)
            || std::fs::metadata(entry.path())
                .map(|m| m.is_dir())
                .unwrap_or(true)
        {
            let mut f = invalid(
                Rule::Schema,
                rel,
                None,
                "is a symbolic link; sen does not follow links, so its records are not read".into(),
                Some("keep record files and folders inside the records folder itself"),
            );
            // A linked pupil folder belongs to that pupil, as a real folder would.
            if entry.depth() == 2 && rel.starts_with("pupils/") {
                f = f.pupil(name);
            }
            self.findings.push(f);
        }
    }

    /// Anything that is neither a folder nor a link: a record to read if it stands where a
    /// record belongs and is a regular file.
    fn file(&mut self, entry: &walkdir::DirEntry, rel: String, name: &str) {
        if entry.depth() == 1 && name == "pupils" {
            // Not a folder (a folder or a link was handled above): every pupil would vanish
            // from the check without a word.
            self.findings.push(invalid(
                Rule::Schema,
                &rel,
                None,
                "`pupils` is a file, not a folder, so no pupil's records can be read".into(),
                Some("make `pupils` a folder holding one folder per pupil (sen init makes one)"),
            ));
            return;
        }
        if !is_yaml(name) {
            return;
        }
        // A FIFO, socket or device named like a record: reading it could block for ever or
        // never end, so it is reported, not read.
        if !entry.file_type().is_file() {
            self.findings.push(invalid(
                Rule::Schema,
                &rel,
                None,
                "is not a regular file (a pipe, socket or device), so it is not read".into(),
                Some("remove it: record files are ordinary text files"),
            ));
            return;
        }
        match place(&rel) {
            Some(p) => self.files.push((entry.path().to_path_buf(), p)),
            None => {
                let help = if rel.ends_with(".yml")
                    && place(&rel.replace(".yml", ".yaml")).is_some()
                {
                    "name it `.yaml`"
                } else {
                    "records go in school.yaml, pupils/ID/pupil.yaml, pupils/ID/ehcp.yaml, or pupils/ID/cycles/, meetings/ and annual-reviews/; move or remove this file"
                };
                self.findings.push(invalid(
                    Rule::Schema,
                    &rel,
                    None,
                    "a YAML file where no record belongs".into(),
                    Some(help),
                ));
            }
        }
    }
}

/// A file read and parsed (or the reason it could not be).
type ParsedFile = (Read, Result<Parsed, ParseError>);

/// A parsed record, ready to be checked.
#[allow(clippy::large_enum_variant)] // one per file, moved once: boxing buys nothing
enum Parsed {
    School(Box<RawSchoolFile>, Vec<(String, ParseError)>),
    Pupil(RawPupil),
    Cycle(RawCycle),
    Meeting(RawMeeting),
    Ehcp(RawEhcp),
    AnnualReview(RawAnnualReview),
}

/// Read and check every record under `root`, as on `as_of`.
///
/// The walk runs on this thread and hands each pupil folder to the parallel workers as soon
/// as it has left it, so reading and parsing overlap the walk, and only the model (not every
/// file's text and raw form) is held at once. school.yaml is read first (the walk takes the
/// root's `pupils` last): every folder is checked against its catalogue.
pub fn load(root: &Path, as_of: NaiveDate) -> Loaded {
    let read = |path: &Path, place: Place| read(root, path, place);
    let catalogue: OnceLock<Option<validate::CatalogueIds>> = OnceLock::new();
    let done: Mutex<Vec<(PupilFolder, Vec<Finding>)>> = Mutex::new(Vec::new());
    let mut walked = Walked::default();
    let mut school: Option<(Records, Vec<Finding>)> = None;
    rayon::in_place_scope(|scope| {
        let (catalogue, done, read) = (&catalogue, &done, &read);
        // The folder the walk has left: its files, checked by a worker.
        let hand_over = |walked: &mut Walked| {
            let files = std::mem::take(&mut walked.files);
            let ids = std::mem::take(&mut walked.pupil_dirs);
            for (id, files) in by_pupil(ids, files) {
                scope.spawn(move |_| {
                    let parsed = files
                        .into_iter()
                        .map(|(path, p)| read_parse(read, &path, p))
                        .collect();
                    let checked =
                        folder(id, parsed, catalogue.get().and_then(Option::as_ref), as_of);
                    done.lock().unwrap_or_else(|e| e.into_inner()).push(checked);
                });
            }
        };
        for entry in walker(root) {
            match entry {
                Ok(e) if e.depth() == 0 => {}
                Ok(e) => {
                    if e.depth() == 1 && e.file_name() == "pupils" {
                        school = Some(school_first(root, &mut walked, read, catalogue));
                    } else if e.depth() == 2 && school.is_some() {
                        hand_over(&mut walked);
                    }
                    walked.visit(root, &e);
                }
                Err(err) => walked.unreadable(root, &err),
            }
        }
        if school.is_none() {
            school = Some(school_first(root, &mut walked, read, catalogue));
        }
        hand_over(&mut walked);
    });
    let (mut records, mut school_findings) = school.unwrap_or_default();
    let mut findings = walked.findings;
    findings.append(&mut school_findings);
    let mut folders = done.into_inner().unwrap_or_else(|e| e.into_inner());
    folders.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    for (folder, mut f) in folders {
        findings.append(&mut f);
        records.pupils.push(folder);
    }
    finish(records, findings)
}

/// school.yaml, read and checked when the walk reaches the root's `pupils` (or its end):
/// the records with the school filled in and its findings; its catalogue is set for the
/// pupil folders.
fn school_first(
    root: &Path,
    walked: &mut Walked,
    read: &(dyn Fn(&Path, Place) -> Read + Sync),
    catalogue: &OnceLock<Option<validate::CatalogueIds>>,
) -> (Records, Vec<Finding>) {
    let mut findings = Vec::new();
    let (records, ids) = school_part(root, std::mem::take(&mut walked.files), &mut findings, read);
    // Set once: the walk reaches `pupils` (or its end) once.
    let _ = catalogue.set(ids);
    (records, findings)
}

/// The validity findings `sen check` would make of the pupil folder holding `rel` (relative,
/// with `/`) if that file held `text`: the folder's files checked together against the
/// school's catalogue, as [`load`] checks them, reading school.yaml and that one folder
/// only. A form checks the file it would write with this before writing it. The one check
/// across folders (a UPN used twice) is not made: no form changes a UPN.
pub fn check_as_if(root: &Path, as_of: NaiveDate, rel: &str, text: &str) -> Vec<Finding> {
    let Some(id) = place(rel).and_then(|p| p.pupil().map(str::to_string)) else {
        return Vec::new();
    };
    let (files, _, _) = walk(root);
    let reader = |path: &Path, place: Place| {
        let mut r = read(root, path, place);
        if r.rel == rel {
            r.text = Ok(text.to_string());
        }
        r
    };
    let (school_files, pupil_files): (Vec<_>, Vec<_>) =
        files.into_iter().partition(|(_, p)| *p == Place::School);
    let (_, catalogue) = school_part(root, school_files, &mut Vec::new(), &reader);
    let parsed = pupil_files
        .into_iter()
        .filter(|(_, p)| p.pupil() == Some(id.as_str()))
        .map(|(path, p)| read_parse(&reader, &path, p))
        .collect();
    let (_, mut findings) = folder(id, parsed, catalogue.as_ref(), as_of);
    for f in &mut findings {
        f.message = crate::findings::printable(clip_quoted(&f.message));
    }
    findings
}

/// Load `data` as the content of every kind of record file at once (school, pupil, cycle,
/// meeting, EHC plan, annual review of one pupil `a`), with no file system: the loader's
/// half of [`crate::fuzz::fuzz_one`].
pub fn load_everywhere(data: &[u8], as_of: NaiveDate) -> Loaded {
    let text = decode(data, "fuzz").map_err(Box::new);
    let files = [
        ("school.yaml", Place::School),
        ("pupils/a/pupil.yaml", Place::Pupil("a".into())),
        ("pupils/a/cycles/c.yaml", Place::Cycle("a".into())),
        ("pupils/a/meetings/m.yaml", Place::Meeting("a".into())),
        ("pupils/a/ehcp.yaml", Place::Ehcp("a".into())),
        (
            "pupils/a/annual-reviews/r.yaml",
            Place::AnnualReview("a".into()),
        ),
    ]
    .into_iter()
    .map(|(rel, place)| (PathBuf::from(rel), place))
    .collect();
    let read = |path: &Path, place: Place| Read {
        rel: path.to_string_lossy().into_owned(),
        place,
        text: text.clone(),
    };
    assemble(
        Path::new("."),
        files,
        Vec::new(),
        vec!["a".into()],
        as_of,
        &read,
    )
}

/// Read a file and parse it as the record its place holds.
fn read_parse(
    read: &(dyn Fn(&Path, Place) -> Read + Sync),
    path: &Path,
    place: Place,
) -> ParsedFile {
    let r = read(path, place);
    let parsed = match &r.text {
        Err(_) => Err(ParseError {
            failure: Failure::Yaml,
            line: None,
            col: None,
            message: String::new(),
            help: None,
        }),
        Ok(text) => parse(&r.place, text),
    };
    (r, parsed)
}

/// Read and check school.yaml: the records with the school filled in (no pupils yet), its
/// findings added to `findings`, and the catalogue pupils' `ref`s are checked against.
fn school_part(
    root: &Path,
    school_files: Vec<(PathBuf, Place)>,
    findings: &mut Vec<Finding>,
    read: &(dyn Fn(&Path, Place) -> Read + Sync),
) -> (Records, Option<validate::CatalogueIds>) {
    let parsed: Vec<ParsedFile> = school_files
        .into_iter()
        .map(|(path, p)| read_parse(read, &path, p))
        .collect();

    let mut records = Records {
        root: root.to_path_buf(),
        ..Records::default()
    };
    let mut school_seen = false;
    let mut school_text: Option<String> = None;

    // The school first: pupils' provision refs are checked against its catalogue.
    for (r, p) in parsed {
        school_seen = true;
        let text = match &r.text {
            Ok(t) => t.as_str(),
            Err(f) => {
                findings.push((**f).clone());
                records.school_bad.all = true;
                continue;
            }
        };
        school_text = Some(text.to_string());
        let mut check = FileCheck::new(&r.rel, None, text);
        match p {
            Ok(Parsed::School(raw, section_errors)) => {
                let mut skipped = Vec::new();
                for (section, e) in &section_errors {
                    report_parse(&mut check, e);
                    match section.as_str() {
                        "settings" | "terms" => records.school_bad.all = true,
                        "senco" => records.school_bad.senco = true,
                        "information_report" => records.school_bad.information_report = true,
                        "provisions" => records.school_bad.provisions = true,
                        _ => {}
                    }
                    skipped.push(section.as_str());
                }
                records.school =
                    validate::school(&mut check, &raw, &mut records.school_bad, &skipped);
            }
            Ok(_) => {}
            Err(e) => {
                report_parse(&mut check, &e);
                records.school_bad = SchoolBad {
                    all: true,
                    senco: true,
                    information_report: true,
                    provisions: true,
                };
            }
        }
        findings.append(&mut check.findings);
    }
    if !school_seen {
        records.school_bad = SchoolBad {
            all: true,
            senco: true,
            information_report: true,
            provisions: true,
        };
    }
    let catalogue = school_text.map(|text| catalogue_of(&text, &records.school));
    (records, catalogue)
}

/// Read, parse and check the files the walk found: the part of [`load`] after the walk.
/// `read` gives a file's text (the file system for [`load`], one input for
/// [`load_everywhere`]).
fn assemble(
    root: &Path,
    files: Vec<(PathBuf, Place)>,
    mut findings: Vec<Finding>,
    pupil_dirs: Vec<String>,
    as_of: NaiveDate,
    read: &(dyn Fn(&Path, Place) -> Read + Sync),
) -> Loaded {
    // Read, parse and check one folder at a time, in parallel, so that only the model (not
    // every file's text and raw form) is held at once.
    let read_parse = |path: &Path, place: Place| read_parse(read, path, place);
    let (school_files, pupil_files): (Vec<_>, Vec<_>) =
        files.into_iter().partition(|(_, p)| *p == Place::School);
    let (mut records, catalogue) = school_part(root, school_files, &mut findings, read);
    let catalogue = catalogue.as_ref();

    // Group the pupils' files by folder and check each folder in parallel.
    let folders: Vec<(PupilFolder, Vec<Finding>)> = by_pupil(pupil_dirs, pupil_files)
        .into_par_iter()
        .map(|(id, files)| {
            let parsed = files
                .into_iter()
                .map(|(path, p)| read_parse(&path, p))
                .collect();
            folder(id, parsed, catalogue, as_of)
        })
        .collect();
    for (folder, mut f) in folders {
        findings.append(&mut f);
        records.pupils.push(folder);
    }
    finish(records, findings)
}

/// The checks across folders (a UPN used twice) and every message made printable.
fn finish(records: Records, mut findings: Vec<Finding>) -> Loaded {
    findings.extend(validate::duplicate_upns(&records));
    for f in &mut findings {
        f.message = crate::findings::printable(clip_quoted(&f.message));
    }
    Loaded { records, findings }
}

/// The pupils' files grouped by folder, in folder order, with every pupil folder the walk
/// saw (an empty one too).
fn by_pupil(
    pupil_dirs: Vec<String>,
    pupil_files: Vec<(PathBuf, Place)>,
) -> BTreeMap<String, Vec<(PathBuf, Place)>> {
    let mut by_pupil: BTreeMap<String, Vec<(PathBuf, Place)>> = BTreeMap::new();
    for id in pupil_dirs {
        by_pupil.entry(id).or_default();
    }
    for (path, place) in pupil_files {
        let id = place.pupil().unwrap_or_default().to_string();
        by_pupil.entry(id).or_default().push((path, place));
    }
    by_pupil
}

/// The catalogue's ids as pupils' `ref`s see them: every id written in school.yaml's text
/// and every entry that could be read.
fn catalogue_of(text: &str, school: &School) -> validate::CatalogueIds {
    let mut known = validate::catalogue_ids(text);
    let entries: HashMap<String, Provision> = school
        .provisions
        .iter()
        .filter_map(|p| p.id.clone().map(|id| (id, p.clone())))
        .collect();
    known.extend(entries.keys().cloned());
    validate::CatalogueIds { entries, known }
}

/// The longest quoted value (between backticks) a message repeats whole.
const MAX_QUOTED: usize = 60;

/// A message with every `quoted` value longer than [`MAX_QUOTED`] characters cut short: a
/// finding quotes the value it is about, and a garbled file can hold a value of a megabyte.
fn clip_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(1024));
    for (i, part) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        // Odd parts lie between backticks.
        if i % 2 == 1 && part.chars().count() > MAX_QUOTED {
            out.extend(part.chars().take(MAX_QUOTED - 3));
            out.push_str("...");
        } else {
            out.push_str(part);
        }
    }
    out
}

fn parse(place: &Place, text: &str) -> Result<Parsed, ParseError> {
    Ok(match place {
        Place::School => {
            let (raw, errors) = parse_school(text)?;
            Parsed::School(Box::new(raw), errors)
        }
        Place::Pupil(_) => Parsed::Pupil(yaml::parse(text)?),
        Place::Cycle(_) => Parsed::Cycle(yaml::parse(text)?),
        Place::Meeting(_) => Parsed::Meeting(yaml::parse(text)?),
        Place::Ehcp(_) => Parsed::Ehcp(yaml::parse(text)?),
        Place::AnnualReview(_) => Parsed::AnnualReview(yaml::parse(text)?),
    })
}

/// school.yaml holds parts that different rules read (rules.md: a problem in `senco`
/// silences only the `senco` rule). A `schema` error is located in its top-level section,
/// that section is blanked out (keeping line numbers) and the rest parsed again, so one
/// mistake never hides the others.
fn parse_school(text: &str) -> Result<(RawSchoolFile, Vec<(String, ParseError)>), ParseError> {
    let mut current = text.to_string();
    let mut errors: Vec<(String, ParseError)> = Vec::new();
    // Sections are few; catalogue entries may each have their own mistake.
    for _ in 0..=(16 + MAX_BAD_ENTRIES) {
        match yaml::parse::<RawSchoolFile>(&current) {
            Ok(raw) => return Ok((raw, errors)),
            Err(e) if e.failure == Failure::Schema => {
                let Some((name, mut from, mut to)) = e.line.and_then(|l| section_at(&current, l))
                else {
                    return Err(e);
                };
                // The catalogue is read entry by entry: only the entry with the mistake is
                // set aside, so the others still cost and `ref`s to them still resolve.
                let entry = (name == "provisions")
                    .then(|| {
                        e.line
                            .and_then(|l| entry_at(&current, from, to, l as usize))
                    })
                    .flatten();
                let repeats = errors.iter().filter(|(n, _)| *n == name).count();
                if (entry.is_none() && repeats > 0) || repeats > MAX_BAD_ENTRIES {
                    return Err(e);
                }
                if let Some((a, b)) = entry {
                    (from, to) = (a, b);
                }
                errors.push((name, e));
                current = current
                    .split_inclusive('\n')
                    .enumerate()
                    .map(|(i, l)| {
                        if i + 1 >= from && i + 1 < to {
                            if l.ends_with('\n') { "\n" } else { "" }
                        } else {
                            l
                        }
                    })
                    .collect();
            }
            Err(e) => return Err(e),
        }
    }
    let (_, first) = errors.swap_remove(0);
    Err(first)
}

/// How many catalogue entries with mistakes are set aside one by one before the whole
/// `provisions` section is.
const MAX_BAD_ENTRIES: usize = 200;

/// The list entry of the section in lines `[from, to)` that holds line `line`: (its first
/// line, the line after it). Entries start with `-` at the section's shallowest indent.
fn entry_at(text: &str, from: usize, to: usize, line: usize) -> Option<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let starts: Vec<(usize, usize)> = (from..to.min(lines.len() + 1))
        .filter_map(|n| {
            let l = lines.get(n - 1)?;
            let t = l.trim_start();
            (t == "-" || t.starts_with("- ")).then_some((n, l.len() - t.len()))
        })
        .collect();
    let indent = starts.iter().map(|(_, i)| *i).min()?;
    let starts: Vec<usize> = starts
        .into_iter()
        .filter(|(_, i)| *i == indent)
        .map(|(n, _)| n)
        .collect();
    let idx = starts.iter().rposition(|s| *s <= line)?;
    let end = starts.get(idx + 1).copied().unwrap_or(to);
    Some((starts[idx], end))
}

/// The top-level key whose block holds line `line`: (key, first line, line after its end).
fn section_at(text: &str, line: u32) -> Option<(String, usize, usize)> {
    let mut starts: Vec<(usize, String)> = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let first = l.chars().next();
        if matches!(first, Some(c) if c.is_ascii_alphabetic() || c == '_')
            && let Some((key, _)) = l.split_once(':')
        {
            starts.push((i + 1, key.trim().to_string()));
        }
    }
    let line = line as usize;
    let idx = starts.iter().rposition(|(s, _)| *s <= line)?;
    let end = starts.get(idx + 1).map_or(usize::MAX, |(s, _)| *s);
    Some((starts[idx].1.clone(), starts[idx].0, end))
}

fn report_parse(check: &mut FileCheck, e: &ParseError) {
    let rule = match e.failure {
        Failure::Yaml => Rule::Yaml,
        Failure::Schema => Rule::Schema,
    };
    check.report(
        rule,
        e.line.unwrap_or(0),
        e.col.unwrap_or(0),
        e.message.clone(),
        e.help.clone(),
    );
}

/// Check one pupil folder's files together.
fn folder(
    id: String,
    files: Vec<ParsedFile>,
    catalogue: validate::Catalogue,
    as_of: NaiveDate,
) -> (PupilFolder, Vec<Finding>) {
    let mut out = PupilFolder {
        id: id.clone(),
        ..PupilFolder::default()
    };
    let mut findings = Vec::new();
    let mut has_pupil_file = false;
    let mut ehcp_file: Option<String> = None;
    for (r, parsed) in &files {
        if matches!(r.place, Place::Pupil(_)) {
            has_pupil_file = true;
        }
        if matches!(r.place, Place::Ehcp(_)) {
            ehcp_file = Some(r.rel.clone());
        }
        let text = match &r.text {
            Ok(t) => t.as_str(),
            Err(f) => {
                findings.push((**f).clone());
                mark_bad(&mut out.bad, &r.place);
                continue;
            }
        };
        let mut check = FileCheck::new(&r.rel, Some(&id), text);
        match parsed {
            Err(e) => report_parse(&mut check, e),
            Ok(Parsed::Pupil(raw)) => out.pupil = validate::pupil(&mut check, raw, as_of),
            Ok(Parsed::Cycle(raw)) => out
                .cycles
                .extend(validate::cycle(&mut check, raw, catalogue)),
            Ok(Parsed::Meeting(raw)) => out.meetings.extend(validate::meeting(&mut check, raw)),
            Ok(Parsed::Ehcp(raw)) => out.ehcp = validate::ehcp(&mut check, raw),
            Ok(Parsed::AnnualReview(raw)) => out
                .annual_reviews
                .extend(validate::annual_review(&mut check, raw)),
            Ok(Parsed::School(..)) => {}
        }
        if check.findings.iter().any(|f| f.rule != Rule::Upn) {
            mark_bad(&mut out.bad, &r.place);
        }
        if matches!(r.place, Place::Pupil(_))
            && check
                .findings
                .iter()
                .any(|f| matches!(f.rule, Rule::Yaml | Rule::Schema))
        {
            out.bad.pupil_shape = true;
        }
        findings.append(&mut check.findings);
    }
    findings.extend(validate::folder_across(
        &mut out,
        has_pupil_file,
        ehcp_file.as_deref(),
    ));
    out.cycles.sort_by(|a, b| a.file.cmp(&b.file));
    out.meetings.sort_by(|a, b| a.file.cmp(&b.file));
    out.annual_reviews.sort_by(|a, b| a.file.cmp(&b.file));
    (out, findings)
}

fn mark_bad(bad: &mut PupilBad, place: &Place) {
    match place {
        Place::Pupil(_) => bad.pupil = true,
        Place::Cycle(_) => bad.cycles = true,
        Place::Meeting(_) => bad.meetings = true,
        Place::Ehcp(_) => bad.ehcp = true,
        Place::AnnualReview(_) => bad.annual_reviews = true,
        Place::School => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pupil_ids_that_would_leave_the_folder_are_refused() {
        for bad in [
            "",
            ".",
            "..",
            "../x",
            "a/../../x",
            "/etc",
            "a/b",
            "a\\b",
            "C:x",
            ".hidden",
            "a\0b",
        ] {
            assert!(safe_pupil_id(bad).is_err(), "{bad:?} accepted");
        }
        for good in ["amara-okafor", "Amy-Fisher", "leo2", "a..b"] {
            assert_eq!(safe_pupil_id(good), Ok(good));
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_link_or_a_pipe_swapped_in_for_a_record_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.yaml");
        std::fs::write(&real, "date: 2026-10-01\n").unwrap();
        let link = dir.path().join("link.yaml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let pipe = dir.path().join("pipe.yaml");
        let made = std::process::Command::new("mkfifo").arg(&pipe).status();
        let mut swapped = vec![&link];
        if made.is_ok_and(|s| s.success()) {
            swapped.push(&pipe);
        }
        for path in swapped {
            let f = read_text(path, "pupils/a/meetings/x.yaml").unwrap_err();
            assert_eq!(f.message, "is no longer a regular file, so it is not read");
        }
        assert_eq!(
            read_text(&real, "pupils/a/meetings/real.yaml").unwrap(),
            "date: 2026-10-01\n"
        );
        let gone = read_text(&dir.path().join("gone.yaml"), "gone.yaml").unwrap_err();
        assert_eq!(gone.message, "cannot read the file: it has disappeared");
    }

    #[test]
    fn relative_paths_use_slashes_and_keep_odd_names_apart() {
        let root = Path::new("/r");
        assert_eq!(
            rel_path(root, Path::new("/r/pupils/a/cycles/x.yaml")),
            "pupils/a/cycles/x.yaml"
        );
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let odd = std::ffi::OsStr::from_bytes(b"/r/pupils/a\\b/\xFF.yaml");
            assert_eq!(rel_path(root, Path::new(odd)), "pupils/a\\\\b/\\xFF.yaml");
        }
    }

    #[test]
    fn long_quoted_values_are_cut_short_in_messages() {
        let long = "X".repeat(10_000);
        let m = clip_quoted(&format!("unknown SEN type code `{long}` here, not `SPLD`"));
        assert_eq!(
            m,
            format!(
                "unknown SEN type code `{}...` here, not `SPLD`",
                "X".repeat(57)
            )
        );
        assert_eq!(clip_quoted("plain `K` and `E`"), "plain `K` and `E`");
    }

    #[test]
    fn a_record_kind_is_its_schema_name() {
        for kind in crate::schema::FILES {
            let rel = match kind {
                "school" => "school.yaml".to_string(),
                "pupil" | "ehcp" => format!("pupils/a/{kind}.yaml"),
                "annual-review" => "pupils/a/annual-reviews/2026-11-10.yaml".to_string(),
                other => format!("pupils/a/{other}s/2026-11-10.yaml"),
            };
            assert_eq!(record_kind(&rel), Some(kind), "{rel}");
        }
        assert_eq!(record_kind("pupils/a/notes.yaml"), None);
    }

    #[test]
    fn paths_are_placed_by_where_they_stand() {
        assert_eq!(
            place("pupils/a/cycles/2026-09-15.yml"),
            Some(Place::Cycle("a".into()))
        );
        assert_eq!(place("pupils/a/notes.yaml"), None);
        assert_eq!(place("pupils/a/cycles/old/x.yaml"), None);
        assert_eq!(place("school.yml"), None);
    }

    #[test]
    fn a_bad_senco_section_leaves_the_rest_of_school_yaml_readable() {
        let text = "school:\n  name: Oak\nsenco:\n  nme: X\n  appointed: 2024-09-01\nsettings:\n  due_within_days: 7\n";
        let (raw, errors) = parse_school(text).unwrap();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].0, "senco");
        assert_eq!(errors[0].1.line, Some(4));
        assert_eq!(raw.settings.unwrap().value.due_within_days.unwrap(), 7);
        assert!(raw.senco.is_none());
    }
}

#[cfg(test)]
mod check_as_if_tests {
    use super::*;

    /// For every pupil file of the example school, what a form would be told of the file
    /// as it is equals what `load` finds in that pupil's folder (the UPN check across
    /// folders apart); and a change that breaks the file is found.
    #[test]
    fn check_as_if_finds_what_load_finds_in_the_folder() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/oakfield");
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let loaded = load(&root, as_of);
        let rel = "pupils/amara-okafor/cycles/2026-09-15.yaml";
        let text = std::fs::read_to_string(root.join(rel)).unwrap();
        let theirs: Vec<&Finding> = loaded
            .findings
            .iter()
            .filter(|f| f.pupil.as_deref() == Some("amara-okafor"))
            .collect();
        let mine = check_as_if(&root, as_of, rel, &text);
        assert_eq!(mine.iter().collect::<Vec<_>>(), theirs);
        let broken = format!("{text}review:\n  date: 2026-09-01\n  progress: good\n");
        let found = check_as_if(&root, as_of, rel, &broken);
        assert!(
            found
                .iter()
                .any(|f| f.rule == Rule::Dates && f.file.as_deref() == Some(rel)),
            "{found:?}"
        );
        // A provision from the school's catalogue is known; one that is not is found.
        let unknown = text.replace("{ ref: lexia }", "{ ref: lexia-plus }");
        assert!(
            check_as_if(&root, as_of, rel, &unknown)
                .iter()
                .any(|f| f.message.contains("lexia-plus")),
        );
    }
}
