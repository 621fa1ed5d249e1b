//! `sen init`: create a new records folder: a commented school.yaml that passes every
//! validity rule, `pupils/`, a `.gitignore` that keeps `out/` out of git, the JSON Schemas
//! editors use (`.schemas/`), and a few printed next steps.
//!
//! The school.yaml it writes names the school and the SENCO (so the `senco` rule's
//! `invalid` checks pass), has every other key present with a comment saying what to write,
//! and leaves each statutory section of the information report empty under its prompt, so
//! `sen check` then lists each one as `incomplete` until it is written.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::cli::InitArgs;
use crate::dates::iso;
use crate::model::SECTIONS;
use crate::schema::{self, SCHEMA_DIR};
use crate::settings::Ctx;
use crate::skeleton::{header, quote};

/// What `sen init` was told or asked.
struct Answers {
    school: String,
    senco: String,
    email: Option<String>,
    phone: Option<String>,
}

pub fn run(args: &InitArgs, ctx: &Ctx) -> Result<i32> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let school_file = dir.join("school.yaml");
    if school_file.exists() {
        bail!(
            "`{}` already has a school.yaml: sen init makes a new records folder and never writes over one\n  help: run `sen check` there, or give another folder: sen init DIR",
            dir.display()
        );
    }
    let answers = answers(args)?;
    let mut warnings = Vec::new();
    if let Some(w) = nested(ctx, &dir) {
        warnings.push(w);
    }
    write_files(&dir, &answers, ctx.as_of, &mut warnings)?;
    next_steps(args, &dir, &answers)?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    Ok(0)
}

/// A records folder inside another one would be read by the outer one as stray files.
fn nested(ctx: &Ctx, dir: &Path) -> Option<String> {
    let outer = std::path::absolute(ctx.root.as_ref()?).ok()?;
    let inner = std::path::absolute(dir).ok()?;
    inner.starts_with(&outer).then(|| {
        format!(
            "`{}` is inside the records folder `{}`: its files will be reported there as stray records; a school's records folder usually stands on its own",
            dir.display(),
            outer.display()
        )
    })
}

/// Write the new folder: school.yaml, pupils/, .gitignore, .schemas/ and .vscode/; a
/// .gitignore or VS Code file already there is left alone, with a warning.
fn write_files(
    dir: &Path,
    answers: &Answers,
    as_of: chrono::NaiveDate,
    warnings: &mut Vec<String>,
) -> Result<()> {
    let school_file = dir.join("school.yaml");
    std::fs::create_dir_all(dir.join("pupils"))
        .with_context(|| format!("cannot create `{}`", dir.join("pupils").display()))?;
    let text = school_yaml(answers, as_of);
    write_new(&school_file, &text)?;
    // Git keeps no empty folders; this keeps pupils/ in a fresh clone.
    let keep = dir.join("pupils/.gitkeep");
    if !keep.exists() {
        write_new(&keep, "")?;
    }
    let gitignore = dir.join(".gitignore");
    if gitignore.exists() {
        let has_out = std::fs::read_to_string(&gitignore)
            .map(|t| {
                t.lines()
                    .any(|l| matches!(l.trim(), "out/" | "out" | "/out" | "/out/"))
            })
            .unwrap_or(false);
        if !has_out {
            warnings.push(format!(
                "`{}` exists and does not ignore out/: add a line `out/`, since letters and reports hold personal data",
                gitignore.display()
            ));
        }
    } else {
        write_new(
            &gitignore,
            "# Letters, reports and calendars that sen writes hold personal data:\n# they are made from the records and never belong in git.\nout/\n",
        )?;
    }
    schema::write_all(&dir.join(SCHEMA_DIR))?;
    // VS Code: schemas for the YAML extension, the tasks, the extension to recommend. A file
    // already there is the school's own and is left alone.
    std::fs::create_dir_all(dir.join(".vscode"))
        .with_context(|| format!("cannot create `{}`", dir.join(".vscode").display()))?;
    for (name, text) in VSCODE_FILES {
        let path = dir.join(".vscode").join(name);
        if path.exists() {
            warnings.push(format!(
                "`{}` exists and was left as it is: see docs/editors.md for what sen would write there",
                path.display()
            ));
        } else {
            write_new(&path, text)?;
        }
    }
    Ok(())
}

