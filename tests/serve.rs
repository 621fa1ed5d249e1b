//! `sen serve` over HTTP: every page reachable from home answers without a server error and
//! with the security headers; nothing is shown without the token, to a foreign `Host`, and
//! nothing is written by a POST from elsewhere or without the anti-forgery token.

mod common;

use common::serve::{self, attrs};
use common::{AS_OF, OAKFIELD, copy_dir};
use std::path::Path;

fn school() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("oakfield school");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join(OAKFIELD), &root);
    (dir, root)
}

fn security_headers(path: &str, r: &serve::Reply) {
    let csp = r
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("{path}: no CSP"));
    assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
    assert!(!csp.contains("http"), "{path}: {csp}");
    assert_eq!(r.header("x-frame-options"), Some("DENY"), "{path}");
    assert_eq!(
        r.header("x-content-type-options"),
        Some("nosniff"),
        "{path}"
    );
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"), "{path}");
    assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
}

/// Names from the example school's records, which must never show without the token.
const NAMES: [&str; 4] = ["Okafor", "Kowalczyk", "Adeyemi", "Oakfield"];

#[test]
fn every_page_reachable_from_home_answers_safely_and_only_with_the_token() {
    let (_dir, root) = school();
    let s = serve::start(&root, AS_OF, &[]);
    let pages = s.crawl(600);
    assert!(pages.len() > 60, "only {} pages reached", pages.len());
    let paths: Vec<&str> = pages.iter().map(|(p, _)| p.as_str()).collect();
    for must in [
        "/",
        "/register",
        "/pupils/amara-okafor",
        "/reports",
        "/reports/information",
        "/reports/register.docx",
        "/reports/governors.html",
        "/letters",
        "/import",
        "/census",
        "/calendar.ics",
        "/files/pupils/amara-okafor/pupil.yaml",
        "/pupils/amara-okafor/record.docx",
        "/pupils/amara-okafor/letters/notification.html",
    ] {
        assert!(paths.contains(&must), "{must} not reachable from home");
    }
    for (path, r) in &pages {
        assert!(r.status < 500, "{path}: {}", r.status);
        assert!(r.status == 200, "{path}: {} {}", r.status, r.text());
        security_headers(path, r);
        if r.header("content-type")
            .is_some_and(|c| c.starts_with("text/html"))
        {
            let html = r.unescaped();
            // Nothing loaded from elsewhere: every src and every stylesheet is this server's.
            for src in attrs(&html, "src") {
                assert!(
                    src.starts_with('/') && !src.starts_with("//"),
                    "{path}: src {src}"
                );
            }
            for tag in html.split("<link").skip(1) {
                let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
                for href in attrs(tag, "href") {
                    assert!(
                        href.starts_with('/') && !href.starts_with("//"),
                        "{path}: {href}"
                    );
                }
            }
            assert!(!html.contains("url(http"), "{path}");
            assert!(!html.contains("<iframe"), "{path}");
        }
    }
    let home = &pages[0].1.unescaped();
    assert!(home.contains("Overdue by"), "{home}");
    assert!(home.contains("pupils/amara-okafor/cycles/2026-09-15.yaml"));
    let docx = &pages
        .iter()
        .find(|(p, _)| p == "/reports/register.docx")
        .unwrap()
        .1;
    assert!(docx.body.starts_with(b"PK"), "a Word file is a zip");
    assert!(
        docx.header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment"))
    );

    // Without the token: 403 and not a name, for every one of those pages.
    let wrong = format!("sen-{}={}", s.port, "0".repeat(64));
    let other_port = format!("sen-{}={}", s.port + 1, s.token);
    for (path, _) in &pages {
        for cookie in [None, Some(wrong.as_str()), Some(other_port.as_str())] {
            let mut h = vec![("Host", s.host())];
            if let Some(c) = cookie {
                h.push(("Cookie", c.to_string()));
            }
            let h: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = s.raw("GET", path, &h, b"");
            assert_eq!(r.status, 403, "{path} with {cookie:?}");
            security_headers(path, &r);
            let text = r.text();
            for name in NAMES {
                assert!(
                    !text.contains(name),
                    "{path} shows {name} without the token"
                );
            }
        }
    }
}

