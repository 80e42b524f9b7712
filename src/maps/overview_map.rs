//! The overview map: every park of the analysed area on its leagues and
//! counties, with zones, grades, flags and merge arrows.
//!
//! At the scale of a whole province a park is a pixel or two, so parks
//! smaller than `symbol_size_mm` on the page are drawn as a square symbol in
//! their grade's colour with the grade letter; larger ones as their blocks.

use super::labels::{self, Placer};
use super::page::{
    self, arrow, circle, curve, fill_in, frame_group, graticule, legend, legend_box, north_arrow, outline_in,
    park_symbol, place_name, square_outline, title_block, Ctx, Drawn, Item, View,
};
use super::projection::{LambertConic, Projection};
use super::render::{Align, Canvas, Fill, Line, Pt, TextStyle, WHITE};
use super::shape::{inside_rings, Rect};
use super::style::{ParkClass, GREY_TEXT, INK, OUTSIDE};
use super::{MapBoundary, MapData, MapPark, MapSummary, ZoneClass};
use geo::{BoundingRect, Contains, InteriorPoint, MultiPolygon, Point};

/// A park prepared for drawing.
pub(crate) struct Placed<'a> {
    /// The park.
    pub park: &'a MapPark,
    /// Its class.
    pub class: ParkClass,
    /// A point inside it, on the page.
    pub true_pt: Pt,
    /// Where its symbol is drawn (moved off `true_pt` when another park's symbol is there).
    pub at: Pt,
    /// Its rings on the page.
    pub rings: Vec<Vec<Pt>>,
    /// What it covers on the page: its symbol or its bounding box.
    pub rect: Rect,
    /// Drawn as a symbol.
    pub symbol: bool,
    /// Its flag outlines (under-performing, surplus) reach this far outside `rect`, px.
    pub margin: f64,
}

impl Placed<'_> {
    /// Whether the symbol was moved away from the park.
    pub fn displaced(&self) -> bool {
        self.at != self.true_pt
    }

    /// What the park covers on the page, with its flag outlines.
    pub fn outer(&self) -> Rect {
        self.rect.grow(self.margin)
    }
}

/// A point inside a multipolygon (lon/lat); the box centre if it has none.
pub(crate) fn inside_point(mp: &MultiPolygon<f64>) -> Option<(f64, f64)> {
    mp.interior_point().map(|p| (p.x(), p.y())).or_else(|| mp.bounding_rect().map(|r| (r.center().x, r.center().y)))
}

/// Prepares parks for a view, most important first: parks in merges, then
/// flagged parks, then by size (ties by id). A park smaller than the symbol
/// gets a symbol; a symbol that would cover one placed before it is moved
/// aside (the caller draws a leader to the park).
pub(crate) fn place_parks<'a>(
    ctx: &Ctx,
    view: &View,
    parks: &'a [MapPark],
    in_merge: &dyn Fn(&str) -> bool,
) -> Vec<Placed<'a>> {
    let mm = ctx.s.mm;
    let size = ctx.cfg.symbol_size_mm * mm;
    let mut placed: Vec<Placed> = parks
        .iter()
        .filter_map(|park| {
            let (x, y) = inside_point(&park.geom)?;
            let rings = view.rings(&park.geom);
            let a = view.px(x, y);
            let bbox = Rect::around(rings.iter().flatten()).unwrap_or(Rect::xywh(a.0, a.1, 0.0, 0.0));
            let symbol = bbox.w().max(bbox.h()) < size;
            let rect = if symbol { Rect::xywh(a.0 - size / 2.0, a.1 - size / 2.0, size, size) } else { bbox };
            let margin = if park.surplus {
                1.9 * mm + ctx.s.surplus_line().width
            } else if park.underperforming {
                0.9 * mm + ctx.s.underperforming_line().width
            } else {
                0.3 * mm
            };
            Some(Placed { park, class: ParkClass::of(park), true_pt: a, at: a, rings, rect, symbol, margin })
        })
        .collect();
    let rank = |p: &Placed| {
        if in_merge(&p.park.park_id) {
            0
        } else if p.park.underperforming || p.park.surplus {
            1
        } else {
            2
        }
    };
    let area = |p: &Placed| Rect::around(p.rings.iter().flatten()).map_or(0.0, |r| r.w() * r.h());
    placed.sort_by(|a, b| {
        rank(a).cmp(&rank(b)).then(area(b).total_cmp(&area(a))).then(a.park.park_id.cmp(&b.park.park_id))
    });
    // Symbol displacement: rings of 8 spots around the park, nearest first.
    let mut taken: Vec<Rect> = Vec::new();
    for p in placed.iter_mut() {
        if p.symbol && taken.iter().any(|t| t.overlaps(&p.outer())) {
            let step = size + 2.0 * p.margin + 0.6 * mm;
            let spots = (1..=4).flat_map(|ring| {
                (0..8).map(move |k| {
                    let ang = std::f64::consts::TAU * f64::from(k) / 8.0 - std::f64::consts::FRAC_PI_2;
                    (ang.cos() * step * f64::from(ring), ang.sin() * step * f64::from(ring))
                })
            });
            for (dx, dy) in spots {
                let r = Rect::xywh(p.true_pt.0 + dx - size / 2.0, p.true_pt.1 + dy - size / 2.0, size, size);
                if !taken.iter().any(|t| t.overlaps(&r.grow(p.margin))) && view.frame.contains(&r.grow(p.margin)) {
                    p.at = (p.true_pt.0 + dx, p.true_pt.1 + dy);
                    p.rect = r;
                    break;
                }
            }
        }
        taken.push(p.outer());
    }
    placed
}

