//! What every map page shares: the view (projection → page), the frame,
//! graticule, legend, scale bar, north arrow, park symbols and arrows.

use super::font::{CjkFont, TextMetrics};
use super::projection::Projection;
use super::render::{encode_png, Align, Canvas, Fill, Line, PlotPng, PlotSvg, Pt, Rgb, TextStyle, WHITE};
use super::shape::{clip_path, clip_ring, decimate, simplify, Rect};
use super::style::{ParkClass, Scale, GREY_TEXT, INK};
use super::{MapConfig, MapError, MapSummary, RenderedMap, ZoneClass};
use geo::MultiPolygon;
use std::sync::Arc;

/// What a drawing function needs: the font, the configuration, the page size.
pub(crate) struct Ctx {
    /// The font.
    pub font: Arc<CjkFont>,
    /// The configuration.
    pub cfg: MapConfig,
    /// mm and pt to px.
    pub s: Scale,
    /// Page width, px.
    pub w: f64,
    /// Page height, px.
    pub h: f64,
}

impl Ctx {
    /// Measures text at `em` px.
    pub fn measure(&self, text: &str, em: f64) -> TextMetrics {
        self.font.measure(text, em)
    }

    /// Splits text into lines no wider than `width` px (breaking between any
    /// two characters of Chinese, and at spaces otherwise).
    pub fn wrap(&self, text: &str, em: f64, width: f64) -> Vec<String> {
        let mut lines = Vec::new();
        let mut cur = String::new();
        for c in text.chars() {
            let mut next = cur.clone();
            next.push(c);
            if !cur.is_empty() && self.measure(&next, em).width > width {
                lines.push(cur.trim_end().to_string());
                cur = if c == ' ' { String::new() } else { c.to_string() };
            } else {
                cur = next;
            }
        }
        if !cur.trim().is_empty() {
            lines.push(cur.trim_end().to_string());
        }
        lines
    }
}

/// What one drawing pass reports.
pub(crate) struct Drawn {
    /// For the caller.
    pub summary: MapSummary,
    /// Legend swatches (key, box), for tests that compare map and legend colours.
    #[cfg_attr(not(test), allow(dead_code))]
    pub swatches: Vec<(String, Rect)>,
    /// Where the map was drawn, for tests that look up a place on the page.
    #[cfg_attr(not(test), allow(dead_code))]
    pub view: Option<View>,
}

/// Runs `draw` on the raster and on the SVG canvas.
pub(crate) fn draw_twice(
    cfg: &MapConfig,
    font: &Arc<CjkFont>,
    title: &str,
    draw: impl Fn(&mut dyn Canvas, &Ctx) -> Drawn,
) -> Result<(RenderedMap, Drawn), MapError> {
    let ctx = Ctx {
        font: Arc::clone(font),
        cfg: cfg.clone(),
        s: Scale::at(cfg.dpi),
        w: f64::from(cfg.width_px),
        h: f64::from(cfg.height_px),
    };
    let png_err = |message| MapError::Write { path: "(PNG in memory)".into(), message };
    let mut raster = PlotPng::new(cfg.width_px, cfg.height_px, cfg.supersample, Arc::clone(font));
    let drawn = draw(&mut raster, &ctx);
    let (w, h, rgb) = raster.into_rgb().map_err(png_err)?;
    let png = encode_png(w, h, &rgb, cfg.dpi).map_err(png_err)?;
    let mut svg = PlotSvg::new(cfg.width_px, cfg.height_px, cfg.dpi, title, Arc::clone(font));
    draw(&mut svg, &ctx);
    let svg = svg.finish().map_err(|message| MapError::Write { path: "(SVG in memory)".into(), message })?;
    let mut summary = drawn.summary.clone();
    summary.font = font.path.clone();
    Ok((RenderedMap { png, svg, summary }, drawn))
}

