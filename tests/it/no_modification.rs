//! No command modifies a record. A copy of examples/oakfield is hashed file by file, every
//! command is run with every option that writes (including output paths aimed at the
//! records themselves), and the tree is hashed again. Commands may fail (a missing fact, a
//! refused path, a command not built yet); whatever their exit status, every record must be
//! byte-identical, and no output may land among the records (`pupils/`, or as a `*.yaml`).

use crate::common;

use common::copy_dir;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

const AS_OF: &str = "2026-11-23";

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/oakfield")
}

/// A copy of the example school at `oakfield/` inside a new temporary folder (so a test can
/// watch what lands beside the records): the folder and the records root.
fn oakfield_in_a_folder() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("oakfield");
    copy_dir(&example(), &root);
    (dir, root)
}

/// Every file under `root` except the outputs folder, by relative path, with its SHA-256.
fn hashes(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).follow_links(false) {
        let entry = entry.expect("walk");
        let rel = entry
            .path()
            .strip_prefix(root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "out" || rel.starts_with("out/") || entry.file_type().is_dir() {
            continue;
        }
        // A link is recorded by where it points (a link to a folder cannot be read).
        if entry.file_type().is_symlink() {
            let to = std::fs::read_link(entry.path()).expect("read link");
            out.insert(rel, format!("link to {}", to.display()));
            continue;
        }
        let bytes = std::fs::read(entry.path()).expect("read");
        let digest = Sha256::digest(&bytes);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        out.insert(rel, hex);
    }
    out
}

/// Run `sen` in `root` (also its working directory); its exit status does not matter here,
/// but a panic does.
fn sen(root: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_sen"))
        .current_dir(root)
        .arg("--records")
        .arg(root)
        .args(["--as-of", AS_OF])
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("SEN_AS_OF")
        .env_remove("SEN_RECORDS")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run sen");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "sen {args:?} panicked:\n{stderr}"
    );
}

/// Every invocation that could write, as argument lists. `{root}` is the records root.
fn writing_commands(root: &Path, pupils: &[String]) -> Vec<Vec<String>> {
    let r = |p: &str| root.join(p).to_string_lossy().into_owned();
    let mut cmds: Vec<Vec<String>> = Vec::new();
    let mut add = |args: &[&str]| cmds.push(args.iter().map(|s| s.to_string()).collect());

    add(&["check"]);
    add(&["check", "--format", "json"]);
    add(&["check", "--within", "365"]);

    for kind in ["information", "register", "provision-map"] {
        for format in ["markdown", "html"] {
            add(&["report", kind, "--format", format]);
            add(&[
                "report",
                kind,
                "--format",
                format,
                "--out",
                &r("out/report.md"),
            ]);
        }
        // Aimed at the records: must be refused, or at least leave them as they were.
        add(&["report", kind, "--out", &r("school.yaml")]);
        add(&[
            "report",
            kind,
            "--out",
            &r("pupils/amara-okafor/pupil.yaml"),
        ]);
        add(&["report", kind, "--out", &r("pupils/amara-okafor/report.md")]);
        add(&["report", kind, "--out", &r("pupils")]);
    }
    add(&["report", "--template", &r("school.yaml")]);

    for force in [false, true] {
        let f: &[&str] = if force { &["--force"] } else { &[] };
        let mut due = vec!["letter", "--due"];
        due.extend_from_slice(f);
        add(&due);
        let mut due_html = due.clone();
        due_html.extend_from_slice(&["--format", "html"]);
        add(&due_html);
        for kind in [
            "notification",
            "review-invitation",
            "review-record",
            "meeting-record",
            "annual-review-invitation",
        ] {
            for pupil in pupils {
                let mut a = vec!["letter", kind, pupil.as_str()];
                a.extend_from_slice(f);
                add(&a);
            }
            let mut all = vec!["letter", kind];
            all.extend(pupils.iter().map(String::as_str));
            all.extend_from_slice(f);
            add(&all);
            // An output folder inside the records.
            let inside = r("pupils");
            let mut a = vec!["letter", kind, "amara-okafor", "--out", inside.as_str()];
            a.extend_from_slice(f);
            add(&a);
            let root_dir = r("");
            let mut a = vec!["letter", kind, "amara-okafor", "--out", root_dir.as_str()];
            a.extend_from_slice(f);
            add(&a);
            let mut a = vec!["letter", kind, "amara-okafor", "--out", "-"];
            a.extend_from_slice(f);
            add(&a);
        }
    }

    add(&["calendar"]);
    // Import only adds new pupil.yaml files; over the example school every pupil is there
    // already, so nothing may change. Census only reads.
    let mis = |f: &str| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/mis")
            .join(f)
            .to_string_lossy()
            .into_owned()
    };
    for export in [
        "sims-sen-report.csv",
        "arbor-sen-report.csv",
        "bromcom-sen-report.csv",
    ] {
        add(&["import", "pupils", &mis(export)]);
        add(&["import", "pupils", &mis(export), "--dry-run"]);
        add(&[
            "import",
            "pupils",
            &mis(export),
            "--contacts",
            &mis("sims-contacts.csv"),
        ]);
        add(&["census", &mis(export)]);
        add(&["census", &mis(export), "--format", "json"]);
    }
    add(&["calendar", "--out", &r("out/calendar.ics")]);
    add(&["calendar", "--out", &r("school.yaml")]);
    add(&["calendar", "--out", &r("pupils/amara-okafor/pupil.yaml")]);

    add(&["schema"]);
    add(&["schema", "pupil"]);
    add(&["schema", "--out-dir", &r("out/schema")]);
    add(&["schema", "--out-dir", &r("")]);
    add(&["schema", "--out-dir", &r("pupils/amara-okafor")]);

    // `init` on a folder that already has a school.yaml must refuse.
    add(&[
        "init",
        &r(""),
        "--school",
        "Oakfield Primary School",
        "--senco",
        "Ms A Test",
        "--senco-email",
        "a@example.org",
    ]);
    cmds
}

