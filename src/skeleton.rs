//! The YAML files sen writes for a person to fill in (`sen new`, `sen import`, `sen init`):
//! commented skeletons, written only where no file exists, so sen never rewrites a file a
//! person wrote.

use chrono::NaiveDate;

use crate::dates::iso;
use crate::schema::{SCHEMA_DIR, file_name};

/// The `yaml-language-server` header for a file at `rel`, pointing at the schema `name`
/// in the root's schema folder by a path relative to the file.
pub fn header(rel: &str, name: &str) -> String {
    let up = "../".repeat(rel.matches('/').count());
    format!(
        "# yaml-language-server: $schema={up}{SCHEMA_DIR}/{}\n",
        file_name(name)
    )
}

/// A YAML double-quoted scalar holding `s` exactly, whatever it holds: `"` and `\\` are
/// escaped, and so is every character that is not plainly visible text (controls, line
/// breaks, bidirectional controls, noncharacters, the byte-order mark), so no value can
/// end the scalar, start a comment or a key, or hide in the file.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if unseen(c) => {
                let n = u32::from(c);
                if n > 0xFFFF {
                    out.push_str(&format!("\\U{n:08X}"));
                } else {
                    out.push_str(&format!("\\u{n:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A character that is not plainly visible in a file: a control, a line or paragraph
/// separator, a bidirectional control, a noncharacter, the byte-order mark.
fn unseen(c: char) -> bool {
    let n = u32::from(c);
    c.is_control()
        || matches!(n, 0x2028 | 0x2029 | 0xFEFF | 0x200E | 0x200F | 0x061C)
        || (0x202A..=0x202E).contains(&n)
        || (0x2066..=0x2069).contains(&n)
        || (0xFDD0..=0xFDEF).contains(&n)
        || n & 0xFFFE == 0xFFFE
}

/// `value` padded to `width`, with at least one space after it: YAML reads `#` as a comment
/// only after a space, so a long value never runs into the comment beside it.
fn pad(value: impl std::fmt::Display, width: usize) -> String {
    let v = value.to_string();
    if v.chars().count() >= width {
        format!("{v} ")
    } else {
        format!("{v:<width$}")
    }
}

/// `s` for a `#` comment: one line, whatever it holds (anything unseen becomes `?`).
fn comment(s: &str) -> String {
    s.chars().map(|c| if unseen(c) { '?' } else { c }).collect()
}

/// What a new pupil.yaml says: `sen new pupil` fills the name, date of birth and start;
/// `sen import` fills what the MIS holds too. Anything `None` is left as a commented prompt.
#[derive(Debug, Clone, Default)]
pub struct PupilSkeleton {
    pub given: String,
    pub family: String,
    pub preferred: Option<String>,
    pub dob: Option<NaiveDate>,
    pub upn: Option<String>,
    pub year_group: Option<i64>,
    pub class: Option<String>,
    /// "K" or "E" (default K).
    pub status: Option<&'static str>,
    pub since: Option<NaiveDate>,
    /// A note on `since` where it is not the real date (an import without one).
    pub since_note: Option<String>,
    pub primary_need: Option<&'static str>,
    pub secondary_need: Option<&'static str>,
    pub contacts: Vec<ContactSkeleton>,
}

/// A contact written into a new pupil.yaml.
#[derive(Debug, Clone, Default)]
pub struct ContactSkeleton {
    pub name: String,
    pub relationship: Option<String>,
    pub parental_responsibility: bool,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Vec<String>,
    pub language: Option<String>,
    /// `letters: true` without parental responsibility: one who cares for the child.
    pub letters: bool,
}

/// `value` as a YAML scalar, or `null`.
pub fn or_null(value: Option<&str>) -> String {
    value.map_or_else(|| "null".to_string(), quote)
}

/// The commented pupil.yaml skeleton: the one `sen new pupil` and `sen import` write.
pub fn pupil_yaml(rel: &str, p: &PupilSkeleton) -> String {
    let mut t = header(rel, "pupil");
    let dob = p.dob.map_or_else(|| "null".to_string(), iso);
    let since = p.since.map_or_else(|| "null".to_string(), iso);
    let since_note = p
        .since_note
        .as_deref()
        .map_or_else(String::new, |n| format!("  # {}\n", comment(n)));
    let year_group = p
        .year_group
        .map_or_else(|| "null".to_string(), |y| y.to_string());
    let contacts = contacts_yaml(&p.contacts);
    t.push_str(&format!(
        "# {given} {family}: who the pupil is and their SEN status. Replace each null with what\n\
         # you know; `sen check` says what is still needed.\n\
         name:\n  given: {}\n  family: {}\n  preferred: {}# the name the pupil goes by in letters, if not the given name\n\
         dob: {}# date of birth\n\
         upn: {}# Unique Pupil Number: 13 characters, e.g. A123456789012\n\
         year_group: {}# only if taught out of their age group: NC year 0 (Reception) to 14\n\
         class: {}# the pupil's class, e.g. 4B\n\
         sen:\n  status: {}# K = SEN support, E = EHC plan, N = no longer on the register\n{since_note}  since: {}# the date the school decided to make special educational provision\n  parents_notified: null  # the date parents were formally told (6.43, 6.48); null until then\n  primary_need: {}# census code of the main need: SPLD MLD SLD PMLD SEMH SLCN HI VI MSI PD\n                          # ASD DS OTH; NSA until the need has been assessed (K only)\n  secondary_need: {}# another code, if there is one (never NSA)\n  # ended: YYYY-MM-DD     # with status N: the date the pupil came off the register\n  summary: null           # the needs in plain words (6.45); write `|` and indent for paragraphs\n  strengths: null         # what the pupil is good at\n\
         flags:\n  looked_after: false     # looked after by the local authority (6.90)\n  eal: false              # English as an additional language (6.24)\n  pupil_premium: false\n  medical_plan: false     # has an individual healthcare plan (6.11)\n\
         {contacts}\
         what_helps: null          # what helps, in the words staff use (6.49); `|` and indent for lines\n\
         left: null                # the date the pupil left the school\n\
         # transfer:               # once the pupil has left for another school (6.57):\n\
         #   school: Hillside High School\n\
         #   urn: \"100001\"\n\
         #   sen_record_sent: null # the date the SEN record reached it: within 15 school days\n",
        quote(&p.given),
        quote(&p.family),
        pad(or_null(p.preferred.as_deref()), 13),
        pad(dob, 22),
        pad(or_null(p.upn.as_deref()), 21),
        pad(year_group, 14),
        pad(or_null(p.class.as_deref()), 19),
        pad(p.status.unwrap_or("K"), 16),
        pad(since, 20),
        pad(p.primary_need.unwrap_or("NSA"), 10),
        pad(p.secondary_need.unwrap_or("null"), 8),
        given = comment(&p.given),
        family = comment(&p.family),
    ));
    t
}

/// pupil.yaml's `contacts:`: those the MIS gave, or a commented example to fill in.
fn contacts_yaml(contacts: &[ContactSkeleton]) -> String {
    if contacts.is_empty() {
        return "contacts:                 # parents and carers: letters go to those with parental responsibility\n  # - name: Mrs Grace Okafor\n  #   relationship: mother\n  #   parental_responsibility: true\n  #   email: grace@example.com\n  #   phone: \"07700 900000\"\n  #   address: [\"2 Elm Road\", \"Salford\", \"M2 2BB\"]\n  #   language: English   # any other language: sen warns that letters need translating\n  #   letters: true       # default: parental_responsibility\n".to_string();
    }
    let mut c = String::from(
        "contacts:                 # parents and carers: letters go to those with parental responsibility\n",
    );
    for k in contacts {
        c.push_str(&contact_yaml(k));
    }
    c
}

/// One contact under `contacts:`.
fn contact_yaml(k: &ContactSkeleton) -> String {
    let mut c = format!("  - name: {}\n", quote(&k.name));
    c.push_str(&format!(
        "    relationship: {}\n",
        or_null(k.relationship.as_deref())
    ));
    c.push_str(&format!(
        "    parental_responsibility: {}\n",
        k.parental_responsibility
    ));
    if let Some(e) = &k.email {
        c.push_str(&format!("    email: {}\n", quote(e)));
    }
    if let Some(ph) = &k.phone {
        c.push_str(&format!("    phone: {}\n", quote(ph)));
    }
    if !k.address.is_empty() {
        let lines: Vec<String> = k.address.iter().map(|l| quote(l)).collect();
        c.push_str(&format!("    address: [{}]\n", lines.join(", ")));
    }
    if let Some(l) = &k.language {
        c.push_str(&format!("    language: {}\n", quote(l)));
    }
    if k.letters && !k.parental_responsibility {
        c.push_str(
            "    letters: true             # cares for the child: a parent in education law\n",
        );
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::ymd;

    #[test]
    fn any_text_stays_one_quoted_value_and_never_becomes_structure() {
        let hostile = [
            "Smith\ntransfer:\n  school: X",
            "O'Brien # not a comment",
            "\"quoted\" \\ back",
            "Ell\r",
            "bidi \u{202E}olleh",
            "nul \u{0} del \u{7f} c1 \u{85} ls \u{2028} nonchar \u{FFFE} \u{10FFFF}",
        ];
        for text in hostile {
            let t = pupil_yaml(
                "pupils/a/pupil.yaml",
                &PupilSkeleton {
                    given: text.to_string(),
                    family: text.to_string(),
                    preferred: Some(format!("{text} and a long preferred name")),
                    dob: Some(ymd(2017, 3, 14)),
                    class: Some(format!("{text} a class name longer than its column")),
                    upn: Some("C801200021001".into()),
                    since: Some(ymd(2026, 11, 23)),
                    ..PupilSkeleton::default()
                },
            );
            // Nothing unseen is written raw, and the top-level keys are the skeleton's own.
            assert!(!t.chars().any(|c| c != '\n' && unseen(c)), "{t:?}");
            let keys: Vec<&str> = t
                .lines()
                .filter(|l| !l.starts_with([' ', '#']) && !l.is_empty())
                .map(|l| l.split(':').next().unwrap_or_default())
                .collect();
            assert_eq!(
                keys,
                [
                    "name",
                    "dob",
                    "upn",
                    "year_group",
                    "class",
                    "sen",
                    "flags",
                    "contacts",
                    "what_helps",
                    "left"
                ],
                "{t}"
            );
            match crate::yaml::parse::<crate::records::RawPupil>(&t) {
                Ok(raw) => {
                    assert_eq!(raw.name.value.given.value, text);
                    assert_eq!(raw.name.value.family.value, text);
                }
                // A control character, escaped, is refused as a `schema` finding when read.
                Err(e) => assert_eq!(e.failure, crate::yaml::Failure::Schema, "{text:?}: {e:?}"),
            }
        }
    }
}
