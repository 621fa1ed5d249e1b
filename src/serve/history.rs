//! git, where the records are a repository and `git` is installed: a pupil's page shows the
//! history of their files, and "Record in history" commits the files changed through this
//! server in this session (every write adds its file with [`State::changed`]), with a
//! message that says what changed, grouped per pupil, and never any other file.
//!
//! git runs with a fixed argument list (never a shell), without the `GIT_*` variables that
//! could send it to another repository, index or configuration, with `-c` options so that
//! no hook, pager, editor, signing program or file-system monitor runs, and time-limited.
//! Without git (not installed, or the records not in a repository) the history and the
//! button are absent and nothing else changes.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::frame::{frame, href, page_ctx, with_model};
use super::{Req, Resp, State};
use crate::load::Loaded;

/// One file changed through the server and not yet recorded in history.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Change {
    /// The record file, relative to the records folder, with `/`.
    pub rel: String,
    /// What was done, as the commit message says it ("Edit of Amara Okafor's autumn 2026
    /// plan as text").
    pub what: String,
}

impl State {
    /// Note that `rel` (a record file under the records folder) was written through the
    /// server, with what was done to it, so that "Record in history" commits it. Any path
    /// that is not a record file (out/, .git, anything outside) is ignored: it is never
    /// committed. Returns whether it was noted.
    pub fn changed(&self, rel: &str, what: &str) -> bool {
        if crate::load::record_kind(rel).is_none() || rel.split('/').any(|s| s.starts_with('.')) {
            return false;
        }
        let mut list = match self.changes.lock() {
            Ok(l) => l,
            Err(p) => p.into_inner(),
        };
        let change = Change {
            rel: rel.to_string(),
            what: what.to_string(),
        };
        if !list.contains(&change) {
            list.push(change);
        }
        true
    }