#[test]
fn the_token_in_the_address_becomes_a_cookie_and_a_wrong_one_is_refused() {
    let (_dir, root) = school();
    let s = serve::start(&root, AS_OF, &[]);
    let host = s.host();
    let r = s.raw(
        "GET",
        &format!("/?token={}", s.token),
        &[("Host", &host)],
        b"",
    );
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/"));
    let cookie = r.header("set-cookie").expect("cookie");
    assert!(cookie.starts_with(&s.cookie()), "{cookie}");
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    security_headers("/?token", &r);
    // Wrong, short, long, or empty tokens; a token in a POST's address.
    for bad in [
        "0".repeat(64),
        s.token[..63].to_string(),
        format!("{}0", s.token),
        String::new(),
        s.token.to_uppercase(),
    ] {
        let r = s.raw("GET", &format!("/?token={bad}"), &[("Host", &host)], b"");
        assert_eq!(r.status, 403, "{bad}");
        assert!(r.header("set-cookie").is_none());
    }
    let r = s.raw(
        "POST",
        &format!("/letters/due?token={}", s.token),
        &[("Host", &host), ("Origin", &s.origin())],
        b"",
    );
    assert_eq!(r.status, 403);
}

#[test]
fn a_foreign_host_is_refused_even_with_the_cookie() {
    let (_dir, root) = school();
    let s = serve::start(&root, AS_OF, &[]);
    let cookie = s.cookie();
    let localhost = format!("localhost:{}", s.port);
    let ok = s.raw(
        "GET",
        "/",
        &[("Host", &localhost), ("Cookie", &cookie)],
        b"",
    );
    assert_eq!(ok.status, 200);
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{}", s.port),
        format!("127.0.0.1:{}", s.port + 1),
        format!("127.0.0.1.evil.example:{}", s.port),
        format!("localhost.:{}", s.port),
        "0.0.0.0".to_string(),
        format!("[::1]:{}", s.port),
    ] {
        let r = s.raw("GET", "/", &[("Host", &host), ("Cookie", &cookie)], b"");
        assert_eq!(r.status, 403, "{host}");
        for name in NAMES {
            assert!(!r.text().contains(name), "{host}");
        }
        let r = s.raw(
            "GET",
            &format!("/?token={}", s.token),
            &[("Host", &host)],
            b"",
        );
        assert_eq!(r.status, 403, "{host} with the token");
    }
    let r = s.raw("GET", "/", &[("Cookie", &cookie)], b"");
    assert_eq!(r.status, 403, "no Host");
}

