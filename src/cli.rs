//! The command line: every command and option, with the `--help` text in doc comments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Keep a school's SEN records as YAML in git, and check them against the SEND Code of
/// Practice.
///
/// Run `sen check` anywhere inside a records folder (the folder holding school.yaml).
#[derive(Debug, Parser)]
#[command(name = "sen", bin_name = "sen", version, about, max_term_width = 100)]
#[command(
    after_help = "Examples:\n  sen check\n  sen --records examples/oakfield --as-of 2026-11-23 check\n  sen letter notification amara-okafor\n  sen report information --out out/information.md"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The records folder (default: found by walking up from here to school.yaml).
    #[arg(long, global = true, value_name = "DIR", env = "SEN_RECORDS")]
    pub records: Option<PathBuf>,
    /// Check and render as on this day, YYYY-MM-DD (default: today).
    #[arg(long, global = true, value_name = "DATE", env = "SEN_AS_OF")]
    pub as_of: Option<String>,
    /// Colour in tables and messages; NO_COLOR in the environment means never.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Check(CheckArgs),
    Report(ReportArgs),
    Letter(LetterArgs),
    Init(InitArgs),
    New(NewArgs),
    Calendar(CalendarArgs),
    Import(ImportArgs),
    Census(CensusArgs),
    Schema(SchemaArgs),
    Serve(ServeArgs),
    Completions(CompletionsArgs),
    Man(ManArgs),
}

/// Check every record and list what is invalid, overdue, due soon, late, incomplete or
/// advised, each with the Code of Practice paragraph it rests on.
///
/// Exit status: 0 when nothing is invalid or overdue, 1 when something is, 2 for a usage
/// error or no records folder.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sen check\n  sen check --within 28 --kind overdue --kind due\n  sen check --pupil amara-okafor --format json"
)]
pub struct CheckArgs {
    /// Report what falls due within this many days (default: settings.due_within_days, 14).
    #[arg(long, value_name = "DAYS")]
    pub within: Option<u32>,
    /// Only this pupil (a folder name under pupils/); repeatable.
    #[arg(long, value_name = "ID")]
    pub pupil: Vec<String>,
    /// Only this rule, such as `cycle-review`; repeatable.
    #[arg(long, value_name = "ID")]
    pub rule: Vec<String>,
    /// Only this kind: invalid, overdue, late, due, incomplete or advice; repeatable.
    #[arg(long, value_name = "KIND")]
    pub kind: Vec<String>,
    /// `table` for a person, `json` for scripts, `line` for editors (one finding a line:
    /// `FILE:LINE:COL: SEVERITY: KIND RULE: MESSAGE`).
    #[arg(long, value_enum, default_value_t = FindingsFormat::Table)]
    pub format: FindingsFormat,
}

/// `sen check`'s formats: census's `CheckFormat` and `line`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FindingsFormat {
    Table,
    Json,
    Line,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Table,
    Json,
}

/// Render a report: the SEN information report (public), the SEN register or the costed
/// provision map (both confidential), the effectiveness of provision (confidential, names no
/// pupil) or the governors' report (small counts suppressed).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sen report information --out out/information.md\n  sen report register --format html --out out/register.html\n  sen report provision-map --from 2026-09-01 --to 2026-12-18\n  sen report pupil amara-okafor --format html --out out/amara-okafor.html\n  sen report passport --class \"5 Willow\" --format html --out out/passports-5-willow.html"
)]
pub struct ReportArgs {
    /// Which report.
    #[arg(value_enum, default_value_t = ReportKind::Information)]
    pub kind: ReportKind,
    /// Pupil, passport and inspection: the pupils (folder names under pupils/); the pupil
    /// report takes one, the inspection report the inspector's sample (none: the school only).
    #[arg(value_name = "PUPIL")]
    pub pupils: Vec<String>,
    /// Passport: every pupil on the register in this class.
    #[arg(long, value_name = "CLASS")]
    pub class: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// `markdown`, `html` for a standalone printable page, or `docx` for a Word document
    /// to edit (give `--out FILE.docx`).
    #[arg(long, value_enum, default_value_t = OutputFormat::Markdown)]
    pub format: OutputFormat,
    /// Render with this template instead of the built-in one (or the school's override).
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// Provision map, effectiveness, governors, pupil: the first day of the period (default:
    /// 1 September of the academic year; for a pupil, the start of the third term back).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Provision map, effectiveness, governors, pupil: the last day of the period (default:
    /// as-of).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Register: sort by `year` (then class and name), `class` or `name`.
    #[arg(long, value_name = "KEY", default_value = "year")]
    pub sort: String,
    /// Register and passport: only pupils in this NC year; repeatable.
    #[arg(long, value_name = "YEAR")]
    pub year: Vec<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportKind {
    Information,
    Register,
    ProvisionMap,
    Effectiveness,
    Governors,
    Pupil,
    Passport,
    Inspection,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Markdown,
    Html,
    Docx,
}

/// Write letters to parents: one per contact who receives letters, for each pupil named.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sen letter notification amara-okafor\n  sen letter review-invitation amara-okafor --date 2026-12-03\n  sen letter --due"
)]
pub struct LetterArgs {
    /// Which letter.
    #[arg(value_enum, required_unless_present = "due")]
    pub kind: Option<LetterKind>,
    /// The pupils (folder names under pupils/).
    #[arg(value_name = "PUPIL")]
    pub pupils: Vec<String>,
    /// Write every letter that a current overdue or due finding calls for.
    #[arg(long, conflicts_with_all = ["kind", "pupils"])]
    pub due: bool,
    /// Review invitation: the meeting date (default: the cycle's review_due).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Review and annual-review invitations and advice requests: the time of the meeting,
    /// 24-hour `HH:MM` (printed as "3.30pm").
    #[arg(long, value_name = "HH:MM")]
    pub time: Option<String>,
    /// Review and annual-review invitations and advice requests: where the meeting is (for
    /// example "the library"; default: the school).
    #[arg(long, value_name = "PLACE")]
    pub place: Option<String>,
    /// Folder to write into (default: out/letters under the records), or `-` for standard output.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Overwrite letters that already exist.
    #[arg(long)]
    pub force: bool,
    /// `markdown`, `html` for a printable A4 letter, or `docx` for a Word document to edit.
    #[arg(long, value_enum, default_value_t = OutputFormat::Markdown)]
    pub format: OutputFormat,
}

