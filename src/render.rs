//! Rendering: the one minijinja environment that reports and letters share, its filters,
//! Markdown to printable HTML, and the atomic writing of outputs.
//!
//! Templates are embedded in the binary and compiled once per run; a school overrides any of
//! them one file at a time from the records' `templates/` folder, and `--template FILE`
//! replaces the main template for one run. Templates see only the view structs of
//! [`crate::views`], cannot read files or the environment, and stop with an error when a
//! name is undefined or when they run too long (fuel).

use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use chrono::NaiveDate;
use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior, Value};
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::dates;

/// The built-in templates of the reports and the partials: (name, source); the letters' are
/// in `commands::letter::kinds::KINDS`. A file of the same name in the records'
/// `templates/` folder replaces one.
pub const BUILTIN: [(&str, &str); 12] = [
    (
        "governors.md.j2",
        include_str!("../templates/governors.md.j2"),
    ),
    (
        "effectiveness.md.j2",
        include_str!("../templates/effectiveness.md.j2"),
    ),
    (
        "inspection.md.j2",
        include_str!("../templates/inspection.md.j2"),
    ),
    (
        "information.md.j2",
        include_str!("../templates/information.md.j2"),
    ),
    (
        "register.md.j2",
        include_str!("../templates/register.md.j2"),
    ),
    (
        "provision-map.md.j2",
        include_str!("../templates/provision-map.md.j2"),
    ),
    ("pupil.md.j2", include_str!("../templates/pupil.md.j2")),
    (
        "passport.md.j2",
        include_str!("../templates/passport.md.j2"),
    ),
    (
        "_letterhead.md.j2",
        include_str!("../templates/_letterhead.md.j2"),
    ),
    (
        "_letter_end.md.j2",
        include_str!("../templates/_letter_end.md.j2"),
    ),
    ("_words.md.j2", include_str!("../templates/_words.md.j2")),
    (
        "_report_head.md.j2",
        include_str!("../templates/_report_head.md.j2"),
    ),
];

/// How much work one render may do before it is stopped as a runaway. minijinja's fuel is
/// one unit per instruction and one per 64 bytes of data a template makes (strings, lists,
/// captured output, a macro's result), checked before a known-size value is made; so it
/// bounds memory as well as time: 4 million is at most about 256 MB of template data, while
/// the largest built-in report on a 10,000-pupil school (the provision map) uses 2.1 million.
/// What fuel does not see (minijinja walking a lazily joined list item by item) is stopped
/// by [`Watchdog`] after [`MAX_RENDER`].
pub const FUEL: u64 = 4_000_000;

/// The compiled templates of one run.
pub struct Renderer {
    env: Environment<'static>,
    /// The name `--template FILE` was registered under, if given.
    one_off: Option<String>,
    /// Whether a render past [`MAX_RENDER`] ends the process (the command line), or is
    /// left to its caller's own time limit (`sen serve`, which must keep serving).
    exit_on_overrun: bool,
}

impl Renderer {
    /// Compile every built-in template, replaced by the school's file of the same name in
    /// `ROOT/templates/` where there is one, and `one_off` (`--template FILE`) if given.
    pub fn new(root: Option<&Path>, one_off: Option<&Path>) -> Result<Renderer> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_fuel(Some(FUEL));
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .keep_trailing_newline(true)
                .build()
                .map_err(|e| template_error(&e))?,
        );
        // Markdown is not HTML: HTML escaping happens when Markdown becomes HTML. What a
        // template interpolates from the records is Markdown-escaped here instead, so a
        // name or a note can never become a heading, a link or a fake line of a letter;
        // filters that build Markdown themselves return safe values.
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        env.set_formatter(|out, state, value| match value.as_str() {
            Some(text) if !value.is_safe() => out
                .write_str(&md_escape(text))
                .map_err(|_| Error::new(ErrorKind::WriteFailure, "cannot write output")),
            _ => minijinja::escape_formatter(out, state, value),
        });
        add_filters(&mut env);
        let school_dir = root.map(school_templates).transpose()?.flatten();
        let letters = crate::commands::letter::kinds::KINDS
            .iter()
            .map(|k| (format!("{}.md.j2", k.id), k.template));
        let builtins = BUILTIN.iter().map(|(n, t)| (n.to_string(), *t));
        for (name, builtin) in builtins.chain(letters) {
            let source = match &school_dir {
                Some(dir) => read_template(&dir.join(&name), &format!("templates/{name}"))?,
                None => None,
            };
            let source = source.unwrap_or_else(|| builtin.to_string());
            env.add_template_owned(name, source)
                .map_err(|e| template_error(&e))?;
        }
        let mut name = None;
        if let Some(file) = one_off {
            let shown = file.display().to_string();
            let source = read_template(file, &shown)?
                .ok_or_else(|| anyhow!("cannot read template `{shown}`: there is no such file"))?;
            env.add_template_owned(shown.clone(), source)
                .map_err(|e| template_error(&e))?;
            name = Some(shown);
        }
        Ok(Renderer {
            env,
            one_off: name,
            exit_on_overrun: true,
        })
    }

    /// The same renderer for a server: the watchdog never ends the process for its
    /// renders; the caller waits for a render only so long and answers with an error.
    pub fn for_server(mut self) -> Renderer {
        self.exit_on_overrun = false;
        self
    }

    /// Render the template `name` (or the `--template` file, when given) with `view`.
    pub fn render<S: Serialize>(&self, name: &str, view: &S) -> Result<String> {
        let name = self.one_off.as_deref().unwrap_or(name);
        let tmpl = self
            .env
            .get_template(name)
            .map_err(|e| template_error(&e))?;
        let mut out = Capped::default();
        let _watched = self.exit_on_overrun.then(|| Watchdog::watch(name));
        match tmpl.render_captured_to(Value::from(minijinja::value::Serde(view)), &mut out) {
            Ok(_) => String::from_utf8(out.buf)
                .map_err(|_| anyhow!("template `{name}` wrote text that is not UTF-8")),
            Err(_) if out.over => bail!(
                "template `{name}` wrote more than {} MiB and was stopped (a loop that repeats too much?)\n  help: docs/templates.md lists every variable and filter a template can use",
                MAX_OUTPUT >> 20
            ),
            Err(e) => Err(template_error(&e)),
        }
    }
}

