//! Reading a school's MIS export (SIMS, Arbor, Bromcom, ScholarPack): the CSV of its SEN
//! report, one row a pupil, and optionally a CSV of contacts. Shared by `sen import` and
//! `sen census` (cli.md).
//!
//! Real exports vary: UTF-8 with or without a byte-order mark, or Windows-1252 (what Excel
//! saves); CRLF or LF; a title line or blank lines before the header; quoted fields holding
//! commas and line breaks; trailing empty columns; dates as dd/mm/yyyy or ISO; years as
//! "R", "Reception", "Year 4"; needs as census codes or words. Columns are found by header,
//! ignoring case, spaces and punctuation. Every value that cannot be read is named by its
//! row (as a spreadsheet numbers it) and column (letter and header), and the other rows are
//! still read.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;

use crate::dates::iso;
use crate::model::{Need, Pupil, Records, Status};

/// What a column can hold, with the headers recognised for it (normalised: lowercase
/// letters and digits only).
const PUPIL_KEYS: &[(&str, &[&str])] = &[
    ("upn", &["upn", "uniquepupilnumber"]),
    (
        "family",
        &["legalsurname", "surname", "lastname", "familyname"],
    ),
    (
        "given",
        &["legalforename", "forename", "firstname", "givenname"],
    ),
    (
        "preferred",
        &[
            "preferredforename",
            "preferredname",
            "knownas",
            "preferredfirstname",
        ],
    ),
    ("dob", &["dob", "dateofbirth", "birthdate"]),
    (
        "year_group",
        &[
            "ncyear",
            "year",
            "yeargroup",
            "curriculumyear",
            "nationalcurriculumyear",
        ],
    ),
    (
        "class",
        &[
            "reggroup",
            "registrationgroup",
            "form",
            "class",
            "tutorgroup",
        ],
    ),
    ("status", &["senstatus", "senprovision", "senstage"]),
    (
        "primary_need",
        &[
            "primaryneed",
            "senneed1",
            "primarysentype",
            "sentyperank1",
            "sentype1",
        ],
    ),
    (
        "secondary_need",
        &["secondaryneed", "senneed2", "sentyperank2", "sentype2"],
    ),
    (
        "since",
        &["senstartdate", "senprovisionstartdate", "senstart"],
    ),
];

/// The contacts file: the pupil's keys (to match), then the contact's own.
const CONTACT_KEYS: &[(&str, &[&str])] = &[
    ("upn", &["upn", "uniquepupilnumber"]),
    ("family", &["legalsurname", "surname", "pupilsurname"]),
    ("given", &["legalforename", "forename", "pupilforename"]),
    ("dob", &["dob", "dateofbirth"]),
    ("name", &["contactname", "name", "fullname"]),
    ("relationship", &["relationship", "relationshiptopupil"]),
    (
        "parental_responsibility",
        &["parentalresponsibility", "pr", "hasparentalresponsibility"],
    ),
    ("email", &["email", "emailaddress"]),
    (
        "phone",
        &["telephone", "phone", "telephonenumber", "mobile"],
    ),
    ("address1", &["addressline1", "address1"]),
    ("address2", &["addressline2", "address2"]),
    ("address3", &["addressline3", "address3"]),
    ("language", &["language", "homelanguage", "firstlanguage"]),
];

/// A value that could not be read: row (1-based, as a spreadsheet shows it), column letter
/// and header, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

impl std::fmt::Display for CellError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "row {}, column {}: {}",
            self.row, self.column, self.message
        )
    }
}

/// One pupil row of the MIS export, read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MisPupil {
    pub row: usize,
    pub upn: Option<String>,
    pub family: String,
    pub given: String,
    pub preferred: Option<String>,
    pub dob: Option<NaiveDate>,
    pub year_group: Option<i64>,
    pub class: Option<String>,
    /// None when the status cell is empty.
    pub status: Option<Status>,
    pub primary_need: Option<Need>,
    pub secondary_need: Option<Need>,
    pub since: Option<NaiveDate>,
}

/// One contact row, read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MisContact {
    pub row: usize,
    pub upn: Option<String>,
    pub family: String,
    pub given: String,
    pub dob: Option<NaiveDate>,
    pub name: String,
    pub relationship: Option<String>,
    pub parental_responsibility: bool,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Vec<String>,
    pub language: Option<String>,
}

/// What a file gave: the rows read, and the rows (or cells) that could not be.
#[derive(Debug, Default)]
pub struct Read<T> {
    pub rows: Vec<T>,
    pub errors: Vec<CellError>,
    /// Notes for the person (a header used twice, say).
    pub notes: Vec<String>,
}

