//! The [`Canvas`] the map code draws on, implemented on plotters' backends:
//! [`PlotPng`] on `BitMapBackend` (over an RGB buffer `supersample` times the
//! page size, shrunk by averaging, then encoded), [`PlotSvg`] on
//! `SVGBackend`. Every pixel and every element is written by a backend call;
//! what plotters lacks is built here from its primitives:
//!
//! - Holes. `fill_polygon` takes one ring. On the bitmap the even-odd spans
//!   of all rings are computed here and each span is a `draw_rect` one pixel
//!   high. On the SVG the rings are oriented by nesting depth and joined by
//!   zero-width bridges into one ring ([`keyhole`]), so the single
//!   `<polygon>` plotters writes (nonzero rule) has its holes, without the
//!   hairline seams that triangles show in anti-aliasing viewers.
//! - Hatching: hatch lines on a lattice fixed to the page (so the legend
//!   matches the map) clipped to the rings by the even-odd rule
//!   ([`hatch_segments`]); `draw_line` on the SVG.
//! - Lines on the bitmap: plotters' `draw_line` and `draw_path` take
//!   whole-pixel widths, are aliased (hairlines came out unevenly heavy) and
//!   fill wide lines through its polygon rasteriser, whose spans run a pixel
//!   past the edge (a 0.28 mm hatch line printed a third too heavy); they have
//!   no round joins. So strokes are anti-aliased round-capped capsules whose
//!   coverage is written with `draw_pixel` (alpha), and hatch lines are bands
//!   painted through the same `draw_rect` spans as fills (hatch colours stay
//!   exact, as in the legend). On the SVG, `draw_path` (a `<polyline>`).
//! - Dashes: the path is cut into its dashes ([`dashes`]).
//! - Text: plotters' text with the Chinese face registered under an explicit
//!   name (see [`super::font`]); on the bitmap glyph by glyph, from anchors
//!   that undo plotters' dropped side bearings. Label halos on the bitmap: the
//!   coverage plotters' text style rasterises, dilated, drawn with `draw_pixel`.
//!
//! What plotters' SVG backend cannot write is added to the elements it wrote
//! (each drawing call goes to its own `SVGBackend::with_string`, and its
//! elements are appended to the page): `<g id>` layers, round
//! `stroke-linejoin`/`stroke-linecap` on `<polyline>`s, and label halos
//! (`stroke` and `paint-order` on the `<text>`); the document root (size in
//! mm, title) is written here. The SVG backend takes whole coordinates, so it
//! draws at [`SVG_UNITS`] units per page pixel. The PNG is encoded here
//! because plotters' encoder cannot record the print resolution. Both outputs
//! are deterministic: the same calls give the same bytes.

use super::font::{CjkFont, GlyphRaster};
use plotters::prelude::{BitMapBackend, DrawingBackend, SVGBackend};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, RGBAColor, RGBColor, ShapeStyle, TextStyle as PlotText};
use plotters_backend::{BackendColor, BackendTextStyle, DrawingErrorKind};
use std::fmt::Write as _;
use std::sync::Arc;

/// A point on the page, in output pixels (origin top left, y down).
pub(crate) type Pt = (f64, f64);

/// An opaque colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// White.
pub(crate) const WHITE: Rgb = Rgb(255, 255, 255);

/// Direction of hatch lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HatchDir {
    /// `/`
    Rising,
    /// `\`
    Falling,
}

/// How an area is filled.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Fill {
    /// One colour.
    Solid(Rgb),
    /// Lines of `ink` over `bg` (or over what is below, when `None`);
    /// `spacing` and `width` in px, measured across the lines.
    Hatch {
        /// Background colour; `None` leaves the background as drawn.
        bg: Option<Rgb>,
        /// Line colour.
        ink: Rgb,
        /// Distance between lines, px.
        spacing: f64,
        /// Line width, px.
        width: f64,
        /// Direction.
        dir: HatchDir,
    },
}

/// How a line is drawn. Round joins and caps.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Line {
    /// Colour.
    pub color: Rgb,
    /// Width, px.
    pub width: f64,
    /// Dash pattern (on, off, …) in px; empty for solid.
    pub dash: Vec<f64>,
}

impl Line {
    /// A solid line.
    pub fn solid(color: Rgb, width: f64) -> Line {
        Line { color, width, dash: Vec::new() }
    }
}

/// Horizontal alignment of text on its anchor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Align {
    /// Anchor at the start.
    Left,
    /// Anchor in the middle.
    Center,
    /// Anchor at the end.
    Right,
}

/// How text is drawn; the anchor is on the baseline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct TextStyle {
    /// Em size, px.
    pub em: f64,
    /// Colour.
    pub color: Rgb,
    /// A halo of this colour and width (px) around the glyphs, for labels over the map.
    pub halo: Option<(Rgb, f64)>,
    /// Alignment on the anchor.
    pub align: Align,
}

/// What the map drawing code draws on.
pub(crate) trait Canvas {
    /// Starts a named layer (an SVG group).
    fn begin(&mut self, layer: &str);
    /// Ends the layer.
    fn end(&mut self);
    /// Fills rings by the even-odd rule (holes are rings inside rings).
    fn fill(&mut self, rings: &[Vec<Pt>], fill: &Fill);
    /// Strokes an open path (repeat the first point to close it).
    fn stroke(&mut self, path: &[Pt], line: &Line);
    /// Draws one line of text with its baseline anchor at `at`.
    fn text(&mut self, text: &str, at: Pt, style: &TextStyle);
}

