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
//! Text is laid out and rasterised with `ab_glyph` here rather than through
//! plotters: plotters' `ttf` feature falls back to any sans-serif font when
//! the named one is missing (the boxes above), and its `ab_glyph` path
//! cannot choose a face in a collection (`.ttc`: face 0 of Noto Sans CJK is
//! the Japanese one, whose glyph forms differ from the Chinese ones).

use super::MapError;
use ab_glyph::{Font, FontVec, GlyphId, PxScale, ScaleFont};
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
    /// Its family name (for SVG `font-family`), e.g. `Noto Sans CJK SC`.
    pub family: String,
    font: FontVec,
    /// Glyph-to-em ratio: PxScale = em × this.
    px_per_em: f32,
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
        let font = FontVec::try_from_vec_and_index(bytes, index).map_err(|_| "not a usable font".to_string())?;
        let missing: String = COVERAGE_PROBE.chars().filter(|c| font.glyph_id(*c) == GlyphId(0)).collect();
        if !missing.is_empty() {
            return Err(format!("has no Chinese glyphs (missing {missing})"));
        }
        let upem = font.units_per_em().unwrap_or(1000.0);
        let px_per_em = font.height_unscaled() / upem;
        let family = if family.is_empty() {
            path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
        } else {
            family
        };
        Ok(CjkFont { path: path.to_path_buf(), family, font, px_per_em })
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

    /// Characters of `text` the font has no glyph for (drawn as boxes).
    pub fn missing_glyphs(&self, text: &str) -> Vec<char> {
        text.chars().filter(|c| !c.is_whitespace() && self.font.glyph_id(*c) == GlyphId(0)).collect()
    }

    /// Rasterises `text` with its baseline starting at (`x`, `y`) px; calls
    /// `plot(px, py, coverage)` for each covered pixel.
    pub fn rasterise(&self, text: &str, em: f64, x: f64, y: f64, mut plot: impl FnMut(i64, i64, f32)) {
        let scale = self.scale(em);
        let sf = self.font.as_scaled(scale);
        let mut pen = x as f32;
        let mut prev: Option<GlyphId> = None;
        for c in text.chars() {
            let g = sf.glyph_id(c);
            if let Some(p) = prev {
                pen += sf.kern(p, g);
            }
            let glyph = g.with_scale_and_position(scale, ab_glyph::point(pen, y as f32));
            if let Some(outline) = self.font.outline_glyph(glyph) {
                let b = outline.px_bounds();
                outline.draw(|gx, gy, cov| plot(b.min.x as i64 + i64::from(gx), b.min.y as i64 + i64::from(gy), cov));
            }
            pen += sf.h_advance(g);
            prev = Some(g);
        }
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
    fn a_file_that_is_no_font_is_refused_with_its_reason() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("fake.ttf");
        std::fs::write(&p, b"not a font at all").unwrap();
        let err = CjkFont::load(&p).err().unwrap();
        assert!(err.contains("not a TrueType"), "{err}");
        assert_eq!(CjkFont::load(&dir.path().join("none.ttf")).err().unwrap(), "no such file");
    }
}