/// Bytes as text: UTF-8 (a byte-order mark dropped), else Windows-1252.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// A header as compared: lowercase ASCII letters and digits only.
pub fn normalise(header: &str) -> String {
    deunicode::deunicode(header)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The spreadsheet letter of a 0-based column: A, B, ... Z, AA, AB ...
pub fn column_letter(mut i: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The columns of a header row: key -> every column index that carries it.
struct Columns {
    by_key: BTreeMap<&'static str, Vec<usize>>,
    headers: Vec<String>,
}

impl Columns {
    fn name(&self, i: usize) -> String {
        format!(
            "{} ({})",
            column_letter(i),
            self.headers.get(i).map_or("", |h| h.trim())
        )
    }
}

/// Match a header row against `keys`, with `--map KEY=HEADER` overrides.
fn columns(
    headers: &[String],
    keys: &[(&'static str, &[&str])],
    map: &[(String, String)],
) -> Columns {
    let mut by_key: BTreeMap<&'static str, Vec<usize>> = BTreeMap::new();
    for (i, h) in headers.iter().enumerate() {
        let n = normalise(h);
        if n.is_empty() {
            continue;
        }
        let mapped = map
            .iter()
            .find(|(_, header)| normalise(header) == n)
            .and_then(|(key, _)| keys.iter().find(|(k, _)| k == key).map(|(k, _)| *k));
        let key = mapped.or_else(|| {
            keys.iter()
                .find(|(k, names)| {
                    names.contains(&n.as_str()) && !map.iter().any(|(mk, _)| mk == k)
                })
                .map(|(k, _)| *k)
        });
        if let Some(k) = key {
            by_key.entry(k).or_default().push(i);
        }
    }
    Columns {
        by_key,
        headers: headers.to_vec(),
    }
}

/// Check `--map` arguments: `KEY=HEADER` with a known key.
pub fn parse_map(args: &[String], contacts: bool) -> Result<Vec<(String, String)>> {
    let keys = if contacts { CONTACT_KEYS } else { PUPIL_KEYS };
    let mut out = Vec::new();
    for a in args {
        let Some((k, h)) = a.split_once('=') else {
            bail!("`--map {a}` needs the form KEY=HEADER, for example `--map upn=\"Pupil UPN\"`");
        };
        let k = k.trim();
        if !PUPIL_KEYS
            .iter()
            .chain(CONTACT_KEYS)
            .any(|(key, _)| *key == k)
        {
            let names: Vec<&str> = keys.iter().map(|(k, _)| *k).collect();
            bail!(
                "`--map {a}`: `{k}` is not a column sen reads\n  help: the keys are {}",
                names.join(", ")
            );
        }
        out.push((k.to_string(), h.trim().to_string()));
    }
    Ok(out)
}

/// The records of a CSV text, each with its 1-based row number, and the index of the header
/// row: the first row in which at least two cells are headers of `keys` (a title line or
/// blank lines may come first).
fn records(
    text: &str,
    keys: &[(&'static str, &[&str])],
    map: &[(String, String)],
    what: &str,
) -> Result<(Columns, Vec<(usize, csv::StringRecord)>)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut header: Option<Columns> = None;
    let mut rows = Vec::new();
    // A spreadsheet numbers rows, not lines: a blank line is a row (the CSV reader skips
    // it), and a quoted value holding line breaks is one row over several lines.
    let mut extra_lines = 0usize;
    // Lines are counted once, from where the last row began: reading stays linear.
    let (mut counted_to, mut lines_before) = (0usize, 0usize);
    for rec in reader.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                bail!(
                    "{what}: row {} cannot be read as CSV: {e}",
                    line.saturating_sub(extra_lines)
                )
            }
        };
        // The reader's position can sit before skipped blank lines: step past them.
        let bytes = text.as_bytes();
        let mut start = rec
            .position()
            .map_or(0, |p| p.byte() as usize)
            .min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        let start = start.max(counted_to);
        lines_before += bytes[counted_to..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted_to = start;
        let line = lines_before + 1;
        let row = line.saturating_sub(extra_lines);
        extra_lines += rec.iter().map(|f| f.matches('\n').count()).sum::<usize>();
        match &header {
            None => {
                let cells: Vec<String> = rec.iter().map(str::to_string).collect();
                let c = columns(&cells, keys, map);
                if c.by_key.len() >= 2 {
                    header = Some(c);
                }
            }
            Some(_) => {
                if rec.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                rows.push((row, rec));
            }
        }
    }
    let Some(header) = header else {
        bail!(
            "{what}: no header row found: sen looks for column names such as UPN, Legal Surname, Legal Forename, DOB, SEN Status, Primary Need\n  help: export the report with its column headings, or name a column with --map KEY=HEADER"
        );
    };
    Ok((header, rows))
}

/// One row's cells by key, collecting what cannot be read.
struct Row<'a> {
    row: usize,
    rec: &'a csv::StringRecord,
    cols: &'a Columns,
    errors: Vec<CellError>,
}

impl Row<'_> {
    /// The row as a pupil, each cell checked in turn: a bad
    /// cell is one error in [`Row::errors`], and the rest are still read.
    fn pupil(&mut self) -> MisPupil {
        let upn = self.text("upn").map(|u| u.to_ascii_uppercase());
        if let Some(u) = &upn
            && let Err(e) = crate::validate::check_upn(u)
        {
            self.error("upn", e);
        }
        let family = self.name("family", "the family name is empty");
        let given = self.name("given", "the given name is empty");
        let status = self.parsed("status", parse_status, |t| {
            format!("`{t}` is not a SEN status: write K (SEN support), E (EHC plan) or N (no SEN)")
        });
        let year_group = self.parsed("year_group", parse_year, |t| {
            format!("`{t}` is not an NC year: write R (Reception) or 1 to 14")
        });
        MisPupil {
            row: self.row,
            upn,
            family,
            given,
            preferred: self.text("preferred"),
            dob: self.date("dob"),
            year_group,
            class: self.text("class"),
            status,
            primary_need: self.need("primary_need"),
            secondary_need: self.need("secondary_need"),
            since: self.date("since"),
        }
    }

    /// A name cell, which must not be empty (said once, if the cell is not already wrong).
    fn name(&mut self, key: &str, empty: &str) -> String {
        let before = self.errors.len();
        let name = self.text(key).unwrap_or_default();
        if name.is_empty() && self.errors.len() == before {
            self.error(key, empty.into());
        }
        name
    }

    /// A cell read by `parse`, or an error in the words `wrong` gives.
    fn parsed<T>(
        &mut self,
        key: &str,
        parse: fn(&str) -> Option<T>,
        wrong: impl Fn(&str) -> String,
    ) -> Option<T> {
        let t = self.text(key)?;
        let v = parse(&t);
        if v.is_none() {
            self.error(key, wrong(&t));
        }
        v
    }

    /// The trimmed text of `key`'s column, `None` when empty. Where the key has two columns
    /// that disagree, that is an error.
    fn text(&mut self, key: &str) -> Option<String> {
        let idx = self.cols.by_key.get(key)?;
        // Every value read is one line of printable text, before anything else looks at
        // it: what is refused here is never echoed, written or printed.
        for &i in idx {
            let cell = self.rec.get(i).map(|c| c.trim_matches([' ', '\t']));
            if let Some(why) = cell.and_then(not_one_line) {
                self.errors.push(CellError {
                    row: self.row,
                    column: self.cols.name(i),
                    message: format!(
                        "the value {why}: a value from the MIS is one line of printable text; correct it in the MIS"
                    ),
                });
                return None;
            }
        }
        let values: Vec<(usize, String)> = idx
            .iter()
            .filter_map(|&i| {
                let v = self.rec.get(i)?.trim();
                (!v.is_empty()).then(|| (i, v.to_string()))
            })
            .collect();
        let first = values.first()?.clone();
        if let Some((j, other)) = values.iter().find(|(_, v)| *v != first.1) {
            let (a, b) = (self.cols.name(first.0), self.cols.name(*j));
            self.errors.push(CellError {
                row: self.row,
                column: a.clone(),
                message: format!("`{}` in {a} and `{other}` in {b} disagree", first.1),
            });
            return None;
        }
        Some(first.1)
    }

    fn error(&mut self, key: &str, message: String) {
        let col = self
            .cols
            .by_key
            .get(key)
            .and_then(|v| v.first())
            .map_or_else(|| key.to_string(), |&i| self.cols.name(i));
        self.errors.push(CellError {
            row: self.row,
            column: col,
            message,
        });
    }

    fn date(&mut self, key: &str) -> Option<NaiveDate> {
        let t = self.text(key)?;
        match parse_date(&t) {
            Some(d) => Some(d),
            None => {
                self.error(
                    key,
                    format!("`{t}` is not a date: write dd/mm/yyyy or yyyy-mm-dd"),
                );
                None
            }
        }
    }

    fn need(&mut self, key: &str) -> Option<Need> {
        let t = self.text(key)?;
        match parse_need(&t) {
            Some(n) => Some(n),
            None => {
                self.error(
                    key,
                    format!(
                        "`{t}` is not a School Census SEN type: write a code (SPLD, MLD, SLD, PMLD, SEMH, SLCN, HI, VI, MSI, PD, ASD, DS, OTH, NSA) or its name"
                    ),
                );
                None
            }
        }
    }
}

/// Why a cell (or a name) is not one line of printable text (records.md 0.3), or `None`: a line break
/// anywhere (at the end too), a control character, a bidirectional control (U+202A to
/// U+202E, U+2066 to U+2069) or a noncharacter. The character is named, never shown.
pub fn not_one_line(cell: &str) -> Option<String> {
    let c = cell.chars().find(|&c| {
        let n = u32::from(c);
        c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}')
            || (0x202A..=0x202E).contains(&n)
            || (0x2066..=0x2069).contains(&n)
            || (0xFDD0..=0xFDEF).contains(&n)
            || n & 0xFFFE == 0xFFFE
    })?;
    let what = match c {
        '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' => "a line break",
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
            "a bidirectional control, which makes text read one way on screen and another in the file"
        }
        c if c.is_control() => "a control character",
        _ => "a noncharacter, which a Word document cannot hold",
    };
    Some(format!("holds {what} (U+{:04X})", u32::from(c)))
}

