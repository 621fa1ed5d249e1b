//! Word documents (DOCX) from the Markdown that every letter and report is rendered to, so a
//! SENCO can edit a document before printing it. One converter for every document: the
//! templates stay the single source of the words, and what Markdown shows as a heading,
//! a list or a table is a heading, a list or a table in Word.
//!
//! The file is built with `docx-rs` (its default `image` feature off: the charts are drawn
//! to PNG by resvg, [`chart_png`], and their drawings numbered apart afterwards,
//! [`number_drawings`]). The bytes are the same for the same input: no hyperlink fields (the
//! crate numbers them from a process-wide counter), so a link is written as its text with
//! its address after it when the two differ; the crate's fixed document dates and the zip
//! writer's fixed entry times do the rest (a test reads the archive back).
//! Record text cannot add markup: raw HTML in the Markdown is written as text, as in
//! [`crate::render::html_page`].

use std::borrow::Cow;
use std::io::Cursor;

use anyhow::{Context, Result};
use docx_rs::{
    AbstractNumbering, AlignmentType, BreakType, Docx, Footer, IndentLevel, Level, LevelJc,
    LevelOverride, LevelText, LineSpacing, LineSpacingType, NumPages, NumberFormat, Numbering,
    NumberingId, PageMargin, PageNum, PageOrientationType, Paragraph, Pic, Run, RunFonts, Shading,
    ShdType, SpecialIndentType, Start, Style, StyleType, Table, TableCell, TableLayoutType,
    TableRow, WidthType,
};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

pub use crate::render::Layout;
use crate::render::Part;

/// A4 in twentieths of a point.
const A4_SHORT: u32 = 11906;
const A4_LONG: u32 = 16838;
/// 18 mm side margins and 20 mm top and bottom, as the print stylesheet.
const MARGIN_SIDE: i32 = 1020;
const MARGIN_END: i32 = 1134;
/// Numbering ids clear of the crate's built-in numbering (id 1).
const BULLETS: usize = 101;
const DECIMAL: usize = 102;
const FONT: &str = "Arial";
const MONO: &str = "Courier New";

/// One Word document holding `markdowns`, each starting on a new page. `footer` is printed
/// with the page number at the foot of the pages (from page 2 for a [`Layout::Letter`]).
pub fn document(markdowns: &[&str], layout: Layout, footer: Option<&str>) -> Result<Vec<u8>> {
    let parts: Vec<Vec<Part>> = markdowns
        .iter()
        .map(|md| vec![Part::Markdown((*md).to_string())])
        .collect();
    build(&parts, layout, footer)
}

/// One Word document of a report's parts: its Markdown, and its charts as pictures (the
/// same SVG the HTML page draws, turned into PNG by resvg), in the order of the HTML page.
pub fn document_parts(parts: &[Part], layout: Layout, footer: Option<&str>) -> Result<Vec<u8>> {
    build(std::slice::from_ref(&parts.to_vec()), layout, footer)
}

/// Letters: 10 pt on tighter margins, as the printed letter (render.rs's LETTER style), so a
/// letter fits the page it fits in print.
const LETTER_MARGIN_TOP: i32 = 850;
const LETTER_MARGIN_BOTTOM: i32 = 794;
const LETTER_MARGIN_LEFT: i32 = 1134;
const LETTER_MARGIN_RIGHT: i32 = 1020;

