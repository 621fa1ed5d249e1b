//! The pages that show or write a document by running the command line's own command
//! ([`super::child`]): every report as a page, printable and in Word; a pupil's letters; the
//! letters `--due` writes and those already in out/letters/; the calendar; import and census
//! from an export chosen in the page.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use serde::Serialize;

use super::frame::{
    body_of, frame, href, message, not_found, page_ctx, pupil_name, server_error, with_model,
};
use super::{Req, Resp, State, access, child, percent_encode};
use crate::cli::{LetterKind, ReportKind};
use crate::findings::Finding;
use crate::load::Loaded;
use crate::render::Renderer;
use crate::reports::table::{self, Ask, Document, Input};
use crate::rules;

/// A letter of one kind for one pupil, shown (HTML) or downloaded (Word), written by
/// `sen letter KIND PUPIL --out -`.
pub(super) fn pupil_letter(state: &State, id: &str, name: &str) -> Resp {
    let (kind, format) = match name.rsplit_once('.') {
        Some((k, "html")) => (k, "html"),
        Some((k, "docx")) => (k, "docx"),
        _ => return not_found(state),
    };
    if LetterKind::from_str(kind, false).is_err() || crate::load::safe_pupil_id(id).is_err() {
        return not_found(state);
    }
    run_document(
        state,
        &["letter", kind, id, "--out", "-", "--format", format],
        format,
        &format!("{kind}-{id}"),
    )
}

// ---------------------------------------------------------------- reports

#[derive(Serialize)]
struct ReportLink {
    id: String,
    title: String,
    about: String,
}

fn kind_name(kind: ReportKind) -> String {
    kind.to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}

pub(super) fn reports(state: &State, loaded: &Loaded, findings: &[Finding]) -> Resp {
    let list: Vec<ReportLink> = ReportKind::value_variants()
        .iter()
        .filter(|k| !matches!(k, ReportKind::Pupil | ReportKind::Passport))
        .map(|k| {
            let entry = table::entry(*k);
            ReportLink {
                id: kind_name(*k),
                title: entry.name.into(),
                about: entry.about.into(),
            }
        })
        .collect();
    let mut classes: Vec<String> = loaded
        .records
        .pupils
        .iter()
        .filter_map(|f| f.pupil.as_ref())
        .filter(|p| rules::on_register(p, state.as_of))
        .filter_map(|p| p.class.clone())
        .collect();
    classes.sort();
    classes.dedup();
    state.pages.render(
        "reports.html",
        page_ctx! {
            frame => frame(state, loaded, findings, "reports"),
            list, classes,
        },
    )
}

/// A report as a page (`/reports/KIND`), printable (`KIND.html`) or in Word (`KIND.docx`),
/// made in this process from the server's records through the report table, as `sen
/// report` makes it.
pub(super) fn report(state: &State, req: &Req, name: &str) -> Resp {
    let (kind, format) = match name.rsplit_once('.') {
        Some((k, "html")) => (k, Some("html")),
        Some((k, "docx")) => (k, Some("docx")),
        _ => (name, None),
    };
    let Ok(k) = ReportKind::from_str(kind, false) else {
        return not_found(state);
    };
    let class = req.query_value("class").filter(|c| !c.is_empty());
    let mut ask = Ask::default();
    match k {
        ReportKind::Pupil => return not_found(state),
        ReportKind::Passport => match &class {
            Some(c) => ask.class = Some(c.clone()),
            None => return not_found(state),
        },
        _ => {}
    }
    let download = format!(
        "{kind}{}",
        class
            .as_deref()
            .map(|c| format!("-{c}"))
            .unwrap_or_default()
    );
    let (doc, warnings) = match made(state, k, &ask) {
        Ok(d) => d,
        Err(e) => return message(state, "This report could not be made", &format!("{e:#}")),
    };
    if let Some(f) = format {
        return document_of(state, &doc, f, &download);
    }
    let html = doc.html();
    let title = table::entry(k).name;
    let query = class
        .as_ref()
        .map(|c| format!("?class={}", percent_encode(c)))
        .unwrap_or_default();
    let body = body_of(&html);
    let warning = warnings.join("\n");
    with_model(state, |l, f| {
        state.pages.render(
            "document.html",
            page_ctx! {
                frame => frame(state, l, f, "reports"),
                title, body, warning,
                printable => format!("/reports/{kind}.html{query}"),
                word => format!("/reports/{kind}.docx{query}"),
            },
        )
    })
}

/// A pupil's record (`pupil`) or passport (`passport`) as a printable page or in Word,
/// made in this process.
pub(super) fn pupil_document(state: &State, kind: ReportKind, id: &str, format: &str) -> Resp {
    if crate::load::safe_pupil_id(id).is_err() {
        return not_found(state);
    }
    let ask = Ask {
        pupils: vec![id.to_string()],
        ..Ask::default()
    };
    let name = match kind {
        ReportKind::Passport => format!("passport-{id}"),
        _ => format!("record-{id}"),
    };
    match made(state, kind, &ask) {
        Ok((doc, _)) => document_of(state, &doc, format, &name),
        Err(e) => message(state, "This could not be made", &format!("{e:#}")),
    }
}