/// A kind of letter, as named on the command line: one row each in
/// `commands::letter::kinds::KINDS`, which says everything else about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LetterKind {
    Notification,
    ReviewInvitation,
    ReviewRecord,
    MeetingRecord,
    AnnualReviewInvitation,
    AdviceRequest,
}

/// Create a new records folder with a commented school.yaml, pupils/ and a .gitignore.
///
/// school.yaml names the school and the SENCO and explains every other key in a comment;
/// the information report's sections are left empty, so `sen check` lists each one until it
/// is written. Also writes `.schemas/`, the JSON Schemas editors use to check records as
/// you type. Refuses a folder that already has a school.yaml. Options left out are asked
/// for on a terminal.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  sen init oakfield --school \"Oakfield Primary School\" --senco \"Ms Priya Shah\" --senco-email senco@oakfield.example.org"
)]
pub struct InitArgs {
    /// The folder to create (default: the current folder).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The school's name.
    #[arg(long, value_name = "NAME")]
    pub school: Option<String>,
    /// The SENCO's name.
    #[arg(long, value_name = "NAME")]
    pub senco: Option<String>,
    /// The SENCO's email address.
    #[arg(long, value_name = "EMAIL")]
    pub senco_email: Option<String>,
    /// The SENCO's phone number.
    #[arg(long, value_name = "PHONE")]
    pub senco_phone: Option<String>,
}

/// Write a new record from a skeleton and print its path; never overwrites.
///
/// Files are named by their date (cycles/2026-09-15.yaml); the dates default to today (or
/// --as-of). Each file starts with a header that lets editors check it against its schema.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sen new pupil amara-okafor --given Amara --family Okafor --dob 2017-03-14\n  sen new cycle amara-okafor\n  sen new meeting amara-okafor --date 2026-10-05\n  sen new annual-review amara-okafor --meeting 2027-05-12"
)]
pub struct NewArgs {
    #[command(subcommand)]
    pub what: NewWhat,
}