/// Projected coordinates on the page.
#[derive(Clone, Debug)]
pub(crate) struct View {
    /// The projection.
    pub proj: Projection,
    /// The map frame on the page.
    pub frame: Rect,
    ox: f64,
    oy: f64,
    /// Page px per projected metre.
    pub scale: f64,
    /// Lon/lat where scale and north are measured (the middle of the mapped area).
    pub center: (f64, f64),
}

impl View {
    /// Fits the projected `points` (lon/lat) into `frame`, `pad` px inside it,
    /// spanning at least `min_span_m` metres.
    pub fn fit(
        proj: Projection,
        points: impl IntoIterator<Item = (f64, f64)>,
        frame: Rect,
        pad: f64,
        min_span_m: f64,
        center: (f64, f64),
    ) -> Option<View> {
        let projected: Vec<Pt> = points.into_iter().map(|(lon, lat)| proj.forward(lon, lat)).collect();
        let b = Rect::around(&projected)?;
        View::fit_box(proj, b, frame, pad, min_span_m, center)
    }

    /// Fits a box of projected metres into `frame` (see [`View::fit`]).
    pub fn fit_box(
        proj: Projection,
        b: Rect,
        frame: Rect,
        pad: f64,
        min_span_m: f64,
        center: (f64, f64),
    ) -> Option<View> {
        let (dx, dy) = (b.w().max(min_span_m), b.h().max(min_span_m));
        let scale = ((frame.w() - 2.0 * pad) / dx).min((frame.h() - 2.0 * pad) / dy);
        if !(scale.is_finite() && scale > 0.0) {
            return None;
        }
        let (ox, oy) = b.center();
        Some(View { proj, frame, ox, oy, scale, center })
    }

    /// The page point of lon/lat.
    pub fn px(&self, lon: f64, lat: f64) -> Pt {
        let (x, y) = self.proj.forward(lon, lat);
        let (cx, cy) = self.frame.center();
        (cx + (x - self.ox) * self.scale, cy - (y - self.oy) * self.scale)
    }

    /// The rings of a multipolygon on the page (open: no repeated first point),
    /// with what cannot show dropped: vertices within a quarter pixel of the
    /// last one kept are dropped before projecting (a lon/lat step of
    /// [`View::quarter_px_deg`] is at most a quarter pixel on the page), then
    /// vertices closer than a third of a pixel, then those a path needs
    /// not come within a fifth of a pixel of ([`simplify`]).
    pub fn rings(&self, mp: &MultiPolygon<f64>) -> Vec<Vec<Pt>> {
        let mut out = Vec::new();
        let deg = self.quarter_px_deg();
        for poly in &mp.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                let ll = decimate(ring.0.iter().map(|c| (c.x, c.y)), deg);
                let r = decimate(ll.into_iter().map(|(x, y)| self.px(x, y)), 0.33);
                let mut r = simplify(&r, 0.2);
                if r.len() > 1 && r.first() == r.last() {
                    r.pop();
                }
                if r.len() >= 3 {
                    out.push(r);
                }
            }
        }
        out
    }

    /// A lon/lat distance (degrees, as if both were lengths) that is at most
    /// a quarter pixel on the page anywhere near the view: a degree is at
    /// most 111.7 km on the ground (of latitude, at the poles; of longitude
    /// less), and the projection's scale across a map (a conic with its
    /// standard parallels a sixth inside the map's span, or a 3° Gauss–Krüger
    /// zone) varies from the centre's by far less than the 5% allowed for it.
    pub fn quarter_px_deg(&self) -> f64 {
        0.25 / (self.ground_px_per_m() * 1.05 * 111_700.0)
    }

    /// Page px per metre on the ground at the centre.
    pub fn ground_px_per_m(&self) -> f64 {
        self.scale * self.proj.scale_factor(self.center.0, self.center.1)
    }

    /// Angle of true north from page-up at the centre, radians (positive clockwise).
    pub fn north_angle(&self) -> f64 {
        let (lon, lat) = self.center;
        let a = self.px(lon, lat);
        let b = self.px(lon, lat + 0.01);
        (b.0 - a.0).atan2(a.1 - b.1)
    }
}

