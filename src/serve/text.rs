//! A record file edited as text in the page (`/text/REL`): a textarea named `text` with
//! line numbers, carrying the file's fingerprint. Saving checks the text is YAML (if not,
//! the error is shown at its line and nothing is written), writes it through
//! [`crate::write::replace`] (refused when the file changed since the page showed it: then
//! both versions are shown and nothing is written), notes the change for "Record in
//! history" and shows the file with its findings beside their lines.
//!
//! The text is kept as the person left it, byte for byte, but for two things a browser
//! cannot carry: a textarea sends every line break as CR LF, so the file's own line breaks
//! (those of its first line) are written; and a byte-order mark the file began with is
//! kept (the page does not show it). Only record files sen reads (school.yaml and the
//! files under pupils/) are edited; never out/, .git, or anything reached through a link.

use serde::Serialize;

use super::frame::{
    frame, href, not_found_in, page_ctx, pupil_name, record_path, server_error, with_model,
};
use super::{Req, Resp, State};
use crate::load::{Loaded, MAX_FILE_BYTES};
use crate::write::{NotReplaced, fingerprint, replace};
use crate::yaml::{Failure, ParseError};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A file's bytes as the page shows them.
struct Shown {
    /// The text without a byte-order mark, line breaks as they are.
    text: String,
    bom: bool,
    crlf: bool,
}

/// The file's text for the textarea, or why it cannot be edited there without changing a
/// byte the person did not touch.
fn shown(bytes: &[u8]) -> Result<Shown, &'static str> {
    let bom = bytes.starts_with(BOM);
    let rest = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(rest) else {
        return Err(
            "This file is not UTF-8 text, so it cannot be edited in the page without changing it. Save it again as UTF-8 in an editor (VS Code: \"Save with Encoding\").",
        );
    };
    // A page shows neither a NUL nor a carriage return on its own: both would change.
    if text.contains('\0') || text.replace("\r\n", "").contains('\r') {
        return Err(
            "This file holds a character a web page cannot show as it is (a NUL, or a carriage return on its own), so it cannot be edited in the page without changing it. Correct it in an editor.",
        );
    }
    let crlf = text
        .find('\n')
        .is_some_and(|i| i > 0 && text.as_bytes()[i - 1] == b'\r');
    Ok(Shown {
        text: text.to_string(),
        bom,
        crlf,
    })
}

/// The bytes to write for the text a browser sent: its line breaks (CR LF, or anything a
/// person pasted) made the file's own, its byte-order mark kept.
fn to_bytes(sent: &str, bom: bool, crlf: bool) -> Vec<u8> {
    let lf = sent
        .trim_start_matches('\u{feff}')
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let text = if crlf { lf.replace('\n', "\r\n") } else { lf };
    let mut out = Vec::with_capacity(text.len() + 3);
    if bom {
        out.extend_from_slice(BOM);
    }
    out.extend_from_slice(text.as_bytes());
    out
}

/// A line of the file as it is now, shown beside the text that was not saved.
#[derive(Serialize)]
struct Line {
    n: usize,
    text: String,
}

#[derive(Serialize)]
struct Mistake {
    line: Option<u32>,
    message: String,
    help: Option<String>,
}

/// What one rendering of the editing page shows.
struct Editing<'a> {
    rel: &'a str,
    text: &'a str,
    fingerprint: String,
    error: Option<Mistake>,
    /// The file now, when the text sent was not saved because the file had changed.
    now: Option<Vec<Line>>,
}

fn pupil_link(loaded: &Loaded, rel: &str) -> Option<(String, String)> {
    rel.strip_prefix("pupils/")
        .and_then(|r| r.split('/').next())
        .map(|p| (format!("/pupils/{}", href(p)), pupil_name(loaded, p)))
}

fn render(state: &State, e: Editing) -> Resp {
    // The textarea shows every line, so it never scrolls away from its line numbers.
    let count = e.text.split('\n').count();
    let numbers: Vec<usize> = (1..=count).collect();
    with_model(state, |l, f| {
        state.pages.render(
            "text.html",
            page_ctx! {
                frame => frame(state, l, f, ""),
                rel => e.rel,
                pupil => pupil_link(l, e.rel),
                view => format!("/files/{}", href(e.rel)),
                action => format!("/text/{}", href(e.rel)),
                text => e.text,
                fingerprint => e.fingerprint,
                numbers,
                rows => count + 1,
                error => e.error,
                now => e.now,
            },
        )
    })
}

fn cannot(state: &State, why: &str) -> Resp {
    let mut r = super::frame::message(state, "This file cannot be edited here", why);
    r.status = 422;
    r
}

/// `GET /text/REL`: the file in a textarea. Read-only, the file as it is shown anyway.
pub(super) fn edit(state: &State, rel: &str) -> Resp {
    if state.read_only {
        return Resp::redirect(&format!("/files/{}", href(rel)));
    }
    let Some(path) = record_path(&state.root, rel) else {
        return with_model(state, |l, f| not_found_in(state, l, f));
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => return server_error(&format!("cannot read {rel}: {e}")),
    };
    let s = match shown(&bytes) {
        Ok(s) => s,
        Err(why) => return cannot(state, why),
    };
    render(
        state,
        Editing {
            rel,
            text: &s.text,
            fingerprint: fingerprint(&bytes),
            error: None,
            now: None,
        },
    )
}

/// A path the page may name for editing: a record file's place, in plain segments. Whether
/// it is reached without a link is for the writer (and [`record_path`]) to say.
fn record_place(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains('\\')
        && !rel.split('/').any(|s| s.is_empty() || s.starts_with('.'))
        && crate::load::record_kind(rel).is_some()
}

