//! Issue 23's documents: a Word file never holds a character XML 1.0 forbids, a passport
//! is for a pupil on the register, `--as-of` is bounded, and a school template that doubles
//! text or a list is stopped, naming it, within seconds and bounded memory.

use crate::common;

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{AS_OF, OAKFIELD, oakfield_copy, run};

/// Whether XML 1.0 allows `c` in a document (its `Char` production).
fn xml_char(c: char) -> bool {
    matches!(u32::from(c), 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

/// Every XML part of a Word document parses, and none holds a character XML forbids or a
/// noncharacter.
fn assert_word_well_formed(bytes: &[u8]) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    let mut parts = 0;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).expect("part");
        let name = part.name().to_string();
        if !name.ends_with(".xml") && !name.ends_with(".rels") {
            continue;
        }
        let mut s = String::new();
        part.read_to_string(&mut s).expect("utf-8 part");
        if let Some(bad) = s
            .chars()
            .find(|c| !xml_char(*c) || sen::yaml::unseen_hazard(*c))
        {
            panic!("{name} holds U+{:04X}", u32::from(bad));
        }
        roxmltree::Document::parse(&s).unwrap_or_else(|e| panic!("{name}: {e}"));
        parts += 1;
    }
    assert!(parts > 3, "a Word document has its parts");
}

#[test]
fn a_word_document_never_holds_a_character_xml_forbids() {
    let hostile = "# Amy\u{FFFE} Fisher\n\nShe reads \u{1}well\u{FFFF} and \u{1FFFE}\u{10FFFF} \
                   \u{B}\u{C}\u{7F}\u{85}\u{FDD0}\u{202E}often.\n\n| a\u{FFFF} | b |\n|---|---|\n| \u{8} | \u{FFFE} |\n\n- [link\u{FFFF}](https://example.com/\u{FFFE})\n";
    for layout in [
        sen::docx::Layout::Portrait,
        sen::docx::Layout::Landscape,
        sen::docx::Layout::Letter,
    ] {
        let bytes = sen::docx::document(&[hostile, hostile], layout, Some("Amy\u{FFFF}\u{1}"))
            .expect("a document");
        assert_word_well_formed(&bytes);
        let body = common::docx_part(&bytes, "word/document.xml");
        assert!(
            body.contains("Amy\u{FFFD} Fisher"),
            "the text is kept, the character marked"
        );
    }
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_passport_for_a_pupil_off_the_register_is_refused_and_nothing_written() {
    let school = oakfield_copy();
    // Isla left in July; Yusuf came off the register (status N).
    for (id, why) in [
        ("isla-mackenzie", "left"),
        ("yusuf-ali", "came off the register"),
    ] {
        for format in ["md", "html", "docx"] {
            let out = school.path().join(format!("out/{id}.{format}"));
            let o = run(
                school.path(),
                &[
                    "report",
                    "passport",
                    id,
                    "--format",
                    if format == "md" { "markdown" } else { format },
                    "--out",
                    out.to_str().expect("path"),
                ],
            );
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{id} {format}: {err}");
            assert!(
                err.contains(id) && err.contains(why) && err.contains("not on the SEN register"),
                "{err}"
            );
            assert!(!out.exists(), "nothing written");
        }
    }
    // Among others on the register, the whole run is refused.
    let o = run(
        school.path(),
        &["report", "passport", "amara-okafor", "isla-mackenzie"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "no passport printed");
    // On the register, a passport is written as before.
    let o = run(school.path(), &["report", "passport", "amara-okafor"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn as_of_outside_1900_to_2199_is_a_usage_error() {
    for date in ["0000-01-01", "1899-12-31", "2200-01-01", "9999-12-31"] {
        for args in [
            &["check"][..],
            &["report", "register"],
            &["letter", "--due"],
        ] {
            let o = common::sen()
                .arg("--records")
                .arg(OAKFIELD)
                .args(["--as-of", date])
                .args(args)
                .output()
                .expect("runs");
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{date} {args:?}: {err}");
            assert!(
                err.contains(date) && err.contains("1900-01-01") && err.contains("2199-12-31"),
                "{err}"
            );
            assert!(o.stdout.is_empty());
        }
    }
    // The same from the environment.
    let o = common::sen()
        .arg("--records")
        .arg(OAKFIELD)
        .env("SEN_AS_OF", "0000-01-01")
        .arg("check")
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // The ends of the range are fine.
    for date in ["1900-01-01", "2199-12-31"] {
        let o = common::sen()
            .arg("--records")
            .arg(OAKFIELD)
            .args(["--as-of", date, "report", "register"])
            .output()
            .expect("runs");
        assert_eq!(o.status.code(), Some(0), "{date}: {}", stderr(&o));
    }
    let _ = AS_OF;
}

/// Run `sen` under an address-space limit of 1.5 GiB (on Linux), as tests/it/validity.rs does.
fn sen_capped(root: &Path, args: &[&str]) -> (std::process::Output, Duration) {
    let bin = env!("CARGO_BIN_EXE_sen");
    let mut cmd = if cfg!(target_os = "linux") {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg("ulimit -v 1572864 && exec \"$0\" \"$@\"")
            .arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.arg("--records")
        .arg(root)
        .args(["--as-of", AS_OF])
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("SEN_AS_OF");
    let start = Instant::now();
    let o = cmd.output().expect("runs");
    (o, start.elapsed())
}

#[test]
fn a_template_that_doubles_text_or_a_list_is_stopped_naming_it() {
    let bombs = [
        // a macro doubling a string forty times
        "{% macro d(s, n) %}{% if n > 0 %}{{ d(s ~ s, n - 1) }}{% else %}{{ s|length }}{% endif %}{% endmacro %}{{ d(\"x\", 40) }}",
        // the same through join
        "{% macro d(s, n) %}{% if n > 0 %}{{ d([s, s]|join, n - 1) }}{% else %}{{ s|length }}{% endif %}{% endmacro %}{{ d(\"xxxxxxxx\", 40) }}",
        // through a captured block
        "{% macro d(s, n) %}{% if n > 0 %}{% set t %}{{ s }}{{ s }}{% endset %}{{ d(t, n - 1) }}{% else %}{{ s|length }}{% endif %}{% endmacro %}{{ d(\"xxxxxxxx\", 40) }}",
        // a list doubled in a namespace, and in a macro
        "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = ns.l + ns.l %}{% endfor %}{{ ns.l|length }}",
        "{% macro d(l, n) %}{% if n > 0 %}{{ d(l + l, n - 1) }}{% else %}{{ l|length }}{% endif %}{% endmacro %}{{ d([1, 2], 40) }}",
        // text repeated by `*`
        "{% macro d(s, n) %}{% if n > 0 %}{{ d(s * 2, n - 1) }}{% else %}{{ s|length }}{% endif %}{% endmacro %}{{ d(\"xxxxxxxx\", 40) }}",
    ];
    for (i, bomb) in bombs.iter().enumerate() {
        let school = oakfield_copy();
        let templates = school.path().join("templates");
        fs::create_dir_all(&templates).expect("mkdir");
        fs::write(templates.join("information.md.j2"), bomb).expect("write");
        let (o, took) = sen_capped(school.path(), &["report", "information"]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "bomb {i}: {err}");
        assert!(
            err.contains("information.md.j2"),
            "bomb {i} names the template: {err}"
        );
        assert!(!err.contains("memory allocation"), "bomb {i}: {err}");
        assert!(took < Duration::from_secs(30), "bomb {i} took {took:?}");
        assert!(o.stdout.is_empty(), "bomb {i}: nothing printed");
    }
}
