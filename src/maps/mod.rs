//! Maps: the overview of the analysed area and one proposal sheet per merge,
//! as PNG and SVG, for reviewers to print and sign.
//!
//! - [`overview`]: county and league boundaries, restricted and prohibited
//!   zones, parks coloured by grade (with the grade letter, so greyscale
//!   prints still read), under-performing and surplus parks outlined, merge
//!   arrows, Chinese park names placed so they never overlap, legend, scale
//!   bar, north arrow, graticule, title, date and source.
//! - [`proposal_sheet`]: one merge, zoomed to the two parks with context,
//!   the zones near them, the line between their closest boundary points with
//!   its length, and a table of indicators before and after.
//! - [`render_placement_sheet`]: a project's site and the parks ranked
//!   for it (`yuanqu place`), with the distances and the ranking.
//! - [`render_review_sheet`]: a proposed park under review (`yuanqu proposal`):
//!   its blocks, their overlaps with zones filled solid, the nearest
//!   existing parks with the closest-point lines, the verdict and a table
//!   of the blocks.
//!
//! Maps are drawn in a conformal projection (see `maps/projection.rs`), never in
//! raw degrees: the overview in a Lambert conformal conic fitted to the area,
//! sheets in CGCS2000 3° Gauss–Krüger; the legend names it. Text is drawn
//! with a font that has Chinese glyphs, found by [`find_cjk_font`]; SVG text
//! stays text. The same input gives the same bytes.
//!
//! This module takes plain values ([`MapData`]), not pipeline types, so any
//! caller can draw maps.

mod font;
mod labels;
mod overview_map;
mod page;
mod projection;
mod render;
mod shape;
mod sheet;
mod style;

#[cfg(test)]
mod tests;

use geo::{Coord, MultiPolygon};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

pub use crate::model::ZoneClass;
pub(crate) use page::distance_zh;

/// A park as the maps show it.
#[derive(Clone, Debug)]
pub struct MapPark {
    /// Park id.
    pub park_id: String,
    /// Name (Chinese), the label; the id is used when empty.
    pub name: String,
    /// The union of its blocks, lon/lat.
    pub geom: MultiPolygon<f64>,
    /// Grade `A`..`D`; `None` when not graded.
    pub grade: Option<char>,
    /// Under-performing (E12).
    pub underperforming: bool,
    /// Over its county's quota of parks (L1/L2).
    pub surplus: bool,
    /// In scope (S1); out-of-scope parks (S2) are shown apart.
    pub in_scope: bool,
}

/// A restricted or prohibited development zone.
#[derive(Clone, Debug)]
pub struct MapZone<'a> {
    /// Restricted or prohibited.
    pub class: ZoneClass,
    /// Lon/lat: the analysis's own (a national zone layer is hundreds of
    /// megabytes, not to be copied for the maps), or owned.
    pub geom: Cow<'a, MultiPolygon<f64>>,
    /// Its lon/lat bounding box (`None` when empty): a sheet projects only
    /// the zones near it.
    pub bbox: Option<geo::Rect<f64>>,
}

impl MapZone<'static> {
    /// A zone and its box.
    pub fn new(class: ZoneClass, geom: MultiPolygon<f64>) -> MapZone<'static> {
        use geo::BoundingRect;
        MapZone { class, bbox: geom.bounding_rect(), geom: Cow::Owned(geom) }
    }
}

impl<'a> MapZone<'a> {
    /// A zone drawn from a geometry held elsewhere, and its box.
    pub fn borrowed(class: ZoneClass, geom: &'a MultiPolygon<f64>) -> MapZone<'a> {
        use geo::BoundingRect;
        MapZone { class, bbox: geom.bounding_rect(), geom: Cow::Borrowed(geom) }
    }
}

/// A county or league boundary.
#[derive(Clone, Debug)]
pub struct MapBoundary {
    /// Name, e.g. 土默特右旗 or 包头市.
    pub name: String,
    /// Lon/lat.
    pub geom: MultiPolygon<f64>,
    /// Where its name goes, found once: every sheet asks again.
    label_at: std::sync::OnceLock<Option<(f64, f64)>>,
}

impl MapBoundary {
    /// A boundary and its name.
    pub fn new(name: String, geom: MultiPolygon<f64>) -> MapBoundary {
        MapBoundary { name, geom, label_at: std::sync::OnceLock::new() }
    }