/// What was made, and the next steps, on standard output.
fn next_steps(args: &InitArgs, dir: &Path, answers: &Answers) -> Result<()> {
    let shown = dir.display().to_string();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Created SEN records for {} in `{shown}`:",
        answers.school
    )?;
    for f in [
        "school.yaml",
        "pupils/",
        ".gitignore",
        ".schemas/  (so editors check records as you type)",
        ".vscode/   (VS Code: checking as you type, and sen's tasks under Terminal > Run Task)",
    ] {
        writeln!(out, "  {}", dir.join(f).display())?;
    }
    writeln!(out)?;
    writeln!(out, "Next steps:")?;
    let cd = if args.dir.is_some() {
        format!("cd {shown} && ")
    } else {
        String::new()
    };
    writeln!(
        out,
        "  1. {cd}git init && git add . && git commit -m \"SEN records\""
    )?;
    writeln!(
        out,
        "  2. Fill in school.yaml: the comment beside each key says what to write."
    )?;
    writeln!(
        out,
        "  3. sen check    lists what is still missing: each report section, and the report's publication"
    )?;
    writeln!(
        out,
        "  4. sen new pupil ID --given NAME --family NAME --dob YYYY-MM-DD    for each pupil on the SEN register"
    )?;
    Ok(())
}

/// The files `sen init` writes in `.vscode/` (docs/editors.md): the JSON Schemas for Red
/// Hat's YAML extension, the tasks a SENCO runs from Terminal > Run Task, and the extension
/// VS Code offers to install on opening the folder.
pub const VSCODE_FILES: [(&str, &str); 3] = [
    ("settings.json", VSCODE_SETTINGS),
    ("tasks.json", VSCODE_TASKS),
    ("extensions.json", VSCODE_EXTENSIONS),
];

const VSCODE_SETTINGS: &str = r#"{
  "yaml.schemas": {
    ".schemas/school.schema.json": "school.yaml",
    ".schemas/pupil.schema.json": "pupils/*/pupil.yaml",
    ".schemas/ehcp.schema.json": "pupils/*/ehcp.yaml",
    ".schemas/cycle.schema.json": "pupils/*/cycles/*.yaml",
    ".schemas/meeting.schema.json": "pupils/*/meetings/*.yaml",
    ".schemas/annual-review.schema.json": "pupils/*/annual-reviews/*.yaml"
  }
}
"#;

const VSCODE_EXTENSIONS: &str = r#"{
  "recommendations": ["redhat.vscode-yaml"]
}
"#;