/// Splits a path into its dashes (each an open path).
fn dashes(path: &[Pt], pattern: &[f64]) -> Vec<Vec<Pt>> {
    if pattern.is_empty() || pattern.iter().any(|d| *d <= 0.0) {
        return vec![path.to_vec()];
    }
    let mut out = Vec::new();
    let (mut k, mut left, mut on) = (0usize, pattern[0], true);
    let mut cur: Vec<Pt> = path.first().map(|p| vec![*p]).unwrap_or_default();
    for w in path.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = (b.0 - a.0).hypot(b.1 - a.1);
        let mut t0 = 0.0;
        while len - t0 > left {
            t0 += left;
            let p = (a.0 + (b.0 - a.0) * t0 / len, a.1 + (b.1 - a.1) * t0 / len);
            if on {
                if cur.last() != Some(&p) {
                    cur.push(p);
                }
                out.push(std::mem::take(&mut cur));
            } else {
                cur = vec![p];
            }
            on = !on;
            k = (k + 1) % pattern.len();
            left = pattern[k];
        }
        left -= len - t0;
        if on && cur.last() != Some(&b) {
            cur.push(b);
        }
    }
    if on && cur.len() > 1 {
        out.push(cur);
    }
    out
}

// ---------------------------------------------------------------- geometry for both backends

/// Whether `p` is inside `ring` (crossing number).
fn inside(p: Pt, ring: &[Pt]) -> bool {
    let mut c = false;
    for i in 0..ring.len() {
        let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
        if (a.1 > p.1) != (b.1 > p.1) && p.0 < a.0 + (p.1 - a.1) * (b.0 - a.0) / (b.1 - a.1) {
            c = !c;
        }
    }
    c
}

/// Twice the signed area of a ring (its sign tells the orientation).
fn area2(r: &[Pt]) -> f64 {
    (0..r.len())
        .map(|i| {
            let (a, b) = (r[i], r[(i + 1) % r.len()]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum()
}

/// One ring whose fill, by the nonzero or the even-odd rule, is the even-odd
/// fill of `rings`: each ring is oriented by its nesting depth (outer rings
/// one way, holes the other) and all are joined to the first point by
/// zero-width bridges (there and back on the same line).
pub(crate) fn keyhole(rings: &[Vec<Pt>]) -> Vec<Pt> {
    let rings: Vec<&Vec<Pt>> = rings.iter().filter(|r| r.len() >= 3 && area2(r) != 0.0).collect();
    let mut oriented: Vec<Vec<Pt>> = Vec::with_capacity(rings.len());
    for (i, r) in rings.iter().enumerate() {
        let probe = r[0];
        let depth = rings.iter().enumerate().filter(|(j, o)| *j != i && inside(probe, o)).count();
        let mut r = r.to_vec();
        if (area2(&r) > 0.0) != (depth % 2 == 0) {
            r.reverse();
        }
        oriented.push(r);
    }
    let Some(start) = oriented.first().map(|r| r[0]) else { return Vec::new() };
    let mut out = Vec::new();
    for r in &oriented {
        out.extend_from_slice(r);
        out.push(r[0]);
        out.push(start);
    }
    out.pop();
    out
}

/// The hatch lines inside `rings` (even-odd), `spacing` px apart, as
/// segments. The lines lie on a lattice fixed to the page, so neighbouring
/// areas and the legend swatch line up.
pub(crate) fn hatch_segments(rings: &[Vec<Pt>], spacing: f64, dir: HatchDir) -> Vec<(Pt, Pt)> {
    let step = spacing * std::f64::consts::SQRT_2;
    // s names the line, t runs along it.
    let st = |q: Pt| match dir {
        HatchDir::Rising => (q.0 + q.1, q.0 - q.1),
        HatchDir::Falling => (q.0 - q.1, q.0 + q.1),
    };
    let back = |s: f64, t: f64| match dir {
        HatchDir::Rising => ((s + t) / 2.0, (s - t) / 2.0),
        HatchDir::Falling => ((s + t) / 2.0, (t - s) / 2.0),
    };
    let edges: Vec<(Pt, Pt)> = rings
        .iter()
        .flat_map(|r| (0..r.len()).map(move |i| (st(r[i]), st(r[(i + 1) % r.len()]))))
        .filter(|(a, b)| a.0.is_finite() && a.1.is_finite() && b.0.is_finite() && b.1.is_finite())
        .collect();
    let (lo, hi) = edges.iter().fold((f64::MAX, f64::MIN), |(lo, hi), (a, _)| (lo.min(a.0), hi.max(a.0)));
    if !(step > 0.0 && lo <= hi) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut ts = Vec::new();
    for k in (lo / step).ceil() as i64..=(hi / step).floor() as i64 {
        let s = k as f64 * step;
        ts.clear();
        for (a, b) in &edges {
            if (a.0 <= s) != (b.0 <= s) {
                ts.push(a.1 + (b.1 - a.1) * (s - a.0) / (b.0 - a.0));
            }
        }
        ts.sort_by(f64::total_cmp);
        for pair in ts.chunks_exact(2) {
            if pair[1] > pair[0] {
                out.push((back(s, pair[0]), back(s, pair[1])));
            }
        }
    }
    out
}

/// A page point in backend units.
fn ip(p: Pt, k: f64) -> (i32, i32) {
    ((p.0 * k).round() as i32, (p.1 * k).round() as i32)
}

fn shape(c: Rgb, width: u32, filled: bool) -> ShapeStyle {
    ShapeStyle { color: RGBAColor(c.0, c.1, c.2, 1.0), filled, stroke_width: width }
}

/// A backend error as text.
fn e<E: std::error::Error + Send + Sync>(r: Result<(), DrawingErrorKind<E>>) -> Result<(), String> {
    r.map_err(|e| e.to_string())
}

/// Plotters' text style for the registered Chinese face: `size` is plotters'
/// size (for the bitmap, the pixel height ascent − descent; for the SVG,
/// 1.24 × the font-size it writes).
fn plot_text<'a>(font: &'a CjkFont, size: f64, color: Rgb, h: HPos) -> PlotText<'a> {
    FontDesc::from((FontFamily::Name(&font.plotters_name), size))
        .color(&RGBColor(color.0, color.1, color.2))
        .pos(Pos::new(h, VPos::Top))
}

// ---------------------------------------------------------------- PNG

/// Glyph `c` at `size` as plotters' text style `ts` (left-top anchored,
/// unrotated) rasterises it, from the font's cache or rasterised once.
fn glyph_raster(font: &CjkFont, ts: &PlotText<'_>, c: char, size: f64) -> Result<Arc<GlyphRaster>, String> {
    let key = (c, size.to_bits());
    if let Some(r) = font.rasters.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Ok(r);
    }
    let fail = || format!("plotters cannot draw text in font {}", font.plotters_name);
    let mut one = [0u8; 4];
    let text = c.encode_utf8(&mut one);
    let mut cov = Vec::new();
    let drawn = ts.draw(text, (0, 0), |x, y, color: BackendColor| {
        cov.push((x, y, color.alpha));
        Ok::<(), ()>(())
    });
    if !matches!(drawn, Ok(Ok(()))) {
        return Err(fail());
    }
    let ((min_x, min_y), _) = ts.layout_box(text).map_err(|_| fail())?;
    let r = Arc::new(GlyphRaster { cov, offset: (-min_x, -min_y) });
    if let Ok(mut m) = font.rasters.lock() {
        m.insert(key, Arc::clone(&r));
    }
    Ok(r)
}

