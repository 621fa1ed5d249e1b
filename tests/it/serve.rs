//! `sen serve` over HTTP: every page reachable from home answers without a server error and
//! with the security headers; nothing is shown without the token, to a foreign `Host`, and
//! nothing is written by a POST from elsewhere or without the anti-forgery token.

use crate::common;
use crate::gen_school;

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

/// A generated school of 300 pupils (278 on the register, 196 pupils with something to do).
fn generated() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("school");
    let as_of = chrono::NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").expect("date");
    gen_school::generate(300, 7, as_of, &root).expect("generate");
    (dir, root)
}

/// The `sen check --format json` of `root`.
fn check_json(root: &Path) -> serde_json::Value {
    let out = common::run(root, &["check", "--format", "json"]);
    serde_json::from_slice(&out.stdout).expect("check's JSON")
}

/// The pupils' ids linked from the register's main table (not the list of those off it).
fn register_ids(page: &str) -> Vec<String> {
    let table = page
        .split("<table class=\"register\">")
        .nth(1)
        .expect("the register table");
    let table = &table[..table.find("</table>").expect("end of table")];
    attrs(table, "href")
        .into_iter()
        .filter_map(|h| h.strip_prefix("/pupils/").map(str::to_string))
        .collect()
}

/// The link of a page's "Next" or "Previous".
fn pager_link(page: &str, which: &str) -> Option<String> {
    let nav = page.split("<nav class=\"pager\"").nth(1)?;
    let nav = &nav[..nav.find("</nav>")?];
    nav.split("<a ")
        .skip(1)
        .find(|a| a.contains(which))
        .and_then(|a| attrs(a, "href").into_iter().next())
}

/// Every page of a paged list from `first`, following "Next" to the end.
fn all_pages(s: &serve::Server, first: &str) -> Vec<String> {
    let mut pages = vec![s.get(first).unescaped()];
    while let Some(next) = pager_link(pages.last().unwrap(), "Next") {
        assert!(pages.len() < 50, "the pages do not end");
        let r = s.get(&next);
        assert_eq!(r.status, 200, "{next}");
        pages.push(r.unescaped());
    }
    pages
}

#[test]
fn the_register_of_a_large_school_is_paged_and_filtered_with_the_filters_kept() {
    let (_dir, root) = generated();
    let on_register = check_json(&root)["pupils_on_register"].as_u64().unwrap() as usize;
    assert!(on_register > 200, "{on_register}: too few for three pages");
    let s = serve::start(&root, AS_OF, &[]);
    let pages = all_pages(&s, "/register");
    assert_eq!(pages.len(), on_register.div_ceil(100));
    assert!(pages[0].contains(&format!("Showing 1 to 100 of {on_register} pupils.")));
    assert!(pages[2].contains(&format!(
        "Showing 201 to {on_register} of {on_register} pupils."
    )));
    let mut ids: Vec<String> = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let mine = register_ids(page);
        let want = if i + 1 < pages.len() {
            100
        } else {
            on_register - 200
        };
        assert_eq!(mine.len(), want, "page {}", i + 1);
        ids.extend(mine);
        // Those off the register: on the first page only.
        assert_eq!(
            page.contains("Not on the register today"),
            i == 0,
            "page {}",
            i + 1
        );
    }
    let distinct: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), on_register, "a pupil shown twice or missed");
    // "Previous" from the last page is the page before it; a page past the end is the last.
    let back = pager_link(&pages[2], "Previous").expect("previous");
    assert_eq!(
        register_ids(&s.get(&back).unescaped()),
        register_ids(&pages[1])
    );
    assert_eq!(
        register_ids(&s.get("/register?page=99").unescaped()),
        register_ids(&pages[2])
    );
    assert_eq!(
        register_ids(&s.get("/register?page=x").unescaped()),
        register_ids(&pages[0])
    );

    // A filter by NC year keeps every page to that year, and the pager links keep it.
    let year = s.get("/register?year=5").unescaped();
    let rows = year.split("<tbody>").nth(1).unwrap();
    let rows = &rows[..rows.find("</tbody>").unwrap()];
    let n = rows.matches("<tr>").count();
    assert!(n > 0 && rows.matches("Year 5").count() == n, "{rows}");
    assert!(!year.contains("Not on the register today"));
    // Status and area of need together: every pupil shown has an EHC plan, and the pages
    // of the filter count exactly those pupils.
    let ehc = all_pages(&s, "/register?status=E&area=Communication+and+interaction");
    assert!(pager_link(&ehc[0], "Next").is_none_or(|l| l.contains("status=E")));
    let shown: usize = ehc.iter().map(|p| register_ids(p).len()).sum();
    assert!(shown > 0);
    for p in &ehc {
        assert!(!p.contains("<td class=\"nw\">SEN support</td>"));
    }
    let all_ehc: usize = all_pages(&s, "/register?status=E")
        .iter()
        .map(|p| register_ids(p).len())
        .sum();
    assert!(
        shown < all_ehc,
        "{shown} of {all_ehc}: the area filter kept everyone"
    );
    // By name: the first pupil's family name finds them.
    let first = &ids[0];
    let family = first.rsplit('-').next().unwrap();
    let found = s.get(&format!("/register?q={family}")).unescaped();
    assert!(register_ids(&found).contains(first), "{family}");
    assert!(register_ids(&found).len() < 100);
    // A filter with more than a page keeps it on the next page's link.
    let k = all_pages(&s, "/register?status=K");
    assert!(k.len() >= 2);
    assert!(pager_link(&k[0], "Next").unwrap().contains("status=K"));
    assert!(
        register_ids(&k[1])
            .iter()
            .all(|id| !register_ids(&k[0]).contains(id))
    );
}