    /// The changes not yet recorded in history, in the order they were made.
    pub fn pending(&self) -> Vec<Change> {
        match self.changes.lock() {
            Ok(l) => l.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }
}

/// A pupil as history names them: given and family name, as the records have them (the
/// folder's name when pupil.yaml cannot be read).
fn full_name(loaded: &Loaded, id: &str) -> String {
    loaded
        .records
        .pupils
        .iter()
        .find(|f| f.id == id)
        .and_then(|f| f.pupil.as_ref())
        .map_or_else(|| id.to_string(), |p| format!("{} {}", p.given, p.family))
}

/// What a record file is, in words: "Amara Okafor's autumn 2026 plan", "the school's file".
pub fn describe(loaded: &Loaded, rel: &str) -> String {
    let parts: Vec<&str> = rel.split('/').collect();
    let name = |id: &str| full_name(loaded, id);
    let stem_date = |f: &str| {
        let stem = f.rsplit_once('.').map_or(f, |(s, _)| s);
        chrono::NaiveDate::parse_from_str(stem, "%Y-%m-%d").ok()
    };
    let long = |d: chrono::NaiveDate| d.format("%-d %B %Y").to_string();
    match parts.as_slice() {
        ["school.yaml"] => "the school's file".to_string(),
        ["pupils", id, "pupil.yaml"] => format!("{}'s pupil file", name(id)),
        ["pupils", id, "ehcp.yaml"] => format!("{}'s EHC plan file", name(id)),
        ["pupils", id, "cycles", f] => {
            let started = loaded
                .records
                .pupils
                .iter()
                .find(|p| p.id == *id)
                .and_then(|p| p.cycles.iter().find(|c| c.file == rel || c.file == *f))
                .map(|c| c.started.value)
                .or_else(|| stem_date(f));
            match started {
                Some(d) => format!("{}'s {} plan", name(id), term(d)),
                None => format!("{}'s plan {f}", name(id)),
            }
        }
        ["pupils", id, "meetings", f] => match stem_date(f) {
            Some(d) => format!("{}'s meeting of {}", name(id), long(d)),
            None => format!("{}'s meeting {f}", name(id)),
        },
        ["pupils", id, "annual-reviews", f] => match stem_date(f) {
            Some(d) => format!("{}'s annual review of {}", name(id), long(d)),
            None => format!("{}'s annual review {f}", name(id)),
        },
        _ => rel.to_string(),
    }
}

/// The term a day falls in, as a school says it: "autumn 2026" (September to December),
/// "spring 2027" (January to March), "summer 2027" (April to August).
fn term(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let t = match d.month() {
        9..=12 => "autumn",
        1..=3 => "spring",
        _ => "summer",
    };
    format!("{t} {}", d.year())
}

// ---------------------------------------------------------------- running git

/// How long one git command may take before it is stopped.
const READ_LIMIT: Duration = Duration::from_secs(10);
const COMMIT_LIMIT: Duration = Duration::from_secs(30);

/// The `GIT_*` variables kept: who the commit is by. Every other one (`GIT_DIR`,
/// `GIT_WORK_TREE`, `GIT_INDEX_FILE`, `GIT_CONFIG_*`, `GIT_EXEC_PATH`, `GIT_EDITOR` ...) is
/// removed, so git works on the records' own repository with its own index.
const KEPT: [&str; 4] = [
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
];

/// The `-c` options every git command gets: no hook, pager, editor, signature, file-system
/// monitor or automatic maintenance runs.
fn safe_config() -> Vec<String> {
    let no_hooks = if cfg!(windows) { "NUL" } else { "/dev/null" };
    [
        format!("core.hooksPath={no_hooks}"),
        "core.pager=cat".into(),
        "core.editor=false".into(),
        "core.fsmonitor=false".into(),
        "commit.gpgSign=false".into(),
        "log.showSignature=false".into(),
        "gc.auto=0".into(),
        "maintenance.auto=false".into(),
    ]
    .into_iter()
    .flat_map(|c| ["-c".to_string(), c])
    .collect()
}

/// What one git command printed and how it ended.
#[derive(Debug)]
pub struct GitOut {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Why git did not answer.
#[derive(Debug)]
pub enum GitError {
    /// `git` is not installed (not on the PATH).
    Missing,
    /// It did not finish in time and was stopped.
    TimedOut,
    Io(std::io::Error),
}

/// Run `git ARGS` in the records folder: no shell, the safe options first, time-limited.
pub fn git(root: &Path, args: &[&str], limit: Duration) -> Result<GitOut, GitError> {
    let mut cmd = Command::new("git");
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().into_owned();
        if k.to_ascii_uppercase().starts_with("GIT_") && !KEPT.contains(&k.as_str()) {
            cmd.env_remove(&k);
        }
    }
    // No password prompt; no index refresh written by a command that only reads.
    cmd.env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .arg("--no-pager")
        .arg("--literal-pathspecs")
        .args(safe_config())
        .args(args)
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(GitError::Missing),
        Err(e) => return Err(GitError::Io(e)),
    };
    let read = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut b = Vec::new();
            let _ = r.read_to_end(&mut b);
            String::from_utf8_lossy(&b).into_owned()
        })
    };
    let out = child.stdout.take().map(|s| read(Box::new(s)));
    let err = child.stderr.take().map(|s| read(Box::new(s)));
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(GitError::TimedOut);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(GitError::Io(e)),
        }
    };
    let text = |h: Option<std::thread::JoinHandle<String>>| {
        h.and_then(|h| h.join().ok()).unwrap_or_default()
    };
    Ok(GitOut {
        ok: status.success(),
        stdout: text(out),
        stderr: text(err),
    })
}

/// The records are in a git work tree and git answers.
pub fn available(root: &Path) -> bool {
    matches!(
        git(root, &["rev-parse", "--is-inside-work-tree"], READ_LIMIT),
        Ok(o) if o.ok && o.stdout.trim() == "true"
    )
}

// ---------------------------------------------------------------- a pupil's history