/// The problem matcher reads `sen check --format line` (check.rs `line`).
pub const VSCODE_TASKS: &str = r#"{
  "version": "2.0.0",
  "tasks": [
    {
      "label": "sen: check the records",
      "type": "process",
      "command": "sen",
      "args": ["check", "--format", "line"],
      "group": { "kind": "test", "isDefault": true },
      "presentation": { "reveal": "always", "clear": true },
      "problemMatcher": {
        "owner": "sen",
        "source": "sen check",
        "fileLocation": ["relative", "${workspaceFolder}"],
        "pattern": {
          "regexp": "^(.+?):(\\d+):(\\d+): (error|warning|info): (\\S+ \\S+): (.*)$",
          "file": 1,
          "line": 2,
          "column": 3,
          "severity": 4,
          "code": 5,
          "message": 6
        }
      }
    },
    {
      "label": "sen: check one pupil",
      "type": "process",
      "command": "sen",
      "args": ["check", "--format", "line", "--pupil", "${input:pupil}"],
      "group": "test",
      "presentation": { "reveal": "always", "clear": true },
      "problemMatcher": {
        "owner": "sen",
        "source": "sen check",
        "fileLocation": ["relative", "${workspaceFolder}"],
        "pattern": {
          "regexp": "^(.+?):(\\d+):(\\d+): (error|warning|info): (\\S+ \\S+): (.*)$",
          "file": 1,
          "line": 2,
          "column": 3,
          "severity": 4,
          "code": 5,
          "message": 6
        }
      }
    },
    {
      "label": "sen: write the letters that are due (into out/)",
      "type": "process",
      "command": "sen",
      "args": ["letter", "--due"],
      "presentation": { "reveal": "always", "clear": true },
      "problemMatcher": []
    },
    {
      "label": "sen: information report as a printable page (out/information.html)",
      "type": "process",
      "command": "sen",
      "args": ["report", "information", "--format", "html", "--out", "out/information.html"],
      "presentation": { "reveal": "always", "clear": true },
      "problemMatcher": []
    },
    {
      "label": "sen: SEN register (out/register.html)",
      "type": "process",
      "command": "sen",
      "args": ["report", "register", "--format", "html", "--out", "out/register.html"],
      "presentation": { "reveal": "always", "clear": true },
      "problemMatcher": []
    }
  ],
  "inputs": [
    {
      "id": "pupil",
      "type": "promptString",
      "description": "The pupil's folder name under pupils/ (for example amara-okafor)"
    }
  ]
}
"#;

/// The options given, with anything missing asked for on a terminal. Off a terminal a
/// missing option is a usage error, so a script never hangs waiting for an answer.
fn answers(args: &InitArgs) -> Result<Answers> {
    let interactive = std::io::stdin().is_terminal();
    let missing: Vec<&str> = [
        ("--school", args.school.is_none()),
        ("--senco", args.senco.is_none()),
        (
            "--senco-email or --senco-phone",
            args.senco_email.is_none() && args.senco_phone.is_none(),
        ),
    ]
    .into_iter()
    .filter_map(|(n, m)| m.then_some(n))
    .collect();
    if !missing.is_empty() && !interactive {
        bail!(
            "sen init needs {}\n  help: sen init DIR --school \"Oakfield Primary School\" --senco \"Ms Priya Shah\" --senco-email senco@oakfield.example.org",
            missing.join(", ")
        );
    }
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut ask = |question: &str| -> Result<String> {
        eprint!("{question}: ");
        std::io::stderr().flush()?;
        let mut line = String::new();
        input.read_line(&mut line)?;
        Ok(line.trim().to_string())
    };
    let school = match &args.school {
        Some(s) => s.trim().to_string(),
        None => ask("The school's name")?,
    };
    let senco = match &args.senco {
        Some(s) => s.trim().to_string(),
        None => ask("The SENCO's name, e.g. Ms Priya Shah")?,
    };
    let (mut email, mut phone) = (
        args.senco_email.as_deref().map(|s| s.trim().to_string()),
        args.senco_phone.as_deref().map(|s| s.trim().to_string()),
    );
    if email.is_none() && phone.is_none() {
        let e = ask("The SENCO's email address (leave blank to give a phone number)")?;
        if e.is_empty() {
            phone = Some(ask("The SENCO's phone number")?);
        } else {
            email = Some(e);
        }
    }
    if school.is_empty() {
        bail!("the school's name is empty: give it with --school");
    }
    if senco.is_empty() {
        bail!("the SENCO's name is empty: give it with --senco");
    }
    let email = email.filter(|e| !e.is_empty());
    let phone = phone.filter(|p| !p.is_empty());
    if let Some(e) = &email
        && (!e.contains('@') || e.contains(char::is_whitespace))
    {
        bail!("`{e}` is not an email address\n  help: for example senco@oakfield.example.org");
    }
    if email.is_none() && phone.is_none() {
        bail!(
            "the SENCO needs an email address or a phone number (6.84: parents must be able to reach the SENCO)\n  help: give --senco-email or --senco-phone"
        );
    }
    Ok(Answers {
        school,
        senco,
        email,
        phone,
    })
}