#[test]
fn the_to_do_list_of_a_large_school_is_grouped_by_pupil_and_paged_with_counts_of_the_whole() {
    let (_dir, root) = generated();
    let check = check_json(&root);
    let findings = check["findings"].as_array().unwrap();
    let pupils: std::collections::BTreeSet<&str> = findings
        .iter()
        .filter_map(|f| f["pupil"].as_str())
        .collect();
    assert!(
        pupils.len() > 100,
        "{}: too few for two pages",
        pupils.len()
    );
    let s = serve::start(&root, AS_OF, &[]);
    let pages = all_pages(&s, "/");
    let groups: Vec<usize> = pages
        .iter()
        .map(|p| p.matches("<section class=\"group\">").count())
        .collect();
    let school_group = findings.iter().any(|f| f["pupil"].is_null()) as usize;
    assert_eq!(groups.iter().sum::<usize>(), pupils.len() + school_group);
    assert!(groups[0] == 100 && groups.len() == (pupils.len() + school_group).div_ceil(100));
    let whole = pupils.len() + school_group;
    assert!(pages[1].contains(&format!("Showing 101 to {} of {whole}.", whole.min(200))));
    // Every finding is on one page, once: as many items as findings.
    let items: usize = pages
        .iter()
        .map(|p| p.matches("<li class=\"item ").count())
        .sum();
    assert_eq!(items, findings.len());
    // The counts are of the whole school on every page.
    let count = |k: &str| findings.iter().filter(|f| f["kind"] == k).count();
    for page in &pages {
        assert!(page.contains(&format!("{} with something to do", pupils.len())));
        assert!(
            page.contains(&format!("{} overdue</a>", count("overdue"))),
            "{page}"
        );
        assert!(page.contains(&format!("{} due soon</a>", count("due"))));
    }
    // Only the overdue: every item shown is overdue, and there are all of them.
    let overdue = all_pages(&s, "/?kind=overdue");
    let shown: usize = overdue
        .iter()
        .map(|p| p.matches("<li class=\"item overdue\">").count())
        .sum();
    assert_eq!(shown, count("overdue"));
    for p in &overdue {
        assert_eq!(
            p.matches("<li class=\"item ").count(),
            p.matches("<li class=\"item overdue\">").count()
        );
    }
    // By name: one pupil's group alone.
    let one = findings.iter().find_map(|f| f["pupil"].as_str()).unwrap();
    let family = one.rsplit('-').next().unwrap();
    let page = s.get(&format!("/?q={family}")).unescaped();
    assert!(
        page.contains(&format!("href=\"/pupils/{one}\"")),
        "{family}"
    );
    assert!(page.matches("<section class=\"group\">").count() < 10);
}