/// One commit that changed a pupil's files.
#[derive(Debug, Serialize)]
pub struct Entry {
    pub hash: String,
    pub date: String,
    pub author: String,
    pub message: String,
}

/// The most commits a pupil page lists.
const HISTORY_SHOWN: usize = 20;

/// The commits that changed `pupils/ID`, newest first; `None` without git.
pub fn pupil_history(root: &Path, id: &str) -> Option<Vec<Entry>> {
    if !available(root) {
        return None;
    }
    let n = format!("-n{HISTORY_SHOWN}");
    let path = format!("pupils/{id}");
    let args = [
        "log",
        &n,
        "--no-color",
        "--date=short",
        "--format=%h%x1f%ad%x1f%an%x1f%s%x1e",
        "--",
        &path,
    ];
    let out = git(root, &args, READ_LIMIT).ok()?;
    if !out.ok {
        // A repository with no commit yet has no history to show.
        return Some(Vec::new());
    }
    Some(
        out.stdout
            .split('\x1e')
            .filter_map(|rec| {
                let mut f = rec.trim_start_matches('\n').split('\x1f');
                Some(Entry {
                    hash: f.next().filter(|h| !h.is_empty())?.to_string(),
                    date: f.next()?.to_string(),
                    author: f.next()?.to_string(),
                    message: f.next()?.to_string(),
                })
            })
            .collect(),
    )
}

/// What a page shows of history: the files waiting to be recorded, with the button, when
/// git is there and the server may write; `None` otherwise.
#[derive(Debug, Serialize)]
pub struct Offer {
    pub files: Vec<Change>,
}

pub fn offer(state: &State) -> Option<Offer> {
    let files = state.pending();
    if state.read_only || files.is_empty() || !available(&state.root) {
        return None;
    }
    Some(Offer { files })
}

// ---------------------------------------------------------------- recording

/// The commit message for these changes: a subject line saying what changed, then, when
/// there is more than one change, each pupil's changes under their name.
pub fn commit_message(loaded: &Loaded, changes: &[Change]) -> String {
    let mut whats: Vec<&str> = Vec::new();
    for c in changes {
        if !whats.contains(&c.what.as_str()) {
            whats.push(&c.what);
        }
    }
    // Grouped per pupil (the school's own files as "The school"), in the order first changed.
    let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
    for c in changes {
        let who = match c
            .rel
            .strip_prefix("pupils/")
            .and_then(|r| r.split('/').next())
        {
            Some(id) => full_name(loaded, id),
            None => "The school".to_string(),
        };
        let i = match groups.iter().position(|(g, _)| *g == who) {
            Some(i) => i,
            None => {
                groups.push((who, Vec::new()));
                groups.len() - 1
            }
        };
        if !groups[i].1.contains(&c.what.as_str()) {
            groups[i].1.push(&c.what);
        }
    }
    if whats.len() == 1 {
        return format!("{}\n", whats[0]);
    }
    let names: Vec<&str> = groups.iter().map(|(g, _)| g.as_str()).collect();
    let subject = match names.as_slice() {
        [one] if *one == "The school" => format!("{} changes to the school's file", whats.len()),
        [one] => format!("{} changes to {one}'s records", whats.len()),
        _ if names.len() <= 3 => {
            let (last, rest) = names.split_last().expect("two or more");
            format!("Changes to the records of {} and {last}", rest.join(", "))
        }
        _ => format!("Changes to the records of {} pupils", names.len()),
    };
    let mut body = format!("{subject}\n");
    for (who, list) in &groups {
        body.push_str(&format!("\n{who}:\n"));
        for w in list {
            body.push_str(&format!("- {w}\n"));
        }
    }
    body
}

#[derive(Serialize)]
struct Recorded {
    hash: String,
    message: String,
    files: Vec<String>,
}