/// dd/mm/yyyy (or d/m/yyyy, with `-` or `.`), or ISO yyyy-mm-dd; a time after the date (as
/// Excel sometimes adds) is ignored.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.split_whitespace().next()?;
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Some(d).filter(|d| (1900..=2199).contains(&chrono::Datelike::year(d)));
    }
    let parts: Vec<&str> = t.split(['/', '-', '.']).collect();
    if parts.len() != 3 || parts[2].len() != 4 {
        return None;
    }
    let (d, m, y) = (
        parts[0].parse().ok()?,
        parts[1].parse().ok()?,
        parts[2].parse().ok()?,
    );
    NaiveDate::from_ymd_opt(y, m, d).filter(|_| (1900..=2199).contains(&y))
}

/// "R", "Reception", "Year 4", "Y4", "4", "NC 4" as an NC year (0-14).
pub fn parse_year(text: &str) -> Option<i64> {
    let n = normalise(text);
    if matches!(n.as_str(), "r" | "rec" | "reception" | "yr" | "yearr") {
        return Some(0);
    }
    let digits = n
        .trim_start_matches("year")
        .trim_start_matches("nc")
        .trim_start_matches('y');
    digits.parse::<i64>().ok().filter(|y| (0..=14).contains(y))
}

/// K, E, N or the words the MIS uses for them; `None` for words it does not know.
pub fn parse_status(text: &str) -> Option<Status> {
    let n = normalise(text);
    Some(match n.as_str() {
        "k" | "sensupport" | "support" => Status::K,
        "e" | "ehcplan" | "ehcp" | "ehc" | "educationhealthandcareplan" => Status::E,
        "n" | "nospecialeducationalneed" | "nosen" | "none" | "nospecialeducationalneeds" => {
            Status::N
        }
        _ => return None,
    })
}