fn or_null(v: &Option<String>) -> String {
    v.as_deref().map_or_else(|| "null".to_string(), quote)
}

/// The school.yaml of a new records folder, section by section: the school and its
/// SENCO (from the answers), the services parents are pointed to, the settings, the
/// provision catalogue and the information report's sections, each empty under its prompt.
fn school_yaml(a: &Answers, as_of: chrono::NaiveDate) -> String {
    let mut t = header("school.yaml", "school");
    t.push_str(&school_and_senco(a, as_of));
    t.push_str(SERVICES_AND_TERMS);
    t.push_str(&SETTINGS.replace("{appointed}", &iso(as_of)));
    t.push_str(PROVISIONS_AND_REPORT);
    for (i, s) in SECTIONS.iter().enumerate() {
        t.push_str(&format!("\n    # {} ({})\n", s.title, s.paragraph));
        for line in wrap(s.prompt, 86) {
            t.push_str(&format!("    # {line}\n"));
        }
        if i == 0 {
            t.push_str("    # For example:\n    #   kinds_of_sen: |\n    #     We provide for pupils with ...\n");
        }
        t.push_str(&format!("    {}:\n", s.key));
    }
    t
}

/// school.yaml's opening comment, `school:` and `senco:`, filled with the answers.
fn school_and_senco(a: &Answers, as_of: chrono::NaiveDate) -> String {
    format!(
        "# The school's SEN records: this file, and a folder for each pupil under pupils/.
# The comment beside each key says what to write; null means not yet known. Run `sen check`
# after each change: it lists what is still missing and what falls due.

school:
  name: {school}
  urn: null                   # the 6-digit Unique Reference Number, in quotes: \"100000\"
  local_authority: null       # the local authority, e.g. Salford
  phase: null                 # nursery | primary | middle | secondary | all-through | special | post-16
  address: []                 # address lines for letterheads: [\"1 Oak Lane\", \"Salford\", \"M1 1AA\"]
  phone: null                 # the school's phone number, in quotes: \"0161 000 0000\"
  website: null               # the school's website, e.g. https://oakfield.example.org
  pupils_on_roll: null        # every pupil on the school's roll, for the governors' report's shares

senco:                        # the SENCO: a qualified teacher designated as SENCO (6.84)
  name: {senco}
  email: {email}{email_pad}# the SENCO's email address; parents need an email or a phone
  phone: {phone}{phone_pad}# the SENCO's phone number, in quotes
  qualified_teacher: true     # the SENCO must be a qualified teacher (6.85): sen check refuses false
  appointed: {appointed}       # the date the SENCO took up the role: change it if that was earlier
  previously_senco_months: 0  # months as a SENCO before this appointment (6.85)
  qualification:              # the SENCO qualification: a new SENCO has three years from appointment (6.85)
    kind: npq-senco           # npq-senco (the NPQ for SENCOs, from 1 September 2024) | nasenco (the
                              # National Award: counts only if begun before 1 September 2024 and
                              # completed before 1 September 2027)
    started: null             # when the course began
    achieved: null            # the date it was achieved; null while in progress

",
        school = quote(&a.school),
        senco = quote(&a.senco),
        email = or_null(&a.email),
        email_pad = pad(&or_null(&a.email), 21),
        phone = or_null(&a.phone),
        phone_pad = pad(&or_null(&a.phone), 21),
        appointed = iso(as_of),
    )
}

/// school.yaml's `local_offer`, `iass` and `terms`, to fill in.
const SERVICES_AND_TERMS: &str = "local_offer: null             # the web address of the local authority's local offer (6.81)

