//! A small two-backend renderer: the same drawing calls produce the PNG and
//! the SVG.
//!
//! Why not plotters' backends: a planning map needs polygons with holes
//! (blocks and zones have them; plotters fills only simple rings), hatched
//! fills that survive greyscale printing, dashed and round-joined strokes,
//! and text laid out with the font's own metrics (see [`super::font`]). The
//! raster backend anti-aliases by supersampling; the SVG backend keeps text
//! as `<text>` and hatches as `<pattern>`s. Both are deterministic: the same
//! calls give the same bytes.

use super::font::CjkFont;
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

// ---------------------------------------------------------------- raster

/// Draws into an RGB buffer `ss` times the page size, shrunk by averaging at the end.
pub(crate) struct Raster {
    w: usize,
    h: usize,
    ss: usize,
    buf: Vec<u8>,
    /// Per-pixel coverage of the stroke being drawn (so joins are not darkened twice).
    scratch: Vec<u8>,
    touched: Vec<usize>,
    font: Arc<CjkFont>,
}

impl Raster {
    /// A white page of `width` × `height` output pixels, supersampled `ss` times.
    pub fn new(width: u32, height: u32, ss: u32, font: Arc<CjkFont>) -> Raster {
        let ss = ss.max(1) as usize;
        let (w, h) = (width as usize * ss, height as usize * ss);
        Raster { w, h, ss, buf: vec![255; w * h * 3], scratch: Vec::new(), touched: Vec::new(), font }
    }

    fn blend(&mut self, i: usize, c: Rgb, a: f32) {
        if a <= 0.0 {
            return;
        }
        let p = &mut self.buf[i * 3..i * 3 + 3];
        if a >= 1.0 {
            p.copy_from_slice(&[c.0, c.1, c.2]);
            return;
        }
        for (v, t) in p.iter_mut().zip([c.0, c.1, c.2]) {
            *v = (f32::from(*v) * (1.0 - a) + f32::from(t) * a).round() as u8;
        }
    }