/// A census code (any case) or its words ("Specific Learning Difficulty", "Autism").
pub fn parse_need(text: &str) -> Option<Need> {
    let code = text.trim().to_ascii_uppercase();
    if let Some(n) = Need::from_code(&code) {
        return Some(n);
    }
    let n = normalise(text);
    let n = n.trim_end_matches('s');
    Some(match n {
        "specificlearningdifficulty" | "specificlearningdifficultie" | "dyslexia" => Need::Spld,
        "moderatelearningdifficulty" | "moderatelearningdifficultie" => Need::Mld,
        "severelearningdifficulty" | "severelearningdifficultie" => Need::Sld,
        "profoundandmultiplelearningdifficulty" | "profoundandmultiplelearningdifficultie" => {
            Need::Pmld
        }
        "socialemotionalandmentalhealth" | "socialemotionalmentalhealth" => Need::Semh,
        "speechlanguageandcommunicationneed" | "speechlanguageandcommunication" => Need::Slcn,
        "hearingimpairment" => Need::Hi,
        "visionimpairment" | "visualimpairment" => Need::Vi,
        "multisensoryimpairment" => Need::Msi,
        "physicaldisability" => Need::Pd,
        "autisticspectrumdisorder"
        | "autism"
        | "autisticspectrumcondition"
        | "autismspectrumdisorder"
        | "autismspectrumcondition"
        | "asc" => Need::Asd,
        "downsyndrome" => Need::Ds,
        "otherdifficultydisability" | "otherdifficultyordisability" | "other" => Need::Oth,
        "sensupportbutnospecialistassessmentoftypeofneed"
        | "nospecialistassessmentoftypeofneed"
        | "nospecialistassessment" => Need::Nsa,
        _ => return None,
    })
}