fn build(documents: &[Vec<Part>], layout: Layout, footer: Option<&str>) -> Result<Vec<u8>> {
    let landscape = layout == Layout::Landscape;
    let letter = layout == Layout::Letter;
    let (width, height) = if landscape {
        (A4_LONG, A4_SHORT)
    } else {
        (A4_SHORT, A4_LONG)
    };
    let (top, bottom, left, right) = if letter {
        (
            LETTER_MARGIN_TOP,
            LETTER_MARGIN_BOTTOM,
            LETTER_MARGIN_LEFT,
            LETTER_MARGIN_RIGHT,
        )
    } else {
        (MARGIN_END, MARGIN_END, MARGIN_SIDE, MARGIN_SIDE)
    };
    let text_width = width as usize - (left + right) as usize;
    let mut w = Writer::new(text_width);
    w.letter = letter;
    for (i, parts) in documents.iter().enumerate() {
        w.page_break = i > 0;
        for part in parts {
            match part {
                Part::Markdown(md) => w.markdown(&xml_text(md)),
                Part::Svg(svg) => w.picture(svg)?,
            }
        }
    }
    let footer = footer.map(xml_text);
    let doc = Docx::new()
        .page_size(width, height)
        .page_margin(
            PageMargin::new()
                .top(top)
                .bottom(bottom)
                .left(left)
                .right(right)
                .header(if letter { 425 } else { 567 })
                .footer(if letter { 425 } else { 567 }),
        )
        .default_fonts(RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT));
    let mut doc = styled(doc, letter)
        .add_abstract_numbering(list_levels(BULLETS, true))
        .add_abstract_numbering(list_levels(DECIMAL, false))
        .footer(page_footer(footer.as_deref()));
    if landscape {
        doc = doc.page_orient(PageOrientationType::Landscape);
    }
    if letter {
        doc = doc.first_footer(Footer::new().add_paragraph(Paragraph::new()));
    }
    for n in &w.numberings {
        doc = doc.add_numbering(n.clone());
    }
    for block in w.blocks {
        doc = match block {
            Block::Paragraph(p) => doc.add_paragraph(*p),
            Block::Table(t) => doc.add_table(*t),
        };
    }
    let mut bytes = Cursor::new(Vec::new());
    doc.build()
        .pack(&mut bytes)
        .context("cannot build the Word document")?;
    number_drawings(bytes.into_inner())
}

/// The drawing number docx-rs gives every picture (it writes `id="1"` for each).
const DRAWING: &str = "<wp:docPr id=\"1\" name=\"Figure\"";

/// The package with each picture of the document numbered apart (1, 2, 3 ...). docx-rs
/// numbers every picture 1, and Word reports "unreadable content" in a document whose
/// drawings share a number (the governors' report has several charts). The package is
/// copied entry by entry as it is (the same bytes and times), with only the document's
/// part rewritten; a document with one picture or none is returned untouched.
fn number_drawings(package: Vec<u8>) -> Result<Vec<u8>> {
    use std::io::{Read, Write};
    const PART: &str = "word/document.xml";
    let mut archive =
        zip::ZipArchive::new(Cursor::new(&package)).context("cannot read the Word document")?;
    let mut xml = String::new();
    let (time, mode) = {
        let mut part = archive
            .by_name(PART)
            .context("the Word document has no document part")?;
        part.read_to_string(&mut xml)
            .context("cannot read the Word document")?;
        (part.last_modified(), part.unix_mode())
    };
    if xml.matches(DRAWING).count() < 2 {
        return Ok(package);
    }
    let mut numbered = String::with_capacity(xml.len() + 64);
    for (n, piece) in xml.split(DRAWING).enumerate() {
        if n > 0 {
            numbered.push_str(&format!("<wp:docPr id=\"{n}\" name=\"Figure {n}\""));
        }
        numbered.push_str(piece);
    }
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(package.len() + 64)));
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .context("cannot read the Word document")?;
        if entry.name() != PART {
            out.raw_copy_file(entry)
                .context("cannot write the Word document")?;
            continue;
        }
        drop(entry);
        let mut options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        if let Some(t) = time {
            options = options.last_modified_time(t);
        }
        if let Some(m) = mode {
            options = options.unix_permissions(m);
        }
        out.start_file(PART, options)
            .context("cannot write the Word document")?;
        out.write_all(numbered.as_bytes())
            .context("cannot write the Word document")?;
    }
    Ok(out
        .finish()
        .context("cannot write the Word document")?
        .into_inner())
}