#[test]
fn a_post_from_elsewhere_or_without_the_anti_forgery_token_writes_nothing() {
    let (_dir, root) = school();
    let s = serve::start(&root, AS_OF, &[]);
    let csrf = s.csrf("/letters");
    let cookie = s.cookie();
    let host = s.host();
    let letters = root.join("out").join("letters");
    let body = serve::encode(&[("csrf", &csrf), ("format", "html")]);
    let form = ("Content-Type", "application/x-www-form-urlencoded");
    let refused: Vec<Vec<(&str, String)>> = vec![
        vec![("Origin", "http://evil.example".into())],
        vec![("Origin", "null".into())],
        vec![("Origin", format!("http://127.0.0.1:{}", s.port + 1))],
        vec![("Origin", format!("https://127.0.0.1:{}", s.port))],
        vec![("Sec-Fetch-Site", "cross-site".into())],
        vec![("Sec-Fetch-Site", "same-site".into())],
        vec![("Referer", "http://evil.example/".into())],
        vec![],
    ];
    for extra in &refused {
        let mut h: Vec<(&str, &str)> = vec![("Host", &host), ("Cookie", &cookie), form];
        h.extend(extra.iter().map(|(k, v)| (*k, v.as_str())));
        let r = s.raw("POST", "/letters/due", &h, body.as_bytes());
        assert_eq!(r.status, 403, "{extra:?}");
        assert!(!letters.exists(), "{extra:?} wrote letters");
    }
    let origin = s.origin();
    for bad in ["", "csrf=", "csrf=00", &format!("csrf={}", s.token)] {
        let h = [
            ("Host", host.as_str()),
            ("Cookie", &cookie),
            ("Origin", &origin),
            form,
        ];
        let r = s.raw("POST", "/letters/due", &h, bad.as_bytes());
        assert_eq!(r.status, 403, "{bad}");
        assert!(!letters.exists());
    }
    for method in ["PUT", "DELETE", "PATCH"] {
        let h = [
            ("Host", host.as_str()),
            ("Cookie", &cookie),
            ("Origin", &origin),
            form,
        ];
        let r = s.raw(method, "/letters/due", &h, body.as_bytes());
        assert_eq!(r.status, 403, "{method}");
    }
    assert!(!letters.exists());

    // The page's own form writes the due letters, as `sen letter --due` does.
    let r = s.post("/letters/due", &[("csrf", &csrf), ("format", "html")]);
    assert_eq!(r.status, 200, "{}", r.text());
    let text = r.unescaped();
    assert!(text.contains("letters written into out/letters/"), "{text}");
    let written: Vec<_> = walkdir::WalkDir::new(&letters)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .collect();
    assert!(!written.is_empty());
    // Each is listed and viewable.
    let listed = s.get("/letters").unescaped();
    for e in &written {
        let name = e.file_name().to_string_lossy().to_string();
        assert!(listed.contains(&name), "{name} not listed");
    }
    let link = attrs(&text, "href")
        .into_iter()
        .find(|h| h.starts_with("/out/letters/"))
        .expect("a link to a letter");
    let letter = s.get(&link);
    assert_eq!(letter.status, 200);
    assert!(letter.text().contains("Dear"), "{}", letter.text());
    let csp = letter.header("content-security-policy").unwrap();
    assert!(
        csp.contains("'sha256-") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
}

#[test]
fn read_only_refuses_every_post_and_shows_no_write_button() {
    let (_dir, root) = school();
    let s = serve::start(&root, AS_OF, &["--read-only"]);
    let page = s.get("/letters").text();
    assert!(!page.contains("method=\"post\""), "{page}");
    assert!(page.contains("read-only"));
    let import = s.get("/import").text();
    assert!(!import.contains("method=\"post\""), "{import}");
    // A token the server would accept otherwise (HMAC of the session token) is still refused.
    let s2 = serve::start(&root, AS_OF, &[]);
    let csrf_other = s2.csrf("/letters");
    let r = s.post("/letters/due", &[("csrf", &csrf_other)]);
    assert_eq!(r.status, 403);
    let r = s.post("/import", &[("text", "UPN\n"), ("confirm", "yes")]);
    assert_eq!(r.status, 403);
    assert!(!root.join("out").exists());
}

#[test]
fn an_import_shows_the_dry_run_first_and_writes_only_on_confirm() {
    let (_dir, root) = school();
    let s = serve::start(&root, AS_OF, &[]);
    let csv = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/mis/sims-sen-report.csv"),
    )
    .unwrap();
    // One pupil of the export not in the records yet.
    std::fs::remove_dir_all(root.join("pupils/theo-bennett")).unwrap();
    let before = common::tree(&root);
    let csrf = s.csrf("/import");
    let r = s.post("/import", &[("csrf", &csrf), ("text", &csv)]);
    assert_eq!(r.status, 200, "{}", r.text());
    let page = r.unescaped();
    assert!(page.contains("What the import would do"), "{page}");
    assert!(
        page.contains("would write pupils/theo-bennett/pupil.yaml"),
        "{page}"
    );
    assert!(page.contains("Confirm: write these pupils"), "{page}");
    assert!(
        !page.contains("/tmp/"),
        "the temporary file's path shows: {page}"
    );
    assert_eq!(common::tree(&root), before, "the dry run wrote");
    let r = s.post(
        "/import",
        &[("csrf", &csrf), ("text", &csv), ("confirm", "yes")],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        root.join("pupils/theo-bennett/pupil.yaml").is_file(),
        "confirm wrote nothing"
    );
    // The register shows the new pupil at once (the cache saw the new folder).
    assert!(s.get("/register").unescaped().contains("Bennett, Theo"));

    let csrf = s.csrf("/census");
    let r = s.post("/census", &[("csrf", &csrf), ("text", &csv)]);
    assert_eq!(r.status, 200);
    assert!(r.text().contains("Differences"));
}

#[test]
fn record_text_is_escaped_on_every_page() {
    let (_dir, root) = school();
    let pupil = root.join("pupils/amara-okafor/pupil.yaml");
    let text = std::fs::read_to_string(&pupil).unwrap();
    let text = text.replacen(
        "family: Okafor",
        "family: \"Okafor<script src=x></script><img src=x onerror=alert(1)>\"",
        1,
    );
    assert!(text.contains("<script"), "the example's given name changed");
    std::fs::write(&pupil, text).unwrap();
    let s = serve::start(&root, AS_OF, &[]);
    for path in [
        "/",
        "/register",
        "/pupils/amara-okafor",
        "/files/pupils/amara-okafor/pupil.yaml",
        "/reports/register",
    ] {
        let page = s.get(path).text();
        assert!(!page.contains("<script src=x"), "{path}");
        assert!(!page.contains("<img src=x"), "{path}");
        assert!(
            page.contains("&lt;script") || page.contains("&lt;img"),
            "{path}: {page}"
        );
    }
}

