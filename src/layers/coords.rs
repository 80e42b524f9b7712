//! The fast path for a GeoJSON feature and its `coordinates` array.
//!
//! Nearly all of a zone layer's bytes are coordinates, and reading them
//! through serde's generic visitors costs a dispatch per number. This
//! scanner reads a well-formed Polygon or MultiPolygon feature straight into
//! rings (properties still go through serde_json). It gives up (returns
//! `None`) at anything unusual: `null` coordinates, a string, a missing
//! number, a bare word, wrong nesting, an empty array, an escaped key. The
//! caller then reads the same text through the general path, which names
//! the problem; so this path never decides what an error says.
//!
//! Numbers are read exactly: up to 19 significant digits with a power of ten
//! up to 22 take Clinger's fast path (both operands are exact doubles, so one
//! rounding gives the correctly rounded result), anything else goes to the
//! standard library's correctly rounded parser. Either way the value is the
//! one serde_json with `float_roundtrip` gives.

use geo::Coord;

/// Rings of each polygon, as read.
pub type PolygonRings = Vec<Vec<Coord<f64>>>;

/// A cursor over JSON text.
pub(crate) struct Scanner<'a> {
    pub(crate) b: &'a [u8],
    pub(crate) i: usize,
}

/// What [`Scanner::feature`] read: the properties, the geometry (`None`
/// for `"geometry": null`, absent when the member is missing) and whether
/// it was a MultiPolygon.
pub(crate) struct FastFeature {
    pub(crate) properties: serde_json::Map<String, serde_json::Value>,
    pub(crate) geometry: Option<Option<(Vec<PolygonRings>, bool)>>,
}

/// Powers of ten exactly representable as doubles.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

impl<'a> Scanner<'a> {
    /// A whole feature object whose geometry is a Polygon, a MultiPolygon or
    /// null, and nothing but whitespace after it.
    pub(crate) fn feature(b: &'a [u8]) -> Option<FastFeature> {
        let mut s = Scanner { b, i: 0 };
        let mut out = FastFeature { properties: serde_json::Map::new(), geometry: None };
        s.object(|s, key| match key {
            b"type" => (s.plain_string()? == b"Feature").then_some(()),
            b"properties" => {
                if s.null() {
                    out.properties = serde_json::Map::new();
                } else {
                    out.properties = s.serde()?;
                }
                Some(())
            }
            b"geometry" => {
                out.geometry = Some(if s.null() { None } else { Some(s.geometry()?) });
                Some(())
            }
            _ => s.serde::<serde::de::IgnoredAny>().map(|_| ()),
        })?;
        s.ws();
        (s.i == s.b.len()).then_some(out)
    }

    /// A geometry object of type Polygon or MultiPolygon, its coordinates
    /// nested as the type says.
    fn geometry(&mut self) -> Option<(Vec<PolygonRings>, bool)> {
        let mut kind: Option<&[u8]> = None;
        let mut coords: Option<(Vec<PolygonRings>, bool)> = None;
        self.object(|s, key| {
            match key {
                b"type" => kind = Some(s.plain_string()?),
                b"coordinates" => {
                    s.ws();
                    let multi = s.b.get(s.i..)?.iter().filter(|c| !c.is_ascii_whitespace()).take(4).all(|&c| c == b'[');
                    coords = Some((s.polygons(multi)?, multi));
                }
                _ => {
                    s.serde::<serde::de::IgnoredAny>()?;
                }
            }
            Some(())
        })?;
        let (polys, multi) = coords?;
        match kind? {
            b"Polygon" if !multi => Some((polys, false)),
            b"MultiPolygon" if multi => Some((polys, true)),
            _ => None,
        }
    }

    /// A non-empty object: `each` reads the value of every key (keys without escapes).
    fn object(&mut self, mut each: impl FnMut(&mut Self, &'a [u8]) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        loop {
            let key = self.plain_string()?;
            self.eat(b':')?;
            each(self, key)?;
            if !self.more(b'}')? {
                return Some(());
            }
        }
    }

    /// A string without escapes, as its bytes.
    fn plain_string(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.i;
        let len = self.b[start..].iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
        if self.b[start + len] != b'"' {
            return None;
        }
        self.i = start + len + 1;
        Some(&self.b[start..start + len])
    }

    /// `null`, consumed if it is there.
    fn null(&mut self) -> bool {
        self.ws();
        let hit = self.b[self.i..].starts_with(b"null");
        if hit {
            self.i += 4;
        }
        hit
    }

