//! `sen serve` writing, over HTTP: a record file edited as text keeps every byte it was not
//! asked to change (comments, CR LF, a byte-order mark, no final line break), a text that
//! is not YAML is not saved, a file changed meanwhile is not overwritten (both versions
//! shown), nothing outside the record files or through a link is written; git history and
//! "Record in history" (one commit with only the files changed, git's environment ignored);
//! no git, nothing breaks; `--read-only` refuses every write.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::serve::{self, Server, unescape};
use common::{AS_OF, OAKFIELD, copy_dir};
use sha2::{Digest, Sha256};

const CYCLE: &str = "pupils/amara-okafor/cycles/2026-09-15.yaml";

fn school() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("oakfield");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join(OAKFIELD), &root);
    (dir, root)
}

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What the editing page holds: the textarea's text as a browser reads it (one leading line
/// break dropped, character references read) and the fingerprint it carries.
fn editing(s: &Server, rel: &str) -> (String, String) {
    let r = s.get(&format!("/text/{rel}"));
    assert_eq!(r.status, 200, "{}", r.text());
    let html = r.text();
    let at = html
        .find("<textarea name=\"text\"")
        .expect("a textarea named text");
    let open = at + html[at..].find('>').expect("tag end") + 1;
    let close = open + html[open..].find("</textarea>").expect("textarea end");
    let text = unescape(&html[open..close]);
    let text = text.strip_prefix('\n').unwrap_or(&text).to_string();
    let f = html
        .find("name=\"fingerprint\" value=\"")
        .expect("fingerprint")
        + 26;
    let fp = html[f..f + html[f..].find('"').unwrap()].to_string();
    (text, fp)
}

/// A form post of the text as a browser sends a textarea: every line break CR LF.
fn save(s: &Server, rel: &str, text: &str, fp: &str) -> serve::Reply {
    let csrf = s.csrf("/census");
    let sent = text.replace("\r\n", "\n").replace('\n', "\r\n");
    s.post(
        &format!("/text/{rel}"),
        &[("csrf", &csrf), ("fingerprint", fp), ("text", &sent)],
    )
}

#[test]
fn a_file_edited_as_text_keeps_every_byte_it_was_not_asked_to_change() {
    let (_dir, root) = school();
    let s = serve::start(&root, AS_OF, &[]);
    let before = std::fs::read(root.join(CYCLE)).unwrap();
    // From the pupil's list of files, and from the file's own page.
    let pupil = s.get("/pupils/amara-okafor").unescaped();
    assert!(
        pupil.contains(&format!("href=\"/text/{CYCLE}\"")),
        "{pupil}"
    );
    let file = s.get(&format!("/files/{CYCLE}")).unescaped();
    assert!(file.contains("Edit as text"), "{file}");

    let (text, fp) = editing(&s, CYCLE);
    assert_eq!(
        text.as_bytes(),
        before.as_slice(),
        "the page shows the file whole"
    );
    assert_eq!(fp, sha(&before));
    let page = s.get(&format!("/text/{CYCLE}")).text();
    assert_eq!(
        page.matches("<span>").count(),
        text.split('\n').count(),
        "a number for every line"
    );

    // One word changed: the file is the old one with that word changed, nothing else.
    let changed = text.replace("voice typing for homework", "voice typing for all homework");
    let r = save(&s, CYCLE, &changed, &fp);
    assert_eq!(r.status, 303, "{}", r.text());
    let to = r.header("location").unwrap().to_string();
    assert_eq!(to, format!("/files/{CYCLE}?saved=1"));
    let after = std::fs::read(root.join(CYCLE)).unwrap();
    assert_eq!(after, changed.as_bytes());
    assert_eq!(
        String::from_utf8(after).unwrap().lines().count(),
        String::from_utf8(before).unwrap().lines().count()
    );
    assert!(s.get(&to).text().contains("Saved."));

    // A mistake sen check finds (a date that does not exist) is saved, and shown beside
    // its line.
    let (text, fp) = editing(&s, CYCLE);
    let wrong = text.replace("review_due: 2026-11-20", "review_due: 2026-11-31");
    let line = wrong
        .lines()
        .position(|l| l.contains("2026-11-31"))
        .unwrap()
        + 1;
    assert_eq!(save(&s, CYCLE, &wrong, &fp).status, 303);
    assert_eq!(std::fs::read(root.join(CYCLE)).unwrap(), wrong.as_bytes());
    let shown = s.get(&format!("/files/{CYCLE}?saved=1")).unescaped();
    let row = &shown[shown
        .find(&format!("<tr id=\"L{line}\""))
        .expect("the line")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains("class=\"flagged\"") && row.contains("note"),
        "{row}"
    );
}