/// The boundaries whose area holds a park (the analysed area); all of them if none does.
fn holding<'a>(bounds: &'a [MapBoundary], anchors: &[(f64, f64)]) -> Vec<&'a MapBoundary> {
    let hit: Vec<&MapBoundary> = bounds
        .iter()
        .filter(|b| {
            let Some(r) = b.geom.bounding_rect() else { return false };
            anchors.iter().any(|&(x, y)| {
                x >= r.min().x
                    && x <= r.max().x
                    && y >= r.min().y
                    && y <= r.max().y
                    && b.geom.contains(&Point::new(x, y))
            })
        })
        .collect();
    hit
}

fn vertices(mp: &MultiPolygon<f64>) -> impl Iterator<Item = (f64, f64)> + '_ {
    mp.0.iter().flat_map(|p| p.exterior().0.iter().map(|c| (c.x, c.y)))
}

/// The legend rows of the overview.
fn legend_items(ctx: &Ctx, view: &View, dropped_note: &str) -> Vec<Item> {
    let mut items = vec![Item::Heading("图  例".into())];
    items.extend(ParkClass::ALL.iter().map(|c| Item::Park(*c)));
    items.push(Item::Outline(ctx.s.underperforming_line(), "低效园区（E12）".into()));
    items.push(Item::Outline(ctx.s.surplus_line(), "超出县域园区数量（L1/L2）".into()));
    items.push(Item::Arrow("整合建议：被整合园区 → 承接园区".into()));
    items.push(Item::Zone(ZoneClass::Prohibited));
    items.push(Item::Zone(ZoneClass::Restricted));
    items.push(Item::LineSample(ctx.s.league_line(), "盟市界".into()));
    items.push(Item::LineSample(ctx.s.county_line(), "旗县（市、区）界".into()));
    items.push(Item::Note(format!(
        "园区在图上小于 {} 毫米时以方块符号表示，符号内为评价等级。{dropped_note}",
        ctx.cfg.symbol_size_mm
    )));
    items.push(Item::ScaleBar);
    items.push(Item::Note(view.proj.describe_zh()));
    items
}

