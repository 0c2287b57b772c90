//! JSON written straight into the response buffer: strings escaped as serde_json escapes them,
//! numbers formatted as it formats them, so both execution paths give the same bytes.

use async_graphql::{Response, ServerError, Value};

/// Which bytes need escaping in a JSON string: `"`, `\` and the control characters.
const fn escapes() -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        table[i] = true;
        i += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
}
const ESCAPE: [bool; 256] = escapes();

pub fn string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !ESCAPE[b as usize] {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            other => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(other >> 4) as usize]);
                out.push(HEX[(other & 0xf) as usize]);
            }
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

pub fn int(out: &mut Vec<u8>, n: i64) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// A float as serde_json writes it (the reference path serializes through serde_json).
pub fn float(out: &mut Vec<u8>, x: f64) {
    if x.is_finite() {
        serde(out, &x);
    } else {
        out.extend_from_slice(b"null");
    }
}

/// Any serializable value, through serde_json (errors, extensions, introspection scalars).
pub fn serde<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // Serializing into a Vec cannot fail for these JSON-shaped values.
    let _ = serde_json::to_writer(out, value);
}

/// An async-graphql value, keys in the map's order.
pub fn value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::String(text) => string(out, text),
        Value::Enum(item) => string(out, item),
        other => serde(out, other),
    }
}

/// The response envelope: `errors` first when present (as the GraphQL specification suggests),
/// then `data` unless the request never ran, then `extensions`. `data` is the JSON already
/// written, or `None` when the request was refused before execution.
pub fn envelope(errors: &[ServerError], data: Option<&[u8]>, extensions: Option<&Response>) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.map_or(0, <[u8]>::len) + 64);
    out.push(b'{');
    let mut wrote = false;
    if !errors.is_empty() {
        out.extend_from_slice(b"\"errors\":");
        serde(&mut out, errors);
        wrote = true;
    }
    if let Some(data) = data {
        if wrote {
            out.push(b',');
        }
        out.extend_from_slice(b"\"data\":");
        out.extend_from_slice(data);
        wrote = true;
    }
    if let Some(response) = extensions.filter(|r| !r.extensions.is_empty()) {
        if wrote {
            out.push(b',');
        }
        out.extend_from_slice(b"\"extensions\":");
        serde(&mut out, &response.extensions);
    }
    out.push(b'}');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn strings_and_numbers_match_serde_json() {
        for text in ["plain", "quote \" and \\ backslash", "tab\tnew\nline\r\u{1}\u{1f}\u{8}\u{c}", "Türkiye — “quotes” \u{7f}"] {
            let mut out = Vec::new();
            super::string(&mut out, text);
            assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(text).unwrap());
        }
        for x in [0.0, 1.0, 17.5, 1e21, 1.0e-7, 123456.789] {
            let mut out = Vec::new();
            super::float(&mut out, x);
            assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&x).unwrap());
        }
    }
}
