//! A proposal sheet: one merge, zoomed to the two parks.
//!
//! The map (Gauss–Krüger, the planners' own grid) shows the two parks with
//! enough around them to see where they lie: zones, counties, other parks,
//! and the line between the parks' closest boundary points with its length.
//! The panel on the right sums the proposal up and tabulates the key
//! indicators before and after the merge.

use super::labels::{self, Placer};
use super::overview_map::{place_parks, Placed};
use super::page::{
    circle, distance_zh, fill_in, footer, frame_group, graticule, legend, legend_box, north_arrow, outline_in,
    park_symbol, path_in, place_name, square_outline, title_block, Ctx, Drawn, Item, View,
};
use super::projection::{Projection, TransverseMercator};
use super::render::{Align, Canvas, Fill, Line, Pt, Rgb, TextStyle, WHITE};
use super::shape::Rect;
use super::style::{ParkClass, GREY_TEXT, INK, MERGE, OUTSIDE, PROPOSED, SOURCE};
use super::{MapData, MapMerge, MapPark, MapSummary, ZoneClass};
use geo::{Coord, MultiPolygon};

/// The part a park plays on a sheet: its outline, its label and its legend line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Role {
    /// The park that merges (被整合).
    Source,
    /// The park that receives it (承接).
    Receiver,
    /// A proposed park under review (`yuanqu proposal`).
    Proposed,
    /// A park ranked for a project (`yuanqu place`), 1 the best.
    Ranked(usize),
}

impl Role {
    fn line(self, s: &super::style::Scale) -> Line {
        match self {
            Role::Source => s.source_line(),
            Role::Receiver | Role::Ranked(_) => s.receiver_line(),
            Role::Proposed => s.proposal_line(),
        }
    }

    fn color(self) -> Rgb {
        match self {
            Role::Source => SOURCE,
            Role::Receiver | Role::Ranked(_) => MERGE,
            Role::Proposed => PROPOSED,
        }
    }

    fn label(self) -> String {
        match self {
            Role::Source => "被整合：".into(),
            Role::Receiver => "承接：".into(),
            Role::Proposed => "拟设：".into(),
            Role::Ranked(n) => format!("第{n}位："),
        }
    }

    fn legend(self) -> &'static str {
        match self {
            Role::Source => "被整合园区",
            Role::Receiver => "承接园区",
            Role::Proposed => "拟设园区（审查对象）",
            Role::Ranked(_) => "推荐园区（按产业契合与距离排序）",
        }
    }
}

/// A line between two parks' closest boundary points.
#[derive(Clone, Debug)]
pub(crate) struct Link {
    /// On the park the sheet is about, lon/lat.
    pub from: Coord<f64>,
    /// On the other park, lon/lat.
    pub to: Coord<f64>,
    /// Geodesic length, metres.
    pub distance_m: f64,
}

/// The table of a sheet's panel: three columns, rows that do not fit counted.
#[derive(Clone, Debug)]
pub(crate) struct Table {
    /// Column headings.
    pub header: (String, String, String),
    /// Rows, already formatted.
    pub rows: Vec<(String, String, String)>,
    /// Shown when there is no row.
    pub empty: &'static str,
    /// `(before, after)` the count of rows left off.
    pub more: (&'static str, &'static str),
}

