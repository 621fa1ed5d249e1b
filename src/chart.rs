//! Charts as inline SVG, drawn by hand: horizontal bars, grouped by category, each series
//! filled with its own pattern (solid, hatched, dotted) so the chart reads in black and white,
//! with every value written beside its bar and a `<title>`/`<desc>` text alternative.
//!
//! Written here rather than with a plotting crate: the crates that draw SVG (plotters,
//! charming) either need fonts at build time, emit JavaScript, or cannot put a pattern and a
//! written value on each bar; a bar chart is a few rectangles and labels.

use std::fmt::Write;

use crate::render::escape_html;

/// One series of a chart: a value per category, or `None` where the value is not shown
/// (a suppressed count), with the text written beside the bar.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
    pub labels: Vec<String>,
}

/// A horizontal bar chart.
#[derive(Debug, Clone)]
pub struct BarChart {
    /// A short title, also the SVG's accessible name.
    pub title: String,
    /// The text alternative: what the chart shows, in words and figures.
    pub desc: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

const WIDTH: f64 = 640.0;
const LABEL_W: f64 = 190.0;
const VALUE_W: f64 = 110.0;
const BAR_H: f64 = 16.0;
const GAP: f64 = 10.0;
const LEGEND_H: f64 = 26.0;

/// The patterns, in series order: black, diagonal hatch, dots, cross-hatch.
const PATTERNS: [&str; 4] = ["solid", "hatch", "dots", "cross"];

fn defs(id: &str) -> String {
    format!(
        "<defs>\
<pattern id=\"{id}-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#000\" stroke-width=\"2.5\"/></pattern>\
<pattern id=\"{id}-dots\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\"><rect width=\"5\" height=\"5\" fill=\"#fff\"/><circle cx=\"2.5\" cy=\"2.5\" r=\"1.3\" fill=\"#000\"/></pattern>\
<pattern id=\"{id}-cross\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/><path d=\"M0 0L6 6M6 0L0 6\" stroke=\"#000\" stroke-width=\"1\"/></pattern>\
</defs>"
    )
}

fn fill(id: &str, series: usize) -> String {
    match PATTERNS[series % PATTERNS.len()] {
        "solid" => "#222".to_string(),
        p => format!("url(#{id}-{p})"),
    }
}

impl BarChart {
    /// The chart as one `<svg>` element; `id` must be unique in the page (pattern ids).
    pub fn svg(&self, id: &str) -> String {
        let max = self
            .series
            .iter()
            .flat_map(|s| s.values.iter().flatten())
            .fold(0.0f64, |a, b| a.max(*b));
        let n_series = self.series.len().max(1);
        let group_h = BAR_H * n_series as f64 + GAP;
        let top = 30.0 + if self.series.len() > 1 { LEGEND_H } else { 0.0 };
        let height = top + group_h * self.categories.len() as f64 + 10.0;
        let plot_w = WIDTH - LABEL_W - VALUE_W;
        let mut s = String::new();
        let _ = write!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" aria-labelledby=\"{id}-title {id}-desc\" font-family=\"sans-serif\" font-size=\"12\">\
<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>{}",
            escape_html(&self.title),
            escape_html(&self.desc),
            defs(id)
        );
        let _ = write!(
            s,
            "<text x=\"0\" y=\"16\" font-size=\"14\" font-weight=\"bold\">{}</text>",
            escape_html(&self.title)
        );
        if self.series.len() > 1 {
            let mut x = 0.0;
            for (i, se) in self.series.iter().enumerate() {
                let _ = write!(
                    s,
                    "<rect x=\"{x}\" y=\"28\" width=\"16\" height=\"12\" fill=\"{}\" stroke=\"#000\"/><text x=\"{}\" y=\"38\">{}</text>",
                    fill(id, i),
                    x + 22.0,
                    escape_html(&se.name)
                );
                x += 40.0 + 7.0 * se.name.chars().count() as f64;
            }
        }
        // The axis.
        let _ = write!(
            s,
            "<line x1=\"{LABEL_W}\" y1=\"{}\" x2=\"{LABEL_W}\" y2=\"{}\" stroke=\"#000\"/>",
            top - 4.0,
            height - 8.0
        );
        for (ci, cat) in self.categories.iter().enumerate() {
            let y0 = top + group_h * ci as f64;
            let _ = write!(
                s,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                LABEL_W - 6.0,
                y0 + BAR_H * n_series as f64 / 2.0 + 4.0,
                escape_html(cat)
            );
            for (si, se) in self.series.iter().enumerate() {
                let y = y0 + BAR_H * si as f64;
                let v = se.values.get(ci).copied().flatten();
                let w = match v {
                    Some(v) if max > 0.0 => (v / max * plot_w).max(if v > 0.0 { 1.0 } else { 0.0 }),
                    _ => 0.0,
                };
                if w > 0.0 {
                    let _ = write!(
                        s,
                        "<rect x=\"{LABEL_W}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{}\" stroke=\"#000\" stroke-width=\"0.8\"/>",
                        BAR_H - 2.0,
                        fill(id, si)
                    );
                }
                let label = se.labels.get(ci).map_or("", String::as_str);
                let _ = write!(
                    s,
                    "<text x=\"{:.1}\" y=\"{}\">{}</text>",
                    LABEL_W + w + 4.0,
                    y + BAR_H - 5.0,
                    escape_html(label)
                );
            }
        }
        s.push_str("</svg>");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suppressed_value_has_no_bar_but_keeps_its_words() {
        let c = BarChart {
            title: "Register".into(),
            desc: "Pupils <on> the register".into(),
            categories: vec!["Autumn".into(), "Spring".into()],
            series: vec![
                Series {
                    name: "SEN support".into(),
                    values: vec![Some(10.0), None],
                    labels: vec!["10".into(), "fewer than 5".into()],
                },
                Series {
                    name: "EHC plan".into(),
                    values: vec![Some(5.0), Some(6.0)],
                    labels: vec!["5".into(), "6".into()],
                },
            ],
        };
        let svg = c.svg("r");
        assert_eq!(svg.matches("<rect x=\"190\"").count(), 3);
        assert!(svg.contains("fewer than 5"));
        assert!(svg.contains("&lt;on&gt;"));
        assert!(svg.contains("url(#r-hatch)"));
        assert!(!svg.contains("<script"));
    }
}