    /// A point inside it (lon/lat), for its name; the box centre if it has none.
    pub(crate) fn label_point(&self) -> Option<(f64, f64)> {
        *self.label_at.get_or_init(|| overview_map::inside_point(&self.geom))
    }
}

/// A proposed merge.
#[derive(Clone, Debug)]
pub struct MapMerge {
    /// The park that merges (被整合).
    pub from_park_id: String,
    /// The park that receives it (承接).
    pub to_park_id: String,
    /// Closest boundary point on the source park, lon/lat.
    pub from_pt: Coord<f64>,
    /// Closest boundary point on the receiver, lon/lat.
    pub to_pt: Coord<f64>,
    /// Geodesic distance between the two points, metres.
    pub distance_m: f64,
    /// The receiver shares or complements a leading industry (C2).
    pub chain_fit: bool,
    /// Key indicators: (label, before, after), already formatted.
    pub table: Vec<(String, String, String)>,
}

/// A proposed park under review (`yuanqu proposal --map`), as its sheet shows it.
#[derive(Clone, Debug)]
pub struct MapReview {
    /// The proposed park: its blocks. Its `park_id` must differ from every
    /// existing park's (an extension keeps the park it extends on the map).
    pub park: MapPark,
    /// The title's line under it, e.g. the park id and the date.
    pub subtitle: String,
    /// Its overlaps with zones: the zone's class and the intersection, lon/lat.
    pub conflicts: Vec<(ZoneClass, MultiPolygon<f64>)>,
    /// The nearest existing parks: closest point on the proposal, on the
    /// park, and their geodesic distance in metres.
    pub nearest: Vec<(Coord<f64>, Coord<f64>, f64)>,
    /// The panel's summary: (key, value) rows, already formatted.
    pub summary: Vec<(String, String)>,
    /// One row per block: (block, area, restricted / prohibited), formatted.
    pub blocks: Vec<(String, String, String)>,
}

/// A project's site and the parks ranked for it (`yuanqu place --map`), as
/// its sheet shows them.
#[derive(Clone, Debug)]
pub struct MapPlacement {
    /// The site, lon/lat.
    pub site: Coord<f64>,
    /// The parks shown, best first: the park id (among [`MapData::parks`]),
    /// its point nearest the site, and their geodesic distance in metres.
    pub ranked: Vec<(String, Coord<f64>, f64)>,
    /// The title, and the line under it.
    pub title: (String, String),
    /// The panel's summary: (key, value) rows, already formatted.
    pub summary: Vec<(String, String)>,
    /// The ranking: (rank, park, distance and fit), formatted.
    pub table: Vec<(String, String, String)>,
}

/// Everything a map shows.
#[derive(Clone, Debug, Default)]
pub struct MapData<'a> {
    /// Title, e.g. 内蒙古自治区工业园区评价与整合建议图.
    pub title: String,
    /// Date of the run, printed under the title.
    pub run_date: String,
    /// The data source line, printed at the foot.
    pub source_line: String,
    /// Parks.
    pub parks: Vec<MapPark>,
    /// Zones.
    pub zones: Vec<MapZone<'a>>,
    /// County boundaries.
    pub counties: Vec<MapBoundary>,
    /// League boundaries.
    pub leagues: Vec<MapBoundary>,
    /// Proposed merges.
    pub merges: Vec<MapMerge>,
}

