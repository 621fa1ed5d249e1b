//! The routes: each path and method to its page, in the module that makes it.

use super::{Req, Resp, State, create, documents, frame, history, pages, record, text};

/// Each path to its page.
pub fn route(state: &State, req: &Req) -> Resp {
    let path = req.path.as_str();
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let post = req.method == "POST";
    match (post, segs.as_slice()) {
        (false, ["static", "sen.css"]) => {
            Resp::new(200, "text/css; charset=utf-8", frame::CSS.into())
        }
        (false, ["static", "sen.js"]) => {
            Resp::new(200, "text/javascript; charset=utf-8", frame::JS.into())
        }
        (false, [""]) => frame::with_model(state, |l, f| pages::home(state, req, l, f)),
        (false, ["register"]) => frame::with_model(state, |l, f| pages::register(state, req, l, f)),
        (false, ["pupils", id]) => {
            let mut model = frame::lock_model(state);
            let (l, f, renderer) = model.refresh_with_renderer(&state.root, state.as_of);
            pages::pupil(state, req, l, f, renderer, id)
        }
        (false, ["pupils", id, "record.html" | "record.docx"]) => {
            let format = if segs[2].ends_with("docx") {
                "docx"
            } else {
                "html"
            };
            documents::pupil_document(state, crate::cli::ReportKind::Pupil, id, format)
        }
        (false, ["pupils", id, "passport.html" | "passport.docx"]) => {
            let format = if segs[2].ends_with("docx") {
                "docx"
            } else {
                "html"
            };
            documents::pupil_document(state, crate::cli::ReportKind::Passport, id, format)
        }
        (false, ["pupils", id, "letters", name]) => documents::pupil_letter(state, id, name),
        (false, ["files", ..]) => {
            let rel = path.trim_start_matches("/files/");
            frame::with_model(state, |l, f| pages::file(state, req, l, f, rel))
        }
        (false, ["text", ..]) => text::edit(state, path.trim_start_matches("/text/")),
        (true, ["text", ..]) => text::save(state, req, path.trim_start_matches("/text/")),
        (true, ["history"]) => history::record(state, req),
        (false, ["reports"]) => frame::with_model(state, |l, f| documents::reports(state, l, f)),
        (false, ["reports", name]) => documents::report(state, req, name),
        (false, ["letters"]) => frame::with_model(state, |l, f| documents::letters(state, l, f)),
        (true, ["letters", "due"]) => documents::write_due(state, req),
        (false, ["out", "letters", pupil, name]) => documents::written_letter(state, pupil, name),
        (false, ["calendar.ics"]) => documents::calendar(state),
        (false, ["import"]) => {
            frame::with_model(state, |l, f| documents::mis_form(state, l, f, "import"))
        }
        (false, ["census"]) => {
            frame::with_model(state, |l, f| documents::mis_form(state, l, f, "census"))
        }
        (true, ["import"]) => documents::mis_run(state, req, "import"),
        (true, ["census"]) => documents::mis_run(state, req, "census"),
        (_, ["new", "pupil"] | ["pupils", _, "new", _]) => create::route(state, req, &segs),
        (_, ["record", _, ..]) => record::route(state, req),
        _ => frame::not_found(state),
    }
}
