//! Streaming GeoJSON reader.
//!
//! A FeatureCollection is read feature by feature straight from the file:
//! no document tree of the whole file is ever built, so a 535 MB zone layer
//! costs only its geometries in memory. Geometry problems inside one
//! feature (a `null` coordinate, an empty or unclosed ring, a point where a
//! polygon belongs) are per-feature results, so one bad feature never hides
//! the rest; only text that is not JSON at all stops the file.

use super::{GeomProblem, LoadError, RawFeature, Work};
use geo::{Coord, LineString, MultiPolygon, Polygon};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;
use std::io::Read;
use std::path::Path;

/// What the file says about itself beyond its features.
#[derive(Clone, Debug, Default)]
pub struct FileInfo {
    /// The legacy `crs` member (GeoJSON 2008), if present, as its name.
    pub crs: Option<String>,
    /// Features read.
    pub features: usize,
    /// sha256 (hex) of every byte of the file, when read by [`read_file_digesting`].
    pub sha256: Option<String>,
}

/// Reads the GeoJSON file at `path`, calling `each` for every feature in
/// order, validated.
pub fn read_file(path: &Path, each: &mut dyn FnMut(RawFeature)) -> Result<FileInfo, LoadError> {
    read_file_with(path, &super::validate, each)
}

/// [`read_file`] with other work than validation done on each feature
/// ([`super::Work`]).
pub fn read_file_with(path: &Path, work: Work<'_>, each: &mut dyn FnMut(RawFeature)) -> Result<FileInfo, LoadError> {
    let file = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| LoadError::io(&file, e))?;
    read(f, &file, work, each)
}

/// [`read_file_with`], also taking the sha256 of the bytes as they are read
/// (for run.json: the digest is of the very bytes analysed, and the file is
/// read once).
pub fn read_file_digesting(
    path: &Path,
    work: Work<'_>,
    each: &mut dyn FnMut(RawFeature),
) -> Result<FileInfo, LoadError> {
    use sha2::{Digest, Sha256};
    let file = path.display().to_string();
    let mut f = std::fs::File::open(path).map_err(|e| LoadError::io(&file, e))?;
    let mut hasher = Sha256::new();
    let mut info = read(Digesting { inner: &mut f, hasher: &mut hasher }, &file, work, each)?;
    // the reader stops at the collection's end: the bytes after it count too
    std::io::copy(&mut f, &mut hasher).map_err(|e| LoadError::io(&file, e))?;
    info.sha256 = Some(crate::output::run_json::hex(&hasher.finalize()));
    Ok(info)
}

/// A reader that hashes what passes through it.
struct Digesting<'a> {
    inner: &'a mut std::fs::File,
    hasher: &'a mut sha2::Sha256,
}

impl Read for Digesting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        sha2::Digest::update(self.hasher, &buf[..n]);
        Ok(n)
    }
}

/// Features parsed together (in parallel) before they are handed on.
const BATCH_BYTES: usize = 8 << 20;