/// What a sheet shows beyond the base map (zones, boundaries, other parks).
#[derive(Clone, Debug)]
pub(crate) struct Sheet<'a> {
    /// The parks the sheet is about, drawn last, outlined by role, always named.
    pub focus: Vec<(&'a MapPark, Role)>,
    /// Closest-point lines with their lengths.
    pub links: Vec<Link>,
    /// The links' legend line.
    pub link_legend: &'static str,
    /// Areas filled solid over the zones: the proposal's zone conflicts.
    pub patches: Vec<(ZoneClass, &'a MultiPolygon<f64>)>,
    /// Points marked and named, e.g. a project's site.
    pub markers: Vec<(Coord<f64>, &'static str)>,
    /// Title, and the line under it.
    pub title: (String, String),
    /// The panel: a heading and key–value rows.
    pub summary: (&'static str, Vec<(String, String)>),
    /// The panel's table, with its heading.
    pub table: (&'static str, Table),
}

/// The sheet of a merge; `None` when either park is not in `data`.
pub(crate) fn of_merge<'a>(data: &'a MapData, merge: &MapMerge) -> Option<Sheet<'a>> {
    let from = data.parks.iter().find(|p| p.park_id == merge.from_park_id)?;
    let to = data.parks.iter().find(|p| p.park_id == merge.to_park_id)?;
    let fclass = ParkClass::of(from);
    let mut fnote = vec![fclass.short().to_string()];
    if from.underperforming {
        fnote.push("低效（E12）".into());
    }
    if from.surplus {
        fnote.push("超出县域园区数量".into());
    }
    let rows = vec![
        ("被整合园区".into(), format!("{}（{}）", display_name(from), from.park_id)),
        (String::new(), fnote.join("，")),
        ("承接园区".into(), format!("{}（{}）", display_name(to), to.park_id)),
        (String::new(), ParkClass::of(to).short().to_string()),
        ("边界最近距离".into(), distance_zh(merge.distance_m)),
        ("产业链契合（C2）".into(), if merge.chain_fit { "是".into() } else { "否".into() }),
    ];
    Some(Sheet {
        focus: vec![(from, Role::Source), (to, Role::Receiver)],
        links: vec![Link { from: merge.from_pt, to: merge.to_pt, distance_m: merge.distance_m }],
        link_legend: "两园区边界最近点连线",
        patches: Vec::new(),
        markers: Vec::new(),
        title: (
            format!("园区整合建议：{} → {}", display_name(from), display_name(to)),
            format!("{} → {}　·　制图日期：{}", from.park_id, to.park_id, data.run_date),
        ),
        summary: ("整合概要", rows),
        table: (
            "主要指标（整合前 → 整合后）",
            Table {
                header: ("指标".into(), "整合前".into(), "整合后".into()),
                rows: merge.table.clone(),
                empty: "（无指标数据）",
                more: ("……另有 ", " 项指标未列出（见 indicators.csv）"),
            },
        ),
    })
}

/// The sheet of a proposed park under review.
pub(crate) fn of_review(r: &super::MapReview) -> Sheet<'_> {
    Sheet {
        focus: vec![(&r.park, Role::Proposed)],
        links: r.nearest.iter().map(|&(from, to, distance_m)| Link { from, to, distance_m }).collect(),
        link_legend: "与最近园区的边界最近点连线",
        patches: r.conflicts.iter().map(|(k, g)| (*k, g)).collect(),
        markers: Vec::new(),
        title: (format!("拟设园区审查：{}", display_name(&r.park)), r.subtitle.clone()),
        summary: ("审查概要", r.summary.clone()),
        table: (
            "区块",
            Table {
                header: ("区块".into(), "面积（亩）".into(), "限制 / 禁止开发区域内（亩）".into()),
                rows: r.blocks.clone(),
                empty: "（无区块）",
                more: ("……另有 ", " 个区块未列出"),
            },
        ),
    }
}

/// What the first of a sheet's two drawings (PNG, then SVG) projected, for
/// the second: both draw the same page, and the zones near a sheet are most
/// of its projecting.
#[derive(Default)]
pub(crate) struct Memo {
    zones: std::cell::RefCell<Option<ZoneRings>>,
}

type ZoneRings = Vec<(ZoneClass, Vec<Vec<Pt>>)>;

impl Memo {
    /// The zones' rings: computed by `f` the first time, kept for the second.
    fn zones(&self, f: impl FnOnce() -> ZoneRings) -> ZoneRings {
        if let Some(z) = self.zones.borrow_mut().take() {
            return z;
        }
        let z = f();
        *self.zones.borrow_mut() = Some(z.clone());
        z
    }
}

/// The sheet of a project's site and the parks ranked for it; `None` when
/// none of them is in `data`.
pub(crate) fn of_placement<'a>(data: &'a MapData, p: &super::MapPlacement) -> Option<Sheet<'a>> {
    let mut focus = Vec::new();
    let mut links = Vec::new();
    for (rank, (id, nearest, distance_m)) in p.ranked.iter().enumerate() {
        if let Some(park) = data.parks.iter().find(|q| &q.park_id == id) {
            focus.push((park, Role::Ranked(rank + 1)));
            links.push(Link { from: p.site, to: *nearest, distance_m: *distance_m });
        }
    }
    if focus.is_empty() {
        return None;
    }
    Some(Sheet {
        focus,
        links,
        link_legend: "选址与园区的最近距离",
        patches: Vec::new(),
        markers: vec![(p.site, "项目选址")],
        title: p.title.clone(),
        summary: ("项目概要", p.summary.clone()),
        table: (
            "推荐园区",
            Table {
                header: ("名次".into(), "园区".into(), "距离 · 产业契合".into()),
                rows: p.table.clone(),
                empty: "（无可承接园区）",
                more: ("……另有 ", " 个园区未列出"),
            },
        ),
    })
}