    /// Scanline fill of `rings` (output px) by the even-odd rule; `paint` decides each pixel.
    fn scan(&mut self, rings: &[Vec<Pt>], mut paint: impl FnMut(&mut Raster, usize, usize)) {
        let s = self.ss as f64;
        // Edges (x at top, y top, y bottom, dx/dy), top < bottom, in supersampled px.
        let mut edges: Vec<(f64, f64, f64, f64)> = Vec::new();
        for r in rings {
            for i in 0..r.len() {
                let (a, b) = (r[i], r[(i + 1) % r.len()]);
                let (a, b) = ((a.0 * s, a.1 * s), (b.0 * s, b.1 * s));
                if a.1 == b.1 || !(a.1.is_finite() && b.1.is_finite() && a.0.is_finite() && b.0.is_finite()) {
                    continue;
                }
                let (t, bt) = if a.1 < b.1 { (a, b) } else { (b, a) };
                edges.push((t.0, t.1, bt.1, (bt.0 - t.0) / (bt.1 - t.1)));
            }
        }
        if edges.is_empty() {
            return;
        }
        edges.sort_by(|a, b| a.1.total_cmp(&b.1));
        let ymin = edges[0].1.max(0.0);
        let ymax = edges.iter().map(|e| e.2).fold(f64::MIN, f64::max).min(self.h as f64);
        let (mut next, mut active, mut xs) = (0usize, Vec::<usize>::new(), Vec::<f64>::new());
        let mut row = (ymin - 0.5).ceil().max(0.0) as usize;
        while (row as f64) + 0.5 < ymax && row < self.h {
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
                let x0 = (pair[0] - 0.5).ceil().max(0.0) as usize;
                let x1 = ((pair[1] - 0.5).ceil().max(0.0) as usize).min(self.w);
                for x in x0..x1 {
                    paint(self, x, row);
                }
            }
            row += 1;
        }
    }

    /// Adds a round-capped segment of half-width `r` (supersampled px) to the stroke coverage.
    fn capsule(&mut self, a: Pt, b: Pt, r: f64) {
        let (x0, x1) = ((a.0.min(b.0) - r - 1.0).floor().max(0.0), (a.0.max(b.0) + r + 1.0).ceil().min(self.w as f64));
        let (y0, y1) = ((a.1.min(b.1) - r - 1.0).floor().max(0.0), (a.1.max(b.1) + r + 1.0).ceil().min(self.h as f64));
        if x0 >= x1 || y0 >= y1 {
            return;
        }
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len2 = dx * dx + dy * dy;
        for y in y0 as usize..y1 as usize {
            for x in x0 as usize..x1 as usize {
                let (px, py) = (x as f64 + 0.5, y as f64 + 0.5);
                let t = if len2 > 0.0 { (((px - a.0) * dx + (py - a.1) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
                let d = (px - a.0 - t * dx).hypot(py - a.1 - t * dy);
                let cov = (r + 0.5 - d).clamp(0.0, 1.0);
                if cov > 0.0 {
                    let i = y * self.w + x;
                    let c = (cov * 255.0).round() as u8;
                    if self.scratch[i] == 0 {
                        self.touched.push(i);
                    }
                    self.scratch[i] = self.scratch[i].max(c);
                }
            }
        }
    }

    fn flush_coverage(&mut self, c: Rgb) {
        let mut touched = std::mem::take(&mut self.touched);
        touched.sort_unstable();
        for &i in &touched {
            let a = f32::from(self.scratch[i]) / 255.0;
            self.scratch[i] = 0;
            self.blend(i, c, a);
        }
        touched.clear();
        self.touched = touched;
    }

    /// The page at output size, RGB, rows top to bottom.
    pub fn into_rgb(self) -> (u32, u32, Vec<u8>) {
        let s = self.ss;
        let (w, h) = (self.w / s, self.h / s);
        if s == 1 {
            return (w as u32, h as u32, self.buf);
        }
        let mut out = vec![0u8; w * h * 3];
        let n = (s * s) as u32;
        for y in 0..h {
            for x in 0..w {
                let mut acc = [0u32; 3];
                for sy in 0..s {
                    let row = (y * s + sy) * self.w;
                    for sx in 0..s {
                        let i = (row + x * s + sx) * 3;
                        for (a, v) in acc.iter_mut().zip(&self.buf[i..i + 3]) {
                            *a += u32::from(*v);
                        }
                    }
                }
                let o = (y * w + x) * 3;
                for k in 0..3 {
                    out[o + k] = ((acc[k] + n / 2) / n) as u8;
                }
            }
        }
        (w as u32, h as u32, out)
    }
}

/// Whether page point (u, v) lies on a hatch line.
fn on_hatch(u: f64, v: f64, spacing: f64, width: f64, dir: HatchDir) -> bool {
    let p = spacing * std::f64::consts::SQRT_2;
    let w = width * std::f64::consts::SQRT_2;
    match dir {
        HatchDir::Rising => (u + v).rem_euclid(p) < w,
        HatchDir::Falling => (u - v).rem_euclid(p) < w,
    }
}

impl Canvas for Raster {
    fn begin(&mut self, _layer: &str) {}

    fn end(&mut self) {}

    fn fill(&mut self, rings: &[Vec<Pt>], fill: &Fill) {
        let fill = *fill;
        let s = self.ss as f64;
        self.scan(rings, |r, x, y| {
            let c = match fill {
                Fill::Solid(c) => c,
                Fill::Hatch { bg, ink, spacing, width, dir } => {
                    if on_hatch((x as f64 + 0.5) / s, (y as f64 + 0.5) / s, spacing, width, dir) {
                        ink
                    } else if let Some(bg) = bg {
                        bg
                    } else {
                        return;
                    }
                }
            };
            let i = y * r.w + x;
            r.buf[i * 3..i * 3 + 3].copy_from_slice(&[c.0, c.1, c.2]);
        });
    }

    fn stroke(&mut self, path: &[Pt], line: &Line) {
        if self.scratch.len() != self.w * self.h {
            self.scratch = vec![0; self.w * self.h];
        }
        let s = self.ss as f64;
        let r = (line.width * s / 2.0).max(0.5);
        for piece in dashes(path, &line.dash) {
            if piece.len() == 1 {
                let p = (piece[0].0 * s, piece[0].1 * s);
                self.capsule(p, p, r);
            }
            for w in piece.windows(2) {
                let (a, b) = ((w[0].0 * s, w[0].1 * s), (w[1].0 * s, w[1].1 * s));
                if !(a.0.is_finite() && a.1.is_finite() && b.0.is_finite() && b.1.is_finite()) {
                    continue;
                }
                // Short pieces keep each capsule's box small.
                let n = ((b.0 - a.0).hypot(b.1 - a.1) / 24.0).ceil().max(1.0) as usize;
                for k in 0..n {
                    let t0 = k as f64 / n as f64;
                    let t1 = (k + 1) as f64 / n as f64;
                    self.capsule(
                        (a.0 + (b.0 - a.0) * t0, a.1 + (b.1 - a.1) * t0),
                        (a.0 + (b.0 - a.0) * t1, a.1 + (b.1 - a.1) * t1),
                        r,
                    );
                }
            }
        }
        self.flush_coverage(line.color);
    }

    fn text(&mut self, text: &str, at: Pt, style: &TextStyle) {
        let s = self.ss as f64;
        let em = style.em * s;
        let m = self.font.measure(text, em);
        let x = at.0 * s
            - match style.align {
                Align::Left => 0.0,
                Align::Center => m.width / 2.0,
                Align::Right => m.width,
            };
        let y = at.1 * s;
        let halo = style.halo.map(|(c, w)| (c, (w * s).max(1.0)));
        let pad = halo.map_or(0.0, |(_, r)| r.ceil()) + em * 0.3 + 2.0;
        let (bx, by) = ((x - pad).floor(), (y - m.ascent - pad).floor());
        let (bw, bh) =
            ((m.width + 2.0 * pad).ceil() as usize + 1, (m.ascent + m.descent + 2.0 * pad).ceil() as usize + 1);
        let mut mask = vec![0f32; bw * bh];
        self.font.rasterise(text, em, x, y, |px, py, c| {
            let (lx, ly) = (px - bx as i64, py - by as i64);
            if lx >= 0 && ly >= 0 && (lx as usize) < bw && (ly as usize) < bh {
                let i = ly as usize * bw + lx as usize;
                mask[i] = (mask[i] + c).min(1.0);
            }
        });
        let put = |r: &mut Raster, m: &[f32], c: Rgb| {
            for ly in 0..bh {
                for lx in 0..bw {
                    let (gx, gy) = (bx as i64 + lx as i64, by as i64 + ly as i64);
                    if gx >= 0 && gy >= 0 && (gx as usize) < r.w && (gy as usize) < r.h {
                        r.blend(gy as usize * r.w + gx as usize, c, m[ly * bw + lx]);
                    }
                }
            }
        };
        if let Some((hc, hr)) = halo {
            // Dilate the glyph coverage by a disc of radius hr.
            let ri = hr.ceil() as i64;
            let disc: Vec<(i64, i64, f32)> = (-ri..=ri)
                .flat_map(|dy| (-ri..=ri).map(move |dx| (dx, dy)))
                .filter_map(|(dx, dy)| {
                    let w = (hr + 0.5 - ((dx * dx + dy * dy) as f64).sqrt()).clamp(0.0, 1.0) as f32;
                    (w > 0.0).then_some((dx, dy, w))
                })
                .collect();
            let mut dil = vec![0f32; bw * bh];
            for ly in 0..bh as i64 {
                for lx in 0..bw as i64 {
                    let v = mask[ly as usize * bw + lx as usize];
                    if v <= 0.0 {
                        continue;
                    }
                    for &(dx, dy, w) in &disc {
                        let (nx, ny) = (lx + dx, ly + dy);
                        if nx >= 0 && ny >= 0 && (nx as usize) < bw && (ny as usize) < bh {
                            let d = &mut dil[ny as usize * bw + nx as usize];
                            *d = d.max(v * w);
                        }
                    }
                }
            }
            put(self, &dil, hc);
        }
        put(self, &mask, style.color);
    }
}

/// Encodes RGB rows as PNG with the print resolution (pHYs), so the file prints at its size.
pub(crate) fn encode_png(width: u32, height: u32, rgb: &[u8], dpi: f64) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, width, height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Default);
        let ppm = (dpi / 0.0254).round() as u32;
        enc.set_pixel_dims(Some(png::PixelDimensions { xppu: ppm, yppu: ppm, unit: png::Unit::Meter }));
        let mut w = enc.write_header().map_err(|e| e.to_string())?;
        w.write_image_data(rgb).map_err(|e| e.to_string())?;
        w.finish().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

// ---------------------------------------------------------------- SVG

/// Writes SVG elements; text stays text.
pub(crate) struct Svg {
    width: u32,
    height: u32,
    dpi: f64,
    title: String,
    font_family: String,
    defs: String,
    body: String,
    patterns: Vec<(String, Fill)>,
}

/// A number with at most one decimal, no trailing `.0`.
fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 {
        "0".into()
    } else if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// A number with at most two decimals (pattern tiles, where 0.05 px adds up).
fn num2(v: f64) -> String {
    let s = format!("{:.2}", (v * 100.0).round() / 100.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" || s.is_empty() {
        "0".into()
    } else {
        s.to_string()
    }
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

impl Svg {
    /// An empty page of `width` × `height` px printed at `dpi`; `family` is the font found.
    pub fn new(width: u32, height: u32, dpi: f64, title: &str, family: &str) -> Svg {
        let mut families = vec![family.to_string()];
        for f in ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC"] {
            if !families.iter().any(|x| x == f) {
                families.push(f.to_string());
            }
        }
        let font_family = families
            .iter()
            .map(|f| format!("'{}'", f.replace('\'', "")))
            .chain(["sans-serif".to_string()])
            .collect::<Vec<_>>();
        Svg {
            width,
            height,
            dpi,
            title: title.to_string(),
            font_family: xml_escape(&font_family.join(", ")),
            defs: String::new(),
            body: String::new(),
            patterns: Vec::new(),
        }
    }

    fn path_data(rings: &[Vec<Pt>], close: bool) -> String {
        let mut d = String::new();
        for r in rings {
            for (i, p) in r.iter().enumerate() {
                d.push(if i == 0 { 'M' } else { 'L' });
                let _ = write!(d, "{} {}", num(p.0), num(p.1));
            }
            if close && !r.is_empty() {
                d.push('Z');
            }
        }
        d
    }

    fn pattern_id(&mut self, fill: &Fill) -> String {
        if let Some((id, _)) = self.patterns.iter().find(|(_, f)| f == fill) {
            return id.clone();
        }
        let Fill::Hatch { bg, ink, spacing, width, dir } = *fill else { return String::new() };
        let id = format!("hatch{}", self.patterns.len() + 1);
        // A tile whose diagonal is one line; the corners carry the neighbours'.
        let p = spacing * std::f64::consts::SQRT_2;
        let w = width;
        let segs: [(Pt, Pt); 3] = if dir == HatchDir::Rising {
            [((0.0, p), (p, 0.0)), ((-w, w), (w, -w)), ((p - w, p + w), (p + w, p - w))]
        } else {
            [((0.0, 0.0), (p, p)), ((p - w, -w), (p + w, w)), ((-w, p - w), (w, p + w))]
        };
        let mut lines = String::new();
        for (a, b) in segs {
            let _ = write!(lines, "M{} {}L{} {}", num2(a.0), num2(a.1), num2(b.0), num2(b.1));
        }
        let p = num2(p);
        let _ = write!(
            self.defs,
            "<pattern id=\"{id}\" patternUnits=\"userSpaceOnUse\" width=\"{p}\" height=\"{p}\">\
             {}<path d=\"{lines}\" stroke=\"{}\" stroke-width=\"{}\"/></pattern>",
            bg.map_or(String::new(), |bg| format!("<rect width=\"{p}\" height=\"{p}\" fill=\"{}\"/>", bg.hex())),
            ink.hex(),
            num(width)
        );
        self.defs.push('\n');
        self.patterns.push((id.clone(), *fill));
        id
    }

    /// The document.
    pub fn finish(self) -> String {
        let (wmm, hmm) = (f64::from(self.width) * 25.4 / self.dpi, f64::from(self.height) * 25.4 / self.dpi);
        let mut s = String::new();
        let _ = write!(
            s,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.2}mm\" height=\"{:.2}mm\" viewBox=\"0 0 {} {}\" \
             font-family=\"{}\">\n<title>{}</title>\n<defs>\n{}</defs>\n\
             <rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n{}</svg>\n",
            wmm,
            hmm,
            self.width,
            self.height,
            self.font_family,
            xml_escape(&self.title),
            self.defs,
            self.width,
            self.height,
            self.body
        );
        s
    }
}