/// Read the pupil export.
pub fn read_pupils(bytes: &[u8], map: &[(String, String)]) -> Result<Read<MisPupil>> {
    let text = decode(bytes);
    let (cols, rows) = records(&text, PUPIL_KEYS, map, "the MIS export")?;
    let mut out = Read::default();
    for key in ["family", "given", "status"] {
        if !cols.by_key.contains_key(key) {
            bail!(
                "the MIS export has no `{key}` column\n  help: sen reads {}; name another header with --map {key}=\"HEADER\"",
                PUPIL_KEYS
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, h)| h.join(", "))
                    .unwrap_or_default()
            );
        }
    }
    out.notes.extend(duplicate_notes(&cols));
    for (row, rec) in &rows {
        let mut r = Row {
            row: *row,
            rec,
            cols: &cols,
            errors: Vec::new(),
        };
        let p = r.pupil();
        if r.errors.is_empty() {
            out.rows.push(p);
        } else {
            out.errors.append(&mut r.errors);
        }
    }
    Ok(out)
}

/// Read the contacts export.
pub fn read_contacts(bytes: &[u8], map: &[(String, String)]) -> Result<Read<MisContact>> {
    let text = decode(bytes);
    let (cols, rows) = records(&text, CONTACT_KEYS, map, "the contacts export")?;
    let mut out = Read::default();
    if !cols.by_key.contains_key("name") {
        bail!(
            "the contacts export has no `Contact Name` column\n  help: name it with --map name=\"HEADER\""
        );
    }
    out.notes.extend(duplicate_notes(&cols));
    for (row, rec) in &rows {
        let mut r = Row {
            row: *row,
            rec,
            cols: &cols,
            errors: Vec::new(),
        };
        let pr = match r.text("parental_responsibility") {
            None => false,
            Some(t) => match normalise(&t).as_str() {
                "yes" | "y" | "true" | "1" => true,
                "no" | "n" | "false" | "0" => false,
                _ => {
                    r.error("parental_responsibility", format!("`{t}` is not Yes or No"));
                    false
                }
            },
        };
        let before = r.errors.len();
        let name = r.text("name").unwrap_or_default();
        if name.is_empty() && r.errors.len() == before {
            r.error("name", "the contact's name is empty".into());
        }
        let c = MisContact {
            row: *row,
            upn: r.text("upn").map(|u| u.to_ascii_uppercase()),
            family: r.text("family").unwrap_or_default(),
            given: r.text("given").unwrap_or_default(),
            dob: r.date("dob"),
            name,
            relationship: r.text("relationship").map(|s| s.to_lowercase()),
            parental_responsibility: pr,
            email: r.text("email"),
            phone: r.text("phone"),
            address: ["address1", "address2", "address3"]
                .iter()
                .filter_map(|k| r.text(k))
                .collect(),
            language: r.text("language"),
        };
        if r.errors.is_empty() {
            out.rows.push(c);
        } else {
            out.errors.append(&mut r.errors);
        }
    }
    Ok(out)
}

/// Whether a contact's relationship says they care for the child: a foster carer, a carer, a
/// kinship carer, a special or legal guardian (any case, spacing or hyphens). In education
/// law a parent includes whoever has care of the child (Education Act 1996 s.576), so such
/// a contact gets the school's letters even without parental responsibility. A respite
/// carer or a young carer is not one who has the child's care.
pub fn cares_for_child(relationship: &str) -> bool {
    let lower = relationship.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    if has("respite") || has("young") {
        return false;
    }
    has("carer")
        || has("carers")
        || has("guardian")
        || has("guardians")
        || has("guardianship")
        || has("kinship")
        || has("fostercarer")
        || (has("foster")
            && ["parent", "parents", "mother", "father", "mum", "dad"]
                .iter()
                .any(|w| has(w)))
}