/// The longest one render may run (wall clock) before `sen` stops: a built-in report on a
/// 10,000-pupil school renders in well under a second.
pub const MAX_RENDER: std::time::Duration = std::time::Duration::from_secs(10);

/// The renders under way, each with its template's name and when it began, looked at by one
/// thread that ends the run (exit 2, naming the template) when one runs past
/// [`MAX_RENDER`]. minijinja cannot be interrupted from outside, and a render writes nothing
/// to disk (outputs are written whole, after rendering), so ending the process leaves no
/// half-written file.
struct Watchdog {
    id: u64,
}

type Watched = std::sync::Mutex<Vec<(u64, String, std::time::Instant)>>;

impl Watchdog {
    fn renders() -> &'static Watched {
        static RENDERS: std::sync::OnceLock<Watched> = std::sync::OnceLock::new();
        RENDERS.get_or_init(|| {
            std::thread::spawn(|| {
                loop {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    let late = Watchdog::renders()
                        .lock()
                        .ok()
                        .and_then(|r| {
                            r.iter()
                                .find(|(_, _, t)| t.elapsed() > MAX_RENDER)
                                .map(|(_, n, _)| n.clone())
                        });
                    if let Some(name) = late {
                        eprintln!(
                            "error: template `{}` ran for more than {} seconds and was stopped (a loop or a list that grows without end?)\n  help: docs/templates.md lists every variable and filter a template can use",
                            crate::yaml::printable(&name),
                            MAX_RENDER.as_secs()
                        );
                        std::process::exit(2);
                    }
                }
            });
            std::sync::Mutex::new(Vec::new())
        })
    }

    /// Watch one render of `name` until the guard is dropped.
    fn watch(name: &str) -> Watchdog {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut r) = Watchdog::renders().lock() {
            r.push((id, name.to_string(), std::time::Instant::now()));
        }
        Watchdog { id }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        if let Ok(mut r) = Watchdog::renders().lock() {
            r.retain(|(id, _, _)| *id != self.id);
        }
    }
}

/// The most one render may write: a register of tens of thousands of pupils is a few MiB, so
/// this only ever stops a runaway school template before it exhausts memory.
pub const MAX_OUTPUT: usize = 64 << 20;

/// The largest template file read; the built-in ones are a few KiB.
pub const MAX_TEMPLATE: u64 = 1 << 20;

/// Output that refuses to grow past [`MAX_OUTPUT`].
#[derive(Default)]
struct Capped {
    buf: Vec<u8>,
    over: bool,
}

impl Write for Capped {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.buf.len() + data.len() > MAX_OUTPUT {
            self.over = true;
            return Err(std::io::Error::other("template output too large"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The school's `templates/` folder, if it has one. It must be a real folder inside the
/// records: a link could bring another pupil's record, or anything on the machine, into a
/// letter.
fn school_templates(root: &Path) -> Result<Option<PathBuf>> {
    let dir = root.join("templates");
    match fs::symlink_metadata(&dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).context("cannot read the folder `templates/`"),
        Ok(m) if m.file_type().is_symlink() => bail!(
            "`templates/` is a symbolic link; sen reads school templates only from a real folder inside the records\n  help: replace the link with a folder holding the templates themselves"
        ),
        Ok(m) if !m.is_dir() => bail!(
            "`templates` is not a folder\n  help: school templates go in a folder `templates/` beside school.yaml"
        ),
        Ok(_) => Ok(Some(dir)),
    }
}

/// Read a file a person put in place for `sen` to use (a template, a logo): `None` when
/// there is none. It must be a regular file, not a link (it is opened without following
/// one), and not larger than `max` bytes; anything else is an error that names it as
/// `shown`.
pub fn read_private_input(path: &Path, shown: &str, max: u64) -> Result<Option<Vec<u8>>> {
    let meta = match fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read `{shown}`")),
        Ok(m) => m,
    };
    if meta.file_type().is_symlink() {
        bail!(
            "`{shown}` is a symbolic link; sen does not follow links to what it reads into letters and reports\n  help: put the file itself there"
        );
    }
    if !meta.is_file() {
        bail!("`{shown}` is not a regular file\n  help: put an ordinary file there");
    }
    if meta.len() > max {
        bail!(
            "`{shown}` is {} bytes, more than the {} sen reads\n  help: is it the right file?",
            meta.len(),
            max
        );
    }
    let mut o = fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Refuse a link swapped in after the check above.
        o.custom_flags(libc::O_NOFOLLOW);
    }
    let file = o
        .open(path)
        .with_context(|| format!("cannot read `{shown}`"))?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(file, max + 1), &mut bytes)
        .with_context(|| format!("cannot read `{shown}`"))?;
    if bytes.len() as u64 > max {
        bail!("`{shown}` grew past {max} bytes while being read");
    }
    Ok(Some(bytes))
}