/// Fills rings clipped to the frame.
pub(crate) fn fill_in(c: &mut dyn Canvas, frame: &Rect, rings: &[Vec<Pt>], fill: &Fill) {
    let clip = frame.grow(2.0);
    let clipped: Vec<Vec<Pt>> = rings.iter().map(|r| clip_ring(r, &clip)).filter(|r| r.len() >= 3).collect();
    if !clipped.is_empty() {
        c.fill(&clipped, fill);
    }
}

/// Strokes closed rings, clipped to the frame.
pub(crate) fn outline_in(c: &mut dyn Canvas, frame: &Rect, rings: &[Vec<Pt>], line: &Line) {
    for r in rings {
        let mut closed = r.clone();
        if let Some(f) = r.first() {
            closed.push(*f);
        }
        for piece in clip_path(&closed, frame) {
            c.stroke(&piece, line);
        }
    }
}

/// Strokes an open path, clipped to the frame.
pub(crate) fn path_in(c: &mut dyn Canvas, frame: &Rect, path: &[Pt], line: &Line) {
    for piece in clip_path(path, frame) {
        c.stroke(&piece, line);
    }
}

/// A circle as a polygon.
pub(crate) fn circle(center: Pt, r: f64) -> Vec<Pt> {
    (0..48)
        .map(|i| i as f64 * std::f64::consts::TAU / 48.0)
        .map(|a| (center.0 + r * a.cos(), center.1 + r * a.sin()))
        .collect()
}

/// The park symbol: a square in the class colour with the grade letter.
pub(crate) fn park_symbol(c: &mut dyn Canvas, ctx: &Ctx, center: Pt, size: f64, class: ParkClass) -> Rect {
    let r = Rect::xywh(center.0 - size / 2.0, center.1 - size / 2.0, size, size);
    c.fill(&[r.ring()], &Fill::Solid(class.color()));
    let mut ring = r.ring();
    ring.push(ring[0]);
    c.stroke(&ring, &ctx.s.park_line());
    let em = size * 0.72;
    c.text(
        class.letter(),
        (center.0, center.1 + em * 0.36),
        &TextStyle { em, color: class.letter_color(), halo: None, align: Align::Center },
    );
    r
}

/// A square outline `grow` px outside `r`.
pub(crate) fn square_outline(c: &mut dyn Canvas, r: &Rect, grow: f64, line: &Line) {
    let mut ring = r.grow(grow).ring();
    ring.push(ring[0]);
    c.stroke(&ring, line);
}

/// An arrow along `path`, head at the end.
pub(crate) fn arrow(c: &mut dyn Canvas, ctx: &Ctx, path: &[Pt], line: &Line) {
    let n = path.len();
    if n < 2 {
        return;
    }
    let head_len = 2.6 * ctx.s.mm;
    let half_w = 1.1 * ctx.s.mm;
    let tip = path[n - 1];
    // Walk back along the path to where the head starts.
    let mut back = tip;
    let mut shaft: Vec<Pt> = path.to_vec();
    let mut left = head_len;
    while shaft.len() >= 2 {
        let a = shaft[shaft.len() - 2];
        let b = shaft[shaft.len() - 1];
        let d = (b.0 - a.0).hypot(b.1 - a.1);
        if d >= left {
            back = (b.0 + (a.0 - b.0) * left / d, b.1 + (a.1 - b.1) * left / d);
            shaft.pop();
            shaft.push(back);
            break;
        }
        left -= d;
        shaft.pop();
        back = a;
    }
    let (dx, dy) = (tip.0 - back.0, tip.1 - back.1);
    let len = dx.hypot(dy);
    if len <= 0.0 {
        return;
    }
    let (ux, uy) = (dx / len, dy / len);
    if shaft.len() >= 2 {
        c.stroke(&shaft, line);
    }
    let head = vec![
        tip,
        (back.0 - uy * half_w + ux * 0.3, back.1 + ux * half_w + uy * 0.3),
        (back.0 + ux * head_len * 0.25, back.1 + uy * head_len * 0.25),
        (back.0 + uy * half_w + ux * 0.3, back.1 - ux * half_w + uy * 0.3),
    ];
    c.fill(&[head], &Fill::Solid(line.color));
}