fn pupil_ids(root: &Path) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(root.join("pupils"))
        .expect("pupils/")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    ids
}

#[test]
fn no_command_modifies_the_records() {
    assert!(
        example().join("school.yaml").is_file(),
        "examples/oakfield is missing"
    );
    let (_dir, root) = oakfield_in_a_folder();
    let before = hashes(&root);
    assert!(before.len() > 20, "the example school looks incomplete");
    let pupils = pupil_ids(&root);

    for args in writing_commands(&root, &pupils) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        sen(&root, &args);
        intact(&before, &hashes(&root), &args);
    }
}

/// Every file that was there is byte-identical; anything added (outside `out/`) is an output
/// the command was pointed at, so it is neither a record (`*.yaml`, `*.yml`) nor inside
/// `pupils/`.
fn intact(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>, args: &[&str]) {
    let cmd = args.join(" ");
    for (file, hash) in before {
        assert_eq!(
            after.get(file),
            Some(hash),
            "`sen {cmd}` changed or removed {file}"
        );
    }
    for file in after.keys().filter(|f| !before.contains_key(*f)) {
        assert!(
            !file.starts_with("pupils/") && !file.ends_with(".yaml") && !file.ends_with(".yml"),
            "`sen {cmd}` wrote {file} among the records"
        );
    }
}

/// The arguments of `sen new pupil ID --given GIVEN --family FAMILY --dob DOB`.
fn new_pupil<'a>(id: &'a str, given: &'a str, family: &'a str, dob: &'a str) -> Vec<&'a str> {
    vec![
        "new", "pupil", id, "--given", given, "--family", family, "--dob", dob,
    ]
}