/// Draws on plotters' `BitMapBackend` over an RGB buffer `ss` times the page size.
pub(crate) struct PlotPng {
    w: u32,
    h: u32,
    ss: u32,
    buf: Vec<u8>,
    /// Per-pixel coverage of the stroke being drawn (so joins are not darkened twice).
    scratch: Vec<u8>,
    touched: Vec<usize>,
    font: Arc<CjkFont>,
    err: Option<String>,
}

impl PlotPng {
    /// A white page of `width` × `height` output pixels, supersampled `ss` times.
    pub fn new(width: u32, height: u32, ss: u32, font: Arc<CjkFont>) -> PlotPng {
        let ss = ss.max(1);
        let (w, h) = (width * ss, height * ss);
        let buf = vec![255; w as usize * h as usize * 3];
        PlotPng { w, h, ss, buf, scratch: Vec::new(), touched: Vec::new(), font, err: None }
    }

    fn k(&self) -> f64 {
        f64::from(self.ss)
    }

    /// Runs `f` on a bitmap backend over the buffer; keeps the first error.
    fn run(&mut self, f: impl FnOnce(&mut BitMapBackend<'_>) -> Result<(), String>) {
        let r = {
            let mut b = BitMapBackend::with_buffer(&mut self.buf, (self.w, self.h));
            f(&mut b)
        };
        if let Err(m) = r {
            self.err.get_or_insert(m);
        }
    }

    /// The page at output size, RGB, rows top to bottom; or the first drawing error.
    pub fn into_rgb(self) -> Result<(u32, u32, Vec<u8>), String> {
        if let Some(m) = self.err {
            return Err(m);
        }
        let s = self.ss as usize;
        let (sw, w, h) = (self.w as usize, self.w as usize / s, self.h as usize / s);
        if s == 1 {
            return Ok((w as u32, h as u32, self.buf));
        }
        let mut out = vec![0u8; w * h * 3];
        let n = (s * s) as u32;
        // row by row: the s source rows of an output row are summed into
        // one accumulator row, then averaged (rounded)
        let mut acc = vec![0u32; w * 3];
        for (y, out_row) in out.chunks_exact_mut(w * 3).enumerate() {
            acc.fill(0);
            for sy in 0..s {
                let start = (y * s + sy) * sw * 3;
                let src = &self.buf[start..start + w * s * 3];
                if s == 2 {
                    // (the default: two source pixels per output pixel and row)
                    for (a, px) in acc.chunks_exact_mut(3).zip(src.chunks_exact(6)) {
                        a[0] += u32::from(px[0]) + u32::from(px[3]);
                        a[1] += u32::from(px[1]) + u32::from(px[4]);
                        a[2] += u32::from(px[2]) + u32::from(px[5]);
                    }
                    continue;
                }
                for (a, block) in acc.chunks_exact_mut(3).zip(src.chunks_exact(s * 3)) {
                    for px in block.chunks_exact(3) {
                        a[0] += u32::from(px[0]);
                        a[1] += u32::from(px[1]);
                        a[2] += u32::from(px[2]);
                    }
                }
            }
            if n.is_power_of_two() {
                let shift = n.trailing_zeros();
                for (o, a) in out_row.iter_mut().zip(&acc) {
                    *o = ((a + n / 2) >> shift) as u8;
                }
            } else {
                for (o, a) in out_row.iter_mut().zip(&acc) {
                    *o = ((a + n / 2) / n) as u8;
                }
            }
        }
        Ok((w as u32, h as u32, out))
    }
}

/// The even-odd spans of `rings` (backend px) on each pixel row whose centre
/// they cover: (row, first x, end x), the end excluded.
fn spans(rings: &[Vec<Pt>], w: u32, h: u32) -> Vec<(i32, i32, i32)> {
    let mut edges: Vec<(f64, f64, f64, f64)> = Vec::new(); // x at top, y top, y bottom, dx/dy
    for r in rings {
        for i in 0..r.len() {
            let (a, b) = (r[i], r[(i + 1) % r.len()]);
            if a.1 == b.1 || !(a.1.is_finite() && b.1.is_finite() && a.0.is_finite() && b.0.is_finite()) {
                continue;
            }
            let (t, bt) = if a.1 < b.1 { (a, b) } else { (b, a) };
            edges.push((t.0, t.1, bt.1, (bt.0 - t.0) / (bt.1 - t.1)));
        }
    }
    let mut out = Vec::new();
    if edges.is_empty() {
        return out;
    }
    edges.sort_by(|a, b| a.1.total_cmp(&b.1));
    let ymax = edges.iter().map(|e| e.2).fold(f64::MIN, f64::max).min(f64::from(h));
    let (mut next, mut active, mut xs) = (0usize, Vec::<usize>::new(), Vec::<f64>::new());
    let mut row = (edges[0].1.max(0.0) - 0.5).ceil().max(0.0) as i64;
    while (row as f64) + 0.5 < ymax {
        let y = row as f64 + 0.5;
        while next < edges.len() && edges[next].1 <= y {
            active.push(next);
            next += 1;
        }
        active.retain(|&e| edges[e].2 > y);
        xs.clear();
        xs.extend(active.iter().filter(|&&e| edges[e].1 <= y).map(|&e| edges[e].0 + (y - edges[e].1) * edges[e].3));
        xs.sort_by(f64::total_cmp);
        for pair in xs.chunks_exact(2) {
            let x0 = (pair[0] - 0.5).ceil().max(0.0) as i64;
            let x1 = ((pair[1] - 0.5).ceil().max(0.0) as i64).min(i64::from(w));
            if x1 > x0 {
                out.push((row as i32, x0 as i32, x1 as i32));
            }
        }
        row += 1;
    }
    out
}

/// Splits a fill into its background colour and its hatch (ink, width, segments).
type Hatch = Option<(Rgb, f64, Vec<(Pt, Pt)>)>;

fn split_fill(rings: &[Vec<Pt>], fill: &Fill) -> (Option<Rgb>, Hatch) {
    match *fill {
        Fill::Solid(c) => (Some(c), None),
        Fill::Hatch { bg, ink, spacing, width, dir } => (bg, Some((ink, width, hatch_segments(rings, spacing, dir)))),
    }
}

/// The quad of a line from `a` to `b`, `w` wide, with butt ends.
fn band(a: Pt, b: Pt, w: f64) -> Vec<Pt> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let l = dx.hypot(dy);
    if l == 0.0 {
        return Vec::new();
    }
    let (nx, ny) = (-dy / l * w / 2.0, dx / l * w / 2.0);
    vec![(a.0 + nx, a.1 + ny), (b.0 + nx, b.1 + ny), (b.0 - nx, b.1 - ny), (a.0 - nx, a.1 - ny)]
}

