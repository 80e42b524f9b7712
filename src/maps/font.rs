//! Finding and using a font with Chinese glyphs.
//!
//! A font without CJK glyphs draws every park name as boxes, and nothing
//! says so. So the font is chosen explicitly and checked: the configured
//! `[maps] font_path`, else the first known Chinese font in the system's font
//! folders (Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei/Zen
//! Hei, Microsoft YaHei, …), else fontconfig's choice for `zh-cn`; each
//! candidate must map every character of [`COVERAGE_PROBE`] to a glyph. A
//! configured path that fails is an error, never silently replaced.
//!
//! Text is drawn through plotters (see [`super::render`]) with its `ab_glyph`
//! font registry, never its `ttf` one: the `ttf` feature falls back to any
//! sans-serif font when the named one is missing (the boxes above), while a
//! name missing from the `ab_glyph` registry is an error. The face is
//! registered under an explicit name ([`CjkFont::plotters_name`]), never a
//! generic family. `plotters::style::register_font` takes the bytes of a
//! whole font file and always uses face 0, so for a collection (`.ttc`: face
//! 0 of Noto Sans CJK is the Japanese one, whose glyph forms differ from the
//! Chinese ones) the chosen face is first copied out into a standalone font
//! ([`extract_face`]). Layout (widths for alignment, wrapping and label
//! boxes) is measured here with `ab_glyph` on those same bytes, because
//! plotters' layout box rounds widths to whole pixels and has no ascent or
//! descent.

use super::MapError;
use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Characters a font must have to be used: common ones of park and place names.
pub const COVERAGE_PROBE: &str = "园区工业开发经济技术内蒙古自治区盟市旗县呼和浩特包头鄂尔多斯";

/// Font files recognised by name, in order of preference (lower-case substrings).
const KNOWN_FONTS: &[&str] = &[
    "notosanscjksc",
    "notosanscjk",
    "notosanssc",
    "sourcehansanssc",
    "sourcehanssc",
    "sourcehansans",
    "wqy-microhei",
    "wqy-zenhei",
    "msyh",
    "simhei",
    "pingfang",
    "hiragino sans gb",
    "stheiti",
    "droidsansfallback",
    "notoserifcjk",
    "sourcehanserif",
    "uming",
    "ukai",
    "simsun",
];

/// Folders searched for fonts, in order.
fn font_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> =
        ["/usr/share/fonts", "/usr/local/share/fonts", "/System/Library/Fonts", "/Library/Fonts"]
            .iter()
            .map(PathBuf::from)
            .collect();
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        dirs.push(home.join(".local/share/fonts"));
        dirs.push(home.join(".fonts"));
        dirs.push(home.join("Library/Fonts"));
    }
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").map(PathBuf::from) {
        dirs.push(xdg.join("fonts"));
    }
    if let Some(win) = std::env::var_os("WINDIR").map(PathBuf::from) {
        dirs.push(win.join("Fonts"));
    }
    dirs
}

/// A loaded face with Chinese glyphs.
pub(crate) struct CjkFont {
    /// The file.
    pub path: PathBuf,
    /// The name it is registered under in plotters' font registry, which is
    /// also what plotters' SVG backend writes as `font-family`: its family
    /// (e.g. `Noto Sans CJK SC`) followed by other Chinese families for viewers that lack it (no
    /// generic family: plotters must never pick a font by itself). Two
    /// files with the same family share the name; the one loaded last is
    /// what plotters draws with.
    pub plotters_name: String,
    /// The face alone, as registered with plotters (leaked: fonts are cached for the process).
    font: FontRef<'static>,
    /// Glyph-to-em ratio: PxScale = em × this.
    px_per_em: f32,
    /// Glyphs as plotters rasterises them, by character and size (the bits
    /// of the f64): labels repeat their characters on every map of a run.
    pub(crate) rasters: Mutex<std::collections::HashMap<(char, u64), Arc<GlyphRaster>>>,
}

/// One glyph as plotters rasterises it at one size and integer position:
/// the same pixels and coverage wherever it is drawn.
#[derive(Debug)]
pub(crate) struct GlyphRaster {
    /// (x, y, coverage 0–1) from the glyph's anchor, as plotters' text
    /// style draws it at (0, 0).
    pub cov: Vec<(i32, i32, f64)>,
    /// What `draw_text` adds to those positions for a left-top anchored,
    /// unrotated text: minus the corner of the glyph's layout box.
    pub offset: (i32, i32),
}

/// A line of text measured at an em size: advance width and the box above/below the baseline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct TextMetrics {
    /// Advance width, px.
    pub width: f64,
    /// Height above the baseline, px (positive).
    pub ascent: f64,
    /// Depth below the baseline, px (positive).
    pub descent: f64,
}