/// A quadratic Bézier from `a` to `b` bulging `bulge` px to the left, as 40 points.
pub(crate) fn curve(a: Pt, b: Pt, bulge: f64) -> Vec<Pt> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = dx.hypot(dy).max(1e-9);
    let ctrl = ((a.0 + b.0) / 2.0 + dy / len * bulge, (a.1 + b.1) / 2.0 - dx / len * bulge);
    (0..=40)
        .map(|i| {
            let t = i as f64 / 40.0;
            let u = 1.0 - t;
            (u * u * a.0 + 2.0 * u * t * ctrl.0 + t * t * b.0, u * u * a.1 + 2.0 * u * t * ctrl.1 + t * t * b.1)
        })
        .collect()
}

/// The double neatline around the map frame.
pub(crate) fn neatline(c: &mut dyn Canvas, ctx: &Ctx, frame: &Rect) {
    let mut inner = frame.ring();
    inner.push(inner[0]);
    c.stroke(&inner, &Line::solid(INK, 0.5 * ctx.s.pt));
    let mut outer = frame.grow(1.2 * ctx.s.mm).ring();
    outer.push(outer[0]);
    c.stroke(&outer, &Line::solid(INK, 1.6 * ctx.s.pt));
}

/// Paints everything between the frame and the page edge white (covers
/// anything drawn past the frame) — used before the neatline.
pub(crate) fn mask_outside(c: &mut dyn Canvas, ctx: &Ctx, frame: &Rect) {
    let page = Rect::xywh(0.0, 0.0, ctx.w, ctx.h);
    c.fill(&[page.ring(), frame.ring()], &Fill::Solid(WHITE));
}