/// The printable page or the Word file of a report made.
fn document_of(state: &State, doc: &Document, format: &str, name: &str) -> Resp {
    match format {
        "docx" => match doc.docx() {
            Ok(bytes) => document_resp(bytes, "docx", name),
            Err(e) => message(state, "This could not be made", &format!("{e:#}")),
        },
        _ => document_resp(doc.html().into_bytes(), "html", name),
    }
}

/// The longest a report page waits for its templates (the command line's watchdog limit):
/// a school template that loops gets an error page, and the server goes on serving.
const RENDER_LIMIT: std::time::Duration = crate::render::MAX_RENDER;

/// Make a report from the server's records, as `sen report` would: the views built while
/// holding the records (bounded work in sen's own code), the templates rendered after
/// letting go of them, on a thread of their own that is waited for [`RENDER_LIMIT`] only.
/// With the warnings `sen report` would print.
fn made(state: &State, kind: ReportKind, ask: &Ask) -> anyhow::Result<(Document, Vec<String>)> {
    let renderer = Renderer::new(Some(&state.root), None)?.for_server();
    let (built, warnings) = with_model(state, |loaded, findings| {
        let input = Input {
            loaded,
            findings: Some(findings),
            renderer: &renderer,
            as_of: state.as_of,
            ask,
        };
        let built = (table::entry(kind).build)(&input)?;
        anyhow::Ok((built, table::warnings(kind, loaded)))
    })?;
    let doc = table::render_within(kind, renderer, built, RENDER_LIMIT)?;
    Ok((doc, warnings))
}

fn run_document(state: &State, args: &[&str], format: &str, name: &str) -> Resp {
    let out = match child::sen(state, args) {
        Ok(o) => o,
        Err(e) => return server_error(&format!("cannot run sen: {e}")),
    };
    if out.stdout.is_empty() && !out.ok() {
        return message(state, "This could not be made", out.stderr.trim());
    }
    document_resp(out.stdout, format, name)
}

fn document_resp(bytes: Vec<u8>, format: &str, name: &str) -> Resp {
    match format {
        "docx" => Resp::download(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            &format!("{name}.docx"),
            bytes,
        ),
        "md" => Resp::new(200, "text/plain; charset=utf-8", bytes),
        _ => {
            let html = String::from_utf8_lossy(&bytes).into_owned();
            let mut r = Resp::html(200, html);
            r.csp = Some(access::document_csp(&String::from_utf8_lossy(&r.body)));
            r
        }
    }
}

// ---------------------------------------------------------------- letters

#[derive(Serialize)]
struct DueLetter {
    pupil: String,
    name: String,
    href: String,
    kind: String,
    file: Option<String>,
}

#[derive(Serialize)]
struct Written {
    pupil: String,
    name: String,
    href: String,
}

/// The letters already in out/letters/, newest name last (no link followed).
fn written_letters(root: &Path) -> Vec<Written> {
    let dir = root.join("out").join("letters");
    if std::fs::symlink_metadata(&dir).map_or(true, |m| !m.is_dir()) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(&dir)
        .follow_links(false)
        .sort_by_file_name()
        .min_depth(2)
        .max_depth(2)
        .into_iter()
        .flatten()
    {
        if !e.file_type().is_file() {
            continue;
        }
        let name = crate::load::lossless(e.file_name());
        let pupil = e
            .path()
            .parent()
            .and_then(Path::file_name)
            .map(crate::load::lossless)
            .unwrap_or_default();
        out.push(Written {
            href: format!("/out/letters/{}/{}", href(&pupil), href(&name)),
            pupil,
            name,
        });
    }
    out
}

pub(super) fn letters(state: &State, loaded: &Loaded, findings: &[Finding]) -> Resp {
    let due: Vec<DueLetter> = crate::commands::letter::due_requests(findings)
        .into_iter()
        .map(|r| DueLetter {
            name: pupil_name(loaded, &r.pupil),
            href: format!("/pupils/{}", href(&r.pupil)),
            kind: r.kind.kind().title().to_string(),
            file: match r.target {
                crate::commands::letter::Target::File(f) => Some(f),
                crate::commands::letter::Target::Current => None,
            },
            pupil: r.pupil,
        })
        .collect();
    state.pages.render(
        "letters.html",
        page_ctx! {
            frame => frame(state, loaded, findings, "letters"),
            due,
            written => written_letters(&state.root),
        },
    )
}