impl PlotPng {
    /// Adds a round-capped segment of half-width `r` (backend px) to the
    /// stroke coverage: anti-aliased by distance, so hairlines keep an even
    /// weight (plotters' lines are aliased and whole pixels wide).
    fn capsule(&mut self, a: Pt, b: Pt, r: f64) {
        let (w, h) = (f64::from(self.w), f64::from(self.h));
        let (x0, x1) = ((a.0.min(b.0) - r - 1.0).floor().max(0.0), (a.0.max(b.0) + r + 1.0).ceil().min(w));
        let (y0, y1) = ((a.1.min(b.1) - r - 1.0).floor().max(0.0), (a.1.max(b.1) + r + 1.0).ceil().min(h));
        if x0 >= x1 || y0 >= y1 {
            return;
        }
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len2 = dx * dx + dy * dy;
        let inv_len2 = if len2 > 0.0 { 1.0 / len2 } else { 0.0 };
        // most pixels of a long slanted segment's box are far from it: the
        // squared distance rules them out without the (slow) hypot, with a
        // margin so that every pixel it could cover still gets it
        let reach2 = (r + 0.5) * (r + 0.5) * (1.0 + 1e-9) + 1e-9;
        for y in y0 as usize..y1 as usize {
            for x in x0 as usize..x1 as usize {
                let (px, py) = (x as f64 + 0.5, y as f64 + 0.5);
                let t = (((px - a.0) * dx + (py - a.1) * dy) * inv_len2).clamp(0.0, 1.0);
                let (ex, ey) = (px - a.0 - t * dx, py - a.1 - t * dy);
                let d2 = ex * ex + ey * ey;
                if d2 > reach2 {
                    continue;
                }
                let d = d2.sqrt();
                let cov = (r + 0.5 - d).clamp(0.0, 1.0);
                if cov > 0.0 {
                    let i = y * self.w as usize + x;
                    let c = (cov * 255.0).round() as u8;
                    if self.scratch[i] == 0 {
                        self.touched.push(i);
                    }
                    self.scratch[i] = self.scratch[i].max(c);
                }
            }
        }
    }