/// The type sizes, spacing and headings: a letter's a little smaller and tighter.
fn styled(doc: Docx, letter: bool) -> Docx {
    if letter {
        doc.default_size(20)
            .default_line_spacing(
                LineSpacing::new()
                    .after(100)
                    .line(250)
                    .line_rule(LineSpacingType::Auto),
            )
            .add_style(heading_style(1, 28))
            .add_style(heading_style(2, 21).line_spacing(LineSpacing::new().before(140).after(40)))
            .add_style(heading_style(3, 20))
            .add_style(heading_style(4, 20))
    } else {
        doc.default_size(22)
            .default_line_spacing(
                LineSpacing::new()
                    .after(120)
                    .line(264)
                    .line_rule(LineSpacingType::Auto),
            )
            .add_style(heading_style(1, 36))
            .add_style(heading_style(2, 28))
            .add_style(heading_style(3, 24))
            .add_style(heading_style(4, 22))
    }
}

/// `text` as a Word document may hold it: the one place text enters the document, so
/// whatever it is given, no character XML 1.0 forbids (C0 controls but tab and line breaks,
/// U+FFFE, U+FFFF) and no noncharacter reaches the XML; each becomes U+FFFD, the mark for a
/// character that could not be shown, so a reader sees that something stood there.
fn xml_text(text: &str) -> Cow<'_, str> {
    let bad = |c: char| {
        (u32::from(c) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
            || (c.is_control() && u32::from(c) >= 0x7F)
            || crate::yaml::unseen_hazard(c)
    };
    if !text.chars().any(bad) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if bad(c) { '\u{FFFD}' } else { c })
            .collect(),
    )
}

/// How many pixels a chart is drawn at for each of its SVG units: sharp when printed.
const CHART_SCALE: f32 = 2.0;
/// English Metric Units in a twip and in a CSS pixel (96 to the inch).
const EMU_PER_TWIP: u64 = 635;
const EMU_PER_PX: u64 = 9525;

/// The system's fonts, read once a run (charts name the generic `sans-serif`), with
/// `sans-serif` pointed at the first of the usual sans-serif faces that is installed.
fn fonts() -> std::sync::Arc<resvg::usvg::fontdb::Database> {
    static DB: std::sync::OnceLock<std::sync::Arc<resvg::usvg::fontdb::Database>> =
        std::sync::OnceLock::new();
    DB.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        db.load_system_fonts();
        let installed = |name: &str| {
            db.faces()
                .any(|f| f.families.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)))
        };
        let found = [
            "Arial",
            "Helvetica",
            "Liberation Sans",
            "DejaVu Sans",
            "Noto Sans",
        ]
        .into_iter()
        .find(|n| installed(n));
        if let Some(name) = found {
            db.set_sans_serif_family(name);
        }
        std::sync::Arc::new(db)
    })
    .clone()
}

/// A chart's SVG as PNG, with its size in CSS pixels.
pub fn chart_png(svg: &str) -> Result<(Vec<u8>, u32, u32)> {
    use resvg::{tiny_skia, usvg};
    let opt = usvg::Options {
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt).context("cannot read a chart to draw it")?;
    let size = tree.size();
    let (w, h) = (size.width().ceil() as u32, size.height().ceil() as u32);
    let mut pixmap = tiny_skia::Pixmap::new(
        (w as f32 * CHART_SCALE) as u32,
        (h as f32 * CHART_SCALE) as u32,
    )
    .context("a chart has no size")?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(CHART_SCALE, CHART_SCALE),
        &mut pixmap.as_mut(),
    );
    let png = pixmap.encode_png().context("cannot write a chart as PNG")?;
    Ok((png, w, h))
}

fn heading_style(level: usize, half_points: usize) -> Style {
    Style::new(format!("Heading{level}"), StyleType::Paragraph)
        .name(format!("Heading {level}"))
        .based_on("Normal")
        .next("Normal")
        .q_format(true)
        .bold()
        .size(half_points)
        .outline_lvl(level - 1)
}