iass:                         # the local SEND Information, Advice and Support Service (6.39)
  name: null                  # e.g. Salford SENDIASS
  phone: null                 # in quotes
  email: null
  website: null

terms:                        # the school's term dates, one line each; until they are here, sen uses
                              # Autumn 1 Sep-31 Dec, Spring 1 Jan-31 Mar, Summer 1 Apr-31 Jul
  # - { name: Autumn, start: 2026-09-03, end: 2026-12-18 }
  # - { name: Spring, start: 2027-01-05, end: 2027-03-26 }
  # - { name: Summer, start: 2027-04-12, end: 2027-07-21 }

";

/// school.yaml's `settings`, with the defaults; `{appointed}` is the day of `sen init`.
const SETTINGS: &str = "settings:                     # how sen check works; the defaults are shown
  due_within_days: 14         # how far ahead sen check lists what falls due
  new_cycle_within_days: 28   # a SEN support pupil's next cycle starts within this many days of a review
  share_record_within_days: 14  # a meeting's or review's record reaches parents within this many days
  transfer_years: [6, 11]     # NC years after which pupils change phase (9.179)
  suppress_below: 5           # published counts under this are shown as \"fewer than 5\"
  one_letter_per_address: false  # true: one letter to parents at the same address (\"Dear Mr and Mrs Okafor\")
  records_begin: {appointed}  # the day these records began (the day sen init ran): a duty that fell
                              # due before it and is not recorded as done asks for the date it was done
                              # instead of being overdue; move it earlier only if records go back further

";

/// school.yaml's `provisions` example and the head of `information_report`.
const PROVISIONS_AND_REPORT: &str = "provisions:                   # the provision catalogue, the school's provision map (6.76): one entry
                              # for each intervention; cycles refer to it by `ref: ID`
  # - id: lexia
  #   name: Lexia reading programme
  #   area: cognition-and-learning   # communication-and-interaction | cognition-and-learning |
  #                                  # social-emotional-mental-health | sensory-physical
  #   staff: teaching assistant
  #   group_size: 1
  #   sessions_per_week: 3
  #   minutes_per_session: 20
  #   cost_per_hour: 18.50           # pounds: the staff cost of one hour

information_report:           # the SEN information report the school publishes (6.79-6.81)
  published: null             # the date the current report went on the website; it is updated every year
  sections:                   # each is required: write it in Markdown after `key: |`, indented,
                              # as in the example under the first one; `sen report information` prints it
";

/// Spaces that bring a value of width `used` to column `to` (at least one).
fn pad(value: &str, to: usize) -> String {
    " ".repeat(to.saturating_sub(value.chars().count()).max(1))
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn write_new(path: &Path, text: &str) -> Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create `{}`", path.display()))?;
    f.write_all(text.as_bytes())
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::ymd;

    fn sample() -> String {
        school_yaml(
            &Answers {
                school: "Oakfield Primary School".into(),
                senco: "Ms Priya Shah".into(),
                email: Some("senco@oakfield.example.org".into()),
                phone: None,
            },
            ymd(2026, 11, 23),
        )
    }

    #[test]
    fn new_school_yaml_parses_with_every_section_empty() {
        let raw: crate::records::RawSchoolFile = crate::yaml::parse(&sample()).expect("parses");
        let sections = raw
            .information_report
            .and_then(|r| r.value.sections)
            .expect("sections");
        assert!(sections.value.kinds_of_sen.is_none());
        assert!(sections.value.accessibility_and_admissions.is_none());
        let senco = raw.senco.expect("senco").value;
        assert_eq!(senco.email.as_deref(), Some("senco@oakfield.example.org"));
        assert!(senco.phone.is_none());
        let begun = raw.settings.expect("settings").value.records_begin;
        assert_eq!(begun.map(|b| b.value).as_deref(), Some("2026-11-23"));
    }
}