/// `[maps]` in yuanqu.toml. Every key is optional.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MapConfig {
    /// Page width, px. Default 2480: A3 landscape (420 mm) at 150 dpi.
    pub width_px: u32,
    /// Page height, px. Default 1754: A3 landscape (297 mm) at 150 dpi.
    pub height_px: u32,
    /// Print resolution, dots per inch: line widths and text sizes are in
    /// mm and pt and scale with it; written into the PNG and the SVG size.
    pub dpi: f64,
    /// A font file with Chinese glyphs (`.ttf`, `.otf`, `.ttc`). If set and
    /// unusable, that is an error; no other font is tried.
    pub font_path: Option<PathBuf>,
    /// Search the system's font folders when `font_path` is not set.
    pub system_fonts: bool,
    /// Anti-aliasing of the PNG: drawn this many times larger and shrunk (1..=4; 1 = none).
    pub supersample: u32,
    /// Size of park names, pt.
    pub label_size_pt: f64,
    /// Parks smaller than this on the page (mm) are drawn as a square symbol of this size.
    pub symbol_size_mm: f64,
    /// Proposal sheets show at least this much around the two parks, metres.
    pub sheet_context_m: f64,
}

impl Default for MapConfig {
    fn default() -> Self {
        MapConfig {
            width_px: 2480,
            height_px: 1754,
            dpi: 150.0,
            font_path: None,
            system_fonts: true,
            supersample: 2,
            label_size_pt: 8.0,
            symbol_size_mm: 3.2,
            sheet_context_m: 1500.0,
        }
    }
}

impl MapConfig {
    /// Checks the values; the error names the key.
    pub fn check(&self) -> Result<(), MapError> {
        let bad = |key: &'static str, message: String| Err(MapError::Config { key, message });
        let mm = |px: u32| f64::from(px) * 25.4 / self.dpi;
        if !(self.dpi.is_finite() && (50.0..=1200.0).contains(&self.dpi)) {
            return bad("dpi", format!("{} is outside 50..=1200", self.dpi));
        }
        for (key, px) in [("width_px", self.width_px), ("height_px", self.height_px)] {
            if !(400..=20_000).contains(&px) {
                return bad(key, format!("{px} is outside 400..=20000"));
            }
            if mm(px) < 120.0 {
                return bad(
                    key,
                    format!("{px} px at {} dpi is {:.0} mm; a map needs at least 120 mm", self.dpi, mm(px)),
                );
            }
        }
        if !(1..=4).contains(&self.supersample) {
            return bad("supersample", format!("{} is outside 1..=4", self.supersample));
        }
        if !(self.label_size_pt.is_finite() && (4.0..=24.0).contains(&self.label_size_pt)) {
            return bad("label_size_pt", format!("{} is outside 4..=24", self.label_size_pt));
        }
        if !(self.symbol_size_mm.is_finite() && (1.0..=10.0).contains(&self.symbol_size_mm)) {
            return bad("symbol_size_mm", format!("{} is outside 1..=10", self.symbol_size_mm));
        }
        if !(self.sheet_context_m.is_finite() && (0.0..=100_000.0).contains(&self.sheet_context_m)) {
            return bad("sheet_context_m", format!("{} is outside 0..=100000", self.sheet_context_m));
        }
        Ok(())
    }
}

