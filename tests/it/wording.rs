//! The words of the letters, read as a parent would (#12): how a letter begins, one letter
//! to parents at one address, needs in plain words, progress with what happens next, a
//! thank-you only to someone who came, how often an EHC plan is reviewed, free text as typed,
//! and `--due` inviting parents to a review falling due.

use std::fs;
use std::path::Path;

use crate::common;

use common::{AS_OF, OAKFIELD, oakfield_copy, sen};

/// `sen letter ARGS --out -` on the records at `root`: the letters' Markdown.
fn letters(root: &Path, args: &[&str]) -> String {
    let out = sen()
        .arg("--records")
        .arg(root)
        .args(["--as-of", AS_OF, "letter"])
        .args(args)
        .args(["--out", "-"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {stderr}");
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Replace `old` by `new` in a records file, which must hold it.
fn edit(root: &Path, file: &str, old: &str, new: &str) {
    let path = root.join(file);
    let text = fs::read_to_string(&path).expect("read");
    assert!(text.contains(old), "{file} holds {old:?}");
    fs::write(&path, text.replacen(old, new, 1)).expect("write");
}

fn greetings(text: &str) -> Vec<&str> {
    text.lines().filter(|l| l.starts_with("Dear ")).collect()
}

#[test]
fn a_letter_begins_with_the_title_and_family_name() {
    let text = letters(Path::new(OAKFIELD), &["notification", "amara-okafor"]);
    assert_eq!(greetings(&text), ["Dear Mrs Okafor,", "Dear Mr Okafor,"]);
    // The address block keeps the full name.
    assert!(text.contains("Mrs Grace Okafor  \n14 Acorn Close"));

    let dir = oakfield_copy();
    edit(
        dir.path(),
        "pupils/amara-okafor/pupil.yaml",
        "name: Mrs Grace Okafor",
        "name: Grace Okafor",
    );
    edit(
        dir.path(),
        "pupils/amara-okafor/pupil.yaml",
        "name: Mr Emeka Okafor",
        "name: Mr Emeka de la Cruz",
    );
    let text = letters(dir.path(), &["notification", "amara-okafor"]);
    assert_eq!(
        greetings(&text),
        ["Dear Grace Okafor,", "Dear Mr de la Cruz,"]
    );
}

#[test]
fn parents_at_one_address_share_one_letter_when_the_school_asks() {
    let dir = oakfield_copy();
    // Off by default: one letter each.
    let text = letters(
        dir.path(),
        &["notification", "amara-okafor", "kai-thompson"],
    );
    assert_eq!(greetings(&text).len(), 4);

    edit(
        dir.path(),
        "school.yaml",
        "settings:\n",
        "settings:\n  one_letter_per_address: true\n",
    );
    let text = letters(
        dir.path(),
        &["notification", "amara-okafor", "kai-thompson"],
    );
    // Amara's parents live together; Kai's foster carer and social worker do not.
    assert_eq!(
        greetings(&text),
        ["Dear Mr and Mrs Okafor,", "Dear Mrs Hart,", "Dear Ms Reid,"]
    );
    assert!(text.contains("Mrs Grace Okafor and Mr Emeka Okafor  \n14 Acorn Close"));

    // Written to files: one file for the household, named for both.
    let out = sen()
        .arg("--records")
        .arg(dir.path())
        .args(["--as-of", AS_OF, "letter", "notification", "amara-okafor"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let files: Vec<_> = fs::read_dir(dir.path().join("out/letters/amara-okafor"))
        .expect("written")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].contains("mrs-grace-okafor"), "{files:?}");

    // A contact with no address recorded gets a letter of their own.
    edit(
        dir.path(),
        "pupils/amara-okafor/pupil.yaml",
        "    address: [\"14 Acorn Close\", \"Salford\", \"M6 0AA\"]\n    language: English\n  - name: Mr Emeka Okafor",
        "    language: English\n  - name: Mr Emeka Okafor",
    );
    let text = letters(dir.path(), &["notification", "amara-okafor"]);
    assert_eq!(greetings(&text), ["Dear Mrs Okafor,", "Dear Mr Okafor,"]);
}

#[test]
fn every_need_is_described_in_plain_words_without_repeats_or_census_jargon() {
    let dir = oakfield_copy();
    let mut current = "NSA".to_string();
    for code in [
        "SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "DS", "OTH",
        "NSA",
    ] {
        edit(
            dir.path(),
            "pupils/zainab-hussain/pupil.yaml",
            &format!("primary_need: {current}"),
            &format!("primary_need: {code}"),
        );
        current = code.to_string();
        let text = letters(dir.path(), &["notification", "zainab-hussain"]);
        let lower = text.to_lowercase();
        for jargon in [
            "specialist assessment of type of need",
            "autistic spectrum disorder",
            "sen support but no",
        ] {
            assert!(!lower.contains(jargon), "{code}: {jargon}");
        }
        // "social, emotional and mental health (social, emotional and mental health)"
        for (i, _) in lower.match_indices(" (") {
            let inside: String = lower[i + 2..].chars().take_while(|c| *c != ')').collect();
            assert!(
                !inside.is_empty() && !lower[..i].ends_with(&inside),
                "{code}: repeats {inside:?}"
            );
        }
        if code == "NSA" {
            assert!(
                text.contains("We are still finding out what kind of help works best for Zainab"),
                "{text}"
            );
        } else {
            assert!(
                text.contains("The main area of need we will work on is "),
                "{code}"
            );
        }
        if code == "ASD" {
            assert!(text.contains("communication and interaction: autism."));
        }
    }
}

#[test]
fn little_or_no_progress_says_the_help_will_change() {
    let text = letters(Path::new(OAKFIELD), &["review-record", "ethan-murphy"]);
    assert!(
        text.contains(
            "Overall, Ethan has made little or no progress so far. That tells us the help needs to change"
        ),
        "{text}"
    );
    let text = letters(Path::new(OAKFIELD), &["review-record", "amara-okafor"]);
    assert!(text.contains("Overall, Amy has made the progress we expected.\n"));
}

#[test]
fn only_a_parent_who_could_have_come_is_thanked_for_coming() {
    // Amara's parents came, and both live at the address the letters go to.
    let text = letters(Path::new(OAKFIELD), &["review-record", "amara-okafor"]);
    assert_eq!(text.matches("Thank you for coming").count(), 2);
    // Kai's review had his foster carer there; the social worker, at another address,
    // was not thanked for coming.
    let text = letters(Path::new(OAKFIELD), &["review-record", "kai-thompson"]);
    assert!(!text.contains("Thank you for coming"));
    assert_eq!(
        text.matches("I would be glad to talk it through with you")
            .count(),
        2
    );
    // Parents not there: no thanks.
    let dir = oakfield_copy();
    edit(
        dir.path(),
        "pupils/amara-okafor/cycles/2026-04-20.yaml",
        "parents_present: true",
        "parents_present: false",
    );
    let text = letters(dir.path(), &["review-record", "amara-okafor"]);
    assert!(!text.contains("Thank you for coming"));
}

#[test]
fn the_plan_of_a_child_under_5_is_reviewed_every_six_months() {
    // Freya is 4 on the day of her annual review.
    let text = letters(
        Path::new(OAKFIELD),
        &["annual-review-invitation", "freya-morgan"],
    );
    assert!(text.contains("While a child is under 5, the plan is reviewed every six months"));
    assert!(!text.contains("Once a year"));
    let dir = oakfield_copy();
    edit(
        dir.path(),
        "pupils/freya-morgan/pupil.yaml",
        "dob: 2022-02-10",
        "dob: 2021-02-10",
    );
    let text = letters(dir.path(), &["annual-review-invitation", "freya-morgan"]);
    assert!(text.contains("Once a year the plan is reviewed"));
}

#[test]
fn free_text_prints_as_typed_in_markdown_html_and_word() {
    // 0.3: a line starting "- " is a bullet, a blank line a new paragraph, and any other
    // line break is the wrap of a line in the YAML, joined into its paragraph.
    let dir = oakfield_copy();
    edit(
        dir.path(),
        "pupils/amara-okafor/meetings/2026-10-05.yaml",
        "  - Review of the current plan in the week of 16 November.",
        "  - Review of the current plan in the week\n    of 16 November.\n\n  Mrs Okafor will bring\n  the voice-typing log.",
    );
    edit(
        dir.path(),
        "pupils/kai-thompson/pupil.yaml",
        "the nurture room. Warn him",
        "the nurture room.\n  Warn him",
    );
    let text = letters(dir.path(), &["meeting-record", "amara-okafor"]);
    assert!(
        text.contains(
            "\n- Mr Hale will send the spellings for the week home on Mondays, in a larger font.\n- Review of the current plan in the week of 16 November.\n\nMrs Okafor will bring the voice-typing log.\n"
        ),
        "{text}"
    );
    assert!(
        !text.contains("week  \n"),
        "no hard line break mid-sentence: {text}"
    );
    let html = letters(
        dir.path(),
        &["meeting-record", "amara-okafor", "--format", "html"],
    );
    assert!(
        html.contains("<li>Review of the current plan in the week of 16 November.</li>\n</ul>\n<p>Mrs Okafor will bring the voice-typing log.</p>"),
        "{html}"
    );
    assert!(!html.contains("<br />\nReview"), "{html}");
    let out = sen()
        .arg("--records")
        .arg(dir.path())
        .args(["--as-of", AS_OF, "letter", "meeting-record", "amara-okafor"])
        .args(["--format", "docx", "--out", "-"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let outline = common::docx_outline(&out.stdout);
    assert!(
        outline.contains(
            "- Mr Hale will send the spellings for the week home on Mondays, in a larger font.\n- Review of the current plan in the week of 16 November.\nMrs Okafor will bring the voice-typing log.\n"
        ),
        "{outline}"
    );
    // What helps, on the pupil's record and passport: the wrapped lines read as one paragraph,
    // Amy's bullets as a list, never a raw "- " or a break mid-sentence.
    for args in [
        ["report", "pupil", "kai-thompson"],
        ["report", "passport", "kai-thompson"],
    ] {
        let out = sen()
            .arg("--records")
            .arg(dir.path())
            .args(["--as-of", AS_OF])
            .args(args)
            .output()
            .expect("runs");
        let md = String::from_utf8(out.stdout).expect("utf-8");
        assert!(
            md.contains("goes first to the nurture room. Warn him before changes of routine; a quiet space when he is overwhelmed"),
            "{md}"
        );
    }
    let out = sen()
        .arg("--records")
        .arg(dir.path())
        .args(["--as-of", AS_OF, "report", "passport", "amara-okafor"])
        .args(["--format", "html"])
        .output()
        .expect("runs");
    let html = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        html.contains(
            "<ul>\n<li>Sit Amy near the front, with the word mat and a reading ruler.</li>"
        ),
        "{html}"
    );
    assert!(
        html.contains("not handwriting, and give extra time"),
        "{html}"
    );
}

#[test]
fn due_invites_parents_to_a_review_falling_due_but_not_to_one_already_past() {
    let dir = oakfield_copy();
    let out = sen()
        .arg("--records")
        .arg(dir.path())
        .args(["--as-of", AS_OF, "letter", "--due"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let letters = dir.path().join("out/letters");
    // Filip's review is due on 7 December: his parents are invited.
    let filip: Vec<_> = fs::read_dir(letters.join("filip-kowalczyk"))
        .expect("filip's letters")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("review-invitation-"))
        .collect();
    assert_eq!(filip.len(), 2, "{filip:?}");
    let text = fs::read_to_string(letters.join("filip-kowalczyk").join(&filip[0])).expect("read");
    assert!(text.contains("a meeting on **7 December 2026**"));
    // Amara's was due on 20 November, already past: no invitation to a day gone by.
    assert!(
        !letters.join("amara-okafor").exists()
            || fs::read_dir(letters.join("amara-okafor"))
                .expect("dir")
                .all(|e| !e
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .starts_with("review-invitation"))
    );
}