    /// Paints each polygon (backend px) in `color`, as `draw_rect` spans.
    ///
    /// Hatch lines are painted this way rather than with plotters'
    /// `draw_line`, which takes whole-pixel widths and fills through plotters'
    /// polygon rasteriser, whose spans run one pixel past the edge (a 1.65 px
    /// hatch line came out about 2.2 px wide).
    fn paint(&mut self, polys: &[Vec<Pt>], color: Rgb) {
        let (w, h) = (self.w, self.h);
        let spans: Vec<(i32, i32, i32)> =
            polys.iter().filter(|p| p.len() >= 3).flat_map(|p| spans(std::slice::from_ref(p), w, h)).collect();
        self.run(|b| {
            let st = shape(color, 1, true);
            for (y, x0, x1) in spans {
                e(b.draw_rect((x0, y), (x1, y + 1), &st, true))?;
            }
            Ok(())
        });
    }
}

impl Canvas for PlotPng {
    fn begin(&mut self, _layer: &str) {}

    fn end(&mut self) {}

    fn fill(&mut self, rings: &[Vec<Pt>], fill: &Fill) {
        let k = self.k();
        let scaled: Vec<Vec<Pt>> = rings.iter().map(|r| r.iter().map(|p| (p.0 * k, p.1 * k)).collect()).collect();
        let (bg, hatch) = split_fill(rings, fill);
        if let Some(c) = bg {
            // All rings at once: the even-odd spans leave the holes out.
            let spans = spans(&scaled, self.w, self.h);
            self.run(|b| {
                let st = shape(c, 1, true);
                for (y, x0, x1) in spans {
                    e(b.draw_rect((x0, y), (x1, y + 1), &st, true))?;
                }
                Ok(())
            });
        }
        if let Some((ink, width, segs)) = hatch {
            let w = (width * k).max(1.0);
            let quads: Vec<Vec<Pt>> =
                segs.iter().map(|(p, q)| band((p.0 * k, p.1 * k), (q.0 * k, q.1 * k), w)).collect();
            self.paint(&quads, ink);
        }
    }

    fn stroke(&mut self, path: &[Pt], line: &Line) {
        let (w, h) = (self.w as usize, self.h as usize);
        if self.scratch.len() != w * h {
            self.scratch = vec![0; w * h];
        }
        let k = self.k();
        let r = (line.width * k / 2.0).max(0.5);
        for piece in dashes(path, &line.dash) {
            if piece.len() == 1 {
                let p = (piece[0].0 * k, piece[0].1 * k);
                self.capsule(p, p, r);
            }
            for s in piece.windows(2) {
                let (a, b) = ((s[0].0 * k, s[0].1 * k), (s[1].0 * k, s[1].1 * k));
                if !(a.0.is_finite() && a.1.is_finite() && b.0.is_finite() && b.1.is_finite()) {
                    continue;
                }
                // Short pieces keep each capsule's box small.
                let n = ((b.0 - a.0).hypot(b.1 - a.1) / 24.0).ceil().max(1.0) as usize;
                for j in 0..n {
                    let (t0, t1) = (j as f64 / n as f64, (j + 1) as f64 / n as f64);
                    self.capsule(
                        (a.0 + (b.0 - a.0) * t0, a.1 + (b.1 - a.1) * t0),
                        (a.0 + (b.0 - a.0) * t1, a.1 + (b.1 - a.1) * t1),
                        r,
                    );
                }
            }
        }
        // The coverage, each pixel once, through the backend.
        let mut touched = std::mem::take(&mut self.touched);
        touched.sort_unstable();
        let pixels: Vec<((i32, i32), f64)> = touched
            .iter()
            .map(|&i| {
                let a = f64::from(self.scratch[i]) / 255.0;
                self.scratch[i] = 0;
                (((i % w) as i32, (i / w) as i32), a)
            })
            .collect();
        touched.clear();
        self.touched = touched;
        let rgb = (line.color.0, line.color.1, line.color.2);
        self.run(|b| {
            for (p, alpha) in pixels {
                e(b.draw_pixel(p, BackendColor { alpha, rgb }))?;
            }
            Ok(())
        });
    }