/// Why a map could not be drawn.
#[derive(Debug)]
pub enum MapError {
    /// No usable font with Chinese glyphs.
    NoFont {
        /// Each font tried, with why it could not be used.
        tried: Vec<(PathBuf, String)>,
        /// The folders searched (empty when the system search is off or a path was configured).
        searched: Vec<PathBuf>,
    },
    /// A `[maps]` value that cannot be used.
    Config {
        /// The key.
        key: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A merge names a park that is not in the map data.
    UnknownPark {
        /// The park id.
        park_id: String,
        /// The merge, `from → to`.
        merge: String,
    },
    /// Nothing with a location to draw (no parks, zones or boundaries).
    Empty,
    /// A file could not be written.
    Write {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

impl std::fmt::Display for MapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MapError::NoFont { tried, searched } => {
                write!(f, "maps: no font with Chinese glyphs found")?;
                for (p, why) in tried {
                    write!(f, "\n  {}: {why}", p.display())?;
                }
                if !searched.is_empty() {
                    let dirs: Vec<String> = searched.iter().map(|d| d.display().to_string()).collect();
                    write!(f, "\n  searched: {}", dirs.join(", "))?;
                }
                write!(
                    f,
                    "\nhint: install fonts-noto-cjk or fonts-wqy-microhei (apt install fonts-noto-cjk), \
                     or set [maps] font_path = \"/path/to/font.ttc\" in yuanqu.toml"
                )
            }
            MapError::Config { key, message } => write!(f, "[maps] {key}: {message}"),
            MapError::UnknownPark { park_id, merge } => {
                write!(f, "maps: merge {merge} names park {park_id}, which is not among the parks to draw")
            }
            MapError::Empty => write!(f, "maps: nothing to draw (no parks, zones or boundaries with a location)"),
            MapError::Write { path, message } => write!(f, "{}: cannot be written: {message}", path.display()),
        }
    }
}

impl std::error::Error for MapError {}

/// What was drawn, for the report.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MapSummary {
    /// The font used.
    pub font: PathBuf,
    /// Parks whose name is on the map, in placement order.
    pub labelled: Vec<String>,
    /// Parks whose name was left off for lack of room (the legend says how many).
    pub unlabelled: Vec<String>,
    /// Characters the font has no glyph for (drawn as boxes).
    pub missing_glyphs: Vec<char>,
}

/// A map drawn in memory: write the bytes wherever (e.g. through an atomic output set).
#[derive(Clone, Debug)]
pub struct RenderedMap {
    /// PNG bytes (with the print resolution set).
    pub png: Vec<u8>,
    /// SVG document.
    pub svg: String,
    /// What was drawn.
    pub summary: MapSummary,
}

/// The font [`overview`] and [`proposal_sheet`] will use: `[maps] font_path`
/// if set (an error if it is unusable), else the first font with Chinese
/// glyphs among the system's (Noto Sans CJK SC, Source Han Sans SC,
/// WenQuanYi Micro Hei/Zen Hei, Microsoft YaHei, …, then fontconfig's choice
/// for `zh-cn`). [`MapError::NoFont`] says which package to install.
pub fn find_cjk_font(cfg: &MapConfig) -> Result<PathBuf, MapError> {
    Ok(font::find(cfg.font_path.as_deref(), cfg.system_fonts)?.path.clone())
}

/// Draws the overview map in memory.
pub fn render_overview(data: &MapData, cfg: &MapConfig) -> Result<RenderedMap, MapError> {
    Ok(overview_drawn(data, cfg)?.0)
}

fn overview_drawn(data: &MapData, cfg: &MapConfig) -> Result<(RenderedMap, page::Drawn), MapError> {
    cfg.check()?;
    let has = |g: &MultiPolygon<f64>| !g.0.is_empty();
    if !(data.parks.iter().any(|p| has(&p.geom))
        || data.zones.iter().any(|z| has(&z.geom))
        || data.counties.iter().chain(&data.leagues).any(|b| has(&b.geom)))
    {
        return Err(MapError::Empty);
    }
    let f = font::find(cfg.font_path.as_deref(), cfg.system_fonts)?;
    page::draw_twice(cfg, &f, &data.title, |c, ctx| overview_map::draw(c, ctx, data))
}

/// Draws the proposal sheet of `merge` in memory.
pub fn render_proposal_sheet(data: &MapData, merge: &MapMerge, cfg: &MapConfig) -> Result<RenderedMap, MapError> {
    Ok(sheet_drawn(data, merge, cfg)?.0)
}

fn sheet_drawn(data: &MapData, merge: &MapMerge, cfg: &MapConfig) -> Result<(RenderedMap, page::Drawn), MapError> {
    cfg.check()?;
    for id in [&merge.from_park_id, &merge.to_park_id] {
        if !data.parks.iter().any(|p| &p.park_id == id) {
            return Err(MapError::UnknownPark {
                park_id: id.clone(),
                merge: format!("{} → {}", merge.from_park_id, merge.to_park_id),
            });
        }
    }
    let title = format!("{} {} → {}", data.title, merge.from_park_id, merge.to_park_id);
    let spec = sheet::of_merge(data, merge).ok_or(MapError::Empty)?;
    sheet_page(data, &spec, &title, cfg)
}