impl CjkFont {
    /// Loads face `index` of `path`; `Err` says why it cannot be used.
    fn load(path: &Path) -> Result<CjkFont, String> {
        let bytes = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            _ => e.to_string(),
        })?;
        let faces = face_offsets(&bytes).ok_or("not a TrueType/OpenType font or collection")?;
        // The face that is meant for Simplified Chinese, if the file is a collection.
        let mut best: Option<(u8, u32, String)> = None;
        for (i, off) in faces.iter().enumerate() {
            let family = family_name(&bytes, *off as usize).unwrap_or_default();
            let rank = face_rank(&family);
            if best.as_ref().is_none_or(|(r, _, _)| rank < *r) {
                best = Some((rank, i as u32, family));
            }
        }
        let (_, index, family) = best.ok_or("a font collection with no face")?;
        let face = if bytes.starts_with(b"ttcf") {
            extract_face(&bytes, faces[index as usize] as usize).ok_or("a damaged font collection")?
        } else {
            bytes
        };
        let probe = FontRef::try_from_slice(&face).map_err(|_| "not a usable font".to_string())?;
        let missing: String = COVERAGE_PROBE.chars().filter(|c| probe.glyph_id(*c) == GlyphId(0)).collect();
        if !missing.is_empty() {
            return Err(format!("has no Chinese glyphs (missing {missing})"));
        }
        // Only a usable face is kept for the life of the process (plotters' registry wants 'static bytes).
        let face: &'static [u8] = Box::leak(face.into_boxed_slice());
        let font = FontRef::try_from_slice(face).map_err(|_| "not a usable font".to_string())?;
        let upem = font.units_per_em().unwrap_or(1000.0);
        let px_per_em = font.height_unscaled() / upem;
        let family = if family.is_empty() {
            path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
        } else {
            family
        };
        let mut families = vec![family.replace([',', '\'', '"'], " ")];
        for f in ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC"] {
            if !families.iter().any(|x| x == f) {
                families.push(f.to_string());
            }
        }
        let plotters_name = families.join(", ");
        plotters::style::register_font(&plotters_name, plotters::style::FontStyle::Normal, face)
            .map_err(|_| "refused by plotters' font registry".to_string())?;
        Ok(CjkFont { path: path.to_path_buf(), plotters_name, font, px_per_em, rasters: Default::default() })
    }

    /// Pixel height (ascent − descent) per em: plotters' text size for an em size.
    pub fn px_per_em(&self) -> f64 {
        f64::from(self.px_per_em)
    }

    fn scale(&self, em: f64) -> PxScale {
        PxScale::from(em as f32 * self.px_per_em)
    }

    /// Measures `text` at em size `em` px.
    pub fn measure(&self, text: &str, em: f64) -> TextMetrics {
        let sf = self.font.as_scaled(self.scale(em));
        let mut w = 0.0f32;
        let mut prev: Option<GlyphId> = None;
        for c in text.chars() {
            let g = sf.glyph_id(c);
            if let Some(p) = prev {
                w += sf.kern(p, g);
            }
            w += sf.h_advance(g);
            prev = Some(g);
        }
        TextMetrics { width: f64::from(w), ascent: f64::from(sf.ascent()), descent: f64::from(-sf.descent()) }
    }

    /// Where plotters must be asked to draw each glyph of `text` so that it
    /// lands where the font puts it, at plotters' text size `size` (px,
    /// ascent − descent) with the baseline starting at (`x`, `y`): (glyph,
    /// anchor) for a top-left anchored `draw_text` of that one glyph.
    ///
    /// Plotters' `ab_glyph` text (0.3.7) drops each glyph's left side bearing
    /// (it places the glyph's ink box at the pen) and puts the ink top at
    /// `trunc(size/2 + top)` below the anchor; drawing glyph by glyph from
    /// these anchors undoes both, so spacing and baseline follow the font.
    pub fn plotters_glyph_anchors(&self, text: &str, size: f64, x: f64, y: f64) -> Vec<(char, (i32, i32))> {
        let scale = PxScale::from(size as f32);
        let sf = self.font.as_scaled(scale);
        let (mut pen, base) = (x as f32, y.round() as i32);
        let mut prev: Option<GlyphId> = None;
        let mut out = Vec::new();
        for c in text.chars() {
            let g = sf.glyph_id(c);
            if let Some(p) = prev {
                pen += sf.kern(p, g);
            }
            if let Some(outline) = self.font.outline_glyph(sf.scaled_glyph(c)) {
                let b = outline.px_bounds();
                let (left, top) = (b.min.x as i32, b.min.y as i32);
                let plotters_top = (size as f32 / 2.0 + b.min.y) as i32;
                out.push((c, (pen.round() as i32 + left, base + top - plotters_top)));
            }
            pen += sf.h_advance(g);
            prev = Some(g);
        }
        out
    }

    /// Characters of `text` the font has no glyph for (drawn as boxes).
    pub fn missing_glyphs(&self, text: &str) -> Vec<char> {
        text.chars().filter(|c| !c.is_whitespace() && self.font.glyph_id(*c) == GlyphId(0)).collect()
    }
}