/// Reads GeoJSON from `reader`; `file` names it in errors.
///
/// The stream is split into features by [`super::split`]. Three batches
/// are in flight at once: while one is parsed (and `work` done on each of
/// its features) in parallel, the next is split and the previous one is
/// handed to `each` on this thread. `each` still sees the features in file
/// order.
pub fn read<R: Read + Send>(
    reader: R,
    file: &str,
    work: Work<'_>,
    each: &mut dyn FnMut(RawFeature),
) -> Result<FileInfo, LoadError> {
    use super::split::{Piece, SplitOrIo, Splitter};
    let mut sp = Splitter::new(reader);
    let split_err = |e: SplitOrIo| match e {
        SplitOrIo::Io(e) => LoadError::io(file, e),
        SplitOrIo::Split(e) => {
            LoadError::Syntax { file: file.to_owned(), line: e.line, column: e.column, message: e.message }
        }
    };
    let split_next = |sp: &mut Splitter<R>| -> Result<(bool, Vec<Piece>), SplitOrIo> {
        let mut pieces = Vec::new();
        let more = sp.split(BATCH_BYTES, &mut pieces)?;
        Ok((more, pieces))
    };
    let mut info = FileInfo::default();
    let mut kind: Option<String> = None;
    let mut deliver = |pieces: Vec<Piece>, parsed: Vec<Option<RawFeature>>| {
        for (piece, feature) in pieces.iter().zip(parsed) {
            match (piece, feature) {
                (_, Some(f)) => each(f),
                (Piece::Member(key, raw), None) => match key.as_str() {
                    "type" => kind = serde_json::from_slice::<String>(raw).ok(),
                    "crs" => info.crs = serde_json::from_slice::<Value>(raw).ok().as_ref().and_then(crs_name),
                    _ => {}
                },
                _ => {}
            }
        }
    };
    let mut index = 0usize;
    let (mut more, mut pieces) = split_next(&mut sp).map_err(split_err)?;
    let mut done: Option<(Vec<Piece>, Vec<Option<RawFeature>>)> = None;
    loop {
        let first = index;
        index += pieces.iter().filter(|p| matches!(p, Piece::Feature { .. })).count();
        let mut parsed = Vec::new();
        let mut next = None;
        rayon::in_place_scope(|s| {
            s.spawn(|_| parsed = parse_batch(&pieces, first, work));
            if more {
                s.spawn(|_| next = Some(split_next(&mut sp)));
            }
            if let Some((p, f)) = done.take() {
                deliver(p, f);
            }
        });
        done = Some((pieces, parsed));
        match next {
            Some(r) => (more, pieces) = r.map_err(split_err)?,
            None => break,
        }
    }
    if let Some((p, f)) = done.take() {
        deliver(p, f);
    }
    info.features = index;
    let fail = |m: &str| LoadError::Syntax { file: file.to_owned(), line: 1, column: 1, message: m.to_owned() };
    match kind.as_deref() {
        Some("FeatureCollection") if sp.saw_features => Ok(info),
        Some("FeatureCollection") => Err(fail("the FeatureCollection has no \"features\" member")),
        Some(other) => Err(fail(&format!("the top-level object is a {other}, not a FeatureCollection"))),
        None => Err(fail("the top-level object has no \"type\": it is not GeoJSON")),
    }
}

/// Parses the features of one batch and does `work` on them, in parallel;
/// `first` is the index of its first feature. Members give `None`.
fn parse_batch(pieces: &[super::split::Piece], first: usize, work: Work<'_>) -> Vec<Option<RawFeature>> {
    use super::split::Piece;
    use rayon::prelude::*;
    let mut numbered = Vec::with_capacity(pieces.len());
    let mut index = first;
    for p in pieces {
        numbered.push((index, p));
        if matches!(p, Piece::Feature { .. }) {
            index += 1;
        }
    }
    numbered
        .par_iter()
        .map(|(i, p)| match p {
            Piece::Feature { bytes, line, column } => {
                let mut f = parse_feature(bytes, *i, *line, *column);
                work(&mut f);
                Some(f)
            }
            Piece::Member(..) => None,
        })
        .collect()
}

/// Parses one feature's text; text that is not JSON rejects this feature
/// only, with its position in the file.
fn parse_feature(bytes: &[u8], index: usize, line: usize, column: usize) -> RawFeature {
    // the common case, read by hand; anything unusual goes the general way
    if let Some(f) = super::coords::Scanner::feature(bytes) {
        let geometry = match f.geometry {
            None => Err(GeomProblem::Missing),
            Some(None) => Err(GeomProblem::Null),
            Some(Some((polys, multi))) => from_rings(polys, multi),
        };
        return RawFeature::new(index, f.properties, geometry);
    }
    parse_feature_generally(bytes, index, line, column)
}

