//! The YAML files sen writes for a person to fill in (`sen new`, `sen import`, `sen init`):
//! commented skeletons, written only where no file exists, so sen never rewrites a file a
//! person wrote.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use chrono::NaiveDate;

use crate::dates::iso;
use crate::schema::{SCHEMA_DIR, file_name};

/// Create `path` (and its folders); fails rather than replace a file that exists.
pub fn write_new(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the folder `{}`", dir.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create `{}`", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(())
}

/// The `yaml-language-server` header for a file at `rel`, pointing at the schema `name`
/// in the root's schema folder by a path relative to the file.
pub fn header(rel: &str, name: &str) -> String {
    let up = "../".repeat(rel.matches('/').count());
    format!(
        "# yaml-language-server: $schema={up}{SCHEMA_DIR}/{}\n",
        file_name(name)
    )
}

/// A YAML scalar holding `s` exactly: JSON's quoting is valid YAML.
pub fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
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
        .map_or_else(String::new, |n| format!("  # {n}\n"));
    let year_group = p
        .year_group
        .map_or_else(|| "null".to_string(), |y| y.to_string());
    let contacts = if p.contacts.is_empty() {
        "contacts:                 # parents and carers: letters go to those with parental responsibility\n  # - name: Mrs Grace Okafor\n  #   relationship: mother\n  #   parental_responsibility: true\n  #   email: grace@example.com\n  #   phone: \"07700 900000\"\n  #   address: [\"2 Elm Road\", \"Salford\", \"M2 2BB\"]\n  #   language: English   # any other language: sen warns that letters need translating\n  #   letters: true       # default: parental_responsibility\n".to_string()
    } else {
        let mut c = String::from(
            "contacts:                 # parents and carers: letters go to those with parental responsibility\n",
        );
        for k in &p.contacts {
            c.push_str(&format!("  - name: {}\n", quote(&k.name)));
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
        }
        c
    };
    t.push_str(&format!(
        "# {given} {family}: who the pupil is and their SEN status. Replace each null with what\n\
         # you know; `sen check` says what is still needed.\n\
         name:\n  given: {}\n  family: {}\n  preferred: {:<13}# the name the pupil goes by in letters, if not the given name\n\
         dob: {:<22}# date of birth\n\
         upn: {:<21}# Unique Pupil Number: 13 characters, e.g. A123456789012\n\
         year_group: {:<14}# only if taught out of their age group: NC year 0 (Reception) to 14\n\
         class: {:<19}# the pupil's class, e.g. 4B\n\
         sen:\n  status: {:<16}# K = SEN support, E = EHC plan, N = no longer on the register\n{since_note}  since: {:<20}# the date the school decided to make special educational provision\n  parents_notified: null  # the date parents were formally told (6.43, 6.48); null until then\n  primary_need: {:<10}# census code of the main need: SPLD MLD SLD PMLD SEMH SLCN HI VI MSI PD\n                          # ASD DS OTH; NSA until the need has been assessed (K only)\n  secondary_need: {:<8}# another code, if there is one (never NSA)\n  # ended: YYYY-MM-DD     # with status N: the date the pupil came off the register\n  summary: null           # the needs in plain words (6.45); write `|` and indent for paragraphs\n  strengths: null         # what the pupil is good at\n\
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
        or_null(p.preferred.as_deref()),
        dob,
        or_null(p.upn.as_deref()),
        year_group,
        or_null(p.class.as_deref()),
        p.status.unwrap_or("K"),
        since,
        p.primary_need.unwrap_or("NSA"),
        p.secondary_need.unwrap_or("null"),
        given = p.given,
        family = p.family,
    ));
    t
}