/// A note for each key found in more than one column (the first non-empty value is used,
/// and a row where they disagree is named).
fn duplicate_notes(cols: &Columns) -> Vec<String> {
    cols.by_key
        .iter()
        .filter(|(_, v)| v.len() > 1)
        .map(|(k, v)| {
            let names: Vec<String> = v.iter().map(|&i| cols.name(i)).collect();
            format!(
                "`{k}` is in more than one column ({}): a row where they disagree is not used",
                names.join(", ")
            )
        })
        .collect()
}

/// A pupil id from the given and family names: ASCII, lowercase, accents folded,
/// apostrophes dropped, every other run of characters a single '-'.
pub fn pupil_id(given: &str, family: &str) -> String {
    let folded = deunicode::deunicode(&format!("{given} {family}"));
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if matches!(c, '\'' | '\u{2019}' | '`') {
            continue;
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "pupil".to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn carers_and_guardians_care_for_the_child_and_others_do_not() {
        for r in [
            "foster carer",
            "Foster Carer",
            "foster-carer",
            "FOSTER MOTHER",
            "Carer",
            "kinship carer",
            "Kinship care (grandmother)",
            "Special Guardian",
            "special guardianship",
            "legal guardian",
            "Guardian",
            "carer (aunt)",
        ] {
            assert!(super::cares_for_child(r), "{r}");
        }
        for r in [
            "mother",
            "grandfather",
            "social worker (the local authority shares parental responsibility)",
            "respite carer",
            "young carer",
            "childminder",
            "",
        ] {
            assert!(!super::cares_for_child(r), "{r}");
        }
    }

    use super::*;

    #[test]
    fn ids_fold_accents_and_drop_apostrophes() {
        assert_eq!(pupil_id("Zoë", "O'Brien-Ng"), "zoe-obrien-ng");
        assert_eq!(pupil_id("  Amara ", "Okafor"), "amara-okafor");
        assert_eq!(
            pupil_id("Jean-Luc", "D’Arcy  Smith"),
            "jean-luc-darcy-smith"
        );
        assert_eq!(pupil_id("Łukasz", "Wójcik"), "lukasz-wojcik");
        assert!(crate::validate::valid_pupil_id(&pupil_id(
            "Zoë",
            "O'Brien-Ng"
        )));
    }

    #[test]
    fn dates_years_statuses_and_needs_read_as_the_mis_writes_them() {
        assert_eq!(
            parse_date("14/03/2017"),
            NaiveDate::from_ymd_opt(2017, 3, 14)
        );
        assert_eq!(
            parse_date("4/3/2017 00:00"),
            NaiveDate::from_ymd_opt(2017, 3, 4)
        );
        assert_eq!(
            parse_date("2017-03-14"),
            NaiveDate::from_ymd_opt(2017, 3, 14)
        );
        assert_eq!(parse_date("31/02/2017"), None);
        assert_eq!(parse_date("14/03/17"), None);
        assert_eq!(parse_year("R"), Some(0));
        assert_eq!(parse_year("Reception"), Some(0));
        assert_eq!(parse_year("Year 4"), Some(4));
        assert_eq!(parse_year("Y11"), Some(11));
        assert_eq!(parse_year("N2"), None);
        assert_eq!(parse_status("EHC Plan"), Some(Status::E));
        assert_eq!(parse_status("SEN Support"), Some(Status::K));
        assert_eq!(parse_status("No Special Educational Need"), Some(Status::N));
        assert_eq!(parse_need("Specific Learning Difficulty"), Some(Need::Spld));
        assert_eq!(parse_need("autism"), Some(Need::Asd));
        assert_eq!(
            parse_need("Social, Emotional and Mental Health"),
            Some(Need::Semh)
        );
        assert_eq!(parse_need("semh"), Some(Need::Semh));
        assert_eq!(parse_need("dyspraxia"), None);
    }

    #[test]
    fn column_letters_run_past_z() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }

    #[test]
    fn a_title_line_a_bom_crlf_and_windows_1252_are_read() {
        let mut bytes = b"\xEF\xBB\xBFSEN Report 2026\r\n\r\nUPN,Legal Surname,Legal Forename,DOB,SEN Status,Primary Need,,\r\n".to_vec();
        bytes.extend_from_slice(b"C801200021001,Okafor,Amara,14/03/2017,SEN Support,\"Specific Learning Difficulty\",,\r\n");
        let read = read_pupils(&bytes, &[]).expect("reads");
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        assert_eq!(read.rows.len(), 1);
        assert_eq!(read.rows[0].row, 4);
        assert_eq!(read.rows[0].primary_need, Some(Need::Spld));
        let latin = b"Surname,Forename,DOB,SEN Status\nM\xfcller,Zo\xeb,01/02/2018,K\n";
        let read = read_pupils(latin, &[]).expect("reads");
        assert_eq!(read.rows[0].family, "Müller");
        assert_eq!(read.rows[0].given, "Zoë");
    }

    #[test]
    fn a_bad_cell_is_named_by_row_and_column_and_the_rest_still_read() {
        let csv = "UPN,Surname,Forename,DOB,SEN Status,Primary Need\n\
                   C801200021001,Okafor,Amara,14/03/2017,K,SPLD\n\
                   C801200021002,Begum,Aisha,31/02/2016,K,SLCN\n\
                   ,Kowalczyk,Filip,01/02/2016,K,Dyspraxia\n\
                   ,Osei,Ruby,01/02/2016,Maybe,ASD\n";
        let read = read_pupils(csv.as_bytes(), &[]).expect("reads");
        assert_eq!(read.rows.len(), 1);
        let shown: Vec<String> = read.errors.iter().map(ToString::to_string).collect();
        assert!(
            shown.iter().any(|e| e.starts_with("row 3, column A (UPN)")),
            "{shown:?}"
        );
        assert!(
            shown.iter().any(|e| e.starts_with("row 3, column D (DOB)")),
            "{shown:?}"
        );
        assert!(
            shown
                .iter()
                .any(|e| e.starts_with("row 4, column F (Primary Need)")),
            "{shown:?}"
        );
        assert!(
            shown
                .iter()
                .any(|e| e.starts_with("row 5, column E (SEN Status)")),
            "{shown:?}"
        );
    }

    #[test]
    fn the_same_header_twice_is_used_only_where_it_agrees() {
        let csv = "UPN,Surname,Forename,DOB,SEN Status,UPN\n\
                   C801200021001,Okafor,Amara,14/03/2017,K,C801200021001\n\
                   C801200021001,Okafor,Amara,14/03/2017,K,D801200019010\n";
        let read = read_pupils(csv.as_bytes(), &[]).expect("reads");
        assert_eq!(read.rows.len(), 1);
        assert_eq!(read.notes.len(), 1);
        assert!(
            read.errors[0].to_string().contains("row 3"),
            "{:?}",
            read.errors
        );
    }

    #[test]
    fn a_header_the_table_does_not_know_is_named_with_map() {
        let csv =
            "Pupil UPN,Surname,Forename,DOB,SEN Status\nC801200021001,Okafor,Amara,14/03/2017,K\n";
        let map = parse_map(&["upn=Pupil UPN".to_string()], false).expect("map");
        let read = read_pupils(csv.as_bytes(), &map).expect("reads");
        assert_eq!(read.rows[0].upn.as_deref(), Some("C801200021001"));
        assert!(parse_map(&["upm=Pupil UPN".to_string()], false).is_err());
    }
}