#[test]
fn the_to_do_list_speaks_in_plain_words_with_the_code_the_pupil_and_the_line() {
    let (_dir, root) = school();
    let s = serve::start(&root, AS_OF, &[]);
    let home = s.get("/").unescaped();
    let amara = home
        .split("<section class=\"group\">")
        .find(|g| g.contains("href=\"/pupils/amara-okafor\""))
        .expect("Amara's group");
    for want in [
        "The review of Amy's support plan was due on 20 November 2026 and is still to be done.",
        "In the records:</span> review of the cycle started 15 September 2026 was due 20 November 2026",
        "SEND Code of Practice 6.48, 6.53",
        "href=\"/files/pupils/amara-okafor/cycles/2026-09-15.yaml#L22\">pupils/amara-okafor/cycles/2026-09-15.yaml, line 22</a>",
    ] {
        assert!(amara.contains(want), "{want}\n{amara}");
    }
    // The pupil's own page lists the same words.
    let page = s.get("/pupils/amara-okafor").unescaped();
    assert!(page.contains(
        "The review of Amy's support plan was due on 20 November 2026 and is still to be done."
    ));
    assert!(page.contains("In the records:</span> review of the cycle started 15 September"));
    // Their record and passport are on it, made as `sen report` makes them (a template's
    // error would show in their place).
    assert!(page.contains("SEN record: Amara Okafor"), "{page}");
    assert!(page.contains("Pupil passport: Amy Okafor"), "{page}");
    assert!(!page.contains("undefined value"), "{page}");
    // The local authority's duty says whose it is.
    assert!(home.contains(": this is the local authority's duty, and the school follows it up."));
    // A record to correct says what, and where.
    let pupil = root.join("pupils/theo-bennett/pupil.yaml");
    let text = std::fs::read_to_string(&pupil).unwrap();
    std::fs::write(&pupil, format!("{text}favourite_colour: green\n")).unwrap();
    let home = s.get("/").unescaped();
    let theo = home
        .split("<section class=\"group\">")
        .find(|g| g.contains("href=\"/pupils/theo-bennett\""))
        .expect("Theo's group");
    assert!(theo.contains("To correct"), "{theo}");
    assert!(theo.contains("What to correct:</span>") && theo.contains("favourite_colour"));
}

#[test]
fn filter_values_are_escaped_where_the_page_shows_them_and_in_its_links() {
    let (_dir, root) = generated();
    let s = serve::start(&root, AS_OF, &[]);
    let evil = "\"><script>alert(1)</script><img src=x onerror=alert(2)>&page=2&kind=x";
    let q = serve::encode(&[("q", evil)]);
    for path in [
        format!("/?{q}"),
        format!("/register?{q}"),
        format!(
            "/register?{q}&class=%22%3E%3Cb%3Ex&year=%3Cb%3E&status=%3Ci%3E&area=%3Cu%3E&need=%3Cs%3E"
        ),
        format!("/?{q}&kind=%3Cb%3E&page=%3Cb%3E"),
    ] {
        let r = s.get(&path);
        assert_eq!(r.status, 200, "{path}");
        let page = r.text();
        for raw in ["<script>alert", "<img src=x", "<b>", "<i>", "<u>", "<s>"] {
            assert!(!page.contains(raw), "{path}: {raw} shown raw");
        }
        assert!(
            page.contains("&lt;script&gt;"),
            "{path}: the name typed is not shown"
        );
        // The value typed stays in its box, whole.
        assert!(attrs(&page, "value").contains(&evil.to_string()), "{path}");
    }
    // A name typed to filter by is one value in the pager's links: the next page of a name
    // that matches many keeps the name.
    let many = s.get("/register?q=a").unescaped();
    let next = pager_link(&many, "Next").expect("more than a page of names with an a");
    assert_eq!(next, "/register?q=a&page=2");
    let home = s
        .get(&format!("/?{}", serve::encode(&[("q", "a&b=c")])))
        .text();
    assert!(!home.contains("b=c&"), "{home}");
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