/// Reads one feature through serde, whatever it holds, naming any problem.
fn parse_feature_generally(bytes: &[u8], index: usize, line: usize, column: usize) -> RawFeature {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let r = FeatureSeed { index }.deserialize(&mut de).and_then(|f| de.end().map(|_| f));
    match r {
        Ok(f) => f,
        Err(e) => {
            let (l, c) = if e.line() <= 1 {
                (line, column + e.column().saturating_sub(1))
            } else {
                (line + e.line() - 1, e.column())
            };
            let msg = e.to_string();
            let mut msg = msg.rfind(" at line ").map_or(msg.as_str(), |k| &msg[..k]).to_owned();
            if std::str::from_utf8(bytes).is_err() {
                msg.push_str("; the text is not UTF-8 (GBK?): convert the file with `iconv -f GBK -t UTF-8`, GeoJSON is UTF-8 by definition");
            }
            RawFeature::new(
                index,
                Map::new(),
                Err(GeomProblem::NotJson(format!(
                    "the feature is not valid JSON at line {l} column {c}: {msg} (NaN, Infinity and bare words are not JSON)"
                ))),
            )
        }
    }
}

fn crs_name(v: &Value) -> Option<String> {
    v.get("properties").and_then(|p| p.get("name")).and_then(Value::as_str).map(str::to_owned)
}

struct FeatureSeed {
    index: usize,
}