    /// One JSON value through serde_json, from here.
    fn serde<T: serde::de::DeserializeOwned>(&mut self) -> Option<T> {
        let mut st = serde_json::Deserializer::from_slice(&self.b[self.i..]).into_iter::<T>();
        let v = st.next()?.ok()?;
        self.i += st.byte_offset();
        Some(v)
    }

    /// The coordinates of a Polygon (`multi == false`) or a MultiPolygon.
    fn polygons(&mut self, multi: bool) -> Option<Vec<PolygonRings>> {
        if multi {
            let mut polys = Vec::new();
            self.array(|s| {
                polys.push(s.polygon()?);
                Some(())
            })?;
            Some(polys)
        } else {
            Some(vec![self.polygon()?])
        }
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    #[inline]
    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }

    /// A non-empty array whose elements `each` reads.
    #[inline]
    fn array(&mut self, mut each: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        loop {
            each(self)?;
            if !self.more(b']')? {
                return Some(());
            }
        }
    }

    /// After a member or element: `,` (more follow: `true`) or `close`
    /// (the object or array ends: `false`), consumed; anything else is `None`.
    #[inline]
    fn more(&mut self, close: u8) -> Option<bool> {
        self.ws();
        let c = *self.b.get(self.i)?;
        let more = match c {
            b',' => true,
            _ if c == close => false,
            _ => return None,
        };
        self.i += 1;
        Some(more)
    }

    fn polygon(&mut self) -> Option<PolygonRings> {
        let mut rings = Vec::with_capacity(1);
        // positions gather in one growing buffer per thread; each ring is
        // then stored at its exact size (a layer's memory is mostly rings)
        thread_local!(static SCRATCH: std::cell::RefCell<Vec<Coord<f64>>> = const { std::cell::RefCell::new(Vec::new()) });
        SCRATCH.with_borrow_mut(|scratch| {
            self.array(|s| {
                scratch.clear();
                s.array(|s| {
                    scratch.push(s.position()?);
                    Some(())
                })?;
                rings.push(scratch.as_slice().to_vec());
                Some(())
            })
        })?;
        Some(rings)
    }

    /// `[x, y]`, or `[x, y, z …]` with the extra numbers ignored.
    #[inline]
    fn position(&mut self) -> Option<Coord<f64>> {
        self.eat(b'[')?;
        let x = self.number()?;
        self.eat(b',')?;
        let y = self.number()?;
        loop {
            self.ws();
            match self.b.get(self.i)? {
                b']' => {
                    self.i += 1;
                    return Some(Coord { x, y });
                }
                b',' => {
                    self.i += 1;
                    self.number()?;
                }
                _ => return None,
            }
        }
    }

    /// A JSON number, as a correctly rounded f64.
    #[inline]
    fn number(&mut self) -> Option<f64> {
        self.ws();
        let start = self.i;
        let b = self.b;
        let neg = b.get(self.i) == Some(&b'-');
        if neg {
            self.i += 1;
        }
        let mut mantissa: u64 = 0;
        let mut digits = 0u32; // significant digits taken into the mantissa
        let mut dropped = false; // digits beyond what the mantissa holds
        let mut exp: i32 = 0;
        let int_start = self.i;
        while let Some(&c @ b'0'..=b'9') = b.get(self.i) {
            self.take_digit(c, &mut mantissa, &mut digits, &mut dropped, &mut exp, false);
        }
        let int_len = self.i - int_start;
        // JSON: at least one digit, no leading zeros
        if int_len == 0 || (int_len > 1 && b[int_start] == b'0') {
            return None;
        }
        if b.get(self.i) == Some(&b'.') {
            self.i += 1;
            let frac_start = self.i;
            while let Some(&c @ b'0'..=b'9') = b.get(self.i) {
                self.take_digit(c, &mut mantissa, &mut digits, &mut dropped, &mut exp, true);
            }
            if self.i == frac_start {
                return None;
            }
        }
        if let Some(b'e' | b'E') = b.get(self.i) {
            self.i += 1;
            let eneg = match b.get(self.i) {
                Some(b'-') => {
                    self.i += 1;
                    true
                }
                Some(b'+') => {
                    self.i += 1;
                    false
                }
                _ => false,
            };
            let e_start = self.i;
            let mut e: i32 = 0;
            while let Some(&c @ b'0'..=b'9') = b.get(self.i) {
                e = e.saturating_mul(10).saturating_add((c - b'0') as i32);
                self.i += 1;
            }
            if self.i == e_start {
                return None;
            }
            exp = exp.saturating_add(if eneg { -e } else { e });
        }
        if !dropped && mantissa <= (1u64 << 53) && (-22..=22).contains(&exp) {
            let m = mantissa as f64;
            let v = if exp >= 0 { m * POW10[exp as usize] } else { m / POW10[(-exp) as usize] };
            return Some(if neg { -v } else { v });
        }
        // rare: long mantissas or large exponents
        let text = std::str::from_utf8(&b[start..self.i]).ok()?;
        text.parse::<f64>().ok().filter(|v| v.is_finite())
    }