fn list_levels(id: usize, bullets: bool) -> AbstractNumbering {
    let mut a = AbstractNumbering::new(id);
    for level in 0..6 {
        let (format, text) = if bullets {
            (
                "bullet",
                ["\u{2022}", "\u{2013}", "\u{25e6}"][level % 3].to_string(),
            )
        } else {
            ("decimal", format!("%{}.", level + 1))
        };
        a = a.add_level(
            Level::new(
                level,
                Start::new(1),
                NumberFormat::new(format),
                LevelText::new(text),
                LevelJc::new("left"),
            )
            .indent(
                Some(360 * (level as i32 + 1)),
                Some(SpecialIndentType::Hanging(360)),
                None,
                None,
            ),
        );
    }
    a
}

fn page_footer(text: Option<&str>) -> Footer {
    let mut p = Paragraph::new().align(AlignmentType::Center).size(18);
    if let Some(t) = text {
        p = p.add_run(Run::new().add_text(format!("{t} \u{2013} ")).size(18));
    }
    p = p
        .add_run(Run::new().add_text("page ").size(18))
        .add_page_num(PageNum::new())
        .add_run(Run::new().add_text(" of ").size(18))
        .add_num_pages(NumPages::new());
    Footer::new().add_paragraph(p)
}

/// How much text a table cell holds.
#[derive(Clone, Copy)]
struct Measure {
    /// Characters in all.
    text: usize,
    /// Characters in the longest word.
    word: usize,
}

/// Column widths in twips: each column at least as wide as its longest word (so no word
/// breaks across lines), the rest of the text width shared by how much each column holds
/// (its longest cell, counted up to 40 characters), so a name column is not squeezed
/// beside a count.
fn column_widths(
    rows: &[Vec<(Paragraph, Measure)>],
    columns: usize,
    text_width: usize,
) -> Vec<usize> {
    const PER_CHAR: usize = 115;
    const PADDING: usize = 240;
    let mut min = vec![PADDING + 3 * PER_CHAR; columns];
    let mut weight = vec![1usize; columns];
    for row in rows {
        for (i, (_, m)) in row.iter().enumerate().take(columns) {
            min[i] = min[i].max(PADDING + m.word * PER_CHAR);
            weight[i] = weight[i].max(m.text.min(40));
        }
    }
    let floor: usize = min.iter().sum();
    if floor >= text_width {
        return min.iter().map(|m| m * text_width / floor).collect();
    }
    let spare = text_width - floor;
    let total: usize = weight.iter().sum();
    min.iter()
        .zip(&weight)
        .map(|(m, w)| m + spare * w / total)
        .collect()
}

enum Block {
    Paragraph(Box<Paragraph>),
    Table(Box<Table>),
}

#[derive(Default, Clone, Copy)]
struct Inline {
    bold: bool,
    italic: bool,
    strike: bool,
    code: bool,
}

struct ListState {
    numbering: usize,
}

struct TableState {
    /// Each row's cells: the paragraph and the length of its text.
    rows: Vec<Vec<(Paragraph, Measure)>>,
    cells: Vec<(Paragraph, Measure)>,
    columns: usize,
    head: bool,
    /// The text written into the current cell so far and its longest word (they set the
    /// column's width).
    cell_text: usize,
    cell_word: usize,
}

struct LinkState {
    dest: String,
    text: String,
}

/// Turns Markdown events into Word paragraphs and tables.
struct Writer {
    text_width: usize,
    blocks: Vec<Block>,
    numberings: Vec<Numbering>,
    paragraph: Option<Paragraph>,
    /// The paragraph about to be started is a list item's first (it takes the bullet).
    item: Option<(usize, usize)>,
    heading: Option<usize>,
    inline: Inline,
    lists: Vec<ListState>,
    quote: usize,
    code_block: bool,
    table: Option<TableState>,
    link: Option<LinkState>,
    /// The next block starts on a new page (the next letter in one document).
    page_break: bool,
    /// A letter: its letterhead right-aligned and what follows its closing rule (the IASS
    /// and the local offer) in small print, as on the printed letter.
    letter: bool,
    /// Inside the letterhead's marks.
    letterhead: bool,
    /// After a letter's closing rule.
    small_print: bool,
    /// Pictures so far, to number them in the document (the crate's own ids count across
    /// the process, which would make the bytes differ from run to run).
    pictures: usize,
}