/// Write the due letters: `sen letter --due`, the very command, into out/letters/.
pub(super) fn write_due(state: &State, req: &Req) -> Resp {
    let format = match req.form_value("format").as_deref() {
        Some("docx") => "docx",
        Some("md") | Some("markdown") => "markdown",
        _ => "html",
    };
    let out = match child::sen(state, &["letter", "--due", "--format", format]) {
        Ok(o) => o,
        Err(e) => return server_error(&format!("cannot run sen: {e}")),
    };
    let root = state.root.to_string_lossy().into_owned();
    let written: Vec<Written> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let p = Path::new(l.trim());
            let rel = p.strip_prefix(&state.root).ok()?;
            let parts: Vec<String> = rel.iter().map(crate::load::lossless).collect();
            match parts.as_slice() {
                [o, l, pupil, name] if o == "out" && l == "letters" => Some(Written {
                    href: format!("/out/letters/{}/{}", href(pupil), href(name)),
                    pupil: pupil.clone(),
                    name: name.clone(),
                }),
                _ => None,
            }
        })
        .collect();
    let notes: Vec<String> = out
        .stderr
        .lines()
        .map(|l| {
            l.replace(&root, "the records folder")
                .trim_start_matches("warning: ")
                .replace('`', "")
        })
        .filter(|l| !l.trim().is_empty())
        .collect();
    with_model(state, |l, f| {
        state.pages.render(
            "done.html",
            page_ctx! {
                frame => frame(state, l, f, "letters"),
                title => "Letters written",
                written, notes,
                ok => out.ok(),
            },
        )
    })
}

/// A letter in out/letters/: shown (HTML, Markdown) or downloaded (Word).
pub(super) fn written_letter(state: &State, pupil: &str, name: &str) -> Resp {
    if crate::load::safe_pupil_id(pupil).is_err()
        || name.starts_with('.')
        || name.contains(['/', '\\'])
    {
        return not_found(state);
    }
    let mut path = state.root.clone();
    for seg in ["out", "letters", pupil, name] {
        path.push(seg);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if !m.file_type().is_symlink() => {}
            _ => return not_found(state),
        }
    }
    let Ok(bytes) = std::fs::read(&path) else {
        return not_found(state);
    };
    let ext = name.rsplit('.').next().unwrap_or("");
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    match ext {
        "docx" => document_resp(bytes, "docx", stem),
        "html" => document_resp(bytes, "html", stem),
        "md" => document_resp(bytes, "md", stem),
        _ => not_found(state),
    }
}

// ---------------------------------------------------------------- calendar, import, census

pub(super) fn calendar(state: &State) -> Resp {
    match child::sen(state, &["calendar", "--out", "-"]) {
        Ok(o) if o.ok() => Resp::download("text/calendar; charset=utf-8", "sen.ics", o.stdout),
        Ok(o) => message(state, "The calendar could not be made", o.stderr.trim()),
        Err(e) => server_error(&format!("cannot run sen: {e}")),
    }
}

pub(super) fn mis_form(
    state: &State,
    loaded: &Loaded,
    findings: &[Finding],
    what: &'static str,
) -> Resp {
    state.pages.render(
        "mis.html",
        page_ctx! {
            frame => frame(state, loaded, findings, what),
            what,
            text => "",
            result => None::<String>,
            can_confirm => false,
        },
    )
}

/// Import or census from an export pasted or chosen in the page: the command's dry run
/// first (import) or its comparison (census); an import is written only on "confirm", by
/// `sen import pupils` itself.
pub(super) fn mis_run(state: &State, req: &Req, what: &'static str) -> Resp {
    let text = req.form_value("text").unwrap_or_default();
    if text.trim().is_empty() {
        return message(
            state,
            "Nothing to read",
            "Choose the CSV file exported from the MIS (or paste its text), then press the button again.",
        );
    }
    // The export goes to a private temporary file outside the records, removed afterwards.
    let tmp = match tempfile_with(text.as_bytes()) {
        Ok(t) => t,
        Err(e) => return server_error(&format!("cannot hold the export: {e}")),
    };
    let file = tmp.path().to_string_lossy().into_owned();
    let confirm = req.form_value("confirm").as_deref() == Some("yes");
    let args: Vec<&str> = match (what, confirm) {
        ("import", false) => vec!["import", "pupils", &file, "--dry-run"],
        ("import", true) => vec!["import", "pupils", &file],
        _ => vec!["census", &file],
    };
    let out = match child::sen(state, &args) {
        Ok(o) => o,
        Err(e) => return server_error(&format!("cannot run sen: {e}")),
    };
    let shown = format!("{}{}", String::from_utf8_lossy(&out.stdout), out.stderr)
        .replace(&file, "the export")
        .replace(&*state.root.to_string_lossy(), "the records folder");
    with_model(state, |l, f| {
        state.pages.render(
            "mis.html",
            page_ctx! {
                frame => frame(state, l, f, if what == "import" { "import" } else { "census" }),
                what,
                text,
                result => Some(shown),
                can_confirm => what == "import" && !confirm && !state.read_only,
                confirmed => confirm,
            },
        )
    })
}

/// A private temporary file holding `bytes`, removed when dropped.
fn tempfile_with(bytes: &[u8]) -> std::io::Result<TempFile> {
    use std::io::Write;
    let mut name = [0u8; 12];
    getrandom::fill(&mut name).map_err(|e| std::io::Error::other(e.to_string()))?;
    let path = std::env::temp_dir().join(format!("sen-serve-{}.csv", crate::write::hex(&name)));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&path)?;
    f.write_all(bytes)?;
    Ok(TempFile(path))
}

struct TempFile(PathBuf);

impl TempFile {
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