#[test]
fn crlf_a_byte_order_mark_and_no_final_line_break_are_kept() {
    let (_dir, root) = school();
    let rel = "pupils/amara-okafor/pupil.yaml";
    let plain = std::fs::read_to_string(root.join(rel)).unwrap();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(plain.trim_end().replace('\n', "\r\n").as_bytes());
    std::fs::write(root.join(rel), &bytes).unwrap();
    let s = serve::start(&root, AS_OF, &[]);
    let (text, fp) = editing(&s, rel);
    assert!(!text.starts_with('\u{feff}'), "the mark is not shown");
    assert_eq!(fp, sha(&bytes));
    // Saved as it is: nothing written.
    let r = save(&s, rel, &text, &fp);
    assert_eq!(
        r.header("location"),
        Some(format!("/files/{rel}?saved=0").as_str())
    );
    assert_eq!(std::fs::read(root.join(rel)).unwrap(), bytes);
    // One line added: the mark, CR LF throughout, and still no final line break.
    let more = format!("# Seen by the SENCO\n{}", text.replace("\r\n", "\n"));
    assert_eq!(save(&s, rel, &more, &fp).status, 303);
    let mut want = b"\xEF\xBB\xBF# Seen by the SENCO\r\n".to_vec();
    want.extend_from_slice(&bytes[3..]);
    assert_eq!(std::fs::read(root.join(rel)).unwrap(), want);
}

#[test]
fn a_text_that_is_not_yaml_is_not_saved_and_its_line_is_shown() {
    let (_dir, root) = school();
    let s = serve::start(&root, AS_OF, &[]);
    let before = std::fs::read(root.join(CYCLE)).unwrap();
    let (text, fp) = editing(&s, CYCLE);
    let broken = text.replace("  agreed: 2026-09-22", "  agreed: [2026-09-22");
    let r = save(&s, CYCLE, &broken, &fp);
    assert_eq!(r.status, 422, "{}", r.text());
    let page = r.unescaped();
    assert!(page.contains("Not saved: this is not valid YAML"), "{page}");
    let line = broken
        .lines()
        .position(|l| l.contains("[2026-09-22"))
        .unwrap()
        + 1;
    assert!(page.contains(&format!("Line {line}: ")), "{page}");
    assert!(page.contains("class=\"bad\""), "the line is marked: {page}");
    assert!(
        page.contains("[2026-09-22"),
        "the text sent is kept in the page"
    );
    assert_eq!(std::fs::read(root.join(CYCLE)).unwrap(), before);
}

#[test]
fn a_file_changed_since_the_page_showed_it_is_not_overwritten_and_both_are_shown() {
    let (_dir, root) = school();
    let s = serve::start(&root, AS_OF, &[]);
    let (text, fp) = editing(&s, CYCLE);
    // An editor saves the file meanwhile.
    let theirs = format!("{text}# Added in the editor by Ms Shah\n");
    std::fs::write(root.join(CYCLE), &theirs).unwrap();
    let mine = text.replace("voice typing", "voice typing and a scribe");
    let r = save(&s, CYCLE, &mine, &fp);
    assert_eq!(r.status, 409, "{}", r.text());
    let page = r.unescaped();
    assert!(page.contains("changed since this page showed it"), "{page}");
    assert!(
        page.contains("Added in the editor by Ms Shah"),
        "the file now"
    );
    assert!(page.contains("voice typing and a scribe"), "the text sent");
    assert_eq!(std::fs::read_to_string(root.join(CYCLE)).unwrap(), theirs);
    // The page now carries the fingerprint of the file as it is: saving again, having
    // seen it, replaces it.
    let f = page.find("name=\"fingerprint\" value=\"").unwrap() + 26;
    let fp_now = &page[f..f + 64];
    assert_eq!(fp_now, sha(theirs.as_bytes()));
    assert_eq!(save(&s, CYCLE, &mine, fp_now).status, 303);
    assert_eq!(std::fs::read_to_string(root.join(CYCLE)).unwrap(), mine);
}