#[derive(Debug, Subcommand)]
pub enum NewWhat {
    /// A new pupil: pupils/ID/pupil.yaml.
    #[command(
        after_help = "Example:\n  sen new pupil amara-okafor --given Amara --family Okafor --dob 2017-03-14"
    )]
    Pupil {
        /// The pupil's id: lowercase letters and digits joined by '-', e.g. amara-okafor.
        id: String,
        /// The pupil's given name, as on the school roll.
        #[arg(long, value_name = "NAME")]
        given: String,
        /// The pupil's family name.
        #[arg(long, value_name = "NAME")]
        family: String,
        /// Date of birth, YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        dob: String,
        /// The date SEN provision starts (default: today).
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
    /// A new assess-plan-do-review cycle, reviewed six weeks after it starts.
    #[command(after_help = "Example:\n  sen new cycle amara-okafor --date 2026-09-15")]
    Cycle {
        /// The pupil's id (their folder under pupils/).
        id: String,
        /// The day the cycle starts (default: today).
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
    /// A new meeting record.
    #[command(after_help = "Example:\n  sen new meeting amara-okafor --date 2026-10-05")]
    Meeting {
        /// The pupil's id (their folder under pupils/).
        id: String,
        /// The day of the meeting (default: today).
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
    /// A new EHC plan record: pupils/ID/ehcp.yaml (the assessment and the plan's issue date).
    #[command(after_help = "Example:\n  sen new ehcp amara-okafor")]
    Ehcp {
        /// The pupil's id (their folder under pupils/).
        id: String,
    },
    /// A new EHC plan annual review.
    #[command(after_help = "Example:\n  sen new annual-review amara-okafor --meeting 2027-05-12")]
    AnnualReview {
        /// The pupil's id (their folder under pupils/).
        id: String,
        /// The date of the review meeting.
        #[arg(long, value_name = "DATE")]
        meeting: String,
    },
}

/// Bring the SEN register in from the school's MIS (SIMS, Arbor, Bromcom, ScholarPack).
///
/// Reads a CSV export of the MIS's SEN report and writes pupils/ID/pupil.yaml for each
/// pupil on SEN support (K) or with an EHC plan (E) who is not in the records yet. A pupil
/// already in the records is never changed: how it differs from the MIS is listed instead.
/// Exit status: 0 when every row was used or skipped for a stated reason, 1 when a row could
/// not be read, 2 for a usage error.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sen import pupils sen-report.csv --dry-run\n  sen import pupils sen-report.csv --contacts contacts.csv\n  sen import pupils export.csv --map upn=\"Pupil UPN\""
)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub what: ImportWhat,
}

#[derive(Debug, Subcommand)]
pub enum ImportWhat {
    /// Pupils from the MIS's SEN report (one row a pupil).
    #[command(
        after_help = "Examples:\n  sen import pupils sen-report.csv --dry-run\n  sen import pupils sen-report.csv --contacts contacts.csv"
    )]
    Pupils {
        /// The CSV export.
        file: PathBuf,
        /// A CSV of contacts (one row a contact), added to the pupils this run creates.
        #[arg(long, value_name = "FILE")]
        contacts: Option<PathBuf>,
        /// Name a column sen does not recognise: KEY=HEADER, such as upn="Pupil UPN".
        #[arg(long, value_name = "KEY=HEADER")]
        map: Vec<String>,
        /// Show what would be written, and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Compare the SEN register in the records with the MIS export before census day (6.83).
///
/// Lists each pupil who is on the register (K or E) on one side and not on the other, and
/// each difference in status, primary need, secondary need, date of birth, given or family
/// name, or UPN, and each UPN the export gives to more than one row. Exit status: 0 when
/// they agree, 1 when they differ, 2 for a usage error.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sen census sen-report.csv\n  sen census sen-report.csv --format json"
)]
pub struct CensusArgs {
    /// The CSV export of the MIS's SEN report (as for `sen import pupils`).
    pub file: PathBuf,
    /// Name a column sen does not recognise: KEY=HEADER.
    #[arg(long, value_name = "KEY=HEADER")]
    pub map: Vec<String>,
    /// `table` for a person, `json` for scripts.
    #[arg(long, value_enum, default_value_t = CheckFormat::Table)]
    pub format: CheckFormat,
}

/// Write an iCalendar file of everything due or overdue over the next 365 days.
///
/// One all-day event for each `due` or `overdue` finding, named by pupil and rule; an
/// overdue one sits on the day it was due. Exporting unchanged records gives the same file,
/// so a calendar that subscribes to it updates its events rather than duplicating them.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  sen calendar --out out/sen.ics")]
pub struct CalendarArgs {
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Print the JSON Schema of each record file, for editors that check YAML as you type.
///
/// Without FILE, prints one JSON object holding every schema, keyed by file name.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  sen schema --out-dir .schemas\n  sen schema cycle")]
pub struct SchemaArgs {
    /// Only this file's schema: school, pupil, cycle, meeting, ehcp, annual-review.
    #[arg(value_name = "FILE")]
    pub file: Option<String>,
    /// Write one `NAME.schema.json` per record file into this folder.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// Show the records in a web browser, on this computer only.
///
/// Starts a web server on 127.0.0.1, prints the one address to open (it carries a key that
/// lets only this browser in) and opens the browser there. Stop it with Ctrl+C.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  sen serve\n  sen serve --port 8080 --no-open --read-only")]
pub struct ServeArgs {
    /// The port to listen on (default: a free one).
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// Do not open the browser; only print the address.
    #[arg(long)]
    pub no_open: bool,
    /// Refuse every change: the pages only show.
    #[arg(long)]
    pub read_only: bool,
}

/// Print shell completions.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  sen completions bash > ~/.local/share/bash-completion/completions/sen"
)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Print the man page.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  sen man > sen.1")]
pub struct ManArgs {}