#[test]
fn a_file_outside_the_records_or_through_a_link_is_not_shown() {
    let (dir, root) = school();
    std::fs::write(dir.path().join("secret.yaml"), "secret: 1\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        dir.path().join("secret.yaml"),
        root.join("pupils/amara-okafor/meetings/link.yaml"),
    )
    .unwrap();
    let s = serve::start(&root, AS_OF, &[]);
    for path in [
        "/files/../secret.yaml",
        "/files/pupils/../../secret.yaml",
        "/files/%2E%2E/secret.yaml",
        "/files/pupils/amara-okafor/meetings/link.yaml",
        "/files/pupils/amara-okafor/notes.txt",
        "/files//etc/passwd",
        "/out/letters/amara-okafor/..%2F..%2Fschool.yaml",
        "/out/letters/../school.yaml",
    ] {
        let r = s.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.unescaped().contains("secret: 1"), "{path}");
    }
}

#[test]
fn a_changed_file_shows_at_once_on_the_next_page() {
    let (_dir, root) = school();
    let s = serve::start(&root, AS_OF, &[]);
    assert!(!s.get("/").unescaped().contains("favourite_colour"));
    let pupil = root.join("pupils/theo-bennett/pupil.yaml");
    let text = std::fs::read_to_string(&pupil).unwrap();
    std::fs::write(&pupil, format!("{text}favourite_colour: green\n")).unwrap();
    let home = s.get("/").unescaped();
    assert!(home.contains("favourite_colour"), "{home}");
    assert!(home.contains("pupils/theo-bennett/pupil.yaml"));
    // The pupil's page still opens, and shows the problem beside its line in the file.
    let page = s.get("/pupils/theo-bennett");
    assert_eq!(page.status, 200);
    assert!(page.unescaped().contains("favourite_colour"));
    let file = s.get("/files/pupils/theo-bennett/pupil.yaml").unescaped();
    assert!(file.contains("class=\"flagged\""), "{file}");
}

#[test]
fn the_register_pages_and_filters() {
    let (_dir, root) = school();
    let s = serve::start(&root, AS_OF, &[]);
    let all = s.get("/register").unescaped();
    assert!(all.contains("Okafor, Amara") && all.contains("Kowalczyk, Filip"));
    let willow = s.get("/register?class=5+Willow").unescaped();
    assert!(willow.contains("Okafor, Amara"));
    assert!(!willow.contains("Kowalczyk, Filip"));
    let ehc = s.get("/register?status=E").unescaped();
    assert!(ehc.contains("Adeyemi, Samuel"));
    assert!(!ehc.contains("Okafor, Amara"));
    let year = s.get("/register?year=1").unescaped();
    assert!(year.contains("Kowalczyk, Filip") && !year.contains("Okafor, Amara"));
    let need = s.get("/register?need=SPLD").unescaped();
    assert!(need.contains("Okafor, Amara") && !need.contains("Kowalczyk, Filip"));
    // Off the register: apart.
    let off = all
        .split("Not on the register today")
        .nth(1)
        .expect("off section");
    assert!(off.contains("Ali, Yusuf"));
    let on = all.split("Not on the register today").next().unwrap();
    assert!(!on.contains("Ali, Yusuf"));
}

#[test]
fn a_school_template_that_loops_gives_an_error_page_and_the_server_keeps_serving() {
    let (_dir, root) = school();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/governors.md.j2"),
        "{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}",
    )
    .unwrap();
    let s = serve::start(&root, AS_OF, &[]);
    let page = s.get("/reports/governors");
    let text = page.unescaped();
    assert!(text.contains("could not be made"), "{text}");
    assert!(text.contains("governors.md.j2"), "{text}");
    // The printable page and the Word file say so too, and the server goes on serving.
    assert!(
        s.get("/reports/governors.html")
            .unescaped()
            .contains("could not be made")
    );
    let register = s.get("/reports/register");
    assert_eq!(register.status, 200);
    assert!(register.unescaped().contains("Okafor"));
    assert_eq!(s.get("/").status, 200);
}