/// One way a pupil in the records differs from the MIS: field, records' value, MIS value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub field: &'static str,
    pub records: Option<String>,
    pub mis: Option<String>,
}

/// The fields compared between the records and the MIS (cli.md: status, primary need,
/// secondary need, date of birth, UPN; 0.3: given and family name, ignoring case and
/// surrounding spaces). `status` is the records' status as of `as_of`
/// (N when the pupil is not on the register then).
pub fn differences(p: &Pupil, m: &MisPupil, on_register: bool) -> Vec<Difference> {
    let status = if on_register { p.status } else { Status::N };
    let code = |s: Status| match s {
        Status::K => "K",
        Status::E => "E",
        Status::N => "N",
    };
    let mis_status = m.status.unwrap_or(Status::N);
    let mut out = Vec::new();
    let mut diff = |field, records: Option<String>, mis: Option<String>| {
        if records != mis {
            out.push(Difference {
                field,
                records,
                mis,
            });
        }
    };
    diff(
        "status",
        Some(code(status).to_string()),
        Some(code(mis_status).to_string()),
    );
    // Needs are compared where the MIS gives them for a pupil on its register.
    if mis_status != Status::N && status != Status::N {
        diff(
            "primary_need",
            p.primary_need.map(|n| n.code().to_string()),
            m.primary_need.map(|n| n.code().to_string()),
        );
        diff(
            "secondary_need",
            p.secondary_need.map(|n| n.code().to_string()),
            m.secondary_need.map(|n| n.code().to_string()),
        );
    }
    if let Some(d) = m.dob {
        diff("dob", Some(iso(p.dob)), Some(iso(d)));
    }
    if let Some(u) = &m.upn {
        diff("upn", p.upn.clone(), Some(u.clone()));
    }
    // Names are compared as a person would: case and surrounding spaces aside.
    let same = |a: &str, b: &str| a.trim().to_lowercase() == b.trim().to_lowercase();
    for (field, records, mis) in [
        ("given", &p.given, &m.given),
        ("family", &p.family, &m.family),
    ] {
        if !mis.trim().is_empty() && !same(records, mis) {
            out.push(Difference {
                field,
                records: Some(records.clone()),
                mis: Some(mis.clone()),
            });
        }
    }
    out
}