#[test]
fn new_adds_files_but_never_changes_one() {
    let (_dir, root) = oakfield_in_a_folder();
    let before = hashes(&root);
    let runs: Vec<Vec<&str>> = vec![
        // An existing pupil: must refuse, never overwrite.
        new_pupil("amara-okafor", "X", "Y", "2017-01-01"),
        new_pupil("new-pupil", "New", "Pupil", "2018-01-01"),
        vec!["new", "cycle", "amara-okafor"],
        vec!["new", "cycle", "amara-okafor"],
        vec!["new", "meeting", "amara-okafor"],
        vec!["new", "meeting", "amara-okafor"],
        vec![
            "new",
            "annual-review",
            "amara-okafor",
            "--meeting",
            "2027-01-10",
        ],
        vec![
            "new",
            "annual-review",
            "amara-okafor",
            "--meeting",
            "2027-01-10",
        ],
    ];
    for args in runs {
        sen(&root, &args);
        let after = hashes(&root);
        for (file, hash) in &before {
            assert_eq!(
                after.get(file),
                Some(hash),
                "`sen {}` changed or removed {file}",
                args.join(" ")
            );
        }
    }
}

/// Pupil ids that would escape a folder are refused wherever a path is built from them.
#[test]
fn pupil_ids_cannot_escape_the_records() {
    let (dir, root) = oakfield_in_a_folder();
    let before = hashes(&root);
    let outside_before = listing(dir.path());
    let evil = [
        "..",
        "../escape",
        "../../escape",
        "amara-okafor/../../escape",
        "/tmp/sen-escape-test",
        "pupils/../../escape",
        ".",
        "",
    ];
    for id in evil {
        let runs: Vec<Vec<&str>> = vec![
            new_pupil(id, "A", "B", "2018-01-01"),
            vec!["new", "cycle", id],
            vec!["new", "meeting", id],
            vec!["new", "annual-review", id, "--meeting", "2027-01-10"],
            vec!["letter", "notification", id, "--force"],
            vec!["letter", "review-record", id, "--force"],
            vec!["check", "--pupil", id],
        ];
        for args in runs {
            sen(&root, &args);
            intact(&before, &hashes(&root), &args);
            assert_eq!(
                outside_before,
                listing(dir.path()),
                "`sen {}` wrote outside the records",
                args.join(" ")
            );
        }
    }
    assert!(!Path::new("/tmp/sen-escape-test").exists());
}

/// The entries of `dir` other than the records root itself.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read_dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The comparison itself notices a changed record and a record-like new file.
#[test]
fn the_comparison_can_fail() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(root.join("school.yaml"), "school: { name: A }\n").expect("write");
    let before = hashes(root);
    std::fs::write(root.join("school.yaml"), "school: { name: B }\n").expect("write");
    let changed = std::panic::catch_unwind(|| intact(&before, &hashes(root), &["x"]));
    assert!(changed.is_err());
    std::fs::write(root.join("school.yaml"), "school: { name: A }\n").expect("write");
    std::fs::create_dir_all(root.join("pupils/a")).expect("mkdir");
    std::fs::write(root.join("pupils/a/letter.md"), "Dear").expect("write");
    let added = std::panic::catch_unwind(|| intact(&before, &hashes(root), &["x"]));
    assert!(added.is_err());
    std::fs::remove_dir_all(root.join("pupils")).expect("rm");
    std::fs::create_dir_all(root.join("out")).expect("mkdir");
    std::fs::write(root.join("out/letter.md"), "Dear").expect("write");
    intact(&before, &hashes(root), &["x"]);
}

