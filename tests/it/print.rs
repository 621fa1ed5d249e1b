//! Printed letters and reports: the school's stationery in HTML (letterhead and logo,
//! "Private and confidential", the address where a window envelope shows it, room to sign,
//! the pupil's name from page 2), links printed once, landscape for the wide reports, and
//! the layout marks kept out of Markdown and Word. `tools/print-check.sh` prints them all to
//! PDF in Chromium and counts the pages; these tests pin the HTML it prints.

use std::fs;
use std::path::Path;

use crate::common;

use common::{OAKFIELD, docx_part, oakfield_copy, run, stdout};

fn letter_html(root: &Path) -> String {
    stdout(&run(
        root,
        &[
            "letter",
            "review-record",
            "amara-okafor",
            "--out",
            "-",
            "--format",
            "html",
        ],
    ))
}

#[test]
fn a_letter_is_on_the_schools_stationery() {
    let html = letter_html(Path::new(OAKFIELD));
    for part in [
        "<div class=\"letterhead\">",
        "<div class=\"address\">",
        "<div class=\"date\">",
        "<div class=\"sign\"></div>",
        "Private and confidential",
        "size: A4",
    ] {
        assert!(html.contains(part), "{part}");
    }
    // The address block holds "Private and confidential" and the addressee, in that order.
    let address = &html[html.find("<div class=\"address\">").expect("address")..];
    let address = &address[..address.find("</div>").expect("closed")];
    let pc = address.find("Private and confidential").expect("marked");
    let name = address.find("Mrs Grace Okafor").expect("addressee");
    assert!(pc < name, "{address}");
    // From page 2, the pupil's name at the top of the page; not on page 1.
    assert!(html.contains("@page l0 { @top-right { content: \"Amara Okafor\""));
    assert!(html.contains("@page l0:first { @top-right { content: none; } }"));
    assert!(html.contains("counter(page)"));
    // No layout mark is left as text, and no logo without one in the records.
    assert!(
        !html.contains("sen:"),
        "marks are turned into the page's boxes"
    );
    assert!(!html.contains("<img"));
}

#[test]
fn the_schools_logo_is_embedded_and_an_svg_cannot_run_anything() {
    let school = oakfield_copy();
    let templates = school.path().join("templates");
    fs::create_dir_all(&templates).expect("mkdir");
    // A tiny valid PNG (1x1).
    let png: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0,
        0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xde, 0, 0, 0, 0x0c, 0x49, 0x44,
        0x41, 0x54, 0x08, 0xd7, 0x63, 0xf8, 0xcf, 0xc0, 0, 0, 0x03, 0x01, 0x01, 0, 0x18, 0xdd,
        0x8d, 0xb0, 0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ];
    fs::write(templates.join("logo.png"), png).expect("write");
    let html = letter_html(school.path());
    assert!(
        html.contains("<div class=\"letterhead\"><img src=\"data:image/png;base64,iVBORw0KGgo"),
        "the logo is in the page, not linked"
    );
    fs::remove_file(templates.join("logo.png")).expect("rm");
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script><circle r=\"4\"/></svg>";
    fs::write(templates.join("logo.svg"), svg).expect("write");
    let html = letter_html(school.path());
    assert!(html.contains("<img src=\"data:image/svg+xml;base64,"));
    assert!(
        !html.contains("<script") && !html.contains("<svg"),
        "an SVG logo is an image (scripts inert), never inline markup"
    );
}

#[cfg(unix)]
#[test]
fn a_logo_that_is_a_link_is_refused_and_the_letter_written_without_it() {
    let school = oakfield_copy();
    let templates = school.path().join("templates");
    fs::create_dir_all(&templates).expect("mkdir");
    std::os::unix::fs::symlink("/etc/hostname", templates.join("logo.png")).expect("link");
    let o = run(
        school.path(),
        &[
            "letter",
            "review-record",
            "amara-okafor",
            "--format",
            "html",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("warning") && err.contains("templates/logo.png") && err.contains("link"),
        "{err}"
    );
    assert_eq!(err.matches("logo.png").count(), 1, "one warning: {err}");
    let letters = school.path().join("out/letters");
    let html: Vec<String> = walkdir::WalkDir::new(&letters)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| fs::read_to_string(e.path()).expect("read"))
        .collect();
    assert!(!html.is_empty(), "the letters are written");
    assert!(html.iter().all(|h| !h.contains("<img")), "without the logo");
}