    fn text(&mut self, text: &str, at: Pt, style: &TextStyle) {
        let k = self.k();
        let em = style.em * k;
        let font = Arc::clone(&self.font);
        let size = em * font.px_per_em();
        let width = font.measure(text, em).width;
        let x = at.0 * k
            - match style.align {
                Align::Left => 0.0,
                Align::Center => width / 2.0,
                Align::Right => width,
            };
        let glyphs = font.plotters_glyph_anchors(text, size, x, at.1 * k);
        let halo = style.halo.map(|(c, w)| (c, (w * k).max(1.0)));
        let color = style.color;
        let (w, h) = (self.w as i32, self.h as i32);
        self.run(|b| {
            let ts = plot_text(&font, size, color, HPos::Left);
            let rasters = glyphs
                .iter()
                .map(|(c, pos)| Ok((glyph_raster(&font, &ts, *c, size)?, *pos)))
                .collect::<Result<Vec<(Arc<GlyphRaster>, (i32, i32))>, String>>()?;
            if let Some((hc, hr)) = halo {
                // The glyph coverage as plotters' text style rasterises it, dilated by a disc of radius hr.
                let cov: Vec<(i32, i32, f32)> = rasters
                    .iter()
                    .flat_map(|(r, pos)| r.cov.iter().map(move |&(x, y, a)| (pos.0 + x, pos.1 + y, a as f32)))
                    .collect();
                let ri = hr.ceil() as i32;
                // the disc's weights row by row: (dy, first dx, the weights
                // from there on, which are all positive: a disc meets a row
                // in one run), so that each row is one run of memory
                let disc: Vec<(i32, i32, Vec<f32>)> = (-ri..=ri)
                    .filter_map(|dy| {
                        let run: Vec<(i32, f32)> = (-ri..=ri)
                            .map(|dx| (dx, (hr + 0.5 - f64::from(dx * dx + dy * dy).sqrt()).clamp(0.0, 1.0) as f32))
                            .filter(|(_, w)| *w > 0.0)
                            .collect();
                        let first = run.first()?.0;
                        Some((dy, first, run.into_iter().map(|(_, w)| w).collect()))
                    })
                    .collect();
                if let (Some(x0), Some(y0)) = (cov.iter().map(|c| c.0).min(), cov.iter().map(|c| c.1).min()) {
                    let x1 = cov.iter().map(|c| c.0).max().unwrap_or(x0);
                    let y1 = cov.iter().map(|c| c.1).max().unwrap_or(y0);
                    let (bx, by) = (x0 - ri, y0 - ri);
                    let (bw, bh) = ((x1 - x0 + 2 * ri + 1) as usize, (y1 - y0 + 2 * ri + 1) as usize);
                    // the coverage per pixel (glyph boxes may overlap), then dilated
                    let mut grid = vec![0f32; bw * bh];
                    for &(x, y, v) in &cov {
                        let i = (y - by) as usize * bw + (x - bx) as usize;
                        grid[i] = grid[i].max(v);
                    }
                    // a pixel whose four neighbours are covered at least as much adds
                    // nothing: every pixel it reaches, a neighbour reaches closer
                    // (so with at least its weight, as a neighbour's own weight
                    // is full when the halo is 1.5 px or more)
                    let full_step = hr >= 1.5;
                    let mut dil = vec![0f32; bw * bh];
                    for (i, &v) in grid.iter().enumerate() {
                        if v <= 0.0 {
                            continue;
                        }
                        let (x, y) = (i % bw, i / bw);
                        let at = |x: usize, y: usize| grid[y * bw + x];
                        // (the covered pixels lie ri or more inside the grid's edges)
                        if full_step && at(x - 1, y) >= v && at(x + 1, y) >= v && at(x, y - 1) >= v && at(x, y + 1) >= v
                        {
                            continue;
                        }
                        for (dy, dx, ws) in &disc {
                            let j = (y as i32 + dy) as usize * bw + (x as i32 + dx) as usize;
                            for (d, w) in dil[j..j + ws.len()].iter_mut().zip(ws) {
                                *d = d.max(v * w);
                            }
                        }
                    }
                    for (i, a) in dil.iter().enumerate() {
                        if *a > 0.0 {
                            let p = (bx + (i % bw) as i32, by + (i / bw) as i32);
                            e(b.draw_pixel(p, BackendColor { alpha: f64::from(*a), rgb: (hc.0, hc.1, hc.2) }))?;
                        }
                    }
                }
            }
            // each glyph as plotters' `draw_text` paints it: its coverage at
            // the anchor plus the layout offset, inside the image, in the
            // text colour mixed by the coverage
            let ink = BackendTextStyle::color(&ts);
            for (r, pos) in &rasters {
                for &(x, y, a) in &r.cov {
                    let (x, y) = (pos.0 + x + r.offset.0, pos.1 + y + r.offset.1);
                    if x >= 0 && x < w && y >= 0 && y < h {
                        e(b.draw_pixel((x, y), ink.mix(a)))?;
                    }
                }
            }
            Ok(())
        });
    }
}

/// Encodes RGB rows as PNG with the print resolution (pHYs), so the file prints at its size.
pub(crate) fn encode_png(width: u32, height: u32, rgb: &[u8], dpi: f64) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, width, height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let ppm = (dpi / 0.0254).round() as u32;
        enc.set_pixel_dims(Some(png::PixelDimensions { xppu: ppm, yppu: ppm, unit: png::Unit::Meter }));
        let mut w = enc.write_header().map_err(|e| e.to_string())?;
        w.write_chunk(png::chunk::IDAT, &idat(width, rgb)?).map_err(|e| e.to_string())?;
        w.finish().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// The image data of an RGB PNG: every row filtered with `Up` (the