/// Every writing command, again, with every way out of `out/` and into the records laid as
/// a trap: each pupil's letters folder a link to another pupil's folder, `out/reports` and
/// `out/letters` themselves linked into `pupils/`, and a school template linked to a pupil's
/// record. Commands may fail (most should); not one record may change.
#[cfg(unix)]
#[test]
fn no_command_writes_through_a_link_into_the_records() {
    use std::os::unix::fs::symlink;
    let (_dir, root) = oakfield_in_a_folder();
    let pupils = pupil_ids(&root);
    std::fs::create_dir_all(root.join("out/letters")).expect("mkdir");
    for (i, p) in pupils.iter().enumerate() {
        let other = &pupils[(i + 1) % pupils.len()];
        symlink(
            root.join("pupils").join(other),
            root.join("out/letters").join(p),
        )
        .expect("link");
    }
    symlink(
        root.join("pupils").join(&pupils[0]),
        root.join("out/reports"),
    )
    .expect("link");
    let before = hashes(&root);
    let r = |p: &str| root.join(p).to_string_lossy().into_owned();
    let mut commands = writing_commands(&root, &pupils);
    for kind in ["information", "register", "provision-map"] {
        commands.push(
            ["report", kind, "--out", &r("out/reports/report.md")]
                .map(String::from)
                .to_vec(),
        );
    }
    commands.push(
        ["calendar", "--out", &r("out/reports/c.ics")]
            .map(String::from)
            .to_vec(),
    );
    for args in commands {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        sen(&root, &args);
        intact(&before, &hashes(&root), &args);
    }
    // A template linked to a record, then `templates/` itself a link into pupils/.
    std::fs::create_dir_all(root.join("templates")).expect("mkdir");
    symlink(
        root.join("pupils").join(&pupils[1]).join("pupil.yaml"),
        root.join("templates/notification.md.j2"),
    )
    .expect("link");
    for args in [
        vec!["letter", "notification", pupils[0].as_str(), "--out", "-"],
        vec!["letter", "--due", "--force"],
    ] {
        sen(&root, &args);
        intact(&before, &hashes(&root), &args);
    }
}

/// The argument lists of `sen import` and `sen new` that would write under `pupils/`.
#[cfg(unix)]
fn import_and_new(export: &Path) -> Vec<Vec<String>> {
    let e = export.to_string_lossy().into_owned();
    let runs: Vec<Vec<&str>> = vec![
        vec!["import", "pupils", &e, "--dry-run"],
        vec!["import", "pupils", &e],
        vec!["import", "pupils", &e],
        new_pupil("amy-smith", "Amy", "Smith", "2018-02-01"),
        new_pupil("ben-jones", "Ben", "Jones", "2018-02-01"),
        new_pupil("cara-dunn", "Cara", "Dunn", "2018-02-01"),
        vec!["new", "meeting", "ethan-murphy"],
        vec!["new", "cycle", "ethan-murphy"],
        vec![
            "new",
            "annual-review",
            "ruby-osei",
            "--meeting",
            "2027-01-10",
        ],
        vec!["new", "ehcp", "theo-bennett"],
        vec!["new", "meeting", "amara-okafor"],
        vec!["new", "cycle", "amara-okafor"],
    ];
    runs.into_iter()
        .map(|r| r.into_iter().map(String::from).collect())
        .collect()
}

/// An export of three pupils the example school does not have.
#[cfg(unix)]
fn three_new_pupils(dir: &Path) -> PathBuf {
    let p = dir.join("export.csv");
    std::fs::write(
        &p,
        "Legal Surname,Legal Forename,DOB,SEN Status,Primary Need\n\
         Smith,Amy,01/02/2018,K,SLCN\n\
         Jones,Ben,01/02/2018,K,SEMH\n\
         Dunn,Cara,01/02/2018,K,SPLD\n",
    )
    .expect("write export");
    p
}

/// No folder on the way from `root` to `rel` is a link.
#[cfg(unix)]
fn through_real_folders(root: &Path, rel: &str) -> bool {
    let mut at = root.to_path_buf();
    rel.split('/').all(|part| {
        at.push(part);
        !std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink())
    })
}