#[test]
fn only_record_files_are_edited_and_never_through_a_link() {
    let (dir, root) = school();
    std::fs::create_dir_all(root.join("out/letters/amara-okafor")).unwrap();
    std::fs::write(root.join("out/letters/amara-okafor/x.yaml"), "a: 1\n").unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::write(root.join(".git/config.yaml"), "a: 1\n").unwrap();
    std::fs::write(root.join("pupils/amara-okafor/notes.yaml"), "a: 1\n").unwrap();
    let s = serve::start(&root, AS_OF, &[]);
    assert_eq!(s.get("/text/school.yaml").status, 200);
    let csrf = s.csrf("/census");
    for rel in [
        "out/letters/amara-okafor/x.yaml",
        ".git/config.yaml",
        "pupils/amara-okafor/notes.yaml",
        "pupils/amara-okafor/../amara-okafor/pupil.yaml",
        "pupils/nobody/pupil.yaml",
    ] {
        assert_eq!(s.get(&format!("/text/{rel}")).status, 404, "{rel}");
        let r = s.post(
            &format!("/text/{rel}"),
            &[
                ("csrf", &csrf),
                ("fingerprint", &sha(b"a: 1\n")),
                ("text", "a: 2\n"),
            ],
        );
        assert_eq!(r.status, 404, "{rel}");
    }
    for rel in [
        "out/letters/amara-okafor/x.yaml",
        ".git/config.yaml",
        "pupils/amara-okafor/notes.yaml",
    ] {
        assert_eq!(std::fs::read(root.join(rel)).unwrap(), b"a: 1\n", "{rel}");
    }
    assert!(!root.join("pupils/nobody").exists());

    #[cfg(unix)]
    {
        // A pupil folder that is a link, and a record file that is a link, to files
        // outside: not shown for editing, and a save is refused by the writer.
        let outside = dir.path().join("elsewhere");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("pupil.yaml"), "name: Other\n").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("pupils/zara-link")).unwrap();
        std::os::unix::fs::symlink(
            outside.join("pupil.yaml"),
            root.join("pupils/amara-okafor/ehcp.yaml"),
        )
        .unwrap();
        let fp = sha(b"name: Other\n");
        for rel in [
            "pupils/zara-link/pupil.yaml",
            "pupils/amara-okafor/ehcp.yaml",
        ] {
            assert_eq!(s.get(&format!("/text/{rel}")).status, 404, "{rel}");
            let r = s.post(
                &format!("/text/{rel}"),
                &[("csrf", &csrf), ("fingerprint", &fp), ("text", "name: X\n")],
            );
            assert_eq!(r.status, 403, "{rel}: {}", r.text());
            assert!(r.text().contains("Not saved"), "{rel}");
        }
        assert_eq!(
            std::fs::read(outside.join("pupil.yaml")).unwrap(),
            b"name: Other\n"
        );
    }
    let _ = dir;
}

// ---------------------------------------------------------------- git