/// Draws the overview.
pub(crate) fn draw(c: &mut dyn Canvas, ctx: &Ctx, data: &MapData) -> Drawn {
    let mm = ctx.s.mm;
    let frame = Rect { x0: 17.0 * mm, y0: 27.0 * mm, x1: ctx.w - 17.0 * mm, y1: ctx.h - 14.0 * mm };

    // The analysed area: leagues (else counties) holding a park; else everything.
    let anchors: Vec<(f64, f64)> = data.parks.iter().filter_map(|p| inside_point(&p.geom)).collect();
    let leagues = holding(&data.leagues, &anchors);
    let counties = holding(&data.counties, &anchors);
    let mut extent: Vec<(f64, f64)> = if !leagues.is_empty() {
        leagues.iter().flat_map(|b| vertices(&b.geom)).collect()
    } else if !counties.is_empty() {
        counties.iter().flat_map(|b| vertices(&b.geom)).collect()
    } else {
        Vec::new()
    };
    extent.extend(data.parks.iter().flat_map(|p| vertices(&p.geom)));
    if extent.is_empty() {
        extent.extend(data.zones.iter().flat_map(|z| vertices(&z.geom)));
        extent.extend(data.leagues.iter().chain(&data.counties).flat_map(|b| vertices(&b.geom)));
    }
    let (mut lon0, mut lon1, mut lat0, mut lat1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in &extent {
        (lon0, lon1, lat0, lat1) = (lon0.min(x), lon1.max(x), lat0.min(y), lat1.max(y));
    }
    let center = ((lon0 + lon1) / 2.0, (lat0 + lat1) / 2.0);
    let lcc = LambertConic::fitted(lat0, lat1, center.0);
    let (k_mid, k_lo, k_hi) = (lcc.scale_factor(center.1), lcc.scale_factor(lat0), lcc.scale_factor(lat1));
    let k_mid_par = lcc.scale_factor((lcc.parallels.0 + lcc.parallels.1) / 2.0);
    let spread = [k_lo, k_hi, k_mid_par].iter().map(|k| (k / k_mid - 1.0).abs()).fold(0.0, f64::max);
    let Some(view) = View::fit(Projection::Lambert(lcc), extent.iter().copied(), frame, 4.0 * mm, 20_000.0, center)
    else {
        return Drawn { summary: MapSummary::default(), swatches: Vec::new(), view: None };
    };
    let scale_note = (spread > 0.001)
        .then(|| format!("比例尺按北纬 {:.1}° 量取；投影使图内比例尺南北变化至多 {:.1}%。", center.1, spread * 100.0));

    let in_merge = |id: &str| data.merges.iter().any(|m| m.from_park_id == id || m.to_park_id == id);
    let placed = place_parks(ctx, &view, &data.parks, &in_merge);

    // Legend and north arrow go where they hide the least of the area.
    let area_rings: Vec<Vec<Pt>> = if !leagues.is_empty() {
        data.leagues.iter().flat_map(|b| view.rings(&b.geom)).collect()
    } else {
        data.counties.iter().flat_map(|b| view.rings(&b.geom)).collect()
    };
    let worst_note = dropped_note(data.parks.len());
    let legend_w = 86.0 * mm;
    let (legend_h, _) =
        legend(None, ctx, &view, &legend_items(ctx, &view, &worst_note), (0.0, 0.0), legend_w, scale_note.as_deref());
    let inset = 3.0 * mm;
    let corners = [
        Rect::xywh(frame.x1 - inset - legend_w, frame.y1 - inset - legend_h, legend_w, legend_h),
        Rect::xywh(frame.x0 + inset, frame.y1 - inset - legend_h, legend_w, legend_h),
        Rect::xywh(frame.x1 - inset - legend_w, frame.y0 + inset, legend_w, legend_h),
        Rect::xywh(frame.x0 + inset, frame.y0 + inset, legend_w, legend_h),
    ];
    let cost = |r: &Rect| {
        let parks = placed.iter().filter(|p| p.outer().overlaps(r)).count() as f64;
        let mut covered = 0usize;
        for i in 0..16 {
            for j in 0..16 {
                let p = (r.x0 + r.w() * (i as f64 + 0.5) / 16.0, r.y0 + r.h() * (j as f64 + 0.5) / 16.0);
                covered += usize::from(inside_rings(&area_rings, p));
            }
        }
        parks * 10.0 + covered as f64 / 256.0 * 8.0
    };
    let legend_at = cheapest(&corners, &cost);
    let (arrow_w, arrow_h) = (10.0 * mm, 22.0 * mm);
    let north_spots: Vec<Rect> = [
        Rect::xywh(frame.x1 - inset - arrow_w, frame.y0 + inset, arrow_w, arrow_h),
        Rect::xywh(frame.x0 + inset, frame.y0 + inset, arrow_w, arrow_h),
        Rect::xywh(frame.x1 - inset - arrow_w, frame.y1 - inset - arrow_h, arrow_w, arrow_h),
        Rect::xywh(frame.x0 + inset, frame.y1 - inset - arrow_h, arrow_w, arrow_h),
    ]
    .into_iter()
    .filter(|r| !r.grow(2.0 * mm).overlaps(&legend_at))
    .collect();
    let north_at = cheapest(&north_spots, &cost);

    // The base: outside the area grey, the area white; zone grounds under the parks.
    c.begin("base");
    if !area_rings.is_empty() {
        c.fill(&[frame.ring()], &Fill::Solid(OUTSIDE));
        fill_in(c, &frame, &area_rings, &Fill::Solid(WHITE));
    }
    c.end();
    let zone_rings: Vec<(ZoneClass, Vec<Vec<Pt>>)> = [ZoneClass::Restricted, ZoneClass::Prohibited]
        .iter()
        .flat_map(|&class| data.zones.iter().filter(move |z| z.class == class).map(move |z| (class, z)))
        .map(|(class, z)| (class, view.rings(&z.geom)))
        .filter(|(_, r)| Rect::around(r.iter().flatten()).is_some_and(|b| b.overlaps(&frame)))
        .collect();
    c.begin("zones-ground");
    for (class, rings) in &zone_rings {
        fill_in(c, &frame, rings, &ctx.s.zone_ground(*class));
    }
    c.end();
    c.begin("graticule");
    let grat = graticule(c, ctx, &view, true);
    c.end();
    c.begin("counties");
    for b in &data.counties {
        outline_in(c, &frame, &view.rings(&b.geom), &ctx.s.county_line());
    }
    c.end();
    c.begin("leagues");
    for b in &data.leagues {
        outline_in(c, &frame, &view.rings(&b.geom), &ctx.s.league_line());
    }
    c.end();

    // Parks large enough to show their shape.
    c.begin("parks");
    for p in placed.iter().rev().filter(|p| !p.symbol) {
        fill_in(c, &frame, &p.rings, &Fill::Solid(p.class.color()));
    }
    c.end();
    // Zone hatching over the parks: a park's overlap with a zone shows.
    c.begin("zones");
    for (class, rings) in &zone_rings {
        fill_in(c, &frame, rings, &ctx.s.zone_hatch(*class));
        outline_in(c, &frame, rings, &ctx.s.zone_line(*class));
    }
    c.end();
    c.begin("park-outlines");
    for p in placed.iter().rev().filter(|p| !p.symbol) {
        outline_in(c, &frame, &p.rings, &ctx.s.park_line());
        if p.park.underperforming {
            outline_in(c, &frame, &p.rings, &ctx.s.underperforming_line());
        }
        if p.park.surplus {
            outline_in(c, &frame, &p.rings, &ctx.s.surplus_line());
        }
    }
    c.end();

    // Merge arrows, curved so that short ones still show between the symbols.
    let mut placer = Placer::new(frame.grow(-mm));
    placer.block(legend_at.grow(1.0 * mm));
    placer.block(north_at);
    for p in &placed {
        placer.block(p.outer());
        if p.displaced() {
            placer.block(Rect::around(&[p.true_pt, p.at]).unwrap_or(p.rect).grow(0.5 * mm));
        }
    }
    c.begin("merges");
    for m in &data.merges {
        let (Some(a), Some(b)) = (
            placed.iter().find(|p| p.park.park_id == m.from_park_id),
            placed.iter().find(|p| p.park.park_id == m.to_park_id),
        ) else {
            continue;
        };
        let path = merge_path(ctx, a, b);
        for q in &path {
            placer.block(Rect::xywh(q.0, q.1, 0.0, 0.0).grow(1.0 * mm));
        }
        arrow(c, ctx, &path, &ctx.s.merge_line());
    }
    c.end();

    // Symbols, the most important drawn last (on top); a moved symbol keeps
    // a leader to a dot on its park.
    let size = ctx.cfg.symbol_size_mm * mm;
    c.begin("park-symbols");
    for p in placed.iter().rev().filter(|p| p.symbol && p.displaced()) {
        c.stroke(&[p.true_pt, p.at], &Line::solid(INK, 0.5 * ctx.s.pt));
        c.fill(&[circle(p.true_pt, 0.55 * mm)], &Fill::Solid(INK));
    }
    for p in placed.iter().rev().filter(|p| p.symbol) {
        let r = park_symbol(c, ctx, p.at, size, p.class);
        if p.park.underperforming {
            square_outline(c, &r, 0.9 * mm, &ctx.s.underperforming_line());
        }
        if p.park.surplus {
            square_outline(c, &r, 1.9 * mm, &ctx.s.surplus_line());
        }
    }
    c.end();

    // Names: parks first, by priority, next to their park or set apart with
    // a leader; then leagues where room is left.
    let em = ctx.cfg.label_size_pt * ctx.s.pt;
    let mut labelled = Vec::new();
    let mut unlabelled = Vec::new();
    let mut missing = Vec::new();
    c.begin("park-names");
    for p in &placed {
        let name = if p.park.name.trim().is_empty() { p.park.park_id.as_str() } else { p.park.name.trim() };
        missing.extend(ctx.font.missing_glyphs(name));
        let m = ctx.measure(name, em);
        let (w, h) = (m.width, m.ascent + m.descent);
        let cands = labels::candidates(&p.outer(), w, h, 0.6 * mm, &[3.5 * mm, 7.0 * mm, 11.0 * mm]);
        match placer.place_candidate(&cands, 1.0 * mm) {
            Some(k) => {
                let cand = cands[k];
                if let Some((from, to)) = cand.leader {
                    c.stroke(&[from, to], &Line::solid(GREY_TEXT, 0.4 * ctx.s.pt));
                }
                let r = cand.rect;
                c.text(
                    name,
                    (r.x0, r.y0 + m.ascent),
                    &TextStyle { em, color: INK, halo: Some((WHITE, 0.45 * mm)), align: Align::Left },
                );
                labelled.push(p.park.park_id.clone());
            }
            None => unlabelled.push(p.park.park_id.clone()),
        }
    }
    c.end();
    c.begin("league-names");
    let lem = 11.0 * ctx.s.pt;
    let mut named_leagues: Vec<&MapBoundary> = data.leagues.iter().collect();
    named_leagues.sort_by(|a, b| a.name.cmp(&b.name));
    for b in named_leagues {
        let Some((x, y)) = b.label_point() else { continue };
        missing.extend(ctx.font.missing_glyphs(&b.name));
        const OFFSETS: [(f64, f64); 7] =
            [(0.0, 0.0), (0.0, 1.3), (0.0, -1.3), (0.7, 0.0), (-0.7, 0.0), (0.0, 2.6), (0.0, -2.6)];
        place_name(c, ctx, &mut placer, &b.name, view.px(x, y), lem, &OFFSETS);
    }
    c.end();

    // Furniture.
    frame_group(c, ctx, &frame, &grat);
    c.begin("title");
    let title = if data.title.trim().is_empty() { "工业园区评价与整合建议图" } else { data.title.trim() };
    missing.extend(ctx.font.missing_glyphs(title));
    title_block(c, ctx, title, &format!("制图日期：{}", data.run_date), 7.0 * mm);
    page::footer(c, ctx, &data.source_line, frame.x0, frame.x1);
    c.end();
    c.begin("legend");
    let note = dropped_note(unlabelled.len());
    let swatches = legend_box(c, ctx, &view, &legend_items(ctx, &view, &note), &legend_at, scale_note.as_deref());
    c.end();
    c.begin("north-arrow");
    north_arrow(c, ctx, (north_at.center().0, north_at.y0), view.north_angle());
    c.end();

    missing.sort_unstable();
    missing.dedup();
    Drawn {
        summary: MapSummary { font: Default::default(), labelled, unlabelled, missing_glyphs: missing },
        swatches,
        view: Some(view),
    }
}

/// The rectangle of least `cost`; the first on ties.
fn cheapest(rects: &[Rect], cost: &dyn Fn(&Rect) -> f64) -> Rect {
    let mut best = (f64::MAX, rects.first().copied().unwrap_or(Rect::xywh(0.0, 0.0, 0.0, 0.0)));
    for r in rects {
        let k = cost(r);
        if k < best.0 - 1e-9 {
            best = (k, *r);
        }
    }
    best.1
}

/// The legend's note on names left off.
fn dropped_note(n: usize) -> String {
    if n == 0 {
        String::new()
    } else {
        format!("另有 {n} 个园区因位置拥挤未标注名称。")
    }
}

/// The arrow from one park to another: a gentle curve, leaving and entering
/// outside both symbols.
fn merge_path(ctx: &Ctx, from: &Placed, to: &Placed) -> Vec<Pt> {
    let (a, b) = (from.at, to.at);
    let len = (b.0 - a.0).hypot(b.1 - a.1);
    let size = ctx.cfg.symbol_size_mm * ctx.s.mm;
    let (fa, fb) = (from.outer().grow(0.4 * ctx.s.mm), to.outer().grow(0.4 * ctx.s.mm));
    for bulge in [(0.15 * len).max(1.5 * size), 2.5 * size, 4.0 * size] {
        let pts = curve(a, b, bulge);
        let first = pts.iter().position(|p| !fa.contains_pt(*p));
        let last = pts.iter().rposition(|p| !fb.contains_pt(*p));
        if let (Some(i), Some(j)) = (first, last) {
            if j > i {
                let path: Vec<Pt> = pts[i..=j].to_vec();
                let plen: f64 = path.windows(2).map(|w| (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1)).sum();
                if plen >= 4.0 * ctx.s.mm {
                    return path;
                }
            }
        }
    }
    curve(a, b, 4.0 * size)
}