/// `sen import` and `sen new` with links of every kind laid in the records: a pupil's
/// folder linked to another pupil's `meetings/`, to a folder outside the records, to
/// nothing; a pupil's `meetings/` linked to another pupil's, their `cycles/` and
/// `annual-reviews/` linked outside. Not one record changes, nothing lands outside, and
/// what is added is added through real folders only.
#[cfg(unix)]
#[test]
fn import_and_new_never_write_through_a_link() {
    use std::os::unix::fs::symlink;
    let (dir, root) = oakfield_in_a_folder();
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&outside).expect("mkdir");
    let p = |rel: &str| root.join("pupils").join(rel);
    symlink(p("amara-okafor/meetings"), p("amy-smith")).expect("link");
    symlink(&outside, p("ben-jones")).expect("link");
    symlink(dir.path().join("nowhere"), p("cara-dunn")).expect("link");
    symlink(p("amara-okafor/meetings"), p("ethan-murphy/meetings")).expect("link");
    std::fs::rename(p("ethan-murphy/cycles"), outside.join("ethan-cycles")).expect("move");
    symlink(outside.join("ethan-cycles"), p("ethan-murphy/cycles")).expect("link");
    std::fs::rename(p("ruby-osei/annual-reviews"), outside.join("ruby-reviews")).expect("move");
    symlink(outside.join("ruby-reviews"), p("ruby-osei/annual-reviews")).expect("link");
    symlink(p("aisha-begum/ehcp.yaml"), p("theo-bennett/ehcp.yaml")).expect("link");
    // Amara's own folders are real: `sen new` may add to them.
    let export = three_new_pupils(dir.path());
    let before = hashes(&root);
    let outside_before = hashes(&outside);
    for args in import_and_new(&export) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        sen(&root, &args);
        let after = hashes(&root);
        for (file, hash) in &before {
            assert_eq!(
                after.get(file),
                Some(hash),
                "`sen {}` changed {file}",
                args.join(" ")
            );
        }
        for file in after.keys().filter(|f| !before.contains_key(*f)) {
            assert!(
                through_real_folders(&root, file),
                "`sen {}` wrote {file} through a link",
                args.join(" ")
            );
            assert!(
                !file.starts_with("pupils/amara-okafor/meetings/")
                    || args.contains(&"amara-okafor"),
                "`sen {}` wrote {file} into Amara's meetings",
                args.join(" ")
            );
        }
        assert_eq!(
            hashes(&outside),
            outside_before,
            "`sen {}` wrote outside",
            args.join(" ")
        );
        assert!(!dir.path().join("nowhere").exists());
    }
    // The import itself went ahead, into folders of its own.
    let after = hashes(&root);
    for id in ["amy-smith-2", "ben-jones-2", "cara-dunn-2"] {
        assert!(
            after.contains_key(&format!("pupils/{id}/pupil.yaml")),
            "{id}"
        );
    }
    assert!(after.contains_key("pupils/amara-okafor/meetings/2026-11-23.yaml"));
}

/// `pupils/` itself a link (to a folder outside the records, or inside them): import and
/// new write nothing, dry run or not.
#[cfg(unix)]
#[test]
fn import_and_new_never_write_when_pupils_is_a_link() {
    use std::os::unix::fs::symlink;
    for inside in [false, true] {
        let (dir, root) = oakfield_in_a_folder();
        let real = if inside {
            root.join("store")
        } else {
            dir.path().join("real-pupils")
        };
        std::fs::rename(root.join("pupils"), &real).expect("move");
        symlink(&real, root.join("pupils")).expect("link");
        let export = three_new_pupils(dir.path());
        let before = hashes(&real);
        let root_before = hashes(&root);
        for args in import_and_new(&export) {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            sen(&root, &args);
            assert_eq!(
                hashes(&real),
                before,
                "`sen {}` wrote through pupils/",
                args.join(" ")
            );
            assert_eq!(hashes(&root), root_before, "`sen {}`", args.join(" "));
        }
    }
}

/// `sen serve`: browsing every page reachable from home (reports, letters shown, Word
/// downloads, the calendar, files as text) changes no record and writes nothing at all;
/// then writing the due letters from the page adds files under out/ only.
#[test]
fn serving_and_browsing_every_page_modifies_no_record() {
    let (_dir, root) = oakfield_in_a_folder();
    let before = hashes(&root);
    let s = common::serve::start(&root, AS_OF, &[]);
    // Under Wine (the Windows run in CI) every document page starts a Windows process, so
    // the first pages only; on the build platform, all of them.
    let (limit, least) = if cfg!(windows) { (40, 30) } else { (2000, 100) };
    let pages = s.crawl(limit);
    assert!(pages.len() >= least, "only {} pages browsed", pages.len());
    intact(&before, &hashes(&root), &["serve"]);
    assert!(!root.join("out").exists(), "browsing wrote out/");
    let csrf = s.csrf("/letters");
    let r = s.post("/letters/due", &[("csrf", &csrf), ("format", "docx")]);
    assert_eq!(r.status, 200);
    intact(&before, &hashes(&root), &["serve", "letters"]);
    assert!(root.join("out/letters").is_dir());
}