/// "Record in history": commit exactly the files changed through the server in this
/// session (`git add -- FILES`, then `git commit -m MESSAGE -- FILES`, which leaves
/// anything else staged or changed as it was), then show what was recorded.
pub(super) fn record(state: &State, _req: &Req) -> Resp {
    // One recording at a time, so two presses cannot record the same changes twice. The
    // list itself is not held while git runs: a write finishing meanwhile is listed for the
    // next time.
    static RECORDING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = match RECORDING.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    };
    let changes = state.pending();
    let result = commit(state, &changes);
    if result.is_ok() {
        // Recorded, or no longer different from what history holds: off the list.
        let mut list = match state.changes.lock() {
            Ok(l) => l,
            Err(p) => p.into_inner(),
        };
        list.retain(|c| !changes.contains(c));
    }
    match result {
        Ok(Some(r)) => with_model(state, |l, f| {
            state.pages.render(
                "recorded.html",
                page_ctx! {
                    frame => frame(state, l, f, ""),
                    recorded => r,
                    links => r.files.iter().map(|p| format!("/files/{}", href(p))).collect::<Vec<_>>(),
                },
            )
        }),
        Ok(None) => super::frame::message(
            state,
            "Nothing to record",
            "No file changed through these pages since the last time they were recorded in history.",
        ),
        Err((status, why)) => {
            let mut r = super::frame::message(state, "Not recorded in history", &why);
            r.status = status;
            r
        }
    }
}

/// Commit `changes`' files; `Ok(None)` when none of them differs from the last commit.
/// A refusal is the page's status and what it says.
fn commit(state: &State, changes: &[Change]) -> Result<Option<Recorded>, (u16, String)> {
    if !available(&state.root) {
        return Err((
            404,
            "There is no history here: git is not installed on this computer, or the records folder is not a git repository. Nothing was recorded.".into(),
        ));
    }
    commit_files(state, changes).map_err(|why| (500, why))
}

fn say(e: GitError) -> String {
    match e {
        GitError::Missing => {
            "git is not installed on this computer, so nothing can be recorded in history.".into()
        }
        GitError::TimedOut => "git did not finish in time, so it was stopped; nothing may have been recorded. Try again.".into(),
        GitError::Io(e) => format!("git could not be run: {e}"),
    }
}