impl Writer {
    fn new(text_width: usize) -> Writer {
        Writer {
            text_width,
            blocks: Vec::new(),
            numberings: Vec::new(),
            paragraph: None,
            item: None,
            heading: None,
            inline: Inline::default(),
            lists: Vec::new(),
            quote: 0,
            code_block: false,
            table: None,
            link: None,
            page_break: false,
            letter: false,
            letterhead: false,
            small_print: false,
            pictures: 0,
        }
    }

    /// A chart as a picture as wide as the text (never wider than drawn), on its own line.
    fn picture(&mut self, svg: &str) -> Result<()> {
        self.finish_paragraph();
        let (png, w, h) = chart_png(svg)?;
        let full = u64::from(w) * EMU_PER_PX;
        let fit = (self.text_width as u64 * EMU_PER_TWIP).min(full);
        let height = u64::from(h) * EMU_PER_PX * fit / full.max(1);
        self.pictures += 1;
        let pic = Pic::new_with_dimensions(png, w, h)
            .id(format!("rIdChart{}", self.pictures))
            .size(fit as u32, height as u32);
        let p = Paragraph::new()
            .keep_next(false)
            .add_run(Run::new().add_image(pic));
        self.push(Block::Paragraph(Box::new(p)));
        Ok(())
    }