/// difference from the row above), then zlib at level 4. On map pages (flat
/// colours, hatching) that is 6 % smaller than the png crate's default
/// (`Sub`, level 6) and takes about 60% of its time.
fn idat(width: u32, rgb: &[u8]) -> Result<Vec<u8>, String> {
    use std::io::Write as _;
    let stride = width as usize * 3;
    if stride == 0 || rgb.len() % stride != 0 {
        return Err(format!("{} bytes are not rows of {width} RGB pixels", rgb.len()));
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(4));
    let mut row_out = vec![0u8; stride + 1];
    row_out[0] = 2; // Up
    let mut prev: &[u8] = &vec![0u8; stride];
    for row in rgb.chunks_exact(stride) {
        for ((o, &b), &a) in row_out[1..].iter_mut().zip(row).zip(prev) {
            *o = b.wrapping_sub(a);
        }
        z.write_all(&row_out).map_err(|e| e.to_string())?;
        prev = row;
    }
    z.finish().map_err(|e| e.to_string())
}

/// Escapes text for XML content and attributes.
pub(crate) fn xml_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\t' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

// ---------------------------------------------------------------- SVG

/// SVG user units per page pixel: plotters' SVG backend writes whole
/// numbers, so the page is drawn at ten times its pixel size (0.1 px steps).
pub(crate) const SVG_UNITS: f64 = 10.0;

/// Draws on plotters' `SVGBackend`; text stays `<text>`.
pub(crate) struct PlotSvg {
    width: u32,
    height: u32,
    dpi: f64,
    title: String,
    font: Arc<CjkFont>,
    body: String,
    err: Option<String>,
}

impl PlotSvg {
    /// An empty page of `width` × `height` px printed at `dpi`.
    pub fn new(width: u32, height: u32, dpi: f64, title: &str, font: Arc<CjkFont>) -> PlotSvg {
        let mut s = PlotSvg { width, height, dpi, title: title.to_string(), font, body: String::new(), err: None };
        let (w, h) = s.size();
        let page = s.emit(|b| e(b.draw_rect((0, 0), (w as i32, h as i32), &shape(WHITE, 1, true), true)));
        s.body.push_str(&page);
        s
    }

    fn size(&self) -> (u32, u32) {
        ((f64::from(self.width) * SVG_UNITS) as u32, (f64::from(self.height) * SVG_UNITS) as u32)
    }

    /// Runs `f` on an SVG backend of its own and returns the elements it wrote
    /// (without the `<svg>` root the backend opens and closes); keeps the first error.
    fn emit(&mut self, f: impl FnOnce(&mut SVGBackend<'_>) -> Result<(), String>) -> String {
        let size = self.size();
        let mut s = String::new();
        let r = {
            let mut b = SVGBackend::with_string(&mut s, size);
            let r = f(&mut b);
            r.and_then(|()| e(b.present()))
        };
        if let Err(m) = r {
            self.err.get_or_insert(m);
        }
        let inner = s.split_once('\n').map_or("", |(_, rest)| rest);
        inner.strip_suffix("</svg>\n").unwrap_or(inner).to_string()
    }

    /// The document, or the first drawing error.
    pub fn finish(self) -> Result<String, String> {
        if let Some(m) = self.err {
            return Err(m);
        }
        let (wmm, hmm) = (f64::from(self.width) * 25.4 / self.dpi, f64::from(self.height) * 25.4 / self.dpi);
        let (w, h) = self.size();
        Ok(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{wmm:.2}mm\" height=\"{hmm:.2}mm\" viewBox=\"0 0 {w} {h}\" \
             font-family=\"{}\">\n<title>{}</title>\n{}</svg>\n",
            xml_escape(&self.font.plotters_name),
            xml_escape(&self.title),
            self.body
        ))
    }
}

/// A plotters text size whose font-size in the SVG (size / 1.24) is exactly `em`.
fn svg_text_size(em: f64) -> f64 {
    let mut s = em * 1.24;
    for _ in 0..8 {
        let back = s / 1.24;
        if back == em {
            break;
        }
        s = f64::from_bits(if back < em { s.to_bits() + 1 } else { s.to_bits() - 1 });
    }
    s
}

impl Canvas for PlotSvg {
    fn begin(&mut self, layer: &str) {
        let _ = writeln!(self.body, "<g id=\"{}\">", xml_escape(layer));
    }

    fn end(&mut self) {
        self.body.push_str("</g>\n");
    }

    fn fill(&mut self, rings: &[Vec<Pt>], fill: &Fill) {
        if rings.iter().all(|r| r.len() < 3) {
            return;
        }
        let k = SVG_UNITS;
        let mut outline: Vec<(i32, i32)> = keyhole(rings).into_iter().map(|p| ip(p, k)).collect();
        outline.dedup();
        let (bg, hatch) = split_fill(rings, fill);
        let out = self.emit(|b| {
            if let Some(c) = bg {
                e(b.fill_polygon(outline, &shape(c, 1, true)))?;
            }
            if let Some((ink, width, segs)) = hatch {
                let st = shape(ink, (width * k).round().max(1.0) as u32, true);
                for (p, q) in segs {
                    e(b.draw_line(ip(p, k), ip(q, k), &st))?;
                }
            }
            Ok(())
        });
        self.body.push_str(&out);
    }