/// A logo over the size limit (or unreadable) is one warning, and every letter `--due` asks
/// for is still written, without it (issue 23).
#[test]
fn a_logo_too_large_is_one_warning_and_every_due_letter_is_written() {
    let school = oakfield_copy();
    let templates = school.path().join("templates");
    fs::create_dir_all(&templates).expect("mkdir");
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.resize(2 * 1024 * 1024, 7);
    fs::write(templates.join("logo.png"), png).expect("write");
    let o = run(school.path(), &["letter", "--due", "--format", "html"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(1),
        "exit {:?}: {err}",
        o.status.code()
    );
    assert_eq!(
        err.matches("templates/logo.png").count(),
        1,
        "one warning: {err}"
    );
    assert!(err.contains("without the logo"), "{err}");
    let written: Vec<String> = walkdir::WalkDir::new(school.path().join("out/letters"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| fs::read_to_string(e.path()).expect("read"))
        .collect();
    assert!(
        written.len() >= 4,
        "the due letters are written: {}",
        written.len()
    );
    assert!(
        written.iter().all(|h| !h.contains("<img")),
        "none with the logo"
    );
}

#[test]
fn a_pupils_name_cannot_break_out_of_the_style_sheet() {
    let school = oakfield_copy();
    let pupil = school.path().join("pupils/amara-okafor/pupil.yaml");
    let yaml = fs::read_to_string(&pupil).expect("read");
    let yaml = yaml.replacen(
        "family: Okafor",
        "family: \"Okafor\\\"; } </style><script>x</script>\"",
        1,
    );
    fs::write(&pupil, yaml).expect("write");
    let html = letter_html(school.path());
    let style = &html[..html.find("</style>").expect("a style sheet")];
    assert!(!style.contains("<script"), "{style}");
    assert!(!html.contains("<script>"), "escaped in the body too");
}

#[test]
fn markdown_and_word_carry_no_layout_marks() {
    let md = stdout(&run(
        Path::new(OAKFIELD),
        &["letter", "review-record", "amara-okafor", "--out", "-"],
    ));
    assert!(!md.contains("<!--"), "{md}");
    assert!(md.contains("Private and confidential"));
    let o = run(
        Path::new(OAKFIELD),
        &[
            "letter",
            "review-record",
            "amara-okafor",
            "--out",
            "-",
            "--format",
            "docx",
        ],
    );
    let document = docx_part(&o.stdout, "word/document.xml");
    assert!(!document.contains("sen:"), "no mark in the Word text");
}

#[test]
fn links_print_once() {
    let html = letter_html(Path::new(OAKFIELD));
    assert!(
        !html.contains("::after"),
        "no address added by the style sheet"
    );
    // A bare address is shown once, as its own text.
    let url = "https://www.example.gov.uk/local-offer";
    let text: String = html
        .split('<')
        .map(|s| s.split_once('>').map_or(s, |(_, t)| t))
        .collect();
    assert_eq!(
        text.matches(url).count(),
        2,
        "two letters, once each: {text}"
    );
    // A link whose text is not its address prints the address after it, once.
    let school = oakfield_copy();
    let yaml_path = school.path().join("school.yaml");
    let yaml = fs::read_to_string(&yaml_path).expect("read");
    let yaml = yaml.replacen(
        "    complaints: |",
        "    complaints: |\n      See [our complaints policy](https://example.org/complaints).",
        1,
    );
    assert!(yaml.contains("[our complaints policy]"), "planted");
    fs::write(&yaml_path, yaml).expect("write");
    let html = stdout(&run(
        school.path(),
        &["report", "information", "--format", "html"],
    ));
    assert!(
        html.contains(
            "<a href=\"https://example.org/complaints\">our complaints policy</a> (https://example.org/complaints)"
        ),
        "{html}"
    );
}

#[test]
fn the_wide_reports_print_landscape() {
    for (kind, landscape) in [
        ("register", true),
        ("provision-map", true),
        ("information", false),
        ("governors", false),
    ] {
        let html = stdout(&run(
            Path::new(OAKFIELD),
            &["report", kind, "--format", "html"],
        ));
        assert_eq!(html.contains("size: A4 landscape"), landscape, "{kind}");
        assert!(html.contains("counter(pages)"), "{kind}: pages numbered");
    }
}