/// `POST /text/REL`: check the text, write it through the one writer, show the file.
pub(super) fn save(state: &State, req: &Req, rel: &str) -> Resp {
    // Only a file that is there is replaced (forms make new ones).
    if !record_place(rel) || std::fs::symlink_metadata(state.root.join(rel)).is_err() {
        return with_model(state, |l, f| not_found_in(state, l, f));
    }
    let (Some(sent), Some(expected)) = (req.form_value("text"), req.form_value("fingerprint"))
    else {
        return cannot(
            state,
            "The page sent no text or no fingerprint of the file, so nothing was saved. Open the file again and edit it there.",
        );
    };
    // The file as it is now, read without following a link (the writer checks again).
    let current = record_path(&state.root, rel).and_then(|p| std::fs::read(p).ok());
    let (bom, crlf) = match current.as_deref().map(shown) {
        Some(Ok(s)) => (s.bom, s.crlf),
        _ => (false, false),
    };
    let bytes = to_bytes(&sent, bom, crlf);
    let text = String::from_utf8_lossy(bytes.strip_prefix(BOM).unwrap_or(&bytes)).into_owned();
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return cannot(
            state,
            "The text is larger than 1 MiB, the most a record file may hold, so it was not saved.",
        );
    }
    if let Err(e) = crate::yaml::parse::<serde::de::IgnoredAny>(&text.replace("\r\n", "\n"))
        && e.failure == Failure::Yaml
    {
        return not_yaml(state, rel, &sent, &expected, e);
    }
    if current.as_deref() == Some(bytes.as_slice()) {
        return Resp::redirect(&format!("/files/{}?saved=0", href(rel)));
    }
    match replace(&state.root, rel, &expected, &bytes) {
        Ok(()) => {
            let what = with_model(state, |l, _| {
                format!("Edit of {} as text", super::history::describe(l, rel))
            });
            state.changed(rel, &what);
            Resp::redirect(&format!("/files/{}?saved=1", href(rel)))
        }
        Err(NotReplaced::Stale(now)) => stale(state, rel, &sent, &now),
        Err(NotReplaced::Refused(why)) => {
            let mut r = super::frame::message(state, "Not saved", &why.replace('`', ""));
            r.status = 403;
            r
        }
        Err(NotReplaced::Failed(e)) => server_error(&format!("{rel} was not saved: {e:#}")),
    }
}

/// The text is not YAML: shown again with the error at its line, nothing written.
fn not_yaml(state: &State, rel: &str, sent: &str, expected: &str, e: ParseError) -> Resp {
    let text = sent.replace("\r\n", "\n");
    let mut r = render(
        state,
        Editing {
            rel,
            text: &text,
            fingerprint: expected.to_string(),
            error: Some(Mistake {
                line: e.line,
                message: e.message,
                help: e.help,
            }),
            now: None,
        },
    );
    if r.status == 200 {
        r.status = 422;
    }
    r
}

/// The file changed since the page showed it: both versions, nothing written. The text
/// sent stays in the textarea with the file's fingerprint now, so saving it again is a
/// choice made having seen the file as it is.
fn stale(state: &State, rel: &str, sent: &str, now: &[u8]) -> Resp {
    let text = sent.replace("\r\n", "\n");
    let now_text = String::from_utf8_lossy(now.strip_prefix(BOM).unwrap_or(now)).into_owned();
    let lines = now_text
        .lines()
        .enumerate()
        .map(|(i, t)| Line {
            n: i + 1,
            text: crate::yaml::printable(t).into_owned(),
        })
        .collect();
    let mut r = render(
        state,
        Editing {
            rel,
            text: &text,
            fingerprint: fingerprint(now),
            error: None,
            now: Some(lines),
        },
    );
    if r.status == 200 {
        r.status = 409;
    }
    r
}

/// Whether the file page may offer "Edit as text" for `rel`.
pub(super) fn editable(state: &State, rel: &str) -> bool {
    !state.read_only && record_place(rel) && record_path(&state.root, rel).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_browser_sends_is_written_with_the_files_own_line_breaks_and_mark() {
        let s = shown(b"\xEF\xBB\xBF# kept\r\nname: Amy\r\n").unwrap();
        assert!(s.bom && s.crlf);
        assert_eq!(s.text, "# kept\r\nname: Amy\r\n");
        // A textarea sends CR LF whatever the file had.
        let sent = "# kept\r\nname: Amy Fisher\r\n";
        assert_eq!(
            to_bytes(sent, true, true),
            b"\xEF\xBB\xBF# kept\r\nname: Amy Fisher\r\n"
        );
        assert_eq!(to_bytes(sent, false, false), b"# kept\nname: Amy Fisher\n");
        // No final line break stays none; a pasted lone CR becomes the file's break.
        assert_eq!(to_bytes("a: 1\rb: 2", false, false), b"a: 1\nb: 2");
        let plain = shown(b"a: 1\nb: 2").unwrap();
        assert!(!plain.bom && !plain.crlf);
        assert!(shown(b"a: \xff\n").is_err());
        assert!(shown(b"a: 1\rb: 2\n").is_err());
        assert!(shown(b"a: \0\n").is_err());
    }

    #[test]
    fn only_record_files_are_named_for_editing() {
        for ok in [
            "school.yaml",
            "pupils/amy-fisher/pupil.yaml",
            "pupils/amy-fisher/cycles/2026-09-15.yaml",
        ] {
            assert!(record_place(ok), "{ok}");
        }
        for no in [
            "out/letters/amy-fisher/notification.html",
            ".git/config",
            "pupils/.amy/pupil.yaml",
            "pupils/amy/../pupil.yaml",
            "pupils//pupil.yaml",
            "../school.yaml",
            "pupils/amy/notes.txt",
            "",
        ] {
            assert!(!record_place(no), "{no}");
        }
    }
}