fn commit_files(state: &State, changes: &[Change]) -> Result<Option<Recorded>, String> {
    let root = &state.root;
    // Only files still there and still record files; each path once.
    let mut files: Vec<String> = Vec::new();
    for c in changes {
        let plain = std::fs::symlink_metadata(root.join(&c.rel)).is_ok_and(|m| m.is_file());
        if plain && !files.contains(&c.rel) {
            files.push(c.rel.clone());
        }
    }
    if files.is_empty() {
        return Ok(None);
    }
    // Staged first (a new file has to be), then those that differ from the last commit.
    let mut add = vec!["add", "--"];
    add.extend(files.iter().map(String::as_str));
    let added = git(root, &add, COMMIT_LIMIT).map_err(say)?;
    if !added.ok {
        return Err(format!(
            "git could not add the files: {}",
            added.stderr.trim()
        ));
    }
    let mut diff = vec!["diff", "--cached", "--name-only", "-z", "--relative", "--"];
    diff.extend(files.iter().map(String::as_str));
    let staged = git(root, &diff, READ_LIMIT).map_err(say)?;
    if !staged.ok {
        return Err(format!(
            "git could not say what changed: {}",
            staged.stderr.trim()
        ));
    }
    let differ: Vec<String> = files
        .into_iter()
        .filter(|f| staged.stdout.split('\0').any(|p| p == f))
        .collect();
    if differ.is_empty() {
        return Ok(None);
    }
    let mine: Vec<Change> = changes
        .iter()
        .filter(|c| differ.contains(&c.rel))
        .cloned()
        .collect();
    let message = with_model(state, |l, _| commit_message(l, &mine));
    let mut args = vec!["commit", "--no-verify", "--quiet", "-m", &message, "--"];
    args.extend(differ.iter().map(String::as_str));
    let done = git(root, &args, COMMIT_LIMIT).map_err(say)?;
    if !done.ok {
        let why = format!("{}{}", done.stdout, done.stderr);
        let help = if why.contains("user.email") || why.contains("Please tell me who you are") {
            " git needs your name and email first: in a terminal, run git config --global user.name \"Your Name\" and git config --global user.email you@school.example"
        } else {
            ""
        };
        return Err(format!(
            "git did not record the changes: {}{help}",
            why.trim()
        ));
    }
    let hash = git(root, &["rev-parse", "--short", "HEAD"], READ_LIMIT)
        .map(|o| o.stdout.trim().to_string())
        .unwrap_or_default();
    Ok(Some(Recorded {
        hash,
        message,
        files: differ,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(rel: &str, what: &str) -> Change {
        Change {
            rel: rel.into(),
            what: what.into(),
        }
    }

    #[test]
    fn a_message_says_what_changed_grouped_per_pupil() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/oakfield");
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let loaded = crate::load::load(&root, as_of);
        let cycle = "pupils/amara-okafor/cycles/2026-09-15.yaml";
        assert_eq!(describe(&loaded, cycle), "Amara Okafor's autumn 2026 plan");
        assert_eq!(
            describe(&loaded, "pupils/amara-okafor/cycles/2026-04-20.yaml"),
            "Amara Okafor's summer 2026 plan"
        );
        assert_eq!(
            describe(&loaded, "pupils/amara-okafor/meetings/2026-10-05.yaml"),
            "Amara Okafor's meeting of 5 October 2026"
        );
        assert_eq!(describe(&loaded, "school.yaml"), "the school's file");
        let edit = format!("Edit of {} as text", describe(&loaded, cycle));
        // One change: its words are the message.
        assert_eq!(
            commit_message(&loaded, &[change(cycle, &edit), change(cycle, &edit)]),
            format!("{edit}\n")
        );
        // Two for one pupil.
        let review = "Review of Amara Okafor's autumn 2026 plan";
        assert_eq!(
            commit_message(&loaded, &[change(cycle, &edit), change(cycle, review)]),
            format!("2 changes to Amara Okafor's records\n\nAmara Okafor:\n- {edit}\n- {review}\n")
        );
        // Four pupils: counted, each under their name.
        let ids = [
            "amara-okafor",
            "filip-kowalczyk",
            "theo-bennett",
            "yusuf-ali",
        ];
        let many: Vec<Change> = ids
            .iter()
            .map(|id| change(&format!("pupils/{id}/pupil.yaml"), &format!("Edit of {id}")))
            .collect();
        let m = commit_message(&loaded, &many);
        assert!(
            m.starts_with("Changes to the records of 4 pupils\n\n"),
            "{m}"
        );
        assert!(
            m.contains("\nFilip Kowalczyk:\n- Edit of filip-kowalczyk\n"),
            "{m}"
        );
    }

    #[test]
    fn only_record_files_are_listed_for_history() {
        let keys = super::super::access::Keys::new(1).unwrap();
        let state = State {
            root: Path::new(".").into(),
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            keys,
            read_only: false,
            model: std::sync::Mutex::new(super::super::frame::Model::new()),
            pages: super::super::frame::Pages::new().unwrap(),
            exe: Path::new("sen").into(),
            changes: std::sync::Mutex::new(Vec::new()),
        };
        for rel in [
            "out/letters/amara-okafor/notification.html",
            ".git/config",
            "pupils/amara-okafor/notes.txt",
            "pupils/.hidden/pupil.yaml",
        ] {
            assert!(!state.changed(rel, "x"), "{rel}");
        }
        assert!(state.changed("pupils/amara-okafor/pupil.yaml", "Edit"));
        assert!(state.changed("pupils/amara-okafor/pupil.yaml", "Edit"));
        assert_eq!(state.pending().len(), 1, "the same change once");
    }
}