/// Face ranking within a collection: Simplified Chinese first, monospace last.
fn face_rank(family: &str) -> u8 {
    let f = family.to_ascii_lowercase();
    let mono = f.contains("mono");
    let sc = f.ends_with(" sc")
        || f.contains(" sc ")
        || f.contains("gb")
        || f.contains("micro hei")
        || f.contains("zen hei");
    match (sc, mono) {
        (true, false) => 0,
        (false, false) => 1,
        (true, true) => 2,
        (false, true) => 3,
    }
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([*b.get(at)?, *b.get(at + 1)?, *b.get(at + 2)?, *b.get(at + 3)?]))
}

/// Copies the face whose table directory starts at `face` out of a
/// collection into a standalone font file (the tables it points to, with new
/// offsets), so that it is face 0 for plotters' `register_font`.
pub(crate) fn extract_face(b: &[u8], face: usize) -> Option<Vec<u8>> {
    let n = be16(b, face + 4)? as usize;
    let head = 12 + 16 * n;
    let mut out = b.get(face..face + 12)?.to_vec();
    let mut tables = Vec::with_capacity(n);
    let mut at = head;
    for i in 0..n {
        let rec = face + 12 + 16 * i;
        let (off, len) = (be32(b, rec + 8)? as usize, be32(b, rec + 12)? as usize);
        let data = b.get(off..off.checked_add(len)?)?;
        out.extend_from_slice(b.get(rec..rec + 8)?); // tag, checksum
        out.extend_from_slice(&u32::try_from(at).ok()?.to_be_bytes());
        out.extend_from_slice(&u32::try_from(len).ok()?.to_be_bytes());
        tables.push(data);
        at += len.div_ceil(4) * 4;
    }
    for t in tables {
        out.extend_from_slice(t);
        out.resize(out.len().div_ceil(4) * 4, 0);
    }
    Some(out)
}

/// Offsets of the faces in a font file: one for a plain font, several for a collection.
fn face_offsets(b: &[u8]) -> Option<Vec<u32>> {
    match b.get(0..4)? {
        b"ttcf" => {
            let n = be32(b, 8)?;
            (0..n.min(64)).map(|i| be32(b, 12 + 4 * i as usize)).collect()
        }
        [0, 1, 0, 0] | b"OTTO" | b"true" => Some(vec![0]),
        _ => None,
    }
}

/// The family name of the face whose table directory starts at `face`:
/// the typographic family (name id 16) if present, else name id 1; English
/// (Windows, en-US) preferred.
fn family_name(b: &[u8], face: usize) -> Option<String> {
    let num_tables = be16(b, face + 4)? as usize;
    let name_off = (0..num_tables.min(512)).find_map(|i| {
        let rec = face + 12 + 16 * i;
        (b.get(rec..rec + 4)? == b"name").then(|| be32(b, rec + 8)).flatten()
    })? as usize;
    let count = be16(b, name_off + 2)? as usize;
    let strings = name_off + be16(b, name_off + 4)? as usize;
    let mut best: Option<(u8, String)> = None;
    for i in 0..count.min(4096) {
        let r = name_off + 6 + 12 * i;
        let (platform, encoding, language, id) = (be16(b, r)?, be16(b, r + 2)?, be16(b, r + 4)?, be16(b, r + 6)?);
        let (len, off) = (be16(b, r + 8)? as usize, be16(b, r + 10)? as usize);
        if id != 1 && id != 16 {
            continue;
        }
        let raw = b.get(strings + off..strings + off + len)?;
        let text = match (platform, encoding) {
            (3, 1) | (3, 10) | (0, _) => {
                let units: Vec<u16> = raw.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
                String::from_utf16_lossy(&units)
            }
            (1, 0) => raw.iter().map(|&c| if c.is_ascii() { c as char } else { '?' }).collect(),
            _ => continue,
        };
        let english = (platform == 3 && language == 0x0409) || (platform == 1 && language == 0);
        let rank = match (id, english) {
            (16, true) => 0,
            (1, true) => 1,
            (16, false) => 2,
            _ => 3,
        };
        if best.as_ref().is_none_or(|(r, _)| rank < *r) {
            best = Some((rank, text));
        }
    }
    best.map(|(_, t)| t)
}

