//! `sen serve` in a real browser: Debian's Chromium, headless, driven through chromedriver's
//! WebDriver HTTP API. Opens the printed address, sees the example school's overdue
//! findings, opens a pupil and every report, writes the due letters, downloads a Word file;
//! and is refused without the token, under a foreign host name, and for a form posted from
//! another site. Screenshots of the home, pupil and register pages (desktop and tablet
//! widths) are saved under target/serve-screenshots/ to be looked at.
//!
//! Skips, saying so, only where chromium or chromedriver is not installed (.ci/run installs
//! both).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::serve::{self, request};
use common::{AS_OF, OAKFIELD, copy_dir};
use serde_json::{Value, json};

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Driver {
    child: Child,
    port: u16,
    session: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = request(
            self.port,
            "DELETE",
            &format!("/session/{}", self.session),
            &[("Host", "localhost")],
            b"",
        );
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wd(port: u16, method: &str, path: &str, body: Option<Value>) -> Value {
    wd_try(port, method, path, body).unwrap_or_else(|e| panic!("{e}"))
}

/// One WebDriver command; an error response as its text.
fn wd_try(port: u16, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let r = request(
        port,
        method,
        path,
        &[
            ("Host", &format!("localhost:{port}")),
            ("Content-Type", "application/json"),
        ],
        body.as_bytes(),
    );
    let v: Value =
        serde_json::from_slice(&r.body).map_err(|_| format!("{method} {path}: {}", r.text()))?;
    if r.status >= 400 {
        return Err(format!("{method} {path}: {} {}", r.status, r.text()));
    }
    Ok(v["value"].clone())
}

impl Driver {
    fn start(chromium: &Path, chromedriver: &Path, downloads: &Path) -> Driver {
        let port = free_port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let start = Instant::now();
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1280,1000",
                         "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--no-first-run", "--disable-quic"],
                "prefs": {
                    "download.default_directory": downloads,
                    "download.prompt_for_download": false,
                },
            },
        }}});
        let v = wd(port, "POST", "/session", Some(caps));
        let session = v["sessionId"].as_str().expect("session").to_string();
        Driver {
            child,
            port,
            session,
        }
    }

    fn cmd(&self, method: &str, what: &str, body: Option<Value>) -> Value {
        wd(
            self.port,
            method,
            &format!("/session/{}/{what}", self.session),
            body,
        )
    }

    fn go(&self, url: &str) {
        self.cmd("POST", "url", Some(json!({ "url": url })));
    }

    fn url(&self) -> String {
        self.cmd("GET", "url", None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// The text the page shows (the body's innerText).
    fn text(&self) -> String {
        // A page still loading after a click can have no body yet, or replace the body
        // between finding it and reading it ("stale element reference"): find it again.
        for _ in 0..50 {
            let Some(el) = self.find_all("body").into_iter().next() else {
                std::thread::sleep(Duration::from_millis(100));
                continue;
            };
            let path = format!("/session/{}/element/{el}/text", self.session);
            match wd_try(self.port, "GET", &path, None) {
                Ok(v) => return v.as_str().unwrap_or("").to_string(),
                Err(e) if e.contains("stale element") => {
                    std::thread::sleep(Duration::from_millis(100))
                }
                Err(e) => panic!("{e}"),
            }
        }
        panic!("the page kept changing under {}", self.url());
    }

    fn find(&self, css: &str) -> String {
        self.find_all(css)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no `{css}` on {}", self.url()))
    }

    fn find_all(&self, css: &str) -> Vec<String> {
        let v = self.cmd(
            "POST",
            "elements",
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e.as_object()?.values().next()?.as_str().map(String::from))
            .collect()
    }

    fn attr(&self, el: &str, name: &str) -> String {
        self.cmd("GET", &format!("element/{el}/property/{name}"), None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    fn click(&self, el: &str) {
        self.cmd("POST", &format!("element/{el}/click"), Some(json!({})));
    }

    fn window(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "window/rect",
            Some(json!({"width": width, "height": height})),
        );
    }

    fn screenshot(&self, to: &Path) {
        use base64::Engine;
        let png = self.cmd("GET", "screenshot", None);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap())
            .unwrap();
        std::fs::write(to, bytes).unwrap();
    }
}

/// A page on another origin (another port) whose form posts to sen: the cross-site attack.
fn evil_site(target: String) -> u16 {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    std::thread::spawn(move || {
        for rq in server.incoming_requests() {
            let html = format!(
                "<!DOCTYPE html><html><body><form id=f method=post action=\"{target}/letters/due\"><input name=csrf value=guess><input name=format value=html></form><script>document.getElementById('f').submit()</script></body></html>"
            );
            let resp = tiny_http::Response::from_string(html)
                .with_header(tiny_http::Header::from_bytes("Content-Type", "text/html").unwrap());
            let _ = rq.respond(resp);
        }
    });
    port
}

fn wait_for(d: &Driver, what: &str, f: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let t = d.text();
        if f(&t) {
            return t;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{what} never showed on {}: {t}",
            d.url()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().to_path_buf())
        .collect()
}

/// What every browser test starts from: a private copy of Oakfield, a downloads folder,
/// the screenshots folder, and the two programs (`None`, after saying so, without them).
struct Bench {
    /// Kept so the copy lives as long as the test.
    dir: tempfile::TempDir,
    root: PathBuf,
    downloads: PathBuf,
    shots: PathBuf,
    chromium: PathBuf,
    chromedriver: PathBuf,
}

impl Bench {
    fn new() -> Option<Bench> {
        let (Some(chromium), Some(chromedriver)) = (which("chromium"), which("chromedriver"))
        else {
            eprintln!(
                "skipped: the browser tests need Debian's `chromium` and `chromium-driver` (apt-get install chromium chromium-driver); .ci/run installs them"
            );
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("oakfield");
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join(OAKFIELD), &root);
        let downloads = dir.path().join("downloads");
        std::fs::create_dir_all(&downloads).unwrap();
        let shots = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .unwrap()
            .join("serve-screenshots");
        std::fs::create_dir_all(&shots).unwrap();
        Some(Bench {
            dir,
            root,
            downloads,
            shots,
            chromium,
            chromedriver,
        })
    }
}

#[test]
fn a_senco_uses_sen_serve_in_a_real_browser_and_others_are_refused() {
    let Some(Bench {
        dir: _dir,
        root,
        downloads,
        shots,
        chromium,
        chromedriver,
    }) = Bench::new()
    else {
        return;
    };

    let s = serve::start(&root, AS_OF, &[]);
    let address = format!("http://127.0.0.1:{}/?token={}", s.port, s.token);
    let d = Driver::start(&chromium, &chromedriver, &downloads);

    // The printed address: the to-do list, the token gone from the address bar.
    d.go(&address);
    let home = wait_for(&d, "the to-do list", |t| t.contains("To do"));
    assert!(!d.url().contains("token"), "{}", d.url());
    assert!(home.contains("Overdue by 3 days"), "{home}");
    assert!(
        home.contains("review of the cycle started 15 September 2026"),
        "{home}"
    );
    assert!(home.contains("pupils/amara-okafor/cycles/2026-09-15.yaml, line 22"));
    d.screenshot(&shots.join("home-1280.png"));

    // A pupil, from their name on the to-do list.
    let link = d
        .find_all("section.group h2 a")
        .into_iter()
        .find(|el| d.attr(el, "textContent").contains("Amy Okafor"))
        .expect("Amy Okafor on the to-do list");
    d.click(&link);
    let pupil = wait_for(&d, "the pupil page", |t| t.contains("To do for Amy Okafor"));
    assert!(pupil.contains("SEN record: Amara Okafor"), "{pupil}");
    assert!(pupil.contains("Passport"));
    d.screenshot(&shots.join("pupil-1280.png"));

    d.go(&format!("{}/register", s.origin()));
    wait_for(&d, "the register", |t| t.contains("SEN register"));
    d.screenshot(&shots.join("register-1280.png"));
    d.window(800, 1100);
    d.screenshot(&shots.join("register-tablet.png"));
    d.go(&format!("{}/", s.origin()));
    wait_for(&d, "the to-do list", |t| t.contains("To do"));
    d.screenshot(&shots.join("home-tablet.png"));
    d.window(1280, 1000);

    // Every report, opened from the reports page.
    d.go(&format!("{}/reports", s.origin()));
    wait_for(&d, "the reports", |t| t.contains("Reports"));
    let reports: Vec<String> = d
        .find_all(".card h2 a")
        .iter()
        .map(|el| d.attr(el, "href"))
        .collect();
    assert!(reports.len() >= 5, "{reports:?}");
    for r in &reports {
        d.go(r);
        let t = wait_for(&d, r, |t| t.contains("Printable"));
        assert!(!t.contains("could not be made"), "{r}: {t}");
        assert!(!d.find_all(".document").is_empty(), "{r}");
    }

    // The due letters, written with one click, then opened.
    assert!(files_under(&root.join("out")).is_empty());
    d.go(&format!("{}/letters", s.origin()));
    wait_for(&d, "the letters", |t| t.contains("Due now"));
    d.click(&d.find("button.primary"));
    let done = wait_for(&d, "letters written", |t| t.contains("Letters written"));
    let written = files_under(&root.join("out/letters"));
    assert!(!written.is_empty(), "{done}");
    assert!(
        done.contains(&format!("{} letters written", written.len())),
        "{done}"
    );
    d.click(&d.find("ul.files a"));
    wait_for(&d, "a letter", |t| t.contains("Dear"));

    // A Word file, downloaded.
    d.go(&format!("{}/reports/register", s.origin()));
    wait_for(&d, "the register report", |t| t.contains("Word"));
    let word = d
        .find_all(".actions a")
        .into_iter()
        .find(|el| d.attr(el, "textContent") == "Word")
        .expect("a Word link");
    d.click(&word);
    let start = Instant::now();
    let docx = loop {
        let found = files_under(&downloads)
            .into_iter()
            .find(|p| p.extension().is_some_and(|e| e == "docx"));
        if let Some(p) = found {
            break p;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no Word file downloaded"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    std::thread::sleep(Duration::from_millis(500));
    assert!(std::fs::read(&docx).unwrap().starts_with(b"PK"));

    // Refusals. A form on another site posting to sen: refused, nothing written.
    let before = files_under(&root.join("out"));
    let evil = evil_site(s.origin());
    d.go(&format!("http://127.0.0.1:{evil}/"));
    let refused = wait_for(&d, "the refusal", |t| t.contains("Not allowed"));
    assert!(!refused.contains("Okafor"));
    assert_eq!(
        files_under(&root.join("out")),
        before,
        "a cross-site form wrote"
    );

    // Another host name for this machine (as a DNS-rebinding page would use): refused.
    d.go(&format!(
        "http://sen-test.localhost:{}/?token={}",
        s.port, s.token
    ));
    let t = wait_for(&d, "the refusal", |t| t.contains("Not allowed"));
    assert!(!t.contains("Okafor"));

    // Without the token (the cookie gone): refused, no record data.
    d.go(&format!("{}/", s.origin()));
    d.cmd("DELETE", "cookie", None);
    d.go(&format!("{}/pupils/amara-okafor", s.origin()));
    let t = wait_for(&d, "the refusal", |t| t.contains("Not allowed"));
    assert!(!t.contains("Okafor"), "{t}");
}

fn git(root: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Editing a file as text in the page keeps its comments; a text that is not YAML is not
/// saved; "Record in history" then makes one commit holding only that file.
#[test]
fn a_senco_edits_a_file_as_text_and_records_it_in_history() {
    if which("git").is_none() {
        eprintln!("skipped: this browser test needs `git` (.ci/run installs it)");
        return;
    }
    let Some(Bench {
        dir: _dir,
        root,
        downloads,
        shots,
        chromium,
        chromedriver,
    }) = Bench::new()
    else {
        return;
    };
    git(&root, &["init", "-q"]);
    git(&root, &["config", "user.name", "Priya Shah"]);
    git(
        &root,
        &["config", "user.email", "senco@oakfield.example.org"],
    );
    git(&root, &["add", "."]);
    git(
        &root,
        &["commit", "-q", "-m", "SEN records for the autumn term"],
    );
    let rel = "pupils/amara-okafor/pupil.yaml";
    let before = std::fs::read_to_string(root.join(rel)).unwrap();
    assert!(before.contains("# what helps"), "the file has comments");

    let s = serve::start(&root, AS_OF, &[]);
    let d = Driver::start(&chromium, &chromedriver, &downloads);
    d.go(&format!("http://127.0.0.1:{}/?token={}", s.port, s.token));
    wait_for(&d, "the to-do list", |t| t.contains("To do"));
    d.go(&format!("{}/pupils/amara-okafor", s.origin()));
    let page = wait_for(&d, "the pupil page", |t| {
        t.contains("History of these files")
    });
    assert!(page.contains("SEN records for the autumn term"), "{page}");

    // The file's "edit" link in the pupil's list of files.
    let edit = d
        .find_all(".files a.edit")
        .into_iter()
        .find(|el| d.attr(el, "href").ends_with(rel))
        .expect("an edit link for pupil.yaml");
    d.click(&edit);
    wait_for(&d, "the editing page", |t| t.contains("Save"));
    let area = d.find("textarea[name=text]");
    let lines = before.split('\n').count();
    assert_eq!(d.find_all(".gutter span").len(), lines);
    d.screenshot(&shots.join("text-edit-1280.png"));

    // First a slip: a bracket left open. Nothing is saved; the line is marked.
    d.cmd(
        "POST",
        &format!("element/{area}/value"),
        Some(json!({"text": "reviewed: [November\n"})),
    );
    assert_eq!(
        d.find_all(".gutter span").len(),
        lines + 1,
        "a number for the new line"
    );
    d.click(&d.find("button.primary"));
    let t = wait_for(&d, "the refusal", |t| t.contains("Not saved"));
    assert!(t.contains("not valid YAML"), "{t}");
    assert!(!d.find_all(".gutter span.bad").is_empty());
    assert_eq!(std::fs::read_to_string(root.join(rel)).unwrap(), before);
    d.screenshot(&shots.join("text-not-yaml-1280.png"));

    // Corrected: the slip becomes a comment, and the file is saved with every other byte.
    let area = d.find("textarea[name=text]");
    let sent = d.attr(&area, "value");
    let fixed = sent.replace(
        "reviewed: [November\n",
        "# Reviewed with Mrs Okafor in November\n",
    );
    d.cmd("POST", &format!("element/{area}/clear"), Some(json!({})));
    d.cmd(
        "POST",
        &format!("element/{area}/value"),
        Some(json!({ "text": fixed })),
    );
    d.click(&d.find("button.primary"));
    let t = wait_for(&d, "the file saved", |t| t.contains("Saved."));
    assert_eq!(
        std::fs::read_to_string(root.join(rel)).unwrap(),
        format!("{before}# Reviewed with Mrs Okafor in November\n")
    );
    assert!(t.contains("Record in history"), "{t}");
    d.screenshot(&shots.join("text-saved-1280.png"));

    d.click(&d.find("form.record button"));
    let t = wait_for(&d, "the commit", |t| t.contains("Recorded in history"));
    assert!(
        t.contains("Edit of Amara Okafor's pupil file as text"),
        "{t}"
    );
    d.screenshot(&shots.join("recorded-1280.png"));
    assert_eq!(git(&root, &["rev-list", "--count", "HEAD"]).trim(), "2");
    assert_eq!(
        git(&root, &["show", "--name-only", "--format=", "HEAD"]).trim(),
        rel,
        "one commit holding only that file"
    );
    assert_eq!(
        git(&root, &["log", "-1", "--format=%s"]).trim(),
        "Edit of Amara Okafor's pupil file as text"
    );
    assert_eq!(git(&root, &["status", "--porcelain"]).trim(), "");

    d.go(&format!("{}/pupils/amara-okafor", s.origin()));
    let t = wait_for(&d, "the history", |t| t.contains("pupil file as text"));
    assert!(!t.contains("Record in history"), "{t}");
    d.go(&format!("{}/pupils/amara-okafor#history", s.origin()));
    wait_for(&d, "the history", |t| t.contains("pupil file as text"));
    d.screenshot(&shots.join("pupil-history-1280.png"));
}

/// Set a field's value as a person choosing it would (a date picker's value is YYYY-MM-DD
/// whatever the browser's language, so it is set, not typed).
fn set_value(d: &Driver, css: &str, value: &str) {
    d.find(css);
    d.cmd(
        "POST",
        "execute/sync",
        Some(json!({
            "script": "var e = document.querySelector(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('change'));",
            "args": [css, value],
        })),
    );
}

fn type_into(d: &Driver, css: &str, text: &str) {
    let el = d.find(css);
    d.cmd(
        "POST",
        &format!("element/{el}/value"),
        Some(json!({ "text": text })),
    );
}

#[test]
fn a_senco_creates_a_pupil_and_a_cycle_through_the_forms() {
    let Some(Bench {
        dir: _dir,
        root,
        downloads,
        shots,
        chromium,
        chromedriver,
    }) = Bench::new()
    else {
        return;
    };
    let s = serve::start(&root, AS_OF, &[]);
    let d = Driver::start(&chromium, &chromedriver, &downloads);
    d.go(&format!("http://127.0.0.1:{}/?token={}", s.port, s.token));
    wait_for(&d, "the to-do list", |t| t.contains("To do"));

    // From the register, "New pupil".
    d.go(&format!("{}/register", s.origin()));
    wait_for(&d, "the register", |t| t.contains("SEN register"));
    d.click(&d.find("a.button[href='/new/pupil']"));
    let form = wait_for(&d, "the new pupil form", |t| t.contains("New pupil"));
    assert!(
        form.contains("name.given") && form.contains("Date of birth."),
        "{form}"
    );
    type_into(&d, "input[name='name.given']", "Nia");
    type_into(&d, "input[name='name.family']", "Evans");
    // A date of birth after SEN support started: refused, shown beside it, nothing written.
    set_value(&d, "input[name='dob']", "2026-11-30");
    d.screenshot(&shots.join("create-pupil-1280.png"));
    d.click(&d.find("button.primary"));
    let refused = wait_for(&d, "the refusal", |t| t.contains("Nothing was written"));
    assert!(
        refused.contains("is after the date SEN provision starts"),
        "{refused}"
    );
    assert!(!root.join("pupils/nia-evans").exists());
    d.screenshot(&shots.join("create-pupil-refused-1280.png"));
    d.window(800, 1100);
    d.screenshot(&shots.join("create-pupil-refused-tablet.png"));
    d.window(1280, 1000);
    // Corrected: written, and the pupil's page says so.
    set_value(&d, "input[name='dob']", "2017-03-14");
    d.click(&d.find("button.primary"));
    let page = wait_for(&d, "the new pupil's page", |t| t.contains("Written:"));
    assert!(page.contains("pupils/nia-evans/pupil.yaml"), "{page}");
    assert!(root.join("pupils/nia-evans/pupil.yaml").is_file());

    // Their first cycle, with an outcome and provision from the catalogue.
    d.click(&d.find("a.button[href$='/new/cycle']"));
    wait_for(&d, "the new cycle form", |t| t.contains("New cycle"));
    type_into(&d, "input[name='plan.outcomes.id']", "reading");
    type_into(
        &d,
        "input[name='plan.outcomes.outcome']",
        "Reads a Year 3 text at 40 words a minute",
    );
    type_into(
        &d,
        "input[name='plan.outcomes.measure']",
        "Timed reading, weekly",
    );
    set_value(&d, "select[name='plan.provision']", "lexia");
    d.screenshot(&shots.join("create-cycle-1280.png"));
    d.window(800, 1100);
    d.screenshot(&shots.join("create-cycle-tablet.png"));
    d.window(1280, 1000);
    d.click(&d.find("button.primary"));
    let page = wait_for(&d, "the cycle written", |t| t.contains("Written:"));
    assert!(
        page.contains("pupils/nia-evans/cycles/2026-11-23.yaml"),
        "{page}"
    );
    d.screenshot(&shots.join("create-written-1280.png"));
    let text =
        std::fs::read_to_string(root.join("pupils/nia-evans/cycles/2026-11-23.yaml")).unwrap();
    assert!(text.contains("    - { ref: lexia }\n"), "{text}");
    assert!(text.contains("id: reading"), "{text}");

    // On the register.
    d.go(&format!("{}/register", s.origin()));
    let register = wait_for(&d, "the register", |t| t.contains("SEN register"));
    assert!(register.contains("Evans, Nia"), "{register}");
}

/// Type a date into a date picker as a person does; the order of day, month and year it
/// takes depends on the browser's language, so each order is tried until the picker holds
/// the date (its value is always YYYY-MM-DD).
fn type_date(d: &Driver, el: &str, iso: &str) {
    let (y, rest) = iso.split_once('-').unwrap();
    let (m, day) = rest.split_once('-').unwrap();
    let mut got = Vec::new();
    for typed in [
        format!("{m}{day}{y}"),
        format!("{day}{m}{y}"),
        format!("{y}{m}{day}"),
    ] {
        d.cmd("POST", &format!("element/{el}/clear"), Some(json!({})));
        d.cmd(
            "POST",
            &format!("element/{el}/value"),
            Some(json!({ "text": typed })),
        );
        let now = d.attr(el, "value");
        if now == iso {
            return;
        }
        got.push((typed, now));
    }
    panic!("the date picker would not take {iso}: {got:?}");
}

/// Choose `value` in the select named `name`.
fn choose(d: &Driver, name: &str, value: &str) {
    let option = d.find(&format!("select[name='{name}'] option[value='{value}']"));
    d.click(&option);
}

/// Click the button on home that resolves the finding about `rel`.
fn resolve_from_home(d: &Driver, origin: &str, form: &str, rel: &str) {
    d.go(&format!("{origin}/"));
    wait_for(d, "the to-do list", |t| t.contains("To do"));
    let want = format!("/record/{form}/{rel}");
    let button = d
        .find_all(".act a")
        .into_iter()
        .find(|el| d.attr(el, "href").ends_with(&want))
        .unwrap_or_else(|| panic!("no button for {want} on home"));
    d.click(&button);
}

#[test]
fn a_senco_records_a_review_and_a_notification_and_each_finding_leaves_home() {
    let Some(Bench {
        dir: _dir,
        root,
        downloads,
        shots,
        chromium,
        chromedriver,
    }) = Bench::new()
    else {
        return;
    };
    let cycle = "pupils/amara-okafor/cycles/2026-09-15.yaml";
    let pupil = "pupils/zainab-hussain/pupil.yaml";
    let cycle_before = std::fs::read_to_string(root.join(cycle)).unwrap();

    let s = serve::start(&root, AS_OF, &[]);
    let d = Driver::start(&chromium, &chromedriver, &downloads);
    d.go(&format!("http://127.0.0.1:{}/?token={}", s.port, s.token));
    let home = wait_for(&d, "the to-do list", |t| t.contains("To do"));
    assert!(home.contains("review of the cycle started 15 September 2026 was due"));
    assert!(home.contains("parents not yet formally told of the SEN provision"));

    // The review, one click from its finding.
    resolve_from_home(&d, &s.origin(), "review", cycle);
    let form = wait_for(&d, "the review form", |t| t.contains("Review held on"));
    assert!(
        form.contains("Reads a Year 3 text aloud at 70 words a minute"),
        "{form}"
    );
    d.screenshot(&shots.join("record-review.png"));
    // Without the date of the review: refused, the finding beside the date, nothing written.
    choose(&d, "review.progress", "expected");
    d.click(&d.find("form.record button.primary"));
    let refused = wait_for(&d, "the finding beside the date", |t| {
        t.contains("missing required key `date`")
    });
    assert!(refused.contains("Review held on"), "{refused}");
    assert_eq!(
        std::fs::read_to_string(root.join(cycle)).unwrap(),
        cycle_before
    );
    d.screenshot(&shots.join("record-review-invalid.png"));
    let date = d.find("input[name='review.date']");
    type_date(&d, &date, "2026-11-23");
    choose(&d, "review.parents_present", "true");
    choose(&d, "review.outcomes.fluency", "achieved");
    choose(&d, "review.outcomes.writing", "partly");
    choose(&d, "review.progress", "expected");
    choose(&d, "review.next", "new-cycle");
    d.click(&d.find("form.record button.primary"));
    wait_for(&d, "the pupil page", |t| t.contains("To do for Amy Okafor"));
    let cycle_now = std::fs::read_to_string(root.join(cycle)).unwrap();
    assert!(cycle_now.starts_with(&cycle_before), "{cycle_now}");
    assert!(
        cycle_now.ends_with("  progress: expected\n  next: new-cycle\n"),
        "{cycle_now}"
    );

    // The parents' notification.
    resolve_from_home(&d, &s.origin(), "notified", pupil);
    wait_for(&d, "the notification form", |t| {
        t.contains("Parents notified on")
    });
    d.screenshot(&shots.join("record-notified.png"));
    // Meanwhile the file changes in a text editor: the form is refused, both shown.
    let edited = std::fs::read_to_string(root.join(pupil))
        .unwrap()
        .replace("class: 3 Birch", "class: 3 Birch   # to 3 Oak in January");
    std::fs::write(root.join(pupil), &edited).unwrap();
    type_date(
        &d,
        &d.find("input[name='sen.parents_notified']"),
        "2026-11-20",
    );
    d.click(&d.find("form.record button.primary"));
    let stale = wait_for(&d, "the stale form refused", |t| {
        t.contains("The file as it is now")
    });
    assert!(stale.contains("# to 3 Oak in January"), "{stale}");
    assert!(stale.contains("What this form would write"), "{stale}");
    assert_eq!(std::fs::read_to_string(root.join(pupil)).unwrap(), edited);
    d.screenshot(&shots.join("record-stale.png"));
    // Opened again on the file as it is now, and recorded.
    d.click(&d.find("a.button[href^='/record/notified/']"));
    wait_for(&d, "the notification form", |t| {
        t.contains("Parents notified on")
    });
    type_date(
        &d,
        &d.find("input[name='sen.parents_notified']"),
        "2026-11-20",
    );
    d.click(&d.find("form.record button.primary"));
    wait_for(&d, "the pupil page", |t| t.contains("Zainab"));
    assert!(
        std::fs::read_to_string(root.join(pupil))
            .unwrap()
            .contains("  parents_notified: 2026-11-20      # the letter is drafted")
    );

    // Both findings have left the to-do list.
    d.go(&format!("{}/", s.origin()));
    let home = wait_for(&d, "the to-do list", |t| t.contains("To do"));
    assert!(
        !home.contains("review of the cycle started 15 September 2026 was due"),
        "{home}"
    );
    assert!(!home.contains("parents not yet formally told"), "{home}");
    d.screenshot(&shots.join("home-after-recording.png"));
}