/// Draws a sheet (`memo` shared by its two drawings).
pub(crate) fn draw(c: &mut dyn Canvas, ctx: &Ctx, data: &MapData, sheet: &Sheet<'_>, memo: &Memo) -> Drawn {
    let mm = ctx.s.mm;
    let empty = || Drawn { summary: MapSummary::default(), swatches: Vec::new(), view: None };
    if sheet.focus.is_empty() {
        return empty();
    }
    let panel_w = 120.0 * mm;
    let frame =
        Rect { x0: 14.0 * mm, y0: 27.0 * mm, x1: ctx.w - 14.0 * mm - panel_w - 9.0 * mm, y1: ctx.h - 14.0 * mm };
    let panel =
        Rect { x0: frame.x1 + 9.0 * mm, y0: frame.y0 - 1.2 * mm, x1: ctx.w - 14.0 * mm, y1: frame.y1 + 1.2 * mm };

    // The parks and the closest points, with context around them.
    let mut ll: Vec<(f64, f64)> = sheet
        .focus
        .iter()
        .flat_map(|(p, _)| p.geom.0.iter().flat_map(|poly| poly.exterior().0.iter().map(|c| (c.x, c.y))))
        .collect();
    for l in &sheet.links {
        ll.push((l.from.x, l.from.y));
        ll.push((l.to.x, l.to.y));
    }
    ll.extend(sheet.markers.iter().map(|(c, _)| (c.x, c.y)));
    let (mut lon0, mut lon1, mut lat0, mut lat1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in &ll {
        (lon0, lon1, lat0, lat1) = (lon0.min(x), lon1.max(x), lat0.min(y), lat1.max(y));
    }
    let center = ((lon0 + lon1) / 2.0, (lat0 + lat1) / 2.0);
    let proj = Projection::GaussKruger(TransverseMercator::gauss_kruger_3deg(center.0));
    let projected: Vec<Pt> = ll.iter().map(|&(x, y)| proj.forward(x, y)).collect();
    let Some(b) = Rect::around(&projected) else { return empty() };
    let ctx_m = (0.35 * b.w().max(b.h())).max(ctx.cfg.sheet_context_m);
    let Some(view) = View::fit_box(proj, b.grow(ctx_m), frame, 0.0, 500.0, center) else { return empty() };
    // Only what lies near the sheet is projected and placed: a visible point
    // lies within the frame's diagonal (in metres) of the focus, so a
    // lon/lat box that much larger holds every park, zone and boundary that
    // can show (and every ring that can enclose the frame). A park outside
    // it cannot even push a visible park's symbol aside.
    let near = lon_lat_reach((lon0, lat0, lon1, lat1), frame.w().hypot(frame.h()) / view.scale);
    let is_near = |g: &MultiPolygon<f64>| {
        geo::BoundingRect::bounding_rect(g).is_some_and(|b| geo::Intersects::intersects(&b, &near))
    };
    // Zones and county lines only show inside the frame, which lies within
    // `reach` of the focus's centre: a lon/lat box around that circle is
    // about a tenth of `near`, and what misses it is not projected at all.
    let mid = view.px(center.0, center.1);
    let reach_px = frame.ring().iter().map(|p| (p.0 - mid.0).hypot(p.1 - mid.1)).fold(0.0, f64::max);
    let in_frame = lon_lat_reach((center.0, center.1, center.0, center.1), reach_px / view.scale);
    let may_show = |b: &geo::Rect<f64>| geo::Intersects::intersects(b, &in_frame);

    // 0 for the context parks, then the focus parks in order
    let role = |id: &str| sheet.focus.iter().position(|(f, _)| f.park_id == id).map_or(0, |k| k + 1);
    // (the focus parks need not be among data's: a proposal is not)
    let mut parks: Vec<MapPark> = sheet.focus.iter().map(|(p, _)| (*p).clone()).collect();
    parks.extend(data.parks.iter().filter(|p| role(&p.park_id) == 0 && is_near(&p.geom)).cloned());
    let placed = place_parks(ctx, &view, &parks, &|id| role(id) > 0);
    let visible: Vec<&Placed> = placed.iter().filter(|p| p.rect.overlaps(&frame)).collect();
    let role_of = |id: &str| sheet.focus.iter().find(|(f, _)| f.park_id == id).map(|(_, r)| *r);

    // Base, zones, boundaries.
    let leagues: Vec<Vec<Vec<Pt>>> =
        data.leagues.iter().filter(|b| is_near(&b.geom)).map(|b| view.rings(&b.geom)).collect();
    c.begin("base");
    if !data.leagues.is_empty() {
        c.fill(&[frame.ring()], &Fill::Solid(OUTSIDE));
        let league_rings: Vec<Vec<Pt>> = leagues.iter().flatten().cloned().collect();
        fill_in(c, &frame, &league_rings, &Fill::Solid(WHITE));
    }
    c.end();
    let zone_rings = memo.zones(|| {
        [ZoneClass::Restricted, ZoneClass::Prohibited]
            .iter()
            .flat_map(|&class| data.zones.iter().filter(move |z| z.class == class).map(move |z| (class, z)))
            .filter(|(_, z)| z.bbox.is_some_and(|b| may_show(&b)))
            .map(|(class, z)| (class, view.rings(&z.geom)))
            .filter(|(_, r)| Rect::around(r.iter().flatten()).is_some_and(|b| b.overlaps(&frame)))
            .collect()
    });
    let mut zone_classes: Vec<ZoneClass> = zone_rings.iter().map(|(c, _)| *c).collect();
    zone_classes.dedup();
    c.begin("zones-ground");
    for (class, rings) in &zone_rings {
        fill_in(c, &frame, rings, &ctx.s.zone_ground(*class));
    }
    c.end();
    c.begin("graticule");
    let grat = graticule(c, ctx, &view, false);
    c.end();
    c.begin("counties");
    // (name, rings, a point inside)
    type County = (String, Vec<Vec<Pt>>, Option<(f64, f64)>);
    let county_rings: Vec<County> = data
        .counties
        .iter()
        .filter(|b| geo::BoundingRect::bounding_rect(&b.geom).is_some_and(|r| may_show(&r)))
        .map(|b| (b, view.rings(&b.geom)))
        .filter(|(_, r)| Rect::around(r.iter().flatten()).is_some_and(|bb| bb.overlaps(&frame)))
        .map(|(b, r)| (b.name.clone(), r, b.label_point()))
        .collect();
    for (_, rings, _) in &county_rings {
        outline_in(c, &frame, rings, &ctx.s.county_line());
    }
    c.end();
    c.begin("leagues");
    for rings in &leagues {
        outline_in(c, &frame, rings, &ctx.s.league_line());
    }
    c.end();

    // Parks: the others first, then the focus parks; zone hatching over the
    // park fills, so overlaps show.
    let size = ctx.cfg.symbol_size_mm * mm;
    let mut classes: Vec<ParkClass> =
        visible.iter().filter(|p| role_of(&p.park.park_id) != Some(Role::Proposed)).map(|p| p.class).collect();
    classes.sort();
    classes.dedup();
    let flags = (
        visible.iter().any(|p| role(&p.park.park_id) == 0 && p.park.underperforming),
        visible.iter().any(|p| role(&p.park.park_id) == 0 && p.park.surplus),
    );
    let mut draw_order: Vec<&&Placed> = visible.iter().collect();
    draw_order.sort_by_key(|p| role(&p.park.park_id));
    c.begin("parks");
    for p in draw_order.iter().filter(|p| !p.symbol) {
        fill_in(c, &frame, &p.rings, &Fill::Solid(p.class.color()));
    }
    c.end();
    c.begin("zones");
    for (class, rings) in &zone_rings {
        fill_in(c, &frame, rings, &ctx.s.zone_hatch(*class));
        outline_in(c, &frame, rings, &ctx.s.zone_line(*class));
    }
    c.end();
    let mut patch_classes: Vec<ZoneClass> = sheet.patches.iter().map(|(k, _)| *k).collect();
    patch_classes.sort_by_key(|k| std::cmp::Reverse(*k == ZoneClass::Prohibited));
    patch_classes.dedup();
    if !sheet.patches.is_empty() {
        c.begin("conflicts");
        for (class, g) in &sheet.patches {
            let rings = view.rings(g);
            fill_in(c, &frame, &rings, &ctx.s.conflict_fill(*class));
            outline_in(c, &frame, &rings, &ctx.s.zone_line(*class));
        }
        c.end();
    }
    c.begin("park-outlines");
    for p in &draw_order {
        let r = role(&p.park.park_id);
        let role_line = role_of(&p.park.park_id).map(|k| k.line(&ctx.s));
        let mut lines = vec![ctx.s.park_line()];
        if r == 0 && p.park.underperforming {
            lines.push(ctx.s.underperforming_line());
        }
        if r == 0 && p.park.surplus {
            lines.push(ctx.s.surplus_line());
        }
        if p.symbol {
            if p.displaced() {
                c.stroke(&[p.true_pt, p.at], &Line::solid(INK, 0.5 * ctx.s.pt));
                c.fill(&[circle(p.true_pt, 0.55 * mm)], &Fill::Solid(INK));
            }
            let rect = park_symbol(c, ctx, p.at, size, p.class);
            if let Some(l) = &role_line {
                square_outline(c, &rect, 0.9 * mm, l);
            }
            for (k, l) in lines.iter().enumerate().skip(1) {
                square_outline(c, &rect, if k == 1 && p.park.underperforming { 0.9 * mm } else { 1.9 * mm }, l);
            }
        } else {
            for l in lines.iter().chain(role_line.as_ref()) {
                outline_in(c, &frame, &p.rings, l);
            }
        }
    }
    c.end();

    // The closest-points lines.
    let ends: Vec<(Pt, Pt)> =
        sheet.links.iter().map(|l| (view.px(l.from.x, l.from.y), view.px(l.to.x, l.to.y))).collect();
    c.begin("closest-points");
    let line = ctx.s.merge_line();
    for &(a, b) in &ends {
        path_in(c, &frame, &[a, b], &line);
        for p in [a, b] {
            if frame.contains_pt(p) {
                c.fill(&[circle(p, 0.9 * mm)], &Fill::Solid(MERGE));
                c.stroke(
                    &{
                        let mut r = circle(p, 0.9 * mm);
                        r.push(r[0]);
                        r
                    },
                    &Line::solid(WHITE, 0.4 * ctx.s.pt),
                );
            }
        }
    }
    c.end();
    let marks: Vec<(Pt, &str)> = sheet.markers.iter().map(|(p, t)| (view.px(p.x, p.y), *t)).collect();
    if !marks.is_empty() {
        c.begin("markers");
        for &(p, _) in &marks {
            let mut ring = circle(p, 1.8 * mm);
            c.fill(std::slice::from_ref(&ring), &Fill::Solid(PROPOSED));
            ring.push(ring[0]);
            c.stroke(&ring, &Line::solid(WHITE, 0.8 * ctx.s.pt));
        }
        c.end();
    }

    // Labels: the focus parks (always), the distances, other parks, counties.
    let north_at = Rect::xywh(frame.x1 - 3.0 * mm - 10.0 * mm, frame.y0 + 3.0 * mm, 10.0 * mm, 22.0 * mm);
    let mut placer = Placer::new(frame.grow(-mm));
    placer.block(north_at);
    for p in &visible {
        placer.block(p.outer());
    }
    for &(p, _) in &marks {
        placer.block(Rect::xywh(p.0, p.1, 0.0, 0.0).grow(2.2 * mm));
    }
    for &(a, b) in &ends {
        let steps = ((b.0 - a.0).hypot(b.1 - a.1) / (2.0 * mm)).ceil().max(1.0) as usize;
        for k in 0..=steps {
            let t = k as f64 / steps as f64;
            placer.block(Rect::xywh(a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t, 0.0, 0.0).grow(1.2 * mm));
        }
    }
    let mut labelled = Vec::new();
    let mut unlabelled = Vec::new();
    let mut missing = Vec::new();
    let rem = 10.0 * ctx.s.pt;
    c.begin("park-names");
    for (p, text, color) in sheet.focus.iter().map(|(p, r)| (p, format!("{}{}", r.label(), display_name(p)), r.color()))
    {
        let Some(pl) = placed.iter().find(|q| q.park.park_id == p.park_id) else { continue };
        missing.extend(ctx.font.missing_glyphs(&text));
        // (a proposal has no grade yet)
        let text = match role_of(&p.park_id) {
            Some(Role::Proposed) => text,
            _ => format!("{text}（{}）", pl.class.short()),
        };
        let style = TextStyle { em: rem, color, halo: Some((WHITE, 0.6 * mm)), align: Align::Left };
        must_name(c, ctx, &mut placer, &frame, (pl.outer().grow(1.2 * mm), 1.0 * mm), &text, &style);
        labelled.push(p.park_id.clone());
    }
    for &(p, text) in &marks {
        missing.extend(ctx.font.missing_glyphs(text));
        let style = TextStyle { em: rem, color: PROPOSED, halo: Some((WHITE, 0.6 * mm)), align: Align::Left };
        let at = Rect::xywh(p.0, p.1, 0.0, 0.0).grow(2.4 * mm);
        must_name(c, ctx, &mut placer, &frame, (at, 0.5 * mm), text, &style);
    }
    // Distances, by the middle of each line.
    for (l, &(a, b)) in sheet.links.iter().zip(&ends) {
        let dist = if l.distance_m < 1.0 {
            "两园区边界相接".to_string()
        } else {
            format!("最近距离 {}", distance_zh(l.distance_m))
        };
        let dem = 9.0 * ctx.s.pt;
        let dm = ctx.measure(&dist, dem);
        let mid = Rect::around(&[a, b]).unwrap_or(Rect::xywh(a.0, a.1, 0.0, 0.0)).center();
        let cands = labels::around(
            &Rect::xywh(mid.0, mid.1, 0.0, 0.0).grow(1.5 * mm),
            dm.width,
            dm.ascent + dm.descent,
            0.5 * mm,
        );
        let r = placer.place(&cands).map(|k| cands[k]).unwrap_or(cands[0]);
        c.text(
            &dist,
            (r.x0, r.y0 + dm.ascent),
            &TextStyle { em: dem, color: MERGE, halo: Some((WHITE, 0.6 * mm)), align: Align::Left },
        );
    }
    let em = ctx.cfg.label_size_pt * ctx.s.pt;
    for p in &placed {
        if role(&p.park.park_id) != 0 || !p.rect.overlaps(&frame) {
            continue;
        }
        let text = format!("{}（{}）", display_name(p.park), p.class.short());
        missing.extend(ctx.font.missing_glyphs(&text));
        let m = ctx.measure(&text, em);
        let cands = labels::candidates(&p.outer(), m.width, m.ascent + m.descent, 0.6 * mm, &[3.5 * mm]);
        match placer.place_candidate(&cands, 1.0 * mm) {
            Some(k) => {
                if let Some((a, b)) = cands[k].leader {
                    c.stroke(&[a, b], &Line::solid(GREY_TEXT, 0.4 * ctx.s.pt));
                }
                let r = cands[k].rect;
                c.text(
                    &text,
                    (r.x0, r.y0 + m.ascent),
                    &TextStyle { em, color: INK, halo: Some((WHITE, 0.45 * mm)), align: Align::Left },
                );
                labelled.push(p.park.park_id.clone());
            }
            None => unlabelled.push(p.park.park_id.clone()),
        }
    }
    c.end();
    c.begin("county-names");
    let cem = 9.0 * ctx.s.pt;
    for (name, _, pt) in &county_rings {
        let Some((x, y)) = pt else { continue };
        let p = view.px(*x, *y);
        if !frame.contains_pt(p) {
            continue;
        }
        place_name(c, ctx, &mut placer, name, p, cem, &[(0.0, 0.0), (0.0, 1.5), (0.0, -1.5), (0.8, 0.0), (-0.8, 0.0)]);
    }
    c.end();

    // Furniture.
    frame_group(c, ctx, &frame, &grat);
    c.begin("north-arrow");
    c.fill(&[north_at.ring()], &Fill::Solid(WHITE));
    north_arrow(c, ctx, (north_at.center().0, north_at.y0 + 1.0 * mm), view.north_angle());
    c.end();
    c.begin("title");
    missing.extend(ctx.font.missing_glyphs(&sheet.title.0));
    title_block(c, ctx, &sheet.title.0, &sheet.title.1, 7.0 * mm);
    footer(c, ctx, &data.source_line, frame.x0, panel.x1);
    c.end();

    // The panel: summary, indicators, legend.
    c.begin("panel");
    let mut y = panel.y0;
    let (summary_heading, rows) = &sheet.summary;
    y = heading(c, ctx, summary_heading, panel.x0, y);
    let kem = 9.0 * ctx.s.pt;
    let key_w = rows.iter().map(|(k, _)| ctx.measure(k, kem).width).fold(0.0, f64::max) + 4.0 * mm;
    for (k, v) in rows {
        missing.extend(ctx.font.missing_glyphs(v));
        let lines = ctx.wrap(v, kem, panel.w() - key_w);
        let m = ctx.measure("国", kem);
        y += m.ascent;
        c.text(k, (panel.x0, y), &TextStyle { em: kem, color: GREY_TEXT, halo: None, align: Align::Left });
        for (i, l) in lines.iter().enumerate() {
            if i > 0 {
                y += (m.ascent + m.descent) * 1.2;
            }
            c.text(l, (panel.x0 + key_w, y), &TextStyle { em: kem, color: INK, halo: None, align: Align::Left });
        }
        y += m.descent + 1.6 * mm;
    }
    y += 3.0 * mm;

    let mut items = vec![Item::Heading("图  例".into())];
    let mut roles: Vec<&'static str> = Vec::new();
    for (_, r) in &sheet.focus {
        if !roles.contains(&r.legend()) {
            roles.push(r.legend());
            items.push(Item::Outline(r.line(&ctx.s), r.legend().into()));
        }
    }
    if !sheet.links.is_empty() {
        items.push(Item::LineSample(ctx.s.merge_line(), sheet.link_legend.into()));
    }
    for z in &patch_classes {
        items.push(Item::Patch(ctx.s.conflict_fill(*z), ctx.s.zone_line(*z), format!("与{}重叠", z.zh())));
    }
    items.extend(classes.iter().map(|k| Item::Park(*k)));
    if flags.0 {
        items.push(Item::Outline(ctx.s.underperforming_line(), "低效园区（E12）".into()));
    }
    if flags.1 {
        items.push(Item::Outline(ctx.s.surplus_line(), "超出县域园区数量（L1/L2）".into()));
    }
    for z in [ZoneClass::Prohibited, ZoneClass::Restricted] {
        if zone_classes.contains(&z) {
            items.push(Item::Zone(z));
        }
    }
    items.push(Item::LineSample(ctx.s.league_line(), "盟市界".into()));
    items.push(Item::LineSample(ctx.s.county_line(), "旗县（市、区）界".into()));
    items.push(Item::ScaleBar);
    items.push(Item::Note(view.proj.describe_zh()));
    let (lh, _) = legend(None, ctx, &view, &items, (0.0, 0.0), panel.w(), None);
    let legend_at = Rect::xywh(panel.x0, panel.y1 - lh, panel.w(), lh);

    y = heading(c, ctx, sheet.table.0, panel.x0, y);
    table(
        c,
        ctx,
        &sheet.table.1,
        Rect { x0: panel.x0, y0: y, x1: panel.x1, y1: legend_at.y0 - 4.0 * mm },
        &mut missing,
    );
    let swatches = legend_box(c, ctx, &view, &items, &legend_at, None);
    c.end();

    missing.sort_unstable();
    missing.dedup();
    Drawn {
        summary: MapSummary { font: Default::default(), labelled, unlabelled, missing_glyphs: missing },
        swatches,
        view: Some(view),
    }
}

/// Writes `text` in the first free place around `at.0` (`at.1` apart), or,
/// when none is free, in the first place inside the frame anyway: the parks
/// a sheet is about and its markers are always named.
fn must_name(
    c: &mut dyn Canvas,
    ctx: &Ctx,
    placer: &mut Placer,
    frame: &Rect,
    at: (Rect, f64),
    text: &str,
    style: &TextStyle,
) {
    let m = ctx.measure(text, style.em);
    let cands = labels::around(&at.0, m.width, m.ascent + m.descent, at.1);
    let r = match placer.place(&cands) {
        Some(k) => cands[k],
        None => {
            let r = cands.iter().find(|r| frame.contains(r)).copied().unwrap_or(cands[0]);
            placer.block(r);
            r
        }
    };
    c.text(text, (r.x0, r.y0 + m.ascent), style);
}

fn display_name(p: &super::MapPark) -> &str {
    if p.name.trim().is_empty() {
        &p.park_id
    } else {
        p.name.trim()
    }
}

/// A panel heading with a rule under it; returns the y below.
fn heading(c: &mut dyn Canvas, ctx: &Ctx, text: &str, x: f64, y: f64) -> f64 {
    let em = 11.0 * ctx.s.pt;
    let m = ctx.measure(text, em);
    c.text(text, (x, y + m.ascent), &TextStyle { em, color: INK, halo: None, align: Align::Left });
    let y = y + m.ascent + m.descent + 1.0 * ctx.s.mm;
    c.stroke(&[(x, y), (x + m.width.max(40.0 * ctx.s.mm), y)], &Line::solid(INK, 0.8 * ctx.s.pt));
    y + 2.5 * ctx.s.mm
}

/// The indicator table in `r`: rows that do not fit are counted in a last line.
fn table(c: &mut dyn Canvas, ctx: &Ctx, t: &Table, r: Rect, missing: &mut Vec<char>) {
    let mm = ctx.s.mm;
    let rows = &t.rows;
    if rows.is_empty() {
        let em = 8.5 * ctx.s.pt;
        c.text(t.empty, (r.x0, r.y0 + em), &TextStyle { em, color: GREY_TEXT, halo: None, align: Align::Left });
        return;
    }
    let all: Vec<&(String, String, String)> = std::iter::once(&t.header).chain(rows).collect();
    // The largest size (8.5 pt down to 6 pt) at which the columns fit the width.
    let mut em = 8.5 * ctx.s.pt;
    let pad = 2.0 * mm;
    let widths = |em: f64| {
        let w = |f: &dyn Fn(&(String, String, String)) -> &String| {
            all.iter().map(|row| ctx.measure(f(row), em).width).fold(0.0, f64::max) + 2.0 * pad
        };
        (w(&|r| &r.0), w(&|r| &r.1), w(&|r| &r.2))
    };
    let mut ws = widths(em);
    while ws.0 + ws.1 + ws.2 > r.w() && em > 6.0 * ctx.s.pt {
        em *= 0.92;
        ws = widths(em);
    }
    let extra = (r.w() - ws.0 - ws.1 - ws.2).max(0.0);
    let (w0, w1) = (ws.0 + extra * 0.4, ws.1 + extra * 0.3);
    let m = ctx.measure("国0", em);
    let rh = (m.ascent + m.descent) * 1.55;
    let fits = ((r.h() / rh).floor() as usize).max(2);
    let shown = if all.len() > fits { fits - 1 } else { all.len() };
    let mut y = r.y0;
    for (i, row) in all.iter().take(shown).enumerate() {
        let band = Rect::xywh(r.x0, y, r.w(), rh);
        if i == 0 {
            c.fill(&[band.ring()], &Fill::Solid(Rgb(225, 225, 225)));
        } else if i % 2 == 0 {
            c.fill(&[band.ring()], &Fill::Solid(Rgb(246, 246, 246)));
        }
        let base = y + rh / 2.0 + (m.ascent - m.descent) / 2.0;
        let st = |align| TextStyle { em, color: INK, halo: None, align };
        for t in [&row.0, &row.1, &row.2] {
            missing.extend(ctx.font.missing_glyphs(t));
        }
        c.text(&row.0, (r.x0 + pad, base), &st(Align::Left));
        let (a1, a2) = if i == 0 { (Align::Center, Align::Center) } else { (Align::Right, Align::Right) };
        let x1 = if i == 0 { r.x0 + w0 + w1 / 2.0 } else { r.x0 + w0 + w1 - pad };
        let x2 = if i == 0 { r.x0 + w0 + w1 + (r.w() - w0 - w1) / 2.0 } else { r.x1 - pad };
        c.text(&row.1, (x1, base), &st(a1));
        c.text(&row.2, (x2, base), &st(a2));
        y += rh;
        c.stroke(&[(r.x0, y), (r.x1, y)], &Line::solid(Rgb(170, 170, 170), if i == 0 { 0.8 } else { 0.4 } * ctx.s.pt));
    }
    c.stroke(&[(r.x0, r.y0), (r.x1, r.y0)], &Line::solid(INK, 0.8 * ctx.s.pt));
    if shown < all.len() {
        let note = format!("{}{}{}", t.more.0, all.len() - shown, t.more.1);
        c.text(
            &note,
            (r.x0 + pad, y + m.ascent + 1.0 * mm),
            &TextStyle { em, color: GREY_TEXT, halo: None, align: Align::Left },
        );
    }
}

/// The lon/lat box of points within `reach_m` metres (on the ground, with a
/// tenth to spare for the projection's scale) of the box `(lon0, lat0,
/// lon1, lat1)`.
fn lon_lat_reach((lon0, lat0, lon1, lat1): (f64, f64, f64, f64), reach_m: f64) -> geo::Rect<f64> {
    // a degree of latitude is at least 110.57 km; a degree of longitude at
    // least 111.32 km × cos(latitude) at the box's poleward edge
    let d = 1.1 * reach_m;
    let dlat = d / 110_574.0;
    let pole = (lat0.abs().max(lat1.abs()) + dlat).min(89.0);
    let dlon = (d / (111_320.0 * pole.to_radians().cos())).min(360.0);
    geo::Rect::new(geo::Coord { x: lon0 - dlon, y: lat0 - dlat }, geo::Coord { x: lon1 + dlon, y: lat1 + dlat })
}