/// A sheet drawn twice (PNG, SVG) with the configured font.
fn sheet_page(
    data: &MapData,
    spec: &sheet::Sheet<'_>,
    title: &str,
    cfg: &MapConfig,
) -> Result<(RenderedMap, page::Drawn), MapError> {
    let f = font::find(cfg.font_path.as_deref(), cfg.system_fonts)?;
    let memo = sheet::Memo::default();
    page::draw_twice(cfg, &f, title, |c, ctx| sheet::draw(c, ctx, data, spec, &memo))
}

/// Draws the sheet of a proposed park under review in memory.
pub fn render_review_sheet(data: &MapData, review: &MapReview, cfg: &MapConfig) -> Result<RenderedMap, MapError> {
    Ok(review_drawn(data, review, cfg)?.0)
}

fn review_drawn(data: &MapData, review: &MapReview, cfg: &MapConfig) -> Result<(RenderedMap, page::Drawn), MapError> {
    cfg.check()?;
    if review.park.geom.0.is_empty() {
        return Err(MapError::Empty);
    }
    let spec = sheet::of_review(review);
    sheet_page(data, &spec, &spec.title.0, cfg)
}

/// Draws the sheet of a project's site and the parks ranked for it, in
/// memory. [`MapError::Empty`] when none of the ranked parks is in `data`.
pub fn render_placement_sheet(
    data: &MapData,
    placement: &MapPlacement,
    cfg: &MapConfig,
) -> Result<RenderedMap, MapError> {
    Ok(placement_drawn(data, placement, cfg)?.0)
}

fn placement_drawn(
    data: &MapData,
    placement: &MapPlacement,
    cfg: &MapConfig,
) -> Result<(RenderedMap, page::Drawn), MapError> {
    cfg.check()?;
    let spec = sheet::of_placement(data, placement).ok_or(MapError::Empty)?;
    sheet_page(data, &spec, &spec.title.0, cfg)
}

/// Writes the overview map to `png` and `svg`.
pub fn overview(data: &MapData, cfg: &MapConfig, png: &Path, svg: &Path) -> Result<MapSummary, MapError> {
    render_overview(data, cfg)?.write(png, svg)
}

/// Writes the proposal sheet of `merge` to `png` and `svg`.
pub fn proposal_sheet(
    data: &MapData,
    merge: &MapMerge,
    cfg: &MapConfig,
    png: &Path,
    svg: &Path,
) -> Result<MapSummary, MapError> {
    render_proposal_sheet(data, merge, cfg)?.write(png, svg)
}

impl RenderedMap {
    /// Writes the PNG to `png` and the SVG to `svg`, each through a
    /// temporary file renamed into place; returns what was drawn.
    pub fn write(self, png: &Path, svg: &Path) -> Result<MapSummary, MapError> {
        write_pair(&self, png, svg)?;
        Ok(self.summary)
    }
}

fn write_pair(r: &RenderedMap, png: &Path, svg: &Path) -> Result<(), MapError> {
    for (path, bytes) in [(png, r.png.as_slice()), (svg, r.svg.as_bytes())] {
        let err = |e: std::io::Error| MapError::Write { path: path.to_path_buf(), message: e.to_string() };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir).map_err(err)?;
        let mut tmp = tempfile::Builder::new().prefix(".yuanqu-").suffix(".tmp").tempfile_in(&dir).map_err(err)?;
        std::io::Write::write_all(&mut tmp, bytes).map_err(err)?;
        // Temporary files are private (0600); a map is for sharing.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644)).map_err(err)?;
        }
        tmp.persist(path).map_err(|e| err(e.error))?;
    }
    Ok(())
}