    /// Adds one digit to the mantissa, or counts it in the exponent when the
    /// mantissa is full (a nonzero dropped digit sends the number to the slow path).
    #[inline]
    fn take_digit(&mut self, c: u8, m: &mut u64, digits: &mut u32, dropped: &mut bool, exp: &mut i32, frac: bool) {
        let d = (c - b'0') as u64;
        if *digits < 19 {
            *m = *m * 10 + d;
            if *m > 0 {
                *digits += 1;
            }
            if frac {
                *exp -= 1;
            }
        } else {
            if d != 0 {
                *dropped = true;
            }
            if !frac {
                *exp += 1;
            }
        }
        self.i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A whole coordinates value, as [`Scanner::feature`] reads it.
    fn polygons(text: &[u8], multi: bool) -> Option<Vec<PolygonRings>> {
        let mut s = Scanner { b: text, i: 0 };
        let out = s.polygons(multi)?;
        s.ws();
        (s.i == s.b.len()).then_some(out)
    }

    fn num(s: &str) -> Option<f64> {
        let mut sc = Scanner { b: s.as_bytes(), i: 0 };
        let v = sc.number()?;
        (sc.i == s.len()).then_some(v)
    }

    /// What serde_json (with float_roundtrip) reads, as an f64.
    fn serde(s: &str) -> Option<f64> {
        serde_json::from_str::<serde_json::Value>(s).ok()?.as_f64()
    }

    #[test]
    fn numbers_match_serde_json_bit_for_bit() {
        for s in [
            "0",
            "-0",
            "-0.0",
            "1",
            "111.6234567",
            "40.1000000",
            "-179.9999999",
            "1e5",
            "1E-5",
            "2.5e+3",
            "0.1",
            "123456789012345678901234567890",
            "1.7976931348623157e308",
            "4.9e-324",
            "0.30000000000000004",
            "9007199254740993",
            "111.62345678901234567",
            "5e-324",
            "1e23",
            "0.000001234",
        ] {
            let (a, b) = (num(s), serde(s));
            assert_eq!(a.map(f64::to_bits), b.map(f64::to_bits), "{s}: {a:?} vs {b:?}");
        }
    }

    #[test]
    fn non_json_numbers_give_up() {
        for s in ["01", "1.", ".5", "-", "1e", "NaN", "Infinity", "+1", "1e400"] {
            assert_eq!(num(s), None, "{s}");
        }
    }

    #[test]
    fn reads_polygons_and_gives_up_on_anything_odd() {
        let p =
            polygons(b" [ [ [0,0], [1,0.5,7], [1,1] ,[0,0] ] , [[0.2,0.2],[0.3,0.2],[0.3,0.3],[0.2,0.2]] ] ", false)
                .unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].len(), 2);
        assert_eq!(p[0][0][1], Coord { x: 1.0, y: 0.5 });
        let m = polygons(b"[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]", true).unwrap();
        assert_eq!(m.len(), 2);
        for odd in [
            &b"[[[0,0],[1,null],[1,1],[0,0]]]"[..],
            b"[]",
            b"[[]]",
            b"[[[0,0],[1,0],[1,1],[0,0]]",
            b"[[[0,0],[1],[1,1],[0,0]]]",
            b"[[[0,0],[1,\"a\"],[1,1],[0,0]]]",
            b"[[[0,0],[1,0],[1,1],[0,0]]] x",
            b"[[[[0,0],[1,0],[1,1],[0,0]]]]",
        ] {
            assert!(polygons(odd, false).is_none(), "{}", String::from_utf8_lossy(odd));
        }
    }

    proptest! {
        #[test]
        fn any_formatted_double_reads_back_as_serde_json_reads_it(x in proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO) {
            for s in [format!("{x}"), format!("{x:e}"), format!("{x:.7}"), serde_json::to_string(&x).unwrap()] {
                prop_assert_eq!(num(&s).map(f64::to_bits), serde(&s).map(f64::to_bits), "{}", s);
            }
        }

        #[test]
        fn decimal_strings_read_exactly(int in 0u64..400, frac in "[0-9]{0,22}", e in -30i32..30) {
            let s = if frac.is_empty() { format!("{int}e{e}") } else { format!("{int}.{frac}e{e}") };
            prop_assert_eq!(num(&s).map(f64::to_bits), serde(&s).map(f64::to_bits), "{}", s);
        }
    }
}