/// The records' pupils with a readable pupil.yaml, indexed the two ways an MIS row is
/// matched to one (cli.md): by UPN, else by given name, family name and date of birth,
/// ignoring case. Lookups are hashed, so matching 10,000 rows stays linear.
pub struct Pupils<'a> {
    pub all: Vec<(&'a str, &'a Pupil)>,
    by_upn: HashMap<String, usize>,
    by_name: HashMap<(String, String, chrono::NaiveDate), usize>,
}

impl<'a> Pupils<'a> {
    pub fn of(records: &'a Records) -> Pupils<'a> {
        let all: Vec<(&str, &Pupil)> = records
            .pupils
            .iter()
            .filter_map(|f| f.pupil.as_ref().map(|p| (f.id.as_str(), p)))
            .collect();
        let mut by_upn = HashMap::new();
        let mut by_name = HashMap::new();
        for (i, (_, p)) in all.iter().enumerate() {
            if let Some(u) = &p.upn {
                by_upn.entry(u.trim().to_ascii_uppercase()).or_insert(i);
            }
            by_name
                .entry(name_key(&p.given, &p.family, p.dob))
                .or_insert(i);
        }
        Pupils {
            all,
            by_upn,
            by_name,
        }
    }

    /// The records' pupil that an MIS row is: same UPN, else same given name, family name
    /// and date of birth.
    pub fn find(&self, m: &MisPupil) -> Option<(&'a str, &'a Pupil)> {
        let by_upn = m
            .upn
            .as_ref()
            .and_then(|u| self.by_upn.get(&u.to_ascii_uppercase()));
        let by_name = || {
            m.dob
                .and_then(|d| self.by_name.get(&name_key(&m.given, &m.family, d)))
        };
        by_upn.or_else(by_name).map(|&i| self.all[i])
    }

    /// The records' pupil with an MIS row's given name, family name and date of birth (for
    /// a row whose UPN cannot be trusted).
    pub fn find_by_name(&self, m: &MisPupil) -> Option<(&'a str, &'a Pupil)> {
        m.dob
            .and_then(|d| self.by_name.get(&name_key(&m.given, &m.family, d)))
            .map(|&i| self.all[i])
    }

    /// The records' pupil holding a UPN.
    pub fn with_upn(&self, upn: &str) -> Option<(&'a str, &'a Pupil)> {
        self.by_upn
            .get(&upn.trim().to_ascii_uppercase())
            .map(|&i| self.all[i])
    }
}

fn name_key(
    given: &str,
    family: &str,
    dob: chrono::NaiveDate,
) -> (String, String, chrono::NaiveDate) {
    (
        given.trim().to_lowercase(),
        family.trim().to_lowercase(),
        dob,
    )
}

/// The UPNs the export gives to more than one row, each with those rows' numbers.
pub fn shared_upns(rows: &[MisPupil]) -> BTreeMap<String, Vec<usize>> {
    let mut by: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for m in rows {
        if let Some(u) = &m.upn {
            by.entry(u.clone()).or_default().push(m.row);
        }
    }
    by.retain(|_, rows| rows.len() > 1);
    by
}

/// "rows 3 and 7", "rows 3, 5 and 8".
pub fn rows_list(rows: &[usize]) -> String {
    let n: Vec<String> = rows.iter().map(ToString::to_string).collect();
    match n.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("rows {} and {last}", rest.join(", ")),
        Some((last, _)) => format!("row {last}"),
        None => String::new(),
    }
}

pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    if !meta.is_file() {
        anyhow::bail!("`{}` is not a file", path.display());
    }
    if meta.len() > 64 << 20 {
        anyhow::bail!(
            "`{}` is larger than 64 MiB: is it the right file?",
            path.display()
        );
    }
    std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))
}