fn git(root: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(root)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn have_git() -> bool {
    Command::new("git").arg("--version").output().is_ok()
}

/// The example school as a git repository with one commit, `out/` ignored.
fn repository(root: &Path) {
    git(root, &["init", "-q"]);
    git(root, &["config", "user.name", "Priya Shah"]);
    git(
        root,
        &["config", "user.email", "senco@oakfield.example.org"],
    );
    git(root, &["config", "commit.gpgSign", "false"]);
    std::fs::write(root.join(".gitignore"), "out/\n").unwrap();
    git(root, &["add", "."]);
    git(
        root,
        &["commit", "-q", "-m", "SEN records for the autumn term"],
    );
}

#[test]
fn record_in_history_commits_only_the_files_changed_here_with_what_changed() {
    if !have_git() {
        eprintln!("skipped: git is not installed");
        return;
    }
    let (dir, root) = school();
    repository(&root);
    // Someone else's work in progress, staged and unstaged: never part of sen's commit.
    std::fs::write(root.join("pupils/amara-okafor/pupil.yaml.bak"), "x").unwrap();
    let pupil = root.join("pupils/amara-okafor/pupil.yaml");
    let mut p = std::fs::read_to_string(&pupil).unwrap();
    p.push_str("# being edited\n");
    std::fs::write(&pupil, &p).unwrap();
    git(&root, &["add", "pupils/amara-okafor/pupil.yaml.bak"]);
    // A git environment that would send git elsewhere is ignored.
    let decoy = dir.path().join("decoy");
    std::fs::create_dir_all(&decoy).unwrap();
    git(&decoy, &["init", "-q"]);
    let decoy_git = decoy.join(".git").to_string_lossy().into_owned();
    let s = serve::start_with_env(
        &root,
        AS_OF,
        &[],
        &[
            ("GIT_DIR", Some(&decoy_git)),
            ("GIT_WORK_TREE", Some(&decoy.to_string_lossy())),
            ("GIT_INDEX_FILE", Some("/nonexistent/index")),
        ],
    );

    let page = s.get("/pupils/amara-okafor").unescaped();
    assert!(page.contains("<h2 id=\"history\">"), "{page}");
    assert!(page.contains("SEN records for the autumn term"), "{page}");
    assert!(!page.contains("Record in history"), "nothing changed yet");

    let (text, fp) = editing(&s, CYCLE);
    let changed = text.replace("Fluency 58", "Fluency 60");
    assert_eq!(save(&s, CYCLE, &changed, &fp).status, 303);
    let page = s.get("/pupils/amara-okafor").unescaped();
    assert!(page.contains("Record in history"), "{page}");
    assert!(
        page.contains("Edit of Amara Okafor's autumn 2026 plan as text"),
        "{page}"
    );

    let csrf = s.csrf("/pupils/amara-okafor");
    let r = s.post("/history", &[("csrf", &csrf)]);
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.unescaped().contains("Recorded in history"));
    assert_eq!(git(&root, &["rev-list", "--count", "HEAD"]).trim(), "2");
    let files = git(&root, &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files.trim(), CYCLE, "only the file edited here");
    let message = git(&root, &["log", "-1", "--format=%B"]);
    assert_eq!(
        message.trim(),
        "Edit of Amara Okafor's autumn 2026 plan as text"
    );
    assert_eq!(
        git(&root, &["log", "-1", "--format=%an <%ae>"]).trim(),
        "Priya Shah <senco@oakfield.example.org>"
    );
    // The other work is as it was: still staged, still unstaged.
    let status = git(&root, &["status", "--porcelain"]);
    assert!(
        status.contains("A  pupils/amara-okafor/pupil.yaml.bak"),
        "{status}"
    );
    assert!(
        status.contains(" M pupils/amara-okafor/pupil.yaml"),
        "{status}"
    );
    assert!(!status.contains("cycles"), "{status}");
    // Nothing reached the decoy repository.
    assert!(
        Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(&decoy)
            .env_remove("GIT_DIR")
            .output()
            .map(|o| !o.status.success())
            .unwrap_or(true)
    );

    // The history shows it; nothing is left to record.
    let page = s.get("/pupils/amara-okafor").unescaped();
    assert!(page.contains("autumn 2026 plan as text"), "{page}");
    assert!(!page.contains("Record in history"), "{page}");
    let r = s.post("/history", &[("csrf", &csrf)]);
    assert!(r.unescaped().contains("Nothing to record"), "{}", r.text());
    assert_eq!(git(&root, &["rev-list", "--count", "HEAD"]).trim(), "2");
}

#[test]
fn changes_to_several_pupils_are_one_commit_grouped_per_pupil() {
    if !have_git() {
        eprintln!("skipped: git is not installed");
        return;
    }
    let (_dir, root) = school();
    repository(&root);
    let s = serve::start(&root, AS_OF, &[]);
    let other = "pupils/filip-kowalczyk/cycles/2026-09-14.yaml";
    for rel in [CYCLE, other, "school.yaml"] {
        let (text, fp) = editing(&s, rel);
        let changed = format!("# Checked in November\n{text}");
        assert_eq!(save(&s, rel, &changed, &fp).status, 303, "{rel}");
    }
    let csrf = s.csrf("/census");
    assert_eq!(s.post("/history", &[("csrf", &csrf)]).status, 200);
    let mut files: Vec<String> = git(&root, &["show", "--name-only", "--format=", "HEAD"])
        .lines()
        .map(String::from)
        .collect();
    files.sort();
    assert_eq!(files, [CYCLE, other, "school.yaml"]);
    let message = git(&root, &["log", "-1", "--format=%B"]);
    let filip = "Filip Kowalczyk";
    assert!(
        message.starts_with(&format!(
            "Changes to the records of Amara Okafor, {filip} and The school"
        )),
        "{message}"
    );
    assert!(
        message.contains("\nAmara Okafor:\n- Edit of Amara Okafor's autumn 2026 plan as text\n"),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "\n{filip}:\n- Edit of {filip}'s autumn 2026 plan as text\n"
        )),
        "{message}"
    );
    assert!(
        message.contains("\nThe school:\n- Edit of the school's file as text\n"),
        "{message}"
    );
}