impl<'de> DeserializeSeed<'de> for FeatureSeed {
    type Value = RawFeature;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<RawFeature, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FeatureSeed {
    type Value = RawFeature;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON Feature object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawFeature, A::Error> {
        let mut properties = Map::new();
        let mut geometry = Err(GeomProblem::Missing);
        let mut kind_ok = true;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "properties" => {
                    let p: Option<Map<String, Value>> = map.next_value()?;
                    properties = p.unwrap_or_default();
                }
                "geometry" => geometry = map.next_value_seed(GeometrySeed)?,
                "type" => kind_ok = map.next_value::<String>()? == "Feature",
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !kind_ok {
            geometry = Err(GeomProblem::Unreadable("the array member is not a \"Feature\"".into()));
        }
        Ok(RawFeature::new(self.index, properties, geometry))
    }
    // Anything that is not an object is a bad feature, not a bad file.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawFeature, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.not_an_object())
    }
    fn visit_unit<E: de::Error>(self) -> Result<RawFeature, E> {
        Ok(self.not_an_object())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<RawFeature, E> {
        Ok(self.not_an_object())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<RawFeature, E> {
        Ok(self.not_an_object())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<RawFeature, E> {
        Ok(self.not_an_object())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<RawFeature, E> {
        Ok(self.not_an_object())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<RawFeature, E> {
        Ok(self.not_an_object())
    }
}

impl FeatureSeed {
    fn not_an_object(&self) -> RawFeature {
        RawFeature::new(
            self.index,
            Map::new(),
            Err(GeomProblem::Unreadable("the array member is not a Feature object".into())),
        )
    }
}

/// Reads a geometry member into a polygonal geometry or the problem with it.
struct GeometrySeed;

impl<'de> DeserializeSeed<'de> for GeometrySeed {
    type Value = Result<MultiPolygon<f64>, GeomProblem>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for GeometrySeed {
    type Value = Result<MultiPolygon<f64>, GeomProblem>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON geometry object or null")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Err(GeomProblem::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Err(GeomProblem::Null))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut kind: Option<String> = None;
        let mut coords: Option<Node> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => kind = Some(map.next_value()?),
                "coordinates" => coords = Some(map.next_value::<Node>()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(to_multipolygon(kind.as_deref(), coords))
    }
}

/// A coordinates array, read without a heap allocation per position.
#[derive(Debug)]
enum Node {
    Pos(f64, f64),
    Bad(&'static str),
    List(Vec<Node>),
}

/// One element of a coordinates array.
enum Elem {
    Num(f64),
    Null,
    Other,
    Node(Node),
}

impl<'de> de::Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        match d.deserialize_any(ElemVisitor)? {
            Elem::Node(n) => Ok(n),
            Elem::Null => Ok(Node::Bad("null instead of a coordinates array")),
            _ => Ok(Node::Bad("\"coordinates\" is not an array")),
        }
    }
}

impl<'de> de::Deserialize<'de> for Elem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Elem, D::Error> {
        d.deserialize_any(ElemVisitor)
    }
}

struct ElemVisitor;

impl<'de> Visitor<'de> for ElemVisitor {
    type Value = Elem;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a coordinate or an array of coordinates")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Elem, E> {
        Ok(Elem::Num(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Elem, E> {
        Ok(Elem::Num(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Elem, E> {
        Ok(Elem::Num(v as f64))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Elem, E> {
        Ok(Elem::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Elem, E> {
        Ok(Elem::Null)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Elem, E> {
        Ok(Elem::Other)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Elem, E> {
        Ok(Elem::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Elem, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Elem::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Elem, A::Error> {
        let first = match seq.next_element::<Elem>()? {
            None => return Ok(Elem::Node(Node::List(Vec::new()))),
            Some(e) => e,
        };
        let node = match first {
            Elem::Node(n) => {
                let mut v = Vec::with_capacity(8);
                v.push(n);
                while let Some(e) = seq.next_element::<Elem>()? {
                    v.push(match e {
                        Elem::Node(n) => n,
                        _ => Node::Bad("a number where an array belongs"),
                    });
                }
                Node::List(v)
            }
            Elem::Num(x) => {
                let y = seq.next_element::<Elem>()?;
                let mut bad = None;
                while let Some(e) = seq.next_element::<Elem>()? {
                    if let Elem::Node(_) = e {
                        bad = Some("an array inside a position");
                    }
                }
                match (y, bad) {
                    (_, Some(b)) => Node::Bad(b),
                    (Some(Elem::Num(y)), None) => Node::Pos(x, y),
                    (None, None) => Node::Bad("a position with one number"),
                    (Some(Elem::Null), None) => Node::Bad("a null coordinate value"),
                    _ => Node::Bad("a coordinate that is not a number"),
                }
            }
            Elem::Null => {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Node::Bad("a null coordinate value")
            }
            Elem::Other => {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Node::Bad("a coordinate that is not a number")
            }
        };
        Ok(Elem::Node(node))
    }
}

fn to_multipolygon(kind: Option<&str>, coords: Option<Node>) -> Result<MultiPolygon<f64>, GeomProblem> {
    let kind = kind.ok_or_else(|| GeomProblem::Unreadable("the geometry has no \"type\"".into()))?;
    match kind {
        "Polygon" | "MultiPolygon" => {}
        "GeometryCollection" => {
            return Err(GeomProblem::NotPolygonal("a GeometryCollection".into()));
        }
        other => return Err(GeomProblem::NotPolygonal(format!("a {other}"))),
    }
    let coords = coords.ok_or_else(|| GeomProblem::Unreadable("the geometry has no \"coordinates\"".into()))?;
    let polys = match (kind, coords) {
        (_, Node::Bad(why)) => return Err(GeomProblem::Unreadable(why.into())),
        (_, Node::List(v)) if v.is_empty() => return Err(GeomProblem::Empty),
        ("Polygon", Node::List(rings)) => vec![polygon(rings, None)?],
        (_, Node::List(polys)) => {
            let mut out = Vec::with_capacity(polys.len());
            for (i, p) in polys.into_iter().enumerate() {
                match p {
                    Node::List(rings) => out.push(polygon(rings, Some(i))?),
                    Node::Bad(why) => return Err(GeomProblem::Unreadable(format!("polygon {i}: {why}"))),
                    Node::Pos(..) => {
                        return Err(GeomProblem::Unreadable(format!("polygon {i} is a position, not rings")))
                    }
                }
            }
            out
        }
        (_, Node::Pos(..)) => return Err(GeomProblem::Unreadable("the coordinates are a single position".into())),
    };
    Ok(MultiPolygon(polys))
}

/// Builds the multipolygon from rings the fast path read, with the same
/// checks (empty, unclosed) as [`polygon`].
fn from_rings(polys: Vec<super::coords::PolygonRings>, multi: bool) -> Result<MultiPolygon<f64>, GeomProblem> {
    let mut out = Vec::with_capacity(polys.len());
    for (i, rings) in polys.into_iter().enumerate() {
        out.push(closed_polygon(rings, multi.then_some(i))?);
    }
    Ok(MultiPolygon(out))
}

fn ring_label(part: Option<usize>, r: usize) -> String {
    match part {
        Some(p) => format!("polygon {p} ring {r}"),
        None => format!("ring {r}"),
    }
}

fn polygon(rings: Vec<Node>, part: Option<usize>) -> Result<Polygon<f64>, GeomProblem> {
    let mut out: Vec<Vec<Coord<f64>>> = Vec::with_capacity(rings.len());
    for (r, ring) in rings.into_iter().enumerate() {
        let at = || ring_label(part, r);
        let pts = match ring {
            Node::List(pts) => pts,
            Node::Bad(why) => return Err(GeomProblem::Unreadable(format!("{}: {why}", at()))),
            Node::Pos(..) => return Err(GeomProblem::Unreadable(format!("{} is a position, not a ring", at()))),
        };
        let mut cs = Vec::with_capacity(pts.len());
        for p in pts {
            match p {
                Node::Pos(x, y) => cs.push(Coord { x, y }),
                Node::Bad(why) => return Err(GeomProblem::Unreadable(format!("{}: {why}", at()))),
                Node::List(_) => {
                    return Err(GeomProblem::Unreadable(format!("{}: an array where a position belongs", at())))
                }
            }
        }
        check_ring(&cs, part, r)?;
        out.push(cs);
    }
    closed_polygon(out, part)
}

/// A ring must have positions, and end where it starts.
fn check_ring(cs: &[Coord<f64>], part: Option<usize>, r: usize) -> Result<(), GeomProblem> {
    let (Some(&a), Some(&b)) = (cs.first(), cs.last()) else { return Err(GeomProblem::Empty) };
    if a != b {
        return Err(GeomProblem::Unclosed(format!(
            "{} is not closed: it starts at ({}, {}) and ends at ({}, {})",
            ring_label(part, r),
            a.x,
            a.y,
            b.x,
            b.y
        )));
    }
    Ok(())
}

/// A polygon from its rings, each checked to be non-empty and closed.
fn closed_polygon(rings: Vec<Vec<Coord<f64>>>, part: Option<usize>) -> Result<Polygon<f64>, GeomProblem> {
    if rings.is_empty() {
        return Err(GeomProblem::Empty);
    }
    let mut out: Vec<LineString<f64>> = Vec::with_capacity(rings.len());
    for (r, cs) in rings.into_iter().enumerate() {
        check_ring(&cs, part, r)?;
        out.push(LineString(cs));
    }
    let exterior = out.remove(0);
    Ok(Polygon::new(exterior, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(s: &str) -> Result<Vec<RawFeature>, LoadError> {
        let mut v = Vec::new();
        read(s.as_bytes(), "t.geojson", &crate::layers::validate, &mut |f| v.push(f))?;
        Ok(v)
    }

    #[test]
    fn reads_polygons_and_multipolygons_in_order() {
        let s = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"a":1},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
          {"geometry":{"coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]],"type":"MultiPolygon"},"type":"Feature","properties":null}
        ]}"#;
        let v = read_str(s).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].index, 0);
        assert_eq!(v[0].geometry.as_ref().unwrap().0.len(), 1);
        assert_eq!(v[1].geometry.as_ref().unwrap().0.len(), 2);
        assert_eq!(v[0].properties["a"], 1);
    }

    #[test]
    fn a_bad_feature_does_not_stop_the_file() {
        let s = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,null],[1,1],[0,0]]]}},
          {"type":"Feature","properties":{},"geometry":null},
          {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[]}},
          {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}},
          {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[0,0]}},
          {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}
        ]}"#;
        let v = read_str(s).unwrap();
        assert_eq!(v.len(), 6);
        assert!(matches!(&v[0].geometry, Err(GeomProblem::Unreadable(m)) if m.contains("null")));
        assert!(matches!(v[1].geometry, Err(GeomProblem::Null)));
        assert!(matches!(v[2].geometry, Err(GeomProblem::Empty)));
        assert!(matches!(v[3].geometry, Err(GeomProblem::Unclosed(_))));
        assert!(matches!(v[4].geometry, Err(GeomProblem::NotPolygonal(_))));
        assert!(v[5].geometry.is_ok());
    }

    #[test]
    fn not_json_names_line_and_column() {
        let s = "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,NaN]]]}}]}";
        // the NaN rejects its feature only, naming where it is
        let v = read_str(s).unwrap();
        let e = v[0].geometry.as_ref().unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("NaN"), "{e}");
    }

    #[test]
    fn a_byte_order_mark_is_accepted() {
        let s = "\u{feff}{\"type\":\"FeatureCollection\",\"features\":[]}";
        assert_eq!(read_str(s).unwrap().len(), 0);
    }

    /// The hand-read path gives exactly what serde's path gives, and leaves
    /// everything unusual to it.
    #[test]
    fn the_fast_path_reads_features_as_the_general_path_does() {
        let texts = [
            r#"{"type":"Feature","properties":{"a":1,"b":"x\"y","c":[1,{"d":null}],"名":"园区"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}"#,
            r#"{ "geometry" : { "coordinates" : [ [ [ 0.5 , -1e-3 ] , [ 1 , 0 , 7.25 ] , [ 1 , 1 ] , [ 0.5 , -1e-3 ] ] ] , "bbox":[0,0,1,1], "type" : "Polygon" } , "id": 7, "properties" : null , "type" : "Feature" }"#,
            r#"{"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,1]]]]}}"#,
            r#"{"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]],[[0.2,0.2],[0.3,0.2],[0.3,0.3],[0.2,0.2]]],[[[5,5],[6,5],[6,6],[5,5]]]]}}"#,
            r#"{"type":"Feature","properties":{"k":1},"geometry":null}"#,
            r#"{"type":"Feature","properties":{"k":1}}"#,
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}"#,
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}}"#,
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[0,0]}}"#,
            r#"{"type":"Feature","properties":[],"geometry":null}"#,
            r#"{"type":"Featur","properties":{},"geometry":null}"#,
            r#"{"type":"Feature","prop\u0065rties":{"a":1},"geometry":null}"#,
        ];
        for t in texts {
            let fast = parse_feature(t.as_bytes(), 3, 1, 1);
            let general = parse_feature_generally(t.as_bytes(), 3, 1, 1);
            assert_eq!(format!("{fast:?}"), format!("{general:?}"), "{t}");
        }
        assert!(super::super::coords::Scanner::feature(texts[0].as_bytes()).is_some(), "the usual case is fast");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Differential test of the hand-read path: mutate a valid feature a
        /// few bytes at a time; whenever the fast path still accepts the
        /// text, serde's path must read exactly the same feature, and
        /// neither may panic.
        #[test]
        fn the_fast_path_agrees_with_serde_on_mutated_features(
            edits in proptest::collection::vec((0usize..400, 0usize..3, proptest::sample::select(
                b"[]{},:\" -.0123456789eE+nul\\abcPolygnMt".to_vec())), 1..4),
        ) {
            let mut t = br#"{"type":"Feature","properties":{"zone_id":"Z1","n":1.5},"geometry":{"type":"MultiPolygon","coordinates":[[[[111.1,40.2],[111.3,40.2],[111.3,40.4],[111.1,40.2]]],[[[112,41],[112.5,41],[112.5,41.5e0],[112,41]]]]}}"#.to_vec();
            for (at, op, c) in edits {
                let at = at % (t.len() + 1);
                match op {
                    0 if at < t.len() => t[at] = c,
                    1 => t.insert(at, c),
                    _ if at < t.len() => {
                        t.remove(at);
                    }
                    _ => {}
                }
            }
            let general = parse_feature_generally(&t, 0, 1, 1);
            if super::super::coords::Scanner::feature(&t).is_some() {
                let fast = parse_feature(&t, 0, 1, 1);
                proptest::prop_assert_eq!(format!("{fast:?}"), format!("{general:?}"), "{}", String::from_utf8_lossy(&t));
            }
        }
    }

    #[test]
    fn a_truncated_file_is_an_error() {
        let s = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0]"#;
        assert!(read_str(s).is_err());
    }
}