impl Canvas for Svg {
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
        let paint = match fill {
            Fill::Solid(c) => c.hex(),
            Fill::Hatch { .. } => format!("url(#{})", self.pattern_id(fill)),
        };
        let _ =
            writeln!(self.body, "<path d=\"{}\" fill=\"{paint}\" fill-rule=\"evenodd\"/>", Svg::path_data(rings, true));
    }

    fn stroke(&mut self, path: &[Pt], line: &Line) {
        if path.is_empty() {
            return;
        }
        let path: Vec<Pt> = if path.len() == 1 { vec![path[0], path[0]] } else { path.to_vec() };
        let dash = if line.dash.is_empty() {
            String::new()
        } else {
            format!(" stroke-dasharray=\"{}\"", line.dash.iter().map(|d| num(*d)).collect::<Vec<_>>().join(" "))
        };
        let _ = writeln!(
            self.body,
            "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\" stroke-linejoin=\"round\" stroke-linecap=\"round\"{dash}/>",
            Svg::path_data(&[path], false),
            line.color.hex(),
            num(line.width)
        );
    }

    fn text(&mut self, text: &str, at: Pt, style: &TextStyle) {
        let anchor = match style.align {
            Align::Left => "start",
            Align::Center => "middle",
            Align::Right => "end",
        };
        let halo = style.halo.map_or(String::new(), |(c, w)| {
            format!(
                " stroke=\"{}\" stroke-width=\"{}\" stroke-linejoin=\"round\" paint-order=\"stroke\"",
                c.hex(),
                num(2.0 * w)
            )
        });
        let _ = writeln!(
            self.body,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{}\" text-anchor=\"{anchor}\"{halo}>{}</text>",
            num(at.0),
            num(at.1),
            num(style.em),
            style.color.hex(),
            xml_escape(text)
        );
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

    #[test]
    fn hatch_lines_cover_their_share_of_the_area() {
        let (mut on, n) = (0, 200);
        for y in 0..n {
            for x in 0..n {
                on += usize::from(on_hatch(x as f64 + 0.5, y as f64 + 0.5, 10.0, 2.0, HatchDir::Rising));
            }
        }
        let share = on as f64 / (n * n) as f64;
        assert!((share - 0.2).abs() < 0.01, "{share}");
    }

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.04), "12");
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(3.25), "3.3");
        assert_eq!(xml_escape("A&B<园>"), "A&amp;B&lt;园&gt;");
    }
}