/// A template file as text (see [`read_private_input`]).
fn read_template(path: &Path, shown: &str) -> Result<Option<String>> {
    read_private_input(path, shown, MAX_TEMPLATE)?
        .map(|b| {
            String::from_utf8(b).map_err(|_| {
                anyhow!("template `{shown}` is not UTF-8 text\n  help: save it as UTF-8")
            })
        })
        .transpose()
}

/// A template error as `sen` reports it: the template's name and line, then what went wrong.
pub fn template_error(e: &Error) -> anyhow::Error {
    let name = e.name().unwrap_or("template");
    let what = match (e.kind(), e.detail()) {
        (ErrorKind::UndefinedError, Some(d)) => format!("undefined value: {d}"),
        (ErrorKind::UndefinedError, None) => {
            "undefined value (a misspelt variable or field?)".to_string()
        }
        (ErrorKind::OutOfFuel, _) => {
            "the template did too much work or built too much text and was stopped (a loop that never ends, or text or a list that doubles?)".to_string()
        }
        (k, Some(d)) => format!("{k}: {d}"),
        (k, None) => k.to_string(),
    };
    let place = match e.line() {
        Some(l) => format!("template `{name}` line {l}"),
        None => format!("template `{name}`"),
    };
    anyhow!(
        "{place}: {what}\n  help: docs/templates.md lists every variable and filter a template can use"
    )
}

fn add_filters(env: &mut Environment<'static>) {
    env.add_filter("uk_date", uk_date);
    env.add_filter("money", money);
    env.add_filter("cell", |v: &str| Value::from_safe_string(cell(v)));
    env.add_filter("lines", |v: Vec<String>| Value::from_safe_string(lines(v)));
    env.add_filter("url", |v: &str| Value::from_safe_string(url(v)));
    env.add_filter("plural", plural);
    env.add_filter("prose", |v: &str, indent: usize| {
        Value::from_safe_string(prose(v, indent))
    });
}

/// `{{ "2026-11-22" | uk_date }}` -> "22 November 2026". Takes an ISO date string.
pub fn uk_date(value: &str) -> Result<String, Error> {
    dates::parse(value).map(dates::uk).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("uk_date: `{value}` is not a YYYY-MM-DD date"),
        )
    })
}