    fn markdown(&mut self, md: &str) {
        let mut opts = Options::empty();
        opts.insert(Options::ENABLE_TABLES);
        opts.insert(Options::ENABLE_STRIKETHROUGH);
        for event in Parser::new_ext(md, opts) {
            self.event(event);
        }
        self.finish_paragraph();
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            // sen's layout marks: only the signature space means anything in Word.
            Event::Html(t) if t.trim().starts_with("<!-- sen:") => {
                if t.trim() == "<!-- sen:letterhead -->" {
                    self.finish_paragraph();
                    self.letterhead = true;
                } else if t.trim() == "<!-- sen:end -->" {
                    self.finish_paragraph();
                    self.letterhead = false;
                } else if t.trim() == crate::render::SIGN_MARK {
                    self.finish_paragraph();
                    for _ in 0..2 {
                        self.push(Block::Paragraph(Box::new(Paragraph::new())));
                    }
                }
            }
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => {
                if self.code_block {
                    // One paragraph a line, in a fixed-width font.
                    let mut lines = t.split('\n').peekable();
                    while let Some(line) = lines.next() {
                        self.text(line);
                        if lines.peek().is_some_and(|rest| !rest.is_empty()) {
                            self.finish_paragraph();
                        }
                    }
                } else {
                    self.text(&t);
                }
            }
            Event::Code(t) => {
                let saved = self.inline;
                self.inline.code = true;
                self.text(&t);
                self.inline = saved;
            }
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => {
                let p = self.open_paragraph();
                *p = std::mem::take(p).add_run(Run::new().add_break(BreakType::TextWrapping));
            }
            Event::Rule => {
                self.finish_paragraph();
                let p = Paragraph::new().add_run(
                    Run::new()
                        .add_text("\u{2014} \u{2014} \u{2014}")
                        .color("888888"),
                );
                self.push(Block::Paragraph(Box::new(p.align(AlignmentType::Center))));
                self.small_print = self.letter;
            }
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(t) => self.text(&format!("[{t}]")),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph if self.paragraph.is_some() && self.item.is_none() => {
                self.finish_paragraph();
            }
            Tag::Heading { level, .. } => {
                self.finish_paragraph();
                self.heading = Some(match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    _ => 4,
                });
            }
            Tag::BlockQuote(_) => {
                self.finish_paragraph();
                self.quote += 1;
            }
            Tag::CodeBlock(kind) => {
                self.finish_paragraph();
                let _: CodeBlockKind = kind;
                self.code_block = true;
            }
            Tag::List(start) => {
                self.finish_paragraph();
                self.start_list(start);
            }
            Tag::Item => {
                self.finish_paragraph();
                if let Some(l) = self.lists.last() {
                    self.item = Some((l.numbering, self.lists.len() - 1));
                }
            }
            Tag::Table(alignments) => {
                self.finish_paragraph();
                self.table = Some(TableState {
                    rows: Vec::new(),
                    cells: Vec::new(),
                    columns: alignments.len().max(1),
                    head: false,
                    cell_text: 0,
                    cell_word: 0,
                });
            }
            Tag::TableHead => {
                if let Some(t) = &mut self.table {
                    t.head = true;
                }
            }
            Tag::TableRow => {}
            Tag::TableCell => self.finish_paragraph(),
            Tag::Emphasis => self.inline.italic = true,
            Tag::Strong => self.inline.bold = true,
            Tag::Strikethrough => self.inline.strike = true,
            Tag::Link { dest_url, .. } => {
                self.link = Some(LinkState {
                    dest: dest_url.to_string(),
                    text: String::new(),
                });
            }
            // An image becomes its description, as in the HTML.
            Tag::Image { .. } => {}
            _ => {}
        }
    }

    /// A list opens: bullets share one numbering; each numbered list counts from its own
    /// start.
    fn start_list(&mut self, start: Option<u64>) {
        let numbering = match start {
            None => {
                if !self.numberings.iter().any(|n| n.id == BULLETS) {
                    self.numberings.push(Numbering::new(BULLETS, BULLETS));
                }
                BULLETS
            }
            Some(first) => {
                let id = 110 + self.numberings.len();
                self.numberings.push(
                    Numbering::new(id, DECIMAL)
                        .add_override(LevelOverride::new(0).start(first as usize)),
                );
                id
            }
        };
        self.lists.push(ListState { numbering });
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph if self.table.is_none() => self.finish_paragraph(),
            TagEnd::Heading(_) => {
                self.finish_paragraph();
                self.heading = None;
            }
            TagEnd::BlockQuote(_) => {
                self.finish_paragraph();
                self.quote = self.quote.saturating_sub(1);
            }
            TagEnd::CodeBlock => {
                self.finish_paragraph();
                self.code_block = false;
            }
            TagEnd::List(_) => {
                self.finish_paragraph();
                self.lists.pop();
            }
            TagEnd::Item => {
                self.finish_paragraph();
                self.item = None;
            }
            TagEnd::TableCell => {
                let p = self.paragraph.take().unwrap_or_default();
                if let Some(t) = &mut self.table {
                    let text = std::mem::take(&mut t.cell_text);
                    let word = std::mem::take(&mut t.cell_word);
                    t.cells.push((p, Measure { text, word }));
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                if let Some(t) = &mut self.table {
                    let cells = std::mem::take(&mut t.cells);
                    t.rows.push(cells);
                    t.head = false;
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.end_table(t);
                }
            }
            TagEnd::Emphasis => self.inline.italic = false,
            TagEnd::Strong => self.inline.bold = false,
            TagEnd::Strikethrough => self.inline.strike = false,
            TagEnd::Link => {
                if let Some(link) = self.link.take() {
                    self.end_link(&link);
                }
            }
            _ => {}
        }
    }

    /// A table ends: its columns sized to their words, the heading row shaded, no row
    /// split across pages.
    fn end_table(&mut self, t: TableState) {
        let widths = column_widths(&t.rows, t.columns, self.text_width);
        let rows = t
            .rows
            .into_iter()
            .enumerate()
            .map(|(i, cells)| {
                let cells = cells
                    .into_iter()
                    .zip(&widths)
                    .map(|((p, _), &w)| {
                        let cell = TableCell::new().add_paragraph(p).width(w, WidthType::Dxa);
                        if i == 0 {
                            cell.shading(Shading::new().shd_type(ShdType::Clear).fill("EEEEEE"))
                        } else {
                            cell
                        }
                    })
                    .collect();
                TableRow::new(cells).cant_split()
            })
            .collect();
        let table = Table::new(rows)
            .set_grid(widths)
            .width(self.text_width, WidthType::Dxa)
            .layout(TableLayoutType::Fixed);
        self.push(Block::Table(Box::new(table)));
    }

    /// A link ends: a web or email address not already its words follows in brackets, so
    /// a printed page still gives it.
    fn end_link(&mut self, link: &LinkState) {
        let dest = link.dest.trim();
        let shown = dest.strip_prefix("mailto:").unwrap_or(dest);
        let safe = ["https://", "http://", "mailto:"]
            .iter()
            .any(|s| dest.to_ascii_lowercase().starts_with(s));
        if safe && link.text.trim() != shown && !shown.is_empty() {
            self.text(&format!(" ({shown})"));
        }
    }

    /// A run of text in the current inline style.
    fn text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(link) = &mut self.link {
            link.text.push_str(text);
        }
        if let Some(t) = &mut self.table {
            t.cell_text += text.chars().count();
            let word = text.split_whitespace().map(|w| w.chars().count()).max();
            t.cell_word = t.cell_word.max(word.unwrap_or(0));
        }
        let style = self.inline;
        let heading = self.heading.is_some();
        let mut run = Run::new().add_text(text);
        if style.bold || (self.table.as_ref().is_some_and(|t| t.head) && !heading) {
            run = run.bold();
        }
        if style.italic {
            run = run.italic();
        }
        if style.strike {
            run = run.strike();
        }
        if style.code || self.code_block {
            run = run.fonts(RunFonts::new().ascii(MONO).hi_ansi(MONO).cs(MONO));
        }
        // The printed letter's sizes: the school's name 13 pt and its address 8.5 pt in the
        // letterhead, the IASS and the local offer 8 pt.
        if self.letterhead {
            run = run.size(if style.bold { 26 } else { 17 });
        } else if self.small_print {
            run = run.size(16);
        }
        let p = self.open_paragraph();
        *p = std::mem::take(p).add_run(run);
    }

    /// The paragraph being written, started with the current block's style if there is none.
    fn open_paragraph(&mut self) -> &mut Paragraph {
        if self.paragraph.is_none() {
            let mut p = Paragraph::new();
            if let Some(level) = self.heading {
                p = p.style(&format!("Heading{level}")).keep_next(true);
            }
            if let Some((numbering, level)) = self.item.take() {
                p = p.numbering(NumberingId::new(numbering), IndentLevel::new(level));
            } else if !self.lists.is_empty() {
                // A later paragraph of a list item lines up with its text.
                let indent = 360 * self.lists.len() as i32;
                p = p.indent(Some(indent), None, None, None);
            }
            if self.quote > 0 {
                p = p.indent(Some(567 * self.quote as i32), None, None, None);
            }
            if self.code_block {
                p = p.line_spacing(LineSpacing::new().after(0));
            }
            if self.letterhead {
                p = p.align(AlignmentType::Right);
            }
            if self.small_print {
                p = p.line_spacing(
                    LineSpacing::new()
                        .after(40)
                        .line(230)
                        .line_rule(LineSpacingType::Auto),
                );
            }
            if self.table.is_none() && self.page_break {
                p = p.page_break_before(true);
                self.page_break = false;
            }
            self.paragraph = Some(p);
        }
        self.paragraph.as_mut().expect("just set")
    }

    fn finish_paragraph(&mut self) {
        if self.table.is_some() {
            return;
        }
        if let Some(p) = self.paragraph.take() {
            self.push(Block::Paragraph(Box::new(p)));
        }
    }

    fn push(&mut self, block: Block) {
        if self.page_break {
            // The next document starts with a table or a rule: an empty paragraph carries
            // the page break.
            self.page_break = false;
            self.blocks.push(Block::Paragraph(Box::new(
                Paragraph::new().page_break_before(true),
            )));
        }
        self.blocks.push(block);
    }
}