#[test]
fn without_git_there_is_no_history_and_nothing_breaks() {
    let (dir, root) = school();
    // Not a repository.
    let s = serve::start(&root, AS_OF, &[]);
    let page = s.get("/pupils/amara-okafor").unescaped();
    assert!(!page.contains("<h2 id=\"history\">") && !page.contains("Record in history"));
    let (text, fp) = editing(&s, CYCLE);
    assert_eq!(save(&s, CYCLE, &format!("# x\n{text}"), &fp).status, 303);
    let file = s.get(&format!("/files/{CYCLE}?saved=1")).unescaped();
    assert!(!file.contains("Record in history"), "{file}");
    let csrf = s.csrf("/census");
    let r = s.post("/history", &[("csrf", &csrf)]);
    assert_eq!(r.status, 404, "{}", r.text());
    assert!(r.text().contains("Nothing was recorded"));
    drop(s);

    // A repository, but git not installed (nothing on the PATH).
    if have_git() {
        repository(&root);
    }
    let empty = dir.path().join("no-programs");
    std::fs::create_dir_all(&empty).unwrap();
    let s = serve::start_with_env(
        &root,
        AS_OF,
        &[],
        &[("PATH", Some(&empty.to_string_lossy()))],
    );
    let page = s.get("/pupils/amara-okafor");
    assert_eq!(page.status, 200);
    assert!(!page.text().contains("<h2 id=\"history\">"));
    let (text, fp) = editing(&s, CYCLE);
    assert_eq!(save(&s, CYCLE, &format!("# y\n{text}"), &fp).status, 303);
    assert!(
        !s.get(&format!("/files/{CYCLE}"))
            .text()
            .contains("Record in history")
    );
}

// ---------------------------------------------------------------- --read-only

#[test]
fn read_only_refuses_every_write_and_shows_no_form_that_writes() {
    let (_dir, root) = school();
    let before = common::tree(&root);
    let s = serve::start(&root, AS_OF, &["--read-only"]);
    // No form that writes on any page (the census comparison writes nothing).
    // Under Wine every document page starts a Windows process: fewer pages there.
    let mut pages = s.crawl(if cfg!(windows) { 30 } else { 120 });
    for must in ["/letters", "/import", "/pupils/amara-okafor"] {
        pages.push((must.to_string(), s.get(must)));
    }
    pages.push((format!("/files/{CYCLE}"), s.get(&format!("/files/{CYCLE}"))));
    for (path, r) in pages {
        let html = r.unescaped();
        for form in html.split("<form").skip(1) {
            let tag = &form[..form.find('>').unwrap()];
            if tag.contains("method=\"post\"") {
                assert!(tag.contains("action=\"/census\""), "{path}: {tag}");
            }
        }
        assert!(!html.contains("Edit as text"), "{path}");
        assert!(!html.contains("/text/"), "{path}");
    }
    assert_eq!(
        s.get(&format!("/text/{CYCLE}")).header("location"),
        Some(format!("/files/{CYCLE}").as_str())
    );
    let csrf = s.csrf("/census");
    let fp = sha(&std::fs::read(root.join(CYCLE)).unwrap());
    let csv = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/mis/sims-sen-report.csv"),
    )
    .unwrap();
    for (path, form) in [
        ("/letters/due", vec![("format", "html")]),
        ("/import", vec![("text", csv.as_str()), ("confirm", "yes")]),
        ("/import", vec![("text", csv.as_str())]),
        (
            &format!("/text/{CYCLE}") as &str,
            vec![
                ("fingerprint", fp.as_str()),
                ("text", "started: 2026-09-15\n"),
            ],
        ),
        ("/history", vec![]),
        // A route added later is refused too.
        (
            "/pupils/amara-okafor/cycles/new",
            vec![("started", "2026-11-23")],
        ),
    ] {
        let mut form = form.clone();
        form.push(("csrf", &csrf));
        let r = s.post(path, &form);
        assert_eq!(r.status, 403, "{path}");
        let t = r.text();
        assert!(
            t.contains("read-only") && t.contains("Nothing was written"),
            "{path}: {t}"
        );
    }
    assert_eq!(common::tree(&root), before);
    assert!(!root.join("out").exists());
    // The census comparison still works: it writes nothing.
    let r = s.post("/census", &[("csrf", &csrf), ("text", &csv)]);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(common::tree(&root), before);
}