/// `{{ 123450 | money }}` -> "£1,234.50". Takes a whole number of pence.
pub fn money(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let p = pence.unsigned_abs();
    let pounds = (p / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in pounds.chars().enumerate() {
        if i > 0 && (pounds.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}£{grouped}.{:02}", p % 100)
}

/// `{{ text | cell }}`: text made safe for one cell of a Markdown table (Markdown escaped,
/// `|` escaped, line breaks turned into spaces).
pub fn cell(value: &str) -> String {
    md_escape(&value.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// `{{ address | lines }}`: a list of lines as a Markdown block with a line break after each
/// line but the last, each line escaped.
pub fn lines(value: Vec<String>) -> String {
    value
        .iter()
        .map(|l| md_escape(l.trim()))
        .collect::<Vec<_>>()
        .join("  \n")
}

/// `{{ school.website | url }}`: a link printed once, as `<https://...>`, when the text is
/// one plain web address; anything else is shown as escaped text, never as a link.
pub fn url(value: &str) -> String {
    let v = value.trim();
    let plain = (v.starts_with("https://") || v.starts_with("http://"))
        && !v
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '\\' | '`'));
    if plain {
        format!("<{v}>")
    } else {
        md_escape(v)
    }
}

/// Record text as Markdown that shows exactly that text, read as a person types free text
/// (0.3): a line that starts with "- " is a bullet, a blank line starts a new paragraph, and
/// any other line break joins its line to the one before (the break of a wrapped line in the
/// YAML). Text of one line is never a list. Every character Markdown could read as markup
/// is backslash-escaped, the marks that only count at the start of a line (`-`, `+`, `=`,
/// `1.`) are escaped there, and control characters are dropped. The same as
/// [`prose`] at the margin.
pub fn md_escape(text: &str) -> String {
    prose(text, 0)
}

/// `{{ text | prose(4) }}`: free text as [`md_escape`] reads it, for a place indented by
/// `indent` spaces (the text of a nested list item), so its later paragraphs and bullets
/// stay inside that item. A list starts on a line of its own, after a blank line, so a
/// value printed after a label ("**What helps.** ...") that begins with a bullet still
/// makes a list.
pub fn prose(text: &str, indent: usize) -> String {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    if let [one] = lines.as_slice() {
        return escape_line(one);
    }
    enum Block {
        Para(String),
        Item(String),
    }
    let mut blocks: Vec<Block> = Vec::new();
    // Whether the next plain line continues the last block (no blank line since).
    let mut open = false;
    for line in lines {
        let t = line.trim();
        if t.is_empty() {
            open = false;
            continue;
        }
        if let Some(item) = t.strip_prefix("- ").or((t == "-").then_some("")) {
            blocks.push(Block::Item(item.trim().to_string()));
            open = true;
            continue;
        }
        match blocks.last_mut() {
            Some(Block::Para(p) | Block::Item(p)) if open => {
                if !p.is_empty() {
                    p.push(' ');
                }
                p.push_str(t);
            }
            _ => {
                blocks.push(Block::Para(t.to_string()));
                open = true;
            }
        }
    }
    let pad = " ".repeat(indent);
    let mut out = String::with_capacity(text.len() + 16);
    let mut after_item = false;
    for (i, b) in blocks.iter().enumerate() {
        match b {
            Block::Para(t) => {
                if i > 0 {
                    out.push_str("\n\n");
                    out.push_str(&pad);
                }
                out.push_str(&escape_line(t));
                after_item = false;
            }
            Block::Item(t) => {
                out.push_str(if after_item { "\n" } else { "\n\n" });
                out.push_str(&pad);
                out.push_str("- ");
                out.push_str(&escape_line(t));
                after_item = true;
            }
        }
    }
    out
}

/// One line of record text escaped so Markdown shows exactly it (see [`md_escape`]).
fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let line = line.strip_suffix('\r').unwrap_or(line);
    // Four spaces would start a code block: an indent that deep is dropped.
    let line = if line.len() - line.trim_start().len() >= 4 {
        line.trim_start()
    } else {
        line
    };
    let indent = line.len() - line.trim_start().len();
    let body = &line[indent..];
    let digits = body.chars().take_while(char::is_ascii_digit).count();
    let spaced = |k: usize| body[k..].chars().next().is_none_or(char::is_whitespace);
    // A list item (`- x`, `+ x`, `1. x`) or a line of only `-` or `=` (a rule, or an
    // underline that makes the line above a heading).
    let marker = (body.starts_with(['-', '+']) && spaced(1))
        || (!body.is_empty() && body.chars().all(|c| matches!(c, '-' | '=' | ' ' | '\t')));
    let numbered = digits > 0 && body[digits..].starts_with(['.', ')']) && spaced(digits + 1);
    for (j, c) in line.char_indices() {
        if c.is_control() && c != '\t' {
            continue;
        }
        let at_start = j == indent && marker;
        let list_number = numbered && j == indent + digits;
        if at_start
            || list_number
            || matches!(
                c,
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~' | '#' | '!'
            )
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `{{ n | plural("pupil", "pupils") }}` -> "1 pupil", "3 pupils".
pub fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Format a date for the views: ISO, which the `uk_date` filter reads.
pub fn iso(d: NaiveDate) -> String {
    dates::iso(d)
}

/// The A4 print stylesheet of every HTML page. Links print once: the address is in the
/// text (a bare address) or written after the link text by [`html_body`].
const STYLE: &str = r#"@page { size: A4; margin: 20mm 18mm; }
html { font-family: "Helvetica Neue", Arial, sans-serif; font-size: 11pt; line-height: 1.45; color: #111; }
body { max-width: 174mm; margin: 0 auto; padding: 12mm 0; }
h1 { font-size: 18pt; margin: 0 0 6pt; }
h2 { font-size: 14pt; margin: 16pt 0 4pt; break-after: avoid; }
h3 { font-size: 12pt; margin: 12pt 0 4pt; break-after: avoid; }
p, li { orphans: 3; widows: 3; }
table { border-collapse: collapse; width: 100%; margin: 8pt 0; font-size: 9.5pt; }
th, td { border: 0.5pt solid #888; padding: 3pt 4pt; text-align: left; vertical-align: top; }
th { background: #eee; font-size: 9pt; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
hr { border: 0; border-top: 0.5pt solid #888; margin: 12pt 0; }
a { color: inherit; }
main + main { break-before: page; border-top: 1px dashed #999; margin-top: 12mm; padding-top: 12mm; }
figure.chart { margin: 1em 0; break-inside: avoid; }
figure.chart svg { max-width: 100%; height: auto; }
@media print { body { padding: 0; } main + main { border-top: none; margin-top: 0; padding-top: 0; } }
"#;

/// Wide reports (the register, the provision map) print landscape.
const LANDSCAPE: &str = "@page { size: A4 landscape; }\nbody { max-width: 261mm; }\n";

/// A report's pages are numbered at the foot.
const NUMBERED: &str = "@page { @bottom-right { content: \"Page \" counter(page) \" of \" counter(pages); font-size: 8pt; color: #555; } }\n";

/// A letter is the school's stationery: the letterhead (and logo) at the top, the
/// addressee where a DL window envelope shows it (about 50 mm from the top and 20 mm from
/// the left edge of the sheet, folded in three), "Private and confidential", the date, room
/// to sign, and from page 2 the pupil's name and the page number.
const LETTER: &str = r#"@page { margin: 15mm 18mm 14mm 20mm; @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; color: #555; } }
@page :first { @bottom-right { content: none; } @top-right { content: none; } }
main.letter { font-size: 10pt; line-height: 1.3; }
main.letter h2 { font-size: 10.5pt; margin: 7pt 0 2pt; }
main.letter p, main.letter ul { margin: 0 0 5pt; }
main.letter li { margin: 0; }
.letterhead { height: 29mm; display: flex; align-items: flex-start; justify-content: space-between; gap: 6mm; }
main.letter .letterhead img { max-height: 26mm; max-width: 55mm; }
main.letter .letterhead p { margin: 0 0 0 auto; text-align: right; font-size: 8.5pt; line-height: 1.3; }
main.letter .letterhead strong { font-size: 13pt; line-height: 1.5; }
.address { height: 33mm; width: 90mm; overflow: hidden; }
main.letter .address p { margin: 0; }
main.letter .address p:first-child { font-size: 8pt; font-weight: bold; letter-spacing: 0.04em; text-transform: uppercase; margin-bottom: 2mm; }
main.letter .date p { margin: 0 0 4mm; }
.sign { height: 10mm; }
main.letter hr { margin: 6pt 0; }
main.letter hr ~ p, main.letter hr ~ ul { font-size: 8pt; line-height: 1.25; margin-bottom: 2pt; }
@media screen { .address { outline: 1px dotted #bbb; } }
"#;

/// Where a letter's template marks the parts of its page (an HTML comment on a line of its
/// own, which record text cannot produce: [`md_escape`] escapes `<`). HTML turns them into
/// the boxes [`LETTER`] places; Markdown and Word drop them ([`strip_marks`]), but for the
/// signature space, which Word keeps as blank lines.
const MARKS: [(&str, &str); 5] = [
    ("<!-- sen:letterhead -->", "<div class=\"letterhead\">"),
    ("<!-- sen:address -->", "<div class=\"address\">"),
    ("<!-- sen:date -->", "<div class=\"date\">"),
    ("<!-- sen:end -->", "</div>"),
    ("<!-- sen:sign -->", "<div class=\"sign\"></div>"),
];

/// The mark of the space left to sign a letter.
pub const SIGN_MARK: &str = "<!-- sen:sign -->";

/// A letter's Markdown without its layout marks: what `--format markdown` writes.
pub fn strip_marks(markdown: &str) -> String {
    if !markdown.contains("<!-- sen:") {
        return markdown.to_string();
    }
    let mut out = String::with_capacity(markdown.len());
    let mut blank = true; // at the start, as after a blank line
    for line in markdown.split_inclusive('\n') {
        if MARKS.iter().any(|(m, _)| line.trim() == *m) {
            continue;
        }
        // The blank lines around a mark fold into one.
        let is_blank = line.trim().is_empty();
        if is_blank && blank {
            continue;
        }
        blank = is_blank;
        out.push_str(line);
    }
    out
}

/// How a document's pages are laid out on A4 (HTML and Word).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A4 portrait, pages numbered.
    Portrait,
    /// A4 landscape (the register, the provision map), pages numbered.
    Landscape,
    /// A letter: the school's stationery on the first page; from page 2 the pupil's name
    /// and the page number.
    Letter,
}

/// What a school prints its letters on: its logo, if the records hold one
/// (`templates/logo.png` or `templates/logo.svg`), embedded in the page, never linked.
#[derive(Debug, Clone, Default)]
pub struct Stationery {
    /// The logo's media type and bytes.
    pub logo: Option<(&'static str, Vec<u8>)>,
}

/// The largest logo sen reads: a letterhead image, not a photograph.
const MAX_LOGO: u64 = 1024 * 1024;

impl Stationery {
    /// The school's stationery from the records' `templates/` folder.
    pub fn of(root: &Path) -> Result<Stationery> {
        for (name, mime) in [("logo.png", "image/png"), ("logo.svg", "image/svg+xml")] {
            let path = root.join("templates").join(name);
            let shown = format!("templates/{name}");
            if let Some(bytes) = read_private_input(&path, &shown, MAX_LOGO)? {
                return Ok(Stationery {
                    logo: Some((mime, bytes)),
                });
            }
        }
        Ok(Stationery::default())
    }

    fn logo_html(&self) -> String {
        use base64::Engine;
        match &self.logo {
            // An image element shows a picture and runs nothing: an SVG's scripts and
            // links are inert there.
            Some((mime, bytes)) => format!(
                "<img src=\"data:{mime};base64,{}\" alt=\"\">",
                base64::engine::general_purpose::STANDARD.encode(bytes)
            ),
            None => String::new(),
        }
    }
}

/// The warning for a logo that cannot be used: what is wrong with it, that the letters go
/// without it, and its help.
pub fn without_logo(e: &anyhow::Error) -> String {
    let text = format!("{e:#}");
    let (what, help) = text.split_once("\n  help: ").unwrap_or((&text, ""));
    let mut out = format!("{what}; the letters are written without the logo");
    if !help.is_empty() {
        out.push_str("\n  help: ");
        out.push_str(help);
    }
    crate::yaml::printable(&out).into_owned()
}

/// A CSS string literal of `text`: every character but letters, digits and spaces
/// escaped, so record text cannot end the string or the style sheet.
fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        if c.is_alphanumeric() || c == ' ' {
            out.push(c);
        } else {
            out.push_str(&format!("\\{:x} ", u32::from(c)));
        }
    }
    out.push('"');
    out
}

fn page(title: &str, extra_css: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{STYLE}{extra_css}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape_html(title)
    )
}

/// A standalone, printable A4 HTML page from Markdown. Raw HTML in the Markdown (which may
/// come from a record) becomes visible text, images become their description, and links
/// other than http(s) and mailto lose their target, so a record cannot inject markup.
pub fn html_page(title: &str, markdown: &str) -> String {
    html_report(
        title,
        &[Part::Markdown(markdown.to_string())],
        Layout::Portrait,
    )
}

/// One printable HTML document holding several Markdown texts, each starting on a new page
/// (passports).
pub fn html_document(title: &str, markdowns: &[&str]) -> String {
    let mut pages = String::new();
    for md in markdowns {
        pages.push_str("<main>\n");
        pages.push_str(&html_body(md));
        pages.push_str("</main>\n");
    }
    page(title, NUMBERED, &pages)
}

/// A piece of a printable page: Markdown (record text escaped as in [`html_page`]), or an
/// SVG chart that sen drew itself (never record text unescaped).
#[derive(Debug, Clone)]
pub enum Part {
    Markdown(String),
    Svg(String),
}

/// One printable HTML report: Markdown with charts between its parts, portrait or
/// landscape, its pages numbered.
pub fn html_report(title: &str, parts: &[Part], layout: Layout) -> String {
    let body = main_of(parts);
    let css = match layout {
        Layout::Landscape => format!("{LANDSCAPE}{NUMBERED}"),
        _ => NUMBERED.to_string(),
    };
    page(title, &css, &body)
}

/// One printable HTML document of several pages, each of Markdown with charts between its
/// parts, each starting on a new page (the inspection report).
pub fn html_pages(title: &str, pages: &[Vec<Part>]) -> String {
    let body: String = pages.iter().map(|parts| main_of(parts)).collect();
    page(title, NUMBERED, &body)
}

/// One page's `<main>`: its Markdown as HTML, with each chart in a figure where it stands.
fn main_of(parts: &[Part]) -> String {
    let mut body = String::from("<main>\n");
    for p in parts {
        match p {
            Part::Markdown(md) => body.push_str(&html_body(md)),
            Part::Svg(svg) => {
                body.push_str("<figure class=\"chart\">");
                body.push_str(svg);
                body.push_str("</figure>\n");
            }
        }
    }
    body.push_str("</main>\n");
    body
}

/// One printable HTML report of Markdown with charts between its parts (portrait).
pub fn html_page_parts(title: &str, parts: &[Part]) -> String {
    html_report(title, parts, Layout::Portrait)
}

/// A letter to print: its Markdown and the name of the pupil it is about (printed at the top
/// of its pages from page 2).
pub struct Letter<'a> {
    pub markdown: &'a str,
    pub pupil: &'a str,
}

/// Letters on the school's stationery, each starting a new page.
pub fn html_letters(title: &str, letters: &[Letter], stationery: &Stationery) -> String {
    let logo = stationery.logo_html();
    let mut css = String::from(LETTER);
    let mut body = String::new();
    for (i, l) in letters.iter().enumerate() {
        // A named page a letter, so each letter's later pages carry its own pupil's name.
        css.push_str(&format!(
            "@page l{i} {{ @top-right {{ content: {}; font-size: 8pt; color: #555; }} }}\n",
            css_string(l.pupil)
        ));
        if i == 0 {
            css.push_str("@page l0:first { @top-right { content: none; } }\n");
        }
        body.push_str(&format!("<main class=\"letter\" style=\"page: l{i}\">\n"));
        let html = html_body(l.markdown);
        let html = html.replacen(
            "<div class=\"letterhead\">",
            &format!("<div class=\"letterhead\">{logo}"),
            1,
        );
        body.push_str(&html);
        body.push_str("</main>\n");
    }
    page(title, &css, &body)
}

/// Markdown to HTML, with record text kept from injecting markup (see [`html_page`]).
fn html_body(markdown: &str) -> String {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let mut dropped_link = false;
    // The open link's address and the text shown for it so far.
    let mut link: Option<(String, String)> = None;
    let mut events: Vec<Event> = Vec::new();
    for ev in Parser::new_ext(markdown, opts) {
        match ev {
            Event::Html(t) | Event::InlineHtml(t) => {
                match MARKS.iter().find(|(m, _)| t.trim() == *m) {
                    Some((_, html)) => events.push(Event::Html((*html).into())),
                    None => events.push(Event::Text(t)),
                }
            }
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => {}
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if safe_url(&dest_url) {
                    dropped_link = false;
                    link = Some((dest_url.to_string(), String::new()));
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                } else {
                    dropped_link = true;
                }
            }
            Event::End(TagEnd::Link) if dropped_link => dropped_link = false,
            Event::End(TagEnd::Link) => {
                events.push(Event::End(TagEnd::Link));
                // Printed once: the address follows the link's text when the text is not
                // the address itself.
                if let Some((dest, text)) = link.take() {
                    let shown = dest.strip_prefix("mailto:").unwrap_or(&dest);
                    if text.trim() != shown {
                        events.push(Event::Text(format!(" ({shown})").into()));
                    }
                }
            }
            Event::Text(t) => {
                if let Some((_, text)) = &mut link {
                    text.push_str(&t);
                }
                events.push(Event::Text(t));
            }
            other => events.push(other),
        }
    }
    let mut body = String::new();
    pulldown_cmark::html::push_html(&mut body, events.into_iter());
    body
}

fn safe_url(url: &CowStr) -> bool {
    let u = url.trim().to_ascii_lowercase();
    u.starts_with("https://") || u.starts_with("http://") || u.starts_with("mailto:")
}

/// Escape text for HTML.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Refuse an output path inside the records except under `out/`: `sen` never writes where
/// a person keeps records (cli.md).
pub fn check_output_path(root: Option<&Path>, path: &Path) -> Result<()> {
    let Some(root) = root else { return Ok(()) };
    let root = absolute(root)?;
    let path = absolute(path)?;
    if let Ok(rel) = path.strip_prefix(&root) {
        let first = rel.components().next();
        let under_out = matches!(first, Some(Component::Normal(c)) if c == "out");
        if !under_out {
            bail!(
                "refusing to write `{}` inside the records: outputs go under `out/` (kept out of git) or outside the records folder",
                rel.display()
            );
        }
    }
    Ok(())
}

/// An absolute, normalised path whose existing part has symlinks resolved.
fn absolute(path: &Path) -> Result<PathBuf> {
    // `..` is resolved by name first, so `out/../pupils` cannot pass as `out/`.
    let abs = crate::write::lexical(path)?;
    let mut existing = abs.clone();
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    loop {
        // A name that is not there (the file about to be written, a folder to be made) is
        // skipped with one `lstat` rather than a whole failed resolution of the path.
        if existing.symlink_metadata().is_ok()
            && let Ok(c) = existing.canonicalize()
        {
            let mut out = c;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return Ok(out);
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => return Ok(abs),
        }
    }
}

/// Refuse to write `path` if any folder on the way to it (or the file itself) is a symbolic
/// link that leads into the records at `root`: `out/letters/amy` linked to `pupils/ben`
/// would otherwise put one child's letters among another child's records, in git. A link
/// by which the records themselves were reached (`--records` given through a link) is the
/// user's own way in and is allowed.
pub fn check_no_link_into(root: Option<&Path>, path: &Path) -> Result<()> {
    let Some(root) = root else { return Ok(()) };
    let Ok(root_real) = root.canonicalize() else {
        return Ok(());
    };
    for link in crate::write::links_on_the_way(root, path)? {
        let leads_in = match link.canonicalize() {
            Ok(real) => real.starts_with(&root_real),
            // A dangling link: what it would create is unknown, so refuse it.
            Err(_) => true,
        };
        if leads_in {
            bail!(
                "refusing to write `{}`: `{}` is a symbolic link into the records, so the file would land among pupils' records\n  help: remove the link; outputs go under `out/` or outside the records folder",
                path.display(),
                link.display()
            );
        }
    }
    Ok(())
}

/// Create `dir` and any missing parents, new folders with mode 0700 on Unix (they hold
/// personal data).
pub fn create_dirs(dir: &Path) -> Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
        .with_context(|| format!("cannot create folder `{}`", dir.display()))
}

/// The one writer of outputs that hold personal data (letters, reports, the calendar):
/// refused inside the records except under `out/` and through any link into the records;
/// written atomically (a temporary file of a short fixed-length name in the same folder,
/// mode 0600 on Unix, flushed to disk, then renamed over the target), so a reader never
/// sees half a file and a crash never leaves a truncated letter.
pub fn write_private(root: Option<&Path>, path: &Path, contents: &[u8]) -> Result<()> {
    check_output_path(root, path)?;
    check_no_link_into(root, path)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    create_dirs(&dir)?;
    // Checked again now the folders exist: one may have been a link created meanwhile.
    check_no_link_into(root, path)?;
    if path.file_name().is_none() {
        bail!("`{}` is not a file name", path.display());
    }
    let written = crate::write::write_temp(&dir, contents, true).and_then(|tmp| {
        fs::rename(&tmp, path).inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        })
    });
    written.with_context(|| format!("cannot write `{}`", path.display()))
}

/// `--out FILE` as given, with `-` meaning standard output (as `sen letter --out -` does).
pub fn out_file(out: Option<&Path>) -> Option<&Path> {
    out.filter(|p| p.as_os_str() != "-")
}

/// A rendered document to `--out` (through [`write_private`], the path printed; `-` is
/// standard output) or to standard output. A Word document is not written to a terminal,
/// where it would show as noise: the command asks for `--out` instead.
pub fn emit(
    root: Option<&Path>,
    out: Option<&Path>,
    format: crate::cli::OutputFormat,
    bytes: &[u8],
) -> Result<()> {
    use std::io::IsTerminal;
    match out_file(out) {
        Some(path) => {
            write_private(root, path, bytes)?;
            println!("{}", path.display());
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            if format == crate::cli::OutputFormat::Docx && stdout.is_terminal() {
                bail!(
                    "a Word document cannot be shown in the terminal: give `--out FILE.docx` (under out/ in the records)"
                );
            }
            stdout.write_all(bytes)?;
            stdout.flush()?;
        }
    }
    Ok(())
}

/// [`write_private`] for text.
pub fn write_atomic(root: Option<&Path>, path: &Path, contents: &str) -> Result<()> {
    write_private(root, path, contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_text_renders_as_exactly_that_text() {
        for text in [
            "# Heading",
            "- bullet",
            "+ bullet",
            "1. first",
            "2) second",
            "===",
            "---",
            "> quote",
            "[link](https://evil.example)",
            "![img](x.png)",
            "**bold** _em_ `code` ~~strike~~",
            "<b>tag</b> &amp; \\back",
            "| a | b |",
            "    four spaces",
        ] {
            let html = html_body(&format!("Before\n\n{}\n", md_escape(text)));
            let shown = html
                .replace("<p>", "")
                .replace("</p>", "")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
                .replace("&quot;", "\"");
            assert_eq!(shown.trim(), format!("Before\n{}", text.trim()), "{text}");
        }
    }

    #[test]
    fn free_text_joins_wrapped_lines_and_keeps_bullets_and_paragraphs() {
        let typed = "Sit near the front,\nwith a ruler.\n- one thing\n  wrapped\n- two\n\nA new *paragraph*.\n";
        assert_eq!(
            md_escape(typed),
            "Sit near the front, with a ruler.\n\n- one thing wrapped\n- two\n\nA new \\*paragraph\\*."
        );
        // In a nested list item, later blocks keep the item's indent.
        assert_eq!(prose("a\n\nb\n- c", 4), "a\n\n    b\n\n    - c");
        // A list right after a label starts on a line of its own.
        assert_eq!(md_escape("- x\n- y"), "\n\n- x\n- y");
        // One line is never a list; CRLF reads as LF.
        assert_eq!(md_escape("- x"), "\\- x");
        assert_eq!(md_escape("a\r\nb\r\n"), "a b");
        let html = html_body(&format!("**What helps.** {}\n", md_escape("- x\n- y")));
        assert!(
            html.contains("<ul>\n<li>x</li>\n<li>y</li>\n</ul>"),
            "{html}"
        );
    }

    #[test]
    fn numbers_and_hyphens_inside_text_stay_plain() {
        assert_eq!(md_escape("1.00"), "1.00");
        assert_eq!(md_escape("O'Brien-Ng"), "O'Brien-Ng");
        assert_eq!(md_escape("-5 degrees"), "-5 degrees");
        assert_eq!(md_escape("a\nb"), "a b");
        assert_eq!(md_escape("bell\u{7}esc\u{1b}"), "bellesc");
    }

    #[test]
    fn money_groups_thousands_and_shows_pence() {
        assert_eq!(money(123_450), "£1,234.50");
        assert_eq!(money(5), "£0.05");
        assert_eq!(money(100_000_000), "£1,000,000.00");
        assert_eq!(money(-250), "-£2.50");
    }

    #[test]
    fn uk_date_reads_iso_and_refuses_anything_else() {
        assert_eq!(uk_date("2026-11-22").unwrap(), "22 November 2026");
        assert!(uk_date("22/11/2026").is_err());
    }

    #[test]
    fn html_from_a_record_is_shown_as_text_not_markup() {
        let page = html_page(
            "<b>t</b>",
            "Hello <script>alert(1)</script> and [x](javascript:alert(1)) ![i](http://x/y.png)\n",
        );
        assert!(!page.contains("<script>"));
        assert!(page.contains("&lt;script&gt;"));
        assert!(!page.contains("javascript:"));
        assert!(!page.contains("<img"));
        assert!(page.contains("<title>&lt;b&gt;t&lt;/b&gt;</title>"));
        assert!(page.contains("@page { size: A4"));
    }

    #[test]
    fn a_template_typo_names_the_template_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("bad.md.j2");
        fs::write(&t, "# {{ school.name }}\n{{ schol.name }}\n").unwrap();
        let r = Renderer::new(None, Some(&t)).unwrap();
        let err = r
            .render(
                "information.md.j2",
                &serde_json::json!({"school": {"name": "x"}}),
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("bad.md.j2` line 2"), "{err}");
        assert!(err.contains("undefined"), "{err}");
    }

    #[test]
    fn a_runaway_template_runs_out_of_fuel() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("loop.md.j2");
        fs::write(
            &t,
            "{% for a in range(100000) %}{% for b in range(100000) %}.{% endfor %}{% endfor %}",
        )
        .unwrap();
        // The fuel is what stops it, not the watchdog (which, on a loaded machine, could
        // end the whole test process first): the server's renderer has no watchdog.
        let r = Renderer::new(None, Some(&t)).unwrap().for_server();
        let err = r
            .render("x", &serde_json::json!({}))
            .unwrap_err()
            .to_string();
        assert!(err.contains("too much work"), "{err}");
    }

    #[test]
    fn outputs_inside_the_records_are_refused_except_under_out() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("pupils/a")).unwrap();
        assert!(check_output_path(Some(root), &root.join("pupils/a/x.md")).is_err());
        assert!(check_output_path(Some(root), &root.join("school.md")).is_err());
        assert!(check_output_path(Some(root), &root.join("out/x.md")).is_ok());
        assert!(check_output_path(Some(root), &root.join("out/../pupils/x.md")).is_err());
        assert!(check_output_path(Some(root), &dir.path().join("../elsewhere.md")).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn atomic_writes_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("new/deeper/x.md");
        write_atomic(None, &p, "hello").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "hello");
        let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dmode = fs::metadata(p.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dmode, 0o700);
        assert_eq!(fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
    }
}