fn git(root: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .expect("git");
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `sen serve`'s own writes (a file saved as text, "Record in history"), posted without the
/// token, without or with a wrong anti-forgery token, or from another origin: each refused,
/// and no file changes, the repository included; browsing the pupils' pages (which read the
/// history) changes nothing either. The same post made properly does write, so the
/// comparison can fail.
#[test]
fn forged_posts_to_the_text_editor_and_history_change_nothing() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("skipped: git is not installed");
        return;
    }
    let (_dir, root) = oakfield_in_a_folder();
    git(&root, &["init", "-q"]);
    git(&root, &["config", "user.name", "Priya Shah"]);
    git(
        &root,
        &["config", "user.email", "senco@oakfield.example.org"],
    );
    git(&root, &["add", "."]);
    git(&root, &["commit", "-q", "-m", "SEN records"]);
    let s = common::serve::start(&root, AS_OF, &[]);
    let rel = "pupils/amara-okafor/cycles/2026-09-15.yaml";
    let text = std::fs::read_to_string(root.join(rel)).expect("read");
    let fp: String = Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let changed = format!("# forged\n{text}");
    let before = hashes(&root);
    for id in pupil_ids(&root) {
        assert_eq!(s.get(&format!("/pupils/{id}")).status, 200, "{id}");
        assert_eq!(
            s.get(&format!("/text/pupils/{id}/pupil.yaml")).status,
            200,
            "{id}"
        );
    }
    intact(&before, &hashes(&root), &["serve", "pupil pages with git"]);
    let csrf = s.csrf("/census");
    let body = |csrf: &str| {
        common::serve::encode(&[("csrf", csrf), ("fingerprint", &fp), ("text", &changed)])
    };
    let (cookie, host, origin) = (s.cookie(), s.host(), s.origin());
    let (cookie, host, origin) = (cookie.as_str(), host.as_str(), origin.as_str());
    let form = ("Content-Type", "application/x-www-form-urlencoded");
    let text_path = format!("/text/{rel}");
    for path in [text_path.as_str(), "/history"] {
        let cases = [
            (
                "no token",
                vec![("Host", host), ("Origin", origin), form],
                body(&csrf),
            ),
            (
                "no anti-forgery token",
                vec![("Host", host), ("Cookie", cookie), ("Origin", origin), form],
                common::serve::encode(&[("fingerprint", &fp), ("text", &changed)]),
            ),
            (
                "a wrong anti-forgery token",
                vec![("Host", host), ("Cookie", cookie), ("Origin", origin), form],
                body(&"0".repeat(64)),
            ),
            (
                "another origin",
                vec![
                    ("Host", host),
                    ("Cookie", cookie),
                    ("Origin", "http://evil.example"),
                    form,
                ],
                body(&csrf),
            ),
            (
                "no origin at all",
                vec![("Host", host), ("Cookie", cookie), form],
                body(&csrf),
            ),
        ];
        for (what, headers, body) in cases {
            let r = s.raw("POST", path, &headers, body.as_bytes());
            assert_eq!(r.status, 403, "{path} with {what}");
            intact(&before, &hashes(&root), &["serve", path, what]);
        }
    }
    assert_eq!(git(&root, &["rev-list", "--count", "HEAD"]).trim(), "1");
    // Made properly, the same posts write: the file, then one commit.
    let r = s.post(
        &text_path,
        &[("csrf", &csrf), ("fingerprint", &fp), ("text", &changed)],
    );
    assert_eq!(r.status, 303);
    assert_eq!(
        std::fs::read_to_string(root.join(rel)).expect("read"),
        changed
    );
    assert_eq!(s.post("/history", &[("csrf", &csrf)]).status, 200);
    assert_eq!(git(&root, &["rev-list", "--count", "HEAD"]).trim(), "2");
}