/// A meridian or parallel step giving at most 8 lines over `span` degrees.
fn graticule_step(span: f64) -> f64 {
    [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .find(|s| span / s <= 8.0)
        .unwrap_or(10.0)
}

/// Graticule lines across the frame; returns the labels to draw outside
/// the frame (text, anchor, align): meridians at the bottom, parallels on
/// the left (and on the right when `label_right`).
pub(crate) fn graticule(c: &mut dyn Canvas, ctx: &Ctx, view: &View, label_right: bool) -> Vec<(String, Pt, Align)> {
    // The frame's extent in degrees, generously: lines outside are clipped.
    let f = view.frame;
    let (lon_c, lat_c) = view.center;
    let k = view.proj.scale_factor(lon_c, lat_c);
    let half_h = f.h() / 2.0 / view.scale / k / 111_000.0;
    let lat0 = (lat_c - half_h * 1.5).max(-85.0);
    let lat1 = (lat_c + half_h * 1.5).min(85.0);
    let coslat = lat0.abs().max(lat1.abs()).to_radians().cos().max(0.05);
    let half_w = f.w() / 2.0 / view.scale / k / (111_000.0 * coslat);
    let (lon0, lon1) = (lon_c - half_w * 1.5, lon_c + half_w * 1.5);
    // Lines are counted at the centre's latitude.
    let width_deg = f.w() / view.scale / k / (111_000.0 * lat_c.to_radians().cos().max(0.05));
    let step = graticule_step((2.0 * half_h).max(width_deg));
    let line = ctx.s.graticule_line();
    let em = 7.0 * ctx.s.pt;
    let mut labels = Vec::new();
    let digits = if step >= 1.0 {
        0
    } else if step >= 0.1 {
        1
    } else if step >= 0.01 {
        2
    } else {
        3
    };
    let fmt = |v: f64, h: char| format!("{:.*}°{h}", digits, v);
    let mut i = (lon0 / step).floor() as i64;
    while (i as f64) * step <= lon1 {
        let lon = i as f64 * step;
        let path: Vec<Pt> = (0..=200).map(|k| view.px(lon, lat0 + (lat1 - lat0) * f64::from(k) / 200.0)).collect();
        for piece in clip_path(&path, &f) {
            c.stroke(&piece, &line);
            for p in [piece[0], piece[piece.len() - 1]] {
                if (p.1 - f.y1).abs() < 0.5 {
                    labels.push((fmt(lon, 'E'), (p.0, f.y1 + 1.6 * ctx.s.mm + em * 0.8), Align::Center));
                }
            }
        }
        i += 1;
    }
    let mut i = (lat0 / step).floor() as i64;
    while (i as f64) * step <= lat1 {
        let lat = i as f64 * step;
        let path: Vec<Pt> = (0..=200).map(|k| view.px(lon0 + (lon1 - lon0) * f64::from(k) / 200.0, lat)).collect();
        for piece in clip_path(&path, &f) {
            c.stroke(&piece, &line);
            for p in [piece[0], piece[piece.len() - 1]] {
                if (p.0 - f.x0).abs() < 0.5 {
                    labels.push((fmt(lat, 'N'), (f.x0 - 1.6 * ctx.s.mm, p.1 + em * 0.35), Align::Right));
                } else if label_right && (p.0 - f.x1).abs() < 0.5 {
                    labels.push((fmt(lat, 'N'), (f.x1 + 1.6 * ctx.s.mm, p.1 + em * 0.35), Align::Left));
                }
            }
        }
        i += 1;
    }
    labels
}

/// Draws graticule labels (after the outside of the frame was masked).
/// The frame group of a map: the paper outside the frame masked, the
/// neatline, and the graticule's labels.
pub(crate) fn frame_group(c: &mut dyn Canvas, ctx: &Ctx, frame: &Rect, graticule: &[(String, Pt, Align)]) {
    c.begin("frame");
    mask_outside(c, ctx, frame);
    neatline(c, ctx, frame);
    graticule_labels(c, ctx, graticule);
    c.end();
}

/// A place name (league, county) centred on `at`, or moved by the first
/// free of `offsets` (in label widths and heights), haloed in white; false
/// when every spot is taken and the name is left out.
pub(crate) fn place_name(
    c: &mut dyn Canvas,
    ctx: &Ctx,
    placer: &mut super::labels::Placer,
    name: &str,
    at: Pt,
    em: f64,
    offsets: &[(f64, f64)],
) -> bool {
    let m = ctx.measure(name, em);
    let (w, h) = (m.width, m.ascent + m.descent);
    let cands: Vec<Rect> =
        offsets.iter().map(|(dx, dy)| Rect::xywh(at.0 - w / 2.0 + dx * w, at.1 - h / 2.0 + dy * h, w, h)).collect();
    let Some(k) = placer.place(&cands) else { return false };
    let r = cands[k];
    c.text(
        name,
        (r.x0, r.y0 + m.ascent),
        &TextStyle { em, color: super::style::PLACE_TEXT, halo: Some((WHITE, 0.5 * ctx.s.mm)), align: Align::Left },
    );
    true
}

pub(crate) fn graticule_labels(c: &mut dyn Canvas, ctx: &Ctx, labels: &[(String, Pt, Align)]) {
    for (t, at, align) in labels {
        c.text(t, *at, &TextStyle { em: 7.0 * ctx.s.pt, color: GREY_TEXT, halo: None, align: *align });
    }
}

/// The north arrow, its top centre at `top`; returns its box.
pub(crate) fn north_arrow(c: &mut dyn Canvas, ctx: &Ctx, top: Pt, angle: f64) -> Rect {
    let mm = ctx.s.mm;
    let em = 10.0 * ctx.s.pt;
    let m = ctx.measure("北", em);
    c.text(
        "北",
        (top.0, top.1 + m.ascent),
        &TextStyle { em, color: INK, halo: Some((WHITE, 0.6 * mm)), align: Align::Center },
    );
    let (len, half) = (11.0 * mm, 3.0 * mm);
    let center = (top.0, top.1 + m.ascent + m.descent + 1.0 * mm + len / 2.0);
    let rot = |p: Pt| {
        let (s, co) = angle.sin_cos();
        (center.0 + p.0 * co - p.1 * s, center.1 + p.0 * s + p.1 * co)
    };
    let tip = rot((0.0, -len / 2.0));
    let tail = rot((0.0, len / 2.0 - 2.0 * mm));
    let l = rot((-half, len / 2.0));
    let r = rot((half, len / 2.0));
    c.fill(&[vec![tip, l, tail]], &Fill::Solid(INK));
    c.fill(&[vec![tip, tail, r]], &Fill::Solid(WHITE));
    c.stroke(&[tip, l, tail, r, tip], &Line::solid(INK, 0.6 * ctx.s.pt));
    Rect { x0: top.0 - half - mm, y0: top.1, x1: top.0 + half + mm, y1: center.1 + len / 2.0 + mm }
}

/// A legend row.
#[derive(Clone, Debug)]
pub(crate) enum Item {
    /// A heading.
    Heading(String),
    /// A park class: its symbol.
    Park(ParkClass),
    /// A park outlined like this (under-performing, surplus), with text.
    Outline(Line, String),
    /// A zone class.
    Zone(ZoneClass),
    /// A line sample with text.
    LineSample(Line, String),
    /// An area filled and outlined like this, with text.
    Patch(Fill, Line, String),
    /// An arrow sample with text.
    Arrow(String),
    /// Wrapped small text.
    Note(String),
    /// The scale bar, with the nominal scale.
    ScaleBar,
}

/// Nice round length (1, 2 or 5 × 10ⁿ metres) at most `max_m`.
pub(crate) fn nice_length(max_m: f64) -> f64 {
    let p = 10f64.powf(max_m.log10().floor());
    [5.0, 2.0, 1.0].into_iter().map(|k| k * p).find(|v| *v <= max_m).unwrap_or(p)
}

/// `1 234 567`.
fn thousands(v: u64) -> String {
    let s = v.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

/// Draws (when `c` is given) or measures the legend in a box of `width` px
/// with its top left at `at`; returns its height and the swatch boxes.
pub(crate) fn legend(
    mut c: Option<&mut dyn Canvas>,
    ctx: &Ctx,
    view: &View,
    items: &[Item],
    at: Pt,
    width: f64,
    scale_note: Option<&str>,
) -> (f64, Vec<(String, Rect)>) {
    let mm = ctx.s.mm;
    let em = 8.5 * ctx.s.pt;
    let small = 7.0 * ctx.s.pt;
    let pad = 3.0 * mm;
    let row = 5.6 * mm;
    let sw = 9.0 * mm;
    let text_x = at.0 + pad + sw + 2.5 * mm;
    let mut y = at.1 + pad;
    let mut swatches = Vec::new();
    let text = |c: &mut Option<&mut dyn Canvas>, t: &str, p: Pt, em: f64, color: Rgb| {
        if let Some(c) = c.as_deref_mut() {
            c.text(t, p, &TextStyle { em, color, halo: None, align: Align::Left });
        }
    };
    let baseline = |y: f64| y + row / 2.0 + em * 0.36;
    for item in items {
        let mid = y + row / 2.0;
        let sx = at.0 + pad;
        match item {
            Item::Heading(t) => {
                let hem = 10.0 * ctx.s.pt;
                text(&mut c, t, (at.0 + pad, y + hem), hem, INK);
                y += hem + 2.0 * mm;
                continue;
            }
            Item::Park(class) => {
                let size = 3.6 * mm;
                let center = (sx + sw / 2.0, mid);
                if let Some(c) = c.as_deref_mut() {
                    park_symbol(c, ctx, center, size, *class);
                }
                swatches
                    .push((class.key().to_string(), Rect::xywh(center.0 - size / 2.0, mid - size / 2.0, size, size)));
                text(&mut c, class.legend(), (text_x, baseline(y)), em, INK);
            }
            Item::Outline(line, t) => {
                let size = 3.6 * mm;
                let r = Rect::xywh(sx + sw / 2.0 - size / 2.0, mid - size / 2.0, size, size);
                if let Some(c) = c.as_deref_mut() {
                    c.fill(&[r.ring()], &Fill::Solid(WHITE));
                    square_outline(c, &r, 0.0, &ctx.s.park_line());
                    square_outline(c, &r, 0.9 * mm, line);
                }
                text(&mut c, t, (text_x, baseline(y)), em, INK);
            }
            Item::Zone(class) => {
                let r = Rect::xywh(sx, mid - 2.2 * mm, sw, 4.4 * mm);
                if let Some(c) = c.as_deref_mut() {
                    c.fill(&[r.ring()], &ctx.s.zone_fill(*class));
                    square_outline(c, &r, 0.0, &ctx.s.zone_line(*class));
                }
                swatches.push((class.as_str().to_string(), r));
                text(&mut c, class.zh(), (text_x, baseline(y)), em, INK);
            }
            Item::LineSample(line, t) => {
                if let Some(c) = c.as_deref_mut() {
                    c.stroke(&[(sx, mid), (sx + sw, mid)], line);
                }
                text(&mut c, t, (text_x, baseline(y)), em, INK);
            }
            Item::Patch(fill, line, t) => {
                let r = Rect::xywh(sx, mid - 2.2 * mm, sw, 4.4 * mm);
                if let Some(c) = c.as_deref_mut() {
                    c.fill(&[r.ring()], fill);
                    square_outline(c, &r, 0.0, line);
                }
                text(&mut c, t, (text_x, baseline(y)), em, INK);
            }
            Item::Arrow(t) => {
                if let Some(c) = c.as_deref_mut() {
                    arrow(c, ctx, &[(sx, mid), (sx + sw, mid)], &ctx.s.merge_line());
                }
                text(&mut c, t, (text_x, baseline(y)), em, INK);
            }
            Item::Note(t) => {
                y += 0.8 * mm;
                for l in ctx.wrap(t, small, width - 2.0 * pad) {
                    let m = ctx.measure(&l, small);
                    text(&mut c, &l, (at.0 + pad, y + m.ascent), small, GREY_TEXT);
                    y += (m.ascent + m.descent) * 1.15;
                }
                continue;
            }
            Item::ScaleBar => {
                y += 1.5 * mm;
                let px_per_m = view.ground_px_per_m();
                let max_w = width - 2.0 * pad - 8.0 * mm;
                let len_m = nice_length(max_w / px_per_m);
                let bar = len_m * px_per_m;
                let bh = 1.6 * mm;
                let unit_km = len_m >= 1000.0;
                let fmt = |m: f64| {
                    if unit_km {
                        let km = m / 1000.0;
                        if km.fract() == 0.0 {
                            format!("{km:.0}")
                        } else {
                            format!("{km}")
                        }
                    } else {
                        format!("{m:.0}")
                    }
                };
                let unit = if unit_km { "千米" } else { "米" };
                let lm = ctx.measure("0", small);
                if let Some(c) = c.as_deref_mut() {
                    for i in 0..4 {
                        let r = Rect::xywh(sx + bar * i as f64 / 4.0, y, bar / 4.0, bh);
                        c.fill(&[r.ring()], &Fill::Solid(if i % 2 == 0 { INK } else { WHITE }));
                    }
                    square_outline(c, &Rect::xywh(sx, y, bar, bh), 0.0, &Line::solid(INK, 0.5 * ctx.s.pt));
                }
                for (i, m) in [(0usize, 0.0), (2, len_m / 2.0), (4, len_m)] {
                    let label = if i == 4 { format!("{} {unit}", fmt(m)) } else { fmt(m) };
                    let x = sx + bar * i as f64 / 4.0;
                    let (x, align) = if i == 4 { (x - lm.width / 2.0, Align::Left) } else { (x, Align::Center) };
                    if let Some(c) = c.as_deref_mut() {
                        c.text(
                            &label,
                            (x, y + bh + 1.0 * mm + lm.ascent),
                            &TextStyle { em: small, color: INK, halo: None, align },
                        );
                    }
                }
                y += bh + 1.0 * mm + lm.ascent + lm.descent + 1.2 * mm;
                let denom = ctx.cfg.dpi / (0.0254 * px_per_m);
                let p = 10f64.powf(denom.log10().floor() - 1.0);
                let nominal = format!(
                    "比例尺 1:{}（按 {:.0} dpi 原大打印）",
                    thousands(((denom / p).round() * p) as u64),
                    ctx.cfg.dpi
                );
                let m = ctx.measure(&nominal, em);
                text(&mut c, &nominal, (sx, y + m.ascent), em, INK);
                y += m.ascent + m.descent + 0.8 * mm;
                if let Some(note) = scale_note {
                    for l in ctx.wrap(note, small, width - 2.0 * pad) {
                        let m = ctx.measure(&l, small);
                        text(&mut c, &l, (sx, y + m.ascent), small, GREY_TEXT);
                        y += (m.ascent + m.descent) * 1.15;
                    }
                }
                continue;
            }
        }
        y += row;
    }
    (y + pad - at.1, swatches)
}

/// Draws the legend box (white, outlined) and its content.
pub(crate) fn legend_box(
    c: &mut dyn Canvas,
    ctx: &Ctx,
    view: &View,
    items: &[Item],
    r: &Rect,
    scale_note: Option<&str>,
) -> Vec<(String, Rect)> {
    c.fill(&[r.ring()], &Fill::Solid(WHITE));
    square_outline(c, r, 0.0, &Line::solid(INK, 0.6 * ctx.s.pt));
    legend(Some(c), ctx, view, items, (r.x0, r.y0), r.w(), scale_note).1
}

/// The distance as planners write it: `850 米`, `3.42 千米`.
pub(crate) fn distance_zh(m: f64) -> String {
    if m < 1.0 {
        "0 米（相邻）".into()
    } else if m < 1000.0 {
        format!("{m:.0} 米")
    } else if m < 100_000.0 {
        format!("{:.2} 千米", m / 1000.0)
    } else {
        format!("{:.0} 千米", m / 1000.0)
    }
}

/// The standard title block: title centred, subtitle below; returns the bottom.
pub(crate) fn title_block(c: &mut dyn Canvas, ctx: &Ctx, title: &str, subtitle: &str, top: f64) -> f64 {
    let em = 18.0 * ctx.s.pt;
    let m = ctx.measure(title, em);
    let y = top + m.ascent;
    c.text(title, (ctx.w / 2.0, y), &TextStyle { em, color: INK, halo: None, align: Align::Center });
    let sem = 9.0 * ctx.s.pt;
    let sm = ctx.measure(subtitle, sem);
    let y2 = y + m.descent + 1.5 * ctx.s.mm + sm.ascent;
    c.text(subtitle, (ctx.w / 2.0, y2), &TextStyle { em: sem, color: GREY_TEXT, halo: None, align: Align::Center });
    y2 + sm.descent
}

/// The foot line: source on the left, the tool on the right.
pub(crate) fn footer(c: &mut dyn Canvas, ctx: &Ctx, source: &str, x0: f64, x1: f64) {
    let em = 7.5 * ctx.s.pt;
    let y = ctx.h - 5.0 * ctx.s.mm;
    let right = format!("yuanqu {} 制图", env!("CARGO_PKG_VERSION"));
    let rw = ctx.measure(&right, em).width;
    let src = if source.trim().is_empty() { "数据来源：未注明".to_string() } else { source.trim().to_string() };
    // One line: shortened with an ellipsis if it would run into the right-hand text.
    let room = (x1 - x0) - rw - 10.0 * ctx.s.mm;
    let mut shown = src.clone();
    let mut chars: Vec<char> = src.chars().collect();
    while ctx.measure(&shown, em).width > room && !chars.is_empty() {
        chars.pop();
        shown = chars.iter().collect::<String>() + "…";
    }
    c.text(&shown, (x0, y), &TextStyle { em, color: GREY_TEXT, halo: None, align: Align::Left });
    c.text(&right, (x1, y), &TextStyle { em, color: GREY_TEXT, halo: None, align: Align::Right });
}
