//! `--format docx`: every letter kind and every report as a Word document, read back (its
//! text and structure), the same bytes on every run, landscape for the wide reports, page
//! numbers (from page 2 on a letter), and record text that stays text.

use std::fs;
use std::io::Read;
use std::path::Path;

use crate::common;

#[allow(dead_code, unused_imports, clippy::all)]
use crate::gen_school;

use common::{AS_OF, OAKFIELD, docx_outline, docx_part, oakfield_copy, run};

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A report written with `--out` under the school's out/ folder, read back.
fn report(root: &Path, kind: &str, extra: &[&str]) -> Vec<u8> {
    let out = format!("out/{kind}.docx");
    let path = root.join(&out);
    let mut args = vec!["report", kind, "--format", "docx", "--out"];
    let target = path.to_str().expect("utf-8 path").to_string();
    args.push(&target);
    args.extend(extra);
    let o = run(root, &args);
    assert!(o.status.success(), "{kind}: {}", stderr(&o));
    fs::read(&path).expect("the document was written")
}

#[test]
fn each_letter_kind_reads_back_with_its_words_and_structure() {
    for (kind, pupil, extra) in [
        ("notification", "amara-okafor", None),
        ("review-invitation", "amara-okafor", Some("2026-12-03")),
        ("review-record", "amara-okafor", None),
        ("meeting-record", "amara-okafor", None),
        ("annual-review-invitation", "freya-morgan", None),
    ] {
        let mut args = vec!["letter", kind, pupil, "--out", "-", "--format", "docx"];
        if let Some(d) = extra {
            args.extend(["--date", d]);
        }
        let o = run(Path::new(OAKFIELD), &args);
        assert!(o.status.success(), "{kind}: {}", stderr(&o));
        assert!(o.stdout.starts_with(b"PK"), "{kind}: a zip archive");
        insta::assert_snapshot!(format!("docx_{kind}"), docx_outline(&o.stdout));
    }
}

#[test]
fn a_letter_file_has_a_footer_from_page_two_naming_its_pupil() {
    let school = oakfield_copy();
    let o = run(
        school.path(),
        &[
            "letter",
            "review-record",
            "amara-okafor",
            "--format",
            "docx",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let listed = String::from_utf8(o.stdout).expect("utf-8");
    let first = listed.lines().next().expect("a letter path");
    assert!(first.ends_with(".docx"), "{first}");
    let bytes = fs::read(first).expect("written");
    let document = docx_part(&bytes, "word/document.xml");
    // A first page of its own (the letterhead), then the footer with the pupil's name.
    assert!(
        document.contains("<w:titlePg"),
        "first page has its own footer"
    );
    let footers: Vec<String> = (1..=2)
        .map(|i| docx_part(&bytes, &format!("word/footer{i}.xml")))
        .collect();
    assert!(
        footers
            .iter()
            .any(|f| f.contains("Amara Okafor") && f.contains("PAGE")),
        "a footer names the pupil and numbers the page"
    );
    assert!(
        footers.iter().any(|f| !f.contains("Amara Okafor")),
        "the first page's footer is empty"
    );
}

#[test]
fn several_letters_to_standard_output_each_start_a_new_page() {
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
    assert!(o.status.success(), "{}", stderr(&o));
    let outline = docx_outline(&o.stdout);
    // Amara has two contacts who receive letters: two letters, the second on a new page.
    assert_eq!(outline.matches("=== new page ===").count(), 1, "{outline}");
    assert_eq!(outline.matches("Dear ").count(), 2, "{outline}");
}

#[test]
fn the_wide_reports_are_landscape_and_the_others_portrait() {
    let school = oakfield_copy();
    for (kind, landscape) in [
        ("register", true),
        ("provision-map", true),
        ("information", false),
        ("effectiveness", false),
        ("governors", false),
    ] {
        let bytes = report(school.path(), kind, &[]);
        let document = docx_part(&bytes, "word/document.xml");
        assert_eq!(
            document.contains(r#"w:orient="landscape""#),
            landscape,
            "{kind}"
        );
        let size = if landscape {
            r#"<w:pgSz w:w="16838" w:h="11906""#
        } else {
            r#"<w:pgSz w:w="11906" w:h="16838""#
        };
        assert!(document.contains(size), "{kind}: A4 {size}");
        let footer = docx_part(&bytes, "word/footer1.xml");
        assert!(footer.contains("NUMPAGES"), "{kind}: page N of M");
    }
}

#[test]
fn reports_read_back_with_headings_lists_and_tables() {
    let school = oakfield_copy();
    let register = docx_outline(&report(school.path(), "register", &[]));
    assert!(register.starts_with("# SEN register\n"), "{register}");
    assert!(
        register.contains("| **Pupil** | **Year** | **Class** | **Status** |"),
        "{register}"
    );
    assert!(
        register.contains("| Okafor, Amara (Amy) | Year 5 | 5 Willow | SEN support | SPLD |"),
        "{register}"
    );
    let information = docx_outline(&report(school.path(), "information", &[]));
    assert!(information.contains("\n## "), "second-level headings");
    assert!(
        information.lines().any(|l| l.starts_with("- ")),
        "a list: {information}"
    );
    insta::assert_snapshot!(
        "docx_governors",
        docx_outline(&report(school.path(), "governors", &[]))
    );
}

#[test]
fn every_picture_has_a_number_of_its_own() {
    // Word reports "unreadable content" when two drawings share a number; the governors'
    // report holds several charts.
    let school = oakfield_copy();
    let bytes = report(school.path(), "governors", &[]);
    let xml = docx_part(&bytes, "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).expect("the document part is XML");
    let ids: Vec<&str> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "docPr")
        .map(|n| n.attribute("id").expect("an id"))
        .collect();
    assert!(ids.len() >= 2, "the governors' report has charts: {ids:?}");
    let unique: std::collections::BTreeSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    // The package is otherwise as it was: every entry still reads, with its fixed time.
    assert_eq!(bytes, report(school.path(), "governors", &[]));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).expect("zip");
    for i in 0..zip.len() {
        let f = zip.by_index(i).expect("entry");
        assert!(f.last_modified().is_some(), "{}", f.name());
    }
}

#[test]
fn the_same_records_give_the_same_bytes_with_fixed_times() {
    let school = oakfield_copy();
    let a = report(school.path(), "provision-map", &[]);
    let b = report(school.path(), "provision-map", &[]);
    assert_eq!(a, b, "byte-identical on a second run");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&a)).expect("zip");
    for i in 0..zip.len() {
        let f = zip.by_index(i).expect("entry");
        let t = f.last_modified().expect("a time");
        assert_eq!(
            (t.year(), t.month(), t.day()),
            (1980, 1, 1),
            "{}: no clock time in the archive",
            f.name()
        );
    }
    let core = {
        let mut f = zip.by_name("docProps/core.xml").expect("core");
        let mut s = String::new();
        f.read_to_string(&mut s).expect("utf-8");
        s
    };
    assert!(
        !core.contains("2026-"),
        "no run date in the properties: {core}"
    );
}

