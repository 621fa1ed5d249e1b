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
    /// How long a bar is: against the largest value, or a fixed axis.
    pub scale: Scale,
}

/// The axis a chart's bars are measured against.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Scale {
    /// The longest bar is the largest value (counts, money): no axis drawn.
    #[default]
    Largest,
    /// Shares, 0% to 100%, with the axis marked every 25%: half is half the width.
    Percent,
    /// A fixed axis from 0 to `max`, marked at each of `ticks` (value, words).
    Fixed { max: f64, ticks: Vec<(f64, String)> },
}

const WIDTH: f64 = 680.0;
const VALUE_W: f64 = 110.0;
const BAR_H: f64 = 16.0;
const GAP: f64 = 10.0;
const LEGEND_H: f64 = 26.0;
/// Room under the bars for the axis marks.
const AXIS_H: f64 = 22.0;

/// The patterns, in series order: black, diagonal hatch, dots, cross-hatch.
const PATTERNS: [&str; 4] = ["solid", "hatch", "dots", "cross"];

/// Where a chart's parts go, in pixels (and the value at the right of the plot).
struct Layout {
    max: f64,
    n_series: usize,
    group_h: f64,
    top: f64,
    bars_end: f64,
    height: f64,
    label_w: f64,
    plot_w: f64,
}

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
    /// Whether every value is withheld (or there is none): then there is nothing to draw,
    /// and the page says so in a sentence instead ([`BarChart::withheld_words`]).
    pub fn nothing_shown(&self) -> bool {
        self.series
            .iter()
            .all(|s| s.values.iter().all(Option::is_none))
    }

    /// The sentence that stands in for a chart whose every value is withheld.
    pub fn withheld_words(&self) -> String {
        format!(
            "{}: the figures this chart would draw are withheld to protect the pupils they count, so there is no chart.",
            self.title
        )
    }

    /// The axis marks: (value, words), for a fixed scale.
    fn ticks(&self) -> Vec<(f64, String)> {
        match &self.scale {
            Scale::Largest => Vec::new(),
            Scale::Percent => [0.0, 25.0, 50.0, 75.0, 100.0]
                .into_iter()
                .map(|v| (v, format!("{v}%")))
                .collect(),
            Scale::Fixed { ticks, .. } => ticks.clone(),
        }
    }

    /// The chart as one `<svg>` element; `id` must be unique in the page (pattern ids).
    pub fn svg(&self, id: &str) -> String {
        let ticks = self.ticks();
        let l = self.layout(!ticks.is_empty());
        let mut s = String::new();
        self.head(&mut s, id, &l);
        // The axis, and on a fixed scale a light line and its words at each mark.
        let _ = write!(
            s,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#000\"/>",
            l.label_w,
            l.top - 4.0,
            l.label_w,
            l.bars_end + 2.0
        );
        for (v, words) in &ticks {
            let x = l.label_w + v / l.max * l.plot_w;
            let _ = write!(
                s,
                "<line x1=\"{x:.1}\" y1=\"{}\" x2=\"{x:.1}\" y2=\"{}\" stroke=\"#999\" stroke-width=\"0.5\" stroke-dasharray=\"2 2\"/><text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#333\">{}</text>",
                l.top - 4.0,
                l.bars_end + 2.0,
                l.bars_end + 16.0,
                escape_html(words)
            );
        }
        for ci in 0..self.categories.len() {
            self.category(&mut s, id, &l, ci);
        }
        s.push_str("</svg>");
        s
    }

    /// Where everything goes: the scale's top, the bars' rows, the room for the names.
    fn layout(&self, has_ticks: bool) -> Layout {
        let largest = self
            .series
            .iter()
            .flat_map(|s| s.values.iter().flatten())
            .fold(0.0f64, |a, b| a.max(*b));
        let max = match &self.scale {
            Scale::Largest => largest,
            Scale::Percent => 100.0,
            Scale::Fixed { max, .. } => *max,
        };
        let n_series = self.series.len().max(1);
        let group_h = BAR_H * n_series as f64 + GAP;
        let top = 30.0 + if self.series.len() > 1 { LEGEND_H } else { 0.0 };
        let bars_end = top + group_h * self.categories.len() as f64;
        let height = bars_end + 10.0 + if has_ticks { AXIS_H } else { 0.0 };
        // Room for the longest category name (about 6.5 px a character at 12 px).
        let longest = self
            .categories
            .iter()
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(0);
        let label_w = (longest as f64 * 6.5 + 12.0).clamp(60.0, 300.0);
        Layout {
            max,
            n_series,
            group_h,
            top,
            bars_end,
            height,
            label_w,
            plot_w: WIDTH - label_w - VALUE_W,
        }
    }

    /// The opening tag with the title and description read aloud, the title shown, and a
    /// legend when there is more than one series.
    fn head(&self, s: &mut String, id: &str, l: &Layout) {
        let height = l.height;
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
    }

    /// One category: its name, and a bar with its words for each series.
    fn category(&self, s: &mut String, id: &str, l: &Layout, ci: usize) {
        let (label_w, max, plot_w) = (l.label_w, l.max, l.plot_w);
        let y0 = l.top + l.group_h * ci as f64;
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            label_w - 6.0,
            y0 + BAR_H * l.n_series as f64 / 2.0 + 4.0,
            escape_html(&self.categories[ci])
        );
        for (si, se) in self.series.iter().enumerate() {
            let y = y0 + BAR_H * si as f64;
            let v = se.values.get(ci).copied().flatten();
            let w = match v {
                Some(v) if max > 0.0 => {
                    (v.min(max) / max * plot_w).max(if v > 0.0 { 1.0 } else { 0.0 })
                }
                _ => 0.0,
            };
            if w > 0.0 {
                let _ = write!(
                    s,
                    "<rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{}\" stroke=\"#000\" stroke-width=\"0.8\"/>",
                    BAR_H - 2.0,
                    fill(id, si)
                );
            }
            let label = se.labels.get(ci).map_or("", String::as_str);
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{}\">{}</text>",
                label_w + w + 4.0,
                y + BAR_H - 5.0,
                escape_html(label)
            );
        }
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
            scale: Scale::Largest,
        };
        let svg = c.svg("r");
        assert_eq!(svg.matches("<rect x=\"60\"").count(), 3);
        assert!(svg.contains("fewer than 5"));
        assert!(svg.contains("&lt;on&gt;"));
        assert!(svg.contains("url(#r-hatch)"));
        assert!(!svg.contains("<script"));
        assert!(!c.nothing_shown());
    }

    fn share_chart(values: Vec<Option<f64>>) -> BarChart {
        BarChart {
            title: "Duties done on time".into(),
            desc: String::new(),
            categories: values.iter().map(|_| "A duty".to_string()).collect(),
            series: vec![Series {
                name: "on time".into(),
                labels: values
                    .iter()
                    .map(|v| v.map_or("withheld".to_string(), |v| format!("{v}%")))
                    .collect(),
                values,
            }],
            scale: Scale::Percent,
        }
    }

    #[test]
    fn a_share_of_half_fills_half_the_axis() {
        let svg = share_chart(vec![Some(50.0)]).svg("s");
        // The plot runs from the label column to WIDTH - VALUE_W.
        let label_w = 60.0;
        let half = (WIDTH - VALUE_W - label_w) / 2.0;
        assert!(svg.contains(&format!("width=\"{half:.1}\"")), "{svg}");
        for mark in ["0%", "25%", "50%", "75%", "100%"] {
            assert!(svg.contains(&format!(">{mark}</text>")), "{mark}");
        }
    }

    #[test]
    fn a_chart_with_every_value_withheld_is_not_drawn_but_said() {
        let c = share_chart(vec![None, None]);
        assert!(c.nothing_shown());
        assert_eq!(
            c.withheld_words(),
            "Duties done on time: the figures this chart would draw are withheld to protect the pupils they count, so there is no chart."
        );
    }
}