    fn stroke(&mut self, path: &[Pt], line: &Line) {
        let k = SVG_UNITS;
        let st = shape(line.color, (line.width * k).round().max(1.0) as u32, false);
        let pieces: Vec<Vec<(i32, i32)>> = dashes(path, &line.dash)
            .iter()
            .map(|piece| {
                let mut v: Vec<(i32, i32)> =
                    piece.iter().filter(|p| p.0.is_finite() && p.1.is_finite()).map(|p| ip(*p, k)).collect();
                v.dedup();
                if v.len() == 1 {
                    v.push(v[0]);
                }
                v
            })
            .filter(|v| !v.is_empty())
            .collect();
        let out = self.emit(|b| {
            for piece in pieces {
                e(b.draw_path(piece, &st))?;
            }
            Ok(())
        });
        // Plotters' polyline has miter joins and butt caps; the map's lines are round.
        self.body.push_str(&out.replace("<polyline ", "<polyline stroke-linejoin=\"round\" stroke-linecap=\"round\" "));
    }

    fn text(&mut self, text: &str, at: Pt, style: &TextStyle) {
        let k = SVG_UNITS;
        let h = match style.align {
            Align::Left => HPos::Left,
            Align::Center => HPos::Center,
            Align::Right => HPos::Right,
        };
        let em = (style.em * k * 10.0).round() / 10.0;
        // Plotters' SVG text with a top anchor is shifted down by dy="0.76em" to its baseline.
        let pos = ((at.0 * k).round() as i32, (at.1 * k - 0.76 * em).round() as i32);
        let font = Arc::clone(&self.font);
        let color = style.color;
        let out = self.emit(|b| e(b.draw_text(text, &plot_text(&font, svg_text_size(em), color, h), pos)));
        // Plotters puts the text on a line of its own; label halos are a stroke painted under the fill.
        let halo = style.halo.map_or(String::new(), |(c, w)| {
            format!(
                "<text stroke=\"{}\" stroke-width=\"{}\" stroke-linejoin=\"round\" paint-order=\"stroke\" ",
                c.hex(),
                (2.0 * w * k).round()
            )
        });
        let mut out = out.replacen(">\n", ">", 1).replacen("\n</text>", "</text>", 1);
        if !halo.is_empty() {
            out = out.replacen("<text ", &halo, 1);
        }
        self.body.push_str(&out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashes_alternate_on_and_off_along_the_path() {
        let d = dashes(&[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)], &[4.0, 2.0]);
        let spans: Vec<(Pt, Pt)> = d.iter().map(|p| (p[0], *p.last().unwrap())).collect();
        assert_eq!(spans[0], ((0.0, 0.0), (4.0, 0.0)));
        assert_eq!(spans[1], ((6.0, 0.0), (10.0, 0.0)));
        assert_eq!(spans[2], ((10.0, 2.0), (10.0, 6.0)));
        assert_eq!(spans[3], ((10.0, 8.0), (10.0, 10.0)));
        assert_eq!(d[1].len(), 2);
    }

    fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<Pt> {
        vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    }

    #[test]
    fn hatch_lines_stop_at_the_holes() {
        let rings = vec![square(0.0, 0.0, 100.0, 100.0), square(40.0, 40.0, 60.0, 60.0)];
        let segs = hatch_segments(&rings, 10.0, HatchDir::Rising);
        let len: f64 = segs.iter().map(|(a, b)| (b.0 - a.0).hypot(b.1 - a.1)).sum();
        // Lines 10 px apart cover (area / 10) of length: 9600 / 10.
        assert!((len - 960.0).abs() < 40.0, "{len}");
        for (a, b) in &segs {
            let m = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
            assert!(inside(m, &rings[0]) && !inside(m, &rings[1]), "{m:?} in the hole");
            // On the page-fixed lattice: x + y is a multiple of the step.
            let r = (a.0 + a.1) / (10.0 * std::f64::consts::SQRT_2);
            assert!((r - r.round()).abs() < 1e-9, "{r}");
        }
    }

    #[test]
    fn a_keyhole_ring_leaves_the_hole_empty_by_either_rule() {
        let rings = vec![square(0.0, 0.0, 100.0, 100.0), square(40.0, 40.0, 60.0, 60.0)];
        let k = keyhole(&rings);
        // The hole: winding number 0.
        let winding = |p: Pt| -> i32 {
            let mut w = 0;
            for i in 0..k.len() {
                let (a, b) = (k[i], k[(i + 1) % k.len()]);
                let cross = (b.0 - a.0) * (p.1 - a.1) - (p.0 - a.0) * (b.1 - a.1);
                if a.1 <= p.1 && b.1 > p.1 && cross > 0.0 {
                    w += 1;
                } else if a.1 > p.1 && b.1 <= p.1 && cross < 0.0 {
                    w -= 1;
                }
            }
            w
        };
        assert_eq!(winding((50.0, 50.0)), 0);
        assert_ne!(winding((20.0, 50.0)), 0);
        assert_eq!(winding((150.0, 50.0)), 0);
        assert!(!inside((50.0, 50.0), &k) && inside((20.0, 50.0), &k));
    }

    #[test]
    fn svg_text_sizes_give_the_font_size_exactly() {
        for em in [10.0, 33.3, 47.1, 141.7] {
            assert_eq!(svg_text_size(em) / 1.24, em);
        }
        assert_eq!(xml_escape("A&B<园>"), "A&amp;B&lt;园&gt;");
    }
}