#[test]
fn record_text_that_looks_like_markup_stays_text() {
    let school = oakfield_copy();
    let pupil = school.path().join("pupils/amara-okafor/pupil.yaml");
    let yaml = fs::read_to_string(&pupil).expect("read");
    let planted = "<w:p>**not bold** <script>alert(1)</script> [link](javascript:x)";
    let yaml = yaml.replacen(
        "    Amy has dyslexic-type difficulties.",
        &format!("    {planted}"),
        1,
    );
    assert!(yaml.contains(planted), "planted in the summary");
    fs::write(&pupil, yaml).expect("write");
    let o = run(
        school.path(),
        &[
            "letter",
            "notification",
            "amara-okafor",
            "--out",
            "-",
            "--format",
            "docx",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let document = docx_part(&o.stdout, "word/document.xml");
    assert!(!document.contains("<script"), "escaped in the XML");
    assert!(!document.contains("<w:p>**"), "no XML injected");
    let outline = docx_outline(&o.stdout);
    assert!(
        outline.contains("<w:p>**not bold** <script>alert(1)</script> [link](javascript:x)"),
        "shown as the text it is: {outline}"
    );
}

#[test]
fn a_word_document_may_be_piped_to_standard_output() {
    let o = run(
        Path::new(OAKFIELD),
        &["report", "information", "--format", "docx"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.starts_with(b"PK"));
}

/// In a terminal (a pseudo-terminal from util-linux's `script`), a Word document is
/// refused with a usage error that says to give `--out`, and nothing is printed.
#[cfg(unix)]
#[test]
fn a_word_document_is_not_written_to_a_terminal() {
    let bin = assert_cmd::cargo::cargo_bin("sen");
    let cmd = format!(
        "{} --records {OAKFIELD} --as-of {AS_OF} report information --format docx; echo \"exit=$?\"",
        bin.display()
    );
    let o = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env("NO_COLOR", "1")
        .output()
        .expect("util-linux `script` runs");
    let shown = String::from_utf8_lossy(&o.stdout);
    assert!(shown.contains("give `--out FILE.docx`"), "{shown}");
    assert!(shown.contains("exit=2"), "{shown}");
    assert!(
        !shown.contains("PK"),
        "no zip bytes in the terminal: {shown}"
    );
}

/// The parts of a Word document whose names start with `prefix`, with their bytes.
fn parts_named(bytes: &[u8], prefix: &str) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    let names: Vec<String> = zip
        .file_names()
        .filter(|n| n.starts_with(prefix) && !n.ends_with('/'))
        .map(str::to_string)
        .collect();
    let mut out: Vec<(String, Vec<u8>)> = names
        .into_iter()
        .map(|n| {
            let mut data = Vec::new();
            zip.by_name(&n)
                .expect("listed")
                .read_to_end(&mut data)
                .expect("read");
            (n, data)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_word_letter_is_laid_out_as_the_printed_one() {
    let o = run(
        Path::new(OAKFIELD),
        &[
            "letter",
            "notification",
            "zainab-hussain",
            "--format",
            "docx",
            "--out",
            "-",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let document = docx_part(&o.stdout, "word/document.xml");
    let doc = roxmltree::Document::parse(&document).expect("xml");
    let ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    let text = |p: roxmltree::Node| -> String {
        p.descendants()
            .filter(|n| n.has_tag_name((ns, "t")))
            .filter_map(|n| n.text())
            .collect()
    };
    let jc = |p: roxmltree::Node| -> Option<String> {
        p.descendants()
            .find(|n| n.has_tag_name((ns, "jc")))
            .and_then(|n| n.attribute((ns, "val")))
            .map(str::to_string)
    };
    let paragraphs: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name((ns, "p")))
        .collect();
    // The letterhead, right-aligned as on the printed letter; the addressee left.
    let head = paragraphs
        .iter()
        .find(|p| text(**p).starts_with("Oakfield Primary School"))
        .expect("the letterhead");
    assert_eq!(jc(*head).as_deref(), Some("right"), "{}", text(*head));
    let address = paragraphs
        .iter()
        .find(|p| text(**p).starts_with("Mrs Farah Hussain"))
        .expect("the address");
    assert_eq!(jc(*address), None);
    // 10 pt body on the printed letter's margins, the IASS and local offer in 8 pt.
    let styles = docx_part(&o.stdout, "word/styles.xml");
    assert!(styles.contains("<w:sz w:val=\"20\" />"), "{styles}");
    assert!(document.contains("w:top=\"850\""), "margins");
    let offer = paragraphs
        .iter()
        .find(|p| text(**p).starts_with("The local offer."))
        .expect("the local offer");
    assert!(
        offer
            .descendants()
            .filter(|n| n.has_tag_name((ns, "sz")))
            .all(|n| n.attribute((ns, "val")) == Some("16")),
        "small print"
    );
}

#[test]
fn word_reports_carry_the_charts_as_pictures() {
    // A generated school has figures large enough to chart; Oakfield's pupil report has
    // its progress chart.
    let dir = tempfile::tempdir().expect("tempdir");
    let generated = dir.path().join("school");
    let as_of = chrono::NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").expect("date");
    gen_school::generate(120, 3, as_of, &generated).expect("generate");
    for (root, kind, extra) in [
        (generated.as_path(), "governors", &[][..]),
        (generated.as_path(), "effectiveness", &[][..]),
        (Path::new(OAKFIELD), "pupil", &["ethan-murphy"][..]),
    ] {
        let copy;
        let root = if root == Path::new(OAKFIELD) {
            copy = oakfield_copy();
            copy.path()
        } else {
            root
        };
        let bytes = report(root, kind, extra);
        let mut args = vec!["report", kind, "--format", "html"];
        args.extend(extra);
        let html = run(root, &args);
        let charts = String::from_utf8(html.stdout)
            .expect("utf-8")
            .matches("<svg")
            .count();
        assert!(charts > 0, "{kind} draws charts");
        let media = parts_named(&bytes, "word/media/");
        assert_eq!(media.len(), charts, "{kind}: one picture a chart");
        for (name, png) in &media {
            assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{name} is a PNG");
            assert!(png.len() > 2000, "{name} has something drawn");
        }
        let document = docx_part(&bytes, "word/document.xml");
        assert_eq!(document.matches("<w:drawing>").count(), charts);
        // The same bytes on every run.
        assert_eq!(report(root, kind, extra), bytes, "{kind}");
    }
}