/// Font files under `dir` (depth ≤ 4), sorted, whose name matches a known Chinese font.
fn known_fonts_in(dir: &Path, depth: usize, out: &mut Vec<(usize, PathBuf)>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if depth < 4 {
                known_fonts_in(&p, depth + 1, out);
            }
            continue;
        }
        let name = p.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
        if ![".ttf", ".ttc", ".otf", ".otc"].iter().any(|e| name.ends_with(e)) {
            continue;
        }
        // Bold/light weights only if nothing else: labels are regular text.
        let heavy = ["bold", "black", "heavy", "light", "thin", "medium", "demilight"].iter().any(|w| name.contains(w));
        if let Some(rank) = KNOWN_FONTS.iter().position(|k| name.contains(k)) {
            out.push((rank * 2 + usize::from(heavy), p));
        }
    }
}

/// fontconfig's font for Simplified Chinese, if `fc-match` exists.
fn fontconfig_choice() -> Option<PathBuf> {
    let out = std::process::Command::new("fc-match").args(["-f", "%{file}", "sans-serif:lang=zh-cn"]).output().ok()?;
    let s = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !s.trim().is_empty()).then(|| PathBuf::from(s.trim()))
}

/// Every candidate that was tried, with why it was not used.
pub(crate) type Tried = Vec<(PathBuf, String)>;

fn cache() -> &'static Mutex<Vec<Arc<CjkFont>>> {
    static CACHE: std::sync::OnceLock<Mutex<Vec<Arc<CjkFont>>>> = std::sync::OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(Vec::new()))
}

fn load_cached(path: &Path) -> Result<Arc<CjkFont>, String> {
    if let Ok(c) = cache().lock() {
        if let Some(f) = c.iter().find(|f| f.path == path) {
            return Ok(Arc::clone(f));
        }
    }
    let f = Arc::new(CjkFont::load(path)?);
    if let Ok(mut c) = cache().lock() {
        c.push(Arc::clone(&f));
    }
    Ok(f)
}

/// The configured font, or the first usable one of the system's.
pub(crate) fn find(font_path: Option<&Path>, search_system: bool) -> Result<Arc<CjkFont>, MapError> {
    let mut tried: Tried = Vec::new();
    if let Some(p) = font_path {
        return load_cached(p).map_err(|why| MapError::NoFont {
            tried: vec![(p.to_path_buf(), format!("{why} ([maps] font_path)"))],
            searched: Vec::new(),
        });
    }
    let dirs = if search_system { font_dirs() } else { Vec::new() };
    if search_system {
        let mut found = Vec::new();
        for d in &dirs {
            known_fonts_in(d, 0, &mut found);
        }
        found.sort_by_key(|(rank, _)| *rank); // stable: folder order, then name
        for (_, p) in found {
            match load_cached(&p) {
                Ok(f) => return Ok(f),
                Err(why) => tried.push((p, why)),
            }
        }
        if let Some(p) = fontconfig_choice() {
            match load_cached(&p) {
                Ok(f) => return Ok(f),
                Err(why) => tried.push((p, format!("{why} (fontconfig's choice for zh-cn)"))),
            }
        }
    }
    Err(MapError::NoFont { tried, searched: dirs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn face_rank_prefers_simplified_chinese_faces() {
        let mut faces = ["Noto Sans CJK JP", "Noto Sans Mono CJK SC", "Noto Sans CJK SC", "Noto Sans CJK TC"];
        faces.sort_by_key(|f| face_rank(f));
        assert_eq!(faces[0], "Noto Sans CJK SC");
        assert!(face_rank("WenQuanYi Micro Hei") < face_rank("WenQuanYi Micro Hei Mono"));
    }

    #[test]
    fn a_face_copied_out_of_a_collection_is_that_face() {
        let Some(p) = [
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        ]
        .into_iter()
        .find(|p| Path::new(p).exists()) else {
            eprintln!("skipped: no font collection on this machine");
            return;
        };
        let bytes = std::fs::read(p).unwrap();
        let faces = face_offsets(&bytes).unwrap();
        for (i, off) in faces.iter().enumerate() {
            let one = extract_face(&bytes, *off as usize).unwrap();
            assert_eq!(face_offsets(&one).unwrap(), vec![0]);
            assert_eq!(family_name(&one, 0), family_name(&bytes, *off as usize));
            let a = FontRef::try_from_slice(&one).unwrap();
            let b = FontRef::try_from_slice_and_index(&bytes, i as u32).unwrap();
            for c in COVERAGE_PROBE.chars() {
                assert_eq!(a.glyph_id(c), b.glyph_id(c));
            }
        }
    }

    #[test]
    fn a_file_that_is_no_font_is_refused_with_its_reason() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("fake.ttf");
        std::fs::write(&p, b"not a font at all").unwrap();
        let err = CjkFont::load(&p).err().unwrap();
        assert!(err.contains("not a TrueType"), "{err}");
        assert_eq!(CjkFont::load(&dir.path().join("none.ttf")).err().unwrap(), "no such file");
    }
}
